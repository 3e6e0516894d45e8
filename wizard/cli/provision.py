"""Account commands: plan, apply, audit.

Each command's exit statuses are in its ``--help`` epilog (:data:`PLAN_EXIT`, :data:`APPLY_EXIT`,
:data:`AUDIT_EXIT`); 1 is always an AWS call that failed (refused, throttled beyond the retries,
unreachable) and 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

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
    "call failed (with --all: some account or role could not be audited, the rest were); 2 bad "
    "input (no such role, --write-spec without a role, a file that cannot be written)"
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

    p = sub.add_parser("apply", help="create or update the role in the account", epilog=APPLY_EXIT)
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
    p.add_argument(
        "--lookback-days",
        type=int,
        default=90,
        metavar="N",
        help="what counts as unused: not used in the last N days (default 90)",
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
        from wizard.spec import policy_name_problem

        if problem := policy_name_problem(args.deployer_policy_name):
            raise UserError(f"--deployer-policy-name: {problem}")
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
    from wizard.aws.audit import audit_role, render_audit, sarif, tighten_report
    from wizard.policy.tighten import spec_text

    if args.lookback_days < 1:
        raise UserError(f"--lookback-days {args.lookback_days} must be at least 1")
    if args.all or args.accounts or args.organization:
        from wizard.cli.audit_all import cmd_audit_all

        return cmd_audit_all(args)
    from wizard.cli.audit_all import check_scoped_options

    check_scoped_options(args)
    if args.role is None:
        return _list_lambda_roles(args)
    aws = _session(args)
    report = audit_role(aws, args.role, lookback_days=args.lookback_days)
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
