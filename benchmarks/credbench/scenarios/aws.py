"""Scenario 7 (issue 16): the AWS-heavy Python corpus (corpus.AWS_PY: the `.py`
files of 12 current sdists, botocore with its tests; corpus.AWS_SDIST: the same
sdists whole, JSON service models and all), cold, interleaved: credlint in text,
JSON and SARIF next to ruff (`--isolated`), and on the `.py` tree the slow
competitors of scenario 1 (skipped by --quick). What the report format costs is
the JSON or SARIF run over the text run of the same interleaving."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List

from .. import log
from ..bench import Bench, Scenario
from ..charts import Chart, bars_of, chart_link
from ..corpus import AWS_PY, AWS_SDIST
from ..procs import Command, alternate, run_timed
from ..stats import (STAT_HEADERS, Targets, fmt_ratio, fmt_seconds, markdown_table, median_wall, ratio, stat_row,
                     stats_of)
from ..tools import tool_env
from . import full

TARGET_VS_RUFF = 1.5  # credlint cold, in every format, <= 1.5x ruff
TARGET_FORMAT_VS_TEXT = 1.10  # JSON or SARIF <= 1.10x text
FORMATS = (("credlint", ()), ("credlint --format json", ("json",)), ("credlint --format sarif", ("sarif",)))
TREES = (("py", AWS_PY, "`.py` tree"), ("sdist", AWS_SDIST, "whole sdist tree"))
RUFF_ARGS = ("check", "--isolated", "--no-cache", "--select", "S105,S106,S107", "--exit-zero", "-q")


def commands(bench: Bench, src: Path) -> List[Command]:
    """credlint in the three formats, and ruff."""
    corpus = str(src)
    found = []
    for label, fmt in FORMATS:
        if fmt:
            argv = ("--no-cache", "--format", fmt[0], "--exit-zero", "-o", os.devnull, corpus)
        else:
            argv = ("--no-cache", "-q", "--exit-zero", corpus)
        found.append(Command(label, lambda i, a=argv: {"argv": bench.cl(*a), "env": bench.env()}))
    if bench.available("ruff"):
        found.append(Command("ruff", lambda i: {"argv": [bench.tool("ruff"), *RUFF_ARGS, corpus], "env": tool_env()}))
    return found


def sarif_results(bench: Bench, src: Path, tag: str) -> int:
    """How many results credlint's SARIF report of `src` holds (an untimed run: the
    formats must report the same findings)."""
    report = bench.out / f"{tag}credlint.sarif"
    run_timed(bench.cl("--no-cache", "--format", "sarif", "--exit-zero", "-o", str(report), str(src)), env=bench.env())
    data = json.loads(report.read_text())
    return sum(len(r.get("results", [])) for r in data.get("runs", []))


def run(bench: Bench) -> None:
    out: Dict[str, Any] = {"slow_skipped": bench.quick, "trees": {}}
    corpora = {key: bench.corpus_of(spec) for key, spec, _ in TREES}
    for key, spec, what in TREES:
        corpus = corpora[key]
        tag = f"aws-{key}-"
        bench.mark_load(f"7. AWS-heavy, {what.replace('`', '')}")
        log(f"scenario 7: AWS-heavy corpus, {what}, cold")
        verification = full.verify_fast(bench, corpus.src, tag, ruff_options=("--isolated",))
        verification["credlint"]["sarif_results"] = sarif_results(bench, corpus.src, tag)
        timed = commands(bench, corpus.src)
        slow = key == "py" and not bench.quick
        if slow:
            reps = {name: bench.slow_reps for name in full.SLOW_TOOLS}
            timed += [c for c in full.commands(bench, corpus.src, corpus.repo, reps, tag) if c.label in full.SLOW_TOOLS]
        runs = alternate(timed, bench.reps, f"aws {key}")
        if slow:
            verification.update(full.verify_slow(bench, corpus.src, corpus.repo, tag))
        for name, info in verification.items():
            log(f"verify: {name}: {info.get('files')} files, {info.get('findings')} findings")
        out["trees"][key] = {"stats": {label: stats_of(r) for label, r in runs.items()}, "verify": verification,
                             "corpus": spec.name}
    bench.store("aws", out)
    bench.dirs.cleanup()


def ratios(stats: Dict[str, Any]) -> Dict[str, Any]:
    """credlint's formats against ruff and against text, from one tree's stats."""
    text = median_wall(stats, "credlint")
    ruff = median_wall(stats, "ruff")
    out: Dict[str, Any] = {}
    for label, _ in FORMATS:
        out[label] = {"median": median_wall(stats, label), "vs_ruff": ratio(median_wall(stats, label), ruff),
                      "vs_text": ratio(median_wall(stats, label), text)}
    return out


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "aws" not in s:
        return out
    for key, _, what in TREES:
        tree = s["aws"]["trees"].get(key)
        if not tree:
            continue
        st = tree["stats"]
        name = f"7. AWS-heavy, {what.replace('`', '')}, cold"
        ruff = median_wall(st, "ruff")
        r = ratios(st)
        for label, _ in FORMATS:
            mine = r[label]["median"]
            vs = r[label]["vs_ruff"]
            measured = f"{fmt_seconds(mine)} vs {fmt_seconds(ruff)}: {fmt_ratio(vs)}"
            if key == "py":
                out.add(name, f"{label} <= {TARGET_VS_RUFF:g}x ruff", measured,
                        None if vs is None else vs <= TARGET_VS_RUFF)
            else:  # issue 16: the floor is the .py tree's; the whole tree is reported beside it
                out.add(name, f"{label} next to ruff (reported)",
                        measured + " (ruff reads the `.py` files only; credlint every file, JSON models and all)", None)
        for label, _ in FORMATS[1:]:
            vs = r[label]["vs_text"]
            out.add(name, f"{label} <= {TARGET_FORMAT_VS_TEXT:.2f}x text",
                    f"{fmt_seconds(r[label]['median'])} vs {fmt_seconds(r['credlint']['median'])}: {fmt_ratio(vs)}",
                    None if vs is None else vs <= TARGET_FORMAT_VS_TEXT)
        if key == "py":
            mine = median_wall(st, "credlint")
            for tool in full.SLOW_TOOLS:
                other = median_wall(st, tool)
                vs = ratio(mine, other)
                out.add(name, f"credlint faster than {tool}", f"{fmt_seconds(mine)} vs {fmt_seconds(other)}: "
                        f"{fmt_ratio(vs)}" + (" (skipped: --quick)" if other is None and s["aws"].get("slow_skipped")
                                              else ""), None if vs is None else vs < 1)
    return out


def _packages(manifest: Dict[str, Any]) -> str:
    return ", ".join(f"{p['name']} {p['version']} ({p['py_files']:,})" for p in manifest.get("packages", []))


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "aws" not in s:
        return lines
    w = lines.append
    corpora = results.get("corpora", {})
    aws = s["aws"]
    w("## 7. AWS-heavy Python corpus (issue 16), cold (no cache)")
    w("")
    py, sdist = corpora.get(AWS_PY.name, {}), corpora.get(AWS_SDIST.name, {})
    w("The sdists of these packages, from PyPI (sha256 checked against the index), with the number of `.py` files")
    w(f"each brings: {_packages(py)}. botocore's sdist brings its test suite; sqlalchemy's `test/` directory is left")
    w("out. Each tree is a git repository of its own.")
    w("")
    if py:
        w(f"- `.py` tree: {py['files']:,} files, {py['lines']:,} lines, {py['bytes'] / 1e6:.1f} MB.")
    if sdist:
        kinds = sdist.get("kinds", {})
        w(f"- whole sdist tree: {sdist['files']:,} files, {sdist['lines']:,} lines, {sdist['bytes'] / 1e6:.1f} MB "
          "(every file of the sdists but their own `.gitignore`s); by kind: "
          + ", ".join(f"{k} {v['files']:,} files / {v['bytes'] / 1e6:.1f} MB" for k, v in kinds.items()) + ". "
          "credlint reads the files it does not skip as binary (by suffix: `.mo`, images...) or exclude by default; "
          "ruff reads the `.py` files.")
    w("")
    if charts(results):
        w(chart_link("aws-py", "Full scan of the AWS-heavy .py tree, cold: median seconds"))
        w("")
    w("Commands, as timed (credlint gets a fresh `CREDLINT_CACHE_DIR` per run, holding only its rule index):")
    w("")
    w("```sh")
    w("credlint --no-cache -q --exit-zero <tree>")
    w("credlint --no-cache --format json --exit-zero -o /dev/null <tree>")
    w("credlint --no-cache --format sarif --exit-zero -o /dev/null <tree>")
    w("ruff check --isolated --no-cache --select S105,S106,S107 --exit-zero -q <tree>   # reads the .py files only")
    w("# .py tree only, as in scenario 1 (" + ("skipped: --quick" if aws.get("slow_skipped") else
                                               "--slow-reps repetitions") + "): bandit, detect-secrets, semgrep")
    w("```")
    w("")
    for key, _, what in TREES:
        tree = aws["trees"].get(key)
        if not tree:
            continue
        st = tree["stats"]
        mine = median_wall(st, "credlint")
        w(f"### {what[0].upper() + what[1:]}")
        w("")
        w(markdown_table(STAT_HEADERS, [stat_row(label, stat, mine) for label, stat in st.items()]))
        w("")
        r = ratios(st)
        w(markdown_table(["credlint", "median", "vs ruff", "vs text (the format's cost)"], [
            [label, fmt_seconds(v["median"]), fmt_ratio(v["vs_ruff"]), fmt_ratio(v["vs_text"])]
            for label, v in r.items()]))
        w("")
        v = tree.get("verify", {})
        if v:
            cl = v.get("credlint", {})
            w(f"What each tool looked at and found (credlint's JSON and SARIF reports hold {cl.get('findings')} and "
              f"{cl.get('sarif_results')} findings):")
            w("")
            w(markdown_table(["tool", "files scanned", "findings", "by rule"], [
                [name, f"{info.get('files')}" + (f" ({info['files_note']})" if info.get("files_note") else ""),
                 str(info.get("findings")), ", ".join(f"{k} {n}" for k, n in info.get("by_rule", {}).items())]
                for name, info in v.items()]))
            w("")
    return lines


def charts(results: Dict[str, Any]) -> List[Chart]:
    """charts/aws-py.svg: the tools' medians on the AWS-heavy `.py` tree."""
    tree = results.get("scenarios", {}).get("aws", {}).get("trees", {}).get("py")
    if not tree:
        return []
    c = results.get("corpora", {}).get(AWS_PY.name, {})
    subtitle = (f"AWS-heavy corpus: {c.get('files', 0):,} .py files, {c.get('lines', 0):,} lines "
                "(django, botocore and its tests, boto3, sqlalchemy, ...)")
    bars = bars_of(tree["stats"], full.CHART_TOOLS)
    return [Chart("aws-py", "Hardcoded-credential scan of an AWS-heavy Python corpus, cold", subtitle, bars)] if bars else []


SCENARIO = Scenario("aws", run, targets, render, charts)
