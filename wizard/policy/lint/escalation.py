"""Privilege escalation across a role's effective permissions (``privilege-escalation``,
``catalogs/escalation.yaml``)."""

from __future__ import annotations

import functools

from wizard.policy.lint.boundary import BoundaryGate
from wizard.policy.lint.data import (
    EscalationPath,
    Requirement,
    _escalation_actions,
    escalation_paths,
)
from wizard.policy.lint.grammar import _NEGATED
from wizard.policy.lint.model import Linter, _covered, _Document, _Statement
from wizard.policy.lint.resources import is_broad
from wizard.policy.patterns import wildcard_regex


def check_escalation(
    linter: Linter,
    statements: list[tuple[_Document, _Statement]],
    gate: BoundaryGate | None,
    boundary_unknown: bool,
) -> None:
    allows = [(d, s) for d, s in statements if s.allow]
    if not allows:
        return
    denies = [
        s
        for _, s in statements
        if not s.allow
        and not s.conditions
        and not s.not_resource
        and any(r == "*" for r, _ in s.resources)
    ]
    wanted = _escalation_actions()
    holders: dict[str, list[tuple[_Document, _Statement]]] = {}
    for d, s in allows:
        for action in _covered(s.patterns, s.not_action, wanted):
            holders.setdefault(action, []).append((d, s))
    if not holders:
        return
    for s in denies:
        for action in _covered(s.patterns, s.not_action, wanted):
            holders.pop(action, None)
    for path in _paths_within(frozenset(holders)):
        evidence: list[tuple[_Document, str, str]] = []
        for req in path.requires:
            found = _holds(linter, req, holders[req.action], gate)
            if found is None:
                break
            evidence.append(found)
        else:
            doc, ptr, _ = evidence[0]
            held = ", ".join(
                f"{req.action} on {res!r}"
                for req, (_, _, res) in zip(path.requires, evidence, strict=True)
            )
            note = (
                " (the boundary is referenced by ARN, so this assumes it allows them)"
                if boundary_unknown
                else ""
            )
            linter.add(
                "privilege-escalation",
                f"privilege escalation [{path.id}]: the role can {path.description}; it holds "
                f"{held}{note}. Remove one of these or scope it to named resources",
                doc.file,
                ptr,
            )


@functools.lru_cache(maxsize=4096)
def _paths_within(holding: frozenset[str]) -> tuple[EscalationPath, ...]:
    """The escalation paths (in the catalog's order) whose actions are all in ``holding``."""
    return tuple(path for path in escalation_paths() if path.actions <= holding)


def _holds(
    linter: Linter,
    req: Requirement,
    holders: list[tuple[_Document, _Statement]],
    gate: BoundaryGate | None,
) -> tuple[_Document, str, str] | None:
    for doc, st in holders:
        if req.passed_to and not _passed_to_allows(st, req.passed_to):
            continue
        targets = [("*", st.ptr + "/NotResource")] if st.not_resource else st.resources
        for res, ptr in targets:
            if req.not_self and not st.not_resource and _only_role(res, linter.role_name):
                continue  # passing the role itself hands over nothing new
            if req.unscoped and not is_broad(res):
                continue
            if gate is not None and gate.ok and not gate.permits(req.action, res, req.unscoped):
                continue
            return doc, ptr, res if not st.not_resource else "NotResource"
    return None


def _passed_to_allows(st: _Statement, service: str) -> bool:
    """Whether the statement's iam:PassedToService condition (if any) lets a role go to ``service``."""
    for _op, base, key, values, _ in st.conditions:
        if key.lower() != "iam:passedtoservice" or base is None:
            continue
        hit = any(
            wildcard_regex(v, ignore_case=True).match(service) for v in values if len(v) < 256
        )
        if base in _NEGATED:
            if hit:
                return False
        elif not hit:
            return False
    return True


def _only_role(resource: str, role_name: str | None) -> bool:
    """Whether a Resource entry can name no role but ``role_name`` (any account: a role can be
    passed within its own account only): ``arn:P:iam::ACCOUNT:role/PATH/NAME`` with no
    wildcard or variable in its resource part."""
    if not role_name:
        return False
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "iam":
        return False
    rest = parts[5]
    if "*" in rest or "?" in rest or "$" in rest or not rest.startswith("role/"):
        return False
    return rest.rsplit("/", 1)[1] == role_name
