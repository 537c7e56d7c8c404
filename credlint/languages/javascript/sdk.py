"""What the JavaScript analyzer knows about the AWS SDKs for JavaScript,
compiled from the `kind: javascript-sdk` documents in rules/shared (and any a
user adds)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Pattern, Sequence, Tuple

from ...endpoints import Endpoints
from ...yamlsource import Located

CREDENTIAL_ROLES = ("access-key-id", "secret-access-key", "session-token")


def name_pattern(names: Sequence[str]) -> Optional[Pattern[str]]:
    """Qualified-name patterns as one regex: `*` matches within one dotted
    segment or path part."""
    if not names:
        return None
    parts = [re.escape(n).replace(r"\*", r"[^./() ]*") for n in names]
    return re.compile("(?:" + "|".join(parts) + r")\Z")


@dataclass(frozen=True)
class CalleeGroup:
    """Calls (or constructors) that take credentials the same way."""

    callees: Tuple[str, ...]
    pattern: Pattern[str]
    exclude: Optional[Pattern[str]]
    options: Optional[int]  # the argument that is an options object
    parameters: Tuple[str, ...]  # positional credential arguments, by credential name
    credentials: Dict[str, str]  # property name -> credential role
    credentials_object: str  # the property holding a credentials object ("credentials"), or ""
    endpoint: Tuple[str, ...]
    fix: str  # remove-properties | none

    def matches(self, qualified: str) -> bool:
        return bool(self.pattern.match(qualified)) and not (self.exclude and self.exclude.match(qualified))


@dataclass(frozen=True)
class AssignmentGroup:
    """`target = value` statements that set credentials (AWS.config.credentials = ...)."""

    targets: Tuple[str, ...]
    pattern: Pattern[str]
    credentials: Dict[str, str]  # target's last name -> role, for single-key targets
    credentials_object: bool  # the value is a whole credentials object


@dataclass
class JsSdk:
    aliases: Dict[str, str] = field(default_factory=dict)
    callee_sets: Dict[str, List[CalleeGroup]] = field(default_factory=dict)
    assignment_sets: Dict[str, List[AssignmentGroup]] = field(default_factory=dict)
    load_from_path: Optional[Pattern[str]] = None
    providers: Optional[Pattern[str]] = None
    env_variables: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    response_methods: FrozenSet[str] = frozenset()
    response_commands: FrozenSet[str] = frozenset()
    response_keys: FrozenSet[str] = frozenset()
    browser_extensions: Tuple[str, ...] = ()
    browser_modules: FrozenSet[str] = frozenset()
    test_markers: FrozenSet[str] = frozenset()
    browser_env_prefixes: Tuple[str, ...] = ()
    endpoints: Endpoints = field(default_factory=Endpoints)

    def canonical(self, module: str) -> str:
        return self.aliases.get(module, module)

    def is_provider(self, qualified: Optional[str]) -> bool:
        return qualified is not None and self.providers is not None and bool(self.providers.match(qualified))


def merge_sdk(docs: Sequence[Located], endpoints: Optional[Endpoints] = None) -> JsSdk:
    """Later documents extend earlier ones: a user's file can add callees to
    a built-in set, providers or API-response methods."""
    sdk = JsSdk(endpoints=endpoints or Endpoints())
    load, providers, methods, commands, keys = [], [], set(), set(), set()
    env: Dict[str, set] = {role: set() for role in CREDENTIAL_ROLES}
    extensions, modules, prefixes, markers = [], set(), [], set()
    for doc in docs:
        data = doc.data or {}
        for alias, target in (data.get("aliases") or {}).items():
            sdk.aliases[str(alias)] = str(target)
        for set_name, groups in (data.get("callee-sets") or {}).items():
            if not isinstance(groups, list):
                raise doc.error(("callee-sets", set_name), "a callee set is a list of groups")
            for index, spec in enumerate(groups):
                path = ("callee-sets", set_name, index)
                if isinstance(spec, dict) and "targets" in spec:
                    sdk.assignment_sets.setdefault(set_name, []).append(compile_assignment(doc, path, spec))
                else:
                    sdk.callee_sets.setdefault(set_name, []).append(compile_group(doc, path, spec))
        load.extend(data.get("load-from-path") or ())
        providers.extend(data.get("providers") or ())
        for role, names in ((data.get("environment") or {}).get("variables") or {}).items():
            if role not in env:
                raise doc.error(("environment", "variables", role),
                                f"unknown credential role {role!r}; use one of {', '.join(CREDENTIAL_ROLES)}")
            env[role].update(names)
        responses = data.get("api-responses") or {}
        methods.update(responses.get("methods") or ())
        commands.update(responses.get("commands") or ())
        keys.update(responses.get("keys") or ())
        browser = data.get("browser") or {}
        extensions.extend(str(e).lower() for e in browser.get("extensions") or ())
        modules.update(browser.get("modules") or ())
        markers.update(data.get("test-markers") or ())
        prefixes.extend(browser.get("env-prefixes") or ())
    sdk.load_from_path = name_pattern(load)
    sdk.providers = name_pattern(providers)
    sdk.env_variables = {role: frozenset(v) for role, v in env.items()}
    sdk.response_methods = frozenset(methods)
    sdk.response_commands = frozenset(commands)
    sdk.response_keys = frozenset(keys)
    sdk.browser_extensions = tuple(extensions)
    sdk.browser_modules = frozenset(modules)
    sdk.test_markers = frozenset(markers)
    sdk.browser_env_prefixes = tuple(prefixes)
    return sdk


def _credentials(doc: Located, path: tuple, spec: dict) -> Dict[str, str]:
    credentials = spec.get("credentials")
    if credentials is None:
        return {}
    if not isinstance(credentials, dict):
        raise doc.error(path + ("credentials",), "'credentials' maps property names to credential roles")
    for name, role in credentials.items():
        if role not in CREDENTIAL_ROLES:
            raise doc.error(path + ("credentials", name),
                            f"unknown credential role {role!r}; use one of {', '.join(CREDENTIAL_ROLES)}")
    return {str(k): str(v) for k, v in credentials.items()}


def compile_group(doc: Located, path: tuple, spec: object) -> CalleeGroup:
    if not isinstance(spec, dict):
        raise doc.error(path, "a callee group is a mapping with 'callees' and 'credentials'")
    callees = spec.get("callees")
    if not isinstance(callees, list) or not callees or not all(isinstance(c, str) for c in callees):
        raise doc.error(path + ("callees",), "'callees' must be a non-empty list of qualified names")
    credentials = _credentials(doc, path, spec)
    holder = spec.get("credentials-object") or ""
    if not credentials and not holder:
        raise doc.error(path, "a callee group needs 'credentials' or 'credentials-object'")
    fix = spec.get("fix", "remove-properties")
    if fix not in ("remove-properties", "none"):
        raise doc.error(path + ("fix",), f"unknown fix {fix!r}; use remove-properties or none")
    options = spec.get("options")
    if options is not None and (not isinstance(options, int) or options < 0):
        raise doc.error(path + ("options",), "'options' is the position of the options argument (0 for the first)")
    return CalleeGroup(
        callees=tuple(callees),
        pattern=name_pattern(callees),  # type: ignore[arg-type]
        exclude=name_pattern(spec.get("not") or ()),
        options=options,
        parameters=tuple(spec.get("parameters") or ()),
        credentials=credentials,
        credentials_object=str(holder),
        endpoint=tuple(spec.get("endpoint") or ()),
        fix=fix,
    )


def compile_assignment(doc: Located, path: tuple, spec: dict) -> AssignmentGroup:
    targets = spec.get("targets")
    if not isinstance(targets, list) or not targets or not all(isinstance(t, str) for t in targets):
        raise doc.error(path + ("targets",), "'targets' must be a non-empty list of qualified names")
    return AssignmentGroup(
        targets=tuple(targets),
        pattern=name_pattern(targets),  # type: ignore[arg-type]
        credentials=_credentials(doc, path, spec),
        credentials_object=bool(spec.get("credentials-object")),
    )
