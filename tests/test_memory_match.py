"""Matching rules: exact, adapted placeables, number penalty, deterministic best, postings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.memory import postings
from tm.memory.match import (
    ADAPT_PENALTY,
    NUMBER_PENALTY,
    Candidate,
    adapt_numbers,
    best_matches,
    normalize,
    score_candidate,
    tokens,
)
from tm.memory.postings import build_postings, from_blob, to_blob, top_units

SRC = "In June 1927, Trotsky was summoned before the Central Control Commission."
TGT = "В июне 1927 г. Троцкого вызвали в Центральную контрольную комиссию."


def cand(source: str = SRC, target: str = TGT, uid: int = 1 << 32, origin: str = "m.tmx"
         ) -> Candidate:
    return Candidate(uid, source, target, origin)


def score(segment: str, c: Candidate):
    return score_candidate(segment, normalize(segment), c)


def test_exact_match_ignores_spacing_only() -> None:
    m = score("In June 1927,  Trotsky was summoned before the Central Control Commission.",
              cand())
    assert (m.kind, m.score, m.target) == ("exact", 100.0, TGT)


def test_changed_year_is_adapted_and_scores_just_under_exact() -> None:
    m = score(SRC.replace("1927", "1928"), cand())
    assert m.kind == "adapted"
    assert m.score == 100.0 - ADAPT_PENALTY
    assert m.target == TGT.replace("1927", "1928")


def test_footnote_mark_is_a_placeable() -> None:
    m = score("I would not recommend it.<sup>[4]</sup>",
              cand("I would not recommend it.<sup>[1]</sup>", "Не рекомендую.<sup>[1]</sup>"))
    assert (m.kind, m.target) == ("adapted", "Не рекомендую.<sup>[4]</sup>")


def test_markup_only_difference_is_a_placeable() -> None:
    m = score("He wrote in *Pravda* that day.", cand("He wrote in Pravda that day.", "Он писал."))
    assert m.kind == "adapted" and m.score == 100.0 - ADAPT_PENALTY


def test_a_segment_wrapped_in_emphasis_gets_it_around_the_translation() -> None:
    """A bold stamp matched by a lowercase term: the bold and the capital come back (the
    markup check flagged the suggestion without them)."""
    m = score("**Совершенно секретно**", cand("совершенно секретно", "top secret"))
    assert m.kind == "adapted" and m.target == "**Top secret**"
    m = score("*Совершенно секретно*", cand("*Совершенно секретно*", "*Top secret*"))
    assert m.target == "*Top secret*"  # already there: not doubled


def test_number_that_cannot_be_carried_over_is_penalized() -> None:
    # the translation spells the year out, so 1927 -> 1928 cannot be substituted
    c = cand(target="В июне двадцать седьмого года Троцкого вызвали в ЦКК.")
    m = score(SRC.replace("1927", "1928"), c)
    assert m.kind == "fuzzy"
    assert m.score <= 99.0 - NUMBER_PENALTY
    assert "двадцать седьмого" in m.target


def test_fuzzy_match_carries_numbers_when_it_can() -> None:
    seg = "In June 1929, Trotsky was summoned before the Central Committee."
    m = score(seg, cand())
    assert m.kind == "fuzzy" and 75 <= m.score < 99
    assert "1929" in m.target and "1927" not in m.target


def test_ambiguous_number_mapping_is_not_adapted() -> None:
    assert adapt_numbers("From 17 to 18.", "From 17 to 17.", "С 17 по 17.") is None
    assert adapt_numbers("f. 17, l. 84", "f. 17, l. 83", "Ф. 17. Л. 83.") == "Ф. 17. Л. 84."


def test_best_match_is_deterministic_on_ties() -> None:
    a = cand(target="Перевод А", uid=(2 << 32) | 5, origin="memory/b.tmx")
    b = cand(target="Перевод Б", uid=(1 << 32) | 9, origin="memory/a.tmx")
    for order in ([a, b], [b, a]):
        (best,) = best_matches(SRC, order, limit=1)
        assert best.target == "Перевод Б"  # memory/a.tmx sorts first


def test_best_matches_respects_min_score() -> None:
    far = cand("Something entirely different about tractors and grain.", "Другое.")
    assert best_matches(SRC, [far], limit=3, min_score=75) == []


def test_postings_agree_with_query_tokens() -> None:
    texts = ["Hello, World 1927 — a «test»", "Второй мир, hello", "", "x y"]
    built = build_postings(texts, [5, 6, 7, 8])
    expected: dict[str, list[int]] = {}
    for pos, t in zip([5, 6, 7, 8], texts, strict=True):
        for w in sorted(tokens(normalize(t))):
            expected.setdefault(w, []).append(pos)
    assert {w: list(a) for w, a in built.items()} == expected
    assert list(from_blob(to_blob(built["hello"]))) == [5, 6]


WORDS = ["", " ", "  ", "zqsepqz", "zqsepqzq", "ZQSEPQZ", "Zqsep", "qz", "a", "b1", "1927",
         "—", "ёлка", "e\u0301", "x.y", "...", "Hello", "hello,", "\u00a0", "\t", "«Правда»"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=6).map("".join), min_size=1,
                max_size=8), st.integers(0, 5))
def test_postings_of_any_texts_are_their_tokens(texts: list[str], gap: int) -> None:
    """Empty texts, texts of punctuation alone (nothing left at an end of the joined
    texts), the separator word inside a text or glued to others: each text's tokens."""
    positions = [i * (gap + 1) for i in range(len(texts))]
    expected: dict[str, list[int]] = {}
    for pos, t in zip(positions, texts, strict=True):
        for w in tokens(normalize(t)):
            expected.setdefault(w, []).append(pos)
    built = build_postings(texts, positions)
    assert {w: list(a) for w, a in built.items()} == expected
    assert all(a.typecode == "I" for a in built.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=6).map("".join), min_size=1,
                max_size=12), st.integers(0, 5))
def test_postings_grouped_by_sorting_are_the_same(texts: list[str], gap: int) -> None:
    """The sorting path (big chunks) gives the same words, positions and word order."""
    from tm.memory import postings

    positions = [i * (gap + 1) + 7 for i in range(len(texts))]
    stepped = build_postings(texts, positions)
    old = postings.GROUPED_FROM
    postings.GROUPED_FROM = 0
    try:
        grouped = build_postings(texts, positions)
    finally:
        postings.GROUPED_FROM = old
    assert list(grouped) == list(stepped)
    assert grouped == stepped
    assert all(a.typecode == "I" for a in grouped.values())


@pytest.mark.parametrize("numpy_from", [10**9, 0])
def test_top_units_counter_and_numpy_agree(numpy_from: int, monkeypatch) -> None:
    monkeypatch.setattr(postings, "NUMPY_FROM", numpy_from)
    from array import array

    lists = []
    for parts in ([(1, [1, 2, 3])], [(1, [2, 3]), (2, [3])], [(1, [3, 7])]):
        p = postings.Posting()
        for file_id, ids in parts:
            p.add(file_id, array("I", ids))
        lists.append(p)
    best = [(1 << 32) | 3, (1 << 32) | 2]
    assert top_units(lists, need=2, limit=10, length=10, lengths={}) == best
    assert top_units(lists, need=1, limit=2, length=10, lengths={}) == best


def test_prefix_filtering_counts_like_a_full_count(monkeypatch) -> None:
    import random
    from array import array

    rng = random.Random(3)
    lengths = {f: array("H", [rng.randint(5, 80) for _ in range(60)]) for f in (1, 2)}
    for _ in range(50):
        lists = []
        for _ in range(rng.randint(1, 8)):
            p = postings.Posting()
            for file_id in sorted(rng.sample([1, 2, 3], rng.randint(1, 2))):
                p.add(file_id, array("I", sorted(rng.sample(range(60), rng.randint(1, 40)))))
            lists.append(p)
        need = rng.randint(1, len(lists))
        monkeypatch.setattr(postings, "NUMPY_FROM", 10**9)
        monkeypatch.setattr(postings, "DENSE_IDS", 10**9)  # the dict, not a dense count
        counted = top_units(lists, need, 1000, 30, lengths)
        monkeypatch.setattr(postings, "NUMPY_FROM", 0)
        assert top_units(lists, need, 1000, 30, lengths) == counted


@pytest.mark.parametrize("numpy_from", [10**9, 0])
def test_length_orders_units_that_share_only_common_words(numpy_from: int,
                                                          monkeypatch) -> None:
    """A short segment of common words: its near-duplicate must not be crowded out by
    the many long units that contain the same words (found in a 1M-unit benchmark)."""
    from array import array

    monkeypatch.setattr(postings, "NUMPY_FROM", numpy_from)
    lists = []
    for _ in range(3):
        p = postings.Posting()
        p.add(1, array("I", range(100)))
        lists.append(p)
    lengths = {1: array("H", [200] * 99 + [41])}  # only unit 99 is about as long as the query
    assert top_units(lists, need=2, limit=1, length=40, lengths=lengths) == [(1 << 32) | 99]
    lengths = {1: array("H", [200] * 99 + [41])}
    assert top_units(lists, need=2, limit=5, length=150, lengths=lengths)[0] == (1 << 32)



@pytest.mark.parametrize("text", ["a  b", " a", "a ", "a\u2009b", "a\nb", "a b", "e\u0301",
                                  "x\xa0y", ""])
def test_exact_key_is_nfc_with_single_spaces(text: str) -> None:
    import unicodedata

    from tm.memory.match import exact_key

    assert exact_key(text) == " ".join(unicodedata.normalize("NFC", text).split())
