"""The gate's answer where a role would leave the wizard (steps 5 and 6): the findings that
refuse it, and buttons back to the steps that fix them. Hidden while nothing refuses."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from wizard.tui.state import GateReview

# (button id, label, step index) -- where a refusing finding is fixed: the entries and their
# actions (steps 2 and 3), the boundary (step 4)
FIX_STEPS = (
    ("fix-resources", "◀ Resources", 1),
    ("fix-access", "◀ Access", 2),
    ("fix-options", "◀ Boundary & options", 3),
)
REFUSED = "The validator refuses this role: it cannot be exported or applied until these are fixed."


def gate_content(gate: GateReview) -> Content:
    """The refusal, then one line a finding (``severity code at pointer: message``)."""
    from wizard.policy.gate import describe

    lines = [Content.from_markup("[b $error]✗ $text[/]", text=REFUSED)]
    if gate.error:
        lines.append(Content.from_markup("  [$error]$e[/]", e=gate.error))
    for finding in gate.refusing:
        colour = "$error" if finding.severity == "error" else "$warning"
        lines.append(
            Content.from_markup(
                f"  [{colour}]$sev[/] $line", sev=finding.severity, line=describe(finding)
            )
        )
    return Content("\n").join(lines)


class GateBanner(Vertical):
    DEFAULT_CSS = """
    GateBanner {
        height: auto; max-height: 10; display: none;
        border: round $error; padding: 0 1; margin-bottom: 1;
    }
    GateBanner.-refused { display: block; }
    GateBanner #gate-scroll { height: auto; max-height: 6; }
    GateBanner Horizontal { height: auto; }
    GateBanner Button { margin-right: 1; }
    """

    _shown: tuple[str, ...] = ("",)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="gate-scroll", can_focus=False):  # scrolls with the mouse
            yield Static("", id="gate-findings")
        with Horizontal():
            for button_id, label, step in FIX_STEPS:
                # disabled while hidden: a hidden button would take the screen's first focus
                yield Button(
                    label, id=button_id, compact=True, action=f"app.goto({step})", disabled=True
                )

    def show(self, gate: GateReview) -> None:
        """Show what refuses the role; the banner hides when nothing does."""
        from wizard.policy.gate import describe

        shown = (gate.error, *(describe(f) for f in gate.refusing))
        if shown == self._shown:
            return
        self._shown = shown
        self.set_class(gate.refused, "-refused")
        for button in self.query(Button):
            button.disabled = not gate.refused
        self.query_one("#gate-findings", Static).update(gate_content(gate) if gate.refused else "")
