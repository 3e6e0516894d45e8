"""``bench/run_all.py``: the README's benchmark table from each benchmark's figures (no timing
is asserted here; the figures are synthetic but shaped as the scripts write them, and one real
``bench_build.py`` run checks that shape)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import run_all  # noqa: E402

SPREAD = {"median": 0.45, "q1": 0.43, "q3": 0.47, "min": 0.40, "max": 0.52}
FIGURES = {
    "build": {
        "runs": 21,
        "target": 0.5,
        "commands": {
            "role-wizard build": {"wall_median": 0.150, "wall_mean": 0.155, "cpu_median": 0.140},
            "policy_sentry write-policy": {
                "wall_median": 0.330,
                "wall_mean": 0.335,
                "cpu_median": 0.300,
            },
        },
        "ratio_wall": 150 / 330,
        "ratio_cpu": 140 / 300,
        "per_run_ratio_wall": SPREAD,
        "per_run_ratio_cpu": SPREAD,
        "load_average": 1.5,
    },
    "validate": {
        "count": 1000,
        "over_privileged": 548,
        "passes": 3,
        "rates": {
            "role-wizard validate": {"cold": 7000.0, "fresh": 11000.0, "repeat": 14000.0},
            "parliament 1.6.4": {"cold": 800.0, "fresh": 1000.0, "repeat": 950.0},
        },
        "planted_missed": 0,
        "speedup": {"cold": 8.75, "fresh": 11.0, "repeat": 14.7},
        "parliament_missed": 0,
    },
    "can": {
        "requests": 10000,
        "repeat": 3,
        "ours_seconds": 0.25,
        "peer": "iam-simulate 0.1.173",
        "peer_seconds": 5.0,
        "differ": 0,
        "peer_errors": 0,
    },
    "discover": {
        "listing": {
            "tables": 10000,
            "rounds": 5,
            "ours_median": 0.42,
            "bare_median": 0.40,
            "first_page_median": 0.0095,
            "ratio": 1.05,
            "paired_ratio": 1.02,
            "target": 1.2,
        },
        "demo": {
            "rounds": 5,
            "cases": {
                "import only (role-wizard --help)": 0.1,
                "discover dynamodb-table --demo, cold": 1.0,
                "discover dynamodb-table --demo, warm": 0.3,
                "discover sqs-queue --demo, cold": 1.0,
                "discover all --demo, cold (every service)": 3.6,
            },
            "in_process": {"imports": 0.18, "sandbox_start": 0.14, "first_page": 0.32},
        },
    },
    "tui": {
        "first_frame": {
            "runs": 21,
            "target": 1.3,
            "medians": {
                w: {"first_wall": t, "first_cpu": t, "settled_wall": t, "settled_cpu": t}
                for w, t in (("bare", 0.2), ("ours", 0.236), ("cli", 0.24))
            },
            "per_run_first_frame_wall": {"ours": SPREAD, "cli": SPREAD},
        },
        "filter": {
            "keystrokes": 11,
            "handler_median_ms": 8.8,
            "handler_max_ms": 17.4,
            "frame_median_ms": 130.0,
            "bare_input_frame_median_ms": 85.0,
            "target_ms": 50,
        },
    },
    "app": {
        "functions": 30,
        "runs": 11,
        "target": 2.0,
        "load_average": 1.0,
        "commands": {
            "json": {"wall_median": 0.30, "cpu_median": 0.27},
            "terraform": {"wall_median": 0.33, "cpu_median": 0.28},
        },
        "ratio_wall": 1.1,
        "ratio_cpu": 28 / 27,
        "per_run_ratio_wall": SPREAD,
        "per_run_ratio_cpu": SPREAD,
    },
    "limits": {
        "repeat": 3,
        "target": 5.0,
        "load_average": 1.5,
        "rows": [
            {"kind": "file", "shape": "wildcards", "size": "1M", "wall": 1.4, "cpu": 1.3},
            {"kind": "boundary", "shape": "not-resource", "size": "1M", "wall": 2.5, "cpu": 2.4},
        ],
    },
    "scan-js": {
        "lines": 20021,
        "files": 1113,
        "calls": 3047,
        "runs": 5,
        "wall": SPREAD,
        "cpu": SPREAD,
        "process_wall": SPREAD,
        "target_seconds": 1.0,
        "load_average": 1.5,
    },
}
FIGURES["scan"] = {
    "lines": 20011,
    "files": 1584,
    "calls": 3111,
    "runs": 7,
    "wall": {"median": 0.54, "q1": 0.52, "q3": 0.56, "min": 0.5, "max": 0.6},
    "cpu_median": 0.5,
    "target_seconds": 1.0,
}
FIGURES["audit_all"] = {
    "roles": 500,
    "rounds": 3,
    "workers": 8,
    "ours_median": 9.71,
    "bare_median": 22.77,
    "ratio": 0.43,
    "paired_ratio": 0.42,
    "target": 1.5,
    "command_wall": 12.02,
}
INFO = {
    "date": "2030-01-02 03:04 UTC",
    "cpu": "Some CPU",
    "cores": 2,
    "python": "3.11.7",
    "system": "Linux 6",
    "load": 1.5,
}


def rows_of(name: str, figures: dict) -> list[run_all.Row]:
    return run_all.BENCHMARKS[name].rows(figures)


def test_every_benchmark_has_figures_here():
    assert set(FIGURES) == set(run_all.BENCHMARKS)


def test_the_table_carries_the_machine_and_a_row_per_comparison():
    rows = [row for name, figures in FIGURES.items() for row in rows_of(name, figures)]
    table = run_all.markdown(INFO, rows, "python bench/run_all.py")
    lines = table.splitlines()
    assert lines[0] == (
        "Measured 2030-01-02 03:04 UTC on Some CPU, 2 cores, Python 3.11.7, Linux 6; load "
        "average 1.5 at the start; produced by `python bench/run_all.py`."
    )
    assert lines[2:4] == [
        "| benchmark | ours | peer | ratio | target |",
        "| --- | --- | --- | --- | --- |",
    ]
    body = lines[4:]
    assert (
        len(body) == 12
    )  # build, validate, can, discover + demo, first frame + filter, app, limits, scan-js, scan, audit --all
    assert all(line.startswith("| `bench_") and line.count(" | ") == 4 for line in body)
    assert all("NOT met" not in line for line in body)
    build = body[0]
    assert "| 150 ms (CPU 140 ms) | 330 ms (CPU 300 ms) | **0.45x** the time (CPU: 0.47x;" in build
    assert "middle half 0.43x–0.47x) | ≤ 0.5x — met |" in build
    assert "**11.0x**" in body[1] and "every parliament finding among ours" in body[1]
    assert "**20.0x**" in body[2] and "both agreed on all 10,000 decisions" in body[2]
    assert "**1.05x** of the medians (paired rounds: 1.02x)" in body[3]
    assert "cold 1.00 s, warm 0.30 s (every service, cold: 3.60 s)" in body[4]
    assert "236 ms (command: 240 ms)" in body[5] and "**1.18x**" in body[5]
    assert "median 8.8 ms, max 17.4 ms" in body[6] and "< 50 ms — met" in body[6]
    assert "| 330 ms (CPU 280 ms) | the same spec as JSON: 300 ms (CPU 270 ms) |" in body[7]
    assert "**1.10x** the time (CPU: 1.04x;" in body[7] and "≤ 2.0x — met" in body[7]
    assert "1 policy files and 1 `--boundary` pairs" in body[8]
    assert "slowest: boundary not-resource 1M, 2.40 s CPU (2.50 s wall)" in body[8]
    assert "< 5 s — met" in body[8]
    assert "20,021 lines in 1,113 handler files" in body[9]
    assert "| 0.450 s (CPU 0.450 s; 3,047 calls) |" in body[9] and "< 1 s — met" in body[9]
    assert "0.540 s (CPU 0.500 s)" in body[10] and "< 1 s — met" in body[10]
    assert "500 Lambda execution roles" in body[11] and "**0.43x** of the medians" in body[11]


@pytest.mark.parametrize(
    ("name", "path", "value"),
    [
        ("build", ("ratio_wall",), 0.51),
        ("validate", ("speedup", "fresh"), 9.9),
        ("can", ("peer_seconds",), 1.0),
        ("discover", ("listing", "ratio"), 1.25),
        ("tui", ("first_frame", "medians", "ours", "first_wall"), 0.27),
        ("tui", ("filter", "handler_max_ms"), 50.0),
        ("app", ("ratio_wall",), 2.01),
        ("limits", ("rows", 0, "cpu"), 5.2),
        ("scan-js", ("wall", "median"), 1.0),
        ("scan", ("wall", "median"), 1.0),
        ("audit_all", ("ratio",), 1.51),
    ],
)
def test_a_missed_target_says_so(name, path, value):
    figures = copy.deepcopy(FIGURES[name])
    inner = figures
    for key in path[:-1]:
        inner = inner[key]
    inner[path[-1]] = value
    assert any("NOT met" in row[4] for row in rows_of(name, figures))


def test_a_peer_that_is_not_installed_is_named_with_the_reason():
    figures = copy.deepcopy(FIGURES["build"])
    del figures["commands"]["policy_sentry write-policy"]
    figures["skipped"] = "policy_sentry is not installed (pip install -e '.[bench]')"
    (row,) = rows_of("build", figures)
    assert row[2] == "skipped: policy_sentry is not installed (pip install -e '.[bench]')"
    assert row[3] == ""
    figures = {k: v for k, v in FIGURES["can"].items() if not k.startswith("peer")}
    (row,) = rows_of("can", {**figures, "skipped": "node is not installed"})
    assert row[2] == "skipped: node is not installed"


def test_a_failing_benchmark_leaves_a_row_and_exit_status_1(tmp_path, monkeypatch, capsys):
    script = tmp_path / "bench_broken.py"
    script.write_text("import sys\nsys.exit('bench: it broke')\n")
    broken = run_all.Benchmark(str(script), (), (), run_all.build_rows)
    monkeypatch.setattr(run_all, "BENCHMARKS", {"broken": broken})
    out = tmp_path / "RESULTS.md"
    assert run_all.main(["--quick", "--out", str(out)]) == 1
    table = capsys.readouterr().out
    assert table == out.read_text(encoding="utf-8")
    assert "failed (exit 1): bench: it broke |" in table.splitlines()[-1]
    assert "produced by `python bench/run_all.py --quick`" in table


def test_only_names_known_benchmarks():
    assert run_all.parse_only("build, tui") == ["build", "tui"]
    with pytest.raises(Exception, match="unknown benchmark nope"):
        run_all.parse_only("build,nope")


def test_bench_build_writes_the_figures_the_table_reads(tmp_path):
    """One real run (each command timed once): the JSON's shape is what build_rows reads, with
    the peer's figures or the reason it was skipped."""
    out = tmp_path / "build.json"
    subprocess.run(
        [sys.executable, str(BENCH / "bench_build.py"), "--runs", "1", "--json", str(out)],
        check=True,
        capture_output=True,
    )
    figures = json.loads(out.read_text(encoding="utf-8"))
    (row,) = rows_of("build", figures)
    assert row[0].startswith("`bench_build.py`")
    assert row[1].endswith(" ms)")
    assert ("the time" in row[3]) != ("skipped" in figures)


STEP_CHANGES = {
    "runs": 5,
    "changes": ["1->2", "2->3", "3->4", "4->5", "5->6", "6->5", "5->4", "4->3", "3->2", "2->1"],
    "median_ms": [42.0, 38.0, 30.0, 35.0, 31.0, 25.0, 22.0, 24.0, 27.0, 26.0],
    "max_ms": [70.0, 60.0, 50.0, 55.0, 52.0, 40.0, 33.0, 35.0, 41.0, 39.0],
    "cpu_median_ms": [20.0, 19.0, 15.0, 16.0, 14.0, 13.0, 12.0, 12.0, 14.0, 13.0],
    "cpu_max_ms": [25.0] * 10,
    "built_after_first_frame_median_ms": 900.0,
    "building_longest_stall_median_ms": 60.0,
    "load_average": 1.5,
    "target_ms": 100,
}


def test_the_step_change_row_names_each_change_forward_and_back_with_its_cpu():
    figures = {**copy.deepcopy(FIGURES["tui"]), "step_changes": copy.deepcopy(STEP_CHANGES)}
    row = rows_of("tui", figures)[-1]
    assert "a pty" in row[0] and "median of 5 fresh processes" in row[0]
    assert row[1].startswith("medians 1→2 42 ms (CPU 20), 2→3 38 ms (CPU 19),")
    assert "2→1 26 ms (CPU 13); max 70 ms; steps built 900 ms" in row[1]
    assert row[4] == "< 100 ms (medians) — met"
    figures["step_changes"]["median_ms"][9] = 100.0  # the way back counts as much
    assert "NOT met" in rows_of("tui", figures)[-1][4]


def test_the_pty_terminal_finds_labels_and_frame_ends_across_reads():
    """bench_tui's terminal end: the app's labels (OSC ``bench;...``) and the ends of its
    synchronized frames, in stream order, even when a read cuts one in two."""
    import bench_tui

    stream = (
        b"\x1b[?2026h\x1b[1;1Hstep one\x1b[?2026l"
        b"\x1b]bench;screen=ResourcesScreen\x07"
        b"\x1b[?2026h\x1b[2;1Hstep two\x1b[?2026l\x1b]bench;idle=step 1\x07"
    )
    every_cut = []
    for cut in range(len(stream) + 1):
        term = bench_tui.Terminal(-1)
        every_cut.append(term.feed(stream[:cut]) + term.feed(stream[cut:]))
    assert all(
        found
        == [
            ("frame", None),
            ("label", "screen=ResourcesScreen"),
            ("frame", None),
            ("label", "idle=step 1"),
        ]
        for found in every_cut
    )


def test_the_discover_row_reads_the_labels_bench_discover_writes():
    """The fixture above is ours; the labels are bench_discover.py's: a label renamed there
    must be renamed here too (run_all once failed with a KeyError on a renamed label)."""
    import re

    bench_dir = Path(__file__).resolve().parent.parent / "bench"
    written = set(
        re.findall(r'^\s+"([^"]+)": \(', (bench_dir / "bench_discover.py").read_text(), re.M)
    )
    read = set(re.findall(r"cases\['([^']+)'\]", (bench_dir / "run_all.py").read_text()))
    assert read and read <= written, read - written
    assert set(FIGURES["discover"]["demo"]["cases"]) <= written
