"""The command line: options, and main() (set up, run the scenarios asked for, write
results.json and the report, print the verdicts)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import List, Optional, Sequence

from . import BENCH_DIR, log
from .bench import Bench
from .charts import write_charts
from .report import all_charts, evaluate, render_results
from .scenarios import ALL, NAMES
from .stats import verdict

DESCRIPTION = """credlint's performance benchmark (issue 5): credlint side by side with the
tools a user would pick instead, in the same run, as ratios.

    python3 benchmarks/run.py            # full run: downloads, installs, measures, writes RESULTS.md
    python3 benchmarks/run.py --quick    # sanity run: 2 repetitions, 1x scale only

Standard library only (Python >= 3.9). See benchmarks/README.md for what each
scenario measures and why it is measured that way.
"""

SCENARIOS = NAMES  # ("full", "cache", "precommit", "ide", "memory", "scale", "aws", "js", "js-precommit", "history",
#                      "profile")


def reproduce_command(argv: List[str]) -> str:
    """The command line to quote in the report, without local paths."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--cache-dir", "--results", "--credlint-python"):
            skip = True
            continue
        if arg.startswith(("--cache-dir=", "--results=", "--credlint-python=")):
            continue
        kept.append(arg)
    return " ".join(["python3 benchmarks/run.py", *kept])


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="run.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="2 repetitions, 1x scale only, semgrep skipped if it cannot be installed, scenario 7 without "
                             "bandit, detect-secrets and semgrep; "
                             "writes <cache-dir>/RESULTS-quick.md unless --results is given")
    parser.add_argument("--reps", type=int, default=0, help="repetitions per timed command (default 5, --quick 2)")
    parser.add_argument("--cache-dir", default=str(BENCH_DIR / ".cache"),
                        help="downloads, the corpus (<dir>/corpus), the tools' venv (<dir>/tools-venv), "
                             "results.json (default: benchmarks/.cache)")
    parser.add_argument("--credlint-source", choices=("worktree", "head"), default="worktree",
                        help="what is installed into the benchmark's own credlint venv: the checkout as it is "
                             "(default) or its last commit")
    parser.add_argument("--credlint-python", help="measure the credlint of this Python instead (e.g. an editable "
                                                  "install in .venv/bin/python)")
    parser.add_argument("--slow-reps", type=int, default=0,
                        help="repetitions of the competitors that take minutes per run (bandit, detect-secrets, "
                             "semgrep, eslint; default 3, --quick 1)")
    parser.add_argument("--skip-semgrep", action="store_true", help="do not install or run semgrep")
    parser.add_argument("--history-commits", type=int, default=0, metavar="N",
                        help="commits of the generated history of scenario 10 (default 20000, --quick 2000; "
                             "at least 10), kept in <cache-dir>/history-<N>")
    parser.add_argument("--only", help=f"comma-separated scenarios to run (of {', '.join(SCENARIOS)})")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: write the report again from <cache-dir>/results.json")
    parser.add_argument("--results", help="where to write the Markdown report (default: benchmarks/RESULTS.md)")
    return parser.parse_args(argv)


def write_report_charts(results: dict, report: Path) -> None:
    """The scenarios' bar charts, in charts/ next to the report (which links them):
    benchmarks/charts/ for a full run."""
    for path in write_charts(all_charts(results), report.parent / "charts"):
        log(f"wrote {path}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    wanted = SCENARIOS if not args.only else tuple(x.strip() for x in args.only.split(","))
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        print(f"run.py: unknown scenario(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if args.history_commits and args.history_commits < 10:
        print("run.py: --history-commits: at least 10", file=sys.stderr)
        return 2
    if args.render_only:
        results = json.loads((Path(args.cache_dir) / "results.json").read_text())
        report = Path(args.results) if args.results else (Path(args.cache_dir) / "RESULTS-quick.md"
                                                         if results.get("quick") else BENCH_DIR / "RESULTS.md")
        report.write_text(render_results(results, results.get("command", "python3 benchmarks/run.py")))
        log(f"wrote {report}")
        write_report_charts(results, report)
        return 0
    bench = Bench(args)
    bench.setup()
    started = time.monotonic()
    for scenario in ALL:
        if scenario.name in wanted:
            scenario.run(bench)
    bench.mark_load("end")
    results = bench.results
    results["duration_s"] = time.monotonic() - started
    command = reproduce_command(list(argv if argv is not None else sys.argv[1:]))
    results["command"] = command
    (bench.cache / "results.json").write_text(json.dumps(results, indent=2, default=str))
    report = Path(args.results) if args.results else (bench.cache / "RESULTS-quick.md" if args.quick
                                                     else BENCH_DIR / "RESULTS.md")
    report.write_text(render_results(results, command))
    log(f"wrote {report} and {bench.cache / 'results.json'} ({results['duration_s'] / 60:.1f} min)")
    write_report_charts(results, report)
    for entry in evaluate(results):
        print(f"{verdict(entry['ok']):4}  {entry['scenario']}: {entry['target']}: {entry['measured']}")
    return 0
