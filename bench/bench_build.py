"""Benchmark: ``role-wizard build`` against ``policy_sentry write-policy``, each as a whole process.

The same job for both: CRUD on one DynamoDB table and read on one S3 prefix.

    pip install -e '.[bench]'
    python bench/bench_build.py [--runs 21] [--json FILE]

policy_sentry ships its IAM database inside the package (no ``policy_sentry initialize``
needed); the script still runs each command once before timing (a warm-up, also a check that
it works), and the set-up (writing the input files) is outside the timing. The two commands
take turns, in an order that alternates from run to run, so that load on the machine hits both
alike; the spread of the per-run ratios (each run of ours against the peer's run next to it)
is reported beside the ratio of the medians.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import compile_package
from results import add_json_option, spread_of, write_json

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


def tool(name: str) -> str | None:
    """The console script from this interpreter's environment, else from PATH, else None."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(command: list[str]) -> tuple[float, float]:
    """Wall and CPU time (user + system of the child) of one run of ``command``."""
    cpu_start, start = _children_cpu(), time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start, _children_cpu() - cpu_start


def time_interleaved(
    commands: dict[str, list[str]], runs: int
) -> dict[str, list[tuple[float, float]]]:
    """``runs`` (wall, CPU) pairs for each command; the commands take turns, in an order that
    alternates from run to run."""
    for command in commands.values():  # warm-up and check, not timed
        subprocess.run(command, check=True, capture_output=True)
    names = list(commands)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for i in range(runs):
        for name in names if i % 2 == 0 else names[::-1]:
            times[name].append(time_once(commands[name]))
    return times


def summarise(times: dict[str, list[tuple[float, float]]]) -> dict:
    """Medians and means of each command's wall and CPU time; with the peer's, the ratios
    (ours / peer) of the medians and the spread of the per-run ratios."""
    out: dict = {"runs": len(times[OURS]), "target": TARGET, "commands": {}}
    for name, samples in times.items():
        wall = [w for w, _ in samples]
        cpu = [c for _, c in samples]
        out["commands"][name] = {
            "wall_median": statistics.median(wall),
            "wall_mean": statistics.mean(wall),
            "cpu_median": statistics.median(cpu),
            "wall": spread_of(wall),
        }
    if PEER not in times:
        return out
    ours, peer = times[OURS], times[PEER]
    for label, col in (("wall", 0), ("cpu", 1)):
        mine = statistics.median(s[col] for s in ours)
        theirs = statistics.median(s[col] for s in peer)
        out[f"ratio_{label}"] = mine / theirs
        out[f"per_run_ratio_{label}"] = spread_of(
            [o[col] / p[col] for o, p in zip(ours, peer, strict=True)]
        )
    return out


OURS = "role-wizard build"
PEER = "policy_sentry write-policy"
TARGET = 0.5  # ours takes at most half of the peer's time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed runs of each command")
    add_json_option(parser)
    args = parser.parse_args()
    compile_package()  # our bytecode, as the peers' (pip-installed) have theirs
    ours, sentry = tool("role-wizard"), tool("policy_sentry")
    if ours is None:
        sys.exit("bench: role-wizard is not installed; run: pip install -e '.[bench]'")
    with tempfile.TemporaryDirectory(prefix="bench-build-") as folder:
        spec = Path(folder) / "role.yaml"
        spec.write_text(ROLE_SPEC)
        template = Path(folder) / "crud.yml"
        template.write_text(SENTRY_TEMPLATE)
        commands = {OURS: [ours, "build", str(spec), "--format", "json"]}
        if sentry is not None:
            commands[PEER] = [sentry, "write-policy", "--input-file", str(template)]
        load = os.getloadavg()[0]
        result = summarise(time_interleaved(commands, args.runs))
    result["load_average"] = load
    if sentry is None:
        result["skipped"] = "policy_sentry is not installed (pip install -e '.[bench]')"
    print(f"{'command':<28} {'median':>8} {'mean':>8} {'CPU median':>11}  ({args.runs} runs each)")
    for name, row in result["commands"].items():
        print(
            f"{name:<28} {row['wall_median'] * 1000:>6.0f}ms {row['wall_mean'] * 1000:>6.0f}ms "
            f"{row['cpu_median'] * 1000:>9.0f}ms"
        )
    if sentry is None:
        print(f"note: {result['skipped']}; no ratio")
    for label in ("wall", "cpu") if sentry else ():
        runs = result[f"per_run_ratio_{label}"]
        print(
            f"ratio of medians ({label}), ours / policy_sentry: {result[f'ratio_{label}']:.2f}  "
            f"(target: <= {TARGET:.2f}); per run: middle half {runs['q1']:.2f}-{runs['q3']:.2f}, "
            f"all {runs['min']:.2f}-{runs['max']:.2f}"
        )
    print(f"load average (1 min) at the start: {load:.1f}")
    write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
