import os
import time

import boto3

athena = boto3.client("athena")


def handler(event, context):
    started = athena.start_query_execution(
        QueryString="SELECT count(*) FROM orders",
        QueryExecutionContext={"Database": "sales"},
        ResultConfiguration={"OutputLocation": "s3://athena-out/q/"},
        WorkGroup=os.environ["WORKGROUP"],
    )
    run = started["QueryExecutionId"]
    while (
        athena.get_query_execution(QueryExecutionId=run)["QueryExecution"]["Status"]["State"]
        == "RUNNING"
    ):
        time.sleep(1)
    return athena.get_query_results(QueryExecutionId=run)["ResultSet"]


def adhoc(event, context):
    # The workgroup's own output location: the call names no results bucket.
    return athena.start_query_execution(QueryString=event["sql"], WorkGroup="primary")
