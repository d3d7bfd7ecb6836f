"""Sure termbase terms found in the source must appear in the translation (any inflected
or derived form); ambiguous and uncertain ones are hints only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tm.checks.context import Context
from tm.languages import base_lang

if TYPE_CHECKING:
    from tm.config import Config
    from tm.model import Term
    from tm.termaccept import Acceptor, Probe
    from tm.terms import Termbase

Forms = tuple[tuple[tuple["Acceptor", ...], ...], tuple[tuple["Probe", ...], ...],
              "re.Pattern[str] | None"]
"""A term's accepted target forms, their probes, and the pattern of the forms as written."""

_FOUND: dict[tuple[int, str, str, str], tuple[Termbase, tuple[Term, ...]]] = {}


def found_terms(termbase: Termbase, text: str, source_lang: str, target_lang: str
                ) -> tuple[Term, ...]:
    """Termbase.find, memoized: catalogs of one document repeat their msgids per language,
    and a pre-filled segment's term hints can reuse what its gate found. Each entry holds
    its termbase, so no other termbase can take over its id while the entry lives."""
    key = (id(termbase), text, source_lang, target_lang)
    hit = _FOUND.get(key)
    if hit is None or hit[0] is not termbase:
        if len(_FOUND) > 50_000:
            _FOUND.clear()
        hit = _FOUND[key] = (termbase, tuple(termbase.find(text, source_lang, target_lang)))
    return hit[1]


_LANGS: dict[tuple[int, str], bool] = {}


def has_language(termbase: Termbase, lang: str) -> bool:
    """Whether any entry has a term in `lang`; without one the check has nothing to ask."""
    key = (id(termbase), lang)
    if key not in _LANGS:
        _LANGS[key] = any(e.forms(lang) for e in termbase.entries)
    return _LANGS[key]


_FORMS: dict[tuple[int, str, str, str], Forms] = {}
_WRITTEN: dict[tuple[int, str, str, str], tuple[list[str], re.Pattern[str] | None]] = {}


def _written(termbase: Termbase, term: Term) -> tuple[list[str], re.Pattern[str] | None]:
    """The target forms of the term's entry as written (their alternatives), and their
    pattern (tm.termaccept.literal_pattern), which needs no morphology."""
    key = (id(termbase), term.source, term.source_lang, term.target_lang)
    got = _WRITTEN.get(key)
    if got is None:
        from tm import termaccept
        from tm.termkeys import CYRILLIC_LANGS

        texts: list[str] = [term.target]
        latin_target = base_lang(term.target_lang) not in CYRILLIC_LANGS
        for entry in termbase.entries:
            if entry.preferred(term.source_lang) == term.source:
                texts += entry.forms(term.target_lang)
                if latin_target:
                    texts += entry.romanization
        alts: list[str] = []
        for t in texts:
            alts += [a for a in termaccept.alternatives(t) if a not in alts]
        got = _WRITTEN[key] = (alts, termaccept.literal_pattern(alts))
    return got


_ABBREVIATED: dict[tuple[int, str, str, str], re.Pattern[str] | None] = {}


def _abbreviated(termbase: Termbase, term: Term) -> re.Pattern[str] | None:
    """The term's short forms with a full stop (No., p., л.), in any case: style guides
    differ (no. 3, p. 45) and a sentence start capitalizes them (P. 45)."""
    key = (id(termbase), term.source, term.source_lang, term.target_lang)
    if key not in _ABBREVIATED:
        from tm import termaccept

        short = [a for a in _written(termbase, term)[0] if a.endswith(".") and len(a) <= 6]
        pattern = termaccept.literal_pattern(short)
        _ABBREVIATED[key] = re.compile(pattern.pattern, re.IGNORECASE) if pattern else None
    return _ABBREVIATED[key]


def target_forms(termbase: Termbase, term: Term) -> Forms:
    """Every target-language form of the term's entry, as the words the translation may
    use (tm.termaccept.acceptors) and their probes: `Троцкий` serves for `Trotsky` as
    well as the full `Лев Давидович Троцкий`, `ЦКК` for the full commission's name, and
    a Latin-script target accepts the entry's romanizations of a Russian name. Also the
    forms as written, for a quick exact yes (tm.termaccept.literal_pattern)."""
    key = (id(termbase), term.source, term.source_lang, term.target_lang)
    got = _FORMS.get(key)
    if got is None:
        from tm import termaccept

        alts, literal = _written(termbase, term)
        forms = tuple(f for a in alts if (f := termaccept.acceptors(a, term.target_lang)))
        got = _FORMS[key] = (forms, tuple(termaccept.probes(f) for f in forms), literal)
    return got


def check_terms(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Sure, approved termbase translations are used, in any inflected or derived form.

    Uncertain entries and entries found only through an ambiguous word (file, camp,
    ссылка) are hints, not findings. A quick look for the letters every accepted form
    leaves may rule a term out; only the exact word-by-word test rules it in.
    """
    if ctx.termbase is None or not has_language(ctx.termbase, ctx.target_lang):
        return
    found = found_terms(ctx.termbase, src, ctx.source_lang, ctx.target_lang)
    if not found:
        return
    folded: str | None = None  # worked out for the first term not written as is
    roman: str | None = None
    for term in found:
        if term.uncertain or term.ambiguous:
            continue
        literal = _written(ctx.termbase, term)[1]
        if literal is not None and literal.search(tgt):
            continue  # (the word-by-word forms, and the morphology they load, not needed)
        short = _abbreviated(ctx.termbase, term)
        if short is not None and short.search(tgt):
            continue
        forms, form_probes, _literal = target_forms(ctx.termbase, term)
        from tm import termaccept

        if folded is None:
            from tm.termkeys import fold

            folded = fold(tgt)
        if any(r for p in form_probes for _plain, r in p) and roman is None:
            roman = termaccept.text_roman(tgt)
        if termaccept.rules_out(folded, roman, form_probes) or not termaccept.accepts(
                tgt, forms, ctx.target_lang):
            yield f"term {term.source!r}: approved translation {term.target!r} missing"


def load_termbase(config: Config | None) -> Termbase:
    """The project's termbase (tm.terms is imported here, not with the checks: it takes
    about 0.2 s, which `tm check` with QA off and the other commands do without)."""
    from tm import terms

    return terms.load_termbase(config)
