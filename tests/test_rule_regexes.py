"""The shipped rules' regexes (prefilter triggers and key shapes) run on every
file, trusted, on Python's backtracking `re` (user rule files run on RE2).
A regex that reads a run of blanks, or a list of comments, in more than one
way takes quadratic or exponential time on a file that holds one: a hang in a
pre-commit hook. Each must get through such inputs at once; the budget is
generous, the failures it catches take minutes."""
from __future__ import annotations

import pytest

from conftest import deadline, lint_file
from credlint.ruleset import load_rules

RULESET = load_rules()
HOSTILE = {
    "blanks after a quote": b'"abcdef"' + b" " * 20000 + b"x",
    "blanks and tabs, then a comment": b'"abcdef"' + b" \t" * 10000 + b"#" + b" " * 10000 + b"x",
    "blanks after a plus": b'"abcdef"+' + b" " * 40000,
    "line breaks after a quote": b'"abcdef"' + b"\n" * 20000 + b"x",
    "comment lines in a join list": b"x = ''.join([\n" + b"    # a comment line\n" * 2000 + b"    a, b\n",
    "hashes in a join list": b"join([" + b"#" * 20000,
    "a long list of strings": b"join((" + b"'abcdefg' , " * 5000 + b")",
    "placeholders": b"'" + b"%s" * 10000 + b"{}" * 10000,
    "a long run of the key alphabet": b"'" + b"A1b2" * 20000,
    "a long prefix-like run": b"AKIA" * 20000,
    "secret words": b"aws_secret_access_key = " * 5000,
}


def _regexes():
    for rule in RULESET.rules:
        for block, clauses in rule.triggers.items():
            for n, clause in enumerate(clauses):
                if clause.regex is not None:
                    yield f"{rule.id} {block} trigger {n}", clause.regex
    for name, shape in RULESET.library.policy().shapes.items():
        yield f"key shape {name}", shape.regex
        if shape.quoted is not None:
            yield f"key shape {name}, quoted", shape.quoted


@pytest.mark.parametrize("name, regex", list(_regexes()), ids=lambda v: v if isinstance(v, str) else "")
def test_shipped_regexes_get_through_hostile_input_at_once(name, regex):
    for what, data in HOSTILE.items():
        text = data if isinstance(regex.pattern, bytes) else data.decode()
        with deadline(2, f"{name} ({regex.pattern!r}) on {what}"):
            regex.search(text)


HOSTILE_FILES = {
    # a file without a suffix is sniffed for an INI head: CRLF comment lines
    # were read two ways each (2^n)
    "Dockerfile": b"#\r\n" * 200 + b"FROM python:3.12\r\n",
    "notes": b"; note\r\n" * 200 + b"x\r\n",
    # a comment holding a long run of letters (commented-out credentials scan)
    "app.js": (b"const AWS = require('aws-sdk');\n// the secret: 'q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr'\n// "
               + b"a" * 40000 + b"\nnew AWS.S3({ accessKeyId: id });\n"),
    "app.ts": b"/* " + b"secretKey" * 5000 + b" */\nexport const x = 1;\n",
    ".env": b"AWS_SECRET_ACCESS_KEY=" + b" " * 40000 + b"x\n" + b"#" * 40000 + b"\n",
    "config.yaml": b"aws_secret_access_key: '" + b" " * 40000 + b"\n",
    "settings.py": b"import boto3\nsecret = '" + b"a" * 40000 + b"'\nKEY = 'abcdef'" + b" " * 40000 + b"'ghijkl'\n",
    "main.tf": b'provider "aws" {\n  secret_key = "' + b" " * 40000 + b'"\n}\n',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_files_are_linted_at_once(tmp_path, name):
    """End to end, every analyzer's own regexes included: such a file gets a
    result (and the run goes on) in well under the budget."""
    with deadline(10, f"linting {name}"):
        lint_file(str(tmp_path / name), HOSTILE_FILES[name], tmp_path)
