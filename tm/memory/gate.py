"""What tm pre-fills must pass tm's own gate: each suggestion is checked by the QA checks
of `tm check` as if the translator accepted it as is.

A suggestion whose only fault is its end punctuation, inherited from a memory unit or
termbase entry that ends differently from the segment (`Emphasis in the original` for
`Emphasis in the original.`), gets the segment's end punctuation. Any other finding is
named in the `#. tm:` comment (`tm: 87% memory/x.tmx; qa: number`), so the translator
sees why the suggestion needs a look before it is accepted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tm.model import Match, Suggestion

if TYPE_CHECKING:
    from tm.checks.context import Context
    from tm.checks.registry import CheckFn
    from tm.terms import Termbase

LOSSES = frozenset({"footnote", "url", "markup", "hard-break", "attributes", "block",
                    "number", "citation"})
"""Codes of the checks whose finding means the text, accepted as it is, loses or changes
something of the source in the merged document (not a matter of style or terms)."""

_CHECKS: dict[bool, tuple[tuple[str, CheckFn], ...]] = {}
_CONTEXTS: dict[tuple[str, str, int], Context] = {}


def _checks(with_terms: bool) -> tuple[tuple[str, CheckFn], ...]:
    """(code, check) of the QA checks, in order; the term check only with a termbase.
    (The checks are imported at the first suggestion: `tm segment --no-memory` and
    the commands that pre-fill nothing do without them.)"""
    got = _CHECKS.get(with_terms)
    if got is None:
        from tm.checks.registry import QA_CHECKS

        got = _CHECKS[with_terms] = tuple((c.code, c.run) for c in QA_CHECKS
                                          if with_terms or c.code != "term")
    return got


def _context(source_lang: str, target_lang: str, termbase: Termbase | None) -> Context:
    """One Context per language pair and termbase, made at its first suggestion."""
    key = (source_lang, target_lang, id(termbase))
    ctx = _CONTEXTS.get(key)
    if ctx is None or ctx.termbase is not termbase:
        from tm.checks.context import Context

        if len(_CONTEXTS) > 64:
            _CONTEXTS.clear()
        ctx = _CONTEXTS[key] = Context(source_lang, target_lang, termbase)
    return ctx


def qa_codes(source: str, translation: str, source_lang: str, target_lang: str,
             termbase: Termbase | None = None) -> list[str]:
    """Codes of the QA checks that `translation` of `source` fails, in check order."""
    ctx = _context(source_lang, target_lang, termbase)
    return [code for code, run in _checks(termbase is not None)
            if next(iter(run(source, translation, ctx)), None) is not None]


def fit_end_punctuation(segment: str, translation: str, unit_source: str | None) -> str:
    """`translation` with the segment's end punctuation where it ends like the memory
    unit it came from (or `unit_source` is unknown) and the segment ends otherwise."""
    from tm.checks.text import end_punctuation, with_end_punctuation

    want, have = end_punctuation(segment), end_punctuation(translation)
    if want == have or not translation.strip():
        return translation
    if unit_source is not None and end_punctuation(unit_source) != have:
        return translation  # the translator chose this ending on purpose
    return with_end_punctuation(translation, want)


def gate(segment: str, suggestion: Suggestion, match: Match | None, source_lang: str,
         target_lang: str, termbase: Termbase | None = None) -> None:
    """Fit `suggestion` (a non-exact pre-fill) to the gate, or name what still fails it in
    its `tm:` comment. Exact memory matches are the memory's own reviewed text: they
    are annotated, never changed; one that fails a check of what the merged document
    would lose (`LOSSES`: a footnote, a link, a number) is only a suggestion (fuzzy)."""
    text = suggestion.translation
    if not text:
        return
    codes = qa_codes(segment, text, source_lang, target_lang, termbase)
    if "end-punctuation" in codes and (match is None or match.kind != "exact"):
        fitted = fit_end_punctuation(segment, text, match.source if match else None)
        if fitted != text:
            suggestion.translation = text = fitted
            codes = qa_codes(segment, text, source_lang, target_lang, termbase)
    if not codes:
        return
    if LOSSES.intersection(codes):
        suggestion.fuzzy = True
    for i, comment in enumerate(suggestion.comments):
        if comment.startswith("tm:"):
            suggestion.comments[i] = f"{comment}; qa: {', '.join(codes)}"
            return
    suggestion.comments.insert(0, f"tm: qa: {', '.join(codes)}")
