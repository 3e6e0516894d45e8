"""Step 2: the resources the function touches — picked from what the account holds (a
checkbox; S3 buckets and their prefixes drilled into) or typed by name or ARN; custom actions
on explicit resources; removing one. Every entry is checked with :func:`check_entry`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from questionary import Choice

from wizard.catalog.kinds import FieldSpec, Kind
from wizard.entries import (
    SECRET_FIELD,
    check_actions,
    check_entry,
    discovered_with_fields,
    entry_from_discovered,
    entry_label,
    field_questions,
    missing_fields,
    primary_field,
)
from wizard.errors import UserError
from wizard.plain.prompts import BY_HAND, one_line, split_list
from wizard.spec import ResourceEntry, arn_field_values, field_problem

if TYPE_CHECKING:
    from wizard.plain.app import PlainWizard


def choose(wizard: PlainWizard) -> tuple[str, list[ResourceEntry]] | None:
    """Ask for a kind, then its resources: (the kind, the entries), or None for none."""
    choices = [Choice(f"{name}: {k.title}", value=name) for name, k in wizard.cat.kinds.items()]
    kind_name = wizard.select("Resource kind (type to filter):", choices, search=True)
    kind = wizard.cat.kinds[kind_name]
    if kind_name == "custom":
        custom = ask_custom(wizard)
        entries = [custom] if custom is not None else []
    elif kind_name == "s3-prefix":
        entries = choose_s3(wizard, kind)
    else:
        entries = choose_resources(wizard, kind_name, kind)
    return (kind_name, entries) if entries else None


def discovered(wizard: PlainWizard, kind_name: str) -> list[Any]:
    """The account's resources of a kind; [] (with one line said) when listing fails."""
    disc = wizard.discoverer
    if disc is None:
        return []
    try:
        if not disc.supports(kind_name):
            return []
        wizard.say(f"listing {kind_name} resources ...")
        return list(disc.list(kind_name))
    except Exception as exc:  # any listing error: say it, then type by hand
        wizard.say(f"could not list {kind_name}: {one_line(exc)}; type the name or ARN")
        return []


def _title(item: Any) -> str:
    """A discovered resource's line: its name, and its alias where it has one (KMS keys) or
    its title (an API's name, an access point's file system)."""
    detail = getattr(item, "detail", None)
    alias = (detail.get("alias") or detail.get("title")) if isinstance(detail, dict) else None
    return f"{item.name} ({alias})" if alias else str(item.name)


def choose_resources(wizard: PlainWizard, kind_name: str, kind: Kind) -> list[ResourceEntry]:
    found = discovered(wizard, kind_name)
    if found:
        choices = [
            Choice(_title(d), value=i, description=str(d.arn or "")) for i, d in enumerate(found)
        ]
        picked = wizard.checkbox(
            f"{kind.title} ({len(found)} found):",
            choices,
            instruction="(space selects, type to filter, Enter with none selected to type "
            "a name or ARN)",
        )
        entries = [e for e in (from_discovered(wizard, kind_name, found[i]) for i in picked) if e]
        if entries or picked:
            return entries
    return [ask_manual(wizard, kind_name, kind)]


def from_discovered(wizard: PlainWizard, kind_name: str, item: Any) -> ResourceEntry | None:
    """The entry for a picked resource, with the customer managed key it is encrypted with
    (read from AWS), or None (said) when the spec cannot take it."""
    item = with_kms_key(wizard, item)
    try:
        entry = entry_from_discovered(kind_name, item)
    except UserError as exc:
        problem = exc.detail
    else:
        problem = check_entry(wizard.spec_, entry)
        if problem is None:
            return entry
        if missing_fields(entry):  # the listing names it; the rest is typed
            wizard.say(f"{entry_label(entry)}: {problem}")
            typed = ask_rest(wizard, entry, skip={"kms_key"})  # the key is read from AWS
            if typed is not None:
                return with_secret_key(wizard, typed, item)
            problem = "not added"
    wizard.say(f"skipped {getattr(item, 'name', '') or getattr(item, 'arn', '')}: {problem}")
    return None


def with_secret_key(wizard: PlainWizard, entry: ResourceEntry, item: Any) -> ResourceEntry:
    """``entry`` with the key its typed ``secret`` is encrypted with (a broker's or cluster's
    credentials secret, read from AWS once typed), or as it is."""
    if entry.field_values().get("kms_key") or not entry.field_values().get(SECRET_FIELD):
        return entry
    key = getattr(with_kms_key(wizard, discovered_with_fields(item, entry)), "detail", {})
    if not key.get("kms_key"):
        return entry
    keyed = ResourceEntry(**entry.model_dump(exclude_none=True), kms_key=key["kms_key"])
    problem = check_entry(wizard.spec_, keyed)
    if problem:
        wizard.say(f"{entry_label(entry)}: its key {key['kms_key']}: {problem}")
        return entry
    return keyed


def with_kms_key(wizard: PlainWizard, item: Any) -> Any:
    """``item`` with the key it is encrypted with (:meth:`Discoverer.with_kms_key`), said
    when there is one; as it is (and said) when its settings cannot be read."""
    disc = wizard.discoverer
    if disc is None or not hasattr(item, "kind"):
        return item
    try:
        item = disc.with_kms_key(item)
    except Exception as exc:  # any AWS error: the entry without a key, said
        wizard.say(f"could not read how {item.name} is encrypted: {one_line(exc)}")
        return item
    if item.detail.get("kms_key"):
        wizard.say(
            f"{item.name} is encrypted with {item.detail['kms_key']}: its KMS grant is added"
        )
    return item


def ask_manual(wizard: PlainWizard, kind_name: str, kind: Kind) -> ResourceEntry:
    """An entry typed by hand: its main field or its ARN, then every other field the kind
    declares (beside an ARN, those it does not carry, its ``kms_key`` among them)."""
    spec = wizard.spec_
    field = primary_field(kind)
    assert field is not None
    fspec = kind.fields[field]

    or_arn = " or ARN" if kind.arn else ""  # a metrics namespace has no ARN

    def validate(value: str) -> bool | str:
        value = value.strip()
        if not value:
            return f"enter the {fspec.help}{or_arn.replace('or', 'or an')}"
        if value.startswith("arn:"):
            entry = ResourceEntry(kind=kind_name, arn=value)
            problem = check_entry(spec, entry)
            if problem and arn_field_values(kind_name, value) is not None:
                # an ARN of the kind that does not carry every field: the rest is asked next
                problem = None if missing_fields(entry) else problem
            return problem or True
        return field_problem(fspec, value) or True

    value = wizard.text(f"{kind.title}: {fspec.help}{or_arn}:", validate=validate)
    given = {"arn": value} if value.startswith("arn:") else {field: value}
    entry = ask_rest(wizard, ResourceEntry(kind=kind_name, **given))
    return entry if entry is not None else ask_manual(wizard, kind_name, kind)


def ask_rest(
    wizard: PlainWizard, entry: ResourceEntry, *, skip: frozenset[str] | set[str] = frozenset()
) -> ResourceEntry | None:
    """``entry`` with the other fields its kind declares asked for (all but those it gives,
    those its ARN carries and ``skip``), or None (said) when the spec cannot take it."""
    kind = wizard.cat.kinds[entry.kind]
    values = entry.field_values()
    # the domain's questions, as the wizard's Fields dialog shows them: an alternative (an S3
    # entry's exact ``key`` instead of its ``prefix``) only while what it replaces is empty
    for question in field_questions(entry.kind, entry.arn or ""):
        name, ospec = question.name, question.spec
        if name not in values and name not in skip and question.wanted(values):
            values[name] = ask_field(
                wizard, ospec.help, ospec, default=ospec.default or "", prompt=question.label
            )
    values = {k: v for k, v in values.items() if v and v != (kind.fields[k].default or "")}
    extra = {k: v for k, v in (("arn", entry.arn), ("access", entry.access)) if v}
    typed = ResourceEntry(kind=entry.kind, **extra, **values)
    problem = check_entry(wizard.spec_, typed)
    if problem:  # the patterns passed, so this is a rule of the whole entry; say it
        wizard.say(problem)
        return None
    return typed


def ask_field(
    wizard: PlainWizard, label: str, fspec: FieldSpec, *, default: str = "", prompt: str = ""
) -> str:
    """One field's value, checked by the domain's :func:`field_problem`; ``prompt`` (a
    :attr:`FieldQuestion.label`) replaces the one made from ``label``."""

    def validate(value: str) -> bool | str:
        value = value.strip()
        if not value:
            return True if not fspec.required else f"enter the {label}"
        return field_problem(fspec, value) or True

    optional = "" if fspec.required else " (optional)"
    prompt = prompt or f"{label[:1].upper()}{label[1:]}{optional}"
    return wizard.text(f"{prompt}:", default=default, validate=validate)


def choose_s3(wizard: PlainWizard, kind: Kind) -> list[ResourceEntry]:
    found = discovered(wizard, "s3-prefix")
    bucket = BY_HAND
    if found:
        choices = [Choice(str(d.name), value=str(d.name)) for d in found]
        choices.append(Choice("type a bucket name or ARN", value=BY_HAND))
        bucket = wizard.select(
            f"Bucket ({len(found)} found, type to filter):", choices, search=True
        )
    if bucket != BY_HAND:  # a listed bucket can be one a spec refuses (a legacy name)
        problem = check_entry(wizard.spec_, ResourceEntry(kind="s3-prefix", bucket=bucket))
        if problem is not None:
            wizard.say(problem)
            bucket = BY_HAND
    if bucket == BY_HAND:
        return [ask_manual(wizard, "s3-prefix", kind)]
    listed = next((d for d in found if getattr(d, "name", None) == bucket), None)
    key = getattr(with_kms_key(wizard, listed), "detail", {}).get("kms_key") if listed else ""
    while True:
        prefix = choose_prefix(wizard, kind, bucket)
        fields = {"bucket": bucket, **({"prefix": prefix} if prefix else {})}
        fields |= {"kms_key": key} if key else {}
        entry = ResourceEntry(kind="s3-prefix", **fields)
        problem = check_entry(wizard.spec_, entry)
        if problem is None:  # a listed prefix can hold what a spec refuses (``${``)
            return [entry]
        wizard.say(problem)


def list_prefixes(wizard: PlainWizard, bucket: str, prefix: str) -> list[str]:
    """The prefixes one level below ``prefix`` in ``bucket``; [] when they cannot be listed."""
    disc = wizard.discoverer
    if disc is None:
        return []
    try:
        found = disc.list("s3-prefix", bucket=bucket, prefix=prefix or None)
        return [str(getattr(p, "name", p)) for p in found]
    except Exception as exc:  # any listing error: say it, then type the prefix
        wizard.say(f"could not list the prefixes of {bucket}: {one_line(exc)}")
        return []


def choose_prefix(wizard: PlainWizard, kind: Kind, bucket: str) -> str:
    """Drill down the bucket's prefixes (``Delimiter='/'``), or type one."""
    current = ""
    while True:
        subs = list_prefixes(wizard, bucket, current)
        if not subs:
            break
        whole = f"all of {current}" if current else "the whole bucket"
        choices = [Choice(whole, value=("use", current))]
        choices += [Choice(sub, value=("open", sub)) for sub in subs]
        choices.append(Choice("type a prefix", value=BY_HAND))
        picked = wizard.select(
            f"Prefix in {bucket} (type to filter; a prefix opens it):", choices, search=True
        )
        if picked == BY_HAND:
            current = ""
            break
        how, current = picked
        if how == "use":
            return current
    if current:
        return current
    label = "key prefix such as incoming/, empty for the whole bucket"
    return ask_field(wizard, label, kind.fields["prefix"])


def ask_custom(wizard: PlainWizard) -> ResourceEntry | None:
    """The custom entry typed, or None when its resources are left empty (a way out when the
    role cannot take the actions yet: the envelope boundary denies them, say)."""
    spec = wizard.spec_
    actions = split_list(
        wizard.text(
            "Actions (comma-separated):",
            validate=lambda value: check_actions(split_list(value)) or True,
            instruction="(such as ses:SendEmail, ses:SendRawEmail)",
        )
    )

    def check_resources(value: str) -> bool | str:
        resources = split_list(value)
        if not resources:
            return True  # cancels
        entry = ResourceEntry(kind="custom", actions=actions, resources=resources)
        return check_entry(spec, entry) or True

    resources = split_list(
        wizard.text(
            "Resources (comma-separated ARNs):",
            validate=check_resources,
            instruction="(* only for actions without resource-level permissions; "
            "empty adds nothing)",
        )
    )
    if not resources:
        wizard.say("nothing added")
        return None
    return ResourceEntry(kind="custom", actions=actions, resources=resources)


def remove_resource(wizard: PlainWizard) -> None:
    spec = wizard.spec_
    choices = [Choice(entry_label(e), value=i) for i, e in enumerate(spec.resources)]
    choices.append(Choice("keep them all", value=-1))
    picked = wizard.select("Remove which resource?", choices)
    if picked >= 0:
        spec.resources = [e for i, e in enumerate(spec.resources) if i != picked]
