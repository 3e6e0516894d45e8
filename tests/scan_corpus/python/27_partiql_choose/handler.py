import boto3

ddb = boto3.client("dynamodb")


def handler(event, context):
    ddb.execute_statement(Statement="SELECT * FROM Orders WHERE pk = ?", Parameters=[])
    return ddb.describe_table(TableName="Orders")
