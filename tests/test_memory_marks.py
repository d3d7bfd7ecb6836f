"""Footnote marks are placeables in both directions: masked for scoring, and the adapted
translation gets the segment's own marks (where the unit's translation had its marks,
or at the end as the segment has them), never a stray one."""

from __future__ import annotations

import pytest

from tm.checks import Context
from tm.checks.markup import check_footnotes
from tm.memory.match import (
    ADAPT_PENALTY,
    NUMBER_PENALTY,
    Candidate,
    best_matches,
    normalize,
    score_candidate,
)

SRC = "The Politburo discussed the case on October 30, 1929."
TGT = "Политбюро рассмотрело дело 30 октября 1929 г."


def cand(source: str = SRC, target: str = TGT) -> Candidate:
    return Candidate(1 << 32, source, target, "memory/m.tmx")


def score(segment: str, c: Candidate):  # type: ignore[no-untyped-def]
    return score_candidate(segment, normalize(segment), c)


def test_a_mark_on_the_segment_only_is_adapted_with_the_segments_year() -> None:
    plain = score(SRC.replace("1929", "1928"), cand())
    marked = score(SRC.replace("1929.", "1928.<sup>[1]</sup>"), cand())
    assert (plain.kind, plain.score) == ("adapted", 100 - ADAPT_PENALTY)
    assert (marked.kind, marked.score) == ("adapted", 100 - ADAPT_PENALTY)
    assert marked.target == "Политбюро рассмотрело дело 30 октября 1928 г.<sup>[1]</sup>"


def test_a_mark_on_the_unit_only_leaves_no_stray_mark() -> None:
    c = cand(SRC.replace("1929.", "1929.<sup>[4]</sup>"), TGT + "<sup>[4]</sup>")
    m = score(SRC.replace("1929", "1928"), c)
    assert (m.kind, m.target) == ("adapted", TGT.replace("1929", "1928"))
    c = cand("In 1929<sup>[4]</sup> the case was closed.", "В 1929 г.<sup>[4]</sup> дело закрыли.")
    m = score("In 1929 the case was closed.", c)
    assert (m.kind, m.target) == ("adapted", "В 1929 г. дело закрыли.")


def test_marks_go_where_the_units_translation_had_them() -> None:
    c = cand("In 1929<sup>[4]</sup> the case was closed.",
             "В 1929 г.<sup>[4]</sup> дело закрыли.")
    m = score("In 1930<sup>[12]</sup> the case was closed.", c)
    assert (m.kind, m.target) == ("adapted", "В 1930 г.<sup>[12]</sup> дело закрыли.")
    c = cand("One.[^a] Two.[^b]", "Один.[^a] Два.[^b]")
    assert score("One.[^x] Two.[^y]", c).target == "Один.[^x] Два.[^y]"


@pytest.mark.parametrize(("segment", "target"), [
    ("The case was closed.<sup>[2]</sup>", "Дело закрыли.<sup>[2]</sup>"),
    ("The case was closed<sup>[2]</sup>.", "Дело закрыли<sup>[2]</sup>."),
    ("The case was closed<sup>[2]</sup>", "Дело закрыли<sup>[2]</sup>"),
    ("“The case was closed.”<sup>[2]</sup>", "«Дело закрыли».<sup>[2]</sup>"),
    ("The case was closed.<sup>[2]</sup><sup>[3]</sup>",
     "Дело закрыли.<sup>[2]</sup><sup>[3]</sup>"),
])
def test_marks_at_the_end_follow_the_segments_punctuation(segment: str, target: str) -> None:
    bare = segment.replace("<sup>[2]</sup>", "").replace("<sup>[3]</sup>", "")
    tgt = target.replace("<sup>[2]</sup>", "").replace("<sup>[3]</sup>", "")
    m = score(segment, cand(bare, tgt))
    assert (m.kind, m.target) == ("adapted", target)


def test_a_mark_inside_the_sentence_is_not_guessed() -> None:
    m = score("The case<sup>[2]</sup> was closed in 1929.",
              cand("The case was closed in 1929.", "Дело закрыли в 1929 г."))
    assert m.kind == "fuzzy" and m.score <= 99 - NUMBER_PENALTY
    assert "<sup>" not in m.target


def test_best_matches_prefers_the_adapted_unit_over_raw_similarity() -> None:
    seg = SRC.replace("1929.", "1928.<sup>[1]</sup>")
    other = cand("The Politburo discussed the case on October 30.", "Политбюро 30 октября.")
    (best,) = best_matches(seg, [other, cand()], limit=1, min_score=75)
    assert best.kind == "adapted" and best.target.endswith("1928 г.<sup>[1]</sup>")


@pytest.mark.parametrize("segment", [
    SRC.replace("1929.", "1928.<sup>[1]</sup>"), SRC, "The case<sup>[2]</sup> was closed.",
    "On October 30, 1929<sup>[7]</sup>.", "Closed.<sup>[1]</sup> Reopened.<sup>[2]</sup>"])
@pytest.mark.parametrize("unit", [
    (SRC, TGT), (SRC + "<sup>[4]</sup>", TGT + "<sup>[4]</sup>"),
    ("Closed.<sup>[3]</sup> Reopened.<sup>[5]</sup>",
     "Закрыто.<sup>[3]</sup> Открыто.<sup>[5]</sup>"),
    ("The case was closed.", "Дело закрыли.")])
def test_every_offer_keeps_the_segments_marks_and_adds_none(
        segment: str, unit: tuple[str, str]) -> None:
    m = score(segment, cand(*unit))
    lost = list(check_footnotes(segment, m.target, Context("en", "ru")))
    if m.kind == "adapted":
        assert lost == []
    assert not [x for x in lost if "not in the source" in x]
