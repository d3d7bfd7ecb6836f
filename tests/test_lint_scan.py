"""`tm lint`'s near-miss scan: reading each distinct run once finds what the plain
per-position loop finds, message for message and in the same order; the termbase's
spellings are worked out once per termbase and again when it changes."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from tm.checks.lint import (
    _CAP,
    _CAP_WORD,
    _QUOTES,
    _RUN,
    _WORD,
    Spellings,
    _covered,
    _near_miss_index,
    _near_misses,
    _token_start,
    _viable,
    lint_near_miss,
    spellings,
)
from tm.source import units
from tm.terms import Termbase, load_termbase


@cache
def _known() -> Spellings:
    return spellings(load_termbase())


def _plain_loop(source: str, known: Spellings) -> Iterator[tuple[int, str]]:
    """The check as a loop over every position that starts a capitalized word (the
    code before the distinct-run scan, without its memos)."""
    index = _near_miss_index(known)
    plain = source.replace("’", "'")
    for w in set(_CAP_WORD.findall(plain)):
        _viable(w, index)
    us = units(source)
    pieces = sorted((p.start, p.end, u.line + i) for u in us for i, p in enumerate(u.pieces))
    more = index.sizes[0] - 1
    run_re = re.compile(_RUN.format(more))
    at = re.compile(rf"(?<![A-Za-z'])(?=({_CAP}(?: +(?:{_WORD.pattern})){{0,{more}}}))")
    for m in at.finditer(plain):
        words = m.group(1).split()
        viable = index.viable.get(words[0])
        if not viable or not _near_misses(words[:max(viable)], viable, index.sizes, known,
                                          {}, {}):
            continue
        pos = m.start()
        k = bisect_right([p[0] for p in pieces], pos) - 1
        if k < 0 or pos >= pieces[k][1] or not _token_start(plain, pos, pieces[k][0]):
            continue
        a, b, line = pieces[k]
        run = run_re.match(plain, pos, b)
        text = run.group(0) if run is not None else ""
        lead = text.split(maxsplit=max(viable))[:max(viable)]
        for n, best in _near_misses(lead, viable, index.sizes, known, {}, {}):
            if _covered(plain, a, b, pos, n, index.sizes, known, {}):
                continue
            ends = [w.end() for w in re.finditer(r"\S+", text)]
            phrase = source[pos:pos + ends[n - 1]]
            yield (line, f"romanization {phrase.translate(_QUOTES)} nearly "
                   f"matches termbase entry {best.text} but is no recognized spelling")


_PIECES = ["Krasnai nov'", "Krasnaia nov'", "Krasnaia nov’", "Kai-Shek", "Chiang Kai-Shek",
           "Trotsky", "Trotskii", "Trotskyy", "El'tsin", "Eltsyn", "Bulletin Oppozitsii",
           "Biulleten' oppozitsii", "Verkhne-Ural'sk", "Verkhneural'sk", "Gosizdat",
           "Gosisdat", "-Krasnai", "Foo-Krasnai nov'", "Comintern", "Komintern",
           "Kominterm", "the", "and", "of", "was", "Moscow", "Moskva", "Moskwa", "*",
           "_", "(", ")", ",", ".", ";", "'", "’", "--", "1927", "Stalin", "Stallin"]


@st.composite
def _documents(draw: st.DrawFn) -> str:
    paragraphs = []
    for _ in range(draw(st.integers(1, 6))):
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            bits = draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14))
            seps = draw(st.lists(st.sampled_from([" ", " ", " ", "  ", "", ", "]),
                                 min_size=len(bits), max_size=len(bits)))
            lines.append("".join(b + s for b, s in zip(bits, seps, strict=True)).strip())
        prefix = draw(st.sampled_from(["", "# ", "> ", "- ", "1. "]))
        paragraphs.append(prefix + "\n".join(lines))
    return "\n\n".join(paragraphs) + "\n"


@settings(max_examples=150, deadline=None)
@given(_documents())
def test_distinct_runs_find_what_the_plain_loop_finds(source: str) -> None:
    known = _known()
    assert list(lint_near_miss(source, units(source), known)) == list(
        _plain_loop(source, known))


def test_generated_lecture_copies_agree_with_the_plain_loop() -> None:
    """The lecture twice, the second copy with a run repeated in other company: the
    near miss is reported at every place it stands."""
    from tests.conftest import LECTURE

    lecture = LECTURE.read_text("utf-8")
    source = lecture + "\n\n" + lecture.replace("Krasnai nov'", "Krasnai nov' Gosisdat")
    known = _known()
    got = list(lint_near_miss(source, units(source), known))
    assert got == list(_plain_loop(source, known))
    assert sum("Krasnai nov'" in msg for _, msg in got) >= 2


def test_spellings_are_worked_out_once_per_termbase() -> None:
    base = load_termbase()
    assert spellings(base) is spellings(base)
    again = Termbase(base.entries)
    assert spellings(again) is not spellings(base)  # another termbase: worked out for it
    assert spellings(again) == spellings(base)
    known = spellings(again)
    again.entries.pop()  # the termbase changed: the spellings follow it
    assert spellings(again) is not known


_LETTERS = st.sampled_from(["a", "Z", "é", "ž", "Ǫ", "д", "Я", "ё", "Ӏ", "ӿ", "’", " ", "\n",
                            "1", "-", "中", "😀", "\u00bf", "\u0250", "\u03ff", "\u0500"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LETTERS, max_size=60).map("".join), st.booleans())
def test_switch_starts_are_the_regular_expression_matches(text: str, many: bool) -> None:
    from tm.checks import scriptswitch
    from tm.checks.text import _SWITCH

    text = "я" * (scriptswitch._FEW_CYRILLIC + 1) + text if many else text  # plain pass too
    assert scriptswitch.switch_starts(text) == [m.start() for m in _SWITCH.finditer(text)]
