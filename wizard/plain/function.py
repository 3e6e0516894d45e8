"""Step 1: the function's name, where it runs (account, region) and the role's name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError

from wizard.errors import UserError
from wizard.spec import RoleOptions, RoleSpec, fill_location

if TYPE_CHECKING:
    from wizard.plain.app import PlainWizard

# Each check returns True or a message for the user, the shape questionary's ``validate=`` takes;
# the rule is the spec model's.


def _first_error(exc: ValidationError) -> str:
    return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")


def _model_check(model: type, **fields: object) -> bool | str:
    try:
        model(**fields)
    except ValidationError as exc:
        return _first_error(exc)
    return True


def check_function(value: str) -> bool | str:
    return _model_check(RoleSpec, function=value)


def check_account(value: str) -> bool | str:
    """12 digits, or empty to leave the account open (CloudFormation fills it)."""
    return _model_check(RoleSpec, function="f", account=value) if value else True


def check_region(value: str) -> bool | str:
    return _model_check(RoleSpec, function="f", region=value) if value else True


def check_role_name(value: str) -> bool | str:
    """IAM's rule for role names: 1-64 ASCII letters, digits and +=,.@_-."""
    return _model_check(RoleOptions, name=value)


def located(wizard: PlainWizard, spec: RoleSpec) -> RoleSpec:
    """``spec`` with what the session detected filled in; a value the spec model refuses is
    said and left open."""
    try:
        return fill_location(spec, **wizard.detected, source="the AWS session")
    except UserError as exc:
        wizard.say(f"not using the session's values: {exc.detail}")
        return spec


def ask_function(wizard: PlainWizard) -> None:
    name = wizard.text("Lambda function name:", validate=check_function)
    wizard.spec = spec = located(wizard, RoleSpec(function=name))
    account = wizard.text(
        "AWS account id:",
        default=spec.account or "",
        validate=check_account,
        instruction="(12 digits; empty leaves it to CloudFormation)",
    )
    spec.account = account or None
    region = wizard.text(
        "AWS region:",
        default=spec.region or "",
        validate=check_region,
        instruction="(such as us-east-1; empty leaves it to CloudFormation)",
    )
    spec.region = region or None


def ask_role(wizard: PlainWizard) -> None:
    spec = wizard.spec_
    name = wizard.text("Role name:", default=spec.role_name, validate=check_role_name)
    spec.role.name = None if name == f"{spec.function}-role"[:64] else name
