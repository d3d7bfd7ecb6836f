"""Block syntax stays outside msgids (alerts, task boxes, footnote labels, heading
attributes), footnote definitions are offered with their continuation paragraphs, and a
translation merged back keeps the syntax byte for byte."""

from __future__ import annotations

from tm.merge import merge
from tm.segment import segment_document
from tm.source import units

DOC = """# Install {#install .big}

> [!NOTE]
> Useful information. Read it.

> [!TIP] Remember
> this.

- [ ] Open task.
- [x] Done task.

Text with a note.[^1]

[^1]: The footnote text.
    A lazy line.

    Its continuation paragraph.

[^long-name]: Another footnote.
"""


def texts(src: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in segment_document(src, units(src), "en")]


def test_markers_stay_outside_and_footnotes_are_offered() -> None:
    assert texts(DOC) == [
        ("heading", "Install"),
        ("blockquote", "Useful information."), ("blockquote", "Read it."),
        ("blockquote", "Remember\nthis."),
        ("list item", "Open task."), ("list item", "Done task."),
        ("paragraph", "Text with a note.[^1]"),
        ("footnote", "The footnote text."), ("footnote", "A lazy line."),
        ("footnote", "Its continuation paragraph."),
        ("footnote", "Another footnote."),
    ]


def test_translation_keeps_the_markers() -> None:
    segs = segment_document(DOC, units(DOC), "en")
    out = merge(DOC, segs, {s.text: s.text.upper() for s in segs}).text
    for kept in ("# INSTALL {#install .big}\n", "> [!NOTE]\n> USEFUL", "> [!TIP] REMEMBER",
                 "- [ ] OPEN TASK.", "- [x] DONE TASK.", "[^1]: THE FOOTNOTE TEXT.",
                 "    ITS CONTINUATION PARAGRAPH.", "[^long-name]: ANOTHER FOOTNOTE."):
        assert kept in out
    assert merge(DOC, segs, {s.text: s.text for s in segs}).text == DOC


def test_a_marker_alone_is_not_a_segment_and_lines_stay_right() -> None:
    src = "Intro.\n\n> [!WARNING]\n> Careful here.\n"
    segs = segment_document(src, units(src), "en")
    assert [(s.text, s.line) for s in segs] == [("Intro.", 1), ("Careful here.", 4)]


def test_look_alikes_stay_text() -> None:
    """Brackets that are not markers where they stand are translated as text."""
    src = "[x] marks the spot.\n\n## Set {braces} here\n\n- [link](http://a.example) item\n"
    assert texts(src) == [("paragraph", "[x] marks the spot."),
                          ("heading", "Set {braces} here"),
                          ("list item", "[link](http://a.example) item")]
