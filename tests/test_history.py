"""`credlint history` (credlint/history.py) on real git repositories: keys
added, edited, deleted, re-added on a branch, arriving in a merge, renamed;
binary and huge blobs; a shallow clone; the pre-push hook."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, run_cli

KEY_ID_3 = "AKIAQ3EGUIKJ4W2DNY7P"
KEY_ID_4 = "AKIA5XN2RPL7TQ4WMJ3H"


def git(root, *args: str, env=None) -> str:
    full = dict(os.environ, GIT_AUTHOR_NAME="dev", GIT_AUTHOR_EMAIL="dev@example.com", GIT_COMMITTER_NAME="dev",
                GIT_COMMITTER_EMAIL="dev@example.com", **(env or {}))
    return subprocess.run(["git", *args], cwd=str(root), check=True, capture_output=True, text=True, env=full).stdout


def commit(root, message: str, when: str, **files) -> str:
    for name, content in files.items():
        path = root / name
        if content is None:
            git(root, "rm", "-q", name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        git(root, "add", name)
    stamp = {"GIT_AUTHOR_DATE": f"{when}T12:00:00Z", "GIT_COMMITTER_DATE": f"{when}T12:00:00Z"}
    git(root, "commit", "-q", "--allow-empty", "-m", message, env=stamp)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path):
    """main: a key added, its file edited, then deleted; a second key
    renamed with its file and still at HEAD. branch: a third key, merged in;
    the merge itself (an evil merge) adds a fourth. A binary and a huge blob."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    added = commit(root, "settings", "2024-01-10", **{"app/settings.py": f'KEY = "{KEY_ID}"\n'})
    commit(root, "edit", "2024-01-11", **{"app/settings.py": f'KEY = "{KEY_ID}"\nDEBUG = True\n'})
    commit(root, "binary and huge", "2024-01-12", **{"logo.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                                                        "data/dump.sql": ("x" * 1000 + "\n") * 6000})
    removed = commit(root, "drop the key", "2024-01-13", **{"app/settings.py": "DEBUG = True\n"})
    second = commit(root, "deploy", "2024-01-14", **{"deploy/env.sh": f"export AWS_ACCESS_KEY_ID={KEY_ID_2}\n"})
    git(root, "mv", "deploy/env.sh", "deploy/prod.sh")
    commit(root, "rename", "2024-01-15")
    git(root, "checkout", "-q", "-b", "feature")
    third = commit(root, "feature", "2024-01-16", **{"feature.py": f'TOKEN_ID = "{KEY_ID_3}"\n'})
    git(root, "checkout", "-q", "main")
    commit(root, "main moves on", "2024-01-17", **{"README.md": "# app\n"})
    git(root, "merge", "-q", "--no-commit", "feature", env={"GIT_AUTHOR_DATE": "2024-01-18T12:00:00Z"})
    (root / "merge.py").write_text(f'SNEAKY = "{KEY_ID_4}"\n')
    git(root, "add", "merge.py")
    git(root, "commit", "-q", "-m", "merge feature", env={"GIT_AUTHOR_DATE": "2024-01-18T12:00:00Z",
                                                          "GIT_COMMITTER_DATE": "2024-01-18T12:00:00Z"})
    merge = git(root, "rev-parse", "HEAD").strip()
    return root, {"added": added, "removed": removed, "second": second, "third": third, "merge": merge}


def history(root, *args: str):
    proc = run_cli("history", "--no-cache", "--format", "json", *args, cwd=str(root))
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc, {f["message"].split(" in ")[0].split()[-1]: f for f in json.loads(proc.stdout)}


def test_every_key_once_with_the_commit_that_added_it(repo):
    root, commits = repo
    proc, found = history(root)
    assert proc.returncode == 1
    masked = {key: f"{key[:4]}{'*' * 12}{key[-4:]}" for key in (KEY_ID, KEY_ID_2, KEY_ID_3, KEY_ID_4)}
    assert set(found) == set(masked.values())
    first = found[masked[KEY_ID]]
    assert (first["commit"], first["date"], first["path"], first["line"]) == (commits["added"], "2024-01-10",
                                                                              "app/settings.py", 1)
    assert first["commits"] == 2 and first["at_head"] is False  # added, edited (a new version), then deleted
    renamed = found[masked[KEY_ID_2]]
    assert renamed["commit"] == commits["second"] and renamed["at_head"] is True
    assert renamed["commits"] == 2  # the rename adds the same file version under its new name
    branch = found[masked[KEY_ID_3]]
    assert branch["commit"] == commits["third"] and branch["path"] == "feature.py" and branch["at_head"]
    evil = found[masked[KEY_ID_4]]
    assert evil["commit"] == commits["merge"] and evil["path"] == "merge.py"
    for key in (KEY_ID, KEY_ID_2, KEY_ID_3, KEY_ID_4, SECRET):
        assert key not in proc.stdout.decode() + proc.stderr.decode()


def test_text_says_what_to_do_about_a_key_gone_from_head_and_skips_huge_blobs(repo):
    root, commits = repo
    proc = run_cli("history", "--no-cache", "--max-file-size", "1", cwd=str(root))
    text = proc.stdout.decode()
    gone = next(line for line in text.splitlines() if commits["added"][:7] in line)
    assert "gone from HEAD" in gone and "rotate it" in gone and "git filter-repo" in gone
    assert "Found 4 keys in history (3 still at HEAD)" in text
    assert "data/dump.sql: info: skipped in commit" in proc.stderr.decode()  # 6 MB: over the 1 MB limit


def test_since_scans_only_what_the_branch_added(repo):
    root, commits = repo
    git(root, "checkout", "-q", "feature")
    proc, found = history(root, "--since", "main")
    assert found == {}  # the feature branch adds nothing main does not have (main merged it)
    git(root, "checkout", "-q", "-b", "topic", commits["removed"])
    commit(root, "topic", "2024-02-01", **{"topic.env": f"AWS_ACCESS_KEY_ID={KEY_ID_4}\n"})
    proc, found = history(root, "--since", "main")
    assert [f["path"] for f in found.values()] == ["topic.env"]


def test_paths_after_a_double_dash_limit_the_scan(repo):
    root, _ = repo
    _, found = history(root, "--", "deploy/")
    assert [f["path"] for f in found.values()] == ["deploy/env.sh"]


def test_sarif_carries_the_commit(repo):
    root, commits = repo
    proc = run_cli("history", "--no-cache", "--format", "sarif", cwd=str(root))
    results = json.loads(proc.stdout)["runs"][0]["results"]
    assert {r["properties"]["commit"] for r in results} == {commits[k] for k in ("added", "second", "third", "merge")}
    assert all("at_head" in r["properties"] and r["properties"]["commits"] >= 1 for r in results)


def test_a_shallow_clone_scans_what_it_has(repo, tmp_path):
    root, commits = repo
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    proc, found = history(clone)
    assert proc.returncode == 1
    assert {f["path"] for f in found.values()} == {"deploy/prod.sh", "feature.py", "merge.py"}  # HEAD's files


def test_a_repository_without_commits_and_a_directory_outside_git(tmp_path):
    (tmp_path / "empty").mkdir()
    git(tmp_path / "empty", "init", "-q")
    proc = run_cli("history", "--no-cache", cwd=str(tmp_path / "empty"))
    assert proc.returncode in (0, 2)
    (tmp_path / "plain").mkdir()
    proc = run_cli("history", cwd=str(tmp_path / "plain"))
    assert proc.returncode == 2 and b"not in a git repository" in proc.stderr


def test_the_pre_push_hook_scans_the_commits_being_pushed(repo, tmp_path):
    """pre-commit sets PRE_COMMIT_FROM_REF/TO_REF for the pre-push stage."""
    root, commits = repo
    env = {"PRE_COMMIT_FROM_REF": commits["second"], "PRE_COMMIT_TO_REF": commits["merge"]}
    proc = run_cli("history", "--no-cache", "--format", "json", "--pre-push", cwd=str(root),
                   env=dict(os.environ, **env))
    paths = sorted(f["path"] for f in json.loads(proc.stdout))
    assert paths == ["deploy/prod.sh", "feature.py", "merge.py"]  # the rename, the branch, the merge
    import yaml

    from conftest import ROOT

    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        defined = {h["id"]: h for h in yaml.safe_load(handle)}
    assert defined["credlint-history"]["entry"] == "credlint history --pre-push"
    assert defined["credlint-history"]["stages"] == ["pre-push"]
