"""One line under every step: does the role compose, how big is it, where is the account."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from wizard.tui.state import Wizard, wizard_of


def status_content(app: Wizard) -> tuple[Content, bool]:
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
        count = len(gate.refusing)
        why = (
            gate.error
            if gate.error
            else f"{count} finding{'s' * (count != 1)} refuse it (step 5 lists them)"
        )
        return (
            Content.assemble(("✗ ", "bold"), f"{bundle.role_name}: {why} · {app.session_state}"),
            False,
        )
    inline = policy_sizes(bundle)[0]  # the inline policies' aggregate comes first
    statements = sum(len(p.document.get("Statement", [])) for p in bundle.policies)
    noun = "statement" if statements == 1 else "statements"
    return (
        Content.assemble(
            ("✓ ", "bold"),
            f"{bundle.role_name}: {statements} {noun}, "
            f"{inline.size:,}/{inline.quota:,} characters · {app.session_state}",
        ),
        True,
    )


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

    def refresh_status(self) -> None:
        content, ok = status_content(wizard_of(self))
        shown = (content.plain, tuple(content.spans), ok)
        if shown == self._shown:  # unchanged (screens refresh on resume and on every change)
            return
        self._shown = shown
        self.set_class(not ok, "-error")
        self.set_class(ok, "-ok")
        self.update(content)
