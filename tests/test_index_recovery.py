"""The SQLite index under .tm/ is a cache: damage found anywhere rebuilds it (one notice on
stderr) and the run's results are those of a sound index; what a rebuild cannot mend is
one line and exit 2. Also: concurrent writers wait for SQLite instead of failing."""

from __future__ import annotations

import random
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import LECTURE_DOC
from tests.test_memory_pg import lecture_sentences, write_tmx
from tm.cli import app
from tm.memory.index import MemorySource, SqliteIndex
from tm.po import read_po

runner = CliRunner()
PAGE = 16384


def _memory(folder: Path) -> tuple[list[MemorySource], list[tuple[str, str]]]:
    """A memory of 2,600 units (about 90 pages of index) and its pairs."""
    pairs = [(f"{s} ({i})", f"перевод {i}: {s}") for i in range(20) for s in lecture_sentences()]
    write_tmx(folder / "m.tmx", pairs)
    return [MemorySource(folder / "m.tmx", "memory/m.tmx")], pairs


def _scribble(path: Path, keep_pages: int = 4, every: int = 3, seed: int = 1) -> None:
    """Random bytes over every `every`-th page past the first `keep_pages`: the header and
    schema read fine, the data does not (damage an open-time check never sees)."""
    data = bytearray(path.read_bytes())
    rng = random.Random(seed)
    for page in range(keep_pages, len(data) // PAGE, every):
        data[page * PAGE:(page + 1) * PAGE] = rng.randbytes(PAGE)
    path.write_bytes(bytes(data))


def _lookups(index: SqliteIndex, pairs: list[tuple[str, str]]) -> tuple[object, ...]:
    probe = [pairs[5][0], pairs[700][0], pairs[2000][0].replace("(", "[")]
    exact = index.exact(probe, "en", "ru")
    cands = index.candidates(probe, "en", "ru")
    return ({k: [c.target for c in v] for k, v in exact.items()},
            [[c.target for c in cs][:3] for cs in cands], sum(1 for _ in index.units()))


def test_damage_past_the_first_pages_is_rebuilt_during_lookups(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources, pairs = _memory(tmp_path)
    path = tmp_path / "index.sqlite"
    index = SqliteIndex(path, {"en"})
    index.sync(sources)
    sound = _lookups(index, pairs)
    index.close()
    assert path.stat().st_size > 40 * PAGE
    _scribble(path)
    with pytest.raises(sqlite3.DatabaseError):  # what every run met before
        sqlite3.connect(path).execute("PRAGMA quick_check").fetchall()
    capsys.readouterr()
    index = SqliteIndex(path, {"en"})
    index.sync(sources)  # the files did not change: nothing is read here
    assert _lookups(index, pairs) == sound
    index.close()
    notes = capsys.readouterr().err.splitlines()
    assert len(notes) == 1
    assert notes[0].startswith(f"tm: note: {path}: the memory index is damaged (")
    assert notes[0].endswith("rebuilding it from the memory files")
    index = SqliteIndex(path, {"en"})  # and the next run finds a sound index
    index.sync(sources)
    assert _lookups(index, pairs) == sound
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed tail", "bad blob",
                                    "dropped table"])
def test_every_kind_of_damage_gives_the_same_results(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    sources, pairs = _memory(tmp_path)
    path = tmp_path / "index.sqlite"
    index = SqliteIndex(path, {"en"})
    index.sync(sources)
    sound = _lookups(index, pairs)
    index.close()
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(random.Random(2).randbytes(len(data)))
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif damage == "zeroed tail":
        path.write_bytes(data[: 5 * PAGE] + bytes(len(data) - 5 * PAGE))
    else:
        db = sqlite3.connect(path)
        if damage == "bad blob":  # an array that does not decode (odd length)
            db.execute("UPDATE exacts SET hashes = x'010203'")
        else:
            db.execute("DROP TABLE postings")
        db.commit()
        db.close()
    capsys.readouterr()
    index = SqliteIndex(path, {"en"})
    index.sync(sources)
    assert _lookups(index, pairs) == sound
    index.close()
    assert capsys.readouterr().err.count("tm: note: ") == 1


def test_segment_with_a_damaged_index_fills_as_before(project: Path) -> None:
    (project / "memory").mkdir()
    (project / "memory" / "lecture.tmx").write_bytes(
        (Path(__file__).parent / "data" / "memory_lecture.tmx").read_bytes())
    sources, _ = _memory(project / "memory")
    assert runner.invoke(app, ["segment"]).exit_code == 0
    po = project / "locales" / "ru" / f"{LECTURE_DOC}.po"
    before = read_po(po).messages
    assert sum(1 for m in before if m.msgstr) >= 3  # the memory filled some
    po.unlink()
    for p in (project / ".tm").iterdir():  # no cached advice may hide the index
        if p.name != "index.sqlite":
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    _scribble(project / ".tm" / "index.sqlite", keep_pages=2, every=2)
    r = runner.invoke(app, ["segment"])
    assert r.exit_code == 0, r.output
    assert r.output.count("the memory index is damaged") == 1
    assert read_po(po).messages == before


def test_an_index_path_that_is_a_folder_is_one_line(project: Path) -> None:
    (project / ".tm" / "index.sqlite").mkdir(parents=True)
    (project / ".tm" / "index.sqlite" / "keep.txt").write_text("mine")
    r = runner.invoke(app, ["segment"])
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tm: error: ") and lines[0].endswith(
        ".tm/index.sqlite:1: the memory index is a folder, not a file (remove or rename "
        "that folder: tm rebuilds its index there)")
    assert (project / ".tm" / "index.sqlite" / "keep.txt").read_text() == "mine"
    assert not (project / "locales").exists()


def test_a_second_writer_waits_for_sqlite_instead_of_failing(tmp_path: Path) -> None:
    """Two indexes on one file (two tms outside the project lock, e.g. `tm memory search`
    syncing while an import re-indexes): the second waits for the first's transaction
    (Python's default would fail after 5 s with `database is locked`)."""
    sources, pairs = _memory(tmp_path)
    path = tmp_path / "index.sqlite"
    first = SqliteIndex(path, {"en"})
    first.db.execute("BEGIN IMMEDIATE")  # a long re-index holds the write lock...
    done: list[object] = []
    timeouts: list[int] = []

    def second() -> None:
        index = SqliteIndex(path, {"en"})
        timeouts.append(index.db.execute("PRAGMA busy_timeout").fetchone()[0])
        done.append(index.sync(sources))
        index.close()

    t = threading.Thread(target=second)
    t.start()
    t.join(1.0)
    assert t.is_alive() and not done  # waiting, not failed
    assert timeouts[0] >= 30_000  # milliseconds: not Python's default 5 s
    reader = SqliteIndex(path, {"en"})  # a read-only lookup does not wait at all (WAL)
    assert reader.exact([pairs[0][0]], "en", "ru") == {}
    first.db.execute("COMMIT")
    t.join(60)
    assert done and done[0].units == len(pairs)  # type: ignore[attr-defined]
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    for ix in (first, reader):
        ix.close()


def test_a_first_fill_writes_pages_once_and_leaves_the_index_in_wal(tmp_path: Path) -> None:
    """An empty index is filled with a rollback journal in memory (no write-ahead log to
    copy back), then set to WAL again; a connection opened meanwhile reads the empty
    index at once instead of failing on the mode, and one already open keeps it WAL."""
    from tm.memory.indexdb import IndexDb

    sources, pairs = _memory(tmp_path)
    path = tmp_path / "index.sqlite"
    index = SqliteIndex(path, {"en"})
    modes: list[str] = []
    real = index.store.writing

    def writing():  # type: ignore[no-untyped-def]
        modes.append(index.db.execute("PRAGMA journal_mode").fetchone()[0])
        other = IndexDb(path)  # opened in the middle of the fill
        modes.append(other.db.execute("SELECT count(*) FROM files").fetchone()[0])
        other.close()
        return real()

    index.store.writing = writing  # type: ignore[method-assign]
    assert index.sync(sources).units == len(pairs)
    assert modes == ["memory", 0]
    assert index.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    index.close()

    again = SqliteIndex(tmp_path / "again.sqlite", {"en"})
    reader = sqlite3.connect(tmp_path / "again.sqlite")  # another connection already open
    assert reader.execute("SELECT count(*) FROM files").fetchone() == (0,)
    assert again.sync(sources).units == len(pairs)
    assert again.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert again.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000
    again.close()
    reader.close()


def test_a_full_disk_is_not_taken_for_damage(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """On a full disk SQLite's write errors look like damage: the sound index is left as
    it is (a rebuild could not be written) and the error is one line about the disk."""
    from tm.errors import TmError
    from tm.memory import indexdb

    sources, pairs = _memory(tmp_path)
    path = tmp_path / "index.sqlite"
    index = SqliteIndex(path, {"en"})
    index.sync(sources)
    index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = path.read_bytes()
    monkeypatch.setattr(indexdb, "_free_bytes", lambda folder: 8192)
    with pytest.raises(TmError) as e:
        index.store.start_over(sqlite3.OperationalError("disk I/O error"))
    assert "no space left" in str(e.value) and "left as it is" in str(e.value)
    assert path.read_bytes() == before
    monkeypatch.setattr(indexdb, "_free_bytes", lambda folder: 1 << 40)
    assert index.exact([pairs[0][0]], "en", "ru")  # still the index it was
    index.close()
