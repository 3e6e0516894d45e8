"""Benchmark: ``role-wizard validate FILE`` on policies as large as the limits allow.

Issue #10 asks that no input within the limits (a policy file is at most 1 MiB,
``wizard/limits.py``) makes a command run past 5 s. The policies are the OLD sides of
``bench/bench_diff.py``'s pairs, in its four shapes (``resources``, ``actions``, ``wildcards``,
``one-statement``; its docstring says what each holds), at 40 KB, 200 KB and 1 MiB.

Then ``validate FILE --boundary FILE`` on pairs (:func:`boundary_pair`) of each of ``bench_diff.py``'s shapes (OLD against NEW) and of
hostile boundaries against one identity policy of wildcard actions on many resources:
``not-resource`` (Deny and Allow NotResource statements), ``star-question`` (distinct ``*?``
action and resource patterns sharing literal leads), ``conditions`` (Conditions and policy
variables), ``distinct-actions`` (a different Action pattern per statement, many with a
wildcard service), ``common-pieces`` (distinct Action and Resource patterns made only of
common short pieces, ``*:*e*?``, ``s3:*t*a*``, ``arn:aws:s3:::*e*t?``: no rare piece to index by).

Each ``validate`` runs as a whole process (start-up, reading, every check and the report),
best of ``--repeat`` runs; wall time and the child's CPU time (user + system) are printed (on a
loaded machine the CPU time is the figure to read). No test asserts a timing. ``--write DIR``
keeps the generated policies there (to profile one:
``python -m cProfile -s cumtime -m wizard validate DIR/wildcards-1M.json``).

    .venv/bin/python bench/bench_limits.py [--sizes 40K,200K,1M] [--shapes wildcards,...]
        [--boundary-shapes not-resource,...] [--repeat 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_diff import ACCOUNT, SHAPES, SIZES, _fill, run, worst_case_pair

# --------------------------------------------------------------------------- --boundary pairs

# Identity policies for the pairs: wildcard actions over many services, on many resources, some
# of them wildcard patterns (so each is checked against the boundary as a pattern).
_ID_ACTIONS = ("s3:Get*", "s3:*Object", "ec2:*", "dynamodb:?*", "kms:*Key*", "lambda:Get*")


def _identity(i: int) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": [_ID_ACTIONS[i % len(_ID_ACTIONS)], "sqs:SendMessage"],
        "Resource": [
            f"arn:aws:s3:::bucket-{i:06d}/*",
            f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t-{i:06d}",
            f"arn:aws:s3:::bucket-{i % 101}*x?",
        ],
    }


def _not_resource(i: int) -> dict[str, Any]:
    """Deny and Allow NotResource statements, each excluding resources of its own."""
    return {
        "Effect": "Deny" if i % 2 else "Allow",
        "Action": _ID_ACTIONS[i % len(_ID_ACTIONS)],
        "NotResource": [f"arn:aws:s3:::bucket-{i:06d}/*", f"arn:aws:s3:::bucket-{i % 97}*"],
    }


def _star_question(i: int) -> dict[str, Any]:
    """Wildcard actions and ``*?`` resource patterns, each distinct, sharing literal leads."""
    return {
        "Effect": "Deny" if i % 5 == 0 else "Allow",
        "Action": [f"*:*{'Get' if i % 2 else 'Put'}*?", f"s3:*{i % 50}*"],
        "Resource": [f"arn:aws:s3:::bucket-*?{i}*?", f"arn:aws:*:*:{ACCOUNT}:*?{i}*"],
    }


def _conditions(i: int) -> dict[str, Any]:
    """Conditions (dropped or left out by the boundary check) and policy variables."""
    st: dict[str, Any] = {
        "Effect": "Deny" if i % 3 == 0 else "Allow",
        "Action": _ID_ACTIONS[i % len(_ID_ACTIONS)],
        "Resource": f"arn:aws:s3:::bucket-{i:06d}/${{aws:username}}/*",
        "Condition": {"StringLike": {"aws:PrincipalTag/team": f"t{i % 13}*"}},
    }
    if i % 4 == 1:
        del st["Condition"]  # a variable alone: the evaluator cannot decide it statically
    return st


def _distinct_actions(i: int) -> dict[str, Any]:
    """Every statement a different Action pattern, many with a wildcard service."""
    return {
        "Effect": "Allow",
        "Action": [f"*:*{i:x}", f"*:Get{i % 700:x}*", f"ec2:*{i:x}*"],
        "Resource": "*",
    }


# Short pieces found in most action names and ARNs, so no piece of a pattern made of them is rare.
_COMMON = ("e", "t", "a", "o", "r", "s", "i", "n", "c", "l", "et", "at", "re", "te")


def _common_pieces(i: int) -> dict[str, Any]:
    """Distinct Action and Resource patterns made only of common short pieces (``*:*e*?``,
    ``s3:*t*a*``, ``*:?e*a*``; Resources wild right after the service's common lead,
    ``arn:aws:s3:::*e*t?``): none has a rare piece to be indexed by, and each matches most of
    the actions and ARNs it meets."""
    pieces = []
    n = i
    while True:
        pieces.append(_COMMON[n % len(_COMMON)])
        n //= len(_COMMON)
        if not n:
            break
    glob = "*".join(pieces)
    service = ("*", "s3", "*", "ec2", "*", "dynamodb")[i % 6]
    return {
        "Effect": "Deny" if i % 9 == 4 else "Allow",
        "Action": [f"{service}:*{glob}*" + "?" * (i % 2), f"*:?{glob}*"],
        "Resource": [
            f"arn:aws:s3:::*{glob}*" + "?" * (i % 3 == 0),
            f"arn:aws:dynamodb:*:{ACCOUNT}:table/*{glob}?*",
        ],
    }


BOUNDARY_MAKERS: dict[str, Any] = {
    "not-resource": _not_resource,
    "star-question": _star_question,
    "conditions": _conditions,
    "distinct-actions": _distinct_actions,
    "common-pieces": _common_pieces,
}
BOUNDARY_SHAPES = (*BOUNDARY_MAKERS, *SHAPES)


def boundary_pair(shape: str, size: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(identity policy, boundary) of ``shape``, each just under ``size`` bytes as compact JSON:
    for one of :data:`BOUNDARY_MAKERS`, the identity of :func:`_identity` statements against a
    boundary of that maker's; for one of ``bench_diff.py``'s shapes, its OLD and NEW policies."""
    if shape in BOUNDARY_MAKERS:
        return _fill(_identity, size, 0), _fill(BOUNDARY_MAKERS[shape], size, 0)
    return worst_case_pair(shape, size)


def write_policies(
    shapes: list[str], sizes: list[str], folder: Path
) -> list[tuple[str, str, Path]]:
    """(shape, size label, file) for each policy, written as compact JSON into ``folder``."""
    out = []
    for shape in shapes:
        for label in sizes:
            document, _ = worst_case_pair(shape, SIZES[label])
            path = folder / f"{shape}-{label}.json"
            path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
            out.append((shape, label, path))
    return out


def write_pairs(
    shapes: list[str], sizes: list[str], folder: Path
) -> list[tuple[str, str, Path, Path]]:
    """(shape, size label, identity file, boundary file) for each :func:`boundary_pair`."""
    out = []
    for shape in shapes:
        for label in sizes:
            paths = []
            for side, document in zip(
                ("policy", "boundary"), boundary_pair(shape, SIZES[label]), strict=True
            ):
                path = folder / f"{shape}-{label}-{side}.json"
                path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
                paths.append(path)
            out.append((shape, label, paths[0], paths[1]))
    return out


def measure(commands: list[tuple[str, str, str, list[str]]], repeat: int) -> list[dict[str, Any]]:
    """Each (kind, shape, size label, command) run ``repeat`` times: its best wall and CPU
    time, printed as a row."""
    print(f"{'kind':<9} {'shape':<17} {'size':>5} {'wall s':>7} {'cpu s':>6}")
    rows = []
    for kind, shape, label, cmd in commands:
        wall, cpu = min(run(cmd)[:2] for _ in range(repeat))
        print(f"{kind:<9} {shape:<17} {label:>5} {wall:>7.2f} {cpu:>6.2f}", flush=True)
        rows.append({"kind": kind, "shape": shape, "size": label, "wall": wall, "cpu": cpu})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="of 40K, 200K, 1M")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="of " + ", ".join(SHAPES))
    parser.add_argument(
        "--boundary-shapes",
        default=",".join(BOUNDARY_SHAPES),
        help="pairs for validate --boundary, of " + ", ".join(BOUNDARY_SHAPES) + " ('' for none)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per policy; the best counts")
    parser.add_argument("--write", metavar="DIR", help="keep the policies in DIR")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    validate = [sys.executable, "-m", "wizard", "validate"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.write or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        commands = [
            ("file", shape, label, [*validate, str(path), "--format", "json"])
            for shape, label, path in write_policies(
                [s for s in args.shapes.split(",") if s], sizes, folder
            )
        ]
        commands += [
            (
                "boundary",
                shape,
                label,
                [*validate, str(p), "--boundary", str(b), "--format", "json"],
            )
            for shape, label, p, b in write_pairs(
                [s for s in args.boundary_shapes.split(",") if s], sizes, folder
            )
        ]
        rows = measure(commands, args.repeat)
    load = os.getloadavg()[0]
    slowest = max(rows, key=lambda r: r["cpu"])
    print(
        f"slowest: {slowest['kind']} {slowest['shape']} {slowest['size']}: {slowest['cpu']:.2f} s "
        f"CPU, {slowest['wall']:.2f} s wall (load average {load:.1f} on {os.cpu_count()} cores)"
    )
    if args.json:
        figures = {"repeat": args.repeat, "rows": rows, "load_average": load, "target": 5.0}
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
