"""The fast TMX reader (regular expressions over text expat checked) gives what the lxml
reader gives, on generated TMX: entities and character references, CDATA, nested inline
codes (bpt/ept/ph/it/ut/hi), seg and tuv attributes, a BOM, several tuv per tu, xml:lang
spelled several ways (and TMX 1.1's lang), props and notes in the header, tu and tuv,
CRLF line ends, and the header's aligned mark; also the same error on the same line."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tm.errors import MemoryFormatError
from tm.memory import tmxfast
from tm.memory.formats import MemoryUnit, read_tmx
from tm.memory.tmx import read_tmx_tree

SPACE = st.sampled_from(["", " ", "\n", "\n  ", "\t"])
PLAIN = st.text(st.sampled_from(list("abc xyz ABC 019 .,;:!?'\"()-/> Жёлтый ёж ") + ["\n"]),
                min_size=1, max_size=12)
REFERENCE = st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#160;", "&#x41;",
                             "&#1046;", "&#xA0;"])
CDATA = PLAIN.map(lambda t: f"<![CDATA[{t}<b>&amp;]]>")
CODE = st.sampled_from([
    '<bpt i="1">&lt;b&gt;</bpt>', '<ept i="1">&lt;/b&gt;</ept>', "<ph>&lt;br/&gt;</ph>",
    '<ph x="2" type="lb"/>', '<it pos="begin">&lt;i&gt;</it>', "<ut>{\\b}</ut>",
    '<bpt i="2"><sub>note</sub></bpt>'])


def _hi(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(inner, min_size=1, max_size=3).map(
        lambda parts: f'<hi type="b">{"".join(parts)}</hi>')


PIECE = st.recursive(st.one_of(PLAIN, REFERENCE, CODE), _hi, max_leaves=6)
SEG_BODY = st.one_of(  # plain text (the reader's own patterns) or with inline codes (lxml)
    st.lists(st.one_of(PLAIN, REFERENCE), min_size=1, max_size=4).map("".join),
    st.lists(PIECE, min_size=1, max_size=5).map("".join))
SPELLINGS = {"en": ['xml:lang="en"', 'xml:lang="EN-us"', "xml:lang='en_GB'"],
             "ru": ['xml:lang="ru"', 'xml:lang="ru-RU"', 'lang="ru"'],
             "de": ['xml:lang="de"', 'lang="DE-at"'], "fr": ['xml:lang="fr"']}
PROP = st.sampled_from(['<prop type="x-origin">memory/a.tmx</prop>',
                        '<prop type="x-tm-align-confidence">0.93</prop>',
                        "<note>a note &amp; more</note>", "<note>second</note>"])


@st.composite
def tuv(draw: st.DrawFn, lang: str) -> str:
    seg_attrs = draw(st.sampled_from(["", ' xml:space="preserve"', ' id="s1"']))
    seg = f"<seg{seg_attrs}>{draw(SEG_BODY)}</seg>"
    if draw(st.integers(0, 20)) == 7:
        seg = ""  # a tuv without a seg
    before = "".join(draw(st.lists(PROP, max_size=2)))
    attrs = "" if draw(st.integers(0, 30)) == 7 else f" {draw(st.sampled_from(SPELLINGS[lang]))}"
    if draw(st.booleans()):
        attrs += ' creationid="x"'
    return f"<tuv{attrs}>{draw(SPACE)}{before}{seg}{draw(SPACE)}</tuv>"


@st.composite
def tu(draw: st.DrawFn) -> str:
    langs = draw(st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, max_size=4))
    parts = [draw(tuv(lang)) for lang in langs]  # a language twice now and then
    for prop in draw(st.lists(PROP, max_size=3)):  # props and notes anywhere among them
        parts.insert(draw(st.integers(0, len(parts))), prop)
    attrs = draw(st.sampled_from(["", ' tuid="7"', " srclang='en' tuid=\"x\""]))
    sep = draw(SPACE)
    return f"<tu{attrs}>{sep}{sep.join(parts)}{sep}</tu>"


@st.composite
def document(draw: st.DrawFn) -> bytes:
    header_props = draw(st.lists(st.sampled_from([
        '<prop type="x-tm-origin">aligned</prop>', '<prop type="x-tm-origin"> aligned </prop>',
        '<prop type="x-tm-origin">reviewed</prop>', "<prop type='x-tm-origin'>aligned</prop>",
        '<prop type="x-other">aligned</prop>', "<note>header note</note>"]), max_size=3))
    header = draw(st.sampled_from(['<header srclang="en" o-tmf="tm"', "<header"]))
    closed = not header_props and draw(st.booleans())  # <header .../>
    header += "/>" if closed else f">{''.join(header_props)}</header>"
    sep = draw(SPACE)
    units = draw(st.lists(tu(), min_size=1, max_size=6))
    body = f"<tmx version=\"1.4\">{sep}{header}{sep}<body>{sep}{sep.join(units)}{sep}</body>" \
           f"{sep}</tmx>\n"
    decl = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n',
                                 "<?xml version='1.0'?>\n"]))
    doctype = draw(st.sampled_from(["", '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n']))
    text = decl + doctype + body
    if draw(st.integers(0, 4)) == 3:  # CDATA in a seg: the whole file goes to lxml
        text = text.replace("</seg>", f"{draw(CDATA)}</seg>", 1)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if draw(st.booleans()) else data


def _read(reader: object, path: Path) -> object:
    try:
        return [(u.texts, u.line, u.note, u.aligned)
                for u in reader(path)]  # type: ignore[operator]
    except MemoryFormatError as e:
        return ("error", e.what, e.line)


def _key(units: list[MemoryUnit]) -> list[tuple[object, ...]]:
    return [(u.texts, u.line, u.note, u.aligned) for u in units]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=document())
def test_fast_reader_equals_lxml(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.tmx"
        path.write_bytes(data)
        tree = _read(read_tmx_tree, path)
        assert _read(read_tmx, path) == tree
        unusual = tmxfast._UNUSUAL.search(data) is not None  # CDATA, self-closing <tu/>...
        fast = _read(lambda p: tmxfast.read_tmx_fast(p) or [], path)
        if not unusual:  # the fast reader takes the file (else: lxml, compared above)
            assert tmxfast.read_tmx_fast(path) is not None
            assert fast == tree


def test_the_generator_covers_units_of_several_kinds() -> None:
    """The property above is worth something only if documents give units through the
    fast path, with notes, inline codes and the aligned mark."""
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(data=document())
    def collect(data: bytes) -> None:
        if tmxfast._UNUSUAL.search(data) is not None:
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "g.tmx"
            path.write_bytes(data)
            try:
                units = list(read_tmx(path))
            except MemoryFormatError:
                seen.add("error")
                return
        for u in units:
            seen.add("unit")
            seen.update(k for k, hit in (("note", u.note), ("aligned", u.aligned),
                                         ("code", any("<" in t for t in u.texts.values())),
                                         ("three", len(u.texts) >= 3)) if hit)

    collect()
    assert seen >= {"unit", "note", "aligned", "code", "three", "error"}


PLAIN_ALIGNED = (
    '<tmx version="1.4"><header><prop type="x-tm-origin">aligned</prop></header><body>\n'
    '<tu><tuv xml:lang="en"><seg>One &amp; two.</seg></tuv><tuv xml:lang="ru"><seg>Один.</seg>'
    '</tuv></tu>\n<tu><tuv xml:lang="de"><seg>Eins.</seg></tuv><tuv xml:lang="en"><seg>One.'
    '</seg></tuv></tu>\n</body></tmx>\n').encode()


@example(data=PLAIN_ALIGNED)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=document())
def test_indexing_plain_units_as_pairs_is_indexing_units(data: bytes) -> None:
    """The index takes plain units as tuples (no MemoryUnit each): the same rows, the
    same postings, and the same error, as from the units the reader gives."""
    from tm.memory.ingest import Rows

    def indexed(units: object) -> object:
        rows = Rows(0, ["en", "ru", "de"])
        try:
            got = list(rows.rows(units))  # type: ignore[arg-type]
        except MemoryFormatError as e:
            return ("error", e.what, e.line)
        return got, rows.units, {lang: (w.lists, w.sizes, w.hashes, w.positions)
                                 for lang, w in rows.words.items()}

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.tmx"
        path.write_bytes(data)
        prepared = tmxfast.prepare(path)
        if prepared is None:
            return
        try:
            assert indexed(prepared.pairs()) == indexed(prepared.units())
        finally:
            prepared.close()
