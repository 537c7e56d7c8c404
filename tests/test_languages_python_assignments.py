"""credlint/languages/python/assignments.py: key literals (CL201) and secret
assignments (CL202) beyond the line they are reported on: columns, severity,
lines inside a multi-line string.

Where CL201/CL202 report is in tests/fixtures/python/key_literals.py,
secret_assignments.py, settings.py and values_constants.py.
"""
from __future__ import annotations

import pytest

from conftest import KEY_ID, KEY_ID_2
from test_fixtures_python import FILES, check, lint_fixture, render, src


def test_two_keys_on_one_line_are_two_findings(lint):
    code = src('''
        ROTATION_CANDIDATES = ["@KEY@", "@KEY2@"]  # [line]
    ''')
    findings = check(lint, code, [("CL201", "[line]"), ("CL201", "[line]")])
    line = code.splitlines()[0]
    assert sorted(f.span.column for f in findings) in (
        [line.index(KEY_ID) + 1, line.index(KEY_ID_2) + 1], [line.index(KEY_ID), line.index(KEY_ID_2)])


def test_cl201_line_inside_multiline_fstring_and_triple_quoted_sql(lint):
    code = src("""
        def render(bucket):
            return f'''
            [default]
            region = eu-west-1
            aws_access_key_id = @KEY@
            bucket = {bucket}
            '''  # the key sits on the fourth line of the string: [key]
    """)
    findings = lint(code)
    expected = [i for i, t in enumerate(code.splitlines(), 1) if KEY_ID in t]
    assert [f.span.line for f in findings if f.rule_id == "CL201"] == expected, render(findings)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_cl202_finding_in_the_fixtures_is_an_error(path):
    result, _ = lint_fixture(path.name)
    for f in result.findings:
        if f.rule_id == "CL202":
            assert f.severity == "error", (path.name, f.span.line, f)
