"""Input that must never be lost or scrambled: what the user types in a field is what the field
and the spec hold, however fast the keys come (issue #11).

Pilot's ``press`` waits after each key; a held key or keys over SSH arrive in one batch, before
their ``Input.Changed`` messages have bubbled up to the screen. :func:`burst` sends keys so,
with the spec changing meanwhile (as each key's own change, a session detected or a listing
does): a field written back from the spec then would lose or scramble what was typed.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from wizard.spec import RoleSpec

from .conftest import FakeDiscoverer, settled, table

SIZE = (120, 40)
EDIT_KEYS = ["backspace", "delete", "left", "right", "home", "end"]


async def burst(pilot, keys) -> None:
    """Send ``keys`` as one batch -- none is handled before all are queued -- while the spec
    changes (a ``SpecChanged`` each time the loop turns, as earlier keys' changes post them)."""
    app = pilot.app
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
    for _ in range(len(keys) * 2):
        await asyncio.sleep(0)  # one turn of the event loop, not a wait on the clock
        app.spec_changed(autosave=False)
    await settled(pilot)


def make(make_app, **kwargs):
    disc = FakeDiscoverer({"dynamodb-table": [table("Orders")]})
    return make_app(discoverer=disc, offer_resume=False, **kwargs)


def test_a_burst_of_backspaces_empties_the_function_name_and_typing_on_is_what_is_typed(make_app):
    async def run() -> None:
        app = make(make_app)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            field = app.screen.query_one("#function", Input)
            await pilot.press("ctrl+u", *"orders-api")
            await burst(pilot, ["backspace"] * 12)
            assert (field.value, field.cursor_position) == ("", 0)
            assert app.spec.function == "orders-api"[:1]  # an empty name is refused: kept
            await burst(pilot, "billing")
            assert field.value == app.spec.function == "billing"
            await pilot.press("ctrl+n")
            await settled(pilot)
            assert app.spec.role_name == "billing-role"

    asyncio.run(run())


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Input()


async def bare_input(keys: list[str], start: str) -> str:
    """What a plain Textual Input holds after ``keys``."""
    app = Bare()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        field.value = start
        field.focus()
        await pilot.press("end", *keys)
        return field.value


# Bursts of one sort of key each: Textual itself handles a printable key in the Input and a
# bound one (backspace, arrows) after a round trip through the app, so in a mixed burst a bare
# Input's order of keys depends on how deep it sits.
BURSTS = st.lists(
    st.one_of(
        st.lists(st.sampled_from("ab-1"), min_size=1, max_size=8),
        st.lists(st.sampled_from(EDIT_KEYS), min_size=1, max_size=14),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    bursts=BURSTS, field=st.sampled_from(["function", "region", "role-name", "description", "tags"])
)
def test_every_step_1_field_ends_as_a_bare_input_given_the_same_keys(make_app, bursts, field):
    """Whatever keys arrive in bursts, each field holds what a bare Input would."""
    start = {"function": "orders-api", "region": "eu-west-1", "role-name": "orders-role"}
    spec = RoleSpec(function="orders-api", region="eu-west-1", role={"name": "orders-role"})

    async def run() -> str:
        app = make(make_app, spec=spec)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            widget = app.screen.query_one(f"#{field}", Input)
            widget.focus()
            await pilot.press("end")
            for keys in bursts:
                await burst(pilot, keys)
            return widget.value

    expected = asyncio.run(bare_input([k for keys in bursts for k in keys], start.get(field, "")))
    assert asyncio.run(run()) == expected


def test_a_boundary_arn_typed_in_a_burst_is_kept_as_typed(make_app):
    arn = "arn:aws:iam::123456789012:policy/Boundary"

    async def run() -> None:
        app = make(make_app, spec=RoleSpec(function="orders-api", boundary=arn))
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.goto_step(3)
            await settled(pilot)
            field = app.screen.query_one("#boundary-arn", Input)
            assert field.value == arn
            field.focus()
            await pilot.press("end")
            await burst(pilot, "XYZ")  # each prefix is a valid ARN
            await burst(pilot, ["backspace"] * 2)
            await burst(pilot, "Q")
            assert field.value == app.spec.boundary == arn + "XQ"

    asyncio.run(run())


def test_a_resumed_draft_fills_every_field_even_the_one_with_the_focus(make_app):
    from wizard.drafts import DraftStore

    DraftStore().save("older", RoleSpec(function="old-fn", region="eu-west-1"))

    async def run() -> None:
        app = make_app(discoverer=FakeDiscoverer({}))
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            assert type(app.screen).__name__ == "ResumeModal"
            await pilot.press("enter")  # on Resume
            await settled(pilot)
            screen = app.screen
            assert screen.query_one("#function", Input).has_focus
            assert screen.query_one("#function", Input).value == "old-fn"
            assert screen.query_one("#region", Input).value == "eu-west-1"

    asyncio.run(run())


def test_question_mark_is_text_in_a_field_and_help_says_so(make_app):
    """Back on step 1 the function name is selected: ? types over it as text (it must not be
    taken for help there, nor help claim it is), and opens help where no field has the focus."""
    from wizard.tui.screens.help import HELP

    keys = [line for line in HELP.splitlines() if "this help" in line]
    assert keys and all("?" not in line or "outside a text field" in line for line in keys)

    async def run() -> None:
        app = make(make_app)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            await pilot.press("ctrl+u", *"orders-api", "question_mark")
            await settled(pilot)
            assert type(app.screen).__name__ == "FunctionScreen"
            assert app.screen.query_one("#function", Input).value == "orders-api?"
            hinted = {b.key for _n, b, shown, _t in app.screen.active_bindings.values() if shown}
            assert "ctrl+b" not in hinted and "f1" in hinted  # no Back from the first step
            await pilot.press("backspace")
            app.goto_step(1)
            await settled(pilot)
            app.screen.query_one("#kinds").focus()
            await pilot.press("question_mark")
            await settled(pilot)
            assert type(app.screen).__name__ == "HelpModal"

    asyncio.run(run())
