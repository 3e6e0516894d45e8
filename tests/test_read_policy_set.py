"""validate, can and diff read what build writes: JSON bundles, CloudFormation templates (YAML
and JSON) and role specs, through the one reader in wizard/policy/documents.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import one_line_error

from wizard.errors import UserError
from wizard.policy.documents import load_policy_source
from wizard.policy.policyset import load_policy_set

GOLDEN = Path(__file__).parent / "golden"
SPECS = ["orders.yaml", "stream-worker-open.yaml", "gov-boundary-arn.yaml"]
FORMATS = {"cloudformation": "cfn.yaml", "cloudformation-json": "cfn.json"}


def built(run_cli, tmp_path: Path, spec: str, fmt: str) -> Path:
    out = tmp_path / f"{Path(spec).stem}.{fmt}.out"
    result = run_cli("build", GOLDEN / spec, "--format", fmt, "-o", out)
    assert result.code == 0, result.err
    return out


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_template_reads_as_the_bundle_it_was_built_from(spec, fmt, run_cli, tmp_path):
    template = load_policy_source(built(run_cli, tmp_path, spec, fmt))
    from_spec = load_policy_source(GOLDEN / spec)
    assert template.is_bundle and from_spec.is_bundle
    assert template.data == from_spec.data


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_validate_can_and_diff_read_templates_and_specs(spec, fmt, run_cli, tmp_path):
    template = built(run_cli, tmp_path, spec, fmt)
    found = []
    for path in (template, GOLDEN / spec):
        result = run_cli("validate", path, "--fail-on", "warning", "--format", "json")
        assert result.code == 0, result
        found.append([(f["code"], f["location"]) for f in json.loads(result.out)])
    assert found[0] == found[1]
    assert run_cli("diff", template, GOLDEN / spec).code == 0
    assert run_cli("diff", GOLDEN / spec, template).code == 0


def test_can_on_a_template_decides_as_on_the_json_bundle(run_cli, tmp_path):
    template = built(run_cli, tmp_path, "orders.yaml", "cloudformation")
    table = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
    for policy in (template, GOLDEN / "orders.json", GOLDEN / "orders.yaml"):
        assert run_cli("can", "dynamodb:GetItem", table, "-p", policy).code == 0
        assert run_cli("can", "dynamodb:DeleteTable", table, "-p", policy).code == 1


def test_an_open_template_says_how_its_open_values_are_read(run_cli, tmp_path):
    template = built(run_cli, tmp_path, "stream-worker-open.yaml", "cloudformation")
    assert load_policy_set(str(template)).notes == [
        f"{template}: the account, region or partition is left to the stack "
        "(AWS::AccountId, AWS::Region); read as any (*)"
    ]


TEMPLATE = {
    "Resources": {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "p",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "sqs:SendMessage",
                                    "Resource": "QUEUE",
                                }
                            ],
                        },
                    }
                ],
            },
        }
    }
}


def _template(tmp_path: Path, resource: object) -> Path:
    data = json.loads(json.dumps(TEMPLATE))
    data["Resources"]["Role"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0][
        "Resource"
    ] = resource
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ({"Fn::Sub": "arn:aws:sqs:us-east-1:123456789012:q"}, "arn:aws:sqs:us-east-1:123456789012:q"),
        ({"Fn::Sub": "arn:aws:s3:::b/${!aws:username}"}, "arn:aws:s3:::b/${aws:username}"),
        ({"Fn::Sub": ["arn:aws:sqs:us-east-1:123456789012:${Q}", {"Q": "q1"}]}, "arn:aws:sqs:us-east-1:123456789012:q1"),
        ({"Fn::Join": [":", ["arn", "aws", "sqs", "us-east-1", "123456789012", "q"]]}, "arn:aws:sqs:us-east-1:123456789012:q"),
    ],
)  # fmt: skip
def test_fn_sub_and_join_are_resolved(resource, expected, tmp_path):
    [policy] = load_policy_set(str(_template(tmp_path, resource))).identity
    assert policy.document["Statement"][0]["Resource"] == expected


@pytest.mark.parametrize(
    "resource",
    [
        {"Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}"},
        {"Fn::GetAtt": ["Queue", "Arn"]},
        {"Ref": "QueueParameter"},
        {"Fn::ImportValue": "q"},
    ],
)
def test_unresolvable_intrinsics_are_reported_in_one_line(resource, tmp_path, run_cli):
    path = _template(tmp_path, resource)
    for argv in (
        ("validate", path),
        ("can", "sqs:SendMessage", "*", "-p", path),
        ("diff", path, path),
    ):
        result = run_cli(*argv)
        assert one_line_error(result) and "cannot be resolved offline" in result.err


def test_short_form_tags_read_as_their_long_forms(tmp_path):
    path = tmp_path / "t.yaml"
    text = (
        "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n"
        "          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, "
        "Action: sts:AssumeRole}\n"
        "      Policies:\n        - PolicyName: p\n          PolicyDocument:\n"
        "            Version: '2012-10-17'\n            Statement:\n"
        "              - {Effect: Allow, Action: sqs:SendMessage, "
        "Resource: !Sub 'arn:aws:sqs:${AWS::Region}:123456789012:q'}\n"
    )
    path.write_text(text)
    [policy] = load_policy_set(str(path)).identity
    assert policy.document["Statement"][0]["Resource"] == "arn:aws:sqs:*:123456789012:q"


def test_a_template_with_two_roles_is_refused(tmp_path):
    data = json.loads(json.dumps(TEMPLATE))
    data["Resources"]["Other"] = data["Resources"]["Role"]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    with pytest.raises(UserError, match="2 AWS::IAM::Role"):
        load_policy_source(path)


def test_a_bad_spec_is_refused_by_validate_with_its_line(tmp_path, run_cli):
    path = tmp_path / "role.yaml"
    path.write_text("function: fn\nresources:\n  - {kind: sqs-queue}\n")
    result = run_cli("validate", path, "--fail-on", "never")
    assert one_line_error(result) and f"{path}:3: resources[0]" in result.err
