import json

import boto3

QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/order-events"
sqs = boto3.client("sqs")


def handler(event, context):
    sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=json.dumps(event))
