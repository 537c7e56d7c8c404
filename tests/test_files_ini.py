"""AWS shared credentials/config files and other INI files (CL303, CL304)."""
from __future__ import annotations

import textwrap

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, lint_file
from credlint import filetypes

TOKEN = ("FwoGZXIvYXdzEBYaDHqa0AP1Kx3Lm8Vr6Ys1Ah5Jd3Kf0Gm2Hn4Tp6Rq8Sw1Ue3Vi5Xo7Ya9Zb2Cd4Ef6Gh8Ij0Kl2Mn4"
         "Op6Qr8St0Uv2Wx4Yz6AbCdEf")


def found(findings):
    return sorted((f.rule_id, f.span.line) for f in findings)


def dedent(text: str) -> str:
    return textwrap.dedent(text).replace("@KEY@", KEY_ID).replace("@SECRET@", SECRET) \
        .replace("@KEY2@", KEY_ID_2).replace("@SECRET2@", SECRET_2).replace("@TOKEN@", TOKEN)


@pytest.mark.parametrize("path,head,expected", [
    ("repo/.aws/credentials", b"", "ini"),
    ("repo/.aws/config", b"", "ini"),
    ("backup/credentials", b"", "ini"),
    ("setup.cfg", b"[metadata]\n", "ini"),
    ("tox.ini", b"", "ini"),
    (".boto", b"", "ini"),
    ("home/.s3cfg", b"", "ini"),
    ("aws-creds", b"# work laptop\n\n[default]\naws_access_key_id = x\n", "ini"),
    ("aws-creds.txt", b"[default]\r\naws_secret_access_key=x\r\n", "ini"),
    ("notes.txt", b"[default]\nname = x\n", "any"),
    (".git/config", b"[core]\n", "any"),
])
def test_ini_files_by_name_and_content(path, head, expected):
    assert filetypes.detect(path, head) == expected


def test_profiles_with_keys_and_session_token(lint):
    code = dedent("""\
        [default]
        aws_access_key_id = @KEY@
        aws_secret_access_key = @SECRET@
        region = eu-west-1

        [temp]
        aws_access_key_id = ASIAY34FZKBOKMUTVV7A
        aws_secret_access_key = @SECRET2@
        aws_session_token = @TOKEN@
        """)
    findings = lint(code, filename=".aws/credentials")
    assert found(findings) == [("CL303", n) for n in (2, 3, 7, 8, 9)]  # CL201/CL203 superseded
    assert "profile [temp]" in findings[4].message and "session token" in findings[4].message
    assert "git rm --cached" in findings[0].message and ".gitignore" in findings[0].message
    for f in findings:
        assert SECRET not in f.message and TOKEN not in "".join(f.snippet)


def test_pointer_profiles_are_fine(lint):
    code = dedent("""\
        [default]
        region = eu-west-1
        output = json

        [profile build]
        credential_process = /usr/local/bin/aws-vault exec build --json

        [profile prod]
        role_arn = arn:aws:iam::123456789012:role/Deploy
        source_profile = default
        mfa_serial = arn:aws:iam::123456789012:mfa/alice
        """)
    assert lint(code, filename=".aws/config") == []


def test_duplicate_sections_options_and_no_header(lint):
    code = dedent("""\
        aws_access_key_id = @KEY@
        [default]
        aws_secret_access_key = @SECRET@
        [default]
        aws_secret_access_key = @SECRET2@
        """)
    # the first secret is overridden for the CLI, but it is committed all the same
    assert found(lint(code, filename="credentials")) == [("CL303", 1), ("CL303", 3), ("CL303", 5)]


def test_percent_signs_inline_comments_quotes_and_crlf(lint):
    code = dedent("""\
        [default]
        s3_prefix = logs/%Y/%m
        aws_access_key_id = "@KEY@"   ; prod account
        aws_secret_access_key = @SECRET@ # rotate me
        """).replace("\n", "\r\n")
    findings = lint(code, filename="legacy/aws.ini")
    assert found(findings) == [("CL303", 3), ("CL303", 4)]
    assert findings[0].span.column == len('aws_access_key_id = "') + 1


def test_multi_line_values_and_placeholders(lint):
    code = dedent("""\
        [default]
        aws_access_key_id = AKIAIOSFODNN7EXAMPLE
        aws_secret_access_key = <your secret key>
        description = a value
            that continues @KEY@
        """)
    # the key in the continued description is not a credential option: CL201 reports it
    assert found(lint(code, filename="credentials")) == [("CL201", 5)]


def test_malformed_lines_are_a_notice_and_the_rest_is_read(tmp_path, ruleset):
    code = dedent("""\
        [default]
        this line is not an option
        aws_secret_access_key = @SECRET@
        """)
    result = lint_file(str(tmp_path / "credentials"), code.encode(), tmp_path, ruleset)
    assert found(result.findings) == [("CL303", 3)]
    assert [n.message for n in result.notices] == ["line 2 not read as INI (`name = value` expected); scanned as text only"]


def test_config_by_content_without_a_known_name(lint):
    code = dedent("""\
        # exported from the old build server
        [default]
        aws_access_key_id=@KEY@
        aws_secret_access_key=@SECRET@
        """)
    assert found(lint(code, filename="secrets/buildbot-aws")) == [("CL303", 3), ("CL303", 4)]


def test_role_without_mfa_is_an_info_notice_rule(lint):
    code = dedent("""\
        [default]
        region = eu-west-1

        [profile staging]
        role_arn = arn:aws:iam::123456789012:role/Deploy
        source_profile = default

        [profile ci]
        role_arn = arn:aws:iam::123456789012:role/CI
        web_identity_token_file = /var/run/secrets/token

        [profile prod]
        role_arn = arn:aws:iam::210987654321:role/Admin
        source_profile = default
        mfa_serial = arn:aws:iam::123456789012:mfa/alice
        """)
    findings = lint(code, filename=".aws/config")
    assert [(f.rule_id, f.span.line, f.severity) for f in findings] == [("CL304", 5, "info")]
    assert "[profile staging]" in findings[0].message and "Deploy" in findings[0].message


def test_setup_cfg_without_aws_settings_is_never_parsed(ruleset):
    from credlint.engine import Linter

    linter = Linter(ruleset, ruleset.rules)
    result = linter.lint("setup.cfg", b"[metadata]\nname = x\nthis is not ini\n")
    assert result.notices == () and result.findings == ()


def test_values_written_like_code_are_still_a_credentials_file(lint):
    """Quoted values with a trailing semicolon (pasted from code) are the
    credentials file's keys (CL303), not generic literals."""
    code = (f'[default]\naws_access_key_id = "{KEY_ID}";\n'
            f"aws_secret_access_key = '{SECRET}' ;\n")
    findings = lint(code, filename=".aws/credentials")
    assert [(f.rule_id, f.span.line) for f in findings] == [("CL303", 2), ("CL303", 3)]
    assert [f.span.column for f in findings] == [code.splitlines()[1].index(KEY_ID) + 1,
                                                 code.splitlines()[2].index(SECRET) + 1]
