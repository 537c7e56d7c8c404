"""Any file read as text: the `key-material` match kind.

This is the safety net under every other analyzer: it runs on whatever file
type has no block of its own in a rule, and on files a parser rejected.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Pattern, Sequence, Tuple

from ..model import Rule
from ..prefilter import Clause
from ..source import Source
from .base import AnalysisResult, Analyzer, Compiled, RawFinding



@dataclass(frozen=True)
class KeyMaterialMatch:
    shapes: Tuple[str, ...]
    context: Optional[str]  # a named context pattern (detect-secrets-aws)


class TextAnalyzer(Analyzer):
    """Any file, read as text; also the fallback when a parser gives up."""

    name = "any"
    kinds = ("key-material",)
    no_fix = "text matches have no fix"

    def compile_match(self, kind: str, options: dict, ctx) -> Compiled:
        if kind != "key-material":
            raise ctx.error((), f"text files have no match kind {kind!r}; use key-material")
        policy = ctx.library.policy()
        shapes = tuple(options["shapes"])
        for index, shape in enumerate(shapes):
            if shape not in policy.shapes:
                raise ctx.error(("shapes", index), f"unknown key shape {shape!r}; known: {', '.join(policy.shapes)}")
        context = options.get("context")
        if context not in (None, "detect-secrets-aws"):
            raise ctx.error(("context",), f"unknown context {context!r}; use detect-secrets-aws")
        return Compiled(kind, KeyMaterialMatch(shapes, context))

    def derive_triggers(self, compiled: Compiled, library) -> List[Clause]:
        match: KeyMaterialMatch = compiled.options
        policy = library.policy()
        tokens: List[bytes] = []
        clauses: List[Clause] = []
        for name in match.shapes:
            shape = policy.shapes[name]
            if shape.triggers:
                tokens.extend(t.encode() for t in shape.triggers)
            elif match.context == "detect-secrets-aws":
                clauses.append(Clause(any=(b"aws",), ignore_case=True,
                                      regex=_bytes_regex(shape.regex)))
            else:
                return []  # no way to prefilter: the rule runs on every file
        if tokens:
            clauses.insert(0, Clause(any=tuple(tokens)))
        return clauses

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session=None) -> AnalysisResult:
        result = AnalysisResult()
        policy = library.policy()
        for rule, compiled in rules:
            for finding in scan(source, rule, compiled.options, policy):
                result.findings.append(finding)
                result.secrets.extend(finding.secrets)
        return result


def _bytes_regex(regex: Pattern[str]):
    import re

    return re.compile(regex.pattern.encode("utf-8"))


def _context_regex(name: str) -> Pattern[str]:
    from detect_secrets.plugins.aws import AWSKeyDetector

    return AWSKeyDetector.denylist[1]


def scan(source: Source, rule: Rule, match: KeyMaterialMatch, policy) -> List[RawFinding]:
    text = source.text
    hits = []
    if match.context:
        regex = _context_regex(match.context)
        for m in regex.finditer(text):
            value = m.group(1)
            if any(policy.matches_shape(s, value) for s in match.shapes) and not policy.is_placeholder(value):
                hits.append((m.start(1), m.end(1), value, _name_at(text, m.start())))
    else:
        hits.extend((start, end, value, "") for start, end, value, _ in policy.find_shapes(text, list(match.shapes)))
    out = []
    for start, end, value, context in hits:
        span = source.span_of(start, end)
        out.append(RawFinding(rule=rule, span=span, secrets=(value,), material=value, secret_spans=(span,),
                              values={"context": context or "a credential-named setting"}))
    return out


def _name_at(text: str, position: int) -> str:
    """The name a context match starts in: `AWS_SECRET_ACCESS_KEY` in
    `AWS_SECRET_ACCESS_KEY: "..."`, for the message."""
    start = position
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-."):
        start -= 1
    end = position
    while end < len(text) and (text[end].isalnum() or text[end] in "_-."):
        end += 1
    return text[start:end][:60]


ANALYZER = TextAnalyzer()
