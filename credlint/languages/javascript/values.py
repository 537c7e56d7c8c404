"""What a JavaScript expression refers to (its qualified name) and where a
credential value comes from (its kind), on top of model.py's bindings. The
value kinds are the rules' vocabulary, shared with Python."""
from __future__ import annotations

from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from ...keypolicy import KeyPolicy
from .model import DESTRUCTURE, FUNCTION, IMPORT, PARAM, VALUE, Binding, ModuleModel
from .sdk import JsSdk
from .syntax import property_name, string_value, text, unwrap

MAX_DEPTH = 12

SECRET = "secret-literal"
PLACEHOLDER = "placeholder-literal"
ENV_STANDARD = "environment-standard"
ENV_OTHER = "environment-other"
PARAMETER = "parameter"
EXPRESSION = "expression"
RESPONSE = "api-response"
PROVIDER = "provider"  # a credential provider: the right way, never reported
NONE = "none"


class Value(NamedTuple):
    kind: str
    literal: Optional[str] = None  # SECRET / PLACEHOLDER: the value
    nodes: Tuple[object, ...] = ()  # where the literal is written (in `model`), piece by piece
    detail: str = ""  # a variable name, a parameter name, or a short origin label
    model: Optional[ModuleModel] = None  # the module the nodes are in (another one: a relative import)
    browser: bool = False  # read from a variable that a browser build inlines (REACT_APP_...)


# Loads the model of a relative import: (importing model, specifier) -> model or None.
Loader = Callable[[ModuleModel, str], Optional[ModuleModel]]


class Resolver:
    def __init__(self, model: ModuleModel, sdk: JsSdk, policy: KeyPolicy, loader: Optional[Loader] = None) -> None:
        self.model = model
        self.sdk = sdk
        self.policy = policy
        self.loader = loader
        # binding -> [binding, its name, the deepest depth it was found at, the shallowest
        # depth it came out None at]: a file of the SDK calls `AWS.util...` a thousand
        # times, each resolved from `AWS` again
        self._qualified: Dict[int, list] = {}

    # -- qualified names ---------------------------------------------------------------------

    def qualified(self, node, model: Optional[ModuleModel] = None, depth: int = 0) -> Optional[str]:
        """`AWS.config.update` -> `aws-sdk.config.update`; `new S3Client()` ->
        `@aws-sdk/client-s3.S3Client()` (what calling or constructing gives)."""
        model = model or self.model
        node = unwrap(node)
        if node is None or depth > MAX_DEPTH:
            return None
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier"):
            binding = model.lookup(text(node), model.scope_of(node.start_byte), node.start_byte)
            return self._qualify_binding(binding, model, depth)
        if kind == "member_expression":
            owner = self.qualified(node.child_by_field_name("object"), model, depth + 1)
            name = property_name(node.child_by_field_name("property"))
            return f"{owner}.{name}" if owner and name else None
        if kind == "subscript_expression":
            owner = self.qualified(node.child_by_field_name("object"), model, depth + 1)
            name = string_value(node.child_by_field_name("index"))
            return f"{owner}.{name}" if owner and name else None
        if kind == "call_expression":
            function = node.child_by_field_name("function")
            module = self.required(node, model)
            if module is not None:
                if module.startswith("."):  # `require('./aws')`: what that module exports
                    return self._qualify_export((module, ""), model, depth)
                return module
            if function is not None and function.type == "member_expression" and \
                    property_name(function.child_by_field_name("property")) == "promise":
                return self.qualified(function.child_by_field_name("object"), model, depth + 1)  # v2's .promise()
            inner = self.qualified(function, model, depth + 1)
            return f"{inner}()" if inner else None
        if kind == "new_expression":
            inner = self.qualified(node.child_by_field_name("constructor"), model, depth + 1)
            return f"{inner}()" if inner else None
        return None

    def required(self, call, model: Optional[ModuleModel] = None) -> Optional[str]:
        """`require('m')` (not shadowed) and `import('m')`: the module."""
        model = model or self.model
        function = call.child_by_field_name("function")
        if function is None:
            return None
        if function.type == "import" or (
                function.type == "identifier" and text(function) == "require"
                and model.lookup("require", model.scope_of(call.start_byte), call.start_byte) is None):
            arguments = call.child_by_field_name("arguments")
            first = next((c for c in arguments.named_children if c.type != "comment"), None) if arguments else None
            module = string_value(first)
            return self.sdk.canonical(module) if module else None
        return None

    def _qualify_binding(self, binding: Optional[Binding], model: ModuleModel, depth: int) -> Optional[str]:
        if binding is None:
            return None
        # MAX_DEPTH cuts a resolution into None: a name found at a depth is found at
        # any shallower one (more room), a None at any deeper one (less). Between
        # the two, the binding is resolved again: the answer must not depend on
        # which site of the file asked first.
        known = self._qualified.get(id(binding))
        if known is None or known[0] is not binding:
            known = self._qualified[id(binding)] = [binding, None, -1, MAX_DEPTH + 1]
        if depth <= known[2]:
            return known[1]
        if depth >= known[3]:
            return None
        found = self._qualify_binding_now(binding, model, depth)
        if found is not None:
            known[1], known[2] = found, depth
        else:
            known[3] = depth
        return found

    def _qualify_binding_now(self, binding: Binding, model: ModuleModel, depth: int) -> Optional[str]:
        if binding.kind == IMPORT:
            # The default export of the SDK's modules (aws-sdk, aws-sdk/clients/s3)
            # is the module itself, and so is `import * as`.
            module, member = binding.value  # type: ignore[misc]
            if module.startswith("."):  # a module of this tree that hands on what it imported
                return self._qualify_export((module, member), model, depth)
            module = self.sdk.canonical(module)
            return f"{module}.{member}" if member and member != "*" else module
        if binding.kind == VALUE and binding.value is not None:
            return self.qualified(binding.value, model, depth + 1)
        if binding.kind == DESTRUCTURE:
            source, key = binding.value  # type: ignore[misc]
            owner = self.qualified(source, model, depth + 1)
            return f"{owner}.{key}" if owner else None
        return None

    def _qualify_export(self, value: Tuple[str, str], model: ModuleModel, depth: int) -> Optional[str]:
        """The qualified name of what a relative module exports: a local
        `aws.js` doing `module.exports = require('aws-sdk')` is the SDK."""
        node, other = self._export(value, model)
        return self.qualified(node, other, depth + 1) if node is not None else None

    def callee(self, site, model: Optional[ModuleModel] = None) -> Optional[str]:
        """The name a call or constructor site is matched by: `new aws-sdk.S3`, `aws-sdk.config.update`."""
        if site.type == "new_expression":
            name = self.qualified(site.child_by_field_name("constructor"), model)
            return f"new {name}" if name else None
        function = site.child_by_field_name("function")
        return self.qualified(function, model) if function is not None else None

    # -- value kinds -----------------------------------------------------------------------------

    def classify(self, node, role: str = "", model: Optional[ModuleModel] = None, depth: int = 0) -> Value:
        model = model or self.model
        node = unwrap(node)
        if node is None:
            return Value(NONE)
        if depth > MAX_DEPTH:
            return Value(EXPRESSION, detail="variable")
        kind = node.type
        if kind in ("null", "undefined") or (kind == "identifier" and text(node) == "undefined"):
            return Value(NONE)
        literal, pieces = self.literal(node, model)
        if literal is not None:
            return Value(SECRET if self.policy.is_secret(literal) else PLACEHOLDER, literal, pieces, model=model)
        if kind in ("identifier", "shorthand_property_identifier"):  # `{ accessKeyId }` reads the variable
            name = text(node)
            bindings = model.visible(name, model.scope_of(node.start_byte), node.start_byte)
            values = [self._classify_binding(b, name, role, model, depth) for b in bindings]
            if not values:
                return Value(EXPRESSION, detail="variable")
            for value in values:
                if value.kind == SECRET:
                    return value  # one branch hardcodes a key: the code may use it
            values = [v for v in values if v.kind != NONE] or values  # `let key = null` until configured
            if len({v.kind for v in values}) == 1:
                return values[-1]
            return Value(EXPRESSION, detail="variable")
        if kind in ("member_expression", "subscript_expression"):
            return self._member(node, role, model, depth)
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            op = operator.type if operator is not None else ""
            left = self.classify(node.child_by_field_name("left"), role, model, depth + 1)
            right = self.classify(node.child_by_field_name("right"), role, model, depth + 1)
            if SECRET in (left.kind, right.kind):
                return left if left.kind == SECRET else right  # `process.env.X || 'AKIA...'`: a hardcoded fallback
            if op in ("??", "||") and right.kind in (PLACEHOLDER, NONE) and not (right.literal or "").strip():
                return left  # `process.env.KEY ?? ''`: the variable, with an empty fallback
            return Value(EXPRESSION, detail="expression")
        if kind == "ternary_expression":
            for part in ("consequence", "alternative"):
                value = self.classify(node.child_by_field_name(part), role, model, depth + 1)
                if value.kind == SECRET:
                    return value
            return Value(EXPRESSION, detail="expression")
        if kind in ("call_expression", "new_expression"):
            if self.is_response(node, model, depth):
                return Value(RESPONSE)
            name = self.qualified(node.child_by_field_name("function" if kind == "call_expression" else "constructor"),
                                  model)
            if self.sdk.is_provider(name):
                return Value(PROVIDER)
            return Value(EXPRESSION, detail="a function call")
        return Value(EXPRESSION, detail="expression")

    def _classify_binding(self, binding: Binding, name: str, role: str, model: ModuleModel, depth: int) -> Value:
        if binding.kind == PARAM:
            return Value(PARAMETER, detail=name)
        if binding.kind == VALUE and binding.value is not None:
            return self.classify(binding.value, role, model, depth + 1)
        if binding.kind == DESTRUCTURE:
            source, key = binding.value  # type: ignore[misc]
            env = self._env_object(source, model)
            if env is not None:
                return self._env_value(key, role, env)
            return self._property_of(source, key, role, model, depth)
        if binding.kind == IMPORT:
            return self._imported(binding.value, role, model, depth)  # type: ignore[arg-type]
        if binding.kind == FUNCTION:
            return Value(EXPRESSION, detail="a function")
        return Value(EXPRESSION, detail="variable")

    def _imported(self, value: Tuple[str, str], role: str, model: ModuleModel, depth: int) -> Value:
        """A name imported from a relative module of the same tree: its value
        there (`import { awsConfig } from './config'`)."""
        node, other = self._export(value, model)
        if node is not None:
            return self.classify(node, role, other, depth + 1)
        return Value(EXPRESSION, detail="an import")

    def _export(self, value: Tuple[str, str], model: ModuleModel):
        """The node a relative import names in its module, and that module."""
        spec, member = value
        if not spec.startswith(".") or self.loader is None or member == "*":
            return None, None
        other = self.loader(model, spec)
        if other is None:
            return None, None
        return other.exports.get(member or "default"), other

    def _member(self, node, role: str, model: ModuleModel, depth: int) -> Value:
        owner = node.child_by_field_name("object")
        key = property_name(node.child_by_field_name("property")) if node.type == "member_expression" \
            else string_value(node.child_by_field_name("index"))
        env = self._env_object(owner, model)
        if env is not None and key is not None:
            return self._env_value(key, role, env)
        if env is not None:
            return Value(ENV_OTHER, detail="environment")
        if key is not None and key in self.sdk.response_keys:
            return Value(RESPONSE)
        if key is not None:
            resolved = self._property_of(owner, key, role, model, depth)
            if resolved.kind != EXPRESSION or resolved.detail != "settings":
                return resolved
        if self._from_parameter(node, model):  # `tenant.keyId`, `req.headers[...]`: the caller's credentials
            return Value(PARAMETER, detail=" ".join(text(node).split())[:60])
        return Value(EXPRESSION, detail="settings")

    def _from_parameter(self, node, model: ModuleModel) -> bool:
        """A member chain read out of a parameter, directly or through
        variables (`const c = event.credentials; c.accessKeyId`)."""
        for _ in range(MAX_DEPTH):
            root = _root_name(node)
            if root is None:
                return False
            binding = model.lookup(text(root), model.scope_of(root.start_byte), root.start_byte)
            if binding is None:
                return False
            if binding.kind == PARAM:
                return True
            if binding.kind != VALUE or binding.value is None:
                return False
            node = binding.value
        return False

    def _property_of(self, owner, key: str, role: str, model: ModuleModel, depth: int) -> Value:
        """`obj.key` where `obj` is an object literal held in a variable (or
        imported from a relative module)."""
        found = self.object_literal(owner, model, depth)
        if found is not None:
            obj, where = found
            for member in obj.named_children:
                if member.type == "pair" and property_name(member.child_by_field_name("key")) == key:
                    return self.classify(member.child_by_field_name("value"), role, where, depth + 1)
                if member.type == "shorthand_property_identifier" and text(member) == key:
                    return self.classify(member, role, where, depth + 1)
        return Value(EXPRESSION, detail="settings")

    def object_literal(self, node, model: Optional[ModuleModel] = None, depth: int = 0):
        """(object node, its module) when `node` is, or names, an object literal."""
        model = model or self.model
        node = unwrap(node)
        for _ in range(MAX_DEPTH - depth):
            if node is None:
                return None
            if node.type == "object":
                return node, model
            if node.type == "identifier":
                binding = model.lookup(text(node), model.scope_of(node.start_byte), node.start_byte)
                if binding is None:
                    return None
                if binding.kind == VALUE and binding.value is not None:
                    node = unwrap(binding.value)
                    continue
                if binding.kind == IMPORT:
                    found, other = self._export(binding.value, model)  # type: ignore[arg-type]
                    if found is None:
                        return None
                    model, node = other, unwrap(found)
                    continue
                return None
            if node.type == "member_expression":
                owner = unwrap(node.child_by_field_name("object"))
                key = property_name(node.child_by_field_name("property"))
                namespace = self._namespace(owner, model)
                if namespace is not None and key is not None:  # `import * as shared from './config'`
                    model, node = namespace, unwrap(namespace.exports.get(key))  # type: ignore[arg-type]
                    continue
                inner = self.object_literal(owner, model, depth + 1)
                if inner is None or key is None:
                    return None
                obj, model = inner
                node = None
                for member in obj.named_children:
                    if member.type == "pair" and property_name(member.child_by_field_name("key")) == key:
                        node = unwrap(member.child_by_field_name("value"))
                continue
            return None
        return None

    def _namespace(self, node, model: ModuleModel) -> Optional[ModuleModel]:
        """The module a name stands for when it is `import * as X from './m'`."""
        if node is None or node.type != "identifier" or self.loader is None:
            return None
        binding = model.lookup(text(node), model.scope_of(node.start_byte), node.start_byte)
        if binding is None or binding.kind != IMPORT:
            return None
        spec, member = binding.value  # type: ignore[misc]
        if member != "*" or not spec.startswith("."):
            return None
        return self.loader(model, spec)

    def _env_object(self, node, model: ModuleModel) -> Optional[str]:
        """'process.env' / 'import.meta.env' when `node` is one of them."""
        node = unwrap(node)
        if node is None or node.type != "member_expression":
            return None
        owner = unwrap(node.child_by_field_name("object"))
        key = property_name(node.child_by_field_name("property"))
        if key != "env" or owner is None:
            return None
        if owner.type == "identifier" and text(owner) == "process" and \
                model.lookup("process", model.scope_of(node.start_byte), node.start_byte) is None:
            return "process.env"
        if owner.type == "meta_property" or text(owner) == "import.meta":
            return "import.meta.env"
        return None

    def _env_value(self, variable: str, role: str, env: str) -> Value:
        browser = variable.startswith(self.sdk.browser_env_prefixes) or env == "import.meta.env"
        standard = self.sdk.env_variables.get(role, frozenset())
        kind = ENV_STANDARD if variable in standard and env == "process.env" else ENV_OTHER
        return Value(kind, detail=variable, browser=browser)

    def literal(self, node, model: Optional[ModuleModel] = None) -> Tuple[Optional[str], Tuple[object, ...]]:
        """A string written with literals only (a string, a template without
        substitutions, a `+` concatenation of those) and the literals it is
        written with."""
        node = unwrap(node)
        if node is None:
            return None, ()
        value = string_value(node)
        if value is not None:
            return value, (node,)
        if node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and operator.type == "+":
                left, a = self.literal(node.child_by_field_name("left"), model)
                right, b = self.literal(node.child_by_field_name("right"), model)
                if left is not None and right is not None:
                    return left + right, a + b
        return None, ()

    def is_response(self, node, model: ModuleModel, depth: int = 0) -> bool:
        """From an AWS API response: `await sts.assumeRole(...).promise()`,
        `await client.send(new AssumeRoleCommand(...))`."""
        node = unwrap(node)
        for _ in range(MAX_DEPTH):
            if node is None:
                return False
            if node.type == "call_expression":
                function = node.child_by_field_name("function")
                name = property_name(function.child_by_field_name("property")) \
                    if function is not None and function.type == "member_expression" else None
                if name in self.sdk.response_methods:
                    return True
                if name == "send":
                    arguments = node.child_by_field_name("arguments")
                    first = unwrap(arguments.named_children[0]) if arguments and arguments.named_children else None
                    if first is not None and first.type == "new_expression":
                        ctor = first.child_by_field_name("constructor")
                        if ctor is not None and text(ctor).rsplit(".", 1)[-1] in self.sdk.response_commands:
                            return True
                node = unwrap(function.child_by_field_name("object")) if name == "promise" and function else None
            elif node.type == "identifier":
                binding = model.lookup(text(node), model.scope_of(node.start_byte), node.start_byte)
                node = unwrap(binding.value) if binding is not None and binding.kind == VALUE else None
            else:
                return False
        return False


def _root_name(node):
    """The identifier a member chain starts from: `tenant` in `tenant.aws.keyId`."""
    for _ in range(MAX_DEPTH):
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            return node
        if node.type not in ("member_expression", "subscript_expression"):
            return None
        node = node.child_by_field_name("object")
    return None


def literal_pieces(values: List[Value]) -> List[object]:
    return [n for v in values for n in v.nodes]
