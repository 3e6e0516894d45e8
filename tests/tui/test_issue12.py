"""Issue 12 in the wizard: the options step's dead-letter target and destinations (checked by
the domain as typed), and a chosen resource taking the KMS key it is encrypted with."""

from __future__ import annotations

import asyncio
import dataclasses

from textual.widgets import Input, Static

from wizard.spec import RoleSpec
from wizard.tui.widgets.fitted_text import ArnNote

from .conftest import FakeDiscovered, FakeDiscoverer, orders_spec, settled, table

SIZE = (120, 40)
ACCOUNT = "123456789012"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _check(screen, slot: str) -> str:
    return screen.query_one(f"#target-{slot}-check", ArnNote).text


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


def test_the_destinations_are_checked_as_typed_and_granted(make_app):
    """on_success refuses a bucket (S3 takes failures only) and keeps a function's alias;
    on_failure keeps a bucket; each is granted its one action on that ARN only."""
    alias = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:next:prod"
    bucket = "arn:aws:s3:::orders-failures"

    async def run() -> None:
        app = make_app(
            discoverer=FakeDiscoverer({}), offer_resume=False, spec=RoleSpec(function="fn")
        )
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.goto_step(3)
            await settled(pilot)
            screen = app.screen
            screen.query_one("#target-on_success", Input).focus()
            await pilot.press(*bucket)
            await settled(pilot)
            assert app.spec.destinations is None or app.spec.destinations.on_success is None
            assert "✗" in _check(screen, "on_success")
            await pilot.press("ctrl+u", *alias)
            await settled(pilot)
            assert "✓" in _check(screen, "on_success")
            screen.query_one("#target-on_failure", Input).focus()
            await pilot.press(*bucket)
            await settled(pilot)
            assert "✓" in _check(screen, "on_failure")
            saved = app.spec.model_dump(mode="json", exclude_defaults=True)["destinations"]
            assert saved == {"on_success": alias, "on_failure": bucket}
            grants = {
                (str(st["Action"]), str(st["Resource"]))
                for policy in app.bundle.policies
                for st in policy.document["Statement"]
            }
            assert ("lambda:InvokeFunction", alias) in grants
            assert ("s3:PutObject", f"{bucket}/*") in grants
            assert ("s3:ListBucket", bucket) in grants

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


# --------------------------------------------------------------------------- typed by fields

QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-events"


async def _to_kind(app, pilot, kind: str) -> None:
    """Step 2 with ``kind`` highlighted in the kinds list."""
    app.goto_step(1)
    await settled(pilot)
    kinds = app.screen.query_one("#kinds")
    kinds.highlighted = app.screen.kind_names.index(kind)
    await settled(pilot)


def test_a_typed_arn_takes_its_kms_key_in_the_fields_dialog(make_app):
    """Issue #12: an ARN typed by hand carries a kms_key through ctrl+t; a key the domain
    refuses (an alias) is marked and not added."""

    async def run() -> RoleSpec:
        app = make_app(discoverer=FakeDiscoverer({}), offer_resume=False, spec=orders_spec())
        async with app.run_test(size=SIZE) as pilot:
            await _to_kind(app, pilot, "sqs-queue")
            screen = app.screen
            screen.query_one("#arn", Input).focus()
            await pilot.press(*QUEUE)
            await settled(pilot)
            assert "ctrl+t gives its KMS key" in screen.query_one("#arn-check", ArnNote).text
            await pilot.press("ctrl+t")
            await settled(pilot)
            dialog = app.screen
            assert type(dialog).__name__ == "EntryFormModal"
            assert dialog.query_one("#entry-arn", Input).value == QUEUE
            # the focus is in the first box the ARN does not carry: the key
            assert app.focused is dialog.query_one("#entry-kms_key", Input)
            await pilot.press(*f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/orders")
            await settled(pilot)
            assert dialog.query_one("#entry-kms_key", Input).has_class("-invalid")
            await pilot.press("ctrl+s")  # refused: nothing added, the dialog stays
            await settled(pilot)
            assert app.screen is dialog
            await pilot.press("ctrl+u", *KEY, "enter")  # enter in the last box adds it
            await settled(pilot)
            assert app.screen is screen
            assert screen.query_one("#arn", Input).value == ""
            statements = app.bundle.policies[0].document["Statement"]
            assert any(st["Resource"] == KEY for st in statements)
            return app.spec

    spec = asyncio.run(run())
    assert spec.resources[-1].model_dump(exclude_none=True) == {
        "kind": "sqs-queue",
        "arn": QUEUE,
        "kms_key": KEY,
    }


def test_a_kind_whose_arn_lacks_fields_is_typed_field_by_field(make_app):
    """Athena: every field the kind declares, by keys alone (enter moves on; enter in the last
    box adds it); a metrics namespace, which has no ARN, the same way."""

    async def run() -> RoleSpec:
        app = make_app(discoverer=FakeDiscoverer({}), offer_resume=False, spec=orders_spec())
        async with app.run_test(size=SIZE) as pilot:
            await _to_kind(app, pilot, "athena-workgroup")
            screen = app.screen
            await pilot.press("ctrl+t")
            await settled(pilot)
            dialog = app.screen
            assert app.focused is dialog.query_one("#entry-workgroup", Input)
            await pilot.press(*"analytics", "enter", *"sales", "enter")
            await settled(pilot)
            assert "needs 'results_bucket'" in str(dialog.query_one("#entry-check").render())
            await pilot.press("ctrl+s")  # refused: the dialog stays
            await settled(pilot)
            assert app.screen is dialog
            await pilot.press(*"query-results", "enter", *"athena/", "enter")
            await settled(pilot)
            assert app.screen is screen

            await _to_kind(app, pilot, "cloudwatch-metrics")
            assert "has no ARN: ctrl+t" in screen.query_one("#arn-check", ArnNote).text
            screen.query_one("#arn", Input).focus()
            await pilot.press(*"arn:aws:cloudwatch")  # an ARN pasted all the same
            await settled(pilot)
            check = screen.query_one("#arn-check", ArnNote).text
            assert "has no ARN: ctrl+t types its fields" in check
            await pilot.press("ctrl+u", "ctrl+t")
            await settled(pilot)
            assert not app.screen.query("#entry-arn")
            await pilot.press(*"AWS/Lambda")  # a namespace AWS keeps for itself
            await settled(pilot)
            assert app.screen.query_one("#entry-namespace", Input).has_class("-invalid")
            await pilot.press("ctrl+u", *"MyApp/Orders", "enter")
            await settled(pilot)
            assert app.screen is screen
            return app.spec

    spec = asyncio.run(run())
    assert [r.model_dump(exclude_none=True) for r in spec.resources[1:]] == [
        {
            "kind": "athena-workgroup",
            "workgroup": "analytics",
            "database": "sales",
            "results_bucket": "query-results",
            "results_prefix": "athena/",
        },
        {"kind": "cloudwatch-metrics", "namespace": "MyApp/Orders"},
    ]


def test_a_listed_resource_that_needs_more_fields_opens_the_dialog_with_them(make_app):
    """A listed schedule group names the group; its target role is typed in the dialog."""
    group = FakeDiscovered(
        "scheduler-group", "orders", f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule-group/orders"
    )
    disc = FakeDiscoverer({"scheduler-group": [group]})

    async def run() -> RoleSpec:
        app = make_app(discoverer=disc, offer_resume=False, spec=orders_spec())
        async with app.run_test(size=SIZE) as pilot:
            await _to_kind(app, pilot, "scheduler-group")
            app.screen.query_one("#found").focus()
            await pilot.press("enter")
            await settled(pilot)
            dialog = app.screen
            assert dialog.query_one("#entry-group", Input).value == "orders"
            assert app.focused is dialog.query_one("#entry-target_role", Input)
            await pilot.press(*"scheduler-target", "ctrl+s")
            await settled(pilot)
            return app.spec

    spec = asyncio.run(run())
    assert spec.resources[-1].model_dump(exclude_none=True) == {
        "kind": "scheduler-group",
        "group": "orders",
        "target_role": "scheduler-target",
    }


class SecretKeyDiscoverer(FakeDiscoverer):
    """A fixed listing; how a resource is encrypted read by the real Discoverer on moto."""

    def __init__(self, items, real) -> None:
        super().__init__(items)
        self.real = real

    def with_kms_key(self, item):
        return self.real.with_kms_key(item)


def test_a_listed_broker_gets_the_key_of_the_secret_typed_for_it(make_app, aws_env):
    """Issue #12: a broker's key is its credentials secret's (DescribeSecret over HTTP on
    moto), read once the secret is typed in the dialog, and granted."""
    import uuid

    import boto3

    from wizard.aws.discover import Discoverer
    from wizard.aws.session import AwsSession

    session = boto3.Session(region_name="us-east-1")
    c = lambda service: session.client(service, endpoint_url=aws_env)  # noqa: E731
    key = c("kms").create_key(Description="mq secret")["KeyMetadata"]["Arn"]
    secret = f"mq/{uuid.uuid4().hex[:8]}"
    c("secretsmanager").create_secret(Name=secret, SecretString="x", KmsKeyId=key)
    broker_id = "b-1234abcd-12ab-34cd-56ef-1234567890ab"
    broker = FakeDiscovered(
        "mq-broker", broker_id, f"arn:aws:mq:us-east-1:{ACCOUNT}:broker:orders:{broker_id}"
    )
    real = Discoverer(AwsSession(session=session, region="us-east-1"))
    disc = SecretKeyDiscoverer({"mq-broker": [broker]}, real)

    async def run() -> RoleSpec:
        app = make_app(discoverer=disc, offer_resume=False, spec=orders_spec())
        async with app.run_test(size=SIZE) as pilot:
            await _to_kind(app, pilot, "mq-broker")
            app.screen.query_one("#found").focus()
            await pilot.press("enter")
            await settled(pilot)
            dialog = app.screen
            assert dialog.query_one("#entry-broker_id", Input).value == broker_id
            assert app.focused is dialog.query_one("#entry-secret", Input)
            await pilot.press(*secret, "ctrl+s")
            await settled(pilot)
            await app.workers.wait_for_complete()
            await settled(pilot)
            statements = app.bundle.policies[0].document["Statement"]
            assert any(st["Sid"] == "MQSecretKey" and st["Resource"] == key for st in statements)
            return app.spec

    spec = asyncio.run(run())
    assert spec.resources[-1].model_dump(exclude_none=True) == {
        "kind": "mq-broker",
        "broker_id": broker_id,
        "secret": secret,
        "kms_key": key,
    }


def _one_entry_per_kind() -> dict[str, dict]:
    from tests.test_kinds_issue12 import CASES

    entries: dict[str, dict] = {}
    for case in CASES.values():
        entry = {k: v for k, v in case.entry.items() if k != "access"}
        if len(entry) > len(entries.get(entry["kind"], {})):  # the one with most fields
            entries[entry["kind"]] = entry
    return entries


def test_every_issue12_kind_is_added_in_the_wizard_by_its_fields(make_app):
    """Each new kind through step 2's fields dialog (ctrl+t), one after another: every field
    it declares, checked by the domain, added to the spec and composed through the gate (no
    boundary: fifteen kinds' envelope is over IAM's managed-policy limit)."""
    entries = _one_entry_per_kind()
    assert len(entries) == 15

    async def run() -> RoleSpec:
        spec = RoleSpec(function="fn", account=ACCOUNT, region="us-east-1", boundary="none")
        app = make_app(discoverer=FakeDiscoverer({}), offer_resume=False, spec=spec)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            for kind, entry in entries.items():
                await _to_kind(app, pilot, kind)
                screen = app.screen
                await pilot.press("ctrl+t")
                await settled(pilot)
                dialog = app.screen
                assert type(dialog).__name__ == "EntryFormModal", kind
                for name, value in entry.items():
                    if name != "kind":
                        dialog.query_one(f"#entry-{name}", Input).value = value
                await settled(pilot)
                await pilot.press("ctrl+s")
                await settled(pilot)
                check = (
                    "" if app.screen is screen else str(dialog.query_one("#entry-check").render())
                )
                assert app.screen is screen, (kind, check)
                assert app.bundle is not None, kind
            return app.spec

    spec = asyncio.run(run())
    added = [r.model_dump(exclude_none=True, exclude_defaults=True) for r in spec.resources]
    for entry in added:
        entry.pop("access", None)
    assert added == list(entries.values())
