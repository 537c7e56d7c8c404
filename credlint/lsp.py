"""`credlint lsp`: the language server (stdio), for editors.

What it does:
- lints every open document on open, change (the unsaved buffer, never the
  file on disk) and save; publishes its findings as diagnostics (push), or
  answers textDocument/diagnostic (pull, LSP 3.17) and then publishes nothing
  for text documents when the client says it pulls; clears them on close;
- lints Jupyter notebooks opened with notebook document sync (LSP 3.17): the
  cells are assembled into the .ipynb that credlint's notebook analyzer reads,
  and each finding is published on its cell, in the cell's coordinates;
- textDocument/hover on a finding: its rule's documentation (credlint.explain);
- offers each finding's fix as a quick fix ("(safe)" fixes are preferred;
  "(unsafe)" ones are offered but never applied without the user choosing
  them) and a `source.fixAll.credlint` action that applies the safe fixes
  (and the unsafe ones too with the `unsafeFixes` setting);
- editor settings (`initializationOptions` and workspace/didChangeConfiguration,
  `{"credlint": {"select": [...], "ignore": [...], "unsafeFixes": bool}}`);
- reloads configuration when a `.credlint.toml` or `pyproject.toml` is saved
  or changes on disk (workspace/didChangeWatchedFiles), and re-lints the open
  documents.

Diagnostics are cheap: lint_source only (no libcst). Fix edits are computed
only when an editor asks for code actions, once per document version.

A finding never holds a secret (the engine masks them), and nothing here adds
source text: diagnostics carry the finding's message and range only, hovers
the rule's documentation only, and errors are logged as their type and
location, never their text.
"""
from __future__ import annotations

import gc
import itertools
import json
import os
import re
import sys
import traceback
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path, uri_scheme

from . import __version__
from .discovery import git_root
from .model import Finding, Span
from .redaction import redact_message

SOURCE = "credlint"
FIX_ALL_KIND = "source.fixAll.credlint"
DOCS_URL = "https://github.com/credlint/credlint/blob/main/docs/rules/{}.md"
CONFIG_NAMES = (".credlint.toml", "pyproject.toml")
CONFIG_WATCH_ID = "credlint-config-files"
SETTINGS_SECTION = "credlint"  # initializationOptions / didChangeConfiguration: {"credlint": {...}}

# Notebook document sync (LSP 3.17): Jupyter notebooks, their Python cells.
NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithNotebook(
            notebook=types.NotebookDocumentFilterNotebookType(notebook_type="jupyter-notebook"),
            cells=[types.NotebookCellLanguage(language="python")]),
        types.NotebookDocumentFilterWithNotebook(
            notebook=types.NotebookDocumentFilterPattern(pattern="**/*.ipynb"),
            cells=[types.NotebookCellLanguage(language="python")]),
    ],
    save=True,
)
PYTHON_CELLS = ("python", "python3", "ipython", "ipython3")

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}

# Untitled buffers are linted as a file of this name in the workspace root.
LANGUAGE_FILES = {
    "python": ".py",
    "yaml": ".yaml",
    "json": ".json",
    "jsonc": ".json",
    "toml": ".toml",
    "ini": ".ini",
    "properties": ".properties",
    "dotenv": ".env",
    "shellscript": ".sh",
    "sh": ".sh",
    "bash": ".sh",
    "powershell": ".ps1",
    "dockerfile": "Dockerfile",
    "terraform": ".tf",
    "hcl": ".hcl",
    "javascript": ".js",
    "javascriptreact": ".jsx",
    "typescript": ".ts",
    "typescriptreact": ".tsx",
    "vue": ".vue",
    "svelte": ".svelte",
    "java": ".java",
    "go": ".go",
    "ruby": ".rb",
    "php": ".php",
    "csharp": ".cs",
    "markdown": ".md",
    "xml": ".xml",
    "plaintext": ".txt",
}

_NEWLINE = re.compile(r"\r\n|\r|\n")  # LSP's line terminators, and credlint's (source.py)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_SAFE_NAME = re.compile(r"[^\w.-]+")
_NOTEBOOK_PLACE = re.compile(r"\s*\[notebook [^\[\]]*\]$")  # " [notebook cell 2, line 1]": the analyzer's


# -- positions -------------------------------------------------------------------------


def units(text: str, encoding: str) -> int:
    """The length of `text` in the negotiated position encoding's code units."""
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)  # UTF-16: non-BMP = 2 units


class Positions:
    """credlint spans (1-based lines and code-point columns, of the text it
    linted) to LSP positions (0-based lines, columns in code units) in the
    editor's buffer. `bom` is 1 when the buffer starts with U+FEFF, which
    credlint does not count."""

    def __init__(self, text: str, encoding: str, bom: int = 0) -> None:
        self.lines = _NEWLINE.split(text)
        self.encoding = encoding
        self.bom = bom

    def position(self, line: int, column: int) -> types.Position:
        index = line - 1
        if index >= len(self.lines):  # past the end: the end of the buffer
            index = len(self.lines) - 1
            column = len(self.lines[index]) + 1 - (self.bom if index == 0 else 0)
        index = max(index, 0)
        text = self.lines[index]
        chars = max(column - 1, 0) + (self.bom if index == 0 else 0)
        return types.Position(line=index, character=units(text[:chars], self.encoding))

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.position(span.line, span.column),
                           end=self.position(span.end_line, span.end_column))

    def end(self) -> types.Position:
        last = len(self.lines) - 1
        return types.Position(line=last, character=units(self.lines[last], self.encoding))


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> Tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def whole_line_edit(old: str, new: str, positions: Positions) -> Optional[types.TextEdit]:
    """One TextEdit turning `old` into `new`: the lines between their common
    first and last lines (whole lines, so an edit never splits a CRLF)."""
    if old == new:
        return None
    a, b = _LINE.findall(old), _LINE.findall(new)
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = types.Position(line=head, character=0)
    end_index = len(a) - tail  # first line of the common tail (or the end)
    if end_index < len(a):
        end = types.Position(line=end_index, character=0)
    else:
        end = positions.end()
        if a and a[-1].endswith(("\n", "\r")):  # the buffer ends with a newline: the end is the empty last line
            end = types.Position(line=len(a), character=0)
    return types.TextEdit(range=types.Range(start=start, end=end), new_text="".join(b[head:len(b) - tail]))


# -- settings -----------------------------------------------------------------------------


class SettingsError(ValueError):
    """Editor settings that cannot be used (their message says why; no value is quoted unmasked)."""


class EditorSettings(NamedTuple):
    """The editor's settings, as command-line flags: `select` replaces the
    configuration's select (None: the configuration decides), `ignore` adds
    to its ignore, `unsafe_fixes` lets "fix all" apply unsafe fixes."""

    select: Optional[Tuple[str, ...]] = None
    ignore: Tuple[str, ...] = ()
    unsafe_fixes: bool = False

    @property
    def fixes(self) -> Tuple[str, ...]:
        """The applicabilities "fix all" applies."""
        return ("safe", "unsafe") if self.unsafe_fixes else ("safe",)


SETTINGS_KEYS = ("select", "ignore", "unsafeFixes")


def parse_settings(value: Any) -> EditorSettings:
    """The `credlint` object of the editor's settings -> EditorSettings
    (SettingsError if a key or a value is wrong). null is the defaults."""
    if value is None:
        return EditorSettings()
    if not isinstance(value, dict):
        raise SettingsError("the settings must be an object with the keys " + ", ".join(SETTINGS_KEYS))
    unknown = sorted(k for k in value if k not in SETTINGS_KEYS)
    if unknown:
        raise SettingsError(f"unknown key {unknown[0]!r} in the settings; the keys are "
                            + ", ".join(SETTINGS_KEYS))

    def selectors(key: str) -> Optional[Tuple[str, ...]]:
        items = value.get(key)
        if items is None:
            return None
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise SettingsError(f"the setting {key!r} must be a list of rule ids, names or prefixes")
        return tuple(i.strip() for i in items if i.strip())

    unsafe = value.get("unsafeFixes", False)
    if unsafe is None:
        unsafe = False
    if not isinstance(unsafe, bool):
        raise SettingsError("the setting 'unsafeFixes' must be true or false")
    return EditorSettings(select=selectors("select") or None, ignore=selectors("ignore") or (), unsafe_fixes=unsafe)


def unknown_selectors(rulesets: Sequence[Any], settings: EditorSettings) -> List[Tuple[str, str]]:
    """(key, selector) for each selector that none of `rulesets` knows."""
    def known(selector: str) -> bool:
        for ruleset in rulesets:
            try:
                ruleset.expand([selector])
                return True
            except KeyError:
                pass
        return False

    return [(key, s) for key, items in (("select", settings.select or ()), ("ignore", settings.ignore))
            for s in items if not known(s)]


# -- hover ----------------------------------------------------------------------------------

# The sections of a rule's page (credlint.explain.render_rule) that a hover shows.
HOVER_SECTIONS = ("Why is this bad?", "Use instead", "Fix safety")


def rule_hover(rule: Any) -> str:
    """A rule's documentation for a hover: `credlint explain`'s page (its
    title, summary, severity and fix line), its "Why is this bad?", "Use
    instead" and "Fix safety" sections, and a link to the whole page. Rule
    documentation holds no secrets; the Example section (AWS's documented
    example keys) is left out with the rest, and what is shown is masked
    all the same (an extra-rules file's docs are anybody's text)."""
    from .explain import render_rule

    head: List[str] = []
    sections: Dict[str, List[str]] = {}
    current = head
    fenced = False
    for line in render_rule(rule).split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        current.append(line)
    parts = ["\n".join(head).strip()]
    parts += ["\n".join(sections[title]).strip() for title in HOVER_SECTIONS if title in sections]
    docs = redact_message("\n\n".join(parts))
    return f"{docs}\n\n[{rule.id} documentation]({DOCS_URL.format(rule.id)}) · `credlint explain {rule.id}`\n"


def _key(p: types.Position) -> Tuple[int, int]:
    return (p.line, p.character)


def _contains(r: types.Range, p: types.Position) -> bool:
    """Is `p` on the range (end-exclusive; an empty range holds its start)?"""
    if _key(r.start) == _key(r.end):
        return _key(p) == _key(r.start)
    return _key(r.start) <= _key(p) < _key(r.end)


# -- notebooks --------------------------------------------------------------------------------


class NotebookCell(NamedTuple):
    uri: str
    version: Optional[int]
    kind: str  # the .ipynb cell_type: code (a Python cell), markdown, raw (another language)
    text: str


def _safe_text(text: str) -> str:
    """A lone surrogate (possible in JSON from the client) cannot be written as
    UTF-8: U+FFFD instead, one character for one, so positions hold."""
    return re.sub("[\ud800-\udfff]", "\ufffd", text)


class NotebookBuffer:
    """The cells as the .ipynb text that credlint's notebook analyzer reads, in
    nbformat's own layout (indent 1, sorted keys: what `--fix` rewrites), and
    the way back from a span of that text to a cell and offsets in its text.

    In that layout every source line of a cell is a JSON string on a line of
    its own, so a finding's line says which cell and which of its lines, and
    its column, minus the indentation and the escapes, the offset in it."""

    INDENT = 4  # "cells" (1) > a cell (2) > "source" (3) > its lines (4)

    def __init__(self, cells: Sequence[NotebookCell]) -> None:
        self.cells = list(cells)
        pieces: List[Tuple[int, int, str]] = []  # (cell index, offset in the cell's text, the line)
        notebook_cells = []
        for index, cell in enumerate(self.cells):
            lines = _LINE.findall(_safe_text(cell.text))
            offset = 0
            for line in lines:
                pieces.append((index, offset, line))
                offset += len(line)
            entry: Dict[str, Any] = {"cell_type": cell.kind, "metadata": {}, "source": lines}
            if cell.kind == "code":
                entry.update(execution_count=None, outputs=[])
            notebook_cells.append(entry)
        notebook = {"cells": notebook_cells, "metadata": {"language_info": {"name": "python"}},
                    "nbformat": 4, "nbformat_minor": 4}
        self.text = json.dumps(notebook, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        self.data = self.text.encode("utf-8")
        # line number (1-based) of the .ipynb -> (cell index, offset of the line in the cell, the line)
        self.rows: Dict[int, Tuple[int, int, str]] = {}
        queue = iter(pieces)
        expected = next(queue, None)
        prefix = " " * self.INDENT
        for number, line in enumerate(self.text.split("\n"), 1):
            if expected is None:
                break
            encoded = json.dumps(expected[2], ensure_ascii=False)
            if line.startswith(prefix) and line[self.INDENT:] in (encoded, encoded + ","):
                self.rows[number] = expected
                expected = next(queue, None)
        if expected is not None:
            raise ValueError("notebook layout")  # json.dumps changed its layout: a bug to report

    def _offset(self, line: int, column: int) -> Optional[Tuple[int, int]]:
        """A (line, column) of the .ipynb text -> (cell index, offset in its text)."""
        row = self.rows.get(line)
        if row is None:
            return None
        index, start, piece = row
        raw = column - 1 - self.INDENT - 1  # after the opening quote
        decoded = 0
        while decoded < len(piece) and raw > 0:
            raw -= len(json.dumps(piece[decoded], ensure_ascii=False)) - 2
            decoded += 1
        return index, start + decoded

    def locate(self, span: Span) -> Optional[Tuple[int, int, int]]:
        """A span of the .ipynb text -> (cell index, start, end offsets in that
        cell's text); None for a span outside the cells' source lines. A span
        that ends in a later cell ends with its first cell."""
        start = self._offset(span.line, span.column)
        if start is None:
            return None
        end = self._offset(span.end_line, span.end_column)
        if end is None or end[0] != start[0]:
            end = (start[0], len(self.cells[start[0]].text))
        return start[0], start[1], max(start[1], end[1])

    def fixed_cells(self, data: bytes) -> Optional[List[str]]:
        """The cells' texts in a fixed .ipynb (None if the cells cannot be
        matched one for one)."""
        try:
            cells = json.loads(data.decode("utf-8"))["cells"]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(cells, list) or len(cells) != len(self.cells):
            return None
        out = []
        for cell in cells:
            source = cell.get("source", "") if isinstance(cell, dict) else ""
            out.append(source if isinstance(source, str) else "".join(source))
        return out


def _span_in(text: str, start: int, end: int) -> Span:
    """Offsets in `text` -> a credlint Span (1-based lines, code-point columns)."""
    def at(offset: int) -> Tuple[int, int]:
        line, begin = 1, 0
        for m in _NEWLINE.finditer(text, 0, offset):
            if m.end() > offset:
                break
            line, begin = line + 1, m.end()
        return line, offset - begin + 1

    return Span(*at(start), *at(end))


# -- documents ---------------------------------------------------------------------------


class Linted:
    """One version of one document, linted."""

    def __init__(self, uri: str, version: Optional[int], path: str, text: str, data: bytes,
                 encoding: str, positions: Positions, workspace: Any, result: Any,
                 rules: Optional[Dict[str, Any]] = None) -> None:
        self.uri = uri
        self.version = version
        self.path = path
        self.text = text  # the buffer, as the editor has it
        self.data = data  # what credlint linted (no BOM, in the file's declared encoding)
        self.encoding = encoding
        self.positions = positions
        self.workspace = workspace
        self.result = result
        self.rules: Dict[str, Any] = dict(rules or {})  # every known rule, by id (hovers)
        self.diagnostics: List[types.Diagnostic] = []
        self._with_fixes: Optional[Tuple[Finding, ...]] = None
        self._fix_all: Dict[Tuple[str, ...], Optional[types.TextEdit]] = {}

    def findings_with_fixes(self) -> Tuple[Finding, ...]:
        """The findings with their fixes' edits (libcst: only when asked)."""
        if self._with_fixes is None:
            from .api import Buffer, Request, run

            response = run(Request(buffer=Buffer(self.path, self.data), edits=True), self.workspace)
            self._with_fixes = response.files[0].result.findings if response.files else ()
        return self._with_fixes

    def fix_all(self, fixes: Tuple[str, ...] = ("safe",)) -> Optional[types.TextEdit]:
        """The edit that applies every fix of these applicabilities (None: nothing to change)."""
        if fixes not in self._fix_all:
            from .api import Buffer, Request, run

            response = run(Request(buffer=Buffer(self.path, self.data), fix=fixes), self.workspace)
            fixed = response.files[0].fixed if response.files else None
            edit = None
            if fixed is not None:
                after = _decode(fixed, self.encoding)
                if self.positions.bom:
                    after = "\ufeff" + after
                edit = whole_line_edit(self.text, after, self.positions)
            self._fix_all[fixes] = edit
        return self._fix_all[fixes]


class CellView:
    """One cell of a linted notebook: its diagnostics, in its own coordinates."""

    def __init__(self, cell: NotebookCell, positions: Positions, rules: Dict[str, Any]) -> None:
        self.uri = cell.uri
        self.version = cell.version
        self.text = cell.text
        self.positions = positions
        self.rules = rules
        self.diagnostics: List[types.Diagnostic] = []


class LintedNotebook:
    """One version of one notebook, linted: a CellView per cell."""

    def __init__(self, uri: str, version: int, path: str, buffer: NotebookBuffer, workspace: Any,
                 result: Any, cells: List[CellView]) -> None:
        self.uri = uri
        self.version = version
        self.path = path
        self.buffer = buffer
        self.workspace = workspace
        self.result = result
        self.cells = cells
        self.by_uri = {unquote(c.uri): c for c in cells}
        self._fix_all: Dict[Tuple[str, ...], List[Tuple[CellView, types.TextEdit]]] = {}

    def fix_all(self, fixes: Tuple[str, ...]) -> List[Tuple[CellView, types.TextEdit]]:
        """The edits, cell by cell, that apply every fix of these
        applicabilities (the notebook analyzer fixes the code cells as one
        module, as `credlint --fix` does)."""
        if fixes not in self._fix_all:
            from .api import Buffer, Request, run

            response = run(Request(buffer=Buffer(self.path, self.buffer.data), fix=fixes), self.workspace)
            fixed = response.files[0].fixed if response.files else None
            texts = self.buffer.fixed_cells(fixed) if fixed is not None else None
            edits = []
            for cell, after in zip(self.cells, texts or ()):
                edit = whole_line_edit(cell.text, after, cell.positions)
                if edit is not None and _safe_text(cell.text) == cell.text:
                    edits.append((cell, edit))
            self._fix_all[fixes] = edits
        return self._fix_all[fixes]


def _decode(data: bytes, encoding: str) -> str:
    text = data.decode(encoding, "replace")
    return text[1:] if text.startswith("\ufeff") else text


def _encoding_for(text: str, file_type_hint: str) -> str:
    """Python files declare their encoding (PEP 263): credlint decodes the
    bytes we give it with the declared one, so encode the buffer with it."""
    if file_type_hint != "python":
        return "utf-8"
    from .source import DecodeError, python_encoding

    head = "\n".join(text.split("\n", 2)[:2]).encode("utf-8", "replace")
    try:
        encoding = python_encoding(head)
    except DecodeError:
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding


def _where(exc: BaseException) -> str:
    """An exception as its type and location: never its text, which may quote source."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    frame = frames[-1]
    return f"{type(exc).__name__} at {os.path.basename(frame.filename)}:{frame.lineno}"


# -- the server ---------------------------------------------------------------------------


class CredlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("credlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         notebook_document_sync=NOTEBOOK_SYNC)
        self.linted: Dict[str, Optional[Linted]] = {}  # uri -> the last lint (None: nothing to offer)
        self.versions: Dict[str, Optional[int]] = {}  # uri -> the version last linted
        self.result_ids: Dict[str, str] = {}  # uri -> the pull diagnostics' resultId of the last lint
        self.notebooks: Dict[str, Optional[LintedNotebook]] = {}  # notebook uri -> the last lint
        self.notebook_versions: Dict[str, int] = {}  # notebook uri -> the version last linted
        self.published_cells: Dict[str, Dict[str, Any]] = {}  # notebook uri -> cell uri -> (version, diagnostics)
        self.settings = EditorSettings()
        self.initial_settings: Any = None  # initializationOptions' "credlint", applied once initialized
        self.pulls = False  # the client pulls diagnostics (textDocument/diagnostic): no push for text documents
        self.shutdown_requested = False
        self._workspaces: Dict[str, Any] = {}  # project root -> credlint.api.Workspace
        self._roots: Dict[str, str] = {}  # directory -> its project root
        self._config_errors: set = set()
        self._frozen = False
        self._lints = itertools.count(1)

    def report_server_error(self, error: Exception, source: Any) -> None:
        # A request the server does not implement gets its -32601 answer, and
        # is no error of credlint's: nothing to log.
        from pygls.exceptions import JsonRpcMethodNotFound

        if isinstance(error, JsonRpcMethodNotFound):
            return
        # pygls would show str(error), which may quote a document: type and place only.
        self.log(types.MessageType.Error, f"credlint: internal error ({_where(error)})")

    # -- messages --

    def log(self, kind: types.MessageType, message: str) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=redact_message(message)))
        except Exception:  # the client is gone
            pass

    def show(self, kind: types.MessageType, message: str) -> None:
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=redact_message(message)))
        except Exception:
            pass

    # -- configuration --

    def reload(self) -> None:
        """Forget everything read from configuration files, then re-lint."""
        from . import api

        self._workspaces.clear()
        self._roots.clear()
        self._config_errors.clear()
        api.clear_caches()
        self.relint_all()

    def relint_all(self) -> None:
        """Lint every open document and notebook again; a client that pulls
        diagnostics is asked to pull again (workspace/diagnostic/refresh)."""
        for document in list(self.workspace.text_documents.values()):
            if not self.is_cell(document.uri):
                self.lint(document.uri)
        for notebook in list(self.workspace.notebook_documents.values()):
            self.lint_notebook(notebook.uri)
        if self.pulls and self._supports("workspace.diagnostics.refresh_support"):
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception:  # the client is gone
                pass

    # -- editor settings --

    def configure(self, value: Any) -> bool:
        """Apply the editor's `credlint` settings; re-lint if they changed. A
        wrong setting is shown to the user (masked) and the previous settings
        stay. True if the settings are in use."""
        try:
            settings = parse_settings(value)
            unknown = unknown_selectors(self._rulesets(), settings)
            if unknown:
                names = ", ".join(f"{selector!r} (in {key})" for key, selector in unknown)
                raise SettingsError(f"unknown rule{'s' if len(unknown) > 1 else ''} {names} in the editor "
                                    "settings; `credlint rules` lists them")
        except SettingsError as exc:
            self.show(types.MessageType.Error, f"credlint: {exc}. The previous settings stay.")
            return False
        if settings != self.settings:
            self.settings = settings
            self._workspaces.clear()  # their Overrides hold the settings
            self.relint_all()
        return True

    def _rulesets(self) -> List[Any]:
        """The rule sets of the open documents' configurations (extra-rules
        included), else the workspace root's: what a selector must name."""
        paths = [self.path_for(d.uri, d.language_id) for d in list(self.workspace.text_documents.values())
                 if not self.is_cell(d.uri)]
        paths += [self.notebook_path(n.uri) for n in list(self.workspace.notebook_documents.values())]
        paths.append(os.path.join(os.path.abspath(self._workspace_root() or os.getcwd()), "credlint.py"))
        out: List[Any] = []
        for path in paths:
            try:
                ruleset = self.credlint_workspace(path).project_for(path).ruleset
            except Exception:  # a broken configuration is reported when its documents are linted
                continue
            if all(ruleset is not r for r in out):
                out.append(ruleset)
        if not out:
            from .ruleset import load_rules

            out.append(load_rules())
        return out

    def pull_settings(self) -> None:
        """Ask the client for the `credlint` section (workspace/configuration)."""
        def received(result: Any) -> None:
            try:
                value = result[0] if isinstance(result, (list, tuple)) and result else None
                if isinstance(value, dict) and value:  # null or {}: nothing set there
                    self.configure(value)
            except Exception as exc:
                self.log(types.MessageType.Error, f"credlint: internal error in settings ({_where(exc)})")

        try:
            self.workspace_configuration(types.ConfigurationParams(
                items=[types.ConfigurationItem(section=SETTINGS_SECTION)]), callback=received)
        except Exception:
            pass

    def _workspace_root(self) -> Optional[str]:
        try:
            root = self.workspace.root_path
        except RuntimeError:  # before initialize
            return None
        return root or None

    def _folders(self) -> List[str]:
        try:
            folders = list(self.workspace.folders.values())
        except RuntimeError:
            return []
        paths = [to_fs_path(f.uri) for f in folders]
        return [p for p in paths if p]

    def project_root(self, path: str) -> str:
        """The repository that holds `path` (as the CLI decides: fingerprints
        and excludes then mean the same in the editor and in CI), else the
        workspace folder that holds it, else the workspace root."""
        directory = os.path.dirname(path)
        root = self._roots.get(directory)
        if root is not None:
            return root
        root = git_root(directory)
        if root is None:
            holders = [f for f in self._folders() if path.startswith(f.rstrip(os.sep) + os.sep)]
            root = max(holders, key=len) if holders else (self._workspace_root() or directory)
        self._roots[directory] = root
        return root

    def credlint_workspace(self, path: str):
        """One per project root. Buffers change a few lines at a time, so
        parsed trees are kept between lints (incremental); files the
        configuration excludes get no diagnostics (force-exclude)."""
        from .api import Workspace
        from .settings import Overrides

        root = self.project_root(path)
        workspace = self._workspaces.get(root)
        if workspace is None:
            overrides = Overrides(force_exclude=True, cache=False, select=self.settings.select,
                                  ignore=self.settings.ignore)
            workspace = self._workspaces[root] = Workspace(overrides, root=root, incremental=True)
        return workspace

    # -- documents --

    def path_for(self, uri: str, language_id: Optional[str]) -> str:
        """The path a document is linted as."""
        if uri_scheme(uri) == "file":
            path = to_fs_path(uri.replace(";", "%3B"))  # pygls would cut a path at ';' (URI params)
            if path:
                return os.path.abspath(path)
        # untitled:Untitled-1, or a scheme without a file: a file of the language in the root
        from urllib.parse import unquote, urlsplit

        name = os.path.basename(unquote(urlsplit(uri).path).rstrip("/")) or "untitled"
        name = _SAFE_NAME.sub("-", name).strip("-.") or "untitled"
        suffix = LANGUAGE_FILES.get((language_id or "").lower(), "")
        if suffix.startswith("."):
            if not name.lower().endswith(suffix):
                name += suffix
        elif suffix:
            name = suffix
        return os.path.join(os.path.abspath(self._workspace_root() or os.getcwd()), name)

    def lint(self, uri: str) -> None:
        """Lint one open document and publish its diagnostics."""
        self._quietly(lambda: self._lint_and_publish(uri))

    def lint_notebook(self, uri: str) -> None:
        """Lint one open notebook and publish its diagnostics, cell by cell."""
        self._quietly(lambda: self._lint_notebook_and_publish(uri))

    def _quietly(self, work: Callable[[], None]) -> None:
        """Run `work` with the cycle collector off: a big file's AST and scopes
        trigger collections that scan the whole (pygls, lsprotocol, rules)
        heap and double the time to diagnostics. The collection runs later,
        after the diagnostics are out. The first time, what start-up and the
        first lint loaded (rules, compiled patterns) is frozen out of the
        collector's way for good."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            work()
        finally:
            if enabled:
                gc.enable()
            if not self._frozen:
                self._frozen = True
                gc.collect()
                gc.freeze()

    def open_document(self, uri: str):
        """The open document (pygls would make one from the disk for another URI)."""
        return self.workspace.text_documents.get(unquote(uri))

    def is_cell(self, uri: str) -> bool:
        """Is this a cell of an open notebook (linted with its notebook, never alone)?"""
        return self.workspace.get_notebook_document(cell_uri=uri) is not None

    def forget(self, uri: str) -> None:
        self.linted.pop(uri, None)
        self.versions.pop(uri, None)
        self.result_ids.pop(uri, None)

    def _lint_and_publish(self, uri: str) -> None:
        document = self.open_document(uri)
        if document is None:
            return
        version = document.version
        try:
            linted = self._lint(uri, document)
        except Exception as exc:
            self._internal_error(uri, exc)
            linted = None
        self.linted[uri] = linted
        self.versions[uri] = version
        self.result_ids[uri] = str(next(self._lints))
        if not self.pulls:
            self._publish(uri, version, linted.diagnostics if linted is not None else [])

    def _internal_error(self, uri: str, exc: Exception) -> None:
        self.log(types.MessageType.Error,
                 f"credlint: internal error while linting {uri} ({_where(exc)}); no diagnostics for it. "
                 "Please report it: https://github.com/credlint/credlint/issues")

    def _publish(self, uri: str, version: Optional[int], diagnostics: List[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=diagnostics))

    def _run(self, uri: str, path: str, data: bytes, workspace: Any):
        """credlint.api.run on one buffer: its response, or None when there is
        nothing to show (excluded, or a broken configuration, reported)."""
        from .api import Buffer, Request, UsageError, run
        from .ruleset import RuleError
        from .yamlsource import YamlError

        try:
            response = run(Request(buffer=Buffer(path, data)), workspace)
        except (UsageError, RuleError, YamlError) as exc:
            # A bad config or rule file (its path, line and problem; values are masked):
            # say so once, lint nothing under it until it is fixed and saved.
            message = f"credlint: {exc}"
            if message not in self._config_errors:
                self._config_errors.add(message)
                self.show(types.MessageType.Error, message)
            self.log(types.MessageType.Error, message)
            return None
        if not response.files:  # excluded by the configuration
            return None
        for notice in response.files[0].result.notices:
            if notice.level == "error":  # internal errors; parse notices are the editor's other tools' job
                self.log(types.MessageType.Error, f"credlint: {uri}: {notice.message}")
        return response

    def _encoding(self) -> str:
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    def _lint(self, uri: str, document) -> Optional[Linted]:
        from .filetypes import detect

        path = self.path_for(uri, document.language_id)
        text = document.source
        workspace = self.credlint_workspace(path)
        bom = 1 if text.startswith("\ufeff") else 0
        body = text[bom:]
        encoding = _encoding_for(body, detect(path, body[:512].encode("utf-8", "replace")))
        try:
            data = body.encode(encoding)
        except (UnicodeEncodeError, LookupError):  # the buffer does not fit its declared encoding
            encoding = "utf-8"
            data = body.encode(encoding, "surrogatepass")
        response = self._run(uri, path, data, workspace)
        if response is None:
            return None
        result = response.files[0].result
        positions = Positions(text, self._encoding(), bom)
        linted = Linted(uri, document.version, path, text, data, encoding, positions, workspace, result,
                        response.rules)
        linted.diagnostics = [self.diagnostic(positions, f) for f in result.findings]
        return linted

    # -- notebooks --

    def notebook_path(self, uri: str) -> str:
        """The path a notebook is linted as: an .ipynb (the name decides the analyzer)."""
        path = self.path_for(uri, None)
        return path if path.lower().endswith(".ipynb") else path + ".ipynb"

    def _lint_notebook_and_publish(self, uri: str) -> None:
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return
        try:
            linted = self._lint_notebook(notebook)
        except Exception as exc:
            self._internal_error(uri, exc)
            linted = None
        key = unquote(uri)
        self.notebooks[key] = linted
        self.notebook_versions[key] = notebook.version
        # Each cell's diagnostics, pushed whether the client pulls or not (clients
        # do not all pull for cells); only those that changed, and empty ones for
        # cells that are gone.
        before = self.published_cells.get(key, {})
        now: Dict[str, Any] = {}
        for cell in notebook.cells:
            view = linted.by_uri.get(unquote(cell.document)) if linted is not None else None
            document = self.open_document(cell.document)
            state = (document.version if document is not None else None, view.diagnostics if view else [])
            now[cell.document] = state
            if before.get(cell.document) != state:
                self._publish(cell.document, state[0], state[1])
        for gone in before.keys() - now.keys():
            self._publish(gone, None, [])
        self.published_cells[key] = now

    def _lint_notebook(self, notebook: types.NotebookDocument) -> Optional[LintedNotebook]:
        cells = []
        for cell in notebook.cells:
            document = self.open_document(cell.document)
            text = document.source if document is not None else ""
            language = (document.language_id if document is not None else None) or "python"
            if cell.kind == types.NotebookCellKind.Markup:
                kind = "markdown"
            else:
                kind = "code" if language.lower() in PYTHON_CELLS else "raw"  # raw: read as text
            cells.append(NotebookCell(cell.document, document.version if document is not None else None, kind, text))
        path = self.notebook_path(notebook.uri)
        workspace = self.credlint_workspace(path)
        buffer = NotebookBuffer(cells)
        response = self._run(notebook.uri, path, buffer.data, workspace)
        if response is None:
            return None
        result = response.files[0].result
        rules = dict(response.rules)
        views = [CellView(cell, Positions(cell.text, self._encoding()), rules) for cell in cells]
        for finding in result.findings:
            where = buffer.locate(finding.span)
            if where is None:  # not in a cell's source (the analyzer reports none there)
                continue
            index, start, end = where
            view = views[index]
            # The cell is the diagnostic's document, and the client may not number cells as
            # the analyzer does (it syncs the Python cells only): no "[notebook cell N]" then.
            finding = finding._replace(span=_span_in(view.text, start, end),
                                       message=_NOTEBOOK_PLACE.sub("", finding.message))
            view.diagnostics.append(self.diagnostic(view.positions, finding))
        return LintedNotebook(notebook.uri, notebook.version, path, buffer, workspace, result, views)

    def current_notebook(self, uri: str) -> Optional[LintedNotebook]:
        """The lint of the notebook's current version (linted now if it is stale)."""
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return None
        key = unquote(notebook.uri)
        if self.notebook_versions.get(key) != notebook.version:
            self.lint_notebook(notebook.uri)
        return self.notebooks.get(key)

    def close_notebook(self, uri: str) -> None:
        key = unquote(uri)
        self.notebooks.pop(key, None)
        self.notebook_versions.pop(key, None)
        for cell in self.published_cells.pop(key, {}):
            self._publish(cell, None, [])

    def cell_view(self, uri: str) -> Optional[CellView]:
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        linted = self.current_notebook(notebook.uri) if notebook is not None else None
        return linted.by_uri.get(unquote(uri)) if linted is not None else None

    # -- hover and pull diagnostics --

    def hover(self, params: types.HoverParams) -> Optional[types.Hover]:
        """The documentation of the rules whose findings are under the cursor."""
        uri = params.text_document.uri
        view = self.cell_view(uri) if self.is_cell(uri) else self.current(uri)
        if view is None:
            return None
        hits = [d for d in view.diagnostics if _contains(d.range, params.position)]
        codes = list(dict.fromkeys(str(d.code) for d in hits if str(d.code) in view.rules))
        if not codes:
            return None
        formats = self._supports("text_document.hover.content_format")
        kind = types.MarkupKind.PlainText if formats and types.MarkupKind.Markdown not in formats \
            else types.MarkupKind.Markdown
        text = "\n---\n\n".join(rule_hover(view.rules[code]) for code in codes)
        return types.Hover(contents=types.MarkupContent(kind=kind, value=text),
                           range=hits[0].range)

    def pull(self, params: types.DocumentDiagnosticParams):
        """textDocument/diagnostic: a full report with what would be published,
        or `unchanged` when the client has the last lint's resultId."""
        uri = params.text_document.uri
        if self.is_cell(uri):
            # Cells are pushed (see _lint_notebook_and_publish): the same
            # diagnostics in a pulled report too would show each one twice.
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        linted = self.current(uri)
        result_id = self.result_ids.get(uri)
        if result_id is not None and params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=list(linted.diagnostics) if linted is not None else [], result_id=result_id)

    @staticmethod
    def diagnostic(positions: Positions, finding: Finding) -> types.Diagnostic:
        return types.Diagnostic(
            range=positions.range(finding.span),
            severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
            code=finding.rule_id,
            code_description=types.CodeDescription(href=DOCS_URL.format(finding.rule_id)),
            source=SOURCE,
            message=f"[{finding.rule_name}] {finding.message}",
        )

    def current(self, uri: str) -> Optional[Linted]:
        """The lint of the document's current version (linted now if it is
        stale). None for a notebook cell: cells are linted with their notebook."""
        document = self.open_document(uri)
        if document is None or self.is_cell(uri):
            return None
        if uri not in self.versions or self.versions[uri] != document.version:
            self.lint(uri)
        return self.linted.get(uri)

    # -- code actions --

    def _supports(self, path: str) -> Any:
        from pygls.capabilities import get_capability

        return get_capability(self.client_capabilities, path, None)

    def workspace_edit(self, changes: Sequence[Tuple[str, Optional[int], Sequence[types.TextEdit]]]
                       ) -> types.WorkspaceEdit:
        """Edits to documents: (uri, version, edits) each."""
        if self._supports("workspace.workspace_edit.document_changes"):
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=list(edits)) for uri, version, edits in changes])
        return types.WorkspaceEdit(changes={uri: list(edits) for uri, _, edits in changes})

    def fix_all_action(self, uri: str, fixes: Tuple[str, ...], findings: Sequence[Finding],
                       only: Optional[Sequence[str]]) -> Optional[types.CodeAction]:
        """The `source.fixAll.credlint` action, if a finding has a fix it may apply."""
        if not _wanted(FIX_ALL_KIND, only) or not any(
                f.fix_plan is not None and f.fix_plan.applicability in fixes for f in findings):
            return None
        title = "credlint: fix all safe fixes" if fixes == ("safe",) else "credlint: fix all (unsafe fixes included)"
        action = types.CodeAction(title=title, kind=FIX_ALL_KIND, data={"uri": uri, "fixes": list(fixes)})
        resolvable = self._supports("text_document.code_action.resolve_support.properties") or []
        if "edit" not in resolvable:
            action = self.resolve(action)
            if action.edit is None:
                return None
        return action

    def code_actions(self, params: types.CodeActionParams) -> List[types.CodeAction]:
        uri = params.text_document.uri
        only = params.context.only
        fixes = self.settings.fixes
        if self.is_cell(uri):
            # Notebook findings have no edits of their own (the notebook analyzer
            # fixes cells as one module): "fix all" only, for all the cells.
            notebook = self.workspace.get_notebook_document(cell_uri=uri)
            linted_notebook = self.current_notebook(notebook.uri) if notebook is not None else None
            if linted_notebook is None:
                return []
            action = self.fix_all_action(uri, fixes, linted_notebook.result.findings, only)
            return [action] if action is not None else []
        linted = self.current(uri)
        if linted is None or not any(f.fix_plan is not None for f in linted.result.findings):
            return []
        actions: List[types.CodeAction] = []
        if _wanted(types.CodeActionKind.QuickFix, only):
            actions.extend(self.quick_fixes(linted, params))
        action = self.fix_all_action(linted.uri, fixes, linted.result.findings, only)
        if action is not None:
            actions.append(action)
        return actions

    def quick_fixes(self, linted: Linted, params: types.CodeActionParams) -> Iterable[types.CodeAction]:
        ours = [d for d in params.context.diagnostics if d.source == SOURCE]
        for diagnostic, finding in zip(linted.diagnostics, linted.findings_with_fixes()):
            fix = finding.fix
            if fix is None or not fix.edits or not _overlaps(diagnostic.range, params.range):
                continue
            if ours and not any(d.code == diagnostic.code and d.range == diagnostic.range for d in ours):
                continue  # the client asks about other diagnostics here
            edits = [types.TextEdit(range=linted.positions.range(e.span), new_text=e.content) for e in fix.edits]
            yield types.CodeAction(
                title=f"credlint: {fix.title} ({fix.applicability})",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=fix.applicability == "safe",
                edit=self.workspace_edit([(linted.uri, linted.version, edits)]),
            )

    def resolve(self, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        if action.kind != FIX_ALL_KIND or not isinstance(uri, str):
            return action
        fixes = tuple(f for f in ("safe", "unsafe") if f in (data.get("fixes") or ["safe"]))
        if self.is_cell(uri):
            notebook = self.workspace.get_notebook_document(cell_uri=uri)
            linted_notebook = self.current_notebook(notebook.uri) if notebook is not None else None
            if linted_notebook is None:
                return action
            edits = linted_notebook.fix_all(fixes)
            if edits:
                action.edit = self.workspace_edit([(cell.uri, cell.version, [edit]) for cell, edit in edits])
            return action
        linted = self.current(uri)
        if linted is None:
            return action
        edit = linted.fix_all(fixes)
        if edit is not None:
            action.edit = self.workspace_edit([(linted.uri, linted.version, [edit])])
        return action


def _wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    """Does `only` (the client's filter) ask for `kind`? Kinds are hierarchical:
    `source` asks for `source.fixAll.credlint`."""
    if not only:
        return True
    return any(kind == k or kind.startswith(k + ".") for k in only)


def build_server() -> CredlintServer:
    server = CredlintServer()

    def guarded(what: str):
        def decorate(handler):
            def run(ls: CredlintServer, params):
                try:
                    return handler(ls, params)
                except Exception as exc:
                    ls.log(types.MessageType.Error, f"credlint: internal error in {what} ({_where(exc)})")
                    return None
            run.__name__ = handler.__name__
            return run
        return decorate

    @server.feature(types.INITIALIZE)
    @guarded("initialize")
    def initialize(ls: CredlintServer, params: types.InitializeParams) -> None:
        # A client that can pull diagnostics is answered when it pulls, and gets no push
        # for text documents (both would show each finding twice): docs/editors.md.
        ls.pulls = ls._supports("text_document.diagnostic") is not None
        options = params.initialization_options
        if isinstance(options, dict) and SETTINGS_SECTION in options:
            ls.initial_settings = options[SETTINGS_SECTION]  # checked once initialized (it loads the rules)

    @server.feature(types.INITIALIZED)
    @guarded("initialized")
    def initialized(ls: CredlintServer, params: types.InitializedParams) -> None:
        if ls.initial_settings is not None:
            ls.configure(ls.initial_settings)
        elif ls._supports("workspace.configuration"):
            ls.pull_settings()
        if ls._supports("workspace.did_change_watched_files.dynamic_registration"):
            watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES]
            ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
                id=CONFIG_WATCH_ID,
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )]))

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CredlintServer, params: Any) -> None:
        ls.shutdown_requested = True

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded("didOpen")
    def did_open(ls: CredlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded("didChange")
    def did_change(ls: CredlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    @guarded("didSave")
    def did_save(ls: CredlintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri_scheme(uri) == "file" and os.path.basename(ls.path_for(uri, None)) in CONFIG_NAMES:
            ls.reload()  # re-lints every open document, this one included
            return
        document = ls.open_document(uri)
        if document is not None and uri in ls.versions and ls.versions[uri] == document.version:
            linted = ls.linted.get(uri)  # the buffer was linted as it is saved: publish that again
            if not ls.pulls:
                ls._publish(uri, document.version, linted.diagnostics if linted is not None else [])
        else:
            ls.lint(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded("didClose")
    def did_close(ls: CredlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        if not ls.pulls:
            ls._publish(uri, None, [])

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    @guarded("notebookDocument/didOpen")
    def notebook_did_open(ls: CredlintServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.lint_notebook(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    @guarded("notebookDocument/didChange")
    def notebook_did_change(ls: CredlintServer, params: types.DidChangeNotebookDocumentParams) -> None:
        ls.lint_notebook(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    @guarded("notebookDocument/didSave")
    def notebook_did_save(ls: CredlintServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.current_notebook(params.notebook_document.uri)  # the cells as saved are linted already, or now

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    @guarded("notebookDocument/didClose")
    def notebook_did_close(ls: CredlintServer, params: types.DidCloseNotebookDocumentParams) -> None:
        ls.close_notebook(params.notebook_document.uri)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded("hover")
    def hover(ls: CredlintServer, params: types.HoverParams) -> Optional[types.Hover]:
        return ls.hover(params)

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(
        identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False))
    def diagnostic(ls: CredlintServer, params: types.DocumentDiagnosticParams):
        try:
            return ls.pull(params)
        except Exception as exc:  # a report is due in any case: an empty one
            ls.log(types.MessageType.Error, f"credlint: internal error in textDocument/diagnostic ({_where(exc)})")
            return types.RelatedFullDocumentDiagnosticReport(items=[])

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded("didChangeWatchedFiles")
    def did_change_watched_files(ls: CredlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(os.path.basename(ls.path_for(c.uri, None)) in CONFIG_NAMES for c in params.changes
               if uri_scheme(c.uri) == "file"):
            ls.reload()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded("didChangeConfiguration")
    def did_change_configuration(ls: CredlintServer, params: types.DidChangeConfigurationParams) -> None:
        # The editor's settings (select, ignore, unsafeFixes) come on top of the config files.
        settings = params.settings
        if isinstance(settings, dict) and SETTINGS_SECTION in settings:
            ls.configure(settings[SETTINGS_SECTION])
        elif ls._supports("workspace.configuration"):
            ls.pull_settings()  # "something changed": ask for our section

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True))
    @guarded("codeAction")
    def code_action(ls: CredlintServer, params: types.CodeActionParams) -> Optional[List[types.CodeAction]]:
        return ls.code_actions(params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    def code_action_resolve(ls: CredlintServer, action: types.CodeAction) -> types.CodeAction:
        try:
            return ls.resolve(action)
        except Exception as exc:
            ls.log(types.MessageType.Error, f"credlint: internal error in codeAction/resolve ({_where(exc)})")
            return action

    return server


def main() -> int:
    """Serve on stdin/stdout until the client sends `exit`. Returns 0 after an
    orderly shutdown, 1 when the client exits (or goes away) without one
    (the LSP specification's exit codes)."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the protocol stream
    server = build_server()
    server.start_io(stdin, stdout)
    return 0 if server.shutdown_requested else 1
