"""Benchmark: ``audit --all`` over an account of 500 Lambda execution roles on a moto server,
against a bare boto3 loop that makes the same read calls.

    .venv/bin/python bench/bench_audit_all.py [--roles 500] [--rounds 3] [--workers 8] [--json FILE]

A moto server runs in a child process (so client and server do not share a GIL) holding
``--roles`` Lambda execution roles (each with one or two inline policies; every third with an
AWS managed policy attached, every fifth with a customer-managed one) and a tenth as many EC2
roles, which the audit must skip. Then, side by side, alternating, for several rounds:

- ours: :func:`wizard.aws.audit_all.audit_accounts` on the session's account, as ``audit
  --all`` runs it: the role listing, the account-wide reads (functions, the probe of IAM's
  last-accessed API, CloudTrail ``lookup_events``, which moto lacks: both fail and are noted),
  every role read, linted, its managed-policy excess computed and scored, ``--workers`` threads;
- bare: one thread of boto3 calls making the same reads (``list_roles`` and the trust filter,
  ``list_functions``, the same two insight calls with the same retry settings, then per role
  ``get_role``, ``list_role_policies``, ``get_role_policy`` each, ``list_attached_role_policies``,
  and ``get_policy`` + ``get_policy_version`` once per attached policy) and nothing else.

It reports the median of each and their ratio (target: ours within 1.5x of bare), and, once,
the wall time of a whole ``role-wizard audit --all --format json`` process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time

from results import add_json_option, load_moto_helpers, write_json

TARGET = 1.5
REGION = "us-east-1"
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
MANAGED = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"


def _trust(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def _policy(i: int) -> str:
    table = f"arn:aws:dynamodb:{REGION}:123456789012:table/t{i}"
    statements = [
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": table}
    ]
    if i % 7 == 0:  # some over-wide roles, so the ranking has something to rank
        statements.append({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def serve(roles: int) -> None:
    """Child process: a moto server holding the roles; prints its URL, runs until stdin closes."""
    import boto3

    server, url = load_moto_helpers().start_moto_server()
    iam = boto3.Session(region_name=REGION, **CREDS).client("iam", endpoint_url=url)
    customer = iam.create_policy(PolicyName="shared-logs", PolicyDocument=_policy(0))
    for i in range(roles):
        name = f"fn-{i:04d}-role"
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust("lambda.amazonaws.com"))
        iam.put_role_policy(RoleName=name, PolicyName="own", PolicyDocument=_policy(i))
        if i % 2:
            iam.put_role_policy(RoleName=name, PolicyName="extra", PolicyDocument=_policy(i + 1))
        if i % 3 == 0:
            iam.attach_role_policy(RoleName=name, PolicyArn=MANAGED)
        if i % 5 == 0:
            iam.attach_role_policy(RoleName=name, PolicyArn=customer["Policy"]["Arn"])
    for i in range(roles // 10):
        iam.create_role(
            RoleName=f"ec2-{i:04d}-role", AssumeRolePolicyDocument=_trust("ec2.amazonaws.com")
        )
    print(url, flush=True)
    sys.stdin.read()
    server.stop()


def bench(endpoint: str, roles: int, rounds: int, workers: int) -> dict:
    import boto3

    from wizard.aws.audit import INSIGHT_CONFIG, trusts_lambda
    from wizard.aws.audit_all import RoleFilter, audit_accounts
    from wizard.aws.session import RETRY_CONFIG, AwsSession

    def ours() -> int:
        aws = AwsSession(
            session=boto3.Session(region_name=REGION, **CREDS), region=REGION, endpoint_url=endpoint
        )
        fleet = audit_accounts(aws, None, RoleFilter(), role_name="unused", workers=workers)
        assert fleet.complete, fleet.failures()
        return len(fleet.audited)

    def bare() -> int:
        session = boto3.Session(region_name=REGION, **CREDS)
        iam = session.client("iam", endpoint_url=endpoint, config=RETRY_CONFIG)
        lam = session.client("lambda", endpoint_url=endpoint, config=RETRY_CONFIG)
        insights = session.client("iam", endpoint_url=endpoint, config=INSIGHT_CONFIG)
        trail = session.client("cloudtrail", endpoint_url=endpoint, config=INSIGHT_CONFIG)
        names = [
            r["RoleName"]
            for page in iam.get_paginator("list_roles").paginate(PathPrefix="/")
            for r in page["Roles"]
            if trusts_lambda(r["AssumeRolePolicyDocument"])
        ]
        for _page in lam.get_paginator("list_functions").paginate():
            pass
        for call in (
            lambda: insights.get_service_last_accessed_details(JobId="0" * 36),
            lambda: trail.lookup_events(StartTime=0, EndTime=1, MaxResults=50),
        ):
            with contextlib.suppress(Exception):  # moto lacks both, as ours finds
                call()
        seen: set[str] = set()
        for name in names:
            iam.get_role(RoleName=name)
            for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
                for policy in page["PolicyNames"]:
                    iam.get_role_policy(RoleName=name, PolicyName=policy)
            for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
                for attached in page["AttachedPolicies"]:
                    arn = attached["PolicyArn"]
                    if arn not in seen:
                        seen.add(arn)
                        meta = iam.get_policy(PolicyArn=arn)["Policy"]
                        iam.get_policy_version(PolicyArn=arn, VersionId=meta["DefaultVersionId"])
        return len(names)

    # warm-up: clients, the IAM reference's services, moto's lazy set-up
    assert ours() == roles and bare() == roles
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    for i in range(rounds):
        order = [("ours", ours), ("bare", bare)]
        if i % 2:
            order.reverse()
        for name, run in order:
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in times.items()}
    paired = statistics.median(o / b for o, b in zip(times["ours"], times["bare"], strict=True))
    print(
        f"\n== audit --all: {roles} Lambda roles on a moto server (child process), {rounds} rounds"
    )
    for name, label in (
        ("ours", f"audit_accounts, {workers} workers"),
        ("bare", "bare boto3 loop"),
    ):
        runs = " ".join(f"{t:.2f}" for t in times[name])
        print(f"  {label:28} median {med[name]:.2f} s  [{runs}]")
    print(f"  ratio ours/bare              {med['ours'] / med['bare']:.2f}x (target <= {TARGET}x)")
    print(f"  ratio, paired rounds         {paired:.2f}x")
    return {
        "roles": roles,
        "rounds": rounds,
        "workers": workers,
        "ours_median": med["ours"],
        "bare_median": med["bare"],
        "ratio": med["ours"] / med["bare"],
        "paired_ratio": paired,
        "target": TARGET,
    }


def command_wall(endpoint: str) -> float:
    """One whole ``role-wizard audit --all --format json`` process against the server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION=REGION,
        AWS_ENDPOINT_URL=endpoint,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "wizard", "audit", "--all", "--format", "json"],
        env=env,
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    print(f"  role-wizard audit --all (a whole process): {wall:.2f} s")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    add_json_option(parser)
    args = parser.parse_args()
    if args.serve:
        serve(args.roles)
        return
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--roles", str(args.roles)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # moto's tracebacks for the APIs it lacks
        text=True,
        env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"},
    )
    try:
        assert child.stdout is not None
        endpoint = child.stdout.readline().strip()
        if not endpoint:
            sys.exit("bench_audit_all: the moto server did not start")
        figures = bench(endpoint, args.roles, args.rounds, args.workers)
        figures["command_wall"] = command_wall(endpoint)
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=60)
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
