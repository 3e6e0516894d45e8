"""The policy set ``can`` and ``diff`` read from a file (:func:`load_policy_set`), through the
one reader of policy files, :func:`wizard.policy.documents.load_policy_source`. A module of its
own: ``build`` reads no policy file, and defining :class:`PolicySet` cost it ~3M instructions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.errors import UserError
from wizard.policy.documents import load_policy_source

__all__ = ["PolicySet", "load_policy_set"]


@dataclass
class PolicySet:
    """The permissions policies one file contributes: identity policies and maybe a boundary
    (a bundle's, template's or spec's trust and deployer policies are not the role's own)."""

    identity: list[Any] = field(default_factory=list)  # NamedPolicy items
    boundaries: list[Any] = field(default_factory=list)  # NamedPolicy items
    notes: list[str] = field(default_factory=list)  # things the user should know


def load_policy_set(path: str) -> PolicySet:
    """The policy set ``can`` and ``diff`` read from a file, through :func:`load_policy_source`:
    a document is one identity policy; a bundle, template or spec gives its inline policies,
    the shipped AWS managed policies it attaches and its boundary. A file IAM would reject is
    refused (:meth:`PolicySource.require_valid`): ``can`` and ``diff`` never answer for a
    policy that cannot exist."""
    from wizard.bundle import NamedPolicy

    src = load_policy_source(path).require_usable().require_valid()
    out = PolicySet(notes=list(src.notes))
    if src.is_bundle:
        from wizard.policy.managed import managed_policy_by_arn

        for i, part in enumerate(src.parts):
            if part.role == "inline":
                out.identity.append(NamedPolicy(part.name or f"#{i}", part.document))
            elif part.role == "boundary":
                out.boundaries.append(NamedPolicy("boundary", part.document))
        for arn in src.managed_policy_arns:
            managed = managed_policy_by_arn(arn)
            if managed is None:
                out.notes.append(f"{src.file}: managed policy {arn} is not shipped; left out")
            else:
                out.identity.append(managed)
        if src.boundary_arn:
            out.notes.append(
                f"{src.file}: the boundary {src.boundary_arn} is referenced by ARN; left out"
            )
        return out
    data = src.parts[0].document if src.parts else None
    if isinstance(data, list):
        raise UserError("a policy document must be a JSON object, not a list", where=src.file)
    if not isinstance(data, dict):
        kind = "null" if data is None else type(data).__name__
        raise UserError(f"a policy document must be a JSON object, not {kind}", where=src.file)
    if "Statement" not in data:
        raise UserError('neither a policy document (no "Statement") nor a bundle', where=src.file)
    out.identity.append(NamedPolicy(Path(src.file).name, data))
    return out
