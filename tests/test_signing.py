"""Signed cache files (credlint/signing.py): a document loads only if it was
signed with this user's key, which lives in the user's cache directory (or
comes from CREDLINT_CACHE_KEY), never in a repository. Every test points the
user cache directory at tmp_path and forgets the key read so far."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys

import pytest

from credlint import signing
from credlint.api import Request, Workspace, run
from credlint.settings import Overrides

from conftest import KEY_ID


@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    directory = tmp_path / "user-cache"
    monkeypatch.setenv("CREDLINT_CACHE_DIR", str(directory))
    monkeypatch.delenv("CREDLINT_CACHE_KEY", raising=False)
    monkeypatch.setattr(signing, "_key", None)
    return directory


def forget_key(monkeypatch):
    """What a new process would do: read the key again."""
    monkeypatch.setattr(signing, "_key", None)


def test_a_document_round_trips(user_cache, tmp_path):
    path = str(tmp_path / "docs" / "doc.json")
    document = {"entries": {"app.py": [1, 2, "abc", {"p": "app.py"}]}, "written_ns": 5}
    assert signing.dump(path, document) is True
    assert signing.load(path) == document


@pytest.mark.parametrize("tamper", [
    lambda sig, payload: (sig, payload.replace(b'"abc"', b'"abd"')),  # the payload edited
    lambda sig, payload: (sig[:-1] + (b"0" if sig[-1:] != b"0" else b"1"), payload),  # the signature edited
    lambda sig, payload: (b"", payload),  # no signature
    lambda sig, payload: (sig, payload[:-5]),  # truncated
], ids=["payload", "signature", "unsigned", "truncated"])
def test_any_change_to_a_signed_document_makes_it_unreadable(user_cache, tmp_path, tamper):
    path = tmp_path / "doc.json"
    assert signing.dump(str(path), {"entries": {"app.py": "abc"}})
    signature, _, payload = path.read_bytes().partition(b"\n")
    signature, payload = tamper(signature, payload)
    path.write_bytes(signature + b"\n" + payload)
    assert signing.load(str(path)) is None


def test_a_missing_or_non_json_document_loads_as_nothing(user_cache, tmp_path):
    assert signing.load(str(tmp_path / "absent.json")) is None
    (tmp_path / "garbage.json").write_bytes(b"\x00\xff not a cache at all")
    assert signing.load(str(tmp_path / "garbage.json")) is None


def test_the_key_is_made_once_in_the_user_cache_dir_and_only_the_user_can_read_it(user_cache, tmp_path,
                                                                                   monkeypatch):
    path = str(tmp_path / "doc.json")
    assert signing.dump(path, {"n": 1})
    key_file = user_cache / "signing.key"
    assert key_file.is_file() and len(key_file.read_bytes()) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert (user_cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    key = key_file.read_bytes()
    forget_key(monkeypatch)
    assert signing.load(path) == {"n": 1}  # the next run reads the same key
    assert key_file.read_bytes() == key
    # ... and so does another process
    code = "import sys; from credlint import signing; print(signing.load(sys.argv[1]))"
    proc = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True,
                          env={**os.environ, "CREDLINT_CACHE_DIR": str(user_cache)})
    assert proc.stdout.strip() == "{'n': 1}"


def test_a_document_signed_under_another_user_s_key_is_ignored(user_cache, tmp_path, monkeypatch):
    path = str(tmp_path / "doc.json")
    assert signing.dump(path, {"n": 1})
    monkeypatch.setenv("CREDLINT_CACHE_DIR", str(tmp_path / "other-user"))
    forget_key(monkeypatch)
    assert signing.load(path) is None


def test_ci_can_supply_the_key_and_then_no_key_file_is_written(user_cache, tmp_path, monkeypatch):
    monkeypatch.setenv("CREDLINT_CACHE_KEY", "ci-secret-one")
    path = str(tmp_path / "doc.json")
    assert signing.dump(path, {"n": 1})
    assert not (user_cache / "signing.key").exists()
    forget_key(monkeypatch)
    assert signing.load(path) == {"n": 1}
    monkeypatch.setenv("CREDLINT_CACHE_KEY", "ci-secret-two")
    forget_key(monkeypatch)
    assert signing.load(path) is None


def test_the_user_cache_dir_is_credlint_cache_dir_else_xdg_cache_home_else_home(tmp_path, monkeypatch):
    if os.name == "nt":
        pytest.skip("Windows uses LOCALAPPDATA")
    monkeypatch.setenv("CREDLINT_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert signing.user_cache_dir() == str(tmp_path / "explicit")
    monkeypatch.delenv("CREDLINT_CACHE_DIR")
    assert signing.user_cache_dir() == str(tmp_path / "xdg" / "credlint")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert signing.user_cache_dir() == str(tmp_path / "home" / ".cache" / "credlint")


def test_the_key_follows_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.delenv("CREDLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("CREDLINT_CACHE_KEY", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    forget_key(monkeypatch)
    assert signing.dump(str(tmp_path / "doc.json"), {"n": 1})
    assert (tmp_path / "xdg" / "credlint" / "signing.key").is_file()


def test_without_a_writable_cache_dir_there_is_no_cache_and_the_run_still_works(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    monkeypatch.setenv("CREDLINT_CACHE_DIR", str(blocker / "credlint"))  # cannot be created
    monkeypatch.delenv("CREDLINT_CACHE_KEY", raising=False)
    forget_key(monkeypatch)
    assert signing.dump(str(tmp_path / "doc.json"), {"n": 1}) is False
    assert not (tmp_path / "doc.json").exists()
    (tmp_path / "app.py").write_text(f"KEY = '{KEY_ID}'\n")
    response = run(Request(paths=(str(tmp_path / "app.py"),)), Workspace(Overrides(), isolated=True,
                                                                       root=str(tmp_path)))
    assert [f.rule_id for f in response.findings] == ["CL201"]
    assert response.notices == []


def test_writes_are_atomic_and_leave_no_temporary_files(user_cache, tmp_path):
    directory = tmp_path / "results"
    for n in range(5):
        assert signing.dump(str(directory / "doc.json"), {"n": n})
    assert sorted(os.listdir(directory)) == ["doc.json"]
    assert signing.load(str(directory / "doc.json")) == {"n": 4}
    assert stat.S_IMODE((directory / "doc.json").stat().st_mode) == 0o600


def test_a_truncated_key_file_is_not_trusted(user_cache, tmp_path):
    user_cache.mkdir(parents=True)
    (user_cache / "signing.key").write_bytes(b"")
    payload = json.dumps({"entries": {}}).encode()
    forged = hmac.new(b"", payload, hashlib.sha256).hexdigest().encode()
    (tmp_path / "doc.json").write_bytes(forged + b"\n" + payload)
    assert signing.load(str(tmp_path / "doc.json")) is None
