"""The results cache (credlint/cache.py), observed from outside: a file whose
size and mtime have not changed is answered without being read (as git's
index does), anything else is checked by content, racy entries are verified,
a tampered cache is not trusted, and no entry holds a secret. Every test gets
its own user cache directory and signing key under tmp_path."""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from credlint import signing
from credlint.api import Request, Workspace, run
from credlint.cache import RACY_WINDOW_NS, SMUDGED, Cache, content_hash
from credlint.model import FileResult, Notice
from credlint.settings import Overrides

from conftest import KEY_ID, KEY_ID_2, SECRET, run_cli

LEAK = f"KEY = '{KEY_ID}'\n"
CLEAN = "KEY = 'a-placeholder-value!'\n"  # the same size: only the content tells them apart
HOUR_NS = 3600 * 10**9
assert len(LEAK) == len(CLEAN)


@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    directory = tmp_path / "user-cache"
    monkeypatch.setenv("CREDLINT_CACHE_DIR", str(directory))
    monkeypatch.delenv("CREDLINT_CACHE_KEY", raising=False)
    monkeypatch.setattr(signing, "_key", None)
    return directory


@pytest.fixture
def project(tmp_path, user_cache, monkeypatch):
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


def workspace(**overrides) -> Workspace:
    return Workspace(Overrides(**overrides), isolated=True, root=".")


def lint(*paths: str, **overrides):
    response = run(Request(paths=paths or (".",)), workspace(**overrides))
    assert not [n for n in response.notices if n.level == "error"], response.notices
    return sorted((f.path, f.rule_id) for f in response.findings)


def write(path: Path, text: str, mtime_ns=None) -> None:
    path.write_text(text)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def swap_content_keeping_stat(path: Path, text: str) -> None:
    """Change what the file says, but not its size or mtime."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def cache_files(directory: Path):
    return sorted(p for p in directory.rglob("*.json") if "rules" not in p.relative_to(directory).parts)


def entry(name: str):
    """The cache's entry for a file of the project: [mtime_ns, size, digest, result, day last used]."""
    return workspace().project_for(name).open_cache().entries.get(name)


# -- hits and misses ---------------------------------------------------------------------


def test_an_unchanged_file_is_answered_from_the_cache_without_being_read(project):
    old = time.time_ns() - HOUR_NS
    write(project / "settings.py", LEAK, old)
    assert lint() == [("settings.py", "CL201")]
    swap_content_keeping_stat(project / "settings.py", CLEAN)
    assert lint() == [("settings.py", "CL201")]  # size and mtime say unchanged: not read
    assert lint(cache=False) == []  # what the file says now


def test_a_changed_file_is_linted_again(project):
    old = time.time_ns() - HOUR_NS
    write(project / "settings.py", CLEAN, old)
    assert lint() == []
    write(project / "settings.py", LEAK, old + 10**9)  # the same size, another mtime
    assert lint() == [("settings.py", "CL201")]
    longer = CLEAN + "# rotated\n"
    write(project / "settings.py", longer, old + 10**9)  # the same mtime, another size
    assert lint() == []
    assert entry("settings.py")[2] == content_hash(longer.encode())


def test_a_touched_but_identical_file_is_validated_by_its_hash(project):
    old = time.time_ns() - HOUR_NS
    write(project / "settings.py", LEAK, old)
    assert lint() == [("settings.py", "CL201")]
    digest = entry("settings.py")[2]
    os.utime(project / "settings.py", ns=(old + 60 * 10**9, old + 60 * 10**9))  # touched: content unchanged
    assert lint() == [("settings.py", "CL201")]
    assert entry("settings.py")[2] == digest == content_hash(LEAK.encode())


def test_a_touched_file_is_answered_by_stat_again_after_one_run(project):
    old = time.time_ns() - HOUR_NS
    write(project / "settings.py", LEAK, old)
    assert lint() == [("settings.py", "CL201")]
    os.utime(project / "settings.py", ns=(old + 60 * 10**9, old + 60 * 10**9))
    assert lint() == [("settings.py", "CL201")]
    assert entry("settings.py")[0] == old + 60 * 10**9
    swap_content_keeping_stat(project / "settings.py", CLEAN)
    assert lint() == [("settings.py", "CL201")]  # answered by stat, as before the touch


def test_a_racy_entry_is_verified_by_content(project):
    """A file modified in the same instant as the cache was written may change
    again without its mtime changing: its entry is not trusted by stat."""
    write(project / "settings.py", CLEAN)  # mtime: now
    assert lint() == []
    assert entry("settings.py")[0] == SMUDGED  # the entry is racy: never trusted by stat
    swap_content_keeping_stat(project / "settings.py", LEAK)
    assert lint() == [("settings.py", "CL201")]


def test_a_racy_entry_stays_unverified_after_a_run_on_other_files(project):
    stamp = time.time_ns() - 10**9  # one second ago: racy for the run that follows at once
    write(project / "settings.py", CLEAN, stamp)
    write(project / "other.py", "x = 1\n")
    assert lint("settings.py") == []
    assert entry("settings.py")[0] == SMUDGED
    swap_content_keeping_stat(project / "settings.py", LEAK)  # edited within the same mtime tick
    while time.time_ns() < stamp + RACY_WINDOW_NS + 10**8:
        time.sleep(0.05)
    assert lint("other.py") == []  # the cache is saved again, later
    assert lint("settings.py") == [("settings.py", "CL201")]


def test_results_made_under_other_settings_are_never_reused(project):
    old = time.time_ns() - HOUR_NS
    write(project / "settings.py", LEAK, old)
    assert lint(select=("CL201",)) == [("settings.py", "CL201")]
    assert lint(ignore=("CL201",)) == []
    assert lint(select=("CL201",)) == [("settings.py", "CL201")]
    assert len(cache_files(project.parent / "user-cache")) == 2


# -- trust --------------------------------------------------------------------------------


def test_a_tampered_cache_file_is_ignored_and_rebuilt(project, user_cache):
    write(project / "settings.py", LEAK, time.time_ns() - HOUR_NS)
    assert lint() == [("settings.py", "CL201")]
    (path,) = cache_files(user_cache)
    signature, _, payload = path.read_bytes().partition(b"\n")
    document = json.loads(payload)
    document["entries"]["settings.py"][3].pop("f")  # forged: "no findings"
    path.write_bytes(signature + b"\n" + json.dumps(document, separators=(",", ":")).encode())
    assert lint() == [("settings.py", "CL201")]
    rebuilt = signing.load(str(path))
    assert rebuilt is not None and rebuilt["entries"]["settings.py"][3]["f"][0][0] == "CL201"


def test_a_cache_signed_with_another_key_is_ignored(project, user_cache, monkeypatch):
    write(project / "settings.py", LEAK, time.time_ns() - HOUR_NS)
    assert lint() == [("settings.py", "CL201")]
    (path,) = cache_files(user_cache)
    document = signing.load(str(path))
    document["entries"]["settings.py"][3].pop("f")  # forged: "no findings", ...
    monkeypatch.setenv("CREDLINT_CACHE_KEY", "someone-else")
    monkeypatch.setattr(signing, "_key", None)
    assert signing.dump(str(path), document)  # ... properly signed with another key
    assert lint() == []  # valid for that key ...
    monkeypatch.delenv("CREDLINT_CACHE_KEY")
    monkeypatch.setattr(signing, "_key", None)
    assert lint() == [("settings.py", "CL201")]  # ... and for no one else


def test_an_error_result_is_not_remembered(tmp_path, user_cache):
    cache = Cache(str(tmp_path / "c"), "material")
    (tmp_path / "app.py").write_text("x = 1\n")
    st = os.stat(tmp_path / "app.py")
    failed = FileResult("app.py", notices=(Notice("app.py", "internal error", level="error", kind="internal"),),
                        skipped=True)
    cache.store("app.py", st, "digest", failed)
    cache.save()
    assert Cache(str(tmp_path / "c"), "material").entries == {}
    cache.store("app.py", st, "digest", FileResult("app.py", file_type="python"))
    cache.save()
    assert list(Cache(str(tmp_path / "c"), "material").entries) == ["app.py"]
    assert Cache(str(tmp_path / "c"), "other material").entries == {}


# -- where it lives ----------------------------------------------------------------------------


def test_by_default_the_cache_is_in_the_user_cache_dir_and_the_project_is_untouched(project, user_cache):
    write(project / "settings.py", LEAK)
    write(project / "app.py", "x = 1\n")
    before = sorted(str(p.relative_to(project)) for p in project.rglob("*"))
    lint()
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*")) == before
    (path,) = cache_files(user_cache)
    assert path.relative_to(user_cache).parts[0] == "results"
    assert (user_cache / "signing.key").is_file()


def test_a_cache_dir_inside_the_project_ignores_itself(project, user_cache):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    write(project / "settings.py", LEAK)
    env = {"CREDLINT_CACHE_DIR": str(user_cache)}
    first = run_cli("--format", "json", "--cache-dir", "var/lint-cache", ".", cwd=str(project), env=env)
    assert first.returncode == 1
    cache = project / "var" / "lint-cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert cache_files(cache)  # the results are there
    untracked = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project,
                               capture_output=True, text=True, check=True).stdout.split()
    assert "var/" not in "".join(untracked)
    second = run_cli("--format", "json", "--cache-dir", "var/lint-cache", ".", cwd=str(project), env=env)
    assert [f["path"] for f in json.loads(second.stdout)] == ["settings.py"]  # the cache is not linted


def test_a_cache_entry_never_holds_a_secret(project, user_cache):
    files = {  # findings (with code frames and messages) and parse notices, which quote source
        "app.py": f'import boto3\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID}",\n'
                  f'    aws_secret_access_key="{SECRET}")\n',
        "split.py": f'SECRET = "{SECRET[:20]}" + "{SECRET[20:]}"\n',
        "py2.py": f'print "{KEY_ID}", "{SECRET}"\n',
        ".env": f"AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\n",
        "broken.json": f'{{"aws_secret_access_key": "{SECRET}",, }}\n',
        "notes.txt": f"rotate {KEY_ID} / {SECRET} tomorrow\n",
    }
    for name, text in files.items():
        write(project / name, text)
    assert {path for path, _ in lint()} == set(files)
    (path,) = cache_files(user_cache)
    text = path.read_text(errors="replace")
    entries = signing.load(str(path))["entries"]
    assert set(entries) == set(files) and all(e[3].get("f") for e in entries.values())  # all cached ...
    assert any(e[3].get("n") for e in entries.values())  # ... notices too
    for secret in (KEY_ID, SECRET):
        pieces = {secret[i:i + 8] for i in range(len(secret) - 7)}
        leaked = sorted(p for p in pieces if p in text)
        assert not leaked, f"the cache holds pieces of a secret: {leaked[:3]}"  # ... but no secret


# -- bounds --------------------------------------------------------------------------------


def _document(user_cache: Path) -> Path:
    (path,) = cache_files(user_cache)
    return path


def test_an_entry_unused_for_a_month_goes_and_one_used_stays(project, user_cache, monkeypatch):
    from credlint import cache as cache_module

    write(project / "kept.py", LEAK)
    write(project / "gone.py", CLEAN)
    lint()
    (project / "gone.py").unlink()  # deleted: its entry is never used again
    today = cache_module._today()
    monkeypatch.setattr(cache_module, "_today", lambda: today + cache_module.MAX_AGE_DAYS + 1)
    write(project / "new.py", "x = 1\n")  # something to store, so the cache is saved
    lint()
    assert sorted(signing.load(str(_document(user_cache)))["entries"]) == ["kept.py", "new.py"]


def test_documents_of_old_versions_and_unused_projects_are_pruned_once_a_day(project, user_cache):
    from credlint.cache import DAY, FORMAT, MAX_AGE_DAYS, PRUNE_STAMP

    results = user_cache / "results"
    old_format = results / "0123456789abcdef" / f"v{FORMAT - 1}" / "a.json"
    forgotten = results / "fedcba9876543210" / f"v{FORMAT}" / "b.json"
    recent = results / "00aa00aa00aa00aa" / f"v{FORMAT}" / "c.json"
    for path in (old_format, forgotten, recent):
        path.parent.mkdir(parents=True)
        path.write_text("{}")
    month = time.time() - (MAX_AGE_DAYS + 1) * DAY
    os.utime(forgotten, (month, month))
    write(project / "app.py", LEAK)
    lint()
    assert not old_format.exists() and not forgotten.exists()
    assert recent.exists() and len(cache_files(user_cache)) == 2  # it, and this project's
    # the next prune waits a day: a stale document written now survives this run
    os.utime(recent, (month, month))
    write(project / "other.py", "x = 1\n")
    lint()
    assert recent.exists()
    stamp = results / PRUNE_STAMP
    os.utime(stamp, (time.time() - DAY - 60,) * 2)
    write(project / "third.py", "x = 2\n")
    lint()
    assert not recent.exists()


def test_the_cache_never_grows_past_its_size_bound(tmp_path, monkeypatch):
    from credlint import cache as cache_module

    monkeypatch.setattr(cache_module, "MAX_BYTES", 10_000)
    tree = tmp_path / "results"
    paths = []
    for index in range(10):
        path = tree / f"project{index}" / f"v{cache_module.FORMAT}" / "doc.json"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"x" * 3000)
        os.utime(path, (time.time() - 100 + index,) * 2)  # project0 least recently used
        paths.append(path)
    assert cache_module.prune(str(tree), keep=str(paths[0]), force=True) == 7
    assert [p.exists() for p in paths] == [True] + [False] * 7 + [True, True]  # the one in use is kept


def test_clean_removes_the_project_cache_and_nothing_else(project, user_cache):
    write(project / "app.py", LEAK)
    lint()
    assert cache_files(user_cache)
    proc = run_cli("clean", cwd=str(project), env={"CREDLINT_CACHE_DIR": str(user_cache)})
    assert proc.returncode == 0 and "removed 1 cache file" in proc.stdout.decode()
    assert not cache_files(user_cache) and (user_cache / "signing.key").is_file()
    # a cache-dir pointed at the project itself: only cache documents go
    (project / "data.json").write_text("{}")
    run_cli("--cache-dir", ".", ".", cwd=str(project), env={"CREDLINT_CACHE_DIR": str(user_cache)})
    run_cli("clean", "--cache-dir", ".", cwd=str(project), env={"CREDLINT_CACHE_DIR": str(user_cache)})
    assert (project / "data.json").read_text() == "{}" and (project / "app.py").exists()
