"""Benchmark: ``role-wizard build`` of a 30-function app spec as Terraform against the same spec
as JSON, each a whole process.

    python bench/bench_app.py [--functions 30] [--runs 11] [--json FILE]

The app spec's functions each touch two to four resources of five kinds (tables, queues,
prefixes, secrets, parameters) with different access profiles, so their roles, and their
envelope boundaries, differ (some are the same and are shared). The two commands take turns,
in an order that alternates from run to run, after one untimed run of each (a warm-up and a
check that it works). The target: Terraform within 2x the time of JSON.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench_build import time_interleaved, tool
from installed import compile_package
from results import add_json_option, spread_of, write_json

TARGET = 2.0
KINDS = [
    ("dynamodb-table", "name", ("read", "read-write")),
    ("sqs-queue", "name", ("consume", "send")),
    ("s3-prefix", "bucket", ("read", "write")),
    ("secretsmanager-secret", "name", ("read",)),
    ("ssm-parameter", "name", ("read",)),
]


def app_spec(functions: int) -> str:
    """An app spec of ``functions`` functions (deterministic)."""
    lines = ["app: bench", 'account: "123456789012"', "region: us-east-1", "functions:"]
    for i in range(functions):
        lines.append(f"  - function: fn-{i:02d}")
        lines.append("    resources:")
        for j in range(2 + i % 3):
            kind, field, profiles = KINDS[(i + j) % len(KINDS)]
            access = profiles[(i // 5 + j) % len(profiles)]
            value = f"/bench/p{i}" if kind == "ssm-parameter" else f"bench-{kind[:3]}-{i}"
            extra = ", prefix: in/" if kind == "s3-prefix" else ""
            lines.append(f"      - {{kind: {kind}, {field}: {value}{extra}, access: {access}}}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=30, help="functions in the app spec")
    parser.add_argument("--runs", type=int, default=11, help="timed runs of each command")
    add_json_option(parser)
    args = parser.parse_args()
    compile_package()
    ours = tool("role-wizard")
    if ours is None:
        sys.exit("bench: role-wizard is not installed; run: pip install -e .")
    with tempfile.TemporaryDirectory(prefix="bench-app-") as folder:
        spec = Path(folder) / "app.yaml"
        spec.write_text(app_spec(args.functions))
        commands = {
            fmt: [ours, "build", str(spec), "--format", fmt, "-o", str(Path(folder) / fmt)]
            for fmt in ("json", "terraform")
        }
        load = os.getloadavg()[0]
        times = time_interleaved(commands, args.runs)
    result: dict = {
        "functions": args.functions,
        "runs": args.runs,
        "target": TARGET,
        "load_average": load,
        "commands": {},
    }
    for fmt, samples in times.items():
        result["commands"][fmt] = {
            "wall_median": statistics.median(w for w, _ in samples),
            "cpu_median": statistics.median(c for _, c in samples),
        }
    for label, col in (("wall", 0), ("cpu", 1)):
        tf, js = times["terraform"], times["json"]
        result[f"ratio_{label}"] = statistics.median(s[col] for s in tf) / statistics.median(
            s[col] for s in js
        )
        result[f"per_run_ratio_{label}"] = spread_of(
            [t[col] / j[col] for t, j in zip(tf, js, strict=True)]
        )
    print(f"build of a {args.functions}-function app spec, {args.runs} runs each:")
    for fmt, row in result["commands"].items():
        print(
            f"  {fmt:<10} median {row['wall_median'] * 1000:.0f} ms (CPU {row['cpu_median'] * 1000:.0f} ms)"
        )
    runs = result["per_run_ratio_wall"]
    print(
        f"terraform / json: {result['ratio_wall']:.2f}x wall, {result['ratio_cpu']:.2f}x CPU "
        f"(target: <= {TARGET}x); per run: middle half {runs['q1']:.2f}-{runs['q3']:.2f}"
    )
    print(f"load average (1 min) at the start: {load:.1f}")
    write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
