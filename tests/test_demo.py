"""The demo sandbox (``--demo``): seeded, lazy, and sealed off from the user's AWS settings.

Each test runs in a fresh interpreter: the sandbox is once per process, seeds moto's
process-wide state and edits the process's AWS environment variables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

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
        from wizard.aws.session import make_session
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
    assert out.split() == ["[]", "['dynamodb']"]


def test_demo_has_something_of_every_discoverable_kind() -> None:
    done = wizard("discover", "all", "--demo", "--format", "json")
    assert done.returncode == 0, done.stderr
    found = {item["kind"] for item in json.loads(done.stdout)}
    assert found == {name for name, kind in catalog().kinds.items() if kind.discovery}


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
