"""Long lines wrap between tokens, never inside one: the JSON stays JSON, an ARN stays whole
(or, in prose, breaks only after a ``:`` or ``/``), and a continued line keeps its indent."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st
from textual.content import Content

from wizard.tui.widgets.fitted_text import break_points, fit_content, fit_line

ARN = st.builds(
    lambda service, region, name: f"arn:aws:{service}:{region}:123456789012:{name}",
    st.sampled_from(["dynamodb", "sqs", "logs", "s3"]),
    st.sampled_from(["us-east-1", "eu-west-1", ""]),
    st.text("abcdefghij-_/*.", min_size=1, max_size=60),
)
# JSON shaped like a policy: nested objects and lists of ARNs and short prose with spaces
LEAF = st.one_of(ARN, st.text(' ab:c"\\/é', max_size=30), st.integers(), st.booleans())
DOC = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["Sid", "Resource", "Action", "Condition"]), inner),
    ),
    max_leaves=12,
)
WIDTH = st.integers(min_value=1, max_value=120)


def pieces(text: str, width: int, split_after: str = "") -> list[str]:
    return fit_content(Content(text), width, split_after).plain.split("\n")


@given(DOC, WIDTH, st.sampled_from(["", ":/"]))
def test_fitted_json_is_the_same_json(doc, width, split_after):
    """Also where ARNs in prose may break after ":" or "/" (the finish step's result mixes a
    plan's prose and JSON): a quoted string never breaks."""
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    assert json.loads("\n".join(pieces(text, width, split_after))) == doc


@given(DOC, WIDTH)
def test_no_token_is_broken_and_lines_fit_where_they_can(doc, width):
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    out = pieces(text, width)
    # the same tokens in the same order: a break inside one would split it in two
    assert [t for line in out for t in line.split()] == text.split()
    for line in out:
        indent = len(line) - len(line.lstrip(" "))
        # a line wider than the width is one piece the rule may not break (a token)
        assert len(line) <= width or not [p for p in break_points(line) if p > indent]


@given(st.lists(ARN, min_size=1, max_size=3), st.integers(min_value=20, max_value=80))
def test_prose_breaks_an_arn_only_after_a_separator(arns, width):
    line = "DynamoDBRead: dynamodb:GetItem on " + " ".join(arns)
    out = fit_line(line, width, split_after=":/")
    assert out[0][:2] == (0, 0) and out[-1][2] == len(line)  # all of it, in order
    for (_, _, end), (lead, start, stop) in zip(out, out[1:], strict=False):
        gap = line[end:start]
        # a break at spaces (dropped), or inside a token just after one of its separators
        assert (gap and not gap.strip()) or (not gap and line[end - 1] in ":/")
        # continued under the first line's indent plus two, less where that would not fit
        assert lead == min(2, max(0, width - (stop - start)))
    for lead, start, end in out:
        piece = line[start:end]
        # wider than the width only where no space or separator could break it
        assert lead + len(piece) <= width or not re.search(r"[ :/]", piece[: width - lead])


def test_a_long_resource_moves_whole_under_its_key():
    line = '      "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"'
    assert fit_line(line, 70) == [(0, 0, 17), (8, 18, len(line))]
    # too wide for the indent: it moves left as far as it must, whole
    assert fit_line(line, 58) == [(0, 0, 17), (4, 18, len(line))]


def test_a_space_inside_a_json_string_is_no_break():
    assert break_points('"a b": "c d" e') == [6, 12]
