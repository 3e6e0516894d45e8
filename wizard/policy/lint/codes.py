"""The linter's finding codes: code -> (default severity, what it means; the SARIF rule's
short description). README's validate section lists them."""

from __future__ import annotations

from wizard.policy.documents import ERROR, INFO, WARNING

CODES: dict[str, tuple[str, str]] = {
    "invalid-json": (ERROR, "The file is not UTF-8 JSON."),
    "invalid-grammar": (ERROR, "The document breaks the IAM policy grammar."),
    "unknown-service": (ERROR, "An action's service prefix is not in the IAM reference."),
    "unknown-action": (ERROR, "An action (or action wildcard) matches no action of its service."),
    "resource-mismatch": (ERROR, "No resource type of the action fits the resource ARN."),
    "resource-wildcard": (
        WARNING,
        'Resource "*" for actions that support resource-level permissions.',
    ),
    "action-wildcard": (WARNING, "A whole service (service:*) or every action (*) is allowed."),
    "invalid-condition-operator": (ERROR, "A condition operator IAM does not know."),
    "unknown-condition-key": (
        WARNING,
        "A condition key that is neither global nor defined for the statement's actions.",
    ),
    "passrole-unscoped": (
        ERROR,
        "iam:PassRole on any role, or without an iam:PassedToService condition.",
    ),
    "privilege-escalation": (ERROR, "The role's permissions open a known escalation path."),
    "data-exfiltration": (WARNING, "Data-read actions on every resource of a service."),
    "size-exceeded": (ERROR, "A policy is over IAM's size quota."),
    "not-in-boundary": (
        WARNING,
        "An identity grant the permissions boundary blocks: it has no effect.",
    ),
    "trust-principal-wildcard": (ERROR, "Anyone may assume the role."),
    "trust-missing-source-account": (
        WARNING,
        "A service principal may assume the role without aws:SourceAccount or aws:SourceArn.",
    ),
    "risky-resource-policy": (
        WARNING,
        "An action that rewrites who may use a resource (its policy, ACL or grants).",
    ),
    "risky-code-execution": (WARNING, "An action that runs code under another identity."),
    "risky-audit-off": (WARNING, "An action that turns off or erases logging and audit trails."),
    "risky-account-setting": (WARNING, "An action that changes an account-wide setting."),
    "risky-delete": (WARNING, "An action that deletes a whole resource or its protection."),
    "not-checked": (
        INFO,
        "A policy referenced by ARN whose document is not available, or checks left undone "
        "past a lint run's work budget (a warning then).",
    ),
}
