"""A spec's role-wide targets: ``dead_letter`` and ``destinations.on_success`` /
``destinations.on_failure``. Lambda sends to each with the execution role, so the role needs
the one action the target's type takes (the catalog's ``targets:``), on that ARN only.

Domain code: the one check every front (CLI, wizard, plain mode) uses, and the values the
composer renders the catalog's statements with.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from wizard.catalog.kinds import Catalog, Profile, catalog
from wizard.errors import UserError
from wizard.spec import ARN_RE, RoleSpec, SpecContext, control_problem, dotted

# The spec's slots: (path in the spec, the catalog's target name).
SLOTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("dead_letter",), "dead_letter"),
    (("destinations", "on_success"), "on_success"),
    (("destinations", "on_failure"), "on_failure"),
)


# The slots as the fronts ask for them: (slot, what it is).
TARGET_FIELDS: tuple[tuple[str, str], ...] = (
    ("dead_letter", "Dead-letter queue or topic"),
    ("on_success", "Success destination: queue, topic, function, bus"),
    ("on_failure", "Failure destination: the same, or an S3 bucket"),
)


def get_target(spec: RoleSpec, slot: str) -> str:
    """The ARN the spec gives for ``slot``, or ""."""
    value = spec.dead_letter if slot == "dead_letter" else getattr(spec.destinations, slot)
    return value or ""


def set_target(spec: RoleSpec, slot: str, arn: str) -> None:
    """Give (or with "" remove) the spec's ``slot`` target; the fronts check it first."""
    value = arn.strip() or None
    if slot == "dead_letter":
        spec.dead_letter = value
    else:
        spec.destinations = spec.destinations.model_copy(update={slot: value})


class ResolvedTarget(NamedTuple):
    """A target checked against the catalog: the kind its ARN names and the template values."""

    slot: str
    kind_name: str
    profile: Profile
    values: dict[str, str]


def _kinds_text(cat: Catalog, slot: str) -> str:
    return ", ".join(cat.kinds[k].title for k in cat.targets[slot].kinds)


def target_problem(slot: str, arn: str, partition: str = "aws") -> str | None:
    """Why ``arn`` cannot be the spec's ``slot`` target (``dead_letter``, ``on_success``,
    ``on_failure``), or None: the one check ``build``, the wizard and plain mode make."""
    try:
        resolve_target(slot, arn, partition)
    except UserError as exc:
        return exc.detail
    return None


def resolve_target(
    slot: str, arn: str, partition: str = "aws", cat: Catalog | None = None
) -> ResolvedTarget:
    """The kind ``arn`` names among those the slot takes, and its values; UserError (no
    location) when it names none, holds a wildcard or belongs to another partition."""
    cat = cat or catalog()
    target = cat.targets[slot]
    if problem := control_problem(arn):
        raise UserError(problem)
    if "*" in arn or "?" in arn or "${" in arn:
        raise UserError(f"{arn!r}: name one {target.title} exactly (no wildcard or variable)")
    if not ARN_RE.fullmatch(arn):
        raise UserError(f"{arn!r} is not an ARN of a {_kinds_text(cat, slot)}")
    for kind_name, profile in target.kinds.items():
        kind = cat.kinds[kind_name]
        parsed = kind.parse_arn(arn)
        if parsed is None or parsed.get("prefix"):
            continue
        if parsed.get("Partition") != partition:
            raise UserError(
                f"the ARN's partition {parsed.get('Partition')!r} is not the spec's {partition!r}"
            )
        for key in ("Region", "Account"):
            if key in parsed and not parsed[key] and kind.service != "s3":
                raise UserError(f"the ARN {arn!r} has no {key.lower()}")
        return ResolvedTarget(slot, kind_name, profile, {**parsed, "arn": arn})
    raise UserError(
        f"{arn!r} is not an ARN of a {_kinds_text(cat, slot)}: the {target.title} takes no other"
    )


def spec_targets(spec: RoleSpec) -> list[tuple[tuple[str, ...], str, str]]:
    """The targets the spec gives: (path, slot, ARN)."""
    out = []
    for path, slot in SLOTS:
        value: Any = spec
        for part in path:
            value = getattr(value, part)
        if value:
            out.append((path, slot, value))
    return out


def resolve_targets(
    spec: RoleSpec, ctx: SpecContext | None = None, cat: Catalog | None = None
) -> list[ResolvedTarget]:
    """Every target of the spec checked, with ``FILE:LINE: where: what`` on a bad one."""
    ctx = ctx or SpecContext()
    out = []
    for path, slot, arn in spec_targets(spec):
        try:
            out.append(resolve_target(slot, arn, spec.partition, cat))
        except UserError as exc:
            raise UserError(f"{dotted(path)}: {exc.detail}", where=ctx.where(path)) from None
    return out
