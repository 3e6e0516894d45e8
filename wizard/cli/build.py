"""The ``build`` command's parser (its handler is :func:`wizard.cli.core.cmd_build`).

A module of its own so that a run of ``build`` registers its parser alone: ``init``'s and
``catalog``'s (four more parsers, a dozen arguments) cost it ~0.6 ms."""

from __future__ import annotations

import argparse

from wizard.cli.core import cmd_build
from wizard.export import FORMATS as EXPORT_FORMATS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="compose the role from a spec and export it",
        description="Compose the role from a spec and export it. With --check FILE nothing is "
        "written: exit 0 when FILE is what the spec builds, 1 (and a diff) when it drifted, "
        "2 on unusable input.",
    )
    p.add_argument("spec", help="role spec (YAML)")
    p.add_argument("--format", "-f", choices=EXPORT_FORMATS, default="json")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--out", "-o", help="write to FILE (atomically) instead of standard output")
    out.add_argument(
        "--check",
        metavar="FILE",
        help="write nothing; exit 1 with a short diff when FILE is not what the spec builds",
    )
    p.add_argument("--account", help="account id where the spec leaves it open")
    p.add_argument("--region", help="region where the spec leaves it open")
    p.set_defaults(handler=cmd_build, one_pass=True)  # one short pass (see wizard.cli._run)
