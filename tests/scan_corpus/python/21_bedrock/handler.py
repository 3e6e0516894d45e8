import json

import boto3

MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
bedrock = boto3.client("bedrock-runtime")


def handler(event, context):
    first = bedrock.invoke_model(modelId=MODEL_ID, body=json.dumps({"prompt": event["q"]}))
    second = bedrock.converse(modelId=MODEL_ID, messages=[])
    return first, second
