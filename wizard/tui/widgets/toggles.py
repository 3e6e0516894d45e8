"""Check boxes, radio buttons and selection lists whose state shows in a glyph, not only in
a colour: ``▐X▌`` when on, ``▐ ▌`` when off (Textual draws the same ``X`` or ``●`` both ways)."""

from __future__ import annotations

from rich.segment import Segment
from textual import widgets
from textual.binding import Binding
from textual.strip import Strip
from textual.widgets.selection_list import SelectionType

OFF = " "


class Checkbox(widgets.Checkbox):
    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's name
        return "X" if self.value else OFF


class RadioButton(widgets.RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's name
        return "●" if self.value else OFF


class SelectionList(widgets.SelectionList[SelectionType]):
    """Textual's SelectionList with the off glyph blank."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        index = self.scroll_offset.y + y
        if index >= self.option_count or self.get_option_at_index(index).value in self._selected:
            return strip
        segments = list(strip)
        # the button is (left, inner, right, " ") before the prompt; see Textual's render_line
        if len(segments) > 1 and segments[1].text == widgets.Checkbox.BUTTON_INNER:
            segments[1] = Segment(OFF, segments[1].style, segments[1].control)
        return Strip(segments, strip.cell_length)


class RadioList(widgets.OptionList):
    """An option list whose options are radio choices (one is on): space chooses the
    highlighted one, as enter does and as space does on a radio button."""

    BINDINGS = [Binding("space", "select", "Choose", show=False)]
