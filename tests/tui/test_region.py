"""Discovery follows the spec's region, and the wizard says when the spec's account is not
the session's (issue 11): on the demo sandbox, with a table only in eu-west-1 and one only in
us-east-1."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events

from .conftest import BIG, orders_spec, settled

EU_ONLY, US_ONLY = "eu-only-orders", "us-only-orders"


def sandbox_tables() -> None:
    """One table in each region of the test's own sandbox (its XDG_STATE_HOME)."""
    from wizard.aws.demo import demo_session

    for region, name in (("eu-west-1", EU_ONLY), ("us-east-1", US_ONLY)):
        demo_session(region).client("dynamodb").create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


def offered(app: Any) -> set[str]:
    found = app.screen.query_one("#found")
    return {found.items[i].name for i in found.shown}


async def set_field(pilot: Any, selector: str, text: str) -> None:
    """Clear the field and paste ``text`` (as a terminal's bracketed paste)."""
    await pilot.click(selector)
    await pilot.press("end", "ctrl+u")
    pilot.app.screen.query_one(selector).post_message(events.Paste(text))
    await pilot.pause()


def test_the_resources_step_lists_the_spec_region_and_follows_its_change(make_app):
    sandbox_tables()
    asyncio.run(region_walk(make_app))


async def region_walk(make_app: Any) -> None:
    app = make_app(spec=orders_spec(region="eu-west-1", resources=[]), offer_resume=False)
    async with app.run_test(size=BIG) as pilot:
        await settled(pilot)
        assert "us-east-1" in app.session_state  # the sandbox session's own region
        app.goto_step(1)
        await settled(pilot)
        names = offered(app)
        assert EU_ONLY in names and US_ONLY not in names
        assert "in eu-west-1" in str(app.screen.query_one("#found-title").render())

        # the table picked is the eu-west-1 one, and the role names it there
        app.screen.query_one("#filter").focus()
        await set_field(pilot, "#filter", EU_ONLY)
        await pilot.press("enter")
        await settled(pilot)
        assert [r.name for r in app.spec.resources] == [EU_ONLY]
        arns = {
            arn
            for p in app.bundle.policies
            for st in p.document["Statement"]
            for arn in ([st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"])
        }
        assert f"arn:aws:dynamodb:eu-west-1:123456789012:table/{EU_ONLY}" in arns

        # back on step 1 the region changes: step 2 lists the new one
        app.goto_step(0)
        await settled(pilot)
        await set_field(pilot, "#region", "us-east-1")
        await settled(pilot)
        assert app.spec.region == "us-east-1"
        app.goto_step(1)
        await settled(pilot)
        names = offered(app)
        assert US_ONLY in names and EU_ONLY not in names
        assert "in us-east-1" in str(app.screen.query_one("#found-title").render())

        # and back again: eu-west-1's listing is still there, not the other region's
        app.goto_step(0)
        await settled(pilot)
        await set_field(pilot, "#region", "eu-west-1")
        app.goto_step(1)
        await settled(pilot)
        names = offered(app)
        assert EU_ONLY in names and US_ONLY not in names


def step_text(app: Any) -> str:
    """What the step shows in its own text (not a passing notification)."""
    from textual.widgets import Static
    from textual.widgets._toast import Toast

    return "\n".join(
        str(w.render()) for w in app.screen.query(Static) if w.display and not isinstance(w, Toast)
    )


def test_a_spec_account_other_than_the_session_one_is_said_on_resources_and_review(make_app):
    asyncio.run(account_walk(make_app))


async def account_walk(make_app: Any) -> None:
    app = make_app(spec=orders_spec(account="111111111111"), offer_resume=False)
    async with app.run_test(size=BIG) as pilot:
        await settled(pilot)
        assert "123456789012" in app.session_state
        for step in (1, 4):  # resources, review
            app.goto_step(step)
            await settled(pilot)
            text = step_text(app)
            assert "account is 111111111111" in text, f"step {step + 1} says nothing of it"
            assert "account 123456789012" in text

        # once the spec names the session's account, the warning goes
        app.goto_step(0)
        await settled(pilot)
        await set_field(pilot, "#account", "123456789012")
        await settled(pilot)
        assert app.spec.account == "123456789012"
        for step in (1, 4):
            app.goto_step(step)
            await settled(pilot)
            assert "account is" not in step_text(app)


def test_the_mismatch_rule_names_what_differs():
    from wizard.spec import listing_mismatch

    spec = orders_spec(account="111111111111", region="eu-west-1")
    assert listing_mismatch(spec, account="111111111111", region="eu-west-1") is None
    assert listing_mismatch(spec, account=None, region=None) is None
    assert listing_mismatch(orders_spec(account=None), account="123456789012") is None
    said = listing_mismatch(spec, account="123456789012", region="us-east-1")
    assert said is not None
    assert "account is 111111111111 and region is eu-west-1" in said
    assert "account 123456789012 and region us-east-1" in said
    only_region = listing_mismatch(spec, account="111111111111", region="us-east-1")
    assert only_region is not None and "account" not in only_region
