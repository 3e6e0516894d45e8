import boto3

bucket = boto3.resource("s3").Bucket("acme-logs")


def handler(event, context):
    names = [o.key for o in bucket.objects.filter(Prefix="app/")]
    bucket.put_object(Key=f"app/index-{context.aws_request_id}.txt", Body="\n".join(names))
