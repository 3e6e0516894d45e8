import json

import clients
from clients import table


def handler(event, context):
    settings = clients.s3.get_object(Bucket=clients.CONFIG_BUCKET, Key="config/settings.json")
    config = json.loads(settings["Body"].read())
    table.put_item(Item={"id": event["id"], "limit": config["limit"]})
    return table.get_item(Key={"id": event["id"]})["Item"]
