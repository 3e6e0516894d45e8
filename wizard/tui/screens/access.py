"""Step 3: the access profile of each chosen resource, or exactly chosen actions (custom)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from wizard.catalog.kinds import catalog
from wizard.errors import UserError
from wizard.spec import ResolvedResource, ResourceEntry, resolve_resources
from wizard.tui.screens.base import NARROW_BREAKPOINTS, StepScreen
from wizard.tui.screens.resources import chosen_label
from wizard.tui.widgets.fitted_text import FitScroll, FittedText
from wizard.tui.widgets.toggles import RadioList


def custom_arn(resolved: ResolvedResource) -> str:
    """The ARN a custom statement on this resource names (an S3 entry's objects)."""
    if resolved.kind_name == "s3-prefix":  # its objects: under the prefix, or one key exactly
        return f"{resolved.arn}/{resolved.values['objects']}"
    return resolved.arn


class AccessScreen(StepScreen):
    HORIZONTAL_BREAKPOINTS = NARROW_BREAKPOINTS
    STEP = "access"
    INDEX = 2
    BINDINGS = [
        Binding(
            "c",
            "custom",
            "Custom actions",
            id="custom-actions",
            tooltip="Add exact actions from the IAM reference to the highlighted resource",
        ),
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="access-panes"):
            with Vertical(id="access-resources-pane", classes="pane"):
                yield Label("Chosen resources", classes="pane-title")
                yield OptionList(id="access-resources")
            with Vertical(id="access-profile-pane", classes="pane"):
                yield Label("Access profile", id="profile-title", classes="pane-title")
                yield RadioList(id="profiles")
                with Horizontal(classes="row"):
                    yield Button("Custom actions… (c)", id="custom", compact=True)
                yield Label("Statements", classes="pane-title")
                with FitScroll(id="statements-scroll"):
                    yield FittedText("", id="statements", split_after=":/")

    def mount_body(self) -> None:
        self._refresh()
        self.query_one("#access-resources", OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # the footer shows c only while it works: a chosen resource of a kind is highlighted
        if action == "custom" and self.broken is None:
            try:
                index = self._index()
            except NoMatches:  # not composed yet
                return False
            return index is not None and self.spec.resources[index].kind != "custom"
        return super().check_action(action, parameters)

    def _index(self) -> int | None:
        index = self.query_one("#access-resources", OptionList).highlighted
        spec = self.spec
        if index is None or not (0 <= index < len(spec.resources)):
            return None
        return index

    def refresh_from_spec(self) -> None:
        spec = self.spec
        olist = self.query_one("#access-resources", OptionList)
        highlighted = olist.highlighted
        if spec.resources:
            olist.set_options([Option(Content(chosen_label(entry))) for entry in spec.resources])
            olist.highlighted = min(highlighted or 0, len(spec.resources) - 1)
        else:
            olist.set_options(
                [Option("no resources yet: choose them in step 2 (ctrl+b)", disabled=True)]
            )
        self._show_profiles()

    @on(OptionList.OptionHighlighted, "#access-resources")
    def _resource_highlighted(self) -> None:
        self._show_profiles()

    def _show_profiles(self) -> None:
        spec = self.spec
        index = self._index()
        profiles = self.query_one("#profiles", RadioList)
        statements = self.query_one("#statements", Static)
        if index is None:
            profiles.set_options([])
            statements.update("")
            self.refresh_bindings()
            return
        entry = spec.resources[index]
        kind = catalog().kinds[entry.kind]
        current = entry.access or kind.default_access
        options = []
        for name, profile in kind.profiles.items():
            mark = "[$success]●[/]" if name == current else "○"
            options.append(
                Option(
                    Content.from_markup(
                        f"{mark} [b]$name[/]  [dim]$summary[/]", name=name, summary=profile.summary
                    ),
                    id=name,
                )
            )
        profiles.set_options(options)
        profiles.highlighted = list(kind.profiles).index(current)
        self.query_one("#profile-title", Label).update(f"Access profile of {kind.title}")
        self.query_one("#custom", Button).disabled = entry.kind == "custom"
        self.refresh_bindings()
        statements.update(self._statements_text(index))

    def _statements_text(self, index: int) -> Content:
        from wizard.policy.compose import resource_grants

        spec = self.spec
        try:
            trial = spec.model_copy(update={"resources": [spec.resources[index]]})
            resolved = resolve_resources(trial)[0]
        except UserError as exc:
            return Content.from_markup("[$error]$e[/]", e=str(exc))
        if resolved.kind_name == "custom":
            lines = [
                f"{a}  on  {', '.join(resolved.custom_resources)}" for a in resolved.custom_actions
            ]
            return Content("\n".join(lines))
        lines = []
        for grant in resource_grants(resolved):
            cond = "  (with a condition)" if grant.condition else ""
            lines.append(f"{grant.sid}: {grant.action} on {grant.resource}{cond}")
        arn = custom_arn(resolved)
        for entry in spec.resources:  # exact actions added with c, on this resource
            if entry.kind == "custom" and (entry.resources or []) == [arn]:
                lines.extend(f"custom: {action} on {arn}" for action in entry.actions or [])
        return Content("\n".join(dict.fromkeys(lines)))

    @on(OptionList.OptionSelected, "#profiles")
    def _profile_chosen(self, event: OptionList.OptionSelected) -> None:
        index = self._index()
        if index is None or event.option.id is None:
            return
        spec = self.spec
        entry = spec.resources[index]
        if entry.kind == "custom":
            return
        entry.access = event.option.id
        self.wizard.spec_changed()

    @on(Button.Pressed, "#custom")
    def action_custom(self) -> None:
        from wizard.policy.compose import resource_grants
        from wizard.tui.screens.actions_modal import ActionPickerModal

        index = self._index()
        if index is None:
            return
        spec = self.spec
        entry = spec.resources[index]
        if entry.kind == "custom":
            self.notify("This is a custom entry already: remove it in step 2 to change it.")
            return
        try:
            trial = spec.model_copy(update={"resources": [entry]})
            resolved = resolve_resources(trial)[0]
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return
        arn = custom_arn(resolved)
        if "${" in arn:
            names = [n for n in ("account", "region") if not getattr(spec, n)] or ["account"]
            self.notify(
                f"Custom actions need a concrete {' and '.join(names)}: set "
                f"{'it' if len(names) == 1 else 'them'} in step 1.",
                title="Custom actions",
                severity="warning",
            )
            return
        existing = [
            r for r in spec.resources if r.kind == "custom" and (r.resources or []) == [arn]
        ]
        chosen = list(existing[0].actions or []) if existing else []
        kind = resolved.kind

        def picked(actions: list[str] | None) -> None:
            if actions is None:
                return
            kept = [r for r in spec.resources if not any(r is e for e in existing)]
            if actions:
                kept.append(ResourceEntry(kind="custom", actions=actions, resources=[arn]))
            spec.resources = kept
            self.wizard.spec_changed()

        self.app.push_screen(
            ActionPickerModal(
                f"Actions on {resolved.label} ({kind.service} {kind.resource_type})",
                kind.service,
                kind.resource_type,
                chosen,
                frozenset(grant.action for grant in resource_grants(resolved)),
            ),
            picked,
        )
