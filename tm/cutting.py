"""Documents cut into sentences, on both cores where the advisor's worker runs.

`tm segment` forks a worker that loads the memory (tm.advice_cache.CachedAdvisor.prepare)
while this process cuts the documents; the work here is shared with it through
`CachedAdvisor.share` (tm.twoends: this process takes items from the front of a list,
the worker from the back). Several documents are shared document by document; a big
Markdown document is parsed and cut in pieces, then read from the memos that
tm.workcache keeps (the worker sends what its memos gained); the units of a document
not cut before are shared when there are many. The outputs are the same bytes whoever
cut what.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Protocol

from tm.config import Config
from tm.errors import TmError
from tm.model import Segment, Sentences, Unit
from tm.po_model import Message
from tm.twoends import Work
from tm.wrap import wrap_width

Progress = Callable[[str], None]


def worker_kinds(config: Config) -> dict[str, Callable[[Any], Work]]:
    """The work of this module the advisor's worker can take (`CachedAdvisor.prepare`):
    a list's data -> the work over its items."""
    return {"cut": cut_work, "lines": lines_work,
            "docs": partial(docs_work, config, worker=True),
            "pieces": partial(pieces_work, config, worker=True)}


class Share(Protocol):
    """`CachedAdvisor.share`: work of a kind its worker knows, shared with it."""

    def __call__(self, kind: str, data: Any, n: int, mine: Work, chunk: int = ...
                 ) -> list[Any]: ...


SHARE_MIN = 500
"""Unit texts to cut from which they are shared with the advisor's worker."""


def document_segments(config: Config, doc: str,
                      share: Share | None = None) -> tuple[str, list[Segment]]:
    """The source text of `doc` and its segments; with `share`, the units not cut
    before are cut on both cores first (the advisor's worker takes them from the back).
    A Markdown document is taken run by run: only the runs not cut before are
    (tm.segment.runs)."""
    src, got = _document_cut(config, doc, share, sentences=False)
    assert not isinstance(got, Sentences)
    return src, got


def document_sentences(config: Config, doc: str, share: Share | None = None,
                       src: str | None = None) -> tuple[str, Sentences]:
    """The source text of `doc` and what its template is made of (`document_segments`
    without making the segments a Markdown document's runs remembered)."""
    src, got = _document_cut(config, doc, share, sentences=True, src=src)
    return src, got if isinstance(got, Sentences) else Sentences.of(got)


def _document_cut(config: Config, doc: str, share: Share | None, sentences: bool,
                  src: str | None = None) -> tuple[str, list[Segment] | Sentences]:
    from tm.formats import FORMATS, format_of, source_units  # a format's parser: only
    from tm.segment import segment_document  # when a document is cut
    from tm.source import read_source

    path = config.source_path(doc)
    if src is None:
        src = read_source(path)
    lang = config.source_language(doc) or "en"
    mode = config.segmentation(doc)
    ahead = (partial(_cut_ahead, src, lang, share)
             if share is not None and mode == "sentence" else None)
    if format_of(path) is FORMATS[0] and not src.startswith("\ufeff"):
        from tm.segment.runs import segments_by_run, sentences_by_run
        from tm.source import read_runs

        if share is not None and len(src) >= PIECES_MIN:
            _cut_in_pieces(config, src, lang, mode, share)
        try:
            runs = read_runs(src, config.source)
        except TmError as e:
            raise e.located(config.relative(path)) from None
        got = (sentences_by_run(runs, lang, mode, ahead) if sentences
               else segments_by_run(runs, lang, mode, ahead))
        if got is not None:
            return src, got
        whole = runs.whole_units()  # a link title's: the runs as read, not parsed again
    else:
        whole = None
    units = whole if whole is not None else source_units(path, src, config.source)
    if ahead is not None:
        ahead(units)
    return src, segment_document(src, units, lang, mode)


PIECES_MIN = 128 << 10
"""Characters of Markdown from which a document is parsed and cut in pieces on both
cores (`_cut_in_pieces`)."""
PIECES = 32
"""Pieces a document is parsed and cut in: each process takes one at a time."""


def _cut_in_pieces(config: Config, src: str, lang: str, mode: str, share: Share) -> None:
    """Parse and cut a big Markdown document's runs (tm.formats.markdown_runs) piece by
    piece, the advisor's worker taking pieces from the back: what each process finds
    goes into the memos that tm.workcache keeps (the worker's are sent here), so the
    document is then read run by run from them, as a re-run reads it. A run's place in
    the text is decided by its own lines, so a piece that starts where a run does is
    cut into the document's own runs; a run whose parse reaches past its piece is
    parsed again with the rest of the document (the memo is not used for it). Not
    where the memos hold most of the document's runs already (a re-run)."""
    from tm import workcache
    from tm.source import remembered, run_spans

    if remembered(src, config.source) > 0.5:
        return  # a re-run: the runs that changed are cut on both cores (`_cut_ahead`)
    spans = run_spans(src)
    size = len(src) // PIECES
    cuts = [0]
    for a, _b in spans:
        if a - cuts[-1] >= size:
            cuts.append(a)
    cuts.append(len(src))
    pieces = [src[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    if len(pieces) > 1:
        data = (pieces, lang, mode, wrap_width.get())
        for added in share("pieces", data, len(pieces), pieces_work(config, data), 1):
            if added is not None:
                workcache.take(added)


def pieces_work(config: Config, data: Any, worker: bool = False) -> Work:
    """Parse and cut pieces[a:b] (data: the pieces, their language, the segmentation mode
    and the line width) into the memos, in this process or in the advisor's worker
    (`worker`: what the memos gained is the result, with the sentences' msgid lines)."""
    from tm import advice_cache, workcache
    from tm.po_write import lines_ahead
    from tm.segment.runs import sentences_by_run
    from tm.source import read_runs

    pieces, lang, mode, width = data

    def work(a: int, b: int) -> list[Any]:
        out: list[Any] = []
        for piece in pieces[a:b]:
            before = workcache.marks() if worker else ()
            try:
                got = sentences_by_run(read_runs(piece, config.source), lang, mode)
            except TmError:  # the whole document's read says where (a piece's lines
                got = None  # are not the document's)
            if worker and got is not None:
                for text in dict.fromkeys(got.texts):
                    lines_ahead("msgid", text, width)
                advice_cache.expect(got.texts, lang)
            out.append(workcache.added_since(before) if worker else None)
        return out
    return work


def _cut_ahead(src: str, lang: str, share: Share, units: Sequence[Unit]) -> None:
    """Cut the units' texts not cut before on both cores (when there are many): the
    advisor's worker takes them from the back."""
    from tm.segment import remember_cuts, uncut

    texts = uncut(src, units, lang)
    if len(texts) >= SHARE_MIN:
        from tm.po_write import keep_lines

        width = wrap_width.get()
        data = (texts, lang, width)
        done = share("cut", data, len(texts), cut_work(data))
        remember_cuts(texts, [spans for spans, _lines in done], lang)
        keep_lines("msgid", ((text[a:b], lines) for text, (spans, found)
                             in zip(texts, done, strict=True)
                             for (a, b), lines in zip(spans, found, strict=True) if lines),
                   width)


def wrap_ahead(share: Share | None) -> Callable[[list[Message]], None] | None:
    """Lay out the translations that a catalog's entries hold and no run wrote before
    (all of them once a translator fills the catalog), the advisor's worker taking them
    from the back, before the entries are formatted."""
    if share is None:
        return None

    def ahead(messages: list[Message]) -> None:
        from tm.po_write import keep_lines, unwrapped

        width = wrap_width.get()
        values = unwrapped("msgstr", (m.msgstr for m in messages
                                      if m.msgstr and not m.obsolete), width)
        if len(values) >= SHARE_MIN:
            data = ("msgstr", values, width)
            found = share("lines", data, len(values), lines_work(data))
            keep_lines("msgstr", ((v, t) for v, t in zip(values, found, strict=True) if t),
                       width)
    return ahead


def lines_work(data: Any) -> Work:
    """Lay out values[a:b] as `keyword` strings (data: keyword, values, width), in this
    process or in the advisor's worker."""
    from tm.po_write import lines_ahead

    keyword, values, width = data
    return lambda a, b: [lines_ahead(keyword, v, width) for v in values[a:b]]


def cut_work(data: Any) -> Work:
    """Cut texts[a:b] (data: the texts, their language and the line width), in this
    process or in the advisor's worker: each text's sentence spans, and the lines of
    each sentence as a template's msgid (None: on one line), so that wrapping them is
    shared too."""
    from tm.po_write import lines_ahead
    from tm.segment import cut_texts

    texts, lang, width = data

    def work(a: int, b: int) -> list[tuple[list[tuple[int, int]], list[str | None]]]:
        return [(spans, [lines_ahead("msgid", text[s:e], width) for s, e in spans])
                for text, spans in zip(texts[a:b], cut_texts(texts[a:b], lang), strict=True)]
    return work


def cut_one(config: Config, doc: str, share: Share | None, progress: Progress | None,
             src: str | None = None) -> tuple[str, Sentences]:
    """`document_sentences`, the document counted in `progress` first."""
    if progress:
        progress(doc)
    return document_sentences(config, doc, share, src)


def cut_documents(config: Config, docs: Sequence[str], texts: Sequence[str], share: Share,
                  progress: Progress | None) -> list[tuple[str, Sentences]]:
    """Each document's source text (`texts`, as read) and sentences, the advisor's
    worker cutting whole documents from the back of the list while this process cuts
    from the front (the biggest first: the two meet over small ones). A document bigger
    than all the others together is cut first on its own, its units shared
    (`_cut_ahead`)."""
    from tm import workcache

    src_of = dict(zip(docs, texts, strict=True))
    order = sorted(docs, key=lambda d: -len(src_of[d]))
    out: dict[str, tuple[str, Sentences]] = {}
    if len(src_of[order[0]]) * 2 > sum(map(len, texts)):
        out[order[0]] = cut_one(config, order[0], share, progress, src_of[order[0]])
        order = order[1:]
    if len(order) > 1:
        data = (order, [src_of[doc] for doc in order], wrap_width.get())
        mine = docs_work(config, data, progress)
        for doc, (got, added) in zip(order, share("docs", data, len(order), mine, 1),
                                     strict=True):
            if added is not None:  # cut by the worker
                workcache.take(added)
                if progress:
                    progress(doc)
            out[doc] = src_of[doc], Sentences(*got)
    elif order:
        out[order[0]] = cut_one(config, order[0], share, progress, src_of[order[0]])
    return [out[doc] for doc in docs]


def docs_work(config: Config, data: Any, progress: Progress | None = None,
              worker: bool = False) -> Work:
    """Cut documents[a:b] (data: their names, their source texts and the line width),
    each on its own, in this process or in the advisor's worker (`worker`): each one's
    sentences' texts, lines and kinds; from the worker also what it added to the memos
    tm.workcache keeps, with every sentence's msgid lines (`lines_ahead`), so that this
    process neither cuts nor wraps them next time nor now."""
    from tm import advice_cache, workcache
    from tm.po_write import lines_ahead

    docs, texts, width = data

    def work(a: int, b: int) -> list[Any]:
        out: list[Any] = []
        for doc, src in zip(docs[a:b], texts[a:b], strict=True):
            if not worker:
                segs = cut_one(config, doc, None, progress, src)[1]
                out.append(((segs.texts, segs.lines, segs.kinds), None))
                continue
            before = workcache.marks()
            segs = document_sentences(config, doc, None, src)[1]
            for text in dict.fromkeys(segs.texts):
                lines_ahead("msgid", text, width)
            advice_cache.expect(segs.texts, config.source_language(doc) or "en")
            out.append(((segs.texts, segs.lines, segs.kinds), workcache.added_since(before)))
        return out
    return work
