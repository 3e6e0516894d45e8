"""`role-wizard scan` on a corpus of Python handlers (tests/scan_corpus/python/*/): each
folder's expected.yaml lists the resources the handler touches (kind, fields, profile and the
actions it calls on each) and the calls the scan must leave unresolved. The composed role is
then evaluated: every call the handler makes is allowed, a neighbour resource is not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wizard.policy.compose import compose
from wizard.policy.evaluate import Evaluator
from wizard.policy.gate import approve
from wizard.scan.bind import bind, template_environment
from wizard.scan.sources import scan_sources
from wizard.spec import ResourceEntry, RoleSpec

CORPUS = Path(__file__).parent / "scan_corpus" / "python"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())
ACCOUNT, REGION = "123456789012", "us-east-1"
META = ("kind", "access", "actions")


def _expected(case: Path) -> dict:
    return yaml.safe_load((case / "expected.yaml").read_text())


def _scan(case: Path):
    expected = _expected(case)
    env = {}
    for name in ("template.yaml", "main.tf"):
        if (case / name).exists():
            env = template_environment(str(case / name), expected.get("function"))
    return bind(scan_sources([str(case)]).calls, env)


def _identity(fields: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in fields.items()))


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_bound_resources_are_exact(case):
    expected = _expected(case)
    binding = _scan(case)
    got = {
        (
            s.entry.kind,
            _identity(s.entry.field_values() | ({"arn": s.entry.arn} if s.entry.arn else {})),
        ): s
        for s in binding.suggestions
    }
    want = {
        (r["kind"], _identity({k: v for k, v in r.items() if k not in META})): r
        for r in expected["resources"]
    }
    assert set(got) == set(want)
    for key, resource in want.items():
        assert got[key].entry.access == resource["access"], key
        assert set(got[key].actions) == set(resource["actions"]), key
        assert not got[key].uncovered
    lines = sorted(u.where.line for u in binding.unresolved)
    assert lines == sorted(u["line"] for u in expected.get("unresolved", []))
    for u in binding.unresolved:  # each with its place, in the handler
        assert u.where.file.endswith("handler.py")


def test_actions_found_across_the_corpus():
    """>= 95% of the expected actions found, and none the code does not call."""
    expected_all, found_all = set(), set()
    for case in CASES:
        expected = _expected(case)
        want = {a for r in expected["resources"] for a in r["actions"]}
        want |= {a for u in expected.get("unresolved", []) for a in u.get("actions", [])}
        binding = _scan(case)
        found = {a for s in binding.suggestions for a in s.actions}
        found |= {a for u in binding.unresolved if not u.choose for a in u.actions}
        assert found <= want, (case.name, found - want)
        expected_all |= {(case.name, a) for a in want}
        found_all |= {(case.name, a) for a in found}
    assert len(found_all) >= 0.95 * len(expected_all)


def _request_arn(entry: ResourceEntry, action: str) -> tuple[str, dict]:
    """The ARN a call of ``action`` on ``entry`` is authorised against (written out here, by
    the Service Authorization Reference's ARN formats, not by the composer)."""
    f = entry.field_values()
    head = f"arn:aws:{{}}:{REGION}:{ACCOUNT}:"
    kind = entry.kind
    if entry.arn:
        return entry.arn, {}
    if kind == "dynamodb-table":
        return head.format("dynamodb") + f"table/{f['name']}", {}
    if kind == "s3-prefix" and f.get("key"):  # exactly that object
        if action == "s3:ListBucket":
            return f"arn:aws:s3:::{f['bucket']}", {"s3:prefix": f["key"]}
        return f"arn:aws:s3:::{f['bucket']}/{f['key']}", {}
    if kind == "s3-prefix":
        prefix = f.get("prefix", "")
        if action == "s3:ListBucket":
            return f"arn:aws:s3:::{f['bucket']}", {"s3:prefix": prefix}
        key = prefix if prefix and not prefix.endswith("/") else prefix + "file.txt"
        return f"arn:aws:s3:::{f['bucket']}/{key}", {}
    if kind == "sqs-queue":
        return head.format("sqs") + f["name"], {}
    if kind == "sns-topic":
        return head.format("sns") + f["name"], {}
    if kind == "secretsmanager-secret":
        return head.format("secretsmanager") + f"secret:{f['name']}-AbCdEf", {}
    if kind == "ssm-parameter":
        return head.format("ssm") + f"parameter{f['name']}", {}
    if kind == "lambda-function":
        return head.format("lambda") + f"function:{f['name']}", {}
    if kind == "bedrock-model":
        return f"arn:aws:bedrock:{REGION}::foundation-model/{f['model']}", {}
    if kind == "eventbridge-bus":
        return head.format("events") + f"event-bus/{f['name']}", {}
    if kind == "kinesis-stream":
        return head.format("kinesis") + f"stream/{f['name']}", {}
    if kind == "firehose-stream":
        return head.format("firehose") + f"deliverystream/{f['name']}", {}
    if kind == "appconfig-profile":
        return head.format("appconfig") + (
            f"application/{f['application_id']}/environment/{f['environment_id']}"
            f"/configuration/{f['profile_id']}"
        ), {}
    if kind == "athena-workgroup":
        return head.format("athena") + f"workgroup/{f['workgroup']}", {}
    if kind == "scheduler-group":  # the schedules are authorised on schedule/GROUP/NAME
        return head.format("scheduler") + f"schedule/{f['group']}/reminder-1", {}
    if kind == "rds-data-cluster":
        return head.format("rds") + f"cluster:{f['cluster']}", {}
    if kind == "ses-identity":
        return head.format("ses") + f"identity/{f['identity']}", {}
    if kind == "cloudwatch-metrics":
        return "*", {"cloudwatch:namespace": f["namespace"]}
    raise AssertionError(f"no request ARN for {kind}")


def _neighbour(entry: ResourceEntry) -> ResourceEntry:
    """The same kind of resource, named one character differently."""
    if entry.arn:
        return entry.model_copy(update={"arn": entry.arn + "x"})
    fields = entry.field_values()
    main = "bucket" if entry.kind == "s3-prefix" else next(iter(fields))
    return ResourceEntry(kind=entry.kind, **(fields | {main: fields[main] + "x"}))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_the_composed_role_allows_the_calls_and_no_neighbour(case):
    binding = _scan(case)
    spec = RoleSpec(
        function="corpus-function",
        account=ACCOUNT,
        region=REGION,
        resources=[s.entry for s in binding.suggestions],
    )
    bundle = approve(compose(spec)).bundle  # passes the gate
    ev = Evaluator([p.document for p in bundle.policies], bundle.boundary.document)
    for suggestion in binding.suggestions:
        for action in suggestion.actions:
            arn, context = _request_arn(suggestion.entry, action)
            assert ev.evaluate(action, arn, context).allowed, (action, arn)
            other, other_context = _request_arn(_neighbour(suggestion.entry), action)
            assert not ev.evaluate(action, other, other_context).allowed, (action, other)
            key = suggestion.entry.field_values().get("key")
            if key:  # an exact object: its sibling keys are not granted either
                bucket = suggestion.entry.field_values()["bucket"]
                for sibling in (key + ".bak", key + "/x", key[:-1]):
                    arn = f"arn:aws:s3:::{bucket}/{sibling}"
                    assert not ev.evaluate(action, arn, {}).allowed, (action, arn)
