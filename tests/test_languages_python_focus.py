"""Focused parsing of large modules (languages/python/focus.py): only the
top-level statements the rules can be about are parsed, yet the findings
must be exactly those of a full parse."""
from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from credlint.languages import python
from credlint.languages.python import focus

from conftest import KEY_ID, ROOT, SECRET, lint_file

FIXTURES = sorted((Path(ROOT) / "tests" / "fixtures" / "python").glob("*.py"))
EXAMPLES = sorted((Path(ROOT) / "examples").rglob("*.py"))
STDLIB = Path(random.__file__).parent


def findings(path, data: bytes, tmp_path):
    result = lint_file(path, data, tmp_path)
    return [(f.rule_id, f.span, f.message, f.fix_plan) for f in result.findings]


@pytest.fixture
def always_focus(monkeypatch):
    """Focus even small modules, so that every fixture exercises it."""
    monkeypatch.setattr(focus, "MIN_BYTES", 0)
    monkeypatch.setattr(focus, "MIN_STATEMENTS", 1)
    calls = []
    real = focus.focused_module

    def spy(*args):
        tree = real(*args)
        calls.append(tree is not None)
        return tree

    monkeypatch.setattr(focus, "focused_module", spy)
    return calls


def full(monkeypatch):
    monkeypatch.setattr(python, "focused", lambda source, rules: None)


FILLER = (STDLIB / "tarfile.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FIXTURES + EXAMPLES, ids=lambda p: p.name)
def test_focused_findings_are_those_of_a_full_parse(path, tmp_path, monkeypatch, always_focus):
    """Each fixture, after 100 KB of unrelated code (whose names it may
    shadow): the focused parse reports exactly what the full one does."""
    data = (FILLER + "\n\n" + path.read_text(encoding="utf-8")).encode()
    focused = findings(path, data, tmp_path)
    with monkeypatch.context() as m:
        full(m)
        whole = findings(path, data, tmp_path)
    assert focused == whole



def test_the_fixtures_really_take_the_focused_path(tmp_path, monkeypatch, always_focus):
    for path in FIXTURES:
        findings(path, (FILLER + "\n\n" + path.read_text(encoding="utf-8")).encode(), tmp_path)
    assert sum(always_focus) >= len(FIXTURES) * 3 // 4, "focus gave up on many fixtures: the test above proves little"


PLANTED = {
    "head": f'\nACCESS_KEY = "{KEY_ID}"\nSECRET_KEY = "q7Xr2vLk9Pz" "T4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"\n'
            "import boto3\nfrom boto3.session import Session as _S\n",
    "helper": "\ndef _make_session():\n    return _S(region_name='eu-west-1')\n",
    "call": "\ndef _client():\n    return _make_session().client('s3', aws_access_key_id=ACCESS_KEY, "
            "aws_secret_access_key=SECRET_KEY)\n",
    "string": f'\n_DOC = """\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n"""\n',
}


@pytest.mark.parametrize("module", ["inspect.py", "typing.py", "_pydecimal.py", "tarfile.py", "pydoc.py"])
def test_keys_planted_far_apart_in_a_large_module(module, tmp_path, monkeypatch):
    """Constants at the top, a helper in the middle, the call at the end, and
    code inside a string: found (and not found) as a full parse does."""
    text = (STDLIB / module).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    starts = focus.statements(text)  # plant between two top-level statements
    cut1, cut2 = starts[len(starts) // 3], starts[2 * len(starts) // 3]
    planted = (PLANTED["head"] + "".join(lines[:cut1]) + PLANTED["helper"] + "".join(lines[cut1:cut2])
               + PLANTED["string"] + "".join(lines[cut2:]) + PLANTED["call"])
    data = planted.encode()
    assert len(data) >= focus.MIN_BYTES
    calls = []
    real = focus.focused_module
    monkeypatch.setattr(focus, "focused_module", lambda *a: calls.append(real(*a)) or calls[-1])
    focused = findings(tmp_path / module, data, tmp_path)
    assert calls and calls[0] is not None, "the module was parsed whole"
    with monkeypatch.context() as m:
        full(m)
        whole = findings(tmp_path / module, data, tmp_path)
    assert focused == whole
    assert ("CL101", ) in {f[:1] for f in focused}  # the call, through the helper and the constants


def test_statement_starts_skip_strings_brackets_and_continuations():
    text = ('import boto3\nx = """\ns3 = boto3.client("s3")\n"""\nCONFIG = {\n"a": 1,\n}\n@decorator\n'
            "def f():\n    pass\nif x:\n    pass\nelse:\n    pass\ny = 1 + \\\n2\nz = f'{a}' 'b'\n")
    assert focus.statements(text) == [0, 1, 4, 7, 10, 14, 16]
    assert focus.statements('x = """never closed\n') is None


def test_a_long_line_of_blanks_is_read_in_linear_time(tmp_path):
    """Focus scans a large module's lines for bindings; a line of 40,000
    blanks once took quadratic time there (minutes): a hang in a hook."""
    from conftest import deadline

    filler = "".join(f"def helper_{i}(value):\n    return value * {i}\n\n\n" for i in range(2000))
    code = ("import boto3\n" + filler + "PADDING = 1" + " " * 40000 + "\n"
            + " " * 40000 + "\n"
            + f's3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n')
    with deadline(10, "linting a module with a long blank line"):
        result = lint_file(str(tmp_path / "big.py"), code.encode(), tmp_path)
    assert [f.rule_id for f in result.findings] == ["CL101"]


def _test_class(methods: int, planted: str) -> str:
    """A unittest module of one large class (botocore's tests look like
    this), with `planted` members at two thirds of it."""
    filler = "".join(f"    def test_case_{i}(self):\n        value = self.helper({i})\n"
                     f"        self.assertEqual(value, {i} * 2, msg='case {i}')\n\n" for i in range(methods))
    cut = filler.index(f"    def test_case_{2 * methods // 3}(")
    return ("import unittest\nimport boto3\nimport botocore.session\n\n\n"
            "class TestClients(unittest.TestCase):\n"
            "    region = 'eu-west-1'\n\n"
            "    def setUp(self):\n"
            f"        self.access_key = '{KEY_ID}'\n"
            f"        self.secret_key = '{SECRET}'\n"
            "        self.session = botocore.session.get_session()\n\n"
            "    def helper(self, n):\n        return n * 2\n\n"
            + filler[:cut] + planted + filler[cut:])


CLASS_PLANTS = {
    "attributes from setUp": "    def test_client(self):\n"
                             "        s3 = boto3.client('s3', aws_access_key_id=self.access_key,\n"
                             "                          aws_secret_access_key=self.secret_key)\n\n",
    "a session from setUp": "    def test_session(self):\n"
                            "        self.session.set_credentials(self.access_key, self.secret_key)\n\n",
    "a helper method": "    def _make(self):\n"
                       "        return self.session.create_client('s3', aws_access_key_id=self.access_key,\n"
                       "                                          aws_secret_access_key=self.secret_key)\n\n"
                       "    def test_helper(self):\n        self.client = self._make()\n\n",
    "a decorated method, a walrus, a tuple target": (
        "    @unittest.skipIf(False, 'never')\n"
        "    def test_decorated(self):\n"
        "        self.key_id, self.other = self.access_key, None\n"
        "        if (key := self.key_id):\n"
        "            boto3.Session(aws_access_key_id=key, aws_secret_access_key=self.secret_key)\n\n"),
    # found by review: bindings written over several lines
    "a tuple target over lines": (
        "    def _bind(self):\n        (\n            self.sess2,\n            self.other,\n"
        "        ) = (botocore.session.get_session(), None)\n\n"
        "    def test_tuple(self):\n        self.sess2.set_credentials(self.access_key, self.secret_key)\n\n"),
    "a backslash before the equals sign": (
        "    def _bind(self):\n        self.sess3 \\\n            = botocore.session.get_session()\n\n"
        "    def test_backslash(self):\n        self.sess3.set_credentials(self.access_key, self.secret_key)\n\n"),
    "a receiver of another name, its def over lines": (
        "    def test_this(\n        this,\n    ):\n"
        "        this.session.set_credentials(this.access_key, this.secret_key)\n\n"),
    "a string that looks like a call": (
        "    def test_docs(self):\n"
        f'        """boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n'
        '        """\n        self.assertTrue(True)\n\n'),
}


@pytest.mark.parametrize("name", sorted(CLASS_PLANTS))
def test_a_large_test_class_is_cut_to_the_members_the_rules_are_about(name, tmp_path, monkeypatch):
    """A 5,000-line test class with one credential call: only that member,
    and the members that bind what it reads (`self.access_key` in setUp,
    `self._make`), are parsed; the findings are those of a full parse."""
    data = _test_class(1300, CLASS_PLANTS[name]).encode()
    assert data.count(b"\n") > 5000
    trees = []
    real = focus.focused_module
    monkeypatch.setattr(focus, "focused_module", lambda *a: trees.append(real(*a)) or trees[-1])
    focused = findings(tmp_path / "test_clients.py", data, tmp_path)
    assert trees and trees[0] is not None, "the module was parsed whole"
    methods = [n.name for n in ast.walk(trees[0]) if isinstance(n, ast.FunctionDef)]
    assert "setUp" in methods and len(methods) <= 4, methods  # not the 1,300 test cases
    with monkeypatch.context() as m:
        full(m)
        whole = findings(tmp_path / "test_clients.py", data, tmp_path)
    assert focused == whole
    if name != "a string that looks like a call":  # the planted call is reported (hardcoded or explicit)
        assert {"CL101", "CL102"} & {f[0] for f in focused}, focused
