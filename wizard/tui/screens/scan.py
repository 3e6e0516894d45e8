"""Step 2's "scan my code" (ctrl+o): scan a file or folder of handler code in a thread worker,
list what it suggests -- preselected, each with the FILE:LINE that asked for it -- and the
calls it could not bind; space keeps or drops each, a value typed for an environment variable
binds the calls that read it. Returns the user's choice; the step merges it into the spec.

Every decision is the domain's (:mod:`wizard.scan.offer`): this screen gathers the path, the
ticks and the typed values, and shows the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from wizard.entries import EntryKey, entry_label
from wizard.errors import UserError
from wizard.scan.offer import (
    Offered,
    ScanOffer,
    Unnamed,
    code_files,
    preselected,
    scan_offer,
)
from wizard.tui.messages import ScanCounted, ScanFinished
from wizard.tui.state import ScanMemory


@dataclass(frozen=True)
class ScanChoice:
    """What the user accepted from one scan, and which suggestions they dropped."""

    offer: ScanOffer
    accepted: list[EntryKey]
    dropped: list[EntryKey]


def offered_prompt(item: Offered) -> Content:
    """One suggestion's line: the entry, its profile, where the code calls it, and why it is
    not selectable when it is not."""
    entry = item.suggestion.entry
    text = Content.from_markup(
        "$label · $access  [dim]$origin[/]",
        label=entry_label(entry),
        access=entry.access or "",
        origin=item.origin,
    )
    if item.chosen:
        return text + Content.from_markup("  [dim](chosen already)[/]")
    if item.problem:
        return text + Content.from_markup("  [$error]✗ $why[/]", why=item.problem)
    if item.suggestion.uncovered:
        missing = ", ".join(item.suggestion.uncovered)
        return text + Content.from_markup("  [$warning]not granted: $m[/]", m=missing)
    return text


class ScanModal(ModalScreen[ScanChoice | None]):
    """Scan a path; space keeps or drops a suggestion; ctrl+s (or Add) adds the kept ones."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="scan-cancel", tooltip="Add nothing"),
        Binding(
            "ctrl+s",
            "accept",
            "Add selected",
            id="scan-accept",
            tooltip="Add the selected suggestions to the spec",
            priority=True,
        ),
    ]

    def __init__(self, spec: Any, memory: ScanMemory) -> None:
        super().__init__()
        self.spec = spec
        self.memory = memory
        self.offer: ScanOffer | None = None
        self.offered: list[Offered] = []
        self.generation = 0  # the scan whose results are shown (a newer one replaces them)
        self._previous: list[Offered] = []  # what the list showed before a rebind

    def compose(self) -> ComposeResult:
        with Vertical(id="scan-dialog", classes="dialog"):
            yield Label(
                "Scan my code: resources from the handler's AWS calls", classes="dialog-title"
            )
            with Horizontal(id="scan-path-row"):
                yield Label("File or folder ", classes="scan-label")
                yield Input(self.memory.path or ".", id="scan-path", compact=True)
            yield Static(
                "[dim]enter scans (offline: nothing leaves this machine)[/]", id="scan-state"
            )
            yield Label(
                "[b]Found[/]  [dim]space keeps or drops · ctrl+s adds the ticked · escape "
                "adds nothing[/]",
                id="scan-found-title",
            )
            yield SelectionList[EntryKey](id="scan-found")
            yield VerticalScroll(id="scan-notes")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Scan", id="scan-run", compact=True)
                yield Button("Add selected", id="scan-accept", variant="primary", compact=True)
                yield Button("Cancel", id="scan-cancel", compact=True)
        yield Footer()  # this dialog's own keys, not the wizard's underneath

    def on_mount(self) -> None:
        self.query_one("#scan-path", Input).focus()

    # ---------------------------------------------------------------- scanning

    @on(Input.Submitted, "#scan-path")
    @on(Button.Pressed, "#scan-run")
    def action_scan(self) -> None:
        path = self.query_one("#scan-path", Input).value.strip() or "."
        self.generation += 1
        self.offer, self.offered = None, []
        self.query_one("#scan-found", SelectionList).clear_options()
        self.query_one("#scan-notes", VerticalScroll).remove_children()
        self._state(Content("scanning…"))
        self.run_scan(path, dict(self.memory.values), self.generation)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def run_scan(self, path: str, values: dict[str, str], generation: int) -> None:
        """Count the code files under ``path``, then scan them (off the UI thread)."""
        try:
            files = code_files(path)
            self.post_message(ScanCounted(len(files), generation))
            offer = scan_offer(path, self.spec, values, files=files)
        except UserError as exc:
            self.post_message(ScanFinished(None, str(exc), generation))
            return
        except Exception as exc:  # noqa: BLE001 - said on one line, never a traceback
            self.post_message(ScanFinished(None, f"{type(exc).__name__}: {exc}", generation))
            return
        self.post_message(ScanFinished(offer, "", generation))

    def on_scan_counted(self, message: ScanCounted) -> None:
        if message.generation == self.generation:
            noun = "file" if message.files == 1 else "files"
            self._state(Content(f"scanning {message.files:,} {noun}…"))

    def on_scan_finished(self, message: ScanFinished) -> None:
        if message.generation != self.generation:
            return
        if message.offer is None:
            self._state(Content.from_markup("[$error]✗ $error[/]", error=message.error), True)
            self.query_one("#scan-path", Input).focus()
            return
        self.offer = message.offer
        self.memory.path = self.offer.path
        self._show(keep=None)
        self.query_one("#scan-found", SelectionList).focus()

    def _state(self, text: Content, error: bool = False) -> None:
        widget = self.query_one("#scan-state", Static)
        widget.set_class(error, "-error")
        widget.update(text)

    # ---------------------------------------------------------------- results

    def _show(self, keep: set[EntryKey] | None) -> None:
        """List the offer's suggestions: ticked as ``keep`` says where it says (a rebind keeps
        the user's ticks), else preselected (what the spec lacks, but those dropped before)."""
        assert self.offer is not None
        offer = self.offer
        self.offered = offer.offered()
        ticked = set(preselected(self.offered, self.memory.dropped))
        if keep is not None:
            shown_before = {o.key for o in self._previous}
            ticked = {k for k in ticked if k not in shown_before} | keep
        found = self.query_one("#scan-found", SelectionList)
        found.clear_options()
        found.add_options(
            [
                Selection(
                    offered_prompt(o), o.key, o.key in ticked and o.addable, disabled=not o.addable
                )
                for o in self.offered
            ]
        )
        self._previous = list(self.offered)
        summary = offer.summary()
        self._state(Content(summary))
        self._show_notes()

    def _show_notes(self) -> None:
        """The files skipped and the calls left unresolved; an input for each environment
        variable naming a resource, to type its value (checked by the binder, never widened)."""
        assert self.offer is not None
        notes = self.query_one("#scan-notes", VerticalScroll)
        notes.remove_children()
        widgets: list[Any] = [
            Static(Content.from_markup("[$error]✗ skipped $line[/]", line=line))
            for line in self.offer.skipped()
        ]
        unnamed = self.offer.unnamed()
        if unnamed or self.offer.values:
            widgets.append(
                Label("Not bound (never widened: give the variable, or add it yourself)")
            )
        # each environment variable still unbound, or given a value (to change it), with an
        # input for its value and the calls reading it
        variables = {i.variable for i in unnamed if i.variable} | set(self.offer.values)
        for variable in sorted(variables):
            widgets.append(
                Horizontal(
                    Label(f"  {variable} = ", classes="scan-label"),
                    Input(
                        self.offer.values.get(variable, ""),
                        name=variable,
                        placeholder="its value (a name or ARN); enter binds it",
                        compact=True,
                    ),
                    classes="scan-var-row",
                )
            )
            problem = self.offer.variable_problem(variable)
            if problem:
                widgets.append(Static(Content.from_markup("    [$error]✗ $p[/]", p=problem)))
            reads = [i for i in unnamed if i.variable == variable]
            widgets.extend(self._unnamed_line(i, "") for i in reads)
        for item in unnamed:
            if item.variable is None:
                widgets.append(self._unnamed_line(item, item.unresolved.reason))
        if widgets:
            notes.mount_all(widgets)

    @staticmethod
    def _unnamed_line(item: Unnamed, why: str) -> Static:
        text = Content.from_markup(
            "    [dim]$origin[/] $op", origin=item.origin, op=item.unresolved.operation
        )
        if why:
            text += Content.from_markup(": $why", why=why)
        return Static(text, classes="scan-unnamed")

    @on(Input.Submitted, ".scan-var-row Input")
    def _variable_given(self, event: Input.Submitted) -> None:
        event.stop()
        if self.offer is None or not event.input.name:
            return
        keep = set(self.query_one("#scan-found", SelectionList).selected)
        self.offer.rebind(self.offer.values | {event.input.name: event.value})
        self.memory.values = dict(self.offer.values)
        self._show(keep=keep)
        self.query_one("#scan-found", SelectionList).focus()

    # ---------------------------------------------------------------- leaving

    @on(Button.Pressed, "#scan-accept")
    def action_accept(self) -> None:
        if self.offer is None:
            self.notify("scan first: enter a file or folder and press enter", timeout=3)
            return
        selected = set(self.query_one("#scan-found", SelectionList).selected)
        accepted = [o.key for o in self.offered if o.addable and o.key in selected]
        dropped = [o.key for o in self.offered if o.addable and o.key not in selected]
        self.dismiss(ScanChoice(self.offer, accepted, dropped))

    @on(Button.Pressed, "#scan-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
