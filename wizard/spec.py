"""The role spec: what the user chose. The file format (``role.yaml``) and the one model every
front end produces and every back end reads.

Loading keeps the YAML line of every value, so a bad spec is refused with
``FILE:LINE: where: what`` and never a traceback.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from wizard.catalog.kinds import Catalog, FieldSpec, Kind, catalog, kms_key_field, render
from wizard.errors import UserError
from wizard.lazyre import lazy
from wizard.limits import MAX_SPEC_BYTES, LimitedLoader, compose_yaml, read_text
from wizard.policy.managed import managed_policy_index

if TYPE_CHECKING:
    from wizard.appspec import AppSpec

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
# Text only: YAML's other scalars (``!!binary``, numbers, dates, booleans) are refused, not
# turned into text (``0123`` is the number 83 in YAML 1.1; a list would become "['list']").
Text = Annotated[str, Strict()]
ACCOUNT_RE = re.compile(r"^\d{12}$")
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
FUNCTION_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ROLE_NAME_RE = lazy(r"^[\w+=,.@-]{1,64}$", re.ASCII)
# IAM's rule for a managed policy's name (CreatePolicy's PolicyName)
POLICY_NAME_RE = lazy(r"^[\w+=,.@-]{1,128}$", re.ASCII)


def policy_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a customer-managed policy (the deployer policy), or None."""
    if POLICY_NAME_RE.fullmatch(name):
        return None
    return f"policy name {name!r} must be 1-128 characters of letters, digits and +=,.@_-"


ROLE_PATH_RE = lazy(r"^/([\x21-\x7e]*/)?$")
POLICY_ARN_RE = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy/([\x21-\x7e]+/)?[\w+=,.@-]{1,128}$"
)
ARN_RE = lazy(r"^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws)?:(.+)$")

# Open values in composed policies: CloudFormation's pseudo parameters (Fn::Sub syntax).
OPEN_ACCOUNT = "${AWS::AccountId}"
OPEN_REGION = "${AWS::Region}"

# IAM reads ``${...}`` in a policy's resources and condition values as a policy variable
# (``${aws:username}``, ``${aws:PrincipalTag/team}``), so a name that goes into an ARN must not
# contain ``${``: ``prefix: "${aws:PrincipalTag/x}/"`` would grant keys other than the one named.
POLICY_VARIABLE = "${"


# Control characters (C0, DEL, C1): a NUL or a newline in a name, a prefix, a description or a
# tag is never meant and breaks every line the value is printed on.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_problem(value: str) -> str | None:
    """Why ``value`` cannot be spec text because of a control character, or None."""
    m = _CONTROL_RE.search(value)
    if m:
        return f"{value!r} contains the control character {m.group()!r}"
    return None


# Role description. IAM (botocore's iam model, roleDescriptionType; CreateRole in the IAM API
# Reference): at most 1,000 of [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]. We also refuse
# the tab, line feed and carriage return IAM allows, so a description stays one line.
DESCRIPTION_RE = lazy(r"^[\u0020-\u007e\u00a1-\u00ff]{0,1000}$")
# Tags. IAM (botocore's iam model, tagKeyType and tagValueType; "Tagging IAM resources" in the
# IAM User Guide): keys 1-128 and values 0-256 of [\p{L}\p{Z}\p{N}_.:/=+\-@]. Of \p{Z} we take
# the space separators (Zs) only: IAM's line and paragraph separators (Zl, Zp) break lines.
TAG_PUNCTUATION = frozenset("_.:/=+-@")


def tag_text_problem(value: str) -> str | None:
    """Why ``value`` is not IAM tag text (letters, digits, spaces and ``_.:/=+-@``), or None."""
    for char in value:
        if char in TAG_PUNCTUATION or unicodedata.category(char)[0] in "LN":
            continue
        if unicodedata.category(char) == "Zs":
            continue
        return f"{value!r} contains {char!r}; IAM tags take letters, digits, spaces and _ . : / = + - @"
    return None


def policy_variable_problem(value: str) -> str | None:
    """Why ``value`` cannot be put into a policy's ARN as it is, or None."""
    if POLICY_VARIABLE in value:
        return (
            f"{value!r} contains '${{', which a policy would read as an IAM policy variable, "
            "widening the grant"
        )
    return None


BoundaryChoice = str  # envelope | strict | none | a policy ARN


class BoundaryOption(NamedTuple):
    """One way to bound the role: ``key`` (the spec's value; ``arn`` stands for an existing
    policy's ARN), a short ``title`` for a choice list and a one-sentence ``description``."""

    key: str
    title: str
    description: str


# The boundary choices and their wording: the wizard's options step and plain mode show these.
BOUNDARY_CHOICES: tuple[BoundaryOption, ...] = (
    BoundaryOption(
        "envelope",
        "envelope: catalog kinds",
        "The catalog's actions of the services and access levels the function uses, in this "
        "account and region; privilege escalation denied.",
    ),
    BoundaryOption("strict", "strict: identity policy", "Exactly what the identity policy grants."),
    BoundaryOption("none", "none: no boundary", "No permissions boundary."),
    BoundaryOption(
        "arn",
        "existing policy (ARN)",
        "A boundary policy that already exists, by its ARN "
        "(arn:aws:iam::123456789012:policy/NAME).",
    ),
)
NAMED_BOUNDARIES = ("envelope", "strict", "none")


def boundary_key(boundary: str) -> str:
    """The :data:`BOUNDARY_CHOICES` key a spec's ``boundary`` value stands for."""
    return boundary if boundary in NAMED_BOUNDARIES else "arn"


# Empty lists and dicts are plain defaults, not ``Field(default_factory=list)``: pydantic copies a
# mutable default for each instance, and a builtin factory makes it read the builtin's signature
# through ``tokenize``, whose first use compiles a large regex (~5 ms of every `build`).
class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RoleOptions(_Model):
    name: Text | None = None
    path: Text = "/"
    description: Text | None = None
    tags: dict[Text, Text] = {}  # copied for each instance (see _Model)

    @field_validator("description")
    @classmethod
    def _description(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if problem := control_problem(value):
            raise ValueError(f"description {problem}")
        if not DESCRIPTION_RE.fullmatch(value):
            bad = next((c for c in value if not DESCRIPTION_RE.fullmatch(c)), "")
            raise ValueError(
                f"description must be at most 1,000 characters of printable ASCII and Latin-1 "
                f"(IAM's rule){f'; {bad!r} is not one' if bad else ''}"
            )
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and len(value) > 64:
            raise ValueError(f"role name {value!r} is {len(value)} characters; IAM allows 64")
        if value is not None and not ROLE_NAME_RE.fullmatch(value):
            raise ValueError(
                f"role name {value!r} must be 1-64 characters of ASCII letters, digits and +=,.@_-"
            )
        return value

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if len(value) > 512 or not ROLE_PATH_RE.fullmatch(value):
            raise ValueError(
                f"role path {value!r} must start and end with / (at most 512 characters)"
            )
        problem = policy_variable_problem(value)  # the path is part of the role's ARN (PassRole)
        if problem:
            raise ValueError(f"role path {problem}")
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        if len(value) > 50:
            raise ValueError(f"a role takes at most 50 tags, not {len(value)}")
        out = {}
        for key, val in value.items():
            if not isinstance(key, str):
                raise ValueError(f"tag key {key!r} must be text (quote it)")
            if val is None:
                val = ""
            if not isinstance(val, str):
                raise ValueError(f"tag {key!r}: the value {val!r} must be text (quote it)")
            if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
                raise ValueError(
                    f"tag key {key!r} must be 1-128 characters and not start with aws:"
                )
            if len(val) > 256:
                raise ValueError(f"tag {key!r}: the value is longer than 256 characters")
            for text, what in ((key, "tag key"), (val, f"tag {key!r}: the value")):
                if problem := tag_text_problem(text):
                    raise ValueError(f"{what} {problem}")
            out[key] = val
        return out


class ResourceEntry(BaseModel):
    """One chosen resource: a kind, an access profile, and the kind's fields or a full ARN."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    kind: Text
    access: Text | None = None
    arn: Text | None = None
    actions: list[Text] | None = None
    resources: list[Text] | None = None

    @model_validator(mode="after")
    def _text_fields(self) -> ResourceEntry:
        for key, value in (self.model_extra or {}).items():
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{key}: {value!r} must be text (quote it)")
        for key in ("kind", "access", "arn"):
            value = getattr(self, key)
            if value is not None and (problem := control_problem(value)):
                raise ValueError(f"{key}: {problem}")
        for key in ("actions", "resources"):
            for value in getattr(self, key) or ():
                if problem := control_problem(value):
                    raise ValueError(f"{key}: {problem}")
        return self

    def field_values(self) -> dict[str, str]:
        """The kind-specific fields given (``name``, ``bucket``, ``prefix`` ...)."""
        extra = self.model_extra or {}
        return {k: ("" if v is None else str(v)) for k, v in extra.items()}


class EncryptedTarget(_Model):
    """A target given with its key (``dead_letter: {arn: ..., kms_key: ...}``): the queue,
    topic or bucket is encrypted with that customer managed KMS key. A target is either this or
    the plain ARN; :mod:`wizard.targets` reads both the same way."""

    arn: Text
    kms_key: Text | None = None

    @field_validator("kms_key")
    @classmethod
    def _no_key(cls, value: str | None) -> str | None:
        return value or None  # `kms_key: ""` is no key, as a resource's


def _target_form(value: Any) -> str | None:
    if isinstance(value, str):
        return "Arn"
    return "Encrypted" if isinstance(value, dict | EncryptedTarget) else None


# A role-wide target: its ARN, or the ARN with the key it is encrypted with. (The tags are
# capitalised so that error locations leave them out: ``dead_letter.kms_key``.)
TargetValue = Annotated[
    Annotated[Text, Tag("Arn")] | Annotated[EncryptedTarget, Tag("Encrypted")],
    Discriminator(
        _target_form,
        custom_error_type="target_form",
        custom_error_message="a target is an ARN, or {arn: ARN, kms_key: KEY ARN}",
    ),
]


class Destinations(_Model):
    """Where Lambda sends a record of each invocation (``destinations:`` of a spec): the ARN
    of a queue, topic, function or event bus, or for failures a bucket. Checked, and granted,
    by :mod:`wizard.targets`."""

    on_success: TargetValue | None = None
    on_failure: TargetValue | None = None


class RoleSpec(_Model):
    function: Text
    account: str | None = None
    region: Text | None = None
    partition: Literal["aws", "aws-cn", "aws-us-gov"] = "aws"
    role: RoleOptions = Field(default_factory=RoleOptions)
    boundary: Annotated[BoundaryChoice, Strict()] = "envelope"
    logs: Annotated[bool, Strict()] = True
    tracing: Annotated[bool, Strict()] = False
    vpc: Annotated[bool, Strict()] = False
    deployer: Annotated[bool, Strict()] = True
    managed_policies: list[Text] = []
    resources: list[ResourceEntry] = []
    dead_letter: TargetValue | None = None  # an SQS queue's or SNS topic's (wizard.targets)
    destinations: Destinations = Field(default_factory=Destinations)
    deployer_policy: Text | None = None  # the deployer policy's name (default ROLE-deployer)

    @field_validator("function")
    @classmethod
    def _function(cls, value: str) -> str:
        if not FUNCTION_RE.fullmatch(value):
            raise ValueError(
                f"function name {value!r} must be 1-64 characters of letters, digits, - and _"
            )
        return value

    @field_validator("account", mode="before")
    @classmethod
    def _account(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError(
                'quote the account id ("012345678901"): as a number it loses leading zeros'
            )
        if value is not None and not (isinstance(value, str) and ACCOUNT_RE.fullmatch(value)):
            raise ValueError(f"account {value!r} must be 12 digits")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and not REGION_RE.fullmatch(value):
            raise ValueError(f"region {value!r} is not an AWS region name such as us-east-1")
        return value

    @field_validator("deployer_policy")
    @classmethod
    def _deployer_policy(cls, value: str | None) -> str | None:
        if value is not None and (problem := policy_name_problem(value)):
            raise ValueError(f"deployer_policy: {problem}")
        return value

    @field_validator("boundary")
    @classmethod
    def _boundary(cls, value: str) -> str:
        if value in NAMED_BOUNDARIES or POLICY_ARN_RE.fullmatch(value):
            return value
        raise ValueError(
            f"boundary {value!r} must be envelope, strict, none or a policy ARN "
            "(arn:aws:iam::123456789012:policy/NAME)"
        )

    @property
    def role_name(self) -> str:
        return self.role.name or f"{self.function}-role"[:64]

    def to_yaml(self) -> str:
        """The spec as the YAML text of a ``role.yaml``: the one spec writer (files, drafts,
        plain mode). Defaults are left out; any text a YAML 1.1 or 1.2 reader would take for
        another type (``"012345678901"``, ``"yes"``, ``"1e3"``, ``"null"``, dates) is quoted, so
        ``load_spec_text(spec.to_yaml())`` gives this spec back."""
        return spec_yaml(self.dump())

    def dump(self) -> dict[str, Any]:
        """The spec as plain data for YAML, with defaults left out."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        data["function"] = self.function
        if self.resources:
            data["resources"] = [_entry_data(r) for r in self.resources]
        return data


# --------------------------------------------------------------------------- writing YAML

# Plain scalars some YAML reader resolves to a type other than text. YAML 1.1 (PyYAML's
# resolver below, plus y/n and 0b/0x/0o/sexagesimal shapes) and the YAML 1.2 core schema
# (numbers with leading zeros, 1e3, .inf, true/false/null in any case).
_OTHER_TYPE_WORDS = frozenset(
    [
        "y",
        "n",
        "yes",
        "no",
        "on",
        "off",
        "true",
        "false",
        "null",
        "~",
        ".inf",
        "-.inf",
        "+.inf",
        ".nan",
        "=",
        "<<",
    ]
)
_NUMBER_LIKE = lazy(r"^[-+]?(\.?[0-9]|\.(inf|nan)$)", re.IGNORECASE)
_DATE_LIKE = lazy(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_RESOLVER = yaml.resolver.Resolver()  # PyYAML's YAML 1.1 implicit types


def needs_quotes(value: str) -> bool:
    """Whether ``value`` written plain would be read back by a YAML 1.1 or 1.2 reader as
    something other than this text (a number, boolean, null or date)."""
    if not value or value.lower() in _OTHER_TYPE_WORDS:
        return True
    if _NUMBER_LIKE.match(value) or _DATE_LIKE.match(value):
        return True
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str"


class _SpecDumper(yaml.SafeDumper):
    """Writes a spec's text so that every reader reads it back as text."""


_LINE_BREAKS = lazy("[\n\r\x85\u2028\u2029]")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Line breaks go escaped in double quotes: PyYAML's other styles fold them, and it writes
    # NEL (U+0085) raw into single quotes, where a reader takes it for a line break.
    style = '"' if needs_quotes(value) or _LINE_BREAKS.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_SpecDumper.add_representer(str, _represent_str)


def spec_yaml(data: dict[str, Any]) -> str:
    """Spec data (:meth:`RoleSpec.dump`) as YAML text every reader reads back as it is."""
    return yaml.dump(
        data,
        Dumper=_SpecDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=1000,
    )


def spec_yaml_with_entries(
    text: str, entries: list[ResourceEntry], comments: dict[int, str] | None = None
) -> str:
    """``text`` (a spec's YAML, as the user wrote it) with ``entries`` appended to its
    ``resources``: the user's comments, key order, quoting and indentation are kept (ruamel.yaml
    round-trip), and the new entries are written by :func:`spec_yaml`, the one writer that
    decides quoting, then spliced in as it wrote them. ``comments``: a comment for some of the
    new entries (by their index in ``entries``), at the end of the entry's first line."""
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.util import load_yaml_guess_indent

    def rt(sequence: int = 2, offset: int = 0, mapping: int = 2) -> YAML:
        loader = YAML()  # round-trip
        loader.preserve_quotes = True
        loader.width = 4096  # as spec_yaml: never fold a long line
        loader.indent(mapping=mapping, sequence=sequence, offset=offset)
        return loader

    _, sequence, offset = load_yaml_guess_indent(text)
    doc = rt().load(text)
    if not isinstance(doc, CommentedMap):
        raise UserError("the spec is not a mapping of fields")
    nested = [v for v in doc.values() if isinstance(v, CommentedMap) and v.fa.flow_style() is False]
    mapping = nested[0].lc.col if nested else 2
    resources = doc.get("resources")
    if isinstance(resources, CommentedSeq) and resources and not resources.fa.flow_style():
        sequence = resources[0].lc.col if hasattr(resources[0], "lc") else sequence
        offset = resources.lc.col
    sequence, offset = (sequence or 2, offset or 0)
    new = rt().load(spec_yaml({"resources": [_entry_data(e) for e in entries]}))["resources"]
    if not isinstance(resources, CommentedSeq):
        doc["resources"] = resources = CommentedSeq()
    resources.fa.set_block_style()  # one entry a line, each with its comment
    start = len(resources)
    resources.extend(new)
    for index, comment in (comments or {}).items():
        item = resources[start + index]  # on the entry's first line, after its first field
        item.yaml_add_eol_comment(comment, next(iter(item)))
    out = io.StringIO()
    rt(max(sequence, offset + 2), offset, mapping).dump(doc, out)
    return out.getvalue()


def _entry_data(entry: ResourceEntry) -> dict[str, Any]:
    return {k: v for k, v in entry.model_dump(mode="json").items() if v is not None}


# --------------------------------------------------------------------------- filling location


def fill_location(
    spec: RoleSpec,
    *,
    account: str | None = None,
    region: str | None = None,
    partition: str | None = None,
    source: str,
    ctx: SpecContext | None = None,
    region_is_default: bool = False,
) -> RoleSpec:
    """``spec`` with its open account, region and partition filled from ``source`` (a flag
    such as ``--region``, or ``the AWS session``); a value that contradicts the spec, or is not
    an account id / region / partition, is refused with a UserError naming ``source`` (and the
    spec's line, given ``ctx``). The partition counts as open when the spec does not set it.

    ``region_is_default``: a session's region is where its clients point, not a fact about the
    role (IAM is global), so it fills an open region and never contradicts the spec's."""
    shapes = {
        "account": (ACCOUNT_RE.fullmatch, "must be 12 digits"),
        "region": (REGION_RE.fullmatch, "is not an AWS region name such as us-east-1"),
        "partition": (PARTITIONS.__contains__, f"is not one of {', '.join(PARTITIONS)}"),
    }
    flag = source.startswith("-")
    updates: dict[str, str] = {}
    for name, value in (("account", account), ("region", region), ("partition", partition)):
        if value is None or (name == "region" and region_is_default and spec.region):
            continue
        check, shape = shapes[name]
        if not check(value):
            said = f"{source} {value!r}" if flag else f"{name} {value!r} from {source}"
            raise UserError(f"{said} {shape}")
        said = f"{source} {value}" if flag else f"{name} {value} from {source}"
        given = getattr(spec, name)
        if name == "partition" and name not in spec.model_fields_set:
            given = None  # the default, not the spec's choice
        if given and given != value:
            raise UserError(
                f"{said} contradicts the spec's {name} {given}",
                where=ctx.where((name,)) if ctx else None,
            )
        if given != value:
            updates[name] = value
    if not updates:
        return spec
    filled = spec.model_copy(deep=True)
    for name, value in updates.items():
        setattr(filled, name, value)  # validated assignment: marks the field as set
    return filled


def listing_mismatch(
    spec: RoleSpec, *, account: str | None, region: str | None = None
) -> str | None:
    """Why resources listed from ``account`` in ``region`` (an AWS session's) may not be the
    spec's, as one or two sentences; None when they agree or either side is open.

    A resource picked from a listing is named by its name (a table, a queue), and the spec's own
    account and region make its ARN: a table listed in one account or region becomes the ARN of
    a table in another, which may not exist. The fronts list from the spec's region and say
    this before the role is composed from what was picked, never silently."""
    differ = [
        (what, given, listed)
        for what, given, listed in (
            ("account", spec.account, account),
            ("region", spec.region, region),
        )
        if given and listed and given != listed
    ]
    if not differ:
        return None
    said = " and ".join(f"{what} is {given}" for what, given, _ in differ)
    listed = " and ".join(f"{what} {listed}" for what, _, listed in differ)
    whats = " and ".join(what for what, _, _ in differ)
    return (
        f"The spec's {said}, but resources are listed from {listed} (the AWS session's). "
        "A resource picked from that list may not exist where the role will run: check each "
        f"one, or correct the spec's {whats}."
    )


# --------------------------------------------------------------------------- resolution


class ResolvedResource(NamedTuple):
    """A resource entry checked against the catalog, with every template value filled."""

    index: int
    kind_name: str
    kind: Kind
    access: str
    values: dict[str, str]
    flags: frozenset[str]
    custom_actions: tuple[str, ...] = ()
    custom_resources: tuple[str, ...] = ()

    @property
    def arn(self) -> str:
        return self.values.get("arn", "")

    @property
    def label(self) -> str:
        if self.kind_name == "custom":
            return "custom: " + ", ".join(self.custom_actions)
        for key in ("name", "table", "bucket", "id"):
            if self.values.get(key):
                extra = self.values.get("prefix", "")
                return f"{self.kind_name} {self.values[key]}{('/' + extra) if extra and key == 'bucket' else ''}"
        return f"{self.kind_name} {self.arn}"


@dataclass
class SpecContext:
    """Where the spec came from, for messages that name the file and line."""

    source: str = "<spec>"
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def where(self, loc: tuple[Any, ...]) -> str:
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        line = self.lines.get(loc)
        return f"{self.source}:{line}" if line else self.source


def dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def resolve_resources(
    spec: RoleSpec, ctx: SpecContext | None = None, cat: Catalog | None = None
) -> list[ResolvedResource]:
    """Check every resource entry against the catalog and fill its template values."""
    ctx = ctx or SpecContext()
    cat = cat or catalog()
    return [_resolve(spec, i, entry, ctx, cat) for i, entry in enumerate(spec.resources)]


def _fail(ctx: SpecContext, loc: tuple[Any, ...], message: str) -> UserError:
    return UserError(f"{dotted(loc)}: {message}", where=ctx.where(loc))


def _resolve(
    spec: RoleSpec, i: int, entry: ResourceEntry, ctx: SpecContext, cat: Catalog
) -> ResolvedResource:
    base = ("resources", i)
    if entry.kind not in cat.kinds:
        raise _fail(
            ctx, (*base, "kind"), f"unknown kind {entry.kind!r} (known: {', '.join(cat.kinds)})"
        )
    kind = cat.kinds[entry.kind]
    access = entry.access or kind.default_access
    if access not in kind.profiles:
        raise _fail(
            ctx,
            (*base, "access"),
            f"unknown access profile {access!r} for {entry.kind} "
            f"(profiles: {', '.join(kind.profiles)})",
        )
    given = entry.field_values()
    unknown = sorted(set(given) - set(kind.fields))
    if unknown:
        allowed = ", ".join(["arn", *kind.fields]) if kind.arn else ", ".join(kind.fields)
        raise _fail(
            ctx,
            (*base, unknown[0]),
            f"unknown field {unknown[0]!r} for kind {entry.kind} (fields: {allowed or 'actions, resources'})",
        )
    if entry.kind == "custom":
        return _resolve_custom(spec, i, entry, kind, access, ctx)
    if entry.actions is not None or entry.resources is not None:
        raise _fail(
            ctx,
            (*base, "actions" if entry.actions is not None else "resources"),
            f"actions and resources belong to kind custom, not {entry.kind}",
        )

    values: dict[str, str] = {"Partition": spec.partition}
    if spec.region:
        values["Region"] = spec.region
    if spec.account:
        values["Account"] = spec.account
    fields = dict(given)
    if entry.arn is not None and not kind.parse_forms:
        names = ", ".join(kind.fields)
        raise _fail(ctx, (*base, "arn"), f"a {kind.title} has no ARN; give {names}")
    if entry.arn is not None:
        if problem := policy_variable_problem(entry.arn):
            raise _fail(ctx, (*base, "arn"), problem)
        parsed = kind.parse_arn(_without_secret_wildcard(entry.kind, entry.arn))
        if parsed is None or not ARN_RE.fullmatch(entry.arn):
            forms = " or ".join(_readable_form(f) for f in kind.parse_forms)
            raise _fail(
                ctx, (*base, "arn"), f"{entry.arn!r} is not an ARN of a {kind.title} ({forms})"
            )
        for key, label, mine in (
            ("Partition", "partition", spec.partition),
            ("Region", "region", spec.region),
            ("Account", "account", spec.account),
        ):
            theirs = parsed.get(key)
            if theirs and mine and theirs != mine:
                raise _fail(
                    ctx,
                    (*base, "arn"),
                    f"the ARN's {label} {theirs!r} contradicts the spec's {label} {mine!r}",
                )
            if key in parsed and not theirs and key != "Partition" and kind.service != "s3":
                raise _fail(ctx, (*base, "arn"), f"the ARN {entry.arn!r} has no {label}")
            if theirs:
                values[key] = theirs
        if parsed.get("Account") == "aws":
            raise _fail(
                ctx,
                (*base, "arn"),
                "the account 'aws' belongs to AWS managed policies only, not to a "
                f"{kind.title}; give the 12-digit account that owns it",
            )
        derived = _underive(entry.kind, parsed)
        for name, value in derived.items():
            if name in fields and fields[name] != value:
                raise _fail(
                    ctx,
                    (*base, name),
                    f"{name} {fields[name]!r} contradicts the ARN's {name} {value!r}",
                )
            fields[name] = value
    in_arn = kind.arn_fields
    for name, fspec in kind.fields.items():
        value = fields.get(name)
        if value in (None, ""):
            if fspec.required and entry.arn is None:
                raise _fail(
                    ctx,
                    base,
                    f"{entry.kind} needs {name!r} ({fspec.help}) or a full 'arn'",
                )
            if fspec.required and name not in in_arn:  # the ARN does not carry it
                raise _fail(
                    ctx, base, f"{entry.kind} needs {name!r} ({fspec.help}) besides its 'arn'"
                )
            value = fspec.default or ""
        if problem := field_problem(fspec, value):
            raise _fail(ctx, (*base, name), f"{name} {problem}")
        fields[name] = value
    for name, fspec in kind.fields.items():
        missing = [other for other in fspec.needs if fields[name] and not fields[other]]
        if missing:
            raise _fail(
                ctx,
                (*base, name),
                f"{name} needs {missing[0]!r} too ({kind.fields[missing[0]].help})",
            )
        both = [other for other in fspec.excludes if fields[name] and fields[other]]
        if both:
            raise _fail(ctx, (*base, name), f"give {name} or {both[0]}, not both")
    if fields.get("kms_key"):
        values |= _kms_key_values(fields["kms_key"], values, spec, ctx, (*base, "kms_key"))
    values.setdefault("Region", OPEN_REGION)
    values.setdefault("Account", OPEN_ACCOUNT)
    values.update(fields)
    values.update(_derive(entry.kind, fields))
    if entry.kind == "secretsmanager-secret" and entry.arn is not None:
        values["arn"] = secret_arn_pattern(entry.arn)
    elif entry.arn is not None and entry.kind not in ("s3-prefix", "ssm-parameter"):
        values["arn"] = entry.arn
    else:  # rendered from the fields: an SSM path ARN ending in / gives parameter/app, not app/
        values["arn"] = render(kind.arn or "", values)
    flags = frozenset(k for k, v in values.items() if k in kind.fields and v) | _flags(
        entry.kind, fields
    )
    return ResolvedResource(i, entry.kind, kind, access, values, flags)


def url_suffix(partition: str) -> str:
    """The partition's service domain (``s3.eu-west-1.amazonaws.com``; ``.com.cn`` in China)."""
    return "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"


def _kms_key_values(
    key_arn: str, values: dict[str, str], spec: RoleSpec, ctx: SpecContext, loc: tuple[Any, ...]
) -> dict[str, str]:
    """The template values of an entry's ``kms_key`` (its shape checked by the field's
    pattern): see :func:`kms_key_values`."""
    try:
        return kms_key_values(key_arn, spec.partition, values.get("Region"))
    except UserError as exc:
        raise _fail(ctx, loc, exc.detail) from None


def kms_key_values(key_arn: str, partition: str, region: str | None) -> dict[str, str]:
    """The template values of a resource's or target's customer managed key: the key's Region,
    for kms:ViaService, and the partition's domain. The one check of a ``kms_key``: its shape
    (:func:`~wizard.catalog.kinds.kms_key_field`), and a key in the spec's partition and the resource's Region (a
    service uses a key in its own Region), else UserError (no location)."""
    if problem := field_problem(kms_key_field(), key_arn):
        raise UserError(problem)
    _arn, key_partition, _kms, key_region, _rest = key_arn.split(":", 4)
    if key_partition != partition:
        raise UserError(f"the key's partition {key_partition!r} is not the spec's {partition!r}")
    if region and region != key_region:
        raise UserError(f"the key's region {key_region!r} is not the resource's region {region!r}")
    return {"KmsRegion": key_region, "UrlSuffix": url_suffix(partition)}


def field_problem(fspec: FieldSpec, value: str) -> str | None:
    """Why ``value`` cannot be a resource field with spec ``fspec`` (``"'x' is not a valid
    table name"``), or None; the one check ``build``, the wizard and plain mode make."""
    if problem := policy_variable_problem(value) or control_problem(value):
        return problem
    if value and not fspec.check(value):
        return f"{value!r} is not a valid {fspec.help}"
    return None


# Secrets Manager adds "-" and six random characters to a secret's name in its ARN, and a
# policy names a secret by name with "-??????" for them (Secrets Manager User Guide, "Resource:
# secret ARNs" under "Permissions policy examples" and "Troubleshooting: partial ARNs").
SECRET_SUFFIX_RE = lazy(r"-[A-Za-z0-9]{6}$")
SECRET_WILDCARD = "-??????"


def _without_secret_wildcard(kind: str, arn: str) -> str:
    if kind == "secretsmanager-secret" and arn.endswith(SECRET_WILDCARD):
        return arn[: -len(SECRET_WILDCARD)]
    return arn


def secret_arn_pattern(arn: str) -> str:
    """The resource pattern for a secret given by ARN: a complete ARN (one that ends in the
    random suffix, or in ``-??????``) exactly; a partial ARN (the name alone, as the console's
    and CloudFormation's ``Ref`` never give but people type) with ``-??????`` appended, so the
    real secret ``orders/db-AbCdEf`` matches and ``orders/db-other-AbCdEf`` does not."""
    if SECRET_SUFFIX_RE.search(arn) or arn.endswith(SECRET_WILDCARD):
        return arn
    return arn + SECRET_WILDCARD


def _readable_form(form: str) -> str:
    """``arn:${Partition}:sqs:${Region}:${Account}:${name}`` -> ``arn:PARTITION:sqs:REGION:ACCOUNT:NAME``."""
    return re.sub(r"\$\{([A-Za-z_]+)\}", lambda m: m.group(1).upper(), form)


def _underive(kind: str, parsed: dict[str, str]) -> dict[str, str]:
    fields = {k: v for k, v in parsed.items() if k not in ("Partition", "Region", "Account")}
    if kind == "ssm-parameter" and "param" in fields:
        fields["name"] = "/" + fields.pop("param")
    return fields


def arn_field_values(kind_name: str, arn: str) -> dict[str, str] | None:
    """The kind's fields an ARN of it carries (an SSM parameter's as its ``name``), or None
    when ``arn`` is not an ARN of that kind: what a person need not type besides the ARN."""
    kind = catalog().kinds.get(kind_name)
    parsed = kind.parse_arn(_without_secret_wildcard(kind_name, arn)) if kind else None
    if kind is None or parsed is None:
        return None
    return {k: v for k, v in _underive(kind_name, parsed).items() if k in kind.fields}


def _derive(kind: str, fields: dict[str, str]) -> dict[str, str]:
    if kind == "ssm-parameter":
        return {"param": fields.get("name", "").strip("/")}
    if kind == "s3-prefix":  # the objects granted: exactly one key, or every key under a prefix
        return {"objects": fields.get("key") or fields.get("prefix", "") + "*"}
    return {}


def _flags(kind: str, fields: dict[str, str]) -> frozenset[str]:
    if kind == "ssm-parameter" and fields.get("name", "").endswith("/"):
        return frozenset({"path"})
    if kind == "s3-prefix" and not fields.get("prefix") and not fields.get("key"):
        return frozenset({"whole_bucket"})
    return frozenset()


def action_shape_problem(action: str) -> str | None:
    """Why ``action`` cannot be one of a custom entry's actions by its shape alone, or None."""
    if not re.fullmatch(r"[a-zA-Z0-9-]+:[A-Za-z0-9*?]+", action):
        return f"{action!r} is not an action such as ses:SendEmail"
    if action.endswith(":*"):
        return f"{action!r} grants a whole service; list the actions the function needs"
    return None


def _resolve_custom(
    spec: RoleSpec, i: int, entry: ResourceEntry, kind: Kind, access: str, ctx: SpecContext
) -> ResolvedResource:
    base = ("resources", i)
    if not entry.actions:
        raise _fail(ctx, (*base, "actions"), "a custom resource needs a non-empty 'actions' list")
    if not entry.resources:
        raise _fail(
            ctx, (*base, "resources"), "a custom resource needs a non-empty 'resources' list"
        )
    for j, action in enumerate(entry.actions):
        if problem := action_shape_problem(action):
            raise _fail(ctx, (*base, "actions", j), problem)
    for j, res in enumerate(entry.resources):
        if res == "*":
            continue
        m = ARN_RE.fullmatch(res)
        if not m:
            raise _fail(
                ctx,
                (*base, "resources", j),
                f"{res!r} is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)",
            )
        part, _svc, region, account = m.group(1), m.group(2), m.group(3), m.group(4)
        if part != spec.partition:
            raise _fail(
                ctx,
                (*base, "resources", j),
                f"the ARN's partition {part!r} contradicts the spec's partition {spec.partition!r}",
            )
        if spec.region and region and region != spec.region and "*" not in region:
            raise _fail(
                ctx,
                (*base, "resources", j),
                f"the ARN's region {region!r} contradicts the spec's region {spec.region!r}",
            )
        if account == "aws" and not (_svc == "iam" and m.group(5).startswith("policy/")):
            raise _fail(
                ctx,
                (*base, "resources", j),
                "the account 'aws' belongs to AWS managed policies (arn:aws:iam::aws:policy/...) "
                "only; give the 12-digit account that owns the resource",
            )
        if spec.account and account and account not in (spec.account, "aws"):
            raise _fail(
                ctx,
                (*base, "resources", j),
                f"the ARN's account {account!r} contradicts the spec's account {spec.account!r}",
            )
    return ResolvedResource(
        i,
        "custom",
        kind,
        access,
        {"Partition": spec.partition},
        frozenset(),
        tuple(entry.actions),
        tuple(entry.resources),
    )


# --------------------------------------------------------------------------- YAML


def _walk(
    node: yaml.Node, loader: LimitedLoader, path: tuple[Any, ...], lines: dict, source: str
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _walk(key_node, loader, (*path, "<key>"), {}, source)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise UserError(
                    f"{dotted(path) or 'top level'}: a key must be text",
                    where=f"{source}:{key_node.start_mark.line + 1}",
                )
            key = str(key) if not isinstance(key, str) else key
            if key in out:
                raise UserError(
                    f"{dotted((*path, key))}: duplicate key {key!r}",
                    where=f"{source}:{key_node.start_mark.line + 1}",
                )
            out[key] = _walk(value_node, loader, (*path, key), lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(child, loader, (*path, i), lines, source) for i, child in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, source: str = "<spec>") -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse YAML text into plain data and a map from each value's path to its line. The
    input limits (depth, alias expansion) hold: see :mod:`wizard.limits`."""
    node, loader = compose_yaml(text, source)
    try:
        if node is None:
            return None, {}
        lines: dict[tuple[Any, ...], int] = {}
        return _walk(node, loader, (), lines, source), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise UserError(f"YAML error: {problem}", where=f"{source}{line}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"YAML error: {exc}", where=source) from None
    finally:
        loader.dispose()


def spec_from_data(data: Any, ctx: SpecContext) -> RoleSpec:
    if isinstance(data, dict) and "functions" in data and "function" not in data:
        raise UserError(
            "this is an app spec (functions:), and this takes one role spec; build, plan, "
            "apply and the wizard open app specs",
            where=ctx.source,
        )
    if not isinstance(data, dict):
        got = "the file is empty" if data is None else f"got {_type_name(data)}"
        line = ctx.lines.get(())
        raise UserError(
            f"{got}: a role spec is a mapping with at least 'function:' "
            "(run `role-wizard init` for an example)",
            where=f"{ctx.source}:{line}" if line and data is not None else ctx.source,
        )
    try:
        return RoleSpec.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, ctx) from None


def validation_error(exc: ValidationError, ctx: SpecContext) -> UserError:
    """The first problem pydantic found, as ``FILE:LINE: where: what``."""
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = f"unknown field {loc[-1]!r}"
    elif err["type"] == "missing":
        message = f"{loc[-1]!r} is required"
    elif err["type"].endswith("_type") or err["type"] in ("literal_error", "bool_parsing"):
        message = f"{message} (got {err.get('input')!r})"
    # pydantic adds the union member or model name to some locations; drop non-field parts.
    loc = tuple(p for p in loc if not (isinstance(p, str) and p[:1].isupper()))
    where = dotted(loc) or "top level"
    return UserError(f"{where}: {message}", where=ctx.where(loc))


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


def load_spec_text(text: str, source: str = "<spec>") -> tuple[RoleSpec, SpecContext]:
    data, lines = parse_yaml(text, source)
    ctx = SpecContext(source, lines)
    return check_spec(spec_from_data(data, ctx), ctx), ctx


def check_spec(spec: RoleSpec, ctx: SpecContext) -> RoleSpec:
    """``spec`` once its resources, managed policies and boundary ARN are checked: every
    problem a spec can have short of composing it is found at load time."""
    resolve_resources(spec, ctx)
    from wizard.targets import resolve_targets  # it builds on this module

    resolve_targets(spec, ctx)
    check_managed_policies(spec, ctx)
    check_boundary_arn(spec, ctx)
    return spec


def is_app_data(data: Any) -> bool:
    """Whether parsed YAML is an app spec (``functions:``, not ``function:``)."""
    return isinstance(data, dict) and "functions" in data and "function" not in data


def load_any_spec_text(text: str, source: str = "<spec>") -> tuple[RoleSpec | AppSpec, SpecContext]:
    """A role spec or an app spec (:mod:`wizard.appspec`), whichever the text holds; the app
    spec's module is imported only for an app (`build` of a role spec never needs it)."""
    data, lines = parse_yaml(text, source)
    ctx = SpecContext(source, lines)
    if is_app_data(data):
        from wizard.appspec import app_from_data  # it builds on this module

        return app_from_data(data, ctx), ctx
    return check_spec(spec_from_data(data, ctx), ctx), ctx


def load_any_spec(path: str | Path) -> tuple[RoleSpec | AppSpec, SpecContext]:
    """Read a role spec or an app spec file (``-`` reads standard input)."""
    text, source = read_text(str(path), "spec file", MAX_SPEC_BYTES)
    return load_any_spec_text(text, source)


def load_spec(path: str | Path) -> tuple[RoleSpec, SpecContext]:
    """Read, parse and check a spec file; every problem is a UserError naming FILE:LINE.
    At most :data:`~wizard.limits.MAX_SPEC_BYTES` are read (``-`` reads standard input)."""
    text, source = read_text(str(path), "spec file", MAX_SPEC_BYTES)
    return load_spec_text(text, source)


# --------------------------------------------------------------------------- managed policies


def managed_policy_arn(name_or_arn: str, partition: str = "aws") -> str:
    if name_or_arn.startswith("arn:"):
        if not POLICY_ARN_RE.fullmatch(name_or_arn):
            raise UserError(f"{name_or_arn!r} is not a policy ARN")
        return name_or_arn
    index = managed_policy_index()
    if name_or_arn not in index:
        raise UserError(
            f"unknown AWS managed policy {name_or_arn!r}: give its full ARN "
            f"(known by name: {', '.join(sorted(index))})"
        )
    return f"arn:{partition}:iam::aws:policy{index[name_or_arn]}{name_or_arn}"


def check_managed_policies(spec: RoleSpec, ctx: SpecContext) -> list[str]:
    arns = []
    for i, name in enumerate(spec.managed_policies):
        try:
            arns.append(managed_policy_arn(name, spec.partition))
        except UserError as exc:
            raise UserError(
                f"managed_policies[{i}]: {exc.detail}", where=ctx.where(("managed_policies", i))
            ) from None
    if len(arns) > 20:
        raise UserError(
            "managed_policies: a role takes at most 20 managed policies",
            where=ctx.where(("managed_policies",)),
        )
    return arns


# --------------------------------------------------------------------------- boundary ARN


def check_boundary_arn(spec: RoleSpec, ctx: SpecContext) -> None:
    """A boundary given by ARN must be one IAM can attach to this role: a managed policy in the
    spec's partition, and in the role's own account or AWS's (``aws``). IAM attaches only
    managed policies of the role's account or AWS managed policies as a permissions boundary
    (IAM User Guide, "Permissions boundaries for IAM entities"). Whether the policy bounds
    anything is checked when composing (``wizard.policy.compose.check_boundary``)."""
    m = POLICY_ARN_RE.fullmatch(spec.boundary)
    if m is None:
        return
    partition, account = spec.boundary.split(":")[1], spec.boundary.split(":")[4]
    where = ctx.where(("boundary",))
    if partition != spec.partition:
        raise UserError(
            f"boundary: the ARN's partition {partition!r} contradicts the spec's partition "
            f"{spec.partition!r}",
            where=where,
        )
    if account != "aws" and spec.account and account != spec.account:
        raise UserError(
            f"boundary: the policy is in account {account}, not the role's account "
            f"{spec.account}; IAM attaches only this account's or AWS managed policies",
            where=where,
        )


# --------------------------------------------------------------------------- warnings


class SpecWarning(NamedTuple):
    """Something the spec allows that is likely not meant; the spec still builds.

    ``loc`` is the path of the value in the spec (``("resources", 2, "prefix")``)."""

    loc: tuple[Any, ...]
    message: str

    def text(self, ctx: SpecContext | None = None) -> str:
        """``FILE:LINE: resources[2].prefix: message`` (without a file: ``resources[2]...``)."""
        head = f"{dotted(self.loc)}: {self.message}"
        return f"{ctx.where(self.loc)}: {head}" if ctx else head


def spec_warnings(spec: RoleSpec, cat: Catalog | None = None) -> list[SpecWarning]:
    """What in a valid spec is likely not meant: the one list ``build`` prints on stderr and
    the wizard shows beside the entry. Entries that do not resolve are left to the errors."""
    out: list[SpecWarning] = []
    cat = cat or catalog()
    for i, entry in enumerate(spec.resources):
        try:
            resolved = _resolve(spec, i, entry, SpecContext(), cat)
        except UserError:
            continue
        out.extend(entry_warnings(resolved, entry))
    return out


def entry_warnings(resolved: ResolvedResource, entry: ResourceEntry) -> list[SpecWarning]:
    """The warnings of one resolved resource entry (see :func:`spec_warnings`)."""
    base = ("resources", resolved.index)
    out = []
    prefix = resolved.values.get("prefix", "")
    if resolved.kind_name == "s3-prefix" and prefix and not prefix.endswith("/"):
        field = "arn" if entry.arn is not None else "prefix"
        out.append(
            SpecWarning(
                (*base, field),
                f"the prefix {prefix!r} has no trailing '/': it also grants {prefix}-other/..., "
                f"{prefix}2/... and every other key that starts with {prefix!r}; write "
                f"{prefix + '/'!r} to mean that folder only",
            )
        )
    name = resolved.values.get("name", "")
    if resolved.kind_name == "secretsmanager-secret" and entry.arn is None:
        suffix = SECRET_SUFFIX_RE.search(name)
        if suffix:
            out.append(
                SpecWarning(
                    (*base, "name"),
                    f"the name ends in {suffix.group()!r}, like the six random characters "
                    f"Secrets Manager adds to a secret's ARN: it is granted as "
                    f"{name + SECRET_WILDCARD!r}, which matches a secret named {name!r} only; "
                    "if those characters are the suffix, give the name without them or the "
                    "secret's full ARN",
                )
            )
    return out


def iter_kind_names(cat: Catalog | None = None) -> Iterator[str]:
    yield from (cat or catalog()).kinds
