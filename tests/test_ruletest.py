"""`credlint rules --validate` and the rule-example runner it shares with the
suite (credlint/ruletest.py), and what a rule author can say in YAML alone:
the worked MinIO example of docs/writing-rules.md, fix operations, the
checked safety claim."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import ROOT, run_cli

WRITING_RULES = Path(ROOT) / "docs" / "writing-rules.md"
CL101 = Path(ROOT) / "rules" / "CL101-hardcoded-credentials-in-sdk-call.yaml"


def worked_example() -> str:
    """The MinIO rule exactly as docs/writing-rules.md prints it."""
    text = WRITING_RULES.read_text()
    m = re.search(r"<!-- worked-example: acme-minio.yaml -->\n```yaml\n(.*?)```", text, re.S)
    assert m, "docs/writing-rules.md lost its worked example"
    return m.group(1)


def validate(tmp_path, text: str, name: str = "rule.yaml"):
    path = tmp_path / name
    path.write_text(text)
    proc = run_cli("rules", "--validate", str(path), cwd=str(tmp_path))
    return proc.returncode, proc.stdout.decode() + proc.stderr.decode()


def test_the_worked_example_validates_and_fixes_a_project_with_no_python_change(tmp_path):
    rules = tmp_path / "tools" / "credlint-rules"
    rules.mkdir(parents=True)
    (rules / "acme-minio.yaml").write_text(worked_example())
    (tmp_path / "pyproject.toml").write_text('[tool.credlint]\nextra-rules = ["tools/credlint-rules"]\n')
    assert validate(rules, worked_example(), "acme-minio.yaml") == (0, f"{rules / 'acme-minio.yaml'}: ok\n")
    app = tmp_path / "src" / "storage.py"
    app.parent.mkdir()
    app.write_text('"""Reports go to the on-premises object store."""\n'
                   "import logging\n\n"
                   "from minio import Minio\n\n"
                   'client = Minio("storage.internal.example.com", access_key="mK7Qw2Lp9Xz4Rt6Vb1Nc", '
                   'secret_key="Zq8vR2mK5pLwe7Tq1Hs3Ju9Ky4Lx6Mz0Nb2Vc8Xd")\n')
    proc = run_cli("--no-cache", "src", cwd=str(tmp_path))
    assert proc.returncode == 1 and b"ACME101 [hardcoded-minio-keys]" in proc.stdout
    assert b"mK7Qw2Lp9Xz4Rt6Vb1Nc" not in proc.stdout
    proc = run_cli("--no-cache", "--fix", "--unsafe-fixes", "src", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert app.read_text() == ('"""Reports go to the on-premises object store."""\n'
                               "import logging\n\n"
                               "from minio import Minio\n"
                               "from minio.credentials import EnvMinioProvider\n\n"
                               'client = Minio("storage.internal.example.com", credentials=EnvMinioProvider())\n')


def test_a_wrong_fixed_output_is_reported_with_a_diff(tmp_path):
    text = worked_example().replace("            credentials=EnvMinioProvider(),\n",
                                    "            credentials=EnvAWSProvider(),\n")
    code, out = validate(tmp_path, text)
    assert code == 1
    assert re.search(r"rule\.yaml:\d+: ACME101 invalid example: `fixed:` differs", out)
    assert "-    credentials=EnvAWSProvider()," in out and "+    credentials=EnvMinioProvider()," in out


def test_a_fixable_example_without_fixed_output_is_reported(tmp_path):
    text = re.sub(r"      fixed: \|\n(        .*\n|\n)*?(?=  valid:)", "", worked_example())
    assert "fixed:" not in text
    code, out = validate(tmp_path, text)
    assert code == 1 and "the rule offers a fix here: add `fixed:`" in out


def test_a_built_in_rule_file_validates_in_place_of_itself(tmp_path):
    proc = run_cli("rules", "--validate", str(CL101), cwd=str(tmp_path))
    assert proc.returncode == 0 and proc.stdout.decode() == f"{CL101}: ok\n"
    copy = tmp_path / CL101.name
    shutil.copy(CL101, copy)  # a copy of a built-in (being edited elsewhere) is not its own duplicate either
    proc = run_cli("rules", "--validate", str(copy), cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout.decode()


def test_a_rule_that_redefines_a_built_in_id_is_a_duplicate(tmp_path):
    text = worked_example().replace("id: ACME101", "id: CL101")
    code, out = validate(tmp_path, text)
    assert code == 1 and "'CL101' is already defined in rules/CL101-hardcoded-credentials-in-sdk-call.yaml" in out


def test_safe_is_a_checked_claim(tmp_path):
    text = worked_example().replace("    applicability: unsafe\n", "    applicability: safe\n")
    code, out = validate(tmp_path, text)
    assert code == 1
    assert re.search(r"rule\.yaml:\d+: .*matches secret-literal values.*make the fix unsafe", out)
    text = worked_example().replace("    applicability: unsafe\n",
                                    "    applicability: unsafe\n    safe-when: [secret-literal]\n")
    code, out = validate(tmp_path, text)
    assert code == 1 and "cannot be safe" in out


def test_replace_arguments_needs_its_replacement(tmp_path):
    text = worked_example().replace('    with: "credentials=EnvMinioProvider()"\n', "")
    code, out = validate(tmp_path, text)
    assert code == 1 and "replace-arguments and `with`" in out
    text = worked_example().replace('"credentials=EnvMinioProvider()"', '"EnvMinioProvider()"')
    code, out = validate(tmp_path, text)
    assert code == 1 and "`with` is one keyword argument" in out


def test_an_endpoint_list_decides_where_a_fix_is_offered(tmp_path):
    """The AWS default chain is no alternative against a MinIO endpoint, so
    by default there is no fix there; a rule can say otherwise."""
    app = ('import boto3\n\ns3 = boto3.client("s3", endpoint_url="https://minio.corp.example.net", '
           'aws_access_key_id="AKIA2E3MOIH4N6CFVEX7", aws_secret_access_key="q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr")\n')
    (tmp_path / "app.py").write_text(app)
    proc = run_cli("--no-cache", "--format", "json", "app.py", cwd=str(tmp_path))
    import json

    (finding,) = [f for f in json.loads(proc.stdout) if f["rule"] == "CL101"]
    assert finding["fix"] is None
    rules = tmp_path / "rules"
    rules.mkdir()
    text = CL101.read_text().replace("id: CL101\nname: hardcoded-credentials-in-sdk-call",
                                     "id: ACME102\nname: hardcoded-keys-for-minio-too")
    text = text.replace('    title: "Remove the hardcoded credentials; use the default credential chain"\n',
                        '    title: "Remove the hardcoded credentials; use the default credential chain"\n'
                        "    endpoints: [none, aws, other]\n")
    text = text.replace("      skip-endpoints: [local]\n", "      skip-endpoints: [local]\n", 1)
    (rules / "acme.yaml").write_text(text)
    (tmp_path / ".credlint.toml").write_text('extra-rules = ["rules"]\nselect = ["ACME102"]\n')
    proc = run_cli("--no-cache", "--format", "json", "app.py", cwd=str(tmp_path))
    (finding,) = json.loads(proc.stdout)
    assert finding["rule"] == "ACME102" and finding["fix"]["applicability"] == "unsafe"


def test_every_shipped_rule_validates_and_an_edited_copy_runs_on_re2(tmp_path):
    """credlint's own files (by path, or an identical copy) keep their
    trusted regexes; once edited, a copy is a user's rule file and its
    regexes must run on the linear-time engine (CL202 uses a lookbehind)."""
    shipped = sorted(Path(ROOT, "rules").glob("CL*.yaml"))
    proc = run_cli("rules", "--validate", *map(str, shipped), cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout.decode()
    cl202 = next(p for p in shipped if p.name.startswith("CL202"))
    edited = tmp_path / "mine.yaml"
    edited.write_text(cl202.read_text().replace("id: CL202", "id: ME202").replace("name: aws-secret-access-key",
                                                                                   "name: my-secret-key"))
    proc = run_cli("rules", "--validate", str(edited), cwd=str(tmp_path))
    assert proc.returncode == 1 and "linear-time engine" in proc.stdout.decode()


def test_a_user_rule_with_derived_js_triggers_is_read_back_from_the_rule_index(tmp_path, monkeypatch):
    """Triggers credlint derives from a user's JS sdk-call match are its own
    regexes (lookbehinds included): the index must take them back, not be
    rebuilt on every run because the engine for user patterns refuses them."""
    from credlint import ruleset as ruleset_module

    rules = tmp_path / "rules"
    rules.mkdir()
    text = (Path(ROOT) / "rules" / "CL401-hardcoded-credentials-in-js-sdk-call.yaml").read_text(encoding="utf-8")
    (rules / "X401.yaml").write_text(text.replace("id: CL401", "id: X401").replace(
        "name: hardcoded-credentials-in-js-sdk-call", "name: x-hardcoded-credentials-in-js-sdk-call"))
    monkeypatch.setenv("CREDLINT_CACHE_DIR", str(tmp_path / "cache"))
    built = ruleset_module.load_rules([str(rules)])
    assert built.get("X401") is not None
    rebuilt = []
    real = ruleset_module._full_load
    monkeypatch.setattr(ruleset_module, "_full_load", lambda *a: rebuilt.append(1) or real(*a))
    again = ruleset_module.load_rules([str(rules)])
    assert again.get("X401") is not None and rebuilt == [], "the rule index was not read back"
