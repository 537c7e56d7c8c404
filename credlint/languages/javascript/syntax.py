"""tree-sitter for JavaScript and TypeScript: the grammar for a file, one
parse, one query that finds every node the analysis looks at, and the small
readings of nodes it needs (a string's value, a node without TypeScript's
wrappers).

Why tree-sitter: a concrete syntax tree with byte ranges (edits that keep
every other byte), error recovery (a file with a syntax error still has its
valid parts), and published grammar wheels, so nothing is compiled on
install. It is imported only when a JavaScript file passes the prefilter.

Two tree-sitter APIs are in use: Python 3.9 gets 0.23 (`Query.captures`),
newer Pythons 0.25+ (`QueryCursor(query).captures`); `captures()` hides it.
"""
from __future__ import annotations

import os
import re
from typing import Dict, List, Optional, Tuple

import tree_sitter as ts

# Extensions -> grammar. The javascript grammar reads JSX; the typescript one
# does not, so .tsx has its own (which in turn refuses `<T>x` casts).
GRAMMAR_OF = {".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx"}

# Nodes the analysis visits (one query: tree-sitter's own traversal in C is
# several times faster than walking the tree from Python).
_KINDS = (
    "import_statement", "variable_declarator", "assignment_expression", "new_expression", "call_expression",
    "pair", "formal_parameters", "comment", "binary_expression",
    # scopes
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function", "class_static_block",
    # class fields: `field_definition` in JavaScript, `public_field_definition` in TypeScript
    "field_definition", "public_field_definition",
)
SCOPES = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                    "generator_function_declaration", "generator_function", "class_static_block"})
# TypeScript's wrappers that do not change a value: x!, x as T, x satisfies T, <T>x, (x)
TRANSPARENT = frozenset({"non_null_expression", "as_expression", "satisfies_expression", "type_assertion",
                         "parenthesized_expression", "await_expression"})

_languages: Dict[str, "ts.Language"] = {}
_parsers: Dict[str, "ts.Parser"] = {}
_queries: Dict[str, "ts.Query"] = {}


# Single-file components: only their <script> blocks are code.
COMPONENTS = (".vue", ".svelte")
_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_LANG_TS = re.compile(rb"""\blang\s*=\s*["']?(?:ts|typescript)\b""", re.I)


def grammar_for(path: str, data: Optional[bytes] = None) -> str:
    suffix = os.path.splitext(path)[1].lower()
    if suffix in COMPONENTS:
        blocks = _SCRIPT.findall(data or b"")
        return "typescript" if any(_LANG_TS.search(attrs) for attrs, _ in blocks) else "javascript"
    return GRAMMAR_OF.get(suffix, "javascript")


def script_ranges(data: bytes) -> List["ts.Range"]:
    """The byte ranges of a component's <script> blocks, in file coordinates."""
    out = []
    for m in _SCRIPT.finditer(data):
        start, end = m.start(2), m.end(2)
        out.append(ts.Range(_point(data, start), _point(data, end), start, end))
    return out


def _point(data: bytes, offset: int) -> Tuple[int, int]:
    row = data.count(b"\n", 0, offset)
    return row, offset - (data.rfind(b"\n", 0, offset) + 1)


def language(grammar: str) -> "ts.Language":
    found = _languages.get(grammar)
    if found is None:
        if grammar == "javascript":
            import tree_sitter_javascript as module

            found = ts.Language(module.language())
        else:
            import tree_sitter_typescript as module

            found = ts.Language(module.language_tsx() if grammar == "tsx" else module.language_typescript())
        _languages[grammar] = found
    return found


def parse(data: bytes, grammar: str, path: str = "") -> "ts.Tree":
    """The tree of a file; of a .vue/.svelte component, of its <script>
    blocks only (positions stay the file's)."""
    if path.lower().endswith(COMPONENTS):
        parser = ts.Parser(language(grammar))
        ranges = script_ranges(data)
        if not ranges:
            return parser.parse(b"")
        parser.included_ranges = ranges
        return parser.parse(data)
    parser = _parsers.get(grammar)
    if parser is None:
        parser = _parsers[grammar] = ts.Parser(language(grammar))
    return parser.parse(data)


def _query(grammar: str) -> "ts.Query":
    query = _queries.get(grammar)
    if query is None:
        lang = language(grammar)
        kinds = [k for k in _KINDS if lang.id_for_node_kind(k, True)]
        query = _queries[grammar] = ts.Query(lang, "\n".join(f"({k}) @{k}" for k in kinds))
    return query


if hasattr(ts, "QueryCursor"):  # tree-sitter 0.25+
    def captures(grammar: str, root: "ts.Node") -> Dict[str, List["ts.Node"]]:
        return ts.QueryCursor(_query(grammar)).captures(root)
else:  # pragma: no cover - tree-sitter 0.23/0.24 (Python 3.9)
    def captures(grammar: str, root: "ts.Node") -> Dict[str, List["ts.Node"]]:
        return _query(grammar).captures(root)


def error_count(tree: "ts.Tree") -> int:
    """ERROR and MISSING nodes: a fix must not add any."""
    root = tree.root_node
    if not root.has_error:
        return 0
    count = 0
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count


# -- reading nodes ------------------------------------------------------------------------------


def unwrap(node: Optional["ts.Node"]) -> Optional["ts.Node"]:
    """The value inside TypeScript's `!`, `as`, `satisfies`, casts, parentheses and `await`."""
    while node is not None and node.type in TRANSPARENT:
        inner = node.named_children
        node = inner[0] if inner else None
        while node is not None and node.type == "comment":
            node = node.next_named_sibling
    return node


def text(node: "ts.Node") -> str:
    return node.text.decode("utf-8", "replace")


_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(sequence: str) -> str:
    body = sequence[1:]
    if not body:
        return ""
    if body[0] in "\n\r\u2028\u2029":  # a line continuation
        return ""
    try:
        if body[0] == "x":
            return chr(int(body[1:3], 16))
        if body.startswith("u{"):
            return chr(int(body[2:-1], 16))
        if body[0] == "u":
            return chr(int(body[1:5], 16))
        if body in _SIMPLE:
            return _SIMPLE[body]
        if body[0] in "01234567":
            return chr(int(body, 8))
    except (ValueError, OverflowError):
        return body
    return body  # \' \" \\ and any other character stand for themselves


def string_value(node: Optional["ts.Node"]) -> Optional[str]:
    """The value of a string literal, or of a template literal without
    substitutions; None for anything else."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    out = []
    for child in node.named_children:
        kind = child.type
        if kind == "string_fragment":
            out.append(text(child))
        elif kind == "escape_sequence":
            out.append(_unescape(text(child)))
        elif kind == "html_character_reference":
            out.append(text(child))
        elif kind == "template_substitution":
            return None
    return "".join(out)


def property_name(node: Optional["ts.Node"]) -> Optional[str]:
    """The name of an object key: `a`, `'a'`, `"a"`, `['a']`, `a` in `{ a }`."""
    if node is None:
        return None
    kind = node.type
    if kind in ("property_identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern",
                "identifier", "private_property_identifier"):
        return text(node)
    if kind in ("string", "template_string"):
        return string_value(node)
    if kind == "computed_property_name":
        inner = node.named_children
        return string_value(inner[0]) if inner else None
    return None


def members(obj: "ts.Node") -> List["ts.Node"]:
    """An object literal's members, without comments."""
    return [c for c in obj.named_children if c.type != "comment"]


def pair_value(pair: "ts.Node") -> Optional["ts.Node"]:
    if pair.type == "shorthand_property_identifier":
        return pair
    return pair.child_by_field_name("value")


def enclosing_statement(node: "ts.Node") -> "ts.Node":
    """The statement (or declaration) a node belongs to, for suppressions."""
    current = node
    while current.parent is not None and current.parent.type not in ("program", "statement_block", "class_body",
                                                                     "switch_body", "export_statement"):
        current = current.parent
    if current.parent is not None and current.parent.type == "export_statement":
        current = current.parent
    return current


class Positions:
    """tree-sitter counts UTF-8 bytes; credlint's spans count characters of
    the decoded text. Converting goes through character offsets, so any line
    break (CR, LF, CRLF) is counted as the text's own."""

    def __init__(self, source) -> None:
        self.source = source
        self.ascii = source.text.isascii()
        self._data: Optional[bytes] = None

    def char(self, byte: int) -> int:
        if self.ascii:
            return byte
        if self._data is None:
            self._data = self.source.text.encode("utf-8", "surrogatepass")
        return len(self._data[:byte].decode("utf-8", "replace"))

    def span(self, start_byte: int, end_byte: int):
        return self.source.span_of(self.char(start_byte), self.char(end_byte))

    def of(self, node: "ts.Node"):
        return self.span(node.start_byte, node.end_byte)


def data_of(source) -> bytes:
    """The bytes tree-sitter parses: the decoded text as UTF-8 (no BOM)."""
    return source.text.encode("utf-8", "surrogatepass")


def span_pair(first: "ts.Node", last: "ts.Node") -> Tuple[int, int]:
    return first.start_byte, last.end_byte
