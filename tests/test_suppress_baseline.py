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


# -- the habits users bring from other tools ------------------------------------------


def _lint(tmp_path, name: str, text: str, **overrides):
    from conftest import workspace_at
    from credlint.api import lint_bytes

    return lint_bytes(str(tmp_path / name), text.encode(), workspace_at(tmp_path, **overrides))


def test_suppression_forms_of_ruff_detect_secrets_and_gitleaks(tmp_path):
    text = ("import boto3\n"
            f"a = {CALL}  # noqa: CL101\n"           # ruff style, an id
            f"b = {CALL}  # noqa: E501, CL1\n"       # a prefix, beside another linter's code
            f"c = {CALL}  # NOQA:cl101\n"            # any case
            f"d = {CALL}  # pragma: allowlist secret\n"  # detect-secrets: every rule on the line
            "# pragma: allowlist nextline secret\n"
            f"e = {CALL}\n"
            f"f = {CALL}  # gitleaks:allow\n"
            f"g = {CALL}  # credlint: ignore[Hardcoded-Credentials-In-SDK-Call]\n"
            f"h = {CALL}  # noqa: E501\n"            # another linter's code only: still reported
            "# noqa: CL101\n"                         # noqa covers its own line, not the next
            f"i = {CALL}\n")
    result = _lint(tmp_path, "app.py", text)
    assert [(f.rule_id, f.span.line) for f in result.findings] == [("CL101", 10), ("CL101", 12)]
    assert sorted(s.finding.span.line for s in result.suppressed) == [2, 3, 4, 5, 7, 8, 9]
    assert {s.kind for s in result.suppressed} == {"inSource"}
    assert not [n for n in result.notices if n.kind == "suppression"]


def test_a_bare_noqa_or_nosec_on_a_finding_says_which_forms_count(tmp_path):
    text = f"import boto3\na = {CALL}  # noqa\nb = {CALL}  # nosec\nx = 1  # noqa\n"
    result = _lint(tmp_path, "app.py", text)
    assert [f.span.line for f in result.findings] == [2, 3]  # not silenced
    notes = [(n.line, n.message) for n in result.notices if n.kind == "suppression"]
    assert [line for line, _ in notes] == [2, 3]  # not line 4: no finding there, nothing to say
    assert all("noqa: CL101" in message and "pragma: allowlist secret" in message for _, message in notes)


def test_every_form_counts_for_unused_ignores(tmp_path):
    text = ("x = 1  # noqa: CL101\ny = 2  # pragma: allowlist secret\nz = 3  # gitleaks:allow\n"
            "w = 4  # noqa: E501\n")
    result = _lint(tmp_path, "app.py", text, report_unused_ignores=True)
    unused = sorted((n.line, n.message) for n in result.notices if n.kind == "unused-ignore")
    assert unused == [(1, "unused `noqa: CL101`"), (2, "unused `pragma: allowlist secret`"),
                      (3, "unused `gitleaks:allow`")]


def test_sarif_shows_suppressed_and_baselined_findings_as_dismissed(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(f"import boto3\na = {CALL}  # noqa: CL101\n")
    (tmp_path / "old.py").write_text(f'import boto3\nb = boto3.client("s3", aws_access_key_id="{KEY_ID_2}", '
                                     f'aws_secret_access_key="{SECRET_2}")\n')
    assert run_cli("--write-baseline", "base.json", "old.py", cwd=str(tmp_path)).returncode == 0
    proc = run_cli("--no-cache", "--format", "sarif", "--baseline", "base.json", ".", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr  # nothing active: both are dismissed
    results = json.loads(proc.stdout)["runs"][0]["results"]
    kinds = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    r["suppressions"][0]["kind"]) for r in results)
    assert kinds == [("app.py", "inSource"), ("old.py", "external")]
    assert "noqa: CL101" in next(r for r in results if r["suppressions"][0]["kind"] == "inSource")[
        "suppressions"][0]["justification"]
    for key in (KEY_ID, SECRET, KEY_ID_2, SECRET_2):
        assert key not in proc.stdout.decode()


def test_statistics_counts_findings_per_rule(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(f"import boto3\na = {CALL}\nb = {CALL}\nKEY = '{KEY_ID_2}'\n")
    proc = run_cli("--no-cache", "--statistics", ".", cwd=str(tmp_path))
    assert proc.returncode == 1
    assert proc.stdout.decode().splitlines() == ["2\tCL101\t[*] hardcoded-credentials-in-sdk-call",
                                                 "1\tCL201\taws-access-key-id"]
    data = json.loads(run_cli("--no-cache", "--statistics", "--format", "json", ".", cwd=str(tmp_path)).stdout)
    assert data[0] == {"rule": "CL101", "name": "hardcoded-credentials-in-sdk-call", "count": 2, "fixable": 2}


def test_a_file_without_findings_still_hears_about_its_own_directives(tmp_path):
    """Without findings only credlint's own form has something to say (a bare
    one, an unknown rule); a stray `# noqa` has nothing to say."""
    text = ("import boto3\ns3 = boto3.client('s3', aws_access_key_id=None)  # credlint: ignore\n"
            "t = 1  # credlint: ignore[CL2O1]\nu = 2  # noqa\n")
    result = _lint(tmp_path, "app.py", text)
    assert result.findings == ()
    notes = sorted((n.line, n.message.split(":")[0]) for n in result.notices if n.kind == "suppression")
    assert notes == [(2, "`credlint"), (3, "`credlint")]
    assert "without rules is not honoured" in result.notices[0].message + result.notices[1].message
