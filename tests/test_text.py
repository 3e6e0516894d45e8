"""One plural rule for every front: a count is followed by its noun in its number, never
"change(s)", and no front spells the rule out again (``'s' * (n != 1)``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import wizard
from wizard.text import count, noun, plural

PACKAGE = Path(wizard.__file__).parent
# "file(s)", "value(s)", "(es)" in a message: the count was not looked at
HEDGED = re.compile(r"[a-z]\((s|es)\)")
# the rule written again by hand: 's' * (n != 1), 's' if n != 1 else '', "resource" if n == 1
HAND_MADE = re.compile(r"""['"]s['"] \* \(|['"]s['"] if \w+ != 1|['"]\w+['"] if \w+ == 1 else""")


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["change", "file", "policy"]))
def test_a_count_takes_its_noun_in_its_number(n, word):
    said = count(n, word)
    assert said == f"{n} {noun(n, word)}"
    assert said.endswith(word if n == 1 else plural(word))
    assert "(" not in said


def test_the_tools_irregular_nouns():
    assert [count(2, w) for w in ("policy", "entry", "info", "match")] == [
        "2 policies",
        "2 entries",
        "2 info",
        "2 matches",
    ]
    assert count(1, "policy") == "1 policy"
    assert count(0, "change") == "0 changes"


def _strings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value, id(node)


def test_no_message_hedges_its_plural():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
        }
        for lineno, text, node_id in _strings(tree):
            if node_id not in docstrings and HEDGED.search(text):
                found.append(f"{path.relative_to(PACKAGE)}:{lineno}: {text!r}")
    assert not found, found


def test_no_front_spells_the_plural_rule_again():
    found = [
        f"{path.relative_to(PACKAGE)}:{no}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "text.py"
        for no, line in enumerate(path.read_text().splitlines(), 1)
        if HAND_MADE.search(line)
    ]
    assert not found, found
