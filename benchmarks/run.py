#!/usr/bin/env python3
"""credlint's performance benchmark (issue 5): credlint side by side with the
tools a user would pick instead, in the same run, as ratios.

    python3 benchmarks/run.py            # full run: downloads, installs, measures, writes RESULTS.md
    python3 benchmarks/run.py --quick    # sanity run: 2 repetitions, 1x scale only

Standard library only (Python >= 3.9). See benchmarks/README.md for what each
scenario measures and why it is measured that way.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import platform
import pstats
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEMGREP_RULES = HERE / "semgrep-aws-credentials.yaml"

# The corpus: sdists of real projects, many of which talk to AWS.
CORPUS = (
    ("django", "5.1.4"),
    ("botocore", "1.35.90"),
    ("boto3", "1.35.90"),
    ("sqlalchemy", "2.0.36"),
    ("celery", "5.4.0"),
    ("scrapy", "2.12.0"),
    ("flask", "3.1.0"),
    ("requests", "2.32.3"),
    ("s3transfer", "0.10.4"),
    ("aiobotocore", "2.16.1"),
    ("awscli", "1.36.31"),
)
SIMPLE_INDEX = "https://pypi.org/simple/{name}/"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"

# The competitors, pinned (what pip resolved on Python 3.11 when this was written).
TOOL_PINS = {"ruff": "0.17.6", "bandit": "1.9.4", "detect-secrets": "1.5.0", "semgrep": "1.182.0"}

# Targets (issue 5). Each is a floor the product must meet.
TARGET_COLD_VS_RUFF = 2.0  # credlint cold <= 2x ruff
TARGET_CACHE_HIT_S = 0.5
TARGET_PRECOMMIT_CLEAN_S = 0.100
TARGET_PRECOMMIT_FINDING_S = 0.400
TARGET_STDIN_S = 0.600
TARGET_LSP_WARM_S = 0.050
TARGET_PEAK_RSS_MB = 300

PLANT_SEED = "credlint benchmark: fabricated, never a real key"


# -- pure helpers (tests/test_benchmarks.py) ------------------------------------------------------


def summarize(values: Sequence[float]) -> Dict[str, Any]:
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


def verdict(ok: Optional[bool]) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    rows = [["" if c is None else str(c) for c in row] for row in rows]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(out)


def canonical_name(name: str) -> str:
    """PEP 503 normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pick_sdist(files: Sequence[Dict[str, Any]], name: str, version: str) -> Optional[Dict[str, Any]]:
    """The sdist of `name`==`version` among the files of a PEP 691 JSON index page."""
    for entry in files:
        filename = entry["filename"]
        for suffix in (".tar.gz", ".zip"):
            if filename.endswith(suffix):
                stem = filename[: -len(suffix)]
                project, _, ver = stem.rpartition("-")
                if canonical_name(project) == canonical_name(name) and ver == version:
                    return entry
    return None


def safe_member(name: str) -> Optional[str]:
    """An archive member's path if it is a relative path inside the archive, else None."""
    name = name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or name.startswith("/") or ".." in parts or ":" in parts[0]:
        return None
    return "/".join(parts)


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


def parse_cpuinfo(text: str) -> Tuple[str, int]:
    models = re.findall(r"^model name\s*:\s*(.+)$", text, re.M)
    count = len(re.findall(r"^processor\s*:", text, re.M))
    return (models[0].strip() if models else platform.processor() or "unknown"), count


def fabricated_keys(seed: str = PLANT_SEED) -> Tuple[str, str]:
    """An access key id and secret that look real to every scanner but are made
    up here, from a hash (so no key-shaped literal lives in this repository)."""
    digest = hashlib.sha256(seed.encode()).digest()
    key_id = "AKIA" + base64.b32encode(digest).decode()[:16]
    secret = base64.b64encode(hashlib.sha256(digest).digest() + digest[:12]).decode()[:40]
    return key_id, secret


def planted_snippet(seed: str = PLANT_SEED) -> str:
    key_id, secret = fabricated_keys(seed)
    return (
        "\n\ndef _benchmark_planted_client():  # planted by credlint's benchmark: a fabricated key\n"
        "    import boto3\n\n"
        f'    return boto3.client("s3", aws_access_key_id="{key_id}", aws_secret_access_key="{secret}")\n'
    )


# -- logging ------------------------------------------------------------------------------------

_T0 = time.monotonic()


def log(message: str) -> None:
    elapsed = time.monotonic() - _T0
    print(f"[{int(elapsed) // 60:3d}:{int(elapsed) % 60:02d}] {message}", file=sys.stderr, flush=True)


# -- running a command --------------------------------------------------------------------------


class Run(NamedTuple):
    wall: float  # seconds
    maxrss_kb: int  # largest resident set of the process or any descendant it waited for
    cpu: float  # user + system seconds of the process tree
    rc: int
    other_cpu: Optional[float] = None  # share of the machine's CPU other processes used meanwhile


# A fresh, small child runs each measured command: it times spawn..reap itself
# (so its own start-up is not counted) and reports getrusage(RUSAGE_CHILDREN).
# Measuring from this (large) process instead would report its own memory as
# the command's peak: a vfork'd child's RSS high-water mark starts from the
# parent's, before exec.
LAUNCHER = r"""
import json, os, resource, subprocess, sys, time
spec = json.loads(sys.argv[1])
def opened(path, mode):
    return open(path, mode) if path else subprocess.DEVNULL
stdin, stdout = opened(spec.get("stdin"), "rb"), opened(spec.get("stdout"), "wb")
stderr = opened(spec.get("stderr"), "wb")
start = time.perf_counter()
proc = subprocess.Popen(spec["argv"], stdin=stdin, stdout=stdout, stderr=stderr, cwd=spec.get("cwd"))
rc = proc.wait()
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.write(json.dumps({"wall": wall, "maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
                             "rc": rc, "pid": proc.pid}))
"""


def _launch(argv: Sequence[str], env: Optional[Dict[str, str]], cwd: Optional[str], stdin: Optional[str],
            stdout: Optional[str], stderr: Optional[str]) -> subprocess.Popen:
    spec = {"argv": list(argv), "cwd": cwd, "stdin": stdin, "stdout": stdout, "stderr": stderr}
    return subprocess.Popen([sys.executable, "-c", LAUNCHER, json.dumps(spec)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _report(proc: subprocess.Popen, argv: Sequence[str]) -> Dict[str, Any]:
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"could not run {' '.join(argv)}: {err.decode(errors='replace')[-2000:]}")
    return json.loads(out)


def run_timed(argv: Sequence[str], env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None,
              stdin: Optional[str] = None, stdout: Optional[str] = None, stderr: Optional[str] = None) -> Run:
    """Run a command once in a fresh launcher child: wall time of spawn..reap,
    CPU of the whole tree, and the peak RSS of the largest single process in
    it (ru_maxrss of RUSAGE_CHILDREN: the command and the workers it reaped)."""
    r = _report(_launch(argv, env, cwd, stdin, stdout, stderr), argv)
    return Run(r["wall"], r["maxrss_kb"], r["cpu"], r["rc"])


def _descendants(pid: int) -> List[int]:
    out, stack = [], [pid]
    while stack:
        current = stack.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except OSError:
            pass
    return out


def _memory_of(pid: int) -> Tuple[int, int]:
    """(RSS, PSS) of one process in kB, now (0, 0 if it is gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


def run_sampled(argv: Sequence[str], env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None,
                stdout: Optional[str] = None, interval: float = 0.02) -> Dict[str, Any]:
    """Run once while sampling the command's process tree every `interval`
    seconds (not a timed run: sampling costs CPU). Returns the peaks of the
    tree's summed RSS and summed PSS (PSS counts pages shared by forked workers
    once), and the largest single process's peak RSS (getrusage)."""
    proc = _launch(argv, env, cwd, None, stdout, None)
    peak_rss = peak_pss = 0
    if os.path.exists("/proc/self/smaps_rollup"):
        while proc.poll() is None:
            members = _descendants(proc.pid)[1:]  # not the launcher itself
            rss = pss = 0
            for member in members:
                r, p = _memory_of(member)
                rss, pss = rss + r, pss + p
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(interval)
    result = _report(proc, argv)
    result.update(tree_rss_kb=peak_rss or None, tree_pss_kb=peak_pss or None)
    return result


def capture(argv: Sequence[str], env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None,
            timeout: float = 3600, check: bool = True, input_bytes: Optional[bytes] = None) -> str:
    proc = subprocess.run(list(argv), env=env, cwd=cwd, input=input_bytes, capture_output=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {proc.returncode}:\n"
                           f"{proc.stdout.decode(errors='replace')[-2000:]}\n{proc.stderr.decode(errors='replace')[-4000:]}")
    return proc.stdout.decode("utf-8", errors="replace")


# -- the corpus ---------------------------------------------------------------------------------


def _fetch(url: str, accept: Optional[str] = None, attempts: int = 3) -> bytes:
    headers = {"User-Agent": "credlint-benchmark/1"}
    if accept:
        headers["Accept"] = accept
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as response:
                return response.read()
        except OSError:
            if attempt == attempts - 1:
                raise
            time.sleep(2 * (attempt + 1))
    raise AssertionError("unreachable")


def _extract_python(data: bytes, filename: str, destination: Path) -> int:
    """Write the archive's *.py members under `destination`; returns how many."""
    count = 0
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                name = safe_member(info.filename)
                if name and name.endswith(".py") and not info.is_dir():
                    target = destination / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(info))
                    count += 1
        return count
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for member in archive.getmembers():
            name = safe_member(member.name)
            if not name or not name.endswith(".py") or not member.isfile():
                continue
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())
                count += 1
    return count


def _git(args: Sequence[str], cwd: Path) -> str:
    return capture(["git", "-c", "user.name=credlint-benchmark", "-c", "user.email=benchmark@localhost",
                    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd=str(cwd))


ISOLATION_CONFIGS = {
    # the nearest config file wins: without these, credlint and ruff would read the
    # checkout's pyproject.toml (credlint's own [tool.credlint] excludes tests/)
    ".credlint.toml": "# credlint's benchmark: default settings (stops the search for a config above)\n",
    "ruff.toml": "# credlint's benchmark: default settings (stops the search for a config above)\n",
    # semgrep's built-in ignore list (used when no .semgrepignore exists) skips tests/:
    # an empty one makes it scan the files the other tools scan
    ".semgrepignore": "# credlint's benchmark: scan everything the other tools scan\n",
}


def make_repo(directory: Path, commit: bool = True) -> None:
    """Make `directory` a git repository of its own (committed), with default
    configuration files at its root. Everything the benchmark lints lives in
    one: the checkout's .gitignore ignores benchmarks/.cache/, and git-aware
    tools (credlint, ruff, semgrep, detect-secrets) would otherwise see an
    ignored tree and skip it; the checkout's own configuration must not apply
    either. A repository with its config at the root is also what these tools
    meet in real use. The files linted are in a subdirectory (or named), so
    the config files are not among them."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in ISOLATION_CONFIGS.items():
        (directory / name).write_text(text)
    if not (directory / ".git").exists():
        _git(["init", "-q"], directory)
    if commit:
        _git(["add", "-A"], directory)
        if _git(["status", "--porcelain"], directory).strip():
            _git(["commit", "-q", "--no-verify", "-m", "benchmark corpus"], directory)


def count_tree(root: Path) -> Dict[str, int]:
    files = lines = size = 0
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            if name.endswith(".py"):
                data = (Path(directory) / name).read_bytes()
                files += 1
                lines += data.count(b"\n")
                size += len(data)
    return {"files": files, "lines": lines, "bytes": size}


def fetch_corpus(cache: Path) -> Dict[str, Any]:
    """Download the pinned sdists from PyPI, check their sha256 against the
    index, keep only the *.py files: cache/corpus/src/<sdist dir>/..., in a
    git repository at cache/corpus (see make_repo)."""
    repo = cache / "corpus"
    corpus = repo / "src"
    manifest_path = cache / "corpus.json"
    wanted = [list(p) for p in CORPUS] + [["layout", "2"]]
    if manifest_path.exists() and (repo / ".git").exists() and corpus.is_dir():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("packages_wanted") == wanted:
            log(f"corpus: cached in {corpus} ({manifest['files']} files, {manifest['lines']} lines)")
            return manifest
    if repo.exists():
        shutil.rmtree(repo)
    corpus.mkdir(parents=True)
    packages = []
    for name, version in CORPUS:
        index = json.loads(_fetch(SIMPLE_INDEX.format(name=name), SIMPLE_JSON))
        entry = pick_sdist(index["files"], name, version)
        if entry is None:
            raise RuntimeError(f"no sdist for {name}=={version} on the index")
        expected = entry.get("hashes", {}).get("sha256")
        if not expected:
            raise RuntimeError(f"{entry['filename']}: the index gives no sha256")
        data = _fetch(entry["url"])
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise RuntimeError(f"{entry['filename']}: sha256 {actual} does not match the index's {expected}")
        count = _extract_python(data, entry["filename"], corpus)
        log(f"corpus: {entry['filename']} ({len(data) // 1024} KiB, sha256 ok): {count} .py files")
        packages.append({"name": name, "version": version, "filename": entry["filename"], "sha256": actual,
                         "py_files": count})
    make_repo(repo)
    manifest = {"packages_wanted": wanted, "packages": packages, **count_tree(corpus)}
    manifest_path.write_text(json.dumps(manifest, indent=2))
    log(f"corpus: {manifest['files']} files, {manifest['lines']} lines in {corpus}")
    return manifest


# -- the tools ----------------------------------------------------------------------------------


def venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def setup_tools(venv: Path, quick: bool, skip_semgrep: bool) -> Dict[str, Dict[str, Any]]:
    """A separate venv with the pinned competitors; returns name -> {bin, version} or {error}."""
    stamp = venv / "credlint-benchmark-pins.json"
    python = venv_bin(venv, "python")
    wanted = dict(TOOL_PINS)
    installed: Dict[str, Any] = json.loads(stamp.read_text()) if stamp.exists() else {}
    if not python.exists():
        log(f"tools: creating {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        installed = {}
    errors: Dict[str, str] = {}
    for group in (("ruff", "bandit", "detect-secrets"), ("semgrep",)):
        todo = [n for n in group if installed.get(n) != wanted[n]]
        if "semgrep" in group and skip_semgrep:
            errors["semgrep"] = "skipped (--skip-semgrep)"
            continue
        if not todo:
            continue
        log(f"tools: pip install {' '.join(f'{n}=={wanted[n]}' for n in todo)}")
        proc = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                               *[f"{n}=={wanted[n]}" for n in todo]], capture_output=True, text=True)
        if proc.returncode != 0:
            message = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["pip failed"]
            if "semgrep" in group and quick:
                errors["semgrep"] = f"not installed: {message[0]}"
                log(f"tools: semgrep could not be installed, skipped (--quick): {message[0]}")
                continue
            raise RuntimeError(f"pip install {todo} failed:\n{proc.stderr[-3000:]}")
        installed.update({n: wanted[n] for n in todo})
        stamp.write_text(json.dumps(installed))
    tools: Dict[str, Dict[str, Any]] = {}
    for name, binary, version_args in (("ruff", "ruff", ["--version"]), ("bandit", "bandit", ["--version"]),
                                       ("detect-secrets", "detect-secrets", ["--version"]),
                                       ("semgrep", "semgrep", ["--version", "--disable-version-check"])):
        if name in errors:
            tools[name] = {"error": errors[name]}
            continue
        path = venv_bin(venv, binary)
        try:
            version = capture([str(path), *version_args], env=tool_env()).strip().splitlines()[0]
        except (OSError, RuntimeError) as exc:
            tools[name] = {"error": f"does not run: {exc}"}
            continue
        tools[name] = {"bin": str(path), "version": version, "pinned": wanted[name]}
    tools["detect-secrets-hook"] = {"bin": str(venv_bin(venv, "detect-secrets-hook")),
                                    "version": tools["detect-secrets"].get("version")}
    return tools


def tool_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.update(NO_COLOR="1", SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0",
               PYTHONWARNINGS="ignore", TERM="dumb")
    env.pop("CI", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: Python tools start from their .pyc files
    return env


def _imports_checkout(python: str) -> bool:
    try:
        where = capture([python, "-c", "import credlint, os; print(os.path.realpath(credlint.__file__))"],
                        timeout=60, cwd=tempfile.gettempdir()).strip()
    except (OSError, RuntimeError, subprocess.TimeoutExpired):
        return False
    return where.startswith(str(REPO.resolve()) + os.sep)


def setup_credlint(choice: Optional[str], source: str, cache: Path) -> Dict[str, Any]:
    """Which credlint is measured. By default a venv of its own
    (<cache>/credlint-venv) with `pip install` of the checkout, reinstalled on
    every run: the code measured is frozen for the whole run (an editable
    install would change under the benchmark if the checkout does) and is
    installed the way users get it, with compiled .pyc files. `source` is
    `worktree` (the checkout as it is, uncommitted changes included) or
    `head` (the last commit, via git archive). `choice`: an existing Python
    whose credlint is measured instead."""
    commit = dirty = None
    try:
        commit = capture(["git", "rev-parse", "--short", "HEAD"], cwd=str(REPO)).strip()
        dirty = bool(capture(["git", "status", "--porcelain", "--", "credlint", "rules", "pyproject.toml"],
                             cwd=str(REPO)).strip())
    except (OSError, RuntimeError):
        pass
    if choice:
        python, how = choice, f"`--credlint-python {choice}`"
        if _imports_checkout(python):
            how += " (credlint imported from this checkout: an editable install)"
        code = "as installed there"
    else:
        venv = cache / "credlint-venv"
        if not venv_bin(venv, "python").exists():
            log(f"credlint: creating {venv}")
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        with tempfile.TemporaryDirectory(dir=str(cache)) as tmp:
            if source == "head":
                archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=str(REPO), check=True,
                                         capture_output=True).stdout
                with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                    tar.extractall(tmp)
                target, code = tmp, f"commit {commit} (git archive HEAD)"
            else:
                target, code = str(REPO), f"the checkout's working tree (commit {commit}" + (
                    ", with uncommitted changes)" if dirty else ", clean)")
            log(f"credlint: pip install {code}")
            pip = [str(venv_bin(venv, "python")), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
            subprocess.run([*pip, target], check=True, env=tool_env())
            # pip skips a local project whose version is already installed: force the code in
            subprocess.run([*pip, "--force-reinstall", "--no-deps", target], check=True, env=tool_env())
        python = str(venv_bin(venv, "python"))
        how = f"a venv of its own (`pip install` of {code})"
    script = Path(python).parent / "credlint"
    argv = [str(script)] if script.exists() else [python, "-m", "credlint"]
    version = capture([*argv, "--version"], env=tool_env()).strip()
    return {"python": python, "argv": argv, "how": how, "version": version, "commit": commit, "dirty": dirty,
            "source": source if not choice else None}


class CacheDirs:
    """credlint keeps its rule index and results cache in CREDLINT_CACHE_DIR.
    Each credlint run gets a fresh directory; `primed()` also holds the rule
    index (built once after install, like a pyc), `empty()` does not."""

    def __init__(self, root: Path, credlint: Dict[str, Any]) -> None:
        self.root = root
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        self.template = root / "template"
        self.counter = 0
        env = self.env(str(self.template))
        capture([*credlint["argv"], "rules"], env=env)  # builds and signs the rule index

    def _next(self) -> Path:
        self.counter += 1
        return self.root / f"run{self.counter}"

    def primed(self) -> str:
        target = self._next()
        shutil.copytree(self.template, target)
        return str(target)

    def empty(self) -> str:
        target = self._next()
        target.mkdir()
        return str(target)

    @staticmethod
    def env(directory: str) -> Dict[str, str]:
        env = tool_env()
        env["CREDLINT_CACHE_DIR"] = directory
        env.pop("CREDLINT_CACHE_KEY", None)
        return env

    def cleanup(self) -> None:
        for child in self.root.iterdir():
            if child.name.startswith("run"):
                shutil.rmtree(child, ignore_errors=True)


# -- measuring ----------------------------------------------------------------------------------


class Command(NamedTuple):
    label: str
    make: Callable[[int], Dict[str, Any]]  # rep -> run_timed kwargs (argv, env, cwd, stdin...), fresh per run
    reps: Optional[int] = None  # None: the scenario's repetitions


def alternate(commands: Sequence[Command], reps: int, title: str) -> Dict[str, List[Run]]:
    """Run every command `reps` times (or its own `reps`), interleaved (A B C,
    B C A, ...): a change in the machine's load hits all of them alike."""
    runs: Dict[str, List[Run]] = {c.label: [] for c in commands}
    total = max([c.reps or reps for c in commands] or [0])
    for rep in range(total):
        shift = rep % len(commands)
        for command in list(commands[shift:]) + list(commands[:shift]):
            wanted = command.reps or reps
            if len(runs[command.label]) >= wanted:
                continue
            before = cpu_snapshot()
            run = run_timed(**command.make(len(runs[command.label])))
            run = run._replace(other_cpu=other_load(before, cpu_snapshot(), usable_cpus()))
            runs[command.label].append(run)
            log(f"{title} {len(runs[command.label])}/{wanted}: {command.label}: {fmt_seconds(run.wall)} "
                f"(rss {fmt_mb(run.maxrss_kb)}, rc {run.rc})")
    return runs


def stats_of(runs: Sequence[Run]) -> Dict[str, Any]:
    return {
        "wall": summarize([r.wall for r in runs]),
        "cpu": summarize([r.cpu for r in runs]),
        "maxrss_kb": max((r.maxrss_kb for r in runs), default=None),
        "other_cpu": summarize([r.other_cpu for r in runs]),
        "rcs": sorted({r.rc for r in runs}),
        "raw": [r._asdict() for r in runs],
    }


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cpu_snapshot() -> Optional[Dict[str, float]]:
    """CPU seconds the whole machine has been busy (/proc/stat) and those this
    benchmark used (itself and every command it ran): the difference between
    two snapshots is what other processes took meanwhile."""
    try:
        with open("/proc/stat") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"busy": (user + nice + system + irq + softirq + steal) / hz, "steal": steal / hz,
            "ours": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
            "wall": time.monotonic()}


def other_load(before: Optional[Dict[str, float]], after: Optional[Dict[str, float]], ncpu: int) -> Optional[float]:
    """Share of the machine's CPU capacity that other processes used between two snapshots."""
    if not before or not after or after["wall"] <= before["wall"]:
        return None
    other = (after["busy"] - before["busy"]) - (after["ours"] - before["ours"])
    return max(0.0, other) / ((after["wall"] - before["wall"]) * ncpu)


_PROBE_SOURCE = "".join(
    f"def f{i}(a, b=1, *args, **kw):\n    x = [a + b * j for j in range({i})]\n    return {{'k': x, 'v': (a, b)}}\n"
    for i in range(1000))


def speed_probe() -> float:
    """Milliseconds to ast.parse a fixed 3,000-line module (best of 5): how
    fast the machine is right now (a shared VM's speed drifts)."""
    import ast

    best = None
    for _ in range(5):
        start = time.perf_counter()
        ast.parse(_PROBE_SOURCE)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best * 1000


def loadavg() -> Optional[Tuple[float, float, float]]:
    try:
        return os.getloadavg()
    except OSError:
        return None


# -- child scripts run with credlint's Python (run.py itself imports nothing of credlint) ------

IN_PROCESS_LINT = r"""
import json, sys, time
t0 = time.perf_counter()
from credlint.api import Workspace
t1 = time.perf_counter()
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as handle:
    data = handle.read()
project = Workspace().project_for(path)
try:  # as the language server lints: re-parse and re-walk only what an edit touched
    from credlint.languages import python
    python.use_incremental_parsing()
except (ImportError, AttributeError):  # a credlint from before incremental parsing
    pass
t2 = time.perf_counter()
lines = data.splitlines(keepends=True)
middle = len(lines) // 2
times, findings = [], []
for i in range(n + 1):
    # each call lints a new version of the buffer, as after a keystroke: a line typed mid-file
    buffer = data if i == 0 else b"".join(lines[:middle] + [b"# edit %d\n" % i] + lines[middle:])
    start = time.perf_counter()
    result = project.lint_source(path, buffer)
    times.append(time.perf_counter() - start)
    findings.append(sorted({f.rule_id for f in result.findings}))
print(json.dumps({"import": t1 - t0, "setup": t2 - t1, "first": times[0], "warm": times[1:],
                  "rules_found": findings[-1], "lines": data.count(b"\n")}))
"""

IN_PROCESS_PROFILE = r"""
import cProfile, sys
from credlint.api import Workspace
path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "rb") as handle:
    data = handle.read()
project = Workspace().project_for(path)
try:
    from credlint.languages import python
    python.use_incremental_parsing()
except (ImportError, AttributeError):
    pass
project.lint_source(path, data)
lines = data.splitlines(keepends=True)
middle = len(lines) // 2
profiler = cProfile.Profile()
profiler.enable()
for i in range(n):
    project.lint_source(path, b"".join(lines[:middle] + [b"# edit %d\n" % (i + 1)] + lines[middle:]))
profiler.disable()
profiler.dump_stats(out)
"""

READ_PREFILTER = r"""
import json, os, sys, time
from credlint import filetypes
from credlint.api import Workspace
from credlint.prefilter import rules_that_may_match
roots = sys.argv[1:]
linter = Workspace().project_for(roots[0]).linter
start = time.perf_counter()
paths = []
for root in roots:
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        paths.extend(os.path.join(directory, n) for n in sorted(names))
walk = time.perf_counter() - start
read = prefilter = 0.0
passed = size = 0
for path in paths:
    t = time.perf_counter()
    with open(path, "rb") as handle:
        data = handle.read()
    u = time.perf_counter()
    plan = linter.plan(filetypes.detect(path, data[:512]))
    if rules_that_may_match(data, plan):
        passed += 1
    v = time.perf_counter()
    read += u - t
    prefilter += v - u
    size += len(data)
print(json.dumps({"files": len(paths), "bytes": size, "walk": walk, "read": read, "prefilter": prefilter,
                  "passed": passed}))
"""

UNTRIGGERED = r"""
import json, sys
from credlint import filetypes
from credlint.api import Workspace
from credlint.prefilter import rules_that_may_match
paths = json.load(sys.stdin)
linter = Workspace().project_for(paths[0]).linter
out = []
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    if not rules_that_may_match(data, linter.plan(filetypes.detect(path, data[:512]))):
        out.append(path)
print(json.dumps(out))
"""


# -- the language server, driven over stdio (stdlib JSON-RPC client) -----------------------------


class LspClient:
    def __init__(self, argv: Sequence[str], env: Dict[str, str], cwd: str) -> None:
        self.proc = subprocess.Popen(list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        self.messages: "queue.Queue[Optional[Dict[str, Any]]]" = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        self.messages.put(None)
                        return
                    line = line.strip()
                    if not line:
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = stream.read(length or 0)
                self.messages.put(json.loads(body))
        except (OSError, ValueError):
            self.messages.put(None)

    def send(self, message: Dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method: str, params: Any) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait_for(self, predicate: Callable[[Dict[str, Any]], bool], timeout: float = 60) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the language server did not answer")
            message = self.messages.get(timeout=remaining)
            if message is None:
                raise RuntimeError("the language server exited")
            if "method" in message and "id" in message:  # a request from the server: answer it
                params = message.get("params") or {}
                result = [None] * len(params.get("items", [])) if message["method"] == "workspace/configuration" else None
                self.send({"id": message["id"], "result": result})
                continue
            if predicate(message):
                return message

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.send({"method": "exit"})
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


def lsp_round_trips(credlint: Dict[str, Any], env: Dict[str, str], path: Path, changes: int) -> Dict[str, Any]:
    """didOpen, then `changes` didChange notifications (a comment line typed in
    the middle of the file each time): the time from sending each change to
    receiving the publishDiagnostics for that version."""
    uri = path.resolve().as_uri()
    text = path.read_text(encoding="utf-8")
    middle = len(text.splitlines()) // 2
    start = time.perf_counter()
    client = LspClient([*credlint["argv"], "lsp"], env, str(path.parent))
    try:
        init = client.request("initialize", {
            "processId": os.getpid(), "rootUri": path.parent.resolve().as_uri(),
            "workspaceFolders": [{"uri": path.parent.resolve().as_uri(), "name": "ide"}],
            "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": True},
                                              "synchronization": {"didSave": True}}},
        })
        client.wait_for(lambda m: m.get("id") == init)
        client.send({"method": "initialized", "params": {}})
        ready = time.perf_counter() - start

        def published(version: int) -> Callable[[Dict[str, Any]], bool]:
            return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"].get("uri") == uri and m["params"].get("version") == version)

        t = time.perf_counter()
        client.send({"method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}})
        opened = client.wait_for(published(1))
        first = time.perf_counter() - t
        times = []
        diagnostics = len(opened["params"]["diagnostics"])
        for i in range(changes):
            version = i + 2
            t = time.perf_counter()
            client.send({"method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": middle, "character": 0},
                                              "end": {"line": middle, "character": 0}},
                                    "text": f"# edit {i}\n"}]}})
            message = client.wait_for(published(version))
            times.append(time.perf_counter() - t)
            diagnostics = len(message["params"]["diagnostics"])
    finally:
        client.close()
    return {"startup_to_initialized": ready, "did_open": first, "did_change": times, "diagnostics": diagnostics}


# -- scenarios ----------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cache = Path(args.cache_dir).resolve()
        self.reps = args.reps or (2 if args.quick else 5)
        self.ncpu = usable_cpus()
        self.results: Dict[str, Any] = {"scenarios": {}, "load": []}
        self._snapshot: Optional[Dict[str, float]] = None
        self.out = self.cache / "out"

    # -- setup --

    def setup(self) -> None:
        self.cache.mkdir(parents=True, exist_ok=True)
        if self.out.exists():
            shutil.rmtree(self.out)
        self.out.mkdir()
        self.results["started"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        self.results["machine"] = machine()
        self.corpus_info = fetch_corpus(self.cache)
        self.repo = self.cache / "corpus"
        self.corpus = self.repo / "src"
        self.results["corpus"] = self.corpus_info
        self.tools = setup_tools(self.cache / "tools-venv", self.args.quick, self.args.skip_semgrep)
        self.results["tools"] = self.tools
        self.credlint = setup_credlint(self.args.credlint_python, self.args.credlint_source, self.cache)
        self.results["credlint"] = self.credlint
        self.dirs = CacheDirs(self.cache / "credlint-cache", self.credlint)
        self.results["rss_floor_kb"] = run_timed(["true"]).maxrss_kb
        self.results["reps"] = self.reps
        self.results["quick"] = bool(self.args.quick)
        log(f"credlint {self.credlint['version']} via {self.credlint['how']}")
        for name, tool in self.tools.items():
            log(f"{name}: {tool.get('version') or tool.get('error')}")

    def mark_load(self, what: str) -> None:
        """Load average now, and how much CPU other processes took since the last mark."""
        snapshot = cpu_snapshot()
        previous = self._snapshot
        self._snapshot = snapshot
        entry = {"at": what, "loadavg": loadavg(), "time": time.time(), "probe_ms": speed_probe()}
        if self.results["load"]:
            self.results["load"][-1]["other_cpu_until_next"] = other_load(previous, snapshot, self.ncpu)
            if previous and snapshot and snapshot["wall"] > previous["wall"]:
                self.results["load"][-1]["steal_until_next"] = (snapshot["steal"] - previous["steal"]) / (
                    (snapshot["wall"] - previous["wall"]) * self.ncpu)
        self.results["load"].append(entry)

    def available(self, name: str) -> bool:
        return "bin" in self.tools.get(name, {})

    def cl(self, *args: str) -> List[str]:
        return [*self.credlint["argv"], *args]

    # -- scenario 1 and 5: the full corpus, cold --

    def full_scan_commands(self, slow: Dict[str, int]) -> List[Command]:
        """The timed commands. The slow competitors write their machine-readable
        report to a file (as cheap as /dev/null) so that their timed runs also
        tell what they scanned and found: a separate run of each would cost
        minutes."""
        corpus, repo, out = str(self.corpus), str(self.repo), self.out
        commands = [
            Command("credlint", lambda i: {"argv": self.cl("--no-cache", "-q", "--exit-zero", corpus),
                                           "env": self.dirs.env(self.dirs.primed())}),
            Command("credlint (rule index not built yet)", lambda i: {
                "argv": self.cl("--no-cache", "-q", "--exit-zero", corpus), "env": self.dirs.env(self.dirs.empty())}),
        ]
        env = tool_env()
        if self.available("ruff"):
            commands.append(Command("ruff", lambda i: {
                "argv": [self.tools["ruff"]["bin"], "check", "--no-cache", "--select", "S105,S106,S107", "--exit-zero",
                         "-q", corpus], "env": env}))
        if self.available("bandit"):
            commands.append(Command("bandit", lambda i: {
                "argv": [self.tools["bandit"]["bin"], "-q", "-r", corpus, "-t", "B105,B106,B107", "-f", "json",
                         "-o", str(out / f"bandit-{i}.json")], "env": env}, slow.get("bandit")))
        if self.available("detect-secrets"):
            commands.append(Command("detect-secrets", lambda i: {
                "argv": [self.tools["detect-secrets"]["bin"], "scan", corpus], "env": env, "cwd": repo,
                "stdout": str(out / f"detect-secrets-{i}.json")}, slow.get("detect-secrets")))
        if self.available("semgrep"):
            commands.append(Command("semgrep", lambda i: {
                "argv": self.semgrep_argv(corpus, "--json", "--output", str(out / f"semgrep-{i}.json")), "env": env,
                "cwd": repo}, slow.get("semgrep")))
        return commands

    def semgrep_argv(self, target: str, *extra: str) -> List[str]:
        return [self.tools["semgrep"]["bin"], "scan", "--config", str(SEMGREP_RULES), "--metrics=off",
                "--disable-version-check", "-q", "--jobs", str(self.ncpu), *extra, target]

    def verify_fast(self) -> Dict[str, Any]:
        """An untimed run of credlint and ruff with machine-readable output: how
        many files each looked at and what it found (proof that it did the
        work; also a warm-up: page cache, pyc files)."""
        corpus = str(self.corpus)
        env = tool_env()
        out: Dict[str, Any] = {}
        text = self.out / "credlint.txt"
        report = self.out / "credlint.json"
        run_timed(self.cl("--no-cache", "--exit-zero", "--no-show-source", "--format", "json", "--output", str(report),
                          corpus), env=self.dirs.env(self.dirs.primed()), stdout=str(text))
        summary = text.read_text(errors="replace")
        findings = json.loads(report.read_text())
        m = re.search(r"in (\d+) of (\d+) files", summary) or re.search(r"(\d+) files", summary)
        out["credlint"] = {"files": int(m.group(m.lastindex)) if m else None, "findings": len(findings),
                           "by_rule": _count(f["rule"] for f in findings)}
        if self.available("ruff"):
            ruff = self.tools["ruff"]["bin"]
            listing = capture([ruff, "check", "--no-cache", "--show-files", "--select", "S105,S106,S107", corpus],
                              env=env)
            report = self.out / "ruff.json"
            run_timed([ruff, "check", "--no-cache", "--select", "S105,S106,S107", "--exit-zero", "--output-format",
                       "json", "-o", str(report), corpus], env=env)
            findings = json.loads(report.read_text() or "[]")
            out["ruff"] = {"files": sum(1 for line in listing.splitlines() if line.strip().endswith(".py")),
                           "findings": len(findings), "by_rule": _count(f["code"] or "syntax-error" for f in findings)}
        return out

    def verify_slow(self) -> Dict[str, Any]:
        """What bandit, detect-secrets and semgrep scanned and found, from the
        report of their first timed run."""
        out: Dict[str, Any] = {}
        report = self.out / "bandit-0.json"
        if report.exists():
            data = json.loads(report.read_text())
            out["bandit"] = {"files": len([k for k in data.get("metrics", {}) if k != "_totals"]),
                             "findings": len(data.get("results", [])),
                             "by_rule": _count(r["test_id"] for r in data.get("results", [])),
                             "errors": len(data.get("errors", []))}
        report = self.out / "detect-secrets-0.json"
        if report.exists():
            data = json.loads(report.read_text())
            secrets = [x for items in data.get("results", {}).values() for x in items]
            tracked = sum(1 for line in capture(["git", "ls-files", "--", str(self.corpus)], cwd=str(self.repo)
                                                ).splitlines() if line.strip())
            out["detect-secrets"] = {"files": tracked, "files_note": "the repository's tracked files under it",
                                     "findings": len(secrets), "by_rule": _count(x["type"] for x in secrets)}
        report = self.out / "semgrep-0.json"
        if report.exists():
            data = json.loads(report.read_text())
            results = data.get("results", [])
            out["semgrep"] = {"files": len(data.get("paths", {}).get("scanned", [])), "findings": len(results),
                              "by_rule": _count(r["check_id"].rsplit(".", 1)[-1] for r in results),
                              "errors": len(data.get("errors", []))}
        return out

    def scenario_full(self) -> None:
        self.mark_load("1. full scan")
        log("scenario 1: full corpus, cold")
        verification = self.verify_fast()
        slow_reps = self.args.slow_reps or (1 if self.args.quick else 3)
        slow = {name: slow_reps for name in ("bandit", "detect-secrets", "semgrep")}
        runs = alternate(self.full_scan_commands(slow), self.reps, "full scan")
        verification.update(self.verify_slow())
        for name, info in verification.items():
            log(f"verify: {name}: {info.get('files')} files, {info.get('findings')} findings")
        stats = {label: stats_of(r) for label, r in runs.items()}
        self.results["scenarios"]["full"] = {"stats": stats, "verify": verification}

    # -- scenario 2: cache hit --

    def scenario_cache(self) -> None:
        self.mark_load("2. cache hit")
        log("scenario 2: re-run with nothing changed (cache hit)")
        corpus = str(self.corpus)
        fill, hit = [], []
        for rep in range(self.reps):
            env = self.dirs.env(self.dirs.primed())
            fill.append(run_timed(self.cl("-q", "--exit-zero", corpus), env=env))
            hit.append(run_timed(self.cl("-q", "--exit-zero", corpus), env=env))
            log(f"cache rep {rep + 1}/{self.reps}: fill {fmt_seconds(fill[-1].wall)}, hit {fmt_seconds(hit[-1].wall)}")
        self.results["scenarios"]["cache"] = {"stats": {"credlint (cache fill)": stats_of(fill),
                                                        "credlint (cache hit)": stats_of(hit)}}
        self.dirs.cleanup()

    # -- scenario 3: pre-commit --

    def pick_precommit_files(self) -> List[Path]:
        """Five real corpus files of 200-400 lines that contain no trigger of any
        credlint rule (credlint's own prefilter decides), one from each of five
        packages, chosen deterministically."""
        candidates = []
        for path in sorted(self.corpus.rglob("*.py")):
            if ".git" in path.parts:
                continue
            data = path.read_bytes()
            if 200 <= data.count(b"\n") <= 400 and b"test" not in path.name.encode():
                candidates.append(str(path))
        clean = json.loads(capture([self.credlint["python"], "-c", UNTRIGGERED], cwd=str(self.out),
                                   input_bytes=json.dumps(candidates).encode(), env=self.dirs.env(self.dirs.primed())))
        by_package: Dict[str, List[str]] = {}
        for path in clean:
            by_package.setdefault(Path(path).relative_to(self.corpus).parts[0], []).append(path)
        chosen = []
        for package in sorted(by_package, key=lambda p: -len(by_package[p])):
            files = by_package[package]
            chosen.append(Path(files[len(files) // 2]))
            if len(chosen) == 5:
                break
        if len(chosen) < 5:
            raise RuntimeError("not enough untriggered 200-400 line files in the corpus")
        return chosen

    def scenario_precommit(self) -> None:
        self.mark_load("3. pre-commit")
        log("scenario 3: pre-commit shape (5 files)")
        base = self.cache / "precommit"
        if base.exists():
            shutil.rmtree(base)
        chosen = self.pick_precommit_files()
        sets = {"clean": base / "clean", "finding": base / "finding"}
        files: Dict[str, List[str]] = {}
        for kind, directory in sets.items():
            directory.mkdir(parents=True)
            names = []
            for i, source in enumerate(chosen):
                rel = Path(source).relative_to(self.corpus)
                name = f"{i + 1}_{rel.parts[0].split('-')[0].lower()}_{rel.name}"
                data = source.read_text(encoding="utf-8")
                if kind == "finding" and i == len(chosen) - 1:
                    data += planted_snippet()
                (directory / name).write_text(data, encoding="utf-8")
                names.append(name)
            make_repo(directory)
            files[kind] = names
        lines = {kind: [(sets[kind] / n).read_bytes().count(b"\n") for n in names] for kind, names in files.items()}
        env = tool_env()
        out: Dict[str, Any] = {"files": {k: [str(Path(p).relative_to(self.corpus)) for p in chosen] for k in ("source",)},
                               "lines": lines}
        for kind, directory in sets.items():
            names = files[kind]
            cwd = str(directory)
            commands = [Command("credlint", lambda i, names=names, cwd=cwd: {
                "argv": self.cl("--force-exclude", *names), "env": self.dirs.env(self.dirs.primed()), "cwd": cwd})]
            if self.available("detect-secrets"):
                commands.append(Command("detect-secrets-hook", lambda i, names=names, cwd=cwd: {
                    "argv": [self.tools["detect-secrets-hook"]["bin"], *names], "env": env, "cwd": cwd}))
            if self.available("ruff"):
                commands.append(Command("ruff (reference)", lambda i, names=names, cwd=cwd: {
                    "argv": [self.tools["ruff"]["bin"], "check", "--no-cache", "--force-exclude", "--select",
                             "S105,S106,S107", "-q", *names], "env": env, "cwd": cwd}))
            for command in commands:  # warm-up (pyc, page cache), untimed
                run_timed(**command.make(0))
            runs = alternate(commands, max(self.reps * 2, 5), f"pre-commit {kind}")
            out[kind] = {label: stats_of(r) for label, r in runs.items()}
        self.results["scenarios"]["precommit"] = out
        self.dirs.cleanup()

    # -- scenario 4: editor --

    def pick_ide_file(self) -> Path:
        """The real corpus file closest to 3,000 lines that this Python parses."""
        import ast

        best: Optional[Tuple[int, str, Path]] = None
        for path in self.corpus.rglob("*.py"):
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

    def scenario_ide(self) -> None:
        self.mark_load("4. editor")
        log("scenario 4: editor shape (one 3,000-line file)")
        base = self.cache / "ide"
        if base.exists():
            shutil.rmtree(base)
        base.mkdir(parents=True)
        source = self.pick_ide_file()
        app = base / "app.py"
        app.write_text(source.read_text(encoding="utf-8") + planted_snippet(), encoding="utf-8")
        make_repo(base)
        out: Dict[str, Any] = {"source": str(source.relative_to(self.corpus)), "lines": app.read_bytes().count(b"\n")}
        env = self.dirs.env(self.dirs.primed())
        stdin_argv = self.cl("--stdin-filename", "app.py", "-")
        check = capture(stdin_argv, env=env, cwd=str(base), input_bytes=app.read_bytes(), check=False)
        out["stdin_found"] = sorted(set(re.findall(r"\bCL\d{3}\b", check)))
        command = Command("credlint --stdin-filename app.py -", lambda i: {
            "argv": stdin_argv, "env": env, "cwd": str(base), "stdin": str(app)})
        run_timed(**command.make(0))
        runs = alternate([command], max(self.reps * 2, 5), "stdin")
        out["stdin"] = stats_of(runs[command.label])
        n = 20 if self.args.quick else 50
        raw = json.loads(capture([self.credlint["python"], "-c", IN_PROCESS_LINT, str(app), str(n)], env=env,
                                 cwd=str(base)))
        raw["warm_stats"] = summarize(raw["warm"])
        out["in_process"] = raw
        log(f"editor: in-process warm lint median {fmt_seconds(raw['warm_stats']['median'])}")
        prof = self.out / "lint_source.prof"
        capture([self.credlint["python"], "-c", IN_PROCESS_PROFILE, str(app), str(n), str(prof)], env=env, cwd=str(base))
        out["in_process_profile"] = {"calls": n, **summarize_profile(str(prof), stage_list=EDITOR_STAGES)}
        if (REPO / "credlint" / "lsp.py").exists():
            try:
                lsp = lsp_round_trips(self.credlint, env, app, n)
                lsp["did_change_stats"] = summarize(lsp["did_change"])
                out["lsp"] = lsp
                log(f"editor: lsp didChange -> publishDiagnostics median {fmt_seconds(lsp['did_change_stats']['median'])}")
            except Exception as exc:  # report, do not stop the benchmark
                out["lsp"] = {"error": f"{type(exc).__name__}: {exc}"}
                log(f"editor: lsp round trip failed: {exc}")
        self.results["scenarios"]["ide"] = out
        self.dirs.cleanup()

    # -- scenario 5: memory --

    def scenario_memory(self) -> None:
        self.mark_load("5. memory")
        log("scenario 5: memory of the cold full scan (process tree sampled)")
        samples = []
        for rep in range(1 if self.args.quick else 3):
            samples.append(run_sampled(self.cl("--no-cache", "-q", "--exit-zero", str(self.corpus)),
                                       env=self.dirs.env(self.dirs.primed())))
            log(f"memory rep {rep + 1}: tree rss {fmt_mb(samples[-1]['tree_rss_kb'])}, "
                f"tree pss {fmt_mb(samples[-1]['tree_pss_kb'])}, largest process {fmt_mb(samples[-1]['maxrss_kb'])}")
        self.results["scenarios"]["memory"] = {"samples": samples}
        self.dirs.cleanup()

    # -- scenario 6: scale --

    def scenario_scale(self) -> None:
        self.mark_load("6. scale")
        scales = [1] if self.args.quick else [1, 2, 4]
        log(f"scenario 6: scale {scales}")
        base = self.cache / "scale"
        if base.exists():
            shutil.rmtree(base)
        targets: Dict[int, List[str]] = {}
        for k in scales:
            target = base / f"x{k}"
            copies = [target / f"copy{i + 1}" for i in range(k)]
            for copy in copies:
                shutil.copytree(self.corpus, copy)
            make_repo(target, commit=False)  # a repository root: the checkout's .gitignore stops here
            targets[k] = [str(c) for c in copies]
        commands = [Command(f"{k}x", lambda i, t=targets[k]: {"argv": self.cl("--no-cache", "-q", "--exit-zero", *t),
                                                               "env": self.dirs.env(self.dirs.primed())})
                    for k in scales]
        for command in commands:
            run_timed(**command.make(0))  # page cache
        runs = alternate(commands, self.reps, "scale")
        out: Dict[str, Any] = {"scales": scales, "stats": {}, "read_prefilter": {}}
        for k, command in zip(scales, commands):
            out["stats"][f"{k}x"] = stats_of(runs[command.label])
            rp = []
            for _ in range(3 if not self.args.quick else 1):
                rp.append(json.loads(capture([self.credlint["python"], "-c", READ_PREFILTER, *targets[k]], cwd=str(self.out),
                                             env=self.dirs.env(self.dirs.primed()))))
            best = min(rp, key=lambda r: r["read"] + r["prefilter"])
            out["read_prefilter"][f"{k}x"] = best
            log(f"scale {k}x: read {fmt_seconds(best['read'])}, prefilter {fmt_seconds(best['prefilter'])}, "
                f"{best['passed']} of {best['files']} files pass the prefilter")
        medians = [out["stats"][f"{k}x"]["wall"]["median"] for k in scales]
        out["verdict"] = scaling_verdict(scales, medians) if len(scales) > 1 else None
        self.results["scenarios"]["scale"] = out
        shutil.rmtree(base, ignore_errors=True)
        self.dirs.cleanup()

    # -- profile --

    def profile(self) -> None:
        self.mark_load("profile")
        log("profile: cProfile of the cold full scan, one process (-j1)")
        prof = self.out / "credlint.prof"
        argv = [self.credlint["python"], "-m", "cProfile", "-o", str(prof), "-m", "credlint", "--no-cache", "-q",
                "--exit-zero", "-j1", str(self.corpus)]
        unprofiled = run_timed(self.cl("--no-cache", "-q", "--exit-zero", "-j1", str(self.corpus)),
                               env=self.dirs.env(self.dirs.primed()))
        # cwd: not the checkout, or `-m` would import credlint from there instead of the measured install
        run = run_timed(argv, env=self.dirs.env(self.dirs.primed()), cwd=str(self.out))
        summary = summarize_profile(str(prof))
        code = sorted({f for (f, _, _) in pstats.Stats(str(prof)).stats if f.replace(os.sep, "/").endswith("/credlint/cli.py")})  # type: ignore[attr-defined]
        self.results["profile"] = {"unprofiled_j1_wall": unprofiled.wall, "profiled_wall": run.wall,
                                   "profiled_code": os.path.dirname(code[0]) if code else None, **summary}
        self.dirs.cleanup()


def _count(items: Iterable[str]) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return dict(sorted(out.items()))


# -- the profile's summary ----------------------------------------------------------------------

# (label, file suffix, function name, "cum" or "tot"): the stages of a cold run.
# (label, file suffix, function name): the stages of a cold run, by cumulative time
# (cProfile counts a recursive function's time once, at its outermost call).
PROFILE_STAGES = (
    ("imports (start-up, and lazy ones later)", None, "_find_and_load"),
    ("rules: load the signed index, compile", "ruleset.py", "load_rules"),
    ("discovery: walk, excludes, .gitignore", "api.py", "candidates"),
    ("linting, all files (runner)", "runner.py", "lint_candidates"),
    ("- read the files", None, "<method 'read' of '_io.BufferedReader' objects>"),
    ("- prefilter: token scans of the raw bytes", "prefilter.py", "rules_that_may_match"),
    ("- analysis of the files past the prefilter", "engine.py", "_analyze"),
    ("-- ast.parse", "languages/python/__init__.py", "parse"),
    ("-- name resolution walk", "languages/python/names.py", "_walk"),
    ("-- SDK call analysis", "languages/python/calls.py", "analyze_calls"),
)


EDITOR_STAGES = (
    ("lint_source, total", "api.py", "lint_source"),
    ("- prefilter", "prefilter.py", "rules_that_may_match"),
    ("- analysis", "engine.py", "_analyze"),
    ("-- ast.parse", "languages/python/__init__.py", "parse"),
    ("-- name resolution walk", "languages/python/names.py", "_walk"),
    ("-- SDK call analysis", "languages/python/calls.py", "analyze_calls"),
    ("- findings: messages, redaction, fingerprints", "engine.py", "_finish"),
)


def summarize_profile(path: str, top: int = 15, stage_list: Sequence[Tuple[Optional[str], Optional[str], str]] = PROFILE_STAGES
                      ) -> Dict[str, Any]:
    stats = pstats.Stats(path)
    raw = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (cc, nc, tt, ct, callers) in raw.items():
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
        line = f"The prefilter is {_pct(pre / total)} of the run ({fmt_seconds(pre)} profiled) for {files:,} files"
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
        out.append(f"Analysis of the {analyzed:,} files past the prefilter is {_pct(ana / total)} ({fmt_seconds(ana)}): "
                   f"ast.parse {fmt_seconds(parse)}, the name-resolution walk {fmt_seconds(walk)}, "
                   f"SDK call analysis {fmt_seconds(calls)}.")
    disc, _ = get("discovery")
    imp, _ = get("imports")
    rules, _ = get("rules")
    if disc is not None:
        out.append(f"Discovery (walk, excludes, .gitignore) is {_pct(disc / total)} ({fmt_seconds(disc)}); imports "
                   f"{fmt_seconds(imp)} and loading the rules {fmt_seconds(rules)} are the fixed start-up cost.")
    return out


def _short(filename: str) -> str:
    filename = filename.replace(os.sep, "/")
    for marker in ("/credlint/", "/site-packages/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1] if marker != "/credlint/" else "credlint/" + filename.split(marker, 1)[1]
    return filename


# -- the machine --------------------------------------------------------------------------------


def machine() -> Dict[str, Any]:
    info: Dict[str, Any] = {"python": sys.version.split()[0], "platform": platform.platform()}
    try:
        info["cpu_model"], info["cpu_count"] = parse_cpuinfo(Path("/proc/cpuinfo").read_text())
    except OSError:
        info["cpu_model"], info["cpu_count"] = platform.processor(), os.cpu_count()
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        info["ram_gb"] = round(int(m.group(1)) / 1024 / 1024, 1) if m else None
    except OSError:
        info["ram_gb"] = None
    try:
        m = re.search(r'^PRETTY_NAME="?([^"\n]+)', Path("/etc/os-release").read_text(), re.M)
        info["os"] = f"{m.group(1) if m else platform.system()}, kernel {platform.release()}"
    except OSError:
        info["os"] = f"{platform.system()} {platform.release()}"
    return info


# -- RESULTS.md ---------------------------------------------------------------------------------


def _wall(stats: Dict[str, Any], label: str) -> Optional[float]:
    entry = stats.get(label)
    return entry["wall"]["median"] if entry else None


def evaluate(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The targets of issue 5: [{scenario, target, measured, ok}] (ok None: not measured)."""
    s = results.get("scenarios", {})
    out: List[Dict[str, Any]] = []

    def add(scenario: str, target: str, measured: str, ok: Optional[bool]) -> None:
        out.append({"scenario": scenario, "target": target, "measured": measured, "ok": ok})

    if "full" in s:
        st = s["full"]["stats"]
        mine = _wall(st, "credlint")
        ruff = _wall(st, "ruff")
        r = ratio(mine, ruff)
        add("1. full scan, cold", f"credlint <= {TARGET_COLD_VS_RUFF:g}x ruff",
            f"{fmt_seconds(mine)} vs {fmt_seconds(ruff)}: {fmt_ratio(r)}",
            None if r is None else r <= TARGET_COLD_VS_RUFF)
        for tool in ("bandit", "detect-secrets", "semgrep"):
            other = _wall(st, tool)
            r = ratio(mine, other)
            add("1. full scan, cold", f"credlint faster than {tool}",
                f"{fmt_seconds(mine)} vs {fmt_seconds(other)}: {fmt_ratio(r)}", None if r is None else r < 1)
    if "cache" in s:
        hit = _wall(s["cache"]["stats"], "credlint (cache hit)")
        add("2. re-run, cache hit", f"<= {fmt_seconds(TARGET_CACHE_HIT_S)}", fmt_seconds(hit),
            None if hit is None else hit <= TARGET_CACHE_HIT_S)
    if "precommit" in s:
        pc = s["precommit"]
        clean = _wall(pc.get("clean", {}), "credlint")
        add("3a. pre-commit, 5 clean files", f"<= {fmt_seconds(TARGET_PRECOMMIT_CLEAN_S)}", fmt_seconds(clean),
            None if clean is None else clean <= TARGET_PRECOMMIT_CLEAN_S)
        found = _wall(pc.get("finding", {}), "credlint")
        add("3b. pre-commit, 1 finding", f"<= {fmt_seconds(TARGET_PRECOMMIT_FINDING_S)}", fmt_seconds(found),
            None if found is None else found <= TARGET_PRECOMMIT_FINDING_S)
        hook = _wall(pc.get("finding", {}), "detect-secrets-hook")
        r = ratio(found, hook)
        add("3b. pre-commit, 1 finding", "faster than detect-secrets-hook",
            f"{fmt_seconds(found)} vs {fmt_seconds(hook)}: {fmt_ratio(r)}", None if r is None else r < 1)
    if "ide" in s:
        ide = s["ide"]
        stdin = ide.get("stdin", {}).get("wall", {}).get("median")
        add("4. editor, stdin, 3,000 lines", f"<= {fmt_seconds(TARGET_STDIN_S)}", fmt_seconds(stdin),
            None if stdin is None else stdin <= TARGET_STDIN_S)
        warm = ide.get("in_process", {}).get("warm_stats", {}).get("median")
        add("4. editor, warm re-lint (in process, as the server lints)", f"<= {fmt_seconds(TARGET_LSP_WARM_S)}", fmt_seconds(warm),
            None if warm is None else warm <= TARGET_LSP_WARM_S)
        lsp = ide.get("lsp", {}).get("did_change_stats", {}).get("median")
        if "lsp" in ide:
            add("4. editor, LSP didChange -> diagnostics", f"<= {fmt_seconds(TARGET_LSP_WARM_S)}", fmt_seconds(lsp),
                None if lsp is None else lsp <= TARGET_LSP_WARM_S)
    if "memory" in s:
        samples = s["memory"]["samples"]
        tree = max((x["tree_pss_kb"] or 0 for x in samples), default=0) or None
        rss = max((x["tree_rss_kb"] or 0 for x in samples), default=0) or None
        largest = max((x["maxrss_kb"] or 0 for x in samples), default=0) or None
        measured = f"tree PSS {fmt_mb(tree)} (tree RSS sum {fmt_mb(rss)}, largest process {fmt_mb(largest)})"
        add("5. memory, full scan", f"peak <= {TARGET_PEAK_RSS_MB} MB", measured,
            None if tree is None and largest is None else (tree or largest) <= TARGET_PEAK_RSS_MB * 1024)
    if "scale" in s and s["scale"].get("verdict"):
        v = s["scale"]["verdict"]
        add("6. scale 1x/2x/4x", "time grows linearly (or better)",
            f"per-corpus time at 4x is {v['worst_per_unit_vs_1x']:.2f}x that at 1x" if v["worst_per_unit_vs_1x"] else "n/a",
            v["linear"])
    return out


def _pct(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _stat_row(label: str, st: Dict[str, Any], reference: Optional[float], extra: Sequence[str] = ()) -> List[str]:
    w = st["wall"]
    other = st.get("other_cpu") or {}
    return [label, fmt_seconds(w["median"]), fmt_seconds(w["min"]), fmt_seconds(w["max"]), str(w["n"]),
            fmt_seconds(st["cpu"]["median"]), fmt_mb(st["maxrss_kb"]), _pct(other.get("max")),
            fmt_ratio(ratio(reference, w["median"])) if reference is not None else "", *extra]


STAT_HEADERS = ["command", "median", "min", "max", "n", "CPU (median)", "peak RSS, largest process",
                "others' CPU (max)", "credlint / this"]


def render_results(results: Dict[str, Any], command: str) -> str:
    m = results["machine"]
    c = results["corpus"]
    cl = results["credlint"]
    tools = results["tools"]
    s = results["scenarios"]
    lines: List[str] = []
    w = lines.append
    w("# credlint benchmark results")
    w("")
    w(f"Generated by `benchmarks/run.py` on {results['started']}"
      f"{' (--quick: fewer repetitions, not for quoting)' if results.get('quick') else ''}. Reproduce with:")
    w("")
    w("```sh")
    w(command)
    w("```")
    w("")
    w("Times are wall-clock medians of interleaved repetitions (A B C, B C A, ...); ratios are")
    w("credlint's median divided by the other command's (below 1: credlint is faster). Each command runs in a")
    w("fresh launcher process that times it and reads getrusage(RUSAGE_CHILDREN): CPU is the whole process")
    w("tree's, peak RSS the largest single process's (the launcher's own "
      f"{fmt_mb(results.get('rss_floor_kb'))} is the floor). \"Others' CPU\" is the share of the machine's CPU")
    w("that other processes, or the hypervisor (steal), took during a run (from /proc/stat): above a few percent,")
    w("the run was disturbed.")
    w("")
    w("## Machine")
    w("")
    load = [e for e in results.get("load", []) if e["at"] != "end"]
    w(markdown_table(["", ""], [
        ["CPU", f"{m.get('cpu_model')} x {m.get('cpu_count')} (usable: {m.get('cpus_usable', '?')})"],
        ["RAM", f"{m.get('ram_gb')} GB"],
        ["OS", m.get("os")],
        ["Python", f"{m.get('python')} (credlint and the Python tools run on it)"],
        ["credlint", f"{cl['version']}, commit {cl.get('commit')}{' with uncommitted changes' if cl.get('dirty') else ''}; "
                     f"run from {cl['how']}"],
        *[[name, tool.get("version") or tool.get("error")] for name, tool in tools.items()
          if name != "detect-secrets-hook"],
    ]))
    w("")
    if load:
        w("The machine while each scenario ran: the share of its CPU capacity that other processes (this")
        w("benchmark's excluded) and the hypervisor (steal; included in the first column) took, from /proc/stat;")
        w("the 1-minute load average at the scenario's start (the benchmark's own processes included); and a speed")
        w("probe, the time to ast.parse a fixed 3,000-line module (best of 5), which shows a shared VM's drift.")
        w("")
        w(markdown_table(["scenario", "others' CPU", "of which steal", "load average at start", "speed probe"], [
            [e["at"], _pct(e.get("other_cpu_until_next")), _pct(e.get("steal_until_next")),
             f"{e['loadavg'][0]:.2f}" if e.get("loadavg") else "n/a",
             f"{e['probe_ms']:.1f} ms" if e.get("probe_ms") else "n/a"] for e in load]))
        w("")
    w("## Corpus")
    w("")
    w(f"{c['files']:,} `.py` files, {c['lines']:,} lines, {c['bytes'] / 1e6:.1f} MB: the `*.py` files of these sdists "
      "(PyPI, sha256 checked against the index), committed to a git repository of their own:")
    w("")
    w(", ".join(f"{p['name']} {p['version']} ({p['py_files']})" for p in c.get("packages", [])) + ".")
    w("")
    w("## Targets")
    w("")
    w(markdown_table(["scenario", "target", "measured", "result"],
                     [[e["scenario"], e["target"], e["measured"], f"**{verdict(e['ok'])}**"] for e in evaluate(results)]))
    w("")

    if "full" in s:
        st = s["full"]["stats"]
        mine = _wall(st, "credlint")
        w("## 1. Full scan of the corpus, cold (no cache)")
        w("")
        w(markdown_table(STAT_HEADERS, [_stat_row(label, stat, mine) for label, stat in st.items()]))
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
    if "cache" in s:
        st = s["cache"]["stats"]
        w("## 2. Re-run with nothing changed (cache hit)")
        w("")
        w("Each repetition: a fresh cache directory, `credlint -q --exit-zero <corpus>` once to fill it (first row),")
        w("then the same command again (second row, the one the target is about).")
        w("")
        w(markdown_table(STAT_HEADERS[:-1], [_stat_row(label, stat, None)[:-1] for label, stat in st.items()]))
        w("")
    if "precommit" in s:
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
            mine = _wall(pc[kind], "credlint")
            w(f"### {title}")
            w("")
            w(markdown_table(STAT_HEADERS + ["exit codes"], [
                _stat_row(label, stat, mine, [",".join(map(str, stat["rcs"]))]) for label, stat in pc[kind].items()]))
            w("")
    if "ide" in s:
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
            rows.append(["in process: `Workspace().project_for(path).lint_source(path, data)` with the server's incremental parsing, warm calls",
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
    if "memory" in s:
        samples = s["memory"]["samples"]
        w("## 5. Memory: the cold full scan")
        w("")
        w("credlint's process tree (the main process and its pool's workers) sampled every 20 ms from /proc: the")
        w("peak of the summed PSS (forked workers' shared pages counted once: the memory the run really takes)")
        w("and of the summed RSS (shared pages counted in every process), and wait4's peak RSS of the largest")
        w("single process. The target is judged on the tree's PSS. Competitors: the largest process's peak RSS")
        w("over their timed runs in scenario 1 (for reference; semgrep's is semgrep-core).")
        w("")
        rows = [["credlint", fmt_mb(x["tree_pss_kb"]), fmt_mb(x["tree_rss_kb"]), fmt_mb(x["maxrss_kb"]),
                 fmt_seconds(x["wall"])] for x in samples]
        for name, stat in s.get("full", {}).get("stats", {}).items():
            if not name.startswith("credlint"):
                rows.append([f"{name} (reference)", "", "", fmt_mb(stat["maxrss_kb"]), ""])
        w(markdown_table(["run", "peak tree PSS", "peak tree RSS (sum)", "peak RSS, largest process",
                          "wall (sampled, not a timing)"], rows))
        w("")
    if "scale" in s:
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
    p = results.get("profile")
    if p:
        w("## Where the time goes")
        w("")
        w(f"`python -m cProfile -m credlint --no-cache -q --exit-zero -j1 <corpus>` (one process, so about the CPU")
        w(f"time of a pooled run): {fmt_seconds(p['profiled_wall'])} profiled, {fmt_seconds(p['unprofiled_j1_wall'])} "
          f"without the profiler. Profiled code: `{p.get('profiled_code')}`.")
        w("")
        for line in profile_findings(p, s.get("scale")):
            w(f"- {line}")
        w("")
        w("Stages (cumulative time; nested stages are part of the one above):")
        w("")
        w(markdown_table(["stage", "calls", "seconds (profiled)", "share of the run"], [
            [x["stage"], f"{x['calls']:,}" if x.get("calls") else "", fmt_seconds(x["seconds"]),
             _pct(x["seconds"] / p["total"]) if x["seconds"] else ""] for x in p["stages"]]))
        w("")
        w("Top functions by own time:")
        w("")
        w(markdown_table(["function", "calls", "own time", "cumulative"], [
            [f"`{r['file']}:{r['line']}({r['function']})`" if r["line"] else f"`{r['function']}`", f"{r['calls']:,}",
             fmt_seconds(r["tottime"]), fmt_seconds(r["cumtime"])] for r in p["top"][:10]]))
        w("")
    return "\n".join(lines).rstrip() + "\n"


# -- main ---------------------------------------------------------------------------------------

SCENARIOS = ("full", "cache", "precommit", "ide", "memory", "scale", "profile")


def reproduce_command(argv: List[str]) -> str:
    """The command line to quote in the report, without local paths."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--cache-dir", "--results", "--credlint-python"):
            skip = True
            continue
        if arg.startswith(("--cache-dir=", "--results=", "--credlint-python=")):
            continue
        kept.append(arg)
    return " ".join(["python3 benchmarks/run.py", *kept])


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="2 repetitions, 1x scale only, semgrep skipped if it cannot be installed; "
                             "writes <cache-dir>/RESULTS-quick.md unless --results is given")
    parser.add_argument("--reps", type=int, default=0, help="repetitions per timed command (default 5, --quick 2)")
    parser.add_argument("--cache-dir", default=str(HERE / ".cache"),
                        help="downloads, the corpus (<dir>/corpus), the tools' venv (<dir>/tools-venv), "
                             "results.json (default: benchmarks/.cache)")
    parser.add_argument("--credlint-source", choices=("worktree", "head"), default="worktree",
                        help="what is installed into the benchmark's own credlint venv: the checkout as it is "
                             "(default) or its last commit")
    parser.add_argument("--credlint-python", help="measure the credlint of this Python instead (e.g. an editable "
                                                  "install in .venv/bin/python)")
    parser.add_argument("--slow-reps", type=int, default=0,
                        help="repetitions of the competitors that take minutes per run (bandit, detect-secrets, "
                             "semgrep; default 3, --quick 1)")
    parser.add_argument("--skip-semgrep", action="store_true", help="do not install or run semgrep")
    parser.add_argument("--only", help=f"comma-separated scenarios to run (of {', '.join(SCENARIOS)})")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: write the report again from <cache-dir>/results.json")
    parser.add_argument("--results", help="where to write the Markdown report (default: benchmarks/RESULTS.md)")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    wanted = SCENARIOS if not args.only else tuple(x.strip() for x in args.only.split(","))
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        print(f"run.py: unknown scenario(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if args.render_only:
        results = json.loads((Path(args.cache_dir) / "results.json").read_text())
        report = Path(args.results) if args.results else (Path(args.cache_dir) / "RESULTS-quick.md"
                                                         if results.get("quick") else HERE / "RESULTS.md")
        report.write_text(render_results(results, results.get("command", "python3 benchmarks/run.py")))
        log(f"wrote {report}")
        return 0
    bench = Bench(args)
    bench.setup()
    started = time.monotonic()
    for name in SCENARIOS:
        if name in wanted:
            getattr(bench, "profile" if name == "profile" else f"scenario_{name}")()
    bench.mark_load("end")
    results = bench.results
    results["duration_s"] = time.monotonic() - started
    command = reproduce_command(list(argv if argv is not None else sys.argv[1:]))
    results["command"] = command
    (bench.cache / "results.json").write_text(json.dumps(results, indent=2, default=str))
    report = Path(args.results) if args.results else (bench.cache / "RESULTS-quick.md" if args.quick
                                                     else HERE / "RESULTS.md")
    report.write_text(render_results(results, command))
    log(f"wrote {report} and {bench.cache / 'results.json'} ({results['duration_s'] / 60:.1f} min)")
    for entry in evaluate(results):
        print(f"{verdict(entry['ok']):4}  {entry['scenario']}: {entry['target']}: {entry['measured']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
