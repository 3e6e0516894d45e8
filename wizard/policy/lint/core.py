"""The driver: parse each document, run every check family on it, then the role-level
checks (boundary, escalation, quotas across a bundle)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from typing import Any

from wizard.policy.documents import (
    INFO,
    SEVERITY_RANK,
    WARNING,
    Finding,
    PolicySource,
    parse_policy_source,
)
from wizard.policy.lint import exfiltration, grammar, passrole, risky, sizes
from wizard.policy.lint.actions import check_actions
from wizard.policy.lint.boundary import BoundaryGate, check_boundary
from wizard.policy.lint.conditions import check_condition_keys
from wizard.policy.lint.escalation import check_escalation
from wizard.policy.lint.model import _MAPPING, Linter, _Document
from wizard.policy.lint.resources import check_arns, check_resources
from wizard.policy.lint.trust import check_statement as check_trust_statement
from wizard.policy.quotas import INLINE_AGGREGATE_LIMIT, MANAGED_LIMIT, TRUST_LIMIT, policy_size


def check_document(linter: Linter, doc: _Document) -> None:
    grants = doc.type == "identity"  # a boundary is a ceiling; trust has its own checks
    for st in doc.statements:
        if doc.type == "trust":
            check_trust_statement(linter, doc, st)
            continue
        actions = check_actions(linter, doc, st, grants)
        check_condition_keys(linter, doc, st, actions)
        if st.usable and actions is not None and not st.not_action and not st.not_resource:
            check_resources(linter, doc, st, actions, grants)  # (the ARNs' grammar too)
        else:
            check_arns(linter, doc, st)
        if not st.usable:
            continue
        if grants and st.allow and st.not_action and not st.not_resource:
            star = next((p for r, p in st.resources if r == "*"), None)
            if star is not None:
                linter.add(
                    "resource-wildcard",
                    'Resource "*" with NotAction: every other action of every service, on '
                    "every resource; list the actions and name the resources' ARNs",
                    doc.file,
                    star,
                )
        if grants and st.allow:
            for check in _grant_checks(st.patterns, st.not_action):
                check(linter, doc, st)


# (whether a statement's Action list may need the check, the check)
_GRANT_CHECKS = (
    (passrole.wants, passrole.check_passrole),
    (exfiltration.wants, exfiltration.check_exfiltration),
    (risky.wants, risky.check_risky),
)


@functools.lru_cache(maxsize=4096)
def _grant_checks(patterns: tuple[str, ...], negated: bool) -> tuple[Any, ...]:
    """The checks of an Allow statement's grants that may find something in a statement with
    this Action (or NotAction) list, in order: most lists need none of them, and an Action
    list recurs across statements and policies."""
    return tuple(check for wants, check in _GRANT_CHECKS if wants(patterns, negated))


def check_role(
    linter: Linter,
    identity: list[_Document],
    boundary: _Document | None,
    *,
    boundary_unknown: bool = False,
) -> None:
    statements = [
        (doc, st)
        for doc in identity
        if doc.usable
        for st in doc.statements
        if st.usable and st.actions and (st.resources or st.not_resource)
    ]
    gate = BoundaryGate(boundary) if boundary is not None and boundary.usable else None
    if gate is not None and gate.ok:
        check_boundary(linter, statements, gate)
    check_escalation(linter, statements, gate, boundary_unknown)


def lint_document(
    document: Any,
    type: str = "identity",
    *,
    file: str = "<policy>",
    pointer: str = "",
    boundary: Any = None,
    role: str = "document",
) -> list[Finding]:
    """Findings for one parsed policy document of ``type`` (identity, trust or boundary).

    With ``boundary`` (a parsed boundary document), an identity document is also checked
    against it (``not-in-boundary``) and escalation looks at the effective permissions.
    """
    linter = Linter()
    doc = _lint_one(linter, document, type, file, pointer, role, None)
    if type == "identity":
        bdoc = None
        if boundary is not None:
            bdoc = grammar.parse(Linter(), boundary, "boundary", file="<boundary>")
        check_role(linter, [doc], bdoc)
    return linter.findings


def _lint_one(
    linter: Linter,
    raw: Any,
    type: str,
    file: str,
    pointer: str,
    role: str,
    name: str | None,
    size_bound: int | None = None,
) -> _Document:
    try:
        doc = grammar.parse(linter, raw, type, file=file, base=pointer, role=role, name=name)
        unexpanded = linter.unexpanded
        check_document(linter, doc)
        if linter.unexpanded > unexpanded:
            linter.add(
                "not-checked",
                f"{linter.unexpanded - unexpanded:,} wildcard Action entries were not checked "
                "against the IAM reference (unknown actions, resource types, condition keys): "
                "the distinct wildcards before them, with no three-letter literal text to look "
                "actions up by (*:*e*?), took the run's whole search of action names; name the "
                "actions",
                file,
                pointer,
                WARNING,
            )
    except RecursionError:
        linter.add(
            "invalid-grammar", "the document is nested too deeply to be a policy", file, pointer
        )
        return _Document(type, role, name, file, pointer, raw)
    if not isinstance(raw, _MAPPING):
        return doc
    bound = size_bound
    if type == "trust":
        sizes.check_size(linter, doc, TRUST_LIMIT, "trust policy", bound=bound, floor=TRUST_LIMIT)
    elif type == "boundary":
        sizes.check_size(
            linter,
            doc,
            MANAGED_LIMIT,
            "permissions boundary (a managed policy)",
            bound=bound,
            floor=MANAGED_LIMIT,
        )
    elif role == "deployer":
        sizes.check_size(linter, doc, MANAGED_LIMIT, "deployer policy (a managed policy)")
    elif role == "document":
        size = sizes.check_size(
            linter,
            doc,
            INLINE_AGGREGATE_LIMIT,
            "policy (as a role's inline policy)",
            bound=bound,
            floor=MANAGED_LIMIT,  # above it, the exact size decides the note below
        )
        if size is not None and MANAGED_LIMIT < size <= INLINE_AGGREGATE_LIMIT:
            linter.add(
                "size-exceeded",
                f"the policy is {size:,} characters: it fits a role's inline policies but not a "
                f"managed policy ({MANAGED_LIMIT:,})",
                file,
                pointer,
                INFO,
            )
    return doc


def lint_source(source: PolicySource, boundary: PolicySource | None = None) -> list[Finding]:
    """Findings for a loaded file: its load problems, then its policies (a bundle as one role).

    ``boundary`` (a loaded boundary document) replaces a bundle's own boundary, or is the
    boundary of a single identity document; its own findings are not repeated here.
    """
    linter = Linter()
    linter.findings.extend(source.findings)
    if source.kind == "invalid":
        return linter.findings
    bdoc = None
    if boundary is not None:
        raw = boundary.boundary if boundary.boundary is not None else boundary.document
        bdoc = grammar.parse(Linter(), raw, "boundary", file=boundary.file)
    if source.kind == "document":
        part = source.parts[0]
        doc = _lint_one(
            linter, part.document, part.type, source.file, "", "document", None, source.size_bound
        )
        if part.type == "identity":
            check_role(linter, [doc], bdoc)
        return linter.findings
    linter.role_name = source.role_name
    inline: list[_Document] = []
    own_boundary: _Document | None = None
    for part in source.parts:
        doc = _lint_one(
            linter, part.document, part.type, source.file, part.pointer, part.role, part.name
        )
        if part.role == "inline":
            inline.append(doc)
        elif part.role == "boundary":
            own_boundary = doc
        elif part.role == "deployer":
            check_role(linter, [doc], None)
    total = 0
    for doc in inline:
        with contextlib.suppress(RecursionError, ValueError, TypeError):
            total += policy_size(doc.raw)
    if total > INLINE_AGGREGATE_LIMIT:
        linter.add(
            "size-exceeded",
            f"the role's inline policies total {total:,} characters without white space, "
            f"{total - INLINE_AGGREGATE_LIMIT:,} over IAM's {INLINE_AGGREGATE_LIMIT:,}-character "
            "limit for one role; merge statements or move a policy to a managed policy",
            source.file,
            "/Policies",
        )
    unknown = False
    if bdoc is None:
        bdoc = own_boundary
        if source.boundary_arn:
            unknown = True
            linter.add(
                "not-checked",
                f"the permissions boundary {source.boundary_arn} is referenced by ARN: grants "
                "were not checked against it (pass its document with --boundary)",
                source.file,
                "/PermissionsBoundary/Arn",
            )
    for i, arn in enumerate(source.managed_policy_arns):
        linter.add(
            "not-checked",
            f"the managed policy {arn} is attached by ARN: its permissions are not part of the "
            "escalation check",
            source.file,
            f"/ManagedPolicyArns/{i}",
        )
    check_role(linter, inline, bdoc, boundary_unknown=unknown)
    return linter.findings


def lint_bundle(bundle: Any, *, file: str = "<bundle>") -> list[Finding]:
    """Findings for a role bundle: a :class:`~wizard.bundle.RoleBundle` or its ``to_dict()``."""
    import json

    from wizard.bundle import RoleBundle

    data = bundle.to_dict() if isinstance(bundle, RoleBundle) else bundle
    return lint_source(parse_policy_source(json.dumps(data), file))


def lint_text(text: str, *, file: str = "<policy>", type: str | None = None) -> list[Finding]:
    """Findings for JSON text: a policy document (type detected unless given) or a bundle."""
    return lint_source(parse_policy_source(text, file, type))


def worst_severity(findings: Iterable[Finding]) -> str | None:
    worst = None
    for f in findings:
        if worst is None or SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]:
            worst = f.severity
    return worst


def fails(findings: Iterable[Finding], fail_on: str) -> bool:
    """Whether a finding at or above ``fail_on`` (error, warning or never) exists."""
    if fail_on == "never":
        return False
    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= threshold for f in findings)


# What IAM itself refuses, and so what ``can`` and ``diff`` refuse to answer for: the grammar
# (statement shapes, empty lists, repeated keys, Principal in an identity policy, ARNs with a
# wildcard service ...) and unknown condition operators. A missing Version is not among them:
# IAM accepts the document (as 2008-10-17), and the evaluator follows that version's rules.
REFUSED_CODES = frozenset(("invalid-json", "invalid-grammar", "invalid-condition-operator"))
_NO_VERSION = 'no "Version"'


def grammar_errors(source: PolicySource) -> list[Finding]:
    """The errors IAM would reject ``source``'s policies for (grammar, ARN grammar, condition
    operators), in file order, without the semantic checks."""
    linter = Linter()
    linter.findings.extend(source.findings)
    for part in source.parts:
        try:
            doc = grammar.parse(
                linter,
                part.document,
                part.type,
                file=source.file,
                base=part.pointer,
                role=part.role,
                name=part.name,
            )
        except RecursionError:
            linter.add(
                "invalid-grammar",
                "the document is nested too deeply to be a policy",
                source.file,
                part.pointer,
            )
            continue
        for st in doc.statements:
            check_arns(linter, doc, st)
    return [
        f
        for f in linter.findings
        if f.severity == "error"
        and f.code in REFUSED_CODES
        and not f.message.startswith(_NO_VERSION)
    ]
