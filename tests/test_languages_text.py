"""The text analyzer (credlint/languages/text.py), the net under every file
type: a secret is found by its label, quoted or not, in code or comments, or
by standing next to an access key id whatever its label, in shell scripts,
CI files, Markdown, and files their parser rejects."""
from __future__ import annotations

import re
import textwrap

import pytest

from conftest import KEY_ID, SECRET, SECRET_2


def found(findings):
    return sorted((f.rule_id, f.span.line) for f in findings)


def src(code: str) -> str:
    return textwrap.dedent(code).replace("@KEY@", KEY_ID).replace("@SECRET@", SECRET).replace("@SECRET2@", SECRET_2)


@pytest.mark.parametrize("name,code,expected", [
    ("deploy.sh", """\
        #!/bin/sh
        export AWS_ACCESS_KEY_ID=@KEY@
        export AWS_SECRET_ACCESS_KEY=@SECRET@
        """, [("CL305", 2), ("CL305", 3)]),  # a shell script's variables: the .env analyzer's
    ("ci.sh", "S3_SECRET_KEY=@SECRET@ ./upload\n", [("CL202", 1)]),
    ("setup.sh", "aws configure set aws_secret_access_key @SECRET@\n", [("CL202", 1)]),
    ("Jenkinsfile", """\
        pipeline {
          environment {
            // aws-secret-access-key: @SECRET@
          }
        }
        """, [("CL202", 3)]),
    ("README.md", """\
        ```yaml
        aws-secret-access-key: @SECRET@
        ```
        """, [("CL202", 2)]),
    ("notes.txt", """\
        staging:
          @KEY@
          @SECRET@
        """, [("CL201", 2), ("CL202", 3)]),
], ids=lambda v: v if isinstance(v, str) and "\n" not in v and len(v) < 20 else None)
def test_secrets_in_text_files(lint, name, code, expected):
    findings = lint(src(code), filename=name)
    assert found(findings) == expected
    assert all(SECRET not in f.message and SECRET not in "".join(f.snippet) for f in findings)


@pytest.mark.parametrize("name,code", [
    ("config.yaml", "aws:\n  region: eu-west-1\n  # secret_access_key: @SECRET@\n"),
    ("credentials", "[default]\nregion = eu-west-1\n# aws_secret_access_key = @SECRET@\n"),
    ("main.tf", 'provider "aws" {\n  region = "eu-west-1"\n  # secret_key = "@SECRET@"\n}\n'),
    ("app.js", "const region = 'eu-west-1';\n// const secretAccessKey = '@SECRET@';\n"),
])
def test_commented_out_secrets_in_config_and_code(lint, name, code):
    (finding,) = lint(src(code), filename=name)
    assert finding.rule_id == "CL202" and finding.span.line == code.count("\n", 0, code.index("@SECRET@")) + 1


def test_a_secret_far_from_any_key_id_and_without_a_label_is_not_reported(lint):
    code = src("build hash\n" + "\n" * 10 + "@SECRET@\n")
    assert found(lint(code, filename="notes.txt")) == []
    near = src("@KEY@\n\n\n\n\n@SECRET@\n")  # five lines apart: still next to it
    assert found(lint(near, filename="notes.txt")) == [("CL201", 1), ("CL202", 6)]
    far = src("@KEY@\n" + "\n" * 6 + "@SECRET@\n")
    assert found(lint(far, filename="notes.txt")) == [("CL201", 1)]


def test_a_placeholder_after_a_label_is_not_a_secret(lint):
    code = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nS3_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
    assert lint(code, filename="deploy.sh") == []


def test_python_that_does_not_parse_still_reports_the_secret(lint):
    code = src('print "starting"\naws_secret_access_key = "@SECRET@"\n')
    assert found(lint(code, filename="legacy.py")) == [("CL202", 2)]


@pytest.mark.parametrize("seed", range(4))
def test_standalone_values_are_what_the_value_regex_finds(seed):
    """The translate-and-find search for 40-character values must find what
    the regex it replaces finds, at the edges of a range too (a run under way
    at `start`, a run cut by `end`, `=` padding, non-ASCII text)."""
    import random
    import string

    from credlint.languages.text import standalone_values

    value = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")  # the regex it replaced

    alphabet = string.ascii_letters + string.digits + "/+"
    rng = random.Random(seed)
    for _ in range(2000):
        parts = []
        for _ in range(rng.randint(0, 6)):
            parts.append("".join(rng.choice(alphabet) for _ in range(rng.choice([1, 39, 40, 41, 80, rng.randint(0, 50)]))))
            parts.append(rng.choice([" ", "=", "==", "\n", "'", '"', "-", "é", "€", "\udce9", ""]))
        text = "".join(parts)
        start = rng.randint(0, len(text))
        for begin, end in ((0, len(text)), (start, len(text)), (0, start), (start, rng.randint(start, len(text)))):
            assert list(standalone_values(text, begin, end)) == [m.span() for m in value.finditer(text, begin, end)]


@pytest.mark.parametrize("seed", range(4))
def test_context_matches_are_what_the_context_regex_finds(seed):
    """The context pattern is searched only before quoted 40-character values:
    it must find what a search of the whole text finds, overlapping
    candidates and values too far from their label included."""
    import random
    import string

    from credlint.languages.text import _DETECT_SECRETS_AWS, _context_matches

    alphabet = string.ascii_letters + string.digits + "/+"
    rng = random.Random(seed)
    found = 0

    def piece():
        value = "".join(rng.choice(alphabet) for _ in range(rng.choice([39, 40, 40, 41])))
        return rng.choice([
            rng.choice(["aws", "AWS_", "Aws-"]) + "x" * rng.randint(0, 24) + rng.choice(["key", "TOKEN", "pass", ""])
            + rng.choice([" = ", ": ", "", "\n", "x" * rng.randint(0, 24)]) + rng.choice("'\"") + value
            + rng.choice(["'", '"', "", "="]),
            value, "'", " ", "\n", "aws"])

    for _ in range(3000):
        text = "".join(piece() for _ in range(rng.randint(0, 6)))
        expected = [m.span(1) for m in _DETECT_SECRETS_AWS.finditer(text)]
        assert [m.span(1) for m in _context_matches(_DETECT_SECRETS_AWS, text)] == expected, text
        found += len(expected)
    assert found > 100  # the inputs do reach the pattern


def test_a_value_on_the_line_after_its_name_is_labelled(tmp_path):
    """Prettier wraps a long declaration after `=`: the value is still the
    name's (a declaration file is read as text)."""
    from conftest import lint_file

    code = (b"export declare const AWS_SECRET_ACCESS_KEY =\n"
            b'  "q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr";\n'
            b"export declare const region:\n  string;\n")
    result = lint_file(str(tmp_path / "keys.d.ts"), code, tmp_path)
    assert [(f.rule_id, f.span.line) for f in result.findings] == [("CL202", 2)]
    assert "AWS_SECRET_ACCESS_KEY" in result.findings[0].message
