"""Python fixes, with libcst: remove credential arguments from a call, or a
`set_credentials(...)` statement, keeping every other byte of the file.
(arguments.py writes the same text without libcst for a call without a
comment, the common case; this module is imported only when it cannot.)

Only the call's own text is parsed (libcst.parse_expression on the slice that
`ast` located), so a fix costs a few milliseconds even in a huge module, and
nothing outside the call can change.

Where the whitespace lives decides what survives. libcst keeps the comment
and newline that end an argument's line in that argument's comma
(`Comma.whitespace_after`). So removing an argument removes the argument, its
comma and that trailing whitespace: its own line (and its comment) goes, the
neighbours' comments stay. When the last arguments go, the new last argument
takes over the whitespace that preceded `)` (keeping its own comment and the
closing paren's indentation), and keeps or drops its trailing comma as the
call had one or not.
"""
from __future__ import annotations

from typing import FrozenSet, List, Optional, Sequence, Union

import libcst as cst

from ...fixes import FixError

Whitespace = Union[cst.SimpleWhitespace, cst.ParenthesizedWhitespace]


def remove_arguments(snippet: str, names: Sequence[str], splats: Sequence[str], newline: str = "\n",
                     base_indent: str = "", replacement: str = "") -> str:
    """`snippet` is the text of one call. Drop keyword arguments named in
    `names`, entries with those keys from inline `**{...}` dicts (the whole
    splat if nothing else is left), and `**name` arguments named in `splats`.
    With a `replacement` (one keyword argument's text), it takes the place
    of the first argument removed, with that argument's comma and layout."""
    try:
        call = cst.parse_expression(snippet)
    except cst.ParserSyntaxError:
        raise FixError("the call could not be re-read for fixing") from None
    if not isinstance(call, cst.Call):
        raise FixError("the fix target is not a call")
    new = _without_arguments(call, frozenset(names), frozenset(splats), base_indent, _argument(replacement))
    return cst.Module([], default_newline=newline).code_for_node(new)


def _argument(text: str) -> Optional[cst.Arg]:
    if not text:
        return None
    try:
        call = cst.parse_expression(f"f({text})")
    except cst.ParserSyntaxError:
        raise FixError("the replacement is not an argument") from None
    if not isinstance(call, cst.Call) or len(call.args) != 1:
        raise FixError("the replacement is not one argument")
    return call.args[0]


def _without_arguments(call: cst.Call, names: FrozenSet[str], splats: FrozenSet[str], base_indent: str,
                       replacement: Optional[cst.Arg] = None) -> cst.Call:
    # (plain isinstance checks: libcst.matchers is a 170 ms import, more than all the rest)
    def credential_keyword(arg: cst.Arg) -> bool:
        return isinstance(arg.keyword, cst.Name) and arg.keyword.value in names

    def named_splat(arg: cst.Arg) -> bool:
        return arg.star == "**" and isinstance(arg.value, cst.Name) and arg.value.value in splats

    def inline_splat(arg: cst.Arg) -> bool:
        return arg.star == "**" and isinstance(arg.value, cst.Dict)

    slots: List[Optional[cst.Arg]] = []  # per original argument: what stays, or None
    for arg in call.args:
        if credential_keyword(arg) and replacement is not None:
            slots.append(replacement.with_changes(comma=arg.comma, whitespace_after_arg=arg.whitespace_after_arg))
            replacement = None  # in the first one's place; the others go
        elif credential_keyword(arg) or named_splat(arg):
            slots.append(None)
        elif inline_splat(arg):
            entries = _without_entries(arg.value, names, base_indent)
            slots.append(None if not entries.elements else arg.with_changes(value=entries))
        else:
            slots.append(arg)
    if all(new is old for new, old in zip(slots, call.args)):
        raise FixError("none of the credential arguments were found in the call")
    return call.with_changes(**_close(list(call.args), slots, call.whitespace_before_args, base_indent))


def _close(original: list, slots: list, opening: Whitespace, base_indent: str) -> dict:
    """The arguments (or dict elements) that stay, with the whitespace before
    the closing bracket re-attached when the old last ones were removed."""
    is_arg = isinstance(original[0], cst.Arg)
    last_original = original[-1]
    trailing_comma = isinstance(last_original.comma, cst.Comma)
    if trailing_comma:
        closing = last_original.comma.whitespace_after
    else:
        closing = last_original.whitespace_after_arg if is_arg else cst.SimpleWhitespace("")
    if slots[-1] is None:
        closing = _without_comment(closing)  # that comment was on the removed line
    kept = [s for s in slots if s is not None]
    if not kept:
        # `f(` + comments on their own lines + `)`: keep those comments, else `f()`.
        opening = _join(opening, closing, base_indent) if _has_comment(opening) else cst.SimpleWhitespace("")
        return {"args": (), "whitespace_before_args": opening} if is_arg else {"elements": ()}
    last_index = max(i for i, s in enumerate(slots) if s is not None)
    if last_index != len(original) - 1:  # the arguments after the new last one are gone
        last = kept[-1]
        own = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else cst.SimpleWhitespace("")
        if trailing_comma:
            last = last.with_changes(comma=last.comma.with_changes(whitespace_after=_join(own, closing, base_indent)))
        elif is_arg:
            last = last.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=_join(own, closing, base_indent))
        else:
            last = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            kept[-1] = last
            return {"elements": tuple(kept), "own_before_close": own}
        kept[-1] = last
    return {"args": tuple(kept)} if is_arg else {"elements": tuple(kept)}


def _without_entries(node: cst.Dict, names: FrozenSet[str], base_indent: str) -> cst.Dict:
    """A `**{...}` dict literal without the credential entries; the same
    whitespace rules as for arguments, with `}` in the place of `)`."""
    elements = list(node.elements)
    slots = [None if _dict_key(e) in names else e for e in elements]
    if all(s is not None for s in slots):
        return node
    changes = _close(elements, slots, node.lbrace.whitespace_after, base_indent)
    own = changes.pop("own_before_close", None)
    if own is not None:  # no trailing comma: the brace's own whitespace follows the new last entry
        rbrace = node.rbrace
        changes["rbrace"] = rbrace.with_changes(whitespace_before=_join(own, rbrace.whitespace_before, base_indent))
    return node.with_changes(**changes)


def _dict_key(element) -> Optional[str]:
    if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
        return element.key.evaluated_value if isinstance(element.key.evaluated_value, str) else None
    return None


def _has_comment(ws: Whitespace) -> bool:
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return ws.first_line.comment is not None or any(line.comment is not None for line in ws.empty_lines)
    return False


def _without_comment(ws: Whitespace) -> Whitespace:
    if isinstance(ws, cst.ParenthesizedWhitespace) and ws.first_line.comment is not None:
        return ws.with_changes(first_line=cst.TrailingWhitespace(newline=ws.first_line.newline))
    return ws


def _join(own: Whitespace, closing: Whitespace, base_indent: str) -> Whitespace:
    """Whitespace between the new last argument and the closing bracket: the
    closing bracket's own, unless the last argument's line carries a comment,
    which must keep its line break."""
    if not _has_comment(own):
        return closing
    assert isinstance(own, cst.ParenthesizedWhitespace)
    if isinstance(closing, cst.ParenthesizedWhitespace):
        return own.with_changes(indent=closing.indent, last_line=closing.last_line)
    # the bracket stood on a removed line: put it on its own line at the
    # indentation of the statement the call is in
    return own.with_changes(indent=False, last_line=cst.SimpleWhitespace(base_indent))
