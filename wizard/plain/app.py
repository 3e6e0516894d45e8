"""The plain-mode flow: the steps in order, then review and the next-action menu until the
role is saved (and exported), and saving what was typed on Ctrl-C."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from wizard.catalog.kinds import Catalog, catalog
from wizard.errors import UserError
from wizard.plain import access, finish, function, options, resources, review, scan
from wizard.plain.prompts import Prompter
from wizard.spec import RoleSpec, listing_mismatch

SPEC_HEADER = "# lambda-role-wizard role spec (written by `role-wizard plain`)\n"


@dataclass
class PlainResult:
    spec: RoleSpec
    spec_path: Path
    export_format: str | None = None
    export_path: Path | None = None


class PlainWizard(Prompter):
    """The plain-mode flow and the spec it builds. ``input``/``output`` go to every questionary
    prompt; ``echo`` is where the review and notes are printed; ``discoverer`` lists the
    account's resources (anything with ``supports(kind)`` and ``list(kind)``, or a
    :class:`~wizard.aws.discover.RegionalDiscoverers` to list from the spec's region), or None
    to type names by hand; ``account``/``region``/``partition`` are what the session detected."""

    def __init__(
        self,
        *,
        input: Any = None,
        output: Any = None,
        echo: TextIO | None = None,
        discoverer: Any = None,
        account: str | None = None,
        region: str | None = None,
        partition: str | None = None,
        spec_path: str | Path | None = None,
        export_format: str | None = None,
        export_path: str | Path | None = None,
        cat: Catalog | None = None,
    ) -> None:
        super().__init__(input=input, output=output, echo=echo)
        self._discoverer = discoverer
        self._mismatch_said: str | None = None
        self.detected = {"account": account, "region": region, "partition": partition}
        self.spec_path = Path(spec_path) if spec_path else None
        self.export_format = export_format
        self.export_path = Path(export_path) if export_path else None
        self.cat = cat or catalog()
        self.spec: RoleSpec | None = None

    @property
    def spec_(self) -> RoleSpec:
        assert self.spec is not None
        return self.spec

    @property
    def discoverer(self) -> Any:
        """What lists resources: the spec's region's discoverer where one a region is kept,
        after saying (once for each difference) when the spec's account is not the session's."""
        found = self._discoverer
        if found is None or self.spec is None:
            return found
        problem = listing_mismatch(self.spec, account=self.detected["account"])
        if problem is not None and problem != self._mismatch_said:
            self.say(problem)
            self._mismatch_said = problem
        for_region = getattr(found, "for_region", None)
        return for_region(self.spec.region) if for_region is not None else found

    def run(self) -> PlainResult:
        function.ask_function(self)
        function.ask_role(self)
        options.ask_boundary(self)
        options.ask_options(self)
        scan.offer_scan(self)
        while self.confirm("Add a resource the function uses?", default=not self.spec_.resources):
            add_resource(self)
        while True:
            bundle = review.review(self)
            action = review.next_action(self, can_finish=bundle is not None)
            if action == "finish":
                result = finish.finish(self, bundle)
                if result is not None:
                    return result
            elif action == "add":
                add_resource(self)
            elif action == "remove":
                resources.remove_resource(self)
            elif action == "boundary":
                options.ask_boundary(self)
            elif action == "options":
                options.ask_options(self)


def add_resource(wizard: PlainWizard) -> None:
    """Step 2 then step 3: choose resources of one kind, then their access profile."""
    chosen = resources.choose(wizard)
    if chosen:
        kind_name, entries = chosen
        access.add_with_access(wizard, kind_name, entries)


def spec_text(spec: RoleSpec) -> str:
    """The text of a ``role.yaml`` plain mode writes."""
    return SPEC_HEADER + spec.to_yaml()


def save_partial(
    spec: RoleSpec | None, spec_path: str | Path | None, *, reason: str = "interrupted"
) -> str:
    """Save what was typed before Ctrl-C (as a draft, else beside the spec); the one line to
    print about it."""
    from wizard.atomic import write_text_atomic
    from wizard.drafts import DraftStore

    if spec is None:
        return f"{reason}; nothing typed yet, nothing saved"
    try:
        store = DraftStore()
        path = store.save(store.new_id(), spec)
        return f"{reason}; saved what you typed as a draft: {path}"
    except (UserError, OSError):
        pass  # the drafts folder cannot be written: a file beside the spec
    partial = Path(f"{spec_path or 'role.yaml'}.partial")
    try:
        write_text_atomic(partial, spec_text(spec))
    except OSError as exc:
        return f"{reason}; could not save what you typed to {partial}: {exc.strerror}"
    return f"{reason}; saved what you typed to {partial}"
