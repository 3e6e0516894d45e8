"""Benchmark: ``role-wizard scan`` over a folder of 20,000 lines of Python handler code.

The folder is made from the scan corpus's cases (``tests/scan_corpus/python/*/``: each case's
Python files, the handler and the modules it imports), each copy in a folder of its own, until
it holds ``--lines`` lines; so following clients across imported modules is timed too. Each run is a fresh process (one
thread: the scan uses one core) that imports the scan, loads the mapping (botocore's service
models, ``catalogs/sdk-actions.yaml``, the IAM reference), reads every file and binds the calls:
all of that is timed, from before the first import of ``wizard`` to the binding's end. The
figure is the median of ``--runs`` runs; the target is under 1 s.

    python bench/bench_scan.py [--lines 20000] [--runs 7] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from results import add_json_option, spread_of, write_json

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "scan_corpus" / "python"
TARGET_SECONDS = 1.0

RUN = """
import json, sys, time
wall, cpu = time.perf_counter(), time.process_time()
from wizard.scan.bind import bind
from wizard.scan.sources import scan_sources
found = scan_sources([sys.argv[1]])
binding = bind(found.calls)
print(json.dumps({
    "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
    "files": len(found.files), "lines": found.lines, "calls": len(found.calls),
    "entries": len(binding.suggestions), "unresolved": len(binding.unresolved),
}))
"""


def make_folder(folder: Path, lines: int) -> int:
    cases = [
        [(p.relative_to(case), p.read_text(encoding="utf-8")) for p in sorted(case.rglob("*.py"))]
        for case in sorted(p for p in CORPUS.iterdir() if p.is_dir())
    ]
    total = count = 0
    while total < lines:
        for relative, text in cases[count % len(cases)]:
            target = folder / f"service_{count // 100:03d}" / f"case_{count:05d}" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            total += text.count("\n") + 1
        count += 1
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    add_json_option(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lines = make_folder(Path(tmp), args.lines)
        results = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", RUN, tmp], capture_output=True, text=True, check=True
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    walls = [r["wall"] for r in results]
    figures = {
        "lines": lines,
        "files": results[0]["files"],
        "calls": results[0]["calls"],
        "runs": args.runs,
        "wall": spread_of(walls),
        "cpu_median": statistics.median(r["cpu"] for r in results),
        "target_seconds": TARGET_SECONDS,
    }
    print(
        f"scan: {lines:,} lines in {figures['files']} files, {figures['calls']:,} calls: "
        f"median {figures['wall']['median']:.3f} s (CPU {figures['cpu_median']:.3f} s), "
        f"target < {TARGET_SECONDS} s",
        file=sys.stderr,
    )
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
