"""Segment -> translate -> merge keeps documents intact (lecture and CommonMark spec)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tm.config import load_config
from tm.merge import fit_translation, merge
from tm.model import Segment
from tm.po import read_po, write_po
from tm.project import merge_project, segment_project
from tm.segment import segment_document
from tm.source import markdown_parser, units

from .conftest import LECTURE, LECTURE_DOC

SPEC = json.loads((Path(__file__).parent / "data/commonmark/spec.json").read_text("utf-8"))
COMMONMARK = MarkdownIt("commonmark", {"html": True})
PARSER = markdown_parser()


def segments_of(src: str) -> list[Segment]:
    return segment_document(src, units(src), "en")


class _Tags(HTMLParser):
    """The tag skeleton of an HTML page: element names and attribute names, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(("<", tag, *sorted(k for k, _ in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append((">", tag))


def skeleton(markdown: str) -> list[tuple[str, ...]]:
    p = _Tags()
    p.feed(COMMONMARK.render(markdown))
    p.close()
    return p.tags


def lowercase_text(markdown: str) -> list[str]:
    """Running-text tokens that still hold a lowercase letter."""
    out = []
    for tok in PARSER.parse(markdown):
        if tok.type == "inline":
            out.extend(c.content for c in tok.children or []
                       if c.type == "text" and re.search("[a-z]", c.content))
    return out


_NOT_PROSE = re.compile(r"<[^>]*>|\S*://\S*|\S+@\S+|&\w+;")


def prose(markdown: str) -> list[str]:
    """Running text a translator would translate: `lowercase_text` without autolinks and
    without what only looks like a URL, an e-mail address, a tag or an entity (`<a
    h*#ref="hi">`, `&MadeUpEntity;` are literal text in CommonMark, not prose)."""
    out = []
    for tok in PARSER.parse(markdown):
        if tok.type != "inline":
            continue
        autolink = False
        for c in tok.children or []:
            if c.type in ("link_open", "link_close"):
                autolink = c.type == "link_open" and c.markup == "autolink"
            elif c.type == "text" and not autolink and re.search(
                    "[a-z]", _NOT_PROSE.sub(" ", c.content)):
                out.append(c.content)
    return out


def pseudo(text: str) -> str:
    """Upper-cased and longer: every space between words doubled."""
    return re.sub(r"(?<=\S) (?=\S)", "  ", text.upper())


def test_lecture_identity_is_byte_exact(project: Path) -> None:
    config = load_config()
    segment_project(config)
    for lang in ("ru", "de"):
        path = config.catalog_path(LECTURE_DOC, lang)
        cat = read_po(path)
        for m in cat.messages:
            m.msgstr = m.msgid
        write_po(path, cat)
    merge_project(config)
    for lang in ("ru", "de"):
        assert config.output_path(LECTURE_DOC, lang).read_bytes() == LECTURE.read_bytes()


def test_lecture_identity_through_msgids_is_byte_exact() -> None:
    src = LECTURE.read_text("utf-8")
    segs = segments_of(src)
    rebuilt, pos = [], 0
    for s in segs:
        rebuilt += [src[pos : s.start], fit_translation(s.text, s)]
        pos = s.end
    rebuilt.append(src[pos:])
    assert "".join(rebuilt) == src


@pytest.mark.parametrize("example", SPEC, ids=lambda e: str(e["example"]))
def test_commonmark_identity_gives_identical_html(example: dict) -> None:
    src = example["markdown"]
    segs = segments_of(src)
    assert merge(src, segs, {s.text: s.text for s in segs}).text == src
    # Rebuild every span from its msgid, as a changed translation would be written.
    rebuilt, pos = [], 0
    for s in segs:
        assert s.start >= pos, "segments overlap"
        rebuilt += [src[pos : s.start], fit_translation(s.text, s)]
        pos = s.end
    rebuilt.append(src[pos:])
    assert COMMONMARK.render("".join(rebuilt)) == COMMONMARK.render(src)


def test_commonmark_examples_have_units() -> None:
    with_text = [e for e in SPEC if prose(e["markdown"])]
    reached = [e for e in with_text if segments_of(e["markdown"])]
    assert len(reached) == len(with_text) > 400


@pytest.mark.parametrize("text", [
    '<a id="listing-1-1"></a>', "`Vec<T>`", "`cargo build` / `cargo run`", "<br>",
    "<http://example.com>", "https://example.com", "&nbsp;", "12", "`1`, `2`",
    "<sup>[1]</sup>", "[^1]", "[](https://example.com)"])
def test_a_segment_without_text_is_no_segment(text: str) -> None:
    for src in (f"{text}\n", f"| a | b |\n|---|---|\n| {text} | x |\n", f"# {text}\n"):
        segs = segments_of(src)
        assert text not in [s.text for s in segs]
        assert merge(src, segs, {s.text: s.text.upper() for s in segs}).text.count(text) == 1


@pytest.mark.parametrize("text", [
    '<a id="intro"></a>Introduction', "Use `Vec<T>`.", '<img alt="a diagram" src="x.png">',
    "[the book](https://doc.rust-lang.org)", "`a` or `b`", "Ω", "Über `x`"])
def test_a_segment_with_text_stays(text: str) -> None:
    cell = f"| x | {text} |\n|---|---|\n"
    assert [s.text for s in segments_of(cell)] == ["x", text]
    if not text.startswith("<img"):  # alone on its line, an HTML block
        assert [s.text for s in segments_of(f"{text}\n")] == [text]


def test_textless_paragraphs_are_copied_exactly_around_translations() -> None:
    src = ('<a id="listing-3-1"></a>\n\nSome *text* here.\n\n| `u8` | An integer. |\n'
           '|------|-------------|\n| `i8` | A signed one. |\n')
    segs = segments_of(src)
    assert [s.text for s in segs] == ["Some *text* here.", "An integer.", "A signed one."]
    out = merge(src, segs, {s.text: "X." for s in segs}).text
    assert out == ('<a id="listing-3-1"></a>\n\nX.\n\n| `u8` | X. |\n'
                   '|------|-------------|\n| `i8` | X. |\n')


@pytest.mark.parametrize("example", SPEC, ids=lambda e: str(e["example"]))
def test_commonmark_pseudo_translation_keeps_structure_and_reaches_all_text(
    example: dict,
) -> None:
    src = example["markdown"]
    segs = segments_of(src)
    out = merge(src, segs, {s.text: pseudo(s.text) for s in segs}).text
    assert skeleton(out) == skeleton(src)
    assert prose(out) == []


def test_lecture_pseudo_translation() -> None:
    src = LECTURE.read_text("utf-8")
    segs = segments_of(src)
    out = merge(src, segs, {s.text: pseudo(s.text) for s in segs}).text
    assert skeleton(out) == skeleton(src)
    assert lowercase_text(out) == []
    assert len(out) > len(src)


def _wrapped(text: str, every: int = 3) -> str:
    """Translation broken onto new lines every few words (never before block syntax)."""
    words = pseudo(text).split("  ")
    out = [words[0]]
    for i, w in enumerate(words[1:], 1):
        safe = not re.match(r"[-+*#>=|`~]|\d+[.)]", w)
        out.append(("\n" if i % every == 0 and safe else " ") + w)
    return "".join(out)


NESTED = """\
> A quotation that runs on. It has two sentences and *emphasis* inside.
>
> - A list item inside the quote. It goes on for a while here.
>   Second line of the item.

1. First item with text that is long enough. And a second sentence.

   A second paragraph in the item, with a [link](http://example.com "title").

   > Quote in the item. More text follows here.
- Loose *bullet* item. It ends here.
"""


@pytest.mark.parametrize("doc", ["nested", "lecture", *[f"spec{e['example']}" for e in SPEC
                                  if re.search(r"^\s*(>|[-*+]|\d+[.)])\s", e["markdown"], re.M)]])
def test_multiline_translations_are_reindented(doc: str) -> None:
    if doc == "nested":
        src = NESTED
    elif doc == "lecture":
        src = LECTURE.read_text("utf-8")
    else:
        src = next(e["markdown"] for e in SPEC if f"spec{e['example']}" == doc)
    segs = segments_of(src)
    out = merge(src, segs, {s.text: _wrapped(s.text) for s in segs}).text
    assert skeleton(out) == skeleton(src)
    assert lowercase_text(out) == []


def test_nested_reindent_uses_container_prefixes() -> None:
    segs = segments_of(NESTED)
    out = merge(NESTED, segs, {s.text: _wrapped(s.text, every=2) for s in segs}).text
    lines = out.splitlines()
    quote = [ln for ln in lines if "QUOTATION" in ln or "SENTENCES" in ln]
    assert quote and all(ln.startswith(">") for ln in quote)
    item = [ln for ln in lines if "PARAGRAPH" in ln or "ITEM," in ln]
    assert item and all(ln.startswith("   ") for ln in item)
    assert skeleton(out) == skeleton(NESTED)


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_a_translations_line_breaks_end_as_the_documents_lines(ending: str) -> None:
    """A translation that breaks a line (or keeps the source's breaks) in a document
    whose lines end in CRLF (or CR) ends its lines the same way: no bare LF inside."""
    src = NESTED.replace("\n", ending)
    segs = segments_of(src)
    out = merge(src, segs, {s.text: _wrapped(s.text, every=2) for s in segs}).text
    assert out != src and out.count(ending) > src.count(ending)
    assert "\n" not in out.replace(ending, "") if ending == "\r\n" else "\n" not in out
    assert skeleton(out.replace(ending, "\n")) == skeleton(NESTED)
