"""Drafts and resume: a draft remembers the step it was left on (and stays a valid spec), the
kept drafts are offered to choose from, and the wizard says on exit where its draft is."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from wizard.drafts import DraftStore
from wizard.spec import ResourceEntry, RoleSpec, load_spec

from .conftest import FakeDiscoverer, settled, table

SIZE = (120, 40)


def test_a_draft_keeps_its_step_and_source_in_comments_and_stays_a_spec(tmp_path: Path):
    store = DraftStore(tmp_path)
    spec = RoleSpec(function="orders-api", resources=[ResourceEntry(kind="sqs-queue", name="q")])
    path = store.save("d", spec, source="role.yaml", step="access")
    (draft,) = store.list()
    assert (draft.step, draft.source, draft.resources) == ("access", "role.yaml", 1)
    assert "left on step access" in draft.label
    assert load_spec(path)[0] == spec  # the header is comments: the file is the spec
    store.save("d", spec)  # a plain-mode draft says no step
    assert store.list()[0].step is None


def disc() -> FakeDiscoverer:
    return FakeDiscoverer({"dynamodb-table": [table("Orders")]})


def test_resume_returns_to_the_step_where_the_user_left(make_app):
    async def first() -> None:
        app = make_app(discoverer=disc())
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            await pilot.press("ctrl+n")
            await settled(pilot)
            app.screen.query_one("#found").focus()
            await pilot.press("enter")  # Orders chosen: autosaved
            await pilot.press("ctrl+n")  # on to step 3
            await settled(pilot)
            assert app.screen.STEP == "access"

    async def second() -> tuple[str, list]:
        app = make_app(discoverer=disc())
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            assert type(app.screen).__name__ == "ResumeModal"
            await pilot.press("enter")  # the newest draft, highlighted
            await settled(pilot)
            return app.screen.STEP, [r.field_values() for r in app.spec.resources]

    asyncio.run(first())
    assert DraftStore().list()[0].step == "access"
    assert asyncio.run(second()) == ("access", [{"name": "Orders"}])


def test_the_kept_drafts_are_listed_and_an_older_fuller_one_can_be_chosen(make_app):
    store = DraftStore()
    full = RoleSpec(
        function="orders-api",
        resources=[ResourceEntry(kind="sqs-queue", name=n) for n in ("a", "b", "c")],
    )
    store.save("wizard", full, step="options")
    store.save("plain", RoleSpec(function="orders-api"))  # a Ctrl-C'd plain run, newer
    os.utime(store.path("wizard"), (1_700_000_000, 1_700_000_000))

    async def run() -> None:
        from textual.widgets import OptionList

        app = make_app(discoverer=disc())
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            rows = app.screen.query_one("#resume-drafts", OptionList)
            texts = [str(rows.get_option_at_index(i).prompt) for i in range(rows.option_count)]
            assert len(texts) == 2
            assert "step 1 Function" in texts[0] and "0 resources" in texts[0]
            assert "step 4 Boundary & options" in texts[1] and "3 resources" in texts[1]
            assert all("orders-api" in t for t in texts)
            await pilot.press("down", "enter")
            await settled(pilot)
            assert app.screen.STEP == "options" and app.spec == full

    asyncio.run(run())


def test_quitting_says_where_the_draft_is(make_app, capsys):
    from wizard.cli.ui import _say_where_the_draft_is

    async def run():
        app = make_app(discoverer=disc(), offer_resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            assert app.exit_note() is None  # nothing typed: no draft
            await pilot.press("ctrl+u", *"billing")
            await settled(pilot)
        return app

    app = asyncio.run(run())
    _say_where_the_draft_is(app)
    err = capsys.readouterr().err
    (draft,) = DraftStore().list()
    assert (
        err
        == f"role-wizard: your draft is kept in {draft.path} (run role-wizard again to resume it)\n"
    )
