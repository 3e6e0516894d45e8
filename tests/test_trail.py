"""audit from CloudTrail log files: recorded log files (``tests/trail_records.py``) in a moto S3
bucket on the session's moto server, read over HTTP; the written spec builds, passes the gate,
allows every recorded call and nothing next to it.

moto implements neither IAM's last-accessed report nor ``lookup_events``: the audit degrades
to a note for each, and the log files alone carry the evidence.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
from typing import Any

import boto3
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from trail_records import (
    ACCOUNT,
    REGION,
    dynamodb,
    log_file,
    log_key,
    record,
    s3_list,
    s3_object,
    sqs,
)

from wizard.aws.demo import LAMBDA_TRUST as TRUST
from wizard.aws.session import AwsSession
from wizard.aws.trail import (
    MalformedLog,
    TrailLocation,
    day_folders,
    log_records,
    read_trail,
    trail_calls,
)
from wizard.catalog.events import event_table
from wizard.catalog.reference import reference
from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.policy.evaluate import Evaluator
from wizard.policy.gate import approve
from wizard.policy.tighten import RoleSnapshot, calls_from_records, window_start
from wizard.spec import load_spec_text

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)
# A broad role, as roles written by hand often are: everything on *.
BROAD = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:*", "sqs:*"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        },
    ],
}


def _clients(endpoint: str) -> tuple[Any, Any, Any]:
    kw = {
        "endpoint_url": endpoint,
        "region_name": REGION,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    return boto3.client("iam", **kw), boto3.client("s3", **kw), boto3.client("cloudtrail", **kw)


def _role(iam: Any, name: str) -> None:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName=name, PolicyName="broad", PolicyDocument=json.dumps(BROAD))


def _put(s3: Any, bucket: str, prefix: str, files: list[tuple[dt.datetime, list[dict]]]) -> None:
    for when, records in files:
        region = records[0]["awsRegion"] if records else REGION
        s3.put_object(Bucket=bucket, Key=log_key(prefix, region, when), Body=log_file(records))


def _scenario(role: str) -> tuple[list[dict], list[tuple[str, str, dict]]]:
    """(log files' records, the role's successful calls in the last 30 days as
    (action, resource, context) to check the written spec allows)."""
    other = "someone-else-role"
    t = [NOW - n * DAY for n in (1, 2, 3, 12, 45)]
    mine = [
        dynamodb(role, "GetItem", "Orders", t[0]),
        dynamodb(role, "PutItem", "Orders", t[1]),
        dynamodb(role, "Query", "Orders", t[3]),
        s3_object(role, "GetObject", "uploads-trail", "incoming/a.csv", t[0]),
        s3_object(role, "HeadObject", "uploads-trail", "incoming/2026/b.csv", t[2]),
        s3_list(role, "uploads-trail", "incoming/", t[2]),
        sqs(role, "SendMessage", "orders-events", t[1]),
        sqs(role, "SendMessageBatch", "orders-events", t[3]),
    ]
    noise = [
        # denied: no evidence of need
        dynamodb(role, "DeleteTable", "Orders", t[0], data=False, error="AccessDenied"),
        # before --since 30d
        dynamodb(role, "GetItem", "Archive", t[4]),
        # another role's calls
        dynamodb(other, "DeleteTable", "Orders", t[0], data=False),
        s3_object(other, "GetObject", "payroll", "2026/march.csv", t[1]),
        sqs(other, "SendMessage", "admin-queue", t[2]),
    ]
    allowed = [
        ("dynamodb:GetItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Orders", {}),
        ("dynamodb:PutItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Orders", {}),
        ("dynamodb:Query", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Orders", {}),
        ("s3:GetObject", "arn:aws:s3:::uploads-trail/incoming/a.csv", {}),
        ("s3:GetObject", "arn:aws:s3:::uploads-trail/incoming/2026/b.csv", {}),
        ("s3:ListBucket", "arn:aws:s3:::uploads-trail", {"s3:prefix": "incoming/"}),
        ("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-events", {}),
    ]
    return mine + noise, allowed


# Each is next to a recorded call: another table, key, queue or action, or what another role,
# a denied call or a call before the window did. The tightened spec must deny every one.
NEIGHBOURS = [
    ("dynamodb:GetItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Archive", {}),
    ("dynamodb:DeleteTable", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Orders", {}),
    ("s3:GetObject", "arn:aws:s3:::payroll/2026/march.csv", {}),
    ("s3:GetObject", "arn:aws:s3:::uploads-trail/private/key.pem", {}),
    ("s3:DeleteObject", "arn:aws:s3:::uploads-trail/incoming/a.csv", {}),
    ("s3:ListBucket", "arn:aws:s3:::uploads-trail", {"s3:prefix": "private/"}),
    ("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:admin-queue", {}),
    ("sqs:DeleteQueue", f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-events", {}),
]


def _evaluator(spec_yaml: str) -> Evaluator:
    spec, ctx = load_spec_text(spec_yaml)
    bundle = compose(spec)
    approve(bundle, source="tightened.yaml")  # the one gate: raises Refused on any finding
    boundary = bundle.boundary.document if bundle.boundary else None
    return Evaluator([p.document for p in bundle.policies], boundary)


@pytest.fixture
def over_http(moto_server: str, tmp_path) -> tuple[dict[str, str], Any, Any, Any]:
    """(environment for role-wizard processes, IAM, S3 and CloudTrail clients) on the server."""
    from aws_fixtures import server_env

    env = server_env(moto_server, {k: v for k, v in os.environ.items() if not k.startswith("AWS_")})
    env.update(AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    return (env, *_clients(moto_server))


# --------------------------------------------------------------------------- end to end


def test_e2e_spec_from_log_files_allows_what_was_used_and_nothing_beside(
    over_http, tmp_path
) -> None:
    from cli_helpers import run_wizard

    env, iam, s3, _ct = over_http
    role = "trail-e2e-role"
    _role(iam, role)
    bucket = "trail-e2e-logs"
    s3.create_bucket(Bucket=bucket)
    records, allowed = _scenario(role)
    # spread over files, days and two regions as a trail delivers them
    files = [
        (NOW - DAY, records[:4]),
        (NOW - 2 * DAY, records[4:9]),
        (NOW - 45 * DAY, records[9:10]),
    ]
    files.append((NOW - 3 * DAY, records[10:]))
    files.append((NOW - DAY, [dynamodb("x-role", "Scan", "T", NOW - DAY, region="eu-west-1")]))
    _put(s3, bucket, "prod", files)

    written = tmp_path / "tightened.yaml"
    audit = run_wizard(
        "audit", role, "--since", "30d", "--trail-bucket", bucket, "--trail-prefix", "prod",
        "--format", "json", "--write-spec", written, env=env,
    )  # fmt: skip
    assert audit.returncode == 0, audit.stderr
    report = json.loads(audit.stdout)
    notes = "\n".join(report["notes"])
    # what moto lacks degrades to notes; the log files carry the evidence
    assert "IAM last-accessed data is not available here" in notes
    assert "CloudTrail lookup_events is not available here" in notes
    assert "read 4 files, 13 records" in notes  # the 45-day-old file is not read
    assert "8 calls by the role in the window" in notes

    ev = _evaluator(written.read_text())
    for action, resource, context in allowed:
        assert ev.evaluate(action, resource, context).allowed, (action, resource)
    for action, resource, context in NEIGHBOURS:
        assert not ev.evaluate(action, resource, context).allowed, (action, resource)
    dropped = {a for d in report["tightened_spec"]["dropped"] for a in d["actions"]}
    assert {"dynamodb:DeleteTable", "sqs:DeleteQueue", "s3:DeleteObject"} <= dropped
    kinds = {r["kind"] for r in yaml.safe_load(written.read_text())["resources"]}
    assert kinds == {"dynamodb-table", "s3-prefix", "sqs-queue"}  # catalog kinds, no custom


def test_e2e_a_malformed_log_file_is_a_one_line_error_naming_it(over_http, tmp_path) -> None:
    from cli_helpers import run_wizard

    env, iam, s3, _ct = over_http
    role = "trail-malformed-role"
    _role(iam, role)
    bucket = "trail-malformed-logs"
    s3.create_bucket(Bucket=bucket)
    _put(s3, bucket, "", [(NOW - DAY, [dynamodb(role, "GetItem", "Orders", NOW - DAY)])])
    bad = log_key("", REGION, NOW - DAY)
    s3.put_object(Bucket=bucket, Key=bad, Body=gzip.compress(b'{"Records": [{"eventName": '))
    written = tmp_path / "never.yaml"
    audit = run_wizard("audit", role, "--trail-bucket", bucket, "--write-spec", written, env=env)
    assert audit.returncode == 2
    assert audit.stderr.startswith(f"role-wizard: s3://{bucket}/{bad}: not a CloudTrail log file")
    assert audit.stderr.count("\n") == 1 and "Traceback" not in audit.stderr
    assert not written.exists()


def test_e2e_a_named_bucket_that_cannot_be_read_is_an_aws_failure(over_http) -> None:
    from cli_helpers import run_wizard

    env, iam, _s3, _ct = over_http
    role = "trail-nobucket-role"
    _role(iam, role)
    audit = run_wizard("audit", role, "--trail-bucket", "no-such-trail-bucket", env=env)
    assert audit.returncode == 1
    assert "cannot read the trail's log files at s3://no-such-trail-bucket/" in audit.stderr
    assert "NoSuchBucket" in audit.stderr


# --------------------------------------------------------------------------- in process


@pytest.fixture
def aws(aws_env: str) -> AwsSession:
    return AwsSession(boto3.Session(region_name=REGION), REGION, endpoint_url=aws_env)


def _snapshot(name: str) -> RoleSnapshot:
    return RoleSnapshot(
        name, f"arn:aws:iam::{ACCOUNT}:role/{name}", ACCOUNT, "aws", "/", None, TRUST, [], [],
        None, None, {},
    )  # fmt: skip


def test_the_bucket_is_found_from_describe_trails(aws: AwsSession) -> None:
    s3, ct = aws.client("s3"), aws.client("cloudtrail")
    bucket = "trail-discovered-logs"
    s3.create_bucket(Bucket=bucket)
    ct.create_trail(
        Name="discovered", S3BucketName=bucket, S3KeyPrefix="audit/x", IsMultiRegionTrail=True
    )
    try:
        role = _snapshot("trail-found-role")
        _put(s3, bucket, "audit/x", [(NOW - DAY, [sqs(role.name, "SendMessage", "q", NOW - DAY)])])
        calls, notes = trail_calls(aws, role, NOW - 7 * DAY, NOW)
    finally:
        ct.delete_trail(Name="discovered")
    assert [c.action for c in calls] == ["sqs:SendMessage"]
    assert f"s3://{bucket}/audit/x/" in notes[0]


def test_a_discovered_bucket_that_cannot_be_read_degrades_to_a_note(aws: AwsSession) -> None:
    s3, ct = aws.client("s3"), aws.client("cloudtrail")
    bucket = "trail-gone-logs"
    s3.create_bucket(Bucket=bucket)
    ct.create_trail(Name="gone", S3BucketName=bucket)
    s3.delete_bucket(Bucket=bucket)
    try:
        calls, notes = trail_calls(aws, _snapshot("trail-gone-role"), NOW - DAY, NOW)
    finally:
        ct.delete_trail(Name="gone")
    assert calls is None
    assert len(notes) == 1 and notes[0].startswith("CloudTrail log files of trail gone: ")
    assert "NoSuchBucket" in notes[0]


def test_no_trail_and_no_bucket_degrades_to_a_note(aws: AwsSession) -> None:
    calls, notes = trail_calls(aws, _snapshot("trail-none-role"), NOW - DAY, NOW)
    assert calls is None
    assert notes == [
        f"CloudTrail log files: no CloudTrail trail delivers log files for {REGION} to S3 "
        "here; name a bucket with --trail-bucket to read one"
    ]


def test_reading_is_bounded_by_the_window_days_and_the_account(aws: AwsSession) -> None:
    s3 = aws.client("s3")
    bucket = "trail-window-logs"
    s3.create_bucket(Bucket=bucket)
    role = _snapshot("trail-window-role")
    inside = [dynamodb(role.name, "GetItem", "T", NOW - 2 * DAY)]
    _put(s3, bucket, "", [(NOW - 2 * DAY, inside), (NOW - 20 * DAY, inside)])
    other_account = log_key("", REGION, NOW - DAY, account="210987654321")
    s3.put_object(Bucket=bucket, Key=other_account, Body=log_file(inside))
    got = read_trail(s3, TrailLocation(bucket), role, NOW - 3 * DAY, NOW, workers=2)
    assert (got.files, got.records, len(got.calls)) == (1, 1, 1)


# --------------------------------------------------------------------------- log files


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"plain text, not gzip", "not a gzip-compressed CloudTrail log file"),
        (gzip.compress(mtime=0, data=b"{not json"), "not a CloudTrail log file: bad JSON"),
        (gzip.compress(mtime=0, data=b"\xff\xfe\x00"), "not a CloudTrail log file: bad JSON"),
        (gzip.compress(mtime=0, data=b'{"records": []}'), 'expected {"Records": [...]}'),
        (gzip.compress(mtime=0, data=b"[1, 2]"), 'expected {"Records": [...]}'),
        (
            gzip.compress(mtime=0, data=b'{"Records": []}')[:-6],
            "not a gzip-compressed CloudTrail log file",
        ),
    ],
    # ids of their own: the same on every xdist worker (gzip's header would carry the time)
    ids=["not-gzip", "bad-json", "not-utf8", "lower-case-records", "a-list", "truncated-gzip"],
)
def test_a_malformed_log_file_names_the_file(body: bytes, what: str) -> None:
    with pytest.raises(MalformedLog) as err:
        log_records(io.BytesIO(body), "s3://b/k.json.gz")
    assert str(err.value).startswith("s3://b/k.json.gz: ")
    assert what in str(err.value)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(
    [
        "userIdentity",
        "eventSource",
        "eventName",
        "eventTime",
        "resources",
        "requestParameters",
        "errorCode",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(_keys, _json, max_size=7) | _json, max_size=5))
def test_any_json_in_a_log_file_reads_without_a_crash(records: list[Any]) -> None:
    """Log files are untrusted input: whatever JSON a record holds, reading gives calls or
    nothing, never an exception."""
    role = _snapshot("fuzz-role")
    for r in records:
        if isinstance(r, dict):
            r.setdefault("userIdentity", {"sessionContext": {"sessionIssuer": {"arn": role.arn}}})
    window = (NOW - 30 * DAY, NOW)
    body = io.BytesIO(log_file(records))
    calls = calls_from_records(((r, ()) for r in log_records(body, "f")), role, window)
    assert all(":" in c.action for c in calls)


def test_day_folders_cover_the_window_in_utc() -> None:
    start = dt.datetime(2026, 2, 27, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    end = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    assert day_folders("r/", start, end) == ["r/2026/02/28/", "r/2026/03/01/", "r/2026/03/02/"]


def test_records_outside_the_window_or_by_other_roles_are_not_calls() -> None:
    role = _snapshot("orders-role")
    records = [
        record(role.name, "sns.amazonaws.com", "Publish", NOW - DAY),
        record(role.name, "sns.amazonaws.com", "Subscribe", NOW - 40 * DAY),
        record("orders-role-2", "sns.amazonaws.com", "Unsubscribe", NOW - DAY),  # a prefix alike
        {**record(role.name, "sns.amazonaws.com", "ListTopics", NOW), "eventTime": "yesterday"},
    ]
    calls = calls_from_records(((r, ()) for r in records), role, (NOW - 30 * DAY, NOW))
    assert [c.action for c in calls] == ["sns:Publish"]


# --------------------------------------------------------------------------- --since


JUNE = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("since", "start"),
    [
        ("30d", JUNE - 30 * DAY),
        ("90d", JUNE - 90 * DAY),
        ("2026-01-01", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
    ],
)
def test_since_takes_days_or_a_date(since: str, start: dt.datetime) -> None:
    assert window_start(since, JUNE) == start


@pytest.mark.parametrize(
    "since", ["0d", "90", "-5d", "2026-13-01", "3 months", "9999-01-01", "99999d"]
)
def test_a_bad_since_is_a_user_error(since: str) -> None:
    with pytest.raises(UserError, match=f"--since {since}"):
        window_start(since, NOW)


# --------------------------------------------------------------------------- the exceptions table


def test_every_event_exception_names_a_real_action_and_a_source() -> None:
    ref = reference()
    table = event_table()
    assert table.events and table.sources
    for entry in table.events:
        assert ref.action(entry.action) is not None, entry
        assert ref.action(entry.event) is None, (
            f"{entry.event} is an action itself: not an exception"
        )
        assert entry.why.strip(), entry
    for alias in table.sources:
        assert ref.has_service(alias.prefix) and not ref.has_service(alias.source), alias


# --------------------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "soon"], "--since soon: expected a number of days"),
        (["--trail-prefix", "p"], "--trail-prefix needs --trail-bucket"),
        (["--no-trail-logs", "--trail-bucket", "b"], "contradict each other"),
    ],
)
def test_bad_trail_options_are_one_line_errors(run_cli, argv: list[str], message: str) -> None:
    from cli_helpers import one_line_error

    result = run_cli("audit", "some-role", *argv)
    assert one_line_error(result), result
    assert message in result.err


def test_since_and_lookback_days_exclude_each_other(run_cli) -> None:
    result = run_cli("audit", "some-role", "--since", "30d", "--lookback-days", "30")
    assert result.code == 2 and "not allowed with argument" in result.err


def test_a_failing_read_of_the_stream_is_not_called_malformed() -> None:
    class Broken(io.RawIOBase):
        def readinto(self, buffer) -> int:
            raise ConnectionResetError("connection reset by peer")

        def readable(self) -> bool:
            return True

    with pytest.raises(ConnectionResetError):
        log_records(Broken(), "s3://b/k.json.gz")
