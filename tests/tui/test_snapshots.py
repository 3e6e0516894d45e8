"""One snapshot per step on the demo sandbox: fixed size, no cursor blink, no long waits."""

from __future__ import annotations

import pytest

from wizard.spec import ResourceEntry, RoleSpec

from .conftest import settled

SIZE = (110, 36)


def demo_spec() -> RoleSpec:
    return RoleSpec(
        function="orders-api",
        account="123456789012",
        region="us-east-1",
        role={"name": "orders-api-role", "tags": {"team": "payments"}},
        resources=[
            ResourceEntry(kind="dynamodb-table", name="Orders", access="read-write"),
            ResourceEntry(kind="sqs-queue", name="orders-events", access="consume"),
        ],
    )


def at_step(index: int):
    async def run_before(pilot) -> None:
        app = pilot.app
        await settled(pilot)
        if index:
            app.goto_step(index)
            await settled(pilot)
        for widget in app.screen.query("Input"):
            widget.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("index", range(6), ids=lambda i: f"step{i + 1}")
def test_step_snapshot(snap_compare, make_app, index):
    app = make_app(spec=demo_spec(), cursor_blink=False, offer_resume=False, output_dir="out")
    assert snap_compare(app, run_before=at_step(index), terminal_size=SIZE)
