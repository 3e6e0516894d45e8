"""Benchmark: ``role-wizard build`` against ``policy_sentry write-policy``, each as a whole process.

The same job for both: CRUD on one DynamoDB table and read on one S3 prefix.

    pip install -e '.[bench]'
    python bench/bench_build.py [--runs 10]

policy_sentry ships its IAM database inside the package (no ``policy_sentry initialize``
needed); the script still runs each command once before timing (a warm-up, also a check that
it works), and the set-up (writing the input files) is outside the timing.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import compile_package

ROLE_SPEC = """\
function: orders-api
account: "123456789012"
region: us-east-1
resources:
  - {kind: dynamodb-table, name: Orders, access: read-write}
  - {kind: s3-prefix, bucket: uploads, prefix: incoming/, access: read}
"""

# policy_sentry's CRUD template: access levels -> ARNs (its own YAML format).
SENTRY_TEMPLATE = """\
mode: crud
name: orders-api
read:
- arn:aws:dynamodb:us-east-1:123456789012:table/Orders
- arn:aws:s3:::uploads/incoming/*
write:
- arn:aws:dynamodb:us-east-1:123456789012:table/Orders
list:
- arn:aws:s3:::uploads
"""


def tool(name: str) -> str:
    """The console script from this interpreter's environment, else from PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"bench: {name} is not installed; run: pip install -e '.[bench]'")
    return found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_runs(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + system) of ``runs`` runs of ``command``."""
    subprocess.run(command, check=True, capture_output=True)  # warm-up and check, not timed
    wall, cpu = [], []
    for _ in range(runs):
        cpu_start, start = _children_cpu(), time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - cpu_start)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each command")
    args = parser.parse_args()
    compile_package()  # our bytecode, as the peers' (pip-installed) have theirs
    with tempfile.TemporaryDirectory(prefix="bench-build-") as folder:
        spec = Path(folder) / "role.yaml"
        spec.write_text(ROLE_SPEC)
        template = Path(folder) / "crud.yml"
        template.write_text(SENTRY_TEMPLATE)
        commands = {
            "role-wizard build": [tool("role-wizard"), "build", str(spec), "--format", "json"],
            "policy_sentry write-policy": [
                tool("policy_sentry"),
                "write-policy",
                "--input-file",
                str(template),
            ],
        }
        results = {name: time_runs(cmd, args.runs) for name, cmd in commands.items()}
    print(f"{'command':<28} {'median':>8} {'mean':>8} {'CPU median':>11}  ({args.runs} runs each)")
    for name, (wall, cpu) in results.items():
        print(
            f"{name:<28} {statistics.median(wall) * 1000:>6.0f}ms {statistics.mean(wall) * 1000:>6.0f}ms "
            f"{statistics.median(cpu) * 1000:>9.0f}ms"
        )
    for label, index in (("wall", 0), ("CPU", 1)):
        ours = statistics.median(results["role-wizard build"][index])
        theirs = statistics.median(results["policy_sentry write-policy"][index])
        print(
            f"ratio of medians ({label}), ours / policy_sentry: {ours / theirs:.2f}  (target: <= 0.50)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
