"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other consumers.

One run; `tool.driver.rules` describes every known rule (help, CWE tags,
GitHub's `security-severity`), results point at files relative to
`%SRCROOT%` (the project root), carry a line-independent fingerprint and,
when the engine computed one, the fix as SARIF replacements. Notices (files
that could not be parsed or were skipped) become tool execution
notifications.

Findings are redacted before they get here. Rule documentation is not a
finding: its examples quote key-shaped strings, so every text taken from a
rule's docs is passed through `_mask_keys` first, otherwise a SARIF file
uploaded to code scanning (or committed) would carry keys that secret
scanners, credlint included, report.
"""
from __future__ import annotations

import json
import os
import pathlib
import re
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import quote

from ..model import FileResult, Finding, Fix, Notice, Rule, Span, Suppressed
from ..redaction import mask
from .github import relative_path

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/credlint/credlint"
RULE_DOC_URI = "https://github.com/credlint/credlint/blob/main/docs/rules/{id}.md"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "credlintFingerprint/v1"

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# GitHub code scanning shows "security-severity" (0.0-10.0) as critical (>= 9.0),
# high (7.0-8.9), medium (4.0-6.9) or low. GitHub documents it, and CodeQL writes
# it, as a string holding the number.
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
# How often a rule's findings are right (GitHub shows it; CodeQL's scale). An
# error is a key with its full shape past the placeholder policy; a warning is
# a credential passed explicitly, true by construction but sometimes intended.
PRECISION = {"error": "very-high", "warning": "high", "info": "medium"}


def render(results: List[FileResult], ctx) -> str:
    return json.dumps(build_log(results, ctx), indent=2, ensure_ascii=False) + "\n"


def build_log(results: List[FileResult], ctx) -> Dict[str, Any]:
    root = os.path.abspath(ctx.root or ".")
    rules, index = _rule_descriptors(results, ctx.rules)
    findings = sorted((f for r in results for f in r.findings), key=lambda f: f.sort_key)
    suppressed = sorted((s for r in results for s in r.suppressed), key=lambda s: s.finding.sort_key)
    notices = [n for r in results for n in r.notices]
    driver: Dict[str, Any] = {
        "name": "credlint",
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    if ctx.tool_version:
        driver["version"] = ctx.tool_version
        driver["semanticVersion"] = ctx.tool_version
    run: Dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [{
            "executionSuccessful": not any(n.level == "error" for n in notices),
            "toolExecutionNotifications": [_notification(n, root) for n in notices],
        }],
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(root)}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule_id], root) for f in findings]
        + [_suppressed(s, index[s.finding.rule_id], root) for s in suppressed],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


# -- rules -------------------------------------------------------------------------


def _rule_descriptors(results: List[FileResult], known: Dict[str, Rule]) -> Tuple[List[Dict[str, Any]], Dict[str, int]]:
    """Every known rule, sorted by id, and the index of each (results refer to
    it by `ruleIndex`). A finding of a rule the context does not know (a caller
    that passed no rules) still gets a minimal descriptor, so every index is valid."""
    descriptors: List[Dict[str, Any]] = [_rule(known[rule_id]) for rule_id in sorted(known)]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    every = [f for r in results for f in r.findings] + [s.finding for r in results for s in r.suppressed]
    for finding in sorted(every, key=lambda f: f.rule_id):
        if finding.rule_id not in index:
            index[finding.rule_id] = len(descriptors)
            descriptors.append({
                "id": finding.rule_id,
                "name": finding.rule_name,
                "defaultConfiguration": {"level": LEVELS.get(finding.severity, "warning")},
                "properties": {"tags": ["security"],
                               "security-severity": SECURITY_SEVERITY.get(finding.severity, "5.0")},
            })
    return descriptors, index


def _rule(rule: Rule) -> Dict[str, Any]:
    from ..explain import render_rule

    docs = rule.docs
    tags = list(dict.fromkeys(tuple(rule.tags) + ("security",)))
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _mask_keys(docs.summary)},
        "fullDescription": {"text": _mask_keys(" ".join(docs.what.split()))},
        "help": {"text": _mask_keys(_help_text(rule)), "markdown": _mask_keys(render_rule(rule))},
        "helpUri": RULE_DOC_URI.format(id=quote(rule.id)),
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {
            "tags": tags,
            "precision": PRECISION.get(rule.severity, "medium"),
            "security-severity": SECURITY_SEVERITY.get(rule.severity, "5.0"),
        },
    }


def _help_text(rule: Rule) -> str:
    docs = rule.docs
    parts = [f"{rule.id} {rule.name}: {docs.summary.rstrip('.')}."]
    for title, body in (("", docs.what), ("Why is this bad? ", docs.why), ("Fix safety: ", docs.fix_safety)):
        if body and body.strip():
            parts.append(title + " ".join(body.split()))
    return "\n\n".join(parts)


# Key-shaped text in documentation: an access key id, or a run of 40 or more
# characters of the secret-key alphabet with upper case, lower case and digits
# (a secret key, a session token). Bounded, so that a URL path
# (`com/v1/documentation/api/latest/guide`) is not mistaken for one.
_KEY_ID = re.compile(r"(?<![A-Za-z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])")
_KEY_MATERIAL = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40,}")


def _is_key(text: str) -> bool:
    if "EXAMPLE" in text:  # AWS's documented example keys; the docs explain they are placeholders
        return False
    if _KEY_ID.fullmatch(text):
        return len(set(text[4:])) > 2  # not a placeholder such as AKIAXXXXXXXXXXXXXXXX
    return any(c.isupper() for c in text) and any(c.islower() for c in text) and any(c.isdigit() for c in text)


def _mask_keys(text: str) -> str:
    text = _KEY_ID.sub(lambda m: mask(m.group(0)) if _is_key(m.group(0)) else m.group(0), text)
    return _KEY_MATERIAL.sub(lambda m: mask(m.group(0)) if _is_key(m.group(0)) else m.group(0), text)


def _has_key(text: str) -> bool:
    return _mask_keys(text) != text


# -- results -----------------------------------------------------------------------


def _result(finding: Finding, rule_index: int, root: str) -> Dict[str, Any]:
    result: Dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact_location(finding.path, root),
            "region": _region(finding.span),
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    properties = {"account": finding.account, "liveness": finding.liveness}  # liveness: --verify
    if any(properties.values()):
        result["properties"] = {k: v for k, v in properties.items() if v}
    fix = _fix(finding.fix, finding.path, root)
    if fix is not None:
        result["fixes"] = [fix]
    return result


def _suppressed(item: Suppressed, rule_index: int, root: str) -> Dict[str, Any]:
    """A finding silenced by a comment (`inSource`) or the baseline
    (`external`): code scanning shows it as dismissed instead of losing it."""
    result = _result(item.finding, rule_index, root)
    result["suppressions"] = [{"kind": item.kind, "status": "accepted", "justification": item.justification}]
    return result


def _region(span: Span) -> Dict[str, int]:
    # credlint spans and SARIF regions agree: 1-based, end column exclusive.
    return {"startLine": span.line, "startColumn": span.column,
            "endLine": span.end_line, "endColumn": span.end_column}


def _fix(fix: Optional[Fix], path: str, root: str) -> Optional[Dict[str, Any]]:
    if fix is None or not fix.edits:
        return None  # SARIF requires at least one replacement
    if any(_has_key(edit.content) for edit in fix.edits):
        # Fixes remove credentials and never write one; if an edit ever carried
        # key-shaped text, drop the fix rather than print what may be a secret.
        return None
    return {
        "description": {"text": f"{fix.title} ({fix.applicability} fix)"},
        "artifactChanges": [{
            "artifactLocation": _artifact_location(path, root),
            "replacements": [
                {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.content}}
                for edit in fix.edits
            ],
        }],
        "properties": {"applicability": fix.applicability},
    }


def _notification(notice: Notice, root: str) -> Dict[str, Any]:
    notification: Dict[str, Any] = {
        "level": LEVELS.get(notice.level, "warning"),
        "message": {"text": f"{relative_path(notice.path, root)}: {notice.message}" if notice.path else notice.message},
    }
    if notice.path:
        physical: Dict[str, Any] = {"artifactLocation": _artifact_location(notice.path, root)}
        if notice.line > 0:
            physical["region"] = {"startLine": notice.line}
        notification["locations"] = [{"physicalLocation": physical}]
    return notification


# -- paths -------------------------------------------------------------------------


def _artifact_location(path: str, root: str) -> Dict[str, str]:
    """A URI relative to %SRCROOT% (forward slashes, percent-encoded), or an
    absolute file URI for a file outside the root."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        relative = ""
    relative = relative.replace(os.sep, "/")
    if not relative or relative == ".." or relative.startswith("../") or os.path.isabs(relative):
        return {"uri": "file://" + quote(os.fsencode(absolute.replace(os.sep, "/")), safe="/")}
    return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": SRCROOT}  # the name's bytes, exactly


def _directory_uri(root: str) -> str:
    uri = pathlib.Path(root).as_uri()
    return uri if uri.endswith("/") else uri + "/"
