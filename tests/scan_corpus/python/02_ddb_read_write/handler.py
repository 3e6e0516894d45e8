import boto3

TABLE = "Customers"
ddb = boto3.client("dynamodb")


def handler(event, context):
    current = ddb.get_item(TableName=TABLE, Key={"pk": {"S": event["pk"]}})
    history = ddb.query(TableName=TABLE, KeyConditionExpression="pk = :pk")
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": event["pk"]}})
    return current, history
