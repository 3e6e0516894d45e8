"""``role-wizard drift``: the live role against what its spec builds, and plan undoing it.

The domain comparison (:mod:`wizard.policy.drift`) is checked on its own; the command runs
in-process against ``mock_aws``: the spec is applied, the role is changed behind the tool's
back with boto3 the way a console user would, and drift must name each change, plan must list
exactly the changes that undo it, and apply must bring the role back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from cli_helpers import doc, one_line_error
from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws

from wizard.aws.provision import (
    Reading,
    RoleState,
    desired_tags,
    expected_role,
    plan_for,
)
from wizard.policy.compose import compose
from wizard.policy.drift import compare, statement_note
from wizard.spec import RoleSpec

ACCOUNT = "123456789012"
ROLE = "orders-api-role"
SPEC = """\
function: orders-api
role: {tags: {team: payments}}
deployer: false
resources:
  - {kind: dynamodb-table, name: Orders, access: read}
"""
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
WIDE = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})


@pytest.fixture
def mocked(mock_env: None) -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def with_managed(mock_env: None) -> Iterator[None]:
    """An account that holds AWS's managed policies (loading them takes moto ~2 s)."""
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):
        yield


@pytest.fixture
def applied(spec_file, run_cli):
    """The spec applied (in the mock a ``mocked`` or ``with_managed`` fixture opened)."""
    path = spec_file(SPEC)
    done = run_cli("apply", path, "--yes")
    assert done.code == 0, done.err
    return path


def iam():
    return boto3.client("iam", region_name="us-east-1")


def drift_json(run_cli, path) -> tuple[int, dict]:
    done = run_cli("drift", path, "--format", "json")
    assert done.code in (0, 1), done.err
    return done.code, json.loads(done.out)


# --------------------------------------------------------------------------- the domain

BUNDLE = compose(RoleSpec.model_validate({"function": "fn", "account": ACCOUNT,
                                          "region": "us-east-1",
                                          "resources": [{"kind": "sqs-queue", "name": "q"}]}))  # fmt: skip


def in_step_reading() -> Reading:
    """A reading of an account that holds exactly what the bundle builds."""
    expected = expected_role(BUNDLE, "aws", ACCOUNT, None)
    role = {
        "RoleName": BUNDLE.role_name,
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/{BUNDLE.role_name}",
        "Path": BUNDLE.path,
        "Description": BUNDLE.description,
        "AssumeRolePolicyDocument": BUNDLE.assume_role_policy,
        "PermissionsBoundary": {"PermissionsBoundaryArn": expected.boundary_arn},
        "Tags": [{"Key": k, "Value": v} for k, v in desired_tags(BUNDLE).items()],
    }
    state = RoleState(role, {p.name: p.document for p in BUNDLE.policies}, [])
    policies = {cp.arn: ({"Tags": role["Tags"]}, cp.document) for cp in expected.policies}
    return Reading(expected, state, policies)


def test_an_account_holding_what_the_spec_builds_has_no_drift_and_no_plan() -> None:
    reading = in_step_reading()
    assert compare(reading.expected, reading.live) == []
    assert plan_for(reading, "aws", ACCOUNT).changes == []


MUTATIONS = {
    "attach admin": lambda r: r.state.attached.append(ADMIN),
    "wide inline": lambda r: r.state.inline.update(wide=WIDE),
    "boundary removed": lambda r: r.state.role.pop("PermissionsBoundary"),
    "trust widened": lambda r: r.state.role.update(
        AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
        )
    ),
    "tag added": lambda r: r.state.role["Tags"].append({"Key": "owner", "Value": "x"}),
    "description": lambda r: r.state.role.update(Description="edited in the console"),
    "inline deleted": lambda r: r.state.inline.pop(BUNDLE.policies[0].name),
    "boundary widened": lambda r: r.policies.update(
        {a: (m, WIDE) for a, (m, _d) in r.policies.items()}
    ),
}


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(sorted(MUTATIONS)), min_size=1))
def test_each_change_to_the_account_is_one_drift_item_and_one_plan_change(names) -> None:
    reading = in_step_reading()
    for name in names:
        MUTATIONS[name](reading)
    drift = compare(reading.expected, reading.live)
    assert len(drift) == len(names), [d.risk for d in drift]
    plan = plan_for(reading, "aws", ACCOUNT)
    assert len(plan.changes) == len(names)
    assert plan.drift == drift
    # every widening is an error
    widening = {"attach admin", "wide inline", "boundary removed", "trust widened",
                "boundary widened"}  # fmt: skip
    assert sum(d.severity == "error" for d in drift) == len(names & widening)


def test_risk_notes_say_what_widened() -> None:
    reading = in_step_reading()
    for name in ("attach admin", "wide inline", "boundary removed", "trust widened"):
        MUTATIONS[name](reading)
    risks = {d.risk for d in compare(reading.expected, reading.live)}
    assert "added: AdministratorAccess attached" in risks
    assert "new inline policy wide: new statement grants s3:* on *" in risks
    assert "boundary removed: nothing caps the role's permissions" in risks
    assert "trust policy now lets AWS:* assume the role" in risks


def test_a_widened_statement_lists_the_access_it_adds() -> None:
    reading = in_step_reading()
    name = BUNDLE.policies[0].name
    widened = json.loads(json.dumps(BUNDLE.policies[0].document))
    widened["Statement"].append({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    reading.state.inline[name] = widened
    (item,) = compare(reading.expected, reading.live)
    assert (item.kind, item.state, item.severity) == ("inline", "changed", "error")
    assert item.access is not None
    assert item.access.added_actions() == {"s3:GetObject"}


def test_a_narrowed_policy_is_drift_but_not_an_error() -> None:
    reading = in_step_reading()
    name = BUNDLE.policies[0].name
    reading.state.inline[name] = doc(BUNDLE.policies[0].document["Statement"][0])
    (item,) = compare(reading.expected, reading.live)
    assert item.severity == "warning" and item.access is None


def test_statement_note_names_a_removed_deny() -> None:
    deny = {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
    allow = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    assert statement_note([doc(allow, deny)], doc(allow)).startswith("a Deny statement")


# --------------------------------------------------------------------------- the command


def test_drift_is_0_right_after_apply(mocked, applied, run_cli) -> None:
    done = run_cli("drift", applied)
    assert done.code == 0, done.out + done.err
    assert "in step with" in done.out


def test_drift_names_console_changes_and_apply_brings_the_role_back(
    with_managed, applied, run_cli
) -> None:
    client = iam()
    client.attach_role_policy(RoleName=ROLE, PolicyArn=ADMIN)
    client.put_role_policy(RoleName=ROLE, PolicyName="incident", PolicyDocument=json.dumps(WIDE))
    client.delete_role_permissions_boundary(RoleName=ROLE)
    client.tag_role(RoleName=ROLE, Tags=[{"Key": "team", "Value": "ops"}])

    done = run_cli("drift", applied)
    assert done.code == 1
    assert "+ added: AdministratorAccess attached" in done.out
    assert "new inline policy incident: new statement grants s3:* on *" in done.out
    assert "- boundary removed" in done.out
    assert "+ s3 " in done.out  # the access the incident policy adds, from diff's engine

    code, data = drift_json(run_cli, applied)
    assert code == 1 and data["drifted"] is True
    kinds = sorted((d["kind"], d["state"]) for d in data["drift"])
    assert kinds == [("boundary", "removed"), ("inline", "added"), ("managed", "added"),
                     ("tags", "changed")]  # fmt: skip

    # plan lists exactly the changes that undo the drift
    plan = json.loads(run_cli("plan", applied, "--format", "json").out)
    undo = sorted((c["kind"], c["op"]) for c in plan["changes"])
    assert undo == [("boundary", "update"), ("inline", "delete"), ("managed", "detach"),
                    ("tags", "tag")]  # fmt: skip

    assert run_cli("apply", applied, "--yes").code == 0
    assert drift_json(run_cli, applied) == (0, {**data, "drifted": False, "drift": []})


def test_drift_of_a_role_that_does_not_exist_is_1(mocked, spec_file, run_cli) -> None:
    code, data = drift_json(run_cli, spec_file(SPEC))
    assert code == 1 and data["exists"] is False
    assert "the role does not exist in the account" in [d["risk"] for d in data["drift"]]


def test_drift_sarif_has_one_result_per_difference(with_managed, applied, run_cli) -> None:
    iam().attach_role_policy(RoleName=ROLE, PolicyArn=ADMIN)
    done = run_cli("drift", applied, "--format", "sarif")
    assert done.code == 1
    (run,) = json.loads(done.out)["runs"]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("drift/managed-added", "error")]


def test_deployer_policy_is_compared_when_the_account_holds_it(mocked, spec_file, run_cli) -> None:
    path = spec_file(SPEC.replace("deployer: false", "deployer: true"))
    assert run_cli("apply", path, "--yes", "--deployer-policy-name", "deploy-orders").code == 0
    arn = f"arn:aws:iam::{ACCOUNT}:policy/deploy-orders"
    iam().create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(WIDE), SetAsDefault=True)
    # not named and not under the spec's default name: a note, not drift
    done = run_cli("drift", path)
    assert done.code == 0 and "no deployer policy" in done.out
    done = run_cli("drift", path, "--deployer-policy-name", "deploy-orders", "--format", "json")
    assert done.code == 1
    (item,) = json.loads(done.out)["drift"]
    assert item["label"] == "deployer policy" and item["severity"] == "error"


def test_bad_input_is_exit_2_on_one_line(mocked, spec_file, run_cli) -> None:
    assert one_line_error(run_cli("drift", spec_file("function: [")))
    assert one_line_error(run_cli("drift", spec_file(SPEC), "--deployer-policy-name", "a b"))


# --------------------------------------------------------------------------- the demo sandbox


def test_demo_drift_after_demo_apply(tmp_path) -> None:
    from test_demo import python, role_spec, wizard

    spec = role_spec(tmp_path, "drift-fn")
    assert wizard("--demo", "apply", str(spec), "--yes").returncode == 0
    done = wizard("--demo", "drift", str(spec))
    assert done.returncode == 0, done.stdout + done.stderr
    python(
        """
        from wizard.aws.demo import demo_session
        demo_session().client("iam").delete_role_permissions_boundary(RoleName="drift-fn-role")
        """
    )
    done = wizard("drift", str(spec), "--demo", "--format", "json")
    assert done.returncode == 1, done.stderr
    assert [d["risk"] for d in json.loads(done.stdout)["drift"]] == [
        "boundary removed: nothing caps the role's permissions"
    ]
