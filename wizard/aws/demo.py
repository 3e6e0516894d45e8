"""The demo sandbox: one local moto server, seeded with a realistic little account, that every
``--demo`` command and the wizard share until ``role-wizard demo reset`` empties it.

**One server, found through a state file.** The first ``--demo`` command starts
:mod:`wizard.aws.demo_server` as a detached process bound to 127.0.0.1 on a free port; it writes
``server.json`` (pid, port, a random token) under ``$XDG_STATE_HOME/lambda-role-wizard/demo/``.
Later commands read that file and check the server answers with the token; a stale file (a
killed server, a reused port) or a hung server is replaced by a fresh server, and the state
that server held is gone. Starting and finding the server happen under an exclusive ``fcntl``
lock on ``demo/lock``, so two commands starting at once get one server. moto's backends cannot
be pickled (SQS, KMS, SSM and Lambda hold locks, keys and closures), so the state lives in the
server process, not in a file.

**It stops when asked or when idle.** ``role-wizard demo stop`` stops it; it stops itself after
:data:`DEFAULT_IDLE` seconds (``ROLE_WIZARD_DEMO_IDLE``) without a request while no demo command
runs: each command holds a shared lock on ``demo/clients.lock`` for its lifetime, so a wizard
left open keeps the sandbox. ``role-wizard demo reset`` empties it in place.

**Sealed off.** The boto3 session is built so that nothing of the user's AWS setup leaks in: no
profile, no config or credentials file, no ``AWS_*`` environment variable, no proxy and an
explicit endpoint, so demo mode never reaches a real AWS endpoint. The server runs with no
``AWS_*``/``MOTO_*`` variable of the user's, fake credentials and no metadata service (moto
makes plain boto3 sessions inside it).

**Lazy seeding.** The server seeds a service's resources when the first request for it
arrives (Lambda and Step Functions seed the IAM roles they need first), so start-up pays only
for what the user looks at.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import http.client
import io
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.configprovider import BOTOCORE_DEFAUT_SESSION_VARIABLES

from wizard.aws.session import RETRY_CONFIG, AwsSession
from wizard.errors import UserError

DEMO_ACCOUNT = "123456789012"  # moto's default account
DEMO_REGION = "us-east-1"
DEMO_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# The server's own seeding requests: it does not seed again on seeing these.
SEED_CREDENTIALS = {"aws_access_key_id": "demo-seeding", "aws_secret_access_key": "testing"}
# Variables that would steer moto's own boto3 sessions in the server (or its account id).
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

# -- where the sandbox lives ----------------------------------------------------------------

STATE_FILE = "server.json"
LOCK_FILE = "lock"
CLIENTS_LOCK = "clients.lock"
LOG_FILE = "server.log"
CONTROL_PATH = "/_role_wizard/"
IDLE_ENV = "ROLE_WIZARD_DEMO_IDLE"
DEFAULT_IDLE = 2 * 3600  # seconds: a workshop's length
START_TIMEOUT = 60.0  # seconds for a new server to listen, on a busy machine
STOP_TIMEOUT = 10.0


class SandboxFailure(UserError):
    """The sandbox's server did not start: exit status 1, like a failed AWS call."""

    exit_code = 1


def demo_dir() -> Path:
    """``$XDG_STATE_HOME/lambda-role-wizard/demo`` (default ``~/.local/state/...``)."""
    from wizard.drafts import state_home

    return state_home() / "lambda-role-wizard" / "demo"


@dataclass(frozen=True)
class ServerInfo:
    """What ``server.json`` says: which process serves the sandbox, where, and its token."""

    pid: int
    port: int
    token: str

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def read_state(state_dir: Path) -> ServerInfo | None:
    """The state file's server, or None (no file, or not one this tool wrote)."""
    try:
        data = json.loads((state_dir / STATE_FILE).read_text(encoding="utf-8"))
        return ServerInfo(int(data["pid"]), int(data["port"]), str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(state_dir: Path, info: ServerInfo) -> None:
    from wizard.atomic import write_text_atomic

    data = {"pid": info.pid, "port": info.port, "token": info.token}
    write_text_atomic(state_dir / STATE_FILE, json.dumps(data) + "\n")


@contextlib.contextmanager
def state_lock(state_dir: Path) -> Iterator[None]:
    """The exclusive lock under which a server is found, started, reset or stopped."""
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(state_dir / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _idle_seconds() -> float:
    raw = os.environ.get(IDLE_ENV, "")
    if not raw:
        return DEFAULT_IDLE
    try:
        idle = float(raw)
    except ValueError:
        idle = -1.0
    if not idle > 0:
        raise UserError(f"{IDLE_ENV}={raw!r} must be a number of seconds above 0")
    return idle


# -- talking to the server ------------------------------------------------------------------

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy


def _call(info: ServerInfo, name: str, *, post: bool = False, timeout: float = 10.0) -> Any:
    """A control request to the server; None when it does not answer as this sandbox."""
    request = urllib.request.Request(
        info.endpoint + CONTROL_PATH + name,
        data=b"" if post else None,
        headers={"X-Role-Wizard-Token": info.token},
        method="POST" if post else "GET",
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return json.loads(response.read())
    except (OSError, ValueError, http.client.HTTPException):  # refused, timed out, cut off,
        # another program's port, not JSON
        return None


_started: list[subprocess.Popen[bytes]] = []  # kept, so they are reaped, not warned about


def _start(state_dir: Path) -> ServerInfo:
    """Start a server for ``state_dir`` and wait until it listens (the caller holds the lock)."""
    import wizard

    idle = _idle_seconds()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(SANDBOX_ENV)
    # The server imports this very package, wherever it was imported from.
    package_root = str(Path(wizard.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    log_path = state_dir / LOG_FILE
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "wizard.aws.demo_server", "--state-dir", str(state_dir),
             "--idle", str(idle)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            cwd=state_dir,
            start_new_session=True,  # not stopped by the terminal's Ctrl-C to this command
        )  # fmt: skip
    _started.append(server)
    assert server.stdout is not None
    with server.stdout:
        ready, _, _ = select.select([server.stdout], [], [], START_TIMEOUT)
        line = server.stdout.readline() if ready else b""
    info = read_state(state_dir)
    if line.strip() != b"ready" or info is None or info.pid != server.pid:
        server.kill()
        server.wait()
        lines = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        why = lines[-1] if lines else "it did not say why"
        raise SandboxFailure(f"the demo sandbox did not start: {why} (log: {log_path})")
    return info


def _is_sandbox_server(pid: int, state_dir: Path) -> bool:
    """Whether ``pid`` is a sandbox server for ``state_dir`` (never signal a reused pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"wizard.aws.demo_server" in cmdline and str(state_dir).encode() in cmdline


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait (on a pidfd where there is one) for ``pid`` to exit; reap it if it is ours."""
    for child in _started:
        if child.pid == pid:
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                return False
            _started.remove(child)
            return True
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    except (AttributeError, OSError):  # no pidfd here: poll
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.05)
        return False
    with contextlib.closing(os.fdopen(pidfd)):
        ready, _, _ = select.select([pidfd], [], [], timeout)
    return bool(ready)


def _end(info: ServerInfo, state_dir: Path, *, ask: bool) -> None:
    """Stop the server ``info`` names (asking it first when ``ask``), kill it if it hangs,
    and remove the state file. The caller holds the lock."""
    if ask and _call(info, "shutdown", post=True) is not None:
        _wait_gone(info.pid, STOP_TIMEOUT)
    if _is_sandbox_server(info.pid, state_dir):
        with contextlib.suppress(ProcessLookupError):
            os.kill(info.pid, signal.SIGKILL)
        _wait_gone(info.pid, STOP_TIMEOUT)
    (state_dir / STATE_FILE).unlink(missing_ok=True)


_attached: dict[Path, int] = {}  # state dir -> the fd holding our shared lock on clients.lock


def _attach(state_dir: Path) -> None:
    """Hold a shared lock on ``clients.lock`` while this process lives: the server does not
    stop for idleness while a demo command (or the wizard) runs."""
    if state_dir not in _attached:
        fd = os.open(state_dir / CLIENTS_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_SH)
        _attached[state_dir] = fd


def _detach(state_dir: Path) -> None:
    fd = _attached.pop(state_dir, None)
    if fd is not None:
        os.close(fd)
    for key in [key for key in _sessions if key[0] == state_dir]:
        del _sessions[key]


def sandbox_endpoint(state_dir: Path | None = None) -> str:
    """The sandbox's URL: the running server's, or a new server's."""
    state_dir = state_dir or demo_dir()
    with state_lock(state_dir):
        info = read_state(state_dir)
        if info is None or _call(info, "status") is None:
            if info is not None:  # stale: killed, hung, or its port reused
                _end(info, state_dir, ask=False)
            info = _start(state_dir)
        _attach(state_dir)
    return info.endpoint


@dataclass(frozen=True)
class SandboxStatus:
    """``demo status``: where the state lives and, when a server runs, what it is."""

    state_dir: Path
    running: dict[str, Any] | None  # the server's status: pid, endpoint, started, seeded, ...


def sandbox_status(state_dir: Path | None = None) -> SandboxStatus:
    """The sandbox's status; never starts a server."""
    state_dir = state_dir or demo_dir()
    info = read_state(state_dir)
    return SandboxStatus(state_dir, _call(info, "status") if info else None)


def reset_sandbox(state_dir: Path | None = None) -> bool:
    """Empty the running sandbox in place (the seed data comes back as services are used);
    False when no server was running (nothing to empty)."""
    state_dir = state_dir or demo_dir()
    with state_lock(state_dir):
        info = read_state(state_dir)
        if info is None:
            return False
        if _call(info, "reset", post=True) is None:
            _end(info, state_dir, ask=False)
            return False
        return True


def stop_sandbox(state_dir: Path | None = None) -> bool:
    """Stop the server (what it held is gone); False when none was running."""
    state_dir = state_dir or demo_dir()
    with state_lock(state_dir):
        _detach(state_dir)
        info = read_state(state_dir)
        if info is None:
            return False
        running = _call(info, "status") is not None
        _end(info, state_dir, ask=running)
        return running


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


def _sandbox_boto3(region: str, credentials: dict[str, str]) -> boto3.Session:
    return boto3.Session(
        botocore_session=_isolated_botocore_session(), region_name=region, **credentials
    )


_sessions: dict[tuple[Path, str, str], DemoSession] = {}  # (state dir, region, endpoint)
_sessions_lock = threading.Lock()  # the wizard asks from worker threads


@dataclass
class DemoSession(AwsSession):
    """An :class:`AwsSession` on the sandbox (the server seeds a service on first use)."""

    state_dir: Path | None = None

    @property
    def account(self) -> str:  # type: ignore[override]
        return DEMO_ACCOUNT

    def in_region(self, region: str) -> AwsSession:
        """The sandbox's session for ``region`` (one per region, as :func:`demo_session` keeps)."""
        return self if region == self.region else demo_session(region, self.state_dir)

    def seeded_services(self) -> set[str]:
        """The seed groups (services) already seeded for this session's region."""
        running = sandbox_status(self.state_dir).running or {}
        return {
            group
            for group, region in running.get("seeded", ())
            if region in (self.region, "global")
        }


def demo_session(region: str | None = None, state_dir: Path | None = None) -> AwsSession:
    """The demo sandbox's session for ``region`` (default us-east-1), account 123456789012."""
    chosen = region or DEMO_REGION
    state_dir = state_dir or demo_dir()
    with _sessions_lock:
        endpoint = sandbox_endpoint(state_dir)
        key = (state_dir, chosen, endpoint)
        if key not in _sessions:
            _sessions[key] = DemoSession(
                session=_sandbox_boto3(chosen, DEMO_CREDENTIALS),
                region=chosen,
                demo=True,
                endpoint_url=endpoint,
                config=DEMO_CONFIG,
                state_dir=state_dir,
            )
        return _sessions[key]


def seeding_clients(endpoint: str, region: str) -> Callable[[str], Any]:
    """Clients for the server's own seeding requests (made with :data:`SEED_CREDENTIALS`),
    one session per region and one client per service, as a command's session keeps them."""
    with _sessions_lock:
        if region not in _seeding_sessions:
            _seeding_sessions[region] = AwsSession(
                session=_sandbox_boto3(region, SEED_CREDENTIALS),
                region=region,
                demo=True,
                endpoint_url=endpoint,
                config=DEMO_CONFIG,
            )
        return _seeding_sessions[region].client


_seeding_sessions: dict[str, AwsSession] = {}


# -- the seed data --------------------------------------------------------------------------

Clients = Callable[[str], Any]


def _seed_iam(region: str, client: Clients) -> None:
    from wizard.aws.ownership import MANAGED_TAG, MANAGED_VALUE  # the tag apply puts on its roles

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
                        "Resource": f"arn:aws:sqs:{region}:{DEMO_ACCOUNT}:orders-events",
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


def _seed_dynamodb(region: str, client: Clients) -> None:
    ddb = client("dynamodb")
    tables = {
        "Orders": "NEW_AND_OLD_IMAGES",
        "Customers": "KEYS_ONLY",
        "Inventory": None,
        "Sessions": None,
        "OrderAudit": "NEW_IMAGE",
        "Payments": None,
    }
    for name, stream in tables.items():
        extra: dict[str, Any] = {}
        if stream:
            extra["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream}
        if name in ENCRYPTED:  # with a customer managed key: discovery fills kms_key
            key = _key_arn(client, ENCRYPTED[name])
            extra["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
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


# Resources encrypted with a customer managed key of the sandbox (by its alias): choosing one
# in the wizard fills its kms_key, and the composer adds the key's grant.
ENCRYPTED = {"Payments": "alias/payments", "payments-events": "alias/payments"}


def _key_arn(client: Clients, alias: str) -> str:
    """The ARN of the sandbox key behind ``alias`` (the KMS seed runs first: SEED_NEEDS)."""
    return str(client("kms").describe_key(KeyId=alias)["KeyMetadata"]["Arn"])


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


def _seed_s3(region: str, client: Clients) -> None:
    s3 = client("s3")
    for bucket, keys in DEMO_OBJECTS.items():
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
            )
        for key in keys:
            s3.put_object(Bucket=bucket, Key=key, Body=b"demo\n")


def _seed_logs(region: str, client: Clients) -> None:
    logs = client("logs")
    for name in (
        "/aws/lambda/orders-api",
        "/aws/lambda/orders-worker",
        "/aws/lambda/report-builder",
        "/orders/audit",
        "/orders/access",
    ):
        logs.create_log_group(logGroupName=name)


def _seed_sqs(region: str, client: Clients) -> None:
    sqs = client("sqs")
    sqs.create_queue(QueueName="orders-events-dlq")
    sqs.create_queue(QueueName="orders-events")
    sqs.create_queue(QueueName="notifications")
    # named by its alias, as a queue's KmsMasterKeyId often is: discovery turns it into the ARN
    sqs.create_queue(
        QueueName="payments-events",
        Attributes={"KmsMasterKeyId": ENCRYPTED["payments-events"]},
    )
    sqs.create_queue(
        QueueName="payments.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )


def _seed_sns(region: str, client: Clients) -> None:
    sns = client("sns")
    for name in ("order-placed", "order-shipped", "ops-alerts"):
        sns.create_topic(Name=name)


def _seed_kms(region: str, client: Clients) -> None:
    kms = client("kms")
    for alias, description in (
        ("alias/orders-data", "Orders table and uploads"),
        ("alias/payments", "Payment secrets"),
    ):
        key_id = kms.create_key(Description=description)["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)


def _seed_secretsmanager(region: str, client: Clients) -> None:
    secrets = client("secretsmanager")
    secrets.create_secret(Name="orders/db", SecretString='{"user": "orders", "password": "demo"}')
    secrets.create_secret(Name="payments/stripe-api-key", SecretString="sk_test_demo")
    # the MQ broker's credentials (mq-broker's secret field)
    secrets.create_secret(
        Name="orders/mq-lambda", SecretString='{"username": "lambda", "password": "demo"}'
    )


def _seed_ssm(region: str, client: Clients) -> None:
    ssm = client("ssm")
    for name, value in (
        ("/orders/prod/db-url", "postgres://orders.prod.internal/orders"),
        ("/orders/prod/feature-flags", '{"fast-checkout": true}'),
        ("/orders/staging/db-url", "postgres://orders.staging.internal/orders"),
        ("/payments/prod/api-endpoint", "https://payments.example.com"),
    ):
        ssm.put_parameter(Name=name, Value=value, Type="String")


def _seed_kinesis(region: str, client: Clients) -> None:
    client("kinesis").create_stream(StreamName="clickstream", ShardCount=1)


def _seed_events(region: str, client: Clients) -> None:
    client("events").create_event_bus(Name="orders-bus")


def _seed_stepfunctions(region: str, client: Clients) -> None:
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


def _seed_lambda(region: str, client: Clients) -> None:
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


def _seed_appsync(region: str, client: Clients) -> None:
    api = client("appsync").create_graphql_api(name="orders-graph", authenticationType="AWS_IAM")
    give_moto_resource_an_aws_shaped_id("appsync", region, api["graphqlApi"]["apiId"])


def _seed_kafka(region: str, client: Clients) -> None:
    made = client("kafka").create_cluster_v2(
        ClusterName="orders-events",
        Provisioned={
            "BrokerNodeGroupInfo": {
                "ClientSubnets": ["subnet-1"],
                "InstanceType": "kafka.m5.large",
            },
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
        },
    )
    give_moto_resource_an_aws_shaped_id("kafka", region, made["ClusterArn"])


def _seed_apigatewayv2(region: str, client: Clients) -> None:
    apis = client("apigatewayv2")
    # an HTTP API beside the WebSocket one: it has no @connections, discovery leaves it out
    apis.create_api(Name="orders-http", ProtocolType="HTTP")
    made = apis.create_api(
        Name="orders-notifications",
        ProtocolType="WEBSOCKET",
        RouteSelectionExpression="$request.body.action",
    )
    api_id = give_moto_resource_an_aws_shaped_id("apigatewayv2", region, made["ApiId"])
    apis.create_stage(ApiId=api_id, StageName="production")


def _seed_mq(region: str, client: Clients) -> None:
    made = client("mq").create_broker(
        BrokerName="orders-broker",
        EngineType="ACTIVEMQ",
        EngineVersion="5.18",
        HostInstanceType="mq.t3.micro",
        DeploymentMode="SINGLE_INSTANCE",
        PubliclyAccessible=False,
        AutoMinorVersionUpgrade=True,
        Users=[{"Username": "lambda", "Password": "demo-password-1"}],
    )
    give_moto_resource_an_aws_shaped_id("mq", region, made["BrokerId"])


# -- AWS-shaped ids for what moto makes in another shape ------------------------------------

# The id each service's resource has in AWS, as the kinds' field patterns hold them to
# (catalogs/kinds.yaml): moto makes them in other shapes, which the kinds rightly refuse.
AWS_ID_SHAPES = {
    # API Gateway: 10 lower-case letters and digits (moto: 8 letters)
    "apigatewayv2": "^[a-z0-9]{10}$",
    # Amazon MQ: b- and a UUID (moto: 6 hex digits, and an ARN without the broker's name)
    "mq": "^b-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    # AppSync: 26 lower-case letters and digits (moto: a UUID with dashes)
    "appsync": "^[a-z0-9]{26}$",
    # MSK: cluster/NAME/UUID-N (moto: cluster/UUID, without the name or the suffix)
    "kafka": "^arn:[a-z-]+:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9-]{1,64}/"
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-z]{1,4}$",
}


def _stable_id(*parts: str) -> tuple[str, uuid.UUID]:
    """A 26-character base-36 string and a UUID, both fixed by ``parts``: the sandbox's ids
    are the same on every run (and in the screenshots)."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    number, text = int.from_bytes(digest, "big"), ""
    for _ in range(26):
        number, digit = divmod(number, 36)
        text += "0123456789abcdefghijklmnopqrstuvwxyz"[digit]
    return text, uuid.UUID(bytes=digest[:16], version=4)


def give_moto_resource_an_aws_shaped_id(service: str, region: str, moto_id: str) -> str:
    """Re-key a resource moto just made (in this, the server's, process) under an id of AWS's
    shape, and return that id (the cluster's ARN for ``kafka``, whose backend keys by ARN).

    Why: moto (5.x) makes API Gateway v2 ids of 8 letters, MQ broker ids of 6 hex digits,
    AppSync ids as dashed UUIDs and MSK ARNs without the cluster's name, and offers no custom id
    for these services (its ``_custom_id_`` tag covers others). The kinds' field patterns
    rightly refuse those shapes, so the sandbox moves the object moto made to AWS's id in the
    backend's own dict, with the attributes that carry the id. It is the one place that
    reaches into moto's models: tests/test_demo_ids.py fails if a moto upgrade moves them. The
    resource must have no tags yet (they are keyed by the old ARN); the API answers under the
    new id only, which this checks before returning.
    """
    import re

    account = DEMO_ACCOUNT
    if service == "apigatewayv2":
        from moto.apigatewayv2.models import apigatewayv2_backends

        gateways = apigatewayv2_backends[account][region]
        api = gateways.apis.pop(moto_id)
        new_id = _stable_id(service, region, api.name)[0][:10]
        api.api_id = new_id
        api.api_endpoint = api.api_endpoint.replace(moto_id, new_id)
        api.arn = api.arn.replace(f"/apis/{moto_id}", f"/apis/{new_id}")
        gateways.apis[new_id] = api
        found = gateways.get_api(new_id).api_id
    elif service == "mq":
        from moto.mq.models import mq_backends

        mq = mq_backends[account][region]
        broker = mq.brokers.pop(moto_id)
        new_id = f"b-{_stable_id(service, region, broker.name)[1]}"
        broker.id = new_id
        partition = broker.arn.split(":")[1]
        broker.arn = f"arn:{partition}:mq:{region}:{account}:broker:{broker.name}:{new_id}"
        for user in broker.users:
            user.broker_id = new_id
        mq.brokers[new_id] = broker
        found = mq.describe_broker(new_id).id
    elif service == "appsync":
        from moto.appsync.models import appsync_backends

        appsync = appsync_backends[account][region]
        graph = appsync.graphql_apis.pop(moto_id)
        new_id = _stable_id(service, region, graph.name)[0]
        graph.api_id = new_id
        graph.arn = graph.arn.replace(f"apis/{moto_id}", f"apis/{new_id}")
        appsync.graphql_apis[new_id] = graph
        found = appsync.get_graphql_api(new_id).api_id
    elif service == "kafka":
        from moto.kafka.models import kafka_backends

        kafka = kafka_backends[account][region]
        cluster = kafka.clusters.pop(moto_id)
        cluster_uuid = _stable_id(service, region, cluster.cluster_name)[1]
        head = moto_id.rsplit("/", 1)[0]  # arn:...:cluster
        new_id = f"{head}/{cluster.cluster_name}/{cluster_uuid}-2"
        cluster.arn = new_id
        kafka.clusters[new_id] = cluster
        found = kafka.describe_cluster_v2(new_id)["clusterArn"]
    else:
        raise ValueError(f"no AWS-shaped id for moto's {service} resources")
    if found != new_id or not re.match(AWS_ID_SHAPES[service], new_id):
        raise RuntimeError(f"moto's {service} backend did not take the id {new_id!r}")
    return new_id


def _seed_firehose(region: str, client: Clients) -> None:
    client("firehose").create_delivery_stream(
        DeliveryStreamName="orders-clickstream",
        S3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{DEMO_ACCOUNT}:role/firehose-delivery-role",
            "BucketARN": "arn:aws:s3:::demo-orders-reports",
        },
    )


def _seed_ses(region: str, client: Clients) -> None:
    ses = client("ses")
    ses.verify_domain_identity(Domain="orders.example.com")
    ses.verify_email_identity(EmailAddress="receipts@orders.example.com")


def _seed_athena(region: str, client: Clients) -> None:
    client("athena").create_work_group(Name="orders-analytics")


def _seed_scheduler(region: str, client: Clients) -> None:
    client("scheduler").create_schedule_group(Name="order-reminders")


def _seed_efs(region: str, client: Clients) -> None:
    efs = client("efs")
    fs_id = efs.create_file_system(CreationToken="orders-models")["FileSystemId"]
    efs.create_access_point(
        ClientToken="orders-models-lambda",
        FileSystemId=fs_id,
        Tags=[{"Key": "Name", "Value": "lambda"}],
    )


def _seed_rds(region: str, client: Clients) -> None:
    rds = client("rds")
    rds.create_db_cluster(
        DBClusterIdentifier="orders-aurora",
        Engine="aurora-postgresql",
        MasterUsername="orders",
        MasterUserPassword="demo-password",
        EnableHttpEndpoint=True,
        EnableIAMDatabaseAuthentication=True,
    )
    # an instance of its own (not in a cluster), for rds-db-user's DbiResourceId
    rds.create_db_instance(
        DBInstanceIdentifier="orders-reporting",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="orders",
        MasterUserPassword="demo-password",
        EnableIAMDatabaseAuthentication=True,
    )


def _seed_cloudwatch(region: str, client: Clients) -> None:
    # a custom namespace exists once a metric is put in it
    client("cloudwatch").put_metric_data(
        Namespace="Orders/Checkout",
        MetricData=[{"MetricName": "OrdersPlaced", "Value": 1.0, "Unit": "Count"}],
    )


def _seed_appconfig(region: str, client: Clients) -> None:
    # moto keeps the application and the profile; the environment is the demo extras' (moto has
    # no environments: wizard/aws/demo_extras.py)
    appconfig = client("appconfig")
    app_id = appconfig.create_application(Name="orders")["Id"]
    appconfig.create_environment(ApplicationId=app_id, Name="production")
    appconfig.create_configuration_profile(
        ApplicationId=app_id,
        Name="feature-flags",
        LocationUri="hosted",
        Type="AWS.AppConfig.FeatureFlags",
    )


SEEDERS: dict[str, Callable[[str, Clients], None]] = {
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
    "appsync": _seed_appsync,
    "kafka": _seed_kafka,
    "firehose": _seed_firehose,
    "ses": _seed_ses,
    "athena": _seed_athena,
    "scheduler": _seed_scheduler,
    "elasticfilesystem": _seed_efs,
    "rds": _seed_rds,
    "cloudwatch": _seed_cloudwatch,
    "appconfig": _seed_appconfig,
    "apigatewayv2": _seed_apigatewayv2,
    "mq": _seed_mq,
}
# A request's SigV4 signing name -> its seed group, where they differ (DynamoDB Streams signs as
# "dynamodb", so it seeds the tables whose streams it lists; API Gateway v2 signs as "apigateway",
# as v1 does).
SEED_GROUP_OF_SIGNING_NAME = {
    "states": "stepfunctions",
    "monitoring": "cloudwatch",
    "apigateway": "apigatewayv2",
}
SEED_NEEDS: dict[str, tuple[str, ...]] = {
    "lambda": ("iam",),
    "stepfunctions": ("iam",),
    "dynamodb": ("kms",),  # an encrypted table names its key (ENCRYPTED)
    "sqs": ("kms",),
}
GLOBAL_GROUPS = frozenset({"iam", "s3"})
