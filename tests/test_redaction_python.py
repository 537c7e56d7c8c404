"""Masking in Python findings: no message or snippet shows a secret, whole or
split into pieces, for any finding of the Python fixtures, and no CLI report
does either. (credlint/redaction.py itself: tests/test_redaction.py.)"""
from __future__ import annotations

import json

import pytest

from conftest import run_cli
from test_fixtures_python import (ALL_SECRETS, FILES, assert_no_secret_leaks, case_findings, lint_fixture,
                                  squash, src)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_fixture_finding_shows_a_secret(path):
    result, _ = lint_fixture(path.name)
    assert_no_secret_leaks(result.findings)


# Cases chosen for the ways a secret can be split or repeated across a message
# and its snippet (each also checked above, with its whole fixture).
SPLIT_OR_UNUSUAL = [
    ("values_literals.py", "implicit-concatenation-one-line"),
    ("values_literals.py", "implicit-concatenation-parenthesized-over-lines"),
    ("values_literals.py", "plus-of-literals"),
    ("values_constants.py", "module-constants"),
    ("values_literals.py", "session-token-literal-only"),
    ("boto2.py", "boto2-S3Connection-positional"),
    ("shadowing.py", "parameter"),
    ("secret_assignments.py", "secret-with-slash-and-plus"),
]


@pytest.mark.parametrize("fixture,case", SPLIT_OR_UNUSUAL, ids=lambda v: v)
def test_messages_and_snippets_never_show_a_secret(fixture, case):
    findings = case_findings(fixture, case)
    assert findings, "the case must produce findings"
    assert_no_secret_leaks(findings)


def test_constants_split_over_lines_never_show_a_secret(lint):
    code = src('''
        # split constants: both halves are hardcoded
        KEY_ID = ("@KEY_A@"
                  "@KEY_B@")
        SECRET_ACCESS_KEY = "@SEC_A@" \\
            "@SEC_B@"
    ''')
    findings = lint(code)
    assert findings, "the code must produce findings"
    assert_no_secret_leaks(findings)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_reports_never_show_a_secret(tmp_path, fmt):
    code = src('''
        import boto3

        ACCESS_KEY = "@KEY@"
        SECRET_KEY = "@SEC_A@" "@SEC_B@"

        s3 = boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        sqs = boto3.client("sqs", aws_access_key_id="@KEY2@", aws_secret_access_key="@SECRET2@", aws_session_token="@TOKEN@")
    ''')
    (tmp_path / "app.py").write_text(code)
    proc = run_cli("check", "--isolated", "--format", fmt, "app.py", cwd=str(tmp_path))
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 1, out
    for secret in ALL_SECRETS:
        assert secret not in out
        assert secret.replace("+", "") not in squash(out)
    if fmt == "json":
        json.loads(proc.stdout.decode())
    assert "CL101" in out and "CL201" in out and "CL202" in out
