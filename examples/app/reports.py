"""Cross-account reports: the right way, with a role."""
import boto3


def reports_client(role_arn: str):
    sts = boto3.client("sts")
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="reports")["Credentials"]
    return boto3.client(
        "s3",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def lambda_handler(event, context):
    s3 = reports_client(event["role_arn"])
    return {"objects": s3.list_objects_v2(Bucket=event["bucket"]).get("KeyCount", 0)}
