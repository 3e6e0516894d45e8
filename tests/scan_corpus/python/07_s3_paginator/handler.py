import boto3

s3 = boto3.client("s3")


def handler(event, context):
    paginator = s3.get_paginator("list_objects_v2")
    total = 0
    for page in paginator.paginate(Bucket="acme-reports", Prefix="daily/"):
        for item in page.get("Contents", []):
            obj = s3.get_object(Bucket="acme-reports", Key="daily/" + item["Key"])
            total += obj["ContentLength"]
    return total
