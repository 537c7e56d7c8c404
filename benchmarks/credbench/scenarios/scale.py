"""Scenario 6: the cold full scan of 1, 2 and 4 copies of the corpus side by side
(does time grow linearly?), next to what reading the files and running credlint's
prefilter on them costs in one process."""
from __future__ import annotations

import json
import shutil
from typing import Any, Dict, List

from .. import log
from ..bench import Bench, Scenario
from ..childscripts import READ_PREFILTER
from ..corpus import make_repo
from ..procs import Command, alternate, capture, run_timed
from ..stats import Targets, fmt_ratio, fmt_seconds, markdown_table, ratio, scaling_verdict, stats_of


def run(bench: Bench) -> None:
    bench.mark_load("6. scale")
    scales = [1] if bench.quick else [1, 2, 4]
    log(f"scenario 6: scale {scales}")
    base = bench.fresh_dir("scale")
    trees: Dict[int, List[str]] = {}
    for k in scales:
        target = base / f"x{k}"
        copies = [target / f"copy{i + 1}" for i in range(k)]
        for copy in copies:
            shutil.copytree(bench.corpus, copy)
        make_repo(target, commit=False)  # a repository root: the checkout's .gitignore stops here
        trees[k] = [str(c) for c in copies]
    commands = [Command(f"{k}x", lambda i, t=trees[k]: {"argv": bench.cl("--no-cache", "-q", "--exit-zero", *t),
                                                           "env": bench.env()})
                for k in scales]
    for command in commands:
        run_timed(**command.make(0))  # page cache
    runs = alternate(commands, bench.reps, "scale")
    out: Dict[str, Any] = {"scales": scales, "stats": {}, "read_prefilter": {}}
    for k, command in zip(scales, commands):
        out["stats"][f"{k}x"] = stats_of(runs[command.label])
        rp = []
        for _ in range(3 if not bench.quick else 1):
            rp.append(json.loads(capture([bench.credlint["python"], "-c", READ_PREFILTER, *trees[k]],
                                         cwd=str(bench.out), env=bench.env())))
        best = min(rp, key=lambda r: r["read"] + r["prefilter"])
        out["read_prefilter"][f"{k}x"] = best
        log(f"scale {k}x: read {fmt_seconds(best['read'])}, prefilter {fmt_seconds(best['prefilter'])}, "
            f"{best['passed']} of {best['files']} files pass the prefilter")
    medians = [out["stats"][f"{k}x"]["wall"]["median"] for k in scales]
    out["verdict"] = scaling_verdict(scales, medians) if len(scales) > 1 else None
    bench.store("scale", out)
    shutil.rmtree(base, ignore_errors=True)
    bench.dirs.cleanup()


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "scale" not in s or not s["scale"].get("verdict"):
        return out
    v = s["scale"]["verdict"]
    out.add("6. scale 1x/2x/4x", "time grows linearly (or better)",
            f"per-corpus time at 4x is {v['worst_per_unit_vs_1x']:.2f}x that at 1x" if v["worst_per_unit_vs_1x"] else "n/a",
            v["linear"])
    return out


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "scale" not in s:
        return lines
    w = lines.append
    sc = s["scale"]
    w("## 6. Scale: 1x, 2x, 4x the corpus")
    w("")
    w("k copies of the corpus tree side by side in one directory, cold (`--no-cache`). read + prefilter: the same")
    w("files read and passed through credlint's prefilter in one process (no pool), best of 3.")
    w("")
    base = sc["stats"].get("1x", {}).get("wall", {}).get("median")
    rows = []
    for key, st in sc["stats"].items():
        rp = sc["read_prefilter"].get(key, {})
        k = int(key.rstrip("x"))
        med = st["wall"]["median"]
        rows.append([key, f"{rp.get('files', 0):,}", fmt_seconds(med), fmt_seconds(st["wall"]["min"]),
                     fmt_seconds(st["wall"]["max"]), fmt_seconds(st["cpu"]["median"]),
                     fmt_seconds(med / k) if med else "n/a",
                     fmt_ratio(ratio(med, base)) if base else "",
                     fmt_seconds(rp.get("read")), fmt_seconds(rp.get("prefilter")),
                     f"{rp.get('passed', 0):,}"])
    w(markdown_table(["size", "files", "credlint median", "min", "max", "CPU", "per 1x corpus", "vs 1x",
                      "read (1 proc)", "prefilter (1 proc)", "files past the prefilter"], rows))
    v = sc.get("verdict")
    if v:
        w("")
        w(f"Least-squares fit: {fmt_seconds(v['fixed'])} fixed + {fmt_seconds(v['per_corpus'])} per corpus copy. "
          f"Time per corpus copy at the largest size is {v['worst_per_unit_vs_1x']:.2f}x that at 1x: "
          f"{'linear (or better)' if v['linear'] else 'superlinear'}.")
    w("")
    return lines


SCENARIO = Scenario("scale", run, targets, render)
