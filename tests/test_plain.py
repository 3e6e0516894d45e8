"""Plain mode (`role-wizard plain`), driven keystroke by keystroke through prompt_toolkit's pipe
input: the spec it saves and the files it exports are what `role-wizard build` makes."""

from __future__ import annotations

import io
import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from test_gate import RISKY_SPEC

from wizard.plain import Interrupted, PlainResult, PlainWizard, finish, review, save_partial
from wizard.plain.function import check_role_name
from wizard.policy.compose import compose
from wizard.policy.documents import Finding
from wizard.policy.gate import blocking, describe
from wizard.policy.gate import review as gate_review
from wizard.spec import BOUNDARY_CHOICES, RoleSpec, load_spec, load_spec_text

ENTER = "\r"
DOWN = "\x1b[B"
UP = "\x1b[A"
SPACE = " "
CTRL_C = "\x03"
CTRL_U = "\x15"  # clear the line typed so far
ACCOUNT = "123456789012"
REGION = "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def start(
    function: str = "orders-api",
    account: str = ACCOUNT,
    region: str = REGION,
    role: str = ENTER,
    options: str = ENTER * 5,
    scan: str | None = None,
) -> str:
    """Keys for the first steps: function, account, region, role name (default), boundary
    (envelope), logs/tracing/vpc/deployer, no dead-letter target or destinations (defaults),
    no scan of the code."""
    return f"{function}\r{account}\r{region}\r{role}{ENTER}{options}{scan or NO_SCAN}"


ADD = "y"
NO_SCAN = "n"  # "Scan a folder for AWS calls?"
NO_KEY = ENTER  # a typed resource's KMS key (optional): not encrypted with a customer key
NO_MORE = "n"
FINISH = ENTER  # "save the spec and finish" is the first choice after the review


def drive(keys: str, tmp_path: Path, **options) -> tuple[PlainResult, str]:
    """Run the wizard on ``keys``; the input then ends, so a missing key fails instead of hanging."""
    echo = io.StringIO()
    options.setdefault("spec_path", tmp_path / "role.yaml")
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        wizard = PlainWizard(input=pipe, output=DummyOutput(), echo=echo, **options)
        result = wizard.run()
    return result, echo.getvalue()


def resources(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text())["resources"]


@dataclass
class Found:
    kind: str
    name: str
    arn: str
    detail: dict[str, str] = field(default_factory=dict)


class FakeDiscoverer:
    """The Discoverer's interface over fixed data; a kind mapped to an exception fails."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def supports(self, kind: str) -> bool:
        return kind != "custom"

    def list(self, kind: str, *, bucket: str | None = None, prefix: str | None = None):
        found = self.data.get((kind, bucket, prefix) if bucket else kind, [])
        if isinstance(found, Exception):
            raise found
        return found


def table(name: str) -> Found:
    return Found("dynamodb-table", name, f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}")


# --------------------------------------------------------------------------- whole flow


def test_saved_spec_and_json_export_equal_what_build_makes(tmp_path, run_cli):
    keys = (
        start()
        + ADD
        + "dynamodb-table\r"  # type to filter the kinds
        + "Orders\r"
        + NO_KEY
        + DOWN * 2
        + ENTER  # read-write
        + NO_MORE
        + FINISH
        + DOWN
        + ENTER  # export: json
        + ENTER  # to the suggested file name
    )
    out = tmp_path / "role.json"
    result, _ = drive(keys, tmp_path, export_path=out)

    spec, _ = load_spec(tmp_path / "role.yaml")
    assert spec.function == "orders-api"
    assert (spec.account, spec.region) == (ACCOUNT, REGION)
    assert resources(tmp_path / "role.yaml") == [
        {"kind": "dynamodb-table", "access": "read-write", "name": "Orders"}
    ]
    assert result.export_format == "json"
    built = run_cli("build", tmp_path / "role.yaml", "--format", "json")
    assert built.code == 0
    assert out.read_text() == built.out


def test_review_prints_the_policies_and_their_sizes(tmp_path):
    keys = (
        start() + ADD + "sqs-queue\r" + "orders-events\r" + NO_KEY + DOWN + ENTER + NO_MORE + FINISH
    )
    _, echo = drive(keys, tmp_path, export_format="cloudformation", export_path=tmp_path / "t.yaml")
    assert '"sqs:ReceiveMessage"' in echo
    assert "Permissions boundary orders-api-role-boundary (envelope):" in echo
    assert '"Service": "lambda.amazonaws.com"' in echo
    assert "Sizes (characters IAM counts): inline " in echo
    assert ", trust " in echo and "/2,048" in echo


def test_cli_plain_with_export_flags_matches_build(tmp_path, run_cli, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    spec, template = tmp_path / "orders.yaml", tmp_path / "orders.cfn.yaml"
    keys = (
        start(account="", region="")
        + ADD
        + "sns-topic\r"
        + "order-placed\r"
        + NO_KEY
        + NO_MORE
        + FINISH
    )
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()
        result = run_cli(
            "plain", "--out", spec, "--export", "cloudformation", "--export-out", template
        )
    assert result.code == 0, result.err
    assert "no AWS session" in result.err  # offline: account and region left open
    built = run_cli("build", spec, "--format", "cloudformation")
    assert template.read_text() == built.out
    assert "Fn::Sub" in built.out


def test_review_lists_the_validators_findings(tmp_path, monkeypatch):
    seen = []

    def lint_bundle(bundle, **_where):
        seen.append(bundle.role_name)
        return [Finding("data-exfiltration", "info", "reads and sends", "<role>", "/Statement/1")]

    import wizard.policy.lint.data  # noqa: F401 - the composer's risk lists, before the stand-in

    validator = types.ModuleType("wizard.policy.lint")
    validator.lint_bundle = lint_bundle
    monkeypatch.setitem(sys.modules, "wizard.policy.lint", validator)
    _, echo = drive(
        start() + NO_MORE + FINISH,
        tmp_path,
        export_format="cloudformation",
        export_path=tmp_path / "t.yaml",
    )
    assert seen[0] == "orders-api-role"
    assert "info data-exfiltration at /Statement/1: reads and sends" in echo


# --------------------------------------------------------------------------- validation


def test_bad_role_name_is_rejected_then_a_good_one_accepted(tmp_path):
    role = "orders api!\r" + CTRL_U + "orders-fn-role\r"
    result, _ = drive(
        start(role=role) + NO_MORE + FINISH,
        tmp_path,
        export_format="cloudformation",
        export_path=tmp_path / "t.yaml",
    )
    assert result.spec.role.name == "orders-fn-role"


def test_role_name_check_follows_iam_rules():
    assert check_role_name("orders+api=1,x.y@z_w-v") is True
    assert "64" in str(check_role_name("x" * 65))
    assert "1-64 characters" in str(check_role_name("orders api"))
    assert "ASCII" in str(check_role_name("rôle"))


def test_manual_arn_entry_checks_the_arn_against_the_spec(tmp_path):
    wrong_region = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:orders-events"
    good = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-events"
    keys = (
        start()
        + ADD
        + "sqs-queue\r"
        + f"{wrong_region}\r"  # refused: contradicts the spec's region
        + CTRL_U
        + f"{good}\r"
        + NO_KEY
        + DOWN
        + ENTER  # consume
        + NO_MORE
        + FINISH
    )
    result, _ = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    assert resources(result.spec_path) == [{"kind": "sqs-queue", "access": "consume", "arn": good}]
    assert f'"Resource": "{good}"' in (tmp_path / "r.json").read_text()


def test_custom_actions_refuse_a_service_wildcard(tmp_path):
    keys = (
        start()
        + ADD
        + "custom\r"
        + "ses:*\r"  # refused: grants the whole service
        + CTRL_U
        + "ses:SendEmail\r"
        + f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com\r"
        + NO_MORE
        + FINISH
    )
    result, _ = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    assert resources(result.spec_path) == [
        {
            "kind": "custom",
            "actions": ["ses:SendEmail"],
            "resources": [f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com"],
        }
    ]


def test_a_role_the_composer_refuses_cannot_be_saved_until_fixed(tmp_path):
    get_role = "custom\r" + "iam:GetRole\r" + f"arn:aws:iam::{ACCOUNT}:role/other\r"
    keys = (
        start(role=ENTER + DOWN)  # boundary: strict
        + ADD
        + get_role
        + NO_MORE
        + DOWN * 3
        + ENTER  # change the boundary
        + UP
        + ENTER  # back to envelope, which denies iam:*
        # the role does not compose: no "save" in the menu; change the boundary again
        + DOWN * 2
        + ENTER
        + DOWN
        + ENTER  # strict
        + FINISH
    )
    result, echo = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    assert "The role cannot be built yet: " in echo and "envelope boundary" in echo
    assert result.spec.boundary == "strict"


def test_an_entry_the_role_cannot_take_is_refused_and_empty_adds_nothing(tmp_path):
    get_role = "custom\r" + "iam:GetRole\r" + f"arn:aws:iam::{ACCOUNT}:role/other\r"
    keys = (
        start()
        + ADD
        + get_role  # refused: the envelope boundary denies iam:*
        + CTRL_U
        + ENTER  # empty: nothing added
        + NO_MORE
        + DOWN * 2
        + ENTER  # change the boundary (no resource to remove)
        + DOWN
        + ENTER  # strict
        + DOWN
        + ENTER  # add a resource
        + get_role
        + FINISH
    )
    result, echo = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    assert "nothing added" in echo
    assert result.spec.boundary == "strict"
    assert [e.actions for e in result.spec.resources] == [["iam:GetRole"]]


def test_json_export_of_an_open_account_asks_for_another_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    keys = (
        start(account="", region="")
        + NO_MORE
        + FINISH
        + DOWN
        + ENTER  # json: refused, the account and region are open
        + DOWN * 2
        + ENTER  # cloudformation
        + ENTER  # to role.cfn.yaml
    )
    result, echo = drive(keys, tmp_path)
    assert "cannot export json: JSON export needs a concrete account and region" in echo
    assert result.export_format == "cloudformation"
    assert (tmp_path / "role.cfn.yaml").is_file()


def test_the_saved_spec_quotes_an_account_with_a_leading_zero(tmp_path):
    result, _ = drive(
        start(account="012345678901") + NO_MORE + FINISH,
        tmp_path,
        export_format="cloudformation",
        export_path=tmp_path / "t.yaml",
    )
    assert 'account: "012345678901"' in result.spec_path.read_text().splitlines()
    assert load_spec(result.spec_path)[0].account == "012345678901"


# --------------------------------------------------------------------------- discovery


def test_discovered_resources_are_picked_in_a_checkbox(tmp_path):
    disc = FakeDiscoverer(
        {"dynamodb-table": [table("Customers"), table("Orders"), table("Sessions")]}
    )
    keys = (
        start()
        + ADD
        + "dynamodb-table\r"
        + SPACE  # Customers
        + DOWN
        + DOWN
        + SPACE  # Sessions
        + ENTER
        + ENTER  # read, for both
        + NO_MORE
        + FINISH
    )
    result, _ = drive(
        keys, tmp_path, discoverer=disc, export_format="json", export_path=tmp_path / "r.json"
    )
    assert resources(result.spec_path) == [
        {"kind": "dynamodb-table", "name": "Customers"},
        {"kind": "dynamodb-table", "name": "Sessions"},
    ]


def test_s3_picks_a_bucket_then_drills_into_its_prefixes(tmp_path):
    bucket = Found("s3-prefix", "uploads", "arn:aws:s3:::uploads")
    disc = FakeDiscoverer(
        {
            "s3-prefix": [Found("s3-prefix", "assets", "arn:aws:s3:::assets"), bucket],
            ("s3-prefix", "uploads", None): [
                Found("s3-prefix", "incoming/", ""),
                Found("s3-prefix", "done/", ""),
            ],
            ("s3-prefix", "uploads", "incoming/"): [Found("s3-prefix", "incoming/2025/", "")],
        }
    )
    keys = (
        start()
        + ADD
        + "s3-prefix\r"
        + "upl\r"  # the bucket, filtered by typing
        + DOWN
        + ENTER  # open incoming/
        + ENTER  # all of incoming/
        + ENTER  # read
        + NO_MORE
        + FINISH
    )
    result, _ = drive(
        keys, tmp_path, discoverer=disc, export_format="json", export_path=tmp_path / "r.json"
    )
    assert resources(result.spec_path) == [
        {"kind": "s3-prefix", "bucket": "uploads", "prefix": "incoming/"}
    ]


def test_a_listed_prefix_holding_a_policy_variable_is_refused_and_asked_again(tmp_path):
    bucket = Found("s3-prefix", "uploads", "arn:aws:s3:::uploads")
    disc = FakeDiscoverer(
        {
            "s3-prefix": [bucket],
            ("s3-prefix", "uploads", None): [
                Found("s3-prefix", "${aws:username}/", ""),
                Found("s3-prefix", "incoming/", ""),
            ],
        }
    )
    keys = (
        start()
        + ADD
        + "s3-prefix\r"
        + ENTER  # the bucket
        + DOWN
        + ENTER  # open ${aws:username}/: nothing below it, so it is the choice
        + DOWN * 2
        + ENTER  # asked again: open incoming/
        + ENTER  # read
        + NO_MORE
        + FINISH
    )
    result, echo = drive(
        keys, tmp_path, discoverer=disc, export_format="json", export_path=tmp_path / "r.json"
    )
    assert "prefix '${aws:username}/' contains '${'" in echo
    assert resources(result.spec_path) == [
        {"kind": "s3-prefix", "bucket": "uploads", "prefix": "incoming/"}
    ]


def test_a_listed_bucket_a_spec_refuses_is_said_and_typed_instead(tmp_path):
    disc = FakeDiscoverer({"s3-prefix": [Found("s3-prefix", "Legacy_Bucket", "")]})
    keys = (
        start()
        + ADD
        + "s3-prefix\r"
        + ENTER  # Legacy_Bucket: no valid bucket name today
        + "uploads\r"  # typed instead
        + "\r"  # no prefix: the whole bucket
        + "\r"  # no exact object key instead (asked only without a prefix)
        + NO_KEY
        + ENTER  # read
        + NO_MORE
        + FINISH
    )
    result, echo = drive(
        keys, tmp_path, discoverer=disc, export_format="json", export_path=tmp_path / "r.json"
    )
    assert "bucket 'Legacy_Bucket' is not a valid bucket name" in echo
    assert resources(result.spec_path) == [{"kind": "s3-prefix", "bucket": "uploads"}]


def test_a_typed_prefix_holding_a_policy_variable_is_refused(tmp_path):
    keys = (
        start()
        + ADD
        + "s3-prefix\r"
        + "uploads\r"  # no discoverer: the bucket is typed
        + "${aws:userid}/\r"  # refused by the prompt's check
        + CTRL_U
        + "incoming/\r"
        + NO_KEY
        + ENTER  # read
        + NO_MORE
        + FINISH
    )
    result, _ = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    assert resources(result.spec_path) == [
        {"kind": "s3-prefix", "bucket": "uploads", "prefix": "incoming/"}
    ]


def test_a_failed_listing_says_so_and_falls_back_to_typing(tmp_path):
    class DiscoveryError(Exception):
        message = "ListKeys: AccessDeniedException: not allowed"

    disc = FakeDiscoverer({"kms-key": DiscoveryError("kms-key: ...")})
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    keys = start() + ADD + "kms-key\r" + f"{key_id}\r" + "\r" + ENTER + NO_MORE + FINISH
    result, echo = drive(
        keys, tmp_path, discoverer=disc, export_format="json", export_path=tmp_path / "r.json"
    )
    assert "could not list kms-key: ListKeys: AccessDeniedException: not allowed" in echo
    assert resources(result.spec_path) == [{"kind": "kms-key", "id": key_id}]


def test_demo_sandbox_lists_buckets_and_prefixes(tmp_path, run_cli):
    pytest.importorskip("wizard.aws.demo")
    spec = tmp_path / "role.yaml"
    keys = (
        "orders-api\r"
        + ENTER * 2  # the sandbox's account and region, detected
        + ENTER * 7  # role name, boundary, options (logs ... no dead-letter target)
        + NO_SCAN
        + ADD
        + "s3-prefix\r"
        + "uploads\r"
        + DOWN
        + ENTER  # open incoming/
        + ENTER  # all of incoming/
        + ENTER  # read
        + NO_MORE
        + FINISH
    )
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()
        result = run_cli(
            "--demo",
            "plain",
            "--out",
            spec,
            "--export",
            "json",
            "--export-out",
            tmp_path / "r.json",
        )
    assert result.code == 0, result.err
    loaded, _ = load_spec(spec)
    assert (loaded.account, loaded.region) == ("123456789012", "us-east-1")
    assert resources(spec) == [
        {"kind": "s3-prefix", "bucket": "demo-orders-uploads", "prefix": "incoming/"}
    ]


# --------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_saves_what_was_typed_as_a_draft(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with pytest.raises(Interrupted) as caught:
        drive(start() + ADD + CTRL_C, tmp_path)
    message = save_partial(caught.value.spec, tmp_path / "role.yaml")
    drafts = list((tmp_path / "state" / "lambda-role-wizard" / "drafts").glob("*.yaml"))
    assert len(drafts) == 1 and str(drafts[0]) in message
    saved = yaml.safe_load(drafts[0].read_text())
    assert saved == {"function": "orders-api", "account": ACCOUNT, "region": REGION}


def test_ctrl_c_without_a_drafts_folder_writes_a_partial_spec(tmp_path, monkeypatch):
    (tmp_path / "state").write_text("a file where the drafts folder would go")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with pytest.raises(Interrupted) as caught:
        drive("orders-api\r" + ACCOUNT + "\r" + CTRL_C, tmp_path)
    message = save_partial(caught.value.spec, tmp_path / "role.yaml")
    partial = tmp_path / "role.yaml.partial"
    assert message == f"interrupted; saved what you typed to {partial}"
    assert RoleSpec.model_validate(yaml.safe_load(partial.read_text())).account == ACCOUNT
    assert not (tmp_path / "role.yaml").exists()


def test_cli_ctrl_c_exits_130_with_one_line(tmp_path, run_cli, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr("wizard.cli.plain.detect", lambda args: (None, None, None, None))
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("orders-api\r" + CTRL_C)
        result = run_cli("plain", "--out", tmp_path / "role.yaml")
    assert result.code == 130
    assert result.err.count("\n") == 1
    assert result.err.startswith("role-wizard: interrupted; saved what you typed as a draft: ")


def test_boundary_choices_fit_an_80_column_terminal():
    # questionary draws a choice as " » TITLE" and cuts it at the terminal's edge
    assert all(len(f" » {b.title}") < 80 for b in BOUNDARY_CHOICES)


# --------------------------------------------------------------------------- the gate


def test_the_gate_refuses_the_risky_spec_writes_nothing_and_keeps_what_was_typed(tmp_path):
    """tests/test_gate.py's RISKY_SPEC typed into plain mode: the review says the role would be
    refused, finishing shows each refusing finding, writes no spec and no export, and goes
    back to the menu with the spec kept."""
    risky, _ = load_spec_text(RISKY_SPEC)
    (entry,) = risky.resources
    keys = (
        start(function=risky.function, role=ENTER + DOWN * 2)  # boundary: none
        + ADD
        + "custom\r"
        + ",".join(entry.actions)
        + "\r"
        + ",".join(entry.resources)
        + "\r"
        + NO_MORE
        + FINISH  # refused
        + FINISH  # refused again, from the menu it came back to
    )
    spec_path, export_path = tmp_path / "role.yaml", tmp_path / "role.json"
    with pytest.raises(Interrupted) as caught:  # the input ends at the menu
        drive(keys, tmp_path, spec_path=spec_path, export_format="json", export_path=export_path)
    assert caught.value.ended
    typed = caught.value.spec.model_copy(update={"deployer": risky.deployer})
    assert typed.resources == risky.resources and typed.boundary == "none"
    assert list(tmp_path.iterdir()) == []


def test_the_review_says_when_the_role_would_be_refused(tmp_path):
    risky, _ = load_spec_text(RISKY_SPEC)
    echo = io.StringIO()
    wizard = PlainWizard(echo=echo)
    wizard.spec = risky
    assert review.review(wizard) is not None
    refused = finish.gate(wizard, compose(risky))
    text = echo.getvalue()
    assert refused is None
    assert "The role would be refused: " in text
    assert "The role is refused: " in text and "Nothing was saved or exported" in text
    for finding in blocking(gate_review(compose(risky))):
        assert f"  {finding.severity} {describe(finding)}" in text


def test_kinds_without_a_listing_are_typed_by_their_fields(tmp_path):
    """Issue #12's typed kinds: a namespace (no ARN at all) and a Bedrock model with its
    inference profile and destination Regions, field by field; the half-given profile is
    refused by the domain's rule until its Regions are named."""
    model, profile = "anthropic.claude-3-haiku-20240307-v1:0", "us.anthropic.claude-3-haiku-20240307-v1:0"  # fmt: skip
    keys = (
        start()
        + ADD
        + "cloudwatch-metrics\r"
        + "MyApp/Orders\r"  # one profile (put): said, not asked
        + ADD
        + "bedrock-model\r"
        + f"{model}\r"
        + f"{profile}\r"
        + "\r"  # no Regions: refused, asked again from the model
        + f"{model}\r"
        + f"{profile}\r"
        + "us-east-1,us-west-2\r"
        + NO_MORE
        + FINISH
    )
    result, echo = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    assert "inference_profile needs 'regions' too" in echo
    assert resources(result.spec_path) == [
        {"kind": "cloudwatch-metrics", "namespace": "MyApp/Orders"},
        {
            "kind": "bedrock-model",
            "model": model,
            "inference_profile": profile,
            "regions": "us-east-1,us-west-2",
        },  # fmt: skip
    ]
    assert '"cloudwatch:namespace": "MyApp/Orders"' in (tmp_path / "r.json").read_text()


# --------------------------------------------------------------------------- issue 12


def test_dead_letter_and_destinations_are_asked_checked_and_granted(tmp_path):
    dlq = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"
    bucket = "arn:aws:s3:::orders-failures"
    options = (
        ENTER * 4  # logs, tracing, VPC, deployer
        + "y"  # send invocation records somewhere
        + f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f\r"  # refused: no dead-letter type
        + CTRL_U
        + f"{dlq}\r"
        # its key, typed (no session to read it from): the domain's rule refuses an alias and
        # a key of another Region, then takes the key ARN
        + f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/dlq\r"
        + CTRL_U
        + KEY.replace(REGION, "eu-west-1")
        + "\r"
        + CTRL_U
        + f"{KEY}\r"
        + ENTER  # no on-success destination
        + f"{bucket}\r"
        + ENTER  # the bucket's key: none
    )
    keys = start(options=options) + NO_MORE + FINISH
    result, echo = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    saved = yaml.safe_load(result.spec_path.read_text())
    assert saved["dead_letter"] == {"arn": dlq, "kms_key": KEY}
    assert saved["destinations"] == {"on_failure": bucket}
    assert f"{dlq}: encrypted with {KEY}: kms:Decrypt, kms:GenerateDataKey on that key" in echo
    exported = (tmp_path / "r.json").read_text()
    assert f'"Resource": "{dlq}"' in exported and f'"Resource": "{bucket}/*"' in exported
    assert f'"Resource": "{KEY}"' in exported


def test_an_on_success_destination_is_asked_checked_and_granted(tmp_path):
    """The on-success slot: a bucket (failures only) is refused there, a function's alias is
    kept and granted lambda:InvokeFunction on exactly that alias."""
    alias = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:next:prod"
    options = (
        ENTER * 4  # logs, tracing, VPC, deployer
        + "y"  # send invocation records somewhere
        + ENTER  # no dead-letter target
        + "arn:aws:s3:::orders-failures\r"  # refused: S3 takes failures only
        + CTRL_U
        + f"{alias}\r"
        + ENTER  # no on-failure destination
    )
    keys = start(options=options) + NO_MORE + FINISH
    result, echo = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    # the review says why the grant is there
    assert "Why the KMS and target grants are there:" in echo
    assert f"lambda:InvokeFunction on {alias}: the destination for successful" in echo
    # a function takes no key: not asked, and the domain's reason said
    assert f"{alias}: no KMS grant: Lambda invokes the function" in echo
    saved = yaml.safe_load(result.spec_path.read_text())
    assert "dead_letter" not in saved
    assert saved["destinations"] == {"on_success": alias}
    statements = [
        st
        for policy in json.loads((tmp_path / "r.json").read_text())["Policies"]
        for st in policy["PolicyDocument"]["Statement"]
    ]
    invoke = [st for st in statements if "lambda:InvokeFunction" in str(st["Action"])]
    assert [st["Resource"] for st in invoke] == [alias]


def test_a_typed_arn_is_asked_its_key_and_the_fields_it_does_not_carry(tmp_path):
    """Issue #12: a queue's ARN takes its kms_key (an alias refused by the field's rule); an
    RDS cluster's ARN does not carry its secret, which is asked next (and required)."""
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-events"
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    cluster = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:orders"
    keys = (
        start()
        + ADD
        + "sqs-queue\r"
        + f"{queue}\r"
        + f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders\r"  # refused: an alias
        + CTRL_U
        + f"{key}\r"
        + ENTER  # send
        + ADD
        + "rds-data-cluster\r"
        + f"{cluster}\r"
        + "\r"  # the secret is required: asked again
        + "orders/db\r"
        + "\r"  # its secret's key (optional): none
        + NO_MORE
        + FINISH
    )
    result, _ = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    assert resources(result.spec_path) == [
        {"kind": "sqs-queue", "arn": queue, "kms_key": key},
        {"kind": "rds-data-cluster", "arn": cluster, "secret": "orders/db"},
    ]
    exported = (tmp_path / "r.json").read_text()
    assert f'"Resource": "{key}"' in exported and ":secret:orders/db-??????" in exported


def test_a_listed_resource_is_asked_the_fields_its_listing_lacks(tmp_path):
    """A listed schedule group names the group; its target role is asked (issue #12)."""
    arn = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/orders"
    disc = FakeDiscoverer({"scheduler-group": [Found("scheduler-group", "orders", arn)]})
    keys = start() + ADD + "scheduler-group\r" + SPACE + ENTER + "scheduler-target\r"
    keys += NO_MORE + FINISH
    result, echo = drive(
        keys, tmp_path, discoverer=disc, export_format="json", export_path=tmp_path / "r.json"
    )
    assert "needs 'target_role'" in echo
    assert resources(result.spec_path) == [
        {"kind": "scheduler-group", "group": "orders", "target_role": "scheduler-target"}
    ]


class KeyedDiscoverer(FakeDiscoverer):
    """A discoverer whose resources are encrypted with the keys given by name."""

    def __init__(self, data: dict, keys: dict[str, str]) -> None:
        super().__init__(data)
        self.keys = keys

    def with_kms_key(self, item: Found) -> Found:
        return Found(
            item.kind, item.name, item.arn, {**item.detail, "kms_key": self.keys.get(item.name, "")}
        )


def test_a_picked_resource_gets_the_key_it_is_encrypted_with(tmp_path):
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    disc = KeyedDiscoverer({"dynamodb-table": [table("Orders"), table("Plain")]}, {"Orders": key})
    keys = start() + ADD + "dynamodb-table\r" + SPACE + DOWN + SPACE + ENTER + ENTER
    keys += NO_MORE + FINISH
    result, echo = drive(
        keys, tmp_path, discoverer=disc, export_format="json", export_path=tmp_path / "r.json"
    )
    assert resources(result.spec_path) == [
        {"kind": "dynamodb-table", "name": "Orders", "kms_key": key},
        {"kind": "dynamodb-table", "name": "Plain"},
    ]
    assert f"Orders is encrypted with {key}: its KMS grant is added" in echo
    assert f"  - DynamoDBTableKey: kms:Decrypt on {key}: dynamodb-table Orders (read)" in echo
    assert f'"Resource": "{key}"' in (tmp_path / "r.json").read_text()


# --------------------------------------------------------------------------- region and account


class Regional:
    """RegionalDiscoverers' interface: one fake discoverer a region."""

    def __init__(self, by_region: dict[str, FakeDiscoverer]) -> None:
        self.by_region = by_region

    def for_region(self, region: str | None) -> FakeDiscoverer:
        return self.by_region[region or REGION]


def test_resources_are_listed_from_the_spec_region_and_another_account_is_said(tmp_path):
    def tables_in(region: str, name: str) -> FakeDiscoverer:
        arn = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"
        return FakeDiscoverer({"dynamodb-table": [Found("dynamodb-table", name, arn)]})

    disc = Regional(
        {"eu-west-1": tables_in("eu-west-1", "EuTable"), REGION: tables_in(REGION, "UsTable")}
    )
    keys = (
        start(account=CTRL_U + "111111111111", region=CTRL_U + "eu-west-1")
        + ADD
        + "dynamodb-table\r"
        + SPACE  # the only table listed
        + ENTER
        + ENTER  # read
        + NO_MORE
        + FINISH
    )
    result, said = drive(
        keys,
        tmp_path,
        discoverer=disc,
        account=ACCOUNT,
        region=REGION,
        export_format="json",
        export_path=tmp_path / "r.json",
    )
    loaded, _ = load_spec(result.spec_path)
    assert (loaded.account, loaded.region) == ("111111111111", "eu-west-1")
    assert resources(result.spec_path) == [{"kind": "dynamodb-table", "name": "EuTable"}]
    assert "The spec's account is 111111111111, but resources are listed from account " in said
    assert said.count("account is 111111111111") == 1  # said once, not at every listing


# --------------------------------------------------------------------------- app specs

APP_SPEC = "app: shop\nfunctions:\n  - function: a\n  - function: b\n"


def test_plain_mode_will_not_save_a_role_spec_over_an_app_spec(tmp_path, run_cli):
    app = tmp_path / "app.yaml"
    app.write_text(APP_SPEC)
    refused = run_cli("plain", "--out", app)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert f"--out: {app} is an app spec" in refused.err and "--function NAME" in refused.err
    keys = (
        start() + ADD + "dynamodb-table\r" + "Orders\r" + NO_KEY + ENTER + NO_MORE + FINISH
        + CTRL_U + f"{app}\r" + "y"  # overwrite it? yes -- refused all the same, asked again
        + CTRL_U + f"{tmp_path / 'role.yaml'}\r"
        + ENTER  # no export
    )  # fmt: skip
    result, said = drive(keys, tmp_path, spec_path=None)
    assert f"{app} is an app spec, and a role spec saved there would replace" in said
    assert app.read_text() == APP_SPEC and result.spec_path == tmp_path / "role.yaml"


# --------------------------------------------------------------------------- scan my code


def test_scan_offers_the_found_entries_preselected_with_their_origins(tmp_path, monkeypatch):
    """Handlers of tests/scan_corpus/: a bad path said and asked again, a variable's value
    checked by the kind's rule, Customers dropped: the spec holds exactly the others."""
    import shutil

    corpus = Path(__file__).parent / "scan_corpus" / "python"
    cases = ("02_ddb_read_write", "06_s3_prefix_read", "12_sqs_consume_env", "23_unresolvable")
    code = tmp_path / "code"
    for case in cases:
        (code / case).mkdir(parents=True)
        shutil.copy(corpus / case / "handler.py", code / case / "handler.py")
    shown: list[list] = []
    real = PlainWizard.checkbox

    def checkbox(self, message, choices, *, instruction):
        shown.append([(c.title, c.checked, c.disabled) for c in choices])
        return real(self, message, choices, instruction=instruction)

    monkeypatch.setattr(PlainWizard, "checkbox", checkbox)
    missing = str(tmp_path / "nowhere")
    scan = (
        "y"
        + CTRL_U + missing + ENTER  # said on one line, asked again
        + CTRL_U + str(code) + ENTER
        + "no queue!" + ENTER  # JOBS_QUEUE: not a queue's name, refused as typed
        + CTRL_U + "jobs" + ENTER
        + SPACE + ENTER  # drop the first (Customers), add the rest
    )  # fmt: skip
    keys = start(scan=scan) + NO_MORE + FINISH
    result, echo = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    assert f"{missing}: no such file or folder to scan" in echo.splitlines()
    assert "Scanned 4 files, 9 AWS calls: 4 suggested, 2 unresolved" in echo
    assert "not bound: 23_unresolvable/handler.py:12 dynamodb:GetItem" in echo
    (choices,) = shown
    assert [(title.rsplit("(", 1)[1], checked) for title, checked, _ in choices] == [
        ("02_ddb_read_write/handler.py:8)", True),
        ("06_s3_prefix_read/handler.py:11)", True),
        ("12_sqs_consume_env/handler.py:10)", True),
        ("23_unresolvable/handler.py:14)", True),
    ]
    want = []
    for case in cases[1:]:
        for item in yaml.safe_load((corpus / case / "expected.yaml").read_text())["resources"]:
            want.append({k: v for k, v in item.items() if k != "actions"})
    assert resources(result.spec_path) == want


def test_demo_sandbox_lists_the_kinds_that_were_typed_only(tmp_path, run_cli):
    """Issue #12 on the demo sandbox: a Bedrock inference profile (its model and Regions come
    with it), an AppConfig profile, a metric namespace, and an RDS database whose user is asked."""
    pytest.importorskip("wizard.aws.demo")
    spec = tmp_path / "role.yaml"
    keys = (
        "orders-api\r"
        + ENTER * 2  # the sandbox's account and region, detected
        + ENTER * 7  # role name, boundary, options (logs ... no dead-letter target)
        + NO_SCAN
        + ADD
        + "bedrock-model\r"
        + DOWN
        + DOWN
        + SPACE  # the US inference profile, after the two on-demand models
        + ENTER
        + ADD
        + "appconfig-profile\r"
        + SPACE
        + ENTER
        + ADD
        + "cloudwatch-metrics\r"
        + SPACE
        + ENTER
        + ADD
        + "rds-db-user\r"
        + SPACE  # the orders-reporting instance
        + ENTER
        + "reporting\r"  # its user: AWS cannot list it
        + NO_MORE
        + FINISH
    )
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()
        result = run_cli(
            "--demo",
            "plain",
            "--out",
            spec,
            "--export",
            "json",
            "--export-out",
            tmp_path / "r.json",
        )
    assert result.code == 0, result.out[-3000:]
    found = resources(spec)
    assert found[0] == {
        "kind": "bedrock-model",
        "model": "anthropic.claude-3-haiku-20240307-v1:0",
        "inference_profile": "us.anthropic.claude-3-haiku-20240307-v1:0",
        "regions": "us-east-1,us-east-2,us-west-2",
    }
    assert found[1]["kind"] == "appconfig-profile"
    assert set(found[1]) == {"kind", "application_id", "environment_id", "profile_id"}
    assert found[2] == {"kind": "cloudwatch-metrics", "namespace": "Orders/Checkout"}
    assert found[3]["kind"] == "rds-db-user" and found[3]["user"] == "reporting"
    assert found[3]["resource_id"].startswith("db-")
    exported = (tmp_path / "r.json").read_text()
    assert "inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0" in exported
    assert f"dbuser:{found[3]['resource_id']}/reporting" in exported


def test_every_issue12_kind_is_typed_by_its_fields(tmp_path):
    """Each new kind typed by hand, one after another: its main field or ARN, then every field
    it declares beside it in the kind's order (an optional one left empty when the entry has
    none), the default access; the saved spec holds each entry as typed."""
    from tests.tui.test_issue12 import _one_entry_per_kind
    from wizard.catalog.kinds import catalog
    from wizard.entries import fields_to_type, primary_field

    entries = _one_entry_per_kind()
    keys = start()
    for kind, entry in entries.items():
        main = primary_field(catalog().kinds[kind])
        arn = entry.get("arn", "")  # by its ARN, then the fields the ARN does not carry
        keys += ADD + f"{kind}\r" + f"{arn or entry[main]}\r"
        for name in fields_to_type(kind, arn):
            if name != main and not catalog().kinds[kind].fields[name].excludes:
                keys += CTRL_U + f"{entry.get(name, '')}\r"
        if len(catalog().kinds[kind].profiles) > 1:
            keys += ENTER  # the default access
    keys += NO_MORE + FINISH
    result, echo = drive(keys, tmp_path, export_format="json", export_path=tmp_path / "r.json")
    assert resources(result.spec_path) == list(entries.values()), echo[-2000:]
    assert "sts:AssumeRole" in (tmp_path / "r.json").read_text()


class OnlyNamed:
    """A real Discoverer (on the moto server) showing only the resources named ``name``: the
    server is shared by the whole test session."""

    def __init__(self, disc, name: str) -> None:
        self.disc, self.name = disc, name

    def supports(self, kind: str) -> bool:
        return self.disc.supports(kind)

    def list(self, kind: str, **options):
        return [i for i in self.disc.list(kind, **options) if i.name == self.name]

    def with_kms_key(self, item):
        return self.disc.with_kms_key(item)


def test_a_listed_cluster_gets_the_key_of_the_secret_typed_for_it(tmp_path, aws_env):
    """Issue #12: an Aurora cluster's key is its credentials secret's, read from AWS
    (DescribeSecret, over HTTP on moto) once its secret is typed, and granted."""
    import uuid

    import boto3

    from wizard.aws.discover import Discoverer
    from wizard.aws.session import AwsSession

    session = boto3.Session(region_name=REGION)
    c = lambda service: session.client(service, endpoint_url=aws_env)  # noqa: E731
    key = c("kms").create_key(Description="rds secret")["KeyMetadata"]["Arn"]
    name = f"orders-{uuid.uuid4().hex[:8]}"
    c("secretsmanager").create_secret(Name=f"rds/{name}", SecretString="x", KmsKeyId=key)
    c("rds").create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="password123",
    )
    disc = OnlyNamed(Discoverer(AwsSession(session=session, region=REGION)), name)
    keys = start() + ADD + "rds-data-cluster\r" + SPACE + ENTER + f"rds/{name}\r"
    keys += NO_MORE + FINISH
    result, echo = drive(
        keys, tmp_path, discoverer=disc, export_format="json", export_path=tmp_path / "r.json"
    )
    assert resources(result.spec_path) == [
        {"kind": "rds-data-cluster", "cluster": name, "secret": f"rds/{name}", "kms_key": key}
    ], echo[-2000:]
    assert f"{name} is encrypted with {key}: its KMS grant is added" in echo
    exported = (tmp_path / "r.json").read_text()
    assert f'"Resource": "{key}"' in exported and f":secret:rds/{name}-??????" in exported
