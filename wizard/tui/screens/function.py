"""Step 1: the function, its account and region, the role's name (checked live) and tags."""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from wizard.tui.screens.base import StepScreen
from wizard.tui.state import DEFAULT_FUNCTION

FIELDS = ("function", "account", "region", "role-name", "description", "tags")


def pydantic_message(exc: Any) -> str:
    return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")


def parse_tags(text: str) -> dict[str, str]:
    """``team=payments, env=dev`` -> a dict; raises ValueError naming the bad item."""
    tags: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{item!r}: write tags as key=value, separated by commas")
        tags[key.strip()] = value.strip()
    return tags


def format_tags(tags: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in tags.items())


def role_name_checks(name: str) -> list[tuple[bool, str]]:
    """IAM's rules for a role name, each with whether ``name`` meets it."""
    bad = sorted(set(re.sub(r"[\w+=,.@-]", "", name, flags=re.ASCII)))
    return [
        (1 <= len(name) <= 64, f"1–64 characters ({len(name)} now)"),
        (
            not bad,
            "letters, digits and + = , . @ _ - only"
            + (f" (not {' '.join(repr(c) for c in bad)})" if bad else ""),
        ),
    ]


class FunctionScreen(StepScreen):
    STEP = "function"
    INDEX = 0
    AUTO_FOCUS = "#function"  # focus goes to the first input at once, not via the form's scroll
    _role_checks_shown: tuple[str, str] | None = None  # (name, function) the checks show

    def __init__(self) -> None:
        super().__init__()
        self._errors_shown: dict[str, str] = {}  # field -> the error line under it

    def compose_body(self) -> ComposeResult:
        # The inputs start with the spec's values (the defaults while it loads), so the first
        # frame needs no second pass to fill them, and the focused one has its text selected.
        value = self._spec_value
        self._built_with = {field: value(field) for field in FIELDS}
        function = value("function")
        yield Static(
            "Which function is this role for? Account and region come from your AWS session; "
            "leave them empty to let CloudFormation fill them.",
            classes="intro",
        )
        with VerticalScroll(id="function-form"), Grid(classes="form"):
            yield from _field(
                "Function name", function, "function", "required: the function's name"
            )
            yield from _field("Account", value("account"), "account", "12 digits (open)", 12)
            yield from _field("Region", value("region"), "region", "us-east-1 (open)")
            role_name = value("role-name")
            yield from _field(
                "Role name",
                role_name,
                "role-name",
                f"{function}-role",
                80,
                under=Static(
                    self._role_checks(role_name, function),
                    id="role-name-checks",
                    classes="field-checks",
                ),
            )
            yield from _field("Description", value("description"), "description", "(optional)")
            yield from _field("Tags", value("tags"), "tags", "team=payments, env=dev")

    def mount_body(self) -> None:
        self.refresh_from_spec()
        self.query_one("#function", Input).focus()

    # ---------------------------------------------------------------- spec -> inputs

    def _spec_value(self, field: str) -> str:
        spec = self.wizard.spec
        if spec is None:  # still loading: the defaults
            return DEFAULT_FUNCTION if field == "function" else ""
        return {
            "function": spec.function,
            "account": spec.account or "",
            "region": spec.region or "",
            "role-name": spec.role.name or "",
            "description": spec.role.description or "",
            "tags": format_tags(spec.role.tags),
        }[field]

    def refresh_from_spec(self) -> None:
        # A field the user is typing in (or left invalid: theirs to fix, and leaving the step
        # waits for it) keeps its text; the others show the spec (self.fields decides).
        for field in FIELDS:
            widget = self.query_one(f"#{field}", Input)
            if self.fields.show(widget, self._spec_value(field)):
                widget.remove_class("-invalid")
                self._show_error(field, None)
        function = self._spec_value("function")
        self.query_one("#role-name", Input).placeholder = f"{function}-role"
        self._show_role_checks(self.query_one("#role-name", Input).value)

    def leave_problem(self) -> tuple[str, Widget] | None:
        for field in FIELDS:
            widget = self.query_one(f"#{field}", Input)
            if widget.has_class("-invalid"):
                error = self._errors_shown.get(field) or "not a valid IAM role name"
                if field == "role-name":
                    error = f"role name {widget.value.strip()!r}: {error}"
                fix = "Fix it" if field == "function" else "Fix it or clear it"
                return f"{error.rstrip('.')}. {fix} to go on.", widget
        return None

    # ---------------------------------------------------------------- inputs -> spec

    def on_input_changed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        if field not in FIELDS:
            return
        event.stop()
        error = self._apply(field, event.value)
        # what this text made of the spec (a burst's later keys may have changed the field
        # already: their own Changed follow)
        self.fields.agreed(event.input, event.value, self._spec_value(field))
        if event.input.value == event.value:
            event.input.set_class(error is not None, "-invalid")
            self._show_error(field, error)

    def _show_error(self, field: str, error: str | None) -> None:
        if field == "role-name":
            self._show_role_checks(self.query_one("#role-name", Input).value)
        elif self._errors_shown.get(field, "") != (error or ""):  # unchanged: no repaint
            self._errors_shown[field] = error or ""
            message = self.query_one(f"#{field}-error", Static)
            message.update(error or "")
            message.set_class(not error, "-quiet")

    def typed(self) -> bool:
        """Whether the user has changed any field since the screen was built."""
        return any(
            self.query_one(f"#{field}", Input).value != value
            for field, value in self._built_with.items()
        )

    def push_inputs(self) -> None:
        """Write into the spec what was typed while the catalog was loading: nothing is lost."""
        for field in FIELDS:
            widget = self.query_one(f"#{field}", Input)
            if widget.value.strip() != self._spec_value(field):
                error = self._apply(field, widget.value)
                widget.set_class(error is not None, "-invalid")
            self.fields.agreed(widget, widget.value, self._spec_value(field))

    def _apply(self, field: str, value: str) -> str | None:
        """Set the spec's field from an input; a message when the value is not valid."""
        app = self.wizard
        spec = app.spec
        if spec is None:
            return None
        value = value.strip() if field != "description" else value
        if self._spec_value(field) == value and field != "tags":
            return None
        from pydantic import ValidationError  # loaded with the spec by now

        try:
            if field == "function":
                spec.function = value
            elif field == "account":
                spec.account = value or None
            elif field == "region":
                spec.region = value or None
            elif field == "role-name":
                if value and not all(ok for ok, _ in role_name_checks(value)):
                    return "not a valid IAM role name"
                spec.role.name = value or None
            elif field == "description":
                spec.role.description = value or None
            elif field == "tags":
                tags = parse_tags(value)
                if tags == spec.role.tags:
                    return None
                spec.role.tags = tags
        except ValidationError as exc:
            return pydantic_message(exc)
        except ValueError as exc:
            return str(exc)
        app.spec_changed()
        return None

    def _show_role_checks(self, value: str, error: str | None = None) -> None:
        key = (value.strip(), self._spec_value("function"))
        if key == self._role_checks_shown:  # unchanged: no repaint
            return
        self.query_one("#role-name-checks", Static).update(self._role_checks(*key))

    def _role_checks(self, value: str, function: str) -> Content:
        name = value.strip()
        self._role_checks_shown = (name, function)
        if not name:
            default = f"{function}-role"[:64]
            return Content.from_markup("[dim]empty: the role is named $name[/]", name=default)
        parts = []
        for ok, text in role_name_checks(name):
            mark = "[$success]✓[/]" if ok else "[$error]✗[/]"
            parts.append(Content.from_markup(f"{mark} $text   ", text=text))
        note = "unique in the account, ignoring case (checked when you apply)"
        parts.append(Content.from_markup("[dim]• $note[/]", note=note))
        return Content("").join(parts)


def _field(
    label: str,
    value: str,
    field: str,
    placeholder: str,
    max_length: int = 0,
    *,
    under: Static | None = None,
) -> ComposeResult:
    """One row of the form -- label, input -- and the row under it: an empty cell, then the
    field's message line (or ``under``, the role name's checks)."""
    yield Label(label, classes="field-label")
    yield Input(
        value,
        id=field,
        placeholder=placeholder,
        compact=True,
        validate_on=(),
        max_length=max_length,
    )
    yield Static(classes="field-gap")
    yield under or Static("", id=f"{field}-error", classes="field-error -quiet")
