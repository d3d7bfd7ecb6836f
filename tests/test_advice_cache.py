"""Work in proportion to what changed: cached advice and up-to-date documents (.tm/)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import tm.catalog
import tm.cutting
import tm.project
from tm import shards
from tm.advice_cache import CachedAdvisor, memory_fingerprint
from tm.config import load_config
from tm.errors import TmError
from tm.memory import project_advisor
from tm.po import read_po
from tm.project import segment_project

DATA = Path(__file__).parent / "data"

DOC = """\
# Part 4

He bluntly told his accusers that they were sitting there as representatives of that bureaucracy.

The Central Control Commission expelled him, citing RGASPI, f. 17, op. 171, d. 87, l. 83, as proof.

A sentence that no memory holds.
"""
SENT = ("He bluntly told his accusers that they were sitting there as representatives of "
        "that bureaucracy.")
NEW = "The world revolution had been delayed, and the workers of Europe had suffered defeats."


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # one creation date for every run of a test: its runs are compared byte for byte,
    # and a minute turning between two of them made them differ
    monkeypatch.setattr(tm.catalog, "now_stamp", lambda: "2026-11-28 12:00+0000")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.md").write_text(DOC, encoding="utf-8")
    (tmp_path / "memory").mkdir()
    shutil.copy(DATA / "memory_lecture.tmx", tmp_path / "memory" / "lecture.tmx")
    old = os.stat(tmp_path / "memory" / "lecture.tmx").st_mtime - 60
    # not modified within the last 3 s: else a run 3 s later (a loaded machine) takes
    # another fingerprint and advises again (test_recently_modified_memory_is_hashed)
    os.utime(tmp_path / "memory" / "lecture.tmx", (old, old))
    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru"]\nbuiltin_terms = true\n'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(advisor: object = "project") -> tuple[list[tm.project.SegmentReport], CachedAdvisor]:
    config = load_config()
    adv = project_advisor(config) if advisor == "project" else advisor
    reports = segment_project(config, advisor=adv)  # type: ignore[arg-type]
    return reports, adv  # type: ignore[return-value]


def catalog(proj: Path) -> dict[str, object]:
    return {m.msgid: m for m in read_po(proj / "locales" / "ru" / "doc.po").messages}


def test_rerun_asks_the_memory_nothing_and_gives_the_same_advice(proj: Path) -> None:
    _, first = run()
    assert first.asked == 4
    before = (proj / "locales" / "ru" / "doc.po").read_text("utf-8")
    (proj / ".tm" / "uptodate.bin").unlink()  # segment again, advice from the cache
    _, second = run()
    assert second.asked == 0 and second._inner is None  # index never opened
    assert (proj / "locales" / "ru" / "doc.po").read_text("utf-8") == before


def test_cached_advice_equals_fresh_advice(proj: Path) -> None:
    texts = [SENT, "The Central Control Commission met.", "Nothing here."]
    fresh = project_advisor(load_config()).advise(texts, "en", "ru")
    cached = project_advisor(load_config()).advise(list(reversed(texts)), "en", "ru")
    assert {t: (s.translation, s.fuzzy, s.comments) for t, s in fresh.items()} == \
        {t: (s.translation, s.fuzzy, s.comments) for t, s in cached.items()}
    assert any(c.startswith("terms: Central Control Commission") for c in
               cached["The Central Control Commission met."].comments)


def test_a_changed_memory_is_asked_again(proj: Path) -> None:
    run()
    config = load_config()
    fp = memory_fingerprint(config)
    tmx = proj / "memory" / "extra.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" '
        'datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="t" '
        'creationtool="t" creationtoolversion="1"/><body><tu>'
        '<tuv xml:lang="en"><seg>A sentence that no memory holds.</seg></tuv>'
        '<tuv xml:lang="ru"><seg>Предложение, которого нет в памяти.</seg></tuv>'
        '</tu></body></tmx>\n', encoding="utf-8")
    assert memory_fingerprint(config) != fp
    reports, adv = run()
    assert adv.asked == 4  # every msgid again: hints may change with the memory
    assert catalog(proj)["A sentence that no memory holds."].msgstr == \
        "Предложение, которого нет в памяти."  # type: ignore[attr-defined]
    assert reports[0].written


def test_unchanged_document_is_not_segmented_again(proj: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    reports, _ = run()
    assert reports[0].written
    files = {p: p.read_bytes() for p in (proj / "locales").rglob("*.po*")}

    def boom(*_args: object, **_kw: object) -> None:
        raise AssertionError("segmented an unchanged document")

    monkeypatch.setattr(tm.cutting, "_document_cut", boom)  # what cutting a document calls
    again, adv = run()
    assert again[0].written == [] and again[0].segments == reports[0].segments
    assert again[0].entries == reports[0].entries and adv.asked == 0
    assert {p: p.read_bytes() for p in files} == files
    with pytest.raises(AssertionError, match="unchanged"):  # --no-memory is another run
        run(None)


def test_translators_edit_is_merged_not_skipped(proj: Path) -> None:
    run()
    po = proj / "locales" / "ru" / "doc.po"
    text = po.read_text("utf-8")
    i = text.index('msgid "A sentence that no memory holds."')
    j = text.index('msgstr ""', i)
    po.write_text(text[:j] + 'msgstr "Моё предложение."' + text[j + 9:], encoding="utf-8")
    (proj / "sources" / "doc.md").write_text(DOC + "\nOne more sentence.\n", encoding="utf-8")
    reports, adv = run()
    assert adv.asked == 1  # only the new sentence
    cat = catalog(proj)
    assert cat["A sentence that no memory holds."].msgstr == "Моё предложение."  # type: ignore[attr-defined]
    assert "One more sentence." in cat
    # the translator edits again; the source is unchanged: still merged
    text = po.read_text("utf-8").replace("Моё предложение.", "Моё второе предложение.")
    po.write_text(text, encoding="utf-8")
    reports, _ = run()
    assert catalog(proj)["A sentence that no memory holds."].msgstr == \
        "Моё второе предложение."  # type: ignore[attr-defined]


def test_skipped_run_writes_what_a_full_run_writes(proj: Path) -> None:
    run()
    (proj / "sources" / "doc.md").write_text(DOC.replace("Part 4", "Part 5"), encoding="utf-8")
    run()
    skipped = {p: p.read_bytes() for p in (proj / "locales").rglob("*.po*")}
    shutil.rmtree(proj / ".tm")
    run()
    assert {p: p.read_bytes() for p in skipped} == skipped


def test_damaged_cache_files_are_ignored(proj: Path) -> None:
    run()
    for p in (proj / ".tm").glob("*.bin"):
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])
    shutil.rmtree(proj / ".tm" / "spans")  # the catalogs merged whole: every msgid asked
    before = (proj / "locales" / "ru" / "doc.po").read_bytes()
    reports, adv = run()
    assert adv.asked == 4 and (proj / "locales" / "ru" / "doc.po").read_bytes() == before


def test_a_damaged_shard_is_advised_again_and_written_anew(proj: Path) -> None:
    """A shard of the advice cache that fails its check when read costs its msgids a
    new lookup, never a wrong answer; the next save writes the cache whole again."""
    run()
    cache = proj / ".tm" / "advice-en-ru.bin"
    data = bytearray(cache.read_bytes())
    table = len(data.split(b"\n", 1)[0]) + 1 + 24  # after the key line, the chunk's head
    where = table + shards.SHARDS * 32
    for i in range(shards.SHARDS):  # the table: size, keys, check of each shard
        size = int.from_bytes(data[table + 32 * i:table + 32 * i + 8], "little")
        keys = int.from_bytes(data[table + 32 * i + 8:table + 32 * i + 16], "little")
        if keys:
            data[where + size - 2] ^= 0xFF  # in the first shard that holds rows
            break
        where += size
    cache.write_bytes(bytes(data))
    shutil.rmtree(proj / ".tm" / "spans")
    (proj / ".tm" / "uptodate.bin").unlink()
    before = (proj / "locales" / "ru" / "doc.po").read_bytes()
    _, adv = run()
    assert 1 <= adv.asked < 4 and (proj / "locales" / "ru" / "doc.po").read_bytes() == before
    assert cache.read_bytes() != bytes(data)
    shutil.rmtree(proj / ".tm" / "spans")
    (proj / ".tm" / "uptodate.bin").unlink()
    _, adv = run()
    assert adv.asked == 0


def test_a_shared_memory_is_fingerprinted_by_its_server(proj: Path) -> None:
    """With memory_url the fingerprint holds the replica's state, synced with the server
    first (tests/test_memory_pg.py): an unreachable server is an error, never a stale hit."""
    pytest.importorskip("psycopg")
    config = load_config()
    object.__setattr__(config, "memory_url", "postgresql://tm@127.0.0.1:1/tm")
    with pytest.raises(TmError, match="cannot connect to"):
        memory_fingerprint(config)


def test_recently_modified_memory_is_hashed(proj: Path) -> None:
    config = load_config()
    tmx = proj / "memory" / "lecture.tmx"
    os.utime(tmx)  # modified just now
    st = tmx.stat()
    fp = memory_fingerprint(config)
    data = tmx.read_bytes()
    tmx.write_bytes(data.replace(b"bureaucracy", b"bureaucrazy"))  # same size
    os.utime(tmx, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime
    assert memory_fingerprint(config) != fp


def _same_size_edit(tmx: Path) -> None:
    """The memory's text changed, its size and mtime as they were."""
    st = tmx.stat()
    tmx.write_bytes(tmx.read_bytes().replace(b"bureaucracy", b"bureaucrazy"))
    os.utime(tmx, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_memory_written_just_before_a_run_is_keyed_as_later_runs_key_it(
        proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tm learn && tm segment`: the memory file is a few tenths of a second old when
    tm segment keys its advice. With a 3 s window that key held the file's hash and the
    next run's did not, so the next run advised every sentence again (the benchmark's
    warm run: 1.08-1.27 s instead of about 0.5). A file system that keeps fractions of
    a second ticks in milliseconds: a tenth of a second is past its tick."""
    import time

    import tm.advice_cache as cache

    config = load_config()
    tmx = proj / "memory" / "lecture.tmx"
    now = time.time_ns()
    os.utime(tmx, ns=(now, now - 300_000_000 + 123))  # 0.3 s ago, a fraction of a second
    fp = memory_fingerprint(config)
    monkeypatch.setattr(cache.time, "time_ns", lambda: now + 3_600_000_000_000)
    assert memory_fingerprint(config) == fp  # an hour later: the same key


def test_whole_second_timestamps_keep_the_long_window(proj: Path) -> None:
    """FAT, HFS+ and ext3 keep whole seconds: a file a second old may still change
    without its mtime changing, so it is hashed."""
    import time

    config = load_config()
    tmx = proj / "memory" / "lecture.tmx"
    second = (time.time_ns() // 1_000_000_000 - 1) * 1_000_000_000
    os.utime(tmx, ns=(second, second))
    fp = memory_fingerprint(config)
    _same_size_edit(tmx)
    assert memory_fingerprint(config) != fp


def test_two_processes_advise_as_one(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tm.advice_cache as cache

    texts = [f"In June {1900 + i}, Trotsky and the Central Control Commission met." for i in
             range(40)] + [SENT, "A sentence that no memory holds.", NEW]
    one = project_advisor(load_config()).advise(texts, "en", "ru")
    shutil.rmtree(proj / ".tm")
    monkeypatch.setattr(cache, "PARALLEL_MIN", 10)
    monkeypatch.setattr(cache, "_cores", lambda: 2)
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    two = project_advisor(load_config()).advise(texts, "en", "ru")
    assert forks  # the second half was advised by a child process
    assert {t: (s.translation, s.fuzzy, s.comments) for t, s in one.items()} == \
        {t: (s.translation, s.fuzzy, s.comments) for t, s in two.items()}
    assert any(s.translation for s in two.values())


def test_a_failed_child_costs_time_not_answers(proj: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import tm.advice_cache as cache

    texts = [f"In June {1900 + i}, Trotsky spoke." for i in range(30)] + [SENT]
    one = project_advisor(load_config()).advise(texts, "en", "ru")
    shutil.rmtree(proj / ".tm")
    monkeypatch.setattr(cache, "PARALLEL_MIN", 10)
    monkeypatch.setattr(cache, "_cores", lambda: 2)
    adv = project_advisor(load_config())

    def broken(_advisor: object) -> None:
        raise RuntimeError("no connection in the child")

    adv._reopen = broken
    two = adv.advise(texts, "en", "ru")
    assert {t: (s.translation, s.fuzzy, s.comments) for t, s in one.items()} == \
        {t: (s.translation, s.fuzzy, s.comments) for t, s in two.items()}


def test_documents_advised_together_on_two_cores(proj: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import tm.advice_cache as cache

    (proj / "sources" / "two.md").write_text(
        "# Two\n\n" + "".join(f"In June {1900 + i}, the Opposition met Trotsky.\n\n"
                              for i in range(20)), encoding="utf-8")
    run()
    alone = {p: p.read_bytes() for p in (proj / "locales").rglob("*.po*")}
    shutil.rmtree(proj / ".tm")
    shutil.rmtree(proj / "locales")
    monkeypatch.setattr(cache, "PARALLEL_MIN", 10)
    monkeypatch.setattr(cache, "_cores", lambda: 2)
    batches: list[int] = []
    real = cache.Worker.submit

    def spy(self: object, n: int, *a: object, **k: object) -> object:
        batches.append(n)
        return real(self, n, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(cache.Worker, "submit", spy)  # the worker loaded while cutting
    run()
    assert len(batches) == 1 and batches[0] > 21  # both documents in one batch
    assert {p: p.read_bytes() for p in alone} == alone


def _memo_keys() -> dict[str, set[object]]:
    from tm import workcache

    return {name: set(used) for name, (used, *_rest) in workcache._memos().items()}


def _forget_memos() -> None:
    from tm import workcache

    for used, module, attr, _lazy in workcache._memos().values():
        used.clear()
        getattr(module, attr).clear()


def _alone_then_two_cores(proj: Path, monkeypatch: pytest.MonkeyPatch
                          ) -> tuple[dict[Path, bytes], dict[str, set[object]]]:
    """The catalogs and memo keys of a run on one core; then a fresh project (no .tm/,
    no catalogs, empty memos) on two."""
    import tm.advice_cache as cache

    monkeypatch.setattr(cache, "_cores", lambda: 1)
    _forget_memos()
    run()
    alone = {p: p.read_bytes() for p in (proj / "locales").rglob("*.po*")}
    memos = _memo_keys()
    shutil.rmtree(proj / ".tm")
    shutil.rmtree(proj / "locales")
    _forget_memos()
    monkeypatch.setattr(cache, "_cores", lambda: 2)
    return alone, memos


def _parts(proj: Path, n: int = 6) -> None:
    for k in range(n):
        (proj / "sources" / f"part{k}.md").write_text(
            f"# Part {k}\n\n" + "".join(
                f"In June {1900 + i}, the Opposition met Trotsky in part {k}. He spoke for "
                f"{i} hours, and the meeting, which the Central Control Commission had "
                f"forbidden, went on; cf. RGASPI, f. 17, op. {i}, d. {k}, l. 3.\n\n"
                for i in range(8 + k)), encoding="utf-8")


def test_documents_cut_on_both_cores_give_the_same_files(proj: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Several documents are cut document by document on both cores (the worker from
    the back of the list): the same templates and catalogs as one process writes, and
    the worker's cuts and wrapped lines are kept for the next run as this process's."""
    import tm.advice_cache as cache
    from tm import workcache

    _parts(proj)
    alone, alone_memos = _alone_then_two_cores(proj, monkeypatch)
    kinds: list[tuple[str, int]] = []
    submit, take, cut_one = cache.Worker.submit, workcache.take, tm.cutting.cut_one

    def spy(self: object, n: int, payload: tuple[str, object], *a: object) -> object:
        kinds.append((payload[0], n))
        return submit(self, n, payload, *a)  # type: ignore[arg-type]

    taken: list[int] = []

    def slow(*a: object) -> object:  # this process slow: the worker cuts some too
        import time

        time.sleep(0.3)
        return cut_one(*a)  # type: ignore[arg-type]

    monkeypatch.setattr(cache.Worker, "submit", spy)
    monkeypatch.setattr(workcache, "take", lambda added: (taken.append(1), take(added)))
    monkeypatch.setattr(tm.cutting, "cut_one", slow)
    run()
    assert ("docs", 7) in kinds  # the lecture's doc and the 6 parts, in one list
    assert taken  # the worker cut at least one of them
    assert {p: p.read_bytes() for p in alone} == alone
    assert _memo_keys() == alone_memos
    kept = {name: (proj / ".tm" / name).read_bytes() for name in workcache._memos()}
    _forget_memos()
    workcache._LOADED.clear()
    workcache.load(load_config())  # the next run cuts and wraps nothing again
    assert _memo_keys() == {name: set() for name in alone_memos}
    assert {name: (proj / ".tm" / name).read_bytes() for name in kept} == kept


def test_a_big_document_cut_in_pieces_on_both_cores_gives_the_same_files(
        proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A big Markdown document is parsed and cut piece by piece on both cores, then read
    from the memos: the same template and catalog as one process writes, the same
    memos kept for the next run; a re-run that finds most of its runs remembered does
    not cut it in pieces again."""
    import tm.advice_cache as cache
    from tm import workcache

    text = "".join(f"## Section {k}\n\n" + "".join(
        f"In June {1900 + i}, the Opposition met Trotsky in section {k}. He spoke for "
        f"{i} hours; cf. RGASPI, f. 17, op. {i}, d. {k}, l. 3.\n\n- a point {i}\n- and "
        f"another, *emphasised* [^{k}x{i}]\n\n[^{k}x{i}]: A note on {i}.\n\n"
        for i in range(12)) for k in range(30))
    (proj / "sources" / "doc.md").write_text(text, encoding="utf-8")
    monkeypatch.setattr(tm.cutting, "PIECES_MIN", 1000)
    alone, alone_memos = _alone_then_two_cores(proj, monkeypatch)
    kinds: list[str] = []
    submit, pieces_work = cache.Worker.submit, tm.cutting.pieces_work

    def spy(self: object, n: int, payload: tuple[str, object], *a: object) -> object:
        kinds.append(payload[0])
        return submit(self, n, payload, *a)  # type: ignore[arg-type]

    taken: list[int] = []
    take = workcache.take

    def slow(config: object, data: object, worker: bool = False) -> object:
        work = pieces_work(config, data, worker)  # type: ignore[arg-type]
        if worker:
            return work

        def mine(a: int, b: int) -> object:  # this process slow: the worker cuts some
            import time

            time.sleep(0.1)
            return work(a, b)
        return mine

    ahead_log = proj / "ahead.log"  # written by the worker (a forked child)
    rows_ahead = cache._rows_ahead

    def logged(inner: object, items: list[tuple[str, str, str]],
               ahead: dict[tuple[str, str, str], object]) -> object:
        with open(ahead_log, "a") as f:
            f.write(f"{sum(item in ahead for item in items)}\n")
        return rows_ahead(inner, items, ahead)  # type: ignore[arg-type]

    monkeypatch.setattr(cache.Worker, "submit", spy)
    monkeypatch.setattr(tm.cutting, "pieces_work", slow)
    monkeypatch.setattr(workcache, "take", lambda added: (taken.append(1), take(added)))
    monkeypatch.setattr(cache, "_rows_ahead", logged)
    build_template = tm.catalog.build_template

    def slow_template(*a: object, **k: object) -> object:  # this process, after the cut:
        import time  # the worker waits meanwhile, and advises what it cut

        time.sleep(0.3)
        return build_template(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(tm.catalog, "build_template", slow_template)
    run()
    assert "pieces" in kinds and taken  # the worker cut some pieces
    # and advised their sentences while this process still cut: taken, not redone
    assert sum(int(n) for n in ahead_log.read_text().split()) > 0
    assert {p: p.read_bytes() for p in alone} == alone
    assert _memo_keys() == alone_memos
    kinds.clear()
    doc = proj / "sources" / "doc.md"
    doc.write_text(text.replace("In June 1905,", "In July 1905,", 1), encoding="utf-8")
    run()
    assert "pieces" not in kinds


@pytest.mark.parametrize("worker_fails", [False, True])
def test_the_worker_writes_a_big_advice_cache(proj: Path, monkeypatch: pytest.MonkeyPatch,
                                              worker_fails: bool) -> None:
    """A cache file written whole is handed to the advisor's worker, which writes it while
    this process writes the catalogs: the same rows as one process writes; if the worker
    does not write it, this process does before the run ends."""
    import tm.advice_cache as cache

    _parts(proj, 3)
    monkeypatch.setattr(cache, "_cores", lambda: 1)
    run()
    path = proj / ".tm" / "advice-en-ru.bin"
    alone = dict(project_advisor(load_config()).known("en", "ru").everything())  # type: ignore[attr-defined]
    shutil.rmtree(proj / ".tm")
    shutil.rmtree(proj / "locales")
    monkeypatch.setattr(cache, "_cores", lambda: 2)
    monkeypatch.setattr(cache, "HAND_OVER_MIN", 10)
    kinds: list[str] = []
    submit = cache.Worker.submit

    def spy(self: object, n: int, payload: tuple[str, object], *a: object) -> object:
        kinds.append(payload[0])
        return submit(self, n, payload, *a)  # type: ignore[arg-type]

    def fail(*_a: object) -> list[bool]:
        raise OSError("disk full")

    monkeypatch.setattr(cache.Worker, "submit", spy)
    if worker_fails:
        monkeypatch.setattr(cache, "_write_in_worker", fail)  # in the forked worker too
    _reports, adv = run()
    assert "save" in kinds and path.is_file()
    got = project_advisor(load_config()).known("en", "ru")
    assert dict(got.everything()) == alone  # type: ignore[attr-defined]
    assert adv._saving == []


def test_a_run_that_fails_on_a_broken_catalog_keeps_no_work(
        proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The work cache is worked out while the worker advises but written only when the
    run succeeds: a catalog found broken afterwards leaves its files as they were. (The
    advice of a document merged before the broken catalog is kept: it holds for the
    memory as it is, whatever the catalogs say.)"""
    import tm.advice_cache as cache
    from tm import workcache

    _parts(proj, 2)
    _forget_memos()  # what other tests' projects left in this process's memos
    run()
    monkeypatch.setattr(cache, "_cores", lambda: 2)
    packs: list[int] = []
    real = tm.project._pack_work

    def spy(*a: object) -> object:
        pack = real(*a)  # type: ignore[arg-type]
        return None if pack is None else lambda: (packs.append(1), pack())
    monkeypatch.setattr(tm.project, "_pack_work", spy)
    for k in range(2):
        part = proj / "sources" / f"part{k}.md"
        part.write_text(part.read_text("utf-8") + "\nA sentence no run has cut.\n", "utf-8")
    broken = proj / "locales" / "ru" / "part1.po"
    broken.write_text(broken.read_text("utf-8") + '\nmsgid "unterminated\n', "utf-8")
    kept = [proj / ".tm" / name for name in workcache._memos()]
    before = {p: p.read_bytes() for p in kept}  # every one written by the first run
    with pytest.raises(TmError, match="part1.po"):
        run()
    assert packs  # worked out while the worker advised
    assert {p: p.read_bytes() for p in kept} == before
    broken.write_text(broken.read_text("utf-8").rsplit("\nmsgid", 1)[0], "utf-8")
    run()
    assert {p: p.read_bytes() for p in kept} != before  # kept once the run succeeds


def test_a_broken_document_among_several_is_named_on_both_cores(
        proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A document that cannot be read stops the run with its own error, whichever core
    met it first, and nothing is written."""
    import tm.advice_cache as cache

    _parts(proj)
    (proj / "sources" / "part4.md").write_bytes(b"# Four\n\nBroken \xff byte.\n")
    errors = []
    for cores in (1, 2):
        monkeypatch.setattr(cache, "_cores", lambda cores=cores: cores)
        with pytest.raises(TmError) as e:
            run()
        errors.append(str(e.value))
        assert not (proj / "locales").exists()
    assert errors[0] == errors[1] and "part4.md" in errors[0]


def test_new_advice_is_appended_not_rewritten(proj: Path) -> None:
    run()
    cache = proj / ".tm" / "advice-en-ru.bin"
    journal = cache.with_suffix(".log")
    whole = cache.read_bytes()
    assert not journal.exists()
    doc = proj / "sources" / "doc.md"
    doc.write_text(doc.read_text(encoding="utf-8") + f"\n{NEW}\n", encoding="utf-8")
    _, adv = run()
    assert adv.asked == 1
    assert cache.read_bytes() == whole  # one new sentence: appended to the journal
    assert journal.exists()
    doc.write_text(doc.read_text(encoding="utf-8") + "\nAnd one more sentence here.\n",
                   encoding="utf-8")
    _, adv = run()
    assert adv.asked == 1
    fresh = project_advisor(load_config())
    known = fresh.known("en", "ru")
    assert NEW in known and "And one more sentence here." in known and SENT in known
    # a record cut short by a killed run: the rows before it are kept, none is wrong
    journal.write_bytes(journal.read_bytes()[:-3])
    again = project_advisor(load_config()).known("en", "ru")
    assert NEW in again and "And one more sentence here." not in again
    assert again[SENT] == known[SENT]


def test_a_long_journal_is_folded_into_the_cache(proj: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import tm.advice_cache as cache_mod

    monkeypatch.setattr(cache_mod, "JOURNAL_MIN", 1)
    run()
    cache = proj / ".tm" / "advice-en-ru.bin"
    doc = proj / "sources" / "doc.md"
    sizes = []
    for i in range(3):
        doc.write_text(doc.read_text(encoding="utf-8") + f"\nSentence number {i} was added.\n",
                       encoding="utf-8")
        run()
        sizes.append((cache.stat().st_size, cache.with_suffix(".log").exists()))
    assert sizes[0][1] and sizes[1] == (sizes[1][0], False)  # the journal folded in
    assert sizes[1][0] > sizes[0][0]
    known = project_advisor(load_config()).known("en", "ru")
    assert all(f"Sentence number {i} was added." in known for i in range(3))


def test_units_cut_on_both_cores_give_the_same_catalogs(proj: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import tm.advice_cache as cache
    import tm.segment as segment
    import tm.segment.runs as segment_runs

    (proj / "sources" / "two.md").write_text(
        "# Two\n\n" + "".join(f"In June {1900 + i}, the Opposition met Trotsky. He spoke "
                              f"for {i} hours; cf. RGASPI, f. 17, op. {i}, d. 2, l. 3.\n\n"
                              for i in range(40)), encoding="utf-8")
    run()
    alone = {p: p.read_bytes() for p in (proj / "locales").rglob("*.po*")}
    shutil.rmtree(proj / ".tm")
    shutil.rmtree(proj / "locales")
    segment.SPLITS.clear()
    segment.EARLIER_SPLITS.clear()
    segment_runs.RUN_SEGMENTS.clear()  # the document's runs, remembered whole
    segment_runs.EARLIER_RUN_SEGMENTS.clear()
    monkeypatch.setattr(tm.cutting, "SHARE_MIN", 5)
    monkeypatch.setattr(cache, "_cores", lambda: 2)
    kinds: list[tuple[str, int]] = []
    real = cache.Worker.submit

    def spy(self: object, n: int, payload: tuple[str, object], *a: object) -> object:
        kinds.append((payload[0], n))
        return real(self, n, payload, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(cache.Worker, "submit", spy)
    run()
    assert ("cut", 41) in kinds  # the 40 paragraphs and the heading, shared with the worker
    assert {p: p.read_bytes() for p in alone} == alone


def test_another_wrap_width_is_not_up_to_date(proj: Path) -> None:
    """`tm segment --wrap 40` after a run at the default width wraps again (the width is
    part of what makes a document up to date)."""
    from typer.testing import CliRunner

    from tm.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["segment"]).exit_code == 0
    ru = proj / "locales" / "ru" / "doc.po"
    assert max(len(line) for line in ru.read_text("utf-8").splitlines()) > 40
    done = runner.invoke(app, ["segment", "--wrap", "40"])
    assert done.exit_code == 0 and "up to date" not in done.output
    assert max(len(line) for line in ru.read_text("utf-8").splitlines()
               if not line.startswith("#")) <= 40
    assert "up to date" in runner.invoke(app, ["segment", "--wrap", "40"]).output


def test_a_pairs_cache_is_never_read_for_another_pair(proj: Path) -> None:
    """Advice files carry their language pair: one copied over another pair's (a user
    tidying .tm/, say) is a miss, never the other language's translations."""
    toml = proj / "tm.toml"
    toml.write_text(toml.read_text().replace('["en", "ru"]', '["en", "ru", "de"]'))
    run()
    folder = proj / ".tm"
    ru, de = folder / "advice-en-ru.bin", folder / "advice-en-de.bin"
    ru_bytes, de_bytes = ru.read_bytes(), de.read_bytes()
    ru.write_bytes(de_bytes)
    de.write_bytes(ru_bytes)
    for lang in ("ru", "de"):
        (proj / "locales" / lang / "doc.po").unlink()
    swapped = run()[1]
    assert swapped.asked == 2 * 4  # every msgid of both pairs advised again
    after = {p: p.read_bytes() for p in sorted((proj / "locales").rglob("*.po"))}
    shutil.rmtree(folder)
    for lang in ("ru", "de"):
        (proj / "locales" / lang / "doc.po").unlink()
    run()
    assert {p: p.read_bytes() for p in after} == after


def test_nothing_is_appended_after_a_torn_journal_record(proj: Path) -> None:
    """A run killed while appending leaves a torn record; the next run that adds advice
    writes the cache whole (the torn bytes are never followed by a new record, which a
    later read could misparse)."""
    run()
    doc = proj / "sources" / "doc.md"
    doc.write_text(doc.read_text(encoding="utf-8") + f"\n{NEW}\n", encoding="utf-8")
    run()
    journal = proj / ".tm" / "advice-en-ru.log"
    journal.write_bytes(journal.read_bytes()[:-5])
    doc.write_text(doc.read_text(encoding="utf-8") + "\nAnd one more sentence here.\n",
                   encoding="utf-8")
    _, adv = run()
    assert adv.asked == 1  # the new sentence (NEW's entry is taken from the catalog)
    assert not journal.exists()  # folded into the cache, written whole
    known = project_advisor(load_config()).known("en", "ru")
    assert "And one more sentence here." in known and SENT in known
    assert NEW not in known  # its torn row is lost, not misread: a miss next time


def test_the_code_stamp_changes_with_a_library_tm_depends_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cache in .tm/ is kept under `code_stamp`: an upgraded Markdown parser (or
    morphology, or rapidfuzz) may cut or advise differently, so it is part of the stamp,
    as tm's own files are; a library that is absent counts too."""
    import sys

    from tm import advice_cache

    pkg = tmp_path / "fake_parser_lib"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("VERSION = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(advice_cache, "LIBRARIES", (*advice_cache.LIBRARIES, "fake_parser_lib"))

    def stamp() -> str:
        monkeypatch.setattr(advice_cache, "_STAMP", [])
        sys.modules.pop("fake_parser_lib", None)
        import importlib

        importlib.invalidate_caches()
        return advice_cache.code_stamp()

    first = stamp()
    assert stamp() == first
    (pkg / "__init__.py").write_text("VERSION = 22\n")  # upgraded in place
    upgraded = stamp()
    assert upgraded != first
    shutil.rmtree(pkg)
    assert stamp() not in (first, upgraded)  # uninstalled


def test_an_edited_source_is_not_up_to_date_without_reading_its_outputs(
        proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a document is up to date is asked of its source first: an edited one is
    not, and its catalogs (megabytes for a long document) are not read to know it."""
    import tm.advice_cache as cache

    run()
    config = load_config()
    key = cache.advisor_key(project_advisor(config))
    outputs = tm.project._outputs(config, "doc")
    done_key = f"{key}\0wrap=79"
    assert cache.up_to_date(config, "doc", outputs, done_key) is not None
    read: list[Path] = []
    real = cache.pieces

    def spy(path: Path) -> Iterator[bytes]:
        read.append(Path(path))
        return real(path)

    monkeypatch.setattr(cache, "pieces", spy)
    assert cache.up_to_date(config, "doc", outputs, done_key) is not None
    assert len(read) == 1 + len(outputs)
    read.clear()
    src = proj / "sources" / "doc.md"
    src.write_text(src.read_text("utf-8") + "\nOne more.\n", "utf-8")
    assert cache.up_to_date(config, "doc", outputs, done_key) is None
    assert read == [config.source_path("doc")]


def test_rows_advised_ahead_are_taken_not_advised_again() -> None:
    """The worker's rows for sentences it cut and advised while it waited (`expect`)
    are given as they are, in the list's order, and only the others are advised."""
    from tm.advice_cache import _rows_ahead

    class Counting:
        asked: list[str] = []

        def advise(self, msgids: list[str], source: str, target: str) -> dict[str, object]:
            from tm.model import Suggestion

            self.asked += msgids
            return {m: Suggestion(f"<{m}>", True, [], None) for m in msgids}

    inner = Counting()
    ahead = {("b", "en", "ru"): ("B", False, ("tm: x",), None)}
    items = [("a", "en", "ru"), ("b", "en", "ru"), ("c", "en", "ru")]
    rows = _rows_ahead(inner, items, ahead)  # type: ignore[arg-type]
    assert rows == [("<a>", True, (), None), ("B", False, ("tm: x",), None),
                    ("<c>", True, (), None)]
    assert inner.asked == ["a", "c"] and not ahead
