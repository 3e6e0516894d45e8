"""Condition operators, from the IAM User Guide's "Condition operators" and
"Single-valued vs. multivalued context keys" pages.

Each test puts one Condition block on an Allow-everything statement and asks
whether the request is allowed, i.e. whether the condition holds.
"""

from __future__ import annotations

from typing import Any

import pytest

from wizard.errors import UserError
from wizard.policy.evaluate import Evaluator


def holds(condition: dict[str, Any], context: dict[str, Any] | None = None, **kw: Any) -> bool:
    version = kw.get("version", "2012-10-17")
    doc: dict[str, Any] = {
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}]
    }
    if version is not None:
        doc["Version"] = version
    return Evaluator([doc]).evaluate("s3:GetObject", "*", context).allowed


# --------------------------------------------------------------------------- string


def test_string_equals_is_case_sensitive() -> None:
    cond = {"StringEquals": {"aws:username": "john"}}
    assert holds(cond, {"aws:username": "john"})
    assert not holds(cond, {"aws:username": "John"})


def test_values_of_one_key_are_ored() -> None:
    cond = {"StringEquals": {"aws:username": ["ann", "bob"]}}
    assert holds(cond, {"aws:username": "bob"})
    assert not holds(cond, {"aws:username": "cat"})


def test_keys_of_one_operator_are_anded() -> None:
    cond = {"StringEquals": {"aws:username": "bob", "aws:PrincipalTag/team": "red"}}
    assert holds(cond, {"aws:username": "bob", "aws:PrincipalTag/team": "red"})
    assert not holds(cond, {"aws:username": "bob", "aws:PrincipalTag/team": "blue"})


def test_operators_of_one_block_are_anded() -> None:
    cond = {"StringEquals": {"aws:username": "bob"}, "Bool": {"aws:SecureTransport": "true"}}
    assert holds(cond, {"aws:username": "bob", "aws:SecureTransport": "true"})
    assert not holds(cond, {"aws:username": "bob", "aws:SecureTransport": "false"})


def test_condition_key_names_are_case_insensitive() -> None:
    assert holds({"StringEquals": {"AWS:SourceVPC": "vpc-1"}}, {"aws:sourcevpc": "vpc-1"})


def test_missing_key_makes_a_positive_operator_false() -> None:
    assert not holds({"StringEquals": {"aws:username": "bob"}}, {})


def test_string_not_equals_requires_no_value_to_match() -> None:
    cond = {"StringNotEquals": {"aws:username": ["ann", "bob"]}}
    assert holds(cond, {"aws:username": "cat"})
    assert not holds(cond, {"aws:username": "bob"})


def test_negated_operator_holds_when_key_is_missing() -> None:
    assert holds({"StringNotEquals": {"aws:username": "bob"}}, {})
    assert holds({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}, {})


def test_string_equals_ignore_case() -> None:
    cond = {"StringEqualsIgnoreCase": {"aws:username": "John"}}
    assert holds(cond, {"aws:username": "jOHN"})
    assert not holds(cond, {"aws:username": "johnny"})


def test_string_not_equals_ignore_case() -> None:
    cond = {"StringNotEqualsIgnoreCase": {"aws:username": "John"}}
    assert not holds(cond, {"aws:username": "JOHN"})
    assert holds(cond, {"aws:username": "jane"})


def test_string_like_star_matches_any_run() -> None:
    cond = {"StringLike": {"s3:prefix": "home/*"}}
    assert holds(cond, {"s3:prefix": "home/bob/docs"})
    assert not holds(cond, {"s3:prefix": "house/bob"})


def test_string_like_question_mark_matches_exactly_one_character() -> None:
    cond = {"StringLike": {"s3:prefix": "v?"}}
    assert holds(cond, {"s3:prefix": "v1"})
    assert not holds(cond, {"s3:prefix": "v"})
    assert not holds(cond, {"s3:prefix": "v10"})


def test_string_like_is_case_sensitive() -> None:
    assert not holds({"StringLike": {"s3:prefix": "Home/*"}}, {"s3:prefix": "home/x"})


def test_string_like_treats_regex_characters_literally() -> None:
    cond = {"StringLike": {"s3:prefix": "a.b+(c)"}}
    assert holds(cond, {"s3:prefix": "a.b+(c)"})
    assert not holds(cond, {"s3:prefix": "axb+(c)"})


def test_string_not_like() -> None:
    cond = {"StringNotLike": {"s3:prefix": ["tmp/*", "cache/*"]}}
    assert holds(cond, {"s3:prefix": "home/x"})
    assert not holds(cond, {"s3:prefix": "cache/x"})


def test_if_exists_holds_when_key_missing() -> None:
    assert holds({"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}}, {})


def test_if_exists_still_tests_a_present_key() -> None:
    cond = {"StringEqualsIfExists": {"ec2:InstanceType": "t3.micro"}}
    assert holds(cond, {"ec2:InstanceType": "t3.micro"})
    assert not holds(cond, {"ec2:InstanceType": "m5.large"})


def test_json_numbers_and_booleans_are_compared_as_strings() -> None:
    assert holds({"StringEquals": {"k:n": 5}}, {"k:n": "5"})
    assert holds({"Bool": {"aws:SecureTransport": True}}, {"aws:SecureTransport": "true"})
    assert holds({"StringEquals": {"k:n": "5"}}, {"k:n": 5})


# --------------------------------------------------------------------------- numeric


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("NumericEquals", "10", "10.0", True),
        ("NumericEquals", "10", "11", False),
        ("NumericNotEquals", "10", "11", True),
        ("NumericNotEquals", "10", "10", False),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericGreaterThan", "10", "10", False),
        ("NumericGreaterThan", "10", "10.5", True),
        ("NumericGreaterThanEquals", "10", "10", True),
        ("NumericGreaterThanEquals", "10", "-3", False),
    ],
)
def test_numeric_operators(operator: str, policy: str, request_value: str, expected: bool) -> None:
    assert holds({operator: {"s3:max-keys": policy}}, {"s3:max-keys": request_value}) is expected


def test_numeric_with_non_numeric_request_value_does_not_match() -> None:
    assert not holds({"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "ten"})


@pytest.mark.parametrize("text", ["1_000", "inf", "-Infinity", "nan", "0x10", "1e400", "", "10 10"])
def test_numeric_values_are_decimal_numbers_not_python_literals(text: str) -> None:
    # Python's float() takes these; an IAM number is a decimal number.
    assert not holds({"NumericGreaterThan": {"s3:max-keys": "-1"}}, {"s3:max-keys": text})
    assert not holds({"NumericLessThan": {"s3:max-keys": text}}, {"s3:max-keys": "5"})


@pytest.mark.parametrize("text", ["10", "10.0", "+10", " 10", "1e1", "10."])
def test_numeric_values_in_decimal_notation(text: str) -> None:
    assert holds({"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": text})


def test_numeric_if_exists_holds_when_key_missing() -> None:
    assert holds({"NumericLessThanIfExists": {"s3:max-keys": "10"}}, {})
    assert not holds({"NumericLessThan": {"s3:max-keys": "10"}}, {})


def test_unusable_numeric_policy_value_never_matches_and_is_reported() -> None:
    ev = Evaluator(
        [
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "*",
                        "Resource": "*",
                        "Condition": {"NumericEquals": {"s3:max-keys": "ten"}},
                    }
                ]
            }
        ]
    )
    result = ev.evaluate("s3:ListBucket", "*", {"s3:max-keys": "ten"})
    assert not result.allowed
    assert any("ten" in w for w in result.warnings)


# --------------------------------------------------------------------------- date


def test_date_less_than_iso8601() -> None:
    cond = {"DateLessThan": {"aws:CurrentTime": "2020-06-30T00:00:00Z"}}
    assert holds(cond, {"aws:CurrentTime": "2020-06-29T23:59:59Z"})
    assert not holds(cond, {"aws:CurrentTime": "2020-06-30T00:00:01Z"})


def test_date_policy_value_in_epoch_seconds() -> None:
    # 1593475200 == 2020-06-30T00:00:00Z
    cond = {"DateGreaterThan": {"aws:CurrentTime": "1593475200"}}
    assert holds(cond, {"aws:CurrentTime": "2020-06-30T00:00:01Z"})
    assert not holds(cond, {"aws:CurrentTime": "2020-06-29T00:00:00Z"})


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2020-01-01", "2020-01-01T00:00:00Z"),
        ("2020-06", "2020-06-01T00:00:00Z"),
        ("2020-06-30T10:20+02:00", "2020-06-30T08:20:00Z"),
        ("2020-06-30T10:20:30.25Z", "2020-06-30T10:20:30.250Z"),
        ("2020-06-30t10:20:30z", "2020-06-30T10:20:30Z"),
    ],
)
def test_date_values_in_every_w3c_iso8601_format(value: str, instant: str) -> None:
    # "Condition operators", Date: values are in "one of the W3C implementations of the ISO
    # 8601 date formats" (YYYY, YYYY-MM, YYYY-MM-DD, then hh:mm, hh:mm:ss or hh:mm:ss.s with
    # a time zone); RFC 3339 also lets t and z be lower case.
    assert holds({"DateEquals": {"aws:CurrentTime": value}}, {"aws:CurrentTime": instant})


@pytest.mark.parametrize("value", ["20200630T000000Z", "2020-182", "2020-W27", "June 30, 2020"])
def test_date_formats_outside_the_w3c_profile_are_not_dates(value: str) -> None:
    cond = {"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}
    assert not holds(cond, {"aws:CurrentTime": value})
    assert holds(cond, {"aws:CurrentTime": "2020-06-30T00:00:00Z"})


def test_date_value_of_digits_only_is_epoch_seconds_not_a_year() -> None:
    cond = {"DateLessThan": {"aws:CurrentTime": "2020"}}  # 1970-01-01T00:33:40Z
    assert holds(cond, {"aws:CurrentTime": "1970-01-01T00:30:00Z"})
    assert not holds(cond, {"aws:CurrentTime": "2019-12-31T00:00:00Z"})


def test_date_request_value_in_epoch_seconds() -> None:
    cond = {"DateLessThanEquals": {"aws:EpochTime": "2020-06-30T00:00:00Z"}}
    assert holds(cond, {"aws:EpochTime": "1593475200"})
    assert not holds(cond, {"aws:EpochTime": "1593475201"})


def test_date_equals_compares_instants_across_time_zones() -> None:
    cond = {"DateEquals": {"aws:CurrentTime": "2020-06-30T02:00:00+02:00"}}
    assert holds(cond, {"aws:CurrentTime": "2020-06-30T00:00:00Z"})


def test_date_only_value_is_midnight_utc() -> None:
    cond = {"DateGreaterThanEquals": {"aws:CurrentTime": "2020-06-30"}}
    assert holds(cond, {"aws:CurrentTime": "2020-06-30T00:00:00Z"})
    assert not holds(cond, {"aws:CurrentTime": "2020-06-29T23:59:59Z"})


def test_date_not_equals() -> None:
    cond = {"DateNotEquals": {"aws:CurrentTime": "2020-06-30T00:00:00Z"}}
    assert holds(cond, {"aws:CurrentTime": "2021-01-01T00:00:00Z"})
    assert not holds(cond, {"aws:CurrentTime": "1593475200"})


# --------------------------------------------------------------------------- bool / binary


def test_bool_matches_case_insensitively() -> None:
    assert holds({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "True"})
    assert not holds({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "false"})


def test_bool_is_false_when_key_missing_but_bool_if_exists_is_true() -> None:
    assert not holds({"Bool": {"aws:MultiFactorAuthPresent": "false"}}, {})
    assert holds({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {})


def test_binary_equals_compares_base64_values() -> None:
    cond = {"BinaryEquals": {"k:blob": "QmluYXJ5VmFsdWU="}}
    assert holds(cond, {"k:blob": "QmluYXJ5VmFsdWU="})
    assert not holds(cond, {"k:blob": "T3RoZXI="})


# --------------------------------------------------------------------------- ip


def test_ip_address_cidr_v4() -> None:
    cond = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    assert holds(cond, {"aws:SourceIp": "203.0.113.7"})
    assert not holds(cond, {"aws:SourceIp": "203.0.114.7"})


def test_ip_address_cidr_v6() -> None:
    cond = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
    assert holds(cond, {"aws:SourceIp": "2001:db8:1234:5678::1"})
    assert not holds(cond, {"aws:SourceIp": "2001:db8:1234:5679::1"})


def test_ipv4_address_is_not_in_an_ipv6_range() -> None:
    assert not holds({"IpAddress": {"aws:SourceIp": "::/0"}}, {"aws:SourceIp": "10.0.0.1"})


def test_single_address_policy_value_is_a_host_range() -> None:
    assert holds({"IpAddress": {"aws:SourceIp": "10.1.2.3"}}, {"aws:SourceIp": "10.1.2.3"})


def test_not_ip_address() -> None:
    cond = {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}
    assert holds(cond, {"aws:SourceIp": "198.51.100.1"})
    assert not holds(cond, {"aws:SourceIp": "192.0.2.9"})
    assert holds(cond, {})


# --------------------------------------------------------------------------- arn


def test_arn_like_wildcard_within_segment() -> None:
    cond = {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket-*"}}
    assert holds(cond, {"aws:SourceArn": "arn:aws:s3:::bucket-logs"})
    assert not holds(cond, {"aws:SourceArn": "arn:aws:s3:::other"})


def test_arn_like_wildcard_does_not_cross_segments() -> None:
    cond = {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:topic"}}
    assert holds(cond, {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"})
    # "*" stands for the region only, so the account segment must be 111122223333.
    assert not holds(cond, {"aws:SourceArn": "arn:aws:sns:us-east-1:999:111122223333:topic"})


def test_arn_equals_accepts_wildcards_like_arn_like() -> None:
    cond = {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:*:topic"}}
    assert holds(cond, {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"})


def test_arn_not_like() -> None:
    cond = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}}
    assert holds(cond, {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/dev"})
    assert not holds(cond, {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin-x"})


def test_arn_like_does_not_match_a_non_arn() -> None:
    assert not holds({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}, {"aws:SourceArn": "bucket"})


@pytest.mark.parametrize("value", ["*", "arn:*", "arn:aws:lambda:*", "arn:aws:lambda:us-east-1:*"])
def test_arn_value_with_fewer_than_six_parts_matches_no_arn(value: str) -> None:
    # "Condition operators", ARN: "Each of the six colon-delimited components of the ARN is
    # checked separately", so a value with fewer parts cannot line up with an ARN; the
    # negated operators then hold.  (StringLike is the operator for a plain wildcard.)
    arn = {"aws:SourceArn": "arn:aws:lambda:us-east-1:111122223333:function:fn"}
    assert not holds({"ArnLike": {"aws:SourceArn": value}}, arn)
    assert not holds({"ArnEquals": {"aws:SourceArn": value}}, arn)
    assert holds({"ArnNotLike": {"aws:SourceArn": value}}, arn)
    assert holds({"StringLike": {"aws:SourceArn": value}}, arn)


def test_arn_value_with_fewer_than_six_parts_is_reported() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": ["arn:aws:sqs:*", "${aws:PrincipalTag/arn}"]}
                },
            }
        ],
    }
    warnings = Evaluator([doc]).warnings
    assert len(warnings) == 1 and "'arn:aws:sqs:*'" in warnings[0]
    assert "PrincipalTag" not in warnings[0]
    # a variable may hold a whole ARN
    arn = "arn:aws:sqs:us-east-1:1:q"
    ctx = {"aws:SourceArn": arn, "aws:PrincipalTag/arn": arn}
    assert Evaluator([doc]).evaluate("s3:GetObject", "*", ctx).allowed


def test_arn_value_with_six_parts_and_a_star_in_the_last_one_matches() -> None:
    cond = {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:*:*:*"}}
    assert holds(cond, {"aws:SourceArn": "arn:aws:lambda:us-east-1:111122223333:function:fn:1"})


# --------------------------------------------------------------------------- null


def test_null_true_holds_when_key_missing() -> None:
    assert holds({"Null": {"aws:TokenIssueTime": "true"}}, {})
    assert not holds({"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "x"})


def test_null_false_holds_when_key_present() -> None:
    assert holds({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "x"})
    assert not holds({"Null": {"aws:TokenIssueTime": "false"}}, {})


def test_empty_list_counts_as_missing_for_null() -> None:
    assert holds({"Null": {"aws:TagKeys": "true"}}, {"aws:TagKeys": []})


def test_null_if_exists_is_reported_and_never_matches() -> None:
    ev = Evaluator(
        [
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "*",
                        "Resource": "*",
                        "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}},
                    }
                ]
            }
        ]
    )
    result = ev.evaluate("s3:GetObject", "*")
    assert not result.allowed
    assert result.warnings and "NullIfExists" in result.warnings[0]


# --------------------------------------------------------------------------- set operators

# The IAM User Guide's ForAllValues:StringNotLike example ("key1*" on aws:TagKeys).
_FORALL_NOT_LIKE = {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}


@pytest.mark.parametrize(
    ("tag_keys", "expected"),
    [
        (["key1:legal"], False),
        (["key1:hr", "key1:personnel"], False),
        (["key2:audit"], True),
        (None, True),
    ],
)
def test_for_all_values_string_not_like_user_guide_table(
    tag_keys: list[str] | None, expected: bool
) -> None:
    context = {} if tag_keys is None else {"aws:TagKeys": tag_keys}
    assert holds(_FORALL_NOT_LIKE, context) is expected


def test_for_all_values_needs_every_request_value_in_the_policy_set() -> None:
    cond = {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}
    assert holds(cond, {"aws:TagKeys": ["env", "team"]})
    assert holds(cond, {"aws:TagKeys": ["env"]})
    assert not holds(cond, {"aws:TagKeys": ["env", "cost"]})


def test_for_all_values_holds_for_missing_or_empty_key() -> None:
    cond = {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}
    assert holds(cond, {})
    assert holds(cond, {"aws:TagKeys": []})


def test_for_any_value_needs_one_request_value_in_the_policy_set() -> None:
    cond = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}}
    assert holds(cond, {"aws:TagKeys": ["cost", "team"]})
    assert not holds(cond, {"aws:TagKeys": ["cost", "owner"]})


def test_for_any_value_is_false_for_missing_key() -> None:
    assert not holds({"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}}, {})
    assert not holds({"ForAnyValue:StringNotEquals": {"aws:TagKeys": "env"}}, {})


def test_for_any_value_negated_needs_one_value_outside_the_policy_set() -> None:
    cond = {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env", "team"]}}
    assert holds(cond, {"aws:TagKeys": ["env", "cost"]})
    assert not holds(cond, {"aws:TagKeys": ["env", "team"]})


def test_for_any_value_if_exists_is_false_for_missing_or_empty_key() -> None:
    # "Set operators for multivalued context keys": ForAnyValue returns false when the key
    # is not in the request (or resolves to an empty data set); the set-operator rule wins
    # over ...IfExists (an AWS re:Post answer confirms IAM denies a ForAnyValue:
    # StringEqualsIfExists Allow when aws:TagKeys is absent).  ForAllValues stays true.
    assert not holds({"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "env*"}}, {})
    assert not holds(
        {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "env*"}}, {"aws:TagKeys": []}
    )
    assert not holds({"ForAnyValue:StringNotEqualsIfExists": {"aws:TagKeys": "env"}}, {})
    assert holds(
        {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "env*"}}, {"aws:TagKeys": ["envx"]}
    )
    assert holds({"ForAllValues:StringLikeIfExists": {"aws:TagKeys": "env*"}}, {})


def test_set_prefix_works_with_numeric_and_ip_families() -> None:
    assert holds({"ForAllValues:NumericLessThan": {"k:n": "10"}}, {"k:n": ["1", "9"]})
    assert not holds({"ForAllValues:NumericLessThan": {"k:n": "10"}}, {"k:n": ["1", "19"]})
    assert holds(
        {"ForAnyValue:IpAddress": {"k:ips": "10.0.0.0/8"}}, {"k:ips": ["1.1.1.1", "10.2.3.4"]}
    )


def test_multivalued_key_without_set_prefix_matches_if_any_value_matches() -> None:
    assert holds({"StringEquals": {"aws:TagKeys": "env"}}, {"aws:TagKeys": ["cost", "env"]})


# --------------------------------------------------------------------------- unknown / malformed


def test_unknown_operator_never_matches_and_is_reported() -> None:
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEqualz": {"aws:username": "bob"}},
            }
        ]
    }
    ev = Evaluator([doc])
    result = ev.evaluate("s3:GetObject", "*", {"aws:username": "bob"})
    assert not result.allowed
    assert any("StringEqualz" in w for w in result.warnings)
    assert any("StringEqualz" in w for w in ev.warnings)


def test_unknown_set_prefix_never_matches() -> None:
    assert not holds({"ForSomeValues:StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": "a"})


def test_deny_with_unknown_operator_does_not_deny() -> None:
    doc = {
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"Bogus": {"aws:username": "bob"}},
            },
        ]
    }
    assert Evaluator([doc]).evaluate("s3:GetObject", "*", {"aws:username": "bob"}).allowed


def test_condition_value_object_raises_user_error_with_escaped_pointer() -> None:
    cond = {"StringEquals": {"aws:PrincipalTag/team": {"x": 1}}}
    with pytest.raises(UserError) as err:
        holds(cond, {})
    assert "/Statement/0/Condition/StringEquals/aws:PrincipalTag~1team" in str(err.value)


def test_operator_block_must_be_an_object() -> None:
    with pytest.raises(UserError, match="/Statement/0/Condition/StringEquals"):
        holds({"StringEquals": "bob"}, {})


# --------------------------------------------------------------------------- variables in values


def test_variable_in_string_equals_value() -> None:
    cond = {"StringEquals": {"s3:prefix": "home/${aws:username}"}}
    assert holds(cond, {"s3:prefix": "home/bob", "aws:username": "bob"})
    assert not holds(cond, {"s3:prefix": "home/bob", "aws:username": "ann"})


def test_variable_in_string_like_value_is_literal_and_rest_is_a_pattern() -> None:
    cond = {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}
    assert holds(cond, {"s3:prefix": "home/b.b/x", "aws:username": "b.b"})
    # the username "*" must not act as a wildcard
    assert not holds(cond, {"s3:prefix": "home/bob/x", "aws:username": "*"})


def test_star_variable_is_a_literal_star_in_string_like() -> None:
    cond = {"StringLike": {"s3:prefix": "a${*}"}}
    assert holds(cond, {"s3:prefix": "a*"})
    assert not holds(cond, {"s3:prefix": "ab"})


def test_question_and_dollar_variables_are_literal() -> None:
    cond = {"StringLike": {"k:v": "what${?}${$}"}}
    assert holds(cond, {"k:v": "what?$"})
    assert not holds(cond, {"k:v": "whatx$"})


def test_unresolvable_variable_value_matches_nothing() -> None:
    cond = {"StringEquals": {"s3:prefix": "${aws:username}"}}
    assert not holds(cond, {"s3:prefix": ""})
    assert not holds(cond, {"s3:prefix": "${aws:username}"})


def test_unresolvable_value_is_ignored_among_other_values() -> None:
    cond = {"StringEquals": {"s3:prefix": ["${aws:username}", "public"]}}
    assert holds(cond, {"s3:prefix": "public"})


def test_negated_operator_with_unresolvable_variable_does_not_hold() -> None:
    cond = {"StringNotEquals": {"aws:PrincipalTag/team": "${aws:username}"}}
    assert not holds(cond, {"aws:PrincipalTag/team": "red"})
    assert holds(cond, {"aws:PrincipalTag/team": "red", "aws:username": "bob"})


def test_multivalued_key_is_not_a_variable_even_with_one_value() -> None:
    # "Single-valued vs. multivalued context keys": "you can't use a multivalued context key
    # as a policy variable".  A key given as a list is multivalued, one value or several.
    cond = {"StringEquals": {"aws:username": "${aws:CalledVia}"}}
    assert not holds(cond, {"aws:username": "x", "aws:CalledVia": ["x"]})
    assert holds(cond, {"aws:username": "x", "aws:CalledVia": "x"})


def test_variable_default_value_used_when_key_missing() -> None:
    cond = {"StringEquals": {"k:team": "${aws:PrincipalTag/team, 'company-wide'}"}}
    assert holds(cond, {"k:team": "company-wide"})
    assert holds(cond, {"k:team": "red", "aws:PrincipalTag/team": "red"})


def test_variables_are_literal_in_version_2008_policies() -> None:
    cond = {"StringEquals": {"s3:prefix": "${aws:username}"}}
    ctx = {"s3:prefix": "${aws:username}", "aws:username": "bob"}
    assert holds(cond, ctx, version="2008-10-17")
    assert holds(cond, ctx, version=None)
    assert not holds(cond, ctx)


def test_numeric_values_do_not_resolve_variables() -> None:
    cond = {"NumericEquals": {"k:n": "${k:limit}"}}
    assert not holds(cond, {"k:n": "5", "k:limit": "5"})
