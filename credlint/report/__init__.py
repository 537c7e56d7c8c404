"""Reporters: pure functions from a run's results to text.

Findings arrive redacted (the engine never lets a secret into a Finding), so a
reporter cannot leak one whatever it prints.
"""
from __future__ import annotations

import importlib
from typing import Callable, Dict, List, Optional

from ..model import FileResult, Rule

FORMATS: Dict[str, str] = {
    "text": "credlint.report.text",
    "json": "credlint.report.json_format",
    "sarif": "credlint.report.sarif",
    "github": "credlint.report.github",
    "junit": "credlint.report.junit",
}


class ReportContext:
    """What reporters may need beyond the results."""

    def __init__(self, rules: Optional[Dict[str, Rule]] = None, color: bool = False, show_source: bool = True,
                 tool_version: str = "", root: str = ".", unsafe_fixes: bool = False,
                 fixed: Optional[Dict[str, int]] = None, quiet: bool = False, show_account: bool = False) -> None:
        self.rules = rules or {}  # every known rule, by id
        self.color = color
        self.show_source = show_source
        self.tool_version = tool_version
        self.root = root
        self.unsafe_fixes = unsafe_fixes
        self.fixed = fixed or {}  # path -> number of fixes applied
        self.quiet = quiet
        self.show_account = show_account  # text: the AWS account each key id belongs to


def renderer(name: str) -> Callable[[List[FileResult], ReportContext], str]:
    return importlib.import_module(FORMATS[name]).render


def exists(name: Optional[str]) -> bool:
    return name in FORMATS
