from lib import aws
from lib.aws import sqs as queue
from lib.settings import QUEUE_URL


def handler(event, context):
    aws.sns.publish(TopicArn=aws.TOPIC, Message="received")
    queue.send_message(QueueUrl=QUEUE_URL, MessageBody=event["body"])
    for name in event.get("unknown", []):
        queue.send_message(QueueUrl=name, MessageBody="x")
