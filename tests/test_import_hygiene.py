"""The domain and the build path load no UI or AWS SDK, and the IAM reference loads lazily."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = ("textual", "questionary", "boto3", "botocore", "moto")


def run_fresh(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints a JSON result on its last line."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_domain_modules_and_the_build_command_import_no_ui_or_aws_sdk(tmp_path):
    spec = tmp_path / "role.yaml"
    spec.write_text(
        "function: fn\naccount: '123456789012'\nregion: us-east-1\n"
        "resources:\n  - {kind: dynamodb-table, name: Orders}\n"
    )
    result = run_fresh(
        f"""
        import contextlib, io, json, sys
        import wizard.spec, wizard.catalog.kinds, wizard.catalog.reference
        import wizard.policy.compose, wizard.policy.tighten, wizard.export, wizard.cli
        import wizard.entries, wizard.drafts
        import wizard.report.access, wizard.report.html, wizard.report.markdown
        from wizard.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["build", {str(spec)!r}, "--format", "cloudformation"])
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
        print(json.dumps({{"code": code, "heavy": heavy}}))
        """
    )
    assert result == {"code": 0, "heavy": []}


def test_composing_a_dynamodb_only_spec_loads_only_the_services_it_needs():
    result = run_fresh(
        """
        import json
        from wizard.catalog.reference import reference
        from wizard.policy.compose import compose
        from wizard.spec import RoleSpec
        spec = RoleSpec.model_validate({
            "function": "fn", "logs": False, "deployer": False, "boundary": "envelope",
            "resources": [{"kind": "dynamodb-table", "name": "Orders", "access": "read-write"}],
        })
        compose(spec)
        print(json.dumps(sorted(reference()._services)))
        """
    )
    assert result == ["dynamodb"]
