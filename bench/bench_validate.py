"""Benchmark: ``role-wizard validate`` against parliament on the same 1,000 policies.

Both run in this one process on the same policy texts (from ``bench/corpus/generate.py``,
seeded): ours through ``wizard.policy.lint.lint_text``, parliament through its Python API
``parliament.analyze_policy_string``. Each tool gets the same timed passes, interleaved
(ours, then parliament's, pass by pass, so load on a shared machine hits both alike):

1. cold: the corpus, start-up included (our lazy IAM reference, parliament's IAM definition);
2. fresh: other corpora of 1,000 policies each (seed + 1, seed + 2, ...) in the warmed-up
   process -- the headline figure: new policies, no start-up, nothing cached from having seen
   them before; the best of ``--passes`` runs;
3. repeat: the first corpus again (every per-pattern cache of ours is warm); best of runs.

It also checks coverage: every problem parliament reports, mapped to our finding codes, must
be among our findings for that policy; and every problem planted by the generator must be found.

    pip install -e '.[bench]'
    python bench/bench_validate.py [--count 1000] [--passes 3] [--json FILE]

Without parliament installed, ours is timed alone and the comparison is skipped with a note.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import sys
import time
from collections import Counter
from pathlib import Path

from installed import compile_package
from results import add_json_option, write_json

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))

from generate import generate  # noqa: E402

# parliament issue -> our code (issues of the same problem); None: not a problem we report
PARLIAMENT_TO_OURS: dict[str, str | None] = {
    "MALFORMED_JSON": "invalid-json",
    "MALFORMED": "invalid-grammar",
    "DUPLICATE_SID": "invalid-grammar",
    "INVALID_SID": "invalid-grammar",
    "UNKNOWN_ACTION": "unknown-action",
    "UNKNOWN_PREFIX": "unknown-service",
    "RESOURCE_MISMATCH": "resource-mismatch",
    "UNKNOWN_OPERATOR": "invalid-condition-operator",
    "UNKNOWN_CONDITION_FOR_ACTION": "unknown-condition-key",
    "RESOURCE_STAR": "resource-wildcard",
    "PRIVILEGE_ESCALATION": "privilege-escalation",
    "CREDENTIALS_EXPOSURE": None,  # community auditor: reading secrets is the point of some roles
}


def run_ours(texts: list[tuple[str, str]]) -> tuple[float, list[set[str]]]:
    start = time.perf_counter()  # the first (cold) run includes importing the linter
    from wizard.policy.lint import lint_text

    found = [{f.code for f in lint_text(text, file=name)} for name, text in texts]
    return time.perf_counter() - start, found


def run_parliament(texts: list[tuple[str, str]]) -> tuple[float, list[set[str]]]:
    start = time.perf_counter()  # the first (cold) run includes importing parliament, which
    import parliament  # loads its IAM definition then, as ours loads the reference lazily

    found = [
        {f.issue for f in parliament.analyze_policy_string(text, filepath=name).findings}
        for name, text in texts
    ]
    return time.perf_counter() - start, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--passes", type=int, default=3, help="fresh and repeat runs per tool")
    add_json_option(parser)
    args = parser.parse_args()
    compile_package()  # our bytecode, as the peers' (pip-installed) have theirs
    skipped = None
    if importlib.util.find_spec("parliament") is None:
        skipped = "parliament is not installed (pip install -e '.[bench]')"

    samples = generate(args.count, args.seed)
    texts = [(s.name, s.text) for s in samples]
    over = sum(1 for s in samples if s.planted)
    print(f"corpus: {len(texts)} policies ({over} over-privileged or broken), seed {args.seed}")

    tools = (("role-wizard validate", run_ours), ("parliament 1.6.4", run_parliament))
    if skipped:
        tools = tools[:1]
    cold: list[float] = []
    fresh: list[list[float]] = [[], []]
    repeat: list[list[float]] = [[], []]
    found_by: list[list[set[str]]] = []
    for _label, run in tools:
        gc.collect()
        seconds, found = run(texts)
        cold.append(seconds)
        found_by.append(found)
    for k in range(1, args.passes + 1):
        others = [(s.name, s.text) for s in generate(args.count, args.seed + k)]
        for i, (_label, run) in enumerate(tools):
            gc.collect()
            fresh[i].append(run(others)[0])
        for i, (_label, run) in enumerate(tools):
            gc.collect()
            repeat[i].append(run(texts)[0])
    rows = [(label, cold[i], min(fresh[i]), min(repeat[i])) for i, (label, _) in enumerate(tools)]

    def rate(seconds: float) -> str:
        return f"{len(texts) / seconds:,.0f} p/s"

    print()
    print(f"{'':24}{'cold':>14}{'fresh':>14}{'repeat':>14}")
    for label, cold, fresh, repeat in rows:
        print(f"{label:24}{rate(cold):>14}{rate(fresh):>14}{rate(repeat):>14}")
    figures: dict = {
        "count": len(texts),
        "over_privileged": over,
        "passes": args.passes,
        "rates": {
            label: {"cold": len(texts) / c, "fresh": len(texts) / f, "repeat": len(texts) / r}
            for label, c, f, r in rows
        },
    }
    planted_missed: Counter[str] = Counter()
    for sample, mine in zip(samples, found_by[0], strict=True):
        for code in sample.planted - mine:
            planted_missed[code] += 1
    figures["planted_missed"] = sum(planted_missed.values())
    if skipped:
        print(f"note: {skipped}; no comparison")
        print("planted problems we missed:", dict(planted_missed) if planted_missed else "none")
        write_json(args.json, {**figures, "skipped": skipped})
        return
    (_, c1, f1, r1), (_, c2, f2, r2) = rows
    print(f"{'speed-up':24}{c2 / c1:>13.1f}x{f2 / f1:>13.1f}x{r2 / r1:>13.1f}x")
    figures["speedup"] = {"cold": c2 / c1, "fresh": f2 / f1, "repeat": r2 / r1}
    ours, theirs = found_by

    # coverage: parliament's problems, mapped to our codes
    issues: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    unmapped: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for sample, mine, their in zip(samples, ours, theirs, strict=True):
        for issue in their:
            issues[issue] += 1
            if issue not in PARLIAMENT_TO_OURS:
                unmapped[issue] += 1
                continue
            code = PARLIAMENT_TO_OURS[issue]
            if code is not None and code not in mine:
                missed[f"{issue} -> {code}"] += 1
                examples.setdefault(f"{issue} -> {code}", sample.name)
    print()
    print("parliament's findings:", ", ".join(f"{k} {v}" for k, v in issues.most_common()))
    if missed:
        print("MISSED (parliament found, we did not):")
        for key, n in missed.most_common():
            print(f"  {key}: {n} policies, e.g. {examples[key]}")
    else:
        print("every mapped parliament finding is among ours")
    if unmapped:
        print("not compared (no counterpart code):", dict(unmapped))

    print(
        "planted problems we missed:",
        dict(planted_missed) if planted_missed else "none",
    )
    ours_total = Counter(code for found in ours for code in found)
    print("our findings (policies with each code):", dict(ours_total.most_common()))
    figures["parliament_missed"] = sum(missed.values())
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
