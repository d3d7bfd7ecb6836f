"""Match keys of words: what a word of a text and a word of a term must share to match.

- English words match through their own lemma only (`w:` key, `W:` when capitalized):
  `theses` is `thesis`, `These` is `these`; `marks` is `mark`, never `Marx`.
- Latin-script words also carry a romanization key (`r:`, `R:` when capitalized) that
  only romanized Russian names and titles use (ALA-LC and listed spellings), so
  `Yeltsin` finds `El'tsin` and `Krasnaya Nov` finds `Krasnaia nov'`. A word with an
  `x` has none: no system romanizes Russian with `x`, and `Marx` would otherwise fold
  into `Marks`.
- Russian words match on their pymorphy3 lemmas; all-caps abbreviations literally (`=ЦКК`).

The analyzer is loaded at the first Russian word that needs it, not before.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from tm.romanize import romanization_key

Keys = frozenset[str]
CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk"})
TOKEN = re.compile(r"№|\w+(?:[-‐]\w+)*(?:['’ʹ]\w+)*(?:\([^\W\d_]{1,2}\)(?!\w))?['’ʹ]?")
"""A word: hyphenated, with apostrophes, or a party abbreviation `ВКП(б)` (one pattern
with no alternative to backtrack through: term finding splits whole texts with it)."""
CAPS_RU = re.compile(r"([А-ЯЁ]{2,}(?:\([а-яё]\))?)[а-яё]{0,3}")
CYR = re.compile("[А-Яа-яЁё]")
GAP = re.compile(r"[\s*_«»\"“”'’.()\-]{0,6}")
"""What may stand between two words of one term (spaces, markup, quotes, a full stop)."""
_QUOTES = re.compile(r"[«»\"“”]")
_POSSESSIVE = re.compile(r"['’]s$")
_PARTY = re.compile(r"[A-Z]{2,}\([a-z]\)")
_NAME_TAGS = frozenset({"Surn", "Name", "Patr", "Geox"})
_FUNCTION_POS = frozenset({"NPRO", "PREP", "CONJ", "PRCL"})
_IRREGULAR = {"theses": "thesis", "crises": "crisis", "analyses": "analysis",
              "hypotheses": "hypothesis", "syntheses": "synthesis", "emphases": "emphasis",
              "parentheses": "parenthesis", "diagnoses": "diagnosis"}
FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "and", "in", "on", "for", "to", "vs",
                            "at", "by", "with", "after", "against"})
"""English words that keep their case in titles (`The New Course`, `the New Course`)."""


def _unpossessive(word: str) -> str:
    """`word` without a final 's or ’s (as `_POSSESSIVE.sub("", word)`, quicker)."""
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return _POSSESSIVE.sub("", word) if word.endswith("\n") else word


def unquoted(form: str) -> str:
    """A term's form without its quotation marks (`«Правда»` is looked for as `Правда`)."""
    return _QUOTES.sub("", form).strip()


def fold(text: str) -> str:
    """Lowercase, `ё` as `е`: how words are compared."""
    return text.lower().replace("ё", "е")


@lru_cache(maxsize=1)
def morph() -> Any:
    """The pymorphy3 analyzer (about 0.1-0.4 s to load, so only when a word needs it)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def english_lemma(word: str) -> str:
    """Lowercase lemma of an English word: plural and possessive folded, nothing else.

    >>> [english_lemma(w) for w in ("These", "theses", "Marks", "Trotsky's", "parties")]
    ['these', 'thesis', 'mark', 'trotsky', 'party']
    """
    return _singular(_unpossessive(word.lower()).rstrip("'’ʹ"))


def _singular(low: str) -> str:
    """english_lemma of a lowercase word without a possessive or a final apostrophe."""
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if len(low) > 4 and low.endswith("ies"):
        return low[:-3] + "y"
    if len(low) > 4 and low.endswith("sses"):
        return low[:-2]
    if len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
        return low[:-1]
    return low


def roman_key(word: str, skeletons: frozenset[str] | None = None) -> str | None:
    """Romanization key of a word, or None when it cannot be a romanized Russian word
    (or, given the `skeletons` of the keys wanted, when its key is none of them)."""
    word = _unpossessive(word)
    if "x" in word.lower():
        return None
    if skeletons is not None and word.isascii() and skeleton(word) not in skeletons:
        return None
    return romanization_key(word)


_SKELETON = str.maketrans("", "", "kyjieo'\"`-\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f ")


def skeleton(text: str) -> str:
    """What the romanization key of an ASCII word without `x` keeps of it: every rule of
    `romanization_key` on such a word drops or writes only the letters k, y, j, i, e, o,
    quotes, hyphens and spaces, so a word whose skeleton is no wanted key's skeleton has none
    of those keys (and needs no romanizing to say so).

    >>> skeleton("Yeltsin"), skeleton("El'tsin"), skeleton(romanization_key("Ельцин"))
    ('ltsn', 'ltsn', 'ltsn')
    """
    return text.lower().translate(_SKELETON)


def is_literal(word: str) -> bool:
    """An abbreviation matched as written: all capitals (`OGPU`, `ЦКК`, `VKP(b)`)."""
    return (len(word) >= 2 and word.isupper()) or ("(" in word and bool(_PARTY.fullmatch(word)))


@lru_cache(maxsize=200_000)
def latin_keys(token: str, english: bool) -> frozenset[str]:
    """Keys of a word of Latin-script text (Cyrillic words in it are romanized)."""
    return _latin_keys(token, english, None)


def _latin_keys(token: str, english: bool, skeletons: frozenset[str] | None
                ) -> frozenset[str]:
    if not token.isalnum() or "ʹ" in token:  # (the prime is a letter)
        return _latin_keys_of(token, english, skeletons)
    # letters and digits only, the usual word: _latin_keys_of with what cannot apply
    # to it left out (no apostrophe, hyphen or bracket; its lower case has none either)
    low = token.lower()
    literal = len(token) >= 2 and token.isupper()
    lemma = _singular(low) if english and not literal and (
        token.isascii() or not CYR.search(token)) else low
    keys = {"w:" + lemma}
    if literal:
        keys.add("=" + token)
    upper = token[:1].isupper()
    if upper:
        keys.add("W:" + lemma)
    folded = lemma.lower()
    if "x" in folded or (skeletons is not None and lemma.isascii()
                         and folded.translate(_SKELETON) not in skeletons):
        return frozenset(keys)
    rom = romanization_key(lemma)
    if rom:
        keys.add("r:" + rom)
        if upper:
            keys.add("R:" + rom)
    return frozenset(keys)


def _latin_keys_of(token: str, english: bool, skeletons: frozenset[str] | None
                   ) -> frozenset[str]:
    word = _unpossessive(token).rstrip("'’ʹ")
    keys = set()
    literal = is_literal(word)
    if literal:
        keys.add("=" + word)
    lemma = english_lemma(word) if english and not literal and (
        word.isascii() or not CYR.search(word)) else word.lower()
    upper = word[:1].isupper()
    keys.add("w:" + lemma)
    if upper:
        keys.add("W:" + lemma)
    # from the lemma: an English plural (`Marks`) is no romanized name (`Маркс`)
    rom = roman_key(lemma, skeletons)
    if rom:
        keys.add("r:" + rom)
        if upper:
            keys.add("R:" + rom)
    return frozenset(keys)


LEMMAS: dict[str, tuple[Keys, Keys]] = {}
"""Russian word -> (its match keys, all its lemmas): pymorphy3's answers, which
tm.termcache keeps in `.tm/lemmas.pickle` so that later runs need not load it."""
LEMMAS_ADDED: list[str] = []


def _analyse(token: str) -> tuple[Keys, Keys]:
    hit = LEMMAS.get(token)
    if hit is not None:
        return hit
    low = fold(token)
    parses = morph().parse(token)
    top = parses[0]
    every = frozenset(p.normal_form.replace("ё", "е") for p in parses)
    if top.score >= 0.8 and (top.tag.POS in _FUNCTION_POS or "Apro" in top.tag.grammemes):
        keys = frozenset({top.normal_form.replace("ё", "е")})
    else:
        if token[:1].isupper() and any(_NAME_TAGS & p.tag.grammemes for p in parses):
            # Каменев is a surname, not a gerund of каменеть; Верхнеуральском an adjective
            parses = [p for p in parses if _NAME_TAGS & p.tag.grammemes or p.tag.POS == "ADJF"]
        keys = frozenset({p.normal_form.replace("ё", "е") for p in parses} | {low})
    LEMMAS[token] = (keys, every)
    LEMMAS_ADDED.append(token)
    return keys, every


@lru_cache(maxsize=200_000)
def ru_keys(token: str) -> Keys:
    """Lemmas of a Russian word; capitalized words prefer name/surname/place parses, and a
    word that is almost surely a pronoun or particle (`о том`) keeps only that lemma."""
    caps = CAPS_RU.fullmatch(token)
    if caps:
        return frozenset({"=" + caps.group(1)})
    if not CYR.search(token):
        return frozenset({token.lower()})
    return _analyse(token)[0]


@lru_cache(maxsize=50_000)
def ru_term_keys(token: str) -> Keys:
    """A termbase word is in its dictionary form: when it is one, that lemma alone counts
    (`том` is the noun, not a form of `тот`; `Каменев` the surname, not `каменеть`)."""
    caps = CAPS_RU.fullmatch(token)
    if caps:
        return frozenset({"=" + caps.group(1)})
    low = fold(token)
    if not CYR.search(low):
        return frozenset({low})
    if low in _analyse(token)[1]:
        return frozenset({low})
    return ru_keys(token)


_RU_ENDING = re.compile(r"[аяоеьйиы]$")
"""A noun's last vowel or soft sign: лагерь -> лагер(ный); adjectives (раковский,
контрольный) keep theirs, so `Раковски` or `контроль` are not taken for them."""
_EN_ENDING = re.compile(r"(?:ization|isation|ation|ition|ion|ment|ism|ist|ing|ed|er|e|y)$")


def stem(lemma: str, russian: bool) -> str | None:
    """What derived words begin with (`лагер` for лагерь -> лагерный, `расстрел` for
    расстрелять, `exil` for exiled); None when too short to mean anything."""
    if lemma.startswith(("=", "r:", "R:")):
        return None
    body = lemma.split(":", 1)[-1]
    if russian and body.endswith(("ий", "ый", "ой")):
        return body  # an adjective: exact (inflected forms have its lemma)
    cut = (_RU_ENDING if russian else _EN_ENDING).sub("", body)
    return cut if len(cut) >= 4 else None


def prefix(word: str) -> str:
    return fold(word)[:3]


def word_keys(word: str, base: str, prefixes: frozenset[str] | None = None,
              skeletons: frozenset[str] | None = None) -> Keys:
    """Match keys of one word of a text in language `base`. A Russian word whose first
    three letters start no lemma in `prefixes` needs no morphological analysis; given
    the `skeletons` of the romanization keys wanted, the others are left out."""
    if base not in CYRILLIC_LANGS:
        if skeletons is not None:
            return _latin_keys(word, base == "en", skeletons)
        return latin_keys(word, base == "en")
    if not CYR.search(word):  # XV съезд, VKP(b) in Russian text
        if skeletons is not None:
            return _latin_keys(word, False, skeletons)
        return latin_keys(word, False)
    if base == "ru" and (prefixes is None or prefix(word) in prefixes
                         or CAPS_RU.fullmatch(word)):
        return ru_keys(word)
    return frozenset({fold(word)})
