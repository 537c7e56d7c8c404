"""Scenario 5: memory of the cold full scan, credlint's whole process tree sampled
from /proc (summed PSS and RSS)."""
from __future__ import annotations

from typing import Any, Dict, List

from .. import log
from ..bench import Bench, Scenario
from ..procs import run_sampled
from ..stats import Targets, fmt_mb, fmt_seconds, markdown_table

TARGET_PEAK_RSS_MB = 300


def run(bench: Bench) -> None:
    bench.mark_load("5. memory")
    log("scenario 5: memory of the cold full scan (process tree sampled)")
    samples = []
    for rep in range(1 if bench.quick else 3):
        samples.append(run_sampled(bench.cl("--no-cache", "-q", "--exit-zero", str(bench.corpus)), env=bench.env()))
        log(f"memory rep {rep + 1}: tree rss {fmt_mb(samples[-1]['tree_rss_kb'])}, "
            f"tree pss {fmt_mb(samples[-1]['tree_pss_kb'])}, largest process {fmt_mb(samples[-1]['maxrss_kb'])}")
    bench.store("memory", {"samples": samples})
    bench.dirs.cleanup()


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "memory" not in s:
        return out
    samples = s["memory"]["samples"]
    tree = max((x["tree_pss_kb"] or 0 for x in samples), default=0) or None
    rss = max((x["tree_rss_kb"] or 0 for x in samples), default=0) or None
    largest = max((x["maxrss_kb"] or 0 for x in samples), default=0) or None
    measured = f"tree PSS {fmt_mb(tree)} (tree RSS sum {fmt_mb(rss)}, largest process {fmt_mb(largest)})"
    out.add("5. memory, full scan", f"peak <= {TARGET_PEAK_RSS_MB} MB", measured,
            None if tree is None and largest is None else (tree or largest) <= TARGET_PEAK_RSS_MB * 1024)
    return out


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "memory" not in s:
        return lines
    w = lines.append
    samples = s["memory"]["samples"]
    w("## 5. Memory: the cold full scan")
    w("")
    w("credlint's process tree (the main process and its pool's workers) sampled every 20 ms from /proc: the")
    w("peak of the summed PSS (forked workers' shared pages counted once: the memory the run really takes)")
    w("and of the summed RSS (shared pages counted in every process), and wait4's peak RSS of the largest")
    w("single process. The target is judged on the tree's PSS. Competitors: the largest process's peak RSS")
    w("over their timed runs in scenario 1 (for reference; semgrep's is semgrep-core).")
    w("")
    rows = [["credlint", fmt_mb(x["tree_pss_kb"]), fmt_mb(x["tree_rss_kb"]), fmt_mb(x["maxrss_kb"]),
             fmt_seconds(x["wall"])] for x in samples]
    for name, stat in s.get("full", {}).get("stats", {}).items():
        if not name.startswith("credlint"):
            rows.append([f"{name} (reference)", "", "", fmt_mb(stat["maxrss_kb"]), ""])
    w(markdown_table(["run", "peak tree PSS", "peak tree RSS (sum)", "peak RSS, largest process",
                      "wall (sampled, not a timing)"], rows))
    w("")
    return lines


SCENARIO = Scenario("memory", run, targets, render)
