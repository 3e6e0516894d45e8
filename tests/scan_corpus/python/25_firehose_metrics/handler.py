import json

import boto3

firehose = boto3.client("firehose")
cloudwatch = boto3.client("cloudwatch")


def handler(event, context):
    records = [{"Data": json.dumps(r).encode()} for r in event["Records"]]
    firehose.put_record_batch(DeliveryStreamName="clickstream", Records=records)
    cloudwatch.put_metric_data(
        Namespace="Clicks", MetricData=[{"MetricName": "Forwarded", "Value": len(records)}]
    )
