"""The one place the demo sandbox reaches into moto's models
(:func:`wizard.aws.demo.give_moto_resource_an_aws_shaped_id`): a resource made over HTTP on a
real moto server, re-keyed in the server's process, answers over HTTP under an id of AWS's shape
(the kind's field pattern) and no longer under moto's. If a moto upgrade moves the attributes or
dicts the function rewrites, these tests fail here, not as an empty sandbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import botocore.exceptions
import pytest
from moto_helpers import ACCOUNT, REGION

from wizard.aws.demo import AWS_ID_SHAPES, give_moto_resource_an_aws_shaped_id
from wizard.catalog.kinds import catalog

Client = Callable[[str], Any]


@pytest.fixture
def client(aws_env: str) -> Client:
    session = boto3.Session(region_name=REGION)
    return lambda service: session.client(service, endpoint_url=aws_env)


def _field_ok(kind: str, field: str, value: str) -> bool:
    return catalog().kinds[kind].fields[field].check(value)


def test_a_websocket_api_answers_under_its_aws_shaped_id_only(client: Client) -> None:
    apis = client("apigatewayv2")
    name = f"ws-{uuid.uuid4().hex[:8]}"
    moto_id = apis.create_api(Name=name, ProtocolType="WEBSOCKET")["ApiId"]
    assert not _field_ok("apigateway-websocket", "api_id", moto_id)  # why this exists

    new_id = give_moto_resource_an_aws_shaped_id("apigatewayv2", REGION, moto_id)

    assert _field_ok("apigateway-websocket", "api_id", new_id)
    got = apis.get_api(ApiId=new_id)
    assert (got["ApiId"], got["Name"]) == (new_id, name)
    assert got["ApiEndpoint"] == f"https://{new_id}.execute-api.{REGION}.amazonaws.com"
    listed = {api["Name"]: api["ApiId"] for api in apis.get_apis()["Items"]}
    assert listed[name] == new_id
    with pytest.raises(botocore.exceptions.ClientError, match="NotFound"):
        apis.get_api(ApiId=moto_id)
    # children made afterwards hang off the new id
    apis.create_stage(ApiId=new_id, StageName="production")
    assert [s["StageName"] for s in apis.get_stages(ApiId=new_id)["Items"]] == ["production"]


def test_an_mq_broker_answers_under_b_uuid_with_aws_s_arn(client: Client) -> None:
    mq = client("mq")
    name = f"broker-{uuid.uuid4().hex[:8]}"
    made = mq.create_broker(
        BrokerName=name,
        EngineType="ACTIVEMQ",
        EngineVersion="5.18",
        HostInstanceType="mq.t3.micro",
        DeploymentMode="SINGLE_INSTANCE",
        PubliclyAccessible=False,
        AutoMinorVersionUpgrade=True,
        Users=[{"Username": "lambda", "Password": "password-1234"}],
    )
    moto_id = made["BrokerId"]
    assert not _field_ok("mq-broker", "broker_id", moto_id)

    new_id = give_moto_resource_an_aws_shaped_id("mq", REGION, moto_id)

    assert _field_ok("mq-broker", "broker_id", new_id)
    got = mq.describe_broker(BrokerId=new_id)
    assert (got["BrokerId"], got["BrokerName"]) == (new_id, name)
    # AWS's broker ARN names the broker (moto's does not): arn:...:broker:NAME:ID
    assert got["BrokerArn"] == f"arn:aws:mq:{REGION}:{ACCOUNT}:broker:{name}:{new_id}"
    listed = {b["BrokerName"]: b for b in mq.list_brokers()["BrokerSummaries"]}
    assert (listed[name]["BrokerId"], listed[name]["BrokerArn"]) == (new_id, got["BrokerArn"])
    assert [u["Username"] for u in mq.list_users(BrokerId=new_id)["Users"]] == ["lambda"]
    with pytest.raises(botocore.exceptions.ClientError, match="NotFound"):
        mq.describe_broker(BrokerId=moto_id)


def test_an_appsync_api_answers_under_26_characters(client: Client) -> None:
    appsync = client("appsync")
    name = f"graph-{uuid.uuid4().hex[:8]}"
    moto_id = appsync.create_graphql_api(name=name, authenticationType="AWS_IAM")["graphqlApi"][
        "apiId"
    ]
    assert not _field_ok("appsync-api", "api_id", moto_id)

    new_id = give_moto_resource_an_aws_shaped_id("appsync", REGION, moto_id)

    assert _field_ok("appsync-api", "api_id", new_id)
    got = appsync.get_graphql_api(apiId=new_id)["graphqlApi"]
    assert (got["apiId"], got["name"]) == (new_id, name)
    assert got["arn"] == f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/{new_id}"
    listed = {api["name"]: api["apiId"] for api in appsync.list_graphql_apis()["graphqlApis"]}
    assert listed[name] == new_id
    with pytest.raises(botocore.exceptions.ClientError, match="NotFound"):
        appsync.get_graphql_api(apiId=moto_id)


def test_an_msk_cluster_s_arn_names_the_cluster_and_its_uuid(client: Client) -> None:
    kafka = client("kafka")
    name = f"events-{uuid.uuid4().hex[:8]}"
    moto_arn = kafka.create_cluster_v2(
        ClusterName=name,
        Provisioned={
            "BrokerNodeGroupInfo": {
                "ClientSubnets": ["subnet-1"],
                "InstanceType": "kafka.m5.large",
            },
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
        },
    )["ClusterArn"]

    new_arn = give_moto_resource_an_aws_shaped_id("kafka", REGION, moto_arn)

    head = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/{name}/"
    assert new_arn.startswith(head) and _field_ok("msk-cluster", "uuid", new_arn[len(head) :])
    got = kafka.describe_cluster_v2(ClusterArn=new_arn)["ClusterInfo"]
    assert (got["ClusterArn"], got["ClusterName"]) == (new_arn, name)
    listed = {
        c["ClusterName"]: c["ClusterArn"] for c in kafka.list_clusters_v2()["ClusterInfoList"]
    }
    assert listed[name] == new_arn
    assert moto_arn not in {c["ClusterArn"] for c in kafka.list_clusters_v2()["ClusterInfoList"]}


def test_the_ids_are_the_same_on_every_run_and_differ_by_name(client: Client) -> None:
    """Stable ids: the sandbox (and its screenshots) show the same ids each time."""
    apis = client("apigatewayv2")
    name = f"ws-{uuid.uuid4().hex[:8]}"
    first = give_moto_resource_an_aws_shaped_id(
        "apigatewayv2", REGION, apis.create_api(Name=name, ProtocolType="WEBSOCKET")["ApiId"]
    )
    apis.delete_api(ApiId=first)
    again = give_moto_resource_an_aws_shaped_id(
        "apigatewayv2", REGION, apis.create_api(Name=name, ProtocolType="WEBSOCKET")["ApiId"]
    )
    other = give_moto_resource_an_aws_shaped_id(
        "apigatewayv2", REGION, apis.create_api(Name=name + "x", ProtocolType="WEBSOCKET")["ApiId"]
    )
    assert first == again != other


def test_an_unknown_service_or_resource_is_refused() -> None:
    with pytest.raises(ValueError, match="no AWS-shaped id"):
        give_moto_resource_an_aws_shaped_id("sqs", REGION, "x")
    assert set(AWS_ID_SHAPES) == {"apigatewayv2", "mq", "appsync", "kafka"}
