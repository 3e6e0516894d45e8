"""Shared moto fixtures: one real moto server over HTTP per test session, an AWS environment
pointing at it, and fake credentials for ``mock_aws`` (loaded from ``tests/conftest.py`` through
``pytest_plugins``). The helpers without pytest are in ``tests/moto_helpers.py``.

The server runs in the test process, so it shares moto's in-memory state with ``mock_aws``
(which resets that state when it starts and stops): create what an end-to-end test needs inside
the test, under names no other test uses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto_helpers import REGION, start_moto_server

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}
CLEARED_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The endpoint URL (``http://127.0.0.1:PORT``) of a moto server started once per session."""
    server, url = start_moto_server()
    yield url
    server.stop()


def server_env(endpoint: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment for a subprocess talking to ``endpoint`` with fake credentials."""
    env = dict(os.environ if base is None else base)
    for name in CLEARED_ENV:
        env.pop(name, None)
    env.update(FAKE_ENV)
    env["AWS_ENDPOINT_URL"] = endpoint
    return env


@pytest.fixture
def mock_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials for in-process ``mock_aws`` tests: no profile, config file or endpoint."""
    for name in (
        *CLEARED_ENV,
        "AWS_ENDPOINT_URL",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def aws_env(moto_server: str, mock_env: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """This process's AWS settings pointed at the moto server; returns its endpoint URL."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    return moto_server
