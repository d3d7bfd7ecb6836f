"""Word postings: which units of a file contain a word, and who shares most probe words.

Pure functions over compact uint32 arrays, so an index can keep them as BLOBs.
numpy is imported only for posting lists too long for a dict count to be quick (a
million-unit memory); a small project never pays for loading it.
"""

from __future__ import annotations

import sys
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Sequence
from itertools import count
from typing import Any

from rapidfuzz.utils import default_process

NUMPY_FROM = 1_500
"""Total probe postings of one segment above which numpy counts them (measured: a dict
count wins below, numpy above; numpy is imported on first need only)."""


GROUPED_FROM = 10_000
"""Texts from which `build_postings` groups words by sorting (numpy) instead of a step
per distinct word of each text (a 50,000-text chunk of a million-unit memory: about
0.5 s instead of 0.65 s; numpy is not loaded for fewer)."""


def build_postings(texts: Sequence[str], positions: Sequence[int]) -> dict[str, array[int]]:
    """Word -> ascending unit positions (array of uint32); the words `match.tokens` gives,
    in the order each first occurs.

    One rapidfuzz pass over all texts joined by a separator, then per text its distinct
    words (dict.fromkeys, in C) appended to their lists: per-text rapidfuzz calls would
    cost several times more on a million units, a step per word (not per distinct
    word of a text) about 1.4x as much.
    """
    if not texts:
        return {}
    sep = "zqsepqz"
    while True:  # a space never composes: NFC of the joined texts is that of each text
        joined = default_process(unicodedata.normalize("NFC", f" {sep} ".join(
            ("", *texts, ""))))
        if joined.count(sep) == len(texts) + 1:  # no text has the separator in it
            break
        sep += "q"
    if len(texts) >= GROUPED_FROM:
        return _grouped(joined, sep, positions)
    parts = joined.split(sep)  # an empty part before the first text and after the last
    found: dict[str, list[int]] = {}
    get = found.get
    for here, part in zip(positions, parts[1:-1], strict=True):
        for w in dict.fromkeys(part.split()):
            lst = get(w)
            if lst is None:
                found[w] = [here]
            else:
                lst.append(here)
    return {w: array("I", lst) for w, lst in found.items() if _kept(w)}


def _kept(word: str) -> bool:
    return len(word) >= 2 and not word.isdigit()


def _grouped(joined: str, sep: str, positions: Sequence[int]) -> dict[str, array[int]]:
    """`build_postings` of the texts `joined` holds between `sep` words: every word
    numbered in C (a dict that numbers what it has not seen), then the (word, text)
    pairs sorted once and cut into one run per word."""
    import numpy as np

    numbers: defaultdict[str, int] = defaultdict(count().__next__)
    numbers[sep]  # noqa: B018 -- the separator is word 0
    ids = np.fromiter(map(numbers.__getitem__, joined.split()), dtype=np.int64)
    apart = ids == 0
    text = np.cumsum(apart) - 1  # the text each word is in (the first word is `sep`)
    n = len(positions)
    pairs = np.sort(ids[~apart] * n + text[~apart])
    first = np.empty(len(pairs), dtype=bool)
    first[:1] = True
    np.not_equal(pairs[1:], pairs[:-1], out=first[1:])  # a word twice in a text: once
    pairs = pairs[first]
    words = pairs // n
    raw = np.asarray(positions, dtype=np.uint32)[pairs - words * n].tobytes()
    ends = np.cumsum(np.bincount(words, minlength=len(numbers))).tolist()
    out: dict[str, array[int]] = {}
    start = 0
    for word, end in zip(numbers, ends, strict=True):  # numbered in order of occurrence
        if end > start and _kept(word):
            ids_of = array("I")
            ids_of.frombytes(raw[4 * start:4 * end])
            out[word] = ids_of
        start = end
    return out


def _runs(ordered: Any) -> tuple[Any, Any]:
    """Distinct values of a sorted numpy array and how often each occurs (np.unique
    without its hash table, which is several times slower on these arrays)."""
    import numpy as np

    if not len(ordered):
        return ordered, np.zeros(0, dtype=np.int64)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def to_blob(ids: array[int]) -> bytes:
    """Little-endian bytes, so an index file moves between machines."""
    if sys.byteorder == "big":  # pragma: no cover
        ids = array(ids.typecode, ids)
        ids.byteswap()
    return ids.tobytes()


def from_blob(blob: bytes, typecode: str = "I") -> array[int]:
    ids = array(typecode)
    ids.frombytes(blob)
    if sys.byteorder == "big":  # pragma: no cover
        ids.byteswap()
    return ids


class Posting:
    """One word's units across files: (file_id, positions) parts, widened once on demand."""

    __slots__ = ("parts", "size", "_wide", "_dense")

    def __init__(self) -> None:
        self.parts: list[tuple[int, array[int]]] = []
        self.size = 0
        self._wide: Any = None
        self._dense: list[tuple[int, Any]] | None = None

    def add(self, file_id: int, positions: array[int]) -> None:
        self.parts.append((file_id, positions))
        self.size += len(positions)

    def wide(self) -> Any:
        """All unit ids (file_id << 32 | position) as one int64 numpy array."""
        if self._wide is None:
            import numpy as np

            arrays = [np.frombuffer(ids, dtype=np.uint32).astype(np.int64) + (file_id << 32)
                      for file_id, ids in sorted(self.parts, key=lambda part: part[0])]
            self._wide = arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
        return self._wide

    def _flags(self) -> list[tuple[int, Any]]:
        """One flag per unit of each file (built once): a lookup, not a search."""
        if self._dense is None:
            import numpy as np

            self._dense = []
            for file_id, positions in self.parts:
                pos = np.frombuffer(positions, dtype=np.uint32)
                flags = np.zeros(int(pos.max()) + 1 if len(pos) else 0, dtype=bool)
                flags[pos] = True
                self._dense.append((file_id, flags))
        return self._dense

    def positions(self) -> Any:
        """The positions of a posting of one file part, as a uint32 numpy array."""
        import numpy as np

        if len(self.parts) == 1:
            return np.frombuffer(self.parts[0][1], dtype=np.uint32)
        return np.concatenate([np.frombuffer(ids, dtype=np.uint32) for _, ids in self.parts])

    def contains_positions(self, pos: Any) -> Any:
        """Which of `pos` (sorted uint32 positions in the one file of this posting) are in
        it."""
        import numpy as np

        if self.size < DENSE_FROM:
            mine = self.positions()
            at = np.minimum(np.searchsorted(mine, pos), len(mine) - 1)
            return mine[at] == pos
        _, flags = self._flags()[0]
        ok = pos < len(flags)
        return flags[np.where(ok, pos, 0)] & ok if len(flags) else ok

    def contains(self, ids: Any) -> Any:
        """Which of `ids` (an int64 numpy array of unit ids) are in this posting."""
        import numpy as np

        if self.size < DENSE_FROM:
            wide = self.wide()
            at = np.minimum(np.searchsorted(wide, ids), len(wide) - 1)
            return wide[at] == ids
        dense = self._flags()
        if len(dense) == 1:  # the common case: one memory file
            file_id, flags = dense[0]
            pos = ids - (file_id << 32)
            ok = (pos >= 0) & (pos < len(flags))
            return flags[np.where(ok, pos, 0)] & ok if len(flags) else ok
        found = np.zeros(len(ids), dtype=bool)
        files, pos = ids >> 32, ids & 0xFFFFFFFF
        for file_id, flags in dense:
            here = (files == file_id) & (pos < len(flags))
            found[here] = flags[pos[here]]
        return found


DENSE_FROM = 4_096
"""Posting size from which membership is tested by a flag per unit (built once per
posting) instead of a binary search per id."""

LENGTHS = ""
"""The token (never a word) under which a file's per-unit text lengths are stored."""
MIN_LENGTH_RATIO = 0.5
"""Shorter/longer text length below which a unit cannot reach a ratio of 2/3 (fuzz.ratio
is at most 200 * shorter / (shorter + longer)); such units are not candidates."""


def size_range(lengths: dict[int, array[int]]) -> tuple[int, int] | None:
    """The shortest and longest unit text length of these files (None: no unit)."""
    sizes = [_extremes(lens) for lens in lengths.values() if len(lens)]
    return (min(s for s, _ in sizes), max(b for _, b in sizes)) if sizes else None


def _extremes(lens: array[int]) -> tuple[int, int]:
    if len(lens) < NUMPY_FROM * 10:
        return min(lens), max(lens)
    import numpy as np

    table = np.frombuffer(lens, dtype=np.uint16)
    return int(table.min()), int(table.max())


def may_fit(length: int, sizes: tuple[int, int] | None) -> bool:
    """Whether a unit of a length in `sizes` may pass `top_units`' length filter for a
    text of `length`: False only where none can (no need to look such a text up)."""
    return sizes is None or (length * MIN_LENGTH_RATIO <= sizes[1]
                             and sizes[0] <= length / MIN_LENGTH_RATIO)


_NO_LENGTHS = array("H")


def top_units(postings: Sequence[Posting], need: int, limit: int, length: int,
              lengths: dict[int, array[int]]) -> list[int]:
    """Units (file_id << 32 | position) in at least `need` of `postings` and of a length
    that can match `length`: most shared words first, then closest in length.

    A short segment of common words shares them with countless units; the length
    order puts its near-duplicates first. Ties go to the lower unit id.
    """
    total = sum(p.size for p in postings)
    if total > NUMPY_FROM:
        return _top_numpy(postings, need, limit, length, lengths)
    if total >= DENSE_IDS and (file_id := _dense_file(postings, lengths)) is not None:
        return _top_dense(postings, need, limit, length, lengths, file_id)
    by_file: dict[int, dict[int, int]] = {}  # a plain dict: most calls count a few ids
    for p in postings:
        for file_id, ids in p.parts:
            counts = by_file.get(file_id)
            if counts is None:
                counts = by_file[file_id] = {}
            get = counts.get
            for pos in ids:
                counts[pos] = get(pos, 0) + 1
    found: list[tuple[int, int, int]] = []
    low, high = length * MIN_LENGTH_RATIO, length / MIN_LENGTH_RATIO
    for file_id, counts in by_file.items():
        base = file_id << 32
        lens = lengths.get(file_id, _NO_LENGTHS)
        known = len(lens)
        hits = counts.items() if need <= 1 else [(pos, n) for pos, n in counts.items()
                                                 if n >= need]
        for pos, n in hits:
            size = lens[pos] if pos < known else length
            if low <= size <= high:
                found.append((-n, abs(size - length), base | pos))
    found.sort()
    return [uid for _, _, uid in found[:limit]]


def _top_numpy(postings: Sequence[Posting], need: int, limit: int, length: int,
               lengths: dict[int, array[int]]) -> list[int]:
    """Prefix filtering: a unit in `need` of the P lists is in one of the P - need + 1
    shortest, so only those are merged; the long lists are probed for the merged ids."""
    import numpy as np

    lists = sorted(postings, key=lambda p: p.size)
    g = len(lists) - need + 1
    one = {file_id for p in lists for file_id, _ in p.parts}
    if len(one) == 1:  # the common case: one memory file, its positions as they are
        return _top_one_file(lists, g, need, limit, length, lengths, one.pop())
    ids, counts = _runs(np.sort(np.concatenate([p.wide() for p in lists[:g]])))
    for p in lists[g:]:
        counts += p.contains(ids)
    keep = counts >= need
    ids, counts = ids[keep], counts[keep]
    sizes = np.full(len(ids), length, dtype=np.int64)
    files = ids >> 32
    for file_id in np.unique(files).tolist():
        lens = lengths.get(int(file_id))
        if lens is None or not len(lens):
            continue
        table = np.frombuffer(lens, dtype=np.uint16)
        at = files == file_id
        pos = np.minimum(ids[at] & 0xFFFFFFFF, len(table) - 1)
        sizes[at] = table[pos]
    fits = (sizes >= length * MIN_LENGTH_RATIO) & (sizes <= length / MIN_LENGTH_RATIO)
    ids, counts, sizes = ids[fits], counts[fits], sizes[fits]
    order = np.lexsort((ids, np.abs(sizes - length), -counts))[:limit]
    return [int(u) for u in ids[order]]


DENSE_UNITS = 1 << 16
"""Units of a file below which top_units counts its postings' positions in one array
of a counter per unit (np.bincount), not by merging and probing the lists, and from
DENSE_IDS positions on, not in a dict either (20,000 units: about 0.5x the CPU)."""
DENSE_IDS = 64
DENSE_MIN_UNITS = 2_048
"""Units of a file below which its postings are counted in a dict whatever their total
(a termbase: at most a few thousand positions, and numpy's import costs about 0.1 s)."""
SORT_FROM = 4_000
"""Positions from which a dense count uses a counter per unit of the file (np.bincount);
fewer are sorted and counted in runs, which touches no counter per unit (callgrind, the
2,000 segments of the 20,000-unit benchmark: 0.4x the instructions of a bincount on the
segments that probe 64-1,500 positions)."""
PYTHON_TAIL = 256
"""Units found (at least `need` shared words) up to which a dense count ranks them in
Python: most calls find a handful, for which a dozen numpy calls cost more."""


def _dense_file(postings: Sequence[Posting], lengths: dict[int, array[int]]) -> int | None:
    """The file of `postings` when they have one, of DENSE_MIN_UNITS to DENSE_UNITS
    units (a smaller one is counted in a dict: numpy is not loaded for it)."""
    files = {file_id for p in postings for file_id, _ in p.parts}
    if len(files) != 1 or max(ids[-1] for p in postings for _, ids in p.parts) >= DENSE_UNITS:
        return None
    file_id = files.pop()
    return file_id if len(lengths.get(file_id, _NO_LENGTHS)) >= DENSE_MIN_UNITS else None


def _top_dense(postings: Sequence[Posting], need: int, limit: int, length: int,
               lengths: dict[int, array[int]], file_id: int) -> list[int]:
    """top_units of postings of one small file: their positions counted (sorted, or a
    counter per unit)."""
    import numpy as np

    every = np.frombuffer(b"".join([ids for p in postings for _, ids in p.parts]),
                          dtype=np.uint32)  # one copy, not a view and a copy per posting
    ids: Any
    counts: Any
    if len(every) < SORT_FROM:
        ordered = np.sort(every)
        edge = np.empty(len(ordered) + 1, dtype=bool)
        edge[0] = edge[-1] = True
        np.not_equal(ordered[1:], ordered[:-1], out=edge[1:-1])
        bounds = np.flatnonzero(edge)  # where each run of equal positions starts, and the end
        counts = bounds[1:] - bounds[:-1]
        keep = counts >= need
        ids, counts = ordered[bounds[:-1][keep]], counts[keep]
    else:
        counts = np.bincount(every)
        ids = np.flatnonzero(counts >= need)
        counts = counts[ids]
    if len(ids) > PYTHON_TAIL:
        return _ranked(ids, counts, limit, length, lengths, file_id)
    lens = lengths.get(file_id, _NO_LENGTHS)
    last = len(lens) - 1
    low, high = length * MIN_LENGTH_RATIO, length / MIN_LENGTH_RATIO
    found = []
    for pos, n in zip(ids.tolist(), counts.tolist(), strict=True):
        size = length if last < 0 else lens[min(pos, last)]  # as _ranked reads it
        if low <= size <= high:
            found.append((-n, abs(size - length), pos))
    found.sort()
    base = file_id << 32
    return [base | pos for _, _, pos in found[:limit]]


def _top_one_file(lists: Sequence[Posting], g: int, need: int, limit: int, length: int,
                  lengths: dict[int, array[int]], file_id: int) -> list[int]:
    """_top_numpy where every posting is of one file: its uint32 positions are counted
    (a small file) or merged and probed (a big one) as they are (no unit ids widened to
    int64), in the same order."""
    import numpy as np

    if max(int(ids[-1]) for p in lists for _, ids in p.parts) < DENSE_UNITS:
        return _top_dense(lists, need, limit, length, lengths, file_id)
    ids, counts = _runs(np.sort(np.concatenate([p.positions() for p in lists[:g]])))
    for p in lists[g:]:
        counts += p.contains_positions(ids)
    keep = counts >= need
    return _ranked(ids[keep], counts[keep], limit, length, lengths, file_id)


def _ranked(ids: Any, counts: Any, limit: int, length: int,
            lengths: dict[int, array[int]], file_id: int) -> list[int]:
    """Units of one file (`ids`, numpy positions, with the postings each is in) of a
    length that may match, most shared words first, then closest in length, then by
    position."""
    import numpy as np

    lens = lengths.get(file_id)
    if lens is None or not len(lens):
        sizes = np.full(len(ids), length, dtype=np.int64)
    else:
        table = np.frombuffer(lens, dtype=np.uint16)
        sizes = table[np.minimum(ids, len(table) - 1)].astype(np.int64)
    fits = (sizes >= length * MIN_LENGTH_RATIO) & (sizes <= length / MIN_LENGTH_RATIO)
    ids, counts, sizes = ids[fits], counts[fits], sizes[fits]
    order = np.lexsort((ids, np.abs(sizes - length), -counts))[:limit]
    base = file_id << 32
    return [base | pos for pos in ids[order].tolist()]
