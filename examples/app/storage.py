"""Where uploaded media goes."""
import boto3
from botocore.config import Config

from . import settings

_RETRIES = Config(retries={"max_attempts": 5, "mode": "adaptive"})


def media_bucket():
    s3 = boto3.resource(
        "s3",
        region_name=settings.AWS_REGION,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        config=_RETRIES,
    )
    return s3.Bucket(settings.AWS_STORAGE_BUCKET_NAME)


def local_bucket():
    """The LocalStack bucket used by the test stack: dummy keys are fine here."""
    s3 = boto3.resource(
        "s3",
        endpoint_url=settings.LOCALSTACK_URL,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    return s3.Bucket(settings.AWS_STORAGE_BUCKET_NAME)
