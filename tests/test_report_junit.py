"""`--format junit`: JUnit XML as GitLab, Jenkins and Azure read it.

Parsed with xml.etree; one testsuite, a testcase per linted file, a
<failure> per finding, counts that add up.
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


def suite_of(xml_text: str) -> ET.Element:
    root = ET.fromstring(xml_text.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "credlint"
    for name in ("tests", "failures", "errors"):
        assert root.get(name) == suite.get(name)
    return suite


def counts(suite: ET.Element):
    return tuple(int(suite.get(name)) for name in ("tests", "failures", "errors", "skipped"))


def test_cli_junit_has_a_testcase_per_file_and_a_failure_per_finding(tmp_path):
    write_project(tmp_path)
    proc = run_cli("--no-cache", "--format", "junit", ".", cwd=str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    for key in ALL_KEYS:
        assert key.encode() not in proc.stdout + proc.stderr
    suite = suite_of(proc.stdout.decode())
    findings = json.loads(run_cli("--no-cache", "--format", "json", ".", cwd=str(tmp_path)).stdout)

    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"app.py", "settings.py", "clean.py", "also clean.cfg"}
    assert all(case.get("classname") == name for name, case in cases.items())
    assert cases["clean.py"].find("failure") is None and len(cases["also clean.cfg"]) == 0
    failures = [(name, f) for name, case in cases.items() for f in case.findall("failure")]
    assert sorted((name, f.get("type"), int(f.text.split(":")[1])) for name, f in failures) == sorted(
        (f["path"].replace("./", "", 1), f["rule"], f["line"]) for f in findings)
    for name, failure in failures:
        finding = next(f for f in findings if f["rule"] == failure.get("type") and f["path"].endswith(name)
                       and failure.text.startswith(f"{name}:{f['line']}:{f['column']}: "))
        assert failure.get("message") == f"{finding['rule']} [{finding['name']}] {finding['message']}"
    assert counts(suite) == (4, 2, 0, 0)
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties["findings"] == str(len(findings))


def test_cli_junit_clean_run_and_output_file(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    proc = run_cli("--no-cache", "--format", "junit", "--output", "report.xml", ".", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert b"<?xml" not in proc.stdout and b"No problems found" in proc.stdout
    suite = suite_of((tmp_path / "report.xml").read_text(encoding="utf-8"))
    assert counts(suite) == (1, 0, 0, 0)


def test_cli_junit_missing_path_is_an_error(tmp_path):
    (tmp_path / ".git").mkdir()
    proc = run_cli("--no-cache", "--format", "junit", "missing.py", cwd=str(tmp_path))
    assert proc.returncode == 2
    suite = suite_of(proc.stdout.decode())
    (case,) = suite.findall("testcase")
    assert case.find("error").get("message") == "no such file or directory"
    assert counts(suite) == (1, 0, 1, 0)


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
    suite = suite_of(render(results, tmp_path))  # parses: escaping and invalid characters handled
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    odd_case = cases["odd <&> \ufffdname.py"]
    first, second = odd_case.findall("failure")
    assert first.get("type") == "CL201"
    assert first.get("message") == 'CL201 [aws-access-key-id] a <b> & "c", 100%: d\nsecond line\ufffd'
    assert first.text.startswith("odd <&> \ufffdname.py:2:3: CL201 [aws-access-key-id] a <b>")
    assert second.get("type") == "CL102"
    error = cases["both.py"].find("error")
    assert error.get("message") == "fix refused" and error.text == "both.py:3: fix refused"
    assert cases["img.png"].find("skipped").get("message") == "skipped: binary file"
    assert len(cases["ok.py"]) == 0  # a warning notice does not fail a file
    # tests = files; errors = files with an error; failures = other files with findings
    assert counts(suite) == (4, 1, 1, 1)
    assert {p.get("name"): p.get("value") for p in suite.find("properties")}["findings"] == "3"
