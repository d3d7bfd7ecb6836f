"""A re-run cuts and wraps only what changed (.tm/split.bin, .tm/quoted.bin), and writes
byte for byte what a run without those files writes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tm import advice_cache, po_write, segment, shards, workcache, wrap
from tm.config import load_config
from tm.formats import markdown_runs
from tm.project import segment_project
from tm.segment import runs

LONG = ("The Left Opposition, led by Trotsky, demanded the restoration of party democracy "
        "and an end to the repression of the workers' movement in the Soviet Union; its "
        "members were expelled, exiled and later shot.")
DOC = f"""\
# Part 1

{LONG} It was 1927.

Second paragraph, short. It has two sentences.

{LONG.replace("Trotsky", "Rakovsky")} Another sentence.
"""


def _new_process() -> None:
    """Forget what this process cut, wrapped and loaded (as a new `tm segment` would)."""
    for memo in (segment.SPLITS, segment.EARLIER_SPLITS, wrap.LAYOUTS, po_write.QUOTED,
                 po_write.EARLIER_QUOTED, runs.RUN_SEGMENTS, runs.EARLIER_RUN_SEGMENTS,
                 markdown_runs.RUNS, markdown_runs.EARLIER_RUNS):
        memo.clear()
    workcache._LOADED.clear()
    workcache._WHOLE.clear()


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.md").write_text(DOC, encoding="utf-8")
    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru"]\n[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _new_process()
    yield tmp_path
    _new_process()


def _segment() -> dict[str, bytes]:
    config = load_config()
    segment_project(config, advisor=None)
    return {p.name: p.read_bytes() for p in sorted((config.root / "locales").rglob("*.po*"))}


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Texts split into sentences and laid out into lines from now on."""
    seen: dict[str, list[str]] = {"split": [], "layout": []}
    split, lay = segment.split_sentences, wrap._cuts

    def counted_split(text: str, language: str) -> list[tuple[int, int]]:
        seen["split"].append(text)
        return split(text, language)

    def counted_layout(esc: str, first: int, room: int) -> tuple[int, ...]:
        seen["layout"].append(esc)
        return lay(esc, first, room)

    monkeypatch.setattr(segment, "split_sentences", counted_split)
    monkeypatch.setattr(wrap, "_cuts", counted_layout)
    return seen


def test_rerun_cuts_and_wraps_only_the_changed_paragraph(
        proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _segment()
    assert (proj / ".tm" / "split.bin").is_file() and (proj / ".tm" / "quoted.bin").is_file()
    _new_process()
    src = proj / "sources" / "doc.md"
    src.write_text(DOC.replace("led by Trotsky", "led by Leon Trotsky"), encoding="utf-8")
    seen = _counting(monkeypatch)
    cached = _segment()
    assert len(seen["split"]) == 1 and "Leon Trotsky" in seen["split"][0]
    # and the header, new in every run (its digest, its date): its long lines again
    assert seen["layout"] and all(
        "Leon Trotsky" in t or t.startswith(("X-Tm-Source-Digest", "Plural-Forms"))
        for t in seen["layout"])
    # the same files as a run that cuts and wraps everything again
    for name in ("split.bin", "quoted.bin", "segments.bin", "uptodate.bin"):
        (proj / ".tm" / name).unlink()
    _new_process()
    assert _segment() == cached
    assert len(seen["split"]) == 1 + 4  # now every unit was cut


def test_changed_code_drops_what_was_cut(proj: Path) -> None:
    """Spans recorded under another tm (other sentence rules) are never used; under this
    tm's key they are (so the test would see a stale cache being trusted)."""
    _segment()
    path = proj / ".tm" / "split.bin"
    head, _, body = path.read_bytes().partition(b"\n")
    chunks, whole = shards.read_chunks(body)
    assert whole and len(chunks) == 1
    spans = chunks[0]
    unit = next(k for k in spans if k[0].startswith("Second paragraph"))
    spans[unit] = [(0, len(unit[0]))]  # one sentence where the rules find two
    path.write_bytes(head + b"\n" + shards.chunk(spans))
    (proj / ".tm" / "uptodate.bin").unlink()

    def msgids() -> list[str]:
        _new_process()
        _segment()
        pot = (proj / "locales" / "templates" / "doc.pot").read_text("utf-8")
        return [line for line in pot.splitlines() if line.startswith("msgid ")]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(advice_cache, "_STAMP", ["another tm"])
        assert 'msgid "It has two sentences."' in msgids()
    path.write_bytes(head + b"\n" + shards.chunk(spans))
    (proj / ".tm" / "uptodate.bin").unlink()
    assert 'msgid "Second paragraph, short. It has two sentences."' in msgids()


def test_damaged_files_are_ignored(proj: Path) -> None:
    first = _segment()
    for name in ("split.bin", "quoted.bin"):
        (proj / ".tm" / name).write_bytes(b"tm-work-1 garbage\n\x00\x01")
    (proj / ".tm" / "uptodate.bin").unlink()
    _new_process()
    assert _segment() == first
    (proj / ".tm" / "split.bin").write_bytes(workcache._key() + b"\xff\xfe not marshal")
    (proj / ".tm" / "uptodate.bin").unlink()
    _new_process()
    assert _segment() == first


def test_rerun_appends_only_what_it_adds(proj: Path) -> None:
    """A re-run that cut and wrapped one new paragraph appends those entries to the files
    it read (not a rewrite of every entry); a damaged last chunk costs only its entries,
    and the files written are the same as without any of it."""
    _segment()
    layout = proj / ".tm" / "quoted.bin"  # lines wrapped
    before = layout.read_bytes()
    _new_process()
    src = proj / "sources" / "doc.md"
    src.write_text(DOC.replace("led by Trotsky", "led by Leon Trotsky"), encoding="utf-8")
    cached = _segment()
    after = layout.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    chunks, whole = shards.read_chunks(after.partition(b"\n")[2])
    assert whole and len(chunks) == 2
    assert any("Leon Trotsky" in k[0] for k in chunks[1])
    assert not any("Leon Trotsky" in k[0] for k in chunks[0])
    assert len(chunks[1]) < len(chunks[0])
    layout.write_bytes(after[:-3])  # a run killed while appending
    (proj / ".tm" / "uptodate.bin").unlink()
    shutil.rmtree(proj / ".tm" / "spans")  # every entry is written out again
    _new_process()
    assert _segment() == cached
    chunks, whole = shards.read_chunks(layout.read_bytes().partition(b"\n")[2])
    assert whole and len(chunks) == 1  # written anew, with every entry
    assert any("Leon Trotsky" in k[0] for k in chunks[0])


def test_a_document_of_one_run_does_not_grow_the_files_read_whole(
        proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CRLF document is one Markdown run: every edit adds a copy of the whole to
    segments.bin and runs.bin, which no later run can use. Past `WHOLE_BYTES` and three
    times what the run used, a file keeps only what the run used: bounded, and the
    catalogs the same as without the caches."""
    src = proj / "sources" / "doc.md"
    text = (DOC * 4).replace("\n", "\r\n")

    def edits(whole_bytes: int) -> list[dict[str, int]]:
        monkeypatch.setattr(workcache, "WHOLE_BYTES", whole_bytes)
        shutil.rmtree(proj / ".tm", ignore_errors=True)
        sizes = []
        for n in range(8):
            src.write_bytes(text.replace("It was 1927.", f"It was 19{20 + n}.").encode())
            _new_process()
            cached = _segment()
            sizes.append({name: (proj / ".tm" / name).stat().st_size
                          for name in ("segments.bin", "runs.bin")})
        shutil.rmtree(proj / ".tm")
        _new_process()
        assert _segment() == cached  # without the caches: the same files
        return sizes

    unbounded = edits(1 << 40)
    bounded = edits(1)
    for name in ("segments.bin", "runs.bin"):
        assert unbounded[-1][name] > 6 * unbounded[0][name]  # a copy per edit
        assert max(s[name] for s in bounded) <= 4 * bounded[0][name], (name, bounded)
