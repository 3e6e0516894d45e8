"""The linter against a wide generated corpus (``bench/corpus/generate_wide.py``, fixed seeds).

The first two tests need nothing but the linter: every tight policy (valid and least
privilege, over ~20 services) lints with nothing at warning level or above, and every problem
the generator planted is found. The last compares with parliament (``pip install -e
'.[bench]'``), as ``bench/crosscheck.py`` does at scale, and is skipped without it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH / "corpus"))
sys.path.insert(0, str(BENCH))

from crosscheck import EXCEPTIONS, PARLIAMENT_TO_OURS, check  # noqa: E402
from generate_wide import generate  # noqa: E402

COUNT = 300


@pytest.fixture(scope="module")
def corpus():
    return generate(COUNT, seed=5)


def _explain(report, prefix: str, counter) -> str:
    lines = []
    for key, n in counter.most_common():
        lines.append(f"{key}: {n}")
        for text, detail in report.examples[prefix + key][:1]:
            lines.append(f"  {detail}\n{text}")
    return "\n".join(lines)


def test_the_corpus_has_tight_and_broken_policies_of_both_types(corpus):
    assert sum(s.tight for s in corpus) > COUNT // 3
    assert sum(bool(s.planted) for s in corpus) > COUNT // 3
    assert sum(s.type == "trust" for s in corpus) > COUNT // 20
    kinds = {k for s in corpus for k in s.kinds}
    assert len(kinds) > 80  # many services, problems and grammar mistakes


def test_tight_policies_get_no_finding_at_warning_or_above(corpus):
    report = check(corpus, parliament=False)
    assert not report.false_positives, _explain(report, "fp ", report.false_positives)


def test_every_planted_problem_is_found(corpus):
    report = check(corpus, parliament=False)
    assert not report.planted_missed, _explain(report, "planted ", report.planted_missed)


def test_every_exception_names_a_mapped_issue_and_a_reason():
    for (issue, what), reason in EXCEPTIONS.items():
        assert PARLIAMENT_TO_OURS.get(issue), issue
        assert what and len(reason) > 40


def test_every_problem_parliament_reports_is_among_ours(corpus):
    pytest.importorskip("parliament")
    report = check(corpus)
    assert report.parliament_issues  # parliament did run and find things
    assert not report.misses, _explain(report, "miss ", report.misses)
