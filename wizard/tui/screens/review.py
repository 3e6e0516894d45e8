"""Step 5: the policies as highlighted JSON, the validator's findings, a size meter against
IAM's quotas, and "ask the role" (action + resource -> the evaluator's decision)."""

from __future__ import annotations

import json
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.highlight import highlight
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TabbedContent, TabPane

from wizard.tui.screens.base import StepScreen
from wizard.tui.state import GateReview
from wizard.tui.widgets.arn_input import ArnInput
from wizard.tui.widgets.fitted_text import FitScroll, FittedText
from wizard.tui.widgets.gate_banner import GateBanner
from wizard.tui.widgets.location_note import LocationNote

METER_WIDTH = 20


def meter(used: int, limit: int, width: int = METER_WIDTH) -> Content:
    """``[██████······] 1,234/10,240`` coloured by how full it is."""
    share = used / limit if limit else 0
    filled = min(width, round(share * width))
    colour = "$success" if share < 0.75 else "$warning" if share <= 1 else "$error"
    return Content.from_markup(
        f"[{colour}]$bar[/][dim]$rest[/] $used/$limit",
        bar="█" * filled,
        rest="·" * (width - filled),
        used=f"{used:,}",
        limit=f"{limit:,}",
    )


def size_table(rows: list[tuple[str, int, int]], width: int | None = None) -> Content:
    """One line a policy: its name, a meter as wide as ``width`` leaves room for, the figures."""
    if not rows:
        return Content("")
    name_width = max(len(name) for name, _u, _l in rows)
    figures = max(len(f"{used:,}/{limit:,}") for _n, used, limit in rows)
    bar = METER_WIDTH
    if width is not None:
        bar = max(4, min(METER_WIDTH, width - name_width - 2 - figures))
    return Content("\n").join(
        Content(f"{name:<{name_width}} ") + meter(used, limit, bar) for name, used, limit in rows
    )


class SizeTable(Widget):
    """The size meters, drawn to the width they get (a narrow side pane would wrap them)."""

    DEFAULT_CSS = "SizeTable { height: auto; }"

    rows: list[tuple[str, int, int]] = []

    def show(self, rows: list[tuple[str, int, int]]) -> None:
        self.rows = rows
        self.refresh(layout=True)

    def render(self) -> Content:
        return size_table(self.rows, self.size.width or None)


def known(action: str) -> bool:
    """Whether the IAM reference knows ``service:Action``."""
    from wizard.catalog.reference import reference

    return reference().action(action) is not None


def ask(bundle: Any, action: str, resource: str) -> Content:
    """The evaluator's decision for one request, with the deciding statements."""
    from wizard.errors import UserError
    from wizard.policy.evaluate import Evaluator
    from wizard.policy.managed import managed_policy_by_arn

    asked_every = not resource.strip()
    action, resource = action.strip(), resource.strip() or "*"
    if not action:
        return Content.from_markup("[dim]type an action such as dynamodb:GetItem[/]")
    if ":" not in action:
        return Content.from_markup("[$error]an action looks like service:Action[/]")
    identity: list[Any] = [(p.name, p.document) for p in bundle.policies]
    for arn in bundle.managed_policy_arns:
        found = managed_policy_by_arn(arn)
        if found is not None:
            identity.append((found.name, found.document))
    boundary = bundle.boundary.document if bundle.boundary is not None else None
    try:
        result = Evaluator(identity, boundary).evaluate(action, resource)
    except UserError as exc:
        return Content.from_markup("[$error]$e[/]", e=str(exc))
    colour = "$success" if result.allowed else "$error"
    parts = [
        Content.from_markup(
            f"[b {colour}]$decision[/]: $reason", decision=result.decision, reason=result.reason
        )
    ]
    docs = {p.name: p.document for p in bundle.policies}
    docs.update({name: doc for name, doc in identity})
    for ref in result.statements[:4]:
        doc = (
            bundle.boundary.document
            if ref.is_boundary and bundle.boundary
            else docs.get(ref.policy)
        )
        where = f"{ref.policy} statement {ref.statement}" + (f" ({ref.sid})" if ref.sid else "")
        parts.append(Content.from_markup("[dim]decided by[/] $w", w=where))
        if doc is not None:
            statement = doc.get("Statement", [])[ref.statement]
            parts.append(highlight(json.dumps(statement, indent=2), language="json"))
    if not result.allowed and "*" not in action and "?" not in action and not known(action):
        parts.append(
            Content.from_markup(
                "[$warning]$a is not an action the IAM reference knows[/]", a=action
            )
        )
    if asked_every and not result.allowed:
        parts.append(
            Content.from_markup(
                "[dim]no resource given, so this asked about every resource (*): "
                "type an ARN to ask about one (→ completes the role's own)[/]"
            )
        )
    if bundle.boundary_arn and result.allowed:
        parts.append(
            Content.from_markup(
                "[$warning]the boundary $a is not known here[/]", a=bundle.boundary_arn
            )
        )
    return Content("\n").join(parts)


def ask_suggestions(bundle: Any) -> tuple[list[str], list[str]]:
    """The actions and resource ARNs the identity policies name, to complete what is typed
    (an ARN's trailing wildcard dropped, so the rest can be typed)."""
    actions: dict[str, None] = {}
    resources: dict[str, None] = {}
    for policy in bundle.policies:
        for statement in policy.document.get("Statement", []):
            for key, found in (("Action", actions), ("Resource", resources)):
                values = statement.get(key, [])
                for value in [values] if isinstance(values, str) else values:
                    value = value.rstrip("*") if key == "Resource" else value
                    if value and "*" not in value:
                        found[value] = None
    return sorted(actions), sorted(resources)


def why_text(spec: Any) -> Content:
    """Why each KMS grant and each dead-letter or destination grant is in the identity
    policy (the domain's :func:`grant_reasons`), by the statement's Sid."""
    from wizard.errors import UserError
    from wizard.policy.compose import grant_reasons

    try:
        reasons = grant_reasons(spec)
    except UserError as exc:
        return Content.from_markup("[$error]$e[/]", e=exc.detail)
    if not reasons:
        return Content.from_markup(
            "[dim]no KMS key or invocation-record target: every statement comes from the "
            "resources' access profiles[/]"
        )
    return Content("\n\n").join(
        Content.from_markup(
            "[b]$sid[/]: $actions on $resource\n$why",
            sid=r.sid,
            actions=", ".join(r.actions),
            resource=r.resource,
            why=r.why,
        )
        for r in reasons
    )


class ReviewScreen(StepScreen):
    STEP = "review"
    INDEX = 4

    def compose_body(self) -> ComposeResult:
        yield LocationNote(id="location-note")
        yield GateBanner(id="gate")
        with Horizontal(id="review-panes"):
            with TabbedContent(id="policies"):
                for key, title in (
                    ("identity", "Identity"),
                    ("boundary", "Boundary"),
                    ("trust", "Trust"),
                    ("deployer", "Deployer"),
                ):
                    with TabPane(title, id=f"tab-{key}"), FitScroll():
                        yield FittedText("", id=f"json-{key}", classes="json")
                with TabPane("Why", id="tab-why"), FitScroll():
                    yield FittedText("", id="why")
            with Vertical(id="review-side", classes="pane"):
                yield Label("Size against IAM quotas", classes="pane-title")
                yield SizeTable(id="sizes")
                yield Label("Findings", classes="pane-title")
                with VerticalScroll(id="findings-scroll"):
                    yield Static("", id="findings")
                yield Label("Ask the role", classes="pane-title")
                yield Input(id="ask-action", placeholder="action, e.g. s3:GetObject", compact=True)
                yield ArnInput(id="ask-resource", placeholder="resource ARN (or *)", compact=True)
                with FitScroll(id="answer-scroll"):
                    yield FittedText("", id="answer")

    def mount_body(self) -> None:
        self._refresh()

    def refresh_from_spec(self) -> None:
        try:
            self.query_one("#json-identity", Static)
        except NoMatches:  # TabbedContent mounts its panes after this screen's own mount
            self.call_after_refresh(self.refresh_from_spec)
            return
        app = self.wizard
        bundle = app.bundle
        if bundle is None:
            error = Content.from_markup(
                "[$error]✗ $e[/]",
                e=app.compose_error or "",
            )
            for key in ("identity", "boundary", "trust", "deployer"):
                self.query_one(f"#json-{key}", Static).update(error)
            self.query_one("#sizes", SizeTable).show([])
            self.query_one("#gate", GateBanner).show(GateReview())
            self.query_one("#findings", Static).update("")
            self.query_one("#answer", Static).update("")
            return
        docs = {
            "identity": [p.to_dict() for p in bundle.policies],
            "trust": bundle.assume_role_policy,
            "boundary": (
                bundle.boundary.document
                if bundle.boundary is not None
                else {"Arn": bundle.boundary_arn}
                if bundle.boundary_arn
                else None
            ),
            "deployer": bundle.deployer.document if bundle.deployer is not None else None,
        }
        for key, doc in docs.items():
            widget = self.query_one(f"#json-{key}", Static)
            if doc is None or doc == []:
                widget.update(Content.from_markup("[dim](none)[/]"))
            else:
                widget.update(highlight(json.dumps(doc, indent=2), language="json"))
        self.query_one("#why", Static).update(why_text(app.spec))
        from wizard.policy.quotas import policy_sizes

        sizes = [(s.label, s.size, s.quota) for s in policy_sizes(bundle)]
        self.query_one("#sizes", SizeTable).show(sizes)
        actions, resources = ask_suggestions(bundle)
        self.query_one("#ask-action", Input).suggester = SuggestFromList(
            actions, case_sensitive=False
        )
        self.query_one("#ask-resource", Input).suggester = SuggestFromList(
            resources, case_sensitive=False
        )
        gate = app.gate_review()
        self.query_one("#gate", GateBanner).show(gate)
        findings = gate.findings
        widget = self.query_one("#findings", Static)
        if gate.error:
            widget.update(Content.from_markup("[$error]$why[/]", why=gate.error))
        elif not findings:
            widget.update(Content.from_markup("[$success]✓ no findings[/]"))
        else:
            lines = []
            for f in findings:
                sev = str(getattr(f, "severity", ""))
                colour = {"error": "$error", "warning": "$warning"}.get(sev.lower(), "$text-muted")
                lines.append(
                    Content.from_markup(
                        f"[{colour}]$sev[/] [b]$code[/] $msg [dim]$loc[/]",
                        sev=sev,
                        code=str(getattr(f, "code", "")),
                        msg=str(getattr(f, "message", "")),
                        loc=str(getattr(f, "location", "")),
                    )
                )
            widget.update(Content("\n").join(lines))
        self._answer()

    @on(Input.Changed, "#ask-action")
    @on(Input.Changed, "#ask-resource")
    def _asked(self) -> None:
        self._answer()

    def _answer(self) -> None:
        bundle = self.wizard.bundle
        if bundle is None:
            return
        action = self.query_one("#ask-action", Input).value
        resource = self.query_one("#ask-resource", Input).value
        self.query_one("#answer", Static).update(ask(bundle, action, resource))
