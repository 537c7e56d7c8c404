"""TOML settings with literal AWS keys (CL307)."""
from __future__ import annotations

import textwrap

from conftest import KEY_ID, SECRET, SECRET_2, lint_file
from credlint import filetypes


def found(findings):
    return sorted((f.rule_id, f.span.line) for f in findings)


def fill(text: str) -> str:
    return textwrap.dedent(text).replace("@KEY@", KEY_ID).replace("@SECRET@", SECRET).replace("@SECRET2@", SECRET_2)


def test_toml_files():
    assert filetypes.detect("pyproject.toml", b"") == "toml"
    assert filetypes.detect(".streamlit/secrets.toml", b"") == "toml"


def test_pytest_env_in_pyproject(lint):
    code = fill("""\
        [project]
        name = "billing"
        version = "1.2.0"

        [tool.pytest.ini_options]
        addopts = "-ra"
        env = [
            "AWS_DEFAULT_REGION=eu-west-1",
            "AWS_ACCESS_KEY_ID=@KEY@",
            "AWS_SECRET_ACCESS_KEY=@SECRET@",
        ]
        """)
    findings = lint(code, filename="pyproject.toml")
    assert found(findings) == [("CL307", 9), ("CL307", 10)]
    assert "tool.pytest.ini_options.env[2]" in findings[1].message
    assert findings[1].span.column == len('    "AWS_SECRET_ACCESS_KEY=') + 1


def test_nested_tables_inline_tables_and_dotted_keys(lint):
    code = fill("""\
        [default]
        bucket = "acme-media"

        [production]
        aws = { region = "eu-west-1", secret_access_key = "@SECRET@" }

        [staging]
        aws.access_key_id = '@KEY@'

        [[jobs]]
        name = "AWS_SECRET_ACCESS_KEY"
        value = \"\"\"@SECRET2@\"\"\"
        """)
    assert found(lint(code, filename="settings.toml")) == [("CL307", 5), ("CL307", 8), ("CL307", 12)]


def test_the_same_value_twice_is_reported_at_both_places(lint):
    code = fill("""\
        [dev]
        aws_secret_access_key = "@SECRET@"
        [prod]
        aws_secret_access_key = "@SECRET@"
        """)
    assert found(lint(code, filename="secrets.toml")) == [("CL307", 2), ("CL307", 4)]


def test_placeholders_and_moto_settings(lint):
    code = textwrap.dedent("""\
        [tool.pytest.ini_options]
        env = ["AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_SESSION_TOKEN=testing"]

        [aws]
        access_key_id = "AKIAIOSFODNN7EXAMPLE"
        secret_access_key = "${AWS_SECRET_ACCESS_KEY}"
        """)
    assert lint(code, filename="pyproject.toml") == []


def test_malformed_toml_is_a_notice_and_falls_back_to_text(tmp_path, ruleset):
    code = fill('[aws]\naccess_key_id = "@KEY@"\nsecret_access_key = "@SECRET@\n')
    result = lint_file(str(tmp_path / "app.toml"), code.encode(), tmp_path, ruleset)
    assert found(result.findings) == [("CL201", 2), ("CL202", 3)]  # the text rules find both keys
    assert any(n.message.startswith("could not parse as TOML") for n in result.notices)
