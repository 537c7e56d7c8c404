"""Inline suppressions, in the forms users bring from other tools.

| written | applies to | rules |
| --- | --- | --- |
| `credlint: ignore[CL101, hardcoded-credentials-in-sdk-call, CL2]` | the finding's lines, or alone on the line above | those named (ids, names, id prefixes; any case) |
| `noqa: CL101` (ruff, flake8) | the finding's lines | those named; other tools' codes are theirs |
| `pragma: allowlist secret` (detect-secrets) | its line | every rule |
| `pragma: allowlist nextline secret` (detect-secrets) | the line below | every rule |
| `gitleaks:allow` | its line | every rule |

"The finding's lines" are the lines of the finding and of the statement it
sits in (a directive anywhere in a multi-line call applies). A directive
that ends another statement (`x = 1  # credlint: ignore[CL101]`) is about
that statement, never the one below. Any comment style works (`#`, `//`,
`;`, `--`, `<!--`, `/*`).

A bare `credlint: ignore` is refused with a warning, and a bare `# noqa` or
`# nosec` on a finding's line gets a notice saying which form credlint
honours: a secrets scanner silenced wholesale by one comment is how a real
key gets through review. Name the rule, or say the line holds an allowed
secret (the detect-secrets and gitleaks forms, which are explicit about it).

Suppressed findings are not dropped: they travel with the result, so SARIF
can show them as dismissed (`suppressions`, kind `inSource`).
"""
import re
from typing import Callable, Dict, List, NamedTuple, Sequence, Set, Tuple

from .model import Finding, Notice, Suppressed

# Files without any of these have no suppression comment: the engine skips the
# scan. Plain `in` checks, in the spellings people write (a case-insensitive
# regex over every file cost a millisecond a file); the directives themselves
# are then read in any case.
_OWN_TOKENS = (b"credlint:", b"CREDLINT:", b"Credlint:")
_MARKER_TOKENS = _OWN_TOKENS + (b"noqa", b"NOQA", b"NoQA", b"allowlist", b"ALLOWLIST", b"gitleaks:allow", b"nosec",
                                b"NOSEC")


def has_marker(data: bytes, own_only: bool = False) -> bool:
    """own_only: only credlint's own form, the one that has something to say
    (a bare or unknown-rule directive) in a file without findings; every
    `in` is a pass over the file, and most files have no finding."""
    return any(token in data for token in (_OWN_TOKENS if own_only else _MARKER_TOKENS))


_COMMENT = r"(?:#|//|;|--|<!--|/\*)"
_CREDLINT = re.compile(_COMMENT + r"\s*credlint:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)
_NOQA = re.compile(_COMMENT + r"\s*noqa\b(?::\s*([\w\-]+(?:[ \t]*,[ \t]*[\w\-]+)*))?", re.IGNORECASE)
_PRAGMA = re.compile(_COMMENT + r"\s*pragma:\s*allowlist(\s+nextline)?\s+secret\b", re.IGNORECASE)
_GITLEAKS = re.compile(_COMMENT + r"\s*gitleaks:allow\b", re.IGNORECASE)
_NOSEC = re.compile(_COMMENT + r"\s*nosec\b", re.IGNORECASE)

EVERY = ("*",)  # a directive for every rule


class Directive(NamedTuple):
    line: int  # where it is written
    rules: Tuple[str, ...]  # rule ids (resolved), EVERY, or empty for a bare one
    unknown: Tuple[str, ...]  # names that are no rule (credlint's own form only)
    own_line: bool = True  # alone on its line: it also covers the line below (credlint's form)
    form: str = "credlint: ignore"  # how it is written, for messages
    target: int = 0  # the only line it applies to (detect-secrets' nextline), 0: the usual lines


def directives(lines: Sequence[str], resolve: Callable[[str], Tuple[str, ...]]) -> List[Directive]:
    """`resolve(name)`: the rule ids a name or prefix means (empty: none)."""
    out = []
    for number, text in enumerate(lines, 1):
        lowered = text.lower()
        if "credlint:" in lowered:
            m = _CREDLINT.search(text)
            if m:
                names = [n.strip() for n in (m.group(1) or "").split(",") if n.strip()]
                ids, unknown = _resolved(names, resolve)
                own_line = not text[: m.start()].strip() or text[: m.start()].strip() in ("*", "{")
                out.append(Directive(number, ids, tuple(unknown), own_line,
                                     f"credlint: ignore[{m.group(1)}]" if m.group(1) else "credlint: ignore"))
        if "noqa" in lowered:
            m = _NOQA.search(text)
            if m:
                codes = [c.strip() for c in (m.group(1) or "").split(",") if c.strip()]
                ids, _ = _resolved(codes, resolve)  # E501 and friends belong to other linters
                if ids or not codes:
                    out.append(Directive(number, ids, (), False, f"noqa: {', '.join(ids)}" if ids else "noqa"))
        if "allowlist" in lowered:
            m = _PRAGMA.search(text)
            if m:
                nextline = bool(m.group(1))
                out.append(Directive(number, EVERY, (), False,
                                     "pragma: allowlist nextline secret" if nextline else "pragma: allowlist secret",
                                     number + 1 if nextline else number))
        if "gitleaks:allow" in lowered and _GITLEAKS.search(text):
            out.append(Directive(number, EVERY, (), False, "gitleaks:allow", number))
        if "nosec" in lowered and _NOSEC.search(text):
            out.append(Directive(number, (), (), False, "nosec"))
    return out


def _resolved(names: Sequence[str], resolve: Callable[[str], Tuple[str, ...]]) -> Tuple[Tuple[str, ...], List[str]]:
    ids: Dict[str, None] = {}
    unknown = []
    for name in names:
        found = resolve(name)
        if found:
            ids.update((i, None) for i in found)
        else:
            unknown.append(name)
    return tuple(ids), unknown


def apply(findings: Sequence[Finding], found: Sequence[Directive], path: str,
          report_unused: bool = False) -> Tuple[List[Finding], List[Suppressed], List[Notice]]:
    """The findings no directive suppresses, those suppressed (with the
    directive that did it), and notices about directives (bare, naming
    unknown rules, or unused when asked)."""
    notices: List[Notice] = []
    by_line: Dict[int, List[Directive]] = {}
    for d in found:
        by_line.setdefault(d.line, []).append(d)
    used: Set[Tuple[int, str, str]] = set()  # (line, form, rule)
    bare_hit: Set[Tuple[int, str]] = set()
    kept: List[Finding] = []
    suppressed: List[Suppressed] = []
    for finding in findings:
        first, last = finding.span.line, finding.span.end_line
        if finding.region is not None:
            first, last = min(first, finding.region.line), max(last, finding.region.end_line)
        hit = None
        for line in range(first - 1, last + 1):
            for directive in by_line.get(line, ()):
                if directive.target:
                    if not first <= directive.target <= last:
                        continue
                elif line == first - 1 and not (directive.own_line and directive.form.startswith("credlint")):
                    continue  # `x = 1  # credlint: ignore[...]` is about x, not the next statement
                if not directive.rules:
                    if first <= line <= last:
                        bare_hit.add((line, directive.form))
                    continue
                if directive.rules == EVERY or finding.rule_id in directive.rules:
                    hit = (line, directive)
                    break
            if hit is not None:
                break
        if hit is None:
            kept.append(finding)
        else:
            line, directive = hit
            used.add((line, directive.form, "*" if directive.rules == EVERY else finding.rule_id))
            suppressed.append(Suppressed(finding, "inSource", f"`{directive.form}` on line {line}"))
    for d in found:
        if d.form == "credlint: ignore":
            notices.append(Notice(path, "`credlint: ignore` without rules is not honoured: name them, "
                                        "e.g. `credlint: ignore[CL101]`", d.line, kind="suppression"))
        for name in d.unknown:
            notices.append(Notice(path, f"`credlint: ignore[{name}]`: no such rule", d.line, kind="suppression"))
        if (d.line, d.form) in bare_hit:
            notices.append(Notice(path, f"a bare `# {d.form}` does not silence credlint: name the rule "
                                        "(`# noqa: CL101`, `# credlint: ignore[CL101]`) or mark an allowed secret "
                                        "(`# pragma: allowlist secret`, `# gitleaks:allow`)", d.line,
                                  kind="suppression"))
        if report_unused:
            for rule_id in d.rules:
                if (d.line, d.form, rule_id) not in used:
                    what = d.form if rule_id == "*" else f"{d.form.split('[')[0].split(':')[0]}" \
                        f"{': ignore[' + rule_id + ']' if d.form.startswith('credlint') else ': ' + rule_id}"
                    notices.append(Notice(path, f"unused `{what}`", d.line, kind="unused-ignore"))
    return kept, suppressed, notices
