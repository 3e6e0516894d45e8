"""A spec's role-wide targets: ``dead_letter`` and ``destinations.on_success`` /
``destinations.on_failure``. Lambda sends to each with the execution role, so the role needs
the one action the target's type takes (the catalog's ``targets:``), on that ARN only; and for
a target encrypted with a customer managed key (``{arn: ..., kms_key: ...}`` in the spec), the
key grant AWS documents for that delivery, on that key, through that service only.

Domain code: the one check every front (CLI, wizard, plain mode) uses, and the values the
composer renders the catalog's statements with.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from wizard.catalog.kinds import Catalog, Profile, TargetProfile, catalog
from wizard.errors import UserError
from wizard.spec import (
    ARN_RE,
    EncryptedTarget,
    RoleSpec,
    SpecContext,
    TargetValue,
    control_problem,
    dotted,
    kms_key_values,
)

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


def target_parts(value: TargetValue | None) -> tuple[str, str]:
    """A spec's target value as (ARN, KMS key ARN or ""): the plain ARN and the
    ``{arn, kms_key}`` form read the same way."""
    if value is None:
        return "", ""
    if isinstance(value, EncryptedTarget):
        return value.arn, value.kms_key or ""
    return value, ""


def _value(spec: RoleSpec, slot: str) -> TargetValue | None:
    return spec.dead_letter if slot == "dead_letter" else getattr(spec.destinations, slot)


def get_target(spec: RoleSpec, slot: str) -> str:
    """The ARN the spec gives for ``slot``, or ""."""
    return target_parts(_value(spec, slot))[0]


def get_target_key(spec: RoleSpec, slot: str) -> str:
    """The KMS key ARN the spec's ``slot`` target is encrypted with, or ""."""
    return target_parts(_value(spec, slot))[1]


def set_target(spec: RoleSpec, slot: str, arn: str, kms_key: str | None = None) -> None:
    """Give (or with "" remove) the spec's ``slot`` target; the fronts check it first.

    ``kms_key``: the key the target is encrypted with ("" for none). Left out (None), the
    target keeps its key while its ARN stays the same, and loses it with a new ARN (a key
    belongs to one queue, topic or bucket)."""
    arn = arn.strip()
    old_arn, old_key = target_parts(_value(spec, slot))
    key = (old_key if arn == old_arn else "") if kms_key is None else kms_key.strip()
    value: TargetValue | None = None
    if arn:
        value = EncryptedTarget(arn=arn, kms_key=key) if key else arn
    if slot == "dead_letter":
        spec.dead_letter = value
    else:
        spec.destinations = spec.destinations.model_copy(update={slot: value})


class ResolvedTarget(NamedTuple):
    """A target checked against the catalog: the kind its ARN names, the template values, and
    the key grant when the target is encrypted with a customer managed key."""

    slot: str
    kind_name: str
    profile: TargetProfile
    values: dict[str, str]

    @property
    def encryption(self) -> Profile | None:
        """The catalog's key grant for this delivery, when the target gives ``kms_key``."""
        return self.profile.encryption if self.values.get("kms_key") else None


def _kinds_text(cat: Catalog, slot: str) -> str:
    return ", ".join(cat.kinds[k].title for k in cat.targets[slot].kinds)


def target_problem(slot: str, arn: str, partition: str = "aws", kms_key: str = "") -> str | None:
    """Why ``arn`` (encrypted with ``kms_key``, if given) cannot be the spec's ``slot`` target
    (``dead_letter``, ``on_success``, ``on_failure``), or None: the one check ``build``, the
    wizard and plain mode make."""
    try:
        resolved = resolve_target(slot, arn, partition)
        if kms_key:
            target_key_values(resolved, kms_key)
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


def target_key_values(target: ResolvedTarget, kms_key: str) -> ResolvedTarget:
    """``target`` encrypted with ``kms_key``: its values gain the key's (for the catalog's key
    grant); UserError (no location) for a target type that needs no key, or a key that is not
    a customer managed key's ARN in the spec's partition and the target's Region."""
    if target.profile.encryption is None:
        kind = catalog().kinds[target.kind_name]
        raise UserError(f"{kind.title} targets take no kms_key: {target.profile.no_key}")
    region = target.values.get("Region") or None  # a bucket's ARN names no Region
    extra = kms_key_values(kms_key, target.values["Partition"], region)
    return target._replace(values={**target.values, **extra, "kms_key": kms_key})


def spec_targets(spec: RoleSpec) -> list[tuple[tuple[str, ...], str, str, str]]:
    """The targets the spec gives: (path, slot, ARN, KMS key ARN or "")."""
    out = []
    for path, slot in SLOTS:
        value: Any = spec
        for part in path:
            value = getattr(value, part)
        arn, key = target_parts(value)
        if arn:
            out.append((path, slot, arn, key))
    return out


def resolve_targets(
    spec: RoleSpec, ctx: SpecContext | None = None, cat: Catalog | None = None
) -> list[ResolvedTarget]:
    """Every target of the spec checked, with ``FILE:LINE: where: what`` on a bad one."""
    ctx = ctx or SpecContext()
    out = []
    for path, slot, arn, key in spec_targets(spec):
        encrypted = isinstance(_value(spec, slot), EncryptedTarget)
        at = (*path, "arn") if encrypted else path
        try:
            resolved = resolve_target(slot, arn, spec.partition, cat)
        except UserError as exc:
            raise UserError(f"{dotted(at)}: {exc.detail}", where=ctx.where(at)) from None
        if key:
            at = (*path, "kms_key")
            try:
                resolved = target_key_values(resolved, key)
            except UserError as exc:
                raise UserError(f"{dotted(at)}: {exc.detail}", where=ctx.where(at)) from None
        out.append(resolved)
    return out


def key_to_read(slot: str, arn: str, partition: str = "aws") -> str | None:
    """The catalog kind whose encryption settings the fronts read (with an AWS session) for
    the target ``arn`` of ``slot``: a queue, topic or bucket, whose customer managed key needs
    the role's KMS grant; None for an ARN the slot refuses, or a type that takes no key (a
    function, a bus: :func:`key_note` says why)."""
    try:
        resolved = resolve_target(slot, arn, partition)
    except UserError:
        return None
    return resolved.kind_name if resolved.profile.encryption is not None else None


def key_note(slot: str, arn: str, kms_key: str = "", partition: str = "aws") -> str:
    """What the fronts show beside a target once its encryption is known (read from AWS, or
    given): the key and the grant it adds, that none is needed and why, or why the key read
    cannot be taken; "" for an ARN the slot refuses (:func:`target_problem` says so)."""
    try:
        resolved = resolve_target(slot, arn, partition)
    except UserError:
        return ""
    kind = catalog().kinds[resolved.kind_name]
    if resolved.profile.encryption is None:
        return f"no KMS grant: {resolved.profile.no_key}"
    if not kms_key:
        return (
            f"no customer managed key found on the {kind.title} (none, an AWS managed key the "
            "role needs no grant for, or a key alias this session cannot describe: then give "
            "its key ARN as kms_key): no KMS grant"
        )
    if problem := target_problem(slot, arn, partition, kms_key):
        return f"its key {kms_key} cannot be granted: {problem}"
    actions = sorted({a for st in resolved.profile.encryption.statements for a in st.actions})
    return (
        f"encrypted with {kms_key}: {', '.join(actions)} on that key, through "
        f"{kind.service} only, is added (Lambda needs it to deliver there)"
    )
