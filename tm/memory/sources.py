"""What a project's memory consists of, and where its local index lives.

A leaf of tm.memory: the SQLite index, the PostgreSQL replica and the package that opens
either of them all read it, so none of them imports another to learn it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tm.config import Config
from tm.data import BUILTIN_ORIGIN, BUILTIN_TBX

if TYPE_CHECKING:
    from tm.memory.index import MemorySource

__all__ = ["INDEX_DIR", "INDEX_NAME", "builtin_termbase", "memory_sources"]

INDEX_DIR = ".tm"
INDEX_NAME = "index.sqlite"


def builtin_termbase() -> Path | None:
    """The shipped archival termbase, if this installation has one."""
    return BUILTIN_TBX if BUILTIN_TBX.is_file() else None


def memory_sources(config: Config) -> list[MemorySource]:
    """The files the project's memory consists of, with the origin name each reports."""
    from tm.memory.index import MemorySource

    out = [MemorySource(p, config.relative(p)) for p in config.memory_files()]
    builtin = builtin_termbase()
    if config.builtin_terms and builtin is not None:
        out.append(MemorySource(builtin, BUILTIN_ORIGIN))
    return out
