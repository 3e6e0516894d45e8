"""TUI speed: time to the first interactive frame (ours vs a bare Textual app of a Header, a
ListView and a Footer; goal at most 1.3x) and filtering 10,000 discovered resources (goal under
50 ms a keystroke).

    .venv/bin/python bench/bench_tui.py [--runs 15] [--no-cli] [--no-filter] [--json FILE]

Each run is a fresh interpreter. The bare app, ``WizardApp()`` (what ``role-wizard`` runs) and
the ``role-wizard`` command itself (its argument parsing and command modules included) take
turns, in an order that changes from run to run, so load on the machine hits all alike; one
untimed run of each comes first, and the project's byte-code is compiled beforehand as an
installed package's would be. Each child reports the wall time since just before the parent
started it, and its CPU time (steadier on a busy machine), at two points:

- first frame: Textual's ``Ready`` event, posted once the first screen has been laid out and
  painted. CPU time of the whole process (all threads; ours starts loading its domain in a
  worker thread only from this point on).
- settled: the next frame after the Footer shows its keys (Textual fills a Footer only after
  the first frame, in both apps), so work merely moved past ``Ready`` would show here. CPU time
  of the main thread, the UI's: ours is loading its domain in the worker meanwhile, which the
  wall time includes as contention for the interpreter.

Reported: the median of each, the ratio of the medians, and the spread of the per-run ratios.
The goal applies to the ratio of the medians of ``WizardApp()``'s first frame.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from installed import compile_package
from results import add_json_option, spread_of, write_json

ROOT = Path(__file__).resolve().parent.parent

# Each child prints four numbers: wall and CPU seconds at the first frame, then at "settled".
# Wall time counts from just before the parent started the interpreter; CPU time from the
# process's start (interpreter start-up included): the whole process's at the first frame, the
# main thread's when settled.
FIRST_FRAME = """
import os, sys, time
t0 = float(os.environ["BENCH_T0"])
which = sys.argv[1]
if which == "bare":
    from textual.app import App
    from textual.widgets import Footer, Header, Label, ListItem, ListView

    class Base(App):
        def compose(self):
            yield Header()
            yield ListView(*(ListItem(Label(f"item {i}")) for i in range(10)))
            yield Footer()
else:
    if which == "cli":
        import wizard.cli
    import wizard.tui.app
    from textual.widgets import Footer

    Base = wizard.tui.app.WizardApp

marks = []


def mark():
    # process CPU at the first frame (the domain's worker is idle until then); main-thread CPU
    # when settled (ours loads its domain in a worker thread from the first frame on)
    cpu = time.process_time() if not marks else time.thread_time()
    marks.append((time.time() - t0, cpu))


footer_recompose = Footer.recompose


async def recompose(self):
    await footer_recompose(self)
    if self.children and len(marks) == 1:  # the keys are in: settled at the next frame
        self.call_after_refresh(self.app.settled)


Footer.recompose = recompose


class Timed(Base):
    def run(self, **kwargs):
        return super().run(headless=True, size=(110, 36))

    # Textual posts Ready once the first frame is on screen, and calls the on_ready of every
    # class that has one: WizardApp's still runs after this (it starts the domain's loading).
    def on_ready(self) -> None:
        mark()
        self.set_timer(5, self.exit)  # should the footer never fill

    def settled(self) -> None:
        if len(marks) == 1:
            mark()
            self.exit()


if which == "cli":  # role-wizard with no arguments: parse them, then open the wizard
    wizard.tui.app.WizardApp = Timed
    wizard.cli.main([])
else:
    Timed().run()
print(*(repr(v) for m in marks for v in m))
"""

Times = dict[str, list[tuple[float, float, float, float]]]
LABELS = {
    "bare": "bare Textual (Header, ListView, Footer)",
    "ours": "WizardApp() (step 1)",
    "cli": "role-wizard command (parsing included)",
}


def first_frames(whiches: tuple[str, ...], runs: int) -> Times:
    """(wall, CPU, settled wall, settled CPU) seconds for each of ``whiches``, ``runs`` fresh
    interpreters each, interleaved."""
    times: Times = {which: [] for which in whiches}
    compile_package()  # our bytecode, as an installed package has its
    with tempfile.TemporaryDirectory() as state:
        script = Path(state) / "first_frame.py"  # a file: Textual resolves CSS_PATH from it
        script.write_text(FIRST_FRAME, encoding="utf-8")
        env = {
            **os.environ,
            "XDG_STATE_HOME": str(Path(state) / "xdg"),
            "PYTHONPATH": str(ROOT),
            "AWS_ACCESS_KEY_ID": "",
            "AWS_SECRET_ACCESS_KEY": "",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
        for which in whiches:  # untimed: byte-code written, files in the page cache
            run_child(script, which, env)
        for i in range(runs):
            # rotate the order, so no variant always runs first or after the same one
            order = whiches[i % len(whiches) :] + whiches[: i % len(whiches)]
            if i // len(whiches) % 2:
                order = order[::-1]
            for which in order:
                times[which].append(run_child(script, which, env))
    return times


def run_child(script: Path, which: str, env: dict[str, str]) -> tuple[float, float, float, float]:
    env["BENCH_T0"] = repr(time.time())
    out = subprocess.run(
        [sys.executable, str(script), which],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    numbers = [float(n) for n in out.strip().splitlines()[-1].split()]
    if len(numbers) != 4:
        raise SystemExit(f"{which}: the footer did not fill within 5 s of the first frame")
    wall, cpu, settled_wall, settled_cpu = numbers
    return wall, cpu, settled_wall, settled_cpu


def spread(values: list[float]) -> str:
    s = spread_of(values)
    return (
        f"median {s['median']:.2f}x, middle half {s['q1']:.2f}x-{s['q3']:.2f}x, "
        f"all {s['min']:.2f}x-{s['max']:.2f}x"
    )


def report(times: Times, runs: int) -> dict:
    print(
        f"time to the first interactive frame, {runs} interleaved runs each (fresh interpreters):"
    )
    columns = ("first frame: wall", "CPU", "settled: wall", "CPU")
    print(
        f"  {'median':40} "
        + " ".join(f"{c:>17}" if i % 2 == 0 else f"{c:>7}" for i, c in enumerate(columns))
    )
    medians = {}
    for which, samples in times.items():
        medians[which] = [statistics.median(t[col] for t in samples) for col in range(4)]
        cells = [
            f"{m * 1000:14.0f} ms" if i % 2 == 0 else f"{m * 1000:4.0f} ms"
            for i, m in enumerate(medians[which])
        ]
        print(f"  {LABELS[which]:40} " + " ".join(cells))
    for which in times:
        if which == "bare":
            continue
        ratios = [m / b for m, b in zip(medians[which], medians["bare"], strict=True)]
        goal = ", goal <= 1.3x" if which == "ours" else ""
        print(
            f"  {'ratio of the medians, ' + which + ':':40} "
            + " ".join(f"{r:16.2f}x" if i % 2 == 0 else f"{r:6.2f}x" for i, r in enumerate(ratios))
            + f"  (first frame{goal})"
        )
    print("  per-run ratios to the bare app's run next to it:")
    for which in times:
        if which == "bare":
            continue
        for col, label in enumerate(("first frame, wall", "first frame, CPU", "settled, wall")):
            pairs = [o[col] / b[col] for b, o in zip(times["bare"], times[which], strict=True)]
            print(f"    {which + ', ' + label + ':':25} {spread(pairs)}")
    columns = ("first_wall", "first_cpu", "settled_wall", "settled_cpu")
    return {
        "runs": runs,
        "target": 1.3,
        "medians": {which: dict(zip(columns, m, strict=True)) for which, m in medians.items()},
        "per_run_first_frame_wall": {
            which: spread_of(
                [o[0] / b[0] for b, o in zip(times["bare"], times[which], strict=True)]
            )
            for which in times
            if which != "bare"
        },
    }


@dataclass(frozen=True)
class Item:
    kind: str
    name: str
    arn: str
    detail: dict = field(default_factory=dict)


class TenThousand:
    def __init__(self) -> None:
        self.items = [
            Item(
                "dynamodb-table",
                f"table-{i:05}-{('orders', 'billing', 'audit', 'users')[i % 4]}",
                f"arn:aws:dynamodb:us-east-1:123456789012:table/table-{i:05}",
            )
            for i in range(10_000)
        ]

    def supports(self, kind: str) -> bool:
        return True

    def pages(self, kind, *, bucket=None, prefix=None):
        if kind == "dynamodb-table":
            for start in range(0, len(self.items), 1000):
                yield self.items[start : start + 1000]


class Session:
    account = "123456789012"
    region = "us-east-1"


async def filtering(query: str) -> tuple[list[float], list[float]]:
    """(handler ms per keystroke, ms from key press to the next idle frame)."""
    from wizard.drafts import DraftStore
    from wizard.tui.app import WizardApp

    disc = TenThousand()
    with tempfile.TemporaryDirectory() as tmp:
        app = WizardApp(
            session_factory=Session,
            discoverer_factory=lambda s: disc,
            drafts=DraftStore(Path(tmp)),
            offer_resume=False,
        )
        async with app.run_test(size=(110, 36)) as pilot:
            await app.session_worker.wait()
            await pilot.pause()
            await app.premount_worker.wait()  # the later steps built, as while on step 1
            await pilot.press("ctrl+n")
            await pilot.pause()
            await app.screen.worker.wait()
            await pilot.pause()
            found = app.screen.query_one("#found")
            assert len(found.items) == 10_000
            handler, frame = [], []
            original = found.set_query

            def timed(text: str) -> None:
                start = time.perf_counter()
                original(text)
                handler.append((time.perf_counter() - start) * 1000)

            found.set_query = timed
            await pilot.click("#filter")
            for ch in query:
                start = time.perf_counter()
                await pilot.press(ch)
                await pilot.pause()
                frame.append((time.perf_counter() - start) * 1000)
            return handler, frame


async def pilot_round_trip(query: str) -> list[float]:
    """ms from key press to the next idle frame typing into a bare Textual app's Input: what
    Pilot itself takes, for reading the figure above."""
    from textual.app import App
    from textual.widgets import Input

    class Bare(App):
        def compose(self):
            yield Input()

    async with Bare().run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        frame = []
        for ch in query:
            start = time.perf_counter()
            await pilot.press(ch)
            await pilot.pause()
            frame.append((time.perf_counter() - start) * 1000)
        return frame


# A fresh interpreter walks steps 1 to 6 with ctrl+n and prints, for each step change, the ms
# from the app taking the key (its next-step action) to the next screen's first paint: the first
# frame Textual composes for that screen (``App._display``, called headless too; a real
# terminal's write of that frame comes on top), and the UI thread's CPU ms meanwhile (steadier
# on a shared machine). The walk starts once the app has settled on step 1 (the domain loaded
# and the later steps built in the background, as while a person fills in step 1); the child
# also prints the ms from step 1's first frame until those steps were built. Each change waits
# for the app to settle (the discovery workers done) before the next key, as a person reading
# the screen would.
STEP_CHANGES = """
import asyncio, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench_tui import Session, TenThousand
from wizard.drafts import DraftStore
from wizard.spec import ResourceEntry, RoleSpec
from wizard.tui.app import WizardApp

class Timed(WizardApp):
    start = None
    left = None
    times = []
    ready = None

    def on_ready(self):
        self.ready = time.perf_counter()

    def action_next_step(self):
        self.start, self.left = (time.perf_counter(), time.thread_time()), self.screen
        super().action_next_step()

    def _display(self, screen, renderable):
        if self.start is not None and renderable is not None and screen is not self.left:
            wall, cpu = self.start
            self.times.append((time.perf_counter() - wall) * 1000)
            self.times.append((time.thread_time() - cpu) * 1000)
            self.start = None
        super()._display(screen, renderable)

async def main():
    spec = RoleSpec(function="orders-api", account="123456789012", region="us-east-1",
                    resources=[ResourceEntry(kind="dynamodb-table", name="Orders")])
    with tempfile.TemporaryDirectory() as tmp:
        app = Timed(spec=spec, session_factory=Session, discoverer_factory=lambda s: TenThousand(),
                    drafts=DraftStore(Path(tmp)), offer_resume=False)
        async with app.run_test(size=(110, 36)) as pilot:
            lag = []

            async def probe():  # how late the UI loop wakes: what a key typed meanwhile waits
                while True:
                    before = time.perf_counter()
                    await asyncio.sleep(0.005)
                    lag.append((time.perf_counter() - before - 0.005) * 1000)

            await app.session_worker.wait()
            await pilot.pause()
            await asyncio.sleep(0)  # the message that starts the building is handled
            probing = asyncio.create_task(probe())
            if getattr(app, "premount_worker", None) is not None:  # (absent before it was added)
                await app.premount_worker.wait()
            probing.cancel()
            built = (time.perf_counter() - app.ready) * 1000
            for worker in list(app.workers):
                await worker.wait()
            await pilot.pause()
            for _ in range(5):
                await pilot.press("ctrl+n")
                for worker in list(app.workers):
                    await worker.wait()
                await pilot.pause()
    print(built, max(lag, default=0.0), *app.times)

asyncio.run(main())
"""


@dataclass
class StepChanges:
    """ms, one list a step change (1->2 ... 5->6), one value a fresh interpreter."""

    wall: list[list[float]] = field(default_factory=lambda: [[] for _ in range(5)])
    cpu: list[list[float]] = field(default_factory=lambda: [[] for _ in range(5)])
    built: list[float] = field(default_factory=list)  # first frame -> later steps built
    lag: list[float] = field(default_factory=list)  # the UI loop's longest stall meanwhile


def step_changes(runs: int) -> StepChanges:
    """ctrl+n to the next screen's first paint, for each of the 5 step changes, in ``runs``
    fresh interpreters."""
    changes = StepChanges()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as state:
        env["XDG_STATE_HOME"] = state
        for _ in range(runs + 1):  # the first, untimed, warms the disk cache
            out = subprocess.run(
                [sys.executable, "-c", STEP_CHANGES, str(Path(__file__).parent)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            if len(out) != 12:
                raise SystemExit(f"step changes: expected 12 figures, got {out}")
            if _:
                values = [float(v) for v in out]
                changes.built.append(values[0])
                changes.lag.append(values[1])
                for i in range(5):
                    changes.wall[i].append(values[2 + 2 * i])
                    changes.cpu[i].append(values[3 + 2 * i])
    return changes


def report_step_changes(changes: StepChanges, runs: int) -> dict:
    from wizard.tui.state import STEPS

    load = os.getloadavg()[0]
    print(
        f"ctrl+n to the next step's first paint, {runs} fresh interpreters (goal < 100 ms), "
        f"load average {load:.1f} at the end on {os.cpu_count()} cores:"
    )
    for i, (wall, cpu) in enumerate(zip(changes.wall, changes.cpu, strict=True)):
        print(
            f"  step {i + 1} -> {i + 2} ({STEPS[i + 1].title}): median "
            f"{statistics.median(wall):.0f} ms, max {max(wall):.0f} ms "
            f"(UI thread CPU: median {statistics.median(cpu):.0f} ms, max {max(cpu):.0f} ms)"
        )
    every = [t for wall in changes.wall for t in wall]
    print(
        f"  all changes: median {statistics.median(every):.0f} ms, max {max(every):.0f} ms; "
        f"{sum(t < 100 for t in every)} of {len(every)} under 100 ms"
    )
    print(
        f"  the later steps were built {statistics.median(changes.built):.0f} ms (median; max "
        f"{max(changes.built):.0f} ms) after step 1's first frame; meanwhile the UI loop was "
        f"held up at most {statistics.median(changes.lag):.0f} ms at a time (median of the "
        f"runs; max {max(changes.lag):.0f} ms)"
    )
    return {
        "median_ms": [statistics.median(t) for t in changes.wall],
        "max_ms": [max(t) for t in changes.wall],
        "cpu_median_ms": [statistics.median(t) for t in changes.cpu],
        "cpu_max_ms": [max(t) for t in changes.cpu],
        "built_after_first_frame_median_ms": statistics.median(changes.built),
        "building_longest_stall_median_ms": statistics.median(changes.lag),
        "load_average": load,
        "target_ms": 100,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-cli", action="store_true", help="leave out the role-wizard command")
    parser.add_argument("--no-filter", action="store_true", help="leave out filtering")
    parser.add_argument("--no-steps", action="store_true", help="leave out the step changes")
    parser.add_argument(
        "--steps-only", action="store_true", help="only the step changes (ctrl+n to paint)"
    )
    add_json_option(parser)
    args = parser.parse_args()
    whiches = ("bare", "ours") if args.no_cli else ("bare", "ours", "cli")
    figures: dict = {}
    if not args.steps_only:
        figures["first_frame"] = report(first_frames(whiches, args.runs), args.runs)
    if not args.no_steps:
        figures["step_changes"] = report_step_changes(step_changes(args.runs), args.runs)
    if args.steps_only:
        write_json(args.json, figures)
        return 0
    if args.no_filter:
        write_json(args.json, figures)
        return 0
    handler, frame = asyncio.run(filtering("orders 0999"))
    print("filtering 10,000 discovered resources, per keystroke:")
    print(
        f"  filter + rebuild of the list: median {statistics.median(handler):.1f} ms, "
        f"max {max(handler):.1f} ms (goal < 50 ms)"
    )
    print(
        f"  key press to the next idle frame (Pilot): median {statistics.median(frame):.1f} ms, "
        f"max {max(frame):.1f} ms"
    )
    bare = asyncio.run(pilot_round_trip("orders 0999"))
    print(
        f"  the same into a bare Textual Input (Pilot's own share): "
        f"median {statistics.median(bare):.1f} ms, max {max(bare):.1f} ms"
    )
    figures["filter"] = {
        "keystrokes": len(handler),
        "handler_median_ms": statistics.median(handler),
        "handler_max_ms": max(handler),
        "frame_median_ms": statistics.median(frame),
        "bare_input_frame_median_ms": statistics.median(bare),
        "target_ms": 50,
    }
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
