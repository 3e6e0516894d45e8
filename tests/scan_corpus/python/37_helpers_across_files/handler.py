import json
import os

import boto3
from storage import archive
from store import table_named

s3 = boto3.client("s3")
orders = table_named(os.environ["ORDERS_TABLE"])
ARCHIVE_BUCKET = "acme-order-archive"


def handler(event, context):
    order = orders.get_item(Key={"id": event["id"]})["Item"]
    archive(s3, ARCHIVE_BUCKET, event["id"], json.dumps(order))
    return order
