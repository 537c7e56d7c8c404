"""`credlint --verify`: liveness from a real STS (moto in server mode, with
authentication enforced), the pairing of key ids with secret keys, the
per-run limit, redaction of everything STS or the network says, and that
nothing but an explicit `--verify` on the command line ever calls out."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import List

import pytest
import yaml

from conftest import KEY_ID, KEY_ID_2, ROOT, SECRET, SECRET_2, run_cli
from credlint import verify
from credlint.model import FileReport, FileResult, Finding, Span
from credlint.redaction import mask
from credlint.ruleset import load_rules

# moto counts every AWS action it serves; past INITIAL_NO_AUTH_ACTION_COUNT it
# checks each request's signature against the IAM keys it issued (and answers
# InvalidClientTokenId / SignatureDoesNotMatch otherwise). Without the setting it
# authenticates nothing and any made-up key would come back "live". The fixture
# makes exactly two unauthenticated calls: CreateUser and CreateAccessKey.
SETUP_CALLS = 2
CLEAN_ENV = {"AWS_ENDPOINT_URL_STS": "", "AWS_ENDPOINT_URL": "", "AWS_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    def __init__(self, url: str, log: Path, key_id: str, secret: str) -> None:
        self.url, self.log, self.key_id, self.secret = url, log, key_id, secret

    def requests(self) -> int:
        """AWS API calls moto has served so far (its request log)."""
        return sum(1 for line in self.log.read_text(errors="replace").splitlines() if "POST / HTTP" in line)


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    pytest.importorskip("moto.server", reason="moto[server] is a test dependency (pip install '.[test]')")
    import botocore.session

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "server.log"
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(SETUP_CALLS))
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                   env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/moto-api/data.json", timeout=1).read()  # not an AWS action
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto server did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.1)
        iam = botocore.session.Session().create_client(
            "iam", endpoint_url=url, region_name="us-east-1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40)
        iam.create_user(UserName="leaky-deploy")
        key = iam.create_access_key(UserName="leaky-deploy")["AccessKey"]
        yield Moto(url, log, key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _project(tmp_path: Path, moto: Moto) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "app.py").write_text(
        "import boto3\n\n"
        f's3 = boto3.client(\n    "s3",\n    aws_access_key_id="{moto.key_id}",\n'
        f'    aws_secret_access_key="{moto.secret}",\n)\n')
    (tmp_path / ".env").write_text(f"AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\n")
    return tmp_path


def _pieces(*secrets: str) -> List[bytes]:
    return [s[i:i + 8].encode() for s in secrets for i in range(len(s) - 7)]


def _no_secret(proc, *secrets: str) -> None:
    for piece in _pieces(*secrets):
        assert piece not in proc.stdout and piece not in proc.stderr, piece


def _liveness(proc) -> dict:
    return {(f["path"], f["line"]): f.get("liveness") for f in json.loads(proc.stdout)}


@pytest.mark.slow
def test_a_moto_issued_key_is_live_a_made_up_one_rejected(moto, tmp_path):
    root = _project(tmp_path, moto)
    before = moto.requests()
    proc = run_cli("--no-cache", "--verify", "--verify-endpoint", moto.url, "--format", "json", ".",
                   cwd=str(root), env=CLEAN_ENV)
    assert proc.returncode == 1, proc.stderr  # the findings fail the run, live or not
    assert _liveness(proc) == {
        ("app.py", 5): "live: arn:aws:iam::123456789012:user/leaky-deploy",  # the call holds the pair
        (".env", 1): "rejected", (".env", 2): "rejected",  # the id and the secret, one line each
    }
    assert moto.requests() - before == 2  # one call per pair, no retries
    _no_secret(proc, moto.secret, SECRET, moto.key_id, KEY_ID)

    text = run_cli("--no-cache", "--verify", "--verify-endpoint", moto.url, "--no-show-source", ".",
                   cwd=str(root), env=CLEAN_ENV)
    assert "[live: arn:aws:iam::123456789012:user/leaky-deploy]" in text.stdout.decode()
    assert text.stdout.decode().count("[rejected by AWS]") == 2
    _no_secret(text, moto.secret, SECRET, moto.key_id, KEY_ID)

    sarif = json.loads(run_cli("--no-cache", "--verify", "--verify-endpoint", moto.url, "--format", "sarif",
                               "app.py", cwd=str(root), env=CLEAN_ENV).stdout)
    [result] = sarif["runs"][0]["results"]
    assert result["properties"] == {"account": "123456789012",
                                    "liveness": "live: arn:aws:iam::123456789012:user/leaky-deploy"}


@pytest.mark.slow
def test_without_verify_nothing_is_contacted(moto, tmp_path):
    root = _project(tmp_path, moto)
    before = moto.requests()
    # Even with an STS endpoint in the environment, a plain run (the pre-commit hook's) calls nobody.
    proc = run_cli("--no-cache", "--format", "json", ".", cwd=str(root),
                   env=dict(CLEAN_ENV, AWS_ENDPOINT_URL_STS=moto.url))
    assert proc.returncode == 1 and len(json.loads(proc.stdout)) == 3
    assert set(_liveness(proc).values()) == {None}
    assert moto.requests() == before


@pytest.mark.slow
def test_the_endpoint_flag_wins_over_the_environment(moto, tmp_path):
    root = _project(tmp_path, moto)
    closed = f"http://127.0.0.1:{_free_port()}"
    from_env = run_cli("--no-cache", "--verify", "--format", "json", "app.py", cwd=str(root),
                       env=dict(CLEAN_ENV, AWS_ENDPOINT_URL_STS=moto.url))
    assert _liveness(from_env)[("app.py", 5)].startswith("live: ")
    flag_wins = run_cli("--no-cache", "--verify", "--verify-endpoint", moto.url, "--format", "json", "app.py",
                        cwd=str(root), env=dict(CLEAN_ENV, AWS_ENDPOINT_URL_STS=closed))
    assert _liveness(flag_wins)[("app.py", 5)].startswith("live: ")


@pytest.mark.slow
def test_cached_results_are_verified_and_liveness_is_never_cached(moto, tmp_path):
    root = _project(tmp_path, moto)
    cache = tmp_path / "cache"
    args = ("--cache-dir", str(cache), "--verify", "--verify-endpoint", moto.url, "--format", "json", ".")
    first = run_cli(*args, cwd=str(root), env=CLEAN_ENV)
    second = run_cli(*args, cwd=str(root), env=CLEAN_ENV)  # every result from the cache this time
    assert _liveness(first) == _liveness(second)
    assert _liveness(second)[("app.py", 5)].startswith("live: ")
    stored = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    assert stored and b"leaky-deploy" not in stored and b"rejected" not in stored
    for piece in _pieces(moto.secret, SECRET):
        assert piece not in stored


def test_an_unreachable_endpoint_is_unknown_and_sends_nothing_more(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".env").write_text(f"AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\n")
    (tmp_path / "app.py").write_text(
        f'import boto3\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID_2}", aws_secret_access_key="{SECRET_2}")\n')
    closed = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    started = time.monotonic()
    proc = run_cli("--no-cache", "--verify", "--verify-endpoint", closed, "--verify-timeout", "2",
                   "--format", "json", ".", cwd=str(tmp_path), env=CLEAN_ENV)
    assert time.monotonic() - started < 20
    assert proc.returncode == 1, proc.stderr
    found = _liveness(proc)
    assert found[(".env", 1)] == found[(".env", 2)] == f"unknown: could not connect to {closed}"
    assert found[("app.py", 2)] == f"unknown: not checked, could not connect to {closed}"  # not sent
    _no_secret(proc, KEY_ID, SECRET, KEY_ID_2, SECRET_2)


def test_stdin_is_verified_from_the_buffer(tmp_path):
    (tmp_path / ".git").mkdir()
    closed = f"http://127.0.0.1:{_free_port()}"
    data = f"AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\n".encode()
    proc = run_cli("--no-cache", "--verify", "--verify-endpoint", closed, "--format", "json",
                   "--stdin-filename", ".env", "-", cwd=str(tmp_path), stdin=data, env=CLEAN_ENV)
    assert set(_liveness(proc).values()) == {f"unknown: could not connect to {closed}"}, proc.stderr
    _no_secret(proc, KEY_ID, SECRET)


def test_a_suppressed_key_is_not_sent(tmp_path):
    """Only pairs that a reported finding is about are checked."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(
        f'import boto3\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", '
        f'aws_secret_access_key="{SECRET}")  # credlint: ignore[CL101]\n')
    asked = []
    report = FileReport(FileResult("app.py", (_finding(1, "something else"),)))
    verify.verify_reports([report], secrets_of=lambda path, content: [KEY_ID, SECRET],
                          policy_of=lambda path: load_rules().library.policy(),
                          check=asked.append, buffer=b"x = 1\n" * 3)
    assert asked == []
    proc = run_cli("--no-cache", "--verify", "--verify-endpoint", f"http://127.0.0.1:{_free_port()}",
                   "--format", "json", "app.py", cwd=str(tmp_path), env=CLEAN_ENV)
    assert proc.returncode == 0 and json.loads(proc.stdout) == [], proc.stderr


def test_usage_errors_come_before_any_lint_or_call(tmp_path):
    (tmp_path / "app.py").write_text("x = 1\n")
    for args, expected in (
        (["--verify-endpoint", "http://127.0.0.1:9"], b"apply only with --verify"),
        (["--verify-timeout", "3"], b"apply only with --verify"),
        (["--verify", "--verify-endpoint", "sts.amazonaws.com"], b"not an http(s) URL"),
        (["--verify", "--verify-timeout", "0"], b"--verify-timeout must be"),
        (["--verify", "--diff"], b"cannot be combined"),
    ):
        proc = run_cli("--no-cache", *args, "app.py", cwd=str(tmp_path))
        assert proc.returncode == 2 and expected in proc.stderr, (args, proc.stderr)


def test_without_botocore_verify_is_a_usage_error_naming_the_extra(tmp_path, monkeypatch, capsys):
    from credlint.cli import main

    (tmp_path / "app.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "botocore", None)  # import botocore -> ImportError
    monkeypatch.setitem(sys.modules, "botocore.session", None)
    assert main(["--no-cache", "--isolated", "--verify", "app.py"]) == 2
    assert "pip install 'credlint[verify]'" in capsys.readouterr().err


# -- only when asked --------------------------------------------------------------------


def test_the_pre_commit_hooks_never_verify():
    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        hooks = yaml.safe_load(handle)
    assert hooks
    for hook in hooks:
        words = hook["entry"].split() + list(hook.get("args", ()))
        assert not [w for w in words if w.startswith("--verify")], hook["id"]


def test_only_the_command_line_reaches_the_verifier():
    """The language server (and everything it imports, function-level
    imports included) never reaches verify.py, nor botocore; only cli.py
    imports it."""
    from test_architecture import _graph

    graph = _graph()
    importers = {m for m, imports in graph.items() if "credlint.verify" in imports}
    assert importers == {"credlint.cli"}
    seen, todo = set(), ["credlint.lsp"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    assert "credlint.verify" not in seen and "credlint.cli" not in seen
    for module in seen | {"credlint.api", "credlint.runner"}:
        path = os.path.join(ROOT, *module.split(".")) + ".py"
        if not os.path.exists(path):
            path = os.path.join(ROOT, *module.split("."), "__init__.py")
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        assert "import botocore" not in source and "from botocore" not in source, module


# -- pairing, limits, redaction (no network) ---------------------------------------------


@pytest.fixture(scope="module")
def policy():
    return load_rules().library.policy()


def _finding(line: int, message: str = "", key: str = "", end_line: int = 0) -> Finding:
    return Finding("CL999", "test", "error", "f", Span(line, 1, end_line or line, 2), message, "fp", key=key)


TOKEN = "FwoGZXIvYXdz" + "Kq8mN2pX7vR4tL9wY3zB6cD1fG5hJ0kM8nQ2sU4vW7xA9bC3eF6gH1jK5lN8pR2tV4yZ7aD0" * 2
TEMP_ID = "ASIA2E3MOIH4N6CFVEX7"


def test_a_pair_from_one_line_each_and_a_lone_id(policy):
    text = f"AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\nOTHER={KEY_ID_2}\n"
    findings = [_finding(1, f"id {mask(KEY_ID)}"), _finding(2, f"secret {mask(SECRET)}"),
                _finding(3, f"id {mask(KEY_ID_2)}")]
    pairs, about, incomplete = verify.pair_file(findings, [KEY_ID, SECRET, KEY_ID_2], policy, text)
    assert pairs == [verify.KeyPair(KEY_ID, SECRET)]
    assert about == {0: 0, 1: 0} and incomplete == [2]


def test_a_split_key_is_paired_through_the_finding_key(policy):
    """`"AKIA" + "..."`: neither the message nor the text holds the whole
    values, but the finding's key is the hash of the secrets it holds."""
    from credlint.redaction import secret_hash

    text = "irrelevant"
    finding = _finding(1, "Hardcoded AWS credentials", key=secret_hash(f"{KEY_ID}\0{SECRET}")[:16])
    pairs, about, incomplete = verify.pair_file([finding], [KEY_ID_2, SECRET_2, KEY_ID, SECRET], policy, text)
    assert pairs[about[0]] == verify.KeyPair(KEY_ID, SECRET) and incomplete == []


def test_a_temporary_id_needs_its_session_token(policy):
    text = f"id={TEMP_ID}\nsecret={SECRET}\n"
    findings = [_finding(1, mask(TEMP_ID)), _finding(2, mask(SECRET))]
    pairs, about, incomplete = verify.pair_file(findings, [TEMP_ID, SECRET], policy, text)
    assert pairs == [] and about == {} and incomplete == [0, 1]
    text += f"token={TOKEN}\n"
    pairs, about, incomplete = verify.pair_file(findings, [TEMP_ID, SECRET, TOKEN], policy, text)
    assert pairs == [verify.KeyPair(TEMP_ID, SECRET, TOKEN)] and about == {0: 0, 1: 0} and incomplete == []


def _ids(n: int) -> List[str]:
    import base64

    return ["AKIA" + base64.b32encode(i.to_bytes(10, "big")).decode()[:16] for i in range(10**11, 10**11 + n)]


def test_at_most_twenty_pairs_per_run_and_a_notice_for_the_rest(policy, tmp_path):
    import random

    rng = random.Random(7)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    ids = _ids(25)
    secrets = ["".join(rng.choice(alphabet) for _ in range(40)) for _ in ids]
    lines = [f"k{i}={key_id} s{i}={secret}" for i, (key_id, secret) in enumerate(zip(ids, secrets))]
    data = "\n".join(lines).encode()
    findings = tuple(_finding(i + 1, mask(key_id)) for i, key_id in enumerate(ids))
    report = FileReport(FileResult("keys.txt", findings))
    asked = []

    def check(pair):
        asked.append(pair)
        return "rejected"

    [out] = verify.verify_reports([report], secrets_of=lambda path, content: [v for p in zip(ids, secrets) for v in p],
                                  policy_of=lambda path: policy, check=check, buffer=data)
    assert len(asked) == 20 and {p.key_id for p in asked} == set(ids[:20])
    assert [f.liveness for f in out.result.findings] == ["rejected"] * 20 + [""] * 5
    [notice] = out.result.notices
    assert notice.kind == "verify" and notice.level == "warning"
    assert "25 key pairs found, 20 checked (at most 20 per run): 5 not checked" in notice.message


def test_the_staged_index_is_not_verified():
    report = FileReport(FileResult("app.py", (_finding(1, mask(KEY_ID)),)))
    [out] = verify.verify_reports([report], secrets_of=None, policy_of=None, check=None, staged=True)
    assert out.result.findings[0].liveness == ""
    assert "staged index is not verified" in out.result.notices[0].message


def test_what_the_network_or_sts_says_is_redacted(monkeypatch):
    from botocore.exceptions import ParamValidationError

    checker = verify.Checker("http://127.0.0.1:9", 1.0)
    pair = verify.KeyPair(KEY_ID, SECRET)

    def leaky(_pair):
        raise ParamValidationError(report=f"bad key {KEY_ID}:{SECRET} and {SECRET[:20]}")

    monkeypatch.setattr(checker, "_ask", leaky)
    answer = checker(pair)
    assert answer.startswith("unknown: ") and mask(KEY_ID) in answer
    for piece in _pieces(KEY_ID, SECRET):
        assert piece.decode() not in answer
    monkeypatch.setattr(checker, "_ask", lambda _pair: f"live: arn:aws:sts::123456789012:assumed-role/r/{SECRET}")
    assert checker(pair) == f"live: arn:aws:sts::123456789012:assumed-role/r/{mask(SECRET)}"
