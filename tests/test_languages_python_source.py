"""Python files as bytes (credlint/source.py, the Python analyzer's parse): files
that do not parse or decode, binary files, encodings, BOMs, line endings and
columns. These need the exact bytes of a file, a file name or a notice, so
they stay code; tests/fixtures/python/ holds UTF-8 source that parses.
"""
from __future__ import annotations

from conftest import KEY_ID, SECRET, lint_file, run_cli
from test_fixtures_python import assert_no_secret_leaks, check, line_of, only, pairs, render, src


def raw_lint(ruleset, tmp_path, filename: str, data: bytes):
    """The FileResult for a buffer (findings *and* notices)."""
    return lint_file(tmp_path / filename, data, tmp_path, ruleset)


# -- files that are not valid Python -----------------------------------------------------


def test_syntax_error_file_is_scanned_as_text_with_a_notice(ruleset, tmp_path):
    code = src('''
        import boto3

        def broken(:
            pass

        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
    ''')
    result = raw_lint(ruleset, tmp_path, "broken.py", code.encode())
    assert [(f.rule_id, f.span.line) for f in result.findings if f.rule_id == "CL201"] == [
        ("CL201", line_of(code, "[key]"))], render(result.findings)
    assert result.notices, "a file that does not parse must produce a notice"
    assert not [n for n in result.notices if n.level == "error"], result.notices


def test_python2_file_is_scanned_as_text(ruleset, tmp_path):
    code = src('''
        import boto

        conn = boto.connect_s3("@KEY@", "@SECRET@")  # [key]
        print "connected to", conn.host
    ''')
    result = raw_lint(ruleset, tmp_path, "legacy.py", code.encode())
    line = line_of(code, "[key]")
    assert [f for f in result.findings if f.span.line == line and f.rule_id in ("CL101", "CL201")], render(
        result.findings)
    assert result.notices, "a file that does not parse must produce a notice"
    assert_no_secret_leaks(result.findings)


def test_undeclared_latin1_bytes_are_still_scanned(ruleset, tmp_path):
    code = src('''
        # Auteur : Ren\xe9 M\xfcller
        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
    ''')
    result = raw_lint(ruleset, tmp_path, "legacy_settings.py", code.encode("latin-1"))
    assert [(f.rule_id, f.span.line) for f in result.findings if f.rule_id == "CL201"] == [
        ("CL201", line_of(code, "[key]"))], render(result.findings)


def test_syntax_error_reported_by_cli_with_notice(tmp_path):
    code = src('''
        def broken(:
            pass
        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
    ''')
    (tmp_path / "broken.py").write_text(code)
    proc = run_cli("check", "--isolated", "--no-show-source", "broken.py", cwd=str(tmp_path))
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 1, out
    assert "CL201" in out and f"broken.py:{line_of(code, '[key]')}" in out, out
    assert KEY_ID not in out


def test_binary_file_is_skipped(ruleset, tmp_path):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + KEY_ID.encode() + b"\x00" + SECRET.encode()
    result = raw_lint(ruleset, tmp_path, "logo.png", data)
    assert list(result.findings) == []
    data = b"\x00\x01\x02AWS_ACCESS_KEY_ID=" + KEY_ID.encode() + b"\x00"
    result = raw_lint(ruleset, tmp_path, "dump.bin", data)
    assert list(result.findings) == []


# -- encodings, line endings, columns ----------------------------------------------------


def test_latin1_coding_cookie_lines_and_columns(ruleset, tmp_path):
    code = src('''
        # -*- coding: latin-1 -*-
        """Cl\xe9s d'acc\xe8s pour l'export (\xe0 supprimer)."""
        import boto3

        NOM = "d\xe9p\xf4t \xe9t\xe9"; CLE = "@KEY@"  # [key]
        s3 = boto3.client("s3", aws_access_key_id="@KEY2@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    result = raw_lint(ruleset, tmp_path, "export.py", code.encode("latin-1"))
    assert not [n for n in result.notices if n.level == "error"], result.notices
    assert pairs(result.findings) == sorted([("CL201", line_of(code, "[key]")), ("CL101", line_of(code, "[call]"))]), (
        render(result.findings))
    key_line = code.splitlines()[line_of(code, "[key]") - 1]
    column = key_line.index(KEY_ID) + 1  # 1-based, in characters
    cl201 = only(result.findings, "CL201")
    assert cl201.span.column in (column, column - 1), (cl201.span, column)  # at the key or its quote


def test_utf8_bom(ruleset, tmp_path):
    code = src('''
        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="@KEY2@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    result = raw_lint(ruleset, tmp_path, "bom.py", b"\xef\xbb\xbf" + code.encode("utf-8"))
    assert not [n for n in result.notices if n.level == "error"], result.notices
    assert pairs(result.findings) == sorted([("CL201", 1), ("CL101", line_of(code, "[call]"))]), render(result.findings)
    cl201 = only(result.findings, "CL201")
    column = code.splitlines()[0].index(KEY_ID) + 1
    assert cl201.span.column in (column, column - 1), (cl201.span, column)


def test_crlf_line_endings(ruleset, tmp_path):
    code = src('''
        """Upload helper.

        Old key: @KEY2@  # [doc]
        """
        import boto3

        ACCESS_KEY = "@KEY@"  # [key]
        SECRET_KEY = "@SECRET@"  # [secret]

        s3 = boto3.client(
            "s3",
            aws_access_key_id=ACCESS_KEY,  # [call]
            aws_secret_access_key=SECRET_KEY,
        )
    ''')
    result = raw_lint(ruleset, tmp_path, "crlf.py", code.replace("\n", "\r\n").encode())
    assert not [n for n in result.notices if n.level == "error"], result.notices
    want = sorted([("CL201", line_of(code, "[doc]")), ("CL201", line_of(code, "[key]")),
                   ("CL202", line_of(code, "[secret]")), ("CL101", line_of(code, "[call]"))])
    assert pairs(result.findings) == want, render(result.findings)


def test_form_feed_and_unicode_line_separator_do_not_shift_lines(lint):
    # Emacs page breaks (^L) and U+2028 in a comment are not line breaks for Python.
    code = src('''
        import boto3
        \x0c
        # Section: uploads \x0c (see wiki\u2028page 2)
        ACCESS_KEY = "@KEY@"  # [key]
        SECRET_KEY = "@SECRET@"  # [secret]
        \x0c
        s3 = boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)  # [call]
    ''')
    assert code.count("\n") == 7
    lines = code.split("\n")
    expected = sorted([
        ("CL201", next(i for i, t in enumerate(lines, 1) if "[key]" in t)),
        ("CL202", next(i for i, t in enumerate(lines, 1) if "[secret]" in t)),
        ("CL101", next(i for i, t in enumerate(lines, 1) if "[call]" in t)),
    ])
    assert pairs(lint(code)) == expected


def test_extensionless_script_with_python_shebang(ruleset, tmp_path):
    code = src('''
        #!/usr/bin/env python3
        """Sync the build directory to the site bucket."""
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
        s3.upload_file("build/index.html", "acme-site", "index.html")
    ''')
    result = raw_lint(ruleset, tmp_path, "sync-site", code.encode())
    assert pairs(result.findings) == [("CL101", line_of(code, "[call]"))], render(result.findings)


def test_utf8_non_ascii_columns_count_code_points(lint):
    code = src('''
        BUCKETS = {"m\u00fcnchen-\u00e9t\u00e9-\U0001F600": "AWS_ACCESS_KEY_ID", "k": "@KEY@"}  # [key]
    ''')
    findings = check(lint, code, [("CL201", "[key]")])
    column = code.splitlines()[0].index(KEY_ID) + 1
    assert findings[0].span.column in (column, column - 1), (findings[0].span, column)
