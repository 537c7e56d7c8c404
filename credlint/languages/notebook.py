"""Jupyter notebooks (`*.ipynb`): code cells are Python, everything else is text.

The engine hands this analyzer the rules' `python` blocks (languages.BLOCKS:
a notebook accepts `notebook`, then `python` blocks). The code cells become one
virtual Python module, one line per source line, so that a cell can use what
an earlier cell imported or assigned, and the Python analyzer runs on it
unchanged (`python.analyze_tree`). Every span it reports is mapped back to
where that source line's JSON string sits in the .ipynb, and the message says
which cell and line it is.

What is not Python is scanned as text with the rules' `any` blocks: IPython
magics and `!shell` lines (blank lines in the virtual module, so line numbers
hold), `%%bash`-style cells, cells that do not parse (with a notice), markdown
and raw cells, and outputs (stream text, results, displays, tracebacks), where
a key printed by `print(creds)` or `!cat ~/.aws/credentials` stays after the
code that printed it is gone.

Findings carry no fix plan: its spans would be the virtual module's, not the
file's. `--fix` fixes notebooks through fixes/notebook.py, which builds the
module itself and writes the fixed cells back.
"""
from __future__ import annotations

import ast
import re
import warnings
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from ..model import FixPlan, Rule, Span
from ..prefilter import Clause
from ..source import Source
from ..yamlsource import Located
from ..model import FileResult
from .base import AnalysisResult, Analyzer, CompileContext, Compiled, FixedText, RawFinding, parser_message
from .jsonpos import JArray, JObject, JsonError, JString, Node, parse, raw_offset

_MAGIC = re.compile(r"^\s*(?:[%!]|[A-Za-z_][A-Za-z0-9_.]*\s*=\s*[%!])")
_HELP = re.compile(r"^\s*[%?]*[A-Za-z_][A-Za-z0-9_.]*\?\??\s*$")
_PARSE_FLAGS = ast.PyCF_ONLY_AST | getattr(ast, "PyCF_ALLOW_TOP_LEVEL_AWAIT", 0)
# Output MIME types worth reading as text (not images, not widgets' binary state).
_TEXT_MIME = re.compile(r"^(?:text/|application/(?:json|javascript|x-.*|vnd\..*\+json)$)")


# -- the analyzer: a `notebook` block is a Python block for notebooks only -----------------


class NotebookAnalyzer(Analyzer):
    name = "notebook"
    no_fix = "notebooks have no fix blocks of their own: the rules' python fixes apply to their code cells"

    def compile_match(self, kind: str, options: dict, ctx) -> Compiled:
        return _python().compile_match(kind, options, ctx)

    def derive_triggers(self, compiled: Compiled, library) -> List[Clause]:
        return _python().derive_triggers(compiled, library)

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session=None) -> AnalysisResult:
        return analyze(source, rules, library)

    def fix_file(self, path: str, data: bytes, first: FileResult, lint: Callable[..., FileResult],
                 allowed: Sequence[str]) -> FixedText:
        """Code cells are fixed as one Python module, then written back
        (fixes/notebook.py); `lint` sees the module as a Python file."""
        from ..fixes.notebook import fix_notebook

        python = _python()
        outcome = fix_notebook(data, lambda text: lint(text.encode("utf-8"), path + ".py"), allowed,
                               python.fix_options, lambda before, after: python.keeps_parsing(path, before, after))
        return FixedText(outcome.after, lint(outcome.after, path), outcome.applied, tuple(outcome.notices))

    def attach_fixes(self, path: str, data: bytes, result: FileResult) -> FileResult:
        return result  # edits in cell coordinates are no use to a report or an editor: --fix rewrites cells


def _python() -> Analyzer:
    from . import analyzer

    return analyzer("python")


# -- the notebook's structure -------------------------------------------------------------


class Piece(NamedTuple):
    """A run of text inside one JSON string of the file."""

    string: JString
    begin: int = 0  # offsets in the decoded string
    end: int = -1


class Cell:
    def __init__(self, number: int, kind: str, strings: List[JString], outputs: List[JString]) -> None:
        self.number = number  # 1-based position in the notebook
        self.kind = kind
        self.strings = strings  # the source, as written (a list of lines, or one string)
        self.outputs = outputs
        self.text = "".join(s.value for s in strings)
        starts, offset = [], 0
        for s in strings:
            starts.append(offset)
            offset += len(s.value)
        self._starts = starts

    def locate(self, offset: int) -> Tuple[JString, int]:
        """The JSON string holding character `offset` of the cell's text, and
        the offset inside it (the end of the text maps to the last string's end)."""
        index = 0
        for i, start in enumerate(self._starts):
            if start <= offset and (offset < start + len(self.strings[i].value) or i == len(self.strings) - 1):
                index = i
                break
        return self.strings[index], offset - self._starts[index]

    def lines(self) -> List[Tuple[int, str]]:
        """(offset in the cell text, line without its terminator)."""
        out, offset = [], 0
        for line in self.text.splitlines(keepends=True):
            out.append((offset, line.rstrip("\r\n")))
            offset += len(line)
        if not out or self.text.endswith(("\n", "\r")):
            out.append((offset, ""))
        return out


def _strings(node: Optional[Node]) -> List[JString]:
    if isinstance(node, JString):
        return [node]
    if isinstance(node, JArray):
        return [item for item in node.items if isinstance(item, JString)]
    return []


def _outputs(cell: JObject) -> List[JString]:
    out: List[JString] = []
    outputs = cell.get("outputs")
    for output in outputs.items if isinstance(outputs, JArray) else ():
        if not isinstance(output, JObject):
            continue
        out.extend(_strings(output.get("text")))  # stream
        out.extend(_strings(output.get("traceback")))  # error
        evalue = output.get("evalue")
        if isinstance(evalue, JString):
            out.append(evalue)
        data = output.get("data")
        if isinstance(data, JObject):
            for mime, value in data.items:
                if _TEXT_MIME.match(mime.value):
                    out.extend(_strings(value) if not isinstance(value, JObject) else _all_strings(value))
    return out


def _all_strings(node: Node) -> List[JString]:
    from .jsonpos import strings

    return list(strings(node))


def read_cells(root: Node) -> Optional[List[Cell]]:
    """The cells of an nbformat 4 notebook (or 3: worksheets, `input`), or None."""
    if not isinstance(root, JObject):
        return None
    raw: List[JObject] = []
    cells = root.get("cells")
    if isinstance(cells, JArray):
        raw = [c for c in cells.items if isinstance(c, JObject)]
    else:
        worksheets = root.get("worksheets")
        if not isinstance(worksheets, JArray):
            return None
        for sheet in worksheets.items:
            inner = sheet.get("cells") if isinstance(sheet, JObject) else None
            if isinstance(inner, JArray):
                raw.extend(c for c in inner.items if isinstance(c, JObject))
    out = []
    for number, cell in enumerate(raw, 1):
        kind_node = cell.get("cell_type")
        kind = kind_node.value if isinstance(kind_node, JString) else "raw"
        source = cell.get("source") if cell.get("source") is not None else cell.get("input")
        out.append(Cell(number, kind, _strings(source), _outputs(cell)))
    return out


def language(root: Node) -> str:
    if not isinstance(root, JObject):
        return "python"
    metadata = root.get("metadata")
    if not isinstance(metadata, JObject):
        return "python"
    for key, inner in (("kernelspec", "language"), ("language_info", "name")):
        node = metadata.get(key)
        value = node.get(inner) if isinstance(node, JObject) else None
        if isinstance(value, JString) and value.value:
            return value.value.lower()
    return "python"


# -- analyzing ---------------------------------------------------------------------------


class _Line(NamedTuple):
    cell: Cell
    number: int  # 1-based line in the cell
    offset: int  # offset of the line in the cell's text


def analyze(source: Source, rules: Sequence[Tuple[Rule, Compiled]], library) -> AnalysisResult:
    result = AnalysisResult()
    try:
        root = parse(source.text)
    except (JsonError, RecursionError) as exc:
        result.notices.append(f"could not parse as a notebook (invalid JSON: {exc}); scanned as text only")
        result.unapplied.extend(rule for rule, _ in rules)
        return result
    cells = read_cells(root)
    if cells is None:
        result.notices.append("not a Jupyter notebook (no cells); scanned as text only")
        result.unapplied.extend(rule for rule, _ in rules)
        return result
    python_cells = language(root) in ("python", "python3", "python2", "ipython", "ipython3")
    texts: List[Tuple[Piece, Cell, str]] = []  # (text to scan, its cell, what it is)
    virtual: List[str] = []
    where: List[_Line] = []
    for cell in cells:
        if cell.kind != "code":
            texts.extend((Piece(s), cell, f"{cell.kind} cell {cell.number}") for s in cell.strings)
        elif not python_cells or cell.text.lstrip().startswith("%%"):
            texts.extend((Piece(s), cell, f"cell {cell.number}") for s in cell.strings)
        else:
            code, shell = _python_lines(cell)
            problem = _syntax_error(code)
            if problem is not None:
                result.notices.append(f"cell {cell.number} does not parse as Python ({problem}); "
                                      "scanned as text only")
                texts.extend((Piece(s), cell, f"cell {cell.number}") for s in cell.strings)
                code = [""] * len(code)
            else:
                for number in shell:
                    offset, text = cell.lines()[number - 1]
                    string, inner = cell.locate(offset)
                    texts.append((Piece(string, inner, inner + len(text)), cell, f"cell {cell.number}, line {number}"))
            for number, (line, (offset, _)) in enumerate(zip(code, cell.lines()), 1):
                virtual.append(line)
                where.append(_Line(cell, number, offset))
        texts.extend((Piece(s), cell, f"output of cell {cell.number}") for s in cell.outputs)
    if any(line.strip() for line in virtual):
        _analyze_code(source, rules, library, "\n".join(virtual) + "\n", where, result)
    _scan_texts(source, rules, library, texts, result)
    return result


def _python_lines(cell: Cell) -> Tuple[List[str], List[int]]:
    """The cell's lines with IPython syntax blanked, and the numbers of the
    blanked lines (they are scanned as text)."""
    code, shell = [], []
    continued = False
    for number, (_, line) in enumerate(cell.lines(), 1):
        if continued or _MAGIC.match(line) or _HELP.match(line):
            code.append("")
            shell.append(number)
            continued = line.rstrip().endswith("\\")  # a `!command \` continues on the next line
        else:
            code.append(line)
    return code, shell


def _syntax_error(lines: List[str]) -> Optional[str]:
    try:
        _parse("\n".join(lines) + "\n")
    except SyntaxError as exc:
        message = parser_message(exc.msg)
        return f"line {exc.lineno}: {message}" if exc.lineno else message
    except (ValueError, RecursionError, MemoryError) as exc:
        return type(exc).__name__
    return None


def _parse(text: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile(text, "<notebook>", "exec", _PARSE_FLAGS, dont_inherit=True)


def _analyze_code(source: Source, rules: Sequence[Tuple[Rule, Compiled]], library, text: str,
                  where: List[_Line], result: AnalysisResult) -> None:
    from . import python

    virtual = source.with_text(text)
    try:
        tree = _parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Each cell parsed alone; together they do not (a `from __future__`
        # import below another cell's code): run the rules cell by cell.
        by_cell: Dict[int, List[int]] = {}
        for index, line in enumerate(where):
            by_cell.setdefault(line.cell.number, []).append(index)
        lines = text.split("\n")
        for indices in by_cell.values():
            alone = ["" if i not in indices else lines[i] for i in range(len(where))]
            _analyze_code(source, rules, library, "\n".join(alone) + "\n", where, result)
        return
    found = python.analyze_tree(tree, virtual, rules, library)
    for item in found.findings:
        start = where[item.span.line - 1]
        mapped = _map_span(source, where, item.span)
        result.findings.append(_relabel(item, mapped, tuple(_map_span(source, where, s) for s in item.secret_spans),
                                        tuple(_map_span(source, where, s) for s in item.piece_spans),
                                        f"cell {start.cell.number}, line {start.number}"))
        result.secrets.extend(item.secrets)


def _map_span(source: Source, where: List[_Line], span: Span) -> Span:
    start = _map_position(source, where, span.line, span.column)
    end = _map_position(source, where, span.end_line, span.end_column)
    return source.span_of(start, max(start, end))


def _map_position(source: Source, where: List[_Line], line: int, column: int) -> int:
    """A (line, column) of the virtual module -> an offset in the .ipynb text."""
    info = where[min(max(line, 1), len(where)) - 1]
    string, inner = info.cell.locate(info.offset + column - 1)
    return raw_offset(source.text, string, min(inner, len(string.value)))


def _notebook_plan(plan: Optional[FixPlan], span: Span) -> Optional[FixPlan]:
    """A fixable finding stays fixable: `--fix` rewrites the cell (fixes/notebook.py).
    Its edits are not offered to reports and editors, whose coordinates are the
    JSON file's, not the cell's."""
    if plan is None:
        return None
    return FixPlan("notebook", plan.applicability, plan.title, span)


def _relabel(item: RawFinding, span: Span, secret_spans: Tuple[Span, ...], piece_spans: Tuple[Span, ...],
             place: str) -> RawFinding:
    rule = item.rule
    rule = rule._replace(message=f"{rule.message} [notebook {{notebook_where}}]")
    values = dict(item.values)
    values["notebook_where"] = place
    return RawFinding(rule=rule, span=span, secrets=item.secrets, material=item.material, values=values,
                      fix_plan=_notebook_plan(item.fix_plan, span), secret_spans=secret_spans,
                      piece_spans=piece_spans)


# -- text --------------------------------------------------------------------------------


def _text_blocks(rules: Sequence[Tuple[Rule, Compiled]], library) -> List[Tuple[Rule, Compiled]]:
    """The rules' `any` blocks, compiled by the text analyzer."""
    from . import text

    cache = library.cache.setdefault("notebook-text-blocks", {})
    out = []
    for rule, _ in rules:
        spec = rule.match.get("any")
        if spec is None:
            continue
        key = (rule.id, rule.source)
        compiled = cache.get(key)
        if compiled is None:
            ctx = CompileContext(library, Located(rule.source, {}, {}), ("match", "any", spec["kind"]))
            compiled = cache[key] = text.ANALYZER.compile_match(spec["kind"], spec["options"], ctx)
        out.append((rule, compiled))
    return out


def _scan_texts(source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                texts: List[Tuple[Piece, Cell, str]], result: AnalysisResult) -> None:
    from . import text

    blocks = _text_blocks(rules, library)
    if not blocks or not texts:
        return
    policy = library.policy()
    for piece, cell, place in texts:
        value = piece.string.value
        end = len(value) if piece.end < 0 else piece.end
        chunk = value[piece.begin:end]
        if len(chunk) < 16:
            continue
        local = source.with_text(chunk)
        for rule, compiled in blocks:
            for item in text.scan(local, rule, compiled.options, policy):
                def to_file(line: int, column: int) -> int:
                    return raw_offset(source.text, piece.string, piece.begin + local.offset(line, column))

                start = to_file(item.span.line, item.span.column)
                span = source.span_of(start, to_file(item.span.end_line, item.span.end_column))
                label = place
                if place.startswith("output"):
                    label += ": clear the outputs before committing (jupyter nbconvert --clear-output, nbstripout)"
                result.findings.append(_relabel(item, span, (span,), (), label))
                result.secrets.extend(item.secrets)


ANALYZER = NotebookAnalyzer()
