terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region     = var.region
  access_key = "AKIAW5NQ7TZ3HPXR2KLD"
  secret_key = "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"
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

resource "aws_s3_bucket" "uploads" {
  bucket = "acme-example-uploads"
}
