"""Turn fix plans into edits, and edits into a fixed file.

Guarantees, each checked here rather than hoped for:
- an edit touches only the call (or statement) it fixes, and is minimal (a
  character diff of the call's old and new text), so fixes of nested calls do
  not overlap;
- the fixed text must parse, or the fix is skipped and the finding kept;
- applying fixes to a fixed file changes nothing (the loop stops when no
  fixable finding is left).
"""
from __future__ import annotations

import ast
import difflib
import warnings
from typing import Callable, List, Sequence, Tuple

from ..model import Edit, Finding, Fix, FixPlan, Span
from ..source import Source

MAX_ROUNDS = 10


class FixError(Exception):
    pass


def fix_for(source: Source, plan: FixPlan) -> Fix:
    """The edits of one plan. Raises FixError when the fix cannot be made."""
    if plan.op == "remove-arguments":
        from .python import FixError as PythonFixError
        from .python import leading_indent, remove_arguments

        start = source.offset(plan.target.line, plan.target.column)
        end = source.offset(plan.target.end_line, plan.target.end_column)
        old = source.text[start:end]
        try:
            new = remove_arguments(old, plan.arguments, plan.splats, source.newline(),
                                   leading_indent(source.line_text(plan.target.line)))
        except PythonFixError as exc:
            raise FixError(str(exc)) from None
        return Fix(plan.applicability, plan.title, tuple(_diff(source, start, old, new)))
    if plan.op == "remove-statement":
        return Fix(plan.applicability, plan.title, (_remove_statement(source, plan.target),))
    if plan.op == "notebook":
        raise FixError("notebook cells are fixed with --fix, which rewrites the cell")
    raise FixError(f"unknown fix operation {plan.op!r}")


def _diff(source: Source, base: int, old: str, new: str) -> List[Edit]:
    """Minimal edits turning `old` (at offset `base`) into `new`."""
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Edit(source.span_of(base + i1, base + i2), new[j1:j2]))
    return edits


def _remove_statement(source: Source, target: Span) -> Edit:
    """Delete the lines the statement stands on (with their comments)."""
    first = source.line_text(target.line)
    last = source.line_text(target.end_line)
    if first[: target.column - 1].strip():
        raise FixError("the statement shares its line with other code")
    rest = last[target.end_column - 1:].strip()
    if rest and not rest.startswith("#"):
        raise FixError("the statement shares its line with other code")
    start = source.offset(target.line, 1)
    end = source.offset(target.end_line + 1, 1) if target.end_line < len(source.lines) else len(source.text)
    return Edit(source.span_of(start, end), "")


def _as_pass(source: Source, edit: Edit) -> Edit:
    """The statement was alone in its block: leave `pass` in its place."""
    line = source.line_text(edit.span.line)
    indent = line[: len(line) - len(line.lstrip())]
    return Edit(edit.span, f"{indent}pass{source.newline()}")


def apply_edits(source: Source, edits: Sequence[Edit]) -> str:
    text = source.text
    out, position = [], 0
    for edit in sorted(edits, key=lambda e: (e.span.line, e.span.column)):
        start = source.offset(edit.span.line, edit.span.column)
        end = source.offset(edit.span.end_line, edit.span.end_column)
        if start < position:
            raise FixError("overlapping edits")
        out.append(text[position:start])
        out.append(edit.content)
        position = end
    out.append(text[position:])
    return "".join(out)


def parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _overlap(a: Edit, b: Edit) -> bool:
    sa, sb = a.span, b.span
    a0, a1 = (sa.line, sa.column), (sa.end_line, sa.end_column)
    b0, b1 = (sb.line, sb.column), (sb.end_line, sb.end_column)
    return a0 < b1 and b0 < a1 or a0 == b0


class Outcome:
    def __init__(self, text: str, applied: List[Finding], notices: List[Tuple[int, str]], final: object) -> None:
        self.text = text
        self.applied = applied  # the findings whose fixes were applied, over all rounds
        self.notices = notices  # (line, message) for fixes that could not be applied
        self.final = final  # the lint result of the fixed text


def fix_text(source: Source, lint: Callable[[str], object], allowed: Sequence[str], result=None) -> Outcome:
    """Apply the fixes whose applicability is in `allowed`, round after round
    (a fix may uncover another, nested fixes wait for the next round), until
    none is left. `lint(text)` lints a version of the file; `result` is the
    lint of `source` when the caller already has it."""
    applied: List[Finding] = []
    notices: List[Tuple[int, str]] = []
    refused = set()
    result = result if result is not None else lint(source.text)
    for _ in range(MAX_ROUNDS):
        candidates = [f for f in result.findings
                      if f.fix_plan is not None and f.fix_plan.applicability in allowed
                      and (f.rule_id, f.fingerprint) not in refused]
        if not candidates:
            break
        chosen: List[Tuple[Finding, Fix]] = []
        for finding in candidates:
            try:
                fix = fix_for(source, finding.fix_plan)
            except FixError as exc:
                refused.add((finding.rule_id, finding.fingerprint))
                notices.append((finding.span.line, f"{finding.rule_id} fix skipped: {exc}"))
                continue
            if any(_overlap(e, other) for _, f in chosen for other in f.edits for e in fix.edits):
                continue  # next round, on the text this round produces
            chosen.append((finding, fix))
        if not chosen:
            break
        text = apply_edits(source, [e for _, fix in chosen for e in fix.edits])
        if not parses(text):
            text, chosen = _one_by_one(source, chosen, notices, refused)
            if not chosen:
                break
        applied.extend(finding for finding, _ in chosen)
        source = source.with_text(text)
        result = lint(text)
    return Outcome(source.text, applied, notices, result)


def _one_by_one(source: Source, chosen, notices, refused):
    """Some fix broke the file: apply them one at a time, keeping those after
    which the file still parses (a removed statement that was alone in its
    block becomes `pass`)."""
    kept = []
    current = source
    for finding, fix in chosen:
        attempts = [fix]
        if fix.edits and len(fix.edits) == 1 and finding.fix_plan.op == "remove-statement":
            attempts.append(fix._replace(edits=(_as_pass(source, fix.edits[0]),)))
        for attempt in attempts:
            try:
                trial = apply_edits(source, [e for _, k in kept for e in k.edits] + list(attempt.edits))
            except FixError:
                trial = None
            if trial is not None and parses(trial):
                kept.append((finding, attempt))
                current = source.with_text(trial)
                break
        else:
            refused.add((finding.rule_id, finding.fingerprint))
            notices.append((finding.span.line, f"{finding.rule_id} fix skipped: the result would not parse"))
    return current.text, kept


def unified_diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    out = "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)
    return out


def attach(source: Source, finding: Finding) -> Finding:
    """The finding with its fix's edits (for JSON, SARIF and editors), when
    the fix can be made and, applied alone, leaves a file that parses (with
    `pass` where a removed statement was alone in its block, as --fix does)."""
    if finding.fix_plan is None:
        return finding
    try:
        fix = fix_for(source, finding.fix_plan)
    except FixError:
        return finding
    if not parses(source.text) or parses(apply_edits(source, fix.edits)):
        return finding._replace(fix=fix)
    if finding.fix_plan.op == "remove-statement" and len(fix.edits) == 1:
        fix = fix._replace(edits=(_as_pass(source, fix.edits[0]),))
        if parses(apply_edits(source, fix.edits)):
            return finding._replace(fix=fix)
    return finding



def write_atomic(path: str, data: bytes) -> None:
    """Replace the file in one step (temporary file in the same directory,
    then rename), keeping its permission bits: an interrupted run never
    leaves half a file."""
    import os
    import stat
    import tempfile

    mode = stat.S_IMODE(os.stat(path).st_mode)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".credlint-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
