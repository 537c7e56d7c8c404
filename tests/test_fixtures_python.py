"""Python detection, as annotated fixture files (semgrep's `ruleid:` / `ok:`).

Each file under tests/fixtures/python/ is realistic code, linted whole
through the core call (conftest.lint_file -> credlint.api.run). A comment on
the line before a line says what is reported there:

    # ruleid: CL101            exactly these rules report a finding whose span
    # ruleid: CL201, CL202     starts on the next line (a rule listed twice:
                               two findings)
    # ok: CL101, CL102         these rules do not report on the next line

Annotation lines stack: consecutive ones all apply to the first line after
them that is not an annotation. A finding on a line without a `ruleid` for
its rule fails, and so does a `ruleid` without its finding. A fixture must
also lint without notices. Annotations are read as text, so one may stand
inside a docstring or a triple-quoted string.

`# case: NAME` starts a case (the code of one former test): failure messages
name it, and the module tests (fix plans, severities, masking) find a case's
findings by it. A case reads only the imports at the top of its file and its
own names, so it keeps its meaning wherever it stands.

The keys in the fixtures are conftest.py's fabricated ones; tests/ is
excluded from credlint's own scan (pyproject's [tool.credlint]).
"""
from __future__ import annotations

import functools
import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Set, Tuple

import pytest

from credlint.model import FileResult, Finding
from credlint.ruleset import load_rules

from conftest import KEY_ID, KEY_ID_2, ROOT, SECRET, SECRET_2, lint_file

FIXTURES = Path(__file__).parent / "fixtures" / "python"
FILES = sorted(FIXTURES.glob("*.py"))
RULESET = load_rules()
KNOWN_RULES = frozenset(r.id for r in RULESET.rules)

_ANNOTATION = re.compile(r"^\s*#\s*(ruleid|ok):(.*)$")
_CASE = re.compile(r"^\s*#\s*case:\s*(\S.*?)\s*$")


class Annotations(NamedTuple):
    expected: Dict[int, Counter]  # line -> rule ids reported there (with multiplicity)
    ok: Dict[int, Set[str]]  # line -> rule ids that must not report there
    cases: List[Tuple[int, str]]  # (line of `# case:`, name), in file order
    errors: List[str]  # malformed annotations, as failure messages


def parse(text: str, name: str, known: frozenset = KNOWN_RULES) -> Annotations:
    """The expectations written in a fixture's comments."""
    lines = text.splitlines()
    expected: Dict[int, Counter] = {}
    ok: Dict[int, Set[str]] = {}
    cases: List[Tuple[int, str]] = []
    errors: List[str] = []
    pending: List[Tuple[int, str, List[str]]] = []  # annotations waiting for their line
    for number, line in enumerate(lines, 1):
        match = _ANNOTATION.match(line)
        if match:
            kind, ids = match.group(1), [i.strip() for i in match.group(2).split(",")]
            if not all(ids):
                errors.append(f"{name}:{number}: malformed annotation {line.strip()!r}")
            unknown = [i for i in ids if i and i not in known]
            if unknown:
                errors.append(f"{name}:{number}: unknown rule id(s) {', '.join(unknown)} in annotation")
            pending.append((number, kind, [i for i in ids if i]))
            continue
        case = _CASE.match(line)
        if case:
            if pending:
                errors.append(f"{name}:{pending[0][0]}: an annotation must precede code, not a `# case:` line")
                pending = []
            if any(c == case.group(1) for _, c in cases):
                errors.append(f"{name}:{number}: case {case.group(1)!r} is named twice")
            cases.append((number, case.group(1)))
            continue
        for at, kind, ids in pending:
            if kind == "ruleid":
                expected.setdefault(number, Counter()).update(ids)
            else:
                ok.setdefault(number, set()).update(ids)
        if pending:
            both = set(expected.get(number, ())) & ok.get(number, set())
            if both:
                errors.append(f"{name}:{number}: {', '.join(sorted(both))} annotated both `ruleid` and `ok`")
        pending = []
    if pending:
        errors.append(f"{name}:{pending[0][0]}: annotation at the end of the file annotates nothing")
    return Annotations(expected, ok, cases, errors)


def case_of(annotations: Annotations, line: int) -> Optional[str]:
    found = None
    for start, case in annotations.cases:
        if start > line:
            break
        found = case
    return found


def _names(counter: Counter) -> str:
    return ", ".join(sorted(counter.elements())) or "nothing"


def failures(name: str, text: str, result: FileResult, annotations: Optional[Annotations] = None) -> List[str]:
    """Every way the findings of `result` differ from the annotations of `text`."""
    annotations = annotations or parse(text, name)
    out = list(annotations.errors)
    out += [f"{name}: notice ({n.kind}, {n.level}): {n.message}" for n in result.notices]
    got: Dict[int, List[Finding]] = {}
    for finding in result.findings:
        got.setdefault(finding.span.line, []).append(finding)
    for line in sorted(set(got) | set(annotations.expected) | set(annotations.ok)):
        want = annotations.expected.get(line, Counter())
        have = Counter(f.rule_id for f in got.get(line, ()))
        forbidden = annotations.ok.get(line, set()) & set(have)
        if want == have and not forbidden:
            continue
        case = case_of(annotations, line)
        where = f"{name}:{line}" + (f" (case {case})" if case else "")
        detail = []
        if have - want:
            detail.append(f"unexpected {_names(have - want)}")
        if want - have:
            detail.append(f"missing {_names(want - have)}")
        if forbidden:
            detail.append(f"{', '.join(sorted(forbidden))} reported on a line annotated `ok`")
        messages = "".join(f"\n    {f.rule_id} {f.span.line}:{f.span.column} {f.message}" for f in got.get(line, ()))
        out.append(f"{where}: expected {_names(want)}, got {_names(have)} ({'; '.join(detail)}){messages}")
    return out


@functools.lru_cache(maxsize=None)
def lint_fixture(name: str) -> Tuple[FileResult, Annotations]:
    """A fixture's result (through the core call) and its annotations; once per session."""
    path = FIXTURES / name
    data = path.read_bytes()
    result = lint_file(path, data, FIXTURES, RULESET)
    return result, parse(data.decode("utf-8"), _relative(path))


def case_findings(name: str, case: str) -> List[Finding]:
    """The findings that start inside one case of a fixture."""
    result, annotations = lint_fixture(name)
    starts = [line for line, c in annotations.cases if c == case]
    assert starts, f"{name} has no case {case!r}"
    later = [line for line, _ in annotations.cases if line > starts[0]]
    end = later[0] if later else float("inf")
    return [f for f in result.findings if starts[0] < f.span.line < end]


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# -- the fixtures ------------------------------------------------------------------------


def test_there_are_fixtures():
    assert len(FILES) > 20, FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixture(path):
    result, annotations = lint_fixture(path.name)
    problems = failures(_relative(path), path.read_text(encoding="utf-8"), result, annotations)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixture_is_made_of_named_cases_that_assert_something(path):
    _, annotations = lint_fixture(path.name)
    assert annotations.cases, f"{path.name}: no `# case:` line"
    assert annotations.expected or annotations.ok, f"{path.name}: no annotation"


# -- the runner itself -------------------------------------------------------------------


def _run(tmp_path, text: str) -> List[str]:
    path = tmp_path / "synthetic.py"
    path.write_text(text, encoding="utf-8")
    result = lint_file(path, text.encode("utf-8"), tmp_path, RULESET)
    return failures("synthetic.py", text, result)


def test_runner_passes_a_fixture_whose_annotations_hold(tmp_path):
    text = (f'# case: constants\n'
            f'# ruleid: CL201\n'
            f'ACCESS_KEY = "{KEY_ID}"\n'
            f'# ruleid: CL202\n'
            f'# ok: CL201\n'
            f'SECRET_KEY = "{SECRET}"\n'
            f'# ok: CL201, CL202\n'
            f'REGION = "eu-west-1"\n')
    assert _run(tmp_path, text) == []


def test_runner_fails_on_a_missing_finding(tmp_path):
    text = '# case: nothing-here\nimport boto3\n\n# ruleid: CL201\nREGION = "eu-west-1"\n'
    problems = _run(tmp_path, text)
    assert problems == ["synthetic.py:5 (case nothing-here): expected CL201, got nothing (missing CL201)"], problems


def test_runner_fails_on_an_unexpected_finding(tmp_path):
    text = f'# case: unannotated\nREGION = "eu-west-1"\nACCESS_KEY = "{KEY_ID}"\n'
    problems = _run(tmp_path, text)
    assert len(problems) == 1, problems
    assert problems[0].startswith("synthetic.py:3 (case unannotated): expected nothing, got CL201 "
                                  "(unexpected CL201)"), problems
    assert KEY_ID not in problems[0]  # the finding's message is quoted masked


def test_runner_counts_findings_and_honours_ok(tmp_path):
    text = (f'# ruleid: CL201\n'
            f'KEYS = ["{KEY_ID}", "{KEY_ID}"]\n'
            f'# ok: CL201\n'
            f'OLD_KEY = "{KEY_ID}"\n')
    problems = _run(tmp_path, text)
    assert len(problems) == 2, problems
    assert problems[0].startswith("synthetic.py:2: expected CL201, got CL201, CL201 (unexpected CL201)"), problems
    assert problems[1].startswith("synthetic.py:4: expected nothing, got CL201 (unexpected CL201; "
                                  "CL201 reported on a line annotated `ok`)"), problems


def test_runner_rejects_malformed_annotations(tmp_path):
    text = '# ruleid: CL999\nREGION = "eu-west-1"\n# ruleid: CL201\n# ok: CL201\nNAME = "x"\n# ruleid:\n'
    problems = _run(tmp_path, text)
    assert "synthetic.py:1: unknown rule id(s) CL999 in annotation" in problems, problems
    assert "synthetic.py:5: CL201 annotated both `ruleid` and `ok`" in problems, problems
    assert "synthetic.py:6: malformed annotation '# ruleid:'" in problems, problems
    assert "synthetic.py:6: annotation at the end of the file annotates nothing" in problems, problems


def test_cases_are_found_by_name():
    text = f'# case: first\nA = 1\n\n# case: second\n# ruleid: CL201\nACCESS_KEY = "{KEY_ID}"\n'
    annotations = parse(text, "synthetic.py")
    assert annotations.cases == [(1, "first"), (4, "second")]
    assert case_of(annotations, 2) == "first" and case_of(annotations, 6) == "second"


# -- helpers for the module tests (tests/test_languages_python_*.py) ---------------------
#
# Code written inline in a module test uses tokens for the keys: @KEY@, @SECRET@, @KEY2@,
# @SECRET2@, @SECRET3@, @TOKEN@, and the halves @KEY_A@ + @KEY_B@ == KEY_ID,
# @SEC_A@ + @SEC_B@ == SECRET. A marker comment such as `# [call]` names a line.

# A third secret, using the '/' and '+' characters of the key alphabet.
SECRET_3 = "Zk4/Tq9+Lm2Wx7Pb3Nc8Rv1Yd6Hf0Js5Ga2Ke9Uo"
# A session token with the stable header of real STS tokens.
TOKEN = ("IQoJb3JpZ2luX2VjEJr2Xk4wEaCXVzLWVhc3QtMSJHMEUCIQDxk3mP9Zt7Lq2Wb8Nc4Vr6Ys1Ah5Jd3Kf0Gm2Hn4"
         "Tp6Rq8Sw1Ue3Vi5Xo7Ya9Zb2Cd4Ef6Gh8Ij0Kl2Mn4Op6Qr8St0Uv2Wx4Yz6")
ALL_SECRETS = (KEY_ID, SECRET, KEY_ID_2, SECRET_2, SECRET_3, TOKEN)

TOKENS = {
    "@KEY_A@": KEY_ID[:8],
    "@KEY_B@": KEY_ID[8:],
    "@SEC_A@": SECRET[:17],
    "@SEC_B@": SECRET[17:],
    "@KEY2@": KEY_ID_2,
    "@SECRET2@": SECRET_2,
    "@SECRET3@": SECRET_3,
    "@KEY@": KEY_ID,
    "@SECRET@": SECRET,
    "@TOKEN@": TOKEN,
}


def src(code: str) -> str:
    code = textwrap.dedent(code).lstrip("\n")
    for token, value in TOKENS.items():
        code = code.replace(token, value)
    return code


def line_of(code: str, marker: str) -> int:
    hits = [i for i, text in enumerate(code.splitlines(), 1) if marker in text]
    assert len(hits) == 1, f"marker {marker!r} must be on exactly one line, found {hits}"
    return hits[0]


def render(findings: Sequence[Finding]) -> str:
    return "\n".join(f"  {f.rule_id} line {f.span.line}:{f.span.column} {f.message}" for f in findings) or "  (none)"


def pairs(findings: Sequence[Finding]) -> List[Tuple[str, int]]:
    return sorted((f.rule_id, f.span.line) for f in findings)


def only(findings: Sequence[Finding], rule_id: str) -> Finding:
    hits = [f for f in findings if f.rule_id == rule_id]
    assert len(hits) == 1, f"expected exactly one {rule_id}, got:\n{render(findings)}"
    return hits[0]


def on_line(findings: Sequence[Finding], rule_ids: Sequence[str], line: int) -> List[Finding]:
    return [f for f in findings if f.rule_id in rule_ids and f.span.line == line]


def check(lint, code: str, expected, filename: str = "app.py", select=None) -> List[Finding]:
    """Lint inline `code`; the findings must be exactly `expected` ((rule, marker) pairs)."""
    findings = lint(code, filename=filename, select=select)
    want = sorted((rule, line_of(code, marker)) for rule, marker in expected)
    assert pairs(findings) == want, f"expected {want}, credlint reported:\n{render(findings)}"
    assert_no_secret_leaks(findings)
    return findings


def squash(text: str) -> str:
    """Text with quotes, whitespace, backslashes and `+` removed: a key split by
    implicit concatenation or `+` becomes contiguous again."""
    return re.sub(r"[\s'\"\\+()]", "", text)


def assert_no_secret_leaks(findings: Sequence[Finding], secrets=ALL_SECRETS) -> None:
    for f in findings:
        text = f.message + "\n" + "\n".join(f.snippet)
        for secret in secrets:
            assert secret not in text, f"{f.rule_id} line {f.span.line} shows a full secret:\n{text}"
            assert secret.replace("+", "") not in squash(text), (
                f"{f.rule_id} line {f.span.line} shows a secret split into pieces:\n{text}")
