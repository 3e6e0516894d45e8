"""On start: offer the kept drafts, newest first, to resume one where it was left."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from wizard.text import count
from wizard.tui.state import STEP_NAMES, STEPS


def step_index(draft: Any) -> int:
    """The step a draft was left on (0, the first, for a draft that does not say)."""
    return STEP_NAMES.index(draft.step) if draft.step in STEP_NAMES else 0


def draft_row(draft: Any) -> Content:
    """One draft in the list, two lines that wrap nowhere at 80 columns: the function, then
    its step, resource count, time saved (and the spec file an ``edit`` session saves to); a
    longer line ends in "…" (wizard.tcss)."""
    index = step_index(draft)
    where = f"\nediting {draft.source}" if draft.source else ""
    return Content.from_markup(
        "[b]$function[/]\n[dim]step $n $step · $count · $when$where[/]",
        function=draft.function,
        n=str(index + 1),
        step=STEPS[index].title,
        count=count(draft.resources, "resource"),
        when=draft.saved,
        where=where,
    )


class ResumeModal(ModalScreen[Any]):
    """Dismissed with the chosen draft, or None to start afresh (the drafts stay kept)."""

    BINDINGS = [
        Binding("escape", "fresh", "Start afresh", id="resume-no", tooltip="Start a new role"),
        Binding("r", "resume", "Resume", id="resume-yes", tooltip="Resume the highlighted draft"),
    ]

    def __init__(self, drafts: list[Any]) -> None:
        super().__init__()
        self.drafts = drafts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="resume-dialog"):
            yield Label("Resume where you left off?", classes="dialog-title")
            yield Static(
                "Enter resumes the highlighted draft at the step it was left on.", markup=False
            )
            yield OptionList(
                *(Option(draft_row(d), id=d.id) for d in self.drafts), id="resume-drafts"
            )
            kept = count(len(self.drafts), "draft")
            yield Static(f"{kept} kept in\n{self.drafts[0].path.parent}", classes="dialog-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume", id="resume", variant="primary", compact=True)
                yield Button("Start afresh", id="fresh", compact=True)
        yield Footer()  # this dialog's own keys, not the wizard's underneath

    def on_mount(self) -> None:
        drafts = self.query_one("#resume-drafts", OptionList)
        drafts.highlighted = 0
        drafts.focus()

    @on(OptionList.OptionSelected, "#resume-drafts")
    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        index = self.query_one("#resume-drafts", OptionList).highlighted or 0
        self.dismiss(self.drafts[index])

    @on(Button.Pressed, "#fresh")
    def action_fresh(self) -> None:
        self.dismiss(None)
