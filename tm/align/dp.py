"""The dynamic program: the cheapest monotone chain of links between two sequences.

Only cells in a band around the diagonal (from (0, 0) to (n, m)) are computed, so the
work is linear in the length of the documents; when the best path runs along the edge
of the band (a long omission pushed it off the diagonal) the band is doubled and the
program run again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MOVES: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
"""Link shapes: source items by target items."""

BLOCK_MOVES: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))
"""For blocks: three paragraphs run into one are too rare to pay for."""

SWAP = len(MOVES)
"""Move index of a swap: items i, i+1 linked crosswise to j+1, j."""

BAND = 12
"""Half-width of the first band, in items (sentences or blocks)."""

CostFn = Callable[[int, int, int, int], float]
"""cost(i, di, j, dj): linking source items i..i+di-1 to target items j..j+dj-1."""
SwapFn = Callable[[int, int], float]
"""swap(i, j): linking i to j+1 and i+1 to j."""


@dataclass(frozen=True, slots=True)
class Step:
    """One link of the best path: `di` source items from `i`, `dj` target items from `j`
    (crosswise when `swap`)."""

    i: int
    j: int
    di: int
    dj: int
    swap: bool = False


def band_limits(n: int, m: int, width: int,
                centre: Sequence[float] | None = None) -> list[tuple[int, int]]:
    """(lowest, highest) target index computed in each row 0..n: `width` either side of
    the diagonal, or of `centre[i]` (a monotone guess of the path, e.g. from lengths);
    each row's band reaches the next one's."""
    if n == 0:
        return [(0, m)]
    out = []
    for i in range(n + 1):
        c = centre[i] if centre is not None else i * m / n
        out.append((max(0, math.floor(c) - width), min(m, math.ceil(c) + width)))
    out[-1] = (out[-1][0], m)
    for i in range(n):  # no gap between rows: a jump of the guess is bridged
        lo, hi = out[i + 1]
        if lo > out[i][1]:
            out[i + 1] = (out[i][1], hi)
    return out


def best_path(n: int, m: int, cost: CostFn, swap: SwapFn | None = None,
              width: int = BAND, moves: tuple[tuple[int, int], ...] = MOVES,
              centre: Sequence[float] | None = None, track: bool = False) -> list[Step]:
    """The cheapest chain of links covering n source and m target items (`moves`: the
    link shapes allowed, a subset of MOVES). The band is centred on the diagonal, on
    `centre[i]` in row i, or with `track` on the cheapest cell of the row before (it
    follows the path wherever omissions and merges take it)."""
    if n and m:  # the band follows the diagonal's slope
        width = max(width, 4 + math.ceil(max(m / n, n / m)))
    while True:
        limits = band_limits(n, m, width, centre)
        back = _fill(n, m, cost, swap, limits, moves, width if track else 0)
        steps = _trace(n, m, back, limits)
        if width >= max(n, m) or (steps is not None and not _touches(steps, limits, m)):
            if steps is None:
                raise ValueError(f"no alignment of {n} and {m} items")
            return steps
        width *= 2


def _tracked(i: int, n: int, m: int, rows: list[list[float]],
             limits: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """Row i's band: `width` either side of the previous row's cheapest cell moved on
    by the slope, reaching the previous row's band; the last row reaches m."""
    prev = rows[i - 1]
    plo, phi = limits[i - 1]
    best = min(range(len(prev)), key=prev.__getitem__) + plo
    c = best + m / n
    lo, hi = max(0, math.floor(c) - width), min(m, math.ceil(c) + width)
    return min(lo, phi), (m if i == n else max(hi, plo))


def _moves(swap: SwapFn | None,
           allowed: tuple[tuple[int, int], ...]) -> list[tuple[int, int, int]]:
    moves = [(k, di, dj) for k, (di, dj) in enumerate(MOVES) if (di, dj) in allowed]
    return [*moves, (SWAP, 2, 2)] if swap is not None else moves


def _fill(n: int, m: int, cost: CostFn, swap: SwapFn | None,
          limits: list[tuple[int, int]], allowed: tuple[tuple[int, int], ...],
          track: int = 0) -> list[list[int]]:
    """The back pointers of every banded cell (move index, -1 where unreachable). With
    `track` (a width) each row's limits are set from the row before (`_tracked`) and
    written into `limits`."""
    inf = math.inf
    rows: list[list[float]] = []
    back: list[list[int]] = []
    moves = _moves(swap, allowed)
    for i in range(n + 1):
        if track and i > 0:
            limits[i] = _tracked(i, n, m, rows, limits, track)
        lo, hi = limits[i]
        row = [inf] * (hi - lo + 1)
        brow = [-1] * (hi - lo + 1)
        rows.append(row)  # filled left to right: a 0-1 move reads this row
        back.append(brow)
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                row[0] = 0.0
                continue
            row[j - lo], brow[j - lo] = _cell(i, j, rows, limits, moves, cost, swap)
    return back


def _cell(i: int, j: int, rows: list[list[float]], limits: list[tuple[int, int]],
          moves: list[tuple[int, int, int]], cost: CostFn,
          swap: SwapFn | None) -> tuple[float, int]:
    """The cheapest way into cell (i, j) and the move that gives it."""
    best, arg = math.inf, -1
    for k, di, dj in moves:
        pi, pj = i - di, j - dj
        if pi < 0 or pj < 0:
            continue
        plo, phi = limits[pi]
        if pj < plo or pj > phi:
            continue
        prev = rows[pi][pj - plo]
        if prev == math.inf:
            continue
        c = prev + (cost(pi, di, pj, dj) if k != SWAP else swap(pi, pj))  # type: ignore[misc]
        if c < best:
            best, arg = c, k
    return best, arg


def _trace(n: int, m: int, back: list[list[int]],
           limits: list[tuple[int, int]]) -> list[Step] | None:
    """The links of the best path back from (n, m); None if the band cut it off."""
    steps = []
    i, j = n, m
    while i > 0 or j > 0:
        k = back[i][j - limits[i][0]]
        if k < 0:
            return None
        di, dj = (2, 2) if k == SWAP else MOVES[k]
        i, j = i - di, j - dj
        steps.append(Step(i, j, di, dj, k == SWAP))
    steps.reverse()
    return steps


def _touches(steps: list[Step], limits: list[tuple[int, int]], m: int) -> bool:
    """Whether the path runs along an edge of the band that is not the matrix's edge."""
    for s in steps:
        lo, hi = limits[s.i]
        if (s.j == lo and lo > 0) or (s.j == hi and hi < m):
            return True
    return False
