import json

import boto3

sfn = boto3.client("stepfunctions")
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow"


def handler(event, context):
    sfn.start_execution(stateMachineArn=MACHINE, input=json.dumps(event))
