"""The Python reader follows a client across files through functions: a client passed to a
function another scanned file defines (``from helpers import fetch; fetch(s3, ...)``,
``helpers.fetch(s3, ...)``), and a client or resource an imported function makes and returns
(``table = make_table()``). The call is reported where it is written, in the helper's file,
with what the caller passed; a helper called from several files is walked for each."""

from __future__ import annotations

from pathlib import Path

from wizard.scan.sources import scan_sources

HELPERS = """\
import os

import boto3


def fetch(client, bucket, key):
    return client.get_object(Bucket=bucket, Key=key)


def make_table():
    return boto3.resource("dynamodb").Table(os.environ["TABLE"])


def make_queue(name):
    return boto3.resource("sqs").Queue(name)
"""


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _calls(folder: Path) -> list[tuple[str, str, int, dict[str, str]]]:
    """(file name, operation, line, the resolved request members) of each call found."""
    found = scan_sources([str(folder)])
    return [
        (
            Path(c.where.file).name,
            f"{c.service}:{c.operation}",
            c.where.line,
            {k: str(v.text) for k, v in sorted(c.params.items()) if v.resolved},
        )
        for c in found.calls
    ]


def test_a_client_passed_to_an_imported_function_is_followed_into_its_file(tmp_path):
    _write(
        tmp_path,
        {
            "helpers.py": HELPERS,
            "handler.py": (
                "import boto3\n"
                "import helpers\n"
                "from helpers import fetch\n"
                "s3 = boto3.client('s3')\n"
                "def handler(event, context):\n"
                "    fetch(s3, 'acme-config', 'a.json')\n"
                "    return helpers.fetch(s3, bucket='acme-data', key='b.json')\n"
            ),
        },
    )
    assert sorted(_calls(tmp_path), key=repr) == [
        ("helpers.py", "s3:GetObject", 7, {"Bucket": "acme-config", "Key": "a.json"}),
        ("helpers.py", "s3:GetObject", 7, {"Bucket": "acme-data", "Key": "b.json"}),
    ]


def test_what_an_imported_function_returns_is_followed_out(tmp_path):
    _write(
        tmp_path,
        {
            "helpers.py": HELPERS,
            "handler.py": (
                "import helpers\n"
                "from helpers import make_table\n"
                "table = make_table()\n"
                "def handler(event, context):\n"
                "    table.put_item(Item={})\n"
                "    helpers.make_queue('https://sqs.example/q').send_message(MessageBody='m')\n"
            ),
        },
    )
    calls = _calls(tmp_path)
    assert ("handler.py", "dynamodb:PutItem", 5, {}) in calls
    put = next(c for c in scan_sources([str(tmp_path)]).calls if c.operation == "PutItem")
    assert put.params["TableName"].env == "TABLE"
    assert (
        "handler.py",
        "sqs:SendMessage",
        6,
        {"MessageBody": "m", "QueueUrl": "https://sqs.example/q"},
    ) in calls


def test_a_helper_called_from_two_files_reports_each_callers_resource_once(tmp_path):
    caller = (
        "import boto3\nfrom lib.helpers import fetch\n"
        "def handler(event, context):\n"
        "    return fetch(boto3.client('s3'), 'acme-{}', 'k')\n"
    )
    _write(
        tmp_path,
        {
            "lib/__init__.py": "",
            "lib/helpers.py": HELPERS,
            "a.py": caller.format("one"),
            "b.py": caller.format("one"),  # the same call: one report
            "c.py": caller.format("two"),
        },
    )
    assert _calls(tmp_path) == [
        ("helpers.py", "s3:GetObject", 7, {"Bucket": "acme-one", "Key": "k"}),
        ("helpers.py", "s3:GetObject", 7, {"Bucket": "acme-two", "Key": "k"}),
    ]


def test_a_helper_walked_on_its_own_and_from_a_caller_is_reported_knowing_the_most(tmp_path):
    """helpers.py makes its own client, so it is read on its own too (the bucket a parameter,
    unresolved); the handler's walk knows the bucket, and only that report stays."""
    _write(
        tmp_path,
        {
            "helpers.py": (
                "import boto3\n"
                "s3 = boto3.client('s3')\n"
                "def put(bucket):\n"
                "    s3.put_object(Bucket=bucket, Key='k', Body=b'')\n"
            ),
            "handler.py": (
                "from helpers import put\ndef handler(event, context):\n    put('acme-out')\n"
            ),
        },
    )
    assert _calls(tmp_path) == [
        ("helpers.py", "s3:PutObject", 4, {"Bucket": "acme-out", "Key": "k"}),
    ]


def test_a_helper_of_another_file_calling_a_helper_of_its_own_file_is_followed(tmp_path):
    _write(
        tmp_path,
        {
            "helpers.py": (
                "def fetch(client, bucket):\n"
                "    return _get(client, bucket)\n"
                "def _get(client, bucket):\n"
                "    return client.get_object(Bucket=bucket, Key='k')\n"
            ),
            "handler.py": (
                "import boto3\nimport helpers\n"
                "def handler(event, context):\n"
                "    return helpers.fetch(boto3.client('s3'), 'acme-in')\n"
            ),
        },
    )
    assert _calls(tmp_path) == [
        ("helpers.py", "s3:GetObject", 4, {"Bucket": "acme-in", "Key": "k"}),
    ]


def test_functions_calling_each_other_across_files_end(tmp_path):
    _write(
        tmp_path,
        {
            "a.py": (
                "import boto3\nimport b\n"
                "def ping(client, n):\n"
                "    client.list_buckets()\n"
                "    return b.pong(client, n)\n"
                "def handler(event, context):\n"
                "    ping(boto3.client('s3'), 1)\n"
            ),
            "b.py": "import a\ndef pong(client, n):\n    return a.ping(client, n)\n",
        },
    )
    assert _calls(tmp_path) == [("a.py", "s3:ListBuckets", 4, {})]


def test_a_function_of_a_file_outside_the_scan_is_not_followed(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "helpers.py").write_text(HELPERS)  # beside the folder scanned, not in it
    _write(
        tmp_path / "src",
        {
            "handler.py": (
                "import boto3\nfrom helpers import fetch\n"
                "def handler(event, context):\n"
                "    fetch(boto3.client('s3'), 'b', 'k')\n"
            )
        },
    )
    assert _calls(tmp_path / "src") == []
