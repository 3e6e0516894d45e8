"""``role-wizard plain``: the wizard as plain questionary prompts."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard.errors import UserError
from wizard.export import FORMATS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plain",
        help="the wizard as plain prompts (screen readers, narrow or slow terminals)",
        description="Compose a role by answering one question at a time, then save the spec "
        "and export the role. Ctrl-C saves what was typed as a draft.",
    )
    p.add_argument(
        "--out", "-o", metavar="SPEC", help="save the spec here (default: ask, role.yaml)"
    )
    p.add_argument(
        "--export", choices=FORMATS, metavar="FORMAT", help=f"one of {', '.join(FORMATS)}"
    )
    p.add_argument("--export-out", metavar="FILE", help="write the export here (with --export)")
    p.add_argument("--profile", help="AWS profile for detecting the account and listing resources")
    p.add_argument("--region", help="AWS region (default: the profile's or AWS_REGION)")
    p.set_defaults(handler=cmd_plain)


def detect(args: argparse.Namespace) -> tuple[Any, str | None, str | None, str | None]:
    """The discoverers (one a region), account, region and partition the session gives; Nones
    offline.
    Plain mode fills the spec's open values from them (``fill_location``)."""
    from wizard.aws.connect import make_session
    from wizard.aws.discover import RegionalDiscoverers

    try:
        session = make_session(
            profile=args.profile, region=args.region, demo=getattr(args, "demo", False)
        )
    except UserError as exc:
        if getattr(args, "demo", False):
            raise
        print(f"no AWS session ({exc}); type names and ARNs by hand", file=sys.stderr)
        return None, None, args.region, None
    try:
        account = session.account
    except UserError as exc:
        print(f"account not detected ({exc}); type it or leave it open", file=sys.stderr)
        account = None
    try:
        partition = session.partition
    except Exception:  # an unknown region: the spec's default partition
        partition = None
    # listings come from the region the spec gives (typed on the first step), not the session's
    return RegionalDiscoverers(session), account, session.region, partition


def cmd_plain(args: argparse.Namespace) -> int:
    if args.export_out and not args.export:
        raise UserError("--export-out needs --export FORMAT")
    if args.out:
        from wizard.appspec import app_file_problem

        if problem := app_file_problem(args.out):
            raise UserError(f"--out: {problem}")
    from wizard.plain import Interrupted, PlainWizard, save_partial

    discoverer, account, region, partition = detect(args)
    wizard = PlainWizard(
        discoverer=discoverer,
        account=account,
        region=region,
        partition=partition,
        spec_path=args.out,
        export_format=args.export,
        export_path=args.export_out,
    )
    try:
        wizard.run()
    except Interrupted as exc:
        print(f"role-wizard: {save_partial(exc.spec, args.out, reason=str(exc))}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:  # Ctrl-C between prompts (while listing resources, say)
        print(f"role-wizard: {save_partial(wizard.spec, args.out)}", file=sys.stderr)
        return 130
    return 0
