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


class Option(NamedTuple):
    """One configuration key: how it is checked, and how the reference
    (docs/configuration.md, generated from this table) describes it."""

    check: Callable[[Any], bool]
    expected: str  # what a valid value looks like (also the error message)
    default: str  # as TOML, or a sentence
    example: str  # a TOML value
    doc: str


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


_PATTERNS = "gitignore-style patterns, relative to the config file's directory"
KEYS: Dict[str, Option] = {
    "extend": Option(lambda v: isinstance(v, str) and bool(v), "a path to another config file", "none",
                     '"../.credlint.toml"',
                     "Read this other config file first, then apply this one over it (a monorepo's packages "
                     "extend the root's settings). Paths inside each file (`extra-rules`, `cache-dir`) stay "
                     "relative to the file that sets them; patterns (`exclude`, `per-file-ignores`, "
                     "`test-code`) apply relative to the extending file's directory. Chains are followed; a "
                     "cycle is an error."),
    "select": Option(_strings, "a list of rule ids, names or prefixes", "every rule", '["CL1", "CL201"]',
                     "The rules to run: ids, names, id prefixes or `ALL`."),
    "extend-select": Option(_strings, "a list of rule ids, names or prefixes", "[]", '["CL403"]',
                            "Rules to add to `select` (or to the default of every rule)."),
    "ignore": Option(_strings, "a list of rule ids, names or prefixes", "[]", '["CL102"]',
                     "Rules not to run, whatever `select` says."),
    "exclude": Option(_strings, "a list of gitignore-style patterns", "version-control, virtualenv, cache and "
                      "build directories (`.git/`, `.venv/`, `node_modules/`, `dist/`...)", '["generated/"]',
                      "Paths never linted, as " + _PATTERNS + ". Replaces the default; prefer "
                      "`extend-exclude`."),
    "extend-exclude": Option(_strings, "a list of gitignore-style patterns", "[]", '["tests/fixtures/"]',
                             "Paths never linted, added to `exclude`."),
    "per-file-ignores": Option(_mapping_of(_strings), "a table of pattern = [rules]", "{}",
                               '{ "scripts/**" = ["CL102"] }',
                               "Rules not run on the files a pattern matches (" + _PATTERNS + ")."),
    "test-code": Option(_strings, "a list of gitignore-style patterns of test files",
                        '`["test/", "tests/", "testing/", "__tests__/", "spec/", "test_*.py", "*_test.py", '
                        '"tests.py", "conftest.py", "*.test.*", "*.spec.*", "*_spec.rb", "*_test.go"]`',
                        '["qa/"]',
                        "Test files, where placeholder credentials are stubs and CL102/CL402 do not report them "
                        "(a module importing a test framework or AWS test double is test code too). `[]` turns "
                        "path matching off."),
    "extend-test-code": Option(_strings, "a list of gitignore-style patterns of test files", "[]",
                               '["integration/"]', "Test files, added to `test-code`."),
    "severity": Option(_mapping_of(lambda v: v in SEVERITIES),
                       "a table of rule = \"error\" | \"warning\" | \"info\"", "each rule's own",
                       '{ CL102 = "error" }', "A rule's severity in this project."),
    "extra-rules": Option(_strings, "a list of directories holding rule YAML files", "[]",
                          '["tools/credlint-rules"]',
                          "Directories of your own rule files (see docs/writing-rules.md). Their regexes run "
                          "on RE2, in linear time."),
    "allowlist": Option(_strings, "a list of placeholder values or finding fingerprints", "[]",
                        '["AKIAFAKEFAKEFAKEFAKE", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"]',
                        "Values that are not secrets here (placeholders credlint cannot tell), their SHA-1 (40 "
                        "hex characters, as a detect-secrets baseline lists secrets), or fingerprints of "
                        "findings to drop (32 hex characters, from JSON or SARIF output)."),
    "extend-safe-fixes": Option(_strings, "a list of rules whose unsafe fixes to treat as safe", "[]",
                                '["CL101"]', "Apply these rules' unsafe fixes with a plain `--fix`."),
    "extend-unsafe-fixes": Option(_strings, "a list of rules whose safe fixes to treat as unsafe", "[]",
                                  '["CL102"]', "Require `--unsafe-fixes` for these rules' safe fixes."),
    "respect-gitignore": Option(_bool, "true or false", "true", "false",
                                "Skip what `.gitignore` files (and `.git/info/exclude`) ignore."),
    "force-exclude": Option(_bool, "true or false", "false", "true",
                            "Apply `exclude` to files named on the command line too (pre-commit passes every "
                            "staged file by name)."),
    "max-file-size": Option(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0,
                            "a positive number of MB", "5", "16",
                            "Larger files are skipped with a notice."),
    "cache-dir": Option(lambda v: isinstance(v, str) and bool(v), "a directory path",
                        "the user cache directory (`~/.cache/credlint`), one subdirectory per project",
                        '".credlint_cache"',
                        "Where the results cache lives. Inside the repository, it ignores itself in git."),
    "fail-on": Option(lambda v: v in SEVERITIES, "\"info\", \"warning\" or \"error\"", '"info"', '"warning"',
                      "The lowest severity that makes the exit code 1."),
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


def load_config(path: Optional[str], fallback_dir: str = ".", _seen: Tuple[str, ...] = ()) -> Config:
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
        check, expected = KEYS[key].check, KEYS[key].expected
        if not check(value):
            raise ConfigError(f"{where}: {prefix}{key}: expected {expected}, got {_show(value)}")
    config = Config(path, os.path.dirname(os.path.abspath(path)), dict(table))
    if "extend" in table:
        config = _extended(config, text, prefix_path, _seen or ())
    return config


def _extended(config: Config, text: str, prefix_path: Tuple[str, ...], seen: Tuple[str, ...]) -> Config:
    """This config over the one it extends: the other file's values, this
    file's on top. Path values of the other file stay relative to it."""
    line = _line_of(text, prefix_path + ("extend",))
    where = f"{config.path}:{line}" if line else config.path
    target = os.path.normpath(config.directory_relative(config.values["extend"]))
    chain = seen + (os.path.abspath(config.path),)
    if os.path.abspath(target) in chain:
        raise ConfigError(f"{where}: extend: {target} extends this file again (a cycle)")
    if not os.path.isfile(target):
        raise ConfigError(f"{where}: extend: {target} does not exist")
    base = load_config(target, _seen=chain)
    values = dict(base.values)
    values.pop("extend", None)
    for key in ("extra-rules", "cache-dir"):  # paths: relative to the file that sets them
        if key in values:
            value = values[key]
            values[key] = [base.directory_relative(v) for v in value] if isinstance(value, list) \
                else base.directory_relative(value)
    values.update({k: v for k, v in config.values.items() if k != "extend"})
    return config._replace(values=values)


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
