"""Run every benchmark in bench/ and print the README's table of figures.

    pip install -e '.[bench]'          # policy_sentry and parliament
    npm install --prefix bench         # iam-simulate (optional; needs node)
    python bench/run_all.py [--quick] [--only build,tui] [--out bench/RESULTS.md]

Each benchmark script runs in its own process with its own method (bench/README.md) and writes
its figures as JSON (``--json``); its report goes to standard error as it runs. The Markdown
table -- the date, the machine (CPU model, cores, Python version, load average at the start)
and one row per comparison -- goes to standard output, and with ``--out`` to a file too. A peer
that is not installed leaves its cell saying why; a benchmark that fails leaves a row saying
so, and the exit status is 1. ``--quick`` runs fewer repeats on smaller inputs (a check that
everything runs, not figures to publish).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent

Row = tuple[str, str, str, str, str]  # benchmark, ours, peer, ratio, target


@dataclass(frozen=True)
class Benchmark:
    script: str
    full: tuple[str, ...]  # arguments of a full run
    quick: tuple[str, ...]  # arguments of a --quick run
    rows: Callable[[dict[str, Any]], list[Row]]


def verdict(met: bool, target: str) -> str:
    return f"{target} — {'met' if met else 'NOT met'}"


def build_rows(f: dict[str, Any]) -> list[Row]:
    ours = f["commands"]["role-wizard build"]
    what = (
        "`bench_build.py`: `role-wizard build` vs `policy_sentry write-policy` (CRUD on one "
        "table + read on one S3 prefix, whole processes taking turns, median of "
        f"{f['runs']})"
    )
    mine = f"{ours['wall_median'] * 1000:.0f} ms (CPU {ours['cpu_median'] * 1000:.0f} ms)"
    if "skipped" in f:
        return [(what, mine, f"skipped: {f['skipped']}", "", f"≤ {f['target']}x")]
    peer = f["commands"]["policy_sentry write-policy"]
    runs = f["per_run_ratio_wall"]
    return [
        (
            what,
            mine,
            f"{peer['wall_median'] * 1000:.0f} ms (CPU {peer['cpu_median'] * 1000:.0f} ms)",
            f"**{f['ratio_wall']:.2f}x** the time (CPU: {f['ratio_cpu']:.2f}x; per run, middle "
            f"half {runs['q1']:.2f}x–{runs['q3']:.2f}x)",
            verdict(f["ratio_wall"] <= f["target"], f"≤ {f['target']}x"),
        )
    ]


def validate_rows(f: dict[str, Any]) -> list[Row]:
    what = (
        f"`bench_validate.py`: {f['count']:,} policies ({f['over_privileged']:,} over-privileged "
        f"or broken), one process, new policies (best of {f['passes']})"
    )
    ours = f["rates"]["role-wizard validate"]
    planted = (
        "every planted problem found"
        if not f["planted_missed"]
        else (f"{f['planted_missed']} planted problems missed")
    )
    if "skipped" in f:
        return [(what, f"{ours['fresh']:,.0f} policies/s", f"skipped: {f['skipped']}", "", planted)]
    peer = f["rates"]["parliament 1.6.4"]
    x = f["speedup"]
    found = (
        "every parliament finding among ours"
        if not f["parliament_missed"]
        else f"{f['parliament_missed']} parliament findings missed"
    )
    return [
        (
            what,
            f"{ours['fresh']:,.0f} policies/s",
            f"parliament 1.6.4: {peer['fresh']:,.0f}/s",
            f"**{x['fresh']:.1f}x** (the same corpus again: {x['repeat']:.1f}x; first pass with "
            f"each tool's import: {x['cold']:.1f}x)",
            f"{verdict(x['fresh'] >= 10, '≥ 10x')}; {found}; {planted}",
        )
    ]


def can_rows(f: dict[str, Any]) -> list[Row]:
    n = f["requests"]
    what = (
        f"`bench_can.py`: `can --requests`, {n:,} requests over a 7-resource bundle with its "
        f"boundary, whole processes (best of {f['repeat']})"
    )
    mine = f"{f['ours_seconds']:.3f} s ({n / f['ours_seconds']:,.0f} req/s)"
    if "skipped" in f:
        return [(what, mine, f"skipped: {f['skipped']}", "", "≥ 5x")]
    x = f["peer_seconds"] / f["ours_seconds"]
    agreed = (
        f"both agreed on all {n:,} decisions"
        if not f["differ"]
        else f"{f['differ']} decisions differ"
    )
    return [
        (
            what,
            mine,
            f"{f['peer']}: {f['peer_seconds']:.3f} s",
            f"**{x:.1f}x**",
            f"{verdict(x >= 5, '≥ 5x')}; {agreed}",
        )
    ]


def scan_rows(f: dict[str, Any]) -> list[Row]:
    wall = f["wall"]
    target = f["target_seconds"]
    return [
        (
            f"`bench_scan.py`: `scan` of {f['lines']:,} lines of Python handlers "
            f"({f['files']:,} files, {f['calls']:,} SDK calls), a fresh process each run, "
            f"imports and the mapping's load counted (median of {f['runs']})",
            f"{wall['median']:.3f} s (CPU {f['cpu_median']:.3f} s)",
            "— (IAM Policy Autopilot needs its web service)",
            "",
            verdict(wall["median"] < target, f"< {target:g} s"),
        )
    ]


def discover_rows(f: dict[str, Any]) -> list[Row]:
    listing = f["listing"]
    rows: list[Row] = [
        (
            f"`bench_discover.py`: `discover dynamodb-table`, {listing['tables']:,} tables on a "
            f"moto server, median of {listing['rounds']} rounds",
            f"{listing['ours_median']:.3f} s (first page after "
            f"{listing['first_page_median'] * 1000:.1f} ms)",
            f"bare boto3 paginator: {listing['bare_median']:.3f} s",
            f"**{listing['ratio']:.2f}x** of the medians (paired rounds: "
            f"{listing['paired_ratio']:.2f}x)",
            verdict(listing["ratio"] <= listing["target"], f"≤ {listing['target']}x"),
        )
    ]
    demo = f.get("demo")
    if demo:
        cases = demo["cases"]
        rows.append(
            (
                "`bench_discover.py`: `discover dynamodb-table --demo`, a fresh process (cold: "
                "a new sandbox, seeding only the services looked at; warm: its server already "
                f"running), median of {demo['rounds']}",
                f"cold {cases['discover dynamodb-table --demo, cold']:.2f} s, warm "
                f"{cases['discover dynamodb-table --demo, warm']:.2f} s (every service, cold: "
                f"{cases['discover all --demo, cold (every service)']:.2f} s)",
                f"`role-wizard --help` alone: {cases['import only (role-wizard --help)']:.2f} s",
                "",
                "",
            )
        )
    return rows


def tui_rows(f: dict[str, Any]) -> list[Row]:
    first = f["first_frame"]
    med = first["medians"]
    bare = med["bare"]["first_wall"]
    ours = med["ours"]["first_wall"]
    runs = first["per_run_first_frame_wall"]["ours"]
    command = ratio_command = ""
    if "cli" in med:
        command = f" (command: {med['cli']['first_wall'] * 1000:.0f} ms)"
        ratio_command = f"command: {med['cli']['first_wall'] / bare:.2f}x; "
    rows: list[Row] = [
        (
            "`bench_tui.py`: time to the first interactive frame of `WizardApp()` (step 1) and "
            "of the `role-wizard` command, fresh processes taking turns with the peer's, median "
            f"of {first['runs']}",
            f"{ours * 1000:.0f} ms{command}",
            f"bare Textual app (Header, ListView, Footer): {bare * 1000:.0f} ms",
            f"**{ours / bare:.2f}x** of the medians ({ratio_command}per run, middle half "
            f"{runs['q1']:.2f}x–{runs['q3']:.2f}x)",
            verdict(ours / bare <= first["target"], f"≤ {first['target']}x"),
        )
    ]
    filt = f.get("filter")
    if filt:
        rows.append(
            (
                "`bench_tui.py`: filter 10,000 discovered resources, per keystroke",
                f"median {filt['handler_median_ms']:.1f} ms, max {filt['handler_max_ms']:.1f} ms",
                "",
                "",
                verdict(filt["handler_max_ms"] < filt["target_ms"], f"< {filt['target_ms']} ms"),
            )
        )
    steps = f.get("step_changes")
    if steps:
        slowest = max(steps["median_ms"])
        pairs = zip(steps["changes"], steps["median_ms"], steps["cpu_median_ms"], strict=True)
        rows.append(
            (
                "`bench_tui.py`: key to the new step's first frame in a terminal (a pty; ctrl+n "
                "1→6, then ctrl+b back to 1; the later steps built in the background while on "
                f"step 1), median of {steps['runs']} fresh processes, load average "
                f"{steps['load_average']:.1f}",
                "medians "
                + ", ".join(f"{n.replace('->', '→')} {m:.0f} ms (CPU {c:.0f})" for n, m, c in pairs)
                + f"; max {max(steps['max_ms']):.0f} ms; steps built "
                f"{steps['built_after_first_frame_median_ms']:.0f} ms after the first frame",
                "",
                "",
                verdict(slowest < steps["target_ms"], f"< {steps['target_ms']} ms (medians)"),
            )
        )
    return rows


def app_rows(f: dict[str, Any]) -> list[Row]:
    tf, js = f["commands"]["terraform"], f["commands"]["json"]
    runs = f["per_run_ratio_wall"]
    return [
        (
            f"`bench_app.py`: `build` of a {f['functions']}-function app spec, `--format "
            f"terraform` vs `--format json`, whole processes taking turns, median of {f['runs']}",
            f"{tf['wall_median'] * 1000:.0f} ms (CPU {tf['cpu_median'] * 1000:.0f} ms)",
            f"the same spec as JSON: {js['wall_median'] * 1000:.0f} ms (CPU "
            f"{js['cpu_median'] * 1000:.0f} ms)",
            f"**{f['ratio_wall']:.2f}x** the time (CPU: {f['ratio_cpu']:.2f}x; per run, middle "
            f"half {runs['q1']:.2f}x–{runs['q3']:.2f}x)",
            verdict(f["ratio_wall"] <= f["target"], f"≤ {f['target']}x"),
        )
    ]


def limits_rows(f: dict[str, Any]) -> list[Row]:
    rows = f["rows"]
    slowest = max(rows, key=lambda r: r["cpu"])
    pairs = sum(1 for r in rows if r["kind"] == "boundary")
    what = (
        f"`bench_limits.py`: `validate` on {len(rows) - pairs} policy files and {pairs} "
        f"`--boundary` pairs at the input limit (sizes {', '.join(sorted({r['size'] for r in rows}))};"
        f" whole processes, best of {f['repeat']})"
    )
    return [
        (
            what,
            f"slowest: {slowest['kind']} {slowest['shape']} {slowest['size']}, "
            f"{slowest['cpu']:.2f} s CPU ({slowest['wall']:.2f} s wall)",
            "",
            "",
            verdict(slowest["cpu"] < f["target"], f"< {f['target']:.0f} s"),
        )
    ]


def scan_js_rows(f: dict[str, Any]) -> list[Row]:
    wall = f["wall"]
    return [
        (
            f"`bench_scan_js.py`: `scan`'s JavaScript/TypeScript reader, {f['lines']:,} lines in "
            f"{f['files']:,} handler files, a fresh process (import and mapping load counted), "
            f"median of {f['runs']}",
            f"{wall['median']:.3f} s (CPU {f['cpu']['median']:.3f} s; {f['calls']:,} calls)",
            "",
            "",
            verdict(wall["median"] < f["target_seconds"], f"< {f['target_seconds']:g} s"),
        )
    ]


def audit_all_rows(f: dict[str, Any]) -> list[Row]:
    return [
        (
            f"`bench_audit_all.py`: `audit --all`, {f['roles']:,} Lambda execution roles on a "
            f"moto server, {f['workers']} workers, median of {f['rounds']} rounds",
            f"{f['ours_median']:.2f} s (a whole `role-wizard` process: {f['command_wall']:.2f} s)",
            f"bare boto3 loop, the same read calls: {f['bare_median']:.2f} s",
            f"**{f['ratio']:.2f}x** of the medians (paired rounds: {f['paired_ratio']:.2f}x)",
            verdict(f["ratio"] <= f["target"], f"≤ {f['target']}x"),
        )
    ]


BENCHMARKS: dict[str, Benchmark] = {
    "build": Benchmark("bench_build.py", ("--runs", "21"), ("--runs", "5"), build_rows),
    "validate": Benchmark(
        "bench_validate.py", ("--passes", "3"), ("--count", "300", "--passes", "1"), validate_rows
    ),
    "can": Benchmark(
        "bench_can.py", ("--repeat", "3"), ("--requests", "2000", "--repeat", "1"), can_rows
    ),
    "discover": Benchmark(
        "bench_discover.py",
        ("--rounds", "5"),
        ("--tables", "2000", "--rounds", "3", "--skip-demo"),
        discover_rows,
    ),
    "tui": Benchmark("bench_tui.py", ("--runs", "21"), ("--runs", "5"), tui_rows),
    "app": Benchmark(
        "bench_app.py", ("--runs", "11"), ("--functions", "10", "--runs", "3"), app_rows
    ),
    "limits": Benchmark(
        "bench_limits.py",
        ("--sizes", "1M", "--repeat", "3"),
        ("--sizes", "40K", "--repeat", "1"),
        limits_rows,
    ),
    "scan-js": Benchmark(
        "bench_scan_js.py", ("--runs", "5"), ("--lines", "5000", "--runs", "2"), scan_js_rows
    ),
    "scan": Benchmark(
        "bench_scan.py", ("--runs", "7"), ("--runs", "2", "--lines", "2000"), scan_rows
    ),
    "audit_all": Benchmark(
        "bench_audit_all.py", ("--rounds", "3"), ("--roles", "100", "--rounds", "1"), audit_all_rows
    ),
}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def markdown(info: dict[str, Any], rows: list[Row], command: str) -> str:
    load = f"; load average {info['load']:.1f} at the start" if info["load"] is not None else ""
    lines = [
        f"Measured {info['date']} on {info['cpu']}, {info['cores']} cores, Python "
        f"{info['python']}, {info['system']}{load}; produced by `{command}`.",
        "",
        "| benchmark | ours | peer | ratio | target |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _report_stream() -> Any:
    """Where a benchmark's own report goes: our standard error as it runs, or (when that is
    no file, as under pytest's capture) a pipe copied there afterwards."""
    try:
        sys.stderr.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return subprocess.PIPE
    return sys.stderr


def run_one(name: str, bench: Benchmark, quick: bool) -> list[Row]:
    """Run one benchmark script; its rows, or one row saying it failed."""
    args = bench.quick if quick else bench.full
    with tempfile.TemporaryDirectory(prefix="bench-run-all-") as folder:
        out = Path(folder) / "figures.json"
        print(f"== {name}: {bench.script} {' '.join(args)}", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [sys.executable, str(BENCH / bench.script), *args, "--json", str(out)],
            stdout=_report_stream(),
            stderr=subprocess.PIPE,
            text=True,
            cwd=BENCH.parent,
        )
        sys.stderr.write((proc.stdout or "") + proc.stderr)
        if proc.returncode != 0 or not out.is_file():
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return [(f"`{bench.script}`", f"failed (exit {proc.returncode}): {last}", "", "", "")]
        return bench.rows(json.loads(out.read_text(encoding="utf-8")))


def parse_only(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown benchmark {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})"
        )
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller inputs")
    parser.add_argument(
        "--only",
        type=parse_only,
        metavar="NAMES",
        help=f"comma-separated benchmarks to run (of {', '.join(BENCHMARKS)})",
    )
    parser.add_argument("--out", metavar="FILE", help="also write the table to FILE")
    args = parser.parse_args(argv)
    names = args.only or list(BENCHMARKS)
    info = machine()
    rows: list[Row] = []
    for name in names:
        rows += run_one(name, BENCHMARKS[name], args.quick)
    command = "python bench/run_all.py" + " ".join(
        [
            "",
            *(["--quick"] if args.quick else []),
            *([f"--only {','.join(names)}"] if args.only else []),
        ]
    )
    table = markdown(info, rows, command)
    sys.stdout.write(table)
    if args.out:
        Path(args.out).write_text(table, encoding="utf-8")
    failed = any(row[1].startswith("failed") for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
