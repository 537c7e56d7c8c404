"""What the credential-file analyzers (JSON, INI, dotenv, YAML, TOML,
Terraform) share: the `credential-values` match kind, "is this value a real
key?", and turning "a credential name with its value at offsets S..E" into a
RawFinding.

A `credential-values` block names the keys that hold AWS credentials in that
file type and the key shape each must have:

    credential-values:
      names:
        aws_access_key_id: access-key-id
        aws_secret_access_key: secret-access-key
        "*SECRET_ACCESS_KEY": secret-access-key   # `*` matches any characters
      ignore-case: true

A value is reported when it has its name's key shape in full and the key
policy does not call it a placeholder (AWS's example keys, `${VAR}`,
`{{ secrets.X }}`, `<your-key>`...). The analyzer finds the pairs; this
module judges them, so every file type agrees on what a real key is.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, NamedTuple, Optional, Pattern, Sequence, Tuple

from ..model import Rule
from ..prefilter import Clause
from ..source import Source
from .base import AnalysisResult, Analyzer, Compiled, RawFinding

KIND = "credential-values"

# What each shape is called in messages.
KIND_WORDS = {
    "access-key-id": "access key id",
    "secret-access-key": "secret access key",
    "session-token": "session token",
}


class Names(NamedTuple):
    exact: Dict[str, str]  # name (lowercased when ignore_case) -> shape
    globs: Tuple[Tuple[Pattern[str], str], ...]  # (regex of a `*` pattern, shape)
    ignore_case: bool
    tokens: Tuple[str, ...]  # literal parts, for the prefilter

    def shape_for(self, name: str) -> Optional[str]:
        key = name.lower() if self.ignore_case else name
        shape = self.exact.get(key)
        if shape is not None:
            return shape
        for regex, glob_shape in self.globs:
            if regex.fullmatch(name):
                return glob_shape
        return None


class CredentialValues(NamedTuple):
    """A compiled `credential-values` block."""

    names: Names
    top_level: bool = False  # JSON: only the root object
    require: Tuple[str, ...] = ()  # JSON: the object must have all of these keys


def compile_names(options: dict, ctx, key: str = "names") -> Names:
    raw = options.get(key)
    if not isinstance(raw, dict) or not raw:
        raise ctx.error((key,), f"'{key}' maps credential names to key shapes, e.g. aws_secret_access_key: secret-access-key")
    ignore_case = bool(options.get("ignore-case", False))
    policy = ctx.library.policy()
    exact: Dict[str, str] = {}
    globs: List[Tuple[Pattern[str], str]] = []
    tokens: List[str] = []
    for name, shape in raw.items():
        if not isinstance(name, str) or not name.strip("*"):
            raise ctx.error((key,), f"{name!r} is not a credential name")
        if shape not in policy.shapes:
            raise ctx.error((key, name), f"unknown key shape {shape!r}; known: {', '.join(policy.shapes)}")
        parts = [p for p in name.split("*") if p]
        tokens.append(max(parts, key=len))
        if "*" in name:
            pattern = ".*".join(re.escape(p) for p in name.split("*"))
            globs.append((re.compile(pattern, re.IGNORECASE if ignore_case else 0), shape))
        else:
            exact[name.lower() if ignore_case else name] = shape
    return Names(exact, tuple(globs), ignore_case, tuple(tokens))


def compile_credential_values(kind: str, options: dict, ctx, allowed: Sequence[str] = ("names", "ignore-case")) -> Compiled:
    if kind != KIND:
        raise ctx.error((), f"no match kind {kind!r} for this file type; use {KIND}")
    if not isinstance(options, dict):
        raise ctx.error((), f"{KIND} takes a mapping with 'names'")
    for option in options:
        if option not in allowed:
            raise ctx.error((option,), f"unknown option {option!r}; allowed: {', '.join(allowed)}")
    names = compile_names(options, ctx)
    require = tuple(options.get("require") or ())
    for index, name in enumerate(require):
        if names.shape_for(name) is None:
            raise ctx.error(("require", index), f"{name!r} is not one of the rule's names")
    return Compiled(kind, CredentialValues(names, bool(options.get("top-level", False)), require))


def name_triggers(names: Names) -> List[Clause]:
    """The file must contain one of the names (their literal parts)."""
    tokens = sorted({t.lower() if names.ignore_case else t for t in names.tokens})
    return [Clause(any=tuple(t.encode("utf-8") for t in tokens), ignore_case=names.ignore_case)]


def derive_triggers(compiled: Compiled, library) -> List[Clause]:
    match = compiled.options
    if isinstance(match, CredentialValues):
        return name_triggers(match.names)
    return []


class CredentialFileAnalyzer(Analyzer):
    """A credential file format (JSON, INI, .env, YAML, TOML): its rules
    match `credential-values` and offer no fix, because the file itself must
    leave the repository."""

    kinds = (KIND,)
    options: Tuple[str, ...] = ("names", "ignore-case")
    no_fix = "credential files have no automatic fix: the file must leave the repository"

    def compile_match(self, kind: str, options: dict, ctx) -> Compiled:
        return compile_credential_values(kind, options, ctx, self.options)

    def derive_triggers(self, compiled: Compiled, library) -> List[Clause]:
        return derive_triggers(compiled, library)


def is_real(policy, shape: str, value: str) -> bool:
    """A value under a credential name is a real key: it has the name's key
    shape in full and is not a placeholder."""
    return policy.matches_shape(shape, value) and not policy.is_placeholder(value)


class Pair(NamedTuple):
    """A credential name and its value as written in the file: `start`/`end`
    are the value's offsets in the source text (without quotes)."""

    name: str
    value: str
    start: int
    end: int
    where: str = ""  # "profile [default]", "$.Credentials.SecretAccessKey", ...


def finding(rule: Rule, source: Source, pair: Pair, shape: str, **values: str) -> RawFinding:
    span = source.span_of(pair.start, pair.end)
    out = {"name": pair.name, "kind": KIND_WORDS.get(shape, shape), "where": pair.where or pair.name}
    out.update(values)
    return RawFinding(rule=rule, span=span, secrets=(pair.value,), material=pair.value,
                      values=out, secret_spans=(span,))


def report(rule: Rule, source: Source, pairs: Iterable[Pair], names: Names, policy, result: AnalysisResult,
           **values: str) -> None:
    """Add a finding for every pair whose name is a credential name and whose
    value is a real key of that name's shape."""
    for pair in pairs:
        shape = names.shape_for(pair.name)
        if shape is None or not is_real(policy, shape, pair.value):
            continue
        item = finding(rule, source, pair, shape, **values)
        result.findings.append(item)
        result.secrets.extend(item.secrets)


def unparsed(result: AnalysisResult, rules: Sequence[Tuple[Rule, Compiled]], message: str) -> AnalysisResult:
    """The file did not parse: say so, and hand the rules back to the engine
    (it runs their text blocks, if they have any)."""
    result.notices.append(message)
    result.unapplied.extend(rule for rule, _ in rules)
    return result


def split_assignment(text: str) -> Optional[Tuple[str, int]]:
    """`NAME=value` (a compose `environment:` list item, a pytest-env entry):
    the name and the offset of the value in `text`."""
    m = _ASSIGNMENT.match(text)
    if m is None:
        return None
    return m.group(1), m.end()


_ASSIGNMENT = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*")


def strip_quotes(text: str, start: int, end: int) -> Tuple[int, int]:
    """Offsets of a value without surrounding whitespace, a trailing `;`,
    and one pair of matching quotes."""
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    if end > start and text[end - 1] == ";":  # `key = "...";` written like code
        end -= 1
        while end > start and text[end - 1] in " \t":
            end -= 1
    if end - start >= 2 and text[start] == text[end - 1] and text[start] in "\"'":
        return start + 1, end - 1
    return start, end
