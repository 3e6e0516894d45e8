"""``role-wizard`` (no command) opens the Textual wizard; ``role-wizard edit role.yaml`` opens a spec."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("edit", help="open a role spec in the wizard and save back to it")
    p.add_argument("spec", help="role spec (YAML), e.g. one written by `audit --write-spec`")
    _session_flags(p)
    p.set_defaults(handler=cmd_edit)
    p = sub.add_parser("wizard", help="the interactive wizard (also what no command runs)")
    _session_flags(p)
    p.set_defaults(handler=cmd_wizard)


def configure(parser: argparse.ArgumentParser) -> None:
    """No command -> the wizard (``role-wizard``, ``role-wizard --demo``); a chosen command's
    own handler overrides this top-level default."""
    parser.set_defaults(handler=cmd_wizard)


def _session_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", help="AWS profile for account detection and discovery")
    p.add_argument("--region", help="AWS region (default: your AWS configuration's)")


def cmd_wizard(args: argparse.Namespace) -> int:
    from wizard.tui.app import WizardApp

    app = WizardApp(
        demo=getattr(args, "demo", False),
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
    )
    app.run()
    _say_where_the_draft_is(app)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from wizard.spec import load_spec
    from wizard.tui.app import WizardApp

    spec, _ctx = load_spec(args.spec)  # a bad spec is one line and exit 2, before any UI
    app = WizardApp(
        spec,
        edit_path=args.spec,
        demo=getattr(args, "demo", False),
        profile=args.profile,
        region=args.region,
    )
    app.run()
    _say_where_the_draft_is(app)
    return 0


def _say_where_the_draft_is(app: object) -> None:
    import sys

    note = app.exit_note()  # type: ignore[attr-defined]
    if note:
        print(f"role-wizard: {note}", file=sys.stderr)
