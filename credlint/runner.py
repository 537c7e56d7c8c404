"""Lint many files: the cache first, then the rest across processes.

Cache lookups by size and mtime happen in the parent (a stat, no read). The
remaining files are linted in a process pool when there are enough of them to
pay for it; each worker reads, hashes and lints its files and sends back small
results. On Linux the pool forks, so workers start with the rules already
compiled; elsewhere they rebuild the workspace once each.
"""
from __future__ import annotations

import os
import sys
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from .cache import Cache, content_hash
from .discovery import Candidate
from .model import FileResult

PARALLEL_MIN_FILES = 100
MAX_WORKERS = 8

_state: Dict[str, object] = {}  # what workers need: the workspace and the jobs


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # honours container CPU limits
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def lint_candidates(workspace, candidates: Sequence[Candidate], use_cache: bool = True, jobs: int = 0,
                    on_file: Optional[Callable[[FileResult], None]] = None) -> List[FileResult]:
    results: List[Optional[FileResult]] = [None] * len(candidates)
    caches: Dict[int, Optional[Cache]] = {}
    keys: List[Optional[str]] = [None] * len(candidates)
    projects = [workspace.project_for(c.absolute) for c in candidates]
    todo: List[int] = []
    for index, (candidate, project) in enumerate(zip(candidates, projects)):
        cache = None
        if use_cache:
            if id(project) not in caches:
                caches[id(project)] = project.open_cache()
            cache = caches[id(project)]
        if cache is not None:
            key = keys[index] = project.key_path(candidate.absolute)
            try:
                hit = cache.lookup(key, os.stat(candidate.absolute))
            except OSError:
                hit = None
            if hit is not None:
                results[index] = _relocate(hit[1], candidate.path)
                if on_file:
                    on_file(results[index])
                continue
        todo.append(index)

    _state.update(workspace=workspace, candidates=candidates, projects=projects, keys=keys, caches=caches)
    workers = min(jobs or cpu_count(), MAX_WORKERS, max(1, len(todo) // 25))
    try:
        for index, stat, digest, result in _run(todo, workers):
            results[index] = result
            cache = caches.get(id(projects[index]))
            if cache is not None and stat is not None:
                cache.store(keys[index], stat, digest, result)
            if on_file:
                on_file(result)
    finally:
        _state.clear()
    for cache in caches.values():
        if cache is not None:
            cache.save()
    return [r for r in results if r is not None]


def _run(todo: List[int], workers: int):
    if workers < 2 or len(todo) < PARALLEL_MIN_FILES:
        for index in todo:
            yield _lint_one(index)
        return
    import multiprocessing  # only for big runs: it costs ~8 ms to import

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        initializer, initargs = None, ()
    else:  # pragma: no cover - exercised on macOS/Windows
        context = multiprocessing.get_context("spawn")
        initializer, initargs = _init_spawned, (_spawn_spec(),)
    chunk = max(1, len(todo) // (workers * 16))
    with context.Pool(workers, initializer=initializer, initargs=initargs) as pool:
        yield from pool.imap_unordered(_lint_one, todo, chunksize=chunk)


def _lint_one(index: int) -> Tuple[int, Optional[os.stat_result], str, FileResult]:
    candidate = _state["candidates"][index]
    project = _state["projects"][index]
    cache = _state["caches"].get(id(project))
    try:
        stat = os.stat(candidate.absolute)
        if stat.st_size > project.settings.max_file_size:
            return index, None, "", project.linter.oversized(candidate.path, stat.st_size)
        with open(candidate.absolute, "rb") as handle:
            data = handle.read()
    except OSError:
        return index, None, "", project.lint_file(candidate)  # reports the error the usual way
    digest = content_hash(data) if cache is not None else ""
    if cache is not None:
        cached = cache.lookup_content(_state["keys"][index], digest)
        if cached is not None:  # touched, not changed (a checkout, a rebase)
            return index, stat, digest, _relocate(cached, candidate.path)
    return index, stat, digest, project.lint_data(candidate, data)


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
    return (workspace.overrides, workspace.config_file, workspace.isolated, workspace.root,
            _state["candidates"], _state["keys"])


def _init_spawned(spec) -> None:  # pragma: no cover - exercised on macOS/Windows
    from .api import Workspace

    overrides, config_file, isolated, root, candidates, keys = spec
    workspace = Workspace(overrides, config_file, isolated, root)
    projects = [workspace.project_for(c.absolute) for c in candidates]
    _state.update(workspace=workspace, candidates=candidates, projects=projects, keys=keys, caches={})
