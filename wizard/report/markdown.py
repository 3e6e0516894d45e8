"""The access report as Markdown that fits a pull-request comment.

GitHub refuses a comment body over 65,536 characters; a longer report is cut at a line break
with a closing note saying how much was left out. Every string that came from input (resource
names, ARNs, policy names) is escaped: HTML's ``<``, ``>``, ``&`` as entities and Markdown's
punctuation with a backslash, so a hostile name renders as text and cannot break a table.
"""

from __future__ import annotations

import html
import re

from wizard.policy.diff import AccessChange
from wizard.report.access import (
    ALLOWED,
    CONDITIONAL,
    CUT,
    DENIED,
    AccessReport,
    Cell,
    actions_shown,
)
from wizard.text import count

COMMENT_LIMIT = 65_536  # GitHub's limit on a comment body, in characters

_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#!|~])")
_SPACE = re.compile(r"\s+")


def md_text(value: str) -> str:
    """``value`` as inert Markdown text on one line."""
    value = _SPACE.sub(" ", value).strip()
    return _MD_SPECIAL.sub(r"\\\1", html.escape(value, quote=False))


def comment_length(text: str) -> int:
    """Characters as GitHub counts them (UTF-16 code units: an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def cell_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    parts = []
    if n := cell.count(ALLOWED):
        parts.append(str(n))
    if n := cell.count(CONDITIONAL):
        parts.append(f"{n} conditional")
    if n := cell.count(CUT):
        parts.append(f"{n} cut")
    if n := cell.count(DENIED):
        parts.append(f"{n} denied")
    return ", ".join(parts)


def _change_line(change: AccessChange, limit: int = 40) -> str:
    shown = actions_shown(change, limit)
    where = ", ".join(f"`{_code(r)}`" for r in change.resources)
    line = f"- **{md_text(change.service)}** {md_text(change.access_level)}: {md_text(shown)} on {where}"
    return line + (" (with a condition)" if change.conditional else "")


def _code(value: str) -> str:
    """Text for a one-backtick code span: no backtick or line break can close or split it."""
    return _SPACE.sub(" ", value).replace("`", "'")


def _section(title: str, changes: tuple[AccessChange, ...], empty: str) -> list[str]:
    lines = ["", f"### {title}", ""]
    if changes:
        lines.extend(_change_line(c) for c in changes)
    else:
        lines.append(empty)
    return lines


def render_markdown(report: AccessReport, limit: int = COMMENT_LIMIT) -> str:
    levels = report.shown_levels
    granted = report.count(report.granted)
    lines = [
        f"## Access report: role {md_text(report.role)}",
        "",
        f"Read from {md_text(report.source)}"
        + (f" · functions: {md_text(', '.join(report.functions))}" if report.functions else "")
        + f" · boundary: {md_text(report.boundary)}",
        "",
        f"**{count(granted, 'action')} granted**; "
        f"{report.count(report.cut)} cut by the boundary; "
        f"{report.count(report.denied)} explicitly denied.",
        "",
        "### What it can do, by resource",
        "",
        "Actions per access level: allowed; *conditional* (only under a condition, or in part); "
        "*cut* (the identity policies allow it, the boundary does not); *denied* (an explicit "
        "Deny).",
        "",
        "| Resource | " + " | ".join(levels) + " |",
        "| --- |" + " --- |" * len(levels),
    ]
    for row in report.rows:
        label = md_text(row.target.label)
        if not row.target.named:
            label = f"*{label}*"
        lines.append(f"| {label} | " + " | ".join(cell_text(row.cell(lv)) for lv in levels) + " |")
    if not report.rows:
        lines.append("| *nothing granted* |" + " |" * len(levels))
    lines += _section(
        "Granted actions, by service and access level", report.granted, "Nothing is granted."
    )
    lines += _section(
        "Cut by the boundary",
        report.cut,
        "Nothing: the boundary allows all the identity policies grant."
        if report.boundary != "none"
        else "No boundary.",
    )
    lines += _section("Explicitly denied", report.denied, "No explicit Deny.")
    if report.notes:
        lines += ["", "### Notes", ""]
        lines.extend(f"- {md_text(n)}" for n in report.notes)
    return fit(lines, limit)


def fit(lines: list[str], limit: int = COMMENT_LIMIT) -> str:
    """The lines joined, cut at a line break with a note when longer than ``limit``."""
    text = "\n".join(lines) + "\n"
    if comment_length(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        note = (
            f"\n*Truncated to fit a comment: {len(lines) - i} of {len(lines)} lines left out. "
            "The full report: `role-wizard report ... --format html`.*\n"
        )
        size = comment_length(line) + 1
        if used + size + comment_length(note) > limit:
            return "\n".join(kept) + "\n" + note
        kept.append(line)
        used += size
    return text  # pragma: no cover - the loop returns once the text is over the limit
