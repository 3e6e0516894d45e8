"""Step 6: the gate, then the spec saved and the role exported (through :mod:`wizard.export`).

A role the validator refuses is not written: each refusing finding is shown and the flow goes
back to the next-action menu with everything typed kept."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from questionary import Choice

from wizard.bundle import RoleBundle
from wizard.errors import UserError
from wizard.export import FORMATS
from wizard.policy.gate import Approved, Refused, approve, describe

if TYPE_CHECKING:
    from wizard.plain.app import PlainResult, PlainWizard

SPEC_PROMPT = "Save the spec to:"


def finish(wizard: PlainWizard, bundle: RoleBundle) -> PlainResult | None:
    """Save the spec and export the role; None (nothing written) when the gate refuses it."""
    from wizard.plain.app import PlainResult, spec_text
    from wizard.policy.compose import compose
    from wizard.spec import load_spec

    spec = wizard.spec_
    ok = gate(wizard, bundle)
    if ok is None:
        return None
    path = wizard.spec_path or wizard.ask_path(SPEC_PROMPT, "role.yaml")
    while not _writable(wizard, path) or not wizard.write(path, spec_text(spec)):
        path = wizard.ask_path(SPEC_PROMPT, "role.yaml")
    wizard.say(f"saved the spec to {path}; build it with: role-wizard build {path}")
    # Export from the saved file, exactly as `role-wizard build` would.
    saved, ctx = load_spec(path)
    fmt, out = export(wizard, compose(saved, ctx))
    return PlainResult(saved, path, fmt, out)


def _writable(wizard: PlainWizard, path: Path) -> bool:
    """False, after saying why, when ``path`` is an app spec a role spec would replace."""
    from wizard.appspec import app_file_problem

    if problem := app_file_problem(path):
        wizard.say(problem)
        return False
    return True


def gate(wizard: PlainWizard, bundle: RoleBundle) -> Approved | None:
    """The bundle approved, or None after saying each finding that refuses it."""
    try:
        return approve(bundle)
    except Refused as refused:
        wizard.say(f"The role is refused: the validator finds {len(refused.findings)} problems:")
        for finding in refused.findings:
            wizard.say(f"  {finding.severity} {describe(finding)}")
        wizard.say("Nothing was saved or exported; fix them and finish again.")
        return None


def export(wizard: PlainWizard, bundle: RoleBundle) -> tuple[str | None, Path | None]:
    from wizard.export import export as render

    fmt = wizard.export_format
    out = wizard.export_path
    while True:
        if fmt is None:
            choices = [Choice("no export", value="")]
            choices += [Choice(f"{f.title} ({k})", value=k) for k, f in FORMATS.items()]
            fmt = wizard.select("Export the role?", choices) or None
            if fmt is None:
                return None, None
        try:
            text = render(bundle, fmt)  # the gate runs again on the saved spec's bundle
        except UserError as exc:
            wizard.say(f"cannot export {fmt}: {exc}")
            fmt = out = None
            continue
        suggested = FORMATS[fmt].filename("role")
        out = out or wizard.ask_path(f"Write the {fmt} export to:", suggested)
        while not wizard.write(out, text):
            out = wizard.ask_path(f"Write the {fmt} export to:", suggested)
        wizard.say(f"wrote {fmt} for role {bundle.role_name} to {out}")
        return fmt, out
