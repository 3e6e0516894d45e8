"""TUI speed: time to the first interactive frame (ours vs a bare Textual app of a Header, a
ListView and a Footer; goal at most 1.3x), filtering 10,000 discovered resources (goal under
50 ms a keystroke) and changing steps, key to the new step's first frame in a terminal (a pty;
goal under 100 ms; see STEP_CHILD below and bench/README.md).

    .venv/bin/python bench/bench_tui.py [--runs 15] [--no-cli] [--no-filter] [--no-steps]
        [--steps-only] [--profile DIR] [--json FILE]

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
import contextlib
import fcntl
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
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

    def in_region(self, region: str) -> Session:  # the wizard lists from the spec's region
        session = Session()
        session.region = region
        return session


async def filtering(query: str) -> tuple[list[float], list[float]]:
    """(handler ms per keystroke, ms from key press to the next idle frame)."""
    from textual.worker import WorkerCancelled

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
            found = app.screen.query_one("#found")
            # the listing: a newer one (the session's region, filled in) may replace the first
            for _ in range(100):
                if len(found.items) == 10_000:
                    break
                if app.screen.worker is not None:
                    with contextlib.suppress(WorkerCancelled):
                        await app.screen.worker.wait()
                await pilot.pause()
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


# Step changes, as a user sees them: a fresh ``WizardApp`` runs in a pseudo-terminal (a pty of
# 110x36, TERM=xterm-256color) as ``role-wizard`` runs in a terminal window, and this process is
# the terminal: it answers the app's query for synchronized output (DEC mode 2026, which modern
# terminals support), so each frame the app writes comes between ``ESC [ ? 2026 h`` and
# ``ESC [ ? 2026 l``. The timed span runs from writing the key (ctrl+n, ctrl+b) to the pty until
# reading the end of the first frame that paints the new step: what a terminal shows at once.
#
# The child only labels the stream, never times anything: before the first frame of a screen
# it has not drawn since the last one it writes ``ESC ] bench;screen=NAME BEL`` into the same
# stream (in order with the frames: Textual's writer thread writes both), and once settled (no
# worker running, a refresh done) ``ESC ] bench;idle=... BEL``, so the next key is sent as a
# person reading the screen would, after the step has finished loading. CPU time: the app's UI
# thread (its main thread; /proc/PID/task/PID/schedstat, nanoseconds), read by this process at
# the key and at the frame's end.
STEP_CHILD = r"""
import asyncio, cProfile, os, sys, tempfile, time
from pathlib import Path
from types import SimpleNamespace
sys.path.insert(0, sys.argv[1])
from bench_tui import Session, TenThousand
from wizard.drafts import DraftStore
from wizard.spec import ResourceEntry, RoleSpec
from wizard.tui.app import WizardApp
from wizard.tui.screens.base import StepScreen

folder = os.environ.get("BENCH_PROFILE")
PROFILE = SimpleNamespace(folder=folder, count=0, profiler=None) if folder else None


class Labelled(WizardApp):
    shown = None
    ready_at = None
    lag = [0.0]

    def label(self, text):
        self._driver.write(f"\x1b]bench;{text}\x07")

    def _display(self, screen, renderable):
        if renderable is not None and screen is not self.shown and self._driver is not None:
            self.shown = screen
            self.label(f"screen={type(screen).__name__}")
            super()._display(screen, renderable)
            if PROFILE is not None and PROFILE.profiler is not None:
                PROFILE.profiler.disable()
                PROFILE.profiler.dump_stats(f"{PROFILE.folder}/{PROFILE.count:02}-{screen.STEP}")
                PROFILE.count += 1
                PROFILE.profiler = None
            return
        super()._display(screen, renderable)

    def goto_step(self, index):  # with --profile: the UI thread from the key's action on
        if PROFILE is not None and isinstance(self.screen, StepScreen):
            PROFILE.profiler = cProfile.Profile()
            PROFILE.profiler.enable()
        super().goto_step(index)
        self.call_after_refresh(self.say_when_idle, f"idle=step {index}")

    def on_ready(self):
        self.ready_at = time.perf_counter()
        asyncio.get_running_loop().create_task(self.probe())

    async def probe(self):  # how late the UI loop wakes while the steps are built
        while self.ready_at is not None:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            self.lag.append((time.perf_counter() - before - 0.005) * 1000)

    async def _premount_steps(self):
        await super()._premount_steps()
        built = (time.perf_counter() - self.ready_at) * 1000
        self.ready_at = None
        self.call_after_refresh(self.say_when_idle, f"idle=built {built:.1f} {max(self.lag):.1f}")

    def say_when_idle(self, text):
        async def settle():
            while True:
                busy = [
                    w for w in self.workers
                    if not w.is_finished and w is not self.premount_worker
                ]
                if not busy:
                    break
                for worker in busy:
                    await worker.wait()
                await asyncio.sleep(0)
            self.call_after_refresh(self.label, text)

        asyncio.get_running_loop().create_task(settle())


spec = RoleSpec(function="orders-api", account="123456789012", region="us-east-1",
                resources=[ResourceEntry(kind="dynamodb-table", name="Orders")])
with tempfile.TemporaryDirectory() as tmp:
    Labelled(spec=spec, session_factory=Session, discoverer_factory=lambda s: TenThousand(),
             drafts=DraftStore(Path(tmp)), offer_resume=False).run()
"""
SYNC_START, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"
SYNC_QUERY, SYNC_REPLY = b"\x1b[?2026$p", b"\x1b[?2026;2$y"  # "supported, off"
LABEL = re.compile(rb"\x1b\]bench;([^\x07]*)\x07")
# (key, step before, step after): 1->2 ... 5->6 with ctrl+n, then back to 1 with ctrl+b
WALK = [("ctrl+n", i, i + 1) for i in range(5)] + [("ctrl+b", i, i - 1) for i in range(5, 0, -1)]
KEYS = {"ctrl+n": b"\x0e", "ctrl+b": b"\x02"}


class Terminal:
    """The terminal end of a pty running a Textual app: reads what the app writes, answers
    its query for synchronized output, and splits the stream into labels and frame ends."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = b""

    def events(self, timeout: float = 30.0):
        """Yield ("label", text) and ("frame", None) in stream order, with the time each was
        read (perf_counter), until the caller stops."""
        while True:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                raise SystemExit(f"step changes: the app wrote nothing for {timeout:.0f} s")
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:  # the app closed the pty
                return
            now = time.perf_counter()
            if SYNC_QUERY in data:
                os.write(self.fd, SYNC_REPLY)
            yield from ((kind, text, now) for kind, text in self.feed(data))

    def feed(self, data: bytes) -> list[tuple[str, str | None]]:
        """The labels and frame ends in ``data`` (and what came before it, unfinished)."""
        self.pending += data
        found = []
        while True:
            label = LABEL.search(self.pending)
            end = self.pending.find(SYNC_END)
            if label is None and end < 0:
                break
            if label is not None and (end < 0 or label.start() < end):
                found.append(("label", label.group(1).decode()))
                self.pending = self.pending[label.end() :]
            else:
                found.append(("frame", None))
                self.pending = self.pending[end + len(SYNC_END) :]
        # keep a possibly cut-off label or frame end for the next read
        cut = max(self.pending.rfind(b"\x1b"), 0)
        self.pending = self.pending[cut:]
        return found


def ui_thread_cpu(pid: int) -> float:
    """Seconds of CPU the process's main thread has used (schedstat: nanoseconds)."""
    with open(f"/proc/{pid}/task/{pid}/schedstat", encoding="ascii") as f:
        return int(f.read().split()[0]) / 1e9


def one_walk(size: tuple[int, int] = (110, 36)) -> tuple[float, float, list[tuple[float, float]]]:
    """Run the wizard in a pty, wait until steps 2-6 are built, walk 1->6 and back to 1; return
    (ms from the first frame until the steps were built, the UI loop's longest stall meanwhile,
    [(wall ms, UI-thread CPU ms) per change in WALK's order])."""
    master, slave = os.openpty()
    columns, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLORTERM": ""}
    with tempfile.TemporaryDirectory() as state:
        env["XDG_STATE_HOME"] = state
        child = subprocess.Popen(
            [sys.executable, "-c", STEP_CHILD, str(Path(__file__).parent)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        try:
            return walk(Terminal(master), child.pid)
        finally:
            with contextlib.suppress(OSError):
                os.write(master, b"\x11")  # ctrl+q
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            os.close(master)


def walk(term: Terminal, pid: int) -> tuple[float, float, list[tuple[float, float]]]:
    events = term.events()
    built = lag = 0.0
    for kind, text, _ in events:
        if kind == "label" and text.startswith("idle=built "):
            built, lag = (float(v) for v in text.split()[1:])
            break
    else:
        raise SystemExit("step changes: the app closed before its steps were built")
    from wizard.tui.state import STEPS

    changes = []
    for key, _, after in WALK:
        cpu = ui_thread_cpu(pid)
        start = time.perf_counter()
        os.write(term.fd, KEYS[key])
        screen = None
        for kind, text, at in events:
            if kind == "label" and text.startswith("screen="):
                screen = text.removeprefix("screen=")
            elif kind == "frame" and screen == STEPS[after].cls:
                changes.append(((at - start) * 1000, (ui_thread_cpu(pid) - cpu) * 1000))
                break
        for kind, text, _ in events:
            if kind == "label" and text == f"idle=step {after}":
                break
    return built, lag, changes


@dataclass
class StepChanges:
    """ms, one list a step change (WALK's order), one value a fresh process."""

    wall: list[list[float]] = field(default_factory=lambda: [[] for _ in WALK])
    cpu: list[list[float]] = field(default_factory=lambda: [[] for _ in WALK])
    built: list[float] = field(default_factory=list)  # first frame -> later steps built
    lag: list[float] = field(default_factory=list)  # the UI loop's longest stall meanwhile


def step_changes(runs: int) -> StepChanges:
    """Each step change of WALK, key to the new step's first frame in a pty, ``runs`` fresh
    processes (after one untimed, which warms the disk cache)."""
    compile_package()
    changes = StepChanges()
    for run in range(runs + 1):
        built, lag, times = one_walk()
        if not run:
            continue
        changes.built.append(built)
        changes.lag.append(lag)
        for i, (wall, cpu) in enumerate(times):
            changes.wall[i].append(wall)
            changes.cpu[i].append(cpu)
    return changes


def report_step_changes(changes: StepChanges, runs: int) -> dict:
    from wizard.tui.state import STEPS

    load = os.getloadavg()[0]
    print(
        f"key to the new step's first frame in a terminal (a pty, 110x36), {runs} fresh "
        f"processes (goal < 100 ms), load average {load:.1f} at the end on {os.cpu_count()} "
        "cores:"
    )
    names = []
    for (key, before, after), wall, cpu in zip(WALK, changes.wall, changes.cpu, strict=True):
        name = f"{key} {before + 1} -> {after + 1}"
        names.append(f"{before + 1}->{after + 1}")
        print(
            f"  {name} ({STEPS[after].title + ')':20} median {statistics.median(wall):4.0f} ms, "
            f"max {max(wall):4.0f} ms (UI thread CPU: median {statistics.median(cpu):3.0f} ms, "
            f"max {max(cpu):3.0f} ms)"
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
        "runs": runs,
        "changes": names,
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
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="profile (cProfile) the UI thread of one walk's step changes, from the key's action "
        "to the new step's first frame, into DIR/NN-STEP (pstats files); no figures",
    )
    add_json_option(parser)
    args = parser.parse_args()
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        os.environ["BENCH_PROFILE"] = str(Path(args.profile).resolve())
        one_walk()
        print(f"profiles of each step change in {args.profile} (python -m pstats FILE)")
        return 0
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
