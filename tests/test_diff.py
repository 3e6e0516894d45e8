"""``role-wizard diff`` and ``wizard.policy.diff``: the access NEW adds over OLD, and removes."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from cli_helpers import doc, one_line_error, write

from wizard.catalog.data import catalog_file
from wizard.catalog.reference import reference
from wizard.errors import UserError
from wizard.policy.diff import diff_policies
from wizard.policy.evaluate import CompiledPolicy
from wizard.policy.managed import (
    managed_policy,
    managed_policy_by_arn,
    managed_policy_names,
    managed_policy_record,
)
from wizard.policy.patterns import (
    glob_contains,
    globs_intersect,
    resource_contains,
    resources_intersect,
)

ACCOUNT = "123456789012"
MANAGED_DIR = catalog_file("managed")


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def added(old: dict, new: dict) -> set[str]:
    return diff_policies([old], [new]).added_actions()


def removed(old: dict, new: dict) -> set[str]:
    return diff_policies([old], [new]).removed_actions()


# --------------------------------------------------------------------------- containment


@pytest.mark.parametrize(
    ("outer", "inner"),
    [
        ("*", "arn:aws:s3:::b/x"),
        ("*", "arn:aws:s3:::b/*"),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*"),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x"),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/?"),
        ("arn:aws:s3:::*", "arn:aws:s3:::b/*"),
        ("arn:aws:logs:*:*:*", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/f:*"),
        ("arn:aws:sqs:*:123:q-*", "arn:aws:sqs:us-east-1:123:q-a*"),
        ("arn:aws:s3:::b/a*c", "arn:aws:s3:::b/a*b*c"),
        ("arn:aws:s3:::b/?*", "arn:aws:s3:::b/x*"),
    ],
)
def test_pattern_contains(outer: str, inner: str) -> None:
    assert resource_contains(outer, inner)


@pytest.mark.parametrize(
    ("outer", "inner"),
    [
        ("arn:aws:s3:::b/x/*", "arn:aws:s3:::b/*"),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::bx/*"),
        ("arn:aws:s3:::b/*", "*"),
        ("arn:aws:s3:::b/?", "arn:aws:s3:::b/*"),
        ("arn:aws:s3:::b/?*", "arn:aws:s3:::b/*"),  # b/ itself
        ("arn:aws:s3:::b/a*c", "arn:aws:s3:::b/a*"),
        ("arn:aws:dynamodb:*:123:table/T", "arn:aws:dynamodb:*:123:table/T/index/*"),
        # region and account wildcards stay inside their segment
        ("arn:aws:logs:*:123:*", "arn:aws:logs:a:b:123:*"),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::B/x"),  # resources are case-sensitive
    ],
)
def test_pattern_does_not_contain(outer: str, inner: str) -> None:
    assert not resource_contains(outer, inner)


def test_plain_glob_containment_with_question_marks_and_stars() -> None:
    assert glob_contains("a*", "a?*")
    assert not glob_contains("a?*", "a*")
    assert glob_contains("*a*", "ba*")


def test_glob_intersection() -> None:
    assert globs_intersect("a*", "*b")
    assert not globs_intersect("a*", "b*")
    assert not globs_intersect("a?", "abc")


def test_resource_patterns_that_share_no_arn_do_not_intersect() -> None:
    assert not resources_intersect("arn:aws:s3:::public/*", "arn:aws:s3:::secret/*")
    assert resources_intersect("arn:aws:s3:::*", "arn:aws:s3:::secret/*")


# --------------------------------------------------------------------------- the diff


def test_identical_policies_change_nothing() -> None:
    policy = doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/*"))
    result = diff_policies([policy], [policy])
    assert (result.added, result.removed, result.adds_access) == ((), (), False)


def test_wider_resource_is_added_access() -> None:
    old = doc(allow("s3:GetObject", "arn:aws:s3:::b/in/*"))
    new = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
    result = diff_policies([old], [new])
    assert [(c.actions, c.resources) for c in result.added] == [
        (("s3:GetObject",), ("arn:aws:s3:::b/*",))
    ]


def test_narrower_resource_is_removed_access_only() -> None:
    old = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
    new = doc(allow("s3:GetObject", "arn:aws:s3:::b/in/*"))
    result = diff_policies([old], [new])
    assert not result.adds_access
    assert result.removed_actions() == {"s3:GetObject"}


def test_new_action_is_added_with_its_service_and_access_level() -> None:
    old = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
    new = doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/*"))
    [change] = diff_policies([old], [new]).added
    assert (change.service, change.access_level, change.actions) == (
        "s3",
        "Write",
        ("s3:PutObject",),
    )


def test_dropped_action_is_removed() -> None:
    old = doc(allow(["sqs:ReceiveMessage", "sqs:DeleteMessage"], "arn:aws:sqs:*:1:q"))
    new = doc(allow("sqs:ReceiveMessage", "arn:aws:sqs:*:1:q"))
    assert (added(old, new), removed(old, new)) == (set(), {"sqs:DeleteMessage"})


def test_service_wildcard_expands_over_the_reference() -> None:
    old = doc(allow("s3:GetObject"))
    new = doc(allow("s3:*"))
    got = added(old, new)
    assert "s3:PutObject" in got and "s3:DeleteBucket" in got
    assert "s3:GetObject" not in got
    assert len(got) == len(reference().service("s3").actions) - 1


def test_star_action_adds_every_service() -> None:
    got = added(doc(allow("logs:*")), doc(allow("*")))
    assert {"iam:CreateUser", "ec2:RunInstances", "lambda:InvokeFunction"} <= got
    assert not any(a.startswith("logs:") for a in got)


def test_notaction_allow_adds_everything_but_the_listed_actions() -> None:
    new = doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    got = added(doc(allow("s3:GetObject")), new)
    assert "ec2:RunInstances" in got
    assert not any(a.lower().startswith("iam:") for a in got)


def test_notaction_old_covers_the_actions_it_does_not_list() -> None:
    old = doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert added(old, doc(allow(["s3:GetObject", "ec2:RunInstances"]))) == set()


def test_deny_in_new_removes_access() -> None:
    old = doc(allow("s3:*", "arn:aws:s3:::b/*"))
    new = doc(allow("s3:*", "arn:aws:s3:::b/*"), deny("s3:DeleteObject*"))
    result = diff_policies([old], [new])
    assert not result.adds_access
    assert {"s3:DeleteObject", "s3:DeleteObjectVersion"} <= result.removed_actions()
    assert "s3:GetObject" not in result.removed_actions()


def test_grant_new_denies_in_full_is_not_added() -> None:
    new = doc(allow(["s3:GetObject", "s3:PutObject"]), deny("s3:PutObject", "arn:aws:s3:::*"))
    new_star = doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/*"), deny("s3:Put*"))
    assert added(doc(), new) == {"s3:GetObject", "s3:PutObject"}  # PutObject outside S3 ARNs
    assert added(doc(), new_star) == {"s3:GetObject"}


def test_conditional_deny_in_new_takes_nothing_away() -> None:
    cond = {"Bool": {"aws:SecureTransport": "false"}}
    new = doc(allow("s3:GetObject"), deny("s3:GetObject", Condition=cond))
    assert added(doc(), new) == {"s3:GetObject"}


def test_deny_in_old_makes_the_same_grant_in_new_added() -> None:
    old = doc(allow("s3:GetObject"), deny("s3:GetObject", "arn:aws:s3:::secret/*"))
    assert added(old, doc(allow("s3:GetObject"))) == {"s3:GetObject"}


def test_deny_in_old_elsewhere_does_not_matter() -> None:
    old = doc(allow("s3:GetObject"), deny("s3:GetObject", "arn:aws:s3:::secret/*"))
    assert added(old, doc(allow("s3:GetObject", "arn:aws:s3:::public/*"))) == set()


def test_new_grant_with_a_condition_is_covered_by_an_unconditioned_old_one() -> None:
    cond = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    old = doc(allow("s3:GetObject"))
    assert added(old, doc(allow("s3:GetObject", Condition=cond))) == set()


def test_old_grant_with_a_condition_does_not_cover_an_unconditioned_new_one() -> None:
    cond = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    old = doc(allow("s3:GetObject", Condition=cond))
    assert added(old, doc(allow("s3:GetObject"))) == {"s3:GetObject"}


def test_same_condition_on_both_sides_covers() -> None:
    cond = {"StringLike": {"s3:prefix": "in/*"}}
    old = doc(allow("s3:ListBucket", "arn:aws:s3:::b", Condition=cond))
    assert added(old, doc(allow("s3:ListBucket", "arn:aws:s3:::b", Condition=cond))) == set()


def test_different_conditions_are_reported_as_possible_new_access() -> None:
    old = doc(
        allow("s3:ListBucket", "arn:aws:s3:::b", Condition={"StringLike": {"s3:prefix": "a/*"}})
    )
    new = doc(
        allow("s3:ListBucket", "arn:aws:s3:::b", Condition={"StringLike": {"s3:prefix": "*"}})
    )
    [change] = diff_policies([old], [new]).added
    assert change.actions == ("s3:ListBucket",) and change.conditional


def test_notresource_new_grant_is_wider_than_a_resource_grant() -> None:
    old = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
    new = doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"})
    [change] = diff_policies([old], [new]).added
    assert change.resources == ("* except arn:aws:s3:::secret/*",)


def test_notresource_old_covers_grants_outside_what_it_excludes() -> None:
    old = doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"})
    assert added(old, doc(allow("s3:GetObject", "arn:aws:s3:::public/*"))) == set()
    assert added(old, doc(allow("s3:GetObject", "arn:aws:s3:::secret/x"))) == {"s3:GetObject"}


def test_policy_variable_grants_compare_as_the_same_text_or_as_wildcards() -> None:
    own = doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))
    everyone = doc(allow("s3:GetObject", "arn:aws:s3:::home/*"))
    assert added(own, own) == set()
    assert added(own, everyone) == {"s3:GetObject"}
    assert added(everyone, own) == set()


def test_unknown_literal_action_is_still_compared() -> None:
    [change] = diff_policies([doc()], [doc(allow("s3:GetObjekt"))]).added
    assert (change.actions, change.access_level) == (("s3:GetObjekt",), "Unknown")


def test_several_documents_on_a_side_are_merged() -> None:
    old = [doc(allow("s3:GetObject")), doc(allow("s3:PutObject"))]
    assert diff_policies(old, [doc(allow(["s3:GetObject", "s3:PutObject"]))]).added == ()


def test_changes_are_grouped_by_service_and_access_level() -> None:
    new = doc(allow(["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], "arn:aws:s3:::*"))
    changes = [(c.service, c.access_level, c.actions) for c in diff_policies([doc()], [new]).added]
    assert changes == [
        ("s3", "Read", ("s3:GetObject", "s3:GetObjectVersion")),
        ("s3", "Write", ("s3:PutObject",)),
    ]


def test_text_lists_added_access_like_a_diff() -> None:
    new = doc(allow(["s3:GetObject", "s3:GetObjectVersion"], "arn:aws:s3:::*"))
    text = diff_policies([doc()], [new]).to_text()
    assert "+ s3 Read: GetObject, GetObjectVersion on arn:aws:s3:::*" in text.splitlines()


def test_to_dict_shape() -> None:
    d = diff_policies([doc(allow("s3:GetObject"))], [doc(allow("s3:PutObject"))]).to_dict()
    assert d["adds_access"] is True
    assert d["added"] == [
        {
            "service": "s3",
            "access_level": "Write",
            "actions": ["s3:PutObject"],
            "resources": ["*"],
            "conditional": False,
        }
    ]
    assert [c["actions"] for c in d["removed"]] == [["s3:GetObject"]]


def test_invalid_document_raises_user_error() -> None:
    with pytest.raises(UserError, match="Effect"):
        diff_policies([doc({"Effect": "Maybe", "Action": "*", "Resource": "*"})], [doc()])


# --------------------------------------------------------------------------- managed policies


def test_managed_policy_names_are_the_index() -> None:
    index = yaml.safe_load((MANAGED_DIR / "index.yaml").read_text(encoding="utf-8"))
    assert managed_policy_names() == list(index)


@pytest.mark.parametrize("name", managed_policy_names())
def test_shipped_managed_policy_is_a_valid_policy(name: str) -> None:
    record = managed_policy_record(name)
    raw = json.loads((MANAGED_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert set(raw) >= {"PolicyName", "Arn", "VersionId", "Document"}
    assert record.name == name
    assert record.arn == f"arn:aws:iam::aws:policy{record.path}{name}"
    assert record.version_id.startswith("v") and record.version_id[1:].isdigit()
    assert record.document["Version"] == "2012-10-17"
    compiled = CompiledPolicy.from_document(record.document, name)
    assert compiled.statements and compiled.warnings == ()
    for statement in record.document["Statement"]:
        assert statement["Effect"] in ("Allow", "Deny")
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource", "Condition"}
        actions = statement["Action"]
        for pattern in [actions] if isinstance(actions, str) else actions:
            assert reference().expand(pattern), f"{pattern} matches no action"


@pytest.mark.parametrize(
    "name",
    [
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaVPCAccessExecutionRole",
        "AWSLambdaSQSQueueExecutionRole",
        "AWSLambdaDynamoDBExecutionRole",
        "AWSLambdaKinesisExecutionRole",
        "AWSXRayDaemonWriteAccess",
        "AWSLambdaExecute",
        "AmazonS3ReadOnlyAccess",
        "AmazonDynamoDBReadOnlyAccess",
    ],
)
def test_the_policies_lambda_users_attach_are_shipped(name: str) -> None:
    assert name in managed_policy_names()


def test_managed_policy_by_name_is_case_insensitive() -> None:
    assert managed_policy("awslambdabasicexecutionrole").name == "AWSLambdaBasicExecutionRole"


def test_unknown_managed_policy_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown AWS managed policy"):
        managed_policy("AdministratorAccess2")


def test_managed_policy_by_arn_needs_the_right_path() -> None:
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert managed_policy_by_arn(arn).name == "AWSLambdaBasicExecutionRole"
    assert managed_policy_by_arn("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole") is None


def test_basic_execution_role_grants_log_writes_on_every_log_group() -> None:
    tailored = doc(
        allow(
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/f:*",
        )
    )
    [change] = diff_policies([tailored], [managed_policy("AWSLambdaBasicExecutionRole")]).added
    assert change.actions == ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
    assert change.resources == ("*",)


# --------------------------------------------------------------------------- the command


def test_cli_identical_files_exit_0(tmp_path, run_cli):
    p = write(tmp_path, "p.json", doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))
    r = run_cli("diff", p, p)
    assert r.code == 0
    assert "grants no access" in r.out


def test_cli_added_access_exits_1(tmp_path, run_cli):
    old = write(tmp_path, "old.json", doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))
    new = write(tmp_path, "new.json", doc(allow("s3:GetObject", "*")))
    r = run_cli("diff", old, new)
    assert r.code == 1
    assert "+ s3 Read: GetObject on *" in r.out.splitlines()


def test_cli_only_removed_access_exits_0(tmp_path, run_cli):
    old = write(tmp_path, "old.json", doc(allow(["s3:GetObject", "s3:PutObject"])))
    new = write(tmp_path, "new.json", doc(allow("s3:GetObject")))
    r = run_cli("diff", old, new)
    assert r.code == 0
    assert "- s3 Write: PutObject on *" in r.out.splitlines()


def test_cli_managed_policy_by_name_against_a_bundle(orders_bundle, run_cli):
    r = run_cli("diff", orders_bundle, "AWSLambdaBasicExecutionRole", "--format", "json")
    assert r.code == 1
    out = json.loads(r.out)
    assert out["added"] == [
        {
            "service": "logs",
            "access_level": "Write",
            "actions": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "resources": ["*"],
            "conditional": False,
        }
    ]
    assert {"dynamodb:GetItem", "dynamodb:Query"} <= {
        a for c in out["removed"] for a in c["actions"]
    }


def test_cli_bundle_covers_its_own_inline_policies(orders_bundle, tmp_path, run_cli):
    policies = json.loads(orders_bundle.read_text())["Policies"]
    p = write(tmp_path, "p.json", policies[0]["PolicyDocument"])
    assert run_cli("diff", orders_bundle, p).code == 0


def test_cli_unknown_name_is_one_line_exit_2(run_cli):
    r = run_cli("diff", "AWSLambdaBasicExecutionRole", "NoSuchPolicy")
    assert one_line_error(r)
    assert "neither a file nor a shipped AWS managed policy" in r.err


def test_cli_missing_file_is_one_line_exit_2(tmp_path, run_cli):
    r = run_cli("diff", tmp_path / "old.json", "AWSLambdaBasicExecutionRole")
    assert one_line_error(r) and "no such file" in r.err


def test_cli_invalid_json_is_one_line_exit_2(tmp_path, run_cli):
    p = write(tmp_path, "bad.json", "{")
    r = run_cli("diff", p, "AWSLambdaBasicExecutionRole")
    assert one_line_error(r) and "not valid JSON" in r.err


def test_cli_policy_grammar_error_is_one_line_exit_2(tmp_path, run_cli):
    p = write(tmp_path, "bad.json", doc({"Effect": "Allow", "Resource": "*"}))
    r = run_cli("diff", p, "AWSLambdaBasicExecutionRole")
    assert one_line_error(r) and "Action" in r.err


def test_diff_and_can_modules_import_no_ui_or_aws_sdk():
    import subprocess
    import sys

    code = (
        "import sys, wizard.policy.diff, wizard.policy.managed, wizard.cli.diff, "
        "wizard.cli.evaluate\n"
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in {'textual', 'questionary', 'boto3', 'botocore'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "text",
    [
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":[],"Resource":"*"}]}',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":[]}]}',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Action":"s3:*",'
        '"Resource":"*"}]}',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*",'
        '"Resource":"*"}]}',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*",'
        '"Condition":{"StringEqualz":{"aws:username":"x"}}}]}',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",'
        '"Resource":"arn:aws:s3*:::b/*"}]}',
    ],
)
@pytest.mark.parametrize("side", ["old", "new"])
def test_diff_refuses_a_policy_iam_rejects(tmp_path, run_cli, text, side):
    bad = write(tmp_path, "bad.json", text)
    ok = write(
        tmp_path, "ok.json", doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    )
    r = run_cli("diff", *((bad, ok) if side == "old" else (ok, bad)))
    assert one_line_error(r), r
    assert "bad.json" in r.err


# --------------------------------------------------------------------------- the fast path
# The straightforward comparison, kept here as the reference: every region against every
# region, every action against every statement. diff_policies must give the same answer.

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from wizard.policy import diff as diff_module  # noqa: E402


def _ref_within(p, q, removed) -> bool:
    if not resource_contains(q.include, p.include):
        return False
    cut = (*p.exclude, *removed)
    return all(
        not resources_intersect(x, p.include) or any(resource_contains(r, x) for r in cut)
        for x in q.exclude
    )


def _ref_meets(p, deny, removed) -> bool:
    cut = (*p.exclude, *removed)
    if not deny.exclude:
        return resources_intersect(deny.include, p.include) and not any(
            resource_contains(r, deny.include) for r in cut
        )
    return not any(resource_contains(x, p.include) for x in deny.exclude)


def _ref_uncovered(grant, base):
    grant_allow = [s for s in grant if s.allow]
    grant_deny = [s for s in grant if not s.allow and s.condition is None]
    base_allow = [s for s in base if s.allow]
    base_deny = [s for s in base if not s.allow]
    removed = [r.include for d in grant_deny for r in d.regions if not r.exclude]
    found: dict[str, bool] = {}
    for s in grant_allow:
        for written, p in zip(s.regions, s.grant_regions, strict=True):
            if any(_ref_within(p, r, ()) for d in grant_deny for r in d.regions):
                continue
            covered = any(
                (t.condition is None or t.condition == s.condition)
                and any(q == written or _ref_within(p, q, removed) for q in t.regions)
                for t in base_allow
            )
            if covered and not any(
                _ref_meets(p, r, removed) for t in base_deny for r in t.grant_regions
            ):
                continue
            key = p.display()
            found[key] = found.get(key, True) and s.condition is not None
    return tuple(sorted(found.items()))


def reference_diff(old_docs, new_docs) -> diff_module.DiffResult:
    old = diff_module._statements(old_docs, "OLD")
    new = diff_module._statements(new_docs, "NEW")
    actions = diff_module._universe(old + new)
    level_sizes: dict[tuple[str, str], int] = {}
    for a in actions:
        level_sizes[(a.service, a.level)] = level_sizes.get((a.service, a.level), 0) + 1
    added, removed = {}, {}
    # _ref_uncovered is a pure function of the statements it is given, and most of the
    # universe's actions are matched by the same few statements: each distinct pair of
    # statement lists is compared once (the answer per action is the same, only faster)
    answers: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple] = {}

    def uncovered(grant, base):
        key = (tuple(map(id, grant)), tuple(map(id, base)))
        if key not in answers:
            answers[key] = _ref_uncovered(grant, base)
        return answers[key]

    for action in actions:
        o = [s for s in old if s.applies(action.full)]
        n = [s for s in new if s.applies(action.full)]
        if found := uncovered(n, o):
            added[action] = found
        if found := uncovered(o, n):
            removed[action] = found
    return diff_module.DiffResult(
        diff_module._group(added, level_sizes), diff_module._group(removed, level_sizes)
    )


_ACTIONS = ["s3:GetObject", "s3:Get*", "s3:*Object", "s3:?*", "sqs:SendMessage", "sqs:*", "*"]
_ACTIONS += ["kms:Decrypt", "s3:Made-Up"]
_RESOURCES = [
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/x/*",
    "arn:aws:s3:::b/x/y",
    "arn:aws:s3:::b*",
    "arn:aws:s3:::b/*/y",
    "arn:aws:s3:::b/?",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::c/*",
    f"arn:aws:sqs:us-east-1:{ACCOUNT}:q",
    f"arn:aws:sqs:*:{ACCOUNT}:q*",
    "arn:aws:s*:::b/*",
]
_CONDITIONS = [
    None,
    {"Bool": {"aws:SecureTransport": "true"}},
    {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
]


@st.composite
def _statement(draw) -> dict[str, Any]:
    st_: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    actions = draw(st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=3, unique=True))
    st_["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = actions
    resources = draw(st.lists(st.sampled_from(_RESOURCES), min_size=1, max_size=3, unique=True))
    st_["NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"] = resources
    condition = draw(st.sampled_from(_CONDITIONS))
    if condition is not None:
        st_["Condition"] = condition
    return st_


_policies = st.lists(_statement(), min_size=1, max_size=5).map(
    lambda sts: {"Version": "2012-10-17", "Statement": sts}
)


@settings(max_examples=150, deadline=None)
@given(old=_policies, new=_policies)
def test_indexed_diff_answers_as_the_straightforward_comparison(old, new):
    assert diff_policies([old], [new]) == reference_diff([old], [new])


def test_a_one_mib_worst_case_pair_is_compared_in_full():
    """The 1 MiB pairs of bench/bench_diff.py (the limit for a policy file) are compared, and
    the answer names exactly the tenth of the statements NEW changed (timing: bench/)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from bench_diff import MIB, worst_case_pair

    old, new = worst_case_pair("resources", MIB - 4096)
    assert len(json.dumps(new, separators=(",", ":"))) < MIB
    result = diff_policies([old], [new])
    changed = {s["Resource"] for s in new["Statement"]} - {s["Resource"] for s in old["Statement"]}
    gone = {s["Resource"] for s in old["Statement"]} - {s["Resource"] for s in new["Statement"]}
    assert len(changed) > 1000
    assert {r for c in result.added for r in c.resources} == changed
    assert {r for c in result.removed for r in c.resources} == gone
    assert result.added_actions() == {"s3:GetObject", "s3:PutObject"}
    old, new = worst_case_pair("wildcards", MIB - 4096)
    assert diff_policies([old], [new]).adds_access
