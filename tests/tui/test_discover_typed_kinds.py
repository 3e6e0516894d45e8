"""Step 2 on the demo sandbox: the four kinds that were typed only are picked from the
discovered list -- a Bedrock inference profile (its model and Regions come with it), an
AppConfig profile, a metric namespace, and an RDS database whose user the fields dialog asks."""

from __future__ import annotations

import asyncio

from textual import events
from textual.widgets import Input

from wizard.spec import RoleSpec

from .conftest import settled

SIZE = (120, 40)
PROFILE = "us.anthropic.claude-3-haiku-20240307-v1:0"


async def _show_kind(app, pilot, kind: str) -> None:
    kinds = app.screen.query_one("#kinds")
    kinds.highlighted = app.screen.kind_names.index(kind)
    await settled(pilot)


async def _pick(app, pilot, text: str) -> None:
    """Filter the discovered list to ``text`` and select the one match (enter)."""
    await pilot.click("#filter")
    await pilot.press("end", "ctrl+u")
    app.screen.query_one("#filter").post_message(events.Paste(text))
    await settled(pilot)
    found = app.screen.query_one("#found")
    assert len(found.shown) == 1, [found.items[i].name for i in found.shown]
    await pilot.press("enter")
    await settled(pilot)


def test_the_typed_only_kinds_are_picked_from_the_demo_listing(make_app):
    async def run() -> RoleSpec:
        app = make_app(offer_resume=False, spec=RoleSpec(function="fn"))
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.goto_step(1)
            await settled(pilot)
            screen = app.screen

            await _show_kind(app, pilot, "bedrock-model")
            await _pick(app, pilot, PROFILE)
            await _show_kind(app, pilot, "appconfig-profile")
            await _pick(app, pilot, "orders/production/feature-flags")
            await _show_kind(app, pilot, "cloudwatch-metrics")
            await _pick(app, pilot, "Orders/Checkout")

            await _show_kind(app, pilot, "rds-db-user")
            await _pick(app, pilot, "orders-reporting")
            dialog = app.screen  # the database is listed; its user is typed
            assert type(dialog).__name__ == "EntryFormModal"
            assert dialog.query_one("#entry-resource_id", Input).value.startswith("db-")
            assert app.focused is dialog.query_one("#entry-user", Input)
            await pilot.press(*"reporting", "enter")
            await settled(pilot)
            assert app.screen is screen
            return app.spec

    spec = asyncio.run(run())
    entries = [r.field_values() for r in spec.resources]
    assert entries[0] == {
        "model": "anthropic.claude-3-haiku-20240307-v1:0",
        "inference_profile": PROFILE,
        "regions": "us-east-1,us-east-2,us-west-2",
    }
    assert set(entries[1]) == {"application_id", "environment_id", "profile_id"}
    assert entries[2] == {"namespace": "Orders/Checkout"}
    assert entries[3]["user"] == "reporting" and entries[3]["resource_id"].startswith("db-")
    assert [r.kind for r in spec.resources] == [
        "bedrock-model",
        "appconfig-profile",
        "cloudwatch-metrics",
        "rds-db-user",
    ]
