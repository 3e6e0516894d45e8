"""docs/workshop.md runs as written: every command of its fenced ``sh`` blocks, in order, in a
fresh folder with its own ``XDG_STATE_HOME`` (the ``demo_state`` fixture; the ``--demo``
commands share that one sandbox, stopped afterwards), with the exit status and the output the
guide promises.

A command's trailing comment says what to expect: ``# exits N`` (default 0), ``# prints
"TEXT"`` (TEXT in its standard output or error), ``# setup: ...`` (an install command: the
README's own, checked to be there and to have given a working ``role-wizard``, not rerun) and
``# interactive: ...`` (the wizard: started in a pseudo-terminal, shown to reach its first
screen, and quit with ctrl+q). Any other comment, or a fence of another language, fails the
test, so nothing in the guide escapes it.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "workshop.md"
README = ROOT / "README.md"
BIN = Path(sys.executable).parent  # the environment's role-wizard console script lives here

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
HEREDOC = re.compile(r"<<\s*'?(\w+)'?")
COMMENT = re.compile(r"\s+#\s*(?P<note>.*)$")
NOTE = re.compile(r'^(?:exits (?P<exits>\d+))?(?:,\s*)?(?:prints "(?P<prints>[^"]+)")?$')
KINDS = ("setup", "interactive")
COMMAND_TIMEOUT = 120  # seconds; a hung command fails the test instead of hanging it
WIZARD_TIMEOUT = 90  # seconds for the wizard's first screen on a busy 2-core machine


@dataclass(frozen=True)
class Command:
    text: str
    exits: int = 0
    prints: str | None = None
    kind: str = "run"  # run, setup or interactive


def parse_note(note: str) -> dict[str, object]:
    for kind in KINDS:
        if note.startswith(kind + ":") or note == kind:
            return {"kind": kind}
    match = NOTE.match(note)
    if not match or not note:
        raise AssertionError(f"docs/workshop.md: unknown command note {note!r}")
    found: dict[str, object] = {}
    if match["exits"]:
        found["exits"] = int(match["exits"])
    if match["prints"]:
        found["prints"] = match["prints"]
    return found


def parse_block(body: str) -> list[Command]:
    commands: list[Command] = []
    lines = iter(body.splitlines())
    for line in lines:
        if not line.strip():
            continue
        text, note = line, ""
        if comment := COMMENT.search(line):
            text, note = line[: comment.start()], comment["note"]
        if heredoc := HEREDOC.search(text):
            body_lines = []
            for follow in lines:  # a here-document: its lines up to the terminator
                body_lines.append(follow)
                if follow == heredoc[1]:
                    break
            else:
                raise AssertionError(f"docs/workshop.md: unterminated here-document in {line!r}")
            text = "\n".join([text, *body_lines])
        commands.append(Command(text=text.strip(), **(parse_note(note) if note else {})))
    return commands


def guide_commands(markdown: str) -> list[Command]:
    commands = []
    for language, body in FENCE.findall(markdown):
        assert language == "sh", f"docs/workshop.md: a ```{language} block the test would skip"
        commands.extend(parse_block(body))
    return commands


def sandbox_env(home: Path) -> dict[str, str]:
    """The test's environment without the machine's AWS settings (mistake 1 of the guide must
    find no credentials), its own HOME, and this environment's role-wizard first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(
        HOME=str(home), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", TERM="xterm-256color"
    )
    return env


def run_interactive(command: Command, cwd: Path, env: dict[str, str]) -> None:
    """Start the wizard in an 80x24 pseudo-terminal, wait for its first step, quit (ctrl+q)."""
    import fcntl
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        ["bash", "-c", command.text],
        cwd=cwd,
        env=env,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        start_new_session=True,
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + WIZARD_TIMEOUT
    try:
        while b"Function name" not in seen:
            left = deadline - time.monotonic()
            assert left > 0, f"{command.text!r}: no first screen; it showed {seen[-2000:]!r}"
            ready, _, _ = select.select([primary], [], [], left)
            if ready:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # the terminal closed: the wizard ended
                    chunk = b""
                assert chunk, f"{command.text!r} ended early: {seen[-2000:]!r}"
                seen += chunk
        os.write(primary, b"\x11")  # ctrl+q
        while True:  # drain the terminal until the wizard closes it
            ready, _, _ = select.select([primary], [], [], COMMAND_TIMEOUT)
            assert ready, f"{command.text!r} did not quit on ctrl+q"
            try:
                if not os.read(primary, 65536):
                    break
            except OSError:
                break
        assert process.wait(timeout=COMMAND_TIMEOUT) == command.exits
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(primary)


def test_the_guide_has_the_whole_flow() -> None:
    commands = guide_commands(GUIDE.read_text(encoding="utf-8"))
    texts = [c.text for c in commands]
    for needed in (
        "pip install .",
        "role-wizard --demo",
        "role-wizard --demo apply orders-api.role.yaml --yes",
        "role-wizard --demo audit",
        "role-wizard --demo audit legacy-orders-role --write-spec legacy.yaml",
        "role-wizard demo stop",
    ):
        assert needed in texts
    assert any(t.startswith("role-wizard can ") for t in texts)
    assert any(t.startswith("role-wizard diff ") for t in texts)
    assert any("--format cloudformation" in t for t in texts)
    assert texts[-1] == "role-wizard demo stop", "the guide ends by stopping the sandbox"
    assert sum(c.exits != 0 for c in commands) >= 3, "the three mistakes fail as shown"


def test_the_parser_refuses_what_it_would_skip() -> None:
    with pytest.raises(AssertionError, match="would skip"):
        guide_commands("```bash\nrole-wizard --demo\n```\n")
    with pytest.raises(AssertionError, match="unknown command note"):
        guide_commands("```sh\nrole-wizard plan x.yaml   # expect failure\n```\n")
    with pytest.raises(AssertionError, match="unterminated"):
        guide_commands("```sh\ncat > x <<'EOF'\nfunction: f\n```\n")
    assert guide_commands(
        '```sh\nrole-wizard can a b -p c   # exits 1, prints "Denied"\n```\n'
    ) == [Command("role-wizard can a b -p c", exits=1, prints="Denied")]


def test_the_setup_commands_are_the_readmes_and_gave_a_working_command() -> None:
    """The install lines are not rerun (tests/test_packaging.py installs the package); they
    must be the README's own, and the installed command must run."""
    readme = README.read_text(encoding="utf-8")
    setup = [c for c in guide_commands(GUIDE.read_text(encoding="utf-8")) if c.kind == "setup"]
    assert setup, "the guide's set-up names the install command"
    for command in setup:
        assert command.text in readme, f"{command.text!r} is not the README's"
    assert shutil.which("role-wizard", path=str(BIN)), "role-wizard is not installed here"
    version = subprocess.run(
        [str(BIN / "role-wizard"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0, version.stderr


def test_every_command_of_the_guide_runs_in_order(tmp_path: Path, demo_state: Path) -> None:
    work, home = tmp_path / "workshop", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    env = sandbox_env(home)
    assert env["XDG_STATE_HOME"] == str(demo_state)
    commands = guide_commands(GUIDE.read_text(encoding="utf-8"))
    ran = 0
    for command in commands:
        if command.kind == "setup":
            continue  # checked by the test above, not rerun
        if command.kind == "interactive":
            run_interactive(command, work, env)
            ran += 1
            continue
        result = subprocess.run(
            ["bash", "-c", command.text],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        output = result.stdout + result.stderr
        assert result.returncode == command.exits, (
            f"{command.text!r} exited {result.returncode}, the guide says {command.exits}:\n"
            f"{output[-3000:]}"
        )
        if command.prints:
            assert command.prints in output, (
                f"{command.text!r} did not print {command.prints!r}:\n{output[-3000:]}"
            )
        ran += 1
    assert ran == sum(c.kind != "setup" for c in commands)
    assert (work / "orders-api-role.cfn.yaml").is_file()
    assert not (demo_state / "lambda-role-wizard" / "demo" / "server.json").exists(), (
        "the guide's last command stops the sandbox"
    )
