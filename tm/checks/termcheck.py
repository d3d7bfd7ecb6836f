"""Termbase terms found in the source must appear in the translation (any inflected form)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from tm.checks.context import Context


@lru_cache(maxsize=1)
def _terms_module() -> Any:
    try:
        from tm import terms
    except ImportError:  # tm.terms is optional while it is being written
        return None
    return terms


_FOUND: dict[tuple[int, str, str, str], tuple[Any, ...]] = {}


def _found(termbase: Any, text: str, source_lang: str, target_lang: str) -> tuple[Any, ...]:
    """Termbase.find, memoized: catalogs of one document repeat their msgids per language."""
    key = (id(termbase), text, source_lang, target_lang)
    hit = _FOUND.get(key)
    if hit is None:
        if len(_FOUND) > 50_000:
            _FOUND.clear()
        hit = _FOUND[key] = tuple(termbase.find(text, source_lang, target_lang))
    return hit


_LANGS: dict[tuple[int, str], bool] = {}


def has_language(termbase: Any, lang: str) -> bool:
    """Whether any entry has a term in `lang`; without one the check has nothing to ask."""
    key = (id(termbase), lang)
    if key not in _LANGS:
        _LANGS[key] = any(e.forms(lang) for e in getattr(termbase, "entries", ()))
    return _LANGS[key]


_FORMS: dict[tuple[int, str, str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
_QUOTES = str.maketrans("", "", "«»“”„\"")


def target_forms(termbase: Any, term: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every target-language form of the term's entry: `Троцкий` serves for `Trotsky` as
    well as the full `Лев Давидович Троцкий`, `ЦКК` for the full commission's name.

    Returns (lowercased literal forms for a fast exact test, queries for `term_present`);
    forms without brackets go into one `A; B; C` query, which term_present reads as
    alternatives, so the translation is tokenized once per term rather than once per form.
    """
    key = (id(termbase), term.source, term.source_lang, term.target_lang)
    if key not in _FORMS:
        forms: list[str] = [term.target]
        for entry in getattr(termbase, "entries", ()):
            if entry.preferred(term.source_lang) == term.source:
                forms += [f for f in entry.forms(term.target_lang) if f not in forms]
        plain = [f for f in forms if not any(c in f for c in "();")]
        queries = [f for f in forms if f not in plain]
        if plain:
            queries.insert(0, "; ".join(plain))
        literal = tuple(f.translate(_QUOTES).strip().lower() for f in plain)
        _FORMS[key] = (tuple(x for x in literal if len(x) >= 3), tuple(queries))
        _STEMS[key] = tuple(tuple(_stem(w) for w in f.split()) for f in literal
                            if f and all(len(w) >= 5 for w in f.split()))
    return _FORMS[key]


_STEMS: dict[tuple[int, str, str, str], tuple[tuple[str, ...], ...]] = {}


def _stem(word: str) -> str:
    return word[:-2] if len(word) > 5 else word[:-1]


def _stems_present(termbase: Any, term: Any, low: str) -> bool:
    """A quick yes: every word of some form occurs with at most its last letters changed
    (`контрольн`, `комисси` in `контрольную комиссию`); a no still asks term_present."""
    key = (id(termbase), term.source, term.source_lang, term.target_lang)
    return any(all(stem in low for stem in stems) for stems in _STEMS.get(key, ()))


def check_terms(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Approved (not `uncertain`) termbase translations are used, in any inflected form."""
    terms = _terms_module()
    if terms is None or ctx.termbase is None or not has_language(ctx.termbase, ctx.target_lang):
        return
    found = _found(ctx.termbase, src, ctx.source_lang, ctx.target_lang)
    if not found:
        return
    low = tgt.lower()
    for term in found:
        if term.uncertain:
            continue
        literal, queries = target_forms(ctx.termbase, term)
        if any(f in low for f in literal) or _stems_present(ctx.termbase, term, low):
            continue
        if not any(terms.term_present(tgt, q, ctx.target_lang) for q in queries):
            yield f"term {term.source!r}: approved translation {term.target!r} missing"


def load_termbase(config: Any) -> Any:
    """The project's termbase, or None when tm.terms is not available."""
    terms = _terms_module()
    if terms is None:
        return None
    return terms.load_termbase(config)
