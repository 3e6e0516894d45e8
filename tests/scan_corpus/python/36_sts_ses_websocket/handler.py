import json

import boto3

sts = boto3.client("sts")
ses = boto3.client("sesv2")


def handler(event, context):
    creds = sts.assume_role(
        RoleArn="arn:aws:iam::210987654321:role/team/reader", RoleSessionName="orders"
    )["Credentials"]
    ses.send_email(
        FromEmailAddress="noreply@example.com",
        Destination={"ToAddresses": [event["to"]]},
        Content={"Simple": {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hi"}}}},
    )
    domain, stage = event["requestContext"]["domainName"], event["requestContext"]["stage"]
    api = boto3.client("apigatewaymanagementapi", endpoint_url=f"https://{domain}/{stage}")
    api.post_to_connection(
        ConnectionId=event["requestContext"]["connectionId"],
        Data=json.dumps(creds["Expiration"], default=str),
    )
