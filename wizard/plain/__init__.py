"""Plain mode (``role-wizard plain``): the wizard's flow as questionary prompts, one question at
a time, for terminals where a full-screen app does not fit (screen readers, narrow CI consoles,
a slow SSH link).

Laid out like ``wizard/tui/``: :mod:`~wizard.plain.app` runs the flow and holds the spec being
built; one module per step (``function``, ``resources``, ``access``, ``options``, ``review``,
``finish``) asks its questions; :mod:`~wizard.plain.prompts` is the questionary I/O wrapper.
Every rule comes from the domain (the spec model, :mod:`wizard.entries`, the composer, the gate);
this package only asks and shows.
"""

from wizard.plain.app import PlainResult, PlainWizard, save_partial
from wizard.plain.prompts import Interrupted

__all__ = ["Interrupted", "PlainResult", "PlainWizard", "save_partial"]
