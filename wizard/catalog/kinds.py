"""The curated service-action catalog (``catalogs/kinds.yaml``): resource kinds and profiles."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from wizard.errors import UserError

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def catalogs_dir() -> Path:
    """The folder holding the curated data: the checkout's ``catalogs/``, or the installed copy."""
    here = Path(__file__).resolve().parent
    installed = Path(sys.prefix) / "share" / "lambda-role-wizard" / "catalogs"
    for candidate in (here.parent.parent / "catalogs", installed):
        if (candidate / "kinds.yaml").is_file():
            return candidate
    raise UserError("the catalogs folder (kinds.yaml) is missing from this installation")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Model):
    required: bool = True
    default: str | None = None
    pattern: str | None = None
    help: str = ""

    def check(self, value: str) -> bool:
        return self.pattern is None or re.fullmatch(self.pattern, value) is not None


class Discovery(_Model):
    """How a later step lists the account's resources of a kind with boto3."""

    client: str
    operation: str
    result_key: str
    name_key: str | None = None
    arn_key: str | None = None


class StatementTemplate(_Model):
    sid: str = Field(pattern=r"^[A-Za-z0-9]+$")
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: dict[str, dict[str, list[str]]] | None = None
    when: str | None = None
    resource_wildcard: bool = False
    via_service: bool = False

    def applies(self, flags: set[str]) -> bool:
        if self.when is None:
            return True
        if self.when.startswith("!"):
            return self.when[1:] not in flags
        return self.when in flags


class Profile(_Model):
    summary: str
    statements: tuple[StatementTemplate, ...]


class Kind(_Model):
    title: str
    service: str
    resource_type: str | None = None
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    arn: str | None = None
    arn_forms: tuple[str, ...] = ()
    discovery: Discovery | None = None
    default_access: str
    profiles: dict[str, Profile]

    @property
    def parse_forms(self) -> tuple[str, ...]:
        return self.arn_forms or ((self.arn,) if self.arn else ())

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


class Catalog(_Model):
    version: int
    kinds: dict[str, Kind]
    features: dict[str, Profile] = Field(default_factory=dict)
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


# libyaml's loader when PyYAML was built with it: the same data, parsed ~10x faster (the
# catalog is read on every command, so this is most of `build`'s start-up).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_catalog_file(path: Path) -> Catalog:
    with open(path, encoding="utf-8") as handle:
        raw: Any = yaml.load(handle, Loader=_SafeLoader)  # noqa: S506 - a safe loader
    return Catalog.model_validate(raw)


@functools.lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The process-wide curated catalog."""
    return load_catalog_file(catalogs_dir() / "kinds.yaml")
