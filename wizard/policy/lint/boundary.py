"""Identity grants the permissions boundary blocks (``not-in-boundary``), and what a
boundary lets through for the escalation check."""

from __future__ import annotations

import re
from typing import Any

from wizard.policy.documents import INFO
from wizard.policy.lint.actions import _expand
from wizard.policy.lint.model import _MAPPING, _WILD, Linter, _Document, _short, _Statement
from wizard.policy.patterns import MAX_PATTERN, patterns_intersect

_ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


class BoundaryGate:
    """What a permissions boundary lets through, for ineffective-grant and escalation checks.

    The evaluator decides on a copy of the boundary where Allow statements drop their
    conditions (they may hold) and conditional Deny statements are left out (they may not):
    "blocked" then means blocked whatever the request context.
    """

    def __init__(self, boundary: _Document) -> None:
        from wizard.errors import UserError
        from wizard.policy.evaluate import Evaluator

        self.allows: list[_Statement] = []
        statements = []
        for st in boundary.statements:
            if not st.usable or (not st.allow and st.conditions):
                continue
            if any(len(v) > MAX_PATTERN for v, _ in (*st.actions, *st.resources)):
                continue
            statements.append(
                {
                    k: v
                    for k, v in st.raw.items()
                    if k in ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource")
                }
            )
            if st.allow:
                self.allows.append(st)
        version = boundary.raw.get("Version") if isinstance(boundary.raw, _MAPPING) else None
        doc = {
            "Version": version if isinstance(version, str) else "2012-10-17",
            "Statement": statements,
        }
        try:
            self.evaluator = Evaluator([_ALLOW_ALL], doc)
            self.ok = True
        except (UserError, ValueError, TypeError, re.error):
            self.ok = False

    def _decide(self, action: str, resource: str) -> Any:
        return self.evaluator.evaluate(action, resource)

    def verdict(self, action: str, resource: str) -> str | None:
        """None when the boundary may let (action, resource) through; else why it does not."""
        from wizard.policy.evaluate import ALLOWED, EXPLICITLY_DENIED

        ev = self._decide(action, resource)
        if ev.decision == ALLOWED:
            return None
        if ev.decision == EXPLICITLY_DENIED:
            sids = [
                s.sid or f"statement {s.statement}" for s in ev.statements if s.effect == "Deny"
            ]
            return ", ".join(sids) or "a Deny statement"
        return None if self._may_allow(action, resource) else "not allowed"

    def _may_allow(self, action: str, resource: str) -> bool:
        for st in self.allows:
            if not st.grants(action):
                continue
            if st.not_resource or any(patterns_intersect(r, resource) for r, _ in st.resources):
                return True
        return False

    def permits(self, action: str, resource: str, need_all: bool) -> bool:
        from wizard.policy.evaluate import ALLOWED, EXPLICITLY_DENIED

        if len(resource) > MAX_PATTERN:
            return True
        ev = self._decide(action, resource)
        if ev.decision == ALLOWED:
            return True
        if ev.decision == EXPLICITLY_DENIED or need_all:
            return False
        return self._may_allow(action, resource)


def check_boundary(
    linter: Linter, statements: list[tuple[_Document, _Statement]], gate: BoundaryGate
) -> None:
    for doc, st in statements:
        if not st.allow or st.not_action or st.not_resource:
            continue
        for pattern, ptr in st.actions:
            if pattern == "*":
                continue
            acts = (
                _expand(pattern.lower())
                if ":" in pattern and not (_WILD & set(pattern.split(":")[0]))
                else ()
            )
            if not acts:
                continue
            wildcard = bool(_WILD & set(pattern))
            for res, _rptr in st.resources:
                if len(res) > MAX_PATTERN:
                    continue
                blocked: list[tuple[str, str]] = []
                for a in acts:
                    verdict = gate.verdict(a.full_name, res)
                    if verdict is not None:
                        blocked.append((a.full_name, verdict))
                if not blocked:
                    continue
                denied = [b for b in blocked if b[1] != "not allowed"]
                why = (
                    f"explicitly denied by the boundary ({denied[0][1]})"
                    if denied
                    else "not allowed by the permissions boundary"
                )
                if not wildcard or len(blocked) == len(acts):
                    what = pattern if not wildcard else f"every action {pattern} matches"
                    linter.add(
                        "not-in-boundary",
                        f"{what} on {res!r} is {why}: this grant has no effect; drop it or "
                        "widen the boundary",
                        doc.file,
                        ptr,
                    )
                else:
                    linter.add(
                        "not-in-boundary",
                        f"{len(blocked)} of the {len(acts)} actions {pattern} matches on "
                        f"{res!r} are outside the permissions boundary "
                        f"({_short([b[0] for b in blocked], 3)})",
                        doc.file,
                        ptr,
                        INFO,
                    )
