"""Plan and apply a role bundle in an AWS account, like ``terraform plan`` / ``apply``.

:func:`make_plan` reads what the account holds (the role, its inline policies, attachments,
boundary, tags, and the customer-managed boundary and deployer policies) and lists the
:class:`Change` items that would make it match the bundle. :func:`execute` carries them out in
an order chosen so that a failure at any call leaves a state the next ``apply`` completes:

1. customer-managed policies (the boundary, the deployer policy): create, or a new default
   version (the oldest non-default version is deleted first when five exist);
2. the role: created in one call with its trust policy, boundary and tags, the ownership tag
   included, so a re-run recognises its own half-made role; or, for an existing role, tags
   added first (the ownership tag when adopting), then trust policy, description, boundary;
3. inline policies put, then managed policies attached;
4. removals last: managed policies detached, inline policies deleted, boundary removed,
   tags removed.

Every change is computed from the account's current state, so re-running converges whatever
step failed, and a run with nothing to do makes no mutating call.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import botocore.exceptions
import botocore.parsers

from wizard.aws.ownership import MANAGED_TAG, MANAGED_VALUE, is_owned
from wizard.aws.session import AwsSession, aws_error_message
from wizard.bundle import Document, RoleBundle
from wizard.errors import UserError
from wizard.policy.drift import CustomerPolicy, Drift, ExpectedRole, LiveRole, compare
from wizard.policy.gate import Approved, approved
from wizard.text import count

MAX_POLICY_VERSIONS = 5

ADD_OPS = frozenset({"create", "attach", "tag"})
CHANGE_OPS = frozenset({"update"})
REMOVE_OPS = frozenset({"delete", "detach", "untag"})
# What an AWS call can raise: refused, throttled, unreachable, or a reply that is not AWS's.
AWS_ERRORS = (
    botocore.exceptions.ClientError,
    botocore.exceptions.BotoCoreError,
    botocore.parsers.ResponseParserError,
)


def one_line(exc: BaseException, limit: int = 300) -> str:
    """``aws_error_message`` squeezed to one line (a mock's HTML error page has several)."""
    text = " ".join(aws_error_message(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class AwsFailure(UserError):
    """An AWS call failed (refused, throttled beyond the retries, unreachable): exit status 1.

    Bad input stays a plain :class:`UserError` (exit status 2).
    """

    exit_code = 1


# --------------------------------------------------------------------------- model


def pretty(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True)


def json_diff(before: Any, after: Any) -> list[str]:
    """A unified diff of two JSON values (keys sorted), without the file header lines."""
    lines = difflib.unified_diff(
        pretty(before).splitlines(), pretty(after).splitlines(), "account", "spec", lineterm=""
    )
    return [line for line in lines if not line.startswith(("---", "+++"))]


@dataclass(frozen=True)
class Change:
    """One change to the account.

    ``kind``: policy (customer-managed), role, trust, description, boundary (the role's
    permissions boundary), inline, managed (an attachment) or tags. ``op``: create, update,
    delete, attach, detach, tag or untag.
    """

    op: str
    kind: str
    name: str
    before: Any = None
    after: Any = None
    note: str = ""

    @property
    def symbol(self) -> str:
        return "+" if self.op in ADD_OPS else "~" if self.op in CHANGE_OPS else "-"

    @property
    def title(self) -> str:
        words = {
            "policy": "customer-managed policy",
            "role": "role",
            "trust": "trust policy of role",
            "description": "description of role",
            "boundary": "permissions boundary of role",
            "inline": "inline policy",
            "managed": "managed policy",
            "tags": "tags of role",
        }
        verb = {"tag": "add", "untag": "remove"}.get(self.op, self.op)
        if self.kind == "policy" and self.op == "tag":
            return f"tag customer-managed policy {self.name} with {MANAGED_TAG}={MANAGED_VALUE}"
        note = f" ({self.note})" if self.note else ""
        return f"{verb} {words[self.kind]} {self.name}{note}"

    def diff(self) -> list[str]:
        if self.kind in ("policy", "inline", "trust") and self.op == "update":
            return json_diff(self.before, self.after)
        return []

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op, "kind": self.kind, "name": self.name}
        if self.note:
            out["note"] = self.note
        out["before"] = self.before
        out["after"] = self.after
        diff = self.diff()
        if diff:
            out["diff"] = diff
        return out


@dataclass
class Plan:
    role_name: str
    role_arn: str
    account: str
    exists: bool
    owned: bool  # the role (or, when absent, nothing in the way) carries the ownership tag
    adopt: bool
    changes: list[Change] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)  # what the changes undo
    blockers: list[str] = field(default_factory=list)  # reasons apply must refuse
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "add": sum(c.op in ADD_OPS for c in self.changes),
            "change": sum(c.op in CHANGE_OPS for c in self.changes),
            "remove": sum(c.op in REMOVE_OPS for c in self.changes),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role_name,
            "arn": self.role_arn,
            "account": self.account,
            "exists": self.exists,
            "managed_by_wizard": self.owned,
            "changes": [c.to_dict() for c in self.changes],
            "summary": self.counts,
            "blockers": list(self.blockers),
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- reading


@dataclass
class RoleState:
    """What the account holds for the role; ``role`` is None when it does not exist."""

    role: dict[str, Any] | None
    inline: dict[str, Document] = field(default_factory=dict)
    attached: list[str] = field(default_factory=list)

    @property
    def tags(self) -> dict[str, str]:
        if self.role is None:
            return {}
        return {t["Key"]: t["Value"] for t in self.role.get("Tags") or []}

    @property
    def boundary_arn(self) -> str | None:
        if self.role is None:
            return None
        return (self.role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")


def _no_such_entity(exc: BaseException) -> bool:
    return (
        isinstance(exc, botocore.exceptions.ClientError)
        and exc.response.get("Error", {}).get("Code") == "NoSuchEntity"
    )


def read_role_state(iam: Any, role_name: str) -> RoleState:
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except botocore.exceptions.ClientError as exc:
        if _no_such_entity(exc):
            return RoleState(None)
        raise
    inline: dict[str, Document] = {}
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for name in page["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
            inline[name] = _document(doc)
    attached: list[str] = []
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name):
        attached.extend(p["PolicyArn"] for p in page["AttachedPolicies"])
    return RoleState(role, inline, attached)


def _document(doc: Any) -> Document:
    """IAM documents come back decoded by botocore; be tolerant of a JSON string too."""
    if isinstance(doc, str):
        from urllib.parse import unquote

        return json.loads(unquote(doc))
    return doc


def read_policy(iam: Any, arn: str) -> tuple[dict[str, Any], Document] | None:
    """A customer-managed policy's metadata and default version document, or None."""
    try:
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
    except botocore.exceptions.ClientError as exc:
        if _no_such_entity(exc):
            return None
        raise
    version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    return policy, _document(version["PolicyVersion"]["Document"])


# --------------------------------------------------------------------------- planning


def policy_arn(partition: str, account: str, name: str, path: str = "/") -> str:
    return f"arn:{partition}:iam::{account}:policy{path}{name}"


def desired_tags(bundle: RoleBundle) -> dict[str, str]:
    return {**bundle.tags, MANAGED_TAG: MANAGED_VALUE}


def customer_policies(
    bundle: RoleBundle, partition: str, account: str, deployer_policy_name: str | None
) -> list[CustomerPolicy]:
    out = []
    if bundle.boundary is not None:
        arn = policy_arn(partition, account, bundle.boundary.name)
        out.append(
            CustomerPolicy(
                "permissions boundary", bundle.boundary.name, arn, bundle.boundary.document
            )
        )
    if deployer_policy_name:
        if bundle.deployer is None:
            raise UserError(
                "--deployer-policy-name: the spec has deployer: false, so there is no deployer "
                "policy to create"
            )
        arn = policy_arn(partition, account, deployer_policy_name)
        out.append(
            CustomerPolicy("deployer policy", deployer_policy_name, arn, bundle.deployer.document)
        )
    return out


def expected_role(
    bundle: RoleBundle, partition: str, account: str, deployer_policy_name: str | None
) -> ExpectedRole:
    """What the spec's bundle is in this account: its policies' ARNs, the ownership tag."""
    boundary_arn = (
        policy_arn(partition, account, bundle.boundary.name)
        if bundle.boundary is not None
        else bundle.boundary_arn
    )
    policies = customer_policies(bundle, partition, account, deployer_policy_name)
    return ExpectedRole(bundle, boundary_arn, desired_tags(bundle), policies)


def live_role(state: RoleState, policies: dict[str, Document | None]) -> LiveRole:
    """The account's role (as read) in the domain's terms."""
    role = state.role
    if role is None:
        return LiveRole(False, policies=policies)
    return LiveRole(
        exists=True,
        path=role.get("Path", "/"),
        description=role.get("Description"),
        trust=_document(role.get("AssumeRolePolicyDocument") or {}),
        inline=dict(state.inline),
        attached=list(state.attached),
        boundary_arn=state.boundary_arn,
        tags=state.tags,
        policies=policies,
    )


@dataclass
class Reading:
    """What was read of the account for a spec: the expectation, the role, the policies."""

    expected: ExpectedRole
    state: RoleState
    policies: dict[str, tuple[dict[str, Any], Document] | None]  # ARN -> (metadata, document)

    @property
    def live(self) -> LiveRole:
        documents = {arn: found[1] if found else None for arn, found in self.policies.items()}
        return live_role(self.state, documents)

    def role_arn(self, partition: str, account: str) -> str:
        if self.state.role:
            return self.state.role["Arn"]
        bundle = self.expected.bundle
        return f"arn:{partition}:iam::{account}:role{bundle.path}{bundle.role_name}"


def read_for(aws: AwsSession, expected: ExpectedRole) -> Reading:
    """Read the role and the customer-managed policies ``expected`` names (AwsFailure when an
    AWS call fails)."""
    iam = aws.client("iam")
    try:
        state = read_role_state(iam, expected.bundle.role_name)
        policies = {cp.arn: read_policy(iam, cp.arn) for cp in expected.policies}
    except AWS_ERRORS as exc:
        raise AwsFailure(f"cannot read the role: {one_line(exc)}") from None
    return Reading(expected, state, policies)


def make_plan(
    aws: AwsSession,
    bundle: RoleBundle | Approved,
    *,
    adopt: bool = False,
    deployer_policy_name: str | None = None,
) -> Plan:
    """Read the account and list the changes that make it match ``bundle``: those that undo
    its drift (:func:`wizard.policy.drift.compare`), kept on the plan as ``drift``.

    The role must pass the gate first (:class:`~wizard.policy.gate.Refused` otherwise): a
    plan exists only for a role that may be applied, and :func:`execute` applies only plans.
    """
    bundle = approved(bundle).bundle
    expected = expected_role(bundle, aws.partition, aws.account, deployer_policy_name)
    reading = read_for(aws, expected)
    return plan_for(reading, aws.partition, aws.account, adopt=adopt)


def plan_for(reading: Reading, partition: str, account: str, *, adopt: bool = False) -> Plan:
    """The plan that undoes the drift between what was read and what the spec builds."""
    expected, state = reading.expected, reading.state
    bundle = expected.bundle
    drift = compare(expected, reading.live)
    plan = Plan(
        role_name=bundle.role_name,
        role_arn=reading.role_arn(partition, account),
        account=account,
        exists=state.role is not None,
        owned=state.role is None or is_owned(state.tags),
        adopt=adopt,
        drift=drift,
    )

    def of(kind: str, *states: str) -> list[Drift]:
        return [d for d in drift if d.kind == kind and d.state in states]

    add = plan.changes.append
    # 1. customer-managed policies
    by_name = {d.name: d for d in of("policy", "removed", "changed")}
    for cp in expected.policies:
        d = by_name.get(cp.name)
        if d is not None:
            op = "create" if d.state == "removed" else "update"
            add(Change(op, "policy", cp.name, d.live, cp.document, cp.label))
        meta = reading.policies[cp.arn]
        if meta is None or is_owned(meta[0].get("Tags")):
            continue
        if adopt:
            add(Change("tag", "policy", cp.name, None, {MANAGED_TAG: MANAGED_VALUE}, cp.label))
        else:
            plan.blockers.append(
                f"policy {cp.name} exists and was not created by role-wizard (no "
                f"{MANAGED_TAG}={MANAGED_VALUE} tag); pass --adopt to take it over"
            )

    # 2. the role
    if state.role is None:
        add(
            Change(
                "create",
                "role",
                bundle.role_name,
                None,
                {
                    "Path": bundle.path,
                    "Description": bundle.description,
                    "AssumeRolePolicyDocument": bundle.assume_role_policy,
                    "PermissionsBoundary": expected.boundary_arn,
                    "Tags": expected.tags,
                },
            )
        )
    else:
        if not plan.owned and not adopt:
            plan.blockers.append(
                f"role {bundle.role_name} exists and was not created by role-wizard (no "
                f"{MANAGED_TAG}={MANAGED_VALUE} tag); pass --adopt to take it over"
            )
        for d in of("path", "changed"):
            plan.blockers.append(
                f"role {bundle.role_name} has path {d.live}, the spec says "
                f"{d.spec}; IAM cannot change a role's path: delete the role or keep its path"
            )
        tagged = of("tags", "removed", "changed")
        if tagged:
            before = {d.name: d.live for d in tagged if d.state == "changed"}
            add(
                Change(
                    "tag",
                    "tags",
                    bundle.role_name,
                    before or None,
                    {d.name: d.spec for d in tagged},
                )
            )
        for d in of("trust", "changed"):
            add(Change("update", "trust", bundle.role_name, d.live, d.spec))
        for d in of("description", "changed"):
            add(Change("update", "description", bundle.role_name, d.live, d.spec))
        for d in of("boundary", "removed", "changed"):
            add(Change("update", "boundary", bundle.role_name, d.live, d.spec))

    # 3. inline policies, then attachments
    for d in of("inline", "removed", "changed"):
        add(Change("create" if d.live is None else "update", "inline", d.name, d.live, d.spec))
    for d in of("managed", "removed"):
        add(Change("attach", "managed", d.name))

    # 4. removals
    for d in of("managed", "added"):
        add(Change("detach", "managed", d.name))
    for d in of("inline", "added"):
        add(Change("delete", "inline", d.name, d.live, None))
    for d in of("boundary", "added"):
        add(Change("delete", "boundary", bundle.role_name, d.live, None))
    untagged = of("tags", "added")
    if untagged:
        add(Change("untag", "tags", bundle.role_name, {d.name: d.live for d in untagged}, None))
    return plan


# --------------------------------------------------------------------------- applying


@dataclass
class ApplyResult:
    done: list[Change]


def _put_policy_version(iam: Any, arn: str, document: Document) -> None:
    versions: list[dict[str, Any]] = []
    for page in iam.get_paginator("list_policy_versions").paginate(PolicyArn=arn):
        versions.extend(page["Versions"])
    if len(versions) >= MAX_POLICY_VERSIONS:
        old = sorted(
            (v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"]
        )
        iam.delete_policy_version(PolicyArn=arn, VersionId=old[0]["VersionId"])
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document), SetAsDefault=True)


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _run(change: Change, iam: Any, plan: Plan, partition: str) -> None:
    role = plan.role_name
    if change.kind == "policy":
        arn = policy_arn(partition, plan.account, change.name)
        if change.op == "create":
            iam.create_policy(
                PolicyName=change.name,
                PolicyDocument=json.dumps(change.after),
                Description=f"{change.note} for role {role} (lambda-role-wizard)"[:1000],
                Tags=_tag_list({MANAGED_TAG: MANAGED_VALUE}),
            )
        elif change.op == "update":
            _put_policy_version(iam, arn, change.after)
        elif change.op == "tag":
            iam.tag_policy(PolicyArn=arn, Tags=_tag_list(change.after))
    elif change.kind == "role":
        spec = change.after
        kwargs: dict[str, Any] = {
            "RoleName": role,
            "Path": spec["Path"],
            "AssumeRolePolicyDocument": json.dumps(spec["AssumeRolePolicyDocument"]),
            "Tags": _tag_list(spec["Tags"]),
        }
        if spec["Description"]:
            kwargs["Description"] = spec["Description"]
        if spec["PermissionsBoundary"]:
            kwargs["PermissionsBoundary"] = spec["PermissionsBoundary"]
        iam.create_role(**kwargs)
    elif change.kind == "tags":
        if change.op == "tag":
            iam.tag_role(RoleName=role, Tags=_tag_list(change.after))
        else:
            iam.untag_role(RoleName=role, TagKeys=list(change.before))
    elif change.kind == "trust":
        iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(change.after))
    elif change.kind == "description":
        iam.update_role(RoleName=role, Description=change.after)
    elif change.kind == "boundary":
        if change.op == "update":
            iam.put_role_permissions_boundary(RoleName=role, PermissionsBoundary=change.after)
        else:
            iam.delete_role_permissions_boundary(RoleName=role)
    elif change.kind == "inline":
        if change.op == "delete":
            iam.delete_role_policy(RoleName=role, PolicyName=change.name)
        else:
            iam.put_role_policy(
                RoleName=role, PolicyName=change.name, PolicyDocument=json.dumps(change.after)
            )
    elif change.kind == "managed":
        if change.op == "attach":
            iam.attach_role_policy(RoleName=role, PolicyArn=change.name)
        else:
            iam.detach_role_policy(RoleName=role, PolicyArn=change.name)
    else:  # pragma: no cover - every kind the planner makes is handled above
        raise ValueError(change.kind)


def check_allowed(plan: Plan) -> None:
    """Refuse (exit 2) a plan that would take over what role-wizard did not create."""
    if plan.blockers:
        raise UserError(plan.blockers[0])


def execute(
    aws: AwsSession, plan: Plan, *, on_change: Callable[[Change], None] | None = None
) -> ApplyResult:
    """Carry out a plan's changes in order. A failed call stops the run with an AwsFailure
    that says how far it got; running apply again finishes the job."""
    check_allowed(plan)
    iam = aws.client("iam")
    done: list[Change] = []
    for i, change in enumerate(plan.changes, start=1):
        try:
            _run(change, iam, plan, aws.partition)
        except AWS_ERRORS as exc:
            raise AwsFailure(
                f"apply stopped at change {i} of {len(plan.changes)} ({change.title}): "
                f"{one_line(exc)}; {count(len(done), 'change')} made; run apply again to finish"
            ) from None
        done.append(change)
        if on_change is not None:
            on_change(change)
    return ApplyResult(done)


def apply(
    aws: AwsSession,
    bundle: RoleBundle | Approved,
    *,
    adopt: bool = False,
    deployer_policy_name: str | None = None,
) -> ApplyResult:
    """Plan and execute in one go (no prompt): the library entry point."""
    plan = make_plan(aws, bundle, adopt=adopt, deployer_policy_name=deployer_policy_name)
    return execute(aws, plan)


# --------------------------------------------------------------------------- rendering


def render_plan(plan: Plan) -> str:
    """The plan as text, terraform style: one line a change, JSON diffs indented below."""
    lines = []
    state = "exists" if plan.exists else "does not exist yet"
    if plan.exists and not plan.owned:
        state += ", not created by role-wizard"
    lines.append(f"Role {plan.role_name} ({plan.role_arn}) {state}")
    lines.append("")
    if not plan.changes:
        lines.append("No changes. The account matches the spec.")
    for change in plan.changes:
        lines.append(f"  {change.symbol} {change.title}")
        lines.extend(f"      {line}" for line in _detail(change))
    for blocker in plan.blockers:
        lines.append("")
        lines.append(f"Apply will refuse: {blocker}")
    for note in plan.notes:
        lines.append(f"Note: {note}")
    if plan.changes:
        c = plan.counts
        lines.append("")
        lines.append(f"Plan: {c['add']} to add, {c['change']} to change, {c['remove']} to remove.")
    return "\n".join(lines) + "\n"


def _detail(change: Change) -> list[str]:
    if change.op == "update" and change.kind in ("policy", "inline", "trust"):
        return change.diff()
    if change.kind == "role":
        spec = change.after
        out = [f"path: {spec['Path']}"]
        if spec["Description"]:
            out.append(f"description: {spec['Description']}")
        out.append(f"permissions boundary: {spec['PermissionsBoundary'] or '(none)'}")
        out.append("tags: " + ", ".join(f"{k}={v}" for k, v in spec["Tags"].items()))
        out.append("trust policy:")
        out.extend("  " + line for line in pretty(spec["AssumeRolePolicyDocument"]).splitlines())
        return out
    if change.op == "create" and change.kind in ("policy", "inline"):
        return pretty(change.after).splitlines()
    if change.kind == "tags":
        if change.op == "tag":
            return [
                f"{k}={v}"
                + (f" (was {change.before[k]})" if change.before and k in change.before else "")
                for k, v in change.after.items()
            ]
        return [f"{k}={v}" for k, v in change.before.items()]
    if change.kind in ("description", "boundary"):
        return [f"{change.before or '(none)'} -> {change.after or '(none)'}"]
    return []


# --------------------------------------------------------------------------- drift


def drift_plan(
    aws: AwsSession, bundle: RoleBundle | Approved, *, deployer_policy_name: str | None = None
) -> Plan:
    """The plan whose ``drift`` is how the live role differs from ``bundle``.

    The deployer policy is compared under ``deployer_policy_name``, else under the spec's own
    name when the account holds a policy of that name (apply makes it only when asked, so its
    absence is a note, not drift).
    """
    bundle = approved(bundle).bundle
    notes: list[str] = []
    if deployer_policy_name is None and bundle.deployer is not None:
        arn = policy_arn(aws.partition, aws.account, bundle.deployer.name)
        try:
            present = read_policy(aws.client("iam"), arn) is not None
        except AWS_ERRORS as exc:
            raise AwsFailure(f"cannot read the deployer policy: {one_line(exc)}") from None
        if present:
            deployer_policy_name = bundle.deployer.name
        else:
            notes.append(
                f"no deployer policy {bundle.deployer.name} in the account: not compared "
                "(--deployer-policy-name names another)"
            )
    plan = make_plan(aws, bundle, deployer_policy_name=deployer_policy_name)
    plan.notes.extend(notes)
    return plan
