"""What the screens and widgets share with the app without importing it: the steps, the
defaults, the gate's review, and :class:`Wizard`, the one typed view of the app they use.

Imports point one way: ``app`` -> ``screens`` -> ``screens.base`` -> ``widgets`` -> ``state``.
Nothing here imports the domain (step 1 draws before it loads); its types are named for the
type checker only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from wizard.bundle import RoleBundle
    from wizard.policy.documents import Finding
    from wizard.spec import RoleSpec


class Step(NamedTuple):
    name: str  # the installed screen's name
    title: str
    module: str  # under wizard.tui.screens
    cls: str


STEPS: tuple[Step, ...] = (
    Step("function", "Function", "function", "FunctionScreen"),
    Step("resources", "Resources", "resources", "ResourcesScreen"),
    Step("access", "Access", "access", "AccessScreen"),
    Step("options", "Boundary & options", "options", "OptionsScreen"),
    Step("review", "Review", "review", "ReviewScreen"),
    Step("finish", "Finish", "finish", "FinishScreen"),
)
STEP_NAMES = tuple(s.name for s in STEPS)
DEFAULT_FUNCTION = "my-function"

Key = tuple[str, str, str]  # a listing: (kind, bucket, prefix)


@dataclass(frozen=True)
class GateReview:
    """The validator's findings for one bundle (``wizard.policy.gate.review``) and those that
    refuse it (``gate.blocking``: its errors and warnings); ``error`` when the validator failed."""

    findings: list[Finding] = field(default_factory=list)
    refusing: list[Finding] = field(default_factory=list)
    error: str = ""

    @property
    def refused(self) -> bool:
        """Whether the role may not leave the wizard (a failed validator passes nothing)."""
        return bool(self.refusing or self.error)


@dataclass
class ScanMemory:
    """What step 2's "scan my code" remembers between scans: the path (also kept in the draft),
    the suggestions the user dropped (not preselected again), the environment variables' values
    typed, and where each added entry came from (FILE:LINE, shown in the chosen list)."""

    path: str = ""
    dropped: set[Any] = field(default_factory=set)  # entry keys (wizard.entries.EntryKey)
    values: dict[str, str] = field(default_factory=dict)
    origins: dict[Any, str] = field(default_factory=dict)  # entry key -> FILE:LINE


class Wizard(Protocol):
    """The app as screens and widgets see it (``StepScreen.wizard``): its state and the
    actions they call. ``spec`` is None only while the domain loads (step 1's first frame)."""

    spec: RoleSpec | None
    spec_generation: int  # counts up when a new spec replaces the old whole (a resumed draft)
    spec_version: int  # counts up at every change of the spec (``spec_changed``)
    bundle: RoleBundle | None
    compose_error: str | None
    session_state: str
    output_dir: Path
    cursor_blink: bool
    discovered: dict[str, dict[Key, dict[str, Any]]]  # region -> its listings
    session_account: str | None  # the AWS session's account, once it answered
    scan: ScanMemory  # step 2's "scan my code"

    def spec_changed(self, *, autosave: bool = True) -> None: ...
    def gate_review(self) -> GateReview: ...
    def goto_step(self, index: int) -> None: ...
    def action_next_step(self) -> None: ...
    def action_previous_step(self) -> None: ...
    def action_save_spec(self) -> None: ...
    def default_spec_path(self) -> Path: ...
    def export_files(self, folder: str | Path, formats: Iterable[str]) -> list[Path]: ...
    def aws_session(self) -> Any: ...
    def discoverer(self, region: str | None = None) -> Any: ...
    def listing_region(self) -> str: ...
    def invalidate_listing(self, key: Key, region: str = "") -> None: ...


def wizard_of(node: DOMNode) -> Wizard:
    """The wizard app a screen or widget belongs to, as :class:`Wizard`."""
    return cast("Wizard", node.app)
