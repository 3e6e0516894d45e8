"""Fixtures shared across the test suite. Keep each one small and general."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def demo_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test's own ``XDG_STATE_HOME`` (drafts, the demo sandbox's state file): no test
    shares a demo sandbox with another or with this machine's. A sandbox server the test
    started (here or in a subprocess) is stopped afterwards."""
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    yield state
    demo_dir = state / "lambda-role-wizard" / "demo"
    if demo_dir.exists():
        if "wizard.aws.demo" not in sys.modules and not (demo_dir / "server.json").exists():
            return  # nothing started, nothing held: no need to import boto3
        from wizard.aws.demo import stop_sandbox

        stop_sandbox(demo_dir)


@pytest.fixture
def spec_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a spec (dedented text, or raw bytes) to a file in tmp_path and return its path."""

    def write(content: str | bytes, name: str = "role.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return write


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``role-wizard ARGS`` in this process; return its exit status, stdout and stderr."""
    from wizard.cli import main

    def run(*argv: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse exits on usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def orders_bundle(tmp_path: Path, run_cli: Callable[..., CliResult]) -> Path:
    """``role-wizard build`` of a small spec (a table read, a queue consumed, the envelope
    boundary, account and region given) as ``tmp_path/bundle.json``."""
    spec = tmp_path / "role.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            function: orders-api
            account: "123456789012"
            region: us-east-1
            resources:
              - {kind: dynamodb-table, name: Orders, access: read}
              - {kind: sqs-queue, name: orders-events, access: consume}
            """
        ),
        encoding="utf-8",
    )
    out = tmp_path / "bundle.json"
    result = run_cli("build", spec, "--out", out)
    assert result.code == 0, result.err
    return out


# Shared moto fixtures (moto_server, aws_env, mock_env): tests/aws_fixtures.py
pytest_plugins = ["aws_fixtures"]
