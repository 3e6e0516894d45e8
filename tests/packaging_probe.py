"""Run the commands a user runs first, in this process, and report every file they open.

``python tests/packaging_probe.py WORKDIR`` changes to WORKDIR, records every ``open`` (a
``sys.addaudithook`` hook: Python raises the ``open`` event for every file opened, by any
library), runs ``--version``, ``catalog kinds``, ``init``, ``build`` (JSON and CloudFormation),
``validate``, ``diff`` of two shipped managed policies, ``can``, and the wizard headless to its
first step (Textual's ``run_test``, which reads the stylesheet), then prints JSON: the files opened
(absolute), each command's exit status and output, and where ``wizard`` was imported from.

``tests/test_packaging.py`` runs it against the checkout (editable) and against the built wheel.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import sys
from pathlib import Path

opened: set[str] = set()


def _hook(event: str, args: tuple) -> None:
    if event == "open" and isinstance(args[0], str | os.PathLike):
        opened.add(os.path.abspath(os.fspath(args[0])))


COMMANDS = {
    "version": ["--version"],
    "kinds": ["catalog", "kinds"],
    "init": ["init", "role.yaml"],
    "build-json": [
        "build",
        "role.yaml",
        "--format",
        "json",
        "--account",
        "123456789012",
        "--region",
        "us-east-1",
        "-o",
        "role.json",
    ],
    "build-cfn": ["build", "role.yaml", "--format", "cloudformation"],
    "validate": ["validate", "role.json"],
    "diff": ["diff", "AWSLambdaBasicExecutionRole", "AWSLambdaExecute"],
    "can": ["can", "--policy", "role.json", "dynamodb:GetItem", "*"],
}


def run_command(argv: list[str]) -> dict[str, object]:
    from wizard.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code
    return {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()}


class _Session:
    account = "123456789012"
    region = "us-east-1"


async def first_step() -> str:
    from wizard.tui.app import WizardApp

    app = WizardApp(session_factory=_Session, offer_resume=False, cursor_blink=False)
    async with app.run_test(size=(110, 36)) as pilot:
        await app.session_worker.wait()
        await pilot.pause()
        return str(getattr(app.screen, "STEP", type(app.screen).__name__))


def main() -> None:
    os.chdir(sys.argv[1])
    os.environ["XDG_STATE_HOME"] = str(Path(sys.argv[1]) / "state")
    sys.addaudithook(_hook)
    import wizard

    results = {name: run_command(argv) for name, argv in COMMANDS.items()}
    results["wizard"] = {"status": 0, "stdout": asyncio.run(first_step()), "stderr": ""}
    print(json.dumps({"package": wizard.__file__, "results": results, "opened": sorted(opened)}))


if __name__ == "__main__":
    main()
