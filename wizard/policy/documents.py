"""Loading policy files: one policy document, or a role's policies.

:func:`load_policy_source` is the one reader of "a policy set from a file" that ``validate``,
``can`` and ``diff`` share. A file may hold a policy document (JSON), a ``build`` JSON bundle, a
CloudFormation template as ``build --format cloudformation[-json]`` writes it (YAML or JSON:
its ``AWS::IAM::Role`` and ``AWS::IAM::ManagedPolicy`` documents) or a role spec (YAML with
``function:``, composed). A file that cannot be used at all -- unreadable, larger than
:data:`~wizard.limits.MAX_POLICY_BYTES`, not UTF-8, neither JSON nor YAML, nested too deeply, a
template whose intrinsic functions cannot be resolved offline -- is a one-line
:class:`~wizard.errors.UserError` (exit status 2). What is wrong *in* a usable file is a
:class:`Finding` (``invalid-grammar`` for a bundle of the wrong shape, and the linter's codes).
:func:`parse_policy_source` parses JSON text alone and reports bad JSON as an ``invalid-json``
finding.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from wizard.errors import UserError
from wizard.lazyre import lazy
from wizard.limits import (
    MAX_POLICY_BYTES,
    LimitedLoader,
    check_depth,
    compose_yaml,
    decode_text,
    read_input,
)

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
    "load_policy_sources",
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


class Finding(NamedTuple):
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


class PolicyPart(NamedTuple):
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
    # For a single document read from text with no JSON float in it: a bound IAM's size of the
    # document (see quotas.policy_size) never exceeds -- its text's length, without white space
    # when over _BOUND_EXACT_ABOVE; re-serialising can only drop characters (escapes, repeated
    # keys), never add them.
    size_bound: int | None = None
    notes: list[str] = field(default_factory=list)  # how the file was read, for stderr

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


# Up to this length (a managed policy's quota) a text's own length is the size bound: it is
# still an upper bound, and it is within the identity policy's quotas, so counting white space
# out of it (a pass over the text per character class) pays only for longer texts.
_BOUND_EXACT_ABOVE = 6_144


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
        bound = len(text)
        if bound > _BOUND_EXACT_ABOVE:  # below, the length itself is bound enough
            bound -= text.count(" ") + text.count("\n") + text.count("\t") + text.count("\r")
        source.size_bound = bound
    return source


def load_policy_source(path: str | Path, type: str | None = None) -> PolicySource:
    """Read the policies of the file ``path`` (``-`` = standard input): a policy document, a
    ``build`` bundle, a CloudFormation template or a role spec (see the module's docstring).

    ``type`` (identity, trust or boundary) overrides the detected type of a single document;
    a bundle's parts always have their own types. A file that cannot be used is a UserError;
    everything else wrong with it is a finding in ``.findings``.
    """
    raw, file = read_input(str(path), "policy file", MAX_POLICY_BYTES)
    text = decode_text(raw, file, "policy file")
    if not text.strip():
        raise UserError("the file is empty; expected a policy document (JSON)", where=file)
    source = parse_policy_source(text, file, type)
    if source.kind == "invalid":
        if text.lstrip()[:1] in ("{", "["):  # meant as JSON: its own error is the one to read
            source.require_usable()
        data = _yaml_data(text, file, source.findings[0])
    else:
        data = source.data
        check_depth(data, file)
    if isinstance(data, _MAPPING) and _is_template(data):
        bundle, notes = template_bundle(data, file)
        out = _bundle_source(bundle, file)
        out.notes.extend(notes)
        return out
    if isinstance(data, _MAPPING) and "function" in data and "Statement" not in data:
        return _spec_source(text, file)
    if _is_app(data):
        raise UserError(
            "an app spec or an app's JSON export holds several roles; `validate` reads each, "
            "this command reads one role (build one function's role with a role spec)",
            where=file,
        )
    if source.kind != "invalid":
        return source
    if isinstance(data, (*_MAPPING, list)):  # a policy written as YAML: IAM reads JSON only
        raise UserError(
            "YAML, not JSON: IAM policies are JSON (YAML is read only as a CloudFormation "
            "template or a role spec)",
            where=file,
        )
    source.require_usable()
    return source  # pragma: no cover - require_usable raised


def _yaml_data(text: str, file: str, json_problem: Finding) -> Any:
    """The data of YAML text (CloudFormation's short tags such as ``!Sub`` read as their long
    forms); text that is neither JSON nor YAML is refused with the JSON error."""
    try:
        node, loader = compose_yaml(text, file, _TemplateLoader)
    except UserError:
        raise UserError(json_problem.message, where=_json_where(json_problem)) from None
    try:
        return None if node is None else loader.construct_document(node)
    except Exception:  # noqa: BLE001 - a constructor's error on odd YAML: report the JSON one
        raise UserError(json_problem.message, where=_json_where(json_problem)) from None
    finally:
        loader.dispose()


def template_data(text: str, file: str) -> Any:
    """The data of a CloudFormation or SAM template's text, JSON or YAML (short-form tags such
    as ``!Ref`` read as their long forms); neither is a UserError naming the place."""
    data, problem = parse_json(text, file)
    return data if problem is None else _yaml_data(text, file, problem)


def _json_where(finding: Finding) -> str:
    return finding.file + (f":{finding.line}" if finding.line else "")


class _TemplateLoader(LimitedLoader):
    """The limited loader, reading CloudFormation's short-form tags (``!Sub x`` is
    ``{"Fn::Sub": x}``, ``!Ref x`` is ``{"Ref": x}``, ``!GetAtt a.b`` is ``{"Fn::GetAtt": [a, b]}``)."""


def _short_form(loader: LimitedLoader, suffix: str, node: Any) -> dict[str, Any]:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_TemplateLoader.add_multi_constructor("!", _short_form)


# --------------------------------------------------------------------------- templates, specs

# CloudFormation pseudo parameters a template of ours may leave open (``build`` without an
# account or region): read as "whichever the stack is deployed in" -- the wildcard ``*`` --
# which the notes say. Any other reference cannot be resolved offline and is refused.
_OPEN_PSEUDO = {"AWS::AccountId": "*", "AWS::Region": "*", "AWS::Partition": "*"}
_OPEN_NOTE = (
    "{file}: the account, region or partition is left to the stack ({names}); read as any (*)"
)


def _is_template(data: Any) -> bool:
    resources = data.get("Resources")
    return isinstance(resources, _MAPPING) and any(
        isinstance(r, _MAPPING) and str(r.get("Type", "")).startswith("AWS::")
        for r in resources.values()
    )


def template_bundle(template: Any, file: str) -> tuple[dict[str, Any], list[str]]:
    """A bundle (the ``build`` JSON shape) from a CloudFormation template holding one
    ``AWS::IAM::Role``: its trust policy, inline policies, managed policy ARNs and boundary,
    the template's ``AWS::IAM::ManagedPolicy`` documents (one the role references is its
    boundary or one of its policies; one it does not is the deployer policy), with ``Fn::Sub``,
    ``Fn::Join`` and ``Ref`` resolved where they can be offline and refused where not."""
    resources = template["Resources"]
    roles = [
        (name, r)
        for name, r in resources.items()
        if isinstance(r, _MAPPING) and r.get("Type") == "AWS::IAM::Role"
    ]
    if len(roles) != 1:
        raise UserError(
            f"a CloudFormation template with {len(roles)} AWS::IAM::Role resources; "
            "one is read (the templates `build` writes hold one)",
            where=file,
        )
    role_id, role = roles[0]
    props = role.get("Properties")
    if not isinstance(props, _MAPPING):
        raise UserError(f"/Resources/{role_id}: the role has no Properties", where=file)
    managed = {
        name: r
        for name, r in resources.items()
        if isinstance(r, _MAPPING) and r.get("Type") == "AWS::IAM::ManagedPolicy"
    }
    used: set[str] = set()

    def managed_part(ref: Any, pointer: str) -> dict[str, Any] | None:
        if isinstance(ref, _MAPPING) and set(ref) == {"Ref"} and ref["Ref"] in managed:
            used.add(ref["Ref"])
            mprops = managed[ref["Ref"]].get("Properties") or {}
            return {
                "PolicyName": mprops.get("ManagedPolicyName", ref["Ref"]),
                "PolicyDocument": mprops.get("PolicyDocument"),
            }
        return None

    policies = list(props.get("Policies") or [])
    arns = []
    for i, item in enumerate(props.get("ManagedPolicyArns") or []):
        part = managed_part(item, f"/Resources/{role_id}/Properties/ManagedPolicyArns/{i}")
        if part is not None:
            policies.append(part)
        else:
            arns.append(item)
    for name, policy in managed.items():  # attached through the policy's own Roles list
        mprops = policy.get("Properties") or {}
        if any(
            isinstance(r, _MAPPING) and r.get("Ref") == role_id for r in mprops.get("Roles") or []
        ):
            policies.append(managed_part({"Ref": name}, ""))
    pb = props.get("PermissionsBoundary")
    boundary: Any = None
    if pb is not None:
        boundary = managed_part(pb, f"/Resources/{role_id}/Properties/PermissionsBoundary")
        if boundary is None:
            boundary = {"Arn": pb}
    rest = [name for name in managed if name not in used]
    bundle: dict[str, Any] = {
        "RoleName": props.get("RoleName", role_id),
        "Path": props.get("Path", "/"),
        **({"Description": props["Description"]} if "Description" in props else {}),
        "AssumeRolePolicyDocument": props.get("AssumeRolePolicyDocument"),
        "Policies": policies,
        "ManagedPolicyArns": arns,
        "PermissionsBoundary": boundary,
        "DeployerPolicy": managed_part({"Ref": rest[0]}, "") if rest else None,
        "Tags": props.get("Tags") or [],
    }
    notes = [f"{file}: the managed policy {name} is not the role's; left out" for name in rest[1:]]
    opened: set[str] = set()
    resolved = _resolve_intrinsics(bundle, file, f"/Resources/{role_id}", opened)
    if opened:
        notes.append(_OPEN_NOTE.format(file=file, names=", ".join(sorted(opened))))
    return resolved, notes


_SUB_RE = lazy(r"\$\{([^}]*)\}")


def _resolve_intrinsics(value: Any, file: str, pointer: str, opened: set[str]) -> Any:
    """``value`` with ``Fn::Sub``, ``Fn::Join`` and pseudo-parameter ``Ref`` resolved; any
    other intrinsic function is a UserError naming where it is."""
    if isinstance(value, list):
        return [
            _resolve_intrinsics(v, file, json_pointer_join(pointer, i), opened)
            for i, v in enumerate(value)
        ]
    if not isinstance(value, _MAPPING):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Fn::Sub":
            return _sub(arg, file, pointer, opened)
        if key == "Ref" and arg in _OPEN_PSEUDO:
            opened.add(arg)
            return _OPEN_PSEUDO[arg]
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            sep, items = arg
            parts = _resolve_intrinsics(items, file, pointer + "/Fn::Join/1", opened)
            if (
                isinstance(sep, str)
                and isinstance(parts, list)
                and all(isinstance(p, str) for p in parts)
            ):
                return sep.join(parts)
        if key == "Ref" or key.startswith("Fn::"):
            raise UserError(
                f"{key} {json.dumps(arg)[:80]} cannot be resolved offline; validate the "
                "`build --format json` output instead",
                where=f"{file} at {pointer}",
            )
    return {
        k: _resolve_intrinsics(v, file, json_pointer_join(pointer, k), opened)
        for k, v in value.items()
    }


def json_pointer_join(pointer: str, part: object) -> str:
    return pointer + json_pointer(part)


def _sub(arg: Any, file: str, pointer: str, opened: set[str]) -> str:
    variables: dict[str, Any] = {}
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], _MAPPING):
        arg, variables = arg
    if not isinstance(arg, str):
        raise UserError("Fn::Sub takes a string", where=f"{file} at {pointer}")

    def fill(m: Any) -> str:
        name = m.group(1)
        if name.startswith("!"):  # ${!Literal} is the text ${Literal}
            return "${" + name[1:] + "}"
        if name in variables and isinstance(variables[name], str):
            return variables[name]
        if name in _OPEN_PSEUDO:
            opened.add(name)
            return _OPEN_PSEUDO[name]
        raise UserError(
            f"Fn::Sub refers to ${{{name}}}, which cannot be resolved offline",
            where=f"{file} at {pointer}",
        )

    return _SUB_RE.sub(fill, arg)


def _is_app(data: Any) -> bool:
    """An app spec (``functions:``) or an app's JSON export (``App`` and ``Roles``)."""
    from wizard.appspec import is_app_data

    return is_app_data(data) or (
        isinstance(data, _MAPPING)
        and set(data) == {"App", "Roles"}
        and isinstance(data["Roles"], list)
    )


def load_policy_sources(path: str | Path, type: str | None = None) -> list[PolicySource]:
    """:func:`load_policy_source`, reading an app spec or an app's JSON export as one source
    per role, each named ``FILE#FUNCTION`` (``FILE#/Roles/N`` for the export)."""
    try:
        return [load_policy_source(path, type)]
    except UserError as exc:
        if "holds several roles" not in exc.detail:
            raise
    raw, file = read_input(str(path), "policy file", MAX_POLICY_BYTES)
    text = decode_text(raw, file, "policy file")
    data, problem = parse_json(text, file, [])
    if problem is None:  # an app's JSON export: its bundles
        return [_bundle_source(role, f"{file}#/Roles/{i}") for i, role in enumerate(data["Roles"])]
    from wizard.appspec import load_app_text
    from wizard.policy.app import compose_app

    app, ctx = load_app_text(text, file)
    out = []
    for spec, bundle in zip(app.functions, compose_app(app, ctx), strict=True):
        out.append(_composed_source(bundle.to_dict(), f"{file}#{spec.function}"))
    return out


def _spec_source(text: str, file: str) -> PolicySource:
    """A role spec's policies: the spec composed, as ``build`` would (open account and region
    read as any, as for a template)."""
    from wizard.policy.compose import compose
    from wizard.spec import load_spec_text

    spec, ctx = load_spec_text(text, file)
    return _composed_source(compose(spec, ctx).to_dict(), file)


def _composed_source(data: dict[str, Any], file: str) -> PolicySource:
    """A composed bundle's source; open account and region read as any (``*``)."""
    from wizard.spec import OPEN_ACCOUNT, OPEN_REGION

    opened = {
        name
        for name, marker in (("AWS::AccountId", OPEN_ACCOUNT), ("AWS::Region", OPEN_REGION))
        if marker in json.dumps(data)
    }
    if opened:
        dumped = json.dumps(data).replace(OPEN_ACCOUNT, "*").replace(OPEN_REGION, "*")
        data = json.loads(dumped)
    source = _bundle_source(data, file)
    if opened:
        source.notes.append(_OPEN_NOTE.format(file=file, names=", ".join(sorted(opened))))
    return source


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
