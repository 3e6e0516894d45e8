"""Make the benchmarks see this package as an installed one does: with its bytecode compiled.

``pip install`` compiles a package's modules to ``__pycache__`` (the peers we compare with
were installed so); an editable checkout compiles them on first import -- unless
``PYTHONDONTWRITEBYTECODE`` is set, as on some CI machines and containers, when every process
would compile every module of ours from source again and time that instead of our code.
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_package() -> None:
    """Write the ``wizard`` package's bytecode (as ``pip install`` does), quietly."""
    compileall.compile_dir(ROOT / "wizard", quiet=1)
