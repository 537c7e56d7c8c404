"""Remove credential keyword arguments from a call's text, without libcst
when the call has no comment in it.

libcst (fixes.py) is what a fix is made with; importing it costs 0.13 s, more
than linting a thousand files, and a JSON or SARIF report asks for the edits
of every fixable finding. Without a comment, a call's layout is only
whitespace between tokens, and what libcst does with it reduces to three
rules (fixes.py explains where libcst keeps each piece of whitespace):

- an argument goes with its comma and the whitespace after that comma, that
  is, up to the start of the next argument;
- when the last arguments go, the new last argument keeps its comma if the
  call had a trailing comma (then the whitespace the call had before `)`),
  or loses it and takes the whitespace that stood between the old last
  argument and `)`;
- when every argument goes, `f()`.

tests/test_languages_python_arguments.py checks, on generated calls, that
this gives libcst's text exactly. Anything else (a comment, a backslash, a
`**{...}` or `**name` to edit, a replacement argument) goes to libcst.
"""
from __future__ import annotations

import io
import re
import tokenize
from typing import List, Optional, Sequence, Tuple

from ...fixes import FixError


def remove_arguments(snippet: str, names: Sequence[str], splats: Sequence[str], newline: str = "\n",
                     base_indent: str = "", replacement: str = "") -> str:
    """`snippet` is the text of one call; see fixes.remove_arguments."""
    if not splats and not replacement:
        plain = without_keywords(snippet, frozenset(names), newline)
        if plain is not None:
            return plain
    from .fixes import remove_arguments as with_libcst

    return with_libcst(snippet, names, splats, newline, base_indent, replacement)


def without_keywords(snippet: str, names: frozenset, newline: str = "\n") -> Optional[str]:
    """The call without its keyword arguments named in `names`, or None when
    this cannot tell what libcst would write (then libcst decides). Raises
    FixError when none of them is in the call, as libcst's path does."""
    if "#" in snippet or "\\" in snippet:
        return None  # (a string may hold them too: rare enough to leave to libcst)
    others = snippet.replace(newline, "")
    if "\r" in others or "\n" in others:
        return None  # a line ending other than the file's: libcst writes the file's
    parsed = _arguments(snippet)
    if parsed is None:
        return None
    open_at, close_at, arguments = parsed
    if not arguments:
        raise FixError("none of the credential arguments were found in the call")
    removed = [_keyword(snippet, start) in names for start, _, _ in arguments]
    if any(snippet[start:start + 2] == "**" and snippet[start + 2:].lstrip().startswith("{")
           for start, _, _ in arguments):
        return None  # an inline **{...}: its entries may be removed one by one
    if not any(removed):
        raise FixError("none of the credential arguments were found in the call")
    kept = [i for i, gone in enumerate(removed) if not gone]
    if not kept:
        return snippet[:open_at + 1] + snippet[close_at:]
    last = len(arguments) - 1
    pieces = [snippet[:arguments[0][0]]]  # the callee, `(` and what follows it
    for i in kept[:-1]:
        pieces.append(snippet[arguments[i][0]:arguments[i + 1][0]])
    k = kept[-1]
    start, end, comma = arguments[k]
    if k == last:
        pieces.append(snippet[start:])
    elif arguments[last][2] is not None:  # a trailing comma: kept, then the whitespace before `)`
        pieces.append(snippet[start:comma + 1] + snippet[arguments[last][2] + 1:])
    else:  # the new last argument, then the whitespace the old last one had before `)`
        pieces.append(snippet[start:end] + snippet[arguments[last][1]:])
    return "".join(pieces)


def _keyword(snippet: str, start: int) -> Optional[str]:
    m = _KEYWORD.match(snippet, start)
    return m.group(1) if m else None


_KEYWORD = re.compile(r"([A-Za-z_]\w*)[ \t\r\n\f]*=(?!=)")


def _arguments(snippet: str) -> Optional[Tuple[int, int, List[Tuple[int, int, Optional[int]]]]]:
    """The offsets of the call's own `(` and `)`, and for each argument its
    start, end (after its last token) and comma (or None). None when the
    text does not end with the call's `)`."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(snippet).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    lines = snippet.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def at(position: Tuple[int, int]) -> int:
        return offsets[position[0] - 1] + position[1]

    code = [t for t in tokens if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER,
                                                tokenize.INDENT, tokenize.DEDENT)]
    if not code or code[-1].string != ")" or at(code[-1].end) != len(snippet.rstrip()) or \
            len(snippet.rstrip()) != len(snippet):
        return None
    if any(t.type in (tokenize.COMMENT, tokenize.ERRORTOKEN) or t.type == _FSTRING_START
           or (t.type == tokenize.NAME and t.string == "lambda") for t in tokens):
        return None  # (a lambda's parameters hold commas outside brackets; 3.12 splits f-strings into tokens)
    depth = 0
    opening = None
    for index in range(len(code) - 1, -1, -1):  # the `(` that the final `)` closes
        text = code[index].string if code[index].type == tokenize.OP else ""
        if text in (")", "]", "}"):
            depth += 1
        elif text in ("(", "[", "{"):
            depth -= 1
            if depth == 0:
                opening = index
                break
    if opening is None or opening == 0:
        return None
    depth = 0
    for token in tokens:  # a line break outside brackets before the call's `(`: not an expression alone
        if token.start >= code[opening].start:
            break
        if token.type == tokenize.OP and token.string in ("(", "[", "{"):
            depth += 1
        elif token.type == tokenize.OP and token.string in (")", "]", "}"):
            depth -= 1
        elif token.type in (tokenize.NL, tokenize.NEWLINE) and depth == 0:
            return None
    arguments: List[Tuple[int, int, Optional[int]]] = []
    depth = 0
    start = end = None
    for token in code[opening + 1:-1]:
        text = token.string if token.type == tokenize.OP else ""
        if depth == 0 and text == ",":
            if start is None:
                return None
            arguments.append((start, end, at(token.start)))  # type: ignore[arg-type]
            start = end = None
            continue
        if text in ("(", "[", "{"):
            depth += 1
        elif text in (")", "]", "}"):
            depth -= 1
        if start is None:
            start = at(token.start)
        end = at(token.end)
    if start is not None:
        arguments.append((start, end, None))  # type: ignore[arg-type]
    return at(code[opening].start), at(code[-1].start), arguments


_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)  # Python 3.12+
_INDENT = re.compile(r"[ \t]*")


def leading_indent(line: str) -> str:
    return _INDENT.match(line).group(0)  # type: ignore[union-attr]


def import_edit_position(module_text: str, statement: str) -> Optional[int]:
    """Where to insert an import the fix needs: the 1-based line after the
    module's leading imports (after its docstring and `__future__` imports
    when there are no others). None when the module already has it."""
    import ast

    try:
        tree = ast.parse(module_text)
        wanted = ast.parse(statement).body[0]
    except SyntaxError:
        raise FixError("the module could not be read to add an import") from None
    names = {(getattr(wanted, "module", None), a.name, a.asname) for a in wanted.names}  # type: ignore[attr-defined]
    line = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            have = {(getattr(node, "module", None), a.name, a.asname) for a in node.names}
            if names <= have:
                return None
            line = node.end_lineno  # type: ignore[assignment]
        elif line == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            line = node.end_lineno  # type: ignore[assignment]  # the docstring
        else:
            break
    return line + 1
