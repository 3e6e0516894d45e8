"""IAM condition operators and policy variables (wildcards: :mod:`wizard.policy.patterns`).

Written from AWS's documented semantics (IAM User Guide: "Condition operators",
"Policy variables", "Single-valued vs. multivalued context keys"):

* all operators in a Condition block are ANDed, all keys of one operator are
  ANDed, the values of one key are ORed;
* a negated operator (``StringNotEquals``, ``NotIpAddress``, ``ArnNotLike`` ...)
  holds when the request value matches *none* of the policy values, and holds
  when the key is absent from the request;
* a key absent from the request makes any other operator false, except
  ``...IfExists`` (true), ``ForAllValues:`` (true) and ``Null``;
* ``ForAllValues:`` needs every request value to satisfy the operator,
  ``ForAnyValue:`` at least one (and is false for an absent key, ``...IfExists`` or
  not: "Set operators for multivalued context keys" says so of ForAnyValue, and a
  ``ForAnyValue:StringEqualsIfExists`` on a key the request lacks denies in IAM);
* ARN operators compare the six colon-delimited parts of the ARN one by one, so a
  policy value with fewer parts matches nothing;
* policy variables (``${aws:username}``, ``${key, 'default'}``, ``${*}``) are
  resolved in string, Bool and ARN operators only; a variable that cannot be
  resolved makes that one policy value match nothing, and makes a negated
  operator (``StringNotEquals`` ...) false for a present key.

Context values are normalised once per request by :func:`normalise_context` into
``{lower-cased key: tuple of strings}``; empty lists count as absent.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from wizard.errors import UserError
from wizard.lazyre import lazy
from wizard.policy.patterns import Chunks, arn_regex, compile_alternation, glob_regex
from wizard.text import noun

Context = Mapping[str, tuple[str, ...]]

__all__ = [
    "ConditionTest",
    "MultiValue",
    "compile_conditions",
    "normalise_context",
    "normalise_value",
    "parse_template",
    "resolve_template",
    "json_pointer",
]

# --------------------------------------------------------------------------- values


def normalise_value(value: Any) -> str | None:
    """A JSON scalar as IAM sees it: strings as is, booleans as true/false, numbers as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


class MultiValue(tuple):
    """The values of a key given as a list: a multivalued key, even with one value."""

    __slots__ = ()


def normalise_context(context: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """``{key: str | list[str]}`` -> ``{lower-cased key: tuple[str, ...]}`` (None/[] dropped).

    A list becomes a :class:`MultiValue`, a scalar a plain 1-tuple.
    """
    out: dict[str, tuple[str, ...]] = {}
    if not context:
        return out
    for key, raw in context.items():
        if raw is None:
            continue
        if isinstance(raw, list | tuple | set | frozenset):
            values: tuple[str | None, ...] = MultiValue(normalise_value(v) for v in raw)
        else:
            values = (normalise_value(raw),)
        if any(v is None for v in values):
            raise UserError(
                "a context value must be a string, number, boolean or a list of them",
                where=f"context key {key!r}",
            )
        if values:
            out[str(key).lower()] = values  # type: ignore[assignment]
    return out


def json_pointer(*parts: object) -> str:
    """RFC 6901 pointer from path parts (``/`` and ``~`` in keys are escaped)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


# --------------------------------------------------------------------------- variables

_VAR_RE = lazy(r"\$\{([^}]*)\}")
_WILD, _LIT, _VAR, _BAD = 0, 1, 2, 3
Template = tuple[tuple[Any, ...], ...]


def _parse_var(inner: str) -> tuple[Any, ...]:
    if inner in ("*", "?", "$"):
        return (_LIT, inner)
    default = None
    key = inner
    if "," in inner:
        key, rest = inner.split(",", 1)
        rest = rest.strip()
        if len(rest) < 2 or rest[0] != "'" or rest[-1] != "'":
            return (_BAD,)
        body = rest[1:-1]
        if "'" in body.replace("''", ""):
            return (_BAD,)
        default = body.replace("''", "'")
    key = key.strip().lower()
    if not key:
        return (_BAD,)
    return (_VAR, key, default)


def parse_template(text: str) -> Template | None:
    """Split ``text`` on ``${...}`` policy variables; None when it has none."""
    if "${" not in text:
        return None
    parts: list[tuple[Any, ...]] = []
    pos = 0
    for m in _VAR_RE.finditer(text):
        if m.start() > pos:
            parts.append((_WILD, text[pos : m.start()]))
        parts.append(_parse_var(m.group(1).strip()))
        pos = m.end()
    if not parts:
        return None
    if pos < len(text):
        parts.append((_WILD, text[pos:]))
    return tuple(parts)


def resolve_template(template: Template, ctx: Context) -> Chunks | None:
    """Substitute variables from the request context; None if one cannot be resolved.

    Substituted values and ``${*}``/``${?}``/``${$}`` are literal text (never wildcards).
    A multivalued context key (one given as a list, even of one value) cannot be used as a
    variable ("Single-valued vs. multivalued context keys": "you can't use a multivalued
    context key as a policy variable").
    """
    out: list[tuple[str, bool]] = []
    for part in template:
        kind = part[0]
        if kind == _WILD:
            out.append((part[1], True))
        elif kind == _LIT:
            out.append((part[1], False))
        elif kind == _VAR:
            values = ctx.get(part[1])
            if values is not None and len(values) == 1 and type(values) is tuple:
                out.append((values[0], False))
            elif part[2] is not None:
                out.append((part[2], False))
            else:
                return None
        else:
            return None
    return tuple(out)


def _joined(chunks: Chunks) -> str:
    return chunks[0][0] if len(chunks) == 1 else "".join(t for t, _ in chunks)


# --------------------------------------------------------------------------- families


# Decimal numbers, with an exponent if need be (a JSON number such as 1e-07 is kept as
# that text); not Python's extras ("1_000", "inf", "nan", "0x10").
_NUMBER_RE = lazy(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _parse_number(text: str) -> float | None:
    text = text.strip()
    if not _NUMBER_RE.fullmatch(text):
        return None
    value = float(text)
    return None if math.isinf(value) else value


_EPOCH_RE = lazy(r"[+-]?\d+(\.\d+)?")
# The W3C profile of ISO 8601 ("Condition operators": dates are "one of the W3C
# implementations of the ISO 8601 date formats"): YYYY, YYYY-MM, YYYY-MM-DD, then
# Thh:mm, Thh:mm:ss or Thh:mm:ss.s with a zone (Z or +hh:mm).  Also taken: a space or a
# lower-case t/z (RFC 3339 allows both), +hhmm, and no zone (UTC).
_W3C_DATE_RE = lazy(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?)?)?)?"
)


def parse_date(text: str) -> float | None:
    """A W3C ISO 8601 date (``2020``, ``2020-01-01``, ``2020-01-01T00:00:00Z`` ...) or epoch
    seconds -> epoch seconds; None if it is neither."""
    text = text.strip()
    if _EPOCH_RE.fullmatch(text):
        return float(text)
    m = _W3C_DATE_RE.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = m.groups()
    try:
        moment = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    offset = 0
    if zone and zone not in "Zz":
        digits = zone[1:].replace(":", "")
        offset = (int(digits[:2]) * 60 + int(digits[2:])) * 60
        offset = -offset if zone[0] == "-" else offset
    return moment.timestamp() - offset


def _parse_binary(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode()


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    try:
        return ipaddress.ip_interface(text).ip
    except ValueError:
        return None


class _Family:
    """One operator family: how to prepare policy values and test one request value."""

    __slots__ = ("name", "prepare", "match", "variables", "parse_policy")

    def __init__(
        self,
        name: str,
        prepare: Callable[[tuple[Chunks, ...]], Any],
        match: Callable[[Any, str], bool],
        *,
        variables: bool,
        parse_policy: Callable[[str], Any] | None = None,
    ) -> None:
        self.name = name
        self.prepare = lru_cache(maxsize=4096)(prepare)
        self.match = match
        self.variables = variables
        # For typed families: a parser used to warn about unusable policy values.
        self.parse_policy = parse_policy


def _prep_set(values: tuple[Chunks, ...]) -> frozenset[str]:
    return frozenset(_joined(c) for c in values)


def _prep_fold(values: tuple[Chunks, ...]) -> frozenset[str]:
    return frozenset(_joined(c).casefold() for c in values)


def _prep_like(values: tuple[Chunks, ...]) -> re.Pattern[str] | None:
    if not values:
        return None
    return compile_alternation(tuple(glob_regex(c) for c in values))


def _arn_colons(chunks: Chunks) -> int:
    return sum(text.count(":") for text, _ in chunks)


def _prep_arn(values: tuple[Chunks, ...]) -> re.Pattern[str] | None:
    # ArnLike & co. check each of the six colon-delimited parts of the ARN separately: a
    # policy value with fewer parts ("*", "arn:aws:s3:*") matches no ARN.
    usable = tuple(arn_regex(c, condition=True) for c in values if _arn_colons(c) >= 5)
    if not usable:
        return None
    return compile_alternation(usable)


def _match_rx(rx: re.Pattern[str] | None, v: str) -> bool:
    return rx is not None and rx.fullmatch(v) is not None


def _prep_parsed(parse: Callable[[str], Any]) -> Callable[[tuple[Chunks, ...]], tuple[Any, ...]]:
    def prepare(values: tuple[Chunks, ...]) -> tuple[Any, ...]:
        parsed = (parse(_joined(c)) for c in values)
        return tuple(p for p in parsed if p is not None)

    return prepare


def _cmp_family(
    name: str, parse: Callable[[str], float | None], cmp: Callable[[float, float], bool]
) -> _Family:
    def match(prepared: tuple[float, ...], v: str) -> bool:
        value = parse(v)
        return value is not None and any(cmp(value, p) for p in prepared)

    return _Family(name, _prep_parsed(parse), match, variables=False, parse_policy=parse)


def _parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _match_ip(prepared: tuple[Any, ...], v: str) -> bool:
    addr = _parse_ip(v)
    return addr is not None and any(addr.version == net.version and addr in net for net in prepared)


def _parse_bool(text: str) -> str | None:
    lowered = text.lower()
    return lowered if lowered in ("true", "false") else None


_CMP: dict[str, Callable[[float, float], bool]] = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEquals": lambda a, b: a >= b,
}

# base operator name (lower-cased) -> (family, negated)
_OPERATORS: dict[str, tuple[_Family, bool]] = {}


def _register(names: Iterable[tuple[str, bool]], family: _Family) -> None:
    for name, negated in names:
        _OPERATORS[name.lower()] = (family, negated)


_register(
    [("StringEquals", False), ("StringNotEquals", True)],
    _Family("String", _prep_set, lambda p, v: v in p, variables=True),
)
_register(
    [("StringEqualsIgnoreCase", False), ("StringNotEqualsIgnoreCase", True)],
    _Family("String", _prep_fold, lambda p, v: v.casefold() in p, variables=True),
)
_register(
    [("StringLike", False), ("StringNotLike", True)],
    _Family("String", _prep_like, _match_rx, variables=True),
)
for _suffix, _cmp in _CMP.items():
    _num = _cmp_family("Numeric", _parse_number, _cmp)
    _date = _cmp_family("Date", parse_date, _cmp)
    _register([(f"Numeric{_suffix}", False)], _num)
    _register([(f"Date{_suffix}", False)], _date)
    if _suffix == "Equals":
        _register([("NumericNotEquals", True)], _num)
        _register([("DateNotEquals", True)], _date)
_register(
    [("Bool", False)],
    _Family(
        "Bool",
        _prep_parsed(_parse_bool),
        lambda p, v: v.lower() in p,
        variables=True,
        parse_policy=_parse_bool,
    ),
)
_register(
    [("BinaryEquals", False)],
    _Family(
        "Binary",
        lambda values: frozenset(_parse_binary(_joined(c)) for c in values),
        lambda p, v: _parse_binary(v) in p,
        variables=False,
    ),
)
_register(
    [("IpAddress", False), ("NotIpAddress", True)],
    _Family(
        "IpAddress",
        _prep_parsed(_parse_network),
        _match_ip,
        variables=False,
        parse_policy=_parse_network,
    ),
)
_register(
    [("ArnEquals", False), ("ArnLike", False), ("ArnNotEquals", True), ("ArnNotLike", True)],
    _Family(
        "Arn",
        _prep_arn,
        _match_rx,
        variables=True,
        # for the warning only: a variable may bring the missing parts
        parse_policy=lambda text: text if text.count(":") >= 5 or "${" in text else None,
    ),
)

# --------------------------------------------------------------------------- tests

_ALL, _ANY = "ForAllValues", "ForAnyValue"


class ConditionTest:
    """One (operator, key) pair of a Condition block; call it with a normalised context."""

    __slots__ = ()

    def __call__(self, ctx: Context) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


class _KeyTest(ConditionTest):
    __slots__ = ("key", "family", "negated", "if_exists", "set_op", "static", "templates")

    def __init__(
        self,
        key: str,
        family: _Family,
        negated: bool,
        if_exists: bool,
        set_op: str | None,
        values: tuple[str, ...],
        variables: bool,
    ) -> None:
        self.key = key.lower()
        self.family = family
        self.negated = negated
        self.if_exists = if_exists
        self.set_op = set_op
        templates = None
        if variables and family.variables:
            parsed = [parse_template(v) for v in values]
            if any(t is not None for t in parsed):
                templates = tuple(
                    t if t is not None else ((_WILD, v),)
                    for t, v in zip(parsed, values, strict=True)
                )
        self.templates = templates
        self.static = None if templates else family.prepare(tuple(((v, True),) for v in values))

    def __call__(self, ctx: Context) -> bool:
        values = ctx.get(self.key)
        if values is None:
            # ForAnyValue is false for an absent (or empty) key even with ...IfExists: the
            # set-operator rule is the more specific one (and what IAM does).
            if self.set_op == _ANY:
                return False
            if self.if_exists or self.set_op == _ALL:
                return True
            return self.negated
        if self.templates is None:
            prepared = self.static
        else:
            resolved = [resolve_template(t, ctx) for t in self.templates]
            if self.negated and None in resolved:
                # AWS: an unresolvable variable may invalidate the statement; a negated
                # test cannot be established, so it does not hold.
                return False
            prepared = self.family.prepare(tuple(r for r in resolved if r is not None))
        match = self.family.match
        negated = self.negated
        if self.set_op is None:
            hit = any(match(prepared, v) for v in values)
            return hit != negated
        if self.set_op == _ALL:
            return all(match(prepared, v) != negated for v in values)
        return any(match(prepared, v) != negated for v in values)


class _NullTest(ConditionTest):
    __slots__ = ("key", "want_absent", "want_present")

    def __init__(self, key: str, values: tuple[str, ...]) -> None:
        self.key = key.lower()
        lowered = {v.lower() for v in values}
        self.want_absent = "true" in lowered
        self.want_present = "false" in lowered

    def __call__(self, ctx: Context) -> bool:
        absent = self.key not in ctx
        return self.want_absent if absent else self.want_present


class _NeverTest(ConditionTest):
    """An operator we cannot evaluate: the condition does not match."""

    __slots__ = ("operator",)

    def __init__(self, operator: str) -> None:
        self.operator = operator

    def __call__(self, ctx: Context) -> bool:
        return False


def _split_operator(op: str) -> tuple[str | None, str, bool] | None:
    """``ForAnyValue:StringLikeIfExists`` -> ("ForAnyValue", "stringlike", True)."""
    set_op = None
    name = op
    if ":" in op:
        prefix, name = op.split(":", 1)
        prefix = prefix.lower()
        if prefix == "forallvalues":
            set_op = _ALL
        elif prefix == "foranyvalue":
            set_op = _ANY
        else:
            return None
    lowered = name.lower()
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    return set_op, lowered, if_exists


def compile_conditions(
    block: Any, *, variables: bool, label: str, pointer: str
) -> tuple[tuple[ConditionTest, ...], tuple[str, ...]]:
    """Compile a statement's Condition block into tests (ANDed) plus warnings.

    Malformed structure raises UserError; an unknown operator or an unusable policy
    value becomes a warning (and, for the operator, a test that never matches).
    """
    where = f"policy {label!r} at {pointer}"
    if not isinstance(block, Mapping):
        raise UserError("Condition must be a JSON object", where=where)
    tests: list[ConditionTest] = []
    warnings: list[str] = []
    for op, keys in block.items():
        op_ptr = pointer + json_pointer(op)
        op_where = f"policy {label!r} at {op_ptr}"
        if not isinstance(keys, Mapping):
            raise UserError(
                f"condition operator {op!r} must map condition keys to values", where=op_where
            )
        parsed_keys: list[tuple[str, tuple[str, ...]]] = []
        for key, raw in keys.items():
            raw_list = raw if isinstance(raw, list) else [raw]
            values = tuple(normalise_value(v) for v in raw_list)
            if any(v is None for v in values):
                raise UserError(
                    "a condition value must be a string, number, boolean or a list of them",
                    where=f"policy {label!r} at {op_ptr}{json_pointer(key)}",
                )
            parsed_keys.append((str(key), values))  # type: ignore[arg-type]

        split = _split_operator(str(op))
        entry = _OPERATORS.get(split[1]) if split else None
        if split is not None and split[1] == "null":
            if split[0] is not None or split[2]:
                warnings.append(
                    f"{op_where}: {op!r} is not supported (Null takes no IfExists or set "
                    "prefix); the condition never matches"
                )
                tests.append(_NeverTest(str(op)))
                continue
            for key, values in parsed_keys:
                if any(_parse_bool(v) is None for v in values):
                    warnings.append(f"{op_where}: Null expects 'true' or 'false'")
                tests.append(_NullTest(key, values))
            continue
        if entry is None or split is None:
            warnings.append(f"{op_where}: unknown condition operator {op!r}; it never matches")
            tests.append(_NeverTest(str(op)))
            continue
        set_op, _base, if_exists = split
        family, negated = entry
        for key, values in parsed_keys:
            if family.parse_policy is not None:
                bad = [v for v in values if family.parse_policy(v) is None]
                if bad:
                    warnings.append(
                        f"{op_where}{json_pointer(key)}: {op} cannot use the "
                        f"{noun(len(bad), 'value')} {', '.join(map(repr, bad))}; "
                        f"{'it never matches' if len(bad) == 1 else 'they never match'}"
                    )
            tests.append(_KeyTest(key, family, negated, if_exists, set_op, values, variables))
    return tuple(tests), tuple(warnings)
