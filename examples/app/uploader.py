"""Thumbnails are made by a separate worker account."""
import io

import boto3 as aws


class ThumbnailUploader:
    def __init__(self, bucket: str):
        self.bucket = bucket
        self.session = aws.Session(region_name="eu-west-1")

    def client(self):
        # worker account keys, pasted from the console
        return self.session.client(
            "s3",
            aws_access_key_id="AKIA2E3MOIH4N6CFVEX7",
            aws_secret_access_key="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",  # rotated? no
        )

    def upload(self, key: str, data: bytes) -> None:
        self.client().upload_fileobj(io.BytesIO(data), self.bucket, key)
