"""Policy diff: does NEW allow anything OLD does not?  (Like Access Analyzer's CheckNoNewAccess.)

Both sides are sets of identity policy documents.  The question is asked per concrete IAM
action: every action of the IAM reference in the services either side names (and of every
service when an Allow has an Action such as ``*`` or ``s*:Get*``, or a NotAction), plus any
literal action the reference does not know.  For one action, each side allows a union of
resource *regions* — a Resource pattern, or ``*`` minus the patterns of a NotResource — less
what its Deny statements take away.  NEW adds access when one of its allowed regions is not
inside a single region OLD allows (pattern containment, :func:`resource_contains`) or meets a
region OLD denies.

The analysis is conservative in the direction of reporting: whenever it cannot prove that OLD
covers a NEW grant it reports the grant.  Specifically

* coverage is checked region by region: a NEW pattern covered only by the union of several OLD
  patterns is reported;
* Conditions: a NEW statement with a Condition is covered by an OLD statement with no Condition
  or the identical one; an OLD statement with a Condition never covers an unconditioned NEW
  grant (or a differently conditioned one);
* a Deny with a Condition takes nothing away on the granting side and counts in full on the
  side compared against;
* a partial Deny on the granting side leaves the whole region reported;
* policy variables in a Resource (``${aws:username}``) are treated as ``*`` on the granting side
  and as literal text on the side compared against.

``removed`` is the same question asked the other way round.  Permissions boundaries are not
part of the comparison (identity policies only).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.bundle import NamedPolicy
from wizard.catalog.reference import ACCESS_LEVELS, reference
from wizard.errors import UserError
from wizard.policy.conditions import json_pointer
from wizard.policy.patterns import (
    ActionMatcher,
    PatternIndex,
    action_matcher,
    is_wild,
    resource_contains,
    resources_intersect,
)
from wizard.text import count

__all__ = [
    "AccessChange",
    "DiffResult",
    "diff_policies",
]

UNKNOWN_LEVEL = "Unknown"
_LEVEL_ORDER = {level: i for i, level in enumerate((*ACCESS_LEVELS, UNKNOWN_LEVEL))}
_VAR_RE = re.compile(r"\$\{[^}]*\}")

# --------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class _Region:
    """``include`` minus the union of ``exclude`` (a NotResource becomes ``*`` minus it)."""

    include: str
    exclude: tuple[str, ...] = ()

    @functools.cached_property
    def excluded(self) -> PatternIndex:
        """``exclude`` indexed (a NotResource may list thousands of patterns)."""
        return PatternIndex((x, x) for x in self.exclude)

    def display(self) -> str:
        if not self.exclude:
            return self.include
        return f"{self.include} except {', '.join(self.exclude)}"


@dataclass(frozen=True)
class _Statement:
    allow: bool
    patterns: tuple[str, ...]  # the Action (or NotAction) entries
    matcher: ActionMatcher
    not_action: bool
    services: frozenset[str] | None  # None: can apply to any service
    literals: tuple[str, ...]  # wildcard-free Action entries
    regions: tuple[_Region, ...]  # as written
    grant_regions: tuple[_Region, ...]  # policy variables widened to *
    condition: str | None  # canonical JSON of the Condition block

    def applies(self, action: str) -> bool:
        return self.matcher(action) != self.not_action


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _regions(stmt: Mapping[str, Any], *, widen: bool) -> tuple[_Region, ...]:
    def fix(p: str) -> str:
        return _VAR_RE.sub("*", p) if widen and "${" in p else p

    if "NotResource" in stmt:
        return (_Region("*", tuple(fix(p) for p in _strings(stmt["NotResource"]))),)
    return tuple(_Region(fix(p)) for p in _strings(stmt["Resource"]))


def _statement(raw: Mapping[str, Any]) -> _Statement:
    not_action = "NotAction" in raw
    patterns = _strings(raw["NotAction" if not_action else "Action"])
    services: set[str] | None = set()
    for p in patterns:
        prefix = p.split(":", 1)[0]
        if is_wild(prefix):
            services = None
        elif services is not None:
            services.add(prefix.lower())
    condition = raw.get("Condition")
    return _Statement(
        allow=raw["Effect"] == "Allow",
        patterns=tuple(patterns),
        matcher=action_matcher(tuple(patterns)),
        not_action=not_action,
        services=None if not_action or services is None else frozenset(services),
        literals=tuple(p for p in patterns if not is_wild(p) and not not_action),
        regions=_regions(raw, widen=False),
        grant_regions=_regions(raw, widen=True),
        condition=None if condition is None else json.dumps(condition, sort_keys=True),
    )


PolicyLike = Mapping[str, Any] | NamedPolicy | tuple[str, Mapping[str, Any]]


def _statements(docs: Iterable[PolicyLike], side: str) -> list[_Statement]:
    out: list[_Statement] = []
    for i, item in enumerate(docs):
        if isinstance(item, NamedPolicy):
            name, doc = item.name, item.document
        elif isinstance(item, tuple):
            name, doc = item
        else:
            name, doc = f"{side} #{i}", item
        if isinstance(doc, str | bytes):
            try:
                doc = json.loads(doc)
            except ValueError as exc:
                raise UserError(f"not valid JSON: {exc}", where=f"policy {name!r}") from None
        out.extend(_statement(s) for s in _checked_statements(doc, name))
    return out


def _checked_statements(doc: Any, label: str) -> list[Mapping[str, Any]]:
    """The statements of a document, with the grammar the comparison relies on checked.

    The same rules (and messages) as the evaluator's compiler, without compiling regexes:
    a 10 MB policy is checked in well under a second.
    """

    def where(*parts: object) -> str:
        return f"policy {label!r} at {json_pointer(*parts) or '/'}"

    if not isinstance(doc, Mapping):
        raise UserError("a policy document must be a JSON object", where=where())
    if "Version" in doc and not isinstance(doc["Version"], str):
        raise UserError('"Version" must be a string', where=where("Version"))
    if "Statement" not in doc:
        raise UserError('policy has no "Statement"', where=where("Statement"))
    raw = doc["Statement"]
    if isinstance(raw, Mapping):
        items = [(raw, ("Statement",))]
    elif isinstance(raw, list):
        items = [(st, ("Statement", i)) for i, st in enumerate(raw)]
    else:
        raise UserError(
            '"Statement" must be an object or a list of objects', where=where("Statement")
        )
    for st, base in items:
        if not isinstance(st, Mapping):
            raise UserError("a statement must be a JSON object", where=where(*base))
        if st.get("Effect") not in ("Allow", "Deny"):
            if "Effect" not in st:
                raise UserError('statement has no "Effect"', where=where(*base, "Effect"))
            raise UserError(
                f'"Effect" must be "Allow" or "Deny", not {st["Effect"]!r}',
                where=where(*base, "Effect"),
            )
        for a, b in (("Action", "NotAction"), ("Resource", "NotResource")):
            if (a in st) == (b in st):
                what = "both" if a in st else "neither"
                raise UserError(
                    f'statement has {what} "{a}" and "{b}"; it needs exactly one',
                    where=where(*base, a),
                )
            key = a if a in st else b
            value = st[key]
            values = value if isinstance(value, list) else [value]
            for i, v in enumerate(values):
                if not isinstance(v, str):
                    ptr = (*base, key, i) if isinstance(value, list) else (*base, key)
                    raise UserError("expected a string", where=where(*ptr))
        if "Condition" in st and not isinstance(st["Condition"], Mapping):
            raise UserError('"Condition" must be a JSON object', where=where(*base, "Condition"))
    return [st for st, _ in items]


# --------------------------------------------------------------------------- coverage


class _Side:
    """One side's statements, grouped by their Action/NotAction so each pattern set is matched
    once per action however many statements share it. Groups of plain action names are found
    by name, the others by the services they can name: an action is matched only against the
    groups that can apply to it."""

    def __init__(self, statements: Sequence[_Statement]) -> None:
        self.statements = tuple(statements)
        groups: dict[tuple[tuple[str, ...], bool], list[int]] = {}
        first: dict[tuple[tuple[str, ...], bool], _Statement] = {}
        for i, s in enumerate(self.statements):
            key = (s.patterns, s.not_action)
            groups.setdefault(key, []).append(i)
            first.setdefault(key, s)
        self.groups = [(first[k], tuple(v)) for k, v in groups.items()]
        self._by_name: dict[str, list[int]] = {}  # lower-case action -> plain groups naming it
        self._by_service: dict[str, list[int]] = {}  # service -> groups with a wildcard
        self._anywhere: list[int] = []  # groups that can apply to any service
        for g, (s, _) in enumerate(self.groups):
            if s.services is None:
                self._anywhere.append(g)
            elif not s.not_action and all(not is_wild(p) for p in s.patterns):
                for name in {p.lower() for p in s.patterns}:
                    self._by_name.setdefault(name, []).append(g)
            else:
                for service in s.services:
                    self._by_service.setdefault(service, []).append(g)

    def matching(self, action: str) -> tuple[int, ...]:
        """The groups whose statements apply to ``action``, in order."""
        service = action.split(":", 1)[0].lower()
        hits = set(self._by_name.get(action.lower(), ()))
        for g in (*self._by_service.get(service, ()), *self._anywhere):
            if self.groups[g][0].applies(action):
                hits.add(g)
        return tuple(sorted(hits))

    def members(self, groups: Iterable[int]) -> list[_Statement]:
        return [self.statements[i] for g in groups for i in self.groups[g][1]]


_NOTHING = PatternIndex(())


def _cut(p: _Region, removed: PatternIndex, x: str) -> bool:
    """Whether ``x`` lies inside one of ``p``'s excluded patterns or the ``removed`` ones."""
    return any(resource_contains(r, x) for r in p.exclude) or removed.contain(x)


def _region_within(p: _Region, q: _Region, removed: PatternIndex = _NOTHING) -> bool:
    """``p`` minus ``removed`` patterns lies inside ``q``."""
    if not resource_contains(q.include, p.include):
        return False
    return all(
        not resources_intersect(x, p.include) or _cut(p, removed, x)
        for x in q.excluded.meeting(p.include)
    )


def _meets(p: _Region, deny: _Region, removed: PatternIndex) -> bool:
    """Whether the deny region may take something from ``p`` minus ``removed``."""
    if not deny.exclude:
        return resources_intersect(deny.include, p.include) and not _cut(p, removed, deny.include)
    # deny = everything but deny.exclude: harmless only when p lies inside one of them
    return not deny.excluded.contain(p.include)


def _uncovered(
    grant: Sequence[_Statement], base: Sequence[_Statement]
) -> tuple[tuple[str, bool], ...]:
    """The regions ``grant`` allows that ``base`` may not: (display, conditional) pairs.

    A NEW region is reported unless a Deny of its own side takes it in full, or a region of
    ``base`` (of an Allow with no Condition or the same one) holds it and no Deny of ``base``
    may take part of it. Each region is compared only with the regions that can contain or
    meet it (:class:`PatternIndex`), so the work grows with the statements, not their square.
    """
    grant_allow = [s for s in grant if s.allow]
    grant_deny = [s for s in grant if not s.allow and s.condition is None]
    base_deny = [s for s in base if not s.allow]  # conditional denies count in full here
    # patterns the granting side denies outright (plain Resource denies only)
    removed = PatternIndex(
        (r.include, r.include) for d in grant_deny for r in d.regions if not r.exclude
    )
    full_denies = PatternIndex((r.include, r) for d in grant_deny for r in d.regions)
    # base's allowed regions by Condition (None: unconditioned, covering every grant)
    by_condition: dict[str | None, list[_Region]] = {}
    for t in base:
        if t.allow:
            by_condition.setdefault(t.condition, []).extend(t.regions)
    allowed = {c: PatternIndex((q.include, q) for q in rs) for c, rs in by_condition.items()}
    written_regions = {c: set(rs) for c, rs in by_condition.items()}
    # base's denies, less those the granting side denies as well (they take nothing from it)
    denied = PatternIndex(
        (r.include, r)
        for t in base_deny
        for r in t.grant_regions
        if r.exclude or not removed.contain(r.include)
    )

    def reported(written: _Region, p: _Region, condition: str | None) -> bool:
        if any(_region_within(p, r) for r in full_denies.containers(p.include)):
            return False  # denied in full on the granting side
        covered = any(
            written in written_regions.get(c, ())
            or (
                c in allowed
                and any(_region_within(p, q, removed) for q in allowed[c].containers(p.include))
            )
            for c in ((None,) if condition is None else (None, condition))
        )
        return not covered or any(_meets(p, r, removed) for r in denied.meeting(p.include))

    seen: dict[tuple[_Region, _Region, str | None], bool] = {}  # a region written many times
    found: dict[str, bool] = {}
    for s in grant_allow:
        for written, p in zip(s.regions, s.grant_regions, strict=True):
            key = (written, p, s.condition)
            if key not in seen:
                seen[key] = reported(written, p, s.condition)
            if seen[key]:
                shown = p.display()
                found[shown] = found.get(shown, True) and s.condition is not None
    return tuple(sorted(found.items()))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AccessChange:
    """Actions of one service and access level that gain (or lose) the same resources."""

    service: str
    access_level: str
    actions: tuple[str, ...]  # full names, e.g. "s3:GetObject"
    resources: tuple[str, ...]
    conditional: bool = False  # every grant involved has a Condition
    all_of_level: int | None = None  # set when these are all N actions of the level

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "access_level": self.access_level,
            "actions": list(self.actions),
            "resources": list(self.resources),
            "conditional": self.conditional,
        }

    def to_text(self, sign: str, limit: int = 40) -> str:
        names = [a.split(":", 1)[1] for a in self.actions]
        if self.all_of_level and len(names) > 3:
            shown = f"all {len(names)} {self.access_level} actions"
        elif len(names) > limit:
            shown = ", ".join(names[:limit]) + f" … and {len(names) - limit} more"
        else:
            shown = ", ".join(names)
        line = f"{sign} {self.service} {self.access_level}: {shown} on {', '.join(self.resources)}"
        return line + (" (with a condition)" if self.conditional else "")


@dataclass(frozen=True)
class DiffResult:
    added: tuple[AccessChange, ...]
    removed: tuple[AccessChange, ...]

    @property
    def adds_access(self) -> bool:
        return bool(self.added)

    @property
    def removes_access(self) -> bool:
        return bool(self.removed)

    def added_actions(self) -> set[str]:
        return {a for c in self.added for a in c.actions}

    def removed_actions(self) -> set[str]:
        return {a for c in self.removed for a in c.actions}

    def to_dict(self) -> dict[str, Any]:
        return {
            "adds_access": self.adds_access,
            "added": [c.to_dict() for c in self.added],
            "removed": [c.to_dict() for c in self.removed],
        }

    def to_text(self, old: str = "OLD", new: str = "NEW") -> str:
        lines: list[str] = []
        n_add, n_rem = len(self.added_actions()), len(self.removed_actions())
        if self.added:
            lines.append(f"{new} adds access to {count(n_add, 'action')}:")
            lines.extend(c.to_text("+") for c in self.added)
        else:
            lines.append(f"{new} grants no access that {old} does not.")
        if self.removed:
            lines.append(f"{new} removes access to {count(n_rem, 'action')}:")
            lines.extend(c.to_text("-") for c in self.removed)
        else:
            lines.append(f"{new} keeps all the access {old} grants.")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Action:
    full: str
    service: str
    level: str


def _universe(statements: Sequence[_Statement]) -> list[_Action]:
    ref = reference()
    allows = [s for s in statements if s.allow]
    every = any(s.services is None for s in allows)
    services = set(ref.service_names) if every else {v for s in allows for v in s.services or ()}
    out: dict[str, _Action] = {}
    for key in sorted(services):
        svc = ref.service(key)
        if svc is None:
            continue
        for a in svc.actions.values():
            out[a.full_name.lower()] = _Action(a.full_name, svc.key, a.access_level)
    for s in allows:
        for lit in s.literals:
            if lit.lower() not in out and ":" in lit:
                service = lit.split(":", 1)[0].lower()
                out[lit.lower()] = _Action(lit, service, UNKNOWN_LEVEL)
    return list(out.values())


def _group(
    hits: dict[_Action, tuple[tuple[str, bool], ...]], level_sizes: dict[tuple[str, str], int]
) -> tuple[AccessChange, ...]:
    groups: dict[tuple[str, str, tuple[str, ...], bool], list[str]] = {}
    for action, regions in hits.items():
        resources = tuple(r for r, _ in regions)
        conditional = all(c for _, c in regions)
        key = (action.service, action.level, resources, conditional)
        groups.setdefault(key, []).append(action.full)
    out = []
    for (service, level, resources, conditional), actions in groups.items():
        actions.sort(key=str.lower)
        size = level_sizes.get((service, level), 0)
        out.append(
            AccessChange(
                service,
                level,
                tuple(actions),
                resources,
                conditional,
                size if size == len(actions) and level != UNKNOWN_LEVEL else None,
            )
        )
    out.sort(key=lambda c: (c.service, _LEVEL_ORDER.get(c.access_level, 99), c.resources))
    return tuple(out)


def diff_policies(old_docs: Iterable[PolicyLike], new_docs: Iterable[PolicyLike]) -> DiffResult:
    """What NEW's identity policies allow that OLD's do not (``added``), and the reverse.

    Items are policy documents, :class:`NamedPolicy` objects or ``(name, document)`` pairs.
    Raises UserError for a document the policy grammar rejects.
    """
    old = _Side(_statements(old_docs, "OLD"))
    new = _Side(_statements(new_docs, "NEW"))
    actions = _universe(old.statements + new.statements)
    level_sizes: dict[tuple[str, str], int] = {}
    for a in actions:
        level_sizes[(a.service, a.level)] = level_sizes.get((a.service, a.level), 0) + 1
    memo: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[Any, Any]] = {}  # by groups
    added: dict[_Action, tuple[tuple[str, bool], ...]] = {}
    removed: dict[_Action, tuple[tuple[str, bool], ...]] = {}
    for action in actions:
        sig = (old.matching(action.full), new.matching(action.full))
        result = memo.get(sig)
        if result is None:
            o, n = old.members(sig[0]), new.members(sig[1])
            result = memo[sig] = (_uncovered(n, o), _uncovered(o, n))
        if result[0]:
            added[action] = result[0]
        if result[1]:
            removed[action] = result[1]
    return DiffResult(_group(added, level_sizes), _group(removed, level_sizes))


def diff_documents(old: PolicyLike, new: PolicyLike) -> DiffResult:
    """:func:`diff_policies` for one document on each side."""
    return diff_policies([old], [new])
