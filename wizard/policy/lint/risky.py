"""High-risk actions on any resource, named or not (``risky-resource-policy``,
``risky-code-execution``, ``risky-audit-off``, ``risky-account-setting``, ``risky-delete``;
``catalogs/risky-actions.yaml``): one warning per class and statement."""

from __future__ import annotations

from wizard.policy.lint.data import RiskClass, risky_by_service
from wizard.policy.lint.model import Linter, _Document, _short, _Statement
from wizard.policy.patterns import action_matcher, is_wild


def risky_grants(patterns: tuple[str, ...]) -> dict[str, list[str]]:
    """Risky actions an Action list grants, by finding code. Only the risky actions of the
    services the patterns name are tried (all of them for a pattern with a wildcard service)."""
    table = risky_by_service()
    found: dict[str, list[str]] = {}
    for pattern in patterns:
        service, sep, _ = pattern.partition(":")
        if is_wild(service) or not sep:
            candidates: tuple[tuple[str, RiskClass], ...] = tuple(
                item for items in table.values() for item in items
            )
        else:
            candidates = table.get(service.lower(), ())
        if not candidates:
            continue
        matches = action_matcher((pattern,))
        for action, cls in candidates:
            if matches(action) and action not in found.setdefault(cls.code, []):
                found[cls.code].append(action)
    return {code: acts for code, acts in found.items() if acts}


def check_risky(linter: Linter, doc: _Document, st: _Statement) -> None:
    """An Allow statement of a function's identity policy that grants risky actions (a
    NotAction statement is already an action-wildcard error)."""
    if st.not_action or doc.role == "deployer":
        return
    hits = risky_grants(st.patterns)
    if not hits:
        return
    what = {cls.code: cls.what for items in risky_by_service().values() for _, cls in items}
    resources = "NotResource" if st.not_resource else _short([r for r, _ in st.resources], 2)
    for code, actions in hits.items():
        ptr = next((p for a, p in st.actions if any(map(action_matcher((a,)), actions))), st.ptr)
        linter.add(
            code,
            f"{_short(actions, 3)} on {resources}: lets whoever runs code as the function "
            f"{what[code]}; drop it unless that is the function's job "
            "(catalogs/risky-actions.yaml)",
            doc.file,
            ptr,
        )
