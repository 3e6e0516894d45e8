"""The later steps are built in the background while the user is on step 1, so a step change
only repaints (issue #11: within 100 ms; bench/bench_tui.py --steps-only measures it). What is
built ahead must still show the spec as it is when the step is shown, and nothing is read
from the account before the user comes to the step that lists it."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.widgets import Input

from wizard.tui.state import STEP_NAMES

from .conftest import BIG, FakeDiscoverer, orders_spec, settled, table


class CountingDiscoverer(FakeDiscoverer):
    def __init__(self, items: dict[str, list[Any]]) -> None:
        super().__init__(items)
        self.listed: list[str] = []

    def pages(self, kind: str, **where: Any):
        self.listed.append(kind)
        return super().pages(kind, **where)


def test_every_later_step_is_built_before_it_is_shown_and_every_step_composed_once(
    make_app, monkeypatch
):
    from wizard.tui.screens.base import StepScreen

    composed: list[str] = []
    compose = StepScreen.compose

    def counted(self):
        composed.append(self.STEP)
        return compose(self)

    monkeypatch.setattr(StepScreen, "compose", counted)

    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            assert app.screen.STEP == "function"
            built = {name: app.get_screen(name) for name in STEP_NAMES[1:]}
            for screen in built.values():
                assert screen.is_mounted and screen.query_one("#nav-next").is_mounted
            assert sorted(composed) == sorted(STEP_NAMES)
            built[STEP_NAMES[0]] = app.screen
            walk = [*range(1, len(STEP_NAMES)), *range(len(STEP_NAMES) - 2, -1, -1)]
            for index in walk:  # to the last step and back to the first
                app.goto_step(index)
                await settled(pilot)
                assert app.screen is built[STEP_NAMES[index]]
            assert sorted(composed) == sorted(STEP_NAMES)  # no step composed again

    asyncio.run(run())


def test_a_step_shown_again_refreshes_only_when_the_spec_changed(make_app):
    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            access = app.get_screen("access")
            refreshed: list[int] = []
            refresh = access.refresh_from_spec

            def counted() -> None:
                refreshed.append(app.spec_version)
                refresh()

            access.refresh_from_spec = counted
            app.goto_step(2)
            await settled(pilot)
            shown = len(refreshed)
            for index in (1, 2):  # back and forth, the spec unchanged
                app.goto_step(index)
                await settled(pilot)
            assert len(refreshed) == shown
            app.goto_step(1)
            await settled(pilot)
            app.spec.resources = [
                *app.spec.resources,
                orders_spec().resources[0].model_copy(update={"name": "Billing"}),
            ]
            app.spec_changed()
            app.goto_step(2)
            await settled(pilot)
            assert len(refreshed) == shown + 1
            assert "Billing" in str(
                access.query_one("#access-resources").get_option_at_index(1).prompt
            )

    asyncio.run(run())


def test_what_steps_built_ahead_show_follows_step_1_typed_afterwards(make_app, tmp_path):
    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)  # the later steps are built, with orders-api in us-east-1
            app.screen.query_one("#function", Input).value = "billing-api"
            app.screen.query_one("#region", Input).value = "eu-west-1"
            await settled(pilot)
            app.goto_step(1)
            await settled(pilot)
            assert ":eu-west-1:" in app.screen.query_one("#arn-check").text
            app.goto_step(5)
            await settled(pilot)
            path = app.screen.query_one("#spec-path", Input)
            assert path.value.endswith("billing-api.role.yaml")
            path.value = str(tmp_path / "mine.yaml")  # typed: it stays
            await settled(pilot)
            app.goto_step(0)
            await settled(pilot)
            app.screen.query_one("#function", Input).value = "payments-api"
            await settled(pilot)
            app.goto_step(5)
            await settled(pilot)
            assert app.screen.query_one("#spec-path", Input).value == str(tmp_path / "mine.yaml")

    asyncio.run(run())


def test_nothing_is_listed_from_the_account_before_step_2_is_shown(make_app):
    async def run() -> None:
        disc = CountingDiscoverer({"dynamodb-table": [table("Orders")]})
        app = make_app(spec=orders_spec(), discoverer=disc, offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            assert app.get_screen("resources").is_mounted
            assert disc.listed == []
            app.goto_step(1)
            await settled(pilot)
            assert disc.listed == ["dynamodb-table"]
            assert "Orders" in str(app.screen.query_one("#found").get_option_at_index(0).prompt)

    asyncio.run(run())


def test_a_step_shown_after_the_theme_changed_has_the_new_themes_colours(make_app):
    """A step change skips Textual's restyle of the new step when nothing it depends on
    changed; a theme chosen on another step is such a change, for steps shown before (step 1)
    and for steps built ahead and not yet shown (step 3)."""
    from textual.widgets import Footer, Header

    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            app.theme = "textual-dark"
            await settled(pilot)
            steps = {0: app.get_screen(STEP_NAMES[0]), 2: app.get_screen(STEP_NAMES[2])}
            colours = {
                i: (s.query_one(Header).styles.background, s.query_one(Footer).styles.background)
                for i, s in steps.items()
            }
            app.goto_step(1)
            await settled(pilot)
            app.theme = "textual-light"
            await settled(pilot)
            shown = app.screen.query_one(Header).styles.background
            for index, screen in steps.items():
                app.goto_step(index)
                await settled(pilot)
                assert app.screen is screen
                now = (
                    screen.query_one(Header).styles.background,
                    screen.query_one(Footer).styles.background,
                )
                assert now != colours[index]
                assert now[0] == shown

    asyncio.run(run())


def test_the_steps_next_to_the_current_one_show_a_changed_spec_before_they_are_shown(make_app):
    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            app.goto_step(1)
            await settled(pilot)
            access = app.get_screen("access")
            app.spec.resources = [
                *app.spec.resources,
                orders_spec().resources[0].model_copy(update={"name": "Billing"}),
            ]
            app.spec_changed()
            await settled(pilot)
            assert app.screen.STEP == "resources" and not access.is_current
            options = access.query_one("#access-resources")
            assert options.option_count == 2
            assert "Billing" in str(options.get_option_at_index(1).prompt)

    asyncio.run(run())


def test_a_region_typed_on_step_1_is_listed_only_once_step_2_shows(make_app):
    async def run() -> None:
        disc = CountingDiscoverer({"dynamodb-table": [table("Orders")]})
        app = make_app(spec=orders_spec(), discoverer=disc, offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            app.goto_step(1)  # listed from us-east-1
            await settled(pilot)
            app.goto_step(0)
            await settled(pilot)
            listed = len(disc.listed)
            app.screen.query_one("#region", Input).value = "eu-west-1"
            await settled(pilot)
            assert len(disc.listed) == listed  # step 2 is next to step 1, but hidden
            app.goto_step(1)
            await settled(pilot)
            assert len(disc.listed) == listed + 1
            assert "in eu-west-1" in str(app.screen.query_one("#found-title").render())

    asyncio.run(run())
