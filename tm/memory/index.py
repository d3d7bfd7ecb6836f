"""The lookup index over the memory files: SQLite under <project>/.tm/.

The files under memory/ are the memory of record; this index is a cache of them,
refreshed file by file when a file's size, mtime and content hash say it changed.
It answers two questions, both in batches: which units have exactly this text
(`exact`), and which units share enough rare words with this text to be worth
scoring (`candidates`). A PostgreSQL implementation (memory_url) keeps the same
tables and the same MemoryIndex interface.

Unit ids are `file_id << 32 | position`, so a file's units are one key range and a
changed file is replaced without touching the others. Word postings, text lengths
and exact-match hashes (a sorted array per file and language, not an SQL index) are
built per file and language while the file is read for the languages the index was
told to expect as sources, else the first time a lookup needs that language.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import queue
import sqlite3
import threading
from array import array
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeAlias

from tm.errors import TmError
from tm.memory.damage import busy_or_other, damaged, guarded, notice, remove_index, rollback
from tm.memory.formats import MemoryUnit, read_memory
from tm.memory.match import Candidate, exact_key, key_hash, key_hashes, normalize, tokens
from tm.memory.postings import (
    LENGTHS,
    Posting,
    build_postings,
    from_blob,
    to_blob,
    top_units,
)

SCHEMA_VERSION = "3"
PROBES = 8
"""Rarest words of a segment whose posting lists are read."""
CANDIDATES = 48
"""Units scored per segment at most (those sharing the most probe words)."""
BUILD_CHUNK = 50_000
"""Texts tokenized at a time when building postings."""
PARALLEL_BYTES = 32 << 20
"""File size from which a second process builds the postings while this one reads and
stores the file (on systems with fork and more than one core)."""
BUSY_TIMEOUT = 60.0
"""Seconds a writer waits for another writer's transaction (the project lock keeps two
tms from writing at once; this covers the moments outside it)."""
CHUNK = 900
"""Bound parameters per SQL statement (SQLite's limit is 999 on old builds)."""
KEEP_UNITS = 200_000
"""Units up to which postings built by a sync are kept for this process's lookups (a
cold run then reads no postings back from SQLite); bigger memories read them back."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, origin TEXT NOT NULL,
    size INTEGER, mtime_ns INTEGER, digest TEXT, units INTEGER, skipped INTEGER);
CREATE TABLE IF NOT EXISTS variants(
    unit_id INTEGER NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY(unit_id, lang)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS posted(file_id INTEGER, lang TEXT, PRIMARY KEY(file_id, lang))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS postings(
    lang TEXT NOT NULL, token TEXT NOT NULL, file_id INTEGER NOT NULL, df INTEGER NOT NULL,
    ids BLOB NOT NULL, PRIMARY KEY(lang, token, file_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS exacts(
    lang TEXT NOT NULL, file_id INTEGER NOT NULL, hashes BLOB NOT NULL, ids BLOB NOT NULL,
    PRIMARY KEY(lang, file_id)) WITHOUT ROWID;
"""


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
        for block in iter(lambda: f.read(4 << 20), b""):  # hashlib and read release the GIL
            h.update(block)
    return h.hexdigest()


def _chunks(items: Sequence[Any], n: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield list(items[i:i + n])


class SqliteIndex:
    """The default index: one SQLite file, safe to delete (it is rebuilt from memory/)."""

    def __init__(self, path: Path, languages: Iterable[str] = ()) -> None:
        """`languages`: the source languages lookups are expected in (their postings
        are built while a file is read, saving a second pass over its texts)."""
        self.path = path
        self.source_langs = frozenset(languages)
        self._sources: Sequence[MemorySource] | None = None
        self._reset_caches()
        if path.is_dir():
            raise TmError("the memory index is a folder, not a file", path, 1,
                          "remove or rename that folder: tm rebuilds its index there")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise TmError(f"cannot create the index folder: {e.strerror or e}", path.parent,
                          1, "tm keeps its memory index there; remove what is in the way"
                          ) from None
        try:
            self.db = self._open()
        except sqlite3.DatabaseError as e:
            if not damaged(e):
                raise busy_or_other(e, path) from None
            notice(path, e)
            remove_index(path)
            try:
                self.db = self._open()
            except sqlite3.DatabaseError as again:
                raise TmError(f"the memory index cannot be rebuilt ({again})", path, 1,
                              "check the disk and the folder's permissions") from None

    def _reset_caches(self) -> None:
        self._origins: dict[int, str] | None = None
        self._length_cache: dict[str, dict[int, array[int]]] = {}
        self._exact_cache: dict[str, list[tuple[int, Any, Any]]] = {}
        self._word_cache: dict[str, dict[str, list[tuple[int, array[int]]]]] = {}
        self._fresh: dict[str, dict[int, _Words]] | None = None

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT)
        db.execute("PRAGMA page_size=16384")  # a new file only: rows of whole sentences
        # readers (tm memory search) go on while a writer re-indexes; a writer waits
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # a cache: damage means a rebuild, not a loss
        db.execute("PRAGMA cache_size=-65536")
        row = None
        try:
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError:
            pass
        if row is None or row[0] != SCHEMA_VERSION:
            for table in ("meta", "files", "variants", "posted", "postings", "exacts"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.executescript(SCHEMA)
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        return db

    def close(self) -> None:
        self.db.close()

    def recover(self, e: sqlite3.DatabaseError, resync: bool) -> None:
        """Damage found in the middle of a run: start a new index (and fill it again
        from the memory files when `resync`)."""
        notice(self.path, e)
        try:
            self.db.close()
        except sqlite3.Error:
            pass
        remove_index(self.path)
        self._reset_caches()
        try:
            self.db = self._open()
            if resync and self._sources is not None:
                self._sync(self._sources)
        except sqlite3.DatabaseError as again:
            raise TmError(f"the memory index cannot be rebuilt ({again})", self.path, 1,
                          "check the disk and the folder's permissions") from None

    # --- keeping up with the files ------------------------------------------------------

    def sync(self, sources: Sequence[MemorySource]) -> SyncReport:
        """Re-read the files whose size/mtime changed and whose content hash differs."""
        self._sources = list(sources)
        return guarded(self, lambda: self._sync(sources), resync=False)

    def _sync(self, sources: Sequence[MemorySource]) -> SyncReport:
        report = SyncReport()
        known = {row[1]: row for row in self.db.execute(
            "SELECT id, path, origin, size, mtime_ns, digest FROM files")}
        todo: list[tuple[MemorySource, str | None, int, int]] = []
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
            digest = None  # a new file's hash is only stored: it is hashed while read
            if row and row[2] == src.origin:
                digest = file_digest(src.path)
                if row[5] == digest:
                    touch.append((st.st_size, st.st_mtime_ns, digest, row[0]))
                    report.unchanged += 1
                    continue
            todo.append((src, digest, st.st_size, st.st_mtime_ns))
        gone = [row for key, row in known.items() if key not in wanted]
        if not (todo or touch or gone):
            return report
        self._origins = None
        self._length_cache.clear()
        self._exact_cache.clear()
        self._word_cache.clear()
        fresh: dict[str, dict[int, _Words]] = {lang: {} for lang in self.source_langs}
        self._fresh = fresh if not (touch or gone or known) else None
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("UPDATE files SET size=?, mtime_ns=?, digest=? WHERE id=?", touch)
            for row in gone:
                self._drop_file(row[0])
                report.removed.append(row[2])
            with ThreadPoolExecutor(1) as hasher:
                for src, digest, size, mtime in todo:
                    old = known.get(str(src.path.resolve()))
                    if old:
                        self._drop_file(old[0])
                    later = None
                    if digest is None:  # only stored: hashed while the file is read
                        later = hasher.submit(file_digest, src.path)
                    n = self.add_units(src, read_memory(src.path), (size, mtime, digest or ""))
                    if later is not None:
                        self.db.execute("UPDATE files SET digest=? WHERE path=?",
                                        (later.result(), str(src.path.resolve())))
                    report.indexed.append(src.origin)
                    report.units += n
            self.db.execute("COMMIT")
        except BaseException:
            rollback(self.db)
            raise
        finally:
            self._fresh = None
        if report.units <= KEEP_UNITS and not (touch or gone or known):
            self._keep(fresh)
        return report

    def _keep(self, fresh: dict[str, dict[int, _Words]]) -> None:
        """Serve lookups from the postings a sync of every file just built (in memory)."""
        for lang, files in fresh.items():
            if len(files) != len(self.origins()):
                continue  # some file was not built here: read them all from SQLite
            words: dict[str, list[tuple[int, array[int]]]] = {}
            for file_id in sorted(files):
                for tok, ids in files[file_id].lists.items():
                    words.setdefault(tok, []).append((file_id, ids))
            self._word_cache[lang] = words
            self._length_cache[lang] = {f: built.sizes for f, built in files.items()}

    def _drop_file(self, file_id: int) -> None:
        lo, hi = file_id << 32, (file_id + 1) << 32
        self.db.execute("DELETE FROM variants WHERE unit_id >= ? AND unit_id < ?", (lo, hi))
        self.db.execute("DELETE FROM postings WHERE file_id = ?", (file_id,))
        self.db.execute("DELETE FROM posted WHERE file_id = ?", (file_id,))
        self.db.execute("DELETE FROM exacts WHERE file_id = ?", (file_id,))
        self.db.execute("DELETE FROM files WHERE id = ?", (file_id,))

    def add_units(self, source: MemorySource, units: Iterable[MemoryUnit],
                  stat: tuple[int, int, str] = (0, 0, "")) -> int:
        """Index one file's units (uncertain termbase entries are left out: never filled);
        postings of `self.source_langs` are built on the way."""
        file_id = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM files").fetchone()[0]
        base = file_id << 32
        counts = [0, 0]
        words = {lang: _Words() for lang in self.source_langs}
        pending: dict[str, tuple[list[int], list[str]]] = {
            lang: ([], []) for lang in self.source_langs}
        helper = _Helper.start() if words and stat[0] >= PARALLEL_BYTES else None

        def flush(lang: str) -> None:
            nonlocal helper
            todo = pending[lang]
            pending[lang] = ([], [])
            if helper is not None:
                if not helper.failed:
                    helper.send(lang, *todo)
                    return
                helper.close()  # helper gone: those postings are built later
                helper = None
                words.clear()
            if lang in words:
                words[lang].feed(*todo)

        def rows() -> Iterator[tuple[int, str, str]]:
            chunk = BUILD_CHUNK
            pos = -1
            for pos, unit in enumerate(units):
                if unit.uncertain:
                    counts[1] += 1
                    continue
                uid = base + pos
                for lang, text in unit.texts.items():
                    yield uid, lang, text
                    if lang in pending:
                        todo = pending[lang]
                        todo[0].append(pos)
                        todo[1].append(text)
                        if len(todo[0]) >= chunk:
                            flush(lang)
            counts[0] = pos + 1 - counts[1]

        try:
            self.db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
                            (file_id, str(source.path.resolve()), source.origin, *stat))
            self.db.executemany("INSERT INTO variants VALUES (?, ?, ?)", rows())
            self.db.execute("UPDATE files SET units=?, skipped=? WHERE id=?",
                            (*counts, file_id))
            for lang in list(pending):
                if pending[lang][0]:
                    flush(lang)
            if helper is not None:
                words = helper.result()
        finally:
            if helper is not None:
                helper.close()
        for lang in self.source_langs:
            if lang in words:
                self._store_words(lang, file_id, words[lang])
                if self._fresh is not None:
                    self._fresh[lang][file_id] = words[lang]
        return counts[0]

    def _store_words(self, lang: str, file_id: int, built: _Words) -> None:
        self.db.executemany(
            "INSERT INTO postings VALUES (?, ?, ?, ?, ?)",
            ((lang, tok, file_id, len(ids), to_blob(ids)) for tok, ids in built.postings()))
        hashes, ids = built.exact()
        self.db.execute("INSERT INTO exacts VALUES (?, ?, ?, ?)",
                        (lang, file_id, to_blob(hashes), to_blob(ids)))
        self.db.execute("INSERT INTO posted VALUES (?, ?)", (file_id, lang))

    def _build_postings(self, lang: str) -> None:
        """Word -> unit positions (and exact hashes) for every file not yet posted in `lang`."""
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
                built = _Words()
                while rows := cur.fetchmany(BUILD_CHUNK):  # bounded memory on big files
                    built.feed([u - lo for u, _ in rows], [t for _, t in rows])
                self._store_words(lang, file_id, built)
            self.db.execute("COMMIT")
            self._length_cache.pop(lang, None)
            self._exact_cache.pop(lang, None)
            self._word_cache.pop(lang, None)
        except BaseException:
            rollback(self.db)
            raise

    # --- lookups ------------------------------------------------------------------------

    def origins(self) -> dict[int, str]:
        return guarded(self, self._read_origins)

    def _read_origins(self) -> dict[int, str]:
        if self._origins is None:
            self._origins = dict(self.db.execute("SELECT id, origin FROM files"))
        return self._origins

    def _candidate(self, uid: int, source: str, target: str) -> Candidate:
        return Candidate(uid, source, target, self.origins().get(uid >> 32, "?"))

    def exact(self, texts: Sequence[str], source_lang: str,
              target_lang: str) -> dict[str, list[Candidate]]:
        """Units whose source text equals each text (up to spacing), in file order."""
        return guarded(self, lambda: self._exact(texts, source_lang, target_lang))

    def _exact(self, texts: Sequence[str], source_lang: str,
               target_lang: str) -> dict[str, list[Candidate]]:
        import numpy as np

        self._build_postings(source_lang)
        by_hash: dict[int, list[str]] = {}
        for t, h in zip(texts, key_hashes(texts), strict=True):
            by_hash.setdefault(h, []).append(t)
        if not by_hash:
            return {}
        wanted = np.array(sorted(by_hash), dtype=np.uint32)
        uids: list[int] = []
        for file_id, hashes, ids in self._exacts(source_lang):
            lo = np.searchsorted(hashes, wanted, "left")
            hi = np.searchsorted(hashes, wanted, "right")
            for a, b in zip(lo[lo < hi].tolist(), hi[lo < hi].tolist(), strict=True):
                uids.extend((file_id << 32) + int(i) for i in ids[a:b])
        rows = self._rows(sorted(uids), source_lang, target_lang)
        out: dict[str, list[Candidate]] = {}
        for uid in sorted(rows):
            cand = rows[uid]
            key = exact_key(cand.source)
            for t in by_hash.get(key_hash(cand.source), ()):
                if exact_key(t) == key:
                    out.setdefault(t, []).append(cand)
        return out

    def _exacts(self, lang: str) -> list[tuple[int, Any, Any]]:
        """Per file: its exact-match hashes in `lang`, sorted, and the unit positions."""
        if lang not in self._exact_cache:
            import numpy as np

            self._exact_cache[lang] = [
                (file_id, np.frombuffer(from_blob(h), dtype=np.uint32),
                 np.frombuffer(from_blob(i), dtype=np.uint32))
                for file_id, h, i in self.db.execute(
                    "SELECT file_id, hashes, ids FROM exacts WHERE lang = ? ORDER BY file_id",
                    (lang,))]
        return self._exact_cache[lang]

    def candidates(self, texts: Sequence[str], source_lang: str, target_lang: str,
                   limit: int = CANDIDATES) -> list[list[Candidate]]:
        """For each text, the units sharing the most of its rarest words (at most `limit`)."""
        return guarded(self, lambda: self._candidates(texts, source_lang, target_lang, limit))

    def _candidates(self, texts: Sequence[str], source_lang: str, target_lang: str,
                    limit: int) -> list[list[Candidate]]:
        self._build_postings(source_lang)
        words = [tokens(normalize(t)) for t in texts]
        vocab = sorted(set().union(*words)) if words else []
        df: dict[str, int] = {}
        kept = self._word_cache.get(source_lang)
        if kept is not None:  # built by this process's sync
            df = {w: sum(len(ids) for _, ids in kept[w]) for w in vocab if w in kept}
        else:
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
        kept = self._word_cache.get(lang)
        if kept is not None:
            for w in words:
                for file_id, ids in kept.get(w, ()):
                    out.setdefault(w, Posting()).add(file_id, ids)
            return out
        for chunk in _chunks(words):
            for tok, file_id, blob in self.db.execute(
                    "SELECT token, file_id, ids FROM postings WHERE lang = ? AND token IN "
                    f"({','.join('?' * len(chunk))})", (lang, *chunk)):
                out.setdefault(tok, Posting()).add(file_id, from_blob(blob))
        return out

    def _rows(self, ids: Sequence[int], source_lang: str,
              target_lang: str) -> dict[int, Candidate]:
        out = {}
        for chunk in _chunks(ids):  # one seek per unit: its languages are adjacent rows
            sql = ("SELECT unit_id, lang, text FROM variants WHERE unit_id IN "
                   f"({','.join('?' * len(chunk))}) AND lang IN (?, ?)")
            texts: dict[int, dict[str, str]] = {}
            for uid, lang, text in self.db.execute(sql, (*chunk, source_lang, target_lang)):
                texts.setdefault(uid, {})[lang] = text
            for uid, both in texts.items():
                if source_lang in both and target_lang in both:
                    out[uid] = self._candidate(uid, both[source_lang], both[target_lang])
        return out

    def units(self) -> Iterator[MemoryUnit]:
        """Every indexed unit in file order, with its origin in `extra["origin"]`."""
        done = 0
        try:
            for unit in self._units():
                yield unit
                done += 1
            return
        except sqlite3.DatabaseError as e:
            if not damaged(e):
                raise busy_or_other(e, self.path) from None
            self.recover(e, resync=True)
        for i, unit in enumerate(self._units()):  # the rebuilt index, past what was given
            if i >= done:
                yield unit

    def _units(self) -> Iterator[MemoryUnit]:
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
        return guarded(self, lambda: {
            r[0] for r in self.db.execute("SELECT DISTINCT lang FROM variants")})



Part: TypeAlias = "tuple[list[int], dict[str, array[int]], list[int], list[int]]"
"""One chunk's unit positions, postings, text lengths and exact-match hashes."""


def _part(positions: list[int], texts: list[str]) -> Part:
    """What one chunk of (positions, texts) adds to a `_Words`."""
    return (positions, build_postings(texts, positions),
            [min(len(text), 0xFFFF) for text in texts], key_hashes(texts))


class _Words:
    """One file's postings, text lengths and exact-match hashes in one language, built
    from chunks of (positions, texts) in ascending position order."""

    def __init__(self) -> None:
        self.lists: dict[str, array[int]] = {}
        self.sizes = array("H")
        self.hashes = array("I")
        self.positions = array("I")

    def feed(self, positions: list[int], texts: list[str]) -> None:
        if positions:
            self.add(_part(positions, texts))

    def add(self, part: Part) -> None:
        """Append a chunk built elsewhere (its positions follow those already added)."""
        positions, postings, lengths, hashes = part
        for tok, ids in postings.items():
            have = self.lists.get(tok)
            if have is None:
                self.lists[tok] = ids
            else:
                have.extend(ids)
        sizes = self.sizes
        sizes.frombytes(bytes(2 * (positions[-1] + 1 - len(sizes))))
        for pos, size in zip(positions, lengths, strict=True):
            sizes[pos] = size
        self.hashes.extend(hashes)
        self.positions.extend(positions)

    def postings(self) -> Iterator[tuple[str, array[int]]]:
        yield from self.lists.items()
        yield LENGTHS, self.sizes

    def exact(self) -> tuple[array[int], array[int]]:
        """The hashes in ascending order and the unit position of each."""
        import numpy as np

        hashes = np.frombuffer(self.hashes, dtype=np.uint32)
        order = np.argsort(hashes, kind="stable")
        positions = np.frombuffer(self.positions, dtype=np.uint32)
        return (array("I", hashes[order].tobytes()), array("I", positions[order].tobytes()))


_STOP = object()


class _Helper:
    """A forked process that builds `_Words` from the chunks it is sent, so postings are
    built on the second core while this process reads and stores the file. A thread
    sends the chunks (sending blocks until the helper reads); when the helper falls two
    chunks behind, this process builds chunks itself and sends the result to merge."""

    def __init__(self, inbox: Any, outbox: Any, proc: Any) -> None:
        self.inbox, self.outbox, self.proc = inbox, outbox, proc
        self.queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.sent = self.done = 0
        self.failed = False
        self.thread = threading.Thread(target=self._send_all, daemon=True)
        self.thread.start()

    @classmethod
    def start(cls) -> _Helper | None:
        """A running helper, or None where there is no fork or no second core."""
        if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return None
        ctx = multiprocessing.get_context("fork")
        their_in, my_in = ctx.Pipe(duplex=False)
        my_out, their_out = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_serve, args=(their_in, their_out, my_in, my_out),
                           daemon=True)
        try:
            proc.start()
        except OSError:
            return None
        their_in.close()
        their_out.close()
        return cls(my_in, my_out, proc)

    def _send_all(self) -> None:
        while (msg := self.queue.get()) is not _STOP:
            if self.failed:
                continue
            try:
                self.inbox.send(msg)
            except (OSError, ValueError):
                self.failed = True
            if msg is None:
                return

    def behind(self) -> bool:
        """Whether the helper has a chunk in hand and another waiting."""
        try:
            while self.outbox.poll():
                self.outbox.recv()
                self.done += 1
        except (OSError, EOFError):
            self.failed = True
        return self.sent - self.done >= 2

    def send(self, lang: str, positions: list[int], texts: list[str]) -> None:
        """Have a chunk built, by the helper or (when it is behind) here."""
        if self.behind():
            self.queue.put((lang, _part(positions, texts), None))
        else:
            self.queue.put((lang, positions, texts))
        self.sent += 1

    def result(self) -> dict[str, _Words]:
        """What was built, per language; {} if the helper failed (built later instead)."""
        self.queue.put(None)
        self.thread.join()
        try:
            while not self.failed:
                got = self.outbox.recv()
                if isinstance(got, dict):
                    return got
        except (OSError, EOFError):
            pass
        return {}

    def close(self) -> None:
        self.failed = True  # chunks still queued are dropped
        self.queue.put(_STOP)
        self.thread.join()
        self.inbox.close()
        self.outbox.close()
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join()


def _serve(inbox: Any, outbox: Any, *parent_ends: Any) -> None:
    """The helper's loop: chunks (lang, positions, texts) or built parts (lang, part,
    None) in, one acknowledgement per chunk out, then the built `_Words`."""
    for end in parent_ends:
        end.close()  # so that the parent closing its ends ends the loop
    built: dict[str, _Words] = {}
    try:
        while (msg := inbox.recv()) is not None:
            lang, first, texts = msg
            words = built.setdefault(lang, _Words())
            if texts is None:
                words.add(first)
            else:
                words.feed(first, texts)
            outbox.send(1)
        outbox.send(built)
    except (OSError, EOFError):
        pass
