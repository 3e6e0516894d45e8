"""Audit an existing role: what it grants, what it uses, and a tighter spec for it.

Reads the role (trust policy, inline policies, attached managed policies' default versions,
boundary); runs the validator over the whole role; lists what the attached AWS managed policies
grant beyond the role's own statements (by service and access level); asks IAM's
service-last-accessed report and CloudTrail ``lookup_events`` what was used in the lookback
window. An API the account (or a mock) does not offer becomes a note, never a failure.
:func:`tightened_spec` turns the role back into a :class:`RoleSpec`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import botocore.exceptions
import botocore.parsers
from botocore.config import Config

from wizard.aws.provision import AWS_ERRORS, MANAGED_TAG, AwsFailure, _document, one_line
from wizard.aws.session import AwsSession
from wizard.bundle import Document, NamedPolicy, RoleBundle
from wizard.errors import UserError

# The insight APIs are optional: two attempts, so a mock that lacks them costs little.
INSIGHT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 2}, connect_timeout=10, read_timeout=30
)
LAST_ACCESSED_WAIT = 30.0  # seconds to wait for IAM's last-accessed job
CLOUDTRAIL_PAGES = 10  # at most this many pages of 50 events
FEATURE_POLICIES = {  # AWS managed policies a spec option replaces, scoped to the function
    "AWSLambdaBasicExecutionRole": ("logs",),
    "AWSLambdaVPCAccessExecutionRole": ("logs", "vpc"),
    "AWSXRayDaemonWriteAccess": ("tracing",),
}


# --------------------------------------------------------------------------- model


@dataclass
class AttachedPolicy:
    arn: str
    name: str
    aws_managed: bool
    document: Document | None  # None when neither the account nor the shipped copy has it
    source: str = "account"  # account | shipped copy


@dataclass
class RoleSnapshot:
    name: str
    arn: str
    account: str
    partition: str
    path: str
    description: str | None
    trust: Document
    inline: list[NamedPolicy]
    attached: list[AttachedPolicy]
    boundary_arn: str | None
    boundary: Document | None
    tags: dict[str, str]
    last_used: dt.datetime | None = None

    def own_documents(self) -> list[NamedPolicy]:
        """The role's own statements: inline policies and attached customer-managed ones."""
        out = list(self.inline)
        out.extend(
            NamedPolicy(p.name, p.document)
            for p in self.attached
            if not p.aws_managed and p.document is not None
        )
        return out


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    location: str


@dataclass
class Excess:
    """Actions an AWS managed policy grants that none of the role's own statements needs."""

    policy: str
    service: str
    access_level: str
    actions: list[str]


@dataclass
class ServiceUse:
    namespace: str
    name: str
    last_accessed: dt.datetime | None
    unused_actions: list[str] = field(default_factory=list)  # tracked actions not used


@dataclass
class AuditReport:
    role: RoleSnapshot
    lookback_days: int
    findings: list[Finding] = field(default_factory=list)
    excess: list[Excess] = field(default_factory=list)
    unused_services: list[ServiceUse] = field(default_factory=list)
    used_services: list[ServiceUse] = field(default_factory=list)
    cloudtrail_actions: dict[str, str] = field(default_factory=dict)  # action -> last time
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        r = self.role
        return {
            "role": r.name,
            "arn": r.arn,
            "path": r.path,
            "description": r.description,
            "trust_policy": r.trust,
            "inline_policies": {p.name: p.document for p in r.inline},
            "attached_policies": [
                {"arn": p.arn, "aws_managed": p.aws_managed, "source": p.source} for p in r.attached
            ],
            "permissions_boundary": r.boundary_arn,
            "tags": r.tags,
            "last_used": r.last_used.isoformat() if r.last_used else None,
            "lookback_days": self.lookback_days,
            "findings": [f.__dict__ for f in self.findings],
            "managed_policy_excess": [e.__dict__ for e in self.excess],
            "unused_services": [_use_dict(u) for u in self.unused_services],
            "used_services": [_use_dict(u) for u in self.used_services],
            "cloudtrail_actions": self.cloudtrail_actions,
            "notes": self.notes,
        }


def _use_dict(use: ServiceUse) -> dict[str, Any]:
    return {
        "service": use.namespace,
        "name": use.name,
        "last_accessed": use.last_accessed.isoformat() if use.last_accessed else None,
        "unused_actions": use.unused_actions,
    }


# --------------------------------------------------------------------------- reading


def _not_found(exc: BaseException) -> bool:
    return (
        isinstance(exc, botocore.exceptions.ClientError)
        and exc.response.get("Error", {}).get("Code") == "NoSuchEntity"
    )


def _policy_document(iam: Any, arn: str) -> Document:
    meta = iam.get_policy(PolicyArn=arn)["Policy"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId=meta["DefaultVersionId"])
    return _document(version["PolicyVersion"]["Document"])


def _shipped(arn: str) -> Document | None:
    try:
        from wizard.policy.managed import managed_policy_by_arn
    except ImportError:  # pragma: no cover - shipped with the package
        return None
    try:
        found = managed_policy_by_arn(arn)
    except UserError:
        return None
    return found.document if found else None


def read_role(aws: AwsSession, role_name: str, notes: list[str] | None = None) -> RoleSnapshot:
    """Everything IAM holds about the role. A missing role is a UserError (exit 2)."""
    notes = notes if notes is not None else []
    iam = aws.client("iam")
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except AWS_ERRORS as exc:
        if _not_found(exc):
            raise UserError(f"no role named {role_name!r} in account {aws.account}") from None
        raise AwsFailure(f"cannot read role {role_name}: {one_line(exc)}") from None
    try:
        inline = []
        for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
            for name in page["PolicyNames"]:
                doc = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
                inline.append(NamedPolicy(name, _document(doc)))
        attached_arns = []
        for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name):
            attached_arns.extend(
                (p["PolicyArn"], p["PolicyName"]) for p in page["AttachedPolicies"]
            )
    except AWS_ERRORS as exc:
        raise AwsFailure(f"cannot read role {role_name}: {one_line(exc)}") from None
    attached = []
    for arn, name in attached_arns:
        aws_managed = ":iam::aws:policy/" in arn
        try:
            attached.append(AttachedPolicy(arn, name, aws_managed, _policy_document(iam, arn)))
        except AWS_ERRORS as exc:
            shipped = _shipped(arn) if aws_managed else None
            if shipped is not None:
                attached.append(AttachedPolicy(arn, name, aws_managed, shipped, "shipped copy"))
                notes.append(
                    f"{name}: the account did not return its document; used the shipped copy"
                )
            else:
                attached.append(AttachedPolicy(arn, name, aws_managed, None, "unreadable"))
                notes.append(f"{name}: cannot read its document ({one_line(exc)})")
    boundary_arn = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    boundary = None
    if boundary_arn:
        try:
            boundary = _policy_document(iam, boundary_arn)
        except AWS_ERRORS as exc:
            boundary = _shipped(boundary_arn)
            if boundary is None:
                notes.append(f"cannot read the permissions boundary ({one_line(exc)})")
    last_used = (role.get("RoleLastUsed") or {}).get("LastUsedDate")
    return RoleSnapshot(
        name=role["RoleName"],
        arn=role["Arn"],
        account=role["Arn"].split(":")[4],
        partition=role["Arn"].split(":")[1],
        path=role.get("Path", "/"),
        description=role.get("Description") or None,
        trust=_document(role.get("AssumeRolePolicyDocument") or {}),
        inline=inline,
        attached=attached,
        boundary_arn=boundary_arn,
        boundary=boundary,
        tags={t["Key"]: t["Value"] for t in role.get("Tags") or []},
        last_used=last_used,
    )


# --------------------------------------------------------------------------- lint


def role_bundle(role: RoleSnapshot) -> RoleBundle:
    """The role as a bundle for the validator: own statements as policies, AWS managed ARNs."""
    return RoleBundle(
        role_name=role.name,
        path=role.path,
        assume_role_policy=role.trust,
        policies=role.own_documents(),
        managed_policy_arns=[p.arn for p in role.attached if p.aws_managed],
        boundary=NamedPolicy("boundary", role.boundary) if role.boundary else None,
        boundary_arn=role.boundary_arn if role.boundary is None else None,
        tags=dict(role.tags),
        description=role.description,
    )


def lint_role(role: RoleSnapshot, notes: list[str]) -> list[Finding]:
    try:
        from wizard.policy import lint  # the validator (another module; may be absent)
    except ImportError:
        notes.append("the validator (wizard.policy.lint) is not available in this build")
        return []
    try:
        raw = lint.lint_bundle(role_bundle(role), file=f"role/{role.name}")
    except UserError as exc:
        notes.append(f"the validator could not read the role: {exc}")
        return []
    return [
        Finding(
            str(getattr(f, "code", "")),
            str(getattr(f, "severity", "warning")),
            str(getattr(f, "message", f)),
            str(getattr(f, "location", "") or ""),
        )
        for f in raw
    ]


# --------------------------------------------------------------------------- managed excess


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _allow_statements(doc: Document | None) -> Iterable[dict[str, Any]]:
    if not doc:
        return []
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements if isinstance(s, dict) and s.get("Effect") == "Allow"]


def granted_actions(docs: Iterable[Document | None]) -> set[str]:
    """Every known action the documents' Allow statements name (wildcards expanded)."""
    from wizard.catalog.reference import reference

    ref = reference()
    out: set[str] = set()
    for doc in docs:
        for st in _allow_statements(doc):
            for pattern in _strings(st.get("Action")):
                out.update(a.full_name for a in ref.expand(pattern))
    return out


def managed_excess(role: RoleSnapshot) -> list[Excess]:
    """Per attached AWS managed policy: actions it grants that no own statement grants."""
    from wizard.catalog.reference import reference

    ref = reference()
    needed = {a.lower() for a in granted_actions(p.document for p in role.own_documents())}
    out: list[Excess] = []
    for policy in role.attached:
        if not policy.aws_managed or policy.document is None:
            continue
        groups: dict[tuple[str, str], list[str]] = {}
        for action in sorted(granted_actions([policy.document])):
            if action.lower() in needed:
                continue
            found = ref.action(action)
            level = found.access_level if found else "Unknown"
            groups.setdefault((action.split(":")[0], level), []).append(action)
        for (service, level), actions in sorted(groups.items()):
            out.append(Excess(policy.name, service, level, actions))
    return out


# --------------------------------------------------------------------------- usage


def insight_client(aws: AwsSession, service: str) -> Any:
    """A client for an optional API: fewer retries, so a missing API degrades quickly."""
    kwargs: dict[str, Any] = {"region_name": aws.region, "config": INSIGHT_CONFIG}
    if aws.endpoint_url:
        kwargs["endpoint_url"] = aws.endpoint_url
    return aws.session.client(service, **kwargs)


def _unavailable(api: str, exc: BaseException) -> str:
    status = 0
    if isinstance(exc, botocore.exceptions.ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    if isinstance(exc, NotImplementedError | botocore.parsers.ResponseParserError) or status in (
        500,
        501,
    ):
        return f"{api} is not available here (the endpoint does not implement it)"
    return f"{api} is not available here ({one_line(exc, 160)})"


def last_accessed(
    iam: Any,
    role_arn: str,
    cutoff: dt.datetime,
    *,
    max_wait: float = LAST_ACCESSED_WAIT,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[list[ServiceUse], list[ServiceUse], str | None]:
    """(used, unused, note): IAM's service-last-accessed report for the role.

    Polls ``get_service_last_accessed_details`` with a bounded wait (``max_wait`` seconds).
    """
    api = "IAM last-accessed data"
    try:
        job = iam.generate_service_last_accessed_details(Arn=role_arn, Granularity="ACTION_LEVEL")
        job_id = job["JobId"]
        deadline = clock() + max_wait
        delay = 0.5
        while True:
            page = iam.get_service_last_accessed_details(JobId=job_id)
            status = page.get("JobStatus")
            if status != "IN_PROGRESS":
                break
            if clock() >= deadline:
                return [], [], f"{api}: the report was not ready after {max_wait:.0f} s"
            sleep(delay)
            delay = min(delay * 2, 5.0)
        if status != "COMPLETED":
            error = (page.get("Error") or {}).get("Message", status)
            return [], [], f"{api}: the report failed ({error})"
        services = list(page.get("ServicesLastAccessed", []))
        while page.get("IsTruncated"):
            page = iam.get_service_last_accessed_details(JobId=job_id, Marker=page["Marker"])
            services.extend(page.get("ServicesLastAccessed", []))
    except (*AWS_ERRORS, NotImplementedError) as exc:
        return [], [], _unavailable(api, exc)
    used, unused = [], []
    for svc in services:
        when = svc.get("LastAuthenticated")
        stale = [
            f"{svc['ServiceNamespace']}:{a['ActionName']}"
            for a in svc.get("TrackedActionsLastAccessed", [])
            if not a.get("LastAccessedTime") or a["LastAccessedTime"] < cutoff
        ]
        use = ServiceUse(svc["ServiceNamespace"], svc.get("ServiceName", ""), when, stale)
        (used if when and when >= cutoff else unused).append(use)
    return used, unused, None


def cloudtrail_actions(
    ct: Any,
    role: RoleSnapshot,
    start: dt.datetime,
    end: dt.datetime,
    *,
    max_pages: int = CLOUDTRAIL_PAGES,
) -> tuple[dict[str, str], str | None]:
    """Actions the role's sessions called in the window (management events only).

    ``lookup_events`` filters on one attribute and a role session's user name is the session
    name, not the role's, so events are matched here on the session issuer's ARN.
    """
    api = "CloudTrail lookup_events"
    session_prefix = f"arn:{role.partition}:sts::{role.account}:assumed-role/{role.name}/"
    found: dict[str, str] = {}
    token = None
    pages = 0
    try:
        while pages < max_pages:
            kwargs: dict[str, Any] = {"StartTime": start, "EndTime": end, "MaxResults": 50}
            if token:
                kwargs["NextToken"] = token
            page = ct.lookup_events(**kwargs)
            pages += 1
            for event in page.get("Events", []):
                detail = _event_detail(event)
                identity = detail.get("userIdentity") or {}
                issuer = ((identity.get("sessionContext") or {}).get("sessionIssuer") or {}).get(
                    "arn"
                )
                if issuer != role.arn and not str(identity.get("arn", "")).startswith(
                    session_prefix
                ):
                    continue
                source = str(detail.get("eventSource") or event.get("EventSource") or "")
                name = str(detail.get("eventName") or event.get("EventName") or "")
                if not source or not name:
                    continue
                action = f"{source.split('.')[0]}:{name}"
                when = event.get("EventTime")
                stamp = when.isoformat() if isinstance(when, dt.datetime) else str(when or "")
                if stamp > found.get(action, ""):
                    found[action] = stamp
            token = page.get("NextToken")
            if not token:
                return found, None
    except (*AWS_ERRORS, NotImplementedError) as exc:
        return {}, _unavailable(api, exc)
    return (
        found,
        f"{api}: read the {max_pages * 50} most recent events only; older ones were not examined",
    )


def _event_detail(event: dict[str, Any]) -> dict[str, Any]:
    raw = event.get("CloudTrailEvent")
    if not raw:
        return {}
    try:
        detail = json.loads(raw)
    except ValueError:
        return {}
    return detail if isinstance(detail, dict) else {}


# --------------------------------------------------------------------------- the audit


def audit_role(
    aws: AwsSession,
    role_name: str,
    *,
    lookback_days: int = 90,
    iam_insights: Any = None,
    cloudtrail: Any = None,
    now: dt.datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_wait: float = LAST_ACCESSED_WAIT,
) -> AuditReport:
    """Audit one role. ``iam_insights``/``cloudtrail`` replace the optional-API clients
    (tests hand in stubbed ones)."""
    notes: list[str] = []
    role = read_role(aws, role_name, notes)
    report = AuditReport(role, lookback_days, notes=notes)
    report.findings = lint_role(role, notes)
    report.excess = managed_excess(role)
    end = now or dt.datetime.now(dt.UTC)
    start = end - dt.timedelta(days=lookback_days)
    iam_insights = iam_insights or insight_client(aws, "iam")
    used, unused, note = last_accessed(
        iam_insights, role.arn, start, max_wait=max_wait, sleep=sleep
    )
    report.used_services, report.unused_services = used, unused
    if note:
        notes.append(note)
    cloudtrail = cloudtrail or insight_client(aws, "cloudtrail")
    report.cloudtrail_actions, note = cloudtrail_actions(cloudtrail, role, start, end)
    if note:
        notes.append(note)
    if note is None or report.cloudtrail_actions:
        notes.append(
            "CloudTrail lookup_events holds management events only: data events (S3 objects, "
            "DynamoDB items, Lambda invokes) do not show there"
        )
    return report


# --------------------------------------------------------------------------- tightened spec


@dataclass
class _Target:
    kind: str
    fields: tuple[tuple[str, str], ...]
    actions: set[str] = field(default_factory=set)


def _kind_forms(kind: Any) -> list[str]:
    """The ARN forms a kind's statements use: its own forms and ``${arn}/index/*``-like ones."""
    forms = list(kind.parse_forms)
    if kind.arn:
        for profile in kind.profiles.values():
            for template in profile.statements:
                for res in template.resources:
                    if res.startswith("${arn}") and res != "${arn}":
                        forms.append(kind.arn + res[len("${arn}") :])
    return list(dict.fromkeys(forms))


def recognise_arn(arn: str, cat: Any) -> tuple[str, dict[str, str]] | None:
    """(kind, fields) for a resource ARN a catalog kind describes, the most specific match."""
    from wizard.catalog.kinds import _form_regex

    best: tuple[int, str, dict[str, str]] | None = None
    for name, kind in cat.kinds.items():
        if not kind.arn:
            continue
        for form in _kind_forms(kind):
            m = _form_regex(form).fullmatch(arn)
            if not m:
                continue
            parsed = {k: v for k, v in m.groupdict().items() if v is not None}
            fields = {
                k: v for k, v in parsed.items() if k not in ("Partition", "Region", "Account")
            }
            if name == "ssm-parameter" and "param" in fields:
                fields["name"] = "/" + fields.pop("param")
            fields = {k: v for k, v in fields.items() if k in kind.fields}
            if not all(kind.fields[k].check(v) for k, v in fields.items() if v):
                continue
            if any(f.required and not fields.get(k) for k, f in kind.fields.items()):
                continue
            score = len(parsed)
            if best is None or score > best[0]:
                best = (
                    score,
                    name,
                    {**fields, **{k: parsed[k] for k in ("Region", "Account") if k in parsed}},
                )
    if best is None:
        return None
    return best[1], best[2]


def _profile_actions(profile: Any) -> set[str]:
    return {a.lower() for t in profile.statements for a in t.actions}


def smallest_profile(kind: Any, actions: set[str]) -> str | None:
    """The catalog profile with the fewest actions that covers ``actions``, or None."""
    wanted = {a.lower() for a in actions}
    fits = [
        (len(_profile_actions(p)), name)
        for name, p in kind.profiles.items()
        if wanted <= _profile_actions(p)
    ]
    return min(fits)[1] if fits else None


def _function_name(role_name: str) -> str:
    base = role_name[: -len("-role")] if role_name.endswith("-role") else role_name
    base = re.sub(r"[^A-Za-z0-9_-]", "-", base)[:64].strip("-")
    return base or "function"


def tightened_spec(report: AuditReport) -> tuple[Any, list[str]]:
    """(RoleSpec, notes): the role as a spec, in catalog form.

    Resources are recognised from the statements' ARNs (``Kind.parse_arn`` and the forms the
    kind's templates use); each gets the smallest access profile covering its actions; what the
    catalog does not describe becomes a ``custom`` entry with explicit actions and resources.
    AWS managed policies that a spec option replaces (basic execution, VPC, X-Ray) become that
    option; statements granting resource-level actions on ``*`` are left out (listed in the notes).
    """
    from wizard.catalog.kinds import catalog
    from wizard.catalog.reference import reference
    from wizard.spec import ARN_RE, ResourceEntry, RoleOptions, RoleSpec

    cat = catalog()
    ref = reference()
    role = report.role
    notes: list[str] = []
    function = _function_name(role.name)
    features = {"logs": False, "tracing": False, "vpc": False}
    managed: list[str] = []
    for policy in role.attached:
        if policy.aws_managed and policy.name in FEATURE_POLICIES:
            for feature in FEATURE_POLICIES[policy.name]:
                features[feature] = True
            notes.append(
                f"{policy.name} replaced by {', '.join(FEATURE_POLICIES[policy.name])}: true (scoped to the function)"
            )
        elif policy.aws_managed:
            managed.append(policy.arn)
            notes.append(
                f"{policy.name} kept: the audit cannot tell which of its resources the function uses"
            )
        else:
            notes.append(f"customer-managed {policy.name}: its statements are written as resources")
    feature_actions = {
        name: {a.lower() for t in cat.features[name].statements for a in t.actions}
        for name in ("tracing", "vpc")
        if name in cat.features
    }
    targets: dict[tuple[str, tuple[tuple[str, str], ...]], _Target] = {}
    custom: dict[frozenset[str], set[str]] = {}
    regions: set[str] = set()
    log_actions = {
        a.lower() for t in cat.kinds["log-group"].profiles["write"].statements for a in t.actions
    }

    for named in role.own_documents():
        for i, st in enumerate(_allow_statements(named.document)):
            label = f"{named.name} statement {st.get('Sid') or i}"
            if "NotAction" in st or "NotResource" in st:
                notes.append(f"{label}: NotAction/NotResource left out; write what it should allow")
                continue
            condition = st.get("Condition") or {}
            prefixes = _s3_prefixes(condition)
            if condition and not prefixes:
                notes.append(f"{label}: its Condition is not carried into the spec; review it")
            actions = []
            for pattern in _strings(st.get("Action")):
                found = [a.full_name for a in ref.expand(pattern)]
                if not found:
                    notes.append(f"{label}: unknown action {pattern} left out")
                actions.extend(found)
            for resource in _strings(st.get("Resource")):
                if resource == "*":
                    _star(actions, features, feature_actions, custom, notes, label, ref)
                    continue
                hit = recognise_arn(resource, cat)
                if hit is None:
                    m = ARN_RE.fullmatch(resource)
                    service = m.group(2) if m else ""
                    mine = {a for a in actions if a.split(":")[0] == service}
                    if mine:
                        custom.setdefault(frozenset([resource]), set()).update(mine)
                    continue
                kind_name, fields = hit
                kind = cat.kinds[kind_name]
                mine = {a for a in actions if a.split(":")[0] == kind.service}
                if not mine:
                    continue
                if fields.get("Region"):
                    regions.add(fields["Region"])
                fields = {k: v for k, v in fields.items() if k in kind.fields}
                if kind_name == "s3-prefix" and not fields.get("prefix") and prefixes:
                    for prefix in prefixes:
                        key = (kind_name, tuple(sorted({**fields, "prefix": prefix}.items())))
                        targets.setdefault(key, _Target(kind_name, key[1])).actions.update(mine)
                    continue
                if (
                    kind_name == "log-group"
                    and fields.get("name") == f"/aws/lambda/{function}"
                    and {a.lower() for a in mine} <= log_actions
                ):
                    features["logs"] = True
                    continue
                key = (kind_name, tuple(sorted(fields.items())))
                targets.setdefault(key, _Target(kind_name, key[1])).actions.update(mine)

    # A bucket-level grant with no prefix whose only action is listing, next to prefix entries
    # of the same bucket: the prefix entries' profiles list their prefix already.
    for key, target in list(targets.items()):
        fields = dict(target.fields)
        if target.kind == "s3-prefix" and not fields.get("prefix"):
            siblings = [
                t
                for k, t in targets.items()
                if k != key
                and t.kind == "s3-prefix"
                and dict(t.fields).get("bucket") == fields.get("bucket")
            ]
            if siblings and {a.lower() for a in target.actions} <= {"s3:listbucket"}:
                del targets[key]

    resources: list[ResourceEntry] = []
    for target in targets.values():
        kind = cat.kinds[target.kind]
        profile = smallest_profile(kind, target.actions)
        if profile is None:
            arn = _render_arn(kind, dict(target.fields), role)
            custom.setdefault(frozenset([arn]), set()).update(target.actions)
            notes.append(
                f"{target.kind} {dict(target.fields)}: no catalog profile covers "
                f"{', '.join(sorted(target.actions))}; written as a custom entry"
            )
            continue
        resources.append(ResourceEntry(kind=target.kind, access=profile, **dict(target.fields)))
    merged: dict[frozenset[str], set[str]] = {}
    for res, acts in custom.items():
        merged.setdefault(frozenset(acts), set()).update(res)
    for acts, res in merged.items():
        resources.append(ResourceEntry(kind="custom", actions=sorted(acts), resources=sorted(res)))
    boundary = "envelope"
    if role.boundary_arn and not role.boundary_arn.endswith(f":policy/{role.name}-boundary"):
        boundary = role.boundary_arn
    elif not role.boundary_arn:
        notes.append("the role has no permissions boundary; the spec adds the envelope boundary")
    tags = {
        k: v for k, v in role.tags.items() if k != MANAGED_TAG and not k.lower().startswith("aws:")
    }
    options = RoleOptions(
        name=None if role.name == f"{function}-role" else role.name,
        path=role.path,
        description=role.description,
        tags=tags,
    )
    spec = RoleSpec(
        function=function,
        account=role.account,
        region=next(iter(regions)) if len(regions) == 1 and "*" not in regions else None,
        partition=role.partition,
        role=options,
        boundary=boundary,
        logs=features["logs"],
        tracing=features["tracing"],
        vpc=features["vpc"],
        managed_policies=managed,
        resources=resources,
    )
    return spec, notes


def _s3_prefixes(condition: dict[str, Any]) -> list[str]:
    """Prefixes of an ``s3:prefix`` StringLike/StringEquals condition (``incoming/*``)."""
    out = []
    if set(condition) - {"StringLike", "StringEquals"}:
        return []
    for block in condition.values():
        if not isinstance(block, dict) or set(k.lower() for k in block) != {"s3:prefix"}:
            return []
        for value in _strings(next(iter(block.values()))):
            out.append(value[:-1] if value.endswith("*") else value)
    return [p for p in out if p and "*" not in p and "?" not in p]


def _star(
    actions: list[str],
    features: dict[str, bool],
    feature_actions: dict[str, set[str]],
    custom: dict[frozenset[str], set[str]],
    notes: list[str],
    label: str,
    ref: Any,
) -> None:
    rest = []
    for action in actions:
        low = action.lower()
        feature = next((f for f, acts in feature_actions.items() if low in acts), None)
        if feature:
            features[feature] = True
            continue
        rest.append(action)
    needs_star = [a for a in rest if not (ref.action(a) and ref.action(a).supports_resource_level)]
    if needs_star:
        custom.setdefault(frozenset(["*"]), set()).update(needs_star)
    scoped = sorted(set(rest) - set(needs_star))
    if scoped:
        shown = ", ".join(scoped[:5]) + (f" and {len(scoped) - 5} more" if len(scoped) > 5 else "")
        notes.append(
            f"{label}: {shown} on every resource left out; add the resources the function uses"
        )


def _render_arn(kind: Any, fields: dict[str, str], role: RoleSnapshot) -> str:
    from wizard.catalog.kinds import render

    values = {"Partition": role.partition, "Account": role.account, "Region": "*", **fields}
    return render(kind.arn or "", values)


def tightened_spec_yaml(report: AuditReport) -> str:
    """The tightened spec as YAML, with the audit's notes as a comment header."""
    spec, notes = tightened_spec(report)
    header = [
        f"# Role spec written by `role-wizard audit {report.role.name}`.",
        "# Review it, then: role-wizard plan THIS_FILE",
    ]
    header.extend(f"# - {note}" for note in notes)
    body = spec.to_yaml()
    report.notes.extend(f"spec: {n}" for n in notes)
    return "\n".join(header) + "\n" + body


# --------------------------------------------------------------------------- rendering


def render_audit(report: AuditReport) -> str:
    r = report.role
    lines = [f"Role {r.name} ({r.arn})"]
    if r.description:
        lines.append(f"  description: {r.description}")
    lines.append(f"  last used: {r.last_used.isoformat() if r.last_used else 'unknown'}")
    lines.append(f"  permissions boundary: {r.boundary_arn or '(none)'}")
    lines.append(f"  inline policies: {', '.join(p.name for p in r.inline) or '(none)'}")
    lines.append(f"  attached policies: {', '.join(p.arn for p in r.attached) or '(none)'}")
    lines.append("")
    lines.append(f"Findings ({len(report.findings)}):")
    for f in report.findings:
        where = f" [{f.location}]" if f.location else ""
        lines.append(f"  {f.severity} {f.code}: {f.message}{where}")
    if report.excess:
        lines.append("")
        lines.append("AWS managed policies grant beyond the role's own statements:")
        for e in report.excess:
            shown = ", ".join(e.actions[:6]) + (
                f" and {len(e.actions) - 6} more" if len(e.actions) > 6 else ""
            )
            lines.append(f"  {e.policy}: {e.service} {e.access_level} ({len(e.actions)}): {shown}")
    if report.unused_services:
        lines.append("")
        lines.append(f"Not used in the last {report.lookback_days} days:")
        for u in report.unused_services:
            when = u.last_accessed.date().isoformat() if u.last_accessed else "never"
            lines.append(f"  {u.namespace} (last used: {when})")
    stale = [(u.namespace, a) for u in report.used_services for a in u.unused_actions]
    if stale:
        lines.append("")
        lines.append(f"Tracked actions not used in the last {report.lookback_days} days:")
        lines.extend(f"  {a}" for _svc, a in stale)
    if report.cloudtrail_actions:
        lines.append("")
        lines.append("Called in the window (CloudTrail):")
        for action, when in sorted(report.cloudtrail_actions.items()):
            lines.append(f"  {action} (last: {when})")
    if report.notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"  - {n}" for n in report.notes)
    return "\n".join(lines) + "\n"


_LEVELS = {"error": "error", "warning": "warning", "info": "note", "note": "note"}


def sarif(report: AuditReport) -> dict[str, Any]:
    """The findings, managed-policy excess and unused services as a SARIF 2.1.0 log."""
    from wizard.sarif import sarif_log

    r = report.role
    results: list[dict[str, Any]] = []
    rules: dict[str, str] = {}

    def add(rule: str, level: str, text: str, where: str) -> None:
        rules.setdefault(rule, text)
        results.append(
            {
                "ruleId": rule,
                "level": level,
                "message": {"text": text},
                "locations": [
                    {"logicalLocations": [{"fullyQualifiedName": where, "kind": "resource"}]}
                ],
            }
        )

    for f in report.findings:
        add(
            f.code or "LINT",
            _LEVELS.get(f.severity.lower(), "warning"),
            f.message,
            f"{r.arn}{'#' + f.location if f.location else ''}",
        )
    for e in report.excess:
        add(
            "AUDIT001",
            "warning",
            f"{e.policy} grants {len(e.actions)} {e.service} {e.access_level} action(s) the role's "
            f"own statements do not: {', '.join(e.actions[:10])}",
            f"{r.arn}#{e.policy}",
        )
    for u in report.unused_services:
        add(
            "AUDIT002",
            "note",
            f"{u.namespace} not used in the last {report.lookback_days} days",
            r.arn,
        )
    return sarif_log(
        [{"id": k, "shortDescription": {"text": v[:200]}} for k, v in rules.items()], results
    )
