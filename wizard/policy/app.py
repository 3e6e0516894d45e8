"""An app's roles: each function's spec composed, and identical boundaries made one.

A boundary the app composes (``envelope`` or ``strict``) is named after the app and its own
content (``APP-boundary-1a2b3c4d``): roles whose boundaries are the same document share one
policy, and the name depends on nothing else, so adding, removing or reordering functions
never renames another function's boundary.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence

from wizard.appspec import AppSpec, function_context, in_function
from wizard.bundle import Document, NamedPolicy, RoleBundle
from wizard.errors import UserError
from wizard.policy.compose import compose
from wizard.spec import RoleSpec, SpecContext


def boundary_name(app: str, document: Document) -> str:
    """``APP-boundary-`` and the first 8 hex digits of the document's SHA-256 (keys sorted)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{app}-boundary-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def compose_app(
    app: AppSpec, ctx: SpecContext | None = None, roles: Sequence[RoleSpec] | None = None
) -> list[RoleBundle]:
    """The bundle of every function of ``app`` (``roles``: the functions' whole specs, as
    :meth:`AppSpec.roles` gives them, perhaps with open values filled). A problem is a
    UserError naming the function."""
    ctx = ctx or SpecContext()
    out = []
    for i, spec in enumerate(roles if roles is not None else app.roles()):
        try:
            bundle = compose(spec, function_context(ctx, i))
        except UserError as exc:
            raise in_function(exc, spec.function) from None
        if bundle.boundary is not None:
            document = bundle.boundary.document
            shared = NamedPolicy(boundary_name(app.app, document), document)
            bundle = dataclasses.replace(bundle, boundary=shared)
        out.append(bundle)
    return out
