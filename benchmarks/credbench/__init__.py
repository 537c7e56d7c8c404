"""credlint's performance benchmark (issue 5), as a package. `benchmarks/run.py` is
the entry point (it puts `benchmarks/` on sys.path and calls `credbench.cli.main`).

Standard library only (Python >= 3.9). Module map, one job each:

    stats.py        pure helpers: medians, ratios, formatting, Markdown tables, linear fit, verdicts
    machine.py      the machine: CPU model, RAM, OS, load average, other processes' CPU and steal, speed probe
    procs.py        running commands: timed in a launcher child, memory-sampled, interleaved repetitions
    corpus.py       the corpora: pinned packages fetched and checked, extracted, committed to a git
                    repository; fabricated keys to plant
    tools.py        the competitors' venv (pinned), credlint's own venv, credlint's cache directories
    childscripts.py code run with credlint's Python in a child (the only code that imports credlint)
    profiling.py    cProfile output summarized into stages and top functions
    bench.py        Bench (what every scenario shares: corpus, tools, credlint, load marks) and Scenario
    scenarios/      one module per scenario: run(bench), targets(results), render(results)
    report.py       RESULTS.md: header, machine, corpus, targets, then each scenario's section
    cli.py          options and main()

The JSON-RPC language-server client lives next to the package, in `benchmarks/lspclient.py`:
the tests (tests/test_lsp.py) use it too.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent  # benchmarks/
REPO = BENCH_DIR.parent
SEMGREP_RULES = BENCH_DIR / "semgrep-aws-credentials.yaml"

_T0 = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr, with the time since the benchmark started."""
    elapsed = time.monotonic() - _T0
    print(f"[{int(elapsed) // 60:3d}:{int(elapsed) % 60:02d}] {message}", file=sys.stderr, flush=True)
