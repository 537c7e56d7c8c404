"""What the Python analyzer knows about the AWS SDKs, compiled from the
`kind: python-sdk` documents in rules/shared (and any a user adds)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Pattern, Sequence, Tuple

from ...endpoints import Endpoints
from ...yamlsource import Located

CREDENTIAL_ROLES = ("access-key-id", "secret-access-key", "session-token")


@dataclass(frozen=True)
class CalleeGroup:
    """Callees that share a signature and a way of taking credentials."""

    callees: Tuple[str, ...]
    parameters: Tuple[str, ...]
    credentials: Dict[str, str]  # argument name -> credential role
    endpoint: Tuple[str, ...] = ()  # "endpoint_url" or "client_kwargs.endpoint_url"
    fix: str = "remove-arguments"


@dataclass
class CalleeIndex:
    """Exact names in a dict, `*` patterns as one regex each."""

    exact: Dict[str, CalleeGroup] = field(default_factory=dict)
    patterns: List[Tuple[Pattern[str], CalleeGroup]] = field(default_factory=list)

    def add(self, group: CalleeGroup) -> None:
        for callee in group.callees:
            if "*" in callee:
                regex = re.escape(callee).replace(r"\*", r"[^.()]*")
                self.patterns.append((re.compile(regex + r"\Z"), group))
            else:
                self.exact[callee] = group

    def lookup(self, qualified: str) -> Optional[CalleeGroup]:
        group = self.exact.get(qualified)
        if group is not None:
            return group
        for regex, group in self.patterns:
            if regex.match(qualified):
                return group
        return None

    def groups(self) -> List[CalleeGroup]:
        seen: Dict[int, CalleeGroup] = {}
        for g in list(self.exact.values()) + [g for _, g in self.patterns]:
            seen.setdefault(id(g), g)
        return list(seen.values())


@dataclass
class PythonSdk:
    aliases: Dict[str, str] = field(default_factory=dict)
    callee_sets: Dict[str, List[CalleeGroup]] = field(default_factory=dict)
    wrappers: FrozenSet[str] = frozenset()
    env_readers: FrozenSet[str] = frozenset()
    env_setters: FrozenSet[str] = frozenset()
    env_variables: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    response_methods: FrozenSet[str] = frozenset()
    response_keys: FrozenSet[str] = frozenset()
    response_methods_with_arguments: FrozenSet[str] = frozenset()
    caller_objects: FrozenSet[str] = frozenset()
    caller_self_attributes: FrozenSet[str] = frozenset()
    test_markers: FrozenSet[str] = frozenset()
    endpoints: Endpoints = field(default_factory=Endpoints)
    _alias_items: Tuple[Tuple[str, str], ...] = ()

    @property
    def wrappers_tails(self) -> FrozenSet[str]:
        return frozenset(w.rsplit(".", 1)[-1] for w in self.wrappers)

    def canonical(self, qualified: str) -> str:
        """Rewrite the longest alias prefix that ends on a name boundary."""
        for prefix, target in self._alias_items:
            if qualified.startswith(prefix):
                rest = qualified[len(prefix):]
                if not rest or rest[0] in ".(" or prefix.endswith(")"):
                    return target + rest
        return qualified

    def finish(self) -> "PythonSdk":
        self._alias_items = tuple(sorted(self.aliases.items(), key=lambda kv: -len(kv[0])))
        return self

    def endpoint_kind(self, url: str) -> str:
        """'local' | 'aws' | 'other' for a literal endpoint URL."""
        return self.endpoints.kind(url)


def merge_sdk(docs: Sequence[Located], endpoints: Optional[Endpoints] = None) -> PythonSdk:
    """Later documents extend earlier ones: a user's file can add callees to a
    built-in set, aliases, or API-response methods."""
    sdk = PythonSdk(endpoints=endpoints or Endpoints())
    wrappers, readers, setters, methods, keys = set(), set(), set(), set(), set()
    caller_objects, caller_attributes, markers, with_arguments = set(), set(), set(), set()
    env: Dict[str, set] = {role: set() for role in CREDENTIAL_ROLES}
    for doc in docs:
        data = doc.data or {}
        for alias, target in (data.get("aliases") or {}).items():
            sdk.aliases[str(alias)] = str(target)
        for set_name, groups in (data.get("callee-sets") or {}).items():
            if not isinstance(groups, list):
                raise doc.error(("callee-sets", set_name), "a callee set is a list of groups")
            target = sdk.callee_sets.setdefault(set_name, [])
            for index, spec in enumerate(groups):
                target.append(compile_group(doc, ("callee-sets", set_name, index), spec))
        wrappers.update(data.get("wrappers") or ())
        environment = data.get("environment") or {}
        readers.update(environment.get("readers") or ())
        setters.update(environment.get("setters") or ())
        for role, names in (environment.get("variables") or {}).items():
            if role not in env:
                raise doc.error(("environment", "variables", role),
                                f"unknown credential role {role!r}; use one of {', '.join(CREDENTIAL_ROLES)}")
            env[role].update(names)
        responses = data.get("api-responses") or {}
        methods.update(responses.get("methods") or ())
        keys.update(responses.get("keys") or ())
        with_arguments.update(responses.get("only-with-arguments") or ())
        caller = data.get("caller-input") or {}
        caller_objects.update(caller.get("objects") or ())
        caller_attributes.update(caller.get("self-attributes") or ())
        markers.update(data.get("test-markers") or ())
    sdk.wrappers = frozenset(wrappers)
    sdk.env_readers = frozenset(readers)
    sdk.env_setters = frozenset(setters)
    sdk.env_variables = {role: frozenset(v) for role, v in env.items()}
    sdk.response_methods = frozenset(methods)
    sdk.response_keys = frozenset(keys)
    sdk.response_methods_with_arguments = frozenset(with_arguments)
    sdk.caller_objects = frozenset(caller_objects)
    sdk.caller_self_attributes = frozenset(caller_attributes)
    sdk.test_markers = frozenset(markers)
    return sdk.finish()


def compile_group(doc: Located, path: tuple, spec: object) -> CalleeGroup:
    if not isinstance(spec, dict):
        raise doc.error(path, "a callee group is a mapping with 'callees' and 'credentials'")
    callees = spec.get("callees")
    if not isinstance(callees, list) or not callees or not all(isinstance(c, str) for c in callees):
        raise doc.error(path + ("callees",), "'callees' must be a non-empty list of qualified names")
    credentials = spec.get("credentials")
    if not isinstance(credentials, dict) or not credentials:
        raise doc.error(path + ("credentials",), "'credentials' maps argument names to credential roles")
    for name, role in credentials.items():
        if role not in CREDENTIAL_ROLES:
            raise doc.error(path + ("credentials", name),
                            f"unknown credential role {role!r}; use one of {', '.join(CREDENTIAL_ROLES)}")
    fix = spec.get("fix", "remove-arguments")
    if fix not in ("remove-arguments", "remove-statement", "none"):
        raise doc.error(path + ("fix",), f"unknown fix {fix!r}; use remove-arguments, remove-statement or none")
    return CalleeGroup(
        callees=tuple(callees),
        parameters=tuple(spec.get("parameters") or ()),
        credentials={str(k): str(v) for k, v in credentials.items()},
        endpoint=tuple(spec.get("endpoint") or ()),
        fix=fix,
    )
