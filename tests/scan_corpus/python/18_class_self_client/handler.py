import boto3


class Notifier:
    queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/notifications"

    def __init__(self):
        self.sqs = boto3.client("sqs")

    def send(self, body):
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=body)


notifier = Notifier()


def handler(event, context):
    notifier.send(event["text"])
