"""`credlint history`: keys anywhere in git history, not only at HEAD.

A key deleted in a later commit is still in every clone. This reads the
blobs the given commits introduced (`git log --raw`, one long-lived
`git cat-file --batch` for contents), lints each distinct blob once through
the core call (worker pool, results cache keyed by blob), and reports each
key once: the commit that introduced it first, how many commits added it,
and whether HEAD still holds it.

Commits are read with git itself: measured, a binding (pygit2, dulwich)
brings nothing here, since the cost is in reading blobs, which
`cat-file --batch` streams at disk speed.
"""
from __future__ import annotations

import os
import subprocess
import time
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple

from .model import FileResult, Finding, Notice
from .staged import GitError, _git, repository_root

ZERO = "0" * 40


class Introduction(NamedTuple):
    """A commit's diff adding a file version (a blob) at a path."""

    commit: str
    time: int  # author date, seconds since the epoch
    path: str  # relative to the repository root
    blob: str


class KeyHistory(NamedTuple):
    """One key (or one credential expression) across the history."""

    finding: Finding  # as found in the first blob that holds it, at that blob's path
    commit: str  # the first commit that added it
    time: int
    commits: int  # how many commits added a file version holding it
    at_head: bool  # HEAD still holds it


class HistoryReport(NamedTuple):
    keys: Tuple[KeyHistory, ...]
    notices: Tuple[Notice, ...]
    commits: int  # commits read
    blobs: int  # distinct file versions linted


def introductions(root: str, revisions: Sequence[str], paths: Sequence[str]) -> List[Introduction]:
    """Every (commit, path, blob) that the revisions' commits added or
    changed, oldest first. Merges count against each parent (`-m`): a key
    that arrives through a merge is attributed to the branch commit that made
    it, which comes first; an evil merge's own change is attributed to it."""
    args = ["log", "--reverse", "-m", "--raw", "-z", "--no-renames", "--no-abbrev", "--format=%x01%H %at",
            *(revisions or ["--all"]), "--", *paths]
    out = _git(args, root).decode("utf-8", "surrogateescape")
    found: List[Introduction] = []
    for record in out.split("\x01")[1:]:
        header, _, rest = record.partition("\0")
        commit, _, stamp = header.partition(" ")
        fields = rest.lstrip("\n").split("\0")
        for meta, path in zip(fields[0::2], fields[1::2]):
            if not meta.startswith(":"):
                continue
            _old_mode, mode, _old_blob, blob, status = meta[1:].split()[:5]
            if status[:1] in ("D",) or blob == ZERO or not mode.startswith("100"):
                continue  # deletions, submodules (160000), symlinks (120000: a link's target, not a file)
            found.append(Introduction(commit, int(stamp or 0), path, blob))
    return found


def head_blobs(root: str) -> Set[str]:
    try:
        out = _git(["ls-tree", "-r", "-z", "HEAD"], root)
    except GitError:  # no commit yet, or a detached empty repository
        return set()
    blobs = set()
    for entry in out.decode("utf-8", "surrogateescape").split("\0"):
        parts = entry.split("\t", 1)[0].split()
        if len(parts) == 3 and parts[1] == "blob":
            blobs.add(parts[2])
    return blobs


class BlobReader:
    """One `git cat-file --batch` for the whole run."""

    def __init__(self, root: str) -> None:
        self.process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE)

    def read(self, blob: str, limit: int) -> Optional[bytes]:
        """The blob's bytes, or None when it is over `limit` bytes (it is
        read and dropped, never held)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(blob.encode() + b"\n")
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            return None
        size = int(header[2])
        if size > limit:
            remaining = size + 1
            while remaining:
                remaining -= len(self.process.stdout.read(min(remaining, 1 << 20)))
            return None
        data = self.process.stdout.read(size)
        self.process.stdout.read(1)  # the newline after the content
        return data

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()


def scan(workspace, revisions: Sequence[str] = (), paths: Sequence[str] = (), cwd: str = ".",
         jobs: int = 0, baseline: Optional[str] = None) -> HistoryReport:
    """Lint every file version the revisions introduced, once per distinct
    blob, and aggregate the findings by key."""
    from .api import Buffer, Request, run

    try:
        root = repository_root(cwd)
        found = introductions(root, revisions, paths)
    except GitError as exc:
        from .api import UsageError

        raise UsageError(f"history: {exc}") from None
    commits = len({i.commit for i in found})
    first: Dict[str, Introduction] = {}
    for intro in found:
        first.setdefault(intro.blob, intro)
    limit = workspace.project_for(root).settings.max_file_size
    notices: List[Notice] = []
    buffers = []
    reader = BlobReader(root)
    try:
        for blob, intro in first.items():
            data = reader.read(blob, limit)
            absolute = os.path.join(root, intro.path)
            if data is None:
                notices.append(Notice(os.path.relpath(absolute), f"skipped in commit {intro.commit[:7]}: over the "
                                      f"{limit / 2**20:g} MB limit (raise it with --max-file-size)", kind="skipped",
                                      level="info"))
                continue
            if workspace.project_for(absolute).excluded(absolute):
                continue
            extension = os.path.splitext(intro.path)[1].lower() or os.path.basename(intro.path)
            buffers.append(Buffer(os.path.relpath(absolute), data, f"history {blob} {extension}"))
    finally:
        reader.close()
    response = run(Request(buffers=tuple(buffers), jobs=jobs, baseline=baseline), workspace)
    by_blob = {b.key.split()[1]: report.result for b, report in zip(buffers, response.files)}
    notices += [n for r in response.results for n in r.notices if n.level == "error"]
    return HistoryReport(_aggregate(found, by_blob, head_blobs(root)), tuple(notices), commits, len(buffers))


def _aggregate(found: List[Introduction], by_blob: Dict[str, FileResult], at_head: Set[str]) -> Tuple[KeyHistory, ...]:
    groups: Dict[Tuple[str, str], dict] = {}
    for intro in found:
        result = by_blob.get(intro.blob)
        if result is None:
            continue
        for finding in result.findings:
            group = groups.get((finding.rule_id, finding.key))
            if group is None:
                groups[(finding.rule_id, finding.key)] = group = {
                    "finding": finding, "commit": intro.commit, "time": intro.time, "commits": set(),
                    "blobs": set()}
            group["commits"].add(intro.commit)
            group["blobs"].add(intro.blob)
    keys = [KeyHistory(g["finding"], g["commit"], g["time"], len(g["commits"]), bool(g["blobs"] & at_head))
            for g in groups.values()]
    keys.sort(key=lambda k: (k.time, k.finding.sort_key))
    return tuple(keys)


def pre_push_revisions(environ=os.environ) -> List[str]:
    """The commits a push sends, from pre-commit's pre-push variables:
    FROM..TO, or for a new branch everything TO has that no remote has."""
    source, target = environ.get("PRE_COMMIT_FROM_REF", ""), environ.get("PRE_COMMIT_TO_REF", "")
    if not target:
        return ["HEAD", "--not", "--remotes"]
    if not source or set(source) == {"0"}:
        return [target, "--not", "--remotes"]
    return [f"{source}..{target}"]


def date(stamp: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(stamp))


def introduced(key: KeyHistory) -> str:
    """What the report says about where a key came from and what to do."""
    where = f"introduced in {key.commit[:7]} ({date(key.time)})"
    count = f"added by {key.commits} commit{'s' if key.commits != 1 else ''}"
    if key.at_head:
        return f"{where}, {count}, still at HEAD"
    return (f"{where}, {count}, gone from HEAD but still in every clone: rotate it, then decide whether to "
            "rewrite history (git filter-repo), since deleting the file did not remove it")


def iter_groups(keys: Sequence[KeyHistory]) -> Iterator[Tuple[str, List[KeyHistory]]]:
    """Text output groups by key: the masked key (from the message) and its findings."""
    groups: Dict[str, List[KeyHistory]] = {}
    for key in keys:
        groups.setdefault(key.finding.key, []).append(key)
    for items in groups.values():
        yield items[0].finding.key, items
