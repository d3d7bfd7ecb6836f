"""Cut units into sentence segments by language-aware rules kept as data."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from tm.model import Segment, Unit
from tm.segment.prose import has_text
from tm.segment.protect import protected_spans
from tm.segment.rules import RuleSet, ruleset

__all__ = ["SEGMENTATIONS", "has_text", "segment_document", "split_sentences", "unit_segments"]


def split_sentences(text: str, language: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, white space between sentences left out.

    >>> t = "RGASPI, f. 17, op. 171, d. 87, l. 83. Ibid., l. 45."
    >>> [t[a:b] for a, b in split_sentences(t, "en")]
    ['RGASPI, f. 17, op. 171, d. 87, l. 83.', 'Ibid., l. 45.']
    """
    rs: RuleSet = ruleset(language)
    protected = protected_spans(text)  # linear: no rescan from each unmatched `[`
    p_starts = [a for a, _ in protected]
    checks = rs.checks(text)
    cuts = []
    for m in rs.candidates.finditer(text):
        pos = m.end()
        if protected:
            k = bisect_right(p_starts, m.start()) - 1
            if k >= 0 and protected[k][0] <= m.start() < protected[k][1]:
                continue
        for brk, before, after, reach in checks:  # see tm.segment.rules.Check
            if after is not None and after(text, pos) is None:
                continue
            if before is not None and before(text, pos - reach if pos > reach else 0,
                                             pos) is None:
                continue
            if brk:
                cuts.append(pos)
            break
        else:
            cuts.append(pos)
    spans = []
    start = 0
    for cut in [*cuts, len(text)]:
        a, b = start, cut
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
        start = cut
    return spans


SPLITS: dict[tuple[str, str], list[tuple[int, int]]] = {}
"""Sentence spans with text to translate (`has_text`) of the units cut in this process,
by (unit text, language)."""
EARLIER_SPLITS: dict[tuple[str, str], list[tuple[int, int]]] = {}
"""Spans an earlier run found (tm.workcache loads them under a key of tm's code, which
holds the rules): a re-run cuts only the units that changed."""
MAX_SPLITS = 200_000


def _cut(text: str, language: str) -> list[tuple[int, int]]:
    """The spans of `split_sentences` that have text, remembered (the list is shared:
    read it, never change it)."""
    key = (text, language)
    got = SPLITS.get(key)
    if got is None:
        got = EARLIER_SPLITS.get(key)
        if got is None:
            got = [(a, b) for a, b in split_sentences(text, language)
                   if has_text(text[a:b])]
        if len(SPLITS) >= MAX_SPLITS:
            SPLITS.clear()
        SPLITS[key] = got
    return got


def _maker() -> Callable[..., Segment]:
    """Segment(*fields) with its slots set directly: a frozen dataclass's `__init__`
    sets each field through object.__setattr__ (about 2 us a segment, 3x this)."""
    new = object.__new__
    s0, s1, s2, s3, s4, s5, s6, s7, s8 = (
        Segment.__dict__[name].__set__ for name in (
            "text", "start", "end", "line", "kind", "continuation", "multiline", "prefixes",
            "block"))

    def make(text: str, start: int, end: int, line: int, kind: str, cont: str,
             multiline: bool, prefixes: tuple[str, ...], block: int) -> Segment:
        seg: Segment = new(Segment)
        s0(seg, text)
        s1(seg, start)
        s2(seg, end)
        s3(seg, line)
        s4(seg, kind)
        s5(seg, cont)
        s6(seg, multiline)
        s7(seg, prefixes)
        s8(seg, block)
        return seg
    return make


make_segment = _maker()
"""Segment(text, start, end, line, kind, continuation, multiline, prefixes, block)."""


class LineCounter:
    """1-based line of an offset in `source`; cheap for offsets met in increasing order."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.line = 1

    def __call__(self, offset: int) -> int:
        if offset < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.source.count("\n", self.pos, offset)
        self.pos = offset
        return self.line


def unit_segments(
    source: str, unit: Unit, language: str, line_of: Callable[[int], int] | None = None,
    block: int = 0, mode: str = "sentence",
) -> list[Segment]:
    """The sentences of one unit that have text to translate (`has_text`), each mapped
    back to a span of `source`.

    `line_of` maps a source offset to its line (a shared `LineCounter` for a document);
    `block` is the unit's index in its document; `mode` "paragraph" makes the whole unit
    one segment instead of cutting it into sentences.
    """
    if line_of is None:
        line_of = LineCounter(source)
    split: Callable[[str, str], list[tuple[int, int]]] = (
        _whole if mode == "paragraph" else _cut)
    if len(unit.pieces) == 1:  # one line, the common case: unit offsets are source offsets
        first = unit.pieces[0].start
        text = unit_text(source, unit)
        spans = split(text, language)
        if not spans:
            return []
        kind, cont, multiline = unit.kind, unit.continuation, unit.multiline
        # Segment's fields in order (text, start, end, line, kind, continuation,
        # multiline, prefixes, block), set directly (`make_segment`)
        make = make_segment
        if "\n" not in text:  # every sentence is on the line of the first
            line = line_of(first + spans[0][0])
            return [make(text[a:b], first + a, first + b, line, kind, cont, multiline, (),
                         block) for a, b in spans]
        return [make(text[a:b], first + a, first + b, line_of(first + a), kind, cont,
                     multiline, (), block) for a, b in spans]
    text = unit_text(source, unit)
    offsets = []  # unit-text offset where each piece begins
    pos = 0
    for p in unit.pieces:
        offsets.append(pos)
        pos += p.end - p.start + 1

    def to_source(i: int, *, end: bool = False) -> int:
        k = bisect_right(offsets, i - 1 if end else i) - 1
        return unit.pieces[k].start + (i - offsets[k])

    segments = []
    for a, b in split(text, language):
        start, stop = to_source(a), to_source(b, end=True)
        k0 = bisect_right(offsets, a) - 1
        k1 = bisect_right(offsets, b - 1) - 1
        segments.append(Segment(
            text=text[a:b], start=start, end=stop,
            line=line_of(start),
            kind=unit.kind, continuation=unit.continuation, multiline=unit.multiline,
            prefixes=tuple(p.prefix for p in unit.pieces[k0 + 1 : k1 + 1]), block=block,
        ))
    return segments


SEGMENTATIONS = ("sentence", "paragraph")
"""Values of a [[documents]] rule's `segmentation` key."""


def _whole(text: str, language: str) -> list[tuple[int, int]]:
    """The unit as one span, white space at its ends left out (paragraph segmentation),
    if it has text."""
    a, b = 0, len(text)
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return [(a, b)] if a < b and has_text(text[a:b]) else []


def segment_document(source: str, units: list[Unit], language: str,
                     mode: str = "sentence") -> list[Segment]:
    """All segments of a document, in order: sentences, or whole units when `mode` is
    "paragraph" (a [[documents]] rule's `segmentation`)."""
    if mode not in SEGMENTATIONS:
        raise ValueError(f"unknown segmentation {mode!r}")
    out: list[Segment] = []
    line_of = LineCounter(source)
    for i, u in enumerate(units):
        out.extend(unit_segments(source, u, language, line_of, i, mode))
    return out


# --- cutting beforehand, in another process ------------------------------------------------


def unit_text(source: str, unit: Unit) -> str:
    """A unit's text as `unit_segments` cuts it: its pieces joined by line breaks."""
    if len(unit.pieces) == 1:
        return source[unit.pieces[0].start : unit.pieces[0].end]
    return "\n".join(source[p.start : p.end] for p in unit.pieces)


def uncut(source: str, units: Sequence[Unit], language: str) -> list[str]:
    """The distinct unit texts that `segment_document` would cut anew (neither this
    process nor an earlier run remembers them): what another process may cut first."""
    out: dict[str, None] = {}
    for u in units:
        key = (unit_text(source, u), language)
        if key not in SPLITS and key not in EARLIER_SPLITS:
            out[key[0]] = None
    return list(out)


def cut_texts(texts: Sequence[str], language: str) -> list[list[tuple[int, int]]]:
    """The spans `segment_document` keeps for each text (its memo's values)."""
    return [_cut(t, language) for t in texts]


def remember_cuts(texts: Sequence[str], spans: Sequence[Sequence[Sequence[int]]],
                  language: str) -> None:
    """Spans another process cut (`cut_texts`), kept as if this process had cut them."""
    for text, found in zip(texts, spans, strict=True):
        if len(SPLITS) >= MAX_SPLITS:
            SPLITS.clear()
        SPLITS[(text, language)] = [(a, b) for a, b in found]
