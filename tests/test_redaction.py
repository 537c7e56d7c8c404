"""No output holds a secret or a readable piece of one: not a finding, a code
frame, a diff, a notice, an error message or the cache (issue "Hardening",
items 1-3)."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess

import pytest

from credlint.model import Notice
from credlint.redaction import mask, redact_line, redact_message

from conftest import KEY_ID, SECRET, run_cli, lint_file

FORMATS = ("text", "json", "sarif", "github", "junit")


def pieces(secret: str, size: int = 8):
    """Every `size`-character piece of the secret: none may be printed."""
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


def assert_no_piece(text: str, secret: str = SECRET) -> None:
    leaked = sorted(p for p in pieces(secret) if p in text)
    assert not leaked, f"pieces of the secret are printed: {leaked[:3]}"


def everything_printed(tmp_path, name: str, extra=()) -> str:
    """stdout and stderr of every format, a --diff, and the cache files."""
    cache = tmp_path / "cache"
    out = []
    for fmt in FORMATS:
        proc = run_cli("--cache-dir", str(cache), "--format", fmt, *extra, name, cwd=str(tmp_path))
        out.append(proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace"))
    proc = run_cli("--no-cache", "--diff", "--unsafe-fixes", *extra, name, cwd=str(tmp_path))
    out.append(proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace"))
    for path in glob.glob(str(cache / "**" / "*"), recursive=True):
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                out.append(handle.read().decode("utf-8", "replace"))
    return "\n".join(out)


# -- 1. a parser's notice quotes the secret ------------------------------------------------


def test_terraform_parse_error_does_not_quote_the_secret(tmp_path):
    (tmp_path / "b.tf").write_text(f'locals {{\n  "{SECRET}"\n  access_key = "x"\n}}\n')
    printed = everything_printed(tmp_path, "b.tf")
    assert "could not parse as Terraform" in printed  # the notice is still there, and says where
    assert "line 2" in printed
    assert_no_piece(printed)


# -- 2. the same path, through Python's own messages ---------------------------------------


def test_python_syntax_error_messages_are_redacted(tmp_path, monkeypatch):
    """Python 3.9 answers `print "S"` with `Did you mean print("S")?`. Whatever
    the interpreter says, the notice is masked on its way out."""
    from credlint.languages import python

    def parse_as_39(source, *args):
        raise SyntaxError(f'Missing parentheses in call to \'print\'. Did you mean print("{SECRET}")?',
                          (source.path, 2, 1, ""))

    monkeypatch.setattr(python, "parse", parse_as_39)
    code = f'import boto3\nprint "{SECRET}"\nboto3.client("s3", aws_secret_access_key=x)\n'
    result = lint_file(str(tmp_path / "p.py"), code.encode(), tmp_path)
    messages = " ".join(n.message for n in result.notices)
    assert "could not parse as Python (line 2" in messages
    assert_no_piece(messages)


@pytest.mark.skipif(shutil.which("python3.9") is None, reason="needs a Python 3.9 interpreter")
def test_python39_print_statement_notice_is_masked(tmp_path):
    """The reproduction itself, on a real 3.9 interpreter when the machine has one."""
    import sys

    (tmp_path / "p.py").write_text(f'import boto3\nprint "{SECRET}"\nboto3.client("s3", aws_secret_access_key=x)\n')
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    probe = subprocess.run(["python3.9", "-c", "import libcst, yaml, pathspec, detect_secrets"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("python3.9 lacks credlint's dependencies")
    proc = subprocess.run(["python3.9", "-m", "credlint", "--no-cache", "p.py"], cwd=str(tmp_path),
                          capture_output=True, env=dict(os.environ, PYTHONPATH=root))
    assert b"could not parse as Python" in proc.stderr, (sys.version, proc.stderr)
    assert_no_piece(proc.stderr.decode())


def test_every_notice_is_masked_when_it_is_made():
    """One choke point: a notice built anywhere (an analyzer, a fixer, the
    cache) never holds a key-shaped value or a long random-looking run."""
    notice = Notice("x.tf", f"found '{SECRET}' and {KEY_ID} and 'Zq8vR2mK5pLwe7Tq1'")
    assert_no_piece(notice.message)
    assert KEY_ID not in notice.message
    assert "Zq8vR2mK5pLwe7Tq1" not in notice.message
    assert notice.message.startswith("found 'q7Xr")  # still recognisable: the usual mask
    plain = Notice("x.py", "could not parse as Python (line 3: invalid syntax); scanned as text only")
    assert plain.message == "could not parse as Python (line 3: invalid syntax); scanned as text only"


def test_python_suggestions_that_quote_the_line_are_dropped(tmp_path, monkeypatch):
    """The suggestion quotes source whatever it holds (a short MinIO secret
    with punctuation is neither key-shaped nor random-looking): it is dropped."""
    from credlint.languages import python

    def parse_as_39(source, *args):
        raise SyntaxError("Missing parentheses in call to 'print'. Did you mean print(\"Zq8#vR2!mK5pL\")?",
                          (source.path, 2, 1, ""))

    monkeypatch.setattr(python, "parse", parse_as_39)
    code = 'import boto3\nprint "Zq8#vR2!mK5pL"\nboto3.client("s3", aws_secret_access_key=x)\n'
    result = lint_file(str(tmp_path / "m.py"), code.encode(), tmp_path)
    (notice,) = result.notices
    assert notice.message == ("could not parse as Python (line 2: Missing parentheses in call to 'print'.); "
                              "scanned as text only")


def test_notebook_cell_suggestions_that_quote_the_line_are_dropped(tmp_path, monkeypatch):
    """A notebook cell goes through its own parse; Python 3.9's suggestion
    quoting the cell's line must not reach that notice either."""
    import json

    from credlint.languages import notebook

    real_parse = notebook._parse

    def parse_as_39(text):
        if "print " not in text:
            return real_parse(text)
        raise SyntaxError("Missing parentheses in call to 'print'. Did you mean print(\"Zq8#vR2!mK5pL\")?",
                          ("<notebook>", 1, 1, ""))

    monkeypatch.setattr(notebook, "_parse", parse_as_39)
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": n, "source": [source]}
             for n, source in ((1, 'import boto3\ns3 = boto3.client("s3", aws_secret_access_key=x)\n'),
                               (2, 'print "Zq8#vR2!mK5pL"\n'))]
    doc = {"cells": cells, "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
           "nbformat": 4, "nbformat_minor": 5}
    result = lint_file(str(tmp_path / "n.ipynb"), json.dumps(doc).encode(), tmp_path)
    (notice,) = result.notices
    assert notice.message == ("cell 2 does not parse as Python (line 1: Missing parentheses in call to "
                              "'print'.); scanned as text only")


# -- 3. a secret split into literals ----------------------------------------------------------

HALF_A, HALF_B = SECRET[:20], SECRET[20:]
SPLITS = {
    "join": f'"".join(["{HALF_A}", "{HALF_B}"])',
    "fstring": f"f\"{HALF_A}{{''}}{HALF_B}\"",
    "percent": f'"{HALF_A}%s" % "{HALF_B}"',
    "format": f'"{HALF_A}{{}}".format("{HALF_B}")',
    "plus": f'"{HALF_A}" + "{HALF_B}"',
}


@pytest.mark.parametrize("how", sorted(SPLITS))
def test_a_secret_split_into_literals_is_found_and_never_printed_in_halves(tmp_path, how):
    (tmp_path / "c.py").write_text(
        "import boto3\n\n"
        f's3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key={SPLITS[how]})\n'
    )
    proc = run_cli("--no-cache", "--format", "json", "c.py", cwd=str(tmp_path))
    assert b'"CL101"' in proc.stdout  # folded: the secret is a hardcoded literal
    printed = everything_printed(tmp_path, "c.py")
    assert_no_piece(printed)
    assert "-s3 = boto3.client(" in printed and '+s3 = boto3.client("s3")' in printed  # the diff is shown


def test_secret_assignment_split_by_join_is_reported_masked(tmp_path):
    (tmp_path / "settings.py").write_text(
        f'AWS_SECRET_ACCESS_KEY = "".join(["{HALF_A}", "{HALF_B}"])\n')
    proc = run_cli("--no-cache", "settings.py", cwd=str(tmp_path))
    assert proc.returncode == 1 and b"CL202" in proc.stdout
    assert_no_piece(proc.stdout.decode() + proc.stderr.decode())


# -- the helpers themselves --------------------------------------------------------------------


def test_redact_line_masks_pieces_completely_and_whole_literals_but_their_ends(ruleset):
    policy = ruleset.library.policy()
    line = f'k = "".join(["{HALF_A}", "{HALF_B}"])'
    a = line.index(HALF_A)
    b = line.index(HALF_B)
    masked = redact_line(line, [], policy, pieces=[(a, a + 20), (b, b + 20)])
    assert masked == 'k = "".join(["' + "*" * 20 + '", "' + "*" * 20 + '"])'
    whole = f'k = "{SECRET}"'
    assert redact_line(whole, [], policy, ranges=[(5, 45)]) == f'k = "{mask(SECRET)}"'


def test_redact_message_masks_known_secrets_pieces_and_shapes():
    assert redact_message(f"value {HALF_A}...", [SECRET]) == "value " + "*" * 20 + "..."
    assert redact_message("could not parse (line 2: expected '}')") == "could not parse (line 2: expected '}')"
    assert redact_message("path src/app/settings_production.py") == "path src/app/settings_production.py"


# -- error messages ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [SECRET, "Zq8vR2!mK5pLwe-pasted-value"])
def test_an_unknown_config_key_that_is_not_a_setting_name_is_not_echoed(tmp_path, key):
    (tmp_path / "pyproject.toml").write_text(f'[tool.credlint]\n"{key}" = 1\n')
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = run_cli("--no-cache", "a.py", cwd=str(tmp_path))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "pyproject.toml:2: [tool.credlint] unknown key" in err
    assert_no_piece(err, key)


def test_a_mistyped_setting_is_still_named_with_a_suggestion(tmp_path):
    (tmp_path / ".credlint.toml").write_text('exlude = ["x"]\n')
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = run_cli("--no-cache", "a.py", cwd=str(tmp_path))
    assert "unknown key 'exlude' (did you mean 'exclude'?)" in proc.stderr.decode()


def test_usage_errors_are_masked_on_their_way_to_stderr(tmp_path):
    proc = run_cli("--no-cache", "--select", SECRET, ".", cwd=str(tmp_path))
    assert proc.returncode == 2 and "unknown rule" in proc.stderr.decode()
    assert_no_piece(proc.stderr.decode())


def test_a_session_token_in_a_message_is_masked_whole_not_in_40_character_slices():
    token = ("IQoJb3JpZ2luX2VjEJr2Xk4wEaCXVzLWVhc3QtMSJHMEUCIQDxk3mP9Zt7Lq2Wb8Nc4Vr6Ys1Ah5Jd3Kf0Gm2Hn4"
             "Tp6Rq8Sw1Ue3Vi5Xo7Ya9Zb2Cd4Ef6Gh8Ij0Kl2Mn4Op6Qr8St0Uv2Wx4Yz6")
    masked = redact_message(f"could not parse: unexpected {token!r}", [])
    assert_no_piece(masked, token)
