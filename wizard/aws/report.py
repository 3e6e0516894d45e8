"""What ``role-wizard report ROLE`` reads from the account: the role (through the audit's one
reader) and the account's resources (through discovery). The report itself is domain code
(:mod:`wizard.report.access`)."""

from __future__ import annotations

from wizard.aws.audit import read_role
from wizard.aws.discover import Discoverer, DiscoveryError
from wizard.aws.session import AwsSession
from wizard.catalog.kinds import catalog
from wizard.report.access import AccessReport, build_report, discovered_targets
from wizard.spec import RoleSpec


def role_report(aws: AwsSession, role_name: str) -> AccessReport:
    """The access report of the account's role ``role_name``, against every resource the
    account's discovery lists (those the role can touch: the rest are counted in a note)."""
    notes: list[str] = []
    role = read_role(aws, role_name, notes)
    kinds = [name for name, kind in catalog().kinds.items() if kind.discovery is not None]
    found = []
    for kind, result in Discoverer(aws).list_many(kinds).items():
        if isinstance(result, DiscoveryError):
            notes.append(f"cannot list {kind}: {result.message}")
        else:
            found.extend((kind, item) for item in result)
    where = RoleSpec(
        function=role.functions[0] if role.functions else "report",
        account=role.account,
        region=aws.region,
        partition=role.partition,
    )
    if role.boundary is not None:
        boundary = f"{role.boundary_arn}"
    elif role.boundary_arn:
        boundary = f"{role.boundary_arn} (its document could not be read: not applied here)"
    else:
        boundary = "none"
    return build_report(
        role.name,
        role.granting_documents(),
        role.boundary,
        discovered_targets(where, found),
        source=f"account {role.account} ({aws.region})",
        functions=role.functions,
        boundary_label=boundary,
        notes=notes,
        keep_empty=False,
    )
