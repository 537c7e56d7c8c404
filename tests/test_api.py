"""The one core call (credlint/api.py): what a request gets back, the exit-code
policy, and the promise that each file is read once and linted once per
fixing round, whichever front end asks."""
from __future__ import annotations

import json
import subprocess

import pytest

from credlint import api
from credlint.api import Buffer, Request, Workspace, run
from credlint.project import Project

from conftest import KEY_ID, SECRET, run_cli, workspace_at

HARDCODED = f'import boto3\n\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n'
ENV = ('import os\nimport boto3\n\n'
       's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], '
       'aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n')


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=str(repo), check=True, capture_output=True)


def test_staged_json_fix_edits_come_from_the_staged_content(tmp_path):
    """Regression (issue 11): the edits were computed from the working-tree
    file, so a file staged with a fixable call and then edited gave `"fix": null`."""
    _git(tmp_path, "init", "-q")
    app = tmp_path / "app.py"
    app.write_text(ENV)
    _git(tmp_path, "add", "app.py")
    app.write_text("# rewritten in the working tree, not staged\n")
    proc = run_cli("--staged", "--no-cache", "--format", "json", cwd=str(tmp_path))
    (finding,) = json.loads(proc.stdout)
    assert finding["rule"] == "CL102" and finding["fix"] is not None
    assert finding["fix"]["applicability"] == "safe"
    # the edits apply to the staged text: they remove exactly the two keyword arguments
    line = ENV.splitlines()[3]
    kept = "".join(e["content"] for e in finding["fix"]["edits"])
    removed = [line[e["column"] - 1:e["end_column"] - 1] for e in finding["fix"]["edits"]]
    assert kept == "" and "".join(removed).count("os.environ") == 2


def test_staged_runs_through_the_cache_and_the_pool(tmp_path):
    _git(tmp_path, "init", "-q")
    for i in range(120):  # enough files for the worker pool
        (tmp_path / f"m{i}.py").write_text(HARDCODED if i == 7 else f"x = {i}\n")
    _git(tmp_path, "add", ".")
    cache = tmp_path / ".cache"
    first = run_cli("--staged", "--cache-dir", str(cache), "--format", "json", cwd=str(tmp_path))
    assert [f["path"] for f in json.loads(first.stdout)] == ["m7.py"]
    assert list(cache.rglob("*.json")), "the staged run wrote no cache"
    again = run_cli("--staged", "--cache-dir", str(cache), "--format", "json", cwd=str(tmp_path))
    assert json.loads(again.stdout) == json.loads(first.stdout)


def test_a_buffer_comes_back_fixed_and_paths_are_written(tmp_path):
    workspace = workspace_at(tmp_path)
    response = run(Request(buffer=Buffer(str(tmp_path / "app.py"), ENV.encode()), fix=("safe",)), workspace)
    (report,) = response.files
    assert report.applied == 1 and report.fixed == b'import boto3\n\ns3 = boto3.client("s3")\n'
    assert report.result.findings == ()  # what remains after the fix
    (tmp_path / "app.py").write_text(ENV)
    response = run(Request(paths=(str(tmp_path),), fix=("safe",), write=True), workspace)
    assert response.applied == 1 and (tmp_path / "app.py").read_bytes() == report.fixed
    assert response.exit_code() == 0


def test_one_kind_of_target_per_request():
    with pytest.raises(api.UsageError):
        run(Request(paths=("a.py",), staged=True))
    with pytest.raises(api.UsageError):
        run(Request(buffer=Buffer("a.py", b""), write=True))


def test_each_file_is_linted_once_per_fixing_round(tmp_path, monkeypatch):
    """A --fix run used to walk discovery twice and lint each fixable file
    three times; the report step then read it again for the edits."""
    calls = []
    real = Project.lint

    def counting(self, path, data, *args, **kwargs):
        calls.append(path)
        return real(self, path, data, *args, **kwargs)

    monkeypatch.setattr(Project, "lint", counting)
    (tmp_path / "app.py").write_text(HARDCODED)
    (tmp_path / "clean.py").write_text("x = 1\n")
    response = run(Request(paths=(str(tmp_path),), fix=("safe", "unsafe"), write=True, edits=True),
                   workspace_at(tmp_path))
    assert response.applied == 1
    linted = sorted(p.rsplit("/", 1)[-1] for p in calls)
    assert linted == ["app.py", "app.py", "clean.py"]  # the first lint, one round; the clean file once


@pytest.mark.parametrize("findings,notices,expected", [
    ([], [], 0),
    (["error"], [], 1),
    (["info"], [("warning", "parse")], 1),
    ([], [("error", "unreadable")], 2),
    (["error"], [("error", "missing")], 2),
    ([], [("error", "internal")], 3),
    ([], [("warning", "unused-ignore")], 0),
])
def test_the_exit_code_policy(findings, notices, expected):
    from credlint.model import FileReport, FileResult, Finding, Notice, Span

    result = FileResult("a.py", findings=tuple(Finding("CL1", "r", s, "a.py", Span(1, 1, 1, 2), "m", "0" * 32)
                                               for s in findings),
                        notices=tuple(Notice("a.py", "n", 0, level, kind) for level, kind in notices))
    response = api.Response(files=(FileReport(result),), rules={}, root=".")
    assert response.exit_code() == expected
    assert response.exit_code(exit_zero=True) == (expected if expected >= 2 else 0)


def test_fail_on_and_unused_ignores_in_the_policy():
    from credlint.model import FileReport, FileResult, Finding, Notice, Span

    warning = Finding("CL1", "r", "warning", "a.py", Span(1, 1, 1, 2), "m", "0" * 32)
    files = (FileReport(FileResult("a.py", findings=(warning,))),)
    assert api.Response(files, {}, ".", fail_on="error").exit_code() == 0
    assert api.Response(files, {}, ".", fail_on="warning").exit_code() == 1
    unused = (FileReport(FileResult("a.py", notices=(Notice("a.py", "unused", 1, "warning", "unused-ignore"),))),)
    assert api.Response(unused, {}, ".", report_unused_ignores=True).exit_code() == 1


def test_an_internal_error_is_exit_3_and_the_rest_of_the_run_goes_on(tmp_path, monkeypatch):
    real = Project.lint

    def faulty(self, path, data, *args, **kwargs):
        if path.endswith("boom.py"):
            return self._guarded(path, lambda: 1 / 0)
        return real(self, path, data, *args, **kwargs)

    monkeypatch.setattr(Project, "lint", faulty)
    (tmp_path / "boom.py").write_text("x = 1\n")
    (tmp_path / "app.py").write_text(HARDCODED)
    response = run(Request(paths=(str(tmp_path),)), workspace_at(tmp_path))
    assert [f.rule_id for f in response.findings] == ["CL101"]
    (notice,) = response.notices
    assert notice.kind == "internal" and "ZeroDivisionError" in notice.message
    assert response.exit_code() == 3


def test_a_missing_path_is_exit_2_without_a_clean_bill(tmp_path):
    proc = run_cli("--no-cache", "nope.py", cwd=str(tmp_path))
    assert proc.returncode == 2
    assert b"nope.py: error: no such file or directory" in proc.stderr
    assert b"No problems found" not in proc.stdout
    assert b"1 path could not be checked" in proc.stdout


def test_the_workspace_is_the_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(HARDCODED)
    assert [f.rule_id for f in run(Request(paths=("app.py",))).findings] == ["CL101"]
