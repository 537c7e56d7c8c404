"""The contract between the engine and a language (file type) analyzer.

An analyzer compiles the match blocks of its file types and turns one file
into RawFindings. Everything after that (dedupe, redaction, fingerprints,
messages, suppressions) is the engine's, so a new language (JavaScript next)
only writes the part that understands its syntax.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from ..fixes import FixError, attach, fix_rounds
from ..model import Edit, FileResult, FixPlan, Rule, Span
from ..source import DecodeError, Source, text_encoding


@dataclass
class RawFinding:
    """A finding as an analyzer reports it. It holds the secrets it saw so that
    the engine can redact them from every line it prints; it never leaves the
    engine."""

    rule: Rule
    span: Span
    secrets: Tuple[str, ...] = ()
    material: str = ""  # what the fingerprint hashes: the secret(s) or the credential expression
    values: Dict[str, str] = field(default_factory=dict)  # message placeholders; never secrets
    fix_plan: Optional[FixPlan] = None
    secret_spans: Tuple[Span, ...] = ()  # where the secrets are written, for masking code frames
    piece_spans: Tuple[Span, ...] = ()  # literals that are only part of a secret: masked whole
    region: Optional[Span] = None  # the whole call or statement the finding belongs to


@dataclass
class Compiled:
    """A rule's match block for one file type, as its analyzer compiled it."""

    kind: str
    options: Any


@dataclass
class AnalysisResult:
    findings: List[RawFinding] = field(default_factory=list)
    notices: List[str] = field(default_factory=list)
    # Rules the analyzer could not apply (the file did not parse): the engine
    # falls back to their `any` (text) block.
    unapplied: List[Rule] = field(default_factory=list)
    secrets: List[str] = field(default_factory=list)  # every secret seen, for redaction
    # Other files the result depends on (a module imported by relative path):
    # (absolute path, content hash). A cached result is stale when one changes.
    inputs: List[Tuple[str, str]] = field(default_factory=list)


class CompileContext:
    """What a match block may refer to (the shared library documents) and the
    place in the rule file to blame when something is wrong."""

    def __init__(self, library, doc, path: tuple, trusted: bool = False) -> None:
        self.library = library
        self.doc = doc
        self.path = path
        self.trusted = trusted  # a built-in rule: its regexes may use `re` (patterns.py)

    def pattern(self, subpath: tuple, pattern, ignore_case: bool = False):
        """A regex written in the rule, compiled as its origin allows."""
        from ..patterns import PatternError, compile_pattern

        try:
            return compile_pattern(pattern, self.trusted, ignore_case)
        except PatternError as exc:
            raise self.error(subpath, str(exc)) from None

    def error(self, subpath: tuple, message: str):
        return self.doc.error(self.path + tuple(subpath), message)


class Session:
    """What one linter keeps between files: per-analyzer state such as the
    language server's incremental parser. A setting of the run, not a switch
    of the process: two linters in one process do not share it."""

    def __init__(self, incremental: bool = False) -> None:
        self.incremental = incremental
        self.state: Dict[str, Any] = {}


class Analyzer:
    """The contract between the engine and one file type (or language).

    Subclasses set `name` (the rules' match-block key) and `kinds`, and
    override what they support; the defaults say "no fixes" and "no
    prefilter tokens" (the rule then runs on every file of the type)."""

    name = ""
    kinds: Tuple[str, ...] = ()
    no_fix = "has no automatic fix"
    # Parse the file even when only text rules apply to it, so that a file
    # that does not parse gets its notice (Python: a syntax error is news).
    parse_always = False

    def compile_match(self, kind: str, options: Any, ctx: CompileContext) -> Compiled:
        raise ctx.error((), f"the {self.name} analyzer has no match kind {kind!r}; use one of {', '.join(self.kinds)}")

    def compile_fix(self, options: Any, ctx: CompileContext, match: Compiled) -> None:
        """Check a rule's fix block for this file type (`match`: the rule's
        compiled match block, which decides what the fix may claim)."""
        raise ctx.error((), f"{self.name}: {self.no_fix}")

    def derive_triggers(self, compiled: Compiled, library) -> List[Any]:
        return []

    def merge_shared(self, kind: str, docs: List[Any], library) -> Any:
        """Compile the shared documents (`rules/shared/`) of a kind this
        analyzer registered in languages.SHARED."""
        raise NotImplementedError(kind)

    def warm(self) -> None:
        """Import what analyzing a file needs (before a pool forks: the workers
        share it). Only what every file of the type needs: a parser that only
        some files reach stays lazy."""

    def decode(self, path: str, data: bytes):
        return Source.for_text(path, data)

    def analyze(self, source, rules, library, session: Optional[Session] = None) -> AnalysisResult:
        raise NotImplementedError

    # -- fixes: only analyzers whose rules offer them -------------------------------------

    def fix_options(self, source, plan: FixPlan) -> Sequence[Tuple[Edit, ...]]:
        """The edits that carry out one fix plan on `source`: alternatives in
        order of preference (the first whose result parses wins). Raises
        fixes.FixError when the fix cannot be made."""
        raise FixError(f"{self.name} files have no fixes")

    def keeps_parsing(self, path: str, before: str, after: str) -> bool:
        """Does a fixed text parse as well as the text it was made from (a fix
        that breaks the file is refused)?"""
        return True

    def decode_strict(self, path: str, data: bytes):
        """The file's text for fixing: decoding must round-trip byte for byte."""
        return Source(path, data, text_encoding(data))

    def fix_file(self, path: str, data: bytes, first: FileResult, lint: Callable[..., FileResult],
                 allowed: Sequence[str]) -> FixedText:
        """Apply the allowed fixes of `first` (the lint of `data`), round after
        round; `lint` lints another version of the file."""
        source = self.decode_strict(path, data)
        outcome = fix_rounds(source, lambda text: lint(source.with_text(text).encode()), allowed, first,
                             self.fix_options, lambda before, after: self.keeps_parsing(path, before, after))
        after = source.with_text(outcome.text).encode() if outcome.applied else data
        return FixedText(after, outcome.final, len(outcome.applied), outcome.notices)

    def attach_fixes(self, path: str, data: bytes, result: FileResult) -> FileResult:
        """The result with each fixable finding's edits (JSON, SARIF, editors)."""
        try:
            source = self.decode_strict(path, data)
        except DecodeError:
            return result
        parses = lambda before, after: self.keeps_parsing(path, before, after)  # noqa: E731
        return result._replace(findings=tuple(attach(source, f, self.fix_options, parses) for f in result.findings))


class FixedText(NamedTuple):
    after: bytes  # the fixed file (the input when nothing changed)
    final: FileResult  # the lint of `after`
    applied: int  # fixes applied
    notices: Tuple[Tuple[int, str], ...]  # (line, why a fix was skipped)


def parser_message(message: str) -> str:
    """A parser's message without any quoted source: Python 3.9 suggests a
    fix by quoting the line (`Did you mean print("...")?`), and that line may
    hold a key, so the suggestion is dropped whatever it quotes."""
    head, sep, _ = message.partition(" Did you mean ")
    return head if sep else message
