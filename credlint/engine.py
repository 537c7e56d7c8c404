"""Lint one file: prefilter -> decode -> analyze -> findings.

The engine knows no rule by name. It asks the prefilter which rules could
match, hands each rule's block to the analyzer of its file type, and turns
what comes back into findings: overlapping findings resolved by `supersedes`,
messages filled in, code frames redacted, fingerprints computed. Raw secrets
stop here.
"""
from __future__ import annotations

import re

from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import filetypes, languages, prefilter
from .model import FileResult, Finding, Notice, Rule, Span
from .paths import display
from .prefilter import rules_that_may_match
from .redaction import fingerprint, mask, redact_line, redact_message, redact_text, secret_hash
from .ruleset import RuleSet

if TYPE_CHECKING:
    from .languages.base import AnalysisResult, RawFinding, Session
from .source import DecodeError, Source, looks_binary, wide_encoding
from .suppress import has_marker

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_SNIPPET_LINES = 6


class Linter:
    """The rules of one run, arranged per file type once."""

    def __init__(self, ruleset: RuleSet, rules: Sequence[Rule], max_file_size: int = DEFAULT_MAX_FILE_SIZE,
                 severities: Optional[Dict[str, str]] = None, fix_overrides: Optional[Dict[str, str]] = None,
                 report_unused_ignores: bool = False, session: Optional["Session"] = None) -> None:
        self.ruleset = ruleset
        self.session = session  # per-analyzer state kept between files (languages.base.Session)
        self.rules = list(rules)
        self.max_file_size = max_file_size
        self.severities = dict(severities or {})
        self.fix_overrides = dict(fix_overrides or {})  # rule id -> applicability (extend-safe/unsafe-fixes)
        self.report_unused_ignores = report_unused_ignores
        self._plans: Dict[str, List[Tuple[Rule, str]]] = {}

    def plan(self, file_type: str) -> List[Tuple[Rule, str]]:
        """(rule, block) pairs for a file type: the rule's block for that type
        (or one the type accepts, see languages.BLOCKS), else its `any` block."""
        plan = self._plans.get(file_type)
        if plan is None:
            plan = []
            accepted = languages.blocks_for(file_type) if languages.known(file_type) else ()
            for rule in self.rules:
                block = next((b for b in accepted if b in rule.match), None)
                if block is None and "any" in rule.match:
                    block = "any"
                if block is not None:
                    plan.append((rule, block))
            self._plans[file_type] = plan
        return plan

    def warm(self, file_types: Iterable[str]) -> None:
        """Compile now what the first file of each type would: the rules'
        blocks and the analyzers' modules. Called before a pool forks, so that
        the workers share it instead of each building its own."""
        for file_type in file_types:
            plan = self.plan(file_type)
            prefilter.warm(plan)
            for rule, block in plan:
                self.ruleset.compiled(rule, block)
            if languages.known(file_type):
                languages.analyzer(file_type).warm()

    def lint(self, path: str, data: bytes, key_path: Optional[str] = None,
             rules: Optional[Sequence[Rule]] = None, secrets: Optional[List[str]] = None,
             test: Union[bool, Callable[[], bool]] = False) -> FileResult:
        """Lint `data` as the file at `path`. `key_path` (the path relative to
        the project root) keys fingerprints so that they do not depend on where
        credlint runs from. `rules` narrows the run (per-file ignores).
        `secrets`, if given, receives the raw secrets seen, for callers that
        must redact text of their own (a diff). `test`: the file is test
        code by its path (analyzers may also tell it from its imports); a
        callable is asked only if some rule gets past the prefilter."""
        key_path = key_path or path
        if len(data) > self.max_file_size:
            return self.oversized(path, len(data))
        if looks_binary(data):
            return FileResult(path, notices=(Notice(path, "skipped: binary file", level="info", kind="skipped"),), skipped=True)
        wide = wide_encoding(data)
        if wide is not None:  # UTF-16/32: the prefilter and the analyzers read UTF-8 (positions are characters)
            try:
                data = data.decode(wide).encode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                pass
        file_type = filetypes.detect(path, data[:512])
        plan = self.plan(file_type)
        if rules is not None:
            allowed = {r.id for r in rules}
            plan = [(r, a) for r, a in plan if r.id in allowed]
        plan = rules_that_may_match(data, plan)
        if not plan:
            if self.report_unused_ignores and has_marker(data):
                return self._suppress(FileResult(path, file_type=file_type), Source.for_text(path, data))
            return FileResult(path, file_type=file_type)
        return self._analyze(path, key_path, data, file_type, plan, secrets, test)

    def oversized(self, path: str, size: int) -> FileResult:
        limit = self.max_file_size / (1024 * 1024)
        return FileResult(path, notices=(Notice(
            path, f"skipped: {size / (1024 * 1024):.1f} MB is over the {limit:g} MB limit "
            "(raise it with --max-file-size)", kind="skipped"),), skipped=True)

    def _analyze(self, path: str, key_path: str, data: bytes, file_type: str,
                 plan: List[Tuple[Rule, str]], collect: Optional[List[str]] = None,
                 test: Union[bool, Callable[[], bool]] = False) -> FileResult:
        notices: List[Notice] = []
        # The file type's analyzer runs every block but `any`, which the text analyzer runs.
        typed: List[Tuple[Rule, str]] = [(r, b) for r, b in plan if b != "any"]
        text_rules: List[Rule] = [r for r, b in plan if b == "any"]
        source: Optional[Source] = None
        results: List["AnalysisResult"] = []
        fallback: List[Rule] = []
        analyzer = languages.analyzer(file_type) if typed or languages.known(file_type) else None
        if typed or (analyzer is not None and analyzer.parse_always):
            try:
                source = analyzer.decode(path, data)
            except DecodeError as exc:
                notices.append(Notice(path, f"{exc}; scanned as text only", kind="parse"))
                fallback.extend(r for r, _ in typed)
            else:
                source.test = test() if callable(test) else test
                result = analyzer.analyze(source, [(r, self.ruleset.compiled(r, b)) for r, b in typed],
                                          self.ruleset.library, self.session)
                results.append(result)
                notices.extend(Notice(path, message, kind="parse") for message in result.notices)
                fallback.extend(result.unapplied)
        text_rules += [r for r in fallback if "any" in r.match]
        if text_rules:
            if source is None or not results:
                source = Source.for_text(path, data)
            text = languages.analyzer("any")
            results.append(text.analyze(source, [(r, self.ruleset.compiled(r, "any")) for r in text_rules],
                                        self.ruleset.library, self.session))
        raw = [f for result in results for f in result.findings]
        secrets = [s for result in results for s in result.secrets]
        if collect is not None:
            collect.extend(secrets)
        spans = [span for f in raw for span in f.secret_spans]
        pieces = [span for f in raw for span in f.piece_spans]
        findings = self._finish(path, key_path, source, _resolve_overlaps(raw), secrets, spans, pieces)
        if secrets:  # a parser's message may quote a secret that is not key-shaped
            notices = [n._replace(message=redact_message(n.message, secrets)) for n in notices]
        inputs = tuple(sorted({i for r in results for i in r.inputs}))
        result = FileResult(path, findings=tuple(findings), notices=tuple(notices), file_type=file_type,
                            inputs=inputs)
        if has_marker(data, own_only=not (findings or self.report_unused_ignores)):
            result = self._suppress(result, source or Source.for_text(path, data))
        return result

    def _suppress(self, result: FileResult, source: Source) -> FileResult:
        from . import suppress

        def resolve(name: str) -> Tuple[str, ...]:
            """Ids, names and id prefixes (`CL1`), in any case."""
            rule = self.ruleset.get(name) or self.ruleset.get(name.lower())
            if rule is not None:
                return (rule.id,)
            if re.fullmatch(r"[A-Za-z]+[0-9]+", name):
                return tuple(r.id for r in self.ruleset.rules if r.id.startswith(name.upper()))
            return ()

        found = suppress.directives(source.lines, resolve)
        if not found:
            return result
        kept, suppressed, notices = suppress.apply(result.findings, found, result.path, self.report_unused_ignores)
        return result._replace(findings=tuple(kept), notices=result.notices + tuple(notices),
                               suppressed=result.suppressed + tuple(suppressed))

    def _finish(self, path: str, key_path: str, source: Optional[Source], raw: List[RawFinding],
                secrets: List[str], spans: List[Span], pieces: Sequence[Span] = ()) -> List[Finding]:
        policy = self.ruleset.library.policy()
        out = []
        for item in raw:
            rule = item.rule
            values = dict(item.values)
            values.setdefault("masked", mask(item.secrets[0]) if item.secrets else "")
            values.setdefault("path", display(path))
            values.setdefault("path_arg", _shell_quote(display(path)))  # for commands: `git rm --cached {path_arg}`
            message = redact_text(_format(rule.message, values), secrets)
            snippet = _snippet(source, item.span, secrets, spans, pieces, policy) if source is not None else ()
            plan = item.fix_plan
            if plan is not None and rule.id in self.fix_overrides:
                plan = plan._replace(applicability=self.fix_overrides[rule.id])
            out.append(Finding(
                rule_id=rule.id,
                rule_name=rule.name,
                severity=self.severities.get(rule.id, rule.severity),
                path=path,
                span=item.span,
                message=message,
                fingerprint=fingerprint(rule.id, key_path, item.material or message),
                snippet=snippet,
                fix_plan=plan,
                region=item.region,
                key=secret_hash(item.material or message)[:16],
                account=_account(item.secrets),
            ))
        out.sort(key=lambda f: f.sort_key)
        return out


def _account(secrets: Sequence[str]) -> str:
    """The account of the first access key id among the secrets: 12 digits,
    or "old-format" for ids issued before 2019 (AKIAI..., AKIAJ...), which
    encode none (keyid.py)."""
    from .keyid import account_id

    for secret in secrets:
        account = account_id(secret)
        if account is not None:
            return "old-format" if secret[4:5] in ("I", "J") else account
    return ""


def _shell_quote(path: str) -> str:
    import shlex

    return shlex.quote(path)


def _overlaps(a: Span, b: Span) -> bool:
    return (a.line, a.column) < (b.end_line, b.end_column) and (b.line, b.column) < (a.end_line, a.end_column)


def _resolve_overlaps(raw: List[RawFinding]) -> List[RawFinding]:
    """Drop a finding when one of a rule that supersedes it covers the same
    text (the SDK-call finding replaces the key-literal finding on its own
    argument), and exact duplicates."""
    out = []
    seen = set()
    for item in raw:
        key = (item.rule.id, item.span)
        if key in seen:
            continue
        if any(item.rule.id in other.rule.supersedes and _overlaps(other.span, item.span)
               for other in raw if other is not item):
            continue
        seen.add(key)
        out.append(item)
    return out


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _format(template: str, values: Dict[str, str]) -> str:
    import string

    try:
        return string.Formatter().vformat(template, (), _Blank(values))
    except (ValueError, IndexError, AttributeError):
        return template


def _snippet(source: Source, span: Span, secrets: List[str], spans: List[Span], pieces: Sequence[Span],
             policy) -> Tuple[str, ...]:
    last = min(span.end_line, span.line + MAX_SNIPPET_LINES - 1)
    return tuple(redact_line(source.line_text(n), secrets, policy, _on_line(spans, n), _on_line(pieces, n))
                 for n in range(span.line, last + 1))


def _on_line(spans: Sequence[Span], line: int) -> List[Tuple[int, int]]:
    """0-based [start, end) character ranges of the secret spans on `line`."""
    out = []
    for s in spans:
        if s.line <= line <= s.end_line:
            start = s.column - 1 if s.line == line else 0
            end = s.end_column - 1 if s.end_line == line else 10**9
            out.append((start, end))
    return out
