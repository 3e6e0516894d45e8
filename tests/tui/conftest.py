"""The wizard under test: an app factory, a fake discoverer, XDG state in tmp_path."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual.worker import WorkerCancelled, WorkerState


@dataclass(frozen=True)
class FakeDiscovered:
    kind: str
    name: str
    arn: str
    detail: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeSession:
    account: str = "123456789012"
    region: str = "us-east-1"

    def in_region(self, region: str) -> FakeSession:
        return FakeSession(self.account, region)


class FakeDiscoverer:
    """Discoverer's interface over fixed data; ``failing`` kinds raise DiscoveryError."""

    def __init__(self, items: dict[str, list[Any]], failing: dict[str, str] | None = None):
        self.items = items
        self.failing = failing or {}

    def supports(self, kind: str) -> bool:
        return kind != "custom"

    def pages(
        self, kind: str, *, bucket: str | None = None, prefix: str | None = None
    ) -> Iterator[list[Any]]:
        from wizard.aws.discover import DiscoveryError

        if kind in self.failing:
            raise DiscoveryError(kind, self.failing[kind])
        found = self.items.get(kind, [])
        for start in range(0, len(found), 1000):
            yield found[start : start + 1000]

    def list(self, kind: str) -> list[Any]:
        return [i for page in self.pages(kind) for i in page]


BIG = (120, 40)
SMALL = (80, 24)


def orders_spec(**kwargs: Any) -> Any:
    """The orders-api spec most TUI tests start from (one table), with ``kwargs`` replaced."""
    from wizard.spec import ResourceEntry, RoleSpec

    values = {
        "function": "orders-api",
        "account": "123456789012",
        "region": "us-east-1",
        "resources": [ResourceEntry(kind="dynamodb-table", name="Orders")],
    }
    return RoleSpec(**{**values, **kwargs})


def table(name: str) -> FakeDiscovered:
    return FakeDiscovered(
        "dynamodb-table", name, f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}"
    )


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """WizardApp with drafts and outputs in tmp_path; ``discoverer=`` injects a fake (with a
    fake session), otherwise the app runs on the demo sandbox."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def factory(*, discoverer: Any = None, **kwargs: Any) -> Any:
        from wizard.tui.app import WizardApp

        kwargs.setdefault("output_dir", tmp_path / "out")
        if discoverer is not None:
            kwargs.setdefault("session_factory", FakeSession)
            kwargs["discoverer_factory"] = lambda session: discoverer
        else:
            kwargs.setdefault("demo", True)

        class Recorded(WizardApp):
            """Keeps every notification in ``notices`` (title, message, severity): the app's
            own list drops each after its timeout, which a loaded machine can outlast."""

            notices: list[tuple[str, str, str]]

            def notify(
                self, message: str, *, title: str = "", severity: Any = "information", **rest: Any
            ) -> None:
                self.notices.append((title, message, str(severity)))
                super().notify(message, title=title, severity=severity, **rest)

        app = Recorded(**kwargs)
        app.notices = []
        return app

    return factory


def _queued(app: Any) -> int:
    """Messages waiting in the app, its screens and their widgets."""
    from wizard.tui.state import STEP_NAMES

    # the steps built ahead in the background too, not only those on the stack
    built = [app.get_screen(n) for n in STEP_NAMES if app.is_screen_installed(n)]
    screens = {id(s): s for s in (*app.screen_stack, *built)}.values()
    pumps = [app, *(n for s in screens for n in s.walk_children(with_self=True))]
    return sum(p.message_queue_size for p in pumps)


async def settled(pilot: Any) -> None:
    """Wait until the app is quiet: every worker ended and every message handled.

    Workers post what they found as messages, and a handler may post more or start another
    worker (a newer listing replaces one still running), so the wait repeats until a pass finds
    nothing running and nothing queued. Each wait is on an event -- a worker's end, the
    screen's queue reaching a callback put after what was queued -- never on the clock, so a
    loaded machine only makes it slower. A worker's failure is raised here.
    """
    app = pilot.app
    while True:
        for worker in list(app.workers):
            if worker.state == WorkerState.PENDING:  # not started: nothing to wait for yet
                continue
            # a cancelled one was replaced by a newer one, which this or the next pass waits for
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()
        if not any(w.is_running for w in app.workers) and not _queued(app):
            return
