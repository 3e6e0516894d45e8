"""Step 4: the permissions boundary, role options, where Lambda sends invocation records (the
dead-letter target and destinations), and AWS managed policies (each with what it grants beyond
the tailored policy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label, RadioSet, Static

from wizard.spec import BOUNDARY_CHOICES, POLICY_ARN_RE, boundary_key
from wizard.targets import (
    TARGET_FIELDS,
    get_target,
    get_target_key,
    key_note,
    key_to_read,
    set_target,
    target_problem,
)
from wizard.text import count
from wizard.tui.messages import TargetKeyRead
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.arn_input import ArnInput
from wizard.tui.widgets.fitted_text import ArnNote
from wizard.tui.widgets.toggles import Checkbox, RadioButton, SelectionList

if TYPE_CHECKING:
    from wizard.bundle import RoleBundle

# (key, the checkbox's label, its tooltip)
OPTIONS = (
    ("logs", "Logs: its own log group", "Write to /aws/lambda/<function> only"),
    ("tracing", "X-Ray traces", "Send traces to X-Ray (xray:PutTraceSegments on *)"),
    ("vpc", "Runs in a VPC", "The network-interface permissions a VPC-attached function needs"),
    (
        "deployer",
        "Deployer policy (PassRole)",
        "Also emit a policy for the CI role that deploys this function: iam:PassRole of this "
        "role only",
    ),
)


def managed_beyond(bundle: RoleBundle | None, name: str) -> str:
    """What the managed policy ``name`` grants beyond the bundle's tailored policy."""
    from wizard.policy.diff import diff_policies
    from wizard.policy.managed import managed_policy

    tailored = list(bundle.policies) if bundle is not None else []
    managed = managed_policy(name)
    result = diff_policies(tailored, [*tailored, managed])
    if not result.adds_access:
        return f"{name} grants nothing beyond the tailored policy."
    lines = [f"{name} adds access to {count(len(result.added_actions()), 'action')}:"]
    lines.extend(change.to_text("+") for change in result.added)
    return "\n".join(lines)


NOT_SET = "not set: paste an ARN"  # an empty destination field
KEY_NOT_SET = "KMS key ARN if encrypted (optional)"  # an empty key field


class OptionsScreen(StepScreen):
    STEP = "options"
    INDEX = 3

    def __init__(self) -> None:
        super().__init__()
        self._key_notes: dict[str, str] = {}  # slot -> what its encryption read said

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="options-panes"):
            with VerticalScroll(id="options-left", classes="pane"):
                yield Label("Permissions boundary", classes="pane-title")
                with RadioSet(id="boundary"):
                    for choice in BOUNDARY_CHOICES:
                        yield RadioButton(
                            choice.title,
                            id=f"boundary-{choice.key}"
                            if choice.key != "arn"
                            else "boundary-arn-choice",
                        )
                yield ArnInput(
                    id="boundary-arn",
                    placeholder="arn:aws:iam::ACCOUNT:policy/NAME",
                    compact=True,
                    validate_on=(),
                )
                yield Static("", id="boundary-check")
                yield Label("Options", classes="pane-title")
                for key, text, tip in OPTIONS:
                    yield Checkbox(text, id=f"opt-{key}", compact=True, tooltip=tip)
                yield Label("Invocation records", classes="pane-title")
                for slot, label in TARGET_FIELDS:
                    yield Label(label, classes="target-label")
                    yield ArnInput(
                        id=f"target-{slot}",
                        classes="target-input",
                        placeholder=NOT_SET,
                        compact=True,
                        validate_on=(),
                    )
                    yield ArnInput(
                        id=f"target-{slot}-key",
                        classes="target-key",
                        placeholder=KEY_NOT_SET,
                        compact=True,
                        validate_on=(),
                    )
                    yield ArnNote("", id=f"target-{slot}-check")
            with Vertical(id="options-right", classes="pane"):
                yield Label("AWS managed policies", classes="pane-title")
                yield SelectionList[str](id="managed")
                yield Label("Beyond the tailored policy", classes="pane-title")
                with VerticalScroll(id="managed-diff-scroll"):
                    yield Static("", id="managed-diff")

    def mount_body(self) -> None:
        from wizard.policy.managed import managed_policy_names

        names = managed_policy_names()
        managed = self.query_one("#managed", SelectionList)
        managed.add_options([(n, n) for n in names])
        if names:
            managed.highlighted = 0
        self._refresh()
        self.query_one("#boundary", RadioSet).focus()

    def refresh_from_spec(self) -> None:
        spec = self.spec
        key = boundary_key(spec.boundary)
        button_id = "boundary-arn-choice" if key == "arn" else f"boundary-{key}"
        button = self.query_one(f"#{button_id}", RadioButton)
        # "existing policy" chosen, its ARN not valid yet: the spec keeps the last boundary and
        # the choice stays (leaving the step waits for the ARN)
        pending = key != "arn" and self.query_one("#boundary-arn-choice", RadioButton).value
        if not button.value and not pending:
            with self.prevent(RadioSet.Changed):
                button.value = True
        if key == "arn":  # not while the user types in it (self.fields)
            self.fields.show(self.query_one("#boundary-arn", Input), spec.boundary)
        for opt, _text, _tip in OPTIONS:
            box = self.query_one(f"#opt-{opt}", Checkbox)
            if box.value != getattr(spec, opt):
                with box.prevent(Checkbox.Changed):
                    box.value = getattr(spec, opt)
        for slot, _label in TARGET_FIELDS:
            self.fields.show(self.query_one(f"#target-{slot}", Input), get_target(spec, slot))
            key_input = self.query_one(f"#target-{slot}-key", Input)
            self.fields.show(key_input, get_target_key(spec, slot))
            self._show_target_check(slot)
        managed = self.query_one("#managed", SelectionList)
        wanted = set(spec.managed_policies)
        if set(managed.selected) != wanted:
            with managed.prevent(SelectionList.SelectedChanged):
                managed.deselect_all()
                known = {o.value for o in managed.options}  # type: ignore[attr-defined]
                for name in wanted & known:  # an ARN not in the shipped list has no row
                    managed.select(name)
        self._show_boundary_note()
        self._show_diff()

    @on(RadioSet.Changed, "#boundary")
    def _boundary_changed(self, event: RadioSet.Changed) -> None:
        key = (event.pressed.id or "").removeprefix("boundary-")
        if key == "arn-choice":
            # the focus stays on the choices: tab goes on to the ARN field, right below them
            self._set_arn(self.query_one("#boundary-arn", Input).value)
            return
        self._set_boundary(key)
        self._show_boundary_note()

    @on(Input.Changed, "#boundary-arn")
    def _arn_changed(self, event: Input.Changed) -> None:
        button = self.query_one("#boundary-arn-choice", RadioButton)
        if event.value.strip() and not button.value:
            with self.prevent(RadioSet.Changed):
                button.value = True
        self._set_arn(event.value)
        boundary = self.spec.boundary
        self.fields.agreed(
            event.input, event.value, boundary if boundary_key(boundary) == "arn" else ""
        )

    def _set_arn(self, text: str) -> None:
        value = text.strip()
        if POLICY_ARN_RE.fullmatch(value):
            self._set_boundary(value)
        self._show_boundary_note()

    def _show_boundary_note(self) -> None:
        """Under the choices: what the chosen boundary means, or the typed ARN's check."""
        check = self.query_one("#boundary-check", Static)
        if not self.query_one("#boundary-arn-choice", RadioButton).value:
            chosen = self.spec.boundary
            key = boundary_key(chosen)
            meaning = next(c.description for c in BOUNDARY_CHOICES if c.key == key)
            check.update(Content.from_markup("[dim]$m[/]", m=meaning))
            return
        value = self.query_one("#boundary-arn", Input).value.strip()
        if not value:
            check.update(Content.from_markup("[dim]paste the ARN of an existing policy[/]"))
        elif not POLICY_ARN_RE.fullmatch(value):
            check.update(
                Content.from_markup(
                    "[$error]✗ not a policy ARN (arn:aws:iam::123456789012:policy/NAME)[/]"
                )
            )
        else:
            check.update(Content.from_markup("[$success]✓ the role will use this boundary[/]"))

    @on(Input.Changed, ".target-input")
    def _target_changed(self, event: Input.Changed) -> None:
        slot = (event.input.id or "").removeprefix("target-")
        value = event.value.strip()
        if value != get_target(self.spec, slot) and not self._target_problem(slot, value):
            set_target(self.spec, slot, value)  # a new ARN: its key goes (one target's)
            self._key_notes.pop(slot, None)
            key_input = self.query_one(f"#target-{slot}-key", Input)
            with key_input.prevent(Input.Changed):
                key_input.value = get_target_key(self.spec, slot)
            self.fields.agreed(key_input, key_input.value, key_input.value)
            self.wizard.spec_changed()
        self.fields.agreed(event.input, event.value, get_target(self.spec, slot))
        self._show_target_check(slot)

    @on(Input.Changed, ".target-key")
    def _target_key_changed(self, event: Input.Changed) -> None:
        """A key typed beside the target's ARN: into the spec when the domain takes it for
        that target (:func:`target_problem`), "" removing it; else its problem shows."""
        slot = (event.input.id or "").removeprefix("target-").removesuffix("-key")
        spec, value = self.spec, event.value.strip()
        arn = get_target(spec, slot)
        typed_arn = self.query_one(f"#target-{slot}", Input).value.strip()
        if (
            arn
            and arn == typed_arn
            and value != get_target_key(spec, slot)
            and not self._key_problem(slot, value)
        ):
            set_target(spec, slot, arn, value)
            self.wizard.spec_changed()
        self.fields.agreed(event.input, event.value, get_target_key(spec, slot))
        self._show_target_check(slot)

    @on(Input.Submitted, ".target-input")
    @on(Input.Blurred, ".target-input")
    def _target_done(self, event: Input.Submitted | Input.Blurred) -> None:
        """The ARN typed (enter, or the focus gone on): with an AWS session, how the queue,
        topic or bucket is encrypted is read in the background, once an ARN."""
        self._read_key((event.input.id or "").removeprefix("target-"))

    def on_screen_suspend(self) -> None:
        """Leaving the step with an ARN typed (ctrl+n, a step's key): read it too; the answer
        reaches the spec while another step shows."""
        for slot, _label in TARGET_FIELDS:
            self._read_key(slot)

    def _read_key(self, slot: str) -> None:
        arn = get_target(self.spec, slot)
        field = self.query_one(f"#target-{slot}", Input)
        if not arn or arn != field.value.strip() or slot in self._key_notes:
            return
        if get_target_key(self.spec, slot) or self.wizard.session_account is None:
            return  # a key given already; no session (offline): nothing to read with
        kind = key_to_read(slot, arn, self.spec.partition)
        if kind is None:  # a type that takes no key: say why no grant is needed
            self._key_notes[slot] = key_note(slot, arn, "", self.spec.partition)
            self._show_target_check(slot)
            return
        self._key_notes[slot] = "reading how it is encrypted …"
        self._show_target_check(slot)
        self.read_target_key(slot, arn, kind)

    @work(thread=True, group="target-keys", exit_on_error=False)
    def read_target_key(self, slot: str, arn: str, kind: str) -> None:
        """The target's encryption settings, read as a resource entry's are
        (:meth:`Discoverer.target_kms_key`); the answer comes as a :class:`TargetKeyRead`."""
        try:
            parts = arn.split(":")
            found = self.wizard.discoverer(parts[3] or None)  # the target's Region
            read = getattr(found, "target_kms_key", None)
            if read is None:  # a discoverer that cannot read encryption settings: unknown
                self.post_message(TargetKeyRead(slot, arn, None))
                return
            key = read(kind, arn)
        except Exception as exc:  # noqa: BLE001 - said under the field, never a traceback
            error = getattr(exc, "message", None) or getattr(exc, "detail", None) or str(exc)
            self.post_message(TargetKeyRead(slot, arn, "", error))
            return
        self.post_message(TargetKeyRead(slot, arn, key))

    def on_target_key_read(self, message: TargetKeyRead) -> None:
        spec, slot, arn = self.spec, message.slot, message.arn
        if get_target(spec, slot) != arn:  # another ARN typed since: its own read says
            return
        if message.kms_key is None:
            self._key_notes.pop(slot, None)
        elif message.error:
            self._key_notes[slot] = (
                f"could not read how it is encrypted ({message.error}): if it uses a customer "
                "managed key, type its ARN in the KMS key field"
            )
        else:
            self._key_notes[slot] = key_note(slot, arn, message.kms_key, spec.partition)
            if message.kms_key and not target_problem(slot, arn, spec.partition, message.kms_key):
                set_target(spec, slot, arn, message.kms_key)
                self.wizard.spec_changed()
        self._show_target_check(slot)

    def _target_problem(self, slot: str, value: str) -> str | None:
        return target_problem(slot, value, self.spec.partition) if value else None

    def _key_problem(self, slot: str, key: str) -> str | None:
        """Why the key typed beside ``slot``'s ARN cannot be its ``kms_key`` (the domain's
        rule: a key ARN in the spec's partition and the target's Region, for a type that
        takes one), or None (none typed, or the ARN's own problem shows)."""
        arn = self.query_one(f"#target-{slot}", Input).value.strip()
        if not key or self._target_problem(slot, arn):
            return None
        if not arn:
            return "give the target's ARN first: a key belongs to one queue, topic or bucket"
        return target_problem(slot, arn, self.spec.partition, key)

    def _show_target_check(self, slot: str) -> None:
        """Under a target's field: what the typed ARN will be granted, or why it cannot be."""
        value = self.query_one(f"#target-{slot}", Input).value.strip()
        check = self.query_one(f"#target-{slot}-check", Static)
        if not value and not self._typed_key(slot):  # the placeholder says "not set"
            check.update("")
        elif problem := self._target_problem(slot, value):
            check.update(Content.from_markup("[$error]✗ $p[/]", p=problem))
        elif problem := self._key_problem(slot, self._typed_key(slot)):
            check.update(Content.from_markup("[$error]✗ kms_key: $p[/]", p=problem))
        else:
            note = self._key_notes.get(slot, "") if value == get_target(self.spec, slot) else ""
            if key := get_target_key(self.spec, slot):
                note = key_note(slot, value, key, self.spec.partition)
            elif key_to_read(slot, value, self.spec.partition) is None:
                note = key_note(slot, value, "", self.spec.partition)  # a type with no key
            more = Content.from_markup("\n[dim]$n[/]", n=note) if note else ""
            check.update(Content.from_markup("[$success]✓ Lambda may send to it[/]") + more)

    def _typed_key(self, slot: str) -> str:
        return self.query_one(f"#target-{slot}-key", Input).value.strip()

    def leave_problem(self) -> tuple[str, Widget] | None:
        for slot, label in TARGET_FIELDS:
            field = self.query_one(f"#target-{slot}", Input)
            if problem := self._target_problem(slot, field.value.strip()):
                return f"{label}: {problem}", field
            if problem := self._key_problem(slot, self._typed_key(slot)):
                return f"{label}: kms_key: {problem}", self.query_one(f"#target-{slot}-key", Input)
        if not self.query_one("#boundary-arn-choice", RadioButton).value:
            return None
        arn_input = self.query_one("#boundary-arn", Input)
        if arn_input.value.strip() == self.spec.boundary:
            return None
        what = "is not a policy ARN" if arn_input.value.strip() else "is empty"
        return (
            f"The existing boundary's ARN {what}: paste the policy's ARN "
            "(arn:aws:iam::123456789012:policy/NAME) or choose another boundary to go on.",
            arn_input,
        )

    def _set_boundary(self, value: str) -> None:
        spec = self.spec
        if spec.boundary != value:
            spec.boundary = value
            self.wizard.spec_changed()

    @on(Checkbox.Changed)
    def _option_changed(self, event: Checkbox.Changed) -> None:
        opt = (event.checkbox.id or "").removeprefix("opt-")
        spec = self.spec
        if opt in {o[0] for o in OPTIONS} and getattr(spec, opt) != event.value:
            setattr(spec, opt, event.value)
            self.wizard.spec_changed()

    @on(SelectionList.SelectedChanged, "#managed")
    def _managed_changed(self, event: SelectionList.SelectedChanged) -> None:
        spec = self.spec
        names = list(event.selection_list.selected)
        order = [o.value for o in event.selection_list.options]  # type: ignore[attr-defined]
        names.sort(key=order.index)
        if names != spec.managed_policies:
            spec.managed_policies = names
            self.wizard.spec_changed()

    @on(SelectionList.SelectionHighlighted, "#managed")
    def _managed_highlighted(self) -> None:
        self._show_diff()

    def _show_diff(self) -> None:
        managed = self.query_one("#managed", SelectionList)
        widget = self.query_one("#managed-diff", Static)
        index = managed.highlighted
        if index is None or managed.option_count == 0:
            widget.update(
                Content.from_markup("[dim]highlight a policy to see what it grants beyond yours[/]")
            )
            return
        name = str(managed.get_option_at_index(index).value)
        try:
            text = managed_beyond(self.wizard.bundle, name)
        except Exception as exc:  # noqa: BLE001 - shown in place
            text = f"cannot compare: {exc}"
        widget.update(Content(text))
