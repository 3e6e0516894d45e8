"""A yes/no question as a modal with a typed result."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class ConfirmModal(ModalScreen[bool]):
    """Ask before doing something that changes the account; dismisses True or False."""

    BINDINGS = [
        Binding("escape", "no", "Cancel", id="confirm-no", tooltip="Do nothing"),
        Binding("y", "yes", "Yes", id="confirm-yes", tooltip="Go ahead"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes_label = yes
        # The footer names the key by what it does here ("y Apply"), as the button does.
        found = self._bindings.key_to_bindings
        found["y"] = [replace(b, description=yes) for b in found["y"]]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-title", markup=False)  # wraps
            if self.detail:
                with VerticalScroll(classes="dialog-detail"):
                    yield Static(self.detail, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes_label, id="yes", variant="warning", compact=True)
                yield Button("Cancel", id="no", compact=True)
        yield Footer()  # this dialog's own keys, not the wizard's underneath

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)
