"""Benchmark: ``role-wizard diff OLD NEW`` on large policy pairs (40 KB, 200 KB and 1 MiB).

Issue #10 asks that no input within the limits (a policy file is at most 1 MiB,
``wizard/limits.py``) makes a command run past 5 s. Each pair here is generated to just under
the size asked for, in one of these shapes (NEW is OLD with a tenth of its statements changed,
so most of NEW is covered by OLD and must be proved so, region by region):

- ``resources``: one statement per resource, the same two S3 actions in each;
- ``actions``: one statement per action of the IAM reference (many services), each on its own
  resource;
- ``wildcards``: wildcard actions (``s3:Get*``, ``*:Describe*``, ``ec2:*``) and wildcard
  resources, with Conditions, Denies and NotResource statements mixed in;
- ``one-statement``: a single statement holding every resource.

Each command runs as a whole process (start-up, reading and the comparison all count), best of
``--repeat`` runs; wall time and the child's CPU time (user + system) are printed. No timing
is asserted by any test; ``tests/test_diff.py`` runs the 1 MiB pairs in-process for answers.

    .venv/bin/python bench/bench_diff.py [--sizes 40K,200K,1M] [--shapes resources,...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
ACCOUNT = "123456789012"
MIB = 1 << 20
SIZES = {"40K": 40_000, "200K": 200_000, "1M": MIB - 4096}


def _resources(i: int) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": f"arn:aws:s3:::bucket-{i:06d}/*",
    }


def _reference_actions() -> list[str]:
    from wizard.catalog.reference import reference

    ref = reference()
    out: list[str] = []
    for key in sorted(ref.service_names):
        svc = ref.service(key)
        if svc is not None:
            out.extend(sorted(a.full_name for a in svc.actions.values()))
    return out


def _actions(actions: list[str]) -> Callable[[int], dict[str, Any]]:
    def make(i: int) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Action": actions[i % len(actions)],
            "Resource": f"arn:aws:s3:::bucket-{i:06d}/*",
        }

    return make


_WILD_ACTIONS = ("s3:Get*", "s3:*Object", "*:Describe*", "ec2:*", "dynamodb:?*", "kms:*Key*")


def _wildcards(i: int) -> dict[str, Any]:
    kind = i % 7
    action = _WILD_ACTIONS[i % len(_WILD_ACTIONS)]
    if kind == 0:
        return {
            "Effect": "Deny",
            "Action": action,
            "Resource": f"arn:aws:s3:::bucket-{i:06d}/secret/*",
        }
    if kind == 1:
        return {
            "Effect": "Allow",
            "Action": action,
            "Resource": f"arn:aws:s3:::bucket-{i:06d}/*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": f"t{i % 13}"}},
        }
    if kind == 2:
        return {
            "Effect": "Allow",
            "Action": action,
            "NotResource": f"arn:aws:s3:::bucket-{i:06d}/private/*",
        }
    if kind == 3:
        return {
            "Effect": "Allow",
            "Action": action,
            "Resource": f"arn:aws:dynamodb:*:{ACCOUNT}:table/t-{i:06d}*x?",
        }
    return {
        "Effect": "Allow",
        "Action": [action, "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::bucket-{i:06d}/a*b*c", f"arn:aws:s3:::bucket-{i % 97}*/*"],
    }


def _fill(make: Callable[[int], dict[str, Any]], size: int, change: int) -> dict[str, Any]:
    """A document of statements ``make(0)``, ``make(1)`` ... just under ``size`` bytes; with
    ``change``, every tenth statement is ``make(i + change)`` instead."""
    statements: list[dict[str, Any]] = []
    used = 40
    i = 0
    while True:
        st = make(i + change if change and i % 10 == 0 else i)
        n = len(json.dumps(st, separators=(",", ":"))) + 1
        if used + n > size:
            break
        statements.append(st)
        used += n
        i += 1
    return {"Version": "2012-10-17", "Statement": statements}


def _one_statement(size: int, change: int) -> dict[str, Any]:
    resources: list[str] = []
    used = 120
    i = 0
    while True:
        r = f"arn:aws:s3:::bucket-{i + change if change and i % 10 == 0 else i:06d}/*"
        if used + len(r) + 3 > size:
            break
        resources.append(r)
        used += len(r) + 3
        i += 1
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": resources}],
    }


SHAPES = ("resources", "actions", "wildcards", "one-statement")


def worst_case_pair(shape: str, size: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """OLD and NEW policy documents of ``shape`` (one of :data:`SHAPES`), each just under
    ``size`` bytes as compact JSON."""
    if shape == "one-statement":
        return _one_statement(size, 0), _one_statement(size, 7_777_777)
    make: Callable[[int], dict[str, Any]] = {
        "resources": _resources,
        "wildcards": _wildcards,
    }.get(shape) or _actions(_reference_actions())
    return _fill(make, size, 0), _fill(make, size, 777_777)


def run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall time, the child's CPU time (user + system) and its exit status."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()[:500]}")
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def pairs(
    shapes: list[str], sizes: list[str], folder: Path
) -> Iterator[tuple[str, str, Path, Path]]:
    for shape in shapes:
        for label in sizes:
            old, new = worst_case_pair(shape, SIZES[label])
            paths = []
            for side, document in (("old", old), ("new", new)):
                path = folder / f"{shape}-{label}-{side}.json"
                path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
                paths.append(path)
            yield shape, label, paths[0], paths[1]


def table(commands: Iterable[tuple[str, str, Path, list[str]]], repeat: int) -> None:
    """Time each (shape, size label, policy file, command), best of ``repeat`` runs, and print
    one row each and the slowest."""
    print(f"{'shape':<14} {'size':>5} {'bytes':>9} {'statements':>10} {'wall s':>7} {'cpu s':>6}")
    worst = 0.0
    for shape, label, path, cmd in commands:
        best = min(run(cmd)[:2] for _ in range(repeat))
        worst = max(worst, best[0])
        count = len(json.loads(path.read_text(encoding="utf-8"))["Statement"])
        size = path.stat().st_size
        print(f"{shape:<14} {label:>5} {size:>9,} {count:>10,} {best[0]:>7.2f} {best[1]:>6.2f}")
    load = os.getloadavg()[0]
    print(f"slowest: {worst:.2f} s wall (load average {load:.1f} on {os.cpu_count()} cores)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="of 40K, 200K, 1M")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="of " + ", ".join(SHAPES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per pair; the best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        commands = (
            (shape, label, old, [sys.executable, "-m", "wizard", "diff", str(old), str(new)])
            for shape, label, old, new in pairs(
                args.shapes.split(","), args.sizes.split(","), Path(tmp)
            )
        )
        table(commands, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
