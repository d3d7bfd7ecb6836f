"""Romanization: ALA-LC and BGN/PCGN output, and the key that joins their spellings."""

from __future__ import annotations

import pytest

from tm.romanize import alalc, bgn, popular, romanization_key


@pytest.mark.parametrize(("cyrillic", "expected"), [
    ("Медленная расправа над Х. Г. Раковским", "Medlennaia rasprava nad Kh. G. Rakovskim"),
    ("Бюллетень оппозиции", "Biulleten' oppozitsii"),
    ("Эльцин", "El'tsin"),
    ("Ельцин", "El'tsin"),
    ("Красная новь", "Krasnaia nov'"),
    ("Под знаменем марксизма", "Pod znamenem marksizma"),
    ("Вестник Коммунистической академии", "Vestnik Kommunisticheskoi akademii"),
    ("Верхнеуральск", "Verkhneural'sk"),
    ("Дингельштедт", "Dingel'shtedt"),
    ("Фёдор Щукин, подъезд", 'Fedor Shchukin, pod"ezd'),
    ("ЦКК", "TsKK"),
    ("Юлия Яковлевна", "Iuliia Iakovlevna"),
])
def test_alalc(cyrillic: str, expected: str) -> None:
    assert alalc(cyrillic) == expected


@pytest.mark.parametrize(("cyrillic", "expected"), [
    ("Ельцин", "Yel'tsin"),
    ("Эльцин", "El'tsin"),
    ("Красная новь", "Krasnaya nov'"),
    ("Ягода", "Yagoda"),
    ("Преображенский", "Preobrazhenskiy"),
    ("Фёдор", "Fedor"),
    ("Ёлка", "Yolka"),
    ("Достоевский", "Dostoyevskiy"),
])
def test_bgn(cyrillic: str, expected: str) -> None:
    assert bgn(cyrillic) == expected


def test_popular_drops_soft_signs_and_ii_endings() -> None:
    assert popular("Лев Троцкий") == "Lev Trotsky"
    assert popular("Красный") == "Krasny"


@pytest.mark.parametrize("spellings", [
    ("El'tsin", "Eltsin", "Yeltsin", "Ельцин", "Эльцин", "ELTSIN"),
    ("Krasnaia nov'", "Krasnaya Nov", "Krasnaja nov'", "Красная новь"),
    ("Trotsky", "Trotskii", "Trotskiy", "Trotskij", "Троцкий"),
    ("Verkhne-Uralsk", "Verkhneural'sk", "Verkhneuralsk", "Верхнеуральск"),
    ("Vestnik Kommunisticheskoi akademii", "Vestnik Kommunisticheskoy akademii",
     "Вестник Коммунистической академии"),
    ("Yakovin", "Iakovin", "Jakovin", "Яковин"),
    ("Ter-Vaganian", "Ter-Vaganyan", "Тер-Ваганян"),
    ("Biulleten' oppozitsii", "Byulleten oppozitsii", "Бюллетень оппозиции"),
    ("Fyodor", "Fedor", "Фёдор"),
    ("Aleksei", "Alexei", "Alexey", "Алексей"),
    ("Tetradи", "Tetradi"),
])
def test_key_joins_spellings(spellings: tuple[str, ...]) -> None:
    keys = {romanization_key(s) for s in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(("a", "b"), [
    ("Trotsky", "Trotskyist"),
    ("Eltsin", "Yagoda"),
    ("Krasnaia nov'", "Krasnaia zvezda"),
    ("Kamenev", "Kamenets"),
])
def test_key_keeps_different_words_apart(a: str, b: str) -> None:
    assert romanization_key(a) != romanization_key(b)
