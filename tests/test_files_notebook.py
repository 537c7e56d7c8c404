"""Jupyter notebooks: code cells run the Python rules, with every finding
mapped back to the line of the .ipynb; magics, markdown, outputs and cells
that do not parse are scanned as text."""
from __future__ import annotations

import json

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, lint_file
from credlint import filetypes


def cell(kind, source, outputs=None, count=None):
    lines = source.splitlines(keepends=True)
    out = {"cell_type": kind, "metadata": {}, "source": lines}
    if kind == "code":
        out.update({"execution_count": count, "outputs": outputs or []})
    return out


def notebook(*cells, language="python"):
    return json.dumps({
        "cells": list(cells),
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language, "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }, indent=1) + "\n"


def line_of(text: str, needle: str, nth: int = 0) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[nth]


def lint_nb(ruleset, tmp_path, text, name="explore.ipynb"):
    return lint_file(str(tmp_path / name), text.encode(), tmp_path, ruleset)


def test_notebooks_are_notebooks():
    assert filetypes.detect("analysis/explore.ipynb", b"{") == "notebook"


def test_code_cells_run_the_python_rules_across_cells(ruleset, tmp_path):
    text = notebook(
        cell("markdown", "# Monthly billing export\nPulls the CUR files from S3.\n"),
        cell("code", "import boto3\nimport pandas as pd\n", count=1),
        cell("code", 'KEY = "' + KEY_ID + '"\n', count=2),
        cell("code", "%matplotlib inline\n!pip install -q s3fs\n"
                     "s3 = boto3.client(\n"
                     '    "s3",\n'
                     "    aws_access_key_id=KEY,\n"
                     '    aws_secret_access_key="' + SECRET + '",\n'
                     ")\n"
                     'df = pd.read_csv("s3://acme-cur/2026-10.csv")', count=3),
    )
    result = lint_nb(ruleset, tmp_path, text)
    got = sorted((f.rule_id, f.span.line) for f in result.findings)
    assert got == sorted([
        ("CL201", line_of(text, 'KEY = \\"')),                     # cell 3: the constant
        ("CL101", line_of(text, "aws_access_key_id=KEY")),          # cell 4: the SDK call, its secret superseded
    ])
    call = next(f for f in result.findings if f.rule_id == "CL101")
    assert "[notebook cell 4, line 5]" in call.message
    # fixable with --fix (which rewrites the cell), but reports get no edits in the cell's coordinates
    assert call.fix_plan.op == "notebook" and call.fix_plan.applicability == "unsafe"
    assert result.notices == ()
    for f in result.findings:
        assert SECRET not in f.message and all(SECRET not in s and KEY_ID not in s for s in f.snippet)


def test_columns_point_into_the_json_string(ruleset, tmp_path):
    text = notebook(cell("code", "aws_secret_access_key = '" + SECRET + "'\nkey_id = \"" + KEY_ID + "\"\n"))
    result = lint_nb(ruleset, tmp_path, text)
    by_rule = {f.rule_id: f for f in result.findings}
    key = by_rule["CL201"]
    raw_line = text.splitlines()[key.span.line - 1]
    assert raw_line[key.span.column - 1:key.span.end_column - 1] == KEY_ID
    secret = by_rule["CL202"]
    raw_line = text.splitlines()[secret.span.line - 1]
    assert raw_line[secret.span.column - 1:secret.span.end_column - 1] == "'" + SECRET + "'"
    assert "[notebook cell 1, line 1]" in secret.message


def test_a_double_quoted_secret_assignment_in_a_notebook(ruleset, tmp_path):
    text = notebook(cell("code", 'aws_secret_access_key = "' + SECRET + '"\n'))
    assert [f.rule_id for f in lint_nb(ruleset, tmp_path, text).findings] == ["CL202"]


def test_outputs_and_markdown_are_scanned_as_text(ruleset, tmp_path):
    stream = {"name": "stdout", "output_type": "stream",
              "text": ["Credentials for the demo account:\n", f"  aws_access_key_id = {KEY_ID_2}\n"]}
    result_output = {"output_type": "execute_result", "execution_count": 2, "metadata": {},
                     "data": {"text/plain": [f"{{'AccessKeyId': '{KEY_ID}', 'Expiration': '2026-11-21'}}"],
                              "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"}}
    text = notebook(
        cell("markdown", f"Old key, revoked? `{KEY_ID}`\n"),
        cell("code", "!cat ~/.aws/credentials\n", outputs=[stream], count=1),
        cell("code", "sts.get_session_token()['Credentials']\n", outputs=[result_output], count=2),
    )
    result = lint_nb(ruleset, tmp_path, text)
    got = sorted((f.rule_id, f.span.line, f.message.split("[notebook ")[1].split("]")[0]) for f in result.findings)
    assert got == sorted([
        ("CL201", line_of(text, "Old key"), "markdown cell 1"),
        ("CL201", line_of(text, "aws_access_key_id = "),
         "output of cell 2: clear the outputs before committing (jupyter nbconvert --clear-output, nbstripout)"),
        ("CL201", line_of(text, "AccessKeyId"),
         "output of cell 3: clear the outputs before committing (jupyter nbconvert --clear-output, nbstripout)"),
    ])


def test_magic_lines_and_cell_magics_are_text(ruleset, tmp_path):
    text = notebook(
        cell("code", f"!aws configure set aws_access_key_id {KEY_ID}\nx = 1\n", count=1),
        cell("code", f"%%bash\nexport AWS_ACCESS_KEY_ID={KEY_ID_2}\naws s3 ls\n", count=2),
    )
    result = lint_nb(ruleset, tmp_path, text)
    got = sorted((f.span.line, f.message.split("[notebook ")[1].rstrip("]")) for f in result.findings)
    assert got == [(line_of(text, "aws configure set"), "cell 1, line 1"),
                   (line_of(text, "export AWS_ACCESS_KEY_ID"), "cell 2")]


def test_a_cell_that_does_not_parse_is_text_with_a_notice(ruleset, tmp_path):
    text = notebook(
        cell("code", "import boto3\n", count=1),
        cell("code", f'print "legacy python 2"\nKEY = "{KEY_ID}"\n', count=2),
        cell("code", f's3 = boto3.client("s3", aws_access_key_id="{KEY_ID_2}", aws_secret_access_key="{SECRET_2}")\n'),
    )
    result = lint_nb(ruleset, tmp_path, text)
    assert [n.message for n in result.notices] == [
        "cell 2 does not parse as Python (line 1: Missing parentheses in call to 'print'.); "
        "scanned as text only"]
    got = sorted((f.rule_id, f.span.line) for f in result.findings)
    assert got == sorted([("CL201", line_of(text, 'KEY = \\"')), ("CL101", line_of(text, "boto3.client(\\\"s3"))])


def test_top_level_await_and_future_imports_in_later_cells(ruleset, tmp_path):
    text = notebook(
        cell("code", "import aioboto3\nsession = aioboto3.Session()\n"),
        cell("code", f'async with session.client("s3", aws_secret_access_key="{SECRET}") as s3:\n    await s3.list_buckets()\n'),
        cell("code", f'from __future__ import annotations\nTOKEN_ID = "{KEY_ID}"\n'),
    )
    result = lint_nb(ruleset, tmp_path, text)
    assert result.notices == ()
    assert sorted(f.rule_id for f in result.findings) == ["CL101", "CL201"]


def test_a_notebook_of_another_language_is_text(ruleset, tmp_path):
    text = notebook(cell("code", f'Sys.setenv(AWS_ACCESS_KEY_ID = "{KEY_ID}")\n'), language="R")
    result = lint_nb(ruleset, tmp_path, text)
    assert [(f.rule_id, f.span.line) for f in result.findings] == [("CL201", line_of(text, "Sys.setenv"))]


def test_string_source_and_nbformat_3(ruleset, tmp_path):
    v4 = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                "source": f'import boto3\nc = boto3.client("s3", aws_access_key_id="{KEY_ID}", '
                                          f'aws_secret_access_key="{SECRET}")\n'}],
                     "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    result = lint_nb(ruleset, tmp_path, v4)
    (finding,) = result.findings
    assert finding.rule_id == "CL101" and finding.span.line == 1
    assert v4[finding.span.column - 1:].startswith("c = boto3.client") is False  # one line: the column is in it
    v3 = json.dumps({"worksheets": [{"cells": [{"cell_type": "code", "language": "python", "outputs": [],
                                                "input": [f'KEY = "{KEY_ID}"\n']}]}],
                     "metadata": {}, "nbformat": 3, "nbformat_minor": 0}, indent=1)
    result = lint_nb(ruleset, tmp_path, v3)
    assert [(f.rule_id, f.span.line) for f in result.findings] == [("CL201", line_of(v3, "KEY ="))]


@pytest.mark.parametrize("text,words", [
    ('{"cells": [ {"cell_type": "code", "source": ["x = \\"' + KEY_ID + '\\"\\n"]', "invalid JSON"),
    ('{"nbformat": 4, "data": "' + KEY_ID + '"}', "not a Jupyter notebook"),
])
def test_broken_notebooks_fall_back_to_text(ruleset, tmp_path, text, words):
    result = lint_nb(ruleset, tmp_path, text)
    assert [f.rule_id for f in result.findings] == ["CL201"]
    assert any(words in n.message for n in result.notices)
