"""A damaged SQLite index is a cache to throw away, not an error to show.

The index under .tm/ is rebuilt from memory/ at any time, so damage found anywhere (at
open, in a lookup, half-way through a sync) starts a new file with one notice on stderr
and the run goes on. Busy, locked, full-disk or permission errors are not damage (a
rebuild would not mend them): they are one-line errors.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from tm.errors import TmError

T = TypeVar("T")


class Rebuildable(Protocol):
    """An index that starts over when damage is found (tm.memory.index.SqliteIndex)."""

    @property
    def path(self) -> Path: ...

    @property
    def db(self) -> sqlite3.Connection: ...

    def recover(self, e: sqlite3.DatabaseError, resync: bool) -> None: ...

DAMAGE_CODES = (10, 11, 26)
"""SQLITE_IOERR (a damaged file read through a stale WAL index, a short read),
SQLITE_CORRUPT and SQLITE_NOTADB: primary codes, extended ones carry them in the low
byte. A disk that really fails fails the rebuild too, which is then one line."""


def damaged(e: sqlite3.DatabaseError) -> bool:
    """Whether the error says the file is damaged or not a database (a rebuild mends it),
    as opposed to busy, locked or out of disk (a rebuild would not)."""
    text = str(e)
    if "no such table" in text or "no such column" in text:
        return True  # a file that is some other database, or tables dropped by hand
    code = getattr(e, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in DAMAGE_CODES
    return "malformed" in text or "not a database" in text


def quick_check(db: sqlite3.Connection) -> bool:
    """Whether SQLite finds the file sound (PRAGMA quick_check: pages, b-trees, rows;
    about 4 ms per MB, so it is run only when a lookup already went wrong)."""
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError:
        return False
    return rows == [("ok",)]


def _first_line(e: BaseException) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def busy_or_other(e: sqlite3.DatabaseError, path: Path) -> Exception:
    """The one-line error for index trouble a rebuild does not mend."""
    text = _first_line(e)
    if "locked" in text or "busy" in text:
        return TmError(f"the memory index is in use by another program ({text})", path, 1,
                       "wait for the other tm to finish and run this again")
    return TmError(f"the memory index cannot be used ({text})", path, 1,
                   "check the disk and the folder's permissions; deleting the file is safe")


def guarded(index: Rebuildable, call: Callable[[], T], resync: bool = True) -> T:
    """`call()`; damage found on the way rebuilds the index once and calls again."""
    try:
        return call()
    except (sqlite3.ProgrammingError, sqlite3.InterfaceError, sqlite3.NotSupportedError):
        raise  # tm's own mistake: shown as it is
    except sqlite3.DatabaseError as e:
        if not damaged(e):
            raise busy_or_other(e, index.path) from None
        index.recover(e, resync)
    except (ValueError, IndexError, KeyError, OverflowError) as e:
        # stored arrays that do not decode: rebuilt once; a bug would show on the retry
        what = "PRAGMA quick_check failed" if not quick_check(index.db) else "stored data"
        index.recover(sqlite3.DatabaseError(f"{what}: {type(e).__name__}: {e}"), resync)
    try:
        return call()
    except sqlite3.DatabaseError as e:
        raise TmError(f"the memory index is still damaged after a rebuild ({e})",
                      index.path, 1, "check the disk; deleting the file is safe") from None


def rollback(db: sqlite3.Connection) -> None:
    """ROLLBACK that leaves the first error standing (SQLite may have rolled back on
    finding damage: then there is no transaction left to end)."""
    try:
        db.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def remove_index(path: Path) -> None:
    """The index file and SQLite's files beside it (a journal left beside a new file
    would be played into it)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            Path(f"{path}{suffix}").unlink()
        except FileNotFoundError:
            pass
        except OSError as e:
            raise TmError(f"cannot remove the damaged memory index: {e.strerror or e}",
                          path, 1, "remove it by hand: it is rebuilt from memory/") from None


def notice(path: Path, e: BaseException) -> None:
    text = _first_line(e)
    print(f"tm: note: {path}: the memory index is damaged ({text}); rebuilding it from "
          "the memory files", file=sys.stderr)
