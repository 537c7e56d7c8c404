"""Fixes: every fixture pair is checked for the guarantees users rely on when
a pre-commit hook rewrites their code unattended.

tests/fixtures/fixes/<RULE>/<case>.py  ->  <case>.fixed.py, byte for byte.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from typing import NamedTuple

from credlint.api import Buffer, Request, Workspace, run
from credlint.model import FileResult
from credlint.ruleset import load_rules
from credlint.source import Source

from conftest import KEY_ID, SECRET, run_cli, workspace_at

FIXTURES = Path(__file__).parent / "fixtures" / "fixes"
PAIRS = sorted(p for p in FIXTURES.glob("*/*.py") if not p.name.endswith(".fixed.py"))
BOTH = ("safe", "unsafe")


def _expected(path: Path) -> Path:
    return path.with_name(path.name[: -len(".py")] + ".fixed.py")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return workspace_at(tmp_path_factory.mktemp("root"), load_rules())


class Fixed(NamedTuple):
    after: bytes
    applied: int
    result: FileResult


def _fix(workspace, path: Path, data: bytes, allowed=BOTH) -> Fixed:
    """Fix a buffer through the core call, as an editor or stdin would."""
    report = run(Request(buffer=Buffer(str(path), data), fix=allowed), workspace).files[0]
    return Fixed(report.fixed if report.fixed is not None else data, report.applied, report.result)


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fix_matches_expected_byte_for_byte(project, path):
    outcome = _fix(project, path, path.read_bytes())
    assert outcome.after == _expected(path).read_bytes()
    assert outcome.applied >= 1


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixed_file_parses_and_is_a_fixed_point(project, path):
    expected = _expected(path).read_bytes()
    ast.parse(Source.for_python(str(path), expected).text)
    again = _fix(project, path, expected)
    assert again.after == expected, "fixing a fixed file changed it"
    remaining = [f for f in again.result.findings if f.fix_plan is not None]
    assert remaining == [], f"fixable findings left: {remaining}"
    assert all(f.rule_id != path.parent.name for f in again.result.findings)


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_cli_fix_rewrites_in_place_keeping_mode_and_bytes(tmp_path, path):
    target = tmp_path / path.name
    shutil.copyfile(path, target)
    os.chmod(target, 0o640)
    proc = run_cli("--fix", "--unsafe-fixes", "--no-cache", target.name, cwd=str(tmp_path))
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert target.read_bytes() == _expected(path).read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".credlint-")], "temporary file left behind"


def test_safe_fixes_only_without_unsafe_flag(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(
        "import os\nimport boto3\n\n"
        "a = boto3.client('s3', aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'])\n"
        f"b = boto3.client('s3', aws_access_key_id='{KEY_ID}', aws_secret_access_key='{SECRET}')\n"
    )
    proc = run_cli("--fix", "--no-cache", "app.py", cwd=str(tmp_path))
    text = app.read_text()
    assert "a = boto3.client('s3')\n" in text  # safe: reads the standard variable
    assert f"aws_access_key_id='{KEY_ID}'" in text  # unsafe: left for --unsafe-fixes
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert "Fixed 1 problem" in out and "CL101" in out and KEY_ID not in out


def test_untouched_files_are_not_rewritten(tmp_path):
    clean = tmp_path / "clean.py"
    clean.write_text("import boto3\ns3 = boto3.client('s3')\n")
    unfixable = tmp_path / "keys.py"
    unfixable.write_text(f"AWS_ACCESS_KEY_ID = '{KEY_ID}'\n")
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (clean, unfixable)}
    run_cli("--fix", "--unsafe-fixes", "--no-cache", ".", cwd=str(tmp_path))
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (clean, unfixable)}
    assert before == after


def test_diff_prints_and_writes_nothing(tmp_path):
    path = FIXTURES / "CL101" / "single_line.py"
    target = tmp_path / "app.py"
    shutil.copyfile(path, target)
    proc = run_cli("--diff", "--unsafe-fixes", "--no-cache", "app.py", cwd=str(tmp_path))
    assert proc.returncode == 1
    diff = proc.stdout.decode()
    assert diff.startswith("--- a/app.py\n+++ b/app.py\n")
    assert '+s3 = boto3.client("s3", region_name="eu-west-1")' in diff
    assert target.read_bytes() == path.read_bytes()
    # the removed line is in the diff, but never the key
    assert KEY_ID not in diff and SECRET not in diff
    clean = run_cli("--diff", "--no-cache", "app.py", cwd=str(tmp_path))  # no safe fix to make
    assert clean.returncode == 0 and clean.stdout == b""


def test_stdin_fix_writes_fixed_source_to_stdout(tmp_path):
    path = FIXTURES / "CL102" / "environment_standard_is_safe.py"
    proc = run_cli("--fix", "--stdin-filename", str(tmp_path / "app.py"), "-", stdin=path.read_bytes(), cwd=str(tmp_path))
    assert proc.stdout == _expected(path).read_bytes()
    assert proc.returncode == 0, proc.stderr.decode()


def test_stdin_fix_leaves_unsafe_unless_asked(tmp_path):
    path = FIXTURES / "CL101" / "single_line.py"
    proc = run_cli("--fix", "--stdin-filename", "app.py", "-", stdin=path.read_bytes(), cwd=str(tmp_path))
    assert proc.stdout == path.read_bytes()
    assert proc.returncode == 1
    assert b"CL101" in proc.stderr and KEY_ID.encode() not in proc.stderr
    proc = run_cli("--fix", "--unsafe-fixes", "--stdin-filename", "app.py", "-", stdin=path.read_bytes(),
                   cwd=str(tmp_path))
    assert proc.stdout == _expected(path).read_bytes()


def test_json_carries_fix_edits_that_reproduce_the_fixed_file(tmp_path):
    import json

    path = FIXTURES / "CL101" / "multiline_trailing_comma_comments.py"
    target = tmp_path / "app.py"
    shutil.copyfile(path, target)
    proc = run_cli("--format", "json", "--no-cache", "app.py", cwd=str(tmp_path))
    findings = json.loads(proc.stdout)
    fixes = [f["fix"] for f in findings if f["rule"] == "CL101"]
    assert len(fixes) == 1 and fixes[0]["applicability"] == "unsafe" and fixes[0]["title"]
    source = Source.for_python("app.py", path.read_bytes())
    from credlint.fixes import apply_edits
    from credlint.model import Edit, Span

    edits = [Edit(Span(e["line"], e["column"], e["end_line"], e["end_column"]), e["content"]) for e in fixes[0]["edits"]]
    assert source.with_text(apply_edits(source, edits)).encode() == _expected(path).read_bytes()
    assert all(f["fix"] is None for f in findings if f["rule"] != "CL101")


def test_extend_safe_fixes_promotes_a_rule(tmp_path):
    path = FIXTURES / "CL101" / "single_line.py"
    target = tmp_path / "app.py"
    shutil.copyfile(path, target)
    (tmp_path / ".credlint.toml").write_text('extend-safe-fixes = ["CL101"]\n')
    run_cli("--fix", "--no-cache", "app.py", cwd=str(tmp_path))
    assert target.read_bytes() == _expected(path).read_bytes()


def test_extend_unsafe_fixes_demotes_a_rule(tmp_path):
    path = FIXTURES / "CL102" / "environment_standard_is_safe.py"
    target = tmp_path / "app.py"
    shutil.copyfile(path, target)
    (tmp_path / ".credlint.toml").write_text('extend-unsafe-fixes = ["explicit-credentials-in-sdk-call"]\n')
    run_cli("--fix", "--no-cache", "app.py", cwd=str(tmp_path))
    assert target.read_bytes() == path.read_bytes()


def test_a_fix_that_would_break_the_file_is_refused(project, monkeypatch, tmp_path):
    """Fault injection: if the rewrite produced invalid code, the file must be
    left as it was, the finding kept, and the user told why."""
    import credlint.languages.python.arguments as python_arguments

    monkeypatch.setattr(python_arguments, "remove_arguments", lambda snippet, *a, **k: snippet[:-1])
    path = FIXTURES / "CL101" / "single_line.py"
    outcome = _fix(project, tmp_path / "app.py", path.read_bytes())
    assert outcome.after == path.read_bytes()
    assert [f.rule_id for f in outcome.result.findings] == ["CL101"]
    assert any("fix skipped" in n.message and "parse" in n.message for n in outcome.result.notices)


@pytest.mark.parametrize("rule", [r for r in load_rules().rules if r.fixable], ids=lambda r: r.id)
def test_every_fixable_rule_documents_a_fixed_example(rule):
    """The examples runner checks each `fixed:` (test_rule_examples.py); a
    fixable rule must show at least one."""
    assert any(e.fixed is not None for e in rule.examples_invalid), f"{rule.id} documents no fixed example"


def test_no_fix_where_the_rewrite_is_ambiguous(lint):
    code = f"""
import functools
import boto3

mk = functools.partial(boto3.client, aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")
s = boto3.Session("{KEY_ID}", "{SECRET}")
clients = [boto3.client(name, aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}") for name in ("s3", "sqs")]
minio = boto3.client("s3", endpoint_url="https://minio.corp.example.net", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")
"""
    findings = [f for f in lint(code) if f.rule_id == "CL101"]
    assert [f.span.line for f in findings] == [5, 6, 7, 8]
    assert all(f.fix_plan is None for f in findings)


def test_a_fix_request_writes_the_files_and_counts_the_fixes(tmp_path):
    for path in PAIRS[:3]:
        shutil.copyfile(path, tmp_path / path.name)
    response = run(Request(paths=(str(tmp_path),), fix=BOTH, write=True), Workspace())
    assert response.applied >= 3
    for path in PAIRS[:3]:
        assert (tmp_path / path.name).read_bytes() == _expected(path).read_bytes()


def test_a_single_fix_in_json_keeps_the_block_valid(tmp_path):
    """The edits a machine report or an editor gets must leave code that parses
    when applied alone: a removed statement alone in its block becomes pass."""
    import json

    (tmp_path / "app.py").write_text(
        "import botocore.session\n\n"
        "def configure(session: botocore.session.Session, flag):\n"
        "    if flag:\n"
        f"        session.set_credentials('{KEY_ID}', '{SECRET}')\n"
        "    return session\n"
    )
    findings = json.loads(run_cli("--format", "json", "--no-cache", "app.py", cwd=str(tmp_path)).stdout)
    (fix,) = [f["fix"] for f in findings if f["rule"] == "CL101"]
    assert [e["content"] for e in fix["edits"]] == ["        pass\n"]


def _notebook(cells, indent=1):
    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                   "source": source} for source in cells],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }, indent=indent, sort_keys=True, ensure_ascii=False) + "\n"


def test_notebook_cells_are_fixed_across_cells_keeping_magics_and_layout(tmp_path):
    nb = tmp_path / "explore.ipynb"
    nb.write_text(_notebook([
        ["%matplotlib inline\n", "import boto3\n", "REGION = \"eu-west-1\"  # Région"],
        ["!pip list | grep boto\n", "s3 = boto3.client(\n", "    \"s3\",\n", "    region_name=REGION,\n",
         f"    aws_access_key_id=\"{KEY_ID}\",\n", f"    aws_secret_access_key=\"{SECRET}\",\n", ")"],
    ]))
    proc = run_cli("--fix", "--unsafe-fixes", "--no-cache", "explore.ipynb", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert nb.read_text() == _notebook([
        ["%matplotlib inline\n", "import boto3\n", "REGION = \"eu-west-1\"  # Région"],
        ["!pip list | grep boto\n", "s3 = boto3.client(\n", "    \"s3\",\n", "    region_name=REGION,\n", ")"],
    ])


def test_notebook_in_another_layout_is_not_reformatted(tmp_path):
    nb = tmp_path / "explore.ipynb"
    original = _notebook([["import boto3\n",
                           f"s3 = boto3.client('s3', aws_access_key_id='{KEY_ID}', aws_secret_access_key='{SECRET}')"]],
                         indent=3)
    nb.write_text(original)
    proc = run_cli("--fix", "--unsafe-fixes", "--no-cache", "explore.ipynb", cwd=str(tmp_path))
    assert nb.read_text() == original
    assert proc.returncode == 1 and b"not in nbformat's JSON layout" in proc.stderr
