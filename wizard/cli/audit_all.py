"""``audit --all``: every Lambda execution role of an account, or of many accounts.

Not a command module of its own: ``audit`` (``wizard.cli.provision``) registers these options
and hands a run with ``--all``, ``--accounts`` or ``--organization`` to :func:`cmd_audit_all`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from wizard.errors import UserError

# The read-only role assumed in each other account: one the user creates for auditing (README,
# "Audits at account scale", lists the permissions it needs); Organizations' default
# OrganizationAccountAccessRole would work too, but it is an administrator.
DEFAULT_AUDIT_ROLE = "role-wizard-audit"
DEFAULT_WORKERS = 8
MAX_WORKERS = 64
DEFAULT_TOP = 10


def add_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("account scale (audit --all)")
    g.add_argument(
        "--all",
        action="store_true",
        help="audit every role of the account whose trust policy admits lambda.amazonaws.com",
    )
    g.add_argument("--path-prefix", metavar="P", help="only roles under this path (e.g. /app/)")
    g.add_argument(
        "--name-pattern", metavar="GLOB", help="only roles named like GLOB (*, ?, [...])"
    )
    who = g.add_mutually_exclusive_group()
    who.add_argument(
        "--accounts",
        metavar="FILE",
        help="audit these accounts (one 12-digit id a line, or a YAML/JSON list); implies --all",
    )
    who.add_argument(
        "--organization",
        action="store_true",
        help="audit every active account of the AWS Organization; implies --all",
    )
    g.add_argument(
        "--role-name",
        metavar="NAME",
        default=DEFAULT_AUDIT_ROLE,
        help=f"the read-only role to assume in each other account (default {DEFAULT_AUDIT_ROLE})",
    )
    g.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        metavar="N",
        help=f"roles audited at once per account (default {DEFAULT_WORKERS}, at most "
        f"{MAX_WORKERS}); botocore's adaptive retries slow them down when AWS throttles",
    )
    g.add_argument(
        "--top",
        type=int,
        default=DEFAULT_TOP,
        metavar="N",
        help=f"text and markdown: the N riskiest roles in detail (default {DEFAULT_TOP})",
    )


def _check(args: argparse.Namespace) -> None:
    from wizard.spec import ROLE_NAME_RE

    if args.role is not None:
        raise UserError(f"--all audits every role; drop ROLE_NAME {args.role!r} or --all")
    if args.write_spec:
        raise UserError("--write-spec needs a ROLE_NAME to audit, not --all")
    if not 1 <= args.workers <= MAX_WORKERS:
        raise UserError(f"--workers {args.workers} must be from 1 to {MAX_WORKERS}")
    if args.top < 1:
        raise UserError(f"--top {args.top} must be at least 1")
    if not ROLE_NAME_RE.fullmatch(args.role_name):
        raise UserError(
            f"--role-name {args.role_name!r}: an IAM role name is 1-64 of letters, digits "
            "and + = , . @ _ -"
        )


def check_scoped_options(args: argparse.Namespace) -> None:
    """The --all options are refused without --all (they would be silently ignored)."""
    for flag, value in (("--path-prefix", args.path_prefix), ("--name-pattern", args.name_pattern)):
        if value is not None:
            raise UserError(f"{flag} needs --all")
    if args.format == "markdown":
        raise UserError("--format markdown needs --all")


class _ProgressLine:
    """``account: done/total roles`` on one rewritten stderr line, when stderr is a terminal."""

    def __init__(self) -> None:
        self.width = 0

    def __call__(self, account: str, done: int, total: int) -> None:
        text = f"role-wizard: auditing account {account}: {done}/{total} roles"
        sys.stderr.write("\r" + text.ljust(self.width))
        sys.stderr.flush()
        self.width = len(text)

    def clear(self) -> None:
        if self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()


def cmd_audit_all(args: argparse.Namespace) -> int:
    from wizard.aws.audit_all import (
        RoleFilter,
        audit_accounts,
        fleet_dict,
        organization_accounts,
        read_accounts,
        render_markdown,
        render_sarif,
        render_text,
    )
    from wizard.cli.provision import _session

    _check(args)
    flt = RoleFilter(args.path_prefix or "/", args.name_pattern)
    accounts = read_accounts(args.accounts) if args.accounts else None
    aws = _session(args)
    if args.organization:
        accounts = organization_accounts(aws)
    progress: Any = _ProgressLine() if sys.stderr.isatty() else None
    try:
        fleet = audit_accounts(
            aws,
            accounts,
            flt,
            role_name=args.role_name,
            lookback_days=args.lookback_days,
            workers=args.workers,
            progress=progress,
        )
    finally:
        if progress:
            progress.clear()
    if args.format == "json":
        print(json.dumps(fleet_dict(fleet), indent=2, default=str))
    elif args.format == "sarif":
        print(json.dumps(render_sarif(fleet), indent=2))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(fleet, args.top))
    else:
        sys.stdout.write(render_text(fleet, args.top))
    for account, role, why in fleet.failures():
        what = f"account {account}{' role ' + role if role else ''}"
        print(f"role-wizard: {what}: not audited: {why}", file=sys.stderr)
    return 0 if fleet.complete else 1
