"""`--format junit`: JUnit XML for CI test report views (GitLab, Jenkins, Azure).

One testsuite, "credlint", with a testcase per linted file (classname and
name are the file's path relative to the project root). Each finding is a <failure> of its file's testcase
(type = rule id); a file without findings is a passing testcase; a notice
with level "error" is an <error>; a file credlint skipped (binary, too large)
is <skipped>. Counts follow JUnit's convention, per testcase: `tests` files,
`errors` files with an error, `failures` the other files with findings, so
passed = tests - failures - errors - skipped. The number of findings is in
the suite's properties.
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
    suite = ET.SubElement(suites, "testsuite", name="credlint")
    root = os.path.abspath(ctx.root or ".")
    tests = failures = errors = skipped = findings = 0
    for result, display in sorted(((r, relative_path(r.path, root)) for r in results), key=lambda pair: pair[1]):
        path = _clean(display)
        case = ET.SubElement(suite, "testcase", classname=path, name=path, file=path)
        tests += 1
        result_errors = [n for n in result.notices if n.level == "error"]
        for notice in result_errors:
            where = f"{display}:{notice.line}" if notice.line else display
            error = ET.SubElement(case, "error", type="credlint.notice", message=_clean(notice.message))
            error.text = _clean(f"{where}: {notice.message}")
        for finding in sorted(result.findings, key=lambda f: f.sort_key):
            failure = ET.SubElement(case, "failure", type=finding.rule_id, message=_clean(_headline(finding)))
            failure.text = _clean(f"{display}:{finding.span.line}:{finding.span.column}: {_headline(finding)}")
            findings += 1
        if result.skipped and not result.findings and not result_errors:
            reason = "; ".join(n.message for n in result.notices) or "not analyzed"
            ET.SubElement(case, "skipped", message=_clean(reason))
            skipped += 1
        if result_errors:
            errors += 1
        elif result.findings:
            failures += 1
    for name, value in (("tests", tests), ("failures", failures), ("errors", errors)):
        suites.set(name, str(value))
        suite.set(name, str(value))
    suite.set("skipped", str(skipped))
    properties = ET.Element("properties")
    ET.SubElement(properties, "property", name="findings", value=str(findings))
    if ctx.tool_version:
        ET.SubElement(properties, "property", name="credlint.version", value=ctx.tool_version)
    suite.insert(0, properties)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _headline(f: Finding) -> str:
    return f"{f.rule_id} [{f.rule_name}] {f.message}"
