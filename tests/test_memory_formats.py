"""Memory file formats: TMX, CSV, PO, TBX in; TMX out (read back by translate-toolkit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.errors import MemoryFormatError
from tm.memory.formats import SUFFIXES, MemoryUnit, read_memory, tmx_bytes

DATA = Path(__file__).parent / "data"


def test_tmx_units_with_region_subtags_and_three_languages() -> None:
    units = list(read_memory(DATA / "memory_lecture.tmx"))
    assert len(units) == 5
    assert set(units[0].texts) == {"en", "ru"}  # en-US / ru-RU
    assert units[3].texts["en"] == "I would not recommend violating it.<sup>[1]</sup>"
    assert units[4].texts["de"] == "So lautet das Statut der Komintern."
    assert units[1].line == 11


def test_csv_columns_are_languages_and_note_is_kept() -> None:
    units = list(read_memory(DATA / "memory_glossary.csv"))
    assert [u.texts["ru"] for u in units] == [
        "Левая оппозиция", "Оппозиция в своей платформе требовала демократии."]
    assert units[0].note == "capital L in both"
    assert units[1].line == 3


def test_po_takes_only_reviewed_entries_and_guesses_the_source_language() -> None:
    units = list(read_memory(DATA / "memory_old.po"))
    assert [u.texts for u in units] == [
        {"en": "The bureaucracy responded with expulsions.",
         "ru": "Бюрократия ответила исключениями."}]


def test_tbx_entries_become_units_and_uncertain_ones_are_marked() -> None:
    units = list(read_memory(DATA / "memory_terms.tbx"))
    assert units[0].texts == {"en": "Central Control Commission",
                              "ru": "Центральная контрольная комиссия"}
    assert [u.uncertain for u in units] == [False, True]


def test_broken_tmx_names_file_and_line() -> None:
    with pytest.raises(MemoryFormatError) as e:
        list(read_memory(DATA / "memory_broken.tmx"))
    assert e.value.path.endswith("memory_broken.tmx")
    assert e.value.line == 6  # </body> closes while <tu> is still open
    assert "not well-formed" in e.value.what


@pytest.mark.parametrize("content, line, what", [
    ("just text, not XML\n", 1, "not well-formed"),
    ('<?xml version="1.0"?>\n<html><body/></html>\n', 2, "not a TMX file"),
    ('<tmx version="1.4"><body>\n<tu><tuv><seg>x</seg></tuv></tu></body></tmx>', 2,
     "without xml:lang"),
])
def test_not_a_tmx(tmp_path: Path, content: str, line: int, what: str) -> None:
    p = tmp_path / "x.tmx"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(MemoryFormatError) as e:
        list(read_memory(p))
    assert (e.value.line, what in e.value.what) == (line, True)


@pytest.mark.parametrize("content, line, what", [
    ("english,russian\na,b\n", 1, "not a language code"),
    ("en,ru\na,b\n\"c\",d,e\n", 3, "3 fields"),
    ("en\na\n", 1, "two language columns"),
    ("en,en\na,b\n", 1, "two columns of language 'en'"),  # its units were dropped
    ("en,ru,en-GB\na,b,c\n", 1, "two columns of language 'en'"),
])
def test_bad_csv(tmp_path: Path, content: str, line: int, what: str) -> None:
    p = tmp_path / "x.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(MemoryFormatError) as e:
        list(read_memory(p))
    assert e.value.line == line and what in e.value.what


def test_csv_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes("en,ru\nok,хорошо\n".encode() + "bad,плохо\n".encode("cp1251"))
    with pytest.raises(MemoryFormatError) as e:
        list(read_memory(p))
    assert e.value.line == 3


def test_written_tmx_reads_back_in_translate_toolkit(tmp_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    units = [MemoryUnit({"en": "A <b>bold</b> & \"quoted\" line", "ru": "Строка"}),
             MemoryUnit({"ru": "Только", "en": "Only"}, note="a note")]
    p = tmp_path / "out.tmx"
    p.write_bytes(tmx_bytes(units, "en"))
    store = tmxfile(p.open("rb"), sourcelanguage="en", targetlanguage="ru")
    assert [(u.source, u.target) for u in store.units] == [
        ('A <b>bold</b> & "quoted" line', "Строка"), ("Only", "Только")]
    assert [u.texts for u in read_memory(p)] == [u.texts for u in units]


def test_tmx_inline_codes_and_stray_markup(tmp_path: Path) -> None:
    p = tmp_path / "x.tmx"
    p.write_text(
        '<tmx version="1.4"><header srclang="en"/><body><tu>'
        '<tuv xml:lang="en"><seg>A <bpt i="1">&lt;em&gt;</bpt>word<ept i="1">&lt;/em&gt;</ept>'
        ' and <hi>more</hi>.<sup>[2]</sup></seg></tuv>'
        '<tuv xml:lang="ru"><seg>Слово.</seg></tuv></tu></body></tmx>', encoding="utf-8")
    (unit,) = read_memory(p)
    assert unit.texts["en"] == "A <em>word</em> and more.<sup>[2]</sup>"


TRICKY = (
    '<?xml version="1.0" encoding="UTF-8"?>\r\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\r\n'
    '<tmx version="1.4"><header srclang="en"><note>header note</note></header><body>\r\n'
    "<tu tuid='1'><note>unit note</note><tuv xml:lang='en-GB'><note>tuv note</note>"
    "<seg>Fish &amp; chips &lt;b&gt; &#x41;&#66;\r\nsecond line</seg></tuv>"
    '<tuv xml:lang="ru"><seg>Рыба</seg></tuv><tuv xml:lang="en"><seg>dup</seg></tuv></tu>\r\n'
    '<tu><tuv lang="EN"><seg>old style</seg></tuv><tuv lang="DE"><seg>alt</seg></tuv></tu>\n'
    '<tu><tuv xml:lang="en"><seg>lonely</seg></tuv><tuv xml:lang="ru"><seg>  </seg></tuv></tu>\n'
    '<tu><tuv xml:lang="en"><seg>A <ph x="1">&lt;br/&gt;</ph> break</seg></tuv>\n'
    '<tuv xml:lang="ru"><seg>Разрыв <bpt i="1">&lt;i&gt;</bpt>x<ept i="1">&lt;/i&gt;</ept>'
    "</seg></tuv></tu>\n"
    "</body></tmx>\n")


@pytest.mark.parametrize("content", [TRICKY, (DATA / "memory_lecture.tmx").read_text("utf-8")])
def test_fast_tmx_reader_agrees_with_lxml(tmp_path: Path, content: str, monkeypatch) -> None:
    from tm.memory import tmxfast

    p = tmp_path / "t.tmx"
    p.write_bytes(content.encode("utf-8"))
    assert tmxfast.read_tmx_fast(p) is not None
    fast = [(u.texts, u.line, u.note) for u in read_memory(p)]
    monkeypatch.setattr(tmxfast, "FAST_MAX", -1)
    assert tmxfast.read_tmx_fast(p) is None
    slow = [(u.texts, u.line, u.note) for u in read_memory(p)]
    assert fast == slow
    assert len(fast) >= 3


def test_unusual_tmx_goes_to_lxml(tmp_path: Path) -> None:
    from tm.memory import tmxfast

    p = tmp_path / "c.tmx"
    p.write_text(TRICKY.replace("<body>", "<body><!-- a comment -->"), encoding="utf-8")
    assert tmxfast.read_tmx_fast(p) is None
    assert len(list(read_memory(p))) == 3


def test_ambiguous_terms_of_the_builtin_termbase_are_hints_only() -> None:
    """`Exile` alone is not pre-filled `ссылка`: an ambiguous term is hinted, never filled."""
    from tm.memory import builtin_termbase

    path = builtin_termbase()
    assert path is not None
    units = {u.texts.get("en"): u for u in read_memory(path)}
    assert units["exile"].uncertain
    assert units["Central Control Commission"].uncertain is False


def test_default_memory_globs_are_the_readers_suffixes() -> None:
    """The registry's suffixes are the ones a new project reads: `Config.memory`'s default
    and the `tm init` template are written out (config must not import the readers), so a
    new format that is not added there too fails here instead of never being read."""
    from tm.config import Config
    from tm.init import TEMPLATE

    expected = tuple(f"memory/*{suffix}" for suffix in SUFFIXES)
    assert sorted(Config(Path()).memory) == sorted(expected)
    line = next(ln for ln in TEMPLATE.splitlines() if ln.startswith("memory = "))
    assert sorted(line.split("[", 1)[1].rstrip("]").replace('"', "").split(", ")) == sorted(
        expected)
