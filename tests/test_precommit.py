"""The pre-commit hooks, run by the real `pre-commit` in a real git repository.

pre-commit installs the hooks from a repository at a revision, as users'
configs do. The fixture snapshots this checkout (committed or not) into a
throwaway repository, so the test exercises exactly the code under test and
the real .pre-commit-hooks.yaml.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import KEY_ID, ROOT, SECRET

pytestmark = pytest.mark.slow

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.org",
    "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}
SNAPSHOT = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "credlint", "rules")


def _run(args, cwd, env=None, check=True):
    proc = subprocess.run(args, cwd=cwd, capture_output=True, env={**os.environ, **GIT_ENV, **(env or {})},
                          timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout.decode()}\n{proc.stderr.decode()}")
    return proc


def _pre_commit():
    exe = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    if exe is None:
        pytest.fail("pre-commit is not installed: it is a test dependency (pip install '.[test]')")
    return exe


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("credlint-hooks")
    for name in SNAPSHOT:
        source = Path(ROOT) / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, repo / name)
    _run(["git", "init", "-q"], repo)
    _run(["git", "add", "-A"], repo)
    _run(["git", "commit", "-q", "-m", "snapshot"], repo)
    rev = _run(["git", "rev-parse", "HEAD"], repo).stdout.decode().strip()
    return repo, rev


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory):
    return str(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture
def project(tmp_path, hook_repo, pre_commit_home):
    """A user's repository with credlint's hooks installed, and a function to commit."""
    repo, rev = hook_repo
    _run(["git", "init", "-q"], tmp_path)
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {repo}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: credlint-fix\n"
        "      - id: credlint\n"
    )
    env = {"PRE_COMMIT_HOME": pre_commit_home}
    _run([_pre_commit(), "install"], tmp_path, env)
    _run(["git", "add", ".pre-commit-config.yaml"], tmp_path)
    _run(["git", "commit", "-q", "-m", "config", "--no-verify"], tmp_path)

    def commit(*files: str):
        _run(["git", "add", *files], tmp_path)
        return _run(["git", "commit", "-m", "change"], tmp_path, env, check=False)

    return tmp_path, commit


def test_a_planted_key_blocks_the_commit_and_is_shown_redacted(project):
    root, commit = project
    (root / "app.py").write_text(f"import boto3\n\ns3 = boto3.client('s3', aws_access_key_id='{KEY_ID}', "
                                 f"aws_secret_access_key='{SECRET}')\n")
    proc = commit("app.py")
    output = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode != 0, output
    assert "app.py:3:" in output and "CL101" in output and "AKIA************VEX7" in output
    assert KEY_ID not in output and SECRET not in output
    head = _run(["git", "log", "--oneline"], root).stdout.decode()
    assert "change" not in head


def test_typescript_and_mjs_files_reach_the_hook(project):
    """pre-commit's types_or covers ts/tsx/jsx/javascript, and .mts reaches the
    hook as text: each planted key blocks the commit."""
    root, commit = project
    for name in ("web/client.ts", "web/Upload.tsx", "lambda/handler.mjs", "lib/settings.mts"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("import { S3Client } from '@aws-sdk/client-s3';\n"
                        f"export const s3 = new S3Client({{ credentials: {{ accessKeyId: '{KEY_ID}', "
                        f"secretAccessKey: '{SECRET}' }} }});\n")
    proc = commit("web", "lambda", "lib")
    output = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode != 0, output
    for name in ("web/client.ts:2:", "web/Upload.tsx:2:", "lambda/handler.mjs:2:", "lib/settings.mts:2:"):
        assert f"{name}" in output and "CL401" in output, name
    assert KEY_ID not in output and SECRET not in output


def test_a_clean_commit_passes(project):
    root, commit = project
    (root / "app.py").write_text("import boto3\n\ns3 = boto3.client('s3')\n")
    (root / "README.md").write_text("# service\n")
    proc = commit("app.py", "README.md")
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


def test_the_fix_hook_rewrites_and_the_second_commit_passes(project):
    root, commit = project
    app = root / "app.py"
    app.write_text(
        "import os\n\nimport boto3\n\n"
        "sns = boto3.client(\n"
        '    "sns",\n'
        '    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],  # from the CI secrets\n'
        '    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],\n'
        '    region_name="eu-west-1",\n'
        ")\n"
    )
    first = commit("app.py")
    assert first.returncode != 0
    assert "files were modified by this hook" in first.stdout.decode() + first.stderr.decode()
    assert app.read_text() == 'import boto3\n\nsns = boto3.client(\n    "sns",\n    region_name="eu-west-1",\n)\n'
    second = commit("app.py")
    assert second.returncode == 0, second.stdout.decode() + second.stderr.decode()


def test_project_excludes_hold_inside_the_hook(project):
    root, commit = project
    (root / ".credlint.toml").write_text('extend-exclude = ["fixtures/"]\n')
    (root / "fixtures").mkdir()
    (root / "fixtures" / "fake_keys.py").write_text(f"KEY = '{KEY_ID}'\n")
    proc = commit(".credlint.toml", "fixtures/fake_keys.py")
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


def test_dotenv_and_credentials_files_reach_the_hook(project):
    root, commit = project
    (root / ".env").write_text(f"DEBUG=1\nAWS_SECRET_ACCESS_KEY={SECRET}\n")
    (root / "credentials").write_text(f"[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    proc = commit(".env", "credentials")
    output = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode != 0
    assert ".env:2:" in output and "credentials:2:" in output
    assert KEY_ID not in output and SECRET not in output


def test_the_pre_push_hook_blocks_a_key_committed_then_deleted(tmp_path, hook_repo, pre_commit_home):
    """A key added in one commit and removed in the next passes a pre-commit
    scan of the last commit's files, but both commits travel with the push."""
    repo, rev = hook_repo
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    _run(["git", "init", "-q", "--bare", str(remote)], tmp_path)
    _run(["git", "clone", "-q", str(remote), str(work)], tmp_path)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: credlint-history\n")
    env = {"PRE_COMMIT_HOME": pre_commit_home}
    _run([_pre_commit(), "install", "--hook-type", "pre-push"], work, env)
    (work / "README.md").write_text("# app\n")
    _run(["git", "add", "-A"], work)
    _run(["git", "commit", "-q", "-m", "start"], work)
    _run(["git", "push", "-q", "origin", "HEAD"], work, env)  # nothing to find: the push goes through
    (work / "settings.py").write_text(f'AWS_ACCESS_KEY_ID = "{KEY_ID}"\n')
    _run(["git", "add", "settings.py"], work)
    _run(["git", "commit", "-q", "-m", "oops"], work)
    _run(["git", "rm", "-q", "settings.py"], work)
    _run(["git", "commit", "-q", "-m", "remove it"], work)
    push = _run(["git", "push", "origin", "HEAD"], work, env, check=False)
    output = push.stdout.decode() + push.stderr.decode()
    assert push.returncode != 0, output
    assert "gone from HEAD" in output and KEY_ID not in output
