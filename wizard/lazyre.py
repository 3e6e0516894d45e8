"""Module-level regexes compiled on first use.

Compiling a regex costs 0.1-0.4 ms (``re`` parses and compiles it in Python). A module's
regexes that only some inputs need (a role name's check, a date condition's parse, a principal's
form) cost every command that imports the module that much each, used or not: two dozen of them
were ~3 ms of `build`. ``lazy(pattern, flags)`` stands for ``re.compile(pattern, flags)`` in a
module's set-up: the first attribute read (``.match``, ``.pattern`` ...) compiles it, and each
attribute read is then kept on the object itself, so a call later costs what the compiled
pattern's costs. For patterns used through their attributes only (not passed to ``re``'s
functions, nor checked with ``isinstance``).
"""

from __future__ import annotations

import re
from typing import Any, cast


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled when an attribute of it is first read."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only for what the object does not hold yet
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(re.compile(*self._args), name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"lazy{self._args!r}"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A module-level ``re.compile(pattern, flags)`` compiled on first use (see the module)."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))
