"""What an expression refers to (its qualified name) and where a credential
value comes from (its kind), on top of the bindings of names.py."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import List, Optional, Tuple

from ...keypolicy import KeyPolicy
from .names import ASSIGN, DEF, IMPORT, PARAM, Binding, ModuleModel, Scope, literal_string
from .sdk import PythonSdk

MAX_DEPTH = 12

# Value kinds (the rule vocabulary's `values:`)
SECRET = "secret-literal"
PLACEHOLDER = "placeholder-literal"
ENV_STANDARD = "environment-standard"
ENV_OTHER = "environment-other"
PARAMETER = "parameter"
EXPRESSION = "expression"
RESPONSE = "api-response"
NONE = "none"


@dataclass(frozen=True)
class Value:
    kind: str
    literal: Optional[str] = None  # the literal, for SECRET / PLACEHOLDER
    literal_node: Optional[ast.expr] = None  # where the literal is written
    detail: str = ""  # env variable name, parameter name, or a short origin label


class LocalFunction:
    """A function defined in this module: calling it yields what it returns."""

    __slots__ = ("scope",)

    def __init__(self, scope: Scope) -> None:
        self.scope = scope


class Resolver:
    def __init__(self, model: ModuleModel, sdk: PythonSdk, policy: KeyPolicy) -> None:
        self.model = model
        self.sdk = sdk
        self.policy = policy

    # -- qualified names -----------------------------------------------------

    def qualified(self, node: ast.expr, scope: Scope) -> Optional[str]:
        """`b3.Session(...).client` -> `boto3.Session().client` (canonical)."""
        result = self._qualify(node, scope, 0)
        if isinstance(result, str):
            return self.sdk.canonical(result)
        return None

    def _qualify(self, node: ast.expr, scope: Scope, depth: int):
        if depth > MAX_DEPTH:
            return None
        cls = node.__class__
        if cls is ast.Name:
            binding = self.model.lookup(node.id, scope, (node.lineno, node.col_offset))
            return self._qualify_binding(binding or self.model.star_binding(node.id), depth)
        if cls is ast.Attribute:
            owner = node.value
            if owner.__class__ is ast.Name:
                attribute = self.model.self_attribute(owner, node.attr, scope)
                if attribute is not None:
                    return self._qualify_binding(attribute, depth)
            base = self._qualify(owner, scope, depth + 1)
            return f"{base}.{node.attr}" if isinstance(base, str) else None
        if cls is ast.Call:
            func = self._qualify(node.func, scope, depth + 1)
            if isinstance(func, LocalFunction):
                return self._returned(func.scope, depth + 1)
            return f"{func}()" if isinstance(func, str) else None
        if cls is ast.Await:
            return self._qualify(node.value, scope, depth + 1)
        return None

    def _qualify_binding(self, binding: Optional[Binding], depth: int):
        if binding is None:
            return None
        if binding.kind == IMPORT:
            return binding.value
        if binding.kind == ASSIGN and binding.value is not None:
            return self._qualify(binding.value, binding.scope, depth + 1)
        if binding.kind == DEF and isinstance(binding.value, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope = self.model.scopes.get(id(binding.value))
            return LocalFunction(scope) if scope is not None else None
        if binding.kind == PARAM and binding.annotation is not None:
            # `def f(session: boto3.Session)`: an instance of the annotated class
            kind = self._qualify(binding.annotation, binding.scope.parent or binding.scope, depth + 1)
            return f"{kind}()" if isinstance(kind, str) else None
        return None

    def _returned(self, scope: Scope, depth: int) -> Optional[str]:
        """A helper like `def get_session(): return boto3.Session(...)` returns
        `boto3.Session()` when all its returns agree."""
        names = {self._qualify(r, scope, depth + 1) for r in scope.returns}
        if len(names) == 1:
            (name,) = names
            return name if isinstance(name, str) else None
        return None

    # -- value kinds ---------------------------------------------------------

    def classify(self, node: ast.expr, scope: Scope, role: str = "", depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            return Value(EXPRESSION, detail="variable")
        cls = node.__class__
        if cls is ast.Constant and node.value is None:
            return Value(NONE)
        literal = literal_string(node)
        if literal is not None:
            kind = SECRET if self.policy.is_secret(literal) else PLACEHOLDER
            return Value(kind, literal, node)
        if cls is ast.Name:
            bindings = self.model.visible(node.id, scope, (node.lineno, node.col_offset))
            values = [self._classify_binding(b, node.id, role, depth) for b in bindings]
            if not values:
                return Value(EXPRESSION, detail="variable")
            for value in values:
                if value.kind == SECRET:
                    return value  # one branch hardcodes a key: the code may use it
            values = [v for v in values if v.kind != NONE] or values  # `KEY = None` until configured
            if len({v.kind for v in values}) == 1:
                return values[-1]
            return Value(EXPRESSION, detail="variable")  # depends on the branch taken: never a safe fix
        if cls is ast.BoolOp or cls is ast.IfExp:
            # `os.getenv("X") or "AKIA..."`: a hardcoded fallback is hardcoded
            parts = node.values if cls is ast.BoolOp else [node.body, node.orelse]
            values = [self.classify(p, scope, role, depth + 1) for p in parts]
            for value in values:
                if value.kind == SECRET:
                    return value
            return Value(EXPRESSION, detail="expression")
        env = self._environment(node, scope, role, depth)
        if env is not None:
            return env
        if self._from_response(node, scope, depth):
            return Value(RESPONSE)
        caller = self._from_caller(node, scope)
        if caller is not None:
            return Value(PARAMETER, detail=caller)
        if cls is ast.Attribute:
            return Value(EXPRESSION, detail="settings")
        return Value(EXPRESSION, detail="expression")

    def _classify_binding(self, binding: Binding, name: str, role: str, depth: int) -> Value:
        if binding.kind == PARAM:
            return Value(PARAMETER, detail=name)
        if binding.kind == ASSIGN and binding.value is not None:
            return self.classify(binding.value, binding.scope, role, depth + 1)
        return Value(EXPRESSION, detail="variable")

    def partial_string(self, node: ast.expr, scope: Scope, depth: int = 0) -> Optional[str]:
        """A string with its unknown parts as U+0000: `f"http://localhost:{PORT}"`
        -> "http://localhost:\0", with names bound to literals substituted."""
        literal = literal_string(node)
        if literal is not None:
            return literal
        if depth > MAX_DEPTH:
            return None
        if node.__class__ is ast.Name:
            binding = self.model.lookup(node.id, scope, (node.lineno, node.col_offset))
            if binding is not None and binding.kind == ASSIGN and binding.value is not None:
                return self.partial_string(binding.value, binding.scope, depth + 1)
            return None
        if node.__class__ is ast.JoinedStr:
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                elif isinstance(value, ast.FormattedValue):
                    inner = value.value
                    known = None
                    if isinstance(inner, ast.Constant) and isinstance(inner.value, (str, int)):
                        known = str(inner.value)
                    elif isinstance(inner, ast.Name):
                        binding = self.model.lookup(inner.id, scope, (inner.lineno, inner.col_offset))
                        if binding is not None and binding.kind == ASSIGN and isinstance(binding.value, ast.Constant) \
                                and isinstance(binding.value.value, (str, int)):
                            known = str(binding.value.value)
                    parts.append(known if known is not None and value.format_spec is None else "\0")
            return "".join(parts)
        return None

    def _environment(self, node: ast.expr, scope: Scope, role: str, depth: int) -> Optional[Value]:
        """os.environ["X"], os.environ.get("X"[, default]), os.getenv("X"[, default])."""
        name_node = default = None
        if node.__class__ is ast.Subscript:
            if self.qualified(node.value, scope) in self.sdk.env_readers:
                name_node = node.slice
        elif node.__class__ is ast.Call and node.args:
            if self.qualified(node.func, scope) in self.sdk.env_readers:
                name_node = node.args[0]
                if len(node.args) > 1:
                    default = node.args[1]
                for kw in node.keywords:
                    if kw.arg in ("default", "value"):
                        default = kw.value
        if name_node is None:
            return None
        variable = literal_string(name_node)
        if variable is None:
            return Value(ENV_OTHER, detail="environment")
        if default is not None and not (isinstance(default, ast.Constant) and default.value is None):
            fallback = self.classify(default, scope, role, depth + 1)
            if fallback.kind == SECRET:
                return fallback
            return Value(ENV_OTHER, detail=variable)
        standard = self.sdk.env_variables.get(role, frozenset())
        return Value(ENV_STANDARD if variable in standard else ENV_OTHER, detail=variable)

    def _from_caller(self, node: ast.expr, scope: Scope, depth: int = 0) -> Optional[str]:
        """Read out of what the caller passed: `event["headers"]["x-key"]`
        (a parameter), `request.headers.get("X-Key")` (flask's request),
        `self.request.GET["key"]` (a class-based view). The text of the
        expression, shortened, for the message; None otherwise."""
        root, steps = node, 0
        while steps <= MAX_DEPTH:
            cls = root.__class__
            if cls is ast.Subscript or cls is ast.Attribute or cls is ast.Await:
                if cls is ast.Attribute and root.value.__class__ is ast.Name and root.value.id == "self" \
                        and root.attr in self.sdk.caller_self_attributes:
                    break
                root = root.value
            elif cls is ast.Call and root.func.__class__ is ast.Attribute and \
                    root.func.attr in ("get", "getlist", "get_json", "getheader", "json"):
                root = root.func.value
            else:
                break
            steps += 1
        else:
            return None
        if steps == 0:
            return None
        if root.__class__ is ast.Name:
            binding = self.model.lookup(root.id, scope, (root.lineno, root.col_offset))
            if binding is None:
                return None
            if binding.kind == ASSIGN and binding.value is not None and depth < MAX_DEPTH:
                # `creds = event["credentials"]`, then `creds["accessKeyId"]`
                if self._from_caller(binding.value, binding.scope, depth + 1) is None:
                    return None
            elif binding.kind == PARAM:
                if root.id in ("self", "cls"):
                    return None  # the object's own state, not the caller's (`self.request` aside)
            elif self.qualified(root, scope) not in self.sdk.caller_objects:
                return None
        elif not (root.__class__ is ast.Attribute and root.attr in self.sdk.caller_self_attributes):
            return None
        text = ast.unparse(node) if hasattr(ast, "unparse") else root.id if root.__class__ is ast.Name else "request"
        return text if len(text) <= 48 else text[:45] + "..."

    def _from_response(self, node: ast.expr, scope: Scope, depth: int) -> bool:
        """Derived from an AWS API response: `sts.assume_role(...)["Credentials"]`,
        `json.loads(sm.get_secret_value(...)["SecretString"])["key"]`, or any
        dict read with the STS keys (`creds["AccessKeyId"]`)."""
        seen = 0
        while seen <= MAX_DEPTH:
            seen += 1
            cls = node.__class__
            if cls is ast.Subscript:
                key = literal_string(node.slice)
                if key is not None and key in self.sdk.response_keys:
                    return True
                node = node.value
            elif cls is ast.Attribute:
                node = node.value
            elif cls is ast.Call:
                func = node.func
                if func.__class__ is ast.Attribute and func.attr in self.sdk.response_methods and (
                        node.args or node.keywords or func.attr not in self.sdk.response_methods_with_arguments):
                    # (get_secret_value(SecretId=...) reads Secrets Manager; pydantic's
                    # SecretStr.get_secret_value() takes nothing and unwraps a settings value)
                    return True
                if func.__class__ is ast.Attribute and func.attr == "get" and node.args:
                    key = literal_string(node.args[0])
                    if key is not None and key in self.sdk.response_keys:
                        return True
                    node = func.value
                elif node.args:
                    node = node.args[0]
                else:
                    return False
            elif cls is ast.Await:
                node = node.value
            elif cls is ast.Name:
                binding = self.model.lookup(node.id, scope, (node.lineno, node.col_offset))
                if binding is None or binding.kind != ASSIGN or binding.value is None or depth > MAX_DEPTH:
                    return False
                node, scope = binding.value, binding.scope
                depth += 1
            else:
                return False
        return False

    # -- dicts behind ** ---------------------------------------------------------

    def dict_entries(self, node: ast.expr, scope: Scope) -> Optional[Tuple[List[Tuple[str, ast.expr]], bool, bool]]:
        """For `**x`: the (key, value) entries when x is a dict literal or
        `dict(k=v)` built in view, whether every entry is visible, and whether
        the dict is written inline (so a fix may edit it)."""
        inline = True
        complete = True
        if node.__class__ is ast.Name:
            binding = self.model.lookup(node.id, scope, (node.lineno, node.col_offset))
            if binding is None or binding.kind != ASSIGN or binding.value is None:
                return None
            updates = binding.scope.updates.get(node.id, [])
            complete = node.id not in self.model.mutated  # d.update(...): contents not fully visible
            node, scope, inline = binding.value, binding.scope, False
        else:
            updates = []
        entries: List[Tuple[str, ast.expr]] = []
        if node.__class__ is ast.Dict:
            for key, value in zip(node.keys, node.values):
                text = literal_string(key) if key is not None else None
                if text is None:
                    complete = False
                else:
                    entries.append((text, value))
        elif (
            node.__class__ is ast.Call
            and node.func.__class__ is ast.Name
            and node.func.id == "dict"
            and self.model.lookup("dict", scope, (node.lineno, node.col_offset)) is None
        ):
            if node.args:
                complete = False
            for kw in node.keywords:
                if kw.arg is None:
                    complete = False
                else:
                    entries.append((kw.arg, kw.value))
        else:
            return None
        for key, value in updates:
            text = literal_string(key)
            if text is not None:
                entries.append((text, value))
        return entries, complete, inline
