"""Romanization of Russian: ALA-LC and BGN/PCGN, and one key that all spellings share.

Lectures and footnotes spell the same Russian name several ways (El'tsin, Eltsin,
Yeltsin; Krasnaia nov', Krasnaya Nov). The termbase holds one of them, the text
another, so matching compares `romanization_key`s instead of spellings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# ALA-LC without diacritics and ligature ties (t͡s -> ts), as English-language
# scholarship prints it: Medlennaia, Biulleten', El'tsin.
_ALALC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": '"', "ы": "y", "ь": "'", "э": "e", "ю": "iu",
    "я": "ia",
    # pre-1918 letters, still met in archival titles
    "і": "i", "ѣ": "e", "ѳ": "f", "ѵ": "y",
}

# BGN/PCGN differs from ALA-LC in these letters (diacritics dropped: ё -> yo).
_BGN = {**_ALALC, "й": "y", "ю": "yu", "я": "ya", "ё": "yo", "ъ": '"', "ь": "'"}
_VOWELS_CYR = set("аеёиоуыэюяіѣ")
_SIGNS_CYR = set("ъь")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _case(latin: str, src: str) -> str:
    """Carry a capital over to the first letter only: Ts, Zh, Shch (ЦКК -> TsKK, as LC prints)."""
    return latin[0].upper() + latin[1:] if src.isupper() and latin[:1].isalpha() else latin


def _romanize(text: str, table: dict[str, str], bgn_e: bool) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        low = ch.lower()
        if low not in table:
            out.append(ch)
            continue
        latin = table[low]
        if bgn_e and low in "её":
            prev = text[i - 1].lower() if i else ""
            initial = not prev or not _is_cyrillic(text[i - 1])
            if initial or prev in _VOWELS_CYR or prev in _SIGNS_CYR or prev == "й":
                latin = "y" + latin if low == "е" else "yo"
            elif low == "ё":
                latin = "e"
        out.append(_case(latin, ch))
    return "".join(out)


def alalc(cyrillic: str) -> str:
    """ALA-LC romanization without diacritics.

    >>> alalc("Медленная расправа"), alalc("Бюллетень оппозиции"), alalc("Эльцин")
    ('Medlennaia rasprava', "Biulleten' oppozitsii", "El'tsin")
    """
    return _romanize(cyrillic, _ALALC, bgn_e=False)


def bgn(cyrillic: str) -> str:
    """BGN/PCGN romanization without diacritics (ye after vowels and initially).

    >>> bgn("Ельцин"), bgn("Красная новь"), bgn("Ягода")
    ("Yel'tsin", "Krasnaya nov'", 'Yagoda')
    """
    return _romanize(cyrillic, _BGN, bgn_e=True)


def popular(cyrillic: str) -> str:
    """The English newspaper spelling: BGN without soft signs, -ий/-ый as -y.

    >>> popular("Троцкий"), popular("Ельцин"), popular("Красная новь")
    ('Trotsky', 'Yeltsin', 'Krasnaya nov')
    """
    text = re.sub(r"(?<=[А-Яа-яЁё])[иы]й\b", "ы", cyrillic)
    return bgn(text).replace("'", "").replace('"', "")


# Rewrites on lowercased Latin text that fold ALA-LC, BGN/PCGN, scholarly (j) and
# popular spellings together. Order matters: iotated vowels first, then й, then endings.
_KEY_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"['’ʹʺ\"`]", ""),             # soft and hard signs, quotes
        (r"x", "ks"),                     # Alexander / Aleksandr
        (r"kh", "h"),                     # Genrikh / Genrich
        (r"(?<![a-z])(?:ye|je)", "e"),    # Yeltsin / Eltsin
        (r"(?<=[aeiouy])(?:ye|je)", "e"),  # Dostoyevsky / Dostoevskii
        (r"(?<=[bcdfghklmnpqrstvwz])(?:ye|je)", "e"),  # Zinov'yev / Zinov'ev
        (r"(?<=[bcdfgklmnpqrstvwz])yo", "e"),  # Fyodor / Fedor
        (r"[iyj]a", "ja"),                # Krasnaia / Krasnaya
        (r"[iyj]u", "ju"),                # Biulleten' / Byulleten
        (r"(?<=[aeiouy])[iyj](?![aeiou])", "j"),  # Kommunisticheskoi / -oy / -oj
        (r"(?<=[bcdfghklmnpqrstvwz])(?:ij|yj)\b", "y"),  # Trotskii / Trotskiy / Trotsky
        (r"[-‐‑–]", ""),                  # Verkhne-Uralsk / Verkhneuralsk
        (r"\s+", " "),
    )
)


@lru_cache(maxsize=65536)
def romanization_key(s: str) -> str:
    """One key for any spelling of a Russian word: Cyrillic, ALA-LC, BGN/PCGN, popular.

    >>> {romanization_key(x) for x in ("El'tsin", "Eltsin", "Yeltsin", "Ельцин", "Эльцин")}
    {'eltsin'}
    >>> romanization_key("Krasnaia nov'") == romanization_key("Красная новь")
    True
    """
    text = "".join(alalc(ch) if _is_cyrillic(ch) else ch for ch in s)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for pattern, repl in _KEY_RULES:
        text = pattern.sub(repl, text)
    return text.strip()
