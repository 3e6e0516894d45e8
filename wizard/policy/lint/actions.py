"""Actions: unknown services and actions, and action wildcards (``action-wildcard``)."""

from __future__ import annotations

import functools
import re

from wizard.catalog.reference import Action, reference
from wizard.policy.documents import ERROR
from wizard.policy.lint.model import (
    _WILD,
    MAX_ACTION,
    Linter,
    _Document,
    _hint,
    _short,
    _Statement,
)
from wizard.policy.patterns import wildcard_regex

_ACTION_RE = re.compile(r"^[A-Za-z0-9*?-]+:[A-Za-z0-9_*?-]+$")


@functools.lru_cache(maxsize=16384)
def _expand(pattern: str) -> tuple[Action, ...]:
    """Concrete actions of ``service:Pattern`` (lower-cased key; ``*`` is not expanded here)."""
    return tuple(reference().expand(pattern))


@functools.lru_cache(maxsize=1024)
def _services_matching(service: str) -> tuple[str, ...]:
    """The reference's service keys a wildcard service pattern matches (cached: thousands of
    distinct Action entries share a few such patterns, ``*`` above all)."""
    rx = wildcard_regex(service, ignore_case=True)
    return tuple(s for s in reference().service_names if rx.match(s))


@functools.lru_cache(maxsize=16384)
def analyse_action(
    pattern: str,
) -> tuple[tuple[Action, ...] | None, str | None, str | None, str | None]:
    """What one Action entry is, whatever statement it is in (cached: entries repeat a lot).

    Returns (concrete actions or None for ``*``, a finding code for a bad entry or None, its
    message, the action-wildcard message when the entry is a whole-service wildcard).
    """
    ref = reference()
    if pattern == "*":
        return (
            None,
            None,
            None,
            'Action "*" allows every action of every service; list the actions the function needs',
        )
    if len(pattern) > MAX_ACTION or not _ACTION_RE.match(pattern):
        return (
            (),
            "invalid-grammar",
            f"{pattern!r} is not an action such as s3:GetObject (service:Action)",
            None,
        )
    service, _, name = pattern.partition(":")
    if _WILD & set(service):
        names = _services_matching(service)
        if not names:
            return (), "unknown-service", f"no service prefix matches {service!r}", None
        acts = tuple(ref.expand_across(list(names), name))
        if not acts:
            return (), "unknown-action", f"{pattern!r} matches no action", None
        return acts, None, None, _spans(pattern)
    if not ref.has_service(service):
        hint = _hint(service, tuple(ref.service_names))
        return (
            (),
            "unknown-service",
            f"unknown service prefix {service!r} in {pattern!r}"
            + (f" (did you mean {hint!r}?)" if hint else ""),
            None,
        )
    acts = _expand(pattern.lower())
    if not acts:
        svc = ref.service(service)
        if _WILD & set(name):
            msg = f"the wildcard {pattern!r} matches no {service} action"
        else:
            names_ = tuple(a.name for a in svc.actions.values()) if svc else ()
            hint = _hint(name, names_)
            msg = f"{service} has no action {name!r}" + (
                f" (did you mean {service}:{hint}?)" if hint else ""
            )
        return (), "unknown-action", msg, None
    return acts, None, None, _whole_service(pattern, service, name, acts)


@functools.lru_cache(maxsize=4096)
def _spans(pattern: str) -> str | None:
    """:func:`analyse_action`'s action-wildcard message for an entry with a wildcard service,
    without expanding it (None for any other entry)."""
    service, sep, _ = pattern.partition(":")
    if not sep or not _WILD & set(service) or not _ACTION_RE.match(pattern):
        return None
    rx = wildcard_regex(service, ignore_case=True)
    names = [s for s in reference().service_names if rx.match(s)]
    return f"{pattern!r} spans the services {_short(names)}; name the service" if names else None


def _whole_service(pattern: str, service: str, name: str, acts: tuple[Action, ...]) -> str | None:
    """The action-wildcard message when a pattern's expansion over the IAM reference is every
    action of its service (``s3:*``, ``s3:?*``, ``s3:*?``, ``s3:*******``), or holds every
    Permissions management action of it: the same grant as ``service:*`` for what matters."""
    if not _WILD & set(name):
        return None
    svc = reference().service(service)
    every = svc.actions.values() if svc else ()
    if len(acts) >= len(every):
        same = "" if set(name) <= {"*"} else f", as {service}:* does"
        return (
            f"{pattern!r} allows every {service} action ({len(acts)}){same}; list the actions "
            "the function needs"
        )
    managing = _permissions_management(service)
    if managing and managing <= {a.name.lower() for a in acts}:
        return (
            f"{pattern!r} allows every Permissions management action of {service} "
            f"({_short(sorted(a.name for a in every if a.name.lower() in managing), 3)}): "
            "whoever holds the role decides who else may use the service's resources; list "
            "the actions the function needs"
        )
    return None


@functools.lru_cache(maxsize=1024)
def _permissions_management(service: str) -> frozenset[str]:
    """Lower-case names of a service's Permissions management actions (IAM reference)."""
    svc = reference().service(service)
    if svc is None:
        return frozenset()
    return frozenset(
        k for k, a in svc.actions.items() if "Permissions management" in a.access_level
    )


# --------------------------------------------------------------------------- the linter


def check_actions(
    linter: Linter, doc: _Document, st: _Statement, grants: bool
) -> list[tuple[str, str, tuple[Action, ...] | None]] | None:
    """Per action pattern: (pattern, pointer, concrete actions or None for ``*``)."""
    out: list[tuple[str, str, tuple[Action, ...] | None]] = []
    file = doc.file
    wide = grants and st.allow
    if wide and st.not_action and st.actions:
        linter.add(
            "action-wildcard",
            f'"NotAction" with Allow grants every action of every service except '
            f"{_short([p for p, _ in st.actions])}; list the actions instead",
            file,
            st.ptr + "/NotAction",
        )
    for pattern, ptr in st.actions:
        if pattern != "*" and _WILD & set(pattern) and not linter.may_expand(pattern):
            st.unchecked = True  # (core reports how many entries went unchecked)
            linter.unexpanded += 1
            spans = _spans(pattern) if wide and not st.not_action else None
            if spans is not None:  # what is too wide needs no expansion to say (as below)
                linter.add("action-wildcard", spans, file, ptr)
            continue
        acts, code, message, wide_message = analyse_action(pattern)
        if code is not None:
            linter.add(code, message or "", file, ptr)
            continue
        if wide_message and wide and not st.not_action:
            linter.add(
                "action-wildcard",
                wide_message,
                file,
                ptr,
                ERROR if ":" not in pattern or not _WILD & set(pattern.partition(":")[0]) else None,
            )
        out.append((pattern, ptr, acts))
    return out
