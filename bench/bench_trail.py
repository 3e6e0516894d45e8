"""Benchmark: reading CloudTrail log files for ``audit ROLE --write-spec`` (records per second).

    .venv/bin/python bench/bench_trail.py [--files 200] [--records 500] [--rounds 3] [--workers 8] [--json FILE]

A moto server runs in a child process (so client and server do not share a GIL) holding one
bucket of ``--files`` log files of ``--records`` records each, spread over the last days and
shaped as CloudTrail writes them (``tests/trail_records.py``, loaded by its path: S3, DynamoDB
and SQS data events, a tenth of them by the audited role). Then, for several rounds:

- ``read_trail``: list the window's day folders, fetch every file over HTTP from the server and
  stream it through gzip, keeping the role's calls (what ``audit --trail-bucket`` does), with
  ``--workers`` threads;
- the same files already in memory, through ``calls_in_file`` on one thread: the cost of
  decompressing, parsing and matching alone, without HTTP or moto.

It prints the median rate of each in records/s (and files/s, compressed MB/s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import random
import statistics
import sys
import time
from pathlib import Path

from results import add_json_option, write_json

TESTS = Path(__file__).resolve().parent.parent / "tests"
BUCKET = "bench-trail-logs"
ROLE = "orders-api-role"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


moto_helpers = _load("moto_helpers")
records_of = _load("trail_records")
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def make_files(files: int, records: int) -> list[tuple[str, bytes]]:
    """(key, gzip bytes) of ``files`` log files over the 10 days before NOW; fixed seed."""
    rnd = random.Random(7)
    roles = [ROLE, *(f"other-{i}-role" for i in range(9))]
    out = []
    for i in range(files):
        when = NOW - dt.timedelta(minutes=5 * i % (10 * 24 * 60))
        batch = []
        for _ in range(records):
            role = rnd.choice(roles)
            pick = rnd.randrange(3)
            if pick == 0:
                batch.append(records_of.dynamodb(role, "GetItem", f"T{rnd.randrange(20)}", when))
            elif pick == 1:
                key = f"in/{rnd.randrange(1000)}.csv"
                batch.append(records_of.s3_object(role, "GetObject", "data-bkt", key, when))
            else:
                batch.append(records_of.sqs(role, "SendMessage", f"q{rnd.randrange(5)}", when))
        key = records_of.log_key("", records_of.REGION, when)
        out.append((key, records_of.log_file(batch)))
    return out


def serve(files: int, records: int) -> None:
    """Child process: a moto server holding the bucket; prints its URL, runs until stdin closes."""
    import boto3

    server, url = moto_helpers.start_moto_server()
    s3 = boto3.client(
        "s3",
        endpoint_url=url,
        region_name=records_of.REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET)
    for key, body in make_files(files, records):
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    print(url, flush=True)
    sys.stdin.read()
    server.stop()


def _role():
    from wizard.policy.tighten import RoleSnapshot

    account = records_of.ACCOUNT
    arn = f"arn:aws:iam::{account}:role/{ROLE}"
    return RoleSnapshot(ROLE, arn, account, "aws", "/", None, {}, [], [], None, None, {})


def bench(endpoint: str, files: int, records: int, rounds: int, workers: int) -> dict:
    import boto3

    from wizard.aws.session import AwsSession
    from wizard.aws.trail import TrailLocation, calls_in_file, read_trail, trail_client

    session = boto3.Session(
        region_name=records_of.REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    aws = AwsSession(session=session, region=records_of.REGION, endpoint_url=endpoint)
    s3 = trail_client(aws, workers)
    role = _role()
    start, end = NOW - dt.timedelta(days=11), NOW
    local = make_files(files, records)  # the same bytes the server holds (fixed seed)
    total = files * records
    size = sum(len(b) for _k, b in local)

    def over_http() -> int:
        got = read_trail(s3, TrailLocation(BUCKET), role, start, end, workers=workers)
        assert (got.files, got.records) == (files, total), (got.files, got.records)
        return len(got.calls)

    def in_memory() -> int:
        return sum(len(calls_in_file(io.BytesIO(b), k, role, (start, end))[0]) for k, b in local)

    calls = over_http()  # warm-up: clients, connections, moto's lazy set-up
    assert in_memory() == calls
    times: dict[str, list[float]] = {"http": [], "memory": []}
    for _ in range(rounds):
        for name, run in (("http", over_http), ("memory", in_memory)):
            began = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - began)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"\n== CloudTrail log files: {files:,} files x {records:,} records = {total:,} records, "
        f"{size / 1e6:.1f} MB gzip, {calls:,} calls by the role; {rounds} rounds"
    )
    for name, label in (
        ("http", f"read_trail, {workers} workers"),
        ("memory", "in memory, 1 thread"),
    ):
        runs = " ".join(f"{t:.2f}" for t in times[name])
        print(
            f"  {label:26} {total / med[name]:>9,.0f} records/s  {files / med[name]:>7,.0f} files/s  "
            f"{size / 1e6 / med[name]:6.1f} MB/s  [{runs} s]"
        )
    return {
        "files": files,
        "records": total,
        "gzip_bytes": size,
        "role_calls": calls,
        "rounds": rounds,
        "workers": workers,
        "http_median_s": med["http"],
        "memory_median_s": med["memory"],
        "http_records_per_s": total / med["http"],
        "memory_records_per_s": total / med["memory"],
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--records", type=int, default=500)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    add_json_option(p)
    args = p.parse_args()
    if args.serve:
        serve(args.files, args.records)
        return
    serve_argv = [sys.executable, __file__, "--serve", "--files", str(args.files)]
    with moto_helpers.child_server([*serve_argv, "--records", str(args.records)]) as endpoint:
        figures = bench(endpoint, args.files, args.records, args.rounds, args.workers)
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
