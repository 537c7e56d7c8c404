"""JSON with the position of every value, for `file:line` findings.

Why not a library: the standard `json` module gives values without positions,
and the packages that keep them (json-source-map, jsoncparser ports, lark
grammars) are either unmaintained, pull in a parser generator, or are not
credlint dependencies (adding one is a packaging decision outside analyzers).
This scanner is small because the hard parts are the standard library's:
`json.decoder.scanstring` (C-accelerated) decodes strings and tells where they
end, and `json.scanner.NUMBER_RE` reads numbers. The scanner only walks the
structure and records offsets.

It is lenient where real files are: `//` and `/* */` comments and trailing
commas (VS Code settings, tsconfig, JSONC) are accepted. Anything else that is
not JSON raises `JsonError` with the line of the problem.
"""
from __future__ import annotations

from json.decoder import scanstring
from json.scanner import NUMBER_RE
from typing import Any, Iterator, List, NamedTuple, Optional, Tuple, Union


class JsonError(ValueError):
    def __init__(self, message: str, offset: int, text: str) -> None:
        self.line = text.count("\n", 0, offset) + 1
        super().__init__(f"line {self.line}: {message}")
        self.message = message
        self.offset = offset


class JString(NamedTuple):
    value: str
    start: int  # offset of the opening quote
    end: int  # offset just after the closing quote


class JScalar(NamedTuple):
    value: Any  # int, float, bool or None
    start: int
    end: int


class JArray(NamedTuple):
    items: List["Node"]
    start: int
    end: int


class JObject(NamedTuple):
    items: List[Tuple[JString, "Node"]]  # in file order, duplicates kept
    start: int
    end: int

    def get(self, key: str) -> Optional["Node"]:
        found = None
        for name, value in self.items:
            if name.value == key:
                found = value  # the last one wins, as in json.loads
        return found


Node = Union[JString, JScalar, JArray, JObject]

_WHITESPACE = " \t\n\r"
_LITERALS = (("true", True), ("false", False), ("null", None))
MAX_DEPTH = 200  # two frames a level: stays far from the interpreter recursion limit


def parse(text: str) -> Node:
    """The document's root node; JsonError if the text is not JSON."""
    parser = _Parser(text)
    pos = parser.skip(0)
    if pos >= len(text):
        raise JsonError("empty document", pos, text)
    node = parser.value(pos, 0)
    end = parser.skip(node.end)
    if end != len(text):
        raise JsonError("extra data after the document", end, text)
    return node


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text

    def fail(self, message: str, pos: int) -> JsonError:
        return JsonError(message, pos, self.text)

    def skip(self, pos: int) -> int:
        """Skip whitespace and comments."""
        text = self.text
        n = len(text)
        while pos < n:
            c = text[pos]
            if c in _WHITESPACE:
                pos += 1
            elif c == "/" and text.startswith("//", pos):
                newline = text.find("\n", pos)
                pos = n if newline < 0 else newline + 1
            elif c == "/" and text.startswith("/*", pos):
                close = text.find("*/", pos + 2)
                if close < 0:
                    raise self.fail("unterminated comment", pos)
                pos = close + 2
            else:
                break
        return pos

    def value(self, pos: int, depth: int) -> Node:
        text = self.text
        if pos >= len(text):
            raise self.fail("unexpected end of the document", pos)
        c = text[pos]
        if c == '"':
            return self.string(pos)
        if c == "{":
            return self.object(pos, depth + 1)
        if c == "[":
            return self.array(pos, depth + 1)
        for word, val in _LITERALS:
            if text.startswith(word, pos):
                return JScalar(val, pos, pos + len(word))
        m = NUMBER_RE.match(text, pos)
        if m is not None and m.end() > pos:
            integer, frac, exp = m.groups()
            number = float(integer + (frac or "") + (exp or "")) if frac or exp else int(integer)
            return JScalar(number, pos, m.end())
        raise self.fail(f"unexpected character {c!r}", pos)

    def string(self, pos: int) -> JString:
        try:
            value, end = scanstring(self.text, pos + 1, True)
        except ValueError as exc:
            raise self.fail(getattr(exc, "msg", "invalid string"), getattr(exc, "pos", pos)) from None
        return JString(value, pos, end)

    def object(self, start: int, depth: int) -> JObject:
        if depth > MAX_DEPTH:
            raise self.fail("nested too deeply", start)
        items: List[Tuple[JString, Node]] = []
        pos = self.skip(start + 1)
        text = self.text
        while True:
            if pos < len(text) and text[pos] == "}":
                return JObject(items, start, pos + 1)
            if pos >= len(text) or text[pos] != '"':
                raise self.fail("expected a property name in double quotes", pos)
            key = self.string(pos)
            pos = self.skip(key.end)
            if pos >= len(text) or text[pos] != ":":
                raise self.fail("expected ':' after a property name", pos)
            value = self.value(self.skip(pos + 1), depth)
            items.append((key, value))
            pos = self.skip(value.end)
            if pos < len(text) and text[pos] == ",":
                pos = self.skip(pos + 1)  # a trailing comma is tolerated: the loop sees '}'
            elif pos >= len(text) or text[pos] != "}":
                raise self.fail("expected ',' or '}'", pos)

    def array(self, start: int, depth: int) -> JArray:
        if depth > MAX_DEPTH:
            raise self.fail("nested too deeply", start)
        items: List[Node] = []
        pos = self.skip(start + 1)
        text = self.text
        while True:
            if pos < len(text) and text[pos] == "]":
                return JArray(items, start, pos + 1)
            value = self.value(pos, depth)
            items.append(value)
            pos = self.skip(value.end)
            if pos < len(text) and text[pos] == ",":
                pos = self.skip(pos + 1)
            elif pos >= len(text) or text[pos] != "]":
                raise self.fail("expected ',' or ']'", pos)


# -- positions inside strings ------------------------------------------------------------


def raw_offset(text: str, node: JString, index: int) -> int:
    """The offset in `text` of character `index` of the decoded string
    `node.value` (index == len(value) gives the closing quote)."""
    if node.end - node.start - 2 == len(node.value):  # no escapes: one character each
        return node.start + 1 + index
    pos = node.start + 1
    for _ in range(index):
        if text[pos] != "\\":
            pos += 1
        elif text[pos + 1] != "u":
            pos += 2
        elif _is_high_surrogate(text, pos) and text.startswith("\\u", pos + 6) and _is_low_surrogate(text, pos + 6):
            pos += 12  # a surrogate pair decodes to one character
        else:
            pos += 6
    return pos


def _is_high_surrogate(text: str, pos: int) -> bool:
    return text[pos + 2:pos + 4].lower() in ("d8", "d9", "da", "db")


def _is_low_surrogate(text: str, pos: int) -> bool:
    return text[pos + 2:pos + 4].lower() in ("dc", "dd", "de", "df")


def strings(node: Node) -> Iterator[JString]:
    """Every string value under `node` (object keys excluded)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, JString):
            yield item
        elif isinstance(item, JArray):
            stack.extend(reversed(item.items))
        elif isinstance(item, JObject):
            stack.extend(reversed([value for _, value in item.items]))
