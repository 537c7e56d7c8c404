"""Properties checked on generated input (hypothesis): what must hold for any
file, not only for the ones we thought of.

- Linting never raises and never reports an internal error, whatever the
  bytes and whatever the file's name says it is; it is deterministic.
- A secret planted in any supported file type, whole or split into literals
  in any of the ways credlint folds, is reported, and no output format, no
  notice, no diff and no cache file holds the secret or any 8-character
  piece of it.
- A fix's output parses, is a fixed point, and changes nothing outside the
  findings it fixes.
- Fingerprints survive unrelated edits and tell different secrets apart.

Each test tries CREDLINT_PROPERTY_EXAMPLES inputs (conftest.py): a bounded
number in the default run, more with e.g.
CREDLINT_PROPERTY_EXAMPLES=2000 pytest -m property.
"""
from __future__ import annotations

import ast
import difflib
import itertools
import os
import random

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given, strategies as st  # noqa: E402

from conftest import workspace_at  # noqa: E402
from credlint.api import Buffer, Request, lint_bytes, run  # noqa: E402
from credlint.report import FORMATS, ReportContext, renderer  # noqa: E402

pytestmark = pytest.mark.property

_counter = itertools.count()
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

# Keys come from a seeded random generator, not character by character:
# hypothesis would shrink them to "AAAA...", which no policy calls a key, or
# to "0000...123456789ABC", whose pieces occur in any output. A shrunk seed
# still gives a random-looking key.
def _keys(alphabet: str, size: int, prefix: str = ""):
    def key(seed: int) -> str:
        generator = random.Random(seed)
        return prefix + "".join(generator.choice(alphabet) for _ in range(size))

    return st.integers(0, 2**64).map(key)


secrets = _keys(BASE64, 40)
key_ids = _keys(BASE32, 16, "AKIA")


@pytest.fixture(scope="module")
def policy(ruleset):
    return ruleset.library.policy()


def fresh(tmp_path):
    """A directory of its own for each generated example (hypothesis reuses
    the test's tmp_path across examples)."""
    path = tmp_path / f"ex{next(_counter)}"
    path.mkdir()
    return path


def real(policy, value: str) -> bool:
    return policy.key_shape(value) is not None and policy.is_secret(value)


# -- any bytes, any name ---------------------------------------------------------

NAMES = ["app.py", "lib/mod.pyi", "notebook.ipynb", "index.js", "mod.mjs", "app.ts", "view.tsx", "App.vue",
         "Widget.svelte", "credentials.json", "config.json", ".env", ".env.local", "settings.yaml", "ci.yml",
         "pyproject.toml", "main.tf", "vars.tfvars", ".aws/credentials", "config.ini", "notes.txt", "Dockerfile",
         "README.md", "noext"]

# Bytes that look like the inputs credlint cares about, so that generated
# files reach the parsers and analyzers, not only the prefilter.
FRAGMENTS = [b"import boto3\n", b"boto3.client('s3', aws_access_key_id=", b"aws_secret_access_key", b"AKIA",
             b"\"q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr\"", b"new S3Client({ credentials: { accessKeyId: ",
             b"require('aws-sdk')", b"{\"accessKeyId\": ", b"[default]\n", b"secret_key = ", b"\n", b"\r\n", b"\x00",
             b"\xff\xfe", b"\xef\xbb\xbf", b"(", b")", b"{", b"}", b"\"", b"'", b"`", b"\\", b"# credlint: ignore\n",
             b"<script>", b"</script>", b"\t", b"  ", b"resource \"aws_instance\" \"x\" {", b"---\n", b"&a *a ",
             b"${", b"%s", b".format(", b"\"\".join([", b"f\"", b"\xe9", b"\xed\xa0\x80"]

contents = st.one_of(st.binary(max_size=400),
                     st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=8), max_size=40).map(b"".join))


@given(name=st.sampled_from(NAMES), data=contents)
def test_linting_never_fails_on_any_input_and_is_deterministic(tmp_path, ruleset, name, data):
    root = fresh(tmp_path)
    workspace = workspace_at(root, ruleset)
    first = lint_bytes(str(root / name), data, workspace)
    assert not [n for n in first.notices if n.kind == "internal"], first.notices
    again = lint_bytes(str(root / name), data, workspace)
    assert again.findings == first.findings and again.notices == first.notices
    (fixed,) = run(Request(buffer=Buffer(str(root / name), data), fix=("safe", "unsafe"), diff=True, edits=True),
                   workspace).files
    assert not [n for n in fixed.result.notices if n.kind == "internal"], fixed.result.notices


# -- secrets, whole or split, in every file type ----------------------------------

def _cuts(draw, secret: str):
    """The secret cut into 2-3 pieces of at least 6 characters."""
    count = draw(st.integers(2, 3))
    points = sorted(draw(st.lists(st.integers(6, 34), min_size=count - 1, max_size=count - 1, unique=True)))
    if any(b - a < 6 for a, b in zip([0] + points, points + [40])):
        points = [20] if count == 2 else [13, 27]
    return [secret[a:b] for a, b in zip([0] + points, points + [40])]


def _python_expression(draw, secret: str) -> str:
    how = draw(st.sampled_from(["whole", "plus", "implicit", "parens", "join", "percent", "format", "fstring",
                                "backslash"]))
    if how == "whole":
        return f'"{secret}"'
    pieces = _cuts(draw, secret)
    if how == "plus":
        return " + ".join(f'"{p}"' for p in pieces)
    if how == "implicit":
        return " ".join(f'"{p}"' for p in pieces)
    if how == "parens":
        return "(\n    " + "\n    ".join(f'"{p}"' for p in pieces) + "\n)"
    if how == "join":
        return '"".join([' + ", ".join(f'"{p}"' for p in pieces) + "])"
    if how == "percent":
        return '"' + pieces[0] + "%s" * (len(pieces) - 1) + '" % (' + ", ".join(f'"{p}"' for p in pieces[1:]) + ",)"
    if how == "format":
        return '"' + pieces[0] + "{}" * (len(pieces) - 1) + '".format(' + ", ".join(f'"{p}"' for p in pieces[1:]) + ")"
    if how == "fstring":
        return 'f"' + "{''}".join(pieces) + '"'
    return '"' + pieces[0] + '" \\\n    "' + '" \\\n    "'.join(pieces[1:]) + '"'


def _javascript_expression(draw, secret: str) -> str:
    how = draw(st.sampled_from(["whole", "single", "template", "plus"]))
    if how == "whole":
        return f'"{secret}"'
    if how == "single":
        return f"'{secret}'"
    if how == "template":
        return f"`{secret}`"
    return " +\n      ".join(f"'{p}'" for p in _cuts(draw, secret))


@st.composite
def planted(draw):
    """(file name, content, secret, key id): a file of some type holding a
    real key somewhere among unrelated lines."""
    secret, key_id = draw(secrets), draw(key_ids)
    before = draw(st.integers(0, 3))
    filler = "\n".join(f"unrelated_{i} = {i}" for i in range(before))
    kind = draw(st.sampled_from(["py-call", "py-assign", "py-set-credentials", "js-v3", "js-v2", "json", "env",
                                 "yaml", "ini", "toml", "terraform", "text"]))
    if kind == "py-call":
        expression = _python_expression(draw, secret)
        body = (f"import boto3\n{filler}\ns3 = boto3.client(\n    \"s3\",\n    aws_access_key_id=\"{key_id}\",\n"
                f"    aws_secret_access_key={expression},  # keys\n)\n")
        return "app.py", body, secret, key_id
    if kind == "py-assign":
        return "settings.py", f"{filler}\nAWS_SECRET_ACCESS_KEY = {_python_expression(draw, secret)}\n", secret, key_id
    if kind == "py-set-credentials":
        body = (f"import botocore.session\n{filler}\nsession = botocore.session.get_session()\n"
                f"session.set_credentials(\"{key_id}\", {_python_expression(draw, secret)})\n")
        return "boot.py", body, secret, key_id
    filler_js = filler.replace("unrelated", "const unrelated")
    if kind == "js-v3":
        body = (f"import {{ S3Client }} from '@aws-sdk/client-s3';\n{filler_js}\nconst s3 = new S3Client({{\n"
                f"  region: 'us-east-1',\n  credentials: {{\n    accessKeyId: '{key_id}',\n"
                f"    secretAccessKey: {_javascript_expression(draw, secret)},\n  }},\n}});\n")
        return draw(st.sampled_from(["app.js", "app.ts", "app.mjs"])), body, secret, key_id
    if kind == "js-v2":
        body = (f"const AWS = require('aws-sdk');\n{filler_js}\nAWS.config.update({{ accessKeyId: '{key_id}', "
                f"secretAccessKey: {_javascript_expression(draw, secret)} }});\n")
        return "server.js", body, secret, key_id
    if kind == "json":
        return "credentials.json", f'{{"accessKeyId": "{key_id}", "secretAccessKey": "{secret}"}}\n', secret, key_id
    if kind == "env":
        return ".env", f"# {filler}\nAWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n", secret, key_id
    if kind == "yaml":
        return "config.yaml", f"aws:\n  access_key_id: {key_id}\n  secret_access_key: \"{secret}\"\n", secret, key_id
    if kind == "ini":
        return (".aws/credentials", f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n",
                secret, key_id)
    if kind == "toml":
        return "settings.toml", f"[aws]\naws_access_key_id = \"{key_id}\"\naws_secret_access_key = \"{secret}\"\n", secret, key_id
    if kind == "terraform":
        body = f"provider \"aws\" {{\n  access_key = \"{key_id}\"\n  secret_key = \"{secret}\"\n}}\n"
        return "main.tf", body, secret, key_id
    return "notes.txt", f"deploy keys\naws_access_key_id {key_id}\naws_secret_access_key {secret}\n", secret, key_id


def pieces(secret: str, size: int = 8):
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


def leaked(text: str, secret: str):
    return sorted(p for p in pieces(secret) if p in text)


def everything_written(root, ruleset, name: str, data: bytes) -> str:
    """Every report format, every notice, the fix diff, and the cache files,
    for one file linted as a user would (cache on, in the example's own
    directory)."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    workspace = workspace_at(root, ruleset, cache=True, cache_dir=str(root / ".cache"))
    linted = run(Request(paths=(str(path),), edits=True), workspace)
    again = run(Request(paths=(str(path),), edits=True), workspace)  # from the cache this time
    fixed = run(Request(paths=(str(path),), fix=("safe", "unsafe"), diff=True), workspace)
    context = ReportContext(rules=dict(linted.rules), root=str(root))
    out = [renderer(fmt)(list(r.results), context) for fmt in FORMATS for r in (linted, again, fixed)]
    out += [n.message for n in linted.notices + again.notices + fixed.notices]
    out += [f.diff for f in fixed.files]
    for directory, _, files in os.walk(root / ".cache"):
        for file in files:
            with open(os.path.join(directory, file), "rb") as handle:
                out.append(handle.read().decode("latin-1"))
    assert linted.findings, f"nothing found in {name}:\n{data.decode()}"
    return "\n".join(out)


@given(case=planted())
def test_a_planted_secret_is_found_and_no_output_holds_a_piece_of_it(tmp_path, ruleset, policy, case):
    name, body, secret, key_id = case
    assume(real(policy, secret) and real(policy, key_id))
    written = everything_written(fresh(tmp_path), ruleset, name, body.encode())
    assert leaked(written, secret) == []
    # a key id's first four characters (AKIA) and last four are shown, nothing more
    assert leaked(written, key_id) == []


# -- fixes -------------------------------------------------------------------------

@st.composite
def fixable(draw):
    """Python or JavaScript with credentials passed to an SDK call, among
    other calls and comments."""
    secret, key_id = draw(secrets), draw(key_ids)
    language = draw(st.sampled_from(["python", "javascript"]))
    extra = draw(st.lists(st.sampled_from(["region", "comment", "other-call"]), max_size=3))
    if language == "python":
        arguments = [f'aws_access_key_id="{key_id}"', f"aws_secret_access_key={_python_expression(draw, secret)}"]
        if "region" in extra:
            arguments.insert(draw(st.integers(0, 2)), 'region_name="eu-west-1"')
        lines = ["import boto3", ""]
        if "other-call" in extra:
            lines.append('sqs = boto3.client("sqs")')
        separator = draw(st.sampled_from([", ", ",\n    "]))
        comment = "  # storage" if "comment" in extra else ""
        lines.append(f's3 = boto3.client("s3", {separator.join(arguments)}){comment}')
        lines.append("print(s3)")
        return "app.py", "\n".join(lines) + "\n", secret, key_id
    properties = [f"accessKeyId: '{key_id}'", f"secretAccessKey: {_javascript_expression(draw, secret)}"]
    outer = ["region: 'eu-west-1'"] if "region" in extra else []
    lines = ["import { S3Client } from '@aws-sdk/client-s3';"]
    if "comment" in extra:
        lines.append("// storage")
    lines.append("const s3 = new S3Client({ " + ", ".join(outer + ["credentials: { " + ", ".join(properties) + " }"])
                 + " });")
    if "other-call" in extra:
        lines.append("console.log(s3);")
    return draw(st.sampled_from(["app.js", "app.ts"])), "\n".join(lines) + "\n", secret, key_id


def _parses(name: str, text: str) -> bool:
    if name.endswith(".py"):
        ast.parse(text)
        return True
    from credlint.languages.javascript import syntax

    tree = syntax.parse(text.encode(), syntax.grammar_for(name))
    return not tree.root_node.has_error


def _statement(body: str) -> range:
    """The lines (1-based) of the generated SDK call's statement."""
    lines = body.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(("s3 = ", "const s3")))
    last = first
    while last + 1 < len(lines) and not lines[last + 1].startswith(("print(", "console.log")):
        last += 1
    return range(first + 1, last + 2)


@given(case=fixable())
def test_fixes_parse_are_a_fixed_point_and_stay_inside_the_call(tmp_path, ruleset, policy, case):
    """The fixed file parses and lints clean of what was fixed; fixing it
    again changes nothing; the edits that JSON, SARIF and editors show are
    exactly what --fix does; and they touch nothing outside the call."""
    name, body, secret, key_id = case
    assume(real(policy, secret) and real(policy, key_id))
    root = fresh(tmp_path)
    workspace = workspace_at(root, ruleset)
    buffer = Buffer(str(root / name), body.encode())
    (shown,) = run(Request(buffer=buffer, edits=True), workspace).files
    fixes = [f.fix for f in shown.result.findings if f.fix is not None]
    (report,) = run(Request(buffer=buffer, fix=("safe", "unsafe")), workspace).files
    if not fixes:
        assert report.fixed in (None, body.encode())
        return
    fixed = report.fixed.decode()
    assert secret not in fixed and key_id not in fixed
    assert _parses(name, fixed), fixed
    (again,) = run(Request(buffer=Buffer(str(root / name), fixed.encode()), fix=("safe", "unsafe")),
                   workspace).files
    assert again.fixed in (None, fixed.encode())  # a fixed point
    from credlint.fixes import apply_edits
    from credlint.source import Source

    edits = {edit for fix in fixes for edit in fix.edits}
    assert apply_edits(Source(name, body.encode(), "utf-8"), sorted(edits)) == fixed
    call = _statement(body)
    for edit in edits:
        assert edit.span.line in call and edit.span.end_line in call, (edit, body)


# -- fingerprints ------------------------------------------------------------------

@given(secret=secrets, other=secrets, key_id=key_ids, above=st.integers(0, 5), below=st.integers(0, 5))
def test_fingerprints_survive_unrelated_edits_and_tell_secrets_apart(tmp_path, ruleset, policy, secret, other,
                                                                     key_id, above, below):
    assume(secret != other and all(real(policy, v) for v in (secret, other, key_id)))
    root = fresh(tmp_path)
    workspace = workspace_at(root, ruleset)

    def fingerprints(value: str, above: int = 0, below: int = 0):
        code = ("import boto3\n" + "".join(f"x{i} = {i}\n" for i in range(above))
                + f's3 = boto3.client("s3", aws_access_key_id="{key_id}", aws_secret_access_key="{value}")\n'
                + "".join(f"y{i} = {i}\n" for i in range(below)))
        result = lint_bytes(str(root / "app.py"), code.encode(), workspace)
        return sorted((f.rule_id, f.fingerprint) for f in result.findings)

    original = fingerprints(secret)
    assert original
    assert fingerprints(secret, above, below) == original
    assert fingerprints(other) != original
