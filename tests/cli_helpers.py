"""Helpers the command-line tests share: input files, policy documents, the usage-error check,
and ``python -m wizard`` in a subprocess. (The in-process runner ``run_cli`` and the
``orders_bundle`` fixture are in ``conftest.py``.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def write(tmp_path: Path, name: str, data: Any) -> Path:
    """``data`` (text as it is, anything else as JSON) in the file ``tmp_path / name``."""
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    """A policy document holding ``statements``."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def one_line_error(result: Any) -> bool:
    """Whether a ``run_cli`` result is a usage error: exit 2, one line on stderr, nothing else."""
    return (
        result.code == 2
        and result.out == ""
        and result.err.count("\n") == 1
        and "Traceback" not in result.err
    )


def run_wizard(
    *argv: str | Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``role-wizard ARGV`` as a new process (``python -m wizard``), stdin closed; ``env`` is its
    whole environment (None: this process's)."""
    return subprocess.run(
        [sys.executable, "-m", "wizard", *map(str, argv)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )
