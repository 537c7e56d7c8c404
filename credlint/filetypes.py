"""Decide a file's type from its name, and from its first line when the name
says nothing (a script with a `python` shebang is Python)."""
from __future__ import annotations

import os
import re

PYTHON_SUFFIXES = (".py", ".pyw", ".pyi")
_PYTHON_SHEBANG = re.compile(rb"^#![^\n]*\bpython[0-9.]*\b")


def detect(path: str, head: bytes) -> str:
    name = os.path.basename(path)
    lower = name.lower()
    if lower.endswith(PYTHON_SUFFIXES):
        return "python"
    if "." not in name and _PYTHON_SHEBANG.match(head):
        return "python"
    return "any"
