"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

    ::error file=app.py,line=4,endLine=4,col=25,endColumn=131,title=CL101 hardcoded-credentials-in-sdk-call::Hardcoded ...

Paths are relative to the project root (the repository, which is the
checkout in a workflow), with forward slashes. Values are escaped as the
Actions runner expects, so a message or a file name cannot end the command
early or start another one. Ends with a plain summary.
"""
from __future__ import annotations

import os
from typing import List, Tuple

from ..model import FileResult, Finding, Notice
from ..paths import display
from .text import summary

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def render(results: List[FileResult], ctx) -> str:
    root = os.path.abspath(ctx.root or ".")
    out: List[str] = []
    for finding in sorted((f for r in results for f in r.findings), key=lambda f: f.sort_key):
        out.append(_finding(finding, root))
    for result in results:
        for notice in result.notices:
            if notice.level in ("warning", "error"):
                out.append(_notice(notice, root))
    if not ctx.quiet:
        out.append(summary(results, ctx))
    return "\n".join(out) + "\n" if out else ""


def _finding(f: Finding, root: str) -> str:
    props: List[Tuple[str, object]] = [("file", relative_path(f.path, root)), ("line", f.span.line),
                                       ("endLine", f.span.end_line)]
    if f.span.line == f.span.end_line:
        # GitHub accepts columns only for an annotation on a single line.
        props += [("col", f.span.column), ("endColumn", f.span.end_column)]
    props.append(("title", f"{f.rule_id} {f.rule_name}"))
    return _command(COMMANDS.get(f.severity, "warning"), props, f.message)


def _notice(n: Notice, root: str) -> str:
    props: List[Tuple[str, object]] = [("file", relative_path(n.path, root))] if n.path else []
    if n.line > 0:
        props.append(("line", n.line))
    props.append(("title", "credlint"))
    return _command(n.level, props, n.message)


def _command(name: str, props: List[Tuple[str, object]], message: str) -> str:
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in props)
    return f"::{name} {rendered}::{escape_data(message)}" if rendered else f"::{name}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def relative_path(path: str, root: str) -> str:
    """The path relative to the project root with forward slashes, as CI
    systems show it (absolute for a file outside the root)."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return display(absolute.replace(os.sep, "/"))
    if relative == ".." or relative.startswith(".." + os.sep):
        return display(absolute.replace(os.sep, "/"))
    return display(relative.replace(os.sep, "/"))

