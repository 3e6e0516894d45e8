"""The custom access view: every action the IAM reference knows for a resource type, grouped
by access level, with descriptions, searchable; returns the chosen actions."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from wizard.catalog.reference import ACCESS_LEVELS, Action, reference
from wizard.tui.widgets.filter_input import FilterInput


def actions_for(service: str, resource_type: str | None) -> list[Action]:
    """The reference's actions of ``service`` on ``resource_type`` (all when None)."""
    svc = reference().service(service)
    if svc is None:
        return []
    wanted = (resource_type or "").lower()
    found = [
        a
        for a in svc.actions.values()
        if not wanted or any(r.name.lower() == wanted for r in a.resource_types)
    ]
    return sorted(found, key=lambda a: a.name)


class ActionList(OptionList):
    """The actions; enter or space toggles the highlighted one (as in step 2's list)."""

    BINDINGS = [Binding("space", "select", "Toggle", show=False)]


class ActionPickerModal(ModalScreen[list[str] | None]):
    """Pick actions; enter toggles, ctrl+s (or Done) returns them, escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="actions-cancel", tooltip="Change nothing"),
        Binding(
            "ctrl+s",
            "done",
            "Use these",
            id="actions-done",
            tooltip="Use the selected actions",
            priority=True,
        ),
    ]

    def __init__(
        self,
        title: str,
        service: str,
        resource_type: str | None,
        chosen: list[str],
        granted: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.title_text = title
        self.actions = actions_for(service, resource_type)
        self.chosen = set(chosen)
        self.granted = granted  # what the access profile grants already, marked in the list
        self.query_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="actions-dialog", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield FilterInput(
                id="actions-search", placeholder="search actions and descriptions…", compact=True
            )
            yield ActionList(id="actions-list")
            yield Static("", id="actions-count")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Use these", id="actions-done", variant="primary", compact=True)
                yield Button("Cancel", id="actions-cancel", compact=True)
        yield Footer()  # this dialog's own keys, not the step's underneath

    def on_mount(self) -> None:
        self.rebuild()
        self.query_one("#actions-search", Input).focus()

    def rebuild(self) -> None:
        words = self.query_text.lower().split()
        options: list[Option] = []
        for level in ACCESS_LEVELS:
            group = [
                a
                for a in self.actions
                if a.access_level == level
                and all(w in f"{a.name} {a.description}".lower() for w in words)
            ]
            if not group:
                continue
            options.append(
                Option(Content.from_markup(f"[b]── {level} ({len(group)})[/]"), disabled=True)
            )
            for a in group:
                mark = "[$success]✔[/]" if a.full_name in self.chosen else "[dim]·[/]"
                profile = (
                    " [$text-success](in the profile)[/]" if a.full_name in self.granted else ""
                )
                options.append(
                    Option(
                        Content.from_markup(
                            f"{mark} $name{profile} [dim]$desc[/]", name=a.name, desc=a.description
                        ),
                        id=a.full_name,
                    )
                )
        olist = self.query_one("#actions-list", OptionList)
        highlighted = olist.highlighted
        olist.set_options(options)
        # an action is always highlighted (never a group's title), so enter has one to toggle
        enabled = [i for i, option in enumerate(options) if not option.disabled]
        if enabled:
            at = min(highlighted or 0, len(options) - 1)
            olist.highlighted = next((i for i in enabled if i >= at), enabled[-1])
        self.query_one("#actions-count", Static).update(
            f"{len(self.chosen)} selected (granted besides the profile) · enter toggles · "
            "↓ to the list · ctrl+s uses them · escape cancels"
        )

    @on(Input.Changed, "#actions-search")
    def _search(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.rebuild()

    @on(Input.Submitted, "#actions-search")
    def _toggle_highlighted(self) -> None:
        """Enter in the search box toggles the highlighted action (as enter in the list does);
        down enters the list."""
        option = self.query_one("#actions-list", OptionList).highlighted_option
        if option is not None:
            self._flip(option.id)

    @on(OptionList.OptionSelected, "#actions-list")
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        self._flip(event.option.id)

    def _flip(self, name: str | None) -> None:
        if name is not None:  # None: a group's title
            self.chosen.symmetric_difference_update({name})
            self.rebuild()

    @on(Button.Pressed, "#actions-done")
    def action_done(self) -> None:
        self.dismiss(sorted(self.chosen))

    @on(Button.Pressed, "#actions-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
