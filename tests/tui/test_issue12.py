"""Issue 12 in the wizard: the options step's dead-letter target and destinations (checked by
the domain as typed), and a chosen resource taking the KMS key it is encrypted with."""

from __future__ import annotations

import asyncio
import dataclasses

from textual.widgets import Input, Static

from wizard.spec import RoleSpec

from .conftest import FakeDiscoverer, settled, table

SIZE = (120, 40)
ACCOUNT = "123456789012"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _check(screen, slot: str) -> str:
    return str(screen.query_one(f"#target-{slot}-check", Static).render())


def test_a_target_is_checked_as_typed_and_only_a_fitting_arn_reaches_the_spec(make_app):
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-dlq"

    async def run() -> None:
        app = make_app(
            discoverer=FakeDiscoverer({}), offer_resume=False, spec=RoleSpec(function="fn")
        )
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.goto_step(3)
            await settled(pilot)
            screen = app.screen
            field = screen.query_one("#target-dead_letter", Input)
            field.focus()
            await pilot.press(*f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f")
            await settled(pilot)
            assert app.spec.dead_letter is None
            assert "✗" in _check(screen, "dead_letter") and "SQS queue" in _check(
                screen, "dead_letter"
            )
            await pilot.press("ctrl+n")  # the step will not be left with it
            await settled(pilot)
            assert app.screen is screen
            await pilot.press("ctrl+u", *queue)
            await settled(pilot)
            assert app.spec.dead_letter == queue
            assert "✓" in _check(screen, "dead_letter")
            statements = app.bundle.policies[0].document["Statement"]
            assert any(
                st["Resource"] == queue and st["Action"] == "sqs:SendMessage" for st in statements
            )
            await pilot.press("ctrl+u")
            await settled(pilot)
            assert app.spec.dead_letter is None

    asyncio.run(run())


class KeyedDiscoverer(FakeDiscoverer):
    def with_kms_key(self, item):
        key = KEY if item.name == "Orders" else ""
        return dataclasses.replace(item, detail={**item.detail, "kms_key": key})


def test_a_chosen_encrypted_table_takes_its_key_and_its_kms_grant(make_app):
    disc = KeyedDiscoverer({"dynamodb-table": [table("Orders")]})

    async def run() -> RoleSpec:
        app = make_app(discoverer=disc, offer_resume=False, spec=RoleSpec(function="fn"))
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.goto_step(1)
            await settled(pilot)
            app.screen.query_one("#found").focus()
            await pilot.press("enter")
            await settled(pilot)
            statements = app.bundle.policies[0].document["Statement"]
            assert any(st["Resource"] == KEY for st in statements)
            app.goto_step(4)
            await settled(pilot)
            why = app.screen.query_one("#why", Static).text
            assert "DynamoDBTableKey" in why and "dynamodb-table Orders (read)" in why
            return app.spec

    spec = asyncio.run(run())
    assert [r.field_values() for r in spec.resources] == [{"name": "Orders", "kms_key": KEY}]
