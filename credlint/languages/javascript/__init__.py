"""JavaScript and TypeScript: AWS SDK v2 and v3 credentials, with tree-sitter.

The rules' `javascript` blocks run on .js, .mjs, .cjs, .jsx, .ts, .mts, .cts
and .tsx files (one file type: the grammar is chosen by extension). The match
vocabulary is Python's: `sdk-call` (with `values`, `skip-endpoints`, callee
sets from rules/shared/aws-javascript-sdk.yaml), `secret-assignment`,
`key-literal`, plus `load-from-path` (`AWS.config.loadFromPath(...)`).
tree-sitter is imported only when a file of this type passes the prefilter.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Pattern, Sequence, Tuple

from ...model import Edit, FixPlan, Rule
from ...prefilter import Clause
from ...source import Source
from ..base import AnalysisResult, Analyzer, CompileContext, Compiled, RawFinding, Session

KINDS = ("sdk-call", "load-from-path", "secret-assignment", "key-literal")
VALUE_KINDS = frozenset({
    "secret-literal", "placeholder-literal", "environment-standard", "environment-other",
    "parameter", "expression", "api-response",
})
ENDPOINT_KINDS = frozenset({"local", "other", "unknown", "aws"})
SAFE_VALUE_KINDS = frozenset({"environment-standard"})
FIX_KEYS = ("applicability", "title", "safe-when", "endpoints")
MAX_IMPORT_SIZE = 1024 * 1024  # a relative import larger than this is not read


@dataclass(frozen=True)
class SecretAssignmentMatch:
    names: Pattern[str]
    shapes: Tuple[str, ...]


@dataclass(frozen=True)
class LoadFromPathMatch:
    advice: str


class JavaScriptAnalyzer(Analyzer):
    name = "javascript"
    kinds = KINDS

    # -- compiling --

    def compile_match(self, kind: str, options: dict, ctx: CompileContext) -> Compiled:
        if not isinstance(options, dict):
            raise ctx.error((), f"{kind} takes a mapping of options")
        if kind == "sdk-call":
            return Compiled(kind, _compile_sdk_call(options, ctx))
        if kind == "load-from-path":
            return Compiled(kind, LoadFromPathMatch(str(options.get("advice", ""))))
        if kind == "key-literal":
            from ..text import ANALYZER as TEXT

            return Compiled(kind, TEXT.compile_match("key-material", options, ctx).options)
        if kind == "secret-assignment":
            policy = ctx.library.policy()
            if not isinstance(options.get("names"), str):
                raise ctx.error(("names",), "'names' is a regex over the name a value is given")
            names = ctx.pattern(("names",), options["names"])
            shapes = tuple(options.get("shapes") or ())
            for index, shape in enumerate(shapes):
                if shape not in policy.shapes:
                    raise ctx.error(("shapes", index), f"unknown key shape {shape!r}; known: {', '.join(policy.shapes)}")
            return Compiled(kind, SecretAssignmentMatch(names, shapes))
        return super().compile_match(kind, options, ctx)

    def compile_fix(self, options: dict, ctx: CompileContext, match: Compiled) -> None:
        if not isinstance(options, dict):
            raise ctx.error((), "a fix block is a mapping with applicability and title")
        for key in options:
            if key not in FIX_KEYS:
                raise ctx.error((key,), f"unknown fix option {key!r}; allowed: {', '.join(FIX_KEYS)}")
        if match.kind != "sdk-call":
            raise ctx.error((), f"only sdk-call matches have fixes, not {match.kind}")
        if options.get("applicability") not in ("safe", "unsafe"):
            raise ctx.error(("applicability",), "applicability must be safe or unsafe")
        if not options.get("title"):
            raise ctx.error(("title",), "a fix needs a title")
        for kind in set(options.get("safe-when") or ()) - SAFE_VALUE_KINDS:
            raise ctx.error(("safe-when",), f"a fix that removes {kind} values changes which credentials the code "
                                            f"uses: it cannot be safe (safe-when: environment-standard)")
        unsafe_values = set(match.options.values) - SAFE_VALUE_KINDS
        if options["applicability"] == "safe" and unsafe_values:
            raise ctx.error(("applicability",), f"the rule matches {', '.join(sorted(unsafe_values))} values, and "
                                                "removing them changes which credentials the code uses: make the "
                                                "fix unsafe (safe-when lists the values for which it is safe)")
        for kind in set(options.get("endpoints") or ()) - ({"none"} | ENDPOINT_KINDS):
            raise ctx.error(("endpoints",), f"unknown endpoint kind {kind!r}")

    def derive_triggers(self, compiled: Compiled, library) -> List[Clause]:
        if compiled.kind in ("key-literal",):
            from ..text import ANALYZER as TEXT

            return TEXT.derive_triggers(Compiled("key-material", compiled.options), library)
        if compiled.kind == "load-from-path":
            return [Clause(any=(b"loadFromPath",))]
        if compiled.kind == "sdk-call":
            match = compiled.options
            names, classes = set(), set()
            for group in match.groups:
                names.update(group.credentials)
                if group.parameters:  # new AWS.Credentials(id, secret): the class name
                    classes.update(_tails(group.callees))
            for group in match.assignments:
                names.update(group.credentials)
            names.update(match.credential_properties)
            reach = _reaching_the_sdk(match, library)
            tokens = tuple(sorted({n.encode() for n in names if len(n) >= 8}))
            clauses = [Clause(any=tokens, regex=reach)]
            classes = {c for c in classes if len(c) >= 8}
            if classes:
                clauses.append(Clause(any=tuple(sorted(c.encode() for c in classes)), regex=reach,
                                      also=(_as_identifier(classes),)))
            return clauses
        return []

    def merge_shared(self, kind: str, docs, library):
        from .sdk import merge_sdk

        return merge_sdk(docs, library.endpoints())

    # -- analyzing --

    def decode(self, path: str, data: bytes) -> Source:
        from ...source import text_encoding

        return Source(path, data, text_encoding(data))

    decode_strict = decode

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session: Optional[Session] = None) -> AnalysisResult:
        from . import assignments, calls
        from .model import ModuleModel
        from .syntax import Positions, data_of, grammar_for, parse
        from .values import Resolver

        result = AnalysisResult()
        data = data_of(source)
        grammar = grammar_for(source.path, data)
        tree = parse(data, grammar, source.path)
        model = ModuleModel(tree, grammar)
        if tree.root_node.has_error:
            result.notices.append(_syntax_notice(tree, source))
        sdk = library.shared("javascript-sdk")
        policy = library.policy()
        loader = _Loader(source.path)
        resolver = Resolver(model, sdk, policy, loader)
        positions = Positions(source)
        browser = _is_browser(source.path, model, sdk)
        test = getattr(source, "test", False) or any(
            m in sdk.test_markers or m.split("/")[0] in sdk.test_markers for m in model.imports)
        analyses: Dict[int, list] = {}
        findings: List[RawFinding] = []
        for rule, compiled in rules:
            kind = compiled.kind
            if kind == "sdk-call":
                match = compiled.options
                if id(match) not in analyses:
                    analyses[id(match)] = calls.analyze_sites(model, resolver, match)
                findings.extend(calls.findings_for(rule, match, rule.fix.get("javascript"), analyses[id(match)],
                                                   model, positions, browser, test))
            elif kind == "load-from-path":
                findings.extend(_load_from_path(rule, compiled.options, model, resolver, positions))
            elif kind == "secret-assignment":
                findings.extend(assignments.secret_assignments(rule, compiled.options, model, resolver, policy,
                                                               source, positions))
            elif kind == "key-literal":
                findings.extend(assignments.key_literals(rule, compiled.options, model, resolver, policy, source,
                                                         positions))
        result.findings = findings
        for finding in findings:
            result.secrets.extend(finding.secrets)
        result.inputs.extend(loader.read)
        return result

    # -- fixing --

    def fix_options(self, source: Source, plan: FixPlan) -> Sequence[Tuple[Edit, ...]]:
        from ...fixes import FixError, remove_lines

        if plan.op == "remove-properties":
            from .fixes import remove_properties

            return [remove_properties(source, plan)]
        if plan.op == "remove-statement":
            return [(remove_lines(source, plan.target, comment="//"),)]
        raise FixError(f"the javascript analyzer has no fix operation {plan.op!r}")

    def keeps_parsing(self, path: str, before: str, after: str) -> bool:
        """The fixed text has no more syntax errors than the text it was made from."""
        from .syntax import error_count, grammar_for, parse

        old, new = before.encode("utf-8", "surrogatepass"), after.encode("utf-8", "surrogatepass")
        grammar = grammar_for(path, old)
        return error_count(parse(new, grammar, path)) <= error_count(parse(old, grammar, path))


def _reaching_the_sdk(match, library) -> Optional[Pattern[bytes]]:
    """A file can name an SDK callee only through a string that names its
    module (`'aws-sdk'`, `"@aws-sdk/client-s3"`), or through a relative module
    that does (the resolver follows `./` and `../` imports): one of the two
    must be in it. The SDK's own bundles are full of `credentials` and import
    neither. None when a callee pattern names no module (it could be anything)."""
    patterns = [c for g in match.groups for c in g.callees] + [t for g in match.assignments for t in g.targets]
    modules = {re.split(r"[.*]", p[len("new "):] if p.startswith("new ") else p, maxsplit=1)[0] for p in patterns}
    if not modules or not all(modules):
        return None
    sdk = library.shared("javascript-sdk")
    modules.update(alias for alias, target in sdk.aliases.items() if target.startswith(tuple(modules)))
    names = b"|".join(re.escape(m.encode()) for m in sorted(modules, key=len, reverse=True))
    # (`'./x'` anywhere, but `'.'` and `'..'` only where a module is named: a string
    # "." is everywhere, in joins and in messages. Every alternative starts at a quote,
    # what precedes it is checked behind: the search skips from quote to quote.)
    befores = [keyword + gap for keyword in (rb"require", rb"import") for gap in
               (rb"\(", rb"\( ", rb" \(", rb" \( ", rb"\(\n")] + [rb"from", rb"from ", rb"from  ", rb"from\t", rb"from\n",
                                                                   rb"from\n  ", rb"from\n    "]
    named = b"|".join(rb"(?<=" + before + rb".)" for before in befores)
    # (the lookbehinds are tried only once the string is `'.'` or `'..'`)
    return re.compile(rb"""["'`](?:\.\.?/|""" + names + rb"""|(?=\.\.?["'`])(?:""" + named + rb""")\.\.?["'`])""")


def _as_identifier(classes) -> Pattern[bytes]:
    """A class name standing alone (`AWS.Credentials`, `{ Credentials }`), not
    inside a longer name (`SessionCredentials`, `setCredentials`) nor a
    string (the SDKs' schemas: `"Credentials"`)."""
    # (each name first, then what precedes it as a lookbehind: a pattern that
    # starts with a lookbehind is tried at every byte)
    names = b"|".join(re.escape(c.encode()) + rb"(?<![\w$]" + re.escape(c.encode()) + rb")" for c in sorted(classes))
    # (a string is the class only as a subscript: AWS["Credentials"])
    return re.compile(rb"(?:" + names + rb""")(?![\w$])(?!["'`](?![ \t]*\]))""")


def _tails(names: Sequence[str]) -> List[str]:
    return [n.replace("new ", "").rsplit(".", 1)[-1].replace("*", "") for n in names]


def _compile_sdk_call(options: dict, ctx: CompileContext):
    from .calls import SdkCallMatch

    sdk = ctx.library.shared("javascript-sdk")
    groups, assignments = [], []
    for index, entry in enumerate(options.get("callees") or ()):
        if not isinstance(entry, str):
            raise ctx.error(("callees", index), "javascript callees name callee sets of rules/shared "
                                                "(kind: javascript-sdk)")
        known = set(sdk.callee_sets) | set(sdk.assignment_sets)
        if entry not in known:
            raise ctx.error(("callees", index), f"unknown callee set {entry!r}; known sets: {', '.join(sorted(known))}")
        groups.extend(sdk.callee_sets.get(entry, ()))
        assignments.extend(sdk.assignment_sets.get(entry, ()))
    if not groups and not assignments:
        raise ctx.error(("callees",), "'callees' needs at least one callee set")
    values = frozenset(options.get("values") or ())
    for kind in values - VALUE_KINDS:
        raise ctx.error(("values",), f"unknown value kind {kind!r}; use: {', '.join(sorted(VALUE_KINDS))}")
    skip = frozenset(options.get("skip-endpoints") or ())
    for kind in skip - ENDPOINT_KINDS:
        raise ctx.error(("skip-endpoints",), f"unknown endpoint kind {kind!r}")
    advice = options.get("advice") or {}
    if not isinstance(advice, dict) or not all(isinstance(v, str) for v in advice.values()):
        raise ctx.error(("advice",), "'advice' maps server/browser to what the message advises")
    in_tests = frozenset(options.get("ignore-in-tests") or ())
    for kind in in_tests - VALUE_KINDS:
        raise ctx.error(("ignore-in-tests",), f"unknown value kind {kind!r}; use: {', '.join(sorted(VALUE_KINDS))}")
    properties: Dict[str, str] = {}  # what a `credentials` object holds: the SDK's own names
    for group in groups:
        properties.update(group.credentials)
    return SdkCallMatch(tuple(groups), tuple(assignments), values, skip, properties, dict(advice), in_tests)


def _load_from_path(rule, match: LoadFromPathMatch, model, resolver, positions) -> List[RawFinding]:
    from .syntax import enclosing_statement, string_value, text, unwrap

    out = []
    pattern = resolver.sdk.load_from_path
    if pattern is None:
        return out
    for site in model.calls:
        name = resolver.qualified(site.child_by_field_name("function"))
        if name is None or not pattern.match(name):
            continue
        arguments = site.child_by_field_name("arguments")
        first = next((c for c in arguments.named_children if c.type != "comment"), None) if arguments else None
        literal = string_value(unwrap(first)) if first is not None else None
        where = f"the credentials file {literal}" if literal else \
            f"a credentials file ({' '.join(text(first).split())[:60]})" if first is not None else "a credentials file"
        out.append(RawFinding(
            rule=rule, span=positions.of(site), material=f"loadFromPath\0{literal or ''}",
            values={"file": where, "callee": " ".join(text(site.child_by_field_name("function")).split())},
            region=positions.of(enclosing_statement(site)),
        ))
    return out


def _is_browser(path: str, model, sdk) -> bool:
    if path.lower().endswith(sdk.browser_extensions):
        return True
    return any(m in sdk.browser_modules or m.split("/")[0] in sdk.browser_modules for m in model.imports)


def _syntax_notice(tree, source: Source) -> str:
    from .syntax import Positions

    node = _first_error(tree.root_node)
    where = ""
    if node is not None:
        where = f"line {Positions(source).of(node).line}: "
    return f"{where}syntax error; the parts that parse were analyzed"


def _first_error(root):
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.is_error or node.is_missing:
            return node
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None


# Modules read for their imports, shared by the files a process analyzes and
# checked by content hash: an SDK's files all import the same few modules
# (aws-sdk's lib/core.js), parsed once instead of once per importer. A model
# is not changed once built.
_IMPORTED: Dict[str, Tuple[str, object]] = {}
MAX_SHARED_IMPORTS = 128


class _Loader:
    """Reads the modules a file imports by relative path (`./config`), once
    each, so that an object with literal keys imported from another file of
    the tree is seen for what it is. What was read is recorded: the file's
    result depends on it (the cache checks it)."""

    EXTENSIONS = ("", ".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".mts", ".cts")

    def __init__(self, path: str) -> None:
        self.base = os.path.dirname(os.path.abspath(path))
        self.models: Dict[str, object] = {}
        self.read: List[Tuple[str, str]] = []  # (absolute path, content hash)

    def __call__(self, model, spec: str):
        from ...cache import content_hash
        from .model import ModuleModel
        from .syntax import grammar_for, parse

        base = self.base if model is None or not getattr(model, "path", None) else os.path.dirname(model.path)
        for candidate in self._candidates(base, spec):
            if candidate in self.models:
                return self.models[candidate]
            try:
                if not os.path.isfile(candidate) or os.path.getsize(candidate) > MAX_IMPORT_SIZE:
                    continue
                with open(candidate, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            digest = content_hash(data)
            shared = _IMPORTED.get(candidate)
            if shared is not None and shared[0] == digest:
                other = shared[1]  # (the SDK's core module, imported by every file of its package)
            else:
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    continue
                grammar = grammar_for(candidate)
                other = ModuleModel(parse(text.encode("utf-8"), grammar), grammar)
                other.path = candidate  # type: ignore[attr-defined]
                if _IMPORTED and len(_IMPORTED) >= MAX_SHARED_IMPORTS:
                    _IMPORTED.pop(next(iter(_IMPORTED)))
                _IMPORTED[candidate] = (digest, other)
            self.models[candidate] = other
            self.read.append((candidate, digest))
            return other
        return None

    def _candidates(self, base: str, spec: str) -> List[str]:
        target = os.path.normpath(os.path.join(base, spec))
        stem, ext = os.path.splitext(target)
        out = [target + e for e in self.EXTENSIONS]
        if ext in (".js", ".mjs", ".cjs", ".jsx"):  # TypeScript's ESM imports name the compiled file
            out += [stem + e for e in (".ts", ".tsx", ".mts", ".cts")]
        out += [os.path.join(target, "index" + e) for e in self.EXTENSIONS[1:]]
        return out


ANALYZER = JavaScriptAnalyzer()
