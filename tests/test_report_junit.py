"""`--format junit`: JUnit XML as GitLab, Jenkins and Azure read it, in
ruff's shape. Parsed with xml.etree: a testsuite per linted file, a testcase
per finding holding its <failure>, counts that add up.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, run_cli
from credlint.model import FileResult, Finding, Notice, Span
from credlint.report import ReportContext, renderer

ALL_KEYS = (KEY_ID, SECRET, KEY_ID_2, SECRET_2)


def write_project(root) -> None:
    (root / ".git").mkdir()
    (root / "app.py").write_text(
        "import boto3\n\n"
        f'ACCESS_KEY = "{KEY_ID}"\n'
        f's3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n',
        encoding="utf-8")
    (root / "settings.py").write_text(f'AWS_SECRET_ACCESS_KEY = "{SECRET_2}"\n', encoding="utf-8")
    (root / "clean.py").write_text("x = 1\n", encoding="utf-8")
    (root / "also clean.cfg").write_text("[default]\nregion = eu-west-1\n", encoding="utf-8")


def suites_of(xml_text: str):
    """{file: testsuite}, after checking that the totals add up."""
    root = ET.fromstring(xml_text.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("name") == "credlint"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    for name in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(name)) == sum(int(s.get(name)) for s in suites.values())
    for suite in suites.values():
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
    return root, suites


def counts(element: ET.Element):
    return tuple(int(element.get(name)) for name in ("tests", "failures", "errors", "skipped"))


def test_cli_junit_has_a_suite_per_file_and_a_testcase_per_finding(tmp_path):
    write_project(tmp_path)
    proc = run_cli("--no-cache", "--format", "junit", ".", cwd=str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    for key in ALL_KEYS:
        assert key.encode() not in proc.stdout + proc.stderr
    root, suites = suites_of(proc.stdout.decode())
    findings = json.loads(run_cli("--no-cache", "--format", "json", ".", cwd=str(tmp_path)).stdout)

    assert set(suites) == {"app.py", "settings.py", "clean.py", "also clean.cfg"}
    for clean in ("clean.py", "also clean.cfg"):
        (case,) = suites[clean].findall("testcase")
        assert case.get("name") == "no credentials" and len(case) == 0
    cases = [(name, case) for name, suite in suites.items() for case in suite.findall("testcase")
             if case.find("failure") is not None]
    assert sorted((name, c.get("name"), int(c.get("line")), int(c.get("column"))) for name, c in cases) == sorted(
        (f["path"].replace("./", "", 1), f["rule"], f["line"], f["column"]) for f in findings)
    for name, case in cases:
        assert case.get("classname") == name
        failure = case.find("failure")
        finding = next(f for f in findings if f["rule"] == case.get("name") and f["line"] == int(case.get("line"))
                       and f["path"].endswith(name))
        assert failure.get("type") == finding["rule"]
        assert failure.get("message") == f"{finding['rule']} [{finding['name']}] {finding['message']}"
        assert failure.text == f"{name}:{finding['line']}:{finding['column']}: {failure.get('message')}"
    assert counts(root) == (len(findings) + 2, len(findings), 0, 0)


def test_cli_junit_clean_run_and_output_file(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    proc = run_cli("--no-cache", "--format", "junit", "--output", "report.xml", ".", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert b"<?xml" not in proc.stdout and b"No problems found" in proc.stdout
    root, _ = suites_of((tmp_path / "report.xml").read_text(encoding="utf-8"))
    assert counts(root) == (1, 0, 0, 0)


def test_cli_junit_missing_path_is_an_error(tmp_path):
    (tmp_path / ".git").mkdir()
    proc = run_cli("--no-cache", "--format", "junit", "missing.py", cwd=str(tmp_path))
    assert proc.returncode == 2
    root, suites = suites_of(proc.stdout.decode())
    (suite,) = suites.values()
    (case,) = suite.findall("testcase")
    assert case.find("error").get("message") == "no such file or directory"
    assert counts(root) == (1, 0, 1, 0)


def render(results, root) -> str:
    return renderer("junit")(results, ReportContext(root=str(root), tool_version="0.1.0"))


def test_escaping_counts_and_notices(tmp_path):
    def path(name):
        return str(tmp_path / name)

    message = 'a <b> & "c", 100%: d\nsecond line\x01'
    odd = path("odd <&> \x07name.py")
    results = [
        FileResult(odd, (Finding("CL201", "aws-access-key-id", "error", odd, Span(2, 3, 2, 23), message, "0" * 32),
                         Finding("CL102", "explicit", "warning", odd, Span(9, 1, 9, 5), "second", "1" * 32))),
        FileResult(path("both.py"),
                   (Finding("CL201", "aws-access-key-id", "error", path("both.py"), Span(1, 1, 1, 2), "m", "2" * 32),),
                   (Notice(path("both.py"), "fix refused", level="error", line=3),)),
        FileResult(path("img.png"), notices=(Notice(path("img.png"), "skipped: binary file", level="info"),),
                   skipped=True),
        FileResult(path("ok.py"), notices=(Notice(path("ok.py"), "could not parse", line=1),)),
    ]
    root, suites = suites_of(render(results, tmp_path))  # parses: escaping and invalid characters handled
    odd_cases = suites["odd <&> \ufffdname.py"].findall("testcase")
    assert [(c.get("name"), c.get("line"), c.get("column")) for c in odd_cases] == [("CL201", "2", "3"),
                                                                                    ("CL102", "9", "1")]
    first = odd_cases[0].find("failure")
    assert first.get("type") == "CL201"
    assert first.get("message") == 'CL201 [aws-access-key-id] a <b> & "c", 100%: d\nsecond line\ufffd'
    assert first.text.startswith("odd <&> \ufffdname.py:2:3: CL201 [aws-access-key-id] a <b>")
    error_case, finding_case = suites["both.py"].findall("testcase")
    error = error_case.find("error")
    assert error.get("message") == "fix refused" and error.text == "both.py:3: fix refused"
    assert finding_case.find("failure").get("type") == "CL201"
    (skipped,) = suites["img.png"].findall("testcase")
    assert skipped.find("skipped").get("message") == "skipped: binary file"
    (ok,) = suites["ok.py"].findall("testcase")
    assert len(ok) == 0  # a warning notice does not fail a file
    assert counts(suites["both.py"]) == (2, 1, 1, 0)
    assert counts(root) == (6, 3, 1, 1) and root.get("version") == "0.1.0"
