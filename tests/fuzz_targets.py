"""Fuzz targets over tm's readers of untrusted input, shared by tests/test_fuzz.py (a few
seconds of hypothesis in every test run) and bench/fuzz.py (a long mutation run).

Each target takes bytes and returns whether the input was read (True) or refused with
TmError (False: a documented input error, one line and exit 2), or raises TmError.
Anything else is a finding: an exception of another kind, or an AssertionError from an
oracle (merge without translations gives the source back, what tm writes it reads back
the same, the two TMX readers agree).
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from tm.errors import TmError

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def markdown(data: bytes, name: str = "fuzz.md") -> bool:
    """The segmenter (English and Russian rules) and merge of what it cut."""
    from tm.formats import source_units
    from tm.merge import merge
    from tm.segment import segment_document

    text = data.decode("utf-8", "replace").replace("\x00", "")  # read_source refuses NUL
    for lang in ("en", "ru"):
        segs = segment_document(text, source_units(name, text), lang)
        for s in segs:
            assert 0 <= s.start <= s.end <= len(text), (s.start, s.end, len(text))
        assert merge(text, segs, {}).text == text, "merge without translations changed it"
        if not any("\n" in s.text for s in segs):
            assert merge(text, segs, {s.text: s.text for s in segs}).text == text, (
                "identity merge changed the text")
    return True


def html(data: bytes) -> bool:
    """An HTML source document (tm.formats.html), cut and merged as Markdown is."""
    return markdown(data, "fuzz.html")


def plain_text(data: bytes) -> bool:
    """A plain-text source document (tm.formats.text)."""
    return markdown(data, "fuzz.txt")


def merge_translations(data: bytes) -> bool:
    """Merge with hostile translations: markup, newlines, pipes, NULs, huge text."""
    from tm.merge import merge
    from tm.segment import segment_document
    from tm.source import units

    cut = data.find(b"\xff")
    source, extra = (data, b"") if cut < 0 else (data[:cut], data[cut + 1:])
    text = source.decode("utf-8", "replace").replace("\x00", "")
    words = extra.decode("utf-8", "replace").split(" ") or [""]
    segs = segment_document(text, units(text), "en")
    table = {s.text: words[i % len(words)] + s.text[::-1] for i, s in enumerate(segs)}
    out = merge(text, segs, table)
    assert isinstance(out.text, str)
    return True


def po(data: bytes) -> bool:
    """The PO reader; a catalog it reads, tm writes and reads back the same."""
    from tm.po import decode_po, format_po, parse_po

    try:
        cat = parse_po(decode_po(data, "fuzz.po"), "fuzz.po")
    except TmError:
        return False
    written = format_po(cat)
    again = parse_po(written, "rewritten.po")
    assert format_po(again) == written, "tm's own PO output reads back differently"
    return True


def _with_file(suffix: str, data: bytes, read: Callable[[Path], bool]) -> bool:
    with tempfile.TemporaryDirectory(prefix="tm-fuzz-") as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        return read(path)


def tmx(data: bytes) -> bool:
    """Both TMX readers; where both read a file, they give the same units."""
    from tm.memory.formats import read_memory, read_tmx
    from tm.memory.tmxfast import read_tmx_fast

    def both(path: Path) -> bool:
        try:
            units = [u.texts for u in read_memory(path)]
        except TmError:
            units = None
        try:
            full = [u.texts for u in read_tmx(path)]
        except TmError:
            full = None
        try:
            fast_iter = read_tmx_fast(path)
            fast = None if fast_iter is None else [u.texts for u in fast_iter]
        except TmError:
            fast = None
        if fast is not None:
            assert full is not None, "only the fast TMX reader accepts this file"
            assert fast == full, "the two TMX readers disagree"
        if units is not None and full is not None:
            assert units == full
        return units is not None

    return _with_file(".tmx", data, both)


def tbx(data: bytes) -> bool:
    """The termbase reader and the TBX memory reader."""
    from tm.tbx import parse_tbx

    try:
        parse_tbx(data, Path("fuzz.tbx"))
        read = True
    except TmError:
        read = False
    return _with_file(".tbx", data, _read_memory) or read


def _read_memory(path: Path) -> bool:
    from tm.memory.formats import read_memory

    try:
        list(read_memory(path))
    except TmError:
        return False
    return True


def csv(data: bytes) -> bool:
    """The CSV and PO memory readers."""
    as_csv = _with_file(".csv", data, _read_memory)
    return _with_file(".po", data, _read_memory) or as_csv


TARGETS: dict[str, Callable[[bytes], bool]] = {
    "markdown": markdown, "html": html, "text": plain_text, "merge": merge_translations,
    "po": po, "tmx": tmx, "tbx": tbx, "csv": csv}


def seeds(target: str) -> list[bytes]:
    """Real files of each kind to mutate (small ones first)."""
    globs = {
        "markdown": ["sources/**/*.md", "tests/data/segmentation/*.txt"],
        "html": ["tests/data/**/*.html", "sources/**/*.md"],
        "text": ["tests/data/segmentation/*.txt", "sources/**/*.md"],
        "merge": ["sources/**/*.md"],
        "po": ["tests/data/*.po", "locales/**/*.po"],
        "tmx": ["tests/data/*.tmx", "memory/*.tmx"],
        "tbx": ["tests/data/*.tbx"],
        "csv": ["tests/data/*.csv", "tests/data/memory_old.po"],
    }[target]
    files = sorted({p for g in globs for p in ROOT.glob(g) if p.is_file()},
                   key=lambda p: p.stat().st_size)
    out = [p.read_bytes() for p in files]
    if target in ("markdown", "merge", "html", "text"):  # whole lectures are slow to fuzz
        paragraphs = [para for d in out for para in d.split(b"\n\n") if para.strip()]
        out = paragraphs[:400] + out[:2]
    if target == "html":  # paragraphs as HTML elements too
        tags = [b"p", b"div", b"li", b"blockquote", b"td", b"h2"]
        out += [b"<html><body><%s title=\"Note %d\">%s</%s></body></html>" % (
            tags[i % len(tags)], i, p, tags[i % len(tags)]) for i, p in enumerate(out[:200])]
    return out or [b""]


TOKENS = [
    b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x110000;", b"&nbsp;", b"&undefined;", b"]]>",
    b"<![CDATA[", b"<!DOCTYPE x [<!ENTITY e \"ee\">]>", b"<?xml version=\"1.0\"?>",
    b"<seg>", b"</seg>", b"<tu>", b"</tu>", b"<tuv xml:lang=\"ru\">", b"</tuv>", b"<bpt i=\"1\">",
    b"<ph>", b"<hi>", b"xmlns:x=\"urn:x\"", b"<x:y>", b"encoding=\"cp1251\"",
    b"msgid ", b"msgstr ", b"msgctxt ", b"msgid_plural ", b"msgstr[0] ", b"msgstr[9] ",
    b"#~ ", b"#| ", b"#, fuzzy", b"#: ", b"\"", b"\\", b"\\n", b"\\x", b"\\0", b"\\u0041",
    b"\n", b"\r\n", b"\r", b"\t", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xe2\x80\xa8",
    b"*", b"**", b"_", b"`", b"```", b"~~~", b"[", b"]", b"](", b"[^1]", b"[^1]: ", b"<sup>",
    b"</sup>", b"<a ", b"<!--", b"-->", b"#", b"> ", b"- ", b"1. ", b"|", b"| --- |", b"---\n",
    b"    ", b"\\*", b"&#", b"f. 17, op. 171, d. 87, l. 83.", b"\xd0\x9b. 83.", b"Ibid.",
    b"Mr. ", b"e.g. ", b"...", b"?!", b",", b";", b"\"", b"'",
]


def mutate(data: bytes, rng: random.Random, rounds: int | None = None) -> bytes:
    """A few random edits of `data`: flip, insert a token, delete, duplicate, splice."""
    buf = bytearray(data)
    for _ in range(rounds if rounds is not None else rng.randint(1, 6)):
        op = rng.randrange(6)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos:pos] = rng.choice(TOKENS) * rng.choice((1, 1, 1, 2, 8, 64))
        elif op == 2 and buf:
            end = min(len(buf), pos + rng.randint(1, 64))
            del buf[pos:end]
        elif op == 3 and buf:
            end = min(len(buf), pos + rng.randint(1, 128))
            buf[pos:pos] = buf[pos:end] * rng.randint(1, 4)
        elif op == 4:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif buf:
            a = rng.randrange(len(buf))
            b = rng.randrange(len(buf))
            buf[pos:pos] = buf[min(a, b):max(a, b)][:256]
    return bytes(buf)


XML_TEXT_TOKENS = [
    b"&amp;", b"&lt;", b"&#160;", b"&#x1F600;", b"<![CDATA[<x>&]]>", b"<!-- c -->",
    b"<?pi x?>", b'<bpt i="1">&lt;b&gt;</bpt>', b'<ept i="1">&lt;/b&gt;</ept>',
    b'<ph x="1">{0}</ph>', b"<ph/>", b'<it pos="begin"/>', b"<hi>x</hi>",
    b"<hi><hi><hi>x</hi></hi></hi>", b"<sub>note</sub>", b"<ut>u</ut>",
    b'<x:y xmlns:x="urn:x">z</x:y>', b"\r\n", b"\t", b"  ", b"\xc2\xa0", b"\xe2\x80\xa8",
    b"\xd0\xa6\xd0\x9a\xd0\x9a", b"Central Control Commission", b"f. 17, op. 1",
]
"""Text that keeps an XML file well-formed, so mutations reach past the parser into the
readers' own code."""
XML_RISKY_TOKENS = [b"&nbsp;", b"&e;", b"&#0;", b"&#xD800;", b"]]>", b"<hi>", b"</hi>"]
"""Text that breaks it (undefined entity, bad character reference, unbalanced tags)."""


def mutate_xml_text(data: bytes, rng: random.Random) -> bytes:
    """Insert tokens into character data: after a `>` inside the root element."""
    buf = bytearray(data)
    root = next((i for i in range(len(buf) - 1)
                 if buf[i] == 0x3C and buf[i + 1] not in b"?!"), 0)
    end = buf.rfind(b"</")
    for _ in range(rng.randint(1, 5)):
        gaps = [i + 1 for i, c in enumerate(buf) if c == 0x3E and root < i < end] or [
            len(buf)]
        pos = rng.choice(gaps)
        token = rng.choice(XML_RISKY_TOKENS if rng.random() < 0.1 else XML_TEXT_TOKENS)
        buf[pos:pos] = token * rng.choice((1, 1, 2, 50))
        end += len(token)
    return bytes(buf)
