"""The benchmark's pure helpers (benchmarks/credbench/, run by benchmarks/run.py). Nothing
here downloads, installs or times anything: the benchmark itself is run by hand
(benchmarks/README.md)."""
import base64
import hashlib
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

BENCHMARKS = str(Path(__file__).resolve().parent.parent / "benchmarks")
if BENCHMARKS not in sys.path:
    sys.path.insert(0, BENCHMARKS)

from credbench import charts, cli, corpus, machine, report, stats  # noqa: E402
from credbench.scenarios import ALL, aws, js, jsprecommit  # noqa: E402


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
    assert cli.SCENARIOS == ("full", "cache", "precommit", "ide", "memory", "scale", "aws", "js", "js-precommit",
                             "profile")
    assert [s.name for s in ALL] == list(cli.SCENARIOS)
    for scenario in ALL:
        assert scenario.targets({"scenarios": {}}) == [] and scenario.render({"scenarios": {}}) == []
        assert scenario.charts({"scenarios": {}}) == []


# -- the corpora of issues 12 and 16 -------------------------------------------------------------


def test_picks_keep_and_drop_paths_inside_the_archive():
    assert corpus.matches("lib/core.js", ["lib"]) and corpus.matches("lib/core.js", ["lib/"])
    assert not corpus.matches("library.js", ["lib"])
    assert corpus.matches("clients/s3.d.ts", ["clients/*.d.ts"]) and not corpus.matches("clients/s3.js", ["clients/*.d.ts"])
    assert corpus.matches("a/b/.gitignore", ["*/.gitignore"]) and corpus.matches(".gitignore", [".gitignore"])
    keep, drop = corpus.JS.picks_for("aws-sdk")
    assert corpus.picked("lib/core.js", keep, drop) and corpus.picked("clients/s3.js", keep, drop)
    assert not corpus.picked("clients/s3.d.ts", keep, drop) and not corpus.picked("dist/aws-sdk.js", keep, drop)
    assert corpus.JS.picks_for("express") == ((), ())
    assert not corpus.picked("lodash.min.js", *corpus.JS.picks_for("lodash"))
    keep, drop = corpus.AWS_SDIST.picks_for("sqlalchemy")  # its own Pick and the one for every package
    assert not corpus.picked("test/orm/test_query.py", keep, drop) and not corpus.picked("lib/x/.gitignore", keep, drop)
    assert corpus.picked("lib/sqlalchemy/sql/base.py", keep, drop)
    # npm tarballs: the top directory ("package") is replaced by the package's own
    assert corpus.target_name("package/lib/a.js", (".js",), "express-5.3.0", (), ()) == "express-5.3.0/lib/a.js"
    assert corpus.target_name("package/README.md", (".js",), "express-5.3.0", (), ()) is None
    assert corpus.target_name("django-5.2.19/setup.cfg", ("",), None, (), ()) == "django-5.2.19/setup.cfg"
    assert corpus.npm_dirname("@aws-sdk/client-s3", "3.1") == "aws-sdk-client-s3-3.1"
    # a cached corpus is made again when what it is made of changes
    assert corpus.AWS_PY.wanted() != corpus.AWS_SDIST.wanted() and corpus.PYTHON.wanted()[-1] == ["layout", "2"]


def test_npm_integrity_is_checked():
    data = b"a tarball"
    sri = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    assert corpus.check_npm_integrity(data, {"integrity": sri}) == "sha512 (dist.integrity)"
    assert corpus.check_npm_integrity(data, {"shasum": hashlib.sha1(data).hexdigest()}) == "sha1 (dist.shasum)"
    with pytest.raises(RuntimeError):
        corpus.check_npm_integrity(b"another", {"integrity": sri})
    with pytest.raises(RuntimeError):
        corpus.check_npm_integrity(data, {})


def test_kinds():
    assert corpus.kind_of("index.d.ts") == ".d.ts" and corpus.kind_of("a.YML") == ".yaml"
    assert corpus.kind_of("Makefile") == "(none)"
    kinds = {".json": {"files": 1, "lines": 9, "bytes": 90}, ".py": {"files": 2, "lines": 5, "bytes": 50},
             ".txt": {"files": 3, "lines": 1, "bytes": 5}, ".po": {"files": 4, "lines": 1, "bytes": 5}}
    merged = corpus.merge_kinds(kinds, 2)
    assert list(merged) == [".json", ".py", "other"] and merged["other"] == {"files": 7, "lines": 2, "bytes": 10}


def test_secretlint_report_and_cost_per_line():
    text = ("\n/repo/src/a.ts\n  2:82  error  [AWSSecretAccessKey] found AWS Secret Access Key: ****  "
            "@secretlint/secretlint-rule-preset-recommend > @secretlint/secretlint-rule-aws\n"
            "  3:6   error  [AWSSecretAccessKey] found ...  @secretlint/secretlint-rule-aws\n\n"
            "\u2716 2 problems (2 errors, 0 warnings, 0 infos)\n")
    assert js.parse_secretlint(text) == {"files_with_findings": 1, "findings": 2,
                                         "by_rule": {"@secretlint/secretlint-rule-aws": 2}}
    assert js.per_kline_ms(2.0, 1_000_000) == pytest.approx(2.0)
    assert js.per_kline_ms(None, 10) is None and js.per_kline_ms(1.0, 0) is None


def test_precommit_ts_files_one_per_package_sources_first():
    src = Path("/c/src")
    clean = [str(src / p) for p in ("rxjs-7/src/a.ts", "rxjs-7/src/b.ts", "rxjs-7/src/c.ts", "zod-4/src/x.ts",
                                    "zod-4/src/y.d.ts", "aws-1/t.d.ts", "aws-1/u.d.ts", "q-5/src/q.ts")]
    chosen = [str(p.relative_to(src)) for p in jsprecommit.choose(clean, src, n=4)]
    # packages with the most clean sources first; a package of declarations only gives a .d.ts
    assert chosen == ["rxjs-7/src/b.ts", "zod-4/src/x.ts", "q-5/src/q.ts", "aws-1/u.d.ts"]


# -- the bar charts ------------------------------------------------------------------------------


def test_bar_chart_svg():
    bars = [("semgrep", 97.6), ("credlint", 1.23), ("ruff", 0.747), ("bandit", 113.0), ("detect-secrets", None)]
    svg = charts.bar_chart_svg("A & B <scan>", bars, subtitle="4,950 files")
    assert svg == charts.bar_chart_svg("A & B <scan>", bars, subtitle="4,950 files")  # deterministic
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    rects = [r for r in root.iter(f"{ns}rect") if "bar" in r.get("class", "").split()]
    assert [r.get("data-tool") for r in rects] == ["ruff", "credlint", "semgrep", "bandit"]  # sorted, no value: no bar
    ys = [float(r.get("y")) for r in rects]
    widths = [float(r.get("width")) for r in rects]
    assert ys == sorted(ys) and widths == sorted(widths)  # fastest on top, bars proportional
    assert widths[-1] <= charts.BAR_AREA and widths[-1] / widths[2] == pytest.approx(113.0 / 97.6, rel=1e-3)
    highlighted = [r for r in rects if "highlight" in r.get("class").split()]
    assert [r.get("data-tool") for r in highlighted] == ["credlint"]
    assert highlighted[0].get("fill") == charts.COLOR_HIGHLIGHT
    assert {r.get("fill") for r in rects if r not in highlighted} == {charts.COLOR}
    texts = ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
    assert "A & B <scan>" in texts and "1.23 s" in texts and "747 ms" in texts and "113 s" in texts
    assert charts.nice_step(113.0) == 20 and charts.nice_step(0.9) == 0.2 and charts.nice_step(0) == 1.0


def test_charts_of_results(tmp_path):
    results = {"scenarios": {
        "full": {"stats": {"credlint": _stat(1.0), "credlint (rule index not built yet)": _stat(1.2),
                           "ruff": _stat(0.5), "bandit": _stat(100.0)}},
        "aws": {"trees": {"py": {"stats": {"credlint": _stat(1.1), "credlint --format json": _stat(1.15),
                                           "ruff": _stat(0.6)}}}},
        "js": {"stats": {"credlint": _stat(2.0), js.PY_REFERENCE: _stat(1.0), "oxlint": _stat(1.0),
                         "secretlint": _stat(2.5), "eslint-no-secrets": _stat(60.0)}},
    }, "corpus": {"files": 10, "lines": 100}, "corpora": {}}
    made = report.all_charts(results)
    assert [c.name for c in made] == ["python", "aws-py", "js"]
    assert [b[0] for b in made[0].bars] == ["credlint", "ruff", "bandit"]  # one bar per tool, not per command
    assert [b[0] for b in made[2].bars] == ["credlint", "oxlint", "secretlint", "eslint-no-secrets"]
    written = charts.write_charts(made, tmp_path / "charts")
    assert [p.name for p in written] == ["python.svg", "aws-py.svg", "js.svg"]
    for path in written:
        ET.parse(str(path))


def test_aws_and_js_targets():
    results = {"scenarios": {
        "aws": {"slow_skipped": True, "trees": {
            "py": {"stats": {"credlint": _stat(1.0), "credlint --format json": _stat(1.05),
                             "credlint --format sarif": _stat(1.2), "ruff": _stat(0.8)}},
            "sdist": {"stats": {"credlint": _stat(3.0), "credlint --format json": _stat(3.1),
                                "credlint --format sarif": _stat(3.2), "ruff": _stat(1.0)}}}},
        "js": {"stats": {"credlint": _stat(2.0), js.PY_REFERENCE: _stat(1.5), "secretlint": _stat(2.5),
                         "eslint-no-secrets": _stat(60.0)}, "js_lines": 1_000_000, "python_lines": 1_400_000},
        "js-precommit": {"clean": {"credlint": _stat(0.08)}},
    }}
    verdicts = {(e["scenario"], e["target"]): e["ok"] for e in report.evaluate(results)}
    py, sdist = "7. AWS-heavy, .py tree, cold", "7. AWS-heavy, whole sdist tree, cold"
    assert verdicts[(py, "credlint <= 1.5x ruff")] is True  # 1.25x
    assert verdicts[(py, "credlint --format json <= 1.10x text")] is True
    assert verdicts[(py, "credlint --format sarif <= 1.10x text")] is False  # 1.2x
    assert verdicts[(py, "credlint faster than bandit")] is None  # skipped (--quick)
    assert verdicts[(sdist, "credlint <= 1.5x ruff")] is False  # 3x
    assert (sdist, "credlint faster than bandit") not in verdicts
    assert verdicts[("8. JS/TS corpus, cold", "credlint faster than secretlint")] is True
    assert verdicts[("8. JS/TS corpus, cold", "credlint faster than semgrep")] is None
    # 2.0 ms per 1k lines on JS, 1.07 on Python
    assert verdicts[("8. JS/TS corpus, cold", "credlint's cost per line <= on the Python corpus")] is False
    assert verdicts[("9. pre-commit, 5 clean .ts files", "<= 100 ms")] is True
    assert aws.ratios(results["scenarios"]["aws"]["trees"]["py"]["stats"])["credlint --format json"]["vs_text"] == \
        pytest.approx(1.05)
