"""What every step screen shares: the step bar, the body, the status line, back/next, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.compose import compose
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.events import ScreenResume
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, Static

from wizard.tui.messages import SpecChanged
from wizard.tui.state import Wizard, wizard_of
from wizard.tui.widgets.location_note import LocationNote
from wizard.tui.widgets.status_line import StatusLine
from wizard.tui.widgets.step_bar import StepBar

if TYPE_CHECKING:
    from textual.app import App

    from wizard.spec import RoleSpec

# Screen.-narrow below 100 columns, for steps whose side panes wizard.tcss narrows there (set
# per screen, not on the app: a class set on the first screen restyles it before its first frame)
NARROW_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
# the screen's own keys a step that failed to draw keeps (tab between its back and next buttons)
_KEPT_ACTIONS = frozenset({"focus_next", "focus_previous"})


def _app_style_key(app: App[object]) -> tuple[object, ...]:
    """What a screen's styles depend on beyond its own widgets: the app's stylesheet version
    (Textual counts its reloads: a theme change) and the app's classes and pseudo-classes.
    Textual is pinned (pyproject); tests/tui/test_steps_ahead.py checks a theme change."""
    return (app._css_update_count, app.pseudo_classes, frozenset(app.classes))


class FieldSync:
    """What each of a screen's inputs and the spec last agreed on, so the spec never writes
    into a field the user is editing.

    Keys arrive faster than their ``Input.Changed`` messages bubble up to the screen, and a
    screen refreshed from the spec in between (``SpecChanged`` goes to the screen directly)
    would write back a value the user has already typed past -- scrambling a burst of
    backspaces. So a field takes the spec's value only when the spec moved since they agreed
    and the field still shows the text they agreed on; otherwise what is typed wins, and its
    own ``Changed`` brings it to the spec.
    """

    def __init__(self) -> None:
        self._agreed: dict[str, tuple[str, str]] = {}  # input id -> (its text, the spec's)

    def agreed(self, widget: Input, text: str, spec_value: str) -> None:
        """The field's ``text`` (its ``Changed`` value) went into the spec as ``spec_value``
        (or did not go: the spec kept ``spec_value``)."""
        self._agreed[widget.id or ""] = (text, spec_value)

    def forget(self) -> None:
        """A new spec replaced the old whole: every field shows it, whatever it holds."""
        self._agreed.clear()

    def show(self, widget: Input, spec_value: str) -> bool:
        """Show the spec's value in the field unless the user is editing it; True when the
        field shows it."""
        key = widget.id or ""
        if key in self._agreed:
            text, agreed_value = self._agreed[key]
            if spec_value == agreed_value or widget.value != text:
                return False
        if widget.value != spec_value:
            with widget.prevent(Input.Changed):
                widget.value = spec_value
        self._agreed[key] = (spec_value, spec_value)
        return True


class StepScreen(Screen):
    """A wizard step. Subclasses set STEP and INDEX and implement ``compose_body``."""

    STEP: str | None = None
    INDEX = 0
    INTRO = ""

    def __init__(self) -> None:
        super().__init__()
        self.fields = FieldSync()
        self._generation = 0  # the app's spec_generation this screen shows
        self._shown_version = -1  # the app's spec_version this screen last showed
        self._shown = False  # shown at least once (the app builds steps before they show)
        self._styled_for: tuple[object, ...] | None = None  # the app's styling, when styled
        self.broken: str | None = None  # why compose_body failed: the step shows only that

    def on_mount(self) -> None:
        if self.broken is None:
            try:
                self.mount_body()
            except NoMatches:  # built ahead, a container's children mount after the screen's
                self.call_after_refresh(self.on_mount)

    def mount_body(self) -> None:
        """Set the step's widgets up once composed (not called when composing failed)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # a step that failed to draw has none of its own widgets for its keys to act on
        return self.broken is None or action in _KEPT_ACTIONS

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        yield StepBar(self.INDEX)
        try:  # composed on its own: a step that fails to draw is said, the app stays usable
            body = compose(self, self.compose_body())
        except Exception as exc:  # noqa: BLE001 - shown on the screen, never a traceback
            self.broken = f"{type(exc).__name__}: {exc}"
            body = [
                Static(
                    Content.from_markup(
                        "[b $error]✗ This step could not be drawn ($why).[/]\n"
                        "Your draft is kept. ctrl+b goes back, ctrl+n goes on, and ctrl+q "
                        "quits; please report this with the message above.",
                        why=self.broken,
                    ),
                    id="step-broken",
                )
            ]
        with Vertical(classes="body"):
            yield from body
        yield StatusLine()
        with Horizontal(classes="nav"):
            yield Button("◀ Back", id="nav-back", disabled=self.INDEX == 0, compact=True)
            yield Button(
                "Next ▶", id="nav-next", variant="primary", disabled=self.INDEX == 5, compact=True
            )
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    @property
    def wizard(self) -> Wizard:
        """The app's state and actions, typed (screens never import the app)."""
        return wizard_of(self)

    @property
    def spec(self) -> RoleSpec:
        """The spec being edited: loaded before any step but the first is shown."""
        spec = self.wizard.spec
        assert spec is not None, "steps 2-6 open once the spec has loaded"
        return spec

    @on(Button.Pressed, "#nav-back")
    def _back(self) -> None:
        self.wizard.action_previous_step()

    @on(Button.Pressed, "#nav-next")
    def _next(self) -> None:
        self.wizard.action_next_step()

    def styled(self) -> None:
        """Note that every widget of this screen has its styles for the app as it is now (once
        built, and on each resume)."""
        self._styled_for = _app_style_key(self.app)

    def on_screen_resume(self, event: ScreenResume) -> None:
        # Textual restyles every widget of a screen it resumes (20-40 ms of a step change) for
        # what may have changed while the screen was hidden: the app's stylesheet (a theme) and
        # the app's classes and pseudo-classes (focus, dark), which restyle only the screens on
        # the stack. When none of them changed since this screen was styled, its styles are
        # current: the restyle is skipped (this handler runs before Screen's, which reads it).
        if self._styled_for == _app_style_key(self.app):
            event.refresh_styles = False
        self.styled()
        if not self.wizard.cursor_blink:
            for widget in self.query(Input):
                widget.cursor_blink = False
        self._refresh(resumed=True)
        if not self._shown:
            self._shown = True
            self.first_shown()

    def first_shown(self) -> None:
        """Called when the step shows the first time: what waits for the user to come here
        (the app builds the steps in the background, before they are shown)."""

    def on_spec_changed(self, message: SpecChanged) -> None:
        self._refresh()

    def _refresh(self, *, resumed: bool = False) -> None:
        """Show the spec (``refresh_from_spec``) and the status line. A screen shown again
        (resumed) whose spec has not changed since it last showed it keeps what it shows: the
        step change only repaints (the screens are built ahead, see ``WizardApp``)."""
        if self.broken is not None:
            self.query_one(StatusLine).refresh_status()
            return
        app = self.wizard
        generation = app.spec_generation
        if generation != self._generation:  # a resumed draft: its values go into every field
            self._generation = generation
            self.fields.forget()
        if not resumed or app.spec_version != self._shown_version:
            self._shown_version = app.spec_version
            self.refresh_from_spec()
        self.query_one(StatusLine).refresh_status()
        for note in self.query(LocationNote):
            note.refresh_note()

    def refresh_ahead(self) -> bool:
        """Show the spec while this step is hidden (the app built it ahead, or the user is on
        the step next to it) if it changed since the step last showed it, so showing the step
        only repaints; True when it did. Not done when the step :meth:`can_refresh_hidden`
        says it cannot, or its widgets are not all mounted yet: it then refreshes when shown."""
        app = self.wizard
        if (
            self.broken is not None
            or self.is_current
            or not self.is_mounted
            or app.spec is None
            or self._shown_version == app.spec_version
            or not self.can_refresh_hidden()
        ):
            return False
        try:
            self._refresh()
        except NoMatches:  # a container's children mount after the screen's own mount
            self._shown_version = -1
            return False
        return True

    def can_refresh_hidden(self) -> bool:
        """Whether the step may show the spec while hidden (see :meth:`refresh_ahead`)."""
        return True

    def refresh_from_spec(self) -> None:
        """Show the app's spec; called on resume and after every change. A field the user is
        editing is never written: ``self.fields`` (:class:`FieldSync`) knows which."""

    def spec_path(self) -> str | None:
        """Where ctrl+s saves the spec, when this step says (finish has a field for it)."""
        return None

    def log_line(self, text: str, style: str = "") -> None:
        """Show an outcome in the step's result pane, where it has one (finish)."""

    def leave_problem(self) -> tuple[str, Widget] | None:
        """Why the user should not leave this step yet: something typed that did not reach the
        spec (invalid, or not added), with the widget that holds it; None when nothing is."""
        return None
