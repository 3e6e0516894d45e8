"""The role spec: loading with line numbers, defaults, and resolving resources."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from wizard.errors import UserError
from wizard.spec import (
    BOUNDARY_CHOICES,
    ResourceEntry,
    RoleOptions,
    RoleSpec,
    boundary_key,
    fill_location,
    load_spec,
    load_spec_text,
    needs_quotes,
    parse_yaml,
    resolve_resources,
)

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


# --------------------------------------------------------------------------- to_yaml

# Text a YAML 1.1 or 1.2 reader would take for another type: numbers (leading zeros, octal,
# hex, binary, exponents, sexagesimal), booleans, nulls, dates, special floats.
AMBIGUOUS = [
    "012345678901",
    "012",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1e3",
    "1E-3",
    "1.5",
    ".5",
    "-12",
    "+12",
    "1:20",
    "190:20:30",
    ".inf",
    "-.Inf",
    ".NaN",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "",
    "2024-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "=",
    "<<",
]
# The YAML 1.2 core schema's implicit types (YAML 1.2.2, section 10.3.2), as a 1.2 reader sees
# plain scalars: a value written plain must resolve to text there too.
CORE_12 = [
    r"null|Null|NULL|~|",
    r"true|True|TRUE|false|False|FALSE",
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)",
]


def core_12_type(text: str) -> bool:
    return any(re.fullmatch(rx, text) for rx in CORE_12)


def plain_scalars(text: str):
    """Every text scalar (PyYAML reads it as text) written without quotes in ``text``."""
    stack = [yaml.compose(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.style is None and node.tag == "tag:yaml.org,2002:str":
                yield node.value
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        else:
            stack.extend(node.value)


@pytest.mark.parametrize("value", AMBIGUOUS)
def test_text_a_yaml_reader_would_retype_is_quoted(value):
    assert needs_quotes(value)
    try:
        options = RoleOptions(tags={value or "k": value})
    except ValidationError:  # outside IAM's tag characters: a description holds it
        options = RoleOptions(description=value)
    spec = RoleSpec(function="fn", role=options)
    text = spec.to_yaml()
    assert value not in set(plain_scalars(text))
    assert load_spec_text(text)[0] == spec


def test_the_account_is_always_a_double_quoted_string():
    text = RoleSpec(function="fn", account="012345678901").to_yaml()
    assert 'account: "012345678901"' in text.splitlines()
    assert yaml.safe_load(text)["account"] == "012345678901"


_names = st.one_of(
    st.sampled_from([a for a in AMBIGUOUS if re.fullmatch(r"[A-Za-z0-9_.-]{3,255}", a)]),
    st.from_regex(r"\A[A-Za-z0-9_.-]{3,20}\Z"),
)
# What IAM takes (the spec model refuses the rest): descriptions in U+0020-U+007E and
# U+00A1-U+00FF; tags in letters, digits, spaces and _ . : / = + - @.
_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF).filter(
        lambda c: not 0x7F <= ord(c) <= 0xA0
    ),
    max_size=40,
)
_tag_text = st.text(
    st.characters(categories=("L", "N", "Zs"), include_characters="_.:/=+-@"), max_size=40
)
_tag_keys = st.one_of(
    st.sampled_from([a for a in AMBIGUOUS if re.fullmatch(r"[\w .:/=+@-]+", a)]), _tag_text
).filter(lambda k: 1 <= len(k) <= 128 and not k.lower().startswith("aws:"))
_entries = st.one_of(
    st.builds(lambda n: ResourceEntry(kind="dynamodb-table", name=n), _names),
    st.builds(
        lambda n, a: ResourceEntry(kind="sqs-queue", name=n[:80], access=a),
        _names.filter(lambda n: re.fullmatch(r"[A-Za-z0-9_-]+", n)),
        st.sampled_from([None, "send", "consume"]),
    ),
    st.builds(
        lambda p: ResourceEntry(kind="s3-prefix", bucket="uploads", prefix=p),
        st.sampled_from(["", "012/", "yes/", "1e3", "in coming/", "null"]),
    ),
    st.builds(
        lambda n: ResourceEntry(kind="ssm-parameter", name=n),
        st.sampled_from(["/012", "yes", "/app/", "1e3"]),
    ),
)


@given(
    function=st.from_regex(r"\A[A-Za-z0-9_-]{1,20}\Z"),
    account=st.one_of(st.none(), st.from_regex(r"\A[0-9]{12}\Z")),
    region=st.sampled_from([None, "us-east-1", "eu-west-2"]),
    description=st.one_of(st.none(), _text),
    tags=st.dictionaries(_tag_keys, _tag_text, max_size=4),
    boundary=st.sampled_from(["envelope", "strict", "none", "arn"]),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    resources=st.lists(_entries, max_size=4),
)
@settings(max_examples=150, deadline=None)
def test_to_yaml_round_trips_every_spec(
    function, account, region, description, tags, boundary, flags, resources
):
    logs, tracing, vpc, deployer = flags
    if boundary == "arn":  # an existing boundary policy in the role's own account
        boundary = f"arn:aws:iam::{account or '012345678901'}:policy/012"
    spec = RoleSpec(
        function=function,
        account=account,
        region=region,
        role=RoleOptions(description=description, tags=tags),
        boundary=boundary,
        logs=logs,
        tracing=tracing,
        vpc=vpc,
        deployer=deployer,
        resources=resources,
    )
    text = spec.to_yaml()
    assert load_spec_text(text)[0] == spec
    assert not any(core_12_type(s) for s in plain_scalars(text))


def test_to_yaml_keeps_the_spec_files_key_order():
    text = RoleSpec(
        function="fn", account=ACC, region="us-east-1", tracing=True, boundary="strict"
    ).to_yaml()
    keys = [line.split(":")[0] for line in text.splitlines()]
    assert keys == ["function", "account", "region", "boundary", "tracing"]


# --------------------------------------------------------------------------- fill_location


def test_fill_location_fills_open_values_and_keeps_the_spec():
    spec = RoleSpec(function="fn")
    filled = fill_location(
        spec, account=ACC, region="eu-west-1", partition="aws-cn", source="the AWS session"
    )
    assert (filled.account, filled.region, filled.partition) == (ACC, "eu-west-1", "aws-cn")
    assert (spec.account, spec.region, spec.partition) == (None, None, "aws")
    same = RoleSpec(function="fn", account=ACC)
    assert fill_location(same, account=ACC, source="--account") is same


@pytest.mark.parametrize(
    ("given", "kwargs", "message"),
    [
        ({"account": ACC}, {"account": "210987654321", "source": "--account"},
         "--account 210987654321 contradicts the spec's account 123456789012"),
        ({"region": "us-east-1"}, {"region": "eu-west-1", "source": "--region"},
         "--region eu-west-1 contradicts the spec's region us-east-1"),
        ({"account": ACC}, {"account": "210987654321", "source": "the AWS session"},
         "account 210987654321 from the AWS session contradicts the spec's account 123456789012"),
        ({"partition": "aws"}, {"partition": "aws-cn", "source": "the AWS session"},
         "partition aws-cn from the AWS session contradicts the spec's partition aws"),
        ({}, {"account": "12", "source": "--account"}, "--account '12' must be 12 digits"),
        ({}, {"region": "Mars", "source": "the AWS session"},
         "region 'Mars' from the AWS session is not an AWS region name such as us-east-1"),
        ({}, {"partition": "aws-xx", "source": "--partition"},
         "--partition 'aws-xx' is not one of aws, aws-cn, aws-us-gov"),
    ],
)  # fmt: skip
def test_fill_location_refuses_a_contradiction_or_a_bad_value(given, kwargs, message):
    with pytest.raises(UserError) as caught:
        fill_location(RoleSpec(function="fn", **given), **kwargs)
    assert caught.value.detail == message


def test_a_sessions_region_fills_an_open_region_only():
    spec = RoleSpec(function="fn", region="us-east-1")
    kept = fill_location(spec, region="eu-west-1", source="the AWS session", region_is_default=True)
    assert kept.region == "us-east-1"
    opened = fill_location(
        RoleSpec(function="fn"), region="eu-west-1", source="s", region_is_default=True
    )
    assert opened.region == "eu-west-1"


def test_fill_location_names_the_specs_line():
    spec, ctx = load_spec_text(f"function: fn\naccount: '{ACC}'\n", "role.yaml")
    with pytest.raises(UserError) as caught:
        fill_location(spec, account="210987654321", source="--account", ctx=ctx)
    assert str(caught.value).startswith("role.yaml:2: ")


# --------------------------------------------------------------------------- boundaries


def test_boundary_choices_cover_what_the_spec_accepts():
    keys = [b.key for b in BOUNDARY_CHOICES]
    assert keys == ["envelope", "strict", "none", "arn"]
    for key in keys[:-1]:
        assert RoleSpec(function="fn", boundary=key).boundary == key
        assert boundary_key(key) == key
    assert boundary_key("arn:aws:iam::123456789012:policy/b") == "arn"
    assert all(b.title and b.description.endswith(".") for b in BOUNDARY_CHOICES)
