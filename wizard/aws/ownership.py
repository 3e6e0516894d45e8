"""How role-wizard marks what it made: a tag on its roles and policies.

``apply`` tags what it creates and never takes over what lacks the tag (unless ``--adopt``);
the demo sandbox seeds a role with it; ``audit`` lists roles with it as made by role-wizard.
"""

from __future__ import annotations

MANAGED_TAG = "lambda-role-wizard:managed"
MANAGED_VALUE = "true"


def is_owned(tags: list[dict[str, str]] | dict[str, str] | None) -> bool:
    """Whether IAM tags (a ``[{"Key", "Value"}]`` list or a dict) carry role-wizard's mark."""
    if isinstance(tags, list):
        tags = {t["Key"]: t["Value"] for t in tags}
    return (tags or {}).get(MANAGED_TAG) == MANAGED_VALUE
