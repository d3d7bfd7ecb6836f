"""The lookup index over the memory files: SQLite under <project>/.tm/.

The files under memory/ are the memory of record; this index is a cache of them,
refreshed file by file when a file's size, mtime and content hash say it changed.
It answers two questions, both in batches: which units have exactly this text
(`exact`), and which units share enough rare words with this text to be worth
scoring (`candidates`). A PostgreSQL implementation (memory_url) keeps the same
MemoryIndex interface.

Three rooms: tm.memory.indexdb holds the file (schema, settings, writes, a fresh start
after damage), tm.memory.ingest puts a file's units in (serially or with a forked
child), tm.memory.lookup answers (with its one cache). This module decides what to
re-read and ties them together.

Unit ids are `file_id << 32 | position`, so a file's units are one key range and a
changed file is replaced without touching the others. Word postings, text lengths
and exact-match hashes (a sorted array per file and language, not an SQL index) are
built per file and language while the file is read for the languages the index was
told to expect as sources, else the first time a lookup needs that language.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tm.errors import TmError
from tm.memory.blocks import BLOCK_BITS, decode
from tm.memory.damage import busy_or_other, damaged, guarded
from tm.memory.formats import MemoryUnit
from tm.memory.indexdb import (
    BUSY_TIMEOUT,
    CHUNK,
    SCHEMA_VERSION,
    IndexDb,
    free_file_id,
    lang_numbers,
)
from tm.memory.ingest import (
    BUILD_CHUNK,
    PARALLEL_BYTES,
    Ingested,
    Listed,
    MemoryFile,
    Units,
    Words,
    build_from_rows,
    file_path,
    ingest,
    parallel_wanted,
    store_words,
)
from tm.memory.lookup import CANDIDATES, PROBES, Kept, Lookup
from tm.memory.match import Candidate
from tm.memory.sources import MemorySource, SyncReport, file_digest

__all__ = [
    "BUILD_CHUNK", "BUSY_TIMEOUT", "CANDIDATES", "CHUNK", "KEEP_UNITS", "PARALLEL_BYTES",
    "PROBES", "SCHEMA_VERSION", "MemoryIndex", "MemorySource", "SqliteIndex", "SyncReport",
    "file_digest",
]

KEEP_UNITS = 200_000
"""Units up to which postings built by a sync are kept for this process's lookups (a
cold run then reads no postings back from SQLite); bigger memories read them back."""


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


@dataclass(slots=True)
class _Plan:
    """What a sync has to do: files to (re-)read, to mark as unchanged, to drop."""

    todo: list[tuple[MemorySource, str | None, int, int]] = field(default_factory=list)
    touch: list[tuple[int, int, str, int]] = field(default_factory=list)
    gone: list[tuple[int, str, str]] = field(default_factory=list)
    known: dict[str, int] = field(default_factory=dict)
    """Path -> file id of every file indexed before."""


class SqliteIndex:
    """The default index: one SQLite file, safe to delete (it is rebuilt from memory/)."""

    def __init__(self, path: Path, languages: Iterable[str] = (),
                 parallel: bool | None = None) -> None:
        """`languages`: the source languages lookups are expected in (their postings
        are built while a file is read, saving a second pass over its texts).
        `parallel`: build postings in a forked child (None: for big files on a second
        core, or as `TM_INDEX_PARALLEL` says)."""
        self.source_langs = frozenset(languages)
        self.parallel = parallel
        self._sources: Sequence[MemorySource] | None = None
        self.store = IndexDb(path)
        self.lookup = Lookup(self.store)

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def db(self) -> sqlite3.Connection:
        return self.store.db

    def close(self) -> None:
        self.store.close()

    def recover(self, e: sqlite3.DatabaseError, resync: bool) -> None:
        """Damage found in the middle of a run: start a new index (and fill it again
        from the memory files when `resync`)."""
        self.store.start_over(e)
        try:
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

    def _plan(self, sources: Sequence[MemorySource], report: SyncReport) -> _Plan:
        known = {row[1]: row for row in self.db.execute(
            "SELECT id, path, origin, size, mtime_ns, digest FROM files")}
        plan = _Plan(known={key: row[0] for key, row in known.items()})
        wanted = set()
        for src in sources:
            key = file_path(src.path)
            wanted.add(key)
            try:
                st = src.path.stat()
            except OSError as e:
                raise TmError(f"cannot read memory file: {e.strerror}", src.path, 1) from None
            row = known.get(key)
            if row and (row[3], row[4], row[2]) == (st.st_size, st.st_mtime_ns, src.origin):
                report.unchanged += 1
                continue
            digest = None  # a new file's hash is taken when it is read
            if row and row[2] == src.origin:
                digest = file_digest(src.path)
                if row[5] == digest:
                    plan.touch.append((st.st_size, st.st_mtime_ns, digest, row[0]))
                    report.unchanged += 1
                    continue
            plan.todo.append((src, digest, st.st_size, st.st_mtime_ns))
        plan.gone = [(row[0], key, row[2]) for key, row in known.items() if key not in wanted]
        return plan

    def _sync(self, sources: Sequence[MemorySource]) -> SyncReport:
        report = SyncReport()
        plan = self._plan(sources, report)
        if not (plan.todo or plan.touch or plan.gone):
            return report
        cold = not plan.known
        fresh: dict[str, dict[int, Words]] = {lang: {} for lang in self.source_langs}
        with self.store.first_fill() if cold else nullcontext(), self.store.writing() as db:
            db.executemany("UPDATE files SET size=?, mtime_ns=?, digest=? WHERE id=?",
                           plan.touch)
            for file_id, _, origin in plan.gone:
                self.store.drop_file(file_id)
                report.removed.append(origin)
            for src, digest, size, mtime in plan.todo:
                old = plan.known.get(file_path(src.path))
                if old is not None:
                    self.store.drop_file(old)
                file_id, done = self._add_file(src, (size, mtime, digest or ""), size)
                if digest is None:
                    db.execute("UPDATE files SET digest=? WHERE id=?",
                               (done.digest or file_digest(src.path), file_id))
                for lang, built in done.words.items():
                    fresh[lang][file_id] = built
                report.indexed.append(src.origin)
                report.units += done.units
                if done.forked:
                    report.forked.append(src.origin)
        if cold and report.units <= KEEP_UNITS:
            self._keep(fresh)
        return report

    def _keep(self, fresh: dict[str, dict[int, Words]]) -> None:
        """Serve lookups from the postings a sync of every file just built (in memory)."""
        for lang, files in fresh.items():
            if len(files) != len(self.lookup.origins()):
                continue  # some file was not built here: read them all from SQLite
            words: Kept = {}
            for file_id in sorted(files):
                for tok, ids in files[file_id].lists.items():
                    words.setdefault(tok, []).append((file_id, ids))
            lengths: dict[int, array[int]] = {f: built.sizes for f, built in files.items()}
            self.lookup.keep(lang, words, lengths)

    def _add_file(self, source: MemorySource, stat: tuple[int, int, str],
                  size: int) -> tuple[int, Ingested]:
        """Index one file, re-reading it in a forked child where that pays."""
        parallel = parallel_wanted(size, self.source_langs, self.parallel)
        return self._insert(source, MemoryFile(source.path), stat, parallel)

    def _insert(self, source: MemorySource, units: Units, stat: tuple[int, int, str],
                parallel: bool) -> tuple[int, Ingested]:
        db = self.db
        file_id = free_file_id(db)
        db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
                   (file_id, file_path(source.path), source.origin, *stat))
        done = ingest(db, file_id, units, self.source_langs, parallel)
        db.execute("UPDATE files SET units=?, skipped=? WHERE id=?",
                   (done.units, done.skipped, file_id))
        for lang, built in done.words.items():
            store_words(db, lang, file_id, built)
        return file_id, done

    def add_units(self, source: MemorySource, units: Iterable[MemoryUnit],
                  stat: tuple[int, int, str] = (0, 0, "")) -> int:
        """Index one file's units (uncertain termbase entries are left out: never filled);
        postings of `self.source_langs` are built on the way."""
        def add() -> int:
            return self._insert(source, Listed(units), stat, False)[1].units

        if self.db.in_transaction:
            return add()
        with self.store.writing():
            return add()

    def _build_postings(self, lang: str) -> None:
        """Word -> unit positions (and exact hashes) for every file not yet posted in `lang`."""
        if lang in self.lookup.cache.posted:  # checked since the last write
            return
        missing = [r[0] for r in self.db.execute(
            "SELECT id FROM files WHERE id NOT IN (SELECT file_id FROM posted WHERE lang=?)",
            (lang,))]
        if missing:
            with self.store.writing() as db:
                for file_id in missing:
                    store_words(db, lang, file_id, build_from_rows(db, file_id, lang))
        self.lookup.cache.posted.add(lang)

    # --- lookups ------------------------------------------------------------------------

    def origins(self) -> dict[int, str]:
        return guarded(self, self.lookup.origins)

    def exact(self, texts: Sequence[str], source_lang: str,
              target_lang: str) -> dict[str, list[Candidate]]:
        """Units whose source text equals each text (up to spacing), in file order."""
        def call() -> dict[str, list[Candidate]]:
            self._build_postings(source_lang)
            return self.lookup.exact(texts, source_lang, target_lang)

        return guarded(self, call)

    def candidates(self, texts: Sequence[str], source_lang: str, target_lang: str,
                   limit: int = CANDIDATES) -> list[list[Candidate]]:
        """For each text, the units sharing the most of its rarest words (at most `limit`)."""
        def call() -> list[list[Candidate]]:
            self._build_postings(source_lang)
            return self.lookup.candidates(texts, source_lang, target_lang, limit)

        return guarded(self, call)

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
        origins = self.lookup.origins()
        codes = {n: code for code, n in lang_numbers(self.db).items()}
        for key, heads, joined in self.db.execute(
                "SELECT key, heads, texts FROM blocks ORDER BY key"):
            for offset, aligned, variants in decode(heads, joined):
                uid = key << BLOCK_BITS | offset
                yield MemoryUnit({codes[n]: text for n, text in variants}, aligned=aligned,
                                 extra={"origin": origins.get(uid >> 32, "")})

    def languages(self) -> set[str]:
        return guarded(self, lambda: {
            r[0] for r in self.db.execute("SELECT DISTINCT lang FROM file_langs")})
