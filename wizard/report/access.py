"""The access report's content: what a role can do, against each resource.

Domain code (no AWS SDK, no UI). Every answer comes from the engines the other commands use:

* the granted actions, grouped by service and access level, are ``diff``'s answer to "what does
  the role allow that an empty policy does not" (:func:`wizard.policy.diff.diff_policies`), so
  every Action pattern, NotAction and NotResource is expanded over the IAM reference the same
  way ``diff`` and ``drift`` expand it;
* what the boundary cuts is the same engine asked "what do the identity policies allow beyond
  the boundary" (a boundary Deny counts in full; a conditional boundary Allow is not proof);
* what is denied is every explicit Deny of the identity policies and the boundary, expanded;
* the matrix places each granted action on each resource (:class:`Target`) whose ARN patterns
  its Resource meets (:func:`wizard.policy.patterns.resources_intersect`) and that one of the
  action's resource types can name (:func:`~wizard.policy.patterns.pattern_fits_format`): a
  grant on ``*`` of ``dynamodb:GetItem`` lands on every table, never on a queue. Grants on
  patterns no target holds get a row of their own (``*``, ``arn:aws:sqs:*``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.bundle import NamedPolicy
from wizard.catalog.kinds import catalog
from wizard.catalog.reference import ACCESS_LEVELS, reference
from wizard.entries import entry_from_discovered, entry_label
from wizard.errors import UserError
from wizard.policy.compose import resource_grants
from wizard.policy.diff import (
    UNKNOWN_LEVEL,
    AccessChange,
    _Region,
    _Statement,
    _statements,
    _universe,
    diff_policies,
)
from wizard.policy.patterns import pattern_fits_format, resource_contains, resources_intersect
from wizard.spec import ResourceEntry, RoleSpec, resolve_resources

__all__ = [
    "ALLOWED",
    "CONDITIONAL",
    "CUT",
    "DENIED",
    "LEVELS",
    "AccessReport",
    "Cell",
    "Row",
    "Target",
    "build_report",
    "discovered_targets",
    "spec_targets",
]

LEVELS = (*ACCESS_LEVELS, UNKNOWN_LEVEL)

# A (resource, action) pair's state, weakest to strongest; a cell shows its strongest.
ALLOWED = "allowed"  # identity allows, no boundary or the boundary allows, nothing denies
CONDITIONAL = "conditional"  # allowed only under a Condition, or in part (a partial Deny)
CUT = "cut"  # the identity policies allow it; the boundary does not
DENIED = "denied"  # the identity policies allow it; an explicit Deny takes it away
STATES = (ALLOWED, CONDITIONAL, CUT, DENIED)


@dataclass(frozen=True)
class Target:
    """A resource the report names: ``label`` (``dynamodb-table Orders``) and the ARN patterns
    of the resource and what lies inside it (a table's indexes and streams, a prefix's
    objects)."""

    label: str
    patterns: tuple[str, ...]
    named: bool = True  # False: a row for a granted pattern no named resource holds


@dataclass(frozen=True)
class Cell:
    """The actions of one access level on one resource, by state."""

    actions: Mapping[str, tuple[str, ...]]  # state -> action names (full, sorted)

    @property
    def state(self) -> str | None:
        """The strongest state present (None: nothing granted here)."""
        for state in reversed(STATES):
            if self.actions.get(state):
                return state
        return None

    @property
    def effective(self) -> int:
        """How many actions the role can use here (allowed, or under a condition)."""
        return len(self.actions.get(ALLOWED, ())) + len(self.actions.get(CONDITIONAL, ()))

    def count(self, state: str) -> int:
        return len(self.actions.get(state, ()))


@dataclass(frozen=True)
class Row:
    target: Target
    cells: Mapping[str, Cell]  # access level -> cell (levels with anything granted only)

    def cell(self, level: str) -> Cell | None:
        return self.cells.get(level)


@dataclass(frozen=True)
class AccessReport:
    role: str
    source: str  # where it was read: "spec role.yaml", "account 123456789012"
    functions: tuple[str, ...]
    boundary: str  # what the boundary is, one line
    rows: tuple[Row, ...]
    granted: tuple[AccessChange, ...]  # every granted action, by service and access level
    cut: tuple[AccessChange, ...]  # granted by the identity policies, not by the boundary
    denied: tuple[AccessChange, ...]  # explicit denies, expanded
    notes: tuple[str, ...] = ()
    levels: tuple[str, ...] = field(default=LEVELS)

    @property
    def shown_levels(self) -> tuple[str, ...]:
        """The access levels of the matrix: the five IAM levels, and Unknown when used."""
        used = {level for row in self.rows for level in row.cells}
        return tuple(
            level for level in self.levels if level != UNKNOWN_LEVEL or UNKNOWN_LEVEL in used
        )

    def count(self, changes: Iterable[AccessChange]) -> int:
        return len({a for c in changes for a in c.actions})


# --------------------------------------------------------------------------- computing


def actions_shown(change: AccessChange, limit: int = 40) -> str:
    """A change's actions for a reader: "all 23 Write actions" when they are all of their
    level, else their names (at most ``limit``)."""
    names = [a.split(":", 1)[1] for a in change.actions]
    if change.all_of_level and len(names) > 3:
        return f"all {len(names)} {change.access_level} actions"
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


def level_of(access_level: str) -> str:
    """The one matrix column of an action: the reference files some under two levels
    ("Permissions management, Write", "Tagging, Write"); the first is the telling one."""
    return access_level.split(",", 1)[0].strip() or UNKNOWN_LEVEL


def _deny_as_allow(documents: Iterable[tuple[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The Deny statements of ``documents`` with their Effect turned to Allow, so the diff
    engine expands what they cover exactly as it expands a grant."""
    out = []
    for name, doc in documents:
        raw = doc.get("Statement", []) if isinstance(doc, Mapping) else []
        items = [raw] if isinstance(raw, Mapping) else list(raw)
        denies = [
            {**s, "Effect": "Allow"}
            for s in items
            if isinstance(s, Mapping) and s.get("Effect") == "Deny"
        ]
        if denies:
            out.append((name, {"Version": "2012-10-17", "Statement": denies}))
    return out


def _arn_formats(action: str) -> tuple[str, ...] | None:
    """The ARN formats of the action's resource types; () when it takes no resource (only
    ``*``); None when the reference does not know the action (any ARN may be meant)."""
    ref = reference()
    known = ref.action(action)
    if known is None:
        return None
    return tuple(f for rt in ref.resource_types_for(known) for f in rt.arn_formats)


def _in_region(region: _Region, pattern: str) -> bool:
    """Whether ``region`` may hold some ARN of ``pattern``."""
    return resources_intersect(region.include, pattern) and not any(
        resource_contains(x, pattern) for x in region.exclude
    )


def _holds(region: _Region, pattern: str) -> bool:
    """Whether ``region`` holds every ARN of ``pattern``."""
    return resource_contains(region.include, pattern) and not any(
        resources_intersect(x, pattern) for x in region.exclude
    )


def _state(
    action: str,
    pattern: str,
    conditional: bool,
    denies: Sequence[_Statement],
    boundary: Sequence[_Statement] | None,
) -> str:
    """The state of ``action`` on ``pattern``, granted there (under a Condition or not)."""
    partial = False
    for deny in denies:
        if not deny.applies(action):
            continue
        for region in deny.regions:
            if deny.condition is None and _holds(region, pattern):
                return DENIED
            if _in_region(region, pattern):
                partial = True
    if boundary is not None:
        allows = [s for s in boundary if s.allow and s.applies(action)]
        regions = [(s, r) for s in allows for r in s.regions]
        if not any(_in_region(r, pattern) for _, r in regions):
            return CUT
        if not any(s.condition is None and _holds(r, pattern) for s, r in regions):
            partial = True
    return CONDITIONAL if conditional or partial else ALLOWED


def _fits(pattern: str, formats: tuple[str, ...] | None) -> bool:
    if formats is None:
        return True
    return any(pattern_fits_format(pattern, f) for f in formats)


def build_report(
    role: str,
    identity: Sequence[NamedPolicy],
    boundary: Mapping[str, Any] | None,
    targets: Sequence[Target],
    *,
    source: str,
    functions: Sequence[str] = (),
    boundary_label: str | None = None,
    notes: Sequence[str] = (),
    keep_empty: bool = True,
) -> AccessReport:
    """What the role's ``identity`` policies (capped by ``boundary``) let it do, against each of
    ``targets`` and on whatever else they name. Raises UserError for a policy the grammar
    rejects (the diff engine's checks). ``keep_empty`` False leaves out the targets the role
    can do nothing on (counted in a note): an account's discovered resources."""
    docs = [(p.name, p.document) for p in identity]
    granted = diff_policies([], docs).added
    cut: tuple[AccessChange, ...] = ()
    if boundary is not None:
        cut = diff_policies([("boundary", boundary)], docs).added
    denied_docs = _deny_as_allow([*docs, *([("boundary", boundary)] if boundary else [])])
    denied = diff_policies([], denied_docs).added if denied_docs else ()

    statements = _statements(docs, "identity")
    boundary_statements = _statements([("boundary", boundary)], "boundary") if boundary else None
    denies = [s for s in statements if not s.allow]
    denies += [s for s in boundary_statements or () if not s.allow]
    named = list(targets)
    extra: dict[str, Target] = {}
    # (target, level, state) -> actions
    found: dict[tuple[Target, str, str], set[str]] = {}

    def add(target: Target, level: str, state: str, action: str) -> None:
        found.setdefault((target, level, state), set()).add(action)

    for action in _universe(statements):
        allows = [s for s in statements if s.allow and s.applies(action.full)]
        if not allows:
            continue
        formats = _arn_formats(action.full)
        for stmt in allows:
            for region in stmt.grant_regions:
                conditional = stmt.condition is not None
                inside_named = False
                for target in named:
                    hits = [
                        p for p in target.patterns if _in_region(region, p) and _fits(p, formats)
                    ]
                    if not hits:
                        continue
                    inside_named = inside_named or any(
                        resource_contains(p, region.include) for p in target.patterns
                    )
                    states = [
                        _state(action.full, p, conditional, denies, boundary_statements)
                        for p in hits
                    ]
                    # the weakest state among the resource's patterns: what it can still do
                    state = min(states, key=STATES.index)
                    add(target, level_of(action.level), state, action.full)
                if inside_named:
                    continue
                shown = region.display()
                target = extra.setdefault(shown, Target(shown, (region.include,), named=False))
                state = _state(
                    action.full, region.include, conditional, denies, boundary_statements
                )
                add(target, level_of(action.level), state, action.full)

    rows = []
    for target in [*named, *sorted(extra.values(), key=lambda t: t.label)]:
        cells = {}
        for level in LEVELS:
            by_state = {
                state: tuple(sorted(found.get((target, level, state), ()), key=str.lower))
                for state in STATES
            }
            if any(by_state.values()):
                cells[level] = Cell({k: v for k, v in by_state.items() if v})
        rows.append(Row(target, cells))
    notes = list(notes)
    if not keep_empty:
        untouched = sum(1 for row in rows if not row.cells)
        rows = [row for row in rows if row.cells]
        if untouched:
            notes.append(f"{untouched} other resources listed: the role grants nothing on them")
    if boundary_label is None:
        boundary_label = "a permissions boundary" if boundary is not None else "none"
    return AccessReport(
        role=role,
        source=source,
        functions=tuple(functions),
        boundary=boundary_label,
        rows=tuple(rows),
        granted=granted,
        cut=cut,
        denied=denied,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- targets


def spec_targets(spec: RoleSpec) -> list[Target]:
    """The spec's resources as report targets: the function's log group (when the spec grants
    logging) and each entry, by its one label (:func:`wizard.entries.entry_label`), with the
    ARNs every access profile of its kind names (so a grant on a table's stream, written by
    hand in a live role, lands on the table)."""
    entries = list(spec.resources)
    if spec.logs:
        entries.insert(0, ResourceEntry(kind="log-group", name=f"/aws/lambda/{spec.function}"))
    return [_entry_target(spec, entry) for entry in entries]


def _entry_target(spec: RoleSpec, entry: ResourceEntry) -> Target:
    kind = catalog().kinds[entry.kind]
    variants = (
        [entry]
        if entry.kind == "custom"
        else [entry.model_copy(update={"access": profile}) for profile in kind.profiles]
    )
    patterns: list[str] = []
    for variant in variants:
        try:
            (resolved,) = resolve_resources(spec.model_copy(update={"resources": [variant]}))
        except UserError:  # a profile this resource cannot take (a field it lacks)
            continue
        # a profile's grants on "*" are for actions that name no resource: not this one's ARNs
        patterns.extend(g.resource for g in resource_grants(resolved) if g.resource != "*")
    return Target(entry_label(entry), tuple(dict.fromkeys(patterns)))


def discovered_targets(spec: RoleSpec, found: Iterable[tuple[str, Any]]) -> list[Target]:
    """Targets for resources discovered in an account (``(kind, item)`` pairs, items as
    :class:`wizard.aws.discover.Discovered` or its dict), named as the wizard names them;
    ``spec`` gives the account, region and partition. A resource the catalog cannot name is
    left out (its grants still show, on their own patterns)."""
    out = []
    for kind, item in found:
        try:
            entry = entry_from_discovered(kind, item)
        except (UserError, ValueError):
            continue
        out.append(_entry_target(spec, entry))
    return out
