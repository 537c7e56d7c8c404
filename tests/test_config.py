"""Project configuration (credlint/config.py): which file applies, and how a
wrong one is reported. Real config files in tmp_path, read through
find_config_file/load_config and through the core call."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from credlint.api import Request, UsageError, Workspace, run
from credlint.config import ConfigError, find_config_file, load_config
from credlint.settings import Overrides, build_settings

from conftest import KEY_ID, ROOT, SECRET


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(str(path))
    return str(info.value)


# -- which file ------------------------------------------------------------------------------


def test_the_nearest_config_above_a_path_wins(tmp_path):
    top = write(tmp_path / "pyproject.toml", "[tool.credlint]\nignore = ['CL201']\n")
    service = write(tmp_path / "services" / "billing" / ".credlint.toml", "select = ['CL201']\n")
    (tmp_path / "services" / "billing" / "src").mkdir()
    assert find_config_file(str(tmp_path / "services" / "billing" / "src" / "app.py")) == str(service)
    assert find_config_file(str(tmp_path / "services" / "billing")) == str(service)
    assert find_config_file(str(tmp_path / "services" / "app.py")) == str(top)
    assert load_config(find_config_file(str(tmp_path / "app.py"))).get("ignore") == ["CL201"]


def test_credlint_toml_wins_over_pyproject_in_the_same_directory(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.credlint]\nselect = ['CL1']\n")
    dotfile = write(tmp_path / ".credlint.toml", "select = ['CL2']\n")
    found = find_config_file(str(tmp_path / "app.py"))
    assert found == str(dotfile)
    assert load_config(found).get("select") == ["CL2"]


def test_a_pyproject_without_a_credlint_table_is_passed_over(tmp_path):
    top = write(tmp_path / ".credlint.toml", "ignore = ['CL102']\n")
    write(tmp_path / "pkg" / "pyproject.toml",
          '[project]\nname = "pkg"\ndependencies = ["credlint"]\n\n[tool.ruff]\n# see [tool.credlint] upstairs\n'
          'select = ["E"]\n')
    assert find_config_file(str(tmp_path / "pkg" / "app.py")) == str(top)


def test_a_pyproject_with_only_credlint_sub_tables_is_a_config(tmp_path):
    pyproject = write(tmp_path / "pyproject.toml",
                      '[tool.credlint.per-file-ignores]\n"tests/**" = ["CL102"]\n\n[tool.credlint.severity]\n'
                      'CL102 = "error"\n')
    assert find_config_file(str(tmp_path / "app.py")) == str(pyproject)
    config = load_config(str(pyproject))
    assert config.get("per-file-ignores") == {"tests/**": ["CL102"]}
    assert config.get("severity") == {"CL102": "error"}


@pytest.mark.parametrize("text", [
    '[tool]\ncredlint.ignore = ["CL201"]\n',
    'tool.credlint.ignore = ["CL201"]\n',
    '[tool]\n"credlint" . ignore = ["CL201"]\n',
])
def test_dotted_keys_configure_credlint_as_a_table_does(tmp_path, text):
    """Hardening item 8: TOML is parsed, never matched by a regex, so every
    spelling of [tool.credlint] is configuration."""
    pyproject = write(tmp_path / "pyproject.toml", text)
    assert find_config_file(str(tmp_path / "app.py")) == str(pyproject)
    write(tmp_path / "app.py", f'KEY = "{KEY_ID}"\n')
    response = run(Request(paths=(str(tmp_path / "app.py"),)), Workspace(Overrides(cache=False), root=str(tmp_path)))
    assert response.findings == [], "the ignore of the dotted-key config was not applied"


def test_a_broken_credlint_header_fails_loudly(tmp_path):
    pyproject = write(tmp_path / "pyproject.toml", "[tool.credlint\nignore = ['CL201']\n")
    assert find_config_file(str(tmp_path / "app.py")) == str(pyproject)
    assert "invalid TOML" in error_of(pyproject)


def test_a_nearer_config_replaces_the_outer_one_it_does_not_merge_with_it(tmp_path):
    """Nearest wins, as in ruff: an inner config that says nothing about
    `ignore` does not inherit the outer one's."""
    write(tmp_path / ".credlint.toml", "ignore = ['CL201']\n")
    write(tmp_path / "service" / ".credlint.toml", "fail-on = 'warning'\n")
    for name in ("keys.py", "service/keys.py"):
        write(tmp_path / name, f"KEY = '{KEY_ID}'\n")
    response = run(Request(paths=(str(tmp_path),)), Workspace(Overrides(cache=False), root=str(tmp_path)))
    assert [(os.path.relpath(f.path, str(tmp_path)), f.rule_id) for f in response.findings] == [
        (os.path.join("service", "keys.py"), "CL201")]


# -- errors name the file, the line and the key -----------------------------------------------


def test_an_unknown_key_names_file_line_and_key_and_suggests_the_right_one(tmp_path):
    pyproject = write(tmp_path / "pyproject.toml",
                      '[project]\nname = "x"\n\n[tool.credlint]\nselect = ["CL1"]\nextend_exclude = ["tests/"]\n')
    assert error_of(pyproject) == (f"{pyproject}:6: [tool.credlint] unknown key 'extend_exclude' "
                                   "(did you mean 'extend-exclude'?)")
    dotfile = write(tmp_path / "sub" / ".credlint.toml", "# settings\nfail-on = 'error'\nselct = ['CL1']\n")
    assert error_of(dotfile) == f"{dotfile}:3: unknown key 'selct' (did you mean 'select'?)"


def test_an_unknown_key_with_no_likely_intent_lists_the_known_keys(tmp_path):
    dotfile = write(tmp_path / ".credlint.toml", "colour = true\n")
    message = error_of(dotfile)
    assert message.startswith(f"{dotfile}:1: unknown key 'colour'; known keys: ")
    for key in ("select", "per-file-ignores", "cache-dir", "fail-on"):
        assert key in message


@pytest.mark.parametrize("line, key, expected", [
    ('select = "CL1"', "select", "a list of rule ids"),
    ('ignore = ["CL1", 2]', "ignore", "a list of rule ids"),
    ('per-file-ignores = { "tests/**" = "CL102" }', "per-file-ignores", "a table of pattern = [rules]"),
    ('severity = { CL102 = "fatal" }', "severity", 'a table of rule = "error"'),
    ("max-file-size = true", "max-file-size", "a positive number of MB"),
    ("max-file-size = 0", "max-file-size", "a positive number of MB"),
    ('respect-gitignore = "yes"', "respect-gitignore", "true or false"),
    ('cache-dir = ""', "cache-dir", "a directory path"),
    ('fail-on = "fatal"', "fail-on", '"info", "warning" or "error"'),
])
def test_a_bad_value_names_file_line_key_and_what_is_expected(tmp_path, line, key, expected):
    dotfile = write(tmp_path / ".credlint.toml", f"# team settings\n{line}\n")
    message = error_of(dotfile)
    assert message.startswith(f"{dotfile}:2: {key}: expected {expected}"), message
    assert ", got " in message


def test_errors_never_echo_a_key_written_in_the_config(tmp_path):
    pasted_as_key = write(tmp_path / "a" / ".credlint.toml", f"{KEY_ID} = true\n")
    message = error_of(pasted_as_key)
    assert KEY_ID not in message and "unknown key" in message and f"{pasted_as_key}:1" in message
    pasted_as_value = write(tmp_path / "b" / ".credlint.toml", f'allowlist = "{SECRET}"\n')
    message = error_of(pasted_as_value)
    assert SECRET not in message and SECRET[:10] not in message
    assert message.startswith(f"{pasted_as_value}:1: allowlist: expected")


def test_invalid_toml_or_bytes_name_the_file(tmp_path):
    broken = write(tmp_path / "a" / "pyproject.toml", "[tool.credlint\nselect = ['CL1']\n")
    assert error_of(broken).startswith(f"{broken}: invalid TOML: ")
    latin1 = tmp_path / "b" / ".credlint.toml"
    latin1.parent.mkdir()
    latin1.write_bytes("# réglages\nselect = ['CL1']\n".encode("latin-1"))
    assert error_of(latin1) == f"{latin1}: not UTF-8 text"


def test_a_config_error_stops_a_run_as_a_usage_error_naming_the_file(tmp_path):
    config = write(tmp_path / ".credlint.toml", "select = 'CL1'\n")
    write(tmp_path / "app.py", "x = 1\n")
    with pytest.raises(UsageError, match=f"^{config}:1: select: expected"):
        run(Request(paths=(str(tmp_path / "app.py"),)), Workspace(Overrides(cache=False), root=str(tmp_path)))


def test_the_error_line_is_right_after_blank_lines(tmp_path):
    dotfile = write(tmp_path / ".credlint.toml", "# team settings\n\n\nselct = ['CL1']\n")
    assert error_of(dotfile) == f"{dotfile}:4: unknown key 'selct' (did you mean 'select'?)"


def test_the_error_line_is_in_the_credlint_table_not_another_tool_s(tmp_path):
    pyproject = write(tmp_path / "pyproject.toml",
                      '[tool.ruff]\nselect = ["E", "F"]\n\n[tool.credlint]\nselect = "CL1"\n')
    assert error_of(pyproject).startswith(f"{pyproject}:5: [tool.credlint] select: expected")


def test_a_bad_value_in_a_sub_table_names_its_line(tmp_path):
    pyproject = write(tmp_path / "pyproject.toml",
                      '[project]\nname = "x"\n\n[tool.credlint.per-file-ignores]\n"tests/**" = "CL102"\n')
    assert error_of(pyproject).startswith(f"{pyproject}:4: [tool.credlint] per-file-ignores: expected")


# -- relative paths ---------------------------------------------------------------------------


def test_relative_paths_are_resolved_against_the_config_directory(tmp_path, monkeypatch):
    config = write(tmp_path / "repo" / "service" / ".credlint.toml",
                   'extra-rules = ["tools/rules", "/opt/team-rules"]\ncache-dir = ".cache/credlint"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = build_settings(load_config(str(config)), Overrides(), str(tmp_path / "repo"))
    service = tmp_path / "repo" / "service"
    assert settings.extra_rules == (str(service / "tools" / "rules"), "/opt/team-rules")
    assert settings.cache_dir == str(service / ".cache" / "credlint")
    assert settings.config_dir == str(service)


def test_extra_rules_relative_to_the_config_load_from_any_working_directory(tmp_path, monkeypatch):
    project = tmp_path / "project"
    rule = (Path(ROOT) / "rules" / "CL201-aws-access-key-id.yaml").read_text()
    write(project / "tools" / "rules" / "TEAM001-access-key-id.yaml",
          rule.replace("id: CL201", "id: TEAM001", 1).replace("name: aws-access-key-id", "name: team-access-key-id", 1))
    write(project / ".credlint.toml", 'extra-rules = ["tools/rules"]\nselect = ["TEAM001"]\n')
    write(project / "settings.py", f"KEY = '{KEY_ID}'\n")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    response = run(Request(paths=("../project/settings.py",)), Workspace(Overrides(cache=False)))
    assert [(f.path, f.rule_id, f.span.line) for f in response.findings] == [("../project/settings.py", "TEAM001", 1)]


# -- flags over config ------------------------------------------------------------------------


def test_command_line_flags_override_the_config_and_extend_what_it_extends(tmp_path):
    config = write(tmp_path / ".credlint.toml",
                   "select = ['CL1']\nignore = ['CL102']\nextend-exclude = ['legacy/']\nfail-on = 'error'\n"
                   "max-file-size = 2\n")
    overrides = Overrides(select=("CL2",), ignore=("CL203",), extend_exclude=("vendor/",), fail_on="warning")
    settings = build_settings(load_config(str(config)), overrides, str(tmp_path))
    assert settings.select == ("CL2",)
    assert settings.ignore == ("CL102", "CL203")
    assert settings.extend_exclude == ("legacy/", "vendor/")
    assert settings.fail_on == "warning"
    assert settings.max_file_size == 2 * 1024 * 1024  # not overridden: the config's


DEFAULT_TEST_CODE_AND_NEGATIONS = ("tests/", "!tests/fixtures/", "tests", "!conftest.py")


def test_test_code_is_configurable_by_path(tmp_path):
    """Placeholders are stubs in test code: `extend-test-code` adds paths,
    `test-code = []` turns path matching off (imports still count)."""
    stub = 'import boto3\ns3 = boto3.client("s3", aws_access_key_id="testing", aws_secret_access_key="testing")\n'
    (tmp_path / "qa").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "qa" / "check.py").write_text(stub)
    (tmp_path / "tests" / "test_s3.py").write_text(stub)
    (tmp_path / "app.py").write_text(stub)

    def reported(config: str):
        (tmp_path / ".credlint.toml").write_text(config)
        response = run(Request(paths=(str(tmp_path),)), Workspace(Overrides(cache=False), root=str(tmp_path)))
        return sorted(os.path.relpath(f.path, tmp_path) for f in response.findings)

    assert reported("") == ["app.py", "qa/check.py"]
    assert reported('extend-test-code = ["qa/"]\n') == ["app.py"]
    assert reported("test-code = []\n") == ["app.py", "qa/check.py", "tests/test_s3.py"]


@pytest.mark.parametrize("patterns", [None, ("qa/", "*_check.py", "integration"), ("src/legacy/*.py", "!keep.py"),
                                      DEFAULT_TEST_CODE_AND_NEGATIONS])
def test_test_code_patterns_mean_what_gitignore_means(tmp_path, patterns):
    # (review: with a negation, `tests/fixtures/` re-included, the file's own path decides)
    """Test-code paths are matched without pathspec when the patterns are
    names and name globs (a set lookup, no 20 ms import): the same answers
    as pathspec's gitignore matching, directories above the file included."""
    from pathspec import GitIgnoreSpec

    from credlint.project import Project
    from credlint.settings import DEFAULT_TEST_CODE, Settings

    chosen = DEFAULT_TEST_CODE if patterns is None else patterns
    project = Project(Settings(root=str(tmp_path), config_dir=str(tmp_path), test_code=tuple(chosen)))
    spec = GitIgnoreSpec.from_lines(list(chosen))
    for rel in ("app.py", "tests/app.py", "pkg/tests/deep/app.py", "test_s3.py", "pkg/s3_test.py", "tests.py",
                "tests/fixtures/settings.py", "tests/conftest.py",
                "conftest.py", "web/app.test.js", "web/app.spec.ts", "spec/x.rb", "x_spec.rb", "testing.py",
                "mytests/app.py", "qa/check.py", "pkg/qa/check.py", "db_check.py", "integration/x.py",
                "src/legacy/old.py", "src/legacy/keep.py", "other/src/legacy/old.py", "__tests__/a.js"):
        assert project.is_test_code(str(tmp_path / rel)) == spec.match_file(rel), (chosen, rel)


def test_extend_inherits_a_parent_config_and_overrides_it(tmp_path):
    """A monorepo: the root's settings, a package's own on top; the parent's
    paths stay relative to the parent."""
    (tmp_path / "rules").mkdir()
    (tmp_path / ".credlint.toml").write_text('ignore = ["CL102"]\nextra-rules = ["rules"]\nfail-on = "warning"\n')
    package = tmp_path / "packages" / "api"
    package.mkdir(parents=True)
    (package / ".credlint.toml").write_text('extend = "../../.credlint.toml"\nfail-on = "error"\n')
    config = load_config(str(package / ".credlint.toml"))
    assert config.get("ignore") == ["CL102"] and config.get("fail-on") == "error"
    assert config.get("extra-rules") == [str(tmp_path / "rules")]
    assert config.directory == str(package)
    settings = build_settings(config, Overrides(), str(tmp_path))
    assert settings.extra_rules == (str(tmp_path / "rules"),)


def test_extend_errors_name_the_file_and_line(tmp_path):
    (tmp_path / "a.toml").write_text('extend = "b.toml"\n')
    (tmp_path / "b.toml").write_text('\nextend = "a.toml"\n')
    with pytest.raises(ConfigError, match=r"b\.toml:2: extend: .*a\.toml extends this file again"):
        load_config(str(tmp_path / "a.toml"))
    (tmp_path / "c.toml").write_text('extend = "missing.toml"\n')
    with pytest.raises(ConfigError, match=r"c\.toml:1: extend: .*missing\.toml does not exist"):
        load_config(str(tmp_path / "c.toml"))
