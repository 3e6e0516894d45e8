"""Words the fronts share: counts said as a person would say them ("1 change", "3 changes").

One rule for every front (CLI, wizard, plain mode) and every report: a count is followed by the
noun in its number, never "change(s)".
"""

from __future__ import annotations

IRREGULAR = {
    "info": "info",
    "policy": "policies",
    "entry": "entries",
    "match": "matches",
    "index": "indexes",
}


def plural(noun: str) -> str:
    """The plural of one of the tool's nouns (``change`` -> ``changes``, ``policy`` ->
    ``policies``)."""
    return IRREGULAR.get(noun, noun + "s")


def noun(n: int, word: str, many: str | None = None) -> str:
    """``word`` in the number ``n`` asks for; ``many`` gives a plural the rule does not know."""
    return word if n == 1 else many or plural(word)


def count(n: int, word: str, many: str | None = None) -> str:
    """``n`` and the noun in its number: ``count(1, "file")`` is ``1 file``, ``count(2,
    "file")`` ``2 files``."""
    return f"{n} {noun(n, word, many)}"
