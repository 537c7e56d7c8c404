"""`credlint lsp` as an editor talks to it: a real process, LSP JSON-RPC over
stdin/stdout, no mocks."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import KEY_ID, SECRET

# The LSP client is shared with the benchmark (benchmarks/lspclient.py, standard library only).
BENCHMARKS = str(Path(__file__).resolve().parent.parent / "benchmarks")
if BENCHMARKS not in sys.path:
    sys.path.insert(0, BENCHMARKS)

from lspclient import TIMEOUT, LspClient, LspResponseError, uri_of  # noqa: E402  (TIMEOUT: a hung server fails a test, not CI)


# -- applying edits, as an editor does (UTF-16 positions) --------------------------------


def _offset(text: str, position: Dict[str, int]) -> int:
    """An LSP position (0-based line, UTF-16 code units) -> an index in `text`."""
    index = 0
    for _ in range(position["line"]):
        newline = min((i for i in (text.find("\r\n", index), text.find("\n", index), text.find("\r", index))
                       if i >= 0), default=-1)
        if newline < 0:
            return len(text)
        index = newline + (2 if text.startswith("\r\n", newline) else 1)
    units = 0
    while units < position["character"] and index < len(text) and text[index] not in "\r\n":
        units += 2 if ord(text[index]) > 0xFFFF else 1
        index += 1
    return index


def apply_text_edits(text: str, edits: List[Dict[str, Any]]) -> str:
    spans = sorted(((_offset(text, e["range"]["start"]), _offset(text, e["range"]["end"]), e["newText"])
                    for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_for(workspace_edit: Dict[str, Any], uri: str) -> List[Dict[str, Any]]:
    if "documentChanges" in workspace_edit:
        return [e for change in workspace_edit["documentChanges"] if change["textDocument"]["uri"] == uri
                for e in change["edits"]]
    return workspace_edit["changes"][uri]


def utf16_column(line: str, index: int) -> int:
    return len(line[:index].encode("utf-16-le")) // 2


def test_edit_applier_counts_utf16_units():
    text = "a😀b\r\nxyz\n"
    assert apply_text_edits(text, [{"range": {"start": {"line": 0, "character": 3}, "end": {"line": 1, "character": 1}},
                                    "newText": "-"}]) == "a😀-yz\n"


# -- fixtures -------------------------------------------------------------------------------

HARDCODED = (
    "import boto3\n"
    "\n"
    "# a client for the uploads bucket\n"
    f's3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n'
    "print(s3)\n"
)
CALL = "boto3.client("


@pytest.fixture
def workdir(tmp_path):
    root = tmp_path / "my project"  # a space: the URI is percent-encoded
    root.mkdir()
    (root / ".git").mkdir()  # the project root, as for the CLI
    return root


@pytest.fixture
def client(workdir):
    c = LspClient(workdir)
    try:
        yield c
    finally:
        c.kill()


# -- tests -----------------------------------------------------------------------------------


def test_diagnostics_quick_fix_and_clean_after_the_fix(client, workdir):
    result = client.initialize(workdir)
    capabilities = result["capabilities"]
    assert capabilities["codeActionProvider"]["resolveProvider"] is True
    path = workdir / "app.py"
    path.write_text("import boto3\n")  # the disk differs from the buffer
    uri = uri_of(path)
    client.open(uri, HARDCODED)
    diagnostics = client.diagnostics(uri, version=1)
    assert [d["code"] for d in diagnostics] == ["CL101"]
    [diagnostic] = diagnostics
    line = HARDCODED.splitlines()[3]
    assert diagnostic["range"]["start"] == {"line": 3, "character": line.index("aws_access_key_id")}
    assert diagnostic["range"]["end"] == {"line": 3, "character": len(line) - 1}  # up to the closing paren
    assert diagnostic["severity"] == 1
    assert diagnostic["source"] == "credlint"
    assert diagnostic["message"].startswith("[hardcoded-credentials-in-sdk-call] Hardcoded AWS credentials")
    assert diagnostic["codeDescription"]["href"] == \
        "https://github.com/credlint/credlint/blob/main/docs/rules/CL101.md"
    assert SECRET not in json.dumps(diagnostics) and KEY_ID not in json.dumps(diagnostics)

    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic], "only": ["quickfix"]},
    })
    [action] = actions
    assert action["kind"] == "quickfix"
    assert action["title"] == \
        "credlint: Remove the hardcoded credentials; use the default credential chain (unsafe)"
    assert not action.get("isPreferred")
    assert action["diagnostics"] == [diagnostic]
    assert action["edit"]["documentChanges"][0]["textDocument"] == {"uri": uri, "version": 1}
    fixed = apply_text_edits(HARDCODED, edits_for(action["edit"], uri))
    assert 's3 = boto3.client("s3")\n' in fixed
    assert SECRET not in fixed

    client.change(uri, 2, [{"text": fixed}])
    assert client.diagnostics(uri, version=2) == []

    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []
    assert client.shutdown() == 0


def test_incremental_changes_lint_the_buffer_not_the_file(client, workdir):
    client.initialize(workdir)
    path = workdir / "settings.py"
    path.write_text(HARDCODED)  # the disk has a key, the buffer none
    uri = uri_of(path)
    clean = "import boto3\n\ns3 = boto3.client('s3')\n"
    client.open(uri, clean)
    assert client.diagnostics(uri, version=1) == []
    # Type the key in, as an incremental change at the end of line 2 (0-based): inside the call.
    insert_at = {"line": 2, "character": len("s3 = boto3.client('s3'")}
    client.change(uri, 2, [{"range": {"start": insert_at, "end": insert_at},
                            "text": f", aws_access_key_id='{KEY_ID}', aws_secret_access_key='{SECRET}'"}])
    diagnostics = client.diagnostics(uri, version=2)
    assert [(d["code"], d["range"]["start"]["line"]) for d in diagnostics] == [("CL101", 2)]
    # ... and delete it again: the buffer is what counts, the file still has it.
    end = {"line": 2, "character": insert_at["character"] + len(f", aws_access_key_id='{KEY_ID}', "
                                                               f"aws_secret_access_key='{SECRET}'")}
    client.change(uri, 3, [{"range": {"start": insert_at, "end": end}, "text": ""}])
    assert client.diagnostics(uri, version=3) == []
    # Saved: diagnostics again, for the buffer as saved.
    client.change(uri, 4, [{"range": {"start": insert_at, "end": insert_at},
                            "text": f", aws_access_key_id='{KEY_ID}', aws_secret_access_key='{SECRET}'"}])
    assert [d["code"] for d in client.diagnostics(uri, version=4)] == ["CL101"]
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics(uri, version=4)] == ["CL101"]
    assert client.shutdown() == 0


def test_non_bmp_characters_shift_utf16_columns(client, workdir):
    client.initialize(workdir)
    uri = uri_of(workdir / "emoji.py")
    line = f'x = "🚀🚀"; s3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")'
    text = f"import boto3\n{line}  # 😀\n"
    client.open(uri, text)
    [diagnostic] = client.diagnostics(uri, version=1)
    assert diagnostic["code"] == "CL101"
    start = line.index("aws_access_key_id")
    assert diagnostic["range"]["start"] == {"line": 1, "character": utf16_column(line, start)}
    assert diagnostic["range"]["start"]["character"] == start + 2  # two rockets, one extra unit each
    assert diagnostic["range"]["end"]["character"] == utf16_column(line, len(line) - 1)

    [action] = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic]},
    })
    fixed = apply_text_edits(text, edits_for(action["edit"], uri))
    assert fixed == 'import boto3\nx = "🚀🚀"; s3 = boto3.client("s3")  # 😀\n'
    assert client.shutdown() == 0


SAFE_AND_UNSAFE = (
    "import os\n"
    "import boto3\n"
    "\n"
    's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],'
    ' aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
    'sqs = boto3.client("sqs", aws_access_key_id=os.environ["MY_KEY"], aws_secret_access_key=os.environ["MY_SECRET"])\n'
)


def test_safe_fix_is_preferred_and_fix_all_applies_only_safe_fixes(client, workdir):
    client.initialize(workdir)
    uri = uri_of(workdir / "clients.py")
    client.open(uri, SAFE_AND_UNSAFE)
    diagnostics = client.diagnostics(uri, version=1)
    assert [(d["code"], d["range"]["start"]["line"], d["severity"]) for d in diagnostics] == \
        [("CL102", 3, 2), ("CL102", 4, 2)]
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}}
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": diagnostics}})
    quick = [a for a in actions if a["kind"] == "quickfix"]
    assert [(a["title"].rsplit(" ", 1)[-1], a.get("isPreferred", False)) for a in quick] == \
        [("(safe)", True), ("(unsafe)", False)]
    [fix_all] = [a for a in actions if a["kind"] == "source.fixAll.credlint"]
    assert fix_all["title"] == "credlint: fix all safe fixes"
    assert "edit" not in fix_all  # computed on resolve
    resolved = client.request("codeAction/resolve", fix_all)
    fixed = apply_text_edits(SAFE_AND_UNSAFE, edits_for(resolved["edit"], uri))
    assert 's3 = boto3.client("s3")\n' in fixed
    assert 'os.environ["MY_KEY"]' in fixed  # the unsafe fix is not applied
    client.change(uri, 2, [{"text": fixed}])
    assert [(d["code"], d["range"]["start"]["line"]) for d in client.diagnostics(uri, version=2)] == [("CL102", 4)]

    # `only: ["source"]` asks for source actions only; without resolve support the edit comes at once.
    assert client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": [], "only": ["source.fixAll"]},
    }) == []  # nothing safe left
    assert client.shutdown() == 0


def test_fix_all_without_resolve_support_and_plain_changes(workdir):
    client = LspClient(workdir)
    try:
        client.initialize(workdir, capabilities={})
        uri = uri_of(workdir / "clients.py")
        client.open(uri, SAFE_AND_UNSAFE)
        client.diagnostics(uri, version=1)
        [fix_all] = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                     "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source"]}})
        assert fix_all["kind"] == "source.fixAll.credlint"
        fixed = apply_text_edits(SAFE_AND_UNSAFE, fix_all["edit"]["changes"][uri])
        assert 's3 = boto3.client("s3")\n' in fixed and 'os.environ["MY_KEY"]' in fixed
        assert client.shutdown() == 0
    finally:
        client.kill()


def test_configuration_changes_are_picked_up(client, workdir):
    client.initialize(workdir)
    uri = uri_of(workdir / "clients.py")
    client.open(uri, SAFE_AND_UNSAFE)
    assert [d["code"] for d in client.diagnostics(uri, version=1)] == ["CL102", "CL102"]
    # The server asked to watch the configuration files.
    registrations = [r for m in client.server_requests if m["method"] == "client/registerCapability"
                     for r in m["params"]["registrations"]]
    assert [r["method"] for r in registrations] == ["workspace/didChangeWatchedFiles"]
    globs = [w["globPattern"] for w in registrations[0]["registerOptions"]["watchers"]]
    assert "**/.credlint.toml" in globs and "**/pyproject.toml" in globs

    # Saved in the editor: didSave of the config file.
    config = workdir / ".credlint.toml"
    config.write_text('ignore = ["CL102"]\n')
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri_of(config)}})
    assert client.diagnostics(uri, version=1) == []

    # Changed on disk (git checkout, another editor): didChangeWatchedFiles.
    config.write_text('severity = { CL102 = "error" }\n')
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(config), "type": 2}]})
    assert [(d["code"], d["severity"]) for d in client.diagnostics(uri, version=1)] == [("CL102", 1), ("CL102", 1)]

    # A broken config: a message for the user, no diagnostics, the server keeps running.
    config.write_text('ignroe = ["CL102"]\n')
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(config), "type": 2}]})
    assert client.diagnostics(uri, version=1) == []
    shown = client.wait_for("window/showMessage")
    assert "unknown key 'ignroe'" in shown["message"] and shown["type"] == 1
    config.unlink()
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(config), "type": 3}]})
    assert [d["code"] for d in client.diagnostics(uri, version=1)] == ["CL102", "CL102"]
    assert client.shutdown() == 0


def test_untitled_buffers_and_other_languages(client, workdir):
    client.initialize(workdir)
    client.open("untitled:Untitled-1", HARDCODED)
    assert [d["code"] for d in client.diagnostics("untitled:Untitled-1")] == ["CL101"]
    # A YAML buffer: the YAML rules apply (CL306 replaces the text rules' CL201), not the Python ones.
    text = f"aws:\n  aws_access_key_id: {KEY_ID}\n  aws_secret_access_key: {SECRET}\n"
    client.open("untitled:Untitled-2", text, language="yaml")
    assert [(d["code"], d["range"]["start"]) for d in client.diagnostics("untitled:Untitled-2")] == \
        [("CL306", {"line": 1, "character": len("  aws_access_key_id: ")}),
         ("CL306", {"line": 2, "character": len("  aws_secret_access_key: ")})]
    assert client.shutdown() == 0


TS_CLIENT = """import { S3Client } from '@aws-sdk/client-s3';

// é: a non-ASCII character before the credentials shifts no column
export const s3 = new S3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
});
"""


def test_typescript_buffers_get_diagnostics_and_a_safe_fix(client, workdir):
    client.initialize(workdir)
    path = workdir / "storage.ts"
    path.write_text("")  # the buffer, not the disk
    uri = uri_of(path)
    client.open(uri, TS_CLIENT, language="typescript")
    [diagnostic] = client.diagnostics(uri, version=1)
    assert diagnostic["code"] == "CL402" and diagnostic["range"]["start"] == {"line": 5, "character": 2}
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic], "only": ["quickfix"]},
    })
    [action] = actions
    assert action["isPreferred"] is True and action["title"].endswith("(safe)")
    fixed = apply_text_edits(TS_CLIENT, edits_for(action["edit"], uri))
    assert "credentials: " not in fixed and "  region: 'eu-west-1',\n});" in fixed
    client.change(uri, 2, [{"text": fixed}])
    assert client.diagnostics(uri, version=2) == []
    # a React component: same rule, the browser's message, and no fix
    text = ("import React from 'react';\nimport { S3Client } from '@aws-sdk/client-s3';\n"
            f"const s3 = new S3Client({{ credentials: {{ accessKeyId: '{KEY_ID}', secretAccessKey: '{SECRET}' }} }});\n")
    client.open("untitled:Untitled-3", text, language="typescriptreact")
    [diagnostic] = client.diagnostics("untitled:Untitled-3")
    assert diagnostic["code"] == "CL401" and "browser are public" in diagnostic["message"]
    assert SECRET not in json.dumps(diagnostic)
    assert client.request("textDocument/codeAction", {
        "textDocument": {"uri": "untitled:Untitled-3"}, "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic]}}) == []
    assert client.shutdown() == 0


def test_an_unsupported_request_is_answered_and_not_logged_as_an_error(client, workdir):
    """Hardening item 16: -32601 is the right answer; an 'internal error' in
    the log for it is not."""
    client.initialize(workdir)
    with pytest.raises(LspResponseError) as info:
        client.request("workspace/symbol", {"query": "boto3"})
    assert info.value.error["code"] == -32601
    client.open(uri_of(workdir / "app.py"), HARDCODED)
    assert [d["code"] for d in client.diagnostics(uri_of(workdir / "app.py"), version=1)] == ["CL101"]
    errors = [m for m in client.notifications
              if m["method"] == "window/logMessage" and m["params"]["type"] == 1]
    assert errors == []
    assert client.shutdown() == 0


def test_exit_without_shutdown_is_exit_code_1(client, workdir):
    client.initialize(workdir)
    client.notify("exit", None)
    assert client.process.wait(timeout=TIMEOUT) == 1


def test_warm_relint_latency(client, workdir):
    """A 3,000-line buffer with a finding, changed and re-linted: the time from
    didChange to its diagnostics (JSON-RPC both ways included)."""
    client.initialize(workdir)
    uri = uri_of(workdir / "big.py")
    filler = "".join(f"def handler_{i}(event, context):\n    return {{'status': {i}, 'body': event}}\n\n"
                     for i in range(1000))
    text = HARDCODED + filler
    assert text.count("\n") >= 3000
    client.open(uri, text)
    assert [d["code"] for d in client.diagnostics(uri, version=1)] == ["CL101"]
    timings = []
    for version in range(2, 12):
        position = {"line": 4, "character": 0}
        started = time.perf_counter()
        client.change(uri, version, [{"range": {"start": position, "end": position}, "text": "#"}])
        assert [d["code"] for d in client.diagnostics(uri, version=version)] == ["CL101"]
        timings.append(time.perf_counter() - started)
    timings.sort()
    median = timings[len(timings) // 2]
    print(f"warm re-lint of a {text.count(chr(10))}-line buffer: median {median * 1000:.1f} ms")
    assert median < 0.5, timings  # the target is 50 ms; this only catches a regression by an order of magnitude
    assert client.shutdown() == 0


def test_utf8_position_encoding_when_the_client_prefers_it(workdir):
    client = LspClient(workdir)
    try:
        result = client.initialize(workdir, capabilities={"general": {"positionEncodings": ["utf-8", "utf-16"]}})
        assert result["capabilities"]["positionEncoding"] == "utf-8"
        uri = uri_of(workdir / "emoji.py")
        line = f's3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")'
        client.open(uri, f"import boto3\n# 😀 é\n{line}\n")
        assert client.diagnostics(uri, version=1)[0]["range"]["start"] == \
            {"line": 2, "character": line.index("aws_access_key_id")}
        # An incremental change in UTF-8 units: insert before the call, after an emoji on the same line.
        client.change(uri, 2, [{"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}},
                                "text": "é = 1; "}])
        [diagnostic] = client.diagnostics(uri, version=2)
        prefix = "é = 1; " + line[: line.index("aws_access_key_id")]
        assert diagnostic["range"]["start"] == {"line": 2, "character": len(prefix.encode("utf-8"))}
        assert client.shutdown() == 0
    finally:
        client.kill()


FAULTY_SERVER = """
import sys
from credlint import api, lsp

real = api.run

def run(request, *args, **kwargs):
    if request.buffer is not None and request.buffer.path.endswith("boom.py"):
        raise ValueError("cannot handle " + request.buffer.data.decode())  # the text, secret included
    return real(request, *args, **kwargs)

api.run = run
sys.exit(lsp.main())
"""


def test_an_exception_while_linting_is_logged_without_text_and_the_server_goes_on(workdir):
    """A fault injected into the core (the protocol is real): the document
    gets no diagnostics, the log says what and where but quotes no text."""
    client = LspClient(workdir, [sys.executable, "-c", FAULTY_SERVER])
    try:
        client.initialize(workdir)
        boom = uri_of(workdir / "boom.py")
        client.open(boom, HARDCODED)
        assert client.diagnostics(boom, version=1) == []
        logged = client.wait_for("window/logMessage", lambda p: p["type"] == 1)
        assert "internal error" in logged["message"] and "ValueError" in logged["message"]
        assert SECRET not in logged["message"] and KEY_ID not in logged["message"]
        fine = uri_of(workdir / "fine.py")
        client.open(fine, HARDCODED)
        assert [d["code"] for d in client.diagnostics(fine, version=1)] == ["CL101"]
        assert client.request("textDocument/codeAction", {
            "textDocument": {"uri": boom}, "range": {"start": {"line": 3, "character": 0},
                                                      "end": {"line": 3, "character": 5}},
            "context": {"diagnostics": []}}) == []
        assert client.shutdown() == 0
        assert SECRET.encode() not in client.stderr and KEY_ID.encode() not in client.stderr
    finally:
        client.kill()


# -- hover, pull diagnostics, notebooks, settings ---------------------------------------------


def test_hover_on_a_finding_shows_its_rule_and_pull_matches_push(client, workdir):
    capabilities = client.initialize(workdir)["capabilities"]
    assert capabilities["hoverProvider"] is True
    assert capabilities["diagnosticProvider"]["interFileDependencies"] is False
    assert capabilities["diagnosticProvider"]["workspaceDiagnostics"] is False
    uri = uri_of(workdir / "app.py")
    client.open(uri, HARDCODED)
    [diagnostic] = client.diagnostics(uri, version=1)  # this client does not pull: pushed
    start = diagnostic["range"]["start"]
    hover = client.hover(uri, start["line"], start["character"] + 3)
    assert hover["range"] == diagnostic["range"] and hover["contents"]["kind"] == "markdown"
    text = hover["contents"]["value"]
    assert text.startswith("# CL101 hardcoded-credentials-in-sdk-call\n\nHardcoded credentials passed")
    for heading in ("## Why is this bad?", "## Use instead", "## Fix safety", "Fix: unsafe."):
        assert heading in text
    assert "docs/rules/CL101.md" in text and "## Example" not in text
    assert SECRET not in text and KEY_ID not in text
    assert client.hover(uri, 0, 3) is None  # `import boto3`: no finding there
    # A pull answers the same diagnostics as the push.
    report = client.pull_diagnostics(uri)
    assert report["kind"] == "full" and report["items"] == [diagnostic]
    assert client.shutdown() == 0


def test_a_client_that_pulls_gets_no_push(workdir):
    client = LspClient(workdir)
    try:
        client.initialize(workdir, capabilities={"textDocument": {"diagnostic": {}},
                                                 "workspace": {"diagnostics": {"refreshSupport": True}}})
        uri = uri_of(workdir / "app.py")
        client.open(uri, HARDCODED)
        report = client.pull_diagnostics(uri)
        assert report["kind"] == "full" and [d["code"] for d in report["items"]] == ["CL101"]
        assert client.pull_diagnostics(uri, report["resultId"]) == {"kind": "unchanged", "resultId": report["resultId"]}
        # New settings: the client is asked to pull again, and gets the new diagnostics.
        client.configure({"credlint": {"select": ["CL2"]}})
        report = client.pull_diagnostics(uri, report["resultId"])
        assert [m["method"] for m in client.server_requests] == ["workspace/diagnostic/refresh"]
        assert [d["code"] for d in report["items"]] == ["CL201", "CL202"]
        client.change(uri, 2, [{"text": "import boto3\n"}])
        changed = client.pull_diagnostics(uri, report["resultId"])
        assert changed["kind"] == "full" and changed["items"] == [] and changed["resultId"] != report["resultId"]
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        assert client.shutdown() == 0
        # Messages arrive in order: a push would have come before the answers.
        assert not [m for m in client.notifications if m["method"] == "textDocument/publishDiagnostics"]
    finally:
        client.kill()


NOTEBOOK_CAPABILITIES = {
    "workspace": {"workspaceEdit": {"documentChanges": True}},
    "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}},
    "notebookDocument": {"synchronization": {}},
}


def test_notebook_cells_get_their_findings_and_fix_all(workdir):
    client = LspClient(workdir)
    try:
        result = client.initialize(workdir, NOTEBOOK_CAPABILITIES,
                                   initialization_options={"credlint": {"unsafeFixes": True}})
        [python_notebooks, *_] = result["capabilities"]["notebookDocumentSync"]["notebookSelector"]
        assert python_notebooks == {"notebook": {"notebookType": "jupyter-notebook"}, "cells": [{"language": "python"}]}
        notebook = uri_of(workdir / "explore.ipynb")
        first, second = (notebook.replace("file:", "vscode-notebook-cell:", 1) + f"#W{i}sZmlsZQ%3D%3D" for i in (0, 1))
        call = f's3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")'
        cell = f"# a \"quoted\" comment\\\n{call}\nprint(s3)"  # escapes in the .ipynb JSON shift no column
        client.open_notebook(notebook, [(first, "import boto3\n"), (second, cell)])
        assert client.diagnostics(first, version=1) == []
        [diagnostic] = client.diagnostics(second, version=1)
        assert diagnostic["code"] == "CL101" and diagnostic["message"].endswith("default credential chain")
        assert diagnostic["range"] == {"start": {"line": 1, "character": call.index("aws_access_key_id")},
                                       "end": {"line": 1, "character": len(call) - 1}}
        assert SECRET not in json.dumps(diagnostic) and KEY_ID not in json.dumps(diagnostic)
        hover = client.hover(second, 1, call.index("aws_access_key_id"))
        assert hover["contents"]["value"].startswith("# CL101 hardcoded-credentials-in-sdk-call")
        # "fix all" (unsafe fixes on, from initializationOptions) edits the cell.
        [fix_all] = client.request("textDocument/codeAction", {
            "textDocument": {"uri": second}, "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic], "only": ["source.fixAll"]}})
        assert fix_all["title"] == "credlint: fix all (unsafe fixes included)"
        edit = client.request("codeAction/resolve", fix_all)["edit"]
        assert [c["textDocument"] for c in edit["documentChanges"]] == [{"uri": second, "version": 1}]
        fixed = apply_text_edits(cell, edits_for(edit, second))
        assert fixed == '# a "quoted" comment\\\ns3 = boto3.client("s3")\nprint(s3)'
        client.notify("notebookDocument/didChange", {
            "notebookDocument": {"uri": notebook, "version": 2},
            "change": {"cells": {"textContent": [{"document": {"uri": second, "version": 2},
                                                  "changes": [{"text": fixed}]}]}}})
        assert client.diagnostics(second, version=2) == []
        client.notify("notebookDocument/didClose", {"notebookDocument": {"uri": notebook},
                                                    "cellTextDocuments": [{"uri": first}, {"uri": second}]})
        assert client.shutdown() == 0
    finally:
        client.kill()


def test_settings_ignore_a_rule_and_a_wrong_setting_keeps_the_previous_ones(client, workdir):
    client.initialize(workdir)
    uri = uri_of(workdir / "app.py")
    client.open(uri, HARDCODED)
    assert [d["code"] for d in client.diagnostics(uri, version=1)] == ["CL101"]
    client.configure({"credlint": {"ignore": ["CL101"]}})
    # Re-linted: CL101 is gone; the key itself is still reported by the rules CL101 supersedes.
    assert [d["code"] for d in client.diagnostics(uri, version=1)] == ["CL201", "CL202"]
    # An unknown rule (here a key pasted by mistake): a masked message, the settings stay.
    client.configure({"credlint": {"ignore": ["CL999", KEY_ID]}})
    shown = client.wait_for("window/showMessage")
    assert shown["type"] == 1 and "unknown rules 'CL999' (in ignore)" in shown["message"]
    assert KEY_ID not in shown["message"] and "previous settings stay" in shown["message"]
    assert [d["code"] for d in client.pull_diagnostics(uri)["items"]] == ["CL201", "CL202"]  # still ignored
    client.configure({"credlint": {"select": ["hardcoded-credentials-in-sdk-call"]}})
    assert [d["code"] for d in client.diagnostics(uri, version=1)] == ["CL101"]
    assert client.shutdown() == 0


def test_unsafe_fixes_setting_decides_what_fix_all_applies(client, workdir):
    client.initialize(workdir)
    uri = uri_of(workdir / "clients.py")
    client.open(uri, SAFE_AND_UNSAFE)
    client.diagnostics(uri, version=1)
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}}

    def fix_all() -> Any:
        [action] = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": [], "only": ["source"]}})
        resolved = client.request("codeAction/resolve", action)
        return action["title"], apply_text_edits(SAFE_AND_UNSAFE, edits_for(resolved["edit"], uri))

    title, fixed = fix_all()
    assert title == "credlint: fix all safe fixes"
    assert 's3 = boto3.client("s3")\n' in fixed and 'os.environ["MY_KEY"]' in fixed
    client.configure({"credlint": {"unsafeFixes": True}})
    client.diagnostics(uri, version=1)  # re-linted
    title, fixed = fix_all()
    assert title == "credlint: fix all (unsafe fixes included)"
    assert 's3 = boto3.client("s3")\n' in fixed and 'sqs = boto3.client("sqs")\n' in fixed
    assert client.shutdown() == 0


def test_settings_asked_with_workspace_configuration(workdir):
    """No initializationOptions: the server asks for its section once initialized."""
    client = LspClient(workdir, request_handlers={"workspace/configuration": lambda params: [{"ignore": ["CL101"]}]})
    try:
        client.initialize(workdir, {"workspace": {"configuration": True}})
        uri = uri_of(workdir / "app.py")
        client.open(uri, HARDCODED)
        # Linted before or after the answer came: with the settings in the end.
        client.wait_for("textDocument/publishDiagnostics",
                        lambda p: [d["code"] for d in p["diagnostics"]] == ["CL201", "CL202"])
        assert client.server_requests[0]["params"] == {"items": [{"section": "credlint"}]}
        assert client.shutdown() == 0
    finally:
        client.kill()
