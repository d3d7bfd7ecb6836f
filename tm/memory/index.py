"""The lookup index over the memory files: SQLite under <project>/.tm/.

The files under memory/ are the memory of record; this index is a cache of them,
refreshed file by file when a file's size, mtime and content hash say it changed.
It answers two questions, both in batches: which units have exactly this text
(`exact`), and which units share enough rare words with this text to be worth
scoring (`candidates`). A PostgreSQL implementation (memory_url) keeps the same
tables and the same MemoryIndex interface.

Unit ids are `file_id << 32 | position`, so a file's units are one key range and a
changed file is replaced without touching the others. Word postings are built per
file and language the first time a lookup needs that language as its source.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tm.errors import TmError
from tm.memory.formats import MemoryUnit, read_memory
from tm.memory.match import Candidate, exact_key, key_hash, normalize, tokens
from tm.memory.postings import (
    LENGTHS,
    Posting,
    build_postings,
    from_blob,
    to_blob,
    top_units,
)

SCHEMA_VERSION = "2"
PROBES = 8
"""Rarest words of a segment whose posting lists are read."""
CANDIDATES = 48
"""Units scored per segment at most (those sharing the most probe words)."""
BUILD_CHUNK = 50_000
"""Texts tokenized at a time when building postings."""
CHUNK = 900
"""Bound parameters per SQL statement (SQLite's limit is 999 on old builds)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, origin TEXT NOT NULL,
    size INTEGER, mtime_ns INTEGER, digest TEXT, units INTEGER, skipped INTEGER);
CREATE TABLE IF NOT EXISTS variants(
    unit_id INTEGER NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL, khash INTEGER NOT NULL,
    PRIMARY KEY(unit_id, lang)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS posted(file_id INTEGER, lang TEXT, PRIMARY KEY(file_id, lang))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS postings(
    lang TEXT NOT NULL, token TEXT NOT NULL, file_id INTEGER NOT NULL, df INTEGER NOT NULL,
    ids BLOB NOT NULL, PRIMARY KEY(lang, token, file_id)) WITHOUT ROWID;
"""


EXACT_INDEX = "CREATE INDEX IF NOT EXISTS variants_exact ON variants(lang, khash)"
BULK_BYTES = 16 << 20
"""Memory files (bytes) to read in one sync above which the exact index is rebuilt."""


@dataclass(frozen=True, slots=True)
class MemorySource:
    """A file the index covers and the name matches report as its origin."""

    path: Path
    origin: str


@dataclass(slots=True)
class SyncReport:
    """What a refresh of the index did."""

    indexed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    units: int = 0


class MemoryIndex(Protocol):
    """What the advisor, search and export need from an index (SQLite or PostgreSQL)."""

    def sync(self, sources: Sequence[MemorySource]) -> SyncReport: ...

    def add_units(self, source: MemorySource, units: Iterable[MemoryUnit]) -> int: ...

    def exact(self, texts: Sequence[str], source_lang: str,
              target_lang: str) -> dict[str, list[Candidate]]: ...

    def candidates(self, texts: Sequence[str], source_lang: str, target_lang: str,
                   limit: int = CANDIDATES) -> list[list[Candidate]]: ...

    def units(self) -> Iterator[MemoryUnit]: ...

    def close(self) -> None: ...


def file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _chunks(items: Sequence[Any], n: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield list(items[i:i + n])


class SqliteIndex:
    """The default index: one SQLite file, safe to delete (it is rebuilt from memory/)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._open()
        except sqlite3.DatabaseError:  # a damaged cache: start again
            path.unlink(missing_ok=True)
            self.db = self._open()
        self._origins: dict[int, str] | None = None
        self._length_cache: dict[str, dict[int, array[int]]] = {}

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA synchronous=OFF")  # a cache: damage means a rebuild, not a loss
        db.execute("PRAGMA cache_size=-65536")
        row = None
        try:
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError:
            pass
        if row is None or row[0] != SCHEMA_VERSION:
            for table in ("meta", "files", "variants", "posted", "postings"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.executescript(SCHEMA)
            db.execute(EXACT_INDEX)
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        return db

    def close(self) -> None:
        self.db.close()

    # --- keeping up with the files ------------------------------------------------------

    def sync(self, sources: Sequence[MemorySource]) -> SyncReport:
        """Re-read the files whose size/mtime changed and whose content hash differs."""
        report = SyncReport()
        known = {row[1]: row for row in self.db.execute(
            "SELECT id, path, origin, size, mtime_ns, digest FROM files")}
        todo: list[tuple[MemorySource, str, int, int]] = []
        touch: list[tuple[int, int, str, int]] = []
        wanted = set()
        for src in sources:
            key = str(src.path.resolve())
            wanted.add(key)
            try:
                st = src.path.stat()
            except OSError as e:
                raise TmError(f"cannot read memory file: {e.strerror}", src.path, 1) from None
            row = known.get(key)
            if row and (row[3], row[4], row[2]) == (st.st_size, st.st_mtime_ns, src.origin):
                report.unchanged += 1
                continue
            digest = file_digest(src.path)
            if row and row[5] == digest and row[2] == src.origin:
                touch.append((st.st_size, st.st_mtime_ns, digest, row[0]))
                report.unchanged += 1
                continue
            todo.append((src, digest, st.st_size, st.st_mtime_ns))
        gone = [row for key, row in known.items() if key not in wanted]
        if not (todo or touch or gone):
            return report
        bulk = sum(size for _, _, size, _ in todo) > BULK_BYTES
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if bulk:  # one sorted build beats millions of random B-tree inserts
                self.db.execute("DROP INDEX IF EXISTS variants_exact")
            self.db.executemany("UPDATE files SET size=?, mtime_ns=?, digest=? WHERE id=?", touch)
            for row in gone:
                self._drop_file(row[0])
                report.removed.append(row[2])
            for src, digest, size, mtime in todo:
                old = known.get(str(src.path.resolve()))
                if old:
                    self._drop_file(old[0])
                n = self.add_units(src, read_memory(src.path), (size, mtime, digest))
                report.indexed.append(src.origin)
                report.units += n
            if bulk:
                self.db.execute(EXACT_INDEX)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self._origins = None
        self._length_cache.clear()
        return report

    def _drop_file(self, file_id: int) -> None:
        lo, hi = file_id << 32, (file_id + 1) << 32
        self.db.execute("DELETE FROM variants WHERE unit_id >= ? AND unit_id < ?", (lo, hi))
        self.db.execute("DELETE FROM postings WHERE file_id = ?", (file_id,))
        self.db.execute("DELETE FROM posted WHERE file_id = ?", (file_id,))
        self.db.execute("DELETE FROM files WHERE id = ?", (file_id,))

    def add_units(self, source: MemorySource, units: Iterable[MemoryUnit],
                  stat: tuple[int, int, str] = (0, 0, "")) -> int:
        """Index one file's units (uncertain termbase entries are left out: never filled)."""
        file_id = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM files").fetchone()[0]
        base = file_id << 32
        counts = [0, 0]

        def rows() -> Iterator[tuple[int, str, str, int]]:
            for pos, unit in enumerate(units):
                if unit.uncertain:
                    counts[1] += 1
                    continue
                counts[0] += 1
                for lang, text in unit.texts.items():
                    yield base + pos, lang, text, key_hash(text)

        self.db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
                        (file_id, str(source.path.resolve()), source.origin, *stat))
        self.db.executemany("INSERT OR IGNORE INTO variants VALUES (?, ?, ?, ?)", rows())
        self.db.execute("UPDATE files SET units=?, skipped=? WHERE id=?", (*counts, file_id))
        return counts[0]

    def _build_postings(self, lang: str) -> None:
        """Word -> unit positions for every file not yet posted in `lang`."""
        missing = [r[0] for r in self.db.execute(
            "SELECT id FROM files WHERE id NOT IN (SELECT file_id FROM posted WHERE lang=?)",
            (lang,))]
        if not missing:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for file_id in missing:
                lo, hi = file_id << 32, (file_id + 1) << 32
                cur = self.db.execute(
                    "SELECT unit_id, text FROM variants WHERE unit_id >= ? AND unit_id < ? "
                    "AND +lang = ? ORDER BY unit_id", (lo, hi, lang))  # +: walk the key range
                lists: dict[str, array[int]] = {}
                sizes = array("H")
                while rows := cur.fetchmany(BUILD_CHUNK):  # bounded memory on big files
                    texts, positions = [t for _, t in rows], [u - lo for u, _ in rows]
                    part = build_postings(texts, positions)
                    sizes.frombytes(bytes(2 * (positions[-1] + 1 - len(sizes))))
                    for pos, text in zip(positions, texts, strict=True):
                        sizes[pos] = min(len(text), 0xFFFF)
                    for tok, ids in part.items():
                        have = lists.get(tok)
                        if have is None:
                            lists[tok] = ids
                        else:
                            have.extend(ids)
                lists[LENGTHS] = sizes
                self.db.executemany(
                    "INSERT INTO postings VALUES (?, ?, ?, ?, ?)",
                    ((lang, tok, file_id, len(ids), to_blob(ids)) for tok, ids in lists.items()))
                self.db.execute("INSERT INTO posted VALUES (?, ?)", (file_id, lang))
            self.db.execute("COMMIT")
            self._length_cache.pop(lang, None)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # --- lookups ------------------------------------------------------------------------

    def origins(self) -> dict[int, str]:
        if self._origins is None:
            self._origins = dict(self.db.execute("SELECT id, origin FROM files"))
        return self._origins

    def _candidate(self, uid: int, source: str, target: str) -> Candidate:
        return Candidate(uid, source, target, self.origins().get(uid >> 32, "?"))

    def exact(self, texts: Sequence[str], source_lang: str,
              target_lang: str) -> dict[str, list[Candidate]]:
        """Units whose source text equals each text (up to spacing), in file order."""
        by_hash: dict[int, list[str]] = {}
        for t in texts:
            by_hash.setdefault(key_hash(t), []).append(t)
        out: dict[str, list[Candidate]] = {}
        hashes = sorted(by_hash)
        for chunk in _chunks(hashes):
            sql = ("SELECT s.khash, s.unit_id, s.text, t.text FROM variants s JOIN variants t "
                   "ON t.unit_id = s.unit_id AND t.lang = ? WHERE s.lang = ? AND s.khash IN "
                   f"({','.join('?' * len(chunk))}) ORDER BY s.unit_id")
            for h, uid, src, tgt in self.db.execute(sql, (target_lang, source_lang, *chunk)):
                key = exact_key(src)
                for t in by_hash[h]:
                    if exact_key(t) == key:
                        out.setdefault(t, []).append(self._candidate(uid, src, tgt))
        return out

    def candidates(self, texts: Sequence[str], source_lang: str, target_lang: str,
                   limit: int = CANDIDATES) -> list[list[Candidate]]:
        """For each text, the units sharing the most of its rarest words (at most `limit`)."""
        self._build_postings(source_lang)
        words = [tokens(normalize(t)) for t in texts]
        vocab = sorted(set().union(*words)) if words else []
        df: dict[str, int] = {}
        for chunk in _chunks(vocab):
            df.update(self.db.execute(
                "SELECT token, sum(df) FROM postings WHERE lang = ? AND token IN "
                f"({','.join('?' * len(chunk))}) GROUP BY token", (source_lang, *chunk)))
        probes = [sorted((w for w in ws if w in df), key=lambda w: (df[w], w))[:PROBES]
                  for ws in words]
        lists = self._postings(source_lang, sorted(set().union(*probes)) if probes else [])
        lengths = self._lengths(source_lang)
        chosen: list[list[int]] = []
        for text, ps in zip(texts, probes, strict=True):
            need = max(1, math.ceil(len(ps) / 2))
            chosen.append(top_units([lists[p] for p in ps], need, limit, len(text), lengths)
                          if ps else [])
        rows = self._rows(sorted(set().union(*chosen)) if chosen else [], source_lang,
                          target_lang)
        return [[rows[u] for u in ids if u in rows] for ids in chosen]

    def _lengths(self, lang: str) -> dict[int, array[int]]:
        """Per file, the text length of each unit in `lang` (for the length filter)."""
        if lang not in self._length_cache:
            self._length_cache[lang] = {
                file_id: from_blob(blob, "H") for file_id, blob in self.db.execute(
                    "SELECT file_id, ids FROM postings WHERE lang = ? AND token = ?",
                    (lang, LENGTHS))}
        return self._length_cache[lang]

    def _postings(self, lang: str, words: Sequence[str]) -> dict[str, Posting]:
        out: dict[str, Posting] = {}
        for chunk in _chunks(words):
            for tok, file_id, blob in self.db.execute(
                    "SELECT token, file_id, ids FROM postings WHERE lang = ? AND token IN "
                    f"({','.join('?' * len(chunk))})", (lang, *chunk)):
                out.setdefault(tok, Posting()).add(file_id, from_blob(blob))
        return out

    def _rows(self, ids: Sequence[int], source_lang: str,
              target_lang: str) -> dict[int, Candidate]:
        out = {}
        for chunk in _chunks(ids):
            sql = ("SELECT s.unit_id, s.text, t.text FROM variants s JOIN variants t "
                   "ON t.unit_id = s.unit_id AND t.lang = ? WHERE s.lang = ? AND s.unit_id IN "
                   f"({','.join('?' * len(chunk))})")
            for uid, src, tgt in self.db.execute(sql, (target_lang, source_lang, *chunk)):
                out[uid] = self._candidate(uid, src, tgt)
        return out

    def units(self) -> Iterator[MemoryUnit]:
        """Every indexed unit in file order, with its origin in `extra["origin"]`."""
        current: MemoryUnit | None = None
        current_id = -1
        for uid, lang, text in self.db.execute(
                "SELECT unit_id, lang, text FROM variants ORDER BY unit_id"):
            if uid != current_id:
                if current is not None:
                    yield current
                current = MemoryUnit({}, extra={"origin": self.origins().get(uid >> 32, "")})
                current_id = uid
            current.texts[lang] = text  # type: ignore[union-attr]
        if current is not None:
            yield current

    def languages(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT DISTINCT lang FROM variants")}
