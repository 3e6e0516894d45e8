"""Every key a step's footer shows works where the focus is (issue #11): on steps 2-6, for each
focusable control, each key the footer offers either is one of the app's step keys (next,
back, save, help: tested in test_keys.py and test_wizard.py) or visibly does something when
pressed there."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .conftest import BIG, SMALL, FakeDiscoverer, settled, table
from .conftest import orders_spec as spec

# the app's own step keys, shown on every step and tested by themselves
GLOBAL = {"next_step", "previous_step", "save_spec", "help", "command_palette"}


def fingerprint(app: Any) -> tuple:
    """What a key can change: the screens, the focus, the spec, notices, the focused control's
    state, the listings started."""
    focused = app.focused
    state = tuple(
        repr(getattr(focused, name, None))
        for name in ("value", "highlighted", "cursor_position", "pressed", "scroll_offset")
    )
    listings = repr(
        {r: {k: s.get("generation") for k, s in d.items()} for r, d in app.discovered.items()}
    )
    return (
        len(app.screen_stack),
        type(app.screen).__name__,
        id(focused),
        app.spec_version,
        len(app.notices),
        state,
        listings,
    )


def shown_keys(app: Any) -> list[tuple[str, str]]:
    """(key, action) of each binding the footer shows now, enabled."""
    return [
        (key, active.binding.action)
        for key, active in app.active_bindings.items()
        if active.binding.show and active.enabled
    ]


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x40", "80x24"])
def test_every_key_the_footer_shows_works_where_the_focus_is(make_app, size):
    disc = FakeDiscoverer({"dynamodb-table": [table("Orders"), table("Payments")]})
    dead: list[str] = []

    async def run() -> None:
        app = make_app(spec=spec(), discoverer=disc, offer_resume=False)
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            for step in range(1, 6):
                await pilot.press("ctrl+n")
                await settled(pilot)
                screen = app.screen
                assert step == screen.INDEX
                for widget in list(screen.focus_chain):
                    widget.focus()  # takes effect after a pause (Textual defers it)
                    await settled(pilot)
                    for key, action in shown_keys(app):
                        if action in GLOBAL:
                            continue
                        widget.focus()
                        await settled(pilot)
                        before = fingerprint(app)
                        await pilot.press(key)
                        await settled(pilot)
                        if fingerprint(app) == before:
                            dead.append(f"step {step + 1}, {widget!r}: {key} ({action})")
                        while app.screen is not screen:  # a dialog it opened: closed
                            await pilot.press("escape")
                            await settled(pilot)

    asyncio.run(run())
    assert not dead, "\n".join(dead)
