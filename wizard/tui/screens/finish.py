"""Step 6: save the spec, export the role to files, plan and apply it against the account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, ProgressBar, Static
from textual.worker import Worker

from wizard.errors import UserError
from wizard.export import FORMATS
from wizard.text import count
from wizard.tui.messages import ProvisionFinished, ProvisionProgressed
from wizard.tui.screens.base import NARROW_BREAKPOINTS, StepScreen
from wizard.tui.state import GateReview
from wizard.tui.widgets.arn_input import PathInput
from wizard.tui.widgets.fitted_text import FitScroll, FittedText
from wizard.tui.widgets.gate_banner import GateBanner

LOG_LINES = 2000  # the result keeps this many lines


def _button_id(fmt: str) -> str:
    return "export-" + fmt.replace("cloudformation", "cfn")


def format_buttons() -> list[tuple[str, str, str]]:
    """(button id, format name, button title) of every format in the export table."""
    return [(_button_id(f.name), f.name, f.short) for f in FORMATS.values()]


class FinishScreen(StepScreen):
    HORIZONTAL_BREAKPOINTS = NARROW_BREAKPOINTS
    STEP = "finish"
    INDEX = 5

    def __init__(self) -> None:
        super().__init__()
        self.plan: Any = None
        self.plan_spec: dict | None = None
        self.worker: Worker | None = None
        self.lines: list[Content] = []
        self._refusal_said: tuple[str, ...] = ()  # the refusing findings the result pane named
        self.formats = format_buttons()

    def compose_body(self) -> ComposeResult:
        yield GateBanner(id="gate")
        with Horizontal(id="finish-panes"):
            with VerticalScroll(id="finish-left", classes="pane"):
                yield Label("Save the role spec (YAML)", classes="pane-title")
                yield PathInput(id="spec-path", compact=True)
                yield Button("Save spec (ctrl+s)", id="save", compact=True)
                yield Label("Export the role", classes="pane-title")
                yield PathInput(id="out-dir", compact=True)
                # two buttons a row, however many formats the table has: one row of them all
                # would run out of the pane at 80 columns
                with Grid(id="export-buttons"):
                    for button_id, _fmt, title in self.formats:
                        yield Button(title, id=button_id, compact=True)
                    yield Button("Export all", id="export-all", compact=True)
                yield Label("Create it in the account", classes="pane-title")
                yield Label("Deployer policy name (step 4's deployer option)", id="deployer-label")
                yield Input(id="deployer-name", compact=True)
                yield Static("", id="deployer-check", classes="field-error -quiet")
                with Horizontal(classes="row"):
                    yield Button("Plan", id="plan", compact=True)
                    yield Button("Apply…", id="apply", variant="warning", compact=True)
                yield ProgressBar(id="progress", total=1, show_eta=False)
            with Vertical(id="finish-right", classes="pane"):
                yield Label("Result", classes="pane-title")
                with FitScroll(id="result-scroll"):
                    yield FittedText("", id="result", split_after=":/")  # JSON and prose

    def mount_body(self) -> None:
        app = self.wizard
        self.query_one("#out-dir", Input).value = str(app.output_dir)
        self.query_one("#apply", Button).disabled = True
        self.query_one("#save", Button).focus()
        self._refresh()

    def first_shown(self) -> None:
        self._say_refusal(self.wizard.gate_review())  # built ahead, it said nothing yet

    def refresh_from_spec(self) -> None:
        # the default path follows the function's name until the user types another
        self.fields.show(self.query_one("#spec-path", Input), str(self.wizard.default_spec_path()))
        stale = self.plan is not None and self.plan_spec != self.spec.dump()
        if stale:
            self.plan = None
            self.log_line("the spec changed since the plan: plan again before applying")
        gate = self.wizard.gate_review()
        self.query_one("#gate", GateBanner).show(gate)
        ok = self.wizard.bundle is not None and not gate.refused
        for button_id in (*(b for b, _f, _t in self.formats), "export-all", "plan"):
            self.query_one(f"#{button_id}", Button).disabled = not ok
        self.query_one("#apply", Button).disabled = not ok or self.plan is None
        self._say_refusal(gate)
        self._show_deployer()

    def deployer_name(self) -> str | None:
        """The deployer policy apply creates (the name typed, else the bundle's), or None when
        the spec asks for none."""
        bundle = self.wizard.bundle
        if bundle is None or bundle.deployer is None:
            return None
        return self.query_one("#deployer-name", Input).value.strip() or bundle.deployer.name

    def _show_deployer(self) -> None:
        from wizard.spec import policy_name_problem

        bundle = self.wizard.bundle
        wanted = bundle is not None and bundle.deployer is not None
        for selector in ("#deployer-label", "#deployer-name", "#deployer-check"):
            self.query_one(selector).display = wanted
        if not wanted:
            return
        name_input = self.query_one("#deployer-name", Input)
        name_input.placeholder = f"{self.spec.role_name}-deployer"[:128]
        self.fields.show(name_input, self.spec.deployer_policy or "")
        problem = policy_name_problem(self.deployer_name() or "")
        check = self.query_one("#deployer-check", Static)
        check.update(problem or "")
        check.set_class(not problem, "-quiet")

    @on(Input.Changed, "#deployer-name")
    def _deployer_name_changed(self, event: Input.Changed) -> None:
        from wizard.spec import policy_name_problem

        self.plan = None  # a plan is of one name
        self.query_one("#apply", Button).disabled = True
        spec = self.spec
        typed = event.value.strip()
        if not policy_name_problem(typed or "x") and (typed or None) != spec.deployer_policy:
            spec.deployer_policy = typed or None  # kept in the spec, its draft and its file
            self.wizard.spec_changed()
        self.fields.agreed(event.input, event.value, spec.deployer_policy or "")
        self._show_deployer()

    def _say_refusal(self, gate: GateReview) -> None:
        """Say once a refusal why nothing can be exported, planned or applied."""
        said = tuple(f.code for f in gate.refusing) or ((gate.error,) if gate.error else ())
        if said == self._refusal_said or not self._shown:  # not while built ahead, unseen
            return
        self._refusal_said = said
        if not said:
            return
        text = (
            f"✗ not exported, planned or applied: the validator refuses this role "
            f"({', '.join(said)}). Fix it on steps 2–4 (the buttons above go there)."
        )
        self.log_line(text, "$error")
        self.notify(text.removeprefix("✗ "), title="Role refused", severity="error")

    def spec_path(self) -> str:
        return self.query_one("#spec-path", Input).value.strip() or str(
            self.wizard.default_spec_path()
        )

    def log_line(self, text: str, style: str = "") -> None:
        self.log_lines([text], style)

    def log_lines(self, texts: list[str], style: str = "") -> None:
        """Add lines to the result and scroll to the newest (a plan runs to a hundred lines)."""
        for text in texts:
            self.lines.append(
                Content.from_markup(f"[{style}]$t[/]", t=text) if style else Content(text)
            )
        del self.lines[:-LOG_LINES]
        self.query_one("#result", Static).update(Content("\n").join(self.lines))
        scroll = self.query_one("#result-scroll", VerticalScroll)
        self.call_after_refresh(scroll.scroll_end, animate=False)  # once the lines are laid out

    @on(Input.Changed, "#out-dir")
    def _out_dir_changed(self, event: Input.Changed) -> None:
        # the command palette's exports write where the buttons here do
        if event.value.strip():
            self.wizard.output_dir = Path(event.value.strip())

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.wizard.action_save_spec()

    @on(Button.Pressed)
    def _export(self, event: Button.Pressed) -> None:
        formats = {b: [f] for b, f, _t in self.formats}
        formats["export-all"] = [f for _b, f, _t in self.formats]
        if event.button.id not in formats:
            return
        folder = self.query_one("#out-dir", Input).value.strip() or "."
        try:
            written = self.wizard.export_files(folder, formats[event.button.id])
        except UserError as exc:
            self.log_line(f"✗ {exc}", "$error")
            self.notify(str(exc), title="Not exported", severity="error")
            return
        for path in written:
            self.log_line(f"✓ wrote {path}", "$success")
        self.notify(f"Wrote {count(len(written), 'file')} to {folder}", title="Exported")

    # ---------------------------------------------------------------- plan and apply

    @on(Button.Pressed, "#plan")
    def _plan(self) -> None:
        from wizard.spec import policy_name_problem

        deployer = self.deployer_name()
        if deployer is not None and (problem := policy_name_problem(deployer)):
            self.log_line(f"✗ {problem}", "$error")
            self.notify(problem, title="Not planned", severity="error")
            return
        # the plan is of the role as it is now, whatever changes while the account is read
        self.worker = self.provision(False, self.wizard.bundle, self.spec.dump(), deployer)

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        from wizard.tui.screens.confirm import ConfirmModal

        if self.plan is None:
            return
        counts = self.plan.counts
        question = (
            f"Apply {count(len(self.plan.changes), 'change')} to account {self.plan.account}? "
            f"({counts['add']} to add, {counts['change']} to change, {counts['remove']} to remove)"
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.worker = self.provision(True, None, None, None)

        self.app.push_screen(ConfirmModal(question, yes="Apply"), confirmed)

    @work(thread=True, exclusive=True, group="provision", exit_on_error=False)
    def provision(
        self, apply: bool, bundle: Any, spec_dump: dict | None, deployer: str | None
    ) -> None:
        from wizard.aws.provision import execute, make_plan, render_plan
        from wizard.policy.drift import render_drift

        what = "apply" if apply else "plan"
        try:
            aws = self.wizard.aws_session()
            if apply:
                plan = self.plan
                total = len(plan.changes)
                done = 0

                def on_change(change: Any) -> None:
                    nonlocal done
                    done += 1
                    self.post_message(ProvisionProgressed(f"✓ {change.title}", done, total))

                self.post_message(ProvisionProgressed("applying…", 0, total))
                result = execute(aws, plan, on_change=on_change)
                text = f"Applied {count(len(result.done), 'change')} to role {plan.role_arn}"
                self.post_message(ProvisionFinished(what, text, True))
            else:
                self.post_message(ProvisionProgressed("reading the account…", 0, 0))
                if bundle is None:
                    raise UserError(self.wizard.compose_error or "the role does not compose")
                # the gate refuses a role the validator rejects
                plan = make_plan(aws, bundle, deployer_policy_name=deployer)
                self.plan = plan
                self.plan_spec = spec_dump
                text = render_plan(plan)
                if plan.exists:  # what the plan undoes: how the live role drifted, and the risk
                    drift = render_drift(plan.role_name, plan.role_arn, plan.drift, [])
                    text = f"{drift}\n{text}"
                self.post_message(ProvisionFinished(what, text, True))
        except UserError as exc:
            self.post_message(ProvisionFinished(what, str(exc), False))
        except Exception as exc:  # noqa: BLE001 - shown, never a traceback
            self.post_message(ProvisionFinished(what, f"{type(exc).__name__}: {exc}", False))

    def on_provision_progressed(self, message: ProvisionProgressed) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True  # hidden while idle (wizard.tcss): a bar at 0% says nothing
        if message.total:
            bar.update(total=message.total, progress=message.done)
        else:
            bar.update(total=None)
        self.log_line(message.text)

    def on_provision_finished(self, message: ProvisionFinished) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=1, progress=1)
        bar.display = message.ok  # a failure shows its message, not a bar at 0%
        style = "" if message.ok else "$error"
        self.log_lines(message.text.rstrip("\n").splitlines(), style)
        if message.what == "apply":
            self.plan = None
            if message.ok:
                self.notify(message.text, title="Applied")
            else:  # apply takes a fresh plan here
                self.log_line("Plan again, then Apply…, to go on from there.", "$text-muted")
        elif message.ok and self.plan is not None and self.plan.changes:
            self.log_line("Apply… makes these changes.", "$text-muted")
        if not message.ok:  # the result may be scrolled away: say it where it is seen
            last = message.text.strip().splitlines()[-1:] or [""]
            self.notify(last[0], title=f"{message.what.capitalize()} failed", severity="error")
        self.refresh_from_spec()  # a plan of a spec changed meanwhile is dropped; the buttons
