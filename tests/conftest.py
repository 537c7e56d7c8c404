from __future__ import annotations

import atexit
import contextlib
import os
import signal
import shutil
import subprocess
import tempfile
import sys
from typing import List, Optional, Sequence

import pytest

from credlint.api import Workspace, lint_bytes
from credlint.model import FileResult, Finding
from credlint.ruleset import load_rules
from credlint.settings import Overrides

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# credlint's user cache (results, the rule index, the signing key) lives in a
# temporary directory for the whole run, subprocesses included, from before
# any test module loads rules: the suite never writes to ~/.cache.
_USER_CACHE = tempfile.mkdtemp(prefix="credlint-test-cache-")
os.environ["CREDLINT_CACHE_DIR"] = _USER_CACHE
atexit.register(shutil.rmtree, _USER_CACHE, True)

# Property tests: no example database, and Hypothesis's own files (its
# constants and unicode caches) under the run's temporary directory, not
# ./.hypothesis; no deadline (CI machines vary). The default run tries a bounded number of inputs;
# CREDLINT_PROPERTY_EXAMPLES=5000 pytest -m property searches harder.
try:
    from hypothesis import HealthCheck, settings as _hypothesis_settings
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(os.path.join(_USER_CACHE, "hypothesis"))

    _hypothesis_settings.register_profile(
        "credlint", database=None, deadline=None, print_blob=False,
        max_examples=int(os.environ.get("CREDLINT_PROPERTY_EXAMPLES", "80")),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    _hypothesis_settings.load_profile("credlint")
except ImportError:  # the property tests skip themselves
    pass

# Fabricated keys in AWS's formats, for fixtures only. They are not AWS's
# documented examples (which credlint treats as placeholders).
KEY_ID = "AKIA2E3MOIH4N6CFVEX7"
SECRET = "q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"
KEY_ID_2 = "AKIAZ7QW3ERT5YUI2OPA"
SECRET_2 = "Hb3Nm7Qw1Er5Ty9Ui2Op6As0Df4Gh8Jk3Lz7Xc1V"


@pytest.fixture(scope="session")
def ruleset():
    return load_rules()


def workspace_at(root, ruleset=None, select: Optional[Sequence[str]] = None, incremental: bool = False,
                 **overrides) -> Workspace:
    """A workspace rooted at `root` that reads no config file and keeps no
    cache (unless `cache=True, cache_dir=...` say otherwise)."""
    overrides.setdefault("cache", False)
    return Workspace(Overrides(select=tuple(select) if select else None, **overrides),
                     isolated=True, root=str(root), ruleset=ruleset, incremental=incremental)


def lint_file(path, data: bytes, root=None, ruleset=None, select: Optional[Sequence[str]] = None) -> FileResult:
    """The result of linting `data` as the file at `path`, through the core call."""
    return lint_bytes(str(path), data, workspace_at(root or os.path.dirname(str(path)), ruleset, select))


@pytest.fixture
def lint(ruleset, tmp_path):
    """lint(code, filename=..., select=[...]) -> findings, for source given inline."""

    def run(code: str, filename: str = "app.py", select: Optional[Sequence[str]] = None) -> List[Finding]:
        result = lint_file(tmp_path / filename, code.encode("utf-8"), tmp_path, ruleset, select)
        assert not [n for n in result.notices if n.level == "error"], result.notices
        return list(result.findings)

    return run


class TooSlow(BaseException):
    """Not an Exception: the engine turns those into a notice and goes on."""


@contextlib.contextmanager
def deadline(seconds: int, what: str):
    """Fails the test if the block takes longer: for hangs (catastrophic
    backtracking), never for timings. Python's regex engine checks signals,
    so a runaway match is interrupted."""
    def expired(*_):
        raise TooSlow()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    except TooSlow:
        pytest.fail(f"{what} did not finish in {seconds} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(*args: str, cwd: Optional[str] = None, stdin: Optional[bytes] = None, env=None) -> subprocess.CompletedProcess:
    """credlint as a user runs it: a real process."""
    environment = dict(os.environ)
    environment.pop("FORCE_COLOR", None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "credlint", *args],
        cwd=cwd, input=stdin, capture_output=True, env=environment, timeout=120,
    )
