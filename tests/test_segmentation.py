"""Sentence segmentation: data-driven cases per language, and units found in Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.segment import segment_document, split_sentences
from tm.source import units

DATA = Path(__file__).parent / "data" / "segmentation"


def load_cases(lang: str) -> list[tuple[str, list[str]]]:
    cases: list[tuple[str, list[str]]] = []
    for block in (DATA / f"{lang}.txt").read_text("utf-8").split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln and not ln.startswith("#")]
        if lines:
            cases.append((lines[0], [ln[2:] for ln in lines[1:] if ln.startswith("= ")]))
    return cases


@pytest.mark.parametrize(("lang", "least"), [("en", 8), ("ru", 8), ("de", 6)])
def test_cases_exist(lang: str, least: int) -> None:
    assert len(load_cases(lang)) >= least


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [(lang, t, e) for lang in ("en", "ru", "de") for t, e in load_cases(lang)],
)
def test_sentences(lang: str, text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text, lang)] == expected


def test_units_cover_blocks_and_skip_code() -> None:
    src = (
        "---\ntitle: Front title\nslug: not-prose\n---\n\n# Title\n\nPara one. Para two.\n\n"
        "    code. Not text.\n\n```\nfence. Not text.\n```\n\n<div>\nhtml. Text.\n</div>\n\n"
        "> Quote.\n\n- Item.\n\n| Head | Col |\n|---|---|\n| Cell one. | Cell \\| two |\n\n"
        "[ref]: http://example.com 'Link title.'\n"
    )
    segs = segment_document(src, units(src), "en")
    texts = [s.text for s in segs]
    assert texts == ["Front title", "Title", "Para one.", "Para two.", "html.", "Text.",
                     "Quote.", "Item.", "Head", "Col", "Cell one.", "Cell \\| two",
                     "Link title."]
    kinds = {s.text: s.kind for s in segs}
    assert kinds["Title"] == "heading" and kinds["Quote."] == "blockquote"
    assert kinds["Item."] == "list item" and kinds["Cell one."] == "table cell"
    assert kinds["Front title"] == "front matter" and kinds["Text."] == "html"
    assert kinds["Link title."] == "link title"
    lines = {s.text: s.line for s in segs}
    assert lines["Title"] == 6 and lines["Para two."] == 8 and lines["Front title"] == 2


def test_segments_are_exact_source_spans() -> None:
    src = "> First line of a quote,\n> second line. Next sentence.\n"
    segs = segment_document(src, units(src), "en")
    assert [s.text for s in segs] == ["First line of a quote,\nsecond line.", "Next sentence."]
    assert src[segs[0].start : segs[0].end] == "First line of a quote,\n> second line."
    assert segs[0].prefixes == ("> ",)


def test_whole_block_emphasis_stays_outside_segments() -> None:
    src = "*The lecture was given in 2025. It is the fourth part.*\n"
    segs = segment_document(src, units(src), "en")
    assert [s.text for s in segs] == ["The lecture was given in 2025.", "It is the fourth part."]


def test_a_segment_keeps_its_units_fields() -> None:
    """unit_segments passes Segment's fields by position: each lands where it belongs."""
    from tm.model import Piece, Unit
    from tm.segment import unit_segments

    src = "> One sentence here. Another one there."
    unit = Unit("blockquote", 1, (Piece(2, len(src), "> "),), "> ", multiline=False)
    segs = unit_segments(src, unit, "en", block=7)
    assert [(s.text, s.start, s.end, s.line, s.kind, s.continuation, s.multiline,
             s.prefixes, s.block) for s in segs] == [
        ("One sentence here.", 2, 20, 1, "blockquote", "> ", False, (), 7),
        ("Another one there.", 21, 39, 1, "blockquote", "> ", False, (), 7)]


def test_an_image_tag_over_several_lines_is_never_cut() -> None:
    """The Rust book writes figures as `<img alt="...` over three lines; a sentence break
    inside the tag split it over two entries, and a translation of either half could
    turn the image into text without any check seeing it."""
    source = ('Figure 4-6 depicts this concept.\n\n'
              '<img alt="Three tables: the table for s contains only a pointer to the table\n'
              'for s1. The table for s1 contains the stack data for s1 and points to the\n'
              'string data on the heap." src="img/trpl04-06.svg" class="center" />\n\n'
              'Text. <img alt="One. Two\nthree." src="x.svg" /> After.\n')
    texts = [s.text for s in segment_document(source, units(source), "en")]
    assert texts == [
        "Figure 4-6 depicts this concept.",
        source.split("\n\n")[1],
        "Text.",
        '<img alt="One. Two\nthree." src="x.svg" /> After.',
    ]
