"""What a person meets walking the wizard with the keyboard, at 120x40 and at 80x24: messages
that show, layouts that fit, keys that work, nothing typed that gets lost."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input

from wizard.spec import ResourceEntry, RoleSpec

from .conftest import BIG, SMALL, FakeDiscoverer, settled, table
from .conftest import orders_spec as demo_spec


async def started(pilot) -> None:
    await settled(pilot)


def text_of(screen, selector: str) -> str:
    widget = screen.query_one(selector)
    return getattr(widget, "text", None) or str(widget.render())  # a FittedText: unwrapped


# ------------------------------------------------------------------ step 1


def test_a_bad_function_name_shows_its_message_under_the_input(make_app):
    async def run() -> None:
        app = make_app(discoverer=FakeDiscoverer({}))
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            await pilot.press(*"bad name")
            await pilot.pause()
            screen = app.screen
            error = screen.query_one("#function-error")
            field = screen.query_one("#function")
            assert "must be 1-64 characters" in text_of(screen, "#function-error")
            assert error.region.height >= 1  # it was laid out 0 lines high
            assert error.region.y == field.region.y + 1

    asyncio.run(run())


def test_the_role_name_checks_sit_between_role_name_and_description(make_app):
    async def run() -> None:
        app = make_app(
            spec=demo_spec(role={"name": "orders-api-role"}),
            discoverer=FakeDiscoverer({}),
            offer_resume=False,
        )
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            screen = app.screen
            checks = screen.query_one("#role-name-checks")
            description = screen.query_one("#description")
            assert "letters, digits" in text_of(screen, "#role-name-checks")
            assert checks.region.height >= 1
            # the checks, one blank line, then the next field (there were 12 blank lines)
            assert description.region.y - checks.region.bottom <= 1

    asyncio.run(run())


def test_next_waits_for_an_invalid_field_and_keeps_what_was_typed(make_app):
    async def run() -> None:
        app = make_app(discoverer=FakeDiscoverer({}))
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            await pilot.press(*"bad name")
            await pilot.click("#description")  # another field changes the spec meanwhile
            await pilot.press(*"Orders")
            await pilot.pause()
            function = app.screen.query_one("#function", Input)
            assert function.value == "bad name"  # not replaced by the last valid value
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert app.screen.STEP == "function"
            assert app.focused is function
            await pilot.press(
                "end", "backspace", "backspace", "backspace", "backspace", "backspace"
            )
            await pilot.press(*"-api", "ctrl+n")
            await pilot.pause()
            assert app.screen.STEP == "resources" and app.spec.function == "bad-api"

    asyncio.run(run())


def test_edit_names_the_file_and_offers_no_draft_that_matches_it(make_app, tmp_path):
    from wizard.spec import load_spec

    path = tmp_path / "role.yaml"
    path.write_text("function: orders-api\nresources:\n  - {kind: sqs-queue, name: jobs}\n")

    async def edit_and_save() -> None:
        spec, _ = load_spec(path)
        app = make_app(spec=spec, edit_path=path, discoverer=FakeDiscoverer({}))
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            assert "editing" in app.sub_title and str(path) in app.sub_title
            await pilot.click("#description")
            await pilot.press(*"Jobs", "ctrl+s")  # autosaved as a draft, then saved to the file
            await pilot.pause()

    async def edit_again() -> str:
        spec, _ = load_spec(path)
        app = make_app(spec=spec, edit_path=path, discoverer=FakeDiscoverer({}))
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            return type(app.screen).__name__

    asyncio.run(edit_and_save())
    assert load_spec(path)[0].role.description == "Jobs"
    assert asyncio.run(edit_again()) == "FunctionScreen"  # not ResumeModal: nothing to resume


# ------------------------------------------------------------------ 80x24


def test_the_step_bar_names_all_six_steps_in_80_columns():
    from wizard.tui.widgets.step_bar import step_bar_content

    for current in range(6):
        bar = step_bar_content(current, 78).plain
        assert len(bar) <= 78 and "6 " in bar and "1 " in bar
    assert "Boundary & options" in step_bar_content(3, 120).plain


def at_80x24(make_app, step: int, check) -> None:
    """Open STEP at 80x24 on a one-table spec and run ``check(screen)``."""

    async def run() -> None:
        disc = FakeDiscoverer({"dynamodb-table": [table("Orders")]})
        app = make_app(spec=demo_spec(), discoverer=disc, offer_resume=False)
        async with app.run_test(size=SMALL) as pilot:
            await started(pilot)
            app.goto_step(step)
            await settled(pilot)
            check(app.screen)

    asyncio.run(run())


def test_the_last_step_can_be_clicked_in_the_step_bar_at_80_columns(make_app):
    async def run() -> None:
        app = make_app(spec=demo_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=SMALL) as pilot:
            await started(pilot)
            bar = app.screen.query_one("StepBar")
            x = bar.render().plain.index(" 6 ") + 1
            assert x < SMALL[0]
            await pilot.click("StepBar", offset=(x, 0))
            await pilot.pause()
            assert app.screen.STEP == "finish"

    asyncio.run(run())


def test_step_2_leaves_the_found_list_room_in_80_columns(make_app):
    def check(screen) -> None:
        assert screen.query_one("#found-pane").region.width >= 28  # was 10

    at_80x24(make_app, 1, check)


def test_ask_the_role_stays_on_an_80x24_screen(make_app):
    def check(screen) -> None:
        assert screen.query_one("#sizes").region.height == 4  # a line a policy, not three
        for selector in ("#ask-action", "#ask-resource", "#answer-scroll"):
            widget = screen.query_one(selector)
            assert widget.region.height >= 1 and widget.region.bottom <= SMALL[1] - 3, selector

    at_80x24(make_app, 4, check)


def test_the_three_export_buttons_show_in_80_columns(make_app):
    def check(screen) -> None:
        pane = screen.query_one("#finish-left").region
        for selector in ("#export-json", "#export-cfn", "#export-cfn-json"):
            button = screen.query_one(selector).region
            assert button.width >= 4 and button.right <= pane.right, selector

    at_80x24(make_app, 5, check)


@pytest.mark.parametrize("more", [0, 2, 4])
def test_every_export_button_shows_in_80_columns(make_app, monkeypatch, more):
    """Every format of the export table has its button, whole, inside the pane at 80x24 --
    also with formats added to the table (``more`` of them, with long titles)."""
    from wizard.export import FORMATS, ExportFormat
    from wizard.tui.screens.finish import format_buttons

    for i in range(more):
        name = f"added-{i}"
        added = ExportFormat(name, f"Added {i}", f"Long title {i:03}", f".{i}", "x:y")
        monkeypatch.setitem(FORMATS, name, added)
    buttons = format_buttons()
    assert [fmt for _b, fmt, _t in buttons] == list(FORMATS)

    def check(screen) -> None:
        pane = screen.query_one("#finish-left").region
        for button_id, _fmt, title in [*buttons, ("export-all", "", "Export all")]:
            button = screen.query_one(f"#{button_id}")
            region = button.content_region
            assert region.width >= len(title) and button.region.right <= pane.right, button_id
            assert button.region.x >= pane.x, button_id
            assert str(button.label) == title, button_id

    at_80x24(make_app, 5, check)


def test_help_fits_80_columns_without_wrapping_its_table(make_app):
    from wizard.tui.screens.help import HELP

    async def run() -> None:
        app = make_app(discoverer=FakeDiscoverer({}))
        async with app.run_test(size=SMALL) as pilot:
            await started(pilot)
            await pilot.press("f1")
            await pilot.pause()
            table_ = [w for w in app.screen.query("Static") if str(w.render()) == HELP][0]
            assert table_.region.height == len(HELP.splitlines())

    asyncio.run(run())


# ------------------------------------------------------------------ step 2


class Buckets(FakeDiscoverer):
    """Two buckets, each with prefixes, listed level by level as S3 does."""

    def pages(self, kind, *, bucket=None, prefix=None):
        from .conftest import FakeDiscovered

        if kind != "s3-prefix":
            yield from super().pages(kind, bucket=bucket, prefix=prefix)
            return
        if bucket is None:
            names = ["alpha-bucket", "beta-bucket"]
            yield [
                FakeDiscovered(kind, n, f"arn:aws:s3:::{n}", {"bucket": n, "prefix": ""})
                for n in names
            ]
            return
        subs = [f"{prefix or ''}{p}/" for p in ("in", "out")]
        yield [
            FakeDiscovered(kind, s, f"arn:aws:s3:::{bucket}/{s}*", {"bucket": bucket, "prefix": s})
            for s in subs
        ]


async def to_resources(pilot) -> None:
    await started(pilot)
    pilot.app.goto_step(1)
    await settled(pilot)


async def show_kind(pilot, kind: str) -> None:
    screen = pilot.app.screen
    screen.query_one("#kinds").highlighted = screen.kind_names.index(kind)
    await settled(pilot)


def test_an_arn_typed_but_not_added_waits_for_enter_before_the_next_step(make_app):
    async def run() -> None:
        app = make_app(spec=demo_spec(resources=[]), discoverer=FakeDiscoverer({}))
        async with app.run_test(size=BIG) as pilot:
            await to_resources(pilot)
            await pilot.click("#arn")
            await pilot.press(*"arn:aws:dynamodb:us-east-1:123456789012:table/Ledger")
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert app.screen.STEP == "resources" and app.focused.id == "arn"
            assert app.spec.resources == []
            await pilot.press("enter", "ctrl+n")
            await pilot.pause()
            assert app.screen.STEP == "access"
            assert app.spec.resources[0].arn.endswith("table/Ledger")

    asyncio.run(run())


def test_the_arn_box_shows_the_form_to_type_with_this_account_and_region(make_app):
    async def run() -> None:
        app = make_app(spec=demo_spec(resources=[]), discoverer=FakeDiscoverer({}))
        async with app.run_test(size=BIG) as pilot:
            await to_resources(pilot)
            hint = text_of(app.screen, "#arn-check")
            assert hint == "arn:aws:dynamodb:us-east-1:123456789012:table/NAME"
            await pilot.click("#arn")
            await pilot.press(*"arn:aws:sqs:us-east-1:123456789012:jobs")
            wrong = text_of(app.screen, "#arn-check")
            assert "expected arn:aws:dynamodb:us-east-1:123456789012:table/NAME" in wrong
            assert "${" not in wrong

    asyncio.run(run())


def test_another_kind_starts_unfiltered_and_up_returns_to_the_bucket_left(make_app):
    disc = Buckets({"dynamodb-table": [table("Orders"), table("Billing")]})

    async def run() -> None:
        app = make_app(spec=demo_spec(resources=[]), discoverer=disc)
        async with app.run_test(size=BIG) as pilot:
            await to_resources(pilot)
            screen = app.screen
            found = screen.query_one("#found")
            await pilot.click("#filter")
            await pilot.press(*"bill")
            await pilot.pause()
            assert [found.items[i].name for i in found.shown] == ["Billing"]
            await show_kind(pilot, "s3-prefix")
            assert screen.query_one("#filter", Input).value == ""
            assert [found.items[i].name for i in found.shown] == ["alpha-bucket", "beta-bucket"]
            found.focus()
            await pilot.press("down", "right")  # open beta-bucket
            await settled(pilot)
            assert screen.key == ("s3-prefix", "beta-bucket", "")
            await pilot.press("left")
            await pilot.pause()
            assert found.current_item().name == "beta-bucket"  # not back at the first bucket

    asyncio.run(run())


def test_the_footer_offers_open_only_where_right_opens_something(make_app):
    disc = Buckets({"dynamodb-table": [table("Orders")]})

    async def run() -> None:
        app = make_app(spec=demo_spec(resources=[]), discoverer=disc)
        async with app.run_test(size=BIG) as pilot:
            await to_resources(pilot)
            app.screen.query_one("#found").focus()
            await pilot.pause()
            assert "right" not in app.screen.active_bindings
            await show_kind(pilot, "s3-prefix")
            assert "right" in app.screen.active_bindings

    asyncio.run(run())


# ------------------------------------------------------------------ step 3


def access_spec() -> RoleSpec:
    return demo_spec(
        resources=[
            ResourceEntry(kind="dynamodb-table", name="Orders", access="read-write"),
            ResourceEntry(kind="dynamodb-table", name="Customers"),
            ResourceEntry(kind="s3-prefix", bucket="demo-orders-uploads", prefix="incoming/"),
            ResourceEntry(kind="sqs-queue", name="orders-events-dlq"),
            ResourceEntry(kind="kms-key", id="60f42128-858f-47a7-81a6-6ba4c2fed5a8"),
            ResourceEntry(kind="secretsmanager-secret", name="orders/db"),
            ResourceEntry(
                kind="dynamodb-table", arn="arn:aws:dynamodb:us-east-1:123456789012:table/Legacy"
            ),
        ]
    )


async def pick_sqs_actions(pilot) -> None:
    """On step 3: custom actions for the queue, two of them, picked with enter and space."""
    app = pilot.app
    app.goto_step(2)
    await pilot.pause()
    app.screen.query_one("#access-resources").highlighted = 3  # the queue
    await pilot.press("c")
    await pilot.pause()
    await pilot.press(*"message", "down")  # to the list: an action is highlighted at once
    await pilot.press("enter")  # ListMessageMoveTasks
    for _ in range(6):
        await pilot.press("down")
    await pilot.press("space")  # SendMessage
    await pilot.press("ctrl+s")
    await pilot.pause()


def test_the_action_picker_toggles_with_enter_at_once_and_with_space(make_app):
    async def run() -> None:
        app = make_app(spec=access_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            await pick_sqs_actions(pilot)
            custom = app.spec.resources[-1]
            assert custom.kind == "custom"
            assert custom.actions == ["sqs:ListMessageMoveTasks", "sqs:SendMessage"]

    asyncio.run(run())


def test_the_chosen_list_grows_to_show_an_added_custom_entry(make_app):
    async def run() -> None:
        app = make_app(spec=access_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            app.goto_step(2)
            await pilot.pause()
            app.screen.query_one("#access-resources").highlighted = 3  # the queue
            await pilot.press("c")
            await pilot.pause()
            app.screen.dismiss(["sqs:ListMessageMoveTasks", "sqs:SendMessage"])  # as picked
            await pilot.pause()
            olist = app.screen.query_one("#access-resources")
            assert olist.option_count == 8
            assert olist.max_scroll_y == 0  # was cut by a line, behind a scrollbar

    asyncio.run(run())


def test_a_resources_statements_show_the_custom_actions_added_to_it(make_app):
    async def run() -> None:
        app = make_app(spec=access_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            app.goto_step(2)
            await pilot.pause()
            app.screen.query_one("#access-resources").highlighted = 3  # the queue
            await pilot.press("c")
            await pilot.pause()
            app.screen.dismiss(["sqs:ListMessageMoveTasks", "sqs:SendMessage"])  # as picked
            await pilot.pause()
            statements = text_of(app.screen, "#statements")
            assert "SQSSend: sqs:SendMessage" in statements
            assert "custom: sqs:ListMessageMoveTasks on" in statements

    asyncio.run(run())


# ------------------------------------------------------------------ step 4


def test_an_existing_boundary_waits_for_its_arn_and_keeps_the_choice(make_app):
    arn = "arn:aws:iam::123456789012:policy/OrgBoundary"

    async def run() -> None:
        app = make_app(spec=demo_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            app.goto_step(3)
            await pilot.pause()
            screen = app.screen
            await pilot.click("#boundary-arn-choice")
            await pilot.press(*"arn:aws:iam::123:policy/x")
            await pilot.click("#opt-tracing")  # another change meanwhile
            await pilot.pause()
            assert app.spec.tracing and app.spec.boundary == "envelope"
            assert screen.query_one("#boundary-arn-choice").value  # still the ARN choice
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert app.screen is screen and app.focused.id == "boundary-arn"
            await pilot.press("ctrl+u", *arn, "ctrl+n")
            await pilot.pause()
            assert app.screen.STEP == "review" and app.spec.boundary == arn

    asyncio.run(run())


def test_the_chosen_boundary_is_explained_under_the_choices(make_app):
    async def run() -> None:
        app = make_app(spec=demo_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            app.goto_step(3)
            await pilot.pause()
            assert "privilege escalation denied" in text_of(app.screen, "#boundary-check")
            await pilot.click("#boundary-strict")
            await pilot.pause()
            assert app.spec.boundary == "strict"
            assert "Exactly what the identity policy grants" in text_of(
                app.screen, "#boundary-check"
            )

    asyncio.run(run())


# ------------------------------------------------------------------ step 5


def test_ask_the_role_completes_its_arns_and_says_when_it_asked_about_everything(make_app):
    async def run() -> None:
        spec = demo_spec(resources=[ResourceEntry(kind="dynamodb-table", name="Orders")])
        app = make_app(spec=spec, discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            app.goto_step(4)
            await pilot.pause()
            await pilot.click("#ask-action")
            await pilot.press(*"dynamodb:getit", "right")  # completes the role's own action
            assert app.screen.query_one("#ask-action", Input).value == "dynamodb:GetItem"
            await pilot.pause()
            assert "asked about every resource (*)" in text_of(app.screen, "#answer")
            await pilot.click("#ask-resource")
            await pilot.press(*"arn:aws:dynamodb", "right")
            await pilot.pause()
            resource = app.screen.query_one("#ask-resource", Input).value
            assert resource == "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
            assert text_of(app.screen, "#answer").startswith("Allowed")

    asyncio.run(run())


# ------------------------------------------------------------------ step 6


def test_a_long_plan_keeps_its_first_line_and_shows_its_last(make_app):
    from wizard.tui.messages import ProvisionFinished

    async def run() -> None:
        app = make_app(spec=demo_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=SMALL) as pilot:
            await started(pilot)
            app.goto_step(5)
            await pilot.pause()
            lines = [f"line {i} " + "x" * (i % 50) for i in range(150)]
            text = "\n".join([*lines, "Plan: 3 to add, 0 to change, 0 to remove."])
            app.screen.post_message(ProvisionFinished("plan", text, True))
            await pilot.pause()
            await pilot.pause()
            result = text_of(app.screen, "#result")
            assert result.startswith("line 0 ") and "Plan: 3 to add" in result
            scroll = app.screen.query_one("#result-scroll")
            assert scroll.max_scroll_y > 0 and scroll.scroll_y == scroll.max_scroll_y

    asyncio.run(run())


def test_a_failed_apply_is_said_in_a_notification(make_app):
    from wizard.tui.messages import ProvisionFinished

    async def run() -> None:
        app = make_app(spec=demo_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            app.goto_step(5)
            await pilot.pause()
            failure = "apply stopped at change 3 of 3 (attach managed policy X): NoSuchEntity"
            app.screen.post_message(ProvisionFinished("apply", failure, False))
            await pilot.pause()
            assert ("Apply failed", failure, "error") in app.notices

    asyncio.run(run())


def test_the_palettes_exports_go_to_the_folder_chosen_on_finish(make_app, tmp_path):
    async def run() -> None:
        app = make_app(spec=demo_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            app.goto_step(5)
            await pilot.pause()
            await pilot.click("#out-dir")
            await pilot.press("end", "ctrl+u", *str(tmp_path / "chosen"))
            (tmp_path / "chosen").mkdir()
            app.action_export("json")  # what the command palette's "Export JSON" runs
            await pilot.pause()

    asyncio.run(run())
    assert (tmp_path / "chosen" / "orders-api-role.json").exists()


def test_the_action_picker_marks_what_the_profile_grants_already(make_app):
    async def run() -> None:
        app = make_app(spec=access_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            app.goto_step(2)
            await pilot.pause()
            app.screen.query_one("#access-resources").highlighted = 3  # the queue: send
            await pilot.press("c")
            await pilot.pause()
            await pilot.press(*"message")
            await pilot.pause()
            olist = app.screen.query_one("#actions-list")
            prompts = [str(olist.get_option_at_index(i).prompt) for i in range(olist.option_count)]
            send = [p for p in prompts if "SendMessage " in p]
            receive = [p for p in prompts if "ReceiveMessage " in p]
            assert "(in the profile)" in send[0] and "(in the profile)" not in receive[0]

    asyncio.run(run())


def test_ask_the_role_says_when_the_action_does_not_exist(make_app):
    async def run() -> None:
        app = make_app(spec=demo_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=BIG) as pilot:
            await started(pilot)
            app.goto_step(4)
            await pilot.pause()
            await pilot.click("#ask-action")
            await pilot.press(*"dynamodb:put")
            await pilot.pause()
            assert "dynamodb:put is not an action the IAM reference knows" in text_of(
                app.screen, "#answer"
            )
            await pilot.press(*"item")  # dynamodb:putitem: known, in any case
            await pilot.pause()
            assert "IAM reference" not in text_of(app.screen, "#answer")

    asyncio.run(run())


# ------------------------------------------------------------------ start


def test_typing_at_start_is_not_taken_by_the_resume_offer(make_app, monkeypatch):
    """A draft waits in the palette when the user is typing before the offer comes: the
    offer's keys (r resumes) never take what is typed."""
    from wizard.drafts import DraftStore
    from wizard.tui.app import WizardApp

    DraftStore().save("older", RoleSpec(function="old-fn"))
    monkeypatch.setattr(WizardApp, "on_ready", lambda self: None)  # hold the domain back

    async def run() -> None:
        app = make_app(discoverer=FakeDiscoverer({}))
        async with app.run_test(size=BIG) as pilot:
            await pilot.pause()
            await pilot.press(*"orders")  # the "r" would have resumed the draft
            app._first_frame.set()  # the domain loads only now: no clock decides
            await settled(pilot)
            await pilot.press(*"-api")
            await pilot.pause()
            assert type(app.screen).__name__ == "FunctionScreen"
            assert app.spec.function == "orders-api"
            offers = [message for _t, message, _s in app.notices if "Resume draft" in message]
            assert offers and offers[0].startswith("old-fn: ")  # not this session's own draft
            app.action_resume_draft()  # the palette's "Resume draft"
            await pilot.pause()
            await pilot.press("enter")  # on Resume
            await pilot.pause()
            assert app.spec.function == "old-fn" and app.resumable is None

    asyncio.run(run())


def test_the_action_picker_leaves_its_list_room_at_80x24(make_app):
    async def run() -> None:
        app = make_app(spec=demo_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=SMALL) as pilot:
            await started(pilot)
            app.goto_step(2)
            await pilot.pause()
            await pilot.press("c")
            await pilot.pause()
            assert app.screen.query_one("#actions-list").region.height >= 6  # was 3
            count = app.screen.query_one("#actions-count")
            assert "escape cancels" in text_of(app.screen, "#actions-count")
            assert count.region.height == 2  # wrapped, not cut at the dialog's edge

    asyncio.run(run())
