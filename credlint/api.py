"""The one core the CLI, the pre-commit hook and the language server share.

    workspace = Workspace()
    result = workspace.lint_source("app/settings.py", data)   # one buffer
    run = workspace.lint_paths(["src/"])                       # files and trees

A Workspace finds the configuration that applies to each path (the nearest
config file above it) and keeps one Project per configuration. A crash while
analyzing one file becomes that file's error notice; the run goes on.
"""
from __future__ import annotations

import os
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from . import filetypes
from .config import Config, ConfigError, config_in, load_config
from .discovery import Candidate, Discovery, ExcludeSpec, find_root, relative_to
from .engine import Linter
from .model import FileResult, Finding, Notice, Rule
from .ruleset import RuleSet, load_rules
from .settings import Overrides, Settings, build_settings


class UsageError(Exception):
    """Bad input from the user (unknown rule, bad option value, bad config): exit 2."""


class RunResult:
    def __init__(self, files: Optional[List[FileResult]] = None) -> None:
        self.files: List[FileResult] = files if files is not None else []

    @property
    def findings(self) -> List[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def notices(self) -> List[Notice]:
        return [n for r in self.files for n in r.notices]


_rulesets: Dict[Tuple, RuleSet] = {}


def clear_caches() -> None:
    """Forget configuration and rules read so far (a long-running process,
    such as the language server, after a config or rule file changed)."""
    from . import config

    config.clear_cache()
    _rulesets.clear()


def ruleset_for(settings: Settings) -> RuleSet:
    key = (settings.extra_rules, settings.allowlist)
    if key not in _rulesets:
        _rulesets[key] = load_rules(settings.extra_rules, settings.allowlist)
    return _rulesets[key]


class FixedFile:
    def __init__(self, path: str, before: bytes, after: bytes, result: FileResult, applied: int,
                 secrets: Sequence[str] = ()) -> None:
        self.path = path
        self.before = before
        self.after = after
        self.result = result
        self.applied = applied  # number of fixes applied
        self._secrets = tuple(secrets)  # raw: only for redacting a diff of this file

    def diff(self, policy) -> str:
        """The unified diff of the fix, with every secret masked (the removed
        lines are where the keys were)."""
        from .engine import redact_line
        from .fixes import unified_diff
        from .redaction import redact_fragments
        from .source import Source

        before = Source.for_python(self.path, self.before).text
        after = Source.for_python(self.path, self.after).text
        display = os.path.normpath(self.path).replace(os.sep, "/")
        lines = unified_diff(display, before, after).splitlines(keepends=True)
        return "".join(redact_fragments(redact_line(line, self._secrets, policy), self._secrets) for line in lines)

    @property
    def changed(self) -> bool:
        return self.before != self.after


class Project:
    """Everything one configuration decides: rules, severities, excludes."""

    def __init__(self, settings: Settings, ruleset: Optional[RuleSet] = None) -> None:
        self.settings = settings
        self.ruleset = ruleset or ruleset_for(settings)
        self.rules = self._selected_rules()
        self.linter = Linter(self.ruleset, self.rules, settings.max_file_size, self._severities(),
                             self._fix_overrides(), settings.report_unused_ignores)
        self.exclude = ExcludeSpec(settings.config_dir, settings.exclude + settings.extend_exclude)
        self._per_file = self._compile_per_file_ignores()
        self._allowed_fingerprints = frozenset(v for v in settings.allowlist if _is_fingerprint(v))

    # -- configuration -----------------------------------------------------------

    def expand(self, selectors: Iterable[str], what: str) -> List[Rule]:
        try:
            return self.ruleset.expand(selectors)
        except KeyError as exc:
            source = f" (in {self.settings.config_file})" if self.settings.config_file else ""
            raise UsageError(f"{what}: unknown rule {exc.args[0]!r}{source}; `credlint rules` lists them") from None

    def _selected_rules(self) -> List[Rule]:
        s = self.settings
        selected = self.expand(s.select, "select") if s.select is not None else list(self.ruleset.rules)
        ids = {r.id for r in selected} | {r.id for r in self.expand(s.extend_select, "extend-select")}
        ids -= {r.id for r in self.expand(s.ignore, "ignore")}
        return [r for r in self.ruleset.rules if r.id in ids]

    def _severities(self) -> Dict[str, str]:
        out = {}
        for selector, severity in self.settings.severity.items():
            for rule in self.expand([selector], "severity"):
                out[rule.id] = severity
        return out

    def _fix_overrides(self) -> Dict[str, str]:
        """extend-safe-fixes / extend-unsafe-fixes: rule id -> applicability."""
        out = {r.id: "safe" for r in self.expand(self.settings.extend_safe_fixes, "extend-safe-fixes")}
        out.update((r.id, "unsafe") for r in self.expand(self.settings.extend_unsafe_fixes, "extend-unsafe-fixes"))
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

    def rules_for(self, absolute: str) -> Optional[List[Rule]]:
        """The rules for one file after per-file ignores (None: all of them)."""
        if not self._per_file:
            return None
        rel = relative_to(self.settings.config_dir, absolute)
        ignored = set()
        for spec, ids in self._per_file:
            if spec.match_file(rel):
                ignored |= ids
        return [r for r in self.rules if r.id not in ignored] if ignored else None

    def key_path(self, absolute: str) -> str:
        return relative_to(self.settings.root, absolute)

    # -- linting -------------------------------------------------------------------

    def lint_source(self, path: str, data: bytes) -> FileResult:
        """Lint a buffer as if it were the file at `path` (stdin, editors)."""
        absolute = os.path.abspath(path)
        return self._guarded(path, lambda: self.linter.lint(path, data, self.key_path(absolute),
                                                            self.rules_for(absolute)))

    def lint_file(self, candidate: Candidate) -> FileResult:
        try:
            size = os.stat(candidate.absolute).st_size
            if size > self.settings.max_file_size:  # never read a huge file for nothing
                return self.linter.oversized(candidate.path, size)
            with open(candidate.absolute, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            level = "error" if candidate.explicit else "warning"
            return FileResult(candidate.path, notices=(
                Notice(candidate.path, f"cannot read: {exc.strerror or exc}", level=level),), skipped=True)
        return self.lint_data(candidate, data)

    def lint_data(self, candidate: Candidate, data: bytes) -> FileResult:
        return self._guarded(candidate.path, lambda: self.linter.lint(
            candidate.path, data, self.key_path(candidate.absolute), self.rules_for(candidate.absolute)))

    def fix_source(self, path: str, data: bytes, allowed: Sequence[str]) -> "FixedFile":
        """Fix a buffer as the file at `path`: the fixed bytes and the lint
        result of the fixed version (findings that remain, skipped fixes)."""
        absolute = os.path.abspath(path)
        key, rules = self.key_path(absolute), self.rules_for(absolute)
        if filetypes.detect(path, data[:512]) == "notebook":
            return self._fix_notebook(path, data, key, rules, allowed)
        secrets: List[str] = []
        first = self._guarded(path, lambda: self.linter.lint(path, data, key, rules, secrets))
        if not any(f.fix_plan is not None and f.fix_plan.applicability in allowed for f in first.findings):
            return FixedFile(path, data, data, first, 0, secrets)
        from .fixes import fix_text
        from .source import Source

        source = Source.for_python(path, data)
        outcome = fix_text(source, lambda text: self.linter.lint(path, source.with_text(text).encode(), key, rules),
                           allowed, first)
        after = source.with_text(outcome.text).encode()
        result = outcome.final
        if outcome.notices:
            result = result._replace(notices=result.notices + tuple(
                Notice(path, message, line) for line, message in outcome.notices))
        return FixedFile(path, data, after, result, len(outcome.applied), secrets)

    def _fix_notebook(self, path: str, data: bytes, key: str, rules, allowed: Sequence[str]) -> "FixedFile":
        """Code cells are fixed as one Python module, then written back."""
        from .fixes.notebook import fix_notebook

        secrets: List[str] = []
        module_path = path + ".py"  # lint the cells as Python, with the notebook's rules and key
        outcome = fix_notebook(data, lambda text: self.linter.lint(module_path, text.encode("utf-8"), key, rules,
                                                                   secrets), allowed)
        result = self._guarded(path, lambda: self.linter.lint(path, outcome.after, key, rules, secrets))
        if outcome.notices:
            result = result._replace(notices=result.notices + tuple(
                Notice(path, message, line) for line, message in outcome.notices))
        return FixedFile(path, data, outcome.after, result, outcome.applied, secrets)

    def attach_fixes(self, result: FileResult, data: bytes) -> FileResult:
        """The result with each fixable finding's edits (JSON, SARIF, editors)."""
        if not any(f.fix_plan is not None for f in result.findings):
            return result
        from .fixes import attach
        from .source import DecodeError, Source

        try:
            source = Source.for_python(result.path, data)
        except DecodeError:
            return result
        return result._replace(findings=tuple(attach(source, f) for f in result.findings))

    def open_cache(self):
        """This configuration's results cache, or None when caching is off."""
        if not self.settings.cache:
            return None
        from .cache import Cache, default_directory

        s = self.settings
        directory = s.cache_dir or default_directory(s.root)
        material = repr((
            self.ruleset.digest, sorted(r.id for r in self.rules), sorted(self.linter.severities.items()),
            sorted(s.per_file_ignores.items()), sorted(s.allowlist), s.max_file_size, s.config_dir, s.root,
            s.report_unused_ignores, sorted(self.linter.fix_overrides.items()),
        ))
        return Cache(directory, material, in_project=bool(s.cache_dir))

    def _guarded(self, path: str, work: Callable[[], FileResult]) -> FileResult:
        try:
            result = work()
        except Exception as exc:  # one bad file never stops the run
            import traceback

            where = traceback.extract_tb(exc.__traceback__)[-1]
            message = (f"internal error ({type(exc).__name__} at {os.path.basename(where.filename)}:{where.lineno}); "
                       "the file was not checked. Please report it: https://github.com/credlint/credlint/issues")
            return FileResult(path, notices=(Notice(path, message, level="error"),), skipped=True)
        if self._allowed_fingerprints and result.findings:
            kept = tuple(f for f in result.findings if f.fingerprint not in self._allowed_fingerprints)
            result = result._replace(findings=kept)
        return result


class Workspace:
    """Finds the configuration of each path and lints with its Project."""

    def __init__(self, overrides: Overrides = Overrides(), config_file: Optional[str] = None,
                 isolated: bool = False, root: Optional[str] = None) -> None:
        self.overrides = overrides
        self.config_file = os.path.abspath(config_file) if config_file else None
        self.isolated = isolated
        self.root = root
        self._projects: Dict[Optional[str], Project] = {}
        self._config_of_dir: Dict[str, Optional[str]] = {}

    def _root(self, path: str) -> str:
        if self.root is None:
            self.root = find_root([path])
        return self.root

    def config_path_for(self, directory: str) -> Optional[str]:
        if self.config_file or self.isolated:
            return self.config_file
        directory = os.path.abspath(directory)
        chain = []
        current = directory
        found = None
        while True:
            if current in self._config_of_dir:
                found = self._config_of_dir[current]
                break
            chain.append(current)
            found = config_in(current)
            if found:
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for d in chain:
            self._config_of_dir[d] = found
        return found

    def project_for(self, path: str) -> Project:
        absolute = os.path.abspath(path)
        directory = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        config_path = self.config_path_for(directory)
        project = self._projects.get(config_path)
        if project is None:
            try:
                config = load_config(config_path, fallback_dir=self._root(absolute))
            except ConfigError as exc:
                raise UsageError(str(exc)) from None
            project = Project(build_settings(config, self.overrides, self._root(absolute)))
            self._projects[config_path] = project
        return project

    def lint_source(self, path: str, data: bytes) -> FileResult:
        return self.project_for(path).lint_source(path, data)

    def excluded(self, path: str) -> bool:
        """--force-exclude for a buffer: is `path` excluded by its config?"""
        absolute = os.path.abspath(path)
        return self.project_for(absolute).exclude.excluded_anywhere(absolute, os.path.isdir(absolute))

    def discovery(self, paths: Sequence[str]) -> Discovery:
        top = self.project_for(paths[0] if paths else ".")
        return Discovery(
            excludes_for=lambda directory: self.project_for(directory).exclude,
            respect_gitignore=top.settings.respect_gitignore,
            force_exclude=top.settings.force_exclude,
        )

    def candidates(self, paths: Sequence[str]) -> Tuple[List[Candidate], List[FileResult]]:
        """The files to lint, and results for paths that do not exist."""
        found: List[Candidate] = []
        missing: List[FileResult] = []
        for candidate in self.discovery(paths).files(paths):
            if candidate.explicit and not os.path.exists(candidate.absolute):
                missing.append(FileResult(candidate.path, notices=(
                    Notice(candidate.path, "no such file or directory", level="error"),), skipped=True))
            else:
                found.append(candidate)
        return found, missing

    def fix_paths(self, paths: Sequence[str], allowed: Sequence[str], write: bool,
                  jobs: int = 0) -> Tuple[RunResult, List[FixedFile]]:
        """Lint, then fix the files that have fixes of an allowed
        applicability. Files are rewritten (atomically) only when `write` and
        only when their content changes."""
        run = self.lint_paths(paths, jobs=jobs)
        fixed: List[FixedFile] = []
        by_path = {c.path: c for c in self.candidates(paths)[0]}
        for index, result in enumerate(run.files):
            if not any(f.fix_plan is not None and f.fix_plan.applicability in allowed for f in result.findings):
                continue
            candidate = by_path.get(result.path)
            if candidate is None:
                continue
            with open(candidate.absolute, "rb") as handle:
                data = handle.read()
            outcome = self.project_for(candidate.absolute).fix_source(candidate.path, data, allowed)
            if outcome.changed and write:
                from .fixes import write_atomic

                write_atomic(candidate.absolute, outcome.after)
            run.files[index] = outcome.result
            fixed.append(outcome)
        return run, fixed

    def lint_paths(self, paths: Sequence[str], on_file: Optional[Callable[[FileResult], None]] = None,
                   jobs: int = 0) -> RunResult:
        from .runner import lint_candidates

        candidates, missing = self.candidates(paths)
        use_cache = self.overrides.cache is not False
        results = lint_candidates(self, candidates, use_cache=use_cache, jobs=jobs, on_file=on_file)
        return RunResult(list(missing) + results)


def _is_fingerprint(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)
