"""Keys that do what the screen says (issue #11): enter in a filter box selects the highlighted
match, down enters the list, the custom-actions modal works by keys alone, focus is visible,
ctrl+n on the last step says why it does nothing."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widgets import Input

from wizard.spec import ResourceEntry

from .conftest import BIG, SMALL, FakeDiscoverer, settled, table
from .conftest import orders_spec as spec


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


def test_ctrl_n_on_the_last_step_and_ctrl_b_on_the_first_say_why_nothing_happens(make_app):
    async def run() -> None:
        app = make_app(spec=spec(), discoverer=tables(), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            # no Back on the first step: the footer does not offer it, and the key does nothing
            assert app.check_action("previous_step", ()) is False
            await pilot.press("ctrl+b")
            await settled(pilot)
            assert app.step == 0
            await to_step(pilot, 5)
            await pilot.press("ctrl+n")
            await settled(pilot)
            assert app.step == 5
            assert any("last step" in message for _t, message, _s in app.notices)

    asyncio.run(run())


def test_tab_after_choosing_an_existing_boundary_lands_in_its_arn_field(make_app):
    async def run() -> None:
        app = make_app(spec=spec(), discoverer=tables(), offer_resume=False)
        async with app.run_test(size=SMALL) as pilot:
            await to_step(pilot, 3)
            boundary = app.screen.query_one("#boundary")
            assert app.focused is boundary
            names = [b.id for b in boundary.query("RadioButton")]
            at = boundary._selected or 0
            await pilot.press(*["down"] * (names.index("boundary-arn-choice") - at), "enter")
            await settled(pilot)
            assert app.screen.query_one("#boundary-arn-choice").value
            await pilot.press("tab")
            await settled(pilot)
            assert app.focused is app.screen.query_one("#boundary-arn")

    asyncio.run(run())


def test_check_boxes_radio_buttons_and_selection_lists_differ_in_a_glyph(make_app):
    """On and off differ in the characters drawn, not only in their colours."""

    async def run() -> None:
        app = make_app(
            spec=spec(tracing=True, managed_policies=["AWSLambdaBasicExecutionRole"]),
            discoverer=tables(),
            offer_resume=False,
        )
        async with app.run_test(size=BIG) as pilot:
            await to_step(pilot, 3)
            screen = app.screen

            def drawn(selector: str, line: int = 0) -> str:
                return screen.query_one(selector).render_line(line).text

            on, off = drawn("#opt-tracing"), drawn("#opt-vpc")
            assert on[:3] != off[:3]
            radios = [b for b in screen.query("#boundary RadioButton")]
            chosen = {str(b.render())[:3] for b in radios if b.value}
            others = {str(b.render())[:3] for b in radios if not b.value}
            assert len(chosen) == 1 and not chosen & others
            managed = screen.query_one("#managed")
            lines = [managed.render_line(y).text[:3] for y in range(managed.option_count)]
            values = [managed.get_option_at_index(i).value for i in range(managed.option_count)]
            picked = {lines[i] for i, v in enumerate(values) if v in managed.selected}
            rest = {lines[i] for i, v in enumerate(values) if v not in managed.selected}
            assert picked and rest and not picked & rest

    asyncio.run(run())


def test_the_progress_bar_is_hidden_until_work_starts(make_app):
    async def run() -> None:
        app = make_app(spec=spec(), discoverer=tables(), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await to_step(pilot, 5)
            bar = app.screen.query_one("#progress")
            assert not bar.display and bar.region.height == 0

    asyncio.run(run())


def test_every_focusable_control_shows_focus_by_a_marker(make_app):
    """Each control that can take the focus draws a bar at its left edge when focused (and
    keeps that column blank otherwise, so the layout stays), on every step."""

    async def run() -> None:
        app = make_app(spec=spec(), discoverer=tables(), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            checked = 0
            for step in range(6):
                if step:
                    await to_step(pilot, 1)
                screen = app.screen
                for widget in list(screen.query("*")):
                    if not widget.focusable or not widget.display:
                        continue
                    widget.focus()
                    await pilot.pause()
                    kind, _colour = widget.styles.border_left
                    assert kind not in ("", "none", "hidden", "blank"), (step, widget)
                    checked += 1
            assert checked > 20

    asyncio.run(run())


def test_long_arns_in_the_review_json_keep_their_lines(make_app):
    """A line of the policy JSON is drawn whole (scrolling sideways), never wrapped mid-word to
    column 0: every drawn line is a line of the JSON."""
    long_name = "orders-" + "very-long-table-name-" * 5

    async def run() -> None:
        app = make_app(
            spec=spec(resources=[ResourceEntry(kind="dynamodb-table", name=long_name)]),
            discoverer=tables(),
            offer_resume=False,
        )
        async with app.run_test(size=SMALL) as pilot:
            await to_step(pilot, 4)
            widget = app.screen.query_one("#json-identity")
            text = str(widget.render())
            lines = text.splitlines()
            longest = max(len(line) for line in lines)
            assert longest > widget.parent.size.width  # the case at hand: a line wider
            assert widget.size.width >= longest
            drawn = [widget.render_line(y).text.rstrip() for y in range(len(lines))]
            assert drawn == [line.rstrip() for line in lines]

    asyncio.run(run())


def test_growing_the_terminal_re_lays_the_kinds_list(make_app):
    """80x24 to 120x40: the kinds list is laid out as in a wizard started at 120x40 (the same
    size, the same scroll range), not left at its small size with a stale scrollbar."""

    async def kinds_at(start, end) -> tuple[object, int, bool]:
        app = make_app(spec=spec(), discoverer=tables(), offer_resume=False)
        async with app.run_test(size=start) as pilot:
            await to_step(pilot, 1)
            if end != start:
                await pilot.resize_terminal(*end)
            await settled(pilot)
            kinds = app.screen.query_one("#kinds")
            return kinds.size, kinds.max_scroll_y, kinds.show_vertical_scrollbar

    async def run() -> None:
        grown = await kinds_at(SMALL, BIG)
        fresh = await kinds_at(BIG, BIG)
        assert grown == fresh, (grown, fresh)

    asyncio.run(run())


def test_an_arn_box_shows_its_first_letter_once_the_focus_leaves(make_app):
    """A long ARN typed or pasted into step 2's box scrolls while typed; once the focus leaves,
    the box shows it from its first letter again."""
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/" + "a-rather-long-table-name-" * 3

    async def run() -> None:
        app = make_app(spec=spec(resources=[]), discoverer=tables(), offer_resume=False)
        async with app.run_test(size=SMALL) as pilot:
            await to_tables(pilot)
            box = app.screen.query_one("#arn", Input)
            box.focus()
            await pilot.press(*arn)
            await settled(pilot)
            assert len(arn) > box.size.width
            await pilot.press("shift+tab")
            await settled(pilot)
            assert app.focused is not box
            assert box.render_line(0).text.lstrip("▊ ").startswith("arn:aws:")

    asyncio.run(run())
