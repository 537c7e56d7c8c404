"""Scenario 9 (issue 12): the pre-commit shape on TypeScript. Five real `.ts` files of
200-400 lines from the JS/TS corpus, none of which triggers a credlint rule, as the
hook gets them: credlint next to secretlint (what a JS project's hook runs) and,
for reference, ESLint with eslint-plugin-no-secrets and oxlint. Modelled on
scenario 3 (precommit.py)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

from .. import log
from ..bench import Bench, Scenario
from ..childscripts import UNTRIGGERED
from ..corpus import JS, make_repo
from ..jstools import setup_js_tools
from ..procs import Command, alternate, capture, run_timed
from ..stats import STAT_HEADERS, Targets, fmt_seconds, markdown_table, median_wall, stat_row, stats_of
from ..tools import tool_env
from .js import eslint_argv, secretlint_argv

TARGET_CLEAN_S = 0.100


def candidates(src: Path) -> List[Path]:
    """The corpus's `.ts` files of 200-400 lines, not tests (as in scenario 3),
    sources before declarations (`.d.ts`), in a stable order."""
    found = []
    for path in sorted(src.rglob("*.ts")):
        if ".git" in path.parts or "test" in path.name:
            continue
        n = path.read_bytes().count(b"\n")
        if 200 <= n <= 400:
            found.append(path)
    return sorted(found, key=lambda p: (p.name.endswith(".d.ts"), str(p)))


def choose(clean: List[str], src: Path, n: int = 5) -> List[Path]:
    """`n` files, one per package (the packages with the most clean sources
    first), each the middle one of its package's clean files: sources
    (`.ts`) preferred to declarations (`.d.ts`)."""
    by_package: Dict[str, List[str]] = {}
    for path in clean:
        by_package.setdefault(Path(path).relative_to(src).parts[0], []).append(path)

    def rank(package: str) -> tuple:
        files = by_package[package]
        sources = [f for f in files if not f.endswith(".d.ts")]
        return (-len(sources), -len(files), package)

    chosen = []
    for package in sorted(by_package, key=rank):
        files = by_package[package]
        sources = [f for f in files if not f.endswith(".d.ts")] or files
        chosen.append(Path(sources[len(sources) // 2]))
        if len(chosen) == n:
            break
    return chosen


def commands(bench: Bench, names: List[str], cwd: str) -> List[Command]:
    """What pre-commit runs, with the file names it passes, in the repository."""
    env = tool_env()
    found = [Command("credlint", lambda i: {"argv": bench.cl("--force-exclude", *names), "env": bench.env(),
                                            "cwd": cwd})]
    if bench.available("secretlint"):
        found.append(Command("secretlint", lambda i: {"argv": secretlint_argv(bench, *names), "env": env, "cwd": cwd}))
    if bench.available("eslint-no-secrets"):
        found.append(Command("eslint-no-secrets (reference)", lambda i: {"argv": eslint_argv(bench, *names),
                                                                         "env": env, "cwd": cwd}))
    if bench.available("oxlint"):
        found.append(Command("oxlint (reference)", lambda i: {"argv": [bench.tool("oxlint"), *names], "env": env,
                                                              "cwd": cwd}))
    return found


def run(bench: Bench) -> None:
    corpus = bench.corpus_of(JS)
    if "secretlint" not in bench.tools:
        bench.tools.update(setup_js_tools(bench.cache / "js-tools"))
    bench.mark_load("9. pre-commit, .ts")
    log("scenario 9: pre-commit shape, 5 .ts files")
    found = [str(p) for p in candidates(corpus.src)]
    clean = json.loads(capture([bench.credlint["python"], "-c", UNTRIGGERED], cwd=str(bench.out),
                               input_bytes=json.dumps(found).encode(), env=bench.env()))
    chosen = choose(clean, corpus.src)
    if len(chosen) < 5:
        raise RuntimeError("not enough untriggered 200-400 line .ts files in the JS/TS corpus")
    directory = bench.fresh_dir("precommit-ts") / "clean"
    directory.mkdir(parents=True)
    names = []
    for i, source in enumerate(chosen):
        rel = source.relative_to(corpus.src)
        name = f"{i + 1}_{rel.parts[0].rsplit('-', 1)[0]}_{rel.name}"
        (directory / name).write_bytes(source.read_bytes())
        names.append(name)
    make_repo(directory)
    timed = commands(bench, names, str(directory))
    for command in timed:  # warm-up (page cache, the tools' own caches of compiled code), untimed
        run_timed(**command.make(0))
    runs = alternate(timed, max(bench.reps * 2, 5), "pre-commit .ts")
    bench.store("js-precommit", {"files": [str(p.relative_to(corpus.src)) for p in chosen],
                                 "lines": [(directory / n).read_bytes().count(b"\n") for n in names],
                                 "clean": {label: stats_of(r) for label, r in runs.items()}})
    bench.dirs.cleanup()


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "js-precommit" not in s:
        return out
    st = s["js-precommit"]["clean"]
    mine = median_wall(st, "credlint")
    out.add("9. pre-commit, 5 clean .ts files", f"<= {fmt_seconds(TARGET_CLEAN_S)}", fmt_seconds(mine),
            None if mine is None else mine <= TARGET_CLEAN_S)
    return out


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "js-precommit" not in s:
        return lines
    w = lines.append
    pc = s["js-precommit"]
    st = pc["clean"]
    w("## 9. Pre-commit shape: 5 TypeScript files of 200-400 lines")
    w("")
    w("Real `.ts` files of the JS/TS corpus (not tests; sources before declarations) with no trigger of any credlint rule")
    w("(credlint's prefilter decides), one per package: " + ", ".join(f"`{p}`" for p in pc["files"])
      + f"; lines: {pc['lines']}. They are a git repository; commands run in it with the file names as")
    w("pre-commit passes them: `credlint --force-exclude <files>` (the hook's entry, results cache on, a fresh cache")
    w("directory per run), `secretlint --secretlintrc .secretlintrc.json <files>`, and for reference")
    w("`eslint --config eslint.config.mjs <files>` (eslint-plugin-no-secrets only) and `oxlint <files>`.")
    w("")
    mine = median_wall(st, "credlint")
    w(markdown_table(STAT_HEADERS + ["exit codes"], [
        stat_row(label, stat, mine, [",".join(map(str, stat["rcs"]))]) for label, stat in st.items()]))
    w("")
    return lines


SCENARIO = Scenario("js-precommit", run, targets, render)
