"""The one core call that the CLI, the pre-commit hooks, the language server
and `credlint rules --validate` share (Fixit's `fixit_bytes` is the model).

    response = run(Request(paths=("src/",)))                          # files and trees
    response = run(Request(buffer=Buffer("app.py", data)))           # one buffer (stdin, an editor)
    response = run(Request(staged=True))                              # what git has staged
    response = run(Request(paths=("src/",), fix=("safe",), write=True))   # --fix
    response.exit_code()

A request says what to lint and what to do with it; the response holds one
FileReport per file (its findings and notices, the fixes applied, the diff,
the fixed bytes of a buffer) and decides the exit code. Each file is read
once and linted once per fixing round; reporters print from the response
and never read a file again.
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from .model import FileReport, FileResult, Finding, Notice, Rule
from .project import UsageError, clear_caches
from .runner import Task
from .workspace import Unit, Workspace

__all__ = ["Buffer", "Request", "Response", "run", "UsageError", "Workspace", "clear_caches",
           "EXIT_CLEAN", "EXIT_FINDINGS", "EXIT_ERROR", "EXIT_INTERNAL"]

# Exit codes (README "Exit codes"):
EXIT_CLEAN = 0  # nothing to report
EXIT_FINDINGS = 1  # findings at or above --fail-on; unused ignores with --report-unused-ignores; a diff to apply
EXIT_ERROR = 2  # bad usage or configuration, or not everything asked for was checked (missing, unreadable, unwritable)
EXIT_INTERNAL = 3  # credlint itself failed (on a file, or at all): a bug to report
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}


class Buffer(NamedTuple):
    """Content to lint as if it were the file at `path`."""

    path: str
    data: bytes
    key: str = ""  # the results cache's key for it (a git blob's); "": not cached


class Request(NamedTuple):
    paths: Tuple[str, ...] = ()  # files and directories
    buffer: Optional[Buffer] = None  # or one buffer
    buffers: Tuple[Buffer, ...] = ()  # or many (the file versions of git history), linted like files
    staged: bool = False  # or the git index
    fix: Tuple[str, ...] = ()  # applicabilities to fix: () | ("safe",) | ("safe", "unsafe")
    write: bool = False  # write fixed files (--fix); False computes fixes only (--diff, editors)
    diff: bool = False  # masked unified diffs of the fixes
    edits: bool = False  # each fixable finding's edits (JSON, SARIF, editors)
    baseline: Optional[str] = None  # report only findings this baseline does not hold
    jobs: int = 0  # worker processes (0: one per CPU)


class Response(NamedTuple):
    files: Tuple[FileReport, ...]
    rules: Mapping[str, Rule]  # every known rule, by id (for reporters)
    root: str  # the project root: paths in reports are relative to it
    fail_on: str = "info"
    report_unused_ignores: bool = False
    diff: bool = False

    @property
    def results(self) -> List[FileResult]:
        return [f.result for f in self.files]

    @property
    def findings(self) -> List[Finding]:
        return [f for r in self.files for f in r.result.findings]

    @property
    def notices(self) -> List[Notice]:
        return [n for r in self.files for n in r.result.notices]

    @property
    def applied(self) -> int:
        return sum(f.applied for f in self.files)

    def exit_code(self, exit_zero: bool = False) -> int:
        """The policy, in order: credlint failed (3); the run is incomplete or
        a fix could not be written (2); then findings at or above fail-on,
        unused ignores when they are reported, or a diff to apply (1), unless
        --exit-zero."""
        notices = self.notices
        if any(n.kind == "internal" for n in notices):
            return EXIT_INTERNAL
        if any(n.level == "error" for n in notices):
            return EXIT_ERROR
        if exit_zero:
            return EXIT_CLEAN
        if self.diff:
            return EXIT_FINDINGS if any(f.diff for f in self.files) else EXIT_CLEAN
        if self.report_unused_ignores and any(n.kind == "unused-ignore" for n in notices):
            return EXIT_FINDINGS
        threshold = SEVERITY_ORDER[self.fail_on]
        if any(SEVERITY_ORDER[f.severity] >= threshold for f in self.findings):
            return EXIT_FINDINGS
        return EXIT_CLEAN


def run(request: Request, workspace: Optional[Workspace] = None,
        on_file: Optional[Callable[[FileReport], None]] = None) -> Response:
    """Lint (and fix) what the request names with the configuration that
    applies to each file."""
    workspace = workspace or Workspace()
    if sum(bool(x) for x in (request.paths, request.buffer is not None, request.staged, request.buffers)) > 1:
        raise UsageError("a request lints paths, a buffer, buffers or the staged index: one of them")
    if request.write and (request.buffer is not None or request.staged or request.buffers):
        raise UsageError("fixes are written to files: a buffer or the index gets its fixed content back instead")
    failed: List[FileReport] = []
    units: Iterable[Unit]
    if request.buffer is not None:
        unit = workspace.unit_for_buffer(request.buffer.path, request.buffer.data)
        units = [unit] if unit is not None else []
        top = request.buffer.path
    elif request.staged:
        units = workspace.units_for_index()
        top = "."
    elif request.buffers:
        units = [u for b in request.buffers for u in [workspace.unit_for_buffer(b.path, b.data, b.key)] if u]
        top = "."
    else:
        paths = list(request.paths) or ["."]
        workspace.project_for(paths[0])  # a bad configuration stops the run before the walk
        units = workspace.walk(paths, failed)  # walked while the files found first are linted
        top = paths[0]
    project = workspace.project_for(top)
    from . import runner

    task = Task(fix=tuple(request.fix), write=request.write, diff=request.diff, edits=request.edits,
                keep=request.buffer is not None)
    use_cache = workspace.overrides.cache is not False
    linted = runner.run(workspace, units, task, use_cache=use_cache, jobs=request.jobs, on_file=on_file)
    files = failed + linted  # complete now: the walk is over
    if request.baseline:
        files = _without_baselined(files, request.baseline)
    return Response(
        files=tuple(files),
        rules={r.id: r for r in project.ruleset.rules},
        root=project.settings.root,
        fail_on=project.settings.fail_on,
        report_unused_ignores=project.settings.report_unused_ignores,
        diff=request.diff and not request.write,
    )


def _without_baselined(files: Sequence[FileReport], path: str) -> List[FileReport]:
    from .baseline import BaselineError, filter_new, load

    try:
        known = load(path)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None
    kept = filter_new([f.result for f in files], known, os.path.basename(path))
    return [f._replace(result=result) for f, result in zip(files, kept)]


def lint_bytes(path: str, data: bytes, workspace: Optional[Workspace] = None) -> FileResult:
    """One buffer's result (the shortest way in, for scripts and tests)."""
    response = run(Request(buffer=Buffer(path, data)), workspace)
    return response.files[0].result if response.files else FileResult(path)


def raw_secrets(path: str, data: bytes, workspace: Workspace) -> List[str]:
    """The raw secret values the engine saw in one file (key ids, secret keys,
    session tokens), in the order it saw them, for `--verify` only (verify.py):
    never printed, never cached. Lints afresh, past the results cache."""
    secrets: List[str] = []
    workspace.project_for(path).lint(path, data, secrets=secrets)
    return list(dict.fromkeys(secrets))

