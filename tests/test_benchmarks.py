"""The benchmark's pure helpers (benchmarks/credbench/, run by benchmarks/run.py). Nothing
here downloads, installs or times anything: the benchmark itself is run by hand
(benchmarks/README.md)."""
import base64
import hashlib
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

BENCHMARKS = str(Path(__file__).resolve().parent.parent / "benchmarks")
if BENCHMARKS not in sys.path:
    sys.path.insert(0, BENCHMARKS)

from credbench import charts, cli, corpus, histories, machine, procs, report, stats  # noqa: E402
from credbench.scenarios import ALL, aws, history, js, jsprecommit  # noqa: E402


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
                             "history", "profile")
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
    # the whole tree is reported beside ruff (which reads its .py files only), not held to the floor
    assert (sdist, "credlint <= 1.5x ruff") not in verdicts
    assert verdicts[(sdist, "credlint next to ruff (reported)")] is None
    assert verdicts[(sdist, "credlint --format sarif <= 1.10x text")] is True
    assert (sdist, "credlint faster than bandit") not in verdicts
    assert verdicts[("8. JS/TS corpus, cold", "credlint faster than secretlint")] is True
    assert verdicts[("8. JS/TS corpus, cold", "credlint faster than semgrep")] is None
    # 2.0 ms per 1k lines on JS, 1.07 on Python
    assert verdicts[("8. JS/TS corpus, cold", "credlint's cost per line <= on the Python corpus")] is False
    assert verdicts[("9. pre-commit, 5 clean .ts files", "<= 100 ms")] is True
    assert aws.ratios(results["scenarios"]["aws"]["trees"]["py"]["stats"])["credlint --format json"]["vs_text"] == \
        pytest.approx(1.05)


# -- scenario 10: the generated git history -------------------------------------------------------


def _source_files(n=16):
    """Small real-looking Python modules (comments, blank lines, functions), 600+ bytes each."""
    files = []
    for i in range(n):
        body = "".join(f"\n\n# helper number {j} of module {i}\ndef helper_{j}(value, factor={j + 1}):\n"
                       f"    # scale the value\n    result = value * factor\n\n    return result + {i}\n"
                       for j in range(5))
        files.append((f"pkg{i % 3}/sub/module_{i}.py", f'"""Module {i}."""\nimport os\n{body}'.encode()))
    return files


def _git(repo, *args):
    return subprocess.run(["git", *args], cwd=str(repo), check=True, capture_output=True).stdout.decode()


def test_generated_history_stream_is_deterministic():
    files = _source_files()
    first, second = io.BytesIO(), io.BytesIO()
    plan = histories.generate(first, files, 50)
    assert histories.generate(second, files, 50) == plan
    assert first.getvalue() == second.getvalue()
    assert first.getvalue().count(b"\ncommit refs/heads/main\n") + first.getvalue().startswith(b"commit ") == 50
    other = io.BytesIO()
    histories.generate(other, files, 50, seed="another seed")
    assert other.getvalue() != first.getvalue()
    with pytest.raises(ValueError):
        histories.generate(io.BytesIO(), files, 5)


def test_generated_history_churn_and_planted_keys(tmp_path):
    files = _source_files()
    plan = histories.build(tmp_path / "a", files, 50)
    again = histories.build(tmp_path / "b", files, 50, pack=False)
    assert again["head"] == plan["head"]  # the same commits, byte for byte
    repo = tmp_path / "a"
    assert _git(repo, "rev-list", "--count", "main").strip() == "50"
    assert (repo / ".credlint.toml").exists() and "credlint.toml" not in _git(repo, "ls-files")
    # every kind of churn happened, and git sees it so
    assert all(plan["kinds"][kind] > 0 for kind in histories.KINDS)
    statuses = {line.split("\t")[0][:1] for line in _git(repo, "log", "-M", "--name-status", "--format=").splitlines()
                if line.strip()}
    assert {"A", "M", "D", "R"} <= statuses
    assert plan["changes"]["added"] > len(files) // 4 and plan["changes"]["edited"] > 20
    # the edits keep the Python valid
    for line in _git(repo, "log", "--all", "--raw", "--no-renames", "--no-abbrev", "--format=").splitlines():
        meta, _, path = line.partition("\t")
        if path.endswith(".py") and meta.split()[4] in ("A", "M"):
            compile(_git(repo, "cat-file", "blob", meta.split()[3]), path, "exec")
    # the planted keys: recorded with the commit that added them and the one that took them out
    planted = plan["planted"]
    assert len(planted) == histories.key_count(50) == 3
    assert len({histories.masked(p["key_id"]) for p in planted}) == 3
    hashes = _git(repo, "rev-list", "--reverse", "main").split()
    for p in planted:
        assert re.fullmatch(r"AKIA[A-Z2-7]{16}", p["key_id"]) and re.fullmatch(r"[A-Za-z0-9/+]{40}", p["secret"])
        assert p["commit"] == hashes[p["commit_index"]] and p["commit_index"] < p["removed_index"]
        added = _git(repo, "show", "--format=", p["commit"]).splitlines()
        assert any(line.startswith("+") and p["key_id"] in line for line in added)
        before = _git(repo, "show", f"{p['commit']}~1:{p['path']}") if p["how"] == histories.PLANT_HOWS[0] else ""
        assert p["key_id"] not in before
        shown = _git(repo, "show", f"{p['commit']}:{p['path']}").splitlines()
        assert [n for n, line in enumerate(shown, 1) if p["key_id"] in line or p["secret"] in line] == p["lines"]
        assert any(line.startswith("-") and p["key_id"] in line
                   for line in _git(repo, "show", "--format=", p["removed_commit"]).splitlines())
        assert subprocess.run(["git", "grep", "-q", "-F", p["key_id"], "HEAD"], cwd=str(repo)).returncode == 1
    renamed = [p for p in planted if p["how"] == histories.PLANT_HOWS[2]]
    assert renamed and renamed[0]["commit_index"] < renamed[0]["renamed_index"] < renamed[0]["removed_index"]
    assert f"R100\t{renamed[0]['path']}\t{renamed[0]['renamed_to']}" in _git(
        repo, "show", "-M", "--name-status", "--format=", renamed[0]["renamed_commit"])


def test_pick_files_is_seeded_and_sized(tmp_path):
    for i in range(30):
        path = tmp_path / f"d{i % 4}" / f"m{i}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text("x = 1\n" * (20 if i % 5 else 200))  # 120 bytes (too small) or 1,200
    (tmp_path / "notes.txt").write_text("y\n" * 400)
    picked = histories.pick_files(tmp_path, 4)
    assert picked == histories.pick_files(tmp_path, 4) and len(picked) == 4
    assert all(rel.endswith(".py") and len(data) >= histories.MIN_BYTES for rel, data in picked)
    assert len(histories.pick_files(tmp_path, 100)) == 6  # all that qualify
    assert histories.pool_size(20_000) == 3000 and histories.pool_size(2_000) == 300


def _planted(commit="c2"):
    return [{"masked": "AKIA************WXYZ", "path": "a/settings.py", "lines": [10, 11], "commit": commit},
            {"masked": "AKIA************ABCD", "path": "a/client.py", "lines": [7], "commit": "c3"}]


def test_history_reports_are_judged_per_planted_key(tmp_path):
    order = {"c1": 0, "c2": 1, "c3": 2, "c4": 3}
    findings = [{"rule": "CL201", "path": "a/settings.py", "line": 10, "commit": "c2",
                 "message": "AWS access key id AKIA************WXYZ in source"},
                {"rule": "CL101", "path": "a/client.py", "line": 7, "commit": "c4",  # names the call, not the key
                 "message": "Hardcoded AWS credentials passed to boto3.client"},
                {"rule": "CL201", "path": "b.py", "line": 1, "commit": "c1", "message": "AKIA************EXMP here"}]
    (tmp_path / "cl.json").write_text(json.dumps(findings))
    cl = history.credlint_report(tmp_path / "cl.json", _planted(), order)
    assert (cl["found"], cl["commit_right"], cl["planted"], cl["findings"]) == (2, 1, 2, 3)
    assert cl["keys"][1]["rules"] == ["CL101"] and not cl["keys"][1]["commit_right"]
    assert cl["key_ids"] == ["AKIA************EXMP", "AKIA************WXYZ"]
    key_id = "AKIA" + "Q" * 12 + "WXYZ"
    lines = [{"commitHash": "c4", "reason": "AWS API Key", "stringsFound": [key_id]},  # the removal's diff
             {"commitHash": "c2", "reason": "AWS API Key", "stringsFound": [key_id]},
             {"commitHash": "c3", "reason": "Generic Secret", "stringsFound": ["x" * 40]}]
    (tmp_path / "th.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    th = history.trufflehog_report(tmp_path / "th.jsonl", _planted(), order)
    assert (th["found"], th["commit_right"], th["findings"]) == (1, 1, 3)  # earliest commit: the one that added it
    patches = tmp_path / "patches-0"
    patches.mkdir()
    (patches / "0002-add.patch").write_text("From c2 Mon Sep 17 00:00:00 2001\n+KEY = ...\n")
    (patches / "0004-drop.patch").write_text("From c4 Mon Sep 17 00:00:00 2001\n-KEY = ...\n")
    baseline = {"results": {f"patches-0/{name}": [{"type": "AWS Access Key", "hashed_secret": histories.sha1(key_id),
                                                  "line_number": 2}] for name in ("0004-drop.patch", "0002-add.patch")}}
    (tmp_path / "ds.json").write_text(json.dumps(baseline))
    ds = history.detect_secrets_report(tmp_path / "ds.json", patches, _planted(), order,
                                       {histories.sha1(key_id): "AKIA************WXYZ"})
    assert (ds["found"], ds["commit_right"], ds["findings"]) == (1, 1, 2)
    (tmp_path / "cut.json").write_text('{"results": {')  # a run stopped at its timeout
    assert "error" in history.detect_secrets_report(tmp_path / "cut.json", patches, _planted(), order, {})
    assert history.credlint_report(tmp_path / "missing.json", _planted(), order) == {}


def test_timed_out_runs_are_flagged():
    runs = [procs.Run(1800.0, 1000, 1799.0, -9, 0.0, True), procs.Run(1800.0, 1000, 1799.0, -9, 0.0, True)]
    st = stats.stats_of(runs)
    assert st["timed_out"] == 2 and "timed_out" not in stats.stats_of([procs.Run(1.0, 1, 1.0, 0)])
    assert stats.stat_row("detect-secrets", st, 10.0)[4] == "2 (2 did not finish)"


def _history_results(stopped=False):
    ds = _stat(1800.0)
    if stopped:
        ds["timed_out"] = 1
    judged = {"planted": 2, "found": 2, "commit_right": 2, "findings": 4, "key_ids": ["AKIA************WXYZ"],
              "keys": [{"masked": "AKIA************WXYZ", "found": True, "commit_right": True, "rules": ["CL201"]},
                       {"masked": "AKIA************ABCD", "found": True, "commit_right": True, "rules": ["CL101"]}]}
    planted = [dict(p, how="a new production.env; the file deleted later", commit_index=2, removed_index=5,
                    commit="c2" * 20) for p in _planted()]
    return {"scenarios": {"history": {"timeout_s": 1800, "size": 50, "histories": {
        "self": {"skipped": "the benchmark is not in a git repository"},
        "generated": {"commits": 50, "history": {"planted": planted, "pool": 16, "changes": {}, "kinds": {}},
                      "verify": {"commits_read": 49, "file_versions": 80},
                      "patches": {"wall": 0.5, "patches": 50, "lines": 900, "bytes": 40_000},
                      "stats": {history.COLD: _stat(2.0), history.WARM: _stat(1.0),
                                history.TRUFFLEHOG: _stat(20.0), history.DETECT_SECRETS: ds},
                      "reports": {"credlint": judged, "credlint, warm": judged,
                                  history.TRUFFLEHOG: dict(judged, commit_right=1), history.DETECT_SECRETS: {}}}}}}}


def test_history_targets_report_and_chart():
    results = _history_results(stopped=True)
    verdicts = {(e["scenario"], e["target"]): (e["ok"], e["measured"]) for e in history.targets(results)}
    name = "10. history, generated (50 commits)"
    assert verdicts[(name, "credlint reports every planted key")] == (True, "2 of 2")
    assert verdicts[(name, "... with the commit that introduced it")][0] is True
    assert verdicts[(name, "credlint faster than trufflehog")] == (True, "2.00 s vs 20.00 s: 0.10x")
    assert verdicts[(name, "credlint faster than detect-secrets")] == (True, "2.00 s vs did not finish in 1800 s: < 0.00x")
    text = "\n".join(history.render(results))
    assert "## 10. Git history" in text and "did not finish in 1800 s" in text and "skipped" in text
    assert "| trufflehog | 20.00 s | 49 MB | 0.10x | 10.0x | 2 of 2 | 1 of 2 |" in text
    assert "AKIA************ABCD" in text and not re.search(r"AKIA[A-Z2-7]{16}", text)
    made = history.charts(results)
    assert [c.name for c in made] == ["history"] and [b[0] for b in made[0].bars] == [
        "credlint", "credlint, warm cache", "trufflehog 2.2.1"]  # detect-secrets did not finish: no bar
    assert "did not finish" in made[0].subtitle and "every commit" in made[0].footer
    svg = charts.bar_chart_svg(made[0].title, made[0].bars, made[0].subtitle, footer=made[0].footer)
    assert "every commit" in svg and "cold full scan" not in svg
    ET.fromstring(svg)
