"""Key ids carry their account (credlint/keyid.py), and an emulator's
account (000000000000: LocalStack, moto) marks a test key."""
from __future__ import annotations

from conftest import KEY_ID, SECRET
from credlint.keyid import account_id

# LocalStack hands out ids like these (account 000000000000 encoded after the prefix).
LOCALSTACK_KEY_ID = "AKIAQAAAAAAAFIMYTWXP"
LOCALSTACK_SESSION_KEY_ID = "ASIAQAAAAAAAGCSGMMPQ"


def test_the_account_is_decoded_from_the_key_id():
    assert account_id(LOCALSTACK_KEY_ID) == "000000000000"
    assert account_id(LOCALSTACK_SESSION_KEY_ID) == "000000000000"
    assert account_id(KEY_ID) == "697622741496"  # a fabricated id still decodes to some account
    assert len(account_id("AKIAZ7QW3ERT5YUI2OPA")) == 12


def test_what_is_not_a_key_id_has_no_account():
    for value in ("", "AKIA", "AKIA2E3MOIH4N6CFVEX", "XKIA2E3MOIH4N6CFVEX7", "AKIA2E3MOIH4N6CFVEX1", SECRET):
        assert account_id(value) is None, value


def test_an_emulator_key_id_is_a_test_key_not_an_error(lint):
    text = f"AWS_ACCESS_KEY_ID={LOCALSTACK_KEY_ID}\nAWS_DEFAULT_REGION=us-east-1\n"
    assert lint(text, filename=".env") == []
    assert lint(f"deploy with {LOCALSTACK_SESSION_KEY_ID}\n", filename="notes.txt") == []
    code = f'import boto3\nsqs = boto3.client("sqs", aws_access_key_id="{LOCALSTACK_KEY_ID}", aws_secret_access_key="test")\n'
    found = lint(code)
    assert [(f.rule_id, f.severity) for f in found] == [("CL102", "warning")]  # explicit, but no leaked key
    real = lint(f"AWS_ACCESS_KEY_ID={KEY_ID}\n", filename=".env")
    assert [f.severity for f in real] == ["error"]


def test_every_key_id_finding_names_its_account_in_json_sarif_and_text(tmp_path):
    import json

    from conftest import run_cli

    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(f'KEY = "{KEY_ID}"\nOLD = "AKIAJZ5WQQ3K4MNLBV2A"\n')
    found = json.loads(run_cli("--no-cache", "--format", "json", "app.py", cwd=str(tmp_path)).stdout)
    assert [(f["line"], f.get("account")) for f in found] == [(1, "697622741496"), (2, "old-format")]
    sarif = json.loads(run_cli("--no-cache", "--format", "sarif", "app.py", cwd=str(tmp_path)).stdout)
    assert [r["properties"]["account"] for r in sarif["runs"][0]["results"]] == ["697622741496", "old-format"]
    text = run_cli("--no-cache", "--show-account", "app.py", cwd=str(tmp_path)).stdout.decode()
    assert "(account 697622741496)" in text and "not encoded, a key id issued before 2019" in text
    assert "(account" not in run_cli("--no-cache", "app.py", cwd=str(tmp_path)).stdout.decode()
