"""Step 5: the composed role — its resources, policies, the validator's findings (and whether
the gate would refuse the role), sizes against IAM's quotas — then the next-action menu."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from questionary import Choice

from wizard.bundle import RoleBundle
from wizard.entries import entry_label
from wizard.errors import UserError
from wizard.policy.gate import blocking, describe
from wizard.policy.gate import review as gate_review

if TYPE_CHECKING:
    from wizard.plain.app import PlainWizard


def _json(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def review(wizard: PlainWizard) -> RoleBundle | None:
    """Print the composed role; the bundle, or None when the composer refuses the spec."""
    from wizard.policy.compose import compose, grant_reasons
    from wizard.policy.quotas import policy_sizes

    spec = wizard.spec_
    wizard.say()
    wizard.say(f"Review: role {spec.role_name} for function {spec.function}")
    for entry in spec.resources:
        access = entry.access or wizard.cat.kinds[entry.kind].default_access
        wizard.say(f"  - {entry_label(entry)} ({access})")
    try:
        bundle = compose(spec)
    except UserError as exc:
        wizard.say(f"The role cannot be built yet: {exc}")
        return None
    for policy in bundle.policies:
        wizard.say(f"Identity policy {policy.name}:")
        wizard.say(_json(policy.document))
    if not bundle.policies:
        wizard.say("Identity policy: none (the function is granted nothing)")
    if reasons := grant_reasons(spec):
        wizard.say("Why the KMS and target grants are there:")
        for reason in reasons:
            wizard.say(f"  - {reason.text()}")
    if bundle.boundary is not None:
        wizard.say(f"Permissions boundary {bundle.boundary.name} ({spec.boundary}):")
        wizard.say(_json(bundle.boundary.document))
    elif bundle.boundary_arn:
        wizard.say(f"Permissions boundary: the existing policy {bundle.boundary_arn}")
    else:
        wizard.say("Permissions boundary: none")
    wizard.say("Trust policy:")
    wizard.say(_json(bundle.assume_role_policy))
    say_findings(wizard, gate_review(bundle))
    sizes = [f"{s.label} {s.size:,}/{s.quota:,}" for s in policy_sizes(bundle)]
    wizard.say("Sizes (characters IAM counts): " + ", ".join(sizes))
    return bundle


def say_findings(wizard: PlainWizard, findings: list[Any]) -> None:
    """The validator's findings, and plainly whether they refuse the role."""
    if not findings:
        wizard.say("Validator findings: none")
        return
    wizard.say(f"Validator findings ({len(findings)}):")
    for finding in findings:
        wizard.say(f"  {finding.severity} {describe(finding)}")
    refusing = blocking(findings)
    if refusing:
        wizard.say(
            f"The role would be refused: {len(refusing)} of these are errors or warnings, and "
            "nothing is saved or exported until they are fixed."
        )


def next_action(wizard: PlainWizard, *, can_finish: bool) -> str:
    choices = []
    if can_finish:
        choices.append(Choice("save the spec and finish", value="finish"))
    choices.append(Choice("add a resource", value="add"))
    if wizard.spec_.resources:
        choices.append(Choice("remove a resource", value="remove"))
    choices.append(Choice("change the boundary", value="boundary"))
    choices.append(Choice("change logs, tracing, VPC and deployer", value="options"))
    return str(wizard.select("Next:", choices))
