"""Postings a cold sync built are kept for lookups: they answer as those read back."""

from __future__ import annotations

import shutil
from pathlib import Path

from tm.memory import MemorySource, SqliteIndex
from tm.memory.formats import read_memory

DATA = Path(__file__).parent / "data"
TEXTS = ["In June 1928, Trotsky spoke.", "The tribunal met in 1927.",
         "The workers of Europe had suffered heavy defeats.", "He told his accusers."]


def _sources(tmp_path: Path) -> list[MemorySource]:
    out = []
    for name in ("a.tmx", "b.tmx"):
        shutil.copy(DATA / "memory_lecture.tmx", tmp_path / name)
        out.append(MemorySource(tmp_path / name, name))
    return out


def test_kept_postings_answer_as_read_back(tmp_path: Path) -> None:
    sources = _sources(tmp_path)
    cold = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    cold.sync(sources)
    assert "en" in cold.lookup.cache.words and "en" in cold.lookup.cache.lengths
    again = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    again.sync(sources)
    assert not again.lookup.cache.words  # nothing built in this run: read from SQLite
    texts = [u.texts["en"] for u in read_memory(sources[0].path)] + TEXTS
    assert cold.candidates(texts, "en", "ru") == again.candidates(texts, "en", "ru")
    assert cold.exact(texts, "en", "ru") == again.exact(texts, "en", "ru")
    assert cold.lookup.lengths("en") == again.lookup.lengths("en")
    cold.close()
    again.close()


def test_partial_sync_reads_back(tmp_path: Path) -> None:
    sources = _sources(tmp_path)
    idx = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    idx.sync(sources)
    with (tmp_path / "b.tmx").open("a", encoding="utf-8") as f:
        f.write("\n")
    idx.sync(sources)  # one file re-read: the other's postings are only in SQLite
    assert not idx.lookup.cache.words
    ref = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    texts = [u.texts["en"] for u in read_memory(sources[0].path)] + TEXTS
    assert idx.candidates(texts, "en", "ru") == ref.candidates(texts, "en", "ru")
    assert any(idx.candidates(texts, "en", "ru"))
    idx.close()
    ref.close()
