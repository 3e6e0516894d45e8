"""``validate --boundary`` answers per class of actions (issue #10: a 1 MiB pair within
seconds): the fast path (patterns.ActionIndex, Evaluator.static_decision, the Allow patterns'
lead index, star_pieces) must answer exactly as the straightforward evaluation does.
Timings are bench/bench_limits.py's, never asserted here."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from wizard.policy.evaluate import Evaluator
from wizard.policy.lint import lint_document
from wizard.policy.lint.actions import _expand
from wizard.policy.lint.boundary import BoundaryGate, _Blocked, _blocked
from wizard.policy.lint.grammar import parse
from wizard.policy.lint.model import Linter
from wizard.policy.patterns import (
    ActionIndex,
    ActionMatcher,
    arn_regex,
    pieces_match,
    star_pieces,
)

ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*Object",
    "s3:?*",
    "s3:*Acl",
    "S3:get*",
    "ec2:Describe*",
    "*:Describe*",
    "*:*Tagging",
    "kms:*Key*",
    "kms:Decrypt",
    "dynamodb:?et*",
    "*",
]
RESOURCES = [
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/x",
    "arn:aws:s3:::b*",
    "arn:aws:s3:::b/x/*y",
    "arn:aws:s3:::*?",
    "arn:aws:s3:::b?/*",
    "arn:aws:s3:::${aws:username}/*",
    "arn:aws:s3:::b/${aws:username}",
    "arn:aws:*:*:*:*",
    "arn:aws:s3:*:*:b/*",
    "arn:aws:kms:us-east-1:123456789012:key/*",
    "arn:aws:kms:us-east-1:123456789012:key/k1",
    "arn:aws:dynamodb:*:123456789012:table/t*",
]
IDENTITY_ACTIONS = [a for a in ACTIONS if a != "*" and not a.startswith("*")]


def _statement(effects: list[str]) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(
        {
            "Effect": st.sampled_from(effects),
            "action": st.sampled_from(["Action", "Action", "NotAction"]),
            "actions": st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3),
            "resource": st.sampled_from(["Resource", "Resource", "NotResource"]),
            "resources": st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=3),
            "condition": st.sampled_from([False, False, False, True]),
            "sid": st.sampled_from([None, "A", "B", "C", "D"]),
        }
    ).map(_raw)


def _raw(d: dict) -> dict:
    out = {"Effect": d["Effect"], d["action"]: d["actions"], d["resource"]: d["resources"]}
    if d["condition"]:
        out["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": "x"}}
    if d["sid"]:
        out["Sid"] = d["sid"]
    return out


def _doc(statements: list[dict]) -> dict:
    return {"Version": "2012-10-17", "Statement": statements}


def _gate(boundary: dict) -> BoundaryGate:
    return BoundaryGate(parse(Linter(), boundary, "boundary", file="<boundary>"))


@settings(max_examples=300, deadline=None)
@given(
    boundary=st.lists(_statement(["Allow", "Allow", "Deny"]), min_size=1, max_size=8),
    resources=st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=4),
)
def test_fast_verdicts_are_the_straightforward_ones(boundary, resources):
    """Every (action, resource) an identity policy may hold: the verdict memoised per class of
    actions equals one evaluation plus a try of every Allow statement; and the blocked list
    check_boundary builds from the classes is the per-action one's (how many, the first three,
    the first explicit deny)."""
    gate = _gate(_doc(boundary))
    if not gate.ok:
        return
    for pattern in IDENTITY_ACTIONS:
        acts = _expand(pattern.lower())
        classes = gate.classes(pattern.lower(), acts)
        for res in resources:
            straight = [
                (a.full_name, v) for a in acts if (v := gate.verdict(a.full_name, res)) is not None
            ]
            for a in acts:
                assert gate.fast_verdict(a.full_name, res) == gate.verdict(a.full_name, res)
            denied = [v for _, v in straight if v != "not allowed"]
            expected = (
                _Blocked(len(straight), tuple(n for n, _ in straight[:3]), (denied or [None])[0])
                if straight
                else None
            )
            assert _blocked(gate, acts, classes, res) == expected


@settings(max_examples=200, deadline=None)
@given(
    identity=st.lists(_statement(["Allow"]), min_size=1, max_size=4),
    boundary=st.lists(_statement(["Allow", "Allow", "Deny"]), min_size=1, max_size=6),
)
def test_not_in_boundary_findings_match_a_per_action_check(identity, boundary):
    """The linter's not-in-boundary findings (the fast path) against the same check written
    the straightforward way: every expanded action on every resource, one verdict each."""
    findings = lint_document(_doc(identity), boundary=_doc(boundary))
    got = [f.message for f in findings if f.code == "not-in-boundary"]
    gate = _gate(_doc(boundary))
    expected = []
    if gate.ok:
        for raw in identity:
            if "Action" not in raw or "Resource" not in raw:
                continue
            for pattern in raw["Action"]:
                acts = _expand(pattern.lower()) if not pattern.startswith("*") else ()
                wildcard = bool(set(pattern) & set("*?"))
                for res in raw["Resource"]:
                    blocked = [
                        (a.full_name, v)
                        for a in acts
                        if (v := gate.verdict(a.full_name, res)) is not None
                    ]
                    if blocked and (not wildcard or len(blocked) == len(acts)):
                        expected.append(res)
                    elif blocked:
                        expected.append(f"{len(blocked)} of the {len(acts)} actions {pattern}")
    assert len(got) == len(expected)
    for message, part in zip(got, expected, strict=True):
        assert part in message


@settings(max_examples=300, deadline=None)
@given(
    statements=st.lists(_statement(["Allow", "Deny"]), min_size=1, max_size=8),
    resource=st.sampled_from(
        [
            "arn:aws:s3:::b/x",
            "arn:aws:s3:::b",
            "arn:aws:s3:::bx",
            "arn:aws:s3:::b/x/zy",
            "arn:aws:kms:us-east-1:123456789012:key/k1",
            "arn:aws:dynamodb:us-east-1:123456789012:table/tz",
            "*",
        ]
    ),
    action=st.sampled_from(["s3:GetObject", "s3:PutObjectAcl", "ec2:DescribeVpcs", "kms:Decrypt"]),
)
def test_static_decision_is_evaluate_s(statements, resource, action):
    """Evaluator.static_decision: the decision and the first Deny statements of evaluate(),
    or None when a statement that may apply needs the context."""
    half = len(statements) // 2
    ev = Evaluator([_doc(statements[: half or 1])], _doc(statements[half:]) if half else None)
    quick = ev.static_decision(action, resource, 2)
    full = ev.evaluate(action, resource)
    if quick is None:
        return
    denies = [s for s in full.statements if s.effect == "Deny"]
    assert quick == (full.decision, tuple(denies[:2]), len(denies))


_GLOB = st.text(alphabet="ab*:/?", max_size=12)


@settings(max_examples=500, deadline=None)
@given(
    pattern=st.one_of(_GLOB, _GLOB.map(lambda t: "arn:aws:s3:x:1:" + t)).map(
        lambda p: p.replace("?", "*") if len(p) % 2 else p
    ),
    text=st.one_of(
        st.text(alphabet="ab:/", max_size=12),
        st.text(alphabet="ab:/", max_size=12).map(lambda t: "arn:aws:s3:x:1:" + t),
    ),
)
@example(pattern="a*b*b", text="ab")  # a middle piece may not overlap the last one
@example(pattern="arn:aws:s3:x:1:*a*", text="arn:aws:s3:x:1:a")
def test_star_pieces_match_as_the_arn_regex(pattern, text):
    cut = star_pieces(pattern)
    if cut is None:
        return
    rx = re.compile(arn_regex(((pattern, True),)), re.DOTALL)
    assert pieces_match(cut, text) == (rx.fullmatch(text) is not None)


@settings(max_examples=500, deadline=None)
@given(
    patterns=st.lists(st.text(alphabet="aBs3:*?", min_size=1, max_size=7), max_size=8),
    action=st.text(alphabet="abS3:", max_size=8),
)
def test_action_index_finds_what_each_matcher_does(patterns, action):
    index = ActionIndex((p, i) for i, p in enumerate(patterns))
    assert sorted(set(index.matching(action))) == [
        i for i, p in enumerate(patterns) if ActionMatcher([p])(action)
    ]


def test_a_one_mib_hostile_pair_is_checked(tmp_path):
    """A 1 MiB identity policy against a 1 MiB boundary of NotResource Denies and Allows (the
    limit for a policy file): validate --boundary answers, with the findings of the classes
    the boundary blocks (timing: bench/bench_limits.py --boundary)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from bench_diff import MIB
    from bench_limits import boundary_pair

    identity, boundary = boundary_pair("not-resource", MIB - 4096)
    assert len(json.dumps(boundary, separators=(",", ":"))) < MIB
    findings = lint_document(identity, boundary=boundary)
    blocked = [f for f in findings if f.code == "not-in-boundary"]
    # every sqs:SendMessage grant: no boundary statement names sqs
    sends = sum(1 for s in identity["Statement"] for _ in s["Resource"])
    assert sum("sqs:SendMessage on" in f.message for f in blocked) == sends


@settings(max_examples=300, deadline=None)
@given(
    name=st.one_of(
        st.text(alphabet="getobjc*?", min_size=1, max_size=8),
        st.sampled_from(["Describe*", "*Tagging", "*", "?*", "GetObject", "*Key*", "list?*s"]),
    ),
    services=st.lists(
        st.sampled_from(["s3", "ec2", "kms", "iam", "dynamodb", "lambda", "sqs", "logs"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
)
def test_expand_across_services_is_each_service_s_expansion(name, services):
    """A wildcard-service Action entry (``*:Describe*``) is expanded once over every action
    name; the same actions, in the same order, as expanding it for each service."""
    from wizard.catalog.reference import reference

    ref = reference()
    keys = [k for k in ref.service_names if k in services]
    expected = [a for k in keys for a in ref.expand(f"{k}:{name}".lower())]
    assert ref.expand_across(keys, name) == expected
