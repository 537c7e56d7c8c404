"""The profile: `python -m cProfile -m credlint --no-cache -q --exit-zero -j1 <corpus>`
(one process), summarized into stages and top functions ("Where the time goes")."""
from __future__ import annotations

import os
import pstats
from typing import Any, Dict, List

from .. import log
from ..bench import Bench, Scenario
from ..procs import run_timed
from ..profiling import profile_findings, summarize_profile
from ..stats import fmt_pct, fmt_seconds, markdown_table


def run(bench: Bench) -> None:
    bench.mark_load("profile")
    log("profile: cProfile of the cold full scan, one process (-j1)")
    prof = bench.out / "credlint.prof"
    argv = [bench.credlint["python"], "-m", "cProfile", "-o", str(prof), "-m", "credlint", "--no-cache", "-q",
            "--exit-zero", "-j1", str(bench.corpus)]
    unprofiled = run_timed(bench.cl("--no-cache", "-q", "--exit-zero", "-j1", str(bench.corpus)), env=bench.env())
    # cwd: not the checkout, or `-m` would import credlint from there instead of the measured install
    profiled = run_timed(argv, env=bench.env(), cwd=str(bench.out))
    summary = summarize_profile(str(prof))
    code = sorted({f for (f, _, _) in pstats.Stats(str(prof)).stats  # type: ignore[attr-defined]
                   if f.replace(os.sep, "/").endswith("/credlint/cli.py")})
    bench.results["profile"] = {"unprofiled_j1_wall": unprofiled.wall, "profiled_wall": profiled.wall,
                                "profiled_code": os.path.dirname(code[0]) if code else None, **summary}
    bench.dirs.cleanup()


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    return []


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    w = lines.append
    p = results.get("profile")
    if p:
        w("## Where the time goes")
        w("")
        w("`python -m cProfile -m credlint --no-cache -q --exit-zero -j1 <corpus>` (one process, so about the CPU")
        w(f"time of a pooled run): {fmt_seconds(p['profiled_wall'])} profiled, {fmt_seconds(p['unprofiled_j1_wall'])} "
          f"without the profiler. Profiled code: `{p.get('profiled_code')}`.")
        w("")
        for line in profile_findings(p, s.get("scale")):
            w(f"- {line}")
        w("")
        w("Stages (cumulative time; nested stages are part of the one above):")
        w("")
        w(markdown_table(["stage", "calls", "seconds (profiled)", "share of the run"], [
            [x["stage"], f"{x['calls']:,}" if x.get("calls") else "", fmt_seconds(x["seconds"]),
             fmt_pct(x["seconds"] / p["total"]) if x["seconds"] else ""] for x in p["stages"]]))
        w("")
        w("Top functions by own time:")
        w("")
        w(markdown_table(["function", "calls", "own time", "cumulative"], [
            [f"`{r['file']}:{r['line']}({r['function']})`" if r["line"] else f"`{r['function']}`", f"{r['calls']:,}",
             fmt_seconds(r["tottime"]), fmt_seconds(r["cumtime"])] for r in p["top"][:10]]))
        w("")
    return lines


SCENARIO = Scenario("profile", run, targets, render)
