"""JSON credential files (CL301, CL302): parsed as data, reported at the line
of each secret, never with the secret in a message."""
from __future__ import annotations

import json
import textwrap

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, lint_file
from credlint import filetypes
from credlint.languages import jsonpos

TOKEN = ("IQoJb3JpZ2luX2VjEJr2Xk4wEaCXVzLWVhc3QtMSJHMEUCIQDxk3mP9Zt7Lq2Wb8Nc4Vr6Ys1Ah5Jd3Kf0Gm2Hn4"
         "Tp6Rq8Sw1Ue3Vi5Xo7Ya9Zb2Cd4Ef6Gh8Ij0Kl2Mn4Op6Qr8St0Uv2Wx4Yz6")


def found(findings):
    return sorted((f.rule_id, f.span.line) for f in findings)


def test_json_files_are_json():
    assert filetypes.detect("credentials.json", b"{") == "json"
    assert filetypes.detect("deploy/task-definition.json", b"{") == "json"
    assert filetypes.detect("notebook.ipynb", b"{") == "notebook"


def test_load_from_path_file_gets_its_own_rule(lint):
    code = textwrap.dedent(f"""\
        {{
          "accessKeyId": "{KEY_ID}",
          "secretAccessKey": "{SECRET}",
          "region": "us-east-1"
        }}
        """)
    findings = lint(code, filename="credentials.json")
    assert found(findings) == [("CL302", 2), ("CL302", 3)]  # CL301 and CL201 are superseded
    for f in findings:
        assert KEY_ID not in f.message and SECRET not in f.message
        assert "loadFromPath" in f.message and ".gitignore" in f.message and "rotate" in f.message
        assert all(KEY_ID not in line and SECRET not in line for line in f.snippet)
    assert "access key id" in findings[0].message and "secret access key" in findings[1].message


def test_sts_response_dump_at_depth(lint):
    dump = {
        "Credentials": {
            "AccessKeyId": "ASIAY34FZKBOKMUTVV7A",
            "SecretAccessKey": SECRET,
            "SessionToken": TOKEN,
            "Expiration": "2026-11-21T23:00:00+00:00",
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROA3XFRBF535PLBIFPI4:ci", "Arn": "arn:aws:sts::123456789012:assumed-role/deploy/ci"},
        "ResponseMetadata": {"RequestId": "2f1c6f7e-3b4a-4bdb-9b7a-0c3e5e8e9d10", "HTTPStatusCode": 200},
    }
    findings = lint(json.dumps(dump, indent=4), filename="fixtures/assume-role.json")
    assert found(findings) == [("CL301", 3), ("CL301", 4), ("CL301", 5)]
    assert "$.Credentials.SecretAccessKey" in findings[1].message
    assert "session token" in findings[2].message


def test_profiles_list_and_snake_case_names(lint):
    code = json.dumps({"profiles": [
        {"name": "dev", "aws_access_key_id": KEY_ID, "aws_secret_access_key": SECRET},
        {"name": "prod", "aws_access_key_id": KEY_ID_2, "aws_secret_access_key": SECRET_2},
    ]}, indent=2)
    findings = lint(code, filename="settings/aws.json")
    assert [f.rule_id for f in findings] == ["CL301"] * 4
    assert "$.profiles[1].aws_secret_access_key" in findings[3].message


def test_name_value_pairs_of_a_task_definition(lint):
    code = json.dumps({"containerDefinitions": [{"name": "api", "environment": [
        {"name": "STAGE", "value": "prod"},
        {"name": "AWS_SECRET_ACCESS_KEY", "value": SECRET},
    ]}]}, indent=2)
    findings = lint(code, filename="ecs/task-definition.json")
    assert found(findings) == [("CL301", 12)]
    assert "(AWS_SECRET_ACCESS_KEY)" in findings[0].message


@pytest.mark.parametrize("value", [
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  # AWS's documented example
    "${AWS_SECRET_ACCESS_KEY}",
    "{{resolve:secretsmanager:prod/api:SecretString:secret}}",
    "<secret access key>",
    "",
])
def test_placeholders_are_not_findings(lint, value):
    code = json.dumps({"accessKeyId": "AKIAIOSFODNN7EXAMPLE", "secretAccessKey": value, "region": "us-east-1"})
    assert lint(code, filename="credentials.json") == []


def test_a_key_under_another_name_is_left_to_the_text_rules(lint):
    code = json.dumps({"build": {"id": KEY_ID}, "checksum": "3f786850e387550fdab836ed7e6dc881de23001b"})
    assert found(lint(code, filename="manifest.json")) == [("CL201", 1)]


def test_jsonc_comments_and_trailing_commas(lint):
    code = textwrap.dedent(f"""\
        // .vscode/launch.json
        {{
          "configurations": [
            {{
              /* debugging against the staging account */
              "env": {{"AWS_ACCESS_KEY_ID": "{KEY_ID}", "AWS_SECRET_ACCESS_KEY": "{SECRET}",}},
            }},
          ],
        }}
        """)
    assert found(lint(code, filename=".vscode/launch.json")) == [("CL301", 6), ("CL301", 6)]


def test_escaped_strings_and_unicode_keep_columns(lint):
    code = '{"note": "caf\\u00e9 \\ud83d\\ude00", "accessKeyId": "' + KEY_ID + '", "secretAccessKey": "' + SECRET + '"}'
    findings = lint(code, filename="credentials.json")
    assert [f.span.column for f in findings] == [code.index(KEY_ID) + 1, code.index(SECRET) + 1]


def test_malformed_json_is_a_notice_and_falls_back_to_text(tmp_path, ruleset):
    code = '{"Credentials": {"AccessKeyId": "' + KEY_ID + '", "SecretAccessKey": "' + SECRET + '",\n'
    result = lint_file(str(tmp_path / "dump.json"), code.encode(), tmp_path, ruleset)
    assert [f.rule_id for f in result.findings] == ["CL201", "CL202"]  # the secret too, labelled or not
    assert any("could not parse as JSON" in n.message and "line 2" in n.message for n in result.notices)


def test_files_without_credential_names_are_not_parsed(ruleset):
    from credlint.engine import Linter

    linter = Linter(ruleset, ruleset.expand(["CL301", "CL302"]))
    result = linter.lint("package.json", b'{"name": "app", "version": "1.0.0"')  # broken, but never parsed
    assert result.notices == () and result.findings == ()


def test_positions_of_the_scanner():
    text = '{\n  "a": [1, -2.5e3, true, null],\n  "b": {"c": "d\\n"}\n}'
    root = jsonpos.parse(text)
    b = root.get("b")
    assert isinstance(b, jsonpos.JObject) and text[b.start:b.end] == '{"c": "d\\n"}'
    c = b.get("c")
    assert c.value == "d\n" and jsonpos.raw_offset(text, c, 1) == text.index("\\n")
    assert [n.value for n in root.get("a").items] == [1, -2500.0, True, None]
    with pytest.raises(jsonpos.JsonError) as info:
        jsonpos.parse('{\n "a": 1\n "b": 2}')
    assert info.value.line == 3
    with pytest.raises(jsonpos.JsonError):
        jsonpos.parse("[" * 2000 + "]" * 2000)


def test_a_key_overridden_by_a_duplicate_name_is_still_committed(lint):
    code = '{"aws_secret_access_key": "' + SECRET + '",\n "aws_secret_access_key": "${FROM_ENV}"}'
    assert found(lint(code, filename="settings.json")) == [("CL301", 1)]
