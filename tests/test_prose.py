"""tm.segment.prose: what of a segment is prose (the has_text shortcut agrees with the
full scan; code spans pair as CommonMark pairs backtick runs)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tm.segment.prose import code_spans, has_text, prose

PIECES = ["a", "Я", " ", "`", "``", "<", ">", "<a id=\"x\">", "</a>", "](", ")", "[", "]",
          "[^1]", "&amp;", "&", ";", "https://x.org/a", "http", ":", "1", "\n", "\\", "*",
          '<img alt="pic">']


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_has_text_is_a_letter_in_the_prose(text: str) -> None:
    assert has_text(text) == (re.search(r"[^\W\d_]", prose(text)) is not None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "`", "``", "```", "b"]), max_size=12).map("".join))
def test_code_spans_are_commonmarks(text: str) -> None:
    md = MarkdownIt("commonmark")
    expected = [t.content for tok in md.parse(text.strip() and f"x{text}x")
                if tok.type == "inline" for t in tok.children or [] if t.type == "code_inline"]
    src = f"x{text}x"
    got = []
    for a, b, fence in code_spans(src):
        content = src[a + fence : b - fence].replace("\n", " ")
        if len(content) > 2 and content[0] == content[-1] == " " and content.strip(" "):
            content = content[1:-1]
        got.append(content)
    if text.strip():
        assert got == expected


def test_a_reference_links_label_is_not_prose() -> None:
    """`[text][label]`: the label names a definition that stays untranslated, so it is
    markup (a pseudo-translation that translated it broke the Rust book's links)."""
    from tm.segment.prose import markup_spans, prose

    text = "See [“Storing Text”][strings]<!-- ignore --> and [x][] here."
    assert [text[a:b] for a, b in markup_spans(text)] == ["[strings]", "<!-- ignore -->", "[]"]
    assert "strings" not in prose(text) and "Storing Text" in prose(text)
