"""`--format sarif`: what GitHub code scanning and other SARIF consumers read.

The real CLI runs on a small project with planted keys; its output is
validated against the official SARIF 2.1.0 schema (tests/sarif-schema-2.1.0.json,
the OASIS errata01 schema, which declares JSON Schema draft-04) and checked
the way a consumer uses it: results resolve to the right files and lines,
fingerprints survive line moves, rules carry help and CWE tags, fixes apply,
and no key appears anywhere in what credlint prints or writes.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any, Dict, List, Tuple
from urllib.parse import urljoin, urlparse
from urllib.request import url2pathname

import jsonschema
import pytest

from conftest import KEY_ID, KEY_ID_2, ROOT, SECRET, SECRET_2, run_cli
from credlint.model import Edit, FileResult, Finding, Fix, Notice, Span
from credlint.report import FORMATS, ReportContext, renderer

SCHEMA_PATH = os.path.join(ROOT, "tests", "sarif-schema-2.1.0.json")
ALL_KEYS = (KEY_ID, SECRET, KEY_ID_2, SECRET_2)

APP = f'''import os

import boto3

ACCESS_KEY = "{KEY_ID}"


def storage():
    return boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")


def queue():
    return boto3.client("sqs", aws_access_key_id=os.environ["KEY"], aws_secret_access_key=os.environ["SECRET"])
'''
SETTINGS = f'AWS_SECRET_ACCESS_KEY = "{SECRET_2}"\n'
CONFIG = f"[default]\nregion = eu-west-1\naws_access_key_id = {KEY_ID_2}\n"
BROKEN = f'def broken(:\n    key = "{KEY_ID}"\n'
CONFIG_NAME = "conf dir/prod creds.cfg"  # a space: the URI must be percent-encoded


@pytest.fixture(scope="module")
def schema() -> Dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def validate(log: Dict[str, Any], schema: Dict[str, Any]) -> None:
    cls = jsonschema.validators.validator_for(schema)  # the draft the schema declares (draft-04)
    cls.check_schema(schema)
    errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:10])


def make_project(root) -> None:
    (root / ".git").mkdir()  # pins the project root (fingerprints and URIs are relative to it)
    (root / "app.py").write_text(APP, encoding="utf-8")
    (root / "settings.py").write_text(SETTINGS, encoding="utf-8")
    (root / "conf dir").mkdir()
    (root / CONFIG_NAME).write_text(CONFIG, encoding="utf-8")
    (root / "broken.py").write_text(BROKEN, encoding="utf-8")
    (root / "clean.py").write_text("import boto3\n\ns3 = boto3.client('s3')\n", encoding="utf-8")


def cli(root, *args: str) -> subprocess.CompletedProcess:
    return run_cli("--no-cache", *args, cwd=str(root))


def assert_no_keys(*texts) -> None:
    for text in texts:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        for key in ALL_KEYS:
            assert key not in text, f"a full key ({key[:4]}...) was printed"


def results_of(log: Dict[str, Any]) -> List[Dict[str, Any]]:
    (run,) = log["runs"]
    return run["results"]


def where(result: Dict[str, Any]) -> Tuple[str, str, int, int]:
    location = result["locations"][0]["physicalLocation"]
    return (result["ruleId"], location["artifactLocation"]["uri"], location["region"]["startLine"],
            location["region"]["startColumn"])


@pytest.fixture
def project(tmp_path):
    make_project(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """One project, linted once as SARIF and once as JSON, for the tests that only read."""
    root = tmp_path_factory.mktemp("sarif-project")
    make_project(root)
    proc = cli(root, "--format", "sarif", ".")
    findings = json.loads(cli(root, "--format", "json", ".").stdout)
    return root, proc, findings


def test_sarif_is_a_registered_format():
    assert "sarif" in FORMATS
    proc = run_cli("check", "--help")
    assert b"sarif" in proc.stdout


def test_cli_sarif_is_valid_and_reports_every_finding(baseline, schema):
    project, proc, expected = baseline
    assert proc.returncode == 1, proc.stderr
    assert_no_keys(proc.stdout, proc.stderr)
    log = json.loads(proc.stdout)
    validate(log, schema)
    assert log["version"] == "2.1.0" and "sarif-schema-2.1.0" in log["$schema"]
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "credlint"
    from credlint import __version__

    assert driver["version"] == driver["semanticVersion"] == __version__

    # The same findings as the JSON report, at the same places.
    assert expected, "the fixture project must produce findings"
    assert sorted(where(r) for r in run["results"]) == sorted(
        (f["rule"], f["path"].replace("./", "", 1).replace(" ", "%20"), f["line"], f["column"]) for f in expected)
    found = {(r["ruleId"], where(r)[1], where(r)[2]) for r in run["results"]}
    assert {("CL201", "app.py", 5), ("CL101", "app.py", 9), ("CL102", "app.py", 13), ("CL202", "settings.py", 1),
            ("CL201", "broken.py", 2)} <= found
    assert any(uri == "conf%20dir/prod%20creds.cfg" and line == 3 for _, uri, line in found)

    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == project.resolve().as_uri() + "/"
    rules = driver["rules"]
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        artifact = location["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert not artifact["uri"].startswith(("/", "./", "file:")) and "\\" not in artifact["uri"]
        # A consumer resolves the URI against %SRCROOT% and finds the file.
        assert os.path.isfile(url2pathname(urlparse(urljoin(base, artifact["uri"])).path))
        assert "snippet" not in location["region"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == {"CL102": "warning"}.get(result["ruleId"], "error")
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["credlintFingerprint/v1"])
        assert result["message"]["text"]
    region = next(r for r in run["results"] if r["ruleId"] == "CL201" and where(r)[1] == "app.py")[
        "locations"][0]["physicalLocation"]["region"]
    line = APP.splitlines()[4]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == KEY_ID  # columns are exact, end exclusive
    assert region["endLine"] == 5

    # The file that could not be parsed is a notification, not a failure of the run.
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert any(n["level"] == "warning" and "broken.py" in n["message"]["text"]
               and n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py" for n in notes)


def test_rules_carry_help_links_tags_and_severity(baseline, ruleset):
    log = json.loads(baseline[1].stdout)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {r.id for r in ruleset.rules}
    for rule in ruleset.rules:
        d = rules[rule.id]
        assert d["name"] == rule.name
        assert d["shortDescription"]["text"] and d["fullDescription"]["text"]
        assert d["help"]["text"].strip() and d["help"]["markdown"].startswith(f"# {rule.id} {rule.name}")
        assert d["helpUri"] == f"https://github.com/credlint/credlint/blob/main/docs/rules/{rule.id}.md"
        assert d["defaultConfiguration"]["level"] == {"info": "note"}.get(rule.severity, rule.severity)
        tags = d["properties"]["tags"]
        assert "security" in tags and set(rule.tags) <= set(tags) and len(tags) == len(set(tags))
        score = float(d["properties"]["security-severity"])
        assert {"error": 7.0 <= score < 9.0, "warning": 4.0 <= score < 7.0, "info": score < 4.0}[rule.severity]
    assert "CWE-798" in rules["CL201"]["properties"]["tags"]
    assert any(t.startswith("CWE-") for t in rules["CL102"]["properties"]["tags"])
    # The docs' examples are keys each rule reports, shown masked; AWS's documented
    # placeholder keys (named in the rule descriptions) stay readable.
    assert "AKIA************VEX7" in rules["CL101"]["help"]["markdown"]
    assert "AKIA2E3MOIH4N6CFVEX7" not in json.dumps(rules)
    assert "AKIAIOSFODNN7EXAMPLE" in rules["CL201"]["fullDescription"]["text"]
    assert "credentials.html" in rules["CL101"]["help"]["markdown"]  # URLs are not mistaken for keys


def test_fingerprints_are_stable_when_lines_move(project):
    def fingerprints(log):
        return {(r["ruleId"], where(r)[1], r["partialFingerprints"]["credlintFingerprint/v1"]): where(r)[2]
                for r in results_of(log)}

    before = fingerprints(json.loads(cli(project, "--format", "sarif", ".").stdout))
    for name in ("app.py", "settings.py", CONFIG_NAME):
        path = project / name
        path.write_text("\n\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = fingerprints(json.loads(cli(project, "--format", "sarif", ".").stdout))
    assert set(after) == set(before)
    moved = {key: line for key, line in before.items() if key[1] != "broken.py"}
    assert all(after[key] == line + 3 for key, line in moved.items())


def test_output_file_gets_the_report_and_the_terminal_a_summary(project, schema):
    proc = cli(project, "--format", "sarif", "--output", "out.sarif", ".")
    assert proc.returncode == 1, proc.stderr
    stdout = proc.stdout.decode()
    assert "Found" in stdout and "$schema" not in stdout and "::" not in stdout
    report = (project / "out.sarif").read_text(encoding="utf-8")
    assert_no_keys(proc.stdout, proc.stderr, report)
    log = json.loads(report)
    validate(log, schema)
    # A report left in the workspace (CI uploads it in a later step) is not itself a leak:
    # linting again finds the same problems, and none in out.sarif.
    rerun = json.loads(cli(project, "--format", "json", ".").stdout)
    assert len(results_of(log)) == len(rerun)
    assert not [f for f in rerun if "out.sarif" in f["path"]]


def test_clean_project_is_an_empty_successful_run(tmp_path, schema):
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text("import boto3\n\ns3 = boto3.client('s3')\n", encoding="utf-8")
    proc = cli(tmp_path, "--format", "sarif", ".")
    assert proc.returncode == 0, proc.stderr
    log = json.loads(proc.stdout)
    validate(log, schema)
    assert results_of(log) == [] and log["runs"][0]["tool"]["driver"]["rules"]
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_a_missing_path_makes_the_run_unsuccessful(project, schema):
    proc = cli(project, "--format", "sarif", "app.py", "missing.py")
    assert proc.returncode == 2
    log = json.loads(proc.stdout)
    validate(log, schema)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert any(n["level"] == "error" and "missing.py" in n["message"]["text"]
               for n in invocation["toolExecutionNotifications"])


def test_cli_fix_is_a_sarif_replacement_that_removes_the_key(baseline):
    _, proc, findings = baseline
    if not any(f["fix"] for f in findings):
        pytest.skip("the CLI does not attach fix edits to findings yet (Finding.fix is None); "
                    "test_constructed_fix_* cover the reporter")
    log = json.loads(proc.stdout)
    (result,) = [r for r in results_of(log) if r["ruleId"] == "CL101"]
    (fix,) = result["fixes"]
    assert "unsafe" in fix["description"]["text"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    fixed = apply_replacements(APP, change["replacements"])
    assert KEY_ID not in fixed.splitlines()[8] and SECRET not in fixed
    assert 'boto3.client("s3")' in fixed
    compile(fixed, "app.py", "exec")
    assert all("fixes" not in r for r in results_of(log) if r["ruleId"] == "CL201")  # no fix, no empty list


def apply_replacements(text: str, replacements: List[Dict[str, Any]]) -> str:
    """Apply SARIF replacements as a consumer does (columns in code points)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    edits = sorted(((offset(r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
                     offset(r["deletedRegion"]["endLine"], r["deletedRegion"]["endColumn"]),
                     r["insertedContent"]["text"]) for r in replacements), reverse=True)
    for start, end, content in edits:
        text = text[:start] + content + text[end:]
    return text


# -- the reporter on results built by hand ----------------------------------------


def finding(path: str, rule_id: str = "CL101", line: int = 3, fix=None, severity: str = "error") -> Finding:
    return Finding(rule_id=rule_id, rule_name="hardcoded-credentials-in-sdk-call", severity=severity, path=path,
                   span=Span(line, 5, line, 40), message="Hardcoded AWS credentials passed to boto3.client",
                   fingerprint="0123456789abcdef0123456789abcdef", fix=fix)


def render(results, root, ruleset=None) -> Dict[str, Any]:
    ctx = ReportContext(rules={r.id: r for r in ruleset.rules} if ruleset else {}, tool_version="0.1.0",
                        root=str(root))
    return json.loads(renderer("sarif")(results, ctx))


def test_constructed_fix_becomes_replacements(tmp_path, schema, ruleset):
    fix = Fix("unsafe", "Remove the hardcoded credentials", (
        Edit(Span(3, 22, 3, 60), ""),
        Edit(Span(4, 1, 4, 1), "# credentials come from the default chain\n"),
    ))
    log = render([FileResult(str(tmp_path / "pkg" / "app.py"), (finding(str(tmp_path / "pkg" / "app.py"), fix=fix),))],
                 tmp_path, ruleset)
    validate(log, schema)
    (result,) = results_of(log)
    (sarif_fix,) = result["fixes"]
    assert sarif_fix["description"]["text"] == "Remove the hardcoded credentials (unsafe fix)"
    (change,) = sarif_fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "pkg/app.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {"deletedRegion": {"startLine": 3, "startColumn": 22, "endLine": 3, "endColumn": 60},
         "insertedContent": {"text": ""}},
        {"deletedRegion": {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 1},
         "insertedContent": {"text": "# credentials come from the default chain\n"}},
    ]


def test_constructed_fix_that_would_print_a_key_is_dropped(tmp_path, schema):
    leaky = Fix("safe", "Rewrite", (Edit(Span(3, 1, 3, 9), f'key = "{KEY_ID}"'),))
    empty = Fix("safe", "Nothing to do", ())
    log = render([FileResult("a.py", (finding("a.py", fix=leaky), finding("a.py", line=5, fix=empty)))], tmp_path)
    validate(log, schema)
    assert all("fixes" not in r for r in results_of(log))
    assert_no_keys(json.dumps(log))


def test_paths_are_relative_percent_encoded_uris(tmp_path, schema):
    names = ["sub dir/a%b.py", "naïve/ünï cødé.py", "x:y.py", "#hash?.py"]
    results = [FileResult(str(tmp_path / n), (finding(str(tmp_path / n)),)) for n in names]
    outside = os.path.join(os.path.dirname(str(tmp_path)), "elsewhere", "b c.py")
    results.append(FileResult(outside, (finding(outside, rule_id="CL201"),)))
    log = render(results, tmp_path)
    validate(log, schema)
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    uris = {}
    for result in results_of(log):
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        uris[url2pathname(urlparse(urljoin(base, artifact["uri"])).path)] = artifact
    for name in names:
        artifact = uris[str(tmp_path / name)]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert re.fullmatch(r"[A-Za-z0-9._~/%-]+", artifact["uri"]), artifact["uri"]
    assert uris[str(tmp_path / "sub dir/a%b.py")]["uri"] == "sub%20dir/a%25b.py"
    assert uris[outside] == {"uri": "file://" + outside.replace(" ", "%20")}  # outside the root: absolute


def test_rules_unknown_to_the_context_still_get_a_descriptor(tmp_path, schema):
    log = render([FileResult("a.py", (finding("a.py", rule_id="CL999", severity="info"),))], tmp_path)
    validate(log, schema)
    (result,) = results_of(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "CL999" and result["level"] == "note"


def test_notices_become_notifications(tmp_path, schema):
    img, bad, gone = (str(tmp_path / name) for name in ("img.png", "bad.py", "gone.py"))
    results = [
        FileResult(img, notices=(Notice(img, "skipped: binary file", level="info"),), skipped=True),
        FileResult(bad, notices=(Notice(bad, "could not parse", line=7),)),
        FileResult(gone, notices=(Notice(gone, "no such file or directory", level="error"),), skipped=True),
    ]
    log = render(results, tmp_path)
    validate(log, schema)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    levels = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n["level"]
              for n in invocation["toolExecutionNotifications"]}
    assert levels == {"img.png": "note", "bad.py": "warning", "gone.py": "error"}
    bad = next(n for n in invocation["toolExecutionNotifications"] if "bad.py" in n["message"]["text"])
    assert bad["locations"][0]["physicalLocation"]["region"] == {"startLine": 7}
