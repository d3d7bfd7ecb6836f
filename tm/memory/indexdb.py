"""The index's SQLite file: schema, connection settings, writes, and a fresh start when
the file is damaged.

The file is a cache of memory/ (see tm.memory.index): a schema of another version, or
damage, means a new empty file, never a migration. Every write goes through `writing()`,
which counts a generation: lookups keep what they read for as long as the generation
they read it in is the current one (tm.memory.lookup.LookupCache).
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from tm.errors import TmError
from tm.memory.blocks import block_range
from tm.memory.damage import busy_or_other, damaged, notice, remove_index, rollback

T = TypeVar("T")

SCHEMA_VERSION = "6"
"""4: `variants.aligned` (units of a TMX written by `tm align`). 5: `variants` keyed by
one integer, `unit_id << LANG_BITS | the language's number` (`langs`). 6: the texts in
`blocks` of 16 units (tm.memory.blocks), not a row each: a million units are stored
in about a quarter of the time; `file_langs` says which languages a file has."""
LANG_BITS = 12
"""Bits of a language's number: 4,096 languages in use at once."""
FILE_IDS = 1 << 31
"""File ids a unit id (`file_id << 32 | position`) can hold in SQLite's 63 bits."""
BUSY_TIMEOUT = 60.0
"""Seconds a writer waits for another writer's transaction (the project lock keeps two
tms from writing at once; this covers the moments outside it)."""
CHUNK = 900
"""Bound parameters per SQL statement (SQLite's limit is 999 on old builds)."""

TABLES = ("meta", "files", "langs", "file_langs", "blocks", "posted", "postings", "exacts",
          "variants")
"""This schema's tables, and those of earlier ones (dropped when the schema changes)."""
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, origin TEXT NOT NULL,
    size INTEGER, mtime_ns INTEGER, digest TEXT, units INTEGER, skipped INTEGER);
CREATE TABLE IF NOT EXISTS langs(code TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_langs(file_id INTEGER, lang TEXT, PRIMARY KEY(file_id, lang))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks(
    key INTEGER PRIMARY KEY, heads BLOB NOT NULL, texts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posted(file_id INTEGER, lang TEXT, PRIMARY KEY(file_id, lang))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS postings(
    lang TEXT NOT NULL, token TEXT NOT NULL, file_id INTEGER NOT NULL, df INTEGER NOT NULL,
    ids BLOB NOT NULL, PRIMARY KEY(lang, token, file_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS exacts(
    lang TEXT NOT NULL, file_id INTEGER NOT NULL, hashes BLOB NOT NULL, ids BLOB NOT NULL,
    PRIMARY KEY(lang, file_id)) WITHOUT ROWID;
"""


FULL_BELOW = 16 << 20
"""Free bytes under which an index error is taken for a full disk, not for damage."""


def _free_bytes(folder: Path) -> int | None:
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return None
    return st.f_bavail * st.f_frsize


def chunks(items: Sequence[T], n: int = CHUNK) -> Iterator[list[T]]:
    """`items` in lists of at most `n` (for `IN (?, ...)` with bound parameters)."""
    for i in range(0, len(items), n):
        yield list(items[i:i + n])


def unit_range(file_id: int) -> tuple[int, int]:
    """The unit ids of one file: `file_id << 32 | position`, one key range per file."""
    return file_id << 32, (file_id + 1) << 32


def lang_numbers(db: sqlite3.Connection) -> dict[str, int]:
    """Language code -> its number in `blocks`."""
    return dict(db.execute("SELECT code, number FROM langs"))


def numbers_to_give(db: sqlite3.Connection) -> dict[str, int]:
    """`lang_numbers` for a writer about to number new languages, without those of
    languages no file has any more (their files were dropped): their numbers can be
    given again."""
    numbers = lang_numbers(db)
    used = {code for code, in db.execute("SELECT DISTINCT lang FROM file_langs")}
    for code in [code for code in numbers if code not in used]:
        db.execute("DELETE FROM langs WHERE code = ?", (code,))
        del numbers[code]
    return numbers


def free_file_id(db: sqlite3.Connection) -> int:
    """The id of a file about to be indexed: after the last one, or when that is past
    what a key holds (a file re-indexed takes a new id: many edits of an early file),
    the first one free."""
    file_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM files").fetchone()[0])
    if file_id < FILE_IDS:
        return file_id
    row = db.execute("SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM files WHERE id = 1) UNION ALL "
                     "SELECT min(id + 1) FROM files WHERE id + 1 NOT IN "
                     "(SELECT id FROM files)").fetchone()
    if row is None or row[0] is None or row[0] >= FILE_IDS:
        raise TmError(f"more than {FILE_IDS - 1} memory files in one index", None, None,
                      "keep fewer files in the project's memory folders")
    return int(row[0])


class _Connection(sqlite3.Connection):
    """sqlite3's connection, which a weak reference can point to."""


_OPEN: weakref.WeakSet[sqlite3.Connection] = weakref.WeakSet()
"""Connections still open: closed at exit, which the installed `tm` reaches without the
interpreter's teardown (tm.cli.common.leave), so that SQLite folds its write-ahead log
into the file and removes it."""


@atexit.register
def _close_all() -> None:
    for db in list(_OPEN):
        try:
            db.close()
        except sqlite3.Error:
            pass


def connect(path: Path) -> sqlite3.Connection:
    """A connection with tm's settings and the current schema (tables of another schema
    version are dropped: the index is rebuilt from the memory files)."""
    db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT, factory=_Connection)
    _OPEN.add(db)
    db.execute("PRAGMA page_size=16384")  # a new file only: rows of whole sentences
    # readers (tm memory search) go on while a writer re-indexes; a writer waits
    try:
        db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:  # another connection fills it (IndexDb.first_fill):
        pass  # the next connection sets it
    db.execute("PRAGMA synchronous=OFF")  # a cache: damage means a rebuild, not a loss
    db.execute("PRAGMA cache_size=-65536")
    row = None
    try:
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    except sqlite3.OperationalError:
        pass
    if row is None or row[0] != SCHEMA_VERSION:
        for table in TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}")
        db.executescript(SCHEMA)
        db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    return db


class IndexDb:
    """The open index file: a connection, and a generation counted up by every write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.generation = 0
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
            self.db = connect(path)
        except sqlite3.DatabaseError as e:
            if not damaged(e):
                raise busy_or_other(e, path) from None
            self.start_over(e)

    def start_over(self, e: sqlite3.DatabaseError) -> None:
        """Replace a damaged file by an empty one (one notice on stderr). Not on a full
        disk: SQLite's write errors there look like damage, and the sound file would be
        lost to a rebuild that cannot be written (found by a hostile review)."""
        free = _free_bytes(self.path.parent)
        if free is not None and free < FULL_BELOW:
            raise TmError(f"no space left on the disk of the memory index ({e})", self.path,
                          1, "free some disk space and run this again: the index was left "
                          "as it is") from None
        notice(self.path, e)
        if hasattr(self, "db"):
            try:
                self.db.close()
            except sqlite3.Error:
                pass
        remove_index(self.path)
        self.generation += 1
        try:
            self.db = connect(self.path)
        except sqlite3.DatabaseError as again:
            raise TmError(f"the memory index cannot be rebuilt ({again})", self.path, 1,
                          "check the disk and the folder's permissions") from None

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; what lookups kept from before it is dropped."""
        self.db.execute("BEGIN IMMEDIATE")
        self.generation += 1
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException:
            rollback(self.db)
            raise
        finally:
            self.generation += 1  # also after: nothing read during the write is kept

    @contextmanager
    def first_fill(self) -> Iterator[None]:
        """Around the first fill of an empty index: a rollback journal in memory instead
        of the write-ahead log, so that each page is written once (not to the log, then
        again into the file at the checkpoint; a million units: about 1 s), and WAL
        again after. While another connection has the file open the mode stays WAL (at
        once: the change is not waited for)."""
        mode = self._journal("MEMORY")
        try:
            yield
        finally:
            if mode == "memory":
                self._journal("WAL")  # else the next connection sets it

    def _journal(self, mode: str) -> str:
        """Set the journal mode if no other connection is in the way; the mode now."""
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            return str(self.db.execute(f"PRAGMA journal_mode={mode}").fetchone()[0]).lower()
        except sqlite3.OperationalError:
            return "wal"
        finally:
            self.db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")

    def drop_file(self, file_id: int) -> None:
        lo, hi = unit_range(file_id)
        self.db.execute("DELETE FROM blocks WHERE key >= ? AND key < ?", block_range(lo, hi))
        for table in ("file_langs", "postings", "posted", "exacts"):
            self.db.execute(f"DELETE FROM {table} WHERE file_id = ?", (file_id,))
        self.db.execute("DELETE FROM files WHERE id = ?", (file_id,))

    def close(self) -> None:
        self.db.close()
