"""Benchmark: the JavaScript/TypeScript reader of `role-wizard scan` on 20,000 lines of handlers.

    python bench/bench_scan_js.py [--lines 20000] [--runs 5] [--json FILE]

Issue #15's target: a folder of 20,000 lines of handler code scanned in under 1 s on one core,
the time to load the mapping counted. The folder is made of copies of the handlers of
``tests/scan_corpus/javascript/`` (.js, .mjs, .ts, .tsx; SDK v3 and v2, Powertools, look-alikes)
until it holds ``--lines`` lines. Each run is a fresh Python process (one thread) that imports
the reader, reads every file and extracts its calls: the figure is that process's time from
before the import to the last file (wall and CPU), so it includes importing tree-sitter, loading
``catalogs/js-sdk-services.yaml`` and reading botocore's models of the services met. The whole
process's wall time (interpreter start-up too) is printed beside it. Median of ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import add_json_option, spread_of, write_json

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "scan_corpus" / "javascript"
SUFFIXES = {".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"}
TARGET_SECONDS = 1.0

CHILD = r"""
import json, os, sys, time
from pathlib import Path
wall, cpu = time.perf_counter(), time.process_time()
from wizard.scan.javascript import extract_javascript
calls = files = lines = 0
for path in sorted(Path(sys.argv[1]).iterdir()):
    text = path.read_text(encoding="utf-8", errors="replace")
    calls += len(extract_javascript(text, str(path)))
    files += 1
    lines += text.count("\n")
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "calls": calls, "files": files, "lines": lines}))
"""


def make_folder(folder: Path, lines: int) -> None:
    """Copies of the corpus's handlers into ``folder`` until it holds ``lines`` lines."""
    handlers = sorted(p for p in CORPUS.iterdir() if p.suffix in SUFFIXES)
    if not handlers:
        raise SystemExit(f"no handlers in {CORPUS}")
    total = copy = 0
    while total < lines:
        for path in handlers:
            if total >= lines:
                break
            target = folder / f"{copy:04d}-{path.name}"
            shutil.copyfile(path, target)
            total += path.read_text(encoding="utf-8").count("\n")
        copy += 1


def one_run(folder: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["process_wall"] = time.perf_counter() - start
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000, help="lines of handler code")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes; the median counts")
    add_json_option(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scan-js-") as tmp:
        folder = Path(tmp)
        make_folder(folder, args.lines)
        runs = [one_run(folder) for _ in range(args.runs)]
    first = runs[0]
    wall = [r["wall"] for r in runs]
    result = {
        "lines": first["lines"],
        "files": first["files"],
        "calls": first["calls"],
        "runs": args.runs,
        "wall": spread_of(wall),
        "cpu": spread_of([r["cpu"] for r in runs]),
        "process_wall": spread_of([r["process_wall"] for r in runs]),
        "target_seconds": TARGET_SECONDS,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    print(
        f"scan (JavaScript/TypeScript reader): {first['lines']:,} lines in {first['files']} "
        f"files, {first['calls']} calls; median of {args.runs} fresh processes: "
        f"{statistics.median(wall):.3f} s wall (CPU "
        f"{result['cpu']['median']:.3f} s; whole process "
        f"{result['process_wall']['median']:.3f} s); target < {TARGET_SECONDS} s",
        file=sys.stderr,
    )
    write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
