"""Policy diff: does NEW allow anything OLD does not?  (Like Access Analyzer's CheckNoNewAccess.)

Both sides are sets of identity policy documents.  The question is asked per concrete IAM
action: every action of the IAM reference in the services either side names (and of every
service when an Allow has an Action such as ``*`` or ``s*:Get*``, or a NotAction), plus any
literal action the reference does not know.  For one action, each side allows a union of
resource *regions* — a Resource pattern, or ``*`` minus the patterns of a NotResource — less
what its Deny statements take away.  NEW adds access when one of its allowed regions is not
inside a single region OLD allows (pattern containment, :func:`resource_contains`) or meets a
region OLD denies.

The analysis is conservative in the direction of reporting: whenever it cannot prove that OLD
covers a NEW grant it reports the grant.  Specifically

* coverage is checked region by region: a NEW pattern covered only by the union of several OLD
  patterns is reported;
* Conditions: a NEW statement with a Condition is covered by an OLD statement with no Condition
  or the identical one; an OLD statement with a Condition never covers an unconditioned NEW
  grant (or a differently conditioned one);
* a Deny with a Condition takes nothing away on the granting side and counts in full on the
  side compared against;
* a partial Deny on the granting side leaves the whole region reported;
* policy variables in a Resource (``${aws:username}``) are treated as ``*`` on the granting side
  and as literal text on the side compared against.

``removed`` is the same question asked the other way round.  Permissions boundaries are not
part of the comparison (identity policies only).
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from wizard.bundle import NamedPolicy
from wizard.catalog.reference import ACCESS_LEVELS, reference
from wizard.errors import UserError
from wizard.policy.conditions import arn_regex, compile_alternation, glob_regex, json_pointer

__all__ = [
    "AccessChange",
    "DiffResult",
    "diff_policies",
    "resource_contains",
    "resources_intersect",
    "glob_contains",
    "globs_intersect",
]

UNKNOWN_LEVEL = "Unknown"
_LEVEL_ORDER = {level: i for i, level in enumerate((*ACCESS_LEVELS, UNKNOWN_LEVEL))}
_VAR_RE = re.compile(r"\$\{[^}]*\}")

# --------------------------------------------------------------------------- glob patterns
#
# A pattern is a small NFA: state i means "p[:i] consumed".  ``*`` loops on any character,
# ``?`` consumes any one character, anything else itself.  Languages are compared over the
# pattern's own literal characters plus one symbol (None) standing for every other character.


def _closure(p: str, states: Iterable[int]) -> frozenset[int]:
    out: set[int] = set()
    stack = list(states)
    while stack:
        i = stack.pop()
        if i in out:
            continue
        out.add(i)
        if i < len(p) and p[i] == "*":
            stack.append(i + 1)
    return frozenset(out)


def _step(p: str, states: frozenset[int], c: str | None) -> frozenset[int]:
    nxt = []
    for i in states:
        if i < len(p):
            ch = p[i]
            if ch == "*":
                nxt.append(i)
            elif ch == "?" or ch == c:
                nxt.append(i + 1)
    return _closure(p, nxt)


def _alphabet(a: str, b: str) -> tuple[str | None, ...]:
    return (*sorted(set(a + b) - {"*", "?"}), None)


def _wild(p: str) -> bool:
    return "*" in p or "?" in p


@lru_cache(maxsize=1024)
def _glob_rx(p: str) -> re.Pattern[str]:
    return re.compile(glob_regex(((p, True),)), re.DOTALL)


@lru_cache(maxsize=65536)
def glob_contains(outer: str, inner: str) -> bool:
    """Whether every string ``inner`` matches is matched by ``outer`` (``*`` and ``?`` globs)."""
    if outer == inner or outer == "*":
        return True
    if not _wild(inner):
        return _glob_rx(outer).fullmatch(inner) is not None
    if not _wild(outer):
        return False
    sigma = _alphabet(outer, inner)
    start = (_closure(inner, (0,)), _closure(outer, (0,)))
    seen = {start}
    queue = deque([start])
    end_in, end_out = len(inner), len(outer)
    while queue:
        si, so = queue.popleft()
        if end_in in si and end_out not in so:
            return False  # a string inner matches and outer does not
        for c in sigma:
            ni = _step(inner, si, c)
            if not ni:
                continue
            nxt = (ni, _step(outer, so, c))
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return True


@lru_cache(maxsize=65536)
def globs_intersect(a: str, b: str) -> bool:
    """Whether some string matches both glob patterns."""
    if a == b or a == "*" or b == "*":
        return True
    if not _wild(a):
        return _glob_rx(b).fullmatch(a) is not None
    if not _wild(b):
        return _glob_rx(a).fullmatch(b) is not None
    sigma = _alphabet(a, b)
    start = (_closure(a, (0,)), _closure(b, (0,)))
    seen = {start}
    queue = deque([start])
    while queue:
        sa, sb = queue.popleft()
        if len(a) in sa and len(b) in sb:
            return True
        for c in sigma:
            na = _step(a, sa, c)
            if not na:
                continue
            nb = _step(b, sb, c)
            if not nb:
                continue
            if (na, nb) not in seen:
                seen.add((na, nb))
                queue.append((na, nb))
    return False


def _arn_parts(p: str) -> list[str] | None:
    """Partition, service, region, account and resource of an ARN pattern (5+ colons)."""
    return p.split(":", 5) if p.count(":") >= 5 else None


@lru_cache(maxsize=65536)
def resource_contains(outer: str, inner: str) -> bool:
    """Whether the Resource pattern ``outer`` matches every ARN ``inner`` matches.

    Uses IAM's ARN matching: in an ARN pattern, wildcards in the partition, service, region
    and account segments stay inside their segment; in the resource part they match anything.
    """
    if outer == inner or outer == "*":
        return True
    if not _wild(inner):
        rx = compile_alternation((arn_regex(((outer, True),)),))
        return rx.fullmatch(inner) is not None
    po, pi = _arn_parts(outer), _arn_parts(inner)
    if po is None:  # plain glob: inner's ARN language is within its plain-glob language
        return glob_contains(outer, inner)
    if pi is None:  # a wildcard in a colon-poor pattern yields strings with < 5 colons
        return False
    return all(glob_contains(o, i) for o, i in zip(po, pi, strict=True))


@lru_cache(maxsize=65536)
def resources_intersect(a: str, b: str) -> bool:
    """Whether some ARN matches both Resource patterns (may say True when unsure)."""
    pa, pb = _arn_parts(a), _arn_parts(b)
    if pa is not None and pb is not None:
        return all(globs_intersect(x, y) for x, y in zip(pa, pb, strict=True))
    if not _wild(a) and pb is not None:
        return resource_contains(b, a)
    if not _wild(b) and pa is not None:
        return resource_contains(a, b)
    return globs_intersect(a, b)


# --------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class _Region:
    """``include`` minus the union of ``exclude`` (a NotResource becomes ``*`` minus it)."""

    include: str
    exclude: tuple[str, ...] = ()

    def display(self) -> str:
        if not self.exclude:
            return self.include
        return f"{self.include} except {', '.join(self.exclude)}"


@dataclass(frozen=True)
class _Statement:
    allow: bool
    action_rx: re.Pattern[str]
    not_action: bool
    services: frozenset[str] | None  # None: can apply to any service
    literals: tuple[str, ...]  # wildcard-free Action entries
    regions: tuple[_Region, ...]  # as written
    grant_regions: tuple[_Region, ...]  # policy variables widened to *
    condition: str | None  # canonical JSON of the Condition block

    def applies(self, action: str) -> bool:
        return (self.action_rx.fullmatch(action) is not None) != self.not_action


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _regions(stmt: Mapping[str, Any], *, widen: bool) -> tuple[_Region, ...]:
    def fix(p: str) -> str:
        return _VAR_RE.sub("*", p) if widen and "${" in p else p

    if "NotResource" in stmt:
        return (_Region("*", tuple(fix(p) for p in _strings(stmt["NotResource"]))),)
    return tuple(_Region(fix(p)) for p in _strings(stmt["Resource"]))


def _statement(raw: Mapping[str, Any]) -> _Statement:
    not_action = "NotAction" in raw
    patterns = _strings(raw["NotAction" if not_action else "Action"])
    services: set[str] | None = set()
    for p in patterns:
        prefix = p.split(":", 1)[0]
        if _wild(prefix):
            services = None
        elif services is not None:
            services.add(prefix.lower())
    rx = compile_alternation(tuple(glob_regex(((p, True),)) for p in patterns) or ("(?!)",), True)
    condition = raw.get("Condition")
    return _Statement(
        allow=raw["Effect"] == "Allow",
        action_rx=rx,
        not_action=not_action,
        services=None if not_action or services is None else frozenset(services),
        literals=tuple(p for p in patterns if not _wild(p) and not not_action),
        regions=_regions(raw, widen=False),
        grant_regions=_regions(raw, widen=True),
        condition=None if condition is None else json.dumps(condition, sort_keys=True),
    )


PolicyLike = Mapping[str, Any] | NamedPolicy | tuple[str, Mapping[str, Any]]


def _statements(docs: Iterable[PolicyLike], side: str) -> list[_Statement]:
    out: list[_Statement] = []
    for i, item in enumerate(docs):
        if isinstance(item, NamedPolicy):
            name, doc = item.name, item.document
        elif isinstance(item, tuple):
            name, doc = item
        else:
            name, doc = f"{side} #{i}", item
        if isinstance(doc, str | bytes):
            try:
                doc = json.loads(doc)
            except ValueError as exc:
                raise UserError(f"not valid JSON: {exc}", where=f"policy {name!r}") from None
        out.extend(_statement(s) for s in _checked_statements(doc, name))
    return out


def _checked_statements(doc: Any, label: str) -> list[Mapping[str, Any]]:
    """The statements of a document, with the grammar the comparison relies on checked.

    The same rules (and messages) as the evaluator's compiler, without compiling regexes:
    a 10 MB policy is checked in well under a second.
    """

    def where(*parts: object) -> str:
        return f"policy {label!r} at {json_pointer(*parts) or '/'}"

    if not isinstance(doc, Mapping):
        raise UserError("a policy document must be a JSON object", where=where())
    if "Version" in doc and not isinstance(doc["Version"], str):
        raise UserError('"Version" must be a string', where=where("Version"))
    if "Statement" not in doc:
        raise UserError('policy has no "Statement"', where=where("Statement"))
    raw = doc["Statement"]
    if isinstance(raw, Mapping):
        items = [(raw, ("Statement",))]
    elif isinstance(raw, list):
        items = [(st, ("Statement", i)) for i, st in enumerate(raw)]
    else:
        raise UserError(
            '"Statement" must be an object or a list of objects', where=where("Statement")
        )
    for st, base in items:
        if not isinstance(st, Mapping):
            raise UserError("a statement must be a JSON object", where=where(*base))
        if st.get("Effect") not in ("Allow", "Deny"):
            if "Effect" not in st:
                raise UserError('statement has no "Effect"', where=where(*base, "Effect"))
            raise UserError(
                f'"Effect" must be "Allow" or "Deny", not {st["Effect"]!r}',
                where=where(*base, "Effect"),
            )
        for a, b in (("Action", "NotAction"), ("Resource", "NotResource")):
            if (a in st) == (b in st):
                what = "both" if a in st else "neither"
                raise UserError(
                    f'statement has {what} "{a}" and "{b}"; it needs exactly one',
                    where=where(*base, a),
                )
            key = a if a in st else b
            value = st[key]
            values = value if isinstance(value, list) else [value]
            for i, v in enumerate(values):
                if not isinstance(v, str):
                    ptr = (*base, key, i) if isinstance(value, list) else (*base, key)
                    raise UserError("expected a string", where=where(*ptr))
        if "Condition" in st and not isinstance(st["Condition"], Mapping):
            raise UserError('"Condition" must be a JSON object', where=where(*base, "Condition"))
    return [st for st, _ in items]


# --------------------------------------------------------------------------- coverage


class _Side:
    """One side's statements, grouped by their Action/NotAction so each pattern set is matched
    once per action however many statements share it."""

    def __init__(self, statements: Sequence[_Statement]) -> None:
        self.statements = tuple(statements)
        groups: dict[tuple[str, bool], list[int]] = {}
        first: dict[tuple[str, bool], _Statement] = {}
        for i, s in enumerate(self.statements):
            key = (s.action_rx.pattern, s.not_action)
            groups.setdefault(key, []).append(i)
            first.setdefault(key, s)
        self._groups = [(first[k], tuple(v)) for k, v in groups.items()]

    def matching(self, action: str) -> tuple[int, ...]:
        service = action.split(":", 1)[0].lower()
        hits: list[int] = []
        for s, members in self._groups:
            if (s.services is None or service in s.services) and s.applies(action):
                hits.extend(members)
        if len(self._groups) > 1:
            hits.sort()
        return tuple(hits)


def _region_within(p: _Region, q: _Region, removed: Sequence[str]) -> bool:
    """``p`` minus ``removed`` patterns lies inside ``q``."""
    if not resource_contains(q.include, p.include):
        return False
    cut = (*p.exclude, *removed)
    return all(
        not resources_intersect(x, p.include) or any(resource_contains(r, x) for r in cut)
        for x in q.exclude
    )


def _meets(p: _Region, deny: _Region, removed: Sequence[str]) -> bool:
    """Whether the deny region may take something from ``p`` minus ``removed``."""
    cut = (*p.exclude, *removed)
    if not deny.exclude:
        return resources_intersect(deny.include, p.include) and not any(
            resource_contains(r, deny.include) for r in cut
        )
    # deny = everything but deny.exclude: harmless only when p lies inside one of them
    return not any(resource_contains(x, p.include) for x in deny.exclude)


def _uncovered(
    grant: Sequence[_Statement], base: Sequence[_Statement]
) -> tuple[tuple[str, bool], ...]:
    """The regions ``grant`` allows that ``base`` may not: (display, conditional) pairs."""
    grant_allow = [s for s in grant if s.allow]
    grant_deny = [s for s in grant if not s.allow and s.condition is None]
    base_allow = [s for s in base if s.allow]
    base_deny = [s for s in base if not s.allow]  # conditional denies count in full here
    # patterns the granting side denies outright (plain Resource denies only)
    removed = [r.include for d in grant_deny for r in d.regions if not r.exclude]
    found: dict[str, bool] = {}
    for s in grant_allow:
        for written, p in zip(s.regions, s.grant_regions, strict=True):
            if any(_region_within(p, r, ()) for d in grant_deny for r in d.regions):
                continue  # denied in full on the granting side
            covered = any(
                (t.condition is None or t.condition == s.condition)
                and any(q == written or _region_within(p, q, removed) for q in t.regions)
                for t in base_allow
            )
            if covered and not any(
                _meets(p, r, removed) for t in base_deny for r in t.grant_regions
            ):
                continue
            key = p.display()
            found[key] = found.get(key, True) and s.condition is not None
    return tuple(sorted(found.items()))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AccessChange:
    """Actions of one service and access level that gain (or lose) the same resources."""

    service: str
    access_level: str
    actions: tuple[str, ...]  # full names, e.g. "s3:GetObject"
    resources: tuple[str, ...]
    conditional: bool = False  # every grant involved has a Condition
    all_of_level: int | None = None  # set when these are all N actions of the level

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "access_level": self.access_level,
            "actions": list(self.actions),
            "resources": list(self.resources),
            "conditional": self.conditional,
        }

    def to_text(self, sign: str, limit: int = 40) -> str:
        names = [a.split(":", 1)[1] for a in self.actions]
        if self.all_of_level and len(names) > 3:
            shown = f"all {len(names)} {self.access_level} actions"
        elif len(names) > limit:
            shown = ", ".join(names[:limit]) + f" … and {len(names) - limit} more"
        else:
            shown = ", ".join(names)
        line = f"{sign} {self.service} {self.access_level}: {shown} on {', '.join(self.resources)}"
        return line + (" (with a condition)" if self.conditional else "")


@dataclass(frozen=True)
class DiffResult:
    added: tuple[AccessChange, ...]
    removed: tuple[AccessChange, ...]

    @property
    def adds_access(self) -> bool:
        return bool(self.added)

    @property
    def removes_access(self) -> bool:
        return bool(self.removed)

    def added_actions(self) -> set[str]:
        return {a for c in self.added for a in c.actions}

    def removed_actions(self) -> set[str]:
        return {a for c in self.removed for a in c.actions}

    def to_dict(self) -> dict[str, Any]:
        return {
            "adds_access": self.adds_access,
            "added": [c.to_dict() for c in self.added],
            "removed": [c.to_dict() for c in self.removed],
        }

    def to_text(self, old: str = "OLD", new: str = "NEW") -> str:
        lines: list[str] = []
        n_add, n_rem = len(self.added_actions()), len(self.removed_actions())
        if self.added:
            lines.append(f"{new} adds access to {n_add} action{'s' * (n_add != 1)}:")
            lines.extend(c.to_text("+") for c in self.added)
        else:
            lines.append(f"{new} grants no access that {old} does not.")
        if self.removed:
            lines.append(f"{new} removes access to {n_rem} action{'s' * (n_rem != 1)}:")
            lines.extend(c.to_text("-") for c in self.removed)
        else:
            lines.append(f"{new} keeps all the access {old} grants.")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Action:
    full: str
    service: str
    level: str


def _universe(statements: Sequence[_Statement]) -> list[_Action]:
    ref = reference()
    allows = [s for s in statements if s.allow]
    every = any(s.services is None for s in allows)
    services = set(ref.service_names) if every else {v for s in allows for v in s.services or ()}
    out: dict[str, _Action] = {}
    for key in sorted(services):
        svc = ref.service(key)
        if svc is None:
            continue
        for a in svc.actions.values():
            out[a.full_name.lower()] = _Action(a.full_name, svc.key, a.access_level)
    for s in allows:
        for lit in s.literals:
            if lit.lower() not in out and ":" in lit:
                service = lit.split(":", 1)[0].lower()
                out[lit.lower()] = _Action(lit, service, UNKNOWN_LEVEL)
    return list(out.values())


def _group(
    hits: dict[_Action, tuple[tuple[str, bool], ...]], level_sizes: dict[tuple[str, str], int]
) -> tuple[AccessChange, ...]:
    groups: dict[tuple[str, str, tuple[str, ...], bool], list[str]] = {}
    for action, regions in hits.items():
        resources = tuple(r for r, _ in regions)
        conditional = all(c for _, c in regions)
        key = (action.service, action.level, resources, conditional)
        groups.setdefault(key, []).append(action.full)
    out = []
    for (service, level, resources, conditional), actions in groups.items():
        actions.sort(key=str.lower)
        size = level_sizes.get((service, level), 0)
        out.append(
            AccessChange(
                service,
                level,
                tuple(actions),
                resources,
                conditional,
                size if size == len(actions) and level != UNKNOWN_LEVEL else None,
            )
        )
    out.sort(key=lambda c: (c.service, _LEVEL_ORDER.get(c.access_level, 99), c.resources))
    return tuple(out)


def diff_policies(old_docs: Iterable[PolicyLike], new_docs: Iterable[PolicyLike]) -> DiffResult:
    """What NEW's identity policies allow that OLD's do not (``added``), and the reverse.

    Items are policy documents, :class:`NamedPolicy` objects or ``(name, document)`` pairs.
    Raises UserError for a document the policy grammar rejects.
    """
    old = _Side(_statements(old_docs, "OLD"))
    new = _Side(_statements(new_docs, "NEW"))
    actions = _universe(old.statements + new.statements)
    level_sizes: dict[tuple[str, str], int] = {}
    for a in actions:
        level_sizes[(a.service, a.level)] = level_sizes.get((a.service, a.level), 0) + 1
    memo: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[Any, Any]] = {}
    added: dict[_Action, tuple[tuple[str, bool], ...]] = {}
    removed: dict[_Action, tuple[tuple[str, bool], ...]] = {}
    for action in actions:
        sig = (old.matching(action.full), new.matching(action.full))
        result = memo.get(sig)
        if result is None:
            o = [old.statements[i] for i in sig[0]]
            n = [new.statements[i] for i in sig[1]]
            result = memo[sig] = (_uncovered(n, o), _uncovered(o, n))
        if result[0]:
            added[action] = result[0]
        if result[1]:
            removed[action] = result[1]
    return DiffResult(_group(added, level_sizes), _group(removed, level_sizes))


def diff_documents(old: PolicyLike, new: PolicyLike) -> DiffResult:
    """:func:`diff_policies` for one document on each side."""
    return diff_policies([old], [new])
