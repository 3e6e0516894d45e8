"""iam:PassRole on any role or to any service (``passrole-unscoped``)."""

from __future__ import annotations

from wizard.policy.documents import WARNING
from wizard.policy.lint.model import Linter, _covers, _Document, _Statement
from wizard.policy.lint.resources import is_broad
from wizard.policy.patterns import action_matcher


def wants(patterns: tuple[str, ...], negated: bool) -> bool:
    """Whether a statement with this Action (or NotAction) list may need the check."""
    return _covers(patterns, negated, "iam:PassRole")


def check_passrole(linter: Linter, doc: _Document, st: _Statement) -> None:
    if not wants(st.patterns, st.not_action):
        return
    broad = [(r, p) for r, p in st.resources if is_broad(r)]
    if st.not_resource or broad:
        res, ptr = broad[0] if broad else ("NotResource", st.ptr + "/NotResource")
        linter.add(
            "passrole-unscoped",
            f"iam:PassRole on {res!r} lets the holder pass any role (an administrator's too) "
            "to a service; name the role ARNs and add an iam:PassedToService condition",
            doc.file,
            ptr,
        )
    elif "iam:passedtoservice" not in st.condition_keys():
        ptr = next((p for a, p in st.actions if action_matcher((a,))("iam:PassRole")), st.ptr)
        linter.add(
            "passrole-unscoped",
            "iam:PassRole without an iam:PassedToService condition lets the role be passed "
            'to any service; add {"StringEquals": {"iam:PassedToService": '
            '"lambda.amazonaws.com"}}',
            doc.file,
            ptr,
            WARNING,
        )
