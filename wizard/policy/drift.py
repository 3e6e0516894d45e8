"""Drift: how a live role differs from what its spec builds today, and what each difference risks.

The AWS layer reads the account into a :class:`LiveRole` and states what the spec wants as an
:class:`ExpectedRole` (the bundle, with the ARNs and tags only the account can fill in);
:func:`compare` lists the :class:`Drift` items between them, each with a one-line risk note and,
for a policy the account holds wider than the spec, the access it adds
(:func:`wizard.policy.diff.diff_policies`, the ``diff`` command's engine). ``plan`` turns the same
list into the changes that undo it, so ``plan`` shows exactly the drift.

A drift item's ``state`` speaks of the account: ``added`` (the account holds something the spec
does not build), ``removed`` (the spec builds something the account lacks) or ``changed``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from wizard.bundle import Document, RoleBundle
from wizard.errors import UserError
from wizard.policy.diff import DiffResult, diff_policies
from wizard.text import count

SEVERITIES = ("error", "warning", "note")  # error: the account grants more than the spec


def canonical(document: Any) -> str:
    """A JSON value as canonical text, for comparing what IAM returns with the bundle."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class CustomerPolicy:
    """A customer-managed policy the spec makes: the boundary or the deployer policy."""

    label: str  # "permissions boundary" | "deployer policy"
    name: str
    arn: str
    document: Document


@dataclass
class ExpectedRole:
    """What the spec builds, with what only the account fills in (ARNs, extra tags)."""

    bundle: RoleBundle
    boundary_arn: str | None
    tags: dict[str, str]
    policies: list[CustomerPolicy] = field(default_factory=list)


@dataclass
class LiveRole:
    """What the account holds; ``exists`` False when there is no such role."""

    exists: bool
    path: str = "/"
    description: str | None = None
    trust: Document = field(default_factory=dict)
    inline: dict[str, Document] = field(default_factory=dict)
    attached: list[str] = field(default_factory=list)
    boundary_arn: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    policies: dict[str, Document | None] = field(default_factory=dict)  # ARN -> document


@dataclass(frozen=True)
class Drift:
    """One difference. ``kind``: role, path, trust, description, boundary, inline, managed, tags
    (``name`` the tag's key) or policy (a customer-managed policy the spec makes)."""

    kind: str
    name: str
    state: str  # added | removed | changed (of the account, against the spec)
    spec: Any  # what the spec builds (None when added)
    live: Any  # what the account holds (None when removed)
    risk: str  # one line
    severity: str = "warning"
    access: DiffResult | None = None  # access the account's version adds beyond the spec's
    label: str = ""  # a customer-managed policy's role

    @property
    def symbol(self) -> str:
        return {"added": "+", "removed": "-"}.get(self.state, "~")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "state": self.state,
            "risk": self.risk,
            "severity": self.severity,
            "spec": self.spec,
            "account": self.live,
        }
        if self.label:
            out["label"] = self.label
        if self.access is not None:
            out["access_added"] = [c.to_dict() for c in self.access.added]
        return out


# --------------------------------------------------------------------------- statements


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _statements(doc: Any) -> list[dict[str, Any]]:
    raw = doc.get("Statement", []) if isinstance(doc, dict) else []
    items = [raw] if isinstance(raw, dict) else list(raw)
    return [s for s in items if isinstance(s, dict)]


def _shown(items: list[str], limit: int = 3) -> str:
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _grant_text(st: dict[str, Any]) -> str:
    verb = "grants all but" if "NotAction" in st else "grants"
    actions = _strings(st.get("NotAction") if "NotAction" in st else st.get("Action"))
    where = _strings(st.get("Resource"))
    on = f"on {_shown(where)}" if where else f"on all but {_shown(_strings(st.get('NotResource')))}"
    cond = " (with a condition)" if "Condition" in st else ""
    return f"{verb} {_shown(actions)} {on}{cond}"


def statement_note(spec_docs: list[Document], live_doc: Document) -> str:
    """What a live policy's statements do that the spec's do not, in a few words."""
    known = {canonical(s) for d in spec_docs for s in _statements(d)}
    live = _statements(live_doc)
    new = [s for s in live if s.get("Effect") == "Allow" and canonical(s) not in known]
    if new:
        more = f" (and {len(new) - 1} more new statements)" if len(new) > 1 else ""
        return f"new statement {_grant_text(new[0])}{more}"
    live_known = {canonical(s) for s in live}
    gone = [
        s
        for d in spec_docs
        for s in _statements(d)
        if s.get("Effect") == "Deny" and canonical(s) not in live_known
    ]
    if gone:
        return f"a Deny statement was removed ({_grant_text(gone[0]).replace('grants', 'denied')})"
    return "statements changed"


def _access(spec_docs: list[Document], live_doc: Document, notes: list[str]) -> DiffResult | None:
    try:
        return diff_policies(spec_docs, [live_doc])
    except UserError as exc:
        notes.append(f"cannot compare the access of a policy the account holds: {exc}")
        return None


def _principals(trust: Any) -> set[str]:
    out: set[str] = set()
    for st in _statements(trust):
        if st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        if principal == "*" or principal is None:
            out.add("*")
            continue
        if isinstance(principal, dict):
            for key, values in principal.items():
                out.update(f"{key}:{v}" for v in _strings(values))
    return out


# --------------------------------------------------------------------------- compare


def _policy_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def compare(expected: ExpectedRole, live: LiveRole, notes: list[str] | None = None) -> list[Drift]:
    """The differences between what the spec builds and what the account holds, in the order
    ``plan`` undoes them: customer-managed policies, the role, tags, trust, description,
    boundary, inline policies, attachments."""
    notes = notes if notes is not None else []
    bundle = expected.bundle
    out: list[Drift] = []

    for cp in expected.policies:
        have = live.policies.get(cp.arn)
        if have is None:
            risk = f"{cp.label} {cp.name} does not exist in the account"
            out.append(Drift("policy", cp.name, "removed", cp.document, None, risk, label=cp.label))
        elif canonical(have) != canonical(cp.document):
            access = _access([cp.document], have, notes)
            if cp.label == "permissions boundary":
                widened = "widened: the cap now allows more" if access and access.added else ""
                risk = f"boundary policy {cp.name} edited" + (f", {widened}" if widened else "")
            else:
                risk = f"{cp.label} {cp.name}: {statement_note([cp.document], have)}"
            severity = "error" if access is None or access.adds_access else "warning"
            out.append(
                Drift(
                    "policy", cp.name, "changed", cp.document, have, risk, severity,
                    access if access and access.added else None, cp.label,
                )
            )  # fmt: skip

    if not live.exists:
        out.append(
            Drift(
                "role", bundle.role_name, "removed", bundle.role_name, None,
                "the role does not exist in the account",
            )
        )  # fmt: skip
    else:
        out.extend(_role_drift(expected, live, notes))

    live_inline = live.inline if live.exists else {}
    spec_docs = [p.document for p in bundle.policies]
    for policy in bundle.policies:
        have = live_inline.get(policy.name)
        if have is None:
            risk = f"inline policy {policy.name} missing (the function lacks what it grants)"
            out.append(Drift("inline", policy.name, "removed", policy.document, None, risk))
        elif canonical(have) != canonical(policy.document):
            out.append(
                _inline_drift(policy.name, "changed", policy.document, have, spec_docs, notes)
            )
    live_attached = live.attached if live.exists else []
    for arn in bundle.managed_policy_arns:
        if arn not in live_attached:
            risk = f"removed: {_policy_name(arn)} not attached"
            out.append(Drift("managed", arn, "removed", arn, None, risk))
    for arn in live_attached:
        if arn not in bundle.managed_policy_arns:
            risk = f"added: {_policy_name(arn)} attached"
            out.append(Drift("managed", arn, "added", None, arn, risk, "error"))
    wanted = {p.name for p in bundle.policies}
    for name, doc in live_inline.items():
        if name not in wanted:
            out.append(_inline_drift(name, "added", None, doc, spec_docs, notes))
    if live.exists and live.boundary_arn and not expected.boundary_arn:
        risk = f"boundary added: {_policy_name(live.boundary_arn)} (the spec sets none)"
        out.append(Drift("boundary", bundle.role_name, "added", None, live.boundary_arn, risk))
    if live.exists:
        out.extend(_tag_drift(expected.tags, live.tags))
    return out


def _inline_drift(
    name: str,
    state: str,
    spec_doc: Document | None,
    live_doc: Document,
    spec_docs: list[Document],
    notes: list[str],
) -> Drift:
    access = _access(spec_docs, live_doc, notes)
    what = "new inline policy" if state == "added" else "inline policy"
    risk = f"{what} {name}: {statement_note(spec_docs, live_doc)}"
    wider = access is None or access.adds_access
    return Drift(
        "inline",
        name,
        state,
        spec_doc,
        live_doc,
        risk,
        "error" if wider else "warning",
        access if access and access.added else None,
    )


def _role_drift(expected: ExpectedRole, live: LiveRole, notes: list[str]) -> list[Drift]:
    bundle = expected.bundle
    name = bundle.role_name
    out: list[Drift] = []
    if live.path != bundle.path:
        risk = f"path is {live.path}, the spec says {bundle.path} (IAM cannot change a path)"
        out.append(Drift("path", name, "changed", bundle.path, live.path, risk))
    if canonical(live.trust) != canonical(bundle.assume_role_policy):
        new = sorted(_principals(live.trust) - _principals(bundle.assume_role_policy))
        if new:
            risk = f"trust policy now lets {_shown(new)} assume the role"
            severity = "error"
        else:
            risk = "trust policy changed (no new principal)"
            severity = "warning"
        out.append(
            Drift("trust", name, "changed", bundle.assume_role_policy, live.trust, risk, severity)
        )
    if (live.description or "") != (bundle.description or ""):
        out.append(
            Drift(
                "description", name, "changed", bundle.description or "", live.description,
                "description changed", "note",
            )
        )  # fmt: skip
    if expected.boundary_arn and live.boundary_arn != expected.boundary_arn:
        if live.boundary_arn is None:
            risk = "boundary removed: nothing caps the role's permissions"
            state = "removed"
        else:
            risk = f"boundary replaced by {_policy_name(live.boundary_arn)}"
            state = "changed"
        out.append(
            Drift("boundary", name, state, expected.boundary_arn, live.boundary_arn, risk, "error")
        )
    return out


def _tag_drift(spec: dict[str, str], live: dict[str, str]) -> list[Drift]:
    out = []
    for key, value in spec.items():
        if key not in live:
            out.append(Drift("tags", key, "removed", value, None, f"tag {key} removed", "note"))
        elif live[key] != value:
            risk = f"tag {key} changed to {live[key]!r}"
            out.append(Drift("tags", key, "changed", value, live[key], risk, "note"))
    for key, value in live.items():
        if key not in spec and not key.lower().startswith("aws:"):
            out.append(Drift("tags", key, "added", None, value, f"tag {key} added", "note"))
    return out


# --------------------------------------------------------------------------- rendering


def render_drift(
    role: str, arn: str, drift: list[Drift], notes: list[str], spec: str | None = None
) -> str:
    """The drift as text: one line a difference, the access a wider policy adds below it.
    ``spec``: the spec file's name (None: the wizard's spec)."""
    against = spec or "the spec"
    if not drift:
        lines = [f"Role {role} ({arn}) is in step with {against}."]
    else:
        n = len(drift)
        lines = [f"Role {role} ({arn}) has drifted from {against}: {count(n, 'difference')}"]
        for d in drift:
            lines.append(f"  {d.symbol} {d.risk or _plain(d)}")
            if d.access is not None:
                lines.append("      access it adds beyond the spec:")
                lines.extend(f"        {c.to_text('+')}" for c in d.access.added)
        lines.append("")
        if spec:
            lines.append(f"`role-wizard apply {spec}` brings it back; `plan` lists the changes.")
        else:
            lines.append("Apply brings it back; the plan lists the changes.")
    lines.extend(f"Note: {n}" for n in notes)
    return "\n".join(lines) + "\n"


def _plain(d: Drift) -> str:
    return f"{d.state}: {d.kind} {d.name}"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def drift_sarif(role_arn: str, drift: list[Drift]) -> dict[str, Any]:
    """The drift as a SARIF 2.1.0 log: one result a difference, rule ``drift/KIND-STATE``."""
    from wizard.sarif import sarif_log

    rules: dict[str, str] = {}
    results = []
    for d in drift:
        rule = f"drift/{d.kind}-{d.state}"
        rules.setdefault(rule, f"{d.kind} {d.state} in the account, against the spec")
        results.append(
            {
                "ruleId": rule,
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": d.risk or _plain(d)},
                "locations": [
                    {
                        "logicalLocations": [
                            {
                                "fullyQualifiedName": f"{role_arn}#{d.kind}/{d.name}",
                                "kind": "resource",
                            }
                        ]
                    }
                ],
            }
        )
    return sarif_log(
        [{"id": k, "shortDescription": {"text": v}} for k, v in rules.items()], results
    )
