"""A warning on the steps that list or show the chosen resources (2 and 5) when the spec's
account is not the AWS session's one, where resources are listed from. Hidden otherwise."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from wizard.tui.state import wizard_of


class LocationNote(Static):
    DEFAULT_CSS = """
    LocationNote { height: auto; padding: 0 1; display: none; }
    LocationNote.-shown { display: block; }
    """

    _shown: str | None = None  # the problem shown (None: none, hidden)

    def on_mount(self) -> None:
        self.refresh_note()

    def refresh_note(self) -> None:
        """Show what :func:`wizard.spec.listing_mismatch` says of the spec and the session."""
        app = wizard_of(self)
        problem = None
        if app.spec is not None:
            from wizard.spec import listing_mismatch

            # the listing follows the spec's region; the account is the session's own
            problem = listing_mismatch(app.spec, account=app.session_account)
        if problem == self._shown:  # unchanged: an update would lay the whole step out again
            return
        self._shown = problem
        self.set_class(problem is not None, "-shown")
        self.update(Content.from_markup("[b $warning]⚠ $p[/]", p=problem) if problem else "")
