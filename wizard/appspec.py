"""The app spec: many functions, one role each, in one file.

An app spec is a role spec file with ``functions:`` -- a list of role specs -- and the values
they share at the top: the app's name (``app:``), ``account``, ``region``, ``partition``,
``boundary`` and default ``tags``. Each function is a role spec as ``role.yaml`` holds it; what
it leaves out it takes from the top (its own ``boundary`` wins, its own tags are added to the
app's). A function may not set another account, region or partition than the app's: one file
is deployed to one place.

:func:`load_any_spec` reads either kind of file. Every problem is a one-line UserError naming
``FILE:LINE`` and, inside a function, the function. The names every export gives a function's
resources start with :func:`function_key`, so two functions whose keys would clash are refused
rather than renamed: adding a function never renames the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, Strict, ValidationError, field_validator

from wizard.errors import UserError
from wizard.limits import MAX_SPEC_BYTES, read_text
from wizard.spec import (
    FUNCTION_RE,
    RoleOptions,
    RoleSpec,
    SpecContext,
    Text,
    _Model,
    check_spec,
    dotted,
    is_app_data,
    load_any_spec,  # noqa: F401 - also here, beside the app spec it may read
    load_any_spec_text,  # noqa: F401
    parse_yaml,
    spec_yaml,
    validation_error,
)

# What a function takes from the app when it leaves it out; the first three it may only repeat.
PLACE = ("account", "region", "partition")
SHARED = (*PLACE, "boundary")
APP_RE = FUNCTION_RE  # the app's name goes into policy names: letters, digits, - and _


def function_key(function: str) -> str:
    """The start of every name an export gives this function's resources: its name in
    CamelCase, letters and digits only (``orders-api`` -> ``OrdersApi``), as CloudFormation's
    logical IDs need."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", function) if p)


class AppSpec(_Model):
    """An app: its name, the values its functions share, and the functions as written."""

    app: Text
    account: str | None = None
    region: Text | None = None
    partition: Literal["aws", "aws-cn", "aws-us-gov"] = "aws"
    boundary: Annotated[str, Strict()] = "envelope"
    tags: dict[Text, Text] = Field(default_factory=dict)
    functions: list[RoleSpec] = Field(min_length=1)

    # The shared values obey the role spec's own rules, checked by the role spec's validators.
    _account = field_validator("account", mode="before")(lambda cls, v: RoleSpec._account(v))
    _region = field_validator("region")(lambda cls, v: RoleSpec._region(v))
    _boundary = field_validator("boundary")(lambda cls, v: RoleSpec._boundary(v))
    _tags = field_validator("tags", mode="before")(lambda cls, v: RoleOptions._tags(v))

    @field_validator("app")
    @classmethod
    def _app(cls, value: str) -> str:
        if not APP_RE.fullmatch(value):
            raise ValueError(
                f"app name {value!r} must be 1-64 characters of letters, digits, - and _"
            )
        return value

    def role(self, index: int) -> RoleSpec:
        """Function ``index`` as a whole role spec: what it leaves out taken from the app."""
        function = self.functions[index]
        merged = function.model_copy(deep=True)
        for name in SHARED:
            if name in self.model_fields_set and name not in function.model_fields_set:
                setattr(merged, name, getattr(self, name))
        if self.tags:
            merged.role.tags = {**self.tags, **function.role.tags}
        return merged

    def roles(self) -> list[RoleSpec]:
        return [self.role(i) for i in range(len(self.functions))]

    def index(self, function: str) -> int:
        """The index of the function called ``function``; UserError naming the others."""
        for i, spec in enumerate(self.functions):
            if spec.function == function:
                return i
        names = ", ".join(f.function for f in self.functions)
        raise UserError(f"app {self.app} has no function {function!r} (functions: {names})")

    def with_function(self, index: int, spec: RoleSpec) -> AppSpec:
        """The app with function ``index`` replaced by the whole role spec ``spec`` (as
        :meth:`role` gives it, edited): what equals the app's value is left to the app again,
        every other function stays as it was written."""
        data = spec.dump()
        for name in SHARED:
            value, theirs = getattr(spec, name), getattr(self, name)
            if value == theirs:
                data.pop(name, None)  # the app's again
            elif name in PLACE:
                raise UserError(
                    f"function {spec.function}: {name} {value} contradicts the app's {name} "
                    f"{theirs or '(left open)'}; an app is deployed to one place"
                )
            else:
                data[name] = value
        tags = {k: v for k, v in spec.role.tags.items() if self.tags.get(k) != v}
        role = data.get("role", {})
        if tags:
            role["tags"] = tags
        else:
            role.pop("tags", None)
        if role:
            data["role"] = role
        else:
            data.pop("role", None)
        functions = list(self.functions)
        functions[index] = RoleSpec.model_validate(data)
        return self.model_copy(update={"functions": functions})

    def dump(self) -> dict[str, Any]:
        """The app as plain data for YAML, with defaults left out."""
        data: dict[str, Any] = {"app": self.app}
        for name in (*SHARED, "tags"):
            if name in self.model_fields_set and getattr(self, name):
                data[name] = getattr(self, name)
        data["functions"] = [f.dump() for f in self.functions]
        return data

    def to_yaml(self) -> str:
        """The app spec's YAML text; ``load_app_text(app.to_yaml())`` gives this app back."""
        return spec_yaml(self.dump())


@dataclass
class FunctionContext(SpecContext):
    """Where one function of an app spec came from: the app's lines, seen from the function
    (``("resources", 0)`` is ``functions[i].resources[0]``); a shared value the function
    leaves out is on the app's line."""

    prefix: tuple[Any, ...] = ()

    def where(self, loc: tuple[Any, ...]) -> str:
        loc = tuple(loc)
        if loc and loc[0] in SHARED and (*self.prefix, loc[0]) not in self.lines:
            return super().where(loc)
        return super().where((*self.prefix, *loc))


def function_context(ctx: SpecContext, index: int) -> FunctionContext:
    return FunctionContext(ctx.source, ctx.lines, prefix=("functions", index))


def in_function(exc: UserError, function: str) -> UserError:
    """``exc`` with the function it is about named first."""
    return UserError(f"function {function}: {exc.detail}", where=exc.where)


def is_app_file(path: str | Path) -> bool:
    """Whether ``path`` is a file holding an app spec (anything unreadable is not one)."""
    try:
        text, source = read_text(str(path), "spec file", MAX_SPEC_BYTES)
        return is_app_data(parse_yaml(text, source)[0])
    except UserError:
        return False


def app_file_problem(path: str | Path) -> str | None:
    """Why a role spec must not be saved to ``path`` (an app spec's file), or None."""
    if path == "-" or not is_app_file(path):
        return None
    return (
        f"{path} is an app spec, and a role spec saved there would replace every function; "
        f"choose another file, or edit one function: role-wizard edit {path} --function NAME"
    )


def app_from_data(data: Any, ctx: SpecContext) -> AppSpec:
    """The checked app spec of parsed YAML data (see :func:`load_app_text`)."""
    try:
        app = AppSpec.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, ctx) from None
    _check_unique(app, ctx)
    for i, function in enumerate(app.functions):
        fctx = function_context(ctx, i)
        try:
            _check_place(app, i, fctx)
            try:
                spec = app.role(i)
            except ValidationError as exc:
                raise validation_error(exc, fctx) from None
            check_spec(spec, fctx)
        except UserError as exc:
            raise in_function(exc, function.function) from None
    return app


def _check_place(app: AppSpec, index: int, ctx: FunctionContext) -> None:
    function = app.functions[index]
    for name in PLACE:
        mine, theirs = getattr(function, name), getattr(app, name)
        if name in function.model_fields_set and mine != theirs:
            if theirs is None:  # the app leaves it open: the function may not pin it alone
                said = "leaves it open; set it at the top for every function"
            else:
                said = f"is {theirs}"
            raise UserError(
                f"{name} {mine}: the app's {name} {said} (one file is deployed to one place)",
                where=ctx.where((name,)),
            )


def _check_unique(app: AppSpec, ctx: SpecContext) -> None:
    """No two functions share a name, a role name (IAM's are case-insensitive) or a
    :func:`function_key` (the start of their resources' names)."""
    seen: dict[tuple[str, str], int] = {}
    for i, function in enumerate(app.functions):
        merged_role = function.role_name
        for what, value in (
            ("function", function.function),
            ("role name", merged_role.lower()),
            ("resource names", function_key(function.function)),
        ):
            first = seen.setdefault((what, value), i)
            if first == i:
                continue
            other = app.functions[first].function
            loc = ("functions", i, "role", "name") if what == "role name" else ("functions", i)
            if what == "function":
                problem = f"a second function named {value!r}"
            elif what == "role name":
                problem = f"the role name {merged_role!r} is {other}'s too"
            else:
                problem = (
                    f"{function.function!r} and {other!r} would give their resources the same "
                    f"names ({value}...); rename one"
                )
            raise UserError(f"{dotted(loc)}: {problem} (functions[{first}])", where=ctx.where(loc))


def load_app_text(text: str, source: str = "<app>") -> tuple[AppSpec, SpecContext]:
    data, lines = parse_yaml(text, source)
    ctx = SpecContext(source, lines)
    return app_from_data(data, ctx), ctx
