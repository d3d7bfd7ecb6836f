"""A Markdown document's segments run by run, remembered by the run's text.

A re-run after a one-paragraph edit of a 4.4 MB document made all of its 34,000
segments again (and the 12,000 units they come from) to change a handful: a third of
the run. The segments of a run of blocks (tm.formats.markdown_runs) depend only on its
text, the source options (both in its `run_key`), the language, the segmentation mode
and tm's code (the rules are data in its package; tm.workcache keeps this memo under a
key of its code stamp), so they are kept relative to the run's first line, offset and
unit, and a re-run makes units and segments only for the runs that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tm.model import Segment, Sentences, Unit
from tm.segment import LineCounter, make_segment, unit_segments

if TYPE_CHECKING:
    from tm.source import Runs

Row = tuple[str | None, int, int, int, str, str, bool, tuple[str, ...], int]
"""A segment relative to its run: its text (None: the source's text at its span),
start, end, line, kind, continuation, multiline, prefixes, block."""
RUN_SEGMENTS: dict[tuple[bytes, str, str], tuple[int, tuple[Row, ...]]] = {}
"""By (run key, language, mode): the run's number of units and its segments, for the
runs of this process."""
EARLIER_RUN_SEGMENTS: dict[tuple[bytes, str, str], tuple[int, tuple[Row, ...]]] = {}
"""What earlier runs kept (tm.workcache loads them under a key of tm's code)."""
MAX_RUN_SEGMENTS = 20_000
"""Runs this process keeps (the memo starts over past it: a bound on its memory)."""


def _relative(source: str, segs: Sequence[Segment], a: int, first: int, base: int
              ) -> tuple[Row, ...]:
    return tuple([(None if source[s.start:s.end] == s.text else s.text, s.start - a,
                   s.end - a, s.line - first, s.kind, s.continuation, s.multiline,
                   s.prefixes, s.block - base) for s in segs])


def _shifted(source: str, rows: tuple[Row, ...], a: int, first: int, base: int
             ) -> list[Segment]:
    make = make_segment
    return [make(source[s + a:e + a] if text is None else text, s + a, e + a, line + first,
                 kind, cont, multiline, prefixes, block + base)
            for text, s, e, line, kind, cont, multiline, prefixes, block in rows]


Part = tuple[int, int, int, "tuple[Row, ...] | list[Segment]"]
"""A run's first line, offset, first unit, and its rows (remembered) or segments (cut)."""


def _parts(runs: Runs, language: str, mode: str,
           ahead: Callable[[list[Unit]], None] | None) -> list[Part] | None:
    """Each run's segments: remembered, or cut (and remembered); None where the document
    cannot be taken run by run (see `segments_by_run`)."""
    from tm.formats.markdown_runs import RUNS

    source = runs.text
    if runs.link_titles():
        return None
    found: list[tuple[int, tuple[Row, ...]] | None] = []
    todo: dict[int, list[Unit]] = {}
    for i, key in enumerate(runs.keys):
        k = (key, language, mode)
        got = RUN_SEGMENTS.get(k)
        if got is None and (got := EARLIER_RUN_SEGMENTS.get(k)) is not None:
            RUN_SEGMENTS[k] = got  # used in this run (tm.workcache keeps it)
        if got is None or runs.runs[i][0] in runs.parsed:  # parsed: its units memo too
            got = None
            todo[i] = units = runs.units_of(i)
            a, b = runs.runs[i][1], runs.end(i)
            if any(u.start < a or u.end > b for u in units):
                return None
        found.append(got)
    if ahead is not None and todo:
        ahead([u for units in todo.values() for u in units])
    out: list[Part] = []
    line_of = LineCounter(source)
    base = 0
    for i, got in enumerate(found):
        first, a, _ = runs.runs[i]
        if got is not None:
            out.append((first, a, base, got[1]))
            base += got[0]
            continue
        units = todo[i]
        segs = [s for j, u in enumerate(units)
                for s in unit_segments(source, u, language, line_of, base + j, mode)]
        if runs.keys[i] in RUNS:  # its units depend on its text alone
            if len(RUN_SEGMENTS) >= MAX_RUN_SEGMENTS:
                RUN_SEGMENTS.clear()
            RUN_SEGMENTS[(runs.keys[i], language, mode)] = (
                len(units), _relative(source, segs, a, first, base))
        out.append((first, a, base, segs))
        base += len(units)
    return out


def segments_by_run(runs: Runs, language: str, mode: str,
                    ahead: Callable[[list[Unit]], None] | None = None) -> list[Segment] | None:
    """The segments of the document `runs` was read from, as tm.segment.segment_document
    gives them for its units; the runs not remembered are cut (`ahead` is given their
    units first). None where the document cannot be taken run by run (a link title's
    unit comes from the whole document; a unit outside its run): cut it whole."""
    parts = _parts(runs, language, mode, ahead)
    if parts is None:
        return None
    out: list[Segment] = []
    for first, a, base, got in parts:
        out += got if isinstance(got, list) else _shifted(runs.text, got, a, first, base)
    return out


def sentences_by_run(runs: Runs, language: str, mode: str,
                     ahead: Callable[[list[Unit]], None] | None = None) -> Sentences | None:
    """What a template is made of (tm.catalog.build_template): the text, line and kind
    of each segment `segments_by_run` gives, without making the segments remembered
    (a 4.4 MB document's 34,000: 0.6x the time)."""
    parts = _parts(runs, language, mode, ahead)
    if parts is None:
        return None
    source = runs.text
    texts: list[str] = []
    lines: list[int] = []
    kinds: list[str] = []
    for first, a, _base, got in parts:
        if isinstance(got, list):
            texts += [s.text for s in got]
            lines += [s.line for s in got]
            kinds += [s.kind for s in got]
        else:
            texts += [source[s + a:e + a] if t is None else t for t, s, e, *_ in got]
            lines += [row[3] + first for row in got]
            kinds += [row[4] for row in got]
    return Sentences(texts, lines, kinds)
