"""Scenario 3: the pre-commit shape. Five real files of 200-400 lines as the hook
gets them: (a) none triggers a rule, (b) one also holds a planted key; credlint
next to detect-secrets-hook (and ruff, for reference)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

from .. import log
from ..bench import Bench, Scenario
from ..childscripts import UNTRIGGERED
from ..corpus import make_repo, planted_snippet
from ..procs import Command, alternate, capture, run_timed
from ..stats import (STAT_HEADERS, Targets, fmt_ratio, fmt_seconds, markdown_table, median_wall, ratio, stat_row,
                     stats_of)
from ..tools import tool_env

TARGET_PRECOMMIT_CLEAN_S = 0.100
TARGET_PRECOMMIT_FINDING_S = 0.400


def pick_files(bench: Bench) -> List[Path]:
    """Five real corpus files of 200-400 lines that contain no trigger of any
    credlint rule (credlint's own prefilter decides), one from each of five
    packages, chosen deterministically."""
    candidates = []
    for path in sorted(bench.corpus.rglob("*.py")):
        if ".git" in path.parts:
            continue
        data = path.read_bytes()
        if 200 <= data.count(b"\n") <= 400 and b"test" not in path.name.encode():
            candidates.append(str(path))
    clean = json.loads(capture([bench.credlint["python"], "-c", UNTRIGGERED], cwd=str(bench.out),
                               input_bytes=json.dumps(candidates).encode(), env=bench.env()))
    by_package: Dict[str, List[str]] = {}
    for path in clean:
        by_package.setdefault(Path(path).relative_to(bench.corpus).parts[0], []).append(path)
    chosen = []
    for package in sorted(by_package, key=lambda p: -len(by_package[p])):
        files = by_package[package]
        chosen.append(Path(files[len(files) // 2]))
        if len(chosen) == 5:
            break
    if len(chosen) < 5:
        raise RuntimeError("not enough untriggered 200-400 line files in the corpus")
    return chosen


def commands(bench: Bench, names: List[str], cwd: str) -> List[Command]:
    """What pre-commit runs, with the file names it passes, in the repository."""
    env = tool_env()
    found = [Command("credlint", lambda i: {
        "argv": bench.cl("--force-exclude", *names), "env": bench.env(), "cwd": cwd})]
    if bench.available("detect-secrets"):
        found.append(Command("detect-secrets-hook", lambda i: {
            "argv": [bench.tool("detect-secrets-hook"), *names], "env": env, "cwd": cwd}))
    if bench.available("ruff"):
        found.append(Command("ruff (reference)", lambda i: {
            "argv": [bench.tool("ruff"), "check", "--no-cache", "--force-exclude", "--select",
                     "S105,S106,S107", "-q", *names], "env": env, "cwd": cwd}))
    return found


def run(bench: Bench) -> None:
    bench.mark_load("3. pre-commit")
    log("scenario 3: pre-commit shape (5 files)")
    base = bench.fresh_dir("precommit")
    chosen = pick_files(bench)
    sets = {"clean": base / "clean", "finding": base / "finding"}
    files: Dict[str, List[str]] = {}
    for kind, directory in sets.items():
        directory.mkdir(parents=True)
        names = []
        for i, source in enumerate(chosen):
            rel = Path(source).relative_to(bench.corpus)
            name = f"{i + 1}_{rel.parts[0].split('-')[0].lower()}_{rel.name}"
            data = source.read_text(encoding="utf-8")
            if kind == "finding" and i == len(chosen) - 1:
                data += planted_snippet()
            (directory / name).write_text(data, encoding="utf-8")
            names.append(name)
        make_repo(directory)
        files[kind] = names
    lines = {kind: [(sets[kind] / n).read_bytes().count(b"\n") for n in names] for kind, names in files.items()}
    out: Dict[str, Any] = {"files": {k: [str(Path(p).relative_to(bench.corpus)) for p in chosen] for k in ("source",)},
                           "lines": lines}
    for kind, directory in sets.items():
        timed = commands(bench, files[kind], str(directory))
        for command in timed:  # warm-up (pyc, page cache), untimed
            run_timed(**command.make(0))
        runs = alternate(timed, max(bench.reps * 2, 5), f"pre-commit {kind}")
        out[kind] = {label: stats_of(r) for label, r in runs.items()}
    bench.store("precommit", out)
    bench.dirs.cleanup()


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "precommit" not in s:
        return out
    pc = s["precommit"]
    clean = median_wall(pc.get("clean", {}), "credlint")
    out.add("3a. pre-commit, 5 clean files", f"<= {fmt_seconds(TARGET_PRECOMMIT_CLEAN_S)}", fmt_seconds(clean),
            None if clean is None else clean <= TARGET_PRECOMMIT_CLEAN_S)
    found = median_wall(pc.get("finding", {}), "credlint")
    out.add("3b. pre-commit, 1 finding", f"<= {fmt_seconds(TARGET_PRECOMMIT_FINDING_S)}", fmt_seconds(found),
            None if found is None else found <= TARGET_PRECOMMIT_FINDING_S)
    hook = median_wall(pc.get("finding", {}), "detect-secrets-hook")
    r = ratio(found, hook)
    out.add("3b. pre-commit, 1 finding", "faster than detect-secrets-hook",
            f"{fmt_seconds(found)} vs {fmt_seconds(hook)}: {fmt_ratio(r)}", None if r is None else r < 1)
    return out


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "precommit" not in s:
        return lines
    w = lines.append
    pc = s["precommit"]
    w("## 3. Pre-commit shape: 5 files of 200-400 lines")
    w("")
    w("Real corpus files with no trigger of any credlint rule (credlint's prefilter decides), one per package:")
    w(", ".join(f"`{p}`" for p in pc["files"]["source"]) + f"; lines: {pc['lines']['clean']}. In (b) the last one")
    w("also holds a planted `boto3.client(\"s3\", aws_access_key_id=..., aws_secret_access_key=...)` with a")
    w("fabricated key. Each set is a git repository; commands run in it with the file names as pre-commit passes")
    w("them: `credlint --force-exclude <files>` (the hook's entry, results cache on, a fresh cache directory per")
    w("run: changed files are cache misses), `detect-secrets-hook <files>`,")
    w("`ruff check --no-cache --force-exclude --select S105,S106,S107 -q <files>`. Exit codes are shown: 1 means")
    w("the tool reported something.")
    w("")
    for kind, title in (("clean", "(a) no file contains a trigger"), ("finding", "(b) one file holds a finding")):
        if kind not in pc:
            continue
        mine = median_wall(pc[kind], "credlint")
        w(f"### {title}")
        w("")
        w(markdown_table(STAT_HEADERS + ["exit codes"], [
            stat_row(label, stat, mine, [",".join(map(str, stat["rcs"]))]) for label, stat in pc[kind].items()]))
        w("")
    return lines


SCENARIO = Scenario("precommit", run, targets, render)
