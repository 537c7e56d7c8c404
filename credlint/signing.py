"""Signed JSON files for credlint's caches.

A cache decides what credlint does not look at again, so it must not be
something a repository can plant: a crafted cache entry could declare a file
with a leaked key clean, and a pickle could run code in CI. Caches are plain
JSON, and each file carries an HMAC made with a key only this user has
(`~/.cache/credlint/signing.key`, or CREDLINT_CACHE_KEY in CI). A file whose
signature does not verify is ignored and rebuilt.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any, Optional

_key: Optional[bytes] = None


def user_cache_dir() -> str:
    explicit = os.environ.get("CREDLINT_CACHE_DIR")
    if explicit:
        return explicit
    if os.name == "nt":  # pragma: no cover
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~")
        return os.path.join(base, "credlint", "Cache")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "credlint")


def _mark(directory: str) -> None:
    """Tag the cache root (https://bford.info/cachedir/) so that backup tools,
    and credlint's own walk, leave it alone wherever it lives."""
    tag = os.path.join(directory, "CACHEDIR.TAG")
    if not os.path.exists(tag):
        try:
            os.makedirs(directory, exist_ok=True)
            with open(tag, "w", encoding="utf-8") as handle:
                handle.write("Signature: 8a477f597d28d172789f06886806bc55\n# credlint cache: https://bford.info/cachedir/\n")
        except OSError:
            pass


def _signing_key() -> Optional[bytes]:
    global _key
    if _key is not None:
        return _key
    configured = os.environ.get("CREDLINT_CACHE_KEY")
    if configured:
        _key = hashlib.sha256(configured.encode()).digest()
        return _key
    _mark(user_cache_dir())
    path = os.path.join(user_cache_dir(), "signing.key")
    _key = _read_key(path) or _new_key(path)
    return _key


KEY_BYTES = 32


def _read_key(path: str) -> Optional[bytes]:
    """The key, if the file holds a whole one (a short file is no key: an
    empty key would let anyone sign a cache)."""
    try:
        with open(path, "rb") as handle:
            key = handle.read()
    except OSError:
        return None
    return key if len(key) >= KEY_BYTES else None


def _new_key(path: str) -> Optional[bytes]:
    """Create the key file whole or not at all: the key is written to a
    temporary file, then linked into place (which fails if another run got
    there first: its key wins). A short key file left by a crash is replaced."""
    import tempfile  # once per machine: not on every run's start-up path

    key = os.urandom(KEY_BYTES)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".signing-")
    except OSError:
        return None  # no writable home: run without caches
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            existing = _read_key(path)
            if existing is not None:
                return existing
            os.replace(tmp, path)
        except OSError:  # no hard links here: replace, keeping another run's whole key if there is one
            existing = _read_key(path)
            if existing is not None:
                return existing
            os.replace(tmp, path)
        return key
    except OSError:
        return None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def load(path: str) -> Optional[Any]:
    """The JSON document at `path` if its signature verifies, else None."""
    key = _signing_key()
    if key is None:
        return None
    try:
        with open(path, "rb") as handle:
            signature, _, payload = handle.read().partition(b"\n")
    except OSError:
        return None
    expected = hmac.new(key, payload, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        return json.loads(payload)
    except ValueError:
        return None


def dump(path: str, document: Any) -> bool:
    """Write atomically (temporary file + replace): concurrent runs never see
    half a file; the last writer wins."""
    key = _signing_key()
    if key is None:
        return False
    payload = json.dumps(document, separators=(",", ":")).encode()
    signature = hmac.new(key, payload, hashlib.sha256).hexdigest().encode()
    try:
        directory = os.path.dirname(path)
        os.makedirs(directory, exist_ok=True)
        # a unique name without tempfile (whose import, with shutil's, costs a
        # clean pre-commit run a few ms)
        tmp = os.path.join(directory, f".tmp-{os.getpid()}-{os.urandom(6).hex()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(signature + b"\n" + payload)
        os.replace(tmp, path)
        return True
    except OSError:
        return False
