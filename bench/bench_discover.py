"""Benchmark: ``discover dynamodb-table`` over 10,000 tables, and ``--demo`` start-up.

    .venv/bin/python bench/bench_discover.py [--tables 10000] [--rounds 5] [--skip-demo] [--json FILE]

1. A moto server runs in a child process (so client and server do not share a GIL) holding
   N tables, created in moto's backend directly (the API path costs ~6 ms a table; both helpers
   come from ``tests/moto_helpers.py``, which the tests share and which needs no pytest). The same
   listing is then timed side by side, alternating, for several rounds:
   - ours: ``Discoverer(aws).list("dynamodb-table")``, a fresh Discoverer each round (no cache);
   - bare: a boto3 ``list_tables`` paginator loop collecting the names.
   It reports the median of each, their ratio (target: ours within 1.2x) and the time until
   the first page reaches the caller (``next(Discoverer.pages(...))``) next to the whole list.
2. ``--demo`` start-up: wall time of a fresh ``role-wizard discover KIND --demo`` process for
   one kind, against ``discover all --demo`` (every service seeded) and a process that only
   imports the CLI, so the lazy seeding shows.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from results import add_json_option, write_json


def _moto_helpers():
    """The tests' moto helpers (``tests/moto_helpers.py``, no pytest needed), loaded by path."""
    path = Path(__file__).resolve().parent.parent / "tests" / "moto_helpers.py"
    spec = importlib.util.spec_from_file_location("moto_helpers", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


moto_helpers = _moto_helpers()
REGION = moto_helpers.REGION


def serve(tables: int) -> None:
    """Child process: a moto server holding ``tables`` tables; prints its URL, runs until stdin closes."""
    server, url = moto_helpers.start_moto_server()
    moto_helpers.bulk_tables(tables, "bench-table-{:05d}")
    print(url, flush=True)
    sys.stdin.read()
    server.stop()


def bench_listing(endpoint: str, tables: int, rounds: int) -> dict:
    import boto3

    from wizard.aws.discover import Discoverer
    from wizard.aws.session import RETRY_CONFIG, AwsSession

    creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    session = boto3.Session(region_name=REGION, **creds)
    aws = AwsSession(session=session, region=REGION, endpoint_url=endpoint)
    bare_client = boto3.Session(region_name=REGION, **creds).client(
        "dynamodb", endpoint_url=endpoint, config=RETRY_CONFIG
    )

    def ours() -> int:
        return len(Discoverer(aws).list("dynamodb-table"))

    def bare() -> int:
        names: list[str] = []
        for page in bare_client.get_paginator("list_tables").paginate():
            names.extend(page["TableNames"])
        return len(names)

    def first_page() -> int:
        return len(next(Discoverer(aws).pages("dynamodb-table")))

    # warm-up: client creation, the account id from STS, moto's lazy backend set-up
    assert ours() == tables and bare() == tables and first_page() > 0
    times: dict[str, list[float]] = {"ours": [], "bare": [], "first": []}
    for i in range(rounds):
        order = [("ours", ours), ("bare", bare)]
        if i % 2:
            order.reverse()
        for name, run in [*order, ("first", first_page)]:
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)

    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"\n== discover dynamodb-table: {tables:,} tables, {rounds} rounds (moto server in a child process)"
    )
    for name, label in (("ours", "Discoverer.list"), ("bare", "bare boto3 paginator")):
        runs = " ".join(f"{t:.3f}" for t in times[name])
        print(f"  {label:22} median {med[name]:.3f} s  min {min(times[name]):.3f} s  [{runs}]")
    paired = statistics.median(o / b for o, b in zip(times["ours"], times["bare"], strict=True))
    print(f"  ratio ours/bare        {med['ours'] / med['bare']:.3f}x of medians (target <= 1.2x)")
    print(f"  ratio, paired rounds   {paired:.3f}x median of the per-round ratios")
    print(
        f"  first page to caller   median {med['first'] * 1000:.1f} ms "
        f"({100 * med['first'] / med['ours']:.1f}% of the whole list)"
    )
    return {
        "tables": tables,
        "rounds": rounds,
        "ours_median": med["ours"],
        "bare_median": med["bare"],
        "first_page_median": med["first"],
        "ratio": med["ours"] / med["bare"],
        "paired_ratio": paired,
        "target": 1.2,
    }


def bench_demo(rounds: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    wizard = [sys.executable, "-m", "wizard"]
    cases = {
        "import only (role-wizard --help)": [*wizard, "--help"],
        "discover dynamodb-table --demo": [*wizard, "discover", "dynamodb-table", "--demo"],
        "discover sqs-queue --demo": [*wizard, "discover", "sqs-queue", "--demo"],
        "discover all --demo (every service)": [*wizard, "discover", "all", "--demo"],
    }
    print(f"\n== --demo start-up: wall time of a fresh process, median of {rounds}")
    figures: dict = {"rounds": rounds, "cases": {}}
    for label, argv in cases.items():
        walls = []
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            walls.append(time.perf_counter() - start)
        print(f"  {label:38} {statistics.median(walls):.2f} s  (min {min(walls):.2f})")
        figures["cases"][label] = statistics.median(walls)
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from wizard.aws.demo import demo_session\n"
        "from wizard.aws.discover import Discoverer\n"
        "t1 = time.perf_counter(); aws = demo_session(); t2 = time.perf_counter()\n"
        "first = next(Discoverer(aws).pages('dynamodb-table')); t3 = time.perf_counter()\n"
        "print(f'{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {len(first)}')\n"
    )
    parts = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
        ).stdout.split()
        parts.append([float(x) for x in out[:3]])
    imp, start, first = (statistics.median(p[i] for p in parts) for i in range(3))
    print(
        f"  in-process breakdown: imports {imp:.2f} s, sandbox start {start * 1000:.0f} ms, "
        f"first dynamodb page (seeding DynamoDB included) {first:.2f} s"
    )
    figures["in_process"] = {"imports": imp, "sandbox_start": start, "first_page": first}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-demo", action="store_true")
    add_json_option(parser)
    args = parser.parse_args()
    if args.serve:
        serve(args.tables)
        return
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--tables", str(args.tables)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        endpoint = child.stdout.readline().strip()
        figures = {"listing": bench_listing(endpoint, args.tables, args.rounds)}
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=30)
    if not args.skip_demo:
        figures["demo"] = bench_demo(args.rounds)
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
