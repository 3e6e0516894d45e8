"""The wizard's doors behind the one gate: the risky spec of tests/test_gate.py, opened as
``role-wizard edit`` opens a file, is shown refused on review and finish, and nothing is
exported, planned or applied; the safe spec goes out by the same doors. On the demo sandbox,
so plan and apply reach an account."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_gate import RISKY_SPEC, SAFE_SPEC
from textual.widgets import Button

from wizard.spec import load_spec

from .conftest import settled

SIZE = (110, 36)


def opened(make_app, tmp_path: Path, text: str):
    """The app ``role-wizard --demo edit FILE`` runs, FILE holding ``text``."""
    path = tmp_path / "role.yaml"
    path.write_text(text)
    spec, _ctx = load_spec(path)
    return make_app(spec=spec, edit_path=path, offer_resume=False)


async def goto(pilot, step: int):
    """Once the app is quiet, the step's screen (0-based), quiet too."""
    await settled(pilot)
    pilot.app.goto_step(step)
    await settled(pilot)
    return pilot.app.screen


def shown(screen, selector: str) -> str:
    widget = screen.query_one(selector)
    return getattr(widget, "text", None) or str(widget.render())  # a FittedText: unwrapped


def notified(app) -> list[str]:
    return [f"{title}: {message}" for title, message, _severity in app.notices]


def role_exists(app, name: str) -> bool:
    iam = app.aws_session().client("iam")
    return any(r["RoleName"] == name for r in iam.list_roles()["Roles"])


def test_review_shows_what_refuses_the_risky_role_and_says_it_cannot_leave(make_app, tmp_path):
    async def run() -> None:
        app = opened(make_app, tmp_path, RISKY_SPEC)
        async with app.run_test(size=SIZE) as pilot:
            banner = (await goto(pilot, 4)).query_one("#gate")
            assert banner.display and banner.region.height >= 3
            text = shown(app.screen, "#gate-findings")
            assert "passrole-unscoped" in text
            assert "cannot be exported or applied until these are fixed" in text
            assert "passrole-unscoped" in shown(app.screen, "#findings")
            await pilot.click("#fix-resources")  # back where the entry is fixed
            await settled(pilot)
            assert app.screen.STEP == "resources"

    asyncio.run(run())


def test_finish_writes_and_applies_nothing_while_the_risky_role_is_refused(make_app, tmp_path):
    out = tmp_path / "out"
    out.mkdir()

    async def run() -> None:
        app = opened(make_app, tmp_path, RISKY_SPEC)
        async with app.run_test(size=SIZE) as pilot:
            screen = await goto(pilot, 5)
            assert "passrole-unscoped" in shown(screen, "#gate-findings")
            for button in ("#export-json", "#export-all", "#plan", "#apply"):
                assert screen.query_one(button, Button).disabled, button
            await pilot.click("#export-all")  # disabled: nothing happens
            result = shown(screen, "#result")
            assert "not exported, planned or applied" in result and "passrole-unscoped" in result
            assert any(n.startswith("Role refused: ") for n in notified(app))
            # the doors that buttons do not guard: the palette's export, and plan run directly
            app.action_export("json")
            screen._plan()
            await settled(pilot)
            assert any(
                n.startswith("Not exported: ") and "passrole-unscoped" in n for n in notified(app)
            )
            assert screen.plan is None
            assert "passrole-unscoped" in shown(screen, "#result").split("reading the account…")[1]
            screen._apply()  # no plan: nothing to confirm, nothing applied
            await settled(pilot)
            assert type(app.screen).__name__ == "FinishScreen"
            assert not role_exists(app, "risky-fn-role")
            await pilot.click("#fix-options")
            await settled(pilot)
            assert app.screen.STEP == "options"

    asyncio.run(run())
    assert list(out.iterdir()) == []


def test_the_safe_role_is_exported_planned_and_applied_by_the_same_doors(make_app, tmp_path):
    out = tmp_path / "out"
    out.mkdir()

    async def run() -> None:
        app = opened(make_app, tmp_path, SAFE_SPEC)
        async with app.run_test(size=SIZE) as pilot:
            assert not (await goto(pilot, 4)).query_one("#gate").display
            screen = await goto(pilot, 5)
            assert not screen.query_one("#gate").display
            await pilot.click("#export-json")
            await pilot.click("#plan")
            await settled(pilot)
            assert screen.plan is not None and not screen.query_one("#apply", Button).disabled
            await pilot.click("#apply")
            await settled(pilot)
            await pilot.click("#yes")
            await settled(pilot)
            assert "Applied" in shown(screen, "#result")
            assert role_exists(app, "safe-fn-role")

    asyncio.run(run())
    assert [p.name for p in out.iterdir()] == ["safe-fn-role.json"]
