"""`.env` files and shell scripts that export AWS keys (CL305)."""
from __future__ import annotations

import textwrap

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, lint_file
from credlint import filetypes
from credlint.languages import dotenv


def found(findings):
    return sorted((f.rule_id, f.span.line) for f in findings)


def fill(text: str) -> str:
    return textwrap.dedent(text).replace("@KEY@", KEY_ID).replace("@SECRET@", SECRET) \
        .replace("@KEY2@", KEY_ID_2).replace("@SECRET2@", SECRET_2)


@pytest.mark.parametrize("path,head,expected", [
    (".env", b"", "dotenv"),
    ("app/.env.production", b"", "dotenv"),
    (".env.local", b"", "dotenv"),
    ("config/prod.env", b"", "dotenv"),
    (".envrc", b"", "dotenv"),
    (".flaskenv", b"", "dotenv"),
    ("home/.bashrc", b"", "dotenv"),
    ("aws-env", b"export AWS_ACCESS_KEY_ID=x\n", "dotenv"),
    ("bin/deploy", b"#!/bin/bash\nset -e\nexport AWS_SECRET_ACCESS_KEY=x\n", "dotenv"),
    # shell scripts in general are text (CL201 finds key ids in them)
    ("scripts/deploy.sh", b"#!/bin/sh\nexport AWS_ACCESS_KEY_ID=x\n", "dotenv"),
    ("env.json", b"{}", "json"),
    ("environment.yml", b"", "yaml"),
    ("README", b"some text\n", "any"),
])
def test_dotenv_files_by_name_and_content(path, head, expected):
    assert filetypes.detect(path, head) == expected


def test_a_committed_env_file(lint):
    code = fill("""\
        # Local settings for the shop. Do not commit! (it was committed)
        DJANGO_SETTINGS_MODULE=shop.settings.local
        DATABASE_URL="postgres://shop:shop@localhost:5432/shop"
        AWS_STORAGE_BUCKET_NAME=acme-shop-media
        AWS_S3_REGION_NAME=eu-west-1
        AWS_ACCESS_KEY_ID=@KEY@
        AWS_SECRET_ACCESS_KEY="@SECRET@"  # media uploads
        SENTRY_DSN=
        """)
    findings = lint(code, filename=".env")
    assert found(findings) == [("CL305", 6), ("CL305", 7)]  # CL201 on line 6 is superseded
    secret = findings[1]
    assert secret.span.column == len('AWS_SECRET_ACCESS_KEY="') + 1
    assert "AWS_SECRET_ACCESS_KEY" in secret.message and ".gitignore" in secret.message
    assert ".env.example" in secret.message and "rotate" in secret.message
    assert SECRET not in secret.message and all(SECRET not in line for line in secret.snippet)


def test_quotes_export_and_prefixed_names(lint):
    code = fill("""\
        export AWS_ACCESS_KEY_ID='@KEY@'
        export  S3_SECRET_ACCESS_KEY = @SECRET@
        MINIO_ROOT_PASSWORD=minio-secret
        celery_aws_secret_access_key="@SECRET2@"
        """)
    assert found(lint(code, filename="deploy/prod.env")) == [("CL305", 1), ("CL305", 2), ("CL305", 4)]


@pytest.mark.parametrize("name", [".env.example", ".env.sample", ".env.template", ".env.dist"])
def test_templates_with_placeholders_are_clean(lint, name):
    code = textwrap.dedent("""\
        # Copy to .env and fill in.
        AWS_REGION=eu-west-1
        AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
        AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
        AWS_SESSION_TOKEN=
        S3_ACCESS_KEY_ID=<your-access-key-id>
        S3_SECRET_ACCESS_KEY=changeme
        BACKUP_SECRET_ACCESS_KEY=${BACKUP_SECRET}
        """)
    assert lint(code, filename=name) == []


def test_a_real_key_in_a_template_is_a_finding(lint):
    code = fill("""\
        AWS_ACCESS_KEY_ID=your-access-key-id
        AWS_SECRET_ACCESS_KEY=@SECRET@
        """)
    assert found(lint(code, filename=".env.example")) == [("CL305", 2)]


def test_shell_style_exports(lint):
    code = fill("""\
        #!/usr/bin/env bash
        set -euo pipefail

        if [ -z "${CI:-}" ]; then
          export AWS_ACCESS_KEY_ID=@KEY@ AWS_DEFAULT_REGION=eu-west-1
          export AWS_SECRET_ACCESS_KEY=@SECRET@; export AWS_PAGER=""
        fi
        AWS_SECRET_ACCESS_KEY="$SECRET_FROM_VAULT" aws s3 sync dist/ s3://acme-site --delete
        """)
    assert found(lint(code, filename="bin/deploy")) == [("CL305", 5), ("CL305", 6)]
    assert found(lint(code, filename=".envrc")) == [("CL305", 5), ("CL305", 6)]


def test_unreadable_lines_are_a_notice_and_the_rest_is_read(tmp_path, ruleset):
    code = fill("""\
        AWS_REGION=eu-west-1
        this is not an assignment
        AWS_SECRET_ACCESS_KEY=@SECRET@
        BROKEN="never closed
        """)
    result = lint_file(str(tmp_path / ".env"), code.encode(), tmp_path, ruleset)
    assert found(result.findings) == [("CL305", 3)]
    assert [n.message for n in result.notices] == ["lines 2, 4 not read as NAME=value; scanned as text only"]


def test_multi_line_values_keep_line_numbers(lint):
    code = fill("""\
        PRIVATE_KEY="-----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
        -----END PRIVATE KEY-----"
        AWS_SECRET_ACCESS_KEY=@SECRET@
        """)
    assert found(lint(code, filename=".env")) == [("CL305", 4)]


def test_the_parser():
    text = "A=1\nexport B='x # y'\nC=\"a\\nb\" # c\nD=plain # comment\r\nE=\n"
    parsed, errors = dotenv.parse(text)
    assert [(a.name, a.value, a.line) for a in parsed] == [
        ("A", "1", 1), ("B", "x # y", 2), ("C", "a\nb", 3), ("D", "plain", 4), ("E", "", 5)]
    assert errors == []
    assert text[parsed[1].start:parsed[1].end] == "x # y"


def test_unquoted_export_in_a_shell_script_is_found_with_script_advice(lint):
    script = (
        "#!/usr/bin/env bash\n"
        "set -euo pipefail\n"
        f"export AWS_SECRET_ACCESS_KEY={SECRET}\n"
        "aws s3 sync build/ s3://acme-site --delete\n"
        'if [ -n "${CI:-}" ]; then echo deployed; fi\n'
    )
    (finding,) = lint(script, filename="deploy.sh")
    assert (finding.rule_id, finding.span.line) == ("CL305", 3)
    assert "of a committed shell script: delete the value from the script" in finding.message
    assert "git rm" not in finding.message and SECRET not in finding.message


def test_env_file_advice_quotes_the_path_for_the_shell(lint):
    (finding,) = lint(f"AWS_SECRET_ACCESS_KEY={SECRET}\n", filename="my project/.env")
    assert "git rm --cached '" in finding.message and "my project/.env'" in finding.message
