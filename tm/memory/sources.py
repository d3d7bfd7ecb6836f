"""What a project's memory consists of, what a refresh of an index did, and where the
local index lives.

A leaf of tm.memory: the SQLite index, the PostgreSQL memory and its replica, and the
package that opens them all read it, so none of them imports another (or the heavy
index) to learn it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from tm.config import Config
from tm.data import BUILTIN_ORIGIN, BUILTIN_TBX

__all__ = ["INDEX_DIR", "INDEX_NAME", "PUBLISH", "MemorySource", "SyncReport",
           "builtin_termbase", "file_digest", "memory_sources", "publishing"]

INDEX_DIR = ".tm"
INDEX_NAME = "index.sqlite"
PUBLISH: ContextVar[bool] = ContextVar("tm_memory_publish", default=True)
"""Whether a sync of a shared memory (memory_url) uploads this project's memory files.
Off under `tm segment --check`: a check may pull the team's units, never publish."""


@contextmanager
def publishing(on: bool) -> Iterator[None]:
    """PUBLISH for the commands run inside (tests run several in one process)."""
    token = PUBLISH.set(on)
    try:
        yield
    finally:
        PUBLISH.reset(token)


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
    forked: list[str] = field(default_factory=list)
    """Files whose postings a forked child built (tm.memory.ingest)."""


def builtin_termbase() -> Path | None:
    """The shipped archival termbase, if this installation has one."""
    return BUILTIN_TBX if BUILTIN_TBX.is_file() else None


def memory_sources(config: Config) -> list[MemorySource]:
    """The files the project's memory consists of, with the origin name each reports."""
    out = [MemorySource(p, config.relative(p)) for p in config.memory_files()]
    builtin = builtin_termbase()
    if config.builtin_terms and builtin is not None:
        out.append(MemorySource(builtin, BUILTIN_ORIGIN))
    return out


def file_digest(path: Path) -> str:
    """A memory file's content hash: what the local index re-reads a file by, and what
    a shared memory compares with the server's copy of its origin."""
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(4 << 20), b""):
            h.update(block)
    return h.hexdigest()


def data_digest(data: bytes) -> str:
    """`file_digest` of a file whose bytes are `data` (read already)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
