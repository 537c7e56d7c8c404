"""The prefilter's gate (one pass of scans that rejects most files before any
rule is looked at) must never turn away a file the rules' own triggers let in:
a rejected file is never parsed, so a mistake here is a missed key."""
from __future__ import annotations

import re

import pytest

from conftest import lint_file
from credlint import filetypes, prefilter
from credlint.engine import Linter
from credlint.model import Docs, Rule
from credlint.prefilter import Clause, rules_that_may_match
from credlint.ruleset import load_rules

RULESET = load_rules()
LINTER = Linter(RULESET, RULESET.rules)
FILE_TYPES = sorted({filetypes.detect(e.filename or "example.py", e.code.encode()) for r in RULESET.rules
                     for e in r.examples_invalid} | {"python", "text"})


def _without_gate(data: bytes, plan):
    view = prefilter._FileView(data, prefilter._impliers(plan))
    return [(r, b) for r, b in plan
            if not r.triggers.get(b) or any(view.satisfies(c) for c in r.triggers[b])]


def _samples(plan):
    """Every token of the plan alone, in the case variants an ignore-case
    clause accepts, and after each rule example (which supplies the values the
    clauses' regexes look for)."""
    tokens = set()
    for rule, block in plan:
        for clause in rule.triggers.get(block, ()):
            for token in clause.any + clause.all:
                tokens.add(token)
                if clause.ignore_case:
                    tokens.update({token.upper(), token.title(), token.capitalize()})
    examples = [e.code.encode() for r in RULESET.rules for e in r.examples_invalid + r.examples_valid]
    yield b"nothing to see here\n"
    for token in sorted(tokens):
        yield b"x = " + token + b"\n"
    for example in examples:
        yield example
        for token in sorted(tokens):
            yield example + b"\n" + token


@pytest.mark.parametrize("file_type", FILE_TYPES)
def test_gate_admits_whatever_the_triggers_admit(file_type):
    plan = LINTER.plan(file_type)
    for data in _samples(plan):
        assert rules_that_may_match(data, plan) == _without_gate(data, plan), data[:200]


@pytest.mark.parametrize("file_type", FILE_TYPES)
def test_the_one_pass_scanner_answers_as_the_scans_do(file_type):
    """Past UNION_AFTER files the tokens are found in one RE2 pass; it must
    let through exactly what the scans let through, for every rule, on every
    token in every case a clause accepts (`CrEdEnTiAl`), and on bytes RE2's
    own case folding would take for letters (Latin-1 capitals)."""
    pytest.importorskip("re2")
    plan = LINTER.plan(file_type)
    compiled = prefilter._compile(plan)
    before = compiled.scanner
    scanner = prefilter._scanner(plan, compiled.gate)
    assert scanner
    samples = list(_samples(plan)) + [b"x = 'CrEdEnTiAl'\n", b"SeCrEt\n", b"s\xc9cret \xe9 CREDENTIA\xcc\n"]
    try:
        for data in samples:
            compiled.scanner = scanner
            one_pass = rules_that_may_match(data, plan)
            compiled.scanner = False
            assert one_pass == rules_that_may_match(data, plan), data[:200]
    finally:
        compiled.scanner = before


def test_a_short_run_does_not_load_re2():
    """A run of a few files (a pre-commit hook) is cheaper with the scans:
    the one-pass scanner is built only past UNION_AFTER files of a plan."""
    plan = list(LINTER.plan("python"))
    compiled = prefilter._compile(plan)
    compiled.scanner, compiled.gated = None, 0
    for _ in range(prefilter.UNION_AFTER - 1):
        rules_that_may_match(b"import os\n", plan)
    assert compiled.scanner is None
    rules_that_may_match(b"import os\n", plan)
    assert compiled.scanner is not None


def test_every_invalid_example_passes_the_whole_plan_of_its_file_type():
    for rule in RULESET.rules:
        for example in rule.examples_invalid:
            data = example.code.encode()
            plan = LINTER.plan(filetypes.detect(example.filename or "example.py", data[:512]))
            if any(r is rule for r, _ in plan):
                assert any(r is rule for r, _ in rules_that_may_match(data, plan)), (
                    f"{rule.source}:{example.source_line}")


def _rule(rule_id: str, *clauses: Clause) -> Rule:
    return Rule(id=rule_id, name=rule_id.lower(), severity="error", message="m", docs=Docs("s", "w", "y"),
                source=f"{rule_id}.yaml", match={"python": {}}, triggers={"python": tuple(clauses)})


def test_gate_rejects_files_without_any_token_and_keeps_those_with_one():
    rules = [
        _rule("T1", Clause(all=(b"boto3",), any=(b"Session",))),
        _rule("T2", Clause(any=(b"FwoGZXIvYXdz", b"FQoGZXIvYXdz"))),
        _rule("T3", Clause(any=(b"secret",), ignore_case=True)),
    ]
    plan = [(r, "python") for r in rules]
    gate = prefilter._compile(plan).gate
    assert gate is not None
    ids = lambda data: [r.id for r, _ in rules_that_may_match(data, plan)]  # noqa: E731
    assert ids(b"import os\nprint('hello')\n") == []
    assert ids(b"import boto3\nboto3.Session()\n") == ["T1"]
    assert ids(b"import boto3\n") == []  # `boto` gets it past the gate, the rule's own clause stops it
    assert ids(b"token = 'FQoGZXIvYXdzEXAMPLE'\n") == ["T2"]
    assert ids(b"CLIENT_SECRET = 1\n") == ["T3"]


def test_a_rule_without_a_token_turns_the_gate_off():
    plan = [(_rule("T1", Clause(any=(b"boto3",))), "python"),
            (_rule("T2", Clause(regex=re.compile(rb"[0-9]{12}"))), "python")]
    assert prefilter._compile(plan).gate is None
    assert [r.id for r, _ in rules_that_may_match(b"account = 123456789012\n", plan)] == ["T2"]


def test_a_clause_with_common_all_tokens_does_not_open_the_gate():
    """CL202's `join(` clause also needs `secret`/`credential`...: the gate
    looks for those (already needed by its other clauses), not for `join(`,
    which most Python files hold."""
    rules = [_rule("T1", Clause(any=(b"secret",), ignore_case=True, regex=re.compile(rb"'[A-Za-z]{8}'"))),
             _rule("T2", Clause(any=(b"secret",), all=(b"join(",), ignore_case=True))]
    plan = [(r, "python") for r in rules]
    gate = prefilter._compile(plan).gate
    common = b"print(', '.join(names))\n"
    assert not gate.admits(prefilter._FileView(common))
    assert rules_that_may_match(common, plan) == []
    assert [r.id for r, _ in rules_that_may_match(b"SECRET = ''.join(parts)\n", plan)] == ["T2"]


def _js_rules(data: bytes):
    return {r.id for r, _ in rules_that_may_match(data, LINTER.plan("javascript"))}


def test_js_sdk_call_rules_need_a_way_to_the_sdk_in_the_file():
    """The SDK's own bundles mention `credentials` everywhere and import
    neither `aws-sdk` nor `@aws-sdk/client-*`: not parsed for CL401/CL402.
    A file naming the SDK's module, or a relative module (through which the
    resolver can reach it), is."""
    bundle = (b'"use strict";\nvar core = require("@aws-sdk/core");\nvar smithy = require("@smithy/types");\n'
              b"function resolve(config) { return config.credentials || { accessKeyId: config.id }; }\n")
    assert not {"CL401", "CL402"} & _js_rules(bundle)
    for way in (b"const AWS = require('aws-sdk');\n", b'import { S3Client } from "@aws-sdk/client-s3";\n',
                b"import S3 from 'aws-sdk/clients/s3';\n", b"const { AWS } = require('./aws');\n",
                b'import { AWS } from "../lib/aws";\n', b"import AWS from 'aws-sdk/global';\n"):
        assert {"CL401", "CL402"} <= _js_rules(way + b"new AWS.S3({ accessKeyId: id });\n"), way


def test_a_client_reached_through_a_relative_module_is_still_reported(tmp_path):
    """app.mjs names no SDK module: only the relative import gets it parsed,
    and the resolver follows it to aws.mjs, which requires aws-sdk."""
    import json

    from conftest import KEY_ID, SECRET, run_cli

    (tmp_path / "aws.mjs").write_text("const AWS = require('aws-sdk');\nexport { AWS };\n")
    (tmp_path / "app.mjs").write_text(
        "import { AWS } from './aws.mjs';\n"
        f"const s3 = new AWS.S3({{ accessKeyId: '{KEY_ID}', secretAccessKey: '{SECRET}' }});\n")
    proc = run_cli("--isolated", "--no-cache", "--format", "json", str(tmp_path))
    found = {(f["rule"], f["path"].rsplit("/", 1)[-1]) for f in json.loads(proc.stdout)}
    assert ("CL401", "app.mjs") in found, proc.stdout


@pytest.mark.parametrize("name, code", [
    ("cr.py", b'AWS_SECRET_ACCESS_KEY = ("q7Xr2vLk9PzT4mWn8Ys1"\r    "Bc6Df3Gh5Jk0Lm2Np4Qr")\r'),
    ("crcrlf.py", b'AWS_SECRET_ACCESS_KEY = ("q7Xr2vLk9PzT4mWn8Ys1"\r\r\n    "Bc6Df3Gh5Jk0Lm2Np4Qr")\n'),
    ("formfeed.py", b'AWS_SECRET_ACCESS_KEY = ("q7Xr2vLk9PzT4mWn8Ys1"\x0c"Bc6Df3Gh5Jk0Lm2Np4Qr")\n'),
    ("backslash_cr.py", b'AWS_SECRET_ACCESS_KEY = "q7Xr2vLk9PzT4mWn8Ys1" \\\r    "Bc6Df3Gh5Jk0Lm2Np4Qr"\r'),
    ("crcrlf.js", b"const secretKey = 'q7Xr2vLk9PzT4mWn8Ys1' +\r\r\n  'Bc6Df3Gh5Jk0Lm2Np4Qr';\n"),
    ("cr.js", b"const secretKey = 'q7Xr2vLk9PzT4mWn8Ys1' +\r  'Bc6Df3Gh5Jk0Lm2Np4Qr';\r"),
])
def test_a_key_split_across_any_line_ending_is_found(tmp_path, name, code):
    """Old Mac line endings, a file converted to CRLF twice, a form feed: the
    split-key triggers take any line break, as the parsers do."""
    from conftest import lint_file

    result = lint_file(str(tmp_path / name), code, tmp_path)
    assert [f.rule_id for f in result.findings] == ["CL202"], result.notices


def test_forty_character_identifiers_next_to_credential_do_not_get_a_bundle_parsed():
    """An SDK bundle holds `credentials` and 40-letter names
    (`"ClusterContainsCapacityProviderException"`), SHA-1s and upper-case
    constants: none is a key by the policy, so CL202 does not parse it. The
    same line with a key is let through, in every file type."""
    names = (b'"ClusterContainsCapacityProviderException"', b'"40a89917e3175433e361b710a9d43528d7f1890a"',
             b'"QWERTYUIOPASDFGHJKLZXCVBNM0123456789QWER"')
    for file_type, template in (("javascript", b"const credentials = %s;\n"), ("python", b"credentials = %s\n"),
                                ("text", b"aws credentials: %s\n")):
        plan = LINTER.plan(file_type)
        for name in names:
            assert "CL202" not in {r.id for r, _ in rules_that_may_match(template % name, plan)}, (file_type, name)
        key = b'"q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"'
        assert "CL202" in {r.id for r, _ in rules_that_may_match(template % key, plan)}, file_type


def test_js_sdk_call_triggers_read_module_names_and_class_names_as_code():
    """A string "." (a join, a message) is not a relative import, and a class
    name inside a longer name or a string (the SDK's schemas:
    `SessionCredentials$`, `"Credentials"`) is not the class: the SDK's own
    bundles hold both. `require('.')`, `from '..'` and `new AWS.Credentials(`
    are, and get the file analyzed."""
    bundle = (b'const _Cr = "Credentials";\nvar SessionCredentials$ = [3, n0, _SCe];\n'
              b'import { X } from "../models/errors";\nconst host = bucket + "." + region;\n'
              b"function f(c) { c.setCredentials(credentials); }\n")
    assert not {"CL401", "CL402"} & _js_rules(bundle)
    assert not {"CL401", "CL402"} & _js_rules(b"const host = a + '.' + b;\nconst creds = { accessKeyId: id };\n")
    for way in (b"const AWS = require('.');\n", b"const AWS = require( '..' );\n", b"import AWS from '..';\n",
                b"const AWS = await import('.');\n"):
        assert {"CL401", "CL402"} <= _js_rules(way + b"new AWS.S3({ accessKeyId: id });\n"), way
    positional = b"const AWS = require('aws-sdk');\nAWS.config.credentials = new AWS.Credentials(id, secret);\n"
    assert {"CL401", "CL402"} <= _js_rules(positional)
    assert {"CL401", "CL402"} <= _js_rules(b"import { Credentials } from 'aws-sdk';\nnew Credentials(a, b);\n")


@pytest.mark.parametrize("code", [
    'SECRET_KEY = "q7Xr2vLk9PzT4mWn8Ys1%s" % "Bc6Df3Gh5Jk0Lm2Np4Qr"\n',
    'SECRET_KEY = "q7Xr2vLk9Pz%s%s" % ("T4mWn8Ys1Bc6Df", "3Gh5Jk0Lm2Np4Qr")\n',
    'SECRET_KEY = "q7X%sr2vLk9Pz%s" % ("T4mWn8Ys1Bc6Df", "3Gh5Jk0Lm2Np4Qr")\n',
    'SECRET_KEY = "%s%s" % ("q7Xr2vLk9PzT4mWn8Ys1", "Bc6Df3Gh5Jk0Lm2Np4Qr")\n',
    'SECRET_KEY = "q7Xr2vLk9Pz{}{}".format("T4mWn8Ys1Bc6Df", "3Gh5Jk0Lm2Np4Qr")\n',
    'SECRET_KEY = "{}{}".format("q7Xr2vLk9PzT4mWn8Ys1", "Bc6Df3Gh5Jk0Lm2Np4Qr")\n',
    "SECRET_KEY = f\"q7Xr2vLk9Pz{''}T4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr\"\n",
    "SECRET_KEY = f\"q7X{''}r2vLk9Pz{''}T4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr\"\n",
    # found by review: what literal_string folds, the triggers must let in
    'AWS_SECRET_ACCESS_KEY = f"q7Xr2vLk9PzT4mWn8Ys1{ 7 }c6Df3Gh5Jk0Lm2Np4Qr"\n',
    'AWS_SECRET_ACCESS_KEY = f"q7Xr2vLk9PzT4mWn8Ys1{(7)}c6Df3Gh5Jk0Lm2Np4Qr"\n',
    'AWS_SECRET_ACCESS_KEY = f"q7Xr2vLk9PzT4mWn8Ys1{7!s}c6Df3Gh5Jk0Lm2Np4Qr"\n',
    'AWS_SECRET_ACCESS_KEY = ("q7Xr2vLk9P\\x7aT4mWn8Ys1"\n    "Bc6Df3Gh5Jk0Lm2Np4Qr")\n',
])
def test_each_way_of_folding_a_key_from_a_template_gets_the_file_analyzed(code, tmp_path):
    """Alone on its line, each form passes CL202's triggers and is reported."""
    from conftest import lint_file

    assert "CL202" in {r.id for r, _ in rules_that_may_match(code.encode(), LINTER.plan("python"))}, code
    assert [f.rule_id for f in lint_file(str(tmp_path / "settings.py"), code.encode(), tmp_path).findings] == \
        ["CL202"], code


@pytest.mark.parametrize("code", [
    'credentials_url = f"https://docs.example.com/en/{version}/howto/"\n',
    'raise SecretError("Error response received when retrieving"\n                  "credentials: %s." % reason)\n',
])
def test_text_that_cannot_fold_into_a_key_gets_no_parse(code):
    """A URL with a field named after a variable, a message wrapped over
    two lines, next to `secret`: characters no key has, or a field that
    folds into nothing literal. (The `%s` and `{}` forms are still found by
    the six characters before them: checking the whole literal from its
    opening quote cost 10x more on every string of a file.)"""
    assert "CL202" not in {r.id for r, _ in rules_that_may_match(code.encode(), LINTER.plan("python"))}, code


def test_a_key_run_is_forty_key_characters_standing_alone_that_could_be_a_key():
    key = b"q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"
    assert prefilter.key_runs(key, 40)  # the whole file
    assert prefilter.key_runs(b'secret = "' + key + b'"\n', 40)
    assert prefilter.key_runs(b"SECRET=" + key, 40)
    assert not prefilter.key_runs(b"x" + key, 40)  # part of a longer run
    assert not prefilter.key_runs(key[:39], 40)
    for not_a_key in (b"ListBucketInventoryConfigurationsRequest", b"40a89917e3175433e361b710a9d43528d7f1890a",
                      b"QWERTYUIOPASDFGHJKLZXCVBNM0123456789QWER"):
        assert not prefilter.key_runs(b"credentials: " + not_a_key + b";\n", 40), not_a_key
    # the first run fails, a later one counts
    assert prefilter.key_runs(b"ListBucketInventoryConfigurationsRequest " + key, 40)


def _key_run_clause(at_run: bool = True) -> Clause:
    return Clause(any=(b"secret",), regex=re.compile(rb"[:=][ ]?['\"][A-Za-z0-9/+]{40}['\"]"), key_run=40,
                  at_run=at_run)


def test_a_regex_at_run_clause_holds_where_its_regex_matches_at_a_run():
    """With regex-at-run, the regexes describe the run and its quotes: a
    quote-and-forty run elsewhere in the file that is no key (a hex digest)
    does not make the clause hold with a key run somewhere else."""
    key = b"q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"
    digest = b"40a89917e3175433e361b710a9d43528d7f1890a"
    clause = _key_run_clause()
    view = prefilter._FileView(b'secret = "' + key + b'"\n')
    assert view.satisfies(clause)
    apart = b'secret: "' + digest + b'"\n# see ' + key + b"\n"
    assert prefilter.key_runs(apart, 40)  # both conditions hold, each somewhere else
    assert not prefilter._FileView(apart).satisfies(clause)


def test_without_regex_at_run_a_key_run_clause_regex_matches_anywhere(tmp_path):
    """Found by review: a user rule whose regex names the label (`MINIO_SECRET...=`)
    and a key run: the regex is not next to the run, and must still count."""
    key = b"q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"
    apart = b'secret: "40a89917e3175433e361b710a9d43528d7f1890a"\n# see ' + key + b"\n"
    assert prefilter._FileView(apart).satisfies(_key_run_clause(at_run=False))
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "acme.yaml").write_text("""id: ACME101
name: minio-secret
severity: error
message: "MinIO secret key {masked}"
match:
  any:
    key-material:
      shapes: [secret-access-key]
      label: '(?i)minio_secret'
triggers:
  any:
    - key-run: 40
      regex: '(?i)minio_secret[a-z_]*\\s*[:=]'
docs:
  summary: A MinIO secret key
  what: A MinIO secret key in a file.
  why: It is a credential.
  use_instead: Read it from the environment.
  fix_safety: No fix.
  references: [CWE-798]
examples:
  invalid:
    - code: "export MINIO_SECRET_KEY=q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"
      filename: deploy.sh
      lines: [1]
  valid:
    - code: "export MINIO_SECRET_KEY=$MINIO_SECRET"
      filename: deploy.sh
""")
    ruleset = load_rules((str(rules),))
    result = lint_file(tmp_path / "deploy.sh", b"export MINIO_SECRET_KEY=" + key + b"\n", root=tmp_path,
                       ruleset=ruleset)
    assert "ACME101" in {f.rule_id for f in result.findings}, result


@pytest.mark.parametrize("name, code", [
    ("config.php", b"<?php\n$storage = ['s3_secret'=>'" + b"q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr" + b"'];\n"),
    ("notes.txt", b"s3_secret:\n" + b"q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr" + b"\n"),
    ("notes.txt", b"s3_secret =\n  '" + b"q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr" + b"'\n"),
])
def test_a_secret_after_an_arrow_or_on_the_next_line_gets_past_the_prefilter(tmp_path, name, code):
    """Found by review: `'name'=>'key'` and a value on the line after `name:`
    are assignments the text analyzer reads; the trigger took them only when
    a long base64 run elsewhere in the file happened to match its regex."""
    result = lint_file(tmp_path / name, code)
    assert "CL202" in {f.rule_id for f in result.findings}, result


def test_a_key_run_clause_with_many_runs_looks_at_the_whole_file():
    """Past MAX_RUNS runs, the regexes are searched over the file: a run
    beyond the kept positions is not missed."""
    runs = b" ".join(b"Ab" + b"%038d" % i for i in range(prefilter.MAX_RUNS + 3))
    key = b"q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"
    found = prefilter.key_runs(runs, 40)
    assert len(found) == prefilter.MAX_RUNS + 1 and found[-1] == prefilter.MANY_RUNS
    assert prefilter._FileView(runs + b'\nsecret = "' + key + b'"\n').satisfies(_key_run_clause())
    assert not prefilter._FileView(runs + b"\nsecret = none\n").satisfies(_key_run_clause())


@pytest.mark.parametrize("code", [
    b"const AWS = require('aws-sdk');\nconst creds = new AWS['Credentials'](KEY_ID, SECRET);\n",
    b'const AWS = require("aws-sdk");\nconst creds = new AWS["Credentials"](KEY_ID, SECRET);\n',
    b"const { S3 } = require ('..');\nnew S3({ accessKeyId: id });\n",
    b"const { S3 } = require ( '.' );\nnew S3({ accessKeyId: id });\n",
    b"import { S3 } from\n  '..';\nnew S3({ accessKeyId: id });\n",
])
def test_js_sdk_triggers_take_a_subscripted_class_and_any_usual_spacing(code):
    """Found by review: `AWS["Credentials"]` is the class, `require ('..')`
    and a line break after `from` name a module."""
    assert {"CL401", "CL402"} <= _js_rules(code), code



def test_the_scanner_finds_a_token_at_the_end_of_a_large_file_with_a_large_set():
    """RE2::Set reports nothing found when its automaton runs out of memory:
    a set as large as the scanner accepts, over 16 MB of bytes of every value,
    still finds the token planted at the end (and a larger set is not built:
    the scans take over)."""
    pytest.importorskip("re2")
    import random

    rng = random.Random(7)
    alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
    width = prefilter.MAX_SET_BYTES // prefilter.MAX_SET_TOKENS
    tokens = tuple(bytes(rng.choice(alphabet) for _ in range(width)) for _ in range(prefilter.MAX_SET_TOKENS))
    plan = [(_rule("T1", Clause(any=tokens)), "python")]
    scanner = prefilter._scanner(plan, prefilter._compile(plan).gate)
    assert scanner
    data = bytes(rng.getrandbits(8) for _ in range(1 << 16)) * 256  # 16 MB
    view = prefilter._FileView(data + tokens[-1])
    assert scanner.admits(view) and view.has(tokens[-1], False)
    assert not scanner.admits(prefilter._FileView(data[:1 << 20]))
    bigger = [(_rule("T1", Clause(any=tokens + (b"one-more-token",))), "python")]
    assert prefilter._scanner(bigger, prefilter._compile(bigger).gate) is None
