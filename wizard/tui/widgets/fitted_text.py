"""Text whose long lines wrap between tokens, never inside one: JSON, plans and statements.

A terminal's own wrapping folds a long word (an ARN) at the edge and carries the rest to column
0. Here a line too long for the width breaks only at a space outside a JSON string, and the
rest continues under the line's own indent plus two: a long ``"Resource": "arn:..."`` puts the
whole ARN on the next line, and the text stays valid JSON. A token longer than the width keeps
its line whole; the view around it (``FitScroll``) scrolls sideways.
"""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.widgets import Static

HANG = 2  # a continued line's indent beyond its first line's


def outside_strings(line: str) -> list[int]:
    """The offsets of the characters outside double-quoted (JSON) strings."""
    outside = []
    quoted = escaped = False
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(i)
    return outside


def break_points(line: str) -> list[int]:
    """The offsets of the spaces a line may break at: outside double-quoted strings."""
    return [i for i in outside_strings(line) if line[i] == " "]


def fit_line(line: str, width: int, split_after: str = "") -> list[tuple[int, int, int]]:
    """Where ``line`` breaks to fit ``width`` columns: (indent, start, end) a piece, the piece
    being ``line[start:end]`` drawn after ``indent`` spaces (the first piece keeps its own).
    A token too long for a line breaks after one of ``split_after`` (``:/`` for an ARN in
    prose; never inside a quoted string, so JSON stays JSON) if given, else stays whole."""
    if width <= 0 or len(line) <= width:
        return [(0, 0, len(line))]
    indent = len(line) - len(line.lstrip(" "))
    hang = min(indent + HANG, width // 2)
    outside = outside_strings(line)
    points = [p for p in outside if line[p] == " " and p > indent]
    seps = [p + 1 for p in outside if line[p] in split_after]
    pieces: list[tuple[int, int, int]] = []
    lead, start = 0, 0
    while True:
        room = width - lead
        if len(line) - start <= room:
            break
        fitting = [p for p in points if start < p <= start + room]
        inside = [p for p in seps if start < p <= start + room]
        if not fitting and inside:  # a long ARN: the line breaks after a separator in it
            pieces.append((lead, start, inside[-1]))
            start, lead = inside[-1], hang
            continue
        later = [p for p in points if p > start]
        cut = fitting[-1] if fitting else later[0] if later else None
        if cut is None:  # one token to the end: it stays whole
            break
        end = len(line[:cut].rstrip(" "))
        if end > start:
            pieces.append((lead, start, end))
        start = cut
        while start < len(line) and line[start] == " ":
            start += 1
        lead = hang
    pieces.append((lead, start, len(line)))
    # a continued piece too wide for its indent moves left (whole) as far as it must
    return [(max(0, min(lead, width - (end - start))), start, end) for lead, start, end in pieces]


def fit_content(content: Content, width: int, split_after: str = "") -> Content:
    """``content`` with each line too long for ``width`` broken as ``fit_line`` says (styles
    kept)."""
    out: list[Content] = []
    for line in content.split("\n", allow_blank=True):
        for lead, start, end in fit_line(line.plain, width, split_after):
            piece = line[start:end]
            out.append(Content(" " * lead) + piece if lead else piece)
    return Content("\n").join(out)


class FittedText(Static):
    """A Static that fits its lines to the width its ``FitScroll`` gives (``fit_content``)."""

    DEFAULT_CSS = "FittedText { width: auto; min-width: 100%; text-wrap: nowrap; }"

    _width = 0

    def __init__(self, content: str | Content = "", *, split_after: str = "", **kwargs: Any):
        super().__init__(content, **kwargs)
        self._source = self._as_content(content)
        self.split_after = split_after  # "" for JSON: its strings never break

    def _as_content(self, content: str | Content) -> Content:
        if isinstance(content, Content):
            return content
        return Content.from_markup(content) if self._render_markup else Content(content)

    def update(self, content: str | Content = "") -> None:  # type: ignore[override]
        self._source = self._as_content(content)
        super().update(self._fitted())

    @property
    def text(self) -> str:
        """What the widget says, as given (not wrapped to its width)."""
        return self._source.plain

    def _fitted(self) -> Content:
        return fit_content(self._source, self._width, self.split_after)

    def fit_to(self, width: int) -> None:
        if width != self._width:
            self._width = width
            super().update(self._fitted())


class ArnNote(FittedText):
    """A note in a pane (an ARN's expected form) that wraps at its own width, an ARN longer
    than the line breaking after a ``:`` or ``/`` rather than at any letter."""

    DEFAULT_CSS = "ArnNote { width: 1fr; text-wrap: nowrap; }"

    def __init__(self, content: str | Content = "", **kwargs: Any) -> None:
        super().__init__(content, split_after=":/", **kwargs)

    def on_resize(self) -> None:
        self.fit_to(self.content_region.width)


class FitScroll(VerticalScroll):
    """A scrolling view whose ``FittedText`` children wrap at its width, and scroll sideways
    where one token is wider than it."""

    DEFAULT_CSS = "FitScroll { overflow-x: auto; scrollbar-gutter: stable; }"

    def on_resize(self, event: Resize) -> None:
        self._fit()

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        width = self.scrollable_content_region.width
        for child in self.query_children(FittedText):
            child.fit_to(width)
