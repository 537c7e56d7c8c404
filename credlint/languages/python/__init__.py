"""Python analyzer: CPython's `ast` for detection, libcst only for fixes.

`ast.parse` is ~10x faster than `libcst.parse_module` (0.27 s vs 2.6 s on the
files of a 1.4M-line corpus that pass the prefilter) and needs no import, so
detection stays fast enough for pre-commit and an editor's every keystroke.
libcst earns its keep where formatting must survive: see fixes/python.py.
"""
from __future__ import annotations

import ast
import re
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

from ...fixes import FixError, apply_edits, diff_edits, remove_lines
from ...model import Edit, FileResult, FixPlan, Rule
from ...prefilter import Clause
from ...source import Source
from ..base import AnalysisResult, Analyzer, CompileContext, Compiled, FixedText, RawFinding, Session, parser_message
from . import assignments, calls
from .names import ModuleModel
from .sdk import CalleeGroup, CalleeIndex, PythonSdk, compile_group, merge_sdk
from .values import Resolver

KINDS = ("sdk-call", "secret-assignment", "key-literal")
VALUE_KINDS = frozenset({
    "secret-literal", "placeholder-literal", "environment-standard", "environment-other",
    "parameter", "expression", "api-response",
})
ENDPOINT_KINDS = frozenset({"local", "other", "unknown", "aws"})
DISTINCTIVE = 13  # credential argument names at least this long make good prefilter tokens
# A credential value in sight: a key id prefix, an environment read, a quoted 40-character run.
# A credential value in sight: a key literal, or an environment lookup. As
# three clauses, not one alternation: `environ` and `getenv` are plain scans,
# and the regex (no literal to search for) runs only when neither is there.
_EVIDENCE_TOKENS = (b"environ", b"getenv")
_EVIDENCE = re.compile(rb"A(?:KIA|SIA|BIA|CCA|3T)|[\'\"][A-Za-z0-9/+]{40}[\'\"]")


# -- compiling -------------------------------------------------------------------


# A fix may call itself safe only where it keeps which credentials the code
# uses: removing an argument that reads exactly the variable the default
# chain reads itself. Anything else (a literal, a setting, a parameter, a
# placeholder) changes the identity the code acts as.
SAFE_VALUE_KINDS = frozenset({"environment-standard"})
FIX_OPS = ("remove-arguments", "replace-arguments", "remove-statement")
FIX_KEYS = ("applicability", "title", "safe-when", "endpoints", "op", "with", "imports")


def compile_fix_block(options: dict, ctx: CompileContext, match: Compiled) -> None:
    if not isinstance(options, dict):
        raise ctx.error((), "a fix block is a mapping with applicability and title")
    for key in options:
        if key not in FIX_KEYS:
            raise ctx.error((key,), f"unknown fix option {key!r}; allowed: {', '.join(FIX_KEYS)}")
    if match.kind != "sdk-call":
        raise ctx.error((), f"only sdk-call matches have fixes, not {match.kind}")
    applicability = options.get("applicability")
    if applicability not in ("safe", "unsafe"):
        raise ctx.error(("applicability",), "applicability must be safe or unsafe")
    if not options.get("title"):
        raise ctx.error(("title",), "a fix needs a title")
    safe_when = set(options.get("safe-when") or ())
    for kind in safe_when - VALUE_KINDS:
        raise ctx.error(("safe-when",), f"unknown value kind {kind!r}")
    for kind in safe_when - SAFE_VALUE_KINDS:
        raise ctx.error(("safe-when",), f"a fix that removes {kind} values changes which credentials the code "
                                        f"uses: it cannot be safe (safe-when: {', '.join(sorted(SAFE_VALUE_KINDS))})")
    unsafe_values = set(match.options.values) - SAFE_VALUE_KINDS
    if applicability == "safe" and unsafe_values:
        raise ctx.error(("applicability",), f"the rule matches {', '.join(sorted(unsafe_values))} values, and "
                                            "removing them changes which credentials the code uses: make the "
                                            "fix unsafe (safe-when lists the values for which it is safe)")
    for kind in set(options.get("endpoints") or ()) - ({"none"} | ENDPOINT_KINDS):
        raise ctx.error(("endpoints",), f"unknown endpoint kind {kind!r}; use: none, {', '.join(sorted(ENDPOINT_KINDS))}")
    op = options.get("op")
    if op is not None and op not in FIX_OPS:
        raise ctx.error(("op",), f"unknown fix operation {op!r}; use: {', '.join(FIX_OPS)}")
    if (op == "replace-arguments") != ("with" in options):
        raise ctx.error(("with",) if op == "replace-arguments" else ("op",),
                        "replace-arguments and `with` (the argument text that replaces the credentials) go together")
    if op == "replace-arguments":
        _check_replacement(options["with"], ctx)
        for index, statement in enumerate(options.get("imports") or ()):
            _check_import(statement, ctx, ("imports", index))
    elif options.get("imports"):
        raise ctx.error(("imports",), "imports go with op: replace-arguments")


def _check_replacement(text: object, ctx: CompileContext) -> None:
    try:
        call = ast.parse(f"f({text})", mode="eval").body if isinstance(text, str) else None
    except SyntaxError:
        call = None
    if not isinstance(call, ast.Call) or call.args or len(call.keywords) != 1 or call.keywords[0].arg is None:
        raise ctx.error(("with",), "`with` is one keyword argument, e.g. 'credentials=EnvMinioProvider()'")


def _check_import(statement: object, ctx: CompileContext, path: tuple) -> None:
    try:
        body = ast.parse(statement).body if isinstance(statement, str) else []
    except SyntaxError:
        body = []
    if len(body) != 1 or not isinstance(body[0], (ast.Import, ast.ImportFrom)) or \
            any(alias.name == "*" for alias in body[0].names):
        raise ctx.error(path, "each import is one import statement, e.g. 'from minio.credentials import "
                              "EnvMinioProvider'")


def _compile_sdk_call(options: dict, ctx: CompileContext) -> calls.SdkCallMatch:
    sdk: PythonSdk = ctx.library.shared("python-sdk")
    groups: List[CalleeGroup] = []
    for index, entry in enumerate(options.get("callees") or ()):
        if isinstance(entry, str):
            if entry not in sdk.callee_sets:
                known = ", ".join(sorted(sdk.callee_sets)) or "none"
                raise ctx.error(("callees", index), f"unknown callee set {entry!r}; known sets: {known}")
            groups.extend(sdk.callee_sets[entry])
        else:
            groups.append(compile_group(ctx.doc, ctx.path + ("callees", index), entry))
    if not groups:
        raise ctx.error(("callees",), "'callees' needs at least one callee set or group")
    values = frozenset(options.get("values") or ())
    for kind in values - VALUE_KINDS:
        raise ctx.error(("values",), f"unknown value kind {kind!r}; use: {', '.join(sorted(VALUE_KINDS))}")
    skip = frozenset(options.get("skip-endpoints") or ())
    for kind in skip - ENDPOINT_KINDS:
        raise ctx.error(("skip-endpoints",), f"unknown endpoint kind {kind!r}; use: {', '.join(sorted(ENDPOINT_KINDS))}")
    # Rules naming the same sets share one index, so the calls of a file are
    # analyzed once for all of them.
    cache = ctx.library.cache.setdefault("python-callee-index", {})
    key = tuple(id(g) for g in groups)
    index = cache.get(key)
    if index is None:
        index = CalleeIndex()
        for group in groups:
            index.add(_canonical_group(group, sdk))
        cache[key] = index
    keyword_names = frozenset(name for g in groups for name in g.credentials)
    positional = any(set(g.parameters) & set(g.credentials) for g in groups)
    last = {c.replace("()", "").rsplit(".", 1)[-1] for g in index.groups() for c in g.callees}
    tails = frozenset(t for t in last if "*" not in t)
    patterns = tuple(sorted(t for t in last if "*" in t))
    advice = options.get("advice") or {}
    if not isinstance(advice, dict) or not all(isinstance(v, str) for v in advice.values()):
        raise ctx.error(("advice",), "'advice' maps server/caller to what the message's {advice} says")
    in_tests = frozenset(options.get("ignore-in-tests") or ())
    for kind in in_tests - VALUE_KINDS:
        raise ctx.error(("ignore-in-tests",), f"unknown value kind {kind!r}; use: {', '.join(sorted(VALUE_KINDS))}")
    return calls.SdkCallMatch(index, values, skip, keyword_names, positional, tails, patterns,
                              tuple(sorted(advice.items())), in_tests)


def _canonical_group(group: CalleeGroup, sdk: PythonSdk) -> CalleeGroup:
    return CalleeGroup(
        callees=tuple(sdk.canonical(c) for c in group.callees),
        parameters=group.parameters,
        credentials=group.credentials,
        endpoint=group.endpoint,
        fix=group.fix,
    )


def derive_triggers(compiled: Compiled, library) -> List[Clause]:
    """Tokens without which the match cannot succeed (see prefilter.py)."""
    if compiled.kind == "key-literal":
        from ..text import ANALYZER as TEXT

        return TEXT.derive_triggers(Compiled("key-material", compiled.options), library)
    if compiled.kind != "sdk-call":
        return []
    match: calls.SdkCallMatch = compiled.options
    tokens = set()
    clauses = []
    positional: Dict[Tuple[str, bool], set] = {}  # (SDK module, early position) -> callee names
    for group in match.index.groups():
        names = [n for n in group.credentials if len(n) >= DISTINCTIVE]
        if len(names) == len(group.credentials):
            tokens.update(names)
        else:
            tokens.update(_tail(c) for c in group.callees)
        positions = [i for i, name in enumerate(group.parameters) if name in group.credentials]
        if positions:
            # Positional credentials have no keyword to look for: require the
            # callee's name and its SDK module. Early positions
            # (`boto3.Session(KEY, SECRET)`) are checked for the module as a
            # word (`boto` must not match `botocore`); late ones (the 7th
            # argument of a client) only where a credential value is in sight,
            # or every file that makes a client would be parsed.
            for callee in group.callees:
                root, tail = callee.split(".", 1)[0], _tail(callee)
                positional.setdefault((root, min(positions) < 3), set()).add(tail)
    for (root, early), tails in sorted(positional.items()):
        names = tuple(sorted(t.encode() for t in tails))
        if early:
            regex = re.compile(re.escape(root.encode()) + rb"(?![0-9A-Za-z_])")
            clauses.append(Clause(any=names, all=(root.encode(),), regex=regex))
            continue
        clauses.extend(Clause(any=names, all=(root.encode(), token)) for token in _EVIDENCE_TOKENS)
        clauses.append(Clause(any=names, all=(root.encode(),), regex=_EVIDENCE))
    clauses.insert(0, Clause(any=tuple(sorted(t.encode() for t in tokens if t))))
    return _dedupe(clauses)


def _tail(callee: str) -> str:
    last = callee.replace("()", "").rsplit(".", 1)[-1]
    return max(last.split("*"), key=len)


def _dedupe(clauses: List[Clause]) -> List[Clause]:
    seen, out = set(), []
    for clause in clauses:
        key = (clause.any, clause.all, clause.regex.pattern if clause.regex else None)
        if key not in seen:
            seen.add(key)
            out.append(clause)
    return out


# -- analyzing -------------------------------------------------------------------


# -- the analyzer ------------------------------------------------------------------


def parse(source: Source, incremental=None) -> ast.Module:
    """`incremental`: the language server's IncrementalParser, which re-parses
    only the statements an edit touched (see incremental.py)."""
    if incremental is not None:
        return incremental.parse(source.path, source.text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences are the file's business
        return ast.parse(source.text, filename=source.path)


class PythonAnalyzer(Analyzer):
    name = "python"
    kinds = KINDS
    parse_always = True

    # -- compiling --

    def compile_match(self, kind: str, options: dict, ctx: CompileContext) -> Compiled:
        if kind == "sdk-call":
            return Compiled(kind, _compile_sdk_call(options, ctx))
        if kind == "key-literal":
            from ..text import ANALYZER as TEXT

            return Compiled(kind, TEXT.compile_match("key-material", options, ctx).options)
        if kind == "secret-assignment":
            policy = ctx.library.policy()
            names = ctx.pattern(("names",), options["names"])
            shapes = tuple(options["shapes"])
            for index, shape in enumerate(shapes):
                if shape not in policy.shapes:
                    raise ctx.error(("shapes", index),
                                    f"unknown key shape {shape!r}; known: {', '.join(policy.shapes)}")
            return Compiled(kind, assignments.SecretAssignmentMatch(names, shapes))
        return super().compile_match(kind, options, ctx)

    def compile_fix(self, options: dict, ctx: CompileContext, match: Compiled) -> None:
        """Check a fix block; the analyzer reads it as written when it plans fixes."""
        compile_fix_block(options, ctx, match)

    def derive_triggers(self, compiled: Compiled, library) -> List[Clause]:
        return derive_triggers(compiled, library)

    def merge_shared(self, kind: str, docs, library):
        return merge_sdk(docs, library.endpoints())

    # -- analyzing --

    def warm(self) -> None:
        from . import focus  # noqa: F401

    def decode(self, path: str, data: bytes) -> Source:
        return Source.for_python(path, data)

    decode_strict = decode

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session: Optional[Session] = None) -> AnalysisResult:
        result = AnalysisResult()
        incremental = _incremental_parser(session)
        try:
            tree = focused(source, rules) if incremental is None else None
            if tree is None:
                tree = parse(source, incremental)
        except SyntaxError as exc:
            from .newer import downgraded

            older = downgraded(source.text)  # newer syntax than this interpreter's (PEP 695)?
            if older is not None:
                return analyze_tree(ast.parse(older), source, rules, library)
            where = f"line {exc.lineno}: " if exc.lineno else ""
            result.notices.append(f"could not parse as Python ({where}{parser_message(exc.msg)}); "
                                  "scanned as text only")
            result.unapplied.extend(rule for rule, _ in rules)
            return result
        except (ValueError, RecursionError, MemoryError) as exc:
            result.notices.append(f"could not parse as Python ({type(exc).__name__}); scanned as text only")
            result.unapplied.extend(rule for rule, _ in rules)
            return result
        memo = incremental.memo(source.path) if incremental is not None else None
        return analyze_tree(tree, source, rules, library, memo)

    # -- fixing (libcst, loaded only here) --

    def fix_options(self, source: Source, plan: FixPlan) -> Sequence[Tuple[Edit, ...]]:
        if plan.op in ("remove-arguments", "replace-arguments"):
            from .arguments import import_edit_position, leading_indent, remove_arguments

            start = source.offset(plan.target.line, plan.target.column)
            end = source.offset(plan.target.end_line, plan.target.end_column)
            old = source.text[start:end]
            new = remove_arguments(old, plan.arguments, plan.splats, source.newline(),
                                   leading_indent(source.line_text(plan.target.line)), plan.replacement)
            edits = diff_edits(source, start, old, new)
            from .imports import removal_edits, unused_after

            edits += tuple(removal_edits(source, unused_after(source, old, new)))  # imports only the call used
            for statement in plan.imports:
                line = import_edit_position(source.text, statement)
                if line is not None:
                    at = source.offset(line, 1)
                    text = statement + source.newline()
                    if at == len(source.text) and source.text and not source.text.endswith(("\n", "\r")):
                        text = source.newline() + statement  # after a last line without its newline
                    edits += (Edit(source.span_of(at, at), text),)
            return [edits]
        if plan.op == "remove-statement":
            edit = remove_lines(source, plan.target)
            line = source.line_text(edit.span.line)
            indent = line[: len(line) - len(line.lstrip())]
            # a statement alone in its block leaves `pass` in its place
            return [(edit,), (Edit(edit.span, f"{indent}pass{source.newline()}"),)]
        raise FixError(f"the python analyzer has no fix operation {plan.op!r}")

    def fix_file(self, path: str, data: bytes, first: FileResult, lint, allowed: Sequence[str]) -> FixedText:
        """The fixes, then the imports that several of them together left
        unused (each fix removes those it alone leaves unused)."""
        fixed = super().fix_file(path, data, first, lint, allowed)
        if not fixed.applied:
            return fixed
        from .imports import removal_edits, unused_between

        before, after = self.decode_strict(path, data), self.decode_strict(path, fixed.after)
        edits = removal_edits(after, unused_between(before, after))
        if not edits:
            return fixed
        text = apply_edits(after, edits)
        if not self.keeps_parsing(path, after.text, text):
            return fixed
        data = after.with_text(text).encode()
        return fixed._replace(after=data, final=lint(data))

    def keeps_parsing(self, path: str, before: str, after: str) -> bool:
        """A Python file with findings parsed (or it would have had none): the
        fixed text must parse too."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(after)
            return True
        except SyntaxError:
            from .newer import downgraded

            return downgraded(after) is not None  # newer syntax this interpreter's ast does not know
        except (ValueError, RecursionError, MemoryError):
            return False


def focused(source: Source, rules: Sequence[Tuple[Rule, Compiled]]) -> Optional[ast.Module]:
    """In a large module, only the statements the rules can be about (focus.py);
    None: parse it all."""
    from . import focus

    if len(source.text) < focus.MIN_BYTES:
        return None
    clauses = []
    for rule, _ in rules:
        own = rule.triggers.get("python")
        if not own or any(not c.any and c.regex is None for c in own):
            return None  # a rule that runs on every file (or on `all` tokens alone): it may look anywhere
        clauses.extend(own)
    trigger = focus.Trigger(tuple(dict.fromkeys(clauses)))  # CL101 and CL102 share theirs: search each once
    return focus.focused_module(source.text, source.lines, source.line_starts,
                                source.text.encode("utf-8", "surrogatepass"), trigger)


def _incremental_parser(session: Optional[Session]):
    if session is None or not session.incremental:
        return None
    parser = session.state.get("python.incremental")
    if parser is None:
        from .incremental import IncrementalParser

        parser = session.state["python.incremental"] = IncrementalParser()
    return parser


def analyze_tree(tree: ast.Module, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                 memo: Optional[dict] = None) -> AnalysisResult:
    result = AnalysisResult()
    model = ModuleModel(tree, memo)
    policy = library.policy()
    sdk = library.shared("python-sdk")
    resolver = Resolver(model, sdk, policy)
    test = getattr(source, "test", False) or _imports_test_tools(tree, sdk.test_markers)
    call_analyses: Dict[int, list] = {}
    findings: List[RawFinding] = []
    for rule, compiled in rules:
        if compiled.kind == "sdk-call":
            match = compiled.options
            key = id(match.index)
            if key not in call_analyses:
                call_analyses[key] = calls.analyze_calls(model, resolver, match)
            fix_options = rule.fix.get("python")
            findings.extend(calls.findings_for(rule, match, fix_options, call_analyses[key], source, test))
        elif compiled.kind == "secret-assignment":
            findings.extend(assignments.findings_for(rule, compiled.options, model, resolver, policy, source))
        elif compiled.kind == "key-literal":
            findings.extend(assignments.key_literals(rule, compiled.options, model, policy, source))
    result.findings = findings
    for finding in findings:
        result.secrets.extend(finding.secrets)
    return result


def _imports_test_tools(tree: ast.Module, markers) -> bool:
    """A module-level import of a test framework or an AWS test double."""
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            names = [alias.name for alias in statement.names]
        elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
            names = [statement.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if any(".".join(parts[:i]) in markers for i in range(1, len(parts) + 1)):
                return True
    return False


ANALYZER = PythonAnalyzer()
