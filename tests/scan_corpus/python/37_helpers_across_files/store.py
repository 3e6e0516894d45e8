"""Tables made by a function of this module, for any handler that imports it."""

import boto3

_ddb = boto3.resource("dynamodb")


def table_named(name):
    return _ddb.Table(name)
