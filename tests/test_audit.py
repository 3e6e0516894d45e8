"""audit: reading a role, managed-policy excess, usage data (Stubber), the tightened spec.

moto implements neither IAM's service-last-accessed report nor CloudTrail ``lookup_events``:
those paths run against botocore's Stubber.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap
from collections.abc import Iterator

import boto3
import pytest
import yaml
from botocore.stub import Stubber
from moto import mock_aws

from wizard.aws.audit import (
    AttachedPolicy,
    AuditReport,
    RoleSnapshot,
    audit_role,
    cloudtrail_calls,
    last_accessed,
    managed_excess,
    sarif,
    tighten_report,
)
from wizard.aws.provision import apply
from wizard.aws.session import AwsSession
from wizard.bundle import NamedPolicy
from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.policy.tighten import spec_text
from wizard.spec import load_spec_text

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/orders-api-role"
JOB = "0123456789abcdef0123456789abcdef0123"  # IAM job ids are 36 characters
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)

# fake credentials, no profile, config file or endpoint (tests/aws_fixtures.py)
pytestmark = pytest.mark.usefixtures("mock_env")

SPEC = """\
function: orders-api
role: {description: orders, tags: {team: payments}}
resources:
  - {kind: dynamodb-table, name: Orders, access: read-write}
  - {kind: s3-prefix, bucket: uploads, prefix: incoming/, access: read}
  - {kind: sqs-queue, name: orders-events, access: consume}
"""


def compose_text(text: str):
    spec, ctx = load_spec_text(textwrap.dedent(text))
    spec.account = spec.account or ACCOUNT
    spec.region = spec.region or REGION
    return compose(spec, ctx)


@pytest.fixture
def aws() -> Iterator[AwsSession]:
    with mock_aws():
        yield AwsSession(session=boto3.Session(region_name=REGION), region=REGION)


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource, **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def snapshot(inline: list[dict], attached: list[AttachedPolicy] = ()) -> RoleSnapshot:
    return RoleSnapshot(
        name="orders-api-role",
        arn=ROLE_ARN,
        account=ACCOUNT,
        partition="aws",
        path="/",
        description=None,
        trust=doc(),
        inline=[NamedPolicy(f"p{i}", d) for i, d in enumerate(inline)],
        attached=list(attached),
        boundary_arn=None,
        boundary=None,
        tags={},
    )


def stubbed(service: str) -> tuple[object, Stubber]:
    client = boto3.client(service, region_name=REGION)
    return client, Stubber(client)


# --------------------------------------------------------------------------- reading


def test_audit_reads_a_role_made_by_apply(aws: AwsSession) -> None:
    apply(aws, compose_text(SPEC))
    report = audit_role(aws, "orders-api-role", now=NOW)
    assert report.role.inline[0].name == "orders-api-access"
    assert report.role.boundary_arn == f"arn:aws:iam::{ACCOUNT}:policy/orders-api-role-boundary"
    assert report.role.boundary is not None
    assert report.role.tags["team"] == "payments"


def test_apis_moto_lacks_become_notes_not_failures(aws: AwsSession) -> None:
    apply(aws, compose_text(SPEC))
    report = audit_role(aws, "orders-api-role", now=NOW)
    assert any(n.startswith("IAM last-accessed data is not available") for n in report.notes)
    assert any(n.startswith("CloudTrail lookup_events is not available") for n in report.notes)


def test_auditing_a_missing_role_is_a_user_error(aws: AwsSession) -> None:
    with pytest.raises(UserError, match="no role named 'nope'"):
        audit_role(aws, "nope")


def test_the_validator_runs_over_the_role(aws: AwsSession) -> None:
    apply(aws, compose_text(SPEC))
    aws.client("iam").put_role_policy(
        RoleName="orders-api-role",
        PolicyName="wide",
        PolicyDocument=json.dumps(doc(allow("s3:*", "*"))),
    )
    report = audit_role(aws, "orders-api-role", now=NOW)
    assert any("/wide" in f.location or "s3:*" in f.message for f in report.findings)


# --------------------------------------------------------------------------- managed excess


def test_managed_excess_lists_actions_by_service_and_access_level() -> None:
    managed = AttachedPolicy(
        "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
        "AmazonDynamoDBReadOnlyAccess",
        True,
        doc(allow(["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:ListTables"], "*")),
    )
    own = doc(allow("dynamodb:GetItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Orders"))
    excess = managed_excess(snapshot([own], [managed]))
    assert [(e.service, e.access_level, e.actions) for e in excess] == [
        ("dynamodb", "List", ["dynamodb:ListTables"]),
        ("dynamodb", "Read", ["dynamodb:Scan"]),
    ]


def test_customer_managed_policies_count_as_the_roles_own_statements() -> None:
    mine = AttachedPolicy(
        f"arn:aws:iam::{ACCOUNT}:policy/Mine", "Mine", False, doc(allow("sqs:SendMessage", "*"))
    )
    aws_managed = AttachedPolicy(
        "arn:aws:iam::aws:policy/X", "X", True, doc(allow("sqs:SendMessage", "*"))
    )
    assert managed_excess(snapshot([], [mine, aws_managed])) == []


def test_audit_reports_what_an_attached_aws_managed_policy_adds() -> None:
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):
        aws = AwsSession(session=boto3.Session(region_name=REGION), region=REGION)
        text = SPEC + "managed_policies: [AmazonDynamoDBReadOnlyAccess]\n"
        apply(aws, compose_text(text))
        report = audit_role(aws, "orders-api-role", now=NOW)
    services = {(e.service, e.access_level) for e in report.excess}
    assert ("dynamodb", "List") in services
    listed = {a for e in report.excess for a in e.actions}
    assert "dynamodb:ListTables" in listed
    assert "dynamodb:GetItem" not in listed  # the inline policy grants it already


# --------------------------------------------------------------------------- usage data


def test_last_accessed_splits_used_and_unused_services_in_the_window() -> None:
    iam, stub = stubbed("iam")
    stub.add_response(
        "generate_service_last_accessed_details",
        {"JobId": JOB},
        {"Arn": ROLE_ARN, "Granularity": "ACTION_LEVEL"},
    )
    stub.add_response(
        "get_service_last_accessed_details",
        {
            "JobStatus": "COMPLETED",
            "JobCreationDate": NOW,
            "JobCompletionDate": NOW,
            "IsTruncated": False,
            "ServicesLastAccessed": [
                {
                    "ServiceName": "Amazon DynamoDB",
                    "ServiceNamespace": "dynamodb",
                    "LastAuthenticated": NOW - dt.timedelta(days=2),
                    "TrackedActionsLastAccessed": [
                        {"ActionName": "GetItem", "LastAccessedTime": NOW - dt.timedelta(days=2)},
                        {"ActionName": "DeleteItem"},
                    ],
                },
                {"ServiceName": "Amazon SQS", "ServiceNamespace": "sqs"},
                {
                    "ServiceName": "Amazon S3",
                    "ServiceNamespace": "s3",
                    "LastAuthenticated": NOW - dt.timedelta(days=200),
                },
            ],
        },
        {"JobId": JOB},
    )
    with stub:
        used, unused, note = last_accessed(iam, ROLE_ARN, NOW - dt.timedelta(days=90))
    assert note is None
    assert [u.namespace for u in used] == ["dynamodb"]
    assert used[0].unused_actions == ["dynamodb:DeleteItem"]
    assert [u.namespace for u in unused] == ["sqs", "s3"]


def test_last_accessed_polls_until_the_job_completes() -> None:
    iam, stub = stubbed("iam")
    stub.add_response("generate_service_last_accessed_details", {"JobId": JOB})
    progress = {
        "JobStatus": "IN_PROGRESS",
        "JobCreationDate": NOW,
        "JobCompletionDate": NOW,  # required by the response shape
        "ServicesLastAccessed": [],
    }
    stub.add_response("get_service_last_accessed_details", progress)
    done = {**progress, "JobStatus": "COMPLETED"}
    stub.add_response("get_service_last_accessed_details", done)
    sleeps: list[float] = []
    with stub:
        _used, _unused, note = last_accessed(iam, ROLE_ARN, NOW, sleep=sleeps.append)
    assert note is None and sleeps == [0.5]
    stub.assert_no_pending_responses()


def test_last_accessed_gives_up_after_the_bounded_wait() -> None:
    iam, stub = stubbed("iam")
    stub.add_response("generate_service_last_accessed_details", {"JobId": JOB})
    progress = {
        "JobStatus": "IN_PROGRESS",
        "JobCreationDate": NOW,
        "JobCompletionDate": NOW,  # required by the response shape
        "ServicesLastAccessed": [],
    }
    for _ in range(3):
        stub.add_response("get_service_last_accessed_details", progress)
    ticks = iter([0.0, 5.0, 11.0])
    with stub:
        _u, _n, note = last_accessed(
            iam, ROLE_ARN, NOW, max_wait=10, sleep=lambda s: None, clock=lambda: next(ticks)
        )
    assert note == "IAM last-accessed data: the report was not ready after 10 s"


def test_last_accessed_access_denied_becomes_a_note() -> None:
    iam, stub = stubbed("iam")
    stub.add_client_error(
        "generate_service_last_accessed_details", "AccessDenied", "not authorized"
    )
    with stub:
        _u, _n, note = last_accessed(iam, ROLE_ARN, NOW)
    assert note is not None
    assert note.startswith("IAM last-accessed data is not available here")
    assert "AccessDenied" in note


def _event(name: str, source: str, issuer: str, when: dt.datetime) -> dict:
    detail = {
        "eventName": name,
        "eventSource": source,
        "userIdentity": {
            "type": "AssumedRole",
            "sessionContext": {"sessionIssuer": {"arn": issuer}},
        },
    }
    return {"EventName": name, "EventTime": when, "CloudTrailEvent": json.dumps(detail)}


def test_cloudtrail_keeps_only_the_roles_events() -> None:
    ct, stub = stubbed("cloudtrail")
    other = f"arn:aws:iam::{ACCOUNT}:role/other"
    stub.add_response(
        "lookup_events",
        {
            "Events": [
                _event("Publish", "sns.amazonaws.com", ROLE_ARN, NOW),
                _event("DeleteTable", "dynamodb.amazonaws.com", other, NOW),
            ]
        },
    )
    with stub:
        found, note = cloudtrail_calls(ct, snapshot([]), NOW - dt.timedelta(days=1), NOW)
    assert note is None
    assert [c.action for c in found] == ["sns:Publish"]


def test_cloudtrail_reads_a_bounded_number_of_pages() -> None:
    ct, stub = stubbed("cloudtrail")
    for _ in range(2):
        stub.add_response("lookup_events", {"Events": [], "NextToken": "more"})
    with stub:
        _found, note = cloudtrail_calls(ct, snapshot([]), NOW, NOW, max_pages=2)
    stub.assert_no_pending_responses()
    assert note is not None and "100 most recent events only" in note


# --------------------------------------------------------------------------- tightened spec


def test_a_wizard_made_role_round_trips_to_the_same_identity_policy(aws: AwsSession) -> None:
    bundle = compose_text(SPEC)
    apply(aws, bundle)
    report = audit_role(aws, "orders-api-role", now=NOW)
    assert compose(tighten_report(report).spec).policies == bundle.policies


def test_the_written_spec_loads_and_builds(aws: AwsSession, tmp_path) -> None:
    apply(aws, compose_text(SPEC))
    aws.client("iam").put_role_policy(
        RoleName="orders-api-role",
        PolicyName="extra",
        PolicyDocument=json.dumps(
            doc(allow("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com"))
        ),
    )
    report = audit_role(aws, "orders-api-role", now=NOW)
    text = spec_text(tighten_report(report), "orders-api-role", "written.yaml")
    assert text.startswith("# Role spec written by `role-wizard audit orders-api-role`.")
    assert yaml.safe_load(text)["function"] == "orders-api"
    spec, ctx = load_spec_text(text, "written.yaml")
    assert compose(spec, ctx).role_name == "orders-api-role"


# --------------------------------------------------------------------------- output


def test_sarif_log_has_a_result_per_excess_group() -> None:
    managed = AttachedPolicy(
        "arn:aws:iam::aws:policy/X", "X", True, doc(allow("sqs:ListQueues", "*"))
    )
    report = AuditReport(snapshot([], [managed]), 90)
    report.excess = managed_excess(report.role)
    log = sarif(report)
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["AUDIT001"]
    assert "sqs:ListQueues" in results[0]["message"]["text"]


# --------------------------------------------------------------------------- end to end

RISKY = (
    "s3:PutAccountPublicAccessBlock",
    "kms:CreateKey",
    "dynamodb:InjectError",
    "lambda:CreateEventSourceMapping",
)


def test_demo_legacy_role_tightens_to_a_spec_that_builds_clean(tmp_path) -> None:
    from cli_helpers import run_wizard

    written = tmp_path / "legacy.yaml"
    audit = run_wizard("--demo", "audit", "legacy-orders-role", "--write-spec", written)
    assert audit.returncode == 0, audit.stderr
    assert "Tightened spec drops" in audit.stdout
    text = written.read_text()
    spec = yaml.safe_load(text)
    assert spec["function"] == "orders-api" and spec.get("logs", True) is True
    body = yaml.safe_dump(spec)
    assert not any(action in body for action in RISKY)
    assert "#   dropped s3:* on * (" in text  # s3:PutAccountPublicAccessBlock among them
    assert "#   dropped iam:PassRole on *: no recorded use; only granted on *" in text
    build = run_wizard("build", written, "--format", "cloudformation")
    assert build.returncode == 0 and build.stderr == "", build.stderr
    assert "/aws/lambda/orders-api:*" in build.stdout  # the function keeps its logging
    assert "/aws/lambda/report-builder:*" in build.stdout  # and so does the other one


@pytest.fixture
def over_http(moto_server: str, tmp_path) -> tuple[dict[str, str], object]:
    """(environment, IAM client): the session's moto server, with no AWS setting of this
    machine, for ``role-wizard`` processes and for making their roles."""
    from aws_fixtures import server_env

    env = server_env(moto_server, {k: v for k, v in os.environ.items() if not k.startswith("AWS_")})
    env.update(AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    iam = boto3.client(
        "iam",
        endpoint_url=moto_server,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return env, iam


def test_e2e_audit_over_http_keeps_named_resources_and_drops_star(over_http, tmp_path) -> None:
    from cli_helpers import run_wizard

    env, iam = over_http
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    name = "tighten-e2e-role"
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Invoices"
    reads = ["dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem"]
    reads += ["dynamodb:Query", "dynamodb:Scan"]
    policy = doc(
        allow(reads, [table, table + "/index/*"]),
        allow("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com"),
        allow(["kms:*", "lambda:CreateEventSourceMapping"], "*"),
    )
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    written = tmp_path / "tight.yaml"
    audit = run_wizard("audit", name, "--format", "json", "--write-spec", written, env=env)
    assert audit.returncode == 0, audit.stderr
    report = json.loads(audit.stdout)
    dropped = {a for d in report["tightened_spec"]["dropped"] for a in d["actions"]}
    assert {"kms:CreateKey", "lambda:CreateEventSourceMapping"} <= dropped
    spec = yaml.safe_load(written.read_text())
    assert spec["resources"] == [
        {"kind": "dynamodb-table", "access": "read", "name": "Invoices"},
        {
            "kind": "custom",
            "actions": ["ses:SendEmail"],
            "resources": [f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com"],
        },
    ]
    build = run_wizard("build", written, env=env)
    assert build.returncode == 0 and build.stderr == "", build.stderr


def test_e2e_a_spec_that_fails_the_gate_is_not_written(over_http, tmp_path) -> None:
    from cli_helpers import run_wizard

    env, iam = over_http
    name = "tighten-refused-role"
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(doc()))
    passrole = doc(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/admin"))
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(passrole))
    written = tmp_path / "refused.yaml"
    audit = run_wizard("audit", name, "--write-spec", written, env=env)
    assert audit.returncode == 2
    assert audit.stderr.startswith(
        f"role-wizard: {written}: the tightened spec does not pass the gate, nothing written"
    )
    assert "iam:PassRole" in audit.stderr
    assert not written.exists()


def test_e2e_a_write_to_another_functions_log_group_stays_in_the_written_spec(
    over_http, tmp_path
) -> None:
    """``audit ROLE --write-spec``: the role writes to its own log group and to another
    function's; logs: true takes the place of the first only, the second stays a log-group
    write entry, and the spec builds through the gate."""
    from cli_helpers import run_wizard

    env, iam = over_http
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    name = "billing-api-role"  # its function: billing-api
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    write = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    groups = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group"
    policy = doc(
        allow(write, f"{groups}:/aws/lambda/billing-api:*"),
        allow(write, f"{groups}:/aws/lambda/billing-audit:*"),
    )
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    written = tmp_path / "billing.yaml"
    audit = run_wizard("audit", name, "--write-spec", written, env=env)
    assert audit.returncode == 0, audit.stderr
    spec = yaml.safe_load(written.read_text())
    assert spec["resources"] == [
        {"kind": "log-group", "access": "write", "name": "/aws/lambda/billing-audit"}
    ]
    build = run_wizard("build", written, env=env)
    assert build.returncode == 0 and build.stderr == "", build.stderr
    assert f"{groups}:/aws/lambda/billing-audit:*" in build.stdout
