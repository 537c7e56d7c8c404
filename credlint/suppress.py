"""Inline suppressions: `credlint: ignore[CL101]` in a comment.

The directive names rules (ids or names, comma-separated) and applies to a
finding when it stands on one of the finding's lines, or alone on the line
above it (a comment that ends another statement is about that statement).
Any comment style works (`#`, `//`, `;`, `--`, `<!--`), so the same syntax
serves Python, YAML, INI, dotenv, Terraform and JavaScript; JSON has no
comments (use per-file-ignores, the allowlist or a baseline).

A bare `credlint: ignore` is refused, with a warning: a secrets scanner that
can be silenced wholesale by one comment is how a real key gets through
review. Name the rule you mean.
"""
import re
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Set, Tuple

from .model import Finding, Notice

MARKER = b"credlint:"
_DIRECTIVE = re.compile(r"(?:#|//|;|--|<!--|/\*)\s*credlint:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)


class Directive(NamedTuple):
    line: int
    rules: Tuple[str, ...]  # rule ids (resolved); empty for a bare ignore
    unknown: Tuple[str, ...]  # names that are no rule
    own_line: bool = True  # the comment stands alone on its line: it also covers the line below


def directives(lines: Sequence[str], resolve: Callable[[str], Optional[str]]) -> List[Directive]:
    out = []
    for number, text in enumerate(lines, 1):
        if "credlint:" not in text and "CREDLINT:" not in text.upper():
            continue
        m = _DIRECTIVE.search(text)
        if not m:
            continue
        names = [n.strip() for n in (m.group(1) or "").split(",") if n.strip()]
        ids, unknown = [], []
        for name in names:
            rule_id = resolve(name)
            (ids if rule_id else unknown).append(rule_id or name)
        own_line = not text[: m.start()].strip() or text[: m.start()].strip() in ("*", "{")
        out.append(Directive(number, tuple(ids), tuple(unknown), own_line))
    return out


def apply(findings: Sequence[Finding], found: Sequence[Directive], path: str,
          report_unused: bool = False) -> Tuple[List[Finding], List[Notice]]:
    """The findings no directive suppresses, and notices about directives
    (bare, naming unknown rules, or unused when asked)."""
    notices: List[Notice] = []
    by_line: Dict[int, Directive] = {d.line: d for d in found}
    used: Set[Tuple[int, str]] = set()
    kept = []
    for finding in findings:
        first, last = finding.span.line, finding.span.end_line
        if finding.region is not None:
            first, last = min(first, finding.region.line), max(last, finding.region.end_line)
        lines = range(first - 1, last + 1)
        hit = None
        for line in lines:
            directive = by_line.get(line)
            if directive is not None and line == first - 1 and not directive.own_line:
                continue  # `x = 1  # credlint: ignore[...]` is about x, not the next statement
            if directive is not None and finding.rule_id in directive.rules:
                hit = (line, finding.rule_id)
                break
        if hit is None:
            kept.append(finding)
        else:
            used.add(hit)
    for d in found:
        if not d.rules and not d.unknown:
            notices.append(Notice(path, "`credlint: ignore` without rules is not honoured: name them, "
                                        "e.g. `credlint: ignore[CL101]`", d.line, kind="suppression"))
        for name in d.unknown:
            notices.append(Notice(path, f"`credlint: ignore[{name}]`: no such rule", d.line, kind="suppression"))
        if report_unused:
            for rule_id in d.rules:
                if (d.line, rule_id) not in used:
                    notices.append(Notice(path, f"unused `credlint: ignore[{rule_id}]`", d.line,
                                          kind="unused-ignore"))
    return kept, notices
