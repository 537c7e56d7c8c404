"""File names that are not UTF-8 (issue 13, item 9): every format is valid
UTF-8, shows the name readably, and the machine formats carry its bytes."""
from __future__ import annotations

import base64
import json
import os
import sys
import xml.etree.ElementTree as ET

import pytest

from credlint.paths import display, raw_base64

from conftest import KEY_ID, run_cli
from test_report_sarif import validate

NAME = b"k\xe9.py"  # Latin-1 e-acute: not UTF-8

pytestmark = pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses names that are not UTF-8")


@pytest.fixture
def project(tmp_path):
    with open(os.path.join(os.fsencode(tmp_path), NAME), "w") as handle:
        handle.write(f'KEY = "{KEY_ID}"\n')
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_format_is_valid_utf8_and_names_the_file(project, fmt):
    proc = run_cli("--no-cache", "--format", fmt, ".", cwd=str(project))
    assert proc.returncode == 1, proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8")  # raises on invalid UTF-8
    proc.stderr.decode("utf-8")
    if fmt in ("text", "github", "junit"):
        assert "k\\xe9.py" in out
    if fmt == "junit":
        ET.fromstring(proc.stdout)


def test_json_carries_the_exact_bytes(project):
    (finding,) = json.loads(run_cli("--no-cache", "--format", "json", ".", cwd=str(project)).stdout)
    assert finding["path"] == "k\\xe9.py"
    assert base64.b64decode(finding["path_bytes"]) == NAME


def test_sarif_percent_encodes_the_bytes_and_stays_valid(project):
    from test_report_sarif import SCHEMA_PATH

    log = json.loads(run_cli("--no-cache", "--format", "sarif", ".", cwd=str(project)).stdout)
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        validate(log, json.load(handle))
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "k%E9.py"


def test_helpers_leave_utf8_names_alone():
    assert display("src/café.py") == "src/café.py" and raw_base64("src/café.py") is None
    assert display(os.fsdecode(NAME)) == "k\\xe9.py"
