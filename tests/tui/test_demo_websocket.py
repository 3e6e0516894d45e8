"""Issue #12 in the wizard on the demo sandbox: the sandbox's WebSocket API (moto makes its id
in another shape; the sandbox gives it AWS's) is listed on the resources step and, chosen,
becomes an entry named by its ``api_id`` whose grant is POST on that API's @connections."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from .conftest import BIG, orders_spec, settled


def test_the_demo_websocket_api_is_listed_and_added_by_its_id(make_app: Any) -> None:
    async def run() -> tuple[Any, list[str], set[str]]:
        app = make_app(spec=orders_spec(resources=[]), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            app.goto_step(1)
            await settled(pilot)
            kinds = app.screen.query_one("#kinds")
            kinds.highlighted = app.screen.kind_names.index("apigateway-websocket")
            await settled(pilot)
            found = app.screen.query_one("#found")
            listed = [found.items[i].name for i in found.shown]
            titles = [found.items[i].detail.get("title") for i in found.shown]
            assert titles == ["orders-notifications"], titles  # the HTTP API is not listed
            found.focus()
            await pilot.press("enter")
            await settled(pilot)
            resources = {
                arn
                for p in app.bundle.policies
                for st in p.document["Statement"]
                for arn in ([st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"])
            }
            return app.spec, listed, resources

    spec, listed, resources = asyncio.run(run())
    (api_id,) = listed
    assert re.fullmatch(r"[a-z0-9]{10}", api_id)  # AWS's shape, not moto's 8 letters
    assert [r.model_dump(exclude_none=True) for r in spec.resources] == [
        {"kind": "apigateway-websocket", "api_id": api_id}
    ]
    arn = f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*/POST/@connections/*"
    assert arn in resources
