"""``role-wizard discover``: list the account's resources of a kind."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from wizard.errors import UserError

if TYPE_CHECKING:
    from wizard.aws.discover import Discovered, DiscoveryError

EPILOG = """\
KIND is a catalog kind (see `role-wizard catalog kinds`) or `all` for every kind, listed in
parallel. For s3-prefix, --bucket lists the prefixes one level below --prefix in that bucket
(drill down by passing a listed prefix back as --prefix).

exit status:
  0  every kind was listed (possibly with nothing in it)
  1  AWS refused or failed to list at least one kind: each such kind gets one line on
     stderr, the kinds that worked are still printed
  2  a usage problem: unknown kind, an option that does not apply, no AWS credentials or
     region, an unknown profile
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "discover",
        help="list the account's resources of a kind (names and ARNs)",
        description="List the account's resources of a kind, with name, ARN and a little context.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("kind", metavar="KIND", help="a catalog kind such as dynamodb-table, or all")
    p.add_argument(
        "--prefix",
        metavar="TEXT",
        help="only names starting with TEXT (with --bucket: the S3 prefix to list below)",
    )
    p.add_argument("--bucket", metavar="NAME", help="s3-prefix only: list prefixes in this bucket")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.add_argument("--profile", metavar="P", help="AWS profile (default: AWS_PROFILE or default)")
    p.add_argument(
        "--region", metavar="R", help="AWS region (default: AWS_REGION or the profile's)"
    )
    p.set_defaults(handler=cmd_discover)


def _kinds(args: argparse.Namespace) -> list[str]:
    from wizard.catalog.kinds import catalog

    kinds = catalog().kinds
    if args.kind == "all":
        if args.bucket is not None:
            raise UserError("--bucket applies to s3-prefix, not to all")
        return [name for name, kind in kinds.items() if kind.discovery is not None]
    kind = catalog().kind(args.kind)  # UserError naming the known kinds
    if kind.discovery is None:
        what = "its actions and ARNs" if args.kind == "custom" else "its fields or its ARN"
        raise UserError(f"{args.kind} has nothing to discover: enter {what} by hand")
    if args.bucket is not None and args.kind != "s3-prefix":
        raise UserError(f"--bucket applies to s3-prefix, not to {args.kind}")
    return [args.kind]


def cmd_discover(args: argparse.Namespace) -> int:
    from wizard.aws.connect import make_session
    from wizard.aws.discover import Discoverer, DiscoveryError

    kinds = _kinds(args)
    aws = make_session(profile=args.profile, region=args.region, demo=getattr(args, "demo", False))
    discoverer = Discoverer(aws)
    results: dict[str, list[Discovered] | DiscoveryError]
    if len(kinds) == 1:
        try:
            results = {kinds[0]: discoverer.list(kinds[0], bucket=args.bucket, prefix=args.prefix)}
        except DiscoveryError as exc:
            results = {kinds[0]: exc}
    else:
        results = discoverer.list_many(kinds, prefix=args.prefix)

    found = [item for value in results.values() if isinstance(value, list) for item in value]
    failed = [value for value in results.values() if isinstance(value, DiscoveryError)]
    if args.format == "json":
        sys.stdout.write(json.dumps([item.to_dict() for item in found], indent=2) + "\n")
    elif found:
        sys.stdout.write(render_table(found, with_kind=len(kinds) > 1))
    for error in failed:
        print(f"role-wizard: discover {error.kind}: {error.message}", file=sys.stderr)
    if args.format == "text" and not found and not failed:
        print(f"role-wizard: nothing found ({', '.join(kinds)})", file=sys.stderr)
    return 1 if failed else 0


def render_table(items: list[Discovered], *, with_kind: bool) -> str:
    """Aligned columns: [KIND] NAME ARN DETAIL (detail as key=value pairs)."""
    header = (["KIND"] if with_kind else []) + ["NAME", "ARN", "DETAIL"]
    rows = [header]
    for item in items:
        detail = " ".join(f"{k}={v}" for k, v in item.detail.items() if v)
        rows.append(([item.kind] if with_kind else []) + [item.name, item.arn, detail])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"
