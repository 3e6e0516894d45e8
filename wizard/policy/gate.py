"""The one gate: may a composed role be written or applied?

A role leaves the tool — as an export on disk, as changes to an account, as the spec an audit
writes — only as an :class:`Approved` bundle, and :func:`approve` is the only place that makes
one: it runs the validator over the whole bundle and refuses the role when any finding is an
error or a warning. The exporters (:func:`wizard.export.export`) and provisioning
(``wizard.aws.provision.make_plan``) pass whatever they are given through :func:`approved`,
so no door can forget to ask; a front that already holds an :class:`Approved` (it showed the
findings) is not validated twice. Fronts only show :attr:`Refused.findings`; they never decide
this themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from wizard.bundle import RoleBundle
from wizard.errors import UserError
from wizard.policy.documents import Finding

BLOCKING = ("error", "warning")  # severities that refuse a role


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that refuse a role: its errors and warnings, in the validator's order."""
    return [f for f in findings if f.severity in BLOCKING]


def describe(finding: Finding) -> str:
    """One line for a finding: ``code at /pointer: message``."""
    where = f" at {finding.pointer}" if finding.pointer else ""
    return f"{finding.code}{where}: {finding.message}"


class Refused(UserError):
    """The validator rejects the role; ``findings`` are the errors and warnings that refuse it."""

    def __init__(
        self, findings: Sequence[Finding], *, where: str | None = None, function: str | None = None
    ) -> None:
        self.findings = list(findings)
        self.function = function  # in an app: the function whose role is refused
        first = describe(self.findings[0])
        more = len(self.findings) - 1
        tail = f" (and {more} more; `role-wizard validate` on the JSON export lists them)"
        whose = f"function {function}: the composed role" if function else "the composed role"
        super().__init__(f"{whose} fails validation: {first}{tail if more else ''}", where=where)


class Approved(NamedTuple):
    """A bundle the validator passed: only errors and warnings refuse, so ``findings`` holds
    the informational ones that remain."""

    bundle: RoleBundle
    findings: tuple[Finding, ...] = ()


def review(bundle: RoleBundle, *, source: str = "<role>") -> list[Finding]:
    """Every validator finding for ``bundle`` (named ``source`` in locations)."""
    from wizard.policy.lint import lint_bundle

    return list(lint_bundle(bundle, file=source))


def approve(bundle: RoleBundle, *, source: str = "<role>") -> Approved:
    """The bundle as :class:`Approved`, or :class:`Refused` naming what refuses it."""
    findings = review(bundle, source=source)
    bad = blocking(findings)
    if bad:
        raise Refused(bad, where=None if source.startswith("<") else source)
    return Approved(bundle, tuple(findings))


def approved(bundle: RoleBundle | Approved, *, source: str = "<role>") -> Approved:
    """``bundle`` if the gate already passed it, else :func:`approve` of it."""
    if isinstance(bundle, Approved):
        return bundle
    return approve(bundle, source=source)


class ApprovedApp(NamedTuple):
    """The roles of an app, every one :class:`Approved`."""

    app: str
    roles: tuple[Approved, ...]


def approve_app(app: str, bundles: Sequence[RoleBundle], *, source: str = "<app>") -> ApprovedApp:
    """Every role of the app through :func:`approve`: the first refused one refuses the app,
    and :class:`Refused` names its function."""
    out = []
    for bundle in bundles:
        try:
            out.append(approve(bundle, source=source))
        except Refused as exc:
            raise Refused(exc.findings, where=exc.where, function=bundle.function_name) from None
    return ApprovedApp(app, tuple(out))
