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


_FORMS: dict[tuple[int, str, str, str], tuple[str, ...]] = {}


def target_forms(termbase: Any, term: Any) -> tuple[str, ...]:
    """Every target-language form of the term's entry: `Троцкий` serves for `Trotsky` as
    well as the full `Лев Давидович Троцкий`, `ЦКК` for the full commission's name."""
    key = (id(termbase), term.source, term.source_lang, term.target_lang)
    if key not in _FORMS:
        forms: list[str] = [term.target]
        for entry in getattr(termbase, "entries", ()):
            if entry.preferred(term.source_lang) == term.source:
                forms += [f for f in entry.forms(term.target_lang) if f not in forms]
        _FORMS[key] = tuple(forms)
    return _FORMS[key]


def check_terms(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Approved (not `uncertain`) termbase translations are used, in any inflected form."""
    terms = _terms_module()
    if terms is None or ctx.termbase is None:
        return
    for term in _found(ctx.termbase, src, ctx.source_lang, ctx.target_lang):
        if term.uncertain:
            continue
        if not any(terms.term_present(tgt, f, ctx.target_lang)
                   for f in target_forms(ctx.termbase, term)):
            yield f"term {term.source!r}: approved translation {term.target!r} missing"


def load_termbase(config: Any) -> Any:
    """The project's termbase, or None when tm.terms is not available."""
    terms = _terms_module()
    if terms is None:
        return None
    return terms.load_termbase(config)
