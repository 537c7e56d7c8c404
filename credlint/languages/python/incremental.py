"""Re-parse only what an edit touched, for the language server.

An editor sends the whole buffer after every keystroke, and `ast.parse` of a
3,000-line module is most of a re-lint's time. Successive versions differ in a
few lines, so the top-level statements before and after the edit keep their
trees (those after it shifted by the change in line count) and only the
statements the edit touched, plus one on each side, are parsed again.

The spliced module is what a full parse would give whenever the re-parsed
region parses on its own as whole statements; whenever there is doubt (the
edit reaches the first two lines, where a coding cookie lives; the region does
not parse; a `from __future__` import is in play) the whole buffer is parsed.
tests/test_incremental_parse.py compares both over thousands of random edits.
"""
from __future__ import annotations

import ast
import re
import warnings
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

MAX_FILES = 16
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class IncrementalParser:
    def __init__(self) -> None:
        self._last: "OrderedDict[str, Tuple[List[str], ast.Module]]" = OrderedDict()
        self._memos: Dict[str, dict] = {}  # per buffer: names.ModuleModel's walk of each kept statement
        self.reused = 0  # parses that reused earlier trees (for tests and benchmarks)

    def memo(self, key: str) -> dict:
        """Where the module model of `key`'s last tree keeps its per-statement walks."""
        if key not in self._last:
            self._memos.pop(key, None)
            return {}
        return self._memos.setdefault(key, {})

    def parse(self, key: str, text: str) -> ast.Module:
        lines = _LINES.findall(text)  # Python's line breaks only (str.splitlines also breaks at \f, U+2028...)
        previous = self._last.pop(key, None)
        tree = None
        if previous is not None:
            try:
                tree = _splice(previous[0], previous[1], lines)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                tree = None
            if tree is not None:
                self.reused += 1
        if tree is None:
            tree = _full(text)  # raises SyntaxError for the caller
        self._last[key] = (lines, tree)
        while len(self._last) > MAX_FILES:
            self._memos.pop(self._last.popitem(last=False)[0], None)
        return tree


def _full(text: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def _span(node: ast.stmt) -> Tuple[int, int]:
    """0-based [first, last] line of a top-level statement, decorators included."""
    first = node.lineno
    for decorator in getattr(node, "decorator_list", ()):
        first = min(first, decorator.lineno)
    return first - 1, node.end_lineno - 1


def _splice(old: List[str], tree: ast.Module, new: List[str]) -> Optional[ast.Module]:
    if old == new:
        return tree
    shortest = min(len(old), len(new))
    prefix = 0
    while prefix < shortest and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    if prefix < 2:
        return None  # the coding cookie's lines, or the very start: parse it all
    changed_end = len(old) - suffix  # old lines [prefix, changed_end) changed
    delta = len(new) - len(old)
    body = tree.body
    spans = [_span(s) for s in body]
    # statements wholly before / after the changed lines; one more on each side
    # is re-parsed, since an edit next to a statement may extend it
    before = [i for i, (_, last) in enumerate(spans) if last < prefix]
    after = [i for i, (first, _) in enumerate(spans) if first >= changed_end]
    keep_before = before[:-1]
    keep_after = after[1:]
    # `a = 1; b = 2`: statements sharing a line cannot be split between kept and re-parsed
    if keep_before and spans[keep_before[-1]][1] == spans[keep_before[-1] + 1][0]:
        return None
    if keep_after and spans[keep_after[0]][0] == spans[keep_after[0] - 1][1]:
        return None
    start = spans[keep_before[-1]][1] + 1 if keep_before else 0
    end_old = spans[keep_after[0]][0] if keep_after else len(old)
    if start < 2:
        return None
    end_new = end_old + delta
    if end_new < start:
        return None
    region = "".join(new[start:end_new])
    if "__future__" in region:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = ast.parse(region)
    for statement in parsed.body:
        _shift(statement, start)
    kept_after = [body[i] for i in keep_after]
    if delta:
        for statement in kept_after:
            _shift(statement, delta)
    return ast.Module(body=[body[i] for i in keep_before] + parsed.body + kept_after, type_ignores=[])


_SHAPES: Dict[type, Tuple[bool, Tuple[str, ...]]] = {}


def _shift(statement: ast.AST, delta: int) -> None:
    """ast.increment_lineno, twice as fast: no generator per node, and each
    node class's fields and attributes looked up once."""
    stack = [statement]
    pop, push, AST = stack.pop, stack.append, ast.AST
    while stack:
        node = pop()
        cls = node.__class__
        shape = _SHAPES.get(cls)
        if shape is None:
            shape = _SHAPES[cls] = ("lineno" in cls._attributes, cls._fields)
        if shape[0]:
            node.lineno = getattr(node, "lineno", 0) + delta
            end = getattr(node, "end_lineno", None)
            if end is not None:
                node.end_lineno = end + delta
        for name in shape[1]:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for child in value:
                    if isinstance(child, AST):
                        push(child)
            elif isinstance(value, AST):
                push(value)
