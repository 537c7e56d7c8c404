"""The one core the CLI, the pre-commit hook and the language server share.

    project = Project(settings)
    result = project.lint_source("app/settings.py", data)   # one buffer
    run = project.lint_paths(["src/"])                       # files and trees

A crash while analyzing one file becomes that file's error notice; the rest
of the run goes on.
"""
from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field, replace
from typing import Callable, Dict, Iterable, List, Optional, Sequence

from .discovery import Candidate, Discovery
from .engine import Linter
from .model import FileResult, Finding, Notice, Rule
from .ruleset import RuleSet, load_rules
from .settings import Settings


class UsageError(Exception):
    """Bad input from the user (unknown rule, bad option value): exit 2."""


@dataclass
class RunResult:
    files: List[FileResult] = field(default_factory=list)

    @property
    def findings(self) -> List[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def notices(self) -> List[Notice]:
        return [n for r in self.files for n in r.notices]

    @property
    def internal_errors(self) -> List[Notice]:
        return [n for n in self.notices if n.level == "error"]


class Project:
    def __init__(self, settings: Settings, ruleset: Optional[RuleSet] = None) -> None:
        self.settings = settings
        self.ruleset = ruleset or load_rules(settings.extra_rules, settings.allowlist)
        self.rules = self._selected_rules()
        severities = self._severities()
        self.linter = Linter(self.ruleset, self.rules, settings.max_file_size, severities)
        self.discovery = Discovery(
            root=settings.root,
            exclude=settings.exclude,
            extend_exclude=settings.extend_exclude,
            respect_gitignore=settings.respect_gitignore,
            force_exclude=settings.force_exclude,
        )
        self._per_file = self._compile_per_file_ignores()
        self._allowed_fingerprints = frozenset(v for v in settings.allowlist if _is_fingerprint(v))

    # -- configuration -----------------------------------------------------------

    def expand(self, selectors: Iterable[str], what: str) -> List[Rule]:
        try:
            return self.ruleset.expand(selectors)
        except KeyError as exc:
            raise UsageError(f"{what}: unknown rule {exc.args[0]!r}; `credlint rules` lists them") from None

    def _selected_rules(self) -> List[Rule]:
        s = self.settings
        selected = self.expand(s.select, "select") if s.select is not None else list(self.ruleset.rules)
        ignored = {r.id for r in self.expand(s.ignore, "ignore")}
        return [r for r in selected if r.id not in ignored]

    def _severities(self) -> Dict[str, str]:
        out = {}
        for selector, severity in self.settings.severity.items():
            if severity not in ("error", "warning", "info"):
                raise UsageError(f"severity: {severity!r} for {selector!r} is not error, warning or info")
            for rule in self.expand([selector], "severity"):
                out[rule.id] = severity
        return out

    def _compile_per_file_ignores(self):
        if not self.settings.per_file_ignores:
            return []
        from pathspec import GitIgnoreSpec

        out = []
        for pattern, selectors in self.settings.per_file_ignores.items():
            ids = {r.id for r in self.expand(selectors, f"per-file-ignores[{pattern!r}]")}
            out.append((GitIgnoreSpec.from_lines([pattern]), ids))
        return out

    def rules_for(self, key_path: str) -> Optional[List[Rule]]:
        """The rules that apply to a file after per-file ignores (None: all)."""
        if not self._per_file:
            return None
        ignored = set()
        for spec, ids in self._per_file:
            if spec.match_file(key_path):
                ignored |= ids
        return [r for r in self.rules if r.id not in ignored] if ignored else None

    # -- linting -------------------------------------------------------------------

    def lint_source(self, path: str, data: bytes) -> FileResult:
        """Lint a buffer as if it were the file at `path` (stdin, editors)."""
        key_path = self.discovery.relative(os.path.abspath(path))
        return self._guarded(path, key_path, lambda: self.linter.lint(path, data, key_path, self.rules_for(key_path)))

    def lint_file(self, candidate: Candidate) -> FileResult:
        key_path = self.discovery.relative(candidate.absolute)
        try:
            size = os.stat(candidate.absolute).st_size
            if size > self.settings.max_file_size:  # never read a huge file for nothing
                return self.linter.oversized(candidate.path, size)
            with open(candidate.absolute, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            return FileResult(candidate.path, notices=(Notice(candidate.path, f"cannot read: {reason}"),), skipped=True)
        return self._guarded(candidate.path, key_path,
                             lambda: self.linter.lint(candidate.path, data, key_path, self.rules_for(key_path)))

    def lint_paths(self, paths: Sequence[str], on_file: Optional[Callable[[FileResult], None]] = None) -> RunResult:
        run = RunResult()
        for candidate in self.discovery.files(paths):
            if candidate.explicit and not os.path.exists(candidate.absolute):
                run.files.append(FileResult(candidate.path, notices=(
                    Notice(candidate.path, "no such file or directory", level="error"),), skipped=True))
                continue
            result = self.lint_file(candidate)
            run.files.append(result)
            if on_file is not None:
                on_file(result)
        return run

    def _guarded(self, path: str, key_path: str, work: Callable[[], FileResult]) -> FileResult:
        try:
            result = work()
        except Exception as exc:  # one bad file never stops the run
            where = traceback.extract_tb(exc.__traceback__)[-1]
            message = (f"internal error: {type(exc).__name__} in {os.path.basename(where.filename)}:{where.lineno}; "
                       "please report it at https://github.com/credlint/credlint/issues with this message")
            return FileResult(path, notices=(Notice(path, message, level="error"),), skipped=True)
        if self._allowed_fingerprints and result.findings:
            kept = tuple(f for f in result.findings if f.fingerprint not in self._allowed_fingerprints)
            result = replace(result, findings=kept)
        return result


def _is_fingerprint(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)
