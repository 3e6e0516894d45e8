"""Keys that do what the screen says (issue #11): enter in a filter box selects the highlighted
match, down enters the list, the custom-actions modal works by keys alone, focus is visible,
ctrl+n on the last step says why it does nothing."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widgets import Input

from wizard.spec import ResourceEntry, RoleSpec

from .conftest import FakeDiscoverer, settled, table

BIG = (120, 40)
SMALL = (80, 24)


def spec(**kwargs) -> RoleSpec:
    values = {
        "function": "orders-api",
        "account": "123456789012",
        "region": "us-east-1",
        "resources": [ResourceEntry(kind="dynamodb-table", name="Orders")],
    }
    return RoleSpec(**{**values, **kwargs})


def tables() -> FakeDiscoverer:
    return FakeDiscoverer({"dynamodb-table": [table("Orders"), table("Payments"), table("Users")]})


async def to_step(pilot, index: int) -> None:
    await settled(pilot)
    for _ in range(index):
        await pilot.press("ctrl+n")
        await settled(pilot)


async def to_tables(pilot) -> None:
    """Step 2 with the DynamoDB tables listed."""
    await to_step(pilot, 1)
    screen = pilot.app.screen
    kinds = screen.query_one("#kinds")
    kinds.highlighted = screen.kind_names.index("dynamodb-table")
    await settled(pilot)


def test_enter_in_the_filter_selects_the_highlighted_match(make_app):
    async def run() -> None:
        app = make_app(spec=spec(resources=[]), discoverer=tables(), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await to_tables(pilot)
            await pilot.press("ctrl+f", *"pay", "enter")
            await settled(pilot)
            assert [r.name for r in app.spec.resources] == ["Payments"]
            # the focus stays in the filter, for the next one
            assert app.focused is app.screen.query_one("#filter")
            await pilot.press("ctrl+u", *"users", "enter")
            await settled(pilot)
            assert [r.name for r in app.spec.resources] == ["Payments", "Users"]

    asyncio.run(run())


def test_down_from_the_filter_enters_the_list(make_app):
    async def run() -> None:
        app = make_app(spec=spec(resources=[]), discoverer=tables(), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await to_tables(pilot)
            await pilot.press("ctrl+f", "down")
            await settled(pilot)
            assert app.focused is app.screen.query_one("#found")
            await pilot.press("down", "space")
            await settled(pilot)
            assert len(app.spec.resources) == 1

    asyncio.run(run())


def picker_app():
    from wizard.tui.screens.actions_modal import ActionPickerModal

    class Picker(App[None]):
        result: list[str] | None = ["unset"]

        def on_mount(self) -> None:
            def done(result: list[str] | None) -> None:
                self.result = result

            self.push_screen(ActionPickerModal("t", "dynamodb", "table", []), done)

    return Picker()


def test_the_custom_actions_modal_works_by_keys_alone():
    async def run() -> None:
        app = picker_app()
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            assert isinstance(app.focused, Input)
            # enter in the search box toggles the highlighted match
            await pilot.press(*"describetable", "enter")
            await pilot.pause()
            assert app.screen.chosen == {"dynamodb:DescribeTable"}
            # down enters the list; enter there toggles too
            await pilot.press("ctrl+a", "ctrl+k", *"updateitem", "down")
            await pilot.pause()
            assert app.focused is app.screen.query_one("#actions-list")
            await pilot.press("enter")
            await pilot.pause()
            assert "dynamodb:UpdateItem" in app.screen.chosen
            # tab reaches "Use these", enter presses it
            await pilot.press("tab")
            await pilot.pause()
            assert app.focused.id == "actions-done"
            await pilot.press("enter")
            await pilot.pause()
        assert app.result == ["dynamodb:DescribeTable", "dynamodb:UpdateItem"]

    asyncio.run(run())
