"""One line under every step: does the role compose, how big is it, where is the account."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from wizard.text import count
from wizard.tui.state import Wizard, wizard_of


def _session_short(app: Wizard) -> str:
    """Where the account is, in few words: ``123456789012 us-east-1 demo``."""
    account = getattr(app, "session_account", None)
    if not account:
        return app.session_state
    demo = " (demo)" if getattr(app, "demo", False) else ""
    return f"{account} {getattr(app, 'session_region', '')}{demo}"


def _fit(mark: str, role: str, rest: str, session: str, width: int) -> str:
    """``mark role: rest · session`` in ``width`` columns: the role's name gives way (it ends in
    "…") so that the rest and where the account is stay whole."""
    line = f"{mark}{role}: {rest} · {session}"
    over = len(line) - width
    if width <= 0 or over <= 0:
        return line
    if over < len(role):
        return f"{mark}{role[: len(role) - over - 1]}…: {rest} · {session}"
    return line  # too narrow for any of it: the line ends in an ellipsis


def status_content(app: Wizard, width: int = 0) -> tuple[Content, bool]:
    """The status line, fitted to ``width`` columns (0: as wide as it needs): the full words
    where they fit, else a shorter form ("chars", the account without its label)."""
    if app.spec is None:
        return Content("loading the catalog…"), True
    from wizard.policy.quotas import policy_sizes

    error = app.compose_error
    if error:
        return Content.assemble(("✗ ", "bold"), error), False
    bundle = app.bundle
    if bundle is None:
        return Content("composing…"), True
    gate = app.gate_review()
    if gate.refused:  # no ✓ for a role that cannot leave the wizard
        n = len(gate.refusing)
        why = gate.error if gate.error else f"refused by {count(n, 'finding')} (step 5 lists them)"
        forms = [(why, app.session_state), (why, _session_short(app))]
        mark, ok = "✗ ", False
    else:
        inline = policy_sizes(bundle)[0]  # the inline policies' aggregate comes first
        statements = count(
            sum(len(p.document.get("Statement", [])) for p in bundle.policies), "statement"
        )
        size = f"{inline.size:,}/{inline.quota:,}"
        forms = [
            (f"{statements}, {size} characters", app.session_state),
            (f"{statements}, {size} chars", _session_short(app)),
            (f"{statements}, {inline.size:,} chars", _session_short(app)),
        ]
        mark, ok = "✓ ", True
    role = bundle.role_name
    for rest, session in forms:
        text = f"{mark}{role}: {rest} · {session}"
        if not width or len(text) <= width:
            break
    else:
        text = _fit(mark, role, rest, session, width)
    return Content.assemble((mark, "bold"), text[len(mark) :]), ok


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine {
        height: 1; padding: 0 1; background: $boost; text-wrap: nowrap; text-overflow: ellipsis;
    }
    StatusLine.-error { color: $error; }
    StatusLine.-ok { color: $success; }
    """

    _shown: tuple[object, ...] | None = None  # what the line shows now

    def on_mount(self) -> None:
        self.refresh_status()

    def on_resize(self) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        content, ok = status_content(wizard_of(self), self.content_region.width)
        shown = (content.plain, tuple(content.spans), ok)
        if shown == self._shown:  # unchanged (screens refresh on resume and on every change)
            return
        self._shown = shown
        self.set_class(not ok, "-error")
        self.set_class(ok, "-ok")
        self.update(content)
