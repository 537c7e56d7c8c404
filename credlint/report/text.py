"""The default human format: `path:line:col: ID [name] message`, a code frame,
and a summary."""
from __future__ import annotations

from typing import List

from ..model import FileResult, Finding
from ..paths import display

MAX_FRAME_WIDTH = 160
_COLORS = {"error": "31", "warning": "33", "info": "34", "bold": "1", "dim": "2", "cyan": "36", "green": "32"}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled:
            return text
        return f"\033[{_COLORS[style]}m{text}\033[0m"


def render(results: List[FileResult], ctx) -> str:
    paint = _Paint(ctx.color)
    out: List[str] = []
    findings = sorted((f for r in results for f in r.findings), key=lambda f: f.sort_key)
    for finding in findings:
        out.append(_headline(finding, paint) + _account(finding, ctx) + _liveness(finding, paint))
        if ctx.show_source and finding.snippet:
            out.extend(_frame(finding, paint))
        hint = _fix_hint(finding, ctx) if not ctx.quiet else ""
        if hint:
            out.append(hint)
        if ctx.show_source:
            out.append("")
    if not ctx.quiet:
        out.append(summary(results, ctx, paint))
    return "\n".join(out) + "\n" if out else ""


def _headline(f: Finding, paint: _Paint) -> str:
    where = paint(f"{display(f.path)}:{f.span.line}:{f.span.column}:", "bold")
    rule = paint(f.rule_id, f.severity)
    return f"{where} {rule} {paint('[' + f.rule_name + ']', 'dim')} {f.message}"


def _account(f: Finding, ctx) -> str:
    """`--show-account`: whose key it is, without calling AWS."""
    if not getattr(ctx, "show_account", False) or not f.account:
        return ""
    if f.account == "old-format":
        return " (account: not encoded, a key id issued before 2019)"
    return f" (account {f.account})"


def _liveness(f: Finding, paint: _Paint) -> str:
    """`--verify`: what AWS STS said of the key."""
    if not f.liveness:
        return ""
    if f.liveness == "rejected":
        return " " + paint("[rejected by AWS]", "green")
    if f.liveness.startswith("unknown: "):
        return " " + paint(f"[liveness unknown: {f.liveness[len('unknown: '):]}]", "dim")
    return " " + paint(f"[{f.liveness}]", "error")


def _frame(f: Finding, paint: _Paint) -> List[str]:
    width = len(str(f.span.line + len(f.snippet) - 1))
    gutter = " " * width + " |"
    lines = [paint(gutter, "dim")]
    for offset, raw in enumerate(f.snippet):
        number = f.span.line + offset
        text = raw.replace("\t", " ")
        start = f.span.column - 1 if offset == 0 else len(text) - len(text.lstrip())
        end = f.span.end_column - 1 if number == f.span.end_line else len(text)
        shift = 0
        if len(text) > MAX_FRAME_WIDTH:  # minified or generated lines: show the part that matters
            shift = max(0, min(start - 20, len(text) - MAX_FRAME_WIDTH))
            text = ("..." if shift else "") + text[shift:shift + MAX_FRAME_WIDTH] + "..."
            start, end = start - shift + (3 if shift else 0), min(end - shift + (3 if shift else 0), len(text))
        lines.append(f"{paint(str(number).rjust(width) + ' |', 'dim')} {text}")
        if end > start:
            lines.append(f"{paint(gutter, 'dim')} {' ' * start}{paint('^' * (end - start), f.severity)}")
    return lines


def _fix_hint(f: Finding, ctx) -> str:
    plan = f.fix or f.fix_plan
    if plan is None:
        return ""
    flag = "--fix" if plan.applicability == "safe" else "--fix --unsafe-fixes"
    return f"  = fix ({plan.applicability}): {plan.title} [{flag}]"


def summary(results: List[FileResult], ctx, paint=None) -> str:
    paint = paint or _Paint(False)
    findings = [f for r in results for f in r.findings]
    failed = sum(1 for r in results if any(n.level == "error" for n in r.notices))
    files = len(results) - failed
    fixed = sum(ctx.fixed.values())
    lines = []
    if fixed:
        lines.append(paint(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.", "green"))
    if not findings:
        if files or not failed:
            lines.append(paint(f"No problems found in {files} file{'s' if files != 1 else ''}.", "green"))
    else:
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        parts = [f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
        with_findings = sum(1 for r in results if r.findings)
        lines.append(paint(
            f"Found {len(findings)} problem{'s' if len(findings) != 1 else ''} ({', '.join(parts)}) "
            f"in {with_findings} of {files} file{'s' if files != 1 else ''}.", "bold"))
        safe = sum(1 for f in findings if (f.fix or f.fix_plan) and (f.fix or f.fix_plan).applicability == "safe")
        unsafe = sum(1 for f in findings if (f.fix or f.fix_plan) and (f.fix or f.fix_plan).applicability == "unsafe")
        if safe and unsafe:
            lines.append(f"[*] {safe} fixable with --fix ({unsafe} more with --fix --unsafe-fixes).")
        elif safe:
            lines.append(f"[*] {safe} fixable with --fix.")
        elif unsafe:
            lines.append(f"[*] {unsafe} fixable with --fix --unsafe-fixes.")
    if failed:  # the run is incomplete: say so beside whatever it found
        lines.append(paint(f"{failed} path{'s' if failed != 1 else ''} could not be checked (see the errors).",
                           "error"))
    return "\n".join(lines)


def statistics(results: List[FileResult], ctx) -> str:
    """`--statistics`: one line per rule with findings, most frequent first,
    as ruff prints it: count, rule id, `[*]` when some are fixable, name."""
    import json

    rows: dict = {}
    for f in (f for r in results for f in r.findings):
        row = rows.setdefault(f.rule_id, {"rule": f.rule_id, "name": f.rule_name, "count": 0, "fixable": 0})
        row["count"] += 1
        row["fixable"] += bool(f.fix or f.fix_plan)
    ordered = sorted(rows.values(), key=lambda r: (-r["count"], r["rule"]))
    if getattr(ctx, "format", "text") == "json":
        return json.dumps(ordered, indent=2) + "\n"
    width = max((len(str(r["count"])) for r in ordered), default=1)
    return "".join(f"{r['count']:>{width}}\t{r['rule']}\t{'[*] ' if r['fixable'] else ''}{r['name']}\n"
                   for r in ordered)
