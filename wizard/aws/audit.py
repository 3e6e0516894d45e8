"""Audit an existing role: what it grants, what it uses, and a tighter spec for it.

Reads the role (trust policy, inline policies, attached managed policies' default versions,
boundary); runs the validator over the whole role; lists what the attached AWS managed policies
grant beyond the role's own statements (by service and access level); asks IAM's
service-last-accessed report and CloudTrail ``lookup_events`` what was used in the lookback
window. An API the account (or a mock) does not offer becomes a note, never a failure.
:func:`tighten_report` hands what was read to the domain (:mod:`wizard.policy.tighten`), which
turns it into a spec holding only what the evidence supports. This module only reads and
orchestrates.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import botocore.exceptions
import botocore.parsers
from botocore.config import Config

from wizard.aws.ownership import is_owned
from wizard.aws.provision import AWS_ERRORS, AwsFailure, _document, one_line, read_role_state
from wizard.aws.session import AwsSession
from wizard.aws.trail import TrailOptions, trail_calls
from wizard.bundle import Document, NamedPolicy, RoleBundle
from wizard.catalog.reference import reference
from wizard.errors import UserError
from wizard.policy import lint
from wizard.policy.managed import managed_policy_by_arn
from wizard.policy.tighten import (
    AttachedPolicy,
    Call,
    FunctionTarget,
    RoleSnapshot,
    ServiceActivity,
    Tightened,
    Usage,
    allow_statements,
    calls_from_records,
    lookup_records,
    strings,
    tighten,
    trusts_lambda,
)
from wizard.text import count, noun

# The insight APIs are optional: two attempts, so a mock that lacks them costs little.
INSIGHT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 2}, connect_timeout=10, read_timeout=30
)
LAST_ACCESSED_WAIT = 30.0  # seconds to wait for IAM's last-accessed job
CLOUDTRAIL_PAGES = 10  # at most this many pages of 50 events
CLOUDTRAIL_MANAGEMENT_ONLY = (
    "CloudTrail lookup_events holds management events only: data events (S3 objects, "
    "DynamoDB items, Lambda invokes) do not show there"
)


# --------------------------------------------------------------------------- model


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
    tracked: dict[str, dt.datetime | None] | None = None  # every tracked action's last use


@dataclass
class AuditReport:
    role: RoleSnapshot
    lookback_days: int
    cutoff: dt.datetime | None = None
    findings: list[Finding] = field(default_factory=list)
    excess: list[Excess] = field(default_factory=list)
    unused_services: list[ServiceUse] = field(default_factory=list)
    used_services: list[ServiceUse] = field(default_factory=list)
    calls: list[Call] | None = None  # the role's recorded calls; None: CloudTrail unavailable
    last_accessed_read: bool = False  # IAM's last-accessed report was read
    tightened: Tightened | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def cloudtrail_actions(self) -> dict[str, str]:
        """Action -> the last time a recorded call made it."""
        out: dict[str, str] = {}
        for call in self.calls or []:
            if call.when >= out.get(call.action, ""):
                out[call.action] = call.when
        return out

    def usage(self) -> Usage:
        """What was read, as the domain's evidence for :func:`wizard.policy.tighten.tighten`."""
        services = None
        if self.last_accessed_read:
            services = [
                ServiceActivity(u.namespace, u.last_accessed, u.tracked)
                for u in (*self.used_services, *self.unused_services)
            ]
        cutoff = self.cutoff or dt.datetime.now(dt.UTC) - dt.timedelta(days=self.lookback_days)
        return Usage(self.lookback_days, cutoff, services, self.calls)

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
            "tightened_spec": self.tightened.to_dict() if self.tightened else None,
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


def _policy_document(iam: Any, arn: str) -> Document:
    meta = iam.get_policy(PolicyArn=arn)["Policy"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId=meta["DefaultVersionId"])
    return _document(version["PolicyVersion"]["Document"])


def _shipped(arn: str) -> Document | None:
    try:
        found = managed_policy_by_arn(arn)
    except UserError:
        return None
    return found.document if found else None


def read_role(
    aws: AwsSession,
    role_name: str,
    notes: list[str] | None = None,
    shared: AccountReads | None = None,
    targets: bool = False,
) -> RoleSnapshot:
    """Everything IAM holds about the role. A missing role is a UserError (exit 2).

    ``shared`` holds what an account-wide audit reads once for every role (the functions'
    roles, the policy documents already read). ``targets``: also read where the functions
    send invocation records (:func:`function_targets`, for the tightened spec)."""
    notes = notes if notes is not None else []
    iam = aws.client("iam")
    policy_document = shared.policy_document if shared else _policy_document
    try:
        state = read_role_state(iam, role_name)
    except AWS_ERRORS as exc:
        raise AwsFailure(f"cannot read role {role_name}: {one_line(exc)}") from None
    role = state.role
    if role is None:
        raise UserError(f"no role named {role_name!r} in account {aws.account}")
    inline = [NamedPolicy(name, doc) for name, doc in state.inline.items()]
    # a policy's name is its ARN's last segment (arn:...:policy/PATH/NAME)
    attached_arns = [(arn, arn.rsplit("/", 1)[-1]) for arn in state.attached]
    attached = []
    for arn, name in attached_arns:
        aws_managed = ":iam::aws:policy/" in arn
        try:
            attached.append(AttachedPolicy(arn, name, aws_managed, policy_document(iam, arn)))
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
            boundary = policy_document(iam, boundary_arn)
        except AWS_ERRORS as exc:
            boundary = _shipped(boundary_arn)
            if boundary is None:
                notes.append(f"cannot read the permissions boundary ({one_line(exc)})")
    last_used = (role.get("RoleLastUsed") or {}).get("LastUsedDate")
    if shared is not None:  # read once for the account (a failure is the account's note)
        functions = sorted((shared.functions or {}).get(role["Arn"], ()))
    else:
        functions = functions_using(aws, role["Arn"], notes)
    found_targets = function_targets(aws, functions, notes) if targets else []
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
        functions=functions,
        region=aws.region,
        targets=found_targets,
    )


def functions_by_role(aws: AwsSession) -> dict[str, list[str]]:
    """Role ARN -> the names of the region's Lambda functions that run as it."""
    out: dict[str, list[str]] = {}
    for page in aws.client("lambda").get_paginator("list_functions").paginate():
        for f in page["Functions"]:
            out.setdefault(f.get("Role", ""), []).append(f["FunctionName"])
    return out


def functions_using(aws: AwsSession, role_arn: str, notes: list[str]) -> list[str]:
    """The names of the region's Lambda functions whose execution role is ``role_arn``."""
    try:
        return sorted(functions_by_role(aws).get(role_arn, ()))
    except AWS_ERRORS as exc:
        notes.append(f"cannot list the functions that use the role ({one_line(exc)})")
        return []


def function_targets(
    aws: AwsSession, functions: list[str], notes: list[str]
) -> list[FunctionTarget]:
    """Where each function sends invocation records, as evidence for tighten's
    ``dead_letter``/``destinations``: its DeadLetterConfig (GetFunctionConfiguration), its
    asynchronous destinations (GetFunctionEventInvokeConfig of the unqualified function) and
    its event source mappings' on-failure destinations (ListEventSourceMappings). What cannot
    be read is a note, and that function names no target."""
    client = aws.client("lambda")
    out: list[FunctionTarget] = []
    for name in functions:
        found: list[FunctionTarget] = []
        try:
            config = client.get_function_configuration(FunctionName=name)
            if dlq := (config.get("DeadLetterConfig") or {}).get("TargetArn"):
                found.append(FunctionTarget(name, "dead_letter", str(dlq), "DeadLetterConfig"))
            try:
                invoke = client.get_function_event_invoke_config(FunctionName=name)
            except botocore.exceptions.ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                    raise
                invoke = {}
            destinations = invoke.get("DestinationConfig") or {}
            for slot, key in (("on_success", "OnSuccess"), ("on_failure", "OnFailure")):
                if arn := (destinations.get(key) or {}).get("Destination"):
                    found.append(FunctionTarget(name, slot, str(arn), "asynchronous destinations"))
            pages = client.get_paginator("list_event_source_mappings").paginate(FunctionName=name)
            for page in pages:
                for mapping in page.get("EventSourceMappings", []):
                    failure = (mapping.get("DestinationConfig") or {}).get("OnFailure") or {}
                    if arn := failure.get("Destination"):
                        source = f"event source mapping {mapping.get('UUID', '')}".strip()
                        found.append(FunctionTarget(name, "on_failure", str(arn), source))
        except AWS_ERRORS as exc:
            notes.append(f"cannot read where {name} sends invocation records ({one_line(exc)})")
            continue
        out.extend(found)
    return out


@dataclass(frozen=True)
class LambdaRole:
    """A role Lambda may assume, as ``audit`` with no role lists it."""

    name: str
    managed: bool  # tagged by role-wizard's apply
    description: str | None


def iter_lambda_roles(iam: Any, path_prefix: str = "/") -> Iterator[dict[str, Any]]:
    """The account's roles under ``path_prefix`` (``list_roles``' items) whose trust policy lets
    Lambda assume them: its execution roles."""
    for page in iam.get_paginator("list_roles").paginate(PathPrefix=path_prefix):
        for role in page["Roles"]:
            if trusts_lambda(_document(role.get("AssumeRolePolicyDocument") or {})):
                yield role


def lambda_roles(aws: AwsSession) -> list[LambdaRole]:
    """The account's roles whose trust policy lets Lambda assume them, by name."""
    iam = aws.client("iam")
    found = []
    try:
        for role in iter_lambda_roles(iam):
            owned = is_owned(iam.list_role_tags(RoleName=role["RoleName"])["Tags"])
            found.append(LambdaRole(role["RoleName"], owned, role.get("Description")))
    except AWS_ERRORS as exc:
        raise AwsFailure(f"cannot list roles: {one_line(exc)}") from None
    return sorted(found, key=lambda r: r.name)


def render_lambda_roles(roles: list[LambdaRole], account: str) -> str:
    if not roles:
        return f"No role in account {account} lets Lambda assume it.\n"
    width = max(len(r.name) for r in roles)
    lines = [f"Roles Lambda can assume in account {account} (role-wizard audit ROLE_NAME):"]
    for role in roles:
        about = "made by role-wizard" if role.managed else (role.description or "")
        lines.append(f"  {role.name:{width}}  {about}".rstrip())
    return "\n".join(lines) + "\n"


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


def granted_actions(docs: Iterable[Document | None]) -> set[str]:
    """Every known action the documents' Allow statements name (wildcards expanded)."""
    ref = reference()
    out: set[str] = set()
    for doc in docs:
        for st in allow_statements(doc):
            for pattern in strings(st.get("Action")):
                out.update(a.full_name for a in ref.expand(pattern))
    return out


def managed_excess(role: RoleSnapshot) -> list[Excess]:
    """Per attached AWS managed policy: actions it grants that no own statement grants."""
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
        tracked = None
        if "TrackedActionsLastAccessed" in svc:
            tracked = {
                f"{svc['ServiceNamespace']}:{a['ActionName']}": a.get("LastAccessedTime")
                for a in svc["TrackedActionsLastAccessed"]
            }
        use = ServiceUse(svc["ServiceNamespace"], svc.get("ServiceName", ""), when, stale, tracked)
        (used if when and when >= cutoff else unused).append(use)
    return used, unused, None


def lookup_window(
    ct: Any, start: dt.datetime, end: dt.datetime, *, max_pages: int = CLOUDTRAIL_PAGES
) -> tuple[list[dict[str, Any]] | None, str | None]:
    """(events, note): the account's management events ``lookup_events`` recorded in the window
    (at most ``max_pages`` pages of 50, the most recent first), or None when the API is
    unavailable."""
    api = "CloudTrail lookup_events"
    events: list[dict[str, Any]] = []
    token = None
    pages = 0
    try:
        while pages < max_pages:
            kwargs: dict[str, Any] = {"StartTime": start, "EndTime": end, "MaxResults": 50}
            if token:
                kwargs["NextToken"] = token
            page = ct.lookup_events(**kwargs)
            pages += 1
            events.extend(page.get("Events", []))
            token = page.get("NextToken")
            if not token:
                return events, None
    except (*AWS_ERRORS, NotImplementedError) as exc:
        return None, _unavailable(api, exc)
    return events, (
        f"{api}: read the {max_pages * 50} most recent events only; older ones were not examined"
    )


def cloudtrail_calls(
    ct: Any,
    role: RoleSnapshot,
    start: dt.datetime,
    end: dt.datetime,
    *,
    max_pages: int = CLOUDTRAIL_PAGES,
) -> tuple[list[Call] | None, str | None]:
    """(calls, note): the role's successful calls that ``lookup_events`` recorded in the
    window (management events only), or None when the API is unavailable. Which events are
    the role's, and what each needed, is the domain's (:func:`calls_from_records`); CloudTrail
    log files in the trail's bucket would feed the same function."""
    events, note = lookup_window(ct, start, end, max_pages=max_pages)
    if events is None:
        return None, note
    return calls_from_records(lookup_records(events), role), note


_PROBE_ANSWERS = ("NoSuchEntity", "NoSuchEntityException", "InvalidInput", "ValidationError")


def insight_probe(iam_insights: Any) -> str | None:
    """None when IAM's last-accessed API answers here (and may be called), else the note saying
    why not: asks for a job id no account holds, which IAM answers with NoSuchEntity (or an
    invalid-input error) when the API exists and the caller may use it."""
    try:
        iam_insights.get_service_last_accessed_details(JobId="0" * 36)
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _PROBE_ANSWERS:
            return None
        return _unavailable("IAM last-accessed data", exc)
    except (*AWS_ERRORS, NotImplementedError) as exc:
        return _unavailable("IAM last-accessed data", exc)
    return None


@dataclass
class AccountReads:
    """What an account-wide audit reads once and every role's audit shares: the functions'
    roles, the policy documents (a thread-safe cache), CloudTrail's events for the window and
    whether IAM's last-accessed API answers here."""

    functions: dict[str, list[str]] | None = None  # role ARN -> functions; None: unreadable
    events: list[dict[str, Any]] | None = None  # None: CloudTrail unavailable
    last_accessed_note: str | None = None  # set: the API is unavailable (skip it per role)
    notes: list[str] = field(default_factory=list)  # account-wide notes
    _documents: dict[str, Document] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def policy_document(self, iam: Any, arn: str) -> Document:
        with self._lock:
            if arn in self._documents:
                return self._documents[arn]
        document = _policy_document(iam, arn)
        with self._lock:
            return self._documents.setdefault(arn, document)


def read_account(
    aws: AwsSession,
    start: dt.datetime,
    end: dt.datetime,
    *,
    iam_insights: Any = None,
    cloudtrail: Any = None,
) -> AccountReads:
    """The account-wide reads an audit of many roles shares (each once, not once a role)."""
    shared = AccountReads()
    try:
        shared.functions = functions_by_role(aws)
    except AWS_ERRORS as exc:
        shared.notes.append(f"cannot list the functions that use the roles ({one_line(exc)})")
    shared.last_accessed_note = insight_probe(iam_insights or insight_client(aws, "iam"))
    if shared.last_accessed_note:
        shared.notes.append(shared.last_accessed_note)
    shared.events, note = lookup_window(cloudtrail or insight_client(aws, "cloudtrail"), start, end)
    if note:
        shared.notes.append(note)
    if shared.events is not None:
        shared.notes.append(CLOUDTRAIL_MANAGEMENT_ONLY)
    return shared


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
    shared: AccountReads | None = None,
    since: dt.datetime | None = None,
    trail: TrailOptions | None = None,
) -> AuditReport:
    """Audit one role. ``iam_insights``/``cloudtrail`` replace the optional-API clients
    (tests hand in stubbed ones); ``shared`` is what an account-wide audit read once
    (:func:`read_account`, for the same window), whose notes it reports itself. ``since``
    starts the window (else ``lookback_days`` before ``now``); ``trail`` says which CloudTrail
    log files to read (:mod:`wizard.aws.trail`; an account-wide audit reads none by default)."""
    notes: list[str] = []
    # one role's audit tightens it: where its functions send records is evidence for that
    role = read_role(aws, role_name, notes, shared, targets=shared is None)
    end = now or dt.datetime.now(dt.UTC)
    start = since or end - dt.timedelta(days=lookback_days)
    lookback_days = max(1, -(-(end - start) // dt.timedelta(days=1)))
    report = AuditReport(role, lookback_days, start, notes=notes)
    report.findings = lint_role(role, notes)
    report.excess = managed_excess(role)
    if shared is None or shared.last_accessed_note is None:
        iam_insights = iam_insights or insight_client(aws, "iam")
        used, unused, note = last_accessed(
            iam_insights, role.arn, start, max_wait=max_wait, sleep=sleep
        )
        report.used_services, report.unused_services = used, unused
        report.last_accessed_read = note is None
        if note:
            notes.append(note)
    if shared is not None:
        if shared.events is not None:
            report.calls = calls_from_records(lookup_records(shared.events), role)
    else:
        cloudtrail = cloudtrail or insight_client(aws, "cloudtrail")
        report.calls, note = cloudtrail_calls(cloudtrail, role, start, end)
        if note:
            notes.append(note)
    if report.calls is not None and shared is None:
        notes.append(CLOUDTRAIL_MANAGEMENT_ONLY)
    trail = trail or TrailOptions(read=shared is None)
    if trail.read:
        logged, trail_notes = trail_calls(aws, role, start, end, trail.bucket, trail.prefix)
        notes.extend(trail_notes)
        if logged is not None:
            report.calls = [*(report.calls or []), *logged]
    return report


# --------------------------------------------------------------------------- tightened spec


def tighten_report(report: AuditReport) -> Tightened:
    """The domain's tightened spec for what the audit read (kept on the report for output)."""
    report.tightened = tighten(report.role, report.usage())
    return report.tightened


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
    if report.tightened is not None:
        t = report.tightened
        lines.append("")
        lines.append("Tightened spec keeps:")
        lines.extend(f"  {k}" for k in t.kept or ["nothing the evidence supports"])
        if t.dropped:
            n = len(t.dropped_actions())
            lines.append(f"Tightened spec drops {count(n, 'action')}:")
            lines.extend(f"  {d.to_text()}" for d in t.dropped)
        lines.extend(f"  note: {n}" for n in t.notes)
    if report.notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"  - {n}" for n in report.notes)
    return "\n".join(lines) + "\n"


_LEVELS = {"error": "error", "warning": "warning", "info": "note", "note": "note"}


def sarif_results(report: AuditReport) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """(rule id -> description, results): the role's findings, managed-policy excess and unused
    services as SARIF results, each located at the role's ARN."""
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
            f"{e.policy} grants {len(e.actions)} {e.service} {e.access_level} "
            f"{noun(len(e.actions), 'action')} the role's "
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
    return rules, results


def sarif_rules(rules: dict[str, str]) -> list[dict[str, Any]]:
    return [{"id": k, "shortDescription": {"text": v[:200]}} for k, v in rules.items()]


def sarif(report: AuditReport) -> dict[str, Any]:
    """The findings, managed-policy excess and unused services as a SARIF 2.1.0 log."""
    from wizard.sarif import sarif_log

    rules, results = sarif_results(report)
    return sarif_log(sarif_rules(rules), results)
