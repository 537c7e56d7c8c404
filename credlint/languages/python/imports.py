"""Imports a fix leaves unused: `import os` after the fix removed the only
`os.environ[...]` arguments, `from django.conf import settings` after the only
`settings.AWS_...` went. Removing them is part of the same fix (a linter would
flag them next), and only them: an import that was already unused, one
re-exported (`__all__`, an `__init__.py`), or one whose line carries a comment
stays.

A name counts as used while the module mentions it anywhere outside its
import, in code, strings or comments (a string annotation, a doctest, a
`getattr(module, "os")`): when in doubt, the import stays.
"""
from __future__ import annotations

import ast
import re
import warnings
from typing import Dict, List, Tuple

from ...model import Edit
from ...source import Source


def _mentions(text: str, name: str) -> int:
    # (the name first, what precedes it checked behind: a pattern that starts
    # with a lookbehind is tried at every character, 9x slower)
    name = re.escape(name)
    return len(re.findall(name + r"(?<![\w.]" + name + r")(?!\w)", text))


class ModuleImports:
    """A module's top-level imports, and how often it mentions each name they
    bind outside the import statements."""

    def __init__(self, text: str, path: str) -> None:
        self.imports: List[Tuple[ast.stmt, List[Tuple[ast.alias, str]]]] = []  # statement, (alias, bound name)
        self.mentions: Dict[str, int] = {}
        if path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py":
            return  # a package's imports are its interface
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        lines = text.splitlines(keepends=True)
        exported = set()
        for statement in tree.body:
            if isinstance(statement, ast.Import):
                aliases = [(a, a.asname or a.name.split(".")[0]) for a in statement.names]
            elif isinstance(statement, ast.ImportFrom) and statement.module != "__future__" \
                    and all(a.name != "*" for a in statement.names):
                aliases = [(a, a.asname or a.name) for a in statement.names]
            else:
                if isinstance(statement, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets):
                    exported |= {n.value for n in ast.walk(statement.value)
                                 if isinstance(n, ast.Constant) and isinstance(n.value, str)}
                continue
            self.imports.append((statement, aliases))
        # an import line is no use of a name (`from os import environ` does not use `import os`)
        written = "".join("".join(lines[s.lineno - 1:s.end_lineno]) for s, _ in self.imports)
        for _, aliases in self.imports:
            for _, name in aliases:
                if name not in exported and name not in self.mentions:
                    self.mentions[name] = _mentions(text, name) - _mentions(written, name)

    def left_unused(self, removed_text: str, added_text: str) -> List[str]:
        """Names whose every mention outside the imports is in `removed_text`
        (and not written again in `added_text`)."""
        out = []
        for name, count in self.mentions.items():
            gone = _mentions(removed_text, name) - _mentions(added_text, name)
            if count > 0 and gone >= count:
                out.append(name)
        return out


def module_imports(source: Source) -> ModuleImports:
    """Once per version of the text (a fix asks for each of its findings)."""
    cached = getattr(source, "_imports", None)
    if cached is None or cached[0] is not source.text:
        cached = (source.text, ModuleImports(source.text, source.path))
        source._imports = cached  # type: ignore[attr-defined]
    return cached[1]


def unused_after(source: Source, old: str, new: str) -> List[str]:
    """The imported names that replacing `old` by `new` (a call's text)
    leaves without a mention."""
    return module_imports(source).left_unused(old, new)


def unused_between(before: Source, after: Source) -> List[str]:
    """Imported names mentioned in `before` and no longer in `after` (several
    fixes together took their last uses)."""
    was = module_imports(before).mentions
    now = module_imports(after).mentions
    return [name for name, count in now.items() if count == 0 and was.get(name, 0) > 0]


def removal_edits(source: Source, names: List[str]) -> List[Edit]:
    """Edits that drop these names from the module's top-level imports: the
    whole statement when none of its names is left, else the statement
    rewritten without them. A statement with a comment on its lines, or that
    shares a line with another, is left alone."""
    unwanted = set(names)
    edits = []
    for statement, aliases in module_imports(source).imports:
        gone = [alias for alias, name in aliases if name in unwanted]
        if not gone:
            continue
        written = [source.line_text(n) for n in range(statement.lineno, statement.end_lineno + 1)]
        if any("#" in line or ";" in line for line in written) or written[0][:1] in (" ", "\t"):
            continue
        start = source.offset(statement.lineno, 1)
        end = source.offset(statement.end_lineno + 1, 1) if statement.end_lineno < len(source.lines) \
            else len(source.text)
        old = source.text[start:end]
        kept = [alias for alias, _ in aliases if alias not in gone]
        if kept:
            rest = ", ".join(alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in kept)
            head = "import " if isinstance(statement, ast.Import) else \
                f"from {'.' * statement.level}{statement.module or ''} import "
            new = head + rest + old[len(old.rstrip("\r\n")):]
        else:
            new = ""
            # an import block that goes whole takes one blank line with it
            after_line = statement.end_lineno + 1
            above_blank = statement.lineno == 1 or not source.line_text(statement.lineno - 1).strip()
            if above_blank and after_line < len(source.lines) and not source.line_text(after_line).strip():
                end = source.offset(after_line + 1, 1)
        edits.append(Edit(source.span_of(start, end), new))
    return edits
