import json

import boto3

session = boto3.Session()
lambda_client = session.client("lambda")


def handler(event, context):
    response = lambda_client.invoke(
        FunctionName="resize-images",
        InvocationType="Event",
        Payload=json.dumps(event),
    )
    return response["StatusCode"]
