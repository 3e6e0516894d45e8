"""On start: offer to resume the newest draft."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ResumeModal(ModalScreen[bool]):
    """True: resume the draft; False: start afresh (the draft stays in the drafts folder)."""

    BINDINGS = [
        Binding("escape", "fresh", "Start afresh", id="resume-no", tooltip="Start a new role"),
        Binding("r", "resume", "Resume", id="resume-yes", tooltip="Resume the draft"),
    ]

    def __init__(self, draft: Any, count: int = 1) -> None:
        super().__init__()
        self.draft = draft
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="resume-dialog"):
            yield Label("Resume where you left off?", classes="dialog-title")
            others = self.count - 1
            more = (
                f"\n({others} older draft{'s' * (others != 1)} kept in {self.draft.path.parent})"
                if others
                else ""
            )
            yield Static(f"{self.draft.label}{more}", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume", id="resume", variant="primary")
                yield Button("Start afresh", id="fresh")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#fresh")
    def action_fresh(self) -> None:
        self.dismiss(False)
