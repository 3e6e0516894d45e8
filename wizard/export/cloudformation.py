"""The JSON bundle, CloudFormation templates (YAML and JSON) and SAM template of a role
bundle or of an app's roles."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from wizard.bundle import NamedPolicy, RoleBundle
from wizard.errors import UserError
from wizard.export.roles import RoleSet

_OPEN = re.compile(r"\$\{AWS::(AccountId|Region|Partition)\}")


def _open_values(data: Any) -> set[str]:
    text = json.dumps(data)
    return set(_OPEN.findall(text))


def to_json(roles: RoleBundle | RoleSet) -> str:
    """The JSON bundle (an app: ``{"App": name, "Roles": [bundle, ...]}``). It needs a
    concrete account and region."""
    roles = RoleSet.of(roles)
    data: Any = roles.lone.to_dict() if roles.lone else {
        "App": roles.app,
        "Roles": [b.to_dict() for b in roles.bundles],
    }  # fmt: skip
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


def app_boundary_description(app: str | None) -> str:
    # it names the app, not the roles: a new role sharing the boundary must not change it (a
    # new Description replaces an AWS::IAM::ManagedPolicy)
    return f"Permissions boundary of roles of app {app}"


def deployer_description(bundle: RoleBundle) -> str:
    return f"Lets a deployer pass {bundle.role_name} to Lambda and update its function"


def _role(bundle: RoleBundle, boundary: Any) -> dict[str, Any]:
    """The ``AWS::IAM::Role``; ``boundary`` is its PermissionsBoundary (a Ref or an ARN)."""
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
    if boundary is not None:
        role["PermissionsBoundary"] = boundary
    if bundle.tags:
        role["Tags"] = [{"Key": k, "Value": v} for k, v in bundle.tags.items()]
    return {"Type": "AWS::IAM::Role", "Properties": role}


def _policy(policy: NamedPolicy, description: str) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "ManagedPolicyName": policy.name,
            "Description": description,
            "PolicyDocument": _sub(policy.document),
        },
    }


def _deployer(bundle: RoleBundle) -> dict[str, Any]:
    assert bundle.deployer is not None
    return _policy(bundle.deployer, deployer_description(bundle))


def _output(description: str, value: Any) -> dict[str, Any]:
    return {"Description": description, "Value": value}


ROLE_ARN = "ARN of the Lambda execution role"
BOUNDARY_ARN = "ARN of the permissions boundary policy"
DEPLOYER_ARN = "ARN of the deployer policy (attach it to the CI role)"


def cloudformation_template(roles: RoleBundle | RoleSet) -> dict[str, Any]:
    """An ``AWS::IAM::Role``, its boundary and deployer policies, and Outputs for their ARNs;
    for an app, those of every function (``<Key>ExecutionRole``, ``<Key>DeployerPolicy``) and
    each boundary once."""
    roles = RoleSet.of(roles)
    if roles.lone is None:
        return _app_template(roles)
    bundle = roles.lone
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    boundary: Any = bundle.boundary_arn or None
    if bundle.boundary is not None:
        boundary = {"Ref": "PermissionsBoundaryPolicy"}
    resources["ExecutionRole"] = _role(bundle, boundary)
    outputs["RoleArn"] = _output(ROLE_ARN, {"Fn::GetAtt": ["ExecutionRole", "Arn"]})
    if bundle.boundary is not None:
        description = boundary_description(bundle)
        resources["PermissionsBoundaryPolicy"] = _policy(bundle.boundary, description)
        outputs["PermissionsBoundaryArn"] = _output(
            BOUNDARY_ARN, {"Ref": "PermissionsBoundaryPolicy"}
        )
    if bundle.deployer is not None:
        resources["DeployerPolicy"] = _deployer(bundle)
        outputs["DeployerPolicyArn"] = _output(DEPLOYER_ARN, {"Ref": "DeployerPolicy"})
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Least-privilege execution role {bundle.role_name} (lambda-role-wizard)",
        "Resources": resources,
        "Outputs": outputs,
    }


def _app_template(roles: RoleSet) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    for policy in roles.boundaries():
        lid = _logical_id(policy.name)
        resources[lid] = _policy(policy, app_boundary_description(roles.app))
        outputs[f"{lid}Arn"] = _output(
            f"ARN of the permissions boundary {policy.name}", {"Ref": lid}
        )
    for key, bundle in roles.keyed():
        boundary: Any = bundle.boundary_arn or None
        if bundle.boundary is not None:
            boundary = {"Ref": _logical_id(bundle.boundary.name)}
        resources[f"{key}ExecutionRole"] = _role(bundle, boundary)
        outputs[f"{key}RoleArn"] = _output(
            f"ARN of {bundle.function_name}'s execution role",
            {"Fn::GetAtt": [f"{key}ExecutionRole", "Arn"]},
        )
        if bundle.deployer is not None:
            resources[f"{key}DeployerPolicy"] = _deployer(bundle)
            outputs[f"{key}DeployerPolicyArn"] = _output(
                f"ARN of {bundle.function_name}'s deployer policy (attach it to the CI role)",
                {"Ref": f"{key}DeployerPolicy"},
            )
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Least-privilege execution roles of app {roles.app} (lambda-role-wizard)",
        "Resources": resources,
        "Outputs": outputs,
    }


SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
# Placeholders the user replaces with the function's own (``sam build`` reads CodeUri as a path).
SAM_PLACEHOLDERS = {"CodeUri": "src/", "Handler": "app.handler", "Runtime": "python3.12"}


def _function(bundle: RoleBundle, role: str) -> dict[str, Any]:
    if not bundle.function_name:
        raise UserError("SAM export needs the function's name: build it from a role spec")
    return {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "FunctionName": bundle.function_name,
            **SAM_PLACEHOLDERS,
            "Role": {"Fn::GetAtt": [role, "Arn"]},
        },
    }


def sam_template(roles: RoleBundle | RoleSet) -> dict[str, Any]:
    """The CloudFormation template plus the function as ``AWS::Serverless::Function`` whose
    ``Role`` is the execution role, so SAM does not create a role of its own (an app: every
    function, ``<Key>Function``). The function keeps the spec's name: the role's log group
    and the deployer policy name it."""
    roles = RoleSet.of(roles)
    functions: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    if roles.lone is not None:
        functions["Function"] = _function(roles.lone, "ExecutionRole")
        outputs["FunctionArn"] = _output(
            "ARN of the Lambda function", {"Fn::GetAtt": ["Function", "Arn"]}
        )
        what = f"Lambda function {roles.lone.function_name} with its least-privilege execution role"
    else:
        for key, bundle in roles.keyed():
            functions[f"{key}Function"] = _function(bundle, f"{key}ExecutionRole")
            outputs[f"{key}FunctionArn"] = _output(
                f"ARN of the Lambda function {bundle.function_name}",
                {"Fn::GetAtt": [f"{key}Function", "Arn"]},
            )
        what = f"Lambda functions of app {roles.app} with their least-privilege execution roles"
    template = cloudformation_template(roles)
    return {
        "AWSTemplateFormatVersion": template["AWSTemplateFormatVersion"],
        "Transform": SAM_TRANSFORM,
        "Description": f"{what} (lambda-role-wizard); replace {', '.join(SAM_PLACEHOLDERS)} "
        "with your function's",
        "Resources": {**functions, **template["Resources"]},
        "Outputs": {**outputs, **template["Outputs"]},
    }


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_cloudformation_yaml(roles: RoleBundle | RoleSet) -> str:
    return _yaml(cloudformation_template(roles))


def to_sam_yaml(roles: RoleBundle | RoleSet) -> str:
    return _yaml(sam_template(roles))


def _yaml(template: dict[str, Any]) -> str:
    return yaml.dump(
        template,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1000,
    )


def to_cloudformation_json(roles: RoleBundle | RoleSet) -> str:
    return json.dumps(cloudformation_template(roles), indent=2, ensure_ascii=False) + "\n"
