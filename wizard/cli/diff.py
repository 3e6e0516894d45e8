"""``role-wizard diff OLD NEW``: does NEW allow anything OLD does not?"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from wizard.errors import UserError

EPILOG = """\
OLD and NEW are each a policy document, a `build` JSON bundle (its inline policies and the
shipped AWS managed policies it attaches; the permissions boundary is not applied), or the
name of a shipped AWS managed policy such as AWSLambdaBasicExecutionRole.

exit status: 0 when NEW adds no access, 1 when it adds some, 2 on bad input.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="list the access NEW policies grant beyond OLD ones (and what they remove)",
        description="Compare two sets of identity policies action by action over the IAM "
        "reference, like Access Analyzer's check-no-new-access.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("old", metavar="OLD", help="file or AWS managed policy name")
    p.add_argument("new", metavar="NEW", help="file or AWS managed policy name")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_diff)


def load_side(source: str) -> tuple[list, list[str]]:
    """The identity policies OLD or NEW names, and notes for stderr."""
    from wizard.cli.evaluate import _load
    from wizard.policy.managed import managed_policy, managed_policy_names

    if source == "-" or Path(source).exists() or any(c in source for c in "/\\."):
        found = _load(source)
        notes = list(found.notes)
        if found.boundaries:
            notes.append(f"{source}: the permissions boundary is not part of the comparison")
        return list(found.identity), notes
    if source.lower() in {n.lower() for n in managed_policy_names()}:
        return [managed_policy(source)], []
    raise UserError(
        f"{source!r} is neither a file nor a shipped AWS managed policy "
        f"({', '.join(managed_policy_names())})"
    )


def cmd_diff(args: argparse.Namespace) -> int:
    from wizard.policy.diff import diff_policies

    old, old_notes = load_side(args.old)
    new, new_notes = load_side(args.new)
    for note in old_notes + new_notes:
        print(f"note: {note}", file=sys.stderr)
    result = diff_policies(old, new)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
    else:
        sys.stdout.write(result.to_text(old=args.old, new=args.new))
    return 1 if result.adds_access else 0
