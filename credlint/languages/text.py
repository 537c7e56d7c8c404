"""Any file read as text: the `key-material` match kind.

This is the safety net under every other analyzer: it runs on whatever file
type has no block of its own in a rule, and on files a parser rejected.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Iterator, List, Optional, Pattern, Sequence, Tuple

from ..model import Rule
from ..prefilter import KEY_RUNS, Clause
from ..source import Source
from .base import AnalysisResult, Analyzer, Compiled, RawFinding



@dataclass(frozen=True)
class KeyMaterialMatch:
    shapes: Tuple[str, ...]
    context: Optional[str]  # a named context pattern (detect-secrets-aws)
    # A value written after a name this regex finds (`S3_SECRET_KEY=...`,
    # `aws-secret-access-key: ...`, quoted or not), in code or in a comment.
    label: Optional[Pattern[str]] = None
    # (shape, lines): a value within `lines` lines of a key of `shape` (the
    # secret next to a key id), whatever its label.
    near: Optional[Tuple[str, int]] = None


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
        label = ctx.pattern(("label",), options["label"]) if options.get("label") else None
        near = None
        if options.get("near") is not None:
            spec = options["near"]
            if not isinstance(spec, dict) or spec.get("shape") not in policy.shapes or \
                    not isinstance(spec.get("lines"), int) or not 0 <= spec["lines"] <= 20:
                raise ctx.error(("near",), "'near' takes a key shape and a number of lines (0-20), "
                                           "e.g. {shape: access-key-id, lines: 5}")
            near = (spec["shape"], spec["lines"])
        return Compiled(kind, KeyMaterialMatch(shapes, context, label, near))

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
        if match.near is not None:
            near = policy.shapes[match.near[0]]
            if not near.triggers:
                return []
            clauses.append(Clause(any=tuple(t.encode() for t in near.triggers)))
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


# detect-secrets' AWS context pattern (AWSKeyDetector.denylist[1]): "aws",
# then a key/password/token word, then a quoted 40-character value. Copied, not
# imported: importing detect-secrets costs a quarter of a second.
_DETECT_SECRETS_AWS = re.compile(
    r"""aws.{0,20}?(?:key|pwd|pw|password|pass|token).{0,20}?[\'\"]([0-9a-zA-Z/+]{40})[\'\"]""",
    re.IGNORECASE)


def _context_regex(name: str) -> Pattern[str]:
    return _DETECT_SECRETS_AWS


_CONTEXT_REACH = 64  # the longest prefix of the context pattern: "aws" .{0,20} "password" .{0,20} quote


def _context_matches(regex: Pattern[str], text: str) -> Iterator["re.Match[str]"]:
    """regex.finditer(text), searched only before quoted 40-character values:
    a case-insensitive regex tries every position of the file, the values are
    found at memory speed (standalone_values). Each match's value is one of
    them, and the pattern reaches back at most _CONTEXT_REACH characters."""
    done = 0
    for begin, end in standalone_values(text):
        if begin == 0 or end >= len(text) or text[begin - 1] not in "'\"" or text[end] not in "'\"":
            continue
        m = regex.search(text, max(done, begin - _CONTEXT_REACH), end + 1)
        if m is not None and m.start(1) == begin:
            done = m.end()
            yield m


def scan(source: Source, rule: Rule, match: KeyMaterialMatch, policy) -> List[RawFinding]:
    text = source.text
    hits = []
    if match.context:
        regex = _context_regex(match.context)
        for m in _context_matches(regex, text):
            value = m.group(1)
            if any(policy.matches_shape(s, value) for s in match.shapes) and not policy.is_placeholder(value):
                hits.append((m.start(1), m.end(1), value, _name_at(text, m.start())))
    else:
        hits.extend((start, end, value, "") for start, end, value, _ in policy.find_shapes(text, list(match.shapes)))
    if match.label is not None:
        hits.extend(labelled(text, match.label, match.shapes, policy))
    if match.near is not None:
        hits.extend(_near(source, match.near, match.shapes, policy))
    out = []
    seen = set()
    for start, end, value, context in sorted(hits, key=lambda h: (h[0], h[3] == "")):
        if (start, end) in seen:
            continue
        seen.add((start, end))
        span = source.span_of(start, end)
        out.append(RawFinding(rule=rule, span=span, secrets=(value,), material=value, secret_spans=(span,),
                              values={"context": context or "a credential-named setting"}))
    return out


# A value after a name and `=`, `:`, `=>`, `:=` or only blanks (`aws configure
# set aws_secret_access_key KEY`), quoted or not, standing alone (not part of
# a longer run of the key alphabet). The search looks for the value
# (standalone_values), then reads the separator and the name backwards from it.


def labelled(text: str, label: Pattern[str], shapes: Sequence[str], policy,
             start: int = 0, end: Optional[int] = None) -> List[Tuple[int, int, str, str]]:
    """Key-shaped values assigned to a name the label regex finds, in
    text[start:end]: (start, end, value, name)."""
    out = []
    for begin, finish in standalone_values(text, start, len(text) if end is None else end):
        separator = _separator_before(text, begin)
        if separator is None:
            continue
        name = _name_before(text, separator)
        if not name or not label.search(name):
            continue
        value = text[begin:finish]
        if any(policy.matches_shape(s, value) for s in shapes) and not policy.is_placeholder(value):
            out.append((begin, finish, value, name))
    return out


# The key alphabet as one byte, everything else as another: after translate(),
# a standing-alone value is a run of exactly 40 "a"s, which bytes.find locates
# at memory speed. The regex it replaced, a step per character, took 1.5 s
# over botocore's 130 MB of service models, against 0.1 s.
_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "/+")
_RUNS = KEY_RUNS
_FORTY = b"a" * 40


def standalone_values(text: str, start: int = 0, end: Optional[int] = None) -> Iterator[Tuple[int, int]]:
    """(start, end) of every 40-character run of the key alphabet in
    text[start:end] that stands alone (not part of a longer run, not
    followed by base64 padding): what
    `(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])` finds with
    finditer(text, start, end) (tests/test_languages_text.py compares them)."""
    end = len(text) if end is None else min(end, len(text))
    start = max(start, 0)
    if start >= end:
        return
    # latin-1 with "replace": one byte per character (`?` for the others,
    # none of which is in the alphabet), so offsets stay the text's
    runs = text[start:end].encode("latin-1", "replace").translate(_RUNS)
    at = 0
    if start > 0 and text[start - 1] in _KEY_CHARS:
        at = runs.find(b" ")  # the run under way at start does not stand alone
        if at < 0:
            return
    at = runs.find(_FORTY, at)
    while at >= 0:
        stop = _run_length(runs, at) + at
        if stop - at == 40 and (start + stop >= end or text[start + stop] != "="):
            yield start + at, start + stop
        at = runs.find(_FORTY, stop)


def _run_length(runs: bytes, at: int) -> int:
    stop = runs.find(b" ", at)
    return (len(runs) if stop < 0 else stop) - at


def _separator_before(text: str, position: int) -> Optional[int]:
    """Where the separator before a value starts (`=>`, `:=`, `=`, `:`, or
    blanks after a word), past one opening quote; None if there is none."""
    if position > 0 and text[position - 1] in "`'\"":
        position -= 1
    blanks = position
    while blanks > 0 and text[blanks - 1] in " \t":
        blanks -= 1
    for separator in ("=>", ":=", "=", ":"):
        if text.endswith(separator, 0, blanks):
            return blanks - len(separator)
    if 0 < blanks < position and text[blanks - 1] not in "\r\n":
        return blanks  # `name value`
    wrapped = blanks  # `NAME =` and the value on the next line (as Prettier wraps a long one)
    while wrapped > 0 and text[wrapped - 1] in " \t\r\n":
        wrapped -= 1
    if wrapped < blanks:  # a line break was crossed: only an explicit separator counts
        for separator in ("=>", ":=", "=", ":"):
            if text.endswith(separator, 0, wrapped):
                return wrapped - len(separator)
    return None


def _name_before(text: str, separator: int) -> str:
    """`S3_SECRET_KEY` in `S3_SECRET_KEY = "..."`, `"aws-secret": "..."`."""
    end = separator
    while end > 0 and text[end - 1] in " \t\"'`":
        end -= 1
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-."):
        start -= 1
    return text[start:end][-60:]


def _near(source: Source, near: Tuple[str, int], shapes: Sequence[str], policy) -> List[Tuple[int, int, str, str]]:
    """Key-shaped values within a few lines of a key of another shape."""
    shape, lines = near
    anchors = [source.position(start)[0] for start, _, _, _ in policy.find_shapes(source.text, [shape])]
    if not anchors:
        return []
    out = []
    for start, end, value, _ in policy.find_shapes(source.text, list(shapes)):
        line = source.position(start)[0]
        if any(abs(line - anchor) <= lines for anchor in anchors):
            out.append((start, end, value, "a value next to an AWS access key id"))
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
