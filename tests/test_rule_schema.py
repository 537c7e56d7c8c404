"""The shipped JSON Schema describes the built-in rules, and the loader turns
broken rule files into `file:line: problem`, never a traceback."""
from __future__ import annotations

import json
from pathlib import Path
import textwrap

import jsonschema
import pytest

from credlint.rulefile import schema_path
from credlint.ruleset import RuleError, builtin_rules_dir, load_rules
from credlint.yamlsource import load

from conftest import run_cli, lint_file


def test_builtin_rules_validate_against_the_shipped_schema():
    schema = json.loads(Path(schema_path()).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(Path(builtin_rules_dir()).glob("CL*.yaml"))
    assert len(files) >= 5
    for path in files:
        doc = load(path.read_text(), str(path))
        errors = [e.message for e in validator.iter_errors(doc.data)]
        assert errors == [], path


VALID = """\
id: ACME001
name: acme-wrapper-hardcoded
severity: error
message: "Hardcoded keys passed to {callee}"
match:
  python:
    sdk-call:
      callees:
        - callees: [acme.aws.make_s3_client]
          credentials: {key_id: access-key-id, secret: secret-access-key}
      values: [secret-literal]
docs:
  summary: Keys passed to the ACME wrapper
  what: x
  why: x
  use_instead: x
  fix_safety: x
  references: [CWE-798]
examples:
  invalid:
    - code: |
        from acme.aws import make_s3_client
        s3 = make_s3_client(key_id="AKIA2E3MOIH4N6CFVEX7", secret="q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr")
      lines: [2]
  valid:
    - code: make_s3_client()
"""


def test_a_company_wrapper_is_a_yaml_edit(tmp_path):
    (tmp_path / "acme.yaml").write_text(VALID)
    ruleset = load_rules([str(tmp_path)])
    assert ruleset.get("ACME001") is ruleset.get("acme-wrapper-hardcoded")
    app = tmp_path / "app.py"
    app.write_text("from acme.aws import make_s3_client as mk\n\ns3 = mk(key_id='AKIA2E3MOIH4N6CFVEX7', secret='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')\n")
    result = lint_file(app, app.read_bytes(), tmp_path, ruleset, select=("ACME001",))
    assert [(f.rule_id, f.span.line) for f in result.findings] == [("ACME001", 3)]


@pytest.mark.parametrize(
    "mutation,line,words",
    [
        (("severity: error", "severity: critical"), 3, "severity"),
        (("      values: [secret-literal]", "      values: [secret-literals]"), 11, "values"),
        (("        - callees: [acme.aws.make_s3_client]\n", "        - calles: [acme.aws.make_s3_client]\n"), 9, "callees"),
        (("message: \"Hardcoded keys passed to {callee}\"\n", ""), 1, "message"),
        (("  python:\n", "  cobol:\n"), 6, "cobol"),
        (("      values: [secret-literal]", "      values: [secret-literal]\n      value: [expression]"), 12, "value"),
        (("    sdk-call:\n", "    sdk-call: [\n"), 9, "YAML"),
    ],
)
def test_broken_user_rule_is_reported_at_its_line(tmp_path, mutation, line, words):
    broken = VALID.replace(*mutation)
    assert broken != VALID
    path = tmp_path / "acme.yaml"
    path.write_text(broken)
    with pytest.raises(RuleError) as info:
        load_rules([str(tmp_path)])
    first = info.value.errors[0]
    assert first.file == str(path)
    assert first.line == line, str(info.value)
    assert words.lower() in str(info.value).lower()


def test_cli_exits_2_with_file_and_line_for_a_broken_rule(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(VALID.replace("severity: error", "severity: critical"))
    (tmp_path / "pyproject.toml").write_text(f"[tool.credlint]\nextra-rules = ['{rules.as_posix()}']\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    proc = run_cli("app.py", cwd=str(tmp_path))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert f"{rules / 'bad.yaml'}:3:" in err
    assert "Traceback" not in err


def test_rules_validate_reports_problems_and_runs_the_examples(tmp_path):
    good = tmp_path / "acme.yaml"
    good.write_text(VALID)
    proc = run_cli("rules", "--validate", str(good))
    assert proc.returncode == 0 and proc.stdout.decode().strip() == f"{good}: ok"

    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("severity: error", "severity: critical"))
    proc = run_cli("rules", "--validate", str(bad))
    assert proc.returncode == 1
    assert proc.stdout.decode().startswith(f"{bad}:3: severity: 'critical' is not one of")

    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(VALID.replace("      lines: [2]", "      lines: [1]"))
    proc = run_cli("rules", "--validate", str(wrong))
    assert proc.returncode == 1
    assert "ACME001 invalid example: expected findings on lines [1], got [2]" in proc.stdout.decode()


def test_generated_rule_docs_are_current(tmp_path):
    """docs/rules/ is what SARIF's helpUri points at: it must match the YAML."""
    from conftest import ROOT

    proc = run_cli("rules", "--write-docs", str(tmp_path))
    assert proc.returncode == 0
    committed = Path(ROOT) / "docs" / "rules"
    generated = sorted(p.name for p in tmp_path.iterdir())
    assert generated == sorted(p.name for p in committed.iterdir())
    for name in generated:
        assert (committed / name).read_text() == (tmp_path / name).read_text(), (
            f"docs/rules/{name} is stale: run `credlint rules --write-docs docs/rules`")


def test_rule_docs_show_only_placeholder_keys():
    """`credlint explain`, SARIF help and docs/rules print the docs: they must
    never carry anything the key policy takes for a real key."""
    from credlint.explain import render_rule

    import re

    ruleset = load_rules()
    policy = ruleset.library.policy()
    standalone = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{20,}(?![A-Za-z0-9/+=])")  # not a slice of a URL
    for rule in ruleset.rules:
        text = render_rule(rule)
        found = [t for t in standalone.findall(text) if policy.key_shape(t) and policy.is_secret(t)]
        assert found == [], f"{rule.id}'s docs show real-looking keys; use AWS's example keys"
