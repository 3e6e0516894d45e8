"""The domain's rules for resource entries and policy sizes that every front calls
(wizard/entries.py, wizard/policy/quotas.py ``policy_sizes``)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.entries import (
    check_actions,
    check_entry,
    entry_from_discovered,
    entry_key,
    entry_label,
)
from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.policy.quotas import (
    INLINE_AGGREGATE_LIMIT,
    MANAGED_LIMIT,
    TRUST_LIMIT,
    policy_size,
    policy_sizes,
)
from wizard.spec import ResourceEntry, RoleSpec, resolve_resources

ACC = "123456789012"
SPEC = RoleSpec(function="fn", account=ACC, region="us-east-1")


def entry(**fields) -> ResourceEntry:
    return ResourceEntry(**fields)


# --------------------------------------------------------------------------- check_entry


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "dynamodb-table", "name": "Orders"}, None),
        ({"kind": "dynamodb-table", "name": "ab"}, "name: name 'ab' is not a valid table name"),
        ({"kind": "s3-prefix", "bucket": "uploads", "prefix": "${aws:username}/"},
         "prefix: prefix '${aws:username}/' contains '${', which a policy would read as an IAM policy "
         "variable, widening the grant"),
        ({"kind": "sqs-queue", "arn": "arn:aws:sqs:eu-west-1:123456789012:q"},
         "arn: the ARN's region 'eu-west-1' contradicts the spec's region 'us-east-1'"),
        ({"kind": "sqs-queue", "arn": "arn:aws:sqs:us-east-1:999999999999:q"},
         "arn: the ARN's account '999999999999' contradicts the spec's account '123456789012'"),
        ({"kind": "sqs-queue", "arn": "arn:aws:sns:us-east-1:123456789012:t"},
         "arn: 'arn:aws:sns:us-east-1:123456789012:t' is not an ARN of a SQS queue "
         "(arn:PARTITION:sqs:REGION:ACCOUNT:NAME)"),
        ({"kind": "custom", "actions": ["ses:SendEmail"], "resources": ["*"]},
         "resources[0]: '*' is only for actions that support no resource-level permission; "
         "name the resources' ARNs"),
        ({"kind": "custom", "actions": ["ses:Nope"], "resources": ["*"]},
         "actions[0]: unknown action 'ses:Nope'"),
    ],
)  # fmt: skip
def test_check_entry_gives_builds_message_without_the_index(fields, message):
    got = check_entry(SPEC, entry(**fields))
    if message is None:
        assert got is None
    else:
        assert got is not None and got == message


def test_check_entry_refuses_what_the_whole_role_would_refuse():
    """iam:PassRole passes every field check but the envelope boundary denies it."""
    passrole = entry(
        kind="custom", actions=["iam:PassRole"], resources=[f"arn:aws:iam::{ACC}:role/x"]
    )
    problem = check_entry(SPEC, passrole)
    assert problem is not None and "denied by the envelope boundary" in problem
    assert check_entry(SPEC.model_copy(update={"boundary": "none"}), passrole) is None


def test_check_entry_does_not_blame_an_entry_for_the_specs_own_problem():
    broken = SPEC.model_copy(
        update={
            "resources": [
                entry(
                    kind="custom",
                    actions=["iam:PassRole"],
                    resources=[f"arn:aws:iam::{ACC}:role/x"],
                )
            ]
        }
    )
    with pytest.raises(UserError):
        compose(broken)
    assert check_entry(broken, entry(kind="sqs-queue", name="q")) is None


@given(name=st.text(max_size=30))
@settings(max_examples=80, deadline=None)
def test_check_entry_agrees_with_build(name):
    """None exactly when the spec with the entry composes."""
    candidate = ResourceEntry(kind="sqs-queue", name=name)
    trial = SPEC.model_copy(update={"resources": [candidate]})
    try:
        compose(trial)
        builds = True
    except UserError:
        builds = False
    assert (check_entry(SPEC, candidate) is None) == builds


def test_check_actions():
    assert check_actions(["ses:SendEmail", "ses:SendRawEmail"]) is None
    assert check_actions([]) == "enter at least one action, such as ses:SendEmail"
    assert check_actions(["ses:*"]) == (
        "'ses:*' grants a whole service; list the actions the function needs"
    )
    assert check_actions(["nope:Thing"]) == "unknown service 'nope'"
    assert check_actions(["ses:Nope"]) == "unknown action 'ses:Nope'"
    assert check_actions(["not an action"]) == (
        "'not an action' is not an action such as ses:SendEmail"
    )


# --------------------------------------------------------------------------- labels and keys


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"kind": "dynamodb-table", "name": "Orders"}, "dynamodb-table Orders"),
        ({"kind": "dynamodb-table", "arn": f"arn:aws:dynamodb:us-east-1:{ACC}:table/Legacy"},
         "dynamodb-table Legacy"),
        ({"kind": "s3-prefix", "bucket": "uploads", "prefix": "incoming/"},
         "s3-prefix uploads/incoming/"),
        ({"kind": "s3-prefix", "bucket": "uploads"}, "s3-prefix uploads"),
        ({"kind": "ssm-parameter", "arn": f"arn:aws:ssm:us-east-1:{ACC}:parameter/app/db"},
         "ssm-parameter /app/db"),
        ({"kind": "kms-key", "id": "mrk-1", "via": "s3"}, "kms-key mrk-1"),
        ({"kind": "custom", "actions": ["ses:SendEmail"], "resources": ["a", "b"]},
         "custom: ses:SendEmail on 2 resources"),
        ({"kind": "custom", "actions": ["ses:SendEmail", "ses:SendRawEmail"], "resources": ["a"]},
         "custom: 2 actions on 1 resource"),
        ({"kind": "sqs-queue", "arn": "arn:aws:sns:us-east-1:123:t"},
         "sqs-queue arn:aws:sns:us-east-1:123:t"),
    ],
)  # fmt: skip
def test_entry_label(fields, label):
    assert entry_label(entry(**fields)) == label


def test_entry_key_ignores_access_and_empty_fields_and_tells_entries_apart():
    a = entry(kind="s3-prefix", bucket="uploads", prefix="", access="read")
    b = entry(kind="s3-prefix", bucket="uploads", access="write")
    c = entry(kind="s3-prefix", bucket="uploads", prefix="in/")
    assert entry_key(a) == entry_key(b) != entry_key(c)
    x = entry(kind="custom", actions=["ses:SendEmail"], resources=["arn:aws:ses:::x"])
    y = entry(kind="custom", actions=["ses:SendRawEmail"], resources=["arn:aws:ses:::x"])
    assert entry_key(x) != entry_key(y)


# --------------------------------------------------------------------------- discovered


def item(name: str, arn: str, **detail: str) -> SimpleNamespace:
    return SimpleNamespace(name=name, arn=arn, detail=detail)


def test_a_discovered_resource_becomes_an_entry_by_its_name():
    table = item("Orders", f"arn:aws:dynamodb:us-east-1:{ACC}:table/Orders")
    assert entry_from_discovered("dynamodb-table", table) == entry(
        kind="dynamodb-table", name="Orders"
    )
    as_dict = {"kind": "dynamodb-table", "name": "Orders", "arn": table.arn}
    assert entry_from_discovered("dynamodb-table", as_dict) == entry(
        kind="dynamodb-table", name="Orders"
    )
    key = item("1234abcd-12ab", f"arn:aws:kms:us-east-1:{ACC}:key/1234abcd-12ab", alias="a")
    assert entry_from_discovered("kms-key", key) == entry(kind="kms-key", id="1234abcd-12ab")


def test_a_discovered_prefix_and_stream_keep_what_names_them_exactly():
    prefix = item("in/", "arn:aws:s3:::uploads/in/*", bucket="uploads", prefix="in/")
    assert entry_from_discovered("s3-prefix", prefix) == entry(
        kind="s3-prefix", bucket="uploads", prefix="in/"
    )
    label = "2024-01-01T00:00:00.000"
    stream_arn = f"arn:aws:dynamodb:us-east-1:{ACC}:table/Orders/stream/{label}"
    stream = item("Orders", stream_arn, table="Orders", label=label)
    got = entry_from_discovered("dynamodb-stream", stream)
    assert got == entry(kind="dynamodb-stream", table="Orders", label=label)
    # the entry grants that stream only, as its ARN would
    resolved = resolve_resources(SPEC.model_copy(update={"resources": [got]}))[0]
    assert resolved.arn == stream_arn
    unlabelled = item("Orders", stream_arn, table="Orders")
    assert entry_from_discovered("dynamodb-stream", unlabelled).arn == stream_arn


def test_a_name_the_pattern_refuses_falls_back_to_the_arn():
    queue = item("bad name", f"arn:aws:sqs:us-east-1:{ACC}:q")
    assert entry_from_discovered("sqs-queue", queue) == entry(kind="sqs-queue", arn=queue.arn)
    with pytest.raises(UserError):
        entry_from_discovered("sqs-queue", item("", ""))


# --------------------------------------------------------------------------- policy sizes


def test_policy_sizes_measure_each_policy_against_its_quota():
    spec = RoleSpec(
        function="fn",
        account=ACC,
        region="us-east-1",
        resources=[entry(kind="dynamodb-table", name="Orders")],
    )
    bundle = compose(spec)
    sizes = {s.label: s for s in policy_sizes(bundle)}
    assert list(sizes) == ["inline", "trust", "boundary", "deployer"]
    assert sizes["inline"].size == sum(policy_size(p.document) for p in bundle.policies)
    assert sizes["inline"].quota == INLINE_AGGREGATE_LIMIT
    assert (sizes["trust"].quota, sizes["boundary"].quota) == (TRUST_LIMIT, MANAGED_LIMIT)
    assert sizes["deployer"].size == policy_size(bundle.deployer.document)
    assert all(s.over == 0 for s in sizes.values())
    bare = compose(spec.model_copy(update={"boundary": "none", "deployer": False}))
    assert [s.label for s in policy_sizes(bare)] == ["inline", "trust"]
