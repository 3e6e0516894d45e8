import boto3

s3 = boto3.client("s3")
CONFIG_BUCKET = "acme-config"


def handler(event, context):
    s3.get_waiter("object_exists").wait(Bucket=CONFIG_BUCKET, Key="flags/ready.flag")
    head = s3.head_object(Bucket=CONFIG_BUCKET, Key="flags/settings.json")
    return head["ContentLength"]
