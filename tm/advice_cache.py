"""Work in proportion to what changed: advice and finished documents remembered in .tm/.

A `tm segment` run advises every sentence (memory matches, term hints, citations), and
a re-run would advise the same sentences against the same memory again. This module
keeps each Suggestion per (msgid, source language, target language) under a
fingerprint of the memory's state taken from file stats alone (memory files, the
shipped termbase, the threshold, tm itself), so a run over unchanged sentences neither
opens the index nor loads the termbase; any change to any of them drops the cache.

It also remembers, per document, a hash of what a run read and wrote (source, template,
catalogs, configuration, memory fingerprint): when all of it is unchanged, the document
is up to date and is not segmented again. Any edit to a catalog changes its hash, so a
translator's work is always merged, never skipped.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from tm import shards
from tm.atomic import atomic_write_bytes, holds, open_cache, pieces
from tm.config import Config
from tm.model import Suggestion
from tm.twoends import MISSING, Round, TwoEnds, Work, Worker, fill_missing

CACHE_DIR = ".tm"
SCHEMA = b"tm-advice-4"
_Row = tuple[str | None, bool, tuple[str, ...], str | None]
RACY_NS = 3_000_000_000
"""A memory file modified this recently is also hashed: its size and mtime could stay
the same through another edit within the file system's timestamp granularity (whole
seconds, or two, on FAT, HFS+ and ext3)."""
RACY_FINE_NS = 100_000_000
"""The same for a file whose mtime has a fraction of a second (ext4, XFS, Btrfs, tmpfs,
APFS, NTFS: their clock ticks in milliseconds at most). Then a run that follows the
file's writer (`tm learn && tm segment`) keys its advice as the runs after it do: a
key with the content hash that later runs do not make cost a second full advice."""


def _racy_ns(mtime_ns: int) -> int:
    """How long after `mtime_ns` the file may still change without its mtime changing:
    a timestamp in whole seconds is taken for a file system that keeps no more."""
    return RACY_NS if mtime_ns % 1_000_000_000 == 0 else RACY_FINE_NS


class Advisor(Protocol):
    def advise(self, msgids: Sequence[str], source_lang: str,
               target_lang: str) -> Mapping[str, Suggestion]: ...


_STAMP: list[str] = []
LIBRARIES = ("markdown_it", "mdit_py_plugins", "unicode_segmentation_rs", "rapidfuzz",
             "pymorphy3", "pymorphy3_dicts_ru")
"""What tm's outputs depend on besides its own files: the Markdown parser and its plugins
(the blocks and their text), the line-break library (wrapping), rapidfuzz (scores),
the morphology and its dictionaries (term hints)."""


def code_stamp() -> str:
    """tm's version and the size and mtime of its modules and data (a changed tm may
    advise differently, an upgraded one as much as one edited in place), and of the
    libraries its outputs depend on (each package's folder and first module: both
    change when it is upgraded or reinstalled). Every cache in .tm/ is kept under it."""
    if not _STAMP:
        import importlib.util

        import tm

        root = Path(tm.__file__).parent
        parts = [tm.__version__, sys.version]
        for folder, _dirs, files in sorted(os.walk(root)):
            for name in sorted(files):
                if name.endswith((".py", ".tbx", ".tsv", ".srx", ".json", ".toml", ".txt")):
                    st = os.stat(os.path.join(folder, name))
                    parts.append(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}")
        for lib in LIBRARIES:
            try:
                spec = importlib.util.find_spec(lib)
            except (ImportError, ValueError):
                spec = None
            origin = spec.origin if spec is not None and spec.origin else ""
            for where in (origin, os.path.dirname(origin)) if origin else ():
                try:
                    st = os.stat(where)
                    parts.append(f"{lib}:{where}:{st.st_size}:{st.st_mtime_ns}")
                except OSError:
                    parts.append(f"{lib}:{where}:?")
            if not origin:
                parts.append(f"{lib}:absent")
        _STAMP.append(hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest())
    return _STAMP[0]


def memory_fingerprint(config: Config) -> str | None:
    """A hash of everything the advice depends on, from stats only; for a shared
    (PostgreSQL) memory also the state of its replica, synced with the server first."""
    parts = [code_stamp(), repr(config.fuzzy_threshold), repr(config.builtin_terms),
             repr(sorted({rule.language for rule in config.documents}))]
    if config.memory_url:
        from tm.memory.replica import replica_stamp

        parts.append(replica_stamp(config))
    now = time.time_ns()
    for path in config.memory_files():
        st = path.stat()
        parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        if now - st.st_mtime_ns < _racy_ns(st.st_mtime_ns):  # may change again unseen
            parts.append(hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest())
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _line(key: str) -> bytes:
    """The first line of a cache file written under `key`."""
    return SCHEMA + b" " + key.encode() + b"\n"


def _read(path: Path, key: str) -> object:
    """The payload of a cache file written under `key`, or None (missing, stale, damaged,
    not a regular file)."""
    line = _line(key)
    try:
        with open_cache(path) as f:
            if f.readline(len(line)) != line:
                return None
            return marshal.loads(f.read())
    except (OSError, ValueError, EOFError, TypeError, MemoryError):
        return None


def _write(path: Path, key: str, payload: dict[Any, Any]) -> None:
    """Write atomically; a cache that cannot be written is only a slower next run."""
    try:
        atomic_write_bytes(path, SCHEMA + b" " + key.encode() + b"\n" + marshal.dumps(payload))
    except (OSError, ValueError):
        pass


JOURNAL_MIN = 2000
"""Rows a journal may hold however small the cache is."""


def _journal_path(path: Path) -> Path:
    return path.with_suffix(".log")


def _read_journal(path: Path, key: str, into: dict[str, _Row]) -> int:
    """Apply the rows of `path`'s journal, if written under `key`, to `into`; how many.
    Its records are checked chunks (tm.shards.chunk): a record cut short (a run killed
    while appending) or damaged ends the journal there, and -1 says so (the next save
    writes the cache whole: nothing is ever appended after a torn record)."""
    journal = _journal_path(path)
    if not os.path.lexists(journal):
        return 0
    got, whole = shards.load(journal, _line(key))
    if got is None:
        return -1  # another state of the memory, or unreadable: write the cache whole
    into.update(got)
    return len(got) if whole else -1


def _append(path: Path, key: str, rows: dict[str, _Row], first: bool) -> None:
    """Append one record to a journal (a new journal is written whole, with its key)."""
    data = shards.chunk(rows)
    try:
        if first:
            atomic_write_bytes(path, _line(key) + data)
        else:
            with open(path, "ab") as f:
                f.write(data)
    except (OSError, ValueError):
        _drop(path)


def _drop(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _write_whole(path: str, line: bytes, rows: dict[str, _Row]) -> None:
    """A pair's cache file written whole (its journal dropped); best effort."""
    try:
        atomic_write_bytes(Path(path), line + shards.dump(rows))
    except (OSError, ValueError):
        pass
    _drop(_journal_path(Path(path)))


def _write_in_worker(whole: tuple[str, bytes, dict[str, _Row]], a: int, b: int
                     ) -> list[bool]:
    _write_whole(*whole)
    return [True]


HAND_OVER_MIN = 5000
"""Rows from which a cache file written whole is handed to the worker, if one runs
(a 4.4 MB document's 34,000: about 0.2 s less at the end of its first run)."""


EXPECTED: list[tuple[str, str]] = []
"""In the advisor's worker: (text, language) of the sentences it cut for this process
(tm.cutting), which it advises while it waits for the next list (`expect`)."""
IDLE_CHUNK = 32
"""Sentences advised at a time while the worker waits: it looks for a list between."""


def expect(texts: Sequence[str], language: str) -> None:
    """Sentences this worker cut, whose advice the `advise` list will likely ask for:
    advised while the worker would otherwise wait for this process to finish the cut
    (their rows are then taken from what it found, the same as advising them then)."""
    EXPECTED.extend((t, language) for t in dict.fromkeys(texts))


def _row(s: Suggestion) -> _Row:
    return (s.translation, s.fuzzy, tuple(s.comments), s.source)


class CachedAdvisor:
    """Asks the real advisor (made by `make` at the first miss) only about msgids it has
    not advised under the current memory fingerprint; remembers the answers in .tm/."""

    def __init__(self, config: Config, make: Callable[[], Advisor],
                 reopen: Callable[[Advisor], None] | None = None,
                 warm: Callable[[], None] | None = None) -> None:
        """`reopen(advisor)`, if given, makes a forked copy of the real advisor open its
        own connections: then many misses are advised on two cores even where no worker was
        prepared (`begin`, tm.twoends.TwoEnds). `warm()`, if given, imports what making
        the real advisor imports, touching no file: this process calls it while the
        worker is still setting up, when it will likely share many misses with it."""
        self.fingerprint = memory_fingerprint(config)
        self.folder = config.root / CACHE_DIR
        self._make = make
        self._reopen = reopen
        self._warm = warm
        self._inner: Advisor | None = None
        self._known: dict[tuple[str, str], dict[str, _Row]] = {}
        self._journal: dict[tuple[str, str], int] = {}
        """Rows in each pair's journal (-1: its cache file must be written whole)."""
        self.unsaved: dict[tuple[str, str], list[str]] = {}
        self._worker: Worker | None = None
        self._saving: list[tuple[Round, tuple[str, bytes, dict[str, _Row]]]] = []
        """Cache files the worker was handed to write (`save`)."""
        self.asked = 0
        """msgids the real advisor was asked about in this process (for tests and benches)."""

    @property
    def inner(self) -> Advisor:
        if self._inner is None:
            self._inner = self._make()
        return self._inner

    def prepare(self, pairs: Sequence[tuple[str, str]],
                kinds: Mapping[str, Callable[[Any], Work]] | None = None) -> None:
        """Fork a worker (tm.twoends.Worker) that loads the real advisor for `pairs`, and
        builds what it keeps on disk (the index synced with the memory files, the
        termbase's tries), while this process cuts the documents; `begin` then hands it
        the misses. `kinds` names other work it can share (`share`): data -> work over
        its items. `release()` ends it. Best effort: a worker that fails leaves the
        work (and its error message) to this process."""
        if (self._inner is not None or self._worker is not None or self.fingerprint is None
                or _cores() <= 1):
            return
        others = dict(kinds or {})

        def setup() -> tuple[Callable[[Any], Work], Callable[[], bool]]:
            inner = self.inner  # made in the child: its own index connection
            for source_lang, target_lang in pairs:
                inner.advise(["Prepare."], source_lang, target_lang)
            ahead: dict[tuple[str, str, str], _Row] = {}

            def idle() -> bool:
                if not EXPECTED:
                    return False
                batch = EXPECTED[:IDLE_CHUNK]
                del EXPECTED[:IDLE_CHUNK]
                items = [(t, s, g) for t, lang in batch for s, g in pairs  # not cached
                         if s == lang and (t, s, g) not in ahead and t not in self.known(s, g)]
                ahead.update(zip(items, _rows(inner, items), strict=True))
                return True

            def serve(payload: Any) -> Work:
                kind, data = payload
                if kind == "advise":
                    EXPECTED.clear()  # what is not advised yet is advised in this list
                    return lambda a, b: _rows_ahead(inner, data[a:b], ahead)
                if kind == "save":
                    return partial(_write_in_worker, data)
                return others[kind](data)
            return serve, idle

        def teardown() -> None:  # the worker's index connection, closed cleanly
            index = getattr(self._inner, "_index", None)
            close = getattr(index, "close", None)
            if callable(close):
                close()

        self._worker = Worker.start(setup, teardown)

    def share(self, kind: str, data: Any, n: int, mine: Work, chunk: int = 64) -> list[Any]:
        """The results of `mine(0, n)`, the worker (if any) taking items from the back
        with its `kinds[kind](data)` meanwhile (same results: the same function)."""
        if self._worker is None or n < 2:
            return list(mine(0, n))
        return fill_missing(self._worker.submit(n, (kind, data), chunk).finish(mine), mine)

    def release(self, kill: bool = False) -> None:
        """End the worker `prepare` started, if any (at once with `kill`), once it has
        written the cache files handed to it (those it did not write are written here)."""
        if self._worker is not None:
            saving, self._saving = self._saving, []
            if not kill:
                for rnd, whole in saving:
                    if rnd.finish(None)[0] is MISSING:
                        _write_whole(*whole)
            self._worker.close(kill)
            self._worker = None

    def _path(self, source_lang: str, target_lang: str) -> Path:
        return self.folder / f"advice-{source_lang}-{target_lang}.bin"

    def _key(self, source_lang: str, target_lang: str) -> str:
        """What a pair's cache files are written under: the memory's state and the pair
        (a file copied or renamed to another pair's name is never read for it)."""
        return f"{self.fingerprint or ''} {source_lang}-{target_lang}"

    def known(self, source_lang: str, target_lang: str) -> dict[str, _Row]:
        """The cached rows of a language pair: read shard by shard as msgids are looked
        up (tm.shards: a re-run that asks about a handful reads a handful of shards)."""
        pair = (source_lang, target_lang)
        if pair not in self._known:
            known: dict[str, _Row] = {}
            self._journal[pair] = -1  # no base file: the next save writes one
            if self.fingerprint is not None:
                path, key = self._path(*pair), self._key(*pair)
                got, whole = shards.load(path, _line(key))
                if got is not None and whole:
                    known = got
                    self._journal[pair] = _read_journal(path, key, known)
            self._known[pair] = known
        return self._known[pair]

    def save(self, source_lang: str, target_lang: str, fresh: Mapping[str, _Row]) -> None:
        """Keep the rows `fresh` (already in `known`) in .tm/: appended to the pair's
        journal, so that a run that advised one new sentence does not write the whole
        cache again; the cache file is rewritten (journal dropped) once the journal holds
        a quarter as many rows."""
        pair = (source_lang, target_lang)
        path, key, known = self._path(*pair), self._key(*pair), self.known(*pair)
        logged = self._journal.get(pair, -1)
        kept = known if isinstance(known, shards.Sharded) else None
        rows = len(known) if kept is None else kept.total()
        if (logged < 0 or logged + len(fresh) > max(JOURNAL_MIN, rows // 4)
                or (kept is not None and kept.damaged)):
            if kept is not None:
                kept.everything()
            self._journal[pair] = 0
            whole = (str(path), _line(key), known)
            if self._worker is not None and rows >= HAND_OVER_MIN:
                # the worker writes it while this process writes the catalogs
                self._saving.append((self._worker.submit(1, ("save", whole), 1), whole))
                return
            _write_whole(*whole)
        elif fresh:
            self._journal[pair] = logged + len(fresh)
            _append(_journal_path(path), key, dict(fresh), first=logged == 0)

    def begin(self, batches: Sequence[tuple[Sequence[str], str, str]]) -> Pending:
        """Start advising the msgids of every (msgids, source, target) batch that are not
        cached yet; `finish()` on the answer completes it. With many of them a forked
        child starts at once on the second core, so the caller can do other work (format
        a template) before it calls `finish()`; then both share what is left."""
        work: list[tuple[str, str, str]] = []
        if self.fingerprint is not None:
            for msgids, source_lang, target_lang in batches:
                known = self.known(source_lang, target_lang)
                work += [(t, source_lang, target_lang) for t in dict.fromkeys(msgids)
                         if t not in known]
        pending = Pending(self, work)
        reopen = self._reopen
        if self._worker is not None and work:  # loaded meanwhile on the other core
            pending.round = self._worker.submit(len(work), ("advise", work), CHUNK)
        elif reopen is not None and len(work) >= PARALLEL_MIN and _cores() > 1:
            inner = self.inner
            pending.store(work[:1], _rows(inner, work[:1]))  # warm: load everything once
            rest = pending.work = work[1:]
            pending.ends = TwoEnds.start(len(rest), lambda a, b: _rows(inner, rest[a:b]),
                                         CHUNK, prepare=lambda: reopen(inner))
        return pending

    def advise(self, msgids: Sequence[str], source_lang: str,
               target_lang: str) -> Mapping[str, Suggestion]:
        """The same suggestions the real advisor gives (it answers each msgid on its own,
        whatever else is in the batch), the known ones from the cache."""
        if self.fingerprint is None:
            return self.inner.advise(msgids, source_lang, target_lang)
        texts = list(dict.fromkeys(msgids))
        known = self._fill(texts, source_lang, target_lang)
        out: dict[str, Suggestion] = {}
        for t in texts:
            translation, fuzzy, comments, source = known[t]
            out[t] = Suggestion(translation, fuzzy, list(comments), source)
        return out

    def _fill(self, texts: Sequence[str], source_lang: str,
              target_lang: str) -> dict[str, _Row]:
        """The cache for the pair, with every one of `texts` in it (misses advised)."""
        self.begin([(texts, source_lang, target_lang)]).finish()
        self.flush()
        return self.known(source_lang, target_lang)

    def flush(self) -> None:
        """Keep in .tm/ what was advised since the last flush."""
        for pair, texts in sorted(self.unsaved.items()):
            known = self.known(*pair)
            self.save(*pair, {t: known[t] for t in texts})
        self.unsaved.clear()


def _load(inner: Advisor, items: Sequence[tuple[str, str, str]]) -> None:
    """Load what advising the items' language pairs reads (the index, the termbase),
    with one throwaway question per pair, as the worker's setup does."""
    for source_lang, target_lang in dict.fromkeys((s, t) for _m, s, t in items):
        inner.advise(["Prepare."], source_lang, target_lang)


def _rows(inner: Advisor, items: Sequence[tuple[str, str, str]]) -> list[_Row]:
    """The advice of each (msgid, source, target) item, in order, as cache rows."""
    by_pair: dict[tuple[str, str], list[str]] = {}
    for t, source_lang, target_lang in items:
        by_pair.setdefault((source_lang, target_lang), []).append(t)
    got = {pair: inner.advise(texts, *pair) for pair, texts in by_pair.items()}
    out = []
    for t, source_lang, target_lang in items:
        s = got[source_lang, target_lang].get(t)
        out.append(_row(s) if s is not None else (None, True, (), None))
    return out


def _rows_ahead(inner: Advisor, items: Sequence[tuple[str, str, str]],
                ahead: dict[tuple[str, str, str], _Row]) -> list[_Row]:
    """`_rows`, taking the rows advised ahead (`expect`) from `ahead`."""
    if not ahead:
        return _rows(inner, items)
    rest = [item for item in items if item not in ahead]
    got = dict(zip(rest, _rows(inner, rest), strict=True)) if rest else {}
    return [ahead.pop(item) if item in ahead else got[item] for item in items]


@dataclass
class Pending:
    """Advice begun by `CachedAdvisor.begin` (tm.twoends: a child may be at work)."""

    advisor: CachedAdvisor
    work: list[tuple[str, str, str]]
    ends: TwoEnds | None = None
    round: Round | None = None
    touched: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def store(self, items: Sequence[tuple[str, str, str]], rows: Sequence[_Row]) -> None:
        adv = self.advisor
        adv.asked += len(items)
        for (t, source_lang, target_lang), row in zip(items, rows, strict=True):
            adv.known(source_lang, target_lang)[t] = row
            self.touched.setdefault((source_lang, target_lang), []).append(t)

    def running(self) -> bool:
        """Whether a child is advising (or about to) while this process does other work."""
        return bool(self.work) and (self.ends is not None or self.round is not None)

    def finish(self) -> None:
        """Every msgid begun is advised and cached (in .tm/ at the advisor's next
        `flush`: a run that fails on a catalog before it writes changes nothing)."""
        work, adv = self.work, self.advisor
        if work:
            if self.ends is None and self.round is None:
                self.store(work, _rows(adv.inner, work))
            else:
                def mine(a: int, b: int) -> list[_Row]:
                    return _rows(adv.inner, work[a:b])

                if self.ends is not None:
                    got = self.ends.finish(mine)
                else:
                    assert self.round is not None
                    loaded = False
                    if (adv._warm is not None and len(work) >= WARM_MIN
                            and not self.round.ready()):  # idle until the worker is set up
                        adv._warm()
                        adv._warm = None
                        if self.round.wait_ready(0):  # then load what its setup built
                            _load(adv.inner, work)
                            loaded = True
                    # otherwise this process loads the advisor only if the worker has
                    # much left, and only once the worker's setup has built what it loads
                    join = loaded or self.round.wait_ready(0, JOIN_AFTER)
                    got = self.round.finish(mine if join else None)
                if self.round is not None and MISSING in got:  # a child failed: never
                    self.round.wait_ready(0)  # load beside a worker still building
                self.store(work, fill_missing(got, mine))
        self.work, self.ends, self.round = [], None, None
        for pair, texts in self.touched.items():
            adv.unsaved.setdefault(pair, []).extend(texts)
        self.touched.clear()

    def cancel(self) -> None:
        """Stop the child, if any; nothing is cached."""
        if self.ends is not None:
            self.ends.cancel()
            self.ends = None


# --- two cores ----------------------------------------------------------------------------

PARALLEL_MIN = 3000
"""Misses from which a second process pays for its start (it shares the loaded termbase
and morphology with this one by fork, but reads the index through its own connection)."""
CHUNK = 256
"""Msgids each process takes at a time from its end of the list (tm.twoends)."""
WARM_MIN = 1000
"""Misses from which this process, waiting for the worker's setup, imports what loading
the advisor needs (at the worker's pace, 1,000 take it longer than JOIN_AFTER: this
process will likely join)."""
JOIN_AFTER = 0.3
"""Seconds the worker would still need alone (at its pace so far) from which this
process loads the advisor and shares the rest: loading takes 0.1-0.15 s once `warm` has
imported its modules, so sharing pays from about twice that (the cold pre-fill of 2,000
segments, 10 runs each: 2.29 s mean with 0.6, 2.22 s with 0.25)."""


def _cores() -> float:
    """Cores likely to be idle: those this process may use less the run queue's length
    (1-minute load average, this process included), so that a busy machine is not
    handed a second process that only competes with others (measured: +20% CPU time
    for no gain at a load of 4 on 2 cores). A second process is started above 1: a
    core is at least partly idle, and a child that gets little of it just takes
    fewer items of the list (tm.twoends)."""
    try:
        mine = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        mine = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):
        busy = 0.0
    return mine - max(0.0, busy - 1)


# --- documents that are up to date -------------------------------------------------------

UPTODATE = "uptodate.bin"


@dataclass(frozen=True)
class Fresh:
    """What a skipped document's report says (counted by the run that wrote it)."""

    segments: int
    entries: int


def advisor_key(advisor: object) -> str | None:
    """What the run's advice depends on, or None when it cannot be known cheaply."""
    if advisor is None:
        return "no-memory:" + code_stamp()
    if isinstance(advisor, CachedAdvisor) and advisor.fingerprint is not None:
        return "memory:" + advisor.fingerprint
    return None


def _digest(config: Config, doc: str, key: str, source: bytes | Path,
            outputs: Sequence[tuple[Path, bytes | Path]], read: str | None = None
            ) -> tuple[str, str] | None:
    """A hash of what a run read and wrote, and the hash of what it read alone (the
    first part of the same input); a Path stands for its file's bytes (read piece by
    piece: tm.atomic.pieces). None, the outputs unread, when what was read does not hash
    to `read` (an edited source: its megabytes of outputs need not be read)."""
    h = hashlib.sha256()  # in hardware on most processors: the outputs are megabytes

    def add(data: bytes | Path) -> None:
        if isinstance(data, bytes):
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
            return
        h.update(os.stat(data).st_size.to_bytes(8, "little"))
        for piece in pieces(data):
            h.update(piece)

    for part in (key.encode(), repr(config).encode(), doc.encode()):
        add(part)
    add(source)
    first = h.copy().hexdigest()
    if read is not None and first != read:
        return None
    for path, data in outputs:
        h.update(str(path).encode() + b"\0")
        add(data)
    return h.hexdigest(), first


def load_states(config: Config) -> dict[str, tuple[str, int, int, str]]:
    got = _read(config.root / CACHE_DIR / UPTODATE, code_stamp())
    return got if isinstance(got, dict) else {}


def up_to_date(config: Config, doc: str, outputs: Sequence[Path], key: str | None,
               states: dict[str, tuple[str, int, int, str]] | None = None) -> Fresh | None:
    """The recorded counts if `doc`'s source, outputs, configuration and memory are all
    exactly as a run left them; None otherwise (then the document is segmented)."""
    if key is None:
        return None
    states = load_states(config) if states is None else states
    state = states.get(doc)
    if not isinstance(state, tuple) or len(state) != 4:
        return None
    try:
        got = _digest(config, doc, key, config.source_path(doc), [(p, p) for p in outputs],
                      state[3])
        if got is None or got[0] != state[0]:
            return None
    except OSError:
        return None
    return Fresh(state[1], state[2])


def remember(config: Config, done: Sequence[tuple[str, str, Mapping[Path, bytes], int, int]],
             key: str | None) -> None:
    """Record documents as up to date: (doc, source text segmented, {path: bytes the run
    meant each output to hold}, segments, entries). A document whose files on disk are
    not exactly those texts (someone saved meanwhile) is forgotten instead."""
    if key is None:
        return
    states = load_states(config)
    changed = False
    for doc, source, expected, segments, entries in done:
        if not all(holds(path, meant) for path, meant in expected.items()):
            changed |= states.pop(doc, None) is not None
            continue
        data: list[tuple[Path, bytes | Path]] = list(expected.items())
        src = source.encode("utf-8")
        got = _digest(config, doc, key, src, data)
        assert got is not None  # nothing to compare with: never stops early
        states[doc] = (got[0], segments, entries, got[1])
        changed = True
    if changed:
        _write(config.root / CACHE_DIR / UPTODATE, code_stamp(), states)
