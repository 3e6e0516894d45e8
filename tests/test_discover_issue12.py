"""Discovery of issue #12's kinds against the moto server (over HTTP): each kind AWS can list
(and moto implements) lists the resource made, and the entry made from it names it by the
kind's fields -- all of them where the listing gives them, else those the wizard then asks
for (a secret, a target role, a database)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from moto_helpers import ACCOUNT, REGION

from wizard.aws import discover
from wizard.aws.discover import Discoverer
from wizard.aws.session import AwsSession
from wizard.catalog.kinds import catalog
from wizard.entries import check_entry, entry_from_discovered
from wizard.spec import ResourceEntry, RoleSpec

Client = Callable[[str], Any]


def _firehose(c: Client, tag: str) -> tuple[str, dict[str, str]]:
    name = f"clicks-{tag}"
    c("firehose").create_delivery_stream(
        DeliveryStreamName=name,
        S3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose",
            "BucketARN": "arn:aws:s3:::firehose-dest",
        },
    )
    return name, {"name": name}


def _ses(c: Client, tag: str) -> tuple[str, dict[str, str]]:
    domain = f"mail-{tag}.example.com"
    c("ses").verify_domain_identity(Domain=domain)
    return domain, {"identity": domain}


def _websocket(c: Client, tag: str) -> tuple[str, dict[str, str]]:
    # an HTTP API beside it has no @connections: it is not listed
    c("apigatewayv2").create_api(Name=f"http-{tag}", ProtocolType="HTTP")
    api = c("apigatewayv2").create_api(
        Name=f"ws-{tag}", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action"
    )
    return api["ApiId"], {"api_id": api["ApiId"]}


def _athena(c: Client, tag: str) -> tuple[str, dict[str, str]]:
    c("athena").create_work_group(Name=f"analytics-{tag}")
    return f"analytics-{tag}", {"workgroup": f"analytics-{tag}"}


def _scheduler(c: Client, tag: str) -> tuple[str, dict[str, str]]:
    c("scheduler").create_schedule_group(Name=f"orders-{tag}")
    return f"orders-{tag}", {"group": f"orders-{tag}"}


def _efs(c: Client, tag: str) -> tuple[str, dict[str, str]]:
    fs = c("efs").create_file_system(CreationToken=f"fs-{tag}")["FileSystemId"]
    point = c("efs").create_access_point(ClientToken=f"ap-{tag}", FileSystemId=fs)
    return point["AccessPointId"], {
        "file_system_id": fs,
        "access_point_id": point["AccessPointId"],
    }


def _rds(c: Client, tag: str) -> tuple[str, dict[str, str]]:
    c("rds").create_db_cluster(
        DBClusterIdentifier=f"orders-{tag}",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="password123",
    )
    return f"orders-{tag}", {"cluster": f"orders-{tag}"}


def _mq(c: Client, tag: str) -> tuple[str, dict[str, str]]:
    broker = c("mq").create_broker(
        BrokerName=f"orders-{tag}",
        EngineType="ACTIVEMQ",
        EngineVersion="5.17.6",
        HostInstanceType="mq.t3.micro",
        DeploymentMode="SINGLE_INSTANCE",
        PubliclyAccessible=False,
        AutoMinorVersionUpgrade=True,
        Users=[{"Username": "lambda", "Password": "password1234"}],
    )
    return broker["BrokerId"], {"broker_id": broker["BrokerId"]}


def _role(c: Client, tag: str) -> tuple[str, dict[str, str]]:
    c("iam").create_role(
        Path="/team/", RoleName=f"reader-{tag}", AssumeRolePolicyDocument='{"Statement": []}'
    )
    return f"team/reader-{tag}", {"role": f"team/reader-{tag}", "account_id": ACCOUNT}


# kind -> make one resource: (the name discovery lists it by, the fields its entry names)
MAKERS = {
    "firehose-stream": _firehose,
    "ses-identity": _ses,
    "athena-workgroup": _athena,
    "scheduler-group": _scheduler,
    "efs-access-point": _efs,
    "rds-data-cluster": _rds,
    "mq-broker": _mq,
    "sts-role": _role,
}


# kinds whose ids moto makes in another shape than AWS's (mq: 6 characters, not b-UUID, and an
# ARN without the broker name): listed all the same, named by ARN, which the kind then refuses
MOTO_IDS = {"mq-broker": "is not an ARN of a"}


@pytest.fixture
def world(aws_env: str):
    session = boto3.Session(region_name=REGION)
    aws = AwsSession(session=session, region=REGION)
    return aws, (lambda service: session.client(service, endpoint_url=aws_env))


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_each_new_kind_is_listed_and_named_by_its_fields(world, kind: str) -> None:
    aws, client = world
    name, fields = MAKERS[kind](client, uuid.uuid4().hex[:8])
    disc = Discoverer(aws)
    assert disc.supports(kind)
    found = [item for item in disc.list(kind) if item.name == name]
    assert len(found) == 1, (kind, name, disc.list(kind))
    entry = entry_from_discovered(kind, found[0])
    if kind in MOTO_IDS:  # moto's id has not AWS's shape: the entry falls back to the ARN
        assert (entry.field_values(), entry.arn) == ({}, found[0].arn)
        assert MOTO_IDS[kind] in (check_entry(RoleSpec(function="fn"), entry) or "")
        return
    assert entry.field_values() == fields
    spec = RoleSpec(function="fn", account=ACCOUNT, region=REGION)
    problem = check_entry(spec, entry)
    required = [n for n, f in catalog().kinds[kind].fields.items() if f.required]
    missing = [n for n in required if n not in fields]
    if missing:  # the wizard asks for the rest: the domain says which
        assert problem is not None and repr(missing[0]) in problem
    else:
        assert problem is None, problem


def test_websocket_apis_are_listed_by_id_on_any_stage_and_http_apis_are_not(world) -> None:
    """(moto's API ids have 8 characters, AWS's 10, which the kind's pattern holds to: the
    entry's fields are checked in tests/test_entries.py, not here.)"""
    aws, client = world
    tag = uuid.uuid4().hex[:8]
    api_id, _fields = _websocket(client, tag)
    found = {item.detail["title"]: item for item in Discoverer(aws).list("apigateway-websocket")}
    assert f"http-{tag}" not in found
    item = found[f"ws-{tag}"]
    assert (item.name, item.arn) == (api_id, f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/*")


def test_firehose_pages_follow_the_last_name(world, monkeypatch) -> None:
    aws, client = world
    tag = uuid.uuid4().hex[:8]
    for i in range(3):
        _firehose(client, f"{tag}-{i}")
    monkeypatch.setitem(discover._PAGE_SIZE, "list_delivery_streams", 1)
    pages = list(Discoverer(aws).pages("firehose-stream"))
    names = [item.name for page in pages for item in page]
    assert all(len(page) <= 1 for page in pages)
    assert {f"clicks-{tag}-{i}" for i in range(3)} <= set(names)
    assert len(names) == len(set(names))


def test_a_listed_entry_with_the_typed_fields_builds(world) -> None:
    """A listed cluster plus its typed secret is a whole entry (what the wizard's dialog and
    plain mode make of it)."""
    aws, client = world
    name, fields = _rds(client, uuid.uuid4().hex[:8])
    item = next(i for i in Discoverer(aws).list("rds-data-cluster") if i.name == name)
    entry = entry_from_discovered("rds-data-cluster", item)
    whole = ResourceEntry(kind="rds-data-cluster", **entry.field_values(), secret="orders/db")
    assert check_entry(RoleSpec(function="fn", account=ACCOUNT, region=REGION), whole) is None
