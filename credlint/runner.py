"""Lint (and fix) many files: the cache first, then the rest across processes.

Each file goes through one pipeline, in a worker: read it once, lint it once
(or take the cached result), fix it from that result, write it, compute the
edits and the diff a report asks for. Only small results travel back.

Cache lookups by size and mtime happen in the parent (a stat, no read). The
rest are processed in a pool when there are enough of them to pay for it.
On Linux the pool forks, so workers start with the rules already compiled;
elsewhere they rebuild the workspace once each.
"""
from __future__ import annotations

import itertools
import os
import stat as stat_module
import sys
from typing import Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple

from .cache import Cache, content_hash
from .model import FileReport, FileResult, Notice
from .workspace import Unit

PARALLEL_MIN_FILES = 100
MAX_WORKERS = 8
CHUNK = 128  # files per job sent to a worker (measured: 32 costs 5% more on 5,000 files, 256 no less)


class Task(NamedTuple):
    """What to do with each file besides linting it."""

    fix: Tuple[str, ...] = ()  # fix applicabilities to apply ("safe", "unsafe"); () lints only
    write: bool = False  # write fixed files back (--fix); else fixes are computed only (--diff, editors)
    diff: bool = False  # a masked unified diff of each fixed file
    edits: bool = False  # each fixable finding's edits (JSON, SARIF, editors)
    keep: bool = False  # the fixed content itself (buffers: stdin, editors)


_state: Dict[str, object] = {}  # what workers need: the workspace, the caches, the task
# (the unit's index in the run, the unit's fields, its cache key): a plain tuple
# pickles 5x faster than the NamedTuple, and the pool pickles one per file
Job = Tuple[int, tuple, str]


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # honours container CPU limits
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run(workspace, units: Iterable[Unit], task: Task, use_cache: bool = True, jobs: int = 0,
        on_file: Optional[Callable[[FileReport], None]] = None) -> List[FileReport]:
    """`units` may be a directory walk still under way: once it has found
    enough files for a pool, the pool starts on them while the walk goes on
    (a walk of 5,000 files is a tenth of a second the workers need not wait)."""
    reports: List[Optional[FileReport]] = []
    owners: List[object] = []  # each unit's project
    paths: List[str] = []  # each unit's path as shown
    caches: Dict[int, Optional[Cache]] = {}
    hits: List[int] = []  # cache hits found by the walk, reported by the loop below

    def pending() -> Iterator[Job]:
        for unit in units:
            index = len(reports)
            project = workspace.project_of_file(unit.absolute)
            reports.append(None)
            owners.append(project)
            paths.append(unit.path)
            cache = None
            if use_cache and not (unit.data is not None and task.keep):  # an editor's buffer changes with every key
                if id(project) not in caches:
                    caches[id(project)] = project.open_cache()
                cache = caches[id(project)]
            key = (unit.cache_key or project.key_path(unit.absolute)) if cache is not None else ""
            if cache is not None and unit.data is None:
                try:
                    hit = cache.lookup(key, os.stat(unit.absolute))
                except OSError:
                    hit = None
                if hit is not None and not _needs_work(hit[1], task):
                    reports[index] = FileReport(_relocate(hit[1], unit.path))
                    hits.append(index)
                    continue
            yield index, tuple(unit), key

    def report_hits() -> None:
        while hits:
            index = hits.pop(0)
            if on_file:
                on_file(reports[index])  # type: ignore[arg-type]

    walk = _Guarded(pending())
    jobs_left = iter(walk)
    first = list(itertools.islice(jobs_left, PARALLEL_MIN_FILES))
    workers = min(jobs or cpu_count(), MAX_WORKERS) if len(first) >= PARALLEL_MIN_FILES else 1
    if workers > 1:
        for project in {id(p): p for p in owners}.values():
            project.warm({Unit(*u).absolute for _, u, _ in first})  # once here, not once in each worker
    _state.update(workspace=workspace, caches=caches, task=task)
    try:
        report_hits()
        for index, entry, report in _run(itertools.chain(first, jobs_left), workers):
            if report.__class__ is str:  # a clean file: only its type travelled back
                report = FileReport(FileResult(paths[index], file_type=report))
            reports[index] = report
            cache = caches.get(id(owners[index]))
            if cache is not None and entry is not None:
                cache.store(entry[0], *entry[1:])
            if on_file:
                on_file(report)
            report_hits()
        report_hits()
        walk.raise_error()
    finally:
        _state.clear()
    for cache in caches.values():
        if cache is not None:
            cache.save()
    return [r for r in reports if r is not None]


class _Guarded:
    """The walk, which a pool's feeder thread consumes: an error in it (a
    broken nested config or rule file) must not travel through the pool,
    which would send it to a worker to raise and pickle it back (a rule
    error cannot be: the run hung). It ends the jobs; raise_error() raises it
    where the run is, once the jobs sent are done."""

    def __init__(self, jobs: Iterator[Job]) -> None:
        self.jobs = jobs
        self.error: Optional[BaseException] = None

    def __iter__(self) -> Iterator[Job]:
        try:
            yield from self.jobs
        except Exception as exc:
            self.error = exc

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


def _needs_work(result: FileResult, task: Task) -> bool:
    """Does a cached result still need the file (to fix it, or for edits)?"""
    plans = [f.fix_plan for f in result.findings if f.fix_plan is not None]
    return bool(plans) and (task.edits or any(p.applicability in task.fix for p in plans))


def _run(todo: Iterable[Job], workers: int):
    if workers < 2:
        for job in todo:
            yield _process_one(job)
        return
    import multiprocessing  # only for big runs: it costs ~8 ms to import

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        initializer, initargs = None, ()
    else:  # pragma: no cover - exercised on macOS/Windows
        context = multiprocessing.get_context("spawn")
        initializer, initargs = _init_spawned, (_spawn_spec(),)
    with _pool_class()(workers, initializer=initializer, initargs=initargs, context=context) as pool:
        yield from pool.imap_unordered(_process_one, todo, chunksize=CHUNK)


def _pool_class():
    """multiprocessing's Pool, without its worker handler's busy wait: that
    thread waits on the result queue's reader too, so every result a worker
    sends wakes it, and it loops (a poll of every worker, a new selector)
    until the result thread has read it. On the JS corpus that was 35 ms of
    the parent's 180 ms of CPU, on a machine where the parent shares the
    cores with the workers. The handler needs only what it is also woken
    by: a worker exiting (its sentinel, added by the handler itself) and the
    pool's own state changes (the change notifier, which terminate() uses)."""
    from multiprocessing.pool import Pool

    if not hasattr(Pool, "_get_sentinels"):  # pragma: no cover - a Python whose Pool is built otherwise
        return Pool

    class QuietPool(Pool):
        def _get_sentinels(self):
            return [self._change_notifier._reader]

    return QuietPool


def _process_one(job: Job):
    """In a worker: the unit travels with the job (the walk may have found it
    after the fork), its project is the worker's own copy of the workspace's."""
    index, fields, key = job
    unit = Unit(*fields)
    project = _state["workspace"].project_of_file(unit.absolute)  # type: ignore[attr-defined]
    caches = _state["caches"]
    cache = caches.get(id(project))  # type: ignore[attr-defined]
    if cache is None and key and id(project) not in caches:  # type: ignore[operator]
        # a project the walk found after the fork: the parent caches it, so does this worker
        cache = caches[id(project)] = project.open_cache()  # type: ignore[index]
    entry, report = process(project, unit, _state["task"], cache, key)  # type: ignore[index]
    stored = (key,) + entry if entry is not None else None
    if report == _clean(unit.path, report.result.file_type):
        # (most files: their type is all a pool sends back; a report is 5x the bytes to pickle)
        return index, stored, report.result.file_type
    return index, stored, report


def _clean(path: str, file_type: str) -> FileReport:
    return FileReport(FileResult(path, file_type=file_type))


# -- one file ------------------------------------------------------------------------------


CacheEntry = Tuple[object, str, FileResult]  # (a stat: st_size, st_mtime_ns), content hash, result


def process(project, unit: Unit, task: Task, cache: Optional[Cache] = None,
            key: str = "") -> Tuple[Optional[CacheEntry], FileReport]:
    """Read, lint, fix, write, attach edits: the whole pipeline of one file.
    Returns what the cache should remember (or None) and the report."""
    stat = None
    data = unit.data
    if data is None:
        read = read_file(unit, project.settings.max_file_size, project.linter)
        if isinstance(read, FileResult):
            return None, FileReport(read)
        stat, data = read
    digest = content_hash(data) if cache is not None else ""
    cached = cache.lookup_content(key, digest) if cache is not None else None
    secrets: List[str] = []
    result = _relocate(cached, unit.path) if cached is not None else project.lint(unit.path, data, unit.absolute,
                                                                                    secrets)
    entry: Optional[CacheEntry] = None
    if cache is not None:  # a content hit is stored again: its entry learns the file's new mtime
        entry = (stat or _content_stat(data), digest, result)
    after, applied, diff = data, 0, ""
    if task.fix and any(f.fix_plan is not None and f.fix_plan.applicability in task.fix for f in result.findings):
        first = result
        if cached is not None and task.diff:  # the diff must mask this file's secrets: see them once
            first = project.lint(unit.path, data, unit.absolute, secrets)
        fixed = project.fix(unit.path, data, first, task.fix, unit.absolute, secrets)
        after, applied, result = fixed.after, fixed.applied, fixed.final
        if after != data:
            if task.diff:
                diff = project.diff(unit.path, data, after, secrets)
            if task.write and unit.data is None:
                problem = write_through(unit.absolute, after)
                if problem is not None:  # the file is as it was: so are its findings
                    after, applied = data, 0
                    result = first._replace(notices=first.notices + (
                        Notice(unit.path, f"fixes not written: {problem}", level="error", kind="fix"),))
                elif cache is not None:
                    try:
                        entry = (os.stat(unit.absolute), content_hash(after), result)
                    except OSError:
                        entry = None
    if task.edits:
        result = project.attach_fixes(unit.path, after, result)
    return entry, FileReport(result, applied, diff, after if task.keep and after != data else None)


class _ContentStat(NamedTuple):
    """Content given without a file (the git index): cached by content only,
    under an mtime no file has, so a file never matches it by stat."""

    st_size: int
    st_mtime_ns: int = -1


def _content_stat(data: bytes) -> "_ContentStat":
    return _ContentStat(len(data))


def read_file(unit: Unit, max_size: int, linter) -> "FileResult | Tuple[os.stat_result, bytes]":
    """The file's stat and bytes, or a result saying why it is not linted.
    Only regular files (and links to them) are read: a FIFO would block the
    run, a device would never end. The check is made on the open file, so a
    path swapped for a FIFO after a first look still cannot block."""
    path = unit.path
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(unit.absolute, flags)
    except OSError as exc:
        return _unreadable(path, exc)
    try:
        st = os.fstat(fd)
        if not stat_module.S_ISREG(st.st_mode):
            what = _kind_of(st.st_mode)
            return FileResult(path, notices=(Notice(path, f"skipped: not a regular file ({what})",
                                                    level="warning" if unit.explicit else "info", kind="skipped"),),
                              skipped=True)
        if st.st_size > max_size:  # never read a huge file for nothing
            return linter.oversized(path, st.st_size)
        # One read of the size fstat gave, plus one byte: a regular file reads
        # short only at its end, so a short read that reached that size is the
        # whole file (one system call fewer per file than reading until an empty
        # read). Short of it (a network file system), read on until empty.
        chunks = []
        remaining = max_size + 1
        want = min(st.st_size + 1, remaining)
        while remaining > 0:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            if len(chunk) < want and max_size + 1 - remaining >= st.st_size:
                break
            want = min(remaining, 1 << 20)
        data = b"".join(chunks)
        if len(data) > max_size:  # it grew while we read
            return linter.oversized(path, len(data))
        return st, data
    except OSError as exc:
        return _unreadable(path, exc)
    finally:
        os.close(fd)


def _unreadable(path: str, exc: OSError) -> FileResult:
    return FileResult(path, notices=(Notice(path, f"cannot read: {exc.strerror or type(exc).__name__}",
                                            level="error", kind="unreadable"),), skipped=True)


def _kind_of(mode: int) -> str:
    for test, name in ((stat_module.S_ISFIFO, "a FIFO"), (stat_module.S_ISCHR, "a character device"),
                       (stat_module.S_ISBLK, "a block device"), (stat_module.S_ISSOCK, "a socket"),
                       (stat_module.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "not a file"


def write_through(path: str, data: bytes) -> Optional[str]:
    """Write fixed content where the file really is: through a symbolic link
    to its target (the link stays a link), atomically (a temporary file next
    to the target, then a rename), with the target's mode and owner. A file
    with several hard links is not replaced (a rename would split them):
    the reason is returned instead, and nothing is written."""
    from .fixes import write_atomic

    target = os.path.realpath(path)
    try:
        st = os.stat(target)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    if st.st_nlink > 1:
        return (f"the file has {st.st_nlink} hard links, which replacing it would split; "
                "fix it with one link, or apply the diff (--diff) by hand")
    try:
        write_atomic(target, data, st)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def _relocate(result: FileResult, path: str) -> FileResult:
    """A cached result, shown under the path this run uses for the file."""
    if result.path == path:
        return result
    return result._replace(
        path=path,
        findings=tuple(f._replace(path=path) for f in result.findings),
        notices=tuple(n._replace(path=path) for n in result.notices),
    )


# -- spawned workers (no fork) ----------------------------------------------------------


def _spawn_spec():  # pragma: no cover - exercised on macOS/Windows
    workspace = _state["workspace"]
    return (type(workspace), workspace.overrides, workspace.config_file, workspace.isolated, workspace.root,
            _state["task"])


def _init_spawned(spec) -> None:  # pragma: no cover - exercised on macOS/Windows
    cls, overrides, config_file, isolated, root, task = spec
    workspace = cls(overrides, config_file, isolated, root)
    _state.update(workspace=workspace, caches={}, task=task)
