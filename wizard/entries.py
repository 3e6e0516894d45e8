"""Resource entries: the one check, label, identity and discovered-resource conversion that
every front (the wizard, plain mode, the CLI) uses for a spec's ``resources`` entries.

Domain code: no textual, questionary or boto3. A discovered resource is taken as the plain
object :mod:`wizard.aws.discover` yields (``name``, ``arn``, ``detail``) or a dict of the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, is_dataclass, replace
from typing import Any

from wizard.catalog.kinds import FieldSpec, Kind, catalog
from wizard.errors import UserError
from wizard.spec import (
    ResourceEntry,
    RoleSpec,
    action_shape_problem,
    arn_field_values,
    resolve_resources,
)
from wizard.text import count

EntryKey = tuple[str, tuple[tuple[str, str], ...]]


def _detail(message: str, index: int) -> str:
    """A resolver/composer message about ``resources[index]`` without that prefix."""
    text = re.sub(rf"^resources\[{index}\]\.?", "", message).lstrip(": ")
    return text or message


def check_entry(spec: RoleSpec, entry: ResourceEntry) -> str | None:
    """Why ``entry`` cannot join ``spec``, or None when it can: the same rules ``build``
    applies — the kind's field patterns, no ``${`` in names, the ARN parsed by the kind, no
    contradiction with the spec's account/region/partition, custom actions the IAM reference
    knows — and the spec must still compose with it (quotas, the envelope's denies)."""
    from wizard.policy.compose import compose

    try:
        resolve_resources(spec.model_copy(update={"resources": [entry]}))
    except UserError as exc:
        return _detail(exc.detail, 0)
    index = len(spec.resources)
    try:
        compose(spec.model_copy(update={"resources": [*spec.resources, entry]}))
    except UserError as exc:
        if exc.detail.startswith(f"resources[{index}]"):
            return _detail(exc.detail, index)
        try:  # a problem of the whole role: the entry's only when the spec composes without it
            compose(spec)
        except UserError:
            return None
        return f"with it the role would not build: {exc.detail}"
    return None


def check_actions(actions: list[str]) -> str | None:
    """Why a custom entry cannot grant ``actions`` (their shape, a whole service, an action the
    IAM reference does not know), or None; :func:`check_entry` checks them again with the
    resources."""
    from wizard.policy.compose import unknown_action_problem

    if not actions:
        return "enter at least one action, such as ses:SendEmail"
    for action in actions:
        if problem := action_shape_problem(action) or unknown_action_problem(action):
            return problem
    return None


def primary_field(kind: Kind) -> str | None:
    """The field a resource of this kind is named by (name, table, bucket, id)."""
    for name, fspec in kind.fields.items():
        if fspec.required:
            return name
    return next(iter(kind.fields), None)


@dataclass(frozen=True)
class FieldQuestion:
    """One field a front asks for an entry: its name, the catalog's field, and the fields it is
    the alternative of (an S3 entry's exact ``key`` instead of its ``prefix``: the kind's
    ``excludes``)."""

    name: str
    spec: FieldSpec
    instead_of: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The one label of the question: ``key (optional, instead of prefix): one object's
        key ...``."""
        notes = [] if self.spec.required else ["optional"]
        if self.instead_of:
            notes.append(f"instead of {' or '.join(self.instead_of)}")
        shown = f" ({', '.join(notes)})" if notes else ""
        return f"{self.name}{shown}: {self.spec.help}"

    def wanted(self, values: dict[str, str]) -> bool:
        """Whether to ask it, given the values so far: an alternative only while the fields
        it replaces are empty."""
        return not any((values.get(other) or "").strip() for other in self.instead_of)


def field_questions(kind_name: str, arn: str = "") -> list[FieldQuestion]:
    """The one rule of which fields a front asks for an entry of this kind, and how: every
    field in the catalog's order (beside ``arn``, those it does not carry: a key, a secret, a
    target role ...); a field that ``excludes`` others is asked as their alternative
    (:attr:`FieldQuestion.instead_of`), after them and only while they are empty
    (:meth:`FieldQuestion.wanted`). The wizard's Fields dialog shows these boxes with these
    labels; plain mode asks these questions."""
    kind = catalog().kinds[kind_name]
    carried = (arn_field_values(kind_name, arn) or {}) if arn else {}
    out = []
    for name, fspec in kind.fields.items():
        if name in carried:
            continue
        question = FieldQuestion(name, fspec, tuple(fspec.excludes))
        if arn and not question.wanted(carried):
            continue  # the ARN names what it replaces
        out.append(question)
    return out


def fields_to_type(kind_name: str, arn: str = "") -> list[str]:
    """The names of :func:`field_questions`: the fields a person types for an entry of this
    kind, in the catalog's order: all of them, or beside ``arn`` those it does not carry."""
    return [q.name for q in field_questions(kind_name, arn)]


def missing_fields(entry: ResourceEntry) -> list[str]:
    """The required fields of the entry's kind it leaves out (beside its ARN, those the ARN
    does not carry): what a front asks for next, as a listed schedule group's target role."""
    kind = catalog().kinds.get(entry.kind)
    if kind is None:
        return []
    given = entry.field_values()
    return [
        name
        for name in fields_to_type(entry.kind, entry.arn or "")
        if kind.fields[name].required and not given.get(name)
    ]


def entry_from_typed(kind_name: str, values: dict[str, str]) -> ResourceEntry | None:
    """The entry the values typed for a kind make (``arn`` and its fields; empty ones left
    out), or None when nothing is typed. :func:`check_entry` says whether the spec takes it."""
    given = {k: v.strip() for k, v in values.items() if v and v.strip()}
    if not given:
        return None
    arn = given.pop("arn", None)
    return ResourceEntry(kind=kind_name, **({"arn": arn} if arn else {}), **given)


def entry_label(entry: ResourceEntry) -> str:
    """The one human label of an entry: ``dynamodb-table Orders``, ``s3-prefix
    uploads/incoming/``, ``custom: ses:SendEmail on 1 resource``. An entry given by ARN is
    named by the fields its ARN holds where the kind can read them, else by the ARN."""
    if entry.kind == "custom":
        actions = entry.actions or []
        what = actions[0] if len(actions) == 1 else count(len(actions), "action")
        return f"custom: {what} on {count(len(entry.resources or []), 'resource')}"
    fields = {k: v for k, v in entry.field_values().items() if v}
    kind = catalog().kinds.get(entry.kind)
    if entry.arn and kind is not None:
        parsed = kind.parse_arn(entry.arn) or {}
        fields = {k: v for k, v in parsed.items() if k in kind.fields and v} | fields
        if kind.service == "ssm" and "param" in parsed:
            fields.setdefault("name", "/" + parsed["param"])
    main = primary_field(kind) if kind is not None else None
    if main is None or main not in fields:
        return f"{entry.kind} {entry.arn or ', '.join(f'{k}={v}' for k, v in fields.items())}"
    name = fields[main]
    if entry.kind == "s3-prefix" and (fields.get("prefix") or fields.get("key")):
        name = f"{name}/{fields.get('prefix') or fields['key']}"
    return f"{entry.kind} {name}"


def entry_key(entry: ResourceEntry) -> EntryKey:
    """The identity used to de-duplicate entries: the kind and the fields and ARN given
    (empty fields left out), not the access profile nor the key it is encrypted with."""
    values = {k: v for k, v in entry.field_values().items() if v and k != "kms_key"}
    if entry.arn:
        values["arn"] = entry.arn
    if entry.kind == "custom":
        values["actions"] = ",".join(entry.actions or [])
        values["resources"] = ",".join(entry.resources or [])
    return entry.kind, tuple(sorted(values.items()))


def _get(item: Any, name: str) -> Any:
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


# A kind that reads a credentials secret (mq-broker, rds-data-cluster) is encrypted with that
# secret's key: its ``secret`` field, typed after the resource is picked, says which.
SECRET_FIELD = "secret"


def discovered_with_fields(item: Any, entry: ResourceEntry) -> Any:
    """``item`` (a listed resource) with what its entry's typed fields say about how it is
    encrypted: the ``secret`` of a kind whose key is its secret's, in ``item.detail`` (where
    :meth:`Discoverer.with_kms_key` reads it). Other items come back as they are."""
    secret = entry.field_values().get(SECRET_FIELD)
    if not secret or not is_dataclass(item) or isinstance(item, type):
        return item
    return replace(item, detail={**(getattr(item, "detail", None) or {}), SECRET_FIELD: secret})


def entry_from_discovered(kind_name: str, item: Any) -> ResourceEntry:
    """The entry naming a discovered resource, the same way in every front: by the kind's
    fields where they name it exactly (portable across accounts: a table's name, a bucket and
    prefix, a key's id, a stream's table and label), else by its ARN (a legacy name the kind's
    pattern refuses, a stream without its label); with the customer managed key it is
    encrypted with (``detail["kms_key"]``, :meth:`Discoverer.with_kms_key`) where the kind
    takes one. UserError when it has neither."""
    kind = catalog().kinds[kind_name]
    detail = dict(_get(item, "detail") or {})
    if isinstance(item, dict):  # a flat dict (``Discovered.to_dict()``) holds its detail
        detail |= {k: v for k, v in item.items() if k not in ("kind", "name", "arn", "detail")}
    name = str(_get(item, "name") or "")
    arn = str(_get(item, "arn") or "")
    fields: dict[str, str] = {}
    if kind_name == "s3-prefix":
        fields = {"bucket": str(detail.get("bucket") or name)}
        if detail.get("prefix"):
            fields["prefix"] = str(detail["prefix"])
    elif kind_name == "dynamodb-stream":
        if detail.get("label"):  # without its label the fields would name every stream
            fields = {"table": str(detail.get("table") or name), "label": str(detail["label"])}
    else:  # the name, and the kind's other fields where the listing gave them (EFS's ids)
        field = (kind.discovery.field if kind.discovery else None) or primary_field(kind)
        fields = {field: name} if field and name else {}
        fields |= {
            k: str(v) for k, v in detail.items() if k in kind.fields and k != "kms_key" and v
        }
    key = {"kms_key": str(detail["kms_key"])} if detail.get("kms_key") else {}
    if key and "kms_key" not in kind.fields:
        key = {}
    if fields and all(v and kind.fields[k].check(v) for k, v in fields.items()):
        return ResourceEntry(kind=kind_name, **fields, **key)
    if arn:
        return ResourceEntry(kind=kind_name, arn=arn, **key)
    if fields:
        return ResourceEntry(kind=kind_name, **fields, **key)  # check_entry says what is wrong
    raise UserError(f"the discovered {kind_name} has neither a name nor an ARN")
