"""The reviewed table of CloudTrail events whose IAM action differs from ``PREFIX:eventName``
(``catalogs/cloudtrail-events.yaml``), and the one function that maps an event to its action.

Domain data: no boto3. :func:`event_action` is what ``audit`` uses for every recorded call,
whether it came from ``lookup_events`` or from the trail's log files.
"""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel, ConfigDict, ValidationError

from wizard.catalog.data import catalog_source, catalog_yaml
from wizard.errors import UserError

FILE = "cloudtrail-events.yaml"
# Lambda's CloudTrail event names carry the API version (``UpdateFunctionCode20150331v2``).
_API_VERSION = re.compile(r"20\d{6}(v\d+)?$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceAlias(_Model):
    source: str  # the event source's first label (``monitoring`` of monitoring.amazonaws.com)
    prefix: str  # the IAM service prefix (``cloudwatch``)
    why: str


class EventAction(_Model):
    event: str  # PREFIX:eventName
    action: str  # the IAM action the call needs
    why: str


class EventTable(_Model):
    version: int
    sources: tuple[SourceAlias, ...] = ()
    events: tuple[EventAction, ...] = ()


@functools.lru_cache(maxsize=1)
def event_table() -> EventTable:
    """The parsed table; a malformed file is a :class:`UserError` naming it."""
    try:
        return EventTable.model_validate(catalog_yaml(FILE))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"{where}: {first['msg']}", where=catalog_source(FILE)) from None


@functools.lru_cache(maxsize=1)
def _maps() -> tuple[dict[str, str], dict[str, str]]:
    table = event_table()
    return (
        {s.source: s.prefix for s in table.sources},
        {e.event.lower(): e.action for e in table.events},
    )


def event_action(source: str, name: str) -> str:
    """The IAM action a CloudTrail event (``eventSource``, ``eventName``) needed."""
    prefixes, events = _maps()
    prefix = source.split(".", 1)[0]
    prefix = prefixes.get(prefix, prefix)
    if prefix == "lambda":
        name = _API_VERSION.sub("", name)
    action = f"{prefix}:{name}"
    return events.get(action.lower(), action)
