"""Resources: which resource types an ARN pattern can describe (``resource-mismatch``) and
Resource "*" where named resources would do (``resource-wildcard``)."""

from __future__ import annotations

import functools
import re

from wizard.catalog.reference import Action, reference
from wizard.policy.documents import INFO
from wizard.policy.lint.actions import analyse_action
from wizard.policy.lint.arns import (
    _OLD_VERSION_VARIABLE,
    _arn_problem,
    _variable_problem,
    type_formats,
)
from wizard.policy.lint.model import _WILD, Linter, _Document, _short, _Statement
from wizard.policy.patterns import (
    MAX_PATTERN,
    _fits_quickly,
    _format_shape,
    format_regex,
    format_service,
    format_source,
    pattern_fits_format,
    pattern_service,
    service_wildcard,
)


def _scopable(action: Action) -> bool:
    """:attr:`Action.scopable`: whether Resource "*" grants more than the action needs."""
    return action.scopable


@functools.lru_cache(maxsize=16384)
def _pattern_scopable(pattern: str) -> bool:
    """Whether some action an Action entry names is :func:`_scopable`."""
    return any(map(_scopable, analyse_action(pattern)[0] or ()))


def _is_concrete(pattern: str) -> bool:
    return "*" not in pattern and "?" not in pattern and "${" not in pattern


@functools.lru_cache(maxsize=65536)
def fitting_types(service: str, pattern: str) -> frozenset[str]:
    """Lower-case names of ``service``'s resource types an ARN pattern can describe."""
    svc = reference().service(service)
    if svc is None:
        return frozenset()
    if pattern == "*":
        return frozenset(svc.resource_types)
    concrete = _is_concrete(pattern)
    out = set()
    for key, rt in svc.resource_types.items():
        if concrete:
            if any(format_regex(fmt).match(pattern) for fmt in type_formats(rt)):
                out.add(key)
        elif any(pattern_fits_format(pattern, fmt) for fmt in type_formats(rt)):
            out.add(key)
    return frozenset(out)


class _Fit:
    """What resource fitting needs of an action: its resource types' lower-case names, their
    ARN formats, one regex for their concrete ARNs, and a key shared by every action whose
    types are the same (so their answers for a pattern are computed once). The regex and the
    formats' shapes are made when first asked for: most actions meet only concrete ARNs (the
    regex) or only patterns (the formats' shapes, each made when a pattern first reaches it),
    and compiling regexes is most of the gate's time."""

    __slots__ = ("service", "names", "formats", "key", "services", "_regex")

    def __init__(self, service: str, names: frozenset[str], formats: tuple[str, ...], key: int):
        self.service = service
        self.names = names
        self.formats = formats
        self.key = key
        # the formats' literal service segments (None: some format's is not literal), so a
        # pattern of another service need not be tried (:func:`format_service`)
        services = [format_service(f) for f in formats]
        self.services = None if None in services else frozenset(services)
        self._regex: re.Pattern[str] | None | bool = False  # False: not made yet

    @property
    def regex(self) -> re.Pattern[str] | None:
        """One regex for the concrete ARNs of every format (None: the action has none)."""
        if self._regex is False:
            sources = [format_source(f) for f in self.formats]
            self._regex = (
                re.compile("|".join(f"(?:{p})" for p in sources), re.DOTALL) if sources else None
            )
        return self._regex  # type: ignore[return-value]


_FITS: dict[int, _Fit] = {}  # id(Action) -> _Fit (the reference keeps every Action it made)
_FIT_KEYS: dict[tuple[str, tuple[str, ...]], int] = {}
_FIT_MEMO: dict[tuple[int, str], bool] = {}
_FIT_MEMO_MAX = 65536


def _fit_of(action: Action) -> _Fit:
    found = _FITS.get(id(action))
    if found is None:
        svc = reference().service(action.service)
        types = [svc.resource_type(ar.name) for ar in action.resource_types] if svc else []
        types = [t for t in types if t is not None]
        formats = tuple(f for t in types for f in type_formats(t))
        key = _FIT_KEYS.setdefault((action.service, formats), len(_FIT_KEYS))
        found = _Fit(action.service, frozenset(t.name.lower() for t in types), formats, key)
        _FITS[id(action)] = found
    return found


def action_fits(action: Action, pattern: str, *, many: bool = False) -> bool:
    """Whether some resource type of ``action`` can describe the resource pattern.

    ``many``: the caller asks for many actions of one service (a wildcard's expansion), so
    every type of the service is matched once and cached.
    """
    if pattern == "*" or len(pattern) > MAX_PATTERN:
        return True
    if service_wildcard(pattern):
        return False
    return _fits(_FITS.get(id(action)) or _fit_of(action), pattern, many)


def _fits(fit: _Fit, pattern: str, many: bool) -> bool:
    """:func:`action_fits` for every action of one :class:`_Fit` (``pattern`` is not ``*``).
    Answers are kept per (resource types, pattern): the actions of a service share types."""
    if not fit.formats:  # no resource type: its regex would be None
        return False
    if not many and "*" not in pattern and "?" not in pattern and "${" not in pattern:
        return fit.regex.match(pattern) is not None  # a concrete ARN: as cheap as the memo
    memo = (fit.key, pattern)
    found = _FIT_MEMO.get(memo)
    if found is None:
        if many:
            found = not fitting_types(fit.service, pattern).isdisjoint(fit.names)
        else:
            found = False
            for fmt in fit.formats:  # pattern_fits_format, without its cache for once
                shape = _format_shape(fmt)  # (made for the formats tried until one fits)
                quick = None if shape is None else _fits_quickly(pattern, shape)
                if quick if quick is not None else pattern_fits_format(pattern, fmt):
                    found = True
                    break
        if len(_FIT_MEMO) >= _FIT_MEMO_MAX:
            _FIT_MEMO.clear()
        _FIT_MEMO[memo] = found
    return found


@functools.lru_cache(maxsize=16384)
def _fit_groups(pattern: str) -> tuple[tuple[_Fit, tuple[Action, ...]], ...]:
    """The actions an Action entry matches, grouped by their resource types (a wildcard's
    dozens of actions share a few types)."""
    groups: dict[int, tuple[_Fit, list[Action]]] = {}
    for action in analyse_action(pattern)[0] or ():
        fit = _FITS.get(id(action)) or _fit_of(action)
        groups.setdefault(fit.key, (fit, []))[1].append(action)
    return tuple((fit, tuple(acts)) for fit, acts in groups.values())


@functools.lru_cache(maxsize=16384)
def _fit_index(pattern: str) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Positions in :func:`_fit_groups` by the service segment of their formats: the groups
    a resource pattern of one service can fit are that service's and those whose formats'
    service is not literal (the second item) -- the others cannot fit it."""
    by_service: dict[str, list[int]] = {}
    anywhere: list[int] = []
    for i, (fit, _) in enumerate(_fit_groups(pattern)):
        if fit.services is None:
            anywhere.append(i)
        else:
            for service in fit.services:
                by_service.setdefault(service, []).append(i)
    return {k: tuple(v) for k, v in by_service.items()}, tuple(anywhere)


@functools.lru_cache(maxsize=4096)
def _misfits(pattern: str, fitting: frozenset[int]) -> tuple[str, ...]:
    """Names of the actions of an Action entry outside the groups of :func:`_fit_groups` at
    the positions ``fitting``, in the entry's order."""
    bad = {fit.key for i, (fit, _) in enumerate(_fit_groups(pattern)) if i not in fitting}
    acts = analyse_action(pattern)[0] or ()
    return tuple(a.full_name for a in acts if _FITS[id(a)].key in bad)


@functools.lru_cache(maxsize=16384)
def _candidates(pattern: str, service: str | None) -> tuple[tuple[int, _Fit], ...]:
    """(position, :class:`_Fit`) of the groups of :func:`_fit_groups` that may fit a resource
    pattern whose literal service segment is ``service`` (:func:`pattern_service`): all when
    it has none."""
    groups = _fit_groups(pattern)
    if service is None:
        return tuple((i, fit) for i, (fit, _) in enumerate(groups))
    by_service, anywhere = _fit_index(pattern)
    return tuple((i, groups[i][0]) for i in by_service.get(service, ()) + anywhere)


_TYPE_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9-]*[/:]")
_BARE_WILDCARD = re.compile(r"^[*?]+(?:[/:][*?]+)*$")


def is_broad(resource: str) -> bool:
    """``*``, or an ARN whose resource name is a bare wildcard: every resource of its type
    (``arn:aws:iam::*:role/*``, ``arn:aws:s3:::*``, ``...:secret:*``)."""
    if resource == "*":
        return True
    if "*" not in resource and "?" not in resource:
        return False  # (most ARNs: decided without a cache lookup)
    return _wild_is_broad(resource)


@functools.lru_cache(maxsize=16384)
def _wild_is_broad(resource: str) -> bool:
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return bool(_WILD & set(resource))
    rest = parts[5]
    if parts[2] != "s3":
        rest = _TYPE_PREFIX.sub("", rest, count=1)
    return bool(_BARE_WILDCARD.match(rest)) and "*" in rest


@functools.lru_cache(maxsize=4096)
def _takes(patterns: tuple[str, ...]) -> str:
    """The resource types the actions of a statement's Action entries take, for a message
    (once per list of entries: a policy repeats its lists)."""
    types = sorted(
        {
            f"{a.service}:{t.name}"
            for pattern in patterns
            for a in analyse_action(pattern)[0] or ()
            for t in a.resource_types
        }
    )
    return _short(types) if types else 'they take only "*"'


def check_resources(
    linter: Linter,
    doc: _Document,
    st: _Statement,
    actions: list[tuple[str, str, tuple[Action, ...] | None]],
    grants: bool,
) -> None:
    file = doc.file
    star_ptr = None
    arns: list[tuple[str, str]] = []
    for res, ptr in st.resources:
        if res == "*":
            star_ptr = ptr
        elif (_arn_problem(res) is None and "$" not in res) or _arn_ok(linter, doc, res, ptr):
            arns.append((res, ptr))  # (a broken one gets its invalid-grammar finding)
    any_action = False
    known: list[tuple[str, str, tuple[Action, ...]]] = []
    for entry in actions:
        if entry[2] is None:
            any_action = True
        else:
            known.append(entry)  # type: ignore[arg-type]
    if arns and not any_action and star_ptr is None:
        unmatched_actions = False
        # not examined, as they fit anything: patterns over MAX_PATTERN characters
        narrow = [(r, pattern_service(r)) for r, _ in arns if len(r) <= MAX_PATTERN]
        # (an unchecked entry's actions may be those that fit the other ARNs)
        wide = len(narrow) < len(arns) or st.unchecked
        used: set[str] = set()  # the ARNs some action of the statement can apply to
        for pattern, ptr, acts in known:
            many = len(acts) > 3
            groups = _fit_groups(pattern)
            fitting: set[int] = set()  # positions in groups of those fitting some ARN
            for res, service in narrow:
                for i, fit in _candidates(pattern, service):
                    if _fits(fit, res, many):
                        fitting.add(i)
                        used.add(res)
            # (one group per resource-types key)
            bad = 0 if wide else len(groups) - len(fitting)
            if bad == len(groups):
                unmatched_actions = True
                linter.add("resource-mismatch", _mismatch_message(linter, pattern, acts), file, ptr)
            elif bad:
                misfits = _misfits(pattern, frozenset(fitting))
                linter.add(
                    "resource-mismatch",
                    f"{len(misfits)} of the {len(acts)} actions {pattern} matches cannot "
                    f"apply to these resources ({_short(misfits, 3)}); they are granted "
                    "nothing here",
                    file,
                    ptr,
                    INFO,
                )
        if not unmatched_actions and known and not st.unchecked:
            takes = None  # the same for every ARN: made once, for the first that needs it
            for res, ptr in arns:
                if res in used or len(res) > MAX_PATTERN:
                    continue
                if takes is None:
                    takes = _takes(tuple(pattern for pattern, _, _ in known))
                # In a boundary (a ceiling) an ARN no action can use is dead weight, not a
                # lost grant: worth knowing, not failing for.
                linter.add(
                    "resource-mismatch",
                    f"{res!r} fits no resource type of this statement's actions "
                    f"({takes}); the statement never applies to it",
                    file,
                    ptr,
                    INFO if doc.type == "boundary" else None,
                )
    if grants and st.allow and star_ptr is not None:
        if any_action:
            scoped = ["every action"]
        else:
            scoped = [pattern for pattern, _, _ in known if _pattern_scopable(pattern)]
        if scoped:
            linter.add(
                "resource-wildcard",
                f'Resource "*" with {_short(scoped)}, which support resource-level '
                "permissions; name the resources' ARNs",
                file,
                star_ptr,
            )


def check_arns(linter: Linter, doc: _Document, st: _Statement) -> None:
    """The grammar of each Resource / NotResource entry, whatever the statement's actions."""
    for res, ptr in st.resources:
        _arn_ok(linter, doc, res, ptr)


def _arn_ok(linter: Linter, doc: _Document, res: str, ptr: str) -> bool:
    """Whether a Resource entry (not "*") is a well-formed ARN; an invalid-grammar finding
    when not."""
    problem = _arn_problem(res)
    if problem is None and "$" in res:
        problem = _variable_problem(res)
        if problem is None and "${" in res and doc.version == "2008-10-17":
            problem = _OLD_VERSION_VARIABLE
    if problem is None:
        return True
    linter.add("invalid-grammar", f"{res!r}: {problem}", doc.file, ptr)
    return False


def _mismatch_message(linter: Linter, pattern: str, acts: tuple[Action, ...]) -> str:
    if all(not a.resource_types for a in acts):
        return (
            f"{pattern} supports no resource-level permissions: it needs "
            '"Resource": "*" (in a statement of its own), so this grant does nothing'
        )
    formats = []
    for a in acts[:3]:
        for rt in linter.ref.resource_types_for(a):
            formats.extend(type_formats(rt))
    formats = list(dict.fromkeys(formats))
    return (
        f"{pattern} cannot apply to any resource of this statement (it takes "
        f"{_short(formats, 2)}); the grant does nothing"
    )
