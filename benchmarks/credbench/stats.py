"""Pure helpers: summaries of measurements, ratios, formatting, Markdown tables, the
linear fit behind the scaling verdict. Nothing here runs, reads or times anything
(tests/test_benchmarks.py tests them)."""
from __future__ import annotations

import statistics
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple


def summarize(values: Sequence[Optional[float]]) -> Dict[str, Any]:
    """median, min, max and n of a list of measurements (None if empty)."""
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    """a / b, or None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_seconds(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    if value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def fmt_ratio(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def fmt_mb(kb: Optional[float]) -> str:
    return "n/a" if kb is None else f"{kb / 1024:.0f} MB"


def fmt_pct(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def verdict(ok: Optional[bool]) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    rows = [["" if c is None else str(c) for c in row] for row in rows]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(out)


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> Tuple[float, float]:
    """Least squares y = a + b*x: (a, b)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b


def scaling_verdict(scales: Sequence[int], times: Sequence[float], tolerance: float = 0.15) -> Dict[str, Any]:
    """Does time grow linearly (or better) with the corpus size? Linear means
    t(k) <= k * t(1) * (1 + tolerance) for every k, i.e. no superlinear term."""
    base_scale, base = scales[0], times[0]
    per_unit = [t / (s / base_scale) for s, t in zip(scales, times)]
    a, b = linear_fit([s / base_scale for s in scales], list(times))
    worst = max(p / base for p in per_unit) if base else None
    return {
        "per_unit": per_unit,
        "fixed": a,
        "per_corpus": b,
        "worst_per_unit_vs_1x": worst,
        "linear": worst is not None and worst <= 1 + tolerance,
    }


def count(items: Iterable[str]) -> Dict[str, int]:
    """How often each item occurs, sorted by item."""
    out: Dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return dict(sorted(out.items()))


# -- the timed runs of one command, summarized and shown ----------------------------------------


def stats_of(runs: Sequence[Any]) -> Dict[str, Any]:
    """The summary of a command's runs (procs.Run tuples) that results.json keeps."""
    out = {
        "wall": summarize([r.wall for r in runs]),
        "cpu": summarize([r.cpu for r in runs]),
        "maxrss_kb": max((r.maxrss_kb for r in runs), default=None),
        "other_cpu": summarize([r.other_cpu for r in runs]),
        "rcs": sorted({r.rc for r in runs}),
        "raw": [r._asdict() for r in runs],
    }
    timed_out = sum(1 for r in runs if getattr(r, "timed_out", False))
    if timed_out:  # runs stopped at their timeout: their wall time is a lower bound
        out["timed_out"] = timed_out
    return out


def median_wall(stats: Dict[str, Any], label: str) -> Optional[float]:
    """The median wall time of command `label` in a scenario's stats, if it ran."""
    entry = stats.get(label)
    return entry["wall"]["median"] if entry else None


STAT_HEADERS = ["command", "median", "min", "max", "n", "CPU (median)", "peak RSS, largest process",
                "others' CPU (max)", "credlint / this"]


def stat_row(label: str, st: Dict[str, Any], reference: Optional[float], extra: Sequence[str] = ()) -> List[str]:
    """A row under STAT_HEADERS; the last column is `reference` (credlint's median) over this median."""
    w = st["wall"]
    other = st.get("other_cpu") or {}
    n = f"{w['n']} ({st['timed_out']} did not finish)" if st.get("timed_out") else str(w["n"])
    return [label, fmt_seconds(w["median"]), fmt_seconds(w["min"]), fmt_seconds(w["max"]), n,
            fmt_seconds(st["cpu"]["median"]), fmt_mb(st["maxrss_kb"]), fmt_pct(other.get("max")),
            fmt_ratio(ratio(reference, w["median"])) if reference is not None else "", *extra]


def target(scenario: str, name: str, measured: str, ok: Optional[bool]) -> Dict[str, Any]:
    """One row of the targets table (ok None: not measured)."""
    return {"scenario": scenario, "target": name, "measured": measured, "ok": ok}


class Targets(list):
    """The rows of the targets table that one scenario judges."""

    def add(self, scenario: str, name: str, measured: str, ok: Optional[bool]) -> None:
        self.append(target(scenario, name, measured, ok))
