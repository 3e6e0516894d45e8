"""The composer: spec -> trust policy, identity policy, boundary and deployer policy."""

from __future__ import annotations

import itertools
import json
import random
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from wizard.catalog.kinds import catalog
from wizard.catalog.reference import reference
from wizard.errors import UserError
from wizard.export.cloudformation import to_cloudformation_json, to_cloudformation_yaml, to_json
from wizard.policy.compose import Grant, compose, group_statements, identity_grants
from wizard.policy.patterns import wildcard_regex
from wizard.policy.quotas import INLINE_AGGREGATE_LIMIT, MANAGED_LIMIT, policy_size
from wizard.spec import RoleSpec, load_spec_text, resolve_resources

ACCOUNT = "123456789012"
REGION = "us-east-1"


def make_spec(**fields: Any) -> RoleSpec:
    data = {"function": "orders-api", "account": ACCOUNT, "region": REGION, **fields}
    return RoleSpec.model_validate(data)


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def granted(document: dict) -> set[tuple[str, str, str]]:
    """Every (action, resource, condition) an Allow document grants, statement by statement."""
    out = set()
    for st in document["Statement"]:
        assert st["Effect"] == "Allow"
        cond = json.dumps(st["Condition"], sort_keys=True) if "Condition" in st else ""
        for action in as_list(st["Action"]):
            for resource in as_list(st["Resource"]):
                out.add((action, resource, cond))
    return out


def requested(spec: RoleSpec) -> set[tuple[str, str, str]]:
    """What the spec asks for, straight from the catalog templates (before any grouping)."""
    grants = identity_grants(spec, resolve_resources(spec), catalog())
    return {(g.action, g.resource, normalise(g.condition)) for g in grants}


def normalise(condition: str) -> str:
    return json.dumps(json.loads(condition), sort_keys=True) if condition else ""


def identity(bundle) -> dict:
    assert len(bundle.policies) == 1
    return bundle.policies[0].document


RICH = [
    {"kind": "dynamodb-table", "name": "Orders", "access": "read-write"},
    {"kind": "dynamodb-table", "name": "Customers", "access": "read-write"},
    {"kind": "dynamodb-table", "name": "Audit", "access": "write"},
    {"kind": "dynamodb-stream", "table": "Orders"},
    {"kind": "s3-prefix", "bucket": "uploads", "prefix": "incoming/", "access": "read"},
    {"kind": "s3-prefix", "bucket": "archive", "access": "read-write"},
    {"kind": "sqs-queue", "name": "orders-events", "access": "consume"},
    {"kind": "sns-topic", "name": "alerts"},
    {"kind": "kms-key", "id": "1234abcd-12ab-34cd-56ef-1234567890ab", "via": "s3"},
    {"kind": "secretsmanager-secret", "name": "orders/db"},
    {"kind": "ssm-parameter", "name": "/orders/config/"},
    {"kind": "kinesis-stream", "name": "clicks"},
    {"kind": "eventbridge-bus", "name": "default"},
    {"kind": "stepfunctions-state-machine", "name": "checkout"},
    {"kind": "lambda-function", "name": "pricing"},
    {"kind": "custom", "actions": ["ses:SendEmail"], "resources": [f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com"]},
]  # fmt: skip


# --------------------------------------------------------------------------- identity policy


def test_resources_with_identical_action_sets_share_one_statement():
    spec = make_spec(
        logs=False,
        resources=[
            {"kind": "sqs-queue", "name": "a", "access": "send"},
            {"kind": "sqs-queue", "name": "b", "access": "send"},
        ],
    )
    statements = identity(compose(spec))["Statement"]
    assert len(statements) == 1
    assert statements[0]["Action"] == ["sqs:GetQueueUrl", "sqs:SendMessage"]
    assert statements[0]["Resource"] == [
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:a",
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:b",
    ]


def test_resources_with_different_action_sets_get_separate_statements():
    spec = make_spec(
        logs=False,
        resources=[
            {"kind": "sqs-queue", "name": "a", "access": "send"},
            {"kind": "sqs-queue", "name": "b", "access": "consume"},
        ],
    )
    statements = identity(compose(spec))["Statement"]
    assert [as_list(s["Resource"]) for s in statements] == [
        [f"arn:aws:sqs:{REGION}:{ACCOUNT}:a"],
        [f"arn:aws:sqs:{REGION}:{ACCOUNT}:b"],
    ]


def test_two_profiles_on_one_resource_merge_into_their_union():
    spec = make_spec(
        logs=False,
        resources=[
            {"kind": "sqs-queue", "name": "a", "access": "send"},
            {"kind": "sqs-queue", "name": "a", "access": "consume"},
        ],
    )
    (statement,) = identity(compose(spec))["Statement"]
    assert "sqs:SendMessage" in statement["Action"]
    assert "sqs:ReceiveMessage" in statement["Action"]


def test_identity_policy_grants_exactly_what_the_spec_asks_for():
    spec = make_spec(resources=RICH, tracing=True, vpc=True)
    assert granted(identity(compose(spec))) == requested(spec)


def test_every_resource_in_the_policy_is_rendered_from_the_spec():
    spec = make_spec(resources=RICH)
    names = ["Orders", "Customers", "Audit", "uploads", "archive", "orders-events", "alerts",
             "1234abcd-12ab-34cd-56ef-1234567890ab", "orders/db", "orders/config", "clicks",
             "default", "checkout", "pricing", "example.com", "/aws/lambda/orders-api"]  # fmt: skip
    for _action, resource, _cond in granted(identity(compose(spec))):
        if resource == "*":
            continue
        assert any(name in resource for name in names), resource
        _arn, _partition, service, region, account, _rest = resource.split(":", 5)
        if service != "s3":
            assert (region, account) == (REGION, ACCOUNT), resource


def test_star_resource_only_for_actions_without_resource_level_permissions():
    spec = make_spec(resources=RICH, tracing=True, vpc=True)
    stars = {a for a, r, _ in granted(identity(compose(spec))) if r == "*"}
    assert stars == {
        "dynamodb:ListStreams",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
    }
    for name in stars:
        assert not reference().action(name).supports_resource_level


def test_sids_are_unique_within_each_policy():
    spec = make_spec(
        resources=[
            *RICH,
            *({"kind": "custom", "actions": [f"sns:{a}"], "resources": [f"arn:aws:sns:{REGION}:{ACCOUNT}:t{i}"]}
              for i, a in enumerate(["Publish", "GetTopicAttributes"] * 7)),
        ]
    )  # fmt: skip
    bundle = compose(spec)
    for document in (identity(bundle), bundle.boundary.document, bundle.deployer.document):
        sids = [s["Sid"] for s in document["Statement"]]
        assert len(sids) == len(set(sids))
        assert all(re.fullmatch(r"[A-Za-z0-9]+", s) for s in sids)


def test_logs_grant_only_the_functions_own_log_group():
    (statement,) = identity(compose(make_spec()))["Statement"]
    assert statement["Resource"] == (
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/orders-api:*"
    )
    assert statement["Action"] == [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ]


def test_no_logs_and_no_resources_gives_no_inline_policy():
    assert compose(make_spec(logs=False, boundary="none")).policies == []


def test_s3_prefix_read_lists_only_the_prefix():
    spec = make_spec(
        logs=False, resources=[{"kind": "s3-prefix", "bucket": "bkt1", "prefix": "in/"}]
    )
    statements = identity(compose(spec))["Statement"]
    assert statements[0]["Resource"] == "arn:aws:s3:::bkt1/in/*"
    assert statements[1] == {
        "Sid": "S3ListPrefix",
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": "arn:aws:s3:::bkt1",
        "Condition": {"StringLike": {"s3:prefix": "in/*"}},
    }


def test_s3_bucket_without_prefix_reads_the_whole_bucket():
    spec = make_spec(logs=False, resources=[{"kind": "s3-prefix", "bucket": "bkt1"}])
    statements = identity(compose(spec))["Statement"]
    assert [(s["Action"], s["Resource"], "Condition" in s) for s in statements] == [
        ("s3:GetObject", "arn:aws:s3:::bkt1/*", False),
        ("s3:ListBucket", "arn:aws:s3:::bkt1", False),
    ]


def test_kms_via_service_adds_a_region_scoped_condition():
    spec = make_spec(logs=False, resources=[{"kind": "kms-key", "id": "k1", "via": "sqs,s3"}])
    (statement,) = identity(compose(spec))["Statement"]
    assert statement["Condition"] == {
        "StringEquals": {
            "kms:ViaService": [f"s3.{REGION}.amazonaws.com", f"sqs.{REGION}.amazonaws.com"]
        }
    }


def test_ssm_path_grants_the_path_and_the_parameters_below_it():
    spec = make_spec(logs=False, resources=[{"kind": "ssm-parameter", "name": "/app/cfg/"}])
    base = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/app/cfg"
    assert granted(identity(compose(spec))) == {
        ("ssm:GetParametersByPath", base, ""),
        ("ssm:GetParametersByPath", base + "/*", ""),
        ("ssm:GetParameter", base + "/*", ""),
        ("ssm:GetParameters", base + "/*", ""),
    }


def test_resource_given_by_arn_is_used_as_given():
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Legacy"
    spec = make_spec(logs=False, resources=[{"kind": "dynamodb-table", "arn": arn}])
    resources = {r for _, r, _ in granted(identity(compose(spec)))}
    assert resources == {arn, arn + "/index/*"}


def test_open_account_and_region_become_cloudformation_pseudo_parameters():
    spec = RoleSpec.model_validate(
        {"function": "fn", "resources": [{"kind": "sqs-queue", "name": "q"}], "logs": False}
    )
    (statement,) = identity(compose(spec))["Statement"]
    assert statement["Resource"] == "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:q"


def test_partition_is_used_in_every_arn():
    spec = make_spec(partition="aws-cn", region="cn-north-1", resources=RICH[:6])
    for _a, resource, _c in granted(identity(compose(spec))):
        assert resource == "*" or resource.startswith("arn:aws-cn:")


def test_managed_policies_by_name_resolve_to_their_arns():
    bundle = compose(make_spec(managed_policies=["AWSLambdaBasicExecutionRole"]))
    assert bundle.managed_policy_arns == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    ]


# --------------------------------------------------------------------------- determinism


def _exports(spec: RoleSpec) -> tuple[str, str, str]:
    bundle = compose(spec)
    return to_json(bundle), to_cloudformation_yaml(bundle), to_cloudformation_json(bundle)


def test_composing_twice_gives_byte_identical_exports():
    spec = make_spec(resources=RICH, tracing=True, vpc=True)
    assert _exports(spec) == _exports(make_spec(resources=RICH, tracing=True, vpc=True))


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@pytest.mark.parametrize("seed", range(3))
def test_key_order_in_the_spec_does_not_change_the_output(seed):
    data = {
        "function": "orders-api",
        "account": ACCOUNT,
        "region": REGION,
        "role": {"description": "d", "tags": {"b": "2", "a": "1"}},
        "tracing": True,
        "resources": RICH,
    }
    shuffled = _shuffled(data, random.Random(seed))
    assert list(shuffled) != list(data) or seed  # the shuffle did reorder something
    assert _exports(RoleSpec.model_validate(shuffled)) == _exports(RoleSpec.model_validate(data))


# --------------------------------------------------------------------------- trust policy


def test_trust_policy_lets_only_lambda_assume_the_role_from_the_account():
    assert compose(make_spec()).assume_role_policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "LambdaAssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }


def test_trust_policy_with_open_account_uses_the_stacks_account():
    spec = RoleSpec.model_validate({"function": "fn"})
    condition = compose(spec).assume_role_policy["Statement"][0]["Condition"]
    assert condition == {"StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"}}


# --------------------------------------------------------------------------- boundaries


def _allows(document: dict) -> list[dict]:
    return [s for s in document["Statement"] if s["Effect"] == "Allow"]


def _denies(document: dict) -> set[str]:
    return {a for s in document["Statement"] if s["Effect"] == "Deny" for a in as_list(s["Action"])}


def test_envelope_allows_only_the_services_the_function_uses():
    spec = make_spec(
        resources=[
            {"kind": "dynamodb-table", "name": "Tbl"},
            {"kind": "s3-prefix", "bucket": "bkt1"},
        ]
    )
    boundary = compose(spec).boundary.document
    services = {a.split(":")[0] for s in _allows(boundary) for a in as_list(s["Action"])}
    assert services == {"dynamodb", "s3", "logs"}


def test_envelope_allows_only_the_access_levels_the_function_uses():
    spec = make_spec(
        logs=False, resources=[{"kind": "dynamodb-table", "name": "Tbl", "access": "read"}]
    )
    boundary = compose(spec).boundary.document
    levels = {
        reference().action(a).access_level for s in _allows(boundary) for a in as_list(s["Action"])
    }
    assert levels == {"Read"}


def test_envelope_resources_stay_in_the_account_and_region():
    spec = make_spec(resources=RICH, tracing=True)
    for statement in _allows(compose(spec).boundary.document):
        for resource in as_list(statement["Resource"]):
            if resource == "*":
                assert all(
                    not reference().action(a).supports_resource_level
                    for a in as_list(statement["Action"])
                )
            elif resource.startswith("arn:aws:s3:::"):
                assert resource.split(":::")[1].split("/")[0] in ("uploads", "archive")
            else:
                assert f":{REGION}:{ACCOUNT}:" in resource, resource


def test_envelope_covers_everything_the_identity_policy_grants():
    spec = make_spec(resources=RICH, tracing=True, vpc=True)
    bundle = compose(spec)
    allows = _allows(bundle.boundary.document)
    for action, resource, _c in granted(identity(bundle)):
        assert any(
            any(wildcard_regex(a, ignore_case=True).match(action) for a in as_list(s["Action"]))
            and any(wildcard_regex(r).match(resource) for r in as_list(s["Resource"]))
            for s in allows
        ), (action, resource)


def test_envelope_denies_privilege_escalation():
    denies = _denies(compose(make_spec(resources=RICH)).boundary.document)
    assert {"iam:*", "sts:AssumeRole", "organizations:*", "account:*"} <= denies


def test_envelope_refuses_a_custom_action_it_would_deny():
    spec = make_spec(
        resources=[{"kind": "custom", "actions": ["iam:PassRole"], "resources": [f"arn:aws:iam::{ACCOUNT}:role/x"]}]
    )  # fmt: skip
    with pytest.raises(UserError, match=r"iam:PassRole is denied by the envelope boundary"):
        compose(spec)


def test_strict_boundary_equals_the_identity_allows():
    bundle = compose(make_spec(boundary="strict", resources=RICH))
    assert bundle.boundary.document == identity(bundle)


def test_strict_boundary_of_a_role_with_no_grants_allows_nothing():
    """No logs and no resources: the strict ceiling is an explicit deny of everything (not a
    missing boundary, which would let a policy added later grant anything)."""

    bundle = compose(make_spec(boundary="strict", logs=False))
    assert bundle.policies == [] and bundle.boundary is not None
    statements = bundle.boundary.document["Statement"]
    assert [(st["Effect"], st["Action"], st["Resource"]) for st in statements] == [
        ("Deny", "*", "*")
    ]
    from wizard.policy.lint import lint_bundle

    assert not lint_bundle(bundle)


def test_boundary_none_attaches_no_boundary():
    bundle = compose(make_spec(boundary="none", resources=RICH))
    assert bundle.boundary is None and bundle.boundary_arn is None


def test_boundary_arn_references_the_existing_policy():
    arn = f"arn:aws:iam::{ACCOUNT}:policy/team-boundary"
    bundle = compose(make_spec(boundary=arn))
    assert bundle.boundary is None
    assert bundle.boundary_arn == arn


# --------------------------------------------------------------------------- deployer


def test_deployer_passes_this_role_to_lambda_only():
    spec = make_spec(role={"name": "orders-role", "path": "/app/"})
    pass_role, deploy = compose(spec).deployer.document["Statement"]
    assert pass_role == {
        "Sid": "PassExecutionRoleToLambda",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": f"arn:aws:iam::{ACCOUNT}:role/app/orders-role",
        "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
    }
    assert deploy["Resource"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-api"
    assert all(a.startswith("lambda:") for a in deploy["Action"])


def test_deployer_false_emits_no_deployer_policy():
    assert compose(make_spec(deployer=False)).deployer is None


# --------------------------------------------------------------------------- quotas


def _tables(n: int, profiles: tuple[str, ...] = ("read-write",)) -> list[dict]:
    return [
        {"kind": "dynamodb-table", "name": f"Table{i:03d}", "access": profiles[i % len(profiles)]}
        for i in range(n)
    ]


def test_many_resources_fit_by_grouping_exactly():
    spec = make_spec(boundary="none", resources=_tables(60))
    one_per_resource = [
        group_statements([g for g in identity_grants(spec, [r], catalog())])
        for r in resolve_resources(spec)
    ]
    ungrouped = {"Version": "2012-10-17", "Statement": [s for ss in one_per_resource for s in ss]}
    assert policy_size(ungrouped) > INLINE_AGGREGATE_LIMIT  # grouping is what makes it fit
    document = identity(compose(spec))
    assert policy_size(document) <= INLINE_AGGREGATE_LIMIT
    assert granted(document) == requested(spec)


def test_overflowing_policy_is_fitted_by_the_dual_grouping_exactly():
    # Each topic gets the same six actions plus its own pair of eleven others: grouped by action
    # sets that is one statement per topic; grouped by resource sets it is much smaller.
    common = [
        "sns:Publish",
        "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic",
        "sns:GetDataProtectionPolicy",
        "sns:Subscribe",
        "sns:ListTagsForResource",
    ]
    others = ["sns:AddPermission", "sns:RemovePermission", "sns:SetTopicAttributes",
              "sns:DeleteTopic", "sns:TagResource", "sns:UntagResource", "sns:CreateTopic",
              "sns:PutDataProtectionPolicy", "sns:ConfirmSubscription", "sns:ListTopics",
              "sns:GetSMSAttributes"]  # fmt: skip
    resources = [
        {"kind": "custom", "actions": [*common, *pair], "resources": [f"arn:aws:sns:{REGION}:{ACCOUNT}:t{i:02d}"]}
        for i, pair in enumerate(itertools.combinations(others, 2))
    ]  # fmt: skip
    spec = make_spec(boundary="none", logs=False, resources=resources)
    grants = identity_grants(spec, resolve_resources(spec), catalog())
    by_actions = {"Version": "2012-10-17", "Statement": group_statements(grants)}
    assert policy_size(by_actions) > INLINE_AGGREGATE_LIMIT
    document = identity(compose(spec))
    assert policy_size(document) <= INLINE_AGGREGATE_LIMIT
    assert granted(document) == requested(spec)


def test_policy_that_cannot_fit_is_refused_saying_by_how_much():
    spec = make_spec(boundary="none", resources=_tables(400, ("read", "write", "read-write")))
    grants = identity_grants(spec, resolve_resources(spec), catalog())
    need = policy_size({"Version": "2012-10-17", "Statement": group_statements(grants)})
    with pytest.raises(UserError) as info:
        compose(spec)
    message = str(info.value)
    assert f"needs {need:,} characters, {need - INLINE_AGGREGATE_LIMIT:,} over" in message
    assert "10,240" in message


def test_strict_boundary_over_the_managed_policy_limit_is_refused_saying_by_how_much():
    spec = make_spec(boundary="strict", resources=_tables(50))
    size = policy_size(identity(compose(make_spec(boundary="none", resources=_tables(50)))))
    assert MANAGED_LIMIT < size <= INLINE_AGGREGATE_LIMIT
    with pytest.raises(UserError, match=f"{size - MANAGED_LIMIT:,} over IAM's 6,144"):
        compose(spec)


def test_group_statements_never_pairs_an_action_with_a_resource_not_asked_for():
    grants = [
        Grant("A", "s3:GetObject", "arn:aws:s3:::a/*", ""),
        Grant("B", "s3:PutObject", "arn:aws:s3:::b/*", ""),
        Grant("C", "s3:GetObject", "arn:aws:s3:::b/*", ""),
    ]
    for by in ("actions", "resources"):
        document = {"Statement": group_statements(grants, by=by)}
        assert granted(document) == {(g.action, g.resource, "") for g in grants}


# --------------------------------------------------------------------------- spec context


def test_compose_error_names_the_spec_line():
    text = (
        "function: fn\n"
        "resources:\n"
        "  - kind: custom\n"
        "    actions: [s3:GetObject]\n"
        '    resources: ["*"]\n'
    )
    spec, ctx = load_spec_text(text, "role.yaml")
    with pytest.raises(UserError) as info:
        compose(spec, ctx)
    assert str(info.value).startswith("role.yaml:5: ")


@settings(max_examples=400, deadline=None)
@given(
    hs.lists(hs.text(alphabet="sStT:aAmM*?é\n-", max_size=8), min_size=1, max_size=3),
    hs.text(alphabet="sStT:aAmMé\n-", max_size=8),
)
def test_action_patterns_match_as_their_regexes_do(patterns, action):
    """The composer's pattern match (``_matches``: no regex for a pattern of stars) against
    each pattern's case-insensitive regex, the one engine's reference."""
    from wizard.policy.compose import _matches
    from wizard.policy.patterns import wildcard_regex

    expected = any(wildcard_regex(p, ignore_case=True).match(action) for p in patterns)
    assert _matches(patterns, action) == expected
