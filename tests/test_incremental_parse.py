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
    for _ in range(120):
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
    from credlint.api import Project
    from credlint.languages import python
    from credlint.settings import Settings

    from conftest import KEY_ID, SECRET

    project = Project(Settings(root=str(tmp_path)))
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(300))
    call = f"import boto3\ns3 = boto3.client('s3', aws_access_key_id='{KEY_ID}', aws_secret_access_key='{SECRET}')\n"
    python.use_incremental_parsing()
    try:
        first = project.lint_source(str(tmp_path / "app.py"), (call + body).encode())
        edited = body.replace("def f150(x):\n", "def f150(x):\n    y = x  # typing\n")
        second = project.lint_source(str(tmp_path / "app.py"), (call + edited).encode())
        assert python._incremental.reused == 1
    finally:
        python.use_incremental_parsing(False)
    assert [(f.rule_id, f.span) for f in first.findings] == [(f.rule_id, f.span) for f in second.findings]
