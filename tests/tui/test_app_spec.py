"""The wizard on an app spec: a chooser of functions at start, one function's role edited,
and saving writes the app spec back with the other functions as they were."""

from __future__ import annotations

import asyncio
from typing import Any

from wizard.appspec import load_any_spec
from wizard.cli.core import EXAMPLE_APP

from .conftest import BIG, FakeDiscoverer, settled


def _open(make_app: Any, tmp_path: Any, function: str | None = None) -> tuple[Any, Any, Any]:
    """The example app spec in a file, and the wizard editing it (as `edit [--function]`)."""
    path = tmp_path / "app.yaml"
    path.write_text(EXAMPLE_APP)
    app_spec, _ = load_any_spec(path)
    index = app_spec.index(function) if function else None
    app = make_app(
        spec=app_spec.role(index or 0),
        edit_path=path,
        app_spec=app_spec,
        function=index,
        offer_resume=False,
        discoverer=FakeDiscoverer({}),
    )
    return path, app_spec, app


def test_an_app_spec_opens_on_a_chooser_and_saves_one_function_back(make_app, tmp_path):
    path, before, app = _open(make_app, tmp_path)

    async def run() -> tuple[str, str, str]:
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            chooser = type(app.screen).__name__
            await pilot.press("down", "enter")  # the second function
            await settled(pilot)
            chosen = app.spec.function
            await pilot.click("#description")
            await pilot.press(*"Jobs", "ctrl+s")
            await settled(pilot)
            return chooser, chosen, app.sub_title

    chooser, chosen, title = asyncio.run(run())
    assert chooser == "FunctionChooser"
    assert chosen == "orders-worker" and title.endswith(f"{path}: function orders-worker")
    after, _ = load_any_spec(path)
    assert after.functions[1].role.description == "Jobs"
    assert after.role(1).resources == before.role(1).resources
    assert after.functions[0] == before.functions[0] and after.functions[2] == before.functions[2]
    assert after.model_copy(update={"functions": []}) == before.model_copy(update={"functions": []})


def test_edit_function_opens_that_function_without_asking(make_app, tmp_path):
    path, _, app = _open(make_app, tmp_path, "orders-report")

    async def run() -> tuple[str, str, str]:
        async with app.run_test(size=BIG) as pilot:
            await settled(pilot)
            return type(app.screen).__name__, app.spec.boundary, app.sub_title

    expected = ("FunctionScreen", "strict", f"editing {path}: function orders-report")
    assert asyncio.run(run()) == expected
