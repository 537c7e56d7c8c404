"""The `sdk-call` match kind for JavaScript: AWS SDK constructors and calls
that receive credentials (v2 clients and `AWS.config`, v3 clients,
`new AWS.Credentials`), and assignments of credentials to `AWS.config`.

Each site becomes a CallAnalysis: the credential arguments found (a property
of the options object, a property of its `credentials` object or of the
object a `credentials` function returns, a positional argument of
`new AWS.Credentials`), each with its value kind; the endpoint; and why no
fix can be offered, if so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Tuple

from ...model import FixPlan, Span
from ..base import RawFinding
from .model import ModuleModel
from .sdk import AssignmentGroup, CalleeGroup
from .syntax import Positions, enclosing_statement, members, property_name, text, unwrap
from .values import ENV_STANDARD, NONE, PARAMETER, PLACEHOLDER, PROVIDER, RESPONSE, SECRET, Resolver, Value

EXPRESSION = "expression"


@dataclass(frozen=True)
class SdkCallMatch:
    groups: Tuple[CalleeGroup, ...]
    assignments: Tuple[AssignmentGroup, ...]
    values: FrozenSet[str]
    skip_endpoints: FrozenSet[str]
    credential_properties: Dict[str, str]  # accessKeyId -> access-key-id... (inside a `credentials` object)
    advice: Dict[str, str]  # where the code runs -> what the message advises
    ignore_in_tests: FrozenSet[str] = frozenset()  # value kinds that do not count in test code


@dataclass
class Argument:
    name: str  # the credential's name: accessKeyId, or a positional parameter's
    role: str
    value: Value
    node: object  # what the finding's span covers (a property, an argument)
    how: str  # property | nested | positional | assigned | spread


@dataclass
class CallAnalysis:
    site: object  # the call, constructor or assignment node
    callee: str  # as written, for messages: `new AWS.S3`
    group: Optional[CalleeGroup]
    arguments: List[Argument] = field(default_factory=list)
    endpoint: str = "none"
    blockers: List[str] = field(default_factory=list)
    options: Optional[object] = None  # the options object literal, when written inline
    consumed: List[int] = field(default_factory=list)  # `new AWS.Credentials(...)` read as this site's credentials
    removable: List[str] = field(default_factory=list)  # its top-level properties a fix removes
    statement: Optional[object] = None  # the statement a fix removes instead (AWS.config.credentials = ...)


def analyze_sites(model: ModuleModel, resolver: Resolver, match: SdkCallMatch) -> List[CallAnalysis]:
    """Every site with credential arguments; a `new AWS.Credentials(...)`
    that is another site's credentials is reported there, not twice."""
    found = _sites(model, resolver, match)
    consumed = {start for analysis in found for start in analysis.consumed}
    return [a for a in found if a.site.start_byte not in consumed or a.site.type != "new_expression"]


def _sites(model: ModuleModel, resolver: Resolver, match: SdkCallMatch) -> List[CallAnalysis]:
    out = []
    for site in model.news + model.calls:
        name = resolver.callee(site)
        if name is None:
            continue
        group = next((g for g in match.groups if g.matches(name)), None)
        if group is None:
            continue
        analysis = _analyze_call(site, group, resolver, match)
        if analysis.arguments:
            out.append(analysis)
    for site in model.assignments:
        left = site.child_by_field_name("left")
        if left is None or left.type not in ("member_expression", "subscript_expression"):
            continue
        name = resolver.qualified(left)
        group = next((g for g in match.assignments if name and g.pattern.match(name)), None)
        if group is None:
            continue
        analysis = _analyze_assignment(site, name or "", group, resolver, match)
        if analysis.arguments:
            out.append(analysis)
    return out


def _arguments(site) -> List[object]:
    node = site.child_by_field_name("arguments")
    return [c for c in node.named_children if c.type != "comment"] if node is not None else []


def _display(site) -> str:
    """The callee as written: `new AWS.S3`, `AWS.config.update`."""
    if site.type == "new_expression":
        ctor = site.child_by_field_name("constructor")
        shown = f"new {text(ctor)}" if ctor is not None else "new"
    else:
        function = site.child_by_field_name("function")
        shown = text(function) if function is not None else "call"
    shown = " ".join(shown.split())
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _analyze_call(site, group: CalleeGroup, resolver: Resolver, match: SdkCallMatch) -> CallAnalysis:
    analysis = CallAnalysis(site, _display(site), group)
    args = _arguments(site)
    if group.fix == "none":
        analysis.blockers.append("the credentials object is fixed where it is used")
    options = unwrap(args[group.options]) if group.options is not None and group.options < len(args) else None
    if options is not None and options.type != "object" and group.parameters and \
            resolver.object_literal(options) is None:
        options = None  # new AWS.Credentials(id, secret): positional
    if options is None and group.parameters:
        for position, name in enumerate(group.parameters):
            if position < len(args):
                role = group.credentials.get(name) or match.credential_properties.get(name, "")
                analysis.arguments.append(Argument(name, role, resolver.classify(args[position], role), args[position],
                                                   "positional"))
        return analysis
    if options is None:
        return analysis
    found = resolver.object_literal(options)
    if found is None:
        if options.type == "identifier":
            analysis.blockers.append("the options object is not visible")
        return analysis
    obj, where = found
    inline = options.type == "object" and where is resolver.model
    if inline:
        analysis.options = obj
    else:
        analysis.blockers.append("the options object is defined elsewhere")
    # Keys in an object defined elsewhere are reported there (CL201/CL202); the
    # call's finding points at the argument that brings them in.
    _read_options(analysis, obj, where, group, resolver, match, inline, anchor=None if inline else options)
    return analysis


def _read_options(analysis: CallAnalysis, obj, where: ModuleModel, group: CalleeGroup, resolver: Resolver,
                  match: SdkCallMatch, inline: bool, how: str = "property", anchor=None) -> None:
    for member in members(obj):
        kind = member.type
        if kind == "spread_element":
            inner = member.named_children[0] if member.named_children else None
            found = resolver.object_literal(inner, where) if inner is not None else None
            if found is not None:
                analysis.blockers.append("credentials come through a spread object")
                _read_options(analysis, found[0], found[1], group, resolver, match, False, "spread",
                              anchor or member)
            continue
        if kind not in ("pair", "shorthand_property_identifier"):
            continue
        name = property_name(member.child_by_field_name("key") if kind == "pair" else member)
        value = member.child_by_field_name("value") if kind == "pair" else member
        if name is None or value is None:
            continue
        if name in group.credentials:
            role = group.credentials[name]
            analysis.arguments.append(Argument(name, role, resolver.classify(value, role, where), anchor or member,
                                               how))
            if inline and how == "property":
                analysis.removable.append(name)
        elif group.credentials_object and name == group.credentials_object:
            removable = _read_credentials_object(analysis, value, anchor or member, where, resolver, match)
            if inline and how == "property" and removable:
                analysis.removable.append(name)
        elif name in group.endpoint:
            analysis.endpoint = _endpoint_kind(value, where, resolver)


def _read_credentials_object(analysis: CallAnalysis, value, holder, where: ModuleModel, resolver: Resolver,
                             match: SdkCallMatch) -> bool:
    """`credentials: {...}`, `credentials: () => ({...})`, `credentials: new
    AWS.Credentials(...)`, a provider, or a name for one of those. Returns
    whether removing the `credentials` property is the fix (it holds keys
    written in view, and nothing else)."""
    node = unwrap(value)
    for _ in range(8):
        if node is None:
            return False
        kind = node.type
        if kind in ("member_expression", "subscript_expression"):  # `settings.credentials`: an object in view?
            found = resolver.object_literal(node, where)
            if found is not None:
                node, where = found
                continue
        if kind in ("identifier", "shorthand_property_identifier"):
            binding_value = _binding_value(node, where, resolver)
            if binding_value is None:
                described = resolver.classify(node, "", where)
                if described.kind in (PROVIDER, RESPONSE, NONE):
                    return False
                analysis.arguments.append(Argument("credentials", "", described, holder, "nested"))
                return False
            node = unwrap(binding_value)
            continue
        if kind == "object":
            before = len(analysis.arguments)
            others = False
            for member in members(node):
                name = property_name(member.child_by_field_name("key") if member.type == "pair" else member) \
                    if member.type in ("pair", "shorthand_property_identifier") else None
                inner = member.child_by_field_name("value") if member.type == "pair" else member
                role = match.credential_properties.get(name or "")
                if role and inner is not None:
                    analysis.arguments.append(Argument(name, role, resolver.classify(inner, role, where), holder,
                                                       "nested"))
                elif name not in ("expiration", "expireTime"):
                    others = True
            return len(analysis.arguments) > before and not others
        if kind in ("arrow_function", "function_expression", "function"):
            returned = _returned_object(node)
            if returned is None:
                analysis.arguments.append(Argument("credentials", "", Value(EXPRESSION, detail="a function"),
                                                   holder, "nested"))
                return False
            node = returned
            continue
        if kind == "new_expression":
            name = resolver.qualified(node.child_by_field_name("constructor"), where)
            if resolver.sdk.is_provider(name):
                return False
            group = next((g for g in match.groups if g.parameters and g.matches(f"new {name}")), None)
            if group is None:
                analysis.arguments.append(Argument("credentials", "", resolver.classify(node, "", where), holder,
                                                   "nested"))
                return False
            inner = _analyze_call(node, group, resolver, match)
            analysis.consumed.append(node.start_byte)
            for argument in inner.arguments:
                analysis.arguments.append(Argument(argument.name, argument.role, argument.value, holder, "nested"))
            return bool(inner.arguments)
        described = resolver.classify(node, "", where)
        if described.kind not in (PROVIDER, RESPONSE, NONE):
            analysis.arguments.append(Argument("credentials", "", described, holder, "nested"))
        return False
    return False


def _binding_value(node, model: ModuleModel, resolver: Resolver):
    from .model import VALUE

    binding = model.lookup(text(node), model.scope_of(node.start_byte), node.start_byte)
    if binding is not None and binding.kind == VALUE and binding.value is not None:
        return binding.value
    return None


def _returned_object(function):
    """The object literal a function returns when that is all it does:
    `() => ({...})`, `async () => { return {...}; }`."""
    body = unwrap(function.child_by_field_name("body"))
    if body is None:
        return None
    if body.type == "object":
        return body
    if body.type == "statement_block":
        statements = [c for c in body.named_children if c.type != "comment"]
        if len(statements) == 1 and statements[0].type == "return_statement":
            returned = [c for c in statements[0].named_children if c.type != "comment"]
            inner = unwrap(returned[0]) if returned else None
            return inner if inner is not None and inner.type == "object" else None
    return None


def _endpoint_kind(value, where: ModuleModel, resolver: Resolver) -> str:
    described = resolver.classify(value, "", where)
    if described.kind == NONE:
        return "none"
    if described.literal is not None:
        return resolver.sdk.endpoints.kind(described.literal)
    return "unknown"


def _analyze_assignment(site, name: str, group: AssignmentGroup, resolver: Resolver,
                        match: SdkCallMatch) -> CallAnalysis:
    left = site.child_by_field_name("left")
    right = site.child_by_field_name("right")
    analysis = CallAnalysis(site, " ".join(text(left).split()) if left is not None else name, None)
    statement = site.parent
    if statement is not None and statement.type == "expression_statement":
        analysis.statement = statement
    else:
        analysis.blockers.append("the assignment is part of a larger expression")
    if group.credentials_object:
        _read_credentials_object(analysis, right, right, resolver.model, resolver, match)
        for argument in analysis.arguments:
            argument.how = "assigned"
    else:
        last = name.rsplit(".", 1)[-1]
        role = group.credentials.get(last, "")
        analysis.arguments.append(Argument(last, role, resolver.classify(right, role), right, "assigned"))
    return analysis


# -- from analyses to findings -----------------------------------------------------------------

ORIGIN_LABELS = {
    ENV_STANDARD: "the environment",
    "environment-other": "the environment",
    PARAMETER: "function parameters",
    EXPRESSION: "variables or settings",
    PLACEHOLDER: "placeholder values",
    SECRET: "hardcoded values",
}


def findings_for(rule, match: SdkCallMatch, fix_options: Optional[dict], analyses: List[CallAnalysis],
                 model: ModuleModel, positions: Positions, browser: bool, test: bool = False) -> List[RawFinding]:
    """`test`: the module is test code, where the rule's `ignore-in-tests`
    values (placeholders for a mock client) do not count."""
    ignored = (NONE, RESPONSE, PROVIDER) + (tuple(match.ignore_in_tests) if test else ())
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
            continue  # keys from an STS/Secrets Manager response: the role pattern
        in_browser = browser or any(a.value.browser for a in counted)
        nodes = sorted({id(a.node): a.node for a in analysis.arguments}.values(), key=lambda n: n.start_byte)
        span = positions.span(nodes[0].start_byte, nodes[-1].end_byte)
        local = [a for a in counted if a.value.kind == SECRET and a.value.literal]
        secrets = tuple(a.value.literal for a in local)
        whole, pieces = _literal_spans(local, model, positions)
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
                    "advice": _advice(match.advice, in_browser, counted)},
            fix_plan=None if in_browser else _fix_plan(analysis, counted, fix_options, positions),
            secret_spans=whole,
            piece_spans=pieces,
            region=positions.of(enclosing_statement(analysis.site)),
        ))
    return out


def _literal_spans(arguments: List[Argument], model: ModuleModel,
                   positions: Positions) -> Tuple[Tuple[Span, ...], Tuple[Span, ...]]:
    """Where the secrets are written in this file: a literal written whole
    keeps its ends in a code frame; pieces of a concatenation are masked whole.
    Literals in another module (a relative import) are not in this file."""
    whole: List[Span] = []
    pieces: List[Span] = []
    for argument in arguments:
        value = argument.value
        if value.model is not None and value.model is not model:
            continue
        target = whole if len(value.nodes) == 1 else pieces
        target.extend(positions.of(n) for n in value.nodes)
    return tuple(whole), tuple(pieces)


def _origin(value: Value) -> str:
    if value.kind in (ENV_STANDARD, "environment-other") and value.detail not in ("", "environment"):
        return f"${value.detail}"
    if value.kind == PARAMETER:
        return f"parameter {value.detail}"
    return ORIGIN_LABELS.get(value.kind, "variables")


def _unique(items) -> List[str]:
    seen: Dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


# Where the default credential chain is an alternative to explicit keys.
DEFAULT_FIX_ENDPOINTS = ("none", "aws")


def _advice(advice: Dict[str, str], in_browser: bool, counted: List[Argument]) -> str:
    if in_browser:
        return advice.get("browser", "")
    if any(a.value.kind == PARAMETER for a in counted) and "caller" in advice:
        return advice["caller"]
    return advice.get("server", "")


def _fix_plan(analysis: CallAnalysis, counted: List[Argument], options: Optional[dict],
              positions: Positions) -> Optional[FixPlan]:
    if not options or analysis.blockers:
        return None
    if analysis.endpoint not in (options.get("endpoints") or DEFAULT_FIX_ENDPOINTS):
        return None
    if any(a.value.kind == PARAMETER for a in counted):
        return None  # a client per tenant or caller: removing the keys changes whose identity it acts as
    safe_kinds = frozenset(options.get("safe-when") or ())
    applicability = "safe" if all(a.value.kind in safe_kinds for a in counted) else options["applicability"]
    title = options["title"]
    if analysis.statement is not None:
        return FixPlan("remove-statement", applicability, title, positions.of(analysis.statement))
    if analysis.options is None or not analysis.removable:
        return None
    if "credentials" not in analysis.removable and any(a.how == "nested" for a in analysis.arguments):
        return None  # a credentials object that holds more than keys, or is not in view
    kept = [m for m in members(analysis.options)
            if (property_name(m.child_by_field_name("key") if m.type == "pair" else m)
                if m.type in ("pair", "shorthand_property_identifier") else None) not in analysis.removable]
    site = analysis.site
    if not kept and analysis.group is not None and site.type == "call_expression":
        statement = site.parent
        if statement is not None and statement.type == "expression_statement":
            return FixPlan("remove-statement", applicability, title, positions.of(statement))  # AWS.config.update({...})
        return None
    return FixPlan("remove-properties", applicability, title, positions.of(analysis.options),
                   arguments=tuple(analysis.removable))
