import json

import boto3

secrets = boto3.client("secretsmanager")
_cache = {}


def db_credentials():
    if "db" not in _cache:
        value = secrets.get_secret_value(SecretId="prod/orders/db")
        _cache["db"] = json.loads(value["SecretString"])
    return _cache["db"]


def handler(event, context):
    return db_credentials()["username"]
