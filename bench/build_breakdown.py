"""Where `role-wizard build`'s start-up goes, in machine instructions (load does not move them).

    python bench/build_breakdown.py            # needs valgrind (apt-get install valgrind)

``bench_build.py`` times whole processes against policy_sentry; on a shared machine those
times move with the load. This script counts instructions instead (valgrind's callgrind, which
runs the program on a simulated CPU: the count of a run is the same, give or take 0.1%, busy
machine or not), for a series of Python programs that each do one step more of what `build`
does, so each step's cost is the difference from the one before: the interpreter, argparse
and the command line, PyYAML, pydantic, the spec's models, the rest of our modules, then the
work (the catalog, reading the spec, composing, the gate, the JSON). The whole `role-wizard
build` and `policy_sentry write-policy` processes are counted too, on the job of
``bench_build.py``.

Instructions are not time (memory stalls, page faults and system calls cost time and no
instructions: policy_sentry runs more of them per instruction than we do), but a change to our
code that saves instructions saves time, and this measures it on any machine. It is a guide
for that work; the README's figures stay ``bench_build.py``'s.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_build import ROLE_SPEC, SENTRY_TEMPLATE, tool
from installed import compile_package

PLUGINS_OFF = "from wizard.cli.core import without_pydantic_plugins\nwithout_pydantic_plugins()\n"
# Each program does what the one before it did, and one step more.
STEPS: list[tuple[str, str]] = [
    ("interpreter (and site)", "pass\n"),
    ("argparse, the command line", "import wizard.cli.core\n"),
    ("PyYAML", "import yaml\n"),
    (
        "pydantic",
        PLUGINS_OFF
        + "from pydantic import BaseModel, ConfigDict, Discriminator, Field, Strict, Tag\n"
        + "from pydantic import ValidationError, field_validator, model_validator\n",
    ),
    ("the catalog's and the spec's modules (models)", "import wizard.spec\n"),
    (
        "the rest of build's modules",
        "import wizard.policy.compose, wizard.policy.gate, wizard.export.roles\n"
        "import wizard.export.cloudformation, wizard.policy.lint\n",
    ),
    ("the catalog (compiled)", "from wizard.catalog.kinds import catalog\ncatalog()\n"),
    (
        "reading the spec",
        "from wizard.spec import load_any_spec\nspec, ctx = load_any_spec(SPEC)\n",
    ),
    ("composing", "from wizard.policy.compose import compose\nbundle = compose(spec, ctx)\n"),
    (
        "the gate (the reference's services loaded, the linter)",
        "from wizard.policy.gate import approve\napproved = approve(bundle, source=SPEC)\n",
    ),
    ("the JSON export", "from wizard.export import export\ntext = export(approved, 'json')\n"),
]
_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(command: list[str]) -> int:
    """The instructions one run of ``command`` executes (callgrind's count, children and all)."""
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        check=True,
    )
    found = _COLLECTED.search(run.stderr)
    if found is None:
        sys.exit(f"build_breakdown: no instruction count from valgrind:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="FILE", help="also write the counts as JSON to FILE")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("build_breakdown: valgrind is not installed (apt-get install valgrind)")
    compile_package()
    ours, sentry = tool("role-wizard"), tool("policy_sentry")
    rows: list[tuple[str, int]] = []
    with tempfile.TemporaryDirectory(prefix="bench-breakdown-") as folder:
        spec = Path(folder) / "role.yaml"
        spec.write_text(ROLE_SPEC)
        template = Path(folder) / "crud.yml"
        template.write_text(SENTRY_TEMPLATE)
        program = f"SPEC = {str(spec)!r}\n"
        before = 0
        for name, step in STEPS:
            program += step
            count = instructions([sys.executable, "-c", program])
            rows.append((name, count - before))
            before = count
        whole = {"role-wizard build": instructions([ours, "build", str(spec), "-f", "json"])}
        if sentry is not None:
            whole["policy_sentry write-policy"] = instructions(
                [sentry, "write-policy", "--input-file", str(template)]
            )
    total = sum(count for _, count in rows)
    print(f"{'step':<56} {'instructions':>14} {'share':>6}")
    for name, count in rows:
        print(f"{name:<56} {count / 1e6:>12.1f}M {count / total:>6.1%}")
    print(f"{'the steps together':<56} {total / 1e6:>12.1f}M")
    for name, count in whole.items():
        print(f"{'whole process: ' + name:<56} {count / 1e6:>12.1f}M")
    if args.json:
        figures = {"steps": dict(rows), "whole": whole}
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
