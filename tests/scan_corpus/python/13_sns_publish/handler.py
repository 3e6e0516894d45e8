import boto3

TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"


def notify(client, message):
    client.publish(TopicArn=TOPIC, Message=message)


def handler(event, context):
    notify(boto3.client("sns"), "order failed")
