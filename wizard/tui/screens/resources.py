"""Step 2: choose resources: catalog kinds, discovered resources (filtered, multi-select,
S3 drill-down), and ARNs entered by hand with inline validation."""

from __future__ import annotations

import re
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from wizard.catalog.kinds import Kind, catalog
from wizard.entries import (
    EntryKey,
    check_entry,
    discovered_with_fields,
    entry_from_discovered,
    entry_key,
    entry_label,
    missing_fields,
)
from wizard.errors import UserError
from wizard.spec import ResourceEntry
from wizard.tui.messages import DiscoveryFailed, KeyRead, ResourcesDiscovered
from wizard.tui.screens.base import NARROW_BREAKPOINTS, StepScreen
from wizard.tui.state import Key
from wizard.tui.widgets.arn_input import ArnInput
from wizard.tui.widgets.filter_input import FilterInput
from wizard.tui.widgets.fitted_text import ArnNote
from wizard.tui.widgets.location_note import LocationNote
from wizard.tui.widgets.resource_list import ResourceList


def arn_examples(spec: Any, kind: Kind) -> str:
    """The kind's ARN forms as a person would type them: the spec's partition, region and
    account filled in, the names in capitals (``arn:aws:sqs:us-east-1:123456789012:NAME``)."""
    known = {
        "Partition": getattr(spec, "partition", None) or "aws",
        "Region": getattr(spec, "region", None) or "REGION",
        "Account": getattr(spec, "account", None) or "ACCOUNT",
    }

    def fill(match: re.Match[str]) -> str:
        return known.get(match.group(1)) or match.group(1).upper()

    return " or ".join(re.sub(r"\$\{(\w+)\}", fill, form) for form in kind.parse_forms)


def check_arn(spec: Any, kind_name: str, kind: Kind, arn: str) -> tuple[ResourceEntry | None, str]:
    """Validate a hand-typed ARN for ``kind``: (the entry, "") or (None, why not)."""
    arn = arn.strip()
    if not arn:
        return None, ""
    if not kind.parse_forms:
        return None, f"a {kind.title} has no ARN: ctrl+t types its fields"
    if kind.parse_arn(arn) is None:
        return None, f"not an ARN of a {kind.title}: expected {arn_examples(spec, kind)}"
    entry = ResourceEntry(kind=kind_name, arn=arn)
    problem = check_entry(spec, entry)
    if problem:
        return None, problem
    return entry, ""


class ResourcesScreen(StepScreen):
    HORIZONTAL_BREAKPOINTS = NARROW_BREAKPOINTS
    STEP = "resources"
    INDEX = 1
    BINDINGS = [
        Binding(
            "ctrl+f", "focus_filter", "Filter", id="filter", tooltip="Filter the discovered list"
        ),
        Binding(
            "ctrl+t",
            "type_fields",
            "Fields",
            id="type-fields",
            tooltip="Type an entry by its fields: a KMS key, a kind with no ARN, what an ARN "
            "does not carry",
        ),
        Binding(
            "ctrl+r",
            "rediscover",
            "Refresh",
            id="rediscover",
            tooltip="List this kind's resources again",
        ),
        Binding(
            "ctrl+o",
            "scan_code",
            "Scan my code",
            id="scan-code",
            tooltip="Suggest resources from the AWS calls in the handler's code (offline)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind_names = [n for n in catalog().kinds if n != "custom"]
        self.key: Key = (self.kind_names[0], "", "")
        self.worker: Worker | None = None
        self.generation = 0
        self.listed_region = ""  # where the listings shown come from (the spec's region)

    def compose_body(self) -> ComposeResult:
        yield LocationNote(id="location-note")
        with Horizontal(id="resources-panes"):
            with Vertical(id="kinds-pane", classes="pane"):
                yield Label("Kinds", classes="pane-title")
                yield OptionList(id="kinds")
            with Vertical(id="found-pane", classes="pane"):
                yield Label("", id="found-title", classes="pane-title")
                yield FilterInput(id="filter", placeholder="filter as you type…", compact=True)
                yield ResourceList(id="found")
                yield Static("", id="found-state")
                yield ArnInput(
                    id="arn",
                    placeholder="or paste an ARN",
                    compact=True,
                    validate_on=(),  # the screen sets -invalid
                )
                yield ArnNote("", id="arn-check")
            with Vertical(id="chosen-pane", classes="pane"):
                yield Label("Chosen", id="chosen-title", classes="pane-title")
                yield OptionList(id="chosen")
                yield Static("[dim]delete removes · step 3 sets access[/]", id="chosen-hint")

    def mount_body(self) -> None:
        found = self.query_one("#found", ResourceList)
        found.is_selected = self._is_selected
        kinds = self.query_one("#kinds", OptionList)
        kinds.set_options([Option(self._kind_prompt(n), id=n) for n in self.kind_names])
        kinds.highlighted = 0
        kinds.focus()
        self.listed_region = self.wizard.listing_region()
        self._refresh()
        # built ahead (WizardApp builds the steps in the background): nothing is listed from
        # the account before the user comes to this step
        self.show_key(self.key, discover=False)

    def can_refresh_hidden(self) -> bool:
        # a region changed on step 1 is listed when this step shows, not before
        return self.wizard.listing_region() == self.listed_region

    def first_shown(self) -> None:
        # the listing starts once the step is on screen: its pages do not hold up that frame
        self.call_after_refresh(self.show_key, self.key)

    # ---------------------------------------------------------------- kinds

    def _kind_prompt(self, name: str) -> Content:
        count = sum(1 for r in self.spec.resources if r.kind == name)
        title = catalog().kinds[name].title
        if count:
            # the count first: at 80 columns a long title ends in "…", the count stays
            return Content.from_markup("[$success]($count)[/] $title", title=title, count=count)
        return Content(title)

    @on(OptionList.OptionHighlighted, "#kinds")
    def _kind_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id or self.kind_names[0]
        if name != self.key[0]:
            self.show_key((name, "", ""))

    @property
    def kind(self) -> Kind:
        return catalog().kinds[self.key[0]]

    # ---------------------------------------------------------------- discovery

    def show_key(self, key: Key, *, discover: bool = True) -> None:
        """Show one listing (a kind, or an S3 level), discovering it if not known yet (unless
        ``discover`` is False: the step is built before it is shown). The filter is for the
        listing at hand: another listing (another region's) starts unfiltered. Listings come
        from the spec's region, where the role will run."""
        region = self.wizard.listing_region()
        if key != self.key or region != self.listed_region:
            filter_input = self.query_one("#filter", Input)
            if filter_input.value:
                with filter_input.prevent(Input.Changed):
                    filter_input.value = ""
        self.key = key
        self.listed_region = region
        kind_name, bucket, prefix = key
        kind = catalog().kinds[kind_name]
        crumbs = kind.title if not bucket else f"s3://{bucket}/{prefix}"
        if self.listed_region and "${Region}" in (kind.arn or ""):
            crumbs += f" in {self.listed_region}"
        self.query_one("#found-title", Label).update(crumbs)
        self._check_arn(self.query_one("#arn", Input).value)
        found = self.query_one("#found", ResourceList)
        found.set_drillable(kind_name == "s3-prefix")
        listings = self.wizard.discovered.setdefault(self.listed_region, {})
        known = listings.get(key)
        # a listing left half-done (its worker was cancelled by a newer one) starts again;
        # the discoverer keeps the pages it already fetched
        if not discover and (known is None or known["state"] == "listing"):
            found.set_items([])
        elif known is None or known["state"] == "listing":
            self.generation += 1
            listings[key] = {
                "items": [],
                "state": "listing",
                "error": "",
                "generation": self.generation,
            }
            found.set_items([])
            self.worker = self.discover(key, self.generation, self.listed_region)
        else:
            found.set_items(known["items"])
        found.query_text = self.query_one("#filter", Input).value
        found.rebuild()
        self._show_state()

    @work(thread=True, exclusive=True, group="discovery", exit_on_error=False)
    def discover(self, key: Key, generation: int = 0, region: str = "") -> None:
        """List ``key`` from ``region`` (the session's when "")."""
        worker = get_current_worker()
        kind, bucket, prefix = key
        from wizard.aws.discover import DiscoveryError

        def failed(error: str) -> None:
            self.post_message(DiscoveryFailed(key, error, generation, region))

        try:
            discoverer = self.wizard.discoverer(region or None)
            if not discoverer.supports(kind):
                failed("this kind cannot be listed")
                return
            pages = discoverer.pages(kind, bucket=bucket or None, prefix=prefix or None)
            for page in pages:
                if worker.is_cancelled:
                    return
                self.post_message(ResourcesDiscovered(key, list(page), False, generation, region))
            self.post_message(ResourcesDiscovered(key, [], True, generation, region))
        except DiscoveryError as exc:
            failed(exc.message)
        except UserError as exc:
            failed(exc.detail)
        except Exception as exc:  # noqa: BLE001 - shown in place, never a traceback
            failed(f"{type(exc).__name__}: {exc}")

    def _on_screen(self, message: ResourcesDiscovered | DiscoveryFailed) -> bool:
        """Whether ``message`` is about the listing on screen."""
        return message.key == self.key and message.region == self.listed_region

    def _state_for(self, message: ResourcesDiscovered | DiscoveryFailed) -> dict | None:
        state = self.wizard.discovered.get(message.region, {}).get(message.key)
        if state is None or state.get("generation") != message.generation:
            return None  # from a listing that was cancelled and started again
        return state

    def on_resources_discovered(self, message: ResourcesDiscovered) -> None:
        state = self._state_for(message)
        if state is None:
            return
        state["items"].extend(message.items)
        if message.done:
            state["state"] = "listed"
        if self._on_screen(message):
            found = self.query_one("#found", ResourceList)
            if message.items:
                found.add_items(message.items)
            self._show_state()

    def on_discovery_failed(self, message: DiscoveryFailed) -> None:
        state = self._state_for(message)
        if state is None:
            return
        state["state"] = "failed"
        state["error"] = message.error
        if self._on_screen(message):
            self._show_state()

    def _show_state(self) -> None:
        listings = self.wizard.discovered.get(self.listed_region, {})
        state = listings.get(self.key) or {"state": "listing", "items": []}
        found = self.query_one("#found", ResourceList)
        widget = self.query_one("#found-state", Static)
        widget.set_class(state["state"] == "failed", "-error")
        count = len(state["items"])
        if state["state"] == "failed":
            widget.update(
                Content.from_markup(
                    "[$error]✗ listing failed: $error[/]\n[dim]enter an ARN below instead[/]",
                    error=state["error"],
                )
            )
        elif state["state"] == "listing":
            widget.update(f"listing… {count:,} so far" if count else "listing…")
        elif not count:
            widget.update("none found: enter an ARN below")
        else:
            shown = found.total_matches
            hint = " · → opens a bucket" if self.key[0] == "s3-prefix" else ""
            if self.key[1]:
                hint = " · → opens a prefix · ← goes up"
            widget.update(
                Content.from_markup(
                    "[dim]$shown of $count match · enter selects$hint[/]",
                    shown=f"{shown:,}",
                    count=f"{count:,}",
                    hint=hint,
                )
            )

    def action_rediscover(self) -> None:
        self.wizard.invalidate_listing(self.key, self.listed_region)
        self.show_key(self.key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # the footer offers ctrl+f only where it moves the focus: not in the filter box itself
        if action == "focus_filter" and self.focused is self.query_one("#filter", Input):
            return False
        return super().check_action(action, parameters)

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    # ---------------------------------------------------------------- selection

    def _is_selected(self, item: Any) -> bool:
        try:
            return entry_key(entry_from_discovered(self.key[0], item)) in self._chosen_keys
        except UserError:  # neither a name nor an ARN: never chosen
            return False

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#found", ResourceList).set_query(event.value)
        self._show_state()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        """Enter selects the highlighted match, as the hint under the list says; the focus
        stays in the filter, for the next one."""
        event.stop()
        self.query_one("#found", ResourceList).action_toggle()

    def on_resource_list_toggled(self, message: ResourceList.Toggled) -> None:
        spec = self.spec
        try:
            entry = entry_from_discovered(self.key[0], message.item)
        except UserError as exc:
            self.notify(exc.detail, title="Not added", severity="error")
            return
        key = entry_key(entry)
        kept = [r for r in spec.resources if entry_key(r) != key]
        if len(kept) != len(spec.resources):
            spec.resources = kept
            self.notify(f"removed {entry_label(entry)}", timeout=2)
        else:
            problem = check_entry(spec, entry)
            if problem and missing_fields(entry):  # the listing names it, the rest is typed
                self.type_fields(entry.model_dump(exclude_none=True), message.item)
                return
            if problem:
                self.notify(problem, title="Not added", severity="error")
                return
            self._add(entry, message.item)
            return
        self.wizard.spec_changed()

    def _add(self, entry: ResourceEntry, item: Any = None) -> None:
        """Add a checked entry (unless chosen already); a listed resource's encryption is
        read in the background when its entry names no key."""
        if entry_key(entry) in self._chosen_keys:
            return
        self.spec.resources = [*self.spec.resources, entry]
        keyed = "kms_key" in catalog().kinds[entry.kind].fields
        if item is not None and keyed and not entry.field_values().get("kms_key"):
            self.read_key(entry, discovered_with_fields(item, entry))
        self.wizard.spec_changed()

    def action_type_fields(self) -> None:
        arn = self.query_one("#arn", Input).value.strip()
        self.type_fields({"arn": arn} if arn else {})

    def type_fields(self, typed: dict[str, str], item: Any = None) -> None:
        """Open the dialog to type an entry of the kind on screen by its fields, starting from
        ``typed`` (a pasted ARN, a listed resource's fields); the entry it gives is added."""
        from wizard.tui.screens.entry_modal import EntryFormModal

        kind_name = self.key[0]
        typed = {k: v for k, v in typed.items() if k not in ("kind", "access")}

        def added(entry: ResourceEntry | None) -> None:
            if entry is None:
                return
            self._add(entry, item)
            if not item:
                arn_input = self.query_one("#arn", Input)
                if arn_input.value.strip() == (entry.arn or ""):
                    arn_input.value = ""

        modal = EntryFormModal(self.spec, kind_name, typed, arn_examples(self.spec, self.kind))
        self.app.push_screen(modal, added)

    @work(thread=True, group="kms-keys", exit_on_error=False)
    def read_key(self, entry: ResourceEntry, item: Any) -> None:
        """How the chosen resource is encrypted, read in the background; the entry gains its
        customer managed key (and so its KMS grant) when the answer comes."""
        try:
            found = getattr(self.wizard.discoverer(), "with_kms_key", None)
            if found is None:  # a discoverer that cannot read encryption settings
                return
            key = found(item).detail.get("kms_key", "")
        except Exception as exc:  # noqa: BLE001 - said in a notification, never a traceback
            self.post_message(KeyRead(entry, "", getattr(exc, "message", None) or str(exc)))
            return
        self.post_message(KeyRead(entry, key))

    def on_key_read(self, message: KeyRead) -> None:
        label = entry_label(message.entry)
        if message.error:
            self.notify(f"could not read how {label} is encrypted: {message.error}", timeout=4)
            return
        if not message.kms_key:
            return
        spec, key = self.spec, entry_key(message.entry)
        for index, current in enumerate(spec.resources):
            if entry_key(current) != key or current.field_values().get("kms_key"):
                continue
            data = current.model_dump(exclude_none=True) | {"kms_key": message.kms_key}
            keyed = ResourceEntry(**data)
            others = spec.model_copy(update={"resources": spec.resources[:index]})
            if problem := check_entry(others, keyed):
                self.notify(f"{label}: its key {message.kms_key}: {problem}", severity="error")
                return
            spec.resources = [*spec.resources[:index], keyed, *spec.resources[index + 1 :]]
            self.notify(f"{label} is encrypted with {message.kms_key}: its KMS grant is added")
            self.wizard.spec_changed()
            return

    def on_resource_list_drilled(self, message: ResourceList.Drilled) -> None:
        if self.key[0] != "s3-prefix":
            return
        detail = getattr(message.item, "detail", {}) or {}
        bucket = detail.get("bucket") or message.item.name
        self.show_key(("s3-prefix", bucket, detail.get("prefix", "")))

    def on_resource_list_went_up(self, message: ResourceList.WentUp) -> None:
        kind, bucket, prefix = self.key
        if not bucket:
            self.query_one("#kinds", OptionList).focus()
            return
        if prefix:
            parent = prefix[: prefix.rstrip("/").rfind("/") + 1]
            self.show_key((kind, bucket, parent))
        else:
            self.show_key((kind, "", ""))
        # the cursor goes back to the bucket or prefix just left
        found = self.query_one("#found", ResourceList)
        for position, i in enumerate(found.shown):
            detail = getattr(found.items[i], "detail", {}) or {}
            if (detail.get("bucket") or found.items[i].name, detail.get("prefix", "")) == (
                bucket,
                prefix,
            ):
                found.highlighted = position
                break

    # ---------------------------------------------------------------- scan my code

    def action_scan_code(self) -> None:
        from wizard.tui.screens.scan import ScanModal

        self.app.push_screen(ScanModal(self.spec, self.wizard.scan), self._scanned)

    def _scanned(self, choice: Any) -> None:
        """Merge what the user kept from the scan (``scan --into``'s merge); remember what
        they dropped, so the next scan does not tick it again."""
        if choice is None:
            return
        from wizard.scan.offer import accept

        memory = self.wizard.scan
        memory.dropped = (memory.dropped | set(choice.dropped)) - set(choice.accepted)
        merged, added = accept(self.spec, choice.offer, choice.accepted)
        origins = {o.key: o.origin for o in choice.offer.offered()}
        for suggestion in added.values():
            key = entry_key(suggestion.entry)
            memory.origins[key] = origins.get(key, "")
        if not added:
            self.notify("nothing added from the scan", timeout=2)
            return
        self.spec.resources = merged.resources
        noun = "resource" if len(added) == 1 else "resources"
        self.notify(f"added {len(added)} {noun} from the scan", title="Scan my code")
        self.wizard.spec_changed()

    # ---------------------------------------------------------------- by hand

    @on(Input.Changed, "#arn")
    def _arn_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check_arn(event.value)

    def _check_arn(self, text: str) -> None:
        entry, problem = check_arn(self.spec, self.key[0], self.kind, text)
        widget = self.query_one("#arn-check", Static)
        arn_input = self.query_one("#arn", Input)
        arn_input.set_class(bool(problem), "-invalid")
        if entry is not None:
            more = " · ctrl+t gives its KMS key" if "kms_key" in self.kind.fields else ""
            widget.update(Content.from_markup("[$success]✓ enter adds it$more[/]", more=more))
        elif problem:
            arn = text.strip()
            rest = self.kind.parse_arn(arn) is not None and missing_fields(
                ResourceEntry(kind=self.key[0], arn=arn)
            )
            more = " · ctrl+t types the rest" if rest else ""
            widget.update(
                Content.from_markup("[$error]✗ $problem[/]$more", problem=problem, more=more)
            )
        elif not self.kind.parse_forms:  # a metrics namespace: no ARN to paste
            widget.update(
                Content.from_markup(
                    "[dim]a $title has no ARN: ctrl+t types it[/]", title=self.kind.title
                )
            )
        else:  # the form to type (the placeholder is too narrow to hold it)
            widget.update(
                Content.from_markup("[dim]$forms[/]", forms=arn_examples(self.spec, self.kind))
            )

    def leave_problem(self) -> tuple[str, Widget] | None:
        arn_input = self.query_one("#arn", Input)
        if not arn_input.value.strip():
            return None
        entry, problem = check_arn(self.spec, self.key[0], self.kind, arn_input.value)
        if entry is not None and entry_key(entry) in self._chosen_keys:
            return None
        if entry is not None:
            return (
                "The ARN you typed is not added yet: press enter to add it, or clear it.",
                arn_input,
            )
        return f"The ARN you typed is not valid ({problem}): fix it or clear it.", arn_input

    @on(Input.Submitted, "#arn")
    def _arn_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        spec = self.spec
        entry, problem = check_arn(spec, self.key[0], self.kind, event.value)
        if entry is None:
            if problem:
                self.notify(problem, title="Not added", severity="error")
            return
        self._add(entry)
        event.input.value = ""

    # ---------------------------------------------------------------- chosen

    def on_key(self, event: Any) -> None:
        chosen = self.query_one("#chosen", OptionList)
        if event.key in ("delete", "backspace") and chosen.has_focus:
            event.stop()
            index = chosen.highlighted
            spec = self.spec
            if index is not None and 0 <= index < len(spec.resources):
                spec.resources = [r for i, r in enumerate(spec.resources) if i != index]
                self.wizard.spec_changed()

    @property
    def _chosen_keys(self) -> set[EntryKey]:
        return {entry_key(r) for r in self.spec.resources}

    def refresh_from_spec(self) -> None:
        if self.wizard.listing_region() != self.listed_region:  # step 1 changed it: list it there
            self.show_key(self.key)
        spec = self.spec
        chosen = self.query_one("#chosen", OptionList)
        highlighted = chosen.highlighted
        origins = self.wizard.scan.origins
        chosen.set_options(
            [Option(chosen_prompt(e, origins.get(entry_key(e)))) for e in spec.resources]
        )
        if spec.resources:
            chosen.highlighted = min(highlighted or 0, len(spec.resources) - 1)
        self.query_one("#chosen-title", Label).update(f"Chosen ({len(spec.resources)})")
        kinds = self.query_one("#kinds", OptionList)
        for i, name in enumerate(self.kind_names):
            prompt = self._kind_prompt(name)
            if kinds.get_option_at_index(i).prompt != prompt:  # only what changed is redrawn
                kinds.replace_option_prompt_at_index(i, prompt)
        self.query_one("#found", ResourceList).refresh_marks()
        self._check_arn(self.query_one("#arn", Input).value)  # the examples name the account


def chosen_label(entry: ResourceEntry) -> str:
    """A chosen entry as the lists show it: the domain's label and, but for custom entries,
    its access profile."""
    if entry.kind == "custom":
        return entry_label(entry)
    return f"{entry_label(entry)} · {entry.access or catalog().kinds[entry.kind].default_access}"


def chosen_prompt(entry: ResourceEntry, origin: str | None) -> Content:
    """Step 2's chosen line: :func:`chosen_label`, and where the code calls the entry when
    "scan my code" added it."""
    if origin:
        return Content.from_markup(
            "$label [dim]$origin[/]", label=chosen_label(entry), origin=origin
        )
    return Content(chosen_label(entry))
