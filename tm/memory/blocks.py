"""How the index stores the units' texts: 16 consecutive units of a file in one row.

A row per text made SQLite's inserts most of the cost of indexing a big file (about
3 us a row, two rows a unit); one row per block of units is about a quarter of that,
and a lookup that needs a unit decodes its block (a few microseconds).

A block's key is its first unit's id `>> BLOCK_BITS` (unit ids are `file_id << 32 |
position`, so one file's blocks are one key range). Its `heads` are unsigned 32-bit
numbers, per unit: its offset in the block, whether it is aligned (1) or not (0), its
number of texts, and per text the language's number (the index's `langs` table) and
the text's length in code points; its `texts` are the texts, one after another.
"""

from __future__ import annotations

from array import array
from collections.abc import Container, Iterator

BLOCK_BITS = 4
"""Units of a block: 1 << BLOCK_BITS."""
OFFSET = (1 << BLOCK_BITS) - 1
"""A unit id's offset in its block: `uid & OFFSET`."""

Stored = tuple[int, bool, list[tuple[int, str]]]
"""A unit as a block holds it: offset in the block, aligned, (language number, text)s."""


def block_range(lo: int, hi: int) -> tuple[int, int]:
    """The block keys of the unit ids [lo, hi) (lo and hi: whole blocks)."""
    return lo >> BLOCK_BITS, hi >> BLOCK_BITS


def decode(heads: bytes, texts: str, wanted: Container[int] | None = None) -> Iterator[Stored]:
    """The units of one block, in order (only the offsets in `wanted`, if given)."""
    numbers = array("I")
    numbers.frombytes(heads)
    h = numbers.tolist()
    i = at = 0
    end = len(h)
    while i < end:
        offset, aligned, k = h[i], h[i + 1], h[i + 2]
        i += 3
        if wanted is not None and offset not in wanted:
            for _ in range(k):
                at += h[i + 1]
                i += 2
            continue
        variants = []
        for _ in range(k):
            n = h[i + 1]
            variants.append((h[i], texts[at:at + n]))
            at += n
            i += 2
        yield offset, bool(aligned), variants
