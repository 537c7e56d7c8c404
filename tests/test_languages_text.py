"""The text analyzer (credlint/languages/text.py), the net under every file
type: a secret is found by its label, quoted or not, in code or comments, or
by standing next to an access key id whatever its label, in shell scripts,
CI files, Markdown, and files their parser rejects."""
from __future__ import annotations

import textwrap

import pytest

from conftest import KEY_ID, SECRET, SECRET_2


def found(findings):
    return sorted((f.rule_id, f.span.line) for f in findings)


def src(code: str) -> str:
    return textwrap.dedent(code).replace("@KEY@", KEY_ID).replace("@SECRET@", SECRET).replace("@SECRET2@", SECRET_2)


@pytest.mark.parametrize("name,code,expected", [
    ("deploy.sh", """\
        #!/bin/sh
        export AWS_ACCESS_KEY_ID=@KEY@
        export AWS_SECRET_ACCESS_KEY=@SECRET@
        """, [("CL305", 2), ("CL305", 3)]),  # a shell script's variables: the .env analyzer's
    ("ci.sh", "S3_SECRET_KEY=@SECRET@ ./upload\n", [("CL202", 1)]),
    ("setup.sh", "aws configure set aws_secret_access_key @SECRET@\n", [("CL202", 1)]),
    ("Jenkinsfile", """\
        pipeline {
          environment {
            // aws-secret-access-key: @SECRET@
          }
        }
        """, [("CL202", 3)]),
    ("README.md", """\
        ```yaml
        aws-secret-access-key: @SECRET@
        ```
        """, [("CL202", 2)]),
    ("notes.txt", """\
        staging:
          @KEY@
          @SECRET@
        """, [("CL201", 2), ("CL202", 3)]),
], ids=lambda v: v if isinstance(v, str) and "\n" not in v and len(v) < 20 else None)
def test_secrets_in_text_files(lint, name, code, expected):
    findings = lint(src(code), filename=name)
    assert found(findings) == expected
    assert all(SECRET not in f.message and SECRET not in "".join(f.snippet) for f in findings)


@pytest.mark.parametrize("name,code", [
    ("config.yaml", "aws:\n  region: eu-west-1\n  # secret_access_key: @SECRET@\n"),
    ("credentials", "[default]\nregion = eu-west-1\n# aws_secret_access_key = @SECRET@\n"),
    ("main.tf", 'provider "aws" {\n  region = "eu-west-1"\n  # secret_key = "@SECRET@"\n}\n'),
    ("app.js", "const region = 'eu-west-1';\n// const secretAccessKey = '@SECRET@';\n"),
])
def test_commented_out_secrets_in_config_and_code(lint, name, code):
    (finding,) = lint(src(code), filename=name)
    assert finding.rule_id == "CL202" and finding.span.line == code.count("\n", 0, code.index("@SECRET@")) + 1


def test_a_secret_far_from_any_key_id_and_without_a_label_is_not_reported(lint):
    code = src("build hash\n" + "\n" * 10 + "@SECRET@\n")
    assert found(lint(code, filename="notes.txt")) == []
    near = src("@KEY@\n\n\n\n\n@SECRET@\n")  # five lines apart: still next to it
    assert found(lint(near, filename="notes.txt")) == [("CL201", 1), ("CL202", 6)]
    far = src("@KEY@\n" + "\n" * 6 + "@SECRET@\n")
    assert found(lint(far, filename="notes.txt")) == [("CL201", 1)]


def test_a_placeholder_after_a_label_is_not_a_secret(lint):
    code = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nS3_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
    assert lint(code, filename="deploy.sh") == []


def test_python_that_does_not_parse_still_reports_the_secret(lint):
    code = src('print "starting"\naws_secret_access_key = "@SECRET@"\n')
    assert found(lint(code, filename="legacy.py")) == [("CL202", 2)]
