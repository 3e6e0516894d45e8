"""``role-wizard guardrails``: the watching resources, read back by their own tools.

The EventBridge pattern is tried on a moto server against a recorded CloudTrail event: it must
match a change to this role (every event name the catalog lists) and not the same change to
another role, nor a read. moto 5.2 answers ``TestEventPattern`` with nothing (not implemented),
so the pattern goes into a real rule on the server whose target is an SQS queue, the events are
put on the bus, and the queue holds what matched (moto delivers within ``PutEvents``). The CloudFormation
output passes cfn-lint; the Terraform output parses with python-hcl2 (as the export tests
read theirs) and is what ``terraform fmt`` writes.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from test_export import CFN_LINT
from test_export_iac import DATA_VALUES, TERRAFORM, _blocks, _heredoc_json, _parse_tf, _references

from wizard.catalog.data import catalog_yaml
from wizard.export.guardrails import guardrails, render
from wizard.policy.compose import compose
from wizard.spec import RoleSpec

EVENT = json.loads(
    (Path(__file__).parent / "fixtures/cloudtrail/attach-role-policy.json").read_text()
)
ROLE = EVENT["detail"]["requestParameters"]["roleName"]  # orders-api-role
ACCOUNT = EVENT["account"]
SPEC = {"function": "orders-api", "managed_policies": ["AWSLambdaBasicExecutionRole"],
        "resources": [{"kind": "dynamodb-table", "name": "Orders", "access": "read"}]}  # fmt: skip


def watch(email: str | None = "ops@example.com", **fields: Any):
    return guardrails(compose(RoleSpec.model_validate({**SPEC, **fields})), "aws", email=email)


def event(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(EVENT)
    out["detail"].update({k: v for k, v in changes.items() if k != "requestParameters"})
    out["detail"]["requestParameters"].update(changes.get("requestParameters", {}))
    return out


@pytest.fixture
def bus(aws_env: str, request: pytest.FixtureRequest):
    """``deliver(pattern, events)``: the events a rule with ``pattern`` sends to its target."""
    events = boto3.client("events", region_name="us-east-1")
    sqs = boto3.client("sqs", region_name="us-east-1")
    name = f"guardrails-{request.node.name}"[:64].replace("[", "-").replace("]", "")

    def deliver(pattern: dict[str, Any], sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
        text = json.dumps(pattern).replace("${AWS::Partition}", "aws")
        text = text.replace("${AWS::AccountId}", ACCOUNT)  # as CloudFormation's Fn::Sub does
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        events.put_rule(Name=name, EventPattern=text, State="ENABLED")
        events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": arn["Attributes"]["QueueArn"]}])
        for ev in sent:
            entry = {"Source": ev["source"], "DetailType": ev["detail-type"],
                     "Detail": json.dumps(ev["detail"])}  # fmt: skip
            assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0
        got = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            got += [json.loads(m["Body"])["detail"] for m in batch]
            for m in batch:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        events.remove_targets(Rule=name, Ids=["q"])
        events.delete_rule(Name=name)
        sqs.delete_queue(QueueUrl=url)
        return got

    return deliver


def test_the_rule_matches_each_change_to_this_role_and_no_other(bus) -> None:
    names = catalog_yaml("guardrails.yaml")["role_events"]
    sent = [event(requestParameters={"roleName": "other-role"}), event(eventName="GetRole"),
            {**EVENT, "source": "aws.sts"}, *(event(eventName=n) for n in names)]  # fmt: skip
    got = bus(watch().role_pattern, sent)
    assert [d["eventName"] for d in got] == names
    assert {d["requestParameters"]["roleName"] for d in got} == {ROLE}


def test_the_boundary_rule_matches_new_versions_of_the_boundary_policy(bus) -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:policy/{ROLE}-boundary"
    version = event(eventName="CreatePolicyVersion", requestParameters={"policyArn": arn})
    del version["detail"]["requestParameters"]["roleName"]
    other = copy.deepcopy(version)
    other["detail"]["requestParameters"]["policyArn"] = arn.replace(ROLE, "other-role")
    got = bus(watch().boundary_pattern, [other, version, EVENT])
    assert [d["requestParameters"] for d in got] == [{"policyArn": arn}]


def test_no_boundary_policy_no_boundary_rule() -> None:
    assert watch(boundary="none").boundary_pattern is None


def test_broad_policies_leave_out_what_the_spec_attaches() -> None:
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert admin in watch().broad_policies
    assert admin not in watch(managed_policies=[admin]).broad_policies


def test_cloudformation_output_passes_cfn_lint(tmp_path) -> None:
    files = []
    for name, g in {"full": watch(), "plain": watch(None, boundary="none",
                                                    managed_policies=[])}.items():  # fmt: skip
        path = tmp_path / f"{name}.yaml"
        path.write_text(render(g, "cloudformation"))
        files.append(str(path))
    proc = subprocess.run([*CFN_LINT, *files], capture_output=True, text=True)
    assert proc.stdout == "" and proc.returncode == 0, proc.stdout + proc.stderr
    template = yaml.safe_load(Path(files[0]).read_text())
    kinds = sorted(r["Type"] for r in template["Resources"].values())
    assert kinds == ["AWS::Config::ConfigRule"] * 2 + ["AWS::Events::Rule"] * 2 + [
        "AWS::SNS::Subscription", "AWS::SNS::Topic", "AWS::SNS::TopicPolicy"]  # fmt: skip
    rule = template["Resources"]["RoleChangeRule"]["Properties"]
    assert rule["EventPattern"] == watch().role_pattern
    assert "us-east-1" in template["Description"]


def test_cfn_lint_does_report_a_broken_guardrails_template(tmp_path) -> None:
    template = yaml.safe_load(render(watch(), "cloudformation"))
    template["Resources"]["RoleChangeRule"]["Properties"]["State"] = "SOMETIMES"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(template))
    proc = subprocess.run([*CFN_LINT, str(path)], capture_output=True, text=True)
    assert proc.returncode != 0 and "SOMETIMES" in proc.stdout


def test_terraform_output_parses_and_references_what_it_defines() -> None:
    tree = _parse_tf(render(watch(), "terraform"))
    resources = _blocks(tree, "resource")
    assert set(resources) == {
        "aws_sns_topic.alerts", "aws_sns_topic_policy.alerts", "aws_sns_topic_subscription.email",
        "aws_cloudwatch_event_rule.role_change", "aws_cloudwatch_event_target.role_change",
        "aws_cloudwatch_event_rule.boundary_change", "aws_cloudwatch_event_target.boundary_change",
        "aws_config_config_rule.broad_managed_policies",
        "aws_config_config_rule.spec_managed_policies",
    }  # fmt: skip
    defined = {*resources, *(f"data.{d}" for d in _blocks(tree, "data"))}
    assert _references(tree) and _references(tree) <= defined
    known = {**DATA_VALUES, **{f"{r}.arn": f"<{r}>" for r in resources}}
    rule = resources["aws_cloudwatch_event_rule.boundary_change"]
    assert _heredoc_json(rule["event_pattern"], known) == watch().boundary_pattern
    topic_policy = _heredoc_json(resources["aws_sns_topic_policy.alerts"]["policy"], known)
    assert topic_policy["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"] == [
        "<aws_cloudwatch_event_rule.role_change>", "<aws_cloudwatch_event_rule.boundary_change>"]  # fmt: skip


@pytest.mark.skipif(TERRAFORM is None, reason="no terraform or tofu binary on PATH")
def test_terraform_output_is_formatted_as_terraform_fmt_writes_it(tmp_path) -> None:
    (tmp_path / "guardrails.tf").write_text(render(watch(), "terraform"))
    proc = subprocess.run(
        [TERRAFORM, "fmt", "-check", "-diff", "-no-color", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- the command


def test_guardrails_command_writes_the_file_and_says_where_to_deploy(
    spec_file, run_cli, tmp_path
) -> None:
    out = tmp_path / "guard.yaml"
    done = run_cli("guardrails", spec_file(yaml.safe_dump(SPEC)), "-f", "cloudformation",
                   "--email", "ops@example.com", "-o", out)  # fmt: skip
    assert done.code == 0, done.err
    assert "us-east-1" in done.err
    assert yaml.safe_load(out.read_text())["Resources"]["AlertEmail"]["Properties"][
        "Endpoint"] == "ops@example.com"  # fmt: skip


@pytest.mark.parametrize(
    "argv",
    [
        ("--email", "not an address"),
        ("--format", "sam"),
    ],
)
def test_guardrails_bad_input_is_exit_2(spec_file, run_cli, argv) -> None:
    from cli_helpers import one_line_error

    args = ["guardrails", spec_file(yaml.safe_dump(SPEC)), *argv]
    if "--format" not in argv:
        args += ["--format", "terraform"]
    done = run_cli(*args)
    assert done.code == 2 and "Traceback" not in done.err and done.out == ""
    if argv[0] == "--email":
        assert one_line_error(done)
