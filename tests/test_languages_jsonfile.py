"""The JSON analyzer's two readers agree: the fast one (the C decoder, then a
regex to find where each value is written) reports exactly what the
positional reader reports, at the same lines and columns, on generated
documents with keys at any depth, under duplicate names, in name/value
objects, with escapes and any layout."""
from __future__ import annotations

import json

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, lint_file
from credlint.languages import jsonfile

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, strategies as st  # noqa: E402

pytestmark = pytest.mark.property

NAMES = ["aws_access_key_id", "aws_secret_access_key", "accessKeyId", "secretAccessKey", "SecretAccessKey",
         "AWS_SECRET_ACCESS_KEY", "region", "name", "value", "Name", "Value", "key", "ParameterKey", "ParameterValue",
         "note", "a b", "é"]
VALUES = [KEY_ID, KEY_ID_2, SECRET, SECRET_2, "AKIAIOSFODNN7EXAMPLE", "${SECRET}", "AWS_SECRET_ACCESS_KEY",
          "AWS_ACCESS_KEY_ID", "us-east-1", "", "x/y", "\u00e9\u2603", "a\"b"]

scalars = st.one_of(st.sampled_from(VALUES), st.integers(-5, 5), st.booleans(), st.none(), st.text(max_size=5))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.lists(st.tuples(st.sampled_from(NAMES), inner), max_size=5)),
    max_leaves=25)


def serialize(node, indent, ensure_ascii, separators) -> str:
    """json.dumps, except that a list of (key, value) tuples is an object
    (so duplicate keys can be written)."""
    if isinstance(node, list) and node and all(isinstance(x, tuple) for x in node):
        inner = separators[0].join(json.dumps(k, ensure_ascii=ensure_ascii) + separators[1]
                                   + serialize(v, indent, ensure_ascii, separators) for k, v in node)
        return "{" + indent + inner + indent + "}"
    if isinstance(node, list):
        return "[" + indent + separators[0].join(serialize(v, indent, ensure_ascii, separators) for v in node) + indent + "]"
    return json.dumps(node, ensure_ascii=ensure_ascii)


def reported(tmp_path, ruleset, text: str):
    result = lint_file(tmp_path / "settings.json", text.encode("utf-8"), tmp_path, ruleset)
    return sorted((f.rule_id, f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.message)
                  for f in result.findings)


@given(doc=documents, indent=st.sampled_from(["", "\n", "\n  ", " "]), ensure_ascii=st.booleans(),
       separators=st.sampled_from([(",", ":"), (", ", ": "), (",\n", " :\t")]), slash_escapes=st.booleans())
def test_fast_reader_reports_what_the_positional_reader_reports(tmp_path, ruleset, monkeypatch, doc, indent,
                                                                ensure_ascii, separators, slash_escapes):
    text = serialize(doc, indent, ensure_ascii, separators)
    if slash_escapes:
        text = text.replace("/", "\\/")  # valid JSON: `\/` is `/`
    fast = reported(tmp_path, ruleset, text)
    with monkeypatch.context() as patched:
        patched.setattr(jsonfile, "_decode", lambda text, candidates: None)
        patched.setattr(jsonfile, "_candidates", lambda text, rules, policy: None)
        positional = reported(tmp_path, ruleset, text)
    assert fast == positional


def test_a_large_file_without_key_shaped_strings_is_not_decoded(tmp_path, ruleset, monkeypatch):
    """The common large JSON file (data, lockfiles, fixtures) costs one regex
    pass: neither reader runs when no string has a key's shape."""
    doc = {"items": [{"id": i, "name": "AWS_SECRET_ACCESS_KEY", "value": "${SECRET}", "n": 1.5} for i in range(2000)]}
    monkeypatch.setattr(jsonfile, "_decode", lambda *a: pytest.fail("decoded"))
    monkeypatch.setattr(jsonfile, "parse", lambda *a: pytest.fail("parsed positionally"))
    assert reported(tmp_path, ruleset, json.dumps(doc, indent=2)) == []


def test_a_key_in_a_large_file_is_found_without_the_positional_reader(tmp_path, ruleset, monkeypatch):
    doc = {"items": [{"id": i, "tags": ["a", {"b": [i]}]} for i in range(2000)]}
    doc["items"][1500]["env"] = [{"name": "AWS_SECRET_ACCESS_KEY", "value": SECRET}]
    text = json.dumps(doc, indent=1)
    monkeypatch.setattr(jsonfile, "parse", lambda *a: pytest.fail("parsed positionally"))
    (finding,) = lint_file(tmp_path / "data.json", text.encode(), tmp_path, ruleset).findings
    assert finding.rule_id == "CL301" and "$.items[1500].env[0] (AWS_SECRET_ACCESS_KEY)" in finding.message
    assert text.splitlines()[finding.span.line - 1].strip() == f'"value": "{SECRET}"'


def test_jsonc_too_large_for_the_positional_reader_is_scanned_as_text(tmp_path, ruleset, monkeypatch):
    monkeypatch.setattr(jsonfile, "POSITIONAL_LIMIT", 1000)
    text = "// settings\n" + json.dumps({"pad": "x" * 2000, "aws_secret_access_key": SECRET})
    result = lint_file(tmp_path / "settings.json", text.encode(), tmp_path, ruleset)
    assert any("too much for the positional reader" in n.message for n in result.notices)
    assert SECRET not in repr(result.notices)


def test_a_key_in_an_array_nested_in_an_array_is_found_by_the_fast_reader(tmp_path, ruleset, monkeypatch):
    """Found by the property test above: the array holding the second object
    was never marked as leading to a key, so the walk skipped it."""
    text = json.dumps([{"aws_access_key_id": KEY_ID}, [{"aws_access_key_id": KEY_ID_2}]])
    monkeypatch.setattr(jsonfile, "parse", lambda *a: pytest.fail("parsed positionally"))
    findings = lint_file(tmp_path / "keys.json", text.encode(), tmp_path, ruleset).findings
    assert [(f.rule_id, f.span.column) for f in findings] == [("CL301", text.index(KEY_ID) + 1),
                                                              ("CL301", text.index(KEY_ID_2) + 1)]
