"""What the wizards offer from a scan of the handler's code ("scan my code", issue #15): the
suggested entries, each with where the code calls it and whether it is preselected; the names
left unresolved (an environment variable's value can be typed); and the spec with the accepted
entries merged in.

Nothing here decides anew what the scan means: the calls are read by
:func:`~wizard.scan.sources.scan_sources`, bound by :func:`~wizard.scan.bind.bind` (a typed
value goes through it as the variable's value, so the kind's field rule checks it), merged by
:func:`~wizard.scan.bind.merge` (as ``scan --into`` does: the user's entries are kept, a
duplicate is not added) and each entry is checked by :func:`~wizard.entries.check_entry`.
Domain code: no UI imports.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from wizard.entries import EntryKey, check_entry, entry_key
from wizard.scan.bind import Binding, Suggestion, Unresolved, bind, merge
from wizard.scan.calls import SdkCall, Where
from wizard.scan.sources import SourceScan, scan_sources, source_files
from wizard.spec import RoleSpec
from wizard.text import noun


@dataclass(frozen=True)
class Offered:
    """One suggestion as a wizard lists it."""

    suggestion: Suggestion
    key: EntryKey
    origin: str  # where the code first calls it (FILE:LINE, FILE relative to what was scanned)
    chosen: bool  # the spec has an entry for this resource already (kept as the user set it)
    problem: str | None  # why the spec cannot take it (check_entry), None when it can

    @property
    def addable(self) -> bool:
        return not self.chosen and self.problem is None


@dataclass(frozen=True)
class Unnamed:
    """A call the scan could not bind, with where it is; ``variable`` is the environment
    variable naming its resource when the user can type that variable's value."""

    unresolved: Unresolved
    origin: str
    variable: str | None


@dataclass
class ScanOffer:
    """One scan of ``path`` for the spec being edited; :meth:`rebind` with typed values."""

    path: str
    found: SourceScan
    spec: RoleSpec
    values: dict[str, str] = field(default_factory=dict)  # environment variables typed
    binding: Binding = field(default_factory=Binding)

    def __post_init__(self) -> None:
        self.binding = bind(self.found.calls, self.values, self.spec.resources)

    def origin(self, where: Where) -> str:
        """``where`` relative to the scanned folder (a scanned file: to its folder)."""
        return f"{self._relative(where.file)}:{where.line}"

    def _relative(self, name: str) -> str:
        base = self.path if os.path.isdir(self.path) else os.path.dirname(self.path)
        prefix = os.path.join(base, "") if base else ""
        return name[len(prefix) :] if prefix and name.startswith(prefix) else name

    def skipped(self) -> list[str]:
        """The files the scan could not read, one line each (``FILE[:LINE]: why``)."""
        return [f"{self._relative(where)}: {why}" for where, why in self.found.skipped]

    def summary(self) -> str:
        """What the scan found, said once for every front: ``Scanned 4 files, 9 AWS calls: 4
        suggested, 2 unresolved`` (and how many files it skipped)."""
        files, calls = len(self.found.files), len(self.found.calls)
        out = (
            f"Scanned {files:,} {noun(files, 'file')}, {calls:,} AWS {noun(calls, 'call')}: "
            f"{len(self.binding.suggestions)} suggested, {len(self.binding.unresolved)} unresolved"
        )
        skipped = len(self.found.skipped)
        return out + (f", {skipped} skipped" if skipped else "")

    def rebind(self, values: dict[str, str]) -> None:
        """Bind the calls again with ``values`` for environment variables (empty ones unset)."""
        self.values = {k: v.strip() for k, v in values.items() if v.strip()}
        self.binding = bind(self.found.calls, self.values, self.spec.resources)

    def offered(self) -> list[Offered]:
        """The suggestions, each with its origin, and whether the spec has it or cannot take
        it (:func:`preselected` says which a wizard ticks)."""
        have = {entry_key(e) for e in self.spec.resources}
        out = []
        for suggestion in self.binding.suggestions:
            key = entry_key(suggestion.entry)
            chosen = key in have
            problem = None if chosen else check_entry(self.spec, suggestion.entry)
            out.append(Offered(suggestion, key, self.origin(suggestion.first), chosen, problem))
        return out

    def unnamed(self) -> list[Unnamed]:
        """The calls left unresolved, each with the environment variable the user may give."""
        variables = _variables(self.found.calls)
        return [
            Unnamed(u, self.origin(u.where), variables.get((u.where, u.operation)))
            for u in self.binding.unresolved
        ]

    def variable_problem(self, variable: str) -> str | None:
        """Why the value typed for ``variable`` names no resource (the kind's field rule, as the
        binder says it), or None when every call reading it is bound now."""
        for item in self.unnamed():
            if item.variable == variable and variable in self.values:
                return item.unresolved.reason
        return None


def preselected(offered: Iterable[Offered], dropped: Iterable[EntryKey] = ()) -> list[EntryKey]:
    """What a wizard ticks: every suggestion the spec can take and lacks, but those dropped."""
    gone = set(dropped)
    return [o.key for o in offered if o.addable and o.key not in gone]


def _variables(calls: Iterable[SdkCall]) -> dict[tuple[Where, str], str]:
    """Each call's environment variable (the first request member read from one)."""
    out: dict[tuple[Where, str], str] = {}
    for call in calls:
        for value in call.params.values():
            if value.env is not None:
                out.setdefault((call.where, f"{call.service}:{call.operation}"), value.env)
    return out


def code_files(path: str) -> list[str]:
    """The code files a scan of ``path`` reads (as ``role-wizard scan`` picks them); raises
    UserError for a path that is not there."""
    return source_files([path])


def scan_offer(
    path: str,
    spec: RoleSpec,
    values: dict[str, str] | None = None,
    *,
    files: list[str] | None = None,
) -> ScanOffer:
    """Scan ``path`` (a file or folder; ``files``: its code files, when counted already) for
    the spec; raises UserError for a path that is not there. A file that cannot be read is
    listed in ``found.skipped`` and the scan goes on, as ``role-wizard scan`` does."""
    found = scan_sources(files if files is not None else [path])
    offer = ScanOffer(path, found, spec)
    if values:
        offer.rebind(values)
    return offer


def accept(
    spec: RoleSpec, offer: ScanOffer, keys: Iterable[EntryKey]
) -> tuple[RoleSpec, dict[int, Suggestion]]:
    """``spec`` with the accepted suggestions (``keys``) merged in as ``scan --into`` merges
    them: the user's entries kept, one already there not added twice; and which were added."""
    wanted = set(keys)
    taken = [s for s in offer.binding.suggestions if entry_key(s.entry) in wanted]
    return merge(spec, Binding(suggestions=taken))
