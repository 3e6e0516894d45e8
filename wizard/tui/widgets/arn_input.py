"""An input for ARNs: away from the focus it shows the ARN from its first letter."""

from __future__ import annotations

from textual.events import Blur
from textual.widgets import Input


class ArnInput(Input):
    """A long ARN scrolls while it is typed (the cursor stays in view); once the focus leaves,
    the box goes back to the ARN's start, where ``arn:PARTITION:SERVICE`` says what it is."""

    def _on_blur(self, event: Blur) -> None:
        super()._on_blur(event)
        self.scroll_to(x=0, animate=False)
