"""The policy linter: one behaviour per test, every finding code with a case that has it and a
close case that does not, pointers, bundles, bad input, and the composer property."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.catalog.kinds import catalog
from wizard.catalog.reference import reference
from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.policy.documents import json_pointer, load_policy_source, parse_policy_source
from wizard.policy.lint import (
    CODES,
    data_read_actions,
    escalation_paths,
    fails,
    is_broad,
    lint_bundle,
    lint_document,
    lint_source,
    lint_text,
    pattern_fits_format,
    patterns_intersect,
)
from wizard.spec import FUNCTION_RE, SpecContext, spec_from_data

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
ACCOUNT = "123456789012"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
LAMBDA_ONLY = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}


def doc(*statements: dict[str, Any], **top: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"Version": "2012-10-17", "Statement": list(statements)}
    out.update(top)
    return out


def allow(action: Any, resource: Any = TABLE, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def trust(principal: Any, condition: dict | None = None) -> dict[str, Any]:
    st_: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        st_["Condition"] = condition
    return doc(st_)


def findings(document: Any, type: str = "identity", **kw: Any) -> list:
    return lint_document(document, type, **kw)


def codes(document: Any, type: str = "identity", **kw: Any) -> set[str]:
    return {f.code for f in findings(document, type, **kw)}


def at(document: Any, code: str, type: str = "identity", **kw: Any) -> list[str]:
    return [f.pointer for f in findings(document, type, **kw) if f.code == code]


# --------------------------------------------------------------------------- clean documents


def test_tight_identity_policy_has_no_findings():
    assert lint_source(load_policy_source(FIXTURES / "tight-identity.json")) == []


def test_lambda_trust_policy_with_source_account_has_no_findings():
    assert lint_source(load_policy_source(FIXTURES / "trust-lambda.json")) == []


def test_built_bundle_fixture_has_no_findings():
    assert lint_source(load_policy_source(FIXTURES / "bundle.json")) == []


def test_boundary_with_account_wide_resources_has_no_findings():
    source = load_policy_source(FIXTURES / "boundary.json", "boundary")
    assert lint_source(source) == []


# --------------------------------------------------------------------------- invalid-json


def test_broken_json_is_an_invalid_json_finding_with_its_line():
    [f] = lint_text((FIXTURES / "broken.json").read_text())
    assert (f.code, f.severity, f.line) == ("invalid-json", "error", 3)


def test_a_broken_json_file_is_unusable_input_naming_its_line():
    with pytest.raises(UserError, match=r"broken\.json:3: not valid JSON"):
        load_policy_source(FIXTURES / "broken.json")


def test_non_utf8_bytes_are_unusable_input(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"Version": "2012-10-17", "Sid": "caf\xe9"}')
    with pytest.raises(UserError, match="not UTF-8"):
        load_policy_source(path)


def test_ten_thousand_nested_lists_are_an_invalid_json_finding():
    [f] = lint_text("[" * 10_000 + "]" * 10_000)
    assert f.code == "invalid-json" and "nested" in f.message


def test_nan_is_not_json():
    assert {f.code for f in lint_text('{"Version": NaN}')} == {"invalid-json"}


def test_valid_json_has_no_invalid_json_finding():
    assert "invalid-json" not in {f.code for f in lint_text(json.dumps(doc(allow("s3:*"))))}


def test_missing_file_is_a_user_error():
    with pytest.raises(UserError, match="no such file"):
        load_policy_source(FIXTURES / "nope.json")


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "trust-lambda.json").read_bytes())
    assert lint_source(load_policy_source(path)) == []


# --------------------------------------------------------------------------- invalid-grammar


def test_a_list_is_not_a_policy():
    [f] = lint_source(load_policy_source(FIXTURES / "list.json"))
    assert f.code == "invalid-grammar" and "not a list" in f.message


def test_a_string_is_not_a_policy():
    assert {f.code for f in lint_text('"s3:GetObject"')} == {"invalid-grammar"}


def test_missing_version_is_invalid_grammar():
    document = {"Statement": [allow("dynamodb:GetItem")]}
    assert at(document, "invalid-grammar") == [""]


def test_unknown_version_is_invalid_grammar():
    assert at(doc(allow("dynamodb:GetItem"), Version="2012-10-18"), "invalid-grammar") == [
        "/Version"
    ]


def test_effect_must_be_allow_or_deny_with_that_case():
    assert at(doc(allow("dynamodb:GetItem") | {"Effect": "allow"}), "invalid-grammar") == [
        "/Statement/0/Effect"
    ]


def test_both_action_and_not_action_is_invalid_grammar():
    st_ = allow("dynamodb:GetItem") | {"NotAction": "s3:*"}
    assert at(doc(st_), "invalid-grammar") == ["/Statement/0"]


def test_neither_action_nor_not_action_is_invalid_grammar():
    assert at(doc({"Effect": "Allow", "Resource": "*"}), "invalid-grammar") == ["/Statement/0"]


def test_both_resource_and_not_resource_is_invalid_grammar():
    st_ = allow("dynamodb:GetItem") | {"NotResource": "*"}
    assert at(doc(st_), "invalid-grammar") == ["/Statement/0"]


def test_identity_statement_without_resource_is_invalid_grammar():
    assert at(doc({"Effect": "Allow", "Action": "s3:GetObject"}), "invalid-grammar") == [
        "/Statement/0"
    ]


def test_trust_statement_needs_no_resource():
    assert "invalid-grammar" not in codes(
        trust({"Service": "lambda.amazonaws.com"}, {"StringEquals": {"aws:SourceAccount": "1"}}),
        "trust",
    )


def test_trust_statement_with_a_resource_is_invalid_grammar():
    document = trust({"Service": "lambda.amazonaws.com"})
    document["Statement"][0]["Resource"] = "*"
    assert at(document, "invalid-grammar", "trust") == ["/Statement/0/Resource"]


def test_principal_in_an_identity_policy_is_invalid_grammar():
    st_ = allow("dynamodb:GetItem") | {"Principal": "*"}
    assert at(doc(st_), "invalid-grammar") == ["/Statement/0/Principal"]


def test_principal_in_a_boundary_is_invalid_grammar():
    st_ = allow("dynamodb:GetItem") | {"Principal": {"AWS": ACCOUNT}}
    assert at(doc(st_), "invalid-grammar", "boundary") == ["/Statement/0/Principal"]


def test_trust_statement_without_principal_is_invalid_grammar():
    document = doc({"Effect": "Allow", "Action": "sts:AssumeRole"})
    assert at(document, "invalid-grammar", "trust") == ["/Statement/0"]


def test_duplicate_sid_is_invalid_grammar_at_the_second():
    document = doc(allow("dynamodb:GetItem", Sid="Read"), allow("dynamodb:Query", Sid="Read"))
    assert at(document, "invalid-grammar") == ["/Statement/1/Sid"]


def test_non_alphanumeric_sid_is_invalid_in_an_identity_policy():
    assert at(doc(allow("dynamodb:GetItem", Sid="read-orders")), "invalid-grammar") == [
        "/Statement/0/Sid"
    ]


def test_non_alphanumeric_sid_is_fine_in_a_trust_policy():
    document = trust(
        {"Service": "lambda.amazonaws.com"}, {"StringEquals": {"aws:SourceAccount": "1"}}
    )
    document["Statement"][0]["Sid"] = "lambda assumes"
    assert "invalid-grammar" not in codes(document, "trust")


def test_action_of_the_wrong_type_is_invalid_grammar():
    assert at(doc(allow(["dynamodb:GetItem", 7])), "invalid-grammar") == ["/Statement/0/Action/1"]


def test_empty_action_list_is_invalid_grammar():
    assert at(doc(allow([])), "invalid-grammar") == ["/Statement/0/Action"]


def test_empty_statement_list_is_invalid_grammar():
    assert at(doc(), "invalid-grammar") == ["/Statement"]


def test_unknown_statement_key_is_invalid_grammar_with_a_hint():
    [f] = [
        f
        for f in findings(doc(allow("dynamodb:GetItem") | {"Conditions": {}}))
        if f.code == "invalid-grammar"
    ]
    assert f.pointer == "/Statement/0/Conditions" and "'Condition'" in f.message


def test_unknown_top_level_key_is_invalid_grammar():
    assert at(doc(allow("dynamodb:GetItem"), Statements=[]), "invalid-grammar") == ["/Statements"]


def test_duplicate_json_key_in_a_statement_is_invalid_grammar():
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}'
    assert [f.pointer for f in lint_text(text) if f.code == "invalid-grammar"] == ["/Statement/0"]


def test_action_without_a_service_prefix_is_invalid_grammar():
    assert at(doc(allow("GetItem")), "invalid-grammar") == ["/Statement/0/Action"]


def test_resource_that_is_not_an_arn_is_invalid_grammar():
    assert at(doc(allow("s3:GetObject", "my-bucket/*")), "invalid-grammar") == [
        "/Statement/0/Resource"
    ]


def test_single_statement_object_gets_pointers_without_an_index():
    document = {"Version": "2012-10-17", "Statement": allow("s3:GetObjekt")}
    assert at(document, "unknown-action") == ["/Statement/Action"]


# --------------------------------------------------------------------------- unknown-service / unknown-action


def test_unknown_service_prefix():
    assert at(doc(allow(["dynamodb:GetItem", "dynamodbx:GetItem"])), "unknown-service") == [
        "/Statement/0/Action/1"
    ]


def test_known_service_prefix_is_not_unknown_service():
    assert "unknown-service" not in codes(doc(allow("DynamoDB:GetItem")))


def test_unknown_action_suggests_the_close_one():
    [f] = [f for f in findings(doc(allow("dynamodb:GetItems"))) if f.code == "unknown-action"]
    assert "dynamodb:GetItem" in f.message


def test_wildcard_that_matches_no_action_is_unknown_action():
    assert at(doc(allow("dynamodb:Fetch*")), "unknown-action") == ["/Statement/0/Action"]


def test_action_names_are_case_insensitive():
    assert "unknown-action" not in codes(doc(allow("dynamodb:getitem")))


def test_unknown_action_in_a_deny_is_still_reported():
    assert "unknown-action" in codes(doc(allow("dynamodb:GetItem"), deny("dynamodb:Nope")))


# --------------------------------------------------------------------------- resource-mismatch


def test_action_on_another_services_arn_is_resource_mismatch_at_the_action():
    document = doc(allow("sqs:SendMessage", f"arn:aws:sns:us-east-1:{ACCOUNT}:topic"))
    assert at(document, "resource-mismatch") == ["/Statement/0/Action"]


def test_resource_no_action_fits_is_resource_mismatch_at_the_resource():
    document = doc(allow("dynamodb:GetItem", [TABLE, "arn:aws:s3:::bucket/*"]))
    assert at(document, "resource-mismatch") == ["/Statement/0/Resource/1"]


def test_object_action_on_a_bucket_arn_is_resource_mismatch():
    assert at(doc(allow("s3:GetObject", "arn:aws:s3:::bucket")), "resource-mismatch") == [
        "/Statement/0/Action"
    ]


def test_action_without_resource_types_needs_star():
    document = doc(allow("xray:PutTraceSegments", f"arn:aws:xray:us-east-1:{ACCOUNT}:group/x"))
    [f] = [f for f in findings(document) if f.code == "resource-mismatch"]
    assert '"Resource": "*"' in f.message


def test_log_stream_wildcard_fits_log_group_actions():
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/x:*"
    assert "resource-mismatch" not in codes(
        doc(allow(["logs:CreateLogStream", "logs:PutLogEvents"], arn))
    )


def test_account_wide_wildcard_fits_dynamodb_tables():
    arn = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:*"
    assert "resource-mismatch" not in codes(doc(allow("dynamodb:PutItem", arn)))


def test_region_wildcard_in_an_arn_still_fits():
    arn = f"arn:aws:sqs:*:{ACCOUNT}:orders"
    assert "resource-mismatch" not in codes(doc(allow("sqs:SendMessage", arn)))


def test_s3_arn_with_a_region_is_resource_mismatch():
    arn = "arn:aws:s3:us-east-1::bucket/key"
    assert "resource-mismatch" in codes(doc(allow("s3:GetObject", arn)))


def test_cloudformation_pseudo_parameters_count_as_one_segment():
    arn = "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:orders"
    assert "resource-mismatch" not in codes(doc(allow("sqs:SendMessage", arn)))


def test_unusable_arn_in_a_boundary_is_only_info():
    document = doc(allow("dynamodb:GetItem", [TABLE, "arn:aws:s3:::bucket"]))
    [f] = [f for f in findings(document, "boundary") if f.code == "resource-mismatch"]
    assert f.severity == "info"


def test_wildcard_with_some_actions_unusable_on_the_resource_is_info():
    [f] = [f for f in findings(doc(allow("dynamodb:*"))) if f.code == "resource-mismatch"]
    assert f.severity == "info" and "dynamodb:" in f.message


def test_an_over_long_arn_is_not_examined_but_its_neighbours_are():
    """An ARN too long to examine counts as fitting; the statement's other ARNs are still checked."""
    long_arn = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/" + "t" * 3000
    sns = f"arn:aws:sns:us-east-1:{ACCOUNT}:topic"
    document = doc(allow("dynamodb:GetItem", [long_arn, sns]))
    assert at(document, "resource-mismatch") == ["/Statement/0/Resource/1"]


def test_a_wildcard_whose_every_action_misses_the_resource_is_one_error():
    document = doc(allow("dynamodb:*", f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue"))
    found = [f for f in findings(document) if f.code == "resource-mismatch"]
    assert [(f.severity, f.pointer) for f in found] == [("error", "/Statement/0/Action")]


def test_resource_mismatch_is_checked_in_a_boundary():
    document = doc(allow("sqs:SendMessage", f"arn:aws:sns:us-east-1:{ACCOUNT}:topic"))
    assert "resource-mismatch" in codes(document, "boundary")


# --------------------------------------------------------------------------- resource-wildcard


def test_star_resource_for_scopable_action_is_resource_wildcard():
    assert at(doc(allow("dynamodb:PutItem", "*")), "resource-wildcard") == ["/Statement/0/Resource"]


def test_star_resource_for_action_without_resource_types_is_fine():
    assert "resource-wildcard" not in codes(doc(allow("xray:PutTraceSegments", "*")))


def test_star_resource_in_a_deny_is_fine():
    assert "resource-wildcard" not in codes(doc(allow("dynamodb:GetItem"), deny("dynamodb:*")))


def test_star_resource_in_a_boundary_is_fine():
    assert "resource-wildcard" not in codes(doc(allow("dynamodb:PutItem", "*")), "boundary")


# --------------------------------------------------------------------------- action-wildcard


def test_service_wildcard_in_an_allow_is_action_wildcard():
    assert at(doc(allow("dynamodb:*")), "action-wildcard") == ["/Statement/0/Action"]


def test_star_action_is_an_action_wildcard_error():
    [f] = [f for f in findings(doc(allow("*", "*"))) if f.code == "action-wildcard"]
    assert f.severity == "error"


def test_not_action_allow_is_action_wildcard():
    st_ = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert at(doc(st_), "action-wildcard") == ["/Statement/0/NotAction"]


def test_partial_wildcard_is_not_action_wildcard():
    assert "action-wildcard" not in codes(doc(allow("dynamodb:Get*")))


def test_service_wildcard_in_a_deny_is_fine():
    assert "action-wildcard" not in codes(doc(allow("dynamodb:GetItem"), deny("iam:*")))


def test_service_wildcard_in_a_boundary_is_fine():
    assert "action-wildcard" not in codes(doc(allow("dynamodb:*")), "boundary")


# --------------------------------------------------------------------------- conditions


def test_unknown_condition_operator():
    st_ = allow("dynamodb:GetItem", Condition={"StringEqualz": {"aws:SourceVpc": "vpc-1"}})
    assert at(doc(st_), "invalid-condition-operator") == ["/Statement/0/Condition/StringEqualz"]


def test_set_prefix_and_if_exists_forms_are_known_operators():
    st_ = allow(
        "dynamodb:GetItem",
        Condition={
            "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "team*"},
            "IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"},
        },
    )
    assert "invalid-condition-operator" not in codes(doc(st_))


def test_null_with_if_exists_is_an_invalid_operator():
    st_ = allow("dynamodb:GetItem", Condition={"NullIfExists": {"aws:SourceVpc": "true"}})
    assert "invalid-condition-operator" in codes(doc(st_))


def test_bool_with_a_non_boolean_value_is_invalid_grammar():
    st_ = allow("dynamodb:GetItem", Condition={"Bool": {"aws:SecureTransport": "yes"}})
    assert at(doc(st_), "invalid-grammar") == ["/Statement/0/Condition/Bool/aws:SecureTransport"]


def test_unknown_global_condition_key():
    st_ = allow("dynamodb:GetItem", Condition={"StringEquals": {"aws:SourceAcount": ACCOUNT}})
    assert at(doc(st_), "unknown-condition-key") == [
        "/Statement/0/Condition/StringEquals/aws:SourceAcount"
    ]


def test_global_condition_keys_are_known_whatever_their_case():
    st_ = allow("dynamodb:GetItem", Condition={"StringEquals": {"AWS:SOURCEACCOUNT": ACCOUNT}})
    assert "unknown-condition-key" not in codes(doc(st_))


def test_templated_global_key_is_known():
    st_ = allow("dynamodb:GetItem", Condition={"StringEquals": {"aws:PrincipalTag/team": "x"}})
    assert "unknown-condition-key" not in codes(doc(st_))


def test_templated_service_key_is_known():
    st_ = allow(
        "kms:Decrypt",
        f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k",
        Condition={"StringEquals": {"kms:EncryptionContext:app": "orders"}},
    )
    assert "unknown-condition-key" not in codes(doc(st_))


def test_action_condition_key_is_known():
    st_ = allow("s3:ListBucket", "arn:aws:s3:::b", Condition={"StringLike": {"s3:prefix": "a/*"}})
    assert "unknown-condition-key" not in codes(doc(st_))


def test_another_actions_condition_key_is_unknown_for_this_action():
    st_ = allow("s3:GetObject", "arn:aws:s3:::b/*", Condition={"StringLike": {"s3:prefix": "a"}})
    [f] = [f for f in findings(doc(st_)) if f.code == "unknown-condition-key"]
    assert "s3:GetObject" in f.message


def test_condition_key_of_another_service_is_unknown():
    st_ = allow(TABLE and "dynamodb:GetItem", Condition={"StringEquals": {"kms:ViaService": "x"}})
    assert "unknown-condition-key" in codes(doc(st_))


def test_github_oidc_claim_is_a_known_key_in_a_trust_policy():
    document = doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/x"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}},
        }
    )
    assert "unknown-condition-key" not in codes(document, "trust")


# --------------------------------------------------------------------------- passrole-unscoped


def test_passrole_on_star_is_passrole_unscoped_error():
    [f] = [f for f in findings(doc(allow("iam:PassRole", "*"))) if f.code == "passrole-unscoped"]
    assert (f.severity, f.pointer) == ("error", "/Statement/0/Resource")


def test_passrole_on_every_role_of_an_account_is_unscoped():
    assert "passrole-unscoped" in codes(
        doc(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/*", Condition=LAMBDA_ONLY))
    )


def test_passrole_without_passed_to_service_is_a_warning():
    [f] = [f for f in findings(doc(allow("iam:PassRole", ROLE))) if f.code == "passrole-unscoped"]
    assert (f.severity, f.pointer) == ("warning", "/Statement/0/Action")


def test_passrole_scoped_with_passed_to_service_is_fine():
    assert "passrole-unscoped" not in codes(doc(allow("iam:PassRole", ROLE, Condition=LAMBDA_ONLY)))


def test_iam_wildcard_counts_as_passrole():
    assert "passrole-unscoped" in codes(doc(allow("iam:Pass*", "*")))


def test_passrole_in_a_boundary_is_fine():
    assert "passrole-unscoped" not in codes(doc(allow("iam:PassRole", "*")), "boundary")


# --------------------------------------------------------------------------- privilege-escalation


def test_passrole_create_function_invoke_is_escalation():
    document = doc(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "*"))
    [f] = [f for f in findings(document) if f.code == "privilege-escalation"]
    assert "passrole-lambda-create-invoke" in f.message


def test_escalation_combines_statements():
    document = doc(
        allow("iam:PassRole", "*"),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
    )
    assert "privilege-escalation" in codes(document)


def test_passing_the_role_itself_does_not_open_passrole_paths():
    """A bundle's role may pass itself to a new function: that hands over nothing new."""
    fn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:app"
    document = doc(
        allow("iam:PassRole", ROLE, Condition=LAMBDA_ONLY),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"], fn),
    )
    bundle = {
        "RoleName": "app",
        "AssumeRolePolicyDocument": trust({"Service": "lambda.amazonaws.com"}),
        "Policies": [{"PolicyName": "p", "PolicyDocument": document}],
    }
    assert "privilege-escalation" not in {f.code for f in lint_bundle(bundle)}


def test_passrole_limited_to_another_service_does_not_open_the_lambda_path():
    document = doc(
        allow(
            "iam:PassRole",
            "*",
            Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        ),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
    )
    assert "privilege-escalation" not in codes(document)


def test_create_policy_version_is_escalation_even_when_scoped():
    arn = f"arn:aws:iam::{ACCOUNT}:policy/app"
    assert "privilege-escalation" in codes(doc(allow("iam:CreatePolicyVersion", arn)))


def test_update_function_code_on_one_function_is_not_escalation():
    fn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:app"
    assert "privilege-escalation" not in codes(doc(allow("lambda:UpdateFunctionCode", fn)))


def test_update_function_code_on_every_function_is_escalation():
    fn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:*"
    assert "privilege-escalation" in codes(doc(allow("lambda:UpdateFunctionCode", fn)))


def test_escalation_denied_by_the_boundary_is_closed():
    document = doc(allow("iam:AttachRolePolicy", ROLE))
    assert "privilege-escalation" not in codes(
        document, boundary=doc(deny("iam:*"), allow("*", "*"))
    )


def test_identity_deny_closes_an_escalation_path():
    document = doc(allow("iam:*", "*"), deny("iam:*"))
    assert "privilege-escalation" not in codes(document)


def test_not_action_allow_opens_escalation():
    document = doc({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})
    assert "privilege-escalation" in codes(document)


def test_escalation_table_names_only_real_actions():
    ref = reference()
    for path in escalation_paths():
        for req in path.requires:
            assert ref.action(req.action) is not None, (path.id, req.action)


def test_data_read_actions_are_real_actions():
    assert all(reference().action(a) for a in data_read_actions())


# --------------------------------------------------------------------------- data-exfiltration


def test_get_secret_value_on_every_secret_is_data_exfiltration():
    arn = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:*"
    assert at(doc(allow("secretsmanager:GetSecretValue", arn)), "data-exfiltration") == [
        "/Statement/0/Resource"
    ]


def test_get_object_on_every_bucket_is_data_exfiltration():
    assert "data-exfiltration" in codes(doc(allow("s3:GetObject", "arn:aws:s3:::*/*")))


def test_get_object_under_one_bucket_is_fine():
    assert "data-exfiltration" not in codes(doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))


def test_data_exfiltration_is_a_warning():
    [f] = [f for f in findings(doc(allow("kms:Decrypt", "*"))) if f.code == "data-exfiltration"]
    assert f.severity == "warning"


# --------------------------------------------------------------------------- size-exceeded


def _big_policy(statements: int) -> dict[str, Any]:
    return doc(
        *[
            allow(
                "dynamodb:GetItem",
                f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T{i:05d}xxxxxxxxxxxxxxxxxx",
            )
            for i in range(statements)
        ]
    )


def test_trust_policy_over_2048_characters_is_size_exceeded():
    document = trust({"AWS": [f"arn:aws:iam::{ACCOUNT}:role/r{i:04d}" for i in range(60)]})
    assert at(document, "size-exceeded", "trust") == [""]


def test_boundary_over_6144_characters_is_size_exceeded():
    assert "size-exceeded" in codes(_big_policy(60), "boundary")


def test_identity_policy_under_10240_is_not_size_exceeded_error():
    assert not [
        f for f in findings(_big_policy(60)) if f.code == "size-exceeded" and f.severity != "info"
    ]


def test_identity_policy_over_10240_is_size_exceeded():
    assert "size-exceeded" in codes(_big_policy(130))


def test_inline_policies_count_together_in_a_bundle():
    data = json.loads((FIXTURES / "bundle.json").read_text())
    data["Policies"] = [
        {"PolicyName": f"p{i}", "PolicyDocument": _big_policy(45)} for i in range(3)
    ]
    [f] = [f for f in lint_bundle(data) if f.code == "size-exceeded"]
    assert f.pointer == "/Policies"


def _size_findings(text: str) -> list:
    return [f for f in lint_text(text) if f.code == "size-exceeded" and f.severity != "info"]


def test_a_text_long_only_through_escapes_is_measured_as_its_document():
    """Text over 10,240 characters only because of \\u escapes: the document IAM counts fits."""
    from wizard.policy.quotas import policy_size

    document = doc(*[allow("dynamodb:GetItem", TABLE, Sid=f"S{i}") for i in range(75)])
    escaped = "".join(f"\\u{ord(c):04x}" for c in "dynamodb:GetItem")
    text = json.dumps(document).replace("dynamodb:GetItem", escaped)
    assert policy_size(json.loads(text)) < 10_240 < len(text) - text.count(" ")
    assert not _size_findings(text)


def test_floats_that_grow_when_written_out_count_at_their_written_size():
    """``1e9`` is 3 characters of text but ``1000000000.0`` in the document IAM is sent."""
    values = ", ".join(["1e9"] * 1200)
    text = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",'
        f' "Resource": "*", "Condition": {{"NumericLessThan": {{"aws:EpochTime": [{values}]}}}}'
        "}]}"
    )
    assert len(text) - text.count(" ") < 10_240
    assert [f.pointer for f in _size_findings(text)] == [""]


_JSON_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    statement=st.dictionaries(st.sampled_from(["Sid", "Effect", "X"]), _JSON_TEXT, max_size=3),
    indent=st.sampled_from([None, 0, 2, "\t"]),
    ascii_only=st.booleans(),
)
def test_the_size_bound_of_a_text_is_never_below_the_documents_size(statement, indent, ascii_only):
    from wizard.policy.quotas import policy_size

    text = json.dumps(doc(statement), indent=indent, ensure_ascii=ascii_only)
    source = parse_policy_source(text)
    assert source.size_bound is not None
    assert source.size_bound >= policy_size(source.document)


# --------------------------------------------------------------------------- not-in-boundary


BOUNDARY = doc(
    allow(["dynamodb:GetItem", "dynamodb:Query"], f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:*"),
    deny("iam:*"),
)


def test_grant_the_boundary_does_not_allow_is_not_in_boundary():
    document = doc(allow(["dynamodb:GetItem", "dynamodb:PutItem"]))
    [f] = [f for f in findings(document, boundary=BOUNDARY) if f.code == "not-in-boundary"]
    assert f.pointer == "/Statement/0/Action/1" and "dynamodb:PutItem" in f.message


def test_grant_the_boundary_denies_is_not_in_boundary():
    document = doc(allow("iam:PassRole", ROLE, Condition=LAMBDA_ONLY))
    [f] = [f for f in findings(document, boundary=BOUNDARY) if f.code == "not-in-boundary"]
    assert "explicitly denied" in f.message


def test_grant_inside_the_boundary_is_fine():
    assert "not-in-boundary" not in codes(doc(allow("dynamodb:GetItem")), boundary=BOUNDARY)


def test_grant_the_boundary_narrows_is_not_reported():
    document = doc(allow("dynamodb:GetItem", f"arn:aws:dynamodb:*:{ACCOUNT}:table/Orders"))
    assert "not-in-boundary" not in codes(document, boundary=BOUNDARY)


def test_boundary_allow_with_a_condition_may_allow():
    boundary = doc(
        allow("dynamodb:*", "*", Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}})
    )
    assert "not-in-boundary" not in codes(doc(allow("dynamodb:GetItem")), boundary=boundary)


def test_not_in_boundary_points_into_the_bundle():
    data = json.loads((FIXTURES / "bundle.json").read_text())
    data["Policies"][0]["PolicyDocument"]["Statement"].append(
        allow("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:other")
    )
    n = len(data["Policies"][0]["PolicyDocument"]["Statement"]) - 1
    assert [f.pointer for f in lint_bundle(data) if f.code == "not-in-boundary"] == [
        f"/Policies/0/PolicyDocument/Statement/{n}/Action"
    ]


# --------------------------------------------------------------------------- trust


def test_principal_star_without_condition_is_trust_principal_wildcard():
    assert at(trust("*"), "trust-principal-wildcard", "trust") == ["/Statement/0/Principal"]


def test_aws_star_principal_is_trust_principal_wildcard():
    assert lint_source(load_policy_source(FIXTURES / "trust-anyone.json"))[0].code == (
        "trust-principal-wildcard"
    )


def test_principal_star_with_a_negated_condition_is_still_a_wildcard():
    document = trust("*", {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}})
    assert "trust-principal-wildcard" in codes(document, "trust")


def test_service_principal_without_source_account_is_a_warning():
    [f] = findings(trust({"Service": "lambda.amazonaws.com"}), "trust")
    assert (f.code, f.severity) == ("trust-missing-source-account", "warning")


def test_service_principal_with_source_arn_is_fine():
    document = trust(
        {"Service": "lambda.amazonaws.com"},
        {"ArnLike": {"aws:SourceArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:*"}},
    )
    assert findings(document, "trust") == []


def test_account_principal_needs_no_source_account():
    assert findings(trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), "trust") == []


def test_trust_policy_allowing_a_non_sts_action_is_invalid_grammar():
    document = trust({"AWS": ACCOUNT})
    document["Statement"][0]["Action"] = "s3:GetObject"
    assert at(document, "invalid-grammar", "trust") == ["/Statement/0/Action"]


# --------------------------------------------------------------------------- bundles


def _bundle() -> dict[str, Any]:
    return json.loads((FIXTURES / "bundle.json").read_text())


def test_bundle_finding_points_from_the_bundle_root():
    data = _bundle()
    data["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] = "*"
    [f] = [f for f in lint_bundle(data) if f.code == "resource-wildcard"]
    assert f.pointer == "/Policies/0/PolicyDocument/Statement/0/Resource"


def test_bundle_trust_policy_is_checked_as_trust():
    data = _bundle()
    data["AssumeRolePolicyDocument"]["Statement"][0].pop("Condition")
    [f] = lint_bundle(data)
    assert (f.code, f.pointer) == (
        "trust-missing-source-account",
        "/AssumeRolePolicyDocument/Statement/0/Principal",
    )


def test_bundle_boundary_is_checked_as_a_boundary():
    data = _bundle()
    data["PermissionsBoundary"]["PolicyDocument"]["Statement"][0]["Action"] = "dynamodb:*"
    assert {f.code for f in lint_bundle(data) if f.severity != "info"} == set()


def test_bundle_with_boundary_arn_is_not_checked_against_it():
    data = _bundle()
    data["PermissionsBoundary"] = {"Arn": f"arn:aws:iam::{ACCOUNT}:policy/Ceiling"}
    [f] = lint_bundle(data)
    assert (f.code, f.severity, f.pointer) == ("not-checked", "info", "/PermissionsBoundary/Arn")


def test_bundle_deployer_policy_is_checked_on_its_own():
    data = _bundle()
    data["DeployerPolicy"]["PolicyDocument"]["Statement"][0]["Resource"] = "*"
    assert {"passrole-unscoped", "resource-wildcard"} <= {f.code for f in lint_bundle(data)}


def test_bundle_with_policies_not_a_list_is_invalid_grammar():
    data = _bundle()
    data["Policies"] = {"PolicyName": "x"}
    assert [f.pointer for f in lint_bundle(data) if f.code == "invalid-grammar"] == ["/Policies"]


def test_unknown_bundle_field_is_a_warning():
    data = _bundle() | {"MaxSessionDuration": 3600}
    [f] = lint_bundle(data)
    assert (f.code, f.severity, f.pointer) == ("invalid-grammar", "warning", "/MaxSessionDuration")


def test_escalation_spans_a_bundles_inline_policies():
    data = _bundle()
    data["PermissionsBoundary"] = None
    data["Policies"] += [
        {"PolicyName": "a", "PolicyDocument": doc(allow("iam:PassRole", "*"))},
        {"PolicyName": "b", "PolicyDocument": doc(allow(["ec2:RunInstances"], "*"))},
    ]
    assert "privilege-escalation" in {f.code for f in lint_bundle(data)}


def test_envelope_boundary_closes_iam_escalation_in_a_bundle():
    data = _bundle()
    data["Policies"].append(
        {"PolicyName": "a", "PolicyDocument": doc(allow("iam:AttachRolePolicy", ROLE))}
    )
    assert "privilege-escalation" not in {f.code for f in lint_bundle(data)}


# --------------------------------------------------------------------------- loader


def test_loader_detects_a_trust_policy():
    assert load_policy_source(FIXTURES / "trust-lambda.json").type == "trust"


def test_loader_type_overrides_detection():
    assert load_policy_source(FIXTURES / "boundary.json", "boundary").type == "boundary"


def test_loader_splits_a_bundle_into_its_parts():
    source = load_policy_source(FIXTURES / "bundle.json")
    assert source.is_bundle
    assert list(source.identity) == ["orders-api-access"]
    assert source.boundary is not None and source.trust is not None and source.deployer is not None


def test_require_usable_raises_one_line_for_broken_json():
    with pytest.raises(UserError, match=r"broken\.json:3"):
        load_policy_source(FIXTURES / "broken.json").require_usable()


def test_unknown_type_is_a_user_error():
    with pytest.raises(UserError):
        parse_policy_source("{}", type="resource")


# --------------------------------------------------------------------------- wildcard geometry


@pytest.mark.parametrize(
    ("pattern", "fmt", "fits"),
    [
        (
            "arn:aws:logs:r:1:log-group:/aws/lambda/x:*",
            "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}",
            True,
        ),
        (
            "arn:aws:dynamodb:r:1:*",
            "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
            True,
        ),
        ("arn:aws:dynamodb:*:*:table/*", "arn:${Partition}:s3:::${BucketName}", False),
        ("arn:aws:s3:::b*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", True),
        ("arn:aws:s3:*::b", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", False),
        ("arn:aws:sqs:us-*:1:q", "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}", True),
        (
            "arn:aws:sqs:us-east-1:1:",
            "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
            False,
        ),
    ],
)
def test_pattern_fits_format(pattern, fmt, fits):
    assert pattern_fits_format(pattern, fmt) is fits


_FORMATS = sorted(
    {
        fmt
        for key in ("s3", "dynamodb", "sqs", "logs", "lambda", "iam", "kms", "backup", "chime")
        for rt in reference().service(key).resource_types.values()
        for fmt in rt.arn_formats
    }
)
_FILLS = {"${Partition}": ["aws"], "${Region}": ["us-east-1", ""], "${Account}": ["1", ""]}


@st.composite
def _pattern_near(draw, fmt: str) -> str:
    """A concrete ARN of ``fmt`` (placeholders filled), then edited: wildcards put in, characters
    dropped or added -- patterns that sometimes fit the format and sometimes just miss."""
    import re as _re

    def fill(m):
        return draw(st.sampled_from(_FILLS.get(m.group(0), ["abc", "a/b", "x:y", "t"])))

    chars = list(_re.sub(r"\$\{[^}]*\}", fill, fmt))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(chars)))
        edit = draw(st.sampled_from(["star", "one", "drop", "add"]))
        if edit == "star":
            chars[i : i + draw(st.integers(0, 5))] = ["*"]
        elif edit == "one":
            chars[i : i + 1] = ["?"]
        elif edit == "drop":
            del chars[i : i + 1]
        else:
            chars.insert(i, draw(st.sampled_from("ab/:-x*")))
    return "".join(chars)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_quick_resource_fitting_agrees_with_the_automata(data):
    """The string-operation fast path decides only what the exact automaton agrees with."""
    from wizard.policy.patterns import _fits_exactly, _fits_quickly, _format_shape

    fmt = data.draw(st.sampled_from(_FORMATS))
    source = fmt if data.draw(st.booleans()) else data.draw(st.sampled_from(_FORMATS))
    pattern = data.draw(_pattern_near(source))
    shape = _format_shape(fmt)
    quick = _fits_quickly(pattern, shape) if shape is not None else None
    if quick is not None:
        assert quick is _fits_exactly(pattern, fmt), (pattern, fmt)


def test_region_wildcard_does_not_cross_a_colon():
    assert not patterns_intersect("arn:aws:sqs:*:1:q", "arn:aws:sqs:r:x:1:q")


def test_patterns_with_wildcards_on_both_sides_intersect():
    assert patterns_intersect("arn:aws:s3:::a*/x", "arn:aws:s3:::*b/*")


@pytest.mark.parametrize(
    ("resource", "broad"),
    [
        ("*", True),
        ("arn:aws:iam::1:role/*", True),
        ("arn:aws:s3:::*/*", True),
        ("arn:aws:s3:::bucket/*", False),
        ("arn:aws:iam::1:role/service-role/*", False),
        ("arn:aws:lambda:*:*:function:*", True),
    ],
)
def test_is_broad(resource, broad):
    assert is_broad(resource) is broad


# --------------------------------------------------------------------------- found by the cross-check
# (bench/crosscheck.py: parliament and IAM Access Analyzer's documented policy checks)

BUCKET = "arn:aws:s3:::uploads"


def test_bucket_action_on_an_object_arn_is_resource_mismatch():
    # a bucket name holds no "/": arn:aws:s3:::uploads/* names objects only
    assert "resource-mismatch" in codes(doc(allow("s3:ListBucket", BUCKET + "/*")))
    assert "resource-mismatch" not in codes(doc(allow("s3:ListBucket", BUCKET)))


def test_item_action_on_an_index_arn_is_resource_mismatch():
    index = TABLE + "/index/*"
    assert "resource-mismatch" in codes(doc(allow("dynamodb:GetItem", [TABLE, index])))
    assert "resource-mismatch" not in codes(doc(allow("dynamodb:Query", [TABLE, index])))


@pytest.mark.parametrize("qualifier", ["", ":prod", ":3", ":$LATEST", ":*"])
def test_qualified_function_arns_fit_invoke(qualifier):
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders{qualifier}"
    assert codes(doc(allow("lambda:InvokeFunction", arn))) == set()


@pytest.mark.parametrize(
    ("action", "arn"),
    [  # the reference joins two ARN shapes of these types into one ", "-separated string
        ("lex:RecognizeText", f"arn:aws:lex:us-east-1:{ACCOUNT}:bot-alias/BOTID1234/TSTALIASID"),
        ("apigateway:PATCH", "arn:aws:apigateway:us-east-1::/apis/a1b2c3/stages/prod"),
        ("apigateway:DELETE", "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/authorizers/x1"),
    ],
)
def test_each_of_the_alternative_arn_formats_of_a_type_fits(action, arn):
    assert "resource-mismatch" not in codes(doc(allow(action, arn)))


def test_a_service_key_pattern_counts_only_for_actions_that_have_the_key():
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd"
    context = {"StringEquals": {"kms:EncryptionContext:app": "orders"}}
    assert codes(doc(allow("kms:Decrypt", key, Condition=context))) == set()
    assert "unknown-condition-key" in codes(doc(allow("kms:DescribeKey", key, Condition=context)))


def test_a_tag_key_written_tag_key_in_the_reference_takes_any_tag():
    secret = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf"
    tagged = {"StringEquals": {"secretsmanager:ResourceTag/app": "orders"}}
    assert codes(doc(allow("secretsmanager:GetSecretValue", secret, Condition=tagged))) == set()


@pytest.mark.parametrize(
    "action",
    ["cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudformation:DescribeStacks"],
)
def test_star_for_an_action_whose_one_resource_type_is_optional_is_fine(action):
    assert "resource-wildcard" not in codes(doc(allow(action, "*")))


def test_star_for_an_action_with_alternative_optional_types_is_still_a_wildcard():
    assert "resource-wildcard" in codes(doc(allow("s3:GetObject", "*")))


def test_not_action_allow_on_star_is_also_resource_wildcard():
    document = doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert at(document, "resource-wildcard") == ["/Statement/0/Resource"]
    assert "resource-wildcard" not in codes(
        doc({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"})
    )


@pytest.mark.parametrize(
    ("arn", "says"),
    [
        ("my-bucket/*", 'not "*" or an ARN'),
        ("Arn:aws:s3:::b/*", "lower case"),
        ("arn:aws:s3:*", "6 fields"),
        ("arn:amazon:sqs:us-east-1:123456789012:q", "partition"),
        ("arn:aws:SQS:us-east-1:123456789012:q", "lower case"),
        ("arn:aws:sqs:useast1:123456789012:q", "not a Region"),
        ("arn:aws:sqs:us-east-1:12345:q", "not an account ID"),
        (f"arn:aws:iam:us-east-1:{ACCOUNT}:role/app", "no Region"),
        (f"arn:aws:lambda::{ACCOUNT}:function:f", "name a Region"),
        ("arn:aws:s3:::b/${aws:username/*", "closing brace"),
        ("arn:aws:s3:::b/${}/*", "empty policy variable"),
        ("arn:aws:s3:::b/${aws: username}/*", "space"),
        ("arn:aws:s3:::b/${aws:username, anonymous}/*", "single quotes"),
    ],
)
def test_malformed_resource_arns_are_invalid_grammar_at_the_resource(arn, says):
    found = [f for f in findings(doc(allow("s3:GetObject", arn))) if f.code == "invalid-grammar"]
    assert [f.pointer for f in found] == ["/Statement/0/Resource"]
    assert says in found[0].message


def test_malformed_arns_are_found_under_not_action_and_not_resource_too():
    document = doc({"Effect": "Deny", "NotAction": "s3:GetObject", "NotResource": "arn:aws:S3:::b"})
    assert at(document, "invalid-grammar") == ["/Statement/0/NotResource"]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:s3:::b/home/${aws:username}/*",
        "arn:aws:s3:::b/${aws:username, 'anonymous'}/*",
        "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:orders",
        "arn:*:sqs:*:*:orders",
        "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q",
        "arn:aws-cn:sqs:cn-north-1:123456789012:q",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
    ],
)
def test_well_formed_arns_with_wildcards_variables_and_partitions_are_fine(arn):
    assert "invalid-grammar" not in codes(doc(allow("*", arn)))


def test_policy_variables_under_version_2008_are_invalid_grammar():
    document = doc(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"), Version="2008-10-17")
    assert at(document, "invalid-grammar") == ["/Statement/0/Resource"]
    assert "invalid-grammar" not in codes(doc(allow("s3:GetObject", "arn:aws:s3:::b/x/*")))


def _condition_findings(condition):
    return [f for f in findings(doc(allow("dynamodb:GetItem", Condition=condition)))]


@pytest.mark.parametrize(
    ("condition", "severity"),
    [
        ({"Bool": {"aws:SecureTransport": ["true", "false"]}}, "error"),
        ({"NumericLessThan": {"aws:MultiFactorAuthAge": "${aws:username}"}}, "error"),
        ({"DateGreaterThan": {"aws:CurrentTime": "${aws:CurrentTime}"}}, "error"),
        ({"StringEquals": {"aws:PrincipalTag/team": "${aws:username"}}, "error"),
        ({"NumericLessThan": {"aws:MultiFactorAuthAge": "an hour"}}, "warning"),
        ({"DateGreaterThan": {"aws:CurrentTime": "yesterday"}}, "warning"),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}, "warning"),
    ],
)
def test_condition_values_iam_rejects_or_never_match_are_invalid_grammar(condition, severity):
    [f] = [f for f in _condition_findings(condition) if f.code == "invalid-grammar"]
    assert f.severity == severity
    op, keys = next(iter(condition.items()))
    assert f.pointer == "/Statement/0" + json_pointer("Condition", op, next(iter(keys)))


@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"aws:SecureTransport": "true"}},
        {"NumericLessThanEquals": {"aws:MultiFactorAuthAge": 3600}},
        {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01"}},
        {"DateLessThan": {"aws:CurrentTime": "2030-01-31T12:00:00Z"}},
        {"DateLessThan": {"aws:EpochTime": "1893456000"}},
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]}},
        {"StringLike": {"aws:userid": "AROA*:${aws:username}"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/app-*"}},
    ],
)
def test_well_typed_condition_values_are_fine(condition):
    assert "invalid-grammar" not in {f.code for f in _condition_findings(condition)}


def test_a_condition_key_twice_in_different_case_is_invalid_grammar():
    condition = {"StringEquals": {"aws:RequestedRegion": "us-east-1", "aws:requestedregion": "x"}}
    found = [f for f in _condition_findings(condition) if f.code == "invalid-grammar"]
    assert [f.pointer for f in found] == ["/Statement/0/Condition/StringEquals/aws:requestedregion"]


@pytest.mark.parametrize(
    ("principal", "says"),
    [
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:role/*"}, "wildcard"),
        ({"AWS": "arn:aws:iam::*:root"}, "wildcard"),
        ({"AWS": "alice"}, "not an AWS principal"),
        ({"Service": "*.amazonaws.com"}, "wildcard"),
        ({"Service": "lambda"}, "service principal"),
        ({"Federated": "github"}, "federated principal"),
        (
            {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
            "S3",
        ),
    ],
)
def test_principals_iam_rejects_in_a_trust_policy_are_invalid_grammar(principal, says):
    found = [f for f in findings(trust(principal), "trust") if f.code == "invalid-grammar"]
    assert len(found) == 1 and says in found[0].message
    assert found[0].pointer.startswith("/Statement/0/Principal/")


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": ACCOUNT},
        {"AWS": [f"arn:aws:iam::{ACCOUNT}:root", f"arn:aws:iam::{ACCOUNT}:role/ci/deployer"]},
        {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/admin/alice"},
        {"AWS": "AROA1234567890EXAMPLE"},
        {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"},
        {"Federated": "cognito-identity.amazonaws.com"},
        {"Service": ["lambda.amazonaws.com", "states.us-east-1.amazonaws.com"]},
    ],
)
def test_well_formed_principals_are_fine(principal):
    condition = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert "invalid-grammar" not in codes(trust(principal, condition), "trust")


def test_an_identity_policy_with_a_stray_principal_is_read_as_identity():
    document = doc(
        allow("dynamodb:GetItem", Principal={"AWS": ACCOUNT}),
        allow("lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:123456789012:function:*"),
    )
    found = lint_text(json.dumps(document))
    assert [f.pointer for f in found if f.code == "invalid-grammar"] == ["/Statement/0/Principal"]
    assert "privilege-escalation" in {f.code for f in found}


def test_a_trust_policy_with_a_stray_resource_is_read_as_trust():
    document = trust({"Service": "lambda.amazonaws.com"})
    document["Statement"][0]["Resource"] = "*"
    found = lint_text(json.dumps(document))
    assert [f.pointer for f in found if f.code == "invalid-grammar"] == ["/Statement/0/Resource"]


# --------------------------------------------------------------------------- bad input, speed


def test_ten_megabyte_document_lints_in_seconds():
    statements = [
        allow(
            ["dynamodb:GetItem", "dynamodb:Query"],
            [f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T{i}-{j}" for j in range(50)],
            Sid=f"S{i}",
        )
        for i in range(3_500)
    ]
    text = json.dumps(doc(*statements))
    assert len(text) > 10_000_000
    start = time.perf_counter()
    found = lint_text(text)
    assert time.perf_counter() - start < 10
    assert {f.code for f in found} == {"size-exceeded"}


def test_ten_megabyte_wildcard_resource_is_not_matched_quadratically():
    text = json.dumps(doc(allow("s3:GetObject", "arn:aws:s3:::b/" + "x*" * 5_000_000)))
    start = time.perf_counter()
    found = lint_text(text)
    assert time.perf_counter() - start < 5
    assert {f.code for f in found} == {"size-exceeded"}


def test_deep_nesting_inside_a_condition_is_a_finding_not_a_crash():
    value: Any = "x"
    for _ in range(800):
        value = [value]
    st_ = allow("dynamodb:GetItem", Condition={"StringEquals": {"aws:SourceVpc": value}})
    assert "invalid-grammar" in codes(doc(st_))


def test_fails_respects_the_threshold():
    found = findings(doc(allow("dynamodb:PutItem", "*")))
    assert (fails(found, "error"), fails(found, "warning"), fails(found, "never")) == (
        False,
        True,
        False,
    )


def test_every_code_has_a_severity_and_description():
    assert all(sev in ("error", "warning", "info") and text for sev, text in CODES.values())


# --------------------------------------------------------------------------- the composer's output


CAT = catalog()
KINDS = [k for k in CAT.kinds if k != "custom"]
REGIONS = ["us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1", "cn-north-1"]
CUSTOM = [
    (["ses:SendEmail"], ["arn:aws:ses:{R}:{A}:identity/example.com"]),
    (["dynamodb:GetItem"], ["arn:aws:dynamodb:{R}:{A}:table/Extra"]),
    (["sqs:SendMessage"], ["arn:aws:sqs:{R}:{A}:extra-queue"]),
    (["cloudwatch:PutMetricData"], ["*"]),
]


def _text(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True).filter(lambda s: 0 < len(s) <= 60)


@st.composite
def resource_entries(draw: st.DrawFn) -> dict[str, Any]:
    kind_name = draw(st.sampled_from(KINDS))
    kind = CAT.kinds[kind_name]
    entry: dict[str, Any] = {
        "kind": kind_name,
        "access": draw(st.sampled_from(sorted(kind.profiles))),
    }
    for name, spec in kind.fields.items():
        if spec.required or draw(st.booleans()):
            entry[name] = draw(_text(spec.pattern or ".+"))
    return entry


@st.composite
def role_specs(draw: st.DrawFn) -> tuple[dict[str, Any], str, str, bool]:
    account = draw(st.from_regex(r"\d{12}", fullmatch=True))
    region = draw(st.sampled_from(REGIONS))
    data: dict[str, Any] = {
        "function": draw(_text(FUNCTION_RE.pattern)),
        "boundary": draw(
            st.sampled_from(
                ["envelope", "strict", "none", f"arn:aws:iam::{ACCOUNT}:policy/Ceiling"]
            )
        ),
        "logs": draw(st.booleans()),
        "tracing": draw(st.booleans()),
        "vpc": draw(st.booleans()),
        "deployer": draw(st.booleans()),
        "resources": draw(st.lists(resource_entries(), max_size=6)),
    }
    for i in draw(st.lists(st.sampled_from(range(len(CUSTOM))), max_size=2, unique=True)):
        actions, resources = CUSTOM[i]
        data["resources"].append(
            {
                "kind": "custom",
                "actions": actions,
                "resources": [r.format(R=region, A=account) for r in resources],
            }
        )
    in_spec = draw(st.booleans())
    if in_spec:
        data["account"], data["region"] = account, region
    return data, account, region, in_spec


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(role_specs())
def test_everything_build_produces_validates_without_errors_or_warnings(case):
    data, account, region, in_spec = case
    try:
        spec = spec_from_data(data, SpecContext())
        if not in_spec:  # what `build --account --region` does for a spec that leaves them open
            spec.account, spec.region = account, region
        bundle = compose(spec)
    except UserError:
        return  # the composer refused the spec: nothing was built
    bad = [f for f in lint_bundle(bundle) if f.severity in ("error", "warning")]
    assert not bad, "\n".join(f"{f.code} {f.pointer}: {f.message}" for f in bad)
