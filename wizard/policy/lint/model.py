"""The linter's parsed model of a policy (documents and statements) and the finding collector
every check family writes to."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from wizard.catalog.reference import Reference, reference
from wizard.policy.documents import Finding
from wizard.policy.lint.codes import CODES
from wizard.policy.patterns import action_matcher

# isinstance() tries dict (what JSON parsing makes) before the slower abstract Mapping check
_MAPPING = (dict, Mapping)
_WILD = frozenset("*?")
MAX_ACTION = 128


class _Statement:
    __slots__ = (
        "index",
        "ptr",
        "raw",
        "sid",
        "allow",
        "actions",
        "not_action",
        "resources",
        "not_resource",
        "principal",
        "principal_ptr",
        "conditions",
        "usable",
        "unchecked",
        "_patterns",
    )

    def __init__(self, index: int, ptr: str, raw: Mapping[str, Any]) -> None:
        self.index = index
        self.ptr = ptr
        self.raw = raw
        self.sid: str | None = None
        self.allow = False
        self.actions: list[tuple[str, str]] = []
        self.not_action = False
        self.resources: list[tuple[str, str]] = []
        self.not_resource = False
        self.principal: Any = None
        self.principal_ptr = ""
        # (operator, base operator or None, key, values, pointer of the key)
        self.conditions: list[tuple[str, str | None, str, list[str], str]] = []
        self.usable = True
        self.unchecked = False  # some wildcard Action entry was not expanded (EXPAND_WORK)
        self._patterns: tuple[str, ...] | None = None

    @property
    def patterns(self) -> tuple[str, ...]:
        if self._patterns is None:
            self._patterns = tuple(p for p, _ in self.actions if len(p) <= MAX_ACTION)
        return self._patterns

    def grants(self, action: str) -> bool:
        """Whether this statement's Action/NotAction covers ``action`` (``service:Name``)."""
        return _covers(self.patterns, self.not_action, action)

    def condition_keys(self) -> set[str]:
        return {key.lower() for _, _, key, _, _ in self.conditions}

    @property
    def label(self) -> str:
        return f"statement {self.sid!r}" if self.sid else f"statement {self.index}"


@functools.lru_cache(maxsize=4096)
def _covered(patterns: tuple[str, ...], negated: bool, actions: frozenset[str]) -> frozenset[str]:
    """Which of ``actions`` an Action (or NotAction) list covers."""
    return frozenset(a for a in actions if _covers(patterns, negated, a))


@functools.lru_cache(maxsize=4096)
def _granted_in_order(
    patterns: tuple[str, ...], negated: bool, actions: tuple[str, ...]
) -> tuple[str, ...]:
    """Those of ``actions`` an Action (or NotAction) list covers, in their order."""
    matches = action_matcher(patterns)
    return tuple(a for a in actions if matches(a) != negated)


@functools.lru_cache(maxsize=65536)
def _covers(patterns: tuple[str, ...], negated: bool, action: str) -> bool:
    return action_matcher(patterns)(action) != negated


class _Document:
    __slots__ = ("type", "role", "name", "file", "base", "raw", "statements", "usable", "version")

    def __init__(self, type: str, role: str, name: str | None, file: str, base: str, raw: Any):
        self.version = raw.get("Version") if isinstance(raw, _MAPPING) else None
        self.type = type
        self.role = role
        self.name = name
        self.file = file
        self.base = base
        self.raw = raw
        self.statements: list[_Statement] = []
        self.usable = False

    @property
    def label(self) -> str:
        if self.role == "inline":
            return f"inline policy {self.name!r}" if self.name else "inline policy"
        if self.role in ("boundary", "trust", "deployer"):
            return {"boundary": "permissions boundary", "trust": "trust policy"}.get(
                self.role, "deployer policy"
            )
        return f"{self.type} policy"


def _kind_of(value: Any) -> str:
    if isinstance(value, _MAPPING):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


@functools.lru_cache(maxsize=4096)
def _hint(word: str, candidates: tuple[str, ...]) -> str | None:
    """The closest candidate to a misspelt ``word`` (compared among similar lengths only)."""
    lowered = word.lower()
    near = [c for c in candidates if abs(len(c) - len(word)) <= 2]
    from difflib import get_close_matches  # for a misspelling only: not on a clean path

    found = get_close_matches(lowered, [c.lower() for c in near], n=1)
    if not found:
        return None
    return next(c for c in near if c.lower() == found[0])


def _short(values: Sequence[str], limit: int = 4, total: int | None = None) -> str:
    """The first ``limit`` values and how many more (of ``total``, default all of them)."""
    shown = ", ".join(values[:limit])
    count = len(values) if total is None else total
    return shown + (f" and {count - limit} more" if count > limit else "")


# Work one lint run may spend on each of its two analyses whose cost grows with the product of
# a policy's distinct wildcard patterns and what they meet (every other check is about linear
# in the document). Only a hostile document comes near them: thousands of distinct patterns
# made of common short pieces (``*:*e*?``), which no index can narrow. Past one, the rest of
# that analysis is skipped with a ``not-checked`` warning, so no input within the size limits
# keeps ``validate`` busy for long. Both are counts, not clocks, so a run's findings do not
# depend on the machine's speed or load.
#
# Expanding wildcard Action entries over the IAM reference: the action names searched, for
# each distinct entry with no three-letter literal run to look its names up by: a wildcard
# service searches the names holding its longest run (every name, :data:`ALL_NAMES` about,
# when it has none), one service its own names.
EXPAND_WORK = 500_000
ALL_NAMES = 16_000
# The identity grants' verdicts against a permissions boundary: :attr:`BoundaryGate.work`
# (about 1-5 us a unit).
GATE_WORK = 800_000


class Linter:
    """Collects findings; one instance per lint run (the reference caches are global)."""

    def __init__(self, ref: Reference | None = None) -> None:
        self.ref = ref or reference()
        self.findings: list[Finding] = []
        self.role_name: str | None = None  # the role a bundle's policies belong to
        self.unexpanded = 0  # wildcard Action entries left unchecked (EXPAND_WORK)
        self._expanded: set[str] = set()  # the distinct ones expanded
        self._expand_work = 0

    def may_expand(self, pattern: str) -> bool:
        """Whether the wildcard Action entry ``pattern`` may be expanded within
        :data:`EXPAND_WORK` (an entry met before in this run costs nothing more)."""
        if pattern in self._expanded:
            return True
        service, _, name = pattern.lower().partition(":")
        run = max(name.replace("?", "*").split("*"), key=len)
        if len(run) < 3:  # no run to look names up by (a trigram)
            if _WILD & set(service):  # the names holding its longest run are searched
                cost = self.ref.names_holding(run) if run else ALL_NAMES
            else:
                svc = self.ref.service(service)
                cost = len(svc.actions) if svc else 0
            if self._expand_work + cost > EXPAND_WORK:
                return False
            self._expand_work += cost
        self._expanded.add(pattern)
        return True

    # -- helpers
    def add(
        self, code: str, message: str, file: str, pointer: str, severity: str | None = None
    ) -> None:
        self.findings.append(Finding(code, severity or CODES[code][0], message, file, pointer))
