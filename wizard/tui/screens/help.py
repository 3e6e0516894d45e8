"""Help on f1 (and ? outside a text field): the keys and how the wizard works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

INTRO = (
    "The wizard builds one role spec, step by step; the role is recomposed after every change "
    "and autosaved as a draft (run role-wizard again to resume it)."
)
HELP = """\
  1 Function    the function, account and region, role name
                (checked live), description, tags
  2 Resources   pick a kind, then its discovered resources: type
                to filter (ctrl+f), enter or space selects, → opens
                an S3 bucket or prefix, ← goes up, ctrl+r lists
                again; or paste an ARN; delete removes a chosen one;
                ctrl+o scans your code for the AWS calls it makes
                and suggests resources (space keeps or drops)
  3 Access      each resource's access profile; c adds exact
                actions from the IAM reference besides it
  4 Options     the boundary: envelope, strict, none or an existing
                ARN; logs, tracing, VPC, deployer; the dead-letter
                target and destinations (ARNs); AWS managed
                policies, each with what it grants beyond yours
  5 Review      the policies as JSON, why each KMS and target grant
                is there, findings, sizes, and "ask the role"
                (→ completes an action or ARN the role names)
  6 Finish      save the spec, export JSON / CloudFormation, plan
                and apply

Keys
  ctrl+n / ctrl+b   next / back step (a field left invalid is
                    pointed out first)
  tab / shift+tab   next / previous field
  ctrl+s            save the spec
  ctrl+p            command palette: steps, save, export, help
  f1                this help (? too, outside a text field:
                    in one, ? is text)
  ctrl+q            quit (the draft is kept)

The mouse works too: the steps at the top, buttons, lists, boxes."""


class HelpModal(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,question_mark,q", "close", "Close", id="help-close", tooltip="Close")
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label("role-wizard help", classes="dialog-title")
            with VerticalScroll():
                yield Static(INTRO, markup=False, classes="help-intro")
                yield Static(HELP, markup=False)
            yield Label("escape closes", classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
