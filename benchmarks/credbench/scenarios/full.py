"""Scenario 1: the full corpus, cold (no cache), credlint next to ruff, bandit,
detect-secrets and semgrep, interleaved; and what each of them scanned and found.

The pieces take the corpus as an argument (commands, verify_fast, verify_slow), so
that a scenario on another corpus can reuse them."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

from .. import SEMGREP_RULES, log
from ..bench import Bench, Scenario
from ..charts import Chart, bars_of, chart_link
from ..procs import Command, alternate, capture, run_timed
from ..stats import (STAT_HEADERS, Targets, count, fmt_ratio, fmt_seconds, markdown_table, median_wall, ratio,
                     stat_row, stats_of)
from ..tools import tool_env

TARGET_COLD_VS_RUFF = 2.0  # credlint cold <= 2x ruff
SLOW_TOOLS = ("bandit", "detect-secrets", "semgrep")  # minutes per run: --slow-reps repetitions


def semgrep_argv(bench: Bench, target: str, *extra: str) -> List[str]:
    return [bench.tool("semgrep"), "scan", "--config", str(SEMGREP_RULES), "--metrics=off",
            "--disable-version-check", "-q", "--jobs", str(bench.ncpu), *extra, target]


def commands(bench: Bench, src: Path, repo: Path, slow: Dict[str, int], tag: str = "") -> List[Command]:
    """The timed commands. The slow competitors write their machine-readable
    report to a file (as cheap as /dev/null) so that their timed runs also
    tell what they scanned and found: a separate run of each would cost
    minutes. `tag` prefixes the reports' names (in bench.out)."""
    corpus, cwd, out = str(src), str(repo), bench.out
    found = [
        Command("credlint", lambda i: {"argv": bench.cl("--no-cache", "-q", "--exit-zero", corpus),
                                       "env": bench.env()}),
        Command("credlint (rule index not built yet)", lambda i: {
            "argv": bench.cl("--no-cache", "-q", "--exit-zero", corpus), "env": bench.env(primed=False)}),
    ]
    env = tool_env()
    if bench.available("ruff"):
        found.append(Command("ruff", lambda i: {
            "argv": [bench.tool("ruff"), "check", "--no-cache", "--select", "S105,S106,S107", "--exit-zero",
                     "-q", corpus], "env": env}))
    if bench.available("bandit"):
        found.append(Command("bandit", lambda i: {
            "argv": [bench.tool("bandit"), "-q", "-r", corpus, "-t", "B105,B106,B107", "-f", "json",
                     "-o", str(out / f"{tag}bandit-{i}.json")], "env": env}, slow.get("bandit")))
    if bench.available("detect-secrets"):
        found.append(Command("detect-secrets", lambda i: {
            "argv": [bench.tool("detect-secrets"), "scan", corpus], "env": env, "cwd": cwd,
            "stdout": str(out / f"{tag}detect-secrets-{i}.json")}, slow.get("detect-secrets")))
    if bench.available("semgrep"):
        found.append(Command("semgrep", lambda i: {
            "argv": semgrep_argv(bench, corpus, "--json", "--output", str(out / f"{tag}semgrep-{i}.json")),
            "env": env, "cwd": cwd}, slow.get("semgrep")))
    return found


def verify_fast(bench: Bench, src: Path, tag: str = "", ruff_options: Tuple[str, ...] = ()) -> Dict[str, Any]:
    """An untimed run of credlint and ruff (with `ruff_options` too, as timed)
    with machine-readable output: how many files each looked at and what it
    found (proof that it did the work; also a warm-up: page cache, pyc files)."""
    corpus = str(src)
    env = tool_env()
    out: Dict[str, Any] = {}
    text = bench.out / f"{tag}credlint.txt"
    report = bench.out / f"{tag}credlint.json"
    run_timed(bench.cl("--no-cache", "--exit-zero", "--no-show-source", "--format", "json", "--output", str(report),
                       corpus), env=bench.env(), stdout=str(text))
    summary = text.read_text(errors="replace")
    findings = json.loads(report.read_text())
    m = re.search(r"in (\d+) of (\d+) files", summary) or re.search(r"(\d+) files", summary)
    out["credlint"] = {"files": int(m.group(m.lastindex)) if m else None, "findings": len(findings),
                       "by_rule": count(f["rule"] for f in findings)}
    if bench.available("ruff"):
        ruff = bench.tool("ruff")
        listing = capture([ruff, "check", *ruff_options, "--no-cache", "--show-files", "--select", "S105,S106,S107",
                           corpus], env=env)
        report = bench.out / f"{tag}ruff.json"
        run_timed([ruff, "check", *ruff_options, "--no-cache", "--select", "S105,S106,S107", "--exit-zero",
                   "--output-format", "json", "-o", str(report), corpus], env=env)
        findings = json.loads(report.read_text() or "[]")
        out["ruff"] = {"files": sum(1 for line in listing.splitlines() if line.strip().endswith(".py")),
                       "findings": len(findings), "by_rule": count(f["code"] or "syntax-error" for f in findings)}
    return out


def verify_slow(bench: Bench, src: Path, repo: Path, tag: str = "") -> Dict[str, Any]:
    """What bandit, detect-secrets and semgrep scanned and found, from the
    report of their first timed run."""
    out: Dict[str, Any] = {}
    report = bench.out / f"{tag}bandit-0.json"
    if report.exists():
        data = json.loads(report.read_text())
        out["bandit"] = {"files": len([k for k in data.get("metrics", {}) if k != "_totals"]),
                         "findings": len(data.get("results", [])),
                         "by_rule": count(r["test_id"] for r in data.get("results", [])),
                         "errors": len(data.get("errors", []))}
    report = bench.out / f"{tag}detect-secrets-0.json"
    if report.exists():
        data = json.loads(report.read_text())
        secrets = [x for items in data.get("results", {}).values() for x in items]
        tracked = sum(1 for line in capture(["git", "ls-files", "--", str(src)], cwd=str(repo)
                                            ).splitlines() if line.strip())
        out["detect-secrets"] = {"files": tracked, "files_note": "the repository's tracked files under it",
                                 "findings": len(secrets), "by_rule": count(x["type"] for x in secrets)}
    report = bench.out / f"{tag}semgrep-0.json"
    if report.exists():
        data = json.loads(report.read_text())
        results = data.get("results", [])
        out["semgrep"] = {"files": len(data.get("paths", {}).get("scanned", [])), "findings": len(results),
                          "by_rule": count(r["check_id"].rsplit(".", 1)[-1] for r in results),
                          "errors": len(data.get("errors", []))}
    return out


def measure(bench: Bench, src: Path, repo: Path, title: str = "full scan", tag: str = "") -> Dict[str, Any]:
    """The full scan of one corpus: {"stats": {label: stats}, "verify": {tool: what it scanned and found}}."""
    verification = verify_fast(bench, src, tag)
    slow = {name: bench.slow_reps for name in SLOW_TOOLS}
    runs = alternate(commands(bench, src, repo, slow, tag), bench.reps, title)
    verification.update(verify_slow(bench, src, repo, tag))
    for name, info in verification.items():
        log(f"verify: {name}: {info.get('files')} files, {info.get('findings')} findings")
    return {"stats": {label: stats_of(r) for label, r in runs.items()}, "verify": verification}


def run(bench: Bench) -> None:
    bench.mark_load("1. full scan")
    log("scenario 1: full corpus, cold")
    bench.store("full", measure(bench, bench.corpus, bench.repo))


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "full" not in s:
        return out
    st = s["full"]["stats"]
    mine = median_wall(st, "credlint")
    ruff = median_wall(st, "ruff")
    r = ratio(mine, ruff)
    out.add("1. full scan, cold", f"credlint <= {TARGET_COLD_VS_RUFF:g}x ruff",
            f"{fmt_seconds(mine)} vs {fmt_seconds(ruff)}: {fmt_ratio(r)}",
            None if r is None else r <= TARGET_COLD_VS_RUFF)
    for tool in ("bandit", "detect-secrets", "semgrep"):
        other = median_wall(st, tool)
        r = ratio(mine, other)
        out.add("1. full scan, cold", f"credlint faster than {tool}",
                f"{fmt_seconds(mine)} vs {fmt_seconds(other)}: {fmt_ratio(r)}", None if r is None else r < 1)
    return out


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "full" not in s:
        return lines
    w = lines.append
    m = results["machine"]
    st = s["full"]["stats"]
    mine = median_wall(st, "credlint")
    w("## 1. Full scan of the corpus, cold (no cache)")
    w("")
    if charts(results):
        w(chart_link("python", "Full scan of the Python corpus, cold: median seconds"))
        w("")
    w(markdown_table(STAT_HEADERS, [stat_row(label, stat, mine) for label, stat in st.items()]))
    w("")
    w("Commands, as timed (`<corpus>` is `.cache/corpus/src`; detect-secrets and semgrep run in the corpus")
    w("repository; credlint gets a fresh `CREDLINT_CACHE_DIR` per run, holding only the signed rule index that")
    w("the first run after installing builds, and none for the second row):")
    w("")
    w("```sh")
    w("credlint --no-cache -q --exit-zero <corpus>")
    w("ruff check --no-cache --select S105,S106,S107 --exit-zero -q <corpus>")
    w("bandit -q -r <corpus> -t B105,B106,B107 -f json -o <report.json>")
    w("detect-secrets scan <corpus> > <report.json>                 # all plugins, default filters")
    w("semgrep scan --config benchmarks/semgrep-aws-credentials.yaml --metrics=off --disable-version-check -q \\")
    w(f"    --jobs {m.get('cpus_usable', 'N')} --json --output <report.json> <corpus>")
    w("```")
    w("")
    v = s["full"].get("verify", {})
    if v:
        w("What each tool looked at and found (credlint and ruff: an untimed run with JSON output; the others:")
        w("the JSON report of their first timed run):")
        w("")
        w(markdown_table(["tool", "files scanned", "findings", "by rule"], [
            [name, f"{info.get('files')}" + (f" ({info['files_note']})" if info.get("files_note") else ""),
             str(info.get("findings")), ", ".join(f"{k} {n}" for k, n in info.get("by_rule", {}).items())]
            for name, info in v.items()]))
        w("")
    return lines


CHART_TOOLS = (("credlint", "credlint"), ("ruff", "ruff"), ("semgrep", "semgrep"),
               ("detect-secrets", "detect-secrets"), ("bandit", "bandit"))


def charts(results: Dict[str, Any]) -> List[Chart]:
    """charts/python.svg: the tools' medians on the Python corpus."""
    s = results.get("scenarios", {})
    if "full" not in s:
        return []
    c = results.get("corpus") or {}
    subtitle = (f"Python corpus: {c.get('files', 0):,} .py files, {c.get('lines', 0):,} lines "
                "(django, botocore, boto3, sqlalchemy, celery, scrapy, awscli, ...)")
    bars = bars_of(s["full"]["stats"], CHART_TOOLS)
    return [Chart("python", "Hardcoded-credential scan of a Python corpus, cold", subtitle, bars)] if bars else []


SCENARIO = Scenario("full", run, targets, render, charts)
