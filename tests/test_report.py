"""``role-wizard report``: the access report's content (against the evaluator), its HTML (escaped;
rendered in a real headless browser) and Markdown (escaped; cut to fit a comment), the command."""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.bundle import NamedPolicy
from wizard.policy.evaluate import ALLOWED as EVAL_ALLOWED
from wizard.policy.evaluate import EXPLICITLY_DENIED, evaluate
from wizard.report.access import (
    ALLOWED,
    CONDITIONAL,
    CUT,
    DENIED,
    Target,
    build_report,
    level_of,
)
from wizard.report.html import render_html
from wizard.report.markdown import COMMENT_LIMIT, comment_length, render_markdown

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/{}"
ORDERS_SPEC = """\
function: orders-api
account: "123456789012"
region: us-east-1
resources:
- {kind: dynamodb-table, name: Orders, access: read-write}
- {kind: s3-prefix, bucket: demo-orders-uploads, prefix: incoming/}
- {kind: sns-topic, name: order-placed}
"""


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def state_of(report, label: str, action: str) -> str | None:
    for row in report.rows:
        if row.target.label == label:
            for cell in row.cells.values():
                for state, actions in cell.actions.items():
                    if action in actions:
                        return state
    return None


# --------------------------------------------------------------------------- content


def test_a_boundary_cut_an_explicit_deny_and_a_condition_show_on_the_resource() -> None:
    orders = TABLE.format("Orders")
    identity = [
        NamedPolicy(
            "p",
            doc(
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:GetItem", "dynamodb:DeleteTable", "dynamodb:PutItem"],
                    "Resource": "*",
                },
                {"Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": orders},
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:Query",
                    "Resource": orders,
                    "Condition": {"Bool": {"aws:SecureTransport": "true"}},
                },
            ),
        )
    ]
    boundary = doc(
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": "*"},
        {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"},
    )
    report = build_report(
        "r", identity, boundary, [Target("table Orders", (orders,))], source="test"
    )
    assert state_of(report, "table Orders", "dynamodb:GetItem") == ALLOWED
    assert state_of(report, "table Orders", "dynamodb:DeleteTable") == CUT
    assert state_of(report, "table Orders", "dynamodb:PutItem") == DENIED
    assert state_of(report, "table Orders", "dynamodb:Query") == CONDITIONAL
    # the grant on * also gets a row of its own; a queue is not a table
    assert state_of(report, "*", "dynamodb:GetItem") == ALLOWED
    assert "dynamodb:DeleteTable" in {a for c in report.cut for a in c.actions}
    assert "dynamodb:PutItem" in {a for c in report.denied for a in c.actions}
    queue = "arn:aws:sqs:us-east-1:123456789012:q"
    report = build_report("r", identity, None, [Target("queue", (queue,))], source="test")
    assert all(not row.cells for row in report.rows if row.target.label == "queue")


ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteTable", "dynamodb:Query")
ACTION_PATTERNS = (*ACTIONS, "dynamodb:*", "dynamodb:*Item", "dynamodb:Get*", "*")
TABLES = tuple(TABLE.format(n) for n in ("Orders", "Customers", "Order"))
RESOURCE_PATTERNS = (*TABLES, "*", TABLE.format("Order*"), TABLE.format("C?stomers"))


@st.composite
def statements(draw, effects=("Allow", "Deny")) -> dict:
    out = {
        "Effect": draw(st.sampled_from(effects)),
        "Action": draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3)),
    }
    key = draw(st.sampled_from(("Resource", "Resource", "NotResource")))
    out[key] = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    identity=st.lists(statements(), min_size=1, max_size=4),
    boundary=st.none() | st.lists(statements(), min_size=1, max_size=3),
)
def test_the_matrix_agrees_with_the_evaluator_on_named_resources(identity, boundary) -> None:
    """On resources named by exact ARNs, a cell's state is the evaluator's decision: allowed
    exactly when IAM's logic allows; denied only on an explicit deny; cut only when the
    identity policies alone allow it."""
    policies = [NamedPolicy("p", doc(*identity))]
    bdoc = doc(*boundary) if boundary else None
    targets = [Target(arn, (arn,)) for arn in TABLES]
    report = build_report("r", policies, bdoc, targets, source="test")
    for arn in TABLES:
        for action in ACTIONS:
            state = state_of(report, arn, action)
            both = evaluate(action, arn, [p.document for p in policies], boundary=bdoc)
            alone = evaluate(action, arn, [p.document for p in policies])
            assert (state == ALLOWED) == both.allowed, (arn, action, state, both)
            if state == DENIED:
                assert both.decision == EXPLICITLY_DENIED
            if state == CUT:
                assert alone.decision == EVAL_ALLOWED and not both.allowed
            if state is None:  # nothing granted here: the identity policies do not allow it
                assert alone.decision != EVAL_ALLOWED


def test_every_action_the_spec_grants_is_on_one_of_its_resources(spec_file) -> None:
    from wizard.cli.report import spec_report

    report = spec_report(str(spec_file(ORDERS_SPEC)))
    granted = {a for c in report.granted for a in c.actions}
    placed = {
        a
        for row in report.rows
        if row.target.named
        for cell in row.cells.values()
        for actions in cell.actions.values()
        for a in actions
    }
    assert granted and granted == placed
    assert all(row.target.named for row in report.rows)  # nothing outside the spec's resources
    labels = [row.target.label for row in report.rows]
    assert labels == [
        "log-group /aws/lambda/orders-api",
        "dynamodb-table Orders",
        "s3-prefix demo-orders-uploads/incoming/",
        "sns-topic order-placed",
    ]
    assert report.count(report.denied) > 0 and not report.cut  # the envelope's denies


def test_levels_of_double_filed_actions() -> None:
    assert level_of("Permissions management, Write") == "Permissions management"
    assert level_of("Tagging, Write") == "Tagging"
    assert level_of("") == "Unknown"


# --------------------------------------------------------------------------- escaping

SAFE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "code", "div", "b",
    "figure", "svg", "defs", "pattern", "rect", "line", "marker", "path", "text", "g", "span",
    "table", "tr", "th", "td", "br", "ul", "li",
}  # fmt: skip


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        self.handlers += [k for k, _ in attrs if k.startswith("on") or k in ("src", "href")]

    def handle_data(self, data) -> None:
        self.text.append(data)


def hostile_report(name: str):
    arn = f"arn:aws:s3:::bucket/{name}"
    identity = [
        NamedPolicy(name, doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": arn}))
    ]
    return build_report(
        name,
        identity,
        None,
        [Target(name, (arn,)), Target("x" + name, ("*",))],
        source=name,
        functions=(name,),
        notes=(name,),
    )


HOSTILE = st.text(
    alphabet=st.sampled_from("<>&\"'`|*_[]()#!/\\ =:;ab\u00e9\U0001f600"), min_size=1, max_size=40
) | st.sampled_from(["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "]]>-->"])


@settings(max_examples=80, deadline=None)
@given(name=HOSTILE)
def test_a_hostile_name_is_text_in_the_html_never_markup(name: str) -> None:
    page = render_html(hostile_report(name))
    parsed = _Collector()
    parsed.feed(page)
    assert parsed.tags <= SAFE_TAGS, parsed.tags - SAFE_TAGS
    assert not parsed.handlers
    assert name.strip() in "".join(parsed.text).replace("\n", " ") or name.isspace()


@settings(max_examples=80, deadline=None)
@given(name=HOSTILE)
def test_a_hostile_name_cannot_break_the_markdown_table(name: str) -> None:
    text = render_markdown(hostile_report(name))
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    header = rows[0]
    columns = header.count("|")
    for row in rows:  # every cell separator is the table's own: escaped pipes do not count
        assert row.replace("\\|", "").count("|") == columns, row
    # no raw HTML reaches the comment: outside code spans (whose text GitHub shows as is,
    # and which no backtick of input can close) every < is an entity
    assert "<" not in re.sub(r"`[^`\n]*`", "", text)


# --------------------------------------------------------------------------- Markdown size


def test_a_large_report_is_cut_to_fit_a_pull_request_comment() -> None:
    identity = [NamedPolicy("p", doc({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}))]
    targets = [
        Target(f"dynamodb-table T{i:05}-\U0001f600", (TABLE.format(f"T{i:05}"),))
        for i in range(2000)
    ]
    text = render_markdown(build_report("r", identity, None, targets, source="test"))
    assert comment_length(text) <= COMMENT_LIMIT < len(text.encode("utf-8"))
    assert text.rstrip().endswith("--format html`.*")
    assert "Truncated to fit a comment" in text
    small = render_markdown(build_report("r", identity, None, targets[:3], source="test"))
    assert "Truncated" not in small


# --------------------------------------------------------------------------- the command


def test_report_command_writes_markdown_and_html(spec_file, run_cli, tmp_path) -> None:
    spec = spec_file(ORDERS_SPEC)
    result = run_cli("report", spec)
    assert result.code == 0, result.err
    assert "| dynamodb\\-table Orders |" not in result.out  # '-' is left as it is
    assert "| dynamodb-table Orders |  | 6 | 4 |  |  |" in result.out
    out = tmp_path / "r.html"
    result = run_cli("report", spec, "--format", "html", "-o", out)
    assert result.code == 0, result.err
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_report_command_bad_input_is_one_line_exit_2(spec_file, run_cli) -> None:
    result = run_cli("report", spec_file("function: [x\n"))
    assert result.code == 2 and result.err.count("\n") == 1 and "role.yaml" in result.err


def test_report_of_a_role_in_the_account(aws_env, run_cli) -> None:
    import boto3

    iam = boto3.client("iam", region_name="us-east-1")
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    table = "report-test-Orders"
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    iam.create_role(RoleName="report-test-role", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(
        RoleName="report-test-role",
        PolicyName="wide",
        PolicyDocument=json.dumps(
            doc({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"})
        ),
    )
    result = run_cli("report", "report-test-role", "--region", "us-east-1")
    assert result.code == 0, result.err
    row = next(line for line in result.out.splitlines() if f"dynamodb-table {table} |" in line)
    cells = [c.strip() for c in row.strip("|").split("|")][1:]  # List, Read, Write, ...
    assert cells[1] and cells[2]  # dynamodb:* on * reads and writes the discovered table
    assert "grants nothing on them" in result.out  # the other resources listed are counted
    missing = run_cli("report", "no-such-role-here", "--region", "us-east-1")
    assert missing.code == 2 and "no role named" in missing.err


# --------------------------------------------------------------------------- a real browser

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


def png_pixels(data: bytes) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct pixels of an 8-bit RGB/RGBA PNG (as Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + size
    raw, stride, prev, pixels, i = (
        zlib.decompress(idat),
        width * bpp,
        bytearray(width * bpp),
        set(),
        0,
    )
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        pixels.update(bytes(line[x : x + 3]) for x in range(0, stride, bpp))
        prev = line
    return width, height, pixels


def headless(page: Path, shot: Path) -> str:
    """Render ``page`` in headless Chromium, screenshot it; return what the page logged."""
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,900",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return "\n".join(line for line in done.stderr.splitlines() if ":CONSOLE" in line)


@pytest.mark.skipif(BROWSER is None, reason="no chromium on this machine (.ci/run installs it)")
def test_the_html_report_renders_in_a_real_browser_with_no_console_error(
    spec_file, tmp_path
) -> None:
    from wizard.cli.report import spec_report

    page = tmp_path / "report.html"
    page.write_text(render_html(spec_report(str(spec_file(ORDERS_SPEC)))), encoding="utf-8")
    shot = tmp_path / "report.png"
    assert headless(page, shot) == ""
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 900)
    # not blank: the matrix's fills are drawn (Read green, Write amber)
    assert len(pixels) > 50
    assert bytes.fromhex("8fd19e") in pixels and bytes.fromhex("f5b94f") in pixels
    # the check can fail: a page that fetches something or runs a script is reported
    bad = tmp_path / "bad.html"
    bad.write_text(
        page.read_text().replace("</body>", '<img src="https://x.invalid/a.png"></body>')
    )
    assert "violates the following Content Security Policy" in headless(bad, tmp_path / "bad.png")
