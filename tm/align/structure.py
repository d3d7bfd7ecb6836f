"""Structure first: blocks (headings, paragraphs, list items) are aligned, then the
sentences inside each pair of aligned blocks. A sentence is never linked across a
block boundary the block alignment did not make."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from tm.align.anchors import Anchors, TermFinder, anchors
from tm.align.cost import BLOCK_PRIORS, SWAP_PENALTY, Weights, confidence, link_cost, ratio_of
from tm.align.dp import Step, best_path
from tm.align.model import Block, Link, Sentence, blocks_of

Progress = Callable[[int], None]
"""Called with the number of source sentences aligned since the last call."""


@dataclass(frozen=True, slots=True)
class Side:
    """One document as the aligner sees it: sentences, their anchors and blocks."""

    sentences: Sequence[Sentence]
    anchors: Sequence[Anchors]
    blocks: Sequence[Block]
    block_anchors: Sequence[Anchors]

    def lengths(self, first: int, count: int) -> int:
        return sum(len(s.text) for s in self.sentences[first:first + count])


def side(sentences: Sequence[Sentence], lang: str, terms: TermFinder | None) -> Side:
    """The anchors and blocks of one document's sentences."""
    found = [anchors(s.text, lang, terms) for s in sentences]
    blocks = blocks_of(list(sentences))
    merged = [_merge(found[b.first:b.first + b.count]) for b in blocks]
    return Side(sentences, found, blocks, merged)


def _merge(parts: Sequence[Mapping[str, float]]) -> Anchors:
    out: Anchors = {}
    for p in parts:
        for key, w in p.items():
            out[key] = out.get(key, 0.0) + w
    return out


def align_sides(src: Side, tgt: Side, weights: Weights | None = None,
                progress: Progress | None = None) -> list[Link]:
    """Links between the sentences of two documents, blocks first."""
    w = weights or Weights()
    ratio = ratio_of([b.length for b in src.blocks], [b.length for b in tgt.blocks])
    steps = best_path(len(src.blocks), len(tgt.blocks), _block_cost(src, tgt, ratio, w))
    links: list[Link] = []
    for step in steps:
        s0, sn = _span(src.blocks, step.i, step.di)
        t0, tn = _span(tgt.blocks, step.j, step.dj)
        links.extend(align_span(src, tgt, (s0, sn), (t0, tn), ratio, w))
        if progress is not None:
            progress(sn)
    return links


def _span(blocks: Sequence[Block], first: int, count: int) -> tuple[int, int]:
    """First sentence and number of sentences of blocks first..first+count-1."""
    if count == 0:
        return (blocks[first].first if first < len(blocks) else 0), 0
    start = blocks[first].first
    last = blocks[first + count - 1]
    return start, last.first + last.count - start


def _block_cost(src: Side, tgt: Side, ratio: float,
                w: Weights) -> Callable[[int, int, int, int], float]:
    def cost(i: int, di: int, j: int, dj: int) -> float:
        sb, tb = src.blocks[i:i + di], tgt.blocks[j:j + dj]
        c = link_cost((sum(b.length for b in sb), sum(b.length for b in tb)),
                      (src.block_anchors[i:i + di], tgt.block_anchors[j:j + dj]), ratio, w,
                      BLOCK_PRIORS)
        if sb and tb and _headings(sb) != _headings(tb):
            c += w.kind
        return c
    return cost


def _headings(blocks: Sequence[Block]) -> bool:
    return any(b.kind == "heading" for b in blocks)


def align_span(src: Side, tgt: Side, source: tuple[int, int], target: tuple[int, int],
               ratio: float, w: Weights) -> list[Link]:
    """Links between source sentences s0..s0+sn-1 and target sentences t0..t0+tn-1."""
    (s0, sn), (t0, tn) = source, target
    if sn == 0 or tn == 0:
        return ([Link((s0 + k,), (), 0.0) for k in range(sn)]
                + [Link((), (t0 + k,), 0.0) for k in range(tn)])

    def cost(i: int, di: int, j: int, dj: int) -> float:
        return _cost(src, tgt, (s0 + i, di), (t0 + j, dj), ratio, w)

    def swap(i: int, j: int) -> float:
        return (cost(i, 1, j + 1, 1) + cost(i + 1, 1, j, 1) + SWAP_PENALTY)

    out: list[Link] = []
    for step in best_path(sn, tn, cost, swap):
        out.extend(_links(src, tgt, step, (s0, t0), ratio))
    return out


def _cost(src: Side, tgt: Side, source: tuple[int, int], target: tuple[int, int],
          ratio: float, w: Weights) -> float:
    (i, di), (j, dj) = source, target
    return link_cost((src.lengths(i, di), tgt.lengths(j, dj)),
                     (src.anchors[i:i + di], tgt.anchors[j:j + dj]), ratio, w)


def _links(src: Side, tgt: Side, step: Step, offset: tuple[int, int],
           ratio: float) -> list[Link]:
    i, j = step.i + offset[0], step.j + offset[1]
    if step.swap:
        return [_link(src, tgt, (i,), (j + 1,), ratio, True),
                _link(src, tgt, (i + 1,), (j,), ratio, True)]
    if step.di == 0 or step.dj == 0:
        return [Link(tuple(range(i, i + step.di)), tuple(range(j, j + step.dj)), 0.0)]
    return [_link(src, tgt, tuple(range(i, i + step.di)), tuple(range(j, j + step.dj)),
                  ratio, False)]


def _link(src: Side, tgt: Side, s: tuple[int, ...], t: tuple[int, ...], ratio: float,
          swapped: bool) -> Link:
    lengths = (sum(len(src.sentences[k].text) for k in s),
               sum(len(tgt.sentences[k].text) for k in t))
    conf = confidence(lengths, ([src.anchors[k] for k in s], [tgt.anchors[k] for k in t]),
                      ratio)
    return Link(s, t, round(conf * 0.85, 2) if swapped else conf, swapped)
