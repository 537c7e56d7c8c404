"""Load the rules: built-in ones (shipped in the wheel from the top-level
`rules/`) and a user's `extra-rules` directories.

The first load of a set of rule files parses, validates and compiles them
all, so a broken rule is reported at once as `file:line: what is wrong`. It
then writes a signed JSON index of the result (keyed by the files' content
and credlint's code). Later runs read the index instead: no YAML import, and
match blocks compile only when a file first needs them. A clean pre-commit
run therefore never imports the Python analyzer at all.
"""
from __future__ import annotations

import hashlib
import os
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from . import signing
from .library import Library
from .model import Rule
from .prefilter import Clause
from .yamlsource import Located, YamlError

RULE_SUFFIXES = (".yaml", ".yml")
INDEX_FORMAT = 2


class RuleError(Exception):
    """One or more rule files are invalid."""

    def __init__(self, errors: Sequence[YamlError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.file, e.line))
        super().__init__("\n".join(str(e) for e in self.errors))


_HERE = os.path.dirname(os.path.abspath(__file__))


def builtin_rules_dir() -> str:
    """The rules inside the installed wheel, or the checkout's `rules/`."""
    for candidate in (os.path.join(_HERE, "_rules"), os.path.join(os.path.dirname(_HERE), "rules")):
        if os.path.isdir(candidate):
            return candidate
    try:  # pragma: no cover - a zipped install
        from importlib import resources

        packaged = resources.files("credlint") / "_rules"
        if packaged.is_dir():
            return str(packaged)
    except (ModuleNotFoundError, TypeError):
        pass
    raise RuntimeError("credlint's built-in rules are missing: reinstall credlint")


class RuleSet:
    def __init__(self, rules: List[Rule], library: Library, digest: str,
                 compiled: Optional[Dict[Tuple[str, str], object]] = None) -> None:
        self.rules = rules
        self.library = library
        self.digest = digest
        self._compiled = dict(compiled or {})
        self._by_name: Dict[str, Rule] = {}
        for rule in rules:
            self._by_name[rule.id.upper()] = rule
            self._by_name[rule.name] = rule

    def compiled(self, rule: Rule, file_type: str):
        """The rule's match block for a file type, compiled by its analyzer."""
        key = (rule.id, file_type)
        block = self._compiled.get(key)
        if block is None:
            from .rulefile import compile_block

            spec = rule.match[file_type]
            doc = Located(rule.source, {}, {})
            block = self._compiled[key] = compile_block(doc, self.library, file_type, spec["kind"], spec["options"],
                                                        rule.builtin)
        return block

    def get(self, name: str) -> Optional[Rule]:
        return self._by_name.get(name) or self._by_name.get(name.upper())

    def expand(self, selectors: Iterable[str]) -> List[Rule]:
        """Rule ids, names, id prefixes (`CL1`) or `ALL` -> rules. Unknown
        selectors raise KeyError with the selector."""
        out: Dict[str, Rule] = {}
        for selector in selectors:
            selector = selector.strip()
            if not selector:
                continue
            if selector.upper() == "ALL":
                out.update((r.id, r) for r in self.rules)
                continue
            rule = self.get(selector)
            if rule is not None:
                out[rule.id] = rule
                continue
            prefixed = [r for r in self.rules if r.id.startswith(selector.upper())]
            if not prefixed:
                raise KeyError(selector)
            out.update((r.id, r) for r in prefixed)
        return [r for r in self.rules if r.id in out]


# -- loading -----------------------------------------------------------------------


def load_rules(extra_dirs: Sequence[str] = (), allowlist: Iterable[str] = (), use_index: bool = True,
               instead_of: Optional[str] = None) -> RuleSet:
    """`instead_of`: a rule file being validated; if it is one of the
    built-in rules (the same file, or the same text), that built-in is left
    out, so that the file is not reported as a duplicate of itself."""
    errors: List[YamlError] = []
    skip = _builtin_twin(instead_of) if instead_of else None
    shipped = _read(skip) if skip else None  # a copy with exactly this text is credlint's own rule: trusted
    files: List[Tuple[str, bool, bool, str]] = []  # display name, shared, builtin (trusted), text
    digest = hashlib.sha256(f"{INDEX_FORMAT}".encode())
    for directory, builtin in [(builtin_rules_dir(), True)] + [(d, False) for d in extra_dirs]:
        if not os.path.isdir(directory):
            errors.append(YamlError(str(directory), 1, "extra-rules directory does not exist"))
            continue
        for path, shared in _rule_files(directory):
            if builtin and path == skip:
                continue
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError) as exc:
                errors.append(YamlError(path, 1, f"cannot read: {exc}"))
                continue
            name = _display(path, builtin)
            trusted = builtin or (shipped is not None and text == shipped)
            digest.update(f"{name}\0{int(shared)}{int(trusted)}\0".encode() + text.encode() + b"\0")
            files.append((name, shared, trusted, text))
    if errors:
        raise RuleError(errors)
    key = digest.hexdigest()
    library = Library()
    library.allowlist = frozenset(allowlist)
    index_path = _index_path(key) if use_index else None
    if index_path:
        ruleset = _from_index(index_path, library, key)
        if ruleset is not None:
            return ruleset
    ruleset, document = _full_load(files, library, key)
    if index_path:
        signing.dump(index_path, document)
    return ruleset


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _builtin_twin(path: str) -> Optional[str]:
    """The built-in rule file that `path` is, or is a copy of."""
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except OSError:
        return None
    real = os.path.realpath(path)
    for candidate, shared in _rule_files(builtin_rules_dir()):
        if shared:
            continue
        if os.path.realpath(candidate) == real:
            return candidate
        try:
            with open(candidate, "rb") as handle:
                if handle.read() == text:
                    return candidate
        except OSError:
            continue
    return None


def _index_path(key: str) -> Optional[str]:
    from .cache import code_fingerprint

    name = hashlib.sha256(f"{key}\0{code_fingerprint()}".encode()).hexdigest()[:24]
    return os.path.join(signing.user_cache_dir(), "rules", f"{name}.json")


def _full_load(files, library: Library, key: str):
    from .rulefile import compile_rule, example_lines, validate_against_schema
    from .yamlsource import load

    errors: List[YamlError] = []
    rule_docs: List[Tuple[Located, bool]] = []
    shared_docs = []
    for name, shared, builtin, text in files:
        try:
            doc = load(text, name)
            if shared:
                library.add(doc, builtin)
                shared_docs.append((name, doc.data, builtin))
            else:
                rule_docs.append((doc, builtin))
        except YamlError as exc:
            errors.append(exc)
    rules: List[Rule] = []
    compiled: Dict[Tuple[str, str], object] = {}
    indexed = []
    if not errors:
        for doc, builtin in rule_docs:
            try:
                if not builtin:  # built-in rules are checked against the schema by the test suite
                    problems = validate_against_schema(doc)
                    if problems:
                        errors.extend(problems)
                        continue
                rule, blocks = compile_rule(doc, library, builtin)
            except YamlError as exc:
                errors.append(exc)
                continue
            rules.append(rule)
            compiled.update(((rule.id, ft), block) for ft, block in blocks.items())
            indexed.append({
                "file": doc.file,
                "data": doc.data,
                "lines": example_lines(doc),
                "builtin": builtin,
                "triggers": {ft: [_clause_to_json(c) for c in clauses] for ft, clauses in rule.triggers.items()},
            })
    if not errors:
        errors.extend(_duplicates(rules))
    if errors:
        raise RuleError(errors)
    rules.sort(key=lambda r: r.id)
    document = {"key": key, "shared": shared_docs, "rules": indexed}
    return RuleSet(rules, library, key, compiled), document


def _from_index(path: str, library: Library, key: str) -> Optional[RuleSet]:
    from .rulefile import build_rule

    document = signing.load(path)
    if not isinstance(document, dict) or document.get("key") != key:
        return None
    try:
        for name, data, builtin in document["shared"]:
            library.add(Located(name, data, {}), bool(builtin))
        rules = []
        for item in document["rules"]:
            builtin = bool(item["builtin"])
            explicit = item["data"].get("triggers")
            # (triggers derived from a match are credlint's own regexes, whoever wrote
            # the rule: the linear-time engine for user patterns refuses their lookbehinds)
            triggers = {ft: tuple(Clause.from_spec(spec, builtin or not _explicit(explicit, ft)) for spec in specs)
                        for ft, specs in item["triggers"].items()}
            rules.append(build_rule(item["data"], item["file"], triggers, item["lines"], builtin))
    except (KeyError, TypeError, ValueError, YamlError):
        return None  # an index from another version: rebuild it
    rules.sort(key=lambda r: r.id)
    return RuleSet(rules, library, key)


def _explicit(triggers, file_type: str) -> bool:
    """Did the rule file write the triggers of this block itself?"""
    return isinstance(triggers, list) or (isinstance(triggers, dict) and file_type in triggers)


def _clause_to_json(clause: Clause) -> dict:
    out: dict = {}
    if clause.any:
        out["any"] = [t.decode("utf-8") for t in clause.any]
    if clause.all:
        out["all"] = [t.decode("utf-8") for t in clause.all]
    if clause.regex is not None:
        out["regex"] = [r.pattern.decode("utf-8") for r in (clause.regex,) + clause.also]
    if clause.ignore_case:
        out["ignore-case"] = True
    if clause.key_run:
        out["key-run"] = clause.key_run
    if clause.at_run:
        out["regex-at-run"] = True
    return out


def _display(path: str, builtin: bool) -> str:
    if not builtin:
        return path
    parent = os.path.basename(os.path.dirname(path))
    return f"rules/{'shared/' if parent == 'shared' else ''}{os.path.basename(path)}"


def _rule_files(directory: str):
    for shared, folder in ((False, directory), (True, os.path.join(directory, "shared"))):
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if name.endswith(RULE_SUFFIXES) and os.path.isfile(path):
                yield path, shared


def _duplicates(rules: List[Rule]) -> List[YamlError]:
    errors = []
    seen: Dict[str, Rule] = {}
    for rule in rules:
        for key in (rule.id, rule.name):
            if key in seen:
                errors.append(YamlError(rule.source, 1, f"{key!r} is already defined in {seen[key].source}"))
            seen[key] = rule
    return errors
