"""`credlint lsp`: the language server (stdio), for editors.

What it does:
- lints every open document on open, change (the unsaved buffer, never the
  file on disk) and save, and publishes its findings as diagnostics; clears
  them on close;
- offers each finding's fix as a quick fix ("(safe)" fixes are preferred;
  "(unsafe)" ones are offered but never applied without the user choosing
  them) and a `source.fixAll.credlint` action that applies the safe fixes;
- reloads configuration when a `.credlint.toml` or `pyproject.toml` is saved
  or changes on disk (workspace/didChangeWatchedFiles), and re-lints the open
  documents.

Diagnostics are cheap: lint_source only (no libcst). Fix edits are computed
only when an editor asks for code actions, once per document version.

A finding never holds a secret (the engine masks them), and nothing here adds
source text: diagnostics carry the finding's message and range only, and
errors are logged as their type and location, never their text.
"""
from __future__ import annotations

import gc
import os
import re
import sys
import traceback
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

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


# -- documents ---------------------------------------------------------------------------


class Linted:
    """One version of one document, linted."""

    def __init__(self, uri: str, version: Optional[int], path: str, text: str, data: bytes,
                 encoding: str, positions: Positions, workspace: Any, result: Any) -> None:
        self.uri = uri
        self.version = version
        self.path = path
        self.text = text  # the buffer, as the editor has it
        self.data = data  # what credlint linted (no BOM, in the file's declared encoding)
        self.encoding = encoding
        self.positions = positions
        self.workspace = workspace
        self.result = result
        self.diagnostics: List[types.Diagnostic] = []
        self._with_fixes: Optional[Tuple[Finding, ...]] = None
        self._fix_all: Optional[Tuple[Optional[types.TextEdit]]] = None

    def findings_with_fixes(self) -> Tuple[Finding, ...]:
        """The findings with their fixes' edits (libcst: only when asked)."""
        if self._with_fixes is None:
            from .api import Buffer, Request, run

            response = run(Request(buffer=Buffer(self.path, self.data), edits=True), self.workspace)
            self._with_fixes = response.files[0].result.findings if response.files else ()
        return self._with_fixes

    def fix_all(self) -> Optional[types.TextEdit]:
        """The edit that applies every safe fix (None: nothing to change)."""
        if self._fix_all is None:
            from .api import Buffer, Request, run

            response = run(Request(buffer=Buffer(self.path, self.data), fix=("safe",)), self.workspace)
            fixed = response.files[0].fixed if response.files else None
            edit = None
            if fixed is not None:
                after = _decode(fixed, self.encoding)
                if self.positions.bom:
                    after = "\ufeff" + after
                edit = whole_line_edit(self.text, after, self.positions)
            self._fix_all = (edit,)
        return self._fix_all[0]


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
        super().__init__("credlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.linted: Dict[str, Optional[Linted]] = {}  # uri -> the last lint (None: nothing to offer)
        self.versions: Dict[str, Optional[int]] = {}  # uri -> the version last linted
        self.shutdown_requested = False
        self._workspaces: Dict[str, Any] = {}  # project root -> credlint.api.Workspace
        self._roots: Dict[str, str] = {}  # directory -> its project root
        self._config_errors: set = set()
        self._frozen = False

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
        for document in list(self.workspace.text_documents.values()):
            self.lint(document.uri)

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
            workspace = self._workspaces[root] = Workspace(Overrides(force_exclude=True, cache=False), root=root,
                                                           incremental=True)
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
        """Lint one open document and publish its diagnostics.

        The cycle collector is off meanwhile: a big file's AST and scopes
        trigger collections that scan the whole (pygls, lsprotocol, rules)
        heap and double the time to diagnostics. The collection runs later,
        after the diagnostics are out. The first time, what start-up and the
        first lint loaded (rules, compiled patterns) is frozen out of the
        collector's way for good."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._lint_and_publish(uri)
        finally:
            if enabled:
                gc.enable()
            if not self._frozen:
                self._frozen = True
                gc.collect()
                gc.freeze()

    def open_document(self, uri: str):
        """The open document (pygls would make one from the disk for another URI)."""
        from urllib.parse import unquote

        return self.workspace.text_documents.get(unquote(uri))

    def forget(self, uri: str) -> None:
        self.linted.pop(uri, None)
        self.versions.pop(uri, None)

    def _lint_and_publish(self, uri: str) -> None:
        document = self.open_document(uri)
        if document is None:
            return
        version = document.version
        try:
            linted = self._lint(uri, document)
        except Exception as exc:
            self.log(types.MessageType.Error,
                     f"credlint: internal error while linting {uri} ({_where(exc)}); no diagnostics for it. "
                     "Please report it: https://github.com/credlint/credlint/issues")
            linted = None
        self.linted[uri] = linted
        self.versions[uri] = version
        self._publish(uri, version, linted.diagnostics if linted is not None else [])

    def _publish(self, uri: str, version: Optional[int], diagnostics: List[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=diagnostics))

    def _lint(self, uri: str, document) -> Optional[Linted]:
        from .api import Buffer, Request, UsageError, run
        from .filetypes import detect
        from .ruleset import RuleError
        from .yamlsource import YamlError

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
        result = response.files[0].result
        for notice in result.notices:
            if notice.level == "error":  # internal errors; parse notices are the editor's other tools' job
                self.log(types.MessageType.Error, f"credlint: {uri}: {notice.message}")
        positions = Positions(text, self.workspace.position_encoding or types.PositionEncodingKind.Utf16, bom)
        linted = Linted(uri, document.version, path, text, data, encoding, positions, workspace, result)
        linted.diagnostics = [self.diagnostic(positions, f) for f in result.findings]
        return linted

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
        """The lint of the document's current version (linted now if it is stale)."""
        document = self.open_document(uri)
        if document is None:
            return None
        if uri not in self.versions or self.versions[uri] != document.version:
            self.lint(uri)
        return self.linted.get(uri)

    # -- code actions --

    def _supports(self, path: str) -> Any:
        from pygls.capabilities import get_capability

        return get_capability(self.client_capabilities, path, None)

    def workspace_edit(self, linted: Linted, edits: Sequence[types.TextEdit]) -> types.WorkspaceEdit:
        if self._supports("workspace.workspace_edit.document_changes"):
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=linted.uri, version=linted.version),
                edits=list(edits))])
        return types.WorkspaceEdit(changes={linted.uri: list(edits)})

    def code_actions(self, params: types.CodeActionParams) -> List[types.CodeAction]:
        linted = self.current(params.text_document.uri)
        if linted is None or not any(f.fix_plan is not None for f in linted.result.findings):
            return []
        only = params.context.only
        actions: List[types.CodeAction] = []
        if _wanted(types.CodeActionKind.QuickFix, only):
            actions.extend(self.quick_fixes(linted, params))
        if _wanted(FIX_ALL_KIND, only) and any(
                f.fix_plan is not None and f.fix_plan.applicability == "safe" for f in linted.result.findings):
            action = types.CodeAction(title="credlint: fix all safe fixes", kind=FIX_ALL_KIND,
                                      data={"uri": linted.uri, "version": linted.version})
            resolvable = self._supports("text_document.code_action.resolve_support.properties") or []
            if "edit" not in resolvable:
                action = self.resolve(action)
                if action.edit is None:
                    return actions
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
                edit=self.workspace_edit(linted, edits),
            )

    def resolve(self, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        if action.kind != FIX_ALL_KIND or not isinstance(uri, str):
            return action
        linted = self.current(uri)
        if linted is None:
            return action
        edit = linted.fix_all()
        if edit is not None:
            action.edit = self.workspace_edit(linted, [edit])
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

    @server.feature(types.INITIALIZED)
    @guarded("initialized")
    def initialized(ls: CredlintServer, params: types.InitializedParams) -> None:
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
            ls._publish(uri, document.version, linted.diagnostics if linted is not None else [])
        else:
            ls.lint(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded("didClose")
    def did_close(ls: CredlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        ls._publish(uri, None, [])

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded("didChangeWatchedFiles")
    def did_change_watched_files(ls: CredlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(os.path.basename(ls.path_for(c.uri, None)) in CONFIG_NAMES for c in params.changes
               if uri_scheme(c.uri) == "file"):
            ls.reload()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: CredlintServer, params: types.DidChangeConfigurationParams) -> None:
        pass  # credlint reads its settings from its config files, not from the editor

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
