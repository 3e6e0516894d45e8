"""The wizard read at 80x24 (and 120x40): nothing that matters cut, no ARN broken mid-word,
one way of saying "not set", dialogs that fit."""

from __future__ import annotations

import asyncio
import json
import os
import re

import pytest
from textual.widgets import Label, OptionList

from wizard.drafts import DraftStore
from wizard.spec import ResourceEntry, RoleSpec

from .conftest import BIG, SMALL, FakeDiscoverer, orders_spec, settled, table

ARN_RX = re.compile(r"arn:aws:[\w-]+:[\w-]*:\d*:[^\s\",]+")


def disc() -> FakeDiscoverer:
    return FakeDiscoverer({"dynamodb-table": [table("Orders")]})


def two_resources() -> RoleSpec:
    return orders_spec(
        resources=[
            ResourceEntry(kind="dynamodb-table", name="Orders", access="read-write"),
            ResourceEntry(kind="sqs-queue", name="orders-events", access="consume"),
        ],
    )


def at_step(make_app, size, step: int, check, spec: RoleSpec | None = None) -> None:
    async def run() -> None:
        app = make_app(spec=spec or two_resources(), discoverer=disc(), offer_resume=False)
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            app.goto_step(step)
            await settled(pilot)
            await check(app, pilot)

    asyncio.run(run())


def drawn(widget) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


@pytest.mark.parametrize("size", [SMALL, BIG], ids=["80x24", "120x40"])
def test_the_review_json_wraps_as_json(make_app, size):
    """Every policy tab draws JSON that parses to the policy, each ARN whole on one line; at
    120x40 no line needs the view scrolled sideways (it was cut at the pane's edge)."""

    async def check(app, pilot) -> None:
        bundle = app.bundle
        docs = {
            "identity": [p.to_dict() for p in bundle.policies],
            "trust": bundle.assume_role_policy,
            "boundary": bundle.boundary.document,
            "deployer": bundle.deployer.document,
        }
        tabs = app.screen.query_one("#policies")
        for key, doc in docs.items():
            tabs.active = f"tab-{key}"
            await settled(pilot)
            widget = app.screen.query_one(f"#json-{key}")
            lines = drawn(widget)
            assert json.loads("\n".join(lines)) == doc, key
            arns = set(ARN_RX.findall(json.dumps(doc)))
            assert all(any(a in line for line in lines) for a in arns), key
            if size == BIG:
                assert widget.size.width <= widget.parent.scrollable_content_region.width, key

    at_step(make_app, size, 4, check)


def test_step_3_statements_fit_the_pane_at_80_columns(make_app):
    """The statements under the access profile wrap at the pane's width, an ARN breaking only
    after a ``:`` or ``/`` (it broke at any letter, the rest at column 0)."""

    async def check(app, pilot) -> None:
        widget = app.screen.query_one("#statements")
        scroll = widget.parent
        assert widget.size.width <= scroll.scrollable_content_region.width
        lines = drawn(widget)
        arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
        joined = "".join(line.strip() for line in lines)
        assert arn in joined
        for line, after in zip(lines, lines[1:], strict=False):
            if after.startswith("  ") and line.strip()[-1:] not in (":", "/", ""):
                # a break between words: the line ends a word, the next starts one
                assert not line.endswith(" ")

    at_step(make_app, SMALL, 2, check)


@pytest.mark.parametrize("size", [SMALL, BIG], ids=["80x24", "120x40"])
def test_the_plan_result_wraps_as_json(make_app, size):
    """The finish step's result (a plan's JSON, indented under its change) wraps between
    tokens: its JSON lines still parse, "Resource" is never split, and at 120x40 an index's
    ARN fits the pane unscrolled (it was cut at the pane's edge)."""
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/*"
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": arn}]}

    async def check(app, pilot) -> None:
        screen = app.screen
        screen.lines.clear()
        screen.log_lines(["      " + line for line in json.dumps(doc, indent=2).splitlines()])
        await settled(pilot)
        widget = screen.query_one("#result")
        lines = drawn(widget)
        assert json.loads("\n".join(lines)) == doc
        assert any(line.strip() == '"Resource":' for line in lines)  # the ARN went down
        assert any(line.strip() == f'"{arn}"' for line in lines)  # whole
        if size == BIG:
            assert widget.size.width <= widget.parent.scrollable_content_region.width

    at_step(make_app, size, 5, check)


def test_the_status_line_keeps_the_role_and_the_account_whole(make_app):
    async def check(app, pilot) -> None:
        line = drawn(app.screen.query_one("StatusLine"))[0]
        assert re.match(r"✓ orders-api-role: \d+ statements", line), line
        assert line.endswith("123456789012 us-east-1"), line

    at_step(make_app, SMALL, 0, check)


def test_a_long_role_name_gives_way_in_the_status_line(make_app):
    async def check(app, pilot) -> None:
        line = drawn(app.screen.query_one("StatusLine"))[0]
        assert re.match(r"✓ orders-api-x+…: \d+ statements", line), line
        assert line.endswith("123456789012 us-east-1"), line

    spec = two_resources()
    spec.function = "orders-api-" + "x" * 50
    at_step(make_app, SMALL, 0, check, spec)


def test_step_2_kinds_keep_one_line_and_their_count(make_app):
    async def check(app, pilot) -> None:
        kinds = app.screen.query_one("#kinds", OptionList)
        assert kinds.virtual_size.height == kinds.option_count  # none wraps to two lines
        first = drawn(kinds)[0]
        assert "(1)" in first and "DynamoDB" in first

    at_step(make_app, SMALL, 1, check)


@pytest.mark.parametrize("step", range(6))
def test_labels_in_panes_are_never_cut_at_80_columns(make_app, step):
    """A pane's label (a title, a field's name) shows all its words at 80x24: "Deployer
    policy name (step 4's de" and "Success destination: queue, topic" were cut."""

    async def check(app, pilot) -> None:
        for label in app.screen.query(".pane > Label"):
            if not label.display or not label.size.height:
                continue
            words = str(label.render()).split()
            assert " ".join(drawn(label)).split() == words, label.id or words

    at_step(make_app, SMALL, step, check)


def test_an_empty_destination_is_said_one_way(make_app):
    from wizard.tui.screens.options import NOT_SET

    async def check(app, pilot) -> None:
        screen = app.screen
        for slot in ("dead_letter", "on_success", "on_failure"):
            field = screen.query_one(f"#target-{slot}")
            assert field.placeholder == NOT_SET
            assert str(screen.query_one(f"#target-{slot}-check").render()) == ""
        text = "\n".join(drawn(screen.query_one("#options-left")))
        assert "(none)" not in text and not re.search(r"^\W*none\W*$", text, re.M)

    at_step(make_app, SMALL, 3, check)


def test_the_spec_path_shows_its_file_name_at_80_columns(make_app):
    async def check(app, pilot) -> None:
        line = drawn(app.screen.query_one("#spec-path"))[0]
        assert line.endswith("orders-api.role.yaml"), line

    at_step(make_app, SMALL, 5, check)


def test_the_resume_dialog_fits_80x24(make_app):
    store = DraftStore()
    full = RoleSpec(
        function="orders-api",
        resources=[ResourceEntry(kind="sqs-queue", name=n) for n in ("a", "b", "c")],
    )
    store.save("wizard", full, step="options", source=None)
    store.save("plain", RoleSpec(function="orders-" + "x" * 40))
    os.utime(store.path("wizard"), (1_700_000_000, 1_700_000_000))

    async def run() -> None:
        app = make_app(discoverer=disc())
        async with app.run_test(size=SMALL) as pilot:
            await settled(pilot)
            dialog = app.screen.query_one("#resume-dialog")
            assert app.screen.region.contains_region(dialog.region)
            rows = app.screen.query_one("#resume-drafts", OptionList)
            assert rows.virtual_size.height == 2 * rows.option_count  # two lines a draft
            text = "\n".join(drawn(rows))
            assert "step 4 Boundary & options · 3 resources · 2023-11-1" in text
            assert "step 1 Function · 0 resources · 20" in text
            for label in app.screen.query(Label):
                assert " ".join(drawn(label)).split() == str(label.render()).split()
            for button in app.screen.query("Button"):
                assert dialog.region.contains_region(button.region), button.id

    asyncio.run(run())
