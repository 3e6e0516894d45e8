"""Step 4: the permissions boundary (the domain's :data:`BOUNDARY_CHOICES`) and the role's
options (logs, tracing, VPC, the deployer policy, where Lambda sends invocation records)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError
from questionary import Choice

from wizard.plain.prompts import one_line
from wizard.spec import BOUNDARY_CHOICES, RoleSpec, boundary_key
from wizard.targets import (
    TARGET_FIELDS,
    get_target,
    get_target_key,
    key_note,
    key_to_read,
    set_target,
    target_problem,
)

if TYPE_CHECKING:
    from wizard.plain.app import PlainWizard


def check_boundary_arn(value: str) -> bool | str:
    try:
        RoleSpec(function="f", boundary=value)
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    return True


def ask_boundary(wizard: PlainWizard) -> None:
    spec = wizard.spec_
    # a choice line fits an 80-column terminal (questionary cuts it there): the sentence that
    # says what it means shows under the list for the highlighted choice
    choices = [Choice(b.title, value=b.key, description=b.description) for b in BOUNDARY_CHOICES]
    current = boundary_key(spec.boundary)
    choice = wizard.select("Permissions boundary:", choices, default=current)
    if choice == "arn":
        choice = wizard.text(
            "Boundary policy ARN:",
            default=spec.boundary if current == "arn" else "",
            validate=check_boundary_arn,
            instruction="(arn:aws:iam::123456789012:policy/NAME)",
        )
    spec.boundary = choice


def ask_options(wizard: PlainWizard) -> None:
    spec = wizard.spec_
    spec.logs = wizard.confirm("Write to the function's own log group?", default=spec.logs)
    spec.tracing = wizard.confirm("Send traces to X-Ray?", default=spec.tracing)
    spec.vpc = wizard.confirm("Does the function run in a VPC?", default=spec.vpc)
    spec.deployer = wizard.confirm(
        "Also write a deployer policy (pass this role to Lambda only)?", default=spec.deployer
    )
    asked = any(get_target(spec, slot) for slot, _label in TARGET_FIELDS)
    if wizard.confirm(
        "Send invocation records to a dead-letter queue or destinations?", default=asked
    ):
        for slot, label in TARGET_FIELDS:
            arn = ask_target(wizard, slot, label, get_target(spec, slot))
            set_target(spec, slot, arn, ask_target_key(wizard, slot, label, arn))
    else:
        for slot, _label in TARGET_FIELDS:
            set_target(spec, slot, "")


def ask_target(wizard: PlainWizard, slot: str, label: str, current: str) -> str:
    """One target's ARN (empty for none), checked by the domain's :func:`target_problem`."""
    partition = wizard.spec_.partition

    def validate(value: str) -> bool | str:
        value = value.strip()
        return True if not value else target_problem(slot, value, partition) or True

    return wizard.text(f"{label} ARN (optional):", default=current, validate=validate).strip()


def ask_target_key(wizard: PlainWizard, slot: str, label: str, arn: str) -> str | None:
    """The KMS key the target ``arn`` is encrypted with, typed (optional) and checked by the
    domain's :func:`target_problem`; offered as read from AWS (:func:`target_key`), else as the
    spec holds it for that ARN. A type that takes no key (a function, a bus): not asked, and
    :func:`key_note` says why. None (the spec keeps what it holds) for no target."""
    spec = wizard.spec_
    partition = spec.partition
    if not arn:
        return None
    if key_to_read(slot, arn, partition) is None:  # a function, a bus: why no key
        wizard.say(f"{arn}: {key_note(slot, arn, '', partition)}")
        return ""
    read = target_key(wizard, slot, arn)
    kept = get_target_key(spec, slot) if arn == get_target(spec, slot) else ""
    default = read if read is not None else kept

    def validate(value: str) -> bool | str:
        value = value.strip()
        return True if not value else target_problem(slot, arn, partition, value) or True

    key = wizard.text(
        f"{label}: its KMS key ARN, if encrypted with a customer managed key (optional):",
        default=default,
        validate=validate,
    ).strip()
    if key and key != read:  # a read key was said with what it adds already
        wizard.say(f"{arn}: {key_note(slot, arn, key, partition)}")
    return key


def target_key(wizard: PlainWizard, slot: str, arn: str) -> str | None:
    """The customer managed key the target is encrypted with, read from AWS as a resource
    entry's is (:meth:`Discoverer.target_kms_key`) and said with what it adds (or why no grant
    is needed); None (the spec keeps what it holds) without a session, or when it cannot be
    read (said)."""
    disc = wizard.discoverer
    partition = wizard.spec_.partition
    if not arn or disc is None:
        return None
    kind = key_to_read(slot, arn, partition)
    if kind is None:  # a type that takes no key (:func:`ask_target_key` says why)
        return None
    read = getattr(disc, "target_kms_key", None)
    if read is None:
        return None
    try:
        key = str(read(kind, arn))
    except Exception as exc:  # any AWS error: the target as typed, said
        wizard.say(
            f"could not read how {arn} is encrypted: {one_line(exc)}; if it uses a customer "
            "managed key, type its ARN next"
        )
        return None
    wizard.say(f"{arn}: {key_note(slot, arn, key, partition)}")
    return key if key and not target_problem(slot, arn, partition, key) else ""
