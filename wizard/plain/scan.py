"""Before the resources: "Scan a folder for AWS calls?" -- the handler's code scanned (offline),
what it suggests shown as a checkbox, preselected, each with the FILE:LINE that asked for it;
an environment variable naming a resource can be given its value. The domain decides
everything (:mod:`wizard.scan.offer`, as the full-screen wizard's "scan my code")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from questionary import Choice

from wizard.entries import entry_label
from wizard.errors import UserError
from wizard.scan.offer import ScanOffer, accept, preselected, scan_offer

if TYPE_CHECKING:
    from wizard.plain.app import PlainWizard


def offer_scan(wizard: PlainWizard) -> None:
    """Ask for a path, scan it, ask the unbound variables' values, then which to add."""
    if not wizard.confirm("Scan a folder for AWS calls?", default=False):
        return
    path = "."
    while True:
        path = wizard.text("Folder or file to scan:", default=path)
        wizard.say(f"scanning {path} ...")
        try:
            offer = scan_offer(path, wizard.spec_)
        except UserError as exc:  # said on one line; asked again with what was typed
            wizard.say(str(exc))
            continue
        break
    ask_variables(wizard, offer)
    offered = offer.offered()
    wizard.say(offer.summary())
    for line in offer.skipped():
        wizard.say(f"  skipped {line}")
    for item in offer.unnamed():
        wizard.say(
            f"  not bound: {item.origin} {item.unresolved.operation}: {item.unresolved.reason}"
        )
    if not any(o.addable for o in offered):
        wizard.say("nothing to add from the scan")
        return
    ticked = set(preselected(offered))
    choices = []
    for o in offered:
        title = f"{entry_label(o.suggestion.entry)} · {o.suggestion.entry.access}  ({o.origin})"
        disabled = "chosen already" if o.chosen else o.problem
        choices.append(Choice(title, value=o.key, checked=o.key in ticked, disabled=disabled))
    keys = wizard.checkbox(
        "Found in the code (preselected):",
        choices,
        instruction="(space keeps or drops, Enter adds the ticked)",
    )
    merged, added = accept(wizard.spec_, offer, keys)
    wizard.spec_.resources = merged.resources
    noun = "resource" if len(added) == 1 else "resources"
    wizard.say(f"added {len(added)} {noun} from the scan")


def ask_variables(wizard: PlainWizard, offer: ScanOffer) -> None:
    """Each environment variable naming a resource no value binds: its value (empty leaves it
    unbound), checked by the binder as the kind's field rule says."""
    unbound: dict[str, str] = {}
    for item in offer.unnamed():
        if item.variable:
            unbound.setdefault(item.variable, item.origin)
    for variable, origin in sorted(unbound.items()):
        given = dict(offer.values)

        def check(value: str, variable: str = variable, given: dict = given) -> bool | str:
            if not value.strip():
                return True
            offer.rebind(given | {variable: value})
            return offer.variable_problem(variable) or True

        value = wizard.text(
            f"{variable} (read at {origin}) names a resource: its value?",
            instruction="(empty leaves it unbound)",
            validate=check,
        )
        offer.rebind(given | ({variable: value} if value else {}))
