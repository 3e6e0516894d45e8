"""The wizard app: one RoleSpec (the single source of truth), six step screens, autosave.

Screens edit ``app.spec`` and call :meth:`WizardApp.spec_changed`, which recomposes the bundle
(milliseconds), autosaves the draft and tells the current screen. boto3, moto and the demo
sandbox are imported inside thread workers only, so the first frame comes fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.worker import get_current_worker

from wizard.errors import UserError
from wizard.text import count
from wizard.tui.messages import (
    DomainLoaded,
    SessionDetected,
    SessionFailed,
    SpecChanged,
    StepsLoaded,
)
from wizard.tui.screens.base import StepScreen
from wizard.tui.state import DEFAULT_FUNCTION, STEP_NAMES, STEPS, GateReview, Key, ScanMemory

if TYPE_CHECKING:
    from wizard.bundle import RoleBundle
    from wizard.drafts import DraftStore
    from wizard.spec import RoleSpec

# the app's keys that act on a step; a dialog over the step (a modal screen) neither shows nor
# runs them
_STEP_ACTIONS = frozenset({"next_step", "previous_step", "save_spec", "help"})
_frozen_at: set[str] = set()  # where gc.freeze() was called already, once a process each


def _freeze_once(point: str) -> None:
    """Move every object alive now into the collector's permanent generation, once a process at
    each ``point``: what was loaded by then (Textual; later the domain's catalogs and caches and
    the built step screens) lives as long as the process, and a full pass walking it takes
    0.1-0.4 s of the UI thread at whatever moment the allocations set it off -- a step change,
    a keystroke. Once a process, so a test run of many apps does not keep every app's objects.
    """
    if point not in _frozen_at:
        _frozen_at.add(point)
        gc.freeze()


def _step_screen(index: int) -> StepScreen:
    step = STEPS[index]
    return getattr(importlib.import_module(f"wizard.tui.screens.{step.module}"), step.cls)()


class WizardApp(App[None]):
    """``role-wizard``: compose a least-privilege Lambda execution role step by step."""

    CSS_PATH = str(Path(__file__).with_name("wizard.tcss"))
    # seconds without a change of the spec or the step before the steps either side of the
    # current one are brought up to date in the background (a burst of keys refreshes them once)
    AHEAD_DELAY = 0.1
    TITLE = "role-wizard"
    SUB_TITLE = "least-privilege Lambda execution roles"
    BINDINGS = [
        Binding(
            "ctrl+n", "next_step", "Next", id="next", tooltip="Go to the next step", priority=True
        ),
        Binding(
            "ctrl+b",
            "previous_step",
            "Back",
            id="back",
            tooltip="Go back to the previous step",
            priority=True,
        ),
        Binding(
            "ctrl+s",
            "save_spec",
            "Save spec",
            id="save",
            tooltip="Save the role spec (the file being edited, or the Finish step's path)",
        ),
        Binding("f1", "help", "Help", id="help", tooltip="Keys and how the wizard works"),
        Binding(
            "question_mark",
            "help",
            "Help",
            id="help-question",
            show=False,
            tooltip="Keys and how the wizard works",
        ),
    ]

    def __init__(
        self,
        spec: RoleSpec | None = None,
        *,
        demo: bool = False,
        edit_path: str | Path | None = None,
        drafts: DraftStore | None = None,
        session_factory: Callable[[], Any] | None = None,
        discoverer_factory: Callable[[Any], Any] | None = None,
        offer_resume: bool = True,
        output_dir: str | Path | None = None,
        profile: str | None = None,
        region: str | None = None,
        cursor_blink: bool = True,
        app_spec: Any = None,
        function: int | None = None,
    ) -> None:
        super().__init__()
        # Editing an app spec (edit_path): one function's role at a time, chosen at start
        # unless ``function`` is; saving writes the whole app spec back.
        self.app_spec = app_spec
        self.app_index = function
        if app_spec is not None and function is not None:
            self.sub_title = (
                f"editing {edit_path}: function {app_spec.functions[function].function}"
            )
        self.cursor_blink = cursor_blink  # off for deterministic snapshots
        if edit_path:
            self.sub_title = f"editing {edit_path}"
        if app_spec is not None and function is not None:
            self.sub_title = (
                f"editing {edit_path}: function {app_spec.functions[function].function}"
            )
        # The spec, the drafts and the composer load in a worker right after the first frame;
        # until then ``spec`` may be None (step 1 shows the defaults).
        self.spec: RoleSpec | None = spec
        self.demo = demo
        self.edit_path = Path(edit_path) if edit_path else None
        self.drafts: DraftStore | None = drafts
        # os.urandom is what secrets.token_hex uses; secrets would import hashlib and OpenSSL
        self.draft_id = time.strftime("%Y%m%d-%H%M%S") + "-" + os.urandom(3).hex()
        self.draft_saved = False
        self.offer_resume = offer_resume
        self.output_dir = Path(output_dir) if output_dir else Path.cwd()
        self._session_factory = session_factory or self._default_session
        self._discoverer_factory = discoverer_factory
        self._profile = profile
        self._region = region
        self._aws: Any = None
        self._aws_error: str | None = None
        self._discoverers: Any = None  # wizard.aws.discover.RegionalDiscoverers, made once
        self.session_account: str | None = None  # what the session said (SessionDetected)
        self.session_region: str | None = None
        self._aws_lock = threading.Lock()
        self._first_frame = threading.Event()
        self.session_state = "detecting account and region…"
        self.bundle: RoleBundle | None = None
        self.compose_error: str | None = None
        self._gate_review: tuple[RoleBundle, GateReview] | None = None  # (bundle, its review)
        self.discovered: dict[str, dict[Key, dict[str, Any]]] = {}  # region -> its listings
        self.step = 0
        self.spec_generation = 0  # counts specs replaced whole (a resumed draft)
        self.spec_version = 0  # counts changes of the spec (spec_changed): what screens show
        self.session_worker: Any = None
        self.premount_worker: Any = None
        self.ahead_worker: Any = None  # refreshes the steps either side of the current one
        self.resumable: list[Any] | None = None  # the drafts the palette offers, newest first
        self.scan = ScanMemory()  # step 2's "scan my code" (its path is kept in the draft)

    def run(self, *args: Any, **kwargs: Any) -> None:
        """Run the app (``role-wizard`` and ``role-wizard edit``)."""
        # What is loaded by now (Textual, the step-1 screen, an edited spec): the full pass the
        # first frame's allocations set off would walk ~50,000 objects (15-25 ms).
        _freeze_once("start")
        return super().run(*args, **kwargs)

    # ------------------------------------------------------------------ the spec

    def recompose(self) -> None:
        """Compose the bundle from the spec; a problem becomes ``compose_error``."""
        from wizard.policy.compose import compose

        try:
            self.bundle = compose(self.spec)
            self.compose_error = None
        except UserError as exc:
            self.bundle = None
            self.compose_error = str(exc)

    def gate_review(self) -> GateReview:
        """The gate's review of the current bundle (linted once a bundle, when asked): every
        finding, and the errors and warnings that refuse writing or applying the role. The
        doors themselves (export, plan, apply) ask the gate again; this is what screens show."""
        if self.bundle is None:
            return GateReview()
        if self._gate_review is None or self._gate_review[0] is not self.bundle:
            from wizard.policy.gate import blocking, review

            try:
                findings = review(self.bundle)
                result = GateReview(findings, blocking(findings))
            except Exception as exc:  # noqa: BLE001 - shown in place; the doors still refuse
                result = GateReview(error=f"the validator failed: {exc}")
            self._gate_review = (self.bundle, result)
        return self._gate_review[1]

    def spec_changed(self, *, autosave: bool = True) -> None:
        """Screens call this after every edit of ``self.spec``."""
        if self.spec is None:
            return
        self.spec_version += 1
        self.recompose()
        if autosave:
            self.autosave()
        if self.screen_stack:
            self.screen.post_message(SpecChanged())
            self._refresh_ahead()

    def autosave(self) -> None:
        if self.drafts is None:  # pragma: no cover - the domain is still loading
            return
        try:
            self.drafts.save(
                self.draft_id,
                self.spec,
                source=str(self.edit_path) if self.edit_path else None,
                step=STEP_NAMES[self.step],
                scan=self.scan.path or None,
            )
            self.draft_saved = True
        except UserError as exc:
            self.notify(str(exc), title="Draft not saved", severity="warning")

    def replace_spec(self, spec: Any) -> None:
        self.spec = spec
        self.spec_generation += 1  # every field shows the new spec, whatever it holds
        self.spec_changed(autosave=False)

    # ------------------------------------------------------------------ AWS

    def _default_session(self) -> Any:
        from wizard.aws.connect import make_session

        return make_session(profile=self._profile, region=self._region, demo=self.demo)

    def aws_session(self) -> Any:
        """The run's AWS session (made once, in a worker thread); raises UserError."""
        with self._aws_lock:
            if self._aws is None:
                self._aws = self._session_factory()
            return self._aws

    def discoverer(self, region: str | None = None) -> Any:
        """The resource discoverer for ``region`` (the session's when None), one a region, made
        on first use; raises UserError or ImportError."""
        session = self.aws_session()
        with self._aws_lock:
            if self._discoverers is None:
                from wizard.aws.discover import RegionalDiscoverers

                self._discoverers = RegionalDiscoverers(session, self._discoverer_factory)
        return self._discoverers.for_region(region)

    def listing_region(self) -> str:
        """The region resources are listed from: the spec's, else the session's ("" while
        neither is known: the session's, once it answers)."""
        spec_region = self.spec.region if self.spec is not None else None
        return spec_region or self.session_region or ""

    def invalidate_listing(self, key: Key, region: str = "") -> None:
        """Forget a listing of ``region``, here and in its discoverer's cache (an injected
        discoverer may keep none), so the next one reads afresh."""
        self.discovered.get(region, {}).pop(key, None)
        made = self._discoverers.made(region or None) if self._discoverers is not None else None
        invalidate = getattr(made, "invalidate", None)
        if invalidate is not None:
            kind, bucket, prefix = key
            invalidate(kind, bucket or None, prefix or None)

    @work(thread=True, exclusive=True, group="session", exit_on_error=False)
    def detect_session(self) -> None:
        """Load the domain (spec, drafts, composer), then ask AWS for the account and region."""
        # Imports would hold the GIL while the first frame renders: wait for it (on_ready), or
        # for the app to close before it (on_unmount). No time limit: a test holds this back.
        self._first_frame.wait()
        if get_current_worker().is_cancelled:
            return
        import wizard.drafts
        import wizard.export
        import wizard.policy.compose
        import wizard.policy.gate
        import wizard.policy.lint
        import wizard.spec  # noqa: F401

        self.post_message(DomainLoaded())
        from wizard.tui.prewarm import prewarm

        # the later steps' modules and caches, so a step change repaints fast; only a head
        # start: a failure here shows when the step itself loads it
        with contextlib.suppress(Exception):
            prewarm()
        _freeze_once("domain loaded")  # the catalogs and caches: building the steps next
        self.post_message(StepsLoaded())
        try:
            session = self.aws_session()
            account, region = str(session.account), str(session.region)
        except UserError as exc:
            self.post_message(SessionFailed(exc.detail))
            return
        except Exception as exc:  # noqa: BLE001 - any SDK failure is shown, never raised
            self.post_message(SessionFailed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(SessionDetected(account, region))

    def on_session_detected(self, message: SessionDetected) -> None:
        if self.spec is None:  # pragma: no cover - DomainLoaded is posted first
            return
        where = "demo sandbox" if self.demo else "AWS session"
        self.session_state = f"account {message.account} {message.region} ({where})"
        self.session_account, self.session_region = message.account, message.region
        if self.edit_path is not None:  # an edited spec keeps its open values
            self.spec_changed(autosave=False)
            return
        from wizard.spec import fill_location

        try:
            filled = fill_location(
                self.spec,
                account=message.account,
                region=message.region,
                source=f"the {where}",
                region_is_default=True,
            )
        except UserError as exc:  # the spec says otherwise: it stays as it is, and says why
            self.notify(exc.detail, title="Not using the session's account", severity="warning")
            filled = self.spec
        changed = filled is not self.spec
        self.spec = filled
        self.spec_changed(autosave=self.draft_saved and changed)

    def on_session_failed(self, message: SessionFailed) -> None:
        self._aws_error = message.error
        self.session_state = f"offline: {message.error}"
        self.spec_changed(autosave=False)

    # ------------------------------------------------------------------ start and steps

    def get_default_screen(self) -> Screen:
        # Step 1 is the app's first screen itself, not pushed over an empty default one: the
        # first frame lays out and paints one screen, once, and Textual's Ready (posted on the
        # first layout) marks step 1 on screen.
        screen = _step_screen(0)
        # installed like the later steps, so switching away keeps it: going back to step 1
        # repaints it instead of composing a new one (Textual removes a screen it switches away
        # from unless it is installed)
        self.install_screen(screen, STEP_NAMES[0])
        # switch_screen() takes a result callback off the screen it replaces and gives the new
        # top screen an empty one; a default screen has none, so give it that empty one here.
        screen._push_result_callback(screen, None)
        return screen

    def on_mount(self) -> None:
        # The first frame needs only step 1; the domain and the AWS session (boto3, or the
        # moto sandbox) load in this worker once the frame is on screen (on_ready).
        self.session_worker = self.detect_session()

    def on_ready(self) -> None:
        self._first_frame.set()

    def on_unmount(self) -> None:
        self._first_frame.set()  # an app closed before its first frame: the worker ends

    def on_domain_loaded(self, message: DomainLoaded) -> None:
        from wizard.drafts import DraftStore
        from wizard.spec import RoleSpec

        if self.drafts is None:
            self.drafts = DraftStore()
        from wizard.tui.screens.function import FunctionScreen

        # the user is already at work: the resume offer must not take the keys they type next
        busy = not isinstance(self.screen, FunctionScreen) or self.screen.typed()
        if self.spec is None:
            self.spec = RoleSpec(function=DEFAULT_FUNCTION)
            if isinstance(self.screen, FunctionScreen):
                self.screen.push_inputs()
        self.spec_changed(autosave=False)
        if self.app_spec is not None and self.app_index is None:
            self._choose_function()
        elif self.offer_resume:
            self._offer_resume(ask=not busy)

    def _choose_function(self) -> None:
        from wizard.tui.screens.functions import FunctionChooser

        def chosen(index: int | None) -> None:
            if index is None:
                return
            self.app_index = index
            self.replace_spec(self.app_spec.role(index))
            self.sub_title = f"editing {self.edit_path}: function {self.spec.function}"

        self.push_screen(FunctionChooser(self.app_spec, str(self.edit_path)), chosen)

    def on_steps_loaded(self, message: StepsLoaded) -> None:
        self.premount_worker = self.run_worker(
            self._premount_steps(), group="premount", exclusive=True, exit_on_error=False
        )

    async def _premount_steps(self) -> None:
        """Build the later steps' screens while the user is on step 1: compose, mount and lay
        out each one as Textual would on the first switch to it, so that switch only repaints.
        """
        for index in range(1, len(STEPS)):
            name = STEP_NAMES[index]
            if self.is_screen_installed(name):  # visited already
                continue
            screen = _step_screen(index)
            self.install_screen(screen, name)
            # Textual's own first switch to an installed screen registers it so (_get_screen);
            # Textual is pinned (pyproject), and tests/tui/test_steps_ahead.py checks this
            widgets = self._register(self, screen)
            await AwaitMount(screen, widgets)
            screen.styled()  # mounted: styled as the app is now (its first show restyles not)
            # each stage in its own turn of the loop, so keys typed meanwhile wait less
            await asyncio.sleep(0)
            screen.refresh_ahead()  # the spec as it is now: its first show only repaints
            await self._lay_out_ahead(screen)
        _freeze_once("steps built")

    async def _lay_out_ahead(self, screen: StepScreen) -> None:
        """Lay out and paint a hidden step at the terminal's size, as Textual would when it is
        shown, so showing it only repaints; each stage in its own turn of the loop, so keys
        typed meanwhile wait less. Not a screen with breakpoints (steps 2 and 3): laid out
        while in the background, its lists kept lines measured at 80 columns after the
        terminal grew, or before their scrollbar showed (tests/tui/test_keys.py,
        test_growing_the_terminal_re_lays_the_kinds_list); those lay out when shown."""
        if screen is self.screen or screen.HORIZONTAL_BREAKPOINTS:
            return
        # Textual's own private layout and paint calls, as on a switch; Textual is pinned
        # (pyproject) and tests/tui/test_steps_ahead.py checks this
        # A layout asked of a hidden screen waits for it to show (Screen._on_timer_update runs
        # for the current screen only): done here, it is no longer pending, as after that
        # timer. A layout can ask for another (a widget's size changed, its scrollbars): a few
        # passes, each in a turn of the loop, as the timer would do them.
        for _ in range(3):
            screen._layout_required = False
            screen._refresh_layout(self.size)
            screen._dirty_widgets.clear()
            await asyncio.sleep(0)
            if screen is self.screen:
                return
            if not screen._layout_required:
                break
        screen._compositor.render_update(full=True)  # each widget's lines, cached

    def _refresh_ahead(self) -> None:
        """Bring the steps either side of the current one up to date with the spec in the
        background, once the user pauses (``AHEAD_DELAY``): the next ctrl+n or ctrl+b then only
        repaints. Each call replaces the last (a burst of keys refreshes once)."""
        self.ahead_worker = self.run_worker(
            self._refresh_steps_ahead, group="ahead", exclusive=True, exit_on_error=False
        )

    async def _refresh_steps_ahead(self) -> None:
        await asyncio.sleep(self.AHEAD_DELAY)
        for index in (self.step + 1, self.step - 1):
            if not 0 <= index < len(STEPS) or not self.is_screen_installed(STEP_NAMES[index]):
                continue
            screen = self.get_screen(STEP_NAMES[index])
            if isinstance(screen, StepScreen) and screen.refresh_ahead():
                await asyncio.sleep(0)
                await self._lay_out_ahead(screen)

    def _offer_resume(self, *, ask: bool = True) -> None:
        """Offer the kept drafts of this spec, newest first: a list to choose from when the
        user is not typing yet, else a notice and a "Resume draft" command in the palette."""
        drafts = self.drafts.list()
        source = str(self.edit_path) if self.edit_path else None
        # not this session's own draft (what was typed before the offer is autosaved already)
        drafts = [d for d in drafts if d.source == source and d.id != self.draft_id]
        if self.edit_path is not None:
            # a draft that says what the file says (it was saved) has nothing to resume
            drafts = [d for d in drafts if not self._draft_matches_spec(d.id)]
        if not drafts:
            return
        if not ask:
            self.resumable = drafts
            more = f" (and {len(drafts) - 1} more)" if len(drafts) > 1 else ""
            self.notify(
                f"{drafts[0].label}{more}: ctrl+p, then “Resume draft”, opens it",
                title="A draft is kept",
                timeout=10,
            )
            return
        self._ask_resume(drafts)

    def _ask_resume(self, drafts: list[Any]) -> None:
        from wizard.tui.screens.resume import ResumeModal, step_index

        def resumed(draft: Any) -> None:
            if draft is None:
                return
            try:
                spec = self.drafts.load(draft.id)
            except UserError as exc:
                self.notify(str(exc), title="Draft not resumed", severity="error")
                return
            self.resumable = None
            self.draft_id = draft.id
            self.draft_saved = True
            self.scan = ScanMemory(path=draft.scan or "")
            self.replace_spec(spec)
            self.notify(f"Resumed {draft.label}.", title="Draft")
            self.goto_step(step_index(draft))  # where it was left

        self.push_screen(ResumeModal(drafts), resumed)

    def action_resume_draft(self) -> None:
        if self.resumable is not None:
            self._ask_resume(self.resumable)

    def exit_note(self) -> str | None:
        """What to print once the app has closed: where this session's draft is kept."""
        if not self.draft_saved or self.drafts is None:
            return None
        return (
            f"your draft is kept in {self.drafts.path(self.draft_id)} "
            "(run role-wizard again to resume it)"
        )

    def _draft_matches_spec(self, draft_id: str) -> bool:
        """Whether the draft holds the spec as it is now; such a draft is discarded."""
        try:
            same = self.drafts.load(draft_id).dump() == self.spec.dump()
        except UserError:
            return False
        if same:
            self.drafts.discard(draft_id)
        return same

    def goto_step(self, index: int) -> None:
        if self.spec is None:
            self.notify("one moment: loading the catalog…", timeout=2)
            return
        index = max(0, min(len(STEPS) - 1, index))
        if index == self.step and self.screen_stack and isinstance(self.screen, StepScreen):
            return
        if self.screen_stack and isinstance(self.screen, StepScreen):
            problem = self.screen.leave_problem()
            if problem is not None:
                message, widget = problem
                widget.focus()
                self.notify(message, title="Before you go on", severity="warning")
                return
        self.step = index
        name = STEP_NAMES[index]
        if not self.is_screen_installed(name):
            self.install_screen(_step_screen(index), name)
        self.switch_screen(name)
        self._refresh_ahead()
        if self.draft_saved:  # the draft remembers the step, to resume there
            self.autosave()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # the footer hints only keys that work where the user is: no Back on the first step,
        # and none of the steps' keys over a dialog (it shows its own)
        if action in _STEP_ACTIONS and not isinstance(self.screen, StepScreen):
            return False
        if action == "previous_step" and isinstance(self.screen, StepScreen):
            return self.screen.INDEX > 0
        return True

    def action_next_step(self) -> None:
        if not isinstance(self.screen, StepScreen):
            return
        if self.step == len(STEPS) - 1:  # a key that does nothing says why
            self.notify(
                "This is the last step: save, export or apply the role here, or press ctrl+b "
                "to go back.",
                title="No next step",
                timeout=4,
            )
            return
        self.goto_step(self.step + 1)

    def action_previous_step(self) -> None:
        if not isinstance(self.screen, StepScreen):
            return
        if self.step == 0:
            self.notify(
                "This is the first step: ctrl+n goes to the next one.",
                title="No step before",
                timeout=4,
            )
            return
        self.goto_step(self.step - 1)

    def action_goto(self, index: int) -> None:
        if isinstance(self.screen, StepScreen):
            self.goto_step(index)

    def action_help(self) -> None:
        from wizard.tui.screens.help import HelpModal

        if not isinstance(self.screen, HelpModal):
            self.push_screen(HelpModal())

    # ------------------------------------------------------------------ outputs

    def default_spec_path(self) -> Path:
        return self.edit_path or self.output_dir / f"{self.spec.function}.role.yaml"

    def save_spec(self, path: str | Path | None = None) -> Path:
        """Write the spec atomically (to the edited file by default); raises UserError."""
        from wizard.atomic import write_text_atomic

        target = Path(path) if path else self.default_spec_path()
        text = self.spec.to_yaml()
        if self.app_spec is not None:  # the edited function back into the app, the rest kept
            if self.app_index is None:
                raise UserError("choose the function to edit first")
            edited = self.app_spec.with_function(self.app_index, self.spec)
            text = edited.to_yaml()
        try:
            write_text_atomic(target, text)
        except OSError as exc:
            raise UserError(f"cannot write: {exc.strerror}", where=str(target)) from None
        if self.app_spec is not None:
            self.app_spec = edited
        return target

    def export_files(self, folder: str | Path, formats: Iterable[str]) -> list[Path]:
        """Export the role in each format to FOLDER/ROLE.<suffix>; raises UserError (a
        :class:`~wizard.policy.gate.Refused` when the validator rejects the role)."""
        from wizard.export import export_file
        from wizard.policy.gate import approve

        if self.bundle is None:
            raise UserError(self.compose_error or "the role does not compose")
        ok = approve(self.bundle)
        # the export folder is asked for by name: making it is what was asked
        return [export_file(ok, fmt, folder, create_folder=True) for fmt in formats]

    def action_save_spec(self) -> None:
        if self.spec is None:
            return
        step = self.screen if isinstance(self.screen, StepScreen) else None
        try:
            target = self.save_spec(step.spec_path() if step is not None else None)
        except UserError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return
        self.notify(f"saved the spec to {target}", title="Saved")
        if step is not None:
            step.log_line(f"saved the spec to {target}")

    def action_export(self, fmt: str) -> None:
        from wizard.export import FORMATS

        try:
            written = self.export_files(self.output_dir, [fmt])
        except UserError as exc:
            self.notify(str(exc), title="Not exported", severity="error")
            return
        self.notify(f"wrote {written[0]}", title=f"Exported {FORMATS[fmt].title}")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from wizard.export import FORMATS

        yield from super().get_system_commands(screen)
        for i, step in enumerate(STEPS):
            yield SystemCommand(
                f"Step {i + 1}: {step.title}",
                f"Go to the {step.title} step",
                lambda i=i: self.action_goto(i),
            )
        yield SystemCommand(
            "Save spec", "Save the role spec as YAML (atomically)", self.action_save_spec
        )
        for fmt, form in FORMATS.items():
            yield SystemCommand(
                f"Export {form.title}",
                f"Write the role as {form.title} to {self.output_dir}",
                lambda fmt=fmt: self.action_export(fmt),
            )
        if self.resumable is not None:
            yield SystemCommand(
                "Resume draft",
                f"Choose among {count(len(self.resumable), 'kept draft')}",
                self.action_resume_draft,
            )
        yield SystemCommand("Help", "Keys and how the wizard works", self.action_help)
