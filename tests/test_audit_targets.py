"""``audit ROLE --write-spec`` over a moto server (HTTP): a role whose function has asynchronous
destinations (an event invoke config) and an event source mapping's on-failure destination
comes back with ``destinations`` instead of entries granting the same (issue #12).

moto keeps event invoke configs and event source mappings' DestinationConfig, but not a
function's DeadLetterConfig (CreateFunction drops it): ``dead_letter`` is covered by the domain
tests (tests/test_tighten_targets.py) and by :func:`function_targets` reading it here when a
stub answers."""

from __future__ import annotations

import io
import json
import zipfile

import boto3
import yaml
from botocore.stub import Stubber
from moto_helpers import ACCOUNT, REGION
from test_audit import over_http  # noqa: F401 - the fixture

from wizard.aws.audit import function_targets
from wizard.policy.tighten import FunctionTarget

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return out.getvalue()


def test_e2e_audit_writes_the_functions_destinations(over_http, moto_server, tmp_path) -> None:  # noqa: F811
    from cli_helpers import run_wizard

    env, iam = over_http
    client = lambda service: boto3.client(  # noqa: E731
        service,
        endpoint_url=moto_server,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    name = "targets-e2e-role"
    role_arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"][
        "Arn"
    ]
    failures = client("sqs").create_queue(QueueName="targets-e2e-failures")["QueueUrl"]
    failures_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:targets-e2e-failures"
    done_arn = client("sns").create_topic(Name="targets-e2e-done")["TopicArn"]
    assert failures.endswith("/targets-e2e-failures")
    client("kinesis").create_stream(StreamName="targets-e2e-clicks", ShardCount=1)
    stream_arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/targets-e2e-clicks"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": failures_arn},
            {"Effect": "Allow", "Action": "sns:Publish", "Resource": done_arn},
        ],
    }
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    lam = client("lambda")
    lam.create_function(
        FunctionName="targets-e2e-worker",
        Runtime="python3.12",
        Role=role_arn,
        Handler="handler.handler",
        Code={"ZipFile": _zip()},
    )
    lam.put_function_event_invoke_config(
        FunctionName="targets-e2e-worker",
        DestinationConfig={
            "OnSuccess": {"Destination": done_arn},
            "OnFailure": {"Destination": failures_arn},
        },
    )
    mapping = lam.create_event_source_mapping(
        FunctionName="targets-e2e-worker",
        EventSourceArn=stream_arn,
        StartingPosition="LATEST",
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )
    written = tmp_path / "tight.yaml"
    audit = run_wizard("audit", name, "--format", "json", "--write-spec", written, env=env)
    assert audit.returncode == 0, audit.stderr
    report = json.loads(audit.stdout)
    kept = report["tightened_spec"]["kept"]
    assert (
        f"on_success: {done_arn}: sns:Publish (targets-e2e-worker's asynchronous destinations)"
        in kept
    )
    failure_line = next(line for line in kept if line.startswith("on_failure: "))
    assert "targets-e2e-worker's asynchronous destinations" in failure_line
    assert f"event source mapping {mapping['UUID']}" in failure_line
    spec = yaml.safe_load(written.read_text())
    assert spec["destinations"] == {"on_success": done_arn, "on_failure": failures_arn}
    assert not spec.get("resources")  # no entry grants the same again
    assert not report["tightened_spec"]["dropped"]
    build = run_wizard("build", written, env=env)
    assert build.returncode == 0 and build.stderr == "", build.stderr
    assert f'"Resource": "{done_arn}"' in build.stdout  # sns:Publish on the topic only
    assert f'"Resource": "{failures_arn}"' in build.stdout


def test_function_targets_reads_a_dead_letter_config_and_notes_what_it_cannot_read() -> None:
    """moto drops DeadLetterConfig: the reader is checked on a stubbed client instead."""
    dlq = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"
    lam = boto3.client(
        "lambda", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    stub = Stubber(lam)
    stub.add_response(
        "get_function_configuration",
        {"FunctionName": "orders-api", "DeadLetterConfig": {"TargetArn": dlq}},
        {"FunctionName": "orders-api"},
    )
    stub.add_client_error(
        "get_function_event_invoke_config",
        service_error_code="ResourceNotFoundException",
        http_status_code=404,
    )
    stub.add_response("list_event_source_mappings", {"EventSourceMappings": []})
    stub.add_client_error("get_function_configuration", service_error_code="AccessDeniedException")

    class Session:
        def client(self, service: str):
            assert service == "lambda"
            return lam

    notes: list[str] = []
    with stub:
        found = function_targets(Session(), ["orders-api", "secret-fn"], notes)  # type: ignore[arg-type]
    assert found == [FunctionTarget("orders-api", "dead_letter", dlq, "DeadLetterConfig")]
    assert notes and notes[0].startswith("cannot read where secret-fn sends invocation records")
