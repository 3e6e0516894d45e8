"""CloudTrail records and log files as AWS writes them, for the trail tests and the bench
(``bench/bench_trail.py`` loads this file by its path; no pytest here).

The shapes follow the AWS CloudTrail User Guide ("CloudTrail record contents", "CloudTrail
userIdentity element", "Logging data events" examples for S3, DynamoDB and SQS) and the
log-file layout of "Finding your CloudTrail log files": gzip-compressed JSON
``{"Records": [...]}`` under ``[PREFIX/]AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`` named
``ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import uuid
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"  # what CloudTrail writes for item keys and bodies


def identity(role: str, session: str | None = None, account: str = ACCOUNT) -> dict[str, Any]:
    """The ``userIdentity`` of a call made with a session of ``role`` (a Lambda function's
    session is named after the function)."""
    session = session or role.removesuffix("-role")
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLEID12345678:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        "accountId": account,
        "accessKeyId": "ASIAEXAMPLEKEY123456",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEID12345678",
                "arn": f"arn:aws:iam::{account}:role/{role}",
                "accountId": account,
                "userName": role,
            },
            "attributes": {"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "false"},
        },
        "invokedBy": "lambda.amazonaws.com",
    }


def record(
    role: str,
    source: str,
    name: str,
    when: dt.datetime,
    params: dict[str, Any] | None = None,
    resources: list[dict[str, Any]] | None = None,
    *,
    data: bool = True,
    error: str | None = None,
    region: str = REGION,
    account: str = ACCOUNT,
) -> dict[str, Any]:
    """One record of a call ``source``/``name`` by a session of ``role``."""
    out: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": identity(role, account=account),
        "eventTime": when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "3.80.10.20",
        "userAgent": "Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux lang/python#3.12 exec-env/AWS_Lambda_python3.12",
        "requestParameters": params,
        "responseElements": None,
        "requestID": "4EXAMPLE-0000-4000-8000-000000000000",
        "eventID": str(uuid.uuid4()),
        "readOnly": name.startswith(("Get", "List", "Head", "Describe", "Query", "Scan")),
        "resources": resources or [],
        "eventType": "AwsApiCall",
        "managementEvent": not data,
        "recipientAccountId": account,
        "eventCategory": "Data" if data else "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": f"{source.split('.')[0]}.{region}.amazonaws.com",
        },
    }
    if error:
        out["errorCode"] = error
        out["errorMessage"] = (
            f"User: {out['userIdentity']['arn']} is not authorized to perform {name}"
        )
    return out


def dynamodb(role: str, name: str, table: str, when: dt.datetime, **kw: Any) -> dict[str, Any]:
    arn = f"arn:aws:dynamodb:{kw.get('region', REGION)}:{ACCOUNT}:table/{table}"
    params: dict[str, Any] = {"tableName": table}
    if name in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
        params["key"] = {"pk": HIDDEN}
    if name == "Query":
        params["keyConditionExpression"] = "pk = :pk"
    resources = [{"accountId": ACCOUNT, "type": "AWS::DynamoDB::Table", "ARN": arn}]
    return record(role, "dynamodb.amazonaws.com", name, when, params, resources, **kw)


def s3_object(
    role: str, name: str, bucket: str, key: str, when: dt.datetime, **kw: Any
) -> dict[str, Any]:
    params = {"bucketName": bucket, "Host": f"{bucket}.s3.{REGION}.amazonaws.com", "key": key}
    resources = [
        {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
        {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"},
    ]
    return record(role, "s3.amazonaws.com", name, when, params, resources, **kw)


def s3_list(role: str, bucket: str, prefix: str, when: dt.datetime, **kw: Any) -> dict[str, Any]:
    params = {
        "bucketName": bucket,
        "Host": f"{bucket}.s3.{REGION}.amazonaws.com",
        "list-type": "2",
        "prefix": prefix,
    }
    resources = [{"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}]
    return record(role, "s3.amazonaws.com", "ListObjectsV2", when, params, resources, **kw)


def sqs(role: str, name: str, queue: str, when: dt.datetime, **kw: Any) -> dict[str, Any]:
    url = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{queue}"
    params = {"queueUrl": url, "messageBody": HIDDEN}
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}"
    resources = [{"accountId": ACCOUNT, "type": "AWS::SQS::Queue", "ARN": arn}]
    return record(role, "sqs.amazonaws.com", name, when, params, resources, **kw)


def log_key(prefix: str, region: str, when: dt.datetime, account: str = ACCOUNT) -> str:
    """Where CloudTrail puts a file delivered at ``when`` for ``region``."""
    when = when.astimezone(dt.UTC)
    base = f"{prefix.strip('/')}/" if prefix else ""
    stamp = when.strftime("%Y%m%dT%H%MZ")
    unique = uuid.uuid4().hex[:16]
    return (
        f"{base}AWSLogs/{account}/CloudTrail/{region}/{when:%Y/%m/%d}/"
        f"{account}_CloudTrail_{region}_{stamp}_{unique}.json.gz"
    )


def log_file(records: list[dict[str, Any]]) -> bytes:
    """A log file's bytes: ``{"Records": [...]}``, gzip-compressed."""
    return gzip.compress(json.dumps({"Records": records}).encode("utf-8"))
