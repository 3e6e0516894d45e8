"""PyYAML's import without its one slow line.

PyYAML's pure-Python reader compiles, as its module is imported, a regex of the characters YAML
does not allow in a stream (``yaml.reader.Reader.NON_PRINTABLE``), written as the class of the
characters it allows. Python's regex compiler walks the code points of a class's ranges in
Python, one by one: some 63,000 for that class, ~6 ms of CPU, about 3% of `build`'s process.
This package parses YAML with libyaml (``CParser``, :mod:`wizard.limits`) and never reads
through that reader, but every import of PyYAML pays for the regex.

The same set written as its complement (the 2,111 code points YAML forbids) compiles in a
fraction of a millisecond. :func:`seed_pyyaml_reader` puts that compilation into ``re``'s
cache of compiled patterns under the exact text PyYAML compiles, so PyYAML's ``re.compile``
finds it there. It runs when the ``wizard`` package is imported, before any of its modules
imports PyYAML; where it cannot (a Python whose ``re`` keeps no such cache, PyYAML imported
first), PyYAML compiles its own text as before. ``tests/test_yamlstart.py`` checks that both
patterns match the same code points, all 1,114,112 of them, and that the text PyYAML compiles
is still this one: a PyYAML release that changes it fails that test rather than silently
losing the seed.
"""

from __future__ import annotations

import re
import sys

# yaml/reader.py (PyYAML 6.0.3), class Reader: the allowed characters, negated.
PYYAML_NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
# The same set, as what it matches: C0 controls but tab, line feed and carriage return; DEL and
# the C1 controls but NEL; the surrogates; U+FFFE and U+FFFF.
FORBIDDEN = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"


def seed_pyyaml_reader() -> bool:
    """Give ``re``'s cache the cheap compilation of PyYAML's reader regex, before PyYAML is
    imported. True when seeded; False when PyYAML is already imported or ``re`` has no cache
    of the expected shape (then nothing changes)."""
    cache = getattr(re, "_cache", None)
    if "yaml.reader" in sys.modules or not isinstance(cache, dict):
        return False
    cache.setdefault((str, PYYAML_NON_PRINTABLE, 0), re.compile(FORBIDDEN))
    return True
