"""Which analyzer handles which file type.

A rule's `match` block is keyed by file type; the analyzer registered for that
type compiles and runs it. `any` is the text analyzer, used for every file
type a rule has no block for. Analyzers are imported on first use, so a run
that only meets JSON never imports the Python analyzer. Each module exposes
`ANALYZER`, an instance of languages.base.Analyzer.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Dict, Tuple

if TYPE_CHECKING:
    from .base import Analyzer

ANALYZERS: Dict[str, str] = {
    "python": "credlint.languages.python",
    "json": "credlint.languages.jsonfile",
    "ini": "credlint.languages.inifile",
    "dotenv": "credlint.languages.dotenv",
    "yaml": "credlint.languages.yamlfile",
    "toml": "credlint.languages.tomlfile",
    "terraform": "credlint.languages.terraform",
    "notebook": "credlint.languages.notebook",
    "javascript": "credlint.languages.javascript",
    "any": "credlint.languages.text",
}

# Block keys a file type accepts, in order of preference. A notebook's code
# cells are Python: the notebook analyzer runs the rules' `python` blocks on
# them (and scans outputs as text).
BLOCKS: Dict[str, Tuple[str, ...]] = {
    "notebook": ("notebook", "python"),
}

# Shared rule documents (`rules/shared/*.yaml`, by their `kind:`) and the file
# type whose analyzer compiles them. `key-policy` belongs to the engine.
SHARED: Dict[str, str] = {
    "python-sdk": "python",
    "javascript-sdk": "javascript",
}

_loaded: Dict[str, "Analyzer"] = {}


def blocks_for(file_type: str) -> Tuple[str, ...]:
    return BLOCKS.get(file_type, (file_type,))


def analyzer(file_type: str) -> "Analyzer":
    found = _loaded.get(file_type)
    if found is None:
        found = _loaded[file_type] = importlib.import_module(ANALYZERS[file_type]).ANALYZER
    return found


def known(file_type: str) -> bool:
    return file_type in ANALYZERS
