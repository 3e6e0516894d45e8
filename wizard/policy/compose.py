"""The composer: a role spec -> a least-privilege role bundle.

Every statement comes from a reviewed catalog template, filled with the spec's own names and
ARNs. Resources are never broadened: quotas are met by merging statements that share their
actions or their resources exactly, and a spec that still does not fit is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import NamedTuple

from wizard.bundle import Document, NamedPolicy, RoleBundle
from wizard.catalog.kinds import Catalog, Profile, StatementTemplate, catalog, render
from wizard.catalog.reference import Reference, reference
from wizard.errors import UserError
from wizard.policy.patterns import is_wild, name_matcher, wildcard_regex
from wizard.policy.quotas import (
    INLINE_AGGREGATE_LIMIT,
    MANAGED_LIMIT,
    TRUST_LIMIT,
    policy_size,
)
from wizard.spec import (
    OPEN_ACCOUNT,
    OPEN_REGION,
    ResolvedResource,
    RoleSpec,
    SpecContext,
    check_boundary_arn,
    check_managed_policies,
    resolve_resources,
)
from wizard.targets import ResolvedTarget, resolve_targets

VERSION = "2012-10-17"
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"


class Grant(NamedTuple):
    """One action on one resource, under one condition, from one catalog statement."""

    sid: str
    action: str
    resource: str
    condition: str  # canonical JSON of the Condition block, "" for none


def _condition_json(condition: dict | None) -> str:
    return json.dumps(condition, sort_keys=True) if condition else ""


def _template_grants(
    template: StatementTemplate, values: dict[str, str], extra_condition: dict | None = None
) -> Iterable[Grant]:
    for each in template.expansions(values):
        condition = None
        if template.condition:
            condition = {
                op: {
                    key: _one_or_list([render(v, each) for v in vals])
                    for key, vals in block.items()
                }
                for op, block in template.condition.items()
            }
        if extra_condition:
            condition = {**(condition or {})}
            for op, block in extra_condition.items():
                condition[op] = {**condition.get(op, {}), **block}
        cond = _condition_json(condition)
        for resource in template.resources:
            arn = render(resource, each)
            for action in template.actions:
                yield Grant(template.sid, action, arn, cond)


def _one_or_list(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


def _via_condition(resolved: ResolvedResource) -> dict | None:
    via = [v for v in resolved.values.get("via", "").split(",") if v]
    if not via:
        return None
    region = resolved.values.get("Region", OPEN_REGION)
    services = sorted(f"{svc}.{region}.amazonaws.com" for svc in via)
    return {"StringEquals": {"kms:ViaService": _one_or_list(services)}}


def resource_grants(resolved: ResolvedResource) -> list[Grant]:
    """The grants one chosen resource needs for its access profile."""
    if resolved.kind_name == "custom":
        sid = "Custom" + str(resolved.index + 1)
        return [
            Grant(sid, action, resource, "")
            for resource in resolved.custom_resources
            for action in resolved.custom_actions
        ]
    own = _profile_grants(resolved, resolved.kind.profiles[resolved.access])
    return own + encryption_grants(resolved)  # and the key it is encrypted with


def encryption_grants(resolved: ResolvedResource) -> list[Grant]:
    """The KMS grants of a resource encrypted with its ``kms_key`` (none without one)."""
    profile = resolved.kind.encryption.get(resolved.access)
    if profile is None or "kms_key" not in resolved.flags:
        return []
    return _profile_grants(resolved, profile)


def _profile_grants(resolved: ResolvedResource, profile: Profile) -> list[Grant]:
    grants: list[Grant] = []
    for template in profile.statements:
        if not template.applies(set(resolved.flags)):
            continue
        extra = _via_condition(resolved) if template.via_service else None
        grants.extend(_template_grants(template, resolved.values, extra))
    return grants


def _target_profiles(target: ResolvedTarget) -> list[Profile]:
    """A target's delivery grant, and its key grant when it is encrypted with a key."""
    return [target.profile, *([target.encryption] if target.encryption else [])]


def target_grants(targets: list[ResolvedTarget]) -> list[Grant]:
    """The grants Lambda needs to send to the spec's dead-letter target and destinations."""
    return [
        grant
        for target in targets
        for profile in _target_profiles(target)
        for template in profile.statements
        for grant in _template_grants(template, target.values)
    ]


class GrantReason(NamedTuple):
    """Why a statement the user did not write as such is in the identity policy: a KMS grant
    (the resource encrypted with the key) or a target's grant (where Lambda sends records)."""

    sid: str  # the Sid of the identity policy's statement that holds the grant
    actions: tuple[str, ...]
    resource: str
    why: str

    def text(self) -> str:
        return f"{self.sid}: {', '.join(self.actions)} on {self.resource}: {self.why}"


def grant_reasons(spec: RoleSpec, ctx: SpecContext | None = None) -> list[GrantReason]:
    """The reasons of the spec's KMS grants and target grants, for the review step."""
    cat = catalog()
    out: list[GrantReason] = []
    for item in resolve_resources(spec, ctx, cat):
        profile = item.kind.encryption.get(item.access)
        if profile is None or "kms_key" not in item.flags:
            continue
        why = f"{item.label} ({item.access}) is encrypted with this key. {profile.summary}"
        for t in profile.statements:
            if t.applies(set(item.flags)):
                out.append(GrantReason(t.sid, t.actions, item.values["kms_key"], why))
    for target in resolve_targets(spec, ctx, cat):
        title = cat.targets[target.slot].title
        why = f"the {title}. {target.profile.summary}"
        for t in target.profile.statements:
            for resource in t.resources:
                out.append(GrantReason(t.sid, t.actions, render(resource, target.values), why))
        if target.encryption is not None:
            why = f"the {title} is encrypted with this key. {target.encryption.summary}"
            for t in target.encryption.statements:
                out.append(GrantReason(t.sid, t.actions, target.values["kms_key"], why))
    if not out:
        return out
    # Statements with equal action sets are merged: name the Sid the policy gives the grant.
    holders = [
        (st["Sid"], _as_set(st.get("Action")), _as_set(st.get("Resource")))
        for policy in compose(spec, ctx).policies
        for st in policy.document["Statement"]
    ]

    def holder(r: GrantReason) -> str:
        able = [sid for sid, acts, res in holders if set(r.actions) <= acts and r.resource in res]
        return r.sid if r.sid in able else next(iter(able), r.sid)  # its own Sid if kept

    return [r._replace(sid=holder(r)) for r in out]


def _as_set(value: object) -> set[str]:
    return {value} if isinstance(value, str) else set(value or ())  # type: ignore[arg-type]


def _spec_values(spec: RoleSpec) -> dict[str, str]:
    return {
        "Partition": spec.partition,
        "Region": spec.region or OPEN_REGION,
        "Account": spec.account or OPEN_ACCOUNT,
    }


def role_arn(spec: RoleSpec) -> str:
    return f"arn:{spec.partition}:iam::{spec.account or OPEN_ACCOUNT}:role{spec.role.path}{spec.role_name}"


def function_arn(spec: RoleSpec) -> str:
    v = _spec_values(spec)
    return f"arn:{v['Partition']}:lambda:{v['Region']}:{v['Account']}:function:{spec.function}"


def identity_grants(
    spec: RoleSpec,
    resolved: list[ResolvedResource],
    cat: Catalog,
    targets: list[ResolvedTarget] | None = None,
) -> list[Grant]:
    grants: list[Grant] = []
    values = _spec_values(spec)
    if spec.logs:
        log_group = {**values, "name": f"/aws/lambda/{spec.function}"}
        log_group["arn"] = render(cat.kinds["log-group"].arn or "", log_group)
        for template in cat.kinds["log-group"].profiles["write"].statements:
            grants.extend(_template_grants(template, log_group))
    for feature, enabled in (("tracing", spec.tracing), ("vpc", spec.vpc)):
        if enabled:
            for template in cat.features[feature].statements:
                grants.extend(_template_grants(template, values))
    for item in resolved:
        grants.extend(resource_grants(item))
    grants.extend(target_grants(targets or []))
    return grants


def _statement(
    sid: str, actions: Iterable[str], resources: Iterable[str], condition: str
) -> Document:
    acts = sorted(set(actions), key=lambda a: (a.split(":")[0].lower(), a.lower()))
    res = sorted(set(resources))
    st: Document = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": acts[0] if len(acts) == 1 else acts,
        "Resource": res[0] if len(res) == 1 else res,
    }
    if condition:
        st["Condition"] = json.loads(condition)
    return st


def group_statements(grants: list[Grant], *, by: str = "actions") -> list[Document]:
    """Statements grouped by identical action sets, in the order the grants came.

    Each statement is the full product of its actions and resources, and holds exactly the
    (action, resource, condition) grants asked for: grouping never grants a pair that was not
    asked for. ``by="resources"`` is the dual layout, used to fit a quota: actions that apply to
    identical resource sets share one statement (smaller when many resources each have their
    own mix of actions).
    """
    if by not in ("actions", "resources"):
        raise ValueError(f"group by actions or resources, not {by!r}")
    # Key each grant by the element that is grouped *on* (the resource, or the action) and
    # collect the other element; then gather keys with identical collections.
    inner: dict[tuple[str, str], dict[str, str]] = {}
    first_sid: dict[tuple[str, str], str] = {}
    for g in grants:
        if by == "actions":
            key, other = (g.resource, g.condition), (g.action.lower(), g.action)
        else:
            key, other = (g.action.lower(), g.condition), (g.resource, g.resource)
        inner.setdefault(key, {}).setdefault(other[0], other[1])
        first_sid.setdefault(key, g.sid)
    groups: dict[tuple[frozenset[str], str], list[str]] = {}
    group_sid: dict[tuple[frozenset[str], str], str] = {}
    originals: dict[str, str] = {}  # lower-case action -> as written
    for g in grants:
        originals.setdefault(g.action.lower(), g.action)
    for (element, condition), collected in inner.items():
        gkey = (frozenset(collected.values()), condition)
        groups.setdefault(gkey, []).append(element)
        group_sid.setdefault(gkey, first_sid[(element, condition)])
    taken: set[str] = set()
    statements = []
    for gkey, elements in groups.items():
        collected, condition = gkey
        if by == "actions":
            actions, resources = set(collected), set(elements)
        else:
            actions, resources = {originals[e] for e in elements}, set(collected)
        sid = group_sid[gkey]
        if resources == {"*"} and len({g.sid for g in grants if g.resource == "*"}) > 1:
            sid = "ActionsWithoutResourceTypes"  # gathered from several catalog statements
        statements.append(_statement(_unique_sid(sid, taken), actions, resources, condition))
    return statements


def _unique_sid(sid: str, taken: set[str]) -> str:
    """``sid``, or ``sid2``, ``sid3`` ... : the first not yet used in this policy (IAM wants
    Sids unique within a policy; ``Custom1`` twice must not collide with ``Custom12``)."""
    candidate, n = sid, 1
    while candidate in taken:
        n += 1
        candidate = f"{sid}{n}"
    taken.add(candidate)
    return candidate


def _document(statements: list[Document]) -> Document:
    return {"Version": VERSION, "Statement": statements}


def trust_policy(spec: RoleSpec) -> Document:
    statement: Document = {
        "Sid": "LambdaAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": LAMBDA_PRINCIPAL},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": spec.account or OPEN_ACCOUNT}},
    }
    return _document([statement])


# --------------------------------------------------------------------------- boundary


def _needs_star(action: str, ref: Reference) -> bool:
    found = ref.expand(action)
    return bool(found) and all(not a.scopable for a in found)


def _service_wide_arn(
    service: str, action_names: set[str], values: dict[str, str], ref: Reference
) -> str:
    """``arn:P:svc:REGION:ACCOUNT:*``, leaving out the region or account where the actions'
    resource ARNs carry none (route53, cloudfront and other global services)."""
    formats = [
        f
        for name in action_names
        if (action := ref.action(name)) is not None
        for rt in ref.resource_types_for(action)
        for f in rt.arn_formats
    ]
    region = values["Region"] if not formats or any("${Region}" in f for f in formats) else ""
    account = values["Account"] if not formats or any("${Account}" in f for f in formats) else ""
    return f"arn:{values['Partition']}:{service}:{region}:{account}:*"


def _is_risky(action: str) -> bool:
    """Whether ``service:Action`` is in ``catalogs/risky-actions.yaml``."""
    from wizard.policy.lint.data import risk_classes

    return any(action.lower() in cls.actions for cls in risk_classes())


def _service(action: str) -> str:
    return action.split(":", 1)[0].lower()


def catalog_actions(cat: Catalog) -> set[str]:
    """Every action a catalog profile or feature can grant: the envelope's vocabulary."""
    out: set[str] = set()
    profiles = [p for kind in cat.kinds.values() for p in kind.profiles.values()]
    for profile in [*profiles, *cat.features.values()]:
        for template in profile.statements:
            out.update(template.actions)
    return out


def _matches(actions: Iterable[str], action: str) -> bool:
    """Whether one of the Action patterns ``actions`` matches ``action``, as IAM matches them
    (case-insensitively). An ASCII action by :func:`name_matcher` (a pattern of stars alone
    needs no regex compiled for this one match), anything else by the pattern's regex."""
    low = action.lower()
    if not low.isascii() or "\n" in low:
        return any(wildcard_regex(a, ignore_case=True).match(action) for a in actions)
    return any(name_matcher(a.lower())(low) for a in actions)


def envelope_exceptions(template: StatementTemplate, kind_grants: list[Grant]) -> set[str]:
    """The ARNs an ``except_granted`` envelope deny leaves out: those a catalog kind's profile
    grants the deny's actions on (never a custom entry's)."""
    if not template.except_granted:
        return set()
    return {g.resource for g in kind_grants if _matches(template.actions, g.action)}


def envelope_boundary(
    spec: RoleSpec,
    grants: list[Grant],
    cat: Catalog,
    ref: Reference,
    kind_grants: list[Grant] | None = None,
) -> Document:
    """Allow the services and access levels the function uses, inside its account and region;
    deny privilege escalation outright.

    For each service and access level the identity policy uses, the envelope allows every
    catalog action of that service and level (so a function that reads one table may later
    read another without a new boundary), on that service's resources in the account and
    region only (S3, whose ARNs carry neither: the buckets the function uses). It never
    widens a grant whose action has a wildcard or is a high-risk one
    (``catalogs/risky-actions.yaml``): the boundary repeats such a grant exactly, and no
    high-risk catalog action is added to it.
    """
    values = _spec_values(spec)
    used: dict[str, set[str]] = {}  # service -> access levels
    actions: dict[str, set[str]] = {}  # service -> actions allowed on resources
    star: set[str] = set()  # actions that support no resource-level permission
    buckets: set[str] = set()
    exact: list[Grant] = []  # grants the envelope repeats as they are, never widened
    # Actions a deny leaves out for exact ARNs (assuming an sts-role's role, passing a
    # scheduler's target role): only ever repeated exactly, conditions and all.
    exempted = [t.actions for t in cat.envelope_denies if t.except_granted]
    for g in grants:
        expanded = ref.expand(g.action)
        if any(_matches(actions, g.action) for actions in exempted):
            exact.append(g)
            continue
        if is_wild(g.action) or any(_is_risky(a.full_name) for a in expanded):
            # A wildcard (a custom kms:?* is every KMS action) or a high-risk action
            # (catalogs/risky-actions.yaml): the boundary allows exactly what the identity
            # policy names, on exactly its resources; its access levels widen nothing.
            exact.append(g)
            continue
        for action in expanded:
            used.setdefault(action.service, set()).add(action.access_level)
            target = actions.setdefault(action.service, set())
            # Resource "*" also for an action whose resource types are all optional
            # (cloudwatch:PutMetricData): its request names no resource.
            on_star = not action.supports_resource_level or g.resource == "*"
            (star if on_star else target).add(action.full_name)
        if g.resource.startswith(f"arn:{spec.partition}:s3:::"):
            buckets.add(g.resource.split(":::", 1)[1].split("/", 1)[0])
    for name in catalog_actions(cat):
        if name.split(":", 1)[0].lower() not in used:
            continue  # an unused service: don't load its reference data at all
        action = ref.action(name)
        if _is_risky(name):
            continue  # never added beyond what the identity policy names
        if action and action.access_level in used.get(action.service, ()):
            target = actions.setdefault(action.service, set())
            (target if action.scopable else star).add(action.full_name)
    statements: list[Document] = []
    wide = {
        service: _service_wide_arn(service, names, values, ref)
        for service, names in actions.items()
        if names and service != "s3"
    }
    fitting: set[str] = set()  # services with a grant inside their account-and-region ARN
    for g in grants:
        # A resource outside the service's account-and-region ARN (a Bedrock foundation model,
        # which has no account, one in a profile's other Regions, a role another account owns
        # for sts:AssumeRole): repeated exactly.
        service = g.action.split(":", 1)[0].lower()
        if g.resource == "*" or service not in wide or g in exact:
            continue
        if wildcard_regex(wide[service]).match(g.resource):
            fitting.add(service)
        else:
            exact.append(g)
    for service in sorted(actions):
        if not actions[service] or (service in wide and service not in fitting):
            continue  # none of its grants is in the account and region: only the exact ones
        if service == "s3":
            resources = [
                r
                for b in sorted(buckets)
                for r in (f"arn:{spec.partition}:s3:::{b}", f"arn:{spec.partition}:s3:::{b}/*")
            ]
        else:
            resources = [wide[service]]
        if not resources:
            continue
        sid = "Allow" + re.sub(r"[^A-Za-z0-9]", "", service.title()) + "InAccount"
        statements.append(_statement(sid, actions[service], resources, ""))
    if star:
        statements.append(_statement("AllowActionsWithoutResourceTypes", star, ["*"], ""))
    taken = {st["Sid"] for st in statements}
    for st in group_statements(exact):
        st["Sid"] = _unique_sid("Exactly" + st["Sid"], taken)
        statements.append(st)
    for template in cat.envelope_denies:
        deny: Document = {
            "Sid": template.sid,
            "Effect": "Deny",
            "Action": list(template.actions) if len(template.actions) > 1 else template.actions[0],
            "Resource": "*",
        }
        if kept := sorted(envelope_exceptions(template, kind_grants or [])):
            del deny["Resource"]
            deny["NotResource"] = _one_or_list(kept)
        statements.append(deny)
    return _document(statements)


def strict_boundary(identity: list[Document]) -> Document:
    """The identity grants as the ceiling. With none (no logs, no resources) the ceiling is
    nothing: an explicit deny, so a policy added to the role later grants nothing either."""
    if not identity:
        return _document(
            [{"Sid": "NothingBeyondThisRole", "Effect": "Deny", "Action": "*", "Resource": "*"}]
        )
    return _document([dict(st) for st in identity])


# --------------------------------------------------------------------------- bundle


def _fit_identity(spec: RoleSpec, grants: list[Grant]) -> list[Document]:
    """The identity statements, grouped by action sets; when they overflow IAM's quota, the
    dual grouping by resource sets if that is smaller. Both are exact: nothing is widened."""
    statements = group_statements(grants)
    size = policy_size(_document(statements))
    if size > INLINE_AGGREGATE_LIMIT:
        dual = group_statements(grants, by="resources")
        dual_size = policy_size(_document(dual))
        if dual_size < size:
            statements, size = dual, dual_size
    if size > INLINE_AGGREGATE_LIMIT:
        raise UserError(
            f"the identity policy needs {size:,} characters, {size - INLINE_AGGREGATE_LIMIT:,} over "
            f"IAM's {INLINE_AGGREGATE_LIMIT:,}-character limit for a role's inline policies, even "
            "with statements merged; split the function or use prefixes that cover several resources"
        )
    return statements


def unknown_action_problem(action: str, ref: Reference | None = None) -> str | None:
    """Why the IAM reference does not know ``action`` (its service, or no action matching
    it), or None."""
    ref = ref or reference()
    service = action.split(":")[0]
    if not ref.has_service(service):
        return f"unknown service {service!r}"
    if not ref.expand(action):
        return f"unknown action {action!r}"
    return None


def _check_custom(resolved: list[ResolvedResource], ref: Reference, ctx: SpecContext) -> None:
    for item in resolved:
        for j, action in enumerate(item.custom_actions):
            if problem := unknown_action_problem(action, ref):
                raise UserError(
                    f"resources[{item.index}].actions[{j}]: {problem}",
                    where=ctx.where(("resources", item.index, "actions", j)),
                )
        for j, resource in enumerate(item.custom_resources):
            if resource == "*" and not all(_needs_star(a, ref) for a in item.custom_actions):
                where = ctx.where(("resources", item.index, "resources", j))
                raise UserError(
                    f"resources[{item.index}].resources[{j}]: '*' is only for actions that support "
                    "no resource-level permission; name the resources' ARNs",
                    where=where,
                )


def _check_envelope(
    grants: list[Grant], kind_grants: list[Grant], ctx: SpecContext, cat: Catalog
) -> None:
    for template in cat.envelope_denies:
        kept = envelope_exceptions(template, kind_grants)
        for g in grants:
            if _matches(template.actions, g.action) and g.resource not in kept:
                raise UserError(
                    f"boundary: {g.action} is denied by the envelope boundary "
                    f"({template.sid}); choose boundary: strict or none, or drop the action",
                    where=ctx.where(("boundary",)),
                )


def bounds_nothing(document: Document) -> bool:
    """Whether a policy allows every action on every resource with no condition (AWS's
    AdministratorAccess): as a permissions boundary it bounds nothing."""
    statements = document.get("Statement")
    items = statements if isinstance(statements, list) else [statements]
    for st in items:
        if not isinstance(st, dict) or st.get("Effect") != "Allow" or "Condition" in st:
            continue
        actions, resources = st.get("Action"), st.get("Resource")
        actions = actions if isinstance(actions, list) else [actions]
        resources = resources if isinstance(resources, list) else [resources]
        if "*" in actions and "*" in resources:
            return True
    return False


def check_boundary(spec: RoleSpec, ctx: SpecContext) -> None:
    """A boundary ARN must be attachable to the role (see ``spec.check_boundary_arn``) and
    must bound something: an AWS managed policy shipped in ``catalogs/managed`` that allows
    ``*`` on ``*`` (AdministratorAccess) is refused."""
    from wizard.policy.managed import shipped_document_by_arn

    check_boundary_arn(spec, ctx)
    if spec.boundary in ("envelope", "strict", "none"):
        return
    document = shipped_document_by_arn(spec.boundary)
    if document is not None and bounds_nothing(document):
        name = spec.boundary.rsplit("/", 1)[-1]
        raise UserError(
            f"boundary: {name} allows every action on every resource, so as a "
            "permissions boundary it bounds nothing; choose envelope, strict or a policy "
            "that limits the role",
            where=ctx.where(("boundary",)),
        )


def compose(spec: RoleSpec, ctx: SpecContext | None = None) -> RoleBundle:
    """Spec -> bundle: trust policy, identity policy, boundary and deployer policy."""
    ctx = ctx or SpecContext()
    cat = catalog()
    ref = reference()
    resolved = resolve_resources(spec, ctx, cat)
    targets = resolve_targets(spec, ctx, cat)
    _check_custom(resolved, ref, ctx)
    managed = check_managed_policies(spec, ctx)
    check_boundary(spec, ctx)
    grants = identity_grants(spec, resolved, cat, targets)
    policies: list[NamedPolicy] = []
    identity: list[Document] = []
    if grants:
        identity = _fit_identity(spec, grants)
        policies.append(NamedPolicy(f"{spec.function}-access"[:128], _document(identity)))
    trust = trust_policy(spec)
    if policy_size(trust) > TRUST_LIMIT:  # pragma: no cover - a fixed two-key document
        raise UserError("the trust policy is over IAM's 2,048-character limit")
    boundary = None
    boundary_arn = None
    if spec.boundary == "envelope":
        kind_grants = [g for r in resolved if r.kind_name != "custom" for g in resource_grants(r)]
        _check_envelope(grants, kind_grants, ctx, cat)
        boundary = envelope_boundary(spec, grants, cat, ref, kind_grants)
    elif spec.boundary == "strict":
        boundary = strict_boundary(identity)
    elif spec.boundary not in ("strict", "none"):
        boundary_arn = spec.boundary
    boundary_policy = None
    if boundary is not None:
        size = policy_size(boundary)
        if size > MANAGED_LIMIT:
            raise UserError(
                f"the {spec.boundary} boundary needs {size:,} characters, {size - MANAGED_LIMIT:,} "
                f"over IAM's {MANAGED_LIMIT:,}-character limit for a managed policy; "
                "use boundary: none or an existing boundary's ARN",
                where=ctx.where(("boundary",)),
            )
        boundary_policy = NamedPolicy(f"{spec.role_name}-boundary"[:128], boundary)
    deployer = None
    if spec.deployer:
        values = {
            **_spec_values(spec),
            "role_arn": role_arn(spec),
            "function_arn": function_arn(spec),
        }
        statements = []
        for template in cat.deployer.statements:
            statements.extend(group_statements(list(_template_grants(template, values))))
        name = spec.deployer_policy or f"{spec.role_name}-deployer"[:128]
        deployer = NamedPolicy(name, _document(statements))
    return RoleBundle(
        role_name=spec.role_name,
        path=spec.role.path,
        description=spec.role.description,
        assume_role_policy=trust,
        policies=policies,
        managed_policy_arns=managed,
        boundary=boundary_policy,
        boundary_arn=boundary_arn,
        deployer=deployer,
        tags=dict(spec.role.tags),
        function_name=spec.function,
    )
