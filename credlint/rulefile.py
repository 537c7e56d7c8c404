"""One rule file: validate it against the schema, build its Rule, compile
its match blocks. Every problem is a YamlError at the offending line."""
from __future__ import annotations

import json
import os
from typing import Dict, List, Tuple

from . import languages
from .languages.base import CompileContext
from .library import Library
from .model import Docs, Example, Rule
from .prefilter import Clause, simplify
from .redaction import mask_key_shapes
from .yamlsource import Located, YamlError

_HERE = os.path.dirname(os.path.abspath(__file__))


def schema_path() -> str:
    return os.path.join(_HERE, "schemas", "rule.schema.json")



# -- validation ------------------------------------------------------------------


def validate_against_schema(doc: Located) -> List[YamlError]:
    """Structural problems, each at the line of the offending value."""
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema is a dependency
        return []
    with open(schema_path(), encoding="utf-8") as handle:
        schema = json.load(handle)
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


def compile_rule(doc: Located, library: Library, builtin: bool = False) -> Tuple[Rule, Dict[str, object]]:
    """Check and compile one rule file: the Rule and its compiled blocks."""
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
        blocks[file_type] = compile_block(doc, library, file_type, kind, options, builtin)
        # Explicit triggers (for all blocks, or per block) win over derived ones;
        # a block with neither runs on every file of its type.
        if isinstance(explicit, list):
            specs = explicit
        elif isinstance(explicit, dict) and file_type in explicit:
            specs = explicit[file_type]
        else:
            specs = None
        if specs is not None:
            triggers[file_type] = tuple(_clause(doc, spec, builtin, ("triggers",) + (
                (file_type,) if isinstance(explicit, dict) else ()) + (index,)) for index, spec in enumerate(specs))
        else:
            analyzer = languages.analyzer(file_type)
            triggers[file_type] = tuple(simplify(analyzer.derive_triggers(blocks[file_type], library)))
    if isinstance(explicit, dict):
        for file_type in explicit:
            if file_type not in blocks:
                raise doc.error(("triggers", file_type), f"triggers for {file_type!r} but no match block for it")
    for file_type, options in (data.get("fix") or {}).items():
        path = ("fix", file_type)
        if file_type not in blocks:
            raise doc.error(path, f"a fix for {file_type!r} needs a match block for it")
        languages.analyzer(file_type).compile_fix(options, CompileContext(library, doc, path, builtin),
                                                  blocks[file_type])
    return build_rule(data, doc.file, triggers, example_lines(doc), builtin), blocks


def _clause(doc: Located, spec: dict, builtin: bool, path: tuple) -> Clause:
    from .patterns import PatternError

    try:
        return Clause.from_spec(spec, builtin)
    except PatternError as exc:
        raise doc.error(path + ("regex",), str(exc)) from None


def compile_block(doc: Located, library: Library, file_type: str, kind: str, options, builtin: bool = False) -> object:
    analyzer = languages.analyzer(file_type)
    return analyzer.compile_match(kind, options or {},
                                  CompileContext(library, doc, ("match", file_type, kind), builtin))


# -- building ---------------------------------------------------------------------


def example_lines(doc: Located) -> Dict[str, List[int]]:
    examples = doc.data.get("examples") or {}
    return {which: [doc.line(("examples", which, i)) for i in range(len(examples.get(which) or ()))]
            for which in ("valid", "invalid")}


def build_rule(data: dict, file: str, triggers: Dict[str, Tuple[Clause, ...]],
               lines: Dict[str, List[int]], builtin: bool = False) -> Rule:
    """The Rule of a checked rule file. Match and fix blocks stay as written;
    the analyzers compile them on first use."""
    docs = data["docs"]
    examples = data.get("examples") or {}

    def make(which: str) -> Tuple[Example, ...]:
        items = examples.get(which) or ()
        numbers = lines.get(which) or [0] * len(items)
        return tuple(Example(
            code=item.get("code", ""),
            lines=tuple(item.get("lines", ())),
            filename=item.get("filename", ""),
            fixed=item.get("fixed"),
            source_line=number,
        ) for item, number in zip(items, numbers))

    return Rule(
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
        match={ft: {"kind": kind, "options": options or {}}
               for ft, block in data["match"].items() for kind, options in block.items()},
        fix=dict(data.get("fix") or {}),
        triggers=triggers,
        supersedes=tuple(data.get("supersedes", ())),
        examples_valid=make("valid"),
        examples_invalid=make("invalid"),
        source=file,
        tags=tuple(data.get("tags", ())),
        builtin=builtin,
    )
