"""Terraform and SAM exports, read back by their own tools and compared with the JSON bundle.

Terraform: python-hcl2 parses the file; the policies are read back from their heredocs (the
template escapes ``$${``/``%%{`` undone, the data-source interpolations turned back into the
bundle's open values) and the whole role must equal the bundle's JSON shape, statement for
statement. Every reference must name a defined block. ``terraform fmt -check`` runs where a
binary exists, ``terraform validate`` where the AWS provider can be installed too.

SAM: the SAM translator expands the template, cfn-lint checks the result, and the translated
role, boundary and deployer equal the bundle; SAM made no role of its own.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from samtranslator.translator.transform import transform
from test_export import ACC, CFN_LINT, GOLDEN, GOLDEN_FORMATS, _lint_specs

from wizard.bundle import RoleBundle
from wizard.export import FORMATS, export
from wizard.export.terraform import to_terraform
from wizard.policy.compose import compose
from wizard.policy.gate import approve
from wizard.spec import RoleSpec, load_spec

# Strings IAM and Terraform both treat specially: a policy variable, a literal ${ and %{.
ESCAPES_SPEC = {
    "function": "fn-escapes",
    "role": {
        "name": "escapes-role",
        "path": "/team/",
        "description": 'uses ${literal}, %{directive} and "quoted" text',
        "tags": {"team": "a b", "cost:center": "100"},
    },
    "managed_policies": ["AWSLambdaBasicExecutionRole"],
    "resources": [
        {"kind": "custom", "actions": ["s3:GetObject"],
         "resources": ["arn:aws:s3:::bkt/home/${aws:username}/*"]},
        {"kind": "sqs-queue", "name": "q"},
    ],
}  # fmt: skip


def _bundles() -> dict[str, RoleBundle]:
    out = {}
    for name in GOLDEN_FORMATS:
        spec, ctx = load_spec(GOLDEN / f"{name}.yaml")
        out[f"golden-{name}"] = compose(spec, ctx)
    for name, data in {**_lint_specs(), "escapes": ESCAPES_SPEC}.items():
        out[name] = compose(RoleSpec.model_validate(data))
    return out


BUNDLES = _bundles()


def _role_arn(bundle: RoleBundle) -> str:
    """The ARN AWS gives the role (what ``aws_iam_role.x.arn`` evaluates to)."""
    partition = "aws-us-gov" if "aws-us-gov" in json.dumps(bundle.assume_role_policy) else None
    text = json.dumps(bundle.to_dict())
    m = re.search(
        r"arn:([^:\"]+):iam::([^:\"]*):role" + re.escape(bundle.path + bundle.role_name), text
    )
    if m:  # the deployer names it: partition and account as compose wrote them
        return m[0]
    return f"arn:{partition or 'aws'}:iam::{ACC}:role{bundle.path}{bundle.role_name}"


# --------------------------------------------------------------------------- Terraform


DATA_VALUES = {
    "data.aws_caller_identity.current.account_id": "${AWS::AccountId}",
    "data.aws_region.current.name": "${AWS::Region}",
    "data.aws_partition.current.partition": "${AWS::Partition}",
}
REFERENCE = re.compile(r"\b(data\.[a-z_]+\.[\w-]+|aws_[a-z_]+\.[\w-]+|var\.\w+)")


def _parse_tf(text: str) -> dict[str, Any]:
    options = hcl2.SerializationOptions(
        strip_string_quotes=True, with_comments=False, explicit_blocks=False
    )
    return hcl2.loads(text, serialization_options=options)


def _blocks(tree: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """``{"type.label": attributes}`` (``{"label": attributes}`` for variables and outputs)."""
    out: dict[str, dict[str, Any]] = {}
    for entry in tree.get(kind, []):
        for first, rest in entry.items():
            if kind in ("resource", "data"):
                out.update({f"{first}.{label}": attrs for label, attrs in rest.items()})
            else:
                out[first] = rest
    return out


def _references(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_references(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value))
    found = set()
    for m in re.finditer(r"\$\$\{|%%\{|\$\{([^}]*)\}", str(value)):
        if m[1] is not None:
            found |= set(REFERENCE.findall(m[1]))
    return found


def _untemplate(text: str, known: dict[str, str]) -> str:
    """A template's text: ``$${`` and ``%%{`` unescaped, ``${expr}`` replaced by ``known[expr]``
    (an unknown interpolation fails the test)."""

    def one(m: re.Match[str]) -> str:
        if m[1] is None:
            return m[0][1:]
        assert m[1] in known, f"unexpected interpolation ${{{m[1]}}}"
        return known[m[1]]

    return re.sub(r"\$\$\{|%%\{|\$\{([^}]*)\}", one, text)


def _heredoc_json(value: str, known: dict[str, str]) -> Any:
    m = re.fullmatch(r"<<(-?)([A-Za-z_]\w*)\n(.*\n)[ \t]*\2", value, re.S)
    assert m, f"not a heredoc: {value[:40]!r}"
    body = textwrap.dedent(m[3]) if m[1] else m[3]  # <<- strips the common indentation
    return json.loads(_untemplate(body, known))


def terraform_role(text: str, role_arn: str) -> dict[str, Any]:
    """The role a Terraform file creates, in the JSON bundle's shape, read with python-hcl2."""
    tree = _parse_tf(text)
    resources = _blocks(tree, "resource")
    variables = _blocks(tree, "variable")
    data = _blocks(tree, "data")
    defined = {*resources, *(f"data.{d}" for d in data), *(f"var.{v}" for v in variables)}
    for ref in _references(tree):  # every reference names a block that exists
        assert ref in defined, f"undefined {ref}"
    known = {**DATA_VALUES, **{f"var.{k}": v["default"] for k, v in variables.items()}}
    known["aws_iam_role.execution.arn"] = role_arn

    def string(value: str) -> str:
        return _untemplate(value, known)

    [role_key] = [k for k in resources if k.startswith("aws_iam_role.")]
    role = resources[role_key]
    managed = {k: v for k, v in resources.items() if k.startswith("aws_iam_policy.")}
    boundary_ref = role.get("permissions_boundary")
    out: dict[str, Any] = {"RoleName": string(role["name"]), "Path": string(role["path"])}
    if "description" in role:
        out["Description"] = string(role["description"])
    out["AssumeRolePolicyDocument"] = _heredoc_json(role["assume_role_policy"], known)
    out["Policies"] = [
        {"PolicyName": string(v["name"]), "PolicyDocument": _heredoc_json(v["policy"], known)}
        for k, v in resources.items()
        if k.startswith("aws_iam_role_policy.") and v["role"] == f"${{{role_key}.id}}"
    ]
    out["ManagedPolicyArns"] = [
        string(v["policy_arn"])
        for k, v in resources.items()
        if k.startswith("aws_iam_role_policy_attachment.") and v["role"] == f"${{{role_key}.name}}"
    ]

    def named(key: str) -> dict[str, Any]:
        policy = managed.pop(key)
        return {
            "PolicyName": string(policy["name"]),
            "PolicyDocument": _heredoc_json(policy["policy"], known),
        }

    if boundary_ref is None:
        out["PermissionsBoundary"] = None
    elif m := re.fullmatch(r"\$\{(aws_iam_policy\.[\w-]+)\.arn\}", boundary_ref):
        out["PermissionsBoundary"] = named(m[1])
    else:
        out["PermissionsBoundary"] = {"Arn": string(boundary_ref)}
    assert len(managed) <= 1, f"unexpected policies {sorted(managed)}"
    out["DeployerPolicy"] = named(next(iter(managed))) if managed else None
    tags = role.get("tags", {}).items()
    out["Tags"] = [{"Key": string(k), "Value": string(v)} for k, v in tags]
    return out


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_terraform_creates_the_json_bundles_role(name):
    bundle = BUNDLES[name]
    text = export(approve(bundle), "terraform")
    assert terraform_role(text, _role_arn(bundle)) == bundle.to_dict()


def test_terraform_reader_notices_a_changed_statement():
    # the comparison above can fail: one action less in the file is a different role
    bundle = BUNDLES["escapes"]
    text = export(approve(bundle), "terraform").replace('"s3:GetObject"', '"s3:GetObjectAcl"', 1)
    assert terraform_role(text, _role_arn(bundle)) != bundle.to_dict()


def test_terraform_escapes_policy_variables_and_template_sequences():
    text = export(approve(BUNDLES["escapes"]), "terraform")
    assert "home/$${aws:username}/*" in text  # IAM gets ${aws:username}, not an interpolation
    assert r'"uses $${literal}, %%{directive} and \"quoted\" text"' in text
    assert "${aws:username}" not in text.replace("$${", "")


# Text that stresses HCL: template sequences, quotes, backslashes, control and non-ASCII
# characters (an HCL string has no \\b or \\f escape).
_TRICKY = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "${x}",
                "$${y}",
                "%{z}",
                "%%{w}",
                "$",
                "%",
                '"',
                "\x08",
                "\x0c",
                "\\",
                "\\u0041",
                "EOT",
            ]
        ),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    description=_TRICKY,
    tags=st.dictionaries(_TRICKY.filter(bool), _TRICKY, max_size=3),
)
def test_terraform_strings_of_any_text_read_back_unchanged(description, tags):
    bundle = dataclasses.replace(BUNDLES["escapes"], description=description, tags=tags)
    text = to_terraform(bundle)  # straight to the renderer: the strings are what is tested
    assert terraform_role(text, _role_arn(bundle)) == bundle.to_dict()


def test_terraform_references_must_resolve():
    text = export(approve(BUNDLES["escapes"]), "terraform")
    broken = text.replace("aws_iam_role.execution.id", "aws_iam_role.missing.id", 1)
    with pytest.raises(AssertionError, match="undefined aws_iam_role.missing"):
        terraform_role(broken, _role_arn(BUNDLES["escapes"]))


def test_terraform_open_values_come_from_data_sources():
    bundle = BUNDLES["golden-stream-worker-open"]
    tree = _parse_tf(export(approve(bundle), "terraform"))
    assert set(_blocks(tree, "data")) == {"aws_caller_identity.current", "aws_region.current"}
    closed = _parse_tf(export(approve(BUNDLES["golden-orders"]), "terraform"))
    assert "data" not in closed  # a concrete account and region need no look-up


TERRAFORM = shutil.which("terraform") or shutil.which("tofu")


@pytest.mark.skipif(TERRAFORM is None, reason="no terraform or tofu binary on PATH")
def test_terraform_output_is_formatted_as_terraform_fmt_writes_it(tmp_path):
    for name in ("escapes", "full", "golden-stream-worker-open", "boundary-arn"):
        (tmp_path / f"{name}.tf").write_text(export(approve(BUNDLES[name]), "terraform"))
    proc = subprocess.run(
        [TERRAFORM, "fmt", "-check", "-diff", "-no-color", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# Strings python-hcl2 8.1.4 cannot lex (an unclosed "$${" ends its string) are here too:
# Terraform itself evaluates them.
EVALUATED = ["${", "$${", "%{", "%%{", "${x}", "$", "%", "}", 'a"b\\c', "\x08\x0c\t\n\r\x00",
             "\u2028é中\u202e\U00012544\U0010fffd", "EOT", "\\u0041"]  # fmt: skip


@pytest.mark.skipif(TERRAFORM is None, reason="no terraform or tofu binary on PATH")
def test_terraform_itself_reads_strings_and_policies_back_unchanged(tmp_path):
    from wizard.export.terraform import _heredoc, _string

    strings = EVALUATED
    document = {"Statement": [{"Sid": "S", "Resource": strings}]}
    locals_ = [f"  s{i} = {_string(s)}" for i, s in enumerate(strings)]
    locals_.append(f"  doc = {_heredoc(document, '  ')}")
    listed = ", ".join(f"local.s{i}" for i in range(len(strings)))
    (tmp_path / "main.tf").write_text(
        "locals {\n" + "\n".join(locals_) + "\n}\n\n"
        f'output "strings" {{\n  value = [{listed}]\n}}\n\n'
        'output "doc" {\n  value = jsondecode(local.doc)\n}\n'
    )
    for argv in (["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
        run = subprocess.run(
            [TERRAFORM, *argv, "-no-color"], cwd=tmp_path, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stdout + run.stderr
    out = subprocess.run(
        [TERRAFORM, "output", "-json"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    values = json.loads(out.stdout)
    assert values["strings"]["value"] == strings
    assert values["doc"]["value"] == document


@pytest.mark.skipif(TERRAFORM is None, reason="no terraform or tofu binary on PATH")
def test_terraform_validate(tmp_path):
    (tmp_path / "main.tf").write_text(export(approve(BUNDLES["escapes"]), "terraform"))
    init = subprocess.run(
        [TERRAFORM, "init", "-backend=false", "-input=false", "-no-color"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if init.returncode != 0:
        pytest.skip("terraform init cannot install the hashicorp/aws provider here (offline)")
    proc = subprocess.run(
        [TERRAFORM, "validate", "-no-color"], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- SAM


class _NoManagedPolicies:
    """The translator's managed-policy loader: the template names no policy by short name, so
    a look-up is a failure."""

    def load(self) -> dict[str, str]:
        raise AssertionError("the SAM template asked for a managed policy by name")


@pytest.fixture(autouse=True)
def translator_region(monkeypatch):
    # the translator wants a region for its own pseudo parameters (a boto3 session's); the
    # templates themselves leave the region to the stack
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def _packaged(bundle: RoleBundle) -> dict[str, Any]:
    """The SAM template as ``sam package`` leaves it: the local CodeUri uploaded to S3."""
    template = yaml.safe_load(export(approve(bundle), "sam"))
    template["Resources"]["Function"]["Properties"]["CodeUri"] = "s3://artifacts/fn.zip"
    return template


def _translate(bundle: RoleBundle) -> dict[str, Any]:
    return transform(_packaged(bundle), {}, _NoManagedPolicies())


def _unsub(value: Any) -> Any:
    """Fn::Sub strings back to the bundle's text (``${!`` is a literal ``${``)."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"}:
        return value["Fn::Sub"].replace("${!", "${")
    if isinstance(value, list):
        return [_unsub(v) for v in value]
    if isinstance(value, dict):
        return {k: _unsub(v) for k, v in value.items()}
    return value


def template_role(template: dict[str, Any]) -> dict[str, Any]:
    """The one role a CloudFormation template creates, in the JSON bundle's shape: its
    boundary is the managed policy it references, the deployer the other managed policy."""
    resources = _unsub(template["Resources"])
    [role] = [v["Properties"] for v in resources.values() if v["Type"] == "AWS::IAM::Role"]
    managed = {k: v for k, v in resources.items() if v["Type"] == "AWS::IAM::ManagedPolicy"}

    def named(key: str) -> dict[str, Any]:
        props = managed.pop(key)["Properties"]
        assert props.get("Path", "/") == "/" and "Roles" not in props, props
        return {"PolicyName": props["ManagedPolicyName"], "PolicyDocument": props["PolicyDocument"]}

    out: dict[str, Any] = {"RoleName": role["RoleName"], "Path": role["Path"]}
    if "Description" in role:
        out["Description"] = role["Description"]
    out["AssumeRolePolicyDocument"] = role["AssumeRolePolicyDocument"]
    out["Policies"] = role.get("Policies", [])
    out["ManagedPolicyArns"] = role.get("ManagedPolicyArns", [])
    boundary = role.get("PermissionsBoundary")
    if boundary is None:
        out["PermissionsBoundary"] = None
    elif isinstance(boundary, dict):
        out["PermissionsBoundary"] = named(boundary["Ref"])
    else:
        out["PermissionsBoundary"] = {"Arn": boundary}
    assert len(managed) <= 1, f"unexpected policies {sorted(managed)}"
    out["DeployerPolicy"] = named(next(iter(managed))) if managed else None
    out["Tags"] = role.get("Tags", [])
    return out


def sam_role(translated: dict[str, Any]) -> dict[str, Any]:
    """The translated template's role in the JSON bundle's shape."""
    roles = [k for k, v in translated["Resources"].items() if v["Type"] == "AWS::IAM::Role"]
    assert roles == ["ExecutionRole"], f"SAM made roles of its own: {roles}"
    return template_role(translated)


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_sam_translates_to_the_json_bundles_role_and_uses_it(name):
    bundle = BUNDLES[name]
    translated = _translate(bundle)
    assert sam_role(translated) == bundle.to_dict()
    [function] = [
        v for v in translated["Resources"].values() if v["Type"] == "AWS::Lambda::Function"
    ]
    assert function["Properties"]["Role"] == {"Fn::GetAtt": ["ExecutionRole", "Arn"]}
    assert function["Properties"]["FunctionName"] == bundle.function_name


def test_sam_translated_templates_pass_cfn_lint(tmp_path):
    files = []
    for name, bundle in BUNDLES.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(_translate(bundle)))
        files.append(str(path))
    proc = subprocess.run([*CFN_LINT, *files], capture_output=True, text=True)
    assert proc.stdout == "" and proc.returncode == 0, proc.stdout + proc.stderr


def test_sam_reader_notices_a_role_sam_made_itself():
    translated = _translate(BUNDLES["golden-orders"])
    # without Role, SAM creates FunctionRole with AWSLambdaBasicExecutionRole: the check sees it
    template = _packaged(BUNDLES["golden-orders"])
    del template["Resources"]["Function"]["Properties"]["Role"]
    with pytest.raises(AssertionError, match="SAM made roles of its own"):
        sam_role(transform(template, {}, _NoManagedPolicies()))
    assert sam_role(translated) == BUNDLES["golden-orders"].to_dict()


def test_sam_export_needs_the_function_name():
    from wizard.errors import UserError

    bundle = RoleBundle.from_dict(json.loads(export(approve(BUNDLES["golden-orders"]), "json")))
    with pytest.raises(UserError, match="SAM export needs the function's name"):
        export(approve(bundle), "sam")


def test_new_formats_are_in_the_one_table():
    assert {"terraform", "sam"} <= set(FORMATS)
    assert FORMATS["terraform"].filename("r") == "r.tf"
    assert Path(FORMATS["sam"].filename("r")).suffixes == [".sam", ".yaml"]


# --------------------------------------------------------------------------- build --check


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_build_check_passes_on_what_the_spec_builds(fmt, tmp_path, run_cli):
    spec = GOLDEN / "orders.yaml"
    out = tmp_path / FORMATS[fmt].filename("orders")
    assert run_cli("build", spec, "-f", fmt, "-o", out).code == 0
    before = out.read_bytes()
    result = run_cli("build", spec, "-f", fmt, "--check", out)
    assert (result.code, result.out) == (0, "")
    assert out.read_bytes() == before  # --check writes nothing


def test_build_check_fails_with_a_short_diff_on_drift(tmp_path, run_cli):
    spec = GOLDEN / "orders.yaml"
    out = tmp_path / "orders.tf"
    run_cli("build", spec, "-f", "terraform", "-o", out)
    text = out.read_text()
    out.write_text(text.replace('"dynamodb:GetItem",\n', '"dynamodb:GetItem",\n"dynamodb:*",\n'))
    result = run_cli("build", spec, "-f", "terraform", "--check", out)
    assert result.code == 1
    assert '-"dynamodb:*",' in result.out.splitlines()
    assert result.err == (
        f"role-wizard: {out}: not what the spec builds; rebuild: "
        f"role-wizard build {spec} -f terraform -o {out}\n"
    )
    assert out.read_text() != text  # left as it was


def test_build_check_caps_the_diff(tmp_path, run_cli):
    from wizard.cli.core import CHECK_DIFF_LINES

    out = tmp_path / "other.json"
    out.write_text("{}\n" * 500)
    result = run_cli("build", GOLDEN / "orders.yaml", "--check", out)
    lines = result.out.splitlines()
    assert result.code == 1 and len(lines) == CHECK_DIFF_LINES + 1
    assert re.fullmatch(r"\.\.\. \d+ more diff lines", lines[-1])


def test_build_check_on_unusable_input_exits_2(tmp_path, run_cli):
    spec = GOLDEN / "orders.yaml"
    missing = run_cli("build", spec, "--check", tmp_path / "nope.json")
    assert (missing.code, missing.err) == (
        2,
        f"role-wizard: {tmp_path / 'nope.json'}: no such file to check\n",
    )
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe")
    assert run_cli("build", spec, "--check", tmp_path / "bin.json").code == 2
    both = run_cli("build", spec, "--check", tmp_path / "a", "--out", tmp_path / "b")
    assert both.code == 2 and "not allowed with" in both.err
    assert not (tmp_path / "b").exists()


# --------------------------------------------------------------------------- pre-commit hooks

ROOT = Path(__file__).parent.parent


def _subparser(name: str):
    from wizard.cli import build_parser

    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return parser, sub.choices[name]


def test_pre_commit_hooks_name_real_commands_and_flags():
    import tomllib

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert {h["id"] for h in hooks} == {"role-wizard-validate", "role-wizard-check-export"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit installs this package for it
        program, command, *flags = hook["entry"].split()
        assert program in scripts
        _parser, sub = _subparser(command)
        options = {o for a in sub._actions for o in a.option_strings}
        assert set(flags) <= options
        re.compile(hook["files"])
    validate = next(h for h in hooks if h["id"] == "role-wizard-validate")
    assert re.search(validate["files"], "infra/policies/orders.json")
    assert re.search(validate["files"], "orders.policy.json")
    assert not re.search(validate["files"], "package.json")


def _readme_pre_commit_config() -> dict[str, Any]:
    text = (ROOT / "README.md").read_text()
    m = re.search(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", text, re.S)
    assert m, "README has no .pre-commit-config.yaml example"
    return yaml.safe_load(m[1])


def test_readme_pre_commit_example_uses_the_hooks_with_arguments_the_cli_takes(tmp_path, run_cli):
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    [repo] = _readme_pre_commit_config()["repos"]
    used = repo["hooks"]
    assert {h["id"] for h in used} <= set(hooks) and len(used) >= 2
    for hook in used:
        parser, _ = _subparser(hooks[hook["id"]]["entry"].split()[1])
        argv = [*hooks[hook["id"]]["entry"].split()[1:], *hook.get("args", [])]
        if hooks[hook["id"]].get("pass_filenames", True):
            argv.append("some.policy.json")
        parser.parse_args(argv)  # argparse exits (the test fails) on an unknown flag
    check = next(h for h in used if h["id"] == "role-wizard-check-export")
    assert "--check" in check["args"]


def test_github_actions_example_runs_the_cli_as_it_is(tmp_path):
    text = (ROOT / "docs" / "github-actions.md").read_text()
    [block] = re.findall(r"```yaml\n(.*?)```", text, re.S)
    workflow = yaml.safe_load(block)
    steps = workflow["jobs"]["iam"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
    assert workflow["permissions"]["security-events"] == "write"
    from wizard.cli import build_parser

    commands = [
        line.split(">")[0].split()[1:]
        for s in steps
        for line in s.get("run", "").splitlines()
        if line.startswith("role-wizard ")
    ]
    assert any("sarif" in c for c in commands) and any("--check" in c for c in commands)
    for argv in commands:
        build_parser().parse_args(argv)  # argparse exits (the test fails) on an unknown flag
