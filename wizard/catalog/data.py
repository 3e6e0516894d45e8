"""The one way in to the reviewed data of ``catalogs/``: package data of ``wizard.catalogs``.

``catalogs/`` at the top of the repository is the reviewed source; the build maps it into the
package as ``wizard.catalogs`` (``setup.py``), so a wheel carries it and an editable install
reads the checkout's files. Everything is read through ``importlib.resources``: nothing depends
on the working directory, ``sys.prefix`` or where the package was installed.

Kept free of the catalog's models (no pydantic): ``validate`` reads its tables from here too.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from importlib.resources.abc import Traversable
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
    """A catalog YAML file, parsed once per process (shared: callers must not modify it)."""
    text = catalog_text(name)
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise UserError(f"not valid YAML: {exc}", where=catalog_source(name)) from None
