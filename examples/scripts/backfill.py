#!/usr/bin/env python3
"""One-off backfill of media metadata into DynamoDB."""
import sys

import botocore.session


def table_client():
    session = botocore.session.get_session()
    session.set_credentials("AKIA4HJ6KL2MN3BV5CX7", "Wq9Er3Ty7Ui1Op5As9Df3Gh7Jk1Lz5Xc9Vb3Nm7Q")
    return session.create_client("dynamodb", region_name="eu-west-1")


def main(argv):
    client = table_client()
    for line in open(argv[1]):
        key, size = line.split()
        client.put_item(TableName="media", Item={"key": {"S": key}, "size": {"N": size}})


if __name__ == "__main__":
    main(sys.argv)
