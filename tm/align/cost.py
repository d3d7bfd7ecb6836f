"""What a link costs: Gale-Church's length model (the baseline) plus anchor agreement.

Gale and Church (1993): the length of a translation in characters is about `ratio`
times the source's, with a variance proportional to the length; a link's cost is
-log P(link type) - log P(length difference at least this large).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tm.align.anchors import Bag, agreement

PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089,
    (2, 2): 0.011, (3, 1): 0.004, (1, 3): 0.004,
}
"""Gale-Church's link-type probabilities, with 3-1 and 1-3 added for clauses cut
differently."""

BLOCK_PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.95, (1, 0): 0.01, (0, 1): 0.01, (2, 1): 0.012, (1, 2): 0.012,
    (2, 2): 0.002, (3, 1): 0.001, (1, 3): 0.001,
}
"""For blocks: a translator keeps paragraphs far more often than sentences; an
omitted paragraph is as likely as two paragraphs run together."""

SKIP_EXTRA = 1.0
"""Added to -log P(1-0) for an omission or addition, whatever its length: Gale-Church's
length term for it grows with the length, which makes a merge look cheaper than an
omitted long sentence (or paragraph)."""

VARIANCE = 6.8
"""Gale-Church's variance of the length difference per character."""

SWAP_PENALTY = 3.0
"""Extra cost of two crossed 1-1 links over two straight ones."""


@dataclass(frozen=True, slots=True)
class Weights:
    """How strongly anchors count against lengths (in nats per unit of anchor weight)."""

    shared: float = 2.5
    unshared: float = 2.0
    kind: float = 6.0
    """A heading linked to a paragraph (block alignment)."""


def tail_log(z: float) -> float:
    """-log P(|N(0,1)| >= z), exact where erfc is and asymptotic beyond."""
    if z < 25.0:
        return -math.log(max(math.erfc(z / math.sqrt(2.0)), 1e-300))
    return z * z / 2.0 + math.log(z * math.sqrt(math.pi / 2.0))


def length_delta(source: int, target: int, ratio: float) -> float:
    """Gale-Church's normalized length difference of a link."""
    if source == 0 and target == 0:
        return 0.0
    mean = (source + target / ratio) / 2.0
    return (target - source * ratio) / math.sqrt(max(mean, 1.0) * VARIANCE)


def length_cost(source: int, target: int, ratio: float, kind: tuple[int, int],
                priors: dict[tuple[int, int], float] = PRIORS) -> float:
    """-log P(kind) - log P(a length difference at least this large); a fixed cost for
    an omission or an addition."""
    if 0 in kind:
        return -math.log(priors[kind]) + SKIP_EXTRA
    return -math.log(priors[kind]) + tail_log(abs(length_delta(source, target, ratio)))


RATIO_PRIOR = 1500
"""Characters of evidence for a ratio of 1 added to both sides when the ratio is
estimated: in a short document one omitted paragraph would skew it."""


def ratio_of(source: Sequence[int], target: Sequence[int]) -> float:
    """Characters of translation per source character over the whole document, drawn
    toward 1 as much as RATIO_PRIOR characters would."""
    return (sum(target) + RATIO_PRIOR) / (sum(source) + RATIO_PRIOR)


def link_cost(lengths: tuple[int, int], anchors: tuple[Bag, Bag], kind: tuple[int, int],
              ratio: float, weights: Weights,
              priors: dict[tuple[int, int], float] = PRIORS) -> float:
    """The cost of linking source items to target items (lengths summed, anchors
    unioned); a 1-0 or 0-1 link pays no anchor cost."""
    cost = length_cost(lengths[0], lengths[1], ratio, kind, priors)
    if kind[0] and kind[1]:
        shared, unshared = agreement(*anchors)
        cost += weights.unshared * unshared - weights.shared * shared
    return cost


def confidence(lengths: tuple[int, int], anchors: tuple[Bag, Bag], kind: tuple[int, int],
               ratio: float) -> float:
    """0..1 for a link: how well lengths fit (60%) and how anchors agree (40%, neutral
    0.75 when neither side has any); a link other than 1-1 is a little less sure."""
    fit = math.sqrt(math.erfc(abs(length_delta(lengths[0], lengths[1], ratio))
                              / math.sqrt(2.0)))
    shared, unshared = agreement(*anchors)
    agree = shared / (shared + unshared) if shared + unshared else 0.75
    score = 0.6 * fit + 0.4 * agree
    if kind != (1, 1):
        score *= 0.9
    return round(min(1.0, max(0.0, score)), 2)
