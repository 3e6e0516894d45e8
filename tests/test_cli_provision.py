"""plan, apply and audit through the command line.

In-process runs use ``mock_aws``; the end-to-end tests run ``python -m wizard`` in a subprocess
against a real moto server over HTTP on 127.0.0.1 (``AWS_ENDPOINT_URL``).
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import yaml
from aws_fixtures import server_env
from cli_helpers import run_wizard
from moto import mock_aws

ACCOUNT = "123456789012"
REGION = "us-east-1"
SPEC = """\
function: {function}
role: {{tags: {{team: payments}}}}
resources:
  - {{kind: dynamodb-table, name: Orders, access: read}}
"""


def spec_text(function: str = "orders-api") -> str:
    return SPEC.format(function=function)


@pytest.fixture
def mocked(mock_env: None) -> Iterator[None]:
    with mock_aws():
        yield


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


# --------------------------------------------------------------------------- in-process


def test_plan_json_lists_the_changes_with_a_summary(mocked, spec_file, run_cli) -> None:
    result = run_cli("plan", spec_file(spec_text()), "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["exists"] is False
    assert data["summary"] == {"add": 3, "change": 0, "remove": 0}
    assert data["arn"] == f"arn:aws:iam::{ACCOUNT}:role/orders-api-role"


def test_plan_detailed_exitcode_is_3_with_changes_and_0_without(mocked, spec_file, run_cli) -> None:
    path = spec_file(spec_text())
    assert run_cli("plan", path, "--detailed-exitcode").code == 3
    assert run_cli("apply", path, "--yes").code == 0
    result = run_cli("plan", path, "--detailed-exitcode")
    assert result.code == 0
    assert "No changes." in result.out


def test_apply_without_yes_and_without_a_terminal_refuses(
    mocked, spec_file, run_cli, monkeypatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    result = run_cli("apply", spec_file(spec_text()))
    assert result.code == 2
    assert result.err.count("\n") == 1 and "pass --yes" in result.err
    assert boto3.client("iam").list_roles()["Roles"] == []


def test_apply_asks_and_a_no_changes_nothing(mocked, spec_file, run_cli, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", Tty("n\n"))
    result = run_cli("apply", spec_file(spec_text()))
    assert result.code == 0
    assert "Apply? [y/N]" in result.out and "Cancelled" in result.out
    assert boto3.client("iam").list_roles()["Roles"] == []


def test_apply_asks_and_a_yes_applies(mocked, spec_file, run_cli, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", Tty("yes\n"))
    result = run_cli("apply", spec_file(spec_text()))
    assert result.code == 0, result.err
    assert "Apply complete: 3 added, 0 changed, 0 removed." in result.out
    assert [r["RoleName"] for r in boto3.client("iam").list_roles()["Roles"]] == ["orders-api-role"]


def test_an_aws_failure_is_one_line_and_exit_1(mocked, spec_file, run_cli) -> None:
    missing = f"arn:aws:iam::{ACCOUNT}:policy/DoesNotExist"
    path = spec_file(spec_text() + f'managed_policies: ["{missing}"]\n')
    result = run_cli("apply", path, "--yes")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "AttachRolePolicy: NoSuchEntity" in result.err and "run apply again" in result.err


def test_a_foreign_role_needs_adopt(mocked, spec_file, run_cli) -> None:
    boto3.client("iam").create_role(RoleName="orders-api-role", AssumeRolePolicyDocument="{}")
    path = spec_file(spec_text())
    refused = run_cli("apply", path, "--yes")
    assert refused.code == 2 and "--adopt" in refused.err
    assert run_cli("apply", path, "--yes", "--adopt").code == 0
    assert "No changes." in run_cli("apply", path, "--yes").out


def test_a_spec_for_another_account_is_refused(mocked, spec_file, run_cli) -> None:
    path = spec_file('account: "999999999999"\n' + spec_text())
    result = run_cli("plan", path)
    assert result.code == 2
    assert (
        "account 123456789012 from the AWS session contradicts the spec's account 999999999999"
        in result.err
    )


def test_deployer_policy_name_creates_the_deployer_policy(mocked, spec_file, run_cli) -> None:
    result = run_cli(
        "apply", spec_file(spec_text()), "--yes", "--deployer-policy-name", "ci-deploy"
    )
    assert result.code == 0, result.err
    arn = f"arn:aws:iam::{ACCOUNT}:policy/ci-deploy"
    assert boto3.client("iam").get_policy(PolicyArn=arn)["Policy"]["PolicyName"] == "ci-deploy"


def test_audit_of_a_missing_role_is_exit_2(mocked, run_cli) -> None:
    result = run_cli("audit", "nope")
    assert result.code == 2 and "no role named 'nope'" in result.err


def test_audit_lookback_must_be_positive(mocked, run_cli) -> None:
    assert run_cli("audit", "x", "--lookback-days", "0").code == 2


def test_audit_sarif_is_a_sarif_log(mocked, spec_file, run_cli) -> None:
    run_cli("apply", spec_file(spec_text()), "--yes")
    result = run_cli("audit", "orders-api-role", "--format", "sarif")
    assert result.code == 0, result.err
    log = json.loads(result.out)
    assert log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "role-wizard"


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def http_env(moto_server: str, tmp_path: Path) -> dict[str, str]:
    """The session's moto server (tests/aws_fixtures.py), with no AWS setting of this machine."""
    env = server_env(moto_server, {k: v for k, v in os.environ.items() if not k.startswith("AWS_")})
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
    )
    return env


def test_e2e_plan_shows_the_role_to_create(http_env, spec_file) -> None:
    result = run_wizard("plan", spec_file(spec_text("e2e-plan")), env=http_env)
    assert result.returncode == 0, result.stderr
    assert "  + create role e2e-plan-role" in result.stdout
    assert "Plan: 3 to add, 0 to change, 0 to remove." in result.stdout


def test_e2e_apply_then_apply_again_says_no_changes(http_env, spec_file) -> None:
    path = spec_file(spec_text("e2e-apply"))
    first = run_wizard("apply", path, "--yes", env=http_env)
    assert first.returncode == 0, first.stderr
    assert "Apply complete: 3 added" in first.stdout
    second = run_wizard("apply", path, "--yes", env=http_env)
    assert second.returncode == 0, second.stderr
    assert second.stdout == "No changes. Role e2e-apply-role matches the spec.\n"


def test_e2e_audit_notes_missing_apis_and_writes_a_spec_build_accepts(
    http_env, spec_file, tmp_path
) -> None:
    applied = run_wizard("apply", spec_file(spec_text("e2e-audit")), "--yes", env=http_env)
    assert applied.returncode == 0, applied.stderr
    written = tmp_path / "tight.yaml"
    audit = run_wizard(
        "audit", "e2e-audit-role", "--format", "json", "--write-spec", written, env=http_env
    )
    assert audit.returncode == 0, audit.stderr
    report = json.loads(audit.stdout)
    assert report["arn"] == f"arn:aws:iam::{ACCOUNT}:role/e2e-audit-role"
    assert (
        "IAM last-accessed data is not available here (the endpoint does not implement it)"
        in (report["notes"])
    )
    assert yaml.safe_load(written.read_text())["resources"] == [
        {"kind": "dynamodb-table", "access": "read", "name": "Orders"}
    ]
    build = run_wizard("build", written, env=http_env)
    assert build.returncode == 0, build.stderr
    assert json.loads(build.stdout)["RoleName"] == "e2e-audit-role"
