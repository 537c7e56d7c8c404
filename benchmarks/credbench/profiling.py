"""cProfile output, summarized: time by stage (a function's cumulative time, found
by name and file) and the top functions by own time; and a few sentences on it.

The stages name credlint's functions and files: when credlint's code moves, a
stage that no longer matches shows as n/a (update the tables here)."""
from __future__ import annotations

import os
import pstats
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .stats import fmt_pct, fmt_seconds

# (label, file suffix, function name): the stages of a cold run, by cumulative time
# (cProfile counts a recursive function's time once, at its outermost call).
PROFILE_STAGES = (
    ("imports (start-up, and lazy ones later)", None, "_find_and_load"),
    ("rules: load the signed index, compile", "ruleset.py", "load_rules"),
    ("discovery: walk, excludes, .gitignore", "workspace.py", "walk"),
    ("linting, all files (runner; the walk runs within it)", "runner.py", "run"),
    ("- read the files", "runner.py", "read_file"),
    ("- prefilter: token scans of the raw bytes", "prefilter.py", "rules_that_may_match"),
    ("- analysis of the files past the prefilter", "engine.py", "_analyze"),
    ("-- ast.parse", "languages/python/__init__.py", "parse"),
    ("-- name resolution walk", "languages/python/names.py", "_walk"),
    ("-- SDK call analysis", "languages/python/calls.py", "analyze_calls"),
)


EDITOR_STAGES = (
    ("lint_bytes, total", "api.py", "lint_bytes"),
    ("- prefilter", "prefilter.py", "rules_that_may_match"),
    ("- analysis", "engine.py", "_analyze"),
    ("-- ast.parse", "languages/python/__init__.py", "parse"),
    ("-- name resolution walk", "languages/python/names.py", "_walk"),
    ("-- SDK call analysis", "languages/python/calls.py", "analyze_calls"),
    ("- findings: messages, redaction, fingerprints", "engine.py", "_finish"),
)


def summarize_profile(path: str, top: int = 15, stage_list: Sequence[Tuple[str, Optional[str], str]] = PROFILE_STAGES
                      ) -> Dict[str, Any]:
    stats = pstats.Stats(path)
    raw = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in raw.items():
        rows.append({"file": _short(filename), "line": line, "function": name, "calls": nc, "tottime": tt,
                     "cumtime": ct})
    rows.sort(key=lambda r: -r["tottime"])
    stages = []
    for label, suffix, function in stage_list:
        matches = [(ct, nc) for (f, _, n), (_, nc, _, ct, _) in raw.items()
                   if n == function and (suffix is None or f.replace(os.sep, "/").endswith("/" + suffix))]
        stages.append({"stage": label, "seconds": sum(m[0] for m in matches) if matches else None,
                       "calls": sum(m[1] for m in matches) if matches else None})
    return {"total": total, "top": rows[:top], "stages": stages}


def profile_findings(p: Dict[str, Any], scale: Optional[Dict[str, Any]] = None) -> List[str]:
    """A few sentences on the profile: which stage costs what share."""
    stage = {x["stage"]: x for x in p["stages"]}
    total = p["total"] or 1

    def get(prefix: str) -> Tuple[Optional[float], Optional[int]]:
        for name, x in stage.items():
            if name.lstrip("- ").startswith(prefix):
                return x["seconds"], x.get("calls")
        return None, None

    out = []
    pre, files = get("prefilter")
    if pre is not None:
        line = f"The prefilter is {fmt_pct(pre / total)} of the run ({fmt_seconds(pre)} profiled) for {files:,} files"
        rp = (scale or {}).get("read_prefilter", {}).get("1x")
        if rp and rp.get("read"):
            line += (f"; unprofiled, in one process, it takes {fmt_seconds(rp['prefilter'])} against "
                     f"{fmt_seconds(rp['read'])} to read the same {rp['bytes'] / 1e6:.0f} MB "
                     f"({rp['prefilter'] / rp['read']:.0f}x), and lets {rp['passed']} files through")
        out.append(line + ".")
    ana, analyzed = get("analysis")
    if ana is not None:
        parse, _ = get("ast.parse")
        walk, _ = get("name resolution")
        calls, _ = get("SDK call")
        out.append(f"Analysis of the {analyzed:,} files past the prefilter is {fmt_pct(ana / total)} ({fmt_seconds(ana)}): "
                   f"ast.parse {fmt_seconds(parse)}, the name-resolution walk {fmt_seconds(walk)}, "
                   f"SDK call analysis {fmt_seconds(calls)}.")
    disc, _ = get("discovery")
    imp, _ = get("imports")
    rules, _ = get("rules")
    if disc is not None:
        out.append(f"Discovery (walk, excludes, .gitignore) is {fmt_pct(disc / total)} ({fmt_seconds(disc)}); imports "
                   f"{fmt_seconds(imp)} and loading the rules {fmt_seconds(rules)} are the fixed start-up cost.")
    return out


def _short(filename: str) -> str:
    filename = filename.replace(os.sep, "/")
    for marker in ("/credlint/", "/site-packages/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1] if marker != "/credlint/" else "credlint/" + filename.split(marker, 1)[1]
    return filename

