"""JSON files: AWS keys stored under the SDKs' names, at any depth.

`credential-values` looks at every object of the document (or only the root
with `top-level: true`) for keys named in the rule (`accessKeyId`,
`SecretAccessKey`, `aws_secret_access_key`...), and at `{"name": N, "value": V}`
objects (ECS task definitions, CloudFormation parameter files) whose name is
one of them. Findings are at the line of each secret value.
"""
from __future__ import annotations

import re
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple

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
    candidates = _candidates(source.text, rules, policy)
    if candidates is not None and not candidates:
        return result  # no string in the file has a key's shape: nothing to report, nothing to parse
    decoded = _decode(source.text, candidates)
    if decoded is not None:
        found = [(rule, compiled.options, [p for p in plain_pairs(decoded, compiled.options)
                                           if _real(compiled.options.names, p.name, p.value, policy)])
                 for rule, compiled in rules]
        if not any(rule_pairs for _, _, rule_pairs in found):
            return result
        located = locate(source.text, decoded, found)
        if located is not None:
            for (rule, match, _), rule_pairs in zip(found, located):
                credentials.report(rule, source, rule_pairs, match.names, policy, result)
            return result
    if len(source.text) > POSITIONAL_LIMIT:
        return credentials.unparsed(result, rules, f"not read as JSON: {len(source.text) / 2**20:.0f} MB that the "
                                                   "standard decoder rejects (JSONC, or broken) is too much for "
                                                   "the positional reader; scanned as text only")
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


# The positional reader (jsonpos) builds a node per value: ~50 times slower
# than the standard library's C decoder and ~40 times the file's size in
# memory. It reads only what the C decoder rejects (JSONC, broken JSON), to
# explain it, and above this size not even that.
POSITIONAL_LIMIT = 8 * 2**20

# An escape that writes a character a key can hold (`\/`, `\u0041`): then a
# key's value may not appear in the text as itself.
_KEY_CHAR_ESCAPE = re.compile(r"\\(?:/|u00[2-7][0-9A-Fa-f])")


def _candidates(text: str, rules: Sequence[Tuple[Rule, Compiled]], policy) -> Optional[Set[str]]:
    """Every key-shaped, non-placeholder string in the text: a real key under
    a credential name is one of these, written as itself between quotes (the
    shapes' characters cannot straddle a quote). One regex pass per shape, in
    C: most large JSON files stop here. None when escapes make it unsure."""
    if _KEY_CHAR_ESCAPE.search(text):
        return None
    shapes = set()
    for _, compiled in rules:
        names = compiled.options.names
        shapes.update(names.exact.values())
        shapes.update(shape for _, shape in names.globs)
    return policy.quoted_keys(text, sorted(shapes))


class _Pairs(list):
    """An object as the list of its members: a duplicate key's earlier value
    is committed too."""


class Decoded(NamedTuple):
    root: object
    direct: Set[int]  # id() of the objects holding a candidate string (all objects with a string, without candidates)
    hot: Set[int]  # id() of those and of every object or array that contains one


def _decode(text: str, candidates: Optional[Set[str]]) -> Optional[Decoded]:
    """The document, by the standard library's C decoder, with the objects
    that can hold a key marked as it builds them (bottom-up, so an object
    knows whether its members contain one): the walks that follow visit only
    those. None for JSONC or broken JSON, which the positional reader then
    explains."""
    import json

    direct: Set[int] = set()
    hot: Set[int] = set()

    def hot_array(array: list) -> bool:
        # nested arrays first, all of them: each must know whether it is hot
        inner = list in set(map(type, array)) and any([hot_array(x) for x in array if type(x) is list])
        if inner or not hot.isdisjoint(map(id, array)):
            hot.add(id(array))
            return True
        return False

    def hook(members):
        obj = _Pairs(members)
        mine = inner = False
        for _, value in members:
            kind = value.__class__
            if kind is str:
                if candidates is None or value in candidates:
                    mine = True
            elif kind is _Pairs:
                inner = inner or id(value) in hot
            elif kind is list:
                inner = hot_array(value) or inner
        if mine:
            direct.add(id(obj))
        if mine or inner:
            hot.add(id(obj))
        return obj

    try:
        root = json.loads(text, object_pairs_hook=hook)
    except (ValueError, RecursionError):
        return None
    if type(root) is list:
        hot_array(root)
    return Decoded(root, direct, hot)


class PlainPair(NamedTuple):
    """A pair found in the decoded document, before its position is known."""

    name: str
    value: str
    where: str
    member: str  # the key the value is written under: the name, or a name/value object's `value` key
    owner: int  # id() of the object that holds it
    last: bool  # a name/value object's value: the object's last member of that key (as dict() takes it)


def plain_pairs(decoded: Decoded, match: CredentialValues) -> Iterator[PlainPair]:
    """pairs() over the decoded document: the same objects, in the same order."""
    objects = [(decoded.root, "$")] if match.top_level else _walk_direct(decoded)
    for obj, path in objects:
        if not isinstance(obj, _Pairs) or id(obj) not in decoded.direct:
            continue
        if match.require:
            keys = {key for key, _ in obj}
            if not all(name in keys for name in match.require):
                continue
        for key, value in obj:
            if isinstance(value, str) and match.names.shape_for(key) is not None:
                yield PlainPair(key, value, _child(path, key), key, id(obj), False)
        fields = dict(obj)
        for name_key, value_key in NAME_VALUE_KEYS:
            name, value = fields.get(name_key), fields.get(value_key)
            if isinstance(name, str) and isinstance(value, str) and match.names.shape_for(name):
                yield PlainPair(name, value, f"{path} ({name})", value_key, id(obj), True)


def _walk_direct(decoded: Decoded) -> Iterator[Tuple[object, str]]:
    """The objects that hold a candidate, with their JSON paths, in document
    order, descending only where one is."""
    hot = decoded.hot
    stack = [(decoded.root, "$")]
    while stack:
        item, where = stack.pop()
        if type(item) is _Pairs:
            if id(item) in decoded.direct:
                yield item, where
            stack.extend(reversed([(v, _child(where, k)) for k, v in item if id(v) in hot]))
        elif type(item) is list:
            stack.extend(reversed([(v, f"{where}[{i}]") for i, v in enumerate(item) if id(v) in hot]))


def locate(text: str, decoded: Decoded, found: Sequence[Tuple[Rule, CredentialValues, List[PlainPair]]]) -> Optional[List[List[Pair]]]:
    """Where each pair's value is written. A member `"key": "value"` is found
    by a regex over the text: the regex cannot match inside a string (its
    quotes would be escaped there), so its matches are the members with that
    key and value, in document order, and the n-th such member of the decoded
    document is the n-th match. None when the counts disagree (a key written
    in a way the regex does not foresee): then the positional reader decides."""
    wanted = {(p.member, p.value) for _, _, rule_pairs in found for p in rule_pairs}
    owners: Dict[Tuple[str, str], List[int]] = {member: [] for member in wanted}
    for key, value, owner in _members(decoded):
        spot = owners.get((key, value))
        if spot is not None:
            spot.append(owner)
    spans: Dict[Tuple[str, str, int], List[Tuple[int, int]]] = {}
    for (key, value), ids in owners.items():
        regex = re.compile('"' + _encoded(key) + r'"[ \t\r\n]*:[ \t\r\n]*"(' + _encoded(value) + ')"')
        matches = [m.span(1) for m in regex.finditer(text)]
        if len(matches) != len(ids):
            return None
        for owner, span in zip(ids, matches):
            spans.setdefault((key, value, owner), []).append(span)
    out = []
    for _, _, rule_pairs in found:
        seen: Dict[Tuple[str, str, int], int] = {}
        located = []
        for pair in rule_pairs:
            member = (pair.member, pair.value, pair.owner)
            if pair.last:
                start, end = spans[member][-1]
            else:
                index = seen.get(member, 0)
                seen[member] = index + 1
                start, end = spans[member][index]
            located.append(Pair(pair.name, pair.value, start, end, pair.where))
        out.append(located)
    return out


_SHORT_ESCAPES = {'"': r'\\"', "\\": r"\\\\", "/": r"\\/", "\b": r"\\b", "\f": r"\\f", "\n": r"\\n", "\r": r"\\r",
                  "\t": r"\\t"}


def _members(decoded: Decoded) -> Iterator[Tuple[str, str, int]]:
    """The string members of the objects that hold a candidate, in document
    order (a member nested in an earlier sibling comes before the later
    sibling), with the id() of their object."""
    hot = decoded.hot
    stack: List[Iterator] = [iter((decoded.root,))]
    while stack:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
        elif type(item) is tuple:
            yield item
        elif type(item) is _Pairs:
            stack.append(_object_members(item, id(item) in decoded.direct, hot))
        elif type(item) is list:
            stack.append(iter([x for x in item if id(x) in hot]))


_END = object()


def _object_members(obj: _Pairs, direct: bool, hot: Set[int]) -> Iterator:
    owner = id(obj)
    for key, value in obj:
        if type(value) is str:
            if direct:
                yield key, value, owner
        elif id(value) in hot:
            yield value


def _encoded(value: str) -> str:
    """A regex for `value` as the content of a JSON string, however it is
    written: raw, short escape, or \\u escape (a pair for astral characters)."""
    parts = []
    for char in value:
        ways = []
        if char not in '"\\' and ord(char) >= 0x20:
            ways.append(re.escape(char))
        if char in _SHORT_ESCAPES:
            ways.append(_SHORT_ESCAPES[char])
        units = char.encode("utf-16-be", "surrogatepass")
        ways.append("".join(r"\\u(?i:" + units[i:i + 2].hex() + ")" for i in range(0, len(units), 2)))
        parts.append("(?:" + "|".join(ways) + ")")
    return "".join(parts)


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
