"""A helper that takes the caller's S3 client: this file makes no client of its own."""


def archive(client, bucket, order_id, body):
    client.put_object(Bucket=bucket, Key=f"orders/{order_id}.json", Body=body)
