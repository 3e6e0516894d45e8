"""IAM size quotas. IAM counts a policy's characters with white space left out."""

from __future__ import annotations

import json
from typing import Any

INLINE_AGGREGATE_LIMIT = 10_240  # all inline policies of one role together
MANAGED_LIMIT = 6_144  # one customer-managed policy (a boundary, the deployer policy)
TRUST_LIMIT = 2_048  # a role's trust policy (the default quota; it can be raised to 4,096)

_WHITESPACE = str.maketrans("", "", " \t\n\r\f\v")


def policy_size(document: Any) -> int:
    """The size IAM counts for ``document``: its JSON text without any white space."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return len(text.translate(_WHITESPACE))
