"""Archival citations: parsing, conversion both ways, whole-segment fills, numbers for QA."""

from __future__ import annotations

import pytest

from tm.citations import Span, citation_numbers, convert_citation, find_citations

# (English, Russian): each converts into the other.
PAIRS = [
    ("RGASPI, f. 17, op. 171, d. 87, l. 83.", "РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83."),
    ("Russian State Archive of Socio-Political History (RGASPI), f. 17, op. 171, d. 87, l. 83.",
     "Российский государственный архив социально-политической истории (РГАСПИ). "
     "Ф. 17. Оп. 171. Д. 87. Л. 83."),
    ("Ibid., l. 144.", "Там же. Л. 144."),
    ("Ibid., ll. 116-117. Emphasis in the original.",
     "Там же. Л. 116–117. Выделено в оригинале."),
    ("RGASPI, f. 17, op. 171, d. 109, ll. 41-44.", "РГАСПИ. Ф. 17. Оп. 171. Д. 109. Л. 41–44."),
    ("Ibid., l. 45.", "Там же. Л. 45."),
    ("RGASPI, f. 17, op. 171, d. 153, l. 83ob.", "РГАСПИ. Ф. 17. Оп. 171. Д. 153. Л. 83 об."),
    ("GARF, f. R-8131, op. 37, d. 5, ll. 12ob.-13.",
     "ГА РФ. Ф. Р-8131. Оп. 37. Д. 5. Л. 12 об.–13."),
    ("RGAE, f. 3429, op. 1, d. 5, ll. 3, 7-8.", "РГАЭ. Ф. 3429. Оп. 1. Д. 5. Л. 3, 7–8."),
    ("TsA FSB, f. 1, op. 2, d. 3, l. 4.", "ЦА ФСБ России. Ф. 1. Оп. 2. Д. 3. Л. 4."),
    ("AP RF, f. 3, op. 24, d. 190, l. 12.", "АП РФ. Ф. 3. Оп. 24. Д. 190. Л. 12."),
    ("RGANI, f. 6, op. 13, d. 1, l. 2.", "РГАНИ. Ф. 6. Оп. 13. Д. 1. Л. 2."),
    ("Ibid., pp. 299-300.", "Там же. С. 299–300."),
    ("Ibid.", "Там же."),
]


@pytest.mark.parametrize(("en", "ru"), PAIRS)
def test_english_to_russian(en: str, ru: str) -> None:
    assert convert_citation(en, "en", "ru") == ru


@pytest.mark.parametrize(("en", "ru"), PAIRS)
def test_russian_to_english(en: str, ru: str) -> None:
    assert convert_citation(ru, "ru", "en") == en


@pytest.mark.parametrize(("ru", "en"), [
    ("Там же. Лл. 116–117.", "Ibid., ll. 116-117."),
    ("ГАРФ. Ф. Р-8131. Оп. 37. Д. 5. Л. 83 об.", "GARF, f. R-8131, op. 37, d. 5, l. 83ob."),
    ("ЦГАИПД СПб. Ф. 1728. Ед. хр. 537079.", "TsGAIPD SPb, f. 1728, d. 537079."),
    ("РГАСПИ, ф. 17, оп. 3, д. 5, л. 8.", "RGASPI, f. 17, op. 3, d. 5, l. 8."),
])
def test_russian_variants_accepted(ru: str, en: str) -> None:
    assert convert_citation(ru, "ru", "en") == en


@pytest.mark.parametrize(("en", "ru"), [
    ("RGASPI, f. 17, op. 3, d. 5, l. 83v.", "РГАСПИ. Ф. 17. Оп. 3. Д. 5. Л. 83 об."),
    ("RGASPI, f. 17, op. 3, d. 5, l. 83 ob.", "РГАСПИ. Ф. 17. Оп. 3. Д. 5. Л. 83 об."),
    ("GA RF, f. R-5446, op. 1, d. 48, l. 12.", "ГА РФ. Ф. Р-5446. Оп. 1. Д. 48. Л. 12."),
    ("Ibid., ll. 116–117.", "Там же. Л. 116–117."),
])
def test_english_variants_accepted(en: str, ru: str) -> None:
    assert convert_citation(en, "en", "ru") == ru


def test_garf_fond_prefix_is_cyrillic_in_russian_and_latin_in_english() -> None:
    ru = convert_citation("GARF, f. R-8131, op. 37, d. 5, l. 1.", "en", "ru")
    assert ru is not None and "Ф. \u0420-8131" in ru
    en = convert_citation("ГА РФ. Ф. \u0420-8131. Оп. 37. Д. 5. Л. 1.", "ru", "en")
    assert en is not None and "f. R-8131" in en


@pytest.mark.parametrize(("text", "expected"), [
    ("[4] RGASPI, f. 17, op. 171, d. 109, ll. 41-44.",
     "[4] РГАСПИ. Ф. 17. Оп. 171. Д. 109. Л. 41–44."),
    ("[2] Ibid., l. 144.", "[2] Там же. Л. 144."),
    ("<sup>[5]</sup> Ibid., l. 45.", "<sup>[5]</sup> Там же. Л. 45."),
])
def test_footnote_label_is_kept(text: str, expected: str) -> None:
    assert convert_citation(text, "en", "ru") == expected


@pytest.mark.parametrize(("text", "lang"), [
    ("Letter by Trotsky to leading Trotskyists, June 2, 1928.", "en"),
    ("[9] Tetradi, ed. by Alexei Gusev, Moscow: Trovant 2022, p. 120.", "en"),
    ("As the OGPU reported (RGASPI, f. 17, op. 171, d. 153, l. 236), the Opposition grew.", "en"),
    ("RGASPI is the former party archive.", "en"),
    ("f. 17 was the Central Committee's fond.", "en"),
    ("Там же он встретил Смилгу.", "ru"),
    ("Л. Д. Троцкий. С. 5.", "ru"),
])
def test_not_a_whole_citation_gives_none(text: str, lang: str) -> None:
    assert convert_citation(text, lang, "ru" if lang == "en" else "en") is None


def test_unknown_target_language_gives_none() -> None:
    assert convert_citation("RGASPI, f. 17, op. 3, d. 5, l. 8.", "en", "fr") is None


@pytest.mark.parametrize(("ru", "de"), [
    ("Там же. Л. 116–117. Выделено в оригинале.", "Ebd., ll. 116–117. Hervorhebung im Original."),
    ("ГА РФ. Ф. Р-8131. Оп. 37. Д. 5. Л. 83 об.", "GARF, f. R-8131, op. 37, d. 5, l. 83ob."),
])
def test_german_is_a_third_style(ru: str, de: str) -> None:
    assert convert_citation(ru, "ru", "de") == de
    assert convert_citation(de, "de", "ru") == ru


def test_german_keeps_the_archives_full_name() -> None:
    """The lecture's first note names the archive in full: the German pre-fill must too."""
    en = ("[1] Russian State Archive of Socio-Political History (RGASPI), "
          "f. 17, op. 171, d. 87, l. 83.")
    de = ("[1] Russisches Staatsarchiv für sozialpolitische Geschichte (RGASPI), "
          "f. 17, op. 171, d. 87, l. 83.")
    assert convert_citation(en, "en", "de") == de
    assert convert_citation(de, "de", "en") == en
    assert convert_citation(de, "de", "ru") == ("[1] Российский государственный архив "
                                                "социально-политической истории (РГАСПИ). "
                                                "Ф. 17. Оп. 171. Д. 87. Л. 83.")


def test_every_archive_has_a_full_name_in_every_citation_style() -> None:
    from tm.citations import ARCHIVES, STYLES

    for archive in ARCHIVES:
        for lang in STYLES:
            assert archive.name(lang), (archive.key, lang)


def test_citation_inside_a_sentence() -> None:
    text = "As the OGPU reported (RGASPI, f. 17, op. 171, d. 153, l. 236), the Opposition grew."
    (c,) = find_citations(text, "en")
    assert text[c.start:c.end] == c.text == "RGASPI, f. 17, op. 171, d. 153, l. 236"
    assert (c.archive, c.fond, c.opis, c.delo) == ("RGASPI", "17", "171", "153")
    assert c.leaves == (Span("236"),)
    assert c.to("ru") == "РГАСПИ. Ф. 17. Оп. 171. Д. 153. Л. 236."


def test_several_citations_in_one_text() -> None:
    text = "РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83; РГАЭ. Ф. 3429. Оп. 1. Д. 5. Л. 3–4 об."
    found = find_citations(text, "ru")
    assert [c.archive for c in found] == ["RGASPI", "RGAE"]
    assert found[1].leaves == (Span("3", "4", False, True),)


def test_initials_are_not_leaves() -> None:
    assert find_citations("Л. Д. Троцкий и Х. Г. Раковский", "ru") == []


@pytest.mark.parametrize(("text", "lang", "numbers"), [
    ("RGASPI, f. 17, op. 171, d. 87, l. 83.", "en", ["17", "171", "87", "83"]),
    ("РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83 об.", "ru", ["17", "171", "87", "83ob"]),
    ("ГА РФ. Ф. Р-8131. Оп. 37. Д. 5. Л. 116–117.", "ru", ["R-8131", "37", "5", "116", "117"]),
    ("GARF, f. R-8131, op. 37, d. 5, ll. 116-117.", "en", ["R-8131", "37", "5", "116", "117"]),
    ("No citation, only 1927 and 3,688 members.", "en", []),
])
def test_citation_numbers(text: str, lang: str, numbers: list[str]) -> None:
    assert citation_numbers(text, lang) == numbers


def test_every_form_the_grammar_reads_is_found_after_other_text() -> None:
    """The search tries the grammar only where a first word of its forms stands: every
    archive abbreviation and full name, every Ibid. form and a citation that starts at
    the fond are still found, in every style, after a sentence of prose."""
    from tm.citations import ARCHIVES, PARTS, STYLES

    for lang, style in STYLES.items():
        fond, opis, leaves = (next(p for p in PARTS if p.name == name).abbrs[lang][0]
                              for name in ("fond", "opis", "leaves"))
        parts = f"{fond} 17{style.sep}{opis} 2{style.sep}{leaves} 5"
        prose = "Stalin wrote to Molotov in 1927 that the Opposition was finished. "
        for archive in ARCHIVES:
            name = archive.name(lang)
            for head in (*archive.abbrs(lang), name, f"{name} ({archive.abbrs(lang)[0]})"):
                (c,) = find_citations(f"{prose}{head}{style.sep}{parts}.", lang)
                assert (c.archive, c.fond, c.opis) == (archive.key, "17", "2"), (lang, head)
        for ibid in style.ibid:
            (c,) = find_citations(f"{prose}{ibid}{style.sep}{leaves} 5.", lang)
            assert c.ibid and c.leaves == (Span("5"),), (lang, ibid)
        (c,) = find_citations(f"{prose}{parts}.", lang)
        assert (c.archive, c.fond) == (None, "17"), lang


def test_a_text_without_a_citations_first_word_does_not_build_the_grammar() -> None:
    """Advising a sentence asks whether it holds a citation: where no first word of one
    stands, the grammar (25 ms a language to compile) is not built."""
    from tm import citations

    citations._grammar.cache_clear()
    citations._QUICK.clear()
    assert citations.convert_citation("Plain text, no archive here.", "en", "ru") is None
    assert citations.find_citations("Обычный текст без ссылок.", "ru") == []
    assert citations._grammar.cache_info().currsize == 0
    got = citations.convert_citation("RGASPI, f. 17, op. 171, d. 87, l. 83.", "en", "ru")
    assert got == "РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83."
    assert citations._grammar("en").starts is citations._starts("en")
