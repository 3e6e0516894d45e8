"""Policy evaluation, from the IAM User Guide's "Policy evaluation logic",
"Permissions boundaries", "NotAction", "NotResource", "Resource" and
"Policy variables" pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.errors import UserError
from wizard.policy.conditions import normalise_context
from wizard.policy.evaluate import (
    ALLOWED,
    EXPLICITLY_DENIED,
    IMPLICITLY_DENIED,
    CompiledPolicy,
    Evaluation,
    Evaluator,
    StatementRef,
    evaluate,
)


def stmt(effect: str = "Allow", action: Any = "*", resource: Any = "*", **extra: Any) -> dict:
    out: dict[str, Any] = {"Effect": effect}
    if "not_action" in extra:
        out["NotAction"] = extra.pop("not_action")
    else:
        out["Action"] = action
    if "not_resource" in extra:
        out["NotResource"] = extra.pop("not_resource")
    else:
        out["Resource"] = resource
    out.update(extra)
    return out


def doc(*statements: dict, version: str | None = "2012-10-17") -> dict:
    out: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        out["Version"] = version
    return out


def decide(action: str, resource: str, *statements: dict, context: Any = None) -> str:
    return Evaluator([doc(*statements)]).evaluate(action, resource, context).decision


BUCKET_OBJ = "arn:aws:s3:::bucket/key"

# --------------------------------------------------------------------------- decisions


def test_allow_statement_allows() -> None:
    assert decide("s3:GetObject", BUCKET_OBJ, stmt(action="s3:GetObject")) == ALLOWED


def test_no_policies_is_implicit_deny() -> None:
    result = Evaluator([]).evaluate("s3:GetObject", BUCKET_OBJ)
    assert result.decision == IMPLICITLY_DENIED
    assert result.reason == "no identity policy allows it"
    assert result.statements == ()


def test_unmatched_action_is_implicit_deny() -> None:
    assert decide("s3:PutObject", BUCKET_OBJ, stmt(action="s3:GetObject")) == IMPLICITLY_DENIED


def test_explicit_deny_beats_allow_in_same_policy() -> None:
    allow = stmt(action="s3:*")
    deny = stmt("Deny", action="s3:DeleteObject", Sid="NoDelete")
    assert decide("s3:DeleteObject", BUCKET_OBJ, allow, deny) == EXPLICITLY_DENIED


def test_explicit_deny_beats_allow_across_policies() -> None:
    ev = Evaluator([doc(stmt(action="s3:*")), doc(stmt("Deny", action="s3:Delete*"))])
    assert ev.evaluate("s3:DeleteObject", BUCKET_OBJ).decision == EXPLICITLY_DENIED


def test_explicit_deny_lists_the_denying_statements() -> None:
    ev = Evaluator(
        [
            ("base", doc(stmt(action="s3:*"), stmt("Deny", action="s3:Delete*", Sid="D1"))),
            ("extra", doc(stmt("Deny", action="*"))),
        ]
    )
    result = ev.evaluate("s3:DeleteObject", BUCKET_OBJ)
    assert result.statements == (
        StatementRef("base", 0, 1, "D1", "Deny"),
        StatementRef("extra", 1, 0, None, "Deny"),
    )
    assert result.reason == "explicitly denied by an identity policy"


def test_boundary_deny_beats_identity_allow() -> None:
    ev = Evaluator(
        [doc(stmt(action="s3:*"))],
        boundary=doc(stmt(action="*"), stmt("Deny", action="s3:DeleteObject", Sid="B")),
    )
    result = ev.evaluate("s3:DeleteObject", BUCKET_OBJ)
    assert result.decision == EXPLICITLY_DENIED
    assert result.statements == (StatementRef("boundary", None, 1, "B", "Deny"),)
    assert result.reason == "explicitly denied by the permissions boundary"


def test_boundary_deny_is_explicit_even_without_identity_allow() -> None:
    ev = Evaluator([], boundary=doc(stmt("Deny", action="s3:*")))
    assert ev.evaluate("s3:GetObject", BUCKET_OBJ).decision == EXPLICITLY_DENIED


def test_boundary_that_does_not_allow_is_implicit_deny() -> None:
    ev = Evaluator([doc(stmt(action="*"))], boundary=doc(stmt(action="s3:*")))
    result = ev.evaluate("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/T")
    assert result.decision == IMPLICITLY_DENIED
    assert result.reason == "the permissions boundary does not allow it"
    assert result.statements == ()


def test_boundary_alone_does_not_grant() -> None:
    ev = Evaluator([doc(stmt(action="s3:GetObject"))], boundary=doc(stmt(action="*")))
    result = ev.evaluate("s3:PutObject", BUCKET_OBJ)
    assert result.decision == IMPLICITLY_DENIED
    assert result.reason == "no identity policy allows it"


def test_allowed_lists_identity_then_boundary_statements() -> None:
    ev = Evaluator(
        [("p", doc(stmt(action="s3:Get*", Sid="Read")))],
        boundary=doc(stmt(action="s3:*", Sid="Cap")),
    )
    result = ev.evaluate("s3:GetObject", BUCKET_OBJ)
    assert result.decision == ALLOWED
    assert result.statements == (
        StatementRef("p", 0, 0, "Read", "Allow"),
        StatementRef("boundary", None, 0, "Cap", "Allow"),
    )


def test_unnamed_policies_are_labelled_by_index() -> None:
    ev = Evaluator([doc(stmt(action="iam:*")), doc(stmt(action="s3:*"))])
    assert ev.evaluate("s3:GetObject", BUCKET_OBJ).statements[0].policy == "#1"


def test_to_dict_round_trips_through_json() -> None:
    ev = Evaluator([("p", doc(stmt(action="s3:*", Sid="S")))])
    data = json.loads(json.dumps(ev.evaluate("s3:GetObject", BUCKET_OBJ).to_dict()))
    assert data["decision"] == "Allowed"
    assert data["statements"] == [
        {"policy": "p", "policy_index": 0, "statement": 0, "sid": "S", "effect": "Allow"}
    ]


def test_evaluation_is_frozen() -> None:
    result = Evaluation(ALLOWED)
    with pytest.raises(AttributeError):
        result.decision = IMPLICITLY_DENIED  # type: ignore[misc]


def test_one_off_evaluate_function() -> None:
    assert evaluate("s3:GetObject", BUCKET_OBJ, [doc(stmt(action="s3:*"))]).allowed


def test_compiled_policies_can_be_shared_between_evaluators() -> None:
    policy = CompiledPolicy.from_document(doc(stmt(action="s3:*")), "shared")
    assert Evaluator([policy]).evaluate("s3:GetObject", BUCKET_OBJ).statements[0].policy == "shared"
    boundary = CompiledPolicy.from_document(doc(stmt(action="ec2:*")))
    assert not Evaluator([policy], boundary).evaluate("s3:GetObject", BUCKET_OBJ).allowed


def test_get_caller_identity_needs_no_permission() -> None:
    # STS API Reference, GetCallerIdentity: "No permissions are required to perform this
    # operation. If an administrator attaches a policy to your identity that explicitly denies
    # access to the sts:GetCallerIdentity action, you can still perform this operation."
    deny_all = doc(stmt("Deny"))
    for action in ("sts:GetCallerIdentity", "STS:getcalleridentity"):
        result = Evaluator([deny_all], doc(stmt("Deny"))).evaluate(action, "*")
        assert result.decision == ALLOWED
        assert result.statements == ()
        assert "needs no permission" in result.reason
    assert Evaluator([]).evaluate("sts:GetCallerIdentity", "*").allowed
    assert not Evaluator([]).evaluate("sts:GetSessionToken", "*").allowed


# --------------------------------------------------------------------------- actions


def test_service_wildcard_action() -> None:
    assert decide("s3:GetObject", BUCKET_OBJ, stmt(action="s3:*")) == ALLOWED
    assert decide("s3express:CreateSession", "*", stmt(action="s3:*")) == IMPLICITLY_DENIED


def test_star_action_matches_every_service() -> None:
    assert decide("kms:Decrypt", "*", stmt(action="*")) == ALLOWED


def test_action_matching_is_case_insensitive() -> None:
    assert decide("S3:getobject", BUCKET_OBJ, stmt(action="s3:GetObject")) == ALLOWED
    assert decide("s3:GetObject", BUCKET_OBJ, stmt(action="S3:GETOBJECT")) == ALLOWED


def test_action_question_mark_is_one_character() -> None:
    s = stmt(action="s3:Get?bject")
    assert decide("s3:GetObject", BUCKET_OBJ, s) == ALLOWED
    assert decide("s3:Getbject", BUCKET_OBJ, s) == IMPLICITLY_DENIED


def test_action_wildcard_in_the_middle() -> None:
    s = stmt(action="iam:*AccessKey*")
    assert decide("iam:CreateAccessKey", "*", s) == ALLOWED
    assert decide("iam:ListAccessKeys", "*", s) == ALLOWED
    assert decide("iam:CreateUser", "*", s) == IMPLICITLY_DENIED


def test_action_list_is_ored() -> None:
    s = stmt(action=["sqs:SendMessage", "sns:Publish"])
    assert decide("sns:Publish", "*", s) == ALLOWED
    assert decide("sqs:DeleteQueue", "*", s) == IMPLICITLY_DENIED


def test_wildcard_in_service_prefix() -> None:
    assert decide("logs:PutLogEvents", "*", stmt(action="lo*:Put*")) == ALLOWED


def test_not_action_allow_applies_to_other_actions() -> None:
    s = stmt(not_action="iam:*")
    assert decide("s3:GetObject", BUCKET_OBJ, s) == ALLOWED
    assert decide("iam:CreateUser", "*", s) == IMPLICITLY_DENIED


def test_not_action_deny_denies_everything_else() -> None:
    allow = stmt(action="*")
    deny = stmt("Deny", not_action=["iam:Get*", "iam:List*"])
    assert decide("iam:ListRoles", "*", allow, deny) == ALLOWED
    assert decide("iam:CreateRole", "*", allow, deny) == EXPLICITLY_DENIED
    assert decide("s3:GetObject", BUCKET_OBJ, allow, deny) == EXPLICITLY_DENIED


def test_empty_action_list_matches_nothing() -> None:
    assert decide("s3:GetObject", BUCKET_OBJ, stmt(action=[])) == IMPLICITLY_DENIED


# --------------------------------------------------------------------------- resources


def test_resource_star_matches_everything() -> None:
    assert decide("s3:GetObject", BUCKET_OBJ, stmt(resource="*")) == ALLOWED
    assert decide("s3:ListAllMyBuckets", "*", stmt(resource="*")) == ALLOWED


def test_arn_pattern_does_not_match_request_resource_star() -> None:
    assert decide("s3:ListAllMyBuckets", "*", stmt(resource="arn:aws:s3:::*")) == IMPLICITLY_DENIED


def test_bucket_prefix_does_not_match_longer_bucket_name() -> None:
    s = stmt(resource="arn:aws:s3:::bucket/*")
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/a", s) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::bucketx/a", s) == IMPLICITLY_DENIED


def test_star_in_resource_part_crosses_slashes() -> None:
    s = stmt(resource="arn:aws:s3:::bucket/*")
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/a/b/c.txt", s) == ALLOWED


def test_star_in_resource_part_crosses_colons() -> None:
    s = stmt(resource="arn:aws:lambda:us-east-1:111122223333:function:*")
    arn = "arn:aws:lambda:us-east-1:111122223333:function:f:prod"
    assert decide("lambda:InvokeFunction", arn, s) == ALLOWED


def test_table_arn_does_not_match_its_indexes() -> None:
    s = stmt(resource="arn:aws:dynamodb:*:123456789012:table/T")
    assert decide("dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/T", s) == ALLOWED
    index = "arn:aws:dynamodb:us-east-1:123456789012:table/T/index/I"
    assert decide("dynamodb:Query", index, s) == IMPLICITLY_DENIED
    assert decide("dynamodb:Query", index, stmt(resource=s["Resource"] + "/index/*")) == ALLOWED


def test_wildcard_in_an_arn_segment_does_not_cross_colons() -> None:
    # "*" stands for the region only, so "function" would have to be the account.
    s = stmt(resource="arn:aws:lambda:*:function:f")
    arn = "arn:aws:lambda:us-east-1:111122223333:function:f"
    assert decide("lambda:InvokeFunction", arn, s) == IMPLICITLY_DENIED


def test_wildcard_account_segment() -> None:
    s = stmt(resource="arn:aws:iam::*:role/app-*")
    assert decide("iam:PassRole", "arn:aws:iam::111122223333:role/app-x", s) == ALLOWED
    assert decide("iam:PassRole", "arn:aws:iam::111122223333:user/app-x", s) == IMPLICITLY_DENIED


def test_resource_question_mark_is_one_character() -> None:
    s = stmt(resource="arn:aws:s3:::logs-20??/*")
    assert decide("s3:GetObject", "arn:aws:s3:::logs-2024/x", s) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::logs-202/x", s) == IMPLICITLY_DENIED


def test_resource_matching_is_case_sensitive() -> None:
    s = stmt(resource="arn:aws:s3:::Bucket/*")
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/a", s) == IMPLICITLY_DENIED


def test_resource_list_is_ored() -> None:
    s = stmt(resource=["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"])
    assert decide("s3:GetObject", "arn:aws:s3:::b/x", s) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::c/x", s) == IMPLICITLY_DENIED


def test_not_resource_allow_applies_to_other_resources() -> None:
    s = stmt(action="s3:*", not_resource="arn:aws:s3:::secret/*")
    assert decide("s3:GetObject", "arn:aws:s3:::public/x", s) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::secret/x", s) == IMPLICITLY_DENIED


def test_not_resource_deny_denies_everything_else() -> None:
    allow = stmt(action="s3:*")
    deny = stmt("Deny", action="s3:*", not_resource=["arn:aws:s3:::ok", "arn:aws:s3:::ok/*"])
    assert decide("s3:GetObject", "arn:aws:s3:::ok/x", allow, deny) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::other/x", allow, deny) == EXPLICITLY_DENIED


def test_regex_characters_in_resources_are_literal() -> None:
    s = stmt(resource="arn:aws:s3:::a.b/(x)+")
    assert decide("s3:GetObject", "arn:aws:s3:::a.b/(x)+", s) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::aXb/(x)+", s) == IMPLICITLY_DENIED


# --------------------------------------------------------------------------- policy variables


HOME = "arn:aws:s3:::home/${aws:username}/*"


def test_username_variable_in_resource() -> None:
    s = stmt(resource=HOME)
    ctx = {"aws:username": "bob"}
    assert decide("s3:GetObject", "arn:aws:s3:::home/bob/x", s, context=ctx) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::home/ann/x", s, context=ctx) == IMPLICITLY_DENIED


def test_variable_lookup_is_case_insensitive() -> None:
    s = stmt(resource="arn:aws:s3:::home/${AWS:UserName}/*")
    ctx = {"aws:USERNAME": "bob"}
    assert decide("s3:GetObject", "arn:aws:s3:::home/bob/x", s, context=ctx) == ALLOWED


def test_principal_tag_variable_in_resource() -> None:
    s = stmt(resource="arn:aws:s3:::teams/${aws:PrincipalTag/team}/*")
    ctx = {"aws:PrincipalTag/team": "red"}
    assert decide("s3:GetObject", "arn:aws:s3:::teams/red/x", s, context=ctx) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::teams/blue/x", s, context=ctx) == IMPLICITLY_DENIED


def test_missing_variable_makes_resource_entry_not_match() -> None:
    s = stmt(resource=HOME)
    assert decide("s3:GetObject", "arn:aws:s3:::home//x", s, context={}) == IMPLICITLY_DENIED
    arn = "arn:aws:s3:::home/${aws:username}/x"
    assert decide("s3:GetObject", arn, s, context={}) == IMPLICITLY_DENIED


def test_missing_variable_in_one_entry_does_not_spoil_the_others() -> None:
    s = stmt(resource=[HOME, "arn:aws:s3:::public/*"])
    assert decide("s3:GetObject", "arn:aws:s3:::public/x", s, context={}) == ALLOWED


def test_variable_default_value_when_key_missing() -> None:
    s = stmt(resource="arn:aws:s3:::teams/${aws:PrincipalTag/team, 'shared'}/*")
    assert decide("s3:GetObject", "arn:aws:s3:::teams/shared/x", s, context={}) == ALLOWED
    ctx = {"aws:PrincipalTag/team": "red"}
    assert (
        decide("s3:GetObject", "arn:aws:s3:::teams/shared/x", s, context=ctx) == IMPLICITLY_DENIED
    )


def test_default_value_with_doubled_quote() -> None:
    s = stmt(resource="arn:aws:s3:::b/${aws:username, 'o''neil'}")
    assert decide("s3:GetObject", "arn:aws:s3:::b/o'neil", s, context={}) == ALLOWED


def test_star_variable_is_a_literal_star_in_resource() -> None:
    s = stmt(resource="arn:aws:s3:::bucket/${*}")
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/*", s) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/x", s) == IMPLICITLY_DENIED


def test_question_variable_is_a_literal_question_mark() -> None:
    s = stmt(resource="arn:aws:s3:::bucket/a${?}")
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/a?", s) == ALLOWED
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/ab", s) == IMPLICITLY_DENIED


def test_dollar_variable_is_a_literal_dollar() -> None:
    s = stmt(resource="arn:aws:s3:::bucket/${$}{x}")
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/${x}", s) == ALLOWED


def test_wildcards_in_a_variable_value_are_literal() -> None:
    s = stmt(resource=HOME)
    ctx = {"aws:username": "*"}
    assert decide("s3:GetObject", "arn:aws:s3:::home/bob/x", s, context=ctx) == IMPLICITLY_DENIED
    assert decide("s3:GetObject", "arn:aws:s3:::home/*/x", s, context=ctx) == ALLOWED


def test_multivalued_key_cannot_be_a_variable() -> None:
    s = stmt(resource="arn:aws:s3:::b/${aws:TagKeys}")
    ctx = {"aws:TagKeys": ["a", "b"]}
    assert decide("s3:GetObject", "arn:aws:s3:::b/a", s, context=ctx) == IMPLICITLY_DENIED


@pytest.mark.parametrize("version", ["2008-10-17", None])
def test_variables_are_literal_text_before_2012_version(version: str | None) -> None:
    ev = Evaluator([doc(stmt(resource=HOME), version=version)])
    ctx = {"aws:username": "bob"}
    assert not ev.evaluate("s3:GetObject", "arn:aws:s3:::home/bob/x", ctx).allowed
    assert ev.evaluate("s3:GetObject", "arn:aws:s3:::home/${aws:username}/x", ctx).allowed


def test_not_resource_with_variable() -> None:
    allow = stmt(action="s3:*")
    deny = stmt("Deny", action="s3:*", not_resource=HOME)
    ctx = {"aws:username": "bob"}
    assert decide("s3:GetObject", "arn:aws:s3:::home/bob/x", allow, deny, context=ctx) == ALLOWED
    result = decide("s3:GetObject", "arn:aws:s3:::home/ann/x", allow, deny, context=ctx)
    assert result == EXPLICITLY_DENIED


def test_not_resource_with_unresolvable_variable_does_not_apply() -> None:
    # "Policy variables": "If AWS cannot resolve a variable this might cause the entire
    # statement to be invalid" -- so a NotResource entry that cannot be resolved must not make
    # its statement apply to every resource.
    allow = stmt(action="s3:*")
    deny = stmt("Deny", action="s3:*", not_resource=HOME)
    assert decide("s3:GetObject", "arn:aws:s3:::other/x", allow, deny, context={}) == ALLOWED
    grant = stmt(action="s3:*", not_resource=[HOME, "arn:aws:s3:::secret/*"])
    assert decide("s3:GetObject", "arn:aws:s3:::other/x", grant, context={}) == IMPLICITLY_DENIED
    # resolvable: the statement applies to what the entries do not name
    ctx = {"aws:username": "bob"}
    assert decide("s3:GetObject", "arn:aws:s3:::other/x", grant, context=ctx) == ALLOWED
    assert (
        decide("s3:GetObject", "arn:aws:s3:::home/bob/x", grant, context=ctx) == IMPLICITLY_DENIED
    )


def test_one_valued_list_is_a_multivalued_key_and_not_a_variable() -> None:
    # "Single-valued vs. multivalued context keys": "you can't use a multivalued context key
    # as a policy variable" -- a key given as a list is multivalued, whatever its length.
    s = stmt(resource="arn:aws:s3:::b/${aws:CalledVia}")
    obj = "arn:aws:s3:::b/a"
    assert decide("s3:GetObject", obj, s, context={"aws:CalledVia": ["a"]}) == IMPLICITLY_DENIED
    assert decide("s3:GetObject", obj, s, context={"aws:CalledVia": "a"}) == ALLOWED


# --------------------------------------------------------------------------- conditions in context


def test_condition_on_deny_statement() -> None:
    allow = stmt(action="s3:*")
    deny = stmt("Deny", action="s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}})
    ctx_plain = {"aws:SecureTransport": "false"}
    assert decide("s3:GetObject", BUCKET_OBJ, allow, deny, context=ctx_plain) == EXPLICITLY_DENIED
    ctx_tls = {"aws:SecureTransport": "true"}
    assert decide("s3:GetObject", BUCKET_OBJ, allow, deny, context=ctx_tls) == ALLOWED


def test_results_do_not_leak_between_contexts_on_the_same_request() -> None:
    ev = Evaluator([doc(stmt(action="s3:*", Condition={"StringEquals": {"aws:username": "bob"}}))])
    assert ev.evaluate("s3:GetObject", BUCKET_OBJ, {"aws:username": "bob"}).allowed
    assert not ev.evaluate("s3:GetObject", BUCKET_OBJ, {"aws:username": "ann"}).allowed
    assert ev.evaluate("s3:GetObject", BUCKET_OBJ, {"aws:username": "bob"}).allowed


def test_context_free_answers_are_reused() -> None:
    ev = Evaluator([doc(stmt(action="s3:*"))])
    assert ev.evaluate("s3:GetObject", BUCKET_OBJ) is ev.evaluate("s3:GetObject", BUCKET_OBJ)


def test_cache_limit_does_not_change_answers() -> None:
    ev = Evaluator([doc(stmt(action="s3:Get*"))], cache_size=2)
    for _ in range(3):
        for action in ("s3:GetObject", "s3:PutObject", "s3:GetBucketPolicy"):
            assert ev.evaluate(action, BUCKET_OBJ).allowed == action.startswith("s3:Get")


def test_bad_context_value_raises_user_error() -> None:
    ev = Evaluator([doc(stmt(Condition={"StringEquals": {"k:x": "a"}}))])
    with pytest.raises(UserError, match="k:x"):
        ev.evaluate("s3:GetObject", BUCKET_OBJ, {"k:x": {"nested": 1}})


# --------------------------------------------------------------------------- malformed documents


def malformed(document: Any, name: str = "p") -> str:
    with pytest.raises(UserError) as err:
        Evaluator([(name, document)])
    message = str(err.value)
    assert "\n" not in message
    return message


def test_missing_effect_names_policy_and_pointer() -> None:
    message = malformed(doc(stmt(), stmt(), {"Action": "*", "Resource": "*"}), "app")
    assert "'app'" in message
    assert "/Statement/2/Effect" in message


def test_bad_effect_value() -> None:
    assert "/Statement/0/Effect" in malformed(doc(stmt(effect="allow")))


def test_non_object_document() -> None:
    assert "'p'" in malformed(["not", "a", "policy"])


def test_missing_statement() -> None:
    assert "/Statement" in malformed({"Version": "2012-10-17"})


def test_non_object_statement() -> None:
    assert "/Statement/1" in malformed(doc(stmt(), "oops"))  # type: ignore[arg-type]


def test_missing_action() -> None:
    assert "/Statement/0/Action" in malformed(doc({"Effect": "Allow", "Resource": "*"}))


def test_both_action_and_not_action() -> None:
    s = {"Effect": "Allow", "Action": "*", "NotAction": "iam:*", "Resource": "*"}
    assert "both" in malformed(doc(s))


def test_missing_resource() -> None:
    assert "/Statement/0/Resource" in malformed(doc({"Effect": "Allow", "Action": "*"}))


def test_non_string_action_entry() -> None:
    assert "/Statement/0/Action/1" in malformed(doc(stmt(action=["s3:GetObject", 7])))


def test_non_object_condition() -> None:
    assert "/Statement/0/Condition" in malformed(doc(stmt(Condition=["x"])))


def test_malformed_boundary_is_named_boundary() -> None:
    with pytest.raises(UserError, match="'boundary'"):
        Evaluator([], boundary={"Statement": [{"Action": "*", "Resource": "*"}]})


def test_unnamed_policy_is_named_by_index_in_errors() -> None:
    with pytest.raises(UserError, match="'#1'"):
        Evaluator([doc(stmt()), {"Statement": [{"Effect": "Allow"}]}])


def test_single_statement_object_is_accepted() -> None:
    ev = Evaluator([{"Version": "2012-10-17", "Statement": stmt(action="s3:*")}])
    assert ev.evaluate("s3:GetObject", BUCKET_OBJ).allowed


def test_json_text_is_accepted_and_bad_json_is_a_user_error() -> None:
    policy = CompiledPolicy.from_document(json.dumps(doc(stmt(action="s3:*"))), "text")
    assert Evaluator([policy]).evaluate("s3:GetObject", BUCKET_OBJ).allowed
    with pytest.raises(UserError, match="not valid JSON"):
        CompiledPolicy.from_document("{", "broken")


# --------------------------------------------------------------------------- fast paths


_ARN_CHARS = "ab:/*?-"


@st.composite
def _pattern_and_resource(draw):
    """An ARN pattern and a resource: half the time the pattern with its wildcards filled in
    (so it matches, or nearly: a segment-bound wildcard may have been given a colon)."""
    pattern = draw(
        st.text(alphabet=_ARN_CHARS, max_size=24).map(lambda t: "arn:aws:s3:::" + t)
        | st.text(alphabet=_ARN_CHARS, max_size=30)
    )
    if draw(st.booleans()):
        resource = "".join(
            draw(st.text(alphabet="ab:/", max_size=4))
            if c == "*"
            else draw(st.sampled_from("ab:/"))
            if c == "?"
            else c
            for c in pattern
        )
    else:
        resource = draw(st.text(alphabet="ab:/-", max_size=30))
    return pattern, resource


@settings(max_examples=500, deadline=None)
@given(case=_pattern_and_resource())
def test_named_and_prefix_resources_match_as_their_regex_does(case):
    """Plain ARNs (set membership) and ``prefix*`` ARNs (startswith) decide as the ARN regex."""
    import re

    from wizard.policy.evaluate import CompiledStatement
    from wizard.policy.patterns import arn_regex

    pattern, resource = case
    raw = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": pattern}
    stmt = CompiledStatement(raw, 0, variables=True, label="p", base=())
    expected = re.fullmatch(arn_regex(((pattern, True),)), resource, re.DOTALL) is not None
    assert stmt.resource_applies(resource, {}) is expected


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.text(alphabet="sS3:gGeEtT*?", min_size=1, max_size=14),
    action=st.text(alphabet="sS3:gGeEtT", max_size=14),
)
def test_named_actions_match_case_insensitively_as_their_regex_does(pattern, action):
    import re

    from wizard.policy.evaluate import CompiledStatement
    from wizard.policy.patterns import glob_regex

    raw = {"Effect": "Allow", "Action": pattern, "Resource": "*"}
    stmt = CompiledStatement(raw, 0, variables=True, label="p", base=())
    rx = glob_regex(((pattern, True),))
    assert stmt.action_applies(action) is (
        re.fullmatch(rx, action, re.DOTALL | re.IGNORECASE) is not None
    )


def test_one_evaluator_answers_threads_as_it_answers_one_caller():
    """Threads racing to fill (and clear) the evaluator's caches get the answers one caller gets."""
    from concurrent.futures import ThreadPoolExecutor

    policy = doc(
        stmt(action=["s3:Get*", "s3:PutObject"], resource="arn:aws:s3:::b/*"),
        stmt("Deny", action="s3:PutObject", resource="arn:aws:s3:::b/private/*"),
        stmt(action="dynamodb:Query", resource="arn:aws:dynamodb:us-east-1:1:table/t*"),
    )
    requests = [
        (action, resource)
        for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "dynamodb:Query")
        for resource in (
            *(f"arn:aws:s3:::b/{d}/{i}" for d in ("public", "private") for i in range(40)),
            *(f"arn:aws:dynamodb:us-east-1:1:table/t{i}" for i in range(40)),
        )
    ]
    expected = [Evaluator([policy]).evaluate(a, r).decision for a, r in requests]
    shared = Evaluator([policy], cache_size=16)  # small: the caches are cleared while in use

    def answer(_: int) -> list[str]:
        return [shared.evaluate(a, r).decision for a, r in requests]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(answer, range(8)))
    assert all(r == expected for r in results)
    assert {ALLOWED, EXPLICITLY_DENIED, IMPLICITLY_DENIED} <= set(expected)


_INDEX_RESOURCES = [
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/x*",
    "arn:aws:s3:::b/*/y",
    "arn:aws:s3:::b/?",
    "arn:aws:s3:::b/x?",
    "arn:aws:s3:::b*/*",
    "arn:aws:s3:::b/*:y",
    "arn:aws:s3:*:*:b/x*",
    "arn:aws:s3*:::b/*",  # a wildcard in the service segment: matches nothing
    "arn:aws:dynamodb:*:1:table/t*x?",
    "arn:aws:dynamodb:us-?ast-1:1:table/t1*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::b/${aws:username}",
    "arn:aws:s3:::${aws:username}",
    "arn:aws:s3:::c/k",
    "b*",
    "?",
    "x",
]

# Statements with an Action, and a Resource or NotResource list of the patterns above.
_STATEMENTS = st.lists(
    st.builds(
        lambda effect, action, key, patterns: {"Effect": effect, "Action": action, key: patterns},
        st.sampled_from(["Allow", "Deny"]),
        st.sampled_from(["s3:GetObject", "s3:Get*", "s3:*", "*"]),
        st.sampled_from(["Resource", "NotResource"]),
        st.lists(st.sampled_from(_INDEX_RESOURCES), min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    statements=_STATEMENTS,
    resource=st.sampled_from(
        [
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/x",
            "arn:aws:s3:::b/xy",
            "arn:aws:s3:::b/z/y",
            "arn:aws:s3:::b/z:y",
            "arn:aws:s3:::bb/x",
            "arn:aws:s3:us-east-1:1:b/x1",
            "arn:aws:dynamodb:us-east-1:1:table/t1x2",
            "arn:aws:dynamodb:us-east-1:1:table/t1",
            "arn:aws:s3:::c/k",
            "b/x",
            "x",
            "*",
        ]
    ),
)
def test_statements_found_by_resource_index_are_those_a_scan_finds(statements, resource):
    """The evaluator finds a request's statements through an index by ARN (names, final-star
    prefixes, other wildcards by their literal lead; NotResource by what it excludes); a scan of
    every statement (the straightforward way) finds the same ones, in the same order."""
    from wizard.policy.evaluate import Evaluator

    ev = Evaluator([{"Version": "2012-10-17", "Statement": statements}])
    action = "s3:GetObject"

    def variable_resource(e) -> bool:  # kept only when it could match, for the context to say
        return bool(e.stmt.resource_templates) and not e.stmt.not_resource

    scanned = [
        e
        for e in ev._entries
        if e.stmt.action_applies(action)
        and (
            any(e.stmt.resource_applies(resource, normalise_context(c)) for c in _CONTEXTS)
            if variable_resource(e)
            else e.stmt.resource_templates or e.stmt.resource_applies(resource, {})
        )
    ]
    found = ev._for_request(action, resource)
    assert [e.order for e in found] == sorted({e.order for e in found})
    assert [e for e in found if not variable_resource(e)] == [
        e for e in scanned if not variable_resource(e)
    ]
    assert set(scanned) <= set(found)


_CONTEXTS = [{}, *({"aws:username": v} for v in ("x", "z", "y", "x/y", "k", "*"))]


@settings(max_examples=300, deadline=None)
@given(
    statements=_STATEMENTS,
    boundary=st.booleans(),
    resource=st.sampled_from(
        ["arn:aws:s3:::b/x", "arn:aws:s3:::b/x/k", "arn:aws:s3:::b/z/y", "arn:aws:s3:::x", "b/x"]
    ),
    context=st.sampled_from(_CONTEXTS),
)
def test_decisions_are_those_of_a_scan_of_every_statement(statements, boundary, resource, context):
    """Whatever the index skips, the decision and its statements are those of checking every
    statement against the request and its context, the way the evaluation logic reads."""
    from wizard.policy.evaluate import Evaluator

    doc = {"Version": "2012-10-17", "Statement": statements}
    ev = Evaluator([doc], doc if boundary else None)
    action = "s3:GetObject"
    ctx = normalise_context(context)
    deny, allow, boundary_allow = [], [], []
    for e in ev._entries:
        s = e.stmt
        if s.action_applies(action) and s.resource_applies(resource, ctx):
            (deny if not s.allow else boundary_allow if e.boundary else allow).append(e)
    expected = ev._decide(deny, allow, boundary_allow, ())
    got = ev.evaluate(action, resource, context)
    assert (got.decision, got.statements, got.reason) == (
        expected.decision,
        expected.statements,
        expected.reason,
    )
