"""`credlint` on the command line.

    credlint [check] [OPTIONS] [PATH ...]   lint (the default command)
    credlint rules [--format json]          list the rules
    credlint explain RULE                   a rule's documentation
    credlint lsp                            the language server (stdio)

Exit codes: 0 no findings, 1 findings, 2 usage or config error or a path not
checked, 3 internal error (api.py has the whole policy).
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Sequence

from . import __version__
from .api import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERNAL

COMMANDS = ("check", "rules", "explain", "lsp", "clean", "history")


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "check")
    pathspec: List[str] = []
    if argv[0] == "history" and "--" in argv:  # credlint history [REV...] -- PATH...
        cut = argv.index("--")
        argv, pathspec = argv[:cut], argv[cut + 1:]
    parser = build_parser()
    args = parser.parse_args(argv)
    args.pathspec = pathspec
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
    return EXIT_INTERNAL


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
    out.add_argument("--show-account", action="store_true",
                     help="text: name the AWS account each access key id belongs to (decoded from the id, offline)")
    out.add_argument("--statistics", action="store_true",
                     help="print the number of findings per rule instead of the findings (text or json)")
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
    perf.add_argument("--cache-dir", metavar="DIR", help="where the cache lives (default: the user cache directory, one per project)")
    perf.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: one per CPU)")
    fix = check.add_argument_group("fixes")
    fix.add_argument("--fix", action="store_true", help="apply safe fixes in place, then report what remains")
    fix.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: also apply unsafe fixes")
    fix.add_argument("--diff", action="store_true",
                     help="print the unified diff of the fixes, write nothing; exit 1 if there is any")
    files.add_argument("--stdin-filename", metavar="PATH",
                       help="lint standard input as if it were the file at PATH (use '-' as the path)")
    live = check.add_argument_group("is the key live? (network, opt-in; needs pip install 'credlint[verify]')")
    live.add_argument("--verify", action="store_true",
                      help="ask AWS STS (GetCallerIdentity) whether each key pair found works: live (with its "
                           "ARN), rejected or unknown; at most 20 pairs per run. Sends the key id and a request "
                           "signed with the secret key to STS only. Does not change the exit code")
    live.add_argument("--verify-endpoint", metavar="URL",
                      help="the STS endpoint to ask (default: AWS_ENDPOINT_URL_STS, else AWS's regional STS)")
    live.add_argument("--verify-timeout", type=float, metavar="SECONDS",
                      help="connect and read timeout of each STS call (default: 5)")
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

    history = sub.add_parser("history", formatter_class=_Formatter,
                             help="find keys in git history: every commit reachable from any ref, or a range",
                             usage="credlint history [REV ...] [--since REV | --pre-push] [options] [-- PATH ...]")
    history.add_argument("revisions", nargs="*", metavar="REV",
                         help="commits or ranges as git log takes them (default: --all, every ref)")
    history.add_argument("--since", metavar="REV", help="only what HEAD added since REV (a branch in CI: origin/main)")
    history.add_argument("--pre-push", action="store_true",
                         help="the commits being pushed (pre-commit's pre-push stage sets them)")
    history.add_argument("--format", default="text", choices=["text", "json", "sarif"])
    history.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    history.add_argument("--select", metavar="RULES")
    history.add_argument("--ignore", metavar="RULES")
    history.add_argument("--baseline", metavar="FILE", help="report only keys this baseline does not hold")
    history.add_argument("--max-file-size", type=float, metavar="MB")
    history.add_argument("--no-cache", action="store_true")
    history.add_argument("--jobs", type=int, default=0, metavar="N")
    history.add_argument("--exit-zero", action="store_true")
    history.add_argument("--show-account", action="store_true", help="text: the AWS account of each key id")
    history.set_defaults(handler=run_history)

    clean = sub.add_parser("clean", formatter_class=_Formatter,
                           help="remove the results cache: this project's, or every project's with --all")
    clean.add_argument("--all", action="store_true", help="every project's results in the user cache")
    clean.add_argument("--cache-dir", metavar="DIR", help="the cache directory to empty (as given to check)")
    clean.set_defaults(handler=run_clean)
    return parser


def run_history(args: argparse.Namespace) -> int:
    """Keys in git history, each reported once with the commit that first
    added it (history.py)."""
    from .api import UsageError
    from .history import pre_push_revisions, scan
    from .settings import MB, Overrides
    from .workspace import Workspace

    if sum(bool(x) for x in (args.revisions, args.since, args.pre_push)) > 1:
        raise UsageError("history: give revisions, --since or --pre-push, not several")
    revisions = list(args.revisions)
    if args.since:
        revisions = [f"{args.since}..HEAD"]
    elif args.pre_push:
        revisions = pre_push_revisions()
    select = _split(args.select)
    overrides = Overrides(select=tuple(select) if select is not None else None, ignore=tuple(_split(args.ignore) or ()),
                          cache=False if args.no_cache else None,
                          max_file_size=int(args.max_file_size * MB) if args.max_file_size else None)
    report = scan(Workspace(overrides), revisions, args.pathspec, jobs=args.jobs, baseline=args.baseline)
    text = _history_report(report, args)
    if args.output:
        _write_report(args.output, text)
    else:
        sys.stdout.write(text)
    for notice in report.notices:
        print(f"{notice.path}: {notice.level}: {notice.message}", file=sys.stderr)
    if any(n.level == "error" for n in report.notices):
        return EXIT_ERROR
    return EXIT_FINDINGS if report.keys and not args.exit_zero else EXIT_CLEAN


def _history_report(report, args) -> str:
    import json

    from .history import date, introduced
    from .model import FileResult
    from .report import ReportContext
    from .report.json_format import finding_to_dict

    def provenance(key) -> dict:
        return {"commit": key.commit, "date": date(key.time), "commits": key.commits, "at_head": key.at_head}

    if args.format == "json":
        return json.dumps([dict(finding_to_dict(k.finding), **provenance(k)) for k in report.keys], indent=2,
                          ensure_ascii=False) + "\n"
    if args.format == "sarif":
        from .report.sarif import build_log
        from .ruleset import load_rules

        results = [FileResult(k.finding.path, (k.finding,)) for k in report.keys]
        log = build_log(results, ReportContext(rules={r.id: r for r in load_rules().rules}, tool_version=__version__))
        by_fingerprint = {k.finding.fingerprint: k for k in report.keys}
        for result in log["runs"][0]["results"]:
            key = by_fingerprint[result["partialFingerprints"]["credlintFingerprint/v1"]]
            result.setdefault("properties", {}).update(provenance(key))
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    lines = []
    for key in report.keys:
        f = key.finding
        account = f" (account {f.account})" if args.show_account and f.account and f.account != "old-format" else ""
        lines.append(f"{f.path}:{f.span.line}:{f.span.column}: {f.rule_id} [{f.rule_name}] {f.message}{account}")
        lines.append(f"  = {introduced(key)}")
    still = sum(1 for k in report.keys if k.at_head)
    if report.keys:
        lines.append(f"Found {len(report.keys)} key{'s' if len(report.keys) != 1 else ''} in history "
                     f"({still} still at HEAD), in {report.commits} commits and {report.blobs} file versions.")
    else:
        lines.append(f"No keys in history: {report.commits} commits, {report.blobs} file versions.")
    return "\n".join(lines) + "\n"


def run_clean(args: argparse.Namespace) -> int:
    """Only cache documents (v<N>/<key>.json) are removed, never the rest of
    the directory: a cache-dir set to a wrong place loses nothing else."""
    import shutil

    from .cache import default_directory
    from .settings import Overrides
    from .signing import user_cache_dir
    from .workspace import Workspace

    if args.all:
        directory = os.path.join(user_cache_dir(), "results")
    else:
        settings = Workspace(Overrides(cache_dir=args.cache_dir)).project_for(".").settings
        directory = settings.cache_dir or default_directory(settings.root)
    removed = 0
    for parent, folders, files in os.walk(directory):
        if os.path.basename(parent)[:1] == "v" and os.path.basename(parent)[1:].isdigit():
            removed += sum(1 for name in files if name.endswith(".json"))
            shutil.rmtree(parent, ignore_errors=True)
            folders[:] = []
    print(f"removed {removed} cache file{'s' if removed != 1 else ''} from {directory}")
    return EXIT_CLEAN


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
        extend_allowlist=tuple(sorted(_detect_secrets_baseline(args) or ())),
    )


def run_check(args: argparse.Namespace) -> int:
    from .api import Buffer, Request, UsageError, Workspace, run
    from .report import ReportContext, renderer

    paths = args.paths or ["."]
    stdin = paths == ["-"]
    if "-" in paths and not stdin:
        raise UsageError("'-' (stdin) cannot be combined with other paths")
    if stdin and not args.stdin_filename:
        raise UsageError("reading stdin needs --stdin-filename PATH, to know which rules apply")
    if args.config and not os.path.isfile(args.config):
        raise UsageError(f"--config {args.config}: no such file")
    if args.staged and (args.fix or args.paths or args.files_from):
        raise UsageError("--staged lints the index as it is: it takes no paths and cannot be combined with "
                         "--fix or --files-from (--diff shows what --fix would change)")
    _check_verify_args(args)
    if args.files_from:
        paths = _read_path_list(args.files_from) + list(args.paths)
        if not paths:
            raise UsageError(f"--files-from {args.files_from}: no paths")
        stdin = False
    fixing = args.fix or args.diff
    data = sys.stdin.buffer.read() if stdin else b""
    request = Request(
        paths=() if stdin or args.staged else tuple(paths),
        buffer=Buffer(args.stdin_filename, data) if stdin else None,
        staged=args.staged,
        fix=(("safe", "unsafe") if args.unsafe_fixes else ("safe",)) if fixing else (),
        write=args.fix and not args.diff and not stdin,
        diff=args.diff,
        edits=args.format in MACHINE_FORMATS,
        baseline=None if args.write_baseline or _detect_secrets_baseline(args) is not None else args.baseline,
        jobs=args.jobs,
    )
    workspace = Workspace(overrides_from_args(args), config_file=args.config, isolated=args.isolated)
    response = run(request, workspace, on_file=_progress(args) if not stdin else None)
    if args.verify:  # liveness is reported, never a reason to fail: the findings fail the run already
        from .api import raw_secrets
        from .verify import DEFAULT_TIMEOUT, Checker, endpoint_for, verify_reports

        files = verify_reports(
            response.files, secrets_of=lambda path, content: raw_secrets(path, content, workspace),
            policy_of=lambda path: workspace.project_for(path).ruleset.library.policy(),
            check=Checker(endpoint_for(args.verify_endpoint), args.verify_timeout or DEFAULT_TIMEOUT),
            buffer=data if stdin else None, staged=args.staged)
        response = response._replace(files=tuple(files))
    results = response.results

    if stdin and args.fix:  # an editor expects its buffer back on stdout, fixed or as it was
        fixed = response.files[0].fixed if response.files else None
        sys.stdout.buffer.write(fixed if fixed is not None else data)
        sys.stdout.flush()
    if args.diff:
        return _print_diffs(response, args)
    if args.write_baseline:
        from .baseline import BaselineError, write

        try:
            count = write(args.write_baseline, results)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        print(f"Wrote {count} finding{'s' if count != 1 else ''} to the baseline {args.write_baseline}.")
        _print_notices(results, args)
        return EXIT_CLEAN
    ctx = ReportContext(
        rules=dict(response.rules),
        color=_use_color(args.color, sys.stdout),
        show_source=args.show_source and not args.quiet,
        tool_version=__version__,
        root=response.root,
        unsafe_fixes=args.unsafe_fixes,
        fixed={f.result.path: f.applied for f in response.files if f.applied} if args.fix else {},
        quiet=args.quiet,
        show_account=args.show_account,
    )
    if args.statistics:
        from .report.text import statistics

        ctx.format = args.format
        report = statistics(results, ctx)
    else:
        report = renderer(args.format)(results, ctx)
    out = sys.stderr if stdin and args.fix else sys.stdout  # stdout carries the fixed source
    if args.output:
        _write_report(args.output, report)
        if not args.quiet:
            from .report.text import summary

            print(summary(results, ctx), file=out)
    elif report:
        out.write(report)
    _print_notices(results, args)
    return response.exit_code(args.exit_zero)


def _check_verify_args(args: argparse.Namespace) -> None:
    """--verify talks to the network: only when asked, to a well-formed
    endpoint, with botocore installed; before anything is linted."""
    from .api import UsageError

    if not args.verify:
        if args.verify_endpoint or args.verify_timeout is not None:
            raise UsageError("--verify-endpoint and --verify-timeout apply only with --verify")
        return
    if args.diff or args.write_baseline or args.statistics:
        raise UsageError("--verify reports liveness with the findings: it cannot be combined with --diff, "
                         "--write-baseline or --statistics")
    if args.verify_timeout is not None and not 0 < args.verify_timeout <= 60:
        raise UsageError("--verify-timeout must be a number of seconds above 0 and at most 60")
    if args.verify_endpoint:
        from urllib.parse import urlsplit

        parts = urlsplit(args.verify_endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--verify-endpoint {args.verify_endpoint}: not an http(s) URL")
    from .verify import Unavailable, require

    try:
        require()
    except Unavailable as exc:
        raise UsageError(str(exc)) from None


MACHINE_FORMATS = ("json", "sarif")


def _detect_secrets_baseline(args: argparse.Namespace):
    """`--baseline .secrets.baseline`: detect-secrets' baseline holds SHA-1s
    of secrets, which credlint then allows (like the allowlist) instead of
    matching its own fingerprints. None for a credlint baseline."""
    if not getattr(args, "baseline", None) or getattr(args, "write_baseline", None):
        return None
    from .baseline import detect_secrets_hashes

    return detect_secrets_hashes(args.baseline)


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


def _print_diffs(response, args) -> int:
    changed = [f for f in response.files if f.diff]
    for f in changed:
        sys.stdout.write(f.diff)
    sys.stdout.flush()
    count = sum(f.applied for f in changed)
    if not args.quiet:
        print(f"Would fix {count} problem{'s' if count != 1 else ''} in {len(changed)} "
              f"file{'s' if len(changed) != 1 else ''}.", file=sys.stderr)
    _print_notices(response.results, args)
    return response.exit_code(args.exit_zero)


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
    from .paths import display

    for result in results:
        for notice in result.notices:
            if notice.level == "info" and not args.verbose:
                continue
            if args.quiet and notice.level != "error":
                continue
            where = f"{display(notice.path)}:{notice.line}" if notice.line else display(notice.path)
            print(f"{where}: {notice.level}: {notice.message}", file=sys.stderr)


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
    """Each file is checked the way `extra-rules` loads it (against the JSON
    Schema, then compiled: regexes, callee sets, shapes; against the built-in
    rules for duplicate ids), then its examples are run (ruletest.py). A
    built-in rule file is checked in place of itself, not as its duplicate."""
    import shutil
    import tempfile

    from .api import UsageError
    from .ruleset import RuleError, load_rules
    from .ruletest import check_rule

    problems = 0
    for name in files:
        if not os.path.isfile(name):
            raise UsageError(f"{name}: no such file")
        with tempfile.TemporaryDirectory() as directory:
            copy = os.path.join(directory, os.path.basename(name))
            shutil.copy(name, copy)
            try:
                ruleset = load_rules([directory], use_index=False, instead_of=name)
            except RuleError as exc:
                for error in exc.errors:
                    where = name if error.file == copy else error.file
                    print(f"{where}:{error.line}: {error.message}")
                    problems += 1
                continue
            failures = [f for rule in ruleset.rules if rule.source == copy for f in check_rule(rule, ruleset)]
        for failure in failures:
            print(f"{name}:{failure.line}: {failure.message}")
        problems += len(failures)
        if not failures:
            print(f"{name}: ok")
    return EXIT_FINDINGS if problems else EXIT_CLEAN


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
