"""AWS managed policies shipped as data in ``catalogs/managed/`` (no AWS call, no boto3).

Each policy is one ``<PolicyName>.json`` file: ``{"PolicyName", "Arn", "Path", "VersionId",
"UpdateDate", "Document"}``; ``index.yaml`` lists the names. ``catalogs/managed/README.md``
records where the documents came from.
"""

from __future__ import annotations

import functools
import json
from typing import Any, NamedTuple

from wizard.bundle import NamedPolicy
from wizard.catalog.data import catalog_file, catalog_source, catalog_text, catalog_yaml
from wizard.errors import UserError

__all__ = [
    "ManagedPolicy",
    "managed_policy",
    "managed_policy_record",
    "managed_policy_names",
    "managed_policy_by_arn",
    "managed_policy_index",
    "shipped_document_by_arn",
]


class ManagedPolicy(NamedTuple):
    name: str
    arn: str
    path: str
    version_id: str
    update_date: str
    document: dict[str, Any]

    @property
    def named(self) -> NamedPolicy:
        return NamedPolicy(self.name, self.document)


_INDEX = "managed/index.yaml"


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    data = catalog_yaml(_INDEX)
    if not isinstance(data, dict):
        raise UserError("expected a mapping of policy name to path", where=catalog_source(_INDEX))
    return {str(k): str(v) for k, v in data.items()}


def managed_policy_index() -> dict[str, str]:
    """AWS managed policy name -> its IAM path, for the policies shipped with the tool."""
    return dict(_index())


def managed_policy_names() -> list[str]:
    """The AWS managed policies shipped with the tool, in index order."""
    return list(_index())


def _canonical(name: str) -> str | None:
    index = _index()
    if name in index:
        return name
    folded = {n.lower(): n for n in index}
    return folded.get(name.lower())


@functools.lru_cache(maxsize=64)
def managed_policy_record(name: str) -> ManagedPolicy:
    """The shipped record of an AWS managed policy, by name (any case)."""
    canonical = _canonical(name)
    if canonical is None:
        raise UserError(
            f"unknown AWS managed policy {name!r} (shipped: {', '.join(managed_policy_names())})"
        )
    path = f"managed/{canonical}.json"
    try:
        raw = json.loads(catalog_text(path))
    except ValueError as exc:
        raise UserError(f"not valid JSON: {exc}", where=catalog_source(path)) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("Document"), dict):
        raise UserError('expected an object with a "Document"', where=catalog_source(path))
    return ManagedPolicy(
        name=str(raw.get("PolicyName", canonical)),
        arn=str(raw.get("Arn", "")),
        path=str(raw.get("Path", _index()[canonical])),
        version_id=str(raw.get("VersionId", "")),
        update_date=str(raw.get("UpdateDate", "")),
        document=raw["Document"],
    )


def managed_policy(name: str) -> NamedPolicy:
    """An AWS managed policy's document by name, e.g. ``AWSLambdaBasicExecutionRole``."""
    return managed_policy_record(name).named


def managed_policy_by_arn(arn: str) -> NamedPolicy | None:
    """The shipped policy an ``arn:<partition>:iam::aws:policy/...`` ARN names, else None."""
    prefix, sep, rest = arn.partition(":iam::aws:policy/")
    if not sep or not prefix.startswith("arn:"):
        return None
    name = rest.rsplit("/", 1)[-1]
    canonical = _canonical(name)
    if canonical is None or f"/{rest}" != f"{_index()[canonical]}{canonical}":
        return None
    return managed_policy(canonical)


def shipped_document_by_arn(arn: str) -> dict[str, Any] | None:
    """The document of any AWS managed policy shipped in ``catalogs/managed/`` with this exact
    ARN -- the indexed ones and those kept only to be recognised (AdministratorAccess) -- or
    None when none is shipped."""
    name = arn.rsplit("/", 1)[-1]
    if not arn.startswith("arn:") or not name.replace("-", "").replace("_", "").isalnum():
        return None
    try:
        raw = json.loads(catalog_file(f"managed/{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    partition = arn.split(":")[1]
    if (
        not isinstance(raw, dict)
        or str(raw.get("Arn", "")).replace(":aws:", f":{partition}:", 1) != arn
    ):
        return None
    document = raw.get("Document")
    return document if isinstance(document, dict) else None
