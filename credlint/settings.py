"""A project's settings: defaults, overridden by its config file, overridden
by command-line flags."""
import os
from typing import Dict, NamedTuple, Optional, Tuple

from .config import Config
from .discovery import DEFAULT_EXCLUDE
from .engine import DEFAULT_MAX_FILE_SIZE
from .model import EMPTY

MB = 1024 * 1024

# Where tests live, by convention (pytest, unittest, Jest, Mocha, Vitest, Go,
# Ruby): placeholder credentials there are stubs, not a configuration to fix.
DEFAULT_TEST_CODE = ("test/", "tests/", "testing/", "__tests__/", "spec/", "test_*.py", "*_test.py", "tests.py",
                     "conftest.py", "*.test.*", "*.spec.*", "*_spec.rb", "*_test.go")


class Settings(NamedTuple):
    root: str = "."  # fingerprints and the cache are relative to it (the repository)
    config_dir: str = "."  # config patterns (exclude, per-file-ignores) are relative to it
    select: Optional[Tuple[str, ...]] = None  # None: every rule
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    force_exclude: bool = False
    respect_gitignore: bool = True
    per_file_ignores: Dict[str, Tuple[str, ...]] = EMPTY  # type: ignore[assignment]
    test_code: Tuple[str, ...] = DEFAULT_TEST_CODE
    severity: Dict[str, str] = EMPTY  # type: ignore[assignment]  # rule selector -> severity
    extra_rules: Tuple[str, ...] = ()
    allowlist: Tuple[str, ...] = ()  # placeholder values or finding fingerprints
    extend_safe_fixes: Tuple[str, ...] = ()
    extend_unsafe_fixes: Tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    cache: bool = True
    cache_dir: Optional[str] = None
    fail_on: str = "info"
    report_unused_ignores: bool = False
    config_file: Optional[str] = None


class Overrides(NamedTuple):
    """Command-line flags; None means "not given", so the config decides."""

    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    exclude: Optional[Tuple[str, ...]] = None
    extend_exclude: Tuple[str, ...] = ()
    force_exclude: Optional[bool] = None
    respect_gitignore: Optional[bool] = None
    max_file_size: Optional[int] = None
    cache: Optional[bool] = None
    cache_dir: Optional[str] = None
    fail_on: Optional[str] = None
    report_unused_ignores: Optional[bool] = None
    extend_allowlist: Tuple[str, ...] = ()  # values, fingerprints or SHA-1 hashes (a detect-secrets baseline)


def build_settings(config: Config, overrides: Overrides, root: str) -> Settings:
    c = config.get
    values = dict(
        root=os.path.abspath(root),
        config_dir=config.directory,
        select=tuple(c("select")) if c("select") is not None else None,
        extend_select=tuple(c("extend-select", ())),
        ignore=tuple(c("ignore", ())),
        exclude=tuple(c("exclude", DEFAULT_EXCLUDE)),
        extend_exclude=tuple(c("extend-exclude", ())),
        force_exclude=bool(c("force-exclude", False)),
        respect_gitignore=bool(c("respect-gitignore", True)),
        per_file_ignores={k: tuple(v) for k, v in (c("per-file-ignores") or {}).items()},
        test_code=tuple(c("test-code", DEFAULT_TEST_CODE)) + tuple(c("extend-test-code", ())),
        severity=dict(c("severity") or {}),
        extra_rules=tuple(config.directory_relative(d) for d in c("extra-rules", ())),
        allowlist=tuple(c("allowlist", ())),
        extend_safe_fixes=tuple(c("extend-safe-fixes", ())),
        extend_unsafe_fixes=tuple(c("extend-unsafe-fixes", ())),
        max_file_size=int(c("max-file-size") * MB) if c("max-file-size") else DEFAULT_MAX_FILE_SIZE,
        cache_dir=config.directory_relative(c("cache-dir")) if c("cache-dir") else None,
        fail_on=c("fail-on", "info"),
        config_file=config.path,
    )
    o = overrides
    if o.select is not None:
        values["select"] = o.select
    values["extend_select"] += o.extend_select
    values["ignore"] += o.ignore
    if o.exclude is not None:
        values["exclude"] = o.exclude
    values["extend_exclude"] += o.extend_exclude
    values["allowlist"] += o.extend_allowlist
    for name in ("force_exclude", "respect_gitignore", "max_file_size", "cache", "cache_dir", "fail_on",
                 "report_unused_ignores"):
        value = getattr(o, name)
        if value is not None:
            values[name] = value
    return Settings(**{k: v for k, v in values.items() if k in Settings._fields})
