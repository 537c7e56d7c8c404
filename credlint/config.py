"""Project configuration: `.credlint.toml` or `[tool.credlint]` in
`pyproject.toml`, the nearest one above the linted path.

    [tool.credlint]
    select = ["CL1", "CL2"]
    ignore = ["CL102"]
    extend-exclude = ["tests/fixtures/"]
    per-file-ignores = { "tests/**" = ["CL102"] }
    severity = { CL102 = "error" }
    extra-rules = ["tools/credlint-rules"]
    allowlist = ["AKIAFAKEFAKEFAKEFAKE", "5f2b...fingerprint"]
    extend-safe-fixes = ["CL101"]

Unknown keys and bad values are errors that name the file, the line and the
key, with a suggestion for likely typos.
"""
import os
import re
import sys
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple

from .redaction import mask_key_shapes, redact_message


CONFIG_NAMES = (".credlint.toml", "pyproject.toml")
SEVERITIES = ("error", "warning", "info")


class ConfigError(Exception):
    pass


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _mapping_of(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, dict) and all(isinstance(k, str) and check(v) for k, v in value.items())


# key -> (check, what a valid value looks like)
KEYS: Dict[str, Tuple[Callable[[Any], bool], str]] = {
    "select": (_strings, "a list of rule ids, names or prefixes"),
    "extend-select": (_strings, "a list of rule ids, names or prefixes"),
    "ignore": (_strings, "a list of rule ids, names or prefixes"),
    "exclude": (_strings, "a list of gitignore-style patterns"),
    "extend-exclude": (_strings, "a list of gitignore-style patterns"),
    "per-file-ignores": (_mapping_of(_strings), "a table of pattern = [rules]"),
    "test-code": (_strings, "a list of gitignore-style patterns of test files"),
    "extend-test-code": (_strings, "a list of gitignore-style patterns of test files"),
    "severity": (_mapping_of(lambda v: v in SEVERITIES), "a table of rule = \"error\" | \"warning\" | \"info\""),
    "extra-rules": (_strings, "a list of directories holding rule YAML files"),
    "allowlist": (_strings, "a list of placeholder values or finding fingerprints"),
    "extend-safe-fixes": (_strings, "a list of rules whose unsafe fixes to treat as safe"),
    "extend-unsafe-fixes": (_strings, "a list of rules whose safe fixes to treat as unsafe"),
    "respect-gitignore": (lambda v: isinstance(v, bool), "true or false"),
    "force-exclude": (lambda v: isinstance(v, bool), "true or false"),
    "max-file-size": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0,
                      "a positive number of MB"),
    "cache-dir": (lambda v: isinstance(v, str) and bool(v), "a directory path"),
    "fail-on": (lambda v: v in SEVERITIES, "\"info\", \"warning\" or \"error\""),
}


class Config(NamedTuple):
    path: Optional[str]  # None: no config file, defaults only
    directory: str
    values: Dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def directory_relative(self, value: str) -> str:
        return value if os.path.isabs(value) else os.path.normpath(os.path.join(self.directory, value))


def find_config_file(start: str) -> Optional[str]:
    """The nearest `.credlint.toml`, or `pyproject.toml` with a
    `[tool.credlint]` table, at or above `start` (a file or directory)."""
    current = os.path.abspath(start)
    if not os.path.isdir(current):
        current = os.path.dirname(current)
    while True:
        found = config_in(current)
        if found:
            return found
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


_dir_cache: Dict[str, Optional[str]] = {}


def clear_cache() -> None:
    _dir_cache.clear()


def config_in(directory: str) -> Optional[str]:
    """The config file of exactly this directory, if it has one."""
    if directory in _dir_cache:
        return _dir_cache[directory]
    found = None
    dotfile = os.path.join(directory, ".credlint.toml")
    if os.path.isfile(dotfile):
        found = dotfile
    else:
        pyproject = os.path.join(directory, "pyproject.toml")
        try:
            with open(pyproject, "rb") as handle:
                raw = handle.read()
        except OSError:
            raw = b""
        if b"credlint" in raw and _has_credlint_table(raw):
            found = pyproject
    _dir_cache[directory] = found
    return found


def _has_credlint_table(raw: bytes) -> bool:
    """Whether pyproject.toml configures credlint, however the TOML spells it
    (`[tool.credlint]`, `[tool]` + `credlint.ignore = ...`, `tool.credlint.x =
    ...`). A file that does not parse counts, so that the error is reported
    rather than the configuration silently ignored."""
    try:
        data = _toml().loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return True
    tool = data.get("tool")
    return isinstance(tool, dict) and "credlint" in tool


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10
        import tomli as tomllib
    return tomllib


def load_config(path: Optional[str], fallback_dir: str = ".") -> Config:
    if path is None:
        return Config(None, os.path.abspath(fallback_dir), {})
    tomllib = _toml()
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    text = raw.decode("utf-8")
    is_pyproject = os.path.basename(path) == "pyproject.toml"
    table = data.get("tool", {}).get("credlint", {}) if is_pyproject else data
    prefix = "[tool.credlint] " if is_pyproject else ""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {prefix}must be a table")
    prefix_path = ("tool", "credlint") if is_pyproject else ()
    for key, value in table.items():
        line = _line_of(text, prefix_path + (key,))
        where = f"{path}:{line}" if line else path
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(KEYS)}"
            raise ConfigError(f"{where}: {prefix}unknown key {_show_key(key)}{hint}")
        check, expected = KEYS[key]
        if not check(value):
            raise ConfigError(f"{where}: {prefix}{key}: expected {expected}, got {_show(value)}")
    return Config(path, os.path.dirname(os.path.abspath(path)), dict(table))


_HEADER = re.compile(r"^[ \t]*\[\[?([^\]]*)\]\]?")
_ASSIGN = re.compile(r"^[ \t]*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:[ \t]*\.[ \t]*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)"
                     r"[ \t]*=")


def _key_path(text: str) -> Tuple[str, ...]:
    """`tool . "credlint".ignore` -> ('tool', 'credlint', 'ignore')."""
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)", text)
    return tuple(a or b or c for a, b, c in parts)


def _line_of(text: str, wanted: Tuple[str, ...]) -> int:
    """The line where a key is set: `key = ...` in the right table (a table
    of another tool may use the same key), a dotted key, or a sub-table
    header (`[tool.credlint.per-file-ignores]`). 0 when it cannot be found."""
    table: Tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = _key_path(header.group(1))
            if table[:len(wanted)] == wanted:
                return number
            continue
        assign = _ASSIGN.match(line)
        if assign and (table + _key_path(assign.group(1)))[:len(wanted)] == wanted:
            return number
    return 0


def _show(value: Any) -> str:
    text = mask_key_shapes(repr(value))
    return text if len(text) <= 60 else text[:57] + "..."


_SETTING_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")


def _show_key(key: str) -> str:
    """An unknown key is named when it looks like a setting name (a typo to
    correct); anything else may be a value pasted in the wrong place."""
    shown = redact_message(repr(key))
    if _SETTING_NAME.fullmatch(key) and shown == repr(key):
        return shown
    return "(not shown: it does not look like a setting name)"
