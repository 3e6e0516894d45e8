"""wizard.policy.tighten: an existing role -> a spec holding only what the evidence supports.

Pure domain: hand-made roles, last-accessed records and CloudTrail records; no AWS.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.bundle import NamedPolicy
from wizard.catalog.kinds import catalog
from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.policy.diff import diff_policies
from wizard.policy.evaluate import Evaluator
from wizard.policy.tighten import (
    AttachedPolicy,
    Call,
    RoleSnapshot,
    ServiceActivity,
    Usage,
    call_from_event,
    calls_from_records,
    event_action,
    lookup_records,
    recognise_arn,
    smallest_profile,
    spec_text,
    tighten,
)
from wizard.spec import load_spec_text

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = "orders-api-role"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
CUTOFF = NOW - dt.timedelta(days=90)
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Orders"
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
# Actions the audit of an over-wide role must never carry over without evidence.
RISKY = (
    "s3:PutAccountPublicAccessBlock",
    "kms:CreateKey",
    "dynamodb:InjectError",
    "lambda:CreateEventSourceMapping",
    "iam:PassRole",
)


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource, **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def role(*statements: dict, trust=LAMBDA_TRUST, attached=(), functions=()) -> RoleSnapshot:
    return RoleSnapshot(
        name=ROLE,
        arn=ROLE_ARN,
        account=ACCOUNT,
        partition="aws",
        path="/",
        description=None,
        trust=trust,
        inline=[NamedPolicy("p", doc(*statements))] if statements else [],
        attached=list(attached),
        boundary_arn=None,
        boundary=None,
        tags={},
        functions=list(functions),
        region=REGION,
    )


def usage(services=None, calls=None) -> Usage:
    return Usage(90, CUTOFF, services, calls)


def call(action: str, *resources: str) -> Call:
    return Call(action, resources, NOW.isoformat())


def granted(t) -> set[tuple[str, str]]:
    """(action, resource) pairs the tightened spec's identity policy grants."""
    out = set()
    for policy in compose(t.spec).policies:
        for s in policy.document["Statement"]:
            acts = [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
            res = [s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"]
            out.update((a, r) for a in acts for r in res)
    return out


def entries(t) -> list[dict]:
    return t.spec.dump().get("resources", [])


# --------------------------------------------------------------------------- the rules


def test_an_action_used_on_a_named_table_maps_to_the_kind() -> None:
    t = tighten(
        role(allow("dynamodb:*", "*")),
        usage(calls=[call("dynamodb:GetItem", TABLE), call("dynamodb:PutItem", TABLE)]),
    )
    assert entries(t) == [{"kind": "dynamodb-table", "access": "read-write", "name": "Orders"}]
    assert t.spec.region == REGION


def test_an_unused_action_is_dropped_with_its_reason() -> None:
    t = tighten(role(allow(["sqs:SendMessage", "s3:PutAccountPublicAccessBlock"], "*")), usage())
    assert entries(t) == []
    reasons = {a: d.reason for d in t.dropped for a in d.actions}
    assert reasons == {
        "sqs:SendMessage": "no recorded use; only granted on *",
        "s3:PutAccountPublicAccessBlock": "no recorded use; only granted on *",
    }


def test_a_used_action_with_no_resource_level_permission_keeps_star() -> None:
    t = tighten(
        role(allow(["sqs:ListQueues", "kms:CreateKey"], "*")),
        usage(calls=[call("sqs:ListQueues")]),
    )
    assert entries(t) == [{"kind": "custom", "actions": ["sqs:ListQueues"], "resources": ["*"]}]
    assert [a for d in t.dropped for a in d.actions] == ["kms:CreateKey"]


def test_a_used_action_on_a_resource_of_no_kind_stays_custom_on_exactly_that_arn() -> None:
    endpoint = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/scorer"
    t = tighten(
        role(allow("sagemaker:*", "*")), usage(calls=[call("sagemaker:InvokeEndpoint", endpoint)])
    )
    assert entries(t) == [
        {"kind": "custom", "actions": ["sagemaker:InvokeEndpoint"], "resources": [endpoint]}
    ]


def test_a_used_send_on_an_ses_identity_becomes_its_kind() -> None:
    identity = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com"
    t = tighten(role(allow("ses:*", "*")), usage(calls=[call("ses:SendEmail", identity)]))
    assert entries(t) == [{"kind": "ses-identity", "access": "send", "identity": "example.com"}]


def test_a_resource_level_action_used_with_no_recorded_resource_is_not_kept_on_star() -> None:
    tracked = ServiceActivity("s3", NOW, {"s3:GetObject": NOW, "s3:PutObject": None})
    t = tighten(role(allow("s3:GetObject", "*"), allow("s3:PutObject", "*")), usage([tracked]))
    assert entries(t) == []
    reasons = {a: d.reason for d in t.dropped for a in d.actions}
    assert reasons["s3:GetObject"] == "used, but no recorded resource; only granted on *"
    assert reasons["s3:PutObject"] == "no recorded use; only granted on *"


def test_a_named_resource_is_evidence_of_intent() -> None:
    reads = ["dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem"]
    reads += ["dynamodb:Query", "dynamodb:Scan"]
    t = tighten(role(allow(reads, [TABLE, TABLE + "/index/*"])), usage())
    assert entries(t) == [{"kind": "dynamodb-table", "access": "read", "name": "Orders"}]


def test_last_accessed_data_overrules_intent() -> None:
    never = ServiceActivity("dynamodb", NOW - dt.timedelta(days=200))
    t = tighten(role(allow("dynamodb:GetItem", TABLE)), usage([never]))
    assert entries(t) == []
    assert t.dropped[0].reason == "dynamodb not used in the last 90 days (IAM last-accessed data)"
    tracked = ServiceActivity("dynamodb", NOW, {"dynamodb:GetItem": None, "dynamodb:Query": NOW})
    t = tighten(role(allow(["dynamodb:GetItem", "dynamodb:Query"], TABLE)), usage([tracked]))
    assert [d.actions for d in t.dropped] == [("dynamodb:GetItem",)]


def test_a_wildcard_on_a_named_table_keeps_only_the_catalog_profiles_actions() -> None:
    t = tighten(role(allow("dynamodb:*", [TABLE, TABLE + "/index/*"])), usage())
    assert entries(t) == [{"kind": "dynamodb-table", "access": "read-write", "name": "Orders"}]
    dropped = t.dropped_actions()
    assert {"dynamodb:DeleteTable", "dynamodb:UpdateTable"} <= dropped


def test_a_profile_wider_than_the_role_grants_becomes_custom() -> None:
    t = tighten(role(allow(["dynamodb:GetItem", "dynamodb:PutItem"], TABLE)), usage())
    assert entries(t) == [
        {
            "kind": "custom",
            "actions": ["dynamodb:GetItem", "dynamodb:PutItem"],
            "resources": [TABLE],
        }
    ]
    assert any("would grant more than the role does today" in n for n in t.notes)


def test_objects_read_under_a_folder_map_to_an_s3_prefix() -> None:
    t = tighten(
        role(allow(["s3:GetObject", "s3:ListBucket"], "*")),
        usage(
            calls=[
                call("s3:GetObject", "arn:aws:s3:::uploads/incoming/a.csv"),
                call("s3:GetObject", "arn:aws:s3:::uploads/incoming/b.csv"),
            ]
        ),
    )
    assert entries(t) == [
        {"kind": "s3-prefix", "access": "read", "bucket": "uploads", "prefix": "incoming/"}
    ]


def test_a_prefix_inside_another_is_folded_only_when_it_needs_nothing_more() -> None:
    grants = role(allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket"], "*"))
    reads = [
        call("s3:GetObject", "arn:aws:s3:::uploads/incoming/a.csv"),
        call("s3:GetObject", "arn:aws:s3:::uploads/incoming/2026/b.csv"),
    ]
    assert entries(tighten(grants, usage(calls=reads))) == [
        {"kind": "s3-prefix", "access": "read", "bucket": "uploads", "prefix": "incoming/"}
    ]
    # a write under incoming/2026/ only: folding it would let incoming/ be written
    write = call("s3:PutObject", "arn:aws:s3:::uploads/incoming/2026/c.csv")
    t = tighten(grants, usage(calls=[*reads, write]))
    assert ("s3:PutObject", "arn:aws:s3:::uploads/incoming/*") not in granted(t)
    assert len(entries(t)) == 2


def test_denied_calls_are_no_evidence() -> None:
    record = _record("DeleteTable", "dynamodb.amazonaws.com", {"tableName": "Orders"})
    assert call_from_event({**record, "errorCode": "AccessDenied"}) is None
    assert call_from_event(record) == Call("dynamodb:DeleteTable", (TABLE,), "")


def test_another_roles_events_are_not_this_roles_use() -> None:
    mine = _record("Publish", "sns.amazonaws.com", {"topicArn": "arn:aws:sns:x"})
    other = _record("Publish", "sns.amazonaws.com", {}, issuer=f"arn:aws:iam::{ACCOUNT}:role/x")
    events = [{"CloudTrailEvent": json.dumps(r)} for r in (mine, other)]
    calls = calls_from_records(lookup_records(events), role())
    assert [(c.action, c.resources) for c in calls] == [("sns:Publish", ("arn:aws:sns:x",))]


@pytest.mark.parametrize(
    ("source", "name", "action"),
    [
        ("dynamodb.amazonaws.com", "GetItem", "dynamodb:GetItem"),
        ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", "lambda:UpdateFunctionCode"),
        ("lambda.amazonaws.com", "Invoke", "lambda:InvokeFunction"),
        ("s3.amazonaws.com", "ListObjectsV2", "s3:ListBucket"),
        ("monitoring.amazonaws.com", "PutMetricData", "cloudwatch:PutMetricData"),
    ],
)
def test_event_names_map_to_iam_actions(source: str, name: str, action: str) -> None:
    assert event_action(source, name) == action


def test_request_parameters_name_resources_through_the_catalog() -> None:
    queue = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-events"
    got = call_from_event(_record("SendMessage", "sqs.amazonaws.com", {"queueUrl": queue}))
    assert got.resources == (f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-events",)
    got = call_from_event(
        _record("GetObject", "s3.amazonaws.com", {"bucketName": "b", "key": "in/x"})
    )
    assert got.resources == ("arn:aws:s3:::b/in/x",)


# --------------------------------------------------------------------------- logs, features


def test_logging_is_kept_for_a_lambda_role_and_left_off_otherwise() -> None:
    basic = allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")
    t = tighten(role(basic), usage())
    assert t.spec.logs is True
    assert t.dropped == []  # logs: true replaces them: not "dropped"
    states = {"Version": "2012-10-17", "Statement": []}
    assert tighten(role(basic, trust=states), usage()).spec.logs is False


def test_every_function_using_the_role_keeps_its_logs() -> None:
    t = tighten(role(functions=["report-builder", "orders-api"]), usage())
    assert t.spec.function == "orders-api"
    assert entries(t) == [
        {"kind": "log-group", "access": "write", "name": "/aws/lambda/report-builder"}
    ]


def _log_arn(group: str, suffix: str = "") -> str:
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}{suffix}"


WRITE_LOGS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
STREAM_LOGS = ("logs:CreateLogStream", "logs:PutLogEvents")
OWN_GROUP = "/aws/lambda/orders-api"  # the function's own (ROLE is orders-api-role)
LOG_GROUPS = {
    "own": OWN_GROUP,
    "other function's": "/aws/lambda/other-fn",
    "named like the own one": "/aws/lambda/orders-api-v2",  # not the own group: no prefix match
    "custom": "/app/shared",
}


@pytest.mark.parametrize("actions", [WRITE_LOGS, STREAM_LOGS], ids=["write", "stream-put"])
@pytest.mark.parametrize("suffix", [":*", ""], ids=["with-:*", "bare"])
@pytest.mark.parametrize("shape", sorted(LOG_GROUPS))
def test_a_log_group_write_grant_is_kept_on_its_group_and_never_widened(
    shape: str, suffix: str, actions: tuple[str, ...]
) -> None:
    """A role that writes to a log group that is not the function's own keeps that access
    (it used to vanish: logs: true took every log write for its own); never more than the role
    grants: the write profile only where the role grants all of it, else exactly the grant."""
    group = LOG_GROUPS[shape]
    own = allow(list(WRITE_LOGS), _log_arn(OWN_GROUP, ":*"))
    granted_here = allow(list(actions), _log_arn(group, suffix))
    snapshot = role(own, granted_here)
    stream = _log_arn(group, ":log-stream:2026/06/01/abc")
    t = tighten(snapshot, usage(calls=[call("logs:PutLogEvents", stream)]))

    before = Evaluator([p.document for p in snapshot.inline])
    after = Evaluator([p.document for p in compose(t.spec).policies])
    probes = [(a, stream) for a in STREAM_LOGS] + [("logs:CreateLogGroup", _log_arn(group))]
    for action, arn in probes if group != OWN_GROUP else ():  # own: logs: true's grant
        was, now = before.evaluate(action, arn).allowed, after.evaluate(action, arn).allowed
        assert now == was, (action, arn, was, now, entries(t))  # nothing lost, nothing widened
    # nothing else is widened either (logs: true grants only what the own statement does)
    assert not diff_policies(
        [p.document for p in snapshot.inline], [p.document for p in compose(t.spec).policies]
    ).adds_access
    assert t.spec.logs is True and t.dropped == []

    written = [e for e in entries(t) if e["kind"] != "custom" or group in str(e["resources"])]
    if group == OWN_GROUP:
        assert written == []  # logs: true is its grant
    elif suffix and actions == WRITE_LOGS:
        assert written == [{"kind": "log-group", "access": "write", "name": group}]
    elif suffix:  # the write profile would add CreateLogGroup: exactly the grant instead
        assert written == [
            {"kind": "custom", "actions": list(STREAM_LOGS), "resources": [_log_arn(group, ":*")]}
        ]
    elif actions == WRITE_LOGS:  # on the bare group only CreateLogGroup applies (IAM)
        assert written == [
            {"kind": "custom", "actions": ["logs:CreateLogGroup"], "resources": [_log_arn(group)]}
        ]
    else:
        assert written == []  # stream actions on the bare group's ARN grant nothing


@st.composite
def log_grants(draw):
    """A Lambda role writing to its own group and to some of the other shapes, each with or
    without ``:*`` (or a stream ARN) and some of the write actions, and calls on some streams."""
    statements = [allow(list(WRITE_LOGS), _log_arn(OWN_GROUP, ":*"))]
    others = draw(st.lists(st.sampled_from(sorted(set(LOG_GROUPS.values()) - {OWN_GROUP})),
                           unique=True, max_size=3))  # fmt: skip
    calls = []
    for group in others:
        suffix = draw(st.sampled_from([":*", "", ":log-stream:*"]))
        actions = draw(st.lists(st.sampled_from(WRITE_LOGS), min_size=1, unique=True))
        statements.append(allow(sorted(actions), _log_arn(group, suffix)))
        if draw(st.booleans()):
            calls.append(call("logs:PutLogEvents", _log_arn(group, ":log-stream:s1")))
    return role(*statements), calls, others


@settings(max_examples=40, deadline=None)
@given(log_grants())
def test_property_log_grants_on_other_groups_are_neither_lost_nor_widened(case) -> None:
    """Whatever the shapes, the tightened spec grants nothing the role does not, and on each
    other group keeps what the role could do there or lists it as dropped with its reason."""
    snapshot, calls, others = case
    t = tighten(snapshot, usage(calls=calls))
    role_docs = [p.document for p in snapshot.inline]
    spec_docs = [p.document for p in compose(t.spec).policies]
    assert not diff_policies(role_docs, spec_docs).adds_access
    before, after = Evaluator(role_docs), Evaluator(spec_docs)
    for group in others:
        stream = _log_arn(group, ":log-stream:s1")
        for action, arn in [(a, stream) for a in STREAM_LOGS] + [
            ("logs:CreateLogGroup", _log_arn(group))
        ]:
            if before.evaluate(action, arn).allowed:  # what the role can do there it still
                # can, or the report says why not (a stream wildcard no kind describes is no
                # evidence without a recorded call)
                listed = any(action in d.actions and group in d.resource for d in t.dropped)
                assert after.evaluate(action, arn).allowed or listed, (action, arn, entries(t))


def test_tracing_needs_a_grant_and_a_recorded_use() -> None:
    xray = allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*")
    assert tighten(role(xray), usage()).spec.tracing is False
    used = ServiceActivity("xray", NOW)
    t = tighten(role(xray), usage([used]))
    assert (t.spec.tracing, entries(t), t.dropped) == (True, [], [])


def test_an_aws_managed_policy_counts_as_a_grant_not_as_evidence() -> None:
    full = AttachedPolicy(
        "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        "AmazonS3FullAccess",
        True,
        doc(allow("s3:*", "*")),
    )
    t = tighten(role(attached=[full]), usage())
    assert (t.spec.managed_policies, entries(t)) == ([], [])
    assert "s3:PutAccountPublicAccessBlock" in t.dropped_actions()


# --------------------------------------------------------------------------- properties

SERVICES = ("dynamodb", "s3", "sqs", "sns", "kms", "lambda")
EVENT_ARNS = (
    TABLE,
    "arn:aws:s3:::uploads/incoming/a.csv",
    f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-events",
    f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts",
    f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:other",
    f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com",
)


def _actions(service: str) -> list[str]:
    from wizard.catalog.reference import reference

    return sorted(a.full_name for a in reference().expand(f"{service}:*"))


@st.composite
def wide_role_and_calls(draw):
    services = draw(st.lists(st.sampled_from(SERVICES), min_size=1, max_size=4, unique=True))
    statements = [allow(f"{s}:*", "*") for s in services]
    pool = [a for s in services for a in _actions(s)]
    calls = draw(
        st.lists(
            st.builds(
                call,
                st.sampled_from(pool),
                st.sampled_from(EVENT_ARNS) | st.just(None).map(lambda _: "*"),
            ),
            max_size=6,
        )
    )
    calls = [Call(c.action, tuple(r for r in c.resources if r != "*"), c.when) for c in calls]
    return role(*statements), calls


@settings(max_examples=40, deadline=None)
@given(wide_role_and_calls())
def test_property_the_tightened_spec_never_grants_more_than_the_role(case) -> None:
    """Whatever the recorded calls, the spec's policy is within the role's (logs aside), never
    holds an unused action, and passes the one gate (or is refused as a whole)."""
    snapshot, calls = case
    t = tighten(snapshot, usage(calls=calls))
    policies = [p.document for p in compose(t.spec).policies]
    added = diff_policies([p.document for p in snapshot.inline], policies).added_actions()
    assert added <= {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}
    called = {c.action.lower() for c in calls}
    for entry in t.spec.resources:
        if entry.kind == "custom":
            assert {a.lower() for a in entry.actions} <= called
            assert entry.resources == ["*"] or "*" not in entry.resources
    try:
        spec_text(t, ROLE, "out.yaml")
    except UserError as exc:
        assert "nothing written" in str(exc)


# --------------------------------------------------------------------------- writing


def test_the_written_spec_lists_what_was_dropped_and_builds() -> None:
    t = tighten(
        role(allow("dynamodb:*", "*"), allow("s3:PutAccountPublicAccessBlock", "*")),
        usage(calls=[call("dynamodb:GetItem", TABLE)]),
    )
    text = spec_text(t, ROLE, "out.yaml")
    assert (
        "#   dropped s3:PutAccountPublicAccessBlock on *: no recorded use; only granted on *"
        in (text)
    )
    assert "#   dropped dynamodb:* on * (79 actions)" in text
    data = yaml.safe_load(text)
    assert data["account"] == ACCOUNT  # quoted, so still a string
    assert not any(a in text.split("\nfunction:")[1] for a in RISKY)
    spec, ctx = load_spec_text(text, "out.yaml")
    compose(spec, ctx)


def test_a_spec_the_composer_refuses_is_not_written() -> None:
    # a used, named PassRole is kept; the envelope boundary denies iam:*, so it cannot build
    t = tighten(role(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/admin")), usage())
    with pytest.raises(UserError, match="out.yaml: the tightened spec does not pass the gate"):
        spec_text(t, ROLE, "out.yaml")


def test_validator_warnings_refuse_the_spec(monkeypatch) -> None:
    from wizard.policy import lint

    real = lint.lint_bundle

    def with_a_warning(bundle, *, file):
        found = real(bundle, file=file)
        return [*found, lint.Finding("size-exceeded", "warning", "too big", file, "")]

    monkeypatch.setattr(lint, "lint_bundle", with_a_warning)
    t = tighten(role(), usage())
    with pytest.raises(UserError, match="does not pass the gate.*size-exceeded: too big"):
        spec_text(t, ROLE, "out.yaml")


# --------------------------------------------------------------------------- mapping helpers


def test_a_table_arn_and_its_index_arn_are_the_same_table() -> None:
    cat = catalog()
    assert recognise_arn(TABLE, cat)[0] == "dynamodb-table"
    kind, fields = recognise_arn(TABLE + "/index/*", cat)
    assert (kind, fields["name"]) == ("dynamodb-table", "Orders")


def test_a_stream_arn_is_a_stream_not_a_table() -> None:
    arn = TABLE + "/stream/2024-01-01T00:00:00.000"
    assert recognise_arn(arn, catalog())[0] == "dynamodb-stream"


def test_the_smallest_covering_profile_is_chosen() -> None:
    kind = catalog().kinds["dynamodb-table"]
    assert smallest_profile(kind, {"dynamodb:GetItem"}) == "read"
    assert smallest_profile(kind, {"dynamodb:GetItem", "dynamodb:PutItem"}) == "read-write"
    assert smallest_profile(kind, {"dynamodb:DeleteTable"}) is None


def test_a_prefix_scoped_list_stays_with_its_prefix() -> None:
    t = tighten(
        role(
            allow("s3:GetObject", "arn:aws:s3:::uploads/incoming/*"),
            allow(
                "s3:ListBucket",
                "arn:aws:s3:::uploads",
                Condition={"StringLike": {"s3:prefix": "incoming/*"}},
            ),
        ),
        usage(),
    )
    assert entries(t) == [
        {"kind": "s3-prefix", "access": "read", "bucket": "uploads", "prefix": "incoming/"}
    ]


def _record(name: str, source: str, params: dict, issuer: str = ROLE_ARN) -> dict:
    return {
        "eventName": name,
        "eventSource": source,
        "awsRegion": REGION,
        "recipientAccountId": ACCOUNT,
        "requestParameters": params,
        "userIdentity": {
            "type": "AssumedRole",
            "sessionContext": {"sessionIssuer": {"arn": issuer}},
        },
    }


# --------------------------------------------------------------------------- KMS keys (#12)

KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/99999999-12ab-34cd-56ef-1234567890ab"
# One entry per kind a service encrypts, each named exactly (so its grants are evidence).
ENCRYPTED = {
    "dynamodb-table": {"name": "Orders"},
    "dynamodb-stream": {"table": "Orders", "label": "2024-01-01T00:00:00.000"},
    "s3-prefix": {"bucket": "uploads", "prefix": "in/"},
    "log-group": {"name": "/app/orders"},
    "sqs-queue": {"name": "orders"},
    "sns-topic": {"name": "alerts"},
    "secretsmanager-secret": {"name": "db"},
    "ssm-parameter": {"name": "/app/url"},
    "kinesis-stream": {"name": "clicks"},
    # their credentials secret's key (issue #12)
    "mq-broker": {"broker_id": "b-1234abcd-12ab-34cd-56ef-1234567890ab", "secret": "mq/creds"},
    "rds-data-cluster": {"cluster": "orders", "secret": "rds/orders"},
}
ENCRYPTED_PROFILES = [(k, a) for k, kind in catalog().kinds.items() for a in kind.encryption]


def _spec_of(*resources: dict):
    from wizard.spec import RoleSpec

    data = {"function": "orders-api", "account": ACCOUNT, "region": REGION}
    return RoleSpec.model_validate({**data, "resources": list(resources)})


def _round_trip(spec) -> object:
    """The spec -> its identity policy as a live role's -> tightened (no recorded calls)."""
    return tighten(role(*compose(spec).policies[0].document["Statement"]), usage())


def _normal(entries_: list[dict]) -> list[dict]:
    cat = catalog()
    return [{"access": cat.kinds[e["kind"]].default_access, **e} for e in entries_]


def test_every_kind_a_service_encrypts_has_a_round_trip_sample() -> None:
    assert {k for k, _a in ENCRYPTED_PROFILES} == set(ENCRYPTED)


@pytest.mark.parametrize(("kind", "access"), ENCRYPTED_PROFILES)
def test_a_kms_key_comes_back_to_the_entry_it_encrypts(kind, access) -> None:
    entry = {"kind": kind, "access": access, **ENCRYPTED[kind]}
    plain = _round_trip(_spec_of(entry))
    keyed = _round_trip(_spec_of({**entry, "kms_key": KEY}))
    # the key goes to the entry the resource itself comes back as, and nowhere else
    expected = [{**e, "kms_key": KEY} if e["kind"] == kind else e for e in _normal(entries(plain))]
    assert _normal(entries(keyed)) == expected
    kms_dropped = [a for d in keyed.dropped for a in d.actions if a.startswith("kms:")]
    assert (kms_dropped == []) == any(e["kind"] == kind for e in entries(plain)), kms_dropped
    if entries(plain) == _normal([entry]):  # the resource round-trips: so does its key
        assert _normal(entries(keyed)) == _normal([{**entry, "kms_key": KEY}])
        assert statements(keyed.spec) == statements(_spec_of({**entry, "kms_key": KEY}))


def test_a_spec_of_several_encrypted_entries_round_trips() -> None:
    resources = [
        {"kind": "sqs-queue", "name": "in", "access": "consume", "kms_key": KEY},
        {"kind": "sqs-queue", "name": "out", "access": "send", "kms_key": OTHER_KEY},
        {"kind": "sns-topic", "name": "alerts", "kms_key": KEY},
        {"kind": "dynamodb-table", "name": "Orders", "access": "read-write", "kms_key": OTHER_KEY},
        {"kind": "kinesis-stream", "name": "clicks", "access": "produce", "kms_key": KEY},
    ]
    spec = _spec_of(*resources)
    t = _round_trip(spec)
    assert sorted(map(str, _normal(entries(t)))) == sorted(map(str, _normal(resources)))
    assert not [d for d in t.dropped if any(a.startswith("kms:") for a in d.actions)]
    text = spec_text(t, ROLE, "out.yaml")
    again, _ctx = load_spec_text(text, "out.yaml")
    assert statements(again) == statements(spec)  # the same grants, conditions and all


def statements(spec) -> list[str]:
    """The identity policy's statements, in one order (entries may come back reordered)."""
    docs = [p.document for p in compose(spec).policies]
    return sorted(json.dumps(st, sort_keys=True) for d in docs for st in d["Statement"])


def test_a_key_grant_wider_than_the_profile_keeps_only_what_the_entry_takes() -> None:
    via = {"StringEquals": {"kms:ViaService": f"sqs.{REGION}.amazonaws.com"}}
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:in"
    t = tighten(
        role(
            allow(["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], queue),
            allow(["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"], KEY, Condition=via),
        ),
        usage(),
    )
    assert _normal(entries(t)) == [
        {"kind": "sqs-queue", "access": "consume", "name": "in", "kms_key": KEY}
    ]
    dropped = {a for d in t.dropped for a in d.actions}
    assert {"kms:GenerateDataKey", "kms:Encrypt"} <= dropped and "kms:Decrypt" not in dropped


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"kms:ViaService": f"sns.{REGION}.amazonaws.com"}},  # another service
        {"StringEquals": {"kms:ViaService": "sqs.eu-west-1.amazonaws.com"}},  # another Region
        {
            "StringEquals": {
                "kms:ViaService": f"sqs.{REGION}.amazonaws.com",
                "aws:SourceIp": "1.2.3.4",
            }
        },
        {"StringNotEquals": {"kms:ViaService": f"sqs.{REGION}.amazonaws.com"}},
    ],
)
def test_a_key_grant_that_is_not_the_entrys_never_becomes_its_key(condition) -> None:
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:in"
    t = tighten(
        role(
            allow(["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], queue),
            allow("kms:Decrypt", KEY, Condition=condition),
        ),
        usage(),
    )
    assert _normal(entries(t)) == [{"kind": "sqs-queue", "access": "consume", "name": "in"}]
    assert "kms:Decrypt" in {a for d in t.dropped for a in d.actions}
