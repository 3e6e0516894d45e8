"""The one gate: a role the validator rejects is refused at every door.

One risky spec — no boundary and ``iam:PassRole`` on every role of the account — goes through
each door in turn: the domain's export and provisioning primitives, ``build``, ``plan`` and
``apply`` (in process on moto, and as a new process on the demo sandbox). The wizard's and
plain mode's doors have their own tests beside their fronts, with the same spec
(:data:`RISKY_SPEC`).
"""

from __future__ import annotations

import boto3
import pytest
from cli_helpers import one_line_error, run_wizard
from moto import mock_aws

from wizard.export import FORMATS, export, export_file
from wizard.policy.compose import compose
from wizard.policy.gate import Approved, Refused, approve, approved, blocking, review
from wizard.spec import load_spec_text

RISKY_SPEC = """\
function: risky-fn
account: "123456789012"
region: us-east-1
boundary: none
resources:
  - kind: custom
    actions: [iam:PassRole]
    resources: ["arn:aws:iam::123456789012:role/*"]
"""
SAFE_SPEC = """\
function: safe-fn
account: "123456789012"
region: us-east-1
resources:
  - {kind: dynamodb-table, name: Orders, access: read}
"""


def bundle_of(text: str):
    spec, ctx = load_spec_text(text)
    return compose(spec, ctx)


def test_the_risky_spec_draws_a_blocking_finding():
    codes = {f.code for f in blocking(review(bundle_of(RISKY_SPEC)))}
    assert "passrole-unscoped" in codes


def test_approve_refuses_with_the_findings_and_passes_a_clean_role():
    with pytest.raises(Refused) as caught:
        approve(bundle_of(RISKY_SPEC), source="risky.yaml")
    refused = caught.value
    assert refused.exit_code == 2
    assert {f.severity for f in refused.findings} <= {"error", "warning"}
    assert "passrole-unscoped" in str(refused) and str(refused).startswith("risky.yaml: ")
    assert "\n" not in str(refused)
    ok = approve(bundle_of(SAFE_SPEC))
    assert all(f.severity == "info" for f in ok.findings)
    assert approved(ok) is ok  # an approved bundle is not validated again


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_refuses_a_bare_risky_bundle_in_every_format(fmt, tmp_path):
    with pytest.raises(Refused):
        export(bundle_of(RISKY_SPEC), fmt)
    with pytest.raises(Refused):
        export_file(bundle_of(RISKY_SPEC), fmt, tmp_path)
    assert list(tmp_path.iterdir()) == []
    written = export_file(bundle_of(SAFE_SPEC), fmt, tmp_path)
    assert written.name == FORMATS[fmt].filename("safe-fn-role")


def test_provisioning_refuses_before_reading_the_account(mock_env):
    from wizard.aws.connect import make_session
    from wizard.aws.provision import apply, make_plan

    with mock_aws():
        aws = make_session(region="us-east-1")
        for door in (make_plan, apply):
            with pytest.raises(Refused):
                door(aws, bundle_of(RISKY_SPEC))
        assert boto3.client("iam", region_name="us-east-1").list_roles()["Roles"] == []
        plan = make_plan(aws, approve(bundle_of(SAFE_SPEC)))
        assert isinstance(approve(bundle_of(SAFE_SPEC)), Approved) and plan.changes


@pytest.mark.parametrize(
    "argv",
    [
        ("build", "{spec}"),
        ("build", "{spec}", "--format", "cloudformation", "--out", "{out}"),
        ("plan", "{spec}"),
        ("apply", "{spec}", "--yes"),
    ],
)
def test_cli_doors_refuse_the_risky_spec(argv, mock_env, spec_file, run_cli, tmp_path):
    spec = spec_file(RISKY_SPEC)
    out = tmp_path / "out.yaml"
    with mock_aws():
        result = run_cli(*(a.format(spec=spec, out=out) for a in argv))
        assert boto3.client("iam", region_name="us-east-1").list_roles()["Roles"] == []
    assert one_line_error(result), result
    assert "passrole-unscoped" in result.err
    assert not out.exists()


def test_demo_apply_refuses_the_risky_spec_in_a_new_process(tmp_path):
    spec = tmp_path / "risky.yaml"
    spec.write_text(RISKY_SPEC, encoding="utf-8")
    result = run_wizard("--demo", "apply", spec, "--yes", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "passrole-unscoped" in result.stderr and "Apply complete" not in result.stdout
    assert "Traceback" not in result.stderr
