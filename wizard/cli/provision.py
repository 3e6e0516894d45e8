"""Account commands: plan, apply, audit.

Exit status: 0 success (``plan`` with ``--detailed-exitcode``: 0 no changes, 3 changes
pending); 1 an AWS call failed (refused, throttled beyond the retries, unreachable); 2 bad input
(a bad spec, a role role-wizard did not create without ``--adopt``, no terminal to ask on
without ``--yes``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from wizard.errors import UserError

PLAN_CHANGES_EXIT = 3
EXIT_STATUS = (
    "exit status: 0 done; 1 an AWS call failed (run apply again to finish); 2 bad input "
    "or a refusal (a role role-wizard did not create, no --yes without a terminal)"
)


def _aws_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or the default chain)")
    p.add_argument("--region", help="AWS region (default: AWS_REGION or the profile's)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="show what apply would change in the account",
        epilog=EXIT_STATUS + f"; with --detailed-exitcode, {PLAN_CHANGES_EXIT} changes pending",
    )
    p.add_argument("spec", help="role spec (YAML)")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.add_argument("--adopt", action="store_true", help="plan as if taking over a foreign role")
    p.add_argument("--deployer-policy-name", metavar="NAME", help="also plan the deployer policy")
    p.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help=f"exit {PLAN_CHANGES_EXIT} when there are changes, 0 when there are none",
    )
    _aws_options(p)
    p.set_defaults(handler=cmd_plan)

    p = sub.add_parser("apply", help="create or update the role in the account", epilog=EXIT_STATUS)
    p.add_argument("spec", help="role spec (YAML)")
    p.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    p.add_argument(
        "--adopt",
        action="store_true",
        help="take over an existing role (or policy) that role-wizard did not create",
    )
    p.add_argument(
        "--deployer-policy-name",
        metavar="NAME",
        help="also create or update the deployer policy as a customer-managed policy NAME",
    )
    _aws_options(p)
    p.set_defaults(handler=cmd_apply)

    p = sub.add_parser(
        "audit", help="review an existing role and suggest a tighter spec", epilog=EXIT_STATUS
    )
    p.add_argument("role", metavar="ROLE_NAME", help="the role's name")
    p.add_argument("--format", "-f", choices=("text", "json", "sarif"), default="text")
    p.add_argument("--write-spec", metavar="FILE", help="write a tightened role spec (YAML)")
    p.add_argument(
        "--lookback-days",
        type=int,
        default=90,
        metavar="N",
        help="what counts as unused: not used in the last N days (default 90)",
    )
    _aws_options(p)
    p.set_defaults(handler=cmd_audit)


def _session(args: argparse.Namespace) -> Any:
    from wizard.aws.session import make_session

    return make_session(profile=args.profile, region=args.region, demo=getattr(args, "demo", False))


def _compose(aws: Any, path: str) -> Any:
    """Load the spec, fill the account (from STS), partition and open region from the
    session, compose."""
    from wizard.policy.compose import compose
    from wizard.spec import fill_location, load_spec

    spec, ctx = load_spec(path)
    spec = fill_location(
        spec,
        account=aws.account,
        region=aws.region,
        partition=aws.partition,
        source="the AWS session",
        ctx=ctx,
        region_is_default=True,
    )
    return compose(spec, ctx)


def _plan(args: argparse.Namespace) -> tuple[Any, Any]:
    from wizard.aws.provision import make_plan

    if args.deployer_policy_name is not None:
        from wizard.spec import ROLE_NAME_RE

        if not ROLE_NAME_RE.fullmatch(args.deployer_policy_name):
            raise UserError(
                f"--deployer-policy-name {args.deployer_policy_name!r} must be 1-128 characters "
                "of letters, digits and +=,.@_-"
            )
    aws = _session(args)
    bundle = _compose(aws, args.spec)
    plan = make_plan(aws, bundle, adopt=args.adopt, deployer_policy_name=args.deployer_policy_name)
    return aws, plan


def cmd_plan(args: argparse.Namespace) -> int:
    from wizard.aws.provision import render_plan

    _aws, plan = _plan(args)
    if args.format == "json":
        print(json.dumps(plan.to_dict(), indent=2, default=str))
    else:
        sys.stdout.write(render_plan(plan))
    if args.detailed_exitcode and plan.changes:
        return PLAN_CHANGES_EXIT
    return 0


def _confirm(count: int, account: str) -> bool:
    print(f"Apply these {count} change(s) to account {account}? Only 'yes' or 'y' goes ahead.")
    sys.stdout.write("Apply? [y/N] ")
    sys.stdout.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def cmd_apply(args: argparse.Namespace) -> int:
    from wizard.aws.provision import check_allowed, execute, render_plan

    aws, plan = _plan(args)
    if not plan.changes:
        print(f"No changes. Role {plan.role_name} matches the spec.")
        return 0
    check_allowed(plan)
    sys.stdout.write(render_plan(plan))
    sys.stdout.flush()
    if not args.yes and not sys.stdin.isatty():
        raise UserError(
            "apply asks before changing the account and standard input is not a terminal; "
            "pass --yes to apply the plan above"
        )
    if not args.yes and not _confirm(len(plan.changes), plan.account):
        print("Cancelled; nothing was changed.")
        return 0

    def progress(change: Any) -> None:
        print(f"  {change.symbol} {change.title}: done")

    execute(aws, plan, on_change=progress)
    c = plan.counts
    print(f"Apply complete: {c['add']} added, {c['change']} changed, {c['remove']} removed.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from wizard.aws.audit import audit_role, render_audit, sarif, tightened_spec_yaml

    if args.lookback_days < 1:
        raise UserError(f"--lookback-days {args.lookback_days} must be at least 1")
    aws = _session(args)
    report = audit_role(aws, args.role, lookback_days=args.lookback_days)
    if args.write_spec:
        from wizard.atomic import write_text_atomic

        text = tightened_spec_yaml(report)
        try:
            write_text_atomic(args.write_spec, text)
        except OSError as exc:
            raise UserError(f"cannot write: {exc.strerror}", where=args.write_spec) from None
        report.notes.append(f"wrote a tightened spec to {args.write_spec}")
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, default=str))
    elif args.format == "sarif":
        print(json.dumps(sarif(report), indent=2))
    else:
        sys.stdout.write(render_audit(report))
    return 0
