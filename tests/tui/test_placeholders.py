"""An emptied field never looks filled in (issue #11, seen in tmux): with the function name
cleared, its placeholder showed ``orders-api`` -- the very name the workshop types -- so the
field looked right while the role kept the old name."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from .conftest import SMALL, FakeDiscoverer, settled
from .conftest import orders_spec as spec


def test_a_cleared_function_name_shows_a_placeholder_no_function_could_have(make_app):
    async def run() -> None:
        app = make_app(spec=spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=SMALL) as pilot:
            await settled(pilot)
            await pilot.press("ctrl+u")
            await settled(pilot)
            field = app.screen.query_one("#function", Input)
            assert field.value == ""
            # what the empty field shows is rejected as a function name: never mistaken for one
            assert app.screen._apply("function", field.placeholder) is not None
            assert app.spec.function == "orders-api"  # unchanged by the check above

    asyncio.run(run())
