"""YAML configuration with literal AWS keys (CL306): compose, GitHub Actions,
Kubernetes, serverless, CloudFormation."""
from __future__ import annotations

import textwrap

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, lint_file
from credlint import filetypes


def found(findings):
    return sorted((f.rule_id, f.span.line) for f in findings)


def fill(text: str) -> str:
    return textwrap.dedent(text).replace("@KEY@", KEY_ID).replace("@SECRET@", SECRET) \
        .replace("@KEY2@", KEY_ID_2).replace("@SECRET2@", SECRET_2)


@pytest.mark.parametrize("path", ["docker-compose.yml", "compose.yaml", ".github/workflows/ci.yml",
                                  "k8s/deploy.yaml", "serverless.yml", ".gitlab-ci.yml"])
def test_yaml_files(path):
    assert filetypes.detect(path, b"") == "yaml"


def test_compose_mapping_and_list_forms(lint):
    code = fill("""\
        services:
          api:
            image: acme/api:1.8
            environment:
              AWS_REGION: eu-west-1
              AWS_ACCESS_KEY_ID: @KEY@
              AWS_SECRET_ACCESS_KEY: "@SECRET@"
          worker:
            image: acme/worker:1.8
            environment:
              - AWS_ACCESS_KEY_ID=@KEY2@
              - "AWS_SECRET_ACCESS_KEY=@SECRET2@"
              - AWS_SESSION_TOKEN=${AWS_SESSION_TOKEN}
        """)
    findings = lint(code, filename="docker-compose.yml")
    assert found(findings) == [("CL306", n) for n in (6, 7, 11, 12)]
    assert "services.api.environment.AWS_SECRET_ACCESS_KEY" in findings[1].message
    assert "pass it through from the host" in findings[1].message
    assert findings[1].span.column == len('      AWS_SECRET_ACCESS_KEY: "') + 1
    assert all(SECRET not in f.message and SECRET_2 not in "".join(f.snippet) for f in findings)


def test_github_actions_literals_and_secrets(lint):
    code = fill("""\
        name: release
        on:
          push:
            tags: ["v*"]
        env:
          AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: upload
                env:
                  AWS_SECRET_ACCESS_KEY: @SECRET@
                run: aws s3 cp dist/ s3://acme-releases/ --recursive
        """)
    findings = lint(code, filename=".github/workflows/release.yml")
    assert found(findings) == [("CL306", 14)]
    assert "OIDC" in findings[0].message and "jobs.publish.steps[1].env" in findings[0].message


def test_kubernetes_env_in_a_multi_document_manifest(lint):
    code = fill("""\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api-config
        data:
          REGION: eu-west-1
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              containers:
                - name: api
                  env:
                    - name: AWS_ACCESS_KEY_ID
                      value: "@KEY@"
                    - name: AWS_SECRET_ACCESS_KEY
                      valueFrom:
                        secretKeyRef: {name: aws, key: secret}
        """)
    findings = lint(code, filename="k8s/api.yaml")
    assert found(findings) == [("CL306", 19)]
    assert "document 2" in findings[0].message and "IRSA" in findings[0].message


def test_serverless_and_cloudformation_references(lint):
    serverless = fill("""\
        service: billing
        provider:
          name: aws
          runtime: python3.12
          environment:
            PARTNER_SECRET_ACCESS_KEY: ${ssm:/billing/partner-secret}
            AWS_SECRET_ACCESS_KEY: @SECRET@
        """)
    findings = lint(serverless, filename="serverless.yml")
    assert found(findings) == [("CL306", 7)] and "execution role" in findings[0].message
    template = fill("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Environment:
                Variables:
                  AWS_SECRET_ACCESS_KEY: !Ref PartnerSecret
                  OTHER_SECRET_ACCESS_KEY: !Sub "${Secret}"
        """)
    assert lint(template, filename="template.yaml") == []


def test_anchors_and_aliases_are_reported_once(lint):
    code = fill("""\
        x-aws: &aws
          AWS_SECRET_ACCESS_KEY: @SECRET@
        services:
          a:
            environment: *aws
          b:
            environment:
              <<: *aws
        """)
    assert found(lint(code, filename="docker-compose.yml")) == [("CL306", 2)]


def test_malformed_yaml_is_a_notice_and_falls_back_to_text(tmp_path, ruleset):
    code = fill("""\
        services:
          api:
            environment:
              AWS_ACCESS_KEY_ID: @KEY@
             AWS_SECRET_ACCESS_KEY: [unclosed
        """)
    result = lint_file(str(tmp_path / "compose.yml"), code.encode(), tmp_path, ruleset)
    assert found(result.findings) == [("CL201", 4)]
    assert any(n.message.startswith("could not parse as YAML (line") for n in result.notices)


def test_rule_files_with_keys_in_examples_are_not_config(lint):
    """A key inside a block string is not a YAML setting (no CL30x), but it is
    still a key in the repository: the text rule reports it, as it reports an
    INI file embedded in a ConfigMap. Exclude a rules directory that holds
    realistic example keys, as credlint's own pyproject.toml does."""
    code = fill("""\
        examples:
          invalid:
            - code: |
                AWS_SECRET_ACCESS_KEY: @SECRET@
        """)
    assert [f.rule_id for f in lint(code, filename="rules/ACME1.yaml")] == ["CL202"]
