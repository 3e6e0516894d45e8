"""Random IAM evaluation cases for the differential test against iam-simulate.

``random_case(rng)`` builds one request (action, resource, context) with one to three
identity policies and, sometimes, a permissions boundary.  The pieces are drawn so that
they often *almost* match the request: actions and ARNs are mutated from the request's own
(case changes, ``*``/``?`` wildcards inside and across ARN segments, ``prefix*``), and
condition values are drawn from the same small pools as the request's context values, so
every operator family is exercised on both sides of its boundary.

Covered: Action/NotAction, Resource/NotResource, Allow/Deny in identity policies and in the
boundary; every condition operator family (String*, StringLike with wildcards, Arn*,
Numeric*, Date* in ISO 8601 and epoch seconds, Bool, IpAddress/NotIpAddress with IPv4 and
IPv6 CIDRs, Null), the ``...IfExists`` forms, ``ForAllValues:``/``ForAnyValue:`` over
multivalued keys (missing, empty and several values), several keys per operator and several
values per key, key names in any case; policy variables (``${aws:username}``, ``${aws:PrincipalTag/team}``,
defaults, ``${*}``, ``${?}``, ``${$}``, missing ones) in Resource and in condition values;
Version 2008-10-17 and no Version; contexts lacking keys.

Only keys that iam-simulate accepts for every action are used (global ``aws:`` keys), plus
``s3:prefix``/``s3:max-keys`` on ``s3:ListBucket``: iam-simulate drops context keys that the
action does not support.  Only actions and ARNs it knows are used, since it rejects others.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import random
import re
from typing import Any

ACCOUNT = "111122223333"

Case = dict[str, Any]

# (action, resource) pairs that iam-simulate accepts, with the action's service-specific keys
REQUESTS: list[tuple[str, str]] = [
    ("s3:GetObject", "arn:aws:s3:::photos/alice/cat.jpg"),
    ("s3:GetObject", "arn:aws:s3:::photos/bob/a:b?c"),
    ("s3:PutObject", "arn:aws:s3:::Photos/alice/x"),
    ("s3:ListBucket", "arn:aws:s3:::photos"),
    ("s3:ListAllMyBuckets", "*"),
    ("dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders"),
    ("dynamodb:Query", f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/Orders/index/ByDate"),
    ("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:alice"),
    ("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn:prod"),
    ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/app/worker"),
    ("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/alice"),
    ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"),
    ("sns:Publish", f"arn:aws:sns:us-west-2:{ACCOUNT}:red-topic"),
    ("sts:GetCallerIdentity", "*"),
    (
        "logs:PutLogEvents",
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/fn:log-stream:x",
    ),
]
OTHER_ACTIONS = ["s3:DeleteObject", "dynamodb:PutItem", "iam:DeleteUser", "sqs:ReceiveMessage"]

USERS = ["alice", "bob", "Bob", "carol", "al"]
TEAMS = ["red", "blue", "Red"]
REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]
SOURCE_ARNS = [
    f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:alice",
    f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:fn:prod",
    f"arn:aws:sns:us-east-1:{ACCOUNT}:red",
    "arn:aws:s3:::photos/alice/a:b",
    "arn:aws:lambda:us-east-1:999988887777:function:alice",
]
PRINCIPAL_ARNS = [
    f"arn:aws:iam::{ACCOUNT}:role/app/worker",
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    f"arn:aws:sts::{ACCOUNT}:assumed-role/app/alice",
]
NUMBERS = ["0", "1", "10", "300", "3600", "3600.0", "1.5", "-1", "007"]
ISO_DATES = [
    "2020-01-01T00:00:00Z",
    "2020-01-01T00:00:00.000Z",
    "2020-01-01",
    "2020-01-01T01:00:00+01:00",
    "2020-06-30T00:00:00Z",
    "2021-03-04T05:06:07Z",
    "2019-12-31T23:59:59Z",
]
EPOCHS = ["1577836800", "1593475200", "1614834367", "1577836799", "0"]
IPS = ["10.1.2.3", "10.255.0.1", "192.168.1.1", "11.0.0.1", "2001:db8::5", "2001:db9::1", "::1"]
CIDRS = [
    "10.0.0.0/8",
    "10.1.2.3/32",
    "10.1.2.3",
    "192.168.0.0/16",
    "2001:db8::/32",
    "2001:DB8::5/128",
    "::1",
]
ZERO_CIDRS = ["0.0.0.0/0", "::/0"]
TAG_KEYS = ["env", "cost", "team", "Env", "owner"]
CALLED_VIA = ["athena.amazonaws.com", "cloudformation.amazonaws.com", "dynamodb.amazonaws.com"]

# condition key -> (family, values a request may carry)
SINGLE_KEYS: dict[str, tuple[str, list[str]]] = {
    "aws:username": ("String", USERS),
    "aws:PrincipalTag/team": ("String", TEAMS),
    "aws:RequestedRegion": ("String", REGIONS),
    "aws:SourceArn": ("Arn", SOURCE_ARNS),
    "aws:PrincipalArn": ("Arn", PRINCIPAL_ARNS),
    "aws:MultiFactorAuthAge": ("Numeric", NUMBERS),
    "aws:CurrentTime": ("Date", ISO_DATES),
    "aws:EpochTime": ("Date", EPOCHS),
    "aws:TokenIssueTime": ("Date", ISO_DATES),
    "aws:SecureTransport": ("Bool", ["true", "false"]),
    "aws:MultiFactorAuthPresent": ("Bool", ["true", "false", "True"]),
    "aws:SourceIp": ("IpAddress", IPS),
}
MULTI_KEYS: dict[str, tuple[str, list[str]]] = {
    "aws:TagKeys": ("String", TAG_KEYS),
    "aws:CalledVia": ("String", CALLED_VIA),
}
LIST_BUCKET_KEYS: dict[str, tuple[str, list[str]]] = {
    "s3:prefix": ("String", ["home/alice/", "home/bob/x", "", "public/"]),
    "s3:max-keys": ("Numeric", ["5", "10", "1000"]),
}

OPERATORS: dict[str, list[str]] = {
    "String": [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
    ],
    "Arn": ["ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"],
    "Numeric": [
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
    ],
    "Date": [
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
    ],
    "Bool": ["Bool"],
    "IpAddress": ["IpAddress", "NotIpAddress"],
}
VARIABLES = [
    "${aws:username}",
    "${aws:PrincipalTag/team}",
    "${aws:RequestedRegion}",
    "${aws:username, 'alice'}",
    "${aws:PrincipalTag/dept}",  # never in the context: unresolvable
    "${aws:TagKeys}",  # multivalued: never a variable
    "${*}",
]
LITERAL_VARIABLES = ["${?}", "${$}"]

# Constructs on which iam-simulate departs from AWS's documentation (known_differences below)
# are drawn this rarely, so that most cases are compared without an excuse.
RARE = 0.06


def _flip_case(rng: random.Random, text: str) -> str:
    return "".join(c.swapcase() if rng.random() < 0.3 else c for c in text)


def _question(rng: random.Random, text: str) -> str:
    if not text:
        return "?"
    i = rng.randrange(len(text))
    return text[:i] + "?" + text[i + 1 :]


def _star(rng: random.Random, text: str) -> str:
    if not text:
        return "*"
    i = rng.randrange(len(text) + 1)
    j = rng.randrange(i, len(text) + 1)
    return text[:i] + "*" + text[j:]


def action_pattern(rng: random.Random, action: str) -> str:
    service, name = action.split(":", 1)
    r = rng.random()
    if r < 0.25:
        return action
    if r < 0.35:
        return _flip_case(rng, action)
    if r < 0.45:
        return f"{service}:*"
    if r < 0.55:
        return f"{service}:{_star(rng, name)}"
    if r < 0.65:
        return _flip_case(rng, f"{service}:{_question(rng, name)}")
    if r < 0.7:
        return "*"
    if r < 0.8:
        return f"{service}:{name[:-1]}"  # a prefix is not a match
    other = rng.choice([a for a, _ in REQUESTS] + OTHER_ACTIONS)
    return other if rng.random() < 0.6 else f"{other.split(':')[0]}:{_star(rng, name)}"


def resource_pattern(rng: random.Random, resource: str, variables: bool) -> str:
    """A Resource value near ``resource``."""
    if rng.random() < RARE / 3:  # no ARN: IAM refuses these (see known differences)
        return rng.choice(["arn:*", "*:*", ":".join(resource.split(":")[: rng.randint(1, 5)])])
    if resource == "*" or rng.random() < 0.08:
        return rng.choice(["*", "arn:aws:s3:::*", "arn:aws:s3:::photos/*", "*"])
    parts = resource.split(":", 5)
    r = rng.random()
    if r < 0.2:
        return resource
    if r < 0.35:  # one of the first five segments wildcarded
        i = rng.randrange(1, min(5, len(parts)))
        parts[i] = rng.choice(["*", _star(rng, parts[i]), _question(rng, parts[i])])
        return ":".join(parts)
    if r < 0.5:  # wildcards inside the resource part, mostly after its type prefix
        rest = parts[-1]
        cut = min((rest.find(c) for c in "/:" if c in rest), default=-1) + 1
        if rng.random() < RARE:
            cut = 0
        tail = rest[cut:]
        parts[-1] = rest[:cut] + rng.choice([_star(rng, tail), _question(rng, tail)])
        return ":".join(parts)
    if r < 0.58:  # a star meant to span segments
        prefix = ":".join(parts[: rng.randrange(2, len(parts))])
        return prefix + rng.choice(["*", ":*", "*:*"])
    if r < 0.65:  # case changes, in the first five parts rarely
        if rng.random() < RARE:
            return "arn:" + _flip_case(rng, resource[4:])
        parts[-1] = _flip_case(rng, parts[-1])
        return ":".join(parts)
    if r < 0.95 and variables:
        text = resource
        for user in ("alice", "bob"):
            if user in text and rng.random() < 0.7:
                text = text.replace(user, rng.choice(VARIABLES[:6]), 1)
        if text == resource or rng.random() < 0.3:
            var = rng.choice(VARIABLES)
            i = rng.randrange(len(parts[-1]) + 1)
            parts[-1] = parts[-1][:i] + var + parts[-1][i:]
            return ":".join(parts)
        return text
    other = rng.choice(REQUESTS)[1]
    return other if other != "*" else resource


def _policy_value(rng: random.Random, family: str, key: str, pool: list[str], op: str) -> Any:
    """One condition value for ``key``: usually from the request pool, sometimes mutated."""
    base = rng.choice(pool)
    r = rng.random()
    if family == "String":
        if r < 0.15:
            return _flip_case(rng, base)
        if r < 0.35 and "Like" in op:
            return rng.choice([_star(rng, base), _question(rng, base), "*"])
        if r < 0.5:
            var = rng.choice(LITERAL_VARIABLES if rng.random() < RARE else VARIABLES)
            return rng.choice([var, var + "-x", base[:2] + var])
        return base
    if family == "Arn":
        parts = base.split(":", 5)
        if r < 0.35:
            i = rng.randrange(1, len(parts))
            parts[i] = rng.choice(["*", _star(rng, parts[i]), _question(rng, parts[i])])
            return ":".join(parts)
        if r < 0.45:
            return ":".join(parts[:3]) + ":*"
        if r < 0.55:
            return base.replace("alice", rng.choice(VARIABLES[:6]))
        return base
    if family == "Numeric":
        if r < 0.1:
            return int(float(base))  # a JSON number
        return rng.choice(NUMBERS)
    if family == "Date":
        return rng.choice(EPOCHS if rng.random() < RARE else ISO_DATES)
    if family == "Bool":
        if r < 0.1:
            return rng.choice([True, False])
        return rng.choice(["true", "false", "TRUE", "False"])
    if family == "IpAddress":
        return rng.choice(ZERO_CIDRS if rng.random() < RARE else CIDRS)
    raise AssertionError(family)


def _condition(rng: random.Random, keys: dict[str, tuple[str, list[str]]]) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        multi = rng.random() < 0.25
        pool_keys = MULTI_KEYS if multi else keys
        key = rng.choice(list(pool_keys))
        if key == "aws:EpochTime" and rng.random() > RARE:  # epoch seconds: see above
            key = "aws:CurrentTime"
        family, pool = pool_keys[key]
        if rng.random() < 0.08:  # Null on any key
            op = "Null"
            value: Any = rng.choice(["true", "false", True, False])
            block.setdefault(op, {})[key] = value
            continue
        # string operators work on every key; ARNs are strings too
        if family in ("Arn", "Date", "Numeric") and rng.random() < 0.15:
            family = "String"
        base = rng.choice(OPERATORS[family])
        op = base
        if rng.random() < 0.2:
            op += "IfExists"
        if multi:
            if rng.random() > RARE:
                op = rng.choice(["ForAllValues:", "ForAnyValue:"]) + op
        elif rng.random() < 0.07:
            op = rng.choice(["ForAllValues:", "ForAnyValue:"]) + op
        n = rng.choice([1, 1, 2, 3])
        values = [_policy_value(rng, family, key, pool, base) for _ in range(n)]
        keys_of_op = block.setdefault(op, {})
        # key names are case-insensitive
        written = _flip_case(rng, key) if rng.random() < 0.1 else key
        keys_of_op[written] = values[0] if n == 1 and rng.random() < 0.6 else values
        # a second key under the same operator: same family so the operator fits
        if rng.random() < 0.25:
            same = [
                k
                for k, (f, _) in keys.items()
                if f == family and k not in (key, "aws:EpochTime") and not multi
            ]
            if same:
                k2 = rng.choice(same)
                keys_of_op[k2] = _policy_value(rng, family, k2, keys[k2][1], base)
    return block


def _statement(
    rng: random.Random,
    action: str,
    resource: str,
    keys: dict[str, tuple[str, list[str]]],
    variables: bool,
    allow_bias: float,
) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Effect": "Allow" if rng.random() < allow_bias else "Deny"}
    if rng.random() < 0.3:
        stmt["Sid"] = f"S{rng.randrange(100)}"
    actions = [action_pattern(rng, action) for _ in range(rng.choice([1, 1, 2, 3]))]
    stmt["NotAction" if rng.random() < 0.12 else "Action"] = (
        actions[0] if len(actions) == 1 and rng.random() < 0.5 else actions
    )
    resources = [resource_pattern(rng, resource, variables) for _ in range(rng.choice([1, 1, 2]))]
    stmt["NotResource" if rng.random() < 0.12 else "Resource"] = (
        resources[0] if len(resources) == 1 and rng.random() < 0.5 else resources
    )
    if rng.random() < 0.55:
        stmt["Condition"] = _condition(rng, keys)
    return stmt


def _version(rng: random.Random) -> str | None:
    r = rng.random()
    return "2012-10-17" if r < 0.92 else "2008-10-17" if r < 0.97 else None


def _document(rng: random.Random, statements: list[dict[str, Any]]) -> dict[str, Any]:
    version = _version(rng)
    doc: dict[str, Any] = {}
    if version is not None:
        doc["Version"] = version
    doc["Statement"] = statements[0] if len(statements) == 1 and rng.random() < 0.2 else statements
    return doc


def _context(rng: random.Random, keys: dict[str, tuple[str, list[str]]]) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    for key, (_, pool) in keys.items():
        if rng.random() < 0.55:
            ctx[_flip_case(rng, key) if rng.random() < 0.1 else key] = rng.choice(pool)
    for key, (_, pool) in MULTI_KEYS.items():
        r = rng.random()
        if r < 0.15:
            ctx[key] = []
        elif r < 0.7:
            ctx[key] = rng.sample(pool, rng.randint(1, min(3, len(pool))))
    return ctx


def random_case(rng: random.Random) -> Case:
    action, resource = rng.choice(REQUESTS)
    keys = dict(SINGLE_KEYS)
    if action == "s3:ListBucket":
        keys.update(LIST_BUCKET_KEYS)
    policies = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        variables = rng.random() < 0.9
        statements = [
            _statement(rng, action, resource, keys, variables, 0.75)
            for _ in range(rng.choice([1, 1, 2, 3]))
        ]
        policies.append(_document(rng, statements))
    boundary = None
    if rng.random() < 0.35:
        statements = [
            _statement(rng, action, resource, keys, True, 0.8) for _ in range(rng.choice([1, 1, 2]))
        ]
        boundary = _document(rng, statements)
    return {
        "action": _flip_case(rng, action) if rng.random() < 0.1 else action,
        "resource": resource,
        "policies": policies,
        "boundary": boundary,
        "context": _context(rng, keys),
    }


def random_cases(seed: int, count: int) -> list[Case]:
    rng = random.Random(seed)
    return [random_case(rng) for _ in range(count)]


# --------------------------------------------------------------------------- known differences
#
# Constructs on which iam-simulate departs from AWS's documentation; each category is pinned
# by a strict xfail case in test_evaluate_differential.py (KNOWN_DIFFERENCES) with the rule
# and its source.  A random case on which the two evaluators disagree is excused only if it
# holds such a construct *and* they agree once every such construct is taken out of it
# (``neutralise``): the difference must be the construct's doing.

_EPOCH = re.compile(r"[+-]?\d+(\.\d+)?")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# a statement that applies to none of REQUESTS (stands in for a policy's last statement)
_INERT = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::inert/inert"}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _documents(case: Case) -> list[dict[str, Any]]:
    return [*case["policies"], *([case["boundary"]] if case["boundary"] else [])]


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return _listed(doc["Statement"])


def _context_value(case: Case, key: str) -> Any:
    for k, v in case["context"].items():
        if k.lower() == key.lower():
            return v
    return None


def _unresolvable(case: Case, text: str) -> bool:
    """Whether ``text`` holds a policy variable that the request context cannot fill."""
    for inner in _VARIABLE.findall(text):
        if inner.strip() in ("*", "?", "$") or "," in inner:
            continue
        if not isinstance(_context_value(case, inner.strip()), str):
            return True
    return False


def _ip_version(text: str) -> int | None:
    try:
        return ipaddress.ip_network(text, strict=False).version
    except ValueError:
        return None


def _base(op: str) -> str:
    base = op.split(":", 1)[-1]
    return base[: -len("IfExists")] if base.endswith("IfExists") else base


def _document_quirk(doc: dict[str, Any]) -> str | None:
    if doc.get("Version") != "2012-10-17" and "${" in json.dumps(doc):
        return "version-2008-variables"
    return None


def _pattern_quirk(case: Case, field: str, pattern: str) -> str | None:
    if (
        pattern != "*"
        and pattern.count(":") < 5
        and (not pattern.endswith("*") or case["resource"] == "*")
    ):
        return "resource-arn-with-fewer-parts"
    if field == "NotResource" and _unresolvable(case, pattern):
        return "not-resource-unresolvable-variable"
    if pattern.count(":") >= 5 and any(c in pattern.split(":", 3)[2] for c in "*?"):
        return "service-segment-wildcard"
    head = ":".join(pattern.split(":", 5)[:5])
    if head != head.lower():
        return "arn-prefix-case"
    rest = pattern.split(":", 5)[5] if pattern.count(":") >= 5 else ""
    wild = min((rest.find(c) for c in "*?" if c in rest), default=-1)
    sep = min((rest.find(c) for c in "/:" if c in rest), default=-1)
    if 0 <= wild < sep:
        return "wildcard-in-resource-type"
    return None


def _key_quirk(case: Case, op: str, key: str) -> str | None:
    """A category that concerns a condition key as a whole."""
    request = _context_value(case, key)
    prefixed = ":" in op
    if request == [] and (_base(op) == "Null" or not prefixed):
        return "empty-list-is-absent"
    if isinstance(request, list) and request and not prefixed and _base(op) != "Null":
        return "multivalued-without-set-operator"
    if _base(op).startswith("Date") and any(
        isinstance(r, str) and _EPOCH.fullmatch(r) for r in _listed(request)
    ):
        return "epoch-seconds"
    return None


def _value_quirk(case: Case, op: str, key: str, value: Any) -> str | None:
    """A category that concerns one policy value of a condition key."""
    base, text, request = _base(op), str(value), _context_value(case, key)
    if base.startswith("Date") and _EPOCH.fullmatch(text):
        return "epoch-seconds"
    if base.startswith("String") and ("${$}" in text or "${?}" in text):
        return "literal-dollar-question-variables"
    if base in ("IpAddress", "NotIpAddress") and text.endswith("/0"):
        return "ip-zero-prefix"
    if (
        base == "NotIpAddress"
        and "/" not in text
        and isinstance(request, str)
        and _ip_version(text) not in (None, _ip_version(request))
    ):
        return "ip-address-of-other-version"
    if base in ("ArnNotEquals", "ArnNotLike"):
        if text.count(":") < 5:
            return "arn-value-with-fewer-parts-negated"
        if isinstance(request, str) and _unresolvable(case, text):
            return "arn-negated-unresolvable-variable"
    return None


def known_differences(case: Case) -> set[str]:
    """The categories of known difference whose constructs appear in ``case``."""
    found: set[str | None] = set()
    for doc in _documents(case):
        found.add(_document_quirk(doc))
        for stmt in _statements(doc):
            for field in ("Resource", "NotResource"):
                for pattern in _listed(stmt.get(field, [])):
                    found.add(_pattern_quirk(case, field, pattern))
            for op, keys in stmt.get("Condition", {}).items():
                for key, values in keys.items():
                    found.add(_key_quirk(case, op, key))
                    found.update(_value_quirk(case, op, key, v) for v in _listed(values))
    found.discard(None)
    return found  # type: ignore[return-value]


def neutralise(case: Case) -> Case:
    """``case`` without the constructs of known differences (decisions may change).

    Patterns, condition keys and values of a known difference are dropped (a statement left
    with no Resource is dropped, a policy left with no statement keeps an inert one); the
    Version of a 2008-10-17 document with variables becomes 2012-10-17.
    """
    case = copy.deepcopy(case)
    for doc in _documents(case):
        if _document_quirk(doc):
            doc["Version"] = "2012-10-17"
        kept = []
        for stmt in _statements(doc):
            field = "Resource" if "Resource" in stmt else "NotResource"
            patterns = [p for p in _listed(stmt[field]) if not _pattern_quirk(case, field, p)]
            if not patterns:
                continue
            stmt[field] = patterns
            block = {}
            for op, keys in stmt.get("Condition", {}).items():
                new_keys = {}
                for key, values in keys.items():
                    if _key_quirk(case, op, key):
                        continue
                    values = [v for v in _listed(values) if not _value_quirk(case, op, key, v)]
                    if values:
                        new_keys[key] = values
                if new_keys:
                    block[op] = new_keys
            if "Condition" in stmt:
                stmt["Condition"] = block
                if not block:
                    del stmt["Condition"]
            kept.append(stmt)
        doc["Statement"] = kept or [dict(_INERT)]
    return case
