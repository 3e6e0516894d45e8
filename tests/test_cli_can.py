"""``role-wizard can``: one request or JSON lines of them, over documents and `build` bundles.

Policy examples follow the IAM User Guide ("Policy evaluation logic", "Permissions
boundaries for IAM entities", "AWS: Denies access to AWS based on the requested Region",
"Controlling access during AWS requests" for aws:TagKeys).
"""

from __future__ import annotations

import json

import pytest
from cli_helpers import doc, one_line_error, write

from wizard.cli.evaluate import _context

ACCOUNT = "123456789012"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders"


# IAM User Guide, "Policy evaluation logic": an explicit deny overrides any allow.
ALLOW_S3 = doc({"Sid": "AllowS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"})
DENY_DELETE = doc(
    {"Sid": "NoBucketDelete", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
)
# IAM User Guide, "Permissions boundaries": the identity policy allows iam:CreateUser, the
# boundary allows only S3, CloudWatch and EC2, so CreateUser is not allowed.
CREATE_USER = doc({"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"})
BOUNDARY = doc(
    {"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*"], "Resource": "*"},
)
# IAM User Guide example: deny everything outside two Regions, except global services.
REGION_LOCK = doc(
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {
        "Sid": "DenyAllOutsideRequestedRegions",
        "Effect": "Deny",
        "NotAction": ["cloudfront:*", "iam:*", "route53:*", "support:*"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}},
    },
)
# aws:TagKeys is multivalued: ForAnyValue holds when one request value matches.
TAG_KEYS = doc(
    {
        "Effect": "Allow",
        "Action": "ec2:CreateTags",
        "Resource": "*",
        "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["cost-center"]}},
    }
)


# --------------------------------------------------------------------------- decisions


def test_allowed_prints_the_decision_and_the_statement_and_exits_0(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    r = run_cli("can", "s3:GetObject", "arn:aws:s3:::b/k", "--policy", p)
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0] == "Allowed"
    assert "policy s3.json, statement 0 (Sid AllowS3)" in r.out


def test_explicit_deny_in_another_policy_wins_and_exits_1(tmp_path, run_cli):
    a, d = write(tmp_path, "a.json", ALLOW_S3), write(tmp_path, "d.json", DENY_DELETE)
    r = run_cli("can", "s3:DeleteBucket", "arn:aws:s3:::b", "-p", a, "-p", d)
    assert r.code == 1
    assert r.out.splitlines()[0] == "ExplicitlyDenied"
    assert "Sid NoBucketDelete" in r.out


def test_no_matching_statement_is_implicitly_denied(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    r = run_cli("can", "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q", "--policy", p)
    assert (r.code, r.out.splitlines()[0]) == (1, "ImplicitlyDenied")


def test_boundary_that_does_not_allow_the_action_denies_it(tmp_path, run_cli):
    p, b = write(tmp_path, "id.json", CREATE_USER), write(tmp_path, "b.json", BOUNDARY)
    r = run_cli("can", "iam:CreateUser", "*", "--policy", p, "--boundary", b)
    assert r.code == 1
    assert "ImplicitlyDenied" in r.out
    assert "the permissions boundary does not allow it" in r.out


def test_without_the_boundary_the_same_request_is_allowed(tmp_path, run_cli):
    p = write(tmp_path, "id.json", CREATE_USER)
    assert run_cli("can", "iam:CreateUser", "*", "--policy", p).code == 0


def test_notaction_deny_applies_outside_the_allowed_regions(tmp_path, run_cli):
    p = write(tmp_path, "region.json", REGION_LOCK)
    r = run_cli(
        "can", "ec2:RunInstances", "*", "-p", p, "--context", "aws:RequestedRegion=us-east-1"
    )
    assert (r.code, r.out.splitlines()[0]) == (1, "ExplicitlyDenied")


def test_notaction_deny_skips_the_actions_it_lists(tmp_path, run_cli):
    p = write(tmp_path, "region.json", REGION_LOCK)
    r = run_cli("can", "iam:CreateUser", "*", "-p", p, "-c", "aws:RequestedRegion=us-east-1")
    assert (r.code, r.out.splitlines()[0]) == (0, "Allowed")


def test_notaction_deny_does_not_apply_inside_the_allowed_regions(tmp_path, run_cli):
    p = write(tmp_path, "region.json", REGION_LOCK)
    r = run_cli("can", "ec2:RunInstances", "*", "-p", p, "-c", "aws:RequestedRegion=eu-west-1")
    assert r.code == 0


def test_json_format_is_the_evaluation_plus_action_and_resource(tmp_path, run_cli):
    a, d = write(tmp_path, "a.json", ALLOW_S3), write(tmp_path, "d.json", DENY_DELETE)
    r = run_cli("can", "s3:DeleteBucket", "arn:aws:s3:::b", "-p", a, "-p", d, "--format", "json")
    out = json.loads(r.out)
    assert out["action"] == "s3:DeleteBucket"
    assert out["resource"] == "arn:aws:s3:::b"
    assert out["decision"] == "ExplicitlyDenied"
    assert out["statements"] == [
        {
            "policy": "d.json",
            "policy_index": 1,
            "statement": 0,
            "sid": "NoBucketDelete",
            "effect": "Deny",
        }
    ]


def test_unknown_action_is_evaluated_with_a_warning_on_stderr(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    r = run_cli("can", "s3:GetObjekt", "arn:aws:s3:::b/k", "--policy", p)
    assert r.code == 0  # s3:* matches it, as it would in AWS
    assert "s3:GetObjekt is not in the IAM reference" in r.err


def test_known_action_gives_no_warning(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    assert run_cli("can", "s3:GetObject", "arn:aws:s3:::b/k", "--policy", p).err == ""


# --------------------------------------------------------------------------- context


def test_repeated_context_key_makes_a_list():
    assert _context(["aws:TagKeys=a", "aws:TagKeys=b", "aws:TagKeys=c"]) == {
        "aws:TagKeys": ["a", "b", "c"]
    }


def test_context_values_stay_strings_and_keep_later_equals_signs():
    assert _context(["n=3", "flag=true", "q=a=b"]) == {"n": "3", "flag": "true", "q": "a=b"}


def test_multivalued_context_reaches_the_condition(tmp_path, run_cli):
    p = write(tmp_path, "tags.json", TAG_KEYS)
    args = ("can", "ec2:CreateTags", "*", "-p", p)
    both = run_cli(*args, "-c", "aws:TagKeys=cost-center", "-c", "aws:TagKeys=environment")
    assert both.code == 0  # the first value matches, although the last does not


def test_context_without_equals_sign_is_a_one_line_error(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    r = run_cli("can", "s3:GetObject", "*", "-p", p, "-c", "aws:SourceIp")
    assert r.code == 2
    assert r.err.count("\n") == 1 and "KEY=VALUE" in r.err


# --------------------------------------------------------------------------- bundles


def test_bundle_identity_policies_allow_what_the_spec_asked_for(orders_bundle, run_cli):
    r = run_cli("can", "dynamodb:GetItem", TABLE, "--policy", orders_bundle)
    assert r.code == 0
    assert "and the permissions boundary" in r.out


def test_bundle_boundary_applies(orders_bundle, run_cli):
    r = run_cli(
        "can", "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/admin", "--policy", orders_bundle
    )
    assert (r.code, r.out.splitlines()[0]) == (1, "ExplicitlyDenied")
    assert "explicitly denied by the permissions boundary" in r.out


def test_bundle_does_not_grant_what_the_spec_did_not_ask_for(orders_bundle, run_cli):
    r = run_cli("can", "dynamodb:PutItem", TABLE, "--policy", orders_bundle)
    assert (r.code, r.out.splitlines()[0]) == (1, "ImplicitlyDenied")


def test_explicit_boundary_overrides_the_bundles(orders_bundle, tmp_path, run_cli):
    b = write(tmp_path, "b.json", BOUNDARY)  # allows no dynamodb
    r = run_cli("can", "dynamodb:GetItem", TABLE, "--policy", orders_bundle, "--boundary", b)
    assert r.code == 1
    assert "the permissions boundary does not allow it" in r.out


# --------------------------------------------------------------------------- --requests


def test_requests_gives_one_json_line_per_request_in_order(orders_bundle, tmp_path, run_cli):
    lines = [
        {"action": "dynamodb:GetItem", "resource": TABLE},
        {"action": "dynamodb:DeleteTable", "resource": TABLE},
        {"action": "iam:CreateUser", "resource": "*", "context": {"aws:RequestedRegion": "x"}},
    ]
    req = write(tmp_path, "r.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    r = run_cli("can", "--requests", req, "--policy", orders_bundle)
    assert r.code == 0, r.err
    out = [json.loads(line) for line in r.out.splitlines()]
    assert [o["decision"] for o in out] == ["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"]
    assert [o["action"] for o in out] == [x["action"] for x in lines]
    assert out[0]["resource"] == TABLE
    assert out[0]["statements"][0]["policy"].endswith("-access")


def test_requests_lines_are_the_evaluations_json_text(tmp_path, run_cli):
    """Each output line is, byte for byte, the compact JSON of the request's Evaluation (the
    CLI serialises each deciding statement once and joins them: it must not drift from
    ``Evaluation.to_dict``)."""
    from wizard.policy.evaluate import Evaluator

    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/private/*"},
            {
                "Sid": "D",
                "Effect": "Deny",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::*/secret/*",
            },
            {
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::b/*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a"}},
            },
        ],
    }
    p = write(tmp_path, "p.json", json.dumps(policy))
    lines = [
        {"action": a, "resource": f"arn:aws:s3:::b/{k}"}
        for a in ("s3:GetObject", "s3:PutObject", "s3:ListBucket", "ec2:RunInstances")
        for k in ("x", "private/x", "x/secret/y")
    ]
    req = write(tmp_path, "r.jsonl", "".join(json.dumps(x) + "\n" for x in lines) * 2)
    r = run_cli("can", "--requests", req, "--policy", p)
    assert r.code == 0, r.err
    ev = Evaluator([("p.json", policy)])
    expected = [
        json.dumps(
            {**x, **ev.evaluate(x["action"], x["resource"]).to_dict()},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for x in lines * 2
    ]
    assert r.out.splitlines() == expected
    assert {json.loads(x)["decision"] for x in expected} == {
        "Allowed",
        "ExplicitlyDenied",
        "ImplicitlyDenied",
    }


def test_requests_context_object_is_used(tmp_path, run_cli):
    p = write(tmp_path, "region.json", REGION_LOCK)
    req = write(
        tmp_path,
        "r.jsonl",
        '{"action": "ec2:RunInstances", "resource": "*", "context": {"aws:RequestedRegion": "eu-west-1"}}\n'
        '{"action": "ec2:RunInstances", "resource": "*", "context": {"aws:RequestedRegion": "us-east-1"}}\n',
    )
    out = run_cli("can", "-r", req, "-p", p).out.splitlines()
    assert [json.loads(x)["decision"] for x in out] == ["Allowed", "ExplicitlyDenied"]


def test_bad_request_lines_get_error_lines_and_the_rest_still_run(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    req = write(
        tmp_path,
        "r.jsonl",
        "\n".join(
            [
                '{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}',
                "{not json",
                "",
                '["s3:GetObject"]',
                '{"action": "s3:GetObject"}',
                '{"action": "s3:GetObject", "resource": "x", "context": [1]}',
                '{"action": "sqs:SendMessage", "resource": "arn:aws:sqs:us-east-1:1:q"}',
            ]
        ),
    )
    r = run_cli("can", "--requests", req, "--policy", p)
    out = [json.loads(line) for line in r.out.splitlines()]
    assert [o.get("line") for o in out] == [None, 2, 4, 5, 6, None]
    assert out[1]["error"].startswith("line 2: not valid JSON")
    assert "expected a JSON object" in out[2]["error"]
    assert '"resource"' in out[3]["error"]
    assert '"context"' in out[4]["error"]
    assert out[5]["decision"] == "ImplicitlyDenied"
    assert r.code == 2
    assert "4 request lines could not be evaluated" in r.err


def test_requests_skips_blank_lines(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    req = write(tmp_path, "r.jsonl", '\n\n{"action": "s3:GetObject", "resource": "*"}\n  \n')
    r = run_cli("can", "--requests", req, "--policy", p)
    assert (r.code, len(r.out.splitlines())) == (0, 1)


def test_requests_do_not_warn_about_unknown_actions(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    req = write(tmp_path, "r.jsonl", '{"action": "s3:GetObjekt", "resource": "*"}\n')
    r = run_cli("can", "--requests", req, "--policy", p)
    assert (r.code, r.err) == (0, "")


def test_requests_with_action_argument_is_a_usage_error(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    req = write(tmp_path, "r.jsonl", "")
    r = run_cli("can", "s3:GetObject", "*", "--requests", req, "--policy", p)
    assert r.code == 2 and "not both" in r.err


# --------------------------------------------------------------------------- bad input


def test_missing_policy_file_is_one_line(tmp_path, run_cli):
    r = run_cli("can", "s3:GetObject", "*", "--policy", tmp_path / "nope.json")
    assert one_line_error(r) and "nope.json: no such file" in r.err


def test_missing_requests_file_is_one_line(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    r = run_cli("can", "--requests", tmp_path / "nope.jsonl", "--policy", p)
    assert one_line_error(r) and "no such file" in r.err


def test_invalid_json_policy_is_one_line_naming_the_position(tmp_path, run_cli):
    p = write(tmp_path, "bad.json", '{"Version": "2012-10-17",\n "Statement": [}')
    r = run_cli("can", "s3:GetObject", "*", "--policy", p)
    assert one_line_error(r) and "not valid JSON" in r.err and "line 2" in r.err


def test_policy_that_is_a_list_is_one_line(tmp_path, run_cli):
    p = write(tmp_path, "list.json", [ALLOW_S3])
    r = run_cli("can", "s3:GetObject", "*", "--policy", p)
    assert one_line_error(r) and "not a list" in r.err


def test_policy_with_a_bad_statement_is_one_line(tmp_path, run_cli):
    p = write(tmp_path, "bad.json", doc({"Effect": "Permit", "Action": "s3:*", "Resource": "*"}))
    r = run_cli("can", "s3:GetObject", "*", "--policy", p)
    assert one_line_error(r) and "Effect" in r.err


def test_non_utf8_policy_is_one_line(tmp_path, run_cli):
    p = tmp_path / "latin1.json"
    p.write_bytes(b'{"Statement": "\xff"}')
    r = run_cli("can", "s3:GetObject", "*", "--policy", p)
    assert one_line_error(r) and "not UTF-8" in r.err


def test_missing_resource_argument_is_one_line(tmp_path, run_cli):
    p = write(tmp_path, "s3.json", ALLOW_S3)
    r = run_cli("can", "s3:GetObject", "--policy", p)
    assert one_line_error(r) and "RESOURCE" in r.err


# --------------------------------------------------------------------------- what IAM rejects

REJECTED = {
    "empty-notaction": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":[],'
    '"Resource":"*"}]}',
    "empty-notresource": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",'
    '"NotResource":[]}]}',
    "effect-twice": '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Effect":"Allow",'
    '"Action":"s3:GetObject","Resource":"*"}]}',
    "statement-twice": '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*",'
    '"Resource":"*"}],"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
    "principal-in-identity": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Principal":"*","Action":"s3:GetObject","Resource":"*"}]}',
    "unknown-operator-in-deny": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*",'
    '"Condition":{"StringEqualz":{"aws:username":"x"}}}]}',
    "service-wildcard-arn": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Action":"s3:GetObject","Resource":"arn:aws:*:us-east-1:123456789012:*"}]}',
    "empty-action-list": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],'
    '"Resource":"*"}]}',
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_can_refuses_a_policy_iam_rejects_with_the_validators_message(tmp_path, run_cli, name):
    p = write(tmp_path, "p.json", REJECTED[name])
    r = run_cli("can", "s3:GetObject", "arn:aws:s3:::b/k", "--policy", p)
    assert one_line_error(r), r
    v = run_cli("validate", p, "--format", "json")
    errors = [f["message"] for f in json.loads(v.out) if f["severity"] == "error"]
    assert any(m in r.err for m in errors), (r.err, errors)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_can_refuses_it_as_a_boundary_too(tmp_path, run_cli, name):
    ok = write(tmp_path, "ok.json", doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
    b = write(tmp_path, "b.json", REJECTED[name])
    r = run_cli("can", "s3:GetObject", "arn:aws:s3:::b/k", "--policy", ok, "--boundary", b)
    assert one_line_error(r), r
