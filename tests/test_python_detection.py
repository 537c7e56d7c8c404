"""Black-box tests of credlint's Python detection (CL101, CL102, CL201, CL202).

Every fixture is realistic code; expected findings are given as (rule id, marker)
pairs, where a marker is a comment such as `# [call]` on the line the finding must
be reported on. Unless a test says otherwise, the *whole* set of findings of the
file is compared, so a missing finding, a duplicate and a stray finding all fail.

Fixtures are written with tokens that are replaced by the fabricated keys of
conftest.py: @KEY@, @SECRET@, @KEY2@, @SECRET2@, @SECRET3@, @TOKEN@, and the
halves @KEY_A@ + @KEY_B@ == KEY_ID, @SEC_A@ + @SEC_B@ == SECRET.
"""
from __future__ import annotations

import json
import re
import textwrap
from typing import Iterable, List, Optional, Sequence, Tuple

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, run_cli, lint_file

# A third secret, using the '/' and '+' characters of the key alphabet.
SECRET_3 = "Zk4/Tq9+Lm2Wx7Pb3Nc8Rv1Yd6Hf0Js5Ga2Ke9Uo"
# A session token with the stable header of real STS tokens.
TOKEN = ("IQoJb3JpZ2luX2VjEJr2Xk4wEaCXVzLWVhc3QtMSJHMEUCIQDxk3mP9Zt7Lq2Wb8Nc4Vr6Ys1Ah5Jd3Kf0Gm2Hn4"
         "Tp6Rq8Sw1Ue3Vi5Xo7Ya9Zb2Cd4Ef6Gh8Ij0Kl2Mn4Op6Qr8St0Uv2Wx4Yz6")
ALL_SECRETS = (KEY_ID, SECRET, KEY_ID_2, SECRET_2, SECRET_3, TOKEN)

TOKENS = {
    "@KEY_A@": KEY_ID[:8],
    "@KEY_B@": KEY_ID[8:],
    "@SEC_A@": SECRET[:17],
    "@SEC_B@": SECRET[17:],
    "@KEY2@": KEY_ID_2,
    "@SECRET2@": SECRET_2,
    "@SECRET3@": SECRET_3,
    "@KEY@": KEY_ID,
    "@SECRET@": SECRET,
    "@TOKEN@": TOKEN,
}


# -- helpers --------------------------------------------------------------------------


def src(code: str) -> str:
    code = textwrap.dedent(code).lstrip("\n")
    for token, value in TOKENS.items():
        code = code.replace(token, value)
    return code


def line_of(code: str, marker: str) -> int:
    hits = [i for i, text in enumerate(code.splitlines(), 1) if marker in text]
    assert len(hits) == 1, f"marker {marker!r} must be on exactly one line, found {hits}"
    return hits[0]


def render(findings) -> str:
    return "\n".join(f"  {f.rule_id} line {f.span.line}:{f.span.column} {f.message}" for f in findings) or "  (none)"


def pairs(findings) -> List[Tuple[str, int]]:
    return sorted((f.rule_id, f.span.line) for f in findings)


def check(lint, code: str, expected: Iterable[Tuple[str, str]], filename: str = "app.py", select=None):
    """Lint `code`; the findings must be exactly `expected` ((rule, marker) pairs)."""
    findings = lint(code, filename=filename, select=select)
    want = sorted((rule, line_of(code, marker)) for rule, marker in expected)
    assert pairs(findings) == want, f"expected {want}, credlint reported:\n{render(findings)}"
    assert_no_secret_leaks(findings)
    return findings


def only(findings, rule_id: str):
    hits = [f for f in findings if f.rule_id == rule_id]
    assert len(hits) == 1, f"expected exactly one {rule_id}, got:\n{render(findings)}"
    return hits[0]


def on_line(findings, rule_ids: Sequence[str], line: int):
    return [f for f in findings if f.rule_id in rule_ids and f.span.line == line]


def raw_lint(ruleset, tmp_path, filename: str, data: bytes):
    """The FileResult for a buffer (findings *and* notices)."""
    return lint_file(tmp_path / filename, data, tmp_path, ruleset)


def squash(text: str) -> str:
    """Text with quotes, whitespace, backslashes and `+` removed: a key split by
    implicit concatenation or `+` becomes contiguous again."""
    return re.sub(r"[\s'\"\\+()]", "", text)


def assert_no_secret_leaks(findings, secrets=ALL_SECRETS):
    for f in findings:
        text = f.message + "\n" + "\n".join(f.snippet)
        for secret in secrets:
            assert secret not in text, f"{f.rule_id} line {f.span.line} shows a full secret:\n{text}"
            assert secret.replace("+", "") not in squash(text), (
                f"{f.rule_id} line {f.span.line} shows a secret split into pieces:\n{text}")


# =====================================================================================
# CL101: value forms
# =====================================================================================


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


VALUE_FORMS = {
    "implicit-concatenation-one-line": ('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="@KEY_A@" "@KEY_B@", aws_secret_access_key="@SEC_A@" "@SEC_B@")  # [call]
    ''', [("CL101", "[call]")]),
    "implicit-concatenation-parenthesized-over-lines": ('''
        import boto3

        s3 = boto3.client(
            "s3",
            aws_access_key_id=("@KEY_A@"  # [call]
                               "@KEY_B@"),
            aws_secret_access_key=("@SEC_A@"
                                   "@SEC_B@"),
        )
    ''', [("CL101", "[call]")]),
    "f-string-without-placeholders": ('''
        import boto3

        ses = boto3.client("ses", region_name="eu-west-1", aws_access_key_id=f"@KEY@", aws_secret_access_key=f"@SECRET@")  # [call]
    ''', [("CL101", "[call]")]),
    "plus-of-literals": ('''
        import boto3

        sns = boto3.client("sns", aws_access_key_id="@KEY_A@" + "@KEY_B@", aws_secret_access_key="@SEC_A@" + "@SEC_B@")  # [call]
    ''', [("CL101", "[call]")]),
    "module-constants": ('''
        import boto3

        REGION = "eu-central-1"
        ACCESS_KEY = "@KEY@"  # [key]
        SECRET_KEY = "@SECRET@"  # [secret]


        def get_queue(name):
            sqs = boto3.resource("sqs", region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)  # [call]
            return sqs.get_queue_by_name(QueueName=name)
    ''', [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")]),
    "annotated-module-constants": ('''
        from typing import Final

        import boto3

        AWS_KEY_ID: Final[str] = "@KEY@"  # [key]
        AWS_SECRET: Final = "@SECRET@"  # [secret]

        kinesis = boto3.client("kinesis", aws_access_key_id=AWS_KEY_ID, aws_secret_access_key=AWS_SECRET)  # [call]
    ''', [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")]),
    "function-constants": ('''
        import boto3


        def rotate_logs(bucket):
            key_id = "@KEY@"  # [key]
            secret = "@SECRET@"  # [secret]
            s3 = boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)  # [call]
            for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=obj["Key"])
    ''', [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")]),
    "inline-double-star-dict-literal": ('''
        import boto3

        ec2 = boto3.client(
            "ec2",
            region_name="us-west-2",
            **{"aws_access_key_id": "@KEY@", "aws_secret_access_key": "@SECRET@"},  # [call]
        )
    ''', [("CL101", "[call]")]),
    "double-star-dict-built-from-literals": ('''
        import boto3


        def archive(bucket, key, body):
            creds = {
                "aws_access_key_id": "@KEY@",  # [key]
                "aws_secret_access_key": "@SECRET@",  # [secret]
            }
            s3 = boto3.client("s3", **creds)  # [call]
            s3.put_object(Bucket=bucket, Key=key, Body=body, StorageClass="GLACIER")
    ''', [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")]),
    "double-star-dict-call": ('''
        import boto3


        def dynamo():
            creds = dict(
                aws_access_key_id="@KEY@",  # [key]
                aws_secret_access_key="@SECRET@",  # [secret]
            )
            return boto3.resource("dynamodb", region_name="eu-west-1", **creds)  # [call]
    ''', [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")]),
    "double-star-dict-filled-by-subscript-assignments": ('''
        import boto3


        def client(service):
            kwargs = {"region_name": "us-east-1"}
            kwargs["aws_access_key_id"] = "@KEY@"  # [key]
            kwargs["aws_secret_access_key"] = "@SECRET@"  # [secret]
            return boto3.client(service, **kwargs)  # [call]
    ''', [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")]),
    "real-key-id-with-placeholder-secret": ('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="changeme")  # [call]
    ''', [("CL101", "[call]")]),
    "placeholder-key-id-with-real-secret": ('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="@SECRET@")  # [call]
    ''', [("CL101", "[call]")]),
    "non-key-shaped-but-real-looking-secret": ('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="svc-uploader-prod", aws_secret_access_key="Zq8#vR2!mK5pL9")  # [call]
    ''', [("CL101", "[call]")]),
    "double-star-dict-of-module-constants": ('''
        import boto3

        ACCESS_KEY = "@KEY@"  # [key]
        SECRET_KEY = "@SECRET@"  # [secret]


        def client():
            creds = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
            return boto3.client("s3", **creds)  # [call]
    ''', [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")]),
    "chained-assignment-constant": ('''
        import boto3

        ACCESS_KEY = LEGACY_ACCESS_KEY = "@KEY@"  # [key]

        s3 = boto3.client("s3", aws_access_key_id=LEGACY_ACCESS_KEY, aws_secret_access_key="@SECRET@")  # [call]
    ''', [("CL201", "[key]"), ("CL101", "[call]")]),
    "constant-holding-a-constant": ('''
        import boto3

        _KEY = "@KEY@"  # [key]
        ACCESS_KEY = _KEY

        s3 = boto3.client("s3", aws_access_key_id=ACCESS_KEY)  # [call]
    ''', [("CL201", "[key]"), ("CL101", "[call]")]),
    "tuple-unpacked-constants": ('''
        import boto3

        KEY_ID, SECRET_KEY = "@KEY@", "@SECRET@"  # [both]

        s3 = boto3.client("s3", aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET_KEY)  # [call]
    ''', [("CL201", "[both]"), ("CL202", "[both]"), ("CL101", "[call]")]),
    "session-double-star-dict-call-and-profile": ('''
        import boto3

        creds = dict(aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [creds]
        session = boto3.Session(**creds, profile_name="ci")  # [call]
    ''', [("CL201", "[creds]"), ("CL202", "[creds]"), ("CL101", "[call]")]),
    "only-secret-literal-key-none": ('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id=None, aws_secret_access_key="@SECRET@")  # [call]
    ''', [("CL101", "[call]")]),
    "session-token-literal-only": ('''
        import os

        import boto3

        s3 = boto3.client(
            "s3",
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],  # [call]
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
            aws_session_token="@TOKEN@",
        )
    ''', [("CL101", "[call]")]),
}


@pytest.mark.parametrize("code,expected", [pytest.param(src(c), e, id=k) for k, (c, e) in VALUE_FORMS.items()])
def test_cl101_value_forms(lint, code, expected):
    check(lint, code, expected)


def test_walrus_binding_a_literal_reaches_the_call(lint):
    code = src('''
        import boto3

        ACCESS_KEY = "@KEY@"  # [key]


        def handler(event, context):
            if (secret := "@SECRET@") and event.get("upload"):  # [secret]
                s3 = boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=secret)  # [call]
                s3.put_object(Bucket=event["bucket"], Key=event["key"], Body=b"")
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")])


def test_reassignment_after_use_does_not_hide_the_literal(lint):
    code = src('''
        import boto3


        def backup(paths):
            key_id = "@KEY@"  # [key]
            secret_key = "@SECRET@"  # [secret]
            s3 = boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret_key)  # [call]
            key_id = secret_key = None  # wipe them from memory
            for path in paths:
                s3.upload_file(path, "acme-backups", path)
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")])


def test_nested_function_reads_module_constants(lint):
    code = src('''
        import boto3

        ACCESS_KEY = "@KEY@"  # [key]
        SECRET_KEY = "@SECRET@"  # [secret]


        def make_uploader(bucket):
            def upload(path):
                def _client():
                    return boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)  # [call]
                _client().upload_file(path, bucket, path)
            return upload
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")])


def test_lazy_singleton_with_global_statement(lint):
    code = src('''
        import boto3

        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
        AWS_SECRET_ACCESS_KEY = "@SECRET@"  # [secret]
        _client = None


        def get_client():
            global _client
            if _client is None:
                _client = boto3.client("s3", aws_access_key_id=AWS_ACCESS_KEY_ID, aws_secret_access_key=AWS_SECRET_ACCESS_KEY)  # [call]
            return _client
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")])


def test_closure_local_shadows_module_constant(lint):
    # inner() reads outer's ACCESS_KEY (from the environment), not the module constant.
    code = src('''
        import os

        import boto3

        ACCESS_KEY = "@KEY@"  # [key]


        def outer():
            ACCESS_KEY = os.environ["DEPLOY_ACCESS_KEY"]
            SECRET = os.environ["DEPLOY_SECRET"]

            def inner():
                return boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET)  # [call]
            return inner()
    ''')
    findings = check(lint, code, [("CL201", "[key]"), ("CL102", "[call]")])
    assert only(findings, "CL102").fix_plan.applicability == "unsafe"


def test_class_attribute_is_not_visible_in_method_scope(lint):
    # Inside a method, a bare ACCESS_KEY is the module global, not the class attribute.
    code = src('''
        import os

        import boto3

        ACCESS_KEY = os.environ["UPLOADER_ACCESS_KEY"]
        SECRET_KEY = os.environ["UPLOADER_SECRET_KEY"]


        class Uploader:
            ACCESS_KEY = "@KEY@"  # [key]
            SECRET_KEY = "@SECRET@"  # [secret]

            def client(self):
                return boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)  # [call]
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]"), ("CL102", "[call]")])


def test_parameter_named_like_module_constant_is_a_parameter(lint):
    code = src('''
        import boto3

        ACCESS_KEY = "@KEY@"  # [key]
        SECRET_KEY = "@SECRET@"  # [secret]


        def client(ACCESS_KEY, SECRET_KEY, region="eu-west-1"):
            return boto3.client("s3", region_name=region, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)  # [call]
    ''')
    findings = check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]"), ("CL102", "[call]")])
    assert only(findings, "CL102").fix_plan.applicability == "unsafe"


def test_class_attributes_used_through_self(lint):
    code = src('''
        import boto3


        class ReportExporter:
            ACCESS_KEY = "@KEY@"  # [key]
            SECRET_KEY = "@SECRET@"  # [secret]

            def __init__(self, bucket):
                self.bucket = bucket

            def client(self):
                return boto3.client("s3", aws_access_key_id=self.ACCESS_KEY, aws_secret_access_key=self.SECRET_KEY)  # [call]
    ''')
    findings = lint(code)
    assert on_line(findings, ["CL201"], line_of(code, "[key]"))
    assert on_line(findings, ["CL202"], line_of(code, "[secret]"))
    call = on_line(findings, ["CL101", "CL102"], line_of(code, "[call]"))
    assert len(call) == 1, render(findings)
    assert len(findings) == 3, render(findings)


def test_global_variable_assigned_in_configure_function(lint):
    code = src('''
        import boto3

        _KEY = None
        _SECRET = None


        def configure(settings):
            global _KEY, _SECRET
            _KEY = "@KEY@"  # [key]
            _SECRET = settings["secret"]


        def client():
            return boto3.client("s3", aws_access_key_id=_KEY, aws_secret_access_key=_SECRET)  # [call]
    ''')
    findings = lint(code)
    assert on_line(findings, ["CL201"], line_of(code, "[key]")), render(findings)
    # The globals are not None when the client is made: the call passes explicit keys.
    assert len(on_line(findings, ["CL101", "CL102"], line_of(code, "[call]"))) == 1, render(findings)


# =====================================================================================
# CL101: callees, aliases and positions
# =====================================================================================

# (code, expected fix applicability: "unsafe" or None for "no fix_plan")
CALLEES = {
    "boto3.resource": ('''
        import boto3


        def table(name):
            dynamodb = boto3.resource("dynamodb", region_name="eu-west-1", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
            return dynamodb.Table(name)
    ''', "unsafe"),
    "boto3.Session": ('''
        import boto3

        session = boto3.Session(
            aws_access_key_id="@KEY@",  # [call]
            aws_secret_access_key="@SECRET@",
            region_name="us-east-1",
        )
        s3 = session.client("s3")
    ''', "unsafe"),
    "boto3.session.Session": ('''
        import boto3.session

        session = boto3.session.Session(aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
        ec2 = session.resource("ec2")
    ''', "unsafe"),
    "boto3.setup_default_session": ('''
        import boto3


        def main():
            boto3.setup_default_session(aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@", region_name="us-west-2")  # [call]
            for bucket in boto3.client("s3").list_buckets()["Buckets"]:
                print(bucket["Name"])


        if __name__ == "__main__":
            main()
    ''', "unsafe"),
    "session-variable-client": ('''
        import boto3

        session = boto3.Session(profile_name="deploy")
        sqs = session.client("sqs", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "session-variable-resource": ('''
        import boto3


        def buckets():
            sess = boto3.session.Session(region_name="ap-southeast-2")
            s3 = sess.resource("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
            return list(s3.buckets.all())
    ''', "unsafe"),
    "session-attribute-set-in-init": ('''
        import boto3


        class Archiver:
            def __init__(self, bucket):
                self.bucket = bucket
                self.session = boto3.Session()

            def _s3(self):
                return self.session.client(
                    "s3",
                    aws_access_key_id="@KEY@",  # [call]
                    aws_secret_access_key="@SECRET@",
                )

            def archive(self, key, body):
                self._s3().put_object(Bucket=self.bucket, Key=key, Body=body)
    ''', "unsafe"),
    "session-returned-by-local-helper": ('''
        import boto3


        def _session(region):
            return boto3.Session(region_name=region)


        def queue(region, name):
            sqs = _session(region).resource("sqs", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
            return sqs.get_queue_by_name(QueueName=name)
    ''', "unsafe"),
    "chained-session-client": ('''
        import boto3

        logs = boto3.Session(profile_name="ops").client("logs", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "botocore-session-create_client": ('''
        import botocore.session

        session = botocore.session.Session()
        client = session.create_client("s3", region_name="us-east-1", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "botocore-get_session-create_client": ('''
        from botocore.session import get_session


        def sts_client():
            return get_session().create_client("sts", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "botocore-set_credentials-keywords": ('''
        import botocore.session

        session = botocore.session.get_session()
        session.set_credentials(access_key="@KEY@", secret_key="@SECRET@")  # [call]
        s3 = session.create_client("s3")
    ''', "unsafe"),
    "aioboto3.Session": ('''
        import aioboto3


        async def list_tables():
            session = aioboto3.Session(aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
            async with session.client("dynamodb", region_name="eu-west-1") as dynamo:
                return (await dynamo.list_tables())["TableNames"]
    ''', "unsafe"),
    "aioboto3-session-client": ('''
        import aioboto3

        session = aioboto3.Session()


        async def put(body):
            async with session.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@") as s3:  # [call]
                await s3.put_object(Bucket="acme", Key="k", Body=body)
    ''', "unsafe"),
    "aiobotocore-module-get_session": ('''
        import asyncio

        import aiobotocore.session


        async def main():
            session = aiobotocore.session.get_session()
            async with session.create_client(
                "sqs",
                region_name="eu-west-1",
                aws_access_key_id="@KEY@",  # [call]
                aws_secret_access_key="@SECRET@",
            ) as sqs:
                await sqs.send_message(QueueUrl="https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody="hi")


        asyncio.run(main())
    ''', "unsafe"),
    "s3fs.S3FileSystem": ('''
        import pandas as pd
        import s3fs


        def load(path):
            fs = s3fs.S3FileSystem(key="@KEY@", secret="@SECRET@", anon=False)  # [call]
            with fs.open(path) as fh:
                return pd.read_csv(fh)
    ''', "unsafe"),
    "s3fs-non-key-shaped-secret": ('''
        import s3fs

        fs = s3fs.S3FileSystem(key="svc-reports", secret="Zq8#vR2!mK5pL9")  # [call]
    ''', "unsafe"),
    "s3fs-from-import-with-token": ('''
        from s3fs import S3FileSystem

        fs = S3FileSystem(anon=False, key="@KEY@", secret="@SECRET@", token="@TOKEN@")  # [call]
    ''', "unsafe"),
    "boto2-connect_s3": ('''
        import boto

        conn = boto.connect_s3(aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
        bucket = conn.get_bucket("legacy-uploads")
    ''', None),
    "boto2-S3Connection-positional": ('''
        from boto.s3.connection import S3Connection

        conn = S3Connection("@KEY@", "@SECRET@")  # [call]
    ''', None),
    "boto2-ec2-connect_to_region": ('''
        import boto.ec2

        conn = boto.ec2.connect_to_region("us-east-1", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
        reservations = conn.get_all_instances()
    ''', None),
    "functools.partial": ('''
        import functools

        import boto3

        make_client = functools.partial(boto3.client, aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
        s3 = make_client("s3")
    ''', None),
    "from-functools-import-partial-and-boto3-client": ('''
        from functools import partial

        from boto3 import client

        regional = partial(client, region_name="eu-west-1", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', None),
    "boto3-default-session-helper": ('''
        import boto3

        s3 = boto3._get_default_session().client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "aioboto3.session.Session": ('''
        import aioboto3.session

        session = aioboto3.session.Session(aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "aiobotocore-legacy-get_session": ('''
        import aiobotocore


        async def main():
            session = aiobotocore.get_session()
            async with session.create_client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@") as s3:  # [call]
                await s3.list_buckets()
    ''', "unsafe"),
    "s3fs.core.S3FileSystem": ('''
        import s3fs.core

        fs = s3fs.core.S3FileSystem(key="@KEY@", secret="@SECRET@")  # [call]
    ''', "unsafe"),
    "boto2-connect_dynamodb": ('''
        import boto

        ddb = boto.connect_dynamodb("@KEY@", "@SECRET@")  # [call]
    ''', None),
    "boto2-EC2Connection": ('''
        from boto.ec2.connection import EC2Connection

        conn = EC2Connection(aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', None),
    "boto2-sqs-connect_to_region": ('''
        import boto.sqs

        conn = boto.sqs.connect_to_region("eu-west-1", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', None),
    "annotated-session-variable": ('''
        import boto3
        import boto3.session

        session: boto3.session.Session = boto3.session.Session(region_name="eu-west-1")
        sns = session.client("sns", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "walrus-session-variable": ('''
        import boto3


        def notify(topic, message):
            if (session := boto3.Session(region_name="eu-west-1")) is not None:
                session.client("sns", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@").publish(TopicArn=topic, Message=message)  # [call]
    ''', "unsafe"),
    "session-variable-reassigned-after-use": ('''
        import boto3

        from tests.fakes import FakeSession


        def run():
            session = boto3.Session()
            s3 = session.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
            session = FakeSession()
            return s3, session
    ''', "unsafe"),
    # -- aliases --
    "import-boto3-as-b3": ('''
        import boto3 as b3

        athena = b3.client("athena", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "from-boto3-import-client-as-mk": ('''
        from boto3 import client as mk

        glue = mk("glue", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "from-boto3.session-import-Session": ('''
        from boto3.session import Session

        session = Session(aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@", profile_name="ci")  # [call]
    ''', "unsafe"),
    "from-boto3-import-Session-as-alias": ('''
        from boto3 import Session as AwsSession

        s = AwsSession(region_name="eu-west-1")
        cw = s.client("cloudwatch", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "from-boto3-import-session-module": ('''
        from boto3 import session as boto_session

        s = boto_session.Session(aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "service_name-keyword": ('''
        import boto3

        s3 = boto3.client(service_name="s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "import-botocore.session-as-alias": ('''
        import botocore.session as bcs

        client = bcs.get_session().create_client("kms", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''', "unsafe"),
    "import-inside-lambda-handler": ('''
        def lambda_handler(event, context):
            import boto3

            s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
            return s3.list_objects_v2(Bucket=event["bucket"])["KeyCount"]
    ''', "unsafe"),
    "try-import-except-importerror-none": ('''
        try:
            import boto3
        except ImportError:  # boto3 is an optional dependency
            boto3 = None


        def upload(path, bucket):
            if boto3 is None:
                raise RuntimeError("pip install acme[s3]")
            s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
            s3.upload_file(path, bucket, path)
    ''', "unsafe"),
}


@pytest.mark.parametrize("code,fix", [pytest.param(src(c), f, id=k) for k, (c, f) in CALLEES.items()])
def test_cl101_callees_and_aliases(lint, code, fix):
    findings = check(lint, code, [("CL101", "[call]")])
    plan = findings[0].fix_plan
    if fix is None:
        assert plan is None, plan
    else:
        assert plan is not None and plan.applicability == fix, plan


POSITIONS = {
    "default-argument": '''
        import boto3


        def upload(path, s3=boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")):  # [call]
            s3.upload_file(path, "acme", path)
    ''',
    "decorator-argument": '''
        import boto3

        from acme.hooks import with_client


        @with_client(boto3.client("sqs", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@"))  # [call]
        def consume(client, message):
            return message
    ''',
    "class-body": '''
        import boto3


        class Storage:
            s3 = boto3.resource("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''',
    "conditional-expression": '''
        import boto3

        PROD = True
        s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@") if PROD else None  # [call]
    ''',
    "match-statement": '''
        import boto3


        def client_for(env):
            match env:
                case "prod":
                    return boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
                case _:
                    return boto3.client("s3")
    ''',
    "async-with-in-try-finally": '''
        import aioboto3


        async def drain(queue_url):
            session = aioboto3.Session()
            try:
                async with session.client("sqs", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@") as sqs:  # [call]
                    await sqs.purge_queue(QueueUrl=queue_url)
            finally:
                print("done")
    ''',
}


@pytest.mark.parametrize("code", [pytest.param(src(c), id=k) for k, c in POSITIONS.items()])
def test_cl101_in_every_syntactic_position(lint, code):
    check(lint, code, [("CL101", "[call]")])


# =====================================================================================
# Shadowing: a local name `boto3` is not the SDK
# =====================================================================================

SHADOWS = {
    "parameter": '''
        import boto3  # the real SDK, used elsewhere in this module


        def handler(event, context, boto3=None):
            return boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [key]
    ''',
    "local-assignment": '''
        import boto3

        from tests.fakes import FakeBoto


        def test_upload_uses_client():
            boto3 = FakeBoto()
            s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [key]
            assert s3.calls == []
    ''',
    "module-level-class": '''
        import boto3


        class boto3:  # stand-in for the SDK in this test module
            @staticmethod
            def client(*args, **kwargs):
                return object()


        def test_client():
            s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [key]
            assert s3
    ''',
    "local-function": '''
        import boto3


        def test_with_stub():
            def boto3():
                return None
            boto3.client = lambda *args, **kwargs: object()
            s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [key]
            assert s3
    ''',
    "with-as-mock": '''
        from unittest import mock

        import boto3


        def test_upload():
            with mock.patch("acme.storage.boto3") as boto3:
                boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [key]
                assert boto3.client.called
    ''',
    "comprehension-variable": '''
        import boto3

        from tests.fakes import FAKE_MODULES

        clients = [boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@") for boto3 in FAKE_MODULES]  # [key]
    ''',
    "lambda-parameter": '''
        import boto3

        make_s3 = lambda boto3: boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [key]
    ''',
    "import-of-a-fake-as-boto3": '''
        from tests.fakes import fake_boto3 as boto3

        s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [key]
    ''',
}


@pytest.mark.parametrize("code", [pytest.param(src(c), id=k) for k, c in SHADOWS.items()])
def test_shadowed_boto3_is_not_an_sdk_call_but_keys_are_still_reported(lint, code):
    # Not CL101/CL102; the literals stay CL201 (key id) and CL202 (keyword aws_secret_access_key).
    check(lint, code, [("CL201", "[key]"), ("CL202", "[key]")])


def test_shadowing_is_scoped_to_its_function(lint):
    code = src('''
        import boto3


        def handler(event, context, boto3=None):
            return boto3.client("s3", aws_access_key_id="not-a-key-value", aws_secret_access_key="neither-is-this")


        def real_client():
            return boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    check(lint, code, [("CL101", "[call]")])


def test_class_body_binding_does_not_shadow_inside_methods(lint):
    # A name bound in a class body is not visible in its methods: boto3 there is the module.
    code = src('''
        import boto3

        from tests.fakes import FakeBoto


        class UploaderTest:
            boto3 = FakeBoto()

            def client(self):
                return boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    check(lint, code, [("CL101", "[call]")])


def test_star_import_from_boto3(lint):
    code = src('''
        from boto3 import *

        s3 = client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    check(lint, code, [("CL101", "[call]")])


def test_session_parameter_annotated_as_boto3_session(lint):
    code = src('''
        import boto3


        def upload(session: boto3.Session, path):
            s3 = session.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
            s3.upload_file(path, "acme", path)
    ''')
    check(lint, code, [("CL101", "[call]")])


def test_module_level_reassignment_in_other_function_does_not_shadow_module(lint):
    code = src('''
        import boto3

        from tests.fakes import FakeBoto


        def test_something():
            boto3 = FakeBoto()
            boto3.client("s3", aws_access_key_id="not-a-key-value", aws_secret_access_key="neither-is-this")


        s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    check(lint, code, [("CL101", "[call]")])


def test_session_attribute_of_another_class_is_not_boto3(lint):
    code = src('''
        import boto3

        from acme.fakes import FakeSession


        class Real:
            def __init__(self):
                self.session = boto3.Session()

            def s3(self):
                return self.session.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]


        class Stub:
            def __init__(self):
                self.session = FakeSession()

            def s3(self):
                return self.session.client("s3", aws_access_key_id="@KEY2@", aws_secret_access_key="@SECRET2@")  # [stub]
    ''')
    check(lint, code, [("CL101", "[call]"), ("CL201", "[stub]"), ("CL202", "[stub]")])


def test_unrelated_client_methods_are_not_sdk_calls(lint):
    code = src('''
        import redis
        import httpx

        cache = redis.Redis(host="localhost").client()
        http = httpx.Client(base_url="https://api.example.com")
        resp = http.get("/v1/items", params={"page_token": "abc"})
    ''')
    check(lint, code, [])


# =====================================================================================
# CL102: explicit, non-hardcoded credentials
# =====================================================================================

# (argument values, expected applicability)
CL102_VALUES = {
    "os.environ-standard": ('''
        import os

        import boto3

        s3 = boto3.client(
            "s3",
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],  # [call]
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=os.environ["AWS_SESSION_TOKEN"],
        )
    ''', "safe"),
    "os.getenv-standard": ('''
        import os

        import boto3

        session = boto3.Session(aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID"), aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY"), region_name="eu-west-1")  # [call]
    ''', "safe"),
    "os.environ.get-standard": ('''
        import os

        import boto3

        sqs = boto3.resource("sqs", aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID"), aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY"), aws_session_token=os.environ.get("AWS_SESSION_TOKEN"))  # [call]
    ''', "safe"),
    "from-os-import-environ-getenv": ('''
        from os import environ, getenv

        import boto3

        s3 = boto3.client("s3", aws_access_key_id=environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=getenv("AWS_SECRET_ACCESS_KEY"))  # [call]
    ''', "safe"),
    "import-os-as-alias": ('''
        import os as _os

        import boto3

        s3 = boto3.client("s3", aws_access_key_id=_os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=_os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''', "safe"),
    "aws-security-token-legacy-variable": ('''
        import os

        import boto3

        s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"], aws_session_token=os.environ["AWS_SECURITY_TOKEN"])  # [call]
    ''', "safe"),
    "s3fs-standard-environment": ('''
        import os

        import s3fs

        fs = s3fs.S3FileSystem(key=os.environ["AWS_ACCESS_KEY_ID"], secret=os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''', "safe"),
    "swapped-standard-variables": ('''
        import os

        import boto3

        s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_SECRET_ACCESS_KEY"], aws_secret_access_key=os.environ["AWS_ACCESS_KEY_ID"])  # [call]
    ''', "unsafe"),
    "other-environment-variables": ('''
        import os

        import boto3

        s3 = boto3.client("s3", aws_access_key_id=os.environ["S3_UPLOADER_KEY_ID"], aws_secret_access_key=os.environ["S3_UPLOADER_SECRET"])  # [call]
    ''', "unsafe"),
    "getenv-with-dummy-default": ('''
        import os

        import boto3

        s3 = boto3.client("s3", aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID", ""), aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY", ""))  # [call]
    ''', "unsafe"),
    "environment-read-with-method-call": ('''
        import os

        import boto3

        s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"].strip(), aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"].strip())  # [call]
    ''', "unsafe"),
    "standard-key-but-settings-secret": ('''
        import os

        import boto3
        from django.conf import settings

        s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY)  # [call]
    ''', "unsafe"),
    "django-settings-attributes": ('''
        import boto3
        from django.conf import settings


        class MediaStorage:
            def __init__(self):
                self.client = boto3.client(
                    "s3",
                    aws_access_key_id=settings.AWS_ACCESS_KEY_ID,  # [call]
                    aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
                    region_name=settings.AWS_S3_REGION_NAME,
                )
    ''', "unsafe"),
    "argparse-cli-arguments": ('''
        import argparse

        import boto3


        def main(argv=None):
            parser = argparse.ArgumentParser(description="copy a bucket")
            parser.add_argument("--access-key")
            parser.add_argument("--secret-key")
            args = parser.parse_args(argv)
            s3 = boto3.client("s3", aws_access_key_id=args.access_key, aws_secret_access_key=args.secret_key)  # [call]
            print(s3.list_buckets())
    ''', "unsafe"),
    "module-constant-defined-after-the-function": ('''
        import boto3


        def client():
            return boto3.client("s3", aws_access_key_id=UPLOAD_KEY_ID, aws_secret_access_key=UPLOAD_SECRET)  # [call]


        from acme.secrets import UPLOAD_KEY_ID, UPLOAD_SECRET  # noqa: E402
    ''', "unsafe"),
    "function-parameters": ('''
        import boto3


        def make_session(key_id, secret, region="eu-west-1"):
            return boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name=region)  # [call]
    ''', "unsafe"),
    "config-dict-read": ('''
        import json

        import boto3

        with open("config.json") as fh:
            cfg = json.load(fh)

        s3 = boto3.client("s3", aws_access_key_id=cfg["aws"]["key_id"], aws_secret_access_key=cfg["aws"]["secret"])  # [call]
    ''', "unsafe"),
    "moto-style-testing-literals": ('''
        import boto3
        from moto import mock_aws


        @mock_aws
        def test_create_bucket():
            s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")  # [call]
            s3.create_bucket(Bucket="acme")
            assert s3.list_buckets()["Buckets"][0]["Name"] == "acme"
    ''', "unsafe"),
    "too-short-literals": ('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="x", aws_secret_access_key="y")  # [call]
    ''', "unsafe"),
    "constant-imported-from-another-module": ('''
        import boto3

        from acme.settings import AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY

        s3 = boto3.client("s3", aws_access_key_id=AWS_ACCESS_KEY_ID, aws_secret_access_key=AWS_SECRET_ACCESS_KEY)  # [call]
    ''', "unsafe"),
    "test-literals": ('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="test", aws_secret_access_key="test")  # [call]
    ''', "unsafe"),
    "aws-documented-example-keys": ('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")  # [call]
    ''', "unsafe"),
    "masked-and-template-placeholders": ('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="AKIAXXXXXXXXXXXXXXXX", aws_secret_access_key="<YOUR_SECRET_ACCESS_KEY>")  # [call]
    ''', "unsafe"),
    "aws-endpoint-keeps-the-fix": ('''
        import os

        import boto3

        s3 = boto3.client("s3", endpoint_url="https://s3-fips.us-east-1.amazonaws.com", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''', "safe"),
    "aws-china-endpoint-keeps-the-fix": ('''
        import os

        import boto3

        s3 = boto3.client("s3", endpoint_url="https://s3.cn-north-1.amazonaws.com.cn", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''', "safe"),
    "aiobotocore-settings-object": ('''
        import asyncio

        from aiobotocore.session import get_session

        from acme.config import settings


        async def poll():
            session = get_session()
            async with session.create_client("sqs", region_name="eu-west-1",
                                             aws_access_key_id=settings.aws_access_key_id,  # [call]
                                             aws_secret_access_key=settings.aws_secret_access_key) as sqs:
                return await sqs.receive_message(QueueUrl=settings.queue_url)
    ''', "unsafe"),
    "double-star-dict-of-standard-environment": ('''
        import os

        import boto3


        def client():
            creds = {
                "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"],
                "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"],
            }
            return boto3.client("s3", **creds)  # [call]
    ''', "safe"),
}


@pytest.mark.parametrize("code,applicability", [pytest.param(src(c), a, id=k) for k, (c, a) in CL102_VALUES.items()])
def test_cl102_values_and_fix_applicability(lint, code, applicability):
    findings = check(lint, code, [("CL102", "[call]")])
    f = findings[0]
    assert f.severity == "warning"
    assert f.fix_plan is not None, "a keyword call on AWS should have a fix plan"
    assert f.fix_plan.applicability == applicability


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


# -- CL102 negatives ------------------------------------------------------------------

CL102_NEGATIVES = {
    "sts-assume-role-response-variable": '''
        import boto3


        def cross_account_s3(role_arn):
            sts = boto3.client("sts")
            response = sts.assume_role(RoleArn=role_arn, RoleSessionName="nightly-sync", DurationSeconds=3600)
            creds = response["Credentials"]
            return boto3.client(
                "s3",
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
    ''',
    "sts-get-session-token-into-session": '''
        import boto3


        def mfa_session(serial, code):
            creds = boto3.client("sts").get_session_token(SerialNumber=serial, TokenCode=code)["Credentials"]
            return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    ''',
    "sts-web-identity": '''
        import boto3


        def from_oidc(role_arn, token):
            sts = boto3.client("sts")
            c = sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="ci", WebIdentityToken=token)["Credentials"]
            return boto3.resource("dynamodb", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    ''',
    "iam-create-access-key": '''
        import boto3


        def provision_and_verify(user):
            iam = boto3.client("iam")
            key = iam.create_access_key(UserName=user)["AccessKey"]
            probe = boto3.client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
            return probe.get_caller_identity()["Arn"]
    ''',
    "secrets-manager-json-secret": '''
        import json

        import boto3


        def partner_bucket_client():
            sm = boto3.client("secretsmanager")
            secret = json.loads(sm.get_secret_value(SecretId="partner/s3")["SecretString"])
            return boto3.client("s3", aws_access_key_id=secret["access_key_id"], aws_secret_access_key=secret["secret_access_key"])
    ''',
    "ssm-get-parameter": '''
        import boto3


        def partner_client():
            ssm = boto3.client("ssm")
            key_id = ssm.get_parameter(Name="/partner/key-id")["Parameter"]["Value"]
            secret = ssm.get_parameter(Name="/partner/secret", WithDecryption=True)["Parameter"]["Value"]
            return boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)
    ''',
    "sts-shaped-dict-from-anywhere": '''
        import boto3


        def client_for(credentials, region):
            return boto3.client(
                "s3",
                region_name=region,
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
            )
    ''',
    "frozen-credentials-of-a-session": '''
        import boto3


        def presigning_client():
            frozen = boto3.Session().get_credentials().get_frozen_credentials()
            return boto3.client("s3", aws_access_key_id=frozen.access_key, aws_secret_access_key=frozen.secret_key, aws_session_token=frozen.token)
    ''',
    "sts-values-through-intermediate-variables": '''
        import boto3


        def assumed_s3(role_arn):
            creds = boto3.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="etl")["Credentials"]
            key_id = creds["AccessKeyId"]
            secret = creds["SecretAccessKey"]
            token = creds["SessionToken"]
            return boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token)
    ''',
    "sts-nested-subscripts": '''
        import boto3


        def assumed_session(role_arn):
            response = boto3.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="etl")
            return boto3.Session(
                aws_access_key_id=response["Credentials"]["AccessKeyId"],
                aws_secret_access_key=response["Credentials"]["SecretAccessKey"],
                aws_session_token=response["Credentials"]["SessionToken"],
            )
    ''',
    "sso-get-role-credentials-camel-case-keys": '''
        import boto3


        def sso_client(access_token, account_id, role):
            sso = boto3.client("sso", region_name="eu-west-1")
            rc = sso.get_role_credentials(roleName=role, accountId=account_id, accessToken=access_token)["roleCredentials"]
            return boto3.client("s3", aws_access_key_id=rc["accessKeyId"], aws_secret_access_key=rc["secretAccessKey"], aws_session_token=rc["sessionToken"])
    ''',
    "cognito-credentials-for-identity": '''
        import boto3


        def guest_client(identity_id):
            cognito = boto3.client("cognito-identity")
            c = cognito.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
            return boto3.client("s3", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretKey"], aws_session_token=c["SessionToken"])
    ''',
    "none-values": '''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id=None, aws_secret_access_key=None, aws_session_token=None)
        session = boto3.Session(aws_access_key_id=None, aws_secret_access_key=None, profile_name="prod")
    ''',
    "default-chain": '''
        import boto3
        from botocore.config import Config

        s3 = boto3.client("s3", region_name="eu-west-1", config=Config(retries={"max_attempts": 10}))
        session = boto3.Session(profile_name="analytics")
    ''',
    "docstring-showing-usage-with-placeholders": '''
        def make_client():
            """Usage::

                boto3.client("s3", aws_access_key_id="<KEY ID>", aws_secret_access_key="<SECRET>")
            """
    ''',
}


@pytest.mark.parametrize("code", [pytest.param(src(c), id=k) for k, c in CL102_NEGATIVES.items()])
def test_cl102_not_reported(lint, code):
    check(lint, code, [])


LOCAL_ENDPOINTS = [
    "http://localhost:4566",
    "http://127.0.0.1:9000",
    "http://localstack:4566",
    "http://host.docker.internal:4566",
    "http://dynamodb-local:8000",
    "https://s3.localhost.localstack.cloud:4566",
    "http://0.0.0.0:5000",
]


@pytest.mark.parametrize("endpoint", LOCAL_ENDPOINTS)
@pytest.mark.parametrize("dummy", ["test", "testing", "minioadmin", "fakeMyKeyId"])
def test_local_emulator_with_dummy_values_is_not_reported(lint, endpoint, dummy):
    code = src('''
        import boto3
        import pytest


        @pytest.fixture
        def s3():
            return boto3.client("s3", endpoint_url="ENDPOINT", region_name="us-east-1", aws_access_key_id="DUMMY", aws_secret_access_key="DUMMY")
    ''').replace("ENDPOINT", endpoint).replace("DUMMY", dummy)
    check(lint, code, [])


@pytest.mark.parametrize("endpoint_setup,endpoint_expr", [
    ('LOCALSTACK_URL = "http://localhost:4566"', "LOCALSTACK_URL"),
    ("PORT = 4566", 'f"http://localhost:{PORT}"'),
    ('HOST = "localstack"', 'f"http://{HOST}:4566"'),
], ids=["constant", "f-string-port", "f-string-host"])
def test_local_endpoint_through_constant_or_fstring(lint, endpoint_setup, endpoint_expr):
    code = src('''
        import boto3
        import pytest

        SETUP


        @pytest.fixture
        def dynamodb():
            return boto3.resource("dynamodb", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    ''').replace("SETUP", endpoint_setup).replace("ENDPOINT", endpoint_expr)
    check(lint, code, [])


def test_localhost_lookalike_domains_are_not_local(lint):
    code = src('''
        import boto3

        a = boto3.client("s3", endpoint_url="https://localhost.attacker.example", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [a]
        b = boto3.client("s3", endpoint_url="http://127.0.0.1.nip.io:9000", aws_access_key_id="@KEY2@", aws_secret_access_key="@SECRET2@")  # [b]
    ''')
    findings = check(lint, code, [("CL101", "[a]"), ("CL101", "[b]")])
    assert all(f.fix_plan is None for f in findings)


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


NON_AWS_ENDPOINTS = [
    "https://minio.internal.example.org",
    "https://4f1e2d3c4b5a69788796a5b4c3d2e1f0.r2.cloudflarestorage.com",
    "https://nyc3.digitaloceanspaces.com",
    "https://s3.wasabisys.com",
    "https://storage.googleapis.com",
    "https://s3.amazonaws.com.evil.example.org",
    "https://notamazonaws.com",
]


@pytest.mark.parametrize("endpoint", NON_AWS_ENDPOINTS)
def test_non_aws_endpoint_with_explicit_values_is_not_cl102(lint, endpoint):
    code = src('''
        import os

        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url="ENDPOINT",
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        )
    ''').replace("ENDPOINT", endpoint)
    check(lint, code, [])


def test_s3fs_non_aws_endpoint_in_client_kwargs_is_not_cl102(lint):
    code = src('''
        import s3fs

        from acme.config import settings

        fs = s3fs.S3FileSystem(
            key=settings.MINIO_KEY,
            secret=settings.MINIO_SECRET,
            client_kwargs={"endpoint_url": "https://minio.internal.example.org"},
        )
    ''')
    check(lint, code, [])


@pytest.mark.parametrize("endpoint", NON_AWS_ENDPOINTS)
def test_non_aws_endpoint_with_real_looking_secret_is_cl101_without_fix(lint, endpoint):
    code = src('''
        import boto3

        r2 = boto3.client(
            "s3",
            endpoint_url="ENDPOINT",
            aws_access_key_id="3f0c2d9e8b7a6f5e4d3c2b1a09f8e7d6",  # [call]
            aws_secret_access_key="9a8b7c6d5e4f30211f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5c6d7e8f9",
        )
    ''').replace("ENDPOINT", endpoint)
    findings = check(lint, code, [("CL101", "[call]")])
    assert findings[0].fix_plan is None


def test_non_aws_endpoint_with_aws_key_is_cl101_without_fix(lint):
    code = src('''
        import boto3

        spaces = boto3.session.Session().client("s3", region_name="nyc3", endpoint_url="https://nyc3.digitaloceanspaces.com", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    findings = check(lint, code, [("CL101", "[call]")])
    assert findings[0].fix_plan is None


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
    assert [f for f in findings if f.rule_id in ("CL101", "CL102") and f.fix_plan is not None] == [], (
        "an endpoint not known to be AWS gets no fix:\n" + render(findings))


# -- CL101 wins over CL102 --------------------------------------------------------------


def test_mixed_literal_and_environment_is_only_cl101(lint):
    code = src('''
        import os

        import boto3

        s3 = boto3.client(
            "s3",
            aws_access_key_id="@KEY@",  # [call]
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        )
    ''')
    findings = check(lint, code, [("CL101", "[call]")])
    assert findings[0].fix_plan.applicability == "unsafe"


def test_mixed_double_star_dict_is_only_cl101(lint):
    code = src('''
        import os

        import boto3


        def client():
            creds = {"aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"]}
            creds["aws_secret_access_key"] = "@SECRET@"  # [secret]
            return boto3.client("s3", **creds)  # [call]
    ''')
    check(lint, code, [("CL202", "[secret]"), ("CL101", "[call]")])


@pytest.mark.parametrize("expression", [
    'os.getenv("AWS_ACCESS_KEY_ID", "@KEY@")',
    'os.environ.get("AWS_ACCESS_KEY_ID") or "@KEY@"',
    '"@KEY@" if DEBUG else os.environ["AWS_ACCESS_KEY_ID"]',
], ids=["getenv-default", "or-fallback", "conditional"])
def test_hardcoded_fallback_behind_environment_read(lint, expression):
    code = src('''
        import os

        import boto3

        DEBUG = os.environ.get("DEBUG") == "1"

        s3 = boto3.client(
            "s3",
            aws_access_key_id=EXPRESSION,  # [call]
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        )
    ''').replace("EXPRESSION", src(expression).strip())
    findings = lint(code)
    line = line_of(code, "[call]")
    call = on_line(findings, ["CL101", "CL102"], line)
    assert len(call) == 1, "the call is reported once, by CL101 or CL102:\n" + render(findings)
    assert on_line(findings, ["CL101", "CL201"], line), "the hardcoded key id must be reported:\n" + render(findings)
    assert call[0].fix_plan is None or call[0].fix_plan.applicability == "unsafe", (
        "removing an argument with a hardcoded fallback changes behaviour: never a safe fix")


def test_literal_dict_named_like_an_sts_response_is_not_excused(lint):
    # Keys written into a dict shaped like an STS response are still hardcoded.
    code = src('''
        import boto3

        CREDENTIALS = {
            "AccessKeyId": "@KEY@",  # [key]
            "SecretAccessKey": "@SECRET@",  # [secret]
        }


        def client():
            return boto3.client("s3", aws_access_key_id=CREDENTIALS["AccessKeyId"], aws_secret_access_key=CREDENTIALS["SecretAccessKey"])  # [call]
    ''')
    findings = lint(code)
    assert on_line(findings, ["CL201"], line_of(code, "[key]")), render(findings)
    assert on_line(findings, ["CL202"], line_of(code, "[secret]")), render(findings)
    assert not [f for f in findings if f.rule_id == "CL102"], render(findings)


def test_deselected_cl101_does_not_swallow_cl201_and_cl202(lint):
    # Superseding applies to literals in a call *reported by* CL101: with CL101 off,
    # the key material in the call must still be reported.
    code = src('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    check(lint, code, [("CL201", "[call]"), ("CL202", "[call]")], select=["CL201", "CL202"])


def test_environment_set_in_code_then_default_chain(lint):
    code = src('''
        import os

        import boto3

        os.environ["AWS_ACCESS_KEY_ID"] = "@KEY@"  # [key]
        os.environ["AWS_SECRET_ACCESS_KEY"] = "@SECRET@"  # [secret]
        s3 = boto3.client("s3")
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]")])


def test_key_id_in_hardcoded_presigned_url(lint):
    code = src('''
        DOWNLOAD_URL = (
            "https://acme-reports.s3.amazonaws.com/q3.pdf"
            "?AWSAccessKeyId=@KEY@&Expires=1735689600&Signature=abc%2Bdef"  # [key]
        )
    ''')
    check(lint, code, [("CL201", "[key]")])


def test_constant_on_the_same_line_as_the_call_is_not_superseded(lint):
    # The literal is not inside the call: CL201/CL202 keep reporting it, even on the same line.
    code = src('''
        import boto3

        KEY = "@KEY@"; SECRET_KEY = "@SECRET@"; s3 = boto3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=SECRET_KEY)  # [line]
    ''')
    check(lint, code, [("CL201", "[line]"), ("CL202", "[line]"), ("CL101", "[line]")])


@pytest.mark.parametrize("reader", ['os.getenv("AWS_SECRET_ACCESS_KEY", "@SECRET@")',
                                    'os.environ.get("AWS_SECRET_ACCESS_KEY", "@SECRET@")',
                                    'env("AWS_SECRET_ACCESS_KEY", default="@SECRET@")'],
                         ids=["getenv", "environ.get", "django-environ-default"])
def test_real_secret_as_environment_default_in_settings_is_cl202(lint, reader):
    code = src('''
        import os

        import environ

        env = environ.Env()
        AWS_ACCESS_KEY_ID = os.getenv("AWS_ACCESS_KEY_ID", "@KEY@")  # [key]
        AWS_SECRET_ACCESS_KEY = READER  # [secret]
    ''').replace("READER", src(reader).strip())
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]")])


@pytest.mark.parametrize("binding", [
    '''
    if os.environ.get("APP_ENV") == "dev":
        ACCESS_KEY = "@KEY@"  # [key]
    else:
        ACCESS_KEY = os.environ["AWS_ACCESS_KEY_ID"]
    ''',
    '''
    try:
        ACCESS_KEY = os.environ["AWS_ACCESS_KEY_ID"]
    except KeyError:
        ACCESS_KEY = "@KEY@"  # [key]
    ''',
], ids=["if-dev-else-env", "try-env-except-literal"])
def test_variable_that_may_hold_a_hardcoded_key_is_never_a_safe_fix(lint, binding):
    code = src('''
        import os

        import boto3

        BINDING

        s3 = boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''').replace("BINDING", src(binding).rstrip())
    findings = lint(code)
    assert on_line(findings, ["CL201"], line_of(code, "[key]")), render(findings)
    call = on_line(findings, ["CL101", "CL102"], line_of(code, "[call]"))
    assert len(call) == 1, render(findings)
    assert call[0].fix_plan is None or call[0].fix_plan.applicability == "unsafe", (
        f"{call[0].rule_id} offers a safe fix although the argument may hold a hardcoded key: {call[0].fix_plan}")


def test_key_id_in_comment_next_to_cl102_argument_is_still_cl201(lint):
    code = src('''
        import os

        import boto3

        s3 = boto3.client(
            "s3",
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],  # was @KEY@ until the rotation  [call]
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        )
    ''')
    check(lint, code, [("CL102", "[call]"), ("CL201", "[call]")])


# =====================================================================================
# Fix plans that must be absent
# =====================================================================================


def test_positional_session_credentials_are_reported_without_fix(lint):
    code = src('''
        import os

        import boto3

        session = boto3.Session(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''')
    findings = check(lint, code, [("CL102", "[call]")])
    assert findings[0].fix_plan is None


def test_positional_literal_credentials_in_boto3_client(lint):
    code = src('''
        import boto3

        s3 = boto3.client("s3", "eu-west-1", None, True, None, None, "@KEY@", "@SECRET@")  # [call]
    ''')
    findings = check(lint, code, [("CL101", "[call]")])
    assert findings[0].fix_plan is None


def test_botocore_set_credentials_positional(lint):
    code = src('''
        from botocore.session import get_session

        session = get_session()
        session.set_credentials("@KEY@", "@SECRET@", "@TOKEN@")  # [call]
        client = session.create_client("s3", region_name="us-east-1")
    ''')
    check(lint, code, [("CL101", "[call]")])


def test_botocore_set_credentials_from_parameters_is_cl102(lint):
    code = src('''
        import botocore.session


        def session_for(access_key, secret_key):
            session = botocore.session.get_session()
            session.set_credentials(access_key, secret_key)  # [call]
            return session
    ''')
    check(lint, code, [("CL102", "[call]")])


def test_lambda_expression_is_reported_without_fix(lint):
    code = src('''
        import os

        import boto3

        make_client = lambda service: boto3.client(service, aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''')
    findings = check(lint, code, [("CL102", "[call]")])
    assert findings[0].fix_plan is None


def test_dict_comprehension_is_reported_without_fix(lint):
    code = src('''
        import boto3

        REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1"]
        clients = {region: boto3.client("ec2", region_name=region, aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@") for region in REGIONS}  # [call]
    ''')
    findings = check(lint, code, [("CL101", "[call]")])
    assert findings[0].fix_plan is None


def test_list_comprehension_with_settings_is_reported_without_fix(lint):
    code = src('''
        import boto3

        from acme import settings

        queues = [boto3.resource("sqs", region_name=r, aws_access_key_id=settings.KEY, aws_secret_access_key=settings.SECRET).Queue(url) for r, url in settings.QUEUES]  # [call]
    ''')
    findings = check(lint, code, [("CL102", "[call]")])
    assert findings[0].fix_plan is None


def test_boto2_with_environment_is_cl102_without_fix(lint):
    code = src('''
        import os

        import boto

        conn = boto.connect_s3(aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''')
    findings = check(lint, code, [("CL102", "[call]")])
    assert findings[0].fix_plan is None


def test_functools_partial_with_environment_is_cl102_without_fix(lint):
    code = src('''
        import functools
        import os

        import boto3

        client = functools.partial(boto3.client, aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # [call]
    ''')
    findings = check(lint, code, [("CL102", "[call]")])
    assert findings[0].fix_plan is None


def test_double_star_dict_with_more_than_credentials_has_no_fix(lint):
    code = src('''
        import boto3


        def client():
            options = {
                "region_name": "eu-west-1",
                "aws_access_key_id": "@KEY@",  # [key]
                "aws_secret_access_key": "@SECRET@",  # [secret]
            }
            return boto3.client("s3", **options)  # [call]
    ''')
    findings = check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")])
    assert only(findings, "CL101").fix_plan is None


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
    calls = [f for f in findings if f.rule_id in ("CL101", "CL102")]
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
    calls = [f for f in findings if f.rule_id in ("CL101", "CL102")]
    assert len(calls) == 1 and calls[0].rule_id == "CL101", render(findings)
    assert calls[0].span.line == line_of(code, "[call]")
    assert calls[0].fix_plan is None, "the dict is not fully visible: no fix"


# =====================================================================================
# CL201: access key ids anywhere in the file
# =====================================================================================


def test_django_settings_module(lint):
    code = src('''
        """Django settings for the acme project (production)."""
        import os
        from pathlib import Path

        BASE_DIR = Path(__file__).resolve().parent.parent
        SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
        DEBUG = False
        ALLOWED_HOSTS = ["acme.example.com"]

        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "acme",
                "PASSWORD": os.environ["DB_PASSWORD"],
            }
        }

        # S3 media through django-storages
        AWS_STORAGE_BUCKET_NAME = "acme-media"
        AWS_S3_REGION_NAME = "eu-west-1"
        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
        AWS_SECRET_ACCESS_KEY = "@SECRET@"  # [secret]
        AWS_S3_CUSTOM_DOMAIN = f"{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"

        STORAGES = {
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "access_key": "@KEY2@",  # [key2]
                    "secret_key": "@SECRET2@",  # [secret2]
                },
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]"), ("CL201", "[key2]"), ("CL202", "[secret2]")])


def test_django_settings_reading_environment_is_clean(lint):
    code = src('''
        import environ

        env = environ.Env()
        AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
        AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
        AWS_SESSION_TOKEN = env.str("AWS_SESSION_TOKEN", default="")
        SECRET_KEY = "django-insecure-7h#k2$w9q!p4z@x8m3v6b1n5c0r2t7y4u9i8o"
    ''')
    check(lint, code, [])


@pytest.mark.parametrize("key", [
    "AKIA2E3MOIH4N6CFVEX7", "ASIAY34FZKBOKMUTVV7A", "ABIA2E3MOIH4N6CFVEX7", "ACCAZ7QW3ERT5YUI2OPA",
    "A3TQ2E3MOIH4N6CFVEX7",
], ids=["AKIA", "ASIA", "ABIA", "ACCA", "A3T"])
def test_cl201_prefixes_in_a_constant(lint, key):
    code = src('''
        MIGRATION_USER = "svc-migrate"
        MIGRATION_KEY = "KEYVALUE"  # [key]
    ''').replace("KEYVALUE", key)
    check(lint, code, [("CL201", "[key]")])


def test_cl201_in_comment_docstring_and_bytes(lint):
    code = src('''
        """Nightly export.

        Runs as the export user. Old credentials (revoked?):
            @KEY@  # [docstring]
        """
        import boto3


        def handler(event, context):
            # temporary key for the migration, remove later: ASIAY34FZKBOKMUTVV7A  # [comment]
            header = b"X-Debug-Key: @KEY2@"  # [bytes]
            return {"statusCode": 200, "headers": {"x": header.decode()}}
    ''')
    check(lint, code, [("CL201", "[docstring]"), ("CL201", "[comment]"), ("CL201", "[bytes]")])


def test_cl201_line_inside_multiline_fstring_and_triple_quoted_sql(lint):
    code = src("""
        def render(bucket):
            return f'''
            [default]
            region = eu-west-1
            aws_access_key_id = @KEY@
            bucket = {bucket}
            '''  # the key sits on the fourth line of the string: [key]
    """)
    findings = lint(code)
    expected = [i for i, t in enumerate(code.splitlines(), 1) if KEY_ID in t]
    assert [f.span.line for f in findings if f.rule_id == "CL201"] == expected, render(findings)


@pytest.mark.parametrize("value", [
    "AKIAIOSFODNN7EXAMPLE",
    "AKIAI44QH8DHBEXAMPLE",
    "AKIAXXXXXXXXXXXXXXXX",
    "ASIAEXAMPLE234567ABC",
    "XAKIA2E3MOIH4N6CFVEX7Z",
    "AKIA2E3MOIH4N6CFVEX7ABCD",
    "akia2e3moih4n6cfvex7",
    "AKIA2E3MOIH4N6CFVE",
], ids=["aws-example", "aws-example-2", "masked", "contains-EXAMPLE", "not-standing-alone",
        "too-long", "lowercase", "too-short"])
def test_cl201_placeholders_and_non_keys(lint, value):
    code = src('''
        # from the AWS documentation
        AWS_ACCESS_KEY_ID = "VALUE"
        build_id = response["NextToken"]
    ''').replace("VALUE", value)
    check(lint, code, [])


def test_two_keys_on_one_line_are_two_findings(lint):
    code = src('''
        ROTATION_CANDIDATES = ["@KEY@", "@KEY2@"]  # [line]
    ''')
    findings = check(lint, code, [("CL201", "[line]"), ("CL201", "[line]")])
    line = code.splitlines()[0]
    assert sorted(f.span.column for f in findings) in (
        [line.index(KEY_ID) + 1, line.index(KEY_ID_2) + 1], [line.index(KEY_ID), line.index(KEY_ID_2)])


def test_same_key_twice_reported_twice(lint):
    code = src('''
        PRIMARY_KEY_ID = "@KEY@"  # [first]
        # keep in sync with PRIMARY_KEY_ID: @KEY@  [second]
    ''')
    check(lint, code, [("CL201", "[first]"), ("CL201", "[second]")])


# =====================================================================================
# CL202: secret access keys assigned to credential-looking names
# =====================================================================================

CL202_POSITIVES = {
    "module-variable": '''
        AWS_SECRET_ACCESS_KEY = "@SECRET@"  # [s]
    ''',
    "annotated-variable": '''
        aws_secret: str = "@SECRET@"  # [s]
    ''',
    "secret-with-slash-and-plus": '''
        BACKUP_SECRET_KEY = "@SECRET3@"  # [s]
    ''',
    "instance-attribute": '''
        class Client:
            def __init__(self, bucket):
                self.bucket = bucket
                self.secret_key = "@SECRET@"  # [s]
    ''',
    "class-attribute": '''
        class ProductionConfig:
            S3_BUCKET = "acme"
            AWS_SECRET_KEY = "@SECRET@"  # [s]
    ''',
    "dict-key": '''
        STORAGE = {
            "bucket": "acme-media",
            "secret_access_key": "@SECRET@",  # [s]
        }
    ''',
    "nested-dict-key": '''
        PROFILES = {"default": {"region": "eu-west-1", "aws_secret_access_key": "@SECRET@"}}  # [s]
    ''',
    "subscript-assignment": '''
        import configparser

        config = configparser.ConfigParser()
        config["default"] = {}
        config["default"]["aws_secret_access_key"] = "@SECRET@"  # [s]
    ''',
    "keyword-argument-of-non-sdk-call": '''
        from storages.backends.s3 import S3Storage

        media = S3Storage(bucket_name="acme-media", secret_key="@SECRET@")  # [s]
    ''',
    "parameter-default": '''
        def connect(region, aws_secret="@SECRET@"):  # [s]
            pass
    ''',
    "keyword-only-parameter-default": '''
        async def connect(region, *, secret_access_key: str = "@SECRET@"):  # [s]
            pass
    ''',
    "os.environ-assignment": '''
        import os

        os.environ["AWS_SECRET_ACCESS_KEY"] = "@SECRET@"  # [s]
    ''',
    "os.putenv": '''
        import os

        os.putenv("AWS_SECRET_ACCESS_KEY", "@SECRET@")  # [s]
    ''',
    "os.environ.setdefault": '''
        import os

        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "@SECRET@")  # [s]
    ''',
    "subprocess-env-dict": '''
        import os
        import subprocess

        subprocess.run(["aws", "s3", "sync", "build/", "s3://acme-site"], env={**os.environ, "AWS_SECRET_ACCESS_KEY": "@SECRET@"}, check=True)  # [s]
    ''',
    "dataclass-field-camel-case": '''
        from dataclasses import dataclass


        @dataclass
        class S3Settings:
            bucket: str = "acme"
            awsSecretKey: str = "@SECRET@"  # [s]
    ''',
    "credential-in-name": '''
        backup_credential = "@SECRET@"  # [s]
    ''',
}


@pytest.mark.parametrize("code", [pytest.param(src(c), id=k) for k, c in CL202_POSITIVES.items()])
def test_cl202_positives(lint, code):
    findings = check(lint, code, [("CL202", "[s]")])
    assert findings[0].severity == "error"


def test_cl202_tuple_assignment_pairs_names_and_values(lint):
    code = src('''
        key_id, secret_key = "@KEY@", "@SECRET@"  # [both]
        region, checksum = "eu-west-1", "@SECRET2@"
    ''')
    check(lint, code, [("CL201", "[both]"), ("CL202", "[both]")])


def test_monkeypatch_setenv_dummy_values_are_clean(lint):
    code = src('''
        import os

        import pytest


        @pytest.fixture(autouse=True)
        def aws_credentials(monkeypatch):
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
            monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
            os.environ["AWS_SESSION_TOKEN"] = "testing"
            os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    ''')
    check(lint, code, [])


CL202_NEGATIVES = {
    "names-alone": '''
        token_type = "Bearer"
        password = "@SECRET@"
        page = client.list_objects_v2(Bucket="b", ContinuationToken=response["NextToken"])
    ''',
    "sha1-under-secret-name": '''
        secret_commit = "3f786850e387550fdab836ed7e6dc881de23001b"
        AWS_SECRET_CHECKSUM = "3F786850E387550FDAB836ED7E6DC881DE23001B"
    ''',
    "aws-example-secret": '''
        AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        aws_secret_access_key = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
    ''',
    "low-entropy": '''
        AWS_SECRET_ACCESS_KEY = "AbcdAbcdAbcdAbcdAbcdAbcdAbcdAbcdAbcdAbcd"
    ''',
    "no-uppercase": '''
        AWS_SECRET_ACCESS_KEY = "q7xr2vlk9pzt4mwn8ys1bc6df3gh5jk0lm2np4qr"
    ''',
    "key-shaped-value-under-unrelated-name": '''
        etag = "@SECRET@"
        checksum = "@SECRET2@"
    ''',
    "longer-random-value-under-secret-name": '''
        SECRET_KEY = "Jk8sQ2vX9pLm4Wn7Rt1Yb6Hc3Fd0Gz5Ka2Ue8Io4Pq7Ls1Mx9Nv3"
    ''',
    "secret-arn": '''
        AWS_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/AbCdEf"
        DB_CREDENTIALS_SECRET_ID = "prod/acme/postgres-credentials"
    ''',
    "template-placeholders": '''
        AWS_SECRET_ACCESS_KEY = "${AWS_SECRET_ACCESS_KEY}"
        aws_secret = "{{ secrets.AWS_SECRET_ACCESS_KEY }}"
        secret_key = "<your-secret-access-key>"
    ''',
}


@pytest.mark.parametrize("code", [pytest.param(src(c), id=k) for k, c in CL202_NEGATIVES.items()])
def test_cl202_negatives(lint, code):
    check(lint, code, [])


# =====================================================================================
# Files that are not valid Python; encodings and line endings
# =====================================================================================


def test_syntax_error_file_is_scanned_as_text_with_a_notice(ruleset, tmp_path):
    code = src('''
        import boto3

        def broken(:
            pass

        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
    ''')
    result = raw_lint(ruleset, tmp_path, "broken.py", code.encode())
    assert [(f.rule_id, f.span.line) for f in result.findings if f.rule_id == "CL201"] == [
        ("CL201", line_of(code, "[key]"))], render(result.findings)
    assert result.notices, "a file that does not parse must produce a notice"
    assert not [n for n in result.notices if n.level == "error"], result.notices


def test_python2_file_is_scanned_as_text(ruleset, tmp_path):
    code = src('''
        import boto

        conn = boto.connect_s3("@KEY@", "@SECRET@")  # [key]
        print "connected to", conn.host
    ''')
    result = raw_lint(ruleset, tmp_path, "legacy.py", code.encode())
    line = line_of(code, "[key]")
    assert [f for f in result.findings if f.span.line == line and f.rule_id in ("CL101", "CL201")], render(
        result.findings)
    assert result.notices, "a file that does not parse must produce a notice"
    assert_no_secret_leaks(result.findings)


def test_undeclared_latin1_bytes_are_still_scanned(ruleset, tmp_path):
    code = src('''
        # Auteur : Ren\xe9 M\xfcller
        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
    ''')
    result = raw_lint(ruleset, tmp_path, "legacy_settings.py", code.encode("latin-1"))
    assert [(f.rule_id, f.span.line) for f in result.findings if f.rule_id == "CL201"] == [
        ("CL201", line_of(code, "[key]"))], render(result.findings)


def test_syntax_error_reported_by_cli_with_notice(tmp_path):
    code = src('''
        def broken(:
            pass
        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
    ''')
    (tmp_path / "broken.py").write_text(code)
    proc = run_cli("check", "--isolated", "--no-show-source", "broken.py", cwd=str(tmp_path))
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 1, out
    assert "CL201" in out and f"broken.py:{line_of(code, '[key]')}" in out, out
    assert KEY_ID not in out


def test_binary_file_is_skipped(ruleset, tmp_path):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + KEY_ID.encode() + b"\x00" + SECRET.encode()
    result = raw_lint(ruleset, tmp_path, "logo.png", data)
    assert list(result.findings) == []
    data = b"\x00\x01\x02AWS_ACCESS_KEY_ID=" + KEY_ID.encode() + b"\x00"
    result = raw_lint(ruleset, tmp_path, "dump.bin", data)
    assert list(result.findings) == []


def test_latin1_coding_cookie_lines_and_columns(ruleset, tmp_path):
    code = src('''
        # -*- coding: latin-1 -*-
        """Cl\xe9s d'acc\xe8s pour l'export (\xe0 supprimer)."""
        import boto3

        NOM = "d\xe9p\xf4t \xe9t\xe9"; CLE = "@KEY@"  # [key]
        s3 = boto3.client("s3", aws_access_key_id="@KEY2@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    result = raw_lint(ruleset, tmp_path, "export.py", code.encode("latin-1"))
    assert not [n for n in result.notices if n.level == "error"], result.notices
    assert pairs(result.findings) == sorted([("CL201", line_of(code, "[key]")), ("CL101", line_of(code, "[call]"))]), (
        render(result.findings))
    key_line = code.splitlines()[line_of(code, "[key]") - 1]
    column = key_line.index(KEY_ID) + 1  # 1-based, in characters
    cl201 = only(result.findings, "CL201")
    assert cl201.span.column in (column, column - 1), (cl201.span, column)  # at the key or its quote


def test_utf8_bom(ruleset, tmp_path):
    code = src('''
        AWS_ACCESS_KEY_ID = "@KEY@"  # [key]
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="@KEY2@", aws_secret_access_key="@SECRET@")  # [call]
    ''')
    result = raw_lint(ruleset, tmp_path, "bom.py", b"\xef\xbb\xbf" + code.encode("utf-8"))
    assert not [n for n in result.notices if n.level == "error"], result.notices
    assert pairs(result.findings) == sorted([("CL201", 1), ("CL101", line_of(code, "[call]"))]), render(result.findings)
    cl201 = only(result.findings, "CL201")
    column = code.splitlines()[0].index(KEY_ID) + 1
    assert cl201.span.column in (column, column - 1), (cl201.span, column)


def test_crlf_line_endings(ruleset, tmp_path):
    code = src('''
        """Upload helper.

        Old key: @KEY2@  # [doc]
        """
        import boto3

        ACCESS_KEY = "@KEY@"  # [key]
        SECRET_KEY = "@SECRET@"  # [secret]

        s3 = boto3.client(
            "s3",
            aws_access_key_id=ACCESS_KEY,  # [call]
            aws_secret_access_key=SECRET_KEY,
        )
    ''')
    result = raw_lint(ruleset, tmp_path, "crlf.py", code.replace("\n", "\r\n").encode())
    assert not [n for n in result.notices if n.level == "error"], result.notices
    want = sorted([("CL201", line_of(code, "[doc]")), ("CL201", line_of(code, "[key]")),
                   ("CL202", line_of(code, "[secret]")), ("CL101", line_of(code, "[call]"))])
    assert pairs(result.findings) == want, render(result.findings)


def test_form_feed_and_unicode_line_separator_do_not_shift_lines(lint):
    # Emacs page breaks (^L) and U+2028 in a comment are not line breaks for Python.
    code = src('''
        import boto3
        \x0c
        # Section: uploads \x0c (see wiki\u2028page 2)
        ACCESS_KEY = "@KEY@"  # [key]
        SECRET_KEY = "@SECRET@"  # [secret]
        \x0c
        s3 = boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)  # [call]
    ''')
    assert code.count("\n") == 7
    lines = code.split("\n")
    expected = sorted([
        ("CL201", next(i for i, t in enumerate(lines, 1) if "[key]" in t)),
        ("CL202", next(i for i, t in enumerate(lines, 1) if "[secret]" in t)),
        ("CL101", next(i for i, t in enumerate(lines, 1) if "[call]" in t)),
    ])
    assert pairs(lint(code)) == expected


def test_extensionless_script_with_python_shebang(ruleset, tmp_path):
    code = src('''
        #!/usr/bin/env python3
        """Sync the build directory to the site bucket."""
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="@KEY@", aws_secret_access_key="@SECRET@")  # [call]
        s3.upload_file("build/index.html", "acme-site", "index.html")
    ''')
    result = raw_lint(ruleset, tmp_path, "sync-site", code.encode())
    assert pairs(result.findings) == [("CL101", line_of(code, "[call]"))], render(result.findings)


def test_utf8_non_ascii_columns_count_code_points(lint):
    code = src('''
        BUCKETS = {"m\u00fcnchen-\u00e9t\u00e9-\U0001F600": "AWS_ACCESS_KEY_ID", "k": "@KEY@"}  # [key]
    ''')
    findings = check(lint, code, [("CL201", "[key]")])
    column = code.splitlines()[0].index(KEY_ID) + 1
    assert findings[0].span.column in (column, column - 1), (findings[0].span, column)


# =====================================================================================
# Redaction
# =====================================================================================

REDACTION_FIXTURES = [
    VALUE_FORMS["implicit-concatenation-one-line"][0],
    VALUE_FORMS["implicit-concatenation-parenthesized-over-lines"][0],
    VALUE_FORMS["plus-of-literals"][0],
    VALUE_FORMS["module-constants"][0],
    VALUE_FORMS["session-token-literal-only"][0],
    CALLEES["boto2-S3Connection-positional"][0],
    SHADOWS["parameter"],
    CL202_POSITIVES["secret-with-slash-and-plus"],
    '''
        # split constants: both halves are hardcoded
        KEY_ID = ("@KEY_A@"
                  "@KEY_B@")
        SECRET_ACCESS_KEY = "@SEC_A@" \\
            "@SEC_B@"
    ''',
]


@pytest.mark.parametrize("code", [pytest.param(src(c), id=f"fixture{i}") for i, c in enumerate(REDACTION_FIXTURES)])
def test_messages_and_snippets_never_show_a_secret(lint, code):
    findings = lint(code)
    assert findings, "the fixture must produce findings"
    assert_no_secret_leaks(findings)


def test_split_constant_key_is_still_detected(lint):
    code = src('''
        KEY_ID = ("@KEY_A@"  # [key]
                  "@KEY_B@")
        SECRET_ACCESS_KEY = ("@SEC_A@"  # [secret]
                             "@SEC_B@")
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]")])


def test_constant_split_with_plus_is_still_detected(lint):
    code = src('''
        KEY_ID = ("@KEY_A@" +  # [key]
                  "@KEY_B@")
        SECRET_ACCESS_KEY = "@SEC_A@" + "@SEC_B@"  # [secret]
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]")])


def test_rule_example_split_secret_constant_keeps_cl202(lint):
    # CL101's own example 2; its docs say the constant that held the key keeps being
    # reported by CL201/CL202.
    code = src('''
        import boto3 as b3

        ACCESS_KEY = "@KEY@"  # [key]
        SECRET_KEY = "q7Xr2vLk9Pz" "T4mWn8Ys1Bc6Df3Gh5Jk0Lm2Np4Qr"  # [secret]

        def make_client():
            session = b3.Session(region_name="eu-west-1")
            return session.client(
                "dynamodb",
                aws_access_key_id=ACCESS_KEY,  # [call]
                aws_secret_access_key=SECRET_KEY,
            )
    ''')
    check(lint, code, [("CL201", "[key]"), ("CL202", "[secret]"), ("CL101", "[call]")])


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_reports_never_show_a_secret(tmp_path, fmt):
    code = src('''
        import boto3

        ACCESS_KEY = "@KEY@"
        SECRET_KEY = "@SEC_A@" "@SEC_B@"

        s3 = boto3.client("s3", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        sqs = boto3.client("sqs", aws_access_key_id="@KEY2@", aws_secret_access_key="@SECRET2@", aws_session_token="@TOKEN@")
    ''')
    (tmp_path / "app.py").write_text(code)
    proc = run_cli("check", "--isolated", "--format", fmt, "app.py", cwd=str(tmp_path))
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 1, out
    for secret in ALL_SECRETS:
        assert secret not in out
        assert secret.replace("+", "") not in squash(out)
    if fmt == "json":
        json.loads(proc.stdout.decode())
    assert "CL101" in out and "CL201" in out and "CL202" in out
