"""Terraform provider/backend keys, tfvars and variable defaults (CL308)."""
from __future__ import annotations

import textwrap

import pytest

from conftest import KEY_ID, KEY_ID_2, SECRET, SECRET_2, lint_file
from credlint import filetypes
from credlint.languages import terraform

TOKEN = ("IQoJb3JpZ2luX2VjEJr2Xk4wEaCXVzLWVhc3QtMSJHMEUCIQDxk3mP9Zt7Lq2Wb8Nc4Vr6Ys1Ah5Jd3Kf0Gm2Hn4"
         "Tp6Rq8Sw1Ue3Vi5Xo7Ya9Zb2Cd4Ef6Gh8Ij0Kl2Mn4Op6Qr8St0Uv2Wx4Yz6")


def found(findings):
    return sorted((f.rule_id, f.span.line) for f in findings)


def fill(text: str) -> str:
    return textwrap.dedent(text).replace("@KEY@", KEY_ID).replace("@SECRET@", SECRET) \
        .replace("@KEY2@", KEY_ID_2).replace("@SECRET2@", SECRET_2).replace("@TOKEN@", TOKEN)


def test_terraform_files():
    assert filetypes.detect("infra/main.tf", b"") == "terraform"
    assert filetypes.detect("envs/prod.tfvars", b"") == "terraform"
    assert filetypes.detect("main.tf.json", b"{}") == "json"


MAIN = """\
    terraform {
      required_version = ">= 1.5"
      backend "s3" {
        bucket     = "acme-tfstate"
        key        = "prod/terraform.tfstate"
        region     = "eu-west-1"
        access_key = "@KEY2@"   # state bucket user
        secret_key = "@SECRET2@"
      }
    }

    /* the main account */
    provider "aws" {
      region     = var.region
      access_key = "@KEY@"
      secret_key = "@SECRET@"
      token      = "@TOKEN@"

      default_tags {
        tags = {
          Team = "platform"
          Note = "keys: see ${var.vault_path}"
        }
      }
    }

    provider "aws" {
      alias      = "us"
      region     = "us-east-1"
      access_key = var.aws_access_key
      secret_key = "${var.aws_secret_key}"
    }

    resource "aws_s3_bucket" "logs" {
      bucket = "acme-logs"
      policy = <<-EOT
        {"Statement": []}
      EOT
    }
    """


def test_provider_and_backend_blocks(lint):
    findings = lint(fill(MAIN), filename="main.tf")
    assert found(findings) == [("CL308", n) for n in (7, 8, 15, 16, 17)]
    assert 'backend "s3" block' in findings[0].message and 'provider "aws" block' in findings[2].message
    assert "session token" in findings[4].message
    for f in findings:
        assert all(s not in f.message + "".join(f.snippet) for s in (KEY_ID, SECRET, TOKEN))


def test_tfvars_variable_defaults_and_module_arguments(lint):
    tfvars = fill("""\
        region         = "eu-west-1"
        aws_access_key = "@KEY@"
        aws_secret_key = "@SECRET@"
        tags           = { owner = "platform" }
        """)
    assert found(lint(tfvars, filename="prod.tfvars")) == [("CL308", 2), ("CL308", 3)]
    variables = fill("""\
        variable "aws_secret_access_key" {
          description = "the deploy user's key"
          type        = string
          default     = "@SECRET@"
        }

        module "uploader" {
          source                 = "./modules/uploader"
          aws_access_key_id      = "@KEY@"
          aws_secret_access_key  = var.aws_secret_access_key
        }
        """)
    findings = lint(variables, filename="variables.tf")
    assert found(findings) == [("CL308", 4), ("CL308", 9)]
    assert 'variable "aws_secret_access_key"' in findings[0].message and 'module "uploader"' in findings[1].message


def test_other_providers_and_placeholders_are_fine(lint):
    code = fill("""\
        provider "minio" {
          access_key = "@KEY@"
        }
        provider "aws" {
          access_key = "AKIAIOSFODNN7EXAMPLE"
          secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        }
        """)
    # a key id in another provider is still a key: the text rule reports it
    assert found(lint(code, filename="main.tf")) == [("CL201", 2)]


@pytest.mark.parametrize("broken,line", [
    ('provider "aws" {\n  access_key = "@KEY@"\n', 1),
    ('provider "aws" {\n  secret_key = "unterminated\n}\n', 2),
    ('locals {\n  aws_secret_key = [1, 2\n}\n', 3),
])
def test_malformed_hcl_is_a_notice_and_falls_back_to_text(tmp_path, ruleset, broken, line):
    code = fill(broken)
    result = lint_file(str(tmp_path / "main.tf"), code.encode(), tmp_path, ruleset)
    assert any(n.message.startswith(f"could not parse as Terraform (line {line}:") for n in result.notices), \
        result.notices
    assert {f.rule_id for f in result.findings} <= {"CL201"}


def test_the_scanner():
    text = 'a = "x"\nb "l1" "l2" {\n  c = { d = "e" }\n  f = "$${literal}"\n  # comment\n}\n'
    attrs = terraform.attributes(text)
    assert [(a.name, a.blocks, a.value.text if a.value else None) for a in attrs] == [
        ("a", (), "x"), ("c", (("b", "l1", "l2"),), None), ("f", (("b", "l1", "l2"),), "${literal}")]
