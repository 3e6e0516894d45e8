"""Grammar: the document, statement, principal and condition-block shapes IAM accepts
(``invalid-grammar``, ``invalid-condition-operator``). Parsing builds the model every other
check family reads."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from wizard.lazyre import lazy
from wizard.policy.documents import ERROR, WARNING, json_pointer
from wizard.policy.lint.arns import _OLD_VERSION_VARIABLE, _variable_problem
from wizard.policy.lint.model import _MAPPING, Linter, _Document, _kind_of, _short, _Statement

VERSIONS = ("2012-10-17", "2008-10-17")
TOP_KEYS = ("Version", "Id", "Statement")
_TOP_KEY_SET = frozenset(TOP_KEYS)
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
_STATEMENT_KEY_SET = frozenset(STATEMENT_KEYS)  # membership without a scan
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
_SID_RE = re.compile(r"^[A-Za-z0-9]*$")


_ACCOUNT_PRINCIPAL = lazy(r"^\d{12}$")
_IAM_PRINCIPAL = lazy(
    r"^arn:aws[a-z-]*:(?:iam::(?:\d{12}|aws):(?:root|user/.+|role/.+)"
    r"|sts::\d{12}:(?:assumed-role/.+|federated-user/.+))$"
)
_UNIQUE_ID = lazy(r"^A[A-Z0-9]{15,127}$")  # AIDA... (user), AROA... (role)
_SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9][a-z0-9.-]*\.[a-z0-9-]+(?:\.[a-z0-9-]+)*$")
_FEDERATED_PRINCIPAL = lazy(
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


@functools.lru_cache(maxsize=1024)
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
_NUMBER_RE = lazy(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_DATE_RE = lazy(
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


@functools.lru_cache(maxsize=1024)
def _operator_hint(name: str) -> tuple[str, ...]:
    from difflib import get_close_matches  # for a misspelling only: not on a clean path

    return tuple(get_close_matches(name, list(_BASE_OPERATORS.values()), n=1))


@functools.lru_cache(maxsize=1024)
def _statement_key_hint(key: str) -> list[str]:
    from difflib import get_close_matches

    return get_close_matches(key, STATEMENT_KEYS, n=1)


def parse(
    linter: Linter,
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
        linter.add(
            g,
            f"a policy document is a JSON object with Version and Statement, not {_kind_of(raw)}",
            file,
            base,
        )
        return doc
    for key in _duplicates(raw):
        linter.add(g, f"the key {key!r} appears twice; IAM rejects the policy", file, base)
    for key in raw if not _TOP_KEY_SET.issuperset(raw) else ():
        if key not in TOP_KEYS:
            linter.add(
                g,
                f"unknown top-level key {key!r} (a policy has Version, Id and Statement)",
                file,
                base + json_pointer(key),
            )
    if "Version" not in raw:
        linter.add(
            g,
            'no "Version": add "Version": "2012-10-17" (without it, policy variables such '
            "as ${aws:username} are taken literally)",
            file,
            base,
        )
    elif raw["Version"] not in VERSIONS:
        linter.add(
            g,
            f'"Version" must be "2012-10-17" (or the old "2008-10-17"), not {raw["Version"]!r}',
            file,
            base + "/Version",
        )
    if "Id" in raw and not isinstance(raw["Id"], str):
        linter.add(g, '"Id" must be a string', file, base + "/Id")
    if "Statement" not in raw:
        linter.add(g, 'no "Statement": a policy needs at least one statement', file, base)
        return doc
    statements = raw["Statement"]
    sptr = base + "/Statement"
    if isinstance(statements, _MAPPING):
        items = [(statements, sptr)]
    elif isinstance(statements, list):
        if not statements:
            linter.add(g, '"Statement" is an empty list: the policy grants nothing', file, sptr)
        items = [(s, f"{sptr}/{i}") for i, s in enumerate(statements)]
    else:
        linter.add(
            g,
            f'"Statement" must be a statement object or a list of them, not {_kind_of(statements)}',
            file,
            sptr,
        )
        return doc
    doc.usable = True
    sids: dict[str, str] = {}
    for i, (st, ptr) in enumerate(items):
        parsed = _parse_statement(linter, doc, i, st, ptr)
        if parsed is None:
            continue
        doc.statements.append(parsed)
        if parsed.sid:
            if parsed.sid in sids:
                linter.add(
                    g,
                    f"duplicate Sid {parsed.sid!r} (also at {sids[parsed.sid]}); Sids must be "
                    "unique within a policy",
                    file,
                    ptr + "/Sid",
                )
            else:
                sids[parsed.sid] = ptr
    return doc


@functools.lru_cache(maxsize=4096)
def _member(key: Any) -> str:
    """The JSON pointer step to an object's member ``key`` (condition operators and keys
    recur across statements)."""
    return json_pointer(key)


def _duplicates(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys a JSON object repeated (:class:`DuplicateKeyDict`); none for a plain dict."""
    return () if type(raw) is dict else getattr(raw, "duplicates", ())


def _strings(
    linter: Linter, value: Any, ptr: str, what: str, file: str
) -> list[tuple[str, str]] | None:
    g = "invalid-grammar"
    if isinstance(value, str):
        return [(value, ptr)]
    if isinstance(value, list):
        if not value:
            linter.add(g, f'"{what}" is an empty list; list at least one', file, ptr)
            return None
        if all(type(item) is str for item in value):  # the usual: no finding to make
            return [(item, f"{ptr}/{i}") for i, item in enumerate(value)]
        out = []
        ok = True
        for i, item in enumerate(value):
            if isinstance(item, str):
                out.append((item, f"{ptr}/{i}"))
            else:
                linter.add(
                    g,
                    f'"{what}" entries must be strings, not {_kind_of(item)}',
                    file,
                    f"{ptr}/{i}",
                )
                ok = False
        return out if ok else None
    linter.add(
        g, f'"{what}" must be a string or a list of strings, not {_kind_of(value)}', file, ptr
    )
    return None


def _either(
    linter: Linter, raw: Mapping[str, Any], key: str, negated: str, ptr: str, file: str
) -> tuple[list[tuple[str, str]] | None, bool]:
    """The strings under exactly one of ``key`` and ``negated`` (Action / NotAction), and
    whether it was ``negated``; None, after a finding, for both, neither or a bad value."""
    has_key, has_negated = key in raw, negated in raw
    if has_key == has_negated:
        what = (
            f'both "{key}" and "{negated}"; keep one' if has_key else f'no "{key}" (or "{negated}")'
        )
        linter.add("invalid-grammar", f"statement has {what}", file, ptr)
        return None, False
    used = key if has_key else negated
    return _strings(linter, raw[used], f"{ptr}/{used}", used, file), has_negated


def _parse_statement(
    linter: Linter, doc: _Document, index: int, raw: Any, ptr: str
) -> _Statement | None:
    g = "invalid-grammar"
    file = doc.file
    if not isinstance(raw, _MAPPING):
        linter.add(g, f"a statement must be an object, not {_kind_of(raw)}", file, ptr)
        return None
    st = _Statement(index, ptr, raw)
    for key in _duplicates(raw):
        linter.add(g, f"the key {key!r} appears twice in the statement", file, ptr)
        st.usable = False
    for key in raw if not _STATEMENT_KEY_SET.issuperset(raw) else ():
        if key not in _STATEMENT_KEY_SET:
            hint = _statement_key_hint(key)
            linter.add(
                g,
                f"unknown statement key {key!r}"
                + (f" (did you mean {hint[0]!r}?)" if hint else ""),
                file,
                ptr + json_pointer(key),
            )
    if "Sid" in raw:
        sid = raw["Sid"]
        if not isinstance(sid, str):
            linter.add(g, f'"Sid" must be a string, not {_kind_of(sid)}', file, ptr + "/Sid")
        else:
            st.sid = sid
            if doc.type != "trust" and not _SID_RE.match(sid):
                linter.add(
                    g,
                    f"Sid {sid!r} may hold only letters and digits in an {doc.type} policy",
                    file,
                    ptr + "/Sid",
                )
    effect = raw.get("Effect")
    if "Effect" not in raw:
        linter.add(g, 'statement has no "Effect": add "Allow" or "Deny"', file, ptr)
        st.usable = False
    elif effect not in ("Allow", "Deny"):
        linter.add(
            g,
            f'"Effect" must be "Allow" or "Deny" (case matters), not {effect!r}',
            file,
            ptr + "/Effect",
        )
        st.usable = False
    st.allow = effect == "Allow"
    # Action / NotAction
    actions, st.not_action = _either(linter, raw, "Action", "NotAction", ptr, file)
    if actions is None:
        st.usable = False
    else:
        st.actions = actions
    # Resource / NotResource
    if doc.type == "trust":
        has_r = "Resource" in raw
        if has_r or "NotResource" in raw:
            linter.add(
                g,
                "a trust policy names no Resource: the role itself is the resource",
                file,
                ptr + ("/Resource" if has_r else "/NotResource"),
            )
    else:
        resources, st.not_resource = _either(linter, raw, "Resource", "NotResource", ptr, file)
        if resources is None:
            st.usable = False
        else:
            st.resources = resources
    # Principal
    has_p, has_np = "Principal" in raw, "NotPrincipal" in raw
    if doc.type != "trust":
        for key in ("Principal", "NotPrincipal"):
            if key in raw:
                linter.add(
                    g,
                    f'"{key}" belongs in trust and resource policies, not in an '
                    f"{doc.type} policy (the principal is whoever holds the policy)",
                    file,
                    f"{ptr}/{key}",
                )
    elif has_np:
        linter.add(
            g,
            'a trust policy names who may assume the role with "Principal"; '
            '"NotPrincipal" trusts everyone else',
            file,
            ptr + "/NotPrincipal",
        )
        st.usable = False
    elif not has_p:
        linter.add(g, 'a trust policy statement needs a "Principal"', file, ptr)
        st.usable = False
    else:
        st.principal_ptr = ptr + "/Principal"
        if _principal_ok(linter, raw["Principal"], st.principal_ptr, file):
            st.principal = raw["Principal"]
        else:
            st.usable = False
    if "Condition" in raw:
        _parse_conditions(linter, st, raw["Condition"], ptr + "/Condition", file, doc.version)
    return st


def _principal_ok(linter: Linter, value: Any, ptr: str, file: str) -> bool:
    g = "invalid-grammar"
    if value == "*":
        return True
    if not isinstance(value, _MAPPING) or not value:
        linter.add(
            g,
            'a Principal is "*" or an object such as {"Service": "lambda.amazonaws.com"}',
            file,
            ptr,
        )
        return False
    ok = True
    for key, item in value.items():
        if key not in PRINCIPAL_KEYS:
            linter.add(
                g,
                f"unknown principal type {key!r} (types: {', '.join(PRINCIPAL_KEYS)})",
                file,
                ptr + json_pointer(key),
            )
            ok = False
        else:
            values = _strings(linter, item, ptr + json_pointer(key), f"Principal.{key}", file)
            if values is None:
                ok = False
                continue
            for text, vptr in values:
                problem = _principal_problem(key, text)
                if problem is not None:
                    linter.add(g, problem, file, vptr)
                    ok = False
    return ok


def _parse_conditions(
    linter: Linter, st: _Statement, block: Any, ptr: str, file: str, version: Any = None
) -> None:
    g = "invalid-grammar"
    if not isinstance(block, _MAPPING):
        linter.add(g, f'"Condition" must be an object, not {_kind_of(block)}', file, ptr)
        st.usable = False
        return
    for op, keys in block.items():
        op_ptr = ptr + _member(op)
        split = split_operator(str(op))
        base = split[1] if split else None
        if split is None:
            hint = _operator_hint(str(op).split(":")[-1])
            linter.add(
                "invalid-condition-operator",
                f"unknown condition operator {op!r}"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
                + "; IAM rejects the policy",
                file,
                op_ptr,
            )
        if not isinstance(keys, _MAPPING) or not keys:
            linter.add(
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
            key_ptr = op_ptr + _member(key)
            other = key if seen is None else seen.setdefault(str(key).lower(), str(key))
            if other != key:
                linter.add(
                    g,
                    f"the condition key {key!r} appears twice in {op!r} (also as {other!r}); "
                    "key names ignore case, so IAM rejects the policy",
                    file,
                    key_ptr,
                )
            values = raw_values if isinstance(raw_values, list) else [raw_values]
            if isinstance(raw_values, list) and not raw_values:
                linter.add(g, f"condition key {key!r} has an empty list of values", file, key_ptr)
                st.usable = False
                continue
            strs: list[str] = []
            for v in values:
                if isinstance(v, bool):
                    strs.append("true" if v else "false")
                elif isinstance(v, str | int | float):
                    strs.append(str(v))
                else:
                    linter.add(
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
                        linter.add(g, f"{op}: {problem[0]}", file, key_ptr, problem[1])
                st.conditions.append((str(op), base, str(key), strs, key_ptr))
