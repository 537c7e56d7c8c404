"""Which configuration applies where, and what a request turns into
(credlint/workspace.py): per-directory configs, paths that cannot be linted,
buffers, and the project root that fingerprints are relative to. Real trees
and repositories in tmp_path, through the core call."""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from credlint.api import Buffer, Request, UsageError, Workspace, run
from credlint.settings import Overrides

from conftest import KEY_ID, KEY_ID_2, SECRET

APP = f'import boto3\n\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n'
KEYS = f"KEY = '{KEY_ID_2}'\n"


def make(root: Path, files: dict) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


def lint(*paths: str, workspace=None):
    response = run(Request(paths=paths or (".",)), workspace or Workspace(Overrides(cache=False), root="."))
    return response


def findings(response):
    return sorted((f.path, f.rule_id) for f in response.findings)


def notices(response):
    return sorted((n.path, n.kind, n.level, n.message) for n in response.notices)


# -- per-directory configuration --------------------------------------------------------------


def test_a_nested_config_applies_in_its_subtree_only(project):
    make(project, {
        ".credlint.toml": "ignore = ['CL201']\nextend-exclude = ['legacy/']\n",
        "app.py": APP, "keys.py": KEYS, "generated/app.py": APP, "legacy/app.py": APP,
        "service/.credlint.toml": "select = ['CL201']\nextend-exclude = ['generated/']\n",
        "service/keys.py": KEYS, "service/generated/keys.py": KEYS, "service/legacy/keys.py": KEYS,
    })
    assert findings(lint()) == [("app.py", "CL101"), ("generated/app.py", "CL101"),
                                ("service/keys.py", "CL201"), ("service/legacy/keys.py", "CL201")]
    # the same answers when the subtree is linted on its own, or file by file
    assert findings(lint("service")) == [("service/keys.py", "CL201"), ("service/legacy/keys.py", "CL201")]
    assert findings(lint("keys.py", "service/keys.py")) == [("service/keys.py", "CL201")]


def test_per_file_ignores_are_relative_to_their_config(project):
    make(project, {
        "service/.credlint.toml": "per-file-ignores = { 'tests/**' = ['CL201'] }\n",
        "service/tests/test_keys.py": KEYS, "tests/test_keys.py": KEYS, "service/keys.py": KEYS,
    })
    assert findings(lint()) == [("service/keys.py", "CL201"), ("tests/test_keys.py", "CL201")]


def test_an_explicit_config_file_applies_everywhere_and_isolated_reads_none(project, tmp_path):
    make(project, {".credlint.toml": "ignore = ['CL201']\n", "service/.credlint.toml": "ignore = ['CL201']\n",
                   "keys.py": KEYS, "service/keys.py": KEYS})
    shared = make(tmp_path / "ci", {"credlint.toml": "select = ['CL201']\n"}) / "credlint.toml"
    explicit = Workspace(Overrides(cache=False), config_file=str(shared), root=".")
    assert findings(lint(workspace=explicit)) == [("keys.py", "CL201"), ("service/keys.py", "CL201")]
    assert findings(lint()) == []
    isolated = Workspace(Overrides(cache=False), isolated=True, root=".")
    assert findings(lint(workspace=isolated)) == [("keys.py", "CL201"), ("service/keys.py", "CL201")]


def test_a_broken_nested_config_stops_the_run_naming_it(project):
    make(project, {"app.py": APP, "service/.credlint.toml": "selct = ['CL1']\n", "service/app.py": APP})
    with pytest.raises(UsageError, match="service/.credlint.toml:1: unknown key 'selct'"):
        lint()


# -- paths that cannot be linted ------------------------------------------------------------------


def test_a_missing_path_is_reported_and_the_others_are_linted(project):
    make(project, {"app.py": APP})
    response = lint("app.py", "nope.py", "gone/")
    assert findings(response) == [("app.py", "CL101")]
    assert notices(response) == [("gone/", "missing", "error", "no such file or directory"),
                                 ("nope.py", "missing", "error", "no such file or directory")]
    assert response.exit_code() == 2


def test_a_broken_symlink_named_explicitly_is_reported_as_missing(project):
    (project / "settings.py").symlink_to(project / "deleted.py")
    response = lint("settings.py")
    assert notices(response) == [("settings.py", "missing", "error",
                                  "a broken symbolic link (its target does not exist)")]
    assert response.exit_code() == 2


def test_paths_the_os_refuses_are_reported_as_unreadable(project):
    (project / "loop.py").symlink_to(project / "loop.py")
    too_long = "x" * 300 + ".py"
    response = lint("loop.py", too_long)
    assert notices(response) == [("loop.py", "unreadable", "error", f"cannot read: {os.strerror(errno.ELOOP)}"),
                                 (too_long, "unreadable", "error", f"cannot read: {os.strerror(errno.ENAMETOOLONG)}")]
    assert response.exit_code() == 2


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_files_and_directories_are_reported_as_unreadable(project):
    make(project, {"app.py": APP, "locked/keys.py": KEYS, "private/keys.py": KEYS})
    (project / "private" / "keys.py").chmod(0)
    (project / "locked").chmod(0)
    try:
        walked = lint()
        named = lint("locked/keys.py", "private/keys.py")
    finally:
        (project / "locked").chmod(0o755)
        (project / "private" / "keys.py").chmod(0o644)
    denied = f"cannot read: {os.strerror(errno.EACCES)}"
    assert findings(walked) == [("app.py", "CL101")]
    assert notices(walked) == [("locked", "unreadable", "error", denied),
                               ("private/keys.py", "unreadable", "error", denied)]
    assert notices(named) == [("locked/keys.py", "unreadable", "error", denied),
                              ("private/keys.py", "unreadable", "error", denied)]
    assert walked.exit_code() == named.exit_code() == 2


# -- buffers -----------------------------------------------------------------------------------------


def test_a_buffer_is_linted_with_the_config_of_the_path_it_stands_for(project):
    make(project, {"service/.credlint.toml": "per-file-ignores = { 'tests/**' = ['CL1', 'CL2'] }\n"})
    workspace = Workspace(Overrides(cache=False), root=".")
    unit = workspace.unit_for_buffer("service/tests/test_app.py", APP.encode())
    assert unit is not None and unit.data == APP.encode() and unit.explicit
    assert findings(run(Request(buffer=_buffer("service/tests/test_app.py")), workspace)) == []
    assert findings(run(Request(buffer=_buffer("service/app.py")), workspace)) == [("service/app.py", "CL101")]
    assert not (project / "service" / "app.py").exists()  # nothing is read or written


def test_force_exclude_drops_a_buffer_whose_path_is_excluded(project):
    make(project, {".credlint.toml": "extend-exclude = ['legacy/']\n"})
    forced = Workspace(Overrides(cache=False, force_exclude=True), root=".")
    assert forced.unit_for_buffer("legacy/old.py", APP.encode()) is None
    assert run(Request(buffer=_buffer("legacy/old.py")), forced).files == ()
    unforced = Workspace(Overrides(cache=False), root=".")
    assert findings(run(Request(buffer=_buffer("legacy/old.py")), unforced)) == [("legacy/old.py", "CL101")]


def _buffer(path: str) -> Buffer:
    return Buffer(path, APP.encode())


# -- the project root -------------------------------------------------------------------------------


def test_fingerprints_do_not_depend_on_the_directory_credlint_runs_from(project, monkeypatch):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    make(project, {"service/app.py": APP})
    from_root = lint("service/app.py", workspace=Workspace(Overrides(cache=False)))
    monkeypatch.chdir(project / "service")
    from_service = lint("app.py", workspace=Workspace(Overrides(cache=False)))
    assert [f.path for f in from_service.findings] == ["app.py"]
    assert [f.fingerprint for f in from_service.findings] == [f.fingerprint for f in from_root.findings]
    assert from_service.root == from_root.root == str(project)
