"""What a renderer renders: one role, or the roles of an app.

Every format's renderer takes a :class:`RoleSet` (or a lone :class:`~wizard.bundle.RoleBundle`,
read as a set of one), so an app spec builds in every format through the same code path as a
role spec. A lone role keeps the names its format always gave it; in an app every name of a
function's resources starts with the function's key (:func:`wizard.appspec.function_key`),
which depends on that function alone, and a boundary several roles share is one resource.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from wizard.bundle import NamedPolicy, RoleBundle


def snake_key(key: str) -> str:
    """A function's key in snake case, for names that take letters, digits and ``_`` and start
    with no digit (Terraform labels, Python attributes): ``OrdersApi`` -> ``orders_api``,
    ``1Fn`` -> ``_1_fn``. Different keys give different names, and none has a capital."""
    label = re.sub(r"[A-Z]", lambda m: "_" + m[0].lower(), key)
    return label[1:] if label.startswith("_") else "_" + label


class RoleSet(NamedTuple):
    bundles: tuple[RoleBundle, ...]
    app: str | None = None  # the app's name; None: one role on its own

    @classmethod
    def of(cls, roles: RoleBundle | RoleSet) -> RoleSet:
        return roles if isinstance(roles, RoleSet) else cls((roles,))

    @property
    def lone(self) -> RoleBundle | None:
        """The role, when this is one role on its own (not an app)."""
        return self.bundles[0] if self.app is None else None

    def keyed(self) -> list[tuple[str, RoleBundle]]:
        """``(key, bundle)`` for every role of an app, in the app's order."""
        from wizard.appspec import function_key

        return [(function_key(b.function_name or b.role_name), b) for b in self.bundles]

    def boundaries(self) -> list[NamedPolicy]:
        """The boundary policies the roles use, each once (roles that share a boundary share
        its name: see :func:`wizard.policy.app.compose_app`), in order of first use."""
        seen: dict[str, NamedPolicy] = {}
        for bundle in self.bundles:
            if bundle.boundary is not None:
                first = seen.setdefault(bundle.boundary.name, bundle.boundary)
                if first.document != bundle.boundary.document:
                    raise ValueError(f"two boundaries named {first.name} differ")
        return list(seen.values())
