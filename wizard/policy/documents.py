"""Loading policy files: one policy document, or a ``build`` bundle's parts.

Every problem with a file's content becomes a :class:`Finding` (``invalid-json`` for text that
is not JSON, ``invalid-grammar`` for a bundle of the wrong shape); a file that cannot be read at
all is a :class:`~wizard.errors.UserError`. ``validate``, ``can`` and ``diff`` share this loader.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wizard.errors import UserError, read_errors

__all__ = [
    "ERROR",
    "WARNING",
    "INFO",
    "SEVERITY_RANK",
    "POLICY_TYPES",
    "Finding",
    "PolicyPart",
    "PolicySource",
    "detect_type",
    "json_pointer",
    "load_policy_source",
    "load_valid_policy_source",
    "parse_policy_source",
]

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_RANK = {INFO: 0, WARNING: 1, ERROR: 2}

PolicyType = Literal["identity", "trust", "boundary"]
POLICY_TYPES: tuple[str, ...] = ("identity", "trust", "boundary")

BUNDLE_KEYS = (
    "RoleName",
    "Path",
    "Description",
    "AssumeRolePolicyDocument",
    "Policies",
    "ManagedPolicyArns",
    "PermissionsBoundary",
    "DeployerPolicy",
    "Tags",
)

# isinstance() tries dict (what JSON parsing makes) before the slower abstract Mapping check
_MAPPING = (dict, Mapping)


def json_pointer(*parts: object) -> str:
    """An RFC 6901 pointer from path parts (``~`` and ``/`` in keys escaped)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: a stable code, a severity, a message to act on, and where it is."""

    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    file: str
    pointer: str = ""  # JSON pointer from the file's root ("" = the whole file)
    line: int | None = None  # for invalid-json: where parsing stopped
    column: int | None = None

    @property
    def location(self) -> str:
        return self.pointer

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "location": self.pointer,
        }


@dataclass
class PolicyPart:
    """One policy document inside a file."""

    type: str  # identity | trust | boundary
    document: Any  # the parsed JSON (not necessarily a valid policy)
    pointer: str = ""  # where the document sits in its file ("" for a plain document)
    name: str | None = None  # PolicyName inside a bundle
    role: str = "document"  # document | inline | trust | boundary | deployer


@dataclass
class PolicySource:
    """What one file holds: a single policy document or a bundle's parts, plus load findings."""

    file: str
    kind: str  # "document" | "bundle" | "invalid"
    parts: list[PolicyPart] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    data: Any = None
    role_name: str | None = None
    managed_policy_arns: list[str] = field(default_factory=list)
    boundary_arn: str | None = None
    # For a single document read from text with no JSON float in it: its text's length without
    # white space, which IAM's size of the document (see quotas.policy_size) never exceeds --
    # re-serialising can only drop characters (escapes, repeated keys), never add them.
    size_bound: int | None = None

    @property
    def is_bundle(self) -> bool:
        return self.kind == "bundle"

    @property
    def usable(self) -> bool:
        """False when the file could not be read as JSON or as a bundle."""
        return not any(f.severity == ERROR for f in self.findings)

    @property
    def document(self) -> Any:
        """The single document of a plain policy file (None for a bundle)."""
        return self.parts[0].document if self.kind == "document" and self.parts else None

    @property
    def type(self) -> str | None:
        return self.parts[0].type if self.kind == "document" and self.parts else None

    def _role(self, role: str) -> PolicyPart | None:
        return next((p for p in self.parts if p.role == role), None)

    @property
    def identity(self) -> dict[str, Any]:
        """Identity policies by name: a bundle's inline policies, or a plain identity document."""
        if self.kind == "document":
            part = self.parts[0] if self.parts else None
            return {self.file: part.document} if part and part.type == "identity" else {}
        return {
            p.name or f"#{i}": p.document for i, p in enumerate(self.parts) if p.role == "inline"
        }

    @property
    def boundary(self) -> Any | None:
        part = self._role("boundary")
        if part is None and self.kind == "document" and self.type == "boundary":
            part = self.parts[0]
        return part.document if part else None

    @property
    def trust(self) -> Any | None:
        part = self._role("trust")
        if part is None and self.kind == "document" and self.type == "trust":
            part = self.parts[0]
        return part.document if part else None

    @property
    def deployer(self) -> Any | None:
        part = self._role("deployer")
        return part.document if part else None

    def require_usable(self) -> PolicySource:
        """Raise a one-line UserError for the first load problem; else return self."""
        for f in self.findings:
            if f.severity == ERROR:
                _refuse(f)
        return self

    def require_valid(self) -> PolicySource:
        """Raise a one-line UserError, with the validator's message, for the first thing IAM
        would reject in these policies (grammar, ARN grammar, condition operators: what
        ``can`` and ``diff`` must not answer for); else return self."""
        from wizard.policy.lint.core import grammar_errors

        for f in grammar_errors(self):
            _refuse(f)
        return self


def _refuse(f: Finding) -> None:
    where = f.file + (f":{f.line}" if f.line else "")
    if f.pointer:
        where += f" at {f.pointer}"
    raise UserError(f.message, where=where)


# --------------------------------------------------------------------------- parsing


class DuplicateKeyDict(dict):
    """A JSON object that had repeated keys (the last value won); ``duplicates`` names them."""

    duplicates: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        dups = []
        for key, _ in pairs:
            if key in seen and key not in dups:
                dups.append(key)
            seen.add(key)
        marked = DuplicateKeyDict(out)
        marked.duplicates = tuple(dups)
        return marked
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class _Decoders(threading.local):
    """This thread's JSON decoders (building one per call costs more than a small policy's
    parse): one for plain parsing, one that records the JSON floats it meets."""

    def __init__(self) -> None:
        self.floats: list[str] = []
        self.plain = json.JSONDecoder(
            object_pairs_hook=_object_pairs, parse_constant=_reject_constant
        )
        self.recording = json.JSONDecoder(
            object_pairs_hook=_object_pairs,
            parse_constant=_reject_constant,
            parse_float=self._float,
        )

    def _float(self, number: str) -> float:
        self.floats.append(number)
        return float(number)


_DECODERS = _Decoders()


def parse_json(text: str, file: str, floats: list[str] | None = None) -> tuple[Any, Finding | None]:
    """Parse JSON text; a problem becomes an ``invalid-json`` finding (never an exception).
    ``floats``, when given, collects the text of every JSON float met."""
    decoders = _DECODERS
    try:
        if floats is None:
            return decoders.plain.decode(text), None
        decoders.floats = floats
        try:
            return decoders.recording.decode(text), None
        finally:
            decoders.floats = []
    except json.JSONDecodeError as exc:
        return None, Finding(
            "invalid-json",
            ERROR,
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            file,
            line=exc.lineno,
            column=exc.colno,
        )
    except RecursionError:
        return None, Finding(
            "invalid-json", ERROR, "not usable JSON: nested too deeply to be a policy", file
        )
    except ValueError as exc:  # NaN/Infinity, integers with too many digits
        return None, Finding("invalid-json", ERROR, f"not valid JSON: {exc}", file)


def detect_type(document: Any) -> str:
    """``trust`` when statements name a Principal and read more like a trust policy's than an
    identity policy's, else ``identity``. A trust statement names a Principal and no Resource,
    an identity statement a Resource and no Principal; one with both (or neither) counts for
    trust when all its actions are sts actions. So a stray Principal in an identity policy (a
    mistake to report) does not make it read as a trust policy, nor a stray Resource the other
    way round."""
    if not isinstance(document, _MAPPING):
        return "identity"
    statements = document.get("Statement")
    items = [statements] if isinstance(statements, _MAPPING) else statements
    if not isinstance(items, list):
        return "identity"
    if not any(
        isinstance(st, _MAPPING) and ("Principal" in st or "NotPrincipal" in st) for st in items
    ):
        return "identity"
    trust = identity = 0
    for st in items:
        if not isinstance(st, _MAPPING):
            continue
        principal = "Principal" in st or "NotPrincipal" in st
        resource = "Resource" in st or "NotResource" in st
        if principal != resource:
            trust += principal
            identity += resource
        elif _sts_only(st.get("Action", st.get("NotAction"))):
            trust += 1
        else:
            identity += 1
    return "trust" if trust > identity else "identity"


def _sts_only(actions: Any) -> bool:
    items = actions if isinstance(actions, list) else [actions]
    return bool(items) and all(isinstance(a, str) and a.lower().startswith("sts:") for a in items)


def parse_policy_source(text: str, file: str = "<policy>", type: str | None = None) -> PolicySource:
    """A PolicySource from JSON text: a bundle when it has the bundle's keys, else one document."""
    from wizard.bundle import is_bundle

    if type is not None and type not in POLICY_TYPES:
        raise UserError(f"unknown policy type {type!r} (types: {', '.join(POLICY_TYPES)})")
    if text.startswith("\ufeff"):
        text = text[1:]
    floats: list[str] = []
    data, problem = parse_json(text, file, floats)
    if problem is not None:
        return PolicySource(file, "invalid", findings=[problem])
    if is_bundle(data):
        return _bundle_source(data, file)
    part = PolicyPart(type or detect_type(data), data)
    source = PolicySource(file, "document", parts=[part], data=data)
    if not floats:  # a float may re-serialise longer ("1e5" -> "100000.0")
        source.size_bound = (
            len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r")
        )
    return source


def load_policy_source(path: str | Path, type: str | None = None) -> PolicySource:
    """Read a policy document or a ``build`` bundle from ``path`` (``-`` = standard input).

    ``type`` (identity, trust or boundary) overrides the detected type of a single document;
    a bundle's parts always have their own types. A file that cannot be read is a UserError;
    everything else wrong with it is a finding in ``.findings``.
    """
    file = str(path)
    if file == "-":
        raw = sys.stdin.buffer.read()
        file = "<stdin>"
    else:
        with read_errors(file, "policy file"):
            raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return PolicySource(
            file,
            "invalid",
            findings=[
                Finding(
                    "invalid-json",
                    ERROR,
                    f"not UTF-8 text (byte {exc.start}): IAM policies are UTF-8 JSON",
                    file,
                )
            ],
        )
    return parse_policy_source(text, file, type)


def _bundle_source(data: dict[str, Any], file: str) -> PolicySource:
    src = PolicySource(file, "bundle", data=data)

    def bad(pointer: str, message: str, severity: str = ERROR) -> None:
        src.findings.append(Finding("invalid-grammar", severity, message, file, pointer))

    for key in data:
        if key not in BUNDLE_KEYS:
            bad(
                json_pointer(key),
                f"unknown bundle field {key!r} (fields: {', '.join(BUNDLE_KEYS)})",
                WARNING,
            )
    name = data.get("RoleName")
    if isinstance(name, str):
        src.role_name = name
    else:
        bad(
            "/RoleName",
            "a bundle needs a RoleName string" if name is None else "RoleName must be a string",
        )
    if "Path" in data and not isinstance(data["Path"], str):
        bad("/Path", "Path must be a string such as /")
    src.parts.append(
        PolicyPart(
            "trust", data["AssumeRolePolicyDocument"], "/AssumeRolePolicyDocument", None, "trust"
        )
    )
    policies = data["Policies"]
    if not isinstance(policies, list):
        bad("/Policies", "Policies must be a list of {PolicyName, PolicyDocument}")
        policies = []
    for i, item in enumerate(policies):
        part = _named_part(item, json_pointer("Policies", i), "identity", "inline", bad)
        if part is not None:
            src.parts.append(part)
    arns = data.get("ManagedPolicyArns", [])
    if arns is None:
        arns = []
    if not isinstance(arns, list) or not all(isinstance(a, str) for a in arns):
        bad("/ManagedPolicyArns", "ManagedPolicyArns must be a list of policy ARN strings")
    else:
        src.managed_policy_arns = list(arns)
    pb = data.get("PermissionsBoundary")
    if isinstance(pb, _MAPPING) and "Arn" in pb and "PolicyDocument" not in pb:
        if isinstance(pb["Arn"], str):
            src.boundary_arn = pb["Arn"]
        else:
            bad("/PermissionsBoundary/Arn", "the boundary's Arn must be a string")
    elif pb is not None:
        part = _named_part(pb, "/PermissionsBoundary", "boundary", "boundary", bad)
        if part is not None:
            src.parts.append(part)
    dep = data.get("DeployerPolicy")
    if dep is not None:
        part = _named_part(dep, "/DeployerPolicy", "identity", "deployer", bad)
        if part is not None:
            src.parts.append(part)
    tags = data.get("Tags", [])
    if tags is not None and not (
        isinstance(tags, list)
        and all(isinstance(t, _MAPPING) and isinstance(t.get("Key"), str) for t in tags)
    ):
        bad("/Tags", "Tags must be a list of {Key, Value}")
    return src


def _named_part(item: Any, pointer: str, type: str, role: str, bad: Any) -> PolicyPart | None:
    if not isinstance(item, _MAPPING):
        bad(pointer, "expected an object {PolicyName, PolicyDocument}")
        return None
    name = item.get("PolicyName")
    if not isinstance(name, str) or not name:
        bad(pointer + "/PolicyName", "a policy needs a PolicyName string")
        name = None
    if "PolicyDocument" not in item:
        bad(pointer + "/PolicyDocument", "missing PolicyDocument")
        return None
    for key in item:
        if key not in ("PolicyName", "PolicyDocument"):
            bad(pointer + json_pointer(key), f"unknown field {key!r}", WARNING)
    return PolicyPart(type, item["PolicyDocument"], pointer + "/PolicyDocument", name, role)


# --------------------------------------------------------------------------- refusing what IAM rejects


def load_valid_policy_source(path: str | Path, type: str | None = None) -> PolicySource:
    """:func:`load_policy_source`, refusing (UserError) a file IAM would reject: how ``can``
    and ``diff`` read policies, so they never answer for a policy that cannot exist."""
    return load_policy_source(path, type).require_valid()
