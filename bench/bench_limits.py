"""Benchmark: ``role-wizard validate FILE`` on policies as large as the limits allow.

Issue #10 asks that no input within the limits (a policy file is at most 1 MiB,
``wizard/limits.py``) makes a command run past 5 s. The policies are the OLD sides of
``bench/bench_diff.py``'s pairs, in its four shapes (``resources``, ``actions``, ``wildcards``,
``one-statement``; its docstring says what each holds), at 40 KB, 200 KB and 1 MiB.

Each ``validate FILE --format json`` runs as a whole process (start-up, reading, every check
and the report), best of ``--repeat`` runs; wall time and the child's CPU time (user + system)
are printed. No test asserts a timing. ``--write DIR`` keeps the generated policies there (to
profile one: ``python -m cProfile -s cumtime -m wizard validate DIR/wildcards-1M.json``).

    .venv/bin/python bench/bench_limits.py [--sizes 40K,200K,1M] [--shapes wildcards,...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench_diff import SHAPES, SIZES, table, worst_case_pair


def write_policies(
    shapes: list[str], sizes: list[str], folder: Path
) -> list[tuple[str, str, Path]]:
    """(shape, size label, file) for each policy, written as compact JSON into ``folder``."""
    out = []
    for shape in shapes:
        for label in sizes:
            document, _ = worst_case_pair(shape, SIZES[label])
            path = folder / f"{shape}-{label}.json"
            path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
            out.append((shape, label, path))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="of 40K, 200K, 1M")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="of " + ", ".join(SHAPES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per policy; the best counts")
    parser.add_argument("--write", metavar="DIR", help="keep the policies in DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.write or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        policies = write_policies(args.shapes.split(","), args.sizes.split(","), folder)
        validate = [sys.executable, "-m", "wizard", "validate"]
        table(
            (
                (shape, label, path, [*validate, str(path), "--format", "json"])
                for shape, label, path in policies
            ),
            args.repeat,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
