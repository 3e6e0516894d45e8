"""Continuous review: ``drift`` (the live role against its spec) and ``guardrails`` (what
watches the role for changes)."""

from __future__ import annotations

import argparse
import json
import sys

from wizard.errors import UserError

DRIFT_EXIT = (
    "exit status: 0 the role is in step with the spec; 1 it has drifted (or does not exist); "
    "2 unusable input or an AWS call that failed (so 1 always means drift)"
)


def register(sub: argparse._SubParsersAction) -> None:
    from wizard.cli.provision import _aws_options

    p = sub.add_parser(
        "drift",
        help="compare the live role with what its spec builds today",
        description="Compare the role in the account (trust policy, inline policies, attached "
        "managed policies, boundary, path, tags, and the boundary and deployer policies) with "
        "what the spec builds, with a risk note for each difference.",
        epilog=DRIFT_EXIT,
    )
    p.add_argument("spec", help="role spec (YAML)")
    p.add_argument("--format", "-f", choices=("text", "json", "sarif"), default="text")
    p.add_argument(
        "--deployer-policy-name",
        metavar="NAME",
        help="the deployer policy's name in the account (default: the spec's, when it exists)",
    )
    _aws_options(p)
    p.set_defaults(handler=cmd_drift)


def cmd_drift(args: argparse.Namespace) -> int:
    from wizard.aws.provision import AwsFailure, drift_plan
    from wizard.cli.provision import _compose, _session
    from wizard.policy.drift import drift_sarif, render_drift

    if args.deployer_policy_name is not None:
        from wizard.spec import policy_name_problem

        if problem := policy_name_problem(args.deployer_policy_name):
            raise UserError(f"--deployer-policy-name: {problem}")
    try:
        aws = _session(args)
        bundle = _compose(aws, args.spec)
        plan = drift_plan(aws, bundle, deployer_policy_name=args.deployer_policy_name)
    except AwsFailure as exc:  # exit 2: 1 is drift
        raise UserError(str(exc)) from None
    if args.format == "json":
        data = {
            "role": plan.role_name,
            "arn": plan.role_arn,
            "exists": plan.exists,
            "drifted": bool(plan.drift),
            "drift": [d.to_dict() for d in plan.drift],
            "notes": plan.notes,
        }
        print(json.dumps(data, indent=2, default=str))
    elif args.format == "sarif":
        print(json.dumps(drift_sarif(plan.role_arn, plan.drift), indent=2))
    else:
        text = render_drift(plan.role_name, plan.role_arn, plan.drift, plan.notes, args.spec)
        sys.stdout.write(text)
    return 1 if plan.drift else 0
