"""Discovery of encrypted resources against the moto server (over HTTP): each kind's
encryption settings give the entry its customer managed key, an alias is resolved to the key's
ARN, and an AWS managed key (``alias/aws/...``) or none gives no ``kms_key``."""

from __future__ import annotations

import boto3
import pytest
from moto_helpers import KEY_ATTRIBUTES, KEY_SCHEMA, REGION

from wizard.aws.discover import Discoverer
from wizard.aws.session import AwsSession
from wizard.catalog.kinds import catalog
from wizard.entries import SECRET_FIELD, discovered_with_fields, entry_from_discovered
from wizard.spec import ResourceEntry, RoleSpec, resolve_resources


@pytest.fixture
def world(aws_env: str):
    """A session on the moto server, a customer managed key with an alias, and a tag for names
    no other test uses (the server is shared by the whole test session)."""
    session = boto3.Session(region_name=REGION)
    kms = session.client("kms", endpoint_url=aws_env)
    key = kms.create_key(Description="issue 12")["KeyMetadata"]
    tag = key["KeyId"][:8]
    kms.create_alias(AliasName=f"alias/orders-{tag}", TargetKeyId=key["KeyId"])
    aws = AwsSession(session=session, region=REGION)
    return aws, session, aws_env, key["Arn"], key["KeyId"], tag


def _found(disc: Discoverer, kind: str, name: str):
    items = [i for i in disc.list(kind) if i.name == name]
    assert len(items) == 1, (kind, name, disc.list(kind))
    return disc.with_kms_key(items[0])


def _make(session, url: str, key_ref: str, name: str) -> dict[str, str]:
    """One resource of each encryptable kind named ``name``, encrypted with ``key_ref`` (an
    id, alias or ARN; "" for none or the AWS managed key): kind -> the name discovery lists."""
    c = lambda service: session.client(service, endpoint_url=url)  # noqa: E731
    attrs = {"KmsMasterKeyId": key_ref} if key_ref else {}
    c("sqs").create_queue(QueueName=name, Attributes=attrs)
    c("sns").create_topic(Name=name, Attributes=attrs)
    sse = {"SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_ref}}
    c("dynamodb").create_table(
        TableName=name,
        KeySchema=KEY_SCHEMA,
        AttributeDefinitions=KEY_ATTRIBUTES,
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        **(sse if key_ref else {}),
    )
    c("s3").create_bucket(Bucket=name)
    if key_ref:
        rule = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_ref}
        c("s3").put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": rule}]
            },
        )
    c("secretsmanager").create_secret(
        Name=name, SecretString="x", **({"KmsKeyId": key_ref} if key_ref else {})
    )
    c("kinesis").create_stream(StreamName=name, ShardCount=1)
    if key_ref:
        c("kinesis").start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key_ref)
    c("logs").create_log_group(
        logGroupName=f"/app/{name}", **({"kmsKeyId": key_ref} if key_ref else {})
    )
    c("ssm").put_parameter(
        Name=f"/app/{name}",
        Value="x",
        Type="SecureString",
        **({"KeyId": key_ref} if key_ref else {}),
    )
    # a cluster's and a broker's credentials secret: the secret above (their key is its key)
    c("rds").create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="password123",
    )
    broker = c("mq").create_broker(
        BrokerName=name,
        EngineType="ACTIVEMQ",
        EngineVersion="5.17.6",
        HostInstanceType="mq.t3.micro",
        DeploymentMode="SINGLE_INSTANCE",
        PubliclyAccessible=False,
        AutoMinorVersionUpgrade=True,
        Users=[{"Username": "lambda", "Password": "password1234"}],
    )
    return {
        "rds-data-cluster": name,
        "mq-broker": broker["BrokerId"],
        "sqs-queue": name,
        "sns-topic": name,
        "dynamodb-table": name,
        "dynamodb-stream": name,  # a stream is encrypted with its table's key
        "s3-prefix": name,
        "secretsmanager-secret": name,
        "kinesis-stream": name,
        "log-group": f"/app/{name}",
        "ssm-parameter": f"/app/{name}",
    }


def test_every_encryptable_kind_discovers_its_customer_managed_key(world):
    aws, session, url, key_arn, key_id, tag = world
    made = _make(session, url, key_arn, f"enc-{tag}")
    encryptable = {name for name, kind in catalog().kinds.items() if kind.encryption}
    assert set(made) == encryptable  # every kind that takes a kms_key is discovered with it
    disc = Discoverer(aws)
    for kind, name in made.items():
        item = _found(disc, kind, name)
        if SECRET_FIELD in catalog().kinds[kind].fields:  # its key is its secret's
            assert "kms_key" not in item.detail, kind  # not known before the secret is typed
            typed = ResourceEntry(kind=kind, secret=made["secretsmanager-secret"])
            item = disc.with_kms_key(discovered_with_fields(item, typed))
        assert item.detail["kms_key"] == key_arn, kind
        entry = entry_from_discovered(kind, item)
        assert entry.field_values()["kms_key"] == key_arn, kind
        if kind == "mq-broker":  # moto's broker id has not AWS's shape (test_discover_issue12)
            continue
        spec = RoleSpec(function="fn", region=REGION, resources=[entry])
        assert resolve_resources(spec)[0].values["KmsRegion"] == REGION


def test_a_secret_kind_reads_the_key_of_the_secret_typed(world):
    """A cluster's key is its credentials secret's: another secret (AWS managed key) gives
    none, read afresh (not the first secret's answer)."""
    aws, session, url, key_arn, _key_id, tag = world
    name = f"sec-{tag}"
    made = _make(session, url, key_arn, name)
    sm = session.client("secretsmanager", endpoint_url=url)
    sm.create_secret(Name=f"plain-{name}", SecretString="x")
    disc = Discoverer(aws)
    item = _found(disc, "rds-data-cluster", made["rds-data-cluster"])
    for secret, key in ((name, key_arn), (f"plain-{name}", ""), (name, key_arn)):
        typed = ResourceEntry(kind="rds-data-cluster", cluster=name, secret=secret)
        assert disc.with_kms_key(discovered_with_fields(item, typed)).detail["kms_key"] == key


def test_an_alias_or_a_key_id_is_resolved_to_the_keys_arn(world):
    aws, session, url, key_arn, key_id, tag = world
    disc = Discoverer(aws)
    _make(session, url, f"alias/orders-{tag}", f"alias-{tag}")
    assert _found(disc, "sqs-queue", f"alias-{tag}").detail["kms_key"] == key_arn
    _make(session, url, key_id, f"id-{tag}")
    assert _found(disc, "sns-topic", f"id-{tag}").detail["kms_key"] == key_arn


@pytest.mark.parametrize("key_ref", ["", "alias/aws/sqs"])
def test_no_key_or_an_aws_managed_key_needs_no_grant(world, key_ref):
    aws, session, url, _key_arn, _key_id, tag = world
    name = f"plain-{tag}-{len(key_ref)}"
    c = lambda service: session.client(service, endpoint_url=url)  # noqa: E731
    attrs = {"KmsMasterKeyId": key_ref} if key_ref else {}
    c("sqs").create_queue(QueueName=name, Attributes=attrs)
    c("s3").create_bucket(Bucket=name)
    disc = Discoverer(aws)
    for kind in ("sqs-queue", "s3-prefix"):
        item = _found(disc, kind, name)
        assert item.detail["kms_key"] == ""
        assert "kms_key" not in entry_from_discovered(kind, item).field_values()


def test_the_encryption_settings_are_read_once_per_resource(world):
    aws, session, url, key_arn, _key_id, tag = world
    name = f"once-{tag}"
    session.client("sqs", endpoint_url=url).create_queue(
        QueueName=name, Attributes={"KmsMasterKeyId": key_arn}
    )
    disc = Discoverer(aws)
    calls: list[str] = []
    aws.client("sqs").meta.events.register(
        "before-call.sqs.GetQueueAttributes", lambda **_: calls.append("get")
    )
    item = next(i for i in disc.list("sqs-queue") if i.name == name)
    assert calls == []  # listing reads no attributes
    for _ in range(3):
        assert disc.with_kms_key(item).detail["kms_key"] == key_arn
    assert calls == ["get"]
