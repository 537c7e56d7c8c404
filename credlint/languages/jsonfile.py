"""JSON files: AWS keys stored under the SDKs' names, at any depth.

`credential-values` looks at every object of the document (or only the root
with `top-level: true`) for keys named in the rule (`accessKeyId`,
`SecretAccessKey`, `aws_secret_access_key`...), and at `{"name": N, "value": V}`
objects (ECS task definitions, CloudFormation parameter files) whose name is
one of them. Findings are at the line of each secret value.
"""
from __future__ import annotations

import re
from typing import Iterator, List, Sequence, Tuple

from ..model import Rule
from ..source import Source
from . import credentials
from .base import AnalysisResult, Compiled
from .credentials import CredentialValues, Pair
from .jsonpos import JArray, JObject, JsonError, JString, Node, parse


# Objects that carry a variable as a name and a value: ECS task definitions'
# `environment`, CloudFormation parameter files, Kubernetes manifests as JSON.
NAME_VALUE_KEYS = (("name", "value"), ("Name", "Value"), ("ParameterKey", "ParameterValue"), ("key", "value"),
                   ("Key", "Value"))
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


class JsonAnalyzer(credentials.CredentialFileAnalyzer):
    name = "json"
    options = ("names", "ignore-case", "top-level", "require")
    no_fix = "credentials in JSON files have no automatic fix: the file must leave the repository"

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session=None) -> AnalysisResult:
        return analyze(source, rules, library)


def analyze(source: Source, rules: Sequence[Tuple[Rule, Compiled]], library) -> AnalysisResult:
    result = AnalysisResult()
    policy = library.policy()
    if not _may_hold_keys(source.text, rules, policy):
        return result
    try:
        root = parse(source.text)
    except JsonError as exc:
        return credentials.unparsed(result, rules, f"could not parse as JSON ({exc}); scanned as text only")
    except RecursionError:
        return credentials.unparsed(result, rules, "could not parse as JSON (nested too deeply); scanned as text only")
    for rule, compiled in rules:
        match: CredentialValues = compiled.options
        credentials.report(rule, source, pairs(root, match), match.names, policy, result)
    return result


def _may_hold_keys(text: str, rules: Sequence[Tuple[Rule, Compiled]], policy) -> bool:
    """The standard library's C decoder is ~50 times faster than the
    positional scanner: when it reads the file and finds no real key under a
    credential name, positions are not needed. False only when it is sure."""
    import json

    try:  # objects as lists of pairs: a duplicate key's earlier value is committed too
        data = json.loads(text, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):
        return True  # JSONC, or broken: the scanner decides (and explains)
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, _Pairs):
            for key, value in item:
                if isinstance(value, str):
                    if any(_real(c.options.names, key, value, policy) for _, c in rules):
                        return True
                else:
                    stack.append(value)
            fields = dict(item)
            for name_key, value_key in NAME_VALUE_KEYS:
                name, value = fields.get(name_key), fields.get(value_key)
                if isinstance(name, str) and isinstance(value, str) and \
                        any(_real(c.options.names, name, value, policy) for _, c in rules):
                    return True
        elif isinstance(item, list):
            stack.extend(item)
    return False


class _Pairs(list):
    pass


def _real(names, name: str, value: str, policy) -> bool:
    shape = names.shape_for(name)
    return shape is not None and credentials.is_real(policy, shape, value)


def pairs(root: Node, match: CredentialValues) -> Iterator[Pair]:
    objects = [(root, "$")] if match.top_level else walk(root, "$")
    for obj, path in objects:
        if not isinstance(obj, JObject):
            continue
        if match.require and not all(obj.get(name) is not None for name in match.require):
            continue
        yield from object_pairs(obj, path, match)


def object_pairs(obj: JObject, path: str, match: CredentialValues) -> Iterator[Pair]:
    for key, value in obj.items:
        if isinstance(value, JString) and match.names.shape_for(key.value) is not None:
            yield Pair(key.value, value.value, value.start + 1, value.end - 1, _child(path, key.value))
    for name_key, value_key in NAME_VALUE_KEYS:
        name, value = obj.get(name_key), obj.get(value_key)
        if isinstance(name, JString) and isinstance(value, JString) and match.names.shape_for(name.value):
            yield Pair(name.value, value.value, value.start + 1, value.end - 1, f"{path} ({name.value})")


def walk(node: Node, path: str) -> List[Tuple[Node, str]]:
    """Every object under `node`, with its JSON path, in document order."""
    out: List[Tuple[Node, str]] = []
    stack = [(node, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, JObject):
            out.append((item, where))
            stack.extend(reversed([(v, _child(where, k.value)) for k, v in item.items]))
        elif isinstance(item, JArray):
            stack.extend(reversed([(v, f"{where}[{i}]") for i, v in enumerate(item.items)]))
    return out


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{key!r}]"


ANALYZER = JsonAnalyzer()
