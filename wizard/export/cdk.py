"""AWS CDK exports: the role as a construct class in Python or TypeScript.

The construct creates what the CloudFormation export declares, resource for resource: an
``iam.Role`` (name, path, description, tags, inline policies from
``iam.PolicyDocument.from_json``, managed policies by ARN), the permissions boundary as an
``iam.ManagedPolicy`` (or an existing one by ARN) and the deployer policy as another. CDK builds
a trust policy of its own from ``assumedBy``; the construct overrides it with the bundle's trust
policy (its ``Sid`` and conditions), so the synthesized role is the JSON bundle's, statement for
statement (tests/test_export_cdk.py synthesizes both languages and compares).

Open account, region or partition are the stack's: strings holding ``${AWS::...}`` become
``Fn.sub`` exactly as in the CloudFormation export (:func:`~wizard.export.cloudformation._sub`
is the one rule, literal ``${`` escaped as ``${!``). Every text of the spec is written as an
escaped string literal, never into a comment, so no name or description can change the code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wizard.bundle import RoleBundle
from wizard.export import python_module_name
from wizard.export.cloudformation import _sub, boundary_description, deployer_description

_SUB = "Fn::Sub"


def class_name(role_name: str) -> str:
    """The construct's class name: the role name in PascalCase ending in ``Role`` (so it never
    collides with a keyword or an imported name), ``Role`` first if it would start with a digit."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", role_name) if w]
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if not name.endswith("Role"):
        name += "Role"
    return name if name[0].isalpha() else f"Role{name}"


def _python_string(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif ch in "\n\r\t":
            out.append(repr(ch)[1:-1])
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _typescript_string(text: str) -> str:
    # JSON's escapes with every non-ASCII character as \\uXXXX (UTF-16, as JavaScript strings
    # are): no raw line separators or bidirectional controls reach the source
    return json.dumps(text, ensure_ascii=True)


@dataclass(frozen=True)
class _Language:
    string: Callable[[str], str]
    constants: dict[Any, str]  # True / False / None
    indent: str

    def literal(self, value: Any, level: int = 0) -> str:
        """``value`` (a policy document after :func:`_sub`) as source code; ``{"Fn::Sub": s}``
        becomes ``cdk.Fn.sub(s)``."""
        pad, inner = self.indent * level, self.indent * (level + 1)
        if isinstance(value, dict) and set(value) == {_SUB} and isinstance(value[_SUB], str):
            return f"cdk.Fn.sub({self.string(value[_SUB])})"
        if isinstance(value, dict):
            if not value:
                return "{}"
            items = [
                f"{inner}{self.string(k)}: {self.literal(v, level + 1)}," for k, v in value.items()
            ]
            return "{\n" + "\n".join(items) + f"\n{pad}}}"
        if isinstance(value, list):
            if not value:
                return "[]"
            items = [f"{inner}{self.literal(v, level + 1)}," for v in value]
            return "[\n" + "\n".join(items) + f"\n{pad}]"
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, bool) or value is None:
            return self.constants[value]
        if isinstance(value, int | float):
            return repr(value)
        raise TypeError(f"not a JSON value: {value!r}")


PYTHON = _Language(_python_string, {True: "True", False: "False", None: "None"}, "    ")
TYPESCRIPT = _Language(_typescript_string, {True: "true", False: "false", None: "null"}, "  ")


# TypeScript annotations of the constants an empty value would leave untyped
_TS_TYPES = {
    "INLINE_POLICIES": ": Record<string, unknown>",
    "MANAGED_POLICY_ARNS": ": string[]",
    "BOUNDARY_ARN": ": string",
    "TAGS": ": Record<string, string>",
}


def _constants(bundle: RoleBundle, lang: _Language) -> list[str]:
    """The documents, ARNs and tags as named constants, each followed by a blank line."""
    values: dict[str, Any] = {
        "TRUST_POLICY": bundle.assume_role_policy,
        "INLINE_POLICIES": {p.name: p.document for p in bundle.policies},
        "MANAGED_POLICY_ARNS": bundle.managed_policy_arns,
    }
    if bundle.boundary is not None:
        values["BOUNDARY_POLICY"] = bundle.boundary.document
    elif bundle.boundary_arn:
        values["BOUNDARY_ARN"] = bundle.boundary_arn
    if bundle.deployer is not None:
        values["DEPLOYER_POLICY"] = bundle.deployer.document
    values = {name: _sub(value) for name, value in values.items()}
    values["TAGS"] = bundle.tags  # plain text: tags take no Fn::Sub
    out = []
    for name, value in values.items():
        if lang is TYPESCRIPT:
            out += [f"const {name}{_TS_TYPES.get(name, '')} = {lang.literal(value)};", ""]
        else:
            out += [f"{name} = {lang.literal(value)}", ""]
    return out


def _names(bundle: RoleBundle, lang: _Language) -> dict[str, str]:
    """The string literals the construct's body uses."""
    return {
        "role": lang.string(bundle.role_name),
        "path": lang.string(bundle.path),
        "description": lang.string(bundle.description or ""),
        "boundary": lang.string(bundle.boundary.name if bundle.boundary else ""),
        "boundary_description": lang.string(boundary_description(bundle)),
        "deployer": lang.string(bundle.deployer.name if bundle.deployer else ""),
        "deployer_description": lang.string(deployer_description(bundle)),
        "function": lang.string(bundle.function_name or "my-function"),
    }


def to_cdk_python(bundle: RoleBundle) -> str:
    """A Python module with one construct class that creates the role."""
    cls = class_name(bundle.role_name)
    s = _names(bundle, PYTHON)
    out = [
        f'"""The least-privilege Lambda execution role {cls} as an AWS CDK construct.',
        "",
        "Generated by lambda-role-wizard from a role spec: rebuild it with role-wizard build",
        "rather than editing it. Give the role to your function in a stack:",
        "",
        f"    from {python_module_name(bundle.role_name)} import {cls}",
        "",
        f'    execution = {cls}(self, "{cls}")',
        f'    lambda_.Function(self, "Function", function_name={s["function"]}, role=execution.role, ...)',
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import aws_cdk as cdk",
        "from aws_cdk import aws_iam as iam",
        "from constructs import Construct",
        "",
        *_constants(bundle, PYTHON),
        "",
        f"class {cls}(Construct):",
        '    """The execution role (``role``), its permissions boundary (``permissions_boundary``)',
        "    and the policy that lets a deployer pass the role to Lambda (``deployer_policy``);",
        '    None where the spec has none."""',
        "",
        "    def __init__(self, scope: Construct, construct_id: str) -> None:",
        "        super().__init__(scope, construct_id)",
    ]
    if bundle.boundary is not None:
        out += [
            "        self.permissions_boundary = iam.ManagedPolicy(",
            "            self,",
            '            "PermissionsBoundaryPolicy",',
            f"            managed_policy_name={s['boundary']},",
            f"            description={s['boundary_description']},",
            "            document=iam.PolicyDocument.from_json(BOUNDARY_POLICY),",
            "        )",
        ]
    elif bundle.boundary_arn:
        out += [
            "        self.permissions_boundary = iam.ManagedPolicy.from_managed_policy_arn(",
            '            self, "PermissionsBoundary", BOUNDARY_ARN',
            "        )",
        ]
    else:
        out.append("        self.permissions_boundary = None")
    out += [
        "        self.role = iam.Role(",
        "            self,",
        '            "ExecutionRole",',
        f"            role_name={s['role']},",
        f"            path={s['path']},",
        *([f"            description={s['description']},"] if bundle.description else []),
        '            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),',
        "            inline_policies={",
        "                name: iam.PolicyDocument.from_json(document)",
        "                for name, document in INLINE_POLICIES.items()",
        "            },",
        "            managed_policies=[",
        '                iam.ManagedPolicy.from_managed_policy_arn(self, f"ManagedPolicy{i}", arn)',
        "                for i, arn in enumerate(MANAGED_POLICY_ARNS)",
        "            ],",
        "            permissions_boundary=self.permissions_boundary,",
        "        )",
        f"        # {_TRUST_COMMENT}",
        "        role_resource = self.role.node.default_child",
        '        role_resource.add_property_override("AssumeRolePolicyDocument", TRUST_POLICY)',
        "        for key, value in TAGS.items():",
        "            cdk.Tags.of(self.role).add(key, value)",
    ]
    if bundle.deployer is not None:
        out += [
            "        self.deployer_policy = iam.ManagedPolicy(",
            "            self,",
            '            "DeployerPolicy",',
            f"            managed_policy_name={s['deployer']},",
            f"            description={s['deployer_description']},",
            "            document=iam.PolicyDocument.from_json(DEPLOYER_POLICY),",
            "        )",
        ]
    else:
        out.append("        self.deployer_policy = None")
    return "\n".join(out) + "\n"


_TRUST_COMMENT = "the trust policy as built (its Sid and conditions), not CDK's plain default"


def to_cdk_typescript(bundle: RoleBundle) -> str:
    """A TypeScript module exporting one construct class that creates the role."""
    cls = class_name(bundle.role_name)
    s = _names(bundle, TYPESCRIPT)
    module = re.sub(r"[^\w.@+=,-]", "_", bundle.role_name, flags=re.ASCII)
    out = [
        "/**",
        f" * The least-privilege Lambda execution role {cls} as an AWS CDK construct.",
        " *",
        " * Generated by lambda-role-wizard from a role spec: rebuild it with role-wizard build",
        " * rather than editing it. Give the role to your function in a stack:",
        " *",
        f' *   import {{ {cls} }} from "./{module}";',
        " *",
        f' *   const execution = new {cls}(this, "{cls}");',
        f' *   new lambda.Function(this, "Function", {{ functionName: {s["function"]}, role: execution.role, ... }});',
        " */",
        'import * as cdk from "aws-cdk-lib";',
        'import * as iam from "aws-cdk-lib/aws-iam";',
        'import { Construct } from "constructs";',
        "",
        *_constants(bundle, TYPESCRIPT),
        "/**",
        " * The execution role (`role`), its permissions boundary (`permissionsBoundary`) and the",
        " * policy that lets a deployer pass the role to Lambda (`deployerPolicy`); undefined where",
        " * the spec has none.",
        " */",
        f"export class {cls} extends Construct {{",
        "  public readonly role: iam.Role;",
        "  public readonly permissionsBoundary?: iam.IManagedPolicy;",
        "  public readonly deployerPolicy?: iam.ManagedPolicy;",
        "",
        "  constructor(scope: Construct, id: string) {",
        "    super(scope, id);",
    ]
    if bundle.boundary is not None:
        out += [
            '    this.permissionsBoundary = new iam.ManagedPolicy(this, "PermissionsBoundaryPolicy", {',
            f"      managedPolicyName: {s['boundary']},",
            f"      description: {s['boundary_description']},",
            "      document: iam.PolicyDocument.fromJson(BOUNDARY_POLICY),",
            "    });",
        ]
    elif bundle.boundary_arn:
        out += [
            "    this.permissionsBoundary = iam.ManagedPolicy.fromManagedPolicyArn(",
            "      this,",
            '      "PermissionsBoundary",',
            "      BOUNDARY_ARN,",
            "    );",
        ]
    out += [
        '    this.role = new iam.Role(this, "ExecutionRole", {',
        f"      roleName: {s['role']},",
        f"      path: {s['path']},",
        *([f"      description: {s['description']},"] if bundle.description else []),
        '      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),',
        "      inlinePolicies: Object.fromEntries(",
        "        Object.entries(INLINE_POLICIES).map(([name, document]) => [",
        "          name,",
        "          iam.PolicyDocument.fromJson(document),",
        "        ]),",
        "      ),",
        "      managedPolicies: MANAGED_POLICY_ARNS.map((arn, i) =>",
        "        iam.ManagedPolicy.fromManagedPolicyArn(this, `ManagedPolicy${i}`, arn),",
        "      ),",
        "      permissionsBoundary: this.permissionsBoundary,",
        "    });",
        f"    // {_TRUST_COMMENT}",
        "    const roleResource = this.role.node.defaultChild as iam.CfnRole;",
        '    roleResource.addPropertyOverride("AssumeRolePolicyDocument", TRUST_POLICY);',
        "    for (const [key, value] of Object.entries(TAGS)) {",
        "      cdk.Tags.of(this.role).add(key, value);",
        "    }",
    ]
    if bundle.deployer is not None:
        out += [
            '    this.deployerPolicy = new iam.ManagedPolicy(this, "DeployerPolicy", {',
            f"      managedPolicyName: {s['deployer']},",
            f"      description: {s['deployer_description']},",
            "      document: iam.PolicyDocument.fromJson(DEPLOYER_POLICY),",
            "    });",
        ]
    out += ["  }", "}"]
    return "\n".join(out) + "\n"
