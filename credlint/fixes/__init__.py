"""Turn fix plans into edits, and edits into a fixed file: the machinery that
every language shares. What the edits of a plan are, and whether a text
still parses, is the analyzer's business (languages/base.py: `fix_options`,
`keeps_parsing`); this package never looks at syntax.

Guarantees, each checked here rather than hoped for:
- an edit touches only the call (or statement) it fixes, and is minimal (a
  character diff of the call's old and new text), so fixes of nested calls do
  not overlap;
- the fixed text must parse, or the fix is skipped and the finding kept;
- applying fixes to a fixed file changes nothing (the loop stops when no
  fixable finding is left).
"""
from __future__ import annotations

from typing import Callable, List, NamedTuple, Sequence, Set, Tuple

from ..model import Edit, FileResult, Finding, Fix, FixPlan, Span
from ..source import Source

MAX_ROUNDS = 10

# How a language makes the edits of a plan: the candidates in order of
# preference (Python offers `pass` where removing a statement empties a block).
EditOptions = Callable[[Source, FixPlan], Sequence[Tuple[Edit, ...]]]
# Does a fixed text (after) parse as well as the text it was made from (before)?
Parses = Callable[[str, str], bool]


class FixError(Exception):
    """A fix that cannot be made safely: the finding stays, with a notice."""


def diff_edits(source: Source, base: int, old: str, new: str) -> Tuple[Edit, ...]:
    """Minimal edits turning `old` (at offset `base`) into `new`."""
    import difflib

    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Edit(source.span_of(base + i1, base + i2), new[j1:j2]))
    return tuple(edits)


def remove_lines(source: Source, target: Span, comment: str = "#") -> Edit:
    """Delete the lines a statement stands on (with their comments); refused
    when another statement shares them."""
    first = source.line_text(target.line)
    last = source.line_text(target.end_line)
    if first[: target.column - 1].strip():
        raise FixError("the statement shares its line with other code")
    rest = last[target.end_column - 1:].strip()
    if rest and not rest.startswith(comment):
        raise FixError("the statement shares its line with other code")
    start = source.offset(target.line, 1)
    end = source.offset(target.end_line + 1, 1) if target.end_line < len(source.lines) else len(source.text)
    return Edit(source.span_of(start, end), "")


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


def _overlap(a: Edit, b: Edit) -> bool:
    sa, sb = a.span, b.span
    a0, a1 = (sa.line, sa.column), (sa.end_line, sa.end_column)
    b0, b1 = (sb.line, sb.column), (sb.end_line, sb.end_column)
    return a0 < b1 and b0 < a1 or a0 == b0


class Outcome(NamedTuple):
    text: str
    applied: Tuple[Finding, ...]  # the findings whose fixes were applied, over all rounds
    notices: Tuple[Tuple[int, str], ...]  # (line, message) for fixes that could not be applied
    final: FileResult  # the lint result of the fixed text


def fix_rounds(source: Source, lint: Callable[[str], FileResult], allowed: Sequence[str], first: FileResult,
               options: EditOptions, parses: Parses) -> Outcome:
    """Apply the fixes whose applicability is in `allowed`, round after round
    (a fix may uncover another, nested fixes wait for the next round), until
    none is left. `first` is the lint of `source`; `lint(text)` lints a fixed
    version (once per round)."""
    applied: List[Finding] = []
    notices: List[Tuple[int, str]] = []
    refused: Set[Tuple[str, str]] = set()
    result = first
    for _ in range(MAX_ROUNDS):
        candidates = [f for f in result.findings
                      if f.fix_plan is not None and f.fix_plan.applicability in allowed
                      and (f.rule_id, f.fingerprint) not in refused]
        if not candidates:
            break
        chosen: List[Tuple[Finding, List[Tuple[Edit, ...]]]] = []
        for finding in candidates:
            try:
                choices = [tuple(c) for c in options(source, finding.fix_plan)]
            except FixError as exc:
                refused.add((finding.rule_id, finding.fingerprint))
                notices.append((finding.span.line, f"{finding.rule_id} fix skipped: {exc}"))
                continue
            if any(_overlap(e, other) for _, c in chosen for other in c[0] for e in choices[0]):
                continue  # next round, on the text this round produces
            chosen.append((finding, choices))
        if not chosen:
            break
        text = _try(source, [e for _, c in chosen for e in c[0]])
        kept = [f for f, _ in chosen]
        if text is None or not parses(source.text, text):
            text, kept = _one_by_one(source, chosen, notices, refused, parses)
            if not kept:
                break
        applied.extend(kept)
        source = source.with_text(text)
        result = lint(text)
    return Outcome(source.text, tuple(applied), tuple(notices), result)


def _try(source: Source, edits: Sequence[Edit]):
    try:
        return apply_edits(source, edits)
    except FixError:
        return None


def _one_by_one(source: Source, chosen, notices, refused, parses: Parses):
    """Some fix broke the file: apply them one at a time, keeping those after
    which the file still parses (trying each fix's alternatives in order)."""
    kept_edits: List[Edit] = []
    kept: List[Finding] = []
    text = source.text
    for finding, choices in chosen:
        for edits in choices:
            trial = _try(source, kept_edits + list(edits))
            if trial is not None and parses(source.text, trial):
                kept_edits.extend(edits)
                kept.append(finding)
                text = trial
                break
        else:
            refused.add((finding.rule_id, finding.fingerprint))
            notices.append((finding.span.line, f"{finding.rule_id} fix skipped: the result would not parse"))
    return text, kept


def attach(source: Source, finding: Finding, options: EditOptions, parses: Parses) -> Finding:
    """The finding with its fix's edits (for JSON, SARIF and editors), when
    the fix can be made and, applied alone, leaves a file that parses (the
    first of the language's alternatives that does, as --fix would)."""
    if finding.fix_plan is None or finding.fix_plan.op == "notebook":
        return finding
    try:
        choices = [tuple(c) for c in options(source, finding.fix_plan)]
    except FixError:
        return finding
    for edits in choices:
        text = _try(source, edits)
        if text is not None and parses(source.text, text):
            return finding._replace(fix=Fix(finding.fix_plan.applicability, finding.fix_plan.title, edits))
    return finding


def unified_diff(path: str, before: str, after: str) -> str:
    import difflib

    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)


def write_atomic(path: str, data: bytes, st=None) -> None:
    """Replace the file in one step (a temporary file in the same directory,
    then a rename), keeping its permission bits and owner: an interrupted run
    never leaves half a file. `st` is the file's stat when the caller has it.
    Raises OSError, having written nothing, when the owner cannot be kept."""
    import os
    import stat
    import tempfile

    st = st or os.stat(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".credlint-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        own = os.stat(tmp)
        if (own.st_uid, own.st_gid) != (st.st_uid, st.st_gid) and hasattr(os, "chown"):
            os.chown(tmp, st.st_uid, st.st_gid)
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
