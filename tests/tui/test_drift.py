"""The finish step's plan shows how an existing role drifted from the spec, with the risk."""

from __future__ import annotations

import asyncio

from .conftest import BIG, orders_spec, settled


def test_plan_of_an_existing_role_shows_its_drift(make_app):
    async def run() -> None:
        app = make_app(spec=orders_spec(function="drift-tui-fn"), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            app.goto_step(5)
            await pilot.pause()
            screen = app.screen
            await pilot.click("#plan")
            await settled(pilot)
            result = screen.query_one("#result").text
            assert "drifted" not in result  # a new role: nothing to drift from
            await pilot.click("#apply")
            await pilot.pause()
            await pilot.click("#yes")
            await settled(pilot)
            await pilot.click("#plan")
            await settled(pilot)
            assert "is in step with the spec" in screen.query_one("#result").text

            iam = app.aws_session().client("iam")
            iam.delete_role_permissions_boundary(RoleName="drift-tui-fn-role")
            await pilot.click("#plan")
            await settled(pilot)
            result = screen.query_one("#result").text
            assert "has drifted from the spec: 1 difference" in result
            assert "- boundary removed: nothing caps the role's permissions" in result
            assert "update permissions boundary of role drift-tui-fn-role" in result

    asyncio.run(run())
