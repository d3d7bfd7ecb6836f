"""Plain-text checks: mixed scripts, doubled spaces, identical text, end punctuation, pairs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tm.checks.context import Context
from tm.checks.markup import FOOTNOTE, URL
from tm.segment.prose import prose

_LAT = "A-Za-z\u00c0-\u024f"
_CYR = "\u0400-\u04ff"
MIXED = re.compile(rf"[\w'’]*(?:[{_LAT}][{_CYR}]|[{_CYR}][{_LAT}])[\w'’]*")
_SWITCH = re.compile(rf"[{_LAT}][{_CYR}]|[{_CYR}][{_LAT}]")
LATIN_FOND = re.compile(r"(?:\b[Фф]\.|\bфонд)\s*(R-?\s*\d+)")
CYRILLIC_FOND = re.compile(r"(?:\b[Ff]\.|\bfond)\s*([Р]-?\s*\d+)")


def mixed_script_words(text: str) -> list[str]:
    """Words mixing Latin and Cyrillic letters, e.g. `Tetradи` (a homoglyph slip).

    >>> mixed_script_words("Tetradи verkhne-ural'skogo")
    ['Tetradи']
    """
    if text.isascii() or not _SWITCH.search(text):
        return []
    if "://" in text:
        text = URL.sub(" ", text)
    return MIXED.findall(text)


def check_mixed_script(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Latin and Cyrillic letters in one word, or a Latin `R-` in a Russian fond number."""
    for word in mixed_script_words(tgt):
        if word not in mixed_script_words(src) or ctx.target_lang == ctx.source_lang:
            yield f"mixed-script word {word} (Latin and Cyrillic letters)"
    if ctx.target_lang == "ru" and "R" in tgt:
        for m in LATIN_FOND.finditer(tgt):
            yield f"Latin R in fond number {m.group(1)} (use Cyrillic Р)"
    elif ctx.target_lang != "ru" and "Р" in tgt:
        for m in CYRILLIC_FOND.finditer(tgt):
            yield f"Cyrillic Р in fond number {m.group(1)} (use Latin R)"


DOUBLE = re.compile(r"(\S*\S) {2,}(?=\S)")


def check_double_space(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Doubled spaces inside the translation, and spaces at its start or end, that the
    source does not have (two at the end are a hard line break in the merged document)."""
    if "  " in tgt and "  " not in src:
        for m in DOUBLE.finditer(tgt):
            yield f"doubled space after {m.group(1)[-20:]!r}"
    if tgt[:1] in (" ", "\t") and src[:1] not in (" ", "\t"):
        yield "space at the start of the translation (not in the source)"
    if tgt[-1:] in (" ", "\t") and src[-1:] not in (" ", "\t"):
        trailing = len(tgt) - len(tgt.rstrip(" \t"))
        yield (f"{trailing} space(s) at the end of the translation (not in the source"
               + ("; two make a hard line break in the merged document)" if trailing > 1
                  else ")"))


_WORD = re.compile(r"\b[a-zа-яё]{3,}\b")


def check_identical(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """A translation equal to its source is usually a copy left in place.

    Names, dates, citations and titles (no two lowercase words of three letters or
    more outside code, URLs and tags) may stay as they are.
    """
    if src == tgt and len(_WORD.findall(prose(src))) >= 2:
        yield "translation identical to the source"


_TRAIL = re.compile(r"(?:\s|<sup>[^<]*(?:</sup>)?|\[\^[^\]]*\]|</?\w+>|[*_`\"'”“»«„’)\]])+$")
_END = {".": ".", "…": "…", "?": "?", "!": "!", ":": ":", ";": ";",
        "。": ".", "？": "?", "！": "!", "：": ":", "；": ";", "؟": "?", "۔": ".", "।": ".",
        "؛": ";"}


_TRAIL_CHARS = frozenset(" \t\n>]*_`\"'”“»«„’)")


def _trail_start(text: str) -> int:
    """Where the closing marks, quotes and emphasis at the end of `text` begin."""
    m = _TRAIL.search(text) if text[-1:] in _TRAIL_CHARS else None
    return m.start() if m else len(text)


def end_punctuation(text: str) -> str:
    """The sentence-final punctuation of `text`, after marks, quotes and emphasis."""
    core = text[:_trail_start(text)]
    if core.endswith("..."):
        return "…"
    return _END.get(core[-1:], "") if core else ""


def with_end_punctuation(text: str, punct: str) -> str:
    """`text` ending in `punct` ('' for none) instead of its own end punctuation, in the
    same place: before closing quotes, emphasis and footnote marks.

    >>> with_end_punctuation("Выделено в оригинале", ".")
    'Выделено в оригинале.'
    >>> with_end_punctuation("«Что делать»?<sup>[2]</sup>", ".")
    '«Что делать».<sup>[2]</sup>'
    """
    cut = _trail_start(text)
    core = text[:cut]
    if core.endswith("..."):
        core = core[:-3]
    elif core[-1:] in _END:
        core = core[:-1]
    return core + punct + text[cut:]


_ABBREVIATION_END = re.compile(
    r"(?<!\w)(?:гг?|вв?|т\.\s?[дп]|др|пр|см|ср|e\.\s?V|usw|bzw|Jh|Jhs)\.[*_»”“)\]]*$")
"""Abbreviations whose dot may end a sentence: `в 1927 г.`, `и т. д.`, `usw.`; the dot is
the abbreviation's and the sentence's at once, so it stands for '.' as well as for none."""


def _ends_with_abbreviation(text: str) -> bool:
    return bool(_ABBREVIATION_END.search(text[:_trail_start(text)]))


def check_end_punctuation(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """The translation ends with the same kind of punctuation as the source.

    Accepted differences: '.' for '…'; a colon that introduces what follows where the
    other side ends without one or with a comma (Russian and German put a colon before
    a quotation where English has `He said,`); a sentence ending on an abbreviation
    (`в 1927 г.`), whose dot counts as a period or as none.
    """
    s, t = end_punctuation(src), end_punctuation(tgt)
    if s == t or {s, t} == {".", "…"} or {s, t} == {"", ":"}:
        return
    if {s, t} == {"", "."} and _ends_with_abbreviation(tgt if t else src):
        return
    yield (f"translation ends with {t or 'no punctuation'!r}, "
           f"the source with {s or 'no punctuation'!r}")


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"))


_PAIR_CHARS = frozenset("()[]{}«»\"“”„")


def _unbalanced(text: str) -> list[tuple[bool, str]]:
    """(is a quote problem, description) for every unbalanced pair in `text`."""
    if _PAIR_CHARS.isdisjoint(text):
        return []
    out = []
    for a, b in _PAIRS:
        na, nb = text.count(a), text.count(b)
        if na != nb:
            out.append((a == "«", f"{na} {a!r} but {nb} {b!r}"))
    quotes = sum(text.count(q) for q in '"“”„')
    if quotes % 2:
        out.append((True, f"an odd number of double quotes ({quotes})"))
    return out


def check_unbalanced(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Brackets and quotes balanced in the source must be balanced in the translation.

    A quotation that runs over two sentences leaves each segment with an unbalanced
    quote; when the source's quotes are unbalanced, the translation's quotes may be too,
    in whatever style its language uses (“...” in English, «...» in Russian).
    """
    if "<sup" in tgt or "[^" in tgt:
        tgt = FOOTNOTE.sub(" ", tgt)
        src = FOOTNOTE.sub(" ", src)
    problems = _unbalanced(tgt)
    if problems:
        known = _unbalanced(src)
        quotes_open = any(quote for quote, _ in known)
        for quote, p in problems:
            if (quote, p) not in known and not (quote and quotes_open):
                yield f"unbalanced brackets or quotes: {p}"
