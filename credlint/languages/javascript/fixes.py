"""JavaScript fixes, as byte ranges of tree-sitter's tree: remove credential
properties from an options object, or a statement, and keep every other byte.

What a property takes with it decides what survives. A property on its own
line(s) goes with its lines: its comma and the comment after it on the same
line belong to it, comments on their own lines belong to their neighbours
and stay. In an object written on one line, a property goes with its comma
and the space after it. When the last property goes and the object had no
trailing comma, the comma of the new last property goes too. An options
object left empty goes as a whole when it was the only argument:
`new AWS.S3({ accessKeyId: K })` becomes `new AWS.S3()`.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from ...fixes import FixError
from ...model import Edit, FixPlan
from ...source import Source
from .syntax import Positions, data_of, grammar_for, members, parse, property_name


def remove_properties(source: Source, plan: FixPlan) -> Tuple[Edit, ...]:
    data = data_of(source)
    tree = parse(data, grammar_for(source.path, data), source.path)
    positions = Positions(source)
    start = _byte(source, data, plan.target.line, plan.target.column)
    end = _byte(source, data, plan.target.end_line, plan.target.end_column)
    obj = tree.root_node.descendant_for_byte_range(start, end)
    while obj is not None and not (obj.type == "object" and obj.start_byte == start and obj.end_byte == end):
        obj = obj.parent
    if obj is None:
        raise FixError("the options object could not be found again")
    names = set(plan.arguments)
    items = members(obj)
    removed = [i for i, m in enumerate(items) if _name(m) in names]
    if not removed:
        raise FixError("none of the credential properties were found")
    comments = [c for c in obj.named_children if c.type == "comment"]
    if len(removed) == len(items) and not comments:
        return (_empty(obj, data, positions),)
    ranges: List[Tuple[int, int]] = []
    children = obj.children
    last_kept = max((i for i in range(len(items)) if i not in removed), default=None)
    trailing = _comma_after(children, items[-1]) is not None
    tail = last_kept is not None and not trailing and last_kept < len(items) - 1  # the last ones go
    for i in removed:
        own_lines = _own_lines(data, children, items[i])
        if own_lines is not None:
            ranges.append(own_lines)
        elif tail and i > last_kept:  # `{ a, b, c }` without b and c: from the end of a
            ranges.append((items[last_kept].end_byte, items[i].end_byte))
        else:
            ranges.append(_with_comma(data, children, items[i]))
    if tail and all(_own_lines(data, children, items[i]) is not None for i in removed if i > last_kept):
        comma = _comma_after(children, items[last_kept])
        if comma is not None:
            ranges.append((comma.start_byte, comma.end_byte))  # no trailing comma before, none after
    return tuple(Edit(positions.span(a, b), "") for a, b in _merge(ranges))


def _byte(source: Source, data: bytes, line: int, column: int) -> int:
    offset = source.offset(line, column)
    return len(source.text[:offset].encode("utf-8", "surrogatepass")) if not source.text.isascii() else offset


def _name(member) -> Optional[str]:
    if member.type == "pair":
        return property_name(member.child_by_field_name("key"))
    if member.type == "shorthand_property_identifier":
        return property_name(member)
    return None


def _comma_after(children, member):
    """The comma token that ends a member, if any (comments may stand between)."""
    seen = False
    for child in children:
        if seen:
            if child.type == "comment":
                continue
            return child if child.type == "," else None
        if child == member:
            seen = True
    return None


def _own_lines(data: bytes, children, member) -> Optional[Tuple[int, int]]:
    """The whole lines of a member that stands on lines of its own (with its
    comma and a comment that ends its last line), or None."""
    comma = _comma_after(children, member)
    start, end = member.start_byte, (comma.end_byte if comma is not None else member.end_byte)
    line_start = data.rfind(b"\n", 0, start) + 1
    if data[line_start:start].strip():
        return None
    rest_end = data.find(b"\n", end)
    rest_end = len(data) if rest_end < 0 else rest_end
    rest = data[end:rest_end].strip()
    if rest and not (rest.startswith((b"//", b"/*")) and _comment_ends_line(data, end, rest_end)):
        return None
    return line_start, min(rest_end + 1, len(data))


def _with_comma(data: bytes, children, member) -> Tuple[int, int]:
    """A member within a line: with its comma and the spaces after it."""
    comma = _comma_after(children, member)
    if comma is None:
        return member.start_byte, member.end_byte
    after = comma.end_byte
    while after < len(data) and data[after:after + 1] in (b" ", b"\t"):
        after += 1
    return member.start_byte, after


def _comment_ends_line(data: bytes, start: int, end: int) -> bool:
    """A comment after a member runs to the end of its line (no code after it)."""
    rest = data[start:end].strip()
    if rest.startswith(b"//"):
        return True
    close = rest.find(b"*/")
    return close >= 0 and not rest[close + 2:].strip()


def _empty(obj, data: bytes, positions: Positions) -> Edit:
    """Every property goes: `f({...})` -> `f()` when the object was the only
    argument, else `{}` in its place."""
    parent = obj.parent
    if parent is not None and parent.type == "arguments":
        others = [c for c in parent.named_children if c.type != "comment" and c != obj]
        if not others and not [c for c in parent.named_children if c.type == "comment"]:
            return Edit(positions.span(parent.start_byte, parent.end_byte), "()")
    return Edit(positions.span(obj.start_byte, obj.end_byte), "{}")


def _merge(ranges: Sequence[Tuple[int, int]]) -> List[Tuple[int, int]]:
    out: List[List[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]
