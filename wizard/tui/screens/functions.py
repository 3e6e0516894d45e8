"""On opening an app spec: choose the function whose role to edit."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from wizard.text import count


def function_row(app: Any, index: int) -> Content:
    """One function of the app: its name, role, resource count and boundary."""
    role = app.role(index)
    return Content.from_markup(
        "[b]$function[/]  $role  [dim]$count, boundary $boundary[/]",
        function=role.function,
        role=role.role_name,
        count=count(len(role.resources), "resource"),
        boundary=role.boundary,
    )


class FunctionChooser(ModalScreen[int]):
    """Dismissed with the index of the chosen function (the app's others stay as written)."""

    def __init__(self, app_spec: Any, source: str) -> None:
        super().__init__()
        self.app_spec = app_spec
        self.source = source

    def compose(self) -> ComposeResult:
        count = len(self.app_spec.functions)
        with Vertical(classes="dialog", id="functions-dialog"):
            yield Label(f"App {self.app_spec.app}: which function?", classes="dialog-title")
            yield Static(
                f"{self.source} holds {count} functions, one role each. Enter edits the "
                "highlighted one's role; saving writes it back and keeps the others as they are.",
                markup=False,
            )
            yield OptionList(
                *(Option(function_row(self.app_spec, i), id=f"fn-{i}") for i in range(count)),
                id="functions",
            )

    def on_mount(self) -> None:
        functions = self.query_one("#functions", OptionList)
        functions.highlighted = 0
        functions.focus()

    @on(OptionList.OptionSelected, "#functions")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)
