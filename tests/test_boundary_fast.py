"""``validate --boundary`` answers per class of actions (issue #10: a 1 MiB pair within
seconds): the fast path (patterns.ActionIndex, Evaluator.static_decision, the Allow patterns'
lead index, star_pieces) must answer exactly as the straightforward evaluation does.
Timings are bench/bench_limits.py's, never asserted here."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from unittest.mock import patch

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
    PieceIndex,
    arn_regex,
    glob_regex,
    pieces_match,
    rarest_keys,
    resource_keys,
    resource_part,
    star_pieces,
    wildcard_regex,
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
    patterns=st.lists(st.text(alphabet="aBs3:*?ſK", min_size=1, max_size=7), max_size=8),
    action=st.text(alphabet="abS3:ſK", max_size=8),
)
@example(patterns=["*:*ab3*", "*:*b", "s3:*ab*", "s3:*"], action="s3:xab3b")
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


# --------------------------------------------------------------------------- the piece index

# Patterns whose literal pieces repeat across patterns (so the rarest key varies), with ``?``,
# ``*``, ``${...}`` (literal text for a static pattern) and wildcards in the ARN head.
_PIECE = st.sampled_from(["a", "b1", "ab", "1", "/", "x/y", "$", "${aws:username}", "bucket-"])
_WILDCARD = st.sampled_from(["*", "?", "*?", "**", "??"])
_TAIL = st.lists(st.one_of(_PIECE, _WILDCARD), max_size=6).map("".join)
_HEAD = st.sampled_from(
    ["arn:aws:s3:::", "arn:aws:s3:*:123:", "arn:aws:s?:us-east-1:123:", "arn:*:s3:::", ""]
)
_RESOURCE_PATTERN = st.builds(lambda h, t: h + t, _HEAD, _TAIL)


def _fill(pattern: str, fill: str) -> str:
    """A text the pattern (or one like it) may match: each wildcard replaced."""
    return pattern.replace("*", fill).replace("?", fill[:1] or "a")


@settings(max_examples=400, deadline=None)
@given(
    patterns=st.lists(_RESOURCE_PATTERN, min_size=1, max_size=10),
    picks=st.lists(st.tuples(st.integers(0, 9), st.sampled_from(["", "a", "1/b", "ab:1"]))),
    extra=st.lists(st.builds(lambda h, t: h + t, _HEAD, st.text("ab1/:$", max_size=8))),
)
@example(patterns=["arn:aws:s3:::bucket-*?1*?"], picks=[(0, "a")], extra=[])
def test_piece_index_finds_every_pattern_that_matches(patterns, picks, extra):
    """PieceIndex over the rarest keys of resource_keys: for any text, every pattern whose
    ARN regex matches it is among the candidates (the index only ever narrows)."""
    keys = rarest_keys([resource_keys(p) for p in patterns])
    index = PieceIndex(zip(keys, range(len(patterns)), strict=True))
    texts = [_fill(patterns[i % len(patterns)], fill) for i, fill in picks] + extra
    for text in texts:
        found = set(index.candidates(text, resource_part(text)))
        for i, p in enumerate(patterns):
            if re.fullmatch(arn_regex(((p, True),)), text, re.DOTALL):
                assert i in found, (p, text, keys[i])


def _naive_applies(raw: dict, version: str, action: str, resource: str) -> bool:
    """A statement applies to (action, resource), every pattern tried by its own regex; a
    policy variable (2012-10-17) resolved from the context {aws:username: u}."""
    key = "Action" if "Action" in raw else "NotAction"
    acted = any(
        re.fullmatch(glob_regex(((p, True),)), action, re.IGNORECASE | re.DOTALL) for p in raw[key]
    )
    key = "Resource" if "Resource" in raw else "NotResource"
    patterns = raw[key]
    if version == "2012-10-17":
        patterns = [p.replace("${aws:username}", "u") for p in patterns]
    hit = any(re.fullmatch(arn_regex(((p, True),)), resource, re.DOTALL) for p in patterns)
    return (acted != ("NotAction" in raw)) and (hit != ("NotResource" in raw))


_NAIVE_ACTIONS = ["s3:GetObject", "s3:Get*", "s3:*Object", "*:*b?", "s3:?*", "*"]


@settings(max_examples=300, deadline=None)
@given(
    statements=st.lists(
        st.fixed_dictionaries(
            {
                "Effect": st.sampled_from(["Allow", "Allow", "Deny"]),
                "a": st.sampled_from(["Action", "Action", "NotAction"]),
                "actions": st.lists(st.sampled_from(_NAIVE_ACTIONS), min_size=1, max_size=2),
                "r": st.sampled_from(["Resource", "Resource", "NotResource"]),
                "resources": st.lists(
                    st.one_of(st.just("*"), _RESOURCE_PATTERN), min_size=1, max_size=3
                ),
            }
        ).map(lambda d: {"Effect": d["Effect"], d["a"]: d["actions"], d["r"]: d["resources"]}),
        min_size=1,
        max_size=10,
    ),
    version=st.sampled_from(["2012-10-17", "2008-10-17"]),
    picks=st.lists(st.tuples(st.integers(0, 29), st.sampled_from(["", "a", "1/b", "u"]))),
    action=st.sampled_from(["s3:GetObject", "s3:PutObject", "ec2:RunInstances", "iam:ab1"]),
)
@example(  # an Allow of * on each side, and a Deny: not allowed everywhere
    statements=[
        {"Effect": "Allow", "Action": ["s3:*Object"], "Resource": ["*"]},
        {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]},
        {"Effect": "Deny", "Action": ["s3:Get*"], "Resource": ["arn:aws:s3:::b*"]},
    ],
    version="2012-10-17",
    picks=[],
    action="s3:GetObject",
)
def test_evaluator_indexes_answer_as_every_pattern_tried(statements, version, picks, action):
    """Evaluator (its Action and Resource piece indexes, allows_everything, static_decision)
    against the straightforward evaluation: each statement's patterns tried one by one."""
    half = max(1, len(statements) // 2)
    identity, boundary = statements[:half], statements[half:]
    ev = Evaluator(
        [{"Version": version, "Statement": identity}],
        {"Version": version, "Statement": boundary} if boundary else None,
    )
    patterns = [p for s in statements for p in s.get("Resource", s.get("NotResource"))]
    texts = [
        _fill(patterns[i % len(patterns)], f).replace("${aws:username}", "u") for i, f in picks
    ]
    for resource in [*texts, "*", "arn:aws:s3:::bucket-1", "arn:aws:s3:::b1"]:
        applies = [(s["Effect"], _naive_applies(s, version, action, resource)) for s in statements]
        if any(e == "Deny" and a for e, a in applies):
            expected = "ExplicitlyDenied"
        else:
            allowed = [e == "Allow" and a for e, a in applies]
            ok = any(allowed[:half]) and (not boundary or any(allowed[half:]))
            expected = "Allowed" if ok else "ImplicitlyDenied"
        context = {"aws:username": "u"}
        assert ev.evaluate(action, resource, context).decision == expected, resource
        quick = ev.static_decision(action, resource)
        if quick is not None:
            assert quick[0] == expected, resource
        if ev.allows_everything(action):
            assert expected == "Allowed", resource


_INDEXED: list = []  # one Reference whose trigram indexes are built from the first pattern


def _indexed_reference():
    from wizard.catalog import reference as module

    if not _INDEXED:
        with patch.object(module, "_SEARCHES_BEFORE_INDEX", 0):
            ref = module.Reference()
            ref.expand("s3:*obj*")  # builds s3's index; the others on their first pattern
        _INDEXED.append(ref)
    return _INDEXED[0]


@settings(max_examples=200, deadline=None)
@given(
    name=st.one_of(
        st.text(alphabet="getobjcrs*?", min_size=1, max_size=9),
        st.sampled_from(["*object*", "*?ucket*", "describe*", "*tag*s", "get?bject"]),
    ),
    services=st.lists(
        st.sampled_from(["s3", "ec2", "kms", "dynamodb"]), min_size=1, max_size=3, unique=True
    ),
)
def test_expansion_through_the_trigram_index_is_a_scan_s(name, services):
    """With the names' trigram indexes built from the first pattern on, expand and
    expand_across give what matching every action name by its regex does, in order."""
    from wizard.catalog import reference as module

    ref = _indexed_reference()
    rx = wildcard_regex(name, ignore_case=True)
    with patch.object(module, "_SEARCHES_BEFORE_INDEX", 0):
        for service in services:
            scan = [a for a in ref.service(service).actions.values() if rx.match(a.name)]
            assert ref.expand(f"{service}:{name}") == scan
        keys = [k for k in ref.service_names if k in services]
        scan = [a for k in keys for a in ref.service(k).actions.values() if rx.match(a.name)]
        assert ref.expand_across(keys, name) == scan


# Allow patterns led by a wildcard and made of common short pieces (bench_limits.py's
# common-pieces shape): no rare piece to index them by, so every one is a candidate.
COMMON_ACTIONS = ["*:*e*?", "*:?e*a*", "s3:*t*", "*:*t*e*", "*:*", "s3:?*e?*", "*:*o?"]
COMMON_RESOURCES = [
    "*",
    "arn:aws:s3:::*e*",
    "arn:aws:s3:::*t?*",
    "arn:aws:s3:::?*",
    "arn:aws:s3:::b*e",
]


@settings(max_examples=150, deadline=None)
@given(
    boundary=st.lists(
        st.fixed_dictionaries(
            {
                "Effect": st.sampled_from(["Allow", "Allow", "Allow", "Deny"]),
                "Action": st.lists(st.sampled_from(COMMON_ACTIONS), min_size=1, max_size=3),
                "Resource": st.lists(st.sampled_from(COMMON_RESOURCES), min_size=1, max_size=2),
            }
        ),
        min_size=1,
        max_size=6,
    ),
    resource=st.sampled_from([*RESOURCES, "arn:aws:s3:::bet", "arn:aws:s3:::b/toe"]),
)
def test_wildcard_led_allow_patterns_are_found_by_the_fast_path(boundary, resource):
    """Allow statements whose Action and Resource patterns start with a wildcard (lead ``*``:
    the may-allow step's lead index holds them under the empty lead) are neither missed nor
    answered differently: every verdict equals the straightforward one."""
    gate = _gate(_doc(boundary))
    assert gate.ok
    for pattern in ("s3:Get*", "s3:PutObject", "ec2:Describe*", "kms:*Key*"):
        for a in _expand(pattern.lower()):
            assert gate.fast_verdict(a.full_name, resource) == gate.verdict(a.full_name, resource)


def test_hostile_wildcards_are_reported_not_checked_past_the_budgets(monkeypatch):
    """Past EXPAND_WORK (distinct wildcard Action entries with no three-letter run) and
    GATE_WORK (boundary verdicts), the rest is a not-checked warning -- never a false finding
    about the entries left unexpanded -- and the escalation check then ignores the boundary."""
    from wizard.policy.lint import model

    identity = _doc(
        [
            {
                "Effect": "Allow",
                "Action": ["*:*e*?", "s3:GetObject"],
                "Resource": "arn:aws:s3:::b/*",
            },
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*"},
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"},
        ]
    )
    boundary = _doc([{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}])
    full = lint_document(identity, boundary=boundary)
    assert not [f for f in full if f.code == "not-checked"]
    assert not [f for f in full if f.code == "privilege-escalation"]  # the boundary blocks it
    monkeypatch.setattr(model, "EXPAND_WORK", 0)
    monkeypatch.setattr(model, "GATE_WORK", 0)
    monkeypatch.setattr("wizard.policy.lint.boundary.GATE_WORK", 0)
    cut = lint_document(identity, boundary=boundary)
    notes = [f for f in cut if f.code == "not-checked"]
    assert [f.severity for f in notes] == ["warning", "warning"]
    assert "1 wildcard Action entries were not checked" in notes[0].message
    assert "not checked against the permissions boundary" in notes[1].message
    assert not [f for f in cut if f.code == "not-in-boundary"]
    assert [f for f in cut if f.code == "privilege-escalation"]  # the boundary is not relied on
    spans = [(f.severity, f.message) for f in full if f.code == "action-wildcard"]
    assert spans == [(f.severity, f.message) for f in cut if f.code == "action-wildcard"]
    kept = {f.code for f in full} - {"not-in-boundary", "privilege-escalation", "resource-mismatch"}
    assert kept <= {f.code for f in cut}
