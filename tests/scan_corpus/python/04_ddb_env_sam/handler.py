import os

import boto3

TABLE_NAME = os.environ["TABLE_NAME"]
client = boto3.client("dynamodb")


def handler(event, context):
    return client.scan(TableName=TABLE_NAME, Limit=10)
