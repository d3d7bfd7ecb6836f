"""`tm status`: progress per document and language, as rows, a rich table or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.table import Table
from rich.text import Text

from tm.checks.counts import Counts, count_catalog
from tm.checks.policy import severity
from tm.checks.stale import SourceSpec, catalog_entries, source_sentences
from tm.checks.stale import compare as stale_compare
from tm.config import Config
from tm.po import existing_catalog, read_po


@dataclass(slots=True)
class StatusRow:
    """One catalog's progress."""

    doc: str
    language: str
    path: str
    counts: Counts
    minimum: float | None = None
    """The policy's min_translated for the language, if any."""
    missing: bool = False
    """No catalog yet (`tm segment` not run for this language)."""
    fuzzy_counts_as_translated: bool = False
    stale: int = 0
    """Source sentences not in the catalog plus entries whose sentence is gone (counts
    are as the source now asks: see tm.checks.stale)."""

    @property
    def percent(self) -> float:
        return self.counts.percent(self.fuzzy_counts_as_translated)

    @property
    def meets_minimum(self) -> bool:
        return self.minimum is None or (not self.missing and self.percent >= self.minimum)


def project_status(config: Config, langs: Sequence[str] | None = None) -> list[StatusRow]:
    """Counts for every document and target language, measured against the source as it
    is now (unless `stale` is off); missing catalogs are rows too."""
    config.require_languages(langs)
    from tm.init import require_documents

    rows = []
    policy = config.check
    compare = severity("stale", policy) != "off"
    for doc in require_documents(config):
        sentences = None
        for lang in config.target_languages(doc):
            if langs and lang not in langs:
                continue
            path = config.catalog_path(doc, lang)
            missing = not existing_catalog(path)
            counts, stale = Counts(), 0
            if not missing:
                cat = read_po(path)
                counts = count_catalog(cat)
                if compare:
                    sentences = sentences or source_sentences(SourceSpec(config, doc))
                    found = stale_compare(sentences, catalog_entries(cat.messages))
                    counts, stale = found.adjust(counts), len(found)
            rows.append(StatusRow(doc, lang, config.relative(path), counts,
                                  policy.min_translated.get(lang), missing,
                                  policy.fuzzy_counts_as_translated, stale))
    return rows


def languages(rows: Sequence[StatusRow]) -> dict[str, Counts]:
    """Summed counts per language, in first-seen order."""
    out: dict[str, Counts] = {}
    for r in rows:
        out[r.language] = out.get(r.language, Counts()) + r.counts
    return out


def bar(counts: Counts, width: int = 16) -> Text:
    """A stacked bar: green translated, yellow fuzzy, dim untranslated; each its own
    character too (█ ▒ ░), so a log or a terminal without colour tells them apart."""
    total = counts.total or 1
    t = round(width * counts.translated / total)
    f = min(width - t, round(width * counts.fuzzy / total))
    out = Text()
    out.append("█" * t, style="green")
    out.append("▒" * f, style="yellow")
    out.append("░" * (width - t - f), style="dim")
    return out


def status_table(rows: Sequence[StatusRow]) -> Table:
    """The rich table `tm status` prints."""
    table = Table(title="Translation status", title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False)
    # at 80 columns a long document name folds; the numbers never shrink out of sight
    table.add_column("document", overflow="fold", min_width=12)
    table.add_column("lang", no_wrap=True)
    stale = any(r.stale for r in rows)
    names = ("translated", "fuzzy", "untranslated", *(("stale",) if stale else ()), "done",
             "min")
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("progress", no_wrap=True)
    for r in rows:
        done = Text("missing", style="red") if r.missing else Text(
            f"{r.percent:.1f}%", style="" if r.meets_minimum else "bold red")
        cells: list[str | Text] = [str(r.counts.translated), str(r.counts.fuzzy),
                                   str(r.counts.untranslated)]
        if stale:
            cells.append(Text(str(r.stale), style="bold red" if r.stale else ""))
        table.add_row(r.doc, r.language, *cells, done,
                      "" if r.minimum is None else f"{r.minimum:g}%", bar(r.counts, 10))
    if stale:
        table.caption = "stale: the source changed since `tm segment` (run it)"
    return table


def status_json(rows: Sequence[StatusRow]) -> str:
    return json.dumps([{"document": r.doc, "language": r.language, "path": r.path,
                        "translated": r.counts.translated, "fuzzy": r.counts.fuzzy,
                        "untranslated": r.counts.untranslated, "obsolete": r.counts.obsolete,
                        "stale": r.stale, "percent": round(r.percent, 2),
                        "minimum": r.minimum, "missing": r.missing} for r in rows],
                      ensure_ascii=False, indent=2)
