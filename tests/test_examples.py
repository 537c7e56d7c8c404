"""The bundled example project: a new user's first run must show each planted
problem exactly once, redacted, and `--fix --unsafe-fixes` must leave no SDK
call finding but those that must not be fixed (browser code, loadFromPath)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

EXAMPLES = Path(ROOT) / "examples"
ROW = re.compile(r"^\| (?P<file>[^|]+?) \| (?P<rule>CL\d+) \| `(?P<text>.+)` \|$")


def planted():
    rows = []
    for line in (EXAMPLES / "PLANTED.md").read_text().splitlines():
        m = ROW.match(line)
        if m:
            rows.append((m["file"], m["rule"], m["text"]))
    assert rows, "PLANTED.md lists no problem"
    return rows


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{path}: no line contains {text!r}")


def _keys_in_examples():
    keys = set()
    for path in EXAMPLES.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            keys.update(re.findall(r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b", text))
            keys.update(re.findall(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])", text))
    return {k for k in keys if "EXAMPLE" not in k}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    copy = tmp_path_factory.mktemp("run") / "examples"
    shutil.copytree(EXAMPLES, copy)
    proc = run_cli("--format", "json", "--no-cache", "examples", cwd=str(copy.parent))
    assert proc.returncode == 1, proc.stderr.decode()
    return json.loads(proc.stdout), copy


def test_each_planted_problem_is_reported_exactly_once(report):
    findings, copy = report
    expected = sorted((f"examples/{file}", rule, _line_of(copy / file, text)) for file, rule, text in planted())
    actual = sorted((f["path"], f["rule"], f["line"]) for f in findings)
    assert actual == expected


def test_first_run_output_is_redacted(tmp_path):
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    keys = _keys_in_examples()
    assert len(keys) >= 4
    for fmt in ("text", "json"):
        proc = run_cli("--format", fmt, "--no-cache", "examples", cwd=str(tmp_path), env={"FORCE_COLOR": "1"})
        output = proc.stdout.decode() + proc.stderr.decode()
        assert "CL101" in output
        leaked = [k for k in keys if k in output]
        assert leaked == [], f"{fmt} output prints full keys"


def test_fix_leaves_only_the_findings_that_must_not_be_fixed(tmp_path):
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    run_cli("--fix", "--unsafe-fixes", "--no-cache", "examples", cwd=str(tmp_path))
    proc = run_cli("--format", "json", "--no-cache", "examples", cwd=str(tmp_path))
    findings = json.loads(proc.stdout)
    assert [f for f in findings if f["rule"] in ("CL101", "CL102", "CL401")] == []
    # browser code has no default chain to fall back on; loadFromPath goes by hand
    assert sorted((f["path"], f["rule"]) for f in findings if f["rule"] in ("CL402", "CL403")) == [
        ("examples/node/src/boot.js", "CL403"), ("examples/node/web/src/UploadButton.tsx", "CL402")]
    # the constants stay reported until someone deletes them and rotates the keys
    assert {"CL201", "CL202"} <= {f["rule"] for f in findings}
    compile((copy / "app" / "uploader.py").read_text(), "uploader.py", "exec")
    assert (copy / "node" / "src" / "server.js").read_text().count("new AWS.S3({\n  region: 'eu-west-1',\n});") == 1
