"""App specs: many functions, one role each, in one file.

The model (shared values, checks with file and line, the YAML round trip), the build of every
format read back by its own tool (cfn-lint, the SAM translator, python-hcl2) and compared with
each function's JSON bundle, names that stay unique and stable when functions are added, one
boundary policy for roles that share it, and the gate refusing the app by the function.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from samtranslator.translator.transform import transform
from test_export import CFN_LINT
from test_export_iac import (
    DATA_VALUES,
    _blocks,
    _heredoc_json,
    _NoManagedPolicies,
    _parse_tf,
    _references,
    _role_arn,
    _unsub,
    _untemplate,
)

from wizard.appspec import AppSpec, function_key, load_any_spec, load_app_text
from wizard.bundle import RoleBundle
from wizard.cli.core import EXAMPLE_APP
from wizard.errors import UserError
from wizard.export import FORMATS, export
from wizard.export.roles import RoleSet
from wizard.policy.app import compose_app
from wizard.policy.compose import compose
from wizard.policy.gate import Refused, approve_app
from wizard.spec import RoleSpec, load_spec_text

APP = """\
app: shop
account: "123456789012"
region: us-east-1
tags: {team: payments}
functions:
  - function: orders-api
    resources:
      - {kind: dynamodb-table, name: Orders, access: read-write}
  - function: orders-sync
    resources:
      - {kind: dynamodb-table, name: Stock, access: read-write}
  - function: mailer
    boundary: strict
    role: {tags: {team: mail}}
    managed_policies: [AWSXRayDaemonWriteAccess]
    resources:
      - {kind: sqs-queue, name: mail, access: consume}
  - function: archive
    boundary: none
    deployer: false
    resources:
      - {kind: s3-prefix, bucket: archive, prefix: done/, access: write}
"""
OPEN_APP = APP.replace('account: "123456789012"\nregion: us-east-1\n', "")


def _app(text: str = APP) -> tuple[AppSpec, list[RoleBundle]]:
    app, ctx = load_app_text(text, "app.yaml")
    return app, compose_app(app, ctx)


def _refusal(text: str) -> str:
    with pytest.raises(UserError) as exc:
        load_app_text(text, "app.yaml")
    return str(exc.value)


# --------------------------------------------------------------------------- the model


def test_functions_take_the_apps_values_and_keep_their_own():
    app, _ = load_app_text(APP, "app.yaml")
    api, mailer = app.role(0), app.role(2)
    assert (api.account, api.region, api.boundary) == ("123456789012", "us-east-1", "envelope")
    assert api.role.tags == {"team": "payments"}
    assert mailer.boundary == "strict" and mailer.role.tags == {"team": "mail"}


def test_yaml_round_trip_and_editing_one_function_keeps_the_others():
    app, _ = load_app_text(APP, "app.yaml")
    assert load_app_text(app.to_yaml())[0] == app
    edited = app.role(1)
    edited.resources[0].access = "read"
    edited.role.tags = {"team": "payments", "owner": "stock"}
    after = app.with_function(1, edited)
    again = load_app_text(after.to_yaml())[0]
    assert again.functions[0] == app.functions[0] and again.functions[2:] == app.functions[2:]
    assert again.role(1) == edited
    written = yaml.safe_load(after.to_yaml())["functions"][1]
    assert written["role"] == {"tags": {"owner": "stock"}}  # the app's tag stays the app's
    assert "account" not in written and "boundary" not in written


def test_an_edited_function_may_not_move_to_another_account():
    app, _ = load_app_text(APP, "app.yaml")
    edited = app.role(0)
    edited.account = "210987654321"
    with pytest.raises(UserError, match="account 210987654321 contradicts the app's account"):
        app.with_function(0, edited)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  - function: mailer\n", "  - function: orders-api\n"),
         r"app.yaml:12: functions\[2\]: a second function named 'orders-api'"),
        (("  - function: mailer\n", "  - function: orders_api\n"),
         "'orders_api' and 'orders-api' would give their resources the same names"),
        (("  - function: orders-sync\n", "  - function: x\n    role: {name: Orders-API-role}\n"),
         r"app.yaml:10: functions\[1\].role.name: the role name 'Orders-API-role' is orders-api's"),
        (('account: "123456789012"', 'account: "1234"'),
         "app.yaml:2: account: account '1234' must be 12 digits"),
        (("region: us-east-1", "region: mars"), "app.yaml:3: region: region 'mars' is not"),
        (("boundary: none", "boundary: some"), r"app.yaml:19: functions\[3\].boundary: boundary 'some' must be"),
        (("app: shop", "app: 'a shop'"), "app.yaml:1: app: app name 'a shop' must be"),
        (("name: Stock,", "nam: Stock,"),
         "app.yaml:10: function orders-sync: resources.0.nam|unknown field 'nam'"),
        (("    boundary: none\n", "    region: eu-west-1\n"),
         "app.yaml:19: function archive: region eu-west-1: the app's region is us-east-1"),
        (("functions:\n", "functionz:\n"), "app.yaml:1: functions: 'functions' is required"),
    ],
)  # fmt: skip
def test_bad_app_specs_are_one_line_naming_file_line_and_function(change, expected):
    message = _refusal(APP.replace(*change, 1))
    assert re.search(expected, message), message
    assert "\n" not in message


def test_an_app_needs_functions_and_a_name():
    assert "functions: List should have at least 1 item" in _refusal("app: a\nfunctions: []\n")
    assert "'app' is required" in _refusal("functions:\n  - function: f\n")


def test_a_role_spec_command_refuses_an_app_spec_clearly():
    with pytest.raises(UserError, match="this is an app spec .functions:.* takes one role spec"):
        load_spec_text(APP, "app.yaml")


def test_a_function_leaving_a_value_open_is_told_on_the_apps_line():
    text = OPEN_APP.replace(
        "  - function: orders-sync\n", "  - function: orders-sync\n    account: '123456789012'\n"
    )
    assert "function orders-sync: account 123456789012: the app's account leaves it open" in _refusal(text)  # fmt: skip


def test_load_any_spec_reads_either_kind(tmp_path):
    (tmp_path / "a.yaml").write_text(APP)
    (tmp_path / "r.yaml").write_text("function: f\n")
    assert isinstance(load_any_spec(tmp_path / "a.yaml")[0], AppSpec)
    assert isinstance(load_any_spec(tmp_path / "r.yaml")[0], RoleSpec)


# --------------------------------------------------------------------------- the roles


def test_each_role_is_the_role_its_function_would_have_on_its_own():
    app, bundles = _app()
    for spec, bundle in zip(app.roles(), bundles, strict=True):
        alone = compose(RoleSpec.model_validate(spec.dump()))
        if alone.boundary is not None:  # only the boundary's name is the app's
            assert alone.boundary.document == bundle.boundary.document
            alone.boundary = bundle.boundary
        assert alone == bundle


def test_identical_boundaries_are_one_policy_named_by_content_not_by_order():
    app, bundles = _app()
    api, sync, mailer, archive = bundles
    assert api.boundary == sync.boundary  # same services and access levels
    assert mailer.boundary.name != api.boundary.name and archive.boundary is None
    template = yaml.safe_load(export(approve_app(app.app, bundles), "cloudformation"))
    policies = [k for k, v in template["Resources"].items() if k.startswith("ShopBoundary")]
    assert len(policies) == 2
    reordered = APP.replace("  - function: orders-api", "  - function: zz-first", 1)
    _, others = _app(reordered)
    assert others[1].boundary.name == api.boundary.name


# --------------------------------------------------------------------------- every format


def _approved(text: str = APP):
    app, bundles = _app(text)
    return app, bundles, approve_app(app.app, bundles, source="app.yaml")


def _cfn_roles(template: dict[str, Any], bundles: list[RoleBundle]) -> dict[str, Any]:
    """Each function's role in the template, in the JSON bundle's shape."""
    resources = _unsub(template["Resources"])
    out = {}
    for bundle in bundles:
        key = function_key(bundle.function_name)
        role = resources[f"{key}ExecutionRole"]["Properties"]

        def named(lid: str) -> dict[str, Any]:
            props = resources[lid]["Properties"]
            return {
                "PolicyName": props["ManagedPolicyName"],
                "PolicyDocument": props["PolicyDocument"],
            }

        boundary = role.get("PermissionsBoundary")
        deployer = f"{key}DeployerPolicy"
        out[bundle.function_name] = {
            "RoleName": role["RoleName"],
            "Path": role["Path"],
            **({"Description": role["Description"]} if "Description" in role else {}),
            "AssumeRolePolicyDocument": role["AssumeRolePolicyDocument"],
            "Policies": role.get("Policies", []),
            "ManagedPolicyArns": role.get("ManagedPolicyArns", []),
            "PermissionsBoundary": None if boundary is None
            else named(boundary["Ref"]) if isinstance(boundary, dict) else {"Arn": boundary},
            "DeployerPolicy": named(deployer) if deployer in resources else None,
            "Tags": role.get("Tags", []),
        }  # fmt: skip
    return out


def _expected(bundles: list[RoleBundle]) -> dict[str, Any]:
    return {b.function_name: b.to_dict() for b in bundles}


@pytest.mark.parametrize("text", [APP, OPEN_APP], ids=["closed", "open"])
@pytest.mark.parametrize("fmt", ["cloudformation", "cloudformation-json"])
def test_cloudformation_of_an_app_holds_every_role_and_passes_cfn_lint(fmt, text, tmp_path):
    _, bundles, ok = _approved(text)
    out = tmp_path / f"app{FORMATS[fmt].suffix}"
    out.write_text(export(ok, fmt))
    template = yaml.safe_load(out.read_text())
    assert _cfn_roles(template, bundles) == _expected(bundles)
    proc = subprocess.run([*CFN_LINT, str(out)], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr


def test_sam_of_an_app_translates_to_every_role_and_passes_cfn_lint(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    _, bundles, ok = _approved(OPEN_APP)
    template = yaml.safe_load(export(ok, "sam"))
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://artifacts/fn.zip"  # as `sam package` does
    translated = transform(template, {}, _NoManagedPolicies())
    roles = [k for k, v in translated["Resources"].items() if v["Type"] == "AWS::IAM::Role"]
    assert len(roles) == len(bundles)  # SAM made no role of its own
    assert _cfn_roles(translated, bundles) == _expected(bundles)
    for bundle in bundles:
        key = function_key(bundle.function_name)
        function = translated["Resources"][f"{key}Function"]["Properties"]
        assert function["Role"] == {"Fn::GetAtt": [f"{key}ExecutionRole", "Arn"]}
        assert function["FunctionName"] == bundle.function_name
    path = tmp_path / "sam.json"
    path.write_text(json.dumps(translated))
    proc = subprocess.run([*CFN_LINT, str(path)], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr


def terraform_app_roles(text: str, bundles: list[RoleBundle]) -> dict[str, Any]:
    """Each function's role a Terraform file creates, read with python-hcl2, in the JSON
    bundle's shape; every reference must name a defined block."""
    tree = _parse_tf(text)
    resources = _blocks(tree, "resource")
    variables = _blocks(tree, "variable")
    data = _blocks(tree, "data")
    defined = {*resources, *(f"data.{d}" for d in data), *(f"var.{v}" for v in variables)}
    for ref in _references(tree):
        assert ref in defined, f"undefined {ref}"
    known = dict(DATA_VALUES)
    for name, variable in variables.items():
        known |= {f'var.{name}["{k}"]': v for k, v in variable["default"].items()}
    out = {}
    for bundle in bundles:
        [label] = [
            k.split(".", 1)[1]
            for k, v in resources.items()
            if k.startswith("aws_iam_role.") and v["name"] == f'${{var.role_names["{bundle.function_name}"]}}'
        ]  # fmt: skip
        ref = f"aws_iam_role.{label}"
        mine = {**known, f"{ref}.arn": _role_arn(bundle)}

        def string(value: str, mine=mine) -> str:
            return _untemplate(value, mine)

        def named(key: str, mine=mine) -> dict[str, Any]:
            policy = resources[key]
            return {
                "PolicyName": string(policy["name"]),
                "PolicyDocument": _heredoc_json(policy["policy"], mine),
            }

        role = resources[ref]
        boundary = role.get("permissions_boundary")
        attachment = resources.get(f"aws_iam_role_policy_attachment.{label}")
        if attachment is not None:
            assert attachment["role"] == f"${{{ref}.name}}"
            arns = re.findall(r'"([^"]+)"', attachment["for_each"])
        out[bundle.function_name] = {
            "RoleName": string(role["name"]),
            "Path": string(role["path"]),
            **({"Description": string(role["description"])} if "description" in role else {}),
            "AssumeRolePolicyDocument": _heredoc_json(role["assume_role_policy"], mine),
            "Policies": [
                named(k) for k, v in resources.items()
                if k.startswith("aws_iam_role_policy.") and v["role"] == f"${{{ref}.id}}"
            ],
            "ManagedPolicyArns": arns if attachment is not None else [],
            "PermissionsBoundary": None if boundary is None
            else named(boundary[2:-5]) if boundary.startswith("${aws_iam_policy.")
            else {"Arn": string(boundary)},
            "DeployerPolicy": named(f"aws_iam_policy.{label}_deployer")
            if f"aws_iam_policy.{label}_deployer" in resources else None,
            "Tags": [{"Key": k, "Value": v} for k, v in role.get("tags", {}).items()],
        }  # fmt: skip
    return out


@pytest.mark.parametrize("text", [APP, OPEN_APP], ids=["closed", "open"])
def test_terraform_of_an_app_creates_every_role(text):
    _, bundles, ok = _approved(text)
    out = export(ok, "terraform")
    assert terraform_app_roles(out, bundles) == _expected(bundles)
    # the reader can fail: one action less is another role
    changed = out.replace('"dynamodb:GetItem"', '"dynamodb:GetItemX"', 1)
    assert terraform_app_roles(changed, bundles) != _expected(bundles)


def test_json_of_an_app_is_every_bundle():
    app, bundles, ok = _approved()
    data = json.loads(export(ok, "json"))
    assert data == {"App": "shop", "Roles": [b.to_dict() for b in bundles]}
    with pytest.raises(UserError, match="JSON export needs a concrete account and region"):
        export(_approved(OPEN_APP)[2], "json")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_an_app(fmt):
    # every entry of the one table, including formats added later, takes an app's roles
    _, bundles, ok = _approved()
    text = export(ok, fmt)
    for bundle in bundles:
        assert bundle.role_name in text


# --------------------------------------------------------------------------- names

_NAME = st.text(alphabet="abAB1-_", min_size=1, max_size=5)
_KINDS = [
    {"kind": "dynamodb-table", "name": "Tab", "access": "read"},
    {"kind": "dynamodb-table", "name": "Tab", "access": "read-write"},
    {"kind": "sqs-queue", "name": "q", "access": "consume"},
]
_FUNCTION = st.fixed_dictionaries(
    {
        "function": _NAME,
        "boundary": st.sampled_from(["envelope", "strict", "none"]),
        "managed_policies": st.sampled_from([[], ["AWSXRayDaemonWriteAccess"]]),
        "resources": st.lists(st.sampled_from(_KINDS), min_size=1, max_size=2, unique_by=str),
    }
)


# a CDK module's named things: its constants, and the statements (after a blank line) that
# create a shared boundary or a function's role
_CDK_NAMED = re.compile(r"(?:const )?([A-Z0-9_]+)\b|\s+((?:self|this)\.\w+(?:\[[^]]*\])?) = ")


def _names(fmt: str, text: str) -> dict[str, str]:
    """Every named thing in an export -> its text (resources, outputs; Terraform blocks; CDK
    constants and statements)."""
    if fmt.startswith("cdk-"):
        out = {}
        body = text.removesuffix("\n  }\n}\n").removesuffix("\n")  # the class's end
        for block in body.split("\n\n"):
            m = _CDK_NAMED.match(block)
            if m:
                name = m[1] or m[2]
                assert name not in out, f"two {name}"
                out[name] = block
        return out
    if fmt == "terraform":
        blocks = re.split(r"\n\n(?=\S)", text)
        out: dict[str, str] = {}
        for block in blocks[1:]:
            header = block.split("{", 1)[0].strip()
            assert header not in out, f"two blocks {header}"
            out[header] = block
        return out
    data = yaml.safe_load(text)
    if fmt == "json":
        return {r["RoleName"]: json.dumps(r) for r in data["Roles"]}
    return {
        f"{part}.{k}": json.dumps(v) for part in ("Resources", "Outputs") for k, v in data[part].items()
    }  # fmt: skip


def _count(fmt: str, bundles: list[RoleBundle]) -> int:
    """How many named things the app must have: a name less means two were merged."""
    boundaries = len(RoleSet(tuple(bundles), "a").boundaries())
    deployers = sum(b.deployer is not None for b in bundles)
    n = len(bundles)
    if fmt == "json":
        return n
    if fmt == "terraform":
        attachments = sum(bool(b.managed_policy_arns) for b in bundles)
        policies = sum(len(b.policies) for b in bundles)
        variables = 1 + (deployers > 0)
        outputs = 2 + (deployers > 0) + (boundaries > 0)
        blocks = n + policies + deployers + attachments + boundaries + variables + outputs
        return 1 + blocks  # and the terraform block
    if fmt.startswith("cdk-"):  # four constants, a deployer's, an ARN's; one statement each
        arns = sum(bool(b.boundary_arn) for b in bundles)
        return 5 * n + deployers + arns + 2 * boundaries
    functions = 2 * n if fmt == "sam" else 0  # a resource and an output each
    return 2 * (n + boundaries + deployers) + functions


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    functions=st.lists(_FUNCTION, min_size=1, max_size=3, unique_by=lambda f: function_key(f["function"])),
    new=_FUNCTION,
    where=st.integers(0, 3),
)  # fmt: skip
def test_names_are_unique_and_adding_a_function_changes_no_other(functions, new, where):
    if any(function_key(f["function"]) == function_key(new["function"]) for f in functions):
        return  # refused at load time (test_bad_app_specs_...)
    if len({f"{f['function']}-role".lower() for f in [*functions, new]}) < len(functions) + 1:
        return
    base = {"app": "a", "account": "123456789012", "region": "us-east-1"}
    before = compose_app(AppSpec.model_validate({**base, "functions": functions}))
    grown = [*functions]
    grown.insert(where, new)
    after = compose_app(AppSpec.model_validate({**base, "functions": grown}))
    for fmt, form in FORMATS.items():
        old = _names(fmt, form.render(RoleSet(tuple(before), "a")))
        now = _names(fmt, form.render(RoleSet(tuple(after), "a")))
        assert len(old) == _count(fmt, before) and len(now) == _count(fmt, after), fmt
        if fmt == "terraform":  # the maps of names and outputs grow; every other block stays
            old = {k: v for k, v in old.items() if not k.startswith(("variable", "output"))}
        assert old.items() <= now.items(), fmt


@settings(max_examples=400)
@given(a=_NAME, b=_NAME)
def test_terraform_labels_differ_whenever_function_keys_do(a, b):
    from wizard.export.terraform import _snake

    assume(function_key(a) != function_key(b))
    labels = _snake(function_key(a)), _snake(function_key(b))
    assert labels[0] != labels[1]
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", label) for label in labels)


# --------------------------------------------------------------------------- the gate

RISKY = """\
  - function: risky
    boundary: none
    resources:
      - kind: custom
        actions: [iam:PassRole]
        resources: ["arn:aws:iam::123456789012:role/*"]
"""


def test_a_refused_function_refuses_the_app_by_name(run_cli, tmp_path):
    app, bundles = _app(APP + RISKY)
    with pytest.raises(Refused, match="function risky: the composed role fails validation") as exc:
        approve_app(app.app, bundles)
    assert exc.value.function == "risky"
    path = tmp_path / "app.yaml"
    path.write_text(APP + RISKY)
    out = tmp_path / "app.tf"
    result = run_cli("build", path, "-f", "terraform", "-o", out)
    assert result.code == 2 and not out.exists()
    assert result.err.startswith(f"role-wizard: {path}: function risky: the composed role fails")


# --------------------------------------------------------------------------- the CLI


def test_init_app_writes_an_example_that_builds_in_every_format(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "--app").code == 0
    app, _ = load_any_spec("app.yaml")
    assert app.app == "orders" and len(app.functions) == 3
    for fmt in FORMATS:
        built = run_cli("build", "app.yaml", "--format", fmt, "-o", f"out-{fmt}")
        assert built.code == 0, built.err
        assert built.err == f"wrote {fmt} for app orders (3 roles) to out-{fmt}\n"
        assert run_cli("build", "app.yaml", "-f", fmt, "--check", f"out-{fmt}").code == 0
    assert (tmp_path / "app.yaml").read_text() == EXAMPLE_APP
    template = yaml.safe_load((tmp_path / "out-cloudformation").read_text())
    shared = [k for k in template["Resources"] if k.startswith("OrdersBoundary")]
    assert len(shared) == 2  # the API and the worker share one envelope


def test_build_check_of_an_app_names_the_drift(run_cli, tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text(APP)
    out = tmp_path / "app.tf"
    assert run_cli("build", path, "-f", "terraform", "-o", out).code == 0
    path.write_text(APP.replace("name: Stock, access: read-write", "name: Stock, access: read"))
    result = run_cli("build", path, "-f", "terraform", "--check", out)
    assert result.code == 1 and result.out.startswith(f"--- {out}\n+++ role-wizard build")
    assert "not what the spec builds" in result.err


def test_build_fills_an_apps_open_values_and_refuses_contradictions(run_cli, tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text(
        OPEN_APP.replace("    managed_policies: [AWSXRayDaemonWriteAccess]\n", "")
    )  # moto lacks it
    built = run_cli("build", path, "--account", "123456789012", "--region", "us-east-1")
    assert built.code == 0 and json.loads(built.out)["App"] == "shop"
    path.write_text(APP)
    refused = run_cli("build", path, "--region", "eu-west-1")
    assert refused.code == 2
    assert refused.err == (
        f"role-wizard: {path}:3: function orders-api: --region eu-west-1 contradicts the "
        "spec's region us-east-1\n"
    )


# --------------------------------------------------------------------------- plan and apply


def test_plan_and_apply_every_role_of_an_app_sharing_its_boundary(mock_env, run_cli, tmp_path):
    from moto import mock_aws

    path = tmp_path / "app.yaml"
    path.write_text(
        OPEN_APP.replace("    managed_policies: [AWSXRayDaemonWriteAccess]\n", "")
    )  # moto lacks it
    with mock_aws():
        plan = run_cli("plan", path, "--format", "json")
        assert plan.code == 0, plan.err
        data = json.loads(plan.out)
        assert data["app"] == "shop" and len(data["roles"]) == 4
        creates = [c["name"] for r in data["roles"] for c in r["changes"] if c["kind"] == "policy"]
        assert len(creates) == len(set(creates)) == 2  # the shared boundary once, and strict's
        assert any("is planned with role orders-api-role" in n for n in data["roles"][1]["notes"])
        applied = run_cli("apply", path, "--yes")
        assert applied.code == 0, applied.err + applied.out
        import boto3

        iam = boto3.client("iam", region_name="us-east-1")
        bounds = {
            name: iam.get_role(RoleName=f"{name}-role")["Role"]["PermissionsBoundary"]
            for name in ("orders-api", "orders-sync", "mailer")
        }
        assert "PermissionsBoundary" not in iam.get_role(RoleName="archive-role")["Role"]
        arn = bounds["orders-api"]["PermissionsBoundaryArn"]
        assert bounds["orders-sync"]["PermissionsBoundaryArn"] == arn
        assert bounds["mailer"]["PermissionsBoundaryArn"] != arn
        again = run_cli("plan", path, "--detailed-exitcode")
        assert again.code == 0 and again.out.count("No changes.") == 4
        refused = run_cli("plan", path, "--deployer-policy-name", "ci")
        assert refused.code == 2 and "each role of an app has its own" in refused.err


def test_edit_refuses_a_wrong_function_before_any_ui(run_cli, tmp_path):
    app, role = tmp_path / "app.yaml", tmp_path / "role.yaml"
    app.write_text(APP)
    role.write_text("function: f\n")
    result = run_cli("edit", app, "--function", "nope")
    assert result.code == 2
    assert "app shop has no function 'nope' (functions: orders-api, orders-sync" in result.err
    result = run_cli("edit", role, "--function", "f")
    assert result.code == 2 and "--function chooses a function of an app spec" in result.err


# --------------------------------------------------------------------------- validate


def test_validate_reads_every_role_of_an_app_spec_and_of_its_json_export(run_cli, tmp_path):
    risky = tmp_path / "risky.yaml"
    risky.write_text(APP + RISKY)
    result = run_cli("validate", risky)
    assert result.code == 1
    assert f"{risky}#risky#/Policies/0/PolicyDocument/Statement/" in result.out
    assert "passrole-unscoped" in result.out and "#orders-api#" not in result.out
    app, out = tmp_path / "app.yaml", tmp_path / "app.json"
    app.write_text(APP)
    assert run_cli("build", app, "-o", out).code == 0
    clean = run_cli("validate", out, app)
    assert clean.code == 0 and clean.out.endswith("2 info in 8 files\n")  # 4 roles, twice
    assert f"{out}#/Roles/2#/ManagedPolicyArns/0: info not-checked" in clean.out  # mailer's
    # the export's roles are its bundles: a broken one is found where it is
    data = json.loads(out.read_text())
    data["Roles"][2]["Policies"][0]["PolicyDocument"]["Statement"][0]["Action"] = "s3:*"
    out.write_text(json.dumps(data))
    broken = run_cli("validate", out)
    assert broken.code == 1 and f"{out}#/Roles/2#/Policies/0/PolicyDocument" in broken.out


def test_commands_that_read_one_role_refuse_an_app_clearly(run_cli, tmp_path):
    app = tmp_path / "app.yaml"
    app.write_text(APP)
    result = run_cli("can", "-p", app, "s3:GetObject", "arn:aws:s3:::b/k")
    assert result.code == 2
    assert result.err == (
        f"role-wizard: {app}: an app spec or an app's JSON export holds several roles; "
        "`validate` reads each, this command reads one role (build one function's role with a "
        "role spec)\n"
    )
