"""IAM size quotas. IAM counts a policy's characters with white space left out."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from wizard.bundle import RoleBundle

INLINE_AGGREGATE_LIMIT = 10_240  # all inline policies of one role together
MANAGED_LIMIT = 6_144  # one customer-managed policy (a boundary, the deployer policy)
TRUST_LIMIT = 2_048  # a role's trust policy (the default quota; it can be raised to 4,096)

_WHITESPACE = str.maketrans("", "", " \t\n\r\f\v")


def policy_size(document: Any) -> int:
    """The size IAM counts for ``document``: its JSON text without any white space."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return len(text.translate(_WHITESPACE))


class PolicySize(NamedTuple):
    """One policy's size against its IAM quota: ``label`` (inline, trust, boundary, deployer),
    the characters IAM counts, and the quota."""

    label: str
    size: int
    quota: int

    @property
    def over(self) -> int:
        """Characters over the quota (0 when it fits)."""
        return max(0, self.size - self.quota)


def policy_sizes(bundle: RoleBundle) -> list[PolicySize]:
    """Each of the bundle's policies against its quota: the inline policies together (IAM's
    quota is their aggregate), the trust policy, and the boundary and deployer policy when the
    role has them (customer-managed policies). The one computation behind every size meter."""
    sizes = [
        PolicySize(
            "inline", sum(policy_size(p.document) for p in bundle.policies), INLINE_AGGREGATE_LIMIT
        ),
        PolicySize("trust", policy_size(bundle.assume_role_policy), TRUST_LIMIT),
    ]
    if bundle.boundary is not None:
        sizes.append(PolicySize("boundary", policy_size(bundle.boundary.document), MANAGED_LIMIT))
    if bundle.deployer is not None:
        sizes.append(PolicySize("deployer", policy_size(bundle.deployer.document), MANAGED_LIMIT))
    return sizes
