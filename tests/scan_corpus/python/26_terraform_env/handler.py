import os

import boto3

sns = boto3.client("sns")


def handler(event, context):
    sns.publish(TopicArn=os.environ["ALERTS_TOPIC"], Message="disk full")
