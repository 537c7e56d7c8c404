"""Scenario 2: the same full scan again with nothing changed (a cache hit)."""
from __future__ import annotations

from typing import Any, Dict, List

from .. import log
from ..bench import Bench, Scenario
from ..procs import run_timed
from ..stats import STAT_HEADERS, Targets, fmt_seconds, markdown_table, median_wall, stat_row, stats_of

TARGET_CACHE_HIT_S = 0.5


def run(bench: Bench) -> None:
    bench.mark_load("2. cache hit")
    log("scenario 2: re-run with nothing changed (cache hit)")
    corpus = str(bench.corpus)
    fill, hit = [], []
    for rep in range(bench.reps):
        env = bench.env()
        fill.append(run_timed(bench.cl("-q", "--exit-zero", corpus), env=env))
        hit.append(run_timed(bench.cl("-q", "--exit-zero", corpus), env=env))
        log(f"cache rep {rep + 1}/{bench.reps}: fill {fmt_seconds(fill[-1].wall)}, hit {fmt_seconds(hit[-1].wall)}")
    bench.store("cache", {"stats": {"credlint (cache fill)": stats_of(fill), "credlint (cache hit)": stats_of(hit)}})
    bench.dirs.cleanup()


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "cache" not in s:
        return out
    hit = median_wall(s["cache"]["stats"], "credlint (cache hit)")
    out.add("2. re-run, cache hit", f"<= {fmt_seconds(TARGET_CACHE_HIT_S)}", fmt_seconds(hit),
            None if hit is None else hit <= TARGET_CACHE_HIT_S)
    return out


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "cache" not in s:
        return lines
    w = lines.append
    st = s["cache"]["stats"]
    w("## 2. Re-run with nothing changed (cache hit)")
    w("")
    w("Each repetition: a fresh cache directory, `credlint -q --exit-zero <corpus>` once to fill it (first row),")
    w("then the same command again (second row, the one the target is about).")
    w("")
    w(markdown_table(STAT_HEADERS[:-1], [stat_row(label, stat, None)[:-1] for label, stat in st.items()]))
    w("")
    return lines


SCENARIO = Scenario("cache", run, targets, render)
