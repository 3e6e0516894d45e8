"""The role spec: loading with line numbers, defaults, and resolving resources."""

from __future__ import annotations

import pytest
import yaml

from wizard.errors import UserError
from wizard.spec import RoleSpec, load_spec, load_spec_text, parse_yaml, resolve_resources

ACC = "123456789012"


def resolve_one(entry: dict, **spec_fields) -> object:
    spec = RoleSpec.model_validate({"function": "fn", **spec_fields, "resources": [entry]})
    return resolve_resources(spec)[0]


def test_parse_yaml_records_the_line_of_every_value():
    _data, lines = parse_yaml("function: f\nresources:\n  - kind: sqs-queue\n    name: q\n")
    assert lines[("function",)] == 1
    assert lines[("resources", 0)] == 3
    assert lines[("resources", 0, "name")] == 4


def test_defaults_of_a_minimal_spec():
    spec, _ctx = load_spec_text("function: orders-api\n")
    assert (spec.partition, spec.boundary, spec.logs, spec.tracing, spec.vpc, spec.deployer) == (
        "aws",
        "envelope",
        True,
        False,
        False,
        True,
    )
    assert spec.role_name == "orders-api-role"
    assert spec.role.path == "/"


def test_default_role_name_stays_within_64_characters():
    spec = RoleSpec.model_validate({"function": "f" * 64})
    assert len(spec.role_name) == 64


def test_dump_leaves_defaults_out_and_loads_back_equal():
    text = f"function: fn\naccount: '{ACC}'\ntracing: true\nresources:\n  - {{kind: sqs-queue, name: q}}\n"
    spec, _ = load_spec_text(text)
    dumped = spec.dump()
    assert "boundary" not in dumped and dumped["tracing"] is True
    again, _ = load_spec_text(yaml.safe_dump(dumped))
    assert again == spec


def test_access_defaults_to_the_kinds_default_profile():
    assert resolve_one({"kind": "sqs-queue", "name": "q"}).access == "send"


def test_resource_by_arn_takes_its_name_account_and_region_from_the_arn():
    arn = f"arn:aws:dynamodb:eu-west-1:{ACC}:table/Legacy"
    resolved = resolve_one({"kind": "dynamodb-table", "arn": arn})
    assert resolved.arn == arn
    assert (resolved.values["name"], resolved.values["Region"], resolved.values["Account"]) == (
        "Legacy",
        "eu-west-1",
        ACC,
    )


def test_s3_arn_with_a_prefix_splits_into_bucket_and_prefix():
    resolved = resolve_one({"kind": "s3-prefix", "arn": "arn:aws:s3:::bkt/in/put/*"})
    assert (resolved.values["bucket"], resolved.values["prefix"]) == ("bkt", "in/put/")
    assert resolved.arn == "arn:aws:s3:::bkt"


def test_ssm_path_name_sets_the_path_flag():
    resolved = resolve_one({"kind": "ssm-parameter", "name": "/app/cfg/"})
    assert "path" in resolved.flags
    assert resolved.arn == "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/cfg"


def test_ssm_parameter_arn_gives_back_the_leading_slash_name():
    arn = f"arn:aws:ssm:us-east-1:{ACC}:parameter/app/url"
    assert resolve_one({"kind": "ssm-parameter", "arn": arn}).values["name"] == "/app/url"


def test_name_contradicting_the_arn_is_refused():
    arn = f"arn:aws:sqs:us-east-1:{ACC}:q1"
    with pytest.raises(UserError, match="name 'q2' contradicts the ARN's name 'q1'"):
        resolve_one({"kind": "sqs-queue", "arn": arn, "name": "q2"})


def test_arn_without_account_is_refused_for_a_regional_kind():
    with pytest.raises(UserError, match="has no account"):
        resolve_one({"kind": "sqs-queue", "arn": "arn:aws:sqs:us-east-1::q"})


def test_tags_are_validated():
    with pytest.raises(ValueError, match="must be 1-128 characters and not start with aws:"):
        RoleSpec.model_validate({"function": "f", "role": {"tags": {"aws:x": "1"}}})


def test_tag_values_are_text_and_an_empty_one_is_empty_text():
    spec = RoleSpec.model_validate({"function": "f", "role": {"tags": {"n": "1", "e": None}}})
    assert spec.role.tags == {"n": "1", "e": ""}


def test_boundary_accepts_a_policy_arn():
    arn = f"arn:aws:iam::{ACC}:policy/team/boundary"
    assert RoleSpec.model_validate({"function": "f", "boundary": arn}).boundary == arn


def test_load_spec_reads_a_file(spec_file):
    spec, ctx = load_spec(spec_file("function: fn\nregion: eu-west-1\n"))
    assert spec.region == "eu-west-1"
    assert ctx.where(("region",)).endswith("role.yaml:2")


def test_yaml_aliases_are_plain_values(spec_file):
    text = "function: fn\nx: &q {kind: sqs-queue, name: q}\n"
    with pytest.raises(UserError, match="unknown field 'x'"):
        load_spec(spec_file(text))


def test_non_text_key_is_refused():
    with pytest.raises(UserError, match="a key must be text"):
        load_spec_text("function: fn\n? [a, b]\n: 1\n", "role.yaml")


# --------------------------------------------------------------------------- policy variables

# IAM reads ``${...}`` in a resource or condition value as a policy variable: a name holding one
# would grant whatever the variable expands to, not the name written.
INJECTIONS = [
    (
        'resources:\n  - kind: s3-prefix\n    bucket: bkt\n    prefix: "in/${aws:PrincipalTag/team}/"\n',
        5,
        "resources[0].prefix: prefix 'in/${aws:PrincipalTag/team}/' contains '${'",
    ),
    (
        'resources:\n  - {kind: s3-prefix, arn: "arn:aws:s3:::bkt/${aws:username}/*"}\n',
        3,
        "resources[0].arn: 'arn:aws:s3:::bkt/${aws:username}/*' contains '${'",
    ),
    (
        'resources:\n  - {kind: dynamodb-table, name: "a${aws:username}"}\n',
        3,
        "resources[0].name: name 'a${aws:username}' contains '${'",
    ),
    (
        'role:\n  path: "/${aws:username}/"\n',
        3,
        "role.path: role path '/${aws:username}/' contains '${'",
    ),
]


@pytest.mark.parametrize(
    ("body", "line", "message"), INJECTIONS, ids=["prefix", "s3-arn", "table-name", "role-path"]
)
def test_a_name_holding_a_policy_variable_is_refused_at_its_line(spec_file, body, line, message):
    path = spec_file("function: fn\n" + body)
    with pytest.raises(UserError) as caught:
        load_spec(path)
    assert caught.value.where == f"{path}:{line}"
    assert caught.value.detail.startswith(message)
    assert caught.value.detail.endswith(
        "which a policy would read as an IAM policy variable, widening the grant"
    )


def test_a_policy_variable_in_a_prefix_is_one_line_and_exit_2(spec_file, run_cli):
    path = spec_file(
        'function: fn\nresources:\n  - {kind: s3-prefix, bucket: bkt, prefix: "${aws:userid}/"}\n'
    )
    result = run_cli("build", path)
    assert (result.code, result.out, result.err.count("\n")) == (2, "", 1)
    assert result.err.startswith(f"role-wizard: {path}:3: resources[0].prefix: ")
    # a $ or a brace alone is no policy variable: such a key is granted by name
    path.write_text(
        'function: fn\nresources:\n  - {kind: s3-prefix, bucket: bkt, prefix: "cost$/{q}/"}\n'
    )
    result = run_cli("build", path, "--account", ACC, "--region", "us-east-1")
    assert result.code == 0, result.err
    assert "arn:aws:s3:::bkt/cost$/{q}/*" in result.out
