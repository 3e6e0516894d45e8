"""The policy linter: findings for policy documents and role bundles.

``lint_document`` checks one policy by its type (identity, trust or boundary); ``lint_bundle``
checks a ``build`` bundle as one role: each policy by its type, the identity policies against
the permissions boundary (with the evaluator in :mod:`wizard.policy.evaluate`), the size
quotas across all inline policies, and privilege escalation across the role's effective
permissions (``catalogs/escalation.yaml``).

Every finding has a stable ``code`` (see :data:`CODES`), a severity, a message that says what
to change, and a JSON pointer from the file's root. Only Allow statements of identity policies
get the wildcard, exfiltration, PassRole, risky-action and escalation checks; a boundary is a
ceiling, not a grant, so it gets the grammar, reference and size checks only.

One module per family of checks, as parliament keeps one auditor per file:

=================  ==========================================================================
``grammar``        document, statement, principal and condition shapes (parses the model)
``arns``           ARN and policy-variable grammar
``actions``        unknown services/actions, action wildcards
``resources``      resource types an ARN can describe, Resource "*"
``conditions``     condition keys
``passrole``       iam:PassRole scope
``exfiltration``   data reads on every resource
``risky``          high-risk actions (``catalogs/risky-actions.yaml``)
``trust``          who may assume the role
``sizes``          IAM size quotas
``boundary``       grants the permissions boundary blocks
``escalation``     escalation paths across a role's policies
=================  ==========================================================================

``core`` drives them; ``model`` is the parsed form and the finding collector; ``data`` reads
``catalogs/``; wildcard matching is :mod:`wizard.policy.patterns`. Every lookup that depends
only on its arguments is cached for the life of the process.
"""

from __future__ import annotations

from wizard.policy.documents import Finding
from wizard.policy.lint.actions import analyse_action
from wizard.policy.lint.codes import CODES
from wizard.policy.lint.core import (
    fails,
    lint_bundle,
    lint_document,
    lint_source,
    lint_text,
    worst_severity,
)
from wizard.policy.lint.data import data_read_actions, escalation_paths
from wizard.policy.lint.grammar import split_operator
from wizard.policy.lint.resources import action_fits, fitting_types, is_broad
from wizard.policy.patterns import pattern_fits_format, patterns_intersect

__all__ = [
    "CODES",
    "Finding",
    "action_fits",
    "analyse_action",
    "data_read_actions",
    "escalation_paths",
    "fails",
    "fitting_types",
    "is_broad",
    "lint_bundle",
    "lint_document",
    "lint_source",
    "lint_text",
    "pattern_fits_format",
    "patterns_intersect",
    "split_operator",
    "worst_severity",
]
