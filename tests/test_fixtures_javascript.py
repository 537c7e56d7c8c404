"""JavaScript/TypeScript detection and fixes, as fixture files written from
the specification (tests/fixtures/javascript/README.md), not from the
analyzer's output.

Annotated files: a comment on the line before a line says what is reported
there (`// ruleid: CL401, CL202` or `// ok: CL401`; also inside `/* */`
blocks and JSX `{/* */}`). A finding on a line without a `ruleid` for its
rule fails, and so does a `ruleid` without its finding.

Fix pairs (fixes/): `<case>.js` -> `<case>.fixed.js` byte for byte under
`--fix --unsafe-fixes`, and fixing again changes nothing; `<case>.nofix.js`
must come out unchanged.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Dict, Set, Tuple

import pytest

from credlint.api import Buffer, Request, run
from credlint.ruleset import load_rules

from conftest import lint_file, workspace_at

FIXTURES = Path(__file__).parent / "fixtures" / "javascript"
FILES = sorted(p for p in FIXTURES.iterdir() if p.is_file() and p.suffix != ".md")
FIXES = FIXTURES / "fixes"
PAIRS = sorted(p for p in FIXES.iterdir() if ".fixed." not in p.name and ".nofix." not in p.name)
NOFIX = sorted(p for p in FIXES.iterdir() if ".nofix." in p.name)
RULESET = load_rules()
KNOWN = frozenset(r.id for r in RULESET.rules)
BOTH = ("safe", "unsafe")

_ANNOTATION = re.compile(r"^\s*(?://|/\*|\{/\*|\*)\s*(ruleid|ok):([^*}]*)")
_CASE = re.compile(r"^\s*//\s*case:")
# A file that is broken on purpose says so, and gets the notice it is about.
EXPECTED_NOTICES = {"syntax_error_still_scanned.js": "syntax error; the parts that parse were analyzed"}


def annotations(text: str) -> Tuple[Dict[int, Counter], Dict[int, Set[str]]]:
    expected: Dict[int, Counter] = {}
    ok: Dict[int, Set[str]] = {}
    pending = []
    for number, line in enumerate(text.splitlines(), 1):
        m = _ANNOTATION.match(line)
        if m:
            ids = [i.strip() for i in m.group(2).split(",") if i.strip()]
            unknown = set(ids) - KNOWN
            assert not unknown, f"line {number}: unknown rule ids {sorted(unknown)}"
            pending.append((m.group(1), ids))
            continue
        if _CASE.match(line):
            continue
        for kind, ids in pending:
            if kind == "ruleid":
                expected.setdefault(number, Counter()).update(ids)
            else:
                ok.setdefault(number, set()).update(ids)
        pending = []
    return expected, ok


def check(path: Path, text: str):
    """Mismatches between a file's annotations and its findings."""
    expected, ok = annotations(text)
    result = lint_file(path, text.encode("utf-8"), path.parent, RULESET)
    got: Dict[int, Counter] = {}
    for finding in result.findings:
        got.setdefault(finding.span.line, Counter())[finding.rule_id] += 1
    problems = []
    for line in sorted(set(expected) | set(got) | set(ok)):
        want, have = expected.get(line, Counter()), got.get(line, Counter())
        if set(want) != set(have):
            problems.append(f"{path.name}:{line}: expected {sorted(want)}, got {sorted(have)}")
        clash = ok.get(line, set()) & set(have)
        if clash:
            problems.append(f"{path.name}:{line}: `ok` for {sorted(clash)}, but reported")
    return problems, result


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_annotated_fixture(path):
    problems, result = check(path, path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)
    notices = [n.message for n in result.notices]
    wanted = EXPECTED_NOTICES.get(path.name)
    assert (notices and all(wanted in n for n in notices)) if wanted else not notices, notices


def test_the_runner_fails_on_a_missing_and_on_an_unexpected_finding(tmp_path):
    code = ("const AWS = require('aws-sdk');\n"
            "// ruleid: CL401\n"
            "const a = new AWS.S3({ region: 'eu-west-1' });\n"
            "const b = new AWS.S3({ accessKeyId: 'AKIA2E3MOIH4N6CFVEX7', "
            "secretAccessKey: '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' });\n")
    problems, _ = check(tmp_path / "x.js", code)
    assert problems == ["x.js:3: expected ['CL401'], got []", "x.js:4: expected [], got ['CL401']"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return workspace_at(tmp_path_factory.mktemp("js-fixes"), RULESET)


def _fixed(workspace, path: Path, data: bytes) -> bytes:
    report = run(Request(buffer=Buffer(str(path), data), fix=BOTH), workspace).files[0]
    return report.fixed if report.fixed is not None else data


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.name)
def test_fix_pair_byte_for_byte_and_idempotent(workspace, path):
    expected = path.with_name(path.stem + ".fixed" + path.suffix).read_bytes()
    after = _fixed(workspace, path, path.read_bytes())
    assert after.decode() == expected.decode()
    assert after == expected  # line endings too
    assert _fixed(workspace, path, after) == after, "fixing the fixed file changed it"


@pytest.mark.parametrize("path", NOFIX, ids=lambda p: p.name)
def test_no_fix_where_it_would_change_whose_identity_the_code_acts_as(workspace, path):
    data = path.read_bytes()
    report = run(Request(buffer=Buffer(str(path), data), fix=BOTH), workspace).files[0]
    assert report.fixed is None
    if "localstack" not in path.name:  # an emulator with dummy keys is not even reported
        assert report.result.findings and all(f.fix_plan is None for f in report.result.findings)


def test_an_imported_module_is_read_again_when_it_changes(tmp_path):
    """Modules read for their imports are shared by the files a process
    analyzes (an SDK's files all import its core), by content: an editor
    that changes config.mjs gets the new content's answer at once."""
    (tmp_path / "config.mjs").write_text(
        "export const awsConfig = { accessKeyId: 'AKIA2E3MOIH4N6CFVEX7', "
        "secretAccessKey: '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' };\n")
    app = (b"import { S3Client } from '@aws-sdk/client-s3';\nimport { awsConfig } from './config.mjs';\n"
           b"const s3 = new S3Client({ credentials: { accessKeyId: awsConfig.accessKeyId,\n"
           b"  secretAccessKey: awsConfig.secretAccessKey } });\n")
    rules = lambda: sorted(f.rule_id for f in lint_file(tmp_path / "app.mjs", app, tmp_path).findings)  # noqa: E731
    first, again = rules(), rules()
    assert "CL401" in first and again == first
    (tmp_path / "config.mjs").write_text(
        "export const awsConfig = { accessKeyId: process.env.AWS_ACCESS_KEY_ID, "
        "secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY };\n")
    assert "CL401" not in rules()
