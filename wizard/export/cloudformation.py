"""The JSON bundle and CloudFormation templates (YAML and JSON) of a role bundle."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from wizard.bundle import RoleBundle
from wizard.errors import UserError

_OPEN = re.compile(r"\$\{AWS::(AccountId|Region|Partition)\}")


def _open_values(data: Any) -> set[str]:
    text = json.dumps(data)
    return set(_OPEN.findall(text))


def to_json(bundle: RoleBundle) -> str:
    """The JSON bundle. It needs a concrete account and region."""
    data = bundle.to_dict()
    missing = _open_values(data)
    if missing:
        names = sorted(
            {"AccountId": "account", "Region": "region", "Partition": "partition"}[m]
            for m in missing
        )
        it = "it" if len(names) == 1 else "them"
        raise UserError(
            f"JSON export needs a concrete {' and '.join(names)}: set {it} in the spec or pass "
            f"--account/--region (CloudFormation export leaves {it} to the stack)"
        )
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _sub(value: Any) -> Any:
    """Wrap strings that hold ``${AWS::...}`` in Fn::Sub, escaping other ``${`` as ``${!``."""
    if isinstance(value, str):
        if _OPEN.search(value):
            escaped = re.sub(r"\$\{(?!AWS::(?:AccountId|Region|Partition)\})", "${!", value)
            return {"Fn::Sub": escaped}
        return value
    if isinstance(value, list):
        return [_sub(v) for v in value]
    if isinstance(value, dict):
        return {k: _sub(v) for k, v in value.items()}
    return value


def _logical_id(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def boundary_description(bundle: RoleBundle) -> str:
    return f"Permissions boundary of {bundle.role_name}"


def deployer_description(bundle: RoleBundle) -> str:
    return f"Lets a deployer pass {bundle.role_name} to Lambda and update its function"


def cloudformation_template(bundle: RoleBundle) -> dict[str, Any]:
    """An ``AWS::IAM::Role``, its boundary and deployer policies, and Outputs for their ARNs."""
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    role: dict[str, Any] = {
        "RoleName": bundle.role_name,
        "Path": bundle.path,
    }
    if bundle.description:
        role["Description"] = bundle.description
    role["AssumeRolePolicyDocument"] = _sub(bundle.assume_role_policy)
    if bundle.policies:
        role["Policies"] = [_sub(p.to_dict()) for p in bundle.policies]
    if bundle.managed_policy_arns:
        role["ManagedPolicyArns"] = list(bundle.managed_policy_arns)
    if bundle.boundary is not None:
        resources["PermissionsBoundaryPolicy"] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "ManagedPolicyName": bundle.boundary.name,
                "Description": boundary_description(bundle),
                "PolicyDocument": _sub(bundle.boundary.document),
            },
        }
        role["PermissionsBoundary"] = {"Ref": "PermissionsBoundaryPolicy"}
        outputs["PermissionsBoundaryArn"] = {
            "Description": "ARN of the permissions boundary policy",
            "Value": {"Ref": "PermissionsBoundaryPolicy"},
        }
    elif bundle.boundary_arn:
        role["PermissionsBoundary"] = bundle.boundary_arn
    if bundle.tags:
        role["Tags"] = [{"Key": k, "Value": v} for k, v in bundle.tags.items()]
    resources["ExecutionRole"] = {"Type": "AWS::IAM::Role", "Properties": role}
    if bundle.boundary is not None:
        resources = {"ExecutionRole": resources.pop("ExecutionRole"), **resources}
    outputs = {
        "RoleArn": {
            "Description": "ARN of the Lambda execution role",
            "Value": {"Fn::GetAtt": ["ExecutionRole", "Arn"]},
        },
        **outputs,
    }
    if bundle.deployer is not None:
        resources["DeployerPolicy"] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "ManagedPolicyName": bundle.deployer.name,
                "Description": deployer_description(bundle),
                "PolicyDocument": _sub(bundle.deployer.document),
            },
        }
        outputs["DeployerPolicyArn"] = {
            "Description": "ARN of the deployer policy (attach it to the CI role)",
            "Value": {"Ref": "DeployerPolicy"},
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Least-privilege execution role {bundle.role_name} (lambda-role-wizard)",
        "Resources": resources,
        "Outputs": outputs,
    }


SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
# Placeholders the user replaces with the function's own (``sam build`` reads CodeUri as a path).
SAM_PLACEHOLDERS = {"CodeUri": "src/", "Handler": "app.handler", "Runtime": "python3.12"}


def sam_template(bundle: RoleBundle) -> dict[str, Any]:
    """The CloudFormation template plus the function as ``AWS::Serverless::Function`` whose
    ``Role`` is the execution role, so SAM does not create a role of its own. The function keeps
    the spec's name: the role's log group and the deployer policy name it."""
    if not bundle.function_name:
        raise UserError("SAM export needs the function's name: build it from a role spec")
    template = cloudformation_template(bundle)
    function = {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "FunctionName": bundle.function_name,
            **SAM_PLACEHOLDERS,
            "Role": {"Fn::GetAtt": ["ExecutionRole", "Arn"]},
        },
    }
    return {
        "AWSTemplateFormatVersion": template["AWSTemplateFormatVersion"],
        "Transform": SAM_TRANSFORM,
        "Description": f"Lambda function {bundle.function_name} with its least-privilege execution "
        f"role (lambda-role-wizard); replace {', '.join(SAM_PLACEHOLDERS)} with your function's",
        "Resources": {"Function": function, **template["Resources"]},
        "Outputs": {
            "FunctionArn": {
                "Description": "ARN of the Lambda function",
                "Value": {"Fn::GetAtt": ["Function", "Arn"]},
            },
            **template["Outputs"],
        },
    }


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_cloudformation_yaml(bundle: RoleBundle) -> str:
    return _yaml(cloudformation_template(bundle))


def to_sam_yaml(bundle: RoleBundle) -> str:
    return _yaml(sam_template(bundle))


def _yaml(template: dict[str, Any]) -> str:
    return yaml.dump(
        template,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1000,
    )


def to_cloudformation_json(bundle: RoleBundle) -> str:
    return json.dumps(cloudformation_template(bundle), indent=2, ensure_ascii=False) + "\n"
