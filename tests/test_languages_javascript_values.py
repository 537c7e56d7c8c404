"""Qualified names in JavaScript (languages/javascript/values.py): what a
site resolves to must not depend on the other sites of the file."""
from __future__ import annotations

from conftest import KEY_ID, SECRET, lint_file


def _chain(first_site: bool) -> str:
    """`AWS` handed through five aliases (a site there, or not), then seven more:
    the second site is past the resolver's depth limit."""
    lines = ["const AWS = require('aws-sdk');"]
    previous = "AWS"
    for i in range(1, 6):
        lines.append(f"const a{i} = {previous};")
        previous = f"a{i}"
    if first_site:
        lines.append(f"new a5.S3({{ accessKeyId: '{KEY_ID}', secretAccessKey: '{SECRET}' }});")
    for i in range(1, 8):
        lines.append(f"const b{i} = {previous};")
        previous = f"b{i}"
    lines.append(f"new b7.S3({{ accessKeyId: '{KEY_ID}', secretAccessKey: '{SECRET}' }});")
    return "\n".join(lines) + "\n"


def _rules_on_last_line(tmp_path, code: str, name: str):
    last = code.count("\n")
    result = lint_file(tmp_path / name, code.encode())
    return sorted(f.rule_id for f in result.findings if f.span.line == last)


def test_a_site_resolves_the_same_whatever_the_file_resolved_before(tmp_path):
    """Found by review: a name the resolver had cached from a shallow site was
    handed to a site past the depth limit, so the second `new ...S3` became a
    CL401 only when the first one was in the file (its rule id, fingerprint and
    baseline entry depending on unrelated code)."""
    alone = _rules_on_last_line(tmp_path, _chain(False), "alone.js")
    after = _rules_on_last_line(tmp_path, _chain(True), "after.js")
    assert alone == after
    assert "CL202" in alone  # the key is still reported, as key material


def test_an_alias_resolved_once_serves_every_site(tmp_path):
    code = (f"const AWS = require('aws-sdk');\nconst aws = AWS;\n"
            f"new aws.S3({{ accessKeyId: '{KEY_ID}', secretAccessKey: '{SECRET}' }});\n"
            f"new AWS.SQS({{ accessKeyId: '{KEY_ID}', secretAccessKey: '{SECRET}' }});\n"
            f"new aws.SNS({{ accessKeyId: '{KEY_ID}', secretAccessKey: '{SECRET}' }});\n")
    result = lint_file(tmp_path / "aliases.js", code.encode())
    assert sorted(f.span.line for f in result.findings if f.rule_id == "CL401") == [3, 4, 5]
