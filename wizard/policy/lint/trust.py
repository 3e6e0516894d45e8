"""Trust policies: who may assume the role (``trust-principal-wildcard``,
``trust-missing-source-account``)."""

from __future__ import annotations

from wizard.policy.lint.actions import check_actions
from wizard.policy.lint.conditions import check_condition_keys
from wizard.policy.lint.model import _MAPPING, Linter, _Document, _short, _Statement


def check_statement(linter: Linter, doc: _Document, st: _Statement) -> None:
    file = doc.file
    for pattern, ptr in st.actions:
        service = pattern.partition(":")[0].lower()
        if pattern != "*" and service != "sts" and "*" not in service:
            linter.add(
                "invalid-grammar",
                f"{pattern!r}: a trust policy allows sts actions only (sts:AssumeRole ...)",
                file,
                ptr,
            )
    actions = check_actions(linter, doc, st, grants=False)
    check_condition_keys(linter, doc, st, actions)
    if not st.usable or not st.allow or st.principal is None:
        return
    principal = st.principal
    keys = st.condition_keys()
    anyone = principal == "*"
    services: list[str] = []
    if isinstance(principal, _MAPPING):
        aws = principal.get("AWS")
        aws_list = aws if isinstance(aws, list) else [aws]
        anyone = anyone or "*" in aws_list
        svc = principal.get("Service")
        services = svc if isinstance(svc, list) else ([svc] if svc else [])
    if anyone:
        # Whatever the condition: a Lambda execution role's trust names lambda.amazonaws.com
        # and nothing wider. A condition (aws:SourceAccount, aws:PrincipalOrgID ...) narrows a
        # wildcard principal only as far as its keys are present and right in every request;
        # the role's trust must not depend on that.
        linter.add(
            "trust-principal-wildcard",
            'a wildcard principal ("*") lets any AWS principal of any account assume the role, '
            "whatever the condition; name the principal (a Lambda function's role trusts "
            '{"Service": "lambda.amazonaws.com"})',
            file,
            st.principal_ptr,
        )
    if services and not keys & {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
    }:
        linter.add(
            "trust-missing-source-account",
            f"{_short(services)} may assume the role on behalf of any account (confused "
            'deputy); add {"StringEquals": {"aws:SourceAccount": "<your account id>"}}',
            file,
            st.principal_ptr,
        )
