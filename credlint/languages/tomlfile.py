"""TOML settings: `pyproject.toml` (pytest-env's `env = ["NAME=value"]`, tool
settings), `*.toml` application settings (Dynaconf, Streamlit's
`secrets.toml`, netlify.toml, samconfig.toml).

Parsed with tomllib (tomli before Python 3.11), which gives values without
positions: each reported value is found again in the text, on a line that
names its key when there is one (a key written twice cannot be: TOML forbids
it). `credential-values` finds credential names with string values at any
depth, `NAME=value` strings in arrays, and `{name = ..., value = ...}` tables.
"""
from __future__ import annotations

import re
import sys
from typing import Any, Iterator, List, Optional, Sequence, Set, Tuple

from ..model import Rule
from ..source import Source
from . import credentials
from .base import AnalysisResult, Compiled
from .credentials import CredentialValues, Pair

NAME_VALUE_KEYS = (("name", "value"), ("Name", "Value"), ("key", "value"))
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class TomlAnalyzer(credentials.CredentialFileAnalyzer):
    name = "toml"
    no_fix = "credentials in TOML files have no automatic fix: the value must be removed by hand"

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session=None) -> AnalysisResult:
        return analyze(source, rules, library)


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on older Pythons
        import tomli as tomllib
    return tomllib


def analyze(source: Source, rules: Sequence[Tuple[Rule, Compiled]], library) -> AnalysisResult:
    result = AnalysisResult()
    tomllib = _toml()
    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        return credentials.unparsed(result, rules, f"could not parse as TOML ({exc}); scanned as text only")
    except (RecursionError, ValueError) as exc:
        return credentials.unparsed(result, rules, f"could not parse as TOML ({type(exc).__name__}); "
                                                   "scanned as text only")
    policy = library.policy()
    for rule, compiled in rules:
        match: CredentialValues = compiled.options
        credentials.report(rule, source, pairs(data, source, match), match.names, policy, result)
    return result


def candidates(data: Any, match: CredentialValues) -> Iterator[Tuple[str, str, str]]:
    """(name, value, where) for every string under a credential name."""
    names = match.names
    stack: List[Tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            children = []
            for key, value in node.items():
                child = _child(path, key)
                if isinstance(value, str) and names.shape_for(key) is not None:
                    yield key, value, child
                children.append((value, child))
            for name_key, value_key in NAME_VALUE_KEYS:
                name, value = node.get(name_key), node.get(value_key)
                if isinstance(name, str) and isinstance(value, str) and names.shape_for(name) is not None:
                    yield name, value, f"{path} ({name})"
            stack.extend(reversed(children))
        elif isinstance(node, list):
            children = []
            for index, item in enumerate(node):
                child = f"{path}[{index}]"
                if isinstance(item, str):
                    split = credentials.split_assignment(item)
                    if split is not None and names.shape_for(split[0]) is not None:
                        yield split[0], item[split[1]:].strip(), f"{child} ({split[0]})"
                children.append((item, child))
            stack.extend(reversed(children))


def pairs(data: Any, source: Source, match: CredentialValues) -> Iterator[Pair]:
    used: Set[int] = set()
    for name, value, where in candidates(data, match):
        located = _locate(source, name, value, used)
        if located is not None:
            used.add(located)
            yield Pair(name, value, located, located + len(value), where)


def _locate(source: Source, name: str, value: str, used: Set[int]) -> Optional[int]:
    """The offset of `value` in the text: preferably on a line that also
    names its key, and not one already reported."""
    if not value:
        return None
    text = source.text
    first = None
    index = text.find(value)
    while index >= 0:
        if index not in used:
            line, _ = source.position(index)
            if name in source.line_text(line):
                return index
            if first is None:
                first = index
        index = text.find(value, index + 1)
    return first


def _child(path: str, key: str) -> str:
    key = key if _BARE_KEY.match(key) else f'"{key}"'
    return f"{path}.{key}" if path else key


ANALYZER = TomlAnalyzer()
