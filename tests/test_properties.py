"""Property-based tests (hypothesis): what holds for every document, edit and catalog.

1. Random Markdown documents under random edit sequences (insert, delete, reorder, edit
   a word, split and join paragraphs, change block kinds), `tm segment` after each edit
   (the library call, no memory): every translation made before is still attached to
   its unchanged sentence, or kept fuzzy with its previous msgid, or kept obsolete.
   Identity translations merge back to the source exactly.
2. Random PO files written by tm, by GNU msgcat and by polib: read -> write -> read is
   stable, and what was written is what is read.

Example counts keep this file to a few seconds; TM_PROPERTY_EXAMPLES raises them for a
longer run (bench/README.md, "Fuzzing and property runs").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tm.config import load_config
from tm.cutting import document_segments
from tm.merge import merge
from tm.po import Catalog, Message, format_po, parse_po, read_po, write_po
from tm.project import segment_project

SCALE = int(os.environ.get("TM_PROPERTY_EXAMPLES", "0") or 0)


def examples(n: int) -> settings:
    return settings(max_examples=SCALE or n, deadline=None, derandomize=not SCALE,
                    database=None, phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- documents and edits ----------------------------------------------------------------

WORDS = ["Trotsky", "spoke", "before", "the", "party", "tribunal", "in", "June", "1927",
         "Opposition", "leaders", "were", "summoned", "archive", "letter", "Central",
         "Committee", "wrote", "that", "bureaucracy", "Комиссия", "решила", "and", "of"]
KINDS = ["p", "h1", "h2", "li", "ol", "quote"]

sentence = st.lists(st.sampled_from(WORDS), min_size=2, max_size=9).map(
    lambda ws: " ".join([ws[0][:1].upper() + ws[0][1:], *ws[1:]]) + ".")
block = st.tuples(st.sampled_from(KINDS), st.lists(sentence, min_size=1, max_size=4))
document = st.lists(block, min_size=1, max_size=8)

Block = tuple[str, list[str]]
PREFIX = {"p": "", "h1": "# ", "h2": "## ", "li": "- ", "ol": "1. ", "quote": "> "}


def render(blocks: list[Block]) -> str:
    """One line per block (no soft line breaks: identity merges are then exact)."""
    return "".join(f"{PREFIX[k]}{' '.join(s)}\n\n" for k, s in blocks)


@st.composite
def edit(draw: st.DrawFn, blocks: list[Block]) -> list[Block]:
    """One random edit of the document's blocks."""
    out = [(k, list(s)) for k, s in blocks]
    op = draw(st.sampled_from(["insert", "delete", "reorder", "word", "split", "join",
                               "kind", "sentence"]))
    i = draw(st.integers(0, len(out) - 1))
    if op == "insert" or len(out) < 2 and op in ("delete", "reorder", "join"):
        out.insert(i, draw(block))
    elif op == "delete":
        del out[i]
    elif op == "reorder":
        j = draw(st.integers(0, len(out) - 1))
        out[i], out[j] = out[j], out[i]
    elif op == "word":
        k, sents = out[i]
        n = draw(st.integers(0, len(sents) - 1))
        words = sents[n][:-1].split(" ")
        w = draw(st.integers(0, len(words) - 1))
        words[w] = draw(st.sampled_from(WORDS))
        sents[n] = " ".join(words) + "."
    elif op == "split" and len(out[i][1]) > 1:
        k, sents = out[i]
        cut = draw(st.integers(1, len(sents) - 1))
        out[i:i + 1] = [(k, sents[:cut]), ("p", sents[cut:])]
    elif op == "join" and i + 1 < len(out):
        out[i:i + 2] = [(out[i][0], out[i][1] + out[i + 1][1])]
    elif op == "kind":
        out[i] = (draw(st.sampled_from(KINDS)), out[i][1])
    else:  # a new sentence inside a block
        k, sents = out[i]
        sents.insert(draw(st.integers(0, len(sents))), draw(sentence))
    return out or [draw(block)]


@contextmanager
def scratch_project() -> Iterator[Path]:
    """A project with one English document and a Russian catalog (hypothesis runs many
    examples per test, so not the function-scoped tmp_path)."""
    root = Path(tempfile.mkdtemp(prefix="tm-prop-"))
    try:
        (root / "sources").mkdir()
        (root / "tm.toml").write_text('languages = ["en", "ru"]\nbuiltin_terms = false\n'
                                      '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n')
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def translate_all(path: Path) -> dict[tuple[str, bool], str]:
    """A reviewer translates every entry and clears every fuzzy flag; returns
    (msgid, obsolete) -> translation for every entry holding one."""
    cat = read_po(path)
    for m in cat.messages:
        if not m.obsolete and (not m.msgstr or m.fuzzy):
            m.msgstr = f"[ru {len(m.msgid)}] {m.msgid[::-1]}"
            m.fuzzy = False
            m.previous_msgid = None
    write_po(path, cat)
    return {(m.msgid, m.obsolete): m.msgstr for m in cat.messages if m.msgstr}


def assert_nothing_lost(before: dict[tuple[str, bool], str], after: Catalog,
                        current: set[str]) -> None:
    active = {m.msgid: m for m in after.messages if not m.obsolete}
    obsolete = {m.msgid: m for m in after.messages if m.obsolete}
    fuzzy_from = {(m.previous_msgid, m.msgstr) for m in after.messages
                  if not m.obsolete and m.fuzzy}
    assert set(active) == current
    for (msgid, _), text in before.items():
        if msgid in current:  # an unchanged sentence keeps its translation, not fuzzy
            m = active[msgid]
            assert (m.msgstr, m.fuzzy) == (text, False), msgid
        else:
            kept = obsolete.get(msgid)
            assert (msgid, text) in fuzzy_from or (kept is not None and kept.msgstr == text), (
                f"translation of {msgid!r} lost")


@examples(15)
@given(st.data())
def test_edits_never_lose_a_translation(data: st.DataObject) -> None:
    blocks = data.draw(document)
    with scratch_project() as root:
        doc = root / "sources" / "doc.md"
        doc.write_text(render(blocks), "utf-8")
        config = load_config(root)
        segment_project(config)
        po = config.catalog_path("doc", "ru")
        for _ in range(data.draw(st.integers(1, 4))):
            before = translate_all(po)
            blocks = data.draw(edit(blocks))
            source = render(blocks)
            doc.write_text(source, "utf-8")
            segment_project(config)
            _, segs = document_segments(config, "doc")
            assert_nothing_lost(before, read_po(po), {s.text for s in segs})
            if not any("\n" in s.text for s in segs):
                identity = merge(source, segs, {s.text: s.text for s in segs})
                assert identity.text == source


@examples(25)
@given(document)
def test_identity_round_trip_is_exact(blocks: list[Block]) -> None:
    with scratch_project() as root:
        source = render(blocks)
        (root / "sources" / "doc.md").write_text(source, "utf-8")
        _, segs = document_segments(load_config(root), "doc")
        assert merge(source, segs, {s.text: s.text for s in segs}).text == source


# --- catalogs ---------------------------------------------------------------------------

TEXT_CHARS = st.sampled_from(list("abcxyz ABC АБВжщ ъё0123456789.,:;!?-'\"\\\t\n#~|%{}[]<>"))
text = st.text(TEXT_CHARS, min_size=1, max_size=30).filter(lambda s: s.strip())
maybe_text = st.one_of(st.just(""), text)
comment = st.text(st.sampled_from(list("abc АБВ 0123.,:-'\"")), max_size=20).map(str.strip)
reference = st.from_regex(r"sources/[a-z]{1,6}\.md:[1-9][0-9]{0,2}", fullmatch=True)


@st.composite
def message(draw: st.DrawFn, obsolete: bool) -> Message:
    plural = draw(st.booleans())
    m = Message(msgid=draw(text), msgctxt=draw(st.one_of(st.none(), text)),
                obsolete=obsolete)
    translation = text if obsolete else maybe_text  # tm and gettext drop empty obsolete ones
    if plural:
        m.msgid_plural = draw(text)
        m.msgstr_plural = {i: draw(translation) for i in range(draw(st.integers(1, 3)))}
    else:
        m.msgstr = draw(translation)
    if draw(st.booleans()):
        m.flags = ["fuzzy"]
        if draw(st.booleans()):
            m.previous_msgid = draw(text)
    m.comments = draw(st.lists(comment, max_size=2))
    if not obsolete:
        m.extracted = draw(st.lists(comment, max_size=2))
        m.references = draw(st.lists(reference, max_size=2, unique=True))
    return m


@st.composite
def catalog(draw: st.DrawFn) -> Catalog:
    active = draw(st.lists(message(False), max_size=6))
    old = draw(st.lists(message(True), max_size=3))
    seen: set[tuple[str | None, str]] = set()
    messages = []
    for m in active + old:  # gettext allows each (msgctxt, msgid) once per file
        if m.key not in seen:
            seen.add(m.key)
            messages.append(m)
    header = {"Project-Id-Version": "doc", "Language": "ru", "MIME-Version": "1.0",
              "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
              "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
              "n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"}
    return Catalog(header=header, header_comments=["Russian translation of doc"],
                   messages=messages)


def content(cat: Catalog) -> list[tuple[object, ...]]:
    """What a PO file means, without layout (line numbers, comment order of kinds)."""
    return [(m.msgctxt, m.msgid, m.msgid_plural, m.msgstr, sorted(m.msgstr_plural.items()),
             m.fuzzy, m.previous_msgid, m.obsolete, m.comments,
             [] if m.obsolete else m.extracted, [] if m.obsolete else m.references)
            for m in cat.messages]


def assert_stable(text: str, expected: Catalog) -> None:
    first = parse_po(text)
    assert content(first) == content(expected)
    assert {k: v for k, v in first.header.items()} == expected.header
    written = format_po(first)
    again = parse_po(written)
    assert content(again) == content(first)
    assert format_po(again) == written


@examples(40)
@given(catalog())
def test_po_written_by_tm_reads_back_the_same(cat: Catalog) -> None:
    assert_stable(format_po(cat), cat)


def polib_text(cat: Catalog) -> str:
    import polib

    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(cat.header)
    po.header = "\n".join(cat.header_comments)
    for m in cat.messages:
        e = polib.POEntry(msgid=m.msgid, msgctxt=m.msgctxt, obsolete=m.obsolete,
                          flags=list(m.flags), tcomment="\n".join(m.comments),
                          comment="\n".join(m.extracted),
                          occurrences=[tuple(r.rsplit(":", 1)) for r in m.references],
                          previous_msgid=m.previous_msgid)
        if m.msgid_plural is not None:
            e.msgid_plural = m.msgid_plural
            e.msgstr_plural = dict(m.msgstr_plural)
        else:
            e.msgstr = m.msgstr
        po.append(e)
    return str(po)


def joinable(cat: Catalog) -> Catalog:
    """polib keeps one translator and one extracted comment block: comments with newlines
    inside are out of scope, empty ones vanish; the rest is the same catalog."""
    for m in cat.messages:
        m.comments = [c for c in m.comments if c]
        m.extracted = [c for c in m.extracted if c]
    return cat


@examples(25)
@given(catalog())
def test_po_written_by_polib_reads_back_the_same(cat: Catalog) -> None:
    cat = joinable(cat)
    assert_stable(polib_text(cat), cat)


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext (msgcat) not installed")
@examples(12)
@given(catalog())
def test_po_rewritten_by_msgcat_reads_back_the_same(cat: Catalog) -> None:
    for m in cat.messages:  # gettext drops "fuzzy" where msgstr (msgstr[0]) is empty
        if (m.msgstr_plural.get(0, "") if m.msgid_plural is not None else m.msgstr) == "":
            m.fuzzy = False
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.po"
        src.write_text(format_po(cat), "utf-8")
        r = subprocess.run(["msgcat", "--force-po", "--width=40", "-o", "-", str(src)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
    assert_stable(r.stdout, cat)


CONTROL_CHARS = st.sampled_from(list("ab ё\\\"\n\t\r\x00\x07\x08\x0b\x0c\x1b\x7f\u2028\ufeff"))


@examples(60)
@given(st.text(CONTROL_CHARS, min_size=1, max_size=12), st.text(CONTROL_CHARS, max_size=12))
def test_po_strings_with_control_characters_survive_tm(msgid: str, msgstr: str) -> None:
    """Escapes msgcat and polib may not write (\\0, \\a, ESC, DEL, U+2028, a BOM) come
    back from tm's own writer exactly."""
    cat = Catalog(header={"Content-Type": "text/plain; charset=UTF-8"},
                  messages=[Message(msgid=msgid, msgstr=msgstr)])
    assert [(m.msgid, m.msgstr) for m in parse_po(format_po(cat)).messages] == [
        (msgid, msgstr)]
