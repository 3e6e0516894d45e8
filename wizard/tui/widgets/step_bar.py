"""The row of steps at the top of every screen; each step is a link (the mouse works)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


def step_bar_content(current: int) -> Content:
    from wizard.tui.app import STEPS

    parts = []
    for i, (_name, title, _m, _c) in enumerate(STEPS):
        if i:
            parts.append(Content.from_markup("[dim] › [/]"))
        style = "reverse bold" if i == current else ""
        parts.append(
            Content.from_markup(
                f"[@click=app.goto({i})][{style}] $n $title [/][/]"
                if style
                else f"[@click=app.goto({i})] $n $title [/]",
                n=str(i + 1),
                title=title,
            )
        )
    return Content("").join(parts)


class StepBar(Static):
    DEFAULT_CSS = """
    StepBar { height: 1; width: 1fr; background: $panel; color: $text-muted; }
    StepBar .-current { color: $text; }
    """

    def __init__(self, current: int) -> None:
        super().__init__(step_bar_content(current))
        self.current = current
