"""Scenario 8 (issue 12): the JavaScript/TypeScript corpus (corpus.JS: published npm
packages, about 1M lines of .js/.mjs/.cjs/.ts/.tsx), cold, interleaved: credlint
next to the tools JS users pick (secretlint with its recommended preset, ESLint
with eslint-plugin-no-secrets, semgrep with local AWS rules for JS/TS) and oxlint
as the speed reference; and credlint on the Python corpus in the same
interleaving, for its cost per line in each language."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

from .. import BENCH_DIR, log
from ..bench import Bench, Scenario
from ..charts import Chart, bars_of, chart_link
from ..corpus import JS, Corpus
from ..jstools import setup_js_tools
from ..procs import Command, alternate, capture, run_timed
from ..stats import (STAT_HEADERS, Targets, count, fmt_ratio, fmt_seconds, markdown_table, median_wall, ratio,
                     stat_row, stats_of)
from ..tools import tool_env

SEMGREP_JS_RULES = BENCH_DIR / "semgrep-aws-credentials-js.yaml"
# typescript.js is 9.1 MB: over credlint's default --max-file-size (5 MB, for generated
# bundles). Raised, so that credlint reads the files the others read.
MAX_FILE_SIZE_MB = "16"
COMPETITORS = ("secretlint", "eslint-no-secrets", "semgrep")  # the floors: credlint faster than each
SLOW = ("eslint-no-secrets", "semgrep")  # a minute or more per run: --slow-reps repetitions
PY_REFERENCE = "credlint, Python corpus (per-line reference)"
CHART_TOOLS = (("credlint", "credlint"), ("oxlint", "oxlint"), ("secretlint", "secretlint"),
               ("eslint-no-secrets", "eslint-no-secrets"), ("semgrep", "semgrep"))


def credlint_argv(bench: Bench, target: str) -> List[str]:
    return bench.cl("--no-cache", "-q", "--exit-zero", "--max-file-size", MAX_FILE_SIZE_MB, target)


def secretlint_argv(bench: Bench, *targets: str) -> List[str]:
    return [bench.tool("secretlint"), "--secretlintrc", bench.tools["secretlint"]["config"], *targets]


def eslint_argv(bench: Bench, *targets: str) -> List[str]:
    return [bench.tool("eslint-no-secrets"), "--config", bench.tools["eslint-no-secrets"]["config"], *targets]


def semgrep_argv(bench: Bench, *extra: str) -> List[str]:
    # --max-target-bytes 0: no size limit (semgrep skips files over 1 MB by default, typescript.js among them)
    return [bench.tool("semgrep"), "scan", "--config", str(SEMGREP_JS_RULES), "--metrics=off",
            "--disable-version-check", "-q", "--jobs", str(bench.ncpu), "--max-target-bytes", "0", *extra]


def commands(bench: Bench, corpus: Corpus) -> List[Command]:
    """The timed commands, in the corpus repository (`src` is the tree). secretlint,
    ESLint and semgrep write their reports to files (what they found is read from
    the first); credlint and oxlint print to /dev/null."""
    cwd, out, env = str(corpus.repo), bench.out, tool_env()
    slow = bench.slow_reps
    found = [Command("credlint", lambda i: {"argv": credlint_argv(bench, "src"), "env": bench.env(), "cwd": cwd}),
             Command(PY_REFERENCE, lambda i: {"argv": credlint_argv(bench, str(bench.corpus)), "env": bench.env()})]
    if bench.available("oxlint"):
        found.append(Command("oxlint", lambda i: {"argv": [bench.tool("oxlint"), "src"], "env": env, "cwd": cwd}))
    if bench.available("secretlint"):
        found.append(Command("secretlint", lambda i: {
            "argv": secretlint_argv(bench, "--output", str(out / f"js-secretlint-{i}.txt"), "src/**/*"),
            "env": env, "cwd": cwd}))
    if bench.available("eslint-no-secrets"):
        found.append(Command("eslint-no-secrets", lambda i: {
            # --concurrency: ESLint's worker threads (off by default), one per CPU as semgrep's --jobs
            "argv": eslint_argv(bench, "--concurrency", str(bench.ncpu), "--format", "json", "--output-file",
                                str(out / f"js-eslint-{i}.json"), "src"),
            "env": env, "cwd": cwd}, slow))
    if bench.available("semgrep"):
        found.append(Command("semgrep", lambda i: {
            "argv": semgrep_argv(bench, "--json", "--output", str(out / f"js-semgrep-{i}.json"), "src"),
            "env": env, "cwd": cwd}, slow))
    return found


def verify_fast(bench: Bench, corpus: Corpus) -> Dict[str, Any]:
    """Untimed runs of credlint (JSON report) and oxlint (JSON): how many files
    each looked at and what it found; also the warm-up (page cache)."""
    out: Dict[str, Any] = {}
    text, report = bench.out / "js-credlint.txt", bench.out / "js-credlint.json"
    run_timed(bench.cl("--no-cache", "--exit-zero", "--no-show-source", "--max-file-size", MAX_FILE_SIZE_MB,
                       "--format", "json", "--output", str(report), "src"), env=bench.env(), cwd=str(corpus.repo),
              stdout=str(text))
    summary = text.read_text(errors="replace")
    findings = json.loads(report.read_text())
    m = re.search(r"in (\d+) of (\d+) files", summary) or re.search(r"(\d+) files", summary)
    out["credlint"] = {"files": int(m.group(m.lastindex)) if m else None, "findings": len(findings),
                       "by_rule": count(f["rule"] for f in findings)}
    if bench.available("oxlint"):
        data = json.loads(capture([bench.tool("oxlint"), "--format", "json", "src"], env=tool_env(),
                                  cwd=str(corpus.repo), check=False) or "{}")
        diagnostics = data.get("diagnostics", [])
        out["oxlint"] = {"files": data.get("number_of_files"), "findings": len(diagnostics),
                         "by_rule": {"(default correctness rules)": len(diagnostics)},
                         "files_note": f"{data.get('number_of_rules')} rules, {data.get('threads_count')} threads"}
    return out


STYLISH_PROBLEM = re.compile(r"^\s+\d+:\d+\s+(?:error|warning|info)\s+.*?(\S+)\s*$")


def parse_secretlint(text: str) -> Dict[str, Any]:
    """secretlint's default (stylish) report: a line per file with findings, then
    `  line:col  error  message  rule`."""
    files = [line for line in text.splitlines() if line.startswith("/")]
    rules = [m.group(1) for m in map(STYLISH_PROBLEM.match, text.splitlines()) if m]
    return {"files_with_findings": len(files), "findings": len(rules), "by_rule": count(rules)}


def verify_slow(bench: Bench, corpus: Corpus) -> Dict[str, Any]:
    """What secretlint, ESLint and semgrep scanned and found, from the report of their first timed run."""
    out: Dict[str, Any] = {}
    tracked = sum(1 for line in capture(["git", "ls-files", "--", "src"], cwd=str(corpus.repo)).splitlines()
                  if line.strip())
    report = bench.out / "js-secretlint-0.txt"
    if report.exists():
        parsed = parse_secretlint(report.read_text(errors="replace"))
        out["secretlint"] = {"files": tracked, "files_note": "the files `src/**/*` matches", **parsed}
    report = bench.out / "js-eslint-0.json"
    if report.exists():
        data = json.loads(report.read_text() or "[]")
        messages = [m for f in data for m in f.get("messages", [])]
        out["eslint-no-secrets"] = {
            "files": len(data), "findings": len(messages),
            "by_rule": count(m.get("ruleId") or ("parse error" if m.get("fatal") else "(none)") for m in messages),
            "errors": sum(f.get("fatalErrorCount", 0) for f in data)}
    report = bench.out / "js-semgrep-0.json"
    if report.exists():
        data = json.loads(report.read_text())
        results = data.get("results", [])
        out["semgrep"] = {"files": len(data.get("paths", {}).get("scanned", [])), "findings": len(results),
                          "by_rule": count(r["check_id"].rsplit(".", 1)[-1] for r in results),
                          "errors": len(data.get("errors", []))}
    return out


def run(bench: Bench) -> None:
    corpus = bench.corpus_of(JS)
    bench.tools.update(setup_js_tools(bench.cache / "js-tools"))
    for name in ("secretlint", "eslint-no-secrets", "oxlint"):
        log(f"{name}: {bench.tools[name].get('version') or bench.tools[name].get('error')}")
    bench.mark_load("8. JS/TS corpus")
    log("scenario 8: JavaScript/TypeScript corpus, cold")
    verification = verify_fast(bench, corpus)
    runs = alternate(commands(bench, corpus), bench.reps, "js")
    verification.update(verify_slow(bench, corpus))
    for name, info in verification.items():
        log(f"verify: {name}: {info.get('files')} files, {info.get('findings')} findings")
    bench.store("js", {"stats": {label: stats_of(r) for label, r in runs.items()}, "verify": verification,
                       "python_lines": bench.corpus_info["lines"], "js_lines": corpus.manifest["lines"]})
    bench.dirs.cleanup()


def per_kline_ms(seconds: Optional[float], lines: Optional[int]) -> Optional[float]:
    """Milliseconds per 1,000 lines."""
    if seconds is None or not lines:
        return None
    return seconds * 1000 / (lines / 1000)


def per_line(results: Dict[str, Any]) -> Dict[str, Optional[float]]:
    js = results["scenarios"]["js"]
    st = js["stats"]
    mine = per_kline_ms(median_wall(st, "credlint"), js.get("js_lines"))
    python = per_kline_ms(median_wall(st, PY_REFERENCE), js.get("python_lines"))
    return {"js": mine, "python": python, "ratio": ratio(mine, python)}


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "js" not in s:
        return out
    st = s["js"]["stats"]
    mine = median_wall(st, "credlint")
    for tool in COMPETITORS:
        other = median_wall(st, tool)
        r = ratio(mine, other)
        out.add("8. JS/TS corpus, cold", f"credlint faster than {tool}",
                f"{fmt_seconds(mine)} vs {fmt_seconds(other)}: {fmt_ratio(r)}", None if r is None else r < 1)
    pl = per_line(results)
    out.add("8. JS/TS corpus, cold", "credlint's cost per line <= on the Python corpus",
            (f"{pl['js']:.2f} vs {pl['python']:.2f} ms per 1k lines: {fmt_ratio(pl['ratio'])}"
             if pl["ratio"] is not None else "n/a"), None if pl["ratio"] is None else pl["ratio"] <= 1)
    return out


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "js" not in s:
        return lines
    w = lines.append
    js = s["js"]
    st = js["stats"]
    c = results.get("corpora", {}).get(JS.name, {})
    mine = median_wall(st, "credlint")
    w("## 8. JavaScript/TypeScript corpus (issue 12), cold (no cache)")
    w("")
    if c:
        w(f"{c['files']:,} files, {c['lines']:,} lines, {c['bytes'] / 1e6:.1f} MB of "
          + ", ".join(f"{k} ({v['files']:,} files, {v['lines']:,} lines)" for k, v in c.get("kinds", {}).items())
          + ": the files of these npm packages (registry tarballs, checked against `dist.integrity`), in a git")
        w("repository of their own: " + ", ".join(f"{p['name']} {p['version']} ({p['lines']:,} lines)"
                                                  for p in c.get("packages", [])) + ".")
        w("aws-sdk v2: `lib/` and `clients/` without the generated `clients/*.d.ts` (and no `dist/` bundles);")
        w("typescript 5 (`typescript` 7 is the native port): `lib/typescript.js` (9.1 MB) and `lib/typescript.d.ts`;")
        w("rxjs and TanStack Query: their TypeScript sources, not the `dist/`/`build/` output; lodash without its two")
        w("`.min.js` (credlint and oxlint skip those by default: every tool gets the same files).")
        w("")
    if charts(results):
        w(chart_link("js", "Full scan of the JS/TS corpus, cold: median seconds"))
        w("")
    w(markdown_table(STAT_HEADERS, [stat_row(label, stat, mine) for label, stat in st.items()]))
    w("")
    pl = per_line(results)
    if pl["ratio"] is not None:
        w(f"credlint's cost per line, from the same interleaving: {pl['js']:.2f} ms per 1,000 lines on this corpus "
          f"({js['js_lines']:,} lines), {pl['python']:.2f} on the Python corpus of scenario 1 ({js['python_lines']:,} "
          f"lines): {fmt_ratio(pl['ratio'])}. Next to oxlint: {fmt_ratio(ratio(mine, median_wall(st, 'oxlint')))} "
          "(reference only).")
        w("")
    w("Commands, as timed, in the corpus repository (`src` is the tree; credlint gets a fresh")
    w("`CREDLINT_CACHE_DIR` per run, holding only its rule index). The tools' configuration files are those")
    w("written by `credbench/jstools.py` (secretlint's recommended preset; ESLint: eslint-plugin-no-secrets's")
    w("rule only, and @typescript-eslint/parser for .ts/.tsx):")
    w("")
    w("```sh")
    w(f"credlint --no-cache -q --exit-zero --max-file-size {MAX_FILE_SIZE_MB} src   # typescript.js is over the default 5 MB")
    w(f"credlint --no-cache -q --exit-zero --max-file-size {MAX_FILE_SIZE_MB} <Python corpus>   # the per-line reference")
    w("oxlint src                                                 # default rules (correctness), all threads")
    w("secretlint --secretlintrc .secretlintrc.json --output <report> 'src/**/*'")
    w(f"eslint --config eslint.config.mjs --concurrency {results['machine'].get('cpus_usable', 'N')} --format json "
      "--output-file <report.json> src")
    w(f"semgrep scan --config benchmarks/{SEMGREP_JS_RULES.name} --metrics=off --disable-version-check -q \\")
    w(f"    --jobs {results['machine'].get('cpus_usable', 'N')} --max-target-bytes 0 --json --output <report.json> src")
    w("```")
    w("")
    v = js.get("verify", {})
    if v:
        w("What each tool looked at and found (credlint and oxlint: an untimed run with JSON output; the others:")
        w("the report of their first timed run):")
        w("")
        w(markdown_table(["tool", "files scanned", "findings", "by rule"], [
            [name, f"{info.get('files')}" + (f" ({info['files_note']})" if info.get("files_note") else ""),
             str(info.get("findings")) + (f" ({info['errors']} errors)" if info.get("errors") else ""),
             ", ".join(f"{k} {n}" for k, n in info.get("by_rule", {}).items())]
            for name, info in v.items()]))
        w("")
    return lines


def charts(results: Dict[str, Any]) -> List[Chart]:
    """charts/js.svg: the tools' medians on the JS/TS corpus."""
    js = results.get("scenarios", {}).get("js")
    if not js:
        return []
    c = results.get("corpora", {}).get(JS.name, {})
    subtitle = (f"JS/TS corpus: {c.get('files', 0):,} .js/.mjs/.cjs/.ts/.tsx files, {c.get('lines', 0):,} lines "
                "(aws-sdk v2, @aws-sdk/client-*, typescript, lodash, rxjs, zod, ...)")
    bars = bars_of(js["stats"], CHART_TOOLS)
    return [Chart("js", "Hardcoded-credential scan of a JavaScript/TypeScript corpus, cold", subtitle, bars)] if bars else []


SCENARIO = Scenario("js", run, targets, render, charts)
