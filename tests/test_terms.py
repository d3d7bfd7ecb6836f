"""Termbase: the shipped TBX, TBX dialects, term finding in both directions, hints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from translate.storage import tbx as tt_tbx

from tm.config import Config
from tm.data import build_termbase
from tm.errors import MemoryFormatError
from tm.model import Term
from tm.tbx import read_tbx
from tm.terms import BUILTIN_TBX, Termbase, hint_lines, load_termbase, term_present

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def tb() -> Termbase:
    return load_termbase(None)


def found(tb, text: str, src: str, tgt: str) -> list[str]:
    return [t.source for t in tb.find(text, src, tgt)]


# --- the shipped TBX ------------------------------------------------------------------------


def test_shipped_termbase_reads_back_with_translate_toolkit_and_read_tbx() -> None:
    ours = read_tbx(BUILTIN_TBX)
    theirs = tt_tbx.tbxfile.parsefile(str(BUILTIN_TBX))
    assert len(ours) >= 250
    assert len(theirs.units) == len(ours)
    by_source = {u.source: u.target for u in theirs.units}
    assert by_source["Central Control Commission"] == "Центральная контрольная комиссия"
    assert all(e.forms("en") and e.forms("ru") for e in ours)
    assert len({e.id for e in ours}) == len(ours)


def test_shipped_termbase_is_built_from_the_committed_tsv() -> None:
    assert build_termbase.main(["--check"]) == 0


def test_names_and_titles_carry_alalc_romanization(tb: Termbase) -> None:
    by_en = {e.preferred("en"): e for e in tb.entries}
    assert "Lev Davidovich Trotskii" in by_en["Leon Trotsky"].romanization
    assert "Krasnaia nov'" in by_en["Krasnaia nov'"].romanization
    assert by_en["Leon Trotsky"].pos == "properNoun"


@pytest.mark.parametrize(("en", "uncertain"), [
    ("World Socialist Web Site", True),
    ("Iosif Eltsin", True),
    ("Saul Krasnyi", True),
    ("The Crisis of the Revolution and the Tasks of the Working Class", True),
    ("Central Control Commission", False),
    ("Boris Eltsin", False),
])
def test_uncertain_rows_stay_marked(tb: Termbase, en: str, uncertain: bool) -> None:
    entry = next(e for e in tb.entries if e.preferred("en") == en)
    assert entry.uncertain is uncertain
    terms = [t for t in tb.find(en, "en", "ru") if t.source == en]
    assert terms and terms[0].uncertain is uncertain


# --- TBX dialects and errors -----------------------------------------------------------------


def test_tbx_v3_dca_entries_notes_and_uncertain() -> None:
    entries = read_tbx(DATA / "terms_v3.tbx")
    assert [e.id for e in entries] == ["c1", "c2"]
    c1, c2 = entries
    assert c1.terms["ru"] == ["Народный комиссариат просвещения", "Наркомпрос"]
    assert c1.display("en") == "People's Commissariat of Enlightenment (Narkompros)"
    assert c1.pos == "noun" and c1.subject == "institution" and not c1.uncertain
    assert c2.uncertain


def test_tbx_v3_dct_style() -> None:
    (entry,) = read_tbx(DATA / "terms_v3_dct.tbx")
    assert entry.preferred("ru") == "Николай Васильевич Крыленко"
    assert entry.pos == "properNoun" and entry.subject == "person"


def test_broken_tbx_names_file_and_line() -> None:
    with pytest.raises(MemoryFormatError) as err:
        read_tbx(DATA / "terms_broken.tbx")
    assert err.value.line == 10
    assert err.value.path is not None and err.value.path.endswith("terms_broken.tbx")


def test_xml_that_is_not_tbx_is_refused() -> None:
    with pytest.raises(MemoryFormatError, match="not a TBX file"):
        read_tbx(DATA / "terms_notbx.tbx")


# --- finding terms ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Решение Центральной контрольной комиссией было принято.", "Центральная контрольная комиссия"),
    ("Письмо Троцкого было перехвачено.", "Лев Давидович Троцкий"),
    ("ОГПУ арестовало оппозиционеров.", "ОГПУ"),
    ("Каменев покинул заседание.", "Лев Борисович Каменев"),
    ("Вместе со Смилгой и Каменевым", "Лев Борисович Каменев"),
    ("в лагерях ГУЛАГа", "ГУЛАГ"),
    ("накануне XV съезда ВКП(б)", "XV съезд ВКП(б)"),
    ("статьи большевиков-ленинцев", "большевики-ленинцы"),
    ("в Верхнеуральском политизоляторе", "Верхнеуральский политический изолятор"),
    ("журнал «Красная новь» и «Красной нови»", "«Красная новь»"),
    ("ссылка в Алма-Ату", "Алма-Ата"),
    ("Объединённого пленума ЦК и ЦКК", "объединённый пленум ЦК и ЦКК"),
    ("решение ЦКК", "Центральная контрольная комиссия"),
])
def test_russian_inflected_forms(tb: Termbase, text: str, expected: str) -> None:
    assert expected in found(tb, text, "ru", "en")


def test_russian_target_side_of_hint(tb: Termbase) -> None:
    (term,) = [t for t in tb.find("членами Центральной контрольной комиссии", "ru", "en")]
    assert term == Term("Центральная контрольная комиссия", "Central Control Commission (CCC)",
                        "ru", "en", term.note, "properNoun", False, "builtin")


@pytest.mark.parametrize(("text", "expected"), [
    ("Oppositionists were banned from speaking.", "Oppositionist"),
    ("Trotsky's conduct at this meeting", "Leon Trotsky"),
    ("hunger strikes of the Trotskyists in the Gulags", "Gulag"),
    ("re-election of cell bureaus, factory committees, and councils", "factory committee"),
    ("the Comintern’s charter", "Comintern"),
    ("Yeltsin was arrested", "Boris Eltsin"),
    ("compiled by Boris El'tsin", "Boris Eltsin"),
    ("the journal Krasnaya Nov", "Krasnaia nov'"),
    ("the journal *Krasnai nov'* (Red Virgin Soil)", "Krasnaia nov'"),
    ("the Verkhne-Uralsk political isolator", "Verkhneuralsk political isolator"),
    ("a study by Dingel'shtedt", "Fedor Dingelshtedt"),
    ("Trotskii's letters", "Leon Trotsky"),
    ("*Tetradи verkhne-ural'skogo politicheskogo izoliatora 1932-1933*",
     "Tetradi Verkhneural'skogo politicheskogo izoliatora"),
    ("the newspaper «Правда»", "Pravda"),
    ("the Executive Committee of the Comintern",
     "Executive Committee of the Communist International"),
])
def test_english_plurals_possessives_and_romanizations(
        tb: Termbase, text: str, expected: str) -> None:
    assert expected in found(tb, text, "en", "ru")


def test_order_of_appearance_and_no_duplicates(tb: Termbase) -> None:
    text = "The OGPU arrested Trotsky; Stalin and the OGPU watched Trotsky and the Comintern."
    expected = ["OGPU", "Leon Trotsky", "Joseph Stalin", "Comintern"]
    assert found(tb, text, "en", "ru") == expected


def test_longer_term_wins_over_the_term_inside_it(tb: Termbase) -> None:
    names = found(tb, "The Left Opposition grew.", "en", "ru")
    assert names == ["Left Opposition"]


def test_abbreviations_are_literal(tb: Termbase) -> None:
    assert "Central Committee" in found(tb, "elected by the CC", "en", "ru")
    assert "Central Committee" not in found(tb, "cc: the secretary", "en", "ru")
    assert "Центральная контрольная комиссия" not in found(tb, "цкк", "ru", "en")


def test_citation_abbreviations_need_a_number(tb: Termbase) -> None:
    assert "Л." in found(tb, "РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83.", "ru", "en")
    assert "Л." not in found(tb, "Л. Д. Троцкий писал", "ru", "en")
    assert "f." in found(tb, "RGASPI, f. 17, op. 171", "en", "ru")


@pytest.mark.parametrize(("text", "absent"), [
    ("после того, как он уехал", "Т."),  # `том` (volume) is not a form of `тот`
    ("Они каменеют от ужаса", "Лев Борисович Каменев"),
    ("Новая ссылка на статью", "Центральная контрольная комиссия"),
])
def test_russian_false_friends_stay_out(tb: Termbase, text: str, absent: str) -> None:
    assert absent not in found(tb, text, "ru", "en")


def test_nothing_found_in_unrelated_text(tb: Termbase) -> None:
    assert tb.find("The weather in the mountains was fine.", "en", "ru") == []


# --- term_present and hints ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "term", "lang", "present"), [
    ("Центральной контрольной комиссии", "Центральная контрольная комиссия", "ru", True),
    ("решение ЦКК", "Центральная контрольная комиссия (ЦКК)", "ru", True),
    ("Контрольной комиссией", "Центральная контрольная комиссия", "ru", False),
    ("арестован ОГПУ", "ОГПУ (Объединённое государственное политическое управление)", "ru", True),
    ("к Троцкому", "Троцкий", "ru", True),
    ("в «Бюллетене оппозиции»", "«Бюллетень оппозиции»", "ru", True),
    ("the Oppositionists' letters", "Oppositionist", "en", True),
    ("the opposition", "Left Opposition", "en", False),
    ("Yeltsin", "Eltsin", "en", True),
])
def test_term_present(text: str, term: str, lang: str, present: bool) -> None:
    assert term_present(text, term, lang) is present


def test_hint_lines_format() -> None:
    terms = [
        Term("Central Control Commission", "Центральная контрольная комиссия (ЦКК)", "en", "ru"),
        Term("Iosif Eltsin", "Иосиф Эльцин", "en", "ru", uncertain=True),
        Term("Central Control Commission", "Центральная контрольная комиссия (ЦКК)", "en", "ru"),
    ]
    assert hint_lines(terms) == [
        "terms: Central Control Commission = Центральная контрольная комиссия (ЦКК)",
        "terms: Iosif Eltsin = Иосиф Эльцин (uncertain)",
    ]


def test_hint_lines_from_a_lecture_sentence(tb: Termbase) -> None:
    text = ("Trotsky angrily rejected the attempt of the Central Control Commission—which had "
            "been handpicked by Stalin—to elevate itself over the leading bodies.")
    assert hint_lines(tb.find(text, "en", "ru")) == [
        "terms: Leon Trotsky = Лев Давидович Троцкий",
        "terms: Central Control Commission = Центральная контрольная комиссия (ЦКК)",
        "terms: Joseph Stalin = Иосиф Виссарионович Сталин",
    ]


# --- project termbases -----------------------------------------------------------------------


def test_project_tbx_files_and_other_language_pairs(tmp_path: Path) -> None:
    (tmp_path / "memory").mkdir()
    shutil.copy(DATA / "terms_v3.tbx", tmp_path / "memory" / "extra.tbx")
    only_project = load_termbase(Config(root=tmp_path, builtin_terms=False))
    assert len(only_project) == 2
    (term,) = only_project.find("Narkompros issued a decree", "en", "de")
    assert term.target == "Volkskommissariat für Bildungswesen"
    assert term.origin == "memory/extra.tbx"
    (term,) = only_project.find("особого изолятора", "ru", "en")
    assert term.uncertain and term.source == "особый изолятор"
    both = load_termbase(Config(root=tmp_path))
    assert len(both) == len(read_tbx(BUILTIN_TBX)) + 2
