import boto3

dynamodb = boto3.client("dynamodb")


def handler(event, context):
    return dynamodb.get_item(TableName="Orders", Key={"id": {"S": event["id"]}})
