"""The `sdk-call` match kind: AWS SDK constructors that receive credentials."""
from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Tuple

from ...model import FixPlan, Span
from ...source import Source
from ..base import RawFinding
from .assignments import literal_spans
from .names import CallSite, ModuleModel
from .sdk import CalleeGroup, CalleeIndex
from .values import ENV_STANDARD, NONE, PLACEHOLDER, RESPONSE, SECRET, Resolver, Value


@dataclass(frozen=True)
class SdkCallMatch:
    index: CalleeIndex
    values: FrozenSet[str]
    skip_endpoints: FrozenSet[str]
    keyword_names: FrozenSet[str]  # every credential argument name of the index
    positional: bool  # some callee takes credentials positionally
    tails: FrozenSet[str] = frozenset()  # last names of the callees (`client`, `Session`...)
    tail_patterns: Tuple[str, ...] = ()  # fnmatch patterns for callees written with `*`
    advice: Tuple[Tuple[str, str], ...] = ()  # situation (server, caller) -> what the message's {advice} says
    ignore_in_tests: FrozenSet[str] = frozenset()  # value kinds that do not count in test code


@dataclass
class CredentialArgument:
    name: str
    role: str
    value: Value
    node: ast.AST  # what the finding's span covers
    how: str  # keyword | positional | dict-entry | splat
    splat_name: str = ""


@dataclass
class CallAnalysis:
    site: CallSite
    callee: str
    group: CalleeGroup
    arguments: List[CredentialArgument] = field(default_factory=list)
    endpoint: str = "none"  # none | aws | local | other | unknown
    blockers: List[str] = field(default_factory=list)  # why no fix can be offered


def analyze_calls(model: ModuleModel, resolver: Resolver, match: SdkCallMatch) -> List[CallAnalysis]:
    out = []
    for site in model.calls:
        call = site.node
        if not any(kw.arg in match.keyword_names for kw in call.keywords if kw.arg is not None):
            # no credential keyword: only a `**dict` or positional arguments could
            # carry credentials, and only to a call that can be a callee
            splat = any(kw.arg is None for kw in call.keywords)
            if not (splat or (match.positional and call.args)) or not _may_be_callee(call.func, match, resolver):
                continue
        analysis = _analyze(site, resolver, match)
        if analysis is not None and analysis.arguments:
            out.append(analysis)
    return out


def _may_be_callee(func: ast.expr, match: SdkCallMatch, resolver: Resolver) -> bool:
    """A cheap test before resolving a call with positional arguments only:
    an attribute call must end in a callee's name (attributes cannot be
    renamed); a plain name may be an alias, so it is resolved."""
    if func.__class__ is ast.Attribute:
        name = func.attr
        if name in match.tails or name in resolver.sdk.wrappers_tails:
            return True
        return any(fnmatch.fnmatchcase(name, p) for p in match.tail_patterns)
    if func.__class__ is ast.Name:  # an alias must be bound in this module (len, str, print are not)
        return func.id in resolver.model.bound_names or bool(resolver.model.star_imports)
    return func.__class__ in (ast.Call, ast.Subscript)  # factory()(...), registry["s3"](...)


def _analyze(site: CallSite, resolver: Resolver, match: SdkCallMatch) -> Optional[CallAnalysis]:
    call, scope = site.node, site.scope
    callee = resolver.qualified(call.func, scope)
    if callee is None:
        return None
    args, keywords = list(call.args), list(call.keywords)
    blockers = []
    group = match.index.lookup(callee)
    if group is None and callee in resolver.sdk.wrappers and args:
        inner = resolver.qualified(args[0], scope)
        group = match.index.lookup(inner) if inner else None
        if group is None:
            return None
        callee, args = inner, args[1:]
        blockers.append("the call goes through a wrapper such as functools.partial")
    if group is None:
        return None
    analysis = CallAnalysis(site, callee, group, blockers=blockers)
    credentials = group.credentials
    for position, arg in enumerate(args):
        if arg.__class__ is ast.Starred:
            break
        if position < len(group.parameters):
            name = group.parameters[position]
            if name in credentials:
                analysis.arguments.append(CredentialArgument(
                    name, credentials[name], resolver.classify(arg, scope, credentials[name]), arg, "positional"))
    for kw in keywords:
        if kw.arg is not None:
            if kw.arg in credentials:
                role = credentials[kw.arg]
                analysis.arguments.append(
                    CredentialArgument(kw.arg, role, resolver.classify(kw.value, scope, role), kw, "keyword"))
            continue
        entries = resolver.dict_entries(kw.value, scope)
        if entries is None:
            continue
        pairs, complete, inline = entries
        found = [(key, value) for key, value in pairs if key in credentials]
        for key, value in found:
            role = credentials[key]
            value_scope = scope
            if not inline and kw.value.__class__ is ast.Name:
                binding = resolver.model.lookup(kw.value.id, scope, (kw.value.lineno, kw.value.col_offset))
                value_scope = binding.scope if binding is not None else scope
            classified = resolver.classify(value, value_scope, role)
            if inline:
                analysis.arguments.append(CredentialArgument(key, role, classified, _entry_node(kw.value, key), "dict-entry"))
            else:
                analysis.arguments.append(CredentialArgument(key, role, classified, kw, "splat", kw.value.id))
        if found and not inline and (not complete or len(found) != len(pairs)):
            blockers.append(f"`**{getattr(kw.value, 'id', 'kwargs')}` holds more than credentials")
    if any(a.how == "positional" for a in analysis.arguments) and group.fix == "remove-arguments":
        blockers.append("the credentials are positional arguments")
    analysis.endpoint = _endpoint(call, group, resolver, scope, args)
    return analysis


def _entry_node(dict_node: ast.Dict, key: str) -> ast.AST:
    for k, v in zip(dict_node.keys, dict_node.values):
        if isinstance(k, ast.Constant) and k.value == key:
            return _Range(k, v)
    return dict_node


class _Range:
    """The span from one node's start to another's end (a dict entry)."""

    def __init__(self, first: ast.AST, last: ast.AST) -> None:
        self.lineno, self.col_offset = first.lineno, first.col_offset
        self.end_lineno, self.end_col_offset = last.end_lineno, last.end_col_offset


def _endpoint(call: ast.Call, group: CalleeGroup, resolver: Resolver, scope, args) -> str:
    for spec in group.endpoint:
        outer, _, inner = spec.partition(".")
        node = _argument(call, group, outer, args)
        if node is not None and inner:
            entries = resolver.dict_entries(node, scope)
            node = dict(entries[0]).get(inner) if entries else None
        if node is None:
            continue
        value = resolver.classify(node, scope)
        if value.kind == NONE:
            continue
        if value.literal is not None:
            return resolver.sdk.endpoint_kind(value.literal)
        partial = resolver.partial_string(node, scope)
        if partial and "\0" in partial:  # f"http://localhost:{PORT}": decide by the known host, if it is known
            kind = resolver.sdk.endpoint_kind(partial.split("\0", 1)[0])
            host_known = "//" in partial.split("\0", 1)[0] and _host_complete(partial)
            if host_known:
                return kind
        elif partial:
            return resolver.sdk.endpoint_kind(partial)
        return "unknown"
    return "none"


def _host_complete(partial: str) -> bool:
    """Whether the unknown parts of a URL come after its host name ended."""
    rest = partial.split("//", 1)[1]
    head = rest.split("\0", 1)[0]
    return any(sep in head for sep in (":", "/", "?"))


def _argument(call: ast.Call, group: CalleeGroup, name: str, args) -> Optional[ast.expr]:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if name in group.parameters:
        position = group.parameters.index(name)
        if position < len(args) and not any(a.__class__ is ast.Starred for a in args[: position + 1]):
            return args[position]
    return None


# -- from analyses to findings ---------------------------------------------------

ORIGIN_LABELS = {
    ENV_STANDARD: "the environment",
    "environment-other": "the environment",
    "parameter": "function parameters",
    "expression": "variables or settings",
    PLACEHOLDER: "placeholder values",
    SECRET: "hardcoded values",
}


def findings_for(rule, match: SdkCallMatch, fix_options: Optional[dict], analyses: List[CallAnalysis],
                 source: Source, test: bool = False) -> List[RawFinding]:
    """`test`: the module is test code, where the rule's `ignore-in-tests`
    values (placeholders: stubs for moto or a Stubber) do not count."""
    ignored = (NONE, RESPONSE) + (tuple(match.ignore_in_tests) if test else ())
    out = []
    for analysis in analyses:
        counted = [a for a in analysis.arguments if a.value.kind not in ignored]
        endpoint = analysis.endpoint
        if endpoint == "unknown" and counted and all(a.value.kind == PLACEHOLDER for a in counted):
            endpoint = "local"  # a custom endpoint from elsewhere with dummy keys: an emulator setup
        if endpoint in match.skip_endpoints:
            continue
        if not counted or not any(a.value.kind in match.values for a in counted):
            continue
        if any(a.value.kind == RESPONSE for a in analysis.arguments):
            continue  # keys from an STS/IAM/Secrets Manager response: the role pattern
        nodes = sorted((a.node for a in analysis.arguments), key=lambda n: (n.lineno, n.col_offset))
        span = Span(
            nodes[0].lineno, source.char_column(nodes[0].lineno, nodes[0].col_offset),
            nodes[-1].end_lineno, source.char_column(nodes[-1].end_lineno, nodes[-1].end_col_offset),
        )
        secrets = tuple(a.value.literal for a in counted if a.value.kind == SECRET and a.value.literal)
        written = [literal_spans(source, a.value.literal_node) for a in counted
                   if a.value.kind == SECRET and a.value.literal_node is not None]
        secret_spans = tuple(span for whole, _ in written for span in whole)
        piece_spans = tuple(span for _, pieces in written for span in pieces)
        names = _unique(a.name for a in analysis.arguments)
        origins = _unique(_origin(a.value) for a in counted)
        material = "\0".join(secrets) if secrets else "\0".join(
            [analysis.callee] + [f"{a.name}={a.value.kind}:{a.value.detail}" for a in counted])
        out.append(RawFinding(
            rule=rule,
            span=span,
            secrets=secrets,
            material=material,
            values={"callee": analysis.callee, "arguments": ", ".join(names), "origin": ", ".join(origins),
                    "advice": dict(match.advice).get("caller" if _callers(counted) else "server", "")},
            fix_plan=_fix_plan(analysis, counted, fix_options, source),
            secret_spans=secret_spans,
            piece_spans=piece_spans,
            region=source.span_from_ast(analysis.site.statement or analysis.site.node),
        ))
    return out


def _origin(value: Value) -> str:
    if value.kind in (ENV_STANDARD, "environment-other") and value.detail not in ("", "environment"):
        return f"${value.detail}"
    if value.kind == "parameter":
        return f"parameter {value.detail}"
    return ORIGIN_LABELS.get(value.kind, "variables")


def _callers(counted: List[CredentialArgument]) -> bool:
    """Credentials the caller supplies (a parameter, a request's fields)."""
    return any(a.value.kind == "parameter" for a in counted)


def _unique(items) -> List[str]:
    seen: Dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


# Where the default credential chain is an alternative to explicit keys: no
# endpoint, or AWS's own. A rule's fix block may name others (`endpoints:`).
DEFAULT_FIX_ENDPOINTS = ("none", "aws")


def _fix_plan(analysis: CallAnalysis, counted: List[CredentialArgument], options: Optional[dict],
              source: Source) -> Optional[FixPlan]:
    if not options or analysis.group.fix == "none" or analysis.blockers:
        return None
    if analysis.site.in_lambda:
        return None
    if _callers(counted):
        return None  # a client per tenant or request: without the keys it would act as the program itself
    if analysis.endpoint not in (options.get("endpoints") or DEFAULT_FIX_ENDPOINTS):
        return None
    safe_kinds = frozenset(options.get("safe-when") or ())
    safe = all(a.value.kind in safe_kinds for a in counted)
    applicability = "safe" if safe else options["applicability"]
    op = options.get("op") or analysis.group.fix
    if analysis.group.fix == "remove-statement":
        statement = analysis.site.statement
        if statement is None or op != "remove-statement":
            return None
        return FixPlan("remove-statement", applicability, options["title"], source.span_from_ast(statement))
    if op == "replace-arguments" and any(a.how != "keyword" for a in analysis.arguments):
        return None  # a replacement takes the place of keyword arguments only
    return FixPlan(
        op="replace-arguments" if op == "replace-arguments" else "remove-arguments",
        applicability=applicability,
        title=options["title"],
        target=source.span_from_ast(analysis.site.node),
        arguments=tuple(_unique(a.name for a in analysis.arguments if a.how in ("keyword", "dict-entry"))),
        splats=tuple(_unique(a.splat_name for a in analysis.arguments if a.how == "splat")),
        replacement=options.get("with", "") if op == "replace-arguments" else "",
        imports=tuple(options.get("imports") or ()) if op == "replace-arguments" else (),
    )
