"""Issue 12: encrypted resources (``kms_key``) and the role-wide targets (``dead_letter``,
``destinations``). The expectations are the AWS documentation's, written out here (not read
from the catalog): each KMS grant allows the profile's calls through the resource's service,
for that resource, on that key only; each target allows the one action on that ARN only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wizard.catalog.kinds import catalog
from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.policy.evaluate import ALLOWED, Evaluator
from wizard.spec import RoleSpec, load_spec_text
from wizard.targets import get_target, get_target_key, set_target, target_problem

ACC = "123456789012"
OTHER_ACC = "210987654321"
REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{ACC}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:{REGION}:{ACC}:key/99999999-12ab-34cd-56ef-1234567890ab"
DECRYPT, DATA_KEY = "kms:Decrypt", "kms:GenerateDataKey"
ALL_KMS = (DECRYPT, DATA_KEY, "kms:Encrypt", "kms:ReEncryptFrom", "kms:GenerateDataKeyPair")


def spec_of(**data) -> RoleSpec:
    return RoleSpec.model_validate(
        {"function": "fn", "account": ACC, "region": REGION, "logs": False, **data}
    )


def evaluator(spec: RoleSpec) -> Evaluator:
    bundle = compose(spec)
    boundary = bundle.boundary.document if bundle.boundary else None
    return Evaluator([p.document for p in bundle.policies], boundary)


# --------------------------------------------------------------------------- kms_key


@dataclass(frozen=True)
class KeyCase:
    entry: dict
    service: str  # kms:ViaService is SERVICE.REGION.amazonaws.com
    actions: tuple[str, ...]  # what the profile needs on the key, as AWS documents it
    context: dict[str, str] = field(default_factory=dict)  # encryption context of a call
    neighbour: dict[str, str] = field(default_factory=dict)  # another resource's context


def _ctx(key: str, value: str) -> dict[str, str]:
    return {f"kms:EncryptionContext:{key}": value}


TABLE = f"arn:aws:dynamodb:{REGION}:{ACC}:table/"
SNS = f"arn:aws:sns:{REGION}:{ACC}:"
LOGS = f"arn:aws:logs:{REGION}:{ACC}:log-group:"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACC}:secret:"
PARAM = f"arn:aws:ssm:{REGION}:{ACC}:parameter/"
STREAM = f"arn:aws:kinesis:{REGION}:{ACC}:stream/"

KEY_CASES: dict[str, KeyCase] = {
    # SQS Developer Guide, Key management: consumers kms:Decrypt, producers also GenerateDataKey
    "sqs consume": KeyCase({"kind": "sqs-queue", "name": "in", "access": "consume"}, "sqs", (DECRYPT,)),
    "sqs send": KeyCase({"kind": "sqs-queue", "name": "in", "access": "send"}, "sqs", (DECRYPT, DATA_KEY)),
    "sns publish": KeyCase(
        {"kind": "sns-topic", "name": "alerts"}, "sns", (DECRYPT, DATA_KEY),
        _ctx("aws:sns:topicArn", SNS + "alerts"), _ctx("aws:sns:topicArn", SNS + "other"),
    ),
    **{
        f"dynamodb {access}": KeyCase(
            {"kind": "dynamodb-table", "name": "Orders", "access": access}, "dynamodb", (DECRYPT,),
            _ctx("aws:dynamodb:tableName", "Orders"), _ctx("aws:dynamodb:tableName", "Other"),
        )
        for access in ("read", "write", "read-write")
    },
    "s3 read": KeyCase(
        {"kind": "s3-prefix", "bucket": "uploads", "prefix": "in/", "access": "read"}, "s3", (DECRYPT,),
        _ctx("aws:s3:arn", "arn:aws:s3:::uploads/in/a.csv"), _ctx("aws:s3:arn", "arn:aws:s3:::uploads/out/a.csv"),
    ),
    "s3 write": KeyCase(
        {"kind": "s3-prefix", "bucket": "uploads", "prefix": "in/", "access": "write"}, "s3", (DECRYPT, DATA_KEY),
        _ctx("aws:s3:arn", "arn:aws:s3:::uploads/in/a.csv"), _ctx("aws:s3:arn", "arn:aws:s3:::other/in/a.csv"),
    ),
    "s3 read-write bucket key": KeyCase(  # an S3 Bucket Key: the context is the bucket's ARN
        {"kind": "s3-prefix", "bucket": "uploads", "access": "read-write"}, "s3", (DECRYPT, DATA_KEY),
        _ctx("aws:s3:arn", "arn:aws:s3:::uploads"), _ctx("aws:s3:arn", "arn:aws:s3:::uploads-2"),
    ),
    "logs write": KeyCase(
        {"kind": "log-group", "name": "/app/orders", "access": "write"}, "logs", (DECRYPT, DATA_KEY),
        _ctx("aws:logs:arn", LOGS + "/app/orders"), _ctx("aws:logs:arn", LOGS + "/app/other"),
    ),
    "logs read": KeyCase(
        {"kind": "log-group", "name": "/app/orders", "access": "read"}, "logs", (DECRYPT,),
        _ctx("aws:logs:arn", LOGS + "/app/orders"), _ctx("aws:logs:arn", LOGS + "/app/other"),
    ),
    "secret read": KeyCase(
        {"kind": "secretsmanager-secret", "name": "orders/db"}, "secretsmanager", (DECRYPT,),
        _ctx("SecretARN", SECRET + "orders/db-AbCdEf"), _ctx("SecretARN", SECRET + "orders/db-other-AbCdEf"),
    ),
    "parameter read": KeyCase(
        {"kind": "ssm-parameter", "name": "/app/url"}, "ssm", (DECRYPT,),
        _ctx("PARAMETER_ARN", PARAM + "app/url"), _ctx("PARAMETER_ARN", PARAM + "app/other"),
    ),
    "parameter path read": KeyCase(
        {"kind": "ssm-parameter", "name": "/app/"}, "ssm", (DECRYPT,),
        _ctx("PARAMETER_ARN", PARAM + "app/db/url"), _ctx("PARAMETER_ARN", PARAM + "other/url"),
    ),
    # DynamoDB Developer Guide, encryption usage notes: a stream is encrypted with its table's
    # table key, decrypted with the same encryption context (KMS Developer Guide, DynamoDB)
    "dynamodb stream consume": KeyCase(
        {"kind": "dynamodb-stream", "table": "Orders"}, "dynamodb", (DECRYPT,),
        _ctx("aws:dynamodb:tableName", "Orders"), _ctx("aws:dynamodb:tableName", "Other"),
    ),
    "kinesis consume": KeyCase(
        {"kind": "kinesis-stream", "name": "clicks", "access": "consume"}, "kinesis", (DECRYPT,),
        _ctx("aws:kinesis:arn", STREAM + "clicks"), _ctx("aws:kinesis:arn", STREAM + "views"),
    ),
    "kinesis produce": KeyCase(
        {"kind": "kinesis-stream", "name": "clicks", "access": "produce"}, "kinesis", (DATA_KEY,),
        _ctx("aws:kinesis:arn", STREAM + "clicks"), _ctx("aws:kinesis:arn", STREAM + "views"),
    ),
    # Lambda Developer Guide, Amazon MQ execution role permissions: kms:Decrypt for a broker
    # secret encrypted with a customer managed key; Secrets Manager decrypts it with the
    # SecretARN context. The RDS Data API reads its credentials secret the same way.
    "mq broker secret": KeyCase(
        {"kind": "mq-broker", "broker_id": "b-1234abcd-12ab-34cd-56ef-1234567890ab", "secret": "mq/creds"},
        "secretsmanager", (DECRYPT,),
        _ctx("SecretARN", SECRET + "mq/creds-AbCdEf"), _ctx("SecretARN", SECRET + "mq/other-AbCdEf"),
    ),
    "rds data cluster secret": KeyCase(
        {"kind": "rds-data-cluster", "cluster": "orders", "secret": "rds/orders"},
        "secretsmanager", (DECRYPT,),
        _ctx("SecretARN", SECRET + "rds/orders-AbCdEf"), _ctx("SecretARN", SECRET + "rds/orders-2-AbCdEf"),
    ),
}  # fmt: skip


def _via(service: str, region: str = REGION) -> dict[str, str]:
    return {"kms:ViaService": f"{service}.{region}.amazonaws.com"}


def assert_key_use(ev: Evaluator, c: KeyCase) -> None:
    """The key allows exactly the case's KMS actions, through its service in the key's Region,
    for its resource; never on another key, directly, from another service or Region."""
    good = {**_via(c.service), **c.context}
    for action in ALL_KMS:
        decision = ev.evaluate(action, KEY, good).decision
        assert (decision == ALLOWED) == (action in c.actions), (action, decision)
    for action in c.actions:
        assert ev.evaluate(action, OTHER_KEY, good).decision != ALLOWED  # another key
        assert ev.evaluate(action, KEY, c.context).decision != ALLOWED  # a direct call
        other_service = {**_via("lambda"), **c.context}
        assert ev.evaluate(action, KEY, other_service).decision != ALLOWED
        other_region = {**_via(c.service, "us-east-1"), **c.context}
        assert ev.evaluate(action, KEY, other_region).decision != ALLOWED
        if c.neighbour:  # another resource's data encrypted under the same key
            neighbour = {**_via(c.service), **c.neighbour}
            assert ev.evaluate(action, KEY, neighbour).decision != ALLOWED


@pytest.mark.parametrize("boundary", ["envelope", "strict", "none"])
@pytest.mark.parametrize("case", list(KEY_CASES))
def test_the_key_is_usable_through_the_service_for_that_resource_only(case, boundary):
    c = KEY_CASES[case]
    assert_key_use(
        evaluator(spec_of(boundary=boundary, resources=[{**c.entry, "kms_key": KEY}])), c
    )


def test_every_encryption_profile_of_the_catalog_has_a_case():
    covered = {(c.entry["kind"], c.entry.get("access")) for c in KEY_CASES.values()}
    for name, kind in catalog().kinds.items():
        for access in kind.encryption:
            assert (name, access) in covered or (
                access == kind.default_access and (name, None) in covered
            ), f"{name}/{access} has no case"


@pytest.mark.parametrize("case", list(KEY_CASES))
def test_without_a_kms_key_no_kms_grant_at_all(case):
    ev = evaluator(spec_of(boundary="none", resources=[KEY_CASES[case].entry]))
    context = {**_via(KEY_CASES[case].service), **KEY_CASES[case].context}
    for action in ALL_KMS:
        assert ev.evaluate(action, KEY, context).decision != ALLOWED


def test_the_review_can_tell_each_kms_statement_by_its_sid():
    spec = spec_of(
        resources=[
            {"kind": "sqs-queue", "name": "in", "access": "consume", "kms_key": KEY},
            {"kind": "secretsmanager-secret", "name": "db", "kms_key": OTHER_KEY},
        ]
    )
    statements = compose(spec).policies[0].document["Statement"]
    sids = {st["Sid"]: st for st in statements if "kms:Decrypt" in str(st["Action"])}
    assert sids.keys() == {"SQSQueueKeyConsume", "SecretKeyRead"}
    assert sids["SQSQueueKeyConsume"]["Resource"] == KEY
    assert sids["SecretKeyRead"]["Resource"] == OTHER_KEY


@pytest.mark.parametrize(
    ("kms_key", "message"),
    [
        (f"arn:aws:kms:{REGION}:{ACC}:alias/orders", "not an alias"),
        ("alias/aws/sqs", "not a valid customer managed KMS key ARN"),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", "not a valid customer managed KMS key ARN"),
        (f"arn:aws:kms:{REGION}:{ACC}:key/*", "not a valid"),
        (f"arn:aws:kms:us-east-1:{ACC}:key/1234abcd", "the key's region 'us-east-1'"),
        (f"arn:aws-cn:kms:cn-north-1:{ACC}:key/1234abcd", "partition 'aws-cn'"),
        (f"arn:aws:sqs:{REGION}:{ACC}:key/1234abcd", "not a valid"),
    ],
)
def test_a_bad_kms_key_is_refused_with_file_and_line(kms_key, message):
    text = (
        f'function: fn\naccount: "{ACC}"\nregion: {REGION}\nresources:\n'
        f"  - kind: sqs-queue\n    name: in\n    kms_key: {kms_key}\n"
    )
    with pytest.raises(UserError) as err:
        load_spec_text(text, "role.yaml")
    assert str(err.value).startswith("role.yaml:7: resources[0].kms_key: "), str(err.value)
    assert message in str(err.value)


def test_only_kinds_a_service_encrypts_take_a_kms_key():
    with pytest.raises(UserError, match="unknown field 'kms_key'"):
        compose(spec_of(resources=[{"kind": "lambda-function", "name": "x", "kms_key": KEY}]))


def test_a_key_of_another_account_is_kept_exactly_in_the_envelope():
    key = f"arn:aws:kms:{REGION}:{OTHER_ACC}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    ev = evaluator(spec_of(resources=[{"kind": "sqs-queue", "name": "in", "kms_key": key}]))
    assert ev.evaluate(DATA_KEY, key, _via("sqs")).decision == ALLOWED
    assert ev.evaluate(DATA_KEY, OTHER_KEY, _via("sqs")).decision != ALLOWED


def test_the_kms_key_survives_the_yaml_round_trip_and_the_entry_identity_ignores_it():
    from wizard.entries import entry_key

    spec = spec_of(resources=[{"kind": "sns-topic", "name": "alerts", "kms_key": KEY}])
    again, _ctx_ = load_spec_text(spec.to_yaml())
    assert again == spec
    plain = spec_of(resources=[{"kind": "sns-topic", "name": "alerts"}])
    assert entry_key(spec.resources[0]) == entry_key(plain.resources[0])


# --------------------------------------------------------------------------- targets

LAMBDA = f"arn:aws:lambda:{REGION}:{ACC}:function:"
BUS = f"arn:aws:events:{REGION}:{ACC}:event-bus/"
QUEUE = f"arn:aws:sqs:{REGION}:{ACC}:"


@dataclass(frozen=True)
class TargetCase:
    slot: str
    arn: str
    calls: tuple[tuple[str, str], ...]  # (action, resource) Lambda makes
    neighbours: tuple[str, ...]  # resources of the same type it must not reach
    not_granted: tuple[str, ...] = ()  # actions the target type does not need


TARGET_CASES: dict[str, TargetCase] = {
    "dead-letter queue": TargetCase(
        "dead_letter", QUEUE + "dlq", (("sqs:SendMessage", QUEUE + "dlq"),), (QUEUE + "dlq-2", QUEUE + "orders"),
        ("sqs:ReceiveMessage", "sqs:DeleteMessage"),
    ),
    "dead-letter topic": TargetCase(
        "dead_letter", SNS + "failures", (("sns:Publish", SNS + "failures"),), (SNS + "alerts",),
        ("sns:Subscribe",),
    ),
    "success queue": TargetCase(
        "on_success", QUEUE + "done", (("sqs:SendMessage", QUEUE + "done"),), (QUEUE + "done-2",),
    ),
    "success topic": TargetCase(
        "on_success", SNS + "done", (("sns:Publish", SNS + "done"),), (SNS + "other",),
    ),
    "success function": TargetCase(
        "on_success", LAMBDA + "next", (("lambda:InvokeFunction", LAMBDA + "next"),),
        (LAMBDA + "next-2", LAMBDA + "next:prod"), ("lambda:UpdateFunctionCode",),
    ),
    "success bus of another account": TargetCase(
        "on_success", f"arn:aws:events:{REGION}:{OTHER_ACC}:event-bus/central",
        (("events:PutEvents", f"arn:aws:events:{REGION}:{OTHER_ACC}:event-bus/central"),),
        (BUS + "central", f"arn:aws:events:{REGION}:{OTHER_ACC}:event-bus/other"),
    ),
    "failure function alias": TargetCase(
        "on_failure", LAMBDA + "fix:prod", (("lambda:InvokeFunction", LAMBDA + "fix:prod"),),
        (LAMBDA + "fix", LAMBDA + "fix:dev"),
    ),
    "failure bus": TargetCase(
        "on_failure", BUS + "default", (("events:PutEvents", BUS + "default"),), (BUS + "other",),
    ),
    "failure queue": TargetCase(
        "on_failure", QUEUE + "failed", (("sqs:SendMessage", QUEUE + "failed"),), (QUEUE + "ok",),
    ),
    "failure topic": TargetCase(
        "on_failure", SNS + "failed", (("sns:Publish", SNS + "failed"),), (SNS + "ok",),
    ),
    "failure bucket": TargetCase(  # Lambda Developer Guide: s3:PutObject and s3:ListBucket
        "on_failure", "arn:aws:s3:::failures",
        (("s3:PutObject", "arn:aws:s3:::failures/aws/lambda/x.json"), ("s3:ListBucket", "arn:aws:s3:::failures")),
        ("arn:aws:s3:::failures-2/x.json", "arn:aws:s3:::failures-2", "arn:aws:s3:::other/failures/x"),
        ("s3:GetObject", "s3:DeleteObject"),
    ),
}  # fmt: skip


def _target_spec(case: TargetCase, boundary: str) -> RoleSpec:
    if case.slot == "dead_letter":
        return spec_of(boundary=boundary, dead_letter=case.arn)
    return spec_of(boundary=boundary, destinations={case.slot: case.arn})


@pytest.mark.parametrize("boundary", ["envelope", "strict", "none"])
@pytest.mark.parametrize("case", list(TARGET_CASES))
def test_a_target_gets_its_one_action_on_that_arn_only(case, boundary):
    c = TARGET_CASES[case]
    ev = evaluator(_target_spec(c, boundary))
    for action, resource in c.calls:
        assert ev.evaluate(action, resource).decision == ALLOWED, (action, resource)
        for neighbour in c.neighbours:
            assert ev.evaluate(action, neighbour).decision != ALLOWED, (action, neighbour)
    for action in c.not_granted:
        assert ev.evaluate(action, c.calls[0][1]).decision != ALLOWED, action


def test_every_target_kind_of_the_catalog_has_a_case():
    covered = {(c.slot, c.arn.split(":")[2]) for c in TARGET_CASES.values()}
    for slot, target in catalog().targets.items():
        for kind in target.kinds:
            assert (slot, catalog().kinds[kind].service) in covered, (slot, kind)


@pytest.mark.parametrize(
    ("slot", "arn", "message"),
    [
        ("dead_letter", LAMBDA + "f", "is not an ARN of a SQS queue, SNS topic"),
        ("dead_letter", BUS + "default", "takes no other"),
        ("on_success", "arn:aws:s3:::bucket", "takes no other"),
        ("on_failure", QUEUE + "*", "no wildcard"),
        ("on_failure", QUEUE + "dlq?", "no wildcard"),
        ("on_failure", "arn:aws:s3:::bucket/prefix/*", "no wildcard"),
        ("on_failure", "arn:aws:s3:::bucket/prefix/", "takes no other"),
        ("on_failure", "not-an-arn", "is not an ARN"),
        ("on_failure", f"arn:aws:sqs::{ACC}:dlq", "has no region"),
        ("on_failure", f"arn:aws-cn:sqs:cn-north-1:{ACC}:dlq", "partition 'aws-cn'"),
        ("on_failure", QUEUE + "${aws:username}", "no wildcard or variable"),
    ],
)
def test_a_target_that_is_not_one_of_its_types_is_refused(slot, arn, message):
    problem = target_problem(slot, arn)
    assert problem is not None and message in problem, problem


def test_a_bad_target_in_a_file_names_its_line():
    text = (
        f'function: fn\naccount: "{ACC}"\nregion: {REGION}\n'
        f"destinations:\n  on_success: arn:aws:s3:::bucket\n"
    )
    with pytest.raises(UserError) as err:
        load_spec_text(text, "role.yaml")
    assert str(err.value).startswith("role.yaml:5: destinations.on_success: "), str(err.value)


def test_targets_survive_the_yaml_round_trip():
    spec = spec_of(
        dead_letter=QUEUE + "dlq",
        destinations={"on_success": BUS + "default", "on_failure": "arn:aws:s3:::failures"},
    )
    text = spec.to_yaml()
    assert "dead_letter:" in text and "on_failure:" in text
    again, _ctx_ = load_spec_text(text)
    assert again == spec
    assert "destinations" not in spec_of().to_yaml()


def test_each_kms_and_target_grant_says_why_it_is_there():
    from wizard.policy.compose import grant_reasons

    spec = spec_of(
        resources=[
            {"kind": "sqs-queue", "name": "in", "access": "consume", "kms_key": KEY},
            {"kind": "sns-topic", "name": "alerts"},  # not encrypted: no reason
        ],
        dead_letter=SNS + "dlq",
    )
    reasons = grant_reasons(spec)
    assert [(r.sid, r.actions, r.resource) for r in reasons] == [
        ("SQSQueueKeyConsume", (DECRYPT,), KEY),
        # the same action as the topic's own grant: one statement holds both, named SNSPublish
        ("SNSPublish", ("sns:Publish",), SNS + "dlq"),
    ]
    assert "sqs-queue in (consume) is encrypted with this key" in reasons[0].why
    assert "SQS Developer Guide" in reasons[0].why
    assert "dead-letter" in reasons[1].why
    sids = {st["Sid"] for st in compose(spec).policies[0].document["Statement"]}
    assert {r.sid for r in reasons} <= sids  # the review names statements the policy has


NAMES = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)


@settings(max_examples=40, deadline=None)
@given(mine=NAMES, other=NAMES, slot=st.sampled_from(["dead_letter", "on_success", "on_failure"]))
def test_a_queue_target_reaches_that_queue_and_no_other(mine, other, slot):
    assume(mine != other)
    case = TargetCase(slot, QUEUE + mine, (("sqs:SendMessage", QUEUE + mine),), ())
    ev = evaluator(_target_spec(case, "envelope"))
    assert ev.evaluate("sqs:SendMessage", QUEUE + mine).decision == ALLOWED
    assert ev.evaluate("sqs:SendMessage", QUEUE + other).decision != ALLOWED
    assert ev.evaluate("sqs:SendMessage", QUEUE + mine + "x").decision != ALLOWED


# --------------------------------------------------------------------------- encrypted targets

BUCKET = "arn:aws:s3:::failures"

# Lambda Developer Guide, "Capturing discarded batches for an Amazon MSK event source" (a KMS
# key on the destination): SQS and SNS kms:Decrypt and kms:GenerateDataKey, S3
# kms:GenerateDataKey. Each case: (slot, ARN, what the key allows, as a KeyCase).
TARGET_KEY_CASES: dict[str, tuple[str, str, KeyCase]] = {
    **{
        f"{slot} queue": (slot, QUEUE + "dlq", KeyCase({}, "sqs", (DECRYPT, DATA_KEY)))
        for slot in ("dead_letter", "on_success", "on_failure")
    },
    **{
        f"{slot} topic": (slot, SNS + "failures", KeyCase(
            {}, "sns", (DECRYPT, DATA_KEY),
            _ctx("aws:sns:topicArn", SNS + "failures"), _ctx("aws:sns:topicArn", SNS + "alerts"),
        ))
        for slot in ("dead_letter", "on_success", "on_failure")
    },
    "failure bucket": ("on_failure", BUCKET, KeyCase(
        {}, "s3", (DATA_KEY,),
        _ctx("aws:s3:arn", BUCKET + "/aws/lambda/x.json"), _ctx("aws:s3:arn", "arn:aws:s3:::other/x.json"),
    )),
    "failure bucket with a bucket key": ("on_failure", BUCKET, KeyCase(
        {}, "s3", (DATA_KEY,), _ctx("aws:s3:arn", BUCKET), _ctx("aws:s3:arn", BUCKET + "-2"),
    )),
}  # fmt: skip


def _encrypted_target_spec(slot: str, arn: str, boundary: str = "envelope", key: str = KEY):
    target = {"arn": arn, "kms_key": key}
    if slot == "dead_letter":
        return spec_of(boundary=boundary, dead_letter=target)
    return spec_of(boundary=boundary, destinations={slot: target})


@pytest.mark.parametrize("boundary", ["envelope", "strict", "none"])
@pytest.mark.parametrize("case", list(TARGET_KEY_CASES))
def test_an_encrypted_target_gets_its_key_through_its_service_only(case, boundary):
    slot, arn, c = TARGET_KEY_CASES[case]
    ev = evaluator(_encrypted_target_spec(slot, arn, boundary))
    assert_key_use(ev, c)
    delivery = {"sqs": "sqs:SendMessage", "sns": "sns:Publish", "s3": "s3:PutObject"}[c.service]
    resource = arn + "/aws/lambda/x.json" if c.service == "s3" else arn
    assert ev.evaluate(delivery, resource).decision == ALLOWED  # the delivery itself still works


@pytest.mark.parametrize("case", list(TARGET_KEY_CASES))
def test_a_target_without_its_key_gets_no_kms_grant(case):
    slot, arn, c = TARGET_KEY_CASES[case]
    ev = evaluator(_target_spec(TargetCase(slot, arn, (), ()), "none"))
    for action in ALL_KMS:
        assert ev.evaluate(action, KEY, {**_via(c.service), **c.context}).decision != ALLOWED


def test_every_target_that_takes_a_key_has_a_case():
    covered = {(slot, arn.split(":")[2]) for slot, arn, _c in TARGET_KEY_CASES.values()}
    for slot, target in catalog().targets.items():
        for kind, profile in target.kinds.items():
            if profile.encryption is not None:
                assert (slot, catalog().kinds[kind].service) in covered, (slot, kind)


@pytest.mark.parametrize(
    ("slot", "arn", "key", "message"),
    [
        ("on_success", LAMBDA + "next", KEY, "Lambda function targets take no kms_key"),
        ("on_failure", BUS + "default", KEY, "events.amazonaws.com"),
        ("dead_letter", QUEUE + "dlq", f"arn:aws:kms:{REGION}:{ACC}:alias/dlq", "not a valid"),
        ("dead_letter", QUEUE + "dlq", f"arn:aws:kms:us-east-1:{ACC}:key/1234abcd", "region"),
        ("dead_letter", QUEUE + "dlq", f"arn:aws:kms:{REGION}:{ACC}:key/*", "not a valid"),
        ("on_failure", BUCKET, f"arn:aws-cn:kms:cn-north-1:{ACC}:key/1234abcd", "partition"),
    ],
)
def test_a_target_key_that_cannot_be_is_refused_at_its_line(slot, arn, key, message):
    where = "dead_letter:\n" if slot == "dead_letter" else f"destinations:\n {slot}:\n"
    text = (
        f'function: fn\naccount: "{ACC}"\nregion: {REGION}\n{where}'
        f"    arn: {arn}\n    kms_key: {key}\n"
    )
    with pytest.raises(UserError) as err:
        load_spec_text(text, "role.yaml")
    line = text.count("\n")
    path = "dead_letter" if slot == "dead_letter" else f"destinations.{slot}"
    assert str(err.value).startswith(f"role.yaml:{line}: {path}.kms_key: "), str(err.value)
    assert message in str(err.value)
    assert target_problem(slot, arn, "aws", key) is not None  # the fronts' check agrees


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dead_letter: 5", "dead_letter: a target is an ARN, or {arn: ARN, kms_key: KEY ARN}"),
        ("dead_letter: [a]", "dead_letter: a target is an ARN, or {arn: ARN, kms_key: KEY ARN}"),
        ("dead_letter: {kms_key: x}", "dead_letter.arn: 'arn' is required"),
        ("dead_letter: {arn: x, key: y}", "dead_letter.key: unknown field 'key'"),
        ("destinations: {on_failure: {arn: 'arn:aws:s3:::b/x/'}}", "destinations.on_failure.arn: "),
    ],
)
def test_a_target_of_the_wrong_shape_is_one_clear_line(text, message):
    with pytest.raises(UserError) as err:
        load_spec_text(f"function: fn\n{text}\n", "role.yaml")
    assert str(err.value).startswith(f"role.yaml:2: {message}"), str(err.value)


def test_the_plain_arn_and_the_object_form_round_trip_and_read_alike():
    spec = spec_of(
        dead_letter=QUEUE + "dlq",
        destinations={
            "on_failure": {"arn": BUCKET, "kms_key": KEY},
            "on_success": {"arn": SNS + "t"},
        },
    )
    again, _ctx_ = load_spec_text(spec.to_yaml())
    assert again == spec
    assert (get_target(spec, "dead_letter"), get_target_key(spec, "dead_letter")) == (
        QUEUE + "dlq",
        "",
    )
    assert (get_target(spec, "on_failure"), get_target_key(spec, "on_failure")) == (BUCKET, KEY)
    assert (get_target(spec, "on_success"), get_target_key(spec, "on_success")) == (SNS + "t", "")
    plain = compose(spec_of(destinations={"on_success": SNS + "t"})).policies
    assert compose(spec_of(destinations={"on_success": {"arn": SNS + "t"}})).policies == plain


def test_set_target_keeps_the_key_of_the_same_target_only():
    spec = spec_of(dead_letter={"arn": QUEUE + "dlq", "kms_key": KEY})
    set_target(spec, "dead_letter", QUEUE + "dlq")  # a front setting the ARN it showed
    assert get_target_key(spec, "dead_letter") == KEY
    set_target(spec, "dead_letter", QUEUE + "other")  # another queue: not its key
    assert (get_target(spec, "dead_letter"), get_target_key(spec, "dead_letter")) == (
        QUEUE + "other",
        "",
    )
    assert spec.dead_letter == QUEUE + "other"  # back to the plain form
    set_target(spec, "on_failure", BUCKET, KEY)
    assert get_target_key(spec, "on_failure") == KEY
    set_target(spec, "on_failure", "")
    assert spec.destinations.on_failure is None


def test_each_target_key_grant_says_why_it_is_there():
    from wizard.policy.compose import grant_reasons

    spec = spec_of(
        dead_letter={"arn": QUEUE + "dlq", "kms_key": KEY},
        destinations={"on_success": {"arn": SNS + "done", "kms_key": KEY}},
    )
    reasons = {(r.sid, r.resource): r for r in grant_reasons(spec)}
    assert "encrypted with this key" in reasons["SQSQueueKeySend", KEY].why
    assert "dead-letter" in reasons["SQSQueueKeySend", KEY].why
    assert "successful invocations" in reasons["SNSTopicKeyPublish", KEY].why
    sids = {st["Sid"] for st in compose(spec).policies[0].document["Statement"]}
    assert {sid for sid, _r in reasons} <= sids


# --------------------------------------------------------------------------- never wider

KEY_IDS = st.from_regex(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", fullmatch=True
)
ACCOUNTS = st.from_regex(r"[0-9]{12}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(
    resource_case=st.sampled_from(sorted(KEY_CASES)),
    target_case=st.sampled_from(sorted(TARGET_KEY_CASES)),
    key_account=ACCOUNTS,
    key_id=KEY_IDS,
    other_account=ACCOUNTS,
    boundary=st.sampled_from(["envelope", "strict", "none"]),
)
def test_a_kms_key_never_widens(
    resource_case, target_case, key_account, key_id, other_account, boundary
):
    """Whatever the key: KMS actions are granted on the given keys only (no `*`, no pattern),
    and a key of another account is reachable only when it is the one given."""
    assume(other_account != key_account)
    key = f"arn:aws:kms:{REGION}:{key_account}:key/{key_id}"
    stranger = f"arn:aws:kms:{REGION}:{other_account}:key/{key_id}"
    slot, arn, tc = TARGET_KEY_CASES[target_case]
    rc = KEY_CASES[resource_case]
    spec = _encrypted_target_spec(slot, arn, boundary, key)
    spec = spec.model_copy(
        update={"resources": spec_of(resources=[{**rc.entry, "kms_key": key}]).resources}
    )
    bundle = compose(spec)
    for policy in bundle.policies:
        for statement in policy.document["Statement"]:
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            if any(a.lower().startswith("kms:") for a in actions):
                resources = statement["Resource"]
                assert set([resources] if isinstance(resources, str) else resources) == {key}
                assert "kms:ViaService" in json.dumps(statement["Condition"])
    ev = evaluator(spec)
    for c in (rc, tc):
        good = {**_via(c.service), **c.context}
        assert ev.evaluate(c.actions[0], key, good).decision == ALLOWED
        assert ev.evaluate(c.actions[0], stranger, good).decision != ALLOWED
        assert ev.evaluate(c.actions[0], "*", good).decision != ALLOWED
