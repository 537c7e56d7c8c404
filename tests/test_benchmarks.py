"""The benchmark's pure helpers (benchmarks/credbench/, run by benchmarks/run.py). Nothing
here downloads, installs or times anything: the benchmark itself is run by hand
(benchmarks/README.md)."""
import re
import sys
from pathlib import Path

import pytest

BENCHMARKS = str(Path(__file__).resolve().parent.parent / "benchmarks")
if BENCHMARKS not in sys.path:
    sys.path.insert(0, BENCHMARKS)

from credbench import cli, corpus, machine, report, stats  # noqa: E402
from credbench.scenarios import ALL  # noqa: E402


def test_summary_ratio_and_formatting():
    assert stats.summarize([3.0, 1.0, 2.0, None]) == {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}
    assert stats.summarize([])["median"] is None
    assert stats.ratio(1.0, 4.0) == 0.25
    assert stats.ratio(1.0, 0) is None and stats.ratio(None, 1.0) is None
    assert stats.fmt_seconds(0.0421) == "42 ms"
    assert stats.fmt_seconds(0.0042) == "4.2 ms"
    assert stats.fmt_seconds(2.345) == "2.35 s"
    assert stats.fmt_seconds(None) == "n/a"
    assert stats.fmt_ratio(0.5) == "0.50x" and stats.fmt_ratio(12.34) == "12.3x"
    assert stats.verdict(True) == "PASS" and stats.verdict(False) == "FAIL" and stats.verdict(None) == "n/a"


def test_markdown_table():
    table = stats.markdown_table(["a", "b"], [[1, "x|y"], [None, "z"]])
    assert table.splitlines() == ["| a | b |", "| --- | --- |", "| 1 | x\\|y |", "|  | z |"]


def test_pick_sdist_and_safe_members():
    files = [
        {"filename": "Django-5.1.4-py3-none-any.whl"},
        {"filename": "Django-5.1.4.tar.gz"},
        {"filename": "django-5.1.40.tar.gz"},
        {"filename": "SQLAlchemy-2.0.36.tar.gz"},
    ]
    assert corpus.pick_sdist(files, "django", "5.1.4")["filename"] == "Django-5.1.4.tar.gz"
    assert corpus.pick_sdist(files, "sqlalchemy", "2.0.36")["filename"] == "SQLAlchemy-2.0.36.tar.gz"
    assert corpus.pick_sdist(files, "flask", "3.1.0") is None
    assert corpus.safe_member("pkg-1.0/src/a.py") == "pkg-1.0/src/a.py"
    assert corpus.safe_member("./pkg/./a.py") == "pkg/a.py"
    assert corpus.safe_member("/etc/passwd") is None
    assert corpus.safe_member("pkg/../../x.py") is None


def test_scaling_verdict():
    linear = stats.scaling_verdict([1, 2, 4], [1.0, 1.8, 3.4])  # fixed cost + linear part
    assert linear["linear"] and linear["per_corpus"] == pytest.approx(0.8, abs=1e-9)
    assert linear["fixed"] == pytest.approx(0.2, abs=1e-9)
    quadratic = stats.scaling_verdict([1, 2, 4], [1.0, 4.0, 16.0])
    assert not quadratic["linear"] and quadratic["worst_per_unit_vs_1x"] == 4.0


def test_fabricated_keys_are_key_shaped_and_stable():
    key_id, secret = corpus.fabricated_keys()
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", key_id)
    assert re.fullmatch(r"[A-Za-z0-9/+]{40}", secret)
    assert corpus.fabricated_keys() == (key_id, secret)
    snippet = corpus.planted_snippet()
    compile(snippet, "planted.py", "exec")
    assert key_id in snippet and "boto3.client(" in snippet


def test_parse_cpuinfo():
    text = "processor\t: 0\nmodel name\t: Some CPU @ 2.0GHz\n\nprocessor\t: 1\nmodel name\t: Some CPU @ 2.0GHz\n"
    assert machine.parse_cpuinfo(text) == ("Some CPU @ 2.0GHz", 2)


def _stat(*walls):
    return {"wall": {"median": sorted(walls)[len(walls) // 2], "min": min(walls), "max": max(walls), "n": len(walls)},
            "cpu": {"median": walls[0]}, "maxrss_kb": 50_000, "rcs": [0], "raw": []}


def test_evaluate_and_render():
    results = {
        "started": "now", "quick": False, "load": [{"at": "start", "loadavg": (0.1, 0.1, 0.1)}],
        "machine": {"cpu_model": "cpu", "cpu_count": 2, "ram_gb": 4, "os": "linux", "python": "3.11"},
        "corpus": {"files": 10, "lines": 100, "bytes": 1000, "packages": []},
        "credlint": {"version": "credlint 0", "how": "here", "commit": "abc", "dirty": False},
        "tools": {"ruff": {"version": "ruff 0"}, "semgrep": {"error": "not installed"}},
        "scenarios": {
            "full": {"stats": {"credlint": _stat(1.0), "ruff": _stat(0.4), "bandit": _stat(10.0)}, "verify": {}},
            "cache": {"stats": {"credlint (cache hit)": _stat(0.3)}},
            "memory": {"samples": [{"tree_pss_kb": 400 * 1024, "tree_rss_kb": 500 * 1024, "maxrss_kb": 90_000,
                                    "wall": 1.0}]},
        },
    }
    verdicts = {(e["scenario"], e["target"]): e["ok"] for e in report.evaluate(results)}
    assert verdicts[("1. full scan, cold", "credlint <= 2x ruff")] is False  # 2.5x
    assert verdicts[("1. full scan, cold", "credlint faster than bandit")] is True
    assert verdicts[("1. full scan, cold", "credlint faster than semgrep")] is None  # not measured
    assert verdicts[("2. re-run, cache hit", "<= 500 ms")] is True
    assert verdicts[("5. memory, full scan", "peak <= 300 MB")] is False
    text = report.render_results(results, "python3 benchmarks/run.py")
    assert "| 1. full scan, cold | credlint <= 2x ruff | 1.00 s vs 400 ms: 2.50x | **FAIL** |" in text
    assert "python3 benchmarks/run.py" in text


def test_scenarios_keep_their_names_and_say_nothing_when_they_did_not_run():
    # the names --only takes (benchmarks/README.md), in the order they run and are reported
    assert cli.SCENARIOS == ("full", "cache", "precommit", "ide", "memory", "scale", "profile")
    assert [s.name for s in ALL] == list(cli.SCENARIOS)
    for scenario in ALL:
        assert scenario.targets({"scenarios": {}}) == [] and scenario.render({"scenarios": {}}) == []
