"""Install paths that work as written: the versions the README pins, the built
wheel and sdist, and the pre-commit hooks installed from a repository.

The fast tests keep the README's install snippets on the released version (the
release steps are in docs/releasing.md). The slow ones build the distributions
with `python -m build` (an isolated build: hatchling comes from PyPI), install
the wheel into a fresh virtualenv (its dependencies come from PyPI) and run it
from there, and run the hook with `pre-commit try-repo` from a git repository
holding a copy of this working tree, uncommitted changes included.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from conftest import KEY_ID, ROOT, SECRET

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - a dependency on older Pythons
    import tomli as tomllib

with open(os.path.join(ROOT, "pyproject.toml"), "rb") as _handle:
    PYPROJECT = tomllib.load(_handle)
VERSION = PYPROJECT["project"]["version"]
TAG = f"v{VERSION}"

APP = f'''import boto3

s3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")
'''
CLEAN = "import boto3\n\ns3 = boto3.client('s3')\n"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.org",
    "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def readme() -> str:
    return Path(ROOT, "README.md").read_text(encoding="utf-8")


def pre_commit_snippet() -> dict:
    for block in re.findall(r"```yaml\n(.*?)```", readme(), re.S):
        if block.startswith("# .pre-commit-config.yaml"):
            return yaml.safe_load(block)
    raise AssertionError("README.md: no ```yaml block starting with '# .pre-commit-config.yaml'")


def rule_ids() -> List[str]:
    ids = []
    for path in sorted(Path(ROOT, "rules").glob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            ids.append(yaml.safe_load(handle)["id"])
    return ids


# -- fast: the versions the README pins ---------------------------------------------


def test_readme_pre_commit_rev_is_the_package_version():
    (entry,) = [r for r in pre_commit_snippet()["repos"] if r["repo"].endswith("/credlint/credlint")]
    assert entry["rev"] == TAG, f"README.md: pre-commit `rev: {entry['rev']}`, pyproject.toml: version {VERSION}"


def test_readme_pre_commit_hook_ids_exist():
    (entry,) = [r for r in pre_commit_snippet()["repos"] if r["repo"].endswith("/credlint/credlint")]
    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        defined = [hook["id"] for hook in yaml.safe_load(handle)]
    shown = [hook["id"] for hook in entry["hooks"]]
    assert shown and set(shown) <= set(defined), (shown, defined)


def test_action_references_are_the_package_version():
    """The README's workflow and action.yml's usage comment name the release tag."""
    for name in ("README.md", "action.yml"):
        text = Path(ROOT, name).read_text(encoding="utf-8")
        refs = re.findall(r"uses: credlint/credlint@(\S+)", text)
        assert refs, f"{name}: no `uses: credlint/credlint@...`"
        assert set(refs) == {TAG}, f"{name}: {refs}, pyproject.toml: version {VERSION}"


def test_module_version_is_the_package_version():
    from credlint import __version__

    assert __version__ == VERSION, "bump credlint/__init__.py with pyproject.toml (docs/releasing.md)"


# -- slow: build, install, run ------------------------------------------------------


def _run(args, cwd, env: Dict[str, str] = None, check: bool = True) -> subprocess.CompletedProcess:
    environment = {**os.environ, **GIT_ENV, **(env or {})}
    environment.pop("FORCE_COLOR", None)
    proc = subprocess.run([str(a) for a in args], cwd=str(cwd), capture_output=True, env=environment, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout.decode()}\n{proc.stderr.decode()}")
    return proc


def _output(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Dict[str, Path]:
    """The sdist and the wheel, built the way a release builds them: `python -m
    build` makes the sdist, then the wheel from the unpacked sdist."""
    try:
        import build  # noqa: F401
    except ImportError:
        pytest.fail("build is not installed: it is a test dependency (pip install '.[test]')")
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=out)
    (wheel,) = out.glob("credlint-*.whl")
    (sdist,) = out.glob("credlint-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _project(root: Path) -> Path:
    root.mkdir()
    (root / "app.py").write_text(APP, encoding="utf-8")
    (root / "clean.py").write_text(CLEAN, encoding="utf-8")
    return root


@pytest.mark.slow
def test_wheel_and_sdist_carry_the_rules(dist):
    assert dist["wheel"].name == f"credlint-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"credlint-{VERSION}.dist-info/METADATA").decode()
    expected = {f"credlint/_rules/{p.relative_to(Path(ROOT, 'rules')).as_posix()}"
                for p in Path(ROOT, "rules").rglob("*.yaml")}
    assert expected and expected <= names, sorted(expected - names)
    assert f"Version: {VERSION}" in metadata.splitlines()
    with tarfile.open(dist["sdist"]) as sdist:
        members = set(sdist.getnames())
    prefix = f"credlint-{VERSION}/"
    for name in ("pyproject.toml", "README.md", "credlint/__init__.py",
                 "rules/CL101-hardcoded-credentials-in-sdk-call.yaml", "rules/shared/aws-keys.yaml"):
        assert prefix + name in members, name


@pytest.mark.slow
def test_the_wheel_installed_in_a_fresh_virtualenv_works(dist, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([bindir / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q", dist["wheel"]], cwd=tmp_path)
    # the installed copy runs, not this checkout
    where = _run([bindir / "python", "-c", "import credlint; print(credlint.__file__)"], cwd=tmp_path)
    assert Path(where.stdout.decode().strip()).resolve().is_relative_to(venv.resolve())
    credlint = bindir / "credlint"
    assert _run([credlint, "--version"], cwd=tmp_path).stdout.decode().strip() == f"credlint {VERSION}"
    table = _run([credlint, "rules"], cwd=tmp_path).stdout.decode()
    listed = re.findall(r"^(CL\d+)\s", table, re.M)
    assert listed == rule_ids(), table

    project = _project(tmp_path / "project")
    found = _run([credlint, "--no-cache", "app.py"], cwd=project, check=False)
    assert found.returncode == 1, _output(found)
    assert "app.py:3:25: CL101" in _output(found)
    assert KEY_ID not in _output(found) and SECRET not in _output(found)
    clean = _run([credlint, "--no-cache", "clean.py"], cwd=project, check=False)
    assert clean.returncode == 0, _output(clean)


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_hook(tmp_path):
    """`pre-commit try-repo` installs the hook from a git repository, as a user's
    config does from GitHub. The repository is a copy of this working tree (what
    `git add -A` would commit: tracked and untracked files, less the ignored
    ones), so uncommitted changes are tested too and /work/main's git state is
    only read."""
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    if pre_commit is None:
        pytest.fail("pre-commit is not installed: it is a test dependency (pip install '.[test]')")
    hooks = tmp_path / "hooks"
    listed = _run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=tmp_path)
    for name in sorted(set(listed.stdout.decode("utf-8", "surrogateescape").split("\0")) - {""}):
        source = Path(ROOT, name)
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (hooks / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, hooks / name)
    assert (hooks / ".pre-commit-hooks.yaml").is_file()
    _run(["git", "init", "-q"], hooks)
    _run(["git", "add", "-A"], hooks)
    _run(["git", "commit", "-q", "-m", "snapshot"], hooks)

    project = _project(tmp_path / "project")
    _run(["git", "init", "-q"], project)
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    found = _run([pre_commit, "try-repo", hooks, "credlint", "--files", "app.py"], project, env, check=False)
    assert found.returncode == 1, _output(found)
    assert "app.py:3:25: CL101" in _output(found) and "AKIA************VEX7" in _output(found)
    assert KEY_ID not in _output(found) and SECRET not in _output(found)
    clean = _run([pre_commit, "try-repo", hooks, "credlint", "--files", "clean.py"], project, env, check=False)
    assert clean.returncode == 0, _output(clean)
