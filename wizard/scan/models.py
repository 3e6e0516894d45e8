"""botocore's service models, read as data: the one loader both readers and the action mapping use.

botocore ships each service's model inside the installed package as
``botocore/data/SERVICE/VERSION/service-2.json(.gz)`` (and ``waiters-2.json``). The folder is
found with :func:`importlib.util.find_spec` and the files are read as JSON: botocore itself is
never imported (the domain must not import boto3/botocore). Only the models of the services a
handler uses are read, on first use (~10 ms each), and none is precomputed at build time: the
models are those of the botocore the user runs, so the scan never disagrees with the SDK.

Names are compared with :func:`method_key` (no ``_``, no case), so boto3's ``list_objects_v2``,
the JavaScript SDK's ``listObjectsV2`` and the model's ``ListObjectsV2`` are one operation.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.errors import UserError


@functools.lru_cache(maxsize=1)
def botocore_data() -> Path:
    """The folder of botocore's service models, found without importing botocore."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("botocore is not installed: the scan reads its service models")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@functools.cache
def _version_dir(service: str) -> Path | None:
    """The newest model version folder of ``service`` that holds a service model."""
    root = botocore_data() / service
    if not root.is_dir():
        return None
    versions = sorted(
        p
        for p in root.iterdir()
        if (p / "service-2.json").exists() or (p / "service-2.json.gz").exists()
    )
    return versions[-1] if versions else None


def model_document(service: str, name: str = "service-2") -> dict[str, Any]:
    """botocore's ``NAME.json`` (or ``.json.gz``: ``service-2``, ``waiters-2``) of the newest
    model version of ``service``; empty when there is none or it cannot be read."""
    folder = _version_dir(service)
    if folder is None:
        return {}
    plain, packed = folder / f"{name}.json", folder / f"{name}.json.gz"
    try:
        if plain.is_file():
            data = json.loads(plain.read_bytes())
        elif packed.is_file():
            data = json.loads(gzip.decompress(packed.read_bytes()))
        else:
            return {}
    except (OSError, ValueError, EOFError):  # a damaged install: no model, not a crash
        return {}
    return data if isinstance(data, dict) else {}


def method_key(name: str) -> str:
    """How an operation and an SDK's method for it compare: without ``_`` and case, so that
    ``list_objects_v2``, ``listObjectsV2`` and ``ListObjectsV2`` are one name (boto3's
    snake-case spelling has special cases, ``get_otel_enrichment``; this needs none)."""
    return name.replace("_", "").lower()


@dataclass(frozen=True)
class ServiceModel:
    """What the scan needs of one botocore service model."""

    name: str
    signing_name: str  # metadata signingName, else endpointPrefix, else the service's name
    service_id: str  # metadata serviceId (the JavaScript SDK's package and class names)
    operations: tuple[str, ...]
    methods: dict[str, str]  # method_key(operation) -> operation
    waiters: dict[str, str]  # method_key(waiter name) -> the operation it polls

    def operation(self, method: str) -> str | None:
        """The operation an SDK method names (``get_item``, ``getItem``, ``GetItem``)."""
        return self.methods.get(method_key(method))

    def waiter(self, name: str) -> str | None:
        """The operation the waiter ``name`` polls (``table_exists``, ``TableExists``), when
        the model has it."""
        op = self.waiters.get(method_key(name))
        return op if op in self.operations else None


@functools.cache
def service_model(service: str) -> ServiceModel | None:
    """botocore's model of ``service`` (``dynamodb``), or None when botocore has none."""
    model = model_document(service)
    if not model:
        return None
    meta = model.get("metadata", {})
    operations = tuple(model.get("operations", {}))
    waiters = model_document(service, "waiters-2").get("waiters", {})
    return ServiceModel(
        name=service,
        signing_name=meta.get("signingName") or meta.get("endpointPrefix") or service,
        service_id=meta.get("serviceId", ""),
        operations=operations,
        methods={method_key(op): op for op in operations},
        waiters={
            method_key(name): str(w.get("operation", ""))
            for name, w in waiters.items()
            if isinstance(w, dict)
        },
    )


def operation_for(service: str, method: str) -> str | None:
    """The operation an SDK ``method`` of ``service`` calls, or None."""
    model = service_model(service)
    return model.operation(method) if model else None


def waiter_operation(service: str, waiter: str) -> str | None:
    """The operation the waiter ``waiter`` of ``service`` polls, or None."""
    model = service_model(service)
    return model.waiter(waiter) if model else None


def known_services() -> list[str]:
    """Every service botocore ships a model for."""
    return sorted(p.name for p in botocore_data().iterdir() if _version_dir(p.name))
