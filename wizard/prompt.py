"""Plain mode: the wizard's flow as questionary prompts, one question at a time.

For terminals where a full-screen app does not fit (screen readers, narrow CI consoles, a slow
SSH link). It produces the same spec as the Textual wizard and checks every answer with the same
rules (the spec model, the catalog's field patterns, ``Kind.parse_arn``, the composer).

Every prompt goes through :class:`PlainWizard`, which forwards ``input=``/``output=`` to
questionary, so tests drive the whole flow with prompt_toolkit's ``create_pipe_input()`` and
``DummyOutput()``. Ctrl-C at any prompt raises :class:`Interrupted` carrying what was typed.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import questionary
import yaml
from pydantic import ValidationError
from questionary import Choice

from wizard.catalog.kinds import Catalog, Kind, catalog
from wizard.errors import UserError
from wizard.export import FORMATS
from wizard.spec import (
    ResourceEntry,
    RoleOptions,
    RoleSpec,
    field_problem,
    policy_variable_problem,
    resolve_resources,
)

BOUNDARIES = {
    # choice lines fit an 80-column terminal (questionary cuts them there)
    "envelope": "envelope: its services and access levels, account and region; no escalation",
    "strict": "strict: exactly the identity policy",
    "none": "none: no permissions boundary",
}
EXISTING_BOUNDARY = "existing"
BY_HAND = (
    "\0by-hand"  # the "type it" choice of a list (questionary turns a None value into the title)
)
Validator = Callable[[str], bool | str]


class Interrupted(Exception):
    """Ctrl-C (or end of input) at a prompt. ``spec`` is what was typed so far, if anything."""

    def __init__(self, spec: RoleSpec | None, *, ended: bool = False) -> None:
        super().__init__("input ended" if ended else "interrupted")
        self.spec = spec
        self.ended = ended  # end of input (Ctrl-D, a closed pipe) rather than Ctrl-C


@dataclass
class PlainResult:
    spec: RoleSpec
    spec_path: Path
    export_format: str | None = None
    export_path: Path | None = None


# --------------------------------------------------------------------------- validators
# Each returns True or a message for the user, the shape questionary's ``validate=`` takes.


def _first_error(exc: ValidationError) -> str:
    return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")


def check_function(value: str) -> bool | str:
    try:
        RoleSpec(function=value)
    except ValidationError as exc:
        return _first_error(exc)
    return True


def check_account(value: str) -> bool | str:
    """12 digits, or empty to leave the account open (CloudFormation fills it)."""
    if not value:
        return True
    try:
        RoleSpec(function="f", account=value)
    except ValidationError as exc:
        return _first_error(exc)
    return True


def check_region(value: str) -> bool | str:
    if not value:
        return True
    try:
        RoleSpec(function="f", region=value)
    except ValidationError as exc:
        return _first_error(exc)
    return True


def check_role_name(value: str) -> bool | str:
    """IAM's rule for role names: 1-64 ASCII letters, digits and +=,.@_-."""
    if not value.isascii():
        return f"role name {value!r} must be 1-64 characters of letters, digits and +=,.@_- (ASCII only)"
    try:
        RoleOptions(name=value)
    except ValidationError as exc:
        return _first_error(exc)
    return True


def check_boundary_arn(value: str) -> bool | str:
    try:
        RoleSpec(function="f", boundary=value)
    except ValidationError as exc:
        return _first_error(exc)
    return True


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def entry_error(spec: RoleSpec, entry: ResourceEntry, cat: Catalog | None = None) -> str | None:
    """Why ``entry`` would not resolve in ``spec`` (the same check ``build`` makes), or None."""
    trial = spec.model_copy(update={"resources": [entry]})
    try:
        resolve_resources(trial, cat=cat)
    except UserError as exc:
        return re.sub(r"^resources\[0\]\.?", "", exc.detail).lstrip(": ") or exc.detail
    return None


def compose_error(spec: RoleSpec, entry: ResourceEntry) -> str | None:
    """Why the composer would refuse ``entry`` (custom actions and resources), or None."""
    from wizard.policy.compose import compose

    trial = spec.model_copy(
        update={"resources": [entry], "boundary": "none", "deployer": False, "logs": False}
    )
    try:
        compose(trial)
    except UserError as exc:
        return re.sub(r"^resources\[0\]\.?", "", exc.detail).lstrip(": ") or exc.detail
    return None


def primary_field(kind: Kind) -> str | None:
    """The field a resource of this kind is named by (name, table, bucket, id)."""
    for name, fspec in kind.fields.items():
        if fspec.required:
            return name
    return next(iter(kind.fields), None)


class _SpecDumper(yaml.SafeDumper):
    """Quotes every all-digit string: YAML 1.2 readers take ``account: 012345678901`` for a
    number and drop the leading zero."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "'" if value.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_SpecDumper.add_representer(str, _str)


def spec_text(spec: RoleSpec) -> str:
    """The spec as the YAML text of a ``role.yaml``."""
    body = yaml.dump(
        spec.dump(),
        Dumper=_SpecDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=1000,
    )
    return "# lambda-role-wizard role spec (written by `role-wizard plain`)\n" + body


# --------------------------------------------------------------------------- the wizard


class PlainWizard:
    """The plain-mode flow. ``input``/``output`` go to every questionary prompt; ``echo`` is
    where the review and notes are printed; ``discoverer`` lists the account's resources
    (anything with ``supports(kind)`` and ``list(kind)``), or None to type names by hand."""

    def __init__(
        self,
        *,
        input: Any = None,
        output: Any = None,
        echo: TextIO | None = None,
        discoverer: Any = None,
        account: str | None = None,
        region: str | None = None,
        partition: str | None = None,
        spec_path: str | Path | None = None,
        export_format: str | None = None,
        export_path: str | Path | None = None,
        cat: Catalog | None = None,
    ) -> None:
        self.prompt_kwargs = {k: v for k, v in (("input", input), ("output", output)) if v}
        self.echo = echo if echo is not None else sys.stdout
        self.discoverer = discoverer
        self.detected_account = account
        self.detected_region = region
        self.partition = partition or "aws"
        self.spec_path = Path(spec_path) if spec_path else None
        self.export_format = export_format
        self.export_path = Path(export_path) if export_path else None
        self.cat = cat or catalog()
        self.spec: RoleSpec | None = None

    # ----------------------------------------------------------------- prompt primitives

    def say(self, text: str = "") -> None:
        print(text, file=self.echo, flush=True)

    def _ask(self, question: questionary.Question) -> Any:
        try:
            answer = question.unsafe_ask()
        except KeyboardInterrupt:
            raise Interrupted(self.spec) from None
        except EOFError:
            raise Interrupted(self.spec, ended=True) from None
        if answer is None:
            raise Interrupted(self.spec)
        return answer

    def text(
        self,
        message: str,
        *,
        default: str = "",
        validate: Validator | None = None,
        instruction: str | None = None,
    ) -> str:
        question = questionary.text(
            message,
            default=default,
            validate=validate,
            instruction=instruction,
            **self.prompt_kwargs,
        )
        return str(self._ask(question)).strip()

    def confirm(self, message: str, *, default: bool) -> bool:
        return bool(self._ask(questionary.confirm(message, default=default, **self.prompt_kwargs)))

    def select(
        self,
        message: str,
        choices: Sequence[Choice],
        *,
        default: Any = None,
        search: bool = False,
    ) -> Any:
        question = questionary.select(
            message,
            choices=list(choices),
            default=default,
            use_search_filter=search,
            use_jk_keys=not search,
            **self.prompt_kwargs,
        )
        return self._ask(question)

    def checkbox(self, message: str, choices: Sequence[Choice], *, instruction: str) -> list[Any]:
        question = questionary.checkbox(
            message,
            choices=list(choices),
            use_search_filter=True,
            use_jk_keys=False,
            instruction=instruction,
            **self.prompt_kwargs,
        )
        return list(self._ask(question))

    # ----------------------------------------------------------------- the flow

    def run(self) -> PlainResult:
        self.ask_function()
        self.ask_role()
        self.ask_boundary()
        self.ask_options()
        while self.confirm("Add a resource the function uses?", default=not self.spec_.resources):
            self.add_resource()
        while True:
            bundle = self.review()
            action = self.next_action(can_finish=bundle is not None)
            if action == "finish":
                return self.finish()
            if action == "add":
                self.add_resource()
            elif action == "remove":
                self.remove_resource()
            elif action == "boundary":
                self.ask_boundary()
            elif action == "options":
                self.ask_options()

    @property
    def spec_(self) -> RoleSpec:
        assert self.spec is not None
        return self.spec

    def ask_function(self) -> None:
        function = self.text("Lambda function name:", validate=check_function)
        self.spec = RoleSpec(function=function, partition=self.partition)
        hint = "12 digits; empty leaves it to CloudFormation"
        account = self.text(
            "AWS account id:",
            default=self.detected_account or "",
            validate=check_account,
            instruction=f"({hint})",
        )
        self.spec.account = account or None
        region = self.text(
            "AWS region:",
            default=self.detected_region or "",
            validate=check_region,
            instruction="(such as us-east-1; empty leaves it to CloudFormation)",
        )
        self.spec.region = region or None

    def ask_role(self) -> None:
        spec = self.spec_
        default = spec.role_name
        name = self.text("Role name:", default=default, validate=check_role_name)
        spec.role.name = None if name == f"{spec.function}-role"[:64] else name

    def ask_boundary(self) -> None:
        spec = self.spec_
        choices = [Choice(title, value=key) for key, title in BOUNDARIES.items()]
        choices.append(Choice("an existing boundary policy, by its ARN", value=EXISTING_BOUNDARY))
        current = spec.boundary if spec.boundary in BOUNDARIES else EXISTING_BOUNDARY
        choice = self.select("Permissions boundary:", choices, default=current)
        if choice == EXISTING_BOUNDARY:
            default = spec.boundary if current == EXISTING_BOUNDARY else ""
            choice = self.text(
                "Boundary policy ARN:",
                default=default,
                validate=check_boundary_arn,
                instruction="(arn:aws:iam::123456789012:policy/NAME)",
            )
        spec.boundary = choice

    def ask_options(self) -> None:
        spec = self.spec_
        spec.logs = self.confirm("Write to the function's own log group?", default=spec.logs)
        spec.tracing = self.confirm("Send traces to X-Ray?", default=spec.tracing)
        spec.vpc = self.confirm("Does the function run in a VPC?", default=spec.vpc)
        spec.deployer = self.confirm(
            "Also write a deployer policy (pass this role to Lambda only)?",
            default=spec.deployer,
        )

    # ----------------------------------------------------------------- resources

    def add_resource(self) -> None:
        spec = self.spec_
        choices = [
            Choice(f"{name}: {kind.title}", value=name) for name, kind in self.cat.kinds.items()
        ]
        kind_name = self.select("Resource kind (type to filter):", choices, search=True)
        kind = self.cat.kinds[kind_name]
        if kind_name == "custom":
            entries = [self.ask_custom()]
        else:
            entries = self.choose_resources(kind_name, kind)
        if not entries:
            return
        access = self.ask_access(kind_name, kind, len(entries))
        for entry in entries:
            if access != kind.default_access:
                entry.access = access
            spec.resources = [*spec.resources, entry]
            self.say(f"added {self._label(entry)} ({access})")

    def _label(self, entry: ResourceEntry) -> str:
        trial = self.spec_.model_copy(update={"resources": [entry]})
        return resolve_resources(trial, cat=self.cat)[0].label

    def ask_access(self, kind_name: str, kind: Kind, count: int) -> str:
        if len(kind.profiles) == 1:
            ((name, profile),) = kind.profiles.items()
            self.say(f"access: {name}: {profile.summary}")
            return name
        what = kind.title if count == 1 else f"the {count} {kind.title} resources"
        choices = [Choice(f"{name}: {p.summary}", value=name) for name, p in kind.profiles.items()]
        return str(self.select(f"Access to {what}:", choices, default=kind.default_access))

    def discovered(self, kind_name: str) -> list[Any]:
        """The account's resources of a kind; [] (with one line said) when listing fails."""
        disc = self.discoverer
        if disc is None:
            return []
        try:
            if not disc.supports(kind_name):
                return []
            self.say(f"listing {kind_name} resources ...")
            return list(disc.list(kind_name))
        except Exception as exc:  # any listing error: say it, then type by hand
            self.say(f"could not list {kind_name}: {_one_line(exc)}; type the name or ARN")
            return []

    def choose_resources(self, kind_name: str, kind: Kind) -> list[ResourceEntry]:
        if kind_name == "s3-prefix":
            return self.choose_s3(kind)
        found = self.discovered(kind_name)
        if found:
            choices = [
                Choice(_title(d), value=i, description=str(d.arn or ""))
                for i, d in enumerate(found)
            ]
            picked = self.checkbox(
                f"{kind.title} ({len(found)} found):",
                choices,
                instruction="(space selects, type to filter, Enter with none selected to type "
                "a name or ARN)",
            )
            entries = []
            for i in picked:
                entry = self.entry_from_discovered(kind_name, kind, found[i])
                if entry is not None:
                    entries.append(entry)
            if entries or picked:
                return entries
        return [self.ask_manual(kind_name, kind)]

    def entry_from_discovered(self, kind_name: str, kind: Kind, item: Any) -> ResourceEntry | None:
        """An entry naming a discovered resource: by its name when the kind's name field takes
        it (portable across accounts), else by its ARN."""
        candidates = []
        field = primary_field(kind)
        name = str(getattr(item, "name", "") or "")
        if field and name and kind.fields[field].check(name):
            candidates.append(ResourceEntry(kind=kind_name, **{field: name}))
        arn = str(getattr(item, "arn", "") or "")
        if arn:
            candidates.append(ResourceEntry(kind=kind_name, arn=arn))
        error = "it has neither a usable name nor an ARN"
        for entry in candidates:
            problem = entry_error(self.spec_, entry, self.cat)
            if problem is None:
                return entry
            error = problem
        self.say(f"skipped {name or arn}: {error}")
        return None

    def ask_manual(self, kind_name: str, kind: Kind) -> ResourceEntry:
        spec = self.spec_
        field = primary_field(kind)
        assert field is not None
        fspec = kind.fields[field]

        def validate(value: str) -> bool | str:
            value = value.strip()
            if not value:
                return f"enter the {fspec.help} or an ARN"
            if value.startswith("arn:"):  # the check `build` makes, with its message
                return entry_error(spec, ResourceEntry(kind=kind_name, arn=value), self.cat) or True
            return field_problem(fspec, value) or True

        value = self.text(f"{kind.title}: {fspec.help} or ARN:", validate=validate)
        if value.startswith("arn:"):
            return ResourceEntry(kind=kind_name, arn=value)
        fields = {field: value}
        for other, ospec in kind.fields.items():
            if other == field:
                continue
            fields[other] = self.ask_field(ospec.help, ospec, default=ospec.default or "")
        fields = {k: v for k, v in fields.items() if v and v != (kind.fields[k].default or "")}
        entry = ResourceEntry(kind=kind_name, **fields)
        problem = entry_error(spec, entry, self.cat)
        if problem:  # the patterns passed, so this is rare; say it and ask again
            self.say(problem)
            return self.ask_manual(kind_name, kind)
        return entry

    def ask_field(self, label: str, fspec: Any, *, default: str = "") -> str:
        def validate(value: str) -> bool | str:
            value = value.strip()
            if not value:
                return True if not fspec.required else f"enter the {label}"
            if problem := policy_variable_problem(value):
                return problem
            return True if fspec.check(value) else f"{value!r} is not a valid {label}"

        optional = "" if fspec.required else " (optional)"
        return self.text(
            f"{label[:1].upper()}{label[1:]}{optional}:", default=default, validate=validate
        )

    def choose_s3(self, kind: Kind) -> list[ResourceEntry]:
        found = self.discovered("s3-prefix")
        bucket = BY_HAND
        if found:
            choices = [Choice(str(d.name), value=str(d.name)) for d in found]
            choices.append(Choice("type a bucket name or ARN", value=BY_HAND))
            bucket = self.select(
                f"Bucket ({len(found)} found, type to filter):", choices, search=True
            )
        if bucket != BY_HAND:  # a listed bucket can be one a spec refuses (a legacy name)
            problem = entry_error(
                self.spec_, ResourceEntry(kind="s3-prefix", bucket=bucket), self.cat
            )
            if problem is not None:
                self.say(problem)
                bucket = BY_HAND
        if bucket == BY_HAND:
            return [self.ask_manual("s3-prefix", kind)]
        while True:
            prefix = self.choose_prefix(kind, bucket)
            fields = {"bucket": bucket, **({"prefix": prefix} if prefix else {})}
            entry = ResourceEntry(kind="s3-prefix", **fields)
            problem = entry_error(self.spec_, entry, self.cat)
            if problem is None:  # a listed prefix can hold what a spec refuses (``${``)
                return [entry]
            self.say(problem)

    def list_prefixes(self, bucket: str, prefix: str) -> list[str]:
        """The prefixes one level below ``prefix`` in ``bucket``; [] when they cannot be listed."""
        disc = self.discoverer
        if disc is None:
            return []
        try:
            found = disc.list("s3-prefix", bucket=bucket, prefix=prefix or None)
            return [str(getattr(p, "name", p)) for p in found]
        except Exception as exc:  # any listing error: say it, then type the prefix
            self.say(f"could not list the prefixes of {bucket}: {_one_line(exc)}")
            return []

    def choose_prefix(self, kind: Kind, bucket: str) -> str:
        """Drill down the bucket's prefixes (``Delimiter='/'``), or type one."""
        current = ""
        while True:
            subs = self.list_prefixes(bucket, current)
            if not subs:
                break
            whole = f"all of {current}" if current else "the whole bucket"
            choices = [Choice(whole, value=("use", current))]
            choices += [Choice(sub, value=("open", sub)) for sub in subs]
            choices.append(Choice("type a prefix", value=BY_HAND))
            picked = self.select(
                f"Prefix in {bucket} (type to filter; a prefix opens it):", choices, search=True
            )
            if picked == BY_HAND:
                current = ""
                break
            how, current = picked
            if how == "use":
                return current
        if current:
            return current
        fspec = kind.fields["prefix"]
        return self.ask_field("key prefix such as incoming/, empty for the whole bucket", fspec)

    def ask_custom(self) -> ResourceEntry:
        spec = self.spec_

        def check_actions(value: str) -> bool | str:
            actions = split_list(value)
            if not actions:
                return "enter at least one action, such as ses:SendEmail"
            entry = ResourceEntry(kind="custom", actions=actions, resources=["*"])
            problem = entry_error(spec, entry, self.cat)
            if problem:
                return problem
            from wizard.catalog.reference import reference

            ref = reference()
            for action in actions:
                if not ref.has_service(action.split(":")[0]):
                    return f"unknown service {action.split(':')[0]!r}"
                if not ref.expand(action):
                    return f"unknown action {action!r}"
            return True

        actions = split_list(
            self.text(
                "Actions (comma-separated):",
                validate=check_actions,
                instruction="(such as ses:SendEmail, ses:SendRawEmail)",
            )
        )

        def check_resources(value: str) -> bool | str:
            resources = split_list(value)
            if not resources:
                return "enter at least one resource ARN"
            entry = ResourceEntry(kind="custom", actions=actions, resources=resources)
            return entry_error(spec, entry, self.cat) or compose_error(spec, entry) or True

        resources = split_list(
            self.text(
                "Resources (comma-separated ARNs):",
                validate=check_resources,
                instruction="(* only for actions without resource-level permissions)",
            )
        )
        return ResourceEntry(kind="custom", actions=actions, resources=resources)

    def remove_resource(self) -> None:
        spec = self.spec_
        choices = [Choice(self._label(e), value=i) for i, e in enumerate(spec.resources)]
        choices.append(Choice("keep them all", value=-1))
        picked = self.select("Remove which resource?", choices)
        if picked >= 0:
            spec.resources = [e for i, e in enumerate(spec.resources) if i != picked]

    # ----------------------------------------------------------------- review and finish

    def review(self) -> Any:
        """Print the composed role; the bundle, or None when the composer refuses the spec."""
        from wizard.policy.compose import compose
        from wizard.policy.quotas import (
            INLINE_AGGREGATE_LIMIT,
            MANAGED_LIMIT,
            TRUST_LIMIT,
            policy_size,
        )

        spec = self.spec_
        self.say()
        self.say(f"Review: role {spec.role_name} for function {spec.function}")
        for entry in spec.resources:
            self.say(
                f"  - {self._label(entry)} ({entry.access or self.cat.kinds[entry.kind].default_access})"
            )
        try:
            bundle = compose(spec)
        except UserError as exc:
            self.say(f"The role cannot be built yet: {exc}")
            return None
        for policy in bundle.policies:
            self.say(f"Identity policy {policy.name}:")
            self.say(_json(policy.document))
        if not bundle.policies:
            self.say("Identity policy: none (the function is granted nothing)")
        if bundle.boundary is not None:
            self.say(f"Permissions boundary {bundle.boundary.name} ({spec.boundary}):")
            self.say(_json(bundle.boundary.document))
        elif bundle.boundary_arn:
            self.say(f"Permissions boundary: the existing policy {bundle.boundary_arn}")
        else:
            self.say("Permissions boundary: none")
        self.say("Trust policy:")
        self.say(_json(bundle.assume_role_policy))
        findings = _lint(bundle)
        if findings is not None:
            if findings:
                self.say(f"Validator findings ({len(findings)}):")
                for f in findings:
                    where = f" at {f.location}" if getattr(f, "location", None) else ""
                    self.say(f"  {f.severity} {f.code}{where}: {f.message}")
            else:
                self.say("Validator findings: none")
        inline = sum(policy_size(p.document) for p in bundle.policies)
        sizes = [f"inline policies {inline:,}/{INLINE_AGGREGATE_LIMIT:,}"]
        if bundle.boundary is not None:
            sizes.append(f"boundary {policy_size(bundle.boundary.document):,}/{MANAGED_LIMIT:,}")
        if bundle.deployer is not None:
            sizes.append(f"deployer {policy_size(bundle.deployer.document):,}/{MANAGED_LIMIT:,}")
        sizes.append(f"trust {policy_size(bundle.assume_role_policy):,}/{TRUST_LIMIT:,}")
        self.say("Sizes (characters IAM counts): " + ", ".join(sizes))
        return bundle

    def next_action(self, *, can_finish: bool) -> str:
        choices = []
        if can_finish:
            choices.append(Choice("save the spec and finish", value="finish"))
        choices.append(Choice("add a resource", value="add"))
        if self.spec_.resources:
            choices.append(Choice("remove a resource", value="remove"))
        choices.append(Choice("change the boundary", value="boundary"))
        choices.append(Choice("change logs, tracing, VPC and deployer", value="options"))
        return str(self.select("Next:", choices))

    def finish(self) -> PlainResult:
        from wizard.policy.compose import compose
        from wizard.spec import load_spec

        spec = self.spec_
        path = self.spec_path or self.ask_path("Save the spec to:", "role.yaml")
        while not self.write(path, spec_text(spec)):
            path = self.ask_path("Save the spec to:", "role.yaml")
        self.say(f"saved the spec to {path}; build it with: role-wizard build {path}")
        # Export from the saved file, exactly as `role-wizard build` would.
        saved, ctx = load_spec(path)
        bundle = compose(saved, ctx)
        fmt, out = self.export(bundle)
        return PlainResult(saved, path, fmt, out)

    def export(self, bundle: Any) -> tuple[str | None, Path | None]:
        from wizard.export import export

        fmt = self.export_format
        out = self.export_path
        while True:
            if fmt is None:
                choices = [Choice("no export", value="")]
                choices += [Choice(f"{f.title} ({k})", value=k) for k, f in FORMATS.items()]
                fmt = self.select("Export the role?", choices) or None
                if fmt is None:
                    return None, None
            try:
                text = export(bundle, fmt)
            except UserError as exc:
                self.say(f"cannot export {fmt}: {exc}")
                fmt = out = None
                continue
            out = out or self.ask_path(f"Write the {fmt} export to:", FORMATS[fmt].filename("role"))
            while not self.write(out, text):
                out = self.ask_path(f"Write the {fmt} export to:", FORMATS[fmt].filename("role"))
            self.say(f"wrote {fmt} for role {bundle.role_name} to {out}")
            return fmt, out

    def write(self, path: Path, text: str) -> bool:
        """Write ``text`` atomically; on failure say why (the caller asks for another path)."""
        from wizard.atomic import write_text_atomic

        try:
            write_text_atomic(path, text)
        except OSError as exc:
            self.say(f"cannot write {path}: {exc.strerror or exc}")
            return False
        return True

    def ask_path(self, message: str, default: str) -> Path:
        def validate(value: str) -> bool | str:
            value = value.strip()
            if not value:
                return "enter a file name"
            if Path(value).is_dir():
                return f"{value} is a folder"
            return True

        while True:
            path = Path(self.text(message, default=default, validate=validate))
            if not path.exists() or self.confirm(f"{path} exists. Overwrite it?", default=False):
                return path


def _json(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def _title(item: Any) -> str:
    """A discovered resource's line: its name, and its alias where it has one (KMS keys)."""
    detail = getattr(item, "detail", None)
    alias = detail.get("alias") if isinstance(detail, dict) else None
    return f"{item.name} ({alias})" if alias else str(item.name)


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", "") or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _lint(bundle: Any) -> list[Any] | None:
    """The validator's findings, or None when the validator is not part of this install."""
    try:
        from wizard.policy.lint import lint_bundle
    except ImportError:
        return None
    try:
        return list(lint_bundle(bundle))
    except Exception:  # the review never fails on the validator; `validate` reports it
        return None


# --------------------------------------------------------------------------- Ctrl-C


def save_partial(
    spec: RoleSpec | None, spec_path: str | Path | None, *, reason: str = "interrupted"
) -> str:
    """Save what was typed before Ctrl-C; the one line to print about it."""
    if spec is None:
        return f"{reason}; nothing typed yet, nothing saved"
    try:
        from wizard.drafts import DraftStore
    except ImportError:
        DraftStore = None  # noqa: N806
    if DraftStore is not None:
        try:
            store = DraftStore()
            path = store.save(store.new_id(), spec)
            return f"{reason}; saved what you typed as a draft: {path}"
        except (UserError, OSError):
            pass  # fall back to a file beside the spec
    from wizard.atomic import write_text_atomic

    partial = Path(f"{spec_path or 'role.yaml'}.partial")
    try:
        write_text_atomic(partial, spec_text(spec))
    except OSError as exc:
        return f"{reason}; could not save what you typed to {partial}: {exc.strerror}"
    return f"{reason}; saved what you typed to {partial}"
