import boto3

_ddb = boto3.resource("dynamodb")
audit = _ddb.Table("Audit")


def save(item):
    audit.put_item(Item=item)
