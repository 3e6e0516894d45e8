"""Audits at account scale (``audit --all``): every Lambda execution role of an account, or of
many accounts, each through the one-role audit (:func:`wizard.aws.audit.audit_role`).

In one account: the roles whose trust policy admits ``lambda.amazonaws.com`` (``list_roles``
under ``--path-prefix``, then ``--name-pattern``) are audited by a pool of threads sharing one
session whose clients use botocore's adaptive retry mode (:meth:`AwsSession.for_threads`), so the
pool slows down when IAM throttles instead of failing. What every role's audit would otherwise
read again (the functions and their roles, CloudTrail's events, whether IAM's last-accessed API
answers, the attached policies' documents) is read once per account
(:func:`wizard.aws.audit.read_account`).

Across accounts: a session per account from STS ``AssumeRole`` of a named read-only role
(``--role-name``); the caller's own account uses the caller's credentials. One
account's failure (the role cannot be assumed, IAM refuses the listing) is recorded on that
account and the others go on.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import yaml

from wizard.aws.audit import AuditReport, audit_role, iter_lambda_roles, read_account
from wizard.aws.provision import AWS_ERRORS, AwsFailure, one_line
from wizard.aws.session import AwsSession
from wizard.errors import UserError
from wizard.limits import compose_yaml, read_text
from wizard.policy.score import Score, role_score
from wizard.text import count, noun

SESSION_NAME = "role-wizard-audit"
MAX_ACCOUNTS_BYTES = 1 << 20  # 1 MiB: an organization's 10,000 ids take 130 KB
_ACCOUNT_ID = re.compile(r"[0-9]{12}")  # ASCII digits: \d matches other scripts' digits too
# IAM's role path: / alone, or /.../ of printable ASCII (IAM API reference, Role.Path)
_PATH_PREFIX = re.compile(r"/([\x21-\x7e]*/)?")

Progress = Callable[[str, int, int], None]  # (account, roles done, roles in the account)


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class RoleFilter:
    """Which Lambda execution roles to audit: under ``path_prefix``, named like ``pattern``
    (a shell glob: ``*``, ``?``, ``[...]``, matched case-sensitively as IAM names are)."""

    path_prefix: str = "/"
    name_pattern: str | None = None

    def __post_init__(self) -> None:
        if not _PATH_PREFIX.fullmatch(self.path_prefix) or len(self.path_prefix) > 512:
            raise UserError(
                f"--path-prefix {self.path_prefix!r}: a role path is / or starts and ends "
                "with / (printable ASCII, at most 512 characters)"
            )

    def matches(self, name: str) -> bool:
        return self.name_pattern is None or fnmatch.fnmatchcase(name, self.name_pattern)


@dataclass
class RoleResult:
    """One role's audit, or why it could not be audited."""

    account: str
    name: str
    report: AuditReport | None = None
    error: str | None = None

    @property
    def score(self) -> Score:
        r = self.report
        if r is None:
            return Score(0, {})
        return role_score(
            (f.severity for f in r.findings),
            (e.access_level for e in r.excess),
            len(r.unused_services),
        )


@dataclass
class AccountResult:
    account: str
    roles: list[RoleResult] = field(default_factory=list)
    error: str | None = None  # the account could not be audited at all
    notes: list[str] = field(default_factory=list)  # account-wide notes (APIs unavailable ...)


@dataclass
class FleetAudit:
    """The audit of every chosen role of every account."""

    lookback_days: int
    accounts: list[AccountResult] = field(default_factory=list)

    @property
    def audited(self) -> list[RoleResult]:
        return [r for a in self.accounts for r in a.roles if r.report is not None]

    def ranked(self) -> list[RoleResult]:
        """The audited roles, riskiest first (score, then account and name)."""
        scored = [(r.score.total, r) for r in self.audited]
        scored.sort(key=lambda pair: (-pair[0], pair[1].account, pair[1].name))
        return [r for _s, r in scored]

    def failures(self) -> list[tuple[str, str | None, str]]:
        """(account, role or None for the whole account, why) for what could not be read."""
        out: list[tuple[str, str | None, str]] = []
        for a in self.accounts:
            if a.error:
                out.append((a.account, None, a.error))
            out.extend((a.account, r.name, r.error) for r in a.roles if r.error)
        return out

    @property
    def complete(self) -> bool:
        return not self.failures()


# --------------------------------------------------------------------------- accounts


def parse_accounts(text: str, source: str) -> list[str]:
    """The account ids of an ``--accounts`` file: one per line (blank lines and ``#`` comments
    ignored), or a YAML or JSON list. Each is 12 digits; repeats are dropped."""
    first = next(
        (ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")),
        "",
    )
    found: list[tuple[str, int]] = []
    if first.startswith(("[", "-")):
        node, loader = compose_yaml(text, source)
        loader.dispose()
        if not isinstance(node, yaml.SequenceNode):
            raise UserError("expected a list of account ids", where=f"{source}:1")
        for item in node.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.ScalarNode):
                raise UserError(
                    "an account id is 12 digits, not a list or mapping", where=f"{source}:{line}"
                )
            found.append((item.value, line))  # the scalar's own text: 012... keeps its 0
    else:
        for number, raw in enumerate(text.splitlines(), 1):
            value = raw.split("#", 1)[0].strip()
            if value:
                found.append((value, number))
    accounts: list[str] = []
    for value, line in found:
        if not _ACCOUNT_ID.fullmatch(value):
            raise UserError(
                f"{one_line(value, 40)!r} is not an AWS account id (12 digits)",
                where=f"{source}:{line}",
            )
        if value not in accounts:
            accounts.append(value)
    if not accounts:
        raise UserError("lists no account id", where=source)
    return accounts


def read_accounts(path: str) -> list[str]:
    text, source = read_text(path, "account list", MAX_ACCOUNTS_BYTES)
    return parse_accounts(text, source)


def organization_accounts(aws: AwsSession) -> list[str]:
    """The ACTIVE accounts of the caller's AWS Organization (``ListAccounts``; the caller must
    be the management account or a delegated administrator)."""
    try:
        accounts = []
        for page in aws.client("organizations").get_paginator("list_accounts").paginate():
            accounts.extend(a["Id"] for a in page["Accounts"] if a.get("Status") == "ACTIVE")
    except AWS_ERRORS as exc:
        raise AwsFailure(f"cannot list the organization's accounts: {one_line(exc)}") from None
    return sorted(accounts)


def audit_role_arn(partition: str, account: str, role_name: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{role_name}"


# --------------------------------------------------------------------------- auditing


def account_role_names(aws: AwsSession, flt: RoleFilter) -> list[str]:
    """The names of the account's Lambda execution roles that ``flt`` chooses."""
    roles = iter_lambda_roles(aws.client("iam"), flt.path_prefix)
    return sorted(r["RoleName"] for r in roles if flt.matches(r["RoleName"]))


def _audit_one(
    aws: AwsSession, account: str, name: str, audit: Callable[[str], AuditReport]
) -> RoleResult:
    try:
        return RoleResult(account, name, report=audit(name))
    except AwsFailure as exc:
        return RoleResult(account, name, error=str(exc))
    except UserError as exc:  # deleted between the listing and the read
        return RoleResult(account, name, error=str(exc))
    except AWS_ERRORS as exc:
        return RoleResult(account, name, error=one_line(exc))


def audit_account(
    aws: AwsSession,
    account: str,
    flt: RoleFilter,
    *,
    workers: int,
    lookback_days: int = 90,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> AccountResult:
    """Audit the account's chosen Lambda execution roles with ``workers`` threads."""
    result = AccountResult(account)
    aws = aws.for_threads(workers)
    try:
        names = account_role_names(aws, flt)
    except AWS_ERRORS as exc:
        result.error = f"cannot list roles: {one_line(exc)}"
        return result
    if progress:
        progress(account, 0, len(names))
    if not names:
        return result
    end = now or dt.datetime.now(dt.UTC)
    shared = read_account(aws, end - dt.timedelta(days=lookback_days), end)
    result.notes = shared.notes

    def audit(name: str) -> AuditReport:
        return audit_role(aws, name, lookback_days=lookback_days, now=end, shared=shared)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(_audit_one, aws, account, name, audit) for name in names]
        for done, _future in enumerate(as_completed(futures), 1):
            if progress:
                progress(account, done, len(names))
    result.roles = [f.result() for f in futures]  # in name order
    return result


def audit_accounts(
    base: AwsSession,
    accounts: Iterable[str] | None,
    flt: RoleFilter,
    *,
    role_name: str,
    workers: int,
    lookback_days: int = 90,
    progress: Progress | None = None,
) -> FleetAudit:
    """Audit ``accounts`` (None: the session's own), assuming ``role_name`` in each account
    other than the caller's own. A failure is recorded on its account; the rest go on."""
    fleet = FleetAudit(lookback_days)
    now = dt.datetime.now(dt.UTC)
    own = base.account
    for account in [own] if accounts is None else accounts:
        try:
            if account == own:
                aws = base
            else:
                arn = audit_role_arn(base.partition, account, role_name)
                try:
                    aws = base.assume(arn, SESSION_NAME)
                except AWS_ERRORS as exc:
                    fleet.accounts.append(
                        AccountResult(account, error=f"cannot assume {arn}: {one_line(exc)}")
                    )
                    continue
            fleet.accounts.append(
                audit_account(
                    aws,
                    account,
                    flt,
                    lookback_days=lookback_days,
                    workers=workers,
                    now=now,
                    progress=progress,
                )
            )
        except AwsFailure as exc:
            fleet.accounts.append(AccountResult(account, error=str(exc)))
    return fleet


# --------------------------------------------------------------------------- rendering


def role_dict(result: RoleResult) -> dict[str, Any]:
    """One role of the JSON output: what it grants beyond need and its score."""
    out: dict[str, Any] = {"account": result.account, "role": result.name}
    if result.report is None:
        return {**out, "error": result.error}
    full = result.report.to_dict()
    score = result.score
    keep = (
        "arn",
        "path",
        "permissions_boundary",
        "attached_policies",
        "findings",
        "managed_policy_excess",
        "unused_services",
        "cloudtrail_actions",
        "notes",
    )
    return {
        **out,
        "score": score.total,
        "score_parts": score.parts,
        "functions": result.report.role.functions,
        **{k: full[k] for k in keep},
    }


def fleet_dict(fleet: FleetAudit) -> dict[str, Any]:
    ranked = fleet.ranked()
    return {
        "lookback_days": fleet.lookback_days,
        "complete": fleet.complete,
        "accounts": [
            {
                "account": a.account,
                "roles_audited": sum(r.report is not None for r in a.roles),
                "error": a.error,
                "notes": a.notes,
            }
            for a in fleet.accounts
        ],
        "ranking": [{"account": r.account, "role": r.name, "score": r.score.total} for r in ranked],
        "roles": [role_dict(r) for r in ranked],
        "failures": [
            {"account": acct, "role": role, "error": why} for acct, role, why in fleet.failures()
        ],
    }


def _counts(result: RoleResult) -> str:
    r = result.report
    assert r is not None
    severities = [f.severity.lower() for f in r.findings]
    parts = [count(severities.count(s), s) for s in ("error", "warning", "info") if s in severities]
    if r.excess:
        parts.append(count(len(r.excess), "managed-policy excess group"))
    if r.unused_services:
        parts.append(count(len(r.unused_services), "unused service"))
    return ", ".join(parts) or "nothing found"


def _headline(fleet: FleetAudit) -> str:
    n_roles, n_accounts = len(fleet.audited), len(fleet.accounts)
    return (
        f"Audited {count(n_roles, 'Lambda execution role')} in "
        f"{count(n_accounts, 'account')} (unused: not used in the last "
        f"{fleet.lookback_days} days)."
    )


def _notes(fleet: FleetAudit) -> list[str]:
    return [f"account {a.account}: {n}" for a in fleet.accounts for n in a.notes]


def render_text(fleet: FleetAudit, top: int) -> str:
    ranked = fleet.ranked()
    lines = [_headline(fleet)]
    if ranked:
        shown = ranked[:top]
        width = max(len(r.name) for r in shown)
        lines += ["", f"Riskiest roles (top {len(shown)} of {len(ranked)}; score as in README):"]
        lines.append(f"  {'score':>5}  {'account':12}  {'role':{width}}  found")
        for r in shown:
            lines.append(f"  {r.score.total:>5}  {r.account:12}  {r.name:{width}}  {_counts(r)}")
        for r in shown:
            report = r.report
            assert report is not None
            if not (report.findings or report.excess or report.unused_services):
                continue
            lines += ["", f"{r.name} ({report.role.arn}), score {r.score.total}:"]
            for f in report.findings:
                where = f" [{f.location}]" if f.location else ""
                lines.append(f"  {f.severity} {f.code}: {f.message}{where}")
            for e in report.excess:
                lines.append(
                    f"  managed-policy excess: {e.policy} grants {len(e.actions)} {e.service} "
                    f"{e.access_level} {noun(len(e.actions), 'action')} beyond the role's own"
                )
            for u in report.unused_services:
                lines.append(f"  unused: {u.namespace}")
    failures = fleet.failures()
    if failures:
        lines += ["", "Not audited:"]
        for account, role, why in failures:
            lines.append(f"  account {account}{' role ' + role if role else ''}: {why}")
    if notes := _notes(fleet):
        lines += ["", "Notes:"]
        lines += [f"  - {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text for a Markdown table cell: no pipe or newline breaks the row."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(fleet: FleetAudit, top: int) -> str:
    """A summary that fits a pull-request comment: the ranking, then the top roles' findings
    in collapsed sections."""
    ranked = fleet.ranked()
    lines = ["## Lambda execution role audit", "", _headline(fleet)]
    if ranked:
        shown = ranked[:top]
        lines += [
            "",
            "| rank | score | account | role | found |",
            "| ---: | ---: | --- | --- | --- |",
        ]
        for rank, r in enumerate(shown, 1):
            lines.append(
                f"| {rank} | {r.score.total} | {r.account} | `{_md(r.name)}` | {_counts(r)} |"
            )
        if len(ranked) > len(shown):
            lines += ["", f"{len(ranked) - len(shown)} more roles in `--format json`."]
        for r in shown:
            report = r.report
            assert report is not None
            if not (report.findings or report.excess or report.unused_services):
                continue
            lines += [
                "",
                f"<details><summary><code>{r.name}</code> (score {r.score.total})</summary>",
                "",
            ]
            for f in report.findings:
                lines.append(f"- **{f.severity}** `{f.code}`: {_md(f.message)}")
            for e in report.excess:
                lines.append(
                    f"- managed-policy excess: `{e.policy}` grants {len(e.actions)} "
                    f"{e.service} {e.access_level} actions beyond the role's own"
                )
            for u in report.unused_services:
                lines.append(f"- unused: `{u.namespace}`")
            lines += ["", "</details>"]
    failures = fleet.failures()
    if failures:
        lines += ["", "### Not audited", ""]
        for account, role, why in failures:
            lines.append(f"- account {account}{' role `' + role + '`' if role else ''}: {_md(why)}")
    if notes := _notes(fleet):
        lines += ["", "### Notes", ""]
        lines += [f"- {_md(n)}" for n in notes]
    return "\n".join(lines) + "\n"


def render_sarif(fleet: FleetAudit) -> dict[str, Any]:
    """Every audited role's results in one SARIF 2.1.0 run; what could not be audited is a
    tool execution notification of a run that did not succeed."""
    from wizard.aws.audit import sarif_results, sarif_rules
    from wizard.sarif import sarif_log

    rules: dict[str, str] = {}
    results: list[dict[str, Any]] = []
    for r in fleet.ranked():
        assert r.report is not None
        role_rules, role_results = sarif_results(r.report)
        for rule, text in role_rules.items():
            rules.setdefault(rule, text)
        for res in role_results:
            res["properties"] = {"account": r.account, "score": r.score.total}
        results.extend(role_results)
    notifications = [
        {
            "level": "error",
            "message": {"text": f"account {acct}{' role ' + role if role else ''}: {why}"},
        }
        for acct, role, why in fleet.failures()
    ]
    invocation = {"executionSuccessful": fleet.complete}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return sarif_log(sarif_rules(rules), results, invocations=[invocation])
