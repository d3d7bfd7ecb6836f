"""The checks by stable code, in the order they run: rules as data, enabled by name.

A code never changes meaning once published: CI configurations (`[check.severity]`)
and `#, tm-ignore:<code>` flags in catalogs refer to it. What tm runs and accepts is
derived from the tuples here (the runner, `[check.severity]` validation in `policy`,
the pre-fill gate); only the prose about the codes is written by hand.

A new QA check on one entry: a function `(source, translation, Context) -> messages`
in the module of its kind (`markup`, `syntax`, `numbers`, `text`, `termcheck`) and one
`Check` line in `QA_CHECKS`; then, each held by tests/test_check_qa.py: its cases in
tests/data/check_qa_cases.toml (at least one with findings from en to ru, which the
whole-catalog test uses), a row in the README's table of codes, and the code in
`tm check --help` (the docstring of `tm.cli.check.check`, written out so that `--help`
imports no check). It also runs on every memory pre-fill (`tm.memory.gate`: a failing
one is named in `#. tm:`), so it must be cheap and see only the two strings and the
Context. A check of a catalog's entries together is a `CATALOG_CODES` entry run by
`tm.checks.run`; a source-side check of `tm lint` is a `LintCheck` (`tm.checks.lint`,
on the units of any source format), documented in the README's `tm lint` paragraph
with its default severity. docs/ARCHITECTURE.md has a worked example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from tm.checks import lint, markup, numbers, syntax, termcheck, text
from tm.checks.context import Context
from tm.model import Unit

CheckFn = Callable[[str, str, Context], Iterator[str]]
LintFn = Callable[[str, Sequence[Unit], "lint.Spellings | None"], Iterator[tuple[int, str]]]


@dataclass(frozen=True, slots=True)
class Check:
    """One QA check on a translated entry."""

    code: str
    """Stable name used in output, `[check.severity]` and `tm-ignore:` flags."""
    run: CheckFn
    """(source, translation, context) -> one-line messages."""
    summary: str
    """What it demands, for --help and the README."""


QA_CHECKS: tuple[Check, ...] = (
    Check("footnote", markup.check_footnotes, "footnote marks <sup>[n]</sup> kept"),
    Check("url", markup.check_urls, "URLs copied unchanged"),
    Check("markup", markup.check_markup,
          "links, reference labels, emphasis, code spans, HTML tags and comments kept"),
    Check("hard-break", syntax.check_hard_breaks,
          "hard line breaks (two spaces or a backslash at a line end) kept"),
    Check("attributes", syntax.check_attributes, "attribute blocks {#id} {.class} unchanged"),
    Check("block", syntax.check_blocks,
          "no blank line, block start, edge line break or control character the source "
          "has not"),
    Check("number", numbers.check_numbers, "numbers and years unchanged"),
    Check("citation", numbers.check_citations,
          "archival citation numbers (f., op., d., l.) as in the source"),
    Check("term", termcheck.check_terms,
          "approved termbase translations used (inflected forms count)"),
    Check("mixed-script", text.check_mixed_script,
          "no words mixing Latin and Cyrillic letters"),
    Check("double-space", text.check_double_space,
          "no doubled spaces, none added at either end"),
    Check("identical", text.check_identical, "translation differs from the source"),
    Check("end-punctuation", text.check_end_punctuation,
          "same end punctuation as the source"),
    Check("unbalanced", text.check_unbalanced, "brackets and quotes balanced"),
)

POLICY_CODES: dict[str, str] = {
    "below-minimum": "a catalog's translated share is below its language's min_translated",
    "untranslated": "an entry without translation, listed when the minimum is not met",
    "fuzzy": "a fuzzy entry, listed when the minimum is not met and fuzzy does not count",
    "stale": "a source sentence missing from its catalog, or an active entry whose sentence "
             "is gone from the source (run tm segment); counts as untranslated",
    "header": "a catalog msgfmt refuses or misreads for its header: no header entry, a "
              "charset other than the file's UTF-8, plural forms the header does not have",
}

CATALOG_CODES: dict[str, str] = {
    "joined": "a `tm-joined` entry whose sentence before (same paragraph) is not translated, "
              "or that begins its paragraph: merge keeps both in the source language",
}
"""QA codes about a catalog's entries together rather than one entry at a time."""



@dataclass(frozen=True, slots=True)
class LintCheck:
    """One source-side check (`tm lint`) on a source document (its units, any format)."""

    code: str
    """Stable name, as for QA checks (`mixed-script` is both: one [check.severity] key)."""
    run: LintFn
    """(source text, its units, the termbase's spellings or None) -> (line, message)."""
    severity: str
    """error | warning unless [check.severity] says otherwise (`qa` does not apply)."""
    summary: str


LINT_CHECKS: tuple[LintCheck, ...] = (
    LintCheck("mixed-script", lint.lint_mixed_script, "error",
              "a source word mixing Latin and Cyrillic letters"),
    LintCheck("broken-paragraph", lint.lint_broken_paragraphs, "warning",
              "a paragraph that ends mid-sentence"),
    LintCheck("near-miss", lint.lint_near_miss, "error",
              "a romanization that nearly matches a termbase entry but differs"),
)

BY_CODE: dict[str, Check] = {c.code: c for c in QA_CHECKS}
LINT_BY_CODE: dict[str, LintCheck] = {c.code: c for c in LINT_CHECKS}
QA_CODES: tuple[str, ...] = (*BY_CODE, *CATALOG_CODES)
"""Codes that `qa` and [check.severity] turn on for translated entries."""
ALL_CODES: tuple[str, ...] = tuple(dict.fromkeys((*QA_CODES, *POLICY_CODES, *LINT_BY_CODE)))
"""Every code [check.severity] and `tm-ignore:` accept, each once."""
