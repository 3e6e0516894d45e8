"""What the screens share with the app, importing neither: the steps, the defaults, and the
gate's review of the current role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GateReview:
    """The validator's findings for one bundle (``wizard.policy.gate.review``) and those that
    refuse it (``gate.blocking``: its errors and warnings); ``error`` when the validator failed."""

    findings: list[Any] = field(default_factory=list)
    refusing: list[Any] = field(default_factory=list)
    error: str = ""

    @property
    def refused(self) -> bool:
        """Whether the role may not leave the wizard (a failed validator passes nothing)."""
        return bool(self.refusing or self.error)
