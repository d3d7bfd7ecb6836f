"""A side-by-side HTML page of an alignment for a person to check before it becomes
memory: one row per link, low-confidence links, omissions and additions marked."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tm.align.model import Alignment, Link

LOW = 0.6
"""Links below this confidence are marked for a closer look."""

_STYLE = """body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}th{background:#eee}
tr.low td{background:#fff3cd}tr.gap td{background:#f8d7da}td.c{text-align:right;width:4em}
td.k{width:3em;color:#555}"""


def _row(al: Alignment, link: Link, low: float) -> str:
    source, target = al.texts(link)
    gap = not link.source or not link.target
    cls = "gap" if gap else "low" if link.confidence < low else ""
    conf = "" if gap else f"{link.confidence:.2f}"
    mark = " ⇄" if link.reordered else ""
    return (f'<tr class="{cls}"><td class="k">{link.kind}{mark}</td><td class="c">{conf}</td>'
            f"<td>{escape(source)}</td><td>{escape(target)}</td></tr>")


def _section(al: Alignment, low: float) -> str:
    linked = [x for x in al.links if x.source and x.target]
    weak = sum(1 for x in linked if x.confidence < low)
    gaps = len(al.links) - len(linked)
    head = (f"<h2>{escape(al.source_name)} → {escape(al.target_name)}</h2>"
            f"<p>{len(linked)} links, {weak} below {low:.2f} (yellow), "
            f"{gaps} sentences without a counterpart (red).</p>")
    rows = "\n".join(_row(al, link, low) for link in al.links)
    return (f"{head}<table><tr><th>link</th><th>conf.</th><th>{escape(al.source_lang)}</th>"
            f"<th>{escape(al.target_lang)}</th></tr>\n{rows}</table>")


def review_html(alignments: Sequence[Alignment], low: float = LOW) -> str:
    """The review page for one or more aligned document pairs."""
    body = "\n".join(_section(al, low) for al in alignments)
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>tm align review'
            f"</title><style>{_STYLE}</style></head><body><h1>Alignment review</h1>\n"
            f"{body}\n</body></html>\n")
