import os

import boto3

s3 = boto3.client("s3")
OUT_BUCKET = "acme-exports"


def handler(event, context):
    path = "/tmp/export.csv"
    name = os.path.basename(path)
    s3.upload_file(path, OUT_BUCKET, f"exports/{name}")
