"""Segmentation and merge stay linear on hostile paragraphs (issue 9).

Each pathological paragraph is timed at two sizes; the time may grow at most three
times faster than the size (a quadratic scan grows with its square: 64x for 8x the
text). Tiny absolute times pass regardless: nothing to measure there.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.merge import merge
from tm.segment import segment_document, split_sentences
from tm.segment.protect import PROTECTED, protected_spans
from tm.source import units

FLOOR = 0.05
"""Seconds under which a run is too quick to say anything about growth."""


def _rising_backticks(n: int) -> str:
    """Backtick runs of length 1, 2, 3, ...: none closes another (was cubic)."""
    out, k, size = [], 1, 0
    while size < n:
        out.append("`" * k + " a ")
        size += k + 3
        k += 1
    return "".join(out)


PARAGRAPHS: dict[str, Callable[[int], str]] = {
    "brackets": lambda n: "Word [" * (n // 6),
    "image brackets": lambda n: "See ![" * (n // 6),
    "link openers": lambda n: "See [a](" * (n // 8),
    "tag openers": lambda n: "x <a " * (n // 5),
    "backtick pairs": lambda n: "a ` b `` " * (n // 9),
    "emphasis runs": lambda n: "*a _b **c __d " * (n // 14),
    "deep nesting": lambda n: "[" * (n // 2) + "a" + "]" * (n // 2),
    "long line of sentences": lambda n: "Word. " * (n // 6),
    "unclosed tags in brackets": lambda n: "[<b x. " * (n // 7),
    "a run of full stops": lambda n: "Start. " + "." * n,
    "a run of end marks before a word": lambda n: "Wait " + "!?…." * (n // 4) + "x",
}
SIZES = (4_000, 32_000)


def _best(run: Callable[[], object], repeat: int = 3) -> float:
    """Best CPU time of `repeat` runs (CPU time: other jobs on the machine count less)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        run()
        best = min(best, time.process_time() - t)
    return best


def _assert_linear(run_at: Callable[[int], Callable[[], object]],
                   sizes: tuple[int, int] = SIZES) -> None:
    small, big = sizes
    bound = 3 * big / small
    for _attempt in range(2):  # a busy machine may slow one measurement: measure again
        t_small = _best(run_at(small), repeat=5)
        t_big = _best(run_at(big))
        if t_big <= max(FLOOR, bound * t_small):
            return
    assert t_big <= max(FLOOR, bound * t_small), (
        f"{big} chars took {t_big:.3f} s, {small} chars {t_small:.4f} s "
        f"({t_big / max(t_small, 1e-9):.0f}x for {big / small:.0f}x the text)")


def _splitting(text: str) -> Callable[[], object]:
    return lambda: split_sentences(text, "en")


@pytest.mark.parametrize("name", list(PARAGRAPHS))
def test_sentence_splitting_is_linear(name: str) -> None:
    _assert_linear(lambda n: _splitting(PARAGRAPHS[name](n)))


@pytest.mark.parametrize("name", list(PARAGRAPHS))
def test_segment_and_merge_of_a_document_are_linear(name: str) -> None:
    """What `tm segment` and `tm merge` do with a document: units, segments, merge."""
    make = PARAGRAPHS[name]

    def run_at(n: int) -> Callable[[], object]:
        source = "# Title\n\n" + make(n) + "\n\nLast paragraph.\n"

        def run() -> object:
            segs = segment_document(source, units(source), "en")
            return merge(source, segs, {s.text: s.text.upper() for s in segs})
        return run

    _assert_linear(run_at)


def test_rising_backtick_runs_are_linear() -> None:
    """The old code-span pattern backtracked through every shorter opening: 10 s at 4 KB."""
    _assert_linear(lambda n: _splitting(_rising_backticks(n)), (1_000, 4_000))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="`[]()<>!a \n/?.=\"", max_size=40))
def test_protected_spans_equal_the_reference_pattern(text: str) -> None:
    assert protected_spans(text) == [(m.start(), m.end()) for m in PROTECTED.finditer(text)]


def test_protected_spans_examples() -> None:
    text = "Use `a [b](c)` and [link](http://x.org) <sup>[3]</sup> but [ and <a and ``"
    spans = [text[a:b] for a, b in protected_spans(text)]
    assert spans == ["`a [b](c)`", "[link](http://x.org)", "<sup>", "</sup>"]


def test_a_tag_over_several_lines_is_one_span() -> None:
    """markdown-it reads `<img alt="...` + line break + `src=... />` as one inline tag (the
    Rust book writes its figures so): a sentence break inside it cut the tag in two."""
    text = 'See <img alt="One. Two\nthree." src="x.svg"\n  class="c" /> and </a\n> then <b\n'
    spans = [text[a:b] for a, b in protected_spans(text)]
    assert spans == ['<img alt="One. Two\nthree." src="x.svg"\n  class="c" />', "</a\n>"]
    assert spans == [m.group() for m in PROTECTED.finditer(text)]


def test_unclosed_tags_over_lines_are_linear() -> None:
    """Each `<a x="` that closes nothing is tried MAX_TAG characters at most."""
    _assert_linear(lambda n: _splitting('Text. <a x="b\nc. ' * (n // 16)))


def test_a_huge_emphasis_wrapped_paragraph_takes_bounded_memory() -> None:
    """Looking for emphasis around a whole block parses its inline content: for a hostile
    `*...*` paragraph of 400 KB that was about 100 MB of tokens (and 2.5 GB at 10 MB)."""
    import tracemalloc

    source = "# T\n\n*" + "a _b **c __d " * 30_000 + "*\n"
    tracemalloc.start()
    try:
        segs = segment_document(source, units(source), "en")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * len(source), f"{peak / 1e6:.0f} MB for {len(source) / 1e3:.0f} KB"
    assert segs[-1].text.startswith("*a _b") and segs[-1].text.endswith("__d *")


HOSTILE_TRANSLATIONS: dict[str, Callable[[int], str]] = {
    **PARAGRAPHS,
    "unclosed stars": lambda n: "*a " * (n // 3),
    "unclosed strong": lambda n: "**a " * (n // 4),
    "unclosed references": lambda n: "[a][b " * (n // 6),
    "unclosed comments": lambda n: "<!-- a " * (n // 7) + "-->",
}


@pytest.mark.parametrize("name", list(HOSTILE_TRANSLATIONS))
def test_qa_checks_of_a_hostile_translation_are_linear(name: str) -> None:
    """`tm check` reads what translators wrote: a msgstr of many unclosed `*a` (or
    brackets, tags, backticks) costs time in proportion to its length."""
    from tm.checks import QA_CHECKS, Context

    ctx = Context("en", "ru", None)

    def run_at(n: int) -> Callable[[], object]:
        text = HOSTILE_TRANSLATIONS[name](n)
        return lambda: [list(c.run("A source sentence.", text, ctx)) for c in QA_CHECKS]

    _assert_linear(run_at)
