"""Reporters: pure functions from a run's results to text.

Findings arrive redacted (the engine never lets a secret into a Finding), so a
reporter cannot leak one whatever it prints.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from ..model import FileResult, Rule

FORMATS: Dict[str, str] = {
    "text": "credlint.report.text",
    "json": "credlint.report.json_format",
}


@dataclass
class ReportContext:
    rules: Dict[str, Rule] = field(default_factory=dict)  # every known rule, by id
    color: bool = False
    show_source: bool = True
    tool_version: str = ""
    root: str = "."
    unsafe_fixes: bool = False
    fixed: Dict[str, int] = field(default_factory=dict)  # path -> number of fixes applied


def renderer(name: str) -> Callable[[List[FileResult], ReportContext], str]:
    return importlib.import_module(FORMATS[name]).render


def exists(name: Optional[str]) -> bool:
    return name in FORMATS
