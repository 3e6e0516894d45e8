"""The one IAM wildcard engine: every ``*``/``?`` pattern of a policy is matched here.

Three views of the same patterns, used by the linter, the evaluator, the diff, the condition
operators and the IAM reference:

* **matching concrete text** -- a pattern as a regex (:func:`wildcard_regex` for action names
  and plain globs, :func:`arn_regex` for Resource ARNs matched segment by segment,
  :class:`ActionMatcher` for an Action list);
* **intersection** -- whether two patterns (:func:`patterns_intersect`), or a pattern and a
  reference ARN format (:func:`pattern_fits_format`), share a concrete ARN: both become token
  sequences and one drives a subset simulation of the other (:func:`tokens_intersect`);
* **containment** -- whether one pattern matches everything another does
  (:func:`resource_contains`, :func:`glob_contains`): a product of the two token automata.

IAM's matching (IAM User Guide, "IAM JSON policy elements: Resource", "Using wildcards in
resource ARNs"): ``*`` matches any run of characters, ``?`` one character; in an ARN (a pattern
with at least five colons) a wildcard in the partition, service, region or account segment stays
inside that segment, and in the resource part matches anything. "You can't use a wildcard in
the service segment that identifies the AWS product": a pattern with one there matches no ARN
(:func:`service_wildcard`). Action names match case-insensitively, ARNs case-sensitively.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from wizard.lazyre import lazy

__all__ = [
    "ActionIndex",
    "ActionMatcher",
    "LeadIndex",
    "PatternIndex",
    "PieceIndex",
    "COMPILE_AFTER",
    "glob_pieces",
    "pattern_lead",
    "action_matcher",
    "arn_regex",
    "compile_alternation",
    "format_regex",
    "format_source",
    "glob_contains",
    "glob_keys",
    "glob_regex",
    "literal_lead",
    "name_matcher",
    "globs_intersect",
    "pattern_fits_format",
    "patterns_intersect",
    "rarest_keys",
    "resource_contains",
    "resource_keys",
    "resource_part",
    "resources_intersect",
    "service_wildcard",
    "tokens_intersect",
    "wildcard_regex",
]

# Longer patterns are not matched geometrically (a policy is at most 10,240 characters, so
# such a pattern is already a size-exceeded finding): wildcard matching is quadratic.
MAX_PATTERN = 2048
NOTHING = "(?!)"

# A resolved pattern: pieces of text, each flagged whether * and ? in it are wildcards.
Chunks = tuple[tuple[str, bool], ...]


def is_wild(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


# --------------------------------------------------------------------------- as regexes


@functools.lru_cache(maxsize=4096)
def wildcard_regex(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """An anchored regex for an IAM wildcard pattern (``*`` any run, ``?`` one character)."""
    return re.compile(
        "^" + glob_regex(((pattern, True),)) + "$",
        (re.IGNORECASE if ignore_case else 0) | re.DOTALL,
    )


def glob_regex(chunks: Chunks) -> str:
    """Regex source for a wildcard pattern: ``*`` any run, ``?`` one character."""
    out = []
    for text, wild in chunks:
        esc = re.escape(text)
        if wild:
            esc = esc.replace(r"\*", ".*").replace(r"\?", ".")
        out.append(esc)
    return "".join(out)


def _service_segment_wild(chunks: Chunks) -> bool:
    colons = 0
    for text, wild in chunks:
        for c in text:
            if c == ":":
                colons += 1
                if colons >= 3:
                    return False
            elif wild and colons == 2 and c in "*?":
                return True
    return False


@functools.lru_cache(maxsize=65536)
def service_wildcard(pattern: str) -> bool:
    """Whether an ARN pattern holds a wildcard in its service segment (``arn:aws:*:...``,
    ``arn:aws:s3*:...``), which IAM does not allow: such a pattern matches no ARN."""
    return pattern.count(":") >= 5 and _service_segment_wild(((pattern, True),))


def arn_regex(chunks: Chunks, *, condition: bool = False) -> str:
    """Regex source for an ARN pattern, matched segment by segment.

    The first five colons split the ARN into partition/service/region/account parts
    and the resource part.  Wildcards in the first five parts stay inside their part;
    in the resource part they match anything (``:`` and ``/`` included). In a Resource
    element a wildcard in the service part matches nothing; ``condition``: the pattern is an
    ArnLike value, whose six parts may each hold wildcards (IAM User Guide, "Condition
    operators", ARN condition operators).  A pattern with fewer than five colons (``*`` itself, for one)
    is a plain wildcard pattern.
    """
    if sum(text.count(":") for text, _ in chunks) < 5:
        return glob_regex(chunks)
    if not condition and _service_segment_wild(chunks):
        return NOTHING
    colons = 0
    out = []
    for text, wild in chunks:
        for c in text:
            if c == ":":
                colons += 1
                out.append(":")
            elif wild and c == "*":
                out.append("[^:]*" if colons < 5 else ".*")
            elif wild and c == "?":
                out.append("[^:]" if colons < 5 else ".")
            else:
                out.append(re.escape(c))
    return "".join(out)


@functools.lru_cache(maxsize=8192)
def compile_alternation(sources: tuple[str, ...], ignore_case: bool = False) -> re.Pattern[str]:
    """One regex for several regex sources (use ``fullmatch``)."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    if not sources:
        return re.compile(NOTHING)
    if len(sources) == 1:
        return re.compile(sources[0], flags)
    return re.compile("(?:" + "|".join(sources) + ")", flags)


def star_pieces(pattern: str) -> tuple[str, ...] | None:
    """A Resource pattern whose only wildcards are stars that take any text, cut at them (for
    :func:`pieces_match`); None for any other (a ``?``, or a star in the first five segments
    of an ARN, which stays inside its segment: those are matched by :func:`arn_regex`)."""
    if "?" in pattern:
        return None
    head = pattern.split(":", 5)
    if len(head) == 6 and any("*" in part for part in head[:5]):
        return None
    return tuple(pattern.split("*"))


def glob_pieces(pattern: str) -> tuple[str, ...] | None:
    """:func:`star_pieces` for a Resource pattern that may hold ``?`` too (for
    :func:`wild_pieces_match`): cut at its stars when none of its wildcards is in the first
    five segments of an ARN (each of those stays inside its segment); None otherwise."""
    head = pattern.split(":", 5)
    if len(head) == 6 and any("*" in part or "?" in part for part in head[:5]):
        return None
    return tuple(pattern.split("*"))


def pieces_match(pieces: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` matches the star pattern cut into ``pieces``: it starts with the first,
    ends with the last and holds the others in order between (leftmost finds suffice)."""
    first, last = pieces[0], pieces[-1]
    if len(pieces) == 1:
        return text == first
    if len(text) < len(first) + len(last) or not text.startswith(first):
        return False
    if not text.endswith(last):
        return False
    pos, end = len(first), len(text) - len(last)
    for piece in pieces[1:-1]:
        pos = text.find(piece, pos, end)
        if pos < 0:
            return False
        pos += len(piece)
    return True


class ActionMatcher:
    """Whether an Action list names an action: plain names by set membership (most lists
    have no wildcard, and need no regex), wildcards by one case-insensitive regex, compiled
    on first use (an evaluator finds statements by :class:`ActionIndex`, and seldom asks)."""

    __slots__ = ("names", "_wild", "_rx")

    def __init__(self, patterns: Sequence[str]) -> None:
        self._wild = tuple(p for p in patterns if is_wild(p))
        self.names = frozenset(p.lower() for p in patterns if not is_wild(p))
        self._rx: re.Pattern[str] | None = None

    def __call__(self, action: str) -> bool:
        if action.lower() in self.names:
            return True
        if not self._wild:
            return False
        rx = self._rx
        if rx is None:  # racing threads store equal regexes
            rx = self._rx = compile_alternation(
                tuple(glob_regex(((p, True),)) for p in self._wild), True
            )
        return rx.fullmatch(action) is not None


def _piece_at(piece: str, text: str, i: int) -> bool:
    """Whether ``piece`` (literal text and ``?``, each one character) matches ``text`` at
    ``i`` (the caller has checked that it fits)."""
    return all(c == "?" or c == text[i + k] for k, c in enumerate(piece))


def _find_piece(piece: str, text: str, start: int, end: int) -> int:
    """The first place at or after ``start`` where ``piece`` (with ``?``) matches and ends by
    ``end``; -1 if none. Its longest literal run is found by ``str.find``, the rest tried."""
    run = max(piece.split("?"), key=len)
    if not run:  # ``?`` alone: any place it fits
        return start if end - start >= len(piece) else -1
    offset = piece.index(run)  # a match at i holds the run at i + offset
    stop = end - (len(piece) - offset - len(run))  # so that the piece ends by ``end``
    pos = text.find(run, start + offset, stop)
    while pos >= 0:
        if _piece_at(piece, text, pos - offset):
            return pos - offset
        pos = text.find(run, pos + 1, stop)
    return -1


def wild_pieces_match(pieces: tuple[str, ...], text: str) -> bool:
    """:func:`pieces_match` for pieces that may hold ``?`` (one character each): a piece is
    of fixed length, so placing each as early as it goes is still right."""
    first, last = pieces[0], pieces[-1]
    n = len(text)
    if len(pieces) == 1:
        return n == len(first) and _piece_at(first, text, 0)
    if n < len(first) + len(last) or not _piece_at(first, text, 0):
        return False
    end = n - len(last)
    if not _piece_at(last, text, end):
        return False
    pos = len(first)
    for piece in pieces[1:-1]:
        pos = _find_piece(piece, text, pos, end)
        if pos < 0:
            return False
        pos += len(piece)
    return True


# Uses of a ``?`` pattern matched by pieces (:func:`wild_pieces_match`) before its regex is
# compiled: compiling costs about as much as a dozen matches by pieces.
COMPILE_AFTER = 12


class _QuestionMatcher:
    """:func:`wild_pieces_match` for a pattern's first uses, its regex after: compiling costs
    about as much as a dozen matches by pieces (40 us and 3 us on an AMD EPYC; a match by the
    regex, a fraction of one), and most of thousands of distinct patterns are tried a few
    times only. The regex is case-sensitive: the pattern and the names are lower-cased ASCII."""

    __slots__ = ("_pattern", "_pieces", "_uses", "compiled")
    COMPILE_AFTER = COMPILE_AFTER

    def __init__(self, pattern: str) -> None:
        self._pattern = pattern
        self._pieces = tuple(pattern.split("*"))
        self._uses = 0
        # the regex's fullmatch once compiled (a match or None: a caller may use it instead)
        self.compiled: Callable[[str], Any] | None = None

    def __call__(self, name: str) -> bool:
        if self.compiled is not None:
            return self.compiled(name) is not None
        self._uses += 1
        if self._uses > self.COMPILE_AFTER:  # (racing threads compile equal regexes)
            self.compiled = wildcard_regex(self._pattern).fullmatch
        return wild_pieces_match(self._pieces, name)


@functools.lru_cache(maxsize=65536)
def name_matcher(pattern: str) -> Callable[[str], bool]:
    """Whether a lower-cased ASCII name (an action's) matches a lower-cased ``*``/``?``
    pattern, as its case-insensitive :func:`wildcard_regex` does: a pattern of stars alone
    by :func:`pieces_match` (no regex to compile: a policy of thousands of distinct patterns
    compiles none), one with ``?`` by :class:`_QuestionMatcher`, outside ASCII by its regex."""
    if not pattern.isascii():
        return wildcard_regex(pattern, ignore_case=True).fullmatch  # type: ignore[return-value]
    if "?" in pattern:
        return _QuestionMatcher(pattern)
    return functools.partial(pieces_match, tuple(pattern.split("*")))


class ActionIndex:
    """Items keyed by Action patterns: :meth:`matching` finds the items one of whose patterns
    matches an action without trying every pattern. Plain names by one lookup; each distinct
    wildcard pattern (lower-cased) by the literal text it requires of an action, the rarest
    among the patterns (:class:`PieceIndex`: its lead, or a piece such as ``abc`` of
    ``*:*abc*``), and confirmed by its regex. Only patterns with no literal text at all
    (``*``, ``?*``) and ones holding a character outside ASCII (where lower-casing and the
    regex's case-insensitive match may differ) are tried for every action, and every pattern
    for an action outside ASCII."""

    __slots__ = ("_names", "_wild", "_patterns", "_matchers", "_last", "tried")

    def __init__(self, items: Iterable[tuple[str, Any]]) -> None:
        self.tried = 0  # wildcard patterns tried by :meth:`matching` so far (its cost)
        self._names: dict[str, list[Any]] = {}
        wild: dict[str, list[Any]] = {}
        for pattern, item in items:
            low = pattern.lower()
            (wild if is_wild(low) else self._names).setdefault(low, []).append(item)
        patterns = list(wild.items())
        self._patterns = frozenset(wild)
        keys = rarest_keys([glob_keys(p) if p.isascii() else () for p, _ in patterns])
        self._wild = PieceIndex(zip(keys, patterns, strict=True))
        # each wildcard pattern's :func:`name_matcher`, once tried (its regex's fullmatch once
        # compiled: no call through the matcher's method for each of thousands of patterns)
        self._matchers: dict[str, Callable[[str], Any]] = {}
        # the last ASCII action :meth:`matching` answered and its wildcard patterns that match
        self._last: tuple[str, frozenset[str]] = ("", frozenset())

    def matching(self, action: str, known: ActionIndex | None = None) -> list[Any]:
        """The items one of whose patterns matches ``action`` (an item once per pattern).

        ``known``: another index just asked about ``action`` -- each wildcard pattern of this
        one that it holds too is answered by its finding, not tried again (an evaluator's
        index of a boundary and the boundary check's index of its Allow statements share most
        of their patterns). :attr:`tried` counts the candidates either way."""
        low = action.lower()
        out = list(self._names.get(low, ()))
        if low.isascii():
            candidates = self._wild.candidates(low)
            self.tried += len(candidates)
            shared: frozenset[str] = frozenset()
            found: frozenset[str] = frozenset()
            if known is not None and known._last[0] == low:
                shared, found = known._patterns, known._last[1]
            matchers = self._matchers
            hits = []
            for pattern, items in candidates:
                if pattern in found:
                    hits.append(pattern)
                    out.extend(items)
                    continue
                if pattern in shared:
                    continue
                match = matchers.get(pattern)
                if match is None:
                    match = matchers[pattern] = name_matcher(pattern)
                if match(low):
                    hits.append(pattern)
                    out.extend(items)
                if match.__class__ is _QuestionMatcher and match.compiled is not None:
                    matchers[pattern] = match.compiled  # its regex from now on, directly
            self._last = (low, frozenset(hits))
        else:
            for pattern, items in self._wild.all():
                if wildcard_regex(pattern, ignore_case=True).fullmatch(action) is not None:
                    out.extend(items)
        return out


@functools.lru_cache(maxsize=8192)
def action_matcher(patterns: tuple[str, ...]) -> ActionMatcher:
    return ActionMatcher(patterns)


def literal_lead(pattern: str) -> tuple[bool, str]:
    """What every string a Resource pattern matches (as :func:`arn_regex`) starts with: for an
    ARN pattern ``(True, text)``, the literal text of its resource part before its first
    wildcard, which starts the resource part of every ARN it matches (wildcards in the first
    five segments never take a colon, so the pattern's fifth colon is the ARN's); for another
    pattern ``(False, text)``, its literal text before its first wildcard."""
    part = resource_part(pattern)
    arn = part is not None
    text = part if part is not None else pattern
    cut = [i for i in (text.find("*"), text.find("?")) if i >= 0]
    return arn, text[: min(cut)] if cut else text


def resource_part(arn: str) -> str | None:
    """The text after an ARN's fifth colon; None when it has fewer."""
    parts = arn.split(":", 5)
    return parts[5] if len(parts) == 6 else None


class LeadIndex:
    """Items keyed by a literal lead: :meth:`starting` finds those whose lead starts a text
    with one dictionary lookup per distinct lead length, not a comparison per item;
    :meth:`extending` those whose lead a text starts, by bisecting the sorted leads."""

    __slots__ = ("_by_lead", "_lengths", "_sorted")

    def __init__(self, items: Iterable[tuple[str, Any]]) -> None:
        self._by_lead: dict[str, list[Any]] = {}
        for lead, item in items:
            self._by_lead.setdefault(lead, []).append(item)
        self._lengths = sorted({len(k) for k in self._by_lead})
        self._sorted: list[str] | None = None  # sorted on first use of extending()

    def __bool__(self) -> bool:
        return bool(self._by_lead)

    def starting(self, text: str) -> list[Any]:
        """The items whose lead starts ``text``, shorter leads first."""
        out: list[Any] = []
        for n in self._lengths:
            if n > len(text):
                break
            found = self._by_lead.get(text[:n])
            if found:
                out.extend(found)
        return out

    def extending(self, text: str) -> Iterator[Any]:
        """The items whose lead ``text`` starts and is longer than it, lazily."""
        if self._sorted is None:
            self._sorted = sorted(self._by_lead)
        keys = self._sorted
        i = bisect.bisect_right(keys, text)
        while i < len(keys) and keys[i].startswith(text):
            yield from self._by_lead[keys[i]]
            i += 1

    def all(self) -> Iterator[Any]:
        for items in self._by_lead.values():
            yield from items


_LEAD_RE = lazy(r"[*?]")
_LEAD_VAR_RE = re.compile(r"[*?]|\$\{")


@functools.lru_cache(maxsize=65536)
def pattern_lead(pattern: str, variables: bool = False) -> str:
    """The literal text before a Resource pattern's first wildcard (with ``variables``, or
    its first ``${``): every ARN the pattern matches starts with it."""
    m = (_LEAD_VAR_RE if variables else _LEAD_RE).search(pattern)
    return pattern if m is None else pattern[: m.start()]


class PatternIndex:
    """Items keyed by a Resource pattern's :func:`pattern_lead`, to find the few that can
    contain or meet a pattern without comparing it with every one.

    Containment needs the outer pattern's lead to start the inner one's (an inner wildcard
    right after its lead takes at least two characters there, or ends the text, where a fixed
    outer letter cannot follow), and an intersection needs one lead to start the other. A
    pattern with a wildcard in its service segment matches nothing, so it is inside everything:
    such inner patterns are compared with every item. ``variables``: a ``${...}`` is a
    wildcard (as :func:`patterns_intersect` takes it), else literal text (as
    :func:`resource_contains`)."""

    __slots__ = ("_leads", "_variables")

    def __init__(self, items: Iterable[tuple[str, Any]], *, variables: bool = False) -> None:
        self._variables = variables
        self._leads = LeadIndex((pattern_lead(p, variables), item) for p, item in items)

    def __bool__(self) -> bool:
        return bool(self._leads)

    def containers(self, pattern: str) -> Iterator[Any]:
        """Items that may contain ``pattern`` (a superset of those that do), lazily."""
        if service_wildcard(pattern):
            return self._leads.all()
        return iter(self._leads.starting(pattern_lead(pattern, self._variables)))

    def meeting(self, pattern: str) -> Iterator[Any]:
        """Items that may share an ARN with ``pattern`` (a superset of those that do), lazily."""
        yield from self.containers(pattern)
        if not service_wildcard(pattern):
            yield from self._leads.extending(pattern_lead(pattern, self._variables))

    def contain(self, pattern: str) -> bool:
        """Whether one of the items (patterns) contains ``pattern``."""
        return any(resource_contains(r, pattern) for r in self.containers(pattern))


# --------------------------------------------------------------------------- required text

# What every string a pattern matches holds, as keys of a :class:`PieceIndex`: (PREFIX, text)
# it starts with, (PART, text) its ARN resource part starts with, (ANYWHERE, text) it contains.
PREFIX, PART, ANYWHERE = 0, 1, 2
Key = tuple[int, str]
# An ANYWHERE key holds at most this many characters (a longer piece gives windows of it), so
# a string is looked up by its substrings of at most this length.
PIECE_WIDTH = 5


def piece_keys(pieces: Iterable[str], width: int = PIECE_WIDTH) -> list[Key]:
    """ANYWHERE keys for literal pieces a string must contain: a short piece as itself, a
    longer one as windows of ``width`` characters (any part of a piece is contained too)."""
    out: list[Key] = []
    for piece in pieces:
        last = len(piece) - width
        if last <= 0:
            if piece:
                out.append((ANYWHERE, piece))
            continue
        out.extend((ANYWHERE, piece[j : j + width]) for j in range(0, last, max(1, width // 2)))
        out.append((ANYWHERE, piece[last:]))
    return out


def glob_keys(pattern: str) -> tuple[Key, ...]:
    """What a plain ``*``/``?`` glob requires of a string it matches: its literal text before
    the first wildcard (PREFIX) and each literal piece after (ANYWHERE) -- a wildcard never
    swallows a literal character of the pattern."""
    lead, *rest = _WILD_RE.split(pattern)
    return (*([(PREFIX, lead)] if lead else []), *piece_keys(rest))


def resource_keys(pattern: str) -> tuple[Key, ...]:
    """What a Resource pattern (policy variables taken as literal text) requires of an ARN it
    matches (as :func:`arn_regex`): the keys of :func:`glob_keys`, and an ARN pattern's
    resource part lead (:func:`literal_lead`) as PART."""
    lead, *rest = _WILD_RE.split(pattern)
    out: list[Key] = [(PREFIX, lead)] if lead else []
    arn, part = literal_lead(pattern)
    if arn and part:
        out.append((PART, part))
    out.extend(piece_keys(rest))
    return tuple(out)


def rarest_keys(options: Sequence[Sequence[Key]]) -> list[Key | None]:
    """For each item's keys (what its pattern requires), the one the fewest items share --
    a string then meets few items by it -- preferring anchored keys, then longer ones; None
    for an item with no key (its pattern requires no literal text)."""
    counts: dict[Key, int] = {}
    for keys in options:
        for key in set(keys):
            counts[key] = counts.get(key, 0) + 1
    return [
        min(keys, key=lambda k: (counts[k], k[0] == ANYWHERE, -len(k[1]))) if keys else None
        for keys in options
    ]


_LAST_HELD: tuple[str, int, frozenset[str]] = ("", 0, frozenset())


def _held(text: str, width: int) -> frozenset[str]:
    """The substrings of ``text`` of at most ``width`` characters (the ANYWHERE keys it may
    hold), kept for the last text: a request's ARN is looked up in several indexes in a row
    (an evaluator's Deny and Allow ones), which then share one set of them."""
    global _LAST_HELD
    last = _LAST_HELD  # (threads: one tuple read and one written, each whole)
    if last[0] == text and last[1] >= width:
        return last[2]
    n = len(text)
    width = max(width, PIECE_WIDTH)
    held = frozenset(
        text[i : i + size] for size in range(1, width + 1) for i in range(n - size + 1)
    )
    _LAST_HELD = (text, width, held)
    return held


class PieceIndex:
    """Items keyed by literal text (a :data:`Key`, or None) every string their pattern matches
    holds: :meth:`candidates` finds a superset of the items whose patterns match a string by
    prefix lookups (:class:`LeadIndex`) and a lookup of each substring of at most
    :data:`PIECE_WIDTH` characters, never by trying every item. Keyless items are candidates
    for every string. Patterns with the same rare piece (distinct ``*:*abc`` patterns, ``*?``
    resources sharing a lead) are then met only by the strings that hold it."""

    __slots__ = ("_always", "_prefix", "_part", "_within", "_lengths", "_pieces")

    def __init__(self, items: Iterable[tuple[Key | None, Any]]) -> None:
        self._always: list[Any] = []
        prefix: list[tuple[str, Any]] = []
        part: list[tuple[str, Any]] = []
        self._within: dict[str, list[Any]] = {}
        for key, item in items:
            if key is None:
                self._always.append(item)
            elif key[0] == ANYWHERE:
                self._within.setdefault(key[1], []).append(item)
            else:
                (prefix if key[0] == PREFIX else part).append((key[1], item))
        self._prefix = LeadIndex(prefix)
        self._part = LeadIndex(part)
        self._lengths = sorted({len(k) for k in self._within})
        self._pieces = frozenset(self._within)

    def __bool__(self) -> bool:
        return bool(self._always or self._prefix or self._part or self._within)

    def candidates(self, text: str, part: str | None = None) -> list[Any]:
        """The items whose key ``text`` holds (a PART key: ``part``, the text's ARN resource
        part, starts with it), each once per key, and the keyless ones; in no set order."""
        out = [*self._always, *self._prefix.starting(text)]
        if part is not None and self._part:
            out.extend(self._part.starting(part))
        if self._within:
            for piece in _held(text, self._lengths[-1]) & self._pieces:
                out.extend(self._within[piece])
        return out

    def all(self) -> Iterator[Any]:
        yield from self._always
        yield from self._prefix.all()
        yield from self._part.all()
        for items in self._within.values():
            yield from items


# --------------------------------------------------------------------------- as tokens

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
def format_source(arn_format: str) -> str:
    """The source of :func:`format_regex` (``re.DOTALL``), uncompiled: callers that join
    several formats into one regex compile only the joined one."""
    out: list[str] = []
    pos = 0
    for m in _VAR_RE.finditer(arn_format):
        out.append(re.escape(arn_format[pos : m.start()]))
        out.append(_placeholder_regex(m.group(0)))
        pos = m.end()
    out.append(re.escape(arn_format[pos:]))
    return "^" + "".join(out) + "$"


@functools.lru_cache(maxsize=8192)
def format_regex(arn_format: str) -> re.Pattern[str]:
    """A regex for the concrete ARNs of a reference ARN format (or of its resource part)."""
    return re.compile(format_source(arn_format), re.DOTALL)


_TYPE_FORMATS: dict[int, tuple[str, ...]] = {}  # id(ResourceType) -> its ARN formats


@functools.lru_cache(maxsize=65536)
def _pattern_tokens(pattern: str, variables: bool = True) -> tuple[Any, ...]:
    """Tokens of a policy's resource pattern: ``*``/``?`` (and ``${var}`` with ``variables``,
    else literal text) are wildcards; in the first five ARN segments they do not cross ``:``
    (as IAM matches ARNs segment by segment)."""
    segmented = pattern.count(":") >= 5
    out: list[Any] = []
    colons = 0
    pos = 0
    n = len(pattern)
    while pos < n:
        c = pattern[pos]
        seg = segmented and colons < 5
        if variables and c == "$" and pattern.startswith("${", pos):
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
    if service_wildcard(a) or service_wildcard(b):
        return False
    if a == "*" or b == "*" or len(a) > MAX_PATTERN or len(b) > MAX_PATTERN:
        return True
    return tokens_intersect(_pattern_tokens(a), _pattern_tokens(b))


@functools.lru_cache(maxsize=65536)
def _arn_segments(
    text: str, reference_format: bool, variables: bool = True
) -> tuple[tuple[Any, ...], ...] | None:
    """Tokens of an ARN pattern (or reference format) cut at its first five literal colons:
    partition..account segments and the resource part; None when it has fewer colons."""
    tokens = _format_tokens(text) if reference_format else _pattern_tokens(text, variables)
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
    if service_wildcard(pattern):
        return False
    shape = _format_shape(arn_format)
    if shape is not None:
        quick = _fits_quickly(pattern, shape)
        if quick is not None:
            return quick
    return _fits_exactly(pattern, arn_format)


# An index for :func:`pattern_fits_format`: a pattern and a format whose service segments are
# both literal and differ share no ARN, so a caller with many formats (a wildcard action's
# resource types over dozens of services) need only try those of the pattern's service. Each
# side is None when its service segment is not literal text at a fixed place (then every
# format must be tried, as before).


def pattern_service(pattern: str) -> str | None:
    """The literal service segment of a resource pattern: an ARN (five colons or more, so its
    partition wildcards stay in their segment) with no variable and no wildcard there. (Not
    cached: string operations cost less than a cache's miss, and most ARNs are met once.)"""
    if "$" in pattern:
        return None
    parts = pattern.split(":", 3)
    if len(parts) < 4 or pattern.count(":") < 5:
        return None
    service = parts[2]
    return None if "*" in service or "?" in service else service


@functools.lru_cache(maxsize=8192)
def format_service(arn_format: str) -> str | None:
    """The literal service segment of a reference ARN format, when the segments before it are
    plain text or ``${Partition}`` (no placeholder that could take a colon)."""
    parts = arn_format.split(":", 5)
    if len(parts) < 6:
        return None
    for part in parts[:2]:
        if part != "${Partition}" and ("$" in part or _WILD_RE.search(part)):
            return None
    if "$" in parts[2] or _WILD_RE.search(parts[2]):
        return None
    return parts[2]


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
    names: str | None  # the resource part, when a name in it holds no '/' (:func:`_prefix_regex`)


@functools.lru_cache(maxsize=4096)
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
        resource if any(h.group(0) in _NAME_PLACEHOLDERS for h in holders) else None,
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
    names = shape.names  # a '/' where a name is: no value starts so (its regex made if so)
    if (
        names is not None
        and "/" in lead[len(shape.lead) :]
        and not _prefix_regex(names).fullmatch(lead)
    ):
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


# --------------------------------------------------------------------------- containment


def _accepts(wild: int, char: str | None) -> bool:
    """Whether a wildcard token takes ``char`` (None: a character no pattern names)."""
    return char is None or _literal_meets(char, wild)


def _step(
    b: tuple[Any, ...],
    star: tuple[bool, ...],
    closure: tuple[frozenset[int], ...],
    states: frozenset[int],
    char: str | None,
) -> frozenset[int]:
    nxt: set[int] = set()
    n = len(b)
    for j in states:
        if j < n:
            t = b[j]
            if t == char if isinstance(t, str) else _accepts(t, char):
                nxt |= closure[j] if star[j] else closure[j + 1]
    return frozenset(nxt)


def tokens_contain(outer: tuple[Any, ...], inner: tuple[Any, ...]) -> bool:
    """Whether every string ``inner`` matches is matched by ``outer``.

    The product of the two automata, run over the patterns' own literal characters, ``:`` and
    ``/`` (which some wildcards do not take) and one symbol (None) for every other character.
    """
    star_i, clo_i = _automaton(inner)
    star_o, clo_o = _automaton(outer)
    end_i, end_o = len(inner), len(outer)
    sigma: list[str | None] = sorted(
        {t for t in (*outer, *inner) if isinstance(t, str)} | {":", "/"}
    )
    sigma.append(None)
    start = (clo_i[0], clo_o[0])
    seen = {start}
    queue = deque([start])
    while queue:
        si, so = queue.popleft()
        if end_i in si and end_o not in so:
            return False  # a string inner matches and outer does not
        for c in sigma:
            ni = _step(inner, star_i, clo_i, si, c)
            if not ni:
                continue
            nxt = (ni, _step(outer, star_o, clo_o, so, c))
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return True


def _glob_tokens(p: str) -> tuple[Any, ...]:
    return tuple(STAR_ANY if c == "*" else ONE_ANY if c == "?" else c for c in p)


@functools.lru_cache(maxsize=1024)
def _glob_rx(p: str) -> re.Pattern[str]:
    return re.compile(glob_regex(((p, True),)), re.DOTALL)


@functools.lru_cache(maxsize=65536)
def glob_contains(outer: str, inner: str) -> bool:
    """Whether every string ``inner`` matches is matched by ``outer`` (plain ``*``/``?`` globs)."""
    if outer == inner or outer == "*":
        return True
    if not is_wild(inner):
        return _glob_rx(outer).fullmatch(inner) is not None
    if not is_wild(outer):
        return False
    return tokens_contain(_glob_tokens(outer), _glob_tokens(inner))


@functools.lru_cache(maxsize=65536)
def globs_intersect(a: str, b: str) -> bool:
    """Whether some string matches both plain glob patterns."""
    if a == b or a == "*" or b == "*":
        return True
    if not is_wild(a):
        return _glob_rx(b).fullmatch(a) is not None
    if not is_wild(b):
        return _glob_rx(a).fullmatch(b) is not None
    return tokens_intersect(_glob_tokens(a), _glob_tokens(b))


@functools.lru_cache(maxsize=65536)
def resource_contains(outer: str, inner: str) -> bool:
    """Whether the Resource pattern ``outer`` matches every ARN ``inner`` matches (IAM's ARN
    matching; policy variables are literal text here)."""
    if outer == inner or outer == "*" or service_wildcard(inner):
        return True  # (a pattern with a wildcard service matches nothing)
    if service_wildcard(outer):
        return False
    if not is_wild(inner):
        return compile_alternation((arn_regex(((outer, True),)),)).fullmatch(inner) is not None
    if _wild_match_rx(outer).fullmatch(inner) is not None:
        return True  # outer matches inner's own text, wildcard for wildcard
    if not _ends_fit(outer, inner):
        return False
    return _contains_exactly(outer, inner)


def _ends_fit(outer: str, inner: str) -> bool:
    """Whether ``outer``'s literal text before its first wildcard starts ``inner``'s and its
    text after its last wildcard ends ``inner``'s: needed when ``inner`` holds a wildcard,
    which takes at least two different characters (or none) where it stands, and a fixed
    letter of ``outer`` cannot follow both."""
    lead_o, lead_i = _WILD_SPLIT.split(outer, 1)[0], _WILD_SPLIT.split(inner, 1)[0]
    tail_o, tail_i = _WILD_SPLIT.split(outer)[-1], _WILD_SPLIT.split(inner)[-1]
    return lead_i.startswith(lead_o) and tail_i.endswith(tail_o)


_WILD_SPLIT = lazy(r"[*?]")


@functools.lru_cache(maxsize=8192)
def _wild_match_rx(outer: str) -> re.Pattern[str]:
    """``outer`` as a regex over another pattern's text: a star takes any run of it (its
    wildcards too), a ``?`` one letter or ``?`` (never a star), a letter only itself; in the
    first five ARN segments neither crosses a colon. A match is a proof of containment: each
    wildcard of the inner pattern lies inside a wildcard of ``outer`` that takes all it can."""
    out = []
    for t in _pattern_tokens(outer, False):
        if isinstance(t, str):
            out.append(re.escape(t))
        else:
            out.append({STAR_ANY: ".*", STAR_SEG: "[^:]*", ONE_ANY: "[^*]", ONE_SEG: "[^:*]"}[t])
    return re.compile("".join(out), re.DOTALL)


def _contains_exactly(outer: str, inner: str) -> bool:
    """:func:`resource_contains` by the product of the two patterns' automata (no shortcut
    but the segments' equality), for two patterns of which ``inner`` holds a wildcard."""
    po, pi = _arn_segments(outer, False, False), _arn_segments(inner, False, False)
    if po is not None and pi is not None:  # segment by segment: no wildcard crosses a colon
        return all(o == i or tokens_contain(o, i) for o, i in zip(po, pi, strict=True))
    return tokens_contain(_pattern_tokens(outer, False), _pattern_tokens(inner, False))


@functools.lru_cache(maxsize=65536)
def resources_intersect(a: str, b: str) -> bool:
    """Whether some ARN matches both Resource patterns (policy variables are literal text)."""
    if service_wildcard(a) or service_wildcard(b):
        return False
    if a == b or a == "*" or b == "*":
        return True
    return tokens_intersect(_pattern_tokens(a, False), _pattern_tokens(b, False))
