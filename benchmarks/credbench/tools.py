"""What is measured: the competitors, pinned, in a venv of their own; credlint,
installed into a venv of its own at the start of every run; and the cache
directories each credlint run gets."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional

from . import REPO, log
from .procs import capture

# The competitors, pinned (what pip resolved on Python 3.11 when this was written).
TOOL_PINS = {"ruff": "0.17.6", "bandit": "1.9.4", "detect-secrets": "1.5.0", "semgrep": "1.182.0"}

# pip install groups: one that fails (semgrep, in --quick) does not stop the others
INSTALL_GROUPS = (("ruff", "bandit", "detect-secrets"), ("semgrep",))

# name, executable, arguments that print its version
VERSION_COMMANDS = (("ruff", "ruff", ["--version"]), ("bandit", "bandit", ["--version"]),
                    ("detect-secrets", "detect-secrets", ["--version"]),
                    ("semgrep", "semgrep", ["--version", "--disable-version-check"]))


def venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def tool_env() -> Dict[str, str]:
    """The environment every tool runs in."""
    env = dict(os.environ)
    env.update(NO_COLOR="1", SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0",
               PYTHONWARNINGS="ignore", TERM="dumb")
    env.pop("CI", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: Python tools start from their .pyc files
    return env


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
    for group in INSTALL_GROUPS:
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
    for name, binary, version_args in VERSION_COMMANDS:
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


# The Python release of trufflehog (2.x; 3.x is a Go binary, not on PyPI), which scans
# every commit's diff on every branch; installed only when scenario 10 runs.
TRUFFLEHOG_PIN = ("truffleHog", "2.2.1")


def setup_trufflehog(venv: Path) -> Dict[str, Any]:
    """truffleHog 2.x into the competitors' venv (pinned, recorded in its stamp with
    the others); returns {bin, version, pinned} or {error}."""
    name, pin = TRUFFLEHOG_PIN
    stamp = venv / "credlint-benchmark-pins.json"
    python = venv_bin(venv, "python")
    installed: Dict[str, Any] = json.loads(stamp.read_text()) if stamp.exists() else {}
    if installed.get(name) != pin:
        log(f"tools: pip install {name}=={pin}")
        proc = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                               f"{name}=={pin}"], capture_output=True, text=True)
        if proc.returncode != 0:
            message = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["pip failed"]
            return {"error": f"not installed: {message[0]}"}
        installed[name] = pin
        stamp.write_text(json.dumps(installed))
    try:
        # it has no --version: the installed distributions say
        version = capture([str(python), "-c", "import importlib.metadata as m; "
                           "print(f\"truffleHog {m.version('truffleHog')} (GitPython {m.version('GitPython')}, "
                           "truffleHogRegexes {m.version('truffleHogRegexes')})\")"], env=tool_env()).strip()
    except (OSError, RuntimeError) as exc:
        return {"error": f"does not run: {exc}"}
    return {"bin": str(venv_bin(venv, "trufflehog")), "version": version, "pinned": pin}


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
