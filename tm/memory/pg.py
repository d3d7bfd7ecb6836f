"""A shared team memory on a PostgreSQL server (`memory_url = "postgresql://..."`).

The server is the store of record for sharing; lookups run on each client's local
replica (tm.memory.replica), at the local index's speed. The server keeps a change
counter: every upload is one transaction that takes the next numbers of the counter for
the batches of units it adds and marks the batches it replaces as dropped at that
number (a tombstone). A client pulls the batches added and dropped since the number it
last saw, in one snapshot, so it never sees half an upload.

Uploading keeps what did not change: a memory file whose hash differs from the server's
copy of its origin is compared batch by batch with what the server holds; batches whose
units are still the file's (in order) stay, the rest are dropped and the file's remaining
units become one new batch. A file that grew by 1,000 units at the end costs a batch of
1,000 units to every client, not the whole file again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tm.errors import TmError
from tm.memory.pg_schema import (
    LOCK,
    conninfo,
    import_psycopg,
    one_line,
    raise_at,
    schema_name,
    set_up,
)
from tm.memory.sources import MemorySource, SyncReport, file_digest
from tm.redact import redact

if TYPE_CHECKING:
    from tm.memory.formats import MemoryUnit

__all__ = ["Pulled", "ServerUnreachable", "SharedMemory", "redact"]

PART = 100_000
"""Units per replica file (a file is read whole when indexed: this bounds the memory)."""
LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
"""Language codes a replica file can carry as a column (tm.memory.formats' codes)."""


class ServerUnreachable(TmError):
    """The server cannot be reached (or went away): a replica may go on without it."""


@dataclass(slots=True)
class Pulled:
    """What changed on the server since a client's last sync."""

    seq: int
    added: list[tuple[int, str, int]] = field(default_factory=list)
    """(batch, origin, files) in upload order; written to `part_name(batch, 0...)`."""
    dropped: list[int] = field(default_factory=list)


def unit_texts(unit: MemoryUnit) -> dict[str, str] | None:
    """A unit's texts as the server keeps them; None for one never filled from (an
    uncertain termbase entry, or fewer than two languages)."""
    if unit.uncertain:
        return None
    texts = {lang: text.replace("\x00", "") for lang, text in unit.texts.items()
             if LANG.match(lang) and text.strip()}
    return texts if len(texts) >= 2 else None


def batch_digest(units: Sequence[dict[str, str]]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for texts in units:
        h.update(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()


class SharedMemory:
    """One connection to the shared memory: uploads, pulls, forgets."""

    def __init__(self, url: str, where: tuple[Path | None, int] = (None, 1),
                 schema: str | None = None) -> None:
        """`where` is the config file and line of `memory_url`, named in every error."""
        self.url = url
        self.where = where
        self.schema = schema or schema_name()
        self._fail = raise_at(where)
        self._psycopg = psycopg = import_psycopg(where)
        info = conninfo(url, psycopg, self._fail)
        try:
            self.db = psycopg.connect(info, autocommit=True)
        except psycopg.Error as e:
            raise ServerUnreachable(f"cannot connect to {redact(url)}: {one_line(e, url)}",
                                    where[0], where[1], "is the server running and "
                                    "reachable? remove memory_url to use the local index"
                                    ) from None
        with self._errors():
            self.id = set_up(self.db, self.schema, self._fail)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database trouble in the middle of a run is one line too, never a traceback."""
        try:
            yield
        except self._psycopg.Error as e:
            cls = (ServerUnreachable if isinstance(e, self._psycopg.OperationalError)
                   else TmError)
            raise cls(f"shared memory {redact(self.url)}: {one_line(e, self.url)}",
                      self.where[0], self.where[1],
                      "check the server, or remove memory_url to use the local index"
                      ) from None

    def _tick(self) -> int:
        """The next number of the change counter (its row stays locked until commit, so
        numbers are committed in the order they are taken)."""
        row = self.db.execute(f"UPDATE {self.schema}.clock SET seq = seq + 1 "
                              "RETURNING seq").fetchone()
        return int(row[0])

    # --- uploads ------------------------------------------------------------------------

    def digests(self, origins: Sequence[str]) -> dict[str, str]:
        with self._errors():
            return dict(self.db.execute(
                f"SELECT origin, digest FROM {self.schema}.origins WHERE origin = ANY(%s)",
                (list(origins),)).fetchall())

    def upload(self, files: Sequence[tuple[MemorySource, str]]) -> SyncReport:
        """Put each (file, content hash) whose hash differs from the server's copy of its
        origin on the server, all in one transaction; other origins are left alone."""
        report = SyncReport()
        known = self.digests([s.origin for s, _ in files])
        todo = [(s, d) for s, d in files if known.get(s.origin) != d]
        report.unchanged = len(files) - len(todo)
        if not todo:
            return report
        with self._errors(), self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
            known = self.digests([s.origin for s, _ in todo])  # someone may have won
            for src, digest in todo:
                if known.get(src.origin) == digest:
                    report.unchanged += 1
                    continue
                from tm.memory.formats import read_memory

                report.units += self._replace(src.origin, read_memory(src.path), digest)
                report.indexed.append(src.origin)
        return report

    def add_units(self, origin: str, units: Iterable[MemoryUnit], digest: str = "") -> int:
        """Put one origin's units on the server in place of what it held (one transaction)."""
        with self._errors(), self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
            return self._replace(origin, units, digest)

    def _replace(self, origin: str, units: Iterable[MemoryUnit], digest: str) -> int:
        """Inside the upload's transaction: keep the origin's batches that still hold the
        file's units in order, drop the others, add the remaining units as one batch."""
        s = self.schema
        have = self.db.execute(f"SELECT seq, first, units, digest FROM {s}.batches WHERE "
                               "origin = %s AND dropped IS NULL ORDER BY seq",
                               (origin,)).fetchall()
        skipped = [0]

        def usable() -> Iterator[dict[str, str]]:
            for unit in units:
                texts = unit_texts(unit)
                if texts is None:
                    skipped[0] += 1
                else:
                    yield texts

        if not have:  # a new origin: streamed into COPY (a million units stay cheap)
            n = self._add_batch(origin, 0, usable())
            self._set_origin(origin, digest, n, skipped[0])
            return n
        kept = list(usable())
        done = 0
        keep = 0
        for _seq, first, n, bdigest in have:
            if first != done or done + n > len(kept) or \
                    batch_digest(kept[done:done + n]) != bdigest:
                break
            done += n
            keep += 1
        gone = [row[0] for row in have[keep:]]
        if gone:
            self._drop(gone)
        if done < len(kept):
            self._add_batch(origin, done, iter(kept[done:]))
        self._set_origin(origin, digest, len(kept), skipped[0])
        return len(kept)

    def _add_batch(self, origin: str, first: int, units: Iterator[dict[str, str]]) -> int:
        """COPY `units` in as a new batch (none if there is no unit); returns how many."""
        s = self.schema
        seq = self._tick()
        h = hashlib.blake2b(digest_size=16)
        langs: set[str] = set()
        n = 0
        with self.db.cursor().copy(f"COPY {s}.units(batch, pos, texts) FROM STDIN") as copy:
            for pos, texts in enumerate(units):
                h.update(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode())
                h.update(b"\n")
                langs.update(texts)
                copy.write_row((seq, pos, json.dumps(texts, ensure_ascii=False)))
                n = pos + 1
        if n:
            self.db.execute(f"INSERT INTO {s}.batches VALUES (%s, %s, %s, %s, %s, %s)",
                            (seq, origin, first, n, h.hexdigest(), " ".join(sorted(langs))))
        return n

    def _set_origin(self, origin: str, digest: str, units: int, skipped: int) -> None:
        s = self.schema
        self.db.execute(
            f"INSERT INTO {s}.origins VALUES (%s, %s, %s, %s, (SELECT seq FROM {s}.clock)) "
            "ON CONFLICT (origin) DO UPDATE SET digest = excluded.digest, "
            "units = excluded.units, skipped = excluded.skipped, seq = excluded.seq",
            (origin, digest, units, skipped))

    def _drop(self, batches: list[int]) -> None:
        s = self.schema
        seq = self._tick()
        self.db.execute(f"UPDATE {s}.batches SET dropped = %s WHERE seq = ANY(%s)",
                        (seq, batches))
        self.db.execute(f"DELETE FROM {s}.units WHERE batch = ANY(%s)", (batches,))

    def forget(self, origin: str) -> int:
        """Remove one origin's units from the shared memory (uploads never do); returns
        how many it held (0: no such origin)."""
        s = self.schema
        with self._errors(), self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
            row = self.db.execute(f"DELETE FROM {s}.origins WHERE origin = %s RETURNING units",
                                  (origin,)).fetchone()
            gone = [r[0] for r in self.db.execute(
                f"SELECT seq FROM {s}.batches WHERE origin = %s AND dropped IS NULL",
                (origin,))]
            if gone:
                self._drop(gone)
        return int(row[0]) if row else 0

    def origins(self) -> list[str]:
        """Every origin on the server, in the order first uploaded."""
        with self._errors():
            return [r[0] for r in self.db.execute(
                f"SELECT origin FROM {self.schema}.origins ORDER BY seq, origin")]

    # --- pulls --------------------------------------------------------------------------

    def seq(self) -> int:
        with self._errors():
            return int(self.db.execute(f"SELECT seq FROM {self.schema}.clock").fetchone()[0])

    def pull(self, since: int, folder: Path) -> Pulled:
        """The batches added and dropped after change `since`, from one snapshot; each
        added batch is written to `folder` as CSV memory files of PART units at most (a
        header of its languages, one unit a row), straight from the server's COPY."""
        s = self.schema
        sql = self._psycopg.sql
        with self._errors(), self.db.transaction():
            self.db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            out = Pulled(int(self.db.execute(f"SELECT seq FROM {s}.clock").fetchone()[0]))
            if out.seq == since:
                return out
            out.dropped = [r[0] for r in self.db.execute(
                f"SELECT seq FROM {s}.batches WHERE seq <= %s AND dropped > %s ORDER BY seq",
                (since, since))]
            added = self.db.execute(
                f"SELECT seq, origin, langs, units FROM {s}.batches WHERE seq > %s AND "
                "dropped IS NULL ORDER BY seq", (since,)).fetchall()
            for seq, origin, langs, units in added:
                columns = langs.split()
                parts = max(1, -(-units // PART))
                for part in range(parts):
                    query = sql.SQL(
                        "COPY (SELECT {} FROM {}.units WHERE batch = {} AND pos >= {} AND "
                        "pos < {} ORDER BY pos) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\t')"
                    ).format(sql.SQL(", ").join(sql.SQL("texts->>{}").format(sql.Literal(lang))
                                                for lang in columns),
                             sql.Identifier(s), sql.Literal(seq), sql.Literal(part * PART),
                             sql.Literal((part + 1) * PART))
                    path = folder / part_name(seq, part)
                    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                    with open(tmp, "wb") as f, self.db.cursor().copy(query) as copy:
                        f.write(("\t".join(columns) + "\n").encode())
                        for block in copy:
                            f.write(block)
                    os.replace(tmp, path)
                out.added.append((seq, origin, parts))
        return out


def part_name(batch: int, part: int) -> str:
    """The replica file holding units PART * part... of a batch."""
    return f"{batch:012d}-{part:04d}.csv"


def local_digests(sources: Sequence[MemorySource],
                  cache: dict[str, list[Any]]) -> list[tuple[MemorySource, str]]:
    """Each file's content hash, taken from `cache` (path -> [size, mtime_ns, hash]) while
    its size and mtime are unchanged; `cache` is updated."""
    out = []
    for src in sources:
        try:
            st = src.path.stat()
        except OSError as e:
            raise TmError(f"cannot read memory file: {e.strerror}", src.path, 1) from None
        key = str(src.path.resolve())
        got = cache.get(key)
        racy = time.time_ns() - st.st_mtime_ns < 3_000_000_000  # may change within a tick
        if not got or got[:2] != [st.st_size, st.st_mtime_ns] or racy:
            got = cache[key] = [st.st_size, st.st_mtime_ns, file_digest(src.path)]
        out.append((src, str(got[2])))
    return out
