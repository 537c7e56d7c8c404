"""A light name-resolution pass over CPython's `ast`.

libcst's QualifiedNameProvider costs ~12x the parse on large modules and still
does not follow `s = boto3.Session(); s.client(...)`. The rules need much less
than full scope analysis: which imports and assignments a name refers to at a
point, what a function returns, what `self.x` was set to. One iterative walk
records bindings per scope; resolution is done on demand for the few calls and
values a rule asks about.

Resolution follows Python's scoping (class bodies are invisible to nested
functions, `global` reaches the module) and is flow-insensitive within a scope
except for order: the binding that precedes a use wins. Fallback bindings
(`boto3 = None` after a failed import, assignments in `except` blocks) never
shadow a real one, so `try: import boto3 / except ImportError: boto3 = None`
still resolves to boto3.
"""
from __future__ import annotations

import ast
from typing import Dict, List, Optional, Tuple

Pos = Tuple[int, int]

# Binding kinds
IMPORT, ASSIGN, PARAM, DEF, OTHER = "import", "assign", "param", "def", "other"


class Binding:
    __slots__ = ("name", "anchor", "end", "kind", "value", "scope", "fallback", "annotation")

    def __init__(self, name: str, anchor: Optional[ast.AST], kind: str, value, scope: "Scope", fallback: bool = False,
                 end: bool = False) -> None:
        self.name = name
        self.anchor = anchor  # the node whose start (or end) is where the binding takes effect
        self.end = end
        self.kind = kind
        self.value = value  # import: qualified str; assign: ast.expr; def: the def node; param: default
        self.scope = scope
        self.fallback = fallback
        self.annotation = None  # param: its annotation

    @property
    def pos(self) -> Pos:
        """Read from the node, not stored: the language server's incremental
        parser moves a kept statement's nodes when lines above it change, and
        the bindings of that statement are reused with them."""
        node = self.anchor
        if node is None:
            return (0, 0)
        return (node.end_lineno, node.end_col_offset) if self.end else (node.lineno, node.col_offset)


class Scope:
    __slots__ = ("kind", "node", "parent", "bindings", "globals", "self_name", "attrs", "returns", "updates", "names",
                 "log")

    def __init__(self, kind: str, node: ast.AST, parent: Optional["Scope"]) -> None:
        self.kind = kind  # module | class | function | lambda | comprehension
        self.node = node
        self.parent = parent
        self.bindings: Dict[str, List[Binding]] = {}
        self.globals: set = set()
        self.self_name: Optional[str] = None  # first parameter of a method
        self.attrs: Dict[str, List[Binding]] = {}  # class scopes: self.<attr> = ... in methods
        self.returns: List[ast.expr] = []  # function scopes: returned expressions
        self.updates: Dict[str, List[Tuple[ast.expr, ast.expr]]] = {}  # d["k"] = v, per dict name
        self.names: set = parent.names if parent is not None else set()  # every name bound in the module
        self.log: Optional[list] = None  # the module scope, while a statement is recorded: what it added

    def bind(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)
        self.names.add(binding.name)
        if self.log is not None:
            self.log.append(binding)

    def update(self, name: str, key: ast.expr, value: ast.expr) -> None:
        """`name[key] = value`, for dicts built up key by key."""
        self.updates.setdefault(name, []).append((key, value))
        if self.log is not None:
            self.log.append((name, (key, value)))

    def ordered(self, name: str) -> Optional[List[Binding]]:
        """Bindings of `name` in source order (the walk records them in any order)."""
        bindings = self.bindings.get(name)
        if bindings and len(bindings) > 1:
            bindings.sort(key=lambda b: b.pos)
        return bindings

    @property
    def class_scope(self) -> Optional["Scope"]:
        parent = self.parent
        return parent if parent is not None and parent.kind == "class" else None


class Candidate:
    """A string value with the name it is given: `NAME = "..."`, `{"name": "..."}`,
    `f(name="...")`, `def f(name="...")`, `os.environ["NAME"] = "..."`."""

    __slots__ = ("context", "value", "scope")

    def __init__(self, context: str, value: ast.expr, scope: Scope) -> None:
        self.context = context
        self.value = value
        self.scope = scope


class _Piece:
    """What walking one top-level statement added to a module model."""

    __slots__ = ("node", "log", "scopes", "calls", "candidates", "mutated", "star_imports", "names")

    def __init__(self, node: ast.stmt, log: list, scopes: List[Scope], calls: list, candidates: list,
                 mutated: set, star_imports: List[str]) -> None:
        self.node = node
        self.log = log  # module-scope bindings and dict updates, in order
        self.scopes = scopes  # every scope inside the statement
        self.calls = calls
        self.candidates = candidates
        self.mutated = mutated
        self.star_imports = star_imports
        self.names: set = set()  # every name the statement binds, at any depth


class CallSite:
    __slots__ = ("node", "scope", "statement", "in_lambda")

    def __init__(self, node: ast.Call, scope: Scope, statement: Optional[ast.stmt], in_lambda: bool) -> None:
        self.node = node
        self.scope = scope
        self.statement = statement  # the Expr statement when the call stands alone
        self.in_lambda = in_lambda  # inside a lambda or comprehension


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
MIN_CANDIDATE_LENGTH = 16


def _is_none(node: Optional[ast.AST]) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class ModuleModel:
    """Scopes, bindings, calls and string candidates of one module."""

    def __init__(self, tree: ast.Module, memo: Optional[Dict[int, "_Piece"]] = None) -> None:
        """`memo` (the language server's, one per open buffer) keeps what each
        top-level statement contributed, for the next version of the buffer:
        the incremental parser hands back the same node for a statement an
        edit did not touch, and its walk is replayed instead of redone."""
        self.tree = tree
        self.module = Scope("module", tree, None)
        self.calls: List[CallSite] = []
        self.candidates: List[Candidate] = []
        self.scopes: Dict[int, Scope] = {}  # id(def node) -> its scope
        self.mutated: set = set()  # names of dicts changed by a method call (update, setdefault...)
        self.star_imports: List[str] = []  # modules imported with `from m import *` at module level
        self._created: Optional[List[Scope]] = None  # scopes made while a statement is recorded
        if memo is None:
            self._walk(tree.body)
        else:
            self._build(memo)
        self.bound_names = self.module.names

    # -- reusing the walk of unchanged statements ---------------------------------

    def _build(self, memo: Dict[int, "_Piece"]) -> None:
        pieces = {}
        for statement in self.tree.body:
            piece = memo.get(id(statement))
            if piece is None or piece.node is not statement:
                piece = self._record(statement)
            else:
                self._replay(piece)
            pieces[id(statement)] = piece
        memo.clear()
        memo.update(pieces)

    def _record(self, statement: ast.stmt) -> "_Piece":
        calls, candidates, stars = len(self.calls), len(self.candidates), len(self.star_imports)
        mutated, self.mutated = self.mutated, set()  # this statement's own, even if an earlier one has them too
        module = self.module
        module.log, self._created = [], []
        try:
            self._walk([statement])
            piece = _Piece(statement, module.log, self._created, self.calls[calls:], self.candidates[candidates:],
                           self.mutated, self.star_imports[stars:])
        finally:
            module.log = self._created = None
            self.mutated = mutated | self.mutated
        for scope in piece.scopes:
            for name in scope.bindings:
                piece.names.add(name)
        piece.names.update(b.name for b in piece.log if b.__class__ is Binding)
        return piece

    def _replay(self, piece: "_Piece") -> None:
        module = self.module
        for scope in piece.scopes:
            scope.names = module.names
            if scope.parent is not None and scope.parent.kind == "module":
                scope.parent = module
            if scope.kind == "function":
                self.scopes[id(scope.node)] = scope
        for entry in piece.log:
            if entry.__class__ is Binding:
                entry.scope = module
                module.bind(entry)
            else:
                module.updates.setdefault(entry[0], []).append(entry[1])
        module.names.update(piece.names)
        for site in piece.calls:
            if site.scope.kind == "module":
                site.scope = module
        for candidate in piece.candidates:
            if candidate.scope.kind == "module":
                candidate.scope = module
        self.calls.extend(piece.calls)
        self.candidates.extend(piece.candidates)
        self.mutated.update(piece.mutated)
        self.star_imports.extend(piece.star_imports)

    def _scope(self, kind: str, node: ast.AST, parent: Scope) -> Scope:
        scope = Scope(kind, node, parent)
        if self._created is not None:
            self._created.append(scope)
        return scope

    # -- building ------------------------------------------------------------

    def _walk(self, body: List[ast.stmt]) -> None:
        """One pass over the tree, in source order (a `global` statement must be
        seen before the assignments it redirects). Leaves that can hold nothing
        of interest (names, constants, operators) are never pushed."""
        Call, Constant = ast.Call, ast.Constant
        calls, candidates = self.calls, self.candidates
        children = _children
        # stack items: (node, scope, in_except, in_lambda)
        stack: List[tuple] = [(child, self.module, False, False) for child in reversed(body)]
        push = stack.append
        statements: Dict[int, ast.stmt] = {}
        special = _SPECIAL
        while stack:
            item = stack.pop()
            node, scope, in_except, in_lambda = item
            cls = node.__class__
            if cls not in special:  # most nodes: just their children
                for c in reversed(children(node)):
                    push((c, scope, in_except, in_lambda))
                continue
            if cls is Call:
                calls.append(CallSite(node, scope, statements.pop(id(node), None), in_lambda))
                default = None
                for kw in node.keywords:
                    if kw.arg is not None and _long_string(kw.value):
                        candidates.append(Candidate(kw.arg, kw.value, scope))
                        if kw.arg == "default":
                            default = kw.value
                args = node.args
                if args and args[0].__class__ is Constant and isinstance(args[0].value, str):
                    # getter(NAME, VALUE) / getter(NAME, default=VALUE): os.getenv,
                    # os.environ.get, django-environ, config.get
                    value = args[1] if len(args) > 1 and _long_string(args[1]) else default
                    if value is not None:
                        candidates.append(Candidate(args[0].value, value, scope))
                func = node.func
                if func.__class__ is ast.Attribute and func.attr in _MUTATORS and func.value.__class__ is ast.Name:
                    if not self._visible_update(func.value.id, func.attr, node, scope):
                        self.mutated.add(func.value.id)
            elif cls is ast.Expr:
                if node.value.__class__ is Call:
                    statements[id(node.value)] = node
            elif cls is ast.Assign:
                for target in node.targets:
                    self._bind_target(target, node.value, scope, in_except)
            elif cls is ast.AnnAssign:
                if node.value is not None:
                    self._bind_target(node.target, node.value, scope, in_except)
            elif cls is ast.AugAssign:
                self._bind_target(node.target, None, scope, in_except)
                if node.target.__class__ is ast.Name:
                    self.mutated.add(node.target.id)
            elif cls is ast.NamedExpr:
                self._bind_target(node.target, node.value, scope, in_except)
            elif cls is ast.Dict:
                for key, value in zip(node.keys, node.values):
                    if key.__class__ is Constant and isinstance(key.value, str) and _long_string(value):
                        candidates.append(Candidate(key.value, value, scope))
            elif cls is ast.Import:
                for alias in node.names:
                    if alias.asname:
                        scope.bind(Binding(alias.asname, node, IMPORT, alias.name, scope, in_except))
                    else:
                        top = alias.name.split(".", 1)[0]
                        scope.bind(Binding(top, node, IMPORT, top, scope, in_except))
                continue
            elif cls is ast.ImportFrom:
                for alias in node.names:
                    if alias.name == "*":
                        if not node.level and scope is self.module:
                            self.star_imports.append(node.module)
                        continue
                    qualified = None if node.level else f"{node.module}.{alias.name}"
                    kind = IMPORT if qualified else OTHER
                    scope.bind(Binding(alias.asname or alias.name, node, kind, qualified, scope, in_except))
                continue
            elif cls is ast.FunctionDef or cls is ast.AsyncFunctionDef:
                scope.bind(Binding(node.name, node, DEF, node, scope, in_except))
                inner = self._scope("function", node, scope)
                self.scopes[id(node)] = inner
                self._bind_params(node.args, inner, scope)
                if scope.kind == "class":
                    positional = node.args.posonlyargs + node.args.args
                    if positional and not any(
                        isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list
                    ):
                        inner.self_name = positional[0].arg
                for d in node.decorator_list:
                    push((d, scope, in_except, in_lambda))
                for d in node.args.defaults:
                    push((d, scope, in_except, in_lambda))
                for d in node.args.kw_defaults:
                    if d is not None:
                        push((d, scope, in_except, in_lambda))
                for c in reversed(node.body):
                    push((c, inner, False, False))
                continue
            elif cls is ast.ClassDef:
                scope.bind(Binding(node.name, node, DEF, node, scope, in_except))
                inner = self._scope("class", node, scope)
                for d in node.decorator_list + node.bases:
                    push((d, scope, in_except, in_lambda))
                for k in node.keywords:
                    push((k.value, scope, in_except, in_lambda))
                for c in reversed(node.body):
                    push((c, inner, False, in_lambda))
                continue
            elif cls is ast.Lambda:
                inner = self._scope("lambda", node, scope)
                self._bind_params(node.args, inner, scope)
                for d in node.args.defaults:
                    push((d, scope, in_except, in_lambda))
                push((node.body, inner, False, True))
                continue
            elif cls in _COMPREHENSIONS:
                inner = self._scope("comprehension", node, scope)
                for gen in node.generators:
                    self._bind_target(gen.target, None, inner, False)
                for c in reversed(children(node)):
                    push((c, inner, False, True))
                continue
            elif cls is ast.Return:
                if node.value is not None:
                    scope.returns.append(node.value)
            elif cls is ast.For or cls is ast.AsyncFor:
                self._bind_target(node.target, None, scope, in_except)
            elif cls is ast.With or cls is ast.AsyncWith:
                for w in node.items:
                    if w.optional_vars is not None:
                        self._bind_target(w.optional_vars, None, scope, in_except)
            elif cls is ast.ExceptHandler:
                if node.name:
                    scope.bind(Binding(node.name, node, OTHER, None, scope, True))
                for c in reversed(children(node)):
                    push((c, scope, True, in_lambda))
                continue
            elif cls is ast.Global:
                scope.globals.update(node.names)
                continue
            for c in reversed(children(node)):
                push((c, scope, in_except, in_lambda))

    def _bind_params(self, args: ast.arguments, inner: Scope, outer: Scope) -> None:
        positional = args.posonlyargs + args.args
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        pairs = list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
        for arg, default in pairs:
            binding = Binding(arg.arg, arg, PARAM, default, inner)
            binding.annotation = arg.annotation
            inner.bind(binding)
            if default is not None and _long_string(default):
                self.candidates.append(Candidate(arg.arg, default, outer))
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                inner.bind(Binding(arg.arg, arg, PARAM, None, inner))

    def _visible_update(self, name: str, method: str, call: ast.Call, scope: "Scope") -> bool:
        """`d.update(k=v)`, `d.update({"k": v})`, `d.setdefault("k", v)`: the
        entries are in view, recorded like `d["k"] = v`. False for any other
        change (the dict's content is then not fully known)."""
        entries: List[Tuple[ast.expr, ast.expr]] = []
        if method == "update" and not call.args and all(kw.arg is not None for kw in call.keywords):
            entries = [(ast.Constant(value=kw.arg), kw.value) for kw in call.keywords]
        elif method == "update" and len(call.args) == 1 and not call.keywords and \
                call.args[0].__class__ is ast.Dict and None not in call.args[0].keys:
            entries = list(zip(call.args[0].keys, call.args[0].values))
        elif method == "setdefault" and len(call.args) == 2 and not call.keywords:
            entries = [(call.args[0], call.args[1])]
        else:
            return False
        for key, value in entries:
            scope.update(name, key, value)
        return True

    def _bind_target(self, target: ast.expr, value: Optional[ast.expr], scope: Scope, in_except: bool) -> None:
        cls = target.__class__
        if cls is ast.Name:
            fallback = in_except or _is_none(value)
            home = self.module if target.id in scope.globals else scope
            # The name is bound once its value is computed: `creds = creds["x"]`
            # reads the previous binding.
            if value is not None:
                home.bind(Binding(target.id, value, ASSIGN, value, home, fallback, end=True))
            else:
                home.bind(Binding(target.id, target, OTHER, None, home, fallback))
            if value is not None and _long_string(value):
                self.candidates.append(Candidate(target.id, value, scope))
            elif value is not None:
                wrapped = _field_default(value)  # a settings field: `x: SecretStr = SecretStr("...")`
                if wrapped is not None:
                    self.candidates.append(Candidate(target.id, wrapped, scope))
        elif cls is ast.Tuple or cls is ast.List:
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
            if values is not None and len(values) == len(target.elts):
                for t, v in zip(target.elts, values):
                    self._bind_target(t, v, scope, in_except)
            else:
                for t in target.elts:
                    self._bind_target(t, None, scope, in_except)
        elif cls is ast.Starred:
            self._bind_target(target.value, None, scope, in_except)
        elif cls is ast.Attribute:
            if value is not None and _long_string(value):
                self.candidates.append(Candidate(target.attr, value, scope))
            owner = target.value
            if scope.self_name and isinstance(owner, ast.Name) and owner.id == scope.self_name:
                cls_scope = scope.class_scope
                if cls_scope is not None:
                    cls_scope.attrs.setdefault(target.attr, []).append(
                        Binding(target.attr, target, ASSIGN if value is not None else OTHER, value, scope)
                    )
        elif cls is ast.Subscript:
            key = target.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and value is not None:
                if _long_string(value):
                    self.candidates.append(Candidate(key.value, value, scope))
                if isinstance(target.value, ast.Name):
                    scope.update(target.value.id, key, value)

    # -- resolving -------------------------------------------------------------

    def lookup(self, name: str, scope: Scope, pos: Pos) -> Optional[Binding]:
        """The binding `name` refers to at `pos` in `scope`."""
        current: Optional[Scope] = scope
        own = True
        while current is not None:
            if name in current.globals:
                current, own = self.module, False
                continue
            if current.kind == "class" and not own:
                current = current.parent
                continue
            bindings = current.ordered(name)
            if bindings:
                ordered = own and current.kind != "comprehension"
                chosen = _choose(bindings, pos if ordered else None)
                if chosen is not None:
                    return chosen
                if current.kind in ("function", "lambda"):
                    return None  # a local used before assignment
            current = current.parent
            own = False
        return None

    def star_binding(self, name: str) -> Optional[Binding]:
        """What a name no binding explains may come from: `from boto3 import *`."""
        if self.star_imports:
            return Binding(name, None, IMPORT, f"{self.star_imports[-1]}.{name}", self.module)
        return None

    def visible(self, name: str, scope: Scope, pos: Pos) -> List[Binding]:
        """Every binding of `name` that may be the one in force at `pos`: in the
        scope that defines the name, those before `pos` (all of them, in an
        enclosing scope). `if dev: KEY = "AKIA..." else: KEY = os.environ[...]`
        may use either."""
        chosen = self.lookup(name, scope, pos)
        if chosen is None or chosen.kind != ASSIGN:
            return [chosen] if chosen is not None else []
        bindings = chosen.scope.ordered(name) or [chosen]
        if chosen.scope is scope and scope.kind != "comprehension":
            bindings = [b for b in bindings if b.pos <= pos]
        return [b for b in bindings if b.kind == ASSIGN] or [chosen]

    def self_attribute(self, owner: ast.Name, attr: str, scope: Scope) -> Optional[Binding]:
        """`self.attr` inside a method: what some method of the class assigned to it."""
        function = scope
        while function is not None and function.kind in ("lambda", "comprehension"):
            function = function.parent
        if function is None or function.self_name != owner.id:
            return None
        cls_scope = function.class_scope
        if cls_scope is None:
            return None
        return _choose(sorted(cls_scope.attrs.get(attr) or [], key=lambda b: b.pos), None)


# Node classes the walk acts on; every other class only has its children visited.
_SPECIAL = frozenset([
    ast.Call, ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.Dict, ast.Import,
    ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
    ast.DictComp, ast.GeneratorExp, ast.Return, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.ExceptHandler,
    ast.Global,
])

# Methods that change a dict in place: after them, a `**d` is no longer fully visible.
_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"})

# Nodes the walk never needs to enter: they cannot contain a call, a binding
# or a string worth judging on their own.
_LEAVES = frozenset(
    [ast.Name, ast.Constant, ast.Load, ast.Store, ast.Del, ast.Pass, ast.Break, ast.Continue, ast.alias,
     ast.Nonlocal]
    + ast.operator.__subclasses__() + ast.boolop.__subclasses__() + ast.cmpop.__subclasses__()
    + ast.unaryop.__subclasses__()
)
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "type_ignores"})
_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _children(node: ast.AST) -> List[ast.AST]:
    """Child nodes worth visiting; faster than ast.iter_child_nodes because
    it skips leaves and context/operator fields without creating generators."""
    cls = node.__class__
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(n for n in cls._fields if n not in _SKIPPED_FIELDS)
    out = []
    leaves = _LEAVES
    for name in names:
        value = getattr(node, name, None)
        if value is None:
            continue
        if value.__class__ is list:
            for child in value:
                if child is not None and child.__class__ not in leaves and isinstance(child, ast.AST):
                    out.append(child)
        elif value.__class__ not in leaves and isinstance(value, ast.AST):
            out.append(value)
    return out


def _choose(bindings: List[Binding], pos: Optional[Pos]) -> Optional[Binding]:
    """The most recent binding before `pos` (any, if pos is None), preferring
    real bindings over fallbacks such as `x = None` or an `except` branch."""
    visible = bindings if pos is None else [b for b in bindings if b.pos <= pos]
    if not visible:
        return None
    for binding in reversed(visible):
        if not binding.fallback:
            return binding
    return visible[-1]


# Settings classes (pydantic, dataclasses, attrs) wrap a field's default:
# `SecretStr("...")`, `Field(default="...")`, `field(default="...")`, `attr.ib(default="...")`.
_FIELD_WRAPPERS = frozenset({"SecretStr", "SecretBytes", "Secret", "Field", "field", "ib", "attrib"})


def _field_default(node: ast.expr) -> Optional[ast.expr]:
    """The literal a field wrapper holds, if it is worth remembering."""
    if node.__class__ is not ast.Call:
        return None
    func = node.func
    name = func.id if func.__class__ is ast.Name else func.attr if func.__class__ is ast.Attribute else None
    if name not in _FIELD_WRAPPERS:
        return None
    for keyword in node.keywords:
        if keyword.arg == "default" and _long_string(keyword.value):
            return keyword.value
    if node.args and _long_string(node.args[0]) and name in ("SecretStr", "SecretBytes", "Secret", "Field"):
        return node.args[0]
    return None


def _long_string(node: ast.AST) -> bool:
    """Worth remembering as a secret candidate: a string written with
    literals only (see literal_string), long enough to be a key."""
    cls = node.__class__
    if cls is ast.Constant:
        value = node.value
        return isinstance(value, str) and len(value) >= MIN_CANDIDATE_LENGTH
    if cls is ast.JoinedStr or cls is ast.BinOp or cls is ast.Call:
        text = literal_string(node)
        return text is not None and len(text) >= MIN_CANDIDATE_LENGTH
    return False


def literal_string(node: ast.AST) -> Optional[str]:
    """The value of a string written with literals only: a literal, an
    f-string whose fields are literals, a `+` concatenation, `"".join([...])`,
    or `%` / `.format()` filled with literals (implicit concatenation is
    already folded by the parser). A key split this way is still a key. None
    for anything that is not fully literal."""
    cls = node.__class__
    if cls is ast.Constant:
        return node.value if isinstance(node.value, str) else None
    if cls is ast.JoinedStr:
        parts = []
        for value in node.values:
            if value.__class__ is ast.FormattedValue:
                if value.conversion not in (-1, ord("s")) or value.format_spec is not None:
                    return None
                value = value.value
            text = _literal_piece(value)
            if text is None:
                return None
            parts.append(text)
        return "".join(parts)
    if cls is ast.BinOp:
        if node.op.__class__ is ast.Add:
            left, right = literal_string(node.left), literal_string(node.right)
            if left is not None and right is not None:
                return left + right
        elif node.op.__class__ is ast.Mod:
            return _percent(node)
        return None
    if cls is ast.Call and node.func.__class__ is ast.Attribute and not node.keywords:
        attr = node.func.attr
        if attr == "join" and len(node.args) == 1 and node.args[0].__class__ in (ast.List, ast.Tuple):
            separator = literal_string(node.func.value)
            items = [literal_string(item) for item in node.args[0].elts]
            if separator is not None and None not in items:
                return separator.join(items)  # type: ignore[arg-type]
        elif attr == "format":
            return _format(node)
    return None


def _literal_piece(node: ast.AST) -> Optional[str]:
    if node.__class__ is ast.Constant and isinstance(node.value, int) and not isinstance(node.value, bool):
        return str(node.value)
    return literal_string(node)


_PERCENT = None
_BRACES = None


def _percent(node: ast.BinOp) -> Optional[str]:
    """`"q7Xr...%s" % "..."`: only `%s` and `%%`, filled with literals."""
    global _PERCENT
    template = literal_string(node.left)
    if template is None:
        return None
    right = node.right
    args = right.elts if right.__class__ is ast.Tuple else [right]
    values = [_literal_piece(a) for a in args]
    if None in values:
        return None
    if _PERCENT is None:
        import re

        _PERCENT = re.compile(r"%(.)", re.S)
    pieces = iter(values)
    out, failed = [], False

    def fill(m) -> str:
        nonlocal failed
        if m.group(1) == "%":
            return "%"
        value = next(pieces, None) if m.group(1) == "s" else None
        if value is None:
            failed = True
            return ""
        return value

    out = _PERCENT.sub(fill, template)
    if failed or next(pieces, None) is not None:
        return None
    return out


def _format(node: ast.Call) -> Optional[str]:
    """`"{}{}".format("q7Xr...", "...")`: empty or numbered fields, literal arguments."""
    global _BRACES
    template = literal_string(node.func.value)
    if template is None:
        return None
    values = [_literal_piece(a) for a in node.args]
    if None in values:
        return None
    if _BRACES is None:
        import re

        _BRACES = re.compile(r"\{\{|\}\}|\{(\d*)\}|[{}]")
    counter = iter(range(len(values)))
    failed = False

    def fill(m) -> str:
        nonlocal failed
        text = m.group(0)
        if text in ("{{", "}}"):
            return text[0]
        if m.group(1) is None:
            failed = True  # `{name}`, `{0:>8}` or a lone brace
            return ""
        index = int(m.group(1)) if m.group(1) else next(counter, len(values))
        if index >= len(values):
            failed = True
            return ""
        return values[index]  # type: ignore[return-value]

    out = _BRACES.sub(fill, template)
    return None if failed else out


def literal_pieces(node: ast.AST) -> List[ast.AST]:
    """The literals a folded string is written with, when there is more than
    one (`"".join(["q7Xr...", "..."])`): each holds only part of the value.
    An f-string counts as one piece (before Python 3.12 its parts carry the
    f-string's own position)."""
    if node.__class__ in (ast.Constant, ast.JoinedStr):
        return []
    out: List[ast.AST] = []
    stack = [node]
    while stack:
        item = stack.pop()
        cls = item.__class__
        if cls in (ast.Constant, ast.JoinedStr):
            out.append(item)
        elif cls is ast.BinOp:
            stack += [item.right, item.left]
        elif cls in (ast.List, ast.Tuple):
            stack += reversed(item.elts)
        elif cls is ast.Call:
            stack += list(reversed(item.args)) + [item.func.value]
    return out
