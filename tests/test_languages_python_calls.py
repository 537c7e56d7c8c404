"""credlint/languages/python/calls.py: what an sdk-call finding (CL101, CL102)
says and offers beyond where it is reported: its message, severity and fix plan.

Where CL101/CL102 report is in tests/fixtures/python/ (tests/test_fixtures_python.py);
here, FIX_PLANS pins the fix each fixture case's SDK call offers, and the tests
below check what the annotations cannot say (plan arguments, messages, findings
allowed to be either rule, rule selection).
"""
from __future__ import annotations

import pytest

from test_fixtures_python import FILES, case_findings, check, line_of, lint_fixture, on_line, render, src

SDK_CALL_RULES = ("CL101", "CL102")

# fixture -> {the fix each case's CL101/CL102 finding offers ("safe", "unsafe" or None,
# no fix): [cases]}.
FIX_PLANS = {
    "sessions.py": {"unsafe": [
        "boto3.resource", "boto3.Session", "boto3.session.Session", "boto3.setup_default_session",
        "session-variable-client", "session-variable-resource", "session-attribute-set-in-init",
        "session-returned-by-local-helper", "chained-session-client", "boto3-default-session-helper",
        "annotated-session-variable", "walrus-session-variable", "session-variable-reassigned-after-use"]},
    "imports_and_aliases.py": {"unsafe": [
        "import-boto3-as-b3", "from-boto3-import-client-as-mk", "from-boto3.session-import-Session",
        "from-boto3-import-Session-as-alias", "from-boto3-import-session-module", "service_name-keyword",
        "import-botocore.session-as-alias"]},
    "imports_in_function.py": {"unsafe": ["import-inside-lambda-handler"]},
    "imports_optional.py": {"unsafe": ["try-import-except-importerror-none"]},
    "botocore.py": {"unsafe": [
        "botocore-session-create_client", "botocore-get_session-create_client", "botocore-set_credentials-keywords"]},
    "aioboto3_s3fs.py": {"unsafe": [
        "aioboto3.Session", "aioboto3-session-client", "aioboto3.session.Session", "aiobotocore-module-get_session",
        "aiobotocore-legacy-get_session", "s3fs.S3FileSystem", "s3fs-non-key-shaped-secret",
        "s3fs-from-import-with-token", "s3fs.core.S3FileSystem", "aiobotocore-settings-object"]},
    "boto2.py": {None: [
        "boto2-connect_s3", "boto2-S3Connection-positional", "boto2-ec2-connect_to_region", "boto2-connect_dynamodb",
        "boto2-EC2Connection", "boto2-sqs-connect_to_region", "boto2-with-environment-is-cl102-without-fix"]},
    "calls_without_fix.py": {None: [
        "functools.partial", "from-functools-import-partial-and-boto3-client",
        "functools-partial-with-environment-is-cl102-without-fix",
        "positional-session-credentials-are-reported-without-fix", "positional-literal-credentials-in-boto3-client",
        "lambda-expression-is-reported-without-fix", "dict-comprehension-is-reported-without-fix",
        "list-comprehension-with-settings-is-reported-without-fix"]},
    "splats.py": {None: ["double-star-dict-with-more-than-credentials-has-no-fix",
                         "kwargs-filled-by-update-and-setdefault", "kwargs-update-with-a-dict-literal",
                         "kwargs-changed-by-an-unknown-update-still-reports-what-is-visible"]},
    # Credentials the caller supplies (a client per tenant or request): no fix, it would
    # change whose identity the code acts as.
    "caller_input.py": {None: ["fastapi-header-parameters", "flask-request-json", "lambda-event-credentials",
                               "django-class-based-view"]},
    "scopes.py": {"unsafe": ["closure-local-shadows-module-constant"],
                  None: ["parameter-named-like-module-constant-is-a-parameter"]},
    # The standard variables are what the default chain reads: removing them changes nothing.
    "values_env.py": {"safe": [
        "os.environ-standard", "os.getenv-standard", "os.environ.get-standard", "from-os-import-environ-getenv",
        "import-os-as-alias", "aws-security-token-legacy-variable", "s3fs-standard-environment",
        "aws-endpoint-keeps-the-fix", "aws-china-endpoint-keeps-the-fix", "double-star-dict-of-standard-environment"]},
    "values_env_other.py": {"unsafe": [
        "swapped-standard-variables", "other-environment-variables", "getenv-with-dummy-default",
        "environment-read-with-method-call", "mixed-literal-and-environment-is-only-cl101"]},
    "values_settings.py": {"unsafe": [
        "standard-key-but-settings-secret", "django-settings-attributes", "argparse-cli-arguments",
        "module-constant-defined-after-the-function", "config-dict-read",
        "constant-imported-from-another-module"],
        None: ["function-parameters"]},
    "values_placeholders.py": {"unsafe": [
        "moto-style-testing-literals", "too-short-literals", "test-literals", "aws-documented-example-keys",
        "masked-and-template-placeholders"]},
    # Not AWS: the default chain is no alternative, so no fix.
    "endpoints_other.py": {None: [
        "localhost-lookalike-domains-are-not-local",
        "real-looking-secret-https://minio.internal.example.org",
        "real-looking-secret-https://4f1e2d3c4b5a69788796a5b4c3d2e1f0.r2.cloudflarestorage.com",
        "real-looking-secret-https://nyc3.digitaloceanspaces.com",
        "real-looking-secret-https://s3.wasabisys.com",
        "real-looking-secret-https://storage.googleapis.com",
        "real-looking-secret-https://s3.amazonaws.com.evil.example.org",
        "real-looking-secret-https://notamazonaws.com",
        "non-aws-endpoint-with-aws-key-is-cl101-without-fix"]},
}


def _fix_plan_cases():
    for fixture, by_fix in FIX_PLANS.items():
        for fix, cases in by_fix.items():
            for case in cases:
                yield pytest.param(fixture, case, fix, id=f"{fixture}::{case}")


@pytest.mark.parametrize("fixture,case,fix", list(_fix_plan_cases()))
def test_fix_plan_of_each_fixture_case(fixture, case, fix):
    calls = [f for f in case_findings(fixture, case) if f.rule_id in SDK_CALL_RULES]
    assert calls, f"{fixture}::{case} has no CL101/CL102 finding"
    for f in calls:
        got = f.fix_plan.applicability if f.fix_plan is not None else None
        assert got == fix, f"{fixture}::{case}: {f.rule_id} line {f.span.line} offers {got!r}, expected {fix!r}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_severity_of_every_sdk_call_finding_in_the_fixtures(path):
    result, _ = lint_fixture(path.name)
    for f in result.findings:
        if f.rule_id in SDK_CALL_RULES:
            assert f.severity == {"CL101": "error", "CL102": "warning"}[f.rule_id], (path.name, f.span.line, f)


# -- messages and plan arguments ---------------------------------------------------------


def test_flask_app_factory_inline_literals_one_finding_on_first_credential_argument(lint):
    code = src('''
        import boto3
        from flask import Flask


        def create_app(config_name="production"):
            app = Flask(__name__)
            app.config.from_object(f"acme.config.{config_name}")
            app.extensions["s3"] = boto3.client(
                "s3",
                region_name=app.config.get("AWS_REGION", "eu-west-1"),
                aws_access_key_id="@KEY@",  # [call]
                aws_secret_access_key="@SECRET@",
            )
            return app
    ''')
    findings = check(lint, code, [("CL101", "[call]")])
    f = findings[0]
    assert f.severity == "error"
    assert f.rule_name == "hardcoded-credentials-in-sdk-call"
    assert f.fix_plan is not None and f.fix_plan.applicability == "unsafe"
    assert {"aws_access_key_id", "aws_secret_access_key"} <= set(f.fix_plan.arguments)
    assert "region_name" not in f.fix_plan.arguments
    assert "boto3.client" in f.message and "aws_access_key_id" in f.message, f.message


def test_lambda_handler_module_client_standard_env_is_safe_and_fix_removes_only_credentials(lint):
    code = src('''
        import json
        import os

        import boto3

        TABLE = os.environ["TABLE_NAME"]
        dynamodb = boto3.resource(
            "dynamodb",
            region_name=os.environ.get("AWS_REGION", "eu-west-1"),
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],  # [call]
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=os.environ["AWS_SESSION_TOKEN"],
        )


        def lambda_handler(event, context):
            item = json.loads(event["body"])
            dynamodb.Table(TABLE).put_item(Item=item)
            return {"statusCode": 201}
    ''')
    findings = check(lint, code, [("CL102", "[call]")])
    plan = findings[0].fix_plan
    assert plan.applicability == "safe"
    assert set(plan.arguments) == {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}


def test_session_fix_keeps_profile_and_region(lint):
    code = src('''
        import os

        import boto3

        session = boto3.Session(
            profile_name="analytics",
            region_name="eu-west-1",
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],  # [call]
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        )
    ''')
    plan = check(lint, code, [("CL102", "[call]")])[0].fix_plan
    assert plan.applicability == "safe"
    assert set(plan.arguments) == {"aws_access_key_id", "aws_secret_access_key"}


# -- endpoints ---------------------------------------------------------------------------


def test_local_endpoint_with_a_real_key_still_reports_the_key(lint):
    code = src('''
        import boto3

        s3 = boto3.client("s3", endpoint_url="http://localhost:4566", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    findings = lint(code)
    line = line_of(code, "[call]")
    assert not [f for f in findings if f.rule_id == "CL102"], render(findings)
    assert on_line(findings, ["CL101", "CL201"], line), "the real key id must be reported:\n" + render(findings)
    assert on_line(findings, ["CL101", "CL202"], line), "the real secret must be reported:\n" + render(findings)
    assert all(f.fix_plan is None for f in findings), "no fix against a local endpoint"


def test_endpoint_from_a_variable_offers_no_fix(lint):
    code = src('''
        import os

        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=os.environ["S3_ENDPOINT_URL"],
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        )
    ''')
    findings = lint(code)
    assert [f for f in findings if f.rule_id in SDK_CALL_RULES and f.fix_plan is not None] == [], (
        "an endpoint not known to be AWS gets no fix:\n" + render(findings))


# -- `**` dicts that are not fully visible ------------------------------------------------


def test_double_star_dict_updated_from_elsewhere_has_no_fix(lint):
    code = src('''
        import boto3

        from acme.config import extra_client_options


        def client():
            creds = {
                "aws_access_key_id": "@KEY@",  # [key]
                "aws_secret_access_key": "@SECRET@",  # [secret]
            }
            creds.update(extra_client_options())
            return boto3.client("s3", **creds)  # [call]
    ''')
    findings = lint(code)
    calls = [f for f in findings if f.rule_id in SDK_CALL_RULES]
    assert len(calls) == 1 and calls[0].span.line == line_of(code, "[call]"), render(findings)
    assert calls[0].fix_plan is None, "the dict is not fully visible: no fix"


def test_double_star_dict_with_unpacked_base_has_no_fix(lint):
    code = src('''
        import boto3

        from acme.config import BASE_OPTIONS

        creds = {**BASE_OPTIONS, "aws_access_key_id": "@KEY@", "aws_secret_access_key": "@SECRET@"}  # [key]
        s3 = boto3.client("s3", **creds)  # [call]
    ''')
    findings = lint(code)
    calls = [f for f in findings if f.rule_id in SDK_CALL_RULES]
    assert len(calls) == 1 and calls[0].rule_id == "CL101", render(findings)
    assert calls[0].span.line == line_of(code, "[call]")
    assert calls[0].fix_plan is None, "the dict is not fully visible: no fix"


# -- superseding and rule selection ------------------------------------------------------


def test_deselected_cl101_does_not_swallow_cl201_and_cl202(lint):
    # Superseding applies to literals in a call *reported by* CL101: with CL101 off,
    # the key material in the call must still be reported.
    code = src('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    check(lint, code, [("CL201", "[call]"), ("CL202", "[call]")], select=["CL201", "CL202"])


def test_every_fix_plan_case_is_a_fixture_case():
    """FIX_PLANS names cases that exist (case_findings asserts it), once each."""
    named = [(fixture, case) for fixture, by_fix in FIX_PLANS.items() for cases in by_fix.values() for case in cases]
    assert len(named) == len(set(named))
    for fixture, case in named:
        assert any(c == case for _, c in lint_fixture(fixture)[1].cases), (fixture, case)
