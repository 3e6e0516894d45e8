"""The whole wizard on the demo sandbox, from the first screen to exported files."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from textual import events

from wizard.export import export
from wizard.policy.compose import compose
from wizard.policy.gate import approve
from wizard.spec import load_spec

from .conftest import settled

SIZE = (110, 36)


async def settle(pilot, app) -> None:
    """Wait for the session, the current screen's discovery (the sandbox seeds a service
    lazily, in the listing's worker) and the messages they post."""
    await settled(pilot)


async def type_into(pilot, selector: str, text: str) -> None:
    """Click the input, clear it and paste ``text`` (as a terminal's bracketed paste)."""
    await pilot.click(selector)
    await pilot.press("end", "ctrl+u")
    if text:
        pilot.app.screen.query_one(selector).post_message(events.Paste(text))
    await pilot.pause()


def test_walk_from_the_first_screen_to_exported_files(make_app, tmp_path: Path):
    # The demo sandbox is one per process and shares moto's in-memory state with the process's
    # other users: a test that runs ``mock_aws`` in the same xdist worker resets every moto
    # backend when it starts and stops, wiping what the sandbox seeded while the sandbox still
    # counts it as seeded. The walk asserts on the seeded data, so it runs in a fresh
    # interpreter of its own.
    if os.environ.get("ROLE_WIZARD_WALK_INNER") != "1":
        inner = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:xdist",
                f"{__file__}::test_walk_from_the_first_screen_to_exported_files",
            ],
            env={**os.environ, "ROLE_WIZARD_WALK_INNER": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert inner.returncode == 0, inner.stdout[-4000:] + inner.stderr[-2000:]
        return
    asyncio.run(walk(make_app, tmp_path))


async def walk(make_app, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        # 1 Function: the account and region come from the sandbox
        assert app.screen.STEP == "function"
        assert (app.spec.account, app.spec.region) == ("123456789012", "us-east-1")
        await type_into(pilot, "#function", "orders-api")
        await pilot.click("#role-name")
        await pilot.press(*"orders api")  # typed key by key; a space is not allowed
        assert "✗" in str(app.screen.query_one("#role-name-checks").render())
        # the spec keeps the last valid name while the input shows what is wrong
        assert app.spec.role.name == "orders"
        assert app.screen.query_one("#role-name").has_class("-invalid")
        await type_into(pilot, "#role-name", "orders-api-exec")
        await type_into(pilot, "#tags", "team=payments, env=dev")
        assert app.spec.function == "orders-api"
        assert app.spec.role.name == "orders-api-exec"
        assert app.spec.role.tags == {"team": "payments", "env": "dev"}

        # 2 Resources: filter the tables, select one; drill into a bucket; an ARN by hand
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        screen = app.screen
        assert screen.STEP == "resources" and screen.key == ("dynamodb-table", "", "")
        await type_into(pilot, "#filter", "orders")
        found = screen.query_one("#found")
        assert [found.items[i].name for i in found.shown] == ["Orders"]
        await pilot.press("enter")  # selects the highlighted match
        await pilot.pause()
        assert [r.model_dump(exclude_none=True) for r in app.spec.resources] == [
            {"kind": "dynamodb-table", "name": "Orders"}
        ]
        await type_into(pilot, "#filter", "")
        screen.query_one("#kinds").focus()
        await pilot.press("down", "down")  # S3 bucket or prefix
        await settle(pilot, app)
        assert screen.key == ("s3-prefix", "", "")
        buckets = [found.items[i].name for i in found.shown]
        assert buckets
        found.focus()
        await pilot.press("right")  # open the first bucket
        await settle(pilot, app)
        assert screen.key == ("s3-prefix", buckets[0], "")
        prefix = found.items[found.shown[0]]
        await pilot.press("space")
        await pilot.pause()
        assert app.spec.resources[-1].field_values() == {
            "bucket": buckets[0],
            "prefix": prefix.detail["prefix"],
        }
        await type_into(pilot, "#arn", "arn:aws:sqs:us-east-1:123456789012:nope")
        assert "not an ARN of a S3 bucket or prefix" in screen.query_one("#arn-check").text
        await type_into(pilot, "#arn", "")
        screen.query_one("#kinds").focus()
        await pilot.press("down", "down")  # SQS queue
        await settle(pilot, app)
        assert screen.key[0] == "sqs-queue"
        await type_into(pilot, "#arn", "arn:aws:sqs:us-east-1:999999999999:elsewhere")
        assert "contradicts the spec's account" in screen.query_one("#arn-check").text
        await type_into(pilot, "#arn", "arn:aws:sqs:us-east-1:123456789012:orders-events")
        await pilot.press("enter")
        await pilot.pause()
        assert app.spec.resources[-1].arn == "arn:aws:sqs:us-east-1:123456789012:orders-events"
        assert len(app.spec.resources) == 3

        # 3 Access: read-write for the table; exact actions for the S3 prefix
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.STEP == "access"
        app.screen.query_one("#profiles").focus()
        await pilot.press("down", "down", "enter")  # read, write, read-write
        await pilot.pause()
        assert app.spec.resources[0].access == "read-write"
        app.screen.query_one("#access-resources").focus()
        await pilot.press("down", "c")
        await pilot.pause()
        await pilot.press(*"GetObjectTagging")
        await pilot.press("enter", "ctrl+s")  # enter toggles the highlighted match
        await pilot.pause()
        custom = app.spec.resources[-1]
        assert custom.kind == "custom" and custom.actions == ["s3:GetObjectTagging"]
        assert custom.resources == [f"arn:aws:s3:::{buckets[0]}/{prefix.detail['prefix']}*"]

        # 4 Boundary & options
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        await pilot.click("#opt-tracing")
        await pilot.pause()
        assert app.spec.tracing is True

        # 5 Review: ask the role
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.STEP == "review"
        await type_into(pilot, "#ask-action", "dynamodb:DeleteItem")
        await type_into(
            pilot, "#ask-resource", "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
        )
        assert "Allowed" in str(app.screen.query_one("#answer").render())
        await type_into(pilot, "#ask-action", "dynamodb:DeleteTable")
        assert "Allowed" not in str(app.screen.query_one("#answer").render())

        # 6 Finish: export all three formats and save the spec
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.STEP == "finish"
        await type_into(pilot, "#spec-path", str(tmp_path / "orders.role.yaml"))
        await pilot.click("#export-all")
        await pilot.press("ctrl+s")
        await pilot.pause()

    saved = tmp_path / "orders.role.yaml"
    spec, _ = load_spec(saved)
    data = yaml.safe_load(saved.read_text())
    assert data["function"] == "orders-api" and data["tracing"] is True
    assert [r["kind"] for r in data["resources"]] == [
        "dynamodb-table",
        "s3-prefix",
        "sqs-queue",
        "custom",
    ]
    bundle = compose(spec)
    out = tmp_path / "out"
    assert (out / "orders-api-exec.json").read_text() == export(approve(bundle), "json")
    assert (out / "orders-api-exec.cfn.yaml").read_text() == export(
        approve(bundle), "cloudformation"
    )
    assert (out / "orders-api-exec.cfn.json").read_text() == export(
        approve(bundle), "cloudformation-json"
    )
    exported = json.loads((out / "orders-api-exec.json").read_text())
    actions = {
        a
        for st in exported["Policies"][0]["PolicyDocument"]["Statement"]
        for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
    }
    assert {"dynamodb:DeleteItem", "s3:GetObjectTagging", "sqs:SendMessage"} <= actions
    assert "xray:PutTraceSegments" in actions
    assert exported["Tags"] == [
        {"Key": "team", "Value": "payments"},
        {"Key": "env", "Value": "dev"},
    ]


def test_plan_then_apply_creates_the_role_in_the_sandbox(make_app):
    from wizard.spec import ResourceEntry, RoleSpec

    spec = RoleSpec(
        function="plan-apply-fn",
        account="123456789012",
        region="us-east-1",
        resources=[ResourceEntry(kind="sqs-queue", name="orders-events", access="consume")],
    )

    async def run() -> None:
        app = make_app(spec=spec, offer_resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            app.goto_step(5)
            await pilot.pause()
            screen = app.screen
            await pilot.click("#plan")
            await settled(pilot)
            result = screen.query_one("#result").text
            assert "Plan:" in result and "to add" in result
            await pilot.click("#apply")
            await pilot.pause()
            assert type(app.screen).__name__ == "ConfirmModal"
            await pilot.click("#yes")
            await settled(pilot)
            assert "Applied" in screen.query_one("#result").text
            role = app.aws_session().client("iam").get_role(RoleName="plan-apply-fn-role")
            assert role["Role"]["RoleName"] == "plan-apply-fn-role"

    asyncio.run(run())
