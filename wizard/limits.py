"""Input limits: how much of a file the tool reads, and how deep and how large a document may
be. Every file a user names (a spec, a policy, a bundle, a template) is read through
:func:`read_input`, and every YAML document through :func:`compose_yaml`, so no input can make
a command run for minutes, fill the memory or end in a RecursionError.

The limits, and why:

- A role spec: 1 MiB. A role's inline policies may hold 10,240 characters in all (IAM quota),
  so a real spec is a few KB; 1 MiB leaves room for comments and still parses in about a second.
- A policy file (a document, a ``build`` bundle, a CloudFormation template): 1 MiB. IAM's
  largest documents are 10,240 characters (inline, aggregate) and 6,144 (managed); a bundle or
  a template holds a handful of them, pretty-printed -- tens of KB.
- A line of ``can --requests``: 64 KiB (a request is an action, an ARN and a small context).
- Nesting: 64 levels of YAML or JSON collections (a policy needs about 6; IAM's grammar has no
  deeper place), so nothing later recurses past Python's limit.
- YAML aliases: a document may expand to at most 100,000 nodes, each alias counted at the size
  of what it points to: a 377-byte "billion laughs" is refused while it is being read.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from wizard.errors import UserError, read_errors

MAX_SPEC_BYTES = 1 << 20
MAX_POLICY_BYTES = 1 << 20
MAX_REQUEST_LINE_BYTES = 64 << 10
MAX_DEPTH = 64
MAX_YAML_NODES = 100_000


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"


def read_input(path: str, what: str, limit: int) -> tuple[bytes, str]:
    """The bytes of the file ``path`` (``-`` = standard input) and the name to report it by.

    Reads at most ``limit + 1`` bytes, never the whole stream, so ``/dev/zero`` or a 10 GB file
    is refused at once; a folder, a missing file or an unreadable one is a one-line UserError.
    """
    if path == "-":
        raw = sys.stdin.buffer.read(limit + 1)
        source = "<stdin>"
    else:
        source = path
        with read_errors(path, what), open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise UserError(
            f"larger than {_size(limit)}, the limit for a {what}; this is not a {what}",
            where=source,
        )
    return raw, source


def decode_text(raw: bytes, source: str, what: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped); anything else is a one-line UserError
    naming the line of the first bad byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"not UTF-8 text (byte {exc.start}: {raw[exc.start]:#04x}); save the file as UTF-8",
            where=f"{source}:{line}",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise UserError(f"holds a NUL byte: a {what} is text", where=f"{source}:{line}")
    return text.removeprefix("\ufeff")


def read_text(path: str, what: str, limit: int) -> tuple[str, str]:
    """:func:`read_input` then :func:`decode_text`: the text of a file a user names."""
    raw, source = read_input(path, what, limit)
    return decode_text(raw, source, what), source


# --------------------------------------------------------------------------- YAML

try:  # libyaml's parser (events) under PyYAML's Python composer: 5x faster, same nodes
    from yaml.cyaml import CParser as _Parser

    def _init_parser(loader: Any, text: str) -> None:
        _Parser.__init__(loader, text)

    _BASES: tuple[type, ...] = (_Parser,)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    def _init_parser(loader: Any, text: str) -> None:
        Reader.__init__(loader, text)
        Scanner.__init__(loader)
        Parser.__init__(loader)

    _BASES = (Reader, Scanner, Parser)


class LimitedLoader(Composer, *_BASES, SafeConstructor, Resolver):  # type: ignore[misc]
    """PyYAML's safe loader that refuses, while composing, a document nested deeper than
    :data:`MAX_DEPTH` or expanding (aliases counted at their target's size) to more than
    :data:`MAX_YAML_NODES` nodes."""

    def __init__(self, text: str, source: str = "<yaml>") -> None:
        _init_parser(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.source = source
        self._depth = 0
        self._sizes: dict[int, int] = {}
        self._open: set[str | None] = set()  # anchors of the collections being composed

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise UserError(
                    f"the alias *{event.anchor} points into itself (a recursive structure)",
                    where=f"{self.source}:{event.start_mark.line + 1}",
                )
            return super().compose_node(parent, index)  # the parent counts its target's size
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._open.add(anchor)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise UserError(
                f"nested more than {MAX_DEPTH} levels deep",
                where=f"{self.source}:{mark.line + 1}",
            )
        node = super().compose_node(parent, index)
        self._depth -= 1
        self._open.discard(anchor)
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self._sizes.get(id(child), 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(
                self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value
            )
        if size > MAX_YAML_NODES:
            raise UserError(
                f"expands to more than {MAX_YAML_NODES:,} values (through YAML aliases or "
                "sheer size); refused",
                where=f"{self.source}:{node.start_mark.line + 1}",
            )
        if size > 1:
            self._sizes[id(node)] = size
        return node


def compose_yaml(text: str, source: str, loader: type[LimitedLoader] = LimitedLoader) -> Any:
    """The node tree of one YAML document, or None for an empty one; the loader is returned
    with it to construct values. Every YAML problem is a one-line UserError with its line."""
    instance = loader(text, source)
    try:
        return instance.get_single_node(), instance
    except yaml.MarkedYAMLError as exc:
        instance.dispose()
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise UserError(f"YAML error: {problem}", where=f"{source}{line}") from None
    except yaml.YAMLError as exc:
        instance.dispose()
        raise UserError(f"YAML error: {exc}", where=source) from None


def check_depth(data: Any, source: str) -> None:
    """Refuse parsed data (JSON) nested deeper than :data:`MAX_DEPTH` collections."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise UserError(f"nested more than {MAX_DEPTH} levels deep", where=source)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
