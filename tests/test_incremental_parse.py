"""The language server's incremental parse must give exactly the tree a full
parse gives, whatever the edit: checked over many random edits of real code."""
from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from credlint.languages.python.incremental import IncrementalParser

SOURCES = [Path(ast.__file__), Path(random.__file__), Path(__file__).parent.parent / "credlint" / "languages" / "python" / "names.py"]
SNIPPETS = ["", "\n", "x = 1\n", "    y = 2\n", "def f():\n    return 1\n", "'''doc", "(", ")\n", "@decorator\n",
            "class C:\n    pass\n", "# comment\n", "import boto3\n", "s3 = boto3.client('s3')\n", "a = 1; b = 2\n",
            "\tz = 3\n", "if x:\n", "else:\n", "\\\n", "from __future__ import annotations\n", "\r\n", "\f\n"]


def _full(text):
    try:
        return ast.dump(ast.parse(text), include_attributes=True)
    except SyntaxError:
        return "SyntaxError"


def _incremental(parser, text):
    try:
        return ast.dump(parser.parse("buffer.py", text), include_attributes=True)
    except SyntaxError:
        return "SyntaxError"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_random_edits_parse_like_a_full_parse(path):
    rng = random.Random(path.name)
    text = path.read_text(encoding="utf-8")
    parser = IncrementalParser()
    parser.parse("buffer.py", text)
    for _ in range(200):  # (the sources change with the code base: enough edits that reuse is not luck)
        lines = text.splitlines(keepends=True)
        at = rng.randrange(len(lines) + 1)
        kind = rng.random()
        if kind < 0.4:
            lines[at:at] = [rng.choice(SNIPPETS)]
        elif kind < 0.7 and at < len(lines):
            del lines[at:at + rng.randint(1, 3)]
        elif at < len(lines):
            line = lines[at]
            cut = rng.randrange(len(line) + 1)
            lines[at] = line[:cut] + rng.choice(["x", "(", " ", "#", "'", "1", ""]) + line[cut:]
        candidate = "".join(lines)
        assert _incremental(parser, candidate) == _full(candidate)
        if _full(candidate) != "SyntaxError":
            text = candidate  # keep editing from valid states, as users do most of the time
    assert parser.reused > 20, "the incremental path was hardly ever taken"


def test_the_language_server_path_uses_it(tmp_path):
    from credlint.api import lint_bytes

    from conftest import KEY_ID, SECRET, workspace_at

    workspace = workspace_at(tmp_path, incremental=True)  # as the language server sets it up
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(300))
    call = f"import boto3\ns3 = boto3.client('s3', aws_access_key_id='{KEY_ID}', aws_secret_access_key='{SECRET}')\n"
    first = lint_bytes(str(tmp_path / "app.py"), (call + body).encode(), workspace)
    edited = body.replace("def f150(x):\n", "def f150(x):\n    y = x  # typing\n")
    second = lint_bytes(str(tmp_path / "app.py"), (call + edited).encode(), workspace)
    assert workspace.session().state["python.incremental"].reused == 1
    assert [(f.rule_id, f.span) for f in first.findings] == [(f.rule_id, f.span) for f in second.findings]


SDK_SNIPPETS = [
    "import boto3\n", "import boto3 as b3\n", "from boto3 import client\n", "boto3 = None\n",
    "session = boto3.Session()\n", "s3 = session.client('s3', aws_access_key_id=KEY, aws_secret_access_key=SECRET)\n",
    "KEY = 'AKIAZ7QW3ERT5YUI2OPA'\n", "SECRET = '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'\n",
    "creds = {}\n", "creds['aws_access_key_id'] = KEY\n", "creds.update(x=1)\n", "from boto3 import *\n",
    "def make():\n    return boto3.client('s3', aws_access_key_id=KEY, aws_secret_access_key=SECRET)\n",
    "class C:\n    def __init__(self):\n        self.key = KEY\n    def s3(self):\n"
    "        return boto3.client('s3', aws_access_key_id=self.key, aws_secret_access_key=SECRET)\n",
    "def g():\n    global KEY\n    KEY = 'x'\n", "x = lambda: boto3.client('s3', aws_access_key_id=KEY)\n",
]


# Statements whose findings depend on others: an aliased import, bindings in
# both branches of an `if`, a dict changed after it is built.
SDK_BLOCK = """import os
from boto3 import client as mk
if os.environ.get("DEV"):
    KEY2 = 'AKIAZ7QW3ERT5YUI2OPA'
else:
    KEY2 = os.environ['K']
creds = {'aws_access_key_id': KEY2, 'aws_secret_access_key': 'Hb3Nm7Qw1Er5Ty9Ui2Op6As0Df4Gh8Jk3Lz7Xc1V'}
s3a = mk('s3', **creds)
creds2 = {'aws_access_key_id': 'AKIAZ7QW3ERT5YUI2OPA', 'aws_secret_access_key': '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'}
creds2.update(x=1)
s3b = mk('s3', **creds2)
"""


def _describe(model):
    """A module model as plain data: every scope (by its path), binding,
    call and candidate, and whether each points at the scope that holds it."""
    seen, stack = [], [model.module, *model.scopes.values(), *(c.scope for c in model.calls),
                       *(c.scope for c in model.candidates)]
    while stack:
        scope = stack.pop()
        if scope is not None and all(scope is not s for s in seen):
            seen.append(scope)
            stack.append(scope.parent)

    def path(scope):
        return () if scope is None else path(scope.parent) + ((scope.kind, getattr(scope.node, "lineno", 0)),)

    scopes = []
    for scope in seen:
        bindings = sorted((name, b.pos, b.kind, b.fallback, b.scope is scope)
                          for name, bs in scope.bindings.items() for b in bs)
        scopes.append((path(scope), scope.names is model.module.names, bindings, sorted(scope.updates)))
    return (sorted(scopes), [(c.node.lineno, c.node.col_offset, path(c.scope)) for c in model.calls],
            [(c.context, c.value.lineno, path(c.scope)) for c in model.candidates],
            sorted(model.mutated), model.star_imports, sorted(model.bound_names))


def test_reused_walks_give_the_model_a_fresh_walk_gives():
    from credlint.languages.python.names import ModuleModel

    rng = random.Random(11)
    text = "\n".join(_python_examples()) + "\n" + SDK_BLOCK
    parser, memo, checked = IncrementalParser(), {}, 0
    for _ in range(200):  # (the sources change with the code base: enough edits that reuse is not luck)
        lines = text.splitlines(keepends=True)
        at = rng.randrange(len(lines) + 1)
        if rng.random() < 0.6:
            lines[at:at] = [rng.choice(SDK_SNIPPETS)]
        else:
            del lines[at:at + rng.randint(1, 3)]
        candidate = "".join(lines)
        if _full(candidate) == "SyntaxError":
            continue
        text = candidate
        reused = ModuleModel(parser.parse("buffer.py", text), memo)
        assert _describe(reused) == _describe(ModuleModel(ast.parse(text)))
        checked += 1
    assert checked > 60 and parser.reused > 30


def _python_examples():
    from credlint.ruleset import load_rules

    out = []
    for rule in load_rules().rules:
        for example in rule.examples_invalid + rule.examples_valid:
            if (example.filename or "example.py").endswith(".py"):
                try:
                    ast.parse(example.code)
                except SyntaxError:
                    continue
                out.append(example.code)
    return out


def test_random_edits_lint_like_a_fresh_lint(tmp_path):
    """The language server reuses, for every top-level statement an edit did
    not touch, its tree and its walk (bindings, scopes, calls): the findings
    must be exactly those of a fresh lint of the same text."""
    from credlint.api import lint_bytes

    from conftest import workspace_at

    incremental = workspace_at(tmp_path, incremental=True)
    fresh_workspace = workspace_at(tmp_path)
    path = str(tmp_path / "app.py")
    rng = random.Random(7)
    text = "\n".join(_python_examples()) + "\n" + SDK_BLOCK
    compared = 0

    def findings(data, workspace):
        result = lint_bytes(path, data, workspace)
        return [(f.rule_id, f.span, f.message) for f in result.findings]

    if True:
        for _ in range(150):
            lines = text.splitlines(keepends=True)
            at = rng.randrange(len(lines) + 1)
            kind = rng.random()
            if kind < 0.5:
                lines[at:at] = [rng.choice(SDK_SNIPPETS + SNIPPETS)]
            elif kind < 0.8 and at < len(lines):
                del lines[at:at + rng.randint(1, 3)]
            elif at < len(lines):
                line = lines[at]
                cut = rng.randrange(len(line) + 1)
                lines[at] = line[:cut] + rng.choice(["x", " ", "#", "1", ""]) + line[cut:]
            candidate = "".join(lines)
            data = candidate.encode()
            kept = findings(data, incremental)
            fresh = findings(data, fresh_workspace)  # the same text, parsed and walked from scratch
            assert kept == fresh
            if _full(candidate) != "SyntaxError":
                text = candidate
                compared += bool(fresh)
    assert incremental.session().state["python.incremental"].reused > 50 and compared > 50
