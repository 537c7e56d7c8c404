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

A test module is often one class of thousands of lines: a triggered class is
cut in turn into its members (at the body's indentation, outside brackets and
strings, as above), and only those a trigger is in, its plain statements, and
round by round the members that bind an attribute the kept ones read
(`self.session = ...` in setUp, `def _make(self)`) are parsed; the others
become blank lines (their first one `pass`), so line numbers stay the file's.
The names chased at module level are the free ones: a method's parameters and
locals bind nothing there.

Whenever a cut is in doubt (a statement that does not parse alone: the cut
fell inside a string or a bracket), the caller parses the whole module; when
focusing stops paying (most of the module is wanted), what was parsed is kept
and the rest parsed once.
tests/test_languages_python_focus.py checks that the findings are those of a
full parse.
"""
from __future__ import annotations

import ast
import builtins
import re
import warnings
from bisect import bisect_right
from typing import Dict, List, NamedTuple, Optional, Sequence, Set, Tuple

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
_LEXEME = re.compile(r"""#[^\n]*|[()\[\]{}]|\n|"""  # (a string prefix, r"" or f"", ends it no differently)
                     r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
                     r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
                     r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
                     r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'"
                     r"""|(?P<open>\"\"\"|\'\'\'|\"|\')""", re.S)


def statements(text: str, logical: Optional[List[int]] = None) -> Optional[List[int]]:
    """The first line (0-based) of each top-level statement: a line that
    starts in column 0 outside brackets and strings, and does not continue
    the statement above (`else:`, a decorated def, a backslash). None when
    the text cannot be read that way (an unclosed string, lone CR endings).
    `logical` receives every line that starts outside brackets and strings,
    at any indentation (where a class's members may start)."""
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
                    if logical is not None:
                        logical.append(line)
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
    logical: List[int] = []
    starts = statements(text, logical)
    if starts is None:
        return None
    if len(starts) < MIN_STATEMENTS and not any(lines[i].startswith(("class ", "@")) for i in starts):
        return None  # few statements, and no class to cut into members
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
    for index in wanted - imports:  # a test class: only its members a trigger is in (and what they use)
        if lines[starts[index]].startswith(("class ", "@")):
            members = _members(text, line_starts, lines, starts[index], ends[index], logical, trigger,
                               chunks.imports)
            if members is not None:
                chunks.reduced[index] = members
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
            body = _parse(lines, starts[index], ends[index], chunks.reduced.get(index))
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
            return _whole(lines, starts, ends, parsed, chunks.reduced)
    else:
        return _whole(lines, starts, ends, parsed, chunks.reduced)
    body = [statement for index in sorted(parsed) for statement in parsed[index]]
    return ast.Module(body=body, type_ignores=[])


def _whole(lines: Sequence[str], starts: Sequence[int], ends: Sequence[int], parsed: dict,
           reduced: dict) -> Optional[ast.Module]:
    """The whole module, when focusing gave up after parsing some of it: the
    statements not parsed yet (or parsed in part: a class cut to some
    members) in one parse, the others blanked, so no line is parsed twice."""
    done = {index for index in parsed if index not in reduced}
    blank = set()
    for index in done:
        blank.update(range(starts[index], ends[index]))
    region = "".join("\n" if i in blank else line + "\n" for i, line in enumerate(lines))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rest = ast.parse(region).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    body = rest + [statement for index in done for statement in parsed[index]]
    body.sort(key=lambda statement: statement.lineno)
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
        self.reduced: Dict[int, _Kept] = {}  # classes of which only some members are parsed
        self._found: Dict[object, Set[int]] = {}  # a regex's statements: clauses share regexes
        self._found_in: Dict[Tuple[object, int], bool] = {}  # (regex, statement): does it match there?

    def bytes(self, index: int) -> bytes:
        return self.data[self.starts[index]:self.ends[index]]

    def most(self, indexes: Set[int]) -> bool:
        """The statements hold more than half of the module's bytes (a test
        module of three classes, one of them triggered: a third of the
        statements, most of the work)."""
        return sum(self.reduced[i].size if i in self.reduced else self.ends[i] - self.starts[i]
                   for i in indexes) * 2 > len(self.data)

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
            candidates = self._found.get(clause.regex)
            if candidates is None:
                candidates = self._found[clause.regex] = {bisect_right(self.starts, m.start()) - 1
                                                          for m in clause.regex.finditer(self.data)}
        out = set()
        for index in candidates:
            if index < 0:
                continue
            if clause.any and clause.regex is not None:  # the tokens are in it: is the regex too?
                key = (clause.regex, index)
                hit = self._found_in.get(key)
                if hit is None:
                    hit = self._found_in[key] = clause.regex.search(self.bytes(index)) is not None
                if not hit:
                    continue
            if _meets(self.bytes(index), clause, self.imports, searched=True):
                out.add(index)
        return out


def _meets(own: bytes, clause, context: bytes, searched: bool = False, lowered: Optional[bytes] = None) -> bool:
    """The clause holds within `own`, its `all` tokens within it or within
    `context` (the module's imports). `searched`: its tokens or regex are
    known to occur in it already."""
    seen = (own.lower() if lowered is None else lowered) if clause.ignore_case else own
    if not searched and clause.any and not any(token in seen for token in clause.any):
        return False
    if not searched and clause.regex is not None and not clause.regex.search(own):
        return False
    if clause.all:
        context = context.lower() if clause.ignore_case else context
        return all(token in seen or token in context for token in clause.all)
    return True


class _Kept(NamedTuple):
    """The lines of a class (relative to its first) that are parsed: the
    others are blanked, and the first line of each member left out becomes
    `pass`, so that line numbers and columns stay those of the file."""

    skipped: Dict[int, str]  # relative line -> what replaces it ("" or "<indent>pass")
    size: int  # the characters kept


def _members(text: str, line_starts: Sequence[int], lines: Sequence[str], start: int, end: int,
             logical: Sequence[int], trigger: Trigger, imports: bytes) -> Optional[_Kept]:
    """Which members of the class at lines[start:end] the rules can be
    about: those a trigger is in, every plain statement of the class body
    (attributes, cheap), and round by round the members that bind an
    attribute the kept ones read (`self.session = ...` in setUp, `def
    session(self)`). None when the class cannot be cut with confidence, or
    most of it would be kept."""
    first = bisect_right(logical, start)  # the logical lines after the class's first one
    last = bisect_right(logical, end - 1)
    if first >= last or not lines[logical[first] - 1].rstrip().endswith(":"):
        return None  # a one-line class, or a header this cannot read (a comment after the colon)
    header = next((line for line in logical[first:last]
                   if lines[line].strip() and not lines[line].lstrip().startswith("#")), None)
    if header is None:
        return None
    body = lines[header]
    indent = body[:len(body) - len(body.lstrip(" \t"))]
    if not indent:
        return None
    firsts: List[int] = []
    decorated = False
    for line in logical[first:last]:
        own = lines[line]
        if not own.strip() or own.lstrip().startswith("#"):
            continue
        if not own.startswith(indent):
            return None  # a body that does not keep one indentation: in doubt
        head = own[len(indent):len(indent) + 1]
        if not head or head in " \t#)]}" or _continues(own, len(indent)):
            continue
        if not decorated:
            firsts.append(line)
        decorated = head == "@"
    if len(firsts) < 2 or firsts[0] != header:
        return None
    ends = firsts[1:] + [end]
    members = _MemberText(text, line_starts, logical, [line_starts[a] for a in firsts] +
                          [line_starts[end] if end < len(line_starts) else len(text)])
    scoped = [lines[a][len(indent):].startswith(("def ", "async ", "class ", "@")) for a in firsts]
    kept = {i for i, is_scoped in enumerate(scoped) if not is_scoped} | members.triggered(trigger, imports)
    reads: Dict[int, Set[str]] = {}
    chased: Set[str] = set()
    for _ in range(MAX_ROUNDS):
        wanted: Set[str] = set()
        for i in kept:
            if i not in reads:
                reads[i] = _read_attributes(members.of(i))
            wanted |= reads[i]
        new = wanted - chased
        if not new:
            break
        chased |= new
        kept |= members.binding(new)
    else:
        return None
    whole = members.bounds[-1] - line_starts[start]
    size = whole - sum(members.bounds[i + 1] - members.bounds[i] for i in range(len(firsts)) if i not in kept)
    if size * 2 > whole:
        return None
    skipped: Dict[int, str] = {}
    for i, (a, b) in enumerate(zip(firsts, ends)):
        if i not in kept:
            skipped[a - start] = indent + "pass"
            for line in range(a + 1, b):
                skipped[line - start] = ""
    return _Kept(skipped, size)


class _MemberText:
    """A class body as its members' ranges of the module text, searched in
    place (no copy of each member)."""

    def __init__(self, text: str, line_starts: Sequence[int], logical: Sequence[int], bounds: List[int]) -> None:
        self.text = text
        self.line_starts = line_starts
        self.logical = logical  # the lines that start a statement (focused_module's lexer)
        self.bounds = bounds  # character offsets: member i is text[bounds[i]:bounds[i + 1]]
        self._scoped_names: Optional[Dict[str, Set[int]]] = None
        self._anything: Optional[Set[int]] = None

    def of(self, index: int) -> str:
        return self.text[self.bounds[index]:self.bounds[index + 1]]

    def at(self, offset: int) -> int:
        return bisect_right(self.bounds, offset) - 1

    def triggered(self, trigger: Trigger, imports: bytes) -> Set[int]:
        """The members a clause holds in. A clause's regex is searched once
        over the whole class, its tokens within the members it matched in."""
        begin, finish = self.bounds[0], self.bounds[-1]
        raw = self.text[begin:finish].encode("utf-8", "surrogatepass")
        if len(raw) == finish - begin:  # ASCII: byte offsets are character offsets
            offsets = [b - begin for b in self.bounds]
        else:
            offsets = [0]
            for i in range(len(self.bounds) - 1):
                offsets.append(offsets[-1] + len(self.of(i).encode("utf-8", "surrogatepass")))
        lowered = raw.lower()
        count = len(offsets) - 1
        out: Set[int] = set()
        found: Dict[object, Set[int]] = {}  # clauses share regexes (boto3, botocore, aioboto3...)
        for clause in trigger.clauses:
            if clause.regex is not None:
                candidates = found.get(clause.regex)
                if candidates is None:
                    candidates = found[clause.regex] = {bisect_right(offsets, m.start()) - 1
                                                        for m in clause.regex.finditer(raw)}
            else:
                candidates = set(range(count))
            seen = lowered if clause.ignore_case else raw
            context = imports.lower() if clause.ignore_case else imports
            for i in candidates - out:
                lo, hi = offsets[i], offsets[i + 1]
                if clause.any and not any(seen.find(token, lo, hi) >= 0 for token in clause.any):
                    continue
                if all(seen.find(token, lo, hi) >= 0 or token in context for token in clause.all):
                    out.add(i)
        return out

    def binding(self, names: Set[str]) -> Set[int]:
        """The members that may bind `<obj>.name` for one of `names` (an
        assignment, augmented, annotated, in a tuple, `as`, `for`), define a
        method or nested class of that name, or call setattr()."""
        if self._scoped_names is None:
            self._scoped_names = {}
            for m in _SCOPED_ANY.finditer(self.text, self.bounds[0], self.bounds[-1]):
                self._scoped_names.setdefault(m.group(1), set()).add(self.at(m.start()))
            self._anything = {self.at(m.start()) for m in _SETATTR.finditer(self.text, self.bounds[0], self.bounds[-1])}
        out = set(self._anything or ())
        text, finish = self.text, self.bounds[-1]
        for name in names:
            out |= self._scoped_names.get(name, set())
            needle = "." + name
            position = text.find(needle, self.bounds[0], finish)
            while position >= 0:
                after = position + len(needle)
                if not (text[after:after + 1].isalnum() or text[after:after + 1] == "_") and \
                        self._binds_at(position):
                    out.add(self.at(position))
                position = text.find(needle, after, finish)
        return out

    def _binds_at(self, position: int) -> bool:
        """Is `<obj>.name` at `position` a target: before the last assignment
        of its statement (any layout: a tuple over lines, a backslash, `+=`,
        `: T =`), or after `as`/`for`? The statement runs from the logical
        line the position is on to the next one. In doubt (a string left
        open), it is."""
        text, line_starts, logical = self.text, self.line_starts, self.logical
        line = bisect_right(line_starts, position) - 1
        index = bisect_right(logical, line) - 1
        start = line_starts[logical[index]] if index >= 0 else 0
        nxt = logical[index + 1] if index + 1 < len(logical) else None
        end = line_starts[nxt] if nxt is not None and nxt < len(line_starts) else len(text)
        if _BOUND_HEAD.search(text, text.rfind("\n", 0, position) + 1, position):
            return True
        depth, last = 0, -1
        for m in _ASSIGNMENT.finditer(text, start, end):
            lexeme = m.group()
            first = lexeme[0]
            if first in "([{":
                depth += 1
            elif first in ")]}":
                depth -= 1
            elif m.group("open") is not None:
                return True
            elif m.group("assign") is not None and depth <= 0:
                last = m.start()
        return position < last


# Before `<obj>.name` on its line: `with ... as `, `for ` bind it.
_BOUND_HEAD = re.compile(r"\b(?:as|for)[ \t]+[\w.]*$")
# A statement's brackets, strings and comments, and its assignment operators
# (`=`, `+=`, `**=`...; not `==`, `<=`, `!=`, `:=`).
_ASSIGNMENT = re.compile(r"""#[^\n]*|[()\[\]{}]|"""
                         r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
                         r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
                         r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
                         r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'"
                         r"""|(?P<open>\"\"\"|\'\'\'|\"|\')|[=!<>:]=|(?P<assign>(?:\*\*|//|>>|<<|[-+*/%&|^@])?=)""")
_SCOPED_ANY = re.compile(r"(?m)^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)")
_SETATTR = re.compile(r"\bsetattr\(")
_SELF_NAME = re.compile(r"(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+\w+[ \t]*\(\s*\**(\w+)")


def _read_attributes(member: str) -> Set[str]:
    """`<self>.name` for the first parameter of each method in the member."""
    selves = set(_SELF_NAME.findall(member)) | {"self", "cls"}
    names = "|".join(re.escape(n) for n in sorted(selves))
    return set(re.findall(r"\b(?:" + names + r")\.(\w+)", member))


def _parse(lines: Sequence[str], start: int, end: int, kept: "Optional[_Kept]" = None) -> Optional[List[ast.stmt]]:
    # (blank lines before the statement give its nodes their line numbers in the
    # file: the tokenizer skips them faster than a walk renumbers the nodes)
    if kept is None:
        region = "\n" * start + "".join(line + "\n" for line in lines[start:end])
    else:
        region = "\n" * start + "".join(kept.skipped.get(i, line) + "\n" for i, line in enumerate(lines[start:end]))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(region).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_VALUES = (ast.Return, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)


def _used(body: List[ast.stmt], everything: bool) -> Set[str]:
    """Names the statements read. In a statement a trigger is in, all of
    them; in one added because it binds a name, those that can flow into a
    value the analysis follows: what is assigned or returned (a helper's
    `return boto3.Session()`, `KEY = PREFIX + "..."`)."""
    free = _free_names(body)
    if everything:
        return free
    values = [node.value for node in _nodes(body) if isinstance(node, _VALUES) and node.value is not None]
    return _names(values) & free


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _free_names(roots: Sequence[ast.AST]) -> Set[str]:
    """The names read in `roots` that may refer to module level: all of
    them but those local to the function that reads them (its parameters,
    and what it assigns, imports or defines, unless declared global). A
    method's `self`, `region` or `config` then chases no module statement
    that happens to bind the same name. In doubt a name counts as free
    (a walrus target, a match capture, a class body's own names)."""
    return _scope_free(list(roots), None)


def _scope_free(body: List[ast.AST], node: Optional[ast.AST]) -> Set[str]:
    loads: Set[str] = set()
    local: Set[str] = set()
    declared: Set[str] = set()  # global, nonlocal: not this function's
    if isinstance(node, _FUNCTIONS):
        arguments = node.args
        for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs + \
                [a for a in (arguments.vararg, arguments.kwarg) if a is not None]:
            local.add(arg.arg)
    elif isinstance(node, _COMPREHENSIONS):
        for generator in node.generators:
            local |= {n.id for n in _nodes([generator.target]) if n.__class__ is ast.Name}
    stack = list(body)
    while stack:
        current = stack.pop()
        cls = current.__class__
        if cls is ast.Name:
            (loads if current.ctx.__class__ is ast.Load else local).add(current.id)
        elif cls in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            local.add(current.name)
            stack.extend(current.decorator_list)  # (evaluated where it is defined)
            if cls is ast.ClassDef:
                stack.extend(current.bases + [k.value for k in current.keywords])
                loads |= _scope_free(current.body, current)
            else:
                stack.extend(_outside_parts(current))
                loads |= _scope_free(current.body, current)
        elif cls is ast.Lambda:
            stack.extend(_outside_parts(current))
            loads |= _scope_free([current.body], current)
        elif cls in _COMPREHENSIONS:
            stack.append(current.generators[0].iter)  # (evaluated in this scope)
            inner = [current.key, current.value] if cls is ast.DictComp else [current.elt]
            for generator in current.generators:
                inner.extend(generator.ifs)
            inner.extend(g.iter for g in current.generators[1:])
            loads |= _scope_free(inner, current)
        elif cls is ast.NamedExpr:
            loads.add(current.target.id)  # (binds in the enclosing function: in doubt, free)
            stack.append(current.value)
        elif cls in (ast.Global, ast.Nonlocal):
            declared.update(current.names)
        elif cls in (ast.Import, ast.ImportFrom):
            local.update((a.asname or a.name).split(".")[0] for a in current.names)
        elif cls is ast.ExceptHandler and current.name:
            local.add(current.name)
            stack.extend(_children_of(current))
        else:
            stack.extend(_children_of(current))
    if node is None or isinstance(node, ast.ClassDef):
        return loads  # module level, or a class body (its names are not its methods')
    return loads - (local - declared)


def _outside_parts(function: ast.AST) -> List[ast.AST]:
    """What a def or lambda evaluates where it is written: defaults and annotations."""
    arguments = function.args
    parts: List[ast.AST] = list(arguments.defaults) + [d for d in arguments.kw_defaults if d is not None]
    for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs + \
            [a for a in (arguments.vararg, arguments.kwarg) if a is not None]:
        if arg.annotation is not None:
            parts.append(arg.annotation)
    returns = getattr(function, "returns", None)
    if returns is not None:
        parts.append(returns)
    return parts


def _children_of(node: ast.AST) -> List[ast.AST]:
    out: List[ast.AST] = []
    for name in _fields_of(node.__class__):
        value = getattr(node, name, None)
        if value.__class__ is list:
            out.extend(child for child in value if isinstance(child, ast.AST))
        elif isinstance(value, ast.AST):
            out.append(value)
    return out


def _nodes(roots: Sequence[ast.AST]) -> List[ast.AST]:
    """Every node under `roots`: ast.walk without its generators (3x faster)."""
    out: List[ast.AST] = []
    stack = list(roots)
    fields = _ALL_FIELDS
    while stack:
        node = stack.pop()
        out.append(node)
        names = fields.get(node.__class__) or _fields_of(node.__class__)
        for name in names:
            value = getattr(node, name, None)
            if value.__class__ is list:
                stack.extend(child for child in value if isinstance(child, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return out


_ALL_FIELDS: dict = {}


def _fields_of(cls: type) -> tuple:
    """A node class's fields that can hold nodes (its operators and contexts cannot)."""
    names = _ALL_FIELDS.get(cls)
    if names is None:
        names = _ALL_FIELDS[cls] = tuple(n for n in cls._fields if n not in ("ctx", "op", "ops", "type_comment"))
    return names


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
