"""One JavaScript/TypeScript module as the analysis needs it: its scopes, the
bindings of names in each (imports, requires, declarations, parameters,
destructuring), its calls and assignments, and the literals assigned to
names. Built from one tree-sitter query, so no Python walk of the tree.

Scopes are functions (and the module); `let`/`const` in a block are treated
as bindings of the enclosing function, as `var` is. Resolution is
flow-insensitive within a scope except for order: the binding that precedes
a use wins, else any binding of the scope (a function declared below its use).
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Dict, List, NamedTuple, Optional, Tuple

from .syntax import SCOPES, captures, property_name, string_value, text

IMPORT, VALUE, PARAM, DESTRUCTURE, FUNCTION = "import", "value", "param", "destructure", "function"


class Binding(NamedTuple):
    name: str
    kind: str  # IMPORT | VALUE | PARAM | DESTRUCTURE | FUNCTION
    value: object  # IMPORT: (module, member or ""); VALUE/FUNCTION: a node; DESTRUCTURE: (source node, key)
    scope: "Scope"
    pos: int  # byte offset where the binding takes effect


class Scope:
    __slots__ = ("node", "start", "end", "parent", "bindings", "kind")

    def __init__(self, node, start: int, end: int, parent: Optional["Scope"]) -> None:
        self.node = node
        self.start = start
        self.end = end
        self.parent = parent
        self.bindings: Dict[str, List[Binding]] = {}
        self.kind = node.type if node is not None else "module"

    def bind(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)


class Candidate(NamedTuple):
    """A literal-looking value given a name (for secret-assignment rules)."""

    name: str
    value: object  # node
    scope: Scope


class ModuleModel:
    def __init__(self, tree, grammar: str) -> None:
        self.tree = tree
        self.grammar = grammar
        root = tree.root_node
        found = captures(grammar, root)
        self.module = Scope(None, root.start_byte, root.end_byte + 1, None)
        self._scopes: List[Scope] = []
        self._starts: List[int] = []
        self._build_scopes(sorted((n for kind in SCOPES for n in found.get(kind, ())), key=lambda n: n.start_byte))
        self.imports: List[str] = []  # module specifiers imported or required
        self.news = found.get("new_expression", [])
        self.calls = found.get("call_expression", [])
        self.assignments = found.get("assignment_expression", [])
        self.comments = found.get("comment", [])
        self.binaries = found.get("binary_expression", [])
        self.candidates: List[Candidate] = []
        self.exports: Dict[str, object] = {}  # exported name ("default" too) -> value node
        for node in found.get("import_statement", ()):
            self._import(node)
        for node in found.get("formal_parameters", ()):
            self._parameters(node)
        for scope in self._scopes:
            if scope.kind == "arrow_function":
                single = scope.node.child_by_field_name("parameter")
                if single is not None and single.type == "identifier":
                    scope.bind(Binding(text(single), PARAM, None, scope, single.start_byte))
            if scope.kind in ("function_declaration", "generator_function_declaration"):
                name = scope.node.child_by_field_name("name")
                if name is not None:
                    outer = scope.parent or self.module
                    outer.bind(Binding(text(name), FUNCTION, scope.node, outer, scope.node.start_byte))
        for node in found.get("variable_declarator", ()):
            self._declarator(node)
        for node in self.assignments:
            self._assignment(node)
        for node in root.named_children:
            if node.type == "export_statement":
                self._export_statement(node)
        for node in found.get("pair", ()):
            key = property_name(node.child_by_field_name("key"))
            value = node.child_by_field_name("value")
            if key is not None and value is not None:
                self.candidates.append(Candidate(key, value, self.scope_of(node.start_byte)))
        for kind in ("field_definition", "public_field_definition"):
            for node in found.get(kind, ()):
                name = property_name(node.child_by_field_name("property") or node.child_by_field_name("name"))
                value = node.child_by_field_name("value")
                if name is not None and value is not None:
                    self.candidates.append(Candidate(name, value, self.scope_of(node.start_byte)))

    # -- scopes ------------------------------------------------------------------------------

    def _build_scopes(self, nodes) -> None:
        stack: List[Scope] = [self.module]
        for node in nodes:
            while stack[-1] is not self.module and node.start_byte >= stack[-1].end:
                stack.pop()
            scope = Scope(node, node.start_byte, node.end_byte, stack[-1])
            self._scopes.append(scope)
            self._starts.append(node.start_byte)
            stack.append(scope)

    def scope_of(self, byte: int) -> Scope:
        """The innermost function scope holding `byte`."""
        index = bisect_right(self._starts, byte) - 1
        scope = self._scopes[index] if index >= 0 else self.module
        while scope is not self.module and not scope.start <= byte < scope.end:
            scope = scope.parent or self.module
        return scope

    # -- bindings ---------------------------------------------------------------------------

    def _import(self, node) -> None:
        source = string_value(node.child_by_field_name("source"))
        if source is None:
            return
        self.imports.append(source)
        scope = self.module
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":  # import X from 'm': the default export
                    scope.bind(Binding(text(part), IMPORT, (source, ""), scope, node.start_byte))
                elif part.type == "namespace_import":  # import * as X from 'm'
                    for name in part.named_children:
                        if name.type == "identifier":
                            scope.bind(Binding(text(name), IMPORT, (source, "*"), scope, node.start_byte))
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            imported = text(name)
                            member = "" if imported == "default" else imported
                            scope.bind(Binding(text(alias), IMPORT, (source, member), scope, node.start_byte))

    def _parameters(self, node) -> None:
        owner = node.parent
        scope = self.scope_of(owner.start_byte) if owner is not None else self.module
        if scope.node != owner:  # parameters belong to their function's own scope
            scope = next((s for s in self._scopes if s.node == owner), scope)
        for name, at in _pattern_names(node):
            scope.bind(Binding(name, PARAM, None, scope, at))

    def _declarator(self, node) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return
        scope = self.scope_of(node.start_byte)
        if name.type == "identifier":
            if value is not None:
                scope.bind(Binding(text(name), VALUE, value, scope, node.end_byte))
                self.candidates.append(Candidate(text(name), value, scope))
                self._note_require(value)
                self._note_export(node, text(name), value)
            else:
                scope.bind(Binding(text(name), VALUE, None, scope, node.end_byte))
        elif name.type == "object_pattern" and value is not None:
            self._note_require(value)
            for key, local, at in _destructured(name):
                scope.bind(Binding(local, DESTRUCTURE, (value, key), scope, node.end_byte))

    def _note_require(self, value) -> None:
        if value.type == "call_expression":
            function = value.child_by_field_name("function")
            if function is not None and function.type == "identifier" and text(function) == "require":
                module = _first_string(value)
                if module is not None:
                    self.imports.append(module)

    def _note_export(self, declarator, name: str, value) -> None:
        declaration = declarator.parent
        if declaration is not None and declaration.parent is not None and declaration.parent.type == "export_statement":
            self.exports[name] = value

    def _assignment(self, node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        scope = self.scope_of(node.start_byte)
        if left.type == "identifier":
            name = text(left)
            home = self._declaring_scope(name, scope)
            home.bind(Binding(name, VALUE, right, home, node.end_byte))
            self.candidates.append(Candidate(name, right, scope))
        elif left.type in ("member_expression", "subscript_expression"):
            key = property_name(left.child_by_field_name("property")) if left.type == "member_expression" \
                else string_value(left.child_by_field_name("index"))
            if key is not None:
                self.candidates.append(Candidate(key, right, scope))
            owner = text(left.child_by_field_name("object") or left)
            if owner == "module" and key == "exports":  # module.exports = {...}
                self.exports["default"] = right
                self.exports["*"] = right
            elif owner in ("exports", "module.exports") and key is not None:  # exports.x = ...
                self.exports[key] = right

    def _export_statement(self, node) -> None:
        """`export default {...}`, `export { a, b as c }` (`export const` is
        seen with its declarator)."""
        value = node.child_by_field_name("value")
        if value is not None:
            self.exports["default"] = value
            return
        if node.child_by_field_name("source") is not None:
            return  # a re-export from another module
        for clause in node.named_children:
            if clause.type != "export_clause":
                continue
            for spec in clause.named_children:
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or name
                if name is None or alias is None:
                    continue
                binding = self.lookup(text(name), self.module, node.start_byte)
                if binding is not None and binding.kind == VALUE and binding.value is not None:
                    self.exports[text(alias)] = binding.value

    def _declaring_scope(self, name: str, scope: Scope) -> Scope:
        current: Optional[Scope] = scope
        while current is not None:
            if name in current.bindings:
                return current
            current = current.parent
        return self.module

    def lookup(self, name: str, scope: Scope, pos: int) -> Optional[Binding]:
        """The binding `name` refers to at byte `pos` in `scope`."""
        current: Optional[Scope] = scope
        while current is not None:
            found = current.bindings.get(name)
            if found:
                before = [b for b in found if b.pos <= pos]
                return before[-1] if before else found[0]
            current = current.parent
        return None

    def visible(self, name: str, scope: Scope, pos: int) -> List[Binding]:
        """Every binding `name` may hold at `pos`: a variable assigned in
        several places may hold any of the values assigned before its use."""
        current: Optional[Scope] = scope
        while current is not None:
            found = current.bindings.get(name)
            if found:
                before = [b for b in found if b.pos <= pos]
                return before or found[:1]
            current = current.parent
        return []


def _first_string(call) -> Optional[str]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return None
    for child in arguments.named_children:
        if child.type != "comment":
            return string_value(child)
    return None


def _pattern_names(node) -> List[Tuple[str, int]]:
    """The names a parameter list (or any binding pattern) binds."""
    out: List[Tuple[str, int]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            out.append((text(current), current.start_byte))
        elif kind in ("required_parameter", "optional_parameter"):
            pattern = current.child_by_field_name("pattern")
            if pattern is not None:
                stack.append(pattern)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = current.child_by_field_name("left")
            if left is not None:
                stack.append(left)
        elif kind == "pair_pattern":
            value = current.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif kind in ("formal_parameters", "object_pattern", "array_pattern", "rest_pattern"):
            stack.extend(current.named_children)
    return out


def _destructured(pattern) -> List[Tuple[str, str, int]]:
    """`{ a, b: c, d = 1 }` -> (key, local name, position) for each name."""
    out: List[Tuple[str, str, int]] = []
    for member in pattern.named_children:
        kind = member.type
        if kind == "shorthand_property_identifier_pattern":
            out.append((text(member), text(member), member.start_byte))
        elif kind == "object_assignment_pattern":
            left = member.child_by_field_name("left")
            if left is not None and left.type == "shorthand_property_identifier_pattern":
                out.append((text(left), text(left), left.start_byte))
        elif kind == "pair_pattern":
            key = property_name(member.child_by_field_name("key"))
            value = member.child_by_field_name("value")
            if value is not None and value.type == "assignment_pattern":
                value = value.child_by_field_name("left")
            if key is not None and value is not None and value.type == "identifier":
                out.append((key, text(value), value.start_byte))
    return out
