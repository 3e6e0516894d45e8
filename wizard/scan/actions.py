"""SDK operations -> IAM actions, offline.

Two sources, neither fetched at run time:

* botocore's service models (:mod:`wizard.scan.models`, the one loader of them, read as data:
  botocore is never imported): each operation's name, the SDK method names, the waiters and the
  service's ``signingName``/``endpointPrefix`` (the IAM prefix).
* ``catalogs/sdk-actions.yaml``: the reviewed exceptions (an action named differently, several
  actions, an action that depends on the request), each with its source; and the IAM reference
  (:mod:`wizard.catalog.reference`) that says which actions exist.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from wizard.catalog.data import catalog_yaml
from wizard.scan.models import ServiceModel, service_model

SDK_ACTIONS = "sdk-actions.yaml"


@functools.lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The reviewed exceptions file, parsed once."""
    return catalog_yaml(SDK_ACTIONS)


def iam_prefix(model: ServiceModel) -> str:
    """The IAM service prefix of a botocore service: the exceptions file's, else the model's
    signing name."""
    return table().get("prefixes", {}).get(model.name) or model.signing_name


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

    prefix = iam_prefix(model)
    action = reference().action(f"{prefix}:{operation}")
    if action is None:
        return Mapping(
            service,
            operation,
            unmapped=f"the IAM reference has no action {prefix}:{operation}",
        )
    return Mapping(service, operation, actions=(action.full_name,), source="service model")


def conveniences(service: str) -> dict[str, list[str]]:
    """The convenience methods of ``service``'s client and the operations each performs."""
    return table().get("conveniences", {}).get(service, {})


def bound_services() -> dict[str, dict[str, Any]]:
    """The services the scan maps, with the kind and request members naming the resource."""
    return table().get("services", {})
