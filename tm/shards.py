"""A dict kept in a file of .tm/ in shards, read shard by shard as its keys are asked for.

A re-run after a one-paragraph edit of a 4.4 MB document asks the advice cache about a
handful of sentences and the wrapped-lines memo about a handful of strings; reading
either whole costs a tenth of a second (10 MB of marshal data, and as much memory
touched). So such a dict is written as SHARDS marshal dicts, by a stable hash of the
key, behind a table of their sizes and checks; `Sharded` reads the shard a key falls in
at the first lookup of a key of it (positioned reads from the file it opened, so a file
replaced meanwhile by another run is not mixed in).

A written dict is one chunk of the files tm.workcache and tm.advice_cache keep: an 8-byte
size (its top bit set for this kind), a 16-byte check of the table, the table, the
shards. A damaged shard reads as empty (its keys are computed again).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
import zlib
from typing import Any

from tm.atomic import open_cache

SHARDS = 64
SHARDED = 1 << 63
"""Set in a chunk's size: the chunk holds shards (else one marshal dict)."""
_ENTRY = struct.Struct("<QQ16s")  # a shard's size, its number of keys, its check


def check(data: bytes) -> bytes:
    """What tells whole bytes from damaged ones (SHA-256: in hardware on most
    processors)."""
    return hashlib.sha256(data).digest()[:16]


def shard_of(key: object) -> int:
    """The shard of a key: a str, bytes, or a tuple whose first item is one (the text, in
    tm's memos); the same in every process (str's hash() is salted per process)."""
    if type(key) is tuple:
        key = key[0]
    if type(key) is str:
        return zlib.crc32(key.encode("utf-8", "surrogatepass")) & (SHARDS - 1)
    if type(key) is bytes:
        return zlib.crc32(key) & (SHARDS - 1)
    return zlib.crc32(repr(key).encode("utf-8", "surrogatepass")) & (SHARDS - 1)


def chunk(rows: dict[Any, Any]) -> bytes:
    """`rows` as a plain chunk (appended after a file's first: read whole by `load`)."""
    data = marshal.dumps(rows)
    return len(data).to_bytes(8, "little") + check(data) + data


def dump(rows: dict[Any, Any]) -> bytes:
    """`rows` as a sharded chunk."""
    parts: list[dict[Any, Any]] = [{} for _ in range(SHARDS)]
    for (key, value), i in zip(rows.items(), map(shard_of, rows), strict=True):
        parts[i][key] = value
    blobs = [marshal.dumps(part) for part in parts]
    table = b"".join(_ENTRY.pack(len(blob), len(part), check(blob))
                     for blob, part in zip(blobs, parts, strict=True))
    size = len(table) + sum(map(len, blobs))
    return (size | SHARDED).to_bytes(8, "little") + check(table) + table + b"".join(blobs)


class Sharded(dict[Any, Any]):
    """The rows read so far (and set since) of a dict written by `dump`; the rest are
    read from its file shard by shard, at the first lookup of a key of each. Rows set
    before their shard is read win over the shard's (they are newer)."""

    def __init__(self, rows: dict[Any, Any] | None = None) -> None:
        super().__init__(rows or {})
        self._fd = -1
        self._shards: list[tuple[int, int, int, bytes] | None] = []
        """Per shard: offset, size, keys, check; None once read."""
        self._unread = 0
        self.damaged = False
        """A shard failed its check when read (its keys are missing: write it anew)."""

    @classmethod
    def read(cls, fd: int, at: int, head: bytes) -> Sharded | None:
        """The dict of the sharded chunk at offset `at` of the file open as `fd` (which
        it keeps, or closes), whose size and check (24 bytes) are `head`; None if its
        table is damaged."""
        size = int.from_bytes(head[:8], "little") & ~SHARDED
        table_size = _ENTRY.size * SHARDS
        try:
            table = os.pread(fd, table_size, at + 24)
        except OSError:
            os.close(fd)
            return None
        if len(table) != table_size or check(table) != head[8:24] or size < table_size:
            os.close(fd)
            return None
        try:
            complete = os.fstat(fd).st_size >= at + 24 + size
        except OSError:
            complete = False
        if not complete:  # cut short (a copy or a disk that failed)
            os.close(fd)
            return None
        out = cls()
        out._fd = fd
        where = at + 24 + table_size
        for i in range(SHARDS):
            length, keys, digest = _ENTRY.unpack_from(table, i * _ENTRY.size)
            out._shards.append((where, length, keys, digest) if keys else None)
            where += length
        out._unread = sum(1 for s in out._shards if s is not None)
        if where != at + 24 + size:
            out.close()
            return None
        return out

    def _load(self, i: int) -> None:
        shard = self._shards[i]
        self._shards[i] = None
        self._unread -= 1
        if shard is None:  # pragma: no cover - callers check
            return
        where, length, _keys, digest = shard
        try:
            blob = os.pread(self._fd, length, where)
            rows = marshal.loads(blob) if check(blob) == digest else None
        except (OSError, ValueError, EOFError, TypeError):
            rows = None
        if not isinstance(rows, dict):
            self.damaged = True
        else:
            for key in rows.keys() & self.keys():  # set since: newer, kept
                del rows[key]
            super().update(rows)
        if not self._unread:
            self.close()

    def _find(self, key: Any) -> bool:
        """Whether `key` is here, its shard read first if it was not."""
        if super().__contains__(key):
            return True
        if self._unread:
            i = shard_of(key)
            if self._shards[i] is not None:
                self._load(i)
                return super().__contains__(key)
        return False

    def __contains__(self, key: object) -> bool:
        return self._find(key)

    def __missing__(self, key: Any) -> Any:
        if self._find(key):
            return super().__getitem__(key)
        raise KeyError(key)

    def get(self, key: Any, default: Any = None) -> Any:
        return super().__getitem__(key) if self._find(key) else default

    def everything(self) -> Sharded:
        """This dict with every shard read (to write it whole)."""
        for i, shard in enumerate(self._shards):
            if shard is not None:
                self._load(i)
        return self

    def total(self) -> int:
        """Rows read and unread (those of a shard and also set since count twice)."""
        return len(self) + sum(s[2] for s in self._shards if s is not None)

    def clear(self) -> None:
        super().clear()
        self._shards = [None] * len(self._shards)
        self._unread = 0
        self.close()

    def close(self, _close: Any = os.close) -> None:
        """Close the file (`_close` is bound here: `__del__` may run at interpreter exit,
        after the module's globals are gone)."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            try:
                _close(fd)
            except OSError:
                pass

    def __del__(self) -> None:
        self.close()


def _plain(head: bytes, body: bytes) -> dict[Any, Any] | None:
    """The rows of a plain chunk (its 24-byte head, its body), None if damaged."""
    if len(body) != int.from_bytes(head[:8], "little") or check(body) != head[8:24]:
        return None
    try:
        rows = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    return rows if isinstance(rows, dict) else None


def load(path: os.PathLike[str] | str, key: bytes) -> tuple[Sharded | None, bool]:
    """The dict kept in `path` after the line `key` (None: no such file, or another
    key): its first chunk may be sharded (read as needed), the chunks after it are plain
    (read now; later ones win). Whether every chunk was whole: reading stops at the
    first damaged one."""
    try:
        f = open_cache(path)
        end = os.fstat(f.fileno()).st_size
    except OSError:
        return None, False
    out: Sharded | None = None
    plain: list[dict[Any, Any]] = []
    whole = True
    with f:
        if f.readline(len(key)) != key:
            return None, False
        while head := f.read(24):
            at = f.tell() - len(head)
            size = int.from_bytes(head[:8], "little")
            if len(head) < 24 or (size & ~SHARDED) > end - at - 24:  # damaged, cut short
                whole = False
                break
            if size & SHARDED:
                got = (None if out is not None or plain
                       else Sharded.read(os.dup(f.fileno()), at, head))
                if got is None:
                    whole = False
                    break
                out = got
                f.seek(at + 24 + (size & ~SHARDED))
                continue
            rows = _plain(head, f.read(size))
            if rows is None:
                whole = False
                break
            plain.append(rows)
    out = Sharded() if out is None else out
    for rows in plain:
        dict.update(out, rows)
    return out, whole


def read_chunks(data: bytes) -> tuple[list[dict[Any, Any]], bool]:
    """The chunks of a file's bytes (after its key line), each read whole, up to the
    first damaged one; whether all were whole (for tests and tools: tm reads a file with
    `load`)."""
    out: list[dict[Any, Any]] = []
    at = 0
    while at < len(data):
        head = data[at:at + 24]
        size = int.from_bytes(head[:8], "little")
        end = at + 24 + (size & ~SHARDED)
        rows = (_undump(data[at:end]) if size & SHARDED
                else _plain(head, data[at + 24:end]))
        if rows is None:
            return out, False
        out.append(rows)
        at = end
    return out, True


def _undump(chunk: bytes) -> dict[Any, Any] | None:
    """The rows of a sharded chunk given whole (None: damaged)."""
    size = int.from_bytes(chunk[:8], "little") & ~SHARDED
    table_size = _ENTRY.size * SHARDS
    table = chunk[24:24 + table_size]
    if len(chunk) < 24 + size or check(table) != chunk[8:24]:
        return None
    out: dict[Any, Any] = {}
    where = 24 + table_size
    for i in range(SHARDS):
        length, _keys, digest = _ENTRY.unpack_from(table, i * _ENTRY.size)
        blob = chunk[where:where + length]
        where += length
        if check(blob) != digest:
            return None
        out.update(marshal.loads(blob))
    return out
