"""A Markdown document's segments run by run (tm.segment.runs): the same segments as
cutting its units whole, from the memo or not, after any edit; kept in
.tm/segments.bin under tm's code, per language and segmentation, and a damaged or
stale file is ignored."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tm.formats.markdown_runs as md_runs
from tm import advice_cache, segment, shards, workcache
from tm.config import load_config
from tm.model import Segment, Sentences
from tm.project import segment_project
from tm.segment import make_segment, segment_document
from tm.segment import runs as seg_runs
from tm.source import read_runs, units

from .test_source_runs import FRAGMENTS, _doc

SENTENCES = ["Plain text. Another sentence.", "It was 1927. Then f. 17, op. 1. Done.",
             "Wrapped\ncontinued line. Second one.", "> Quoted. Two here.",
             "- item one. More.\n  continued item.", "Ünïcode Буквы начало. Конец."]


def _forget() -> None:
    """As a new process: nothing cut or remembered in memory."""
    for memo in (seg_runs.RUN_SEGMENTS, seg_runs.EARLIER_RUN_SEGMENTS, md_runs.RUNS,
                 md_runs.EARLIER_RUNS, segment.SPLITS, segment.EARLIER_SPLITS):
        memo.clear()
    workcache._LOADED.clear()
    workcache._WHOLE.clear()


def _as_earlier() -> None:
    """What this process remembered, as a new process finds it in .tm/."""
    for used, earlier in ((seg_runs.RUN_SEGMENTS, seg_runs.EARLIER_RUN_SEGMENTS),
                          (md_runs.RUNS, md_runs.EARLIER_RUNS)):
        earlier.update(used)
        used.clear()


@pytest.fixture
def every_line(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every line that may start a run starts one (the most run ends to get wrong)."""
    monkeypatch.setattr(md_runs, "SPREAD", 1)
    _forget()
    yield
    _forget()


def _whole(text: str, lang: str = "en", mode: str = "sentence") -> list[Segment]:
    return segment_document(text, units(text), lang, mode)


def _by_run(text: str, lang: str = "en", mode: str = "sentence") -> list[Segment]:
    """The segments run by run, checking that the template's sentences taken run by run
    (without the segments) are theirs."""
    sentences = seg_runs.sentences_by_run(read_runs(text), lang, mode)
    got = seg_runs.segments_by_run(read_runs(text), lang, mode)
    if got is None:
        assert sentences is None
        return _whole(text, lang, mode)
    assert sentences == Sentences.of(got)
    return got


def test_make_segment_sets_each_field() -> None:
    args = ("text", 1, 2, 3, "kind", "> ", False, ("  ",), 7)
    assert make_segment(*args) == Segment(*args)
    assert hash(make_segment(*args)) == hash(Segment(*args))


@settings(max_examples=300, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*FRAGMENTS, *SENTENCES, "", "", ""]), max_size=40),
       st.lists(st.sampled_from([*FRAGMENTS, *SENTENCES, "", ""]), max_size=8), st.data(),
       st.sampled_from(["sentence", "paragraph"]))
def test_runs_give_the_segments_of_the_whole(
        every_line: None, parts: list[str], edit: list[str], data: st.DataObject,
        mode: str) -> None:
    """First run, a re-run from the memo in a new process, and an edited text: the
    segments of cutting every unit."""
    _forget()
    text = _doc(parts)
    expected = _whole(text, "en", mode)
    _forget()
    assert _by_run(text, "en", mode) == expected
    _as_earlier()
    assert _by_run(text, "en", mode) == expected
    at = data.draw(st.integers(0, len(parts)))
    cut = data.draw(st.integers(0, len(parts) - at))
    after = _doc([*parts[:at], *edit, *parts[at + cut:]])
    _as_earlier()
    got = _by_run(after, "en", mode)
    _forget()
    assert got == _whole(after, "en", mode)


def test_language_and_mode_are_part_of_the_key(every_line: None) -> None:
    text = "Он пришёл в 1927 г. и ушёл. Second one. Third.\n\nMore text. Here.\n"
    for lang, mode in [("en", "sentence"), ("ru", "sentence"), ("en", "paragraph"),
                       ("ru", "paragraph"), ("en", "sentence")]:
        expected = _whole(text, lang, mode)
        assert _by_run(text, lang, mode) == expected, (lang, mode)
        _as_earlier()
        assert _by_run(text, lang, mode) == expected, (lang, mode)


def test_a_link_title_takes_the_whole_document(every_line: None) -> None:
    text = 'See [it][ref]. Now.\n\n[ref]: https://example.org "A title. Two."\n'
    assert seg_runs.segments_by_run(read_runs(text), "en", "sentence") is None


def test_a_link_title_document_is_parsed_once(every_line: None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Taken whole, it is cut from the runs as read (found by a hostile review: every run
    was parsed again, +0.45 s on a 4.4 MB first run), giving the units `units` gives."""
    import tm.source as source

    text = "".join(f"Paragraph {i}. Two.\n\n" for i in range(40))
    text += 'See [it][ref]. Now.\n\n[ref]: https://example.org "A title. Two."\n'
    md_runs.RUNS.clear()
    md_runs.EARLIER_RUNS.clear()
    expected = units(text)
    md_runs.RUNS.clear()
    md_runs.EARLIER_RUNS.clear()
    calls = []
    real = source._BLOCKS.parse
    monkeypatch.setattr(source._BLOCKS, "parse", lambda *a: calls.append(1) or real(*a))
    runs = read_runs(text)
    parsed = len(calls)
    assert seg_runs.segments_by_run(runs, "en", "sentence") is None
    assert runs.whole_units() == expected and len(calls) == parsed


# --- in a project: .tm/segments.bin -------------------------------------------------------

PARAS = [f"Paragraph {i} says something about item {i * 7919 % 1000}. It was {1900 + i}."
         for i in range(300)]


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.md").write_text("\n\n".join(PARAS) + "\n", encoding="utf-8")
    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru"]\n[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _forget()
    yield tmp_path
    _forget()


def _segment(fresh: bool = True) -> dict[str, bytes]:
    """Segment the project as a new process would (`fresh`: with no up-to-date record,
    so the document is cut again)."""
    if fresh:
        (Path(".tm") / "uptodate.bin").unlink(missing_ok=True)
    _forget()
    config = load_config()
    segment_project(config, advisor=None)
    return {p.name: p.read_bytes() for p in sorted((config.root / "locales").rglob("*.po*"))}


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    cut = segment.unit_segments

    def counted(source: str, unit: object, *args: object, **kw: object) -> list[Segment]:
        seen.append(segment.unit_text(source, unit))  # type: ignore[arg-type]
        return cut(source, unit, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(seg_runs, "unit_segments", counted)
    return seen


def test_a_rerun_cuts_only_the_changed_run(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _segment()
    assert (proj / ".tm" / "segments.bin").is_file()
    doc = proj / "sources" / "doc.md"
    doc.write_text(doc.read_text("utf-8").replace("Paragraph 150 says", "Paragraph 150 now says"),
                   encoding="utf-8")
    seen = _counting(monkeypatch)
    cached = _segment()
    assert any("Paragraph 150 now says" in t for t in seen) and len(seen) < len(PARAS) / 4
    shutil_rm(proj / ".tm")
    assert _segment() == cached  # what a run with nothing remembered writes


def shutil_rm(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "other key", "folder",
                                    "fifo", "swapped"])
def test_a_damaged_file_is_ignored(proj: Path, damage: str) -> None:
    first = _segment()
    path = proj / ".tm" / "segments.bin"
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x00\x01 not a cache")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        at = len(data) - 100
        path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])
    elif damage == "other key":
        path.write_bytes(b"tm-work-0 0123\n" + data.partition(b"\n")[2])
    elif damage == "folder":
        path.unlink()
        path.mkdir()
    elif damage == "fifo":
        path.unlink()
        os.mkfifo(path)
    elif damage == "swapped":  # a well-formed file of this tm, for other runs
        path.write_bytes((proj / ".tm" / "runs.bin").read_bytes())
    assert _segment() == first
    if damage not in ("folder", "fifo"):
        assert _segment() == first  # from what the run above wrote again


def test_a_wrong_memo_under_another_code_is_not_used(proj: Path) -> None:
    """Segments recorded under another tm (other rules) are never used; under this tm's
    key they are (so the test would see a stale file being trusted)."""
    first = _segment()
    path = proj / ".tm" / "segments.bin"
    head, _, body = path.read_bytes().partition(b"\n")
    chunks, whole = shards.read_chunks(body)
    assert whole and len(chunks) == 1
    memo = chunks[0]
    key = next(k for k, (_n, rows) in memo.items()
               if any(r[0] is None and r[1] == 0 for r in rows))
    n, rows = memo[key]
    memo[key] = (n, tuple((r[0], r[1], r[2] + 1, *r[3:]) for r in rows))  # one more byte
    wrong = head + b"\n" + shards.chunk(memo)
    runs_bin = proj / ".tm" / "runs.bin"
    kept_runs = runs_bin.read_bytes()  # the runs' units too: a run parsed is cut again
    path.write_bytes(wrong)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(advice_cache, "_STAMP", ["another tm"])
        assert _segment() == first
    path.write_bytes(wrong)
    runs_bin.write_bytes(kept_runs)
    assert _segment() != first


def test_segmentation_and_language_changes_are_not_taken_from_the_file(proj: Path) -> None:
    _segment()
    toml = proj / "tm.toml"
    for rule in ('language = "en"\nsegmentation = "paragraph"\n', 'language = "ru"\n'):
        toml.write_text(f'languages = ["en", "ru"]\n[[documents]]\nglob = "**/*.md"\n{rule}',
                        encoding="utf-8")
        cached = _segment()
        shutil_rm(proj / ".tm")
        assert _segment() == cached


def test_a_run_read_twice_gives_the_same_segments(every_line: None) -> None:
    """A parsed run's units are made once (its tokens are moved to their place in the
    document): asking again gives the same."""
    text = "First paragraph. Two.\n\nSecond one here.\n\n- an item. More.\n"
    runs = read_runs(text)
    first = seg_runs.segments_by_run(runs, "en", "sentence")
    assert first == _whole(text)
    assert seg_runs.segments_by_run(runs, "en", "sentence") == first
    assert [runs.units_of(i) for i in range(len(runs.runs))] == [
        runs.units_of(i) for i in range(len(runs.runs))]


def test_a_template_entry_holds_its_fields_where_they_belong() -> None:
    """build_template makes its entries by position: each field in its place."""
    from tm.catalog import build_template
    from tm.po_model import Message

    got = build_template(Sentences(["A.", "B.", "A."], [3, 3, 5], ["heading", "paragraph",
                                                                "list item"]), "s/d.md", "d")
    assert got.messages == [
        Message(msgid="A.", references=["s/d.md:3", "s/d.md:5"], extracted=["heading"]),
        Message(msgid="B.", references=["s/d.md:3"], extracted=["paragraph"])]
