"""Source formats (Markdown, HTML, plain text) and the text Markdown holds outside its
paragraphs (front matter, HTML blocks, link titles): every human-readable text is a
segment, identity merges give the document back byte for byte, and a pseudo-translation
keeps the structure."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tm.config import load_config
from tm.errors import ConfigError
from tm.formats import FORMATS, format_of, source_units
from tm.formats.options import SourceOptions
from tm.merge import merge
from tm.segment import segment_document

ARTICLE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>The Opposition in 1928</title>
<style>p { color: red. Not text. }</style></head>
<body>
<h1 id="top">The Opposition in 1928</h1>
<p>In 1928 the Opposition was exiled. Trotsky went to Alma-Ata
on <a href="/jan" title="The date of departure">16 January</a>.</p>
<figure><img src="map.png" alt="A map of Central Asia"><figcaption>Alma-Ata.
Kazakhstan.</figcaption></figure>
<ul>
  <li>RGASPI, f. 17, op. 171, d. 87, l. 83.</li>
  <li>Ibid., l. 45.<ul><li>Nested item.</li></ul></li>
</ul>
<table><caption>Arrests</caption><tr><th>Year</th><td>1928</td><td>Many arrests.</td></tr></table>
<details><summary>Sources</summary><p>See the <code>archive</code> notes.</p></details>
<pre>code. Not text.</pre>
<script>var x = "Not text.";</script>
<!-- a comment. Not text. -->
<button aria-label="Close the note">&times;</button>
<input placeholder="Search the text">
</body>
</html>
"""

PLAIN = """Протокол № 5 заседания Политбюро.
  РГАСПИ. Ф. 17. Оп. 3. Д. 666. Л. 12.

Слушали: о Троцком. Постановили: выслать.
\tВ 1928 г. Троцкий был выслан в Алма-Ату.


  Там же. Л. 45.
12
"""


def segments(path: str, text: str, lang: str = "en",
             options: SourceOptions | None = None) -> list[tuple[str, str]]:
    return [(s.kind, s.text)
            for s in segment_document(text, source_units(path, text, options), lang)]


def pseudo_merge(path: str, text: str, lang: str = "en") -> str:
    segs = segment_document(text, source_units(path, text), lang)
    assert merge(text, segs, {s.text: s.text for s in segs}).text == text
    return merge(text, segs, {s.text: s.text.upper() for s in segs}).text


class _Skeleton(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, ...]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, *sorted(k for k, _ in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("/" + tag,))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def skeleton(html: str) -> _Skeleton:
    p = _Skeleton()
    p.feed(html)
    p.close()
    return p


def test_registry_picks_a_format_by_suffix() -> None:
    assert [f.name for f in FORMATS] == ["markdown", "html", "text"]
    assert format_of("a/b.md").name == "markdown" and format_of("x.HTML").name == "html"
    assert format_of("notes.txt").name == "text" and format_of("README").name == "markdown"


def test_html_article_offers_every_text_and_nothing_else() -> None:
    assert segments("a.html", ARTICLE) == [
        ("html", "The Opposition in 1928"),
        ("html", "The Opposition in 1928"),
        ("html", "In 1928 the Opposition was exiled."),
        ("html", 'Trotsky went to Alma-Ata\non <a href="/jan" title="The date of departure">'
                 "16 January</a>."),
        ("attribute alt", "A map of Central Asia"),
        ("html", "Alma-Ata."), ("html", "Kazakhstan."),
        ("html", "RGASPI, f. 17, op. 171, d. 87, l. 83."),
        ("html", "Ibid., l. 45."), ("html", "Nested item."),
        ("html", "Arrests"), ("html", "Year"), ("html", "Many arrests."),
        ("html", "Sources"), ("html", "See the <code>archive</code> notes."),
        ("attribute aria-label", "Close the note"), ("attribute placeholder", "Search the text"),
    ]


def test_html_pseudo_translation_keeps_structure_and_reaches_all_text() -> None:
    out = pseudo_merge("a.html", ARTICLE)
    assert skeleton(out).tags == skeleton(ARTICLE).tags
    prose = [t for t in skeleton(out).text
             if re.search("[a-z]", t) and "Not text" not in t and "color" not in t]
    assert prose == []
    assert 'alt="A MAP OF CENTRAL ASIA"' in out and 'aria-label="CLOSE THE NOTE"' in out
    assert "<pre>code. Not text.</pre>" in out and "<!-- a comment. Not text. -->" in out


def test_a_translated_attribute_with_quotes_stays_one_attribute() -> None:
    src = '<p><img src="x.png" alt="A crab"></p>\n'
    segs = segment_document(src, source_units("x.html", src), "en")
    out = merge(src, segs, {"A crab": 'Краб "Феррис"'}).text
    assert out == '<p><img src="x.png" alt="Краб &quot;Феррис&quot;"></p>\n'


def test_plain_text_paragraphs() -> None:
    assert segments("doc.txt", PLAIN, "ru") == [
        ("paragraph", "Протокол № 5 заседания Политбюро."),
        ("paragraph", "РГАСПИ. Ф. 17. Оп. 3. Д. 666. Л. 12."),
        ("paragraph", "Слушали: о Троцком."), ("paragraph", "Постановили: выслать."),
        ("paragraph", "В 1928 г. Троцкий был выслан в Алма-Ату."),
        ("paragraph", "Там же. Л. 45."),
    ]
    out = pseudo_merge("doc.txt", PLAIN, "ru")
    assert out == PLAIN.upper()


def test_markdown_front_matter_html_blocks_and_link_titles() -> None:
    src = ('---\ntitle: "The lecture: part 4"\nsubtitle: Exile\nslug: part-4\n'
           'summary: |\n  Two lines\n  of summary.\n---\n\n'
           '<p align="center">A centred <em>line</em>.</p>\n\n'
           '<Listing number="1-1" caption="Hello, world" file-name="main.rs">\n\n'
           '```rust\nfn main() {}\n```\n\n</Listing>\n\n'
           'See [the docs][d].\n\n[d]: https://example.com "The documentation"\n')
    assert segments("x.md", src) == [
        ("front matter", "The lecture: part 4"), ("front matter", "Exile"),
        ("front matter", "Two lines\nof summary."),
        ("html", "A centred <em>line</em>."), ("attribute caption", "Hello, world"),
        ("paragraph", "See [the docs][d]."), ("link title", "The documentation"),
    ]
    out = pseudo_merge("x.md", src)
    assert 'subtitle: EXILE\nslug: part-4\n' in out and 'caption="HELLO, WORLD"' in out
    assert '"THE DOCUMENTATION"' in out and "  TWO LINES\n  OF SUMMARY." in out
    only_title = SourceOptions(front_matter=("slug",), attributes=(), tag_attributes={})
    assert [t for k, t in segments("x.md", src, options=only_title)
            if k == "front matter" or k.startswith("attribute")] == ["part-4"]


def test_a_plain_yaml_value_is_quoted_when_its_translation_needs_it() -> None:
    src = "---\ntitle: Exile\n---\n\nText.\n"
    segs = segment_document(src, source_units("x.md", src), "en")
    out = merge(src, segs, {"Exile": "Exile: the year 1928", "Text.": "Text."}).text
    assert out.startswith('---\ntitle: "Exile: the year 1928"\n---')


def test_source_options_in_tm_toml(tmp_path: Path) -> None:
    (tmp_path / "tm.toml").write_text(
        '[source]\nfront_matter = ["title", "lede"]\n'
        'tag_attributes = { Figure = ["data-caption"] }\n')
    config = load_config(tmp_path)
    assert config.source.front_matter == ("title", "lede")
    assert config.source.tag_attributes == {"figure": ("data-caption",)}
    (tmp_path / "tm.toml").write_text('[source]\nfront_matter = "title"\n')
    with pytest.raises(ConfigError, match="source.front_matter"):
        load_config(tmp_path)


def test_html_and_text_documents_in_a_project(tmp_path: Path) -> None:
    """The same workflow for every format: segment, translate, merge; documents other
    than Markdown keep their suffix in their names, catalogs and output."""
    from tm.po import read_po, write_po
    from tm.project import merge_project, segment_project

    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru"]\nbuiltin_terms = false\n'
        '[[documents]]\nglob = "**/*.html"\nlanguage = "en"\n'
        '[[documents]]\nglob = "**/*.txt"\nlanguage = "ru"\n')
    (tmp_path / "sources/articles").mkdir(parents=True)
    (tmp_path / "sources/fonds").mkdir(parents=True)
    (tmp_path / "sources/articles/exile.html").write_text(ARTICLE, "utf-8")
    (tmp_path / "sources/fonds/protocol.txt").write_text(PLAIN, "utf-8")
    config = load_config(tmp_path)
    assert config.documents_list() == ["articles/exile.html", "fonds/protocol.txt"]
    segment_project(config, advisor=None)
    for doc, lang in (("articles/exile.html", "ru"), ("fonds/protocol.txt", "en")):
        path = config.catalog_path(doc, lang)
        assert path == tmp_path / "locales" / lang / f"{doc}.po"
        cat = read_po(path)
        assert len(cat.messages) > 5
        for m in cat.messages:
            m.msgstr = m.msgid.upper()
        write_po(path, cat)
    merge_project(config)
    html = (tmp_path / "build/ru/articles/exile.html").read_text("utf-8")
    assert skeleton(html).tags == skeleton(ARTICLE).tags
    assert "<h1 id=\"top\">THE OPPOSITION IN 1928</h1>" in html
    assert (tmp_path / "build/en/fonds/protocol.txt").read_text("utf-8") == PLAIN.upper()


HOSTILE_HTML = {
    "many items": lambda n: "<ul>" + "<li>Item text.</li>" * (n // 19) + "</ul>",
    "deep nesting": lambda n: "<div>" * (n // 11) + "Text." + "</div>" * (n // 11),
    "stray end tags": lambda n: "<div>" * (n // 9) + "</x>" * (n // 9),
    "implicit ends": lambda n: "<div><p>" * (n // 18) + "Text</div>" * (n // 18),
    "attributes": lambda n: '<img alt="A crab">' * (n // 18),
}


@pytest.mark.parametrize("name", list(HOSTILE_HTML))
def test_html_units_are_linear(name: str) -> None:
    """Units of a hostile HTML document at two sizes: time may grow at most three times
    faster than the size (8x the text), as in tests/test_linear_time.py."""
    import time

    def best(text: str) -> float:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            source_units("x.html", text)
            times.append(time.perf_counter() - t0)
        return min(times)

    small, big = (HOSTILE_HTML[name](n) for n in (8_000, 64_000))
    t_small, t_big = best(small), best(big)
    assert t_big < 0.05 or t_big / max(t_small, 1e-4) < 3 * 8, (t_small, t_big)
