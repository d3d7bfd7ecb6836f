"""The translation memory: files under memory/ (plus the shipped termbase), an index
under .tm/, and the advisor that pre-fills catalogs from them.

    >>> from tm.config import load_config                          # doctest: +SKIP
    >>> advisor = project_advisor(load_config())                   # doctest: +SKIP
    >>> advisor.advise(["In June 1927, Trotsky spoke."], "en", "ru")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tm.config import Config
from tm.memory.sources import (
    INDEX_DIR,
    INDEX_NAME,
    MemorySource,
    SyncReport,
    builtin_termbase,
    memory_sources,
)

if TYPE_CHECKING:
    from tm.advice_cache import CachedAdvisor
    from tm.memory.advisor import Helpers, MemoryAdvisor
    from tm.memory.formats import MemoryUnit, read_memory
    from tm.memory.index import MemoryIndex, SqliteIndex

__all__ = [
    "MemoryAdvisor", "MemoryIndex", "MemorySource", "MemoryUnit", "SqliteIndex", "SyncReport",
    "builtin_termbase", "load_helpers", "memory_sources", "open_index", "project_advisor",
    "read_memory",
]

_LAZY = {"Helpers": "advisor", "MemoryAdvisor": "advisor", "MemoryUnit": "formats",
         "read_memory": "formats", "MemoryIndex": "index",
         "SqliteIndex": "index"}


def __getattr__(name: str) -> Any:
    """The index, reader and advisor are imported when first used, so that a run whose
    advice is all cached (tm.advice_cache) never loads them (numpy, rapidfuzz, SQLite)."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f"tm.memory.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_index(config: Config, sync: bool = True) -> MemoryIndex:
    """The project's index, brought up to date with the memory files unless `sync` is off."""
    if config.memory_url:  # a replica of the shared memory, looked up locally
        from tm.memory.replica import ReplicaIndex

        index: MemoryIndex = ReplicaIndex(config)
    else:
        from tm.memory.index import SqliteIndex

        index = SqliteIndex(config.root / INDEX_DIR / INDEX_NAME,
                            {rule.language for rule in config.documents})
    if sync:
        index.sync(memory_sources(config))
    return index


def load_helpers(config: Config) -> Helpers:
    """The project's termbase (term hints) and tm.citations (citation conversions)."""
    from tm.citations import convert_citation, find_citations
    from tm.memory.advisor import Helpers
    from tm.terms import hint_lines, load_termbase

    h = Helpers(convert_citation=convert_citation, find_citations=find_citations)
    termbase = load_termbase(config)
    if len(termbase):
        h.termbase, h.hint_lines = termbase, hint_lines
    return h


def project_advisor(config: Config) -> CachedAdvisor:
    """What `tm segment` pre-fills from: the synced index, terms and citations (opened
    and loaded at the first lookup), behind the advice cache in .tm/ that answers for
    every msgid already advised while the memory, the termbase and tm are unchanged."""
    from tm.advice_cache import CachedAdvisor

    def make() -> MemoryAdvisor:  # imported only when some msgid is not in the cache
        from tm.memory.advisor import MemoryAdvisor

        return MemoryAdvisor(lambda: open_index(config), config.fuzzy_threshold,
                             lambda: load_helpers(config))

    def reopen(advisor: object) -> None:  # a forked copy opens its own connection
        from tm.memory.advisor import MemoryAdvisor

        if isinstance(advisor, MemoryAdvisor):
            advisor._index = lambda: open_index(config, sync=False)

    def warm() -> None:  # what loading the advisor imports first (no file is touched)
        for name in ("numpy", "tm.citations", "tm.terms", "tm.memory.advisor",
                     "tm.memory.index"):
            importlib.import_module(name)

    return CachedAdvisor(config, make, reopen, warm)
