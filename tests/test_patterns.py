"""The one wildcard engine (wizard/policy/patterns.py): its intersection and containment agree
with brute force over short strings, and its regexes with IAM's documented matching."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.policy.patterns import (
    arn_regex,
    glob_contains,
    globs_intersect,
    resource_contains,
    resources_intersect,
    service_wildcard,
)

ALPHABET = "ab:/"
STRINGS = ["".join(p) for n in range(7) for p in itertools.product(ALPHABET, repeat=n)]
globs = st.text("ab:/*?", max_size=4)


@settings(max_examples=300, deadline=None)
@given(a=globs, b=globs)
def test_glob_intersection_and_containment_agree_with_brute_force(a, b):
    ra = {
        s for s in STRINGS if re.fullmatch(re.escape(a).replace(r"\*", ".*").replace(r"\?", "."), s)
    }
    rb = {
        s for s in STRINGS if re.fullmatch(re.escape(b).replace(r"\*", ".*").replace(r"\?", "."), s)
    }
    assert globs_intersect(a, b) == bool(ra & rb)
    if glob_contains(a, b):
        assert rb <= ra  # never claims containment falsely
    else:
        assert not rb <= ra or len(b) > 4  # short patterns: a witness is short too


arns = st.builds(
    lambda p, s, r: f"arn:{p}:{s}:{r}:1:{r}",
    st.sampled_from(["aws", "a*", "?ws"]),
    st.sampled_from(["s3", "sqs", "s*", "?3"]),
    st.text("ab*?/", max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(a=arns, b=arns)
def test_resource_intersection_and_containment_follow_the_segment_rules(a, b):
    concrete = [
        f"arn:{p}:{s}:{r}:1:{x}"
        for p in ("aws", "awx")
        for s in ("s3", "sqs", "x3")
        for r in ("", "a", "b", "ab", "a/b", "ba")
        for x in ("", "a", "b", "ab", "a/b", "ba", "a:b")
    ]
    ma = {c for c in concrete if re.fullmatch(arn_regex(((a, True),)), c, re.DOTALL)}
    mb = {c for c in concrete if re.fullmatch(arn_regex(((b, True),)), c, re.DOTALL)}
    if ma & mb:
        assert resources_intersect(a, b)
    if resource_contains(a, b):
        assert mb <= ma
    if service_wildcard(a):
        assert not ma and not resources_intersect(a, b)


def test_a_wildcard_service_segment_matches_nothing_in_a_resource_but_does_in_a_condition():
    arn = "arn:aws:s3:::b/k"
    assert not re.fullmatch(arn_regex((("arn:aws:*:::b/*", True),)), arn)
    assert re.fullmatch(arn_regex((("arn:aws:*:::b/*", True),), condition=True), arn)
    assert not resources_intersect("arn:aws:s*:::b/*", arn)
    assert not resource_contains("arn:aws:s*:::b/*", arn)


containment_patterns = st.one_of(
    st.text("ab:/*?$", max_size=6),
    st.builds(
        lambda h, r: f"arn:aws:s3:{h}:1:{r}",
        st.text("ab*?", max_size=3),
        st.text("ab:/*?", max_size=6),
    ),
)


@settings(max_examples=1000, deadline=None)
@given(outer=containment_patterns, inner=containment_patterns)
def test_resource_containment_shortcuts_agree_with_the_automata(outer, inner):
    """The quick answers (a pattern matching the other's own text; the literal lead and tail
    that must agree) give the product automaton's answer."""
    from wizard.policy.patterns import _contains_exactly

    resource_contains.cache_clear()
    expected = (
        outer == inner
        or outer == "*"
        or service_wildcard(inner)
        or (
            not service_wildcard(outer)
            and (
                re.fullmatch(arn_regex(((outer, True),)), inner, re.DOTALL) is not None
                if "*" not in inner and "?" not in inner
                else _contains_exactly(outer, inner)
            )
        )
    )
    assert resource_contains(outer, inner) == expected


@st.composite
def _pattern_and_name(draw):
    """A name, and a pattern cut from a name like it: some letters made ``?``, some runs
    ``*``, some letters changed -- so about half the pairs match."""
    name = draw(st.text("abc", max_size=12))
    out = []
    for c in draw(st.text("abc", max_size=12)) if draw(st.booleans()) else name:
        roll = draw(st.integers(0, 9))
        out.append("?" if roll == 0 else "*" if roll == 1 else "" if roll == 2 else c)
        if roll == 3:
            out.append("*")
    return "".join(out), name


@settings(max_examples=2000, deadline=None)
@given(pair=_pattern_and_name())
def test_name_matcher_agrees_with_the_wildcard_regex(pair):
    """name_matcher (pieces found by str.find, ``?`` pieces placed as early as they go, no
    regex) answers as the pattern's own regex for every name, ``?`` patterns included."""
    from wizard.policy.patterns import name_matcher, wild_pieces_match, wildcard_regex

    pattern, name = pair
    expected = wildcard_regex(pattern, ignore_case=True).fullmatch(name) is not None
    assert name_matcher(pattern)(name) == expected
    assert wild_pieces_match(tuple(pattern.split("*")), name) == expected
