"""The spec model refuses nonsense, and the composer's edge cases (secrets, SSM paths, S3
prefixes, boundary ARNs, resources outside the stack's account) give exactly what is meant."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.policy.evaluate import Evaluator
from wizard.spec import RoleSpec, load_spec_text, spec_warnings

ACC = "123456789012"
HEAD = f"function: fn\naccount: '{ACC}'\nregion: us-east-1\n"


def load(body: str, head: str = HEAD):
    return load_spec_text(head + body, "role.yaml")


def refused(body: str, head: str = HEAD) -> str:
    with pytest.raises(UserError) as info:
        spec, ctx = load(body, head)
        compose(spec, ctx)
    return str(info.value)


def evaluator(spec_text: str, values: dict[str, str] | None = None) -> Evaluator:
    """The composed role (identity policies and boundary), with the stack's open values filled."""
    spec, ctx = load_spec_text(spec_text, "role.yaml")
    data = json.dumps(compose(spec, ctx).to_dict())
    for marker, value in (values or {}).items():
        data = data.replace(marker, value)
    bundle = json.loads(data)
    policies = [(p["PolicyName"], p["PolicyDocument"]) for p in bundle["Policies"]]
    boundary = (bundle["PermissionsBoundary"] or {}).get("PolicyDocument")
    return Evaluator(policies, boundary)


# --------------------------------------------------------------------------- nonsense text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('resources: [{kind: s3-prefix, bucket: bkt, prefix: "in\\0put/"}]', "control character"),
        ('resources: [{kind: s3-prefix, bucket: bkt, prefix: "in\\nput/"}]', "control character"),
        ('resources: [{kind: dynamodb-table, name: "Or\\tders"}]', "control character"),
        ('role: {description: "two\\nlines"}', "control character"),
        ('role: {description: "nul\\0"}', "control character"),
        ('role: {description: "snow \\u2603 man"}', "printable ASCII and Latin-1"),
        ('role: {tags: {team: "pay\\nments"}}', "contains"),
        ('role: {tags: {"te\\0am": x}}', "contains"),
        ("role: {tags: {team: [list]}}", "must be text"),
        ("role: {tags: {team: {a: b}}}", "must be text"),
        ("role: {tags: {team: 12}}", "must be text"),
        ("role: {tags: {team: yes}}", "must be text"),
        ("role: {tags: {team: 'a;b'}}", "IAM tags take"),
        ("role: {tags: {team: 'a<b>'}}", "IAM tags take"),
        ("role: {name: rôle}", "role name"),
        ("role: {name: !!binary cm9sZQ==}", "valid string"),
        ("role: {path: /pâth/}", "role path"),
        ("resources: [{kind: sqs-queue, name: [q]}]", "must be text"),
        ("resources: [{kind: sqs-queue, name: 12345}]", "must be text"),
        ("resources: [{kind: sqs-queue, name: 2024-01-01}]", "must be text"),
        ("resources: [{kind: !!binary c3Fz, name: q}]", "valid string"),
        ("managed_policies: [!!binary eA==]", "valid string"),
        ("logs: 1", "valid boolean"),
        ("boundary: 7", "valid string"),
        ("resources: [{kind: ssm-parameter, name: /app/../secret}]", "no . or .. segment"),
        ("resources: [{kind: ssm-parameter, name: ../x}]", "no . or .. segment"),
        ("resources: [{kind: ssm-parameter, name: /app/./x/}]", "no . or .. segment"),
        ("resources: [{kind: ssm-parameter, name: /app/..}]", "no . or .. segment"),
        (
            "resources: [{kind: dynamodb-table, arn: 'arn:aws:dynamodb:us-east-1:aws:table/T'}]",
            "account",
        ),
        (
            "resources: [{kind: custom, actions: [s3:GetObject], "
            "resources: ['arn:aws:s3:us-east-1:aws:b/k']}]",
            "AWS managed policies",
        ),
    ],
)
def test_nonsense_in_a_spec_is_refused_with_its_line(body, message):
    error = refused(body)
    assert error.startswith("role.yaml:4: ") and message in error and "\n" not in error


def test_function_as_binary_is_refused_not_coerced():
    error = refused("", head="function: !!binary Zm4=\n")
    assert "function" in error and "valid string" in error


def test_an_account_aws_arn_is_refused_when_the_spec_leaves_the_account_open():
    body = "resources: [{kind: sqs-queue, arn: 'arn:aws:sqs:us-east-1:aws:q'}]"
    assert "the account 'aws' belongs to AWS managed policies only" in refused(
        body, head="function: fn\n"
    )


def test_an_aws_managed_policy_arn_may_say_aws_in_a_custom_entry():
    body = (
        "resources: [{kind: custom, actions: [iam:GetPolicy], "
        "resources: ['arn:aws:iam::aws:policy/AdministratorAccess']}]"
    )
    spec, _ = load(body)
    assert spec.resources[0].resources == ["arn:aws:iam::aws:policy/AdministratorAccess"]


@pytest.mark.parametrize(
    "text", ["team", "Zahlungsverkehr ü", "日本語", "a_b.c:d/e=f+g-h@i", "", "x" * 256]
)
def test_tag_values_iam_allows_are_kept(text):
    spec, _ = load(f"role: {{tags: {{k: {json.dumps(text)}}}}}")
    assert spec.role.tags == {"k": text}


@given(st.text(min_size=1, max_size=20))
@settings(max_examples=200, deadline=None)
def test_a_tag_value_is_kept_exactly_when_iam_allows_it(text):
    """The IAM rule (letters, digits, space separators, _.:/=+-@), checked char by char."""
    import unicodedata

    allowed = all(
        c in "_.:/=+-@" or unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Zs"
        for c in text
    )
    try:  # the model itself: YAML would fold some characters (U+0085) before it sees them
        spec = RoleSpec.model_validate({"function": "fn", "role": {"tags": {"k": text}}})
    except ValueError:
        assert not allowed
    else:
        assert allowed and spec.role.tags == {"k": text}


@given(st.text(max_size=30))
@settings(max_examples=200, deadline=None)
def test_no_control_character_reaches_a_composed_policy(text):
    body = f"resources: [{{kind: s3-prefix, bucket: bkt, prefix: {json.dumps(text)}}}]"
    try:
        spec, ctx = load(body)
        data = compose(spec, ctx).to_dict()
    except UserError as exc:
        assert "\n" not in str(exc)
        return
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in _strings(data))


def _strings(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "".join(_strings(k) + _strings(v) for k, v in value.items())
    if isinstance(value, list):
        return "".join(_strings(v) for v in value)
    return ""


# --------------------------------------------------------------------------- secrets

SECRET_ARN = f"arn:aws:secretsmanager:us-east-1:{ACC}:secret:orders/db"


@pytest.mark.parametrize(
    "entry",
    [
        "{kind: secretsmanager-secret, name: orders/db}",
        f"{{kind: secretsmanager-secret, arn: '{SECRET_ARN}'}}",
        f"{{kind: secretsmanager-secret, arn: '{SECRET_ARN}-??????'}}",
    ],
    ids=["name", "arn-without-suffix", "arn-with-wildcard"],
)
def test_a_secret_by_name_or_partial_arn_allows_the_real_secret_only(entry):
    ev = evaluator(HEAD + f"resources: [{entry}]\n")
    get = "secretsmanager:GetSecretValue"
    assert ev.evaluate(get, f"{SECRET_ARN}-AbCdEf").allowed
    assert not ev.evaluate(get, f"{SECRET_ARN}-other-AbCdEf").allowed
    assert not ev.evaluate(get, f"{SECRET_ARN}2-AbCdEf").allowed
    assert not ev.evaluate(get, SECRET_ARN).allowed


def test_a_secret_by_full_arn_is_granted_exactly():
    ev = evaluator(
        HEAD + f"resources: [{{kind: secretsmanager-secret, arn: '{SECRET_ARN}-AbCdEf'}}]\n"
    )
    get = "secretsmanager:GetSecretValue"
    assert ev.evaluate(get, f"{SECRET_ARN}-AbCdEf").allowed
    assert not ev.evaluate(get, f"{SECRET_ARN}-AbCdEg").allowed
    assert not ev.evaluate(get, f"{SECRET_ARN}-AbCdEf-XyZ123").allowed


def test_a_secret_name_ending_like_the_suffix_is_a_warning():
    spec, ctx = load("resources: [{kind: secretsmanager-secret, name: orders/db-AbCdEf}]")
    [warning] = spec_warnings(spec)
    assert warning.loc == ("resources", 0, "name")
    assert "random characters" in warning.text(ctx) and warning.text(ctx).startswith("role.yaml:4")
    assert (
        spec_warnings(load("resources: [{kind: secretsmanager-secret, name: orders/db}]")[0]) == []
    )


# --------------------------------------------------------------------------- SSM paths


@pytest.mark.parametrize(
    "entry",
    [
        "{kind: ssm-parameter, name: /app/}",
        f"{{kind: ssm-parameter, arn: 'arn:aws:ssm:us-east-1:{ACC}:parameter/app/'}}",
    ],
)
def test_an_ssm_path_by_name_or_arn_gives_the_same_single_slash_grants(entry):
    spec, ctx = load(f"resources: [{entry}]")
    text = json.dumps(compose(spec, ctx).to_dict())
    assert "//" not in text.replace("arn:aws", "").replace("://", "")
    ev = evaluator(HEAD + f"resources: [{entry}]\n")
    base = f"arn:aws:ssm:us-east-1:{ACC}:parameter/app"
    assert ev.evaluate("ssm:GetParameter", f"{base}/db/url").allowed
    assert ev.evaluate("ssm:GetParametersByPath", base).allowed
    assert not ev.evaluate("ssm:GetParameter", f"{base}-other/x").allowed


# --------------------------------------------------------------------------- S3 prefixes


def test_an_s3_prefix_without_a_slash_is_a_warning_naming_its_line():
    spec, ctx = load("resources:\n  - {kind: s3-prefix, bucket: bkt, prefix: reports}\n")
    [warning] = spec_warnings(spec)
    assert warning.text(ctx).startswith("role.yaml:5: resources[0].prefix: ")
    assert "'reports/'" in warning.message


@pytest.mark.parametrize("prefix", ["reports/", "", "a/b/"])
def test_an_s3_prefix_ending_in_a_slash_or_none_is_no_warning(prefix):
    spec, _ = load(f"resources: [{{kind: s3-prefix, bucket: bkt, prefix: '{prefix}'}}]")
    assert spec_warnings(spec) == []


def test_build_prints_the_warning_on_stderr_and_still_builds(spec_file, run_cli):
    path = spec_file(HEAD + "resources:\n  - {kind: s3-prefix, bucket: bkt, prefix: reports}\n")
    result = run_cli("build", path)
    assert result.code == 0 and json.loads(result.out)["RoleName"] == "fn-role"
    assert result.err.startswith(f"role-wizard: warning: {path}:5: resources[0].prefix: ")
    assert result.err.count("\n") == 1


# --------------------------------------------------------------------------- boundary ARNs


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ("arn:aws:iam::aws:policy/AdministratorAccess", "bounds nothing"),
        (f"arn:aws-us-gov:iam::{ACC}:policy/b", "partition"),
        ("arn:aws:iam::999999999999:policy/b", "not the role's account"),
    ],
)
def test_a_boundary_arn_that_contradicts_the_spec_or_bounds_nothing_is_refused(boundary, message):
    error = refused(f"boundary: {boundary}\n")
    assert error.startswith("role.yaml:4: boundary: ") and message in error


@pytest.mark.parametrize(
    "boundary",
    [f"arn:aws:iam::{ACC}:policy/team/b", "arn:aws:iam::aws:policy/AWSLambdaExecute"],
)
def test_a_boundary_arn_of_this_account_or_a_bounding_managed_policy_is_kept(boundary):
    spec, ctx = load(f"boundary: {boundary}\n")
    assert compose(spec, ctx).boundary_arn == boundary


# --------------------------------------------------------------------------- foreign ARNs

FOREIGN = "arn:aws:dynamodb:eu-west-1:999999999999:table/Far"
OPEN_SPEC = (
    "function: fn\nresources:\n"
    f"  - {{kind: dynamodb-table, arn: '{FOREIGN}', access: read}}\n"
    "  - {kind: dynamodb-table, name: Near, access: write}\n"
)
STACK = {"${AWS::AccountId}": ACC, "${AWS::Region}": "us-east-1"}


def test_the_envelope_allows_exactly_the_grants_on_a_resource_outside_the_stack():
    ev = evaluator(OPEN_SPEC, STACK)
    assert ev.evaluate("dynamodb:GetItem", FOREIGN).allowed
    assert ev.evaluate("dynamodb:Query", FOREIGN + "/index/byDate").allowed
    assert not ev.evaluate("dynamodb:GetItem", FOREIGN + "2").allowed  # a neighbour
    assert not ev.evaluate("dynamodb:PutItem", FOREIGN).allowed  # the write is Near's only
    assert ev.evaluate("dynamodb:PutItem", f"arn:aws:dynamodb:us-east-1:{ACC}:table/Near").allowed


def test_the_envelope_is_never_wider_than_the_identity_outside_the_stack():
    spec, ctx = load_spec_text(OPEN_SPEC, "role.yaml")
    boundary = compose(spec, ctx).boundary.document
    outside = [s for s in boundary["Statement"] if "999999999999" in json.dumps(s.get("Resource"))]
    assert outside and all(
        "*" not in json.dumps(s["Resource"]).replace("/index/*", "") for s in outside
    )
