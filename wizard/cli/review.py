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

    p = sub.add_parser(
        "guardrails",
        help="write what watches the role: an EventBridge rule, an SNS topic, AWS Config rules",
        description="Write a CloudFormation template or Terraform configuration that alerts "
        "(EventBridge on CloudTrail's IAM events, to an SNS topic) when the role or its boundary "
        "policy is changed, and AWS Config rules that flag the role when it deviates.",
        epilog="IAM's CloudTrail events reach EventBridge in us-east-1 only (us-gov-west-1, "
        "cn-north-1 in the other partitions): deploy the output there. "
        "exit status: 0 written; 2 bad input",
    )
    p.add_argument("spec", help="role spec (YAML)")
    p.add_argument("--format", "-f", choices=("cloudformation", "terraform"), required=True)
    p.add_argument("--email", metavar="ADDR", help="subscribe this address to the alerts")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE (default: stdout)")
    p.set_defaults(handler=cmd_guardrails)


def cmd_guardrails(args: argparse.Namespace) -> int:
    from wizard.cli.core import load_and_compose, write_output
    from wizard.export.guardrails import guardrails, render
    from wizard.policy.gate import approve

    spec, _ctx, bundle = load_and_compose(args.spec)
    approve(bundle, source=args.spec)  # guardrails of a role the tool would not write: none
    watch = guardrails(bundle, spec.partition, email=args.email)
    write_output(render(watch, args.format), args.out)
    print(
        f"role-wizard: note: deploy in {watch.event_region}: IAM's CloudTrail events reach "
        "EventBridge there only",
        file=sys.stderr,
    )
    return 0


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
