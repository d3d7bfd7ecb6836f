"""How the index stores the units' texts: 16 consecutive units of a file in one row.

A row per text made SQLite's inserts most of the cost of indexing a big file (about
3 us a row, two rows a unit); one row per block of units is about a quarter of that,
and a lookup that needs a unit decodes its block (a few microseconds).

A block's key is its first unit's id `>> BLOCK_BITS` (unit ids are `file_id << 32 |
position`, so one file's blocks are one key range). Its `heads` are unsigned 32-bit
numbers: the layout of its texts, then per unit its offset in the block, whether it is
aligned (1) or not (0), its number of texts, and per text the language's number (the
index's `langs` table) and the text's length in code points; its `texts` are the
texts, with a NUL between two (or, where a text holds a NUL, one after another).
"""

from __future__ import annotations

from array import array
from collections.abc import Container, Iterator
from typing import Any

BLOCK_BITS = 4
"""Units of a block: 1 << BLOCK_BITS."""
OFFSET = (1 << BLOCK_BITS) - 1
"""A unit id's offset in its block: `uid & OFFSET`."""

Stored = tuple[int, bool, list[tuple[int, str]]]
"""A unit as a block holds it: offset in the block, aligned, (language number, text)s."""

SEPARATED, CONCATENATED = 0, 1
"""A block's first head: its texts have a NUL between two (none holds a NUL itself),
or they are concatenated (then their lengths cut them apart)."""


def block_range(lo: int, hi: int) -> tuple[int, int]:
    """The block keys of the unit ids [lo, hi) (lo and hi: whole blocks)."""
    return lo >> BLOCK_BITS, hi >> BLOCK_BITS


def nul_joined(texts: list[str]) -> str | None:
    """`texts` with a NUL between two, so that splitting at NULs gives them back; None
    where a text holds a NUL itself (no XML text can)."""
    joined = "\0".join(texts)
    return joined if joined.count("\0") == len(texts) - 1 else None


def encode(heads: array[int], texts: list[str]) -> tuple[bytes, str]:
    """The stored `heads` and `texts` of a block; `heads[0]` is set here."""
    joined = nul_joined(texts)
    if joined is None:
        heads[0] = CONCATENATED
        joined = "".join(texts)
    return heads.tobytes(), joined


def decode(heads: bytes, texts: str | bytes,
           wanted: Container[int] | None = None) -> Iterator[Stored]:
    """The units of one block, in order (only the offsets in `wanted`, if given).

    `texts` as SQLite's bytes (`CAST(texts AS BLOB)`) saves decoding every text of the
    block from UTF-8 when a few are wanted (most of a lookup's time otherwise): only
    the parts up to a wanted text (or from it to the end) are cut, and only the wanted
    decoded."""
    numbers = array("I")
    numbers.frombytes(heads)
    h = numbers.tolist()
    size = len(h)
    if h[0] == SEPARATED and wanted is not None and (size - 1) % 7 == 0 and (
            h[3::7].count(2) == (size - 1) // 7):  # a lookup in a TMX of pairs
        yield from _pairs(h, texts, wanted)
        return
    units: list[tuple[int, int]] = []  # per unit: where its heads start, its first text
    i, n = 1, 0
    while i < size:
        units.append((i, n))
        n += h[i + 2]
        i += 3 + 2 * h[i + 2]
    parts: list[Any]
    if h[0] == SEPARATED:
        parts = texts.split(b"\0") if isinstance(texts, bytes) else texts.split("\0")
    else:
        whole = texts.decode() if isinstance(texts, bytes) else texts
        parts, at = [], 0
        for i, _ in units:
            for j in range(i + 4, i + 3 + 2 * h[i + 2], 2):
                parts.append(whole[at:at + h[j]])
                at += h[j]
    for i, t in units:
        if wanted is not None and h[i] not in wanted:
            continue
        variants = []
        for j in range(i + 3, i + 3 + 2 * h[i + 2], 2):
            part: Any = parts[t]
            variants.append((h[j], part if type(part) is str else part.decode()))
            t += 1
        yield h[i], bool(h[i + 1]), variants


def _pairs(h: list[int], texts: str | bytes, wanted: Container[int]) -> Iterator[Stored]:
    """`decode` of the `wanted` units of a separated block of two texts a unit."""
    offsets = h[1::7]
    n = 2 * len(offsets)
    sep: Any = b"\0" if isinstance(texts, bytes) else "\0"
    for offset in sorted(o for o in offsets if o in wanted):
        u = offsets.index(offset)
        t = 2 * u
        got: list[Any] = (texts.split(sep, t + 2)[t:t + 2] if t < n // 2
                          else texts.rsplit(sep, n - t)[1:3])
        i = 1 + 7 * u
        yield offset, bool(h[i + 1]), [
            (h[i + 3], got[0] if type(got[0]) is str else got[0].decode()),
            (h[i + 5], got[1] if type(got[1]) is str else got[1].decode())]
