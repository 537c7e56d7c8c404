"""Load, validate and compile rule files.

Built-in rules ship in the wheel (`credlint/_rules`, from the top-level
`rules/` directory) and are validated against the JSON Schema by the test
suite; user rules (`extra-rules`) are validated on every load. Either way a
broken rule is reported as `file:line: what is wrong`, never a traceback.
"""
from __future__ import annotations

import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from . import languages
from .languages.base import CompileContext
from .library import Library
from .model import Docs, Example, Rule
from .prefilter import Clause, simplify
from .redaction import mask_key_shapes
from .yamlsource import Located, YamlError, load

RULE_SUFFIXES = (".yaml", ".yml")


class RuleError(Exception):
    """One or more rule files are invalid."""

    def __init__(self, errors: Sequence[YamlError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.file, e.line))
        super().__init__("\n".join(str(e) for e in self.errors))


def builtin_rules_dir() -> Path:
    """The rules inside the installed wheel, or the checkout's `rules/`."""
    try:
        packaged = resources.files("credlint") / "_rules"
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    checkout = Path(__file__).resolve().parent.parent / "rules"
    if checkout.is_dir():
        return checkout
    raise RuntimeError("credlint's built-in rules are missing: reinstall credlint")


def schema_path() -> Path:
    return Path(__file__).resolve().parent / "schemas" / "rule.schema.json"


class RuleSet:
    def __init__(self, rules: List[Rule], library: Library, compiled: Dict[Tuple[str, str], object],
                 digest: str) -> None:
        self.rules = rules
        self.library = library
        self.compiled = compiled  # (rule id, file type) -> languages.base.Compiled
        self.digest = digest
        self._by_name = {}
        for rule in rules:
            self._by_name[rule.id.upper()] = rule
            self._by_name[rule.name] = rule

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


def load_rules(extra_dirs: Sequence[str] = (), allowlist: Iterable[str] = ()) -> RuleSet:
    library = Library()
    library.allowlist = frozenset(allowlist)
    errors: List[YamlError] = []
    located: List[Tuple[Located, bool]] = []
    digest = hashlib.sha256()
    directories = [(builtin_rules_dir(), True)] + [(Path(d), False) for d in extra_dirs]
    for directory, builtin in directories:
        if not directory.is_dir():
            errors.append(YamlError(str(directory), 1, "extra-rules directory does not exist"))
            continue
        for path, shared in _rule_files(directory):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                errors.append(YamlError(str(path), 1, f"cannot read: {exc}"))
                continue
            digest.update(path.name.encode() + b"\0" + text.encode() + b"\0")
            try:
                doc = load(text, _display(path, builtin))
                if shared:
                    library.add(doc)
                else:
                    located.append((doc, builtin))
            except YamlError as exc:
                errors.append(exc)
    rules: List[Rule] = []
    compiled: Dict[Tuple[str, str], object] = {}
    if not errors:
        for doc, builtin in located:
            try:
                if not builtin:
                    problems = validate_against_schema(doc)
                    if problems:
                        errors.extend(problems)
                        continue
                rule, blocks = compile_rule(doc, library)
                rules.append(rule)
                for file_type, block in blocks.items():
                    compiled[(rule.id, file_type)] = block
            except YamlError as exc:
                errors.append(exc)
    if not errors:
        errors.extend(_duplicates(rules, located))
    if errors:
        raise RuleError(errors)
    rules.sort(key=lambda r: r.id)
    return RuleSet(rules, library, compiled, digest.hexdigest())


def _display(path: Path, builtin: bool) -> str:
    return f"rules/{path.parent.name + '/' if path.parent.name == 'shared' else ''}{path.name}" if builtin else str(path)


def _rule_files(directory: Path):
    for entry in sorted(directory.iterdir()):
        if entry.is_file() and entry.suffix in RULE_SUFFIXES:
            yield entry, False
    shared = directory / "shared"
    if shared.is_dir():
        for entry in sorted(shared.iterdir()):
            if entry.is_file() and entry.suffix in RULE_SUFFIXES:
                yield entry, True


def _duplicates(rules: List[Rule], located) -> List[YamlError]:
    errors = []
    seen: Dict[str, Rule] = {}
    for rule in rules:
        for key in (rule.id, rule.name):
            if key in seen:
                errors.append(YamlError(rule.source, 1, f"{key!r} is already defined in {seen[key].source}"))
            seen[key] = rule
    return errors


# -- validation ------------------------------------------------------------------


def validate_against_schema(doc: Located) -> List[YamlError]:
    """Structural problems, each at the line of the offending value."""
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema is a dependency
        return []
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        path, message = _describe(error)
        where = ".".join(str(p) for p in path) or "(top level)"
        problems.append(doc.error(path, f"{where}: {mask_key_shapes(message)}"))
    return problems


def _describe(error) -> Tuple[tuple, str]:
    """A jsonschema error as (path of the offending value, a short message
    that names the problem rather than dumping the instance)."""
    path = tuple(error.absolute_path)
    validator = error.validator
    if "propertyNames" in error.relative_schema_path:
        allowed = error.schema.get("enum") if isinstance(error.schema, dict) else None
        hint = f"; use one of: {', '.join(allowed)}" if allowed else ""
        return path + (error.instance,), f"unknown key {error.instance!r}{hint}"
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extras = [k for k in error.instance if k not in allowed]
        if extras:
            hint = f"; allowed: {', '.join(sorted(allowed))}" if allowed else ""
            return path + (extras[0],), f"unknown key {extras[0]!r}{hint}"
    if validator == "required":
        return path, error.message.replace("is a required property", "is required")
    if validator in ("maxProperties", "minProperties") and isinstance(error.instance, dict):
        keys = ", ".join(map(str, error.instance)) or "none"
        return path, f"expected exactly one key here, found: {keys}"
    if validator == "enum":
        return path, f"{error.instance!r} is not one of: {', '.join(map(str, error.validator_value))}"
    if validator == "type":
        return path, f"expected {error.validator_value}, found {type(error.instance).__name__}"
    message = error.message
    return path, message if len(message) <= 200 else message[:200] + "..."


# -- compiling -------------------------------------------------------------------


def compile_rule(doc: Located, library: Library) -> Tuple[Rule, Dict[str, object]]:
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "a rule file is a mapping with id, name, severity, message, match, docs, examples")
    for key in ("id", "name", "severity", "message", "match", "docs", "examples"):
        if key not in data:
            raise doc.error((), f"missing required key {key!r}")
    if data["severity"] not in ("error", "warning", "info"):
        raise doc.error(("severity",), f"severity must be error, warning or info, not {data['severity']!r}")
    match = data["match"]
    if not isinstance(match, dict) or not match:
        raise doc.error(("match",), "'match' maps file types to one match kind each")
    blocks: Dict[str, object] = {}
    triggers: Dict[str, Tuple[Clause, ...]] = {}
    explicit = data.get("triggers")
    for file_type, block in match.items():
        path = ("match", file_type)
        if not languages.known(file_type):
            raise doc.error(path, f"no analyzer for file type {file_type!r}; known: {', '.join(languages.ANALYZERS)}")
        if not isinstance(block, dict) or len(block) != 1:
            raise doc.error(path, "each file type takes exactly one match kind, e.g. `sdk-call: {...}`")
        ((kind, options),) = block.items()
        analyzer = languages.analyzer(file_type)
        compiled = analyzer.compile_match(kind, options or {}, CompileContext(library, doc, path + (kind,)))
        blocks[file_type] = compiled
        # Explicit triggers (for all blocks, or per block) win over derived ones;
        # a block with neither runs on every file of its type.
        if isinstance(explicit, list):
            specs = explicit
        elif isinstance(explicit, dict) and file_type in explicit:
            specs = explicit[file_type]
        else:
            specs = None
        if specs is not None:
            triggers[file_type] = tuple(Clause.from_spec(spec) for spec in specs)
        else:
            triggers[file_type] = tuple(simplify(analyzer.derive_triggers(compiled, library)))
    if isinstance(explicit, dict):
        for file_type in explicit:
            if file_type not in blocks:
                raise doc.error(("triggers", file_type), f"triggers for {file_type!r} but no match block for it")
    fixes: Dict[str, dict] = {}
    for file_type, options in (data.get("fix") or {}).items():
        path = ("fix", file_type)
        if file_type not in blocks:
            raise doc.error(path, f"a fix for {file_type!r} needs a match block for it")
        analyzer = languages.analyzer(file_type)
        fixes[file_type] = analyzer.compile_fix(options, CompileContext(library, doc, path))
    docs = data["docs"]
    rule = Rule(
        id=str(data["id"]),
        name=str(data["name"]),
        severity=data["severity"],
        message=str(data["message"]),
        docs=Docs(
            summary=docs.get("summary", ""),
            what=docs.get("what", ""),
            why=docs.get("why", ""),
            example=docs.get("example", ""),
            use_instead=docs.get("use_instead", ""),
            fix_safety=docs.get("fix_safety", ""),
            references=tuple(docs.get("references", ())),
        ),
        match={ft: {"kind": c.kind} for ft, c in blocks.items()},
        fix=fixes,
        triggers=triggers,
        supersedes=tuple(data.get("supersedes", ())),
        examples_valid=_examples(doc, "valid"),
        examples_invalid=_examples(doc, "invalid"),
        source=doc.file,
        tags=tuple(data.get("tags", ())),
    )
    return rule, blocks


def _examples(doc: Located, which: str) -> Tuple[Example, ...]:
    out = []
    for index, item in enumerate((doc.data.get("examples") or {}).get(which) or ()):
        out.append(Example(
            code=item.get("code", ""),
            lines=tuple(item.get("lines", ())),
            filename=item.get("filename", ""),
            fixed=item.get("fixed"),
            source_line=doc.line(("examples", which, index)),
        ))
    return tuple(out)
