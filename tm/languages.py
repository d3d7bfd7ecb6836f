"""Language codes: their one syntax, their base language, the script a text is written
in, and whether a code names a real language by Babel's CLDR data (with the nearest valid
code when it does not: `RU` -> `ru`, `russian` -> `ru`, `rus` -> `ru`). Babel is imported
only for codes outside the common set: its data costs start-up time."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from tm.errors import TmError

T = TypeVar("T")
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})*(?:@[A-Za-z0-9]{1,16})?")
"""A language code as gettext and BCP 47 write them: `ru`, `pt_BR`, `sr@latin`,
`zh-Hans`, `es-419`."""
CODE_HINT = "write codes such as ru, pt_BR, sr@latin or zh-Hans"

COMMON_LANGUAGES = (
    "en", "ru", "de", "fr", "es", "it", "uk", "pl", "pt", "nl", "sv", "cs", "ja", "zh",
    "ko", "ar", "tr", "fi", "da", "nb", "no", "el", "he", "hu", "ro", "bg", "be", "sr",
    "hr", "sk", "sl", "lt", "lv", "et", "ka", "hy", "kk", "fa", "hi", "id", "vi", "th",
    "la", "yi", "pt_BR", "pt-BR", "zh_CN", "zh_TW", "zh-Hans", "zh-Hant", "sr@latin",
    "es-419")
"""Codes accepted without loading Babel's locale data (about 10 ms at start-up)."""
_COMMON = frozenset(COMMON_LANGUAGES)


def base_lang(code: str) -> str:
    """The language subtag, lowercased: `en-US`, `EN_us` and ` en ` all give `en`.

    A gettext `@modifier` stays (`sr@latin` is not `sr`: it is written in another script).
    """
    return code.strip().replace("_", "-").split("-")[0].lower()


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z]")


def guess_language(texts: Iterable[str], default: str = "en") -> str:
    """`ru` when Cyrillic outweighs Latin letters in the first 200 of `texts`, else
    `default`: the source language of a memory or catalog that does not say it."""
    cyr = lat = 0
    for n, t in enumerate(texts):
        if n >= 200:
            break
        cyr += len(_CYRILLIC.findall(t))
        lat += len(_LATIN.findall(t))
    return "ru" if cyr > lat else default


def check_language(code: str, path: str | Path | None, line: int) -> None:
    """Refuse a language code that is no code (it names folders under locales/), or that
    names no language Babel's CLDR data knows, naming the nearest valid code."""
    if code in _COMMON:
        return
    if not LANGUAGE.fullmatch(code):
        hint = CODE_HINT
        if re.fullmatch(r"[A-Za-z][A-Za-z ]{0,40}", code):  # a name: `russian`, `Russian`
            near = nearest(code)
            hint = f"did you mean {near}?" if near else hint
        raise TmError(f"{code!r} is not a language code", path, line, hint)
    problem = language_problem(code)
    if problem is not None:
        what, hint = problem
        raise TmError(what, path, line, hint)


def language_option(value: T) -> T:
    """A typer callback for `--lang`, `--to`, `--from`: a bad code is a usage error, one
    `tm: error:` line and exit 2 (typer is imported only when a code is bad)."""
    for code in value if isinstance(value, list) else [value]:
        if code is None:
            continue
        try:
            check_language(str(code), None, 1)
        except TmError as e:
            import typer

            raise typer.BadParameter(f"{e.what}, {e.hint}" if e.hint else e.what) from None
    return value


@lru_cache(maxsize=1)
def _known() -> tuple[frozenset[str], frozenset[str], frozenset[str], dict[str, str]]:
    """Languages, scripts and territories CLDR names, and English language names."""
    from babel import Locale
    from babel.core import get_global
    from babel.localedata import locale_identifiers

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
    from babel.core import get_global
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import extractOne

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
