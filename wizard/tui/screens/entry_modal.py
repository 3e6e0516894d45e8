"""Step 2's "type it by its fields" dialog: one box for each field the kind declares (its
``kms_key`` too) and, for a kind with an ARN, the ARN, so an entry the ARN box alone cannot
make is typed here: a key for an encrypted resource, a kind with no ARN (a metrics namespace),
fields an ARN does not carry (a secret, a target role, an access point). The boxes are checked
as they are typed by the domain's rules (:func:`wizard.spec.field_problem`,
:func:`wizard.entries.check_entry`): the dialog has no rule of its own."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from wizard.catalog.kinds import catalog
from wizard.entries import check_entry, entry_from_typed, field_questions, fields_to_type
from wizard.spec import ResourceEntry, RoleSpec, field_problem
from wizard.tui.widgets.arn_input import ArnInput


class EntryFormModal(ModalScreen[ResourceEntry | None]):
    """Type one entry of ``kind_name`` by its fields; dismisses the entry, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="entry-cancel", tooltip="Add nothing"),
        Binding(
            "ctrl+s",
            "add",
            "Add it",
            id="entry-add",
            tooltip="Add the entry typed",
            priority=True,
        ),
    ]

    def __init__(
        self, spec: RoleSpec, kind_name: str, typed: dict[str, str], arn_help: str = ""
    ) -> None:
        super().__init__()
        self.spec = spec
        self.kind_name = kind_name
        self.kind = catalog().kinds[kind_name]
        self.typed = typed  # what to start from: a pasted ARN, a listed resource's fields
        self.arn_help = arn_help
        # the domain's questions (plain mode asks the same): every field, an alternative (an
        # S3 entry's exact key instead of its prefix) labelled so
        self.questions = {q.name: q for q in field_questions(kind_name)}
        self.names = (["arn"] if self.kind.parse_forms else []) + list(self.questions)

    def compose(self) -> ComposeResult:
        with Vertical(id="entry-dialog", classes="dialog"):
            yield Label(f"{self.kind.title}: type it", classes="dialog-title")
            with VerticalScroll(id="entry-fields"):
                for name in self.names:
                    yield Label(self._label(name), classes="entry-label", markup=False)
                    box = ArnInput if name in ("arn", "kms_key") else Input
                    yield box(
                        self.typed.get(name, ""),
                        id=f"entry-{name}",
                        placeholder=self._placeholder(name),
                        compact=True,
                        validate_on=(),  # the dialog sets -invalid
                    )
            yield Static("", id="entry-check")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add it", id="entry-add", variant="primary", compact=True)
                yield Button("Cancel", id="entry-cancel", compact=True)
        yield Footer()

    def _label(self, name: str) -> str:
        if name == "arn":
            return "ARN (or the fields below)"
        return self.questions[name].label

    def _placeholder(self, name: str) -> str:
        if name == "arn":
            return self.arn_help
        return self.kind.fields[name].default or ""

    def on_mount(self) -> None:
        self._check()
        # the first box still to fill: beside a pasted ARN, the fields it does not carry
        wanted = fields_to_type(self.kind_name, self.typed.get("arn", ""))
        first = next((n for n in self.names if n in wanted and not self.typed.get(n)), None)
        self.query_one(f"#entry-{first or self.names[0]}", Input).focus()

    def _values(self) -> dict[str, str]:
        return {name: self.query_one(f"#entry-{name}", Input).value for name in self.names}

    def _check(self) -> tuple[ResourceEntry | None, str]:
        """Mark each box the domain refuses, and say the first problem (or that it can be
        added); (the entry, "") when the spec takes it."""
        values = self._values()
        problems: dict[str, str] = {}
        for name, value in values.items():
            if name == "arn" or not value.strip():
                continue
            if problem := field_problem(self.kind.fields[name], value.strip()):
                problems[name] = f"{name} {problem}"
        for name in self.names:
            self.query_one(f"#entry-{name}", Input).set_class(name in problems, "-invalid")
        entry = entry_from_typed(self.kind_name, values)
        problem = next(iter(problems.values()), None)
        if entry is not None and problem is None:
            problem = check_entry(self.spec, entry)
        widget = self.query_one("#entry-check", Static)
        if entry is None:
            widget.update(Content.from_markup("[dim]type the fields · escape cancels[/]"))
        elif problem:
            widget.update(Content.from_markup("[$error]✗ $problem[/]", problem=problem))
        else:
            widget.update(Content.from_markup("[$success]✓ ctrl+s adds it[/]"))
        return (entry, "") if entry is not None and not problem else (None, problem or "")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter goes to the next box; in the last one it adds the entry."""
        event.stop()
        at = self.names.index((event.input.id or "").removeprefix("entry-"))
        if at + 1 < len(self.names):
            self.query_one(f"#entry-{self.names[at + 1]}", Input).focus()
        else:
            self.action_add()

    @on(Button.Pressed, "#entry-add")
    def action_add(self) -> None:
        entry, problem = self._check()
        if entry is not None:
            self.dismiss(entry)
        elif problem:
            self.notify(problem, title="Not added", severity="error")

    @on(Button.Pressed, "#entry-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
