"""Size quotas of IAM policies (``size-exceeded``)."""

from __future__ import annotations

from wizard.policy.lint.model import Linter, _Document
from wizard.policy.quotas import policy_size


def check_size(
    linter: Linter,
    doc: _Document,
    limit: int,
    what: str,
    *,
    bound: int | None = None,
    floor: int = 0,
) -> int | None:
    """The document's IAM size, with a size-exceeded finding over ``limit``. ``bound``: a
    known upper bound of the size; when it is at most ``limit`` and ``floor`` the document
    is not measured and the bound is returned (the caller's comparisons hold for it)."""
    if bound is not None and bound <= limit and bound <= floor:
        return bound
    try:
        size = policy_size(doc.raw)
    except (RecursionError, ValueError, TypeError):
        return None
    if size > limit:
        linter.add(
            "size-exceeded",
            f"the {what} is {size:,} characters without white space, {size - limit:,} over "
            f"IAM's {limit:,}-character limit; merge statements or split the policy",
            doc.file,
            doc.base,
        )
    return size
