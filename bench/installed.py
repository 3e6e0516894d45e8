"""Make the benchmarks see this package as an installed one does: with its bytecode compiled,
and with the compiled forms of its catalog files (``wizard.catalog.data``), as its build makes.

``pip install`` compiles a package's modules to ``__pycache__`` (the peers we compare with
were installed so); an editable checkout compiles them on first import -- unless
``PYTHONDONTWRITEBYTECODE`` is set, as on some CI machines and containers, when every process
would compile every module of ours from source again and time that instead of our code.
Likewise the catalogs: ``pip install -e`` compiles them into ``catalogs/compiled/``, but a
catalog file edited since then is parsed from its YAML on every run (its compiled form no
longer matches), so the benchmarks compile them again first.
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_package() -> None:
    """Write the ``wizard`` package's bytecode (as ``pip install`` does) and the compiled forms
    of ``catalogs/`` (as the package's build does), quietly."""
    from wizard.catalog.data import compile_catalogs

    compileall.compile_dir(ROOT / "wizard", quiet=1)
    compile_catalogs(ROOT / "catalogs", ROOT / "catalogs")
