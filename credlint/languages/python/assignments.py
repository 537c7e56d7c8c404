"""The `secret-assignment` match kind: a key-shaped literal given a
credential-looking name (variable, attribute, dict key, keyword argument,
parameter default, environment variable)."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator, List, Pattern, Tuple

from ...keypolicy import KeyPolicy
from ...model import Span
from ...source import Source
from ..base import RawFinding
from .names import Candidate, ModuleModel, literal_pieces, literal_string
from .values import Resolver


@dataclass(frozen=True)
class SecretAssignmentMatch:
    names: Pattern[str]
    shapes: Tuple[str, ...]


def _candidates(model: ModuleModel, resolver: Resolver) -> Iterator[Candidate]:
    yield from model.candidates
    setter_tails = {name.rsplit(".", 1)[-1] for name in resolver.sdk.env_setters}
    for site in model.calls:
        call = site.node
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in setter_tails) or len(call.args) < 2:
            continue
        name = literal_string(call.args[0])
        if name is not None and resolver.qualified(func, site.scope) in resolver.sdk.env_setters:
            yield Candidate(name, call.args[1], site.scope)


def findings_for(rule, match: SecretAssignmentMatch, model: ModuleModel, resolver: Resolver,
                 policy: KeyPolicy, source: Source) -> List[RawFinding]:
    out = []
    seen = set()
    for candidate in _candidates(model, resolver):
        node = candidate.value
        if id(node) in seen:
            continue
        value = literal_string(node)
        if value is None or not any(policy.matches_shape(s, value) for s in match.shapes):
            continue
        if not match.names.search(candidate.context) or policy.is_placeholder(value):
            continue
        seen.add(id(node))
        span = source.span_from_ast(node)
        whole, pieces = literal_spans(source, node)
        out.append(RawFinding(
            rule=rule,
            span=span,
            secrets=(value,),
            material=value,
            values={"context": candidate.context},
            secret_spans=whole,
            piece_spans=pieces,
        ))
    out.extend(_written_out(rule, match, policy, source,
                            {(s.line, f.material) for f in out for s in f.secret_spans}))
    return out


def _written_out(rule, match: SecretAssignmentMatch, policy: KeyPolicy, source: Source,
                 known: set) -> List[RawFinding]:
    """`# aws_secret_access_key = "..."` in a comment, or an INI or .env
    text in a string (a triple-quoted `[default]` profile): not an assignment
    the tree shows, but a key in the repository all the same (a comment is
    one uncomment away from use)."""
    from .. import text

    out = []
    comments = None
    for start, end, value, name in text.labelled(source.text, match.names, match.shapes, policy):
        span = source.span_of(start, end)
        if (span.line, value) in known:
            continue  # an assignment the tree already reported
        if comments is None:
            comments = _comment_starts(source)
        opened = comments.get(span.line)
        where = "commented out" if opened is not None and opened <= span.column else "in a string"
        out.append(RawFinding(rule=rule, span=span, secrets=(value,), material=value,
                              values={"context": f"{name} ({where})"}, secret_spans=(span,)))
    return out


def _comment_starts(source: Source) -> dict:
    """Line -> 1-based column where its comment starts, from the tokenizer
    (a `#` inside a string is not a comment)."""
    import io
    import tokenize

    out = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source.text).readline):
            if token.type == tokenize.COMMENT:
                out[token.start[0]] = source.char_column(token.start[0], len(
                    source.line_text(token.start[0])[:token.start[1]].encode("utf-8")))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def key_literals(rule, match, model: ModuleModel, policy: KeyPolicy, source: Source) -> List[RawFinding]:
    """Key material anywhere in the text (strings, comments, docstrings), plus
    keys the text does not show whole: split by implicit concatenation or
    `+` in an assignment, a dict, an argument or a default."""
    from .. import text

    found = text.scan(source, rule, match, policy)
    spans = [f.span for f in found]
    for candidate in model.candidates:
        value = literal_string(candidate.value)
        if value is None or not any(policy.matches_shape(s, value) for s in match.shapes):
            continue
        if policy.is_placeholder(value):
            continue
        span = source.span_from_ast(candidate.value)
        if any(_inside(s, span) for s in spans):
            continue  # written whole: the text scan has it
        spans.append(span)
        whole, pieces = literal_spans(source, candidate.value)
        found.append(RawFinding(rule=rule, span=span, secrets=(value,), material=value, secret_spans=whole,
                                piece_spans=pieces))
    return found


def literal_spans(source: Source, node: ast.AST) -> Tuple[Tuple[Span, ...], Tuple[Span, ...]]:
    """Where a literal value is written: (the literal, when written whole;
    each piece, when it is folded from several)."""
    pieces = literal_pieces(node)
    if not pieces:
        return (source.span_from_ast(node),), ()
    return (), tuple(source.span_from_ast(p) for p in pieces)


def _inside(inner, outer) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and \
        (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
