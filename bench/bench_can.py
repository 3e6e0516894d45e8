"""Benchmark: ``role-wizard can --requests`` vs iam-simulate over 10,000 requests.

The role is realistic: the `build` bundle of a spec with several resources (DynamoDB table and
index, S3 prefix, SQS queue, Secrets Manager secret, SNS topic, KMS key, logs, X-Ray) and the
envelope permissions boundary.  The requests mix what the role may do with what it may not
(other tables and buckets, writes it was not given, IAM changes the boundary denies), over
many distinct resources, some with a request context.

Both tools run as whole processes on the same files and are timed from start to exit (best of
``--repeat`` runs): start-up, policy loading and evaluation all count.

iam-simulate (npm ``@cloud-copilot/iam-simulate``) is AGPL-licensed: it is only ever run as a
separate ``node`` process through its public ``runSimulation`` API.  It is looked up in
``$IAM_SIMULATE_DIR`` (an ``npm install --prefix`` directory), default ``bench/`` (``npm install --prefix bench`` reads bench/package.json):

    npm install --prefix bench
    .venv/bin/python bench/bench_can.py                    # or IAM_SIMULATE_DIR=/tmp/iamsim

Without node or the package the peer is skipped with a note.

``--shapes`` times ``can --requests`` alone on the 1 MiB policies of ``bench/bench_diff.py``
(resources, actions, wildcards, one-statement) and one of policy variables (``variables``:
``arn:aws:s3:::bucket-N/${aws:username}/*``), with requests aimed at each policy's own
buckets, tables and actions (most distinct, some with a context); wall and CPU (user + system)
of the whole process, best of ``--repeat``:

    .venv/bin/python bench/bench_can.py --shapes all
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from installed import compile_package
from results import add_json_option, write_json

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PACKAGE = Path("node_modules", "@cloud-copilot", "iam-simulate")
ACCOUNT = "123456789012"
REGION = "us-east-1"

SPEC = f"""\
function: orders-api
account: "{ACCOUNT}"
region: {REGION}
boundary: envelope
logs: true
tracing: true
resources:
  - {{kind: dynamodb-table, name: Orders, access: read-write}}
  - {{kind: dynamodb-table, name: Customers, access: read}}
  - {{kind: s3-prefix, bucket: uploads, prefix: incoming/, access: read}}
  - {{kind: s3-prefix, bucket: reports, prefix: daily/, access: read-write}}
  - {{kind: sqs-queue, name: orders-events, access: consume}}
  - {{kind: sqs-queue, name: orders-out, access: send}}
  - {{kind: secretsmanager-secret, name: orders/db, access: read}}
"""

RUNNER = r"""
// node runner.js PACKAGE_DIR POLICIES.json REQUESTS.jsonl -> one decision a line on stdout
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { createRequire } = require('module');
const requireFrom = createRequire(path.join(process.argv[2], 'noop.js'));
const { runSimulation } = requireFrom('@cloud-copilot/iam-simulate');
const policies = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const identityPolicies = policies.identity.map((p) => ({ name: p.name, policy: p.document }));
const boundary = policies.boundary ? [{ name: 'boundary', policy: policies.boundary }] : undefined;
(async () => {
  const rl = readline.createInterface({ input: fs.createReadStream(process.argv[4]) });
  const out = [];
  for await (const line of rl) {
    if (!line.trim()) continue;
    const req = JSON.parse(line);
    const r = await runSimulation({
      request: {
        principal: 'arn:aws:iam::ACCOUNT:role/orders-api-role',
        action: req.action,
        resource: { resource: req.resource, accountId: 'ACCOUNT' },
        contextVariables: req.context || {},
      },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: boundary,
    }, {});
    out.push(r.resultType === 'error' ? 'error' : r.overallResult);
  }
  process.stdout.write(out.join('\n') + '\n');
})();
""".replace("ACCOUNT", ACCOUNT)


def build_bundle() -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from wizard.policy.compose import compose
    from wizard.spec import load_spec_text

    spec, ctx = load_spec_text(SPEC, "bench-spec.yaml")
    return compose(spec, ctx).to_dict()


def make_requests(n: int, seed: int = 0) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    arn = f"{REGION}:{ACCOUNT}"
    tables = ["Orders", "Customers", "Payments", "Audit"]
    buckets = [
        ("uploads", "incoming/"),
        ("reports", "daily/"),
        ("uploads", "private/"),
        ("logs", ""),
    ]
    queues = ["orders-events", "orders-out", "billing"]

    def key() -> str:
        return f"{rnd.choice(['2024', '2025', 'tmp'])}/{rnd.randrange(400)}.json"

    makers = [
        lambda: (
            rnd.choice(
                ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteTable"]
            ),
            f"arn:aws:dynamodb:{arn}:table/{rnd.choice(tables)}",
            None,
        ),
        lambda: (
            "dynamodb:Query",
            f"arn:aws:dynamodb:{arn}:table/{rnd.choice(tables)}/index/{rnd.choice(['ByDate', 'ByUser'])}",
            None,
        ),
        lambda: (
            rnd.choice(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
            "arn:aws:s3:::{}/{}{}".format(*rnd.choice(buckets), key()),
            None,
        ),
        lambda: (
            "s3:ListBucket",
            f"arn:aws:s3:::{rnd.choice(buckets)[0]}",
            {"s3:prefix": rnd.choice(["incoming/", "daily/x", "private/", ""])},
        ),
        lambda: (
            rnd.choice(
                ["sqs:ReceiveMessage", "sqs:SendMessage", "sqs:DeleteMessage", "sqs:PurgeQueue"]
            ),
            f"arn:aws:sqs:{arn}:{rnd.choice(queues)}",
            None,
        ),
        lambda: (
            "secretsmanager:GetSecretValue",
            f"arn:aws:secretsmanager:{arn}:secret:{rnd.choice(['orders/db', 'admin/root'])}-AbCdEf",
            None,
        ),
        lambda: (
            rnd.choice(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DeleteLogGroup"]),
            f"arn:aws:logs:{arn}:log-group:/aws/lambda/{rnd.choice(['orders-api', 'other'])}:log-stream:{rnd.randrange(50)}",
            None,
        ),
        lambda: ("xray:PutTraceSegments", "*", None),
        lambda: (
            rnd.choice(["iam:PassRole", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"]),
            f"arn:aws:iam::{ACCOUNT}:role/{rnd.choice(['admin', 'orders-api-role'])}",
            None,
        ),
        lambda: ("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/{rnd.randrange(20)}", None),
        lambda: (
            "kms:Decrypt",
            f"arn:aws:kms:{arn}:key/{rnd.randrange(5)}",
            {"kms:ViaService": rnd.choice([f"secretsmanager.{REGION}.amazonaws.com", "s3.x"])},
        ),
    ]
    out = []
    for _ in range(n):
        action, resource, context = rnd.choice(makers)()
        req: dict[str, Any] = {"action": action, "resource": resource}
        if context is not None:
            req["context"] = context
        out.append(req)
    return out


def shape_requests(document: dict[str, Any], n: int, seed: int = 0) -> list[dict[str, Any]]:
    """Requests at a ``bench_diff`` policy: its buckets (keys under secret/, private/, a*b*c
    names), its tables, short bucket names; half the actions named by the policy itself."""
    rnd = random.Random(seed)
    count = len(document["Statement"])
    named = sorted(
        {
            a
            for st in document["Statement"]
            for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
            if "*" not in a and "?" not in a
        }
    )
    actions = [
        *("s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"),
        *("ec2:DescribeInstances", "ec2:RunInstances", "dynamodb:GetItem", "dynamodb:Query"),
        *("kms:CreateKey", "kms:Decrypt", "iam:PassRole", "lambda:InvokeFunction"),
    ]
    out = []
    for _ in range(n):
        i = rnd.randrange(count + count // 10)
        resource = rnd.choice(
            [
                f"arn:aws:s3:::bucket-{i:06d}/"
                f"{rnd.choice(['secret/', 'private/', '', 'a/b/'])}{rnd.randrange(100)}.json",
                f"arn:aws:s3:::bucket-{i:06d}/a{rnd.randrange(9)}b{rnd.randrange(9)}c",
                f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t-{i:06d}{rnd.randrange(99)}x{i % 9}",
                f"arn:aws:s3:::bucket-{i % 97}{rnd.randrange(9)}/k",
                f"arn:aws:s3:::bucket-{i:06d}",
                f"arn:aws:s3:::bucket-{i:06d}/{rnd.choice(['a', 'b', 'a/b'])}/{i % 7}",
            ]
        )
        action = rnd.choice(named) if named and rnd.random() < 0.5 else rnd.choice(actions)
        req: dict[str, Any] = {"action": action, "resource": resource}
        if rnd.random() < 0.3:
            req["context"] = {"aws:PrincipalTag/team": f"t{rnd.randrange(14)}"}
        elif rnd.random() < 0.5:
            req["context"] = {"aws:username": rnd.choice(["a", "b", "a/b", "private"])}
        out.append(req)
    return out


def variables_policy(size: int) -> dict[str, Any]:
    """A policy just under ``size`` bytes of statements whose Resource holds a policy variable
    (``arn:aws:s3:::bucket-000001/${aws:username}/*``), decided by each request's context."""
    statements: list[dict[str, Any]] = []
    used = 40
    while True:
        st = {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::bucket-{len(statements):06d}/${{aws:username}}/*",
        }
        used += len(json.dumps(st, separators=(",", ":"))) + 1
        if used > size:
            return {"Version": "2012-10-17", "Statement": statements}
        statements.append(st)


def run_shapes(shapes: list[str], n: int, repeat: int) -> int:
    """``can --requests`` on each shape's 1 MiB policy: wall and CPU seconds, best of
    ``repeat``."""
    from bench_diff import SIZES, run, worst_case_pair

    print(f"{'shape':<14} {'statements':>10} {'requests':>8} {'wall s':>7} {'cpu s':>6}")
    with tempfile.TemporaryDirectory(prefix="bench-can-") as tmp:
        for shape in shapes:
            if shape == "variables":
                document = variables_policy(SIZES["1M"])
            else:
                document, _ = worst_case_pair(shape, SIZES["1M"])
            policy = Path(tmp, f"{shape}.json")
            policy.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
            requests = Path(tmp, f"{shape}.jsonl")
            lines = (json.dumps(r) + "\n" for r in shape_requests(document, n))
            requests.write_text("".join(lines), encoding="utf-8")
            cmd = [sys.executable, "-m", "wizard", "can", "--requests", str(requests)]
            wall, cpu = min(run([*cmd, "--policy", str(policy)])[:2] for _ in range(repeat))
            count = len(document["Statement"])
            print(f"{shape:<14} {count:>10,} {n:>8,} {wall:>7.2f} {cpu:>6.2f}")
    return 0


def timed(cmd: list[str], repeat: int) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
        if elapsed < best:
            best, out = elapsed, proc.stdout
    return best, out


def package_dir() -> Path | None:
    base = Path(os.environ.get("IAM_SIMULATE_DIR") or BENCH)
    return base if (base / PACKAGE / "package.json").is_file() else None


def peer_version(pkg: Path) -> str:
    manifest = json.loads((pkg / PACKAGE / "package.json").read_text(encoding="utf-8"))
    return str(manifest.get("version", "?"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", "-n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the best counts")
    parser.add_argument(
        "--shapes",
        help="time can --requests alone on bench_diff's 1 MiB policies of these shapes "
        "(comma-separated, or all)",
    )
    add_json_option(parser)
    args = parser.parse_args()
    compile_package()  # our bytecode, as the peers' (pip-installed) have theirs
    if args.shapes:
        from bench_diff import SHAPES

        known = [*SHAPES, "variables"]
        shapes = known if args.shapes == "all" else args.shapes.split(",")
        unknown = sorted(set(shapes) - set(known))
        if unknown:
            parser.error(f"unknown shapes {', '.join(unknown)} (of {', '.join(known)})")
        return run_shapes(shapes, args.requests, args.repeat)

    work = Path(tempfile.mkdtemp(prefix="bench-can-"))
    try:
        bundle = build_bundle()
        bundle_path = work / "bundle.json"
        bundle_path.write_text(json.dumps(bundle), encoding="utf-8")
        requests = make_requests(args.requests)
        req_path = work / "requests.jsonl"
        req_path.write_text("".join(json.dumps(r) + "\n" for r in requests), encoding="utf-8")
        n = len(requests)
        distinct = len({(r["action"], r["resource"]) for r in requests})
        print(
            f"{n} requests ({distinct} distinct action/resource pairs, "
            f"{sum('context' in r for r in requests)} with context) over a bundle of "
            f"{sum(len(p['PolicyDocument']['Statement']) for p in bundle['Policies'])} identity "
            f"statements + {len(bundle['PermissionsBoundary']['PolicyDocument']['Statement'])} "
            "boundary statements"
        )

        ours_cmd = [sys.executable, "-m", "wizard", "can", "--requests", str(req_path)]
        ours_cmd += ["--policy", str(bundle_path)]
        ours_s, ours_out = timed(ours_cmd, args.repeat)
        ours = [json.loads(line)["decision"] for line in ours_out.splitlines()]
        assert len(ours) == n, f"role-wizard answered {len(ours)} of {n}"
        rows = [("role-wizard can --requests", ours_s)]
        figures: dict[str, Any] = {"requests": n, "repeat": args.repeat, "ours_seconds": ours_s}

        node = shutil.which("node")
        pkg = package_dir()
        peer: list[str] | None = None
        if node is None:
            figures["skipped"] = "node is not installed"
            print("note: node is not installed; iam-simulate skipped")
        elif pkg is None:
            where = os.environ.get("IAM_SIMULATE_DIR") or BENCH
            figures["skipped"] = f"iam-simulate is not installed (npm install --prefix {where})"
            print(
                f"note: @cloud-copilot/iam-simulate not found in {where}; skipped "
                f"(npm install --prefix {where} @cloud-copilot/iam-simulate)"
            )
        else:
            policies = {
                "identity": [
                    {"name": p["PolicyName"], "document": p["PolicyDocument"]}
                    for p in bundle["Policies"]
                ],
                "boundary": bundle["PermissionsBoundary"]["PolicyDocument"],
            }
            pol_path = work / "policies.json"
            pol_path.write_text(json.dumps(policies), encoding="utf-8")
            runner = work / "runner.js"
            runner.write_text(RUNNER, encoding="utf-8")
            peer_cmd = [node, str(runner), str(pkg), str(pol_path), str(req_path)]
            peer_s, peer_out = timed(peer_cmd, args.repeat)
            peer = peer_out.split()
            assert len(peer) == n, f"iam-simulate answered {len(peer)} of {n}"
            rows.append(("iam-simulate (node)", peer_s))
            figures["peer"] = f"iam-simulate {peer_version(pkg)}"
            figures["peer_seconds"] = peer_s

        print(f"\n{'tool':<28} {'seconds':>8} {'requests/s':>11} {'vs iam-simulate':>16}")
        peer_rate = n / rows[1][1] if len(rows) > 1 else None
        for name, seconds in rows:
            rate = n / seconds
            ratio = f"{rate / peer_rate:.1f}x" if peer_rate else "-"
            print(f"{name:<28} {seconds:>8.3f} {rate:>11,.0f} {ratio:>16}")
        counts = {d: ours.count(d) for d in sorted(set(ours))}
        print(f"\nrole-wizard decisions: {counts}")
        if peer is not None:
            errors = peer.count("error")
            differ = [
                i for i, (a, b) in enumerate(zip(ours, peer, strict=True)) if a != b != "error"
            ]
            print(f"decisions that differ from iam-simulate: {len(differ)} of {n}")
            figures["differ"] = len(differ)
            figures["peer_errors"] = errors
            if errors:
                print(f"requests iam-simulate rejected as invalid: {errors}")
            for i in differ[:5]:
                print(f"  {json.dumps(requests[i])}: ours {ours[i]}, iam-simulate {peer[i]}")
            if rows[0][1] and peer_rate:
                target = (n / rows[0][1]) / peer_rate
                print(f"target >= 5x iam-simulate: {'met' if target >= 5 else 'NOT met'}")
        write_json(args.json, figures)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
