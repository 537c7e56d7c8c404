"""Which files a run lints (credlint/discovery.py): default excludes, .gitignore
with git's semantics, exclude patterns, explicit paths, symbolic links,
directories the OS refuses, and a stable order. Real trees in tmp_path; where
git itself can answer, git is the oracle."""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path
from typing import Iterable, List, Sequence

import pytest

from credlint.discovery import DEFAULT_EXCLUDE, Discovery, ExcludeSpec, git_root


def make(root: Path, *names: str) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n")
    return root


def discover(root: Path, extra: Iterable[str] = (), respect_gitignore: bool = True,
             force_exclude: bool = False) -> Discovery:
    """A Discovery whose exclude spec is the defaults plus `extra`, written by a
    config in `root` (paths are given relative to `root`, which is the cwd)."""
    spec = ExcludeSpec(str(root), DEFAULT_EXCLUDE + tuple(extra))
    return Discovery(lambda directory: spec, respect_gitignore=respect_gitignore, force_exclude=force_exclude)


def walk(root: Path, paths: Sequence[str] = (".",), **options) -> List[str]:
    discovery = discover(root, **options)
    return [c.path for c in discovery.files(list(paths))]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


# -- default excludes --------------------------------------------------------------------


def test_default_excludes_are_directories_so_a_script_named_build_is_linted(tree):
    """A CI script called `build` or `dist` is where keys get pasted: the
    default excludes skip directories of those names, never files."""
    make(tree, "build", "dist", "scripts/venv", "web/build/out/app.py", "web/dist/pkg.py", "app.min.js", "app.js")
    assert sorted(walk(tree)) == ["app.js", "build", "dist", "scripts/venv"]



def test_tool_dependency_and_build_directories_are_skipped_at_any_depth(tree):
    make(tree, "src/app.py", "src/lib/util.py",
         "node_modules/pkg/index.js", "src/node_modules/pkg/index.js", ".venv/lib/site.py", "venv/lib/site.py",
         "src/__pycache__/app.py", "build/lib/app.py", "dist/app.py", "credlint.egg-info/PKG-INFO",
         ".tox/py311/x.py", ".git/config", ".mypy_cache/x.py")
    assert sorted(walk(tree)) == ["src/app.py", "src/lib/util.py"]


def test_a_virtualenv_is_recognised_by_pyvenv_cfg_whatever_its_name(tree):
    make(tree, "app.py", "tools/env311/pyvenv.cfg", "tools/env311/lib/python3.11/site-packages/boto3/session.py",
         "tools/config/settings.py")
    assert sorted(walk(tree)) == ["app.py", "tools/config/settings.py"]


def test_a_directory_tagged_with_cachedir_tag_is_skipped(tree):
    make(tree, "app.py", "some-tool-cache/CACHEDIR.TAG", "some-tool-cache/entry.json", "not-a-cache/entry.json")
    assert sorted(walk(tree)) == ["app.py", "not-a-cache/entry.json"]


def test_binary_files_are_skipped_in_a_walk_but_linted_when_named(tree):
    make(tree, "app.py", "logo.png", "data/db.sqlite", "archive.tar.gz")
    assert walk(tree) == ["app.py"]
    assert walk(tree, ["logo.png"]) == ["logo.png"]


# -- .gitignore -----------------------------------------------------------------------------


def test_gitignore_semantics_agree_with_git(tree):
    """Nested .gitignore files, negation, anchored patterns, ignored directories
    (not entered, whatever their own .gitignore says) and .git/info/exclude:
    the walk lists exactly the files `git status` calls untracked."""
    git(tree, "init", "-q")
    (tree / ".gitignore").write_text("*.log\ngen/\n/rootonly.txt\nsecret*\n!secret_ok.py\nlogs/*\n!logs/keep.txt\n")
    make(tree, "sub/placeholder")
    (tree / "sub" / ".gitignore").write_text("!important.log\ndeep/*.py\n")
    make(tree, "gen/placeholder")
    (tree / "gen" / ".gitignore").write_text("!*.py\n")
    make(tree, "a.log", "sub/important.log", "sub/other.log", "sub/deep/x.py", "sub/deep/y.txt", "sub/deep/z.txt",
         "gen/x.py", "rootonly.txt", "sub/rootonly.txt", "secret1.py", "secret_ok.py", "logs/keep.txt",
         "logs/drop.txt", "keep/a.py")
    with open(tree / ".git" / "info" / "exclude", "a") as handle:
        handle.write("sub/deep/z.txt\n")
    expected = sorted(p for p in git(tree, "ls-files", "--others", "--exclude-standard", "-z").split("\0") if p)
    assert "sub/important.log" in expected and "gen/x.py" not in expected  # the tree is as intended
    assert sorted(walk(tree)) == expected


def test_a_deeper_gitignore_overrides_a_shallower_one(tree):
    git(tree, "init", "-q")
    make(tree, "keep.log", "sub/keep.log", "sub/other.log", "sub/app.py")
    (tree / ".gitignore").write_text("*.log\n")
    (tree / "sub" / ".gitignore").write_text("!keep.log\napp.py\n")
    assert sorted(walk(tree)) == [".gitignore", "sub/.gitignore", "sub/keep.log"]


def test_an_ignored_directory_is_not_entered(tree):
    git(tree, "init", "-q")
    make(tree, "app.py", "generated/keys.py", "generated/deeper/more.py")
    (tree / ".gitignore").write_text("generated/\n")
    (tree / "generated" / ".gitignore").write_text("!*.py\n")  # too late: git never reads it
    assert sorted(walk(tree)) == [".gitignore", "app.py"]


def test_gitignore_files_above_the_walked_directory_apply_up_to_the_repository_root(tmp_path, monkeypatch):
    outer = tmp_path / "outer"
    repo = outer / "repo"
    make(repo, "sub/app.py", "sub/debug.log", "sub/anchored.py", "sub/deeper/anchored.py")
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text("*.log\n/sub/anchored.py\n")
    (outer / ".gitignore").write_text("*.py\n")  # above the repository: not git's business
    monkeypatch.chdir(repo)
    assert sorted(walk(repo, ["sub"])) == ["sub/app.py", "sub/deeper/anchored.py"]
    monkeypatch.chdir(repo / "sub")
    assert sorted(walk(repo / "sub")) == ["app.py", "deeper/anchored.py"]


def test_gitignore_files_above_the_walked_directory_do_not_apply_outside_a_repository(tmp_path, monkeypatch):
    if git_root(str(tmp_path)) is not None:
        pytest.skip("the temporary directory is inside a git repository")
    make(tmp_path, "plain/project/app.py")
    (tmp_path / "plain" / ".gitignore").write_text("project/\n*.py\n")
    monkeypatch.chdir(tmp_path / "plain" / "project")
    assert walk(tmp_path / "plain" / "project") == ["app.py"]


def test_no_respect_gitignore_lists_ignored_files(tree):
    git(tree, "init", "-q")
    make(tree, "app.py", "debug.log", "generated/keys.py")
    (tree / ".gitignore").write_text("*.log\ngenerated/\n")
    assert sorted(walk(tree, respect_gitignore=False)) == [".gitignore", "app.py", "debug.log", "generated/keys.py"]


# -- exclude patterns ------------------------------------------------------------------------


def test_exclude_names_match_at_any_depth_and_patterns_with_a_slash_are_anchored(tree):
    make(tree, "scratch/a.py", "src/scratch/b.py", "top.py", "src/top.py", "docs/guide.md", "src/docs/guide.md",
         "models.gen.py", "src/api.gen.py", "src/app.py")
    extra = ["scratch", "/top.py", "docs/*.md", "*.gen.py"]
    assert sorted(walk(tree, extra=extra)) == ["src/app.py", "src/docs/guide.md", "src/top.py"]


def test_anchored_exclude_patterns_are_relative_to_the_directory_of_the_config(tmp_path, monkeypatch):
    make(tmp_path, "service/vendor/lib.py", "service/app.py", "vendor/lib.py")
    monkeypatch.chdir(tmp_path)
    spec = ExcludeSpec(str(tmp_path / "service"), ["/vendor/"])  # written by service/.credlint.toml
    assert spec.excluded(str(tmp_path / "service" / "vendor"), True)
    assert not spec.excluded(str(tmp_path / "service" / "app.py"), False)
    discovery = Discovery(lambda directory: spec)
    assert sorted(c.path for c in discovery.files(["service"])) == ["service/app.py"]


def test_a_directory_only_exclude_pattern_does_not_exclude_a_file_of_that_name(tree):
    make(tree, "deploy", "scripts/deploy", "ops/deploy/run.sh")
    assert sorted(walk(tree, extra=["deploy/"])) == ["deploy", "scripts/deploy"]


def test_a_negated_exclude_pattern_re_includes_a_file(tree):
    make(tree, "package.json", "fixtures/data.json", "app.py")
    assert sorted(walk(tree, extra=["*.json", "!package.json"])) == ["app.py", "package.json"]


# -- explicit paths ---------------------------------------------------------------------------


def test_explicit_files_are_linted_even_when_excluded_unless_force_exclude(tree):
    make(tree, "build/app.py", "node_modules/pkg/index.js", "legacy/deep/old.py", "src/app.py")
    named = ["build/app.py", "node_modules/pkg/index.js", "legacy/deep/old.py", "src/app.py"]
    discovery = discover(tree, extra=["legacy/"])
    found = list(discovery.files(named))
    assert [c.path for c in found] == named and all(c.explicit for c in found)
    assert walk(tree, named, extra=["legacy/"], force_exclude=True) == ["src/app.py"]


def test_force_exclude_drops_an_explicit_directory_that_is_excluded(tree):
    make(tree, "node_modules/pkg/index.js", "src/app.py")
    assert walk(tree, ["node_modules", "src"]) == ["node_modules/pkg/index.js", "src/app.py"]
    assert walk(tree, ["node_modules", "src"], force_exclude=True) == ["src/app.py"]


def test_each_file_is_listed_once_when_paths_overlap(tree):
    make(tree, "src/app.py", "src/lib/util.py")
    paths = walk(tree, [".", "src", "src/app.py", "./src/lib/util.py"])
    assert sorted(paths) == ["src/app.py", "src/lib/util.py"]


# -- symbolic links ----------------------------------------------------------------------------


def test_symlinked_directories_are_not_followed_in_a_walk(tmp_path, monkeypatch):
    make(tmp_path, "elsewhere/secret.py", "project/app.py", "project/loop/placeholder")
    project = tmp_path / "project"
    (project / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (project / "loop" / "up").symlink_to(project, target_is_directory=True)  # a cycle: must not hang
    monkeypatch.chdir(project)
    discovery = discover(project)
    assert sorted(c.path for c in discovery.files(["."])) == ["app.py", "loop/placeholder"]
    assert discovery.refused == []
    assert walk(project, ["linked"]) == ["linked/secret.py"]  # named on the command line: walked


def test_symlinked_files_are_listed_and_broken_links_skipped_quietly(tmp_path, monkeypatch):
    make(tmp_path, "shared/settings.py", "project/app.py")
    project = tmp_path / "project"
    (project / "settings.py").symlink_to(tmp_path / "shared" / "settings.py")
    (project / "gone.py").symlink_to(tmp_path / "nowhere.py")
    monkeypatch.chdir(project)
    discovery = discover(project)
    assert sorted(c.path for c in discovery.files(["."])) == ["app.py", "settings.py"]
    assert discovery.refused == []


# -- what the OS refuses ---------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any directory")
def test_an_unreadable_directory_is_reported_as_refused_and_the_walk_goes_on(tree):
    make(tree, "app.py", "locked/keys.py", "zzz/last.py")
    locked = tree / "locked"
    locked.chmod(0)
    try:
        discovery = discover(tree)
        paths = [c.path for c in discovery.files(["."])]
    finally:
        locked.chmod(0o755)
    assert sorted(paths) == ["app.py", "zzz/last.py"]
    assert discovery.refused == [("locked", os.strerror(errno.EACCES))]


# -- order ---------------------------------------------------------------------------------------


def test_the_order_is_deterministic_sorted_and_depth_first(tmp_path, monkeypatch):
    names = ["b.py", "a/z.py", "a/b/c.py", "a/b/a.py", "A.py", "c/x.py", "a/m.py", "B/y.py", "_.py"]
    one, two = tmp_path / "one", tmp_path / "two"
    make(one, *names)
    make(two, *reversed(names))  # created in the opposite order
    monkeypatch.chdir(one)
    first = walk(one)
    assert walk(one) == first
    monkeypatch.chdir(two)
    assert walk(two) == first
    assert sorted(first) == sorted(names)
    for directory in {os.path.dirname(p) for p in first}:
        files = [p for p in first if os.path.dirname(p) == directory]
        assert files == sorted(files), directory
    # each top-level directory's files come together, directories in sorted order
    tops = [p.split("/")[0] for p in first if "/" in p]
    groups = [t for i, t in enumerate(tops) if i == 0 or tops[i - 1] != t]
    assert groups == sorted(set(tops))


def test_a_git_exclude_file_of_comments_only_is_no_spec_and_a_real_one_is(tree):
    """git's template `.git/info/exclude` holds comments only: no spec for
    it (every file of the repository was checked against an empty one), and
    a pattern added to it still excludes."""
    make(tree, "app.py", "notes.log")
    (tree / ".git" / "info").mkdir(parents=True)
    exclude = tree / ".git" / "info" / "exclude"
    exclude.write_text("# git ls-files --others --exclude-from=.git/info/exclude\n# Lines that start with '#'\n\n")
    discovery = discover(tree)
    assert sorted(c.path for c in discovery.files(["."])) == ["app.py", "notes.log"]
    assert discovery._gitignore(str(tree)) is None
    exclude.write_text("# comments, then a pattern\n*.log\n")
    assert sorted(c.path for c in discover(tree).files(["."])) == ["app.py"]
