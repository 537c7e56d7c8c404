"""Is this literal a real AWS key or a placeholder (credlint/keypolicy.py)? The
policy under test is the one credlint ships, compiled from
rules/shared/aws-keys.yaml, so these tests pin what users get."""
from __future__ import annotations

import pytest

from credlint.api import Request, Workspace, run
from credlint.keypolicy import compile_policy
from credlint.settings import Overrides
from credlint.yamlsource import YamlError, load

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2

SUFFIX = KEY_ID[4:]  # 16 base32 characters
TOKEN_BODY = "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv/Wx+Yz" * 3  # 117 characters of the token alphabet


@pytest.fixture(scope="module")
def policy(ruleset):
    return ruleset.library.policy()


# -- shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["AKIA", "ASIA", "ABIA", "ACCA", "A3TX", "A3T9"])
def test_access_key_ids_have_a_known_prefix_and_16_base32_characters(policy, prefix):
    assert policy.key_shape(prefix + SUFFIX) == "access-key-id"


@pytest.mark.parametrize("value", [
    "AKIB" + SUFFIX,  # unknown prefix
    KEY_ID.lower(),
    KEY_ID[:-1] + "1",  # 0, 1, 8 and 9 are not base32
    KEY_ID[:-1],  # 19 characters
    KEY_ID + "A",  # 21 characters
], ids=["prefix", "lowercase", "not-base32", "short", "long"])
def test_near_misses_are_not_access_key_ids(policy, value):
    assert policy.key_shape(value) is None


def test_a_secret_key_is_40_mixed_case_base64_characters_with_a_random_key_s_entropy(policy):
    assert policy.key_shape(SECRET) == "secret-access-key"
    assert policy.key_shape(SECRET_2) == "secret-access-key"
    assert policy.key_shape("da39a3ee5e6b4b0d3255bfef95601890afd80709") is None  # a SHA-1, not a key
    assert policy.key_shape(SECRET.upper()) is None  # needs lower case
    assert policy.key_shape(SECRET.lower()) is None  # needs upper case
    assert policy.key_shape("AbAb" * 10) is None  # mixed case, but no entropy
    assert policy.key_shape(SECRET[:39]) is None
    assert policy.key_shape(SECRET + "Z") is None


@pytest.mark.parametrize("prefix", ["FwoGZXIvYXdz", "FQoGZXIvYXdz", "IQoJb3JpZ2luX2Vj", "AgoJb3JpZ2luX2Vj"])
def test_session_tokens_start_with_sts_s_header_and_are_long(policy, prefix):
    assert policy.key_shape(prefix + TOKEN_BODY) == "session-token"
    assert policy.key_shape(prefix + TOKEN_BODY[:79]) is None  # too short to be a token
    assert policy.key_shape("XXoGZXIvYXdz" + TOKEN_BODY) is None


# -- placeholders ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                   "AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
                                   "ASIAIOSFODNN7EXAMPLE"])
def test_aws_documented_example_keys_are_placeholders(policy, value):
    assert policy.is_placeholder(value) and not policy.is_secret(value)


def test_aws_examples_are_placeholders_although_they_are_key_shaped(policy):
    assert policy.key_shape("AKIAIOSFODNN7EXAMPLE") == "access-key-id"
    assert policy.key_shape("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") == "secret-access-key"
    assert not list(policy.find_shapes("AKIAIOSFODNN7EXAMPLE", ["access-key-id"]))


@pytest.mark.parametrize("value", ["AKIAFAKEFAKEFAKEFAKE", "AKIA2E3MOIH4NEXAMPLE", "AKIADUMMYDUMMYDUMMY2",
                                   "AKIASAMPLE234567ABCD", "q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5JPlaceholder"])
def test_a_key_shaped_value_with_a_marker_in_any_case_is_a_placeholder(policy, value):
    assert policy.is_placeholder(value)


def test_dummy_words_make_a_placeholder_only_of_values_that_are_not_key_shaped(policy):
    for value in ("changeme", "my-test-password", "YOUR_SECRET_HERE", "minioadmin", "localstack", "n/a"):
        assert policy.is_placeholder(value), value
    for value in ("Test" + SECRET[4:], SECRET[:-3] + "key", "ASIA" + "TEST" + SUFFIX[4:]):
        assert policy.key_shape(value) is not None and policy.is_secret(value), value


@pytest.mark.parametrize("value", [
    "${AWS_SECRET_ACCESS_KEY}", "$AWS_SECRET_ACCESS_KEY", "<YOUR_SECRET_KEY>", "{{ secrets.AWS_SECRET_ACCESS_KEY }}",
    "AKIAXXXXXXXXXXXXXXXX", "wJal****************************", "AKIA############ABCD", "%(secret_key)s",
    "{secret_key}", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod", "ssm:/prod/aws/key",
    "", "   ", "0000000000000000000000000000000000000000", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
])
def test_references_templates_masks_and_sequences_are_placeholders(policy, value):
    assert policy.is_placeholder(value)


def test_values_shorter_than_the_minimum_length_are_placeholders(policy):
    assert policy.min_length == 4
    for value in ("q", "q7", "q7X", " q7X "):
        assert policy.is_placeholder(value), value
    assert policy.is_secret(KEY_ID) and policy.is_secret(SECRET)


def test_an_allowlisted_value_is_a_placeholder_in_the_new_policy_only(policy):
    allowing = policy.with_allowlist(frozenset({KEY_ID}))
    assert allowing.is_placeholder(KEY_ID) and allowing.is_secret(KEY_ID_2)
    assert policy.is_secret(KEY_ID)  # the shared policy is unchanged


def test_the_config_allowlist_silences_that_value_and_nothing_else(tmp_path):
    (tmp_path / ".credlint.toml").write_text(f'allowlist = ["{KEY_ID}"]\n')
    (tmp_path / "keys.py").write_text(f"OLD = '{KEY_ID}'\nNEW = '{KEY_ID_2}'\n")
    response = run(Request(paths=(str(tmp_path / "keys.py"),)), Workspace(Overrides(cache=False),
                                                                          root=str(tmp_path)))
    assert [(f.rule_id, f.span.line) for f in response.findings] == [("CL201", 2)]


# -- scanning text -----------------------------------------------------------------------------


def test_find_shapes_gives_the_position_of_every_key_that_is_not_a_placeholder(policy):
    text = (f"id = {KEY_ID}\nexample = AKIAIOSFODNN7EXAMPLE\nmasked = AKIAXXXXXXXXXXXXXXXX\n"
            f"glued = x{KEY_ID_2}\nsecret = '{SECRET}'\n")
    found = list(policy.find_shapes(text, ["access-key-id", "secret-access-key"]))
    assert [(value, shape) for _, _, value, shape in found] == [(KEY_ID, "access-key-id"),
                                                                 (SECRET, "secret-access-key")]
    for start, end, value, _ in found:
        assert text[start:end] == value
    assert found[0][0] == text.index(KEY_ID) and found[1][0] == text.index(SECRET)
    assert list(policy.find_shapes(text, ["session-token"])) == []


# -- the policy file ---------------------------------------------------------------------------


def compile_text(text: str):
    return compile_policy(load(text, "team-keys.yaml"))


def test_a_policy_file_compiles_into_the_same_judgements(policy):
    custom = compile_text(
        "kind: key-policy\nshapes:\n  team-token:\n    regex: 'tt_[a-z0-9]{12}'\n"
        "placeholders:\n  markers: [EXAMPLE]\n  words: [dummy]\n  patterns: ['^<.*>$']\n  min-length: 6\n")
    assert custom.key_shape("tt_abc123def456") == "team-token"
    assert custom.is_secret("tt_abc123def456")
    assert custom.is_placeholder("tt_example12345") and custom.is_placeholder("<token>")
    assert custom.is_placeholder("dummy-value") and custom.is_placeholder("tt_ab")


@pytest.mark.parametrize("text, line, message", [
    ("kind: key-policy\nshapes:\n  team-token:\n    pattern: 'tt_.*'\n", 3, "shape 'team-token' needs a 'regex'"),
    ("kind: key-policy\nshapes:\n  team-token:\n    regex: 'tt_[a-z'\n", 4, "invalid regex"),
    ("kind: key-policy\nplaceholders:\n  words:\n    - dummy\n    - no\n", 5, "quote it"),
    ("kind: key-policy\nplaceholders:\n  patterns:\n    - '(unclosed'\n", 4, "invalid regex"),
])
def test_a_bad_policy_file_is_an_error_at_its_line(text, line, message):
    with pytest.raises(YamlError) as info:
        compile_text(text)
    assert info.value.file == "team-keys.yaml" and info.value.line == line
    assert message in info.value.message


# -- the detect-secrets heuristics credlint owns (no detect-secrets import on a run) ------------

def test_the_heuristics_agree_with_detect_secrets_on_generated_values():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import given, strategies as st
    from detect_secrets.filters.heuristic import is_sequential_string, is_templated_secret
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

    from credlint import keypolicy

    detector = Base64HighEntropyString()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_{}<>$ .\\"
    values = st.one_of(st.text(alphabet, max_size=60), st.text(max_size=20),
                       st.sampled_from(["", "a", "$", "${X}", "{key}", "<YOUR_KEY>", "ABCDEFGHIJKLMNOP", "0123456789",
                                        "abcdef0123", "q7Xr2vLk9PzT4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"]))

    @hypothesis.settings(max_examples=300, deadline=None, database=None)
    @given(value=values)
    def agree(value):
        assert keypolicy._entropy(value) == pytest.approx(detector.calculate_shannon_entropy(value) if value else 0.0)
        assert keypolicy._sequential_or_templated(value) == (is_sequential_string(value) or is_templated_secret(value))

    agree()


def test_a_run_on_a_key_shaped_string_does_not_import_detect_secrets(tmp_path):
    """Importing detect-secrets pulls in requests and urllib3 (~0.3 s): a
    pre-commit run must not pay for it."""
    import subprocess
    import sys

    (tmp_path / "app.py").write_text(f'import boto3\nSECRET_KEY = "{SECRET}"\nKEY = "{KEY_ID}"\n')
    code = ("import sys; from credlint.cli import main; code = main(['--isolated', '--no-cache', '-q', 'app.py']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('detect_secrets', 'requests', 'urllib3')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), capture_output=True, text=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr
    assert "CL202" in proc.stdout and "CL201" in proc.stdout


def test_forty_letters_of_camelcase_words_are_an_identifier_not_a_key(policy):
    """The SDKs' own code is full of such names next to `credential`; a
    random key reads like this about once in 70 million."""
    for value in ("ListBucketInventoryConfigurationsRequest", "ClusterContainsCapacityProviderException"):
        assert len(value) == 40 and policy.key_shape(value) is not None
        assert policy.is_placeholder(value), value
    # one digit, one capital pair, or another length: not an identifier of words
    for value in ("ListBucketInventoryConfigurationsRequ3st", "ListBucketInventoryConfigurationsREquest"):
        assert policy.is_secret(value), value
    assert policy.is_secret("HunterTwoIsMyLogin")  # shorter: the rule is for 40 letters only
