"""The package's import graph: no cycles, not even through imports inside
functions, and no module reaching back up to the core or a front end. Data
flows one way (docs/architecture.md); this keeps it so."""
from __future__ import annotations

import ast
import os
from typing import Dict, List, Set

from conftest import ROOT

PACKAGE = os.path.join(ROOT, "credlint")
# (history and verify drive the core too: git history's file versions, STS checks of found keys)
FRONT_ENDS = {"credlint.__main__", "credlint.cli", "credlint.lsp", "credlint.ruletest", "credlint.history",
              "credlint.verify"}
CORE = {"credlint.api", "credlint.runner", "credlint.workspace", "credlint.project"}


def _modules() -> Dict[str, str]:
    out = {}
    for directory, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
                out[rel[: -len(".__init__")] if rel.endswith(".__init__") else rel] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str, path: str, modules: Dict[str, str]) -> Set[str]:
    """Every credlint module `module` imports, wherever the import stands
    (typing-only imports under `if TYPE_CHECKING:` excepted)."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    package = module if path.endswith("__init__.py") else module.rsplit(".", 1)[0]
    found: Set[str] = set()
    stack: List[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:  # `from . import text` names a module
                if f"{target}.{alias.name}" in modules:
                    found.add(f"{target}.{alias.name}")
        stack.extend(ast.iter_child_nodes(node))
    out = set()
    for name in found:
        while name and name not in modules:
            name = name.rsplit(".", 1)[0] if "." in name else ""
        if name and name != module:
            out.add(name)
    return out


def _graph() -> Dict[str, Set[str]]:
    modules = _modules()
    return {m: _imports(m, p, modules) for m, p in modules.items()}


def _cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on: Set[str] = set()
    out: List[List[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_import_graph_has_no_cycles():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_one():
    """The check above can fail: a planted two-module loop is found."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_nothing_reaches_up_to_a_front_end_or_the_core():
    graph = _graph()
    for module, imports in graph.items():
        if module in FRONT_ENDS:
            continue
        upward = imports & FRONT_ENDS
        if module not in CORE:
            upward |= imports & CORE
        assert not upward, f"{module} imports {sorted(upward)}"


def test_front_ends_go_through_the_core_call():
    """The CLI, the language server and the rule-example runner lint through
    api.run, never the engine or a project directly."""
    graph = _graph()
    for front in ("credlint.cli", "credlint.lsp", "credlint.ruletest", "credlint.history"):
        assert "credlint.api" in graph[front], front
        assert not graph[front] & {"credlint.engine", "credlint.project", "credlint.runner"}, front


def test_analyzers_do_not_know_each_other_beyond_what_they_share():
    """A language is a package under languages/ that the engine does not need
    to know about: the engine reaches analyzers through the registry only."""
    graph = _graph()
    for module in ("credlint.engine", "credlint.project", "credlint.runner", "credlint.library"):
        named = {m for m in graph[module] if m.startswith("credlint.languages.") and m != "credlint.languages.base"}
        assert not named, f"{module} imports {sorted(named)}"
