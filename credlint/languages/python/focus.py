"""Parse only what the rules can be about, in a large module.

A 5,000-line test module with one `set_credentials` call passes the
prefilter, and then `ast.parse` and the name walk of all of it cost ~40 ms
(a 30 MB module: 25 s and 2 GB). The rules need much less: the top-level
statements in which their trigger tokens appear, the imports, and the
statements that bind the names those use. So the module is cut into its
top-level statements at the lines that start in column 0 (no parse needed),
the statements with a trigger (or an import) are parsed alone, and then,
round by round, the statements that bind a name the parsed ones use and do
not bind (a constant holding a key, a helper returning a session).

Whenever a cut is in doubt (a statement that does not parse alone: the cut
fell inside a string or a bracket), the caller parses the whole module.
tests/test_languages_python_focus.py checks that the findings are those of a
full parse.
"""
from __future__ import annotations

import ast
import builtins
import re
import warnings
from bisect import bisect_right
from typing import List, Optional, Sequence, Set

MIN_BYTES = 64 * 1024  # below this, analysing it all is cheap enough
MIN_STATEMENTS = 16
MAX_ROUNDS = 6

# Lines that continue a statement although they start in column 0.
_CONTINUATION = ("else", "elif", "except", "finally", "case")
_IMPORT = re.compile(r"(?m)^[ \t]*(?:import|from)[ \t]+\S")
_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__package__",
                                        "__builtins__", "__path__", "__annotations__"}


class Trigger:
    """What makes a statement interesting: the rules' prefilter clauses
    (prefilter.Clause), met within the statement. A clause's `all` tokens may
    be met by the module's imports instead (`boto3` in `import boto3`)."""

    def __init__(self, clauses: Sequence) -> None:
        self.clauses = tuple(clauses)


# What decides where a statement may end: brackets, strings (a triple-quoted
# one can hold lines that look like code), comments, newlines. A string is one
# lexeme, so one finditer pass reads the module; `open` is a quote that
# nothing closes.
_LEXEME = re.compile(r"""#[^\n]*|[()\[\]{}]|\n|[rRbBuUfF]{0,2}(?:"""
                     r'"""(?:[^"\\]|\\.|"(?!""))*"""'
                     r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                     r'|"(?:[^"\\\n]|\\.)*"'
                     r"|'(?:[^'\\\n]|\\.)*'"
                     r"""|(?P<open>\"\"\"|\'\'\'|\"|\'))""", re.S)


def statements(text: str) -> Optional[List[int]]:
    """The first line (0-based) of each top-level statement: a line that
    starts in column 0 outside brackets and strings, and does not continue
    the statement above (`else:`, a decorated def, a backslash). None when
    the text cannot be read that way (an unclosed string, lone CR endings)."""
    if "\r" in text and "\n" not in text:
        return None
    starts: List[int] = []
    decorated = False

    def begins(position: int, line: int) -> None:
        nonlocal decorated
        head = text[position:position + 1]
        if head and head not in " \t#\r\n\f)]}" and not _continues(text, position):
            if not decorated:
                starts.append(line)
            decorated = head == "@"

    begins(0, 0)
    depth = line = 0
    for m in _LEXEME.finditer(text):
        lexeme = m.group()
        first = lexeme[0]
        if first == "\n":
            line += 1
            if depth == 0:
                before = m.start() - 1
                if text[before:before + 1] == "\r":
                    before -= 1
                if text[before:before + 1] != "\\":  # a backslash continues the line
                    begins(m.end(), line)
        elif first == "#":
            pass
        elif first in "([{":
            depth += 1
        elif first in ")]}":
            depth = max(depth - 1, 0)
        elif m.group("open") is not None:
            return None
        elif "\n" in lexeme:
            line += lexeme.count("\n")
    return starts


def _continues(text: str, position: int) -> bool:
    word = re.match(r"[a-z]+", text[position:position + 10])
    return word is not None and word.group(0) in _CONTINUATION


def focused_module(text: str, lines: Sequence[str], line_starts: Sequence[int], data: bytes,
                   trigger: Trigger) -> Optional[ast.Module]:
    """The module with only the statements the rules can be about, or None
    when that is no saving or the text cannot be cut with confidence."""
    if len(data) < MIN_BYTES:
        return None
    starts = statements(text)
    if starts is None or len(starts) < MIN_STATEMENTS:
        return None
    if any(line.strip() and not line.lstrip().startswith("#") for line in lines[:starts[0]]):
        return None  # code before the first statement: in doubt
    ends = starts[1:] + [len(lines)]
    chunk_of = _ChunkIndex(starts, line_starts)
    imports: Set[int] = set()
    for m in _IMPORT.finditer(text):
        index = chunk_of.at_char(m.start())
        # a module-level import, or one in a top-level `try:`/`if:` (an optional
        # dependency); an import inside a function binds nothing at module level
        if text[m.start()] not in " \t" or lines[starts[index]].startswith(("try", "if", "with")):
            imports.add(index)
    byte_starts = _byte_starts(text, data, lines, starts, line_starts)
    chunks = _Chunks(data, byte_starts, imports)
    wanted = set(imports)
    # plain tokens first: they are cheap, and often already want most of it
    for clause in sorted(trigger.clauses, key=lambda c: c.regex is not None):
        wanted |= chunks.meeting(clause)
        if chunks.most(wanted):
            return None  # most of it is wanted anyway: focusing costs more than it saves
    parsed: dict = {}
    chased: Set[str] = set(_BUILTINS)
    binders = _Binders(text, chunk_of, [lines[i] for i in starts], [line_starts[i] for i in starts])
    triggered = set(wanted)
    for _ in range(MAX_ROUNDS):
        new = sorted(wanted - set(parsed))
        if not new:
            break
        for index in new:
            body = _parse(lines, starts[index], ends[index])
            if body is None:
                return None
            parsed[index] = body
        # every statement that may bind a name these use: not only a missing
        # one, also one that shadows an import (`class boto3:` in a test module)
        for index in new:
            for name in _used(parsed[index], index in triggered) - chased:
                chased.add(name)
                wanted |= binders.of(name)
        if chunks.most(wanted):
            return None
    else:
        return None
    body = [statement for index in sorted(parsed) for statement in parsed[index]]
    return ast.Module(body=body, type_ignores=[])


class _ChunkIndex:
    def __init__(self, starts: Sequence[int], line_starts: Sequence[int]) -> None:
        self.starts = starts
        self.line_starts = line_starts

    def at_line(self, line: int) -> int:
        return max(bisect_right(self.starts, line) - 1, 0)

    def at_char(self, offset: int) -> int:
        return self.at_line(bisect_right(self.line_starts, offset) - 1)


def _byte_starts(text: str, data: bytes, lines: Sequence[str], starts: Sequence[int],
                 line_starts: Sequence[int]) -> List[int]:
    """Each statement's first byte in `data` (the text as UTF-8)."""
    if len(data) == len(text):  # ASCII: characters are bytes
        return [line_starts[i] for i in starts]
    return [len(text[:line_starts[i]].encode("utf-8", "surrogatepass")) for i in starts]


class _Chunks:
    """The statements as byte ranges, to find which meet a clause."""

    def __init__(self, data: bytes, starts: List[int], imports: Set[int]) -> None:
        self.data = data
        self.starts = starts
        self.ends = starts[1:] + [len(data)]
        self.imports = b"".join(self.bytes(i) for i in sorted(imports))
        self._lowered: Optional[bytes] = None

    def bytes(self, index: int) -> bytes:
        return self.data[self.starts[index]:self.ends[index]]

    def most(self, indexes: Set[int]) -> bool:
        """The statements hold more than half of the module's bytes (a test
        module of three classes, one of them triggered: a third of the
        statements, most of the work)."""
        return sum(self.ends[i] - self.starts[i] for i in indexes) * 2 > len(self.data)

    def lowered(self) -> bytes:
        if self._lowered is None:
            self._lowered = self.data.lower()
        return self._lowered

    def meeting(self, clause) -> Set[int]:
        haystack = self.lowered() if clause.ignore_case else self.data
        candidates: Set[int] = set()
        if clause.any:
            for token in clause.any:
                position = haystack.find(token)
                while position >= 0:  # one hit per statement is enough: go on from the next one
                    index = bisect_right(self.starts, position) - 1
                    candidates.add(index)
                    position = haystack.find(token, max(self.ends[index], position + 1) if index >= 0 else position + 1)
        elif clause.regex is not None:
            candidates = {bisect_right(self.starts, m.start()) - 1 for m in clause.regex.finditer(self.data)}
        out = set()
        for index in candidates:
            if index < 0:
                continue
            own = self.bytes(index)
            if clause.regex is not None and clause.any and not clause.regex.search(own):
                continue
            seen = own.lower() if clause.ignore_case else own
            context = self.imports.lower() if clause.ignore_case else self.imports
            if all(token in seen or token in context for token in clause.all):
                out.add(index)
        return out


def _parse(lines: Sequence[str], start: int, end: int) -> Optional[List[ast.stmt]]:
    from .incremental import _shift

    region = "".join(line + "\n" for line in lines[start:end])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            body = ast.parse(region).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if start:
        for statement in body:
            _shift(statement, start)
    return body


_VALUES = (ast.Return, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)


def _used(body: List[ast.stmt], everything: bool) -> Set[str]:
    """Names the statements read. In a statement a trigger is in, all of
    them; in one added because it binds a name, those that can flow into a
    value the analysis follows: what is assigned or returned (a helper's
    `return boto3.Session()`, `KEY = PREFIX + "..."`)."""
    if everything:
        return _names(body)
    values = [node.value for node in _nodes(body) if isinstance(node, _VALUES) and node.value is not None]
    return _names(values)


def _nodes(roots: Sequence[ast.AST]) -> List[ast.AST]:
    """Every node under `roots`: ast.walk without its generators (3x faster)."""
    out: List[ast.AST] = []
    stack = list(roots)
    fields = _ALL_FIELDS
    while stack:
        node = stack.pop()
        out.append(node)
        cls = node.__class__
        names = fields.get(cls)
        if names is None:
            names = fields[cls] = tuple(n for n in cls._fields if n not in ("ctx", "op", "ops", "type_comment"))
        for name in names:
            value = getattr(node, name, None)
            if value.__class__ is list:
                stack.extend(child for child in value if isinstance(child, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return out


_ALL_FIELDS: dict = {}


def _names(roots: Sequence[ast.AST]) -> Set[str]:
    return {node.id for node in _nodes(roots) if node.__class__ is ast.Name}


# Where a line may bind names: a def or class, an import, a for/with/global,
# or an assignment (its targets before `=`). The targets start at the line's
# first non-blank and take their own blanks: one way to read a run of blanks,
# so a long line of them is read in linear time (it was quadratic).
_BINDING = re.compile(r"(?m)^[ \t]*(?:(?:async[ \t]+)?def[ \t]+(\w+)|class[ \t]+(\w+)|"
                      r"((?:for|with|global|nonlocal|import|from|except)\b[^\n]*)|"
                      r"([\w.\[\],()*][\w.\[\], \t()*]*?)(?::[^=\n]*)?(?:=(?!=)|[-+*/|&^%@]=))")
_NAME = re.compile(r"[A-Za-z_]\w*")


class _Binders:
    """Which statements may bind each name at module level. A def or class
    binds its own name; what its body assigns is local to it (unless
    declared `global`), and the analysis reads a function's locals within the
    function's own statement. So only the other statements, and `global`
    lines, are read for bindings: most of a large module is never scanned."""

    def __init__(self, text: str, chunk_of: _ChunkIndex, first_lines: Sequence[str], offsets: Sequence[int]) -> None:
        self.text = text
        self.first_lines = first_lines
        self.offsets = list(offsets) + [len(text)]
        self._index: Optional[dict] = None

    def of(self, name: str) -> Set[int]:
        if self._index is None:
            self._index = self._build()
        return self._index.get(name, set())

    def _build(self) -> dict:
        index: dict = {}
        text = self.text
        for chunk, first in enumerate(self.first_lines):
            start, end = self.offsets[chunk], self.offsets[chunk + 1]
            if first.startswith(("def ", "async ", "class ", "@")):
                head = _SCOPED_NAME.search(text, start, end)
                if head is not None:
                    index.setdefault(head.group(1), set()).add(chunk)
                position = text.find("global", start, end)
                while position >= 0:  # `global NAME` in the body: the function binds NAME
                    line_end = text.find("\n", position, end)
                    for found in _NAME.findall(text, position + 6, end if line_end < 0 else line_end):
                        index.setdefault(found, set()).add(chunk)
                    position = text.find("global", position + 6, end)
                continue
            for m in _BINDING.finditer(text, start, end):
                if m.group(1) or m.group(2):
                    names = [m.group(1) or m.group(2)]
                else:
                    names = _NAME.findall(m.group(3) or m.group(4) or "")
                for found in names:
                    index.setdefault(found, set()).add(chunk)
        return index


_SCOPED_NAME = re.compile(r"(?m)^(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)")
