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

from wizard.tui.state import STEP_NAMES, STEPS


def step_index(draft: Any) -> int:
    """The step a draft was left on (0, the first, for a draft that does not say)."""
    return STEP_NAMES.index(draft.step) if draft.step in STEP_NAMES else 0


def draft_row(draft: Any) -> Content:
    """One draft in the list: function, step, time, resource count."""
    index = step_index(draft)
    noun = "resource" if draft.resources == 1 else "resources"
    where = f"  editing {draft.source}" if draft.source else ""
    return Content.from_markup(
        "[b]$function[/]  step $n $step  [dim]$when[/]  $count $noun$where",
        function=draft.function,
        n=str(index + 1),
        step=STEPS[index].title,
        when=draft.saved,
        count=str(draft.resources),
        noun=noun,
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
            count = len(self.drafts)
            yield Static(
                f"{count} draft{'s' * (count != 1)} kept in {self.drafts[0].path.parent}; "
                "enter resumes the highlighted one at its step.",
                markup=False,
            )
            yield OptionList(
                *(Option(draft_row(d), id=d.id) for d in self.drafts), id="resume-drafts"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume", id="resume", variant="primary")
                yield Button("Start afresh", id="fresh")
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
