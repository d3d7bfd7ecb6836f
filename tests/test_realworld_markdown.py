"""Real Markdown (two chapters of the Rust book, tests/data/rustbook): no segment without
prose, exact identity round trips, and no false markup finding on a re-wrapped
translation that keeps every code span."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tm.checks import Context
from tm.checks.markup import check_markup
from tm.checks.text import check_identical
from tm.merge import merge
from tm.segment import has_text, segment_document
from tm.segment.prose import code_spans, markup_spans
from tm.source import units

BOOK = Path(__file__).parent / "data" / "rustbook"
CHAPTERS = sorted(p.name for p in BOOK.glob("*.md"))
CTX = Context("en", "ru")
_CYR = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                     "абцдефгхийклмнопкрстуввхызАБЦДЕФГХИЙКЛМНОПКРСТУВВХЫЗ")


def read(name: str) -> str:
    return (BOOK / name).read_text("utf-8")


def pseudo(text: str, every: int = 0) -> str:
    """A translation: prose letters in Cyrillic, markup kept as it is, and the soft line
    breaks dropped (every=0) or moved to every `every` words."""
    out, pos = [], 0
    for a, b in markup_spans(text):
        out += [text[pos:a].translate(_CYR), text[a:b]]
        pos = b
    out.append(text[pos:].translate(_CYR))
    words = "".join(out).replace("\n", " ").split(" ")
    if not every:
        return " ".join(words)
    return "".join(w + ("\n" if i % every == every - 1 else " ")
                   for i, w in enumerate(words)).rstrip()


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_segment_has_prose_and_identity_is_exact(name: str) -> None:
    src = read(name)
    segs = segment_document(src, units(src), "en")
    assert segs and all(has_text(s.text) for s in segs)
    assert not [s for s in segs if re.fullmatch(r'<a id="[^"]*"></a>', s.text)]
    assert merge(src, segs, {s.text: s.text for s in segs}).text == src


def test_anchors_and_code_only_cells_are_left_to_merge() -> None:
    tests = read("ch11-01-writing-tests.md")
    anchors = re.findall(r'^<a id="[^"]*"></a>$', tests, re.M)
    assert len(anchors) == 3
    ops = read("appendix-02-operators.md")
    texts = [s.text for s in segment_document(ops, units(ops), "en")]
    assert "Macro expansion" in texts and "Bitwise or logical complement" in texts
    assert "`!`" not in texts and "`expr != expr`" not in texts
    out = merge(ops, segment_document(ops, units(ops), "en"),
                {t: t.upper() for t in texts}).text
    assert "| `!=`" in out and "NONEQUALITY COMPARISON" in out


@pytest.mark.parametrize("every", [0, 5, 9])
@pytest.mark.parametrize("name", CHAPTERS)
def test_rewrapped_translation_keeps_markup(name: str, every: int) -> None:
    src = read(name)
    segs = segment_document(src, units(src), "en")
    crossing = [s for s in segs for a, b, _ in code_spans(s.text) if "\n" in s.text[a:b]]
    if name.startswith("ch11"):
        assert len(crossing) == 10  # the case this guards: code spans over a line break
    found = {s.text: list(check_markup(s.text, pseudo(s.text, every), CTX)) for s in segs}
    assert {k: v for k, v in found.items() if v} == {}


def test_a_changed_code_span_across_a_line_break_is_still_found() -> None:
    src = read("ch11-01-writing-tests.md")
    for seg in (s.text for s in segment_document(src, units(src), "en")):
        for a, b, fence in code_spans(seg):
            if "\n" in seg[a:b]:
                kept = seg[a + fence : b - fence].replace("\n", " ")
                assert kept in pseudo(seg)
                assert list(check_markup(seg, pseudo(seg), CTX)) == []
                broken = pseudo(seg).replace(kept, "changed_code", 1)
                assert any("code span" in m for m in check_markup(seg, broken, CTX))
                return
    raise AssertionError("no code span over a line break")


def test_identity_of_a_code_only_segment_is_not_identical() -> None:
    assert list(check_identical("`Box<T>` `Deref`", "`Box<T>` `Deref`", CTX)) == []
    line = "Treating smart pointers like regular references"
    assert list(check_identical(line, line, CTX))
