"""Issue #12 on the demo sandbox: a dead-letter queue typed on the options step has its
encryption read in the background (the demo's ``payments-events`` queue is encrypted with the
customer managed key ``alias/payments``); the target gains its kms_key and the KMS grant, and
the field says so. A function destination says why it needs no key."""

from __future__ import annotations

import asyncio

from textual.widgets import Input, Static

from .conftest import BIG, orders_spec, settled

ACCOUNT, REGION = "123456789012", "us-east-1"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:payments-events"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:retry"


def test_the_demo_payments_queue_as_dead_letter_takes_its_key(make_app):
    from wizard.aws.demo import demo_session

    async def run() -> None:
        app = make_app(spec=orders_spec(), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            assert app.session_account == ACCOUNT  # the demo sandbox answered
            key = demo_session(REGION).client("kms").describe_key(KeyId="alias/payments")
            key_arn = key["KeyMetadata"]["Arn"]
            app.goto_step(3)
            await settled(pilot)
            screen = app.screen
            field = screen.query_one("#target-dead_letter", Input)
            field.focus()
            field.insert_text_at_cursor(QUEUE)
            await settled(pilot)
            assert app.spec.dead_letter == QUEUE  # checked and set; not read yet
            await pilot.press("enter")  # done with it: its encryption is read
            await settled(pilot)
            target = app.spec.dead_letter
            assert (target.arn, target.kms_key) == (QUEUE, key_arn)
            check = str(screen.query_one("#target-dead_letter-check", Static).render())
            assert "✓ Lambda may send to it" in check and f"encrypted with {key_arn}" in check
            statements = app.bundle.policies[0].document["Statement"]
            assert any(st["Resource"] == key_arn for st in statements)

            # a function destination: no read, and why no key grant is needed
            other = screen.query_one("#target-on_success", Input)
            other.focus()
            other.insert_text_at_cursor(FUNCTION)
            await settled(pilot)
            await pilot.press("enter")
            await settled(pilot)
            check = str(screen.query_one("#target-on_success-check", Static).render())
            assert "no KMS grant: Lambda invokes the function" in check
            assert app.spec.destinations.on_success == FUNCTION

            # typed, then straight on to the next step: read all the same
            failure = screen.query_one("#target-on_failure", Input)
            failure.focus()
            failure.insert_text_at_cursor(QUEUE)
            await settled(pilot)
            await pilot.press("ctrl+n")
            await settled(pilot)
            assert app.screen is not screen
            target = app.spec.destinations.on_failure
            assert (target.arn, target.kms_key) == (QUEUE, key_arn)

    asyncio.run(run())
