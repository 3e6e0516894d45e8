"""`role-wizard scan`: the operation -> action mapping, the Python reader, the source walker,
binding and the command."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import botocore
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.catalog.reference import reference
from wizard.scan import actions as A
from wizard.scan import models as M
from wizard.scan.bind import bind
from wizard.scan.calls import SdkCall, Value, Where
from wizard.scan.python import extract_python
from wizard.scan.sources import scan_sources, source_files
from wizard.spec import load_spec

# --------------------------------------------------------------------------- mapping

BOUND = sorted(A.bound_services())
OPERATIONS = [(s, op) for s in BOUND for op in A.service_model(s).operations]


def test_every_bound_service_has_a_botocore_model():
    assert all(A.service_model(s) is not None for s in BOUND)
    assert len(OPERATIONS) > 900


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(OPERATIONS))
def test_every_operation_of_the_catalogs_services_resolves_to_known_actions(item):
    """Property: each operation of botocore's models for the services the scan binds maps to
    IAM actions the reference knows (or is a reviewed `unmapped` entry with its source)."""
    mapping = A.actions_for(*item)
    if mapping.unmapped:
        entry = A.table()["operations"][item[0]][item[1]]  # only a reviewed entry may say so
        assert entry["unmapped"] and entry["source"].startswith("https://")
        return
    assert mapping.actions or mapping.choose
    for action in mapping.actions + mapping.choose:
        assert reference().action(action) is not None, (item, action)


def test_every_operation_resolves_exhaustively():
    """The property above, over every operation (the sample may miss a bad entry)."""
    unmapped = [(s, op) for s, op in OPERATIONS if A.actions_for(s, op).unmapped]
    assert all(A.table()["operations"][s][op].get("unmapped") for s, op in unmapped)
    assert len(unmapped) <= 5
    unknown = [
        (s, op, a)
        for s, op in OPERATIONS
        for a in A.actions_for(s, op).actions + A.actions_for(s, op).choose
        if reference().action(a) is None
    ]
    assert unknown == []


def test_every_exception_names_a_real_operation_and_has_a_source():
    for service, entries in A.table()["operations"].items():
        model = A.service_model(service)
        for op, entry in entries.items():
            assert op in model.operations, (service, op)
            assert entry["source"].startswith("https://"), (service, op)
    for service, methods in A.table()["conveniences"].items():
        for ops in methods.values():
            assert set(ops) <= set(A.service_model(service).operations)


@pytest.mark.parametrize(
    ("service", "operation", "actions"),
    [
        ("s3", "ListObjectsV2", ("s3:ListBucket",)),
        ("s3", "HeadObject", ("s3:GetObject",)),
        ("s3", "HeadBucket", ("s3:ListBucket",)),
        ("s3", "UploadPart", ("s3:PutObject",)),
        ("sqs", "GetQueueUrl", ("sqs:GetQueueUrl",)),
        ("dynamodb", "BatchWriteItem", ("dynamodb:BatchWriteItem",)),
        ("bedrock-runtime", "InvokeModel", ("bedrock:InvokeModel",)),
        ("stepfunctions", "StartExecution", ("states:StartExecution",)),
        ("cloudwatch", "PutMetricData", ("cloudwatch:PutMetricData",)),
        ("lambda", "Invoke", ("lambda:InvokeFunction",)),
    ],
)
def test_known_mappings(service, operation, actions):
    assert A.actions_for(service, operation).actions == actions


def test_method_names_match_boto3s_for_every_operation():
    """boto3's method for each operation (botocore's own xform_name) finds that operation."""
    for service in BOUND:
        for op in A.service_model(service).operations:
            assert M.operation_for(service, botocore.xform_name(op)) == op


def test_the_models_are_read_without_importing_botocore():
    code = textwrap.dedent(
        """
        import json, sys
        from wizard.scan.actions import actions_for
        from wizard.scan.python import extract_python
        from wizard.scan.javascript import extract_javascript
        extract_python("import boto3\\nboto3.client('s3').list_objects_v2(Bucket='b')", "h.py")
        js = "import {S3Client, ListObjectsV2Command} from '@aws-sdk/client-s3';"
        js += "new S3Client({}).send(new ListObjectsV2Command({Bucket: 'b'}));"
        assert extract_javascript(js, "h.mjs"), "the JavaScript reader found no call"
        actions_for("s3", "ListObjectsV2")
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore"))))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


# --------------------------------------------------------------------------- reader


def _ops(text: str) -> list[tuple[str, str, int]]:
    return [(c.service, c.operation, c.where.line) for c in extract_python(text, "h.py")]


def test_strings_module_constants_fstrings_and_environment():
    text = textwrap.dedent(
        """
        import os
        from os import environ
        import boto3
        BASE = "in"
        s3 = boto3.client("s3")
        s3.get_object(Bucket="b1", Key=f"{BASE}/x/{os.getpid()}")
        s3.get_object(Bucket=os.environ["B"], Key=os.getenv("K"))
        s3.get_object(Bucket=os.environ.get("B2", "d"), Key=BASE + "/" + str(1))
        """
    )
    calls = extract_python(text, "h.py")
    assert calls[0].params["Key"] == Value(text="in/x/", prefix=True)
    assert calls[1].params["Bucket"] == Value(env="B")
    assert calls[1].params["Key"] == Value(env="K")
    assert calls[2].params["Bucket"] == Value(env="B2")
    assert calls[2].params["Key"] == Value(text="in/", prefix=True)


def test_non_sdk_calls_and_unknown_methods_are_not_reported():
    text = textwrap.dedent(
        """
        import boto3, requests
        c = boto3.client("s3")
        c.meta.region_name
        c.not_an_operation(Bucket="b")
        requests.get("https://example.com")
        obj = {"get_object": 1}
        """
    )
    assert _ops(text) == []


def test_a_syntax_error_is_a_user_error_with_its_line():
    from wizard.errors import UserError

    with pytest.raises(UserError) as err:
        extract_python("import boto3\ndef (:\n", "bad.py")
    assert err.value.where == "bad.py:2"


def test_deeply_nested_code_is_skipped_with_a_reason_not_a_crash(tmp_path):
    chain = " + ".join(['"a"'] * 20000)
    (tmp_path / "gen.py").write_text(
        f"import boto3\nx = {chain}\nboto3.client('s3').get_object(Bucket=x)\n"
    )
    result = scan_sources([str(tmp_path)])
    assert result.files == [] and "nested" in result.skipped[0][1]


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_the_reader_never_crashes_on_any_text(text):
    import contextlib

    from wizard.errors import UserError

    with contextlib.suppress(UserError):
        extract_python(text, "f.py")


# --------------------------------------------------------------------------- binding


def test_unresolved_names_are_reported_never_widened():
    calls = [
        SdkCall(
            "dynamodb", "GetItem", Where("h.py", 3), {"TableName": Value(text="t-", prefix=True)}
        ),
        SdkCall("dynamodb", "GetItem", Where("h.py", 4), {"TableName": Value(env="T")}),
        SdkCall("s3", "GetObject", Where("h.py", 5), {"Bucket": Value(text="b1"), "Key": Value()}),
    ]
    binding = bind(calls)
    assert binding.suggestions == []
    assert [u.where.line for u in binding.unresolved] == [3, 4, 5]
    bound = bind(calls[1:2], {"T": "Orders"})
    assert bound.suggestions[0].entry.field_values() == {"name": "Orders"}


def test_an_unset_variable_names_the_specs_only_entry_of_that_kind():
    from wizard.spec import ResourceEntry

    call = SdkCall("dynamodb", "GetItem", Where("h.py", 4), {"TableName": Value(env="T")})
    mine = ResourceEntry(kind="dynamodb-table", name="Mine", access="read")
    assert bind([call], known=[mine]).suggestions[0].entry.field_values() == {"name": "Mine"}
    two = [mine, ResourceEntry(kind="dynamodb-table", name="Other")]
    assert bind([call], known=two).suggestions == []  # which one: the user says
    partial = SdkCall("dynamodb", "GetItem", Where("h.py", 5), {"TableName": Value("t-", True)})
    assert bind([partial], known=[mine]).suggestions == []  # only environment names


def test_profiles_are_the_smallest_that_grant_every_call():
    def calls(*ops):
        return [
            SdkCall("dynamodb", op, Where("h.py", i), {"TableName": Value(text="T1x")})
            for i, op in enumerate(ops)
        ]

    assert bind(calls("GetItem", "Query")).suggestions[0].entry.access == "read"
    assert bind(calls("PutItem")).suggestions[0].entry.access == "write"
    assert bind(calls("GetItem", "Scan", "PutItem")).suggestions[0].entry.access == "read-write"
    wide = bind(calls("GetItem", "DeleteTable")).suggestions[0]
    assert wide.uncovered == ["dynamodb:DeleteTable"]  # reported, not granted


# --------------------------------------------------------------------------- walker, CLI


def test_vendored_and_test_folders_are_skipped_unless_asked(tmp_path):
    for rel in (
        "app.py",
        "lib/util.py",
        "tests/test_app.py",
        "node_modules/x/i.js",
        ".venv/lib/m.py",
        "build/b.py",
        "test_top.py",
        "notes.txt",
    ):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    found = {p.replace(str(tmp_path) + "/", "") for p in source_files([str(tmp_path)])}
    assert found == {"app.py", "lib/util.py"}
    with_tests = {p.replace(str(tmp_path) + "/", "") for p in source_files([str(tmp_path)], True)}
    assert with_tests == {"app.py", "lib/util.py", "tests/test_app.py", "test_top.py"}


def test_javascript_files_are_skipped_until_a_reader_is_installed(tmp_path, monkeypatch):
    (tmp_path / "index.mjs").write_text("export const handler = async () => 1;\n")
    monkeypatch.setitem(sys.modules, "wizard.scan.javascript", None)  # import fails
    monkeypatch.delattr("wizard.scan.javascript", raising=False)  # imported by another test
    result = scan_sources([str(tmp_path)])
    assert result.files == [] and result.skipped[0][0].endswith("index.mjs")


def test_javascript_files_are_read_and_their_reader_notes_are_listed(tmp_path):
    (tmp_path / "h.mjs").write_text(
        'import {DynamoDBClient, GetItemCommand} from "@aws-sdk/client-dynamodb";\n'
        "const c = new DynamoDBClient({});\n"
        'export const handler = () => c.send(new GetItemCommand({TableName: "Orders"}));\n'
    )
    (tmp_path / "bad.js").write_text('const x = ;;; require("@aws-sdk/client-s3")\n')
    result = scan_sources([str(tmp_path)])
    assert [(c.service, c.operation, c.where.line) for c in result.calls] == [
        ("dynamodb", "GetItem", 3)
    ]
    assert [where for where, _ in result.skipped] == [f"{tmp_path / 'bad.js'}:1"]


def _handler(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        textwrap.dedent(
            """
            import os
            import boto3
            ddb = boto3.client("dynamodb")
            def handler(event, context):
                ddb.get_item(TableName=os.environ["TABLE"], Key={})
                ddb.put_item(TableName="Audit", Item={})
            """
        )
    )
    return tmp_path / "src"


def test_scan_writes_a_spec_that_builds(tmp_path, run_cli):
    src = _handler(tmp_path)
    out = tmp_path / "role.yaml"
    r = run_cli("scan", str(src), "--function", "fn", "-o", str(out))
    code, stdout, stderr = r.code, r.out, r.err
    assert code == 0, stderr
    spec, _ = load_spec(out)
    assert [(r.kind, r.field_values(), r.access) for r in spec.resources] == [
        ("dynamodb-table", {"name": "Audit"}, "write")
    ]
    assert "# added by role-wizard scan:" in out.read_text()
    assert "app.py:6: dynamodb:GetItem" in stdout and "TABLE" in stdout  # unresolved, shown
    r = run_cli("build", str(out), "-f", "cloudformation")
    assert r.code == 0, r.err


def test_scan_into_keeps_the_users_entries_and_marks_added_ones(tmp_path, run_cli):
    src = _handler(tmp_path)
    spec = tmp_path / "role.yaml"
    spec.write_text("function: fn\nresources:\n  - {kind: sqs-queue, name: jobs, access: send}\n")
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Environment: {Variables: {TABLE: Orders}}\n"
    )
    r = run_cli(
        "scan", str(src), "--into", str(spec), "--template", str(template), "--format", "json"
    )
    code, stdout, stderr = r.code, r.out, r.err
    assert code == 0, stderr
    data = json.loads(stdout)
    assert {s["entry"]["name"] for s in data["suggestions"]} == {"Orders", "Audit"}
    assert data["suggestions"][0]["actions"]["dynamodb:GetItem"][0].endswith("app.py:6")
    text = spec.read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("- ")]
    assert "jobs" in lines[0] and "# added" not in lines[0]
    assert all("# added by role-wizard scan: " in line for line in lines[1:])
    assert len(yaml.safe_load(text)["resources"]) == 3
    # the user's read-only Audit entry is kept, and what it lacks is said
    spec.write_text("function: fn\nresources:\n  - {kind: dynamodb-table, name: Audit}\n")
    r = run_cli("scan", str(src), "--into", str(spec))
    assert r.code == 0, r.err
    assert "resources[0]: its profile None" not in r.err
    assert "does not grant dynamodb:PutItem" in r.err
    assert "{kind: dynamodb-table, name: Audit}" in spec.read_text()


def test_scan_into_keeps_the_users_comments_layout_and_quoting(tmp_path, run_cli):
    """--into appends to the user's file: every line of it is kept as written (comments, key
    order, indentation, quoting), and the added entries are what the one spec writer writes
    for them (its quoting), each marked with where the code calls it."""
    from wizard.spec import ResourceEntry, RoleSpec, load_spec_text

    src = tmp_path / "src"
    src.mkdir()
    (src / "app.py").write_text(
        "import boto3\n"
        "def handler(e, c):\n"
        '    boto3.client("dynamodb").put_item(TableName="yes", Item={})\n'
        '    boto3.client("s3").get_object(Bucket="acme-config", Key="2024-01-01")\n'
    )
    spec = tmp_path / "role.yaml"
    original = (
        "# The orders function's role: reviewed by the platform team.\n"
        "function: orders   # the Lambda function\n"
        "account: '012345678901'\n"
        "role:\n"
        "    description: Orders API   # four-space indent\n"
        "resources:\n"
        "  # the queue the API feeds\n"
        "  - kind: sqs-queue\n"
        "    access: send   # not consume\n"
        "    name: jobs\n"
        "tracing: true  # X-Ray\n"
    )
    spec.write_text(original)
    r = run_cli("scan", str(src), "--into", str(spec))
    assert r.code == 0, r.err
    text = spec.read_text()
    lines = text.splitlines()
    kept = iter(lines)
    assert all(line in kept for line in original.splitlines())  # all kept, in order
    added = lines[lines.index("    name: jobs") + 1 : lines.index("tracing: true  # X-Ray")]
    entries = [
        ResourceEntry(kind="dynamodb-table", name="yes", access="write"),
        ResourceEntry(kind="s3-prefix", bucket="acme-config", key="2024-01-01", access="read"),
    ]
    writer = RoleSpec(function="orders", resources=entries).to_yaml().splitlines()
    written = writer[writer.index("resources:") + 1 :]
    assert [line.split("  # ")[0] for line in added] == ["  " + w for w in written]
    assert [line.split("  # ")[1] for line in added if "  # " in line] == [
        f"added by role-wizard scan: {src / 'app.py'}:3",
        f"added by role-wizard scan: {src / 'app.py'}:4",
    ]
    merged, _ = load_spec_text(text)
    assert [r.kind for r in merged.resources] == ["sqs-queue", "dynamodb-table", "s3-prefix"]
    assert merged.account == "012345678901" and merged.tracing


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "/no/such/folder"],
        ["scan", ".", "-o", "x.yaml"],  # no --function
    ],
)
def test_bad_input_is_one_line_and_status_2(args, run_cli):
    r = run_cli(*args)
    assert r.code == 2
    assert r.err.startswith("role-wizard: ") and r.err.count("\n") == 1


def test_a_template_with_several_functions_needs_function(tmp_path, run_cli):
    src = _handler(tmp_path)
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n"
        "  A: {Type: AWS::Serverless::Function, Properties: {FunctionName: a}}\n"
        "  B: {Type: AWS::Lambda::Function, Properties: {FunctionName: b}}\n"
    )
    r = run_cli("scan", str(src), "--template", str(template))
    assert r.code == 2 and "choose one with --function" in r.err and r.err.count("\n") == 1
    r = run_cli("scan", str(src), "--template", str(template), "--function", "c")
    assert r.code == 2 and "no function 'c'" in r.err
    assert run_cli("scan", str(src), "--template", str(template), "--function", "b").code == 0
    broken = tmp_path / "main.tf"
    broken.write_text('resource "aws_lambda_function" "f" {\n  environment {\n')
    r = run_cli("scan", str(src), "--template", str(broken))
    assert r.code == 2 and r.err.startswith("role-wizard: ") and r.err.count("\n") == 1


STYLES = [
    'import boto3\nboto3.client("dynamodb").{op}(TableName={name!r})\n',
    'import boto3\nT = {name!r}\nddb = boto3.client("dynamodb")\ndef h(e, c):\n    ddb.{op}(TableName=T)\n',
    'import boto3\nt = boto3.resource("dynamodb").Table({name!r})\ndef h(e, c):\n    t.{op}()\n',
    "import boto3\ndef f(c, n):\n    c.{op}(TableName=n)\ndef h(e, x):\n"
    '    f(boto3.Session().client("dynamodb"), {name!r})\n',
    'import boto3\nclass R:\n    def __init__(self):\n        self.c = boto3.client("dynamodb")\n'
    '    def go(self):\n        self.c.{op}(TableName=f"{name}")\n',
]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(STYLES),
    st.from_regex(r"[A-Za-z0-9_.-]{3,40}", fullmatch=True),
    st.sampled_from(["get_item", "put_item", "query", "delete_item"]),
)
def test_any_table_name_in_any_style_is_bound_exactly(style, name, op):
    """Property: whatever the table's name and however the client is reached, the entry names
    exactly that table, and the action is the operation's."""
    calls = extract_python(style.format(op=op, name=name), "h.py")
    binding = bind(calls)
    assert [s.entry.field_values() for s in binding.suggestions] == [{"name": name}]
    operation = M.operation_for("dynamodb", op)
    assert set(binding.suggestions[0].actions) == {f"dynamodb:{operation}"}


# --------------------------------------------------------------------------- exact S3 objects


@settings(max_examples=40, deadline=None)
@given(
    key=st.from_regex(r"[A-Za-z0-9._-]{1,20}(/[A-Za-z0-9._-]{1,20}){0,3}", fullmatch=True),
    op=st.sampled_from(["get_object", "put_object", "head_object", "delete_object"]),
)
def test_a_whole_s3_key_is_granted_exactly_that_object(key, op):
    """Property: ``Key="..."`` written out in full becomes the entry's ``key``; the role built
    from it has no validator error or warning nor spec warning, allows that object and no sibling key."""
    from wizard.policy.compose import compose
    from wizard.policy.evaluate import Evaluator
    from wizard.policy.gate import blocking, review
    from wizard.spec import RoleSpec, spec_warnings

    code = f'import boto3\nboto3.client("s3").{op}(Bucket="acme-config", Key={key!r})\n'
    binding = bind(extract_python(code, "h.py"))
    assert [s.entry.field_values() for s in binding.suggestions] == [
        {"bucket": "acme-config", "key": key}
    ]
    spec = RoleSpec(
        function="fn",
        account="123456789012",
        region="us-east-1",
        resources=[s.entry for s in binding.suggestions],
    )
    assert spec_warnings(spec) == []
    bundle = compose(spec)
    assert blocking(review(bundle)) == []  # no error nor warning (the gate's rule)
    ev = Evaluator([p.document for p in bundle.policies], bundle.boundary.document)
    (action,) = binding.suggestions[0].actions
    assert ev.evaluate(action, f"arn:aws:s3:::acme-config/{key}", {}).allowed
    for sibling in (key + ".bak", key + "/x", "x" + key, key[:-1] or "x"):
        assert not ev.evaluate(action, f"arn:aws:s3:::acme-config/{sibling}", {}).allowed
    assert not ev.evaluate("s3:ListBucket", "arn:aws:s3:::acme-config", {}).allowed


def test_a_key_under_a_scanned_prefix_joins_the_prefix_and_a_partial_key_is_a_prefix():
    code = textwrap.dedent(
        """
        import boto3
        s3 = boto3.client("s3")
        def h(e, c):
            s3.get_object(Bucket="b1b", Key="config/settings.json")
            s3.put_object(Bucket="b1b", Key=f"config/{e['id']}", Body=b"")
            s3.get_object(Bucket="b2b", Key="a.json")
            s3.get_object(Bucket="b2b", Key="a.json.bak")
        """
    )
    binding = bind(extract_python(code, "h.py"))
    got = sorted(tuple(sorted(s.entry.field_values().items())) for s in binding.suggestions)
    assert got == [
        (("bucket", "b1b"), ("prefix", "config/")),
        (("bucket", "b2b"), ("key", "a.json")),
        (("bucket", "b2b"), ("key", "a.json.bak")),
    ]


def test_a_spec_cannot_give_both_key_and_prefix(tmp_path, run_cli):
    spec = tmp_path / "role.yaml"
    spec.write_text(
        "function: fn\nresources:\n  - {kind: s3-prefix, bucket: b1b, prefix: a/, key: a/b}\n"
    )
    r = run_cli("build", str(spec), "-f", "cloudformation")
    assert (
        r.code == 2
        and r.err == f"role-wizard: {spec}:3: resources[0].key: give key or prefix, not both\n"
    )


# --------------------------------------------------------------------------- across files


def test_each_handler_imports_the_clients_module_beside_it(tmp_path):
    """Two functions in one repository, each with its own clients.py: each handler is bound to
    its own module's table (Lambda puts the handler's folder on the path), and an import cycle
    between modules reads as nothing instead of hanging."""
    for fn, table in (("orders", "Orders"), ("audit", "Audit")):
        (tmp_path / fn).mkdir()
        (tmp_path / fn / "clients.py").write_text(
            f'import boto3\nfrom cycle import X\ntable = boto3.resource("dynamodb").Table("{table}")\n'
        )
        (tmp_path / fn / "cycle.py").write_text("from clients import table\nX = 'x'\n")
        (tmp_path / fn / "handler.py").write_text(
            "from clients import table\ndef handler(e, c):\n    table.get_item(Key={})\n"
        )
    found = scan_sources([str(tmp_path)])
    got = {
        (c.where.file.split("/")[-2], c.params["TableName"].text)
        for c in found.calls
        if c.operation == "GetItem"
    }
    assert got == {("orders", "Orders"), ("audit", "Audit")}


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(
        st.one_of(
            st.sampled_from(["yes", "no", "null", "012", "1e3", "2024-01-01", "on", "0x1F"]),
            st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True),
        ),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    indent=st.sampled_from(["", "  ", "    "]),
)
def test_entries_appended_to_a_users_spec_read_back_as_written(names, indent):
    """Property: whatever the names (words a YAML reader takes for another type included) and
    however the user indents the list, the appended spec reads back as the user's entries and
    then the new ones."""
    from wizard.spec import ResourceEntry, load_spec_text, spec_yaml_with_entries

    original = (
        f"function: fn  # mine\nresources:\n{indent}- {{kind: dynamodb-table, name: 'on1'}}\n"
    )
    entries = [ResourceEntry(kind="sqs-queue", name=n) for n in names]
    text = spec_yaml_with_entries(original, entries, {0: "added"})
    assert text.startswith(original)
    spec, _ = load_spec_text(text)
    assert [r.field_values()["name"] for r in spec.resources] == ["on1", *names]


# --------------------------------------------------------------------------- several members


@settings(max_examples=40, deadline=None)
@given(
    cluster=st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True),
    secret=st.from_regex(r"[A-Za-z0-9/_+=.@-]{1,30}", fullmatch=True),
    suffix=st.from_regex(r"[A-Za-z0-9]{6}", fullmatch=True),
)
def test_rds_data_arns_name_the_cluster_and_the_secret_exactly(cluster, secret, suffix):
    """Property: the cluster ARN gives the cluster, the secret's full ARN its name (without
    the 6-character suffix Secrets Manager adds)."""
    code = (
        "import boto3\n"
        'boto3.client("rds-data").execute_statement(sql="select 1",\n'
        f'    resourceArn="arn:aws:rds:us-east-1:123456789012:cluster:{cluster}",\n'
        f'    secretArn="arn:aws:secretsmanager:us-east-1:123456789012:secret:{secret}-{suffix}")\n'
    )
    binding = bind(extract_python(code, "h.py"))
    assert [s.entry.field_values() for s in binding.suggestions] == [
        {"cluster": cluster, "secret": secret}
    ]


@pytest.mark.parametrize(
    "request_members, reason",
    [
        ('resourceArn="arn:aws:rds:us-east-1:123456789012:db:orders"', "not the form"),
        ('resourceArn=event["arn"]', "not a constant"),
        ('resourceArn="arn:aws:rds:us-east-1:123456789012:cluster:orders"', "no secretArn"),
    ],
)
def test_a_member_the_scan_cannot_read_leaves_the_call_unresolved(request_members, reason):
    code = f'import boto3\ndef h(event, c):\n    boto3.client("rds-data").execute_statement({request_members}, secretArn="arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf")\n'
    if "no secretArn" in reason:
        code = code.replace(
            ', secretArn="arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"', ""
        )
    binding = bind(extract_python(code, "h.py"))
    assert binding.suggestions == []
    assert [(u.where.line, reason in u.reason) for u in binding.unresolved] == [(3, True)]


def test_a_follow_up_call_binds_only_to_one_earlier_resource():
    """GetLatestConfiguration names only a token: with sessions on two profiles it is left
    unresolved rather than granted on both."""
    start = (
        "c.start_configuration_session(ApplicationIdentifier='abc1234', "
        "EnvironmentIdentifier='env5678', ConfigurationProfileIdentifier='{}')\n"
    )
    code = "import boto3\nc = boto3.client('appconfigdata')\n" + start.format("prf0001")
    code += start.format("prf0002") + "c.get_latest_configuration(ConfigurationToken=t)\n"
    binding = bind(extract_python(code, "h.py"))
    assert len(binding.suggestions) == 2
    assert all(
        set(s.actions) == {"appconfig:StartConfigurationSession"} for s in binding.suggestions
    )
    (u,) = binding.unresolved
    assert u.where.line == 5 and u.actions == ("appconfig:GetLatestConfiguration",)
