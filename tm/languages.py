"""Whether a language code names a real language, by Babel's CLDR data, and the nearest
valid code when it does not (`RU` -> `ru`, `russian` -> `ru`, `rus` -> `ru`). Imported
only for codes outside tm.names' common set: Babel's data costs start-up time."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from tm.names import CODE_HINT


@lru_cache(maxsize=1)
def _known() -> tuple[frozenset[str], frozenset[str], frozenset[str], dict[str, str]]:
    """Languages, scripts and territories CLDR names, and English language names."""
    english = Locale("en")
    names = {k: v for k, v in english.languages.items() if "_" not in k}
    languages = set(names) | {i.split("_")[0] for i in locale_identifiers()}
    languages |= {k.split("_")[0] for k in get_global("likely_subtags")}
    languages.discard("und")
    return (frozenset(languages), frozenset(english.scripts),
            frozenset(english.territories), names)


def _parts(code: str) -> tuple[list[str], str]:
    """Subtags of `code` (either separator) and its gettext `@modifier` (or '')."""
    base, _, modifier = code.partition("@")
    return re.split(r"[_-]", base), modifier


def _canonical_subtag(tag: str, first: bool) -> str:
    if first:
        return tag.lower()
    if len(tag) == 4 and tag.isalpha():
        return tag.title()
    if len(tag) == 2 and tag.isalpha():
        return tag.upper()
    return tag


def _valid(code: str) -> bool:
    languages, scripts, territories, _ = _known()
    tags, modifier = _parts(code)
    if tags[0] not in languages or (modifier and not modifier.islower()):
        return False
    rest = tags[1:]
    if rest and rest[0] in scripts:
        rest = rest[1:]
    if rest and rest[0] in territories:
        rest = rest[1:]
    # variants (BCP 47: 5-8 characters, or a digit and 3) are passed as written
    return all(re.fullmatch(r"[a-z0-9]{5,8}|[0-9][a-z0-9]{3}", t) for t in rest)


def _recased(code: str) -> str:
    tags, modifier = _parts(code)
    seps = re.findall(r"[_-]", code.partition("@")[0])
    out = _canonical_subtag(tags[0], True)
    for sep, tag in zip(seps, tags[1:], strict=True):
        out += sep + _canonical_subtag(tag, False)
    return out + ("@" + modifier.lower() if modifier else "")


def nearest(code: str) -> str | None:
    """The valid code most likely meant by `code`, or None when nothing is near."""
    languages, _, _, names = _known()
    recased = _recased(code)
    if recased != code and _valid(recased):
        return recased
    lowered = code.lower()
    by_name = {name.lower(): lang for lang, name in names.items()}
    if lowered in by_name:
        return by_name[lowered]
    tags, _ = _parts(recased)
    if tags[0] in languages:  # the language is right, a script or territory is not
        likely = get_global("likely_subtags").get(tags[0])
        if likely:
            territory = likely.split("_")[-1]
            sep = "-" if "-" in code else "_"
            return f"{tags[0]}{sep}{territory}" if len(tags) > 1 else tags[0]
        return tags[0]
    from tm.names import COMMON_LANGUAGES

    for common in COMMON_LANGUAGES:  # the most used first: `rus`, `eng`, `rv`
        if "_" not in common and "-" not in common and "@" not in common and \
                Levenshtein.distance(lowered, common) <= 1 and len(lowered) <= 3:
            return common
    if len(lowered) > 3:  # a misspelt English name: `rusian`, `Portugese`
        match = extractOne(lowered, list(by_name), score_cutoff=85)
        if match is not None:
            return by_name[match[0]]
    return None


def language_problem(code: str) -> tuple[str, str] | None:
    """None for a code naming a real language; else the message and the hint."""
    if _valid(code):
        return None
    near = nearest(code)
    what = f"unknown language code {code!r}"
    if near is None:
        return what, f"no known language has a code near it: {CODE_HINT}"
    return what, f"did you mean {near}?"
