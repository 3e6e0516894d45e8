"""The diff's literal-lead index (``patterns.PatternIndex`` over ``patterns.LeadIndex``) only
narrows: differential property tests on random policies.

* ``diff_policies`` with the index gives the same answer as with an index that offers every
  item to every question (no narrowing at all);
* the index offers the same items, in the same order, as the diff's own ``_Prefixes`` index it
  replaced (commit d9332fe), kept here as the oracle, so the switch changed no answer (for a
  pattern with a wildcard in its service segment, which matches nothing, both offer every
  item, in another order and without the old one's repeats).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import wizard.policy.diff as diff_module
from wizard.policy.diff import diff_policies
from wizard.policy.patterns import PatternIndex, resource_contains, service_wildcard

# --------------------------------------------------------------------------- the oracles


class _EveryItem:
    """An index that narrows nothing: every item may contain or meet every pattern."""

    def __init__(self, items: Iterable[tuple[str, Any]], *, variables: bool = False) -> None:
        self._items = [item for _, item in items]

    def __bool__(self) -> bool:
        return bool(self._items)

    def containers(self, pattern: str) -> Iterator[Any]:
        return iter(self._items)

    def meeting(self, pattern: str) -> Iterator[Any]:
        return iter(self._items)

    def contain(self, pattern: str) -> bool:
        return any(resource_contains(r, pattern) for r in self._items)


_WILD = re.compile(r"[*?]")


def _old_lead(pattern: str) -> str:
    m = _WILD.search(pattern)
    return pattern if m is None else pattern[: m.start()]


class _OldPrefixes:
    """wizard/policy/diff.py's ``_Prefixes`` before commit d9332fe, as it was."""

    def __init__(self, items: Iterable[tuple[str, Any]]) -> None:
        self._all: list[Any] = []
        self._by_lead: dict[str, list[Any]] = {}
        for pattern, item in items:
            self._all.append(item)
            self._by_lead.setdefault(_old_lead(pattern), []).append(item)
        self._lengths = sorted({len(k) for k in self._by_lead})
        self._sorted = sorted(self._by_lead)

    def containers(self, pattern: str) -> Iterator[Any]:
        if service_wildcard(pattern):
            yield from self._all
            return
        lead = _old_lead(pattern)
        for n in self._lengths:
            if n > len(lead):
                break
            yield from self._by_lead.get(lead[:n], ())

    def meeting(self, pattern: str) -> Iterator[Any]:
        yield from self.containers(pattern)
        lead = _old_lead(pattern)
        i = bisect.bisect_right(self._sorted, lead)
        while i < len(self._sorted) and self._sorted[i].startswith(lead):
            yield from self._by_lead[self._sorted[i]]
            i += 1


# --------------------------------------------------------------------------- random policies

# Resource patterns over a few buckets and tables, with wildcards in the resource part, the
# region and the service segment (which matches nothing), and policy variables.
_PIECES = ["a", "ab", "b", "/", "*", "?", "${aws:username}"]
_tails = st.lists(st.sampled_from(_PIECES), max_size=4).map("".join)
_resources = st.one_of(
    st.just("*"),
    _tails.map(lambda t: "arn:aws:s3:::" + t),
    _tails.map(lambda t: "arn:aws:s3:::a" + t),
    _tails.map(lambda t: "arn:aws:dynamodb:us-east-1:123456789012:table/" + t),
    _tails.map(lambda t: "arn:aws:dynamodb:*:123456789012:table/" + t),
    _tails.map(lambda t: "arn:aws:s*:::" + t),
    _tails,
)
_actions = st.lists(
    st.sampled_from(["s3:GetObject", "s3:Put*", "s3:*", "dynamodb:GetItem", "dynamodb:*Item"]),
    min_size=1,
    max_size=2,
)
_conditions = st.sampled_from(
    [None, {"Bool": {"aws:SecureTransport": "true"}}, {"StringEquals": {"aws:PrincipalTag/t": "x"}}]
)


@st.composite
def _statement(draw: st.DrawFn) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        "Action": draw(_actions),
        ("NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"): draw(
            st.lists(_resources, min_size=1, max_size=4)
        ),
    }
    condition = draw(_conditions)
    if condition is not None:
        stmt["Condition"] = condition
    return stmt


_policies = st.lists(_statement(), min_size=1, max_size=5).map(
    lambda s: {"Version": "2012-10-17", "Statement": s}
)


def _answer(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return diff_policies([old], [new]).to_dict()


@settings(max_examples=150, deadline=None)
@given(old=_policies, new=_policies)
@example(
    old={"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::a*"}]},
    new={"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s*:::ab"}]},
)
def test_the_lead_index_gives_the_answer_of_comparing_every_region(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    indexed = _answer(old, new)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(diff_module, "PatternIndex", _EveryItem)
        mp.setattr(diff_module, "_NOTHING", _EveryItem(()))
        every = _answer(old, new)
    assert indexed == every


@settings(max_examples=300, deadline=None)
@given(
    items=st.lists(_resources, max_size=12),
    probes=st.lists(_resources, min_size=1, max_size=6),
)
def test_the_lead_index_offers_what_the_diffs_old_index_offered(
    items: list[str], probes: list[str]
) -> None:
    new = PatternIndex((p, i) for i, p in enumerate(items))
    old = _OldPrefixes((p, i) for i, p in enumerate(items))
    for probe in probes:
        got = list(new.containers(probe)), list(new.meeting(probe))
        was = list(old.containers(probe)), list(old.meeting(probe))
        if service_wildcard(probe):
            # every item, grouped by lead now (the old one listed them as given and, for
            # meeting(), the extending ones twice): the diff only asks any()/all() of them
            assert [sorted(set(g)) for g in got] == [sorted(set(w)) for w in was], probe
            assert sorted(got[0]) == sorted(range(len(items))), probe
        else:
            assert got == was, probe


def test_the_oracle_is_not_the_index() -> None:
    """The monkeypatch above reaches the diff: with it, the diff compares with every region
    (an index that offers nothing would change the answer, so the comparison can fail)."""

    class _Nothing(_EveryItem):
        def containers(self, pattern: str) -> Iterator[Any]:
            return iter(())

        def meeting(self, pattern: str) -> Iterator[Any]:
            return iter(())

    old = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    new = {
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k"}]
    }
    assert _answer(old, new)["added"] == []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(diff_module, "PatternIndex", _Nothing)
        assert _answer(old, new)["added"] != []
