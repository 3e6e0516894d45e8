"""SDK operations -> IAM actions, offline.

Two sources, neither fetched at run time:

* botocore's service models, shipped inside the installed botocore package as
  ``botocore/data/SERVICE/VERSION/service-2.json(.gz)``. They give each operation's name
  (``ListObjectsV2``), boto3's method names (``list_objects_v2``), the waiters and the service's
  ``signingName``/``endpointPrefix`` (the IAM prefix). The files are located with
  :func:`importlib.util.find_spec` and read as data: botocore itself is never imported (the
  domain must not import boto3/botocore), and only the models of the services a handler uses
  are read, on first use (~10 ms each). No table is precomputed at build time: the models
  are then always those of the botocore the user runs, so the scan never disagrees with the SDK.
* ``catalogs/sdk-actions.yaml``: the reviewed exceptions (an action named differently, several
  actions, an action that depends on the request), each with its source; and the IAM reference
  (:mod:`wizard.catalog.reference`) that says which actions exist.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.catalog.data import catalog_yaml
from wizard.errors import UserError

SDK_ACTIONS = "sdk-actions.yaml"


@functools.lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The reviewed exceptions file, parsed once."""
    return catalog_yaml(SDK_ACTIONS)


@functools.lru_cache(maxsize=1)
def botocore_data() -> Path:
    """The folder of botocore's service models, found without importing botocore."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("botocore is not installed: the scan reads its service models")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_json(path: Path) -> Any:
    if path.exists():
        return json.loads(path.read_bytes())
    gz = path.with_name(path.name + ".gz")
    if gz.exists():
        return json.loads(gzip.decompress(gz.read_bytes()))
    return None


@functools.cache
def _version_dir(service: str) -> Path | None:
    root = botocore_data() / service
    if not root.is_dir():
        return None
    versions = sorted(
        p
        for p in root.iterdir()
        if (p / "service-2.json").exists() or (p / "service-2.json.gz").exists()
    )
    return versions[-1] if versions else None


def method_key(name: str) -> str:
    """How an operation and boto3's method for it compare: without ``_`` and case, so that
    ``list_objects_v2``, ``ListObjectsV2`` and ``ListObjectsv2`` are one name (boto3's
    snake-case spelling has special cases, ``get_otel_enrichment``; this needs none)."""
    return name.replace("_", "").lower()


@dataclass(frozen=True)
class ServiceModel:
    """What the scan needs of one botocore service model."""

    name: str
    prefix: str  # the IAM service prefix
    operations: tuple[str, ...]
    methods: dict[str, str]  # method_key(operation) -> operation
    waiters: dict[str, str]  # method_key(waiter name) -> the operation it polls


@functools.cache
def service_model(service: str) -> ServiceModel | None:
    """botocore's model of ``service`` (``dynamodb``), or None when botocore has none."""
    folder = _version_dir(service)
    if folder is None:
        return None
    model = _read_json(folder / "service-2.json") or {}
    meta = model.get("metadata", {})
    prefix = table().get("prefixes", {}).get(service) or (
        meta.get("signingName") or meta.get("endpointPrefix") or service
    )
    operations = tuple(model.get("operations", {}))
    methods = {method_key(op): op for op in operations}
    waiters_doc = _read_json(folder / "waiters-2.json") or {}
    waiters = {
        method_key(name): w.get("operation", "")
        for name, w in waiters_doc.get("waiters", {}).items()
    }
    return ServiceModel(service, prefix, operations, methods, waiters)


def operation_for(service: str, method: str) -> str | None:
    """The operation boto3's ``method`` of ``service`` calls, or None."""
    model = service_model(service)
    return model.methods.get(method_key(method)) if model else None


def known_services() -> list[str]:
    """Every service botocore ships a model for."""
    return sorted(p.name for p in botocore_data().iterdir() if _version_dir(p.name))


@dataclass(frozen=True)
class Mapping:
    """The IAM actions one operation needs.

    * ``actions``: what to grant;
    * ``choose``: the action depends on the request (a PartiQL statement, transaction items):
      the candidates, reported for the user to pick, never all granted;
    * ``unmapped``: why no action is known (the IAM reference lacks the operation).
    """

    service: str
    operation: str
    actions: tuple[str, ...] = ()
    choose: tuple[str, ...] = ()
    unmapped: str = ""
    source: str = ""


@functools.lru_cache(maxsize=4096)
def actions_for(service: str, operation: str) -> Mapping:
    """The IAM actions ``operation`` of botocore's ``service`` needs."""
    entry = table().get("operations", {}).get(service, {}).get(operation)
    if entry is not None:
        return Mapping(
            service,
            operation,
            actions=tuple(entry.get("actions", ())),
            choose=tuple(entry.get("choose", ())),
            unmapped=entry.get("unmapped", ""),
            source=entry.get("source", ""),
        )
    model = service_model(service)
    if model is None:
        return Mapping(service, operation, unmapped=f"botocore has no service {service!r}")
    from wizard.catalog.reference import reference

    action = reference().action(f"{model.prefix}:{operation}")
    if action is None:
        return Mapping(
            service,
            operation,
            unmapped=f"the IAM reference has no action {model.prefix}:{operation}",
        )
    return Mapping(service, operation, actions=(action.full_name,), source="service model")


def conveniences(service: str) -> dict[str, list[str]]:
    """The convenience methods of ``service``'s client and the operations each performs."""
    return table().get("conveniences", {}).get(service, {})


def bound_services() -> dict[str, dict[str, Any]]:
    """The services the scan maps, with the kind and request members naming the resource."""
    return table().get("services", {})
