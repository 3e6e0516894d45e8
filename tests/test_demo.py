"""The demo sandbox (``--demo``): seeded, lazy, sealed off from the user's AWS settings, and
shared by every demo command until ``demo reset``.

Each test has its own sandbox (``XDG_STATE_HOME`` in tmp_path, see the ``demo_state`` fixture in
conftest.py, which also stops the server afterwards); commands run as separate processes, as a
user runs them.
"""

from __future__ import annotations

import http.server
import json
import os
import select
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from unittest.mock import ANY

import pytest
from cli_helpers import run_wizard

from wizard.catalog.kinds import catalog

ACCOUNT = "123456789012"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(extra)
    return env


def hostile_env(tmp_path: Path) -> dict[str, str]:
    """Settings that would send a normal run elsewhere, or break it."""
    config = tmp_path / "config"
    config.write_text(
        "[profile elsewhere]\nendpoint_url = http://127.0.0.1:9\nregion = eu-west-1\n"
    )
    return clean_env(
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
        AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:9",
        AWS_PROFILE="no-such-profile",
        AWS_CONFIG_FILE=str(config),
        AWS_ACCESS_KEY_ID="AKIAREALLOOKINGKEY00",
        AWS_SECRET_ACCESS_KEY="real-looking-secret",
        AWS_SESSION_TOKEN="real-looking-token",
        AWS_REGION="eu-west-1",
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
    )


def wizard(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``role-wizard ARGV`` in a new process with none of this machine's AWS settings."""
    return run_wizard(*argv, env=env or clean_env(), timeout=60)


def python(code: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env or clean_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_demo_discover_lists_the_seeded_tables_with_their_streams() -> None:
    done = wizard("discover", "dynamodb-table", "--demo", "--format", "json")
    assert done.returncode == 0, done.stderr
    tables = {t["name"]: t for t in json.loads(done.stdout)}
    assert {"Orders", "Customers", "Inventory"} <= set(tables)
    assert tables["Orders"]["arn"] == f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders"
    assert tables["Orders"]["stream_arn"].startswith(tables["Orders"]["arn"] + "/stream/")
    assert "stream_arn" not in tables["Inventory"]


def test_demo_works_whatever_the_users_aws_settings_say(tmp_path: Path) -> None:
    done = wizard(
        "--demo", "discover", "dynamodb-table", "--format", "json", env=hostile_env(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    assert "Orders" in {t["name"] for t in json.loads(done.stdout)}


def test_demo_session_uses_only_the_sandbox_endpoint_and_fake_credentials(tmp_path: Path) -> None:
    out = python(
        """
        from wizard.aws.connect import make_session
        aws = make_session(demo=True)
        creds = aws.session.get_credentials()
        print(aws.client("dynamodb").meta.endpoint_url, aws.endpoint_url)
        print(creds.access_key, creds.token, aws.region)
        """,
        env=hostile_env(tmp_path),
    )
    endpoint_line, creds_line = out.splitlines()
    client_url, sandbox_url = endpoint_line.split()
    assert client_url == sandbox_url
    assert sandbox_url.startswith("http://127.0.0.1:") and not sandbox_url.endswith(":9")
    assert creds_line.split() == ["testing", "None", "us-east-1"]


def test_demo_seeds_only_the_services_that_are_asked_for() -> None:
    out = python(
        """
        from wizard.aws.demo import demo_session
        from wizard.aws.discover import Discoverer
        aws = demo_session()
        before = sorted(aws.seeded_services())
        Discoverer(aws).list("dynamodb-table")
        print(before, sorted(aws.seeded_services()))
        """
    )
    # the tables and the keys an encrypted table names (demo.SEED_NEEDS), nothing else
    assert out.split() == ["[]", "['dynamodb',", "'kms']"]


def test_demo_has_something_of_every_discoverable_kind() -> None:
    done = wizard("discover", "all", "--demo", "--format", "json")
    assert done.returncode == 0, done.stderr
    found = {item["kind"] for item in json.loads(done.stdout)}
    discoverable = {name for name, kind in catalog().kinds.items() if kind.discovery}
    assert found == discoverable


# kind -> the fields its demo example's entry is named by (moto makes their ids in other shapes;
# the sandbox gives them AWS's: tests/test_demo_ids.py), and what the wizard asks beside them
RESHAPED = {
    "apigateway-websocket": ({"api_id"}, {}),
    "mq-broker": ({"broker_id"}, {"secret": "orders/mq-lambda"}),
    "appsync-api": ({"api_id"}, {}),
    "msk-cluster": ({"name"}, {}),
}


def test_demo_websocket_api_mq_broker_appsync_api_and_msk_cluster_are_named_by_their_fields(
    tmp_path: Path,
) -> None:
    """Issue #12: the sandbox's examples of the kinds whose ids moto shapes otherwise are
    listed under AWS-shaped ids, named by the kinds' fields (not by ARN), and the spec made of
    them builds through the gate."""
    out = python(
        f"""
        import json
        from wizard.aws.demo import demo_session
        from wizard.aws.discover import Discoverer
        from wizard.entries import entry_from_discovered
        disc = Discoverer(demo_session())
        def entry(kind, item):
            made = entry_from_discovered(kind, item)
            return {{"kind": kind, **made.field_values(), **({{"arn": made.arn}} if made.arn else {{}})}}
        found = {{}}
        for kind in {sorted(RESHAPED)!r}:
            found[kind] = [
                [item.name, item.arn, item.detail, entry(kind, item)]
                for item in disc.list(kind)
            ]
        print(json.dumps(found))
        """
    )
    found = json.loads(out)
    ws = found["apigateway-websocket"]
    assert [item[2]["title"] for item in ws] == ["orders-notifications"]  # not the HTTP API
    resources = []
    for kind, (fields, asked) in RESHAPED.items():
        assert len(found[kind]) == 1, (kind, found[kind])
        name, arn, _detail, entry = found[kind][0]
        assert "arn" not in entry and set(entry) - {"kind"} == fields, (kind, entry)
        assert name in arn
        resources.append({**entry, **asked})
    broker = found["mq-broker"][0]
    assert broker[1] == f"arn:aws:mq:us-east-1:{ACCOUNT}:broker:orders-broker:{broker[0]}"
    assert found["msk-cluster"][0][1].startswith(
        f"arn:aws:kafka:us-east-1:{ACCOUNT}:cluster/orders-events/"
    )
    spec = tmp_path / "demo-kinds.role.yaml"
    spec.write_text(
        json.dumps(
            {"function": "fn", "account": ACCOUNT, "region": "us-east-1", "resources": resources}
        )
    )
    done = wizard("build", str(spec), "--format", "json")
    assert done.returncode == 0, done.stderr
    policy = done.stdout
    api_id = ws[0][0]
    assert f"execute-api:us-east-1:{ACCOUNT}:{api_id}/*/POST/@connections/*" in policy
    assert f"broker:*:{broker[0]}" in policy
    assert f"apis/{found['appsync-api'][0][0]}/types/Query/fields/*" in policy
    assert ":secret:orders/mq-lambda-??????" in policy


def test_demo_has_encrypted_resources_whose_key_discovery_fills() -> None:
    """Issue #12: the sandbox's Payments table and payments-events queue are encrypted with
    its alias/payments key; discovery gives their entries the key's ARN (an alias resolved)."""
    out = python(
        """
        from wizard.aws.demo import demo_session
        from wizard.aws.discover import Discoverer
        from wizard.entries import entry_from_discovered
        aws = demo_session()
        disc = Discoverer(aws)
        key = aws.client("kms").describe_key(KeyId="alias/payments")["KeyMetadata"]["Arn"]
        for kind, name in (("dynamodb-table", "Payments"), ("sqs-queue", "payments-events"),
                           ("dynamodb-table", "Orders")):
            item = next(i for i in disc.list(kind) if i.name == name)
            found = entry_from_discovered(kind, disc.with_kms_key(item)).field_values()
            print(name, found.get("kms_key") == key, bool(found.get("kms_key")))
        """
    )
    assert out.splitlines() == [
        "Payments True True",
        "payments-events True True",
        "Orders False False",
    ]


def test_demo_buckets_have_nested_prefixes_to_drill_into() -> None:
    done = wizard(
        "discover", "s3-prefix", "--demo", "--bucket", "demo-orders-uploads", "--prefix", "incoming/",
        "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [p["name"] for p in json.loads(done.stdout)] == ["incoming/2024/", "incoming/2025/"]


def test_demo_has_a_tool_made_role_and_an_over_privileged_legacy_role() -> None:
    out = python(
        """
        import json
        from wizard.aws.demo import demo_session
        from wizard.aws.provision import MANAGED_TAG
        iam = demo_session().client("iam")
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName="orders-worker-role")["Tags"]}
        legacy = iam.list_role_policies(RoleName="legacy-orders-role")["PolicyNames"]
        wide = [
            s["Action"]
            for name in legacy
            for s in iam.get_role_policy(RoleName="legacy-orders-role", PolicyName=name)[
                "PolicyDocument"]["Statement"]
            if s["Resource"] == "*"
        ]
        print(json.dumps({"managed": MANAGED_TAG in tags, "wide": wide}))
        """
    )
    report = json.loads(out)
    assert report["managed"] is True
    assert "dynamodb:*" in report["wide"]


def test_demo_apply_attaches_the_aws_managed_policies_a_spec_names(tmp_path: Path) -> None:
    """A workshop picking AWSLambdaBasicExecutionRole in the wizard can apply it on the demo:
    the sandbox knows AWS's managed policies, as a real account does."""
    spec = tmp_path / "role.yaml"
    spec.write_text(
        "function: workshop-fn\nmanaged_policies: [AWSLambdaBasicExecutionRole]\n",
        encoding="utf-8",
    )
    done = wizard("apply", str(spec), "--demo", "--yes")
    assert done.returncode == 0, done.stderr
    assert "AWSLambdaBasicExecutionRole" in done.stdout + done.stderr


# --------------------------------------------------------------------------- one shared sandbox

ROLE_SPEC = (
    "function: {name}\nresources:\n  - {{kind: dynamodb-table, name: Orders, access: read}}\n"
)


def role_spec(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(ROLE_SPEC.format(name=name), encoding="utf-8")
    return path


def server_file(state: Path) -> Path:
    return state / "lambda-role-wizard" / "demo" / "server.json"


def server_pid(state: Path) -> int:
    return int(json.loads(server_file(state).read_text())["pid"])


def sandbox_servers(state: Path) -> list[int]:
    """The pids of the sandbox servers running for ``state`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"wizard.aws.demo_server" in cmdline and str(state).encode() in b"\0".join(cmdline):
            found.append(int(entry.name))
    return found


def wait_for_exit(pid: int, timeout: float = 30) -> bool:
    """Whether ``pid`` exited within ``timeout`` (waits on a pidfd: an event, not a poll)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
        return bool(ready)
    finally:
        os.close(fd)


def lambda_role_names(env: dict[str, str] | None = None) -> set[str]:
    done = wizard("--demo", "audit", "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    return {r["name"] for r in json.loads(done.stdout)}


def test_what_apply_made_is_there_for_plan_and_audit_until_demo_reset(tmp_path: Path) -> None:
    spec = role_spec(tmp_path, "workshop-fn")
    done = wizard("--demo", "apply", str(spec), "--yes")
    assert done.returncode == 0, done.stderr
    done = wizard("--demo", "plan", str(spec), "--detailed-exitcode")
    assert done.returncode == 0, done.stdout + done.stderr  # no changes
    assert "No changes" in done.stdout
    done = wizard("--demo", "audit", "workshop-fn-role", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["inline_policies"] == {"workshop-fn-access": ANY}
    assert "workshop-fn-role" in lambda_role_names()

    done = wizard("demo", "reset")
    assert done.returncode == 0, done.stderr
    done = wizard("--demo", "plan", str(spec))
    assert done.returncode == 0, done.stderr
    assert "workshop-fn-role" in done.stdout and "does not exist yet" in done.stdout
    # the seed data comes back after a reset
    assert {"legacy-orders-role", "orders-worker-role"} <= lambda_role_names()


def test_audit_with_no_role_lists_the_roles_to_audit() -> None:
    done = wizard("--demo", "audit")
    assert done.returncode == 0, done.stderr
    assert "legacy-orders-role" in done.stdout and "orders-worker-role" in done.stdout
    # a role Lambda cannot assume is not one to audit for a function
    assert "order-fulfilment-states-role" not in done.stdout


def test_two_demo_commands_started_together_share_one_sandbox(
    tmp_path: Path, demo_state: Path
) -> None:
    specs = [role_spec(tmp_path, name) for name in ("first-fn", "second-fn")]
    starts = [
        subprocess.Popen(
            [sys.executable, "-m", "wizard", "--demo", "apply", str(spec), "--yes"],
            env=clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for spec in specs
    ]
    for started in starts:
        out, err = started.communicate(timeout=120)
        assert started.returncode == 0, out + err
    assert len(sandbox_servers(demo_state)) == 1
    assert {"first-fn-role", "second-fn-role"} <= lambda_role_names()


def test_a_killed_server_is_replaced_by_a_fresh_sandbox(tmp_path: Path, demo_state: Path) -> None:
    done = wizard("--demo", "apply", str(role_spec(tmp_path, "gone-fn")), "--yes")
    assert done.returncode == 0, done.stderr
    killed = server_pid(demo_state)
    os.kill(killed, signal.SIGKILL)
    assert wait_for_exit(killed)
    names = lambda_role_names()
    assert "legacy-orders-role" in names and "gone-fn-role" not in names
    assert server_pid(demo_state) != killed


class _NotASandbox(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the handler's name
        self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("stale", ["not json", "another-programs-port", "wrong-token"])
def test_a_stale_state_file_is_replaced(demo_state: Path, stale: str) -> None:
    path = server_file(demo_state)
    path.parent.mkdir(parents=True)
    other = demo_state.parent / "other"
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotASandbox)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        if stale == "not json":
            path.write_text("{half a file")
        elif stale == "another-programs-port":  # the port was reused by another program
            path.write_text(json.dumps({"pid": 1, "port": web.server_port, "token": "x"}))
        else:  # a live sandbox of another state directory, with another token
            done = wizard(
                "--demo", "discover", "sns-topic", env=clean_env(XDG_STATE_HOME=str(other))
            )
            assert done.returncode == 0, done.stderr
            info = json.loads(server_file(other).read_text())
            path.write_text(json.dumps({**info, "token": "not-its-token"}))
        assert "legacy-orders-role" in lambda_role_names()
        assert server_pid(demo_state) in sandbox_servers(demo_state)
    finally:
        web.shutdown()
        if server_file(other).exists():
            from wizard.aws.demo import stop_sandbox

            stop_sandbox(other / "lambda-role-wizard" / "demo")


def test_the_server_stops_when_idle_and_no_demo_command_runs(demo_state: Path) -> None:
    env = clean_env(ROLE_WIZARD_DEMO_IDLE="0.5")
    assert wizard("--demo", "discover", "sns-topic", env=env).returncode == 0
    pid = server_pid(demo_state)
    assert wait_for_exit(pid)
    assert not server_file(demo_state).exists()
    done = wizard("demo", "status", "--format", "json", env=env)
    assert json.loads(done.stdout)["running"] is False


def test_the_server_keeps_running_while_a_demo_command_runs(
    demo_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test process is a demo command: while its session lives, idleness stops nothing."""
    monkeypatch.setenv("ROLE_WIZARD_DEMO_IDLE", "0.2")
    from wizard.aws import demo

    aws = demo.demo_session()
    pid = server_pid(demo_state)
    # The server has been idle for far longer than 0.2 s and checked every 0.05 s ...
    running = demo.sandbox_status().running
    while running and running["idle_seconds"] < 1.0:
        running = demo.sandbox_status().running
    assert running is not None and running["pid"] == pid
    aws.client("sns").list_topics()  # ... and still answers
    demo._detach(aws.state_dir)  # the command ends: now idleness stops it
    assert wait_for_exit(pid)


def test_the_server_has_none_of_the_users_aws_settings(tmp_path: Path, demo_state: Path) -> None:
    assert wizard("--demo", "discover", "sns-topic", env=hostile_env(tmp_path)).returncode == 0
    environ = Path(f"/proc/{server_pid(demo_state)}/environ").read_bytes().split(b"\0")
    assert b"AWS_ACCESS_KEY_ID=testing" in environ
    assert not [
        v
        for v in environ
        if v.startswith((b"AWS_PROFILE=", b"AWS_ENDPOINT_URL", b"AWS_CONFIG_FILE="))
    ]


def test_demo_status_says_where_the_state_lives_and_what_it_holds(
    tmp_path: Path, demo_state: Path
) -> None:
    done = wizard("demo", "status")
    assert done.returncode == 0 and "Not running" in done.stdout
    assert str(demo_state / "lambda-role-wizard" / "demo") in done.stdout
    assert wizard("--demo", "apply", str(role_spec(tmp_path, "status-fn")), "--yes").returncode == 0
    done = wizard("demo", "status", "--format", "json")
    status = json.loads(done.stdout)
    assert status["running"] is True and ["iam", "global"] in status["seeded"]
    assert {"name": "status-fn-role", "made_by_role_wizard": True} in status["lambda_roles"]
    assert wizard("demo", "stop").returncode == 0
    assert sandbox_servers(demo_state) == []
