"""Load in the background what the later steps need, so changing steps repaints fast.

The first step change used to import the next screen's module, and step 4 and 5 to read the
managed-policy index, the IAM reference and the linter's catalog files, all on the UI thread
before the new screen's first paint (0.13-0.55 s on a quiet machine). The session worker calls
:func:`prewarm` once the first frame is on screen; every load here is cached for the process.
"""

from __future__ import annotations

import importlib

from wizard.tui.state import STEPS


def prewarm() -> None:
    """Import every step's screen module and fill the domain's caches (a role composed and
    reviewed once, the managed policies, the IAM reference). Pure loading: no app state."""
    for step in STEPS[1:]:
        importlib.import_module(f"wizard.tui.screens.{step.module}")
    from wizard.catalog.reference import reference
    from wizard.policy.compose import compose
    from wizard.policy.gate import review
    from wizard.policy.managed import managed_policy, managed_policy_names
    from wizard.policy.quotas import policy_sizes
    from wizard.spec import ResourceEntry, RoleSpec

    spec = RoleSpec(
        function="prewarm",
        account="123456789012",
        region="us-east-1",
        tracing=True,
        resources=[ResourceEntry(kind="dynamodb-table", name="prewarm")],
    )
    bundle = compose(spec)
    review(bundle)
    policy_sizes(bundle)
    names = managed_policy_names()
    if names:
        managed_policy(names[0])
    reference()
