"""`--format github`: GitHub Actions workflow commands (annotations).

Parsed as the Actions runner parses them: `::name key=value,...::message`,
one command per line, values unescaped with GitHub's rules.
"""
from __future__ import annotations

import json
import re
from typing import Dict, List, Tuple

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, run_cli
from credlint.model import FileResult, Finding, Notice, Span
from credlint.report import ReportContext, renderer
from credlint.report.text import summary

ALL_KEYS = (KEY_ID, SECRET, KEY_ID_2, SECRET_2)
COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def unescape(text: str, prop: bool = False) -> str:
    if prop:
        text = text.replace("%3A", ":").replace("%2C", ",")
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse(output: str) -> Tuple[List[Tuple[str, Dict[str, str], str]], List[str]]:
    """(commands, other lines); a property value never holds a raw ',' or ':'."""
    commands, other = [], []
    for line in output.splitlines():
        m = COMMAND.match(line)
        if not m:
            assert not line.startswith("::"), f"malformed command: {line!r}"
            other.append(line)
            continue
        props = {}
        for pair in (m["props"] or "").split(","):
            if pair:
                key, _, value = pair.partition("=")
                props[key] = unescape(value, prop=True)
        commands.append((m["name"], props, unescape(m["message"])))
    return commands, other


def write_project(root) -> None:
    (root / ".git").mkdir()
    (root / "app.py").write_text(
        "import os\nimport boto3\n\n"
        f'ACCESS_KEY = "{KEY_ID}"\n'
        f's3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\n'
        'sqs = boto3.client("sqs", aws_access_key_id=os.environ["K"], aws_secret_access_key=os.environ["S"])\n',
        encoding="utf-8")
    (root / "deploy, prod").mkdir()
    (root / "deploy, prod" / "creds.ini").write_text(f"aws_access_key_id = {KEY_ID_2}\n", encoding="utf-8")
    (root / "broken.py").write_text(f'def f(:\n    x = "{KEY_ID_2}"\n', encoding="utf-8")
    (root / "clean.py").write_text("x = 1\n", encoding="utf-8")


def test_cli_github_annotations_match_the_findings(tmp_path):
    write_project(tmp_path)
    proc = run_cli("--no-cache", "--format", "github", ".", cwd=str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    for key in ALL_KEYS:
        assert key.encode() not in proc.stdout + proc.stderr
    commands, other = parse(proc.stdout.decode())
    findings = json.loads(run_cli("--no-cache", "--format", "json", ".", cwd=str(tmp_path)).stdout)

    annotations = [c for c in commands if c[1].get("title", "").startswith("CL")]
    assert len(annotations) == len(findings)
    expected = sorted((f["path"].replace("./", "", 1), f["line"], f["column"], f["end_line"], f["end_column"],
                       {"error": "error", "warning": "warning", "info": "notice"}[f["severity"]],
                       f"{f['rule']} {f['name']}", f["message"]) for f in findings)
    got = sorted((p["file"], int(p["line"]), int(p["col"]), int(p["endLine"]), int(p["endColumn"]), name,
                  p["title"], message) for name, p, message in annotations)
    assert got == expected
    names = {(p["file"], p["title"].split()[0]): name for name, p, _ in annotations}
    assert names[("app.py", "CL101")] == "error" and names[("app.py", "CL102")] == "warning"
    ini = [title for (path, title) in names if path == "deploy, prod/creds.ini"]  # the ',' was escaped as %2C
    assert ini and all(names[("deploy, prod/creds.ini", title)] == "error" for title in ini)
    assert "file=deploy%2C prod/creds.ini," in proc.stdout.decode()

    # The file that could not be parsed is a warning annotation too.
    (warning,) = [c for c in commands if c[1].get("title") == "credlint"]
    assert warning[0] == "warning" and warning[1]["file"] == "broken.py" and "parse" in warning[2]
    assert other and other[-1].startswith(("Found", "[*]")) and any(line.startswith("Found") for line in other)


def test_cli_github_clean_project_exits_zero(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "clean.py").write_text("import boto3\ns3 = boto3.client('s3')\n", encoding="utf-8")
    proc = run_cli("--no-cache", "--format", "github", ".", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    commands, other = parse(proc.stdout.decode())
    assert commands == [] and len(other) == 1 and other[0].startswith("No problems found")


def render(results, root) -> str:
    return renderer("github")(results, ReportContext(root=str(root), tool_version="0.1.0"))


def test_escaping_of_messages_and_properties(tmp_path):
    path = str(tmp_path / "a,b" / "c:d%e.py")
    message = "100% of keys: a, b\nsecond line\r\nthird :: line"
    finding = Finding("CL201", "aws-access-key-id", "error", path, Span(3, 2, 3, 22), message, "f" * 32)
    output = render([FileResult(path, (finding,))], tmp_path)
    first = output.splitlines()[0]
    assert first == ("::error file=a%2Cb/c%3Ad%25e.py,line=3,endLine=3,col=2,endColumn=22,"
                     "title=CL201 aws-access-key-id::100%25 of keys: a, b%0Asecond line%0D%0Athird :: line")
    commands, _ = parse(output)
    ((name, props, text),) = commands
    assert name == "error" and props["file"] == "a,b/c:d%e.py" and text == message


def test_severities_columns_and_notices(tmp_path):
    def at(severity, span):
        return Finding("CL1", "r", severity, str(tmp_path / "x.py"), span, "m", "0" * 32)

    results = [
        FileResult(str(tmp_path / "x.py"), (
            at("error", Span(1, 1, 1, 5)), at("warning", Span(2, 1, 2, 5)), at("info", Span(3, 4, 5, 2)))),
        FileResult(str(tmp_path / "y.bin"), notices=(Notice(str(tmp_path / "y.bin"), "skipped: binary file", level="info"),)),
        FileResult(str(tmp_path / "z.py"), notices=(Notice(str(tmp_path / "z.py"), "could not parse", line=4),)),
        FileResult(str(tmp_path / "w.py"), notices=(Notice(str(tmp_path / "w.py"), "cannot read", level="error"),)),
    ]
    commands, other = parse(render(results, tmp_path))
    assert [c[0] for c in commands] == ["error", "warning", "notice", "warning", "error"]
    multi_line = commands[2][1]
    assert multi_line["line"] == "3" and multi_line["endLine"] == "5"
    assert "col" not in multi_line and "endColumn" not in multi_line  # GitHub takes columns on one line only
    assert commands[3][1] == {"file": "z.py", "line": "4", "title": "credlint"}
    assert commands[4][1] == {"file": "w.py", "title": "credlint"}
    assert not any("y.bin" in c[1].get("file", "") for c in commands)  # info notices are not annotations
    assert other == summary(results, ReportContext()).splitlines()  # the text format's summary, last
    assert other[0].startswith("Found 3 problems (1 error, 1 warning, 1 info)")
