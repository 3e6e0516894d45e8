"""The curated service-action catalog (``catalogs/kinds.yaml``): resource kinds and profiles.

Its compiled form. Every command reads the catalog, and validating it through these models
costs building the models' validators first (pydantic's schema building, most of the time) and
then the validation (~5 ms of `build` together). So the package's build also validates it once
(:func:`compile_catalog`, called by ``wizard.catalog.data.compile_catalogs``) and writes the
validated :class:`Catalog` as a pickle (``compiled/kinds.yaml.pickle``, package data made by the
package's own build, as its bytecode is), stamped with what it was made from: the fingerprint of
``kinds.yaml``'s text, of this module's source (the models) and pydantic's version.
:func:`catalog` unpickles it only when all three are those of this process, and validates the
YAML's data otherwise (a checkout whose file or models were edited since): never stale. The
models are built lazily (``defer_build``), so a process that reads the compiled form never
builds their validators; ``tests/test_catalog_compiled.py`` checks that the compiled catalog
equals the validated one.
"""

# No ``from __future__ import annotations`` here: pydantic would evaluate each field's
# annotation from its text (a compile and an eval each, for the ~40 fields of these models).
import functools
import json
import re
import zlib
from pathlib import Path

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from wizard.catalog.data import (
    catalog_file,
    catalog_text,
    catalog_yaml,
    compiled_name,
    fingerprint,
    parse_catalog_yaml,
)
from wizard.errors import UserError

try:  # CPython's unpickler itself: importing the pickle module on top costs ~1 ms (its __all__)
    from _pickle import loads as _unpickle
except ImportError:  # another Python
    from pickle import loads as _unpickle

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _Model(BaseModel):
    # Empty defaults are plain ``{}`` (pydantic copies them), not a builtin default_factory:
    # see ``wizard.spec._Model``.
    # Validators are built on first validation, not at import (see the module's docstring).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FieldSpec(_Model):
    required: bool = True
    default: str | None = None
    pattern: str | None = None
    help: str = ""
    needs: tuple[str, ...] = ()  # the other fields that must be given when this one is
    excludes: tuple[str, ...] = ()  # the other fields that must not be given when this one is

    def check(self, value: str) -> bool:
        return self.pattern is None or re.fullmatch(self.pattern, value) is not None


class Discovery(_Model):
    """How a later step lists the account's resources of a kind with boto3."""

    client: str
    operation: str
    result_key: str
    name_key: str | None = None
    arn_key: str | None = None
    # The field a listed resource's name fills (default the kind's first required field):
    # a schedule group's ``group``, which is optional (the default group).
    field: str | None = None


class StatementTemplate(_Model):
    sid: str = Field(pattern=r"^[A-Za-z0-9]+$")
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: dict[str, dict[str, list[str]]] | None = None
    when: str | None = None
    resource_wildcard: bool = False
    via_service: bool = False
    # A field holding a comma-separated list: the statement is rendered once per item, with
    # ${FIELD} standing for that one item (a Bedrock inference profile's destination Regions).
    each: str | None = None
    # An envelope deny only: leave out (NotResource) the exact ARNs a catalog kind's profile
    # grants these actions on (sts-role's roles), so the envelope allows exactly those.
    except_granted: bool = False

    def applies(self, flags: set[str]) -> bool:
        if self.when is None:
            return True
        if self.when.startswith("!"):
            return self.when[1:] not in flags
        return self.when in flags

    def expansions(self, values: dict[str, str]) -> list[dict[str, str]]:
        """The values to render the statement with: ``values`` itself, or one copy per item of
        its ``each`` field."""
        if self.each is None:
            return [values]
        items = [v for v in values.get(self.each, "").split(",") if v]
        return [{**values, self.each: item} for item in items]


class Profile(_Model):
    summary: str
    statements: tuple[StatementTemplate, ...]

    def key_grant_text(self) -> str:
        """An encryption profile in one line: the KMS actions on the key and the conditions,
        as templates (``kms:Decrypt on the key when kms:ViaService = sqs.${KmsRegion}...``)."""
        words = {"StringEquals": "=", "ArnEquals": "=", "StringLike": "like", "ArnLike": "like"}
        out = []
        for t in self.statements:
            text = f"{', '.join(t.actions)} on the key"
            conditions = [
                f"{key} {words.get(op, op)} {' or '.join(values)}"
                for op, block in (t.condition or {}).items()
                for key, values in block.items()
            ]
            out.append(text + (f" when {' and '.join(conditions)}" if conditions else ""))
        return "; ".join(out)

    def key_grant_data(self) -> dict[str, object]:
        """An encryption profile as data: its summary and each statement's actions and
        Condition (templates)."""
        return {
            "summary": self.summary,
            "statements": [
                {"actions": list(t.actions), "condition": t.condition or {}}
                for t in self.statements
            ],
        }


# A customer managed KMS key's ARN (Service Authorization Reference, AWS KMS: resource type
# key, arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}); never an alias ARN: a grant on
# an alias does not cover the key, and an AWS managed key (alias/aws/sqs ...) needs no grant.
@functools.cache
def kms_key_field() -> FieldSpec:
    """The ``kms_key`` field of a kind with ``encryption`` (made on first use: a FieldSpec made
    at import would build the model's validator in every process)."""
    return FieldSpec(
        required=False,
        default="",
        pattern=r"^arn:(aws|aws-cn|aws-us-gov):kms:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:key/[A-Za-z0-9-]{1,128}$",
        help="customer managed KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID; not an alias, and "
        "none for an AWS managed key)",
    )


class Kind(_Model):
    title: str
    service: str
    resource_type: str | None = None
    fields: dict[str, FieldSpec] = {}
    arn: str | None = None
    arn_forms: tuple[str, ...] = ()
    discovery: Discovery | None = None
    default_access: str
    profiles: dict[str, Profile]
    # A kind the service can encrypt with a customer managed KMS key: for each access profile,
    # the KMS statements it adds when the resource's ``kms_key`` is given. The kind then takes
    # the optional ``kms_key`` field (:func:`kms_key_field`, added here: one pattern).
    encryption: dict[str, Profile] = {}

    @model_validator(mode="before")
    @classmethod
    def _kms_key_field(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("encryption"):
            fields = dict(data.get("fields") or {})
            if "kms_key" in fields:
                raise ValueError("kms_key is added by `encryption`, not declared in `fields`")
            fields["kms_key"] = kms_key_field()
            data = {**data, "fields": fields}
        return data

    @model_validator(mode="after")
    def _encryption_profiles_exist(self) -> "Kind":
        unknown = set(self.encryption) - set(self.profiles)
        if unknown:
            raise ValueError(f"encryption names unknown profiles {sorted(unknown)}")
        return self

    @property
    def parse_forms(self) -> tuple[str, ...]:
        return self.arn_forms or ((self.arn,) if self.arn else ())

    @property
    def arn_fields(self) -> frozenset[str]:
        """The names an ARN of this kind carries (its forms' placeholders)."""
        return frozenset(m.group(1) for f in self.parse_forms for m in _PLACEHOLDER.finditer(f))

    def parse_arn(self, arn: str) -> dict[str, str] | None:
        """The fields (and Partition/Region/Account) of ``arn``, or None when no form fits."""
        for form in self.parse_forms:
            m = _form_regex(form).fullmatch(arn)
            if m:
                return {k: v for k, v in m.groupdict().items() if v is not None}
        return None


@functools.lru_cache(maxsize=256)
def _form_regex(form: str) -> re.Pattern[str]:
    out: list[str] = []
    pos = 0
    seen: set[str] = set()
    for m in _PLACEHOLDER.finditer(form):
        out.append(re.escape(form[pos : m.start()]))
        name = m.group(1)
        if name in seen:
            out.append(f"(?P={name})")
        elif name in ("Partition", "Region", "Account"):
            out.append(f"(?P<{name}>[^:]*)")
        elif name == "prefix":
            out.append(f"(?P<{name}>[^*?]*)")
        elif name == "bucket":
            out.append(f"(?P<{name}>[^/:*?]+)")
        else:
            out.append(f"(?P<{name}>[^*?]+?)")
        seen.add(name)
        pos = m.end()
    out.append(re.escape(form[pos:]))
    return re.compile("".join(out), re.DOTALL)


class TargetProfile(Profile):
    """What Lambda needs with the execution role to deliver to a target of one kind; for a
    target encrypted with a customer managed key (its ``kms_key``), ``encryption`` adds the key
    grant, and ``no_key`` says why a type that takes no key needs none."""

    encryption: Profile | None = None
    no_key: str = ""

    @model_validator(mode="after")
    def _key_or_reason(self) -> "TargetProfile":
        if (self.encryption is None) == (not self.no_key):
            raise ValueError("a target kind has `encryption` or `no_key`, exactly one")
        return self


class Target(_Model):
    """A role-wide target the function's invocations are sent to (``dead_letter``,
    ``destinations.on_success``, ``destinations.on_failure``): for each catalog kind its ARN
    may name, the statements the Lambda service needs with the execution role."""

    title: str
    kinds: dict[str, TargetProfile]


class Catalog(_Model):
    version: int
    kinds: dict[str, Kind]
    targets: dict[str, Target] = {}
    features: dict[str, Profile] = {}
    deployer: Profile
    envelope_denies: tuple[StatementTemplate, ...] = ()

    def kind(self, name: str) -> Kind:
        try:
            return self.kinds[name]
        except KeyError:
            raise UserError(
                f"unknown kind {name!r} (known: {', '.join(sorted(self.kinds))})"
            ) from None


def render(template: str, values: dict[str, str]) -> str:
    """Fill ``${name}`` placeholders from ``values``; unknown ones are left as they are."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


@functools.lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The process-wide curated catalog (``kinds.yaml``, package data): its compiled form when
    that was made from this text with these models, else the YAML's data validated."""
    held = _compiled_catalog(catalog_text(SOURCE))
    return held if held is not None else Catalog.model_validate(catalog_yaml(SOURCE))


SOURCE = "kinds.yaml"
COMPILED = compiled_name(SOURCE).removesuffix(".json") + ".pickle"  # compiled/kinds.yaml.pickle


def _stamp(text: str) -> dict[str, object] | None:
    """What a compiled catalog must have been made from to be used with ``text``: the text,
    this module's source (the models) and pydantic's version; None without the source."""
    try:
        models = Path(__file__).read_bytes()
    except OSError:
        return None
    return {
        "source": fingerprint(text),
        "models": [len(models), zlib.crc32(models)],
        "pydantic": pydantic.VERSION,
    }


def compile_catalog(text: str) -> bytes:
    """The compiled form of ``kinds.yaml`` with the text ``text``: its stamp (a line of JSON),
    then the validated :class:`Catalog`, pickled. A catalog the models refuse is refused."""
    cat = Catalog.model_validate(parse_catalog_yaml(SOURCE, text))
    stamp = _stamp(text)
    if stamp is None:
        raise OSError(f"cannot read the models' source {__file__}")
    import pickle

    return json.dumps(stamp).encode() + b"\n" + pickle.dumps(cat, protocol=5)


def _compiled_catalog(text: str) -> Catalog | None:
    """The compiled catalog when it was made from ``text`` with these models (its stamp);
    None otherwise (none, stale, unreadable or broken: the caller validates the YAML)."""
    try:
        raw = catalog_file(COMPILED).read_bytes()
    except OSError:
        return None
    header, newline, body = raw.partition(b"\n")
    try:
        if not newline or json.loads(header) != _stamp(text):
            return None
        # The package's own file, written by its build (as trusted as its bytecode).
        held = _unpickle(body)  # noqa: S301
    except Exception:  # noqa: BLE001 - anything broken is only a slower way in
        return None
    return held if type(held) is Catalog else None
