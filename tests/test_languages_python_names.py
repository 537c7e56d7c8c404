"""credlint/languages/python/names.py: name resolution where more than one
outcome is right.

Where names resolve to a single answer, the cases are fixtures
(tests/fixtures/python/scopes.py, shadowing*.py, sessions.py, imports_*.py).
These tests allow either CL101 or CL102 on the call, or pin only part of the
findings, and so stay code.
"""
from __future__ import annotations

import pytest

from test_fixtures_python import line_of, on_line, render, src


def test_class_attributes_used_through_self(lint):
    code = src('''
        import boto3


        class ReportExporter:
            ACCESS_KEY = "@KEY@"  # [key]
            SECRET_KEY = "@SECRET@"  # [secret]

            def __init__(self, bucket):
                self.bucket = bucket

            def client(self):
                return boto3.client("s3", aws_access_key_id=self.ACCESS_KEY, aws_secret_access_key=self.SECRET_KEY)  # [call]
    ''')
    findings = lint(code)
    assert on_line(findings, ["CL201"], line_of(code, "[key]"))
    assert on_line(findings, ["CL202"], line_of(code, "[secret]"))
    call = on_line(findings, ["CL101", "CL102"], line_of(code, "[call]"))
    assert len(call) == 1, render(findings)
    assert len(findings) == 3, render(findings)


def test_global_variable_assigned_in_configure_function(lint):
    code = src('''
        import boto3

        _KEY = None
        _SECRET = None


        def configure(settings):
            global _KEY, _SECRET
            _KEY = "@KEY@"  # [key]
            _SECRET = settings["secret"]


        def client():
            return boto3.client("s3", aws_access_key_id=_KEY, aws_secret_access_key=_SECRET)  # [call]
    ''')
    findings = lint(code)
    assert on_line(findings, ["CL201"], line_of(code, "[key]")), render(findings)
    # The globals are not None when the client is made: the call passes explicit keys.
    assert len(on_line(findings, ["CL101", "CL102"], line_of(code, "[call]"))) == 1, render(findings)


@pytest.mark.parametrize("binding", [
    '''
    if os.environ.get("APP_ENV") == "dev":
        ACCESS_KEY = "@KEY@"  # [key]
    else:
        ACCESS_KEY = os.environ["AWS_ACCESS_KEY_ID"]
    ''',
    '''
    try:
        ACCESS_KEY = os.environ["AWS_ACCESS_KEY_ID"]
    except KeyError:
        ACCESS_KEY = "@KEY@"  # [key]
    ''',
], ids=["if-dev-else-env", "try-env-except-literal"])
def test_variable_that_may_hold_a_hardcoded_key_is_never_a_safe_fix(lint, binding):
    code = src('''
        import os

        import boto3

        BINDING

        s3 = boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''').replace("BINDING", src(binding).rstrip())
    findings = lint(code)
    assert on_line(findings, ["CL201"], line_of(code, "[key]")), render(findings)
    call = on_line(findings, ["CL101", "CL102"], line_of(code, "[call]"))
    assert len(call) == 1, render(findings)
    assert call[0].fix_plan is None or call[0].fix_plan.applicability == "unsafe", (
        f"{call[0].rule_id} offers a safe fix although the argument may hold a hardcoded key: {call[0].fix_plan}")
