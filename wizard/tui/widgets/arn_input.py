"""Inputs for long values: away from the focus they show the part that says what it is."""

from __future__ import annotations

from textual.events import Blur, Resize
from textual.widgets import Input


class ArnInput(Input):
    """A long ARN scrolls while it is typed (the cursor stays in view); once the focus leaves,
    or the box is resized, it goes back to the ARN's start, where ``arn:PARTITION:SERVICE``
    says what it is."""

    def rest_x(self) -> float:
        """Where the view rests away from the focus."""
        return 0

    def _on_blur(self, event: Blur) -> None:
        super()._on_blur(event)
        self.scroll_to(x=self.rest_x(), animate=False)

    def on_resize(self, event: Resize) -> None:
        if not self.has_focus:  # a step built ahead at another size keeps no stale offset
            self.call_after_refresh(lambda: self.scroll_to(x=self.rest_x(), animate=False))


class PathInput(ArnInput):
    """A file or folder path: away from the focus it shows its end, the file's own name."""

    def rest_x(self) -> float:
        return self.max_scroll_x
