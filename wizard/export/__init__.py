"""Bundle -> text: the export formats, in one table.

:data:`FORMATS` is the only list of formats: its names, titles and file suffixes are what the
CLI's ``--format`` choices, the wizard's finish step and plain mode offer. :func:`export`
renders a bundle only once it passed the gate (:func:`wizard.policy.gate.approved`), so
nothing is written that the validator refuses. An app's roles are rendered together, once
every one passed (:class:`~wizard.policy.gate.ApprovedApp`): each renderer takes a
:class:`~wizard.export.roles.RoleSet`, one role or an app's. Importing this module is cheap (the CLI builds its parser from the table); each
format's renderer is imported when it is first used.
"""

from __future__ import annotations

import importlib
import keyword
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from wizard.errors import UserError

if TYPE_CHECKING:
    from wizard.bundle import RoleBundle
    from wizard.export.roles import RoleSet
    from wizard.policy.gate import Approved, ApprovedApp


class ExportFormat(NamedTuple):
    """One export format: ``name`` (``--format``), a ``title`` for menus and a ``short`` one for
    buttons, the ``suffix`` of its file after the role's name, and its renderer
    (``module:function``, :class:`~wizard.export.roles.RoleSet` or bundle -> text). A
    ``python_module`` file is named so that Python can import it (``orders-api-role`` ->
    ``orders_api_role.py``)."""

    name: str
    title: str
    short: str
    suffix: str
    renderer: str
    python_module: bool = False

    def filename(self, role_name: str) -> str:
        stem = python_module_name(role_name) if self.python_module else role_name
        return f"{stem}{self.suffix}"

    def render(self, roles: RoleBundle | RoleSet) -> str:
        module, _, function = self.renderer.partition(":")
        return getattr(importlib.import_module(module), function)(roles)


def python_module_name(role_name: str) -> str:
    """An importable module name for a role: ``orders-api-role`` -> ``orders_api_role``."""
    name = re.sub(r"\W", "_", role_name, flags=re.ASCII) or "role"
    return f"role_{name}" if name[0].isdigit() or keyword.iskeyword(name) else name


_CFN = "wizard.export.cloudformation"
FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("json", "JSON bundle", "JSON", ".json", f"{_CFN}:to_json"),
        ExportFormat(
            "cloudformation",
            "CloudFormation template (YAML)",
            "CFN YAML",
            ".cfn.yaml",
            f"{_CFN}:to_cloudformation_yaml",
        ),
        ExportFormat(
            "cloudformation-json",
            "CloudFormation template (JSON)",
            "CFN JSON",
            ".cfn.json",
            f"{_CFN}:to_cloudformation_json",
        ),
        ExportFormat(
            "terraform",
            "Terraform (HCL)",
            "Terraform",
            ".tf",
            "wizard.export.terraform:to_terraform",
        ),
        ExportFormat(
            "sam",
            "SAM template with the function (YAML)",
            "SAM",
            ".sam.yaml",
            f"{_CFN}:to_sam_yaml",
        ),
        ExportFormat(
            "cdk-python",
            "AWS CDK construct (Python)",
            "CDK Py",
            ".py",
            "wizard.export.cdk:to_cdk_python",
            python_module=True,
        ),
        ExportFormat(
            "cdk-typescript",
            "AWS CDK construct (TypeScript)",
            "CDK TS",
            ".ts",
            "wizard.export.cdk:to_cdk_typescript",
        ),
    )
}


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; UserError naming the formats otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UserError(f"unknown format {name!r} (formats: {', '.join(FORMATS)})") from None


def export(bundle: RoleBundle | Approved | ApprovedApp, fmt: str) -> str:
    """The text of ``bundle`` in format ``fmt``; :class:`~wizard.policy.gate.Refused` when the
    validator rejects the role (a bundle already :class:`Approved` is not checked again; an
    app's roles are rendered only as an :class:`ApprovedApp`)."""
    from wizard.export.roles import RoleSet
    from wizard.policy.gate import ApprovedApp, approved

    form = export_format(fmt)
    if isinstance(bundle, ApprovedApp):
        return form.render(RoleSet(tuple(ok.bundle for ok in bundle.roles), app=bundle.app))
    return form.render(approved(bundle).bundle)


def export_file(
    bundle: RoleBundle | Approved | ApprovedApp,
    fmt: str,
    folder: str | Path,
    *,
    create_folder: bool = False,
) -> Path:
    """Write the export atomically to ``FOLDER/<role><suffix>`` (``<app><suffix>`` for an
    app; making FOLDER only when ``create_folder``); the path written."""
    from wizard.atomic import write_text_atomic
    from wizard.policy.gate import ApprovedApp, approved

    ok = bundle if isinstance(bundle, ApprovedApp) else approved(bundle)
    text = export(ok, fmt)
    name = ok.app if isinstance(ok, ApprovedApp) else ok.bundle.role_name
    target = Path(folder) / export_format(fmt).filename(name)
    try:
        write_text_atomic(target, text, create_folder=create_folder)
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror or exc}", where=str(target)) from None
    return target
