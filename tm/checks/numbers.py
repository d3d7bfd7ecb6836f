"""Numbers, years and archival citation numbers must match between source and translation."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from tm.checks.context import Context
from tm.checks.markup import FOOTNOTE, URL, differences
from tm.segment.prose import code_spans

# 3,688 / 3.688 / 3 688 (spaces, no-break spaces) are one number; 1.8 and 1,8 are the same decimal.
# (Starting on a digit, with the look-behind after it, lets the scan skip text quickly.)
NUMBER = re.compile(r"(\d(?<![\d.,]\d)(?:\d{0,2}([,. \u00a0\u202f\u2009])\d{3}(?:\2\d{3})*(?!\d)"
                    r"|\d*(?:[.,]\d+)?))")
_CITE_HINT = re.compile(r"(?i)\b(?:f|op|d|ll?|ф|оп|д|лл?)\.\s*\d")
_DIGIT = re.compile(r"\d")
# Numbers that are not the text's own: URLs, link targets, footnote marks (also what is
# left of one a translator broke: the footnote check reports it), tags and code spans.
_NOT_TEXT = re.compile("|".join((
    URL.pattern, r"\]\(\s*<?[^)\s>]*>?(?:\s+\"[^\"]*\")?\s*\)", FOOTNOTE.pattern,
    r"<sup>\s*\[?\s*\w+\s*\]?|\[\s*\w+\s*\]\s*</sup>", r"<[^>\s]+>|`[^`]*`")))


_GROUPED = re.compile(r"\d{1,3}(?:[,. \u00a0\u202f\u2009]\d{3})+")
_NOT_DIGIT = re.compile(r"\D")
_DECIMAL_MARK = re.compile(r"[.,]")


def _normal(token: str) -> str:
    if token.isdigit():
        return token.lstrip("0") or "0"
    m = _GROUPED.fullmatch(token)
    if m and not token.startswith("0"):
        return _NOT_DIGIT.sub("", token)
    if "," in token or "." in token:
        whole, frac = _DECIMAL_MARK.split(token, maxsplit=1)
        return f"{int(whole)}.{frac}"
    return _NOT_DIGIT.sub("", token).lstrip("0") or "0"  # "0 200": a group after a zero


@lru_cache(maxsize=8192)
def numbers(text: str) -> tuple[str, ...]:
    """Numbers of `text` outside URLs, link targets, footnote marks, tags and code."""
    if not _DIGIT.search(text):
        return ()
    if "<" in text or "`" in text or "](" in text or "://" in text or "[^" in text:
        text = _NOT_TEXT.sub(" ", text)
    return tuple(_normal(m.group(1)) for m in NUMBER.finditer(text))


_DATE = re.compile(r"(?<![\d.,/])(\d{1,2})([./])(\d{1,2})\2(\d{4})(?![\d]|[.,/]\d)")
"""A numeric date, day first, as archival documents write it: 12.09.1937, 5/9/1937."""
_MONTHS = [re.compile(rf"(?i)\b(?:{words})(?!\w)") for words in (
    r"january|jan|januar|janvier|январ[а-яё]*|янв",
    r"february|feb|februar|février|феврал[а-яё]*|февр?",
    r"march|mar|märz|mars|март[а-яё]*|мар",
    r"april|apr|avril|апрел[а-яё]*|апр",
    r"(?-i:May)|mai|ма[йяе]",
    r"june|jun|juni|juin|июн[а-яё]*",
    r"july|jul|juli|juillet|июл[а-яё]*",
    r"august|aug|ao[uû]t|август[а-яё]*|авг",
    r"september|sept?|septembre|сентябр[а-яё]*|сент",
    r"october|oct|oktober|octobre|октябр[а-яё]*|окт",
    r"november|nov|novembre|ноябр[а-яё]*|нояб?",
    r"december|dec|dezember|décembre|декабр[а-яё]*|дек")]
"""Month names and their abbreviations (en, ru, de, fr), by month: a numeric date's month
may be written as a word in the translation (12.09.1937 = 12 September 1937)."""


_MONTH_MARK = " (the month of a date)"


def _month(n: int) -> str:
    return f"{n}{_MONTH_MARK}"


@lru_cache(maxsize=8192)
def checked_numbers(text: str) -> tuple[str, ...]:
    """`numbers`, with a numeric date read as its day, month and year (`_month`)."""
    found = numbers(text)  # 12.09.1937 gives a decimal 12.09 there: without one, and
    if "/" not in text and not any("." in n for n in found):  # without a slash, no date
        return found  # is looked for (the search costs more than `numbers` itself)
    if not _DATE.search(text):
        return found
    out: list[str] = []
    last = 0
    for m in _DATE.finditer(text):
        out += numbers(text[last:m.start()])
        day, month, year = int(m.group(1)), int(m.group(3)), m.group(4)
        out += [str(day), _month(month) if 1 <= month <= 12 else str(month), year]
        last = m.end()
    out += numbers(text[last:])
    return tuple(out)


def _months_named(text: str, wanted: Counter[str]) -> list[str]:
    """The month tokens of `wanted` whose month `text` names in words."""
    return [tok for tok in wanted.elements() if tok.endswith(_MONTH_MARK)
            and _MONTHS[int(tok.split()[0]) - 1].search(text)]


_ROMAN = re.compile(r"(?<![\w.])(?=[MDCLXVI]{2,}(?![\w.]))M{0,3}(?:CM|CD|D?C{0,3})"
                    r"(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})(?![\w])")
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}


def roman_numerals(text: str) -> list[str]:
    """Values of Roman numerals of two letters or more (`XV съезд`, `XX века`).

    >>> roman_numerals("на XV съезде, в XX веке, I said")
    ['15', '20']
    """
    if not any(c in text for c in "XVI"):
        return []
    out = []
    for m in _ROMAN.finditer(text):
        word, total = m.group(), 0
        for a, b in zip(word, word[1:] + " ", strict=True):
            v = _ROMAN_VALUES[a]
            total += -v if b != " " and _ROMAN_VALUES[b] > v else v
        out.append(str(total))
    return out


_SPELLED: dict[str, str] = {}
for _value, _forms in enumerate((
        "ноль нуля нулю нулём нулем zero null",
        "один одна одно одного одной одному одним одном одни одних одними одну "
        "one eins",
        "два две двух двум двумя two zwei",
        "три трёх трех трём трем тремя three drei",
        "четыре четырёх четырех четырём четырем четырьмя four vier",
        "пять пяти пятью five fünf",
        "шесть шести шестью six sechs",
        "семь семи семью seven sieben",
        "восемь восьми восемью восьмью eight acht",
        "девять девяти девятью nine neun",
        "десять десяти десятью ten zehn")):
    _SPELLED.update(dict.fromkeys(_forms.split(), str(_value)))
_WORD = re.compile(r"\w+")


def spelled_numbers(text: str) -> list[str]:
    """Values of the numbers zero to ten written as words (Russian in any case, English,
    German but for `ein`/`eine`..., which are also the article): style guides spell
    small numbers out (`4 bytes` = `четыре байта`).

    >>> spelled_numbers("Тип char занимает четыре байта, а не two")
    ['4', '2']
    """
    return [v for w in _WORD.findall(text.lower()) if (v := _SPELLED.get(w)) is not None]


def _code_numbers(text: str) -> list[str]:
    """The numbers inside the code spans of `text` (`numbers` leaves them out), spans as
    CommonMark reads them (tm.segment.prose.code_spans, as the markup check does)."""
    return [n for a, b, fence in code_spans(text) for n in numbers(text[a + fence:b - fence])]


def check_numbers(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Every number and year of the source appears in the translation, and no new one.

    A Roman numeral stands for its number where the other side writes it in digits:
    Russian writes the 15th Congress `XV съезд` and the 20th century `XX век`. A numeric
    date's month may be a word on the other side: `12.09.1937` = `12 September 1937`.
    A number up to ten may be a word (`4 bytes` = `четыре байта`), and a number of a
    code span the translation wrote as plain text is the markup check's finding alone.
    """
    s_nums, t_nums = checked_numbers(src), checked_numbers(tgt)
    if s_nums == t_nums:
        return  # the same numbers in the same order (most translations)
    s, t = Counter(s_nums), Counter(t_nums)
    if s == t:
        return
    if s - t:
        t.update(v for v in roman_numerals(tgt) if v in s - t)
    if t - s:
        s.update(v for v in roman_numerals(src) if v in t - s)
    if s - t:  # 12.09.1937 = 12 September 1937, and the other way round
        t.update(_months_named(tgt, s - t))
    if t - s:
        s.update(_months_named(src, t - s))
    if s - t:
        t.update(v for v in spelled_numbers(tgt) if v in s - t)
    if t - s:
        s.update(v for v in spelled_numbers(src) + _code_numbers(src) if v in t - s)
    if s == t:
        return
    yield from differences("number", s, t, changed=" in the translation")


@lru_cache(maxsize=8192)
def _cited(text: str, lang: str) -> tuple[str, ...]:
    """tm.citations.citation_numbers (imported at the first sentence that may cite: its
    patterns take about 0.1 s to compile)."""
    from tm.citations import citation_numbers

    return tuple(citation_numbers(text, lang))


def _cite_hint(text: str) -> bool:
    """A citation needs an abbreviation's dot before a number (`f. 17`), so a sentence whose
    only dot is its last character cannot hold one."""
    dot = text.find(".")
    return 0 <= dot < len(text.rstrip()) - 1 and _CITE_HINT.search(text) is not None


def check_citations(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Archival citations (fond, opis', delo, list) keep the source's numbers, in order."""
    if not _cite_hint(src) and not _cite_hint(tgt):
        return
    s, t = _cited(src, ctx.source_lang), _cited(tgt, ctx.target_lang)
    if not t and ctx.target_lang != ctx.source_lang:
        t = _cited(tgt, ctx.source_lang)  # a citation left in the source's form (`Ibid., l. 45`)
    if s != t:
        shown = ", ".join(s) or "none"
        yield (f"archival citation numbers {', '.join(t) or 'none'} differ from the source's "
               f"({shown})")

