"""`role-wizard scan`'s JavaScript/TypeScript reader (wizard/scan/javascript.py): the corpus of
tests/scan_corpus/javascript/, the value forms one by one, hostile input, laziness and the
service table made from botocore."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.scan.calls import UNRESOLVED, SdkCall, Value
from wizard.scan.javascript import (
    MAX_BYTES,
    extract_javascript,
    service_of_class,
    service_of_package,
)
from wizard.scan.models import operation_for

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "scan_corpus" / "javascript"
HANDLERS = sorted(p for p in CORPUS.iterdir() if p.suffix in {".js", ".mjs", ".ts", ".tsx"})


def read_value(raw: object) -> Value:
    if raw is None:
        return UNRESOLVED
    if isinstance(raw, str):
        return Value(text=raw)
    assert isinstance(raw, dict), raw
    if "prefix" in raw:
        return Value(text=raw["prefix"], prefix=True)
    return Value(env=raw["env"])


def expected_calls(handler: Path) -> list[tuple[tuple[int, str, str], str, dict[str, Value]]]:
    data = yaml.safe_load(handler.with_name(handler.name + ".expected.yaml").read_text())
    out = []
    for entry in data["calls"]:
        service, operation = entry["call"].split()
        params = {k: read_value(v) for k, v in entry["params"].items()}
        out.append(((entry["line"], service, operation), entry.get("via", ""), params))
    return out


def key(call: SdkCall) -> tuple[int, str, str]:
    return (call.where.line, call.service, call.operation)


def scan(text: str, path: str = "handler.ts") -> list[SdkCall]:
    return extract_javascript(textwrap.dedent(text), path)


# -- the corpus --------------------------------------------------------------------------------


def test_the_corpus_has_at_least_20_handlers_in_each_language_form():
    assert len(HANDLERS) >= 20
    assert {p.suffix for p in HANDLERS} >= {".js", ".mjs", ".ts"}
    for handler in HANDLERS:
        assert handler.with_name(handler.name + ".expected.yaml").is_file(), handler.name


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda p: p.name)
def test_no_call_the_handler_does_not_make_and_every_member_exact(handler):
    expected = {k: (via, params) for k, via, params in expected_calls(handler)}
    found = extract_javascript(handler.read_text(encoding="utf-8"), handler.name)
    assert all(call.where.file == handler.name for call in found)
    keys = [key(call) for call in found]
    assert len(keys) == len(set(keys)), "one call reported twice"
    for call in found:
        assert key(call) in expected, f"{handler.name}: reported a call it does not make: {call}"
        via, params = expected[key(call)]
        assert call.via == via, key(call)
        assert call.params == params, key(call)


def test_the_reader_finds_at_least_95_percent_of_the_corpus_calls():
    expected = found = 0
    for handler in HANDLERS:
        wanted = {k for k, _, _ in expected_calls(handler)}
        got = {
            key(c) for c in extract_javascript(handler.read_text(encoding="utf-8"), handler.name)
        }
        expected += len(wanted)
        found += len(wanted & got)
    assert expected >= 60
    assert found / expected >= 0.95, f"{found} of {expected}"


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("package", "service"),
    [
        ("@aws-sdk/client-dynamodb", "dynamodb"),
        ("@aws-sdk/client-sfn", "stepfunctions"),
        ("@aws-sdk/client-cloudwatch-logs", "logs"),
        ("@aws-sdk/client-secrets-manager", "secretsmanager"),
        ("@aws-sdk/client-bedrock-runtime", "bedrock-runtime"),
        ("@aws-sdk/client-eventbridge", "events"),
        ("@aws-sdk/client-cognito-identity-provider", "cognito-idp"),
        ("@aws-sdk/client-nope", None),
        ("@aws-sdk/lib-dynamodb", None),
    ],
)
def test_v3_packages_name_botocore_services(package, service):
    assert service_of_package(package) == service


@pytest.mark.parametrize(
    ("cls", "service"),
    [
        ("DynamoDB", "dynamodb"),
        ("SecretsManager", "secretsmanager"),
        ("StepFunctions", "stepfunctions"),
        ("CloudWatchLogs", "logs"),
        ("CognitoIdentityServiceProvider", "cognito-idp"),
        ("SQS", "sqs"),
        ("Nope", None),
    ],
)
def test_v2_classes_name_botocore_services(cls, service):
    assert service_of_class(cls) == service


def test_operations_are_botocores_names_matched_without_case():
    """The one loader of botocore's models serves both readers: v3/v2 names and boto3's."""
    assert operation_for("dynamodb", "getItem") == "GetItem"
    assert operation_for("s3", "listObjectsV2") == "ListObjectsV2"
    assert operation_for("s3", "GetItem") is None
    assert operation_for("no-such-service", "GetItem") is None
    assert operation_for("dynamodb", "get_item") == "GetItem"  # boto3's spelling, same loader


def test_the_service_table_is_what_botocore_says_today():
    spec = importlib.util.spec_from_file_location(
        "js_sdk_services", ROOT / "scripts/js_sdk_services.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0, "run scripts/js_sdk_services.py"


def test_every_service_model_of_botocore_gets_its_v3_package_back():
    """The v3 package rule (serviceId lowercased, spaces as hyphens) against every model."""
    data = Path(importlib.util.find_spec("botocore").submodule_search_locations[0]) / "data"
    checked = 0
    for model in data.glob("*/*/service-2.json.gz"):
        sid = json.loads(gzip.decompress(model.read_bytes()))["metadata"]["serviceId"]
        newest = sorted(p.name for p in model.parent.parent.iterdir() if p.is_dir())[-1]
        if model.parent.name == newest and model.parent.parent.name != "sms-voice":
            # sms-voice: an older copy of pinpoint-sms-voice, with the same serviceId
            assert service_of_package("@aws-sdk/client-" + sid.lower().replace(" ", "-")) == (
                model.parent.parent.name
            )
            checked += 1
    assert checked > 300


# -- values, one form at a time ----------------------------------------------------------------

HEAD = 'import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";\n'


@pytest.mark.parametrize(
    ("setup", "expr", "value"),
    [
        ("", '"b"', Value(text="b")),
        ("", "'b'", Value(text="b")),
        ("", "`b`", Value(text="b")),
        ('const B = "b";', "B", Value(text="b")),
        ('const A = "b"; const B = A;', "B", Value(text="b")),
        ('const P = "in";', "`${P}/x`", Value(text="in/x")),
        ("", "`in/${event.k}`", Value(text="in/", prefix=True)),
        ("", '"in/" + event.k', Value(text="in/", prefix=True)),
        ('const P = "in/";', "P + event.k + '/x'", Value(text="in/", prefix=True)),
        ("", "`${event.k}/in`", UNRESOLVED),
        ("", "process.env.BUCKET", Value(env="BUCKET")),
        ("", 'process.env["BUCKET"]', Value(env="BUCKET")),
        ("", "process.env.BUCKET!", Value(env="BUCKET")),
        ("", "process.env.BUCKET as string", Value(env="BUCKET")),
        ("", 'process.env.BUCKET ?? "fallback"', Value(env="BUCKET")),
        ("", "`${process.env.BUCKET}`", Value(env="BUCKET")),
        ("const { BUCKET } = process.env;", "BUCKET", Value(env="BUCKET")),
        ("const { BUCKET: b } = process.env;", "b", Value(env="BUCKET")),
        ('const { BUCKET: b = "x" } = process.env;', "b", Value(env="BUCKET")),
        ('const cfg = { bucket: "b" };', "cfg.bucket", Value(text="b")),
        ("", "event.bucket", UNRESOLVED),
        ("", "pick()", UNRESOLVED),
        ('let B = "b"; B = event.b;', "B", UNRESOLVED),
        ('const B = "a"; { const B = "c"; }', "B", Value(text="a")),
    ],
)
def test_member_values(setup, expr, value):
    (call,) = scan(
        HEAD
        + f"{setup}\nexport const handler = async (event: any) =>\n"
        + f"  new S3Client({{}}).send(new GetObjectCommand({{ Bucket: {expr}, Key: 'k' }}));\n"
    )
    assert call.params["Bucket"] == value


def test_members_that_cannot_be_names_are_left_out_and_unknown_ones_kept():
    (call,) = scan(
        HEAD
        + "new GetObjectCommand({ Bucket: 'b', PartNumber: 3, Range: [1], Key: x.y, ...rest });"
    )
    assert call.params == {"Bucket": Value(text="b"), "Key": UNRESOLVED}


def test_a_helper_parameter_takes_the_value_every_call_passes_or_none():
    (one,) = [
        c
        for c in scan(
            HEAD
            + "function get(bucket) { return new GetObjectCommand({ Bucket: bucket }); }\n"
            + "get('a'); get('a');\n"
        )
    ]
    assert one.params["Bucket"] == Value(text="a")
    (two,) = scan(
        HEAD
        + "function get(bucket) { return new GetObjectCommand({ Bucket: bucket }); }\n"
        + "get('a'); get('b');\n"
    )
    assert two.params["Bucket"] == UNRESOLVED


def test_the_line_is_the_calls_own_line():
    calls = scan(
        """\
        const AWS = require("aws-sdk");
        const s3 = new AWS.S3();
        s3
          .getObject({ Bucket: "b", Key: "k" })
          .promise();
        """,
        "h.js",
    )
    assert [(c.operation, c.where.line) for c in calls] == [("GetObject", 4)]


def test_a_v2_client_method_that_is_no_operation_is_no_call():
    calls = scan(
        """\
        const AWS = require("aws-sdk");
        const s3 = new AWS.S3();
        s3.config.update({});
        s3.makeRequest("x");
        s3.getObjectMagic({ Bucket: "b" });
        """,
        "h.js",
    )
    assert calls == []


def test_unknown_commands_of_a_real_package_are_not_calls():
    calls = scan(
        'import { GetItemCommandX, GetItemCommand } from "@aws-sdk/client-dynamodb";\n'
        "new GetItemCommandX({}); new GetItemCommand({ TableName: 'T' });\n"
    )
    assert [(c.operation, c.params) for c in calls] == [("GetItem", {"TableName": Value(text="T")})]


# -- hostile input -----------------------------------------------------------------------------


def test_binary_junk_is_skipped_with_a_note():
    notes: list[str] = []
    assert extract_javascript("\x00\x01aws-sdk\xff" * 100, "junk.js", notes) == []
    assert notes == ["junk.js:1: skipped: binary content (NUL bytes), not JavaScript"]


def test_a_huge_file_is_skipped_with_a_note():
    notes: list[str] = []
    text = "// aws-sdk\n" + "x;\n" * (MAX_BYTES // 3 + 1)
    assert extract_javascript(text, "big.js", notes) == []
    assert len(notes) == 1 and notes[0].startswith("big.js:1: skipped: ")
    assert "byte limit" in notes[0]


def test_syntax_errors_are_noted_and_the_rest_still_read():
    notes: list[str] = []
    text = (
        HEAD
        + "const s3 = new S3Client({});\n"
        + "function broken( {{{ \n"
        + "export const h = () => s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));\n"
    )
    calls = extract_javascript(text, "bad.ts", notes)
    assert [c.operation for c in calls] == ["GetObject"]
    assert len(notes) == 1 and notes[0].startswith("bad.ts:") and "syntax error" in notes[0]


def test_deep_nesting_does_not_crash():
    text = HEAD + "const B = " + "(" * 5000 + '"b"' + ")" * 5000 + ";\n"
    text += "new GetObjectCommand({ Bucket: B });\n"
    for call in extract_javascript(text, "deep.ts", []):
        assert call.operation == "GetObject"


def test_self_referencing_consts_and_helpers_end():
    text = (
        HEAD
        + "const A = B; const B = A;\n"
        + "function f(x) { return f(x); }\n"
        + "function get(b) { get(b); return new GetObjectCommand({ Bucket: A, Key: b }); }\n"
    )
    (call,) = extract_javascript(text, "loop.ts", [])
    assert call.params == {"Bucket": UNRESOLVED, "Key": UNRESOLVED}


SNIPPETS = [p.read_text(encoding="utf-8") for p in HANDLERS]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SNIPPETS),
    st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 40), st.text(max_size=8)), max_size=6),
    st.sampled_from(["h.js", "h.ts", "h.tsx", "h.mjs"]),
)
def test_fuzz_mangled_handlers_never_crash(source, edits, path):
    """Handlers with random cuts and insertions (unbalanced braces, stray quotes, any text)."""
    text = source
    for at, cut, insert in edits:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + cut :]
    notes: list[str] = []
    calls = extract_javascript(text, path, notes)
    assert all(isinstance(c, SdkCall) and c.where.line >= 1 for c in calls)
    assert all(isinstance(v, Value) for c in calls for v in c.params.values())
    assert all(n.startswith(f"{path}:") and "\n" not in n for n in notes)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_fuzz_any_text_never_crashes(tail):
    notes: list[str] = []
    calls = extract_javascript('import x from "aws-sdk";\n' + tail, "any.ts", notes)
    assert isinstance(calls, list)


# -- laziness ----------------------------------------------------------------------------------


def test_tree_sitter_loads_only_when_a_file_may_call_aws_and_botocore_never():
    code = """
        import json, sys
        from wizard.scan.javascript import extract_javascript
        before = "tree_sitter" in sys.modules
        extract_javascript("console.log(1)", "a.js")
        plain = "tree_sitter" in sys.modules
        calls = extract_javascript(
            'import {GetItemCommand} from "@aws-sdk/client-dynamodb";'
            'new GetItemCommand({TableName: "T"});', "b.js")
        print(json.dumps([before, plain, "tree_sitter" in sys.modules, len(calls),
                          sorted(m for m in sys.modules if m.split(".")[0] in
                                 ("boto3", "botocore", "textual", "questionary"))]))
    """
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [False, False, True, 1, []]


def test_helpers_calling_helpers_stay_linear():
    """Each level calls the one below 20 times: followed naively, 20**6 paths to one value."""
    lines = [HEAD, "function f0(x) { return new GetObjectCommand({ Bucket: x }); }"]
    for level in range(1, 7):
        lines.append(f"function f{level}(x) {{ " + f"f{level - 1}(x); " * 20 + "}")
    lines.append('f6("b");')
    (call,) = extract_javascript("\n".join(lines), "deep.ts", [])
    assert call.params["Bucket"] == Value(text="b")


def test_a_note_is_one_line_whatever_the_file_is_called():
    notes: list[str] = []
    extract_javascript("\x00", "evil\nname\x1b[31m.js", notes)
    assert notes == [
        "evil\\nname\\x1b[31m.js:1: skipped: binary content (NUL bytes), not JavaScript"
    ]


# -- clients across files ----------------------------------------------------------------------

MODULES = ROOT / "tests" / "scan_corpus" / "javascript_modules"


@pytest.mark.parametrize(
    "folder", sorted(p for p in MODULES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_clients_and_names_imported_from_another_scanned_file(folder):
    """A client or name exported by one file (ES exports, module.exports, TypeScript's "./x.js"
    for x.ts) is followed into the file that imports it: the calls are found there, with
    their members exact, and the module that only makes clients reports no call."""
    from wizard.scan.sources import scan_sources

    found = scan_sources([str(folder)])
    assert found.skipped == []
    for code in sorted(folder.glob("*.*s")):
        mine = [c for c in found.calls if Path(c.where.file).name == code.name]
        expected = {k: (via, params) for k, via, params in expected_calls(code)}
        assert sorted(key(c) for c in mine) == sorted(expected), code.name
        for call in mine:
            assert (call.via, call.params) == expected[key(call)], key(call)
    assert found.calls, "no call found"
