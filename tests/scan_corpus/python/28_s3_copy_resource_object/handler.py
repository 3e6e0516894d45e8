import boto3

s3 = boto3.resource("s3")


def handler(event, context):
    name = event["name"]
    s3.meta.client.copy(
        {"Bucket": "acme-inbox", "Key": f"new/{name}"}, "acme-archive", f"2024/{name}"
    )
    s3.Object("acme-inbox", f"new/{name}").delete()
