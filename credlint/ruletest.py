"""A rule's own examples, run the one way that `credlint rules --validate`
and the test suite share.

For each invalid example: the rule reports exactly the lines it names; the
prefilter lets the example through (or the rule would never run on it); and
when the rule offers a fix there, `fixed:` is what `--fix --unsafe-fixes`
makes of it, byte for byte, and fixing that again changes nothing. For each
valid example: the rule reports nothing.
"""
from __future__ import annotations

import os

from typing import List, NamedTuple, Optional

from . import filetypes
from .api import Buffer, Request, run
from .model import Example, Rule
from .prefilter import rules_that_may_match
from .ruleset import RuleSet
from .settings import Overrides
from .workspace import Workspace

# Examples are linted as buffers under this directory; nothing is read from it.
ROOT = "/credlint-rule-examples"
BOTH = ("safe", "unsafe")


class Failure(NamedTuple):
    rule_id: str
    line: int  # where the example sits in its rule file
    message: str


def check_rule(rule: Rule, ruleset: RuleSet) -> List[Failure]:
    workspace = Workspace(Overrides(select=(rule.id,), cache=False), isolated=True, root=ROOT, ruleset=ruleset)
    failures: List[Failure] = []
    for example in rule.examples_invalid:
        failures += check_invalid(rule, example, workspace)
    for example in rule.examples_valid:
        failures += check_valid(rule, example, workspace)
    failures += check_docs_example(rule, workspace)
    return failures


def check_docs_example(rule: Rule, workspace: Workspace) -> List[Failure]:
    """The documented example (`docs: example:`, shown by `credlint explain`
    and the rule's page) must be one the rule reports, as a Python file or as
    any file its invalid examples name: an example of something else teaches
    the wrong thing (AWS's documented example keys are placeholders, not
    findings)."""
    example = rule.docs.example
    if not example or not example.strip():
        return []
    names = dict.fromkeys(["example.py"] + [e.filename for e in rule.examples_invalid if e.filename])
    for name in names:
        response = run(Request(buffer=Buffer(f"{ROOT}/{name}", example.encode("utf-8"))), workspace)
        if any(f.rule_id == rule.id for f in response.findings):
            return []
    return [Failure(rule.id, _docs_line(rule), f"{rule.id} docs example: the rule does not report it (as "
                                                f"{', '.join(names)}); use a fabricated key, not AWS's "
                                                "documented example keys, which are placeholders")]


def _docs_line(rule: Rule) -> int:
    try:
        with open(rule.source if os.path.isabs(rule.source) else os.path.join(ROOT, rule.source),
                  encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.startswith("  example:"):
                    return number
    except OSError:
        pass
    return 1


def _path(example: Example) -> str:
    return f"{ROOT}/{example.filename or 'example.py'}"


def check_invalid(rule: Rule, example: Example, workspace: Workspace) -> List[Failure]:
    def fail(message: str) -> Failure:
        return Failure(rule.id, example.source_line, f"{rule.id} invalid example: {message}")

    path, data = _path(example), example.code.encode("utf-8")
    response = run(Request(buffer=Buffer(path, data)), workspace)
    findings = [f for f in response.findings if f.rule_id == rule.id]
    out = [fail(n.message) for n in response.notices if n.kind == "internal"]
    lines = sorted(f.span.line for f in findings)
    if lines != sorted(example.lines):
        out.append(fail(f"expected findings on lines {sorted(example.lines)}, got {lines}"))
    if not _passes_prefilter(rule, example, workspace):
        out.append(fail("the rule's triggers would skip this example: the prefilter rejects it"))
    for finding in findings:
        unfilled = unfilled_fields(rule.message, finding.message)
        if unfilled:
            out.append(fail(f"line {finding.span.line}: the message leaves {', '.join('{' + f + '}' for f in unfilled)}"
                            " unfilled: the analyzer of this file type does not provide it"))
    fixable = any(f.fix_plan is not None for f in findings)
    if example.fixed is None:
        if fixable:
            out.append(fail("the rule offers a fix here: add `fixed:` with the source after the fix"))
        return out
    fixed = run(Request(buffer=Buffer(path, data), fix=BOTH), workspace).files[0]
    after = (fixed.fixed if fixed.fixed is not None else data).decode("utf-8", "replace")
    if after != example.fixed:
        out.append(fail("`fixed:` differs from what --fix --unsafe-fixes makes of the example:\n"
                        + _diff(example.fixed, after)))
        return out
    again = run(Request(buffer=Buffer(path, after.encode("utf-8")), fix=BOTH), workspace).files[0]
    if again.fixed is not None:
        out.append(fail("fixing the fixed example changes it again: the fix is not idempotent"))
    return out


def check_valid(rule: Rule, example: Example, workspace: Workspace) -> List[Failure]:
    response = run(Request(buffer=Buffer(_path(example), example.code.encode("utf-8"))), workspace)
    lines = sorted(f.span.line for f in response.findings if f.rule_id == rule.id)
    out = [Failure(rule.id, example.source_line, f"{rule.id} valid example: {n.message}")
           for n in response.notices if n.kind == "internal"]
    if lines:
        out.append(Failure(rule.id, example.source_line, f"{rule.id} valid example: expected no findings, "
                                                          f"got lines {lines}"))
    return out


def unfilled_fields(template: str, message: str) -> List[str]:
    """The template's `{field}`s still in the message as they were written."""
    import string

    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return sorted(name for name in fields if "{" + name + "}" in message)


def _passes_prefilter(rule: Rule, example: Example, workspace: Workspace) -> bool:
    data = example.code.encode("utf-8")
    path = _path(example)
    plan = [(r, block) for r, block in workspace.project_for(path).linter.plan(filetypes.detect(path, data[:512]))
            if r.id == rule.id]
    return bool(plan) and bool(rules_that_may_match(data, plan))


def _diff(expected: str, got: str) -> str:
    import difflib

    lines = difflib.unified_diff(expected.splitlines(keepends=True), got.splitlines(keepends=True),
                                 fromfile="fixed (expected)", tofile="fixed (got)")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines).rstrip("\n")


def find(ruleset: RuleSet, source: str) -> List[Rule]:
    """The rules loaded from one rule file."""
    return [r for r in ruleset.rules if r.source == source]


def example_of(rule: Rule, line: int) -> Optional[Example]:
    for example in rule.examples_invalid + rule.examples_valid:
        if example.source_line == line:
            return example
    return None
