"""detect-secrets interop, with detect-secrets' own CLI: credlint's detector
as a detect-secrets plugin (credlint/detect_secrets_plugin.py), and a
detect-secrets baseline (`.secrets.baseline`) read by `credlint --baseline`."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, run_cli
from credlint import detect_secrets_plugin

DETECT_SECRETS = os.path.join(os.path.dirname(sys.executable), "detect-secrets")
pytestmark = pytest.mark.skipif(not os.path.exists(DETECT_SECRETS), reason="detect-secrets' CLI is not installed")


def scan(cwd, *args: str) -> dict:
    proc = subprocess.run([DETECT_SECRETS, "scan", *args], cwd=str(cwd), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_plugin_reports_aws_keys_by_credlints_policy(tmp_path):
    (tmp_path / "deploy.sh").write_text(
        f"export S3_SECRET_KEY={SECRET}\n"       # a label detect-secrets' AWS plugin does not know
        f"AWS_KEY={KEY_ID}\n"  # (not after `_ID=`: detect-secrets filters likely ids itself)
        "EXAMPLE=AKIAIOSFODNN7EXAMPLE\n"          # AWS's documented example: a placeholder
        "LOCAL=AKIAQAAAAAAAFIMYTWXP\n")           # an emulator's key id (account 000000000000)
    found = scan(tmp_path, "--plugin", detect_secrets_plugin.__file__, "deploy.sh")
    ours = sorted(r["line_number"] for r in found["results"].get("deploy.sh", ())
                  if r["type"] == "AWS Credentials (credlint)")
    assert ours == [1, 2]
    assert any(p["name"] == "CredlintAWSDetector" for p in found["plugins_used"])
    assert SECRET not in json.dumps(found) and KEY_ID not in json.dumps(found)  # hashed, as detect-secrets does


def test_a_detect_secrets_baseline_allows_the_secrets_it_lists(tmp_path):
    (tmp_path / ".git").mkdir()
    app = tmp_path / "app.py"
    app.write_text(f'AWS_SECRET_ACCESS_KEY = "{SECRET}"\nKEY = "{KEY_ID}"\n')
    (tmp_path / ".secrets.baseline").write_text(json.dumps(scan(tmp_path, "app.py")))
    app.write_text(app.read_text() + f'NEW_KEY = "{KEY_ID_2}"\nNEW_SECRET_KEY = "{SECRET_2}"\n')
    proc = run_cli("--no-cache", "--format", "json", "--baseline", ".secrets.baseline", "app.py", cwd=str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert sorted((f["rule"], f["line"]) for f in json.loads(proc.stdout)) == [("CL201", 3), ("CL202", 4)]
    clean = run_cli("--no-cache", "--baseline", ".secrets.baseline", "--select", "CL201", "app.py",
                    cwd=str(tmp_path))
    assert b"NEW" not in clean.stderr
