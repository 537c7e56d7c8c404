"""The command line as users meet it: real processes, real files, real git."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, run_cli

APP = f"""import boto3

s3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")
"""


def _project(tmp_path: Path, files: dict) -> Path:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return tmp_path


def _json(proc):
    return json.loads(proc.stdout.decode())


def test_exit_codes_clean_findings_usage(tmp_path):
    _project(tmp_path, {"clean.py": "import boto3\ns3 = boto3.client('s3')\n", "app.py": APP})
    assert run_cli("clean.py", cwd=str(tmp_path)).returncode == 0
    assert run_cli("app.py", cwd=str(tmp_path)).returncode == 1
    bad = run_cli("--select", "CL999", "app.py", cwd=str(tmp_path))
    assert bad.returncode == 2 and b"unknown rule 'CL999'" in bad.stderr
    missing = run_cli("nope.py", cwd=str(tmp_path))
    assert missing.returncode == 2 and b"nope.py: error: no such file or directory" in missing.stderr


def test_text_output_shape_and_summary(tmp_path):
    _project(tmp_path, {"app.py": APP})
    out = run_cli("app.py", cwd=str(tmp_path)).stdout.decode()
    assert out.startswith("app.py:3:25: CL101 [hardcoded-credentials-in-sdk-call] Hardcoded AWS credentials")
    assert "3 | s3 = boto3.client(" in out and "^^^^" in out
    assert "Found 1 problem (1 error) in 1 of 1 file." in out
    assert KEY_ID not in out and SECRET not in out and "AKIA************VEX7" in out


def test_color_only_when_asked_and_no_color_respected(tmp_path):
    _project(tmp_path, {"app.py": APP})
    assert b"\x1b[" not in run_cli("app.py", cwd=str(tmp_path)).stdout  # not a tty
    assert b"\x1b[31m" in run_cli("--color", "always", "app.py", cwd=str(tmp_path)).stdout
    forced = run_cli("app.py", cwd=str(tmp_path), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert b"\x1b[" not in forced.stdout


def test_json_output_fields(tmp_path):
    _project(tmp_path, {"app.py": APP})
    (finding,) = _json(run_cli("--format", "json", "app.py", cwd=str(tmp_path)))
    assert {k: finding[k] for k in ("rule", "name", "severity", "path", "line", "column", "end_line")} == {
        "rule": "CL101", "name": "hardcoded-credentials-in-sdk-call", "severity": "error", "path": "app.py",
        "line": 3, "column": 25, "end_line": 3,
    }
    assert finding["end_column"] > finding["column"] and len(finding["fingerprint"]) == 32
    assert finding["fix"]["applicability"] == "unsafe"


def test_fingerprint_is_stable_across_line_moves_and_changes_with_the_secret(tmp_path):
    _project(tmp_path, {"app.py": APP})
    first = _json(run_cli("--format", "json", "app.py", cwd=str(tmp_path)))[0]["fingerprint"]
    (tmp_path / "app.py").write_text("\n\n# moved\n" + APP)
    moved = _json(run_cli("--format", "json", "app.py", cwd=str(tmp_path)))[0]
    assert moved["line"] == 6 and moved["fingerprint"] == first
    (tmp_path / "app.py").write_text(APP.replace(KEY_ID, KEY_ID_2))
    assert _json(run_cli("--format", "json", "app.py", cwd=str(tmp_path)))[0]["fingerprint"] != first


def test_select_and_ignore_by_id_name_or_prefix(tmp_path):
    _project(tmp_path, {"app.py": APP + f"KEY = '{KEY_ID_2}'\n"})
    rules = lambda *a: sorted({f["rule"] for f in _json(run_cli("--format", "json", *a, "app.py", cwd=str(tmp_path)))})
    assert rules() == ["CL101", "CL201"]
    assert rules("--select", "CL2") == ["CL201", "CL202"]
    # without CL101, the literals in the call are reported as key material
    assert rules("--ignore", "hardcoded-credentials-in-sdk-call") == ["CL201", "CL202"]
    assert rules("--select", "aws-access-key-id") == ["CL201"]


def test_rules_and_explain(tmp_path):
    table = run_cli("rules").stdout.decode()
    assert "CL101  hardcoded-credentials-in-sdk-call" in table and "error" in table
    rows = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {"id", "name", "severity", "fixable", "summary"} <= set(rows[0])
    by_id = run_cli("explain", "CL102").stdout.decode()
    by_name = run_cli("explain", "explicit-credentials-in-sdk-call").stdout.decode()
    assert by_id == by_name
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety",
                    "## References"):
        assert heading in by_id
    assert run_cli("explain", "CL999").returncode == 2


def test_directory_walk_skips_vcs_venvs_and_gitignored(tmp_path):
    _project(tmp_path, {
        "src/app.py": APP,
        "node_modules/pkg/index.js": f"const k = '{KEY_ID}';\n",
        ".venv/pyvenv.cfg": "home = /usr\n",
        ".venv/lib/site.py": APP,
        "custom_env/pyvenv.cfg": "home = /usr\n",
        "custom_env/lib/x.py": APP,
        "generated/keys.py": APP,
        ".gitignore": "generated/\n*.log\n",
        "debug.log": f"{KEY_ID}\n",
    })
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    paths = {f["path"] for f in _json(run_cli("--format", "json", ".", cwd=str(tmp_path)))}
    assert paths == {"src/app.py"}
    everything = {f["path"] for f in _json(run_cli("--format", "json", "--no-respect-gitignore", ".", cwd=str(tmp_path)))}
    assert {"generated/keys.py", "debug.log"} <= everything


def test_explicit_files_are_linted_even_if_excluded_unless_force_exclude(tmp_path):
    _project(tmp_path, {"build/app.py": APP, ".credlint.toml": 'extend-exclude = ["legacy/"]\n', "legacy/old.py": APP})
    assert run_cli("build/app.py", cwd=str(tmp_path)).returncode == 1
    assert run_cli("legacy/old.py", cwd=str(tmp_path)).returncode == 1
    assert run_cli("--force-exclude", "build/app.py", "legacy/old.py", cwd=str(tmp_path)).returncode == 0
    assert run_cli(".", cwd=str(tmp_path)).returncode == 0  # both excluded from the walk


def test_bad_config_is_an_error_with_file_line_and_key(tmp_path):
    _project(tmp_path, {"app.py": APP, "pyproject.toml": "[tool.credlint]\nselct = ['CL1']\n"})
    proc = run_cli("app.py", cwd=str(tmp_path))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert f"{tmp_path / 'pyproject.toml'}:2: [tool.credlint] unknown key 'selct' (did you mean 'select'?)" in err
    (tmp_path / "pyproject.toml").write_text("[tool.credlint]\nseverity = { CL102 = 'fatal' }\n")
    err = run_cli("app.py", cwd=str(tmp_path)).stderr.decode()
    assert "pyproject.toml:2: [tool.credlint] severity: expected" in err
    (tmp_path / "pyproject.toml").write_text("[tool.credlint\n")
    proc = run_cli("app.py", cwd=str(tmp_path))
    assert proc.returncode == 2 and b"invalid TOML" in proc.stderr and b"Traceback" not in proc.stderr


def test_nearest_config_wins(tmp_path):
    _project(tmp_path, {
        "pyproject.toml": "[tool.credlint]\nignore = ['CL201']\n",
        "service/.credlint.toml": "select = ['CL201']\n",
        "service/keys.py": f"KEY = '{KEY_ID}'\n",
        "keys.py": f"KEY = '{KEY_ID}'\n",
    })
    paths = {f["path"] for f in _json(run_cli("--format", "json", ".", cwd=str(tmp_path)))}
    assert paths == {"service/keys.py"}


def test_unparseable_binary_and_odd_encodings_keep_the_run_going(tmp_path):
    _project(tmp_path, {
        "py2.py": f"print 'hello'\nKEY = '{KEY_ID}'\n",
        "blob.bin.py": b"\x00\x01\x02" + KEY_ID.encode() + b"\x00" * 100,
        "bad_cookie.py": f"# -*- coding: klingon -*-\nKEY = '{KEY_ID}'\n",
        "latin1.py": ("# -*- coding: latin-1 -*-\n# café\nKEY = '" + KEY_ID + "'\n").encode("latin-1"),
        "app.py": APP,
    })
    proc = run_cli("--format", "json", "-v", ".", cwd=str(tmp_path))
    assert proc.returncode == 1
    found = {(f["path"], f["rule"], f["line"]) for f in _json(proc)}
    assert ("py2.py", "CL201", 2) in found and ("latin1.py", "CL201", 3) in found and ("app.py", "CL101", 3) in found
    assert ("bad_cookie.py", "CL201", 2) in found
    err = proc.stderr.decode()
    assert "py2.py: warning: could not parse as Python (line 1" in err
    assert "bad_cookie.py: warning: unknown encoding 'klingon'" in err
    assert "blob.bin.py: info: skipped: binary file" in err
    assert KEY_ID not in err


def test_huge_file_is_skipped_without_reading(tmp_path):
    _project(tmp_path, {"big.py": APP + "#" * (2 * 1024 * 1024) + "\n"})
    proc = run_cli("--max-file-size", "1", "big.py", cwd=str(tmp_path))
    assert proc.returncode == 0
    assert b"big.py: warning: skipped: 2.0 MB is over the 1 MB limit" in proc.stderr


def test_output_file_gets_report_and_terminal_a_summary(tmp_path):
    _project(tmp_path, {"app.py": APP})
    proc = run_cli("--format", "json", "--output", "report.json", "app.py", cwd=str(tmp_path))
    assert proc.returncode == 1
    assert json.loads((tmp_path / "report.json").read_text())[0]["rule"] == "CL101"
    assert proc.stdout.decode().startswith("Found 1 problem")


def test_stdin_lints_as_the_given_path(tmp_path):
    _project(tmp_path, {".credlint.toml": 'per-file-ignores = { "tests/**" = ["CL1", "CL2"] }\n'})
    as_app = run_cli("--format", "json", "--stdin-filename", "src/app.py", "-", stdin=APP.encode(), cwd=str(tmp_path))
    as_test = run_cli("--format", "json", "--stdin-filename", "tests/test_app.py", "-", stdin=APP.encode(),
                      cwd=str(tmp_path))
    assert [f["rule"] for f in _json(as_app)] == ["CL101"]
    assert [f["rule"] for f in _json(as_test)] == []
    assert run_cli("-", cwd=str(tmp_path)).returncode == 2  # no --stdin-filename


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


def test_staged_lints_the_index_not_the_working_tree(tmp_path):
    _git(tmp_path, "init", "-q")
    _project(tmp_path, {"app.py": APP, "clean.py": "x = 1\n"})
    _git(tmp_path, "add", "app.py", "clean.py")
    (tmp_path / "app.py").write_text("import boto3\ns3 = boto3.client('s3')\n")  # fixed, but not staged
    (tmp_path / "unstaged.py").write_text(APP)
    proc = run_cli("--staged", "--format", "json", cwd=str(tmp_path))
    assert proc.returncode == 1
    assert [(f["path"], f["rule"]) for f in _json(proc)] == [("app.py", "CL101")]
    _git(tmp_path, "add", "app.py")
    assert run_cli("--staged", cwd=str(tmp_path)).returncode == 0


def test_staged_outside_a_repository_is_a_usage_error(tmp_path):
    proc = run_cli("--staged", cwd=str(tmp_path), env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert proc.returncode == 2 and b"not in a git repository" in proc.stderr


def test_files_from_list_and_stdin(tmp_path):
    _project(tmp_path, {"a.py": APP, "b.py": "x = 1\n", "c.py": APP})
    (tmp_path / "list.txt").write_text("a.py\nb.py\n")
    proc = run_cli("--files-from", "list.txt", "--format", "json", cwd=str(tmp_path))
    assert {f["path"] for f in _json(proc)} == {"a.py"}
    proc = run_cli("--files-from", "-", "--format", "json", stdin=b"b.py\0c.py\0", cwd=str(tmp_path))
    assert {f["path"] for f in _json(proc)} == {"c.py"}


def test_cache_gives_the_same_results_and_notices_changes(tmp_path):
    _project(tmp_path, {"app.py": APP, "ok.py": "x = 1\n"})
    env = {"CREDLINT_CACHE_DIR": str(tmp_path / "cache")}
    first = run_cli("--format", "json", ".", cwd=str(tmp_path), env=env)
    second = run_cli("--format", "json", ".", cwd=str(tmp_path), env=env)
    assert _json(first) == _json(second) and len(_json(first)) == 1
    (tmp_path / "ok.py").write_text(f"KEY = '{KEY_ID_2}'\n")
    third = run_cli("--format", "json", ".", cwd=str(tmp_path), env=env)
    assert {f["path"] for f in _json(third)} == {"app.py", "ok.py"}


def test_a_planted_cache_cannot_hide_a_finding(tmp_path):
    """A cache file committed to the repository is not trusted: it would let a
    pull request declare a leaked key clean."""
    _project(tmp_path, {"app.py": APP})
    env = {"CREDLINT_CACHE_DIR": str(tmp_path / "cache"), "CREDLINT_CACHE_KEY": "ci-secret"}
    run_cli(".", cwd=str(tmp_path), env=env)
    (cache_file,) = list((tmp_path / "cache" / "results").rglob("*.json"))
    signature, _, payload = cache_file.read_bytes().partition(b"\n")
    document = json.loads(payload)
    for entry in document["entries"].values():
        entry[3].pop("f", None)  # forge: no findings
    cache_file.write_bytes(signature + b"\n" + json.dumps(document, separators=(",", ":")).encode())
    assert run_cli(".", cwd=str(tmp_path), env=env).returncode == 1
