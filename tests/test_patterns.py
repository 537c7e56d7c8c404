"""Regexes in rule files (issue 13, item 11): a repository's pyproject.toml can
add rules (`extra-rules`), so a pull request can plant a regex that makes a
backtracking engine hang. Patterns from any rule file but credlint's own run
on RE2, in linear time; constructs RE2 lacks are errors at their line."""
from __future__ import annotations

import time

import pytest

from credlint.patterns import PatternError, compile_pattern

from conftest import run_cli

HOSTILE = "(a+)+$"

RULE = """\
id: EVIL001
name: evil-rule
severity: error
message: "evil {{context}}"
match:
  python:
    secret-assignment:
      names: '{names}'
      shapes: [secret-access-key]
triggers:
  - regex: '{trigger}'
docs:
  summary: x
  what: x
  why: x
  use_instead: x
  fix_safety: x
  references: [x]
examples:
  invalid:
    - code: |
        aaaa_secret = "q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"
      lines: [1]
  valid:
    - code: x = 1
"""


def test_a_catastrophic_pattern_from_a_repository_cannot_stall_the_run(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    hostile = "(a+)+_secret"  # on a run of a's not followed by `_secret`: 2**n tries for a backtracking engine
    (rules / "evil.yaml").write_text(RULE.format(names=hostile, trigger=hostile))
    (tmp_path / "pyproject.toml").write_text('[tool.credlint]\nextra-rules = ["rules"]\nselect = ["EVIL001"]\n')
    (tmp_path / "app.py").write_text("a" * 5000 + "b = 1\n" + "aaaa_secret = 'q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr'\n"
                                     + "#" + "a" * 100000 + "b\n")
    start = time.monotonic()
    proc = run_cli("--no-cache", "--format", "json", "app.py", cwd=str(tmp_path))
    assert time.monotonic() - start < 30, "a hostile rule regex stalled the run"
    assert proc.returncode == 1, proc.stderr.decode()  # and the rule still works
    assert b'"EVIL001"' in proc.stdout


def test_user_rules_cannot_use_constructs_without_a_linear_time_engine(tmp_path):
    path = tmp_path / "lookbehind.yaml"
    path.write_text(RULE.format(names="secret", trigger="(?<=x)secret"))
    proc = run_cli("rules", "--validate", str(path), cwd=str(tmp_path))
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert f"{path}:11: this regex cannot run on the linear-time engine" in out and "lookarounds" in out


def test_credlint_s_own_rules_keep_python_s_engine():
    assert compile_pattern(r"(?<=[A-Za-z0-9/+]{6})['\"]", trusted=True).search("abcdef'") is not None
    with pytest.raises(PatternError, match="linear-time"):
        compile_pattern(r"(?<=[A-Za-z0-9/+]{6})['\"]", trusted=False)


def test_a_hostile_pattern_on_re2_runs_in_linear_time():
    pattern = compile_pattern(HOSTILE, trusted=False)
    start = time.monotonic()
    assert pattern.search("a" * 200000 + "b") is None
    assert time.monotonic() - start < 1.0


def test_an_invalid_pattern_says_so():
    with pytest.raises(PatternError, match="invalid regex"):
        compile_pattern("tt_[a-z", trusted=False)
