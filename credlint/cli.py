"""`credlint` on the command line.

    credlint [check] [OPTIONS] [PATH ...]   lint (the default command)
    credlint rules [--format json]          list the rules
    credlint explain RULE                   a rule's documentation
    credlint lsp                            the language server (stdio)

Exit codes: 0 no findings, 1 findings, 2 usage, config or internal error.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Sequence

from . import __version__

COMMANDS = ("check", "rules", "explain", "lsp")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "check")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `credlint src | head`
        sys.stderr.close()
        return EXIT_CLEAN
    except Exception as exc:
        return _report_error(exc)


def _report_error(exc: Exception) -> int:
    from .api import UsageError
    from .ruleset import RuleError
    from .yamlsource import YamlError

    from .redaction import redact_message

    if isinstance(exc, RuleError):
        for error in exc.errors:
            print(redact_message(f"{error}"), file=sys.stderr)
        print(f"credlint: {len(exc.errors)} problem(s) in rule files; fix them and run again", file=sys.stderr)
        return EXIT_ERROR
    if isinstance(exc, (UsageError, YamlError)):
        print(redact_message(f"credlint: error: {exc}"), file=sys.stderr)
        return EXIT_ERROR
    if os.environ.get("CREDLINT_DEBUG"):
        raise exc
    import traceback

    frame = traceback.extract_tb(exc.__traceback__)[-1]
    print(f"credlint: internal error: {type(exc).__name__} at {os.path.basename(frame.filename)}:{frame.lineno}. "
          "Run again with CREDLINT_DEBUG=1 for details and report it at "
          "https://github.com/credlint/credlint/issues", file=sys.stderr)
    return EXIT_ERROR


# -- parser ----------------------------------------------------------------------


class _Formatter(argparse.HelpFormatter):
    """argparse measures the terminal through shutil (a few ms) every time
    an argument is added; os.get_terminal_size answers for help output."""

    def __init__(self, prog: str, **kwargs) -> None:
        try:
            width = os.get_terminal_size().columns - 2
        except OSError:
            width = 78
        super().__init__(prog, width=width, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credlint",
        formatter_class=_Formatter,
        description="Find hardcoded and explicit AWS credentials in code and config, and fix code to use "
                    "the default credential chain.",
    )
    parser.add_argument("--version", action="version", version=f"credlint {__version__}")
    sub = parser.add_subparsers(dest="command")

    check = sub.add_parser("check", formatter_class=_Formatter, help="lint files and directories (the default command)")
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="files or directories to lint (default: .); '-' reads stdin (with --stdin-filename)")
    out = check.add_argument_group("output")
    from .report import FORMATS

    out.add_argument("--format", default="text", choices=sorted(FORMATS), help="report format (default: text)")
    out.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE; the terminal gets a summary")
    out.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                     help="colour the text report (auto: on a terminal, unless NO_COLOR is set)")
    out.add_argument("--no-show-source", dest="show_source", action="store_false", help="no code frames")
    out.add_argument("--quiet", "-q", action="store_true", help="print findings only, no notices or summary")
    out.add_argument("--verbose", "-v", action="store_true", help="also print informational notices")
    out.add_argument("--fail-on", choices=["info", "warning", "error"],
                     help="lowest severity that makes the exit code 1 (default: info, any finding)")
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    sel = check.add_argument_group("rule selection")
    sel.add_argument("--select", metavar="RULES", help="comma-separated rule ids, names or prefixes (e.g. CL1,CL201)")
    sel.add_argument("--extend-select", metavar="RULES", help="rules to add to the configured selection")
    sel.add_argument("--ignore", metavar="RULES", help="comma-separated rules to skip")
    adopt = check.add_argument_group("suppressions and baseline")
    adopt.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in this baseline")
    adopt.add_argument("--write-baseline", metavar="FILE",
                       help="record the current findings in FILE (by fingerprint, never the secret) and exit 0")
    adopt.add_argument("--report-unused-ignores", action="store_true",
                       help="report `credlint: ignore[...]` comments that suppress nothing (exit 1 if any)")
    cfg = check.add_argument_group("configuration")
    cfg.add_argument("--config", metavar="FILE", help="use this .credlint.toml or pyproject.toml, not the nearest")
    cfg.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    files = check.add_argument_group("file selection")
    files.add_argument("--exclude", action="append", metavar="GLOB",
                       help="gitignore-style pattern to exclude (replaces the defaults); repeatable")
    files.add_argument("--extend-exclude", action="append", metavar="GLOB", help="exclude these too; repeatable")
    files.add_argument("--force-exclude", action="store_true",
                       help="apply excludes to files named on the command line too (for pre-commit)")
    files.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false",
                       help="lint files that .gitignore ignores")
    files.add_argument("--staged", action="store_true",
                       help="lint what is staged in git (the index content), for plain git hooks")
    files.add_argument("--files-from", metavar="FILE",
                       help="read the paths to lint from FILE ('-' for stdin), one per line or NUL-separated")
    files.add_argument("--max-file-size", type=float, metavar="MB",
                       help="skip files larger than this (default: 5)")
    perf = check.add_argument_group("performance")
    perf.add_argument("--no-cache", action="store_true", help="do not read or write the results cache")
    perf.add_argument("--cache-dir", metavar="DIR", help="where the cache lives (default: .credlint_cache in the repository)")
    perf.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: one per CPU)")
    fix = check.add_argument_group("fixes")
    fix.add_argument("--fix", action="store_true", help="apply safe fixes in place, then report what remains")
    fix.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: also apply unsafe fixes")
    fix.add_argument("--diff", action="store_true",
                     help="print the unified diff of the fixes, write nothing; exit 1 if there is any")
    files.add_argument("--stdin-filename", metavar="PATH",
                       help="lint standard input as if it were the file at PATH (use '-' as the path)")
    check.set_defaults(handler=run_check)

    rules = sub.add_parser("rules", formatter_class=_Formatter, help="list the rules, or check rule files")
    rules.add_argument("--format", choices=["text", "json"], default="text")
    rules.add_argument("--validate", nargs="+", metavar="FILE",
                       help="check rule files (YAML) as credlint loads them; print file:line: problem")
    rules.add_argument("--write-docs", metavar="DIR", help="write one Markdown page per rule, and an index, to DIR")
    rules.set_defaults(handler=run_rules)

    explain = sub.add_parser("explain", formatter_class=_Formatter, help="show a rule's documentation")
    explain.add_argument("rule", help="rule id or name, e.g. CL101 or hardcoded-credentials-in-sdk-call")
    explain.set_defaults(handler=run_explain)

    lsp = sub.add_parser("lsp", formatter_class=_Formatter, help="run the language server on stdio (for editors)")
    lsp.set_defaults(handler=run_lsp)
    return parser


def run_lsp(args: argparse.Namespace) -> int:
    from .lsp import main as serve

    return serve()


def _split(value: Optional[str]) -> Optional[List[str]]:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


# -- check -------------------------------------------------------------------------


def overrides_from_args(args: argparse.Namespace):
    from .api import UsageError
    from .settings import MB, Overrides

    max_size = None
    if args.max_file_size is not None:
        if args.max_file_size <= 0:
            raise UsageError("--max-file-size must be a positive number of MB")
        max_size = int(args.max_file_size * MB)
    select = _split(args.select)
    return Overrides(
        select=tuple(select) if select is not None else None,
        extend_select=tuple(_split(args.extend_select) or ()),
        ignore=tuple(_split(args.ignore) or ()),
        exclude=tuple(args.exclude) if args.exclude else None,
        extend_exclude=tuple(args.extend_exclude or ()),
        force_exclude=True if args.force_exclude else None,
        respect_gitignore=False if not args.respect_gitignore else None,
        max_file_size=max_size,
        fail_on=args.fail_on,
        cache=False if args.no_cache else None,
        cache_dir=args.cache_dir,
        report_unused_ignores=True if args.report_unused_ignores else None,
    )


def run_check(args: argparse.Namespace) -> int:
    from .api import UsageError, Workspace
    from .report import ReportContext, renderer

    paths = args.paths or ["."]
    stdin = paths == ["-"]
    if "-" in paths and not stdin:
        raise UsageError("'-' (stdin) cannot be combined with other paths")
    if stdin and not args.stdin_filename:
        raise UsageError("reading stdin needs --stdin-filename PATH, to know which rules apply")
    if args.config and not os.path.isfile(args.config):
        raise UsageError(f"--config {args.config}: no such file")
    fixing = args.fix or args.diff
    if args.staged and (fixing or args.paths or args.files_from):
        raise UsageError("--staged lints the index as it is: it takes no paths and cannot be combined with "
                         "--fix, --diff or --files-from")
    if args.files_from:
        paths = _read_path_list(args.files_from) + list(args.paths)
        if not paths:
            raise UsageError(f"--files-from {args.files_from}: no paths")
        stdin = False
    allowed = ("safe", "unsafe") if args.unsafe_fixes else ("safe",)
    workspace = Workspace(overrides_from_args(args), config_file=args.config, isolated=args.isolated)
    fixed_files = []
    sources = {}  # path -> bytes, for attaching fix edits to machine reports
    if stdin:
        project = workspace.project_for(args.stdin_filename)
        data = sys.stdin.buffer.read()
        if args.force_exclude and workspace.excluded(args.stdin_filename):
            results = []
            if args.fix:
                sys.stdout.buffer.write(data)  # an editor expects its buffer back
        elif fixing:
            outcome = project.fix_source(args.stdin_filename, data, allowed)
            results, fixed_files = [outcome.result], [outcome]
            sources[args.stdin_filename] = outcome.after
        else:
            results = [project.lint_source(args.stdin_filename, data)]
            sources[args.stdin_filename] = data
    elif args.staged:
        from .staged import GitError, staged_files

        try:
            staged = list(staged_files("."))
        except GitError as exc:
            raise UsageError(str(exc)) from None
        project = workspace.project_for(".")
        results = []
        for absolute, data in staged:
            shown = os.path.relpath(absolute)
            if workspace.excluded(absolute):
                continue
            results.append(workspace.lint_source(shown, data))
    else:
        project = workspace.project_for(paths[0])
        if fixing:
            run, fixed_files = workspace.fix_paths(paths, allowed, write=args.fix and not args.diff, jobs=args.jobs)
        else:
            run = workspace.lint_paths(paths, on_file=_progress(args), jobs=args.jobs)
        results = run.files

    ctx = ReportContext(
        rules={r.id: r for r in project.ruleset.rules},
        color=_use_color(args.color, sys.stdout),
        show_source=args.show_source and not args.quiet,
        tool_version=__version__,
        root=project.settings.root,
        unsafe_fixes=args.unsafe_fixes,
        fixed={f.path: f.applied for f in fixed_files if f.changed} if args.fix else {},
        quiet=args.quiet,
    )
    if args.diff:
        return _print_diffs(fixed_files, results, args, project.ruleset.library.policy())
    if args.write_baseline:
        from .baseline import BaselineError, write

        try:
            count = write(args.write_baseline, results)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        print(f"Wrote {count} finding{'s' if count != 1 else ''} to the baseline {args.write_baseline}.")
        _print_notices(results, args)
        return EXIT_CLEAN
    if args.baseline:
        from .baseline import BaselineError, filter_new, load

        try:
            results = filter_new(results, load(args.baseline))
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
    if args.format in MACHINE_FORMATS:
        results = _with_fix_edits(workspace, results, sources)
    report = renderer(args.format)(results, ctx)
    out = sys.stderr if stdin and args.fix else sys.stdout  # stdout carries the fixed source
    if stdin and args.fix:
        sys.stdout.buffer.write(fixed_files[0].after if fixed_files else b"")
        sys.stdout.flush()
    if args.output:
        _write_report(args.output, report)
        if not args.quiet:
            from .report.text import summary

            print(summary(results, ctx), file=out)
    elif args.format in ("text", "github") and args.quiet:
        lines = [line for line in report.splitlines()
                 if line and not line.startswith(("Found", "No problems", "[*]", "Fixed", "  = fix"))]
        if lines:
            print("\n".join(lines), file=out)
    else:
        out.write(report)
    _print_notices(results, args)
    return _exit_code(results, args, project.settings.fail_on)


MACHINE_FORMATS = ("json", "sarif")


def _read_path_list(name: str) -> List[str]:
    from .api import UsageError

    try:
        if name == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as handle:
                raw = handle.read()
    except OSError as exc:
        raise UsageError(f"--files-from {name}: {exc.strerror}") from None
    text = raw.decode("utf-8", "surrogateescape")
    separator = "\0" if "\0" in text else "\n"
    return [p.rstrip("\r") for p in text.split(separator) if p.strip()]


def _with_fix_edits(workspace, results, sources):
    """Machine formats carry each fix's edits; computing them needs the source
    (and libcst), so only files with fixable findings are read again."""
    out = []
    for result in results:
        if any(f.fix_plan is not None for f in result.findings):
            data = sources.get(result.path)
            if data is None:
                try:
                    with open(result.path, "rb") as handle:
                        data = handle.read()
                except OSError:
                    data = None
            if data is not None:
                result = workspace.project_for(result.path).attach_fixes(result, data)
        out.append(result)
    return out


def _print_diffs(fixed_files, results, args, policy) -> int:
    changed = [f for f in fixed_files if f.changed]
    for f in changed:
        sys.stdout.write(f.diff(policy))
    count = sum(f.applied for f in changed)
    if not args.quiet:
        print(f"Would fix {count} problem{'s' if count != 1 else ''} in {len(changed)} "
              f"file{'s' if len(changed) != 1 else ''}.", file=sys.stderr)
    _print_notices(results, args)
    if any(n.level == "error" for r in results for n in r.notices):
        return EXIT_ERROR
    return EXIT_FINDINGS if changed else EXIT_CLEAN


def _progress(args):
    """A progress bar on stderr, for long runs on a terminal only."""
    if args.format != "text" or args.quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    state = {"bar": None, "seen": 0}

    def tick(result) -> None:
        state["seen"] += 1
        if state["bar"] is None and state["seen"] >= 500:
            try:
                from tqdm import tqdm
            except ImportError:  # pragma: no cover - tqdm is a dependency
                return
            state["bar"] = tqdm(desc="credlint", unit=" files", initial=state["seen"], file=sys.stderr, leave=False)
        elif state["bar"] is not None:
            state["bar"].update(1)

    return tick


def _write_report(path: str, report: str) -> None:
    from .api import UsageError

    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(report)
    except OSError as exc:
        raise UsageError(f"cannot write the report to {path}: {exc.strerror}") from None


def _use_color(choice: str, stream) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _print_notices(results, args) -> None:
    for result in results:
        for notice in result.notices:
            if notice.level == "info" and not args.verbose:
                continue
            if args.quiet and notice.level != "error":
                continue
            where = f"{notice.path}:{notice.line}" if notice.line else notice.path
            print(f"{where}: {notice.level}: {notice.message}", file=sys.stderr)


def _exit_code(results, args, fail_on: str) -> int:
    if any(n.level == "error" for r in results for n in r.notices):
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    if args.report_unused_ignores and any(n.message.startswith("unused `credlint: ignore")
                                          for r in results for n in r.notices):
        return EXIT_FINDINGS
    threshold = SEVERITY_ORDER[fail_on]
    if any(SEVERITY_ORDER[f.severity] >= threshold for r in results for f in r.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


# -- rules / explain -----------------------------------------------------------------


def run_rules(args: argparse.Namespace) -> int:
    from .ruleset import load_rules

    if args.validate:
        return _validate_rule_files(args.validate)
    ruleset = load_rules()
    if args.write_docs:
        from .explain import write_docs

        count = write_docs(ruleset.rules, args.write_docs)
        print(f"Wrote {count} rule pages to {args.write_docs}")
        return EXIT_CLEAN
    if args.format == "json":
        import json

        rows = [{"id": r.id, "name": r.name, "severity": r.severity, "fixable": r.fixable,
                 "summary": r.docs.summary, "file_types": sorted(r.match)} for r in ruleset.rules]
        print(json.dumps(rows, indent=2))
        return EXIT_CLEAN
    rows = [("ID", "NAME", "SEVERITY", "FIX", "SUMMARY")]
    rows += [(r.id, r.name, r.severity, "yes" if r.fixable else "-", r.docs.summary) for r in ruleset.rules]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    return EXIT_CLEAN


def _validate_rule_files(files: Sequence[str]) -> int:
    """Each file is checked the way `extra-rules` loads it: against the JSON
    Schema, then compiled (regexes, callee sets, shapes), against the built-in
    rules for duplicate ids."""
    import shutil
    import tempfile

    from .api import UsageError
    from .ruleset import RuleError, load_rules

    problems = 0
    for name in files:
        if not os.path.isfile(name):
            raise UsageError(f"{name}: no such file")
        with tempfile.TemporaryDirectory() as directory:
            copy = os.path.join(directory, os.path.basename(name))
            shutil.copy(name, copy)
            try:
                ruleset = load_rules([directory], use_index=False)
            except RuleError as exc:
                for error in exc.errors:
                    where = name if error.file == copy else error.file
                    print(f"{where}:{error.line}: {error.message}")
                    problems += 1
                continue
            failures = _check_examples(ruleset, copy, directory)
        for line, message in failures:
            print(f"{name}:{line}: {message}")
        problems += len(failures)
        if not failures:
            print(f"{name}: ok")
    return EXIT_FINDINGS if problems else EXIT_CLEAN


def _check_examples(ruleset, source: str, directory: str):
    """A rule's own examples, run as credlint's test suite runs the built-in
    ones: invalid examples reported on exactly their lines, valid ones not."""
    from .api import Project
    from .settings import Settings

    failures = []
    for rule in [r for r in ruleset.rules if r.source == source]:
        project = Project(Settings(root=directory, select=(rule.id,)), ruleset)
        cases = [(e, True) for e in rule.examples_invalid] + [(e, False) for e in rule.examples_valid]
        for example, invalid in cases:
            path = os.path.join(directory, example.filename or "example.py")
            result = project.lint_source(path, example.code.encode("utf-8"))
            lines = sorted(f.span.line for f in result.findings if f.rule_id == rule.id)
            expected = sorted(example.lines) if invalid else []
            if lines != expected:
                kind = "invalid" if invalid else "valid"
                failures.append((example.source_line,
                                 f"{rule.id} {kind} example: expected findings on lines {expected}, got {lines}"))
    return failures


def run_explain(args: argparse.Namespace) -> int:
    from .api import UsageError
    from .explain import render_rule
    from .ruleset import load_rules

    ruleset = load_rules()
    rule = ruleset.get(args.rule)
    if rule is None:
        raise UsageError(f"unknown rule {args.rule!r}; `credlint rules` lists them")
    sys.stdout.write(render_rule(rule))
    return EXIT_CLEAN
