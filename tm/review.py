"""`tm review`: source and translation side by side, sentence by sentence, as one page.

A reviewer reads the document in its own order, not the catalog's: each source
sentence (cut by tm's segmenter) is looked up in the catalog, and the row shows its
status, the memory's score and origin (`#. tm:`), term hints (`#. terms:`) and the QA
findings of `tm check`. The page is one self-contained HTML file (inline CSS and a few
lines of inline script for the "needs work" filter, nothing from the network), so it
can be attached to a CI run or mailed. Every text on it comes from sources and
catalogs, which are untrusted, and is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from tm.checks.context import Context
from tm.checks.counts import FUZZY, JOINED, TRANSLATED, UNTRANSLATED, state
from tm.checks.run import qa_findings
from tm.checks.stale import Sentences, SourceSpec, catalog_entries, compare
from tm.checks.termcheck import load_termbase
from tm.config import Config
from tm.cutting import document_segments
from tm.errors import TmError
from tm.model import Finding, Segment
from tm.po import Catalog, Message, read_po
from tm.project import resolve_documents

if TYPE_CHECKING:
    from tm.terms import Termbase

STALE = "stale"
STATUSES = (TRANSLATED, FUZZY, UNTRANSLATED, STALE)
"""Row statuses; a stale row is a source sentence without a catalog entry, or an entry
whose sentence is no longer in the source."""

_MEMORY = re.compile(r"tm:\s*(?:(\d+(?:\.\d+)?)%\s*)?(.*)")


@dataclass(slots=True)
class ReviewRow:
    """One sentence of a document as the reviewer sees it."""

    source: str
    translation: str
    status: str
    """translated | fuzzy | untranslated | stale"""
    source_line: int | None
    """Line in the source document (None for an entry whose sentence is gone)."""
    catalog_line: int | None = None
    """Line of the entry's msgid in the catalog (None when the catalog lacks it)."""
    score: float | None = None
    """The memory's score (`#. tm: 87% origin`), if the entry was pre-filled."""
    origin: str = ""
    """Where the pre-fill came from: a memory file, `builtin`, `citation`."""
    hints: list[str] = field(default_factory=list)
    """Term hints and citation conversions (`#. terms:`, `#. citation:`)."""
    comments: list[str] = field(default_factory=list)
    """Translator comments (`# ...`)."""
    findings: list[Finding] = field(default_factory=list)
    previous: str | None = None
    """The previous source (`#|`) of a fuzzy entry."""
    joined: bool = False

    @property
    def needs_work(self) -> bool:
        """Anything a reviewer must look at: not translated, stale, or a QA finding."""
        return self.status != TRANSLATED or bool(self.findings)


@dataclass(slots=True)
class DocumentReview:
    """The rows of one document in source order, then entries whose sentence is gone."""

    doc: str
    source_path: str
    catalog_path: str
    rows: list[ReviewRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)


def memory_note(extracted: Sequence[str]) -> tuple[float | None, str]:
    """Score and origin from a `#. tm: 87% memory/x.tmx` comment (or `tm: citation`)."""
    for c in extracted:
        if c.startswith("tm:"):
            m = _MEMORY.match(c)
            if m:
                return (float(m.group(1)) if m.group(1) else None), m.group(2).strip()
    return None, ""


def hints(extracted: Sequence[str]) -> list[str]:
    """Term hints and citation conversions, without their `terms:` / `citation:` label."""
    out = []
    for c in extracted:
        for label in ("terms:", "citation:"):
            if c.startswith(label):
                out.append(c[len(label):].strip())
    return out


def staleness(config: Config, doc: str, segments: Sequence[Segment], cat: Catalog,
              catalog: str) -> tuple[dict[str, Finding], dict[int, Finding]]:
    """`tm check`'s stale findings (tm/checks/stale.py) on the sentences the review has
    segmented already: by sentence for those missing from the catalog, by catalog line
    for entries whose sentence is gone."""
    spec = SourceSpec(config, doc)
    lines: dict[str, int] = {}
    for seg in segments:
        lines.setdefault(seg.text, seg.line)
    found = compare(Sentences(spec, frozenset(lines), lines), catalog_entries(cat.messages))
    findings = found.findings(spec, catalog, "error")
    missing = {text: f for (text, _), f in zip(found.missing, findings, strict=False)}
    gone = {f.line: f for f in findings[len(found.missing):]}
    return missing, gone


def _row(m: Message, source_line: int | None, findings: list[Finding]) -> ReviewRow:
    score, origin = memory_note(m.extracted)
    joined = JOINED in m.flags
    s = state(m)
    status = TRANSLATED if joined and s != FUZZY else s
    return ReviewRow(
        source=m.msgid, translation=m.msgstr if m.msgid_plural is None else
        m.msgstr_plural.get(0, ""), status=status, source_line=source_line,
        catalog_line=m.line or None, score=score, origin=origin, hints=hints(m.extracted),
        comments=list(m.comments), findings=findings,
        previous=m.previous_msgid if s == FUZZY else None, joined=joined)


def review_document(config: Config, doc: str, lang: str,
                    termbase: Termbase | None = None) -> DocumentReview:
    """The review rows of one document in one language."""
    path = config.catalog_path(doc, lang)
    display = config.relative(path)
    if not path.is_file():
        raise TmError(f"no {lang} catalog for {doc}", display, 1, "run `tm segment` to create it")
    cat = read_po(path)
    _, segments = document_segments(config, doc)
    src_lang = config.source_language(doc) or "en"
    found: dict[int, list[Finding]] = {}
    for f in qa_findings(cat, Context(src_lang, lang, termbase), display, config.check):
        found.setdefault(f.line, []).append(f)
    index = {m.msgid: m for m in cat.messages if not m.obsolete and m.msgctxt is None}
    missing, gone = staleness(config, doc, segments, cat, display)
    review = DocumentReview(doc, config.relative(config.source_path(doc)), display)
    for seg in segments:
        m = index.get(seg.text)
        if m is None or seg.text in missing:
            review.rows.append(ReviewRow(seg.text, "", STALE, seg.line,
                                         findings=[missing[seg.text]]))
            continue
        review.rows.append(_row(m, seg.line, found.get(m.line, [])))
    for m in cat.messages:
        if not m.obsolete and m.line in gone:
            row = _row(m, None, [gone[m.line], *found.get(m.line, [])])
            row.status = STALE
            review.rows.append(row)
    return review


def review_project(config: Config, lang: str, docs: Sequence[str] | None = None
                   ) -> list[DocumentReview]:
    """Rows for every (or the named) document translated into `lang`."""
    config.require_languages([lang])
    names = resolve_documents(config, docs)
    all_names, names = names, [d for d in names if lang in config.target_languages(d)]
    if not names:
        where = config.display_path
        if not all_names:
            raise TmError(f"no source documents under {config.sources}/", where, 1,
                          "add a .md file there and run `tm segment`")
        raise TmError(f"no document is translated into {lang}", where, 1,
                      f"{lang} is their source language; review a target language")
    termbase = load_termbase(config) if config.check.qa != "off" else None
    return [review_document(config, d, lang, termbase) for d in names]


# --- the page ---------------------------------------------------------------------------

COLORS = {TRANSLATED: "#2e7d32", FUZZY: "#f9a825", UNTRANSLATED: "#9e9e9e", STALE: "#c62828"}
CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{padding:.4rem .6rem;border-bottom:1px solid #ddd;vertical-align:top;text-align:left}
th{background:#f4f4f4}
col.n{width:3.5rem}col.info{width:24%}
td.n{color:#777;font-size:.8rem;border-left:.5rem solid transparent}
td.src,td.tgt{white-space:pre-wrap;overflow-wrap:anywhere}
tr.translated td.n{border-left-color:#2e7d32}
tr.fuzzy td.n{border-left-color:#f9a825}tr.fuzzy{background:#fff8e1}
tr.untranslated td.n{border-left-color:#9e9e9e}tr.untranslated{background:#f7f7f7}
tr.stale td.n{border-left-color:#c62828}tr.stale{background:#ffebee}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;color:#fff;font-size:.8rem}
.badge.translated{background:#2e7d32}.badge.fuzzy{background:#f9a825;color:#222}
.badge.untranslated{background:#9e9e9e}.badge.stale{background:#c62828}
.info ul{margin:.3rem 0;padding-left:1.1rem}.info li{font-size:.85rem}
.finding{color:#b71c1c}.hint{color:#1a237e}.comment{color:#555;font-style:italic}
.prev{color:#777;font-size:.85rem;white-space:pre-wrap}
.empty{color:#999}
.summary span{margin-right:1rem}
.filter{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ccc}
"""
SCRIPT = """
(function(){
  var box=document.getElementById('filter-needs-work');
  function apply(){
    var rows=document.querySelectorAll('tr.row');
    for(var i=0;i<rows.length;i++){
      rows[i].hidden=box.checked&&rows[i].getAttribute('data-needs-work')!=='yes';
    }
    if(history.replaceState){history.replaceState(null,'',box.checked?'#needs-work':'#');}
  }
  box.addEventListener('change',apply);
  if(location.hash==='#needs-work'){box.checked=true;}
  apply();
})();
"""
"""The filter: hides every row without work to do; `#needs-work` in the address turns it
on when the page opens (a link to send a translator)."""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _info(r: ReviewRow) -> str:
    parts = [f'<span class="badge {r.status}">{_e(r.status)}</span>']
    if r.joined:
        parts.append(' <span class="joined">joined with the sentence before</span>')
    if r.score is not None or r.origin:
        score = f"{r.score:g}% " if r.score is not None else ""
        parts.append(f' <span class="memory">memory: {_e(score + r.origin)}</span>')
    items = [f'<li class="finding">{_e(f.code)}: {_e(f.message)}</li>' for f in r.findings]
    items += [f'<li class="hint">{_e(h)}</li>' for h in r.hints]
    items += [f'<li class="comment">{_e(c)}</li>' for c in r.comments]
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def _row_html(r: ReviewRow) -> str:
    where = "" if r.source_line is None else str(r.source_line)
    title = f"catalog line {r.catalog_line}" if r.catalog_line else "not in the catalog"
    tgt = (f"{_e(r.translation)}" if r.translation else '<span class="empty">—</span>')
    if r.previous is not None:
        tgt += f'<div class="prev">was: {_e(r.previous)}</div>'
    classes = f"row {r.status}" + (" has-findings" if r.findings else "")
    return (f'<tr class="{classes}" data-needs-work="{"yes" if r.needs_work else "no"}">'
            f'<td class="n" title="{_e(title)}">{where}</td>'
            f'<td class="src">{_e(r.source)}</td><td class="tgt">{tgt}</td>'
            f'<td class="info">{_info(r)}</td></tr>')


def render_review(reviews: Sequence[DocumentReview], lang: str) -> str:
    """The whole page as a string."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows = [r for d in reviews for r in d.rows]
    counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
    work = sum(r.needs_work for r in rows)
    title = f"Review: {lang}"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p>Generated by tm on {stamp}: {len(rows)} sentences in {len(reviews)} "
        f"document(s).</p>",
        '<p class="summary">' + "".join(
            f'<span><span class="badge {s}">{s}</span> {n}</span>' for s, n in counts.items())
        + "</p>",
        '<div class="filter"><label><input type="checkbox" id="filter-needs-work"> '
        f"show only sentences that need work ({work})</label></div>",
    ]
    for d in reviews:
        parts.append(f'<section class="document"><h2>{_e(d.source_path)} → '
                     f"{_e(d.catalog_path)}</h2>")
        parts.append('<table><colgroup><col class="n"><col><col><col class="info"></colgroup>'
                     f"<thead><tr><th>line</th><th>source</th><th>{_e(lang)}</th>"
                     "<th>status and hints</th></tr></thead><tbody>")
        parts.extend(_row_html(r) for r in d.rows)
        parts.append("</tbody></table></section>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"


def review_page(config: Config, lang: str, docs: Sequence[str] | None = None) -> str:
    """The review page for `lang` over every (or the named) document."""
    return render_review(review_project(config, lang, docs), lang)


def default_path(config: Config, lang: str) -> Path:
    """build/review-<lang>.html (under the project's output folder)."""
    return config.output_dir / f"review-{lang}.html"
