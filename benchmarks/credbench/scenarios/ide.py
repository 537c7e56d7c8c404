"""Scenario 4: the editor shape. One real 3,000-line file with a planted finding:
`credlint --stdin-filename` (a whole process), a warm re-lint in process as the
language server does it (and its profile), and the language server itself over
stdio: didChange -> publishDiagnostics."""
from __future__ import annotations

import ast
import json
import re
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from lspclient import LspClient

from .. import REPO, log
from ..bench import Bench, Scenario
from ..childscripts import IN_PROCESS_LINT, IN_PROCESS_PROFILE
from ..corpus import make_repo, planted_snippet
from ..procs import Command, alternate, capture, run_timed
from ..profiling import EDITOR_STAGES, summarize_profile
from ..stats import Targets, fmt_seconds, markdown_table, stats_of, summarize

TARGET_STDIN_S = 0.600
TARGET_LSP_WARM_S = 0.050


def pick_file(corpus: Path) -> Path:
    """The real corpus file closest to 3,000 lines that this Python parses."""
    best: Optional[Tuple[int, str, Path]] = None
    for path in corpus.rglob("*.py"):
        if ".git" in path.parts:
            continue
        data = path.read_bytes()
        distance = abs(data.count(b"\n") - 3000)
        if best is None or (distance, str(path)) < best[:2]:
            try:
                ast.parse(data)
            except (SyntaxError, ValueError):
                continue
            best = (distance, str(path), path)
    assert best is not None
    return best[2]


def lsp_round_trips(credlint: Dict[str, Any], env: Dict[str, str], path: Path, changes: int) -> Dict[str, Any]:
    """didOpen, then `changes` didChange notifications (a comment line typed in
    the middle of the file each time): the time from sending each change to
    receiving the publishDiagnostics for that version."""
    uri = path.resolve().as_uri()
    text = path.read_text(encoding="utf-8")
    middle = len(text.splitlines()) // 2
    start = time.perf_counter()
    client = LspClient(path.parent, [*credlint["argv"], "lsp"], env=env, timeout=60, capture_stderr=False)
    try:
        client.initialize(path.parent, {"textDocument": {"publishDiagnostics": {"versionSupport": True},
                                                         "synchronization": {"didSave": True}}},
                          root_uri=path.parent.resolve().as_uri(), name="ide")
        ready = time.perf_counter() - start

        t = time.perf_counter()
        client.open(uri, text, "python", 1)
        diagnostics = len(client.diagnostics(uri, version=1))
        first = time.perf_counter() - t
        times = []
        for i in range(changes):
            version = i + 2
            t = time.perf_counter()
            client.change(uri, version, [{"range": {"start": {"line": middle, "character": 0},
                                                    "end": {"line": middle, "character": 0}},
                                          "text": f"# edit {i}\n"}])
            diagnostics = len(client.diagnostics(uri, version=version))
            times.append(time.perf_counter() - t)
    finally:
        client.close()
    return {"startup_to_initialized": ready, "did_open": first, "did_change": times, "diagnostics": diagnostics}


def has_language_server() -> bool:
    """Does the checkout have a language server? (As before the split: it looks at the
    checkout, not at the credlint measured, which --credlint-python can point elsewhere.)"""
    return (REPO / "credlint" / "lsp.py").exists() or (REPO / "credlint" / "lsp" / "__init__.py").exists()


def run(bench: Bench) -> None:
    bench.mark_load("4. editor")
    log("scenario 4: editor shape (one 3,000-line file)")
    base = bench.fresh_dir("ide")
    base.mkdir(parents=True)
    source = pick_file(bench.corpus)
    app = base / "app.py"
    app.write_text(source.read_text(encoding="utf-8") + planted_snippet(), encoding="utf-8")
    make_repo(base)
    out: Dict[str, Any] = {"source": str(source.relative_to(bench.corpus)), "lines": app.read_bytes().count(b"\n")}
    env = bench.env()
    stdin_argv = bench.cl("--stdin-filename", "app.py", "-")
    check = capture(stdin_argv, env=env, cwd=str(base), input_bytes=app.read_bytes(), check=False)
    out["stdin_found"] = sorted(set(re.findall(r"\bCL\d{3}\b", check)))
    command = Command("credlint --stdin-filename app.py -", lambda i: {
        "argv": stdin_argv, "env": env, "cwd": str(base), "stdin": str(app)})
    run_timed(**command.make(0))
    runs = alternate([command], max(bench.reps * 2, 5), "stdin")
    out["stdin"] = stats_of(runs[command.label])
    n = 20 if bench.quick else 50
    raw = json.loads(capture([bench.credlint["python"], "-c", IN_PROCESS_LINT, str(app), str(n)], env=env,
                             cwd=str(base)))
    raw["warm_stats"] = summarize(raw["warm"])
    out["in_process"] = raw
    log(f"editor: in-process warm lint median {fmt_seconds(raw['warm_stats']['median'])}")
    prof = bench.out / "lint_source.prof"
    capture([bench.credlint["python"], "-c", IN_PROCESS_PROFILE, str(app), str(n), str(prof)], env=env, cwd=str(base))
    out["in_process_profile"] = {"calls": n, **summarize_profile(str(prof), stage_list=EDITOR_STAGES)}
    if has_language_server():
        try:
            lsp = lsp_round_trips(bench.credlint, env, app, n)
            lsp["did_change_stats"] = summarize(lsp["did_change"])
            out["lsp"] = lsp
            log(f"editor: lsp didChange -> publishDiagnostics median {fmt_seconds(lsp['did_change_stats']['median'])}")
        except Exception as exc:  # report, do not stop the benchmark
            out["lsp"] = {"error": f"{type(exc).__name__}: {exc}"}
            log(f"editor: lsp round trip failed: {exc}")
    bench.store("ide", out)
    bench.dirs.cleanup()


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "ide" not in s:
        return out
    ide = s["ide"]
    stdin = ide.get("stdin", {}).get("wall", {}).get("median")
    out.add("4. editor, stdin, 3,000 lines", f"<= {fmt_seconds(TARGET_STDIN_S)}", fmt_seconds(stdin),
            None if stdin is None else stdin <= TARGET_STDIN_S)
    warm = ide.get("in_process", {}).get("warm_stats", {}).get("median")
    out.add("4. editor, warm re-lint (in process, as the server lints)", f"<= {fmt_seconds(TARGET_LSP_WARM_S)}", fmt_seconds(warm),
            None if warm is None else warm <= TARGET_LSP_WARM_S)
    lsp = ide.get("lsp", {}).get("did_change_stats", {}).get("median")
    if "lsp" in ide:
        out.add("4. editor, LSP didChange -> diagnostics", f"<= {fmt_seconds(TARGET_LSP_WARM_S)}", fmt_seconds(lsp),
                None if lsp is None else lsp <= TARGET_LSP_WARM_S)
    return out


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "ide" not in s:
        return lines
    w = lines.append
    ide = s["ide"]
    w("## 4. Editor shape: one 3,000-line file with a finding")
    w("")
    w(f"`{ide['source']}` plus the planted call: {ide['lines']:,} lines. credlint reported "
      f"{', '.join(ide.get('stdin_found', [])) or 'nothing'} on it.")
    w("")
    rows = []
    st = ide.get("stdin")
    if st:
        rows.append(["`credlint --stdin-filename app.py - < app.py` (whole process)", fmt_seconds(st["wall"]["median"]),
                     fmt_seconds(st["wall"]["min"]), fmt_seconds(st["wall"]["max"]), str(st["wall"]["n"])])
    ip = ide.get("in_process")
    if ip:
        ws = ip["warm_stats"]
        rows.append(["in process: `lint_bytes(path, data, Workspace(incremental=True))` as the server lints, warm calls",
                     fmt_seconds(ws["median"]), fmt_seconds(ws["min"]), fmt_seconds(ws["max"]), str(ws["n"])])
        rows.append(["in process: first call (cold: lazy rule compilation, imports)", fmt_seconds(ip["first"]), "", "", "1"])
    lsp = ide.get("lsp")
    if lsp and "error" not in lsp:
        ls = lsp["did_change_stats"]
        rows.append(["`credlint lsp`: didChange -> publishDiagnostics (stdio round trip)", fmt_seconds(ls["median"]),
                     fmt_seconds(ls["min"]), fmt_seconds(ls["max"]), str(ls["n"])])
        rows.append(["`credlint lsp`: didOpen -> publishDiagnostics (first lint)", fmt_seconds(lsp["did_open"]), "", "", "1"])
        rows.append(["`credlint lsp`: start -> initialize answered", fmt_seconds(lsp["startup_to_initialized"]), "", "", "1"])
    w(markdown_table(["measurement", "median", "min", "max", "n"], rows))
    if lsp and "error" in lsp:
        w("")
        w(f"The language server round trip could not be measured: {lsp['error']}")
    w("")
    w("Each warm call lints a new version of the buffer: a comment line inserted in the middle of the file,")
    w("as typing does; the language server gets the same edit as an incremental didChange.")
    w("")
    pp = ide.get("in_process_profile")
    if pp:
        n = pp["calls"]
        w(f"Where a warm re-lint's time goes (cProfile over {n} warm calls, per call; profiled, so slower than above):")
        w("")
        w(markdown_table(["stage", "per call (profiled)"], [
            [x["stage"], fmt_seconds(x["seconds"] / n if x["seconds"] is not None else None)] for x in pp["stages"]]))
        w("")
        w(markdown_table(["function", "calls per lint", "own time per lint", "cumulative per lint"], [
            [f"`{r['file']}:{r['line']}({r['function']})`" if r["line"] else f"`{r['function']}`",
             f"{r['calls'] / n:,.0f}", fmt_seconds(r["tottime"] / n), fmt_seconds(r["cumtime"] / n)]
            for r in pp["top"][:8]]))
        w("")
    return lines


SCENARIO = Scenario("ide", run, targets, render)
