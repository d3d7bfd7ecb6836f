"""Work a re-run need not do again: units already cut, lines already wrapped, in .tm/.

Cutting a 4.4 MB document's units into sentences and wrapping its template and
catalogs as msgcat does are half of a run that changed one paragraph. Both depend only
on the text and tm's code (the sentence rules are data in tm's package; the line
breaks also come from unicode-segmentation-rs), so a run keeps the spans and lines it
used in `.tm/` under a key of tm's code stamp and that library, and the next run takes
them from there: it cuts and wraps only the text that changed.

Safe to delete; a damaged or stale file is ignored; writing is best effort.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from tm import po_write, segment, shards
from tm.advice_cache import CACHE_DIR, code_stamp
from tm.atomic import atomic_write_bytes
from tm.config import Config
from tm.formats import markdown_runs
from tm.segment import runs

SCHEMA = b"tm-work-4"
MAX_KEPT = 250_000
"""Entries kept from earlier runs besides this run's (a bound on each file's size)."""
WHOLE_BYTES = 8 << 20
"""Size from which a file read whole (the Markdown runs and their segments) keeps only
what this run used when that is under a third of it: a document cut into one run (a
CRLF file, say) adds a copy of itself at every edit, which no later run can use."""


def _memos() -> dict[str, tuple[dict[Any, Any], Any, str, bool]]:
    """File name -> (what this process used, the module and the name of what earlier
    runs left, whether that dict is replaced by the file's `tm.shards.Sharded`, read as
    texts are looked up: else the file is read into it whole). A run looks up the cuts
    of the units of the Markdown runs it cuts again, and the wrapped lines of the few
    entries it formats (tm.segment.runs keeps the rest); the Markdown runs and their
    segments are looked up every one (and the runs' dict is imported by name elsewhere:
    tm.source)."""
    return {"quoted.bin": (po_write.QUOTED, po_write, "EARLIER_QUOTED", True),
            "split.bin": (segment.SPLITS, segment, "EARLIER_SPLITS", True),
            "runs.bin": (markdown_runs.RUNS, markdown_runs, "EARLIER_RUNS", False),
            "segments.bin": (runs.RUN_SEGMENTS, runs, "EARLIER_RUN_SEGMENTS", False)}


Marks = tuple[int, ...]


def marks() -> Marks:
    """How many entries this process's memos hold now (`added_since` then says what
    cutting a document added: a worker that cuts documents sends it with them)."""
    return tuple(len(used) for used, _module, _attr, _lazy in _memos().values())


def added_since(before: Marks) -> list[dict[Any, Any]]:
    """Per memo, the entries added since `marks()` gave `before` (a dict keeps its
    insertion order: the newest are read from its end). A memo emptied meanwhile (it
    outgrew its bound) may give fewer: what is missing is only cut again next time."""
    out: list[dict[Any, Any]] = []
    for (used, _module, _attr, _lazy), n in zip(_memos().values(), before, strict=True):
        added = len(used) - n if len(used) >= n else len(used)
        out.append(dict(islice(reversed(used.items()), added)) if added > 0 else {})
    return out


def take(added: list[dict[Any, Any]]) -> None:
    """Keep in this process's memos what another process's `added_since` gave."""
    for (used, _module, _attr, _lazy), entries in zip(_memos().values(), added,
                                                       strict=True):
        used.update(entries)


_LOADED: set[Path] = set()


def _key() -> bytes:
    """tm's code and the installed line-break library (another version may break
    elsewhere)."""
    import unicode_segmentation_rs as lib

    where = lib.__file__ or ""
    try:
        st = os.stat(where)
        lib_stamp = f"{where}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        lib_stamp = where
    h = hashlib.blake2b(f"{code_stamp()}\n{lib_stamp}".encode(), digest_size=16)
    return SCHEMA + b" " + h.hexdigest().encode() + b"\n"


_WHOLE: set[Path] = set()
"""Files read whole under this tm's key: a run appends what it adds to them."""


def load(config: Config) -> None:
    """Make what earlier runs cut and wrapped available to tm.segment and tm.po_write (once a
    process and project)."""
    folder = config.root / CACHE_DIR
    if folder in _LOADED:
        return
    _LOADED.add(folder)
    key = _key()
    for name, (_used, module, attr, lazy) in _memos().items():
        _WHOLE.discard(folder / name)
        kept, whole = shards.load(folder / name, key)
        if kept is None:
            continue
        if lazy:
            dict.update(kept, getattr(module, attr))  # what this process has: the newest
            setattr(module, attr, kept)
        else:
            getattr(module, attr).update(kept.everything())
            kept.close()
        if whole:
            _WHOLE.add(folder / name)


def _append(path: Path, key: bytes, chunk: bytes) -> bool:
    """Add a chunk at the end of a file written under `key`; False if it is not one."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block, a device not end
            return False
        with open(path, "r+b") as f:
            if f.readline(len(key)) != key:
                return False
            f.seek(0, os.SEEK_END)
            f.write(chunk)
        return True
    except OSError:
        return False


def _outgrown(path: Path, adding: int, used: dict[Any, Any]) -> bool:
    """Whether a file read whole, `adding` bytes more, would be over `WHOLE_BYTES` and
    over three times what this run used."""
    try:
        size = os.stat(path).st_size + adding
    except OSError:
        return False
    return size > WHOLE_BYTES and size > 3 * len(shards.chunk(used))


def save(config: Config) -> None:
    """Keep what this run used, and what earlier runs left while not too much (this
    process's memos then hold both): what this run added is appended to the file it
    read, the file is written anew when it was not read or holds too much."""
    for write in pack(config):
        write()


def pack(config: Config) -> list[Callable[[], None]]:
    """What `save` would write now, worked out ahead without touching a file: each of the
    returned calls writes one file (and marks what it holds as kept). A run packs while
    the advisor's worker is still advising and writes only once it has succeeded (a run
    that fails on a broken catalog changes nothing); `save` then keeps what came after."""
    folder = config.root / CACHE_DIR
    key = b""
    out: list[Callable[[], None]] = []
    for name, (used, module, attr, sharded) in _memos().items():
        path = folder / name
        earlier = getattr(module, attr)
        new = {k: v for k, v in used.items() if k not in earlier}
        if not new:
            continue
        key = key or _key()
        lazy = earlier if isinstance(earlier, shards.Sharded) else None
        size = len(earlier) if lazy is None else lazy.total()
        damaged = lazy is not None and lazy.damaged  # a shard failed its check: anew
        outgrown = False
        if path in _WHOLE and not damaged and size + len(new) <= MAX_KEPT:
            piece = shards.chunk(new)
            outgrown = not sharded and _outgrown(path, len(piece), used)
            if not outgrown:
                out.append(partial(_append_or_write, path, key, piece, new, earlier, sharded))
                continue
        clear = size > MAX_KEPT or outgrown
        if not clear and lazy is not None:
            lazy.everything()
        rows = dict(used) if clear else {**earlier, **used}  # the texts are not copied
        out.append(partial(_write_whole, path, key, _dumped(rows, sharded), rows, earlier,
                           clear))
    return out


def _dumped(rows: dict[Any, Any], sharded: bool) -> bytes:
    return shards.dump(rows) if sharded else shards.chunk(rows)  # as the file is read


def _append_or_write(path: Path, key: bytes, piece: bytes, new: dict[Any, Any],
                     earlier: dict[Any, Any], sharded: bool) -> None:
    if _append(path, key, piece):
        earlier.update(new)
        return
    rows = {**earlier, **new}
    _write_whole(path, key, _dumped(rows, sharded), rows, earlier, False)


def _write_whole(path: Path, key: bytes, data: bytes, rows: dict[Any, Any],
                 earlier: dict[Any, Any], clear: bool) -> None:
    if clear:
        earlier.clear()
    earlier.update(rows)
    try:
        atomic_write_bytes(path, key + data)
        _WHOLE.add(path)
    except (OSError, ValueError):
        _WHOLE.discard(path)
