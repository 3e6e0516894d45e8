"""``role-wizard`` (no command) opens the Textual wizard; ``role-wizard edit role.yaml`` opens a spec."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("edit", help="open a role spec in the wizard and save back to it")
    p.add_argument(
        "spec",
        help="role spec (YAML), e.g. one written by `audit --write-spec`, or an app spec "
        "(one function's role at a time)",
    )
    p.add_argument(
        "--function", metavar="NAME", help="an app spec's function to edit (default: choose)"
    )
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
    from wizard.appspec import AppSpec, load_any_spec
    from wizard.errors import UserError
    from wizard.tui.app import WizardApp

    spec, _ctx = load_any_spec(args.spec)  # a bad spec is one line and exit 2, before any UI
    options: dict = {}
    if isinstance(spec, AppSpec):
        index = spec.index(args.function) if args.function else None
        options = {"app_spec": spec, "function": index, "offer_resume": False}
        spec = spec.role(index or 0)
    elif args.function:
        raise UserError("--function chooses a function of an app spec; this is a role spec")
    app = WizardApp(
        spec,
        edit_path=args.spec,
        demo=getattr(args, "demo", False),
        profile=args.profile,
        region=args.region,
        **options,
    )
    app.run()
    _say_where_the_draft_is(app)
    return 0


def _say_where_the_draft_is(app: object) -> None:
    import sys

    note = app.exit_note()  # type: ignore[attr-defined]
    if note:
        print(f"role-wizard: {note}", file=sys.stderr)
