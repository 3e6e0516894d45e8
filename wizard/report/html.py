"""The access report as one self-contained HTML file.

Inline CSS and an inline SVG drawn here; no script, font, image or stylesheet is fetched, and
the page's Content-Security-Policy (``default-src 'none'``) makes a browser refuse anything that
would be. The picture is a matrix: one row per resource, one column per access level, each cell
coloured by what the role can do there (allowed, only under a condition, cut by the boundary,
explicitly denied) and holding the number of actions; hovering a cell lists them. Every string
from input goes through :func:`html.escape` (quotes too), in the page and in the SVG alike.
"""

from __future__ import annotations

from html import escape

from wizard.policy.diff import AccessChange
from wizard.report.access import (
    CONDITIONAL,
    CUT,
    DENIED,
    STATES,
    AccessReport,
    Cell,
    actions_shown,
)
from wizard.report.markdown import cell_text

# Fill colours: an allowed level by how much it can change (List lightest, Permissions
# management red); the boundary's cuts hatched grey; explicit denies dark.
LEVEL_FILL = {
    "List": "#d8f0de",
    "Read": "#8fd19e",
    "Write": "#f5b94f",
    "Tagging": "#9ec5fe",
    "Permissions management": "#e35d6a",
    "Unknown": "#c0c0c0",
}
EMPTY_FILL = "#f3f4f6"
DENIED_FILL = "#343a40"

CELL_W, CELL_H, HEAD_H, FLOW_H, PAD = 132, 34, 44, 64, 12
CHAR_W = 7.2  # an estimate of the label font's average advance, for the label column's width
MAX_LABEL = 60  # characters of a label drawn; the full label is in its tooltip

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:24px auto;max-width:1200px;padding:0 16px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#57606a;margin:0 0 16px}.meta code,td code{font-size:12.5px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0 20px}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:22px}.card.cut b{color:#6e7781}.card.denied b{color:#343a40}
figure{margin:0;overflow-x:auto}svg text{font-family:inherit}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.actions{max-width:640px;word-break:break-word}
.legend{display:flex;gap:14px;flex-wrap:wrap;margin:8px 0;color:#57606a;font-size:13px}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;
margin-right:5px;border:1px solid #0002}
.notes li{color:#57606a}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _tooltip(row_label: str, level: str, cell: Cell) -> str:
    lines = [f"{row_label} · {level}"]
    for state in reversed(STATES):
        actions = cell.actions.get(state)
        if actions:
            lines.append(f"{state}: {', '.join(actions)}")
    return "\n".join(lines)


def _cell_svg(x: float, y: float, level: str, cell: Cell | None, row_label: str) -> str:
    w, h = CELL_W - 4, CELL_H - 4
    if cell is None:
        return (
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{EMPTY_FILL}"/>'
            f'<text x="{x + w / 2}" y="{y + h / 2 + 4}" text-anchor="middle" font-size="12" '
            'fill="#adb5bd">–</text>'
        )
    state = cell.state
    fill, ink, extra = LEVEL_FILL.get(level, LEVEL_FILL["Unknown"]), "#1f2328", ""
    if state == DENIED:
        fill, ink = DENIED_FILL, "#ffffff"
    elif state == CUT and not cell.effective:
        fill, extra = "url(#cut)", ' stroke="#8c959f" stroke-width="1"'
    elif state in (CONDITIONAL, CUT) or cell.count(CONDITIONAL):
        extra = ' stroke="#1f2328" stroke-width="1.5" stroke-dasharray="4 3"'
    title = _e(_tooltip(row_label, level, cell))
    return (
        f'<g class="cell" data-state="{state}"><title>{title}</title>'
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{fill}"{extra}/>'
        f'<text x="{x + w / 2}" y="{y + h / 2 + 4}" text-anchor="middle" font-size="12" '
        f'fill="{ink}">{_e(cell_text(cell))}</text></g>'
    )


def matrix_svg(report: AccessReport) -> str:
    """The picture: who uses the role (function → role) above a resources × access levels
    matrix."""
    levels = report.shown_levels
    labels = [_short(row.target.label) for row in report.rows] or ["nothing granted"]
    label_w = max(160, int(max(len(s) for s in labels) * CHAR_W) + 2 * PAD)
    width = label_w + CELL_W * len(levels) + PAD
    top = FLOW_H + HEAD_H
    height = top + CELL_H * max(1, len(report.rows)) + PAD
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="access matrix">',
        "<defs>"
        '<pattern id="cut" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#eceff1"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#b0b7bf" stroke-width="3"/></pattern>'
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" fill="#57606a"/></marker>'
        "</defs>",
    ]
    # function(s) -> role -> resources
    functions = ", ".join(report.functions) or "(no function known)"
    boxes = [
        ("λ " + _short(functions), "#fff8c5", "#d4a72c"),
        ("role " + _short(report.role), "#ddf4ff", "#54aeff"),
        (f"{sum(1 for r in report.rows if r.target.named)} resources", "#f6f8fa", "#8c959f"),
    ]
    x = PAD
    for i, (text, fill, stroke) in enumerate(boxes):
        w = max(120, int(len(text) * CHAR_W) + 24)
        out.append(
            f'<rect x="{x}" y="{PAD}" width="{w}" height="36" rx="18" fill="{fill}" '
            f'stroke="{stroke}"/><text x="{x + w / 2}" y="{PAD + 23}" text-anchor="middle" '
            f'font-size="13">{_e(text)}</text>'
        )
        x += w
        if i < len(boxes) - 1:
            out.append(
                f'<line x1="{x + 4}" y1="{PAD + 18}" x2="{x + 40}" y2="{PAD + 18}" '
                'stroke="#57606a" stroke-width="1.5" marker-end="url(#arrow)"/>'
            )
            x += 44
    for j, level in enumerate(levels):
        cx = label_w + CELL_W * j + (CELL_W - 4) / 2
        words = level.split(" ", 1)
        for k, word in enumerate(words):
            dy = top - 10 - 14 * (len(words) - 1 - k)
            out.append(
                f'<text x="{cx}" y="{dy}" text-anchor="middle" font-size="12.5" '
                f'font-weight="600">{_e(word)}</text>'
            )
    if not report.rows:
        out.append(f'<text x="{PAD}" y="{top + 20}" font-size="13">nothing granted</text>')
    for i, row in enumerate(report.rows):
        y = top + CELL_H * i
        style = "" if row.target.named else ' font-style="italic" fill="#57606a"'
        out.append(
            f'<text x="{label_w - PAD}" y="{y + CELL_H / 2 + 2}" text-anchor="end" '
            f'font-size="13"{style}><title>{_e(row.target.label)}</title>'
            f"{_e(labels[i])}</text>"
        )
        for j, level in enumerate(levels):
            out.append(_cell_svg(label_w + CELL_W * j, y, level, row.cell(level), row.target.label))
    out.append("</svg>")
    return "".join(out)


def _legend() -> str:
    items = [(fill, f"{level} allowed") for level, fill in LEVEL_FILL.items() if level != "Unknown"]
    parts = [
        f'<span><span class="sw" style="background:{f}"></span>{_e(t)}</span>' for f, t in items
    ]
    parts.append(
        '<span><span class="sw" style="background:#fff;border:1.5px dashed #1f2328"></span>'
        "only under a condition, or in part</span>"
    )
    parts.append(
        '<span><span class="sw" style="background:repeating-linear-gradient(45deg,#eceff1 0 3px,'
        '#b0b7bf 3px 5px)"></span>cut by the boundary</span>'
    )
    parts.append(f'<span><span class="sw" style="background:{DENIED_FILL}"></span>denied</span>')
    return '<div class="legend">' + "".join(parts) + "</div>"


def _changes_table(changes: tuple[AccessChange, ...], empty: str) -> str:
    if not changes:
        return f"<p>{_e(empty)}</p>"
    rows = []
    for c in changes:
        shown = actions_shown(c, limit=10_000)
        where = "<br>".join(f"<code>{_e(r)}</code>" for r in c.resources)
        cond = " (with a condition)" if c.conditional else ""
        rows.append(
            f"<tr><td>{_e(c.service)}</td><td>{_e(c.access_level)}</td>"
            f'<td class="actions" title="{_e(", ".join(c.actions))}">{_e(shown)}{cond}</td>'
            f"<td>{where}</td></tr>"
        )
    return (
        "<table><tr><th>Service</th><th>Access level</th><th>Actions</th><th>Resources</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def render_html(report: AccessReport) -> str:
    granted, cut, denied = (report.count(c) for c in (report.granted, report.cut, report.denied))
    functions = ", ".join(report.functions) or "none known"
    cut_empty = (
        "Nothing: the boundary allows all the identity policies grant."
        if report.boundary != "none"
        else "No boundary: nothing caps what the identity policies grant."
    )
    notes = ""
    if report.notes:
        notes = (
            '<h2>Notes</h2><ul class="notes">'
            + "".join(f"<li>{_e(n)}</li>" for n in report.notes)
            + "</ul>"
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Access report: {_e(report.role)}</title><style>{CSS}</style></head><body>"
        f"<h1>Access report: role <code>{_e(report.role)}</code></h1>"
        f'<p class="meta">Read from {_e(report.source)} · functions: {_e(functions)} · '
        f"boundary: {_e(report.boundary)}</p>"
        '<div class="cards">'
        f'<div class="card"><b>{granted}</b>actions granted</div>'
        f'<div class="card"><b>{sum(1 for r in report.rows if r.target.named)}</b>'
        "resources named</div>"
        f'<div class="card cut"><b>{cut}</b>cut by the boundary</div>'
        f'<div class="card denied"><b>{denied}</b>explicitly denied</div></div>'
        "<h2>What it can do, by resource</h2>"
        f"<figure>{matrix_svg(report)}</figure>{_legend()}"
        '<p class="meta">Each cell: the number of actions of that access level the role has on '
        "the resource; hover for their names. Rows in italics are patterns the policies grant "
        "that no named resource holds.</p>"
        "<h2>Granted actions, by service and access level</h2>"
        f"{_changes_table(report.granted, 'Nothing is granted.')}"
        f"<h2>Cut by the boundary</h2>{_changes_table(report.cut, cut_empty)}"
        f"<h2>Explicitly denied</h2>{_changes_table(report.denied, 'No explicit Deny.')}"
        f"{notes}</body></html>\n"
    )


__all__ = ["matrix_svg", "render_html"]
