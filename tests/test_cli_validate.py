"""``role-wizard validate``: exit statuses, the three output formats, --type and --boundary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import one_line_error, write
from hypothesis import given, settings
from hypothesis import strategies as st
from sarif_schema import SARIF_SCHEMA

from wizard.cli.validate import findings_json

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
TIGHT = FIXTURES / "tight-identity.json"
OVER = FIXTURES / "over-privileged.json"
BUNDLE = FIXTURES / "bundle.json"


def wildcard_only(tmp_path: Path) -> Path:
    """A policy whose only finding is a warning (resource-wildcard)."""
    return write(
        tmp_path,
        "policy.json",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}],
        },
    )


# --------------------------------------------------------------------------- exit statuses


def test_clean_policy_exits_0_and_says_so(run_cli):
    result = run_cli("validate", TIGHT)
    assert (result.code, result.out) == (0, "no findings in 1 file\n")


def test_built_bundle_exits_0(run_cli):
    assert run_cli("validate", BUNDLE).code == 0


def test_an_error_finding_exits_1(run_cli):
    assert run_cli("validate", OVER).code == 1


def test_warnings_alone_exit_0_by_default(run_cli, tmp_path):
    assert run_cli("validate", wildcard_only(tmp_path)).code == 0


def test_fail_on_warning_exits_1_for_a_warning(run_cli, tmp_path):
    assert run_cli("validate", wildcard_only(tmp_path), "--fail-on", "warning").code == 1


def test_fail_on_never_exits_0_despite_errors(run_cli):
    assert run_cli("validate", OVER, "--fail-on", "never").code == 0


def test_missing_file_is_one_line_on_stderr_and_exit_2(run_cli):
    result = run_cli("validate", TIGHT, FIXTURES / "missing.json")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "missing.json: no such file" in result.err


def test_invalid_json_is_unusable_input_one_line_and_exit_2(run_cli):
    result = run_cli("validate", FIXTURES / "broken.json")
    assert one_line_error(result)
    assert "broken.json:3: not valid JSON" in result.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"Version": "2012-10-17"\x00}', "NUL byte"),
        (b"[" * 10_000 + b"]" * 10_000, "not usable JSON: nested too deeply"),
        (b'{"a":' * 100 + b"1" + b"}" * 100, "nested more than 64 levels"),
        (b"just some words", "not valid JSON"),
        (b"Statement:\n  - Effect: Allow\n", "YAML, not JSON"),
    ],
    ids=["empty", "blank", "binary", "nul", "deep-recursion", "deep", "words", "yaml-policy"],
)
@pytest.mark.parametrize("fail_on", ["error", "never"])
def test_unusable_input_is_exit_2_whatever_fail_on(run_cli, tmp_path, content, message, fail_on):
    path = tmp_path / "p.json"
    path.write_bytes(content)
    result = run_cli("validate", path, "--fail-on", fail_on)
    assert one_line_error(result), result
    assert message in result.err


def test_an_unreadable_file_is_exit_2(run_cli, tmp_path):
    folder = tmp_path / "d.json"
    folder.mkdir()
    result = run_cli("validate", folder, "--fail-on", "never")
    assert one_line_error(result) and "is a folder" in result.err


def test_unknown_format_is_a_usage_error(run_cli):
    assert run_cli("validate", TIGHT, "--format", "xml").code == 2


# --------------------------------------------------------------------------- text


def test_text_names_file_pointer_severity_and_code(run_cli):
    out = run_cli("validate", OVER).out
    assert f"{OVER}#/Statement/2/Action: error unknown-action: " in out


def test_text_ends_with_a_summary(run_cli):
    out = run_cli("validate", OVER, TIGHT).out
    assert out.splitlines()[-1].endswith("in 2 files")


def test_text_has_no_colour_when_not_a_terminal(run_cli):
    assert "\x1b[" not in run_cli("validate", OVER).out


def test_text_has_colour_on_a_terminal(run_cli, monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert "\x1b[31;1merror" in run_cli("validate", OVER).out


def test_no_color_turns_colour_off_on_a_terminal(run_cli, monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli("validate", OVER).out


# --------------------------------------------------------------------------- json


def test_json_is_a_list_of_file_code_severity_message_location(run_cli):
    found = json.loads(run_cli("validate", OVER, "--format", "json").out)
    assert found and all(
        set(f) == {"file", "code", "severity", "message", "location"} for f in found
    )


def test_json_location_is_the_json_pointer(run_cli):
    found = json.loads(run_cli("validate", OVER, "--format", "json").out)
    assert {"file": str(OVER), "code": "unknown-action", "location": "/Statement/2/Action"} in [
        {k: f[k] for k in ("file", "code", "location")} for f in found
    ]


def test_json_for_a_clean_file_is_an_empty_list(run_cli):
    assert json.loads(run_cli("validate", TIGHT, "--format", "json").out) == []


def test_json_bundle_pointer_goes_from_the_bundle_root(run_cli, tmp_path):
    data = json.loads(BUNDLE.read_text())
    data["Policies"][0]["PolicyDocument"]["Statement"][2]["Resource"] = "*"
    found = json.loads(run_cli("validate", write(tmp_path, "policy.json", data), "-f", "json").out)
    assert [f["location"] for f in found if f["code"] == "resource-wildcard"] == [
        "/Policies/0/PolicyDocument/Statement/2/Resource"
    ]


# --------------------------------------------------------------------------- sarif


@pytest.fixture
def sarif(run_cli) -> dict:
    return json.loads(run_cli("validate", OVER, "--format", "sarif").out)


def test_sarif_is_version_2_1_0_from_role_wizard(sarif):
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "role-wizard"


def test_sarif_rules_are_the_finding_codes(sarif):
    from wizard.policy.lint import CODES

    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)


def test_sarif_result_points_at_its_rule(sarif):
    run = sarif["runs"][0]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_result_has_level_message_file_and_pointer(sarif):
    results = sarif["runs"][0]["results"]
    [hit] = [r for r in results if r["ruleId"] == "unknown-action"]
    assert hit["level"] == "error" and hit["message"]["text"]
    [loc] = hit["locations"]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == OVER.as_uri()
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "/Statement/2/Action"


def test_sarif_info_findings_are_notes(run_cli, tmp_path):
    data = json.loads(BUNDLE.read_text())
    data["PermissionsBoundary"] = {"Arn": "arn:aws:iam::123456789012:policy/Ceiling"}
    out = json.loads(run_cli("validate", write(tmp_path, "policy.json", data), "-f", "sarif").out)
    assert [r["level"] for r in out["runs"][0]["results"]] == ["note"]


def test_sarif_relative_path_stays_a_relative_uri(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "my policy.json", {"Version": "2012-10-17"})
    out = json.loads(run_cli("validate", "my policy.json", "-f", "sarif").out)
    [result] = out["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "my%20policy.json"
    )


def test_sarif_matches_the_shape_the_2_1_0_schema_requires(sarif):
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(sarif, SARIF_SCHEMA)


# --------------------------------------------------------------------------- --type, --boundary


def test_type_boundary_skips_grant_checks(run_cli, tmp_path):
    path = wildcard_only(tmp_path)
    assert run_cli("validate", path, "--type", "boundary", "--fail-on", "warning").code == 0


def test_type_trust_checks_a_principal_less_document_as_trust(run_cli):
    result = run_cli("validate", TIGHT, "--type", "trust", "-f", "json")
    assert "invalid-grammar" in {f["code"] for f in json.loads(result.out)}


def test_boundary_file_is_checked_against_the_identity_policy(run_cli):
    result = run_cli("validate", TIGHT, "--boundary", FIXTURES / "boundary.json", "-f", "json")
    blocked = [f for f in json.loads(result.out) if f["code"] == "not-in-boundary"]
    assert blocked and all(f["file"] == str(TIGHT) for f in blocked)


def test_boundary_file_gets_boundary_checks_only(run_cli):
    result = run_cli("validate", TIGHT, "--boundary", FIXTURES / "boundary.json", "-f", "json")
    assert not [f for f in json.loads(result.out) if f["file"].endswith("boundary.json")]


def test_missing_boundary_file_exits_2(run_cli):
    assert run_cli("validate", TIGHT, "--boundary", FIXTURES / "nope.json").code == 2


def test_several_files_are_reported_in_the_order_given(run_cli):
    found = json.loads(run_cli("validate", FIXTURES / "list.json", OVER, "-f", "json").out)
    files = [f["file"] for f in found]
    assert files[0].endswith("list.json") and files[-1] == str(OVER)


# --------------------------------------------------------------------------- grammar IAM rejects


def test_a_malformed_arn_is_an_error_at_its_pointer(run_cli, tmp_path):
    path = write(
        tmp_path,
        "policy.json",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "iam:GetRole",
                    "Resource": "arn:aws:iam:us-east-1:123456789012:role/app",
                }
            ],
        },
    )
    result = run_cli("validate", path, "-f", "json")
    assert result.code == 1
    [finding] = json.loads(result.out)
    assert (finding["code"], finding["severity"], finding["location"]) == (
        "invalid-grammar",
        "error",
        "/Statement/0/Resource",
    )
    assert "no Region" in finding["message"]


def test_an_identity_policy_with_a_stray_principal_is_detected_as_identity(run_cli, tmp_path):
    path = write(
        tmp_path,
        "policy.json",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "123456789012"},
                    "Action": "sqs:SendMessage",
                    "Resource": "arn:aws:sqs:us-east-1:123456789012:orders",
                }
            ],
        },
    )
    found = json.loads(run_cli("validate", path, "-f", "json").out)
    assert [(f["code"], f["location"]) for f in found] == [
        ("invalid-grammar", "/Statement/0/Principal")
    ]


# `validate --format json` writes its findings through `findings_json`, a faster writer of
# `json.dumps(items, indent=2)` for lists of flat dicts of strings: the same text, for any
# such list (keys and values with quotes, backslashes, control and non-ASCII characters,
# astral ones), and the standard encoder's text for anything else.
_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(_TEXT, _TEXT, min_size=1, max_size=5), max_size=6))
def test_findings_json_writes_what_json_dumps_writes(items: list[dict[str, str]]) -> None:
    assert findings_json(items) == json.dumps(items, indent=2)


@pytest.mark.parametrize(
    "items",
    [[], [{}], [{"a": 1}], [{"a": None}], [{"a": ["b"]}], [{"a": "b"}, "c"], [{1: "b"}]],
)
def test_findings_json_falls_back_to_json_dumps_for_other_values(items: list) -> None:
    assert findings_json(items) == json.dumps(items, indent=2)
