"""The second-core paths for big memory files, forced on small ones (and on a one-core
machine): the forked well-formedness check of the TMX reader and the forked postings
builder of the index, compared with the serial paths on generated input."""

from __future__ import annotations

import random
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.errors import MemoryFormatError, TmError
from tm.memory import MemorySource, SqliteIndex, ingest, tmxfast
from tm.memory.blocks import decode
from tm.memory.formats import MemoryUnit, read_memory, tmx_bytes

DATA = Path(__file__).parent / "data"
TEXTS = ["In June 1928, Trotsky spoke.", "The tribunal met in 1927.",
         "The workers of Europe had suffered heavy defeats.", "He told his accusers."]


@pytest.fixture
def apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tmxfast, "CHECK_APART", 0)
    monkeypatch.setattr(ingest, "BUILD_CHUNK", 3)


def test_checked_apart_reads_the_same(tmp_path: Path, apart: None) -> None:
    p = DATA / "memory_lecture.tmx"
    fast = [(u.texts, u.line, u.note) for u in read_memory(p)]
    assert len(fast) >= 3
    tmxfast.CHECK_APART = 1 << 60
    assert [(u.texts, u.line, u.note) for u in read_memory(p)] == fast


UNUSUAL = ('<?xml version="1.0"?>\n<tmx version="1.4"><body>\n'
           '<tu><tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="ru"><seg>б</seg></tuv></tu>\n'
           '<!-- <tu><tuv xml:lang="en"><seg>gone</seg></tuv>'
           '<tuv xml:lang="ru"><seg>нет</seg></tuv></tu> -->\n'
           '<tu><tuv xml:lang="en"><seg><![CDATA[c<d]]></seg></tuv>'
           '<tuv xml:lang="ru"><seg>в</seg></tuv></tu>\n</body></tmx>\n')


@pytest.mark.parametrize("dies", [False, True])
def test_checked_apart_unusual_goes_to_lxml(tmp_path: Path, apart: None, dies: bool,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A big file with a comment or CDATA, found by the child while this process decodes
    (or here, if the child died), is read by lxml: the commented unit is not read."""
    if dies:
        monkeypatch.setattr(tmxfast, "_check_serve", lambda data, conn, end: None)
    p = tmp_path / "u.tmx"
    p.write_text(UNUSUAL, encoding="utf-8")
    assert tmxfast.read_tmx_fast(p) is None
    assert [u.texts["en"] for u in read_memory(p)] == ["a", "c<d"]
    p.write_text(UNUSUAL.replace("tmx", "html"), encoding="utf-8")  # lxml's own error
    with pytest.raises(MemoryFormatError, match="not a TMX file"):
        list(read_memory(p))


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
    assert idx.db.execute("SELECT count(*) FROM blocks").fetchone() == (0,)
    idx.close()


def _tables(idx: SqliteIndex) -> list[list[tuple[object, ...]]]:
    return [idx.db.execute(sql).fetchall() for sql in (
        "SELECT id, path, origin, units, skipped FROM files ORDER BY id",
        "SELECT * FROM blocks ORDER BY key",
        "SELECT * FROM file_langs ORDER BY 1, 2",
        "SELECT lang, token, file_id, df, ids FROM postings ORDER BY 1, 2, 3",
        "SELECT * FROM exacts ORDER BY 1, 2",
        "SELECT * FROM posted ORDER BY 1, 2")]


def test_postings_built_apart_answer_as_built_later(tmp_path: Path, apart: None) -> None:
    src = MemorySource(DATA / "memory_lecture.tmx", "lecture.tmx")
    eager = SqliteIndex(tmp_path / "a.sqlite", {"en"}, parallel=True)
    lazy = SqliteIndex(tmp_path / "b.sqlite", parallel=False)
    assert eager.sync([src]).forked == ["lecture.tmx"]  # the child built them, not a fallback
    assert lazy.sync([src]).forked == []
    texts = [u.texts["en"] for u in read_memory(src.path)] + TEXTS
    assert eager.db.execute("SELECT count(*) FROM posted").fetchone() == (1,)
    assert lazy.db.execute("SELECT count(*) FROM posted").fetchone() == (0,)
    assert eager.exact(texts, "en", "ru") == lazy.exact(texts, "en", "ru")
    assert eager.candidates(texts, "en", "ru") == lazy.candidates(texts, "en", "ru")
    assert len(eager.exact(texts, "en", "ru")) >= 3
    assert _tables(eager) == _tables(lazy)
    eager.close()
    lazy.close()


def test_the_environment_forces_the_parallel_path(tmp_path: Path, apart: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    src = MemorySource(DATA / "memory_lecture.tmx", "lecture.tmx")
    for value, forked in (("1", ["lecture.tmx"]), ("0", [])):
        monkeypatch.setenv(ingest.PARALLEL_ENV, value)
        idx = SqliteIndex(tmp_path / f"{value}.sqlite", {"en"})
        assert idx.sync([src]).forked == forked
        idx.close()


def test_no_fork_while_another_thread_runs(tmp_path: Path, apart: None) -> None:
    """A fork copies no thread (a lock one holds would stay locked in the child): with
    another thread running, the postings are built here, even when forced."""
    src = MemorySource(DATA / "memory_lecture.tmx", "lecture.tmx")
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        idx = SqliteIndex(tmp_path / "a.sqlite", {"en"}, parallel=True)
        report = idx.sync([src])
    finally:
        release.set()
        other.join()
    assert report.forked == [] and report.units >= 3
    assert idx.db.execute("SELECT count(*) FROM posted").fetchone() == (1,)
    idx.close()


def test_a_failed_child_leaves_the_postings_to_be_built_later(
        tmp_path: Path, apart: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(langs: object, conn: Any, parent_end: Any) -> None:
        parent_end.close()  # and ends without reading what it is sent

    monkeypatch.setattr(ingest, "_build_sent", fail)
    _failed_child_answers_as_serial(tmp_path)


def _failed_child_answers_as_serial(tmp_path: Path) -> None:
    """A forced parallel sync whose child failed: nothing posted by it, and the same
    tables and lookups as a serial index once the postings are built from the rows."""
    src = MemorySource(DATA / "memory_lecture.tmx", "lecture.tmx")
    failed = SqliteIndex(tmp_path / "a.sqlite", {"en"}, parallel=True)
    assert failed.sync([src]).forked == []
    assert failed.db.execute("SELECT count(*) FROM posted").fetchone() == (0,)
    serial = SqliteIndex(tmp_path / "b.sqlite", {"en"}, parallel=False)
    serial.sync([src])
    texts = [u.texts["en"] for u in read_memory(src.path)] + TEXTS
    assert failed.candidates(texts, "en", "ru") == serial.candidates(texts, "en", "ru")
    assert _tables(failed) == _tables(serial)
    failed.close()
    serial.close()


def test_a_child_failing_midway_is_quiet_and_the_postings_are_built_later(
        tmp_path: Path, apart: None, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The child breaks on its second chunk: no traceback from it, no partial postings
    stored, the same lookups as a serial index."""
    import os

    parent = os.getpid()
    real = ingest.Words.feed_words
    fed = []

    def breaks(self: ingest.Words, positions: list[int], texts: list[str]) -> None:
        if os.getpid() != parent:
            fed.append(1)
            if len(fed) == 2:
                raise RuntimeError("broken in the child")
        real(self, positions, texts)

    monkeypatch.setattr(ingest.Words, "feed_words", breaks)
    _failed_child_answers_as_serial(tmp_path)  # forked == []: the child did break
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("check_apart", [0, 1 << 60])
def test_the_recorded_digest_is_the_files(tmp_path: Path, check_apart: int,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest the index records is taken from the bytes read (by the forked check,
    or here), not from a second read: the file's own digest, so a touched file with the
    same content is not indexed again."""
    import os

    from tm.memory.sources import file_digest

    monkeypatch.setattr(tmxfast, "CHECK_APART", check_apart)
    p = tmp_path / "m.tmx"
    shutil.copy(DATA / "memory_lecture.tmx", p)
    idx = SqliteIndex(tmp_path / "a.sqlite", {"en"})
    idx.sync([MemorySource(p, "m.tmx")])
    assert idx.db.execute("SELECT digest FROM files").fetchall() == [(file_digest(p),)]
    os.utime(p, ns=(1, 1))
    again = idx.sync([MemorySource(p, "m.tmx")])
    assert (again.indexed, again.unchanged) == ([], 1)
    idx.close()


VOCAB = ["the", "tribunal", "met", "in", "June", "Trotsky", "spoke", "workers", "of",
         "Europe", "1927", "1928", "f.", "op.", "d.", "l.", "83", "РГАСПИ", "Ф.", "Оп.",
         "Суд", "заседал", "в", "июне", "рабочие", "Европы", "a", "I", "x-ray", "«Правда»",
         "*Pravda*", "<sup>[1]</sup>", "Ёлка", "ёлка", "naïve", "Straße", "—", "...", "&",
         "nul\x00inside"]  # a NUL (no XML text has one) is sent to the child as it is
TEXT = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=10).map(" ".join)
UNIT = st.builds(
    lambda en, ru, de, uncertain, aligned: MemoryUnit(
        {"en": en, "ru": ru, **({"de": de} if de else {})}, uncertain=uncertain,
        aligned=aligned),
    TEXT, TEXT, st.none() | TEXT, st.booleans(), st.booleans())


def _index_files(tmp_path: Path, files: list[list[MemoryUnit]], parallel: bool,
                 chunk: int) -> tuple[SqliteIndex, list[str]]:
    sources = [MemorySource(tmp_path / f"m{n}.tmx", f"m{n}.tmx") for n in range(len(files))]
    idx = SqliteIndex(tmp_path / f"{parallel}.sqlite", {"en", "ru"}, parallel=parallel)
    forked = []
    old = ingest.BUILD_CHUNK
    ingest.BUILD_CHUNK = chunk
    try:
        with idx.store.writing():
            for src, units in zip(sources, files, strict=True):
                done = idx._insert(src, ingest.Listed(units), (0, 0, ""), parallel)[1]
                if done.forked:
                    forked.append(src.origin)
    finally:
        ingest.BUILD_CHUNK = old
    return idx, forked


@settings(max_examples=20, deadline=None)
@given(files=st.lists(st.lists(UNIT, max_size=14), min_size=1, max_size=3),
       chunk=st.integers(1, 5))
def test_serial_and_parallel_ingest_are_equal(files: list[list[MemoryUnit]],
                                              chunk: int) -> None:
    """Generated units, several files, chunks of any size: the forked builder gives the
    same rows, postings, exact hashes and lookups as the serial one."""
    with tempfile.TemporaryDirectory() as tmp:
        serial, none = _index_files(Path(tmp), files, False, chunk)
        parallel, forked = _index_files(Path(tmp), files, True, chunk)
        assert none == [] and len(forked) == len(files)  # the parallel path ran
        assert _tables(parallel) == _tables(serial)
        probe = [t for units in files for u in units for t in u.texts.values()] + TEXTS
        for source, target in (("en", "ru"), ("ru", "en"), ("en", "de")):
            assert (parallel.exact(probe, source, target)
                    == serial.exact(probe, source, target))
            assert (parallel.candidates(probe, source, target)
                    == serial.candidates(probe, source, target))
        serial.close()
        parallel.close()


def test_parallel_sync_of_a_generated_tmx_equals_serial(tmp_path: Path, apart: None) -> None:
    """The whole sync, the child walking the text the parent read: same tables, lookups."""
    rng = random.Random(5)
    units = [MemoryUnit({"en": " ".join(rng.choices(VOCAB, k=rng.randint(1, 9))),
                         "ru": " ".join(rng.choices(VOCAB, k=rng.randint(1, 9)))})
             for _ in range(300)]
    (tmp_path / "m").mkdir()
    path = tmp_path / "m" / "gen.tmx"
    path.write_bytes(tmx_bytes(units, "en", aligned=True))
    src = MemorySource(path, "gen.tmx")
    serial = SqliteIndex(tmp_path / "s.sqlite", {"en", "ru"}, parallel=False)
    parallel = SqliteIndex(tmp_path / "p.sqlite", {"en", "ru"}, parallel=True)
    assert serial.sync([src]).forked == [] and parallel.sync([src]).forked == ["gen.tmx"]
    assert _tables(parallel) == _tables(serial)
    assert all(u.aligned for u in parallel.units())
    probe = [u.texts["en"] for u in units[::7]] + TEXTS
    assert parallel.candidates(probe, "en", "ru") == serial.candidates(probe, "en", "ru")
    assert parallel.exact(probe, "en", "ru") == serial.exact(probe, "en", "ru")
    serial.close()
    parallel.close()


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


def test_a_memory_file_replaced_while_it_is_read_is_read_again_next_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV replaced just after the index read it (found by a hostile review): the
    digest recorded is that of what was read (hashed before reading), so the next sync
    sees the new file and indexes it, instead of keeping the old units for good."""
    import os

    p = tmp_path / "m.csv"
    p.write_text("en,ru\nThe tribunal met in 1927.,OLD Суд заседал в 1927 году.\n",
                 encoding="utf-8")
    real = ingest.read_memory

    def read_then_replaced(path: Path):  # type: ignore[no-untyped-def]
        yield from real(path)
        p.write_text("en,ru\nThe tribunal met in 1927.,NEW Суд заседал в 1927 году (новое).\n",
                     encoding="utf-8")
        os.utime(p, ns=(2_000_000_000, 2_000_000_000))

    monkeypatch.setattr(ingest, "read_memory", read_then_replaced)
    idx = SqliteIndex(tmp_path / "a.sqlite", {"en"})
    idx.sync([MemorySource(p, "m.csv")])
    old = idx.exact(["The tribunal met in 1927."], "en", "ru")
    assert [c.target for c in old["The tribunal met in 1927."]][0].startswith("OLD")
    monkeypatch.setattr(ingest, "read_memory", real)
    again = idx.sync([MemorySource(p, "m.csv")])
    assert again.indexed == ["m.csv"]
    new = idx.exact(["The tribunal met in 1927."], "en", "ru")
    assert [c.target for c in new["The tribunal met in 1927."]][0].startswith("NEW")
    idx.close()


@pytest.mark.parametrize("ascending", [True, False])
def test_exact_hashes_are_in_stable_order(ascending: bool) -> None:
    """Hashes sorted with their positions, equal hashes in the order fed: the sort of
    (hash, position) numbers (positions fed in ascending order) or a stable argsort."""
    from array import array

    import numpy as np

    words = ingest.Words()
    texts = [f"text {i % 7}" for i in range(500)]  # 7 distinct texts: ties everywhere
    words.feed(list(range(0, 1000, 2)), texts)
    if not ascending:  # positions out of order: the stable argsort
        words.positions = array("I", reversed(words.positions))
    hashes, ids = words.exact()
    raw = np.frombuffer(words.hashes, dtype=np.uint32)
    order = np.argsort(raw, kind="stable")
    assert list(hashes) == raw[order].tolist()
    assert list(ids) == np.frombuffer(words.positions, dtype=np.uint32)[order].tolist()


def test_chunks_sent_shrink_near_the_end_of_the_file() -> None:
    """The child's last chunk is small, so it is done soon after the parent's last row."""
    sent: list[int] = []
    pairs = [("en", f"text {i}", "ru", f"текст {i}", 100 * i, False) for i in range(100_000)]
    rows = ingest.Rows(0, ["en"], lambda lang, pos, texts: sent.append(len(pos)),
                       extent=100 * len(pairs))
    assert sum(len(list(decode(heads, texts))) for _, heads, texts in rows.rows(pairs)
               ) == len(pairs)
    assert sum(sent) == len(pairs)
    assert max(sent) > 10_000 and sent[-1] <= ingest.FIRST_SENT


def test_languages_keep_their_numbers_across_files_and_syncs(tmp_path: Path) -> None:
    """Rows are keyed by unit and language number: a language first met in a later file
    gets the next number, a dropped file's languages keep theirs, and every lookup and
    walk finds the rows of its languages."""
    files = {"a.tmx": [MemoryUnit({"en": "The tribunal met.", "ru": "Суд заседал."})],
             "b.tmx": [MemoryUnit({"en": "The tribunal met.", "de": "Das Gericht tagte."}),
                       MemoryUnit({"fr": "Le tribunal.", "de": "Das Gericht.",
                                   "en": "The tribunal."})]}
    for name, units in files.items():
        (tmp_path / name).write_bytes(tmx_bytes(units, "en"))
    sources = [MemorySource(tmp_path / name, name) for name in files]
    idx = SqliteIndex(tmp_path / "i.sqlite", {"en", "de"})
    idx.sync(sources)
    assert dict(idx.db.execute("SELECT code, number FROM langs")) == {
        "en": 0, "ru": 1, "de": 2, "fr": 3}
    assert [u.texts for u in idx.units()] == [u.texts for us in files.values() for u in us]
    assert [c.target for c in idx.exact(["The tribunal met."], "en", "de")["The tribunal met."]
            ] == ["Das Gericht tagte."]
    assert [c.target for c in idx.exact(["The tribunal met."], "en", "ru")["The tribunal met."]
            ] == ["Суд заседал."]
    idx.sync(sources[1:])  # a.tmx gone: its rows go, en and ru keep their numbers
    assert dict(idx.db.execute("SELECT code, number FROM langs"))["ru"] == 1
    assert [u.texts for u in idx.units()] == [u.texts for u in files["b.tmx"]]
    assert not idx.exact(["The tribunal met."], "en", "ru").get("The tribunal met.")
    assert [c.target for c in idx.exact(["Le tribunal."], "fr", "de")["Le tribunal."]
            ] == ["Das Gericht."]
    idx.close()


def test_too_many_languages_is_an_error_not_a_clash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "LANG_BITS", 1)  # two numbers
    rows = ingest.Rows(0, ["en"])
    with pytest.raises(TmError, match="more than 2 languages"):
        list(rows.rows([MemoryUnit({"en": "a", "ru": "б", "de": "c"})]))


@pytest.fixture
def few_numbers(monkeypatch: pytest.MonkeyPatch) -> int:
    """Room for 8 languages and 3 files."""
    from tm.memory import indexdb

    for module in (indexdb, ingest):
        monkeypatch.setattr(module, "LANG_BITS", 3)
    monkeypatch.setattr(indexdb, "FILE_IDS", 4)
    return 8


def _tmx(path: Path, langs: list[str], word: str) -> MemorySource:
    path.write_bytes(tmx_bytes([MemoryUnit({lang: f"{word} {lang}" for lang in langs})], "en"))
    return MemorySource(path, path.name)


def test_numbers_of_dropped_languages_are_given_again(tmp_path: Path,
                                                      few_numbers: int) -> None:
    """A file of many languages dropped gives its languages' numbers back: a later file
    of other languages is indexed (found by a hostile review: the index was stuck)."""
    many = ["en"] + [f"x{i}" for i in range(few_numbers - 1)]
    idx = SqliteIndex(tmp_path / "i.sqlite", {"en"})
    idx.sync([_tmx(tmp_path / "many.tmx", many, "many")])
    other = ["en", "ru", "de", "fr"]
    idx.sync([_tmx(tmp_path / "other.tmx", other, "other")])  # many.tmx gone
    assert [u.texts for u in idx.units()] == [{lang: f"other {lang}" for lang in other}]
    assert [c.target for c in idx.exact(["other en"], "en", "fr")["other en"]] == ["other fr"]
    too_many = ["en"] + [f"y{i}" for i in range(few_numbers)]
    with pytest.raises(TmError, match=f"more than {few_numbers} languages"):
        idx.sync([_tmx(tmp_path / "other.tmx", other, "other"),
                  _tmx(tmp_path / "too.tmx", too_many, "too")])
    assert [u.texts for u in idx.units()] == [{lang: f"other {lang}" for lang in other}]
    idx.close()


def test_file_ids_past_what_a_key_holds_are_taken_from_the_gaps(tmp_path: Path,
                                                                few_numbers: int) -> None:
    """Re-indexing an early file gives it a new id; past the ids a key holds, the first
    free one (and an error, not a wrong key, when none is free)."""
    idx = SqliteIndex(tmp_path / "i.sqlite", {"en"})
    sources = [_tmx(tmp_path / f"{n}.tmx", ["en", "ru"], n) for n in "abc"]
    idx.sync(sources)
    for round_ in range(3):  # a.tmx edited: ids 1, 2, 3 are all taken once it is dropped
        sources[0] = _tmx(tmp_path / "a.tmx", ["en", "ru"], f"a{round_}")
        idx.sync(sources)
        assert sorted(u.texts["en"] for u in idx.units()) == [f"a{round_} en", "b en", "c en"]
        assert [c.target for c in idx.exact(["b en"], "en", "ru")["b en"]] == ["b ru"]
    assert {i for i, in idx.db.execute("SELECT id FROM files")} == {1, 2, 3}
    with pytest.raises(TmError, match="more than 3 memory files"):
        idx.sync([*sources, _tmx(tmp_path / "d.tmx", ["en", "ru"], "d")])
    idx.close()
