"""Regular expressions written in rule files.

The built-in rules are credlint's own code and use Python's `re` (some need
its lookbehinds). A user's rule file is another matter: `extra-rules` can come
from a repository's pyproject.toml, so a pull request can add a rule, and a
pattern like `(a+)+$` makes a backtracking engine run for hours on a line of
`a`s. Patterns from any other rule file run on RE2 (google-re2), whose time
is linear in the input whatever the pattern; a construct RE2 does not have
(lookaround, backreferences) is an error at the pattern's line, which
`credlint rules --validate` reports. Where google-re2 cannot be installed,
such patterns are checked for the constructs that backtrack badly instead.
"""
from __future__ import annotations

import re
from typing import Any, Union

AnyPattern = Any  # re.Pattern or re2's compiled pattern: search, match, fullmatch, finditer, pattern


class PatternError(ValueError):
    """A pattern that cannot be used: the message says why, for `file:line:`."""


def compile_pattern(pattern: Union[str, bytes], trusted: bool, ignore_case: bool = False) -> AnyPattern:
    """`trusted`: the pattern comes from credlint's own rules."""
    try:
        checked = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise PatternError(f"invalid regex: {exc}") from None
    if trusted:
        return checked
    try:
        import re2
    except ImportError:  # pragma: no cover - platforms without a google-re2 wheel
        return _guarded(pattern, ignore_case)
    options = re2.Options()
    options.log_errors = False  # its own stderr logging: the error is reported at the rule's line instead
    options.case_sensitive = not ignore_case
    if isinstance(pattern, bytes):
        options.encoding = re2.Options.Encoding.LATIN1
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        problem = exc.args[0] if exc.args else exc
        if isinstance(problem, bytes):
            problem = problem.decode("utf-8", "replace")
        raise PatternError(f"this regex cannot run on the linear-time engine used for rule files other than "
                           f"credlint's own ({problem}): lookarounds and backreferences are not available") from None


def _guarded(pattern: Union[str, bytes], ignore_case: bool) -> AnyPattern:  # pragma: no cover - see above
    """Without RE2: refuse what makes `re` backtrack without bound (a repeat
    inside a repeat, a backreference), then compile with `re`."""
    try:
        import sre_parse  # type: ignore[import-not-found]
    except ImportError:
        import re._parser as sre_parse  # type: ignore[import-not-found,no-redef]
    try:
        parsed = sre_parse.parse(pattern if isinstance(pattern, str) else pattern.decode("latin-1"))
    except re.error as exc:
        raise PatternError(f"invalid regex: {exc}") from None
    if _risky(parsed, 0):
        raise PatternError("this regex nests repeats or uses a backreference, which can take exponential time; "
                           "install google-re2 (pip install google-re2) to run such patterns safely")
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


def _risky(items, depth: int) -> bool:  # pragma: no cover - see above
    for op, value in items:
        name = str(op)
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            return True
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, inner = value
            if depth > 0 or _risky(inner, depth + 1):
                return True
        elif name == "SUBPATTERN":
            if _risky(value[-1], depth):
                return True
        elif name == "BRANCH":
            if any(_risky(branch, depth) for branch in value[1]):
                return True
    return False
