"""Every rule's own valid/invalid examples, run as tests (the way Fixit and
ruff keep examples next to their rules), by the same runner that `credlint
rules --validate` uses (credlint/ruletest.py): invalid examples are reported
on exactly the lines they name, pass the prefilter, and match their `fixed:`
output when the rule offers a fix; valid examples are not reported."""
from __future__ import annotations

import pytest

from credlint import ruletest
from credlint.ruleset import load_rules
from credlint.settings import Overrides
from credlint.workspace import Workspace

RULESET = load_rules()


def _cases(kind):
    for rule in RULESET.rules:
        examples = rule.examples_invalid if kind == "invalid" else rule.examples_valid
        for index, example in enumerate(examples):
            yield pytest.param(rule, example, id=f"{rule.id}-{kind}-{index + 1}-line{example.source_line}")


def _workspace(rule):
    return Workspace(Overrides(select=(rule.id,), cache=False), isolated=True, root=ruletest.ROOT, ruleset=RULESET)


@pytest.mark.parametrize("rule,example", list(_cases("invalid")))
def test_invalid_example(rule, example):
    failures = ruletest.check_invalid(rule, example, _workspace(rule))
    assert not failures, f"{rule.source}:{example.source_line}: " + "\n".join(f.message for f in failures)


@pytest.mark.parametrize("rule,example", list(_cases("valid")))
def test_valid_example(rule, example):
    failures = ruletest.check_valid(rule, example, _workspace(rule))
    assert not failures, f"{rule.source}:{example.source_line}: " + "\n".join(f.message for f in failures)


def test_every_rule_has_examples_of_both_kinds():
    for rule in RULESET.rules:
        assert rule.examples_invalid and rule.examples_valid, rule.id


def test_every_rule_is_documented_under_the_standard_headings():
    for rule in RULESET.rules:
        d = rule.docs
        assert d.summary and d.what and d.why and d.use_instead and d.fix_safety and d.references, rule.id


def _unparsable(example):
    """The example as a file its parser rejects: the rules fall back to
    their text blocks (the mode a syntax error, a Python 2 file or a broken
    export gets)."""
    breaker = {"python": "\ndef (:\n", "javascript": "\nconst = ;\n", "json": "\n,,}\n"}
    from credlint import filetypes

    name = example.filename or "example.py"
    kind = filetypes.detect(name, example.code.encode()[:512])
    return name, example.code + breaker.get(kind, "\n")


@pytest.mark.parametrize("rule,example", list(_cases("invalid")))
def test_messages_are_filled_in_when_the_file_does_not_parse(rule, example, tmp_path):
    from credlint.api import Buffer, Request, run

    name, code = _unparsable(example)
    workspace = Workspace(Overrides(cache=False), isolated=True, root=str(tmp_path), ruleset=RULESET)
    response = run(Request(buffer=Buffer(str(tmp_path / name), code.encode())), workspace)
    for finding in response.findings:
        template = RULESET.get(finding.rule_id).message
        assert not ruletest.unfilled_fields(template, finding.message), finding.message
