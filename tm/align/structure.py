"""Structure first: blocks (headings, paragraphs, list items) are aligned, then the
sentences inside each pair of aligned blocks. A sentence is never linked across a
block boundary the block alignment did not make."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tm.align.anchors import Bag, TermFinder, anchors, bag, strict_only, union
from tm.align.cost import BLOCK_PRIORS, SWAP_PENALTY, Weights, confidence, link_cost, ratio_of
from tm.align.dp import BLOCK_MOVES, Step, best_path
from tm.align.model import Block, Link, Sentence, blocks_of

BLOCK_BAND = 6
"""Half-width of the first band over blocks (widened when the path needs it)."""

RATIO_SLACK = 0.03
"""The translation's length ratio is estimated over the whole documents, then again over
the blocks the first alignment linked; when the two differ by more than this (omitted
or added paragraphs), the blocks are aligned again with the second."""

Progress = Callable[[int, int], None]
"""Called with the number of source blocks aligned so far and of all source blocks."""


class Side:
    """One document as the aligner sees it: sentences and blocks with their lengths and
    anchors; the anchors of runs of 2 and 3 items are kept once computed (each is asked
    for by every cell of the band)."""

    def __init__(self, sentences: Sequence[Sentence], bags: Sequence[Bag]) -> None:
        self.sentences = sentences
        self.blocks = blocks_of(list(sentences))
        self.lengths = [len(s.text) for s in sentences]
        self.block_lengths = [b.length for b in self.blocks]
        self.headings = [b.kind == "heading" for b in self.blocks]
        self.bags = list(bags)
        self.block_bags = [strict_only(union(self.bags[b.first:b.first + b.count]))
                           for b in self.blocks]
        self._runs: dict[tuple[bool, int, int], Bag] = {}

    def run(self, i: int, n: int, blocks: bool = False) -> Bag:
        """The anchors of items i..i+n-1 (sentences, or blocks)."""
        items = self.block_bags if blocks else self.bags
        if n == 1:
            return items[i]
        key = (blocks, i, n)
        found = self._runs.get(key)
        if found is None:
            found = self._runs[key] = union(items[i:i + n])
        return found


def sides(source: Sequence[Sentence], target: Sequence[Sentence], langs: tuple[str, str],
          terms: TermFinder | None) -> tuple[Side, Side]:
    """Both documents' sides; word keys found in one document only are left out."""
    found = ([anchors(s.text, langs[0], terms) for s in source],
             [anchors(s.text, langs[1], terms) for s in target])
    keys = [{k for a in side_found for k in a} for side_found in found]
    both = keys[0] & keys[1]
    return (Side(source, [bag(a, both) for a in found[0]]),
            Side(target, [bag(a, both) for a in found[1]]))


def align_sides(src: Side, tgt: Side, weights: Weights | None = None,
                progress: Progress | None = None) -> list[Link]:
    """Links between the sentences of two documents, blocks first."""
    w = weights or Weights()
    ratio = ratio_of(src.block_lengths, tgt.block_lengths)
    steps = _block_path(src, tgt, ratio, w)
    linked = [x for x in steps if x.di and x.dj]
    better = ratio_of([sum(src.block_lengths[x.i:x.i + x.di]) for x in linked],
                      [sum(tgt.block_lengths[x.j:x.j + x.dj]) for x in linked])
    if abs(better / ratio - 1) > RATIO_SLACK:  # omissions skewed the first estimate
        ratio = better
        steps = _block_path(src, tgt, ratio, w)
    links: list[Link] = []
    for step in steps:
        s0, sn = _span(src.blocks, step.i, step.di)
        t0, tn = _span(tgt.blocks, step.j, step.dj)
        links.extend(align_span(src, tgt, (s0, sn), (t0, tn), ratio, w))
        if progress is not None:
            progress(step.i + step.di, len(src.blocks))
    return links


def _block_path(src: Side, tgt: Side, ratio: float, w: Weights) -> list[Step]:
    return best_path(len(src.blocks), len(tgt.blocks), _block_cost(src, tgt, ratio, w),
                     width=BLOCK_BAND, moves=BLOCK_MOVES, track=True)


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
        c = link_cost((sum(src.block_lengths[i:i + di]), sum(tgt.block_lengths[j:j + dj])),
                      (src.run(i, di, True), tgt.run(j, dj, True)), (di, dj), ratio, w,
                      BLOCK_PRIORS)
        if di and dj and any(src.headings[i:i + di]) != any(tgt.headings[j:j + dj]):
            c += w.kind
        return c
    return cost


def align_span(src: Side, tgt: Side, source: tuple[int, int], target: tuple[int, int],
               ratio: float, w: Weights) -> list[Link]:
    """Links between source sentences s0..s0+sn-1 and target sentences t0..t0+tn-1."""
    (s0, sn), (t0, tn) = source, target
    if sn == 0 or tn == 0:
        return ([Link((s0 + k,), (), 0.0) for k in range(sn)]
                + [Link((), (t0 + k,), 0.0) for k in range(tn)])
    if sn == 1 and tn == 1:  # a heading, a one-sentence paragraph: nothing to choose
        return [_link(src, tgt, (s0,), (t0,), ratio, False)]

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
    return link_cost((sum(src.lengths[i:i + di]), sum(tgt.lengths[j:j + dj])),
                     (src.run(i, di), tgt.run(j, dj)), (di, dj), ratio, w)


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
    lengths = (sum(src.lengths[k] for k in s), sum(tgt.lengths[k] for k in t))
    bags = (src.run(s[0], len(s)), tgt.run(t[0], len(t)))
    conf = confidence(lengths, bags, (len(s), len(t)), ratio)
    return Link(s, t, round(conf * 0.85, 2) if swapped else conf, swapped)
