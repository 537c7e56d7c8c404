"""The per-file pipeline (credlint/runner.py): read only regular files, within
the size limit; fix and write where the file really is, keeping its mode;
give the same results in a pool as in one process; leave the cache agreeing
with the file after --fix. Real files, FIFOs, links and processes in tmp_path."""
from __future__ import annotations

import errno
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from credlint import runner, signing
from credlint.api import Response, Workspace
from credlint.cache import SMUDGED, content_hash
from credlint.runner import Task
from credlint.settings import Overrides
from credlint.workspace import Unit

from conftest import KEY_ID, KEY_ID_2, run_cli, workspace_at

# A safe fix (the call reads exactly the variables the default chain reads) and a
# finding no fix removes (the constant).
FIXABLE = ('import os\nimport boto3\n\ns3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], '
           f'aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\nLEGACY_KEY = "{KEY_ID}"\n')
FIXED = f'import boto3\n\ns3 = boto3.client("s3")\nLEGACY_KEY = "{KEY_ID}"\n'  # `import os` went with its last use
SAFE = Task(fix=("safe",), write=True)


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    directory = tmp_path / "user-cache"
    monkeypatch.setenv("CREDLINT_CACHE_DIR", str(directory))
    monkeypatch.delenv("CREDLINT_CACHE_KEY", raising=False)
    monkeypatch.setattr(signing, "_key", None)
    return directory


def units_for(workspace: Workspace, *paths: str):
    units, failed = workspace.units_for_paths(list(paths))
    assert failed == []
    return units


def lint(*paths: str, task: Task = Task(), workspace=None, **kwargs):
    workspace = workspace or workspace_at(".")
    return runner.run(workspace, units_for(workspace, *paths), task, **kwargs)


def summary(reports):
    return [(r.result.path, [(f.rule_id, f.span.line) for f in r.result.findings],
             [(n.kind, n.level) for n in r.result.notices]) for r in reports]


def within(seconds: float, work):
    """The value of work(), which must return within `seconds` (a blocked read would not)."""
    box = {}

    def target():
        try:
            box["value"] = work()
        except BaseException as exc:  # pragma: no cover - reported below
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: blocked"
    if "error" in box:
        raise box["error"]
    return box["value"]


# -- what is read -----------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_never_blocks_the_run(project):
    (project / "app.py").write_text(f"KEY = '{KEY_ID}'\n")
    os.mkfifo(project / "pipe.py")
    walked = within(20, lambda: lint("."))
    assert summary(walked) == [("app.py", [("CL201", 1)], [])]  # a walk does not list it
    (named,) = within(20, lambda: lint("pipe.py"))
    assert named.result.skipped and named.result.findings == ()
    assert [(n.message, n.level, n.kind) for n in named.result.notices] == [
        ("skipped: not a regular file (a FIFO)", "warning", "skipped")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_file_swapped_for_a_fifo_after_discovery_is_caught_on_the_open_file(project):
    (project / "app.py").write_text("x = 1\n")
    units = units_for(workspace_at("."), ".")
    (project / "app.py").unlink()
    os.mkfifo(project / "app.py")
    (report,) = within(20, lambda: runner.run(workspace_at("."), units, Task(), use_cache=False))
    assert [(n.message, n.level) for n in report.result.notices] == [("skipped: not a regular file (a FIFO)", "info")]


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_a_character_device_is_not_read(project):
    (report,) = within(20, lambda: lint("/dev/null"))
    assert [(n.message, n.kind) for n in report.result.notices] == [
        ("skipped: not a regular file (a character device)", "skipped")]


def test_an_oversized_file_is_skipped_with_a_notice(project):
    limit = 4096
    (project / "big.py").write_text(f"KEY = '{KEY_ID}'\n" + "#" * limit + "\n")
    (project / "small.py").write_text(f"KEY = '{KEY_ID_2}'\n")
    reports = lint(".", workspace=workspace_at(".", max_file_size=limit))
    big, small = reports
    assert big.result.skipped and big.result.findings == ()
    ((message, kind),) = [(n.message, n.kind) for n in big.result.notices]
    assert kind == "skipped" and "is over the" in message and "--max-file-size" in message
    assert [f.rule_id for f in small.result.findings] == ["CL201"]


def test_a_file_removed_between_discovery_and_reading_is_an_error_for_that_file_only(project):
    (project / "gone.py").write_text(f"KEY = '{KEY_ID}'\n")
    (project / "stays.py").write_text(f"KEY = '{KEY_ID_2}'\n")
    units = units_for(workspace_at("."), ".")
    (project / "gone.py").unlink()
    reports = runner.run(workspace_at("."), units, Task(), use_cache=False)
    assert summary(reports) == [("gone.py", [], [("unreadable", "error")]), ("stays.py", [("CL201", 1)], [])]
    assert reports[0].result.notices[0].message == f"cannot read: {os.strerror(errno.ENOENT)}"
    assert Response(files=tuple(reports), rules={}, root=str(project)).exit_code() == 2


# -- fixing and writing ------------------------------------------------------------------------


def test_a_fix_through_a_symlink_fixes_the_target_and_keeps_the_link(project, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "clients.py").write_text(FIXABLE)
    (project / "clients.py").symlink_to(shared / "clients.py")
    (report,) = lint("clients.py", task=SAFE)
    assert report.applied == 1
    assert (project / "clients.py").is_symlink()
    assert os.readlink(project / "clients.py") == str(shared / "clients.py")
    assert (shared / "clients.py").read_text() == FIXED
    assert [f.rule_id for f in report.result.findings] == ["CL201"]
    assert sorted(os.listdir(shared)) == ["clients.py"] and sorted(os.listdir(project)) == ["clients.py"]


@pytest.mark.parametrize("mode", [0o751, 0o600, 0o644])
def test_a_fix_keeps_the_file_mode(project, mode):
    path = project / "clients.py"
    path.write_text(FIXABLE)
    path.chmod(mode)
    (report,) = lint("clients.py", task=SAFE)
    assert report.applied == 1 and path.read_text() == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_file_with_two_hard_links_is_not_rewritten(project):
    path = project / "clients.py"
    path.write_text(FIXABLE)
    os.link(path, project / "also.py")
    proc = run_cli("--fix", "clients.py", cwd=str(project))
    assert proc.returncode == 2
    assert b"clients.py: error: fixes not written: the file has 2 hard links" in proc.stderr
    assert path.read_text() == FIXABLE and (project / "also.py").read_text() == FIXABLE
    assert path.stat().st_nlink == 2


def test_when_fixes_are_not_written_the_findings_still_in_the_file_are_reported(project):
    path = project / "clients.py"
    path.write_text(FIXABLE)
    os.link(path, project / "also.py")
    (report,) = lint("clients.py", task=SAFE)
    assert report.applied == 0 and path.read_text() == FIXABLE
    assert sorted(f.rule_id for f in report.result.findings) == ["CL102", "CL201"]


def test_a_buffer_gets_its_fixed_content_back_and_no_file_is_written(project):
    (project / "clients.py").write_text("on disk\n")
    workspace = workspace_at(".")
    unit = Unit("clients.py", str(project / "clients.py"), True, FIXABLE.encode())
    entry, report = runner.process(workspace.project_for("clients.py"), unit,
                                   Task(fix=("safe",), write=True, keep=True))
    assert report.fixed == FIXED.encode() and report.applied == 1
    assert (project / "clients.py").read_text() == "on disk\n"
    assert entry is None  # no cache given, nothing to remember


# -- many files -----------------------------------------------------------------------------------


def many_files(root: Path, count: int = 120) -> None:
    for i in range(count):
        if i % 3 == 0:
            text = f"KEY_{i} = '{KEY_ID}'\n"
        elif i % 3 == 1:
            text = FIXABLE
        else:
            text = f"value_{i} = {i}\n"
        (root / f"m{i:03}.py").write_text(text)
    (root / "broken.py").write_text(f"print 'x'\nKEY = '{KEY_ID_2}'\n")  # a parse notice
    (root / "blob.py").write_bytes(b"\x00\x01" * 50)  # binary


def test_a_pool_gives_the_same_reports_in_the_same_order_as_one_process(project):
    many_files(project)
    units = units_for(workspace_at("."), ".")
    assert len(units) >= runner.PARALLEL_MIN_FILES
    seen_one, seen_pool = [], []
    one = runner.run(workspace_at("."), units, Task(), use_cache=False, jobs=1, on_file=seen_one.append)
    pool = runner.run(workspace_at("."), units, Task(), use_cache=False, jobs=2, on_file=seen_pool.append)  # forks
    default = runner.run(workspace_at("."), units, Task(), use_cache=False)  # one worker per CPU
    assert pool == one and default == one
    assert [r.result.path for r in one] == [u.path for u in units]
    assert sorted(r.result.path for r in seen_pool) == sorted(u.path for u in units)
    assert sum(len(r.result.findings) for r in one) == 40 + 40 * 2 + 1


def test_a_pool_fixes_the_same_way_and_fills_the_cache_like_one_process(tmp_path, monkeypatch, user_cache):
    results = []
    for jobs in (1, 2):
        root = tmp_path / f"jobs{jobs}"
        root.mkdir()
        monkeypatch.chdir(root)
        many_files(root)
        workspace = Workspace(Overrides(), isolated=True, root=".")
        reports = lint(".", task=SAFE, workspace=workspace, jobs=jobs)
        assert sum(r.applied for r in reports) == 40
        again = lint(".", workspace=Workspace(Overrides(), isolated=True, root="."), jobs=jobs)
        entries = Workspace(Overrides(), isolated=True, root=".").project_for(".").open_cache().entries
        assert sorted(entries) == sorted(r.result.path for r in reports)
        for name, (_, _, digest, _, _) in entries.items():
            assert digest == content_hash((root / name).read_bytes()), name
        results.append((summary(reports), summary(again), {p.name: p.read_text() for p in root.glob("m*.py")}))
    assert results[0] == results[1]
    assert results[0][0] == results[0][1]  # what --fix reported is what the next run finds


# -- the cache after --fix --------------------------------------------------------------------------


def test_after_a_fix_the_cache_entry_describes_the_fixed_file(project, user_cache):
    (project / "clients.py").write_text(FIXABLE)
    workspace = Workspace(Overrides(), isolated=True, root=".")
    (fixed,) = lint("clients.py", task=SAFE, workspace=workspace)
    assert fixed.applied == 1 and (project / "clients.py").read_text() == FIXED
    entry = Workspace(Overrides(), isolated=True, root=".").project_for("clients.py").open_cache().entries["clients.py"]
    assert entry[2] == content_hash(FIXED.encode())
    assert entry[0] in ((project / "clients.py").stat().st_mtime_ns, SMUDGED)  # just written: racy, smudged
    (again,) = lint("clients.py", workspace=Workspace(Overrides(), isolated=True, root="."))
    assert summary([again]) == summary([fixed]) == [("clients.py", [("CL201", 4)], [])]


def test_a_cached_result_does_not_stop_a_later_fix(project, user_cache):
    path = project / "clients.py"
    path.write_text(FIXABLE)
    old = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(old, old))  # not racy: the next run could answer by stat alone
    (first,) = lint("clients.py", workspace=Workspace(Overrides(), isolated=True, root="."))
    assert sorted(f.rule_id for f in first.result.findings) == ["CL102", "CL201"]
    (fixed,) = lint("clients.py", task=SAFE, workspace=Workspace(Overrides(), isolated=True, root="."))
    assert fixed.applied == 1 and path.read_text() == FIXED


# -- the walk feeds the pool ------------------------------------------------------------------


def test_a_broken_rule_file_found_late_in_a_pooled_walk_is_a_clear_error_not_a_hang(project):
    """The walk runs in the pool's feeder thread; a rule error found there
    (a nested config's extra rules) once went to a worker that could not
    send it back, and the run hung."""
    from conftest import deadline

    for i in range(runner.PARALLEL_MIN_FILES + 50):
        (project / f"a{i:03d}.py").write_text(f"x = {i}\n")
    nested = project / "zz"
    (nested / "myrules").mkdir(parents=True)
    (nested / ".credlint.toml").write_text('extra-rules = ["myrules"]\n')
    (nested / "myrules" / "bad.yaml").write_text("id: X999\nname: [oops\n")
    (nested / "f.py").write_text("y = 1\n")
    with deadline(60, "a pooled run over a broken nested rule file"):
        proc = run_cli("--no-cache", "-j", "2", ".", cwd=str(project))
    assert proc.returncode == 2, proc.stderr
    assert b"bad.yaml:3" in proc.stderr and b"invalid YAML" in proc.stderr


def test_a_nested_project_found_after_the_fork_is_cached_too(project, user_cache):
    for i in range(runner.PARALLEL_MIN_FILES + 50):
        (project / f"a{i:03d}.py").write_text(f"x = {i}\n")
    sub = project / "zz"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool.credlint]\nfail-on = \"error\"\n")
    for i in range(runner.PARALLEL_MIN_FILES + 50):
        (sub / f"b{i:03d}.py").write_text(f"y = {i}\n")
    workspace = Workspace(Overrides(), root=".")
    lint(".", workspace=workspace, jobs=2)
    again = Workspace(Overrides(), root=".")
    entries = again.project_for(str(sub)).open_cache().entries
    assert len([k for k in entries if os.path.basename(k).startswith("b")]) == runner.PARALLEL_MIN_FILES + 50
