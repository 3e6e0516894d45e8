"""audit --all: every Lambda execution role of an account or of many accounts, against a real
moto server over HTTP.

The moto server is shared by the whole test session: each test works under a role path (or in
accounts) of its own. moto switches accounts through STS ``AssumeRole`` (the role need not
exist); an account whose ``AssumeRole`` AWS refuses is made by a small HTTP proxy in front of
the server that answers ``AccessDenied`` for it, as STS does.
"""

from __future__ import annotations

import http.client
import http.server
import io
import json
import random
import threading
import urllib.parse
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sarif_schema import SARIF_SCHEMA

from wizard.aws.audit_all import RoleFilter, audit_account, parse_accounts
from wizard.aws.demo import LAMBDA_TRUST
from wizard.aws.session import AwsSession
from wizard.errors import UserError
from wizard.policy.score import role_score

pytestmark = pytest.mark.usefixtures("aws_env")

REGION = "us-east-1"
EC2_TRUST = {
    **LAMBDA_TRUST,
    "Statement": [{**LAMBDA_TRUST["Statement"][0], "Principal": {"Service": "ec2.amazonaws.com"}}],
}
WIDE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
NARROW = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
        }
    ],
}


def unique_path() -> str:
    return f"/aa-{uuid.uuid4().hex[:10]}/"


def new_account() -> str:
    return str(random.SystemRandom().randrange(10**11, 10**12))  # 12 digits, not moto's default


def assumed(endpoint: str, account: str) -> dict[str, str]:
    """Credentials of ``account`` on the moto server (moto needs no role for AssumeRole)."""
    sts = boto3.Session(region_name=REGION).client("sts", endpoint_url=endpoint)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/admin", RoleSessionName="test")
    return {
        "AWS_ACCESS_KEY_ID": creds["Credentials"]["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["Credentials"]["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["Credentials"]["SessionToken"],
    }


def iam_in(endpoint: str, account: str) -> Any:
    """An IAM client of ``account`` on the moto server."""
    creds = {k.lower(): v for k, v in assumed(endpoint, account).items()}
    return boto3.Session(region_name=REGION, **creds).client("iam", endpoint_url=endpoint)


@pytest.fixture
def account(aws_env, monkeypatch) -> tuple[str, Any]:
    """A fresh account of the moto server, this process's credentials in it: (id, IAM client)."""
    acct = new_account()
    for name, value in assumed(aws_env, acct).items():
        monkeypatch.setenv(name, value)
    return acct, iam_in(aws_env, acct)


def make_role(iam: Any, name: str, path: str = "/", trust=LAMBDA_TRUST, policy=NARROW) -> None:
    iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=name, PolicyName="own", PolicyDocument=json.dumps(policy))


def audited(out: str) -> list[tuple[str, str]]:
    return sorted((r["account"], r["role"]) for r in json.loads(out)["roles"])


# --------------------------------------------------------------------------- one account


def test_only_lambda_roles_under_the_path_and_matching_the_pattern_are_audited(
    account, run_cli
) -> None:
    acct, iam = account
    path = unique_path()
    make_role(iam, "api-one", path)
    make_role(iam, "api-two", path)
    make_role(iam, "worker", path)
    make_role(iam, "api-ec2", path, trust=EC2_TRUST)  # not a Lambda execution role
    make_role(iam, "api-elsewhere", unique_path())  # another path

    done = run_cli("audit", "--all", "--path-prefix", path, "--format", "json")
    assert done.code == 0, done.err
    assert audited(done.out) == [(acct, "api-one"), (acct, "api-two"), (acct, "worker")]

    done = run_cli(
        "audit", "--all", "--path-prefix", path, "--name-pattern", "api-*", "--format", "json"
    )
    assert audited(done.out) == [(acct, "api-one"), (acct, "api-two")]


def test_the_riskiest_role_ranks_first_and_its_score_is_the_sum_of_its_parts(
    account, run_cli
) -> None:
    _acct, iam = account
    make_role(iam, "tight")
    make_role(iam, "admin-like", policy=WIDE)

    data = json.loads(run_cli("audit", "--all", "--format", "json").out)
    assert [r["role"] for r in data["ranking"]] == ["admin-like", "tight"]
    for role in data["roles"]:
        assert role["score"] == sum(role["score_parts"].values())
        expected = role_score(
            [f["severity"] for f in role["findings"]],
            [e["access_level"] for e in role["managed_policy_excess"]],
            len(role["unused_services"]),
        )
        assert role["score"] == expected.total
    assert data["ranking"][0]["score"] > data["ranking"][1]["score"]


def test_what_moto_lacks_is_a_note_not_a_failure(account, run_cli) -> None:
    make_role(account[1], "fn")
    done = run_cli("audit", "--all", "--format", "json")
    data = json.loads(done.out)
    assert done.code == 0 and data["complete"]
    [account] = data["accounts"]
    assert any("last-accessed" in n for n in account["notes"])
    assert data["roles"][0]["unused_services"] == []


def test_account_wide_reads_are_made_once_not_once_a_role(aws_env, account) -> None:
    acct, iam = account
    for i in range(6):
        make_role(iam, f"fn-{i}")
    calls: list[str] = []
    lock = threading.Lock()

    def count(model: Any, **_kw: Any) -> None:
        with lock:
            calls.append(model.name)

    session = boto3.Session(region_name=REGION)
    session.events.register("before-call.*.*", count)
    aws = AwsSession(session=session, region=REGION, endpoint_url=aws_env)
    result = audit_account(aws, acct, RoleFilter(), workers=3)
    assert [r.name for r in result.roles] == [f"fn-{i}" for i in range(6)]
    assert calls.count("GetRole") == 6
    for once in ("ListFunctions", "LookupEvents", "GetServiceLastAccessedDetails"):
        assert calls.count(once) <= 2, once  # once, retried at most once by the insight config
    assert "GenerateServiceLastAccessedDetails" not in calls  # the probe said unavailable


def test_the_pool_shares_clients_in_adaptive_retry_mode(aws_env) -> None:
    aws = AwsSession(session=boto3.Session(region_name=REGION), region=REGION)
    scaled = aws.for_threads(20)
    config = scaled.client("iam").meta.config
    assert config.retries["mode"] == "adaptive"
    assert config.max_pool_connections >= 20
    assert scaled.client("iam") is scaled.client("iam")
    assert aws.client("iam").meta.config.retries["mode"] == "standard"  # the original is kept


# --------------------------------------------------------------------------- many accounts


class _DenyingProxy(http.server.BaseHTTPRequestHandler):
    """Forwards to the moto server; answers AccessDenied, as AWS does, to a query-protocol
    call (STS, IAM) whose ``Action`` is denied for a parameter value: ``denied`` holds
    (action, parameter, value) triples, the value matched as a substring. ``throttle`` makes
    the next calls of an action answer ``Throttling``, as IAM does over its rate."""

    upstream: str = ""
    denied: set[tuple[str, str, str]] = set()
    throttle: dict[str, int] = {}  # action -> how many of its next calls answer Throttling
    lock = threading.Lock()

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _refused(self, form: dict[str, list[str]]) -> bool:
        action = (form.get("Action") or [""])[0]
        return any(
            action == act and value in (form.get(param) or [""])[0]
            for act, param, value in self.denied
        )

    def _throttled(self, form: dict[str, list[str]]) -> bool:
        action = (form.get("Action") or [""])[0]
        with self.lock:
            if self.throttle.get(action, 0) > 0:
                self.throttle[action] -= 1
                return True
        return False

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        refused = self._refused(form)
        if refused or self._throttled(form):
            code, status = ("AccessDenied", 403) if refused else ("Throttling", 400)
            error = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>"
                f"{form['Action'][0]}: {code}</Message></Error>"
                "<RequestId>1</RequestId></ErrorResponse>"
            ).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(error)))
            self.end_headers()
            self.wfile.write(error)
            return
        url = urllib.parse.urlsplit(self.upstream)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for key, value in resp.getheaders():
            if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = _forward


@pytest.fixture
def denying_proxy(aws_env, monkeypatch) -> Iterator[type[_DenyingProxy]]:
    """Points AWS_ENDPOINT_URL at a proxy of the moto server; yields its handler class, whose
    ``denied`` and ``throttle`` the test fills in."""

    class Handler(_DenyingProxy):
        upstream = aws_env
        denied: set[tuple[str, str, str]] = set()
        throttle: dict[str, int] = {}

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_address[1]}")
    yield Handler
    server.shutdown()
    server.server_close()


def test_one_account_that_cannot_be_assumed_is_reported_and_the_rest_are_audited(
    aws_env, denying_proxy, run_cli, tmp_path
) -> None:
    good, bad, other = new_account(), new_account(), new_account()
    make_role(iam_in(aws_env, good), "fn-good")
    make_role(iam_in(aws_env, other), "fn-other", policy=WIDE)
    make_role(iam_in(aws_env, bad), "fn-bad")
    denying_proxy.denied.add(("AssumeRole", "RoleArn", f"::{bad}:"))
    accounts = tmp_path / "accounts.txt"
    accounts.write_text(f"# the fleet\n{good}\n{bad}  # payments\n\n{other}\n")

    done = run_cli("audit", "--accounts", accounts, "--role-name", "auditor", "-f", "json")
    assert done.code == 1
    data = json.loads(done.out)
    assert audited(done.out) == sorted([(good, "fn-good"), (other, "fn-other")])
    assert data["ranking"][0]["role"] == "fn-other"  # ranked across accounts
    [failure] = data["failures"]
    assert failure["account"] == bad and failure["role"] is None
    assert (
        "AccessDenied" in failure["error"]
        and f"cannot assume arn:aws:iam::{bad}:role/auditor" in failure["error"]
    )
    assert f"account {bad}: not audited" in done.err
    assert not data["complete"]


def test_a_role_that_cannot_be_read_is_reported_and_the_others_are_audited(
    account, denying_proxy, run_cli
) -> None:
    acct, iam = account
    for name in ("fn-a", "fn-locked", "fn-z"):
        make_role(iam, name)
    denying_proxy.denied.add(("GetRole", "RoleName", "fn-locked"))
    done = run_cli("audit", "--all", "--format", "json")
    assert done.code == 1
    data = json.loads(done.out)
    assert audited(done.out) == [(acct, "fn-a"), (acct, "fn-z")]
    [failure] = data["failures"]
    assert failure["role"] == "fn-locked" and "AccessDenied" in failure["error"]
    assert f"account {acct} role fn-locked: not audited" in done.err


def test_throttling_is_retried_not_reported(account, denying_proxy, run_cli) -> None:
    acct, iam = account
    for name in ("fn-1", "fn-2", "fn-3"):
        make_role(iam, name)
    denying_proxy.throttle.update(GetRole=2, ListRolePolicies=1)
    done = run_cli("audit", "--all", "--workers", "3", "--format", "json")
    assert done.code == 0, done.err
    assert audited(done.out) == [(acct, "fn-1"), (acct, "fn-2"), (acct, "fn-3")]
    assert denying_proxy.throttle == {"GetRole": 0, "ListRolePolicies": 0}  # they were hit


def test_sarif_of_a_partial_fleet_is_valid_and_says_the_run_did_not_succeed(
    aws_env, denying_proxy, run_cli, tmp_path
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    good, bad = new_account(), new_account()
    make_role(iam_in(aws_env, good), "fn-wide", policy=WIDE)
    denying_proxy.denied.add(("AssumeRole", "RoleArn", f"::{bad}:"))
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(f'- "{good}"\n- {bad}\n')

    done = run_cli("audit", "--accounts", accounts, "--format", "sarif")
    assert done.code == 1
    log = json.loads(done.out)
    jsonschema.validate(log, SARIF_SCHEMA)
    [run] = log["runs"]
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert bad in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert run["results"] and {r["properties"]["account"] for r in run["results"]} == {good}
    rules = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} <= rules


def test_organization_audits_every_active_account(aws_env, run_cli, monkeypatch) -> None:
    management = new_account()
    for name, value in assumed(aws_env, management).items():
        monkeypatch.setenv(name, value)
    org = boto3.Session(region_name=REGION).client("organizations", endpoint_url=aws_env)
    org.create_organization(FeatureSet="ALL")
    members = []
    for name in ("a", "b"):
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)
        members.append(status["CreateAccountStatus"]["AccountId"])
    for account in members:
        make_role(iam_in(aws_env, account), f"fn-{account}")
    make_role(iam_in(aws_env, management), "fn-mgmt")

    done = run_cli("audit", "--organization", "--format", "json")
    assert done.code == 0, done.err
    expected = [(a, f"fn-{a}") for a in members] + [(management, "fn-mgmt")]
    assert audited(done.out) == sorted(expected)


# --------------------------------------------------------------------------- formats


def test_markdown_ranks_the_top_roles_in_a_table(account, run_cli) -> None:
    make_role(account[1], "wide", policy=WIDE)
    make_role(account[1], "tight")
    done = run_cli("audit", "--all", "-f", "markdown", "--top", "1")
    assert done.code == 0
    lines = done.out.splitlines()
    header = lines.index("| rank | score | account | role | found |")
    assert lines[header + 2].startswith("| 1 |") and "`wide`" in lines[header + 2]
    assert "`tight`" not in done.out
    assert "1 more roles in `--format json`." in done.out
    assert "<details><summary><code>wide</code>" in done.out


def test_text_shows_the_ranking_and_the_findings(account, run_cli) -> None:
    make_role(account[1], "wide", policy=WIDE)
    done = run_cli("audit", "--all")
    assert done.code == 0
    assert "Audited 1 Lambda execution role in 1 account" in done.out
    assert "action-wildcard" in done.out


def test_progress_line_only_on_a_terminal(account, run_cli, monkeypatch) -> None:
    acct, iam = account
    make_role(iam, "fn")
    done = run_cli("audit", "--all")
    assert "auditing account" not in done.err  # captured stderr is not a terminal

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    run_cli("audit", "--all")
    written = tty.getvalue()
    assert f"\rrole-wizard: auditing account {acct}: 1/1 roles" in written
    assert written.endswith("\r")  # the line is cleared before the report


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["audit", "some-role", "--all"], "drop ROLE_NAME"),
        (["audit", "--path-prefix", "/x/"], "--path-prefix needs --all"),
        (["audit", "r", "--format", "markdown"], "--format markdown needs --all"),
        (["audit", "--all", "--path-prefix", "x"], "--path-prefix 'x'"),
        (["audit", "--all", "--workers", "0"], "--workers 0"),
        (["audit", "--all", "--role-name", "a b"], "--role-name 'a b'"),
        (["audit", "--all", "--write-spec", "x.yaml"], "--write-spec"),
    ],
)
def test_bad_options_are_one_line_errors(run_cli, argv, message) -> None:
    done = run_cli(*argv)
    assert done.code == 2
    assert message in done.err and len(done.err.strip().splitlines()) == 1


def test_a_bad_account_id_names_its_file_and_line(run_cli, tmp_path) -> None:
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("111111111111\n\n12345\n")
    done = run_cli("audit", "--accounts", accounts)
    assert done.code == 2
    assert f"{accounts}:3: '12345' is not an AWS account id" in done.err


ids = st.from_regex(r"[0-9]{12}", fullmatch=True)


@given(st.lists(ids, min_size=1, max_size=20), st.sampled_from(["lines", "yaml", "json"]))
def test_account_lists_read_back_in_every_format(accounts: list[str], form: str) -> None:
    if form == "lines":
        text = "".join(f"{a}  # note\n" for a in accounts)
    elif form == "yaml":  # unquoted: YAML would read 012345678901 as a number; kept as text
        text = "".join(f"- {a}\n" for a in accounts)
    else:
        text = json.dumps(accounts)
    assert parse_accounts(text, "f") == list(dict.fromkeys(accounts))


@pytest.mark.parametrize(
    "text", ["", "# nothing\n", "[]", "{a: 1}", "- [111111111111]", "١١١١١١١١١١١١\n"]
)
def test_an_account_list_without_ids_is_refused(text: str) -> None:
    with pytest.raises(UserError):
        parse_accounts(text, "f")


def test_demo_ranks_the_legacy_role_first() -> None:
    from cli_helpers import run_wizard

    done = run_wizard("--demo", "audit", "--all", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    names = [r["role"] for r in data["ranking"]]
    assert names[0] == "legacy-orders-role" and "orders-worker-role" in names
    assert "order-fulfilment-states-role" not in names  # trusted by Step Functions, not Lambda
    legacy = data["roles"][0]
    assert legacy["functions"] == ["orders-api", "report-builder"]
