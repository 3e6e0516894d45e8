"""A search box over a list: down enters the list below it (the next control)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class FilterInput(Input):
    """An ``Input`` that filters the list after it; down moves the focus into that list.

    Enter is the screen's to handle (both screens select the highlighted match)."""

    BINDINGS = [Binding("down", "enter_list", "To the list", show=False)]

    def action_enter_list(self) -> None:
        self.screen.focus_next()
