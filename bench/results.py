"""What each benchmark hands to ``run_all.py``: its figures as JSON (``--json FILE``).

Every script prints its own report for people; with ``--json FILE`` it also writes the figures
that ``run_all.py`` turns into the README's table. A peer that is not installed is recorded as
``{"skipped": "why"}`` in place of its figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
from pathlib import Path
from typing import Any


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", metavar="FILE", help="also write the figures as JSON to FILE (for run_all.py)"
    )


def write_json(path: str | None, figures: dict[str, Any]) -> None:
    if path:
        Path(path).write_text(json.dumps(figures, indent=2), encoding="utf-8")


def spread_of(values: list[float]) -> dict[str, float]:
    """The median, the middle half (first and third quartiles) and the range of ``values``."""
    q1, _, q3 = (
        statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
    )
    return {
        "median": statistics.median(values),
        "q1": q1,
        "q3": q3,
        "min": min(values),
        "max": max(values),
    }


def load_moto_helpers():
    """The tests' moto helpers (``tests/moto_helpers.py``, no pytest needed), loaded by path."""
    path = Path(__file__).resolve().parent.parent / "tests" / "moto_helpers.py"
    spec = importlib.util.spec_from_file_location("moto_helpers", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
