"""Account commands: plan, apply, audit.

Each command's exit statuses are in its ``--help`` epilog (:data:`PLAN_EXIT`, :data:`APPLY_EXIT`,
:data:`AUDIT_EXIT`); 1 is always an AWS call that failed (refused, throttled beyond the retries,
unreachable) and 2 bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from wizard import text
from wizard.errors import UserError

PLAN_CHANGES_EXIT = 3
PLAN_EXIT = (
    "exit status: 0 the plan was made (changes or none); 1 an AWS call failed; 2 bad input (a "
    f"bad spec, a spec for another account); with --detailed-exitcode, {PLAN_CHANGES_EXIT} "
    "changes pending and 0 none"
)
APPLY_EXIT = (
    "exit status: 0 done (or nothing to do, or cancelled at the question); 1 an AWS call failed "
    "(run apply again to finish); 2 bad input or a refusal (a role role-wizard did not create, "
    "no --yes without a terminal)"
)
AUDIT_EXIT = (
    "exit status: 0 the role was read and reported, whatever it grants (with no ROLE_NAME: "
    "the roles were listed; with --all: every chosen role of every account was read); 1 an AWS "
    "call failed (with --all: some account or role could not be audited, the rest were; a "
    "--trail-bucket that cannot be read included); 2 bad input (no such role, --write-spec "
    "without a role, a bad --since, a file that cannot be written, a file in the trail's "
    "bucket that is not a CloudTrail log)"
)


def _aws_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or the default chain)")
    p.add_argument("--region", help="AWS region (default: AWS_REGION or the profile's)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="show what apply would change in the account",
        epilog=PLAN_EXIT,
    )
    p.add_argument("spec", help="role spec or app spec (YAML)")
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

    p = sub.add_parser("apply", help="create or update the role in the account", epilog=APPLY_EXIT)
    p.add_argument("spec", help="role spec or app spec (YAML; every role of the app)")
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
        "audit", help="review an existing role and suggest a tighter spec", epilog=AUDIT_EXIT
    )
    p.add_argument(
        "role",
        metavar="ROLE_NAME",
        nargs="?",
        help="the role's name (none: list the roles Lambda can assume, to choose from)",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=("text", "json", "sarif", "markdown"),
        default="text",
        help="markdown: with --all only",
    )
    p.add_argument("--write-spec", metavar="FILE", help="write a tightened role spec (YAML)")
    window = p.add_mutually_exclusive_group()
    window.add_argument(
        "--lookback-days",
        type=int,
        default=90,
        metavar="N",
        help="what counts as unused: not used in the last N days (default 90)",
    )
    window.add_argument(
        "--since",
        metavar="WHEN",
        help="the window's start instead: a number of days (30d, 90d) or a date (2026-01-01)",
    )
    p.add_argument(
        "--trail-bucket",
        metavar="BUCKET",
        help="read the CloudTrail log files in BUCKET (default: the bucket of a trail that "
        "logs the region, from describe_trails)",
    )
    p.add_argument(
        "--trail-prefix", metavar="PREFIX", help="the trail's S3 key prefix in --trail-bucket"
    )
    p.add_argument(
        "--no-trail-logs",
        action="store_true",
        help="do not read CloudTrail log files from S3 (IAM last-accessed data and "
        "lookup_events only)",
    )
    from wizard.cli.audit_all import add_options

    add_options(p)
    _aws_options(p)
    p.set_defaults(handler=cmd_audit)


def _session(args: argparse.Namespace) -> Any:
    from wizard.aws.connect import make_session

    return make_session(profile=args.profile, region=args.region, demo=getattr(args, "demo", False))


def _compose(aws: Any, path: str) -> Any:
    """Load the spec, fill the account (from STS), partition and open region from the
    session, compose: the role's bundle, or an app's :class:`ApprovedApp`."""
    from wizard.appspec import AppSpec, function_context, in_function, load_any_spec
    from wizard.policy.compose import compose
    from wizard.spec import fill_location

    spec, ctx = load_any_spec(path)

    def filled(role: Any, where: Any) -> Any:
        return fill_location(
            role,
            account=aws.account,
            region=aws.region,
            partition=aws.partition,
            source="the AWS session",
            ctx=where,
            region_is_default=True,
        )

    if not isinstance(spec, AppSpec):
        return compose(filled(spec, ctx), ctx)
    from wizard.policy.app import compose_app
    from wizard.policy.gate import approve_app

    roles = []
    for i, role in enumerate(spec.roles()):
        try:
            roles.append(filled(role, function_context(ctx, i)))
        except UserError as exc:
            raise in_function(exc, role.function) from None
    return approve_app(spec.app, compose_app(spec, ctx, roles), source=path)


def _plan(args: argparse.Namespace) -> tuple[Any, list[Any], str | None]:
    """The session, the plan of each role (an app's: one a role, a policy two roles share
    planned with the first) and the app's name (None for a role spec)."""
    from wizard.aws.provision import make_plan
    from wizard.policy.gate import ApprovedApp

    if args.deployer_policy_name is not None:
        from wizard.spec import policy_name_problem

        if problem := policy_name_problem(args.deployer_policy_name):
            raise UserError(f"--deployer-policy-name: {problem}")
    aws = _session(args)
    built = _compose(aws, args.spec)
    if not isinstance(built, ApprovedApp):
        plan = make_plan(
            aws, built, adopt=args.adopt, deployer_policy_name=args.deployer_policy_name
        )
        return aws, [plan], None
    if args.deployer_policy_name is not None:
        raise UserError(
            "--deployer-policy-name names one policy, and each role of an app has its own "
            "deployer policy; plan or apply the app without it",
            where=args.spec,
        )
    plans = [make_plan(aws, ok, adopt=args.adopt) for ok in built.roles]
    _share_policies(plans)
    return aws, plans, built.app


def _share_policies(plans: list[Any]) -> None:
    """A customer-managed policy several roles use (a shared boundary) is created or updated
    by the first role's plan only; the later plans say so."""
    first: dict[str, str] = {}
    for plan in plans:
        kept = []
        for change in plan.changes:
            if change.kind == "policy" and change.name in first:
                plan.notes.append(f"policy {change.name} is planned with role {first[change.name]}")
                continue
            if change.kind == "policy":
                first[change.name] = plan.role_name
            kept.append(change)
        plan.changes = kept


def cmd_plan(args: argparse.Namespace) -> int:
    from wizard.aws.provision import render_plan

    _aws, plans, app = _plan(args)
    if args.format == "json":
        data: Any = plans[0].to_dict() if app is None else {
            "app": app,
            "roles": [plan.to_dict() for plan in plans],
        }  # fmt: skip
        print(json.dumps(data, indent=2, default=str))
    else:
        sys.stdout.write("\n".join(render_plan(plan) for plan in plans))
    if args.detailed_exitcode and any(plan.changes for plan in plans):
        return PLAN_CHANGES_EXIT
    return 0


def _confirm(n: int, account: str) -> bool:
    print(f"Apply {text.count(n, 'change')} to account {account}? Only 'yes' or 'y' goes ahead.")
    sys.stdout.write("Apply? [y/N] ")
    sys.stdout.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def cmd_apply(args: argparse.Namespace) -> int:
    from wizard.aws.provision import check_allowed, execute, render_plan

    aws, plans, app = _plan(args)
    pending = [plan for plan in plans if plan.changes]
    if not pending:
        names = ", ".join(plan.role_name for plan in plans)
        print(f"No changes. Role{'s' if app else ''} {names} match{'' if app else 'es'} the spec.")
        return 0
    for plan in pending:  # any refusal before the first change
        check_allowed(plan)
    sys.stdout.write("\n".join(render_plan(plan) for plan in pending))
    sys.stdout.flush()
    if not args.yes and not sys.stdin.isatty():
        raise UserError(
            "apply asks before changing the account and standard input is not a terminal; "
            "pass --yes to apply the plan above"
        )
    count = sum(len(plan.changes) for plan in pending)
    if not args.yes and not _confirm(count, pending[0].account):
        print("Cancelled; nothing was changed.")
        return 0

    def progress(change: Any) -> None:
        print(f"  {change.symbol} {change.title}: done")

    for plan in pending:  # in the app's order: a shared policy is made before its later roles
        execute(aws, plan, on_change=progress)
    c = {k: sum(plan.counts[k] for plan in pending) for k in ("add", "change", "remove")}
    print(f"Apply complete: {c['add']} added, {c['change']} changed, {c['remove']} removed.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from wizard.aws.audit import audit_role, render_audit, sarif, tighten_report
    from wizard.aws.trail import TrailOptions
    from wizard.policy.tighten import spec_text, window_start

    if args.lookback_days < 1:
        raise UserError(f"--lookback-days {args.lookback_days} must be at least 1")
    if args.all or args.accounts or args.organization:
        from wizard.cli.audit_all import cmd_audit_all

        return cmd_audit_all(args)
    from wizard.cli.audit_all import check_scoped_options

    check_scoped_options(args)
    now = dt.datetime.now(dt.UTC)
    since = window_start(args.since, now) if args.since else None
    if args.trail_prefix and not args.trail_bucket:
        raise UserError("--trail-prefix needs --trail-bucket")
    if args.no_trail_logs and args.trail_bucket:
        raise UserError("--no-trail-logs and --trail-bucket contradict each other")
    if args.role is None:
        return _list_lambda_roles(args)
    aws = _session(args)
    trail = TrailOptions(not args.no_trail_logs, args.trail_bucket, args.trail_prefix)
    report = audit_role(
        aws, args.role, lookback_days=args.lookback_days, now=now, since=since, trail=trail
    )
    tightened = tighten_report(report)
    refused: UserError | None = None
    if args.write_spec:
        from wizard.atomic import write_text_atomic

        try:
            text = spec_text(tightened, report.role.name, args.write_spec)
        except UserError as exc:
            refused = exc  # nothing is written; the report still shows why
        else:
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
    if refused is not None:
        raise refused
    return 0


def _list_lambda_roles(args: argparse.Namespace) -> int:
    """``audit`` with no role: the roles Lambda can assume, to pick one from."""
    from wizard.aws.audit import lambda_roles, render_lambda_roles

    if args.write_spec:
        raise UserError("--write-spec needs a ROLE_NAME to audit")
    if args.format == "sarif":
        raise UserError("--format sarif needs a ROLE_NAME to audit")
    aws = _session(args)
    roles = lambda_roles(aws)
    if args.format == "json":
        rows = [
            {"name": r.name, "made_by_role_wizard": r.managed, "description": r.description}
            for r in roles
        ]
        print(json.dumps(rows, indent=2))
    else:
        sys.stdout.write(render_lambda_roles(roles, aws.account))
    return 0
