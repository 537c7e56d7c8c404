"""A rule's documentation as Markdown, the same headings as ruff's docs, for
`credlint explain` and docs/rules/."""
from __future__ import annotations

from typing import List

from .model import Rule


def render_rule(rule: Rule) -> str:
    d = rule.docs
    out: List[str] = [f"# {rule.id} {rule.name}", "", f"{d.summary}.", ""]
    fix = rule.fix.get("python") if rule.fix else None
    out.append(f"Severity: {rule.severity}. File types: {', '.join(sorted(rule.match))}. "
               f"Fix: {fix['applicability'] if fix else 'none'}.")
    out.append("")
    sections = [
        ("What it does", d.what),
        ("Why is this bad?", d.why),
        ("Example", _code(d.example)),
        ("Use instead", d.use_instead),
        ("Fix safety", d.fix_safety),
    ]
    for title, body in sections:
        if body and body.strip():
            out += [f"## {title}", "", body.strip(), ""]
    if d.references:
        out += ["## References", ""] + [f"- {ref}" for ref in d.references] + [""]
    return "\n".join(out)


def _code(text: str) -> str:
    return f"```python\n{text.rstrip()}\n```" if text.strip() else ""
