"""Tighten rebuilds a spec's ``dead_letter`` and ``destinations`` from where the role's
functions send invocation records (issue #12): pure domain, hand-made roles, no AWS."""

from __future__ import annotations

import json

from test_tighten import ACCOUNT, REGION, entries, role, usage

from wizard.policy.compose import compose
from wizard.policy.tighten import FunctionTarget, spec_text, tighten
from wizard.spec import RoleSpec, load_spec_text

KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-done"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-retry"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
BUCKET = "arn:aws:s3:::orders-failures"


def spec_of(**targets) -> RoleSpec:
    data = {"function": "orders-api", "account": ACCOUNT, "region": REGION}
    data["resources"] = [{"kind": "dynamodb-table", "name": "Orders"}]
    return RoleSpec.model_validate({**data, **targets})


def statements(spec: RoleSpec) -> list[str]:
    docs = [p.document for p in compose(spec).policies]
    return sorted(json.dumps(st, sort_keys=True) for d in docs for st in d["Statement"])


def as_role(spec: RoleSpec, *targets: FunctionTarget):
    """The spec's identity policy as a live role's, used by orders-api with ``targets``."""
    found = role(*compose(spec).policies[0].document["Statement"], functions=["orders-api"])
    found.targets = list(targets)
    return found


def evidence(spec: RoleSpec) -> list[FunctionTarget]:
    """What the aws layer would read from a function configured as the spec says."""
    dumped = spec.dump()
    out = []
    if dumped.get("dead_letter"):
        value = dumped["dead_letter"]
        arn = value["arn"] if isinstance(value, dict) else value
        out.append(FunctionTarget("orders-api", "dead_letter", arn, "DeadLetterConfig"))
    for slot, value in (dumped.get("destinations") or {}).items():
        arn = value["arn"] if isinstance(value, dict) else value
        out.append(FunctionTarget("orders-api", slot, arn, "asynchronous destinations"))
    return out


ROUND_TRIPS = [
    {"dead_letter": DLQ},
    {"dead_letter": {"arn": DLQ, "kms_key": KEY}},
    {"dead_letter": TOPIC, "destinations": {"on_success": FUNCTION, "on_failure": BUS}},
    {"destinations": {"on_success": {"arn": TOPIC, "kms_key": KEY}, "on_failure": BUCKET}},
    {"destinations": {"on_failure": {"arn": BUCKET, "kms_key": KEY}}},
]


def test_every_target_and_its_key_comes_back_as_a_target() -> None:
    for targets in ROUND_TRIPS:
        spec = spec_of(**targets)
        t = tighten(as_role(spec, *evidence(spec)), usage())
        dumped = t.spec.dump()
        assert {k: dumped[k] for k in targets if k in dumped} == targets, targets
        assert entries(t) == [{"kind": "dynamodb-table", "access": "read", "name": "Orders"}], (
            targets
        )
        assert statements(t.spec) == statements(spec), targets
        assert not t.dropped, [d.to_text() for d in t.dropped]
        for slot in ("dead_letter", "on_success", "on_failure"):
            if any(e.slot == slot for e in evidence(spec)):
                assert any(line.startswith(f"{slot}: ") for line in t.kept), t.kept
        # written and read back: the same grants
        again, _ctx = load_spec_text(spec_text(t, "orders-api-role", "out.yaml"), "out.yaml")
        assert statements(again) == statements(spec)


def test_without_the_functions_evidence_the_grants_stay_entries() -> None:
    spec = spec_of(dead_letter=DLQ)
    t = tighten(as_role(spec), usage())
    assert "dead_letter" not in t.spec.dump()
    assert {"kind": "custom", "actions": ["sqs:SendMessage"], "resources": [DLQ]} in entries(t)


def test_functions_naming_different_targets_leave_the_slot_to_entries() -> None:
    spec = spec_of(dead_letter=DLQ)
    other = f"arn:aws:sqs:{REGION}:{ACCOUNT}:other-dlq"
    found = as_role(
        spec,
        FunctionTarget("orders-api", "dead_letter", DLQ, "DeadLetterConfig"),
        FunctionTarget("orders-worker", "dead_letter", other, "DeadLetterConfig"),
    )
    t = tighten(found, usage())
    assert "dead_letter" not in t.spec.dump()
    assert any("dead_letter: the functions name different targets" in n for n in t.notes)


def test_a_target_the_role_does_not_grant_is_not_written() -> None:
    """Security first: a configured dead-letter queue the role cannot send to stays out."""
    spec = spec_of()  # the role grants nothing on the queue
    t = tighten(as_role(spec, FunctionTarget("orders-api", "dead_letter", DLQ, "DLC")), usage())
    assert "dead_letter" not in t.spec.dump()
    assert any("does not grant what Lambda needs" in n for n in t.notes)
    assert statements(t.spec) == statements(spec)


def test_a_send_granted_on_any_queue_is_narrowed_to_the_dead_letter_queue() -> None:
    """A role that may send to every queue, used by a function whose DLQ is one of them: the
    spec grants the send on that queue only (narrower; never wider)."""
    wide = role(
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}, functions=["orders-api"]
    )
    wide.targets = [FunctionTarget("orders-api", "dead_letter", DLQ, "DeadLetterConfig")]
    t = tighten(wide, usage())
    assert t.spec.dump()["dead_letter"] == DLQ
    assert not t.dropped
    assert statements(t.spec) == statements(
        RoleSpec.model_validate(
            {"function": "orders-api", "account": ACCOUNT, "region": REGION, "dead_letter": DLQ}
        )
    )
