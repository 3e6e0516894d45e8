"""The role bundle: what the role is. Shaped like the properties of ``AWS::IAM::Role``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from wizard.errors import UserError

Document = dict[str, Any]


@dataclass(frozen=True)
class NamedPolicy:
    name: str
    document: Document

    def to_dict(self) -> dict[str, Any]:
        return {"PolicyName": self.name, "PolicyDocument": self.document}


@dataclass
class RoleBundle:
    role_name: str
    path: str
    assume_role_policy: Document
    policies: list[NamedPolicy] = field(default_factory=list)
    managed_policy_arns: list[str] = field(default_factory=list)
    boundary: NamedPolicy | None = None
    boundary_arn: str | None = None  # an existing boundary policy, referenced by ARN
    deployer: NamedPolicy | None = None
    tags: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    # the Lambda function the role is for (exports that declare the function use it); not part
    # of the JSON bundle, so a bundle read back from JSON has none
    function_name: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON export's shape (key order is part of the format)."""
        out: dict[str, Any] = {"RoleName": self.role_name, "Path": self.path}
        if self.description:
            out["Description"] = self.description
        out["AssumeRolePolicyDocument"] = self.assume_role_policy
        out["Policies"] = [p.to_dict() for p in self.policies]
        out["ManagedPolicyArns"] = list(self.managed_policy_arns)
        if self.boundary is not None:
            out["PermissionsBoundary"] = self.boundary.to_dict()
        elif self.boundary_arn:
            out["PermissionsBoundary"] = {"Arn": self.boundary_arn}
        else:
            out["PermissionsBoundary"] = None
        out["DeployerPolicy"] = self.deployer.to_dict() if self.deployer else None
        out["Tags"] = [{"Key": k, "Value": v} for k, v in self.tags.items()]
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @property
    def identity_documents(self) -> list[NamedPolicy]:
        return list(self.policies)

    @classmethod
    def from_dict(cls, data: Any, source: str = "<bundle>") -> RoleBundle:
        """Read a bundle written by ``build --format json``; a UserError names what is off."""

        def need(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
            if not isinstance(obj, dict) or key not in obj:
                raise UserError(f"{where}: missing {key!r}", where=source)
            if not isinstance(obj[key], kind):
                raise UserError(f"{where}/{key}: wrong type", where=source)
            return obj[key]

        def named(obj: Any, where: str) -> NamedPolicy:
            return NamedPolicy(
                need(obj, "PolicyName", str, where), need(obj, "PolicyDocument", dict, where)
            )

        if not isinstance(data, dict):
            raise UserError("a bundle is a JSON object", where=source)
        policies = [
            named(p, f"/Policies/{i}") for i, p in enumerate(need(data, "Policies", list, ""))
        ]
        boundary = boundary_arn = None
        pb = data.get("PermissionsBoundary")
        if isinstance(pb, dict) and "Arn" in pb:
            boundary_arn = str(pb["Arn"])
        elif pb is not None:
            boundary = named(pb, "/PermissionsBoundary")
        dep = data.get("DeployerPolicy")
        tags = data.get("Tags") or []
        return cls(
            role_name=need(data, "RoleName", str, ""),
            path=str(data.get("Path", "/")),
            assume_role_policy=need(data, "AssumeRolePolicyDocument", dict, ""),
            policies=policies,
            managed_policy_arns=[str(a) for a in data.get("ManagedPolicyArns") or []],
            boundary=boundary,
            boundary_arn=boundary_arn,
            deployer=named(dep, "/DeployerPolicy") if dep is not None else None,
            tags={str(t.get("Key")): str(t.get("Value")) for t in tags if isinstance(t, dict)},
            description=data.get("Description"),
        )


def is_bundle(data: Any) -> bool:
    return isinstance(data, dict) and "AssumeRolePolicyDocument" in data and "Policies" in data
