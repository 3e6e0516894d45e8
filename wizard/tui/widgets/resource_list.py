"""A filter-as-you-type, multi-select list of discovered resources that stays fast at 10,000.

Only the first ``CAP`` matches become options (rebuilding an OptionList with thousands of
options costs ~150 ms a keystroke); the rest show as one "N more…" line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

CAP = 200


def filter_indexes(haystacks: Sequence[str], query: str, cap: int = CAP) -> tuple[list[int], int]:
    """Indexes of the first ``cap`` haystacks holding every word of ``query``, and the total."""
    words = query.lower().split()
    if not words:
        return list(range(min(cap, len(haystacks)))), len(haystacks)
    if len(words) == 1:
        word = words[0]
        hits = [i for i, hay in enumerate(haystacks) if word in hay]
    else:
        hits = [i for i, hay in enumerate(haystacks) if all(w in hay for w in words)]
    return hits[:cap], len(hits)


class ResourceList(OptionList):
    """The discovered resources of one kind (or one S3 level); enter/space toggles."""

    BINDINGS = [
        Binding("space", "toggle", "Select", id="resource-toggle", tooltip="Select or unselect"),
        Binding(
            "right",
            "drill",
            "Open",
            id="resource-open",
            tooltip="S3: open the bucket or prefix to list the prefixes below it",
        ),
        Binding("left", "up", "Up", id="resource-up", tooltip="S3: back to the level above"),
    ]

    class Toggled(Message):
        def __init__(self, item: Any) -> None:
            super().__init__()
            self.item = item

    class Drilled(Message):
        def __init__(self, item: Any) -> None:
            super().__init__()
            self.item = item

    class WentUp(Message):
        pass

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[Any] = []
        self.haystacks: list[str] = []
        self.query_text = ""
        self.shown: list[int] = []
        self.marks: list[bool] = []  # whether each shown item is marked chosen
        self.total_matches = 0
        self.is_selected: Callable[[Any], bool] = lambda item: False
        self.drillable = False  # S3: → opens a bucket or prefix (and the footer says so)

    def set_drillable(self, drillable: bool) -> None:
        if drillable != self.drillable:
            self.drillable = drillable
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "drill":
            return self.drillable
        return super().check_action(action, parameters)

    def set_items(self, items: list[Any]) -> None:
        self.items = list(items)
        self.haystacks = [f"{i.name} {i.arn}".lower() for i in self.items]
        self.rebuild()

    def add_items(self, items: list[Any]) -> None:
        self.items.extend(items)
        self.haystacks.extend(f"{i.name} {i.arn}".lower() for i in items)
        if len(self.shown) < CAP or not self.query_text:
            self.rebuild()

    def set_query(self, text: str) -> None:
        self.query_text = text
        self.rebuild()

    def prompt(self, item: Any, selected: bool | None = None) -> Content:
        if selected is None:
            selected = self.is_selected(item)
        mark = "[$success]✔[/]" if selected else "[dim]·[/]"
        detail = getattr(item, "detail", {}) or {}
        extra = detail.get("alias") or detail.get("title") or detail.get("region") or ""
        if extra:
            return Content.from_markup(f"{mark} $name [dim]$extra[/]", name=item.name, extra=extra)
        return Content.from_markup(f"{mark} $name", name=item.name)

    def rebuild(self) -> None:
        highlighted = self.highlighted
        self.shown, self.total_matches = filter_indexes(self.haystacks, self.query_text)
        self.marks = [self.is_selected(self.items[i]) for i in self.shown]
        options = [
            Option(self.prompt(self.items[i], mark), id=str(i))
            for i, mark in zip(self.shown, self.marks, strict=True)
        ]
        more = self.total_matches - len(self.shown)
        if more > 0:
            options.append(
                Option(
                    Content.from_markup(f"[dim]{more:,} more… (type to narrow)[/]"), disabled=True
                )
            )
        self.set_options(options)
        if options and not options[0].disabled:
            self.highlighted = min(highlighted or 0, len(self.shown) - 1)

    def refresh_marks(self) -> None:
        """Mark the shown items chosen or not; only the options whose mark changed are
        redrawn."""
        for pos, i in enumerate(self.shown):
            selected = self.is_selected(self.items[i])
            if selected != self.marks[pos]:
                self.marks[pos] = selected
                self.replace_option_prompt_at_index(pos, self.prompt(self.items[i], selected))

    def current_item(self) -> Any | None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        return self.items[int(option.id)]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Toggled(self.items[int(event.option.id)]))

    def action_toggle(self) -> None:
        item = self.current_item()
        if item is not None:
            self.post_message(self.Toggled(item))

    def action_drill(self) -> None:
        item = self.current_item()
        if item is not None:
            self.post_message(self.Drilled(item))

    def action_up(self) -> None:
        self.post_message(self.WentUp())
