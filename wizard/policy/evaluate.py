"""IAM policy evaluation for identity-based policies and a permissions boundary.

Follows AWS's documented evaluation logic for a single account:

0. ``sts:GetCallerIdentity`` needs no permission and is always Allowed (STS API
   Reference: it succeeds even when a policy explicitly denies it);
1. an explicit ``Deny`` in any identity policy or in the boundary -> ExplicitlyDenied;
2. otherwise Allowed only if some identity policy allows the request and, when a
   permissions boundary is set, the boundary allows it too;
3. otherwise ImplicitlyDenied.

Policies are compiled once (:meth:`CompiledPolicy.from_document`); an
:class:`Evaluator` then answers many requests.  Action and variable-free Resource
matching do not depend on the request context, so the set of statements that can
apply to an (action, resource) pair is cached, and when none of them has a
Condition or a Resource with policy variables the whole answer is cached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from wizard.errors import UserError
from wizard.policy.conditions import (
    Template,
    compile_conditions,
    json_pointer,
    normalise_context,
    parse_template,
    resolve_template,
)
from wizard.policy.patterns import (
    COMPILE_AFTER,
    ActionIndex,
    ActionMatcher,
    Key,
    LeadIndex,
    PieceIndex,
    arn_regex,
    compile_alternation,
    glob_pieces,
    pieces_match,
    rarest_keys,
    resource_keys,
    resource_part,
    service_wildcard,
    star_pieces,
    wild_pieces_match,
)

__all__ = [
    "ALLOWED",
    "IMPLICITLY_DENIED",
    "EXPLICITLY_DENIED",
    "StatementRef",
    "Evaluation",
    "CompiledStatement",
    "CompiledPolicy",
    "Evaluator",
    "evaluate",
]

ALLOWED = "Allowed"
IMPLICITLY_DENIED = "ImplicitlyDenied"
EXPLICITLY_DENIED = "ExplicitlyDenied"

VARIABLES_VERSION = "2012-10-17"

# Actions AWS authorizes without looking at any policy (lower-cased) -> the reason given.
# STS API Reference, GetCallerIdentity: "No permissions are required to perform this
# operation. If an administrator attaches a policy to your identity that explicitly denies
# access to the sts:GetCallerIdentity action, you can still perform this operation."
NO_PERMISSION_NEEDED = {
    "sts:getcalleridentity": (
        "sts:GetCallerIdentity needs no permission: AWS allows it even when a policy denies it"
    ),
}


class StatementRef(NamedTuple):
    """A statement that decided an evaluation."""

    policy: str  # the policy's name, "boundary", or "#<index>" for an unnamed identity policy
    policy_index: int | None  # position among the identity policies; None for the boundary
    statement: int  # index in the policy's Statement list
    sid: str | None
    effect: str  # "Allow" or "Deny"

    @property
    def is_boundary(self) -> bool:
        return self.policy_index is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "policy_index": self.policy_index,
            "statement": self.statement,
            "sid": self.sid,
            "effect": self.effect,
        }


class Evaluation(NamedTuple):
    """The answer for one request."""

    decision: str  # ALLOWED, IMPLICITLY_DENIED or EXPLICITLY_DENIED
    statements: tuple[StatementRef, ...] = ()
    reason: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOWED

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "reason": self.reason,
            "statements": [s.to_dict() for s in self.statements],
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- compiling


def _where(label: str, *parts: object) -> str:
    return f"policy {label!r} at {json_pointer(*parts) or '/'}"


def _string_list(value: Any, label: str, *parts: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    for i, item in enumerate(items):
        if not isinstance(item, str):
            ptr = (*parts, i) if isinstance(value, list) else parts
            raise UserError("expected a string", where=_where(label, *ptr))
    return items


class CompiledStatement:
    """One statement with its Action/Resource patterns compiled to regexes."""

    __slots__ = (
        "index",
        "sid",
        "effect",
        "allow",
        "actions",
        "action_key",
        "not_action",
        "resource_names",
        "resource_prefixes",
        "resource_sources",
        "resource_pieces",
        "resource_globs",
        "_resource_rx",
        "_resource_uses",
        "resource_wild",
        "resource_any",
        "resource_templates",
        "template_leads",
        "not_resource",
        "conditions",
        "warnings",
    )

    def __init__(
        self, raw: Any, index: int, *, variables: bool, label: str, base: tuple[object, ...]
    ) -> None:
        if not isinstance(raw, Mapping):
            raise UserError("a statement must be a JSON object", where=_where(label, *base))
        self.index = index
        sid = raw.get("Sid")
        self.sid = None if sid is None else str(sid)

        effect = raw.get("Effect")
        if effect is None:
            raise UserError('statement has no "Effect"', where=_where(label, *base, "Effect"))
        if effect not in ("Allow", "Deny"):
            raise UserError(
                f'"Effect" must be "Allow" or "Deny", not {effect!r}',
                where=_where(label, *base, "Effect"),
            )
        self.effect: str = effect
        self.allow = effect == "Allow"

        # Action / NotAction: case-insensitive wildcards (the Evaluator indexes them).
        key = self._exactly_one(raw, "Action", "NotAction", label, base)
        self.not_action = key == "NotAction"
        patterns = _string_list(raw[key], label, *base, key)
        # Plain names by set membership, wildcards by one regex: a huge policy of named
        # actions and ARNs then compiles next to nothing.
        self.actions = ActionMatcher(patterns)
        # statements with equal Action lists (case aside) apply to the same actions
        self.action_key = (self.not_action, frozenset(p.lower() for p in patterns))

        # Resource / NotResource: case-sensitive, ARN segment-aware wildcards.
        key = self._exactly_one(raw, "Resource", "NotResource", label, base)
        self.not_resource = key == "NotResource"
        static: list[str] = []
        wild: list[str] = []
        self.resource_any = False  # a pattern of stars alone: it matches every ARN
        names: set[str] = set()
        prefixes: list[str] = []
        pieces: list[tuple[str, ...]] = []
        globs: list[tuple[str, ...]] | None = []  # the regex ones as pieces, if all can be
        templates: list[Template] = []
        template_leads: set[str] = set()
        for p in _string_list(raw[key], label, *base, key):
            template = parse_template(p) if variables else None
            if template is not None:
                templates.append(template)
                # every ARN it may match starts with its text before a variable or wildcard
                cuts = [i for i in (p.find("${"), p.find("*"), p.find("?")) if i >= 0]
                template_leads.add(p[: min(cuts)] if cuts else p)
            elif service_wildcard(p):
                continue  # IAM matches no ARN by it (patterns.service_wildcard)
            elif "*" not in p and "?" not in p:
                names.add(p)  # matches itself only (resource ids are case-sensitive)
            elif not p.strip("*"):
                self.resource_any = True
            elif p.find("*") == len(p) - 1 and "?" not in p and p.count(":", 0, -1) >= 5:
                prefixes.append(p[:-1])  # one final star in the resource part: any rest
            else:
                cut = star_pieces(p)
                if cut is not None:
                    pieces.append(cut)  # stars only, taking any text: no regex to compile
                else:
                    static.append(arn_regex(((p, True),)))
                    glob = glob_pieces(p)
                    globs = None if glob is None or globs is None else [*globs, glob]
                wild.append(p)
        self.resource_names = frozenset(names)
        self.resource_prefixes = tuple(prefixes)
        # compiled on first use: the index by lead confirms few of a large policy's patterns
        self.resource_sources = tuple(static)
        self.resource_pieces = tuple(pieces)
        self.resource_globs = None if globs is None else tuple(globs)
        self._resource_rx: re.Pattern[str] | None = None
        self._resource_uses = 0
        self.resource_wild = tuple(dict.fromkeys(wild))  # indexed by what they require
        self.resource_templates = tuple(templates)
        self.template_leads = tuple(sorted(template_leads))

        if "Condition" in raw:
            self.conditions, self.warnings = compile_conditions(
                raw["Condition"],
                variables=variables,
                label=label,
                pointer=json_pointer(*base, "Condition"),
            )
        else:
            self.conditions, self.warnings = (), ()

    @staticmethod
    def _exactly_one(raw: Mapping[str, Any], a: str, b: str, label: str, base: tuple) -> str:
        has_a, has_b = a in raw, b in raw
        if has_a == has_b:
            what = "both" if has_a else "neither"
            raise UserError(
                f'statement has {what} "{a}" and "{b}"; it needs exactly one',
                where=_where(label, *base, a),
            )
        return a if has_a else b

    @property
    def context_free(self) -> bool:
        """True when whether it applies depends on action and resource alone."""
        return not self.conditions and not self.resource_templates

    def action_applies(self, action: str) -> bool:
        return self.actions(action) != self.not_action

    def wildcard_hit(self, resource: str) -> bool:
        """Whether a pattern with wildcards (other than one final star) matches ``resource``."""
        if self.resource_any:
            return True
        if any(pieces_match(cut, resource) for cut in self.resource_pieces):
            return True
        if not self.resource_sources:
            return False
        rx = self._resource_rx
        if rx is None:  # racing threads store equal regexes
            globs = self.resource_globs
            if globs is not None and self._resource_uses < COMPILE_AFTER:
                # (``?`` patterns wild in the resource part only: matched by pieces for their
                # first uses, as a name's ``?`` pattern is (patterns.COMPILE_AFTER))
                self._resource_uses += 1
                return any(wild_pieces_match(cut, resource) for cut in globs)
            rx = self._resource_rx = compile_alternation(self.resource_sources)
        return rx.fullmatch(resource) is not None

    def _static_resource_hit(self, resource: str) -> bool:
        return (
            resource in self.resource_names
            or resource.startswith(self.resource_prefixes)
            or self.wildcard_hit(resource)
        )

    def resource_applies(self, resource: str, ctx: Mapping[str, tuple[str, ...]]) -> bool:
        hit = self._static_resource_hit(resource)
        if not hit:
            for template in self.resource_templates:
                chunks = resolve_template(template, ctx)
                if chunks is None:
                    if self.not_resource:
                        # A variable that cannot be resolved invalidates the statement
                        # ("Policy variables"): it must not apply to every other resource.
                        return False
                elif compile_alternation((arn_regex(chunks),)).fullmatch(resource) is not None:
                    hit = True
                    break
        return hit != self.not_resource

    def conditions_hold(self, ctx: Mapping[str, tuple[str, ...]]) -> bool:
        return all(test(ctx) for test in self.conditions)


class CompiledPolicy:
    """A policy document compiled once for repeated evaluation."""

    __slots__ = ("name", "version", "variables", "statements", "warnings")

    def __init__(
        self,
        name: str | None,
        version: str | None,
        statements: tuple[CompiledStatement, ...],
    ) -> None:
        self.name = name
        self.version = version
        self.variables = version == VARIABLES_VERSION
        self.statements = statements
        self.warnings = tuple(w for s in statements for w in s.warnings)

    @classmethod
    def from_document(
        cls, document: Mapping[str, Any] | str, name: str | None = None, *, label: str | None = None
    ) -> CompiledPolicy:
        """Compile a parsed policy document (a JSON string is parsed first).

        ``label`` names the policy in error messages (default: ``name`` or "policy").
        Raises UserError for a document the evaluator cannot make sense of.
        """
        label = label or name or "policy"
        if isinstance(document, str | bytes):
            try:
                document = json.loads(document)
            except ValueError as err:
                raise UserError(f"not valid JSON: {err}", where=f"policy {label!r}") from None
        if not isinstance(document, Mapping):
            raise UserError("a policy document must be a JSON object", where=_where(label))
        version = document.get("Version")
        if version is not None and not isinstance(version, str):
            raise UserError('"Version" must be a string', where=_where(label, "Version"))
        variables = version == VARIABLES_VERSION
        if "Statement" not in document:
            raise UserError('policy has no "Statement"', where=_where(label, "Statement"))
        raw = document["Statement"]
        if isinstance(raw, Mapping):
            items = [(raw, ("Statement",))]
        elif isinstance(raw, list):
            items = [(s, ("Statement", i)) for i, s in enumerate(raw)]
        else:
            raise UserError(
                '"Statement" must be an object or a list of objects',
                where=_where(label, "Statement"),
            )
        statements = tuple(
            CompiledStatement(s, i, variables=variables, label=label, base=base)
            for i, (s, base) in enumerate(items)
        )
        return cls(name, version, statements)


# --------------------------------------------------------------------------- evaluating


class _Entry:
    __slots__ = ("order", "stmt", "ref", "boundary", "keys")

    def __init__(self, order: int, stmt: CompiledStatement, ref: StatementRef, boundary: bool):
        self.order = order
        self.stmt = stmt
        self.ref = ref
        self.boundary = boundary
        # what its wildcard Resource patterns require of an ARN (Evaluator: the rarest keys)
        self.keys: tuple[Key | None, ...] = ()


class _StaticIndex:
    """Statements found by the wildcard-free part of their Resource (or NotResource) list: by
    plain name, by the text before one final star, and patterns with other wildcards by the
    literal text they require of an ARN (:class:`PieceIndex`: the rarest of their lead, their
    resource part's lead and their pieces), each candidate then confirmed by its regex -- a
    policy of thousands of patterns costs a few lookups per ARN, not a scan. A statement with
    a Resource of stars alone (``*``) applies to every ARN, with no regex."""

    def __init__(self, entries: Iterable[_Entry]) -> None:
        self.by_name: dict[str, list[_Entry]] = {}
        self.every: list[_Entry] = []
        prefixes: list[tuple[str, _Entry]] = []
        wild: list[tuple[Key | None, _Entry]] = []
        for e in entries:
            s = e.stmt
            if s.resource_any:
                self.every.append(e)
                continue
            for name in s.resource_names:
                self.by_name.setdefault(name, []).append(e)
            prefixes.extend((prefix, e) for prefix in set(s.resource_prefixes))
            wild.extend((key, e) for key in e.keys)
        self.prefixes = LeadIndex(prefixes)
        self.wild = PieceIndex(wild)

    def hits(self, resource: str) -> dict[int, _Entry]:
        """The entries one of whose static patterns matches ``resource``, by order."""
        hits = {e.order: e for e in self.every}
        for e in self.by_name.get(resource, ()):
            hits[e.order] = e
        for e in self.prefixes.starting(resource):
            hits[e.order] = e
        tried: set[int] = set()
        for e in self.wild.candidates(resource, resource_part(resource)) if self.wild else ():
            if e.order in hits or e.order in tried:
                continue
            tried.add(e.order)
            if e.stmt.wildcard_hit(resource):
                hits[e.order] = e
        return hits

    def hit(self, resource: str) -> bool:
        """Whether one of the entries' static patterns matches ``resource`` (:meth:`hits`
        without listing them: a statement of ``*`` decides at once)."""
        if self.every or resource in self.by_name or self.prefixes.starting(resource):
            return True
        if not self.wild:
            return False
        found = self.wild.candidates(resource, resource_part(resource))
        return any(e.stmt.wildcard_hit(resource) for e in found)


class _ActionIndex:
    """The entries that apply to one action, found by resource through a :class:`_StaticIndex`:
    a Resource statement applies when one of its patterns matches, a NotResource statement
    unless one does. A Resource with policy variables is kept for the context to decide when
    one of its patterns could match (a static one does, or a variable one's text before its
    first variable starts the ARN); a NotResource with them always."""

    def __init__(self, entries: Iterable[_Entry]) -> None:
        positive: list[_Entry] = []
        templated: list[tuple[str, _Entry]] = []
        self.negated: list[_Entry] = []
        self.rest: list[_Entry] = []
        # for static_decision: whether no entry depends on the context, the NotResource Denies,
        # and how many NotResource Allows there are of the identity policies and the boundary
        self.static = True
        self.negated_deny: list[_Entry] = []
        self.negated_allow = [0, 0]
        # for allows_everything: whether a Deny may apply; whether each side has an Allow of *
        self.denying = False
        self.every_allow = [False, False]
        for e in entries:
            s = e.stmt
            self.static = self.static and s.context_free
            self.denying = self.denying or not s.allow
            if s.allow and s.resource_any and not s.not_resource:
                self.every_allow[e.boundary] = True
            if s.not_resource and not s.resource_templates:
                if s.allow:
                    self.negated_allow[e.boundary] += 1
                else:
                    self.negated_deny.append(e)
            if s.not_resource:
                (self.rest if s.resource_templates else self.negated).append(e)
            else:
                positive.append(e)
                templated.extend((lead, e) for lead in s.template_leads)
        # built on first use: all (for matching), or the Denies and each side's Allows (for
        # static_decision, which needs every Deny but only whether an Allow applies)
        self._positive = positive
        self._all: _StaticIndex | None = None
        self._split: tuple[_StaticIndex, _StaticIndex, _StaticIndex] | None = None
        self.templated = LeadIndex(templated)
        self.excluded = _StaticIndex(self.negated)

    def matching(self, resource: str) -> list[_Entry]:
        index = self._all
        if index is None:  # racing threads store equal indexes
            index = self._all = _StaticIndex(self._positive)
        hits = index.hits(resource)
        for e in self.templated.starting(resource):
            hits[e.order] = e
        if self.negated:
            excluded = self.excluded.hits(resource)
            for e in self.negated:
                if e.order not in excluded:
                    hits[e.order] = e
        for e in self.rest:
            hits[e.order] = e
        return [hits[k] for k in sorted(hits)]

    def static_decision(
        self, resource: str, bounded: bool, limit: int
    ) -> tuple[str, tuple[StatementRef, ...], int] | None:
        """See :meth:`Evaluator.static_decision`."""
        if not self.static:
            return None
        split = self._split
        if split is None:  # racing threads store equal indexes
            positive = self._positive
            split = self._split = (
                _StaticIndex(e for e in positive if not e.stmt.allow),
                _StaticIndex(e for e in positive if e.stmt.allow and not e.boundary),
                _StaticIndex(e for e in positive if e.stmt.allow and e.boundary),
            )
        deny, *allow = split
        excluded = self.excluded.hits(resource) if self.negated else {}
        denies = sorted(deny.hits(resource).values(), key=_order)
        count = len(denies)
        if self.negated_deny:
            skipped = sum(1 for e in excluded.values() if not e.stmt.allow)
            count += len(self.negated_deny) - skipped
            if count > len(denies):  # the first few NotResource Denies that apply
                first = []
                for e in self.negated_deny:
                    if e.order not in excluded:
                        first.append(e)
                        if len(first) == limit:
                            break
                denies = sorted((*denies, *first), key=_order)
        if count:
            return EXPLICITLY_DENIED, tuple(e.ref for e in denies[:limit]), count
        allows = [allow[0].hit(resource), allow[1].hit(resource)]  # identity's, boundary's
        for side in (0, 1):
            if not allows[side] and self.negated_allow[side]:
                cut = sum(1 for e in excluded.values() if e.stmt.allow and e.boundary == side)
                allows[side] = self.negated_allow[side] > cut
        allowed = allows[0] and (allows[1] or not bounded)
        return (ALLOWED if allowed else IMPLICITLY_DENIED), (), 0


class _Group:
    """The entries of statements with one Action list (its first statement stands for it)."""

    __slots__ = ("stmt", "entries")

    def __init__(self, stmt: CompiledStatement) -> None:
        self.stmt = stmt
        self.entries: list[_Entry] = []


class _Candidates:
    """What is known about an (action, resource) pair before looking at the context."""

    __slots__ = ("fixed", "deny", "allow", "boundary_allow", "pending", "warnings")

    def __init__(self) -> None:
        self.fixed: Evaluation | None = None
        self.deny: list[_Entry] = []
        self.allow: list[_Entry] = []
        self.boundary_allow: list[_Entry] = []
        self.pending: list[_Entry] = []
        self.warnings: tuple[str, ...] = ()


PolicyInput = CompiledPolicy | Mapping[str, Any] | tuple[str, Mapping[str, Any]]


def _compile(item: PolicyInput, label: str) -> CompiledPolicy:
    if isinstance(item, CompiledPolicy):
        return item
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        return CompiledPolicy.from_document(item[1], item[0])
    return CompiledPolicy.from_document(item, None, label=label)  # type: ignore[arg-type]


class Evaluator:
    """Evaluate requests against fixed identity policies and an optional boundary.

    ``identity_policies`` items may be CompiledPolicy objects, parsed documents, or
    ``(name, document)`` pairs. One evaluator may serve several threads: its caches are
    memos whose racing writers store equal values, and results are immutable.
    """

    def __init__(
        self,
        identity_policies: Iterable[PolicyInput] = (),
        boundary: CompiledPolicy | Mapping[str, Any] | None = None,
        *,
        cache_size: int = 65536,
    ) -> None:
        self.identity: tuple[CompiledPolicy, ...] = tuple(
            _compile(p, f"#{i}") for i, p in enumerate(identity_policies)
        )
        self.boundary: CompiledPolicy | None = (
            None if boundary is None else _compile(boundary, "boundary")
        )
        entries: list[_Entry] = []
        for i, policy in enumerate(self.identity):
            label = policy.name or f"#{i}"
            for s in policy.statements:
                ref = StatementRef(label, i, s.index, s.sid, s.effect)
                entries.append(_Entry(len(entries), s, ref, False))
        if self.boundary is not None:
            for s in self.boundary.statements:
                ref = StatementRef("boundary", None, s.index, s.sid, s.effect)
                entries.append(_Entry(len(entries), s, ref, True))
        self._entries = tuple(entries)
        # each wildcard Resource pattern keyed by the literal text it requires that the fewest
        # patterns share (so an ARN is confirmed against few of thousands sharing one lead)
        wild = [(e, p) for e in entries for p in e.stmt.resource_wild]
        chosen = rarest_keys([resource_keys(p) for _, p in wild])
        keys: dict[int, dict[Key | None, None]] = {}
        for (e, _), key in zip(wild, chosen, strict=True):
            keys.setdefault(e.order, {})[key] = None
        for order, found in keys.items():
            entries[order].keys = tuple(found)
        # Statements grouped by their Action list, the lists' patterns indexed: an action is
        # tried against the few patterns that can match it, and actions that match the same
        # lists share one index (every action a ``s3:Get*`` grant covers gets the same answers).
        groups: dict[tuple[bool, frozenset[str]], _Group] = {}
        for e in entries:
            group = groups.get(e.stmt.action_key)
            if group is None:
                group = groups[e.stmt.action_key] = _Group(e.stmt)
            group.entries.append(e)
        self._groups = tuple(groups.values())
        self._negated_groups = tuple(
            (i, g) for i, g in enumerate(self._groups) if g.stmt.not_action
        )
        self._group_index = ActionIndex(
            (p, i) for i, g in enumerate(self._groups) for p in g.stmt.action_key[1]
        )
        # Memos of pure functions of their keys. Safe to share between threads: a dict's get,
        # set and clear are each atomic, so a race at worst computes an entry twice.
        self._action_cache: dict[str, _ActionIndex] = {}
        self._class_cache: dict[frozenset[int], _ActionIndex] = {}
        self._cache: dict[tuple[str, str], _Candidates] = {}
        self._cache_size = cache_size

    @property
    def warnings(self) -> tuple[str, ...]:
        """Compile-time warnings (unknown operators, unusable condition values)."""
        out = [w for p in self.identity for w in p.warnings]
        if self.boundary is not None:
            out.extend(self.boundary.warnings)
        return tuple(out)

    @property
    def action_index(self) -> ActionIndex:
        """The index of every statement's Action patterns (for :meth:`ActionIndex.matching`'s
        ``known``: it has matched the last action :meth:`action_class` looked up)."""
        return self._group_index

    def _for_action(self, action: str) -> _ActionIndex:
        """The index of the entries whose Action applies to ``action``; one object for every
        action the same Action lists match (its class)."""
        key = action.lower()
        found = self._action_cache.get(key)
        if found is None:
            matched = frozenset(self._group_index.matching(action))
            found = self._class_cache.get(matched)
            if found is None:
                groups = [self._groups[i] for i in matched if not self._groups[i].stmt.not_action]
                groups.extend(g for i, g in self._negated_groups if i not in matched)
                found = _ActionIndex(sorted((e for g in groups for e in g.entries), key=_order))
                self._class_cache[matched] = found
            self._action_cache[key] = found
        return found

    def action_class(self, action: str) -> object:
        """A key equal for two actions exactly when the same statements apply to both (so
        every request answers alike for them, :data:`NO_PERMISSION_NEEDED` aside)."""
        if action.lower() in NO_PERMISSION_NEEDED:
            return action.lower()
        return id(self._for_action(action))

    def static_decision(
        self, action: str, resource: str, limit: int = 3
    ) -> tuple[str, tuple[StatementRef, ...], int] | None:
        """The decision for a request, the first ``limit`` Deny statements that decide it and
        how many there are -- without listing every statement that applies, so a policy of
        thousands of NotResource statements costs a few lookups per request. None when a
        statement that may apply has a Condition or policy variables (ask :meth:`evaluate`)."""
        if action.lower() in NO_PERMISSION_NEEDED:
            return ALLOWED, (), 0
        return self._for_action(action).static_decision(resource, self.boundary is not None, limit)

    def allows_everything(self, action: str) -> bool:
        """Whether :meth:`static_decision` is Allowed for ``action`` on every resource: no Deny
        statement applies to it, and an Allow of ``Resource: "*"`` (in an identity policy, and
        in the boundary when there is one) does."""
        if action.lower() in NO_PERMISSION_NEEDED:
            return True
        index = self._for_action(action)
        allow = index.every_allow
        return (
            index.static and not index.denying and allow[0] and (allow[1] or self.boundary is None)
        )

    def _for_request(self, action: str, resource: str) -> list[_Entry]:
        """The entries whose action and resource apply (a Resource with variables: kept for
        the context to decide), in order."""
        return self._for_action(action).matching(resource)

    def _candidates(self, action: str, resource: str) -> _Candidates:
        c = _Candidates()
        if action.lower() in NO_PERMISSION_NEEDED:
            c.fixed = Evaluation(ALLOWED, (), NO_PERMISSION_NEEDED[action.lower()])
            return c
        warnings: list[str] = []
        for e in self._for_request(action, resource):
            s = e.stmt
            warnings.extend(s.warnings)
            if not s.context_free:
                c.pending.append(e)
            elif not s.allow:
                c.deny.append(e)
            elif e.boundary:
                c.boundary_allow.append(e)
            else:
                c.allow.append(e)
        c.warnings = tuple(dict.fromkeys(warnings))
        if not c.pending:
            c.fixed = self._decide(c.deny, c.allow, c.boundary_allow, c.warnings)
        return c

    def _decide(
        self,
        deny: Sequence[_Entry],
        allow: Sequence[_Entry],
        boundary_allow: Sequence[_Entry],
        warnings: tuple[str, ...],
    ) -> Evaluation:
        if deny:
            where = {
                "the permissions boundary" if e.boundary else "an identity policy" for e in deny
            }
            return Evaluation(
                EXPLICITLY_DENIED,
                tuple(e.ref for e in deny),
                f"explicitly denied by {' and '.join(sorted(where))}",
                warnings,
            )
        if not allow:
            return Evaluation(IMPLICITLY_DENIED, (), "no identity policy allows it", warnings)
        if self.boundary is not None and not boundary_allow:
            return Evaluation(
                IMPLICITLY_DENIED, (), "the permissions boundary does not allow it", warnings
            )
        reason = "allowed by an identity policy"
        if self.boundary is not None:
            reason += " and the permissions boundary"
        refs = tuple(e.ref for e in allow) + tuple(e.ref for e in boundary_allow)
        return Evaluation(ALLOWED, refs, reason, warnings)

    def evaluate(
        self, action: str, resource: str, context: Mapping[str, Any] | None = None
    ) -> Evaluation:
        """Decide one request: ``action`` like ``s3:GetObject``, ``resource`` an ARN or ``*``.

        ``context`` maps condition keys (case-insensitive) to a string or a list of strings.
        """
        key = (action, resource)
        c = self._cache.get(key)
        if c is None:
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            c = self._cache[key] = self._candidates(action, resource)
        if c.fixed is not None:
            return c.fixed
        ctx = normalise_context(context)
        deny, allow, boundary_allow = list(c.deny), list(c.allow), list(c.boundary_allow)
        for e in c.pending:
            s = e.stmt
            if s.resource_templates and not s.resource_applies(resource, ctx):
                continue
            if not s.conditions_hold(ctx):
                continue
            target = deny if not s.allow else boundary_allow if e.boundary else allow
            target.append(e)
        # keep document order (identity policies first, then the boundary)
        for entries in (deny, allow, boundary_allow):
            if len(entries) > 1:
                entries.sort(key=_order)
        return self._decide(deny, allow, boundary_allow, c.warnings)


def _order(entry: _Entry) -> int:
    return entry.order


def evaluate(
    action: str,
    resource: str,
    identity_policies: Iterable[PolicyInput],
    boundary: CompiledPolicy | Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> Evaluation:
    """One-off evaluation; for many requests build an :class:`Evaluator` once."""
    return Evaluator(identity_policies, boundary).evaluate(action, resource, context)
