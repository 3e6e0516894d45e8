"""From SDK calls to spec entries: each call's IAM actions bound to a catalog kind's resource,
and the access profile that grants them.

* A call's resource comes from its request members (``catalogs/sdk-actions.yaml``,
  ``services:``): a constant, an f-string's constant start (an S3 key prefix), or an
  environment variable looked up in ``env`` (a template's function environment). A name only
  partly known (``f"orders-{stage}"``), a variable the template does not set, a value the
  kind's field refuses: the call is reported, with its place, as unresolved — never widened
  to a wildcard.
* Calls on the same resource are grouped; the profile chosen is the smallest of the kind's
  profiles that grants every action found (two reads and a put on a table: ``read-write``;
  only GetObject under ``incoming/``: ``s3-prefix`` ``read`` with that prefix). An action no
  profile grants is reported, not granted.
* S3: a whole ``Key`` names exactly that object (the entry's ``key``: granted with no
  wildcard); a key or prefix under a prefix another call uses is folded into that prefix's
  entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wizard.catalog.kinds import Kind, catalog
from wizard.errors import UserError
from wizard.scan.actions import actions_for, bound_services, table
from wizard.scan.calls import SdkCall, Value, Where
from wizard.spec import ResourceEntry


@dataclass
class Suggestion:
    """One suggested spec entry and the calls that asked for it."""

    entry: ResourceEntry
    actions: dict[str, list[Where]] = field(default_factory=dict)  # action -> where called
    uncovered: list[str] = field(default_factory=list)  # actions no profile of the kind grants

    @property
    def first(self) -> Where:
        return min((w for ws in self.actions.values() for w in ws), key=_order)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entry": {k: v for k, v in self.entry.model_dump(mode="json").items() if v is not None},
            "actions": {a: [str(w) for w in ws] for a, ws in sorted(self.actions.items())},
            "not_granted": self.uncovered,
        }


@dataclass(frozen=True)
class Unresolved:
    """A call the scan could not turn into an entry, and why; left for the user."""

    where: Where
    operation: str  # service:Operation (botocore's names)
    actions: tuple[str, ...]
    reason: str
    choose: bool = False  # ``actions`` are candidates: the request decides which one

    def to_dict(self) -> dict[str, Any]:
        key = "choose_one_of" if self.choose else "actions"
        return {
            "where": str(self.where),
            "operation": self.operation,
            key: list(self.actions),
            "reason": self.reason,
        }


@dataclass
class Binding:
    suggestions: list[Suggestion] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "suggestions": [s.to_dict() for s in self.suggestions],
            "unresolved": [u.to_dict() for u in self.unresolved],
        }


def _order(where: Where) -> tuple[str, int]:
    return (where.file, where.line)


class _Unbound(Exception):
    """Why one call's resource cannot be named."""


def _text(value: Value, member: str, env: dict[str, str]) -> tuple[str, bool]:
    """The text ``value`` names and whether it is only a prefix; _Unbound when unknown."""
    if value.env is not None:
        if value.env in env:
            return env[value.env], False
        raise _Unbound(
            f"{member} comes from the environment variable {value.env}, which no --template "
            "function environment sets"
        )
    if value.text is None:
        raise _Unbound(f"{member} is not a constant the scan can read")
    return value.text, value.prefix


def _field_value(kind: Kind, field_name: str, member: str, text: str) -> dict[str, str]:
    """The entry fields naming ``text`` in ``field_name`` (an ARN as the entry's ``arn``)."""
    if text.startswith("arn:"):
        if kind.parse_arn(text) is None:
            raise _Unbound(f"{member} {text!r} is not an ARN of a {kind.title}")
        return {"arn": text}
    if field_name == "arn":
        raise _Unbound(f"{member} {text!r} is not an ARN")
    if member == "QueueUrl" and "/" in text:  # https://sqs.REGION.amazonaws.com/ACCOUNT/NAME
        text = text.rstrip("/").rsplit("/", 1)[-1]
    spec = kind.fields.get(field_name)
    if spec is None or not text or not spec.check(text):
        raise _Unbound(f"{member} {text!r} does not fit the {kind.title}'s {field_name}")
    return {field_name: text}


def _fields(call: SdkCall, kind_name: str, members: dict[str, str], env: dict[str, str]):
    """The entry's identifying fields for one call."""
    kind = catalog().kinds[kind_name]
    params = dict(call.params)
    for member, default in table().get("defaults", {}).get(call.service, {}).items():
        params.setdefault(member, Value(text=default))
    if kind_name == "s3-prefix":
        if "Bucket" not in params:
            raise _Unbound("the call names no bucket")
        bucket, partial = _text(params["Bucket"], "Bucket", env)
        if partial:
            raise _Unbound(f"Bucket is only known to start with {bucket!r}")
        fields = _field_value(kind, "bucket", "Bucket", bucket)
        member = "Key" if "Key" in params else "Prefix" if "Prefix" in params else None
        if member is not None:
            text, partial = _text(params[member], member, env)
            # A whole Key names one object exactly; a Key only known to start with some text,
            # or a Prefix, names the keys under it.
            field_name = "key" if member == "Key" and not partial else "prefix"
            if text:
                fields |= _field_value(kind, field_name, member, text)
        return fields
    for member, field_name in members.items():
        if member in params:
            text, partial = _text(params[member], member, env)
            if partial:
                raise _Unbound(f"{member} is only known to start with {text!r}")
            return _field_value(kind, field_name, member, text)
    raise _Unbound(f"the call names no {' or '.join(members)}")


# Request members holding an ARN or URL, and the kind field each names (the part of the value
# that is that field). Sources: ARN formats in the Service Authorization Reference (RDS
# cluster: arn:P:rds:R:A:cluster:NAME; Secrets Manager secret: arn:P:secretsmanager:R:A:secret:
# NAME-6 random characters; IAM role: arn:P:iam::A:role/PATH/NAME); Athena's OutputLocation is
# an s3://BUCKET/PREFIX URL (Athena API ResultConfiguration).
_MEMBER_FORMS: dict[str, re.Pattern[str]] = {
    "resourceArn": re.compile(r"arn:[\w-]+:rds:[\w-]*:\d{12}:cluster:(?P<value>[^:/]+)"),
    "secretArn": re.compile(
        r"arn:[\w-]+:secretsmanager:[\w-]*:\d{12}:secret:(?P<value>.+?)(-[A-Za-z0-9]{6})?"
    ),
    "RoleArn": re.compile(r"arn:[\w-]+:iam::\d{12}:role/(?P<value>.+)"),
    "OutputLocation": re.compile(r"s3://(?P<value>[^/]+)(/(?P<prefix>.*))?"),
}


def _member_fields(call: SdkCall, kind_name: str, fields: dict[str, str], env: dict[str, str]):
    """The entry's fields for a kind named by several request members (``fields``: the kind's
    field -> the member); _Unbound when a field the kind requires is not named."""
    kind = catalog().kinds[kind_name]
    params = dict(call.params)
    for member, default in table().get("defaults", {}).get(call.service, {}).items():
        params.setdefault(member, Value(text=default))
    out: dict[str, str] = {}
    for field_name, member in fields.items():
        if member not in params:
            if kind.fields[field_name].required:
                raise _Unbound(f"the call names no {member} (the {kind.title}'s {field_name})")
            continue
        text, partial = _text(params[member], member, env)
        if partial:
            raise _Unbound(f"{member} is only known to start with {text!r}")
        form = _MEMBER_FORMS.get(member)
        if form is not None:
            match = form.fullmatch(text)
            if match is None:
                raise _Unbound(f"{member} {text!r} is not the form the scan reads")
            text = match["value"]
            if member == "OutputLocation" and match["prefix"]:  # results_bucket's prefix
                out |= _field_value(kind, "results_prefix", member, match["prefix"])
        out |= _field_value(kind, field_name, member, text)
    return out


def bind(
    calls: Iterable[SdkCall],
    env: dict[str, str] | None = None,
    known: Iterable[ResourceEntry] = (),
) -> Binding:
    """Suggested entries for ``calls``; ``env``: the function's environment variables;
    ``known``: the entries of the spec being added to. A name read from an environment
    variable no template sets is taken to be the spec's entry of that kind when the spec has
    exactly one (the user chose it), and otherwise left unresolved."""
    env = env or {}
    only: dict[str, ResourceEntry | None] = {}
    for entry in known:
        only[entry.kind] = None if entry.kind in only else entry
    services = bound_services()
    out = Binding()
    later: list[tuple[SdkCall, dict[str, Any], tuple[str, ...]]] = []
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], Suggestion] = {}
    for call in calls:
        mapping = actions_for(call.service, call.operation)
        name = f"{call.service}:{call.operation}"
        if mapping.unmapped:
            out.unresolved.append(Unresolved(call.where, name, (), mapping.unmapped))
            continue
        if mapping.choose:
            reason = "the action depends on the request: grant the one it needs yourself"
            out.unresolved.append(Unresolved(call.where, name, mapping.choose, reason, True))
            continue
        binding = services.get(call.service) or {}
        if not binding.get("kind"):
            reason = binding.get("unbound") or (
                f"no catalog kind names {call.service}'s resources yet: add a custom entry"
            )
            out.unresolved.append(Unresolved(call.where, name, mapping.actions, reason))
            continue
        if call.operation in binding.get("after", {}):
            later.append((call, binding, mapping.actions))
            continue
        try:
            if "fields" in binding:
                fields = _member_fields(call, binding["kind"], binding["fields"], env)
            else:
                fields = _fields(call, binding["kind"], binding.get("members", {}), env)
        except _Unbound as exc:
            spec_entry = only.get(binding["kind"])
            if spec_entry is None or not any(v.env for v in call.params.values()):
                out.unresolved.append(Unresolved(call.where, name, mapping.actions, str(exc)))
                continue
            fields = spec_entry.field_values() | ({"arn": spec_entry.arn} if spec_entry.arn else {})
        key = (binding["kind"], tuple(sorted(fields.items())))
        group = groups.get(key)
        if group is None:
            group = groups[key] = Suggestion(ResourceEntry(kind=binding["kind"], **fields))
        for action in mapping.actions:
            _add(group.actions.setdefault(action, []), [call.where])
    for call, binding, actions in later:  # bound to the one resource of the call they follow
        first = binding["after"][call.operation]
        found = [
            g
            for g in groups.values()
            if any(w in g.actions for w in _actions_of(call.service, first))
        ]
        found = [g for g in found if g.entry.kind == binding["kind"]]
        if len(found) != 1:
            name = f"{call.service}:{call.operation}"
            reason = (
                f"it names no resource: it follows {first}, which the scan bound to "
                f"{'no' if not found else len(found)} resource{'s' if len(found) > 1 else ''}"
            )
            out.unresolved.append(Unresolved(call.where, name, actions, reason))
            continue
        for action in actions:
            _add(found[0].actions.setdefault(action, []), [call.where])
    suggestions = _fold_s3_prefixes(list(groups.values()))
    for suggestion in suggestions:
        _choose_profile(suggestion)
    out.suggestions = sorted(suggestions, key=lambda s: _order(s.first))
    return out


def _actions_of(service: str, operation: str) -> tuple[str, ...]:
    return actions_for(service, operation).actions


def _add(places: list[Where], more: list[Where]) -> None:
    places.extend(w for w in more if w not in places)


def _fold_s3_prefixes(suggestions: list[Suggestion]) -> list[Suggestion]:
    """An S3 key or prefix under another found prefix (or the whole bucket) of the same bucket
    joins that entry; an exact key holds no other."""
    kept: list[Suggestion] = []
    s3 = [s for s in suggestions if s.entry.kind == "s3-prefix" and not s.entry.arn]
    s3.sort(key=lambda s: ("key" in s.entry.field_values(), _objects(s)))
    for suggestion in s3:
        values = suggestion.entry.field_values()
        for other in kept:
            theirs = other.entry.field_values()
            if (
                theirs["bucket"] == values["bucket"]
                and not theirs.get("key")
                and _objects(suggestion).startswith(theirs.get("prefix", ""))
            ):
                for action, places in suggestion.actions.items():
                    _add(other.actions.setdefault(action, []), places)
                break
        else:
            kept.append(suggestion)
    return kept + [s for s in suggestions if s not in s3]


def _objects(suggestion: Suggestion) -> str:
    """The S3 key or prefix an s3-prefix suggestion names ('' for the whole bucket)."""
    values = suggestion.entry.field_values()
    return values.get("key") or values.get("prefix", "")


def profile_actions(kind: Kind) -> dict[str, frozenset[str]]:
    """Each profile of ``kind`` and the actions it grants (lower case)."""
    return {
        name: frozenset(a.lower() for st in profile.statements for a in st.actions)
        for name, profile in kind.profiles.items()
    }


def _choose_profile(suggestion: Suggestion) -> None:
    """The smallest profile granting every action found; what none grants is reported."""
    kind = catalog().kinds[suggestion.entry.kind]
    wanted = {a.lower() for a in suggestion.actions}
    best = max(
        profile_actions(kind).items(),
        key=lambda item: (len(wanted & item[1]), -len(item[1])),
    )
    suggestion.entry.access = best[0]
    suggestion.uncovered = sorted(a for a in suggestion.actions if a.lower() not in best[1])


# --------------------------------------------------------------------------- environments


def template_environment(path: str, function: str | None) -> dict[str, str]:
    """The environment variables ``--template`` gives the function: a SAM or CloudFormation
    template (``Environment.Variables``, SAM ``Globals`` included) or Terraform
    (``aws_lambda_function``'s ``environment { variables = {...} }``). A variable that refers
    to a resource of the same template is that resource's name where the template gives it."""
    from wizard.limits import MAX_POLICY_BYTES, read_text

    text, source = read_text(path, "template", MAX_POLICY_BYTES)
    if path.endswith(".tf"):
        return _terraform_environment(text, source, function)
    from wizard.policy.documents import template_data

    data = template_data(text, source)
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise UserError("not a CloudFormation or SAM template (no Resources)", where=source)
    resources = data["Resources"]
    functions = {
        name: r
        for name, r in resources.items()
        if isinstance(r, dict)
        and r.get("Type") in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    }
    name, found = _pick(functions, function, source, "FunctionName")
    props = found.get("Properties") or {}
    variables: dict[str, Any] = {}
    glob = ((data.get("Globals") or {}).get("Function") or {}).get("Environment") or {}
    if found.get("Type") == "AWS::Serverless::Function":
        variables |= glob.get("Variables") or {}
    variables |= (props.get("Environment") or {}).get("Variables") or {}
    env = {}
    for key, value in variables.items():
        text_value = _cfn_value(value, resources)
        if text_value is not None:
            env[str(key)] = text_value
    return env


# The property naming each resource type a handler's environment refers to (CloudFormation
# resource reference: AWS::DynamoDB::Table TableName, AWS::SQS::Queue QueueName ...).
_CFN_NAME_PROPERTIES = (
    "TableName",
    "BucketName",
    "QueueName",
    "TopicName",
    "Name",
    "FunctionName",
    "StateMachineName",
    "StreamName",
    "DeliveryStreamName",
    "LogGroupName",
)


def _cfn_value(value: Any, resources: dict[str, Any]) -> str | None:
    if isinstance(value, str):
        return value
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((fn, arg),) = value.items()
    if fn == "Fn::Sub" and isinstance(arg, str) and "${" not in arg:
        return arg
    target = (
        arg if fn == "Ref" else arg[0] if fn == "Fn::GetAtt" and isinstance(arg, list) else None
    )
    resource = resources.get(target) if isinstance(target, str) else None
    props = (resource or {}).get("Properties") or {}
    for prop in _CFN_NAME_PROPERTIES:
        if isinstance(props.get(prop), str):
            return props[prop]
    return None


def _pick(functions: dict[str, Any], wanted: str | None, source: str, name_key: str):
    if not functions:
        raise UserError("the template defines no Lambda function", where=source)
    if wanted is not None:
        for name, item in functions.items():
            props = item.get("Properties") or {} if isinstance(item, dict) else {}
            if wanted in (name, props.get(name_key)):
                return name, item
        raise UserError(
            f"no function {wanted!r} in the template (it has {', '.join(sorted(functions))})",
            where=source,
        )
    if len(functions) > 1:
        raise UserError(
            f"the template has {len(functions)} functions ({', '.join(sorted(functions))}): "
            "choose one with --function",
            where=source,
        )
    return next(iter(functions.items()))


def _terraform_environment(text: str, source: str, function: str | None) -> dict[str, str]:
    try:
        import hcl2
    except ImportError:  # pragma: no cover - python-hcl2 is a dependency
        raise UserError("reading Terraform needs python-hcl2", where=source) from None
    try:
        data = hcl2.loads(text)
    except Exception as exc:  # noqa: BLE001 - the parser's own error types vary by version
        raise UserError(f"not valid Terraform: {str(exc).splitlines()[0]}", where=source) from None
    resources: dict[str, dict[str, Any]] = {}
    for block in data.get("resource", []):
        for rtype, named in block.items():
            for name, body in named.items():
                resources[f"{_unquote(rtype)}.{_unquote(name)}"] = body
    functions = {
        key.split(".", 1)[1]: body
        for key, body in resources.items()
        if key.startswith("aws_lambda_function.")
    }
    functions = {
        k: {"Properties": {"FunctionName": _unquote(str(v.get("function_name", "")))}, "body": v}
        for k, v in functions.items()
    }
    _, found = _pick(functions, function, source, "FunctionName")
    env: dict[str, str] = {}
    for block in _list(found["body"].get("environment")):
        for variables in _list(block.get("variables")):
            for key, value in variables.items():
                resolved = _tf_value(value, resources)
                if resolved is not None:
                    env[_unquote(key)] = resolved
    return env


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


# The attribute naming each Terraform resource (AWS provider: aws_dynamodb_table.name,
# aws_s3_bucket.bucket, aws_sqs_queue.name, aws_lambda_function.function_name ...).
_TF_NAME_ATTRIBUTES = ("name", "bucket", "function_name", "table_name")


def _tf_value(value: Any, resources: dict[str, dict[str, Any]]) -> str | None:
    if not isinstance(value, str):
        return None
    text = _unquote(value)
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        parts = text[2:-1].split(".")
        if len(parts) == 3:
            body = resources.get(f"{parts[0]}.{parts[1]}", {})
            for attr in _TF_NAME_ATTRIBUTES:
                found = body.get(attr)
                if isinstance(found, str) and "${" not in found:
                    return _unquote(found)
        return None
    return None if "${" in text else text


def dumps(binding: Binding) -> str:
    return json.dumps(binding.to_dict(), indent=2) + "\n"


# --------------------------------------------------------------------------- the spec


def merge(spec: Any, binding: Binding) -> tuple[Any, dict[int, Suggestion]]:
    """``spec`` with the suggested entries it lacks appended (the user's entries kept as they
    are, an entry naming the same resource left to the user's choice of profile); and which
    of the result's entries were added, by index."""
    from wizard.entries import entry_key

    have = {entry_key(e) for e in spec.resources}
    resources = list(spec.resources)
    added: dict[int, Suggestion] = {}
    for suggestion in binding.suggestions:
        if entry_key(suggestion.entry) in have:
            continue  # the user's entry stays as it is (short_profiles says what it lacks)
        have.add(entry_key(suggestion.entry))
        added[len(resources)] = suggestion
        resources.append(suggestion.entry)
    return spec.model_copy(update={"resources": resources}), added


def short_profiles(spec: Any, binding: Binding) -> list[tuple[int, str, list[str], Suggestion]]:
    """The user's entries whose profile does not grant what the code calls on them: (index,
    the profile, the actions missing, the suggestion). Reported; the user's choice is kept."""
    from wizard.entries import entry_key

    out = []
    for index, entry in enumerate(spec.resources):
        kind = catalog().kinds.get(entry.kind)
        for suggestion in binding.suggestions:
            if kind is None or entry_key(entry) != entry_key(suggestion.entry):
                continue
            access = entry.access or kind.default_access
            grants = profile_actions(kind).get(access, frozenset())
            missing = sorted(a for a in suggestion.actions if a.lower() not in grants)
            if missing:
                out.append((index, access, missing, suggestion))
    return out


def annotated_yaml(spec: Any, added: dict[int, Suggestion], original: str | None = None) -> str:
    """The spec's YAML with a comment on each entry the scan added, naming where the code calls
    it: ``# added by role-wizard scan: handler.py:12``. ``original``: the text of the spec the
    entries were added to (``--into``): kept as the user wrote it, comments and all, with the
    added entries appended (:func:`wizard.spec.spec_yaml_with_entries`); else the whole spec is
    written by :meth:`RoleSpec.to_yaml`."""
    if original is not None and not added:
        return original  # nothing to add: the file stays as it is
    if original is not None:
        from wizard.spec import spec_yaml_with_entries

        first = min(added, default=0)
        comments = {index - first: _added_comment(s) for index, s in added.items()}
        entries = [added[i].entry for i in sorted(added)]
        return spec_yaml_with_entries(original, entries, comments)
    lines = spec.to_yaml().splitlines()
    index = -1
    in_resources = False
    for i, line in enumerate(lines):
        if line == "resources:":
            in_resources = True
            continue
        if in_resources and line.startswith("- "):
            index += 1
            if index in added:
                lines[i] = f"{line}  # {_added_comment(added[index])}"
        elif in_resources and not line.startswith(" "):
            in_resources = False
    return "\n".join(lines) + "\n"


def _added_comment(suggestion: Suggestion) -> str:
    return f"added by role-wizard scan: {suggestion.first}"
