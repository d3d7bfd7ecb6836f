"""Anchors: things a sentence and its translation must share, written in one form for
both languages, so that the aligner can tell which sentences belong together.

Numbers (years, dates, counts), month names, footnote marks, URLs, archival citations
(compared in their converted form: `RGASPI, f. 17...` and `РГАСПИ. Ф. 17...` give one
key), termbase entries (Russian found by lemma: `Троцкого` is entry Trotsky) and names
by their romanization key (`Smilga` and `Смилгой` share `smil`).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from tm.citations import find_citations
from tm.languages import base_lang
from tm.romanize import romanization_key

Anchors = dict[str, float]
"""Anchor key -> weight (a key found twice counts twice)."""

WEIGHTS = {"n": 1.0, "fn": 1.5, "u": 1.5, "cit": 2.0, "m": 0.7, "t": 0.6, "r": 0.5}
"""How much a shared (or missing) anchor of each kind says about a link."""

SOFT = ("t:", "r:")
"""Kinds that count only when shared: a translator may render a term by a pronoun, and
a capitalized English word (Revolution) need not be capitalized in Russian."""

NAME_KEY = 4
"""Romanization-key prefix compared for words: long enough to tell names apart, short
enough to ignore Russian case endings (Троцкого, Trotsky -> `trot`)."""


class TermFinder(Protocol):
    """What anchors need of a termbase (tm.terms.Termbase has it)."""

    def matches(self, text: str, source_lang: str) -> list[tuple[int, int, int, bool]]: ...


_FOOTNOTE = re.compile(r"<sup>\s*\[?(\d{1,4})\]?\s*</sup>|\[\^(\w{1,20})\]|^\[(\d{1,4})\]")
_URL = re.compile(r"\]\(\s*<?([^)\s>]+)|<(https?://[^>\s]+)>|(https?://[^\s)>\]]+)")
_THOUSANDS = {
    "en": re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,]|\.\d)"),
    "ru": re.compile(r"(?<![\d.,])\d{1,3}(?:[\u00a0\u202f\u2009 ]\d{3})+(?!\d)"),
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_CITATION_HINT = re.compile(r"\d|bid|Там")
_WORD = re.compile(r"(?<![\w'’])[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё'’-]{3,}")
_SPELLING = (("ch", "h"), ("c", "k"), ("z", "s"), ("x", "ks"), ("w", "v"), ("ph", "f"))
_MONTHS: tuple[tuple[str, str], ...] = (
    ("January", "январ"), ("February", "феврал"), ("March", "март"), ("April", "апрел"),
    ("May", "ма[йяе]"), ("June", "июн"), ("July", "июл"), ("August", "август"),
    ("September", "сентябр"), ("October", "октябр"), ("November", "ноябр"),
    ("December", "декабр"),
)
_MONTH = {
    "en": re.compile(r"\b(?:" + "|".join(f"({en})" for en, _ in _MONTHS) + r")\b"),
    "ru": re.compile(r"(?<!\w)(?:" + "|".join(f"({ru})" for _, ru in _MONTHS) + r")[а-я]*",
                     re.IGNORECASE),
}
_MONTH_NAMES = frozenset(en for en, _ in _MONTHS)


def _add(out: Anchors, kind: str, value: str) -> None:
    key = f"{kind}:{value}"
    out[key] = out.get(key, 0.0) + WEIGHTS[kind]


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with the spans replaced by spaces (already counted as another anchor)."""
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _base(lang: str) -> str:
    code = base_lang(lang)
    return code if code in _THOUSANDS else "en"


def number_keys(text: str, lang: str) -> list[str]:
    """Numbers in one written form: `1,000` (en) and `1 000` (ru) are `1000`, `1.5` and
    `1,5` are `1.5`."""
    base = _base(lang)
    out = []
    spans = []
    for m in _THOUSANDS[base].finditer(text):
        out.append(re.sub(r"\D", "", m.group()))
        spans.append(m.span())
    for m in _NUMBER.finditer(_blank(text, spans) if spans else text):
        value = m.group()
        if base == "ru":
            value = value.replace(",", ".")
        elif "," in value:
            out.extend(value.split(","))
            continue
        out.append(value)
    return out


def _structural(text: str, lang: str, out: Anchors) -> str:
    """Footnote marks, URLs and citations into `out`; the text without them."""
    spans: list[tuple[int, int]] = []
    for m in _FOOTNOTE.finditer(text):
        _add(out, "fn", next(g for g in m.groups() if g is not None))
        spans.append(m.span())
    for m in _URL.finditer(text):
        _add(out, "u", next(g for g in m.groups() if g is not None))
        spans.append(m.span())
    if spans:
        text = _blank(text, spans)
    if _CITATION_HINT.search(text):
        cites = find_citations(text, lang)
        for c in cites:
            _add(out, "cit", c.to("en").replace(" ", ""))
        if cites:
            text = _blank(text, ((c.start, c.end) for c in cites))
    return text


def anchors(text: str, lang: str, terms: TermFinder | None = None) -> Anchors:
    """The anchors of one sentence of language `lang`."""
    out: Anchors = {}
    rest = _structural(text, lang, out)
    for n in number_keys(rest, lang):
        _add(out, "n", n.lstrip("0") or "0")
    month = _MONTH[_base(lang)]
    for m in month.finditer(rest):
        _add(out, "m", str(m.lastindex))
    if terms is not None:
        seen = set()
        for start, end, entry, ambiguous in terms.matches(rest, lang):
            if not ambiguous and (start, end, entry) not in seen:
                seen.add((start, end, entry))
                _add(out, "t", str(entry))
    for m in _WORD.finditer(rest):
        if m.group() not in _MONTH_NAMES:
            key = word_key(m.group())
            if len(key) >= NAME_KEY:
                _add(out, "r", key)
    return out


@lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """The first letters of a word's romanization, English spelling folded toward it:
    names (Троцкого, Trotsky) and loan words (оппозиции, opposition) share one."""
    key = romanization_key(word)
    for a, b in _SPELLING:
        key = key.replace(a, b)
    return re.sub(r"(.)\1", r"\1", key)[:NAME_KEY]


@dataclass(frozen=True, slots=True)
class Bag:
    """Anchors of one or more sentences with the total weight of the strict ones, so
    that agreement costs one pass over the smaller side."""

    weights: Mapping[str, float]
    strict: float


EMPTY = Bag({}, 0.0)


def _soft(key: str) -> bool:
    return key[0] in "tr"  # SOFT kinds; no strict kind starts with t or r


def bag(found: Mapping[str, float], keep: Container[str] | None = None) -> Bag:
    """A Bag of one sentence's anchors; soft keys not in `keep` are left out (a word key
    the other document never has can never be shared)."""
    if keep is not None:
        found = {k: w for k, w in found.items() if not _soft(k) or k in keep}
    return Bag(found, sum(w for k, w in found.items() if not _soft(k)))


def strict_only(b: Bag) -> Bag:
    """The Bag without its word keys (blocks: lengths, numbers and terms decide)."""
    if not any(k[0] == "r" for k in b.weights):
        return b
    return Bag({k: w for k, w in b.weights.items() if k[0] != "r"}, b.strict)


def union(bags: Iterable[Bag]) -> Bag:
    """The anchors of several sentences together."""
    items = [b for b in bags if b.weights]
    if len(items) < 2:
        return items[0] if items else EMPTY
    out: dict[str, float] = {}
    for b in items:
        for key, w in b.weights.items():
            out[key] = out.get(key, 0.0) + w
    return Bag(out, sum(b.strict for b in items))


def agreement(a: Bag, b: Bag) -> tuple[float, float]:
    """(shared, unshared) anchor weight of a link's source and target side: shared
    counts every kind, unshared only the strict ones (SOFT)."""
    small, big = (a, b) if len(a.weights) <= len(b.weights) else (b, a)
    if not small.weights:
        return 0.0, big.strict
    shared = shared_strict = 0.0
    get = big.weights.get
    for key, w in small.weights.items():
        v = get(key)
        if v:
            m = w if w < v else v
            shared += m
            if not _soft(key):
                shared_strict += m
    return shared, a.strict + b.strict - 2 * shared_strict
