import json

import boto3

s3 = boto3.client("s3")
BUCKET = "acme-uploads"


def handler(event, context):
    key = event["key"]
    body = s3.get_object(Bucket=BUCKET, Key=f"incoming/{key}")["Body"].read()
    return json.loads(body)
