"""Help on ?: the keys and how the wizard works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

HELP = """\
The wizard builds one role spec, step by step; the role is recomposed after every change and
autosaved as a draft (run role-wizard again to resume it).

  1 Function    the function, account and region, role name (checked live), tags
  2 Resources   pick a kind, then its discovered resources: type to filter, enter or space
                selects, → opens an S3 bucket or prefix, ← goes up; or paste an ARN
  3 Access      the access profile of each resource; c picks exact actions instead
  4 Boundary    envelope, strict, none or an existing ARN; logs, tracing, VPC, deployer;
                AWS managed policies with what each grants beyond yours
  5 Review      the policies as JSON, findings, sizes, and "ask the role"
  6 Finish      save the spec, export JSON / CloudFormation, plan and apply

Keys
  ctrl+n / ctrl+b   next / back          tab / shift+tab   move between fields
  ctrl+s            save the spec        ctrl+p            command palette
  f1 or ?           this help            ctrl+q            quit (the draft is kept)
The mouse works too: click the steps at the top, buttons, lists and checkboxes.
"""


class HelpModal(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,question_mark,q", "close", "Close", id="help-close", tooltip="Close")
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label("role-wizard help", classes="dialog-title")
            with VerticalScroll():
                yield Static(HELP, markup=False)
            yield Label("escape closes", classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
