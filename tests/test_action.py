"""The GitHub Action (action.yml), run step by step the way the runner runs it.

A composite action's `run:` steps are bash scripts (`bash --noprofile --norc
-eo pipefail FILE`, what `shell: bash` means on a runner) whose `${{ ... }}`
expressions the runner fills in before starting them. The tests do the same:
they read action.yml with PyYAML, substitute `inputs.*`, `github.action_path`,
`runner.temp` and earlier steps' outputs (any other expression fails the test,
so the renderer cannot silently drift from the action), give each step a
GITHUB_OUTPUT file and read the outputs back, in a temporary project with a
planted, fabricated key.

The fast tests skip the install step (`pip install "${{ github.action_path }}"`
into a fresh virtualenv): it is not offline-capable, since pip builds credlint
with hatchling and fetches about a dozen dependencies (libcst, tree-sitter and
its grammars, detect-secrets, ...) from PyPI, and it takes 5-10 s with a warm pip
cache, minutes without. They supply its one output, the credlint executable, as
this virtualenv's credlint (an editable install of this tree), with the
virtualenv's bin first on PATH; the step's script is syntax-checked. One slow
test runs the whole action, install step included, from a copy of the checkout.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import jsonschema
import pytest
import yaml

from conftest import KEY_ID, ROOT, SECRET

ACTION = os.path.join(ROOT, "action.yml")
SCHEMA_PATH = os.path.join(ROOT, "tests", "sarif-schema-2.1.0.json")
VENV_BIN = os.path.dirname(sys.executable)
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
ANNOTATION = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")

APP = f'''import boto3

s3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")
'''
VENDORED = f'AWS_SECRET_ACCESS_KEY = "{SECRET}"\n'
DOTENV = f"AWS_REGION=eu-west-1\nAWS_SECRET_ACCESS_KEY={SECRET}\n"
CLEAN = "import boto3\n\ns3 = boto3.client('s3')\n"


@pytest.fixture(scope="module")
def action() -> dict:
    with open(ACTION, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def schema() -> dict:
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def validate(log: dict, schema: dict) -> None:
    # as in test_report_sarif.py: the draft the schema declares (draft-04), with formats
    cls = jsonschema.validators.validator_for(schema)
    errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:10])


def render(text: str, context: Dict[str, str]) -> str:
    def value(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name.startswith("steps.") and name not in context:
            return ""  # an output the step did not set is empty, as on the runner
        if name not in context:
            raise AssertionError(f"action.yml uses ${{{{ {name} }}}}, which this test does not provide")
        return context[name]

    return EXPRESSION.sub(value, text)


def read_outputs(path: Path) -> Dict[str, str]:
    """A GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` blocks."""
    outputs: Dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            outputs[name] = "\n".join(iter(lambda: next(lines), delimiter))
        elif line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


class Run:
    def __init__(self, returncode: int, log: str, outputs: Dict[str, str], root: Path):
        self.returncode, self.log, self.outputs, self.root = returncode, log, outputs, root

    def annotations(self) -> List[Tuple[str, Dict[str, str], str]]:
        found = []
        for line in self.log.splitlines():
            match = ANNOTATION.match(line)
            if match:
                props = dict(p.split("=", 1) for p in match.group(2).split(",")) if match.group(2) else {}
                found.append((match.group(1), props, match.group(3)))
        return found

    def sarif(self) -> Optional[dict]:
        if not self.outputs.get("sarif"):
            return None
        return json.loads((self.root / self.outputs["sarif"]).read_text(encoding="utf-8"))


def run_action(action: dict, root: Path, runner_temp: Path, action_path: Optional[Path] = None,
               **inputs: str) -> Run:
    """Runs the action's steps in `root` as the runner would: from the action
    checkout at `action_path`, install step included, or else after it, with
    this virtualenv's credlint."""
    assert action["runs"]["using"] == "composite"
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(values)
    assert not unknown, f"not inputs of the action: {unknown}"
    values.update(inputs)
    context = {f"inputs.{name}": str(value) for name, value in values.items()}
    context.update({"github.action_path": str(action_path or ROOT), "runner.temp": str(runner_temp)})
    if action_path is None:
        context["steps.install.outputs.credlint"] = os.path.join(VENV_BIN, "credlint")
    runner_temp.mkdir(exist_ok=True)
    log: List[str] = []
    returncode = 0
    for index, step in enumerate(action["runs"]["steps"]):
        assert set(step) <= {"id", "name", "shell", "env", "run"}, f"step keys this test cannot run: {set(step)}"
        assert step["shell"] == "bash"
        if step.get("id") == "install" and action_path is None:
            continue
        output_file = runner_temp / f"output-{index}"
        output_file.touch()
        env = dict(os.environ)
        env.pop("FORCE_COLOR", None)
        if action_path is None:
            env["PATH"] = VENV_BIN + os.pathsep + env.get("PATH", "")
        env.update({"GITHUB_OUTPUT": str(output_file),
                    "RUNNER_TEMP": str(runner_temp), "GITHUB_WORKSPACE": str(root), "GITHUB_ACTIONS": "true",
                    "CI": "true"})
        env.update({name: render(str(value), context) for name, value in (step.get("env") or {}).items()})
        script = runner_temp / f"step-{index}.sh"
        script.write_text(render(step["run"], context), encoding="utf-8")
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=str(root),
                              env=env, capture_output=True, timeout=300)
        log.append(proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace"))
        for name, value in read_outputs(output_file).items():
            context[f"steps.{step['id']}.outputs.{name}"] = value
        returncode = proc.returncode
        if returncode != 0:  # a failed step ends a composite action
            break
    outputs = {name: render(spec["value"], context) for name, spec in action["outputs"].items()}
    return Run(returncode, "".join(log), outputs, root)


def make_project(root: Path, key: bool = True, env_file: bool = False) -> Path:
    (root / ".git").mkdir(parents=True)  # pins the project root, as a checkout does
    (root / "app.py").write_text(APP if key else CLEAN, encoding="utf-8")
    (root / "clean.py").write_text(CLEAN, encoding="utf-8")
    if env_file:
        (root / "deploy").mkdir()
        (root / "deploy" / ".env").write_text(DOTENV, encoding="utf-8")
    return root


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert KEY_ID not in text and SECRET not in text


# -- the action's shape ------------------------------------------------------------


def test_inputs_outputs_and_steps(action):
    inputs = action["inputs"]
    assert {name: spec.get("default") for name, spec in inputs.items()} == {
        "paths": ".", "args": "", "fail-on": "info", "sarif": "credlint.sarif"}
    assert set(action["outputs"]) == {"sarif", "exit-code"}
    steps = {step["id"]: step for step in action["runs"]["steps"]}
    assert list(steps) == ["install", "lint"]
    # installed from the action's own checkout, into a virtualenv
    assert "${{ github.action_path }}" in steps["install"]["env"].values()
    assert re.search(r'pip install .*"\$CREDLINT_SOURCE"', steps["install"]["run"])
    assert steps["lint"]["env"]["CREDLINT"] == "${{ steps.install.outputs.credlint }}"
    for step in steps.values():
        # no expression is pasted into a script (script injection): inputs arrive as environment variables
        assert not EXPRESSION.search(step["run"]), step["id"]
        proc = subprocess.run(["bash", "-n"], input=step["run"].encode(), capture_output=True)
        assert proc.returncode == 0, proc.stderr.decode()


def test_readme_workflow_uses_the_action_and_uploads_its_sarif(action):
    readme = Path(ROOT, "README.md").read_text(encoding="utf-8")
    section = readme.split("### CI (GitHub Actions, with code scanning)", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "README: no workflow in the CI section"
    workflow = yaml.safe_load(block.group(1))
    assert workflow["permissions"]["security-events"] == "write"
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    ours = [s for s in steps if s.get("uses", "").startswith("credlint/credlint@")]
    assert len(ours) == 1 and ours[0].get("id"), "README: the action step needs an id for its outputs"
    assert set(ours[0].get("with") or {}) <= set(action["inputs"])
    upload = steps[steps.index(ours[0]) + 1]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == "always()"
    assert upload["with"]["sarif_file"] == f"${{{{ steps.{ours[0]['id']}.outputs.sarif }}}}"


# -- running it --------------------------------------------------------------------


def test_a_planted_key_is_annotated_written_to_sarif_and_fails_the_step(action, schema, tmp_path):
    root = make_project(tmp_path / "project", env_file=True)
    run = run_action(action, root, tmp_path / "runner")
    assert run.returncode == 1, run.log
    assert run.outputs == {"sarif": "credlint.sarif", "exit-code": "1"}
    annotations = run.annotations()
    assert annotations, run.log
    assert {(c, p["file"], p["line"], p["title"].split()[0]) for c, p, _ in annotations} == {
        ("error", "app.py", "3", "CL101"), ("error", "deploy/.env", "2", "CL305")}, run.log
    assert "q7Xr********************************p4Qr" in run.log  # the .env finding's message: redacted

    sarif = run.sarif()
    validate(sarif, schema)
    results = sarif["runs"][0]["results"]
    located = {(r["ruleId"], loc["physicalLocation"]["artifactLocation"]["uri"],
                str(loc["physicalLocation"]["region"]["startLine"])) for r in results for loc in r["locations"]}
    assert located == {(p["title"].split()[0], p["file"], p["line"]) for _, p, _ in annotations}
    # the report was not in the workspace while linting: the runs saw the same files
    assert not [a for a in annotations if "sarif" in a[1]["file"]]
    assert_no_secret(run.log, (root / "credlint.sarif").read_text(encoding="utf-8"))
    assert sorted(p.name for p in root.iterdir()) == [".git", "app.py", "clean.py", "credlint.sarif", "deploy"]


def test_a_clean_project_passes_with_an_empty_sarif(action, schema, tmp_path):
    root = make_project(tmp_path / "project", key=False)
    run = run_action(action, root, tmp_path / "runner")
    assert run.returncode == 0, run.log
    assert run.outputs == {"sarif": "credlint.sarif", "exit-code": "0"}
    assert run.annotations() == []
    sarif = run.sarif()
    validate(sarif, schema)
    assert sarif["runs"][0]["results"] == []


def test_inputs_paths_args_with_quotes_and_a_nested_sarif_path(action, schema, tmp_path):
    root = make_project(tmp_path / "project")
    (root / "vendor dir").mkdir()
    (root / "vendor dir" / "settings.py").write_text(VENDORED, encoding="utf-8")
    (root / "other").mkdir()
    (root / "other" / "settings.py").write_text(VENDORED, encoding="utf-8")
    run = run_action(action, root, tmp_path / "runner", paths="app.py\n'vendor dir' clean.py",
                     args="--extend-exclude 'vendor dir/' --ignore CL201,CL202", sarif="reports/ci/credlint.sarif")
    assert run.returncode == 1, run.log
    assert run.outputs == {"sarif": "reports/ci/credlint.sarif", "exit-code": "1"}
    assert {p["file"] for _, p, _ in run.annotations()} == {"app.py"}  # other/ is not a path; vendor dir/ excluded
    assert {p["title"].split()[0] for _, p, _ in run.annotations()} == {"CL101"}  # CL201/CL202 ignored
    validate(run.sarif(), schema)
    assert [r["ruleId"] for r in run.sarif()["runs"][0]["results"]] == ["CL101"]
    assert_no_secret(run.log, (root / "reports/ci/credlint.sarif").read_text(encoding="utf-8"))


def test_fail_on_error_lets_warnings_pass(action, tmp_path):
    root = make_project(tmp_path / "project", key=False)
    (root / "app.py").write_text("import os\n\nimport boto3\n\ns3 = boto3.client('s3', "
                                 "aws_access_key_id=os.environ['K'], aws_secret_access_key=os.environ['S'])\n")
    run = run_action(action, root, tmp_path / "runner", **{"fail-on": "error"})
    assert run.returncode == 0, run.log
    assert run.outputs["exit-code"] == "0"
    assert [(c, p["title"].split()[0]) for c, p, _ in run.annotations()] == [("warning", "CL102")]
    assert [r["ruleId"] for r in run.sarif()["runs"][0]["results"]] == ["CL102"]


def test_no_sarif_runs_once_and_annotates(action, tmp_path):
    root = make_project(tmp_path / "project")
    run = run_action(action, root, tmp_path / "runner", sarif="")
    assert run.returncode == 1, run.log
    assert run.outputs == {"sarif": "", "exit-code": "1"}
    assert {p["file"] for _, p, _ in run.annotations()} == {"app.py"}
    assert sorted(p.name for p in root.iterdir()) == [".git", "app.py", "clean.py"]
    assert_no_secret(run.log)


@pytest.mark.parametrize("inputs, message", [
    ({"fail-on": "bogus"}, "invalid choice"),
    ({"args": "--exclude 'unbalanced"}, "the args input is not a valid argument list"),
])
def test_usage_errors_exit_2_without_a_sarif(action, tmp_path, inputs, message):
    root = make_project(tmp_path / "project")
    run = run_action(action, root, tmp_path / "runner", **inputs)
    assert run.returncode == 2, run.log
    assert message in run.log
    assert run.outputs["sarif"] == ""
    assert not (root / "credlint.sarif").exists()
    assert run.log.count(message) == 1  # the run that failed is not repeated for annotations


@pytest.mark.slow
def test_the_install_step_installs_from_the_action_checkout(action, tmp_path):
    """The whole action, install step included: pip builds credlint from a copy
    of this checkout (as the runner checks out the action) into a virtualenv in
    runner.temp, with its dependencies from PyPI, and the lint step runs that
    credlint."""
    checkout = tmp_path / "action"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".hypothesis", ".pytest_cache", ".benchmarks", "__pycache__", "benchmarks", "tests",
        "examples", "dist", "build"))
    root = make_project(tmp_path / "project")
    run = run_action(action, root, tmp_path / "runner", action_path=checkout)
    assert run.returncode == 1, run.log
    assert run.outputs == {"sarif": "credlint.sarif", "exit-code": "1"}
    assert re.search(r"^credlint \d+\.\d+\.\d+", run.log, re.M), run.log  # the installed credlint's --version
    assert (tmp_path / "runner" / "credlint-venv").is_dir()
    assert {(p["file"], p["line"]) for _, p, _ in run.annotations()} == {("app.py", "3")}
    assert_no_secret(run.log, (root / "credlint.sarif").read_text(encoding="utf-8"))
