"""Term finding: which termbase entries occur in a segment, in any direction.

Russian is matched on lemmas (pymorphy3), so `Центральной контрольной комиссией`
finds `Центральная контрольная комиссия`; all-caps abbreviations (ЦКК, ОГПУ) are
matched literally. Latin-script text is matched case-insensitively on a
romanization key with English plurals and possessives folded, so `Trotsky's`,
`Oppositionists`, `Yeltsin` and `El'tsin` find their entries. Each Termbase builds
its pattern index once per language; lemmas are cached across calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tm.model import Term
from tm.romanize import alalc, romanization_key
from tm.tbx import TermEntry, read_tbx

if TYPE_CHECKING:
    from tm.config import Config

BUILTIN_TBX = Path(__file__).resolve().parent / "data" / "termbase.tbx"
BUILTIN_ORIGIN = "builtin"
CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk"})
ROMANIZED_SUBJECTS = frozenset({"person", "place", "title", "institution", "archive", "event"})
"""Entries whose Russian forms are also looked for, romanized, in Latin-script text."""
_NAME_TAGS = frozenset({"Surn", "Name", "Patr", "Geox"})

_TOKEN = re.compile(r"[^\W\d_]{2,}\([^\W\d_]{1,2}\)|№|\w+(?:[-‐]\w+)*(?:['’ʹ]\w+)*['’ʹ]?")
_CAPS_RU = re.compile(r"([А-ЯЁ]{2,}(?:\([а-яё]\))?)[а-яё]{0,3}")
_GAP = re.compile(r"[\s*_«»\"“”'’.()\-]{0,6}")
_NUMBER_AFTER = re.compile(r"\.?\s*(?:[RРAА]-)?\d")


def _base_lang(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def _ru_keys(token: str) -> frozenset[str]:
    """Lemmas of a Russian word; capitalized words prefer name/surname/place parses."""
    caps = _CAPS_RU.fullmatch(token)
    if caps:
        return frozenset({"=" + caps.group(1)})
    low = token.lower().replace("ё", "е")
    if not re.search("[а-яё]", low):
        return frozenset({romanization_key(low)})
    parses = _morph().parse(token)
    if token[:1].isupper() and any(_NAME_TAGS & p.tag.grammemes for p in parses):
        # Каменев is a surname, not a gerund of каменеть; Верхнеуральском stays an adjective
        parses = [p for p in parses if _NAME_TAGS & p.tag.grammemes or p.tag.POS == "ADJF"]
    return frozenset({p.normal_form.replace("ё", "е") for p in parses} | {low})


@lru_cache(maxsize=50_000)
def _ru_term_keys(token: str) -> frozenset[str]:
    """A termbase word is in its dictionary form: when it is one, that lemma alone counts
    (`том` is the noun, not a form of `тот`; `Каменев` the surname, not `каменеть`)."""
    keys = _ru_keys(token)
    low = token.lower().replace("ё", "е")
    if low in keys and not low.startswith("="):
        lemmas = {p.normal_form.replace("ё", "е") for p in _morph().parse(token)}
        if low in lemmas:
            return frozenset({low})
    return keys


@lru_cache(maxsize=200_000)
def _latin_keys(token: str, english: bool) -> frozenset[str]:
    """Romanization key of a Latin word, English plural and possessive folded."""
    word = re.sub(r"['’]s$", "", token).rstrip("'’ʹ")
    keys = set()
    if len(word) >= 2 and word.isupper() or re.fullmatch(r"[A-Z]{2,}\([a-z]\)", word):
        keys.add("=" + word)
    low = word.lower()
    if english and not keys:
        if len(low) > 4 and low.endswith("ies"):
            low = low[:-3] + "y"
        elif len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
            low = low[:-1]
    keys.add(romanization_key(low))
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    keys: frozenset[str]


def _prefix(word: str) -> str:
    return word.lower().replace("ё", "е")[:3]


def _prefixes(index: dict[str, list[_Pattern]]) -> frozenset[str]:
    """First letters of every lemma an index knows: Russian inflects endings, so a word
    whose first three letters start none of them needs no morphological analysis."""
    return frozenset(_prefix(k) for pats in index.values() for p in pats for ks in p.keys
                     for k in ks if not k.startswith("="))


@lru_cache(maxsize=200_000)
def _word_keys(word: str, base: str, term: bool, prefixes: frozenset[str] | None
               ) -> frozenset[str]:
    """Match keys of one word in language `base` (cached: documents repeat their words)."""
    if base not in CYRILLIC_LANGS:
        # romanization_key reads Cyrillic too: «Правда» in English text, mixed `Tetradи`
        return _latin_keys(word, base == "en")
    if base == "ru" and re.search("[А-Яа-яЁё]", word):
        if prefixes is None or _prefix(word) in prefixes or _CAPS_RU.fullmatch(word):
            return _ru_term_keys(word) if term else _ru_keys(word)
    return frozenset({word.lower().replace("ё", "е")})


def _tokens(text: str, lang: str, term: bool = False,
            prefixes: frozenset[str] | None = None) -> list[_Token]:
    base = _base_lang(lang)
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        keys = _word_keys(word, base, term, prefixes)
        if text.startswith(".", m.end()):
            keys = keys | {f"={word}."}
        out.append(_Token(m.start(), m.end(), keys))
    return out


@dataclass(frozen=True, slots=True)
class _Pattern:
    entry: int
    keys: tuple[frozenset[str], ...]
    needs_number: bool


def _pattern_keys(term: str, lang: str, citation: bool) -> tuple[tuple[frozenset[str], ...], bool]:
    """Token keys of a term; a citation abbreviation (`f.`, `Л.`) matches only as written."""
    text = re.sub(r"[«»\"“”]", "", term).strip()
    toks = _tokens(text, lang, term=True)
    if not toks:
        return (), False
    dotted = citation and text.endswith(".")
    keys = [t.keys for t in toks]
    if dotted:
        last = toks[-1]
        keys[-1] = frozenset({f"={text[last.start:last.end]}."})
        for i, t in enumerate(toks[:-1]):
            if text.startswith(".", t.end):
                keys[i] = frozenset({f"={text[t.start:t.end]}."})
    for i, k in enumerate(keys):
        literal = {x for x in k if x.startswith("=")}
        if literal:
            keys[i] = frozenset(literal)
    needs_number = dotted and len(text) <= 4 or text == "№"
    return tuple(keys), needs_number


def _scan(text: str, tokens: Sequence[_Token], index: dict[str, list[_Pattern]]
          ) -> list[tuple[int, int, int]]:
    """(start, end, entry) of every pattern found, offsets into `text`."""
    found = []
    n = len(tokens)
    for i, tok in enumerate(tokens):
        for key in tok.keys:
            for pat in index.get(key, ()):
                size = len(pat.keys)
                if i + size > n:
                    continue
                ok = True
                for j in range(1, size):
                    prev, cur = tokens[i + j - 1], tokens[i + j]
                    if pat.keys[j].isdisjoint(cur.keys) or not _GAP.fullmatch(
                            text, prev.end, cur.start):
                        ok = False
                        break
                end = tokens[i + size - 1].end
                if ok and pat.needs_number and not _NUMBER_AFTER.match(text, end):
                    ok = False
                if ok:
                    found.append((tok.start, end, pat.entry))
    return found


def _outermost(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop matches lying inside a longer match of another entry (Left Opposition > Opposition)."""
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, int]] = []
    for f in found:
        if any(k[0] <= f[0] and f[1] <= k[1] and (k[1] - k[0]) > (f[1] - f[0]) for k in kept):
            continue
        kept.append(f)
    return kept


class Termbase:
    """Term entries and, per source language, an index of their token patterns."""

    def __init__(self, entries: Iterable[TermEntry], origins: Iterable[str] | None = None) -> None:
        self.entries: list[TermEntry] = list(entries)
        self.origins: list[str] = list(origins) if origins is not None else [
            BUILTIN_ORIGIN] * len(self.entries)
        self._indexes: dict[str, dict[str, list[_Pattern]]] = {}
        self._prefixes: dict[str, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def _surface_forms(self, entry: TermEntry, lang: str) -> list[str]:
        forms = list(entry.forms(lang))
        if _base_lang(lang) not in CYRILLIC_LANGS and entry.forms("ru"):
            forms += entry.romanization
            if entry.subject in ROMANIZED_SUBJECTS:
                forms += [alalc(f) for f in entry.forms("ru") if len(f) > 3]
        return forms

    def _index(self, lang: str) -> dict[str, list[_Pattern]]:
        base = _base_lang(lang)
        if base in self._indexes:
            return self._indexes[base]
        index: dict[str, list[_Pattern]] = {}
        for n, entry in enumerate(self.entries):
            seen = set()
            for form in self._surface_forms(entry, base):
                keys, needs_number = _pattern_keys(form, base, entry.subject == "citation")
                if not keys or (keys, needs_number) in seen:
                    continue
                seen.add((keys, needs_number))
                pat = _Pattern(n, keys, needs_number)
                for key in keys[0]:
                    index.setdefault(key, []).append(pat)
        self._indexes[base] = index
        self._prefixes[base] = _prefixes(index)
        return index

    def term(self, n: int, source_lang: str, target_lang: str) -> Term | None:
        """Entry `n` as a Term from `source_lang` to `target_lang`, if it has both."""
        entry = self.entries[n]
        source, target = entry.preferred(source_lang), entry.display(target_lang)
        if source is None or target is None:
            return None
        return Term(source=source, target=target, source_lang=source_lang,
                    target_lang=target_lang, note=entry.note, pos=entry.pos,
                    uncertain=entry.uncertain, origin=self.origins[n])

    def find(self, text: str, source_lang: str, target_lang: str) -> list[Term]:
        """Every entry found in `text`, in order of appearance, each once."""
        index = self._index(source_lang)
        tokens = _tokens(text, source_lang, prefixes=self._prefixes[_base_lang(source_lang)])
        found = _outermost(_scan(text, tokens, index))
        out, seen = [], set()
        for _start, _end, n in sorted(found):
            if n in seen:
                continue
            seen.add(n)
            term = self.term(n, source_lang, target_lang)
            if term is not None:
                out.append(term)
        return out

    def terms(self, source_lang: str, target_lang: str) -> list[Term]:
        """All entries that have both languages, as Terms (for listing or export)."""
        return [t for n in range(len(self.entries))
                if (t := self.term(n, source_lang, target_lang)) is not None]


@lru_cache(maxsize=8)
def _read_cached(path: str, mtime_ns: int) -> tuple[TermEntry, ...]:
    return tuple(read_tbx(path))


def _read(path: Path) -> list[TermEntry]:
    return list(_read_cached(str(path), path.stat().st_mtime_ns))


def load_termbase(config: Config | None = None) -> Termbase:
    """The shipped termbase (unless `builtin_terms = false`) plus every *.tbx memory file."""
    entries: list[TermEntry] = []
    origins: list[str] = []
    if config is None or config.builtin_terms:
        builtin = _read(BUILTIN_TBX)
        entries += builtin
        origins += [BUILTIN_ORIGIN] * len(builtin)
    if config is not None:
        for path in config.memory_files():
            if path.suffix.lower() == ".tbx":
                more = _read(path)
                entries += more
                origins += [config.relative(path)] * len(more)
    return Termbase(entries, origins)


def _alternatives(term: str) -> list[str]:
    """`A (B)` and `A; B` name one concept twice: either form counts as present."""
    term = term.strip()
    alts = [term]
    m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", term)
    if m:
        alts += [m.group(1), m.group(2)]
    for alt in list(alts):
        if ";" in alt:
            alts += [a.strip() for a in alt.split(";") if a.strip()]
    return alts


@lru_cache(maxsize=4096)
def _term_index(term: str, lang: str) -> dict[str, list[_Pattern]]:
    index: dict[str, list[_Pattern]] = {}
    for alt in _alternatives(term):
        keys, needs_number = _pattern_keys(alt, lang, citation=False)
        if keys:
            pat = _Pattern(0, keys, needs_number)
            for key in keys[0]:
                index.setdefault(key, []).append(pat)
    return index


def term_present(text: str, term: str, lang: str) -> bool:
    """Whether `term` (or its abbreviation in parentheses) occurs in `text`, inflected or not.

    >>> term_present("решение Центральной контрольной комиссии", "Центральная контрольная комиссия",
    ...              "ru")
    True
    """
    index = _term_index(term, _base_lang(lang))
    return bool(index) and bool(_scan(text, _tokens(text, lang), index))


def hint_lines(terms: Iterable[Term]) -> list[str]:
    """PO extracted-comment lines: `terms: <source> = <target>`, unvetted ones marked."""
    lines = []
    for t in terms:
        mark = " (uncertain)" if t.uncertain else ""
        line = f"terms: {t.source} = {t.target}{mark}"
        if line not in lines:
            lines.append(line)
    return lines
