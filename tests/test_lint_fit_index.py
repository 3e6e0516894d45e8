"""The service index of resource fitting (``resource-mismatch``): a statement's ARNs are
tried only against the resource types of their own service (``pattern_service`` /
``format_service`` in wizard/policy/patterns.py), which made ``validate`` of a 1 MiB policy of
wildcard actions 10x faster. It must change no finding:

- soundness: every resource type the index leaves out for a pattern really cannot fit it
  (checked against the full fitting engine, over every resource type of the IAM reference);
- differential: random policies give the same findings with the index as without it.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.iam_random import REQUESTS, resource_pattern
from wizard.catalog.reference import reference
from wizard.policy.lint import lint_text
from wizard.policy.lint import resources as res_mod
from wizard.policy.patterns import format_service, pattern_service

ACCOUNT = "111122223333"

# ARNs of many services, and ones built to align a literal service segment with another
# format's segment (resource parts holding colons, wildcard partitions, prefixes of names)
ARNS = [r for _, r in REQUESTS if r != "*"] + [
    f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0abc",
    f"arn:aws:ec2:*:{ACCOUNT}:volume/*",
    f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd",
    f"arn:aws:kms:*:{ACCOUNT}:alias/app*",
    f"arn:aws:backup:us-east-1:{ACCOUNT}:recovery-point:rp-1",
    f"arn:aws:ec2:us-east-1:{ACCOUNT}:s3:recovery-point:x",
    f"arn:aws:logs:*:{ACCOUNT}:log-group:s3:*",
    "arn:*:s3:::bucket/*",
    "arn:aws*:s3:::bucket",
    "arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3",
    "arn:aws:s3:::a*b*c",
    "arn:aws:s3::::x",
    "arn:aws:dynamodb:*:111122223333:table/t-*x?",
    "arn:aws:iam::*:role/*",
    "arn:aws:sts::111122223333:assumed-role/r/s",
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-??????",
]

ACTIONS = [
    "*:Describe*",
    "*:Get*",
    "ec2:*",
    "s3:Get*",
    "s3:*Object",
    "s3:ListBucket",
    "dynamodb:?*",
    "kms:*Key*",
    "logs:*",
    "backup:*",
    "iam:Pass*",
    "lambda:InvokeFunction",
    "sqs:SendMessage",
    "*:*Tag*",
]


def _every_fit() -> list[res_mod._Fit]:
    ref = reference()
    fits: dict[int, res_mod._Fit] = {}
    for name in ref.service_names:
        svc = ref.service(name)
        for action in svc.actions.values() if svc else ():
            fit = res_mod._fit_of(action)
            fits.setdefault(fit.key, fit)
    return [f for f in fits.values() if f.formats]


def test_formats_services_are_read() -> None:
    assert format_service("arn:${Partition}:s3:::${BucketName}") == "s3"
    assert format_service("arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:x") is None
    assert pattern_service("arn:*:s3:::b/*") == "s3"
    assert pattern_service("arn:aws:s3*:::b") is None
    assert pattern_service("arn:aws:s3:::${aws:username}") is None
    assert pattern_service("arn:aws:s3:b") is None  # fewer than five colons: stars cross them


@pytest.mark.parametrize("many", [False, True])
def test_index_leaves_out_only_types_that_cannot_fit(many: bool) -> None:
    rng = random.Random(5)
    patterns = ARNS + [resource_pattern(rng, rng.choice(ARNS), False) for _ in range(40)]
    fits = _every_fit()
    checked = 0
    for pattern in patterns:
        service = pattern_service(pattern)
        if service is None:
            continue
        for fit in fits:
            if fit.services is not None and service not in fit.services:
                checked += 1
                assert not res_mod._fits(fit, pattern, many), (pattern, fit.formats)
    assert checked > 1000


def _statement(rng: random.Random) -> dict[str, object]:
    st_: dict[str, object] = {
        "Effect": rng.choice(["Allow", "Allow", "Deny"]),
        "Action": rng.sample(ACTIONS, rng.randint(1, 3)),
    }
    resources = [
        resource_pattern(rng, rng.choice(ARNS), rng.random() < 0.2)
        for _ in range(rng.randint(1, 3))
    ]
    st_["NotResource" if rng.random() < 0.15 else "Resource"] = resources
    return st_


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1))
def test_findings_are_those_without_the_index(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    doc = {
        "Version": "2012-10-17",
        "Statement": [_statement(rng) for _ in range(rng.randint(1, 6))],
    }
    text = json.dumps(doc, indent=1)
    indexed = lint_text(text, file="p.json")
    with monkeypatch.context() as m:
        m.setattr(res_mod, "pattern_service", lambda _pattern: None)  # every type tried
        plain = lint_text(text, file="p.json")
    assert indexed == plain
