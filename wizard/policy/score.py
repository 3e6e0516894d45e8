"""A role's risk score, for ranking the roles of an account-wide audit (``audit --all``).

The score is a sum of points, higher is riskier, with no upper bound; README's "Audits at
account scale" section shows the same table:

- each validator finding: ``error`` 10, ``warning`` 3, ``info`` 1;
- each group of actions (one policy, one service, one access level) that an attached AWS
  managed policy grants beyond the role's own statements: ``Permissions management`` 8,
  ``Write`` 4, ``Tagging`` 2, ``Read`` 1, ``List`` 1 (an unknown level counts as Write);
- each service the role may use but did not in the lookback window (IAM's last-accessed data,
  where the account offers it): 2.

Findings weigh most because they are what the role grants in its own words (a wildcard, an
escalation path); managed-policy excess and unused services are grants beyond need.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

FINDING_POINTS = {"error": 10, "warning": 3, "info": 1}
EXCESS_POINTS = {
    "Permissions management": 8,
    "Write": 4,
    "Tagging": 2,
    "Read": 1,
    "List": 1,
}
UNKNOWN_LEVEL_POINTS = EXCESS_POINTS["Write"]
UNUSED_SERVICE_POINTS = 2


@dataclass(frozen=True)
class Score:
    """The total and its parts (``findings``, ``managed_excess``, ``unused_services``)."""

    total: int
    parts: dict[str, int] = field(default_factory=dict)


def role_score(
    finding_severities: Iterable[str],
    excess_levels: Iterable[str],
    unused_services: int,
) -> Score:
    """The score of a role with findings of these severities, managed-policy excess groups at
    these access levels and this many unused services."""
    parts = {
        "findings": sum(FINDING_POINTS.get(s.lower(), 1) for s in finding_severities),
        "managed_excess": sum(
            EXCESS_POINTS.get(lvl, UNKNOWN_LEVEL_POINTS) for lvl in excess_levels
        ),
        "unused_services": UNUSED_SERVICE_POINTS * unused_services,
    }
    return Score(sum(parts.values()), parts)
