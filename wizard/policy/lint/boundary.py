"""Identity grants the permissions boundary blocks (``not-in-boundary``), and what a
boundary lets through for the escalation check."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from wizard.catalog.reference import Action
from wizard.policy.documents import INFO, WARNING
from wizard.policy.lint.actions import _expand
from wizard.policy.lint.model import (
    _MAPPING,
    _WILD,
    GATE_WORK,
    Linter,
    _Document,
    _short,
    _Statement,
)
from wizard.policy.patterns import (
    MAX_PATTERN,
    ActionIndex,
    PatternIndex,
    patterns_intersect,
    service_wildcard,
)

_ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


_SHOWN = 3  # Deny statements named in a not-in-boundary message
_ACTIONS_SHOWN = 3  # blocked actions named in one


def _why_denied(refs: Any, count: int) -> str:
    """The first Deny statements that decide (of ``count``), for a message."""
    sids = [s.sid or f"statement {s.statement}" for s in refs]
    return (
        _short(sids, _SHOWN) + (f" and {count - len(sids)} more" if count > len(sids) else "")
        if sids
        else "a Deny statement"
    )


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

        # the fast path (check_boundary): Allow statements grouped by Action list, each group's
        # Resource patterns indexed by lead; answers memoised per class of actions and resource
        groups: dict[tuple[tuple[str, ...], bool], list[_Statement]] = {}
        for st in self.allows:
            groups.setdefault((st.patterns, st.not_action), []).append(st)
        self._allow_groups = [
            (
                patterns,
                negated,
                any(st.not_resource for st in sts),
                PatternIndex(
                    (
                        (r, r)
                        for st in sts
                        if not st.not_resource
                        for r, _ in st.resources
                        if not service_wildcard(r)  # (meets nothing: patterns_intersect)
                    ),
                    variables=True,
                ),
            )
            for (patterns, negated), sts in groups.items()
        ]
        self._allow_index = ActionIndex(
            (p, i) for i, (patterns, _, _, _) in enumerate(self._allow_groups) for p in patterns
        )
        self._negated = [i for i, group in enumerate(self._allow_groups) if group[1]]
        self._keys: dict[str, tuple[object, frozenset[int]]] = {}
        self._classes: dict[str, list[tuple[str, list[int]]]] = {}
        self._verdicts: dict[tuple[object, str], str | None] = {}
        self._reach: dict[tuple[frozenset[int], str], bool] = {}
        # action classes and verdicts made, each weighed by the Allow groups its action
        # matches (what its lookups cost, about): a deterministic measure of the gate's work
        self.work = 0

    def _decide(self, action: str, resource: str) -> Any:
        return self.evaluator.evaluate(action, resource)

    def verdict(self, action: str, resource: str) -> str | None:
        """None when the boundary may let (action, resource) through; else why it does not.

        The straightforward way (one evaluation, every Allow statement tried);
        :meth:`fast_verdict` gives the same answers."""
        from wizard.policy.evaluate import ALLOWED, EXPLICITLY_DENIED

        ev = self._decide(action, resource)
        if ev.decision == ALLOWED:
            return None
        if ev.decision == EXPLICITLY_DENIED:
            denies = [s for s in ev.statements if s.effect == "Deny"]
            return _why_denied(denies[:_SHOWN], len(denies))
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

    # -- the fast path

    def action_key(self, action: str) -> tuple[object, frozenset[int]]:
        """Equal for two actions the same boundary statements (and Allow statements, for
        :meth:`_may_allow`) apply to: every verdict on a resource is the same for them."""
        key = self._keys.get(action)
        if key is None:
            tried = self._allow_index.tried
            action_class = self.evaluator.action_class(action)
            # (the evaluator's index has just matched the action against the boundary's
            # patterns, these among them: their answers are taken from it)
            matched = frozenset(self._allow_index.matching(action, self.evaluator.action_index))
            key = self._keys[action] = (action_class, matched)
            # the patterns tried, here and (about as many) in the evaluator's own index
            self.work += 10 + 2 * (self._allow_index.tried - tried)
        return key

    def classes(
        self, key: str, actions: Sequence[Action], budget: int | None = None
    ) -> list[tuple[str, list[int]]] | None:
        """``actions`` (those of the Action entry ``key``) by :meth:`action_key`: (an action
        standing for the class, the positions of its actions), in order of first position;
        classes the boundary lets through on every resource (:meth:`Evaluator.allows_everything`)
        are left out. None when :attr:`work` passes ``budget`` first."""
        found = self._classes.get(key)
        if found is None:
            by_key: dict[object, tuple[str, list[int]]] = {}
            for i, action in enumerate(actions):
                if budget is not None and self.work > budget:
                    return None
                name = action.full_name
                by_key.setdefault(self.action_key(name), (name, []))[1].append(i)
            found = self._classes[key] = [
                (name, positions)
                for name, positions in by_key.values()
                if not self.evaluator.allows_everything(name)
            ]
        return found

    def fast_verdict(self, action: str, resource: str) -> str | None:
        """:meth:`verdict`, memoised per class of actions and resource, through the
        evaluator's static decision and the Allow statements' lead index."""
        from wizard.policy.evaluate import ALLOWED, EXPLICITLY_DENIED

        key = self.action_key(action)
        memo = (key, resource)
        if memo in self._verdicts:
            return self._verdicts[memo]
        self.work += 10 + len(key[1])  # (the Allow groups to try are most of its cost)
        decided = self.evaluator.static_decision(action, resource, _SHOWN)
        if decided is None:  # a statement with policy variables: the whole evaluation
            ev = self._decide(action, resource)
            denies = [s for s in ev.statements if s.effect == "Deny"]
            decided = ev.decision, tuple(denies[:_SHOWN]), len(denies)
        decision, refs, count = decided
        if decision == ALLOWED:
            found = None
        elif decision == EXPLICITLY_DENIED:
            found = _why_denied(refs, count)
        else:
            found = None if self._reaches(key[1], resource) else "not allowed"
        self._verdicts[memo] = found
        return found

    def _reaches(self, matched: frozenset[int], resource: str) -> bool:
        """:meth:`_may_allow` for an action whose patterns match the Allow groups ``matched``."""
        memo = (matched, resource)
        found = self._reach.get(memo)
        if found is None:
            granting = [i for i in matched if not self._allow_groups[i][1]]
            granting.extend(i for i in self._negated if i not in matched)
            found = False
            for i in granting:
                _, _, not_resource, index = self._allow_groups[i]
                if not_resource or any(
                    patterns_intersect(r, resource) for r in index.meeting(resource)
                ):
                    found = True
                    break
            self._reach[memo] = found
        return found


def check_boundary(
    linter: Linter, statements: list[tuple[_Document, _Statement]], gate: BoundaryGate
) -> None:
    """``not-in-boundary`` for each Action entry and Resource of the Allow statements; within
    :data:`GATE_WORK`, past which the rest is reported unchecked and the gate is not used (the
    escalation check then takes the boundary to allow everything)."""
    budget = gate.work + GATE_WORK
    entries = [
        (doc, st, pattern, ptr)
        for doc, st in statements
        if st.allow and not st.not_action and not st.not_resource
        for pattern, ptr in st.actions
    ]
    for done, entry in enumerate(entries):
        if not _check_entry(linter, gate, *entry, budget):
            doc = entry[0]
            linter.add(
                "not-checked",
                f"{len(entries) - done:,} of {len(entries):,} Action entries were not checked "
                "against the permissions boundary: the verdicts before them took the run's "
                "whole budget, as a boundary of thousands of distinct wildcard patterns made "
                "of common short pieces (*:*e*?) does; the escalation check takes the boundary "
                "to allow everything",
                doc.file,
                doc.base,
                WARNING,
            )
            gate.ok = False
            return


def _check_entry(
    linter: Linter,
    gate: BoundaryGate,
    doc: _Document,
    st: _Statement,
    pattern: str,
    ptr: str,
    budget: int,
) -> bool:
    """``not-in-boundary`` for one Action entry on each Resource; False when the gate's work
    passed ``budget`` first (its findings, if any, are then left out)."""
    if pattern == "*":
        return True
    acts = (
        _expand(pattern.lower())
        if ":" in pattern and not (_WILD & set(pattern.split(":")[0]))
        else ()
    )
    if not acts:
        return True
    wildcard = bool(_WILD & set(pattern))
    classes = gate.classes(pattern.lower(), acts, budget)
    if classes is None:
        return False
    if not classes:
        return True  # the boundary lets every action through on every resource
    found = []
    for res, _rptr in st.resources:
        if len(res) > MAX_PATTERN:
            continue
        blocked = _blocked(gate, acts, classes, res, budget)
        if blocked is False:
            return False
        if blocked is None:
            continue
        why = (
            f"explicitly denied by the boundary ({blocked.denied})"
            if blocked.denied is not None
            else "not allowed by the permissions boundary"
        )
        if not wildcard or blocked.count == len(acts):
            what = pattern if not wildcard else f"every action {pattern} matches"
            found.append(
                (
                    f"{what} on {res!r} is {why}: this grant has no effect; drop it or "
                    "widen the boundary",
                    None,
                )
            )
        else:
            found.append(
                (
                    f"{blocked.count} of the {len(acts)} actions {pattern} matches on "
                    f"{res!r} are outside the permissions boundary "
                    f"({_short(blocked.first, _ACTIONS_SHOWN, blocked.count)})",
                    INFO,
                )
            )
    for message, severity in found:
        linter.add("not-in-boundary", message, doc.file, ptr, severity)
    return True


class _Blocked(NamedTuple):
    """What a boundary blocks of an Action entry's actions on one resource."""

    count: int  # how many actions
    first: tuple[str, ...]  # the first few of them (_ACTIONS_SHOWN), in the entry's order
    denied: str | None  # the verdict of the first explicitly denied one; None: none is


def _blocked(
    gate: BoundaryGate,
    acts: Any,
    classes: list[tuple[str, list[int]]],
    res: str,
    budget: int | None = None,
) -> _Blocked | None | Literal[False]:
    """What the boundary blocks of ``acts`` on ``res`` (None: nothing; False: the gate's
    work passed ``budget`` first), from one verdict per class of actions, not per action, and without listing
    every blocked action (a class's positions are in order, so the first few of each class
    hold the first few of all)."""
    count = 0
    first: list[int] = []
    denied: tuple[int, str] | None = None
    for rep, positions in classes:
        if budget is not None and gate.work > budget:
            return False
        verdict = gate.fast_verdict(rep, res)
        if verdict is None:
            continue
        count += len(positions)
        first.extend(positions[:_ACTIONS_SHOWN])
        if verdict != "not allowed" and (denied is None or positions[0] < denied[0]):
            denied = positions[0], verdict
    if not count:
        return None
    first.sort()
    names = tuple(acts[i].full_name for i in first[:_ACTIONS_SHOWN])
    return _Blocked(count, names, None if denied is None else denied[1])
