"""The contract between the engine and a language (file type) analyzer.

An analyzer compiles the match blocks of its file types and turns one file
into RawFindings. Everything after that (dedupe, redaction, fingerprints,
messages, suppressions) is the engine's, so a new language (JavaScript next)
only writes the part that understands its syntax.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ..model import FixPlan, Rule, Span


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


class CompileContext:
    """What a match block may refer to (the shared library documents) and the
    place in the rule file to blame when something is wrong."""

    def __init__(self, library, doc, path: tuple) -> None:
        self.library = library
        self.doc = doc
        self.path = path

    def error(self, subpath: tuple, message: str):
        return self.doc.error(self.path + tuple(subpath), message)
