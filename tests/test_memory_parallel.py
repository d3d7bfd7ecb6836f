"""The second-core paths for big memory files, forced on small ones: the forked
well-formedness check of the TMX reader and the forked postings builder of the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tm.errors import MemoryFormatError
from tm.memory import MemorySource, SqliteIndex, index, tmxfast
from tm.memory.formats import read_memory

DATA = Path(__file__).parent / "data"
TEXTS = ["In June 1928, Trotsky spoke.", "The tribunal met in 1927.",
         "The workers of Europe had suffered heavy defeats.", "He told his accusers."]


@pytest.fixture
def apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tmxfast, "CHECK_APART", 0)
    monkeypatch.setattr(index, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(index, "BUILD_CHUNK", 3)


def test_checked_apart_reads_the_same(tmp_path: Path, apart: None) -> None:
    p = DATA / "memory_lecture.tmx"
    fast = [(u.texts, u.line, u.note) for u in read_memory(p)]
    assert len(fast) >= 3
    tmxfast.CHECK_APART = 1 << 60
    assert [(u.texts, u.line, u.note) for u in read_memory(p)] == fast


@pytest.mark.parametrize("content, line, what", [
    ("just text, not XML\n", 1, "not well-formed"),
    ('<?xml version="1.0"?>\n<html><body/></html>\n', 2, "not a TMX file"),
    ('<tmx version="1.4"><body>\n<tu><tuv><seg>x</seg></tuv></tu></body></tmx>', 2,
     "without xml:lang"),
    ('<tmx><body>\n<tu><tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="ru"><seg>б</seg>'
     '</tuv></tu>\n<tu><tuv xml:lang="en"><seg>c</seg></tuv></body></tmx>', 3,
     "not well-formed"),
    (b'<tmx><body>\n<tu><tuv xml:lang="en"><seg>\xff</seg></tuv></tu></body></tmx>', 2,
     "not well-formed"),
])
def test_checked_apart_errors(tmp_path: Path, apart: None, content: str | bytes, line: int,
                              what: str) -> None:
    p = tmp_path / "x.tmx"
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(MemoryFormatError) as e:
        list(read_memory(p))
    assert (e.value.line, what in e.value.what, e.value.path) == (line, True, str(p))


def test_broken_file_leaves_no_index_rows(tmp_path: Path, apart: None) -> None:
    p = tmp_path / "memory" / "x.tmx"
    p.parent.mkdir()
    shutil.copy(DATA / "memory_lecture.tmx", p)
    with p.open("a", encoding="utf-8") as f:
        f.write("<tu>")  # after the root: not well-formed
    idx = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    with pytest.raises(MemoryFormatError):
        idx.sync([MemorySource(p, "memory/x.tmx")])
    assert idx.db.execute("SELECT count(*) FROM variants").fetchone() == (0,)
    idx.close()


def test_postings_built_apart_answer_as_built_later(tmp_path: Path, apart: None) -> None:
    src = MemorySource(DATA / "memory_lecture.tmx", "lecture.tmx")
    eager = SqliteIndex(tmp_path / "a.sqlite", {"en"})
    lazy = SqliteIndex(tmp_path / "b.sqlite")
    eager.sync([src])
    lazy.sync([src])
    texts = [u.texts["en"] for u in read_memory(src.path)] + TEXTS
    assert eager.db.execute("SELECT count(*) FROM posted").fetchone() == (1,)
    assert lazy.db.execute("SELECT count(*) FROM posted").fetchone() == (0,)
    assert eager.exact(texts, "en", "ru") == lazy.exact(texts, "en", "ru")
    assert eager.candidates(texts, "en", "ru") == lazy.candidates(texts, "en", "ru")
    assert len(eager.exact(texts, "en", "ru")) >= 3
    rows = "SELECT lang, token, file_id, df, ids FROM postings ORDER BY 1, 2, 3"
    assert eager.db.execute(rows).fetchall() == lazy.db.execute(rows).fetchall()
    rows = "SELECT * FROM exacts ORDER BY 1, 2"
    assert eager.db.execute(rows).fetchall() == lazy.db.execute(rows).fetchall()
    eager.close()
    lazy.close()


def test_chunks_built_here_when_the_helper_is_behind(tmp_path: Path, apart: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls = iter(range(10_000))
    monkeypatch.setattr(index._Helper, "behind", lambda self: next(calls) % 2 == 1)
    monkeypatch.setattr(index, "BUILD_CHUNK", 1)
    src = MemorySource(DATA / "memory_lecture.tmx", "lecture.tmx")
    mixed = SqliteIndex(tmp_path / "a.sqlite", {"en"})
    mixed.sync([src])
    assert next(calls) > 2
    lazy = SqliteIndex(tmp_path / "b.sqlite")
    lazy.sync([src])
    texts = [u.texts["en"] for u in read_memory(src.path)] + TEXTS
    assert mixed.candidates(texts, "en", "ru") == lazy.candidates(texts, "en", "ru")
    for rows in ("SELECT lang, token, file_id, df, ids FROM postings ORDER BY 1, 2, 3",
                 "SELECT * FROM exacts ORDER BY 1, 2"):
        assert mixed.db.execute(rows).fetchall() == lazy.db.execute(rows).fetchall()
    mixed.close()
    lazy.close()


@pytest.mark.parametrize("files", [1, 2])
def test_dense_postings_answer_as_binary_search(tmp_path: Path, files: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from tm.memory import postings

    sources = []
    for n in range(files):
        p = tmp_path / f"m{n}.tmx"
        shutil.copy(DATA / "memory_lecture.tmx", p)
        sources.append(MemorySource(p, p.name))
    texts = [u.texts["en"] for u in read_memory(sources[0].path)] + TEXTS
    monkeypatch.setattr(postings, "NUMPY_FROM", 0)
    answers = []
    for dense_from in (0, 1 << 40):
        monkeypatch.setattr(postings, "DENSE_FROM", dense_from)
        idx = SqliteIndex(tmp_path / f"{dense_from}.sqlite", {"en"})
        idx.sync(sources)
        answers.append(idx.candidates(texts, "en", "ru", limit=500))
        idx.close()
    assert answers[0] == answers[1]
    assert sum(len(c) for c in answers[0]) >= len(texts) - len(TEXTS)
