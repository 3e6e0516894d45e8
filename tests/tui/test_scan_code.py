"""Step 2's "scan my code" (issue #15): a scan of handlers from tests/scan_corpus/ in a thread
worker, its suggestions preselected with their FILE:LINE, one dropped, the rest accepted: the
role then grants exactly the accepted ones. A bad path is one line and loses nothing typed; a
value typed for an environment variable binds through the kind's field rule."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
import yaml

from wizard.entries import entry_key
from wizard.policy.compose import compose
from wizard.spec import ResourceEntry

from .conftest import FakeDiscoverer, orders_spec, settled

CORPUS = Path(__file__).parent.parent / "scan_corpus" / "python"
# Orders (chosen already in orders_spec), Customers, acme-uploads/incoming/, JOBS_QUEUE (an
# environment variable no template sets), clicks and two calls no scan can name
CASES = ("01_ddb_client_get", "02_ddb_read_write", "06_s3_prefix_read", "12_sqs_consume_env")
CASES += ("23_unresolvable",)
BROKEN = "import boto3\n\n\ndef handler(event, context:\n    pass\n"  # a parse error (line 4)


def code_folder(root: Path) -> Path:
    """The corpus's handlers (not their expected files or templates) and one broken file."""
    folder = root / "code"
    for case in CASES:
        (folder / case).mkdir(parents=True)
        shutil.copy(CORPUS / case / "handler.py", folder / case / "handler.py")
    (folder / "broken.py").write_text(BROKEN)
    return folder


def expected_entries(*cases: str) -> list[ResourceEntry]:
    """The entries the corpus's expected.yaml files name (kind, fields, profile)."""
    out = []
    for case in cases:
        for item in yaml.safe_load((CORPUS / case / "expected.yaml").read_text())["resources"]:
            out.append(ResourceEntry(**{k: v for k, v in item.items() if k != "actions"}))
    return out


def found_lines(screen) -> list[tuple[str, object, bool, bool]]:
    """(text, value, selected, disabled) of each line of the scan's list."""
    found = screen.query_one("#scan-found")
    lines = []
    for index in range(found.option_count):
        option = found.get_option_at_index(index)
        lines.append(
            (str(option.prompt), option.value, option.value in found.selected, option.disabled)
        )
    return lines


async def open_scan(pilot, path: str | None) -> None:
    """On step 2: ctrl+o, then the path (None keeps the one offered), then enter."""
    app = pilot.app
    if app.screen.STEP != "resources":
        app.goto_step(1)
        await settled(pilot)
    await pilot.press("ctrl+o")
    await settled(pilot)
    if path is not None:
        app.screen.query_one("#scan-path").value = ""
        await pilot.press(*path)
    await pilot.press("enter")
    await settled(pilot)


def test_scan_preselects_with_origins_then_the_role_grants_exactly_the_accepted(make_app, tmp_path):
    folder = code_folder(tmp_path)
    customers = entry_key(expected_entries("02_ddb_read_write")[0])

    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot)
            await open_scan(pilot, str(folder))
            screen = app.screen
            lines = found_lines(screen)
            texts = [text for text, *_ in lines]
            # every suggestion with where the code calls it, relative to the folder scanned
            assert any("Customers" in t and "02_ddb_read_write/handler.py:8" in t for t in texts)
            assert any(
                "acme-uploads" in t and "06_s3_prefix_read/handler.py:11" in t for t in texts
            )
            assert any("clicks" in t and "23_unresolvable/handler.py:14" in t for t in texts)
            # Orders is in the spec already: shown, not selectable, not added twice
            (orders,) = [line for line in lines if "Orders" in line[0]]
            assert orders[3] and not orders[2] and "chosen already" in orders[0]
            # everything else is preselected
            assert all(selected for _, _, selected, disabled in lines if not disabled)
            # the broken file is said on one line, and the others were scanned
            state = str(screen.query_one("#scan-state").render())
            assert "1 skipped" in state and "5 files" in state
            notes = " ".join(str(w.render()) for w in screen.query("#scan-notes Static"))
            assert "skipped broken.py:4: not valid Python" in notes
            # the calls the scan could not name, each with its place; never widened
            assert "23_unresolvable/handler.py:12" in notes
            assert "23_unresolvable/handler.py:13" in notes
            assert "12_sqs_consume_env/handler.py:10" in notes

            # drop Customers (space toggles the highlighted line), then accept
            found = screen.query_one("#scan-found")
            found.focus()
            found.highlighted = [value for _, value, *_ in lines].index(customers)
            await pilot.press("space")
            await settled(pilot)
            await pilot.press("ctrl+s")
            await settled(pilot)
            assert app.screen.STEP == "resources"

            want = [orders_spec().resources[0]]
            want += expected_entries("06_s3_prefix_read", "23_unresolvable")
            assert sorted(map(entry_key, app.spec.resources)) == sorted(map(entry_key, want))
            # the composed role is the one of exactly those entries (and their profiles)
            assert app.bundle == compose(orders_spec(resources=want))
            assert "Customers" not in str(app.bundle.policies)
            # the chosen list shows where each added entry came from
            chosen = app.screen.query_one("#chosen")
            prompts = [
                str(chosen.get_option_at_index(i).prompt) for i in range(chosen.option_count)
            ]
            assert any("06_s3_prefix_read/handler.py:11" in p for p in prompts)

            # scanned again: the path is offered again, and Customers stays dropped
            await open_scan(pilot, None)
            assert app.screen.query_one("#scan-path").value == str(folder)
            again = {
                value: (selected, disabled)
                for _, value, selected, disabled in found_lines(app.screen)
            }
            assert again[customers] == (False, False)  # offered, not ticked
            assert all(disabled for key, (_, disabled) in again.items() if key != customers)
            await pilot.press("escape")
            await settled(pilot)

    asyncio_run(run())


def test_a_bad_path_is_one_line_and_loses_nothing_typed(make_app, tmp_path):
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Pay"

    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot)
            app.goto_step(1)
            await settled(pilot)
            app.screen.query_one("#arn").focus()
            await settled(pilot)
            await pilot.press(*arn)  # typed, not added yet
            before = app.spec.model_copy(deep=True)
            missing = str(tmp_path / "no-such-folder")
            await open_scan(pilot, missing)
            state = app.screen.query_one("#scan-state")
            text = str(state.render())
            assert text == f"✗ {missing}: no such file or folder to scan"
            assert state.has_class("-error")
            assert app.screen.query_one("#scan-path").value == missing  # kept to fix
            assert app.screen.query_one("#scan-found").option_count == 0
            await pilot.press("ctrl+s")  # nothing to add: the dialog says so and stays
            await settled(pilot)
            assert app.screen.query_one("#scan-path").value == missing
            await pilot.press("escape")
            await settled(pilot)
            assert app.screen.query_one("#arn").value == arn
            assert app.spec == before

    asyncio_run(run())


def test_a_typed_environment_value_binds_through_the_kinds_rule(make_app, tmp_path):
    folder = code_folder(tmp_path)

    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot)
            await open_scan(pilot, str(folder))
            screen = app.screen
            (given,) = [i for i in screen.query(".scan-var-row Input") if i.name == "JOBS_QUEUE"]
            given.focus()
            await pilot.press(*"no queue!", "enter")  # not a queue name: said, not bound
            await settled(pilot)
            notes = " ".join(str(w.render()) for w in screen.query("#scan-notes Static"))
            assert "✗ QueueUrl 'no queue!' does not fit the SQS queue's name" in notes
            assert not any("sqs-queue" in text for text, *_ in found_lines(screen))
            (given,) = [i for i in screen.query(".scan-var-row Input") if i.name == "JOBS_QUEUE"]
            assert given.value == "no queue!"  # what was typed stays, to fix
            given.value = ""
            given.focus()
            await pilot.press(*"jobs", "enter")
            await settled(pilot)
            (line,) = [line for line in found_lines(screen) if "sqs-queue" in line[0]]
            assert "jobs" in line[0] and "12_sqs_consume_env/handler.py:10" in line[0]
            assert line[2]  # preselected like the rest
            await pilot.press("ctrl+s")
            await settled(pilot)
            (queue,) = [e for e in app.spec.resources if e.kind == "sqs-queue"]
            assert queue == expected_entries("12_sqs_consume_env")[0]
            assert app.scan.values == {"JOBS_QUEUE": "jobs"}

    asyncio_run(run())


def test_the_scan_runs_in_a_worker_and_says_how_many_files(make_app, tmp_path, monkeypatch):
    """The scan is held in its thread until the test has seen the UI answer meanwhile."""
    import wizard.tui.screens.scan as scan_screen

    folder = code_folder(tmp_path)
    started, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []
    real = scan_screen.scan_offer

    def held(*args, **kwargs):
        threads.append(threading.current_thread())
        started.set()
        assert release.wait(30), "the test never released the scan"
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_screen, "scan_offer", held)

    async def run() -> None:
        import asyncio

        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot)
            app.goto_step(1)
            await settled(pilot)
            await pilot.press("ctrl+o")
            await settled(pilot)
            app.screen.query_one("#scan-path").value = str(folder)
            await pilot.press("enter")
            await asyncio.get_running_loop().run_in_executor(None, started.wait, 30)
            await pilot.pause()  # the UI thread handles the count while the scan is held
            state = app.screen.query_one("#scan-state")
            for _ in range(100):  # each pause waits for the app to handle what is queued
                if "scanning" in str(state.render()):
                    break
                await pilot.pause()
            assert str(state.render()) == "scanning 6 files…"
            release.set()
            await settled(pilot)
            assert threads and threads[0] is not threading.main_thread()
            assert "Scanned 5 files" in str(state.render())

    asyncio_run(run())


def test_the_draft_keeps_the_scanned_path(make_app, tmp_path):
    from wizard.drafts import DraftStore

    folder = code_folder(tmp_path)

    async def run() -> None:
        app = make_app(spec=orders_spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot)
            await open_scan(pilot, str(folder))
            await pilot.press("ctrl+s")
            await settled(pilot)
            (draft,) = DraftStore().list()
            assert draft.scan == str(folder)
            assert draft.step == "resources"

    asyncio_run(run())


def asyncio_run(coro) -> None:
    import asyncio

    asyncio.run(coro)


@pytest.fixture
def in_code_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(code_folder(tmp_path))


def test_scan_snapshot(snap_compare, make_app, in_code_folder):
    """Step 2 with the results of a scan of the current folder (the default path)."""

    async def run_before(pilot) -> None:
        await settled(pilot)
        await open_scan(pilot, None)
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        await pilot.pause()

    app = make_app(
        spec=orders_spec(), discoverer=FakeDiscoverer({}), cursor_blink=False, offer_resume=False
    )
    assert snap_compare(app, run_before=run_before, terminal_size=(110, 36))
