"""The termbase as a pickle beside the memory index, so a warm run parses no TBX.

The cache holds the parsed entries and every trie built so far, under a key made of
tm's version, this format's number and the content hash of every termbase file (with
its origin name). A different key, an unreadable or corrupt file: the termbase is
read again and the cache rewritten; writing is best effort (atomic rename, errors
ignored), so a read-only project still works. A copy is kept in the user's cache
folder too, so that a fresh project with the same termbase files (the built-in one)
starts warm.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tm.atomic import open_cache

if TYPE_CHECKING:
    from tm.tbx import TermEntry
    from tm.terms import Termbase

Trie = dict[str, Any]
"""word key -> child node; the key "" holds (entry, needs_number, needs_quote, ambiguous)."""

FORMAT = 1
"""Bump when the trie layout or the key rules change."""

Build = Callable[[list["TermEntry"], list[str], dict[str, Trie]], "Termbase"]
"""How tm.terms makes a Termbase of entries, their origins and the tries built so far
(passed in, so that this module does not import the one that imports it)."""


Version = tuple[str, int, int]
"""A file's path, mtime (ns) and size: the file version `_read_tbx` is asked about."""

SEEDED_MAX = 16
_SEEDED: dict[Version, tuple[TermEntry, ...]] = {}
"""Entries of file versions a cached termbase held (`_seed`): the memory index reads a
termbase file as units too, and need not parse what the pickle gave."""


def _read_tbx(path: str, mtime_ns: int, size: int) -> tuple[TermEntry, ...]:
    """A termbase file's entries, parsed once per file version in a process."""
    seeded = _SEEDED.get((path, mtime_ns, size))
    return seeded if seeded is not None else _parse_tbx(path, mtime_ns, size)


@lru_cache(maxsize=8)
def _parse_tbx(path: str, mtime_ns: int, size: int) -> tuple[TermEntry, ...]:
    from tm.tbx import read_tbx

    return tuple(read_tbx(path))


def _versions(files: Sequence[tuple[Path, str]]) -> list[Version] | None:
    try:
        return [(str(path), st.st_mtime_ns, st.st_size)
                for path, st in ((path, path.stat()) for path, _ in files)]
    except OSError:
        return None


def _seed(files: Sequence[tuple[Path, str]], before: list[Version] | None,
          tb: Termbase) -> None:
    """Offer each file's entries of a termbase read from a pickle to `_read_tbx`, when
    the files are the versions the pickle's key was taken of (unchanged since their
    stat before the hashing) and their origins tell their entries apart."""
    if before is None or _versions(files) != before or len({o for _, o in files}) < len(files):
        return
    at, origins, parts = 0, tb.origins, []
    for (_, origin), version in zip(files, before, strict=True):
        end = at
        while end < len(origins) and origins[end] == origin:
            end += 1
        parts.append((version, tuple(tb.entries[at:end])))
        at = end
    if at == len(origins) == len(tb.entries):
        if len(_SEEDED) > SEEDED_MAX:
            _SEEDED.clear()
        _SEEDED.update(parts)


def _entries(files: Sequence[tuple[Path, str]]) -> tuple[list[TermEntry], list[str]]:
    entries: list[TermEntry] = []
    origins: list[str] = []
    for path, origin in files:
        st = path.stat()
        more = _read_tbx(str(path), st.st_mtime_ns, st.st_size)
        entries += more
        origins += [origin] * len(more)
    return entries, origins


def cache_key(files: Sequence[tuple[Path, str]]) -> str:
    """tm's version, the code that builds tries, and every file's origin and content hash."""
    from tm import __version__

    h = hashlib.sha256(f"{__version__}\0{FORMAT}".encode())
    here = Path(__file__).parent
    for code in _CODE:  # the key rules live in code: a changed rule is a new cache
        h.update((here / code).read_bytes())
    for path, origin in files:
        h.update(f"\0{origin}\0".encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


_CODE = ("terms.py", "termkeys.py", "romanize.py", "tbx.py", "termcache.py")

_LOADED: dict[tuple[str, str], Termbase] = {}


def load_cached(files: Sequence[tuple[Path, str]], cache: Path | None, build: Build
                ) -> Termbase:
    """The Termbase of `files`, from `cache` when its key matches (else built by `build`
    and stored)."""
    if cache is None:
        return build(*_entries(files), {})
    before = _versions(files)
    try:
        key = cache_key(files)
    except OSError:
        return build(*_entries(files), {})  # names the unreadable file
    hit = _LOADED.get((str(cache), key))
    if hit is not None:
        return hit
    tb = _read_pickle(cache, key, build)
    if tb is None:
        shared = user_cache(key)
        tb = _read_pickle(shared, key, build) if shared is not None else None
        if tb is not None and shared is not None:
            _copy(shared, cache)  # the project is warm from now on
        else:
            tb = build(*_entries(files), {})
            store_cached(cache, key, tb)
    _seed(files, before, tb)
    tb.cache_path, tb.cache_key = cache, key
    _LOADED[(str(cache), key)] = tb
    _load_lemmas(cache.parent / "lemmas.pickle")
    return tb


def _read_pickle(cache: Path, key: str, build: Build) -> Termbase | None:
    try:
        with open_cache(cache) as f:  # a regular file (a FIFO there would block)
            data = pickle.load(f)
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        tb = build(data["entries"], data["origins"], data["tries"])
        if len(tb.origins) != len(tb.entries):
            return None
        return tb
    except Exception:  # noqa: BLE001 - any damage means: rebuild
        return None


def store_cached(cache: Path, key: str, tb: Termbase) -> None:
    """Write the cache atomically, in the project and for the user (`user_cache`); a
    failure only costs the next run its speed."""
    data = {"key": key, "entries": tb.entries, "origins": tb.origins, "tries": tb.tries}
    _write(cache, data)
    shared = user_cache(key)
    if shared is not None:
        _write(shared, data)
        _prune(shared.parent)


USER_CACHE = "TM_USER_CACHE"
"""The folder of the user's cache (default `$XDG_CACHE_HOME/tm`, else `~/.cache/tm`);
empty or `0`: none."""
KEEP = 4
"""Termbases kept in the user's cache (the most recently written)."""


def user_cache(key: str) -> Path | None:
    """Where the termbase of `key` is kept for all of a user's projects: the built-in
    termbase is the same in each, so a fresh project need not parse it again. The key
    (content hashes and tm's code) names the file, and the file holds it too."""
    folder = os.environ.get(USER_CACHE)
    if folder is not None and folder in ("", "0"):
        return None
    if folder is None:
        xdg = os.environ.get("XDG_CACHE_HOME")
        try:
            folder = str(Path(xdg) / "tm" if xdg else Path.home() / ".cache" / "tm")
        except RuntimeError:  # no home folder
            return None
    return Path(folder) / f"terms-{key[:32]}.pickle"


def _prune(folder: Path) -> None:
    """Keep the KEEP termbases written last."""
    try:
        caches = sorted(folder.glob("terms-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in caches[:-KEEP]:
            old.unlink()
    except OSError:
        pass


def _copy(source: Path, dest: Path) -> None:
    from tm.atomic import atomic_copy

    try:
        atomic_copy(source, dest)
    except OSError:
        pass


_LEMMA_FILES: set[Path] = set()
MAX_LEMMAS = 300_000


def _lemma_key() -> str:
    """The code that turns analyses into keys, and the pymorphy3 installed."""
    import importlib.util

    h = hashlib.sha256((Path(__file__).parent / "termkeys.py").read_bytes())
    spec = importlib.util.find_spec("pymorphy3")
    if spec is not None and spec.origin:
        st = Path(spec.origin).parent.stat()
        h.update(f"{spec.origin}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _load_lemmas(path: Path) -> None:
    """Russian words analysed by earlier runs (pymorphy3 loads only for new ones); the
    words this run analyses are added to the file when it ends."""
    from tm import termkeys

    if path in _LEMMA_FILES:
        return
    _LEMMA_FILES.add(path)
    key = _lemma_key()
    try:
        with open_cache(path) as f:
            data = pickle.load(f)
        if isinstance(data, dict) and data.get("key") == key:
            for word, value in data["lemmas"].items():
                termkeys.LEMMAS.setdefault(word, value)
    except Exception:  # noqa: BLE001 - missing or damaged: start empty
        pass
    start = len(termkeys.LEMMAS_ADDED)

    def save() -> None:
        if len(termkeys.LEMMAS_ADDED) > start and len(termkeys.LEMMAS) <= MAX_LEMMAS:
            _write(path, {"key": key, "lemmas": termkeys.LEMMAS})

    atexit.register(save)


def _write(path: Path, data: object) -> None:
    """Through tm.atomic: the usual file mode, and temporaries a killed run leaves are
    swept (mkstemp made them 0600 and nameless)."""
    from tm.atomic import atomic_write_bytes

    try:
        atomic_write_bytes(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
