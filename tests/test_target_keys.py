"""Issue #12: a dead-letter or destination target chosen with an AWS session has its encryption
read as a resource entry's is (``Discoverer.target_kms_key`` is ``with_kms_key`` on the
target), against the moto server over HTTP; plain mode fills the target's ``kms_key``."""

from __future__ import annotations

import boto3
import pytest
import yaml
from moto_helpers import ACCOUNT, REGION
from test_plain import ENTER, FINISH, NO_MORE, drive, start

from wizard.aws.discover import Discoverer
from wizard.aws.session import AwsSession
from wizard.spec import EncryptedTarget
from wizard.targets import key_note, key_to_read


@pytest.fixture
def world(aws_env: str):
    """A session on the moto server, a customer managed key with an alias, and a tag for names
    no other test uses (the server is shared by the whole test session)."""
    session = boto3.Session(region_name=REGION)
    kms = session.client("kms")
    key = kms.create_key(Description="targets")["KeyMetadata"]
    tag = key["KeyId"][:8]
    kms.create_alias(AliasName=f"alias/dlq-{tag}", TargetKeyId=key["KeyId"])
    return AwsSession(session=session, region=REGION), session, key["Arn"], tag


def queue(session, name: str, key_ref: str = "") -> str:
    attrs = {"KmsMasterKeyId": key_ref} if key_ref else {}
    session.client("sqs").create_queue(QueueName=name, Attributes=attrs)
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def test_an_sse_kms_queue_as_dead_letter_gets_its_key(world) -> None:
    aws, session, key, tag = world
    dlq = queue(session, f"dlq-{tag}", f"alias/dlq-{tag}")  # an alias: resolved to the ARN
    assert key_to_read("dead_letter", dlq) == "sqs-queue"
    assert Discoverer(aws).target_kms_key("sqs-queue", dlq) == key
    note = key_note("dead_letter", dlq, key)
    assert note.startswith(f"encrypted with {key}: kms:Decrypt, kms:GenerateDataKey")


def test_an_aws_managed_key_or_none_needs_no_grant_and_a_topic_and_bucket_are_read(world):
    aws, session, key, tag = world
    disc = Discoverer(aws)
    plain = queue(session, f"plain-{tag}")
    managed = queue(session, f"managed-{tag}", "alias/aws/sqs")
    assert disc.target_kms_key("sqs-queue", plain) == ""
    assert disc.target_kms_key("sqs-queue", managed) == ""
    assert "no KMS grant" in key_note("dead_letter", managed, "")
    topic = session.client("sns").create_topic(Name=f"t-{tag}", Attributes={"KmsMasterKeyId": key})
    assert disc.target_kms_key("sns-topic", topic["TopicArn"]) == key
    s3 = session.client("s3")
    s3.create_bucket(Bucket=f"failures-{tag.lower()}")
    rule = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}
    s3.put_bucket_encryption(
        Bucket=f"failures-{tag.lower()}",
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]},
    )
    bucket = f"arn:aws:s3:::failures-{tag.lower()}"
    assert key_to_read("on_failure", bucket) == "s3-prefix"
    assert disc.target_kms_key("s3-prefix", bucket) == key


def test_a_function_or_bus_target_is_not_read_and_says_why() -> None:
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:retry"
    bus = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
    assert key_to_read("on_success", function) is None
    assert key_to_read("on_failure", bus) is None
    assert key_note("on_failure", bus).startswith("no KMS grant: EventBridge encrypts")
    assert key_to_read("dead_letter", function) is None  # a dead letter takes no function


def test_a_queue_that_cannot_be_read_is_a_discovery_error(world) -> None:
    from wizard.aws.discover import DiscoveryError

    aws, _session, _key, tag = world
    missing = f"arn:aws:sqs:{REGION}:{ACCOUNT}:missing-{tag}"
    with pytest.raises(DiscoveryError):
        Discoverer(aws).target_kms_key("sqs-queue", missing)


def test_plain_mode_fills_the_dead_letter_queues_key_from_the_account(world, tmp_path) -> None:
    aws, session, key, tag = world
    dlq = queue(session, f"plain-dlq-{tag}", f"alias/dlq-{tag}")
    bus = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
    # the dead-letter queue's key prompt offers the key read: enter takes it
    options = ENTER * 4 + "y" + f"{dlq}\r" + ENTER + ENTER + f"{bus}\r"
    keys = start(options=options) + NO_MORE + FINISH
    result, echo = drive(
        keys,
        tmp_path,
        discoverer=Discoverer(aws),
        export_format="json",
        export_path=tmp_path / "r.json",
    )
    saved = yaml.safe_load(result.spec_path.read_text())
    assert saved["dead_letter"] == {"arn": dlq, "kms_key": key}
    assert saved["destinations"] == {"on_failure": bus}
    assert f"{dlq}: encrypted with {key}" in echo
    assert f"{bus}: no KMS grant: EventBridge" in echo
    assert isinstance(result.spec.dead_letter, EncryptedTarget)
    exported = (tmp_path / "r.json").read_text()
    assert f'"Resource": "{key}"' in exported


def test_plain_mode_says_when_a_targets_encryption_cannot_be_read(tmp_path) -> None:
    """AccessDenied on the queue's attributes: said, and the target kept as typed (no key)."""
    from wizard.aws.discover import DiscoveryError

    class Denied:
        def supports(self, kind: str) -> bool:
            return False

        def target_kms_key(self, kind: str, arn: str) -> str:
            raise DiscoveryError(kind, "AccessDenied: not allowed to GetQueueAttributes")

    dlq = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"
    options = ENTER * 4 + "y" + f"{dlq}\r" + ENTER + ENTER + ENTER  # no key typed either
    result, echo = drive(
        start(options=options) + NO_MORE + FINISH,
        tmp_path,
        discoverer=Denied(),
        export_format="json",
        export_path=tmp_path / "r.json",
    )
    assert f"could not read how {dlq} is encrypted: AccessDenied" in echo
    assert "if it uses a customer managed key, type its ARN next" in echo
    assert yaml.safe_load(result.spec_path.read_text())["dead_letter"] == dlq
