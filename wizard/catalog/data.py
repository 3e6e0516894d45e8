"""The one way in to the reviewed data of ``catalogs/``: package data of ``wizard.catalogs``.

``catalogs/`` at the top of the repository is the reviewed source; the build maps it into the
package as ``wizard.catalogs`` (``setup.py``), so a wheel carries it and an editable install
reads the checkout's files. Everything is read through ``importlib.resources``: nothing depends
on the working directory, ``sys.prefix`` or where the package was installed.

Kept free of the catalog's models (no pydantic): ``validate`` reads its tables from here too.

Compiled forms. Parsing YAML is slow (``kinds.yaml``: ~6 ms of CPU with libyaml, a few per cent
of a `build`), so the build of the package (``setup.py``'s ``build_py``) also writes each YAML
file's data as JSON under ``compiled/`` beside it (``compiled/kinds.yaml.json``), with the length
and CRC-32 of the YAML text it came from. :func:`catalog_yaml` reads the JSON when it was made
from the YAML as it is now, and parses the YAML otherwise (a checkout, an edited file): the
compiled form is never the source, only a faster way to the same data (``catalogs/compiled/``
is not tracked; ``compile_catalogs`` makes it for a checkout, as ``compileall`` does bytecode).
"""

from __future__ import annotations

import functools
import json
import zlib
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from wizard.errors import UserError

PACKAGE = "wizard.catalogs"

# libyaml's loader when PyYAML was built with it: the same data, parsed ~10x faster (the
# catalog is read on every command, so this is most of `build`'s start-up).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def catalog_root() -> Traversable:
    """The folder of catalog data, wherever the package is installed."""
    return files(PACKAGE)


def catalog_file(name: str) -> Traversable:
    """A catalog data file by its path relative to ``catalogs/``, e.g. ``managed/index.yaml``."""
    node = catalog_root()
    for part in name.split("/"):
        node = node / part
    return node


def catalog_source(name: str) -> str:
    """How messages name a catalog data file: by its reviewed source, ``catalogs/NAME``."""
    return f"catalogs/{name}"


def catalog_text(name: str) -> str:
    """The text of a catalog data file; a missing or unreadable one is a :class:`UserError`."""
    try:
        return catalog_file(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(
            f"cannot read this installation's catalog data: {exc.strerror or exc}",
            where=catalog_source(name),
        ) from None


@functools.lru_cache(maxsize=16)
def catalog_yaml(name: str) -> Any:
    """A catalog YAML file, parsed once per process (shared: callers must not modify it); from
    its compiled form when that was made from this text."""
    text = catalog_text(name)
    found, data = _compiled(name, text)
    return data if found else parse_catalog_yaml(name, text)


def parse_catalog_yaml(name: str, text: str) -> Any:
    """The data of the catalog YAML file ``name`` with the text ``text``."""
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise UserError(f"not valid YAML: {exc}", where=catalog_source(name)) from None


COMPILED = "compiled"  # the folder of the compiled forms, beside the YAML files


def compiled_name(name: str) -> str:
    """Where the compiled form of the catalog file ``name`` is: ``compiled/NAME.json``."""
    return f"{COMPILED}/{name}.json"


def fingerprint(text: str) -> list[int]:
    """The length and CRC-32 of ``text`` (as UTF-8): what a compiled form was made from."""
    raw = text.encode("utf-8")
    return [len(raw), zlib.crc32(raw)]


def _compiled(name: str, text: str) -> tuple[bool, Any]:
    """(True, data) from the compiled form of ``name`` made from ``text``; else (False, None)."""
    try:
        held = json.loads(catalog_file(compiled_name(name)).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none (a checkout), unreadable or broken: parse the YAML
        return False, None
    if not isinstance(held, dict) or held.get("source") != fingerprint(text) or "data" not in held:
        return False, None  # made from another text: stale
    return True, held["data"]


def compile_yaml(name: str, text: str) -> str:
    """The compiled form of the catalog file ``name`` with the text ``text``: JSON holding its
    data and the fingerprint of ``text``. Data JSON cannot hold exactly (a date, a key that is
    not text) is refused with a ValueError, never changed."""
    data = parse_catalog_yaml(name, text)
    out = json.dumps({"source": fingerprint(text), "data": data}, ensure_ascii=False)
    if not _same(json.loads(out)["data"], data):
        raise ValueError(f"{catalog_source(name)}: its data does not survive JSON unchanged")
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``True`` is not ``1``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return a == b


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Write the compiled form of every YAML file under the folder ``source`` (a checkout's
    ``catalogs/``) to ``target/compiled/`` (``target`` being where that folder is installed);
    the files written. The package's build calls this; so can anyone, for a checkout."""
    written = []
    for path in sorted(source.rglob("*.yaml")):
        name = path.relative_to(source).as_posix()
        if name.split("/")[0] == COMPILED:
            continue
        out = target / compiled_name(name)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(compile_yaml(name, path.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(out)
    # The catalog of kinds also as the validated models (see wizard.catalog.kinds); the
    # models are imported only here, when compiling.
    from wizard.catalog import kinds

    out = target / kinds.COMPILED
    out.write_bytes(kinds.compile_catalog((source / kinds.SOURCE).read_text(encoding="utf-8")))
    written.append(out)
    return written
