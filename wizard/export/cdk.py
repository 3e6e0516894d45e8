"""AWS CDK exports: the role, or an app's roles, as a construct class in Python or TypeScript.

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
from wizard.export.cloudformation import (
    _logical_id,
    _sub,
    app_boundary_description,
    boundary_description,
    deployer_description,
)
from wizard.export.roles import RoleSet, snake_key

_SUB = "Fn::Sub"


def class_name(role_name: str) -> str:
    """The construct's class name: the role name in PascalCase ending in ``Role`` (so it never
    collides with a keyword or an imported name), ``Role`` first if it would start with a digit."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", role_name) if w]
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if not name.endswith("Role"):
        name += "Role"
    return name if name[0].isalpha() else f"Role{name}"


def app_class_name(app: str) -> str:
    """The app construct's class name: the app's name in PascalCase ending in ``Roles``."""
    name = class_name(app).removesuffix("Role")
    return name if name.endswith("Roles") else f"{name}Roles"


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


# TypeScript annotations of the constants an empty value would leave untyped, by name ending
_TS_TYPES = {
    "INLINE_POLICIES": ": Record<string, unknown>",
    "MANAGED_POLICY_ARNS": ": string[]",
    "BOUNDARY_ARN": ": string",
    "TAGS": ": Record<string, string>",
}


def _constant_lines(values: dict[str, Any], lang: _Language) -> list[str]:
    """Named constants, each followed by a blank line."""
    out = []
    for name, value in values.items():
        if lang is TYPESCRIPT:
            kind = next((t for end, t in _TS_TYPES.items() if name.endswith(end)), "")
            out += [f"const {name}{kind} = {lang.literal(value)};", ""]
        else:
            out += [f"{name} = {lang.literal(value)}", ""]
    return out


def _constants(
    bundle: RoleBundle, lang: _Language, prefix: str = "", *, app: bool = False
) -> list[str]:
    """The documents, ARNs and tags of a role as named constants (``prefix`` first); an app's
    boundary documents are the app's (:func:`_boundary_constant`)."""
    values: dict[str, Any] = {
        "TRUST_POLICY": bundle.assume_role_policy,
        "INLINE_POLICIES": {p.name: p.document for p in bundle.policies},
        "MANAGED_POLICY_ARNS": bundle.managed_policy_arns,
    }
    if bundle.boundary is not None and not app:
        values["BOUNDARY_POLICY"] = bundle.boundary.document
    elif bundle.boundary_arn:
        values["BOUNDARY_ARN"] = bundle.boundary_arn
    if bundle.deployer is not None:
        values["DEPLOYER_POLICY"] = bundle.deployer.document
    values = {name: _sub(value) for name, value in values.items()}
    values["TAGS"] = bundle.tags  # plain text: tags take no Fn::Sub
    return _constant_lines({prefix + name: value for name, value in values.items()}, lang)


def _boundary_constant(policy_name: str) -> str:
    """The constant holding an app's boundary document; no role constant ends as it does."""
    return re.sub(r"\W", "_", policy_name, flags=re.ASCII).upper() + "_DOCUMENT"


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


@dataclass(frozen=True)
class _Slots:
    """Where one role's code puts its names: the prefix of its constants (``const``) and of its
    construct IDs (``ids``), the attributes holding its role and deployer policy, the expression
    of its boundary, and the local variable for its ``CfnRole``."""

    const: str
    ids: str
    role: str
    deployer: str
    boundary: str
    resource: str


def _slots(lang: _Language, key: str, bundle: RoleBundle) -> _Slots:
    """The names of function ``key``'s role in an app's construct."""
    snake = snake_key(key)
    const, ids = snake.upper() + "_", key
    if bundle.boundary is not None:
        shared = lang.string(bundle.boundary.name)
        boundary = f"self.boundaries[{shared}]" if lang is PYTHON else f"this.boundaries[{shared}]"
    elif bundle.boundary_arn and lang is PYTHON:
        boundary = (
            f'iam.ManagedPolicy.from_managed_policy_arn(self, "{ids}PermissionsBoundary", '
            f"{const}BOUNDARY_ARN)"
        )
    elif bundle.boundary_arn:
        boundary = (
            f'iam.ManagedPolicy.fromManagedPolicyArn(this, "{ids}PermissionsBoundary", '
            f"{const}BOUNDARY_ARN)"
        )
    else:
        boundary = "None" if lang is PYTHON else "undefined"
    if lang is PYTHON:
        return _Slots(
            const,
            ids,
            f"{snake}_role",
            f"{snake}_deployer_policy",
            boundary,
            f"{snake}_role_resource",
        )
    camel = key[:1].lower() + key[1:] if key[:1].isalpha() else f"_{key}"
    return _Slots(
        const, ids, f"{camel}Role", f"{camel}DeployerPolicy", boundary, f"{camel}RoleResource"
    )


_LONE = {
    "python": _Slots(
        "", "", "role", "deployer_policy", "self.permissions_boundary", "role_resource"
    ),
    "typescript": _Slots(
        "", "", "role", "deployerPolicy", "this.permissionsBoundary", "roleResource"
    ),
}
_TRUST_COMMENT = "the trust policy as built (its Sid and conditions), not CDK's plain default"


def _python_role(bundle: RoleBundle, slots: _Slots) -> list[str]:
    """The statements that create the role, its trust policy and tags, and its deployer policy."""
    s, c, ids, role = _names(bundle, PYTHON), slots.const, slots.ids, slots.role
    out = [
        f"        self.{role} = iam.Role(",
        "            self,",
        f'            "{ids}ExecutionRole",',
        f"            role_name={s['role']},",
        f"            path={s['path']},",
        *([f"            description={s['description']},"] if bundle.description else []),
        '            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),',
        "            inline_policies={",
        "                name: iam.PolicyDocument.from_json(document)",
        f"                for name, document in {c}INLINE_POLICIES.items()",
        "            },",
        "            managed_policies=[",
        f'                iam.ManagedPolicy.from_managed_policy_arn(self, f"{ids}ManagedPolicy{{i}}", arn)',
        f"                for i, arn in enumerate({c}MANAGED_POLICY_ARNS)",
        "            ],",
        f"            permissions_boundary={slots.boundary},",
        "        )",
        f"        # {_TRUST_COMMENT}",
        f"        {slots.resource} = self.{role}.node.default_child",
        f'        {slots.resource}.add_property_override("AssumeRolePolicyDocument", {c}TRUST_POLICY)',
        f"        for key, value in {c}TAGS.items():",
        f"            cdk.Tags.of(self.{role}).add(key, value)",
    ]
    if bundle.deployer is None:
        return [*out, f"        self.{slots.deployer} = None"]
    return [
        *out,
        f"        self.{slots.deployer} = iam.ManagedPolicy(",
        "            self,",
        f'            "{ids}DeployerPolicy",',
        f"            managed_policy_name={s['deployer']},",
        f"            description={s['deployer_description']},",
        f"            document=iam.PolicyDocument.from_json({c}DEPLOYER_POLICY),",
        "        )",
    ]


def _typescript_role(bundle: RoleBundle, slots: _Slots) -> list[str]:
    """The statements that create the role, its trust policy and tags, and its deployer policy."""
    s, c, ids, role = _names(bundle, TYPESCRIPT), slots.const, slots.ids, slots.role
    out = [
        f'    this.{role} = new iam.Role(this, "{ids}ExecutionRole", {{',
        f"      roleName: {s['role']},",
        f"      path: {s['path']},",
        *([f"      description: {s['description']},"] if bundle.description else []),
        '      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),',
        "      inlinePolicies: Object.fromEntries(",
        f"        Object.entries({c}INLINE_POLICIES).map(([name, document]) => [",
        "          name,",
        "          iam.PolicyDocument.fromJson(document),",
        "        ]),",
        "      ),",
        f"      managedPolicies: {c}MANAGED_POLICY_ARNS.map((arn, i) =>",
        f"        iam.ManagedPolicy.fromManagedPolicyArn(this, `{ids}ManagedPolicy${{i}}`, arn),",
        "      ),",
        f"      permissionsBoundary: {slots.boundary},",
        "    });",
        f"    // {_TRUST_COMMENT}",
        f"    const {slots.resource} = this.{role}.node.defaultChild as iam.CfnRole;",
        f'    {slots.resource}.addPropertyOverride("AssumeRolePolicyDocument", {c}TRUST_POLICY);',
        f"    for (const [key, value] of Object.entries({c}TAGS)) {{",
        f"      cdk.Tags.of(this.{role}).add(key, value);",
        "    }",
    ]
    if bundle.deployer is None:
        return out
    return [
        *out,
        f'    this.{slots.deployer} = new iam.ManagedPolicy(this, "{ids}DeployerPolicy", {{',
        f"      managedPolicyName: {s['deployer']},",
        f"      description: {s['deployer_description']},",
        f"      document: iam.PolicyDocument.fromJson({c}DEPLOYER_POLICY),",
        "    });",
    ]


_IMPORTS = {
    "python": [
        "from __future__ import annotations",
        "",
        "import aws_cdk as cdk",
        "from aws_cdk import aws_iam as iam",
        "from constructs import Construct",
        "",
    ],
    "typescript": [
        'import * as cdk from "aws-cdk-lib";',
        'import * as iam from "aws-cdk-lib/aws-iam";',
        'import { Construct } from "constructs";',
        "",
    ],
}


def to_cdk_python(roles: RoleBundle | RoleSet) -> str:
    """A Python module with one construct class that creates the role (an app: every role)."""
    roles = RoleSet.of(roles)
    if roles.lone is None:
        return _python_app(roles)
    bundle = roles.lone
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
        *_IMPORTS["python"],
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
    out += _python_role(bundle, _LONE["python"])
    return "\n".join(out) + "\n"


def _app_constants(roles: RoleSet, lang: _Language) -> list[str]:
    """The shared boundaries' documents, then each function's constants."""
    boundaries = {_boundary_constant(p.name): _sub(p.document) for p in roles.boundaries()}
    out = _constant_lines(boundaries, lang)
    for key, bundle in roles.keyed():
        out += _constants(bundle, lang, snake_key(key).upper() + "_", app=True)
    return out


def _python_app(roles: RoleSet) -> str:
    """One construct with every function's role: a block of statements per shared boundary and
    per function, each after a blank line."""
    cls = app_class_name(roles.app or "app")
    keyed = [(key, bundle, _slots(PYTHON, key, bundle)) for key, bundle in roles.keyed()]
    out = [
        f'"""The least-privilege Lambda execution roles of app {roles.app} as an AWS CDK construct.',
        "",
        "Generated by lambda-role-wizard from an app spec: rebuild it with role-wizard build",
        "rather than editing it. Give each function its role in a stack:",
        "",
        f"    from {python_module_name(roles.app or 'app')} import {cls}",
        "",
        f'    roles = {cls}(self, "{cls}")',
        *(
            f'    lambda_.Function(self, "{key}", function_name={_names(b, PYTHON)["function"]}, '
            f"role=roles.{slots.role}, ...)"
            for key, b, slots in keyed
        ),
        '"""',
        "",
        *_IMPORTS["python"],
        *_app_constants(roles, PYTHON),
        "",
        f"class {cls}(Construct):",
        '    """Each function\'s execution role (``orders_api_role`` for ``orders-api``), the policy',
        "    that lets a deployer pass it to Lambda (``orders_api_deployer_policy``, None where the",
        '    spec has none) and the permissions boundaries the roles share (``boundaries``, by name)."""',
        "",
        "    def __init__(self, scope: Construct, construct_id: str) -> None:",
        "        super().__init__(scope, construct_id)",
        "        self.boundaries: dict[str, iam.ManagedPolicy] = {}",
    ]
    description = PYTHON.string(app_boundary_description(roles.app))
    for policy in roles.boundaries():
        name = PYTHON.string(policy.name)
        out += [
            "",
            f"        self.boundaries[{name}] = iam.ManagedPolicy(",
            "            self,",
            f'            "{_logical_id(policy.name)}",',
            f"            managed_policy_name={name},",
            f"            description={description},",
            f"            document=iam.PolicyDocument.from_json({_boundary_constant(policy.name)}),",
            "        )",
        ]
    for _, bundle, slots in keyed:
        out += ["", *_python_role(bundle, slots)]
    return "\n".join(out) + "\n"


def _typescript_module(name: str) -> str:
    return re.sub(r"[^\w.@+=,-]", "_", name, flags=re.ASCII)


def to_cdk_typescript(roles: RoleBundle | RoleSet) -> str:
    """A TypeScript module exporting one construct class that creates the role (an app: every
    role)."""
    roles = RoleSet.of(roles)
    if roles.lone is None:
        return _typescript_app(roles)
    bundle = roles.lone
    cls = class_name(bundle.role_name)
    s = _names(bundle, TYPESCRIPT)
    out = [
        "/**",
        f" * The least-privilege Lambda execution role {cls} as an AWS CDK construct.",
        " *",
        " * Generated by lambda-role-wizard from a role spec: rebuild it with role-wizard build",
        " * rather than editing it. Give the role to your function in a stack:",
        " *",
        f' *   import {{ {cls} }} from "./{_typescript_module(bundle.role_name)}";',
        " *",
        f' *   const execution = new {cls}(this, "{cls}");',
        f' *   new lambda.Function(this, "Function", {{ functionName: {s["function"]}, role: execution.role, ... }});',
        " */",
        *_IMPORTS["typescript"],
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
    out += [*_typescript_role(bundle, _LONE["typescript"]), "  }", "}"]
    return "\n".join(out) + "\n"


def _typescript_app(roles: RoleSet) -> str:
    """One construct with every function's role: a block of statements per shared boundary and
    per function, each after a blank line."""
    cls = app_class_name(roles.app or "app")
    keyed = [(key, bundle, _slots(TYPESCRIPT, key, bundle)) for key, bundle in roles.keyed()]
    out = [
        "/**",
        f" * The least-privilege Lambda execution roles of app {roles.app} as an AWS CDK construct.",
        " *",
        " * Generated by lambda-role-wizard from an app spec: rebuild it with role-wizard build",
        " * rather than editing it. Give each function its role in a stack:",
        " *",
        f' *   import {{ {cls} }} from "./{_typescript_module(roles.app or "app")}";',
        " *",
        f' *   const roles = new {cls}(this, "{cls}");',
        *(
            f' *   new lambda.Function(this, "{key}", {{ functionName: '
            f"{_names(b, TYPESCRIPT)['function']}, role: roles.{slots.role}, ... }});"
            for key, b, slots in keyed
        ),
        " */",
        *_IMPORTS["typescript"],
        *_app_constants(roles, TYPESCRIPT),
        "/**",
        " * Each function's execution role (`ordersApiRole` for `orders-api`), the policy that lets a",
        " * deployer pass it to Lambda (`ordersApiDeployerPolicy`, undefined where the spec has none)",
        " * and the permissions boundaries the roles share (`boundaries`, by name).",
        " */",
        f"export class {cls} extends Construct {{",
        "  public readonly boundaries: Record<string, iam.ManagedPolicy> = {};",
    ]
    for _, _, slots in keyed:
        out.append(f"  public readonly {slots.role}: iam.Role;")
        out.append(f"  public readonly {slots.deployer}?: iam.ManagedPolicy;")
    out += ["", "  constructor(scope: Construct, id: string) {", "    super(scope, id);"]
    description = TYPESCRIPT.string(app_boundary_description(roles.app))
    for policy in roles.boundaries():
        name = TYPESCRIPT.string(policy.name)
        out += [
            "",
            f'    this.boundaries[{name}] = new iam.ManagedPolicy(this, "{_logical_id(policy.name)}", {{',
            f"      managedPolicyName: {name},",
            f"      description: {description},",
            f"      document: iam.PolicyDocument.fromJson({_boundary_constant(policy.name)}),",
            "    });",
        ]
    for _, bundle, slots in keyed:
        out += ["", *_typescript_role(bundle, slots)]
    out += ["  }", "}"]
    return "\n".join(out) + "\n"
