"""Application settings (Django-style)."""
import os

DEBUG = os.environ.get("DEBUG", "") == "1"
ALLOWED_HOSTS = ["media.acme.example"]

AWS_REGION = os.environ.get("AWS_REGION", "eu-west-1")
AWS_STORAGE_BUCKET_NAME = "acme-media-uploads"

# TODO(ops): move to the vault before go-live
AWS_ACCESS_KEY_ID = "AKIAZ7QW3ERT5YUI2OPA"
AWS_SECRET_ACCESS_KEY = "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"

# Used by the local docker-compose stack only
LOCALSTACK_URL = "http://localhost:4566"
