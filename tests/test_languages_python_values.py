"""credlint/languages/python/values.py: value kinds where more than one outcome
is right.

Where a value kind decides a single answer, the cases are fixtures
(tests/fixtures/python/values_*.py, api_responses.py, default_chain.py,
endpoints_*.py). These tests accept either rule for the call, or pin only part
of the findings, and so stay code.
"""
from __future__ import annotations

import pytest

from test_fixtures_python import line_of, on_line, render, src


@pytest.mark.parametrize("expression", [
    'os.getenv("AWS_ACCESS_KEY_ID", "@KEY@")',
    'os.environ.get("AWS_ACCESS_KEY_ID") or "@KEY@"',
    '"@KEY@" if DEBUG else os.environ["AWS_ACCESS_KEY_ID"]',
], ids=["getenv-default", "or-fallback", "conditional"])
def test_hardcoded_fallback_behind_environment_read(lint, expression):
    code = src('''
        import os

        import boto3

        DEBUG = os.environ.get("DEBUG") == "1"

        s3 = boto3.client(
            "s3",
            aws_access_key_id=EXPRESSION,  # [call]
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        )
    ''').replace("EXPRESSION", src(expression).strip())
    findings = lint(code)
    line = line_of(code, "[call]")
    call = on_line(findings, ["CL101", "CL102"], line)
    assert len(call) == 1, "the call is reported once, by CL101 or CL102:\n" + render(findings)
    assert on_line(findings, ["CL101", "CL201"], line), "the hardcoded key id must be reported:\n" + render(findings)
    assert call[0].fix_plan is None or call[0].fix_plan.applicability == "unsafe", (
        "removing an argument with a hardcoded fallback changes behaviour: never a safe fix")


def test_literal_dict_named_like_an_sts_response_is_not_excused(lint):
    # Keys written into a dict shaped like an STS response are still hardcoded.
    code = src('''
        import boto3

        CREDENTIALS = {
            "AccessKeyId": "@KEY@",  # [key]
            "SecretAccessKey": "@SECRET@",  # [secret]
        }


        def client():
            return boto3.client("s3", aws_access_key_id=CREDENTIALS["AccessKeyId"], aws_secret_access_key=CREDENTIALS["SecretAccessKey"])  # [call]
    ''')
    findings = lint(code)
    assert on_line(findings, ["CL201"], line_of(code, "[key]")), render(findings)
    assert on_line(findings, ["CL202"], line_of(code, "[secret]")), render(findings)
    assert not [f for f in findings if f.rule_id == "CL102"], render(findings)
