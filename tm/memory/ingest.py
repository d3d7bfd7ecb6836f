"""Putting one memory file into the index: its rows, and per source language its word
postings, text lengths and exact-match hashes (`Words`).

Serial: the rows are stored and the postings built in one pass over the units.
Parallel (big files, or forced): a child process is forked, with no thread running in
this process (none is ever started here), and builds the word postings from the chunks
of (positions, texts) this process sends it while it reads the file, stores the rows and
takes the texts' lengths and exact-match hashes (the chunks are those the serial pass
feeds to `Words`, so the result is the serial one; the equality is tested on generated
input with the parallel path forced, `TM_INDEX_PARALLEL=1` or `parallel=True`). The first
chunks are small, so that the child starts early.
"""

from __future__ import annotations

import os
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, Protocol

from tm.errors import TmError
from tm.memory import tmxfast
from tm.memory.blocks import BLOCK_BITS, OFFSET, SEPARATED, decode, encode, nul_joined
from tm.memory.forked import Forked, fork_safe
from tm.memory.formats import MemoryUnit, read_memory
from tm.memory.indexdb import LANG_BITS, lang_numbers, numbers_to_give, unit_range
from tm.memory.match import key_hashes
from tm.memory.postings import LENGTHS, build_postings, to_blob
from tm.memory.sources import file_digest
from tm.memory.tmx import read_tmx_tree
from tm.memory.tmxfast import Pair

HEAD = (SEPARATED,)
"""What a block's heads start with (`encode` sets it)."""
BUILD_CHUNK = 50_000
"""Texts tokenized at a time when building postings."""
FIRST_SENT = 2_000
"""Texts of the first chunk sent to the child; each next one is twice as big, up to
`BUILD_CHUNK` (the child works from the first while this process reads on)."""
PARALLEL_BYTES = 32 << 20
"""File size from which a forked child builds the postings while this process reads and
stores the file (on systems with fork and more than one core)."""
SMALL_SORT = 20_000
"""Texts up to which `Words.exact` sorts their hashes in Python rather than numpy."""
PARALLEL_ENV = "TM_INDEX_PARALLEL"
"""`1` forces the parallel path on (even on one core, for tests), `0` off."""


class Words:
    """One file's postings, text lengths and exact-match hashes in one language, built
    from chunks of (positions, texts) in ascending position order."""

    def __init__(self) -> None:
        self.lists: dict[str, array[int]] = {}
        self.sizes = array("H")
        self.hashes = array("I")
        self.positions = array("I")

    def feed(self, positions: list[int], texts: list[str]) -> None:
        self.feed_words(positions, texts)
        self.feed_keys(positions, texts)

    def feed_words(self, positions: list[int], texts: list[str]) -> None:
        """The texts' word postings (what a forked child builds while the parent reads)."""
        if not positions:
            return
        for tok, ids in build_postings(texts, positions).items():
            have = self.lists.get(tok)
            if have is None:
                self.lists[tok] = ids
            else:
                have.extend(ids)

    def feed_keys(self, positions: list[int], texts: list[str]) -> None:
        """The texts' lengths and exact-match hashes (the parent's part when a child
        builds the postings: the child's work is the longer)."""
        if not positions:
            return
        sizes = self.sizes
        sizes.frombytes(bytes(2 * (positions[-1] + 1 - len(sizes))))
        lengths = array("H", map(min, map(len, texts), repeat(0xFFFF)))
        if positions[-1] - positions[0] + 1 == len(positions):  # no unit without `lang`
            sizes[positions[0]:positions[-1] + 1] = lengths
        else:
            for pos, size in zip(positions, lengths, strict=True):
                sizes[pos] = size
        self.hashes.extend(key_hashes(texts))
        self.positions.extend(positions)

    def take_keys(self, other: Words) -> None:
        """Lengths and hashes from `other` (which was fed the same texts' keys)."""
        self.sizes, self.hashes, self.positions = other.sizes, other.hashes, other.positions

    def postings(self) -> Iterator[tuple[str, array[int]]]:
        yield from self.lists.items()
        yield LENGTHS, self.sizes

    def exact(self) -> tuple[array[int], array[int]]:
        """The hashes in ascending order and the unit position of each (ties in the
        order fed: a stable sort)."""
        if len(self.hashes) < SMALL_SORT:  # a termbase: numpy is not loaded for it
            ranked = sorted(range(len(self.hashes)), key=self.hashes.__getitem__)
            return (array("I", map(self.hashes.__getitem__, ranked)),
                    array("I", map(self.positions.__getitem__, ranked)))
        import numpy as np

        hashes = np.frombuffer(self.hashes, dtype=np.uint32)
        positions = np.frombuffer(self.positions, dtype=np.uint32)
        if len(positions) > 1 and not bool(np.all(positions[1:] > positions[:-1])):
            order = np.argsort(hashes, kind="stable")
            return (array("I", hashes[order].tobytes()),
                    array("I", positions[order].tobytes()))
        # (hash, position) as one number, sorted: the stable order (ties by position),
        # about 4x quicker than a stable argsort of a million hashes
        keys = (hashes.astype(np.uint64) << np.uint64(32)) | positions
        keys.sort()
        return (array("I", (keys >> np.uint64(32)).astype(np.uint32).tobytes()),
                array("I", keys.astype(np.uint32).tobytes()))


class Units(Protocol):
    """The units of one file, walked once."""

    @property
    def digest(self) -> str | None:
        """`file_digest` of what was read, once walked (None: not known)."""

    @property
    def extent(self) -> int:
        """Length of the text the `Pair`s' offsets are in (0: not known)."""

    def units(self) -> Iterable[MemoryUnit | Pair]: ...

    def close(self) -> None: ...


class Listed:
    """Units given in memory (`SqliteIndex.add_units`)."""

    digest = None
    extent = 0

    def __init__(self, units: Iterable[MemoryUnit]) -> None:
        self._units = units

    def units(self) -> Iterable[MemoryUnit]:
        return self._units

    def close(self) -> None:
        pass


class MemoryFile:
    """A memory file: a plain TMX is read into memory (and its check begun) when this is
    made, and hashed from those bytes; other files are hashed first, then read as they
    are walked (a file replaced meanwhile is then seen as changed by the next run, not
    recorded with the digest of a content that was not indexed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.prepared = tmxfast.prepare(path) if path.suffix.lower() == ".tmx" else None
        self._digest: str | None = None
        if self.prepared is None:
            try:
                self._digest = file_digest(path)
            except OSError:
                pass  # the read that follows says what is wrong

    @property
    def digest(self) -> str | None:
        return self.prepared.digest if self.prepared is not None else self._digest

    @property
    def extent(self) -> int:
        return len(self.prepared.text) if self.prepared is not None else 0

    def units(self) -> Iterable[MemoryUnit | Pair]:
        if self.prepared is not None:
            return self.prepared.pairs()
        if self.path.suffix.lower() == ".tmx":
            return read_tmx_tree(self.path)
        return read_memory(self.path)

    def close(self) -> None:
        if self.prepared is not None:
            self.prepared.close()


def store_words(db: sqlite3.Connection, lang: str, file_id: int, built: Words) -> None:
    db.executemany(  # in key order: appended to the table's B-tree, not spread over it
        "INSERT INTO postings VALUES (?, ?, ?, ?, ?)",
        ((lang, tok, file_id, len(ids), to_blob(ids))
         for tok, ids in sorted(built.postings(), key=_first)))
    hashes, ids = built.exact()
    db.execute("INSERT INTO exacts VALUES (?, ?, ?, ?)",
               (lang, file_id, to_blob(hashes), to_blob(ids)))
    db.execute("INSERT INTO posted VALUES (?, ?)", (file_id, lang))


def _first(item: tuple[str, array[int]]) -> str:
    return item[0]


class Rows:
    """The `blocks` rows of one file's units, numbered by position (uncertain termbase
    entries keep their number but are left out: never filled), feeding the postings of
    `langs` on the way: here, or through `send` to a child that builds them. A text's
    language is stored as its number in `numbers` (a language not in it yet is given
    the first number free); `used` gathers the languages the file has."""

    def __init__(self, base: int, langs: Iterable[str],
                 send: Callable[[str, list[int], list[str]], None] | None = None,
                 extent: int = 0, numbers: dict[str, int] | None = None) -> None:
        self.base, self.extent = base, extent
        self.numbers = {} if numbers is None else numbers
        self.used: set[str] = set()
        self.units = self.skipped = 0
        self.words = {lang: Words() for lang in langs}
        self._send = send
        self._pending: dict[str, tuple[list[int], list[str]]] = {
            lang: ([], []) for lang in self.words}
        self._chunk = min(FIRST_SENT, BUILD_CHUNK) if send is not None else BUILD_CHUNK

    def rows(self, units: Iterable[MemoryUnit | Pair]) -> Iterator[tuple[int, bytes, str]]:
        pending = self._pending
        numbers = self.numbers
        used = self.used
        first = self.base >> BLOCK_BITS
        heads: array[int] = array("I", HEAD)
        texts: list[str] = []
        block = 0
        pair: tuple[str, str] | None = None
        pos = -1
        for pos, unit in enumerate(units):
            if pos >> BLOCK_BITS != block:
                if texts:
                    yield first + block, *encode(heads, texts)
                    heads, texts = array("I", HEAD), []
                block = pos >> BLOCK_BITS
            if type(unit) is tuple:  # a plain TMX unit (tmxfast.Pair): 2 us less each
                lang, text, lang2, text2, start, aligned_pair = unit
                number = numbers.get(lang)
                if number is None:
                    number = self._number(lang)
                number2 = numbers.get(lang2)
                if number2 is None:
                    number2 = self._number(lang2)
                if pair != (lang, lang2):
                    pair = lang, lang2
                    used.update(pair)
                heads.extend((pos & OFFSET, aligned_pair, 2, number, len(text), number2,
                              len(text2)))
                texts.append(text)
                texts.append(text2)
                todo = pending.get(lang)
                if todo is not None:
                    todo[0].append(pos)
                    todo[1].append(text)
                    if len(todo[0]) >= self._chunk:
                        self._flush(lang, pos, start)
                todo = pending.get(lang2)
                if todo is not None:
                    todo[0].append(pos)
                    todo[1].append(text2)
                    if len(todo[0]) >= self._chunk:
                        self._flush(lang2, pos, start)
                continue
            assert isinstance(unit, MemoryUnit)
            self._unit(pos, unit, heads, texts)
        if texts:
            yield first + block, *encode(heads, texts)
        self.units = pos + 1 - self.skipped
        for lang in pending:
            self._flush(lang)

    def _unit(self, pos: int, unit: MemoryUnit, heads: array[int], texts: list[str]) -> None:
        """Add a unit that is not a `Pair` to the block (`heads`, `texts`)."""
        if unit.uncertain:
            self.skipped += 1
            return
        if not unit.texts:
            return  # no text: nothing to store
        numbers, pending = self.numbers, self._pending
        heads.extend((pos & OFFSET, unit.aligned, len(unit.texts)))
        for lang, text in unit.texts.items():
            number = numbers.get(lang)
            if number is None:
                number = self._number(lang)
            self.used.add(lang)
            heads.append(number)
            heads.append(len(text))
            texts.append(text)
            todo = pending.get(lang)
            if todo is not None:
                todo[0].append(pos)
                todo[1].append(text)
                if len(todo[0]) >= self._chunk:
                    self._flush(lang)

    def _number(self, lang: str) -> int:
        """A number for a language the index has no number for yet: the first free."""
        taken = set(self.numbers.values())
        number = next(n for n in range(len(taken) + 1) if n not in taken)
        if number >= 1 << LANG_BITS:
            raise TmError(f"more than {1 << LANG_BITS} languages in one memory index",
                          None, None, "keep fewer languages in the project's memory files")
        self.numbers[lang] = number
        return number

    def _flush(self, lang: str, pos: int = 0, start: int = 0) -> None:
        """Feed or send `lang`'s pending texts; `pos` is the unit just read, at offset
        `start` of the text (then the chunks sent shrink near its end, to a quarter of
        the units likely left: the child's last chunk is done soon after the parent's
        last row, not a 50,000-text chunk later)."""
        todo = self._pending[lang]
        self._pending[lang] = ([], [])
        if self._send is None:
            self.words[lang].feed(*todo)
        elif todo[0]:
            self.words[lang].feed_keys(*todo)
            self._send(lang, *todo)
            self._chunk = min(2 * self._chunk, BUILD_CHUNK)
            if 0 < start < self.extent:
                left = (self.extent - start) * (pos + 1) // start
                self._chunk = max(FIRST_SENT, min(self._chunk, left // 4))


@dataclass(slots=True)
class Ingested:
    """What putting one file into the index gave."""

    units: int
    skipped: int
    words: dict[str, Words]
    """Per source language the postings built (empty where none were: built later)."""
    forked: bool = False
    digest: str | None = None
    """`file_digest` of the bytes read, where the reader knows it."""


def parallel_wanted(size: int, langs: frozenset[str], forced: bool | None) -> bool:
    """Whether a child builds the postings: forced by the caller or `TM_INDEX_PARALLEL`,
    else for big files on a machine with a second core; never without fork or while
    another thread runs (a fork copies no thread, and none of their locks' owners)."""
    if not langs or not fork_safe():
        return False
    env = os.environ.get(PARALLEL_ENV, "")
    if forced is None and env in ("0", "1"):
        forced = env == "1"
    if forced is not None:
        return forced
    return size >= PARALLEL_BYTES and (os.cpu_count() or 1) >= 2


def ingest(db: sqlite3.Connection, file_id: int, source: Units, langs: frozenset[str],
           parallel: bool) -> Ingested:
    """Store `source`'s units as file `file_id`'s rows and build their postings in
    `langs` (in a forked child when `parallel`)."""
    child = _Child.start(_build_sent, langs, duplex=True) if parallel else None
    numbers = numbers_to_give(db)
    known = set(numbers)
    rows = Rows(unit_range(file_id)[0], langs, child.send if child is not None else None,
                source.extent, numbers)
    try:
        db.executemany("INSERT INTO blocks VALUES (?, ?, ?)", rows.rows(source.units()))
        db.executemany("INSERT INTO langs VALUES (?, ?)",
                       [(code, n) for code, n in numbers.items() if code not in known])
        db.executemany("INSERT INTO file_langs VALUES (?, ?)",
                       [(file_id, code) for code in sorted(rows.used)])
    except BaseException:
        if child is not None:
            child.stop()
        raise
    finally:
        source.close()
    if child is None:
        return Ingested(rows.units, rows.skipped, rows.words, digest=source.digest)
    built = child.result()
    if built is None:  # child failed: built from the rows
        return Ingested(rows.units, rows.skipped, {}, digest=source.digest)
    for lang, words in built.items():
        words.take_keys(rows.words[lang])
    return Ingested(rows.units, rows.skipped, built, forked=True, digest=source.digest)


class _Child(Forked):
    """A forked process that builds postings from the chunks it is sent."""

    lost = False
    """A chunk could not be sent (the child ended): its postings are incomplete."""

    def send(self, lang: str, positions: list[int], texts: list[str]) -> None:
        """The texts go as one string where none has a NUL in it (no XML text can): one
        string is pickled and unpickled in a few milliseconds, 50,000 in about 40."""
        if not self.lost:
            joined = nul_joined(texts)
            try:
                self.conn.send((lang, positions, texts if joined is None else joined))
            except (OSError, ValueError):
                self.lost = True

    def result(self) -> dict[str, Words] | None:
        """What the child built; None if it failed (the caller builds it then)."""
        got: dict[str, Words] | None = None
        if not self.lost:
            try:
                self.conn.send(None)
                got = self.conn.recv()
            except (OSError, EOFError, ValueError):
                got = None
        self.stop(grace=5)
        return got


def _build_sent(langs: frozenset[str], conn: Any, parent_end: Any) -> None:
    """The child: `Words.feed_words` of every chunk sent, the built postings sent back at
    the end (the parent feeds the lengths and hashes). Any failure ends it quietly: the
    parent finds its end gone and builds the postings itself."""
    parent_end.close()
    words = {lang: Words() for lang in langs}
    try:
        while (chunk := conn.recv()) is not None:
            lang, positions, texts = chunk
            words[lang].feed_words(positions,
                                   texts.split("\0") if isinstance(texts, str) else texts)
        conn.send(words)
    except Exception:
        pass


def build_from_rows(db: sqlite3.Connection, file_id: int, lang: str) -> Words:
    """The postings of a stored file in `lang` (a language no sync built them for)."""
    lo, hi = unit_range(file_id)
    number = lang_numbers(db).get(lang)
    built = Words()
    if number is None:
        return built
    cur = db.execute("SELECT key, heads, texts FROM blocks WHERE key >= ? AND key < ? "
                     "ORDER BY key", (lo >> BLOCK_BITS, hi >> BLOCK_BITS))
    positions: list[int] = []
    texts: list[str] = []
    for key, heads, joined in cur:
        at = (key << BLOCK_BITS) - lo
        for offset, _, variants in decode(heads, joined):
            for n, text in variants:
                if n == number:
                    positions.append(at + offset)
                    texts.append(text)
        if len(positions) >= BUILD_CHUNK:  # bounded memory on big files
            built.feed(positions, texts)
            positions, texts = [], []
    built.feed(positions, texts)
    return built


def file_path(path: Path) -> str:
    """How the index keys a file."""
    return str(path.resolve())
