"""YAML documents that remember where each value came from.

Rule and config errors must point at `file:line`, so loading keeps a map from
each value's path (`("match", "python", "sdk-call", "values", 0)`) to its line.
"""
from __future__ import annotations

from typing import Any, Dict, Tuple

Path = Tuple[Any, ...]


class YamlError(Exception):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


class Located:
    """A loaded document plus the line of every value in it."""

    def __init__(self, file: str, data: Any, lines: Dict[Path, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines

    def line(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def error(self, path: Path, message: str) -> YamlError:
        return YamlError(self.file, self.line(path), message)


def load(text: str, file: str) -> Located:
    import yaml  # imported here: runs that read the compiled rule index never need it

    try:  # libyaml is ~10x faster; fall back to pure Python where it is missing
        from yaml import CSafeLoader as _Loader
    except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
        from yaml import SafeLoader as _Loader  # type: ignore[assignment]
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(file, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(file, 1, f"invalid YAML: {exc}") from None
    lines: Dict[Path, int] = {}
    if node is not None:
        _record(node, (), lines, set())
    return Located(file, data, lines)


def _record(node, path: Path, lines: Dict[Path, int], seen: set) -> None:
    import yaml

    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:  # an alias: its lines are recorded where it was defined
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            lines[path + (key,)] = key_node.start_mark.line + 1
            _record(value_node, path + (key,), lines, seen)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, path + (index,), lines, seen)
