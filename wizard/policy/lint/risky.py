"""High-risk actions on any resource, named or not (``risky-resource-policy``,
``risky-code-execution``, ``risky-audit-off``, ``risky-account-setting``, ``risky-delete``;
``catalogs/risky-actions.yaml``): one warning per class and statement."""

from __future__ import annotations

import functools

from wizard.policy.lint.data import risky_by_service
from wizard.policy.lint.model import Linter, _Document, _short, _Statement
from wizard.policy.patterns import action_matcher, is_wild


@functools.lru_cache(maxsize=4096)
def risky_grants(patterns: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Risky actions an Action list grants, by finding code (in the order first met)."""
    found: dict[str, dict[str, None]] = {}
    for pattern in patterns:
        for action, code in _risky_for(pattern):
            found.setdefault(code, {})[action] = None
    return tuple((code, tuple(acts)) for code, acts in found.items())


@functools.lru_cache(maxsize=16384)
def _risky_for(pattern: str) -> tuple[tuple[str, str], ...]:
    """(risky action, finding code) an Action entry covers. Only the risky actions of the
    service it names are tried (all of them for a pattern with a wildcard service)."""
    table = risky_by_service()
    service, sep, _ = pattern.partition(":")
    if is_wild(service) or not sep:
        candidates = [item for items in table.values() for item in items]
    else:
        candidates = list(table.get(service.lower(), ()))
    if not candidates:
        return ()
    matches = action_matcher((pattern,))
    return tuple((action, cls.code) for action, cls in candidates if matches(action))


@functools.lru_cache(maxsize=1)
def _what() -> dict[str, str]:
    return {cls.code: cls.what for items in risky_by_service().values() for _, cls in items}


def wants(patterns: tuple[str, ...], negated: bool) -> bool:
    """Whether a statement with this Action (or NotAction) list may need the check."""
    return not negated and bool(risky_grants(patterns))


def check_risky(linter: Linter, doc: _Document, st: _Statement) -> None:
    """An Allow statement of a function's identity policy that grants risky actions (a
    NotAction statement is already an action-wildcard error)."""
    if st.not_action or doc.role == "deployer":
        return
    hits = risky_grants(st.patterns)
    if not hits:
        return
    what = _what()
    resources = "NotResource" if st.not_resource else _short([r for r, _ in st.resources], 2)
    for code, actions in hits:
        ptr = next((p for a, p in st.actions if any(map(action_matcher((a,)), actions))), st.ptr)
        linter.add(
            code,
            f"{_short(actions, 3)} on {resources}: lets whoever runs code as the function "
            f"{what[code]}; drop it unless that is the function's job "
            "(catalogs/risky-actions.yaml)",
            doc.file,
            ptr,
        )
