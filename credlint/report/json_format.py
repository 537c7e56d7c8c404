"""`--format json`: a JSON array of findings, one object each."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ..model import FileResult, Finding, Fix
from ..paths import display, raw_base64


def fix_to_dict(fix: Optional[Fix]) -> Optional[Dict[str, Any]]:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "title": fix.title,
        "edits": [
            {
                "line": e.span.line,
                "column": e.span.column,
                "end_line": e.span.end_line,
                "end_column": e.span.end_column,
                "content": e.content,
            }
            for e in fix.edits
        ],
    }


def finding_to_dict(finding: Finding) -> Dict[str, Any]:
    out = {
        "rule": finding.rule_id,
        "name": finding.rule_name,
        "severity": finding.severity,
        "path": display(finding.path),
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "message": finding.message,
        "fix": fix_to_dict(finding.fix),
        "fingerprint": finding.fingerprint,
    }
    if finding.account:  # the AWS account an access key id belongs to (decoded offline)
        out["account"] = finding.account
    if finding.liveness:  # --verify: what AWS STS said of the key ("live: <ARN>", "rejected", "unknown: ...")
        out["liveness"] = finding.liveness
    exact = raw_base64(finding.path)
    if exact is not None:  # a name that is not UTF-8: its bytes, exactly
        out["path_bytes"] = exact
    return out


def render(results: List[FileResult], ctx) -> str:
    findings = sorted((f for r in results for f in r.findings), key=lambda f: f.sort_key)
    return json.dumps([finding_to_dict(f) for f in findings], indent=2, ensure_ascii=False) + "\n"
