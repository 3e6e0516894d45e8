"""Step 3: the access profile for the resources just chosen; they join the spec (each once)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from questionary import Choice

from wizard.entries import entry_key, entry_label
from wizard.spec import ResourceEntry

if TYPE_CHECKING:
    from wizard.plain.app import PlainWizard


def ask_access(wizard: PlainWizard, kind_name: str, count: int) -> str:
    kind = wizard.cat.kinds[kind_name]
    if len(kind.profiles) == 1:
        ((name, profile),) = kind.profiles.items()
        wizard.say(f"access: {name}: {profile.summary}")
        return name
    what = kind.title if count == 1 else f"the {count} {kind.title} resources"
    choices = [Choice(f"{name}: {p.summary}", value=name) for name, p in kind.profiles.items()]
    return str(wizard.select(f"Access to {what}:", choices, default=kind.default_access))


def add_with_access(wizard: PlainWizard, kind_name: str, entries: list[ResourceEntry]) -> None:
    """Ask the access for ``entries`` and add them; one already chosen is said, not repeated."""
    spec = wizard.spec_
    chosen = {entry_key(e) for e in spec.resources}
    fresh = []
    for entry in entries:
        if entry_key(entry) in chosen:
            wizard.say(f"{entry_label(entry)} is already chosen")
        else:
            chosen.add(entry_key(entry))
            fresh.append(entry)
    if not fresh:
        return
    access = ask_access(wizard, kind_name, len(fresh))
    default = wizard.cat.kinds[kind_name].default_access
    for entry in fresh:
        if access != default:
            entry.access = access
        spec.resources = [*spec.resources, entry]
        wizard.say(f"added {entry_label(entry)} ({access})")
