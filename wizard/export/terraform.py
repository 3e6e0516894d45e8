"""The role bundle as Terraform (HCL, the ``hashicorp/aws`` provider).

What it writes: an ``aws_iam_role`` (trust policy, path, description, tags, boundary), one
``aws_iam_role_policy`` per inline policy, ``aws_iam_policy`` for the boundary and the deployer
policy, ``aws_iam_role_policy_attachment`` per managed policy, the ``data`` sources that stand in
for an account, region or partition the spec leaves open, ``variable`` blocks for the names a
user would change, and ``output`` blocks for the ARNs.

Policies are JSON in indented heredocs (``<<-EOT``): the document reads as IAM prints it and
reads back with any JSON parser. A heredoc is a Terraform template, so a literal ``${`` is
written ``$${`` and ``%{`` is written ``%%{`` -- IAM policy variables such as
``${aws:username}`` reach IAM unchanged (``&{...}`` is only the spelling of the
``aws_iam_policy_document`` data source, which this export does not use). The open values
``${AWS::AccountId}``, ``${AWS::Region}`` and ``${AWS::Partition}`` become interpolations of
the data sources. The layout is what ``terraform fmt`` writes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator

from wizard.bundle import Document, NamedPolicy, RoleBundle
from wizard.export.roles import RoleSet
from wizard.export.roles import snake_key as _snake

# ${AWS::X} (the bundle's open values) -> (data source, the expression that replaces it).
# Attributes: registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/
# caller_identity (account_id), region (name; deprecated for `region` in provider 6, still
# served), partition (partition).
OPEN_VALUES = {
    "AccountId": ("aws_caller_identity", "data.aws_caller_identity.current.account_id"),
    "Region": ("aws_region", "data.aws_region.current.name"),
    "Partition": ("aws_partition", "data.aws_partition.current.partition"),
}
ROLE = "aws_iam_role.execution"
_OWN_ARN = "\x00own-role-arn\x00"  # where the role's ARN goes; IAM refuses NUL, so no clash
_HCL_ESCAPES = {"b": "\\u0008", "f": "\\u000c"}
_JSON_ESCAPE = re.compile(r"\\(?:(u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})|(.))")
_TEMPLATE = re.compile(r"\$\{AWS::(AccountId|Region|Partition)\}|\$\{|%\{")


def _template(text: str) -> str:
    """``text`` as the body of a Terraform template: open values interpolated, every other
    ``${``/``%{`` escaped."""

    def one(m: re.Match[str]) -> str:
        if m[1]:
            return "${" + OPEN_VALUES[m[1]][1] + "}"
        return "$" + m[0] if m[0] == "${" else "%" + m[0]

    return _TEMPLATE.sub(one, text)


def _json(value: object, **kwargs) -> str:
    """JSON with non-ASCII text kept readable, but every invisible or line-breaking character
    (controls, format characters such as bidi overrides, U+2028/U+2029, unassigned and private
    code points) escaped as ``\\uXXXX``: Terraform would read a raw U+2028 as a line break."""
    return _NON_ASCII.sub(_escape_invisible, json.dumps(value, ensure_ascii=False, **kwargs))


_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Zl", "Zp"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape_invisible(m: re.Match[str]) -> str:
    """JSON's ``\\uXXXX`` (a surrogate pair above the BMP) for an invisible character."""
    if unicodedata.category(m[0]) not in _INVISIBLE_CATEGORIES:
        return m[0]
    return json.dumps(m[0])[1:-1]


def _hcl_escape(m: re.Match[str]) -> str:
    """HCL's escape for one JSON escape: ``\\uXXXX`` for ``\\b``/``\\f``, ``\\UXXXXXXXX``
    for a surrogate pair (HCL has no surrogates), the rest as JSON wrote it."""
    if m[1]:
        code = ord(json.loads(f'"{m[0]}"'))
        return f"\\U{code:08X}"
    return _HCL_ESCAPES.get(m[2], m[0])


def _string(text: str) -> str:
    """A quoted HCL string holding ``text``: JSON's escapes, less ``\\b`` and ``\\f`` that HCL
    lacks (written ``\\uXXXX``), and the template escapes."""
    quoted = _JSON_ESCAPE.sub(_hcl_escape, _json(text))
    return _template(quoted)


def _label(name: str, taken: set[str]) -> str:
    """A Terraform block label from a policy name, unique among ``taken``."""
    base = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_").lower() or "policy"
    if not re.match(r"[A-Za-z_]", base):
        base = "p_" + base
    label, n = base, 2
    while label in taken:
        label, n = f"{base}_{n}", n + 1
    taken.add(label)
    return label


def _role_arn_pattern(bundle: RoleBundle) -> re.Pattern[str]:
    # the role's own ARN as compose writes it (the deployer's PassRole resource)
    return re.compile(
        r"arn:[^:]+:iam::[^:]*:role" + re.escape(bundle.path + bundle.role_name) + r"\Z"
    )


def _own_arn(document: Document, pattern: re.Pattern[str]) -> Document:
    """``document`` with every string that is the role's ARN replaced by the role's
    ``arn`` attribute, so renaming the role (``var.role_name``) keeps the deployer in step."""

    def walk(value):
        if isinstance(value, str):
            return _OWN_ARN if pattern.match(value) else value
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(document)


def _heredoc(document: Document, indent: str, role: str = ROLE) -> str:
    """``<<-EOT`` holding the document as JSON; the role's own ARN (:func:`_own_arn`) is
    interpolated from the role (the ``aws_iam_role`` block ``role``)."""
    body = _template(_json(document, indent=2))
    body = body.replace(json.dumps(_OWN_ARN), '"${' + role + '.arn}"')
    inner = indent + "  "
    lines = "\n".join(inner + line for line in body.splitlines())
    return f"<<-EOT\n{lines}\n{inner}EOT"


def _attributes(pairs: list[tuple[str, str]], indent: str = "  ") -> Iterator[str]:
    """``name = value`` lines aligned as ``terraform fmt`` aligns them: within each run of
    attributes (a heredoc counts as one line; a multi-line map ends the run)."""
    run: list[tuple[str, str]] = []

    def flush() -> Iterator[str]:
        width = max((len(k) for k, _ in run), default=0)
        for k, v in run:
            yield f"{indent}{k.ljust(width)} = {v}"
        run.clear()

    for key, value in pairs:
        if "\n" in value and not value.startswith("<<"):
            yield from flush()
            yield f"{indent}{key} = {value}"
        else:
            run.append((key, value))
    yield from flush()


def _block(header: str, pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return header + " {}"
    return "\n".join([header + " {", *_attributes(pairs), "}"])


def _map(entries: dict[str, str], indent: str, *, expressions: bool = False) -> str:
    """An HCL map of text keys to text values (``expressions``: to HCL expressions)."""
    pairs = [(_string(k), v if expressions else _string(v)) for k, v in entries.items()]
    inner = _attributes(pairs, indent + "  ")
    return "{\n" + "\n".join(inner) + "\n" + indent + "}"


def _variable(name: str, description: str, default: str) -> str:
    pairs = [("description", _string(description)), ("type", "string")]
    return _block(f'variable "{name}"', [*pairs, ("default", _string(default))])


def _open_values(*bundles: RoleBundle) -> list[str]:
    text = json.dumps([bundle.to_dict() for bundle in bundles])
    found = set(re.findall(r"\$\{AWS::(AccountId|Region|Partition)\}", text))
    return [k for k in OPEN_VALUES if k in found]


_PROVIDERS = (
    "terraform {\n  required_providers {\n    aws = {\n"
    '      source  = "hashicorp/aws"\n      version = ">= 5.0"\n    }\n  }\n}'
)


def to_terraform(roles: RoleBundle | RoleSet) -> str:
    """The Terraform configuration of one role or of an app's roles (one ``.tf`` file)."""
    roles = RoleSet.of(roles)
    if roles.lone is None:
        return _app_terraform(roles)
    bundle = roles.lone
    own = _role_arn_pattern(bundle)
    blocks = [
        f"# Least-privilege execution role {bundle.role_name} (lambda-role-wizard)",
        _PROVIDERS,
        _variable("role_name", "Name of the Lambda execution role", bundle.role_name),
    ]
    if bundle.boundary is not None:
        blocks.append(
            _variable(
                "boundary_policy_name",
                "Name of the permissions boundary policy",
                bundle.boundary.name,
            )
        )
    if bundle.deployer is not None:
        blocks.append(
            _variable(
                "deployer_policy_name",
                "Name of the policy that lets a deployer pass the role to Lambda",
                bundle.deployer.name,
            )
        )
    blocks += [f'data "{OPEN_VALUES[k][0]}" "current" {{}}' for k in _open_values(bundle)]

    role: list[tuple[str, str]] = [("name", "var.role_name"), ("path", _string(bundle.path))]
    if bundle.description:
        role.append(("description", _string(bundle.description)))
    role.append(("assume_role_policy", _heredoc(bundle.assume_role_policy, "  ")))
    if bundle.boundary is not None:
        role.append(("permissions_boundary", "aws_iam_policy.boundary.arn"))
    elif bundle.boundary_arn:
        role.append(("permissions_boundary", _string(bundle.boundary_arn)))
    if bundle.tags:
        role.append(("tags", _map(bundle.tags, "  ")))
    blocks.append(_block(f'resource "aws_iam_role" "{ROLE.split(".")[1]}"', role))

    taken: set[str] = set()
    for policy in bundle.policies:
        label = _label(policy.name, taken)
        pairs = [
            ("name", _string(policy.name)),
            ("role", f"{ROLE}.id"),
            ("policy", _heredoc(_own_arn(policy.document, own), "  ")),
        ]
        blocks.append(_block(f'resource "aws_iam_role_policy" "{label}"', pairs))
    if bundle.boundary is not None:
        pairs = [
            ("name", "var.boundary_policy_name"),
            ("description", _string(f"Permissions boundary of {bundle.role_name}")),
            ("policy", _heredoc(bundle.boundary.document, "  ")),
        ]
        blocks.append(_block('resource "aws_iam_policy" "boundary"', pairs))
    if bundle.deployer is not None:
        description = f"Lets a deployer pass {bundle.role_name} to Lambda and update its function"
        pairs = [
            ("name", "var.deployer_policy_name"),
            ("description", _string(description)),
            ("policy", _heredoc(_own_arn(bundle.deployer.document, own), "  ")),
        ]
        blocks.append(_block('resource "aws_iam_policy" "deployer"', pairs))
    taken = set()
    for arn in bundle.managed_policy_arns:
        label = _label(arn.rsplit("/", 1)[-1], taken)
        pairs = [("role", f"{ROLE}.name"), ("policy_arn", _string(arn))]
        blocks.append(_block(f'resource "aws_iam_role_policy_attachment" "{label}"', pairs))

    outputs = [
        ("role_arn", "ARN of the Lambda execution role", f"{ROLE}.arn"),
        ("role_name", "Name of the Lambda execution role", f"{ROLE}.name"),
    ]
    if bundle.boundary is not None:
        outputs.append(
            ("boundary_policy_arn", "ARN of the permissions boundary policy", "aws_iam_policy.boundary.arn")
        )  # fmt: skip
    if bundle.deployer is not None:
        outputs.append(
            ("deployer_policy_arn", "ARN of the deployer policy (attach it to the CI role)", "aws_iam_policy.deployer.arn")
        )  # fmt: skip
    for name, description, value in outputs:
        pairs = [("description", _string(description)), ("value", value)]
        blocks.append(_block(f'output "{name}"', pairs))
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- apps
#
# Every block of a function is labelled with its key in snake case (OrdersApi -> orders_api),
# which depends on the function alone: the role ``aws_iam_role.orders_api``, its inline policy
# ``aws_iam_role_policy.orders_api`` (a second one ``orders_api_2``), its deployer
# ``aws_iam_policy.orders_api_deployer`` and its managed policies in one
# ``aws_iam_role_policy_attachment.orders_api`` (for_each). A label has ``_`` only before a
# letter (and first, before a digit), so no suffix makes one function's label another's.


def _app_terraform(roles: RoleSet) -> str:
    keyed = [(_snake(key), bundle) for key, bundle in roles.keyed()]
    deployers = {b.function_name or "": b.deployer.name for _, b in keyed if b.deployer}
    blocks = [
        f"# Least-privilege execution roles of app {roles.app} (lambda-role-wizard)",
        _PROVIDERS,
        _map_variable(
            "role_names",
            "Names of the Lambda execution roles, by function",
            {b.function_name or "": b.role_name for _, b in keyed},
        ),
    ]
    if deployers:
        blocks.append(
            _map_variable(
                "deployer_policy_names",
                "Names of the policies that let a deployer pass each role to Lambda, by function",
                deployers,
            )
        )
    blocks += [f'data "{OPEN_VALUES[k][0]}" "current" {{}}' for k in _open_values(*roles.bundles)]
    boundaries: dict[str, str] = {}  # boundary policy name -> label
    for policy in roles.boundaries():
        boundaries[policy.name] = label = _label(policy.name, set())
        pairs = [
            ("name", _string(policy.name)),
            ("description", _string(f"Permissions boundary of roles of app {roles.app}")),
            ("policy", _heredoc(policy.document, "  ")),
        ]
        blocks.append(_block(f'resource "aws_iam_policy" "{label}"', pairs))
    for label, bundle in keyed:
        blocks += _app_role_blocks(label, bundle, boundaries)
    outputs = [
        ("role_arns", "ARNs of the Lambda execution roles, by function", "arn", "aws_iam_role", ""),
        ("role_names", "Names of the Lambda execution roles, by function", "name", "aws_iam_role", ""),
    ]  # fmt: skip
    for name, description, attribute, kind, suffix in outputs:
        values = {
            b.function_name or "": f"{kind}.{label}{suffix}.{attribute}" for label, b in keyed
        }
        blocks.append(_map_output(name, description, values))
    if deployers:
        values = {
            b.function_name or "": f"aws_iam_policy.{label}_deployer.arn"
            for label, b in keyed
            if b.deployer
        }
        description = "ARNs of the deployer policies (attach them to the CI role), by function"
        blocks.append(_map_output("deployer_policy_arns", description, values))
    if boundaries:
        values = {name: f"aws_iam_policy.{label}.arn" for name, label in boundaries.items()}
        description = "ARNs of the permissions boundary policies, by name"
        blocks.append(_map_output("boundary_policy_arns", description, values))
    return "\n\n".join(blocks) + "\n"


def _map_variable(name: str, description: str, default: dict[str, str]) -> str:
    pairs = [("description", _string(description)), ("type", "map(string)")]
    return _block(f'variable "{name}"', [*pairs, ("default", _map(default, "  "))])


def _map_output(name: str, description: str, values: dict[str, str]) -> str:
    pairs = [("description", _string(description)), ("value", _map(values, "  ", expressions=True))]
    return _block(f'output "{name}"', pairs)


def _app_role_blocks(label: str, bundle: RoleBundle, boundaries: dict[str, str]) -> list[str]:
    """The blocks of one role of an app, every label starting with ``label``."""
    role_ref = f"aws_iam_role.{label}"
    function = _string(bundle.function_name or "")
    own = _role_arn_pattern(bundle)
    role: list[tuple[str, str]] = [
        ("name", f"var.role_names[{function}]"),
        ("path", _string(bundle.path)),
    ]
    if bundle.description:
        role.append(("description", _string(bundle.description)))
    role.append(("assume_role_policy", _heredoc(bundle.assume_role_policy, "  ", role_ref)))
    if bundle.boundary is not None:
        role.append(
            ("permissions_boundary", f"aws_iam_policy.{boundaries[bundle.boundary.name]}.arn")
        )
    elif bundle.boundary_arn:
        role.append(("permissions_boundary", _string(bundle.boundary_arn)))
    if bundle.tags:
        role.append(("tags", _map(bundle.tags, "  ")))
    blocks = [_block(f'resource "aws_iam_role" "{label}"', role)]
    for n, policy in enumerate(bundle.policies, start=1):
        pairs = [
            ("name", _string(policy.name)),
            ("role", f"{role_ref}.id"),
            ("policy", _heredoc(_own_arn(policy.document, own), "  ", role_ref)),
        ]
        suffix = f"_{n}" if n > 1 else ""
        blocks.append(_block(f'resource "aws_iam_role_policy" "{label}{suffix}"', pairs))
    if bundle.deployer is not None:
        blocks.append(_app_deployer(label, bundle, bundle.deployer, own, role_ref))
    if bundle.managed_policy_arns:
        arns = ", ".join(_string(arn) for arn in bundle.managed_policy_arns)
        pairs = [
            ("for_each", f"toset([{arns}])"),
            ("role", f"{role_ref}.name"),
            ("policy_arn", "each.value"),
        ]
        blocks.append(_block(f'resource "aws_iam_role_policy_attachment" "{label}"', pairs))
    return blocks


def _app_deployer(
    label: str, bundle: RoleBundle, deployer: NamedPolicy, own: re.Pattern[str], role_ref: str
) -> str:
    description = f"Lets a deployer pass {bundle.role_name} to Lambda and update its function"
    pairs = [
        ("name", f"var.deployer_policy_names[{_string(bundle.function_name or '')}]"),
        ("description", _string(description)),
        ("policy", _heredoc(_own_arn(deployer.document, own), "  ", role_ref)),
    ]
    return _block(f'resource "aws_iam_policy" "{label}_deployer"', pairs)
