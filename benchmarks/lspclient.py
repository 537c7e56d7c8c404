"""A language-server client over stdio, standard library only (Python >= 3.9):
JSON-RPC 2.0 with Content-Length framing, to drive `credlint lsp` as an editor
does. Shared by the tests (tests/test_lsp.py) and the benchmark's editor scenario
(credbench/scenarios/ide.py), which both put this directory on sys.path.

    client = LspClient(workdir)                      # python -m credlint lsp, cwd workdir
    client.initialize(workdir)                       # initialize, then the initialized notification
    client.open(uri_of(workdir / "app.py"), text)
    diagnostics = client.diagnostics(uri, version=1)
    assert client.shutdown() == 0                    # shutdown, exit: the exit code
    client.kill()                                    # always (a finally:), or use `with LspClient(...)`

What the server sends is read by a thread. Its requests (client/registerCapability,
workspace/configuration...) are answered at once, from `request_handlers` (method
-> params -> result; workspace/configuration gets a null per item asked, anything
else null), and kept in `server_requests`. Notifications that no wait has consumed
yet are kept in `notifications`, in order of arrival, for the next `wait_for`.
Waiting fails with LspError (LspTimeout: nothing came in time; LspClosed: the server
closed its output; LspResponseError: the answer was an error), whose message ends
with what the server wrote on stderr.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union
from urllib.parse import quote

TIMEOUT = 30.0  # seconds for any one answer: a hung server fails, it does not hang

Message = Dict[str, Any]


class LspError(Exception):
    """The server did not answer as expected."""


class LspTimeout(LspError, TimeoutError):
    """No answer in time."""


class LspClosed(LspError):
    """The server closed its output (it exited)."""


class LspResponseError(LspError):
    """The server answered a request with an error."""

    def __init__(self, message: str, error: Dict[str, Any]) -> None:
        super().__init__(message)
        self.error = error


def uri_of(path: Union[str, Path]) -> str:
    """A file URI for an absolute path, percent-encoded."""
    return "file://" + quote(str(path))


def _configuration(params: Any) -> List[None]:
    """workspace/configuration: no client-side settings, a null for each item asked."""
    return [None] * len((params or {}).get("items", []))


class LspClient:
    """A language server started as a child process, talked to over its stdin and stdout."""

    def __init__(self, cwd: Union[str, Path], command: Optional[Sequence[str]] = None, *,
                 env: Optional[Dict[str, str]] = None, timeout: float = TIMEOUT, capture_stderr: bool = True,
                 request_handlers: Optional[Dict[str, Callable[[Any], Any]]] = None) -> None:
        """Start `command` (default: this Python's `-m credlint lsp`) in `cwd`.
        `env` defaults to this process's environment without CREDLINT_DEBUG;
        `timeout` is the default wait for any one answer; with `capture_stderr`
        the server's stderr is collected in `self.stderr` (else discarded)."""
        if env is None:
            env = dict(os.environ)
            env.pop("CREDLINT_DEBUG", None)
        self.timeout = timeout
        self.request_handlers: Dict[str, Callable[[Any], Any]] = {"workspace/configuration": _configuration}
        self.request_handlers.update(request_handlers or {})
        self.process = subprocess.Popen(
            list(command or [sys.executable, "-m", "credlint", "lsp"]), cwd=str(cwd), env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if capture_stderr else subprocess.DEVNULL,
        )
        self.incoming: "queue.Queue[Optional[Message]]" = queue.Queue()
        self.notifications: List[Message] = []  # received, not yet consumed by a wait
        self.server_requests: List[Message] = []  # the server's requests, as received (all answered)
        self.responses: Dict[Any, Message] = {}  # answers to requests nobody waits for yet, by id
        self.stderr = b""
        self._next_id = 0
        self._write_lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        self._stderr_reader: Optional[threading.Thread] = None
        if capture_stderr:
            self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
            self._stderr_reader.start()

    # -- transport --

    def _read(self) -> None:
        stream = self.process.stdout
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        self.incoming.put(None)
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                if length is None:
                    raise ValueError("a message without Content-Length")
                message = json.loads(stream.read(length).decode("utf-8"))
                if "method" in message and "id" in message:  # a request from the server: answer it now
                    self.server_requests.append(message)
                    self._answer(message)
                self.incoming.put(message)
        except Exception:  # the process went away mid-message, or sent something unreadable
            self.incoming.put(None)

    def _answer(self, request: Message) -> None:
        handler = self.request_handlers.get(request["method"])
        try:
            result = handler(request.get("params")) if handler else None
        except Exception as exc:  # a handler's fault: the server gets an error, the client goes on
            self.send({"id": request["id"], "error": {"code": -32603, "message": f"{type(exc).__name__}: {exc}"}})
            return
        self.send({"id": request["id"], "result": result})

    def _drain_stderr(self) -> None:
        # read1: what is there now (read(n) would wait for n bytes, and a timeout's message would show none)
        for chunk in iter(lambda: self.process.stderr.read1(4096), b""):
            self.stderr += chunk

    def send(self, message: Message) -> None:
        """Write one message (`jsonrpc` added)."""
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        with self._write_lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _fail(self, exception: Callable[[str], LspError], what: str) -> LspError:
        if self._stderr_reader is None:
            return exception(what)
        if exception is LspClosed:  # the server is gone: let the last of its stderr arrive
            self._stderr_reader.join(timeout=1)
        return exception(f"{what}; stderr:\n{self.stderr.decode(errors='replace')}")

    def _next(self, deadline: float) -> Message:
        """The next message from the server (requests included: they are answered already)."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._fail(LspTimeout, "no answer from the server in time")
        try:
            message = self.incoming.get(timeout=remaining)
        except queue.Empty:
            raise self._fail(LspTimeout, "no answer from the server in time") from None
        if message is None:
            self.incoming.put(None)  # every later wait fails the same way
            raise self._fail(LspClosed, "the server closed its output")
        return message

    def _deadline(self, timeout: Optional[float]) -> float:
        return time.monotonic() + (self.timeout if timeout is None else timeout)

    # -- requests and notifications --

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"method": method, "params": params})

    def send_request(self, method: str, params: Any = None) -> int:
        """Send a request, do not wait: its id (see `response`)."""
        self._next_id += 1
        self.send({"id": self._next_id, "method": method, "params": params})
        return self._next_id

    def response(self, ident: int, timeout: Optional[float] = None) -> Message:
        """The answer to request `ident` (the whole message); notifications that
        arrive meanwhile are kept for `wait_for`."""
        if ident in self.responses:
            return self.responses.pop(ident)
        deadline = self._deadline(timeout)
        while True:
            message = self._next(deadline)
            if "method" in message:
                if "id" not in message:
                    self.notifications.append(message)
                continue
            if message.get("id") == ident:
                return message
            self.responses[message.get("id")] = message

    def request(self, method: str, params: Any = None, timeout: Optional[float] = None) -> Any:
        """Send a request and wait for its result (LspResponseError if it is an error)."""
        message = self.response(self.send_request(method, params), timeout)
        if "error" in message:
            raise LspResponseError(f"{method}: {message['error']}", message["error"])
        return message.get("result")

    def wait_for(self, method: str, match: Callable[[Dict[str, Any]], bool] = lambda params: True,
                 timeout: Optional[float] = None) -> Dict[str, Any]:
        """The params of the first notification `method` whose params `match`,
        in order of arrival; the others stay for later calls."""
        for index, message in enumerate(self.notifications):
            if message["method"] == method and match(message["params"]):
                del self.notifications[index]
                return message["params"]
        deadline = self._deadline(timeout)
        while True:
            message = self._next(deadline)
            if "method" not in message:
                self.responses[message.get("id")] = message
                continue
            if "id" in message:  # a request from the server, answered already
                continue
            if message["method"] == method and match(message["params"]):
                return message["params"]
            self.notifications.append(message)

    def diagnostics(self, uri: str, version: Optional[int] = None,
                    timeout: Optional[float] = None) -> List[Dict[str, Any]]:
        """The next diagnostics published for `uri` (for document `version`, if given)."""
        params = self.wait_for("textDocument/publishDiagnostics",
                               lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
                               timeout)
        return params["diagnostics"]

    # -- the editor's side of a session --

    def initialize(self, root: Union[str, Path], capabilities: Optional[Dict[str, Any]] = None, *,
                   root_uri: Optional[str] = None, name: Optional[str] = None,
                   initialization_options: Any = None) -> Dict[str, Any]:
        """initialize with `root` as the workspace folder, then the initialized
        notification; the server's InitializeResult."""
        uri = root_uri or uri_of(root)
        params: Dict[str, Any] = {
            "processId": os.getpid(),
            "rootUri": uri,
            "workspaceFolders": [{"uri": uri, "name": name if name is not None else Path(root).name}],
            "capabilities": capabilities if capabilities is not None else {
                "workspace": {"workspaceEdit": {"documentChanges": True},
                              "didChangeWatchedFiles": {"dynamicRegistration": True}},
                "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}},
            },
        }
        if initialization_options is not None:
            params["initializationOptions"] = initialization_options
        result = self.request("initialize", params)
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, language: str = "python", version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language, "version": version, "text": text}})

    def change(self, uri: str, version: int, changes: List[Dict[str, Any]]) -> None:
        """didChange: `changes` are LSP content changes ({"text"} or {"range", "text"})."""
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": changes})

    def hover(self, uri: str, line: int, character: int) -> Any:
        """textDocument/hover at a 0-based position: the Hover, or None."""
        return self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                   "position": {"line": line, "character": character}})

    def pull_diagnostics(self, uri: str, previous_result_id: Optional[str] = None) -> Dict[str, Any]:
        """textDocument/diagnostic (LSP 3.17 pull): the document diagnostic report."""
        params: Dict[str, Any] = {"textDocument": {"uri": uri}}
        if previous_result_id is not None:
            params["previousResultId"] = previous_result_id
        return self.request("textDocument/diagnostic", params)

    def open_notebook(self, uri: str, cells: Sequence[Any], version: int = 1,
                      notebook_type: str = "jupyter-notebook") -> None:
        """notebookDocument/didOpen: `cells` are (cell uri, text) code cells in Python."""
        self.notify("notebookDocument/didOpen", {
            "notebookDocument": {"uri": uri, "notebookType": notebook_type, "version": version,
                                 "cells": [{"kind": 2, "document": cell_uri} for cell_uri, _ in cells]},
            "cellTextDocuments": [{"uri": cell_uri, "languageId": "python", "version": version, "text": text}
                                  for cell_uri, text in cells],
        })

    def configure(self, settings: Any) -> None:
        """workspace/didChangeConfiguration with these settings."""
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    # -- ending --

    def shutdown(self, timeout: Optional[float] = None) -> int:
        """shutdown (its result must be null), exit: the server's exit code."""
        result = self.request("shutdown", None, timeout)
        if result is not None:
            raise LspError(f"shutdown answered {result!r}, not null")
        self.notify("exit", None)
        return self.process.wait(timeout=self.timeout if timeout is None else timeout)

    def kill(self) -> None:
        """Stop the server if it still runs, and close the pipes."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=self.timeout)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                if stream is not None:
                    stream.close()
            except Exception:
                pass

    def close(self, timeout: float = 10) -> Optional[int]:
        """End the session however it stands: shutdown and exit if the server
        answers, else kill it. Never raises; the exit code if it exited."""
        try:
            if self.process.poll() is None:
                self.shutdown(timeout)
        except Exception:
            pass
        code = self.process.poll()
        self.kill()
        return code

    def __enter__(self) -> "LspClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
