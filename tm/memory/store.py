"""Library verbs behind `tm memory import|export|search`.

Import copies files into memory/ (after reading every unit of them, so a broken file
is refused with its line before anything is copied) instead of converting them: the
memory of record stays the translator's own files, byte for byte, with their names as
the origin shown in `#. tm:` comments, and re-importing an edited file replaces it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tm.atomic import atomic_copy, atomic_write_bytes
from tm.config import Config
from tm.data import BUILTIN_ORIGIN
from tm.errors import MemoryFormatError, TmError
from tm.globs import glob_match
from tm.languages import guess_language
from tm.lock import LockBusy, config_lock
from tm.memory import MemoryIndex, open_index
from tm.memory.advisor import Helpers, MemoryAdvisor
from tm.memory.formats import SUFFIXES, MemoryUnit, read_memory, tmx_bytes
from tm.model import Match
from tm.names import check_name

MEMORY_DIR = "memory"


@dataclass(frozen=True, slots=True)
class Imported:
    """One file brought into memory/."""

    source: str
    dest: str
    units: int
    status: str
    """copied | replaced | unchanged"""


def _covered(config: Config, rel: str) -> bool:
    return any(glob_match(pattern, rel) for pattern in config.memory)


def import_files(config: Config, files: Sequence[Path], force: bool = False) -> list[Imported]:
    """Check that every file reads, copy it into memory/, and bring the index up to date."""
    plan: list[tuple[Path, Path, int, str]] = []
    for path in files:
        check_name(path.name, path)  # its name goes into catalogs as the origin
        if not path.is_file():
            what = "a folder, not a file" if path.is_dir() else "no such file"
            raise TmError(what, path, 1, "name a TMX, TBX, CSV or PO file")
        if path.suffix.lower() not in SUFFIXES:
            raise MemoryFormatError(f"unknown memory format {path.suffix or '(no suffix)'}",
                                    path, 1, f"use one of {', '.join(SUFFIXES)}")
        units = sum(1 for _ in read_memory(path))
        if units == 0:
            raise MemoryFormatError("no translation units with two languages", path, 1,
                                    "is this the right file?")
        dest = config.root / MEMORY_DIR / path.name
        rel = f"{MEMORY_DIR}/{path.name}"
        if not _covered(config, rel):
            raise TmError(f"{rel} would not be read: no `memory` glob matches it",
                          config.path, 1, f'add "{MEMORY_DIR}/*{path.suffix}" to `memory`')
        status = "copied"
        if dest.exists():
            if dest.resolve() == path.resolve() or dest.read_bytes() == path.read_bytes():
                status = "unchanged"
            elif not force:
                raise TmError(f"{rel} already exists with other content", path, 1,
                              "use --force to replace it, or rename the file")
            else:
                status = "replaced"
        if any(d == dest for _, d, _, _ in plan):
            raise TmError(f"two files would both become {rel}", path, 1, "rename one of them")
        plan.append((path, dest, units, status))
    for path, dest, _, status in plan:
        if status != "unchanged":
            atomic_copy(path, dest)
    open_index(config).close()
    return [Imported(str(p), config.relative(d), n, s) for p, d, n, s in plan]


def dedupe(units: Iterable[MemoryUnit]) -> list[MemoryUnit]:
    """Units in order, each distinct set of language texts once (a reviewed copy rather
    than one from an alignment, which nobody reviewed)."""
    seen: dict[frozenset[tuple[str, str]], int] = {}
    out: list[MemoryUnit] = []
    for u in units:
        key = frozenset(u.texts.items())
        at = seen.get(key)
        if at is None:
            seen[key] = len(out)
            out.append(u)
        elif out[at].aligned and not u.aligned:
            out[at] = u
    return out


def default_source_language(config: Config) -> str:
    return config.documents[0].language if config.documents else "en"


def export_tmx(config: Config, dest: Path, source_lang: str | None = None,
               include_builtin: bool = False) -> int:
    """Write the project's memory (every file, deduplicated) as one TMX 1.4b file."""
    if dest.suffix.lower() != ".tmx":
        raise TmError("export writes TMX", dest, 1, "name the file *.tmx")
    _refuse_a_memory_file(config, dest)
    index = open_index(config)
    try:
        units = dedupe(u for u in index.units()
                       if include_builtin or u.extra.get("origin") != BUILTIN_ORIGIN)
    finally:
        index.close()
    data = tmx_bytes(units, source_lang or default_source_language(config))
    atomic_write_bytes(dest, data)
    return len(units)


def _refuse_a_memory_file(config: Config, dest: Path) -> None:
    """The export may not replace a memory file (the units' notes, ids, properties and
    its `aligned` header would be lost, and every other file's units put in it), nor
    become one (the next run would read every unit twice)."""
    if config.is_memory_path(dest):
        raise TmError("the export would be one of the project's memory files "
                      f"(`memory` = {list(config.memory)})", dest, 1,
                      "write it outside them, e.g. build/memory.tmx")


def search(config: Config, text: str, target_lang: str, source_lang: str | None = None,
           limit: int = 5, min_score: float = 50.0) -> list[Match]:
    """The best memory matches for `text`, best first, with score and origin."""
    source = source_lang or guess_language([text], default_source_language(config))
    if source == target_lang:
        raise TmError(f"source and target language are both {source}", None, None,
                      "give --from and --to")
    if not text.strip():
        raise TmError("nothing to search for", None, None, "give a sentence in quotes")
    index = _index_for_reading(config)
    try:
        return MemoryAdvisor(index, helpers=Helpers()).search(text, source, target_lang,
                                                              limit, min_score)
    finally:
        index.close()


def _index_for_reading(config: Config) -> MemoryIndex:
    """The index, brought up to date unless another tm is writing the project (then as
    it stands: a search never waits for a long `tm segment` or import)."""
    try:
        with config_lock(config, "tm memory search", timeout=0):
            return open_index(config)
    except LockBusy as e:
        print(f"tm: note: {e.what}; searching the memory as indexed before it",
              file=sys.stderr)
        return open_index(config, sync=False)
