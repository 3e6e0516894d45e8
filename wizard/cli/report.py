"""``role-wizard report SPEC|ROLE``: what a role can do, as HTML or Markdown."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

REPORT_EXIT = (
    "exit status: 0 the report was written; 1 an AWS call failed; 2 bad input (a spec that "
    "does not load, no such role, a file that cannot be written)"
)
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")  # IAM's RoleName pattern (IAM API Reference)


def register(sub: argparse._SubParsersAction) -> None:
    from wizard.cli.provision import _aws_options

    p = sub.add_parser(
        "report",
        help="show what a role can do: each action by access level against each resource",
        description="An access report a reviewer can read: every action the role is granted, "
        "by service and access level, against each resource (the spec's, or for a role in the "
        "account the resources discovery lists), what the boundary cuts and what is explicitly "
        "denied. SPEC (a role spec file) works offline; ROLE (a role name) reads the account "
        "(--profile, --region, --demo).",
        epilog=REPORT_EXIT,
    )
    p.add_argument("target", metavar="SPEC|ROLE", help="a role spec file, or a role's name")
    p.add_argument("--format", "-f", choices=("markdown", "html"), default="markdown")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE (default: stdout)")
    _aws_options(p)
    p.set_defaults(handler=cmd_report)


def _is_spec(target: str) -> bool:
    return target == "-" or Path(target).exists() or not _ROLE_NAME.match(target)


def spec_report(path: str):
    """The access report of a spec, offline: what the bundle it builds grants."""
    from wizard.cli.core import load_and_compose
    from wizard.policy.managed import managed_policy_by_arn
    from wizard.report.access import build_report, spec_targets

    spec, _ctx, bundle = load_and_compose(path)
    identity = list(bundle.policies)
    notes = []
    for arn in bundle.managed_policy_arns:
        managed = managed_policy_by_arn(arn)
        if managed is None:  # pragma: no cover - the spec loader refuses unknown ARNs
            notes.append(f"{arn}: no shipped copy of this managed policy; its grants are not shown")
        else:
            identity.append(managed)
    if bundle.boundary is not None:
        boundary, label = bundle.boundary.document, f"{bundle.boundary.name} (from the spec)"
    elif bundle.boundary_arn:
        boundary, label = None, f"{bundle.boundary_arn} (an existing policy, not read offline)"
        notes.append(
            "the boundary is an existing policy named by ARN: its document is not read offline, "
            "so what it cuts is not shown (report the role by name with a session to see it)"
        )
    else:
        boundary, label = None, "none"
    return build_report(
        bundle.role_name,
        identity,
        boundary,
        spec_targets(spec),
        source=f"spec {path}",
        functions=(spec.function,),
        boundary_label=label,
        notes=notes,
    )


def cmd_report(args: argparse.Namespace) -> int:
    from wizard.cli.core import write_output

    if _is_spec(args.target):
        report = spec_report(args.target)
    else:
        from wizard.aws.report import role_report
        from wizard.cli.provision import _session

        report = role_report(_session(args), args.target)
    if args.format == "html":
        from wizard.report.html import render_html

        text = render_html(report)
    else:
        from wizard.report.markdown import render_markdown

        text = render_markdown(report)
    write_output(text, args.out)
    return 0
