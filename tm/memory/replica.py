"""The shared memory's local replica: lookups at the local index's speed.

With `memory_url`, a client keeps a copy of the shared memory under .tm/replica/: each
batch of units pulled from the server is a CSV memory file there (`<batch>.csv`), and a
SqliteIndex over those files answers every lookup with the same code as the local-only
path (so the fills are the same). `state.json` records which server (its memory's id)
the copy is of, the last change number pulled and the batches held.

A sync uploads this project's memory files that changed (tm.memory.pg), then pulls what
changed on the server since the last change number: new batches are written, dropped
ones deleted, and the SqliteIndex re-indexes only those files. With
`memory_offline = "replica"` an unreachable server is one line on stderr and the run
goes on from the copy; the next run that reaches the server catches up.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tm.atomic import atomic_write_bytes
from tm.config import Config
from tm.errors import TmError
from tm.memory.pg import ServerUnreachable, SharedMemory, local_digests, part_name
from tm.memory.pg_schema import schema_name, url_line
from tm.memory.sources import PUBLISH, MemorySource, SyncReport
from tm.redact import redact

if TYPE_CHECKING:
    from tm.memory.formats import MemoryUnit
    from tm.memory.index import SqliteIndex
    from tm.memory.match import Candidate

REPLICA_DIR = Path(".tm") / "replica"
STATE = "state.json"
INDEX = "index.sqlite"

_SERVERS: dict[tuple[str, str, int], SharedMemory] = {}
"""One connection per server and process (a forked child opens its own)."""
_NOTED: set[str] = set()


@dataclass
class State:
    """What the replica holds."""

    server: str = ""
    """The shared memory's id (made with its tables)."""
    seq: int = 0
    """The last change number pulled."""
    batches: list[list[Any]] = field(default_factory=list)
    """[batch, origin, files] in upload order (the files: tm.memory.pg.part_name)."""
    synced: float = 0.0
    """When the replica last reached the server (Unix time)."""
    digests: dict[str, list[Any]] = field(default_factory=dict)
    """This project's memory files' hashes: path -> [size, mtime_ns, hash]."""


def load_state(folder: Path) -> State:
    try:
        data = json.loads((folder / STATE).read_text("utf-8"))
        state = State(**{k: data[k] for k in State.__dataclass_fields__ if k in data})
    except (OSError, ValueError, TypeError):
        return State()
    if not all(isinstance(b, list) and len(b) == 3 for b in state.batches):
        return State()  # another layout: start over
    return state


def save_state(folder: Path, state: State) -> None:
    atomic_write_bytes(folder / STATE, json.dumps(asdict(state)).encode())


def server_for(config: Config) -> SharedMemory:
    """The process's connection to the project's shared memory."""
    url = config.memory_url or ""
    key = (url, schema_name(), os.getpid())
    server = _SERVERS.get(key)
    if server is None or server.db.closed:
        server = _SERVERS[key] = SharedMemory(url, (config.path, url_line(config.path)))
    return server


def forget_connections() -> None:
    """Close this process's connections and forget which servers were unreachable
    (tests that stop a server use it)."""
    _NOTED.clear()
    for key, server in list(_SERVERS.items()):
        if key[2] == os.getpid():
            try:
                server.close()
            except Exception:  # noqa: BLE001 - a connection already gone
                pass
        del _SERVERS[key]


class ReplicaIndex:
    """The MemoryIndex of a project with `memory_url`: the server's units, copied here."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.folder = config.root / REPLICA_DIR
        self.folder.mkdir(parents=True, exist_ok=True)
        self.state = load_state(self.folder)
        self.offline = False
        self._local: SqliteIndex | None = None

    @property
    def local(self) -> SqliteIndex:
        """The SQLite index over the replica's files (opened at the first lookup: a run
        whose advice is all cached only syncs with the server)."""
        if self._local is None:
            from tm.memory.index import SqliteIndex

            self._local = SqliteIndex(self.folder / INDEX,
                                      {r.language for r in self.config.documents})
        return self._local

    def sources(self) -> list[MemorySource]:
        return [MemorySource(self.folder / part_name(seq, part), origin)
                for seq, origin, parts in self.state.batches for part in range(parts)]

    # --- keeping up with the server -----------------------------------------------------

    def sync(self, sources: Sequence[MemorySource]) -> SyncReport:
        """Upload this project's changed memory files, pull what changed on the server,
        and bring the local index up to date with the copy."""
        report = self.refresh(sources)
        self.local.sync(self.sources())
        return report

    def refresh(self, sources: Sequence[MemorySource]) -> SyncReport:
        """The server part of `sync`: upload, then pull into the replica's files."""
        report = SyncReport()
        if (self.config.memory_url or "") in _NOTED:  # found unreachable in this run
            self.offline = True
            return report
        try:
            server = server_for(self.config)
            if PUBLISH.get():
                report = server.upload(local_digests(sources, self.state.digests))
            self._pull(server)
        except ServerUnreachable as e:
            if self.config.memory_offline != "replica":
                raise
            self._note_offline(e)
        return report

    def _pull(self, server: SharedMemory) -> None:
        state = self.state
        if state.server != server.id:  # another memory (or one made again): start over
            state.server, state.seq, state.batches = server.id, 0, []
        pulled = server.pull(state.seq, self.folder)
        if pulled.seq != state.seq:
            gone = set(pulled.dropped)
            state.batches = [b for b in state.batches if b[0] not in gone]
            state.batches += [[seq, origin, parts] for seq, origin, parts in pulled.added]
            state.seq = pulled.seq
        state.synced = time.time()
        save_state(self.folder, state)
        keep = {src.path.name for src in self.sources()}
        for path in self.folder.glob("*.csv"):
            if path.name not in keep:
                path.unlink(missing_ok=True)

    def _note_offline(self, e: TmError) -> None:
        self.offline = True
        url = self.config.memory_url or ""
        if url in _NOTED:
            return
        _NOTED.add(url)
        when = (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.state.synced))
                if self.state.synced else "never")
        print(f"tm: note: shared memory {redact(url)} unreachable ({e.what}); working from "
              f"the local replica (last synced {when}; memory_offline = \"replica\")",
              file=sys.stderr)
        save_state(self.folder, self.state)  # the hashes taken meanwhile

    def add_units(self, source: MemorySource, units: Iterable[MemoryUnit]) -> int:
        """Put one origin's units on the server (in place of what it held) and pull."""
        server = server_for(self.config)
        n = server.add_units(source.origin, units)
        self._pull(server)
        self.local.sync(self.sources())
        return n

    def forget(self, origin: str) -> int:
        """Remove an origin from the shared memory (and from this copy)."""
        server = server_for(self.config)
        n = server.forget(origin)
        self._pull(server)
        self.local.sync(self.sources())
        return n

    def stamp(self) -> str:
        """Which state of the shared memory this copy holds (for the advice cache)."""
        return f"{self.state.server}:{self.state.seq}"

    # --- lookups: the local index -------------------------------------------------------

    def exact(self, texts: Sequence[str], source_lang: str,
              target_lang: str) -> dict[str, list[Candidate]]:
        return self.local.exact(texts, source_lang, target_lang)

    def candidates(self, texts: Sequence[str], source_lang: str, target_lang: str,
                   limit: int | None = None) -> list[list[Candidate]]:
        if limit is None:  # the local index's own default
            return self.local.candidates(texts, source_lang, target_lang)
        return self.local.candidates(texts, source_lang, target_lang, limit)

    def units(self) -> Iterator[MemoryUnit]:
        return self.local.units()

    def languages(self) -> set[str]:
        return self.local.languages()

    def origins(self) -> list[str]:
        """Every origin in the shared memory (as last pulled), in upload order."""
        return list(dict.fromkeys(origin for _, origin, _ in self.state.batches))

    def close(self) -> None:
        if self._local is not None:
            self._local.close()


def replica_stamp(config: Config) -> str:
    """Sync the project's replica with the server and say which state it holds: what
    the advice cache keys its answers on when the memory is shared."""
    from tm.memory.sources import memory_sources

    index = ReplicaIndex(config)
    index.refresh(memory_sources(config))  # the local index is synced when first used
    return index.stamp()


def forget_origin(config: Config, origin: str) -> int:
    """`tm memory forget ORIGIN`: remove an origin's units from the shared memory (with
    memory_url) or from the local index; returns how many units it held."""
    from tm.memory.index import SqliteIndex
    from tm.memory.sources import INDEX_DIR, INDEX_NAME, memory_sources

    if config.memory_url:
        index = ReplicaIndex(config)
        try:
            n = index.forget(origin)
            known = index.origins()
        finally:
            index.close()
    else:
        files = [s for s in memory_sources(config) if s.origin == origin]
        if files:
            raise TmError(f"{origin} is a memory file of this project", files[0].path, 1,
                          "the local index follows memory/: delete or move the file")
        local = SqliteIndex(config.root / INDEX_DIR / INDEX_NAME)
        try:
            before = [u for u in local.units() if u.extra.get("origin") == origin]
            local.sync(memory_sources(config))  # drops what memory/ no longer has
            known = sorted(set(local.origins().values()))
        finally:
            local.close()
        n = len(before)
    if n == 0:
        shown = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
        raise TmError(f"no units from {origin!r} in the memory", config.path, None,
                      f"origins: {shown}" if known else "the memory is empty")
    return n
