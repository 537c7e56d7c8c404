"""The values that flow between credlint's stages.

Everything here is a frozen dataclass so that results can be cached, sent
between worker processes and compared in tests without surprises. A finding
never holds a raw secret: only its mask, its hash and the span where it sits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Tuple

SEVERITIES = ("error", "warning", "info")
APPLICABILITIES = ("safe", "unsafe")


@dataclass(frozen=True)
class Span:
    """A 1-based, end-exclusive range; columns count characters (code points)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text in `span` by `content`."""

    span: Span
    content: str


@dataclass(frozen=True)
class Fix:
    applicability: str  # "safe" | "unsafe"
    title: str
    edits: Tuple[Edit, ...] = ()


@dataclass(frozen=True)
class FixPlan:
    """What the analyzer knows about a fix before any edit is computed.

    Detection must stay cheap (no libcst import), so the analyzer records the
    operation and its target; the fixer turns it into edits only when asked
    (--fix, --diff, machine formats, an editor's code action).
    """

    op: str  # "remove-arguments" | "remove-statement"
    applicability: str
    title: str
    target: Span  # the call (or statement) to rewrite
    arguments: Tuple[str, ...] = ()  # keyword names / inline dict keys to drop
    splats: Tuple[str, ...] = ()  # names of `**name` arguments to drop whole


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rule_name: str
    severity: str
    path: str
    span: Span
    message: str
    fingerprint: str
    snippet: Tuple[str, ...] = ()  # redacted source lines, for code frames
    fix_plan: Optional[FixPlan] = None
    fix: Optional[Fix] = None

    @property
    def sort_key(self) -> Tuple[Any, ...]:
        return (self.path, self.span.line, self.span.column, self.rule_id)


@dataclass(frozen=True)
class Notice:
    """Something the user should know that is not a finding: a file that could
    not be parsed, a skipped binary, a fix that was refused."""

    path: str
    message: str
    line: int = 0
    level: str = "warning"  # "warning" | "error" (errors make the run exit 2)


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: Tuple[Finding, ...] = ()
    notices: Tuple[Notice, ...] = ()
    file_type: str = ""
    skipped: bool = False  # not analyzed at all (binary, too large, excluded)


@dataclass(frozen=True)
class Example:
    code: str
    lines: Tuple[int, ...] = ()
    filename: str = ""
    fixed: Optional[str] = None  # expected source after `--fix --unsafe-fixes`
    source_line: int = 0  # where the example sits in its rule file


@dataclass(frozen=True)
class Docs:
    summary: str
    what: str
    why: str
    example: str = ""
    use_instead: str = ""
    fix_safety: str = ""
    references: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str
    message: str
    docs: Docs
    match: Mapping[str, Mapping[str, Any]]  # file type -> {match kind: compiled options}
    fix: Mapping[str, Any] = field(default_factory=dict)  # file type -> fix options
    triggers: Mapping[str, Tuple[Any, ...]] = field(default_factory=dict)  # block -> prefilter.Clauses; () runs always
    supersedes: Tuple[str, ...] = ()
    examples_valid: Tuple[Example, ...] = ()
    examples_invalid: Tuple[Example, ...] = ()
    source: str = ""  # the YAML file it came from
    tags: Tuple[str, ...] = ()

    @property
    def fixable(self) -> bool:
        return bool(self.fix)

    def names(self) -> Tuple[str, str]:
        return (self.id, self.name)
