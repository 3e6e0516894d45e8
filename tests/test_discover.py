"""discover: every kind's listing, paging, caching, per-kind errors, and the CLI.

Unit tests run against an in-process moto (``mock_aws``); paging moto does not do (SQS, the
EventBridge token loop) and AccessDenied run against botocore's Stubber. The end-to-end tests
run ``role-wizard discover`` in a subprocess against the session's moto server over HTTP.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_fixtures import server_env
from botocore.stub import Stubber
from cli_helpers import run_wizard
from moto import mock_aws
from moto_helpers import ACCOUNT, KEY_ATTRIBUTES, KEY_SCHEMA, REGION, bulk_tables
from test_discover_issue12 import MAKERS as ISSUE12_MAKERS

from wizard.aws.discover import Discovered, Discoverer, DiscoveryError
from wizard.aws.session import AwsSession
from wizard.catalog.kinds import catalog

# fake credentials, no profile, config file or endpoint (tests/aws_fixtures.py)
pytestmark = pytest.mark.usefixtures("mock_env")

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture
def aws() -> Iterator[AwsSession]:
    with mock_aws():
        yield AwsSession(session=boto3.Session(region_name=REGION), region=REGION)


def count_calls(aws: AwsSession, service: str, operation: str) -> Counter[str]:
    """A counter that goes up on each ``operation`` call the session's client makes."""
    calls: Counter[str] = Counter()
    aws.client(service).meta.events.register(
        f"before-call.{service}.{operation}", lambda **_: calls.update([operation])
    )
    return calls


def make_tables(aws: AwsSession, count: int, *, stream_on: frozenset[str] = frozenset()) -> None:
    ddb = aws.client("dynamodb")
    for i in range(count):
        name = f"table-{i:04d}"
        extra: dict[str, Any] = {}
        if name in stream_on:
            extra["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
        ddb.create_table(
            TableName=name,
            KeySchema=KEY_SCHEMA,
            AttributeDefinitions=KEY_ATTRIBUTES,
            BillingMode="PAY_PER_REQUEST",
            **extra,
        )


def access_denied(aws: AwsSession, service: str, method: str) -> Stubber:
    stubber = Stubber(aws.client(service))
    stubber.add_client_error(
        method,
        service_error_code="AccessDeniedException",
        service_message=f"User is not authorized to perform: {service}:{method}",
        http_status_code=400,
    )
    stubber.activate()
    return stubber


# -- paging and caching ----------------------------------------------------------------------


def test_every_page_is_listed(aws: AwsSession) -> None:
    bulk_tables(250)
    pages = list(Discoverer(aws).pages("dynamodb-table"))
    assert [len(p) for p in pages] == [100, 100, 50]
    assert len({d.name for p in pages for d in p}) == 250


def test_the_first_page_is_handed_over_before_the_next_is_fetched(aws: AwsSession) -> None:
    bulk_tables(250)
    calls = count_calls(aws, "dynamodb", "ListTables")
    first = next(Discoverer(aws).pages("dynamodb-table"))
    assert len(first) == 100
    assert calls["ListTables"] == 1


def test_a_second_listing_in_the_run_makes_no_call(aws: AwsSession) -> None:
    bulk_tables(150)
    discoverer = Discoverer(aws)
    first = discoverer.list("dynamodb-table")
    calls = count_calls(aws, "dynamodb", "ListTables")
    assert discoverer.list("dynamodb-table") == first
    assert calls["ListTables"] == 0


def test_a_listing_left_half_read_resumes_where_it_stopped(aws: AwsSession) -> None:
    bulk_tables(250)
    discoverer = Discoverer(aws)
    calls = count_calls(aws, "dynamodb", "ListTables")
    next(discoverer.pages("dynamodb-table"))
    assert len(discoverer.list("dynamodb-table")) == 250
    assert calls["ListTables"] == 3


def test_threads_listing_the_same_kind_share_one_set_of_calls(aws: AwsSession) -> None:
    bulk_tables(250)
    discoverer = Discoverer(aws)
    calls = count_calls(aws, "dynamodb", "ListTables")
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(len(discoverer.list("dynamodb-table"))))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [250] * 6
    assert calls["ListTables"] == 3


def test_invalidate_drops_the_cached_listing_so_the_next_read_lists_afresh(
    aws: AwsSession,
) -> None:
    make_tables(aws, 2)
    discoverer = Discoverer(aws)
    assert len(discoverer.list("dynamodb-table")) == 2
    aws.client("dynamodb").create_table(
        TableName="table-0002",
        KeySchema=KEY_SCHEMA,
        AttributeDefinitions=KEY_ATTRIBUTES,
        BillingMode="PAY_PER_REQUEST",
    )
    calls = count_calls(aws, "dynamodb", "ListTables")
    assert len(discoverer.list("dynamodb-table")) == 2  # cached
    assert discoverer.invalidate("dynamodb-table") is True
    assert [d.name for d in discoverer.list("dynamodb-table")][-1] == "table-0002"
    assert calls["ListTables"] == 1
    assert discoverer.invalidate("sqs-queue") is False  # nothing cached: nothing to drop


def test_invalidate_drops_only_the_listing_it_names(aws: AwsSession) -> None:
    for name in ("orders-a", "payments-a"):
        aws.client("sqs").create_queue(QueueName=name)
    discoverer = Discoverer(aws)
    discoverer.list("sqs-queue")
    discoverer.list("sqs-queue", prefix="orders-")
    calls = count_calls(aws, "sqs", "ListQueues")
    assert discoverer.invalidate("sqs-queue", prefix="orders-") is True
    discoverer.list("sqs-queue")
    assert calls["ListQueues"] == 0
    discoverer.list("sqs-queue", prefix="orders-")
    assert calls["ListQueues"] == 1


def test_invalidating_tables_refreshes_their_stream_arns(aws: AwsSession) -> None:
    make_tables(aws, 1)
    discoverer = Discoverer(aws)
    assert discoverer.list("dynamodb-table")[0].detail == {}
    assert discoverer.table_stream_arn("table-0000") is None
    spec = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    aws.client("dynamodb").update_table(TableName="table-0000", StreamSpecification=spec)
    discoverer.invalidate("dynamodb-table")
    (table,) = discoverer.list("dynamodb-table")
    assert table.detail["stream_arn"].startswith(
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/table-0000/stream/"
    )
    assert discoverer.table_stream_arn("table-0000") == table.detail["stream_arn"]


def test_invalidating_keys_refreshes_their_aliases(aws: AwsSession) -> None:
    kms = aws.client("kms")
    key_id = kms.create_key(Description="orders")["KeyMetadata"]["KeyId"]
    discoverer = Discoverer(aws)
    assert discoverer.list("kms-key")[0].detail == {}
    kms.create_alias(AliasName="alias/orders-data", TargetKeyId=key_id)
    discoverer.invalidate("kms-key")
    assert discoverer.list("kms-key")[0].detail == {"alias": "alias/orders-data"}


def test_a_dropped_listing_that_fails_later_leaves_its_successor_cached(aws: AwsSession) -> None:
    bulk_tables(150)
    discoverer = Discoverer(aws)
    stale = discoverer.pages("dynamodb-table")
    next(stale)  # a reader half-way through the old listing
    discoverer.invalidate("dynamodb-table")
    assert len(discoverer.list("dynamodb-table")) == 150
    stubber = access_denied(aws, "dynamodb", "list_tables")
    with pytest.raises(DiscoveryError):
        next(stale)
    stubber.deactivate()
    calls = count_calls(aws, "dynamodb", "ListTables")
    assert len(discoverer.list("dynamodb-table")) == 150
    assert calls["ListTables"] == 0


def test_sqs_pages_follow_the_next_token(aws: AwsSession) -> None:
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/"
    with Stubber(aws.client("sqs")) as stub:
        stub.add_response(
            "list_queues",
            {"QueueUrls": [url + "a", url + "b"], "NextToken": "t1"},
            {"MaxResults": 1000},
        )
        stub.add_response(
            "list_queues", {"QueueUrls": [url + "c"]}, {"MaxResults": 1000, "NextToken": "t1"}
        )
        pages = list(Discoverer(aws).pages("sqs-queue"))
    assert [[d.name for d in p] for p in pages] == [["a", "b"], ["c"]]


def test_an_operation_without_a_paginator_loops_on_its_token(aws: AwsSession) -> None:
    bus = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/"
    with Stubber(aws.client("events")) as stub:
        stub.add_response(
            "list_event_buses",
            {"EventBuses": [{"Name": "default", "Arn": bus + "default"}], "NextToken": "n1"},
            {"Limit": 100},
        )
        stub.add_response(
            "list_event_buses",
            {"EventBuses": [{"Name": "orders", "Arn": bus + "orders"}]},
            {"Limit": 100, "NextToken": "n1"},
        )
        names = [d.name for d in Discoverer(aws).list("eventbridge-bus")]
    assert names == ["default", "orders"]


# -- errors ----------------------------------------------------------------------------------


def test_an_error_for_one_kind_is_reported_for_that_kind_only(aws: AwsSession) -> None:
    aws.client("sqs").create_queue(QueueName="orders-events")
    access_denied(aws, "kms", "list_keys")
    results = Discoverer(aws).list_many(["kms-key", "sqs-queue"])
    assert isinstance(results["kms-key"], DiscoveryError)
    assert [d.name for d in results["sqs-queue"]] == ["orders-events"]  # type: ignore[union-attr]


def test_a_discovery_error_is_one_line_naming_the_call_and_code(aws: AwsSession) -> None:
    access_denied(aws, "kms", "list_keys")
    with pytest.raises(DiscoveryError) as caught:
        Discoverer(aws).list("kms-key")
    assert caught.value.kind == "kms-key"
    assert caught.value.message.startswith("ListKeys: AccessDeniedException: User is not")
    assert "\n" not in caught.value.message


def test_a_failed_listing_is_tried_again_next_time(aws: AwsSession) -> None:
    aws.client("kms").create_key(Description="k")
    stubber = access_denied(aws, "kms", "list_keys")
    discoverer = Discoverer(aws)
    with pytest.raises(DiscoveryError):
        discoverer.list("kms-key")
    stubber.deactivate()
    assert len(discoverer.list("kms-key")) == 1


def test_custom_has_nothing_to_discover(aws: AwsSession) -> None:
    discoverer = Discoverer(aws)
    assert not discoverer.supports("custom")
    with pytest.raises(DiscoveryError):
        discoverer.list("custom")


# -- what each kind reports -------------------------------------------------------------------


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(e, c):\n    return 1\n")
    return buffer.getvalue()


def _make_function(aws: AwsSession) -> str:
    role = aws.client("iam").create_role(RoleName="fn-role", AssumeRolePolicyDocument=TRUST)
    return aws.client("lambda").create_function(
        FunctionName="orders-api",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="index.handler",
        Code={"ZipFile": _zip()},
    )["FunctionArn"]


def _make_state_machine(aws: AwsSession) -> str:
    return aws.client("stepfunctions").create_state_machine(
        name="fulfil",
        definition='{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}',
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/states",
    )["stateMachineArn"]


# kind -> (create one resource and return (name, the ARN AWS itself reports))
MAKERS: dict[str, Callable[[AwsSession], tuple[str, str]]] = {
    "dynamodb-table": lambda aws: (
        "Orders",
        aws.client("dynamodb").create_table(
            TableName="Orders",
            KeySchema=KEY_SCHEMA,
            AttributeDefinitions=KEY_ATTRIBUTES,
            BillingMode="PAY_PER_REQUEST",
        )["TableDescription"]["TableArn"],
    ),
    "log-group": lambda aws: (
        aws.client("logs").create_log_group(logGroupName="/aws/lambda/orders") and "",
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/orders",
    ),
    "sqs-queue": lambda aws: (
        "jobs.fifo",
        aws.client("sqs").get_queue_attributes(
            QueueUrl=aws.client("sqs").create_queue(
                QueueName="jobs.fifo", Attributes={"FifoQueue": "true"}
            )["QueueUrl"],
            AttributeNames=["QueueArn"],
        )["Attributes"]["QueueArn"],
    ),
    "sns-topic": lambda aws: (
        "order-placed",
        aws.client("sns").create_topic(Name="order-placed")["TopicArn"],
    ),
    "secretsmanager-secret": lambda aws: (
        "orders/db",
        aws.client("secretsmanager").create_secret(Name="orders/db", SecretString="x")["ARN"],
    ),
    "ssm-parameter": lambda aws: (
        aws.client("ssm").put_parameter(Name="/orders/prod/db-url", Value="x", Type="String")
        and "/orders/prod/db-url",
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/orders/prod/db-url",
    ),
    "kinesis-stream": lambda aws: (
        aws.client("kinesis").create_stream(StreamName="clicks", ShardCount=1) and "clicks",
        f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/clicks",
    ),
    "eventbridge-bus": lambda aws: (
        "orders-bus",
        aws.client("events").create_event_bus(Name="orders-bus")["EventBusArn"],
    ),
    "stepfunctions-state-machine": lambda aws: ("fulfil", _make_state_machine(aws)),
    "lambda-function": lambda aws: ("orders-api", _make_function(aws)),
    "kms-key": lambda aws: (
        (meta := aws.client("kms").create_key(Description="k")["KeyMetadata"])["KeyId"],
        meta["Arn"],
    ),
    "msk-cluster": lambda aws: (
        "orders",
        aws.client("kafka").create_cluster_v2(
            ClusterName="orders",
            Provisioned={
                "BrokerNodeGroupInfo": {
                    "ClientSubnets": ["subnet-1"],
                    "InstanceType": "kafka.m5.large",
                },
                "KafkaVersion": "3.6.0",
                "NumberOfBrokerNodes": 2,
            },
        )["ClusterArn"],
    ),
    "appsync-api": lambda aws: (
        (
            api := aws.client("appsync").create_graphql_api(
                name="orders", authenticationType="AWS_IAM"
            )["graphqlApi"]
        )["apiId"],
        api["arn"],
    ),
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_each_kind_lists_its_resource_with_the_arn_aws_reports(aws: AwsSession, kind: str) -> None:
    name, arn = MAKERS[kind](aws)
    name = name or "/aws/lambda/orders"
    found = [d for d in Discoverer(aws).list(kind) if d.name == name]
    assert [(d.kind, d.arn) for d in found] == [(kind, arn)]


def test_the_makers_cover_every_kind_with_a_plain_listing() -> None:
    special = {"dynamodb-stream", "s3-prefix", "custom"}  # tested on their own below
    special |= {*ISSUE12_MAKERS, "apigateway-websocket"}  # tests/test_discover_issue12.py
    # tests/test_discover_typed_kinds.py (the Bedrock and AppConfig listings need the demo extras)
    special |= {"bedrock-model", "appconfig-profile", "cloudwatch-metrics", "rds-db-user"}
    typed = {name for name, kind in catalog().kinds.items() if kind.discovery is None}
    assert set(MAKERS) == set(catalog().kinds) - special - typed


def test_a_tables_stream_arn_comes_with_it(aws: AwsSession) -> None:
    make_tables(aws, 3, stream_on=frozenset({"table-0001"}))
    tables = {d.name: d for d in Discoverer(aws).list("dynamodb-table")}
    stream = aws.client("dynamodb").describe_table(TableName="table-0001")["Table"]
    assert tables["table-0001"].detail == {"stream_arn": stream["LatestStreamArn"]}
    assert tables["table-0000"].detail == {}


def test_tables_still_list_when_streams_cannot_be(aws: AwsSession) -> None:
    make_tables(aws, 2, stream_on=frozenset({"table-0001"}))
    access_denied(aws, "dynamodbstreams", "list_streams")
    tables = Discoverer(aws).list("dynamodb-table")
    assert [(d.name, d.detail) for d in tables] == [("table-0000", {}), ("table-0001", {})]


def test_a_tables_stream_arn_can_be_described_on_demand(aws: AwsSession) -> None:
    make_tables(aws, 1, stream_on=frozenset({"table-0000"}))
    arn = Discoverer(aws).table_stream_arn("table-0000")
    assert arn is not None and arn.startswith(
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/table-0000/stream/"
    )


def test_streams_list_with_their_table_and_label(aws: AwsSession) -> None:
    make_tables(aws, 2, stream_on=frozenset({"table-0001"}))
    (stream,) = Discoverer(aws).list("dynamodb-stream")
    assert stream.name == "table-0001"
    assert (
        stream.arn
        == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/table-0001/stream/{stream.detail['label']}"
    )
    assert stream.detail["table"] == "table-0001"


def test_a_queue_arn_comes_from_its_url_without_another_call(aws: AwsSession) -> None:
    aws.client("sqs").create_queue(QueueName="orders-events")
    calls = count_calls(aws, "sqs", "GetQueueAttributes")
    (queue,) = Discoverer(aws).list("sqs-queue")
    assert queue.arn == f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-events"
    assert queue.detail["url"].endswith(f"/{ACCOUNT}/orders-events")
    assert calls["GetQueueAttributes"] == 0


def test_a_queue_url_in_another_region_gives_that_region(aws: AwsSession) -> None:
    url = f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/remote"
    with Stubber(aws.client("sqs")) as stub:
        stub.add_response("list_queues", {"QueueUrls": [url]}, {"MaxResults": 1000})
        (queue,) = Discoverer(aws).list("sqs-queue")
    assert queue.arn == f"arn:aws:sqs:eu-west-1:{ACCOUNT}:remote"


def test_a_kms_key_carries_its_alias(aws: AwsSession) -> None:
    kms = aws.client("kms")
    key_id = kms.create_key(Description="orders")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/orders-data", TargetKeyId=key_id)
    (key,) = [d for d in Discoverer(aws).list("kms-key") if d.name == key_id]
    assert key.detail == {"alias": "alias/orders-data"}


def test_a_parameter_carries_its_path(aws: AwsSession) -> None:
    aws.client("ssm").put_parameter(Name="/orders/prod/db-url", Value="x", Type="String")
    (param,) = Discoverer(aws).list("ssm-parameter", prefix="/orders/")
    assert param.detail["path"] == "/orders/prod/"


def test_prefix_keeps_names_that_start_with_it(aws: AwsSession) -> None:
    for name in ("orders-events", "orders-dlq", "payments"):
        aws.client("sqs").create_queue(QueueName=name)
    names = {d.name for d in Discoverer(aws).list("sqs-queue", prefix="orders-")}
    assert names == {"orders-events", "orders-dlq"}


# -- S3 ----------------------------------------------------------------------------------------


@pytest.fixture
def uploads(aws: AwsSession) -> AwsSession:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="uploads-bucket")
    s3.create_bucket(Bucket="other-bucket")
    for key in ("incoming/2024/a.json", "incoming/2025/b.json", "processed/c.json", "top.txt"):
        s3.put_object(Bucket="uploads-bucket", Key=key, Body=b"x")
    return aws


def test_s3_prefix_without_a_bucket_lists_buckets(uploads: AwsSession) -> None:
    found = {d.name: d for d in Discoverer(uploads).list("s3-prefix")}
    assert set(found) == {"uploads-bucket", "other-bucket"}
    assert found["uploads-bucket"].arn == "arn:aws:s3:::uploads-bucket"


def test_a_bucket_lists_its_top_level_prefixes(uploads: AwsSession) -> None:
    found = Discoverer(uploads).list("s3-prefix", bucket="uploads-bucket")
    assert [(d.name, d.arn) for d in found] == [
        ("incoming/", "arn:aws:s3:::uploads-bucket/incoming/*"),
        ("processed/", "arn:aws:s3:::uploads-bucket/processed/*"),
    ]


def test_a_prefix_drills_one_level_down(uploads: AwsSession) -> None:
    found = Discoverer(uploads).list("s3-prefix", bucket="uploads-bucket", prefix="incoming/")
    assert [d.name for d in found] == ["incoming/2024/", "incoming/2025/"]
    assert found[0].detail == {
        "bucket": "uploads-bucket",
        "prefix": "incoming/2024/",
        "parent": "incoming/",
    }


def test_a_missing_bucket_is_a_discovery_error(uploads: AwsSession) -> None:
    with pytest.raises(DiscoveryError, match="NoSuchBucket"):
        Discoverer(uploads).list("s3-prefix", bucket="no-such-bucket")


def test_to_dict_puts_the_detail_beside_kind_name_and_arn() -> None:
    item = Discovered("sqs-queue", "q", "arn:aws:sqs:us-east-1:123456789012:q", {"url": "u"})
    assert item.to_dict() == {
        "kind": "sqs-queue",
        "name": "q",
        "arn": "arn:aws:sqs:us-east-1:123456789012:q",
        "url": "u",
    }


# -- the command line (in process) ----------------------------------------------------------


def test_cli_exits_1_and_prints_the_other_kinds_when_one_kind_fails(
    aws: AwsSession, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.client("sqs").create_queue(QueueName="orders-events")
    access_denied(aws, "kms", "list_keys")
    # moto lacks Bedrock's and AppConfig's listings (the demo sandbox answers them itself:
    # tests/test_discover_typed_kinds.py): here they list nothing
    monkeypatch.setattr(Discoverer, "_bedrock_pages", lambda self: iter(()))
    monkeypatch.setattr(Discoverer, "_appconfig_pages", lambda self: iter(()))
    monkeypatch.setattr("wizard.aws.connect.make_session", lambda **_: aws)
    result = run_cli("discover", "all", "--format", "json")
    assert result.code == 1
    assert "orders-events" in {d["name"] for d in json.loads(result.out)}
    assert result.err.splitlines() == [
        "role-wizard: discover kms-key: ListKeys: AccessDeniedException: "
        "User is not authorized to perform: kms:list_keys"
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["discover", "no-such-kind"], "unknown kind 'no-such-kind'"),
        (["discover", "custom"], "custom has nothing to discover"),
        (["discover", "sqs-queue", "--bucket", "b"], "--bucket applies to s3-prefix"),
        (["discover", "all", "--bucket", "b"], "--bucket applies to s3-prefix"),
    ],
)
def test_cli_usage_problems_are_one_line_and_exit_2(
    run_cli: Callable[..., Any], argv: list[str], message: str
) -> None:
    result = run_cli(*argv)
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert message in result.err


# -- the command line (subprocess, over HTTP) ---------------------------------------------------


def test_cli_json_lists_the_servers_queues(moto_server: str) -> None:
    sqs = boto3.client(
        "sqs",
        endpoint_url=moto_server,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    for name in ("e2e-json-a", "e2e-json-b.fifo"):
        attrs = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
        sqs.create_queue(QueueName=name, Attributes=attrs)
    done = run_wizard(
        "discover",
        "sqs-queue",
        "--prefix",
        "e2e-json-",
        "--format",
        "json",
        env=server_env(moto_server),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {
            "kind": "sqs-queue",
            "name": name,
            "arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
            "url": f"{moto_server}/{ACCOUNT}/{name}",
        }
        for name in ("e2e-json-a", "e2e-json-b.fifo")
    ]


def test_cli_text_prints_aligned_columns(moto_server: str) -> None:
    sns = boto3.client(
        "sns",
        endpoint_url=moto_server,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    for name in ("e2e-text-a", "e2e-text-longer-name"):
        sns.create_topic(Name=name)
    done = run_wizard("discover", "sns-topic", "--prefix", "e2e-text-", env=server_env(moto_server))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ARN", "DETAIL"]
    assert len({line.index("arn:") for line in lines[1:]}) == 1  # the ARN column lines up
    assert lines[0].index("ARN") == lines[1].index("arn:")


def test_cli_without_credentials_says_what_works_offline_and_exits_2(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    done = run_wizard("discover", "dynamodb-table", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("role-wizard: no AWS credentials found; build, validate")
    assert len(done.stderr.splitlines()) == 1


# -- regions ---------------------------------------------------------------------------------


def test_each_region_is_listed_from_that_region_with_its_own_cache(aws: AwsSession) -> None:
    from wizard.aws.discover import RegionalDiscoverers

    make_tables(aws, 1)  # table-0000 in us-east-1
    eu = aws.in_region("eu-west-1")
    assert (eu.region, eu.account) == ("eu-west-1", aws.account)
    assert aws.in_region(aws.region) is aws
    eu.client("dynamodb").create_table(
        TableName="eu-table",
        KeySchema=KEY_SCHEMA,
        AttributeDefinitions=KEY_ATTRIBUTES,
        BillingMode="PAY_PER_REQUEST",
    )
    regional = RegionalDiscoverers(aws)
    listed = {
        region: [(d.name, d.arn) for d in regional.for_region(region).list("dynamodb-table")]
        for region in ("eu-west-1", "us-east-1")
    }
    assert listed["eu-west-1"] == [
        ("eu-table", f"arn:aws:dynamodb:eu-west-1:{aws.account}:table/eu-table")
    ]
    assert [name for name, _ in listed["us-east-1"]] == ["table-0000"]
    assert regional.for_region(None) is regional.for_region("us-east-1")
    assert regional.for_region("eu-west-1") is regional.made("eu-west-1")
    assert regional.made("ap-south-1") is None
