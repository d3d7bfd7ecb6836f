"""Is a term in a translation? What the `term` check accepts, exactly and quickly.

The exact test (`accepts`) reads the translation word by word and accepts any form of
the approved term that the hint system would find (its lemmas, `ссылку` for
`ссылка`), any derived word (`лагерная` for `лагерь`, `расстреляли` for `расстрел`,
`executed` for `execution`) and any romanization of a name. The quick tests
are held to the exact one by a property test: `rules_out` only looks for letters every
accepted word must contain and may only say "certainly absent"; `literal_pattern` says
"present" only when a form stands in the text exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tm.languages import base_lang
from tm.romanize import romanization_key
from tm.termkeys import (
    CAPS_RU,
    CYR,
    CYRILLIC_LANGS,
    GAP,
    TOKEN,
    english_lemma,
    fold,
    is_literal,
    roman_key,
    ru_term_keys,
    stem,
    unquoted,
    word_keys,
)

Keys = frozenset[str]
Acceptor = tuple[Keys, str | None]
"""Keys a translation's word may have, or a stem its lemma may start with."""
Probe = tuple[frozenset[str], frozenset[str]]
"""Substrings one of which an accepted word leaves in the folded text, or in its
romanization key (for romanized names)."""


def alternatives(term: str) -> list[str]:
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


def acceptors(form: str, lang: str) -> tuple[Acceptor, ...]:
    """What each word of a target form accepts: any lemma of it (inflected forms), any
    romanization of a name, or a derived word (`лагерная` for `лагерь`)."""
    base = base_lang(lang)
    text = unquoted(form)
    out: list[Acceptor] = []
    for m in TOKEN.finditer(text):
        word = m.group()
        bare = word.rstrip("'’ʹ")
        if text.startswith(".", m.end()) and len(word) <= 3:
            out.append((frozenset({f"={word}."}), None))  # `Л.`, `f.`: as written
            continue
        caps = CAPS_RU.fullmatch(word) if base in CYRILLIC_LANGS else None
        if caps or is_literal(bare):
            out.append((frozenset({"=" + (caps.group(1) if caps else bare)}), None))
            continue
        if base in CYRILLIC_LANGS and CYR.search(word):
            keys = word_keys(word, base)
            if base == "ru":
                keys |= ru_term_keys(word)
            stems = {stem(k, True) for k in keys}
        else:
            lemma = english_lemma(word) if base == "en" else word.lower()
            rom = roman_key(word)
            keys = frozenset({"w:" + lemma} | ({"r:" + rom} if rom else set()))
            stems = {stem("w:" + lemma, False)}
        found = sorted((s for s in stems if s is not None), key=len)
        out.append((keys, found[0] if found else None))
    return tuple(out)


def _accepted(acc: Acceptor, keys: Keys) -> bool:
    want, st = acc
    if not want.isdisjoint(keys):
        return True
    return st is not None and any(k.split(":", 1)[-1].startswith(st) for k in keys
                                  if not k.startswith("="))


def accepts(text: str, forms: Iterable[tuple[Acceptor, ...]], lang: str) -> bool:
    """Whether any form occurs in `text`, word after word (inflected or derived)."""
    base = base_lang(lang)
    todo = [f for f in forms if f]
    if not todo:
        return False
    # a Russian word that begins like no accepted word needs no morphological analysis
    begins = frozenset(fold(x.split(":", 1)[-1])[:3] for form in todo for keys, st in form
                       for x in (*keys, *([st] if st else [])) if not x.startswith("="))
    toks = []
    for m in TOKEN.finditer(text):
        keys = word_keys(m.group(), base, begins)
        if text.startswith(".", m.end()):
            keys = keys | {f"={m.group()}."}  # citation abbreviations: `Л.`, `l.`
        toks.append((m.start(), m.end(), keys))
    for i in range(len(toks)):
        for form in todo:
            if i + len(form) > len(toks):
                continue
            for j, acc in enumerate(form):
                s, _e, keys = toks[i + j]
                if j and not GAP.fullmatch(text, toks[i + j - 1][1], s):
                    break
                if not _accepted(acc, keys):
                    break
            else:
                return True
    return False


def literal_pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    """The forms exactly as written, as whole words: a text that has one has the form's
    own words, so the exact test accepts it too (the property test holds it to that)."""
    texts = sorted({unquoted(f) for f in forms} - {""}, key=len, reverse=True)
    if not texts:
        return None
    body = "|".join(re.escape(t) for t in texts)
    return re.compile(rf"(?<![\w\-‐'’ʹ.])(?:{body})(?![\w\-‐'’ʹ(])")


def probes(form: Sequence[Acceptor]) -> tuple[Probe, ...]:
    """For each word of a form, the 3-letter beginnings an accepted word shows."""
    out = []
    for keys, st in form:
        plain: set[str] = set()
        roman: set[str] = set()
        for k in keys:
            if k.startswith("="):
                plain.add(fold(k[1:]))
            elif k.startswith(("r:", "R:")):
                roman.add(k[2:5])
            else:
                plain.add(fold(k.split(":", 1)[-1])[:3])
        if st is not None:
            plain.add(fold(st)[:3])
        out.append((frozenset(plain), frozenset(roman)))
    return tuple(out)


def rules_out(folded: str, roman: str | None, form_probes: Iterable[tuple[Probe, ...]]) -> bool:
    """True when no form can occur in the text: some word of each form leaves none of
    its beginnings in it. `roman` is the text's romanization key (None: not needed)."""
    for form in form_probes:
        possible = True
        for plain, rom in form:
            if any(p in folded for p in plain):
                continue
            if rom and roman is not None and any(p in roman for p in rom):
                continue
            if rom and roman is None:
                continue  # cannot tell without the romanization
            possible = False
            break
        if possible:
            return False
    return True


def text_roman(text: str) -> str:
    """The romanization key of a whole text (names in it fold as they do word by word)."""
    return romanization_key(text)


def term_present(text: str, term: str, lang: str) -> bool:
    """Whether `term` (or its abbreviation in parentheses) occurs in `text`, inflected,
    derived or romanized otherwise.

    >>> term_present("решение Центральной контрольной комиссии",
    ...              "Центральная контрольная комиссия", "ru")
    True
    """
    return accepts(text, [acceptors(a, lang) for a in alternatives(term)], lang)
