"""The row of steps at the top of every screen; each step is a link (the mouse works)."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from wizard.tui.state import STEPS

SHORT_TITLES = ("Function", "Resources", "Access", "Options", "Review", "Finish")


def step_bar_content(current: int, width: int | None = None) -> Content:
    """The steps with the current one highlighted, in the widest form that fits ``width``:
    full titles, then tighter separators, short titles, and numbers only but the current."""
    full = [step.title for step in STEPS]
    numbers = ["" if i != current else SHORT_TITLES[i] for i in range(len(STEPS))]
    forms = ((full, " › "), (full, "›"), (list(SHORT_TITLES), "›"), (numbers, "›"))
    for titles, separator in forms:
        content = _bar(current, titles, separator)
        if width is None or content.cell_length <= width:
            return content
    return content


def _bar(current: int, titles: list[str], separator: str) -> Content:
    parts = []
    for i, title in enumerate(titles):
        if i:
            parts.append(Content.from_markup("[dim]$sep[/]", sep=separator))
        label = f" {i + 1} {title} " if title else f" {i + 1} "
        style = "reverse bold" if i == current else ""
        parts.append(
            Content.from_markup(
                f"[@click=app.goto({i})][{style}]$label[/][/]"
                if style
                else f"[@click=app.goto({i})]$label[/]",
                label=label,
            )
        )
    return Content("").join(parts)


class StepBar(Widget):
    DEFAULT_CSS = """
    StepBar { height: 1; width: 1fr; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def render(self) -> Content:
        return step_bar_content(self.current, self.size.width or None)
