"""Data-read actions on every resource of a service (``data-exfiltration``)."""

from __future__ import annotations

import functools

from wizard.policy.lint.data import data_read_actions
from wizard.policy.lint.model import Linter, _Document, _granted_in_order, _short, _Statement
from wizard.policy.lint.resources import action_fits, is_broad


@functools.lru_cache(maxsize=4096)
def _data_reads(patterns: tuple[str, ...], negated: bool) -> tuple[str, ...]:
    """The data-read actions an Action (or NotAction) list covers, in the catalog's order."""
    return _granted_in_order(patterns, negated, data_read_actions())


def wants(patterns: tuple[str, ...], negated: bool) -> bool:
    """Whether a statement with this Action (or NotAction) list may need the check."""
    return bool(_data_reads(patterns, negated))


def check_exfiltration(linter: Linter, doc: _Document, st: _Statement) -> None:
    hits = _data_reads(st.patterns, st.not_action)  # first: most statements have none
    if not hits:
        return
    if st.not_resource:
        broad = [("NotResource", st.ptr + "/NotResource")]
    else:
        broad = [(r, p) for r, p in st.resources if is_broad(r)]
    for res, ptr in broad:
        reach = [
            name
            for name in hits
            if res in ("*", "NotResource")
            or ((action := linter.ref.action(name)) is not None and action_fits(action, res))
        ]
        if reach:
            linter.add(
                "data-exfiltration",
                f"{_short(reach)} on {res!r} can read every such resource in reach; name "
                "the tables, buckets, keys, secrets or parameters the function uses",
                doc.file,
                ptr,
            )
            return
