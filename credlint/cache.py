"""Results cache: a file whose content, credlint version, rules and settings
have not changed is not linted again.

One pickle per (credlint code, rule set, settings) under `.credlint_cache/`
(which ignores itself in git). Entries are keyed by path and validated by the
content hash; size and mtime only let an unchanged file skip being read.
Like git's index, an entry written in the same second as the file's mtime is
"racy" and is always verified by hash. Writes go to a temporary file that
replaces the cache atomically, so two concurrent runs never corrupt it: the
last one to finish wins.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from typing import Dict, Optional, Tuple

from . import __version__
from .model import FileResult

FORMAT = 1
RACY_WINDOW_NS = 2_000_000_000

Entry = Tuple[int, int, str, FileResult]  # mtime_ns, size, content hash, result


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _code_fingerprint() -> str:
    """credlint's own code: a development checkout that changes invalidates the
    cache even when the version number does not."""
    package = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.sha256(__version__.encode())
    for directory, _, files in sorted(os.walk(package)):
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                st = os.stat(os.path.join(directory, name))
                h.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


class Cache:
    def __init__(self, directory: str, key_material: str) -> None:
        self.directory = directory
        key = hashlib.sha256(f"{FORMAT}\0{_code_fingerprint()}\0{key_material}".encode()).hexdigest()[:20]
        self.path = os.path.join(directory, f"v{FORMAT}", f"{key}.pickle")
        self.entries: Dict[str, Entry] = {}
        self.written_ns = 0
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                written_ns, entries = pickle.load(handle)
            if isinstance(entries, dict):
                self.entries, self.written_ns = entries, written_ns
        except FileNotFoundError:
            pass
        except Exception:  # a corrupt or foreign cache is rebuilt, never trusted
            self.entries = {}

    def lookup(self, key: str, stat: os.stat_result) -> Optional[Tuple[str, FileResult]]:
        """Without reading the file: a result when size and mtime match and the
        entry is not racy. Returns (hash, result) or None."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        mtime, size, digest, result = entry
        if size == stat.st_size and mtime == stat.st_mtime_ns and mtime < self.written_ns - RACY_WINDOW_NS:
            return digest, result
        return None

    def lookup_content(self, key: str, digest: str) -> Optional[FileResult]:
        entry = self.entries.get(key)
        if entry is not None and entry[2] == digest:
            return entry[3]
        return None

    def store(self, key: str, stat: os.stat_result, digest: str, result: FileResult) -> None:
        if any(n.level == "error" for n in result.notices):
            return  # an internal error must be retried, not remembered
        old = self.entries.get(key)
        if old is None or old[0] != stat.st_mtime_ns or old[2] != digest:
            self.entries[key] = (stat.st_mtime_ns, stat.st_size, digest, result)
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            _mark_cache_dir(self.directory)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(self.path), prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((time.time_ns(), self.entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only checkout simply runs without a cache


def _mark_cache_dir(directory: str) -> None:
    gitignore = os.path.join(directory, ".gitignore")
    if not os.path.exists(gitignore):
        with open(gitignore, "w", encoding="utf-8") as handle:
            handle.write("# Created by credlint: this directory is a cache.\n*\n")
    tag = os.path.join(directory, "CACHEDIR.TAG")
    if not os.path.exists(tag):
        with open(tag, "w", encoding="utf-8") as handle:
            handle.write("Signature: 8a477f597d28d172789f06886806bc55\n# credlint cache: https://bford.info/cachedir/\n")
