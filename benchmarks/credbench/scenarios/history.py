"""Scenario 10 (`history`): keys anywhere in a repository's git history, credlint next to
the tools a user would pick for that job, on the same commits, interleaved.

Histories (histories.py): the project's own (a `git clone --no-local` of the repository
that holds the benchmark, in .cache/history-self) and a generated one (20,000 commits,
2,000 with --quick, or --history-commits: real corpus files added, edited, renamed and
deleted, six fabricated keys planted and later taken out, their introducing commits
recorded).

Commands, in the repository:
- `credlint history --no-cache --format json` (cold), and the same with the results
  cache on, timed on its second run in a fresh cache directory (warm; the first run,
  which fills it, is untimed);
- `trufflehog --json --regex --entropy=False --cleanup file://<repo>`: truffleHog 2.2.1,
  the last Python release (3.x is a Go binary, not on PyPI). It clones the URL into a
  temporary directory (that clone is part of its time: it has no way to read a
  repository in place, `--repo_path` still fetches from a remote named origin), then
  diffs each commit of each branch with its predecessor (GitPython, a `git diff` per
  commit) and runs its regexes, the AWS key id's among them, over each diff.
  `--entropy=False`: its entropy check reports any 20+ character base64 or hex run
  (every hash in a lock file), so nobody runs it on a real history; `--cleanup` removes
  the result files it leaves in the temporary directory.
- detect-secrets has no history mode (it scans files against a baseline, by design: "it
  avoids the overhead of digging through all git history", its README says). The fairest
  way a user has: every commit as a patch file
  (`git format-patch --root -o <dir> HEAD`, one file per non-merge commit), then
  `detect-secrets scan --all-files <dir>` (all plugins, default filters; its process pool
  uses every CPU). A key is reported in the patch of the commit that added it, so the
  patch file names the introducing commit. Both steps are timed together (one
  `sh -c`); the patch step's share is measured once beforehand. Patches of merges are
  not written (neither history here has merges). Scanning `git log -p` as one file is
  the alternative; it is the same text in one file, so one process.
trufflehog and detect-secrets take minutes on the generated history: they get
--slow-reps repetitions and a timeout (TIMEOUT_S; a run stopped there is reported as
"did not finish in N s").

Recall: of the planted key ids, how many each tool reports (credlint: its JSON's
masked key id, or a finding at the planted lines of the planted file, such as CL101's
boto3.client call; trufflehog: the raw string; detect-secrets: sha1 of the key id as
`hashed_secret`), and whether the commit it ties the key to first is the commit that
introduced it.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from .. import log
from ..bench import Bench, Scenario
from ..charts import Chart, bars_of, chart_link
from ..histories import (FULL_COMMITS, QUICK_COMMITS, commit_order, generated_history, masked, own_history, sha1)
from ..procs import Command, alternate, run_timed
from ..stats import (STAT_HEADERS, Targets, count, fmt_mb, fmt_ratio, fmt_seconds, markdown_table, median_wall,
                     ratio, stat_row, stats_of)
from ..tools import setup_trufflehog, tool_env

TIMEOUT_S = 1800  # a run of trufflehog or detect-secrets stopped after this: "did not finish in N s"
COLD = "credlint history"
WARM = "credlint history, warm"
TRUFFLEHOG = "trufflehog"
DETECT_SECRETS = "detect-secrets"
SLOW = (TRUFFLEHOG, DETECT_SECRETS)
LABELS = {COLD: "credlint history --no-cache --format json",
          WARM: "credlint history --format json (second run, results cache filled by the first)",
          TRUFFLEHOG: "trufflehog --json --regex --entropy=False --cleanup file://<repo>",
          DETECT_SECRETS: "git format-patch --root -o <dir> HEAD && detect-secrets scan --all-files <dir>"}
CHART_TOOLS = (("credlint", COLD), ("credlint, warm cache", WARM), ("trufflehog 2.2.1", TRUFFLEHOG),
               ("detect-secrets", DETECT_SECRETS))
MASKED_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)\*{12}[A-Z2-7]{4}\b")
RAW_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b")
HISTORIES = (("self", "the project's own history"), ("generated", "a generated history"))


def history_commits(bench: Bench) -> int:
    return getattr(bench.args, "history_commits", 0) or (QUICK_COMMITS if bench.quick else FULL_COMMITS)


def patch_argv(bench: Bench, repo: Path, patches: Path) -> List[str]:
    """format-patch, then detect-secrets on its output, as one command (cwd: the
    patches' parent; the path is absolute, as `git -C` reads -o from the repository)."""
    return ["sh", "-c", 'git -C "$1" format-patch -q --root -o "$2" HEAD && exec "$3" scan --all-files "$2"', "sh",
            str(repo), str(patches), bench.tool("detect-secrets")]


def commands(bench: Bench, repo: Path, tag: str, scratch: Path) -> List[Command]:
    out, cwd = bench.out, str(repo)
    cold = bench.cl("history", "--no-cache", "--format", "json")
    warm = bench.cl("history", "--format", "json")

    def warm_run(i: int) -> Dict[str, Any]:
        env = bench.env()
        run_timed(warm, env=env, cwd=cwd)  # untimed: fills the fresh results cache
        return {"argv": warm, "env": env, "cwd": cwd, "stdout": str(out / f"{tag}credlint-warm-{i}.json")}

    found = [Command(COLD, lambda i: {"argv": cold, "env": bench.env(), "cwd": cwd,
                                      "stdout": str(out / f"{tag}credlint-{i}.json")}),
             Command(WARM, warm_run)]
    if bench.available("trufflehog"):
        env = dict(tool_env(), TMPDIR=str(out / "tmp"))  # its clone of the repository goes there
        found.append(Command(TRUFFLEHOG, lambda i: {
            "argv": [bench.tool("trufflehog"), "--json", "--regex", "--entropy=False", "--cleanup", f"file://{repo}"],
            "env": env, "stdout": str(out / f"{tag}trufflehog-{i}.jsonl"), "timeout": TIMEOUT_S}, bench.slow_reps))
    if bench.available("detect-secrets"):
        found.append(Command(DETECT_SECRETS, lambda i: {
            "argv": patch_argv(bench, repo, scratch / f"{tag}patches-{i}"), "env": tool_env(), "cwd": str(scratch),
            "stdout": str(out / f"{tag}detect-secrets-{i}.json"), "timeout": TIMEOUT_S}, bench.slow_reps))
    return found


COUNTS = re.compile(r"in (\d+) commits and (\d+) file versions|(\d+) commits, (\d+) file versions")


def verify_credlint(bench: Bench, repo: Path, tag: str) -> Dict[str, Any]:
    """An untimed run of credlint in text, which says how many commits and file
    versions it read (also the warm-up: page cache, pyc files)."""
    text = bench.out / f"{tag}credlint.txt"
    run_timed(bench.cl("history", "--no-cache"), env=bench.env(), cwd=str(repo), stdout=str(text))
    m = COUNTS.search(text.read_text(errors="replace"))
    if not m:
        return {}
    commits, versions = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return {"commits_read": int(commits), "file_versions": int(versions)}


def patch_step(bench: Bench, repo: Path, tag: str) -> Dict[str, Any]:
    """The format-patch step alone, once: its share of detect-secrets' time, and how many patches."""
    patches = bench.out / f"{tag}patches-probe"
    run = run_timed(["git", "-C", str(repo), "format-patch", "-q", "--root", "-o", str(patches), "HEAD"])
    files = sorted(patches.iterdir()) if patches.exists() else []
    size = sum(p.stat().st_size for p in files)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    shutil.rmtree(patches, ignore_errors=True)
    return {"wall": run.wall, "patches": len(files), "bytes": size, "lines": lines}


# -- what each tool reported ----------------------------------------------------------------------


def _earliest(commits: Set[str], order: Dict[str, int]) -> Optional[str]:
    return min(commits, key=lambda c: order.get(c, len(order))) if commits else None


def _judge(per_key: Dict[str, Set[str]], planted: Sequence[Dict[str, Any]], order: Dict[str, int]) -> Dict[str, Any]:
    """per_key: masked key id -> commits the tool tied it to. How many planted keys it
    reported, and for how many the earliest of those commits is the one that introduced it."""
    keys = []
    for key in planted:
        commits = per_key.get(key["masked"], set())
        first = _earliest(commits, order)
        keys.append({"masked": key["masked"], "found": bool(commits), "first_commit": first,
                     "commit_right": first == key["commit"]})
    return {"planted": len(planted), "found": sum(k["found"] for k in keys),
            "commit_right": sum(k["commit_right"] for k in keys), "keys": keys}


def credlint_report(path: Path, planted: Sequence[Dict[str, Any]], order: Dict[str, int]) -> Dict[str, Any]:
    """credlint's JSON: a planted key is reported by a finding whose message shows its
    masked key id, or one at its planted lines in its planted file (CL101 names the
    call, not the key)."""
    if not path.exists():
        return {}
    findings = json.loads(path.read_text() or "[]")
    per_key: Dict[str, Set[str]] = {}
    rules: Dict[str, Set[str]] = {}
    for f in findings:
        shown = set(MASKED_KEY_ID.findall(f.get("message", "")))
        for key in planted:
            at_lines = (f.get("path") == key["path"] and key["lines"]
                        and min(key["lines"]) <= f.get("line", 0) <= max(key["lines"]))
            if key["masked"] in shown or at_lines:
                per_key.setdefault(key["masked"], set()).add(f.get("commit"))
                rules.setdefault(key["masked"], set()).add(f.get("rule"))
    out = {"findings": len(findings), "by_rule": count(f["rule"] for f in findings),
           "key_ids": sorted({m for f in findings for m in MASKED_KEY_ID.findall(f.get("message", ""))}),
           **_judge(per_key, planted, order)}
    for key in out["keys"]:
        key["rules"] = sorted(rules.get(key["masked"], ()))
    return out


def trufflehog_report(path: Path, planted: Sequence[Dict[str, Any]], order: Dict[str, int]) -> Dict[str, Any]:
    """trufflehog's JSON lines: one per (diff of a file in a commit, regex), with the raw strings found."""
    if not path.exists():
        return {}
    issues = [json.loads(line) for line in path.read_text(errors="replace").splitlines() if line.strip()]
    per_key: Dict[str, Set[str]] = {}
    ids: Set[str] = set()
    for issue in issues:
        for found in issue.get("stringsFound", []):
            if isinstance(found, str) and RAW_KEY_ID.fullmatch(found):
                ids.add(found)
                per_key.setdefault(masked(found), set()).add(issue.get("commitHash"))
    return {"findings": len(issues), "by_rule": count(i.get("reason", "?") for i in issues),
            "key_ids": sorted(masked(k) for k in ids), "raw_key_id_hashes": sorted(sha1(k) for k in ids),
            **_judge(per_key, planted, order)}


def detect_secrets_report(path: Path, patches: Path, planted: Sequence[Dict[str, Any]],
                          order: Dict[str, int], hashes: Dict[str, str]) -> Dict[str, Any]:
    """detect-secrets' baseline JSON over the patch files: each result's file is a
    commit's patch (its first line, `From <sha> ...`, names the commit); a planted key
    id is a result whose hashed_secret is its sha1. `hashes`: sha1 -> masked key id."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text() or "{}")
    except ValueError:
        return {"error": "no JSON report (did not finish?)"}
    results = [(name, r) for name, items in data.get("results", {}).items() for r in items]
    per_key: Dict[str, Set[str]] = {}
    commit_of: Dict[str, Optional[str]] = {}
    for name, r in results:
        if r.get("hashed_secret") not in hashes:
            continue
        if name not in commit_of:
            patch = Path(name) if Path(name).is_absolute() else patches.parent / name
            try:
                with open(patch, "rb") as handle:
                    first = handle.readline().split()
                commit_of[name] = first[1].decode() if len(first) > 1 and first[0] == b"From" else None
            except OSError:
                commit_of[name] = None
        per_key.setdefault(hashes[r["hashed_secret"]], set()).add(commit_of[name])
    aws = {r["hashed_secret"] for _, r in results if r.get("type") == "AWS Access Key"}
    return {"findings": len(results), "by_rule": count(r.get("type", "?") for _, r in results),
            "aws_key_id_hashes": sorted(aws), **_judge(per_key, planted, order)}


# -- the scenario ---------------------------------------------------------------------------------


def public(info: Dict[str, Any]) -> Dict[str, Any]:
    """A history's manifest for results.json: the planted keys masked (no key-shaped
    literal goes into the results or the report)."""
    out = {k: v for k, v in info.items() if k not in ("planted", "wanted")}
    out["planted"] = [{"masked": masked(p["key_id"]), "how": p["how"], "path": p["path"], "lines": p["lines"],
                       "commit_index": p["commit_index"], "commit": p["commit"],
                       "removed_index": p["removed_index"], "removed_commit": p.get("removed_commit"),
                       "renamed_to": p.get("renamed_to")} for p in info.get("planted", [])]
    return out


def measure(bench: Bench, key: str, info: Dict[str, Any]) -> Dict[str, Any]:
    repo = Path(info["repo"])
    tag = f"history-{key}-"
    order = commit_order(repo)
    pub = public(info)
    planted = pub["planted"]
    hashes = {sha1(p["key_id"]): masked(p["key_id"]) for p in info.get("planted", [])}
    verify = verify_credlint(bench, repo, tag)
    patches = patch_step(bench, repo, tag) if bench.available("detect-secrets") else {}
    log(f"history {key}: {len(order):,} commits; credlint reads {verify.get('file_versions')} file versions; "
        f"format-patch: {patches.get('patches')} patches in {fmt_seconds(patches.get('wall'))}")
    (bench.out / "tmp").mkdir(exist_ok=True)
    # detect-secrets' --all-files still skips what git ignores when it runs inside a
    # work tree (the benchmark's cache is ignored: it found nothing there), so the
    # patches go to a directory outside any repository.
    scratch = Path(tempfile.mkdtemp(prefix="credbench-patches-"))
    runs = alternate(commands(bench, repo, tag, scratch), bench.reps, f"history {key}")
    reports = {"credlint": credlint_report(bench.out / f"{tag}credlint-0.json", planted, order),
               "credlint, warm": credlint_report(bench.out / f"{tag}credlint-warm-0.json", planted, order)}
    if TRUFFLEHOG in runs:
        reports[TRUFFLEHOG] = trufflehog_report(bench.out / f"{tag}trufflehog-0.jsonl", planted, order)
    if DETECT_SECRETS in runs:
        reports[DETECT_SECRETS] = detect_secrets_report(bench.out / f"{tag}detect-secrets-0.json",
                                                        scratch / f"{tag}patches-0", planted, order, hashes)
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(bench.out / "tmp", ignore_errors=True)
    stats = {label: stats_of(r) for label, r in runs.items()}
    for name, report in reports.items():
        log(f"history {key}: {name}: {report.get('findings')} findings, planted keys found "
            f"{report.get('found')}/{report.get('planted')}, introducing commit right {report.get('commit_right')}")
    return {"history": pub, "commits": len(order), "verify": verify, "patches": patches, "stats": stats,
            "reports": reports}


def run(bench: Bench) -> None:
    bench.tools["trufflehog"] = setup_trufflehog(bench.cache / "tools-venv")
    log(f"trufflehog: {bench.tools['trufflehog'].get('version') or bench.tools['trufflehog'].get('error')}")
    commits = history_commits(bench)
    out: Dict[str, Any] = {"timeout_s": TIMEOUT_S, "size": commits, "histories": {}}
    own = own_history(bench.cache)
    generated = generated_history(bench.cache, bench.corpus, bench.corpus_info.get("packages_wanted"), commits)
    for key, what in HISTORIES:
        info = own if key == "self" else generated
        if info is None:
            out["histories"][key] = {"skipped": "the benchmark is not in a git repository"}
            continue
        bench.mark_load(f"10. history, {what}")
        log(f"scenario 10: {what} ({info.get('commits')} commits)")
        out["histories"][key] = measure(bench, key, info)
    bench.store("history", out)
    bench.dirs.cleanup()


# -- targets and report ---------------------------------------------------------------------------


def _median(stats: Dict[str, Any], label: str) -> Tuple[Optional[float], bool]:
    """(median wall, whether any run was stopped at the timeout)."""
    entry = stats.get(label)
    return (entry["wall"]["median"], bool(entry.get("timed_out"))) if entry else (None, False)


def _time(stats: Dict[str, Any], label: str, timeout: int) -> str:
    median, stopped = _median(stats, label)
    if stopped:
        return f"did not finish in {timeout} s"
    return fmt_seconds(median)


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    s = results.get("scenarios", {})
    out = Targets()
    if "history" not in s:
        return out
    h = s["history"]
    gen = h["histories"].get("generated")
    if not gen or "stats" not in gen:
        return out
    name = f"10. history, generated ({gen['commits']:,} commits)"
    st = gen["stats"]
    mine = median_wall(st, COLD)
    cl = gen["reports"].get("credlint", {})
    if cl:
        out.add(name, "credlint reports every planted key", f"{cl['found']} of {cl['planted']}",
                cl["found"] == cl["planted"])
        out.add(name, "... with the commit that introduced it", f"{cl['commit_right']} of {cl['planted']}",
                cl["commit_right"] == cl["planted"])
    for tool in SLOW:
        other, stopped = _median(st, tool)
        r = ratio(mine, other)
        measured = (f"{fmt_seconds(mine)} vs {_time(st, tool, h['timeout_s'])}: "
                    f"{'< ' if stopped else ''}{fmt_ratio(r)}")
        out.add(name, f"credlint faster than {tool}", measured, None if r is None else r < 1)
    return out


def _summary_rows(entry: Dict[str, Any], timeout: int) -> List[List[str]]:
    st, reports = entry["stats"], entry["reports"]
    mine = median_wall(st, COLD)
    rows = []
    for label, report in ((COLD, reports.get("credlint")), (WARM, reports.get("credlint, warm")),
                          (TRUFFLEHOG, reports.get(TRUFFLEHOG)), (DETECT_SECRETS, reports.get(DETECT_SECRETS))):
        if label not in st:
            continue
        median, stopped = _median(st, label)
        report = report or {}
        planted = report.get("planted")
        key_ids = len(report.get("key_ids", report.get("aws_key_id_hashes", [])))
        rows.append([label, _time(st, label, timeout), fmt_mb(st[label]["maxrss_kb"]),
                     ("< " if stopped else "") + fmt_ratio(ratio(mine, median)),
                     ("> " if stopped else "") + fmt_ratio(ratio(median, mine)),
                     f"{report['found']} of {planted}" if planted else "n/a",
                     f"{report['commit_right']} of {planted}" if planted else "n/a",
                     str(report.get("findings", "n/a")), str(key_ids) if report else "n/a"])
    return rows


SUMMARY_HEADERS = ["command", "median", "peak RSS, largest process", "credlint / this", "this / credlint",
                   "planted key ids reported", "introducing commit right", "findings", "distinct AWS key ids"]


def render(results: Dict[str, Any]) -> List[str]:
    s = results["scenarios"]
    lines: List[str] = []
    if "history" not in s:
        return lines
    w = lines.append
    h = s["history"]
    timeout = h["timeout_s"]
    w("## 10. Git history (`history`)")
    w("")
    w("Every commit's keys, credlint next to the tools a user would pick to scan a history, on the same")
    w("commits, interleaved. Commands, in the repository (credlint gets a fresh `CREDLINT_CACHE_DIR` per run,")
    w("holding only its rule index; the warm run's first, untimed run fills it):")
    w("")
    w("```sh")
    for label in (COLD, WARM, TRUFFLEHOG, DETECT_SECRETS):
        w(LABELS[label])
    w("```")
    w("")
    w("trufflehog is truffleHog 2.2.1, the last Python release: it clones the repository (part of its time), then")
    w("diffs each commit of each branch with its predecessor and runs its regexes over the diff (`--entropy=False`:")
    w("its entropy check reports every long hex or base64 run). detect-secrets has no history mode: each commit")
    w("becomes a patch file (`git format-patch`, non-merge commits; its time is part of the row, and given apart")
    w("below), which detect-secrets scans with all plugins and default filters, in a process pool. The two take")
    w(f"minutes on the generated history: --slow-reps repetitions, and a run is stopped after {timeout} s.")
    w("Recall: how many of the planted key ids each tool reports, and whether the commit it ties a key to first")
    w("is the one that introduced it (credlint: its JSON's `commit`; trufflehog: the earliest `commitHash` whose")
    w("diff holds it; detect-secrets: the earliest patch whose results hold the key id's sha1).")
    w("")
    if charts(results):
        w(chart_link("history", "Scan of a generated git history: median seconds"))
        w("")
    for key, what in HISTORIES:
        entry = h["histories"].get(key)
        if not entry:
            continue
        if "skipped" in entry:
            w(f"### {what[0].upper() + what[1:]}: skipped ({entry['skipped']})")
            w("")
            continue
        info, verify, patches = entry["history"], entry.get("verify", {}), entry.get("patches", {})
        if key == "self":
            w(f"### The project's own history ({entry['commits']:,} commits)")
            w("")
            w(f"A `git clone --no-local` of the checkout's repository (commit {info['head'][:7]}; branches: "
              f"{', '.join(info.get('branches', []))}; {info.get('merges', 0)} merges), with a default "
              "`.credlint.toml` in its working tree so that every tool reads every file (the project's own "
              "configuration excludes `tests/` and `rules/`). No key is planted: its tests hold fabricated ones.")
        else:
            changes = info.get("changes", {})
            kinds = info.get("kinds", {})
            w(f"### A generated history ({entry['commits']:,} commits)")
            w("")
            w(f"Built by `credbench/histories.py` with one `git fast-import` stream from {info.get('pool', 0):,} "
              f"`.py` files of the Python corpus (seeded: the same commits, byte for byte, on every machine), "
              f"{info.get('pack_bytes', 0) / 1e6:.0f} MB packed: {changes.get('added', 0):,} files added, "
              f"{changes.get('edited', 0):,} file edits (a few lines each), {changes.get('renamed', 0):,} renames, "
              f"{changes.get('deleted', 0):,} deletions; commits by kind: "
              + ", ".join(f"{k} {v:,}" for k, v in kinds.items()) + f"; {info.get('files_at_head', 0):,} files at HEAD.")
        w("")
        if verify:
            w(f"credlint read {verify.get('file_versions', 0):,} distinct file versions, added by "
              f"{verify.get('commits_read', 0):,} commits (the others only delete). `git format-patch` wrote "
              f"{patches.get('patches', 0):,} patches, {patches.get('lines', 0):,} lines "
              f"({patches.get('bytes', 0) / 1e6:.0f} MB), in {fmt_seconds(patches.get('wall'))}, of detect-secrets' "
              "time.")
            w("")
        st = entry["stats"]
        mine = median_wall(st, COLD)
        w(markdown_table(SUMMARY_HEADERS, _summary_rows(entry, timeout)))
        w("")
        w(markdown_table(STAT_HEADERS, [stat_row(label, stat, mine) for label, stat in st.items()]))
        w("")
        if info.get("planted"):
            w("The planted keys (fabricated; masked here) and what reported them (C: credlint, T: trufflehog, "
              "D: detect-secrets; `*`: tied to a later commit than the one that introduced it):")
            w("")
            reports = entry["reports"]
            rows = []
            for n, p in enumerate(info["planted"]):
                marks = []
                for letter, name in (("C", "credlint"), ("T", TRUFFLEHOG), ("D", DETECT_SECRETS)):
                    keys = reports.get(name, {}).get("keys", [])
                    if n < len(keys) and keys[n]["found"]:
                        marks.append(letter + ("" if keys[n]["commit_right"] else "*"))
                cl_keys = reports.get("credlint", {}).get("keys", [])
                rules = ", ".join(cl_keys[n].get("rules", [])) if n < len(cl_keys) else ""
                rows.append([p["masked"], p["how"], f"`{p['path']}`", f"{p['commit_index']} ({p['commit'][:7]})",
                             str(p["removed_index"]) if p["removed_index"] is not None else "still at HEAD",
                             " ".join(marks) or "none", rules])
            w(markdown_table(["key id", "planted", "file", "commit", "taken out", "reported by", "credlint rules"],
                             rows))
            w("")
        else:
            reports = entry["reports"]
            th = set(reports.get(TRUFFLEHOG, {}).get("key_ids", []))
            cl = set(reports.get("credlint", {}).get("key_ids", []))
            ds = set(reports.get(DETECT_SECRETS, {}).get("aws_key_id_hashes", []))
            th_hashes = set(reports.get(TRUFFLEHOG, {}).get("raw_key_id_hashes", []))
            if th or cl:
                w(f"AWS key ids reported: credlint {len(cl)} (in its messages, masked), trufflehog {len(th)}, "
                  f"detect-secrets {len(ds)}; of trufflehog's, credlint reports {len(th & cl)} and detect-secrets "
                  f"{len(th_hashes & ds)}.")
                w("")
    return lines


def charts(results: Dict[str, Any]) -> List[Chart]:
    """charts/history.svg: the tools' medians on the generated history."""
    h = results.get("scenarios", {}).get("history", {})
    gen = h.get("histories", {}).get("generated")
    if not gen or "stats" not in gen:
        return []
    st = {label: entry for label, entry in gen["stats"].items() if not entry.get("timed_out")}
    info = gen["history"]
    stopped = [label for label, entry in gen["stats"].items() if entry.get("timed_out")]
    subtitle = (f"{gen['commits']:,} commits made of {info.get('pool', 0):,} Python corpus files; "
                f"{len(info.get('planted', []))} fabricated keys planted"
                + (f"; did not finish in {h['timeout_s']} s: {', '.join(stopped)}" if stopped else ""))
    bars = bars_of(st, CHART_TOOLS)
    return [Chart("history", "Scan of a whole git history for AWS keys", subtitle, bars,
                  footer="median wall-clock time of a scan of every commit; lower is better")] if bars else []


SCENARIO = Scenario("history", run, targets, render, charts)
