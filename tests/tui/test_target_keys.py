"""Issue #12 on the demo sandbox: a dead-letter queue typed on the options step has its
encryption read in the background (the demo's ``payments-events`` queue is encrypted with the
customer managed key ``alias/payments``); the target gains its kms_key and the KMS grant, and
the field says so. A function destination says why it needs no key."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from wizard.tui.widgets.fitted_text import ArnNote

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
            # the key read fills the field beside the ARN
            assert screen.query_one("#target-dead_letter-key", Input).value == key_arn
            check = screen.query_one("#target-dead_letter-check", ArnNote).text
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
            check = screen.query_one("#target-on_success-check", ArnNote).text
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


KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/99999999-12ab-34cd-56ef-1234567890ab"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:done"


def test_a_target_key_is_typed_beside_its_arn_and_checked_by_the_domain(make_app):
    """Offline: the key typed beside a target's ARN reaches the spec only when the domain's
    rule takes it (a key ARN of the target's Region); a function says why it takes none; a
    key read or typed can be changed or removed, and a new ARN drops the old key."""
    from wizard.spec import EncryptedTarget

    async def run() -> None:
        app = make_app(spec=orders_spec(), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            app.goto_step(3)
            await settled(pilot)
            screen = app.screen

            def check(slot: str) -> str:
                return screen.query_one(f"#target-{slot}-check", ArnNote).text

            async def type_into(selector: str, text: str) -> None:
                field = screen.query_one(selector, Input)
                field.focus()
                field.value = ""
                field.insert_text_at_cursor(text)
                await settled(pilot)

            await type_into("#target-dead_letter", TOPIC)
            await type_into("#target-dead_letter-key", f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/x")
            assert app.spec.dead_letter == TOPIC  # an alias: refused, said
            assert "✗ kms_key: " in check("dead_letter") and "not an alias" in check("dead_letter")
            await type_into("#target-dead_letter-key", KEY.replace(REGION, "eu-west-1"))
            assert app.spec.dead_letter == TOPIC and "region 'eu-west-1'" in check("dead_letter")
            await type_into("#target-dead_letter-key", KEY)
            assert app.spec.dead_letter == EncryptedTarget(arn=TOPIC, kms_key=KEY)
            assert f"encrypted with {KEY}: kms:Decrypt, kms:GenerateDataKey" in check("dead_letter")
            statements = app.bundle.policies[0].document["Statement"]
            assert any(st["Resource"] == KEY for st in statements)
            await type_into("#target-dead_letter-key", OTHER_KEY)  # changed
            assert app.spec.dead_letter == EncryptedTarget(arn=TOPIC, kms_key=OTHER_KEY)
            await type_into("#target-dead_letter-key", "")  # removed
            assert app.spec.dead_letter == TOPIC
            await type_into("#target-dead_letter-key", KEY)
            await type_into("#target-dead_letter", TOPIC + "-2")  # another topic: no key
            assert app.spec.dead_letter == TOPIC + "-2"
            assert screen.query_one("#target-dead_letter-key", Input).value == ""

            # a function takes no key: the domain's reason, with and without one typed
            await type_into("#target-on_success", FUNCTION)
            assert "no KMS grant: Lambda invokes the function" in check("on_success")
            await type_into("#target-on_success-key", KEY)
            assert "✗ kms_key: Lambda function targets take no kms_key" in check("on_success")
            assert app.spec.destinations.on_success == FUNCTION
            problem = screen.leave_problem()
            assert problem is not None and "kms_key: Lambda function targets" in problem[0]

            # a key typed before its target's ARN: not taken, and said why
            await type_into("#target-on_failure-key", KEY)
            assert app.spec.destinations.on_failure is None
            assert "✗ kms_key: give the target's ARN first" in check("on_failure")
            problem = screen.leave_problem()
            assert problem is not None and problem[1] is screen.query_one("#target-on_success-key")

    asyncio.run(run())
