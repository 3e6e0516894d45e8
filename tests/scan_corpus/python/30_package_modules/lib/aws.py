import boto3

from .settings import QUEUE_URL, TOPIC  # noqa: F401 - re-exported for the handler

sns = boto3.client("sns")
sqs = boto3.Session().client("sqs")
