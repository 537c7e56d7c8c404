"""Key material in JavaScript: `secret-assignment` (a key-shaped literal
given a credential-looking name: a variable, a property, a class field, an
assignment; also in a comment, where keys are left "for later") and
`key-literal` (key material anywhere in the text, plus keys split into
literals joined with `+`)."""
from __future__ import annotations

import re
from typing import List

from ...keypolicy import KeyPolicy
from ...source import Source
from ..base import RawFinding
from .model import ModuleModel
from .syntax import Positions
from .values import Resolver

# `name: 'value'` / `name = "value"` / `export NAME=value` in a comment: a
# commented-out credential. A name starts where an identifier does (a search
# from every letter of a long run was quadratic).
_COMMENTED = re.compile(r"""(?<![\w$])([A-Za-z_$][\w$]*)['"]?\s*[:=]\s*['"`]?([A-Za-z0-9/+=]{16,})(?![A-Za-z0-9/+=])""")


def secret_assignments(rule, match, model: ModuleModel, resolver: Resolver, policy: KeyPolicy,
                       source: Source, positions: Positions) -> List[RawFinding]:
    out = []
    seen = set()
    for candidate in model.candidates:
        node = candidate.value
        if node.start_byte in seen or not match.names.search(candidate.name):
            continue
        for value, pieces in _literals(node, resolver):
            if not any(policy.matches_shape(s, value) for s in match.shapes) or policy.is_placeholder(value):
                continue
            seen.add(node.start_byte)
            span = positions.span(pieces[0].start_byte, pieces[-1].end_byte)
            whole = (span,) if len(pieces) == 1 else ()
            out.append(RawFinding(rule=rule, span=span, secrets=(value,), material=value,
                                  values={"context": candidate.name}, secret_spans=whole,
                                  piece_spans=tuple(positions.of(p) for p in pieces) if not whole else ()))
    for comment in model.comments:
        body = comment.text.decode("utf-8", "replace")
        for m in _COMMENTED.finditer(body):
            name, value = m.group(1), m.group(2)
            if not match.names.search(name) or not any(policy.matches_shape(s, value) for s in match.shapes):
                continue
            if policy.is_placeholder(value):
                continue
            start = comment.start_byte + len(body[:m.start(2)].encode("utf-8"))
            span = positions.span(start, start + len(value))
            out.append(RawFinding(rule=rule, span=span, secrets=(value,), material=value,
                                  values={"context": f"{name} (commented out)"}, secret_spans=(span,)))
    if model.tree.root_node.has_error:
        out.extend(_around_errors(rule, match, policy, source, {(f.span.line, f.material) for f in out}))
    return out


def _around_errors(rule, match, policy: KeyPolicy, source: Source, known: set) -> List[RawFinding]:
    """A file with a syntax error (a merge conflict, a half-typed line): how
    much of the rest the parser recovers depends on the grammar version, so
    labelled keys the tree missed are taken from the text (text.labelled)."""
    from ..text import labelled

    out = []
    for start, end, value, name in labelled(source.text, match.names, match.shapes, policy):
        span = source.span_of(start, end)
        if (span.line, value) not in known:
            out.append(RawFinding(rule=rule, span=span, secrets=(value,), material=value,
                                  values={"context": name}, secret_spans=(span,)))
    return out


def _literals(node, resolver: Resolver):
    """The literal values an expression may take: itself, or the sides of a
    fallback (`process.env.KEY || 'q7Xr...'`, `a ?? 'b'`, `c ? 'd' : 'e'`)."""
    from .syntax import unwrap

    stack = [node]
    while stack:
        current = unwrap(stack.pop())
        if current is None:
            continue
        value, pieces = resolver.literal(current)
        if value is not None:
            yield value, pieces
        elif current.type == "binary_expression":
            operator = current.child_by_field_name("operator")
            if operator is not None and operator.type in ("||", "??"):
                stack += [current.child_by_field_name("right"), current.child_by_field_name("left")]
        elif current.type == "ternary_expression":
            stack += [current.child_by_field_name("alternative"), current.child_by_field_name("consequence")]


def key_literals(rule, match, model: ModuleModel, resolver: Resolver, policy: KeyPolicy,
                 source: Source, positions: Positions) -> List[RawFinding]:
    """Key material anywhere in the text (strings, comments, templates), plus
    keys the text does not show whole: split into literals joined by `+`."""
    from ..text import scan

    found = scan(source, rule, match, policy)
    covered = [(f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in found]
    for node in model.binaries:
        parent = node.parent
        if parent is not None and parent.type == "binary_expression":
            continue  # the outermost concatenation only
        value, pieces = resolver.literal(node)
        if value is None or len(pieces) < 2 or not any(policy.matches_shape(s, value) for s in match.shapes):
            continue
        if policy.is_placeholder(value):
            continue
        span = positions.of(node)
        if any((s[0], s[1]) <= (span.line, span.column) and (span.end_line, span.end_column) <= (s[2], s[3])
               for s in covered):
            continue
        found.append(RawFinding(rule=rule, span=span, secrets=(value,), material=value,
                                piece_spans=tuple(positions.of(p) for p in pieces)))
    return found
