"""Tighten an existing role into a role spec, from the evidence of what it used.

Domain code (no boto3): it takes the role as plain data (:class:`RoleSnapshot`), IAM's
last-accessed records (:class:`ServiceActivity`) and the calls the role made (:class:`Call`,
read from CloudTrail event records by :func:`call_from_event` — the record shape both
``lookup_events``' ``CloudTrailEvent`` and the trail's log files hold), and returns a
:class:`Tightened`: the spec, what it kept and why, and what it dropped and why.

The rules, one grant (action, resource) of the role's Allow statements at a time:

* A grant on a named resource (an ARN with no wildcard, or one a catalog kind describes, such
  as ``bucket/prefix/*``) is evidence of intent: kept, unless IAM's last-accessed data shows
  the action (or its whole service) unused in the window. A wildcard action pattern on a named
  resource (``dynamodb:*`` on a table) keeps, without action-level evidence, only the actions
  of the kind's curated profiles.
* A grant on ``*`` (or on a wildcard ARN no kind describes) is no evidence: an action survives
  only where it was used — on the ARNs the recorded calls name (which the grant covers), or on
  ``*`` when the action supports no resource-level permission (IAM reference) and a call or
  IAM's action-level data records its use. Anything else is dropped.
* What survives is mapped onto catalog kinds (``Kind.parse_arn`` via :func:`recognise_arn`)
  with the smallest profile covering the actions — but only when that profile grants nothing
  the role does not grant today (checked with the policy diff); otherwise, and for ARNs no kind
  describes, a ``custom`` entry with exactly those actions on exactly those ARNs.
* ``logs: true`` whenever the trust policy admits ``lambda.amazonaws.com`` (the function keeps
  its logging); it replaces the log grants on ``*`` and on the functions' own log groups (by
  exact name) only: a grant on another log group is judged like any named resource.
  ``tracing``/``vpc`` when the role grants and used their actions.
* A KMS statement on exact keys limited by ``kms:ViaService`` (and an encryption context) is a
  resource's key grant: when an entry of the spec, given that key as its ``kms_key``, would be
  granted exactly such grants (every one present in the role), the entry gets the key — the
  grant follows the resource it encrypts. What no entry takes is dropped, as any condition a
  spec cannot write.
* Where the functions that use the role send invocation records (:class:`FunctionTarget`: a
  function's dead-letter queue, its asynchronous destinations, an event source mapping's
  on-failure destination, read by the aws layer) is evidence of intent, as a named resource
  is: when every function agrees on a slot's target and the role grants what the catalog's
  target profile needs there, the spec gets ``dead_letter`` / ``destinations`` for it (the
  target's key, by the rule above, as its ``kms_key``) instead of entries granting the same.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.bundle import Document, NamedPolicy
from wizard.catalog.events import event_action
from wizard.errors import UserError

TOOL_TAG_PREFIX = "lambda-role-wizard:"  # the tool's own tags (``...:managed``) are not the spec's
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"

# Request parameters naming a resource by name, and the catalog kind (and field) they fill.
# The parameter names are the services' API request members as CloudTrail records them.
NAME_PARAMETERS = {
    ("dynamodb", "tableName"): ("dynamodb-table", "name"),
    ("logs", "logGroupName"): ("log-group", "name"),
    ("kinesis", "streamName"): ("kinesis-stream", "name"),
    ("lambda", "functionName"): ("lambda-function", "name"),
    ("events", "eventBusName"): ("eventbridge-bus", "name"),
    ("secretsmanager", "secretId"): ("secretsmanager-secret", "name"),
    ("ssm", "name"): ("ssm-parameter", "name"),
    ("kms", "keyId"): ("kms-key", "id"),
}
_SQS_URL = re.compile(r"^https://[^/]+/(\d{12})/([A-Za-z0-9_.-]+)$")


# --------------------------------------------------------------------------- inputs


@dataclass
class AttachedPolicy:
    arn: str
    name: str
    aws_managed: bool
    document: Document | None  # None when neither the account nor the shipped copy has it
    source: str = "account"  # account | shipped copy | unreadable


@dataclass(frozen=True)
class FunctionTarget:
    """Where a function that uses the role has Lambda send invocation records: ``slot`` is the
    spec's (``dead_letter``, ``on_success``, ``on_failure``), ``source`` what says so (the
    function's DeadLetterConfig, its event invoke config, an event source mapping)."""

    function: str
    slot: str
    arn: str
    source: str


@dataclass
class RoleSnapshot:
    """Everything IAM holds about a role, as plain data."""

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
    functions: list[str] = field(default_factory=list)  # Lambda functions that use the role
    region: str | None = None  # the region the functions were looked for in
    targets: list[FunctionTarget] = field(default_factory=list)  # where they send records

    def own_documents(self) -> list[NamedPolicy]:
        """The role's own statements: inline policies and attached customer-managed ones."""
        out = list(self.inline)
        out.extend(
            NamedPolicy(p.name, p.document)
            for p in self.attached
            if not p.aws_managed and p.document is not None
        )
        return out

    def granting_documents(self) -> list[NamedPolicy]:
        """Every readable identity policy the role has: own ones and attached AWS managed ones."""
        out = self.own_documents()
        out.extend(
            NamedPolicy(p.name, p.document)
            for p in self.attached
            if p.aws_managed and p.document is not None
        )
        return out


@dataclass(frozen=True)
class ServiceActivity:
    """One service of IAM's last-accessed report: when the role last used it, and (for the
    services IAM tracks per action) each tracked action's last use (None: never)."""

    namespace: str
    last_accessed: dt.datetime | None
    actions: dict[str, dt.datetime | None] | None = None  # "s3:GetObject" -> last use


@dataclass(frozen=True)
class Call:
    """One recorded call by the role: the IAM action it needed and the resources it named."""

    action: str
    resources: tuple[str, ...] = ()
    when: str = ""
    source: str = "CloudTrail"


@dataclass
class Usage:
    """What is known of the role's use in the window. ``None`` means the source was not
    available (no evidence either way), an empty list that it recorded nothing."""

    window_days: int
    cutoff: dt.datetime
    services: list[ServiceActivity] | None = None
    calls: list[Call] | None = None


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class Dropped:
    """Actions of one granted pattern on one resource that the spec no longer grants."""

    pattern: str
    resource: str
    policy: str
    reason: str
    actions: tuple[str, ...]

    def to_text(self) -> str:
        shown = self.actions[0] if len(self.actions) == 1 else self.pattern
        count = f" ({len(self.actions)} actions)" if len(self.actions) > 1 else ""
        where = f" on {self.resource}" if self.resource else ""
        return f"dropped {shown}{where}{count}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "resource": self.resource,
            "policy": self.policy,
            "reason": self.reason,
            "actions": list(self.actions),
        }


@dataclass
class Tightened:
    spec: Any  # RoleSpec
    kept: list[str] = field(default_factory=list)  # one line per spec entry: what and why
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def dropped_actions(self) -> set[str]:
        return {a for d in self.dropped for a in d.actions}

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec.dump(),
            "kept": self.kept,
            "dropped": [d.to_dict() for d in self.dropped],
            "notes": self.notes,
        }


# --------------------------------------------------------------------------- events


def _render_kind_arn(kind_name: str, field_name: str, value: str, where: dict[str, str]) -> str:
    from wizard.catalog.kinds import catalog, render

    kind = catalog().kinds[kind_name]
    values = {**where, field_name: value}
    if kind_name == "ssm-parameter":
        values["param"] = value.lstrip("/")
    return render(kind.parse_forms[0], values)  # a secret's form without its random suffix


def _parameter_arns(service: str, params: dict[str, Any], where: dict[str, str]) -> list[str]:
    out = [v for v in params.values() if isinstance(v, str) and v.startswith("arn:")]
    for (svc, param), (kind_name, field_name) in NAME_PARAMETERS.items():
        value = params.get(param)
        if svc == service and isinstance(value, str) and value and not value.startswith("arn:"):
            if kind_name == "kms-key" and value.startswith("alias/"):
                continue  # an alias names no key
            out.append(_render_kind_arn(kind_name, field_name, value, where))
    if service == "s3" and isinstance(params.get("bucketName"), str):
        bucket, key = params["bucketName"], params.get("key")
        partition = where["Partition"]
        out.append(
            f"arn:{partition}:s3:::{bucket}/{key}" if key else f"arn:{partition}:s3:::{bucket}"
        )
    if service == "sqs" and isinstance(params.get("queueUrl"), str):
        m = _SQS_URL.match(params["queueUrl"])
        if m:
            out.append(f"arn:{where['Partition']}:sqs:{where['Region']}:{m.group(1)}:{m.group(2)}")
    return out


def call_from_event(
    record: dict[str, Any], lookup_resources: Sequence[dict[str, Any]] = (), partition: str = "aws"
) -> Call | None:
    """The call a CloudTrail event record describes, or None for a failed or denied call (an
    event with an ``errorCode``: the role could not do it, so it is no evidence of need)."""
    if record.get("errorCode"):
        return None
    source, name = str(record.get("eventSource") or ""), str(record.get("eventName") or "")
    if not source or not name:
        return None
    action = event_action(source, name)
    service = action.split(":", 1)[0]
    identity = _dict(record.get("userIdentity"))
    where = {
        "Partition": partition,
        "Region": str(record.get("awsRegion") or ""),
        "Account": str(record.get("recipientAccountId") or identity.get("accountId") or ""),
    }
    arns: list[str] = []
    resources = record.get("resources")
    for res in resources if isinstance(resources, list) else []:
        if isinstance(res, dict) and isinstance(res.get("ARN"), str):
            arns.append(res["ARN"])
    for res in lookup_resources:
        value = res.get("ResourceName")
        if isinstance(value, str) and value.startswith("arn:"):
            arns.append(value)
    params = record.get("requestParameters")
    if isinstance(params, dict):
        arns.extend(_parameter_arns(service, params, where))
    when = str(record.get("eventTime") or "")
    return Call(action, tuple(dict.fromkeys(arns)), when)


def _dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: log files are untrusted input."""
    return value if isinstance(value, dict) else {}


def made_by(record: dict[str, Any], role: RoleSnapshot) -> bool:
    """Whether a CloudTrail record is a call by one of the role's sessions. (A role session's
    user name is the session name, not the role's: match the session issuer's ARN.)"""
    return _matcher(role.arn, _session_prefix(role))(record)


def _session_prefix(role: RoleSnapshot) -> str:
    return f"arn:{role.partition}:sts::{role.account}:assumed-role/{role.name}/"


def _matcher(role_arn: str, prefix: str) -> Any:
    def mine(record: dict[str, Any]) -> bool:
        identity = _dict(record.get("userIdentity"))
        issuer = _dict(_dict(identity.get("sessionContext")).get("sessionIssuer")).get("arn")
        return issuer == role_arn or str(identity.get("arn", "")).startswith(prefix)

    return mine


def event_time(record: dict[str, Any]) -> dt.datetime | None:
    """A record's ``eventTime`` (ISO 8601, UTC: ``2026-05-01T12:00:00Z``), or None."""
    try:
        when = dt.datetime.fromisoformat(str(record.get("eventTime")))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def calls_from_records(
    records: Iterable[tuple[dict[str, Any], Sequence[dict[str, Any]]]],
    role: RoleSnapshot,
    window: tuple[dt.datetime, dt.datetime] | None = None,
) -> list[Call]:
    """The role's successful calls among CloudTrail records (each with ``lookup_events``'
    ``Resources``, or ``()`` for a log file's record); with a ``window`` (start, end), only
    the records whose ``eventTime`` lies in it."""
    out = []
    mine = _matcher(role.arn, _session_prefix(role))  # once: it runs for every record
    for record, resources in records:
        if not isinstance(record, dict) or not mine(record):
            continue
        if window is not None:
            when = event_time(record)
            if when is None or not window[0] <= when <= window[1]:
                continue
        call = call_from_event(record, resources, role.partition)
        if call is not None:
            out.append(call)
    return out


def window_start(since: str, now: dt.datetime) -> dt.datetime:
    """The start of an audit's window from ``--since``: ``90d`` (days before ``now``) or a
    date (``2026-01-01``, midnight UTC). A UserError names what is wrong."""
    text = since.strip()
    m = re.fullmatch(r"(\d+)d", text)
    if m:
        days = int(m.group(1))
        if not 1 <= days <= 3650:
            raise UserError(f"--since {since}: the number of days must be 1 to 3650")
        return now - dt.timedelta(days=days)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"--since {since}: expected a number of days (90d) or a date (2026-01-01)"
        ) from None
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    if start >= now:
        raise UserError(f"--since {since}: the date is not in the past")
    return start


def lookup_records(
    events: Iterable[dict[str, Any]],
) -> Iterable[tuple[dict[str, Any], Sequence[dict[str, Any]]]]:
    """``lookup_events``' events as (record, resources): the ``CloudTrailEvent`` JSON parsed."""
    for event in events:
        try:
            record = json.loads(event.get("CloudTrailEvent") or "{}")
        except ValueError:
            continue
        if isinstance(record, dict):
            if "eventTime" not in record and event.get("EventTime") is not None:
                when = event["EventTime"]
                record["eventTime"] = when.isoformat() if hasattr(when, "isoformat") else when
            yield record, event.get("Resources") or ()


# --------------------------------------------------------------------------- reading policies


def strings(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def allow_statements(doc: Document | None) -> list[dict[str, Any]]:
    if not doc:
        return []
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements if isinstance(s, dict) and s.get("Effect") == "Allow"]


def s3_prefixes(condition: dict[str, Any]) -> list[str]:
    """Prefixes of an ``s3:prefix`` StringLike/StringEquals condition (``incoming/*``)."""
    out = []
    if set(condition) - {"StringLike", "StringEquals"}:
        return []
    for block in condition.values():
        if not isinstance(block, dict) or {k.lower() for k in block} != {"s3:prefix"}:
            return []
        for value in strings(next(iter(block.values()))):
            out.append(value[:-1] if value.endswith("*") else value)
    return [p for p in out if p and "*" not in p and "?" not in p]


# One KMS grant of a key statement: (action, key ARN, canonical condition).
KeyGrant = tuple[str, str, str]
_KEY_CONDITION_OPERATORS = frozenset({"StringEquals", "StringLike", "ArnEquals", "ArnLike"})


def canonical_condition(condition: dict[str, Any]) -> str:
    """A Condition block in one form: keys in lower case (IAM compares them so), every value a
    sorted list; equal conditions written either way give equal text."""
    return json.dumps(
        {
            op: {key.lower(): sorted(strings(values)) for key, values in block.items()}
            for op, block in condition.items()
            if isinstance(block, dict)
        },
        sort_keys=True,
    )


def key_statement_grants(statement: dict[str, Any], ref: Any) -> set[KeyGrant] | None:
    """The grants of a statement that is some resource's key grant — explicit KMS actions on
    exact customer managed key ARNs, limited by ``kms:ViaService`` and at most an encryption
    context — or None for any other statement."""
    from wizard.catalog.kinds import kms_key_field

    condition = statement.get("Condition") or {}
    keys = strings(statement.get("Resource"))
    names = strings(statement.get("Action"))
    if not keys or not names or not all(isinstance(b, dict) for b in condition.values()):
        return None
    if set(condition) - _KEY_CONDITION_OPERATORS:
        return None
    condition_keys = {k.lower() for block in condition.values() for k in block}
    if "kms:viaservice" not in condition_keys or not all(
        k == "kms:viaservice" or k.startswith("kms:encryptioncontext:") for k in condition_keys
    ):
        return None
    actions = [ref.action(name) for name in names]
    if any(a is None or a.service != "kms" for a in actions) or any(_wild(n) for n in names):
        return None
    if not all(kms_key_field().check(key) for key in keys):
        return None
    cond = canonical_condition(condition)
    return {(a.full_name, key, cond) for a in actions for key in keys}


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
    """(kind, fields) for a resource ARN a catalog kind describes, the most specific match.
    The fields include the ARN's ``Region`` and ``Account`` when it has them."""
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


def function_name(role_name: str, functions: Sequence[str] = ()) -> str:
    """The spec's function: the one function using the role (the one named like the role
    when several do), else a name made from the role's."""
    if functions:
        base = role_name[: -len("-role")] if role_name.endswith("-role") else role_name
        return base if base in functions else sorted(functions)[0]
    base = role_name[: -len("-role")] if role_name.endswith("-role") else role_name
    base = re.sub(r"[^A-Za-z0-9_-]", "-", base)[:64].strip("-")
    return base or "function"


def trusts_lambda(trust: Document | None) -> bool:
    """Whether the trust policy lets ``lambda.amazonaws.com`` call ``sts:AssumeRole`` (IAM's
    ``*``/``?`` wildcards in the action, matched case-insensitively): a Lambda execution role."""
    from wizard.policy.patterns import wildcard_regex

    for st in allow_statements(trust):
        principal = st.get("Principal")
        services = principal.get("Service") if isinstance(principal, dict) else None
        actions = [a.lower() for a in strings(st.get("Action"))]
        if any(s.lower() == LAMBDA_PRINCIPAL for s in strings(services)) and any(
            wildcard_regex(a, ignore_case=True).fullmatch("sts:AssumeRole") for a in actions
        ):
            return True
    return False


def _arn_fits(ref: Any, action: Any, arn: str) -> bool:
    """Whether some resource type of ``action`` (IAM reference) can describe ``arn``. A
    wildcard ARN fits when it shares a concrete ARN with the type's format, as IAM matches it:
    ``log-group:NAME:*`` covers the group's streams (``log-group:NAME:log-stream:S``), the
    resource type of logs:PutLogEvents and logs:CreateLogStream."""
    from wizard.policy.patterns import format_regex, pattern_fits_format

    formats = [fmt for rt in ref.resource_types_for(action) for fmt in rt.arn_formats]
    if _wild(arn):
        return any(pattern_fits_format(arn, fmt) for fmt in formats)
    return any(format_regex(fmt).match(arn) for fmt in formats)


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


# --------------------------------------------------------------------------- the evidence


class _Evidence:
    def __init__(self, usage: Usage) -> None:
        self.usage = usage
        self.services = {s.namespace.lower(): s for s in usage.services or []}
        self.calls: dict[str, list[Call]] = {}
        for call in usage.calls or []:
            self.calls.setdefault(call.action.lower(), []).append(call)

    def _recent(self, when: dt.datetime | None) -> bool:
        return when is not None and when >= self.usage.cutoff

    def action_used(self, action: str) -> bool | None:
        """IAM's action-level verdict: True used in the window, False not, None not tracked."""
        svc = self.services.get(action.split(":", 1)[0].lower())
        if svc is None or svc.actions is None:
            return None
        tracked = {k.lower(): v for k, v in svc.actions.items()}
        if action.lower() not in tracked:
            return None
        return self._recent(tracked[action.lower()])

    def service_used(self, service: str) -> bool | None:
        svc = self.services.get(service.lower())
        return None if svc is None else self._recent(svc.last_accessed)

    def unused_reason(self, action: str) -> str | None:
        """Why last-accessed data says ``action`` is not needed, or None."""
        days = self.usage.window_days
        if self.calls.get(action.lower()):
            return None
        if self.action_used(action) is False:
            return f"not used in the last {days} days (IAM action last-accessed data)"
        service = action.split(":", 1)[0]
        if self.action_used(action) is None and self.service_used(service) is False:
            return f"{service} not used in the last {days} days (IAM last-accessed data)"
        return None

    def used_by(self, action: str) -> str | None:
        """What records a use of ``action`` in the window, or None."""
        if self.calls.get(action.lower()):
            return "recorded calls (CloudTrail)"
        if self.action_used(action):
            return "IAM action last-accessed data"
        return None


# --------------------------------------------------------------------------- tightening


@dataclass(frozen=True)
class _Grant:
    policy: str
    pattern: str
    resource: str


@dataclass
class _Target:
    kind: str
    fields: tuple[tuple[str, str], ...]
    arns: set[str] = field(default_factory=set)  # the ARNs it came from
    actions: set[str] = field(default_factory=set)
    why: set[str] = field(default_factory=set)


def _object_prefix(arn: str) -> str | None:
    """``arn:aws:s3:::b/dir/key`` (an object a call named) -> ``arn:aws:s3:::b/dir/*``."""
    m = re.fullmatch(r"(arn:[^:]+:s3:::[^/]+)/(.+)", arn)
    if not m or _wild(m.group(2)) or "/" not in m.group(2):
        return None
    return f"{m.group(1)}/{m.group(2).rsplit('/', 1)[0]}/*"


class _Tightener:
    def __init__(self, role: RoleSnapshot, usage: Usage) -> None:
        from wizard.catalog.kinds import catalog
        from wizard.catalog.reference import reference

        self.role = role
        self.usage = usage
        self.cat = catalog()
        self.ref = reference()
        self.evidence = _Evidence(usage)
        self.function = function_name(role.name, role.functions)
        self.keep: dict[tuple[str, str], str] = {}  # (action, resource) -> why
        self.drop: dict[tuple[_Grant, str], list[str]] = {}  # (grant, reason) -> actions
        self.notes: list[str] = []
        self.statement_prefixes: dict[str, list[str]] = {}  # grant resource -> s3 prefixes
        # KMS key statements limited by kms:ViaService: (grant, label, their key grants)
        self.key_statements: list[tuple[_Grant, str, set[KeyGrant]]] = []

    def _drop(self, grant: _Grant, reason: str, action: str) -> None:
        self.drop.setdefault((grant, reason), []).append(action)

    def _named(self, resource: str) -> bool:
        return not _wild(resource) or recognise_arn(resource, self.cat) is not None

    def _profile_actions_of(self, resource: str) -> set[str]:
        hit = recognise_arn(resource, self.cat)
        if hit is None:
            return set()
        return {a for p in self.cat.kinds[hit[0]].profiles.values() for a in _profile_actions(p)}

    def read_grants(self) -> None:
        for policy in self.role.attached:
            if policy.document is None:
                self.notes.append(f"{policy.name}: its document could not be read; left out")
        for named in self.role.granting_documents():
            for i, st in enumerate(allow_statements(named.document)):
                label = f"{named.name} statement {st.get('Sid') or i}"
                if "NotAction" in st or "NotResource" in st:
                    grant = _Grant(named.name, label, "NotAction/NotResource")
                    self._drop(grant, "cannot be shown to be needed; write what it allows", label)
                    continue
                condition = st.get("Condition") or {}
                key_grants = key_statement_grants(st, self.ref) if condition else None
                if key_grants:
                    resources = ", ".join(strings(st.get("Resource")))
                    grant = _Grant(named.name, ", ".join(strings(st.get("Action"))), resources)
                    self.key_statements.append((grant, label, key_grants))
                    continue
                prefixes = s3_prefixes(condition) if condition else []
                actions = strings(st.get("Action"))
                if condition and not prefixes:
                    for pattern in actions:
                        grant = _Grant(named.name, pattern, ", ".join(strings(st.get("Resource"))))
                        reason = f"{label}'s Condition cannot be written in a spec"
                        self._drop(grant, reason, pattern)
                    continue
                for pattern in actions:
                    expanded = [a.full_name for a in self.ref.expand(pattern)]
                    for resource in strings(st.get("Resource")):
                        grant = _Grant(named.name, pattern, resource)
                        if not expanded:
                            self._drop(grant, "no such action in the IAM reference", pattern)
                        if prefixes:
                            self.statement_prefixes.setdefault(resource, []).extend(prefixes)
                        for action in expanded:
                            self.judge(grant, action, _wild(pattern))

    def judge(self, grant: _Grant, action: str, wildcard: bool) -> None:
        found = self.ref.action(action)
        resource = grant.resource
        if resource != "*" and self._named(resource):
            # a named resource: only actions that can apply to it are grants at all
            if found is None or not _arn_fits(self.ref, found, resource):
                return
            if reason := self.evidence.unused_reason(action):
                self._drop(grant, reason, action)
                return
            used = self.evidence.used_by(action)
            if used:
                self.keep.setdefault((action, resource), f"used ({used})")
            elif wildcard and action.lower() not in self._profile_actions_of(resource):
                self._drop(
                    grant,
                    "a wildcard on a named resource keeps only the catalog profiles' actions "
                    "without a recorded use",
                    action,
                )
            else:
                self.keep.setdefault((action, resource), "named by the role's policy")
            return
        # a grant on * or on a wildcard ARN: only recorded use supports it
        calls = self.evidence.calls.get(action.lower(), [])
        from wizard.policy.patterns import resource_contains

        if found is not None and not found.supports_resource_level:
            if resource == "*" and (used := self.evidence.used_by(action)):
                self.keep.setdefault((action, "*"), f"used ({used}); no resource-level permission")
            elif resource == "*":
                self._drop(grant, "no recorded use; only granted on *", action)
            return
        on = set()
        for call in calls:
            for arn in call.resources:
                arn = _object_prefix(arn) or arn
                fits = found is not None and _arn_fits(self.ref, found, arn.rstrip("*") or arn)
                if fits and resource_contains(resource, arn):
                    on.add(arn)
        for arn in sorted(on):
            self.keep.setdefault((action, arn), "used on it (CloudTrail)")
        if on:
            return
        if self.evidence.used_by(action):
            self._drop(grant, f"used, but no recorded resource; only granted on {resource}", action)
        else:
            self._drop(grant, f"no recorded use; only granted on {resource}", action)


# A log group's ARN, alone or with what follows it in its streams' ARNs (``:*``,
# ``:log-stream:NAME``): CloudWatch Logs' resource types log-group and log-stream (Service
# Authorization Reference, "Actions, resources, and condition keys for Amazon CloudWatch Logs":
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html)
_LOG_GROUP_ARN = re.compile(
    r"arn:[^:]+:logs:[^:]*:(?P<account>[^:]*):log-group:(?P<group>[^:*?]+)(?::\*|:log-stream:.*)?"
)


def _own_log_group(resource: str, own: set[str], role: RoleSnapshot) -> bool:
    """Whether a grant's resource is ``*`` or one of ``own`` log groups (by exact name, in the
    role's account), which ``logs: true`` and the functions' log-group entries grant: a group
    whose name only starts like one (``/aws/lambda/fn-v2``), or any other group, is not."""
    if resource == "*":
        return True
    m = _LOG_GROUP_ARN.fullmatch(resource)
    return bool(m and m.group("group") in own and m.group("account") == role.account)


def _feature_actions(cat: Any) -> dict[str, set[str]]:
    return {
        name: {a.lower() for t in profile.statements for a in t.actions}
        for name, profile in cat.features.items()
    }


def tighten(role: RoleSnapshot, usage: Usage) -> Tightened:
    """The role as a spec holding only what the evidence supports (see the module's rules)."""
    from wizard.spec import ResourceEntry, RoleOptions, RoleSpec
    from wizard.targets import set_target

    t = _Tightener(role, usage)
    t.read_grants()
    cat = t.cat
    kept_lines: list[str] = []
    features = {"logs": trusts_lambda(role.trust), "tracing": False, "vpc": False}
    if features["logs"]:
        kept_lines.append(
            f"logs: true: the function keeps its logging (its own log group /aws/lambda/{t.function})"
        )
    else:
        t.notes.append("the trust policy does not admit lambda.amazonaws.com: logs left off")
    log_actions = {
        a.lower()
        for tpl in cat.kinds["log-group"].profiles["write"].statements
        for a in tpl.actions
    }
    own_log_groups = {f"/aws/lambda/{f}" for f in {t.function, *role.functions}}
    absorbed: set[str] = set()  # actions a feature now grants (on whatever resource)
    # (action, resource) grants on the functions' own log groups (or *) that logs: true and
    # their log-group entries now make: only those, so a grant on another group stays
    logs_absorbed: set[tuple[str, str]] = set()

    # features: granted, and used (a call, IAM's action data, or the service's last use)
    for name, actions in _feature_actions(cat).items():
        granted = {a for (a, _r) in t.keep} | {a for acts in t.drop.values() for a in acts}
        mine = sorted(a for a in granted if a.lower() in actions)
        evidence = [
            a for a in mine if t.evidence.used_by(a) or t.evidence.service_used(a.split(":", 1)[0])
        ]
        if evidence:
            features[name] = True
            absorbed.update(a.lower() for a in mine)
            kept_lines.append(f"{name}: true: {', '.join(evidence)} granted and used")
    if features["logs"]:
        for (action, resource), _why in list(t.keep.items()):
            if action.lower() in log_actions and _own_log_group(resource, own_log_groups, role):
                logs_absorbed.add((action.lower(), resource))
        for (grant, _reason), actions in t.drop.items():
            if _own_log_group(grant.resource, own_log_groups, role):
                logs_absorbed.update(
                    (a.lower(), grant.resource) for a in actions if a.lower() in log_actions
                )

    chosen, target_kept = choose_targets(t, kept_lines)
    targets: dict[tuple[str, tuple[tuple[str, str], ...]], _Target] = {}
    custom: dict[str, set[str]] = {}  # resource -> actions
    custom_why: dict[str, set[str]] = {}
    # action -> the resources the spec keeps it on (a target's grants are kept by the target)
    kept_on: dict[str, set[str]] = {}
    for action, resource in target_kept:
        kept_on.setdefault(action, set()).add(resource)
    for (action, resource), why in sorted(t.keep.items()):
        if action.lower() in absorbed or (action.lower(), resource) in logs_absorbed:
            continue
        if resource == "*":
            custom.setdefault("*", set()).add(action)
            custom_why.setdefault("*", set()).add(why)
            kept_on.setdefault(action.lower(), set()).add(resource)
            continue
        m = re.match(r"arn:[^:]*:[^:]*:[^:]*:(\d{12}|aws)?:", resource)
        account = m.group(1) if m else None
        if account and account not in (role.account, "aws"):
            grant = _Grant("", action, resource)
            t._drop(grant, f"in another account ({account}); a spec holds one account's", action)
            continue
        kept_on.setdefault(action.lower(), set()).add(resource)
        hit = recognise_arn(resource, cat)
        if hit is None:
            custom.setdefault(resource, set()).add(action)
            custom_why.setdefault(resource, set()).add(why)
            continue
        kind_name, fields = hit
        prefixes = t.statement_prefixes.get(resource, [])
        if kind_name == "s3-prefix" and not fields.get("prefix") and prefixes:
            for prefix in prefixes:
                key = (kind_name, tuple(sorted({**fields, "prefix": prefix}.items())))
                tgt = targets.setdefault(key, _Target(kind_name, key[1]))
                tgt.actions.add(action)
                tgt.arns.add(resource)
                tgt.why.add(why)
            continue
        key = (kind_name, tuple(sorted(fields.items())))
        tgt = targets.setdefault(key, _Target(kind_name, key[1]))
        tgt.actions.add(action)
        tgt.arns.add(resource)
        tgt.why.add(why)

    # A bucket-level list-only grant next to prefix entries of the same bucket: the prefix
    # entries' profiles list their own prefix already.
    for key, target in list(targets.items()):
        fields = dict(target.fields)
        if target.kind != "s3-prefix" or fields.get("prefix"):
            continue
        siblings = [
            x
            for k, x in targets.items()
            if k != key
            and x.kind == "s3-prefix"
            and dict(x.fields).get("bucket") == fields["bucket"]
        ]
        if siblings and {a.lower() for a in target.actions} <= {"s3:listbucket"}:
            del targets[key]
    # A prefix entry inside another one of the same bucket that needs no action the outer one
    # lacks (objects read under incoming/ and incoming/2026/): the outer entry covers it.
    # (Never the other way round: that would widen the outer prefix's actions.)
    for key, target in list(targets.items()):
        fields = dict(target.fields)
        if target.kind != "s3-prefix" or not fields.get("prefix"):
            continue
        wanted = {a.lower() for a in target.actions}
        for k, x in targets.items():
            outer = dict(x.fields)
            if (
                k != key
                and x.kind == "s3-prefix"
                and outer.get("bucket") == fields["bucket"]
                and outer.get("prefix")
                and outer["prefix"] != fields["prefix"]
                and fields["prefix"].startswith(outer["prefix"])
                and wanted <= {a.lower() for a in x.actions}
            ):
                x.arns.update(target.arns)
                x.why.update(target.why)
                del targets[key]
                break

    regions = {
        dict(x.fields).get("Region") for x in targets.values() if dict(x.fields).get("Region")
    }
    if not regions and role.region:
        regions = {role.region}
    region = next(iter(regions)) if len(regions) == 1 and "*" not in regions else None
    role_docs = [p.document for p in role.granting_documents()]
    resources: list[ResourceEntry] = []
    if features["logs"]:
        for other in sorted(set(role.functions) - {t.function}):
            group = f"/aws/lambda/{other}"
            resources.append(ResourceEntry(kind="log-group", name=group, access="write"))
            kept_lines.append(
                f"log-group {group} write: the logs of {other}, which uses this role too"
            )
    for target in targets.values():
        kind = cat.kinds[target.kind]
        fields = {k: v for k, v in target.fields if k in kind.fields}
        where = dict(target.fields)
        entry_fields: dict[str, str] = dict(fields)
        if region is None and where.get("Region") and kind.arn:
            entry_fields = {"arn": _render_arn(kind, where, role)}
        profile = smallest_profile(kind, target.actions)
        entry = None
        if profile is not None:
            entry = ResourceEntry(kind=target.kind, access=profile, **entry_fields)
            if not _within(entry, role, region, role_docs):
                t.notes.append(
                    f"{target.kind} {fields}: the {profile} profile would grant more than the "
                    "role does today; written as a custom entry"
                )
                entry = None
        if entry is None:
            for arn in target.arns:
                custom.setdefault(arn, set()).update(target.actions)
                custom_why.setdefault(arn, set()).update(target.why)
            continue
        resources.append(entry)
        shown = ", ".join(f"{k}={v}" for k, v in fields.items() if v)
        kept_lines.append(
            f"{target.kind} {shown} {profile}: {', '.join(sorted(target.actions))} "
            f"({'; '.join(sorted(target.why))})"
        )
    merged: dict[frozenset[str], set[str]] = {}
    for res, acts in custom.items():
        merged.setdefault(frozenset(acts), set()).add(res)
    for acts, res in sorted(merged.items(), key=lambda kv: sorted(kv[1])):
        resources.append(ResourceEntry(kind="custom", actions=sorted(acts), resources=sorted(res)))
        why = sorted({w for r in res for w in custom_why.get(r, ())})
        kept_lines.append(
            f"custom {', '.join(sorted(acts))} on {', '.join(sorted(res))} ({'; '.join(why)})"
        )

    boundary = "envelope"
    if role.boundary_arn and not role.boundary_arn.endswith(f":policy/{role.name}-boundary"):
        boundary = role.boundary_arn
    elif not role.boundary_arn:
        t.notes.append("the role has no permissions boundary; the spec adds the envelope boundary")
    tags = {
        k: v
        for k, v in role.tags.items()
        if not k.startswith(TOOL_TAG_PREFIX) and not k.lower().startswith("aws:")
    }
    options = RoleOptions(
        name=None if role.name == f"{t.function}-role" else role.name,
        path=role.path,
        description=role.description,
        tags=tags,
    )
    spec = RoleSpec(
        function=t.function,
        account=role.account,
        region=region,
        partition=role.partition,
        role=options,
        boundary=boundary,
        logs=features["logs"],
        tracing=features["tracing"],
        vpc=features["vpc"],
        resources=resources,
    )
    for slot, arn in chosen.items():
        set_target(spec, slot, arn)
    spec = restore_keys(t, spec, kept_lines)
    dropped = []
    for (grant, reason), actions in t.drop.items():
        gone = sorted(
            {
                a
                for a in actions
                if a.lower() not in absorbed
                and (a.lower(), grant.resource) not in logs_absorbed
                and not _kept_within(grant.resource, kept_on.get(a.lower(), set()))
            }
        )
        if gone:
            dropped.append(
                Dropped(grant.pattern, grant.resource, grant.policy, reason, tuple(gone))
            )
    dropped.sort(key=lambda d: (d.policy, d.pattern, d.resource, d.reason))
    return Tightened(spec, kept_lines, dropped, t.notes)


def _kept_within(granted: str, kept: set[str]) -> bool:
    """Whether a dropped grant's action is still kept inside what that grant covered (on
    ``*`` and kept on a table, it is not gone): a grant elsewhere (another log group) does not
    hide the drop. A statement's label (NotAction/NotResource) counts any kept resource."""
    from wizard.policy.patterns import resource_contains

    if not kept:
        return False
    parts = granted.split(", ")
    if not all(p == "*" or p.startswith("arn:") for p in parts):
        return True
    return any(resource_contains(p, r) for p in parts for r in kept)


def _key_grants_of(spec: Any, entry: Any, key: str) -> set[KeyGrant]:
    """The key grants ``entry`` of ``spec`` would get with ``kms_key: key`` (none when it
    cannot take that key: a kind or profile no service encrypts, a key of another Region)."""
    from wizard.catalog.kinds import catalog
    from wizard.policy.compose import encryption_grants
    from wizard.spec import resolve_resources

    kind = catalog().kinds.get(entry.kind)
    if kind is None or (entry.access or kind.default_access) not in kind.encryption:
        return set()
    try:
        trial = spec.model_copy(update={"resources": [with_key(entry, key)]})
        (resolved,) = resolve_resources(trial)
    except UserError:
        return set()
    return {
        (g.action, g.resource, canonical_condition(json.loads(g.condition) if g.condition else {}))
        for g in encryption_grants(resolved)
    }


def with_key(entry: Any, key: str) -> Any:
    """``entry`` with ``kms_key: key``."""
    from wizard.spec import ResourceEntry

    return ResourceEntry(**{**entry.model_dump(exclude_none=True), "kms_key": key})


def restore_keys(t: _Tightener, spec: Any, kept_lines: list[str]) -> Any:
    """``spec`` with each entry given the ``kms_key`` the role's key statements grant it
    (every key grant the entry would get with that key is in the role); the key grants no
    entry takes are dropped, with the reason."""
    granted = {g for _grant, _label, grants in t.key_statements for g in grants}
    keys = sorted({key for _action, key, _cond in granted})
    taken: set[KeyGrant] = set()
    resources = []
    for entry in spec.resources:
        for key in keys:
            wanted = _key_grants_of(spec, entry, key)
            if wanted and wanted <= granted:
                entry = with_key(entry, key)
                taken |= wanted
                actions = ", ".join(sorted({a for a, _k, _c in wanted}))
                kept_lines.append(f"{entry.kind} {entry_name(entry)} kms_key {key}: {actions}")
                break
        resources.append(entry)
    spec = spec.model_copy(update={"resources": resources})
    from wizard.targets import get_target, set_target, spec_targets

    for _path, slot, arn, _key in spec_targets(spec):
        for key in keys:
            wanted = _target_key_grants(spec, slot, arn, key)
            if wanted and wanted <= granted:
                set_target(spec, slot, arn, key)
                taken |= wanted
                actions = ", ".join(sorted({a for a, _k, _c in wanted}))
                kept_lines.append(f"{slot} {get_target(spec, slot)} kms_key {key}: {actions}")
                break
    for grant, label, grants in t.key_statements:
        for action, _key, _cond in sorted(grants - taken):
            reason = f"{label}'s Condition is no key grant of a resource the spec keeps"
            t._drop(grant, reason, action)
    return spec


def _as_key_grants(grants: Iterable[Any]) -> set[KeyGrant]:
    return {
        (g.action, g.resource, canonical_condition(json.loads(g.condition) if g.condition else {}))
        for g in grants
    }


def _target_key_grants(spec: Any, slot: str, arn: str, key: str) -> set[KeyGrant]:
    """The key grants the spec's ``slot`` target would get with ``kms_key: key`` (none for a
    type that takes no key, or a key it cannot take)."""
    from wizard.policy.compose import target_grants
    from wizard.targets import resolve_target, target_key_values

    try:
        resolved = resolve_target(slot, arn, spec.partition)
        keyed = target_key_values(resolved, key)
    except UserError:
        return set()
    return _as_key_grants(target_grants([keyed])) - _as_key_grants(target_grants([resolved]))


def choose_targets(
    t: _Tightener, kept_lines: list[str]
) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """The spec's targets from where the role's functions send invocation records: slot ->
    ARN for each slot every function agrees on, whose catalog grants the role already holds
    (never more: checked with the policy diff); their grants leave the kept grants (the
    target grants them, not an entry), and they are returned as (lower-cased action, resource)
    pairs (kept, not dropped)."""
    from wizard.policy.compose import target_grants
    from wizard.policy.diff import diff_policies
    from wizard.targets import resolve_target

    role = t.role
    by_slot: dict[str, dict[str, list[str]]] = {}
    for target in role.targets:
        sources = by_slot.setdefault(target.slot, {}).setdefault(target.arn, [])
        sources.append(f"{target.function}'s {target.source}")
    role_docs = [p.document for p in role.granting_documents()]
    chosen: dict[str, str] = {}
    kept: set[tuple[str, str]] = set()
    for slot, arns in sorted(by_slot.items()):
        if len(arns) > 1:
            t.notes.append(
                f"{slot}: the functions name different targets ({', '.join(sorted(arns))}); "
                "a spec holds one, so their grants stay entries"
            )
            continue
        ((arn, sources),) = arns.items()
        said = "; ".join(sorted(sources))
        try:
            grants = target_grants([resolve_target(slot, arn, role.partition)])
        except UserError as exc:
            t.notes.append(f"{slot} {arn} ({said}): {exc.detail}; not written as a target")
            continue
        document = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": g.action, "Resource": g.resource} for g in grants
            ],
        }
        try:
            wider = diff_policies(role_docs, [document]).adds_access
        except UserError:
            wider = True
        if wider:
            t.notes.append(
                f"{slot} {arn} ({said}): the role does not grant what Lambda needs to send "
                "there; not written as a target"
            )
            continue
        chosen[slot] = arn
        wanted = {(g.action.lower(), g.resource) for g in grants}
        for action, resource in list(t.keep):
            if (action.lower(), resource) in wanted:
                del t.keep[(action, resource)]
        kept |= wanted
        shown = ", ".join(sorted({g.action for g in grants}))
        kept_lines.append(f"{slot}: {arn}: {shown} ({said})")
    return chosen, kept


def entry_name(entry: Any) -> str:
    fields = {k: v for k, v in entry.field_values().items() if v and k != "kms_key"}
    shown = ", ".join(f"{k}={v}" for k, v in fields.items())
    return shown or (entry.arn or "")


def _render_arn(kind: Any, fields: dict[str, str], role: RoleSnapshot) -> str:
    from wizard.catalog.kinds import render

    values = {"Partition": role.partition, "Account": role.account, "Region": "*", **fields}
    if kind.arn and "${param}" in kind.arn:
        values["param"] = fields.get("name", "").lstrip("/")
    return render(kind.arn or "", values)


def _within(entry: Any, role: RoleSnapshot, region: str | None, role_docs: list[Document]) -> bool:
    """Whether ``entry``'s statements grant nothing the role's policies do not (policy diff)."""
    from wizard.policy.compose import compose
    from wizard.policy.diff import diff_policies
    from wizard.spec import RoleSpec

    probe = RoleSpec(
        function="probe",
        account=role.account,
        region=region or "us-east-1",
        partition=role.partition,
        boundary="none",
        logs=False,
        deployer=False,
        resources=[entry],
    )
    try:
        bundle = compose(probe)
        return not diff_policies(role_docs, [p.document for p in bundle.policies]).adds_access
    except UserError:
        return False


# --------------------------------------------------------------------------- writing


def gate_findings(bundle: Any, source: str) -> list[Any]:
    """The one gate's refusals (:mod:`wizard.policy.gate`) for a bundle the audit would write."""
    from wizard.policy.gate import blocking, review

    return blocking(review(bundle, source=source))


def spec_text(tightened: Tightened, role_name: str, source: str) -> str:
    """The tightened spec's YAML, with what was kept and dropped as comments; refused (a
    UserError naming the findings) when its bundle does not pass the gate."""
    from wizard.policy.compose import compose

    spec = tightened.spec
    refused = "the tightened spec does not pass the gate, nothing written"
    try:
        bundle = compose(spec)
    except UserError as exc:
        raise UserError(f"{refused}: {exc.detail}", where=source) from None
    bad = gate_findings(bundle, source)
    if bad:
        shown = "; ".join(f"{f.code}: {f.message}" for f in bad[:3])
        more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
        raise UserError(f"{refused}: {shown}{more}", where=source)
    header = [
        f"# Role spec written by `role-wizard audit {role_name}`.",
        "# Review it, then: role-wizard plan THIS_FILE",
        "# Kept:",
        *(f"#   {line}" for line in tightened.kept or ["nothing the evidence supports"]),
    ]
    if tightened.dropped:
        header.append("# Dropped (the spec no longer grants these):")
        header.extend(f"#   {d.to_text()}" for d in tightened.dropped)
    header.extend(f"# Note: {n}" for n in tightened.notes)
    return "\n".join(header) + "\n" + spec.to_yaml()
