"""The demo sandbox's own commands: demo status, demo reset, demo stop."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

EPILOG = """\
Every --demo command and the wizard share one sandbox: a local moto server (127.0.0.1 only)
found through server.json in the state directory below. What one command applies, the next
sees. It stops itself after ROLE_WIZARD_DEMO_IDLE seconds (default 7200) without a request
while no demo command runs; its state is then gone.

exit status: 0 done (also when no sandbox was running); 1 the sandbox failed to start or
to answer; 2 bad input.
"""
RAW = argparse.RawDescriptionHelpFormatter


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="the --demo sandbox: status, reset, stop", epilog=EPILOG, formatter_class=RAW
    )
    dsub = p.add_subparsers(dest="demo_command", metavar="WHAT", required=True)
    s = dsub.add_parser(
        "status",
        help="where the sandbox's state lives and what it holds",
        epilog=EPILOG,
        formatter_class=RAW,
    )
    s.add_argument("--format", "-f", choices=("text", "json"), default="text")
    s.set_defaults(handler=cmd_status)
    r = dsub.add_parser(
        "reset",
        help="empty the sandbox: what demo commands applied is gone, the seed data comes back",
        epilog=EPILOG,
        formatter_class=RAW,
    )
    r.set_defaults(handler=cmd_reset)
    t = dsub.add_parser(
        "stop",
        help="stop the sandbox's server (its state is gone)",
        epilog=EPILOG,
        formatter_class=RAW,
    )
    t.set_defaults(handler=cmd_stop)


def _seeded(running: dict[str, Any]) -> list[str]:
    return [
        group if region == "global" else f"{group} ({region})"
        for group, region in running.get("seeded", [])
    ]


def cmd_status(args: argparse.Namespace) -> int:
    from wizard.aws.audit import lambda_roles
    from wizard.aws.demo import demo_session, sandbox_status

    status = sandbox_status()
    running = status.running
    roles = []
    if running and ["iam", "global"] in running.get("seeded", []):
        # IAM in use: list its roles (before, only the seed roles exist; listing would seed).
        roles = lambda_roles(demo_session())
    if args.format == "json":
        out = {"state_dir": str(status.state_dir), "running": running is not None}
        if running:
            out |= {k: running[k] for k in ("pid", "endpoint", "started", "idle_seconds")}
            out["seeded"] = running["seeded"]
            out["lambda_roles"] = [
                {"name": r.name, "made_by_role_wizard": r.managed} for r in roles
            ]
        print(json.dumps(out, indent=2))
        return 0
    print(f"State: {status.state_dir}")
    if running is None:
        print("Not running: the next --demo command starts a fresh, seeded sandbox.")
        return 0
    started = dt.datetime.fromtimestamp(running["started"]).isoformat(timespec="seconds")
    print(
        f"Running: {running['endpoint']} (pid {running['pid']}), since {started}, "
        f"last request {running['idle_seconds']:.0f} s ago"
    )
    print(f"Seeded services: {', '.join(_seeded(running)) or 'none yet (seeded on first use)'}")
    if roles:
        print("Roles Lambda can assume:")
        for role in roles:
            print(f"  {role.name}{'  (made by role-wizard)' if role.managed else ''}")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    from wizard.aws.demo import reset_sandbox

    if reset_sandbox():
        print("The demo sandbox is empty again; its seed data comes back as it is used.")
    else:
        print("No demo sandbox was running: the next --demo command starts a fresh one.")
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    from wizard.aws.demo import stop_sandbox

    if stop_sandbox():
        print("Stopped the demo sandbox; what it held is gone.")
    else:
        print("No demo sandbox was running.")
    return 0
