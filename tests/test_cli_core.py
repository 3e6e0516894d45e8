"""``role-wizard build``, ``init`` and ``catalog``: outputs, and every bad input refused with one
line naming the file, the line and what is wrong, and exit status 2."""

from __future__ import annotations

import argparse
import json
import re
import sys

import pytest
import yaml
from cli_helpers import one_line_error, run_wizard

ACC = "123456789012"
LONG_NAME = "r" * 65

# (id, spec text or bytes, extra build args, expected stderr after "role-wizard: ")
BAD_SPECS: list[tuple[str, str | bytes | None, tuple[str, ...], str]] = [
    ("unknown-kind", "function: f\nresources:\n  - {kind: dynamo, name: T1}\n", (),
     r"role\.yaml:3: resources\[0\]\.kind: unknown kind 'dynamo' \(known: dynamodb-table, "),
    ("unknown-profile", "function: f\nresources:\n  - kind: sqs-queue\n    name: q\n    access: admin\n", (),
     r"role\.yaml:5: resources\[0\]\.access: unknown access profile 'admin' for sqs-queue \(profiles: send, consume\)"),
    ("malformed-arn", "function: f\nresources:\n  - {kind: dynamodb-table, arn: 'arn:aws:dynamodb:us-east-1:123:table/T'}\n", (),
     r"role\.yaml:3: resources\[0\]\.arn: 'arn:aws:dynamodb:us-east-1:123:table/T' is not an ARN of a DynamoDB table \(arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME\)"),
    ("arn-of-wrong-kind", "function: f\nresources:\n  - {kind: dynamodb-table, arn: 'arn:aws:sqs:us-east-1:123456789012:q'}\n", (),
     r"role\.yaml:3: resources\[0\]\.arn: 'arn:aws:sqs:us-east-1:123456789012:q' is not an ARN of a DynamoDB table"),
    ("arn-account-contradicts", f"function: f\naccount: '{ACC}'\nresources:\n  - kind: sqs-queue\n    arn: arn:aws:sqs:us-east-1:999999999999:q\n", (),
     r"role\.yaml:5: resources\[0\]\.arn: the ARN's account '999999999999' contradicts the spec's account '123456789012'"),
    ("arn-region-contradicts", "function: f\nregion: eu-west-1\nresources:\n  - {kind: sqs-queue, arn: 'arn:aws:sqs:us-east-1:123456789012:q'}\n", (),
     r"role\.yaml:4: resources\[0\]\.arn: the ARN's region 'us-east-1' contradicts the spec's region 'eu-west-1'"),
    ("arn-partition-contradicts", "function: f\npartition: aws-cn\nresources:\n  - {kind: sqs-queue, arn: 'arn:aws:sqs:cn-north-1:123456789012:q'}\n", (),
     r"role\.yaml:4: resources\[0\]\.arn: the ARN's partition 'aws' contradicts the spec's partition 'aws-cn'"),
    ("illegal-role-name", "function: f\nrole:\n  name: 'bad name!'\n", (),
     r"role\.yaml:3: role\.name: role name 'bad name!' must be 1-64 characters of ASCII letters, digits and \+=,\.@_-"),
    ("too-long-role-name", f"function: f\nrole:\n  name: {LONG_NAME}\n", (),
     r"role\.yaml:3: role\.name: role name 'r{65}' is 65 characters; IAM allows 64"),
    ("bad-role-path", "function: f\nrole: {path: no-slashes}\n", (),
     r"role\.yaml:2: role\.path: role path 'no-slashes' must start and end with /"),
    ("bad-function-name", "function: 'orders api'\n", (),
     r"role\.yaml:1: function: function name 'orders api' must be 1-64 characters of letters, digits, - and _"),
    ("unquoted-numeric-account", "function: f\naccount: 123456789012\n", (),
     r"role\.yaml:2: account: quote the account id \(\"012345678901\"\): as a number it loses leading zeros"),
    ("short-account", "function: f\naccount: '1234'\n", (),
     r"role\.yaml:2: account: account '1234' must be 12 digits"),
    ("bad-region", "function: f\nregion: US-EAST\n", (),
     r"role\.yaml:2: region: region 'US-EAST' is not an AWS region name such as us-east-1"),
    ("bad-partition", "function: f\npartition: aws-xx\n", (),
     r"role\.yaml:2: partition: .*'aws', 'aws-cn' or 'aws-us-gov' \(got 'aws-xx'\)"),
    ("bad-boundary", "function: f\nboundary: loose\n", (),
     r"role\.yaml:2: boundary: boundary 'loose' must be envelope, strict, none or a policy ARN"),
    ("bad-bool", "function: f\ntracing: maybe\n", (),
     r"role\.yaml:2: tracing: .*\(got 'maybe'\)"),
    ("unknown-top-level-field", "function: f\ncolour: red\n", (),
     r"role\.yaml:2: colour: unknown field 'colour'"),
    ("unknown-resource-field", "function: f\nresources:\n  - kind: sqs-queue\n    name: q\n    colour: red\n", (),
     r"role\.yaml:5: resources\[0\]\.colour: unknown field 'colour' for kind sqs-queue \(fields: arn, name, kms_key\)"),
    ("missing-resource-name", "function: f\nresources:\n  - kind: sqs-queue\n", (),
     r"role\.yaml:3: resources\[0\]: sqs-queue needs 'name' \(queue name\) or a full 'arn'"),
    ("bad-resource-name", "function: f\nresources:\n  - {kind: s3-prefix, bucket: Bad_Bucket}\n", (),
     r"role\.yaml:3: resources\[0\]\.bucket: bucket 'Bad_Bucket' is not a valid bucket name"),
    ("ssm-root-path", "function: f\nresources:\n  - {kind: ssm-parameter, name: /}\n", (),
     r"role\.yaml:3: resources\[0\]\.name: name '/' is not a valid parameter name, or a path ending in / for every parameter below it \(not / alone, no \. or \.\. segment\)"),
    ("ssm-empty-segment", "function: f\nresources:\n  - {kind: ssm-parameter, name: /app//x}\n", (),
     r"role\.yaml:3: resources\[0\]\.name: name '/app//x' is not a valid parameter name"),
    ("missing-function", "account: '123456789012'\n", (),
     r"role\.yaml:1: function: 'function' is required"),
    ("yaml-syntax-error", "function: f\nresources: [\n", (),
     r"role\.yaml:3: YAML error: (expected the node content, but found '<stream end>'|did not find expected node content)"),
    ("yaml-bad-indent", "function: f\n  region: us-east-1\n", (),
     r"role\.yaml:2: YAML error: mapping values are not allowed (here|in this context)"),
    ("duplicate-key", "function: f\nregion: us-east-1\nfunction: g\n", (),
     r"role\.yaml:3: function: duplicate key 'function'"),
    ("empty-file", "", (),
     r"role\.yaml: the file is empty: a role spec is a mapping with at least 'function:'"),
    ("list-at-top-level", "- function: f\n", (),
     r"role\.yaml:1: got a list: a role spec is a mapping with at least 'function:'"),
    ("non-utf8", b"function: f\n# caf\xe9\n", (),
     r"role\.yaml:2: not UTF-8 text \(byte 17: 0xe9\); save the file as UTF-8"),
    ("custom-whole-service", "function: f\nresources:\n  - kind: custom\n    actions: ['s3:*']\n    resources: ['arn:aws:s3:::bkt/*']\n", (),
     r"role\.yaml:4: resources\[0\]\.actions\[0\]: 's3:\*' grants a whole service; list the actions the function needs"),
    ("custom-star-resource", "function: f\nresources:\n  - kind: custom\n    actions: [s3:GetObject]\n    resources: ['*']\n", (),
     r"role\.yaml:5: resources\[0\]\.resources\[0\]: '\*' is only for actions that support no resource-level permission"),
    ("custom-unknown-action", "function: f\nresources:\n  - kind: custom\n    actions: [s3:GetObjekt]\n    resources: ['arn:aws:s3:::bkt/*']\n", (),
     r"role\.yaml:4: resources\[0\]\.actions\[0\]: unknown action 's3:GetObjekt'"),
    ("custom-unknown-service", "function: f\nresources:\n  - kind: custom\n    actions: [nosuch:Thing]\n    resources: ['*']\n", (),
     r"role\.yaml:4: resources\[0\]\.actions\[0\]: unknown service 'nosuch'"),
    ("custom-resource-not-an-arn", "function: f\nresources:\n  - kind: custom\n    actions: [s3:GetObject]\n    resources: [bkt/key]\n", (),
     r"role\.yaml:5: resources\[0\]\.resources\[0\]: 'bkt/key' is not an ARN"),
    ("custom-on-other-kind", "function: f\nresources:\n  - kind: sqs-queue\n    name: q\n    actions: [sqs:PurgeQueue]\n", (),
     r"role\.yaml:5: resources\[0\]\.actions: actions and resources belong to kind custom, not sqs-queue"),
    ("unknown-managed-policy", "function: f\nmanaged_policies:\n  - AWSMagicAccess\n", (),
     r"role\.yaml:3: managed_policies\[0\]: unknown AWS managed policy 'AWSMagicAccess': give its full ARN"),
    ("envelope-denies-custom-action", f"function: f\nboundary: envelope\nresources:\n  - {{kind: custom, actions: [iam:PassRole], resources: ['arn:aws:iam::{ACC}:role/x']}}\n", (),
     r"role\.yaml:2: boundary: iam:PassRole is denied by the envelope boundary \(DenyIdentityAndAccessChanges\)"),
    ("json-export-without-account", "function: f\nregion: us-east-1\n", ("--format", "json"),
     r"role\.yaml: JSON export needs a concrete account: set it in the spec or pass --account/--region"),
    ("account-flag-contradicts-spec", f"function: f\naccount: '{ACC}'\n", ("--account", "210987654321"),
     r"role\.yaml:2: --account 210987654321 contradicts the spec's account 123456789012"),
    ("region-flag-contradicts-spec", "function: f\nregion: us-east-1\n", ("--region", "eu-west-1"),
     r"role\.yaml:2: --region eu-west-1 contradicts the spec's region us-east-1"),
    ("bad-account-flag", "function: f\n", ("--account", "12"),
     r"--account '12' must be 12 digits"),
    ("bad-region-flag", "function: f\n", ("--region", "Mars"),
     r"--region 'Mars' is not an AWS region name such as us-east-1"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "args", "expected"),
    [case[1:] for case in BAD_SPECS],
    ids=[case[0] for case in BAD_SPECS],
)
def test_bad_spec_is_refused_with_one_line_naming_file_and_line(
    text, args, expected, spec_file, run_cli, monkeypatch
):
    path = spec_file(text)
    monkeypatch.chdir(path.parent)
    result = run_cli("build", "role.yaml", *args)
    assert result.code == 2
    assert result.out == ""
    assert "Traceback" not in result.err
    assert result.err.count("\n") == 1, result.err
    assert re.fullmatch(r"role-wizard: " + expected + r".*\n", result.err), result.err


def test_bad_spec_cases_are_all_different():
    assert len({case[0] for case in BAD_SPECS}) == len(BAD_SPECS) >= 25


def test_missing_file_is_refused(run_cli, tmp_path):
    result = run_cli("build", tmp_path / "nope.yaml")
    assert result.code == 2
    assert result.err == f"role-wizard: {tmp_path / 'nope.yaml'}: no such file\n"


def test_directory_is_refused(run_cli, tmp_path):
    result = run_cli("build", tmp_path)
    assert result.code == 2
    assert result.err == f"role-wizard: {tmp_path}: is a folder, not a spec file\n"


def test_bad_spec_through_the_console_script_prints_no_traceback(spec_file):
    path = spec_file("function: f\nresources:\n  - {kind: nope}\n")
    proc = run_wizard("build", path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"role-wizard: {path}:3: resources[0].kind: unknown kind")
    assert proc.stderr.count("\n") == 1


# --------------------------------------------------------------------------- build


GOOD = f"""\
function: orders-api
account: "{ACC}"
region: us-east-1
resources:
  - {{kind: dynamodb-table, name: Orders, access: read-write}}
"""


def test_build_writes_json_to_stdout(spec_file, run_cli):
    result = run_cli("build", spec_file(GOOD))
    assert result.code == 0 and result.err == ""
    assert json.loads(result.out)["RoleName"] == "orders-api-role"


def test_build_account_and_region_flags_fill_an_open_spec(spec_file, run_cli):
    path = spec_file("function: fn\nresources:\n  - {kind: sqs-queue, name: q}\n")
    result = run_cli("build", path, "--account", ACC, "--region", "eu-west-1")
    assert result.code == 0
    statements = json.loads(result.out)["Policies"][0]["PolicyDocument"]["Statement"]
    assert f"arn:aws:sqs:eu-west-1:{ACC}:q" in [s["Resource"] for s in statements]


def test_build_out_writes_the_file_and_says_so(spec_file, run_cli, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "role.cfn.yaml"
    result = run_cli("build", spec_file(GOOD), "--format", "cloudformation", "--out", out)
    assert result.code == 0 and result.out == ""
    assert result.err == f"wrote cloudformation for role orders-api-role to {out}\n"
    assert yaml.safe_load(out.read_text())["Resources"]["ExecutionRole"]["Type"] == "AWS::IAM::Role"


def test_build_unknown_format_is_a_usage_error(spec_file, run_cli):
    result = run_cli("build", spec_file(GOOD), "--format", "xml")
    assert result.code == 2
    assert "invalid choice: 'xml'" in result.err


@pytest.mark.parametrize("good", [True, False])
def test_build_runs_with_the_collector_paused_and_turns_it_back_on(spec_file, monkeypatch, good):
    """`build` is one short pass: the cyclic collector is off while it runs (its start-up's
    objects live until exit) and on again afterwards, whether it succeeds or refuses."""
    import gc

    import wizard.cli.core as core
    from wizard.cli import main

    seen = []
    real = core.load_and_compose

    def watch(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "load_and_compose", watch)
    path = spec_file(GOOD if good else "function: f\nresources:\n  - {kind: nope, name: T}\n")
    assert gc.isenabled()
    assert main(["build", str(path)]) == (0 if good else 2)
    assert seen == [False] and gc.isenabled()
    assert main(["init", str(path.parent / "new.yaml")]) == 0 and gc.isenabled()


# --------------------------------------------------------------------------- init


def test_init_writes_a_spec_that_builds_cleanly(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("init")
    assert result.code == 0
    assert (tmp_path / "role.yaml").is_file()
    for fmt in ("json", "cloudformation", "cloudformation-json"):
        built = run_cli("build", "role.yaml", "--format", fmt)
        assert built.code == 0 and built.err == "", built.err


def test_init_refuses_to_overwrite_without_force(run_cli, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("function: keep-me\n")
    result = run_cli("init", path)
    assert result.code == 2
    assert result.err == f"role-wizard: {path}: already exists; pass --force to overwrite it\n"
    assert path.read_text() == "function: keep-me\n"


def test_init_force_overwrites(run_cli, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("function: keep-me\n")
    assert run_cli("init", path, "--force").code == 0
    assert "function: orders-api" in path.read_text()


# --------------------------------------------------------------------------- catalog


def test_catalog_kinds_lists_every_kind_with_its_profiles(run_cli):
    from wizard.catalog.kinds import catalog

    result = run_cli("catalog", "kinds")
    assert result.code == 0
    for name, kind in catalog().kinds.items():
        assert re.search(rf"^{re.escape(name)} +{re.escape(kind.title)}$", result.out, re.M)
        for profile in kind.profiles:
            assert re.search(rf"^ +[* ] {re.escape(profile)}: ", result.out, re.M)


def test_catalog_kinds_marks_the_default_profile(run_cli):
    out = run_cli("catalog", "kinds").out
    block = out.split("sqs-queue", 1)[1].split("\nsns-topic", 1)[0]
    assert "* send:" in block and "  consume:" in block


def test_catalog_kinds_json(run_cli):
    data = json.loads(run_cli("catalog", "kinds", "--format", "json").out)
    table = next(k for k in data if k["kind"] == "dynamodb-table")
    assert table["fields"] == ["name", "kms_key"]  # kms_key: an encrypted table's key
    assert set(table["profiles"]) == {"read", "write", "read-write"}


def test_catalog_kinds_prints_each_encryption_profile(run_cli):
    from wizard.catalog.kinds import catalog

    out = run_cli("catalog", "kinds").out
    blocks = dict(re.findall(r"^(\S+) +.*\n((?:^ .*\n)*)", out, re.M))
    for name, kind in catalog().kinds.items():
        lines = re.findall(r"^ +kms_key, (\S+): (.*)$", blocks[name], re.M)
        assert [p for p, _text in lines] == list(kind.encryption), name
    sqs = dict(re.findall(r"^ +kms_key, (\S+): (.*)$", blocks["sqs-queue"], re.M))
    assert (
        sqs["consume"]
        == "kms:Decrypt on the key when kms:ViaService = sqs.${KmsRegion}.${UrlSuffix}"
    )
    assert "kms:EncryptionContext:aws:sns:topicArn = ${arn}" in blocks["sns-topic"]
    data = json.loads(run_cli("catalog", "kinds", "--format", "json").out)
    stream = next(k for k in data if k["kind"] == "dynamodb-stream")
    (statement,) = stream["encryption"]["consume"]["statements"]
    assert statement["actions"] == ["kms:Decrypt"]
    assert statement["condition"]["StringEquals"]["kms:ViaService"] == [
        "dynamodb.${KmsRegion}.${UrlSuffix}"
    ]
    assert next(k for k in data if k["kind"] == "lambda-function")["encryption"] == {}


def test_catalog_actions_filters_by_level(run_cli):
    result = run_cli("catalog", "actions", "dynamodb", "--level", "Write", "--format", "json")
    rows = json.loads(result.out)
    names = {r["action"] for r in rows}
    assert {"dynamodb:PutItem", "dynamodb:DeleteTable"} <= names
    assert "dynamodb:GetItem" not in names
    # the reference joins some levels ("Tagging, Write"): each row is at least Write
    assert all("Write" in r["access_level"].split(", ") for r in rows)


def test_catalog_actions_filters_by_resource_type(run_cli):
    result = run_cli("catalog", "actions", "dynamodb", "--resource-type", "stream")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines and all("stream" in line.split("[", 1)[1].split("]")[0] for line in lines)
    assert any(line.startswith("dynamodb:GetRecords ") for line in lines)
    assert result.err == f"{len(lines)} actions\n"


def test_catalog_actions_unknown_service_is_refused(run_cli):
    result = run_cli("catalog", "actions", "nosuch")
    assert result.code == 2
    assert result.err == "role-wizard: unknown service 'nosuch' in the IAM reference\n"


def test_catalog_actions_unknown_resource_type_lists_the_types(run_cli):
    result = run_cli("catalog", "actions", "sqs", "--resource-type", "table")
    assert result.code == 2
    assert result.err == "role-wizard: sqs has no resource type 'table' (types: queue)\n"


# --------------------------------------------------------------------------- the command registry


def test_a_command_module_may_configure_the_top_level_parser(monkeypatch):
    import types

    import wizard.cli
    from wizard.cli import build_parser

    seen = []
    fake = types.ModuleType("fake_commands")

    def register(sub):
        sub.add_parser("fake").set_defaults(handler="fake-command")

    def configure(parser):  # after every module's register(), its own among the first
        seen.append((parser.prog, parser.parse_args(["plain"]).command))
        parser.set_defaults(fake_flag=True)

    fake.register, fake.configure = register, configure
    monkeypatch.setitem(sys.modules, "fake_commands", fake)
    modules = {"fake_commands": ("fake",), **wizard.cli.COMMAND_MODULES}
    monkeypatch.setattr(wizard.cli, "COMMAND_MODULES", modules)
    parser = build_parser()
    assert seen == [("role-wizard", "plain")]
    assert parser.parse_args([]).fake_flag is True
    assert parser.parse_args(["init"]).fake_flag is True
    assert parser.parse_args(["fake"]).handler == "fake-command"


def test_the_command_table_names_what_each_module_registers():
    """`COMMAND_MODULES` says which module registers which command, so that one command's run
    builds only its module's parser: it must match what the modules really register."""
    import importlib

    import wizard.cli

    for module, commands in wizard.cli.COMMAND_MODULES.items():
        parser = argparse.ArgumentParser()
        importlib.import_module(module).register(parser.add_subparsers())
        registered = tuple(parser._subparsers._group_actions[0].choices)
        assert registered == commands, module
    assert tuple(wizard.cli.build_parser()._subparsers._group_actions[0].choices) == tuple(
        wizard.cli.COMMANDS
    )


@pytest.mark.parametrize(
    ("words", "command"),
    [
        (["build", "role.yaml"], "build"),
        (["--demo", "apply", "role.yaml", "--yes"], "apply"),
        (["--profile", "build", "--region=eu-west-1", "discover", "s3-bucket"], "discover"),
        (["--region", "us-east-1", "--demo", "catalog", "kinds"], "catalog"),
        (["--help", "build"], None),
        (["--version"], None),
        (["--prof", "p", "build"], None),  # an abbreviation: the whole parser decides
        (["nonsense", "build"], None),
        (["--profile"], None),
    ],
)
def test_one_commands_run_builds_only_its_modules_parser(words, command):
    from wizard.cli import _command_word

    assert _command_word(words) == command


def test_a_command_parses_the_same_with_its_own_parser_or_the_whole_one():
    from wizard.cli import _command_word, build_parser

    for words in (
        ["--demo", "build", "r.yaml", "-f", "cloudformation", "--account", "123456789012"],
        ["--profile", "p", "apply", "r.yaml", "--yes"],
        ["can", "s3:GetObject", "--policy", "p.json"],
        ["--region", "eu-west-1", "discover", "dynamodb-table"],
    ):
        whole = vars(build_parser().parse_args(words))
        own = vars(build_parser(_command_word(words)).parse_args(words))
        assert own == whole


def test_no_command_opens_the_wizard_through_the_ui_modules_configure(monkeypatch):
    import argparse

    import wizard.cli.ui as ui
    from wizard.cli import main

    parser = argparse.ArgumentParser()
    ui.configure(parser)
    assert parser.parse_args([]).handler is ui.cmd_wizard
    opened = []
    monkeypatch.setattr(ui, "cmd_wizard", lambda args: opened.append(args.demo) or 0)
    assert main([]) == 0 and main(["--demo"]) == 0
    assert opened == [False, True]


def test_no_command_opens_the_wizard_without_building_every_commands_parser(monkeypatch):
    """`role-wizard [--demo]` goes straight to the wizard (its first frame comes sooner);
    anything else still parses the whole command line."""
    import wizard.cli as cli
    import wizard.cli.ui as ui

    def refuse(command=None):
        raise AssertionError("built the full parser")

    opened = []
    monkeypatch.setattr(ui, "cmd_wizard", lambda args: opened.append(args.demo) or 0)
    monkeypatch.setattr(cli, "build_parser", refuse)
    assert cli.main([]) == 0 and cli.main(["--demo", "--demo"]) == 0
    assert opened == [False, True]
    with pytest.raises(AssertionError, match="full parser"):
        cli.main(["--demo", "wizard"])


def test_profile_and_region_before_or_without_a_command(monkeypatch):
    """`role-wizard --profile P --region R` opens the wizard with them (as the README shows);
    before a command they reach it, and the command's own flags win."""
    import wizard.cli as cli
    import wizard.cli.discover as discover
    import wizard.cli.ui as ui

    seen = []

    def record(args):
        seen.append((getattr(args, "profile", None), getattr(args, "region", None)))
        return 0

    monkeypatch.setattr(ui, "cmd_wizard", record)
    monkeypatch.setattr(discover, "cmd_discover", record)
    assert cli.main(["--profile", "dev", "--region", "eu-west-1"]) == 0
    assert cli.main(["--demo", "--region", "eu-west-1"]) == 0
    assert cli.main(["--profile", "dev", "discover", "sqs-queue", "--region", "us-east-2"]) == 0
    assert seen == [("dev", "eu-west-1"), (None, "eu-west-1"), ("dev", "us-east-2")]


@pytest.mark.parametrize(
    ("given", "level"),
    [
        ("write", "Write"),
        ("WRITE", "Write"),
        ("permissions-management", "Permissions management"),
        ("permissions_management", "Permissions management"),
        ("tagging", "Tagging"),
    ],
)
def test_catalog_actions_level_in_any_case(run_cli, given, level):
    def names(word: str) -> list[str]:
        result = run_cli("catalog", "actions", "iam", "--level", word, "--format", "json")
        assert result.code == 0, result.err
        return [r["action"] for r in json.loads(result.out)]

    assert names(given) == names(level) != []


def test_catalog_actions_level_matches_the_references_joined_levels(run_cli):
    """The IAM reference files iam:AttachRolePolicy under "Permissions management, Write": it
    is a Permissions management action and a Write one."""
    for level in ("Permissions management", "Write"):
        result = run_cli("catalog", "actions", "iam", "--level", level, "--format", "json")
        assert "iam:AttachRolePolicy" in {r["action"] for r in json.loads(result.out)}


def test_catalog_actions_unknown_level_is_refused(run_cli):
    result = run_cli("catalog", "actions", "iam", "--level", "writes")
    assert one_line_error(result) and "invalid choice: 'writes'" in result.err


def test_every_commands_help_epilog_is_its_own():
    from wizard.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    epilogs = {name: p.epilog for name, p in commands.choices.items() if p.epilog}
    assert {"plan", "apply", "audit", "demo"} <= set(epilogs)
    assert len(set(epilogs.values())) == len(epilogs), "two commands share an epilog"
    assert "run apply again" not in epilogs["audit"] + epilogs["plan"]
    assert "ROLE_NAME" in epilogs["audit"]
