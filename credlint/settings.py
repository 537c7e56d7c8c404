"""A run's settings: what the CLI flags and the config file decide together."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from .discovery import DEFAULT_EXCLUDE
from .engine import DEFAULT_MAX_FILE_SIZE


@dataclass(frozen=True)
class Settings:
    root: str = "."
    select: Optional[Tuple[str, ...]] = None  # None: every rule
    ignore: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    force_exclude: bool = False
    respect_gitignore: bool = True
    per_file_ignores: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    severity: Dict[str, str] = field(default_factory=dict)  # rule selector -> severity
    extra_rules: Tuple[str, ...] = ()
    allowlist: Tuple[str, ...] = ()  # placeholder values or finding fingerprints
    extend_safe_fixes: Tuple[str, ...] = ()
    extend_unsafe_fixes: Tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    cache: bool = True
    cache_dir: Optional[str] = None
    config_file: Optional[str] = None  # where these settings came from, for messages
