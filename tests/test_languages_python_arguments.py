"""Removing credential arguments without libcst (languages/python/arguments.py)
must write exactly what libcst writes (fixes.py): checked on generated calls
of every layout, and on every fix of the fixtures."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credlint.fixes import FixError
from credlint.languages.python import arguments, fixes

from conftest import ROOT

NAMES = frozenset({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"})
POSITIONAL = ['"s3"', "x", "[1, 2]", "call(a, b=2)", "*args", "(y := 2)", 'f"{a},{b}"', "'it''s'", "{'k': (1, 2)}"]
KEYWORDS = ['region_name="eu-west-1"', 'config=Config(retries={"max_attempts": 3})', "verify=False", "**kwargs",
            "on_retry=lambda n, aws_access_key_id=None: n"]
CREDENTIALS = ["aws_access_key_id=KEY", 'aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]',
               "aws_session_token=None", "aws_access_key_id = key", "aws_secret_access_key=(\n    SECRET)"]
BLANKS = ["", " ", "  ", "\n", "\n    ", "\n        ", " \n    ", "\r\n    ", "\t"]


def _newline(snippet: str) -> str:
    return "\r\n" if "\r\n" in snippet else "\n"


def libcst(snippet: str):
    try:
        return fixes.remove_arguments(snippet, sorted(NAMES), (), _newline(snippet))
    except FixError:
        return FixError


def plain(snippet: str):
    try:
        return arguments.without_keywords(snippet, NAMES, _newline(snippet))
    except FixError:
        return FixError


@st.composite
def calls(draw):
    callee = draw(st.sampled_from(["boto3.client", "boto3.Session(profile_name='p').client", "f", "clients['s3']"]))
    keywords = draw(st.lists(st.sampled_from(KEYWORDS + CREDENTIALS), max_size=4))
    keywords.insert(draw(st.integers(0, len(keywords))), draw(st.sampled_from(CREDENTIALS)))
    if "**kwargs" in keywords:  # (last: a keyword argument may not follow it in every version)
        keywords.remove("**kwargs")
        keywords.append("**kwargs")
    items = draw(st.lists(st.sampled_from(POSITIONAL), max_size=3)) + keywords
    blank = lambda: draw(st.sampled_from(BLANKS))  # noqa: E731
    text = callee + blank() if callee == "f" else callee
    text += "(" + blank()
    for i, item in enumerate(items):
        text += item + blank()
        if i < len(items) - 1 or draw(st.booleans()):
            text += "," + blank()
    return text + ")"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls())
def test_generated_calls_are_written_as_libcst_writes_them(snippet):
    try:
        ast.parse("(" + snippet + ")")
    except SyntaxError:
        return  # not a call Python accepts (`f(v for v in w, x)`): never a fix target
    fast = plain(snippet)
    if fast is None:
        return  # left to libcst
    assert fast == libcst(snippet), snippet


def test_the_plain_path_takes_the_common_layouts():
    """It must not leave everything to libcst: the layouts Black and people write."""
    for snippet in ['boto3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=SECRET)',
                    'boto3.client(\n    "s3",\n    aws_access_key_id=KEY,\n    region_name="eu-west-1",\n)',
                    "boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET)"]:
        assert plain(snippet) not in (None, FixError), snippet
        assert plain(snippet) == libcst(snippet)


@pytest.mark.parametrize("snippet", [
    'boto3.client("s3",  # the bucket\n    aws_access_key_id=KEY)',
    'boto3.client("s3", \\\n    aws_access_key_id=KEY)',
    'boto3.client("s3", **{"aws_access_key_id": KEY, "region_name": "x"})',
])
def test_comments_backslashes_and_inline_dicts_go_to_libcst(snippet):
    assert plain(snippet) is None


def _fixture_calls():
    for path in sorted((Path(ROOT) / "tests" / "fixtures" / "python").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and any(k.arg in NAMES for k in node.keywords):
                start = sum(len(line) for line in lines[:node.lineno - 1]) + node.col_offset
                end = sum(len(line) for line in lines[:node.end_lineno - 1]) + node.end_col_offset
                yield pytest.param(text[start:end], id=f"{path.name}:{node.lineno}")


@pytest.mark.parametrize("snippet", list(_fixture_calls()))
def test_every_fixture_call_is_written_as_libcst_writes_it(snippet):
    fast = plain(snippet)
    if fast is not None:
        assert fast == libcst(snippet)


@pytest.mark.parametrize("snippet", [
    'boto3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=SECRET, on_retry=lambda n, aws_access_key_id=None: n)',
    'boto3.client("s3", aws_access_key_id=KEY, region_name=f"(")',
])
def test_lambdas_and_f_strings_go_to_libcst(snippet):
    """Found by review: a lambda's parameters hold commas outside any
    bracket (the plain path cut the lambda in two), and Python 3.12 reads an
    f-string as tokens, `(` included."""
    assert plain(snippet) is None or plain(snippet) == libcst(snippet)
    assert libcst(snippet) is not FixError
