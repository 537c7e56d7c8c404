"""`--format junit`: JUnit XML for CI test report views (GitLab, Jenkins,
Azure), in ruff's shape: a testsuite per linted file and a testcase per
finding, so a CI view lists each finding as a failed test.

- a finding: a testcase named by its rule id (classname the file, with
  `line` and `column`), holding a <failure> (type = rule id);
- a file without findings: one passing testcase, "no credentials";
- a notice with level "error" (the file could not be checked): a testcase
  "credlint" holding an <error>;
- a file credlint skipped (binary, too large): a testcase with <skipped>.
Counts are per testcase, in each suite and summed on <testsuites>.
"""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from typing import List

from ..model import FileResult, Finding
from .github import relative_path

# Characters XML 1.0 cannot hold even escaped (control characters in a file name).
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def render(results: List[FileResult], ctx) -> str:
    suites = ET.Element("testsuites", name="credlint")
    root = os.path.abspath(ctx.root or ".")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result, display in sorted(((r, relative_path(r.path, root)) for r in results), key=lambda pair: pair[1]):
        path = _clean(display)
        suite = ET.SubElement(suites, "testsuite", name=path, file=path)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for notice in (n for n in result.notices if n.level == "error"):
            case = ET.SubElement(suite, "testcase", name="credlint", classname=path, file=path)
            where = f"{display}:{notice.line}" if notice.line else display
            error = ET.SubElement(case, "error", type="credlint.notice", message=_clean(notice.message))
            error.text = _clean(f"{where}: {notice.message}")
            counts["tests"] += 1
            counts["errors"] += 1
        for finding in sorted(result.findings, key=lambda f: f.sort_key):
            case = ET.SubElement(suite, "testcase", name=finding.rule_id, classname=path, file=path,
                                 line=str(finding.span.line), column=str(finding.span.column))
            failure = ET.SubElement(case, "failure", type=finding.rule_id, message=_clean(_headline(finding)))
            failure.text = _clean(f"{display}:{finding.span.line}:{finding.span.column}: {_headline(finding)}")
            counts["tests"] += 1
            counts["failures"] += 1
        if not counts["tests"]:
            case = ET.SubElement(suite, "testcase", name="no credentials", classname=path, file=path)
            if result.skipped:
                reason = "; ".join(n.message for n in result.notices) or "not analyzed"
                ET.SubElement(case, "skipped", message=_clean(reason))
                counts["skipped"] += 1
            counts["tests"] += 1
        for name, value in counts.items():
            suite.set(name, str(value))
            totals[name] += value
    for name, value in totals.items():
        suites.set(name, str(value))
    if ctx.tool_version:
        suites.set("version", ctx.tool_version)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _headline(f: Finding) -> str:
    return f"{f.rule_id} [{f.rule_name}] {f.message}"
