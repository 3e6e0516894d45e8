"""wizard/scan/offer.py: what the wizards' "scan my code" offers (issue #15) -- the suggestions
with their origins, which are preselected, the unbound calls and their variables, and the
merge of the accepted ones (``scan --into``'s)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.entries import entry_key
from wizard.errors import UserError
from wizard.scan.bind import merge
from wizard.scan.offer import accept, code_files, preselected, scan_offer
from wizard.spec import ResourceEntry, RoleSpec

CORPUS = Path(__file__).parent / "scan_corpus" / "python"
SPEC = RoleSpec(
    function="fn",
    account="123456789012",
    region="us-east-1",
    # a suggestion's resource already chosen, with a profile other than the scan's
    resources=[ResourceEntry(kind="dynamodb-table", name="Customers", access="read")],
)
OFFER = scan_offer(str(CORPUS), SPEC)


def test_origins_are_relative_to_what_was_scanned(tmp_path):
    origins = {o.suggestion.entry.field_values().get("name"): o.origin for o in OFFER.offered()}
    assert origins["Customers"] == "02_ddb_read_write/handler.py:8"
    one = CORPUS / "02_ddb_read_write" / "handler.py"
    (offered,) = scan_offer(str(one), SPEC).offered()
    assert offered.origin == "handler.py:8"


def test_preselected_is_what_the_spec_lacks_and_can_take_but_what_was_dropped():
    offered = OFFER.offered()
    (customers,) = [o for o in offered if o.key == entry_key(SPEC.resources[0])]
    assert customers.chosen and not customers.addable
    dropped = next(o.key for o in offered if o.addable)
    ticked = preselected(offered, [dropped])
    assert dropped not in ticked
    assert set(ticked) == {o.key for o in offered if o.addable} - {dropped}


def test_an_entry_the_spec_cannot_take_is_not_addable():
    """The topic's ARN names us-east-1: a spec in eu-west-1 cannot take it (check_entry)."""
    spec = SPEC.model_copy(update={"region": "eu-west-1"})
    offer = scan_offer(str(CORPUS / "13_sns_publish"), spec)
    (topic,) = offer.offered()
    assert topic.problem and "us-east-1" in topic.problem
    assert preselected(offer.offered()) == []


def test_a_typed_variable_binds_through_the_kinds_field_rule():
    folder = str(CORPUS / "12_sqs_consume_env")
    offer = scan_offer(folder, SPEC)
    assert offer.offered() == []
    assert {u.variable for u in offer.unnamed()} == {"JOBS_QUEUE"}
    offer.rebind({"JOBS_QUEUE": "no queue!"})
    assert "does not fit the SQS queue's name" in offer.variable_problem("JOBS_QUEUE")
    assert offer.offered() == []  # never widened
    offer.rebind({"JOBS_QUEUE": "jobs"})
    assert offer.variable_problem("JOBS_QUEUE") is None
    (queue,) = offer.offered()
    assert queue.suggestion.entry == ResourceEntry(kind="sqs-queue", name="jobs", access="consume")
    offer.rebind({"JOBS_QUEUE": "  "})  # an empty value unsets it
    assert offer.values == {} and offer.offered() == []


def test_a_missing_path_is_a_user_error_and_a_broken_file_is_skipped(tmp_path):
    missing = str(tmp_path / "nowhere")
    for call in (lambda: code_files(missing), lambda: scan_offer(missing, SPEC)):
        try:
            call()
        except UserError as exc:
            assert str(exc) == f"{missing}: no such file or folder to scan"
        else:
            raise AssertionError("no error")
    shutil.copy(CORPUS / "01_ddb_client_get" / "handler.py", tmp_path / "ok.py")
    (tmp_path / "bad.py").write_text("import boto3\ndef f(:\n")
    offer = scan_offer(str(tmp_path), SPEC)
    assert [o.origin for o in offer.offered()] == ["ok.py:7"]
    assert offer.skipped() == ["bad.py:2: not valid Python: invalid syntax"]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_accept_merges_exactly_the_accepted_as_scan_into_does(data):
    keys = [entry_key(s.entry) for s in OFFER.binding.suggestions]
    accepted = data.draw(st.lists(st.sampled_from(keys), unique=True))
    merged, added = accept(SPEC, OFFER, accepted)
    # the user's entries first and as they were (Customers keeps its profile)
    assert merged.resources[: len(SPEC.resources)] == SPEC.resources
    new = merged.resources[len(SPEC.resources) :]
    want = [k for k in keys if k in accepted and k != entry_key(SPEC.resources[0])]
    assert [entry_key(e) for e in new] == want
    assert sorted(added) == list(range(len(SPEC.resources), len(merged.resources)))
    # with every suggestion accepted, the result is scan --into's
    if set(accepted) == set(keys):
        assert merged == merge(SPEC, OFFER.binding)[0]


def test_the_offer_loads_no_ui_or_aws_sdk():
    code = (
        "import json, sys\n"
        "import wizard.scan.offer\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'questionary', 'boto3', 'botocore', 'moto'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
