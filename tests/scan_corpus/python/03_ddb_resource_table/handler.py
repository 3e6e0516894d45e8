import boto3

table = boto3.resource("dynamodb").Table("Invoices")


def handler(event, context):
    table.put_item(Item={"id": event["id"], "total": event["total"]})
    table.update_item(
        Key={"id": event["id"]},
        UpdateExpression="SET paid = :p",
        ExpressionAttributeValues={":p": True},
    )
