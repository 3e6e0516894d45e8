"""Export: the JSON bundle, CloudFormation (YAML and JSON) checked by the real cfn-lint, pinned
golden outputs, and atomic writes.

Regenerate the golden files with ``UPDATE_GOLDEN=1 pytest tests/test_export.py`` and read the
diff before committing it: the goldens are reviewed, not trusted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from wizard import atomic
from wizard.atomic import write_text_atomic
from wizard.catalog.kinds import catalog
from wizard.errors import UserError
from wizard.export import export
from wizard.export.cloudformation import cloudformation_template, to_json
from wizard.policy.compose import compose
from wizard.policy.gate import approve
from wizard.spec import RoleSpec, load_spec

GOLDEN = Path(__file__).parent / "golden"
# golden spec -> the formats pinned for it
GOLDEN_FORMATS = {
    "orders": ("json", "cloudformation"),
    "stream-worker-open": ("cloudformation", "cloudformation-json"),
    "gov-boundary-arn": ("json",),
}
SUFFIX = {"json": ".json", "cloudformation": ".cfn.yaml", "cloudformation-json": ".cfn.json"}

ACC = "123456789012"
# The real cfn-lint, as its console script runs it, in this interpreter.
CFN_LINT = (
    sys.executable,
    "-c",
    "import sys; from cfnlint.runner import main; sys.exit(main())",
    "--format",
    "parseable",
    "--",
)


def bundle_of(**fields):
    return compose(RoleSpec.model_validate({"function": "fn", **fields}))


# --------------------------------------------------------------------------- golden


@pytest.mark.parametrize(
    ("name", "fmt"), [(n, f) for n, fmts in GOLDEN_FORMATS.items() for f in fmts]
)
def test_golden_output_is_unchanged(name, fmt):
    spec, ctx = load_spec(GOLDEN / f"{name}.yaml")
    text = export(approve(compose(spec, ctx)), fmt)
    expected = GOLDEN / f"{name}{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_a_pinned_spec():
    pinned = {f"{n}{SUFFIX[f]}" for n, fmts in GOLDEN_FORMATS.items() for f in fmts}
    specs = {f"{n}.yaml" for n in GOLDEN_FORMATS}
    assert {p.name for p in GOLDEN.iterdir()} == pinned | specs


# --------------------------------------------------------------------------- JSON


def test_json_bundle_has_the_role_properties_in_order():
    bundle = bundle_of(
        account=ACC, region="us-east-1", role={"description": "d", "tags": {"t": "v"}}
    )
    data = json.loads(to_json(bundle))
    assert list(data) == [
        "RoleName", "Path", "Description", "AssumeRolePolicyDocument", "Policies",
        "ManagedPolicyArns", "PermissionsBoundary", "DeployerPolicy", "Tags",
    ]  # fmt: skip
    assert data["Tags"] == [{"Key": "t", "Value": "v"}]
    assert set(data["PermissionsBoundary"]) == {"PolicyName", "PolicyDocument"}


def test_json_bundle_with_boundary_none_has_null_boundary():
    data = json.loads(
        to_json(bundle_of(account=ACC, region="us-east-1", boundary="none", deployer=False))
    )
    assert data["PermissionsBoundary"] is None and data["DeployerPolicy"] is None


def test_json_export_without_region_names_what_is_missing():
    with pytest.raises(UserError, match="JSON export needs a concrete region"):
        to_json(bundle_of(account=ACC))


def test_json_export_round_trips_through_the_bundle_reader():
    from wizard.bundle import RoleBundle

    bundle = bundle_of(
        account=ACC, region="us-east-1", resources=[{"kind": "sqs-queue", "name": "q"}]
    )
    assert RoleBundle.from_dict(json.loads(to_json(bundle))) == bundle


# --------------------------------------------------------------------------- CloudFormation


def test_cloudformation_wraps_open_values_in_fn_sub():
    template = cloudformation_template(bundle_of(resources=[{"kind": "sqs-queue", "name": "q"}]))
    statements = template["Resources"]["ExecutionRole"]["Properties"]["Policies"][0][
        "PolicyDocument"
    ]["Statement"]
    assert {"Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:q"} in [
        s["Resource"] for s in statements
    ]


def test_cloudformation_escapes_other_dollar_braces_in_fn_sub():
    template = cloudformation_template(
        bundle_of(resources=[{"kind": "custom", "actions": ["s3:GetObject"],
                              "resources": ["arn:aws:s3:::bkt/${aws:username}/*"]}])
    )  # fmt: skip
    text = json.dumps(template)
    assert "arn:aws:s3:::bkt/${aws:username}/*" in text  # no open value: not wrapped


def test_cloudformation_references_boundary_and_outputs_arns():
    template = cloudformation_template(bundle_of())
    role = template["Resources"]["ExecutionRole"]["Properties"]
    assert role["PermissionsBoundary"] == {"Ref": "PermissionsBoundaryPolicy"}
    assert set(template["Outputs"]) == {"RoleArn", "PermissionsBoundaryArn", "DeployerPolicyArn"}
    deployer = template["Resources"]["DeployerPolicy"]["Properties"]
    assert "Roles" not in deployer and "Users" not in deployer  # left unattached


def test_cloudformation_boundary_arn_is_used_as_is():
    arn = f"arn:aws:iam::{ACC}:policy/team-boundary"
    template = cloudformation_template(bundle_of(boundary=arn, deployer=False))
    assert template["Resources"]["ExecutionRole"]["Properties"]["PermissionsBoundary"] == arn
    assert set(template["Resources"]) == {"ExecutionRole"}


def _lint_specs() -> dict[str, dict]:
    """One spec per kind x profile, plus the role-wide options, with account and region open."""
    samples = {
        "dynamodb-table": {"name": "Orders"},
        "dynamodb-stream": {"table": "Orders"},
        "s3-prefix": {"bucket": "uploads", "prefix": "in/"},
        "log-group": {"name": "/aws/lambda/other"},
        "sqs-queue": {"name": "q"},
        "sns-topic": {"name": "t"},
        "kms-key": {"id": "1234abcd-12ab-34cd-56ef-1234567890ab", "via": "s3"},
        "secretsmanager-secret": {"name": "orders/db"},
        "ssm-parameter": {"name": "/app/cfg/"},
        "kinesis-stream": {"name": "clicks"},
        "eventbridge-bus": {"name": "default"},
        "stepfunctions-state-machine": {"name": "checkout"},
        "lambda-function": {"name": "pricing"},
        "bedrock-model": {"model": "anthropic.claude-3-haiku-20240307-v1:0", "inference_profile": "us.anthropic.claude-3-haiku-20240307-v1:0", "regions": "us-east-1,us-west-2"},
        "ses-identity": {"identity": "example.com", "configuration_set": "tx"},
        "firehose-stream": {"name": "clicks"},
        "cloudwatch-metrics": {"namespace": "MyApp/Orders"},
        "apigateway-websocket": {"api_id": "a1b2c3d4e5"},
        "appsync-api": {"api_id": "z5fq4exyhbba5ny4qucbtx4bum"},
        "sts-role": {"role": "team/reader", "account_id": "210987654321"},
        "scheduler-group": {"group": "reminders", "target_role": "scheduler-invoke"},
        "mq-broker": {"broker_id": "b-1234abcd-56ef-78ab-90cd-1234567890ab", "secret": "mq/creds"},
        "msk-cluster": {"name": "orders", "uuid": "5a6b7c8d-1234-5678-9abc-def012345678-2"},
        "rds-data-cluster": {"cluster": "orders-db", "secret": "orders/db"},
        "athena-workgroup": {"workgroup": "primary", "database": "sales", "results_bucket": "athena-out", "results_prefix": "q/"},
        "rds-db-user": {"resource_id": "db-ABCDEFGHIJKLMNOPQRSTUVWXY1", "user": "app_user"},
        "efs-access-point": {"file_system_id": "fs-0123456789abcdef0", "access_point_id": "fsap-0123456789abcdef0"},
        "appconfig-profile": {"application_id": "abc1234", "environment_id": "env5678", "profile_id": "prf9012"},
        "custom": {"actions": ["ses:SendEmail"], "resources": ["arn:aws:ses:${AWS::Region}:${AWS::AccountId}:identity/example.com"]},
    }  # fmt: skip
    specs = {}
    for kind_name, kind in catalog().kinds.items():
        for profile in kind.profiles:
            entry = {"kind": kind_name, "access": profile, **samples[kind_name]}
            if kind_name == "custom":
                entry["resources"] = ["arn:aws:ses:us-east-1:" + ACC + ":identity/example.com"]
            specs[f"{kind_name}-{profile}"] = {
                "function": f"fn-{kind_name}-{profile}",
                "resources": [entry],
            }
    # issue 12: every encryption profile with a key (account and region open), and the targets
    key = f"arn:aws:kms:us-east-1:{ACC}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    for kind_name, kind in catalog().kinds.items():
        for profile in kind.encryption:
            entry = {"kind": kind_name, "access": profile, **samples[kind_name], "kms_key": key}
            specs[f"{kind_name}-{profile}-kms"] = {
                "function": f"fn-{kind_name}-{profile}-kms",
                "resources": [entry],
            }
    specs["targets"] = {
        "function": "fn-targets",
        "dead_letter": f"arn:aws:sns:us-east-1:{ACC}:dlq",
        "destinations": {
            "on_success": f"arn:aws:lambda:us-east-1:{ACC}:function:next:prod",
            "on_failure": "arn:aws:s3:::failures",
        },
    }
    specs["encrypted-targets"] = {  # every target type that takes a key, with its key
        "function": "fn-enc-targets",
        "dead_letter": {"arn": f"arn:aws:sqs:us-east-1:{ACC}:dlq", "kms_key": key},
        "destinations": {
            "on_success": {"arn": f"arn:aws:sns:us-east-1:{ACC}:done", "kms_key": key},
            "on_failure": {"arn": "arn:aws:s3:::failures", "kms_key": key},
        },
    }
    rw = [{"kind": "dynamodb-table", "name": "Orders", "access": "read-write"}]
    specs["bedrock-direct"] = {
        "function": "fn-bedrock",
        "resources": [{"kind": "bedrock-model", "model": "amazon.titan-embed-text-v2:0"}],
    }
    specs["tracing"] = {"function": "fn-tracing", "tracing": True, "resources": rw}
    specs["vpc"] = {"function": "fn-vpc", "vpc": True, "resources": rw}
    specs["no-deployer"] = {"function": "fn-nodep", "deployer": False, "resources": rw}
    specs["strict"] = {"function": "fn-strict", "boundary": "strict", "resources": rw}
    specs["none"] = {"function": "fn-none", "boundary": "none", "logs": False}
    specs["boundary-arn"] = {"function": "fn-barn", "boundary": f"arn:aws:iam::{ACC}:policy/b"}
    specs["s3-bucket"] = {
        "function": "fn-bkt",
        "resources": [{"kind": "s3-prefix", "bucket": "bkt", "access": "read-write"}],
    }
    specs["full"] = {
        "function": "fn-full", "tracing": True, "vpc": True,
        "role": {"name": "full-role", "path": "/apps/", "description": "all of it", "tags": {"team": "x"}},
        "managed_policies": ["AWSLambdaBasicExecutionRole"],
        "resources": [{"kind": k, **v} for k, v in list(samples.items())[:13]],
    }  # fmt: skip
    # Every kind in one role would need an envelope over IAM's managed-policy limit: the kinds
    # after the first 13 together in a second role.
    later = [{"kind": k, **v} for k, v in list(samples.items())[13:] if k != "custom"]
    specs["full-later-kinds"] = {"function": "fn-full2", "vpc": True, "resources": later}
    return specs


def test_cloudformation_export_of_every_kind_and_profile_passes_cfn_lint(tmp_path):
    files = []
    for name, data in _lint_specs().items():
        bundle = compose(RoleSpec.model_validate(data))
        for fmt, suffix in (("cloudformation", ".yaml"), ("cloudformation-json", ".json")):
            path = tmp_path / f"{name}{suffix}"
            path.write_text(export(approve(bundle), fmt), encoding="utf-8")
            files.append(str(path))
    proc = subprocess.run(
        [*CFN_LINT, *files],
        capture_output=True,
        text=True,
    )
    assert proc.stdout == "" and proc.returncode == 0, proc.stdout + proc.stderr
    assert len(files) >= 2 * 25


def test_cfn_lint_does_report_a_broken_template(tmp_path):
    # The lint test above can fail: a role with an invalid policy document is reported.
    template = cloudformation_template(bundle_of(deployer=False, boundary="none"))
    template["Resources"]["ExecutionRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][
        0
    ]["Effect"] = "Maybe"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(template))
    proc = subprocess.run(
        [*CFN_LINT, str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and "Maybe" in proc.stdout


# --------------------------------------------------------------------------- atomic writes


def test_atomic_write_replaces_the_file(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")
    write_text_atomic(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failed_atomic_write_keeps_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "out.json"
    path.write_text("old and good")

    def failing_fsync(fd: int) -> None:  # the text is half on its way to disk
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_text_atomic(path, "new " * 10_000)
    assert path.read_text() == "old and good"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failed_atomic_write_through_the_cli_is_one_line_and_keeps_the_old_file(
    tmp_path, monkeypatch, spec_file, run_cli
):
    out = tmp_path / "role.json"
    out.write_text("old")
    spec = spec_file(f"function: fn\naccount: '{ACC}'\nregion: us-east-1\n")

    def failing_replace(src, dst):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    result = run_cli("build", spec, "--out", out)
    assert result.code == 2
    assert result.err == f"role-wizard: {out}: cannot write: Permission denied\n"
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["role.json", "role.yaml"]


def test_atomic_write_keeps_the_existing_files_mode(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")
    path.chmod(0o600)
    write_text_atomic(path, "new")
    assert path.stat().st_mode & 0o777 == 0o600
