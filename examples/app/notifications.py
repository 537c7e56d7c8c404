"""Notify subscribers when a media item is ready."""
import json
import os

import boto3

sns = boto3.client(
    "sns",
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    region_name=os.environ.get("AWS_REGION", "eu-west-1"),
)


def media_ready(topic_arn: str, key: str) -> None:
    sns.publish(TopicArn=topic_arn, Message=json.dumps({"key": key}))
