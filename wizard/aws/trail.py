"""Read a role's recorded calls from the CloudTrail log files a trail delivers to S3.

CloudTrail writes one gzip-compressed JSON file (``{"Records": [...]}``, the record format of
the CloudTrail User Guide, "CloudTrail record contents") every few minutes per account and
region, under ``[PREFIX/]AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`` (an organization
trail: ``[PREFIX/]AWSLogs/ORG-ID/ACCOUNT/CloudTrail/...``; CloudTrail User Guide, "Finding
your CloudTrail log files"). Unlike ``lookup_events`` these hold data events too (S3 objects,
DynamoDB items, Lambda invokes, SQS messages) when the trail records them, and any age.

This module lists the day folders of the window in every region the bucket holds, then reads
the files in parallel (a bounded number of workers and of files in flight), each streamed
through gzip from the HTTP body; only the role's calls are kept, never the bucket. Which
records are the role's and what each call needed is the domain's
(:func:`wizard.policy.tighten.calls_from_records`), the same code that reads ``lookup_events``.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import gzip
import io
import json
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.config import Config

from wizard.aws.provision import AWS_ERRORS, AwsFailure, one_line
from wizard.aws.session import AwsSession
from wizard.errors import UserError
from wizard.policy.tighten import Call, RoleSnapshot, calls_from_records
from wizard.text import count

WORKERS = 8  # files read at once: well within S3's 5,500 GET/s per prefix
IN_FLIGHT = WORKERS * 4  # files submitted and not yet read, at most


@dataclass(frozen=True)
class TrailLocation:
    bucket: str
    prefix: str = ""  # the trail's S3KeyPrefix, without a trailing slash
    trail: str | None = None  # the trail's name when it was discovered

    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix + '/' if self.prefix else ''}"


@dataclass
class TrailRead:
    """What reading the log files found: the role's calls, and how much was read."""

    calls: list[Call] = field(default_factory=list)
    files: int = 0
    records: int = 0
    bytes: int = 0  # compressed bytes read
    seconds: float = 0.0


class MalformedLog(UserError):
    """A file under the trail's prefix that is not a CloudTrail log file (exit status 2)."""


# --------------------------------------------------------------------------- one file


def log_records(stream: io.RawIOBase | Any, name: str) -> list[Any]:
    """The ``Records`` of one CloudTrail log file, decompressed as the compressed bytes stream
    in (one file's JSON is held while it is parsed; CloudTrail delivers a file every ~5 minutes,
    so files stay small). A file that is not gzip, not JSON, or not ``{"Records": [...]}`` is a
    :class:`MalformedLog` naming it; a failing read of the stream is raised as it is."""
    try:
        with gzip.GzipFile(fileobj=stream) as unzipped:
            text = unzipped.read()
        data = json.loads(text)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise MalformedLog(
            f"not a gzip-compressed CloudTrail log file ({exc})", where=name
        ) from None
    except ValueError as exc:  # UnicodeDecodeError included
        raise MalformedLog(f"not a CloudTrail log file: bad JSON ({exc})", where=name) from None
    records = data.get("Records") if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise MalformedLog(
            'not a CloudTrail log file: expected {"Records": [...]} at the top', where=name
        )
    return records


def calls_in_file(
    stream: Any, name: str, role: RoleSnapshot, window: tuple[dt.datetime, dt.datetime]
) -> tuple[list[Call], int]:
    """(the role's calls in the window, the number of records) of one log file."""
    records = log_records(stream, name)
    return calls_from_records(((r, ()) for r in records), role, window), len(records)


# --------------------------------------------------------------------------- where the files are


def discover_trail(ct: Any, region: str) -> tuple[TrailLocation | None, str | None]:
    """(location, note): the S3 bucket of a trail that logs ``region`` (its home region first,
    multi-region trails before single-region ones), from ``describe_trails``."""
    try:
        trails = ct.describe_trails(includeShadowTrails=True).get("trailList", [])
    except AWS_ERRORS as exc:
        return None, f"cannot list the account's trails ({one_line(exc, 160)})"
    fits = [
        t
        for t in trails
        if t.get("S3BucketName") and (t.get("IsMultiRegionTrail") or t.get("HomeRegion") == region)
    ]
    if not fits:
        return None, (
            f"no CloudTrail trail delivers log files for {region} to S3 here; name a bucket "
            "with --trail-bucket to read one"
        )
    fits.sort(key=lambda t: (t.get("HomeRegion") != region, not t.get("IsMultiRegionTrail")))
    best = fits[0]
    prefix = (best.get("S3KeyPrefix") or "").strip("/")
    return TrailLocation(best["S3BucketName"], prefix, best.get("Name")), None


def _subfolders(s3: Any, bucket: str, prefix: str) -> list[str]:
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix, Delimiter="/"
    ):
        found.extend(p["Prefix"] for p in page.get("CommonPrefixes", []))
    return found


def account_folders(s3: Any, where: TrailLocation, account: str) -> list[str]:
    """The ``.../CloudTrail/`` folders of ``account`` under the trail's prefix: its own and,
    for an organization trail, the one under the organization's id."""
    logs = f"{where.prefix}/AWSLogs/" if where.prefix else "AWSLogs/"
    out = []
    for sub in _subfolders(s3, where.bucket, logs):
        name = sub[len(logs) :].rstrip("/")
        if name == account:
            out.append(f"{sub}CloudTrail/")
        elif name.startswith("o-"):
            out.extend(
                f"{org}CloudTrail/"
                for org in _subfolders(s3, where.bucket, sub)
                if org.endswith(f"/{account}/")
            )
    return out


def day_folders(region_folder: str, start: dt.datetime, end: dt.datetime) -> list[str]:
    """``REGION/YYYY/MM/DD/`` folders (UTC days) from ``start``'s day to ``end``'s."""
    day, last = start.astimezone(dt.UTC).date(), end.astimezone(dt.UTC).date()
    out = []
    while day <= last:
        out.append(f"{region_folder}{day:%Y/%m/%d}/")
        day += dt.timedelta(days=1)
    return out


def log_keys(
    s3: Any, where: TrailLocation, account: str, start: dt.datetime, end: dt.datetime, pool: Any
) -> Iterator[str]:
    """The ``.json.gz`` keys of the window's days, every region, listed in parallel."""
    regions = [
        r
        for folder in account_folders(s3, where, account)
        for r in _subfolders(s3, where.bucket, folder)
    ]
    days = [d for r in regions for d in day_folders(r, start, end)]

    def listed(prefix: str) -> list[str]:
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=where.bucket, Prefix=prefix
        ):
            keys.extend(o["Key"] for o in page.get("Contents", []) if o["Key"].endswith(".json.gz"))
        return keys

    for keys in pool.map(listed, days):
        yield from keys


# --------------------------------------------------------------------------- reading in parallel


def _bounded(
    pool: Any, work: Callable[[str], Any], items: Iterable[str], limit: int
) -> Iterator[Any]:
    """``work(item)`` for each item on ``pool``, with at most ``limit`` submitted and unread;
    results in completion order. The first failure cancels what is pending and is raised."""
    pending: set[cf.Future[Any]] = set()
    try:
        for item in items:
            pending.add(pool.submit(work, item))
            if len(pending) >= limit:
                done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    yield fut.result()
        for fut in cf.as_completed(pending):
            yield fut.result()
    finally:
        for fut in pending:
            fut.cancel()


def read_trail(
    s3: Any,
    where: TrailLocation,
    role: RoleSnapshot,
    start: dt.datetime,
    end: dt.datetime,
    *,
    workers: int = WORKERS,
) -> TrailRead:
    """The role's calls in the window, from every log file of the window's days. AWS errors
    are an :class:`AwsFailure`; a malformed file a :class:`MalformedLog` naming it."""
    began = time.perf_counter()
    out = TrailRead()
    window = (start, end)

    def one(key: str) -> tuple[list[Call], int, int]:
        body = s3.get_object(Bucket=where.bucket, Key=key)
        size = int(body.get("ContentLength") or 0)
        with body["Body"] as stream:
            calls, records = calls_in_file(stream, f"s3://{where.bucket}/{key}", role, window)
        return calls, records, size

    try:
        with cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="trail") as pool:
            keys = log_keys(s3, where, role.account, start, end, pool)
            for calls, records, size in _bounded(pool, one, keys, max(workers * 4, 1)):
                out.calls.extend(calls)
                out.files += 1
                out.records += records
                out.bytes += size
    except AWS_ERRORS as exc:
        raise AwsFailure(
            f"cannot read the trail's log files at {where.url()}: {one_line(exc)}"
        ) from None
    out.seconds = time.perf_counter() - began
    return out


def trail_client(aws: AwsSession, workers: int = WORKERS) -> Any:
    """An S3 client with a connection per worker (botocore's pool holds 10 by default)."""
    kwargs: dict[str, Any] = {
        "region_name": aws.region,
        "config": aws.config.merge(Config(max_pool_connections=max(workers, 10))),
    }
    if aws.endpoint_url:
        kwargs["endpoint_url"] = aws.endpoint_url
    return aws.session.client("s3", **kwargs)


@dataclass(frozen=True)
class TrailOptions:
    """Which log files ``audit`` reads: none (``read`` false), a named bucket (and prefix), or
    (no bucket) the bucket of a trail ``describe_trails`` finds."""

    read: bool = True
    bucket: str | None = None
    prefix: str | None = None


def trail_calls(
    aws: AwsSession,
    role: RoleSnapshot,
    start: dt.datetime,
    end: dt.datetime,
    bucket: str | None = None,
    prefix: str | None = None,
    *,
    cloudtrail: Any = None,
    workers: int = WORKERS,
) -> tuple[list[Call] | None, list[str]]:
    """(calls, notes) for ``audit``: the role's calls in the trail's log files, or None when no
    bucket was named and none could be found (a note says why). A named bucket that cannot be
    read is an :class:`AwsFailure`; a discovered one a note."""
    notes: list[str] = []
    if bucket:
        where = TrailLocation(bucket, (prefix or "").strip("/"))
    else:
        found, note = discover_trail(cloudtrail or aws.client("cloudtrail"), aws.region)
        if found is None:
            return None, [f"CloudTrail log files: {note}"]
        where = found
    try:
        read = read_trail(trail_client(aws, workers), where, role, start, end, workers=workers)
    except AwsFailure as exc:
        if bucket:
            raise
        return None, [f"CloudTrail log files of trail {where.trail}: {exc.detail}"]
    rate = (
        f", {read.records / read.seconds:,.0f} records/s" if read.seconds and read.records else ""
    )
    notes.append(
        f"CloudTrail log files: read {count(read.files, 'file')}, {count(read.records, 'record')} at "
        f"{where.url()}{rate}; {count(len(read.calls), 'call')} by the role in the window"
    )
    if not read.files:
        notes.append(
            f"CloudTrail log files: none under {where.url()}AWSLogs/{role.account}/ for the "
            "window; is the trail logging, and is this its bucket?"
        )
    return read.calls, notes
