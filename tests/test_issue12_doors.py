"""Issue 12's doors the other issue-12 tests leave to ``compose``: ``role-wizard build`` itself
on a spec holding every new kind (each profile), a ``kms_key`` and every target slot, judged
through the boundary it writes; and the strict boundary holding ``sts-role`` and
``scheduler-group`` to exactly their one door, as the envelope does
(tests/test_kinds_issue12.py)."""

from __future__ import annotations

import json

import pytest
import test_kinds_issue12 as kinds12
import yaml

from wizard.policy.compose import compose
from wizard.policy.evaluate import ALLOWED, Evaluator
from wizard.spec import RoleSpec

ACC, REGION = kinds12.ACC, kinds12.REGION
KEY = f"arn:aws:kms:{REGION}:{ACC}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DLQ = f"arn:aws:sqs:{REGION}:{ACC}:orders-dlq"
DONE = f"arn:aws:events:{REGION}:{ACC}:event-bus/done"
FAILED = f"arn:aws:sns:{REGION}:{ACC}:failed"
ANYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}  # fmt: skip


# Every case in one role would need an envelope over IAM's 6,144-character managed-policy
# limit (build says so, exit 2): the cases go in two roles, every other one each.
HALVES = {part: dict(list(kinds12.CASES.items())[part::2]) for part in (0, 1)}


def _every_kind_spec(boundary: str, part: int) -> dict:
    """One entry per issue-12 case of that half (every kind and profile across the two), an
    encrypted queue, and the three target slots (the failure topic encrypted)."""
    return {
        "function": "fn-issue12",
        "account": ACC,
        "region": REGION,
        "boundary": boundary,
        "vpc": True,  # efs-access-point mounts from a VPC
        "dead_letter": DLQ,
        "destinations": {"on_success": DONE, "on_failure": {"arn": FAILED, "kms_key": KEY}},
        "resources": [
            *(case.entry for case in HALVES[part].values()),
            {"kind": "sqs-queue", "name": "orders", "access": "consume", "kms_key": KEY},
        ],
    }


def test_the_halves_hold_every_kind():
    assert {c.entry["kind"] for h in HALVES.values() for c in h.values()} == {
        c.entry["kind"] for c in kinds12.CASES.values()
    }


@pytest.mark.parametrize("part", [0, 1])
@pytest.mark.parametrize("boundary", ["envelope", "strict"])
def test_build_writes_a_role_that_allows_every_promised_call_through_its_boundary(
    tmp_path, run_cli, boundary, part
):
    spec = tmp_path / "role.yaml"
    spec.write_text(yaml.safe_dump(_every_kind_spec(boundary, part)), encoding="utf-8")
    result = run_cli("build", spec)
    assert result.code == 0, result.err
    bundle = json.loads(result.out)
    identity = [p["PolicyDocument"] for p in bundle["Policies"]]
    boundary_doc = bundle["PermissionsBoundary"]["PolicyDocument"]
    ev = Evaluator(identity, boundary_doc)
    for name, case in HALVES[part].items():
        for action, resource, context in case.allowed:
            decision = ev.evaluate(action, resource, context).decision
            assert decision == ALLOWED, (name, action, resource, decision)
    queue = f"arn:aws:sqs:{REGION}:{ACC}:orders"
    for action, resource, context in [
        ("sqs:ReceiveMessage", queue, {}),
        ("kms:Decrypt", KEY, {"kms:ViaService": f"sqs.{REGION}.amazonaws.com"}),
        ("sqs:SendMessage", DLQ, {}),
        ("events:PutEvents", DONE, {}),
        ("sns:Publish", FAILED, {}),
        (
            "kms:GenerateDataKey",
            KEY,
            {
                "kms:ViaService": f"sns.{REGION}.amazonaws.com",
                "kms:EncryptionContext:aws:sns:topicArn": FAILED,
            },
        ),  # fmt: skip
    ]:
        assert ev.evaluate(action, resource, context).decision == ALLOWED, (action, resource)
    # ... and the boundary written keeps the doors it opens to exactly one each
    anything = Evaluator([ANYTHING], boundary_doc)
    other_role = f"arn:aws:iam::{ACC}:role/admin"
    assert not anything.evaluate("sts:AssumeRole", other_role).allowed
    to_scheduler = {"iam:PassedToService": "scheduler.amazonaws.com"}
    assert not anything.evaluate("iam:PassRole", other_role, to_scheduler).allowed
    assert not anything.evaluate(
        "iam:PassRole", kinds12.TARGET_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}
    ).allowed


@pytest.mark.parametrize("fmt", ["cloudformation", "terraform", "sam", "cdk-python"])
def test_build_exports_the_every_kind_spec_in_each_format(tmp_path, run_cli, fmt):
    out = ""
    for part in HALVES:
        spec = tmp_path / f"role{part}.yaml"
        spec.write_text(yaml.safe_dump(_every_kind_spec("envelope", part)), encoding="utf-8")
        result = run_cli("build", "--format", fmt, spec)
        assert result.code == 0, result.err
        out += result.out
    for needle in ("sts:AssumeRole", "iam:PassRole", "bedrock:InferenceProfileArn", "@connections"):
        assert needle in out, (fmt, needle)


def test_the_strict_boundary_opens_exactly_the_sts_role_and_scheduler_doors():
    """Strict lists the identity grants as the ceiling: under an identity policy allowing
    everything, it lets the role assume exactly the sts-role entries' roles and pass exactly
    the scheduler's target role, only to EventBridge Scheduler."""
    spec = RoleSpec.model_validate(
        {
            "function": "fn",
            "account": ACC,
            "region": REGION,
            "boundary": "strict",
            "resources": [
                {"kind": "sts-role", "role": "reader", "account_id": "210987654321"},
                {"kind": "scheduler-group", "target_role": "app/invoke"},
            ],
        }
    )
    ev = Evaluator([ANYTHING], compose(spec).boundary.document)
    assert ev.evaluate("sts:AssumeRole", "arn:aws:iam::210987654321:role/reader").allowed
    for role in ("arn:aws:iam::210987654321:role/other", f"arn:aws:iam::{ACC}:role/reader"):
        assert not ev.evaluate("sts:AssumeRole", role).allowed, role
    to_scheduler = {"iam:PassedToService": "scheduler.amazonaws.com"}
    assert ev.evaluate("iam:PassRole", kinds12.TARGET_ROLE, to_scheduler).allowed
    assert not ev.evaluate("iam:PassRole", kinds12.TARGET_ROLE).allowed  # no service named
    assert not ev.evaluate(
        "iam:PassRole", kinds12.TARGET_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}
    ).allowed
    assert not ev.evaluate("iam:PassRole", f"arn:aws:iam::{ACC}:role/admin", to_scheduler).allowed
    for action in ("iam:PutRolePolicy", "iam:AttachRolePolicy", "sts:TagSession"):
        assert not ev.evaluate(action, kinds12.TARGET_ROLE).allowed, action
