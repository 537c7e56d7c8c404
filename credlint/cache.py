"""Results cache: a file whose content, credlint version, rules and settings
have not changed is not linted again.

One signed JSON document per (credlint code, rule set, settings), by default
in the user's cache directory (a repository cannot plant one; see
signing.py), or in `--cache-dir` / `cache-dir`, which then ignores itself in
git. Entries are keyed by path and validated by content hash; size and mtime
only let an unchanged file skip being read. Like git's index, an entry written
in the same second as the file's mtime is "racy" and is verified by hash.

The cache is bounded: an entry unused for MAX_AGE_DAYS goes (a deleted or
renamed file's), and at most once a day a save prunes the cache's directory
tree: documents of other formats, documents unused for MAX_AGE_DAYS (an old
credlint version, changed rules, a project gone), and the least recently used
documents beyond MAX_BYTES in all. `credlint clean` removes it outright.
"""
from __future__ import annotations

import hashlib
import os
import time
from typing import Any, Dict, Optional, Tuple

from . import __version__, signing
from .model import FileResult, Finding, FixPlan, Notice, Span, Suppressed

FORMAT = 9
RACY_WINDOW_NS = 2_000_000_000
SMUDGED = -2  # an mtime no file has: the entry never matches by stat
MAX_AGE_DAYS = 30
MAX_BYTES = 256 * 2**20
PRUNE_STAMP = ".pruned"
DAY = 86400


def _today() -> int:
    return int(time.time() // DAY)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_code: Optional[str] = None


def code_fingerprint() -> str:
    """credlint's own code: a development checkout that changes invalidates
    caches even when the version number does not."""
    global _code
    if _code is None:
        package = os.path.dirname(os.path.abspath(__file__))
        h = hashlib.sha256(__version__.encode())
        for directory, _, files in sorted(os.walk(package)):
            for name in sorted(files):
                if name.endswith((".py", ".json")):
                    st = os.stat(os.path.join(directory, name))
                    h.update(f"{directory}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
        _code = h.hexdigest()
    return _code


def default_directory(root: str) -> str:
    project = hashlib.sha256(os.path.abspath(root).encode()).hexdigest()[:16]
    return os.path.join(signing.user_cache_dir(), "results", project)


class Cache:
    def __init__(self, directory: str, key_material: str, in_project: bool = False) -> None:
        self.directory = directory
        self.in_project = in_project
        key = hashlib.sha256(f"{FORMAT}\0{code_fingerprint()}\0{key_material}".encode()).hexdigest()[:20]
        self.path = os.path.join(directory, f"v{FORMAT}", f"{key}.json")
        self.entries: Dict[str, list] = {}
        self.written_ns = 0
        self.dirty = False
        self.today = _today()
        document = signing.load(self.path)
        if isinstance(document, dict) and isinstance(document.get("entries"), dict):
            self.entries = document["entries"]
            self.written_ns = int(document.get("written_ns", 0))

    def lookup(self, key: str, stat: os.stat_result) -> Optional[Tuple[str, FileResult]]:
        """Without reading the file: the result when size and mtime match and
        the entry is not racy."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        mtime, size, digest, result, _ = entry
        if size == stat.st_size and mtime == stat.st_mtime_ns and mtime < self.written_ns - RACY_WINDOW_NS:
            found = _valid(digest, result_from_json(result))
            if found is not None:
                self._used(entry)
            return found
        return None

    def lookup_content(self, key: str, digest: str) -> Optional[FileResult]:
        entry = self.entries.get(key)
        if entry is not None and entry[2] == digest:
            found = _valid(digest, result_from_json(entry[3]))
            if found is not None:
                self._used(entry)
            return found[1] if found is not None else None
        return None

    def _used(self, entry: list) -> None:
        """Remember the day an entry was last used (rewriting the cache at
        most once a day for it): entries nobody uses expire."""
        if entry[4] != self.today:
            entry[4] = self.today
            self.dirty = True

    def store(self, key: str, stat: os.stat_result, digest: str, result: FileResult) -> None:
        if any(n.level == "error" for n in result.notices):
            return  # an internal error must be retried, not remembered
        old = self.entries.get(key)
        if old is None or old[0] != stat.st_mtime_ns or old[2] != digest:
            self.entries[key] = [stat.st_mtime_ns, stat.st_size, digest, result_to_json(result), self.today]
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        if self.in_project:
            _mark_cache_dir(self.directory)
        now = time.time_ns()
        oldest = self.today - MAX_AGE_DAYS
        self.entries = {key: entry for key, entry in self.entries.items() if entry[4] >= oldest}
        for entry in self.entries.values():
            if entry[0] >= now - RACY_WINDOW_NS:
                # Racy: the file may change again within its mtime's resolution
                # without its stat changing. Like git, smudge the entry: it is
                # trusted by content hash only until a later run stores it again.
                entry[0] = SMUDGED
        signing.dump(self.path, {"written_ns": now, "entries": self.entries})
        prune(self.tree(), keep=self.path)

    def tree(self) -> str:
        """The directory this cache prunes: all projects' results in the user
        cache, or the project's own cache directory."""
        results = os.path.join(signing.user_cache_dir(), "results")
        if os.path.dirname(os.path.abspath(self.directory)) == os.path.abspath(results):
            return results
        return self.directory


def prune(tree: str, keep: str = "", now: Optional[float] = None, force: bool = False) -> int:
    """Remove, under `tree`, cache documents of other formats, documents
    unused for MAX_AGE_DAYS, then the least recently used ones beyond
    MAX_BYTES. At most once a day unless `force`. Returns how many went."""
    now = time.time() if now is None else now
    stamp = os.path.join(tree, PRUNE_STAMP)
    try:
        if not force and now - os.stat(stamp).st_mtime < DAY:
            return 0
    except OSError:
        pass
    documents = []
    for directory, _, files in os.walk(tree):
        for name in files:
            path = os.path.join(directory, name)
            if not name.endswith(".json") or not os.path.basename(directory).startswith("v"):
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            documents.append((st.st_mtime, st.st_size, path))
    removed = 0
    total = sum(size for _, size, _ in documents)
    current = f"v{FORMAT}"
    for mtime, size, path in sorted(documents):  # least recently written first
        stale = os.path.basename(os.path.dirname(path)) != current or now - mtime > MAX_AGE_DAYS * DAY
        if path != keep and (stale or total > MAX_BYTES):
            try:
                os.remove(path)
            except OSError:
                continue
            removed += 1
            total -= size
    try:
        os.makedirs(tree, exist_ok=True)
        with open(stamp, "w", encoding="utf-8"):
            pass
    except OSError:
        pass
    return removed


def _valid(digest: str, result: FileResult) -> Optional[Tuple[str, FileResult]]:
    """A result that read other files (a relative import) holds only while
    they are unchanged."""
    for path, expected in result.inputs:
        try:
            with open(path, "rb") as handle:
                if content_hash(handle.read()) != expected:
                    return None
        except OSError:
            return None
    return digest, result


def _mark_cache_dir(directory: str) -> None:
    try:
        os.makedirs(directory, exist_ok=True)
        gitignore = os.path.join(directory, ".gitignore")
        if not os.path.exists(gitignore):
            with open(gitignore, "w", encoding="utf-8") as handle:
                handle.write("# Created by credlint: this directory is a cache.\n*\n")
        tag = os.path.join(directory, "CACHEDIR.TAG")
        if not os.path.exists(tag):
            with open(tag, "w", encoding="utf-8") as handle:
                handle.write("Signature: 8a477f597d28d172789f06886806bc55\n# credlint cache: https://bford.info/cachedir/\n")
    except OSError:
        pass


# -- FileResult <-> JSON ---------------------------------------------------------


def _span(s: Span) -> list:
    return [s.line, s.column, s.end_line, s.end_column]


def result_to_json(r: FileResult) -> Dict[str, Any]:
    out: Dict[str, Any] = {"p": r.path, "t": r.file_type}
    if r.skipped:
        out["s"] = 1
    if r.notices:
        out["n"] = [[n.message, n.line, n.level, n.kind] for n in r.notices]
    if r.findings:
        out["f"] = [_finding_to_json(f) for f in r.findings]
    if r.inputs:
        out["i"] = [list(i) for i in r.inputs]
    if r.suppressed:
        out["x"] = [[_finding_to_json(s.finding), s.kind, s.justification] for s in r.suppressed]
    return out


def _finding_to_json(f: Finding) -> list:
    plan = f.fix_plan
    return [f.rule_id, f.rule_name, f.severity, _span(f.span), f.message, f.fingerprint, list(f.snippet),
            None if plan is None else [plan.op, plan.applicability, plan.title, _span(plan.target),
                                       list(plan.arguments), list(plan.splats), plan.replacement,
                                       list(plan.imports)],
            None if f.region is None else _span(f.region), f.key, f.account]


def result_from_json(d: Dict[str, Any]) -> FileResult:
    path = d["p"]
    findings = [_finding_from_json(path, f) for f in d.get("f", ())]
    notices = tuple(Notice(path, *notice) for notice in d.get("n", ()))
    inputs = tuple((p, h) for p, h in d.get("i", ()))
    suppressed = tuple(Suppressed(_finding_from_json(path, f), kind, why) for f, kind, why in d.get("x", ()))
    return FileResult(path, tuple(findings), notices, d.get("t", ""), bool(d.get("s")), inputs, suppressed)


def _finding_from_json(path: str, item: list) -> Finding:
    rule_id, name, severity, span, message, fingerprint, snippet, plan, region, key, account = item
    return Finding(
        rule_id=rule_id, rule_name=name, severity=severity, path=path, span=Span(*span), message=message,
        fingerprint=fingerprint, snippet=tuple(snippet),
        fix_plan=None if plan is None else FixPlan(plan[0], plan[1], plan[2], Span(*plan[3]),
                                                   tuple(plan[4]), tuple(plan[5]), plan[6], tuple(plan[7])),
        region=None if region is None else Span(*region), key=key, account=account,
    )

