import os

import boto3

STAGE = os.environ.get("STAGE", "dev")
ddb = boto3.client("dynamodb")
s3 = boto3.client("s3")
kinesis = boto3.client("kinesis")


def handler(event, context):
    ddb.get_item(TableName=f"orders-{STAGE}", Key={"id": {"S": "1"}})
    s3.get_object(Bucket=event["bucket"], Key=event["key"])
    kinesis.put_record(StreamName="clicks", Data=b"{}", PartitionKey="k")
