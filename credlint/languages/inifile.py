"""INI files: the AWS CLI's shared credentials and config files (and copies of
them under any name), boto's `.boto`, s3cmd's `.s3cfg`, `*.ini`, `*.cfg`.

Parsed with `configparser`, as the AWS CLI and botocore read these files,
made tolerant: duplicate sections and options (the last one wins, as in the
CLI), no `%` interpolation, a file without a section header (read as if it
started with one), `[DEFAULT]` as a section like any other. Lines that are not
`name = value` are reported in a notice; the rest of the file is still read.

configparser keeps no positions: it stores each option into a dict as it reads
its line, so the dicts it is given (`dict_type`) record the line the reader is
on at that moment.

Match kinds:
- `credential-values`: options named in the rule whose value is a real key, in
  any section (`where` is the section header).
- `role-without-mfa`: a profile that assumes a role (`role_arn`) without
  `mfa_serial`; profiles whose credentials come from the instance, a container
  or a web identity token (`unless-any`) and those whose source profile signs
  in through SSO are exempt.
"""
from __future__ import annotations

import configparser
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from ..model import Rule
from ..prefilter import Clause
from ..source import Source
from . import credentials
from .base import AnalysisResult, Compiled, RawFinding
from .credentials import CredentialValues, Pair

TOP = "\0top"  # the section of options written before any header
_NO_DEFAULT = "\0no-default-section"  # so that [DEFAULT] is an ordinary section


class RoleWithoutMfa:
    def __init__(self, unless_any: Tuple[str, ...]) -> None:
        self.unless_any = unless_any


class IniAnalyzer(credentials.CredentialFileAnalyzer):
    name = "ini"
    kinds = (credentials.KIND, "role-without-mfa")

    def compile_match(self, kind: str, options: dict, ctx) -> Compiled:
        if kind == "role-without-mfa":
            options = options or {}
            for option in options:
                if option != "unless-any":
                    raise ctx.error((option,), f"unknown option {option!r}; allowed: unless-any")
            unless = tuple(str(x).lower() for x in options.get("unless-any") or ())
            return Compiled(kind, RoleWithoutMfa(unless))
        return super().compile_match(kind, options, ctx)

    def derive_triggers(self, compiled: Compiled, library) -> List[Clause]:
        if compiled.kind == "role-without-mfa":
            return [Clause(any=(b"role_arn",), ignore_case=True)]
        return super().derive_triggers(compiled, library)

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session=None) -> AnalysisResult:
        return analyze(source, rules, library)


# -- reading -----------------------------------------------------------------------------


class Section:
    def __init__(self, header: str, line: int) -> None:
        self.header = header
        self.line = line
        self.options: Dict[str, Tuple[str, int]] = {}  # lowercased name -> (value, line), the last one wins
        # every `name = value` of the section as written, overridden ones too:
        # a key a later line replaces is still committed
        self.assignments: List[Tuple[str, str, int]] = []

    @property
    def profile(self) -> str:
        """`[profile prod]` (config file) and `[prod]` (credentials file) are both `prod`."""
        name = self.header
        if name.startswith("profile "):
            name = name[len("profile "):].strip()
        return name

    @property
    def where(self) -> str:
        return "the top of the file" if self.header == TOP else f"[{self.header}]"

    def get(self, name: str) -> Optional[Tuple[str, int]]:
        return self.options.get(name.lower())


class IniFile:
    def __init__(self, sections: List[Section], errors: List[int]) -> None:
        self.sections = sections
        self.errors = errors  # lines configparser could not read


class _Lines:
    """The file's lines for configparser, counting them as they are read."""

    def __init__(self, lines: List[str], first: int) -> None:
        self._iter = iter(lines)
        self.lineno = first - 1
        self.done = False

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        try:
            line = next(self._iter)
        except StopIteration:
            self.done = True
            raise
        self.lineno += 1
        return line


def read(text: str) -> IniFile:
    """configparser.ParsingError is not raised: its lines are returned in
    `errors`. Anything else configparser raises propagates."""
    lines = text.splitlines(keepends=True)
    first = 1
    if configparser.RawConfigParser.SECTCRE.match(_first_statement(lines) or "[x]") is None:
        lines.insert(0, f"[{TOP}]\n")
        first = 0
    tracker = _Lines(lines, first)
    created: List["_Recording"] = []

    class _Recording(dict):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.lines: Dict[str, int] = {}
            self.history: List[Tuple[str, object, int]] = []
            created.append(self)

        def __setitem__(self, key, value) -> None:
            if not tracker.done:  # after the last line, configparser only joins multi-line values
                self.lines[key] = tracker.lineno
                self.history.append((key, value, tracker.lineno))
            super().__setitem__(key, value)

    parser = configparser.RawConfigParser(
        dict_type=_Recording, strict=False, interpolation=None, default_section=_NO_DEFAULT,
        inline_comment_prefixes=("#", ";"), delimiters=("=", ":"),
    )
    parser.optionxform = str.lower  # type: ignore[assignment,method-assign]
    errors: List[int] = []
    try:
        parser.read_file(tracker)
    except configparser.ParsingError as exc:
        errors = sorted({lineno - (1 - first) for lineno, _ in exc.errors})
    table = next((d for d in created if any(isinstance(v, _Recording) for v in dict.values(d))), None)
    sections = []
    for name in parser.sections():
        raw = dict.get(table, name) if table is not None else None
        header_line = table.lines.get(name, 1) if table is not None and name != TOP else 1
        section = Section(name, header_line)
        for option, value in parser.items(name):
            line = raw.lines.get(option, header_line) if raw is not None else header_line
            section.options[option] = (value if value is not None else "", line)
        for option, value, line in (raw.history if raw is not None else ()):
            # configparser stores a value as the list of its lines while reading
            text = "\n".join(value) if isinstance(value, list) else (value or "")
            section.assignments.append((option, str(text), line))
        sections.append(section)
    return IniFile(sections, errors)


def _first_statement(lines: List[str]) -> Optional[str]:
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", ";")):
            return stripped
    return None


# -- analyzing -----------------------------------------------------------------------------


def analyze(source: Source, rules: Sequence[Tuple[Rule, Compiled]], library) -> AnalysisResult:
    result = AnalysisResult()
    try:
        ini = read(source.text)
    except (configparser.Error, ValueError, RecursionError) as exc:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        return credentials.unparsed(result, rules, f"could not parse as an INI file ({message.splitlines()[0]}); "
                                                   "scanned as text only")
    if ini.errors:
        shown = ", ".join(map(str, ini.errors[:5])) + (", ..." if len(ini.errors) > 5 else "")
        result.notices.append(f"line{'s' if len(ini.errors) > 1 else ''} {shown} "
                              "not read as INI (`name = value` expected); scanned as text only")
    policy = library.policy()
    for rule, compiled in rules:
        if compiled.kind == "role-without-mfa":
            result.findings.extend(roles_without_mfa(rule, compiled.options, ini, source))
            continue
        match: CredentialValues = compiled.options
        credentials.report(rule, source, pairs(ini, source, match), match.names, policy, result)
    return result


def pairs(ini: IniFile, source: Source, match: CredentialValues) -> Iterator[Pair]:
    for section in ini.sections:
        for name, value, line in section.assignments:
            if match.names.shape_for(name) is None or not value:
                continue
            located = _locate(source, line, value.split("\n", 1)[0])
            if located is None:
                continue
            start, end = located
            yield Pair(name, source.text[start:end], start, end,
                       f"profile {section.where}" if section.header != TOP else section.where)


def _locate(source: Source, line: int, value: str) -> Optional[Tuple[int, int]]:
    """Offsets of `value` (without quotes) on `line`, after the delimiter."""
    text = source.line_text(line)
    delimiter = min((i for i in (text.find("="), text.find(":")) if i >= 0), default=-1)
    index = text.find(value, delimiter + 1)
    if index < 0 or not value:
        return None
    base = source.offset(line, 1)
    return credentials.strip_quotes(source.text, base + index, base + index + len(value))


def roles_without_mfa(rule: Rule, match: RoleWithoutMfa, ini: IniFile, source: Source) -> List[RawFinding]:
    by_profile = {s.profile: s for s in ini.sections}
    out = []
    for section in ini.sections:
        role = section.get("role_arn")
        if role is None or not role[0] or section.get("mfa_serial") is not None:
            continue
        if any(section.get(name) is not None for name in match.unless_any):
            continue
        source_profile = section.get("source_profile")
        origin = by_profile.get(source_profile[0]) if source_profile else None
        if origin is not None and (origin.get("sso_session") or origin.get("sso_start_url")):
            continue  # MFA is enforced by the SSO sign-in
        value, line = role
        located = _locate(source, line, value)
        start, end = located if located else (source.offset(line, 1), source.offset(line, 1) + len(source.line_text(line)))
        out.append(RawFinding(
            rule=rule,
            span=source.span_of(start, end),
            material=f"{section.header}\0{value}",
            values={"profile": section.profile, "where": section.where, "role": value.rsplit("/", 1)[-1]},
        ))
    return out


ANALYZER = IniAnalyzer()
