"""plan / apply against an in-process moto IAM (``mock_aws``).

moto ignores permission boundaries and accepts almost any document: these tests prove what
calls apply makes and what state it leaves, never a policy's scope (the evaluator's job).
"""

from __future__ import annotations

import functools
import json
import textwrap
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions
import pytest
from moto import mock_aws

from wizard.aws.provision import (
    MANAGED_TAG,
    AwsFailure,
    apply,
    execute,
    make_plan,
    render_plan,
)
from wizard.aws.session import AwsSession
from wizard.bundle import RoleBundle
from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.spec import load_spec_text

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = "orders-api-role"
DEPLOYER = "orders-api-deployer"
STAND_INS = ("StandInA", "StandInB", "StandInC")

# fake credentials, no profile, config file or endpoint (tests/aws_fixtures.py)
pytestmark = pytest.mark.usefixtures("mock_env")


# drift made outside the tool: a trust policy without the SourceAccount condition
LOOSE_TRUST = json.dumps(
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
HANDMADE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}],
    }
)


def stand_in(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{name}"


@functools.lru_cache(maxsize=8)
def bundle_from(text: str) -> RoleBundle:
    """Compose a spec for the test account (cached: tests never mutate a bundle)."""
    spec, ctx = load_spec_text(textwrap.dedent(text))
    spec.account = spec.account or ACCOUNT
    spec.region = spec.region or REGION
    return compose(spec, ctx)


V1 = f"""\
function: orders-api
role: {{description: first, tags: {{team: a, old: x}}}}
managed_policies: ["{stand_in("StandInA")}", "{stand_in("StandInB")}"]
resources:
  - {{kind: dynamodb-table, name: Orders, access: read}}
"""
V2 = f"""\
function: orders-api
role: {{description: second, tags: {{team: b, new: y}}}}
managed_policies: ["{stand_in("StandInB")}", "{stand_in("StandInC")}"]
resources:
  - {{kind: dynamodb-table, name: Orders, access: read-write}}
  - {{kind: s3-prefix, bucket: uploads, prefix: incoming/, access: read}}
"""


def new_session() -> AwsSession:
    return AwsSession(session=boto3.Session(region_name=REGION), region=REGION)


def seed(aws: AwsSession) -> None:
    iam = aws.client("iam")
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}],
    }
    for name in STAND_INS:
        iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(doc))


@pytest.fixture
def aws() -> Iterator[AwsSession]:
    with mock_aws():
        session = new_session()
        seed(session)
        yield session


def snapshot(aws: AwsSession) -> dict[str, Any]:
    """The account state apply is responsible for, without ids and dates."""
    iam = aws.client("iam")
    role = iam.get_role(RoleName=ROLE)["Role"]
    inline = {
        name: iam.get_role_policy(RoleName=ROLE, PolicyName=name)["PolicyDocument"]
        for name in iam.list_role_policies(RoleName=ROLE)["PolicyNames"]
    }
    attached = sorted(
        p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    )
    policies = {}
    for name in (f"{ROLE}-boundary", DEPLOYER):
        arn = stand_in(name)
        meta = iam.get_policy(PolicyArn=arn)["Policy"]
        version = iam.get_policy_version(PolicyArn=arn, VersionId=meta["DefaultVersionId"])
        count = len(iam.list_policy_versions(PolicyArn=arn)["Versions"])
        policies[name] = (version["PolicyVersion"]["Document"], count <= 5, meta.get("Tags"))
    return {
        "path": role["Path"],
        "trust": role["AssumeRolePolicyDocument"],
        "description": role.get("Description"),
        "boundary": (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
        "tags": {t["Key"]: t["Value"] for t in role.get("Tags", [])},
        "inline": inline,
        "attached": attached,
        "policies": policies,
    }


# --------------------------------------------------------------------------- plan


def test_plan_for_a_missing_role_creates_everything(aws: AwsSession) -> None:
    plan = make_plan(aws, bundle_from(V1), deployer_policy_name=DEPLOYER)
    assert not plan.exists
    assert [(c.op, c.kind) for c in plan.changes] == [
        ("create", "policy"),
        ("create", "policy"),
        ("create", "role"),
        ("create", "inline"),
        ("attach", "managed"),
        ("attach", "managed"),
    ]
    assert plan.counts == {"add": 6, "change": 0, "remove": 0}


def test_plan_lists_each_difference_against_the_existing_role(aws: AwsSession) -> None:
    apply(aws, bundle_from(V1), deployer_policy_name=DEPLOYER)
    plan = make_plan(aws, bundle_from(V2), deployer_policy_name=DEPLOYER)
    got = {(c.op, c.kind, c.name) for c in plan.changes}
    assert got == {
        ("update", "policy", f"{ROLE}-boundary"),
        ("tag", "tags", ROLE),
        ("update", "description", ROLE),
        ("update", "inline", "orders-api-access"),
        ("attach", "managed", stand_in("StandInC")),
        ("detach", "managed", stand_in("StandInA")),
        ("untag", "tags", ROLE),
    }
    tag = next(c for c in plan.changes if c.op == "tag")
    assert tag.after == {"team": "b", "new": "y"} and tag.before == {"team": "a"}
    untag = next(c for c in plan.changes if c.op == "untag")
    assert untag.before == {"old": "x"}


def test_plan_text_shows_a_json_diff_of_a_changed_inline_policy(aws: AwsSession) -> None:
    apply(aws, bundle_from(V1))
    text = render_plan(make_plan(aws, bundle_from(V2)))
    assert "  ~ update inline policy orders-api-access" in text
    assert '+        "dynamodb:PutItem",' in text
    assert text.rstrip().endswith("to remove.")


def test_plan_sees_a_trust_policy_changed_outside_the_tool(aws: AwsSession) -> None:
    bundle = bundle_from(V1)
    apply(aws, bundle)
    aws.client("iam").update_assume_role_policy(RoleName=ROLE, PolicyDocument=LOOSE_TRUST)
    plan = make_plan(aws, bundle)
    assert [(c.op, c.kind) for c in plan.changes] == [("update", "trust")]
    assert plan.changes[0].after == bundle.assume_role_policy


def test_plan_removes_an_inline_policy_the_spec_no_longer_has(aws: AwsSession) -> None:
    apply(aws, bundle_from(V1))
    aws.client("iam").put_role_policy(RoleName=ROLE, PolicyName="handmade", PolicyDocument=HANDMADE)
    plan = make_plan(aws, bundle_from(V1))
    assert [(c.op, c.kind, c.name) for c in plan.changes] == [("delete", "inline", "handmade")]


def test_plan_json_is_serialisable_with_a_summary(aws: AwsSession) -> None:
    data = json.loads(json.dumps(make_plan(aws, bundle_from(V1)).to_dict()))
    assert data["summary"] == {"add": 5, "change": 0, "remove": 0}
    assert data["exists"] is False


# --------------------------------------------------------------------------- apply


def test_apply_creates_the_role_with_the_ownership_tag_and_everything_in_the_spec(
    aws: AwsSession,
) -> None:
    bundle = bundle_from(V2)
    apply(aws, bundle, deployer_policy_name=DEPLOYER)
    state = snapshot(aws)
    assert state["tags"] == {"team": "b", "new": "y", MANAGED_TAG: "true"}
    assert state["trust"] == bundle.assume_role_policy
    assert state["boundary"] == stand_in(f"{ROLE}-boundary")
    assert state["inline"] == {p.name: p.document for p in bundle.policies}
    assert state["attached"] == [stand_in("StandInB"), stand_in("StandInC")]
    assert state["policies"][DEPLOYER][0] == bundle.deployer.document


def test_a_second_apply_plans_no_changes(aws: AwsSession) -> None:
    apply(aws, bundle_from(V2), deployer_policy_name=DEPLOYER)
    assert make_plan(aws, bundle_from(V2), deployer_policy_name=DEPLOYER).changes == []


def test_apply_updates_an_existing_role_to_what_a_fresh_apply_makes() -> None:
    with mock_aws():
        aws = new_session()
        seed(aws)
        apply(aws, bundle_from(V1), deployer_policy_name=DEPLOYER)
        apply(aws, bundle_from(V2), deployer_policy_name=DEPLOYER)
        updated = snapshot(aws)
    with mock_aws():  # a fresh account: V2 applied from scratch
        fresh = new_session()
        seed(fresh)
        apply(fresh, bundle_from(V2), deployer_policy_name=DEPLOYER)
        assert snapshot(fresh) == updated


def test_apply_deletes_the_oldest_non_default_version_when_five_exist(aws: AwsSession) -> None:
    apply(aws, bundle_from(V1))
    iam = aws.client("iam")
    arn = stand_in(f"{ROLE}-boundary")
    for i in range(4):
        doc = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sns:Publish",
                    "Resource": f"arn:aws:sns:us-east-1:{ACCOUNT}:t{i}",
                }
            ],
        }
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc), SetAsDefault=True)
    apply(aws, bundle_from(V2))
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert len(versions) == 5
    assert "v1" not in {v["VersionId"] for v in versions}
    default = next(v for v in versions if v["IsDefaultVersion"])
    assert default["VersionId"] == "v6"


def test_apply_refuses_a_role_it_did_not_create(aws: AwsSession) -> None:
    bundle = bundle_from(V1)
    aws.client("iam").create_role(
        RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(bundle.assume_role_policy)
    )
    with pytest.raises(UserError, match="not created by role-wizard.*--adopt"):
        apply(aws, bundle)
    assert aws.client("iam").list_role_policies(RoleName=ROLE)["PolicyNames"] == []


def test_apply_with_adopt_takes_over_a_foreign_role_and_tags_it(aws: AwsSession) -> None:
    bundle = bundle_from(V1)
    aws.client("iam").create_role(
        RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(bundle.assume_role_policy)
    )
    apply(aws, bundle, adopt=True)
    assert snapshot_tags(aws)[MANAGED_TAG] == "true"
    assert make_plan(aws, bundle).changes == []


def snapshot_tags(aws: AwsSession) -> dict[str, str]:
    tags = aws.client("iam").get_role(RoleName=ROLE)["Role"]["Tags"]
    return {t["Key"]: t["Value"] for t in tags}


def test_plan_blocks_a_path_change_iam_cannot_make(aws: AwsSession) -> None:
    apply(aws, bundle_from(V1))
    moved = bundle_from(V1.replace("role: {", "role: {path: /svc/, "))
    plan = make_plan(aws, moved)
    assert any("cannot change a role's path" in b for b in plan.blockers)
    with pytest.raises(UserError, match="path"):
        execute(aws, plan)


def test_deployer_policy_name_with_deployer_false_is_refused(aws: AwsSession) -> None:
    with pytest.raises(UserError, match="deployer: false"):
        make_plan(aws, bundle_from(V1 + "deployer: false\n"), deployer_policy_name=DEPLOYER)


def test_a_failed_call_names_the_change_and_says_to_run_apply_again(aws: AwsSession) -> None:
    fail = FailAt(aws.client("iam"), operation="PutRolePolicy", error=access_denied)
    with fail, pytest.raises(AwsFailure) as caught:
        apply(aws, bundle_from(V1))
    message = str(caught.value)
    assert "\n" not in message
    assert "create inline policy orders-api-access" in message
    assert "PutRolePolicy: AccessDenied" in message
    assert "run apply again" in message
    assert caught.value.exit_code == 1


# --------------------------------------------------------------------------- fault injection


def throttled(op: str) -> Exception:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, op
    )


def access_denied(op: str) -> Exception:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, op
    )


def dropped(op: str) -> Exception:
    return botocore.exceptions.EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/")


def server_error(op: str) -> Exception:
    page = (
        "<!doctype html>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>"
    )
    return botocore.exceptions.ClientError(
        {"Error": {"Code": "500", "Message": page}, "ResponseMetadata": {"HTTPStatusCode": 500}}, op
    )


ERRORS = (throttled, access_denied, dropped, server_error)


class FailAt:
    """Raise on the Nth IAM call (or on the first call of one operation).

    ``after=True`` raises once the call has reached the account: the change was made but
    the caller never heard back, like a connection dropped before the response.
    """

    def __init__(
        self,
        client: Any,
        *,
        n: int | None = None,
        operation: str | None = None,
        error: Any = throttled,
        after: bool = False,
    ) -> None:
        self.events = client.meta.events
        self.n, self.operation, self.error = n, operation, error
        self.event = "after-call.iam" if after else "before-call.iam"
        self.count = 0
        self.fired = False

    def __call__(self, model: Any, **_: Any) -> None:
        self.count += 1
        hit = self.count == self.n if self.n is not None else model.name == self.operation
        if hit and not self.fired:
            self.fired = True
            raise self.error(model.name)

    def __enter__(self) -> FailAt:
        self.events.register(self.event, self, unique_id="fail-at")
        return self

    def __exit__(self, *exc: object) -> None:
        self.events.unregister(self.event, unique_id="fail-at")


class CallCounter(FailAt):
    def __init__(self, client: Any) -> None:
        super().__init__(client, n=0)


def prepare_v1(aws: AwsSession) -> None:
    """An owned V1 role with drift: a hand-made inline policy, an edited trust policy, and a
    boundary policy already at IAM's five versions."""
    apply(aws, bundle_from(V1), deployer_policy_name=DEPLOYER)
    iam = aws.client("iam")
    iam.put_role_policy(RoleName=ROLE, PolicyName="handmade", PolicyDocument=HANDMADE)
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=LOOSE_TRUST)
    arn = stand_in(f"{ROLE}-boundary")
    doc = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"]
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc), SetAsDefault=True)


def count_calls(aws: AwsSession, prepare: Any) -> tuple[int, dict[str, Any]]:
    with mock_aws():
        seed(aws)
        prepare(aws)
        with CallCounter(aws.client("iam")) as counter:
            apply(aws, bundle_from(V2), deployer_policy_name=DEPLOYER)
        return counter.count, snapshot(aws)


@pytest.mark.parametrize("after", [False, True], ids=["before-call", "after-call"])
@pytest.mark.parametrize(
    "prepare", [lambda aws: None, prepare_v1], ids=["create", "update-with-drift"]
)
def test_a_failure_at_any_call_is_completed_by_the_next_apply(prepare: Any, after: bool) -> None:
    aws = new_session()  # one session (and client) for every fresh account: faster
    calls, clean = count_calls(aws, prepare)
    assert calls >= 9  # reads and writes: every one gets its turn to fail
    bundle = bundle_from(V2)
    for n in range(1, calls + 1):
        with mock_aws():
            seed(aws)
            prepare(aws)
            error = ERRORS[n % len(ERRORS)]
            fail = FailAt(aws.client("iam"), n=n, error=error, after=after)
            with fail, pytest.raises(AwsFailure) as caught:
                apply(aws, bundle, deployer_policy_name=DEPLOYER)
            assert fail.fired and "\n" not in str(caught.value)
            apply(aws, bundle, deployer_policy_name=DEPLOYER)
            assert snapshot(aws) == clean, f"call {n}"
            assert make_plan(aws, bundle, deployer_policy_name=DEPLOYER).changes == [], n
