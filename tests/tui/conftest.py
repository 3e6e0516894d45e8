"""The wizard under test: an app factory, a fake discoverer, XDG state in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


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
        return WizardApp(**kwargs)

    return factory
