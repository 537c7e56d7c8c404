"""Adopting credlint in a real repository: inline suppressions for the known
exceptions, a baseline for the findings that already exist."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, run_cli

CALL = f'boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")'


def _findings(tmp_path, *args):
    proc = run_cli("--format", "json", "--no-cache", *args, cwd=str(tmp_path))
    return proc, json.loads(proc.stdout or b"[]")


def test_ignore_on_the_line_or_the_line_above_by_id_or_name(tmp_path):
    (tmp_path / "app.py").write_text(
        "import boto3\n"
        f"a = {CALL}  # credlint: ignore[CL101]\n"
        "# credlint: ignore[hardcoded-credentials-in-sdk-call]\n"
        f"b = {CALL}\n"
        f"c = {CALL}  # credlint: ignore[CL102]\n"  # the wrong rule: still reported
        f"d = {CALL}\n"
    )
    proc, found = _findings(tmp_path, "app.py")
    assert [(f["rule"], f["line"]) for f in found] == [("CL101", 5), ("CL101", 6)]


def test_a_trailing_ignore_does_not_reach_the_next_statement(tmp_path):
    """Hardening item 7: only a comment on its own line applies to the line below."""
    (tmp_path / "app.py").write_text(
        "import boto3\n"
        "x = 1  # credlint: ignore[CL101]\n"
        f"s3 = {CALL}\n"
    )
    (tmp_path / "app.js").write_text(
        "const AWS = require('aws-sdk');\n"
        "let retries = 3; // credlint: ignore[CL401]\n"
        f"const s3 = new AWS.S3({{ accessKeyId: '{KEY_ID}', secretAccessKey: '{SECRET}' }});\n"
        "/* credlint: ignore[CL401] */\n"
        f"const sqs = new AWS.SQS({{ accessKeyId: '{KEY_ID}', secretAccessKey: '{SECRET}' }});\n"
    )
    proc, found = _findings(tmp_path, ".")
    assert sorted((f["path"], f["rule"], f["line"]) for f in found) == [("app.js", "CL401", 3), ("app.py", "CL101", 3)]
    assert b"unused" not in proc.stderr


def test_ignore_anywhere_in_a_multiline_call(tmp_path):
    (tmp_path / "app.py").write_text(
        "import boto3\n"
        "s3 = boto3.client(  # credlint: ignore[CL101]\n"
        '    "s3",\n'
        f'    aws_access_key_id="{KEY_ID}",\n'
        f'    aws_secret_access_key="{SECRET}",\n'
        ")\n"
    )
    assert _findings(tmp_path, "app.py")[1] == []


def test_bare_ignore_is_refused_with_a_warning(tmp_path):
    (tmp_path / "app.py").write_text(f"KEY = '{KEY_ID}'  # credlint: ignore\n")
    proc, found = _findings(tmp_path, "app.py")
    assert [f["rule"] for f in found] == ["CL201"]
    assert b"app.py:1: warning: `credlint: ignore` without rules is not honoured" in proc.stderr


def test_unknown_rule_in_ignore_is_reported(tmp_path):
    (tmp_path / "app.py").write_text(f"KEY = '{KEY_ID}'  # credlint: ignore[CL2O1]\n")
    proc, found = _findings(tmp_path, "app.py")
    assert [f["rule"] for f in found] == ["CL201"]
    assert b"credlint: ignore[CL2O1]`: no such rule" in proc.stderr


def test_comment_styles_of_other_file_types(tmp_path):
    (tmp_path / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={KEY_ID}  # credlint: ignore[CL305]\n")
    (tmp_path / "config.js").write_text(f"// credlint: ignore[aws-access-key-id]\nconst id = '{KEY_ID}';\n")
    (tmp_path / "notes.ini").write_text(f"; credlint: ignore[CL201]\nkey_id = {KEY_ID}\n")
    assert [f["path"] for f in _findings(tmp_path, ".")[1]] == []


def test_report_unused_ignores(tmp_path):
    (tmp_path / "app.py").write_text("x = 1  # credlint: ignore[CL201]\n")
    proc, found = _findings(tmp_path, "app.py")
    assert proc.returncode == 0 and found == []
    proc = run_cli("--report-unused-ignores", "--no-cache", "app.py", cwd=str(tmp_path))
    assert proc.returncode == 1
    assert b"app.py:1: warning: unused `credlint: ignore[CL201]`" in proc.stderr


def test_baseline_hides_known_findings_and_reports_new_ones(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(f"import boto3\nKEY = '{KEY_ID}'\ns3 = {CALL}\n")
    proc = run_cli("--write-baseline", "baseline.json", "--no-cache", ".", cwd=str(tmp_path))
    assert proc.returncode == 0 and b"Wrote 2 findings" in proc.stdout
    text = (tmp_path / "baseline.json").read_text()
    document = json.loads(text)
    assert document["version"] == 1 and len(document["findings"]) == 2
    assert KEY_ID not in text and SECRET not in text and '"line"' not in text
    assert document["findings"] == sorted(document["findings"], key=lambda e: (e["path"], e["rule"], e["fingerprint"]))

    # moving code does not churn the baseline
    app.write_text("\n\n# moved down\n" + app.read_text())
    proc, found = _findings(tmp_path, "--baseline", "baseline.json", ".")
    assert proc.returncode == 0 and found == []
    run_cli("--write-baseline", "again.json", "--no-cache", ".", cwd=str(tmp_path))
    assert (tmp_path / "again.json").read_text() == text

    # a different secret at the same place is new
    app.write_text(app.read_text().replace(KEY_ID, KEY_ID_2, 1))
    proc, found = _findings(tmp_path, "--baseline", "baseline.json", ".")
    assert proc.returncode == 1 and [(f["rule"], f["line"]) for f in found] == [("CL201", 5)]

    # a second copy of a known secret is new too
    app.write_text(f"import boto3\nKEY = '{KEY_ID}'\ns3 = {CALL}\nKEY2 = '{KEY_ID}'\n")
    proc, found = _findings(tmp_path, "--baseline", "baseline.json", ".")
    assert [(f["rule"], f["line"]) for f in found] == [("CL201", 4)]


def test_baseline_errors_are_usage_errors(tmp_path):
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "bad.json").write_text('{"findings": []}')
    proc = run_cli("--baseline", "bad.json", "app.py", cwd=str(tmp_path))
    assert proc.returncode == 2 and b"not a credlint baseline of version 1" in proc.stderr
    proc = run_cli("--baseline", "missing.json", "app.py", cwd=str(tmp_path))
    assert proc.returncode == 2 and b"cannot read baseline missing.json" in proc.stderr


def test_allowlist_of_values_and_fingerprints(tmp_path):
    (tmp_path / "keys.py").write_text(f"A = '{KEY_ID}'\nB = '{KEY_ID_2}'\nAWS_SECRET = '{SECRET_2}'\n")
    _, found = _findings(tmp_path, "keys.py")
    fingerprint_b = next(f["fingerprint"] for f in found if f["line"] == 2)
    (tmp_path / ".credlint.toml").write_text(f'allowlist = ["{KEY_ID}", "{fingerprint_b}"]\n')
    _, found = _findings(tmp_path, "keys.py")
    assert [f["line"] for f in found] == [3]
