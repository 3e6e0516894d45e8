"""Small items of issue 11: the status line never ticks a refused role, dialogs' footers show
their own keys, space chooses an access profile as enter does."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from test_gate import RISKY_SPEC, SAFE_SPEC

from wizard.spec import load_spec_text

from .conftest import BIG, FakeDiscoverer, orders_spec, settled

STEP_KEYS = {"ctrl+n", "ctrl+b", "ctrl+s", "f1"}


def footer_keys(screen: Any) -> set[str]:
    """The keys the screen's footer shows (what ``Footer`` draws from ``active_bindings``)."""
    return {b.key for _node, b, _on, _tip in screen.active_bindings.values() if b.show}


def test_the_status_line_ticks_only_a_role_the_gate_lets_out(make_app, tmp_path: Path):
    async def status_on_every_step(text: str) -> list[str]:
        spec, _ = load_spec_text(text)
        app = make_app(spec=spec, discoverer=FakeDiscoverer({}), offer_resume=False)
        lines = []
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            for step in range(6):
                app.goto_step(step)
                await settled(pilot)
                lines.append(str(app.screen.query_one("StatusLine").render()))
        return lines

    risky = asyncio.run(status_on_every_step(RISKY_SPEC))
    safe = asyncio.run(status_on_every_step(SAFE_SPEC))
    assert all(line.startswith("✓") for line in safe), safe
    for line in risky:
        assert "✓" not in line and line.startswith("✗"), line
        assert re.search(r"refused by \d+ findings? \(step 5 lists them\)", line), line


def test_dialogs_show_their_own_keys_not_the_wizards(make_app):
    async def run() -> None:
        from wizard.drafts import DraftStore
        from wizard.tui.screens.actions_modal import ActionPickerModal
        from wizard.tui.screens.confirm import ConfirmModal
        from wizard.tui.screens.resume import ResumeModal

        store = DraftStore()
        store.save(store.new_id(), orders_spec())
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            app.goto_step(1)
            await settled(pilot)
            assert {"ctrl+n", "ctrl+b"} <= footer_keys(app.screen)  # a step shows the wizard's
            for modal, own in (
                (ConfirmModal("Apply the role?", yes="Apply"), {"escape", "y"}),
                (ResumeModal(store.list()), {"escape", "r"}),
                (
                    ActionPickerModal("Actions on Orders", "dynamodb", "table", []),
                    {"escape", "ctrl+s"},
                ),
            ):
                await app.push_screen(modal)
                await settled(pilot)
                assert app.screen is modal
                assert modal.query("Footer"), f"{type(modal).__name__} has no footer"
                keys = footer_keys(modal)
                assert own <= keys and not (keys - own) & STEP_KEYS, keys
                if isinstance(modal, ConfirmModal):  # the footer says what the button says
                    assert app.active_bindings["y"].binding.description == "Apply"
                await pilot.press("ctrl+n")  # a step key does nothing under a dialog
                await settled(pilot)
                assert app.screen is modal and app.step == 1
                modal.dismiss(None)
                await settled(pilot)

    asyncio.run(run())


def test_space_chooses_the_highlighted_access_profile_as_enter_does(make_app):
    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            app.goto_step(2)
            await settled(pilot)
            profiles = app.screen.query_one("#profiles")
            names = [profiles.get_option_at_index(i).id for i in range(profiles.option_count)]
            current = app.spec.resources[0].access or names[profiles.highlighted]
            for key in ("space", "enter"):
                other = next(n for n in names if n != current)
                profiles.focus()
                profiles.highlighted = names.index(other)
                await pilot.press(key)
                await settled(pilot)
                assert app.spec.resources[0].access == other, key
                current = other

    asyncio.run(run())


def test_a_step_that_fails_to_draw_says_so_and_the_wizard_goes_on(make_app, monkeypatch):
    from wizard.tui.screens.review import ReviewScreen

    def broken(self: Any) -> Any:
        yield from ()
        raise RuntimeError("the review cannot be drawn")

    monkeypatch.setattr(ReviewScreen, "compose_body", broken)

    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            app.goto_step(4)
            await settled(pilot)
            assert app.screen.STEP == "review"
            text = str(app.screen.query_one("#step-broken").render())
            assert "could not be drawn (RuntimeError: the review cannot be drawn)" in text
            app.spec.logs = False  # a change while it shows: refreshed without its widgets
            app.spec_changed()
            await settled(pilot)
            await pilot.press("ctrl+b")
            await settled(pilot)
            assert app.screen.STEP == "options"
            await pilot.press("ctrl+n", "ctrl+n")  # through the broken step to the last one
            await settled(pilot)
            assert app.screen.STEP == "finish"
        assert app.return_code in (None, 0)

    asyncio.run(run())


def test_the_access_step_shows_c_only_while_a_resource_can_take_custom_actions(make_app):
    from wizard.spec import ResourceEntry

    custom = ResourceEntry(
        kind="custom",
        actions=["ses:SendEmail"],
        resources=["arn:aws:ses:us-east-1:123456789012:identity/example.com"],
    )

    async def keys_shown(resources: list[Any], highlight: int = 0) -> set[str]:
        app = make_app(
            spec=orders_spec(resources=resources), discoverer=FakeDiscoverer({}), offer_resume=False
        )
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            app.goto_step(2)
            await settled(pilot)
            app.screen.query_one("#access-resources").highlighted = highlight
            await settled(pilot)
            return footer_keys(app.screen)

    table = ResourceEntry(kind="dynamodb-table", name="Orders")
    assert "c" in asyncio.run(keys_shown([table]))
    assert "c" not in asyncio.run(keys_shown([]))
    assert "c" not in asyncio.run(keys_shown([table, custom], highlight=1))
