"""Fixes in Jupyter notebooks: the code cells are fixed as one Python module
(so a cell can use what an earlier one imported), then written back.

A notebook is JSON; credlint rewrites it only if re-serialising the untouched
notebook gives back the same bytes in nbformat's layout (indent 1, sorted
keys, UTF-8, final newline; what Jupyter and nbformat write). Then the only
bytes that change are those of the fixed cells. Any other layout is left alone
with a notice: reformatting a user's whole notebook is not a fix's call.
"""
from __future__ import annotations

import json
import re
from typing import Callable, List, Optional, Sequence, Tuple

from . import EditOptions, Parses, fix_rounds
from ..model import FileResult
from ..source import Source

_BOUNDARY = "# credlint: notebook cell boundary {}"
_MAGIC = re.compile(r"^\s*(?:[%!?]|[A-Za-z_][A-Za-z0-9_.]*\s*=\s*[%!])")
_LAYOUTS = ({"indent": 1, "sort_keys": True}, {"indent": 1, "sort_keys": False},
            {"indent": 2, "sort_keys": True}, {"indent": 2, "sort_keys": False})


class NotebookFix:
    def __init__(self, after: bytes, applied: int, notices: List[Tuple[int, str]]) -> None:
        self.after = after
        self.applied = applied
        self.notices = notices


def fix_notebook(data: bytes, lint_python: Callable[[str], FileResult], allowed: Sequence[str],
                 options: EditOptions, parses: Parses) -> NotebookFix:
    """`lint_python` lints the cells as one module; `options` and `parses`
    (keeps_parsing) are the Python analyzer's."""
    try:
        text = data.decode("utf-8")
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return NotebookFix(data, 0, [])
    layout = _layout(notebook, text)
    code = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    module, magics = _module(code)
    source = Source("<cells>.py", module.encode("utf-8"), "utf-8")
    outcome = fix_rounds(source, lint_python, allowed, lint_python(module), options, parses)
    if not outcome.applied:
        return NotebookFix(data, 0, list(outcome.notices))
    if layout is None:
        return NotebookFix(data, 0, [(0, "fixes skipped: the notebook is not in nbformat's JSON layout; "
                                        "save it from Jupyter or fix the cells by hand")])
    texts = _cells(outcome.text, len(code), magics)
    if texts is None:
        return NotebookFix(data, 0, [(0, "fixes skipped: the cells could not be told apart after fixing")])
    for cell, new in zip(code, texts):
        old = cell.get("source")
        if (old if isinstance(old, str) else "".join(old or [])) != new:
            cell["source"] = new.splitlines(keepends=True) if isinstance(old, list) else new
    after = json.dumps(notebook, ensure_ascii=False, **layout) + "\n"
    return NotebookFix(after.encode("utf-8"), len(outcome.applied), list(outcome.notices))


def _layout(notebook, text: str) -> Optional[dict]:
    for layout in _LAYOUTS:
        if json.dumps(notebook, ensure_ascii=False, **layout) + "\n" == text:
            return layout
    return None


def _module(code: List[dict]) -> Tuple[str, List[List[str]]]:
    """The cells as one module: magics become comments of their own (kept
    and restored), cells are separated by boundary comments no fix touches."""
    parts, magics = [], []
    for index, cell in enumerate(code):
        source = cell.get("source") or ""
        text = source if isinstance(source, str) else "".join(source)
        lines, saved = [], []
        for line in text.split("\n"):
            if _MAGIC.match(line):
                saved.append(line)
                lines.append(f"# credlint: magic {len(saved) - 1}")
            else:
                lines.append(line)
        magics.append(saved)
        parts.append(_BOUNDARY.format(index))
        parts.append("\n".join(lines))
    return "\n".join(parts) + "\n", magics


def _cells(module: str, count: int, magics: List[List[str]]) -> Optional[List[str]]:
    pieces = re.split(r"(?m)^# credlint: notebook cell boundary (\d+)\n", module)
    if len(pieces) != 2 * count + 1 or pieces[0]:
        return None
    out = []
    for index in range(count):
        if int(pieces[1 + 2 * index]) != index:
            return None
        body = pieces[2 + 2 * index]
        body = body[:-1] if body.endswith("\n") else body  # the newline that joined it to the next part
        saved = magics[index]
        body = re.sub(r"(?m)^# credlint: magic (\d+)$", lambda m: saved[int(m.group(1))], body)
        out.append(body)
    return out
