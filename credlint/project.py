"""Everything one configuration decides: which rules run, at which severity,
with which per-file ignores and fix overrides; and the per-file work done
under it (lint, fix, edits, diff). The runner calls it for each file; it
never walks a tree or reads a file itself."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from . import filetypes, languages
from .discovery import ExcludeSpec, relative_to
from .engine import Linter
from .model import FileResult, Notice, Rule
from .paths import display, matchable
from .ruleset import RuleSet, load_rules
from .settings import Settings

if TYPE_CHECKING:  # the analyzers' base is imported only when a file needs it
    from .languages.base import FixedText, Session


class UsageError(Exception):
    """Bad input from the user (unknown rule, bad option value, bad config): exit 2."""


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


class Project:
    def __init__(self, settings: Settings, ruleset: Optional[RuleSet] = None,
                 session: Optional["Session"] = None) -> None:
        self.settings = settings
        self.ruleset = ruleset or ruleset_for(settings)
        self.rules = self._selected_rules()
        self.linter = Linter(self.ruleset, self.rules, settings.max_file_size, self._severities(),
                             self._fix_overrides(), settings.report_unused_ignores, session)
        self.exclude = ExcludeSpec(settings.config_dir, settings.exclude + settings.extend_exclude)
        self._per_file = self._compile_per_file_ignores()
        self._test_code = None  # the test-code patterns, compiled on first use
        self._allowed_fingerprints = frozenset(v for v in settings.allowlist if _is_fingerprint(v))

    # -- configuration -----------------------------------------------------------

    def expand(self, selectors: Sequence[str], what: str) -> List[Rule]:
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
            if spec.match_file(matchable(rel)):
                ignored |= ids
        return [r for r in self.rules if r.id not in ignored] if ignored else None

    def is_test_code(self, absolute: str) -> bool:
        """The file is test code by its path (the `test-code` setting)."""
        if not self.settings.test_code:
            return False
        if self._test_code is None:
            if any(p.startswith("!") for p in self.settings.test_code):
                # a negation re-includes a file under a matching directory: pathspec's
                # match of the file's path decides, as it always did
                from pathspec import GitIgnoreSpec

                self._test_code = GitIgnoreSpec.from_lines(list(self.settings.test_code))
            else:
                # (names and name globs are a set lookup and one regex; only patterns
                # with a slash load pathspec, a 20 ms import)
                self._test_code = ExcludeSpec(self.settings.root, self.settings.test_code)
        if isinstance(self._test_code, ExcludeSpec):
            # the file or a directory above it, up to the project's root; outside the
            # project, only its own name says
            return self._test_code.excluded_anywhere(absolute, False)
        rel = relative_to(self.settings.root, absolute)
        if rel.startswith("../") or os.path.isabs(rel):
            rel = os.path.basename(absolute)
        return self._test_code.match_file(matchable(rel))

    def warm(self, absolutes: Iterable[str]) -> None:
        """Before a pool forks (runner.py): the test-code patterns and the
        rules and analyzers for these files' types, built once, shared by the
        workers."""
        absolutes = list(absolutes)
        if absolutes:
            self.is_test_code(absolutes[0])
        self.linter.warm({filetypes.detect(a, b"") for a in absolutes})

    def key_path(self, absolute: str) -> str:
        return relative_to(self.settings.root, absolute)

    def excluded(self, absolute: str) -> bool:
        """Is this path excluded by the configuration, itself or a parent directory?"""
        return self.exclude.excluded_anywhere(absolute, os.path.isdir(absolute))

    # -- one file ------------------------------------------------------------------

    def lint(self, path: str, data: bytes, absolute: Optional[str] = None,
             secrets: Optional[List[str]] = None) -> FileResult:
        """Lint `data` as the file at `path`. A crash becomes this file's
        error notice; the run goes on. `secrets`, if given, receives the raw
        secrets seen (for a diff, which must mask them)."""
        absolute = absolute or os.path.abspath(path)
        return self._guarded(path, lambda: self.linter.lint(path, data, self.key_path(absolute),
                                                            self.rules_for(absolute), secrets,
                                                            test=lambda: self.is_test_code(absolute)))

    def fix(self, path: str, data: bytes, first: FileResult, allowed: Sequence[str],
            absolute: Optional[str] = None, secrets: Optional[List[str]] = None) -> "FixedText":
        """Apply the fixes of `first` (the lint of `data`) whose applicability
        is allowed, round after round, by the file type's analyzer."""
        absolute = absolute or os.path.abspath(path)

        def lint(text: bytes, as_path: Optional[str] = None) -> FileResult:
            return self.lint(as_path or path, text, absolute, secrets)

        fixed = self._analyzer(path, data).fix_file(path, data, first, lint, allowed)
        if fixed.notices:
            notices = tuple(Notice(path, message, line, kind="fix") for line, message in fixed.notices)
            fixed = fixed._replace(final=fixed.final._replace(notices=fixed.final.notices + notices))
        return fixed

    def attach_fixes(self, path: str, data: bytes, result: FileResult) -> FileResult:
        """The result with each fixable finding's edits (JSON, SARIF, editors)."""
        if not any(f.fix_plan is not None for f in result.findings):
            return result
        return self._analyzer(path, data).attach_fixes(path, data, result)

    def diff(self, path: str, before: bytes, after: bytes, secrets: Sequence[str]) -> str:
        """The unified diff of a fix with every secret masked (the removed
        lines are where the keys were)."""
        from .fixes import unified_diff
        from .redaction import redact_line

        analyzer = self._analyzer(path, before)
        old = analyzer.decode_strict(path, before).text
        new = analyzer.decode_strict(path, after).text
        shown = display(os.path.normpath(path).replace(os.sep, "/"))
        policy = self.ruleset.library.policy()
        lines = unified_diff(shown, old, new).splitlines(keepends=True)
        return "".join(redact_line(line, secrets, policy) for line in lines)

    def _analyzer(self, path: str, data: bytes):
        file_type = filetypes.detect(path, data[:512])
        return languages.analyzer(file_type if languages.known(file_type) else "any")

    def _guarded(self, path: str, work: Callable[[], FileResult]) -> FileResult:
        try:
            result = work()
        except Exception as exc:  # one bad file never stops the run
            import traceback

            where = traceback.extract_tb(exc.__traceback__)[-1]
            message = (f"internal error ({type(exc).__name__} at {os.path.basename(where.filename)}:{where.lineno}); "
                       "the file was not checked. Please report it: https://github.com/credlint/credlint/issues")
            return FileResult(path, notices=(Notice(path, message, level="error", kind="internal"),), skipped=True)
        if self._allowed_fingerprints and result.findings:
            kept = tuple(f for f in result.findings if f.fingerprint not in self._allowed_fingerprints)
            result = result._replace(findings=kept)
        return result

    def open_cache(self):
        """This configuration's results cache, or None when caching is off."""
        if not self.settings.cache:
            return None
        from .cache import Cache, default_directory

        s = self.settings
        directory = s.cache_dir or default_directory(s.root)
        material = repr((
            self.ruleset.digest, sorted(r.id for r in self.rules), sorted(self.linter.severities.items()),
            sorted(s.per_file_ignores.items()), s.test_code, sorted(s.allowlist), s.max_file_size, s.config_dir, s.root,
            s.report_unused_ignores, sorted(self.linter.fix_overrides.items()),
        ))
        return Cache(directory, material, in_project=bool(s.cache_dir))


def _is_fingerprint(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)
