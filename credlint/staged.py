"""What is staged in git: the index content, not the working tree.

A plain git pre-commit hook (`credlint --staged`) must check what will be
committed; a file can be staged with a key and then edited to remove it
without restaging. Contents come from one `git cat-file --batch` process.
"""
from __future__ import annotations

import os
import subprocess
from typing import Iterator, List, Tuple


class GitError(Exception):
    pass


def _git(args: List[str], cwd: str, data: bytes = b"") -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return proc.stdout


def repository_root(cwd: str) -> str:
    try:
        return _git(["rev-parse", "--show-toplevel"], cwd).decode().strip()
    except GitError:
        raise GitError(f"{os.path.abspath(cwd)} is not in a git repository (--staged lints what git has staged)") from None


def staged_files(cwd: str) -> Iterator[Tuple[str, bytes]]:
    """(path relative to the repository root, staged content) for each file
    added, copied, modified or renamed in the index; deletions and submodules
    are skipped."""
    root = repository_root(cwd)
    # One command, no paths on its command line (a big initial commit would
    # exceed ARG_MAX, and a name like pages/[id].py is no pathspec): the raw
    # diff of the index gives each staged file's mode and blob.
    raw = _git(["diff", "--cached", "--raw", "-z", "--diff-filter=ACMR", "--no-renames", "--no-abbrev"], root)
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    blobs = []
    for meta, path in zip(fields[0::2], fields[1::2]):
        if not meta.startswith(":"):
            continue
        _old_mode, mode, _old_blob, blob, _status = meta[1:].split()
        if mode.startswith(("100", "120")):  # files and symlinks, not submodules (160000)
            blobs.append((path, blob))
    if not blobs:
        return
    out = _git(["cat-file", "--batch"], root, "".join(f"{blob}\n" for _, blob in blobs).encode())
    position = 0
    for path, blob in blobs:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        size = int(header[2])
        start = header_end + 1
        yield os.path.join(root, path), out[start:start + size]
        position = start + size + 1
