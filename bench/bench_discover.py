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
   imports the CLI, so the lazy seeding shows. Every demo command shares one sandbox server
   (``wizard/aws/demo.py``): "cold" runs get a new, empty ``XDG_STATE_HOME`` each (the command
   starts the server and seeds what it asks for), "warm" runs reuse one whose server is running
   and seeded (what every command after the first in a session pays). The servers are stopped
   at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from results import add_json_option, load_moto_helpers, write_json

moto_helpers = load_moto_helpers()
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
    import tempfile

    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    wizard = [sys.executable, "-m", "wizard"]
    cases = {
        "import only (role-wizard --help)": ([*wizard, "--help"], "warm"),
        "discover dynamodb-table --demo, cold": (
            [*wizard, "discover", "dynamodb-table", "--demo"], "cold"),
        "discover dynamodb-table --demo, warm": (
            [*wizard, "discover", "dynamodb-table", "--demo"], "warm"),
        "discover sqs-queue --demo, cold": ([*wizard, "discover", "sqs-queue", "--demo"], "cold"),
        "discover all --demo, cold (every service)": (
            [*wizard, "discover", "all", "--demo"], "cold"),
    }  # fmt: skip
    # Bytecode compiled first, as `pip install` does (see bench/installed.py), for whichever
    # `wizard` package these processes import (PYTHONPATH may name another checkout).
    compile_code = "import compileall, os, wizard; compileall.compile_dir(os.path.dirname(wizard.__file__), quiet=1)"
    subprocess.run([sys.executable, "-c", compile_code], env=base, check=True)
    print(f"\n== --demo start-up: wall time of a fresh process, median of {rounds}")
    figures: dict = {"rounds": rounds, "cases": {}}
    with tempfile.TemporaryDirectory() as tmp:
        homes = []

        def stop(state_home: Path) -> None:
            demo_dir = state_home / "lambda-role-wizard" / "demo"
            if (demo_dir / "server.json").exists():  # (the code before the shared sandbox: none)
                from wizard.aws.demo import stop_sandbox

                stop_sandbox(demo_dir)

        def home(name: str) -> dict[str, str]:
            homes.append(Path(tmp) / name)
            return {**base, "XDG_STATE_HOME": str(homes[-1])}

        warm = home("warm")
        subprocess.run([*wizard, "discover", "dynamodb-table", "--demo"], env=warm, check=True,
                       capture_output=True)  # fmt: skip
        try:
            for label, (argv, state) in cases.items():
                walls = []
                for i in range(rounds):
                    env = warm if state == "warm" else home(f"{label}-{i}".replace(" ", "_"))
                    start = time.perf_counter()
                    subprocess.run(argv, env=env, check=True, capture_output=True)
                    walls.append(time.perf_counter() - start)
                    if state == "cold":  # not left running to load the next rounds
                        stop(homes.pop())
                print(f"  {label:44} {statistics.median(walls):.2f} s  (min {min(walls):.2f})")
                figures["cases"][label] = statistics.median(walls)
        finally:
            for state_home in homes:
                stop(state_home)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--demo-only", action="store_true", help="only the --demo start-up")
    add_json_option(parser)
    args = parser.parse_args()
    if args.serve:
        serve(args.tables)
        return
    if args.demo_only:
        write_json(args.json, {"demo": bench_demo(args.rounds)})
        return
    serve_argv = [sys.executable, __file__, "--serve", "--tables", str(args.tables)]
    with moto_helpers.child_server(serve_argv) as endpoint:
        figures = {"listing": bench_listing(endpoint, args.tables, args.rounds)}
    if not args.skip_demo:
        figures["demo"] = bench_demo(args.rounds)
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
