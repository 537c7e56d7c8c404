"""`.env` files (`.env`, `.env.production`, `prod.env`, `.flaskenv`), and
shell-style environment files (`.envrc`, `.bashrc`, `.profile`, and files
without an extension that `export AWS_...=`), read for `NAME=value` assignments.

The parser follows python-dotenv's grammar (the one docker compose, Node's
dotenv and direnv agree on): `#` comments, an optional `export`, single-quoted
values taken literally, double-quoted values with backslash escapes (both may
span lines), unquoted values up to an inline ` #` comment. It is written here,
not imported, because python-dotenv is not a credlint dependency and its
public API gives values, not the offsets a finding needs.

In shell-style files (`.envrc`, `.bashrc`..., or a `#!` first line) only lines
that are assignments are read, unquoted values end at whitespace or `;`, and other lines are not worth
a notice. In `.env` files a line that is not an assignment gets a notice.
"""
from __future__ import annotations

import os
import re
import shlex
from typing import Iterator, List, NamedTuple, Sequence, Tuple

from ..model import Rule
from ..source import Source
from . import credentials
from .base import AnalysisResult, Compiled
from .credentials import CredentialValues, Pair

SHELL_SUFFIXES = (".sh", ".bash", ".zsh")
SHELL_NAMES = (".bashrc", ".bash_profile", ".profile", ".zshrc", ".zshenv", ".envrc")

_BLANK = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n|$)")
_NAME = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*")
_SINGLE = re.compile(r"'([^']*)'")
_DOUBLE = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)
_REST = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?=\r\n|\r|\n|$)")
_LINE_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_UNQUOTED = re.compile(r"[^\r\n]*")
_SHELL_UNQUOTED = re.compile(r"(?:\\.|[^\s;'\"#`|&<>()])*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "$": "$"}


class Assignment(NamedTuple):
    name: str
    value: str
    start: int  # offsets of the value as written, without quotes
    end: int
    line: int


class DotenvAnalyzer(credentials.CredentialFileAnalyzer):
    name = "dotenv"
    no_fix = ".env files have no automatic fix: the file must leave the repository"

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session=None) -> AnalysisResult:
        return analyze(source, rules, library)


def is_shell(path: str, text: str = "") -> bool:
    name = os.path.basename(path).lower()
    return name.endswith(SHELL_SUFFIXES) or name in SHELL_NAMES or text.startswith("#!")


def parse(text: str, shell: bool = False) -> Tuple[List[Assignment], List[int]]:
    """The assignments of a file, and the lines that could not be read."""
    out: List[Assignment] = []
    errors: List[int] = []
    pos, n = 0, len(text)
    line = 1
    while pos < n:
        m = _BLANK.match(text, pos)
        if m is not None and m.end() > pos:
            line += _newlines(text, pos, m.end())
            pos = m.end()
            continue
        name = _NAME.match(text, pos)
        value = None
        if name is not None:
            start = name.end()
            quote = text[start:start + 1]
            if quote == "'":
                value = _SINGLE.match(text, start)
                parsed = (value.group(1), value.start(1), value.end(1)) if value else None
            elif quote == '"':
                value = _DOUBLE.match(text, start)
                parsed = (_unescape(value.group(1)), value.start(1), value.end(1)) if value else None
            else:
                value = (_SHELL_UNQUOTED if shell else _UNQUOTED).match(text, start)
                raw = value.group(0)
                if not shell:
                    comment = re.search(r"[ \t]#", raw)
                    raw = raw[:comment.start()] if comment else raw
                raw = raw.rstrip()
                parsed = (raw, start, start + len(raw))
            if parsed is not None:
                rest_from = value.end() if quote in ("'", '"') else parsed[2]
                rest = _REST.match(text, rest_from)
                if rest is not None or shell:
                    out.append(Assignment(name.group(1), parsed[0], parsed[1], parsed[2], line))
                    end = _LINE_END.match(text, rest.end() if rest is not None else rest_from).end()
                    line += _newlines(text, pos, end)
                    pos = end
                    continue
        if not shell:
            errors.append(line)
        end = _LINE_END.match(text, pos).end()
        line += _newlines(text, pos, end)
        pos = end if end > pos else n
    return out, errors


def _newlines(text: str, start: int, end: int) -> int:
    chunk = text[start:end]
    return chunk.count("\n") + chunk.count("\r") - chunk.count("\r\n")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), value)


def analyze(source: Source, rules: Sequence[Tuple[Rule, Compiled]], library) -> AnalysisResult:
    result = AnalysisResult()
    shell = is_shell(source.path, source.text)
    assignments, errors = parse(source.text, shell)
    if errors:
        shown = ", ".join(map(str, errors[:5])) + (", ..." if len(errors) > 5 else "")
        result.notices.append(f"line{'s' if len(errors) > 1 else ''} {shown} not read as NAME=value; "
                              "scanned as text only")
    policy = library.policy()
    for rule, compiled in rules:
        match: CredentialValues = compiled.options
        credentials.report(rule, source, pairs(assignments), match.names, policy, result,
                           what="a committed shell script" if shell else "a committed env file",
                           advice=SHELL_ADVICE if shell else ENV_ADVICE.format(path_arg=shlex.quote(source.path)))
    return result


# A script is kept and its key removed; an env file leaves the repository.
ENV_ADVICE = ("remove the file from the repository (git rm --cached {path_arg}) and add it to .gitignore, rotate "
              "the key in IAM, commit a .env.example with placeholders instead, and let the SDK use a profile "
              "(AWS_PROFILE) or `aws sso login` locally and the workload's role when deployed")
SHELL_ADVICE = ("delete the value from the script, rotate the key in IAM, and let whatever runs the script "
                "provide credentials: a profile (AWS_PROFILE) or `aws sso login` on a laptop, the CI's secret "
                "store or OIDC role in a pipeline, the instance or task role on a server")


def pairs(assignments: List[Assignment]) -> Iterator[Pair]:
    for item in assignments:
        yield Pair(item.name, item.value, item.start, item.end, item.name)


ANALYZER = DotenvAnalyzer()
