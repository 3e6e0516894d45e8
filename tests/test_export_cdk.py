"""CDK exports, synthesized by the AWS CDK itself and compared with the JSON bundle.

Python: each exported module is imported and its construct instantiated in a stack of one
``aws_cdk.App`` (aws-cdk-lib from the ``test`` extra; it runs the jsii kernel on node), then
``app.synth()``. TypeScript: the modules are type-checked by ``tsc`` under ``strict`` with a
tiny app that instantiates them, and the compiled app synthesizes with node. The npm packages
(tests/cdk_typescript/package-lock.json) are installed once into ~/.cache and reused; the
TypeScript test skips only when node or npm is missing.

In both, the synthesized template's role, inline policies, managed policy ARNs, boundary,
deployer policy and tags must equal the JSON bundle, statement for statement, for every
golden spec, every kind and access profile, and strings that stress the literals; cfn-lint
checks the templates. Two app specs (``init --app``'s example, and an app whose three roles
share one envelope boundary, its account and region left open) are synthesized as well: each
function's role, found by the construct IDs the export gives it, equals its JSON bundle, every
IAM resource belongs to a role and a shared boundary is one policy. The apps set ``@aws-cdk/aws-iam:minimizePolicies`` as ``cdk init`` does,
so a CDK that merged statements would fail the comparison.
"""

from __future__ import annotations

import ast
import dataclasses
import fcntl
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_export import CFN_LINT
from test_export_iac import BUNDLES, template_role

from wizard.appspec import load_app_text
from wizard.bundle import RoleBundle
from wizard.cli.core import EXAMPLE_APP
from wizard.export import FORMATS, export
from wizard.export.cdk import PYTHON
from wizard.export.roles import RoleSet
from wizard.policy.app import compose_app
from wizard.policy.gate import approve, approve_app

HERE = Path(__file__).parent
# As cdk.json of a new `cdk init` project: statement merging on. No version reporting.
CDK_CONTEXT = {"@aws-cdk/aws-iam:minimizePolicies": True}

# Text that stresses string literals in either language: quotes, backslashes, comment ends,
# template and interpolation sequences, control, line-separator, bidi and astral characters.
TRICKY = 'a"b\'c\\d */ ${x} `${y}` \n\t\r\x00\x7f\u2028\u202eé中\U0001f600 """'
CHANGED = "s3:GetObjectAcl"  # one action changed in the exported text of "changed"

# Three roles sharing the envelope boundary, account and region left open (Fn.sub), a function
# name starting with a digit (its attributes and constants must still be names), one role with
# a managed policy and a description, one without a deployer policy.
SHARED_APP = """\
app: shared
tags: {team: data}
functions:
  - function: ingest
    resources:
      - {kind: dynamodb-table, name: Events, access: read-write}
  - function: 2nd-ingest
    role: {description: Second ingest, tags: {stage: two}}
    managed_policies: [AWSXRayDaemonWriteAccess]
    resources:
      - {kind: dynamodb-table, name: Archive, access: read-write}
  - function: compact
    deployer: false
    resources:
      - {kind: dynamodb-table, name: Compacted, access: read-write}
"""


def _app_case(text: str) -> RoleSet:
    app, ctx = load_app_text(text, "app.yaml")
    return RoleSet(tuple(compose_app(app, ctx)), app.app)


def _cases() -> dict[str, RoleBundle | RoleSet]:
    cases: dict[str, RoleBundle | RoleSet] = dict(BUNDLES)
    cases["tricky"] = dataclasses.replace(
        BUNDLES["escapes"], description=TRICKY, tags={TRICKY: TRICKY, "plain": ""}
    )
    cases["changed"] = BUNDLES["escapes"]
    cases["app-example"] = _app_case(EXAMPLE_APP)
    cases["app-shared"] = _app_case(SHARED_APP)
    assert len(cases["app-shared"].boundaries()) == 1  # the three share one
    return cases


CASES = _cases()
GOLDEN_CASES = [name for name in CASES if name.startswith(("golden-", "app-"))]
# the apps each case is synthesized in: "init" with cdk.json's context of a new `cdk init`
# project (statement merging on), "plain" with CDK's defaults
APPS = {"init": (CDK_CONTEXT, list(CASES)), "plain": ({}, GOLDEN_CASES)}


def _stem(name: str) -> str:
    """The name the export's file is named after: the role's, or the app's."""
    case = CASES[name]
    return (case.app or "") if isinstance(case, RoleSet) else case.role_name


def _export(name: str, fmt: str) -> str:
    bundle = CASES[name]
    if isinstance(bundle, RoleSet):
        return export(approve_app(bundle.app or "", bundle.bundles), fmt)
    if name == "tricky":  # past the gate's tag rules: the literals are what is tested
        return FORMATS[fmt].render(bundle)
    text = export(approve(bundle), fmt)
    if name == "changed":
        assert '"s3:GetObject"' in text  # the first is in the inline policy
        text = text.replace('"s3:GetObject"', f'"{CHANGED}"', 1)
    return text


def _expected(bundle: RoleBundle | RoleSet) -> dict[str, Any]:
    """The JSON bundle as CDK writes it: CDK's TagManager sorts tags by key (IAM keeps no order
    of tags); everything else as it is. An app: each function's, by function."""
    if isinstance(bundle, RoleSet):
        return {b.function_name: _expected(b) for b in bundle.bundles}
    out = bundle.to_dict()
    out["Tags"] = sorted(out["Tags"], key=lambda t: t["Key"])
    return out


def _app_roles(template: dict[str, Any], roles: RoleSet) -> dict[str, Any]:
    """Each function's role in an app's synthesized template, in the JSON bundle's shape: found
    by the construct IDs the export gives it (``<Key>ExecutionRole``, ``<Key>DeployerPolicy``
    inside the test's ``Execution`` construct, as CDK's logical IDs show them), with the boundary
    it references. Every IAM resource belongs to a role, and each shared boundary is one."""
    resources = template["Resources"]
    iam = {k for k, v in resources.items() if v["Type"].startswith("AWS::IAM::")}
    used: set[str] = set()
    out = {}
    for key, bundle in roles.keyed():
        mine = {
            k: v
            for k, v in resources.items()
            if re.fullmatch(f"Execution{key}(ExecutionRole|DeployerPolicy)[0-9A-F]{{8}}", k)
        }
        for role in [v for v in mine.values() if v["Type"] == "AWS::IAM::Role"]:
            boundary = role["Properties"].get("PermissionsBoundary")
            if isinstance(boundary, dict) and "Ref" in boundary:
                mine[boundary["Ref"]] = resources[boundary["Ref"]]
        used |= set(mine)
        out[bundle.function_name] = template_role({"Resources": mine})
    assert used == iam, f"resources of no function: {sorted(iam - used)}"
    policies = [k for k in iam if resources[k]["Type"] == "AWS::IAM::ManagedPolicy"]
    deployers = sum(b.deployer is not None for b in roles.bundles)
    assert len(policies) == len(roles.boundaries()) + deployers, sorted(policies)
    return out


def _roles(name: str, template: dict[str, Any]) -> dict[str, Any]:
    """What case ``name``'s template creates, in the shape of :func:`_expected`."""
    case = CASES[name]
    return _app_roles(template, case) if isinstance(case, RoleSet) else template_role(template)


_LISTS = ("Action", "NotAction", "Resource", "NotResource")


def _unordered(value: Any) -> Any:
    """``value`` with the lists of every statement's actions and resources sorted: their order
    has no meaning in IAM, and CDK sorts them when it minimizes policies."""
    if isinstance(value, list):
        return [_unordered(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _unordered(v) for k, v in value.items()}
    if "Effect" in out:
        for key in _LISTS:
            if isinstance(out.get(key), list):
                out[key] = sorted(out[key], key=json.dumps)
    return out


def _same(got: dict[str, Any], want: dict[str, Any], message: str) -> None:
    if got != want:  # the full difference of the first wrong case is the useful one
        assert got == want, message


def _check(apps: dict[str, dict[str, dict[str, Any]]], tmp_path: Path) -> None:
    """``apps["init"]`` (every case, statement merging on) holds the bundle's role with the
    same statements, actions and resources; ``apps["plain"]`` (the goldens, CDK's defaults)
    holds it exactly; the changed case differs; cfn-lint passes."""
    init, plain = apps["init"], apps["plain"]
    assert set(init) == set(CASES) and set(plain) == set(GOLDEN_CASES)
    for name, template in init.items():
        if name != "changed":
            want = _unordered(_expected(CASES[name]))
            _same(_unordered(_roles(name, template)), want, f"{name} (statement merging on)")
    for name, template in plain.items():
        _same(_roles(name, template), _expected(CASES[name]), name)
    changed = template_role(init["changed"])
    assert _unordered(changed) != _unordered(_expected(CASES["changed"]))  # it can fail
    assert CHANGED in json.dumps(changed)
    files = []
    for name, template in {**init, **{f"plain-{k}": v for k, v in plain.items()}}.items():
        if name != "tricky":  # its strings are meant to stress the code, not to suit IAM
            path = tmp_path / f"{name}.template.json"
            path.write_text(json.dumps(template))
            files.append(str(path))
    proc = subprocess.run([*CFN_LINT, *files], capture_output=True, text=True)
    assert proc.stdout == "" and proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- Python


def test_cdk_python_synthesizes_the_json_bundles_role(tmp_path, monkeypatch):
    import aws_cdk as cdk
    from constructs import Construct

    constructs = {}
    for i, name in enumerate(CASES):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        path = folder / FORMATS["cdk-python"].filename(_stem(name))
        path.write_text(_export(name, "cdk-python"), encoding="utf-8")
        monkeypatch.syspath_prepend(str(folder))
        module = importlib.import_module(path.stem)  # the file name is importable as it is
        monkeypatch.delitem(sys.modules, path.stem)
        [constructs[name]] = [
            v
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, Construct) and v.__module__ == path.stem
        ]
    apps = {}
    for app_name, (context, names) in APPS.items():
        app = cdk.App(analytics_reporting=False, outdir=str(tmp_path / app_name), context=context)
        for i, name in enumerate(names):
            constructs[name](cdk.Stack(app, f"Case{i}"), "Execution")
        assembly = app.synth()
        apps[app_name] = {
            n: assembly.get_stack_by_name(f"Case{i}").template for i, n in enumerate(names)
        }
    _check(apps, tmp_path)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_python_literals_read_back_unchanged_and_ascii(value):
    code = PYTHON.literal(value, 1)
    assert code.isascii()  # no raw line separator or bidi control reaches the source
    assert ast.literal_eval(code) == value


# --------------------------------------------------------------------------- TypeScript

NODE, NPM = shutil.which("node"), shutil.which("npm")
TS_PACKAGES = HERE / "cdk_typescript"


def _npm_ci(folder: Path) -> None:
    """npm ci from the npm cache where it can, from the registry otherwise."""
    errors = []
    for flag in ("--prefer-offline", "--offline"):
        proc = subprocess.run(
            [NPM, "ci", flag, "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if proc.returncode == 0:
            return
        errors.append(proc.stderr[-2000:])
    raise AssertionError("npm ci failed:\n" + "\n".join(errors))


@pytest.fixture(scope="session")
def cdk_node_modules() -> Path:
    """tests/cdk_typescript's packages, installed once per lock file into the user's cache
    (a file lock keeps parallel workers from installing twice)."""
    if NODE is None or NPM is None:
        pytest.skip("node and npm are not on PATH: the TypeScript construct is not synthesized")
    lock = (TS_PACKAGES / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "role-wizard"
    target = cache / f"cdk-typescript-{hashlib.sha256(lock).hexdigest()[:16]}"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "cdk-typescript.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not target.exists():
            staging = cache / f"{target.name}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            for name in ("package.json", "package-lock.json"):
                shutil.copy(TS_PACKAGES / name, staging / name)
            _npm_ci(staging)
            staging.rename(target)  # whole or not at all
    return target / "node_modules"


TSCONFIG = {
    "compilerOptions": {
        "target": "ES2022",
        "module": "commonjs",
        "lib": ["es2022"],
        "types": ["node"],
        "strict": True,
        "noUnusedLocals": True,
        "noUnusedParameters": True,
        "noImplicitReturns": True,
        "skipLibCheck": True,
        "rootDir": "src",
        "outDir": "out",
    },
    "include": ["src"],
}

MAIN_TS = """\
import * as fs from "fs";
import * as cdk from "aws-cdk-lib";
import {{ Construct }} from "constructs";
{imports}

type Case = new (scope: Construct, id: string) => Construct;
const cases: Record<string, Case> = {{ {cases} }};
const apps: Record<string, [Record<string, unknown>, string[]]> = {apps};
const out: Record<string, Record<string, unknown>> = {{}};
for (const [appName, [context, names]] of Object.entries(apps)) {{
  const app = new cdk.App({{
    outdir: `${{process.argv[2]}}/${{appName}}`,
    analyticsReporting: false,
    context,
  }});
  names.forEach((name, i) => new cases[name](new cdk.Stack(app, `Case${{i}}`), "Execution"));
  const assembly = app.synth();
  out[appName] = Object.fromEntries(
    names.map((name, i) => [name, assembly.getStackByName(`Case${{i}}`).template]),
  );
}}
fs.writeFileSync(process.argv[3], JSON.stringify(out));
"""


def _tsc(folder: Path, node_modules: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    (folder / "node_modules").symlink_to(node_modules)
    (folder / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    tsc = node_modules / "typescript" / "bin" / "tsc"
    return subprocess.run(
        [NODE, str(tsc), "-p", str(folder), *flags], capture_output=True, text=True, timeout=600
    )


def test_cdk_typescript_type_checks_and_synthesizes_the_json_bundles_role(
    tmp_path, cdk_node_modules
):
    src = tmp_path / "src"
    src.mkdir()
    imports, cases = [], []
    for i, name in enumerate(CASES):
        text = _export(name, "cdk-typescript")
        [cls] = re.findall(r"^export class (\w+) extends Construct", text, re.M)
        (src / f"case{i}").mkdir()
        path = src / f"case{i}" / FORMATS["cdk-typescript"].filename(_stem(name))
        path.write_text(text, encoding="utf-8")
        imports.append(f'import {{ {cls} as Case{i} }} from "./case{i}/{path.stem}";')
        cases.append(f"{json.dumps(name)}: Case{i}")
    apps = {app: [context, names] for app, (context, names) in APPS.items()}
    main = MAIN_TS.format(imports="\n".join(imports), cases=", ".join(cases), apps=json.dumps(apps))
    (src / "main.ts").write_text(main)
    # the type check is real: a copy given a number for the role name is the one error (tsc
    # still writes the JavaScript of the rest)
    broken = _export("golden-orders", "cdk-typescript")
    assert 'roleName: "orders-api-role",' in broken
    (src / "broken.ts").write_text(broken.replace('roleName: "orders-api-role",', "roleName: 42,"))
    proc = _tsc(tmp_path, cdk_node_modules)
    errors = [line for line in proc.stdout.splitlines() if ": error TS" in line]
    assert len(errors) == 1 and "src/broken.ts" in errors[0] and "TS2322" in errors[0], (
        proc.stdout[-5000:] + proc.stderr[-2000:]
    )
    out = tmp_path / "templates.json"
    proc = subprocess.run(
        [NODE, str(tmp_path / "out" / "main.js"), str(tmp_path / "cdk.out"), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    _check(json.loads(out.read_text()), tmp_path)


# --------------------------------------------------------------------------- the table


def test_cdk_formats_are_in_the_one_table():
    assert FORMATS["cdk-python"].filename("orders-api-role") == "orders_api_role.py"
    assert FORMATS["cdk-python"].filename("1st.role") == "role_1st_role.py"
    assert FORMATS["cdk-typescript"].filename("orders-api-role") == "orders-api-role.ts"
