"""`credlint --staged` (credlint/staged.py): what git has staged is linted, not
the working tree. Real repositories made with the git binary in tmp_path, read
through the core call from inside them."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from credlint.api import Request, UsageError, Workspace, run
from credlint.settings import Overrides
from credlint.staged import staged_files

from conftest import KEY_ID, KEY_ID_2, SECRET

APP = f'import boto3\n\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n'
CLEAN = 'import boto3\n\ns3 = boto3.client("s3")\n'
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "protocol.file.allow=always", *args], cwd=cwd, check=True,
                          capture_output=True, text=True, env={**os.environ, **GIT_ENV}).stdout


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    monkeypatch.chdir(root)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return root


def staged(**overrides):
    """(path, rule, line) of every finding in what is staged, and the notices."""
    response = run(Request(staged=True), Workspace(Overrides(cache=False, **overrides), root="."))
    findings = sorted((f.path, f.rule_id, f.span.line) for f in response.findings)
    return findings, response.notices


def test_the_staged_content_is_linted_not_the_working_tree(repo):
    write(repo, "app.py", APP)
    git(repo, "add", "app.py")
    write(repo, "app.py", CLEAN)  # fixed in the working tree, not restaged
    assert staged() == ([("app.py", "CL101", 3)], [])
    git(repo, "add", "app.py")
    assert staged() == ([], [])
    write(repo, "app.py", APP)  # the reverse: a key in the working tree only
    assert staged() == ([], [])


def test_a_staged_file_deleted_from_the_working_tree_is_still_linted(repo):
    write(repo, "settings.py", f"KEY = '{KEY_ID}'\n")
    git(repo, "add", "settings.py")
    (repo / "settings.py").unlink()
    assert staged() == ([("settings.py", "CL201", 1)], [])


def test_only_what_changed_is_linted_and_deletions_are_skipped(repo):
    write(repo, "old.py", f"KEY = '{KEY_ID}'\n")  # committed long ago: not this commit's business
    write(repo, "gone.py", f"KEY = '{KEY_ID_2}'\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "initial")
    git(repo, "rm", "-q", "gone.py")  # a staged deletion
    write(repo, "new.py", f"KEY = '{KEY_ID_2}'\n")
    git(repo, "add", "new.py")
    assert staged() == ([("new.py", "CL201", 1)], [])


def test_a_renamed_file_is_linted_under_its_new_name(repo):
    write(repo, "settings.py", f"KEY = '{KEY_ID}'\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "initial")
    git(repo, "mv", "settings.py", "config.py")
    assert staged() == ([("config.py", "CL201", 1)], [])


def test_a_submodule_is_skipped(repo, tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    git(library, "init", "-q")
    write(library, "keys.py", f"KEY = '{KEY_ID}'\n")
    git(library, "add", ".")
    git(library, "commit", "-qm", "library")
    git(repo, "submodule", "add", "-q", str(library), "vendor/library")
    assert "160000" in git(repo, "ls-files", "-s", "vendor/library")  # a gitlink is staged
    write(repo, "app.py", CLEAN)
    git(repo, "add", "app.py")
    findings, notices = staged()
    assert findings == [] and notices == []
    assert sorted(os.path.relpath(p, repo) for p, _ in staged_files(".")) == [".gitmodules", "app.py"]


def test_paths_with_spaces_non_ascii_and_newlines(repo):
    for name in ("my dir/clé ü.py", "new\nline.py", "-dash.py"):
        write(repo, name, f"KEY = '{KEY_ID}'\n")
    git(repo, "add", ".")
    findings, notices = staged()
    assert findings == [("-dash.py", "CL201", 1), ("my dir/clé ü.py", "CL201", 1), ("new\nline.py", "CL201", 1)]
    assert notices == []


def test_an_executable_script_is_linted(repo):
    script = write(repo, "deploy.py", f"KEY = '{KEY_ID}'\n")
    script.chmod(0o755)
    git(repo, "add", "deploy.py")
    assert "100755" in git(repo, "ls-files", "-s", "deploy.py")
    assert staged() == ([("deploy.py", "CL201", 1)], [])


def test_from_a_subdirectory_the_whole_index_is_linted_with_paths_relative_to_it(repo, monkeypatch):
    write(repo, "settings.py", f"KEY = '{KEY_ID}'\n")
    write(repo, "src/app.py", APP)
    git(repo, "add", ".")
    monkeypatch.chdir(repo / "src")
    findings, _ = staged()
    assert findings == [("../settings.py", "CL201", 1), ("app.py", "CL101", 3)]


def test_the_configuration_s_excludes_apply_to_staged_files(repo):
    write(repo, ".credlint.toml", 'extend-exclude = ["fixtures/"]\n')
    write(repo, "fixtures/keys.py", f"KEY = '{KEY_ID}'\n")
    write(repo, "vendor/node_modules/pkg/keys.js", f"const k = '{KEY_ID}';\n")
    write(repo, "app.py", f"KEY = '{KEY_ID_2}'\n")
    git(repo, "add", ".")
    assert staged() == ([("app.py", "CL201", 1)], [])


def test_fixes_of_staged_content_are_shown_as_a_diff_never_written(repo):
    os_env = 'import os\nimport boto3\n\ns3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])\n'
    write(repo, "app.py", os_env)
    git(repo, "add", "app.py")
    with pytest.raises(UsageError):
        run(Request(staged=True, fix=("safe",), write=True), Workspace(Overrides(cache=False)))
    response = run(Request(staged=True, fix=("safe",), diff=True), Workspace(Overrides(cache=False)))
    assert "-s3 = boto3.client(" in response.files[0].diff
    assert git(repo, "show", ":app.py") == os_env and (repo / "app.py").read_text() == os_env


def test_outside_a_repository_is_a_usage_error_that_says_so(tmp_path, monkeypatch):
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(UsageError) as info:
        run(Request(staged=True), Workspace(Overrides(cache=False)))
    assert str(info.value) == f"{outside} is not in a git repository (--staged lints what git has staged)"


def test_a_staged_name_with_glob_characters_does_not_pull_in_other_files(repo):
    write(repo, "pages/i.py", f"KEY = '{KEY_ID}'\n")  # committed earlier, not part of this commit
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "initial")
    write(repo, "pages/[id].py", f"KEY = '{KEY_ID_2}'\n")
    git(repo, "add", "pages/[id].py")
    assert staged() == ([("pages/[id].py", "CL201", 1)], [])


@pytest.mark.slow
def test_a_very_large_index_is_linted(repo):
    arg_max = os.sysconf("SC_ARG_MAX") if hasattr(os, "sysconf") else 2 * 1024 * 1024
    directory = "/".join(["d" * 250] * 3)  # long paths: fewer files to exceed ARG_MAX
    count = arg_max // 750 + 500
    if count > 20000:
        pytest.skip(f"ARG_MAX is {arg_max}: too many files to exceed it here")
    (repo / directory).mkdir(parents=True)
    for i in range(count):
        (repo / directory / f"{i:05}.txt").touch()
    git(repo, "add", ".")
    response = run(Request(staged=True), Workspace(Overrides(cache=False)))
    assert len(response.files) == count and response.exit_code() == 0
