"""The validator's holes of issue 10, each as a class: patterns that cover a whole service,
high-risk actions on named resources, wildcard trust principals, PassRole of another role,
wildcard ARN services; and the envelope boundary that must never widen them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.catalog.reference import reference
from wizard.policy.compose import compose, envelope_boundary, identity_grants
from wizard.policy.evaluate import Evaluator
from wizard.policy.lint import lint_bundle, lint_document
from wizard.policy.lint.data import _catalog_file, risk_classes
from wizard.spec import SpecContext, spec_from_data

ACCOUNT = "123456789012"
BUCKET = "arn:aws:s3:::reports/*"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LAMBDA_ONLY = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = BUCKET, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def found(document: Any, code: str, type: str = "identity") -> list:
    return [f for f in lint_document(document, type) if f.code == code]


def bundle(*statements: dict[str, Any], role: str = "orders-api-role") -> dict[str, Any]:
    return {
        "RoleName": role,
        "AssumeRolePolicyDocument": doc(
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ),
        "Policies": [{"PolicyName": "access", "PolicyDocument": doc(*statements)}],
    }


# --------------------------------------------------------------------------- whole services


@pytest.mark.parametrize(
    "pattern",
    ["s3:?*", "s3:*?", "kms:?*", "lambda:?*", "s3:*******", "s3:**?*", "dynamodb:*?*", "sqs:?*"],
)
def test_a_pattern_that_expands_to_every_action_is_a_whole_service_error(pattern):
    [f] = found(doc(allow(pattern)), "action-wildcard")
    assert f.severity == "error"
    assert "every" in f.message


@pytest.mark.parametrize("pattern", ["kms:*e*", "secretsmanager:*ResourcePolicy"])
def test_a_pattern_covering_every_permissions_management_action_is_an_error(pattern):
    [f] = found(doc(allow(pattern, KEY)), "action-wildcard")
    assert (f.severity, "Permissions management" in f.message) == ("error", True)


@pytest.mark.parametrize("pattern", ["s3:Get*", "s3:*Object", "kms:Decrypt", "dynamodb:Get*"])
def test_a_partial_pattern_is_not_a_whole_service(pattern):
    assert found(doc(allow(pattern)), "action-wildcard") == []


SERVICES = ("s3", "kms", "lambda", "sqs", "sns", "dynamodb", "secretsmanager", "logs")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(service=st.sampled_from(SERVICES), name=st.text("*?abcdeGPtl", min_size=1, max_size=6))
def test_whole_service_wildcard_is_decided_by_expansion(service, name):
    """The finding is an error exactly when the pattern's expansion over the IAM reference is
    every action of the service, or holds all its Permissions management actions."""
    pattern = f"{service}:{name}"
    svc = reference().service(service)
    acts = {a.name.lower() for a in reference().expand(pattern)}
    managing = {k for k, a in svc.actions.items() if "Permissions management" in a.access_level}
    if not acts:
        return  # unknown-action
    expected = ("*" in name or "?" in name) and (
        acts == set(svc.actions) or bool(managing) and managing <= acts
    )
    got = [f for f in found(doc(allow(pattern, "*")), "action-wildcard") if f.severity == "error"]
    assert bool(got) == expected, pattern


# --------------------------------------------------------------------------- high-risk actions

RISKY = [
    (
        "lambda:UpdateFunctionCode",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:other",
        "risky-code-execution",
    ),
    ("kms:PutKeyPolicy", KEY, "risky-resource-policy"),
    ("kms:CreateGrant", KEY, "risky-resource-policy"),
    ("s3:PutBucketPolicy", "arn:aws:s3:::reports", "risky-resource-policy"),
    (
        "secretsmanager:PutResourcePolicy",
        f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf",
        "risky-resource-policy",
    ),
    (
        "codebuild:StartBuild",
        f"arn:aws:codebuild:us-east-1:{ACCOUNT}:project/build",
        "risky-code-execution",
    ),
    (
        "cloudtrail:StopLogging",
        f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main",
        "risky-audit-off",
    ),
    (
        "logs:DeleteLogGroup",
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/x",
        "risky-audit-off",
    ),
    ("s3:PutAccountPublicAccessBlock", "*", "risky-account-setting"),
    ("kms:CreateKey", "*", "risky-account-setting"),
    ("dynamodb:PurchaseReservedCapacityOfferings", "*", "risky-account-setting"),
    ("sns:SetSMSAttributes", "*", "risky-account-setting"),
    ("dynamodb:DeleteTable", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders", "risky-delete"),
]


@pytest.mark.parametrize(("action", "resource", "code"), RISKY)
def test_high_risk_action_on_a_named_resource_is_a_warning(action, resource, code):
    [f] = found(doc(allow(action, resource)), code)
    assert (f.severity, f.pointer) == ("warning", "/Statement/0/Action")


def _risky_entries() -> list[tuple[str, str]]:
    return [(e, cls.code) for cls in risk_classes() for e in cls.actions.values()]


@settings(max_examples=60, deadline=None)
@given(entry=st.sampled_from(_risky_entries()), wild=st.booleans(), case=st.booleans())
def test_every_listed_action_gets_its_class_finding(entry, wild, case):
    """Every action of catalogs/risky-actions.yaml, written as is, in another case, or covered
    by a wildcard, gets its class's warning."""
    action, code = entry
    service, name = action.split(":")
    pattern = f"{service}:{name[:-1]}?" if wild else action
    pattern = pattern.upper() if case else pattern
    assert found(doc(allow(pattern, "*")), code)


def test_every_risky_action_is_in_the_iam_reference_and_has_a_reason():
    data = _catalog_file("risky-actions.yaml")
    for cls in data["classes"].values():
        for entry in cls["actions"]:
            assert reference().action(entry["action"]) is not None, entry
            assert entry["why"].strip(), entry


def test_a_deny_of_a_risky_action_is_fine():
    document = doc(allow("s3:GetObject"), {"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    assert not [f for f in lint_document(document) if f.code.startswith("risky-")]


def test_the_deployer_policy_may_update_the_functions_code():
    data = bundle(allow("s3:GetObject"))
    data["DeployerPolicy"] = {
        "PolicyName": "deployer",
        "PolicyDocument": doc(
            allow(
                "lambda:UpdateFunctionCode",
                f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders-api",
            )
        ),
    }
    assert not [f for f in lint_bundle(data) if f.code.startswith("risky-")]


# --------------------------------------------------------------------------- trust

CONDITIONS = [
    None,
    {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
    {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    {"ArnLike": {"aws:SourceArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:*"}},
]
PRINCIPALS = [
    "*",
    {"AWS": "*"},
    {"AWS": ["arn:aws:iam::111122223333:root", "*"]},
    {"Service": "lambda.amazonaws.com", "AWS": "*"},
]


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_a_wildcard_principal_is_a_finding_whatever_the_condition(principal, condition):
    st_ = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        st_["Condition"] = condition
    [f] = found(doc(st_), "trust-principal-wildcard", "trust")
    assert (f.severity, f.pointer) == ("error", "/Statement/0/Principal")


# --------------------------------------------------------------------------- PassRole

OTHER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/admin"
SELF_ROLE = f"arn:aws:iam::{ACCOUNT}:role/orders-api-role"
FN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:new"


@pytest.mark.parametrize("second", ["lambda:CreateEventSourceMapping", "lambda:InvokeFunction"])
def test_passing_another_named_role_to_a_new_function_is_escalation(second):
    data = bundle(
        allow("iam:PassRole", OTHER_ROLE, Condition=LAMBDA_ONLY),
        allow(["lambda:CreateFunction", second], "*"),
    )
    [f] = [f for f in lint_bundle(data) if f.code == "privilege-escalation"]
    assert OTHER_ROLE in f.message


@pytest.mark.parametrize(
    "role",
    [
        SELF_ROLE,
        "arn:aws:iam::*:role/orders-api-role",
        f"arn:aws:iam::{ACCOUNT}:role/app/orders-api-role",
    ],
)
def test_passing_the_role_itself_is_not_escalation(role):
    data = bundle(
        allow("iam:PassRole", role, Condition=LAMBDA_ONLY),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
    )
    assert "privilege-escalation" not in {f.code for f in lint_bundle(data)}


@pytest.mark.parametrize(
    "role",
    [f"arn:aws:iam::{ACCOUNT}:role/orders-api-rol?", f"arn:aws:iam::{ACCOUNT}:role/orders-*"],
)
def test_a_pattern_that_may_name_other_roles_is_not_the_role_itself(role):
    data = bundle(
        allow("iam:PassRole", role, Condition=LAMBDA_ONLY),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
    )
    assert "privilege-escalation" in {f.code for f in lint_bundle(data)}


# --------------------------------------------------------------------------- ARN service


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:*:us-east-1:{ACCOUNT}:*",
        "arn:aws:s3*:::reports/*",
        "arn:aws:?3:::reports/*",
        f"arn:aws:dynamo*:us-east-1:{ACCOUNT}:table/Orders",
    ],
)
def test_a_wildcard_in_the_service_segment_is_rejected_and_matches_nothing(arn):
    [f] = found(doc(allow("s3:GetObject", arn)), "invalid-grammar")
    assert "service segment" in f.message
    ev = Evaluator([doc(allow("*", arn))])
    for resource in (
        "arn:aws:s3:::reports/a",
        f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders",
    ):
        assert ev.evaluate("s3:GetObject", resource).decision == "ImplicitlyDenied"


# --------------------------------------------------------------------------- the envelope


def _spec(actions: list[str], resources: list[str]) -> Any:
    data = {
        "function": "orders-api",
        "account": ACCOUNT,
        "region": "us-east-1",
        "boundary": "envelope",
        "resources": [{"kind": "custom", "actions": actions, "resources": resources}],
    }
    return spec_from_data(yaml.safe_load(yaml.safe_dump(data)), SpecContext())


def _envelope_allows(actions: list[str], resources: list[str], action: str, resource: str) -> bool:
    from wizard.catalog.kinds import catalog
    from wizard.policy.compose import resolve_resources

    spec = _spec(actions, resources)
    cat = catalog()
    grants = identity_grants(spec, resolve_resources(spec, SpecContext(), cat), cat)
    boundary = envelope_boundary(spec, grants, cat, reference())
    return Evaluator([doc(allow("*", "*"))], boundary).evaluate(action, resource).allowed


OTHER_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/other"


@pytest.mark.parametrize("pattern", ["kms:?*", "kms:*?", "kms:*e*", "kms:*******"])
def test_the_envelope_never_widens_a_wildcard_to_the_service(pattern):
    assert _envelope_allows([pattern], [KEY], "kms:Decrypt", KEY)
    assert not _envelope_allows([pattern], [KEY], "kms:PutKeyPolicy", OTHER_KEY)
    assert not _envelope_allows([pattern], [KEY], "kms:Decrypt", OTHER_KEY)


@pytest.mark.parametrize(("action", "resource", "_code"), [r for r in RISKY if r[1] != "*"])
def test_the_envelope_never_widens_a_risky_action_beyond_its_resource(action, resource, _code):
    other = resource[:-1] + ("x" if resource[-1] != "x" else "y")
    assert _envelope_allows([action], [resource], action, resource)
    assert not _envelope_allows([action], [resource], action, other)


def test_a_custom_whole_service_entry_fails_the_validator():
    bundle_ = compose(_spec(["kms:?*"], [KEY]))
    assert any(f.code == "action-wildcard" and f.severity == "error" for f in lint_bundle(bundle_))
