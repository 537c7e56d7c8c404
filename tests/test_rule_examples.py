"""Every rule's own valid/invalid examples, run as tests (the way Fixit and
ruff keep examples next to their rules). Invalid examples must be reported on
exactly the lines they name, and must pass the prefilter."""
from __future__ import annotations

import pytest

from credlint import filetypes
from credlint.prefilter import rules_that_may_match
from credlint.ruleset import load_rules

RULES = load_rules().rules


def _cases(kind):
    for rule in RULES:
        examples = rule.examples_invalid if kind == "invalid" else rule.examples_valid
        for index, example in enumerate(examples):
            yield pytest.param(rule, example, id=f"{rule.id}-{kind}-{index + 1}-line{example.source_line}")


@pytest.mark.parametrize("rule,example", list(_cases("invalid")))
def test_invalid_example_is_reported_on_its_lines(rule, example, lint):
    findings = lint(example.code, filename=example.filename or "example.py", select=[rule.id])
    lines = sorted(f.span.line for f in findings if f.rule_id == rule.id)
    assert lines == sorted(example.lines), f"{rule.source}:{example.source_line}"


@pytest.mark.parametrize("rule,example", list(_cases("valid")))
def test_valid_example_is_not_reported(rule, example, lint):
    findings = lint(example.code, filename=example.filename or "example.py", select=[rule.id])
    assert [f for f in findings if f.rule_id == rule.id] == [], f"{rule.source}:{example.source_line}"


@pytest.mark.parametrize("rule,example", list(_cases("invalid")))
def test_prefilter_keeps_every_invalid_example(rule, example):
    data = example.code.encode("utf-8")
    file_type = filetypes.detect(example.filename or "example.py", data)
    block = file_type if file_type in rule.match else "any"
    assert rules_that_may_match(data, [(rule, block)]), (
        f"{rule.source}:{example.source_line}: the rule's triggers would skip this example"
    )


def test_every_rule_has_examples_of_both_kinds():
    for rule in RULES:
        assert rule.examples_invalid and rule.examples_valid, rule.id


def test_every_rule_is_documented_under_the_standard_headings():
    for rule in RULES:
        d = rule.docs
        assert d.summary and d.what and d.why and d.use_instead and d.fix_safety and d.references, rule.id
