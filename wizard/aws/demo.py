"""The demo sandbox: an in-process moto server seeded with a realistic little account.

``--demo`` starts a moto ``ThreadedMotoServer`` on 127.0.0.1 (a free port, once per process,
stopped at exit) and hands out a :class:`DemoSession` pointed at it with fixed fake credentials.
The boto3 session is built so that nothing of the user's AWS setup leaks in: no profile, no
config or credentials file, no ``AWS_*`` environment variable, no proxy and an explicit
endpoint, so demo mode never reaches a real AWS endpoint. moto itself makes plain boto3
sessions and clients inside the server, which read ``AWS_PROFILE`` (failing on a profile this
machine lacks) and resolve credentials down to the EC2 metadata service; starting the sandbox
therefore removes the variables in :data:`SCRUBBED_ENV` from this process's environment and
sets :data:`SANDBOX_ENV` (fake credentials, no metadata service): demo mode never uses the real
ones, and any stray client in the process gets the fake ones.

Seeding is lazy: the first client for a service seeds that service's resources (Lambda and Step
Functions seed the IAM roles they need first), so start-up pays only for what the user looks at.
"""

from __future__ import annotations

import atexit
import io
import json
import logging
import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.configprovider import BOTOCORE_DEFAUT_SESSION_VARIABLES

from wizard.aws.session import RETRY_CONFIG, AwsSession

DEMO_ACCOUNT = "123456789012"  # moto's default account
DEMO_REGION = "us-east-1"
DEMO_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# Variables that would steer moto's own in-process boto3 sessions (or its account id).
SCRUBBED_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_DATA_PATH",
    "MOTO_ACCOUNT_ID",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)
SANDBOX_ENV = {
    "AWS_ACCESS_KEY_ID": DEMO_CREDENTIALS["aws_access_key_id"],
    "AWS_SECRET_ACCESS_KEY": DEMO_CREDENTIALS["aws_secret_access_key"],
    "AWS_EC2_METADATA_DISABLED": "true",
}
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}

# -- the server -----------------------------------------------------------------------------

_server_lock = threading.Lock()
_server: Any = None
_endpoint: str | None = None


def _make_server() -> Any:
    from moto.core.config import default_user_config
    from moto.server import ThreadedMotoServer

    # A real account has AWS's managed policies (AWSLambdaBasicExecutionRole, ...): the wizard
    # attaches them by ARN. moto leaves them out unless asked; loading them costs ~60 ms, paid
    # when IAM is first used.
    default_user_config["iam"]["load_aws_managed_policies"] = True
    from werkzeug.serving import make_server

    class _QuickStopServer(ThreadedMotoServer):
        """moto's threaded server with a short poll interval, so stopping it takes ~50 ms."""

        def _server_entry(self) -> None:
            from moto.server import DomainDispatcherApplication, create_backend_app

            app = DomainDispatcherApplication(create_backend_app)
            self._server = make_server(self._ip_address, self._port, app, True)
            self._server_ready_event.set()
            self._server.serve_forever(poll_interval=0.05)

    return _QuickStopServer(ip_address="127.0.0.1", port=0, verbose=False)


def sandbox_endpoint() -> str:
    """The sandbox's URL, starting the server the first time."""
    global _server, _endpoint
    with _server_lock:
        if _endpoint is None:
            for name in SCRUBBED_ENV:
                os.environ.pop(name, None)
            os.environ.update(SANDBOX_ENV)
            # A server-side error reaches the client as HTTP 500 (one line); no tracebacks.
            logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
            server = _make_server()
            server.start()
            host, port = server.get_host_and_port()
            _server, _endpoint = server, f"http://{host}:{port}"
            atexit.register(stop_sandbox)
        return _endpoint


def stop_sandbox() -> None:
    """Stop the server (at exit). A later :func:`demo_session` starts a new server on the same
    data: moto keeps its state per process, so what was seeded stays seeded."""
    global _server, _endpoint
    with _server_lock:
        server, _server, _endpoint = _server, None, None
        _sessions.clear()
    if server is not None:
        server.stop()


# -- the session ----------------------------------------------------------------------------


def _isolated_botocore_session() -> botocore.session.Session:
    """A botocore session that reads no environment variable and no AWS config file."""
    session_vars = {
        name: (config_name, None, default, convert)
        for name, (config_name, _env, default, convert) in BOTOCORE_DEFAUT_SESSION_VARIABLES.items()
    }
    session_vars["profile"] = (None, None, None, None)
    session_vars["config_file"] = (None, None, os.devnull, None)
    session_vars["credentials_file"] = (None, None, os.devnull, None)
    return botocore.session.Session(session_vars=session_vars)


DEMO_CONFIG = RETRY_CONFIG.merge(
    Config(
        retries={"mode": "standard", "max_attempts": 2},  # nothing to wait out in a sandbox
        # A non-empty mapping without http/https: botocore then ignores HTTP(S)_PROXY.
        proxies={"no_proxy": "*"},
        s3={"addressing_style": "path"},
        connect_timeout=5,
    )
)

_sessions: dict[str, DemoSession] = {}
_seeded: set[tuple[str, str]] = set()  # (seed group, region)
_seed_locks: dict[tuple[str, str], threading.RLock] = {}


@dataclass
class DemoSession(AwsSession):
    """An :class:`AwsSession` on the sandbox; a service's first client seeds its resources."""

    def client(self, service: str) -> Any:
        client = super().client(service)
        for group in _SEED_GROUPS.get(service, ()):
            self._ensure_seeded(group)
        return client

    @property
    def account(self) -> str:  # type: ignore[override]
        return DEMO_ACCOUNT

    def seeded_services(self) -> set[str]:
        """The seed groups (services) already seeded in this session's region."""
        return {group for group, region in _seeded if region in (self.region, "global")}

    def _ensure_seeded(self, group: str) -> None:
        key = (group, "global" if group in _GLOBAL_GROUPS else self.region)
        if key in _seeded:
            return
        with _server_lock:
            lock = _seed_locks.setdefault(key, threading.RLock())
        with lock:
            if key in _seeded:
                return
            try:
                for needed in _SEED_NEEDS.get(group, ()):
                    self._ensure_seeded(needed)
                _SEEDERS[group](self, lambda service: AwsSession.client(self, service))
            finally:
                _seeded.add(key)  # seeded once: a failure shows once, not as duplicates later


def demo_session(region: str | None = None) -> AwsSession:
    """The demo sandbox's session for ``region`` (default us-east-1), account 123456789012."""
    chosen = region or DEMO_REGION
    endpoint = sandbox_endpoint()
    with _server_lock:
        if chosen not in _sessions:
            session = boto3.Session(
                botocore_session=_isolated_botocore_session(),
                region_name=chosen,
                **DEMO_CREDENTIALS,
            )
            _sessions[chosen] = DemoSession(
                session=session, region=chosen, demo=True, endpoint_url=endpoint, config=DEMO_CONFIG
            )
        return _sessions[chosen]


# -- the seed data --------------------------------------------------------------------------

Clients = Callable[[str], Any]


def _seed_iam(aws: DemoSession, client: Clients) -> None:
    from wizard.aws.provision import MANAGED_TAG, MANAGED_VALUE  # the tag apply puts on its roles

    iam = client("iam")
    trust = json.dumps(LAMBDA_TRUST)
    iam.create_role(
        RoleName="orders-worker-role",
        AssumeRolePolicyDocument=trust,
        Description="Orders worker function role (made by lambda-role-wizard)",
        Tags=[{"Key": MANAGED_TAG, "Value": MANAGED_VALUE}, {"Key": "team", "Value": "payments"}],
    )
    iam.put_role_policy(
        RoleName="orders-worker-role",
        PolicyName="orders-worker",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "SQSConsume",
                        "Effect": "Allow",
                        "Action": [
                            "sqs:ChangeMessageVisibility",
                            "sqs:DeleteMessage",
                            "sqs:GetQueueAttributes",
                            "sqs:ReceiveMessage",
                        ],
                        "Resource": f"arn:aws:sqs:{aws.region}:{DEMO_ACCOUNT}:orders-events",
                    }
                ],
            }
        ),
    )
    iam.create_role(
        RoleName="legacy-orders-role",
        AssumeRolePolicyDocument=trust,
        Description="Orders API role from 2019; grew by copy and paste",
        Tags=[{"Key": "team", "Value": "orders"}],
    )
    legacy = {
        "basic-execution": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "*",
            }
        ],
        "orders-data": [
            {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"},
        ],
        "orders-messaging": [
            {"Effect": "Allow", "Action": ["sqs:*", "sns:*"], "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": ["kms:*", "secretsmanager:GetSecretValue"],
                "Resource": "*",
            },
            {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:*"], "Resource": "*"},
        ],
    }
    for name, statements in legacy.items():
        iam.put_role_policy(
            RoleName="legacy-orders-role",
            PolicyName=name,
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )
    iam.create_role(
        RoleName="order-fulfilment-states-role",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "states.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )


def _seed_dynamodb(aws: DemoSession, client: Clients) -> None:
    ddb = client("dynamodb")
    tables = {
        "Orders": "NEW_AND_OLD_IMAGES",
        "Customers": "KEYS_ONLY",
        "Inventory": None,
        "Sessions": None,
        "OrderAudit": "NEW_IMAGE",
    }
    for name, stream in tables.items():
        extra: dict[str, Any] = {}
        if stream:
            extra["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream}
        ddb.create_table(
            TableName=name,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            **extra,
        )


DEMO_OBJECTS = {
    "demo-orders-uploads": [
        "incoming/2024/01/order-1001.json",
        "incoming/2024/02/order-1002.json",
        "incoming/2025/01/order-2001.json",
        "processed/2024/order-1001.json",
        "processed/2025/order-2001.json",
        "rejected/order-0999.json",
        "README.txt",
    ],
    "demo-orders-reports": [
        "reports/daily/2025-01-01.csv",
        "reports/monthly/2025-01.csv",
        "exports/finance/2025-q1.parquet",
    ],
    "demo-static-assets": ["img/logo.png", "css/site.css", "index.html"],
}


def _seed_s3(aws: DemoSession, client: Clients) -> None:
    s3 = client("s3")
    for bucket, keys in DEMO_OBJECTS.items():
        if aws.region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": aws.region}
            )
        for key in keys:
            s3.put_object(Bucket=bucket, Key=key, Body=b"demo\n")


def _seed_logs(aws: DemoSession, client: Clients) -> None:
    logs = client("logs")
    for name in (
        "/aws/lambda/orders-api",
        "/aws/lambda/orders-worker",
        "/aws/lambda/report-builder",
        "/orders/audit",
        "/orders/access",
    ):
        logs.create_log_group(logGroupName=name)


def _seed_sqs(aws: DemoSession, client: Clients) -> None:
    sqs = client("sqs")
    sqs.create_queue(QueueName="orders-events-dlq")
    sqs.create_queue(QueueName="orders-events")
    sqs.create_queue(QueueName="notifications")
    sqs.create_queue(
        QueueName="payments.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )


def _seed_sns(aws: DemoSession, client: Clients) -> None:
    sns = client("sns")
    for name in ("order-placed", "order-shipped", "ops-alerts"):
        sns.create_topic(Name=name)


def _seed_kms(aws: DemoSession, client: Clients) -> None:
    kms = client("kms")
    for alias, description in (
        ("alias/orders-data", "Orders table and uploads"),
        ("alias/payments", "Payment secrets"),
    ):
        key_id = kms.create_key(Description=description)["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)


def _seed_secretsmanager(aws: DemoSession, client: Clients) -> None:
    secrets = client("secretsmanager")
    secrets.create_secret(Name="orders/db", SecretString='{"user": "orders", "password": "demo"}')
    secrets.create_secret(Name="payments/stripe-api-key", SecretString="sk_test_demo")


def _seed_ssm(aws: DemoSession, client: Clients) -> None:
    ssm = client("ssm")
    for name, value in (
        ("/orders/prod/db-url", "postgres://orders.prod.internal/orders"),
        ("/orders/prod/feature-flags", '{"fast-checkout": true}'),
        ("/orders/staging/db-url", "postgres://orders.staging.internal/orders"),
        ("/payments/prod/api-endpoint", "https://payments.example.com"),
    ):
        ssm.put_parameter(Name=name, Value=value, Type="String")


def _seed_kinesis(aws: DemoSession, client: Clients) -> None:
    client("kinesis").create_stream(StreamName="clickstream", ShardCount=1)


def _seed_events(aws: DemoSession, client: Clients) -> None:
    client("events").create_event_bus(Name="orders-bus")


def _seed_stepfunctions(aws: DemoSession, client: Clients) -> None:
    definition = {
        "StartAt": "Reserve",
        "States": {
            "Reserve": {"Type": "Pass", "Next": "Ship"},
            "Ship": {"Type": "Pass", "End": True},
        },
    }
    client("stepfunctions").create_state_machine(
        name="order-fulfilment",
        definition=json.dumps(definition),
        roleArn=f"arn:aws:iam::{DEMO_ACCOUNT}:role/order-fulfilment-states-role",
    )


def _tiny_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def _seed_lambda(aws: DemoSession, client: Clients) -> None:
    functions = client("lambda")
    code = _tiny_zip()
    for name, role in (
        ("orders-api", "legacy-orders-role"),
        ("orders-worker", "orders-worker-role"),
        ("report-builder", "legacy-orders-role"),
    ):
        functions.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=f"arn:aws:iam::{DEMO_ACCOUNT}:role/{role}",
            Handler="index.handler",
            Code={"ZipFile": code},
        )


_SEEDERS: dict[str, Callable[[DemoSession, Clients], None]] = {
    "iam": _seed_iam,
    "dynamodb": _seed_dynamodb,
    "s3": _seed_s3,
    "logs": _seed_logs,
    "sqs": _seed_sqs,
    "sns": _seed_sns,
    "kms": _seed_kms,
    "secretsmanager": _seed_secretsmanager,
    "ssm": _seed_ssm,
    "kinesis": _seed_kinesis,
    "events": _seed_events,
    "stepfunctions": _seed_stepfunctions,
    "lambda": _seed_lambda,
}
# boto3 service name -> the seed groups its first client triggers.
_SEED_GROUPS: dict[str, tuple[str, ...]] = {name: (name,) for name in _SEEDERS}
_SEED_GROUPS["dynamodbstreams"] = ("dynamodb",)
_SEED_NEEDS: dict[str, tuple[str, ...]] = {"lambda": ("iam",), "stepfunctions": ("iam",)}
_GLOBAL_GROUPS = frozenset({"iam", "s3"})
