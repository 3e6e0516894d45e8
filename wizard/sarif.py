"""SARIF 2.1.0 logs (for code-scanning UIs) of role-wizard's findings: one run, one tool."""

from __future__ import annotations

from typing import Any

from wizard import __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif_log(rules: list[dict[str, Any]], results: list[dict[str, Any]], **run: Any) -> dict:
    """A SARIF log of one run of role-wizard: its ``rules``, its ``results`` and any other
    properties of the run (``columnKind``, say)."""
    driver = {"name": "role-wizard", "version": __version__, "rules": rules}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, **run, "results": results}],
    }
