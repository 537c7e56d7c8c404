"""Python newer than the interpreter credlint runs on.

Detection parses with the running interpreter's `ast`, and pre-commit often
runs hooks on an older Python than the project targets: a module with PEP
695 syntax (`class Box[T]:`, `def first[T](xs: list[T]) -> T`, `type Pair =
tuple[int, int]`) would fall back to text scanning and lose every SDK-level
finding. libcst's parser knows the newer grammar; it locates those
constructs, and they are rewritten into what the older `ast` reads, keeping
every line where it was (type parameters become blanks, `type X = V`
becomes `X = V`, and on Python 3.9 a `match`/`case` header becomes
`if True:`, so every branch is analysed). Type parameters and aliases never
hold credentials, so the analysis of the rest is unchanged. Anything else
newer (PEP 701 f-strings with reused quotes) stays a parse failure, reported
as before.
"""
from __future__ import annotations

import ast
import warnings
from typing import List, Optional, Tuple


def downgraded(text: str) -> Optional[str]:
    """The text with PEP 695 constructs rewritten for an older `ast`, or None
    when libcst cannot parse it either or finds nothing to rewrite."""
    try:
        import libcst as cst
        from libcst.metadata import MetadataWrapper, PositionProvider
    except ImportError:  # pragma: no cover - libcst is a dependency
        return None
    try:
        wrapper = MetadataWrapper(cst.parse_module(text))
    except Exception:  # libcst's ParserSyntaxError, or anything its parser raises on odd input
        return None
    positions = wrapper.resolve(PositionProvider)
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position) -> int:
        return starts[position.line - 1] + position.column

    edits: List[Tuple[int, int, str]] = []
    for node, where in positions.items():
        params = getattr(node, "type_parameters", None)
        if isinstance(node, (cst.ClassDef, cst.FunctionDef)) and params is not None:
            span = positions[params]
            start, end = offset(span.start), offset(span.end)
            edits.append((start, end, _blank(text[start:end])))
        elif isinstance(node, cst.TypeAlias):
            start = offset(where.start)
            value = offset(positions[node.value].start)
            name = node.name.value
            edits.append((start, value, name + " = "))
        elif isinstance(node, (cst.Match, cst.MatchCase)):
            # `match x:` / `case P if g:` (3.10) -> `if True:`: every branch is read, none skipped
            start = offset(where.start)
            last = node.subject if isinstance(node, cst.Match) else (node.guard or node.pattern)
            colon = text.find(":", offset(positions[last].end))  # the header's own colon, right after it
            if colon < 0:
                return None
            header = text[start:colon + 1]
            edits.append((start, colon + 1, "if True:" + "\n" * header.count("\n")))
    if not edits:
        return None
    out, position = [], 0
    for start, end, new in sorted(edits):
        if start < position:
            return None
        out.append(text[position:start])
        out.append(new)
        position = end
    out.append(text[position:])
    result = "".join(out)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(result)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return result


def _blank(text: str) -> str:
    """The same lines, in blanks: `[T: Base]` -> `         `."""
    return "".join(c if c in "\r\n" else " " for c in text)
