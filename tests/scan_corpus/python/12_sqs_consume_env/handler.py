import os

import boto3

sqs = boto3.client("sqs")


def handler(event, context):
    url = os.getenv("JOBS_QUEUE")
    result = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    for message in result.get("Messages", []):
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
