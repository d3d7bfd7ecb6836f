"""tm.align: anchors, the length cost, the banded dynamic program and block structure."""

from __future__ import annotations

import pytest

from tm.align.anchors import agreement, anchors, bag, number_keys, word_key
from tm.align.cost import PRIORS, Weights, confidence, length_cost, link_cost, tail_log
from tm.align.documents import align_texts, sentences
from tm.align.dp import MOVES, Step, band_limits, best_path
from tm.align.model import Link, Sentence, blocks_of
from tm.languages import guess_language
from tm.terms import load_termbase

# --- anchors ------------------------------------------------------------------------------


def test_numbers_in_one_form_for_both_languages() -> None:
    assert number_keys("It cost 1,000 rubles, or 1.5 million, in 1927.", "en") == [
        "1000", "1.5", "1927"]
    assert number_keys("Это стоило 1 000 рублей, или 1,5 миллиона, в 1927 г.", "ru") == [
        "1000", "1.5", "1927"]


def test_citations_agree_in_their_converted_form() -> None:
    en = anchors("RGASPI, f. 17, op. 171, d. 87, l. 83.", "en")
    ru = anchors("РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83.", "ru")
    cites = [k for k in en if k.startswith("cit:")]
    assert cites and all(k in ru for k in cites)
    assert agreement(bag(en), bag(ru))[1] == 0.0
    other = anchors("РГАСПИ. Ф. 17. Оп. 171. Д. 88. Л. 83.", "ru")
    assert agreement(bag(en), bag(other))[1] > 0


def test_ibid_matches_tam_zhe() -> None:
    shared, unshared = agreement(bag(anchors("Ibid., l. 45.", "en")),
                                 bag(anchors("Там же. Л. 45.", "ru")))
    assert shared > 0 and unshared == 0


def test_footnote_marks_months_and_urls() -> None:
    en = anchors("Published on 5 September 2025 at [the site](https://wsws.org/x).<sup>[4]</sup>",
                 "en")
    ru = anchors("Опубликовано 5 сентября 2025 г. на [сайте](https://wsws.org/x).<sup>[4]</sup>",
                 "ru")
    for key in ("fn:4", "m:9", "u:https://wsws.org/x", "n:2025", "n:5"):
        assert key in en and key in ru, key
    assert agreement(bag(en), bag(ru))[1] == 0


def test_names_romanized_against_cyrillic_with_case_endings() -> None:
    assert word_key("Trotsky") == word_key("Троцкого")
    assert word_key("Smilga") == word_key("Смилгой")
    assert word_key("opposition") == word_key("оппозиции")
    assert word_key("Trotsky") != word_key("Сталина")


def test_termbase_terms_with_russian_lemmas() -> None:
    terms = load_termbase()
    en = anchors("He was summoned before the Central Control Commission.", "en", terms)
    ru = anchors("Его вызвали в Центральную контрольную комиссию.", "ru", terms)
    assert {k for k in en if k.startswith("t:")} & {k for k in ru if k.startswith("t:")}


def test_soft_anchors_reward_but_never_penalize() -> None:
    shared, unshared = agreement(bag(anchors("Trotsky spoke.", "en")),
                                 bag(anchors("Он выступил.", "ru")))
    assert (shared, unshared) == (0.0, 0.0)


# --- cost ------------------------------------------------------------------------------------


def test_length_cost_prefers_fitting_lengths_and_likely_shapes() -> None:
    assert length_cost(100, 110, 1.1, (1, 1)) < length_cost(100, 40, 1.1, (1, 1))
    assert length_cost(100, 110, 1.1, (1, 1)) < length_cost(100, 110, 1.1, (2, 1))
    assert tail_log(0.0) == pytest.approx(0.0)
    assert tail_log(40.0) > tail_log(20.0) > 0  # no overflow far out in the tail


def test_anchors_move_the_cost() -> None:
    w = Weights()
    a = anchors("In 1927 he wrote 14 letters.", "en")
    same = anchors("В 1927 г. он написал 14 писем.", "ru")
    other = anchors("В 1931 г. он написал 12 писем.", "ru")
    assert link_cost((28, 30), (bag(a), bag(same)), (1, 1), 1.0, w) < link_cost(
        (28, 30), (bag(a), bag(other)), (1, 1), 1.0, w)


def test_confidence_is_between_zero_and_one_and_ranks() -> None:
    a = anchors("In 1927 he wrote 14 letters.", "en")
    good = confidence((28, 30), (bag(a), bag(anchors("В 1927 г. он написал 14 писем.", "ru"))),
                      (1, 1), 1.0)
    bad = confidence((28, 90), (bag(a), bag(anchors("В 1931 г. он написал 12 писем.", "ru"))),
                     (1, 1), 1.0)
    assert 0.0 <= bad < good <= 1.0


# --- the dynamic program -----------------------------------------------------------------------


def _lengths_cost(src: list[int], tgt: list[int]):  # type: ignore[no-untyped-def]
    def cost(i: int, di: int, j: int, dj: int) -> float:
        return length_cost(sum(src[i:i + di]), sum(tgt[j:j + dj]), 1.0, (di, dj))
    return cost


@pytest.mark.parametrize(("src", "tgt", "shape"), [
    ([50, 80, 60], [50, 80, 60], [(1, 1), (1, 1), (1, 1)]),
    ([50, 30, 40, 60], [50, 72, 60], [(1, 1), (2, 1), (1, 1)]),
    ([50, 72, 60], [50, 30, 40, 60], [(1, 1), (1, 2), (1, 1)]),
    ([50, 20, 30, 25, 60], [50, 78, 60], [(1, 1), (3, 1), (1, 1)]),
])
def test_link_shapes(src: list[int], tgt: list[int], shape: list[tuple[int, int]]) -> None:
    steps = best_path(len(src), len(tgt), _lengths_cost(src, tgt))
    assert [(s.di, s.dj) for s in steps] == shape


def test_omission_and_addition() -> None:
    right = {0: 0, 1: 2, 2: 3}  # target 1 is added; source 3 has no counterpart

    def cost(i: int, di: int, j: int, dj: int) -> float:
        if di == 0 or dj == 0:
            return 5.0
        return 0.0 if (di, dj) == (1, 1) and right.get(i) == j else 20.0
    assert best_path(4, 4, cost) == [Step(0, 0, 1, 1), Step(1, 1, 0, 1), Step(1, 2, 1, 1),
                                     Step(2, 3, 1, 1), Step(3, 4, 1, 0)]


def test_swap_links_two_sentences_crosswise() -> None:
    src, tgt = [40, 120, 70], [40, 70, 120]

    def cost(i: int, di: int, j: int, dj: int) -> float:
        return length_cost(sum(src[i:i + di]), sum(tgt[j:j + dj]), 1.0, (di, dj))

    def swap(i: int, j: int) -> float:
        return cost(i, 1, j + 1, 1) + cost(i + 1, 1, j, 1) + 1.0

    steps = best_path(3, 3, cost, swap)
    assert steps == [Step(0, 0, 1, 1), Step(1, 1, 2, 2, swap=True)]
    assert all(not s.swap for s in best_path(3, 3, cost))


def test_band_follows_the_diagonal() -> None:
    limits = band_limits(100, 50, 5)
    assert limits[0] == (0, 5) and limits[100] == (45, 50)
    assert all(hi - lo <= 11 for lo, hi in limits)


def test_band_widens_when_the_path_leaves_it() -> None:
    """30 source items missing at the start push the path 30 cells off the diagonal."""
    n, m = 100, 70

    def cost(i: int, di: int, j: int, dj: int) -> float:
        if di == 0 or dj == 0:
            return 3.0
        return 0.0 if (di, dj) == (1, 1) and i == j + 30 else 10.0
    steps = best_path(n, m, cost, width=4)
    assert sum(1 for s in steps if (s.di, s.dj) == (1, 1) and s.i == s.j + 30) == 70


def test_linear_work_in_the_length() -> None:
    """The number of cost evaluations grows with n, not n*m (the band)."""
    def count(n: int) -> int:
        calls = 0

        def cost(i: int, di: int, j: int, dj: int) -> float:
            nonlocal calls
            calls += 1
            return 0.0 if di == dj == 1 else 5.0
        best_path(n, n, cost)
        return calls
    small, big = count(200), count(800)
    assert 3.5 < big / small < 4.5


def test_every_shape_is_known() -> None:
    assert set(MOVES) == set(PRIORS)


# --- structure and documents ---------------------------------------------------------------

EN = """# The attacks of 1927

In June 1927, Trotsky was summoned before the Central Control Commission. The session
lasted three days. He told his accusers that they would fail.<sup>[4]</sup>

As expected, he was removed from the Central Committee. On November 7, the Opposition
organized demonstrations.

## Sources

RGASPI, f. 17, op. 171, d. 87, l. 83. Ibid., l. 45.

This paragraph was dropped by the translator. Nothing of it is in the Russian.

In January 1928, Trotsky was deported to Alma-Ata. Thousands were arrested across the USSR.
"""

RU = """# Нападки 1927 года

В июне 1927 года Троцкого вызвали в Центральную контрольную комиссию. Заседание
продолжалось три дня, и он заявил обвинителям, что у них ничего не выйдет.<sup>[4]</sup>

Как и ожидалось, его вывели из Центрального комитета. Оппозиция 7 ноября организовала
демонстрации.

## Источники

РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83. Там же. Л. 45.

В январе 1928 года Троцкого выслали в Алма-Ату. По всему СССР арестовали тысячи людей.
"""


def _shapes(al) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(link.kind, al.texts(link)[0][:12]) for link in al.links]


def test_blocks_group_sentences_of_one_unit() -> None:
    sents = [Sentence("a", 0), Sentence("b", 0), Sentence("c", 1, "heading")]
    assert [(b.first, b.count, b.kind) for b in blocks_of(sents)] == [
        (0, 2, "paragraph"), (2, 1, "heading")]


def test_align_texts_merges_omissions_citations() -> None:
    al = align_texts(EN, RU, "en", "ru", load_termbase())
    shapes = _shapes(al)
    assert shapes == [
        ("1-1", "The attacks "), ("1-1", "In June 1927"), ("2-1", "The session\n"),
        ("1-1", "As expected,"), ("1-1", "On November "), ("1-1", "Sources"),
        ("1-1", "RGASPI, f. 1"), ("1-1", "Ibid., l. 45"), ("1-0", "This paragra"),
        ("1-0", "Nothing of i"), ("1-1", "In January 1"), ("1-1", "Thousands we")]
    assert all(0.5 <= x.confidence <= 1 for x in al.links if x.source and x.target)


def test_sentences_are_tms_own_segments() -> None:
    texts = [s.text for s in sentences(RU, "ru")]
    assert "РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83." in texts
    assert [s.kind for s in sentences(EN, "en")][0] == "heading"


def test_other_formats_are_segmented_by_their_reader() -> None:
    html = "<html><body><h1>Title here</h1><p>One sentence. Two sentences.</p></body></html>"
    assert [s.text for s in sentences(html, "en", "doc.html")] == [
        "Title here", "One sentence.", "Two sentences."]


def test_guess_language() -> None:
    assert guess_language([RU]) == "ru" and guess_language([EN]) == "en"


def test_link_pairs() -> None:
    assert Link((1, 2), (5,)).pairs() == {(1, 5), (2, 5)}
    assert Link((1,), ()).pairs() == set()


def test_two_sentences_in_the_other_order_are_linked_crosswise() -> None:
    en = ("The party congress met in 1925 and heard 14 long reports on the state of industry "
          "and trade. The opposition spoke in 1926.\n")
    ru = ("Оппозиция выступила в 1926 году. Партийный съезд собрался в 1925 году и заслушал "
          "14 длинных докладов о положении промышленности и торговли.\n")
    al = align_texts(en, ru, "en", "ru")
    assert al.pairs() == {(0, 1), (1, 0)}
    assert all(x.reordered for x in al.links)


def test_band_can_follow_a_guess_of_the_path() -> None:
    limits = band_limits(4, 10, 1, centre=[0, 1, 8, 9, 10])
    assert limits[1] == (0, 2) and limits[2][0] <= limits[1][1]  # the jump is bridged
    assert limits[-1][1] == 10


def test_a_tracking_band_follows_the_path_without_widening() -> None:
    """30 source items missing at the start: the band follows the cheapest cells."""
    calls = {False: 0, True: 0}

    def run(track: bool) -> list[Step]:
        def cost(i: int, di: int, j: int, dj: int) -> float:
            calls[track] += 1
            if di == 0 or dj == 0:
                return 3.0
            return 0.0 if (di, dj) == (1, 1) and i == j + 30 else 10.0
        return best_path(100, 70, cost, width=4, track=True) if track else best_path(
            100, 70, cost, width=4)
    assert run(True) == run(False)
    assert calls[True] < calls[False]


def test_aligning_twice_the_text_costs_twice_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cost evaluations (the aligner's work) for a document of 20 and of 40 paragraphs
    whose translation runs some paragraphs together and drops some sentences: the band
    keeps the ratio near 2 (the full matrix would make it 4)."""
    import tm.align.structure as structure

    calls = 0
    real = structure.link_cost

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(structure, "link_cost", counted)

    def work(k: int) -> int:
        nonlocal calls
        calls = 0
        en = "\n\n".join(f"In {1900 + i} the plant made {i * 7 + 3} machines. The output "
                         f"was sold in {i + 2} regions of the country." for i in range(k))
        ru = "".join(
            (f"В {1900 + i} году завод выпустил {i * 7 + 3} машин."
             + ("" if i % 5 == 0 else f" Продукцию продали в {i + 2} регионах страны."))
            + (" " if i % 7 == 3 else "\n\n") for i in range(k))
        align_texts(en, ru, "en", "ru")
        return calls

    small, big = work(60), work(120)
    assert 1.6 < big / small < 2.5
