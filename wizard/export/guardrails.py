"""Guardrails: what watches a role once it is deployed, as CloudFormation or Terraform.

* An EventBridge rule on CloudTrail's management events that change the role (its policies,
  attachments, boundary, trust policy, tags; the calls are listed in ``catalogs/guardrails.yaml``)
  matched on ``requestParameters.roleName``; a second rule on new versions of the spec's own
  boundary policy, matched on ``requestParameters.policyArn``. Both send to an SNS topic whose
  policy lets only these rules publish; ``email`` subscribes an address.
* AWS Config managed rules, scoped to the role (Config names a role by its unique ID, ``AROA...``):
  ``IAM_POLICY_BLACKLISTED_CHECK`` flags a broad AWS managed policy attached to it (the list in
  ``catalogs/guardrails.yaml``, less those the spec attaches), and, when the spec attaches AWS
  managed policies, ``IAM_ROLE_MANAGED_POLICY_CHECK`` flags the role when one is detached.

IAM is a global service: its CloudTrail events reach EventBridge in one region (us-east-1 in
the ``aws`` partition). The CloudFormation template asserts that region in its ``Rules``, the
Terraform configuration in a precondition. What AWS Config cannot express (an inline policy
granting ``*`` on ``*``, the boundary being present) is said in :data:`CONFIG_CANNOT`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from wizard.bundle import RoleBundle
from wizard.catalog.data import catalog_yaml
from wizard.errors import UserError

DETAIL_TYPE = "AWS API Call via CloudTrail"
GUARDRAIL_FORMATS = ("cloudformation", "terraform")
CONFIG_CANNOT = (
    "AWS Config has no managed rule for an inline policy granting * on * "
    "(IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS reads customer-managed policies only, and "
    "IAM_NO_INLINE_POLICY_CHECK flags every inline policy, which is where this role's "
    "permissions are) nor for a role's permissions boundary being present: the EventBridge "
    "rule alerts on PutRolePolicy and DeleteRolePermissionsBoundary, and `role-wizard drift` "
    "checks the content."
)
# RFC 5321's shape, loosely: one @, no spaces, a dot in the domain. SNS checks the rest.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@dataclass(frozen=True)
class Guardrails:
    role_name: str
    partition: str
    event_region: str
    role_pattern: dict[str, Any]
    boundary_pattern: dict[str, Any] | None  # None: the spec makes no boundary policy
    broad_policies: tuple[str, ...]  # ARNs Config flags when attached
    required_policies: tuple[str, ...]  # ARNs Config flags when detached
    email: str | None = None


def _data() -> dict[str, Any]:
    return catalog_yaml("guardrails.yaml")


def _cloudtrail_pattern(events: str, parameter: str, value: str) -> dict[str, Any]:
    """The EventBridge pattern of the IAM calls of catalog list ``events`` whose request
    parameter ``parameter`` is ``value``."""
    return {
        "source": ["aws.iam"],
        "detail-type": [DETAIL_TYPE],
        "detail": {
            "eventSource": ["iam.amazonaws.com"],
            "eventName": list(_data()[events]),
            "requestParameters": {parameter: [value]},
        },
    }


def role_event_pattern(role_name: str) -> dict[str, Any]:
    """The EventBridge pattern of the IAM calls that change role ``role_name``."""
    return _cloudtrail_pattern("role_events", "roleName", role_name)


def policy_event_pattern(policy_arn: str) -> dict[str, Any]:
    """The EventBridge pattern of the IAM calls that change the policy ``policy_arn``."""
    return _cloudtrail_pattern("policy_events", "policyArn", policy_arn)


def guardrails(bundle: RoleBundle, partition: str, *, email: str | None = None) -> Guardrails:
    """What watches ``bundle``'s role in ``partition``. A bad ``email`` is a UserError."""
    if email is not None and not _EMAIL.fullmatch(email):
        raise UserError(f"--email {email!r} is not an email address")
    data = _data()
    boundary = None
    if bundle.boundary is not None:
        arn = f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy/{bundle.boundary.name}"
        boundary = policy_event_pattern(arn)
    attached = {a.lower() for a in bundle.managed_policy_arns}
    broad = tuple(
        arn
        for arn in (f"arn:{partition}:iam::aws:policy/{n}" for n in data["broad_managed_policies"])
        if arn.lower() not in attached
    )
    return Guardrails(
        role_name=bundle.role_name,
        partition=partition,
        event_region=data["event_regions"][partition],
        role_pattern=role_event_pattern(bundle.role_name),
        boundary_pattern=boundary,
        broad_policies=broad,
        required_policies=tuple(bundle.managed_policy_arns),
        email=email,
    )


def _config_rules(g: Guardrails) -> list[tuple[str, str, str, dict[str, str]]]:
    """(label, AWS rule identifier, description, input parameters) of each Config rule."""
    rules = [
        (
            "BroadManagedPolicies",
            "IAM_POLICY_BLACKLISTED_CHECK",
            f"Flags {g.role_name} when a broad AWS managed policy is attached to it",
            {"policyArns": ",".join(g.broad_policies)},
        )
    ]
    if g.required_policies:
        rules.append(
            (
                "SpecManagedPolicies",
                "IAM_ROLE_MANAGED_POLICY_CHECK",
                f"Flags {g.role_name} when a managed policy its spec attaches is detached",
                {"managedPolicyArns": ",".join(g.required_policies)},
            )
        )
    return rules


def _notice(g: Guardrails) -> str:
    return (
        f"Guardrails for the Lambda execution role {g.role_name} (lambda-role-wizard). "
        f"Deploy in {g.event_region} in the role's account: IAM's CloudTrail events are "
        f"delivered to EventBridge there only. AWS Config must record IAM roles there."
    )


def topic_policy(topic: Any, rules: list[Any]) -> dict[str, Any]:
    """The SNS topic's policy: EventBridge may publish, for these rules only."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EventBridgePublishes",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic,
                "Condition": {"ArnEquals": {"aws:SourceArn": rules}},
            }
        ],
    }


# --------------------------------------------------------------------------- CloudFormation


def cloudformation_template(g: Guardrails) -> dict[str, Any]:
    from wizard.export.cloudformation import _sub

    rules = {"RoleChangeRule": g.role_pattern}
    if g.boundary_pattern is not None:
        rules["BoundaryChangeRule"] = g.boundary_pattern
    resources: dict[str, Any] = {
        "AlertTopic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "AlertTopicPolicy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [{"Ref": "AlertTopic"}],
                "PolicyDocument": topic_policy(
                    {"Ref": "AlertTopic"}, [{"Fn::GetAtt": [label, "Arn"]} for label in rules]
                ),
            },
        },
    }
    if g.email:
        resources["AlertEmail"] = {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "TopicArn": {"Ref": "AlertTopic"},
                "Protocol": "email",
                "Endpoint": g.email,
            },
        }
    what = {"RoleChangeRule": f"role {g.role_name}", "BoundaryChangeRule": "its boundary policy"}
    for label, pattern in rules.items():
        resources[label] = {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "Description": f"IAM changes to {what[label]} (lambda-role-wizard guardrails)",
                "State": "ENABLED",
                "EventPattern": _sub(pattern),
                "Targets": [{"Arn": {"Ref": "AlertTopic"}, "Id": "alert-topic"}],
            },
        }
    for label, identifier, description, parameters in _config_rules(g):
        resources[label] = {
            "Type": "AWS::Config::ConfigRule",
            "Properties": {
                "Description": description,
                "Source": {"Owner": "AWS", "SourceIdentifier": identifier},
                "InputParameters": parameters,
                "Scope": {
                    "ComplianceResourceTypes": ["AWS::IAM::Role"],
                    "ComplianceResourceId": {"Ref": "RoleId"},
                },
            },
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": _notice(g),
        "Parameters": {
            "RoleId": {
                "Type": "String",
                "Description": f"The unique ID of role {g.role_name} (aws iam get-role "
                f"--role-name {g.role_name} --query Role.RoleId): AWS Config names roles by it",
                "AllowedPattern": "^AROA[A-Z0-9]+$",
            }
        },
        "Rules": {
            "IamEventsRegion": {
                "Assertions": [
                    {
                        "Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, g.event_region]},
                        "AssertDescription": f"IAM's CloudTrail events reach EventBridge in "
                        f"{g.event_region} only: deploy this stack there",
                    }
                ]
            }
        },
        "Resources": resources,
        "Outputs": {
            "AlertTopicArn": {"Value": {"Ref": "AlertTopic"}},
            **{f"{label}Arn": {"Value": {"Fn::GetAtt": [label, "Arn"]}} for label in rules},
        },
    }


def to_cloudformation(g: Guardrails) -> str:
    from wizard.export.cloudformation import _yaml

    return _yaml(cloudformation_template(g))


# --------------------------------------------------------------------------- Terraform


def _heredoc_with(document: Any, refs: dict[str, str]) -> str:
    """A policy heredoc whose placeholder strings (``refs`` keys) become interpolations."""
    from wizard.export.terraform import _heredoc

    text = _heredoc(document, "  ")
    for token, expression in refs.items():
        text = text.replace(json.dumps(token), '"${' + expression + '}"')
    return text


def to_terraform(g: Guardrails) -> str:
    from wizard.export.terraform import OPEN_VALUES, _block, _heredoc, _string

    rules = {"role_change": g.role_pattern}
    if g.boundary_pattern is not None:
        rules["boundary_change"] = g.boundary_pattern
    topic = "aws_sns_topic.alerts.arn"
    region = OPEN_VALUES["Region"][1]
    blocks = [
        "# " + _notice(g),
        "terraform {\n  required_providers {\n    aws = {\n"
        '      source  = "hashicorp/aws"\n      version = ">= 5.0"\n    }\n  }\n}',
        'data "aws_region" "current" {}',
    ]
    if g.boundary_pattern is not None:
        blocks += ['data "aws_partition" "current" {}', 'data "aws_caller_identity" "current" {}']
    blocks.append(_block('data "aws_iam_role" "watched"', [("name", _string(g.role_name))]))
    blocks.append('resource "aws_sns_topic" "alerts" {}')
    tokens = {f"\x00rule-{label}\x00": f"aws_cloudwatch_event_rule.{label}.arn" for label in rules}
    policy = topic_policy("\x00topic\x00", list(tokens))
    refs = {"\x00topic\x00": topic, **tokens}
    blocks.append(
        _block(
            'resource "aws_sns_topic_policy" "alerts"',
            [("arn", topic), ("policy", _heredoc_with(policy, refs))],
        )
    )
    if g.email:
        pairs = [("topic_arn", topic), ("protocol", '"email"'), ("endpoint", _string(g.email))]
        blocks.append(_block('resource "aws_sns_topic_subscription" "email"', pairs))
    what = {"role_change": f"role {g.role_name}", "boundary_change": "its boundary policy"}
    precondition = (
        "  lifecycle {\n    precondition {\n"
        f"      condition     = {region} == {_string(g.event_region)}\n"
        f"      error_message = {_string(_notice(g))}\n"
        "    }\n  }"
    )
    for label, pattern in rules.items():
        pairs = [
            (
                "description",
                _string(f"IAM changes to {what[label]} (lambda-role-wizard guardrails)"),
            ),
            ("event_pattern", _heredoc(pattern, "  ")),
        ]
        block = _block(f'resource "aws_cloudwatch_event_rule" "{label}"', pairs)
        blocks.append(block[: -len("}")] + "\n" + precondition + "\n}")
        pairs = [
            ("rule", f"aws_cloudwatch_event_rule.{label}.name"),
            ("target_id", '"alert-topic"'),
            ("arn", topic),
        ]
        blocks.append(_block(f'resource "aws_cloudwatch_event_target" "{label}"', pairs))
    for label, identifier, description, parameters in _config_rules(g):
        name = re.sub(r"(?<!^)(?=[A-Z])", "-", label).lower()
        body = [
            f"  name             = {_string(f'{g.role_name}-{name}')}",
            f"  description      = {_string(description)}",
            f"  input_parameters = {_heredoc(parameters, '  ')}",
            "  source {",
            '    owner             = "AWS"',
            f"    source_identifier = {_string(identifier)}",
            "  }",
            "  scope {",
            '    compliance_resource_types = ["AWS::IAM::Role"]',
            "    compliance_resource_id    = data.aws_iam_role.watched.unique_id",
            "  }",
        ]
        tf_label = re.sub(r"-", "_", name)
        blocks.append("\n".join([f'resource "aws_config_config_rule" "{tf_label}" {{', *body, "}"]))
    return "\n\n".join(blocks) + "\n"


def render(g: Guardrails, fmt: str) -> str:
    if fmt == "cloudformation":
        return to_cloudformation(g)
    if fmt == "terraform":
        return to_terraform(g)
    raise UserError(f"unknown guardrails format {fmt!r} ({', '.join(GUARDRAIL_FORMATS)})")
