"""The values that flow between credlint's stages.

Immutable NamedTuples: results can be cached, sent between worker processes
and compared in tests without surprises, and they cost a tenth of a frozen
dataclass to define (dataclasses alone add ~18 ms to start-up, which a
pre-commit run on clean files cannot afford). A finding never holds a raw
secret: only its mask, in the message, and fingerprints of it.
"""
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple, Optional, Tuple

from .redaction import redact_message

SEVERITIES = ("error", "warning", "info")
APPLICABILITIES = ("safe", "unsafe")
EMPTY: Mapping[str, Any] = MappingProxyType({})


class Span(NamedTuple):
    """A 1-based, end-exclusive range; columns count characters (code points)."""

    line: int
    column: int
    end_line: int
    end_column: int


class Edit(NamedTuple):
    """Replace the text in `span` by `content`."""

    span: Span
    content: str


class Fix(NamedTuple):
    applicability: str  # "safe" | "unsafe"
    title: str
    edits: Tuple[Edit, ...] = ()


class FixPlan(NamedTuple):
    """What the analyzer knows about a fix before any edit is computed.

    Detection stays cheap (no libcst import): the analyzer records the
    operation and its target, and the fixer turns it into edits only when
    asked (--fix, --diff, machine formats, an editor's code action).
    """

    op: str  # "remove-arguments" | "replace-arguments" | "remove-statement" (what the analyzer offers)
    applicability: str
    title: str
    target: Span  # the call (or statement) to rewrite
    arguments: Tuple[str, ...] = ()  # keyword names / inline dict keys to drop
    splats: Tuple[str, ...] = ()  # names of `**name` arguments to drop whole
    replacement: str = ""  # replace-arguments: the argument text that takes their place
    imports: Tuple[str, ...] = ()  # import statements the replacement needs


class Finding(NamedTuple):
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
    region: Optional[Span] = None  # the whole call or statement, where a suppression comment may stand
    # Which secret (or credential expression) this is, as a short one-way hash:
    # the same key found in two files or two commits has the same `key`.
    key: str = ""
    # The AWS account an access key id in the finding belongs to (decoded from
    # the id itself, keyid.py): 12 digits, "old-format" for ids that encode none.
    account: str = ""
    # `--verify` only (verify.py), set after linting and never cached: what AWS STS
    # said of the key pair: "live: <ARN>", "rejected", "unknown: <reason>"; "": not checked.
    liveness: str = ""

    @property
    def sort_key(self) -> Tuple[Any, ...]:
        return (self.path, self.span.line, self.span.column, self.rule_id)


# What a notice is about, so that exit codes and reporters never match its text.
NOTICE_KINDS = (
    "parse",  # the file could not be parsed (or decoded): it was scanned as text only
    "skipped",  # not linted on purpose: binary, over the size limit, not a regular file
    "unreadable",  # the OS refused it (permission, vanished, name too long): not scanned
    "missing",  # a path named on the command line does not exist
    "internal",  # credlint failed on this file: a bug to report
    "suppression",  # an inline ignore that is not honoured as written
    "unused-ignore",  # an inline ignore that suppresses nothing (--report-unused-ignores)
    "fix",  # a fix that could not be applied
    "verify",  # --verify: key pairs not checked (over the limit, incomplete, the staged index)
)


class _NoticeFields(NamedTuple):
    path: str
    message: str
    line: int = 0
    level: str = "warning"  # "info" | "warning" | "error" (errors fail the run)
    kind: str = ""  # one of NOTICE_KINDS


class Notice(_NoticeFields):
    """Something the user should know that is not a finding: a file that could
    not be parsed, a skipped binary, a fix that was refused.

    Every notice is redacted as it is made, whatever made it: parsers quote
    the text they choke on, and a notice reaches every output format, the
    cache and the editor."""

    __slots__ = ()

    def __new__(cls, path: str, message: str, line: int = 0, level: str = "warning", kind: str = "") -> "Notice":
        return super().__new__(cls, path, redact_message(message), line, level, kind)


class Suppressed(NamedTuple):
    """A finding a directive or the baseline silenced: kept so that SARIF can
    show it as dismissed instead of losing it."""

    finding: Finding
    kind: str  # "inSource" (a comment in the file) | "external" (the baseline)
    justification: str  # which directive, on which line; or which baseline


class FileResult(NamedTuple):
    path: str
    findings: Tuple[Finding, ...] = ()
    notices: Tuple[Notice, ...] = ()
    file_type: str = ""
    skipped: bool = False  # not analyzed at all (binary, too large, unreadable)
    inputs: Tuple[Tuple[str, str], ...] = ()  # other files the result depends on: (absolute path, content hash)
    suppressed: Tuple[Suppressed, ...] = ()  # findings silenced inline or by the baseline


class FileReport(NamedTuple):
    """What a run did with one file: its result (after any fixes), how many
    fixes were applied (written with --fix; only computed with --diff), the
    masked diff when asked for, and the fixed content of a buffer."""

    result: FileResult
    applied: int = 0
    diff: str = ""
    fixed: Optional[bytes] = None


class Example(NamedTuple):
    code: str
    lines: Tuple[int, ...] = ()
    filename: str = ""
    fixed: Optional[str] = None  # expected source after `--fix --unsafe-fixes`
    source_line: int = 0  # where the example sits in its rule file


class Docs(NamedTuple):
    summary: str
    what: str
    why: str
    example: str = ""
    use_instead: str = ""
    fix_safety: str = ""
    references: Tuple[str, ...] = ()


class Rule(NamedTuple):
    id: str
    name: str
    severity: str
    message: str
    docs: Docs
    match: Mapping[str, Mapping[str, Any]]  # file type -> {"kind": ..., "options": {...}}, as written
    fix: Mapping[str, Any] = EMPTY  # file type -> fix options, as written
    triggers: Mapping[str, Tuple[Any, ...]] = EMPTY  # block -> prefilter.Clauses; () runs always
    supersedes: Tuple[str, ...] = ()
    examples_valid: Tuple[Example, ...] = ()
    examples_invalid: Tuple[Example, ...] = ()
    source: str = ""  # the YAML file it came from
    tags: Tuple[str, ...] = ()
    builtin: bool = False  # one of credlint's own rules: its regexes run on `re` (patterns.py)

    @property
    def fixable(self) -> bool:
        return bool(self.fix)

    def __eq__(self, other: object) -> bool:  # rules are identified by id, not compared field by field
        return isinstance(other, Rule) and other.id == self.id

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.id)
